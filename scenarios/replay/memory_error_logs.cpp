#include "scenarios/replay/memory_error_logs.h"

#include <sqlite3.h>

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

// A DIMM's key from its controller and EDAC layers (what rasdaemon stores and
// the kernel prints), so both formats name one DIMM the same way.
std::string dimm_key(int64_t mc, int64_t top, int64_t middle, int64_t lower) {
  return fmt::format("mc{} {}:{}:{}", mc, top, middle, lower);
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
  if (text.size() != 25 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':' || text[19] != ' ' || (text[20] != '+' && text[20] != '-'))
    return std::nullopt;
  int64_t year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0, zone_h = 0, zone_m = 0;
  if (!number(text.substr(0, 4), year) || !number(text.substr(5, 2), month) || !number(text.substr(8, 2), day) ||
      !number(text.substr(11, 2), hour) || !number(text.substr(14, 2), minute) ||
      !number(text.substr(17, 2), second) || !number(text.substr(21, 2), zone_h) ||
      !number(text.substr(23, 2), zone_m))
    return std::nullopt;
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 || second > 60 ||
      zone_h > 23 || zone_m > 59)
    return std::nullopt;
  const int64_t zone = (text[20] == '-' ? -1 : 1) * static_cast<int64_t>(zone_h * 3600 + zone_m * 60);
  const int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - zone;
  // Nanoseconds since 1970 fit 64 bits until 2554-07-21.
  if (seconds < 0 || static_cast<uint64_t>(seconds) > kMaxLogSeconds) return std::nullopt;
  return static_cast<uint64_t>(seconds) * 1'000'000'000ull;
}

std::vector<MemoryErrorEvent> read_rasdaemon_db(const std::string& path) {
  sqlite3* raw = nullptr;
  // Read only, and never created: a missing file is an error, not an empty database.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, SqliteClose> db(raw);
  if (rc != SQLITE_OK) fail(path, fmt::format("cannot open as an SQLite database ({})", sqlite3_errstr(rc)));
  sqlite3_stmt* raw_stmt = nullptr;
  const char* sql =
      "SELECT id, timestamp, err_count, err_type, mc, top_layer, middle_layer, lower_layer, address "
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
  static const std::regex line_re(R"(^\[\s*(\d+)\.(\d{1,9})\]\s+EDAC MC(\d+): (\d+) (CE|UE) [^(]*\((.*)\)\s*$)");
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
    std::string fields = m[6].str();
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

}  // namespace crashtwin::replay
