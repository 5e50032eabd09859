#include "models/flash/flash.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "models/core/tlm_types.h"

namespace crashtwin {

Flash::Flash(sc_core::sc_module_name name, const ModelContext& context)
    : Model(name),
      in("in"),
      capacity_(param<uint64_t>(context.params, "capacity", ParamKind::size, 1ull << 20, "ROM capacity", 4096,
                                1ull << 30)),
      read_latency_(param<sc_core::sc_time>(context.params, "read_latency", ParamKind::duration, ns(100),
                                            "latency of a ROM read")),
      regs_(std::string(name) + ".regs") {
  const std::string path = param<std::string>(context.params, "model_path", ParamKind::text, std::string(),
                                               "failure-model blob installed at power-on (empty: none)");
  in.register_b_transport(this, &Flash::b_transport);
  in.register_transport_dbg(this, &Flash::transport_dbg);
  rom_regs_.length.on_read([this] { return uint64_t{blob_.size()}; });
  rom_regs_.generation.on_read([this] { return generation_; });
  regs_.add_window("blob", flash_regs::kBlob, capacity_, [this](uint64_t offset, std::span<std::byte> out) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = offset + i < blob_.size() ? blob_[offset + i] : std::byte{0xFF};
  });
  if (!path.empty()) {
    std::ifstream file(path, std::ios::binary);
    if (!file) context.params.fail("model_path", fmt::format("cannot open '{}'", path));
    std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::vector<std::byte> blob(bytes.size());
    std::memcpy(blob.data(), bytes.data(), bytes.size());
    if (blob.size() > capacity_)
      context.params.fail("model_path", fmt::format("'{}' has {} bytes, more than the capacity", path, blob.size()));
    install(blob);
  }
}

void Flash::install(std::span<const std::byte> blob) {
  if (blob.size() > capacity_)
    throw ConfigError(fmt::format("{}: model blob of {} bytes exceeds capacity {}", name(), blob.size(), capacity_));
  blob_.assign(blob.begin(), blob.end());
  ++generation_;
}

void Flash::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  regs_.transport(tx);
  delay += read_latency_;
}

CRASHTWIN_REGISTER_MODEL("flash", std::nullopt, "ROM with the failure-model blob and its generation", Flash);

}  // namespace crashtwin
