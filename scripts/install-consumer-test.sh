#!/usr/bin/env bash
# Installs a built petls into a fresh prefix and checks that the installation
# stands on its own: nothing installed points into the source checkout or the
# build tree (RUNPATHs, .pc, CMake files), the installed tool starts with an
# empty environment, and a consumer (cmake/consumer/) builds and runs against
# the prefix alone - with find_package(petls) (petls::petls and
# petls::petls_static) and with pkg-config (shared and --static) - while the
# system's own mbedTLS (Debian 12's 2.28) is installed and must not be used.
#
# Usage: scripts/install-consumer-test.sh BUILD_DIR [MBEDTLS_PREFIX]
# MBEDTLS_PREFIX (the mbedTLS the build used, e.g. .deps/mbedtls/usr) is
# passed to the consumer only when the installed petls does not carry mbedTLS
# itself (PETLS_MBEDTLS_STATIC=OFF with an mbedTLS outside the system
# directories): then it is a real dependency, not a hint.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR [MBEDTLS_PREFIX]}" && pwd)
mbedtls_prefix=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}
# The consumer's world: the system's paths and nothing of this checkout.
clean_env=(env -i "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=$tmp")

step() { echo "== $*"; }
fail() {
  echo "install_consumer: FAIL: $*" >&2
  exit 1
}

# Installed into one prefix, then moved: whatever works below works from any
# prefix, and absolute paths to the first one would break.
step "install into a staging prefix, then move it"
cmake --install "$build" --prefix "$tmp/stage" >/dev/null
mv "$tmp/stage" "$tmp/prefix"
prefix="$tmp/prefix"
test -f "$prefix/include/petls.h" || fail "no include/petls.h"
pc=$(find "$prefix" -name petls.pc -path '*/pkgconfig/*' | head -1)
[ -n "$pc" ] || fail "no petls.pc installed"
libdir=$(dirname "$(dirname "$pc")")

step "nothing installed names the checkout or the build tree"
# Not bundled, an mbedTLS outside the system directories is reached where
# it is (libpetls.so's RUNPATH): that prefix may be named, nothing else.
bundled=$(sed -n 's/^set(petls_MBEDTLS_BUNDLED \(.*\))$/\1/p' \
  "$libdir/cmake/petls/petlsConfig.cmake")
echo "mbedTLS inside libpetls: $bundled"
forbidden=("$build" "$tmp/stage")
if [ "$bundled" = TRUE ] || [ -z "$mbedtls_prefix" ]; then
  forbidden+=("$here")
fi
# Text files (.pc, .cmake) and binaries (RUNPATH, embedded strings) alike;
# a binary's debug sections (source file names) are left out.
while IFS= read -r f; do
  probe=$f
  if file -b "$f" | grep -q '^ELF\|ar archive'; then
    probe="$tmp/probe"
    objcopy --strip-debug "$f" "$probe"
  fi
  for p in "${forbidden[@]}"; do
    if grep -qF "$p" "$probe"; then
      fail "${f#"$prefix"/} names $p"
    fi
  done
done < <(find "$prefix" -type f)
if grep -q hiredis "$pc"; then
  fail "petls.pc names hiredis (only libpetls-store uses it)"
fi
if [ -f "$libdir/libpetls.so" ] && readelf -d "$libdir/libpetls.so" | grep -q 'NEEDED.*hiredis'; then
  fail "libpetls.so needs hiredis (only libpetls-store uses it)"
fi

if [ -x "$prefix/bin/petls" ]; then
  step "the installed tool starts with an empty environment"
  out=$("${clean_env[@]}" "$prefix/bin/petls" --version) ||
    fail "installed petls does not start"
  echo "$out"
  case $out in "petls "*" (mbed TLS 3.6."*")") ;; *) fail "petls --version: $out" ;; esac
  if readelf -d "$prefix/bin/petls" | grep -q 'NEEDED.*libpetls'; then
    # shellcheck disable=SC2016 # a literal $ORIGIN
    readelf -d "$prefix/bin/petls" | grep -q 'RUNPATH.*\[\$ORIGIN/' ||
      fail "bin/petls has no \$ORIGIN RUNPATH"
  fi
fi
if [ -f "$libdir/libpetls.so" ] && [ "$bundled" = TRUE ]; then
  if readelf -d "$libdir/libpetls.so" | grep -q 'NEEDED.*libmbed'; then
    fail "libpetls.so needs a shared mbedTLS although it carries its own"
  fi
  if nm -D --defined-only "$libdir/libpetls.so" | grep -q ' mbedtls_'; then
    fail "libpetls.so exports mbedtls_* symbols"
  fi
fi

# A CA file for the consumer to parse (mbedTLS's X.509 code really runs).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -subj /CN=consumer-ca -days 2 \
  2>/dev/null

