#!/usr/bin/env bash
# A libtls program built from source against the installed drop-in: installs
# the build into a temporary prefix (tls.h, libtls.so.26, libtls.a,
# libtls.pc, the CMake package), builds catgirl from Debian's source package
# (fetched by scripts/install-deps.sh into .deps/catgirl-src) with
# pkg-config pointing at that prefix only, checks that it compiled against
# our tls.h without a warning and links our libtls.so.26, then runs the same
# IRC conversations as with Debian's binary (consumers.sh catgirl).
#
# Usage: catgirl-source.sh BUILD_DIR CERTDIR
# Env: PETLS_CATGIRL_SRC (default .deps/catgirl-src).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR CERTDIR}" && pwd)
certs=$(cd "${2:?usage: $0 BUILD_DIR CERTDIR}" && pwd)
src=${PETLS_CATGIRL_SRC:-$top/.deps/catgirl-src}
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[ -f "$src/.complete" ] && [ -x "$src/configure" ] ||
  fail "no catgirl source in $src (scripts/install-deps.sh fetches it)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/libtls-catgirl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

step "install the drop-in into $prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/tls.h include/petls_libtls.h lib/libtls.so.26 lib/libtls.a \
  lib/pkgconfig/libtls.pc lib/cmake/libtls/libtlsConfig.cmake; do
  [ -e "$prefix/$f" ] || fail "not installed: $f (configure with -DPETLS_LIBTLS=ON)"
done
[ "$(objdump -p "$prefix/lib/libtls.so.26" | awk '/SONAME/ {print $2}')" = libtls.so.26 ] ||
  fail "installed libtls.so.26 has another SONAME"

step "build catgirl $(cat "$src/.complete") against it"
cp -r "$src" "$tmp/catgirl"
(
  cd "$tmp/catgirl"
  # Only our prefix: a system libtls-dev must not be picked up.
  PKG_CONFIG_PATH=$prefix/lib/pkgconfig PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/lib/pkgconfig:/usr/share/pkgconfig \
    ./configure --prefix="$tmp/out" >/dev/null
  grep -q -- "-I$prefix/lib/pkgconfig/../../include" config.mk ||
    fail "configure did not take tls.h from $prefix: $(cat config.mk)"
  make -j2 catgirl >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log" >&2; fail "catgirl did not build"; }
)
if grep -E 'warning:|error:' "$tmp/make.log"; then
  fail "catgirl built with warnings against our tls.h"
fi
exe=$tmp/catgirl/catgirl
objdump -p "$exe" | grep -q 'NEEDED *libtls\.so\.26' || fail "catgirl does not link libtls.so.26"

step "run it: the conversations of consumers.sh"
CATGIRL=$exe bash "$here/consumers.sh" "$prefix/lib" "$certs" catgirl
echo "catgirl-source: passed"
