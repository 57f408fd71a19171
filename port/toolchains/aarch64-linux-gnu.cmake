# 64-bit ARM Linux (Debian arm64, Raspberry Pi OS 64-bit, most ARM servers)
# with Debian's gcc-aarch64-linux-gnu and libc6-dev-arm64-cross. The POSIX
# port applies.
#
# When .deps/sysroot-arm64 exists (scripts/fetch-sysroot.sh arm64: Criterion
# and the target's C library from Debian's arm64 packages), libraries are
# also found there and test executables run under qemu-aarch64 user mode, so
# `ctest` runs the Criterion suite as on the host.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(_prefix aarch64-linux-gnu-)
set(CMAKE_C_COMPILER ${_prefix}gcc)
set(CMAKE_AR ${_prefix}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_prefix}ranlib CACHE FILEPATH "")
set(CMAKE_SIZE ${_prefix}size CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(PETLS_TARGET_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../../.deps/sysroot-arm64"
    CACHE PATH "Target libraries (Criterion) for tests under qemu-aarch64")
include(${CMAKE_CURRENT_LIST_DIR}/qemu-user-sysroot.cmake)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
