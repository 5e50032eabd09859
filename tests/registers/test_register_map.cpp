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

// One register "r<i>" of a random map, as a YAML flow mapping left open
// (fields may follow).
std::string fmt_reg(size_t i, uint64_t offset, uint32_t width, uint32_t count, uint64_t stride) {
  std::string r = "      - {name: r" + std::to_string(i) + ", offset: " + std::to_string(offset) +
                  ", width: " + std::to_string(width) + ", access: rw";
  if (count > 1) r += ", count: " + std::to_string(count) + ", stride: " + std::to_string(stride);
  return r;
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

// Property: any map of non-overlapping registers and fields reads back as
// written, and moving one register onto another's bytes is refused.
TEST_CASE("random register maps read back exactly, and an overlap planted in one is refused") {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&](uint64_t n) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state % n;
  };
  for (int trial = 0; trial < 200; ++trial) {
    struct Spec {
      uint64_t offset;
      uint32_t width;
      uint32_t count;
      uint64_t stride;
      std::vector<std::pair<unsigned, unsigned>> fields;  // msb, lsb
    };
    std::vector<Spec> specs;
    uint64_t cursor = 0;
    const int registers = 1 + static_cast<int>(next(8));
    for (int r = 0; r < registers; ++r) {
      Spec s;
      s.width = 1u << next(4);
      cursor = (cursor + next(3) * s.width + s.width - 1) / s.width * s.width;  // a gap, aligned
      s.offset = cursor;
      s.count = next(4) == 0 ? 2 + static_cast<uint32_t>(next(4)) : 1;
      s.stride = s.count > 1 ? s.width * (1 + next(3)) : 0;
      cursor = s.offset + (s.count > 1 ? (s.count - 1) * s.stride : 0) + s.width;
      for (unsigned bit = 0; bit < s.width * 8;) {
        const unsigned len = 1 + static_cast<unsigned>(next(6));
        if (bit + len > s.width * 8 || next(3) == 0) break;
        s.fields.push_back({bit + len - 1, bit});
        bit += len + static_cast<unsigned>(next(3));
      }
      specs.push_back(std::move(s));
    }
    auto yaml = [&](const std::vector<Spec>& list) {
      std::string regs;
      for (size_t i = 0; i < list.size(); ++i) {
        const Spec& s = list[i];
        regs += fmt_reg(i, s.offset, s.width, s.count, s.stride);
        if (!s.fields.empty()) {
          regs += ", fields: [";
          for (size_t f = 0; f < s.fields.size(); ++f)
            regs += (f ? ", " : "") + std::string("{name: f") + std::to_string(f) + ", bits: \"" +
                    std::to_string(s.fields[f].first) + ":" + std::to_string(s.fields[f].second) + "\"}";
          regs += "]";
        }
        regs += "}\n";
      }
      return map_with(regs);
    };
    const fs::path p = fs::temp_directory_path() / "crashtwin_regmap_property.yaml";
    std::ofstream(p) << yaml(specs);
    const RegisterMap map = read_register_map(p.string());
    const Block& b = map.blocks.at(0);
    REQUIRE(b.registers.size() == specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
      CHECK(b.registers[i].offset == specs[i].offset);
      CHECK(b.registers[i].width == specs[i].width);
      CHECK(b.registers[i].count == specs[i].count);
      CHECK(b.registers[i].fields.size() == specs[i].fields.size());
    }
    // The generated header defines one offset per register.
    const std::string h = c_header(map, "t.yaml");
    for (size_t i = 0; i < specs.size(); ++i)
      CHECK(h.find("#define T_B_R" + std::to_string(i) + (specs[i].count > 1 ? "(i)" : " ")) != std::string::npos);
    if (specs.size() >= 2) {
      std::vector<Spec> overlapping = specs;
      const size_t victim = 1 + next(specs.size() - 1);
      overlapping[victim].offset = specs[0].offset;
      overlapping[victim].width = specs[0].width;
      overlapping[victim].fields.clear();
      std::ofstream(p) << yaml(overlapping);
      CHECK_THROWS_AS(read_register_map(p.string()), MapError);
    }
  }
}
