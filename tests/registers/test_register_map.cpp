// The register map's reader: the committed description reads, its
// generated files agree with each other, and a description that breaks a
// rule of a register map is refused naming file:line:column.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "registers/register_map.h"

using namespace crashtwin::regmap;
namespace fs = std::filesystem;

namespace {

const std::string kMap = std::string(CRASHTWIN_SOURCE_DIR) + "/registers/crashtwin.yaml";

// A one-block map with `registers` (YAML lines at 6 spaces) and a device.
std::string map_with(const std::string& registers, const std::string& device_blocks = "      - {block: b, offset: 0x0}\n") {
  return "prefix: T\ntitle: t\nrevision: 1\nblocks:\n  - name: b\n    title: B\n    registers:\n" + registers +
         "devices:\n  - name: d\n    title: D\n    blocks:\n" + device_blocks;
}

std::string refusal(const std::string& text) {
  const fs::path p = fs::temp_directory_path() / "crashtwin_regmap_test.yaml";
  std::ofstream(p) << text;
  try {
    read_register_map(p.string());
  } catch (const MapError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the committed register map reads and places every block the firmware uses") {
  const RegisterMap map = read_register_map(kMap);
  for (const char* b : {"unit", "core_timer", "core", "cpu_cluster", "dram", "io_device", "sensors", "sensor_channel",
                        "flash", "bmc", "dma_channel", "dma_window_table", "dma_window"})
    CHECK(map.find_block(b) != nullptr);
  const Block& unit = *map.find_block("unit");
  CHECK(unit.registers.front().name == "metric");
  CHECK(unit.registers.front().count == 32);
  CHECK(unit.windows.at(0).offset == 0x1000);
}

TEST_CASE("the generated header defines offsets, fields and placements") {
  const RegisterMap map = read_register_map(kMap);
  const std::string h = c_header(map, "registers/crashtwin.yaml");
  CHECK(h.find("#define CT_UNIT_ERR_STATUS UINT64_C(0x100)\n") != std::string::npos);
  CHECK(h.find("#define CT_UNIT_ERR_STATUS_VALID_MASK UINT64_C(0x1)\n") != std::string::npos);
  CHECK(h.find("#define CT_CPU_CLUSTER_QM_CTR_ERROR_MASK UINT64_C(0x8000000000000000)\n") != std::string::npos);
  CHECK(h.find("#define CT_CPU_CLUSTER_QM_EVTSEL_RMID_SHIFT 32u\n") != std::string::npos);
  CHECK(h.find("#define CT_DMA_WINDOW(i) (UINT64_C(0x1010) + (uint64_t)(i) * UINT64_C(0x20))\n") != std::string::npos);
  CHECK(h.find("#define CT_DMA_CHANNEL_MAX 64u\n") != std::string::npos);
  // A register whose reset the board decides has no reset macro.
  CHECK(h.find("CT_CPU_CLUSTER_CORES_RESET") == std::string::npos);
  const std::string m = model_declarations(map, "registers/crashtwin.yaml");
  CHECK(m.find("struct DmaChannelRegisters {") != std::string::npos);
  CHECK(m.find("    qm_ctr.read_changes_state();\n") != std::string::npos);
  const std::string d = markdown(map, "registers/crashtwin.yaml");
  CHECK(d.find("| 0x100 | ERR_STATUS | w1c | 0x0 |") != std::string::npos);
}

TEST_CASE("a register map that breaks a rule is refused at its line and column") {
  SECTION("an unknown key") {
    CHECK(refusal(map_with("      - {name: r, offset: 0, access: ro, colour: red}\n")) ==
          (fs::temp_directory_path() / "crashtwin_regmap_test.yaml").string() +
              ":8:42: unknown key 'colour' in a register");
  }
  SECTION("two registers on one byte") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 0, access: ro}\n      - {name: s, offset: 4, width: 4, access: ro}\n")),
               Catch::Contains(":9:9: s overlaps r in block b"));
  }
  SECTION("an unaligned register") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 4, access: ro}\n")), Catch::Contains("not aligned"));
  }
  SECTION("a field outside its register") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 0, width: 4, access: ro, fields: [{name: f, bits: \"32\"}]}\n")),
               Catch::Contains("bit 32 lies outside the 32-bit register r"));
  }
  SECTION("overlapping fields") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 0, access: ro, fields: [{name: f, bits: \"3:0\"}, {name: g, bits: \"4:2\"}]}\n")),
               Catch::Contains("field 'g' overlaps another field of r"));
  }
  SECTION("an access rule that does not exist") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 0, access: rx}\n")), Catch::Contains("access 'rx' is none of"));
  }
  SECTION("a name that would not make a macro") {
    CHECK_THAT(refusal(map_with("      - {name: Err-Status, offset: 0, access: ro}\n")), Catch::Contains("is not a name"));
  }
  SECTION("a repeated block longer than its stride") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 0x10, access: ro}\n",
                                "      - {block: b, offset: 0x0, stride: 0x10}\n")),
               Catch::Contains("more than the stride"));
  }
  SECTION("two blocks of a device on one register") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 0, access: ro}\n",
                                "      - {block: b, offset: 0x0}\n      - {block: b, offset: 0x4}\n")),
               Catch::Contains("in device d, b.r overlaps b.r"));
  }
  SECTION("a placement of a block that does not exist") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 0, access: ro}\n", "      - {block: c, offset: 0x0}\n")),
               Catch::Contains("no block named 'c'"));
  }
  SECTION("a negative offset or a reset that does not fit") {
    CHECK_THAT(refusal(map_with("      - {name: r, offset: -8, access: ro}\n")), Catch::Contains("not a non-negative integer"));
    CHECK_THAT(refusal(map_with("      - {name: r, offset: 0, width: 1, access: ro, reset: 0x100}\n")),
               Catch::Contains("does not fit the width"));
  }
  SECTION("malformed YAML") {
    CHECK_THAT(refusal("prefix: [\n"), Catch::Contains("crashtwin_regmap_test.yaml:"));
  }
}
