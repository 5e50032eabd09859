// Exit codes of every crashtwin command (docs/design.md "Command line", docs/cli.md).
#pragma once

namespace crashtwin::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitExpectationsFailed = 1;  // or the run was invalid
inline constexpr int kExitBadInput = 2;            // message names file:line:column or the field
inline constexpr int kExitInternalError = 3;
// `run --live`: the user pressed q before the scenario's end; no results
// were written (128 + SIGINT, what a shell reports for Ctrl-C).
inline constexpr int kExitStoppedByUser = 130;

}  // namespace crashtwin::cli
