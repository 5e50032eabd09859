#include "scenarios/batch/mpi_queue.h"

#include <stdexcept>

#if CRASHTWIN_WITH_MPI

#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "scenarios/batch/child_process.h"
#include "traces/io.h"
#include "traces/run_directory.h"

namespace crashtwin::scenario {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

// Worker -> rank 0: "ready", with the result of the run it just finished
// (none on its first request). Rank 0 -> worker: a run, or stop.
constexpr int kTagReady = 1;
constexpr int kTagRun = 2;
constexpr int kTagStop = 3;

// How long rank 0 sleeps between looks for a message: MPI_Recv would spin a
// core that the runs need; a run lasts far longer than this.
constexpr std::chrono::microseconds kIdlePoll{500};

void send(const json& message, int to, int tag) {
  const std::vector<uint8_t> bytes = json::to_cbor(message);
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD);
}

json receive(const MPI_Status& probed) {
  int size = 0;
  MPI_Get_count(&probed, MPI_BYTE, &size);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  MPI_Recv(bytes.data(), size, MPI_BYTE, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return json::from_cbor(bytes);
}

// Every file under `dir`, relative path -> bytes.
json files_of(const fs::path& dir) {
  json files = json::object();
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string text = read_file(e.path());
    files[fs::relative(e.path(), dir).string()] = json::binary(std::vector<uint8_t>(text.begin(), text.end()));
  }
  return files;
}

// Writes the gathered files as the run directory `to`, whole or not at all
// (a temporary sibling renamed), replacing what a lost attempt left.
void write_gathered(const json& files, const fs::path& to) {
  const fs::path partial = temporary_sibling(to, Temporary::copy, getpid());
  fs::remove_all(partial);
  for (const auto& [relative, content] : files.items()) {
    const std::vector<uint8_t>& bytes = content.get_binary();
    write_file_atomically(partial / relative, std::string(bytes.begin(), bytes.end()));
  }
  fs::create_directories(partial);
  replace_directory(partial, to);
}

}  // namespace

bool mpi_built() { return true; }

MpiQueue::MpiQueue(bool gather) : gather_(gather) {
  MPI_Init(nullptr, nullptr);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
}

MpiQueue::~MpiQueue() {
  if (finalize_) MPI_Finalize();
}

void MpiQueue::execute(const std::vector<PlannedRun>& runs, std::deque<size_t> pending, const BatchOptions& options,
                       const Ended& ended) {
  struct InFlight {
    int rank;
    Clock::time_point since;
  };
  std::map<size_t, InFlight> in_flight;  // plan index -> where and since when
  std::vector<bool> done(runs.size(), false);
  std::vector<bool> lost(static_cast<size_t>(ranks_), false);
  std::vector<bool> working(static_cast<size_t>(ranks_), false);  // sent a run, not reported yet
  // Until every run has its report and every rank not given up has
  // reported (a rank still running a run that another rank finished first
  // must not be left sending to a rank 0 that has stopped listening).
  const auto busy_ranks = [&] {
    for (int r = 1; r < ranks_; ++r)
      if (working[static_cast<size_t>(r)] && !lost[static_cast<size_t>(r)]) return true;
    return false;
  };
  std::deque<int> idle;
  const auto requeue_after = options.timeout + kRequeueGrace;
  spdlog::info("mpi: {} runs for {} worker ranks{}", pending.size(), ranks_ - 1,
               gather_ ? ", results gathered to rank 0" : "");

  // Rank 0's own work per message (receive, write gathered files, report,
  // dispatch): the serial cost that bounds how many ranks one queue feeds
  // (docs/PERFORMANCE.md).
  Clock::duration busy{};
  size_t messages = 0;
  while (!pending.empty() || !in_flight.empty() || busy_ranks()) {
    int arrived = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagReady, MPI_COMM_WORLD, &arrived, &status);
    const Clock::time_point handling = Clock::now();
    if (arrived) {
      const json message = receive(status);
      const int from = status.MPI_SOURCE;
      if (message.contains("index")) {
        const auto i = message["index"].get<size_t>();
        // A rank given up for lost may report after all: the run's first
        // report counts, a second one (of the re-queued attempt) is dropped.
        if (!done[i]) {
          if (gather_) write_gathered(message["files"], options.out / runs[i].dir);
          done[i] = true;
          in_flight.erase(i);
          std::erase(pending, i);
          ChildExit exit;
          exit.timed_out = message["timed_out"].get<bool>();
          exit.signalled = message["signalled"].get<bool>();
          exit.code = message["code"].get<int>();
          ended(i, exit);
        }
      }
      lost[static_cast<size_t>(from)] = false;
      working[static_cast<size_t>(from)] = false;
      idle.push_back(from);
    } else {
      std::this_thread::sleep_for(kIdlePoll);
    }

    const Clock::time_point now = Clock::now();
    for (auto it = in_flight.begin(); it != in_flight.end();) {
      if (now - it->second.since < requeue_after) {
        ++it;
        continue;
      }
      spdlog::warn("mpi: rank {} has not reported run {} within {} s: run re-queued, rank given up", it->second.rank,
                   runs[it->first].dir, std::chrono::duration_cast<std::chrono::seconds>(requeue_after).count());
      lost[static_cast<size_t>(it->second.rank)] = true;
      pending.push_front(it->first);
      it = in_flight.erase(it);
    }

    while (!idle.empty() && !pending.empty()) {
      const int to = idle.front();
      idle.pop_front();
      const size_t i = pending.front();
      pending.pop_front();
      send({{"index", i}, {"dir", runs[i].dir}, {"argv", run_argv("", runs[i], "")}}, to, kTagRun);
      in_flight[i] = {to, Clock::now()};
      working[static_cast<size_t>(to)] = true;
    }
    if (arrived) {
      busy += Clock::now() - handling;
      ++messages;
    }
    size_t live = 0;
    for (int r = 1; r < ranks_; ++r) live += lost[static_cast<size_t>(r)] ? 0 : 1;
    if (live == 0 && !pending.empty())
      throw std::runtime_error(fmt::format("mpi: {} runs left and no worker rank{}", pending.size(),
                                           ranks_ == 1 ? " (run under mpirun -n 2 or more)" : " alive"));
  }
  // A rank given up for lost may only have been slow: its report is a
  // blocking send that must be received, or it never reaches MPI_Finalize
  // and neither does this rank. Its report is taken and dropped for one
  // more re-queue interval; a rank that is really gone costs that wait.
  const auto lost_and_working = [&] {
    for (int r = 1; r < ranks_; ++r)
      if (working[static_cast<size_t>(r)] && lost[static_cast<size_t>(r)]) return true;
    return false;
  };
  for (const Clock::time_point until = Clock::now() + requeue_after; lost_and_working() && Clock::now() < until;) {
    int arrived = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagReady, MPI_COMM_WORLD, &arrived, &status);
    if (!arrived) {
      std::this_thread::sleep_for(kIdlePoll);
      continue;
    }
    (void)receive(status);
    working[static_cast<size_t>(status.MPI_SOURCE)] = false;
  }
  spdlog::info("mpi: rank 0 handled {} messages in {:.1f} ms ({:.0f} us each)", messages,
               std::chrono::duration<double, std::milli>(busy).count(),
               messages ? std::chrono::duration<double, std::micro>(busy).count() / static_cast<double>(messages) : 0.0);
  // With a rank given up, nobody may finalize: Open MPI's MPI_Finalize
  // fences over every process, and a dead one can hold the survivors there
  // for good (seen under load). The processes then just exit, as the lost
  // one did, which mpirun accepts under orte_abort_on_non_zero_status 0.
  for (int r = 1; r < ranks_; ++r) finalize_ = finalize_ && !lost[static_cast<size_t>(r)];
  // Every rank is told to stop, a lost one too in case it is only slow. The
  // message outlives the sends (a freed request may still be reading it).
  stop_message_ = json::to_cbor(json{{"finalize", finalize_}});
  for (int r = 1; r < ranks_; ++r) {
    MPI_Request request;
    MPI_Isend(stop_message_.data(), static_cast<int>(stop_message_.size()), MPI_BYTE, r, kTagStop, MPI_COMM_WORLD,
              &request);
    MPI_Request_free(&request);
  }
}

