// One function per `crashtwin` subcommand; each returns the process exit code
// (exit_codes.h). main.cpp only declares the arguments with CLI11.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crashtwin::cli {

struct RunArgs {
  std::string scenario;
  std::vector<std::string> policies;  // empty: the scenario's compare list
  std::vector<std::string> strategies;  // empty: the scenario's list, else predictive-bmc; "all"
  std::optional<uint64_t> seed;
  std::vector<std::string> sets;      // key=value
  std::string out;                    // empty: results/<scenario name>
  // The live terminal view (scenarios/live/): one policy x strategy only,
  // stdout a terminal; exit 2 otherwise.
  bool live = false;
};
// One policy x strategy: runs in this process, `out` is the run directory.
// Several: one child process each, into out/<scenario>.<policy>.<strategy>.seed<N>;
// baselines pair only with `static` then (choices.h compared_pair).
int run_command(const RunArgs& args);

struct ValidateArgs {
  std::vector<std::string> scenarios;  // files or directories of *.yaml
  RunArgs run;                         // run's --policy, --strategy, --seed, --set (scenario and out unused)
};
// Every check `run` makes (the board built, nothing simulated), per file.
int validate_command(const ValidateArgs& args);

struct BatchArgs {
  std::vector<std::string> paths;
  std::vector<std::string> policies;
  std::vector<std::string> strategies;  // empty: each scenario's list, else all four
  uint64_t seeds = 1;
  unsigned jobs = 0;
  unsigned timeout_s = 900;
  std::string out = "results/batch";
  std::string shard;    // "K/N": only the K-th of N parts (scenarios/batch/shard.h); empty: all runs
  bool mpi = false;     // under mpirun: rank 0 queues, the other ranks run (scenarios/batch/mpi_queue.h)
  bool gather = false;  // with mpi: results sent to rank 0 instead of a shared --out
};
int batch_command(const BatchArgs& args);

struct SweepArgs {
  BatchArgs batch;                // batch.out defaults to results/sweep
  std::vector<std::string> vary;  // --vary arguments (scenarios/schema/sweep_grid.h)
};
// The batch at every point of the grid, one directory per point.
int sweep_command(const SweepArgs& args);

struct MergeArgs {
  std::string out;
  std::vector<std::string> shards;
};
// The shard directories of one batch or sweep into one (scenarios/batch/merge.h).
int merge_command(const MergeArgs& args);

struct ReportArgs {
  std::string dir;
  std::string out;  // empty: <dir>/report.html
  // Non-empty: rewrite the generated tables of this docs/policies.md too.
  std::string policies_doc;
};
int report_command(const ReportArgs& args);

struct AnalyzeArgs {
  std::string dir;  // a run directory or a batch directory (every run in it)
};
// The memory analyses of every run (traces/memory_analysis.h): analysis.json
// and its charts in each run directory, a batch's analysis.json in DIR.
int analyze_command(const AnalyzeArgs& args);

struct CaptureNeedsArgs {
  std::vector<std::string> scenarios;  // files or directories of *.yaml
  std::string doc;                     // rewrite this document's generated table
  std::string check;                   // compare this document's table (exit 1 if it differs)
};
int capture_needs_command(const CaptureNeedsArgs& args);

struct CperDecodeArgs {
  std::vector<std::string> files;  // .cper files (one record each, or records back to back)
};
int cper_decode_command(const CperDecodeArgs& args);

struct CperUnsealArgs {
  std::string key;     // the operator's secret key file
  std::string input;   // a .cper file with sealed sections
  std::string output;  // the same records with them opened
};
int cper_unseal_command(const CperUnsealArgs& args);

struct CperKeygenArgs {
  std::string public_key;  // file to write the public key to (scenarios name it)
  std::string secret_key;  // file to write the secret key to (owner-only)
};
int cper_keygen_command(const CperKeygenArgs& args);

}  // namespace crashtwin::cli
