# Features that can be compiled out of the engine (docs/porting.md,
# "Compiling features out"). Every option is ON by default. With one OFF,
# the public API stays the same (code written for a full build still
# links), but the feature's functions fail with -1 (or NULL) and
# "<feature> support was compiled out (PETLS_WITH_<X>=OFF)". The feature's
# source files are replaced by the stub of its public calls beside them,
# <name>_off.c in the feature's folder (petls_feature_sources below), so the
# firmware does not carry them, and the feature is absent from the engine's
# feature table (src/core/features.c): none of its hooks is linked.
#
# Each option becomes a directory-wide definition PETLS_WITH_<X>=0/1: the
# engine, the white-box unit tests and the fuzz targets see the same set.

set(PETLS_FEATURES SNI ALPN PSK TICKETS SESSION_CACHE RENEG_LIMITS KEYLOG
    EXPORTER)

option(PETLS_WITH_SNI
  "Server virtual hosts: SNI contexts, the SNI callback, strict SNI" ON)
option(PETLS_WITH_ALPN "ALPN: protocol lists, the server's ALPN callback" ON)
option(PETLS_WITH_PSK "External pre-shared keys (TLS 1.2 PSK, TLS 1.3 PSK)" ON)
option(PETLS_WITH_TICKETS
  "Server stateless session tickets: the ticket key ring, rotation, key files"
  ON)
option(PETLS_WITH_SESSION_CACHE
  "Server session cache, external session stores, stateful tickets, client session cache"
  ON)
option(PETLS_WITH_RENEG_LIMITS
  "TLS 1.2 renegotiation: Node's client limiter, petls_renegotiate() (OFF: refused)"
  ON)
option(PETLS_WITH_KEYLOG "NSS key log callback (SSLKEYLOGFILE lines)" ON)
option(PETLS_WITH_EXPORTER "Keying-material exporter (RFC 5705 / RFC 8446)" ON)

set(PETLS_FEATURES_ON)
set(PETLS_FEATURES_OFF)
foreach(f IN LISTS PETLS_FEATURES)
  if(PETLS_WITH_${f})
    add_compile_definitions(PETLS_WITH_${f}=1)
    list(APPEND PETLS_FEATURES_ON ${f})
  else()
    add_compile_definitions(PETLS_WITH_${f}=0)
    list(APPEND PETLS_FEATURES_OFF ${f})
  endif()
endforeach()
# The installed package records the set (petlsConfig.cmake: petls_FEATURES,
# petls_WITH_<X>; petls.pc: the features variable).
string(REPLACE ";" " " PETLS_FEATURES_STRING "${PETLS_FEATURES_ON}")
if(PETLS_FEATURES_OFF)
  string(REPLACE ";" " " _off "${PETLS_FEATURES_OFF}")
  message(STATUS "petls: features compiled out: ${_off}")
endif()

# The ClientHello parser (client_hello.c) is always built: every server
# connection's ClientHello is judged by it (an extension sent twice gets
# illegal_parameter, RFC 8446 4.2, which mbedTLS 3.6 does not check).
# The ClientHello pre-parse (session_preparse.c) serves the
# external store and stateful mode, the SNI callback's late answer and the
# ALPN callback; the server's session hooks (session_server.c) serve
# tickets and the cache, and read the ClientHello through client_hello.c
# for TLS 1.3 psk_ke resumption (so client_hello.c, and session_preparse.c
# with it, is compiled with tickets too; the pre-parse still runs only for
# the configs above that need it).
set(PETLS_WITH_PREPARSE OFF)
if(PETLS_WITH_SESSION_CACHE OR PETLS_WITH_SNI OR PETLS_WITH_ALPN OR
   PETLS_WITH_TICKETS)
  set(PETLS_WITH_PREPARSE ON)
endif()
set(PETLS_WITH_SERVER_SESSIONS OFF)
if(PETLS_WITH_TICKETS OR PETLS_WITH_SESSION_CACHE)
  set(PETLS_WITH_SERVER_SESSIONS ON)
endif()

# Replaces, in the source list <var> (paths relative to src/: the engine's
# or the backend's), each compiled-out feature's files by the stub of its
# public calls (none: the files just go); a stub is added only to the list
# its files were in. The feature's hooks need no stub: it is absent from
# the feature table (src/core/features.c).
function(petls_feature_sources var)
  set(srcs ${${var}})
  # feature | files | stub
  set(_map
    "SNI|feature/sni/sni.c|feature/sni/sni_off.c"
    "ALPN|feature/alpn/alpn.c,feature/alpn/alpn_list.c|feature/alpn/alpn_off.c"
    "PSK|feature/psk/psk.c|feature/psk/psk_off.c"
    "TICKETS|feature/resume/ticket_keys.c,feature/resume/ticket_config.c|feature/resume/tickets_off.c"
    "SESSION_CACHE|feature/resume/session_cache.c,feature/resume/session_seal.c,feature/resume/session_config.c|feature/resume/session_cache_off.c"
    "PREPARSE|accept/session_preparse.c|accept/preparse_off.c"
    "SERVER_SESSIONS|feature/resume/session_server.c|"
    "RENEG_LIMITS|feature/reneg/renegotiation.c|feature/reneg/reneg_off.c"
    "KEYLOG|feature/keylog/keylog.c|feature/keylog/keylog_off.c"
    "EXPORTER|feature/records/exporter.c|feature/records/exporter_off.c"
    # The backend's side, where it splits cleanly.
    "ALPN|backend/mbedtls/mbedtls_alpn.c|"
    "KEYLOG|backend/mbedtls/mbedtls_keylog.c|")
  foreach(entry IN LISTS _map)
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 f)
    list(GET parts 1 files)
    list(GET parts 2 stub)
    if(NOT PETLS_WITH_${f})
      string(REPLACE "," ";" files "${files}")
      list(LENGTH srcs before)
      list(REMOVE_ITEM srcs ${files})
      list(LENGTH srcs after)
      if(stub AND NOT before EQUAL after)
        list(APPEND srcs ${stub})
      endif()
    endif()
  endforeach()
  set(${var} ${srcs} PARENT_SCOPE)
endfunction()
