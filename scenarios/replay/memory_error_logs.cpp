#include "scenarios/replay/memory_error_logs.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>
#include <regex>

#include <fmt/format.h>

#include "scenarios/replay/csv_reader.h"

namespace crashtwin::replay {
namespace {

// The largest time a log may give, in seconds: its nanoseconds fit 64 bits.
constexpr uint64_t kMaxLogSeconds = UINT64_MAX / 1'000'000'000ull - 1;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw csv::InputError(fmt::format("{}: {}", where, what));
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

template <typename T>
bool number(std::string_view text, T& out, int base = 10) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

// "+HHMM", "-HHMM" or "+HH:MM" -> seconds east of UTC.
bool zone_offset(std::string_view text, int64_t& seconds) {
  if (text.size() == 6 && text[3] == ':') {
    const std::string compact = std::string(text.substr(0, 3)) + std::string(text.substr(4));
    return zone_offset(compact, seconds);
  }
  unsigned hours = 0, minutes = 0;
  if (text.size() != 5 || (text[0] != '+' && text[0] != '-') || !number(text.substr(1, 2), hours) ||
      !number(text.substr(3, 2), minutes) || hours > 23 || minutes > 59)
    return false;
  seconds = (text[0] == '-' ? -1 : 1) * static_cast<int64_t>(hours * 3600 + minutes * 60);
  return true;
}

// "YYYY-MM-DD?HH:MM:SS" (any separator between date and time) plus a
// fraction in ns, at `zone` seconds east of UTC -> ns since the Unix epoch;
// nullopt when malformed, before 1970 or past what 64-bit nanoseconds hold
// (mid-2554).
std::optional<uint64_t> civil_ns(std::string_view text, uint64_t fraction_ns, int64_t zone) {
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  int64_t year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!number(text.substr(0, 4), year) || !number(text.substr(5, 2), month) || !number(text.substr(8, 2), day) ||
      !number(text.substr(11, 2), hour) || !number(text.substr(14, 2), minute) ||
      !number(text.substr(17, 2), second))
    return std::nullopt;
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  const int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - zone;
  // Nanoseconds since 1970 fit 64 bits until 2554-07-21.
  if (seconds < 0 || static_cast<uint64_t>(seconds) > kMaxLogSeconds) return std::nullopt;
  return static_cast<uint64_t>(seconds) * 1'000'000'000ull + fraction_ns;
}

// A DIMM's key from its controller and EDAC layers (what rasdaemon stores and
// the kernel prints), so both formats name one DIMM the same way.
std::string dimm_key(int64_t mc, int64_t top, int64_t middle, int64_t lower) {
  return fmt::format("mc{} {}:{}:{}", mc, top, middle, lower);
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return std::string(text);
}

bool corrected_type(std::string_view type, bool& corrected) {
  // rasdaemon's err_type strings (ras-mc-handler.c): "Corrected",
  // "Uncorrected", "Fatal", "Deferred", "Info".
  if (type == "Corrected" || type == "Deferred" || type == "Info") corrected = true;
  else if (type == "Uncorrected" || type == "Fatal") corrected = false;
  else return false;
  return true;
}

struct SqliteClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct SqliteFinalize {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};

}  // namespace

std::optional<uint64_t> parse_rasdaemon_time(std::string_view text) {
  // YYYY-MM-DD HH:MM:SS +HHMM
  if (text.size() != 25 || text[10] != ' ' || text[19] != ' ') return std::nullopt;
  int64_t zone = 0;
  if (!zone_offset(text.substr(20), zone)) return std::nullopt;
  return civil_ns(text.substr(0, 19), 0, zone);
}

std::optional<uint64_t> parse_iso8601_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|+HHMM)
  if (text.size() < 20 || text[10] != 'T') return std::nullopt;
  std::string_view rest = text.substr(19);
  uint64_t fraction = 0;
  if (rest.front() == '.') {
    size_t digits = 1;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 1 || digits > 10) return std::nullopt;
    std::string padded(rest.substr(1, digits - 1));
    padded.resize(9, '0');
    if (!number(padded, fraction)) return std::nullopt;
    rest.remove_prefix(digits);
  }
  int64_t zone = 0;
  if (rest != "Z" && !zone_offset(rest, zone)) return std::nullopt;
  return civil_ns(text.substr(0, 19), fraction, zone);
}

