// Caps on the size of what a scenario (and the command line that runs it)
// may ask for. Hostile or broken input beyond them is refused with exit 2
// and a message naming the limit, before it can exhaust memory or time.
// docs/scenarios.md ("Limits") and docs/cli.md list them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace crashtwin::scenario {

// A scenario file; the library's largest is under 2 KiB.
inline constexpr size_t kMaxScenarioFileBytes = 1 << 20;
// YAML nodes of a document counted with every alias expanded where it is
// used (a "billion laughs" document is a few lines of text).
inline constexpr size_t kMaxYamlNodes = 100'000;
// Nesting depth of a document; a recursive alias nests without end.
inline constexpr size_t kMaxYamlDepth = 64;
// Items of any list (components, failures, false alarms, phases,
// precursors, expectations) and the largest [index] of a --set path.
inline constexpr size_t kMaxListItems = 10'000;
// Seeds (`seed:`, --seed, and a batch's seed + N - 1): 2^53 - 1, so that
// every JSON reader of summary.json (report.html's JavaScript, the
// dashboard's QJsonValue) reads the seed back exactly.
inline constexpr uint64_t kMaxSeed = (uint64_t{1} << 53) - 1;
// Machines of a fleet (`fleet.machines`): each is a run of every policy
// compared, so a fleet of this many is already days of a batch.
inline constexpr uint64_t kMaxFleetMachines = 10'000;
// `replay.time_scale`, recorded seconds per simulated second: a year of log
// in 32 s at most, a second of log in 17 minutes at least.
inline constexpr double kMinReplayTimeScale = 1e-3;
inline constexpr double kMaxReplayTimeScale = 1e6;
// `agent.alarm_clear_time`: 30 days, a field model's horizon many times over.
inline constexpr uint64_t kMaxAlarmClearTimeNs = 30ull * 86'400'000'000'000ull;

}  // namespace crashtwin::scenario
