// The crashtwin command line (docs/cli.md). Arguments are declared here with
// CLI11; each subcommand's work is in its own *_command.cpp. Exit codes:
// exit_codes.h; bad arguments are exit 2 with CLI11's message.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <sysc/kernel/sc_externs.h>
#include <systemc>

#include "traces/io.h"

#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/parse_exit.h"
#include "scenarios/cli/dataset_command.h"
#include "scenarios/cli/training_commands.h"
#include "scenarios/loader/limits.h"

namespace {

// SystemC's own messages (the models' and the firmware's log lines, which
// reach SC_REPORT_INFO) go where every log line goes: stderr. stdout is for
// results (a run's verdicts, decoded records), so it stays parseable.
void systemc_report_to_stderr(const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
  if (actions & sc_core::SC_DISPLAY)
    std::fprintf(stderr, "\n%s\n", sc_core::sc_report_compose_message(report).c_str());
  sc_core::sc_report_handler::default_handler(report, actions & ~sc_core::SC_DISPLAY);
}

void log_to_stderr() {
  auto logger = spdlog::stderr_color_mt("crashtwin");
  logger->set_pattern("%^%l%$: %v");
  spdlog::set_default_logger(logger);
  sc_core::sc_report_handler::set_handler(systemc_report_to_stderr);
}

// The options `run` and `validate` share.
void add_run_options(CLI::App* cmd, crashtwin::cli::RunArgs& args) {
  cmd->add_option("--policy", args.policies, "partitioning policy (repeatable; 'all' = every registered policy)");
  cmd->add_option("--strategy", args.strategies,
                  "capture strategy (repeatable; 'all'); default: the scenario's list, else predictive-bmc");
  // The range check also refuses what CLI11's unsigned conversion wraps
  // ("-1", 2^64 and above read as 2^64 - 1).
  cmd->add_option("--seed", args.seed, "replaces the scenario's seed")
      ->check(CLI::Range(uint64_t{0}, crashtwin::scenario::kMaxSeed));
  cmd->add_option("--set", args.sets, "override a scenario value: key=value (repeatable)");
}

// The options `batch` and `sweep` share.
void add_batch_options(CLI::App* cmd, crashtwin::cli::BatchArgs& args, const std::string& out_help) {
  cmd->add_option("paths", args.paths, "scenario files or directories of *.yaml")->required();
  cmd->add_option("--policy", args.policies, "policies to compare (repeatable; 'all'); default: each scenario's");
  cmd->add_option("--strategy", args.strategies,
                  "capture strategies (repeatable; 'all'); default: each scenario's, else all four");
  cmd->add_option("--seeds", args.seeds, "seeds per scenario and policy")->check(CLI::Range(1, 1000));
  cmd->add_option("-j,--jobs", args.jobs, "parallel runs (default: all cores)");
  cmd->add_option("--timeout", args.timeout_s, "per-run timeout in wall seconds (default 900)")
      ->check(CLI::Range(1, 86400 * 7));
  cmd->add_option("--out", args.out, out_help);
  cmd->add_option("--shard", args.shard, "K/N: run only the K-th (from 0) of N balanced parts; then `crashtwin merge`");
  cmd->add_flag("--mpi", args.mpi, "under mpirun: rank 0 hands runs out, the other ranks run them");
  cmd->add_flag("--gather", args.gather, "with --mpi: send results to rank 0 (no shared --out needed)");
}

}  // namespace

// The process entry point. SystemC prints its copyright banner when its
// kernel starts unless SYSTEMC_DISABLE_COPYRIGHT_MESSAGE is set: set it here,
// before the kernel exists, so no command (nor a batch's child runs, which
// inherit the environment) prints it. An explicit setting by the user wins.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", /*overwrite=*/0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

