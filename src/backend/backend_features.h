/*
 * Which optional features this build holds: cmake/PetlsFeatures.cmake
 * defines PETLS_WITH_<X>=0/1 for every target; a build without CMake gets
 * every feature. Neutral, so that both the engine (core/petls_features.h,
 * core/features.c: the feature table) and the backend (its side of a
 * feature, compiled only when the feature is in) read the same set.
 */
#ifndef PETLS_BACKEND_FEATURES_H_
#define PETLS_BACKEND_FEATURES_H_

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

#endif /* PETLS_BACKEND_FEATURES_H_ */
