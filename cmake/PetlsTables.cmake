# Small-build options (docs/footprint.md, docs/porting.md "Trimming the
# tables"):
#
# - PETLS_TRIM_TABLES (AUTO, ON, OFF): the cipher-suite table of
#   src/policy/cipher_suites.c holds only the suites the mbedTLS build can
#   negotiate. The selection is made here, at configure time, by running
#   the target's C preprocessor over mbedTLS's own ssl_ciphersuites.c with
#   the mbedTLS config of the build (so it follows every MBEDTLS_*/PSA_WANT_*
#   macro the config sets or derives) and reading the code points left in
#   its ciphersuite_definitions[] table. The result is a neutral generated
#   header, petls_tables_built.h: PETLS_SUITE_<code>(...) for every CS()
#   entry of the table, expanding to its arguments or to nothing. Nothing
#   outside src/backend/mbedtls/ includes an mbedTLS header. AUTO trims when
#   mbedTLS is built from source (PETLS_MBEDTLS_SOURCE_DIR, whose config
#   is known); with an installed mbedTLS the table stays whole and the
#   backend filters at run time, as before (pb_cipher_supported).
#   The group-name table of src/policy/groups.c is trimmed the same way,
#   from src/backend/mbedtls/mbedtls_groups_probe.h preprocessed with the
#   config (the backend's knowledge of which macros give which group):
#   PETLS_GROUP_ON_<code>(...).
# - PETLS_COMPACT_MESSAGES (OFF): the host-name mismatch message is
#   "Hostname/IP does not match certificate's altnames: Host: <name>."
#   without Node's list of the certificate's names (the error code,
#   ERR_TLS_CERT_ALTNAME_INVALID, is the same), so the code that decodes
#   the names and formats them is not linked.

set(PETLS_TRIM_TABLES AUTO CACHE STRING
    "Cipher-suite table trimmed to the mbedTLS build's suites: AUTO (when mbedTLS is built from source), ON, OFF")
set_property(CACHE PETLS_TRIM_TABLES PROPERTY STRINGS AUTO ON OFF)
option(PETLS_COMPACT_MESSAGES
  "Short host-mismatch messages without the certificate's names (codes unchanged)"
  OFF)

set(PETLS_GENERATED_DIR "${CMAKE_BINARY_DIR}/generated")
set(_petls_cs_source "${CMAKE_CURRENT_SOURCE_DIR}/src/policy/cipher_suites.c")
set(_petls_gr_source "${CMAKE_CURRENT_SOURCE_DIR}/src/policy/groups.c")
set(_petls_gr_probe
  "${CMAKE_CURRENT_SOURCE_DIR}/src/backend/mbedtls/mbedtls_groups_probe.h")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${_petls_cs_source}" "${_petls_gr_source}" "${_petls_gr_probe}")

# _petls_scan(VAR FILE MACRO): the code points of the MACRO(code, ...)
# entries of a table, in table order, once each (several group names share
# one); fatal when there is none.
function(_petls_scan var file macro)
  file(STRINGS "${file}" lines REGEX "^ *${macro}\\([0-9A-F]+,")
  set(codes)
  foreach(l IN LISTS lines)
    string(REGEX REPLACE "^ *${macro}\\(([0-9A-F]+),.*" "\\1" c "${l}")
    list(APPEND codes ${c})
  endforeach()
  if(NOT codes)
    message(FATAL_ERROR "petls: no ${macro}() entries found in ${file}")
  endif()
  list(REMOVE_DUPLICATES codes)
  set(${var} ${codes} PARENT_SCOPE)
endfunction()
_petls_scan(_petls_gr_all "${_petls_gr_source}" G)

