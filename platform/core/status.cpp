#include "platform/core/status.h"

namespace crashtwin {

const char* to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::invalid_argument: return "invalid_argument";
    case Status::no_memory: return "no_memory";
    case Status::out_of_range: return "out_of_range";
    case Status::not_found: return "not_found";
    case Status::corrupt: return "corrupt";
    case Status::unsupported: return "unsupported";
    case Status::truncated: return "truncated";
    case Status::busy: return "busy";
    case Status::io_error: return "io_error";
    case Status::double_free: return "double_free";
  }
  return "unknown";
}

}  // namespace crashtwin
