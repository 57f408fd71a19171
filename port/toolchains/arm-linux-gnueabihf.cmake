# 32-bit ARM Linux, hard float (Raspberry Pi OS 32-bit, Debian armhf), with
# Debian's gcc-arm-linux-gnueabihf. The POSIX port applies.
#
# When .deps/sysroot-armhf exists (scripts/fetch-sysroot.sh armhf, once a
# Debian suite ships an armhf Criterion), libraries are also found there and
# test executables run under qemu-arm user mode with it as the library root.
# Until then tests/run/qemu-user-tests.sh runs the suite with its own runner
# (tests/qemu-user/cr-compat/) and the cross compiler's C library.
#
# time_t and off_t are 64 bits by default (-D_TIME_BITS=64
# -D_FILE_OFFSET_BITS=64, glibc 2.34+; Debian builds its armhf packages so
# since trixie): with 32-bit ones, certificate dates after 2038-01-19 wrap,
# and readdir() fails with EOVERFLOW on a filesystem whose directory
# cookies are 64-bit (a CA path under qemu-arm on a 64-bit host). petls's
# API carries time_t (petls_peer_cert_notbefore/notafter, the session
# store's expiry), so the application must be built the same way (with this
# file, or the same flags). PETLS_ARM32_TIME_BITS=32 keeps the old ABI, e.g.
# to link with libraries built for it. See docs/porting.md.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)

set(_prefix arm-linux-gnueabihf-)
set(CMAKE_C_COMPILER ${_prefix}gcc)
set(CMAKE_AR ${_prefix}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_prefix}ranlib CACHE FILEPATH "")
set(CMAKE_SIZE ${_prefix}size CACHE FILEPATH "")

set(PETLS_ARM32_TIME_BITS 64 CACHE STRING "Bits of time_t and off_t (64 or 32)")
if(NOT PETLS_ARM32_TIME_BITS MATCHES "^(32|64)$")
  message(FATAL_ERROR "PETLS_ARM32_TIME_BITS must be 64 or 32")
endif()
# (CMake reads a toolchain file more than once per configure.)
if(PETLS_ARM32_TIME_BITS STREQUAL "64" AND
   NOT CMAKE_C_FLAGS_INIT MATCHES "_TIME_BITS=64")
  string(APPEND CMAKE_C_FLAGS_INIT " -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64")
endif()

# Debian's multiarch cross root.
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(PETLS_TARGET_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../../.deps/sysroot-armhf"
    CACHE PATH "Target libraries (Criterion) for tests under qemu-arm")
include(${CMAKE_CURRENT_LIST_DIR}/qemu-user-sysroot.cmake)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
