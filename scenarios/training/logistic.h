// L2-regularised logistic regression fitted by Newton's method (iteratively
// reweighted least squares) with a backtracking line search. Minimises
//
//   J(w, b) = sum_i s_i [log(1 + e^{z_i}) - y_i z_i] + (l2 / 2) |w|^2,
//   z_i = b + x_i . w
//
// over already standardised features x (n x d), labels y in {0, 1} and
// per-sample weights s >= 0 (class weighting). The bias is not penalised.
// Newton converges quadratically on this convex objective, in a handful of
// iterations, and the result depends only on the data and the options (no
// randomness, one thread), so retraining reproduces a model bit for bit.
#pragma once

#include <Eigen/Dense>

namespace crashtwin::training {

struct LogisticOptions {
  double l2 = 1.0;                   // ridge strength on the weights (>= 0)
  int max_iterations = 100;          // Newton steps
  double gradient_tolerance = 1e-8;  // stop when max |dJ| / sum(s) falls below
};

struct LogisticFit {
  Eigen::VectorXd weight;  // d
  double bias = 0.0;
  double objective = 0.0;      // J at the result
  double gradient_norm = 0.0;  // max |dJ| / sum(s) at the result
  int iterations = 0;
  bool converged = false;
};

// Fits the model; x.rows() == y.size() == sample_weight.size().
LogisticFit fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& sample_weight,
                         const LogisticOptions& options);

// J and its gradient (d weights then the bias) at (weight, bias): the fit's
// optimality condition, exposed so tests can check dJ ~ 0 independently.
double logistic_objective(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& sample_weight,
                          double l2, const Eigen::VectorXd& weight, double bias);
Eigen::VectorXd logistic_gradient(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                  const Eigen::VectorXd& sample_weight, double l2, const Eigen::VectorXd& weight,
                                  double bias);

// Numerically stable sigmoid and log(1 + e^z).
double sigmoid(double z);
double softplus(double z);

}  // namespace crashtwin::training
