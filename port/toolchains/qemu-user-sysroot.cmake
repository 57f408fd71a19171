# Shared by the ARM Linux toolchain files: when PETLS_TARGET_SYSROOT holds the
# target's packages (scripts/fetch-sysroot.sh), search it for libraries and
# headers, let the linker resolve the shared libraries' own dependencies
# there, and run target executables (ctest) under qemu user mode with it as
# the library root. Needs CMAKE_LIBRARY_ARCHITECTURE and CMAKE_SYSTEM_PROCESSOR.
get_filename_component(PETLS_TARGET_SYSROOT "${PETLS_TARGET_SYSROOT}" ABSOLUTE)
if(EXISTS "${PETLS_TARGET_SYSROOT}/.complete")
  list(APPEND CMAKE_FIND_ROOT_PATH "${PETLS_TARGET_SYSROOT}")
  set(_ma "${CMAKE_LIBRARY_ARCHITECTURE}")
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT
    " -Wl,-rpath-link,${PETLS_TARGET_SYSROOT}/usr/lib/${_ma}"
    " -Wl,-rpath-link,${PETLS_TARGET_SYSROOT}/lib/${_ma}")
  if(CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
    set(_qemu qemu-aarch64)
  else()
    set(_qemu qemu-arm)
  endif()
  find_program(PETLS_QEMU_USER ${_qemu})
  # tests/run/qemu-user-tests.sh passes its own emulator line (with the exec
  # shim Criterion's sandbox needs); keep it.
  if(PETLS_QEMU_USER AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${PETLS_QEMU_USER};-L;${PETLS_TARGET_SYSROOT}")
  endif()
endif()