std::vector<MemoryErrorEvent> read_rasdaemon_db(const std::string& path) {
  sqlite3* raw = nullptr;
  // Read only, and never created: a missing file is an error, not an empty database.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, SqliteClose> db(raw);
  if (rc != SQLITE_OK) fail(path, fmt::format("cannot open as an SQLite database ({})", sqlite3_errstr(rc)));
  sqlite3_stmt* raw_stmt = nullptr;
  const char* sql =
      "SELECT id, timestamp, err_count, err_type, mc, top_layer, middle_layer, lower_layer, address, label "
      "FROM mc_event ORDER BY id";
  if (sqlite3_prepare_v2(db.get(), sql, -1, &raw_stmt, nullptr) != SQLITE_OK)
    fail(path, fmt::format("not a rasdaemon database: no readable mc_event table ({})", sqlite3_errmsg(db.get())));
  std::unique_ptr<sqlite3_stmt, SqliteFinalize> stmt(raw_stmt);
  std::vector<MemoryErrorEvent> out;
  for (;;) {
    const int step = sqlite3_step(stmt.get());
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) fail(path, fmt::format("reading mc_event: {}", sqlite3_errmsg(db.get())));
    const int64_t id = sqlite3_column_int64(stmt.get(), 0);
    MemoryErrorEvent e;
    e.source = fmt::format("{}: mc_event row id {}", path, id);
    const auto text = [&](int column) -> std::string_view {
      const unsigned char* t = sqlite3_column_text(stmt.get(), column);
      return t == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(t));
    };
    const auto integer = [&](int column, const char* name) {
      if (sqlite3_column_type(stmt.get(), column) != SQLITE_INTEGER)
        fail(e.source, fmt::format("column '{}': not an integer", name));
      return sqlite3_column_int64(stmt.get(), column);
    };
    const std::optional<uint64_t> t = parse_rasdaemon_time(text(1));
    if (!t) fail(e.source, fmt::format("column 'timestamp': '{}' is not \"YYYY-MM-DD HH:MM:SS +ZZZZ\"", text(1)));
    e.time_ns = *t;
    const int64_t count = integer(2, "err_count");
    if (count < 1 || count > 1'000'000) fail(e.source, fmt::format("column 'err_count': {} is not 1..1000000", count));
    e.count = static_cast<uint32_t>(count);
    if (!corrected_type(text(3), e.corrected))
      fail(e.source, fmt::format("column 'err_type': '{}' is not Corrected, Uncorrected, Fatal, Deferred or Info",
                                 text(3)));
    e.controller = integer(4, "mc");
    e.layer[0] = integer(5, "top_layer"), e.layer[1] = integer(6, "middle_layer"), e.layer[2] = integer(7, "lower_layer");
    e.dimm = dimm_key(e.controller, e.layer[0], e.layer[1], e.layer[2]);
    // rasdaemon stores 0 when the driver gave no address.
    const int64_t address = sqlite3_column_type(stmt.get(), 8) == SQLITE_NULL ? 0 : integer(8, "address");
    if (address != 0) e.address = static_cast<uint64_t>(address);
    e.label = trim(text(9));
    if (out.size() == kMaxLogEvents) fail(path, fmt::format("more than {} events", kMaxLogEvents));
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<MemoryErrorEvent> read_edac_log(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot open");
  return read_edac_log(in, path);
}

