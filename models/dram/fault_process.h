// DRAM faults as field studies measure them, for the DRAM model.
//
// Faults arrive in the DRAM devices of each DIMM as Poisson processes, one
// per fault mode and persistence, at the per-device FIT rates Sridharan and
// Liberty measured on Jaguar ("A study of DRAM failures in the field",
// SC 2012; the table FaultSim ships as its field fault mode):
//
//   mode           transient FIT  permanent FIT   cells a fault covers
//   single bit          14.2          18.6         one bit of one word
//   single word          1.4           0.3         several bits of one word
//   single column        1.4           5.6         one bit in every row of a column
//   single row           0.2           8.2         one bit in every column of a row
//   single bank          0.8          10.0         one bit per word of a bank
//   multiple banks       0.3           1.4         ... of every bank of a rank
//   multiple ranks       0.9           2.8         ... of every rank
//
// (FIT: faults per 10^9 device-hours; a DIMM has `devices` devices per rank,
// 18 for a x4 DIMM with ECC.) A transient fault corrupts its cells once: one
// error, then it is gone. A permanent fault stays and is activated each time
// an access reads a faulty cell, modelled as a Poisson process of
// `activation_rate` per fault at a cell drawn uniformly from the fault's
// range: the spatial signature a corrected-error log shows (a row fault's
// errors share rank, bank and row; a column fault's, the column).
//
// An activation reads the burst its cell is in: a DDR4 read is a burst of
// `burst_length` (8) 72-bit words, the beats, from consecutive columns of
// one row. Each beat's word is corrected or not by the ECC, from every fault
// that covers it, and the read fails when any beat does (the controller
// decodes the whole line): SECDED corrects one bad bit per 72-bit word, so a
// single-word fault (several bits) is uncorrectable at once and two faults
// crossing in one word are uncorrectable there; chipkill (single device data
// correction, what x4 server DIMMs use) corrects any number of bad bits in
// one device, so only two faulty devices in one word are uncorrectable. Most
// uncorrectable errors then come after corrected ones of the same faults (a
// bank fault logs corrected errors until a second fault crosses it), and some
// come with no warning (a fault whose first activation is already
// uncorrectable): the measured fraction emerges from the rates instead of
// being set.
//
// DIMM-level faults: a device's faults alone leave a chipkill DIMM almost
// never uncorrectable (0.0096 % of DIMM-years, docs/models.md), while the
// field sees 0.22 % of DIMMs a year with uncorrectable errors (Schroeder,
// Pinheiro and Weber 2009). The rest are faults of what the devices of a
// DIMM share (its register and the address, command, clock and power paths,
// its connector), which put bad bits in several devices of a word at once,
// beyond what any of the ECCs corrects. They arrive per DIMM at
// `dimm.rate_per_s` (the field figure less the device modes': 0.21 % a
// year), from their own random stream (the device modes' draws are the same
// with or without them until the first one arrives). A `warned_fraction` of
// them (0.40: of the DIMMs with uncorrectable errors in Baeg et al.'s
// 2.5 years of about 40,000 DIMMs, "Correctable and uncorrectable errors
// using large scale DRAM DIMMs in replacement network servers", 29 % of the
// DIMMs with errors had both kinds and 43 % only uncorrectable ones) start
// as one device's data lane going bad, one bit in every word of the DIMM
// (mode dimm_lane: corrected errors at the activation rate), and spread to
// a second device's lane after a lead time drawn log-uniform between
// `lead_min_s` and `lead_max_s` (mode multi_device: uncorrectable at its
// first read, which is its arrival); the others are multi_device at once,
// an uncorrectable error with no warning.
//
// The bits a corrected read had bad, over its burst, are its error bits:
// the DQ lanes (of the 72) and the beats they are in. A fault fixed to one
// column errs in one beat; one that spans the row's columns (row, bank,
// multi-bank, multi-rank faults and a DIMM lane) in every beat; a
// single-word fault in two DQs of one beat. Server memory controllers
// report this bit map per corrected error; the DRAM model counts the
// corrected errors spanning several DQs or beats (its error-log entries do
// not carry the map). Field studies of those records find the patterns
// spanning several DQs and beats the ones that precede uncorrectable errors
// (Yu et al., "Exploring Error Bits for Memory Failure Prediction", ICCAD
// 2023, on Intel Purley and Whitley x4 DIMMs), which the twin's physics
// reproduces only as far as its fault modes do: a warned DIMM lane's
// corrected errors span every beat, as a healthy bank fault's do.
//
// Field rates give a DIMM about one fault per 48 years, so scenarios of
// minutes run them accelerated: `acceleration` multiplies every FIT rate
// (activations keep their own rate: how often a present fault is read
// depends on the workload, not on how fast faults arrive).
//
// Plain C++ without SystemC: the DRAM model asks for the time to the next
// event and fires it; the process draws from its own seeded stream.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "models/core/rng.h"

