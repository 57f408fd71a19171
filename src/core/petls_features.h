/*
 * Which optional features this build of the engine contains
 * (the defaults: backend/backend_features.h). A compiled-out feature is
 * absent from the feature table (feature.h, features.c); its public
 * functions are replaced by a stub beside its files
 * (src/feature/<name>/<name>_off.c) that fails with PETLS_FEATURE_OFF_MSG.
 */
#ifndef PETLS_FEATURES_H_
#define PETLS_FEATURES_H_

#include "backend/backend_features.h"

/* A server resumes with tickets or with the cache/store. */
#define PETLS_WITH_SERVER_SESSIONS                                             \
    (PETLS_WITH_TICKETS || PETLS_WITH_SESSION_CACHE)

/* The ClientHello stage (accept/session_preparse.c) serves the session
 * store and stateful mode, the SNI and ALPN callbacks, and the server's
 * TLS 1.3 psk_ke (cmake/PetlsFeatures.cmake: PETLS_WITH_PREPARSE). */
#define PETLS_WITH_PREPARSE                                                    \
    (PETLS_WITH_SESSION_CACHE || PETLS_WITH_SNI || PETLS_WITH_ALPN ||          \
     PETLS_WITH_TICKETS)

/* "SNI support was compiled out (PETLS_WITH_SNI=OFF)" */
#define PETLS_FEATURE_OFF_MSG(what, option)                                    \
    what " support was compiled out (" option "=OFF)"

#endif /* PETLS_FEATURES_H_ */