std::vector<MemoryErrorEvent> read_edac_log(std::istream& in, const std::string& path) {
  // The kernel's edac_mc_handle_error line (drivers/edac/edac_mc.c), after a
  // dmesg timestamp: count, CE or UE, and the location in parentheses.
  static const std::regex line_re(R"(^\[\s*(\d+)\.(\d{1,9})\]\s+EDAC MC(\d+): (\d+) (CE|UE) ([^(]*)\((.*)\)\s*$)");
  static const std::regex field_re(R"((\w+):(0x[0-9a-fA-F]+|-?\d+))");
  // An error report, as opposed to EDAC's other lines (driver registration...).
  static const std::regex report_re(R"(EDAC MC\d+: \d+ (CE|UE) )");
  std::vector<MemoryErrorEvent> out;
  std::string line;
  for (size_t number_of_line = 1; std::getline(in, line); ++number_of_line) {
    if (line.find("EDAC MC") == std::string::npos) continue;  // other kernel lines
    if (line.size() <= 4096 && !std::regex_search(line, report_re)) continue;  // EDAC, but no error report
    std::smatch m;
    const std::string where = fmt::format("{}:{}", path, number_of_line);
    if (line.size() > 4096 || !std::regex_match(line, m, line_re))
      fail(where, "an EDAC line that is not \"[seconds.fraction] EDAC MCn: <count> CE|UE ... (fields)\"");
    MemoryErrorEvent e;
    e.source = where;
    uint64_t seconds = 0, fraction = 0, mc = 0, count = 0;
    std::string digits = m[2].str();
    digits.resize(9, '0');
    if (!number(m[1].str(), seconds) || seconds > kMaxLogSeconds || !number(digits, fraction) ||
        !number(m[3].str(), mc) || mc > 255 || !number(m[4].str(), count) || count < 1 || count > 1'000'000)
      fail(where, "a number out of range (time, controller or count)");
    e.time_ns = seconds * 1'000'000'000ull + fraction;
    e.count = static_cast<uint32_t>(count);
    e.corrected = m[5] == "CE";
    // The layers in the order the controller declares them (the kernel
    // prints each as "<layer type>:<index>": csrow, channel, slot, branch),
    // then page, offset, grain and syndrome; the driver's own detail comes
    // after " - " and is not read.
    int64_t layer[3] = {-1, -1, -1};
    size_t layers = 0;
    uint64_t page = 0, offset = 0;
    bool has_page = false;
    // "<message> on <label> (": the DIMM's label, as rasdaemon stores it.
    const std::string text = m[6].str();
    if (const size_t on = text.find(" on "); on != std::string::npos) e.label = trim(text.substr(on + 4));
    std::string fields = m[7].str();
    if (const size_t detail = fields.find(" - "); detail != std::string::npos) fields.resize(detail);
    for (auto it = std::sregex_iterator(fields.begin(), fields.end(), field_re); it != std::sregex_iterator(); ++it) {
      const std::string name = (*it)[1].str(), value = (*it)[2].str();
      const bool hex = value.starts_with("0x");
      int64_t v = 0;
      if (!(hex ? number(std::string_view(value).substr(2), v, 16) : number(value, v)))
        fail(where, fmt::format("field '{}': '{}' is not a number", name, value));
      if (name == "csrow" || name == "channel" || name == "slot" || name == "branch" || name == "memory") {
        if (layers < 3) layer[layers++] = v;
      } else if (name == "page") {
        page = static_cast<uint64_t>(v), has_page = true;
      } else if (name == "offset") {
        offset = static_cast<uint64_t>(v);
      }
    }
    e.controller = static_cast<int64_t>(mc);
    for (size_t i = 0; i < 3; ++i) e.layer[i] = layer[i];
    e.dimm = dimm_key(e.controller, layer[0], layer[1], layer[2]);
    if (has_page && page != 0) e.address = (page << 12) + offset;
    if (out.size() == kMaxLogEvents) fail(path, fmt::format("more than {} events", kMaxLogEvents));
    out.push_back(std::move(e));
  }
  if (in.bad()) fail(path, "read error");
  return out;
}

namespace {

// MCi_STATUS bits (Intel SDM vol. 3B, "IA32_MCi_STATUS MSRs").
constexpr uint64_t kStatusVal = 1ull << 63;
constexpr uint64_t kStatusUc = 1ull << 61;
constexpr uint64_t kStatusAddrv = 1ull << 58;

// A memory controller error: MCACOD 0000_0000_1MMM_CCCC, bit 12 (corrected
// error filtering) ignored.
bool memory_controller_error(uint64_t status) { return (status & 0xef80) == 0x0080; }

// One mcelog record as read so far.
struct McelogRecord {
  size_t first_line = 0;
  bool open = false;
  bool has_fields = false;  // a line beyond "Hardware event..." / "MCE n"
  std::optional<uint64_t> cpu, bank, status, address, time_s, socket, channel, dimm;
  std::string label;
};

// The mcelog text of a line: without a syslog prefix ("Nov 14 22:13:20 host
// mcelog[812]: " or "... mcelog: ") and surrounding blanks.
std::string_view mcelog_text(std::string_view line) {
  if (const size_t at = line.find("mcelog["); at != std::string_view::npos) {
    const size_t close = line.find("]: ", at);
    if (close != std::string_view::npos) line.remove_prefix(close + 3);
  } else if (const size_t plain = line.find("mcelog: "); plain != std::string_view::npos) {
    line.remove_prefix(plain + 8);
  }
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const size_t start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const size_t end = text.find_first_of(" \t");
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end);
  }
  return out;
}

