// The two C++ runtime hooks the firmware can reference on a bare-metal
// target without libstdc++ (the firmware links none: see
// cmake/toolchains/firmware-common.cmake). Both mark a bug, not a
// recoverable condition: the program stops with a failing exit status.
#include <cstdio>
#include <cstdlib>

// A pure virtual function called through an object under construction.
extern "C" void __cxa_pure_virtual() {
  std::fputs("FAIL pure virtual function called\n", stdout);
  std::exit(2);
}

namespace std {
// std::string_view::substr past the end (libstdc++ calls this instead of
// throwing when exceptions are off).
[[noreturn]] void __throw_out_of_range_fmt(const char* format, ...) {
  std::fputs("FAIL out of range: ", stdout);
  std::fputs(format, stdout);
  std::fputs("\n", stdout);
  std::exit(2);
}
}  // namespace std
