# Cortex-A53 in AArch32 state (ARMv8-A, NEON/VFPv4, hard-float ABI), bare
# metal, picolibc. Debian ships no aarch64-none-elf toolchain, so this is
# the A53's 32-bit state, as arm-none-eabi builds it. Emulated by QEMU's
# "virt" board with its ARMv8 AArch32 CPU (-cpu max). See docs/porting.md.
set(CRASHTWIN_FIRMWARE_TARGET cortex-a53)
set(CRASHTWIN_FIRMWARE_TRIPLE arm-none-eabi)
set(CRASHTWIN_FIRMWARE_CPU_FLAGS -mcpu=cortex-a53 -mfpu=neon-fp-armv8 -mfloat-abi=hard)
# virt: RAM from 0x40000000 (128 MiB by default); code first, then data.
set(CRASHTWIN_FIRMWARE_MEMORY 0x40000000 0x400000 0x40400000 0x1000000)
# FPU and MMU on before main (picolibc's crt0 leaves both off on A-profile).
set(CRASHTWIN_FIRMWARE_STARTUP tests/firmware/armv8a_aarch32_start.cpp)
# No network device: virt would otherwise add a virtio NIC whose option ROM
# (efi-virtio.rom, package ipxe-qemu) a minimal install lacks.
set(CRASHTWIN_FIRMWARE_QEMU qemu-system-arm -machine virt -cpu max -nic none)
include(${CMAKE_CURRENT_LIST_DIR}/firmware-common.cmake)
