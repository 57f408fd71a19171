# Finds mbedTLS 3.6 (installed, or in the project-local prefix .deps/ that
# scripts/install-deps.sh fills), or builds it from a source tree given as
# PETLS_MBEDTLS_SOURCE_DIR with a config from port/mbedtls/.
#
# Defines the target petls_mbedtls (INTERFACE) that the backend links.

add_library(petls_mbedtls INTERFACE)

if(PETLS_MBEDTLS_SOURCE_DIR)
  set(_cfg "${CMAKE_CURRENT_SOURCE_DIR}/port/mbedtls/petls_mbedtls_${PETLS_MBEDTLS_CONFIG}.h")
  if(NOT EXISTS "${_cfg}")
    message(FATAL_ERROR "petls: no mbedTLS config ${_cfg}")
  endif()
  set(MBEDTLS_CONFIG_FILE "${_cfg}" CACHE FILEPATH "" FORCE)
  set(ENABLE_PROGRAMS OFF CACHE BOOL "" FORCE)
  set(ENABLE_TESTING OFF CACHE BOOL "" FORCE)
  set(MBEDTLS_FATAL_WARNINGS OFF CACHE BOOL "" FORCE)
  set(USE_SHARED_MBEDTLS_LIBRARY OFF CACHE BOOL "" FORCE)
  set(USE_STATIC_MBEDTLS_LIBRARY ON CACHE BOOL "" FORCE)
  set(DISABLE_PACKAGE_CONFIG_AND_INSTALL ON CACHE BOOL "" FORCE)
  add_subdirectory("${PETLS_MBEDTLS_SOURCE_DIR}" mbedtls EXCLUDE_FROM_ALL)
  set(_ver_header "${PETLS_MBEDTLS_SOURCE_DIR}/include/mbedtls/build_info.h")
  target_link_libraries(petls_mbedtls INTERFACE mbedtls mbedx509 mbedcrypto)
  target_compile_definitions(petls_mbedtls INTERFACE
    "MBEDTLS_CONFIG_FILE=\"${_cfg}\"")
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    # Whatever links these archives (libpetls.so, the test binaries) keeps
    # their mbedtls_* symbols out of its dynamic symbol table: another
    # mbedTLS in the same process (the system's 2.28, loaded by Criterion's
    # libgit2) must not bind to our 3.6 build, nor ours to it.
    target_link_options(petls_mbedtls INTERFACE "LINKER:--exclude-libs,ALL")
  endif()
  # POSIX: linked into libpetls.so, merged into libpetls.a, so nothing of
  # this build tree is installed or needed by consumers. Bare-metal builds
  # link mbedTLS's archives themselves (their link maps attribute each
  # object to its own library: docs/footprint.md).
  if(PETLS_PORT STREQUAL "posix")
    set(PETLS_MBEDTLS_BUNDLED TRUE)
    set(PETLS_MBEDTLS_ARCHIVES
      "$<TARGET_FILE:mbedtls>;$<TARGET_FILE:mbedx509>;$<TARGET_FILE:mbedcrypto>")
    set(PETLS_MBEDTLS_PC_LIBS "")
  else()
    set(PETLS_MBEDTLS_BUNDLED FALSE)
    set(PETLS_MBEDTLS_PC_LIBS "-lmbedtls -lmbedx509 -lmbedcrypto")
  endif()
