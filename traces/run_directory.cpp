#include "traces/run_directory.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "traces/io.h"
#include "traces/summary.h"

namespace crashtwin {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 4> kKindNames = {"tmp", "logs", "old", "copy"};

// The files of a finished run besides summary.json and bmc/, at every trace
// level (scenarios/runner/results_writer.cpp writes them).
constexpr std::array<std::string_view, 2> kSummaryLevelFiles = {"perf.json", "config.yaml"};
// The traces a run of the full level writes besides those (trace_level.h).
constexpr std::array<std::string_view, 4> kTraceFiles = {"timeseries.csv", "events.jsonl", "trace.vcd", "trace.json"};
// Written by a run (or `crashtwin analyze` into it) but not required for a
// complete run directory: older runs lack them.
constexpr std::array<std::string_view, 5> kOptionalRunFiles = {
    "timer_jitter.json", "memory_profile.json", "analysis.json", "memory_allocation_rate.svg",
    "memory_fragmentation.svg"};

// Who wrote a temporary: the host and the process.
struct TemporaryWriter {
  std::string host;  // empty: a name from before hosts were recorded (taken as this host's)
  long pid = 0;
};

// The writer of a temporary's name (".<name>.<kind>-<host>-<pid>", or the
// older ".<name>.<kind>-<pid>"), or nothing when the name is not a
// temporary's. Hosts are written without '-' or '.' (this_host()), so the
// last two dashes and the dot before them delimit the fields.
std::optional<TemporaryWriter> temporary_writer(std::string_view name) {
  if (name.size() < 2 || name.front() != '.') return std::nullopt;
  const size_t pid_dash = name.rfind('-');
  if (pid_dash == std::string_view::npos || pid_dash == 0) return std::nullopt;
  const std::string_view pid = name.substr(pid_dash + 1);
  long value = 0;
  const auto [end, ec] = std::from_chars(pid.data(), pid.data() + pid.size(), value);
  if (pid.empty() || ec != std::errc() || end != pid.data() + pid.size()) return std::nullopt;
  const auto kind_before = [&](size_t dash) -> std::optional<std::string_view> {
    const size_t dot = name.rfind('.', dash);
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    const std::string_view kind = name.substr(dot + 1, dash - dot - 1);
    for (std::string_view k : kKindNames)
      if (kind == k) return kind;
    return std::nullopt;
  };
  if (kind_before(pid_dash)) return TemporaryWriter{{}, value};
  const size_t host_dash = name.rfind('-', pid_dash - 1);
  if (host_dash == std::string_view::npos || host_dash == 0 || !kind_before(host_dash)) return std::nullopt;
  const std::string_view host = name.substr(host_dash + 1, pid_dash - host_dash - 1);
  if (host.empty() || host.find('.') != std::string_view::npos) return std::nullopt;
  return TemporaryWriter{std::string(host), value};
}

}  // namespace

const std::string& this_host() {
  static const std::string host = [] {
    std::array<char, 256> buffer{};
    std::string name = gethostname(buffer.data(), buffer.size() - 1) == 0 ? std::string(buffer.data()) : "";
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
    return name.empty() ? std::string("localhost") : name;
  }();
  return host;
}

fs::path temporary_sibling(const fs::path& dir, Temporary kind, long pid) {
  const fs::path clean = dir.filename().empty() ? dir.parent_path() : dir;
  return clean.parent_path() /
         fmt::format(".{}.{}-{}-{}", clean.filename().string(), kKindNames[static_cast<size_t>(kind)], this_host(),
                     pid);
}

void replace_directory(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::path old;
  if (fs::exists(to, ec)) {
    old = temporary_sibling(to, Temporary::old, getpid());
    fs::remove_all(old, ec);
    fs::rename(to, old, ec);
    if (ec) throw io_error(to, "cannot move the previous directory aside: " + ec.message());
  }
  fs::rename(from, to, ec);
  if (ec) throw io_error(to, "cannot rename " + from.string() + " into place: " + ec.message());
  if (!old.empty()) fs::remove_all(old, ec);
}

size_t remove_temporaries(const fs::path& parent) {
  std::error_code ec;
  size_t removed = 0;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    if (!temporary_writer(it->path().filename().string())) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
    if (!rm) ++removed;
  }
  return removed;
}

size_t remove_orphaned_temporaries(const fs::path& dir) {
  const fs::path clean = dir.filename().empty() ? dir.parent_path() : dir;
  const std::string prefix = "." + clean.filename().string() + ".";
  std::error_code ec;
  size_t removed = 0;
  for (fs::directory_iterator it(clean.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::optional<TemporaryWriter> writer = temporary_writer(name);
    if (name.rfind(prefix, 0) != 0 || !writer) continue;
    // Another host's process cannot be asked (a shared file system under
    // MPI ranks): its temporary is kept, whatever the pid means here.
    if (!writer->host.empty() && writer->host != this_host()) continue;
    const long pid = writer->pid;
    // kill(pid, 0) fails with ESRCH only when no such process exists (EPERM:
    // it exists but is another user's, so it may still be writing).
    if (pid <= 0 || pid == getpid() || kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
    if (!rm) ++removed;
  }
  return removed;
}

bool run_directory_complete(const fs::path& dir, std::string* why) {
  const auto incomplete = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return false;
  };
  std::error_code ec;
  if (!fs::is_regular_file(dir / "summary.json", ec)) return incomplete("no summary.json");
  TraceLevel level = TraceLevel::full;
  try {
    level = read_summary(dir / "summary.json").traces;
  } catch (const io_error& e) {
    return incomplete(e.what());
  }
  for (std::string_view f : kSummaryLevelFiles)
    if (!fs::is_regular_file(dir / f, ec)) return incomplete(fmt::format("no {}", f));
  if (level == TraceLevel::full)
    for (std::string_view f : kTraceFiles)
      if (!fs::is_regular_file(dir / f, ec)) return incomplete(fmt::format("no {}", f));
  const fs::path bmc = dir / "bmc" / "report.json";
  if (!fs::is_regular_file(bmc, ec)) return incomplete("no bmc/report.json");
  try {
    const nlohmann::json report = nlohmann::json::parse(read_file(bmc));
    for (const nlohmann::json& r : report.at("records")) {
      const auto file = r.value("file", std::string());
      if (!file.empty() && !fs::is_regular_file(dir / "bmc" / file, ec))
        return incomplete(fmt::format("no bmc/{} (listed in bmc/report.json)", file));
    }
  } catch (const std::exception& e) {
    return incomplete(fmt::format("bmc/report.json: {}", e.what()));
  }
  return true;
}

bool replaceable_by_run(const fs::path& dir, std::string* stranger) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  if (!fs::is_directory(dir, ec)) {
    if (stranger) *stranger = dir.filename().string();
    return false;
  }
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    bool known = name == "summary.json" || name == "bmc" || name == kFailedMarker || name == kStdoutLog ||
                 name == kStderrLog || name == "report.html";
    for (std::string_view f : kSummaryLevelFiles) known = known || name == f;
    for (std::string_view f : kTraceFiles) known = known || name == f;
    for (std::string_view f : kOptionalRunFiles) known = known || name == f;
    if (!known) {
      if (stranger) *stranger = name;
      return false;
    }
  }
  return !ec;
}

}  // namespace crashtwin
