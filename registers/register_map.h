// The register map description (registers/crashtwin.yaml) as data, its
// reader and the three files generated from it. The reader checks what a
// register map must hold (names, alignment, no two registers on one byte,
// fields inside their register) and names file:line:column for what does not.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace crashtwin::regmap {

struct MapError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Access { ro, rw, w1c, wo };
const char* to_string(Access access);

struct Field {
  std::string name;
  unsigned lsb = 0, msb = 0;
  std::string description;
};

struct Register {
  std::string name;
  uint64_t offset = 0;
  uint32_t width = 8;   // bytes
  uint32_t count = 1;   // > 1: an array, element i at offset + i * stride
  uint64_t stride = 0;
  Access access = Access::rw;
  std::optional<uint64_t> reset = 0;  // nullopt: the board's configuration decides
  bool read_has_side_effect = false;
  std::string description;
  std::vector<Field> fields;
};

struct Window {
  std::string name;
  uint64_t offset = 0, size = 0;
  std::string description;
};

struct Block {
  std::string name, title, description;
  std::vector<Register> registers;
  std::vector<Window> windows;
};

struct Placement {
  std::string block;
  uint64_t offset = 0;
  uint64_t stride = 0;  // 0: one instance
  uint32_t count = 0;   // repeated blocks: the most there can be (0: the board decides)
  std::string description;
};

struct Device {
  std::string name, title, description;
  std::vector<Placement> placements;
};

struct RegisterMap {
  std::string prefix, title;
  uint32_t revision = 0;
  std::vector<Block> blocks;
  std::vector<Device> devices;
  const Block* find_block(const std::string& name) const;
};

// Reads and checks a description; throws MapError "file:line:column: why".
RegisterMap read_register_map(const std::string& path);

// The generated files. `source` is the description's path as the
// generated files name it.
std::string c_header(const RegisterMap& map, const std::string& source);
std::string model_declarations(const RegisterMap& map, const std::string& source);
std::string markdown(const RegisterMap& map, const std::string& source);

}  // namespace crashtwin::regmap
