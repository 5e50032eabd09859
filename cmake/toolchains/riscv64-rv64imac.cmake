# RV64IMAC (64-bit RISC-V, no FPU: floating point in software), bare metal,
# picolibc, medany code model. Emulated by QEMU's RISC-V "virt" board.
# See docs/porting.md.
set(CRASHTWIN_FIRMWARE_TARGET rv64imac)
set(CRASHTWIN_FIRMWARE_TRIPLE riscv64-unknown-elf)
set(CRASHTWIN_FIRMWARE_CPU_FLAGS -march=rv64imac -mabi=lp64 -mcmodel=medany)
# virt: RAM from 0x80000000 (128 MiB by default); -bios none runs the image there.
set(CRASHTWIN_FIRMWARE_MEMORY 0x80000000 0x400000 0x80400000 0x1000000)
set(CRASHTWIN_FIRMWARE_QEMU qemu-system-riscv64 -machine virt -bios none)
include(${CMAKE_CURRENT_LIST_DIR}/firmware-common.cmake)
