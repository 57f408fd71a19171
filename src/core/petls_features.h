/*
 * Which optional features this build of the engine contains
 * (cmake/PetlsFeatures.cmake defines PETLS_WITH_<X>=0/1; a build without
 * CMake gets every feature). A compiled-out feature's files are replaced by
 * a stub beside them (src/feature/<name>/<name>_off.c, accept/preparse_off.c):
 * its public functions fail with
 * PETLS_FEATURE_OFF_MSG and its engine hooks do nothing.
 */
#ifndef PETLS_FEATURES_H_
#define PETLS_FEATURES_H_

#ifndef PETLS_WITH_SNI
#define PETLS_WITH_SNI 1
#endif
#ifndef PETLS_WITH_ALPN
#define PETLS_WITH_ALPN 1
#endif
#ifndef PETLS_WITH_PSK
#define PETLS_WITH_PSK 1
#endif
#ifndef PETLS_WITH_TICKETS
#define PETLS_WITH_TICKETS 1
#endif
#ifndef PETLS_WITH_SESSION_CACHE
#define PETLS_WITH_SESSION_CACHE 1
#endif
#ifndef PETLS_WITH_RENEG_LIMITS
#define PETLS_WITH_RENEG_LIMITS 1
#endif
#ifndef PETLS_WITH_KEYLOG
#define PETLS_WITH_KEYLOG 1
#endif
#ifndef PETLS_WITH_EXPORTER
#define PETLS_WITH_EXPORTER 1
#endif

/* A server resumes with tickets or with the cache/store. */
#define PETLS_WITH_SERVER_SESSIONS                                             \
    (PETLS_WITH_TICKETS || PETLS_WITH_SESSION_CACHE)

/* "SNI support was compiled out (PETLS_WITH_SNI=OFF)" */
#define PETLS_FEATURE_OFF_MSG(what, option)                                    \
    what " support was compiled out (" option "=OFF)"

#endif /* PETLS_FEATURES_H_ */
