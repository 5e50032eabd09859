// `crashtwin cper decode FILE...`: every standard field of each .cper file's
// record(s), as JSON on stdout (traces/cper_decode.h). One object per file,
// in order: {"file", "records", "error"?}. Exit 2 when a file cannot be read
// or holds a record that does not parse (the JSON says where).
#include <cstdio>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "traces/cper_decode.h"
#include "traces/io.h"

namespace crashtwin::cli {

int cper_decode_command(const CperDecodeArgs& args) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  int status = kExitOk;
  for (const std::string& file : args.files) {
    nlohmann::ordered_json entry = {{"file", file}};
    try {
      const std::string bytes = read_file(file);
      const nlohmann::ordered_json decoded =
          traces::decode_cper(std::as_bytes(std::span(bytes.data(), bytes.size())));
      entry.update(decoded);
      if (decoded.contains("error") || decoded["records"].empty()) status = kExitBadInput;
    } catch (const io_error& e) {
      entry["error"] = {{"what", e.what()}};
      status = kExitBadInput;
    }
    out.push_back(entry);
  }
  std::printf("%s\n", out.dump(2).c_str());
  return status;
}

}  // namespace crashtwin::cli
