# cmake -DINPUT=model.ctpm -DOUTPUT=default_model_blob.cpp -P embed_default_model.cmake
# Writes a C++ source defining crashtwin::scenario::default_model_blob() over
# the bytes of INPUT (scenarios/runner/default_model.h). The output is only
# rewritten when its text changes, so an unchanged model recompiles nothing.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
if(hex_length EQUAL 0)
  message(FATAL_ERROR "embed_default_model: ${INPUT} is empty")
endif()
# 16 bytes a line.
set(bytes "")
foreach(offset RANGE 0 ${hex_length} 32)
  string(SUBSTRING "${hex}" ${offset} 32 line)
  if(NOT line STREQUAL "")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1, " line "${line}")
    string(STRIP "${line}" line)
    string(APPEND bytes "    ${line}\n")
  endif()
endforeach()
set(text "// Generated from ${INPUT} by scenarios/runner/embed_default_model.cmake: do not edit.
#include \"scenarios/runner/default_model.h\"

namespace crashtwin::scenario {
namespace {
constexpr unsigned char kDefaultModel[] = {
${bytes}};
}  // namespace

std::span<const std::byte> default_model_blob() {
  return {reinterpret_cast<const std::byte*>(kDefaultModel), sizeof kDefaultModel};
}

}  // namespace crashtwin::scenario
")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${text}")
