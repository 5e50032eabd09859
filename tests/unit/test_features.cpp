#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "platform/predictor/features.h"
#include "platform/predictor/predictor.h"

using namespace crashtwin;

namespace {

constexpr uint64_t kPeriod = 100'000'000;  // 100 ms

// A CPU core warming at 10 °C/s with corrected errors accelerating: the
// interval ending at sample k adds k errors, i.e. rates 10, 20, 30, 40 /s.
MetricWindow warming_core(size_t samples, float alpha = 0.25f) {
  MetricWindow w;
  w.reset(ComponentClass::cpu, alpha);
  uint64_t corrected = 0;
  for (uint64_t k = 0; k < samples; ++k) {
    corrected += k;
    const uint64_t v[] = {500'000, 50'000 + 1'000 * k, 20'000, 5 * k, 1'000 * k, corrected};
    REQUIRE(w.push(k * kPeriod, v) == Status::ok);
  }
  return w;
}

size_t index_of(ComponentClass cls, std::string_view name) {
  const uint32_t i = feature_index(cls, name);
  if (i == feature_count(cls)) FAIL("no feature " << name);
  return i;
}

}  // namespace

TEST_CASE("every class's features fit the model capacity and read metrics of that class", "[features]") {
  for (size_t c = 0; c < kComponentClassCount; ++c) {
    const auto cls = static_cast<ComponentClass>(c);
    REQUIRE(feature_count(cls) > 0);
    REQUIRE(feature_count(cls) <= kMaxFeatures);
    for (const FeatureDef& d : feature_defs(cls)) {
      CHECK(component_class_of(d.metric) == cls);
      const bool counter_kind = d.kind == FeatureKind::rate || d.kind == FeatureKind::count ||
                                d.kind == FeatureKind::rate_slope || d.kind == FeatureKind::rate_recent ||
                                d.kind == FeatureKind::rate_long;
      if (counter_kind) CHECK(metric_is_counter(d.metric));
    }
  }
}

TEST_CASE("cpu features from a synthetic window have exact values", "[features]") {
  const MetricWindow w = warming_core(5);
  FeatureVector f;
  compute_features(w, f);
  const auto cls = ComponentClass::cpu;
  REQUIRE(f.count == feature_count(cls));
  CHECK(f.value[index_of(cls, "utilization_ewma")] == Approx(0.5));
  CHECK(f.value[index_of(cls, "temperature_c")] == Approx(54.0));
  CHECK(f.value[index_of(cls, "temperature_slope_c_per_s")] == Approx(10.0));
  CHECK(f.value[index_of(cls, "power_ewma_w")] == Approx(20.0));
  CHECK(f.value[index_of(cls, "exception_rate_per_s")] == Approx(50.0));
  CHECK(f.value[index_of(cls, "interrupt_rate_k_per_s")] == Approx(10.0));
  CHECK(f.value[index_of(cls, "corrected_errors_in_window")] == Approx(10.0));
  CHECK(f.value[index_of(cls, "corrected_error_rate_slope")] == Approx(100.0));
  // Rates over several windows. The newest quarter of the window's 0.4 s
  // holds the interval from 0.3 s: 4 errors in 0.1 s.
  CHECK(f.value[index_of(cls, "corrected_error_rate_recent_per_s")] == Approx(40.0));
  // The long rate: increases and seconds decaying with 16 windows of 15
  // intervals of 0.1 s (24 s) as their time constant.
  const double d = std::exp(-0.1 / 24.0);
  const double increase = 1 * d * d * d + 2 * d * d + 3 * d + 4;
  const double seconds = 0.1 * (d * d * d + d * d + d + 1);
  CHECK(f.value[index_of(cls, "corrected_error_rate_long_per_s")] == Approx(increase / seconds).epsilon(1e-6));
}

TEST_CASE("the first sample has no rate: rates are masked, not 0, and do not alarm at boot", "[features][gaps]") {
  // One sample: no interval, so no rate of any counter (the window's, its
  // newest quarter's or the long one). They are NaN, which the inference
  // masks; read as 0, a model weighing a low interrupt rate as a failing
  // core's sign called every core failing at the agent's first tick.
  const MetricWindow w = warming_core(1);
  REQUIRE(w.size() == 1);
  FeatureVector f;
  compute_features(w, f);
  const auto cls = ComponentClass::cpu;
  for (const FeatureDef& d : feature_defs(cls)) {
    const float v = f.value[index_of(cls, d.name)];
    INFO(d.name);
    if (d.kind == FeatureKind::rate || d.kind == FeatureKind::rate_recent || d.kind == FeatureKind::rate_long)
      CHECK(std::isnan(v));
    else
      CHECK(std::isfinite(v));
  }
  CHECK(f.value[index_of(cls, "corrected_errors_in_window")] == 0.0f);  // none seen: a count, not a rate
  CHECK(f.value[index_of(cls, "temperature_c")] == Approx(50.0));       // a gauge reads at once

  // A model that reads a quiet interrupt rate as failure: at boot the
  // rate is masked and the probability is the one at the rate's mean.
  FailureModel m;
  m.feature_set_version = kFeatureSetVersion;
  m.horizon_ns = 1;
  ClassModel& c = m.of(cls);
  c.kind = ModelKind::logistic;
  c.feature_count = static_cast<uint8_t>(feature_count(cls));
  for (size_t i = 0; i < c.feature_count; ++i) c.scale[i] = 1.0f;
  const size_t interrupts = index_of(cls, "interrupt_rate_k_per_s");
  c.bias = -5.0f;
  c.mean[interrupts] = 10.0f;  // thousands a second in service
  c.weight[interrupts] = -4.0f;
  const float at_boot = failure_probability(m, cls, f);
  CHECK(at_boot == Approx(1.0 / (1.0 + std::exp(5.0))));
  FeatureVector zero_rate = f;
  zero_rate.value[interrupts] = 0.0f;
  CHECK(failure_probability(m, cls, zero_rate) > 0.99f);  // what 0 would have said

  // The second sample gives every rate a value.
  const MetricWindow two = warming_core(2);
  compute_features(two, f);
  for (size_t i = 0; i < f.count; ++i) CHECK(std::isfinite(f.value[i]));
}

TEST_CASE("rates over several windows: the newest quarter, and a long rate that outlives the ring",
          "[features][windows]") {
  const size_t recent = index_of(ComponentClass::cpu, "corrected_error_rate_recent_per_s");
  const size_t rate_long = index_of(ComponentClass::cpu, "corrected_error_rate_long_per_s");
  const size_t count = index_of(ComponentClass::cpu, "corrected_errors_in_window");
  // 100 errors a second for 10 s, then none for 3 s: the 16-sample ring
  // (1.5 s) holds none of them, the long rate (24 s) still does.
  MetricWindow w;
  w.reset(ComponentClass::cpu, 0.25f);
  uint64_t corrected = 0;
  for (uint64_t k = 0; k <= 130; ++k) {
    if (k > 0 && k <= 100) corrected += 10;
    const uint64_t v[] = {500'000, 50'000, 20'000, 0, 0, corrected};
    REQUIRE(w.push(k * kPeriod, v) == Status::ok);
  }
  FeatureVector f;
  compute_features(w, f);
  CHECK(f.value[count] == 0.0f);
  CHECK(f.value[recent] == 0.0f);
  // Exactly: 1000 errors over the first 10 s, decayed by the 3 s since,
  // per the 13 sampled seconds each decayed likewise.
  const double d = std::exp(-0.1 / 24.0);
  double increase = 0, seconds = 0;
  for (int k = 1; k <= 130; ++k) {
    increase = increase * d + (k <= 100 ? 10 : 0);
    seconds = seconds * d + 0.1;
  }
  CHECK(f.value[rate_long] == Approx(increase / seconds).epsilon(1e-6));
  CHECK(f.value[rate_long] > 50.0f);

  // The errors resume at 200 a second for the last 0.4 s: the window's
  // newest quarter (0.375 s of its 1.5 s: the intervals starting after
  // 13.025 s, the last three) sees the new rate; its count, all four.
  for (uint64_t k = 131; k <= 134; ++k) {
    corrected += 20;
    const uint64_t v[] = {500'000, 50'000, 20'000, 0, 0, corrected};
    REQUIRE(w.push(k * kPeriod, v) == Status::ok);
  }
  compute_features(w, f);
  CHECK(f.value[recent] == Approx(200.0));
  CHECK(f.value[count] == 80.0f);
}

TEST_CASE("too little history gives zero slopes and masked rates, not garbage", "[features]") {
  FeatureVector f;
  compute_features(warming_core(1), f);
  CHECK(f.value[index_of(ComponentClass::cpu, "temperature_c")] == Approx(50.0));
  CHECK(f.value[index_of(ComponentClass::cpu, "temperature_slope_c_per_s")] == 0.0f);  // a level, no trend
  CHECK(std::isnan(f.value[index_of(ComponentClass::cpu, "exception_rate_per_s")]));   // no interval yet
  compute_features(warming_core(2), f);
  CHECK(f.value[index_of(ComponentClass::cpu, "corrected_error_rate_slope")] == 0.0f);
  for (size_t i = 0; i < f.count; ++i) CHECK(std::isfinite(f.value[i]));
}

TEST_CASE("the window keeps the newest samples and EWMAs remember the rest", "[features]") {
  MetricWindow w;
  w.reset(ComponentClass::memory, 0.5f);
  for (uint64_t k = 0; k < kWindowCapacity + 4; ++k) {
    const uint64_t v[] = {100 * k, 0, 0, 0, 40'000, 0, 0, 0, 0, 0, 0};
    REQUIRE(w.push(k * kPeriod, v) == Status::ok);
  }
  CHECK(w.size() == kWindowCapacity);
  CHECK(w.time_ns(0) == 4 * kPeriod);
  CHECK(w.value(0, 0) == 400);
  CHECK(w.value(kWindowCapacity - 1, 0) == 100 * (kWindowCapacity + 3));
  // EWMA with alpha 0.5 of 0,100,...,1900: lags the last value by
  // 100 * (1 - 0.5^19) (geometric series of the steps).
  CHECK(w.ewma(0) == Approx(1900.0 - 100.0 * (1.0 - std::pow(0.5, 19))));
}

TEST_CASE("a DIMM's error-bit features read its multi-DQ and multi-beat corrected errors since boot", "[features]") {
  // Feature set 6: totals, like the spread features, not the window's count:
  // a row fault that logged multi-beat errors an hour ago is still there.
  MetricWindow w;
  w.reset(ComponentClass::memory, 0.25f);
  for (uint64_t k = 0; k < 4; ++k) {
    uint64_t v[kMaxMetricsPerClass] = {};
    v[metric_slot(Metric::mem_corrected_errors)] = 10 * k;
    v[metric_slot(Metric::mem_ce_multi_dq)] = k;          // every tenth error in two DQs
    v[metric_slot(Metric::mem_ce_multi_beat)] = 5 * k;    // half of them across beats
    REQUIRE(w.push(k * kPeriod, std::span<const uint64_t>(v, metric_count(ComponentClass::memory))) == Status::ok);
  }
  REQUIRE(metric_count(ComponentClass::memory) == 11);
  CHECK(metric_slot(Metric::mem_ce_multi_dq) == 9);
  CHECK(metric_slot(Metric::mem_ce_multi_beat) == 10);
  FeatureVector f;
  compute_features(w, f);
  REQUIRE(f.count == feature_count(ComponentClass::memory));
  CHECK(f.value[index_of(ComponentClass::memory, "ce_multi_dq_total")] == 3.0f);
  CHECK(f.value[index_of(ComponentClass::memory, "ce_multi_beat_total")] == 15.0f);
  CHECK(f.value[index_of(ComponentClass::memory, "corrected_errors_in_window")] == 30.0f);
}

TEST_CASE("EWMA of a gauge follows alpha exactly", "[features]") {
  MetricWindow w;
  w.reset(ComponentClass::disk, 0.5f);
  const uint64_t latencies[] = {0, 100, 200};
  for (uint64_t k = 0; k < 3; ++k) {
    std::vector<uint64_t> v(metric_count(ComponentClass::disk));
    v[metric_slot(Metric::disk_latency)] = latencies[k];
    REQUIRE(w.push(k * kPeriod, v) == Status::ok);
  }
  CHECK(w.ewma(metric_slot(Metric::disk_latency)) == Approx(125.0));
}

TEST_CASE("a counter that goes backwards was reset and counts from zero", "[features]") {
  MetricWindow w;
  w.reset(ComponentClass::network, 0.25f);
  const uint64_t crc[] = {100, 104, 3};
  for (uint64_t k = 0; k < 3; ++k) {
    const uint64_t v[] = {0, 0, crc[k], 0, 0, 0};
    REQUIRE(w.push(k * kPeriod, v) == Status::ok);
  }
  FeatureVector f;
  compute_features(w, f);
  CHECK(f.value[index_of(ComponentClass::network, "crc_errors_in_window")] == Approx(7.0));
}

TEST_CASE("push refuses wrong value counts and time going backwards", "[features]") {
  MetricWindow w;
  w.reset(ComponentClass::cpu, 0.25f);
  const uint64_t five[] = {1, 2, 3, 4, 5};
  CHECK(w.push(0, five) == Status::invalid_argument);
  const uint64_t six[] = {1, 2, 3, 4, 5, 6};
  REQUIRE(w.push(10, six) == Status::ok);
  CHECK(w.push(10, six) == Status::invalid_argument);
  CHECK(w.push(5, six) == Status::invalid_argument);
  CHECK(w.size() == 1);
}

TEST_CASE("logistic inference matches the hand-computed sigmoid", "[predictor]") {
  FailureModel m;
  m.feature_set_version = kFeatureSetVersion;
  m.horizon_ns = 1;
  ClassModel& c = m.of(ComponentClass::cpu);
  c.kind = ModelKind::logistic;
  c.feature_count = static_cast<uint8_t>(feature_count(ComponentClass::cpu));
  for (size_t f = 0; f < c.feature_count; ++f) c.scale[f] = 1.0f;
  const size_t temp = index_of(ComponentClass::cpu, "temperature_c");
  const size_t errs = index_of(ComponentClass::cpu, "corrected_errors_in_window");
  c.mean[temp] = 50.0f;
  c.scale[temp] = 2.0f;
  c.weight[temp] = 0.5f;  // (54 - 50) / 2 * 0.5 = 1
  c.weight[errs] = 0.15f;  // 10 * 0.15 = 1.5
  c.bias = -3.0f;         // z = -0.5
  REQUIRE(check_compatible(m) == Status::ok);

  FeatureVector f;
  compute_features(warming_core(5), f);
  CHECK(failure_probability(m, ComponentClass::cpu, f) == Approx(1.0 / (1.0 + std::exp(0.5))));
  CHECK(failure_probability(m, ComponentClass::disk, f) == 0.0f);  // no disk model

  MetricWindow windows[2] = {warming_core(5), warming_core(2)};
  float p[2];
  REQUIRE(predict_all(m, windows, p) == Status::ok);
  CHECK(p[0] == Approx(1.0 / (1.0 + std::exp(0.5))));
  CHECK(p[1] < p[0]);

  c.feature_count = 3;
  CHECK(check_compatible(m) == Status::unsupported);
  c.feature_count = static_cast<uint8_t>(feature_count(ComponentClass::cpu));
  m.feature_set_version = kFeatureSetVersion + 1;
  CHECK(check_compatible(m) == Status::unsupported);
}

TEST_CASE("a model the firmware cannot use is refused with the mismatch named", "[predictor]") {
  FailureModel m;
  m.feature_set_version = kFeatureSetVersion;
  ClassModel& disk = m.of(ComponentClass::disk);
  disk.kind = ModelKind::logistic;
  disk.feature_count = static_cast<uint8_t>(feature_count(ComponentClass::disk));
  CHECK(find_mismatch(m).kind == ModelMismatch::Kind::none);
  char text[160];

  disk.feature_count = 3;
  const ModelMismatch count = find_mismatch(m);
  CHECK(count.kind == ModelMismatch::Kind::feature_count);
  CHECK(count.cls == ComponentClass::disk);
  describe(count, text);
  CHECK(std::string(text) == "the disk model has 3 features but feature set " + std::to_string(kFeatureSetVersion) +
                                 " has " + std::to_string(feature_count(ComponentClass::disk)));

  // The feature set is named first: a model of another set is retrained, not patched.
  m.feature_set_version = 5;
  const ModelMismatch set = find_mismatch(m);
  CHECK(set.kind == ModelMismatch::Kind::feature_set);
  CHECK(set.model_value == 5);
  describe(set, text);
  CHECK(std::string(text) ==
        "trained on feature set 5 but the firmware computes feature set " + std::to_string(kFeatureSetVersion));
  m.feature_set_version = 65535;
  describe(find_mismatch(m), text);
  CHECK(std::string(text).starts_with("trained on feature set 65535 but"));

  // A short buffer gets the text cut, still terminated; an empty one is left alone.
  char small[10];
  describe(set, small);
  CHECK(std::string(small) == "trained o");
  describe(set, std::span<char>(small, 0));
  CHECK(std::string(small) == "trained o");
}

TEST_CASE("extreme scores saturate to 0 and 1", "[predictor]") {
  FailureModel m;
  ClassModel& c = m.of(ComponentClass::memory);
  c.kind = ModelKind::logistic;
  c.feature_count = 1;
  c.scale[0] = 1.0f;
  c.weight[0] = 1.0f;
  FeatureVector f;
  f.count = 1;
  f.value[0] = 1e30f;
  CHECK(failure_probability(m, ComponentClass::memory, f) == 1.0f);
  f.value[0] = -1e30f;
  CHECK(failure_probability(m, ComponentClass::memory, f) == 0.0f);
}

TEST_CASE("a feature that could not be computed is masked at its mean, never read as 0", "[predictor][regression]") {
  // Two features; the second one goes missing. The probability is what the
  // first one alone says (the second at its mean contributes nothing); it
  // used to be 0 whatever the first one said.
  FailureModel m;
  ClassModel& c = m.of(ComponentClass::memory);
  c.kind = ModelKind::logistic;
  c.feature_count = 2;
  c.bias = -1.0f;
  c.mean[1] = 50.0f;
  c.scale[0] = c.scale[1] = 1.0f;
  c.weight[0] = 2.0f;
  c.weight[1] = 0.5f;
  FeatureVector f;
  f.count = 2;
  f.value[0] = 3.0f;
  f.value[1] = 50.0f;  // exactly its mean
  const float at_mean = failure_probability(m, ComponentClass::memory, f);
  CHECK(at_mean == Approx(1.0 / (1.0 + std::exp(-5.0))));
  for (float missing : {std::nanf(""), INFINITY, -INFINITY}) {
    f.value[1] = missing;
    const float p = failure_probability(m, ComponentClass::memory, f);
    CHECK(p == at_mean);
  }
  f.value[0] = f.value[1] = std::nanf("");
  CHECK(failure_probability(m, ComponentClass::memory, f) == Approx(1.0 / (1.0 + std::exp(1.0))));  // the bias alone
}

namespace {

// A memory window of 100 ms samples: eight with no corrected errors at
// `before_mc` m°C, then (when `outage_s` > 0) a sampling outage of that long,
// after which `burst` corrected errors arrive at once and the sensor reads
// `after_mc` for seven samples.
MetricWindow dimm_after_outage(double outage_s, uint64_t burst, uint64_t before_mc = 45'000,
                               uint64_t after_mc = 45'000) {
  MetricWindow w;
  w.reset(ComponentClass::memory, 0.25f);
  uint64_t t = 0, ce = 0;
  const auto push = [&](uint64_t mc) {
    const uint64_t spread = ce > 0 ? 1u : 0u;  // one row, bank and column
    const uint64_t v[] = {500'000, t * 10, ce, 0, mc, spread, spread, spread, 0, 0, 0};
    REQUIRE(w.push(t, v) == Status::ok);
  };
  for (int k = 0; k < 8; ++k) t += kPeriod, push(before_mc);
  t += static_cast<uint64_t>(outage_s * 1e9) + kPeriod;
  ce += burst;
  push(after_mc);
  for (int k = 0; k < 6; ++k) t += kPeriod, push(after_mc);
  return w;
}

}  // namespace

TEST_CASE("a burst delivered after a sampling outage is masked, not counted as the window's",
          "[features][gaps]") {
  const size_t count = index_of(ComponentClass::memory, "corrected_errors_in_window");
  const size_t slope = index_of(ComponentClass::memory, "corrected_error_rate_slope");
  // The same 200 errors between two regular samples: a real burst, counted.
  FeatureVector burst, masked, quiet;
  compute_features(dimm_after_outage(0.0, 200), burst);
  CHECK(burst.value[count] == 200.0f);
  // After a 30 s outage the interval is a gap: its 200 errors are masked,
  // and the features are those of a window that saw nothing.
  const MetricWindow after = dimm_after_outage(30.0, 200);
  CHECK(after.is_gap(after.size() - 7));
  for (size_t i = 1; i < after.size(); ++i)
    if (i != after.size() - 7) CHECK_FALSE(after.is_gap(i));
  compute_features(after, masked);
  compute_features(dimm_after_outage(30.0, 0), quiet);
  CHECK(masked.value[count] == 0.0f);
  CHECK(masked.value[slope] == quiet.value[slope]);
  CHECK(masked.value[index_of(ComponentClass::memory, "traffic_gb_per_s")] ==
        quiet.value[index_of(ComponentClass::memory, "traffic_gb_per_s")]);
  // The counters' EWMA does not average the burst in either, nor do the
  // rates over the window's newest quarter and over many windows.
  CHECK(after.ewma(metric_slot(Metric::mem_corrected_errors)) == 0.0);
  for (const char* name : {"corrected_error_rate_recent_per_s", "corrected_error_rate_long_per_s"}) {
    INFO(name);
    CHECK(masked.value[index_of(ComponentClass::memory, name)] == quiet.value[index_of(ComponentClass::memory, name)]);
  }
  CHECK(burst.value[index_of(ComponentClass::memory, "corrected_error_rate_long_per_s")] > 0.0f);
}

TEST_CASE("gaps need a few intervals to be judged: a young window has none", "[features][gaps]") {
  MetricWindow w;
  w.reset(ComponentClass::memory, 0.25f);
  const uint64_t times[] = {kPeriod, 2 * kPeriod, 60 * kPeriod};
  for (const uint64_t t : times) {
    const uint64_t v[] = {500'000, 0, t / kPeriod, 0, 45'000, 0, 0, 0, 0, 0, 0};
    REQUIRE(w.push(t, v) == Status::ok);
  }
  // Two intervals only: the long one is not called a gap.
  CHECK_FALSE(w.is_gap(1));
  CHECK_FALSE(w.is_gap(2));
  FeatureVector f;
  compute_features(w, f);
  CHECK(f.value[index_of(ComponentClass::memory, "corrected_errors_in_window")] == 59.0f);
}

TEST_CASE("a gauge's slope starts after the last gap: a sensor back hot after an outage is a level, not a rise",
          "[features][gaps]") {
  const size_t slope = index_of(ComponentClass::memory, "temperature_slope_c_per_s");
  const size_t level = index_of(ComponentClass::memory, "temperature_c");
  // Without an outage a step from 40 to 55 C inside the window is a rise.
  FeatureVector stepped, back_hot;
  compute_features(dimm_after_outage(0.0, 0, 40'000, 55'000), stepped);
  CHECK(stepped.value[slope] > 10.0f);
  // After a 30 s outage the readings before it are not joined to those
  // after: the slope is that of the last stretch (flat), the level is 55 C.
  const MetricWindow w = dimm_after_outage(30.0, 0, 40'000, 55'000);
  REQUIRE(w.is_gap(w.size() - 7));
  compute_features(w, back_hot);
  CHECK(back_hot.value[slope] == 0.0f);
  CHECK(back_hot.value[level] == Approx(55.0f));
  // And the gauge's EWMA restarts at the new level instead of averaging
  // readings from before the outage.
  CHECK(w.ewma(metric_slot(Metric::mem_temperature)) == Approx(55'000.0));
}

// A window with a span in time (MetricWindow::reset): the model's window
// reaches as far back at any sampling period.
namespace {

// A NIC sampled every `period_ns` for `samples` samples, one CRC error per
// sample, its temperature rising 1 m°C per sample.
MetricWindow nic_window(uint64_t span_ns, uint64_t period_ns, uint64_t samples, uint64_t missed_at = UINT64_MAX) {
  MetricWindow w;
  w.reset(ComponentClass::network, 0.25f, span_ns);
  std::vector<uint64_t> v(metric_count(ComponentClass::network));
  for (uint64_t k = 0; k < samples; ++k) {
    v[metric_slot(Metric::net_crc_errors)] = k;
    v[metric_slot(Metric::net_temperature)] = 40'000 + k;
    REQUIRE(w.push(k * period_ns, v, k == missed_at) == Status::ok);
  }
  return w;
}

}  // namespace

TEST_CASE("a window with a span reaches that far back at any sampling period, ending at the newest sample",
          "[features][window]") {
  constexpr uint64_t kMinute = 60'000'000'000ull;
  const uint64_t span = 60 * kMinute;  // one hour
  const uint64_t spacing = span / (kWindowCapacity - 1);  // 4 minutes
  const size_t crc = index_of(ComponentClass::network, "crc_errors_in_window");
  for (const uint64_t period : {kPeriod, uint64_t{60'000'000'000} /* 60 s, the field's */}) {
    INFO("sampling period " << period << " ns");
    const uint64_t samples = 3 * span / period;  // three hours of samples
    const MetricWindow w = nic_window(span, period, samples);
    const uint64_t newest = (samples - 1) * period;
    REQUIRE(w.size() == kWindowCapacity);
    CHECK(w.span_ns() == span);
    CHECK(w.time_ns(w.size() - 1) == newest);  // the newest sample, always
    // Kept samples at least the spacing apart (the last interval is the one
    // still filling), so the window reaches back one span, less one spacing
    // at most.
    for (size_t i = 1; i + 1 < w.size(); ++i) CHECK(w.time_ns(i) - w.time_ns(i - 1) >= spacing);
    CHECK(newest - w.time_ns(0) <= span);
    CHECK(newest - w.time_ns(0) >= span - spacing);
    // Counters lose nothing between kept samples: one error per sample over
    // the time the window covers.
    FeatureVector f;
    compute_features(w, f);
    CHECK(f.value[crc] == static_cast<float>((newest - w.time_ns(0)) / period));
    // The rate is per second whatever the decimation: one per period.
    CHECK(f.value[index_of(ComponentClass::network, "temperature_slope_c_per_s")] ==
          Approx(1e-3 / (static_cast<double>(period) / 1e9)).epsilon(1e-4));
  }
  // Without a span: the last 16 samples, 1.5 s at 100 ms.
  const MetricWindow samples_only = nic_window(0, kPeriod, 3 * 36'000);
  CHECK(samples_only.time_ns(samples_only.size() - 1) - samples_only.time_ns(0) == 15 * kPeriod);
}

TEST_CASE("a window's EWMAs are per sample whatever its span", "[features][window]") {
  const MetricWindow spanned = nic_window(3'600'000'000'000ull, kPeriod, 500);
  const MetricWindow samples_only = nic_window(0, kPeriod, 500);
  for (uint32_t m = 0; m < metric_count(ComponentClass::network); ++m) CHECK(spanned.ewma(m) == samples_only.ewma(m));
}

TEST_CASE("a missed tick in an interval a spanned window was still filling keeps that interval a gap",
          "[features][window][gaps]") {
  // 60 s sampling, a one-hour window (4-minute spacing): the tick before
  // sample 179 was missed; later samples replaced 179 in the window while
  // its interval was still filling, and the interval stays a gap: its
  // errors are masked.
  constexpr uint64_t kField = 60'000'000'000ull;
  const MetricWindow w = nic_window(3'600'000'000'000ull, kField, 183, 179);
  size_t holding = 0;  // the kept interval that holds the missed tick
  for (size_t i = 1; i < w.size(); ++i)
    if (w.time_ns(i - 1) < 179 * kField && w.time_ns(i) >= 179 * kField) holding = i;
  REQUIRE(holding > 0);
  CHECK(w.time_ns(holding) > 179 * kField);  // replaced since
  CHECK(w.is_gap(holding));
  for (size_t i = 1; i < w.size(); ++i)
    if (i != holding) CHECK_FALSE(w.is_gap(i));
  FeatureVector gapped, regular;
  compute_features(w, gapped);
  compute_features(nic_window(3'600'000'000'000ull, kField, 183), regular);
  const size_t crc = index_of(ComponentClass::network, "crc_errors_in_window");
  CHECK(regular.value[crc] - gapped.value[crc] ==
        static_cast<float>((w.time_ns(holding) - w.time_ns(holding - 1)) / kField));
}

TEST_CASE("sampled more coarsely than its spacing, a window reaches its span back, not 16 samples",
          "[features][window]") {
  constexpr uint64_t kField = 60'000'000'000ull;
  // A 10-minute span wants a sample every 40 s; at 60 s every sample is
  // kept, and the window reaches exactly 10 minutes back (11 samples).
  const MetricWindow ten_minutes = nic_window(600'000'000'000ull, kField, 100);
  CHECK(ten_minutes.size() == 11);
  CHECK(ten_minutes.time_ns(ten_minutes.size() - 1) - ten_minutes.time_ns(0) == 600'000'000'000ull);
  FeatureVector f;
  compute_features(ten_minutes, f);
  CHECK(f.value[index_of(ComponentClass::network, "crc_errors_in_window")] == 10.0f);
  // A span shorter than one sampling period: the newest sample and the one
  // before it, never fewer.
  const MetricWindow short_span = nic_window(1'500'000'000ull, kField, 100);
  CHECK(short_span.size() == 2);
  CHECK(short_span.time_ns(1) - short_span.time_ns(0) == kField);
  // A young window keeps what it has.
  CHECK(nic_window(600'000'000'000ull, kField, 4).size() == 4);
}
