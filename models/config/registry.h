// Model kinds registered by name ("dram", "dma", "cpu_cluster"...), each
// with a factory the board calls for every instance its description lists.
// Registration is static: a model's .cpp says
//
//   CRASHTWIN_REGISTER_MODEL("disk", ComponentClass::disk,
//                            "queue-based block device", Disk);
//
// and its class has a constructor Disk(sc_core::sc_module_name, const ModelContext&).
// (The models library is linked whole-archive so registrars are never
// dropped; see models/CMakeLists.txt.)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <systemc>

#include "models/config/params.h"
#include "models/core/model.h"
#include "platform/core/types.h"

namespace crashtwin {

// What a model's constructor gets besides its name.
struct ModelContext {
  ParamScope params;          // the instance's subtree: "board.disk0"
  uint64_t board_seed = 0;    // derive a stream: RngStream(board_seed, name())
  uint32_t first_instance = 0;  // ComponentId::instance of unit 0 (disk1 -> 1)
  uint64_t memory_base = 0;   // host DRAM range (for traffic generators)
  uint64_t memory_size = 0;
};

using ModelFactory = std::function<std::unique_ptr<Model>(sc_core::sc_module_name, const ModelContext&)>;

struct RegisteredModel {
  std::string name;
  std::optional<ComponentClass> component_class;  // what its units are, if any
  std::string description;
  ModelFactory make;
};

class ModelRegistry {
 public:
  static ModelRegistry& instance();
  // Throws ConfigError on a duplicate kind.
  void add(RegisteredModel kind);
  const RegisteredModel* find(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted

 private:
  std::vector<RegisteredModel> kinds_;
};

namespace detail {
struct ModelRegistrar {
  explicit ModelRegistrar(RegisteredModel kind) { ModelRegistry::instance().add(std::move(kind)); }
};
}  // namespace detail

#define CRASHTWIN_MODEL_CONCAT2(a, b) a##b
#define CRASHTWIN_MODEL_CONCAT(a, b) CRASHTWIN_MODEL_CONCAT2(a, b)
#define CRASHTWIN_REGISTER_MODEL(kind_name, component_cls, description_text, Type)                         \
  static const ::crashtwin::detail::ModelRegistrar CRASHTWIN_MODEL_CONCAT(model_registrar_, __LINE__)( \
      ::crashtwin::RegisteredModel{kind_name, component_cls, description_text,                                 \
                             [](sc_core::sc_module_name n, const ::crashtwin::ModelContext& c)           \
                                 -> std::unique_ptr<::crashtwin::Model> { return std::make_unique<Type>(n, c); }})

}  // namespace crashtwin
