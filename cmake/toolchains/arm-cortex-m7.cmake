# Cortex-M7 (ARMv7E-M, double-precision FPU, hard-float ABI), bare metal,
# picolibc. Emulated by QEMU's MPS2 AN500 board. See docs/porting.md.
set(CRASHTWIN_FIRMWARE_TARGET cortex-m7)
set(CRASHTWIN_FIRMWARE_TRIPLE arm-none-eabi)
set(CRASHTWIN_FIRMWARE_CPU_FLAGS -mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard)
# MPS2 AN500: 4 MiB SSRAM at 0 holds code (the vector table must be there),
# 16 MiB PSRAM at 0x60000000 data and stack.
set(CRASHTWIN_FIRMWARE_MEMORY 0x00000000 0x400000 0x60000000 0x1000000)
set(CRASHTWIN_FIRMWARE_QEMU qemu-system-arm -machine mps2-an500)
include(${CMAKE_CURRENT_LIST_DIR}/firmware-common.cmake)
