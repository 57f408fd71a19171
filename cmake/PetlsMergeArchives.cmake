# cmake -DAR=ar -DOUT=libpetls.a -DARCHIVES="a.a|b.a" -P PetlsMergeArchives.cmake
# Appends every member of ARCHIVES to OUT (an ar MRI script: members with the
# same name in several archives, error.c.o in petls and in mbedcrypto, are
# all kept), so that the installed libpetls.a carries the mbedTLS it was
# built with (PETLS_MBEDTLS_STATIC). Run after each link of libpetls.a.
if(NOT AR OR NOT OUT OR NOT ARCHIVES)
  message(FATAL_ERROR "PetlsMergeArchives: AR, OUT and ARCHIVES are required")
endif()
string(REPLACE "|" ";" ARCHIVES "${ARCHIVES}")
set(_tmp "${OUT}.merge")
set(_mri "CREATE ${_tmp}\nADDLIB ${OUT}\n")
foreach(_a IN LISTS ARCHIVES)
  string(APPEND _mri "ADDLIB ${_a}\n")
endforeach()
string(APPEND _mri "SAVE\nEND\n")
file(WRITE "${OUT}.mri" "${_mri}")
execute_process(COMMAND "${AR}" -M INPUT_FILE "${OUT}.mri"
  RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "PetlsMergeArchives: ${AR} -M failed: ${_err}")
endif()
file(RENAME "${_tmp}" "${OUT}")
file(REMOVE "${OUT}.mri")
