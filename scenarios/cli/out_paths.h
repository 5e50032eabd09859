// Where a command writes, checked before it simulates anything, so that no
// run finishes only to lose its results: a problem is printed naming the
// option and the path, and the command exits 2.
#pragma once

#include <filesystem>
#include <string_view>

namespace crashtwin::cli {

// `dir` is, or is created as, a directory this process can create files in.
bool writable_directory(const std::filesystem::path& dir, std::string_view option);

// `file` can be written: it is not a directory and its directory is writable.
bool writable_file(const std::filesystem::path& file, std::string_view option);

// The run directory `out` of `crashtwin run`: new, empty, or a run's
// (traces/run_directory.h replaceable_by_run), in a writable directory.
// Creates and returns the temporary sibling the run writes into (renamed
// onto `out` when every file is written); an empty path on a problem.
std::filesystem::path run_directory_temporary(const std::filesystem::path& out, std::string_view option);
// `out` as the temporary is renamed onto: absolute, normal, no trailing '/'.
std::filesystem::path run_directory_target(const std::filesystem::path& out);

}  // namespace crashtwin::cli