// mcelog prints register values in hex without "0x"; either is accepted.
bool hex_value(std::string_view text, uint64_t& out) {
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  return !text.empty() && number(text, out, 16);
}

class McelogReader {
 public:
  McelogReader(std::string source, McelogSummary& summary) : source_(std::move(source)), summary_(summary) {}

  void line(std::string_view raw, size_t number_of_line) {
    line_ = number_of_line;
    const std::string_view text = mcelog_text(raw);
    if (text.starts_with("Hardware event. This is not a software error.") || text.starts_with("HARDWARE ERROR")) {
      begin();
      return;
    }
    const std::vector<std::string_view> w = words(text);
    if (w.empty()) return;
    if (w[0] == "MCE" && w.size() == 2 && std::all_of(w[1].begin(), w[1].end(), [](char c) { return c >= '0' && c <= '9'; })) {
      begin();
      return;
    }
    if (w[0] == "CPU" && w.size() >= 2 && !w[1].ends_with(":")) {
      // "CPU n BANK m [TSC ...]" (or "CPU n THERMAL EVENT ..." and other
      // extended banks: no BANK, not a memory error).
      if (record_.cpu) begin();  // a second CPU line: the next record, its disclaimer missing
      field();
      uint64_t cpu = 0, bank = 0;
      if (!number(w[1], cpu) || cpu > 65535) fail_field("CPU", w[1], "a CPU number");
      record_.cpu = cpu;
      if (w.size() >= 3 && w[2] == "BANK") {
        if (w.size() < 4 || !number(w[3], bank) || bank > 255) fail_field("BANK", w.size() < 4 ? "" : w[3], "a bank number");
        record_.bank = bank;
      }
      return;
    }
    if (w[0] == "MISC" || w[0] == "ADDR") {
      field();
      for (size_t i = 0; i < w.size(); i += 2) {
        uint64_t value = 0;
        if ((w[i] != "MISC" && w[i] != "ADDR") || i + 1 >= w.size() || !hex_value(w[i + 1], value))
          fail_field(std::string(w[i]), i + 1 < w.size() ? w[i + 1] : "", "a hex register value after MISC or ADDR");
        if (w[i] == "ADDR") record_.address = value;
      }
      return;
    }
    if (w[0] == "TIME") {
      field();
      uint64_t seconds = 0;
      if (w.size() < 2 || !number(w[1], seconds) || seconds > kMaxLogSeconds)
        fail_field("TIME", w.size() < 2 ? "" : w[1], "seconds since the Unix epoch (before 2554)");
      record_.time_s = seconds;
      return;
    }
    if (w[0] == "STATUS") {
      field();
      uint64_t status = 0, mcg = 0;
      if (w.size() < 2 || !hex_value(w[1], status)) fail_field("STATUS", w.size() < 2 ? "" : w[1], "a hex MCi_STATUS");
      if (w.size() >= 3 && (w[2] != "MCGSTATUS" || w.size() < 4 || !hex_value(w[3], mcg)))
        fail_field("MCGSTATUS", w.size() < 4 ? "" : w[3], "a hex MCG_STATUS after STATUS");
      record_.status = status;
      return;
    }
    if (w[0] == "MCGCAP" || w[0] == "APICID" || w[0] == "SOCKETID") {
      field();
      for (size_t i = 0; i < w.size(); i += 2) {
        uint64_t value = 0;
        if ((w[i] != "MCGCAP" && w[i] != "APICID" && w[i] != "SOCKETID") || i + 1 >= w.size() ||
            !hex_value(w[i + 1], value))
          fail_field(std::string(w[i]), i + 1 < w.size() ? w[i + 1] : "", "a hex value after MCGCAP, APICID or SOCKETID");
        if (w[i] == "SOCKETID") {
          if (value > 255) fail_field("SOCKETID", w[i + 1], "a socket number up to 0xff");
          record_.socket = value;
        }
      }
      return;
    }
    // Decoded lines mcelog prints for memory controllers (Nehalem and
    // later: the channel and DIMM of the error) and its SMBIOS decoding.
    if (const auto v = after(text, "Memory channel ID of error:")) record_.channel = small_number("channel ID", *v);
    else if (const auto d = after(text, "Memory DIMM ID of error:")) record_.dimm = small_number("DIMM ID", *d);
    else if (const auto l = after(text, "Device Locator:")) record_.label = trim(*l);
    // Other lines (decoded text, mcelog's own messages) are not read.
  }

