// Runs test code inside a SystemC thread (where b_transport may wait) and
// returns when it finishes, with simulated time advanced by what it took.
// One SimThread per testbench; test cases measure time relative to
// sc_time_stamp() because the kernel cannot restart between them.
//
// A job that waits for an event nothing will ever notify fails the test
// (std::runtime_error, which Catch reports) instead of hanging until the
// ctest timeout: when the kernel starves with the job unfinished, no
// activity can finish it; when other processes keep the kernel busy (a
// periodic model thread), the job fails once `limit` of simulated time has
// passed without it finishing.
#pragma once

#include <functional>
#include <stdexcept>

#include <systemc>
#include <tlm>

namespace crashtwin::test {

class SimThread : public sc_core::sc_module {
 public:
  explicit SimThread(sc_core::sc_module_name name = "driver") : sc_core::sc_module(name) {
    sc_core::sc_spawn([this] { loop(); }, "loop");
  }
  // Runs `job` in the thread; returns once it has returned.
  void run(std::function<void()> job, sc_core::sc_time limit = default_limit()) {
    job_ = std::move(job);
    done_ = false;
    start_.notify(sc_core::SC_ZERO_TIME);
    const sc_core::sc_time deadline = sc_core::sc_time_stamp() + limit;
    while (!done_) {
      if (!sc_core::sc_pending_activity())
        throw std::runtime_error("SimThread: the job waits for an event nothing will notify (no activity pending at " +
                                 sc_core::sc_time_stamp().to_string() + ")");
      const sc_core::sc_time now = sc_core::sc_time_stamp();
      if (now >= deadline || sc_core::sc_time_to_pending_activity() > deadline - now)
        throw std::runtime_error("SimThread: the job did not finish within " + limit.to_string() +
                                 " of simulated time (at " + now.to_string() + ")");
      // The thread pauses the kernel when done. Starvation returns at the
      // last activity instead of moving time on to the deadline.
      sc_core::sc_start(deadline - now, sc_core::SC_EXIT_ON_STARVATION);
    }
  }

  // Far longer than any testbench job waits (seconds of simulated time).
  // A function, not a static constant: a time built during static
  // initialisation would fix the kernel's resolution before the testbench
  // sets it (models/core/tlm_types.h).
  static sc_core::sc_time default_limit() { return {1000, sc_core::SC_SEC}; }

 private:
  void loop() {
    for (;;) {
      while (!job_) wait(start_);
      std::function<void()> job = std::move(job_);
      job_ = nullptr;
      job();
      done_ = true;
      sc_core::sc_pause();  // takes effect at the end of this delta
    }
  }
  std::function<void()> job_;
  bool done_ = true;
  sc_core::sc_event start_;
};

// One blocking transaction of `length` bytes at `address` through
// `socket`, run in `thread`; returns the response and the annotated delay.
template <typename Socket>
tlm::tlm_response_status transact(SimThread& thread, Socket& socket, tlm::tlm_command cmd, uint64_t address,
                                  void* data, unsigned length, sc_core::sc_time* delay_out = nullptr) {
  tlm::tlm_generic_payload tx;
  tx.set_command(cmd);
  tx.set_address(address);
  tx.set_data_ptr(static_cast<unsigned char*>(data));
  tx.set_data_length(length);
  tx.set_streaming_width(length);
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  thread.run([&] { socket->b_transport(tx, delay); });
  if (delay_out) *delay_out = delay;
  return tx.get_response_status();
}

}  // namespace crashtwin::test
