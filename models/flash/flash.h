// Flash: the ROM holding the failure-model blob the agent loads. The host
// reads it over TLM; GENERATION increments whenever a newer blob is
// installed (Board::update_model_blob), so the agent can notice it.
//
// Parameters: capacity (size), model_path (file loaded at construction;
//   empty: no model provisioned)
// Sockets: in
// Registers: the register map's `flash` block (docs/registers.md): LENGTH
//   (0 = no model), GENERATION, the BLOB window (capacity bytes)
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <tlm_utils/simple_target_socket.h>

#include "models/config/registry.h"
#include "models/core/model.h"
#include "models/core/register.h"
#include "models/regs/register_blocks.h"

namespace crashtwin {

namespace flash_regs {  // the register map's flash block (docs/registers.md)
inline constexpr uint64_t kLength = CT_FLASH_LENGTH, kGeneration = CT_FLASH_GENERATION, kBlob = CT_FLASH_BLOB;
}

class Flash : public Model {
 public:
  tlm_utils::simple_target_socket<Flash> in;

  Flash(sc_core::sc_module_name name, const ModelContext& context);

  TargetSocket* mmio_target() override { return &in; }
  uint64_t mmio_size() const override { return flash_regs::kBlob + capacity_; }

  // Installs a blob (throws ConfigError when larger than the capacity).
  void install(std::span<const std::byte> blob);
  std::span<const std::byte> blob() const { return blob_; }
  uint64_t generation() const { return generation_; }

 private:
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& tx) { return regs_.debug_transport(tx); }
  uint64_t capacity_;
  sc_core::sc_time read_latency_;
  std::vector<std::byte> blob_;
  uint64_t generation_ = 0;
  RegisterBank regs_;
  regs::FlashRegisters rom_regs_{regs_, CT_FLASH_REGS, ""};
};

}  // namespace crashtwin
