// Progress of `crashtwin batch` read from its stderr. When stderr is not a
// terminal (a QProcess pipe) the batch prints one line per finished run,
// "[3/12] dimm_ue_ramp/proportional-predictive_bmc-seed1"; on a terminal it
// redraws a bar "\r\033[K[####....] 3/12  elapsed 0:04  ETA 0:12  <run>".
// Both are understood, so the Run view works whichever the CLI chooses.
#pragma once

#include <optional>

#include <QString>

namespace crashtwin::gui {

struct BatchProgress {
  int done = 0;
  int total = 0;
  QString run;  // the run that just finished (may be empty)
};

// nullopt for lines that are not progress (log lines, warnings).
std::optional<BatchProgress> parse_batch_progress(const QString& line);

}  // namespace crashtwin::gui
