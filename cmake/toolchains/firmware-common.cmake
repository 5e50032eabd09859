# Shared part of the firmware toolchain files (included last by each): a
# bare-metal GCC for CRASHTWIN_FIRMWARE_TRIPLE with picolibc, C++20 without
# exceptions, RTTI or the heap.
#
# The compiler is the C driver (TRIPLE-gcc) also for C++: it compiles .cpp as
# C++ but links no libstdc++, which the firmware does not use (header-only
# <span>, <bit>, <array>... only). Debian's riscv64-unknown-elf toolchain ships
# no C++ library at all; its headers come from arm-none-eabi's libstdc++
# (libstdc++-arm-none-eabi-dev), configured for newlib, whose headers picolibc
# inherits: the firmware only instantiates their templates.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR ${CRASHTWIN_FIRMWARE_TARGET})
set(CMAKE_CXX_COMPILER ${CRASHTWIN_FIRMWARE_TRIPLE}-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
find_program(CRASHTWIN_FIRMWARE_SIZE_TOOL ${CRASHTWIN_FIRMWARE_TRIPLE}-size REQUIRED)

set(_flags ${CRASHTWIN_FIRMWARE_CPU_FLAGS} --specs=picolibc.specs)
if(NOT CRASHTWIN_FIRMWARE_TRIPLE STREQUAL "arm-none-eabi")
  file(GLOB _libstdcxx LIST_DIRECTORIES true /usr/include/newlib/c++/*)
  list(FILTER _libstdcxx INCLUDE REGEX "/[0-9][0-9.]*$")
  if(NOT _libstdcxx)
    message(FATAL_ERROR "C++ standard headers not found in /usr/include/newlib/c++ "
                        "(install libstdc++-arm-none-eabi-dev: scripts/setup)")
  endif()
  list(GET _libstdcxx -1 _libstdcxx)
  list(APPEND _flags -nostdinc++ -isystem ${_libstdcxx} -isystem ${_libstdcxx}/arm-none-eabi)
endif()
list(JOIN _flags " " CMAKE_CXX_FLAGS_INIT)
