#!/usr/bin/env bash
# Builds petls with every PETLS_WITH_* option OFF (cmake/PetlsFeatures.cmake)
# in build-features-off/ and runs its ctest: the unit tests of the features
# that remain, tests/unit/features_off/ (each stub's exact error, plain
# TLS 1.2 and 1.3 handshakes), and the interop scripts that need no
# compiled-out feature (tests/features.cmake leaves the others out).
#
# Usage: tests/run/features-off.sh [BUILD_DIR]   (default build-features-off)
# Env: JOBS (default 2), FEATURES_OFF (default: all of them, e.g.
# "SNI ALPN" to turn off only those), COMPACT (default ON:
# PETLS_COMPACT_MESSAGES).
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$here/build-features-off}
jobs=${JOBS:-2}
all="SNI ALPN PSK TICKETS SESSION_CACHE RENEG_LIMITS KEYLOG EXPORTER"
off=${FEATURES_OFF:-$all}

args=()
for f in $all; do
  case " $off " in
    *" $f "*) args+=("-DPETLS_WITH_$f=OFF") ;;
    *) args+=("-DPETLS_WITH_$f=ON") ;;
  esac
done

# The smallest engine also takes the compact host-mismatch messages
# (cmake/PetlsTables.cmake; COMPACT=OFF for Node's): the unit tests then
# check those.
args+=("-DPETLS_COMPACT_MESSAGES=${COMPACT:-ON}")
cmake -S "$here" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPETLS_BUILD_BENCH=OFF -DPETLS_BUILD_FUZZ=OFF "${args[@]}"
cmake --build "$dir" -j"$jobs"
cd "$dir"
ctest --output-on-failure --timeout 300 -j"$jobs"
