// Transcendental functions whose results are the same bits on every machine.
//
// glibc's libm picks exp/log/sin/cos implementations at load time by CPU
// feature (its FMA variants on Haswell+ and Zen, others elsewhere), and they
// differ in the last bit. A last bit is enough to change which events a
// simulation schedules, and so the datasets, the trained failure model and
// every figure derived from them. Everything that feeds a result the project
// promises to reproduce byte for byte (the board models, the injector, the
// features, the trainer, the firmware's predictor) calls these instead of
// <cmath>'s.
//
// They use only IEEE-754 +, -, *, / (correctly rounded everywhere) and exact
// scaling, compiled with -ffp-contract=off (cmake/CrashtwinOptions.cmake) so
// no compiler fuses a multiply-add differently on another target. Accuracy is
// within a few ulp (tests/unit/test_exact_math.cpp checks it against libm);
// portable: no heap, no errno, no exceptions, freestanding-safe.
#pragma once

namespace crashtwin::exact {

double exp(double x);
double log(double x);
// log(1 + x), accurate for |x| near 0.
double log1p(double x);
double cos(double x);
double sin(double x);

}  // namespace crashtwin::exact
