# Third-party dependencies: Debian 12 packages only (scripts/setup installs them).

find_package(PkgConfig REQUIRED)
# Debian's SystemC 2.3.4 ships no CMake config; it is built for C++17, so the
# headers must be told (SC_CPLUSPLUS) or the version-check symbol fails to link.
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc)
add_library(crashtwin_systemc INTERFACE)
target_link_libraries(crashtwin_systemc INTERFACE PkgConfig::SYSTEMC)
target_compile_definitions(crashtwin_systemc INTERFACE SC_CPLUSPLUS=201703L SC_INCLUDE_DYNAMIC_PROCESSES)

# libsodium seals confidential crash-dump sections to the operator's key
# (traces/sealed_box.h). Optional: without it `confidentiality.mode: seal`
# and `crashtwin cper unseal|keygen` are refused with a message; redaction
# still works.
pkg_check_modules(SODIUM QUIET IMPORTED_TARGET libsodium)
if(SODIUM_FOUND)
  message(STATUS "crashtwin: libsodium ${SODIUM_VERSION} found: sealed crash-dump sections enabled")
else()
  message(STATUS "crashtwin: libsodium not found (libsodium-dev): confidentiality.mode seal and "
                 "`crashtwin cper unseal|keygen` will be refused")
endif()

find_package(yaml-cpp REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)
if(CRASHTWIN_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  include(Catch)
endif()
if(CRASHTWIN_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
if(CRASHTWIN_BUILD_GUI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets Charts Test)
endif()
