// The shipped default failure model is reproducible: running the documented
// command (scripts/train-default-model, with the settings of
// data/failure-models/default-model.conf) with this build's crashtwin gives
// the committed default.ctpm and default.json byte for byte, and the blob
// crashtwin embeds is that file.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "platform/predictor/model_blob.h"
#include "scenarios/runner/default_model.h"

namespace fs = std::filesystem;
using namespace crashtwin;

namespace {

const fs::path kSource = CRASHTWIN_SOURCE_DIR;
const fs::path kShipped = kSource / "data/failure-models";

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Exit code of a shell command; its output goes to `log` (shown on failure).
int shell(const std::string& command, const fs::path& log) {
  const int status = std::system((command + " >'" + log.string() + "' 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("retraining with scripts/train-default-model reproduces the shipped default model", "[default_model]") {
  const fs::path out = fs::path(CRASHTWIN_BINARY_DIR) / "test-output" / "default_model";
  fs::remove_all(out);
  fs::create_directories(out);
  const fs::path crashtwin = fs::path(CRASHTWIN_BINARY_DIR) / "crashtwin";
  const fs::path log = out / "train.log";
  const int code = shell("'" + (kSource / "scripts/train-default-model").string() + "' '" + crashtwin.string() +
                             "' '" + out.string() + "'",
                         log);
  INFO(file_bytes(log));
  REQUIRE(code == 0);
  // On a mismatch: the code changed what the training produces. Retrain with
  // scripts/train-default-model and commit both files (data/failure-models/README.md).
  CHECK(file_bytes(out / "default.ctpm") == file_bytes(kShipped / "default.ctpm"));
  CHECK(file_bytes(out / "default.json") == file_bytes(kShipped / "default.json"));
}

TEST_CASE("the embedded default is the shipped file, and a trained model the firmware accepts", "[default_model]") {
  const std::string shipped = file_bytes(kShipped / "default.ctpm");
  const std::span<const std::byte> embedded = scenario::default_model_blob();
  REQUIRE(embedded.size() == shipped.size());
  CHECK(std::memcmp(embedded.data(), shipped.data(), shipped.size()) == 0);

  FailureModel model;
  REQUIRE(ok(parse_model(embedded, model)));
  CHECK(model.generation >= 2);  // 1 was the hand-set prior
  for (const ClassModel& c : model.classes) CHECK(c.kind == ModelKind::logistic);  // every class trained
}
