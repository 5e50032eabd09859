#include "scenarios/training/logistic.h"

#include <cmath>

namespace crashtwin::training {

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

namespace {

Eigen::VectorXd margins(const Eigen::MatrixXd& x, const Eigen::VectorXd& weight, double bias) {
  return (x * weight).array() + bias;
}

}  // namespace

double logistic_objective(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& sample_weight,
                          double l2, const Eigen::VectorXd& weight, double bias) {
  const Eigen::VectorXd z = margins(x, weight, bias);
  double j = 0.5 * l2 * weight.squaredNorm();
  for (Eigen::Index i = 0; i < z.size(); ++i) j += sample_weight[i] * (softplus(z[i]) - y[i] * z[i]);
  return j;
}

Eigen::VectorXd logistic_gradient(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                  const Eigen::VectorXd& sample_weight, double l2, const Eigen::VectorXd& weight,
                                  double bias) {
  const Eigen::VectorXd z = margins(x, weight, bias);
  Eigen::VectorXd r(z.size());
  for (Eigen::Index i = 0; i < z.size(); ++i) r[i] = sample_weight[i] * (sigmoid(z[i]) - y[i]);
  Eigen::VectorXd g(weight.size() + 1);
  g.head(weight.size()) = x.transpose() * r + l2 * weight;
  g[weight.size()] = r.sum();
  return g;
}

LogisticFit fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& sample_weight,
                         const LogisticOptions& options) {
  const Eigen::Index n = x.rows();
  const Eigen::Index d = x.cols();
  const double total_weight = std::max(sample_weight.sum(), 1e-300);
  LogisticFit fit;
  fit.weight = Eigen::VectorXd::Zero(d);
  // Start at the weighted base rate: the optimum of the bias-only model.
  const double positive_weight = sample_weight.dot(y);
  if (positive_weight > 0 && positive_weight < total_weight)
    fit.bias = std::log(positive_weight / (total_weight - positive_weight));
  fit.objective = logistic_objective(x, y, sample_weight, options.l2, fit.weight, fit.bias);

  Eigen::VectorXd curvature(n);
  Eigen::VectorXd residual(n);
  for (fit.iterations = 0; fit.iterations <= options.max_iterations; ++fit.iterations) {
    const Eigen::VectorXd z = margins(x, fit.weight, fit.bias);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double p = sigmoid(z[i]);
      residual[i] = sample_weight[i] * (p - y[i]);
      curvature[i] = sample_weight[i] * p * (1.0 - p);
    }
    Eigen::VectorXd gradient(d + 1);
    gradient.head(d) = x.transpose() * residual + options.l2 * fit.weight;
    gradient[d] = residual.sum();
    fit.gradient_norm = gradient.cwiseAbs().maxCoeff() / total_weight;
    if (fit.gradient_norm < options.gradient_tolerance) {
      fit.converged = true;
      break;
    }
    if (fit.iterations == options.max_iterations) break;

    // Hessian of J over (w, b): [X 1]^T diag(s p (1-p)) [X 1] + l2 on w.
    Eigen::MatrixXd hessian(d + 1, d + 1);
    hessian.topLeftCorner(d, d) = x.transpose() * curvature.asDiagonal() * x;
    hessian.topLeftCorner(d, d).diagonal().array() += options.l2;
    const Eigen::VectorXd xc = x.transpose() * curvature;
    hessian.topRightCorner(d, 1) = xc;
    hessian.bottomLeftCorner(1, d) = xc.transpose();
    hessian(d, d) = curvature.sum();
    // A separable class without ridge makes the Hessian (nearly) singular;
    // a tiny relative jitter keeps the Newton step defined.
    hessian.diagonal().array() += 1e-12 * (1.0 + hessian.diagonal().cwiseAbs().maxCoeff());
    const Eigen::VectorXd step = hessian.ldlt().solve(gradient);

    // Backtracking (Armijo) line search: full Newton steps near the optimum,
    // shorter ones far from it, so J never increases.
    const double slope = gradient.dot(step);
    double t = 1.0;
    bool moved = false;
    for (int halvings = 0; halvings < 40; ++halvings, t *= 0.5) {
      const Eigen::VectorXd w = fit.weight - t * step.head(d);
      const double b = fit.bias - t * step[d];
      const double j = logistic_objective(x, y, sample_weight, options.l2, w, b);
      if (std::isfinite(j) && j <= fit.objective - 1e-4 * t * slope) {
        fit.weight = w;
        fit.bias = b;
        fit.objective = j;
        moved = true;
        break;
      }
    }
    if (!moved) break;  // no descent left at machine precision: the gradient says how close we are
  }
  return fit;
}

}  // namespace crashtwin::training
