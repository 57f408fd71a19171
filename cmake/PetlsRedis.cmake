# The Redis session store (stores/posix/store_redis.c) needs hiredis, found
# with pkg-config. PETLS_WITH_REDIS: AUTO (use it when found; not when
# cross-compiling, where pkg-config would report the build machine's copy),
# ON (required), OFF (never). Without it, store_redis_none.c makes
# petls_store_redis_new() fail saying petls was built without hiredis.
# Sets PETLS_REDIS_SOURCES and PETLS_REDIS_FOUND.

set(PETLS_WITH_REDIS "AUTO" CACHE STRING
    "Build the Redis session store with hiredis (AUTO, ON, OFF)")
set_property(CACHE PETLS_WITH_REDIS PROPERTY STRINGS AUTO ON OFF)

set(PETLS_REDIS_FOUND FALSE)
string(TOUPPER "${PETLS_WITH_REDIS}" _petls_redis)
if(_petls_redis STREQUAL "ON" OR
   (_petls_redis STREQUAL "AUTO" AND NOT CMAKE_CROSSCOMPILING))
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(PETLS_HIREDIS QUIET IMPORTED_TARGET GLOBAL hiredis)
  endif()
  if(PETLS_HIREDIS_FOUND)
    set(PETLS_REDIS_FOUND TRUE)
  elseif(_petls_redis STREQUAL "ON")
    message(FATAL_ERROR "petls: PETLS_WITH_REDIS=ON but hiredis was not "
                        "found with pkg-config (Debian: libhiredis-dev)")
  endif()
elseif(NOT _petls_redis STREQUAL "AUTO" AND NOT _petls_redis STREQUAL "OFF")
  message(FATAL_ERROR "petls: PETLS_WITH_REDIS must be AUTO, ON or OFF")
endif()

if(PETLS_REDIS_FOUND)
  message(STATUS "petls: Redis session store with hiredis ${PETLS_HIREDIS_VERSION}")
  set(PETLS_REDIS_SOURCES ${PROJECT_SOURCE_DIR}/stores/posix/store_redis.c)
else()
  message(STATUS "petls: Redis session store not built (no hiredis)")
  set(PETLS_REDIS_SOURCES ${PROJECT_SOURCE_DIR}/stores/posix/store_redis_none.c)
endif()