namespace crashtwin {

enum class DramFaultMode : uint8_t {
  single_bit,
  single_word,
  single_column,
  single_row,
  single_bank,
  multi_bank,
  multi_rank,
  // DIMM-level (the DIMM's shared circuits; no per-device FIT):
  dimm_lane,     // one device's data lane: one bit of every word of the DIMM
  multi_device,  // lanes of two devices: every word uncorrectable
};
inline constexpr size_t kDramFaultModeCount = 9;
// The per-device modes (kFieldFaultFit's rows) come first.
inline constexpr size_t kDeviceFaultModeCount = 7;
std::string_view to_string(DramFaultMode mode);

struct DramFaultFit {
  double transient = 0.0;  // FIT per device
  double permanent = 0.0;
};
// Sridharan and Liberty, SC 2012, Jaguar (per device), in DramFaultMode order.
inline constexpr std::array<DramFaultFit, kDeviceFaultModeCount> kFieldFaultFit = {{
    {14.2, 18.6}, {1.4, 0.3}, {1.4, 5.6}, {0.2, 8.2}, {0.8, 10.0}, {0.3, 1.4}, {0.9, 2.8}}};

struct DramGeometry {
  uint32_t ranks = 2, banks = 16, rows = 1, columns = 1024;
  uint32_t devices = 18;        // per rank: x4 devices, 16 data + 2 ECC
  uint32_t bits_per_device = 4;  // bits of a 72-bit word one device holds (its DQ lanes)
  uint32_t burst_length = 8;     // beats a read transfers: consecutive columns of one row (DDR4 BL8)
};

enum class DramEcc : uint8_t { secded, chipkill };

inline constexpr double kSecondsPerDramYear = 365.25 * 86400.0;

// DIMM-level faults (above); rates at the field, before `acceleration`.
struct DimmFaultSettings {
  double rate_per_s = 0.0021 / kSecondsPerDramYear;  // per DIMM: 0.22 % - 0.0096 % a year
  double warned_fraction = 0.40;                     // start as one lane (Baeg et al.)
  double lead_min_s = 3600.0;                        // warned: lane to multi-device, log-uniform
  double lead_max_s = 30.0 * 86400.0;
};

struct DramFaultSettings {
  double acceleration = 1.0;       // multiplies every FIT rate and the DIMM-level rate (> 0)
  double activation_rate = 0.0;    // reads of a present permanent fault's cells that fail, per second
  DramEcc ecc = DramEcc::chipkill;
  DimmFaultSettings dimm;
};

// One fault: the cells of one device it covers. A coordinate marked `any`
// spans its whole dimension.
struct DramFault {
  DramFaultMode mode = DramFaultMode::single_bit;
  bool transient = false;
  uint32_t dimm = 0, device = 0;
  uint32_t rank = 0, bank = 0, row = 0, column = 0;
  bool any_rank = false, any_bank = false, any_row = false, any_column = false;
  uint8_t bits = 1;  // mask of the device's bits it corrupts in each word it covers

