# Bare-metal Cortex-M33 (Armv8-M Mainline, e.g. nRF91/nRF5340, STM32U5,
# QEMU's mps2-an505), hard float (FPv5-SP), with the GNU Arm Embedded
# toolchain and newlib-nano. Use with -DPETLS_PORT=none. As for the M4F
# file, only static libraries are built: the board supplies the linker
# script and startup code. (TrustZone: petls runs in either world; nothing
# here uses the CMSE extensions.)
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(_prefix arm-none-eabi-)
set(CMAKE_C_COMPILER ${_prefix}gcc)
set(CMAKE_ASM_COMPILER ${_prefix}gcc)
set(CMAKE_AR ${_prefix}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_prefix}ranlib CACHE FILEPATH "")
set(CMAKE_SIZE ${_prefix}size CACHE FILEPATH "")

set(_cpu "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16")
set(CMAKE_C_FLAGS_INIT "${_cpu} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${_cpu}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_cpu} --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