void MpiQueue::serve(const BatchOptions& options) {
  const char* exit_rank = std::getenv(kMpiDieAfterFirstRunEnv);
  const bool exit_after_first = exit_rank != nullptr && std::to_string(rank_) == exit_rank;
  const std::string self = self_executable();
  // --gather: runs are written on this node's own disk and sent to rank 0.
  const fs::path scratch = gather_ ? fs::temp_directory_path() / fmt::format("crashtwin-rank{}-{}", rank_, getpid())
                                   : options.out;
  json result = json::object();
  for (;;) {
    send(result, 0, kTagReady);
    MPI_Status status;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    const json message = receive(status);
    if (status.MPI_TAG == kTagStop) {
      finalize_ = message.value("finalize", true);
      break;
    }
    if (exit_after_first) std::_Exit(3);

    const auto dir = message["dir"].get<std::string>();
    std::vector<std::string> argv = message["argv"].get<std::vector<std::string>>();
    const fs::path run_dir = scratch / dir;
    // run_argv's with this node's executable and run directory.
    argv.front() = self;
    const auto out = std::find(argv.begin(), argv.end(), "--out");
    if (out == argv.end() || out + 1 == argv.end()) throw std::logic_error("mpi: a run's command line without --out");
    *(out + 1) = run_dir.string();
    if (gather_) fs::remove_all(run_dir);
    const ChildExit exit = start_run_child(argv, run_dir, options.timeout)->wait();
    settle_run_child(run_dir, exit);
    result = {{"index", message["index"]}, {"timed_out", exit.timed_out}, {"signalled", exit.signalled},
              {"code", exit.code}};
    if (gather_) {
      result["files"] = files_of(run_dir);
      fs::remove_all(run_dir);
    }
  }
  if (gather_) fs::remove_all(scratch);
}

}  // namespace crashtwin::scenario

#else  // built without MPI: --mpi is refused before any of this is used

namespace crashtwin::scenario {

bool mpi_built() { return false; }
MpiQueue::MpiQueue(bool gather) : gather_(gather) {
  throw std::logic_error("MpiQueue in a crashtwin built without MPI (check mpi_built() first)");
}
MpiQueue::~MpiQueue() = default;
void MpiQueue::execute(const std::vector<PlannedRun>&, std::deque<size_t>, const BatchOptions&, const Ended&) {}
void MpiQueue::serve(const BatchOptions&) {}

}  // namespace crashtwin::scenario

#endif
