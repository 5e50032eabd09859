#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "scenarios/training/logistic.h"

using namespace crashtwin::training;

namespace {

double uniform(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }

LogisticOptions solver(double l2, int max_iterations = 100, double gradient_tolerance = 1e-8) {
  LogisticOptions o;
  o.l2 = l2;
  o.max_iterations = max_iterations;
  o.gradient_tolerance = gradient_tolerance;
  return o;
}

}  // namespace

TEST_CASE("IRLS recovers the saturated model of a binary feature exactly", "[training][logistic]") {
  // x = 0: 1 of 4 fail; x = 1: 3 of 4 fail. Without ridge the optimum is
  // b = logit(1/4) = -ln 3 and b + w = logit(3/4) = ln 3, so w = 2 ln 3.
  Eigen::MatrixXd x(8, 1);
  x << 0, 0, 0, 0, 1, 1, 1, 1;
  Eigen::VectorXd y(8);
  y << 1, 0, 0, 0, 1, 1, 1, 0;
  const Eigen::VectorXd s = Eigen::VectorXd::Ones(8);
  const LogisticFit fit = fit_logistic(x, y, s, solver(0.0, 50, 1e-12));
  CHECK(fit.converged);
  CHECK(fit.bias == Approx(-std::log(3.0)).margin(1e-9));
  CHECK(fit.weight[0] == Approx(2 * std::log(3.0)).margin(1e-9));
  CHECK(fit.iterations < 10);  // Newton: quadratic convergence
}

TEST_CASE("IRLS with ridge solves the symmetric two-point case", "[training][logistic]") {
  // (x=1, y=1) and (x=-1, y=0): b = 0 by symmetry and w solves l2 w = 2 (1 - sigmoid(w)).
  Eigen::MatrixXd x(2, 1);
  x << 1, -1;
  Eigen::VectorXd y(2);
  y << 1, 0;
  const double l2 = 0.5;
  const LogisticFit fit = fit_logistic(x, y, Eigen::VectorXd::Ones(2), solver(l2, 100, 1e-13));
  REQUIRE(fit.converged);
  double lo = 0, hi = 20;  // bisection on the stationarity condition
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (l2 * mid - 2 * (1 - sigmoid(mid)) > 0 ? hi : lo) = mid;
  }
  CHECK(fit.bias == Approx(0.0).margin(1e-10));
  CHECK(fit.weight[0] == Approx(lo).epsilon(1e-9));
}

TEST_CASE("IRLS recovers the generating weights of non-separable data and stops at a zero gradient",
          "[training][logistic]") {
  std::mt19937_64 g(42);
  const Eigen::Index n = 40000;
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd y(n);
  const double w_true[3] = {1.5, -0.8, 0.0};
  const double b_true = -1.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    double z = b_true;
    for (int f = 0; f < 3; ++f) {
      x(i, f) = 4 * uniform(g) - 2;
      z += w_true[f] * x(i, f);
    }
    y[i] = uniform(g) < sigmoid(z) ? 1 : 0;
  }
  const Eigen::VectorXd s = Eigen::VectorXd::Ones(n);
  const LogisticFit fit = fit_logistic(x, y, s, solver(1e-3));
  REQUIRE(fit.converged);
  CHECK(fit.weight[0] == Approx(w_true[0]).margin(0.08));
  CHECK(fit.weight[1] == Approx(w_true[1]).margin(0.08));
  CHECK(fit.weight[2] == Approx(w_true[2]).margin(0.08));
  CHECK(fit.bias == Approx(b_true).margin(0.08));

  // Independent check of optimality: the gradient is ~0, and J is higher a
  // small step away in every coordinate.
  const Eigen::VectorXd grad = logistic_gradient(x, y, s, 1e-3, fit.weight, fit.bias);
  CHECK(grad.cwiseAbs().maxCoeff() / static_cast<double>(n) < 1e-8);
  const double j = logistic_objective(x, y, s, 1e-3, fit.weight, fit.bias);
  CHECK(j == Approx(fit.objective).epsilon(1e-12));
  for (int f = 0; f < 3; ++f)
    for (const double d : {-1e-3, 1e-3}) {
      Eigen::VectorXd w = fit.weight;
      w[f] += d;
      CHECK(logistic_objective(x, y, s, 1e-3, w, fit.bias) > j);
    }
}