else()
  # The project-local prefix comes first, so a stale system 2.28 never wins.
  set(_local "${CMAKE_CURRENT_SOURCE_DIR}/.deps/mbedtls/usr")
  set(PETLS_MBEDTLS_PREFIX "")
  if(EXISTS "${_local}")
    list(PREPEND CMAKE_PREFIX_PATH "${_local}")
    set(PETLS_MBEDTLS_PREFIX "${_local}")
  endif()
  find_package(MbedTLS 3.6 CONFIG QUIET)
  if(MbedTLS_FOUND)
    get_target_property(_inc MbedTLS::mbedtls INTERFACE_INCLUDE_DIRECTORIES)
    list(GET _inc 0 _inc)
    set(_ver_header "${_inc}/mbedtls/build_info.h")
    target_link_libraries(petls_mbedtls INTERFACE
      MbedTLS::mbedtls MbedTLS::mbedx509 MbedTLS::mbedcrypto)
  else()
    find_path(_mbedtls_inc mbedtls/ssl.h)
    find_library(_mbedtls_lib mbedtls)
    find_library(_mbedx509_lib mbedx509)
    find_library(_mbedcrypto_lib mbedcrypto)
    if(NOT _mbedtls_inc OR NOT _mbedtls_lib)
      message(FATAL_ERROR
        "petls: mbedTLS 3.6 not found. Run scripts/install-deps.sh, or pass "
        "-DPETLS_MBEDTLS_SOURCE_DIR=<mbedtls-3.6 source tree>.")
    endif()
    set(_ver_header "${_mbedtls_inc}/mbedtls/build_info.h")
    if(NOT EXISTS "${_ver_header}")
      set(_ver_header "${_mbedtls_inc}/mbedtls/version.h")
    endif()
    target_include_directories(petls_mbedtls INTERFACE "${_mbedtls_inc}")
    target_link_libraries(petls_mbedtls INTERFACE
      "${_mbedtls_lib}" "${_mbedx509_lib}" "${_mbedcrypto_lib}")
  endif()
  # PETLS_MBEDTLS_STATIC: mbedTLS's archives are linked into libpetls.so
  # and merged into libpetls.a (their symbols hidden by src/petls.map and
  # --exclude-libs), so nothing installed needs mbedTLS or points into the
  # checkout's .deps/. The default when mbedTLS comes from .deps/; a system
  # mbedTLS 3.6 is linked as a shared library unless asked.
  if(PETLS_MBEDTLS_PREFIX)
    set(_static_default ON)
  else()
    set(_static_default OFF)
  endif()
  option(PETLS_MBEDTLS_STATIC
    "Link mbedTLS statically into libpetls (default: when from .deps/)"
    ${_static_default})
  set(PETLS_MBEDTLS_BUNDLED FALSE)
  set(PETLS_MBEDTLS_ARCHIVES "")
  if(PETLS_MBEDTLS_STATIC)
    if(NOT TARGET MbedTLS::mbedtls_static)
      message(FATAL_ERROR "petls: PETLS_MBEDTLS_STATIC=ON but mbedTLS's "
        "CMake package has no static libraries (MbedTLS::mbedtls_static)")
    endif()
    set(PETLS_MBEDTLS_BUNDLED TRUE)
    foreach(_l mbedtls mbedx509 mbedcrypto)
      get_target_property(_a MbedTLS::${_l}_static LOCATION)
      list(APPEND PETLS_MBEDTLS_ARCHIVES "${_a}")
    endforeach()
    set_property(TARGET petls_mbedtls PROPERTY INTERFACE_LINK_LIBRARIES
      MbedTLS::mbedtls_static MbedTLS::mbedx509_static
      MbedTLS::mbedcrypto_static)
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
      target_link_options(petls_mbedtls INTERFACE "LINKER:--exclude-libs,ALL")
    endif()
    message(STATUS "petls: mbedTLS linked statically into libpetls")
  endif()
  # For petls.pc: where a static consumer finds mbedTLS.
  if(PETLS_MBEDTLS_BUNDLED)
    set(PETLS_MBEDTLS_PC_LIBDIR "")
    set(PETLS_MBEDTLS_PC_LIBS "")
  else()
    if(TARGET MbedTLS::mbedtls)
      get_target_property(_mbedtls_lib MbedTLS::mbedtls LOCATION)
    endif()
    get_filename_component(PETLS_MBEDTLS_PC_LIBDIR "${_mbedtls_lib}" DIRECTORY)
    if(PETLS_MBEDTLS_PC_LIBDIR IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
      set(PETLS_MBEDTLS_PC_LIBDIR "")
      set(PETLS_MBEDTLS_PC_LIBS "-lmbedtls -lmbedx509 -lmbedcrypto")
    else()
      set(PETLS_MBEDTLS_PC_LIBS
        "-L${PETLS_MBEDTLS_PC_LIBDIR} -lmbedtls -lmbedx509 -lmbedcrypto")
    endif()
  endif()
endif()

file(STRINGS "${_ver_header}" _verline
     REGEX "^#define MBEDTLS_VERSION_STRING +\"[0-9.]+\"")
string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" PETLS_MBEDTLS_VERSION "${_verline}")
if(NOT PETLS_MBEDTLS_VERSION OR PETLS_MBEDTLS_VERSION VERSION_LESS 3.6
   OR PETLS_MBEDTLS_VERSION VERSION_GREATER_EQUAL 3.7)
  message(FATAL_ERROR
    "petls: needs mbedTLS 3.6.x (LTS); found '${PETLS_MBEDTLS_VERSION}' "
    "(${_ver_header}). Debian 12's 2.28 is end-of-life: run "
    "scripts/install-deps.sh to fetch Debian 13's 3.6 into .deps/.")
endif()
message(STATUS "petls: mbedTLS ${PETLS_MBEDTLS_VERSION}")

# petls_bundle_mbedtls(TARGET): with PETLS_MBEDTLS_BUNDLED, appends mbedTLS's
# archives to the static library TARGET after each link, so that it carries
# the mbedTLS it was built with (libpetls.a, compat/libtls's libtls.a).
function(petls_bundle_mbedtls tgt)
  if(NOT PETLS_MBEDTLS_BUNDLED)
    return()
  endif()
  string(REPLACE ";" "|" _archives "${PETLS_MBEDTLS_ARCHIVES}")
  add_custom_command(TARGET ${tgt} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DAR=${CMAKE_AR} -DOUT=$<TARGET_FILE:${tgt}>
            "-DARCHIVES=${_archives}"
            -P ${PROJECT_SOURCE_DIR}/cmake/PetlsMergeArchives.cmake
    VERBATIM)
endfunction()