  bool covers(uint32_t r, uint32_t b, uint32_t w, uint32_t c) const {
    return (any_rank || rank == r) && (any_bank || bank == b) && (any_row || row == w) && (any_column || column == c);
  }
};

struct DramFaultError {
  // The word the error names: the activated cell's, or, when that beat was
  // correctable and another of the burst was not, the first uncorrectable
  // beat's (the codeword the read failed on).
  uint32_t dimm = 0, rank = 0, bank = 0, row = 0, column = 0;
  uint32_t bad_bits = 0;     // faulty bits in that word, over every fault covering it
  uint32_t bad_devices = 0;  // devices those bits are in
  // What an ECC decode of the word names: the one bad device (kUnknown
  // when bits of several are bad), and the one bad bit's position in the
  // 72-bit word (device * bits_per_device + its bit; kUnknown when
  // several bits are bad).
  uint32_t device = kUnknown;
  uint32_t bit_position = kUnknown;
  static constexpr uint32_t kUnknown = UINT32_MAX;
  bool uncorrectable = false;  // some beat of the burst was beyond the ECC
  // The error bits over the whole burst: DQ lanes (of the 72) with a bad bit
  // in some beat, and beats with a bad bit in some lane.
  uint32_t error_dqs = 0;
  uint32_t error_beats = 0;
  DramFaultMode mode = DramFaultMode::single_bit;  // of the fault whose activation this was
  bool new_fault = false;    // the activation that came with a fault's arrival
  // Index of that fault in permanent_faults(); kTransient for a transient one.
  uint32_t fault = 0;
  static constexpr uint32_t kTransient = UINT32_MAX;
};

class DramFaultProcess {
 public:
  // `rng` draws the device faults and every activation; `dimm_rng` the
  // DIMM-level faults' arrivals, kinds, places and lead times.
  DramFaultProcess(const DramGeometry& geometry, const DramFaultSettings& settings, uint32_t dimms,
                   RngStream rng, RngStream dimm_rng);

  // Seconds from the previous event to the next one: the sooner of an
  // exponential draw over the total rate of device-fault arrivals and
  // activations and the next DIMM-level event; +infinity when nothing can
  // happen.
  double draw_next_delay();
  // The event after that delay: a fault arrives (a transient one errs at
  // once and is gone; a permanent one stays, its arrival its first read) or
  // a present permanent fault is activated. The error its read gives,
  // classified by the ECC; nothing when a fault arrives in a retired DIMM.
  std::optional<DramFaultError> fire();
  // A DIMM that failed (an uncorrectable error) is out of service: its
  // faults are gone and no fault arrives in it any more, so one bad word
  // does not raise a failure at every read (the host would have replaced
  // the DIMM or offlined the memory).
  void retire_dimm(uint32_t dimm);

  double arrival_rate_per_s() const { return arrival_rate_; }
  // DIMM-level faults per second over every DIMM in service.
  double dimm_fault_rate_per_s() const;
  const std::vector<DramFault>& permanent_faults() const { return permanent_; }
  const DramGeometry& geometry() const { return geometry_; }

 private:
  DramFault draw_fault();
  DramFaultError activate(const DramFault& fault, uint32_t index, bool new_fault);
  // A lane of `device` (one bit, every word of the DIMM).
  DramFault dimm_lane(uint32_t dimm, uint32_t device, DramFaultMode mode);
  // The next DIMM-level arrival from now_s_ (+infinity when none can come).
  void draw_next_dimm_arrival();
  // The DIMM-level event due at now_s_: an arrival, or a warned lane
  // spreading to a second device.
  std::optional<DramFaultError> fire_dimm_event();
  DramFaultError add_and_activate(const DramFault& fault);

  struct Escalation {
    double at_s = 0.0;
    uint32_t dimm = 0, device = 0;  // the lane that spreads
  };

  DramGeometry geometry_;
  DramFaultSettings settings_;
  uint32_t dimms_;
  RngStream rng_;
  RngStream dimm_rng_;
  double arrival_rate_ = 0.0;  // every mode, both persistences, every device of every DIMM
  std::vector<DramFault> permanent_;
  std::vector<bool> retired_;
  // Seconds since power-on at the last event, and where the next one comes
  // from: the device draw (device_delay_s_ after now_s_) or a DIMM-level
  // event (next_dimm_arrival_s_ or an escalation).
  double now_s_ = 0.0;
  double device_delay_s_ = 0.0;
  bool dimm_event_next_ = false;
  double dimm_event_at_s_ = 0.0;  // the next DIMM-level event, as draw_next_delay found it
  double next_dimm_arrival_s_ = 0.0;
  std::vector<Escalation> escalations_;
};

}  // namespace crashtwin