  void finish(size_t end_line) {
    line_ = end_line;
    close();
  }

  std::vector<MemoryErrorEvent> take() { return std::move(out_); }

 private:
  static std::optional<std::string_view> after(std::string_view text, std::string_view prefix) {
    if (!text.starts_with(prefix)) return std::nullopt;
    return text.substr(prefix.size());
  }

  int64_t small_number(const char* what, std::string_view text) {
    uint64_t v = 0;
    const std::string t = trim(text);
    if (!number(std::string_view(t), v) || v > 255) fail_field(what, t, "a number 0..255");
    field();
    return static_cast<int64_t>(v);
  }

  [[noreturn]] void fail_field(const std::string& field, std::string_view value, const char* expected) const {
    fail(fmt::format("{}:{}", source_, line_),
         fmt::format("mcelog field {}: '{}' is not {}", field, std::string(value.substr(0, 64)), expected));
  }

  // A line of a record's body: opens a record when none is (its first
  // lines cut off: the CPU/BANK check names it).
  void field() {
    if (!record_.open) open_record();
    record_.has_fields = true;
  }

  void open_record() {
    record_ = McelogRecord{};
    record_.first_line = line_;
    record_.open = true;
  }

  void begin() {
    if (record_.open && !record_.has_fields) return;  // "Hardware event..." then "MCE n": one record
    close();
    open_record();
  }

  void close() {
    if (!record_.open) return;
    const McelogRecord r = std::move(record_);
    record_ = McelogRecord{};
    const std::string where = fmt::format("{}:{}", source_, r.first_line);
    const char* missing = !r.cpu ? "its 'CPU n BANK n' line" : !r.status ? "its 'STATUS ... MCGSTATUS ...' line"
                        : !r.time_s ? "its 'TIME <epoch seconds>' line" : nullptr;
    if (missing != nullptr)
      fail(where, fmt::format("the mcelog record starting here ends without {} (cut short?)", missing));
    ++summary_.records;
    const uint64_t status = *r.status;
    if ((status & kStatusVal) == 0) {
      ++summary_.not_valid;
      return;
    }
    if (!r.bank || !memory_controller_error(status)) {
      ++summary_.not_memory;
      return;
    }
    if ((status & kStatusAddrv) != 0 && !r.address)
      fail(where, "the record's STATUS has ADDRV (bit 58) set but it has no ADDR line");
    MemoryErrorEvent e;
    e.source = where;
    e.time_ns = *r.time_s * 1'000'000'000ull;
    e.corrected = (status & kStatusUc) == 0;
    e.controller = static_cast<int64_t>(r.socket.value_or(0));
    const uint64_t channel = status & 0xf;
    e.layer[0] = r.channel ? static_cast<int64_t>(*r.channel) : channel == 0xf ? -1 : static_cast<int64_t>(channel);
    e.layer[1] = r.dimm ? static_cast<int64_t>(*r.dimm) : -1;
    e.dimm = dimm_key(e.controller, e.layer[0], e.layer[1], e.layer[2]);
    if ((status & kStatusAddrv) != 0 && *r.address != 0) e.address = r.address;
    e.label = r.label;
    if (out_.size() == kMaxLogEvents) fail(source_, fmt::format("more than {} events", kMaxLogEvents));
    out_.push_back(std::move(e));
  }

  std::string source_;
  McelogSummary& summary_;
  McelogRecord record_;
  size_t line_ = 0;
  std::vector<MemoryErrorEvent> out_;
};

}  // namespace

std::vector<MemoryErrorEvent> read_mcelog_log(const std::string& path, McelogSummary* summary) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot open");
  return read_mcelog_log(in, path, summary);
}

std::vector<MemoryErrorEvent> read_mcelog_log(std::istream& in, const std::string& source, McelogSummary* summary) {
  McelogSummary local;
  McelogReader reader(source, summary != nullptr ? *summary : local);
  std::string line;
  size_t number_of_line = 0;
  while (std::getline(in, line)) reader.line(line, ++number_of_line);
  if (in.bad()) fail(source, "read error");
  reader.finish(number_of_line);
  return reader.take();
}

}  // namespace crashtwin::replay
