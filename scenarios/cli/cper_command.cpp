// `crashtwin cper decode|unseal|keygen`.
// `crashtwin cper decode FILE...`: every standard field of each .cper file's
// record(s), as JSON on stdout (traces/cper_decode.h). One object per file,
// in order: {"file", "records", "error"?}. Exit 2 when a file cannot be read
// or holds a record that does not parse (the JSON says where).
#include <cstdio>
#include <span>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "scenarios/cli/commands.h"
#include "scenarios/cli/exit_codes.h"
#include "traces/cper_decode.h"
#include "traces/io.h"
#include "traces/sealed_box.h"

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

// `crashtwin cper unseal --key SECRET IN OUT`: the records of IN with every
// sealed section opened (traces/sealed_box.h), written to OUT whole or not
// at all. Exit 2 when a file cannot be read, a record does not parse or a
// section does not open with the key.
int cper_unseal_command(const CperUnsealArgs& args) {
  if (!sealed_box::available()) {
    spdlog::error("cper unseal: {}", sealed_box::sealing_unavailable().what());
    return kExitBadInput;
  }
  try {
    const sealed_box::Key key = sealed_box::read_key_file(args.key);
    const std::string bytes = read_file(args.input);
    size_t opened = 0;
    const std::vector<std::byte> out = sealed_box::unseal_records(
        std::as_bytes(std::span(bytes.data(), bytes.size())), key, args.input, opened);
    write_file_atomically(args.output, std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
    std::printf("%s: %zu sealed section%s opened into %s\n", args.input.c_str(), opened, opened == 1 ? "" : "s",
                args.output.c_str());
  } catch (const io_error& e) {  // format_error included: the key, the record or the box
    spdlog::error("cper unseal: {}", e.what());
    return kExitBadInput;
  }
  return kExitOk;
}

// `crashtwin cper keygen PUBLIC SECRET`: a fresh operator key pair.
int cper_keygen_command(const CperKeygenArgs& args) {
  if (!sealed_box::available()) {
    spdlog::error("cper keygen: {}", sealed_box::sealing_unavailable().what());
    return kExitBadInput;
  }
  try {
    const sealed_box::KeyPair pair = sealed_box::generate_key_pair();
    sealed_box::write_key_file(args.secret_key, pair.secret_key, true);
    sealed_box::write_key_file(args.public_key, pair.public_key, false);
  } catch (const io_error& e) {
    spdlog::error("cper keygen: {}", e.what());
    return kExitBadInput;
  }
  std::printf("public key %s, secret key %s\n", args.public_key.c_str(), args.secret_key.c_str());
  return kExitOk;
}

}  // namespace crashtwin::cli
