#include "platform/hal/mmio_bus.h"

namespace crashtwin {

Status read_register(MmioBus& bus, uint64_t address, uint64_t& value) {
  std::byte b[8] = {};
  const Status s = bus.read(address, b);
  value = 0;
  for (int i = 0; i < 8; ++i) value |= uint64_t{static_cast<uint8_t>(b[i])} << (8 * i);
  return s;
}

Status write_register(MmioBus& bus, uint64_t address, uint64_t value) {
  std::byte b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::byte>(value >> (8 * i));
  return bus.write(address, b);
}

}  // namespace crashtwin
