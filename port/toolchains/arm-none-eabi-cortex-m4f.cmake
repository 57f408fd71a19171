# Bare-metal Cortex-M4F (hard float, FPv4-SP) with the GNU Arm Embedded
# toolchain and newlib-nano. Use with -DPETLS_PORT=none: there is no OS, so
# only static libraries are built (no executables can be linked without a
# board's linker script and startup code).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(_prefix arm-none-eabi-)
set(CMAKE_C_COMPILER ${_prefix}gcc)
set(CMAKE_ASM_COMPILER ${_prefix}gcc)
set(CMAKE_AR ${_prefix}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_prefix}ranlib CACHE FILEPATH "")
set(CMAKE_SIZE ${_prefix}size CACHE FILEPATH "")

set(_cpu "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(CMAKE_C_FLAGS_INIT "${_cpu} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${_cpu}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_cpu} --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

# Compiler checks cannot link an executable without a board's startup code.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
