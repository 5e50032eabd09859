// The firmware digest test program, identical on the host and on an embedded
// core (where stdout is the debugger's semihosting console). Prints one
// "workload digest" line per workload, a failed check as "FAIL ..." lines,
// and exits non-zero when any check failed. Lines starting with '#' describe
// the machine and are not compared.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "platform/agent/agent.h"
#include "tests/firmware/workloads.h"

namespace {

alignas(16) std::byte g_arena[crashtwin::firmware_test::kArenaBytes];

void put_hex(uint64_t value) {
  char text[17];
  for (int i = 15; i >= 0; --i) {
    text[i] = "0123456789abcdef"[value & 0xF];
    value >>= 4;
  }
  text[16] = '\0';
  std::fputs(text, stdout);
}

void put_unsigned(uint64_t value) {
  char text[21];
  int i = 20;
  text[i] = '\0';
  do {
    text[--i] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  std::fputs(text + i, stdout);
}

class ConsoleReport final : public crashtwin::firmware_test::Report {
 public:
  void result(const char* workload, uint64_t digest) override {
    std::fputs(workload, stdout);
    std::fputs(" ", stdout);
    put_hex(digest);
    std::fputs("\n", stdout);
  }
  void failure(const char* workload, const char* file, int line, const char* expression) override {
    std::fputs("FAIL ", stdout);
    std::fputs(workload, stdout);
    std::fputs(": ", stdout);
    std::fputs(file, stdout);
    std::fputs(":", stdout);
    put_unsigned(static_cast<uint64_t>(line));
    std::fputs(": ", stdout);
    std::fputs(expression, stdout);
    std::fputs("\n", stdout);
  }
};

}  // namespace

int main() {
  const uint32_t probe = 0x01020304;
  std::fputs("# pointer bytes ", stdout);
  put_unsigned(sizeof(void*));
  std::fputs(", ", stdout);
  std::fputs(*reinterpret_cast<const unsigned char*>(&probe) == 0x04 ? "little" : "big", stdout);
  std::fputs("-endian, sizeof(Agent) ", stdout);
  put_unsigned(sizeof(crashtwin::Agent));
  std::fputs("\n", stdout);
  ConsoleReport report;
  const int failures = crashtwin::firmware_test::run_workloads(g_arena, report);
  std::fputs("# failed checks ", stdout);
  put_unsigned(static_cast<uint64_t>(failures));
  std::fputs("\n", stdout);
  std::fflush(stdout);
  return failures == 0 ? 0 : 1;
}
