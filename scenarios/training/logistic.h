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
//
// It stops when the gradient is small (gradient_tolerance), or when the
// Newton decrement says no step can show, after taking the full step if J
// allows it: lambda^2 / 2 = g' H^-1 g / 2, the decrease the full step
// predicts (J - J* near the optimum), is below what evaluating J resolves,
// sqrt(n) * machine epsilon * J (the typical rounding of a sum of n
// non-negative terms, every term of J being one). There a line search
// compares rounding noise: on 400,000 rows at a J of 2.6e5 the full step's
// predicted 2e-10 is under the sum's 4e-8 noise, the search halved to steps
// of 1e-8 that changed nothing until the iteration limit, and the gradient
// stayed where the last real step left it.
#pragma once

#include <Eigen/Dense>

namespace crashtwin::training {

struct LogisticOptions {
  double l2 = 1.0;                   // ridge strength on the weights (>= 0)
  int max_iterations = 100;          // Newton steps
  double gradient_tolerance = 1e-8;  // stop when max |dJ| / sum(s) falls below
};

// Why the fit stopped: converged on the gradient or on the Newton
// decrement, or not converged (the iteration limit, or no descent at all).
enum class LogisticStop { gradient, decrement, iterations, no_descent };
const char* to_string(LogisticStop stop);

struct LogisticFit {
  Eigen::VectorXd weight;  // d
  double bias = 0.0;
  double objective = 0.0;      // J at the result
  double gradient_norm = 0.0;  // max |dJ| / sum(s) at the result
  // lambda^2 / 2 of the last Newton step computed (0 when none was: the
  // gradient test passed first), and J's resolution it was compared with.
  double newton_decrement = 0.0;
  double objective_resolution = 0.0;
  int iterations = 0;
  bool converged = false;  // stop is gradient or decrement
  LogisticStop stop = LogisticStop::iterations;
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
