#include "platform/core/exact_math.h"

#include <bit>
#include <cstdint>
#include <limits>

namespace crashtwin::exact {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11 (fdlibm's constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;

// pi/2 in three parts (fdlibm's pio2_1, pio2_2, pio2_3): the first two have
// 33 significant bits, so k * part is exact for |k| < 2^20.
constexpr double kPio2_1 = 1.57079632673412561417e+00;
constexpr double kPio2_2 = 6.07710050630396597660e-11;
constexpr double kPio2_3 = 2.02226624871116645580e-21;
constexpr double kTwoOverPi = 6.36619772367581382433e-01;

constexpr double power_of_two(int k) {  // 2^k for -1022 <= k <= 1023
  return std::bit_cast<double>(static_cast<uint64_t>(k + 1023) << 52);
}

// x * 2^k for 1/2 <= |x| < 2, with one rounding: the first product is exact
// (normal), only the last one can round into the subnormals.
double scale(double x, int k) {
  if (k > 1023) return x * power_of_two(1023) * power_of_two(k > 2046 ? 1023 : k - 1023);
  if (k < -1022) return x * power_of_two(k < -1076 ? -1022 : k + 54) * power_of_two(-54);
  return x * power_of_two(k);
}

// Round half away from zero to an integer, for |v| < 2^31.
int nearest(double v) { return static_cast<int>(v < 0 ? v - 0.5 : v + 0.5); }

// sin and cos on |r| <= pi/4: Taylor series to the 21st/22nd power, whose
// first omitted term is below 2^-60 of the result there.
double sin_kernel(double r) {
  const double r2 = r * r;
  double p = 1.0 / 51090942171709440000.0;  // 1/21!
  p = 1.0 / 121645100408832000.0 - r2 * p;  // 1/19!
  p = 1.0 / 355687428096000.0 - r2 * p;
  p = 1.0 / 1307674368000.0 - r2 * p;
  p = 1.0 / 6227020800.0 - r2 * p;
  p = 1.0 / 39916800.0 - r2 * p;
  p = 1.0 / 362880.0 - r2 * p;
  p = 1.0 / 5040.0 - r2 * p;
  p = 1.0 / 120.0 - r2 * p;
  p = 1.0 / 6.0 - r2 * p;
  return r - r * r2 * p;
}

double cos_kernel(double r) {
  const double r2 = r * r;
  double p = 1.0 / 1124000727777607680000.0;  // 1/22!
  p = 1.0 / 2432902008176640000.0 - r2 * p;   // 1/20!
  p = 1.0 / 6402373705728000.0 - r2 * p;
  p = 1.0 / 20922789888000.0 - r2 * p;
  p = 1.0 / 87178291200.0 - r2 * p;
  p = 1.0 / 479001600.0 - r2 * p;
  p = 1.0 / 3628800.0 - r2 * p;
  p = 1.0 / 40320.0 - r2 * p;
  p = 1.0 / 720.0 - r2 * p;
  p = 1.0 / 24.0 - r2 * p;
  p = 0.5 - r2 * p;
  return 1.0 - r2 * p;
}

// x = k * pi/2 + r with |r| <= pi/4 (about); returns k mod 4.
int reduce_half_pi(double x, double& r) {
  const int k = nearest(x * kTwoOverPi);
  const double kd = k;
  r = ((x - kd * kPio2_1) - kd * kPio2_2) - kd * kPio2_3;
  return k & 3;
}

// Beyond this the three-part reduction loses bits; no caller comes near it
// (the injector's angles are below 2 pi).
constexpr double kMaxTrigArgument = 1.0e9;

}  // namespace

double exp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return kInf;
  if (x < -745.1332191019412) return 0.0;
  // x = k ln2 + r, |r| <= ln2 / 2; exp(x) = 2^k exp(r).
  const int k = nearest(x * kInvLn2);
  const double kd = k;
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  // Taylor series of exp(r) to r^14: the first omitted term is < 2^-56.
  double p = 1.0 / 87178291200.0;  // 1/14!
  p = 1.0 / 6227020800.0 + r * p;
  p = 1.0 / 479001600.0 + r * p;
  p = 1.0 / 39916800.0 + r * p;
  p = 1.0 / 3628800.0 + r * p;
  p = 1.0 / 362880.0 + r * p;
  p = 1.0 / 40320.0 + r * p;
  p = 1.0 / 5040.0 + r * p;
  p = 1.0 / 720.0 + r * p;
  p = 1.0 / 120.0 + r * p;
  p = 1.0 / 24.0 + r * p;
  p = 1.0 / 6.0 + r * p;
  p = 0.5 + r * p;
  const double e = 1.0 + (r + r * r * p);
  return scale(e, k);
}

double log(double x) {
  if (x != x) return x;
  if (x < 0) return kNaN;
  if (x == 0) return -kInf;
  if (x == kInf) return x;
  // x = m 2^e with sqrt(1/2) <= m < sqrt(2).
  uint64_t bits = std::bit_cast<uint64_t>(x);
  int e = 0;
  if ((bits >> 52) == 0) {  // subnormal: normalise first
    bits = std::bit_cast<uint64_t>(x * power_of_two(54));
    e = -54;
  }
  e += static_cast<int>(bits >> 52) - 1023;
  double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // [1, 2)
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  // log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: the series
  // 2 (s + s^3/3 + ... + s^23/23) leaves out less than 2^-60.
  const double f = m - 1.0;  // exact (Sterbenz)
  const double s = f / (2.0 + f);
  const double s2 = s * s;
  double p = 1.0 / 23.0;
  p = 1.0 / 21.0 + s2 * p;
  p = 1.0 / 19.0 + s2 * p;
  p = 1.0 / 17.0 + s2 * p;
  p = 1.0 / 15.0 + s2 * p;
  p = 1.0 / 13.0 + s2 * p;
  p = 1.0 / 11.0 + s2 * p;
  p = 1.0 / 9.0 + s2 * p;
  p = 1.0 / 7.0 + s2 * p;
  p = 1.0 / 5.0 + s2 * p;
  p = 1.0 / 3.0 + s2 * p;
  // 2s = f - f s, so log m = f - s (f - 2 s2 p): f is exact, the rounding
  // errors sit in the smaller correction term.
  const double log_m = f - s * (f - 2.0 * s2 * p);
  const double ed = e;
  return ed * kLn2Hi + (log_m + ed * kLn2Lo);
}

double log1p(double x) {
  if (x != x) return x;
  if (x == kInf) return x;
  if (x < -1.0) return kNaN;
  const double u = 1.0 + x;
  if (u == 1.0) return x;  // |x| below half an ulp of 1: log1p(x) = x to within rounding
  // Goldberg's correction: log(u) scaled by the exact x over its rounded value.
  return log(u) * (x / (u - 1.0));
}

double cos(double x) {
  if (x != x || x == kInf || x == -kInf || x > kMaxTrigArgument || x < -kMaxTrigArgument) return kNaN;
  double r = 0;
  switch (reduce_half_pi(x, r)) {
    case 0: return cos_kernel(r);
    case 1: return -sin_kernel(r);
    case 2: return -cos_kernel(r);
    default: return sin_kernel(r);
  }
}

double sin(double x) {
  if (x != x || x == kInf || x == -kInf || x > kMaxTrigArgument || x < -kMaxTrigArgument) return kNaN;
  double r = 0;
  switch (reduce_half_pi(x, r)) {
    case 0: return sin_kernel(r);
    case 1: return cos_kernel(r);
    case 2: return -sin_kernel(r);
    default: return -cos_kernel(r);
  }
}

}  // namespace crashtwin::exact
