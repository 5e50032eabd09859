// Include once per model test executable (header-only): every SystemC
// warning, error or fatal report becomes a Catch2 failure of the running
// test, unless the test declared it expected with ExpectReport. Info
// reports pass through.
//
//   TEST_CASE("unmapped access is reported") {
//     crashtwin::test::ExpectReport expect("0xdead0000");  // message must contain this
//     ...
//     CHECK(expect.seen() == 1);
//   }
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <systemc>

#include "models/core/tlm_types.h"

namespace crashtwin::test {

class ExpectReport;

struct StrictState {
  std::vector<ExpectReport*> expectations;
  std::vector<std::string> unexpected;  // seen outside a test case
};
inline StrictState& strict_state() {
  static StrictState state;
  return state;
}

class ExpectReport {
 public:
  explicit ExpectReport(std::string fragment) : fragment_(std::move(fragment)) {
    strict_state().expectations.push_back(this);
  }
  ~ExpectReport() { strict_state().expectations.pop_back(); }
  ExpectReport(const ExpectReport&) = delete;
  ExpectReport& operator=(const ExpectReport&) = delete;
  int seen() const { return seen_; }
  const std::string& last_message() const { return last_; }
  bool matches(const std::string& msg) {
    if (msg.find(fragment_) == std::string::npos) return false;
    ++seen_;
    last_ = msg;
    return true;
  }

 private:
  std::string fragment_;
  int seen_ = 0;
  std::string last_;
};

inline void strict_report_handler(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (report.get_severity() == sc_core::SC_INFO) {
    sc_core::sc_report_handler::default_handler(report, actions & ~(sc_core::SC_STOP | sc_core::SC_ABORT));
    return;
  }
  std::string msg = std::string(report.get_msg_type()) + ": " + report.get_msg();
  for (ExpectReport* e : strict_state().expectations)
    if (e->matches(msg)) return;
  FAIL_CHECK("unexpected SystemC report: " << msg);
}

// Installs the handler at static-initialisation time of the test executable,
// and the kernel's time resolution before any test builds a time.
struct InstallStrictHandler {
  InstallStrictHandler() {
    crashtwin::use_time_resolution();
    sc_core::sc_report_handler::set_handler(strict_report_handler);
    // Deprecation notes from the kernel are warnings too: keep them fatal.
  }
};
inline const InstallStrictHandler install_strict_handler{};

}  // namespace crashtwin::test

// libsystemc's own main() needs an sc_main to link; Catch2's main runs
// instead and the tests call sc_start themselves. (Hence: include this
// header from exactly one source file per test executable.)
int sc_main(int, char*[]) { return 0; }
