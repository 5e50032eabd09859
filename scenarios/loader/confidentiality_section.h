// Reads the scenario's `confidentiality:` section (schema.h
// ConfidentialitySettings):
//
//   confidentiality:
//     mode: seal                       # redact | seal
//     secret:                          # host physical ranges, page aligned
//       - {address: 0x4000000, size: "64 KiB"}
//     registers: true                  # register contents are secret too (default false)
//     operator_public_key: operator.pub  # seal only: key file (relative to the scenario) or 64 hex digits
//
// Every problem is an error at its file:line:column naming the field.
#pragma once

#include <filesystem>

#include "scenarios/loader/yaml_fields.h"
#include "scenarios/schema/scenario.h"

namespace crashtwin::scenario {

void read_confidentiality(MapReader& root, Scenario& s, const std::filesystem::path& base_dir);

}  // namespace crashtwin::scenario
