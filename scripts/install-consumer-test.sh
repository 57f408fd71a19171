#!/usr/bin/env bash
# Installs a built petls into a temporary prefix and builds and runs a small
# consumer (cmake/consumer/) against it: with find_package(petls) (shared and
# static) and with pkg-config (shared and static).
#
# Usage: scripts/install-consumer-test.sh BUILD_DIR [MBEDTLS_PREFIX]
# MBEDTLS_PREFIX: where mbedTLS is installed when not in a system directory
# (the same prefix the build used; e.g. .deps/mbedtls/usr).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR [MBEDTLS_PREFIX]}" && pwd)
mbedtls_prefix=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
cc=${CC:-cc}

step() { echo "== $*"; }

step "install into $prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/include/petls.h"
libdir=$(dirname "$(find "$prefix" -name petls.pc -path '*/pkgconfig/*' | head -1)")
libdir=$(dirname "$libdir")
ls "$libdir"/libpetls.* >/dev/null

step "find_package(petls) consumer"
cmake -S "$here/cmake/consumer" -B "$tmp/cm" -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_PREFIX_PATH=$prefix${mbedtls_prefix:+;$mbedtls_prefix}" >/dev/null
cmake --build "$tmp/cm" >/dev/null
ran=0
for exe in "$tmp"/cm/consumer_shared "$tmp"/cm/consumer_static; do
  [ -x "$exe" ] || continue
  "$exe"
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || { echo "no consumer was built" >&2; exit 1; }

step "pkg-config consumer"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
pkg-config --exists petls
if [ -f "$libdir/libpetls.so" ]; then
  # shellcheck disable=SC2046
  $cc -o "$tmp/pc_shared" "$here/cmake/consumer/main.c" \
    $(pkg-config --cflags --libs petls) "-Wl,-rpath,$libdir"
  "$tmp/pc_shared"
fi
if [ -f "$libdir/libpetls.a" ]; then
  # The archive by path, so the shared library cannot win; its private
  # dependencies from Libs.private.
  # shellcheck disable=SC2046
  $cc -o "$tmp/pc_static" "$here/cmake/consumer/main.c" \
    $(pkg-config --cflags petls) "$libdir/libpetls.a" \
    $(pkg-config --static --libs petls | sed 's/-lpetls\b//')
  # A dynamically linked mbedTLS outside the system directories.
  LD_LIBRARY_PATH="$(pkg-config --static --libs-only-L petls |
    sed 's/-L//g; s/ /:/g')${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$tmp/pc_static"
fi
echo "install_consumer: ok"
