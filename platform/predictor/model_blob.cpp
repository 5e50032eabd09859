#include "platform/predictor/model_blob.h"

#include <bit>
#include <cmath>

#include "platform/core/crc32c.h"
#include "platform/cper/byte_order.h"

namespace crashtwin {
namespace {

// Header field offsets (docs/model-format.md).
constexpr size_t kOffMagic = 0, kOffVersion = 4, kOffHeaderBytes = 6, kOffTotalLength = 8, kOffGeneration = 12,
                 kOffHorizon = 16, kOffFeatureSet = 24, kOffClassCount = 26, kOffWindowMs = 28;
// Section header offsets, relative to the section.
constexpr size_t kSecClass = 0, kSecKind = 1, kSecFeatures = 2, kSecPayloadBytes = 4;
constexpr size_t kCrcBytes = 4;

size_t logistic_payload_bytes(size_t features) { return (3 * features + 2) * sizeof(float); }

float load_f32(std::span<const std::byte> in, size_t offset) { return std::bit_cast<float>(le::load_u32(in, offset)); }
void store_f32(std::span<std::byte> out, size_t offset, float v) { le::store_u32(out, offset, std::bit_cast<uint32_t>(v)); }

// The rules a class model must satisfy, for both directions.
bool valid_class(const ClassModel& m) {
  if (m.kind == ModelKind::none) return true;
  if (m.kind != ModelKind::logistic || m.feature_count == 0 || m.feature_count > kMaxFeatures) return false;
  for (size_t f = 0; f < m.feature_count; ++f)
    if (!std::isfinite(m.mean[f]) || !std::isfinite(m.weight[f]) || !std::isfinite(m.scale[f]) || !(m.scale[f] > 0.0f))
      return false;
  return std::isfinite(m.bias) && m.threshold >= 0.0f && m.threshold <= 1.0f;
}

Status parse_section(std::span<const std::byte> sec, size_t payload_bytes, ClassModel& out) {
  ClassModel m;
  m.kind = static_cast<ModelKind>(le::load_u8(sec, kSecKind));
  m.feature_count = le::load_u8(sec, kSecFeatures);
  if (m.kind == ModelKind::none) return payload_bytes == 0 ? (out = m, Status::ok) : Status::corrupt;
  if (m.kind != ModelKind::logistic) return Status::unsupported;
  if (m.feature_count == 0 || m.feature_count > kMaxFeatures) return Status::corrupt;
  if (payload_bytes != logistic_payload_bytes(m.feature_count)) return Status::corrupt;
  const auto p = sec.subspan(kModelSectionHeaderBytes);
  const size_t n = m.feature_count;
  for (size_t f = 0; f < n; ++f) {
    m.mean[f] = load_f32(p, 4 * f);
    m.scale[f] = load_f32(p, 4 * (n + f));
    m.weight[f] = load_f32(p, 4 * (2 * n + f));
  }
  m.bias = load_f32(p, 12 * n);
  m.threshold = load_f32(p, 12 * n + 4);
  if (!valid_class(m)) return Status::corrupt;
  out = m;
  return Status::ok;
}

}  // namespace

size_t encoded_model_size(const FailureModel& model) {
  size_t bytes = kModelHeaderBytes + kCrcBytes;
  for (const ClassModel& c : model.classes)
    bytes += kModelSectionHeaderBytes + (c.kind == ModelKind::logistic ? logistic_payload_bytes(c.feature_count) : 0);
  return bytes;
}

Status parse_model(std::span<const std::byte> blob, FailureModel& out) {
  if (blob.size() < kModelHeaderBytes + kCrcBytes) return Status::truncated;
  if (le::load_u32(blob, kOffMagic) != kModelMagic) return Status::corrupt;
  const uint16_t version = le::load_u16(blob, kOffVersion);
  if (version < 1 || version > kModelFormatVersion) return Status::unsupported;
  const size_t total = le::load_u32(blob, kOffTotalLength);
  const size_t header = le::load_u16(blob, kOffHeaderBytes);
  if (total < kModelHeaderBytes + kCrcBytes || total > kMaxModelBlobBytes) return Status::corrupt;
  if (total > blob.size()) return Status::truncated;
  if (header != kModelHeaderBytes) return Status::corrupt;
  const auto body = blob.first(total - kCrcBytes);
  if (crc32c(body) != le::load_u32(blob, total - kCrcBytes)) return Status::corrupt;

  FailureModel m;
  m.generation = le::load_u32(blob, kOffGeneration);
  m.horizon_ns = le::load_u64(blob, kOffHorizon);
  m.feature_set_version = le::load_u16(blob, kOffFeatureSet);
  if (version >= 2) m.window_ns = le::load_u32(blob, kOffWindowMs) * kModelWindowUnitNs;
  const size_t classes = le::load_u8(blob, kOffClassCount);
  if (m.horizon_ns == 0 || classes > kComponentClassCount) return Status::corrupt;
  bool seen[kComponentClassCount] = {};
  size_t at = kModelHeaderBytes;
  for (size_t c = 0; c < classes; ++c) {
    if (body.size() - at < kModelSectionHeaderBytes) return Status::corrupt;
    const size_t cls = le::load_u8(body, at + kSecClass);
    const size_t payload = le::load_u32(body, at + kSecPayloadBytes);
    if (cls >= kComponentClassCount || seen[cls]) return Status::corrupt;
    if (payload > body.size() - at - kModelSectionHeaderBytes) return Status::corrupt;
    seen[cls] = true;
    const auto sec = body.subspan(at, kModelSectionHeaderBytes + payload);
    if (Status s = parse_section(sec, payload, m.classes[cls]); !ok(s)) return s;
    at += sec.size();
  }
  if (at != body.size()) return Status::corrupt;  // trailing bytes the format does not define
  out = m;
  return Status::ok;
}

Status encode_model(const FailureModel& model, std::span<std::byte> out, size_t& length) {
  if (model.horizon_ns == 0 || !model_window_representable(model.window_ns)) return Status::invalid_argument;
  for (const ClassModel& c : model.classes)
    if (!valid_class(c)) return Status::invalid_argument;
  const size_t total = encoded_model_size(model);
  if (out.size() < total) return Status::no_memory;

  for (size_t i = 0; i < kModelHeaderBytes; ++i) out[i] = std::byte{0};
  le::store_u32(out, kOffMagic, kModelMagic);
  le::store_u16(out, kOffVersion, model.window_ns == 0 ? uint16_t{1} : kModelFormatVersion);
  le::store_u16(out, kOffHeaderBytes, kModelHeaderBytes);
  le::store_u32(out, kOffTotalLength, static_cast<uint32_t>(total));
  le::store_u32(out, kOffGeneration, model.generation);
  le::store_u64(out, kOffHorizon, model.horizon_ns);
  le::store_u16(out, kOffFeatureSet, model.feature_set_version);
  le::store_u8(out, kOffClassCount, static_cast<uint8_t>(kComponentClassCount));
  if (model.window_ns != 0) le::store_u32(out, kOffWindowMs, static_cast<uint32_t>(model.window_ns / kModelWindowUnitNs));
  size_t at = kModelHeaderBytes;
  for (size_t cls = 0; cls < kComponentClassCount; ++cls) {
    const ClassModel& c = model.classes[cls];
    const size_t n = c.kind == ModelKind::logistic ? c.feature_count : 0;
    const size_t payload = c.kind == ModelKind::logistic ? logistic_payload_bytes(n) : 0;
    le::store_u8(out, at + kSecClass, static_cast<uint8_t>(cls));
    le::store_u8(out, at + kSecKind, static_cast<uint8_t>(c.kind));
    le::store_u8(out, at + kSecFeatures, static_cast<uint8_t>(n));
    le::store_u8(out, at + 3, 0);
    le::store_u32(out, at + kSecPayloadBytes, static_cast<uint32_t>(payload));
    const auto p = out.subspan(at + kModelSectionHeaderBytes);
    for (size_t f = 0; f < n; ++f) {
      store_f32(p, 4 * f, c.mean[f]);
      store_f32(p, 4 * (n + f), c.scale[f]);
      store_f32(p, 4 * (2 * n + f), c.weight[f]);
    }
    if (payload > 0) {
      store_f32(p, 12 * n, c.bias);
      store_f32(p, 12 * n + 4, c.threshold);
    }
    at += kModelSectionHeaderBytes + payload;
  }
  le::store_u32(out, at, crc32c(out.first(at)));
  length = total;
  return Status::ok;
}

}  // namespace crashtwin
