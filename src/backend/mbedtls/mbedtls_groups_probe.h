/*
 * Which named groups an mbedTLS build has, for cmake/PetlsTables.cmake:
 * preprocessed (never compiled) with the build's mbedTLS config at
 * configure time, it leaves one PB_GROUP_PROBE(code) line per group that
 * pb_group_supported() (mbedtls_config.c) reports, and the engine's group
 * name table (src/policy/groups.c) keeps only those. The conditions are
 * pb_group_supported()'s: FFDHE through PSA, the EC groups through
 * mbedtls_ecp_curve_info_from_tls_id(), i.e. MBEDTLS_ECP_C and the curve's
 * MBEDTLS_ECP_DP_*_ENABLED. The unit test cipher_suites::groups_are_the_build
 * checks that the two agree.
 */
#include <mbedtls/build_info.h>

/* clang-format off */
#if defined(MBEDTLS_ECP_C)
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
PB_GROUP_PROBE(0017)
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
PB_GROUP_PROBE(0018)
#endif
#if defined(MBEDTLS_ECP_DP_SECP521R1_ENABLED)
PB_GROUP_PROBE(0019)
#endif
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
PB_GROUP_PROBE(001D)
#endif
#if defined(MBEDTLS_ECP_DP_CURVE448_ENABLED)
PB_GROUP_PROBE(001E)
#endif
#endif
#if defined(PSA_WANT_ALG_FFDH)
#if defined(PSA_WANT_DH_RFC7919_2048)
PB_GROUP_PROBE(0100)
#endif
#if defined(PSA_WANT_DH_RFC7919_3072)
PB_GROUP_PROBE(0101)
#endif
#if defined(PSA_WANT_DH_RFC7919_4096)
PB_GROUP_PROBE(0102)
#endif
#if defined(PSA_WANT_DH_RFC7919_6144)
PB_GROUP_PROBE(0103)
#endif
#if defined(PSA_WANT_DH_RFC7919_8192)
PB_GROUP_PROBE(0104)
#endif
#endif
/* clang-format on */
