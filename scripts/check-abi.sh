#!/usr/bin/env bash
# Checks the ABI of a built libpetls.so (docs/ABI.md):
# - its SONAME is libpetls.so.SOVERSION;
# - it exports only petls_* symbols, each versioned PETLS_SOVERSION (the
#   linker version script src/petls.map), so no mbedTLS or libc symbol
#   leaks out of it;
# - it exports every function include/petls.h declares;
# - petls.pc and petlsConfigVersion.cmake carry the release version, which
#   the `petls --version` line (petls_version_string) reports too.
# Exits 1 listing what is wrong, 0 when all holds.
#
# Usage: scripts/check-abi.sh BUILD_DIR VERSION SOVERSION
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR VERSION SOVERSION}" && pwd)
version=${2:?}
soversion=${3:?}
lib=$(find "$build" -name 'libpetls.so' -not -path '*/_deps/*' | head -1)
[ -n "$lib" ] || { echo "check-abi: no libpetls.so under $build" >&2; exit 1; }
status=0
fail() { echo "check-abi: $*"; status=1; }

soname=$(readelf -d "$lib" | sed -nE 's/.*Library soname: \[(.*)\]/\1/p')
[ "$soname" = "libpetls.so.$soversion" ] ||
  fail "SONAME is '$soname', expected libpetls.so.$soversion"

# Defined dynamic symbols, "name@@VERSION" (the version node itself is an
# absolute symbol named like the node).
syms=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -vx "PETLS_$soversion" || true)
[ -n "$syms" ] || fail "$lib exports nothing"
bad=$(printf '%s\n' "$syms" | grep -v '^petls_' || true)
[ -z "$bad" ] || fail "exported symbols that are not petls_*:" $'\n' "$bad"
unversioned=$(printf '%s\n' "$syms" | grep -v "@@PETLS_$soversion\$" || true)
[ -z "$unversioned" ] ||
  fail "symbols without the version PETLS_$soversion:" $'\n' "$unversioned"
exported=$(printf '%s\n' "$syms" | sed 's/@.*//' | sort -u)

# Declared in the public header (as scripts/check-man-pages.sh reads it).
declared=$(cat "$root/include/petls.h" "$root/include/petls_store.h" | sed -e 's:/\*.*\*/::g' | grep -v '^[[:space:]]*#' |
  grep -oE '\bpetls_[a-z0-9_]+[[:space:]]*\(' | sed -E 's/[[:space:]]*\($//' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
# Calls of the separately installed libraries (libpetls-store.so: the
# Redis store) are theirs; one built without hiredis has none.
others=$(find "$build" -name 'libpetls-*.so' -not -path '*/_deps/*')
if [ -n "$others" ]; then
  missing=$(comm -23 <(printf '%s\n' "$missing") \
    <(for o in $others; do nm -D --defined-only "$o" | awk '{print $3}' | sed 's/@.*//'; done | sort -u))
else
  # No store library (a build without hiredis once the stores are their own
  # library): the Redis calls are not petls's.
  if ! printf '%s\n' "$exported" | grep -q '^petls_store_redis_'; then
    missing=$(printf '%s\n' "$missing" | grep -v '^petls_store_redis_' || true)
  fi
fi
[ -z "$missing" ] || fail "declared in petls.h but not exported:" $'\n' "$missing"
extra=$(comm -13 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
[ -z "$extra" ] || fail "exported but not declared in petls.h:" $'\n' "$extra"

pcver=$(sed -n 's/^Version: //p' "$build/petls.pc")
[ "$pcver" = "$version" ] || fail "petls.pc says Version: '$pcver', expected $version"
grep -q "set(PACKAGE_VERSION \"$version\")" "$build/petlsConfigVersion.cmake" ||
  fail "petlsConfigVersion.cmake does not say $version"
cli=$(find "$build" -type f -name petls -perm -u+x | head -1)
if [ -n "$cli" ]; then
  line=$("$cli" --version)
  case "$line" in
  "petls $version "*) ;;
  *) fail "petls --version says '$line', expected 'petls $version ...'" ;;
  esac
fi

[ "$status" = 0 ] && echo "check-abi: $soname, $(printf '%s\n' "$exported" | wc -l)" \
  "symbols, all petls_* @@PETLS_$soversion; version $version everywhere"
exit "$status"
