#include <catch2/catch.hpp>

#include "platform/core/status.h"
#include "platform/core/types.h"

using namespace crashtwin;

TEST_CASE("every metric belongs to one class slot and names round-trip", "[types]") {
  for (size_t i = 0; i < kMetricCount; ++i) {
    auto m = static_cast<Metric>(i);
    Metric back{};
    REQUIRE(parse(to_string(m), back));
    CHECK(back == m);
    CHECK(metric_slot(m) < kMaxMetricsPerClass);
    CHECK(metric_at(component_class_of(m), metric_slot(m)) == m);
  }
  uint32_t total = 0;
  for (size_t c = 0; c < kComponentClassCount; ++c) total += metric_count(static_cast<ComponentClass>(c));
  CHECK(total == kMetricCount);
}

TEST_CASE("error types parse and map to the component class they are reported against", "[types]") {
  for (size_t i = 0; i < kErrorTypeCount; ++i) {
    auto e = static_cast<ErrorType>(i);
    ErrorType back{};
    REQUIRE(parse(to_string(e), back));
    CHECK(back == e);
  }
  CHECK(component_class_of(ErrorType::memory_uncorrectable) == ComponentClass::memory);
  CHECK(component_class_of(ErrorType::disk_media_error) == ComponentClass::disk);
  CHECK(component_class_of(ErrorType::nic_fatal) == ComponentClass::network);
  ErrorType e{};
  CHECK_FALSE(parse("cosmic_ray", e));
  CHECK(std::string(to_string(Status::double_free)) == "double_free");
}
