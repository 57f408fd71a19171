# Installation: the libraries, the public header, a CMake package
# (find_package(petls) -> petls::petls, petls::petls_static) and petls.pc.
# Included at the end of src/CMakeLists.txt, where the library targets live;
# expects _petls_targets (the library targets that were built).

include(CMakePackageConfigHelpers)

set(PETLS_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/petls")
if(PETLS_PORT STREQUAL "posix")
  set(PETLS_NEEDS_THREADS TRUE)
else()
  set(PETLS_NEEDS_THREADS FALSE)
endif()

if(TARGET petls AND PETLS_MBEDTLS_PC_LIBDIR)
  # An mbedTLS outside the system directories (e.g. .deps/) stays reachable
  # from the installed shared library.
  set_target_properties(petls PROPERTIES
    INSTALL_RPATH "${PETLS_MBEDTLS_PC_LIBDIR}")
endif()
if(TARGET petls_static AND NOT PETLS_MBEDTLS_BUNDLED)
  # Installed static consumers get mbedTLS through petls::mbedtls, which
  # petlsConfig.cmake defines (the build tree's petls_mbedtls is not
  # exported). With PETLS_MBEDTLS_STATIC, libpetls.a holds mbedTLS itself.
  target_link_libraries(petls_static INTERFACE
    "$<INSTALL_INTERFACE:petls::mbedtls>")
endif()

install(TARGETS ${_petls_targets} EXPORT petlsTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/petls.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(PETLS_PORT STREQUAL "none")
  install(FILES ${PROJECT_SOURCE_DIR}/port/none/petls_port_none.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()

install(EXPORT petlsTargets NAMESPACE petls:: DESTINATION ${PETLS_CMAKE_DIR})
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/petlsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/petlsConfig.cmake
  INSTALL_DESTINATION ${PETLS_CMAKE_DIR})
# 0.x: minor versions may break the API; 1.x on: same major is compatible.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_compat SameMinorVersion)
else()
  set(_compat SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/petlsConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY ${_compat})
install(FILES ${PROJECT_BINARY_DIR}/petlsConfig.cmake
  ${PROJECT_BINARY_DIR}/petlsConfigVersion.cmake
  DESTINATION ${PETLS_CMAKE_DIR})

# pkg-config. The prefix is found relative to the .pc file, so that an
# installation stays usable when moved (cmake --install --prefix, staging
# directories). mbedTLS's own .pc files are used when pkg-config finds a 3.6
# one; otherwise (.deps/, a source build) its libraries are named directly.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PETLS_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(PETLS_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(PETLS_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(PETLS_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PETLS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _rel "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" _rel "${_rel}")
  set(PETLS_PC_PREFIX "\${pcfiledir}/${_rel}")
endif()
set(PETLS_PC_REQUIRES_PRIVATE "")
set(PETLS_PC_LIBS_PRIVATE "${PETLS_MBEDTLS_PC_LIBS}")
if(NOT PETLS_MBEDTLS_BUNDLED AND NOT PETLS_MBEDTLS_SOURCE_DIR
   AND NOT PETLS_MBEDTLS_PC_LIBDIR)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(_petls_pc_mbedtls QUIET "mbedtls>=3.6")
    if(_petls_pc_mbedtls_FOUND)
      set(PETLS_PC_REQUIRES_PRIVATE
        "mbedtls >= 3.6, mbedx509 >= 3.6, mbedcrypto >= 3.6")
      set(PETLS_PC_LIBS_PRIVATE "")
    endif()
  endif()
endif()
if(PETLS_NEEDS_THREADS)
  string(APPEND PETLS_PC_LIBS_PRIVATE " -pthread")
endif()
string(STRIP "${PETLS_PC_LIBS_PRIVATE}" PETLS_PC_LIBS_PRIVATE)
configure_file(${PROJECT_SOURCE_DIR}/cmake/petls.pc.in
  ${PROJECT_BINARY_DIR}/petls.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/petls.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# compat/libtls's libtls.pc reuses these (it is configured in another
# directory scope).
foreach(_v PETLS_PC_PREFIX PETLS_PC_LIBDIR PETLS_PC_INCLUDEDIR
           PETLS_PC_LIBS_PRIVATE PETLS_PC_REQUIRES_PRIVATE)
  set(${_v} "${${_v}}" PARENT_SCOPE)
endforeach()