// sc_main is what SystemC's sc_elab_and_sim calls after initialising its
// kernel; commands that elaborate no model never start it.
extern "C" int sc_main(int argc, char* argv[]) {
  using namespace crashtwin::cli;
  log_to_stderr();
  CLI::App app{"crashtwin: a SystemC/TLM-2.0 digital twin for predictive crash memory"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "crashtwin 0.1.0");
  app.footer("Exit codes: 0 done (every expectation met), 1 a run's expectations failed or it was invalid,\n"
             "2 bad input (the message names file:line:column or the field), 3 internal error.");

  ValidateArgs validate;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "make every check `run` makes (the board built), without simulating");
  validate_cmd->add_option("scenarios", validate.scenarios, "scenario files or directories of *.yaml")->required();
  add_run_options(validate_cmd, validate.run);

  CaptureNeedsArgs needs;
  CLI::App* needs_cmd =
      app.add_subcommand("capture-needs", "bytes a full capture of each error type needs on each scenario's board");
  needs_cmd->add_option("scenarios", needs.scenarios, "scenario files or directories of *.yaml")->required();
  needs_cmd->add_option("--doc", needs.doc, "rewrite the generated table of this document (docs/capture-needs.md)");
  needs_cmd->add_option("--check", needs.check, "exit 1 when this document's table differs from the scenarios'");

  CperDecodeArgs cper_decode;
  CLI::App* cper_cmd = app.add_subcommand("cper", "UEFI CPER records");
  cper_cmd->require_subcommand(1);
  CLI::App* cper_decode_cmd =
      cper_cmd->add_subcommand("decode", "print every standard field of CPER files (bmc/record-<n>.cper) as JSON");
  cper_decode_cmd->add_option("files", cper_decode.files, ".cper files")->required()->check(CLI::ExistingFile);
  CperUnsealArgs cper_unseal;
  CLI::App* cper_unseal_cmd = cper_cmd->add_subcommand(
      "unseal", "open the sealed sections of a CPER file with the operator's secret key into OUT");
  cper_unseal_cmd->add_option("--key", cper_unseal.key, "the operator's secret key file (cper keygen)")->required();
  cper_unseal_cmd->add_option("in", cper_unseal.input, ".cper file with sealed sections")->required();
  cper_unseal_cmd->add_option("out", cper_unseal.output, ".cper file to write with the sections opened")->required();
  CperKeygenArgs cper_keygen;
  CLI::App* cper_keygen_cmd =
      cper_cmd->add_subcommand("keygen", "make an operator key pair for sealed captures (X25519, libsodium)");
  cper_keygen_cmd->add_option("public", cper_keygen.public_key, "public key file to write (a scenario names it)")
      ->required();
  cper_keygen_cmd->add_option("secret", cper_keygen.secret_key, "secret key file to write (owner-only)")->required();

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "run one scenario and write its results directory");
  run_cmd->add_option("scenario", run.scenario, "scenario file")->required();
  add_run_options(run_cmd, run);
  run_cmd->add_option("--out", run.out, "results directory (default results/<scenario>)");
  run_cmd->add_flag("--live", run.live,
                    "show the run live in the terminal (one policy and strategy; tabs 1-5, q to stop or quit)");

  BatchArgs batch;
  CLI::App* batch_cmd = app.add_subcommand("batch", "run scenarios x policies x seeds, one process per run");
  add_batch_options(batch_cmd, batch, "batch directory (default results/batch)");

  SweepArgs sweep;
  sweep.batch.out = "results/sweep";
  CLI::App* sweep_cmd =
      app.add_subcommand("sweep", "run the batch at every point of a grid of scenario values (budget sweeps)");
  add_batch_options(sweep_cmd, sweep.batch, "sweep directory (default results/sweep)");
  sweep_cmd
      ->add_option("--vary", sweep.vary,
                   "KEY=A,B,C or KEY=LO..HI xN (N geometric points); repeat for the cartesian product")
      ->required();

  MergeArgs merge;
  CLI::App* merge_cmd =
      app.add_subcommand("merge", "combine the shard directories of a batch or sweep (--shard K/N) into one");
  merge_cmd->add_option("out", merge.out, "merged batch or sweep directory")->required();
  merge_cmd->add_option("shards", merge.shards, "shard directories")->required()->check(CLI::ExistingDirectory);

  ReportArgs report;
  CLI::App* report_cmd = app.add_subcommand("report", "write report.html of a batch or run directory");
  report_cmd->add_option("dir", report.dir, "batch or run directory")->required()->check(CLI::ExistingDirectory);
  report_cmd->add_option("--out", report.out, "output file (default DIR/report.html)");
  report_cmd->add_option("--policies-doc", report.policies_doc,
                         "also regenerate the comparison and parameter tables of this docs/policies.md");

  AnalyzeArgs analyze;
  CLI::App* analyze_cmd = app.add_subcommand(
      "analyze", "memory analyses of a run or batch directory: analysis.json and SVG charts beside each run");
  analyze_cmd->add_option("dir", analyze.dir, "run or batch directory")->required()->check(CLI::ExistingDirectory);

  add_training_commands(app);
  add_dataset_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return exit_code_of_parse(app, e);  // --help, --version, a subcommand run in its callback, or a usage error
  }
  try {
    if (*validate_cmd) return validate_command(validate);
    if (*run_cmd) return run_command(run);
    if (*needs_cmd) return capture_needs_command(needs);
    if (*cper_decode_cmd) return cper_decode_command(cper_decode);
    if (*cper_unseal_cmd) return cper_unseal_command(cper_unseal);
    if (*cper_keygen_cmd) return cper_keygen_command(cper_keygen);
    if (*batch_cmd) return batch_command(batch);
    if (*sweep_cmd) return sweep_command(sweep);
    if (*merge_cmd) return merge_command(merge);
    if (*report_cmd) return report_command(report);
    if (*analyze_cmd) return analyze_command(analyze);
  } catch (const crashtwin::format_error& e) {
    spdlog::error("{}", e.what());  // a results file that does not parse: bad input
    return kExitBadInput;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return kExitInternalError;
  }
  return kExitInternalError;
}
