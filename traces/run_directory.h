// A run directory is complete or absent. Whoever writes one (the runner, a
// batch gathering a remote run, merge linking a shard's run) fills a
// temporary sibling and renames it into place once every file is written,
// so a process killed at any point leaves either the previous directory or
// the new one, plus at most a temporary that the next batch removes.
// Temporaries are hidden (a leading '.'), and the results library never
// loads a hidden directory as a run.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace crashtwin {

// What a temporary sibling holds, named in it.
enum class Temporary {
  run,     // a run's files while it is written
  logs,    // a batch's child's stdout.log and stderr.log while it runs
  old,     // the directory being replaced, until the new one is in place
  copy,    // a run directory being gathered or linked from elsewhere
};

// "<parent>/.<name>.<kind>-<host>-<pid>" (kind: tmp, logs, old, copy):
// next to `dir`, so the rename stays on one file system (atomic). `pid` is
// the writing process, on this host: ranks of an MPI batch on several hosts
// share the output directory, and a pid alone names different processes
// there.
std::filesystem::path temporary_sibling(const std::filesystem::path& dir, Temporary kind, long pid);

// This host's name as temporaries carry it: gethostname() with every
// character but letters, digits and '_' replaced by '_'.
const std::string& this_host();

// Renames the directory `from` to `to`. A directory already at `to` is
// renamed away first and removed after: a reader sees the old or the new
// one, never a mix (there is an instant with neither). Throws io_error.
void replace_directory(const std::filesystem::path& from, const std::filesystem::path& to);

// Removes every temporary (any kind, any pid) in `parent`: what a writer
// that was killed left. Only for a process that owns `parent` (a batch
// before it starts its runs). Returns how many.
size_t remove_temporaries(const std::filesystem::path& parent);

// Removes the temporaries of `dir` alone (".<name>.<kind>-<host>-<pid>"
// next to it) whose writing process is gone: what a `run` killed before it
// renamed its results into place left. A temporary of a live process is
// kept (it may be another run writing the same target), and so is another
// host's (its process cannot be asked). Names without a host, from older
// versions, count as this host's. Returns how many.
size_t remove_orphaned_temporaries(const std::filesystem::path& dir);

// The names of the files a run directory holds (summary.json, ...; bmc/ is
// checked through its report), and the files a batch adds: its child's
// stdout.log and stderr.log, and failed.txt when the run did not finish.
inline constexpr std::string_view kFailedMarker = "failed.txt";
inline constexpr std::string_view kStdoutLog = "stdout.log";
inline constexpr std::string_view kStderrLog = "stderr.log";
// What `run` with several policy x strategy pairs adds next to their run
// directories: every run on one Perfetto timeline.
inline constexpr std::string_view kSharedTraceFile = "trace.json";

// true when `dir` holds a finished run: summary.json parses and every other
// file of the run at its trace level (summary.json's `traces`) is there,
// each record bmc/report.json lists included.
// Otherwise false, with the reason in `why` when given.
bool run_directory_complete(const std::filesystem::path& dir, std::string* why = nullptr);

// true when `dir` may be replaced by a run directory: it does not exist,
// or is empty, or holds only what a run, a batch or `crashtwin report`
// writes there. Otherwise false, with a name it holds in `stranger`.
bool replaceable_by_run(const std::filesystem::path& dir, std::string* stranger = nullptr);

}  // namespace crashtwin
