// `crashtwin batch|sweep --mpi` under mpirun: rank 0 holds the work queue
// (the batch's pending runs, longest first) and writes summary.csv and
// report.html exactly as a local batch; every other rank asks rank 0 for a
// run, runs it as a child process (`crashtwin run`, as a local batch does:
// SystemC elaborates once per process), reports its exit and asks again
// (dynamic balancing: a rank that drew short runs asks more often).
//
// Results go to the shared --out directory, or with --gather (no shared file
// system) into a private temporary directory on the worker's node whose files
// are sent to rank 0, which writes them under --out.
//
// A rank that dies loses only its in-flight run: rank 0 re-queues a run whose
// rank has not reported within the batch --timeout plus kRequeueGrace (a live
// rank always reports by then: its child is killed at --timeout) and sends
// that rank nothing more. mpirun must be told not to end the job when one
// rank exits: `--mca orte_abort_on_non_zero_status 0` (docs/distributed.md).
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "scenarios/batch/batch.h"

namespace crashtwin::scenario {

// Whether this crashtwin was built with MPI (CMake CRASHTWIN_WITH_MPI).
bool mpi_built();

inline constexpr std::chrono::seconds kRequeueGrace{10};

// Test hook: a worker whose rank equals this variable's value exits (as if
// killed) right after receiving its first run, to exercise re-queuing.
inline constexpr const char* kMpiDieAfterFirstRunEnv = "CRASHTWIN_TEST_MPI_EXIT_RANK";

// MPI_Init on construction, MPI_Finalize on destruction (one per process).
class MpiQueue : public RunExecutor {
 public:
  explicit MpiQueue(bool gather);
  ~MpiQueue() override;
  MpiQueue(const MpiQueue&) = delete;
  MpiQueue& operator=(const MpiQueue&) = delete;

  int rank() const { return rank_; }
  int ranks() const { return ranks_; }

  // Rank 0: hands out `pending` and calls `ended` for each run, then tells
  // every worker to stop. Throws std::runtime_error when no worker is left
  // (mpirun -n 1, or all died) and runs remain.
  void execute(const std::vector<PlannedRun>& runs, std::deque<size_t> pending, const BatchOptions& options,
               const Ended& ended) override;

  // Every other rank: runs what rank 0 sends until told to stop.
  void serve(const BatchOptions& options);

 private:
  bool gather_;
  int rank_ = 0;
  int ranks_ = 1;
  bool finalize_ = true;  // false once a rank was given up (see execute)
  std::vector<uint8_t> stop_message_;
};

}  // namespace crashtwin::scenario
