#include "platform/hal/mmio_bus.h"

#include "platform/cper/byte_order.h"

namespace crashtwin {

Status read_register(MmioBus& bus, uint64_t address, uint64_t& value) {
  std::byte b[8] = {};
  const Status s = bus.read(address, b);
  value = ok(s) ? le::load_u64(b, 0) : 0;
  return s;
}

Status write_register(MmioBus& bus, uint64_t address, uint64_t value) {
  std::byte b[8];
  le::store_u64(b, 0, value);
  return bus.write(address, b);
}

}  // namespace crashtwin
