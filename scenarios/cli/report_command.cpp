#include <cstdio>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/out_paths.h"
#include "scenarios/docs/policy_table.h"
#include "traces/io.h"
#include "traces/report_html.h"
#include "traces/results/results.h"

namespace crashtwin::cli {

int report_command(const ReportArgs& args) {
  const std::filesystem::path out = args.out.empty() ? std::filesystem::path(args.dir) / "report.html" : std::filesystem::path(args.out);
  if (!writable_file(out, "--out")) return kExitBadInput;
  results::Batch batch;
  try {
    batch = results::load_batch(args.dir);
  } catch (const io_error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return kExitBadInput;
  }
  // Every unreadable run is named; the others are still rendered, and the
  // exit code says the input was bad.
  for (const std::string& p : batch.problems) std::fprintf(stderr, "%s\n", p.c_str());
  write_report_html(batch, out);
  std::printf("%s\n", out.c_str());
  if (!batch.problems.empty()) {
    std::fprintf(stderr, "%zu run(s) or summary.csv could not be read; the report shows the other %zu run(s)\n",
                 batch.problems.size(), batch.runs.size());
    return kExitBadInput;
  }
  if (!args.policies_doc.empty()) {
    try {
      docs::update_policies_doc(args.policies_doc, batch);
    } catch (const std::exception& e) {  // unreadable file or missing markers
      std::fprintf(stderr, "--policies-doc: %s\n", e.what());
      return kExitBadInput;
    }
    std::printf("%s\n", args.policies_doc.c_str());
  }
  return kExitOk;
}

}  // namespace crashtwin::cli