TEST_CASE("IRLS on separable data: ridge keeps the optimum finite, no ridge never produces NaN",
          "[training][logistic]") {
  Eigen::MatrixXd x(6, 1);
  x << -3, -2, -1, 1, 2, 3;
  Eigen::VectorXd y(6);
  y << 0, 0, 0, 1, 1, 1;
  const Eigen::VectorXd s = Eigen::VectorXd::Ones(6);
  const LogisticFit ridge = fit_logistic(x, y, s, solver(0.1));
  CHECK(ridge.converged);
  CHECK(ridge.weight[0] > 1.0);
  CHECK(std::isfinite(ridge.weight[0]));
  CHECK(logistic_gradient(x, y, s, 0.1, ridge.weight, ridge.bias).cwiseAbs().maxCoeff() < 1e-6);

  const LogisticFit none = fit_logistic(x, y, s, solver(0.0, 30));
  CHECK(std::isfinite(none.weight[0]));
  CHECK(std::isfinite(none.bias));
  CHECK(none.weight[0] > ridge.weight[0]);  // heads for infinity, as the MLE does
  CHECK(none.objective < 1e-3);
}

TEST_CASE("class weights shift the optimum as duplicated samples would", "[training][logistic]") {
  // Weight 3 on a sample == the sample three times.
  Eigen::MatrixXd xw(4, 1), xd(6, 1);
  xw << 0.5, -1, 1, 2;
  xd << 0.5, 0.5, 0.5, -1, 1, 2;
  Eigen::VectorXd yw(4), yd(6), sw(4);
  yw << 1, 0, 0, 1;
  yd << 1, 1, 1, 0, 0, 1;
  sw << 3, 1, 1, 1;
  const LogisticFit a = fit_logistic(xw, yw, sw, solver(0.2));
  const LogisticFit b = fit_logistic(xd, yd, Eigen::VectorXd::Ones(6), solver(0.2));
  CHECK(a.weight[0] == Approx(b.weight[0]).epsilon(1e-9));
  CHECK(a.bias == Approx(b.bias).epsilon(1e-9));
}

TEST_CASE("IRLS stops on the Newton decrement where J cannot resolve a step, and says why", "[training][logistic]") {
  // 200,000 rows of one feature: J is about 1e5, and the sum's rounding
  // (sqrt(n) x machine epsilon x J, about 1e-8) hides the last steps. A
  // gradient tolerance no sum of this size reaches leaves the decrement to
  // stop the fit, a few iterations after the optimum, not at the limit.
  std::mt19937_64 g(7);
  const Eigen::Index n = 200'000;
  Eigen::MatrixXd x(n, 1);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    x(i, 0) = 4.0 * uniform(g) - 2.0;
    y[i] = uniform(g) < sigmoid(0.8 * x(i, 0) - 1.0) ? 1.0 : 0.0;
  }
  const Eigen::VectorXd s = Eigen::VectorXd::Ones(n);
  const LogisticFit fit = fit_logistic(x, y, s, solver(0.0, 100, 1e-300));
  CHECK(fit.converged);
  CHECK(fit.stop == LogisticStop::decrement);
  CHECK(fit.iterations < 15);
  CHECK(fit.objective_resolution == Approx(std::sqrt(double(n)) * 0x1.0p-52 * fit.objective));
  CHECK(fit.newton_decrement <= fit.objective_resolution);
  // The optimum to J's precision: the gradient is the rounding's, and the
  // generating weights are recovered to the sample's accuracy.
  CHECK(fit.gradient_norm < 1e-9);
  CHECK(fit.weight[0] == Approx(0.8).margin(0.03));
  CHECK(fit.bias == Approx(-1.0).margin(0.03));

  // The usual tolerance stops on the gradient, before the decrement matters;
  // an iteration limit is not convergence.
  const LogisticFit usual = fit_logistic(x, y, s, solver(0.0));
  CHECK(usual.stop == LogisticStop::gradient);
  CHECK(usual.converged);
  const LogisticFit cut = fit_logistic(x, y, s, solver(0.0, 1, 1e-300));
  CHECK(cut.stop == LogisticStop::iterations);
  CHECK_FALSE(cut.converged);
  CHECK(std::string(to_string(LogisticStop::decrement)) == "decrement");
}