if [ -x "$prefix/bin/petls" ]; then
  step "the installed petls client reaches openssl s_server (CA only in SSL_CERT_FILE)"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/srv.key" -out "$tmp/srv.csr" -subj /CN=localhost 2>/dev/null
  printf 'subjectAltName=DNS:localhost\n' >"$tmp/srv.ext"
  openssl x509 -req -in "$tmp/srv.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
    -CAcreateserial -days 2 -extfile "$tmp/srv.ext" -out "$tmp/srv.pem" 2>/dev/null
  openssl s_server -accept 127.0.0.1:0 -cert "$tmp/srv.pem" -key "$tmp/srv.key" \
    -www -naccept 1 </dev/null >"$tmp/s_server.out" 2>&1 &
  srv_pid=$!
  trap 'kill "$srv_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  port=""
  for _ in $(seq 1 100); do # at most 10 s
    port=$(sed -nE 's/^ACCEPT 127\.0\.0\.1:([0-9]+)$/\1/p' "$tmp/s_server.out")
    [ -n "$port" ] && break
    kill -0 "$srv_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || fail "openssl s_server did not start: $(cat "$tmp/s_server.out")"
  out=$("${clean_env[@]}" "SSL_CERT_FILE=$tmp/ca.pem" timeout 20 \
    "$prefix/bin/petls" client "127.0.0.1:$port" --servername localhost \
    --idle 0.5 --send $'GET / HTTP/1.0\r\n\r\n' 2>&1) ||
    fail "installed petls client: $out"
  grep -qx "Verification: OK" <<<"$out" || fail "no 'Verification: OK' in: $out"
  grep -q "^HTTP/1.0 200 ok" <<<"$(tr -d '\r' <<<"$out")" ||
    fail "no HTTP answer from s_server in: $out"
  echo "Verification: OK, s_server answered"
  wait "$srv_pid" 2>/dev/null || true
fi

hints="$prefix"
if [ "$bundled" != TRUE ] && [ -n "$mbedtls_prefix" ]; then
  hints="$prefix;$mbedtls_prefix"
fi

# Runs a built consumer with an empty environment (plus the library path
# that a shared consumer linked without RUNPATH needs) and checks its line.
run_consumer() {
  local exe=$1 ldpath=${2:-}
  local out
  out=$("${clean_env[@]}" ${ldpath:+"LD_LIBRARY_PATH=$ldpath"} \
    "$exe" "$tmp/ca.pem") || fail "$exe failed"
  echo "$out"
  [[ $out == "petls consumer: petls "*"(mbed TLS 3.6."*"), CA loaded" ]] ||
    fail "$exe printed: $out"
  # The system's mbedTLS lives in /usr/lib or /lib (Debian 12: 2.28).
  if ldd "$exe" | grep -E '^\s*libmbed' | grep -qE '=> /(usr/)?lib'; then
    fail "$exe loads the system's mbedTLS 2.28: $(ldd "$exe" | grep mbed)"
  fi
}

step "find_package(petls) consumer (CMAKE_PREFIX_PATH=$hints only)"
"${clean_env[@]}" cmake -S "$here/cmake/consumer" -B "$tmp/cm" \
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_COMPILER=$cc" \
  "-DCMAKE_PREFIX_PATH=$hints" >"$tmp/cm.log" 2>&1 ||
  { cat "$tmp/cm.log"; fail "configuring the CMake consumer"; }
"${clean_env[@]}" cmake --build "$tmp/cm" >"$tmp/cmb.log" 2>&1 ||
  { cat "$tmp/cmb.log"; fail "building the CMake consumer"; }
for exe in "$tmp"/cm/consumer_store_shared "$tmp"/cm/consumer_store_static; do
  [ -x "$exe" ] || continue
  out=$("${clean_env[@]}" "$exe") || fail "$exe failed"
  [ "$out" = "petls store consumer: shm ok" ] || fail "$exe printed: $out"
  echo "$out"
done
ran=0
for exe in "$tmp"/cm/consumer_shared "$tmp"/cm/consumer_static; do
  [ -x "$exe" ] || continue
  run_consumer "$exe"
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || fail "no consumer was built"
if [ -f "$libdir/libpetls.a" ]; then
  [ -x "$tmp/cm/consumer_static" ] || fail "no petls::petls_static consumer"
  if readelf -d "$tmp/cm/consumer_static" | grep -q 'NEEDED.*libpetls'; then
    fail "consumer_static needs the shared libpetls"
  fi
  if [ "$bundled" = TRUE ] &&
    readelf -d "$tmp/cm/consumer_static" | grep -q 'NEEDED.*libmbed'; then
    fail "consumer_static needs a shared mbedTLS although libpetls.a has it"
  fi
fi

step "pkg-config consumer (PKG_CONFIG_PATH=$libdir/pkgconfig only)"
pcenv=("${clean_env[@]}" "PKG_CONFIG_PATH=$libdir/pkgconfig")
"${pcenv[@]}" pkg-config --exists petls || fail "pkg-config does not find petls"
if [ -f "$libdir/libpetls.so" ]; then
  # shellcheck disable=SC2046
  "${clean_env[@]}" "$cc" -o "$tmp/pc_shared" "$here/cmake/consumer/main.c" \
    $("${pcenv[@]}" pkg-config --cflags --libs petls)
  run_consumer "$tmp/pc_shared" "$libdir"
fi
if [ -f "$libdir/libpetls.a" ]; then
  # -static-pie would need a static libc; the archive is preferred with
  # -Wl,-Bstatic around what pkg-config --static gives for petls.
  libs=$("${pcenv[@]}" pkg-config --static --libs petls)
  # shellcheck disable=SC2046,SC2086
  "${clean_env[@]}" "$cc" -o "$tmp/pc_static" "$here/cmake/consumer/main.c" \
    $("${pcenv[@]}" pkg-config --cflags petls) \
    ${libs/-lpetls/-Wl,-Bstatic -lpetls -Wl,-Bdynamic}
  if readelf -d "$tmp/pc_static" | grep -q 'NEEDED.*libpetls'; then
    fail "pc_static linked the shared libpetls"
  fi
  run_consumer "$tmp/pc_static" \
    "$("${pcenv[@]}" pkg-config --static --libs-only-L petls | sed 's/-L//g; s/ /:/g')"
fi
echo "install_consumer: ok"
