// Memory error logs as the field's tools write them, read for replay:
//
//   rasdaemon   its SQLite database (ras-mc-ctl's source): table `mc_event`,
//               one row per EDAC event as rasdaemon stores it: timestamp
//               ("2023-11-14 22:13:20 +0000"), err_count, err_type
//               ("Corrected", "Uncorrected", "Fatal", ...), label, mc,
//               top_layer, middle_layer, lower_layer, address, grain,
//               syndrome.
//   edac        the kernel's EDAC lines in a dmesg / journal extract:
//               "[  123.456789] EDAC MC0: 1 CE memory read error on
//               <label> (channel:0 slot:1 page:0x12345 offset:0x40 grain:32
//               syndrome:0x0 ...)", and the same with UE.
//   mcelog      the text mcelog writes (/var/log/mcelog, or its syslog
//               lines): records of "Hardware event. This is not a software
//               error.", "MCE n", "CPU n BANK n [TSC ..]", "[MISC x] [ADDR
//               x]", "TIME <epoch> <date>", decoded lines, "STATUS x
//               MCGSTATUS x", "MCGCAP x APICID x SOCKETID x", "CPUID ...".
//               MCi_STATUS decides: VAL (bit 63) clear -> not an error;
//               MCACOD 0000_0000_1MMM_CCCC (bit 12 ignored) -> a memory
//               controller error on channel CCCC, UC (bit 61) -> uncorrected,
//               ADDRV (bit 58) -> the ADDR line is the physical address.
//               Other errors (cache, bus, interconnect, internal, thermal)
//               are counted and skipped (McelogSummary).
//
// Each event becomes a MemoryErrorEvent: when, which DIMM (its memory
// controller and layers: the same DIMM has the same key in both formats),
// how many errors, corrected or not, and where (the physical address when
// the log has one). Bad input raises csv::InputError naming the file and the
// row id (rasdaemon) or line (edac).
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crashtwin::replay {

struct MemoryErrorEvent {
  uint64_t time_ns = 0;  // Unix epoch (rasdaemon) or since boot (dmesg), in ns
  std::string dimm;      // "mc0 0:1:2": controller, then top:middle:lower layer (-1: not given)
  int64_t controller = 0;
  int64_t layer[3] = {-1, -1, -1};
  uint32_t count = 1;
  bool corrected = true;
  std::optional<uint64_t> address;  // physical address of the error
  std::string label;                // the DIMM's name in the log when it gives one (EDAC label, DMI locator)
  std::string source;               // "file: row id 7" / "file:12", for messages
};

// What an mcelog log held besides its memory errors.
struct McelogSummary {
  size_t records = 0;     // complete records
  size_t not_memory = 0;  // valid errors of other units (cache, bus, internal, thermal): skipped
  size_t not_valid = 0;   // STATUS without VAL: skipped
};

// At most this many events are read (the replay plan holds them in memory).
inline constexpr size_t kMaxLogEvents = 1'000'000;

std::vector<MemoryErrorEvent> read_rasdaemon_db(const std::string& path);
std::vector<MemoryErrorEvent> read_edac_log(const std::string& path);
// The same from a stream; `source` names it in messages and events.
std::vector<MemoryErrorEvent> read_edac_log(std::istream& in, const std::string& source);
// mcelog's records: one event per memory-controller record (count 1), the
// DIMM keyed by socket (SOCKETID, else 0) as the controller, then the channel
// ("Memory channel ID of error: n", else MCACOD's channel unless 0xf), then
// the DIMM ("Memory DIMM ID of error: n"); a "Device Locator:" line (mcelog's
// SMBIOS decoding) is its label. A record cut short (no CPU/BANK, STATUS or
// TIME line before the next record or the end), a malformed field, or ADDRV
// without an ADDR line raises csv::InputError naming the line.
std::vector<MemoryErrorEvent> read_mcelog_log(const std::string& path, McelogSummary* summary = nullptr);
std::vector<MemoryErrorEvent> read_mcelog_log(std::istream& in, const std::string& source,
                                              McelogSummary* summary = nullptr);

// "2023-11-14 22:13:20 +0000" (rasdaemon's strftime "%Y-%m-%d %H:%M:%S %z")
// -> ns since the Unix epoch; nullopt when malformed, before 1970 or past
// what 64-bit nanoseconds hold (mid-2554).
std::optional<uint64_t> parse_rasdaemon_time(std::string_view text);
// ISO 8601 with a zone: "2023-11-14T22:13:20Z", "2023-11-14T23:13:20.5+01:00"
// (fraction up to 9 digits, zone Z, +HH:MM or +HHMM) -> ns since the Unix
// epoch; nullopt as above.
std::optional<uint64_t> parse_iso8601_time(std::string_view text);

}  // namespace crashtwin::replay
