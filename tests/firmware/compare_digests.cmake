# Runs the digest workloads on the host (HOST) and under QEMU (the firmware
# build in FIRMWARE_BUILD, whose firmware-target.txt names the emulator) and
# fails unless both pass every check and print the same digests. Lines
# starting with '#' describe the machine and are not compared.
#   cmake -DHOST=... -DFIRMWARE_BUILD=... -P compare_digests.cmake
cmake_minimum_required(VERSION 3.25)

file(STRINGS ${FIRMWARE_BUILD}/firmware-target.txt _info)
foreach(_line IN LISTS _info)
  if(_line MATCHES "^([a-z_]+)=(.*)$")
    set(_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
  endif()
endforeach()
set(_qemu_text "${_qemu}")
separate_arguments(_qemu UNIX_COMMAND "${_qemu}")
set(_elf ${FIRMWARE_BUILD}/firmware_digests.elf)

execute_process(COMMAND ${HOST} OUTPUT_VARIABLE _host RESULT_VARIABLE _host_rc TIMEOUT 120)
# QEMU writes the semihosting console to stderr or stdout depending on the
# machine's chardev set-up: take both.
execute_process(COMMAND ${_qemu} -nographic -monitor none -semihosting -kernel ${_elf}
                INPUT_FILE /dev/null OUTPUT_VARIABLE _target_out ERROR_VARIABLE _target_out
                RESULT_VARIABLE _target_rc TIMEOUT 120)
message("host:\n${_host}")
message("${_target} (${_qemu_text}):\n${_target_out}")

function(digest_lines text out)
  string(REPLACE "\r" "" _lines "${text}")  # QEMU's console may end lines with CR LF
  string(REPLACE "\n" ";" _lines "${_lines}")
  list(FILTER _lines EXCLUDE REGEX "^#|^$")
  set(${out} "${_lines}" PARENT_SCOPE)
endfunction()
digest_lines("${_host}" _host_lines)
digest_lines("${_target_out}" _target_lines)

if(NOT _host_rc EQUAL 0)
  message(FATAL_ERROR "the host run failed (${_host_rc})")
endif()
if(NOT _target_rc EQUAL 0)
  message(FATAL_ERROR "the ${_target} run failed (${_target_rc}): see its FAIL lines above")
endif()
if(NOT _host_lines STREQUAL _target_lines)
  foreach(_line IN LISTS _host_lines)
    if(NOT _line IN_LIST _target_lines)
      message("differs: host has '${_line}'")
    endif()
  endforeach()
  message(FATAL_ERROR "${_target} digests differ from the host's")
endif()
list(LENGTH _host_lines _count)
message("${_target}: ${_count} digests identical to the host's")
