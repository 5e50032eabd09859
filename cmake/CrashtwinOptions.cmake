# Compiler flags shared by every crashtwin target.

add_library(crashtwin_warnings INTERFACE)
target_compile_options(crashtwin_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                    $<$<BOOL:${CRASHTWIN_WERROR}>:-Werror>)

# No fused multiply-add the source did not write: a target with FMA (a
# cross-compiler's default, or -march=native) would otherwise round some
# products differently from the x86-64 baseline, and reproducible results
# (the default failure model, byte-identical runs) would depend on the machine.
add_compile_options(-ffp-contract=off)

# Fuzzing (tests/fuzz, scripts/fuzz): every library is instrumented for
# libFuzzer's coverage feedback (fuzzer-no-link: the harnesses alone link
# libFuzzer's main) and built with ASan + UBSan, so a bad read or undefined
# behaviour in a parser stops the fuzzer at the input that caused it.
if(CRASHTWIN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CRASHTWIN_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ "
                        "(scripts/fuzz does)")
  endif()
  if(NOT CRASHTWIN_SANITIZE)
    set(CRASHTWIN_SANITIZE "address,undefined")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(CRASHTWIN_SANITIZE)
  string(REPLACE "," ";" _sanitizers "${CRASHTWIN_SANITIZE}")
  foreach(_s IN LISTS _sanitizers)
    add_compile_options(-fsanitize=${_s})
    add_link_options(-fsanitize=${_s})
  endforeach()
  add_compile_options(-fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fno-sanitize-recover=all)
  # UBSan's vptr check needs the typeinfo of every polymorphic class, but the
  # portable libraries below are built with -fno-rtti (the Agent's Hal-facing
  # interfaces have none): the link fails without this.
  if("undefined" IN_LIST _sanitizers)
    add_compile_options(-fno-sanitize=vptr)
    add_link_options(-fno-sanitize=vptr)
  endif()
  # clang 14 links no UBSan runtime beside LSan's (ASan's runtime carries
  # one, LSan's does not): link the standalone one (scripts/fuzz's
  # FUZZ_SANITIZE=leak,undefined).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND "leak" IN_LIST _sanitizers AND "undefined" IN_LIST _sanitizers
     AND NOT "address" IN_LIST _sanitizers)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} --print-runtime-dir OUTPUT_VARIABLE _rt_dir
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    foreach(_lib ubsan_standalone ubsan_standalone_cxx)
      set(_archive "${_rt_dir}/libclang_rt.${_lib}-${CMAKE_SYSTEM_PROCESSOR}.a")
      if(NOT EXISTS "${_archive}")
        message(FATAL_ERROR "CRASHTWIN_SANITIZE=${CRASHTWIN_SANITIZE}: ${_archive} not found")
      endif()
      link_libraries("${_archive}")  # after the objects, unlike a link option, so the linker takes from it
    endforeach()
  endif()
endif()

# Precompiled headers. Parsing the same third-party headers (SystemC and TLM,
# nlohmann/json, yaml-cpp, fmt, Catch, the standard library) is a large part
# of a host source's compile time, and compiling is most of CI's time. The
# host libraries where one measured faster (models, traces, results, the
# scenario language, training, the dashboard, the tests) precompile the
# headers their sources include, through crashtwin_precompile (which adds the
# standard headers all of them share); docs/PERFORMANCE.md has the figures.
# The portable libraries (platform/, policies/) get none, so their sources
# stay what a port compiles. -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON
# builds without them, which also shows a source that relies on an include
# the precompiled header gave it.
set(CRASHTWIN_PCH_STD <algorithm> <array> <cmath> <cstdint> <cstdio> <cstring> <filesystem> <fstream> <map>
                      <memory> <optional> <set> <sstream> <string> <string_view> <vector>)
function(crashtwin_precompile target)
  target_precompile_headers(${target} PRIVATE ${CRASHTWIN_PCH_STD} ${ARGN})
endfunction()

# Portable firmware code (platform/, policies/): what a platform team ports to
# a BMC or boot firmware. No exceptions, no RTTI; the portability gate test
# (tests/portability) proves no heap, throw, SystemC, Qt or yaml-cpp symbol.
function(crashtwin_portable_library name)
  add_library(${name} STATIC ${ARGN} ${PROJECT_SOURCE_DIR}/cmake/empty.cpp)
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE -fno-exceptions -fno-rtti -fno-threadsafe-statics)
  target_link_libraries(${name} PRIVATE crashtwin_warnings)
endfunction()
