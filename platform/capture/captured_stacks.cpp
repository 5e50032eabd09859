#include "platform/capture/captured_stacks.h"

#include "platform/capture/register_file.h"
#include "platform/cper/vendor_sections.h"

namespace crashtwin {
namespace {

constexpr size_t kMaxCores = 256;

struct CoreFrame {
  uint16_t core;
  uint64_t rsp, rbp;
};

size_t core_frames(const cper::RecordView& record, CoreFrame (&out)[kMaxCores]) {
  size_t n = 0;
  for (uint16_t i = 0; i < record.section_count(); ++i) {
    cper::SectionView s;
    if (record.section(i, s) != Status::ok || !(s.descriptor.section_type == cper::guids::kRegisterFile)) continue;
    size_t at = 0;
    while (at < s.body.size() && n < kMaxCores) {
      cper::DeviceBlock block;
      if (cper::decode_device_block(s.body.subspan(at), block) != Status::ok) break;
      CoreRegisterFile regs;
      if (block.component.cls == ComponentClass::cpu && decode_register_file(block.payload, regs))
        out[n++] = {block.component.instance, regs.rsp(), regs.gpr[Gpr::rbp]};
      at += cper::kDeviceBlockHeaderBytes + block.payload.size();
    }
  }
  return n;
}

}  // namespace

Status captured_kernel_stacks(const cper::RecordView& record, std::span<CapturedStack> out, size_t& count) {
  count = 0;
  CoreFrame cores[kMaxCores];
  const size_t core_count = core_frames(record, cores);
  for (uint16_t i = 0; i < record.section_count(); ++i) {
    cper::SectionView s;
    if (record.section(i, s) != Status::ok || !(s.descriptor.section_type == cper::guids::kMemorySnapshot)) continue;
    size_t at = 0;
    while (at < s.body.size()) {
      cper::MemorySnapshot snap;
      if (cper::decode_memory_snapshot(s.body.subspan(at), snap) != Status::ok) break;
      at += cper::kMemorySnapshotHeaderBytes + snap.data.size();
      const uint32_t size = snap.requested_bytes;
      if (snap.purpose != cper::SnapshotPurpose::stack || size < kMinKernelStackBytes || snap.address % size != 0 ||
          snap.data.size() != size)
        continue;
      if (count == out.size()) return Status::truncated;
      CapturedStack& c = out[count++];
      c = CapturedStack{};
      c.base = snap.address;
      c.stack_bytes = size;
      c.usage = stack_usage(snap.data);
      for (size_t k = 0; k < core_count && !c.core_known; ++k) {
        if (cores[k].rsp < c.base || cores[k].rsp >= c.base + size) continue;
        c.core_known = true;
        c.core = cores[k].core;
        c.rsp = cores[k].rsp;
        c.rbp = cores[k].rbp;
        c.depth_bytes = c.base + size - c.rsp;
        c.frame_count = static_cast<uint32_t>(walk_stack_frames(snap.data, c.base, c.rbp, c.frames));
      }
    }
  }
  return Status::ok;
}

}  // namespace crashtwin
