// CPER reader: a record DMA'd from a crashed host, and every section body
// decoder the BMC and the dashboard apply to it. Parsing must stay inside the
// bytes given (ASan checks that), report corrupt input through Status, and
// whatever a decoder accepts must encode and decode back to the same bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "platform/cper/capture_manifest.h"
#include "platform/cper/guid.h"
#include "platform/cper/memory_error.h"
#include "platform/cper/pcie_error.h"
#include "platform/cper/processor_generic.h"
#include "platform/cper/record.h"
#include "platform/cper/timestamp.h"
#include "platform/cper/vendor_sections.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin;
using namespace crashtwin::cper;

namespace {

using Buffer = std::array<std::byte, 512>;

// decode -> encode -> decode -> encode gives the same bytes twice: what the
// reader keeps of a body is exactly what the writer writes.
template <typename Section, typename Encode, typename Decode>
void check_round_trip(const Section& decoded, Encode encode, Decode decode) {
  Buffer first{}, second{};
  FUZZ_CHECK(encode(decoded, std::span<std::byte>(first)) == Status::ok);
  Section again{};
  FUZZ_CHECK(decode(std::span<const std::byte>(first), again) == Status::ok);
  FUZZ_CHECK(encode(again, std::span<std::byte>(second)) == Status::ok);
  FUZZ_CHECK(first == second);
}

void check_body(const SectionView& view) {
  namespace id = guids;
  const Guid& type = view.descriptor.section_type;
  const std::span<const std::byte> body = view.body;
  if (type == id::kCaptureManifest) {
    CaptureManifest m;
    if (decode_capture_manifest(body, m) == Status::ok) {
      FUZZ_CHECK(m.entry_count <= kMaxManifestEntries);
      for (uint16_t i = 0; i < m.entry_count; ++i) {
        FUZZ_CHECK(to_string(m.entries[i].source) != nullptr);
        FUZZ_CHECK(to_string(m.entries[i].outcome) != nullptr);
      }
      FUZZ_CHECK(to_string(m.error_type) != nullptr && to_string(m.component.cls) != nullptr);
      check_round_trip(m, encode_capture_manifest, decode_capture_manifest);
    }
  } else if (type == id::kPlatformMemory) {
    MemoryErrorSection s;
    if (decode_memory_error(body, s) == Status::ok) check_round_trip(s, encode_memory_error, decode_memory_error);
  } else if (type == id::kPcieError) {
    PcieErrorSection s;
    if (decode_pcie_error(body, s) == Status::ok) check_round_trip(s, encode_pcie_error, decode_pcie_error);
  } else if (type == id::kProcessorGeneric) {
    ProcessorGenericSection s;
    if (decode_processor_generic(body, s) == Status::ok) {
      check_round_trip(s, encode_processor_generic, decode_processor_generic);
    }
  } else if (type == id::kMemorySnapshot) {
    MemorySnapshot s;
    if (decode_memory_snapshot(body, s) == Status::ok) {
      FUZZ_CHECK(s.data.data() >= body.data() && s.data.data() + s.data.size() <= body.data() + body.size());
      FUZZ_CHECK(s.data.size() <= s.requested_bytes);
    }
  } else if (type == id::kSensorHistory) {
    SensorHistoryView h;
    if (decode_sensor_history(body, h) == Status::ok) {
      FUZZ_CHECK(h.entries.size() >= size_t{h.count} * kSensorEntryBytes);
      for (uint32_t i = 0; i < h.count; ++i) {
        SensorReading r;
        if (sensor_history_entry(h, i, r) == Status::ok) FUZZ_CHECK(to_string(r.metric) != nullptr);
      }
    }
  } else if (type == id::kRegisterFile || type == id::kIoQueueState || type == id::kErrorLog) {
    DeviceBlock b;
    if (decode_device_block(body, b) == Status::ok) {
      FUZZ_CHECK(b.payload.data() >= body.data() && b.payload.data() + b.payload.size() <= body.data() + body.size());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  RecordView record;
  Diagnostic diagnostic;
  const Status s = record.parse(bytes, &diagnostic);
  if (s != Status::ok) {
    FUZZ_CHECK(s == Status::corrupt || s == Status::unsupported);
    FUZZ_CHECK(diagnostic.status == s && diagnostic.what != nullptr && diagnostic.offset <= size);
    return 0;
  }
  const RecordHeader& h = record.header();
  FUZZ_CHECK(record.bytes().data() == bytes.data() && record.bytes().size() == h.record_length);
  FUZZ_CHECK(h.record_length <= size && h.section_count <= kMaxSectionsPerRecord);
  FUZZ_CHECK(to_string(h.severity) != nullptr);

  // The header and descriptors read back from what the writer would write.
  std::array<std::byte, kRecordHeaderBytes> header_bytes{};
  FUZZ_CHECK(encode_record_header(h, header_bytes) == Status::ok);
  RecordHeader again;
  FUZZ_CHECK(decode_record_header(header_bytes, again) == Status::ok);
  FUZZ_CHECK(std::memcmp(&again.record_id, &h.record_id, sizeof h.record_id) == 0);
  FUZZ_CHECK(again.record_length == h.record_length && again.section_count == h.section_count &&
             again.flags == h.flags && again.timestamp == h.timestamp && again.creator_id == h.creator_id);

  uint64_t seconds = 0;
  if (sim_seconds_from_timestamp(h.timestamp, seconds) && seconds < UINT64_MAX / 1'000'000'000) {
    uint64_t back = 0;
    FUZZ_CHECK(sim_seconds_from_timestamp(timestamp_from_sim_ns(seconds * 1'000'000'000), back) && back == seconds);
  }
  for (uint16_t i = 0; i < record.section_count(); ++i) {
    SectionView view;
    if (record.section(i, view) != Status::ok) continue;
    const std::byte* end = record.bytes().data() + record.bytes().size();
    FUZZ_CHECK(view.body.data() >= record.bytes().data() && view.body.data() + view.body.size() <= end);
    std::array<char, 40> text{};
    FUZZ_CHECK(format_guid(view.descriptor.section_type, text));
    FUZZ_CHECK(to_string(view.descriptor.severity) != nullptr);
    check_body(view);
  }
  SectionView out;
  FUZZ_CHECK(record.section(record.section_count(), out) == Status::out_of_range);
  return 0;
}
