# Which tests need which optional feature (cmake/PetlsFeatures.cmake).
# Included by tests/CMakeLists.txt: drops from PETLS_UNIT_SOURCES the unit
# test files of compiled-out features and adds tests/unit/features_off/*.c;
# PETLS_INTEROP_SKIP_RE matches the interop scripts to leave out.

# feature | unit test files (globs, under unit/) | interop scripts (regex)
set(_petls_feature_tests
  "SNI|test_sni.c|sni|psk_sni"
  "ALPN|test_alpn.c|alpn"
  "PSK|test_psk.c|psk"
  "TICKETS|test_ticket_keys.c,test_resume_*.c|resume"
  "SESSION_CACHE|test_session_cache.c,test_session_seal.c,test_resume_*.c,test_store_shm.c|resume"
  "RENEG_LIMITS|test_reneg.c|reneg"
  "KEYLOG|test_keylog.c|keylog"
  "EXPORTER|test_exporter.c|exporter")

set(PETLS_INTEROP_SKIP_RE "")
set(_petls_any_off OFF)
foreach(entry IN LISTS _petls_feature_tests)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 f)
  list(GET parts 1 files)
  list(GET parts 2 scripts)
  if(NOT PETLS_WITH_${f})
    set(_petls_any_off ON)
    string(REPLACE "," ";" files "${files}")
    foreach(g IN LISTS files)
      file(GLOB _drop ${CMAKE_CURRENT_SOURCE_DIR}/unit/${g})
      if(_drop)
        list(REMOVE_ITEM PETLS_UNIT_SOURCES ${_drop})
      endif()
    endforeach()
    if(scripts)
      if(PETLS_INTEROP_SKIP_RE)
        set(PETLS_INTEROP_SKIP_RE "${PETLS_INTEROP_SKIP_RE}|${scripts}")
      else()
        set(PETLS_INTEROP_SKIP_RE "${scripts}")
      endif()
    endif()
  endif()
endforeach()
if(_petls_any_off)
  file(GLOB _off CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/unit/features_off/*.c)
  list(APPEND PETLS_UNIT_SOURCES ${_off})
endif()
