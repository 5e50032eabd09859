// Training dataset CSV (`crashtwin train` / `evaluate` input): any text is
// either a Dataset or a csv::InputError (any other exception escapes the
// harness and counts as a crash). An accepted dataset writes back and reads
// again to the same bytes.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "scenarios/replay/csv_reader.h"
#include "scenarios/training/dataset.h"
#include "tests/fuzz/fuzz_check.h"

using namespace crashtwin;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  training::Dataset dataset;
  try {
    dataset = training::read_dataset(in, "fuzz.csv");
  } catch (const csv::InputError& e) {
    FUZZ_CHECK(std::string(e.what()).starts_with("fuzz.csv:"));
    return 0;
  }
  FUZZ_CHECK(dataset.horizon_ns > 0);
  for (const training::DatasetRow& row : dataset.rows) {
    FUZZ_CHECK(training::row_problem(row, dataset.horizon_ns).empty());
  }
  std::ostringstream first;
  training::write_dataset(first, dataset);
  std::istringstream back(first.str());
  const training::Dataset again = training::read_dataset(back, "again.csv");
  FUZZ_CHECK(again.rows.size() == dataset.rows.size() && again.horizon_ns == dataset.horizon_ns);
  std::ostringstream second;
  training::write_dataset(second, again);
  FUZZ_CHECK(first.str() == second.str());
  return 0;
}
