#include "scenarios/training/logistic.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "platform/core/exact_math.h"

// Reproducible to the bit on any x86-64 machine (the shipped default model is
// compared byte for byte by a test): the transcendental functions are
// crashtwin::exact's, not libm's CPU-dispatched ones, and every sum over the
// rows is a plain loop in row order. Eigen's matrix products choose their
// blocking from the CPU's cache sizes at run time, and its vectorised
// reductions from the instruction set the build targets; both change the
// order of the additions, and so the last bits. Eigen is left only the
// (d+1) x (d+1) Newton solve, which it does the same everywhere (the library
// is built with EIGEN_DONT_VECTORIZE).
namespace crashtwin::training {

const char* to_string(LogisticStop stop) {
  switch (stop) {
    case LogisticStop::gradient: return "gradient";
    case LogisticStop::decrement: return "decrement";
    case LogisticStop::iterations: return "iterations";
    case LogisticStop::no_descent: return "no_descent";
  }
  return "unknown";
}

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + exact::exp(-z));
  const double e = exact::exp(z);
  return e / (1.0 + e);
}

double softplus(double z) { return z > 0 ? z + exact::log1p(exact::exp(-z)) : exact::log1p(exact::exp(z)); }

namespace {

// z_i = b + x_i . w, the dot product in feature order.
Eigen::VectorXd margins(const Eigen::MatrixXd& x, const Eigen::VectorXd& weight, double bias) {
  Eigen::VectorXd z(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double v = bias;
    for (Eigen::Index f = 0; f < x.cols(); ++f) v += x(i, f) * weight[f];
    z[i] = v;
  }
  return z;
}

double ordered_sum(const Eigen::VectorXd& v) {
  double s = 0.0;
  for (Eigen::Index i = 0; i < v.size(); ++i) s += v[i];
  return s;
}

// The gradient of J over (w, b) from the per-row residuals r_i = s_i (p_i - y_i):
// X^T r + l2 w, then sum r.
Eigen::VectorXd gradient_from_residuals(const Eigen::MatrixXd& x, const Eigen::VectorXd& residual, double l2,
                                        const Eigen::VectorXd& weight) {
  const Eigen::Index d = x.cols();
  Eigen::VectorXd g = Eigen::VectorXd::Zero(d + 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index f = 0; f < d; ++f) g[f] += x(i, f) * residual[i];
    g[d] += residual[i];
  }
  for (Eigen::Index f = 0; f < d; ++f) g[f] += l2 * weight[f];
  return g;
}

// [X 1]^T diag(c) [X 1], lower triangle accumulated in row order, then mirrored.
Eigen::MatrixXd weighted_gram(const Eigen::MatrixXd& x, const Eigen::VectorXd& curvature) {
  const Eigen::Index d = x.cols();
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(d + 1, d + 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double c = curvature[i];
    for (Eigen::Index a = 0; a <= d; ++a) {
      const double ca = c * (a < d ? x(i, a) : 1.0);
      for (Eigen::Index b = 0; b <= a; ++b) h(a, b) += ca * (b < d ? x(i, b) : 1.0);
    }
  }
  for (Eigen::Index a = 0; a <= d; ++a)
    for (Eigen::Index b = 0; b < a; ++b) h(b, a) = h(a, b);
  return h;
}

double squared_norm(const Eigen::VectorXd& v) {
  double s = 0.0;
  for (Eigen::Index i = 0; i < v.size(); ++i) s += v[i] * v[i];
  return s;
}

}  // namespace

double logistic_objective(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& sample_weight,
                          double l2, const Eigen::VectorXd& weight, double bias) {
  const Eigen::VectorXd z = margins(x, weight, bias);
  double j = 0.5 * l2 * squared_norm(weight);
  for (Eigen::Index i = 0; i < z.size(); ++i) j += sample_weight[i] * (softplus(z[i]) - y[i] * z[i]);
  return j;
}

