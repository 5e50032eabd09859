#include "scenarios/replay/tickets.h"

#include <fstream>

#include <fmt/format.h>

#include "scenarios/replay/csv_reader.h"
#include "scenarios/replay/memory_error_logs.h"
#include "scenarios/replay/telemetry_trace.h"

namespace crashtwin::replay {

std::vector<Ticket> read_tickets(std::istream& in, const std::string& source, const TicketComponentResolver& resolve) {
  enum Column : size_t { kTime, kComponent, kError };
  csv::Reader reader(in, source);
  reader.expect_header({"time", "component", "error"});
  std::vector<Ticket> out;
  while (reader.next()) {
    if (out.size() == kMaxTickets) reader.fail_line(fmt::format("more than {} tickets", kMaxTickets));
    Ticket t;
    t.line = reader.line();
    const std::string_view time = reader.text(kTime);
    const std::optional<uint64_t> iso = parse_iso8601_time(time);
    if (iso) t.time_ns = *iso;
    else if (!parse_decimal_seconds(time, t.time_ns))
      reader.fail(kTime, fmt::format("'{}' is neither ISO 8601 with a zone (2023-11-14T22:13:20Z) nor epoch seconds",
                                     time));
    const std::string_view component = reader.text(kComponent);
    const std::optional<ComponentId> id = resolve(component);
    if (!id)
      reader.fail(kComponent, fmt::format("'{}' names no component: expected a crashtwin id (memory.1, cpu.0, disk.0, "
                                          "network.0) or a DIMM label or key the replayed log names",
                                          component));
    t.component = *id;
    const std::string_view error = reader.text(kError);
    if (!parse(error, t.error)) {
      std::string names;
      for (size_t e = 0; e < kErrorTypeCount; ++e)
        names += std::string(e ? ", " : "") + to_string(static_cast<ErrorType>(e));
      reader.fail(kError, fmt::format("'{}' is not an error type; expected one of {}", error, names));
    }
    if (component_class_of(t.error) != t.component.cls)
      reader.fail(kError, fmt::format("{} is reported against a {} component, not {}", to_string(t.error),
                                      to_string(component_class_of(t.error)), component_name(t.component)));
    out.push_back(t);
  }
  return out;
}

std::vector<Ticket> read_tickets_file(const std::string& path, const TicketComponentResolver& resolve) {
  std::ifstream in(path);
  if (!in) throw csv::InputError(path + ": cannot open the tickets file");
  return read_tickets(in, path, resolve);
}

}  // namespace crashtwin::replay