# _petls_preprocess(OUT FILE): FILE run through the target's preprocessor
# with the mbedTLS config of the build, into OUT (fatal on failure).
function(_petls_preprocess out file)
  set(_src "${PETLS_MBEDTLS_SOURCE_DIR}")
  set(_cfg "${PROJECT_SOURCE_DIR}/port/mbedtls/petls_mbedtls_${PETLS_MBEDTLS_CONFIG}.h")
  set(_defs "-DMBEDTLS_CONFIG_FILE=\"${_cfg}\"")
  if(MBEDTLS_USER_CONFIG_FILE)
    list(APPEND _defs "-DMBEDTLS_USER_CONFIG_FILE=\"${MBEDTLS_USER_CONFIG_FILE}\"")
  endif()
  # The target's flags (a toolchain's -mcpu... can change what mbedTLS
  # derives), the build type's too.
  string(TOUPPER "${CMAKE_BUILD_TYPE}" _bt)
  separate_arguments(_flags NATIVE_COMMAND
    "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${_bt}}")
  execute_process(
    COMMAND "${CMAKE_C_COMPILER}" ${_flags} -E -P ${_defs}
      -I "${_src}/include" -I "${_src}/library"
      -I "${_src}/3rdparty/everest/include" "${file}"
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _pp ERROR_VARIABLE _pp_err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR
      "petls: PETLS_TRIM_TABLES: preprocessing ${file} with ${_cfg} failed: "
      "${_pp_err}; set -DPETLS_TRIM_TABLES=OFF to keep the whole tables")
  endif()
  set(${out} "${_pp}" PARENT_SCOPE)
endfunction()

# Every code point of the cipher-suite table, in table order.
_petls_scan(_petls_cs_all "${_petls_cs_source}" CS)
list(LENGTH _petls_cs_all _petls_cs_n)

set(_petls_trim OFF)
if(PETLS_TRIM_TABLES STREQUAL "ON" OR
   (PETLS_TRIM_TABLES STREQUAL "AUTO" AND PETLS_MBEDTLS_SOURCE_DIR))
  set(_petls_trim ON)
endif()
if(_petls_trim AND NOT PETLS_MBEDTLS_SOURCE_DIR)
  message(FATAL_ERROR
    "petls: PETLS_TRIM_TABLES=ON needs mbedTLS built from source "
    "(PETLS_MBEDTLS_SOURCE_DIR): the config of an installed mbedTLS is not "
    "known at build time")
endif()

set(_petls_cs_on ${_petls_cs_all})
set(_petls_trim_from "every suite (untrimmed: the backend filters at run time)")
if(_petls_trim)
  set(_src "${PETLS_MBEDTLS_SOURCE_DIR}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    "${PROJECT_SOURCE_DIR}/port/mbedtls/petls_mbedtls_${PETLS_MBEDTLS_CONFIG}.h"
    "${_src}/library/ssl_ciphersuites.c")
  if(MBEDTLS_USER_CONFIG_FILE)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
      "${MBEDTLS_USER_CONFIG_FILE}")
  endif()
  _petls_preprocess(_pp "${_src}/library/ssl_ciphersuites.c")
  string(FIND "${_pp}" "ciphersuite_definitions[] =" _at)
  if(_at LESS 0)
    message(FATAL_ERROR
      "petls: PETLS_TRIM_TABLES: no ciphersuite_definitions[] in "
      "${_src}/library/ssl_ciphersuites.c; set -DPETLS_TRIM_TABLES=OFF")
  endif()
  string(SUBSTRING "${_pp}" ${_at} -1 _pp)
  string(FIND "${_pp}" "};" _end)
  string(SUBSTRING "${_pp}" 0 ${_end} _pp)
  string(REGEX MATCHALL "{[ \t\r\n]*0[xX][0-9A-Fa-f]+[ \t\r\n]*,[ \t\r\n]*\""
    _entries "${_pp}")
  set(_have)
  foreach(e IN LISTS _entries)
    string(REGEX REPLACE ".*0[xX]([0-9A-Fa-f]+).*" "\\1" c "${e}")
    string(TOUPPER "${c}" c)
    string(LENGTH "${c}" len)
    while(len LESS 4)
      set(c "0${c}")
      math(EXPR len "${len} + 1")
    endwhile()
    list(APPEND _have ${c})
  endforeach()
  set(_petls_cs_on)
  foreach(c IN LISTS _petls_cs_all)
    if(c IN_LIST _have)
      list(APPEND _petls_cs_on ${c})
    endif()
  endforeach()
  if(NOT _petls_cs_on)
    message(FATAL_ERROR
      "petls: the mbedTLS config ${PETLS_MBEDTLS_CONFIG} enables none of "
      "petls's cipher suites")
  endif()
  set(_petls_trim_from "the suites of mbedTLS config ${PETLS_MBEDTLS_CONFIG}")
  _petls_preprocess(_pp "${_petls_gr_probe}")
  string(REGEX MATCHALL "PB_GROUP_PROBE\\([0-9A-F]+\\)" _entries "${_pp}")
  set(_petls_gr_on)
  foreach(e IN LISTS _entries)
    string(REGEX REPLACE "PB_GROUP_PROBE\\(([0-9A-F]+)\\)" "\\1" c "${e}")
    list(APPEND _petls_gr_on ${c})
  endforeach()