Eigen::VectorXd logistic_gradient(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                  const Eigen::VectorXd& sample_weight, double l2, const Eigen::VectorXd& weight,
                                  double bias) {
  const Eigen::VectorXd z = margins(x, weight, bias);
  Eigen::VectorXd r(z.size());
  for (Eigen::Index i = 0; i < z.size(); ++i) r[i] = sample_weight[i] * (sigmoid(z[i]) - y[i]);
  return gradient_from_residuals(x, r, l2, weight);
}

LogisticFit fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& sample_weight,
                         const LogisticOptions& options) {
  const Eigen::Index n = x.rows();
  const Eigen::Index d = x.cols();
  const double total_weight = std::max(ordered_sum(sample_weight), 1e-300);
  LogisticFit fit;
  fit.weight = Eigen::VectorXd::Zero(d);
  // Start at the weighted base rate: the optimum of the bias-only model.
  double positive_weight = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) positive_weight += sample_weight[i] * y[i];
  if (positive_weight > 0 && positive_weight < total_weight)
    fit.bias = exact::log(positive_weight / (total_weight - positive_weight));
  fit.objective = logistic_objective(x, y, sample_weight, options.l2, fit.weight, fit.bias);

  Eigen::VectorXd curvature(n);
  Eigen::VectorXd residual(n);
  bool resolved = false;  // the last step predicted less than J resolves (logistic.h)
  for (fit.iterations = 0; fit.iterations <= options.max_iterations; ++fit.iterations) {
    const Eigen::VectorXd z = margins(x, fit.weight, fit.bias);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double p = sigmoid(z[i]);
      residual[i] = sample_weight[i] * (p - y[i]);
      curvature[i] = sample_weight[i] * p * (1.0 - p);
    }
    const Eigen::VectorXd gradient = gradient_from_residuals(x, residual, options.l2, fit.weight);
    fit.gradient_norm = gradient.cwiseAbs().maxCoeff() / total_weight;
    if (fit.gradient_norm < options.gradient_tolerance) {
      fit.converged = true;
      fit.stop = LogisticStop::gradient;
      break;
    }
    if (resolved) {
      fit.converged = true;
      fit.stop = LogisticStop::decrement;
      break;
    }
    if (fit.iterations == options.max_iterations) {
      fit.stop = LogisticStop::iterations;
      break;
    }

    // Hessian of J over (w, b): [X 1]^T diag(s p (1-p)) [X 1] + l2 on w.
    Eigen::MatrixXd hessian = weighted_gram(x, curvature);
    hessian.topLeftCorner(d, d).diagonal().array() += options.l2;
    // A separable class without ridge makes the Hessian (nearly) singular;
    // a tiny relative jitter keeps the Newton step defined.
    hessian.diagonal().array() += 1e-12 * (1.0 + hessian.diagonal().cwiseAbs().maxCoeff());
    const Eigen::VectorXd step = hessian.ldlt().solve(gradient);

    // The Newton decrement and J's resolution (logistic.h).
    const double slope = gradient.dot(step);
    fit.newton_decrement = 0.5 * slope;
    fit.objective_resolution =
        std::sqrt(static_cast<double>(n)) * std::numeric_limits<double>::epsilon() * std::abs(fit.objective);
    resolved = fit.newton_decrement <= fit.objective_resolution;

    // Backtracking (Armijo) line search: full Newton steps near the optimum,
    // shorter ones far from it, so J never increases. Where the step
    // predicts less than J resolves, the full step is taken if J allows it
    // (the next iteration's gradient then says where it landed) and no
    // shorter one is tried: they would only compare rounding.
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
      if (resolved) break;
    }
    if (!moved && resolved) {
      fit.converged = true;
      fit.stop = LogisticStop::decrement;
      break;
    }
    if (!moved) {  // no descent at all: the gradient says how close we are
      fit.stop = LogisticStop::no_descent;
      break;
    }
  }
  return fit;
}

}  // namespace crashtwin::training
