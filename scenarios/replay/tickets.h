// Failure tickets: the failures operations recorded (a ticket system's
// export), replayed as failure injections beside a memory error log:
//
//   time,component,error
//   2023-11-14T22:13:50Z,memory.1,memory_uncorrectable
//   1700000040.5,CPU_SrcID#0_Ha#0_Chan#1_DIMM#0,memory_uncorrectable
//
// time: ISO 8601 with a zone (parse_iso8601_time) or decimal seconds since
//   the Unix epoch; rows in any order.
// component: whatever the caller's resolver accepts (the scenario loader: a
//   crashtwin id such as memory.1 or cpu.0, or a DIMM's label or key as the
//   replayed log names it).
// error: an ErrorType name (platform/core/types.h) reported against that
//   component's class.
// Read with the strict CSV reader: a malformed row raises csv::InputError
// naming file:line and the column.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/core/types.h"

namespace crashtwin::replay {

struct Ticket {
  uint64_t time_ns = 0;  // since the Unix epoch
  ComponentId component;
  ErrorType error = ErrorType::page_fault;
  size_t line = 0;  // in the file, for messages
};

// At most this many tickets (each becomes a failure injection).
inline constexpr size_t kMaxTickets = 10'000;

// The component a ticket's text names, or nullopt when it names none.
using TicketComponentResolver = std::function<std::optional<ComponentId>(std::string_view)>;

std::vector<Ticket> read_tickets(std::istream& in, const std::string& source, const TicketComponentResolver& resolve);
std::vector<Ticket> read_tickets_file(const std::string& path, const TicketComponentResolver& resolve);

}  // namespace crashtwin::replay