else()
  set(_petls_gr_on ${_petls_gr_all})
endif()
list(LENGTH _petls_gr_all _petls_gr_n)
list(LENGTH _petls_gr_on _petls_gr_on_n)
message(STATUS "petls: group table: ${_petls_gr_on_n} of ${_petls_gr_n} groups")
list(LENGTH _petls_cs_on _petls_cs_on_n)
message(STATUS "petls: cipher-suite table: ${_petls_cs_on_n} of ${_petls_cs_n} suites")

set(_h "/* Generated by cmake/PetlsTables.cmake: do not edit.\n")
string(APPEND _h " * Cipher-suite table entries of this build: ${_petls_cs_on_n} of ")
string(APPEND _h "${_petls_cs_n},\n * ${_petls_trim_from}. */\n")
string(APPEND _h "#ifndef PETLS_TABLES_BUILT_H\n#define PETLS_TABLES_BUILT_H\n\n")
if(_petls_trim)
  string(APPEND _h "#define PETLS_TABLES_TRIMMED 1\n")
else()
  string(APPEND _h "#define PETLS_TABLES_TRIMMED 0\n")
endif()
string(APPEND _h "#define PETLS_SUITES_IN_SOURCE ${_petls_cs_n}\n")
# _petls_emit(VAR KIND PREFIX ALL ON): appends to VAR the list of every code
# point of a source table (PETLS_<KIND>_ALL_IDS, for the unit tests that check
# a trimmed table against the backend) and PREFIX<code>(...) for each, on or
# off.
function(_petls_emit var kind prefix all on)
  set(h "${${var}}")
  list(TRANSFORM ${all} PREPEND "0x" OUTPUT_VARIABLE ids)
  string(REPLACE ";" ", " ids "${ids}")
  string(APPEND h "#define PETLS_${kind}_ALL_IDS ${ids}\n")
  foreach(c IN LISTS ${all})
    if(c IN_LIST ${on})
      string(APPEND h "#define ${prefix}${c}(...) __VA_ARGS__\n")
    else()
      string(APPEND h "#define ${prefix}${c}(...)\n")
    endif()
  endforeach()
  set(${var} "${h}" PARENT_SCOPE)
endfunction()
_petls_emit(_h SUITES PETLS_SUITE_ _petls_cs_all _petls_cs_on)
string(APPEND _h "\n/* Groups (src/policy/groups.c): ${_petls_gr_on_n} of ${_petls_gr_n}. */\n")
string(APPEND _h "#define PETLS_GROUPS_IN_SOURCE ${_petls_gr_n}\n")
_petls_emit(_h GROUPS PETLS_GROUP_ON_ _petls_gr_all _petls_gr_on)
string(APPEND _h "\n#endif\n")
file(WRITE "${PETLS_GENERATED_DIR}/petls_tables_built.h.tmp" "${_h}")
configure_file("${PETLS_GENERATED_DIR}/petls_tables_built.h.tmp"
  "${PETLS_GENERATED_DIR}/petls_tables_built.h" COPYONLY)

if(PETLS_COMPACT_MESSAGES)
  add_compile_definitions(PETLS_COMPACT_MESSAGES=1)
  message(STATUS "petls: compact host-mismatch messages")
else()
  add_compile_definitions(PETLS_COMPACT_MESSAGES=0)
endif()
