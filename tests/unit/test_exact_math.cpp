// crashtwin::exact: the same bits on every machine (golden values, which a
// libm that dispatches on the CPU cannot promise) and close to libm's values
// (accuracy in ulp over the ranges the models and the trainer use).
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "platform/core/exact_math.h"

namespace exact = crashtwin::exact;

namespace {

// Distance in units in the last place between two finite doubles.
uint64_t ulps(double a, double b) {
  auto ordered = [](double v) {
    const auto i = std::bit_cast<int64_t>(v);
    return i < 0 ? std::numeric_limits<int64_t>::min() - i : i;
  };
  const int64_t x = ordered(a), y = ordered(b);
  return x > y ? static_cast<uint64_t>(x - y) : static_cast<uint64_t>(y - x);
}

}  // namespace

TEST_CASE("exact math gives the same bits as when the golden values were taken", "[exact_math]") {
  // Taken once from this implementation; any machine, compiler or target that
  // differs in a bit fails here before it changes a trained model.
  CHECK(exact::exp(1.0) == 0x1.5bf0a8b14576ap+1);
  CHECK(exact::exp(-0.5) == 0x1.368b2fc6f960ap-1);
  CHECK(exact::exp(10.0) == 0x1.5829dcf95056p+14);
  CHECK(exact::exp(-700.0) == 0x1.14f2b0fb9307fp-1010);
  CHECK(exact::exp(123.456) == 0x1.1428e1cbc0143p+178);
  CHECK(exact::log(2.0) == 0x1.62e42fefa39efp-1);
  CHECK(exact::log(0.1) == -0x1.26bb1bbb55515p+1);
  CHECK(exact::log(1e-300) == -0x1.5963447f87fb5p+9);
  CHECK(exact::log(12345.678) == 0x1.2d79559791e31p+3);
  CHECK(exact::log(0.999) == -0x1.064670d979b73p-10);
  CHECK(exact::log1p(1e-10) == 0x1.b7cdfd9d1d693p-34);
  CHECK(exact::log1p(-0.5) == -0x1.62e42fefa39efp-1);
  CHECK(exact::cos(1.0) == 0x1.14a280fb5068cp-1);
  CHECK(exact::cos(5.5) == 0x1.6ad6c3c07d448p-1);
  CHECK(exact::sin(2.0) == 0x1.d18f6ead1b446p-1);
}

TEST_CASE("exact math is within a few ulp of libm", "[exact_math]") {
  std::mt19937_64 rng(7);
  uint64_t worst_exp = 0, worst_log = 0, worst_log1p = 0, worst_cos = 0, worst_sin = 0;
  for (int i = 0; i < 200000; ++i) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    const double x = -745.0 + u * 1454.0;
    worst_exp = std::max(worst_exp, ulps(exact::exp(x), std::exp(x)));
    const double y = std::exp(-700.0 + u * 1400.0);
    worst_log = std::max(worst_log, ulps(exact::log(y), std::log(y)));
    const double near_one = 0.9 + 0.2 * u;
    worst_log = std::max(worst_log, ulps(exact::log(near_one), std::log(near_one)));
    const double small = std::ldexp(u, -(i % 60)) * (i % 2 ? 1.0 : -1.0);
    worst_log1p = std::max(worst_log1p, ulps(exact::log1p(small), std::log1p(small)));
    const double angle = 7.0 * u;  // Box-Muller's 2 pi u and a little beyond
    worst_cos = std::max(worst_cos, ulps(exact::cos(angle), std::cos(angle)));
    worst_sin = std::max(worst_sin, ulps(exact::sin(angle), std::sin(angle)));
  }
  CHECK(worst_exp <= 2);
  CHECK(worst_log <= 2);
  CHECK(worst_log1p <= 3);
  CHECK(worst_cos <= 2);
  CHECK(worst_sin <= 2);
}

TEST_CASE("exact math handles the edges as libm does", "[exact_math]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(exact::exp(710.0) == inf);
  CHECK(exact::exp(-746.0) == 0.0);
  CHECK(exact::exp(-745.0) == std::exp(-745.0));  // the smallest subnormal, one rounding
  CHECK(exact::exp(0.0) == 1.0);
  CHECK(std::isnan(exact::exp(std::nan(""))));
  CHECK(exact::log(1.0) == 0.0);
  CHECK(exact::log(0.0) == -inf);
  CHECK(exact::log(inf) == inf);
  CHECK(std::isnan(exact::log(-1.0)));
  CHECK(ulps(exact::log(5e-324), std::log(5e-324)) <= 1);  // subnormal input
  CHECK(exact::log1p(-1.0) == -inf);
  CHECK(exact::log1p(inf) == inf);
  CHECK(std::isnan(exact::log1p(-2.0)));
  CHECK(exact::log1p(1e-300) == 1e-300);
  CHECK(exact::cos(0.0) == 1.0);
  CHECK(exact::sin(0.0) == 0.0);
  CHECK(std::isnan(exact::cos(inf)));
}
