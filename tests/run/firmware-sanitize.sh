#!/usr/bin/env bash
# The firmware program (tests/firmware/: client and server in memory) built
# for this machine under ASan+UBSan, against mbedTLS compiled from source
# with each constrained config (tls13_min, psk12_min). Those configs switch
# on code the host suite never compiles (no X.509, no PEM writer, CCM
# sealing, the peer-chain trim), so this is where the sanitizers see it.
# petls uses the bare-metal port with the C library's allocator
# (FW_SYSTEM_HEAP), so every allocation is visible to ASan and LSan.
#
# Usage: tests/run/firmware-sanitize.sh [OUT_DIR]   (default: build-fw-sanitize)
# Env: JOBS (default 2), FW_SANITIZE_CONFIGS (default "tls13_min psk12_min").
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$here/build-fw-sanitize}
mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=${JOBS:-2}
src=${PETLS_MBEDTLS_SRC:-$here/.deps/mbedtls-src}
fw="$here/tests/firmware"
san=(-fsanitize=address,undefined -fno-sanitize-recover=undefined
  -fno-omit-frame-pointer)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

die() { echo "firmware-sanitize: $*" >&2; exit 1; }
[ -f "$src/include/mbedtls/build_info.h" ] || die "no mbedTLS source in $src"

# The credentials the program embeds (generated, never committed).
FW_CREDS_ONLY=1 PETLS_MBEDTLS_SRC="$src" "$here/tests/run/firmware.sh" "$out" \
  >/dev/null || die "credentials: tests/run/firmware.sh failed"

status=0
for config in ${FW_SANITIZE_CONFIGS:-tls13_min psk12_min}; do
  start=$SECONDS
  dir="$out/$config"
  run_src=("$fw/main.c" "$fw/hosted.c")
  defs=(-DFW_HOSTED -DFW_SYSTEM_HEAP)
  if [ "$config" = psk12_min ]; then
    run_src+=("$fw/psk12.c")
    defs+=(-DFW_PSK12)
  fi
  if ! cmake -S "$here" -B "$dir" -DCMAKE_BUILD_TYPE=Debug \
    -DPETLS_PORT=none -DPETLS_SANITIZE=ON -DPETLS_MBEDTLS_CONFIG="$config" \
    -DPETLS_MBEDTLS_SOURCE_DIR="$src" -DPETLS_BUILD_SHARED=OFF \
    -DPETLS_BUILD_TOOLS=OFF -DPETLS_BUILD_TESTS=OFF -DPETLS_BUILD_FUZZ=OFF \
    -DPETLS_BUILD_BENCH=OFF >"$dir.configure.log" 2>&1 ||
    ! cmake --build "$dir" -j"$jobs" --target petls_static mbedtls mbedx509 \
      mbedcrypto >"$dir.build.log" 2>&1; then
    echo "firmware-sanitize[$config]: build failed; see $dir.build.log" >&2
    grep -E 'error' "$dir.build.log" | head -20 >&2
    status=1
    continue
  fi
  libs=()
  for l in petls mbedtls mbedx509 mbedcrypto; do
    libs+=("$(find "$dir" -name "lib$l.a" | head -1)")
  done
  if ! gcc -g -O1 -std=c11 -Wall -Wextra -Werror "${san[@]}" "${defs[@]}" \
    -I"$here/include" -I"$here/port/none" -I"$fw" "${run_src[@]}" \
    "$out/fw_creds.c" -Wl,--start-group "${libs[@]}" -Wl,--end-group \
    -o "$dir/petls-inmemory" >"$dir.link.log" 2>&1; then
    echo "firmware-sanitize[$config]: link failed; see $dir.link.log" >&2
    head -20 "$dir.link.log" >&2
    status=1
    continue
  fi
  timeout 300 "$dir/petls-inmemory" >"$dir.run.log" 2>&1
  rc=$?
  # A sanitizer report fails the run even if the program got to PASS.
  if [ "$rc" = 0 ] && [ "$(tail -1 "$dir.run.log")" = "PETLS-FIRMWARE: PASS" ] &&
    ! grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$dir.run.log"; then
    echo "-- $config: PASS under ASan+UBSan ($((SECONDS - start)) s)"
  else
    echo "firmware-sanitize[$config]: failed (exit $rc):" >&2
    tail -30 "$dir.run.log" >&2
    status=1
  fi
done
exit "$status"
