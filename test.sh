#!/usr/bin/env bash
# The whole petls test suite, as CI runs it (.ci/run):
#   1. dependencies (scripts/install-deps.sh: only what is missing);
#   2. build/: build, then every ctest test (unit, interop, layering,
#      install consumer);
#   3. build-asan/: the same under ASan+UBSan;
#   4. libFuzzer targets built with clang, each run for FUZZ_SECONDS;
#   5. a host build with mbedTLS compiled from source (full config) and its
#      unit tests (the in-memory handshakes; the interop scripts are left to
#      the default build, to keep the suite well under its time budget),
#      and a build with every PETLS_WITH_* feature compiled out
#      (tests/run/features-off.sh);
#   6. the cross builds (Cortex-M4F and M33 bare metal, armhf, arm64), the
#      Criterion suite under qemu-aarch64 and qemu-arm, the Cortex-M4F
#      firmware image under qemu-system-arm, and the footprint report;
#   7. static checks (scripts/lint.sh) when PETLS_LINT=1.
# Ends with a line "N passed, N failed" (ctest tests count one each, other
# steps one each) and exits non-zero if anything failed.
#
# Env: JOBS (default 2), FUZZ_SECONDS (default 10), PETLS_SKIP="asan fuzz
# srcmbedtls features cross qemu firmware lwip footprint" (steps to skip, for local
# iteration; CI skips nothing), PETLS_QEMU_TESTS (Criterion pattern for the
# qemu-aarch64 and qemu-arm runs).
set -uo pipefail

cd "$(dirname "$0")"
root=$(pwd)
jobs=${JOBS:-2}
fuzz_seconds=${FUZZ_SECONDS:-10}
skip=" ${PETLS_SKIP:-} "
passed=0
failed=0
failures=()
t0=$(date +%s)

log() { printf '\n=== %s\n' "$*"; }
ok() { passed=$((passed + 1)); }
ko() {
  failed=$((failed + 1))
  failures+=("$1")
  echo "FAILED: $1" >&2
}
# Runs one step; counts it as one test.
step() { # name cmd...
  local name=$1 start=$SECONDS
  shift
  log "$name"
  if "$@"; then ok; else ko "$name"; fi
  echo "--- $name: $((SECONDS - start)) s"
}
skipped() { case "$skip" in *" $1 "*) echo "(skipping $1: PETLS_SKIP)"; return 0 ;; esac; return 1; }

configure_build() { # dir cmake-args...
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" "$@" && cmake --build "$dir" -j"$jobs"
}

# Runs ctest in a build dir; every test counts. A ctest that cannot run at
# all counts as one failure.
run_ctest() { # label dir [ctest args...]
  local label=$1 dir=$2 out rc start=$SECONDS
  shift 2
  log "ctest ($label)"
  out=$(mktemp)
  (cd "$dir" && ctest --output-on-failure --timeout 600 "$@") 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  local total fails
  total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$out" | tail -1)
  fails=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$out" | tail -1)
  if [ -n "$total" ] && [ "$total" -gt 0 ]; then
    passed=$((passed + total - fails))
    failed=$((failed + fails))
    while IFS= read -r t; do
      failures+=("$label: $t")
    done < <(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) .*/\1/p' "$out")
    if [ "$fails" = 0 ] && [ "$rc" != 0 ]; then ko "$label: ctest exited $rc"; fi
  else
    ko "$label: ctest found no tests or could not run"
  fi
  rm -f "$out"
  echo "--- ctest ($label): $((SECONDS - start)) s"
}

# ---- 1. Dependencies ---------------------------------------------------------
step "dependencies" scripts/install-deps.sh
step "API reference covers include/petls.h" scripts/check-api-docs.sh

# ---- 2. Default build ----------------------------------------------------------
if step "build (build/)" configure_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPETLS_LIBTLS=ON; then :; fi
if [ -f build/CTestTestfile.cmake ]; then run_ctest default build; fi

# ---- 3. ASan + UBSan -----------------------------------------------------------
if ! skipped asan; then
  step "build (build-asan/, ASan+UBSan)" configure_build build-asan \
    -DCMAKE_BUILD_TYPE=Debug -DPETLS_SANITIZE=ON
  if [ -f build-asan/CTestTestfile.cmake ]; then
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
      UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
      run_ctest asan build-asan
  fi
fi

# ---- 4. Fuzzing ----------------------------------------------------------------
fuzz() {
  if [ ! -f tests/fuzz/CMakeLists.txt ] || [ ! -f tests/fuzz/run-fuzz.sh ]; then
    echo "tests/fuzz/CMakeLists.txt or run-fuzz.sh missing" >&2
    return 1
  fi
  CC=clang configure_build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPETLS_BUILD_FUZZ=ON -DPETLS_BUILD_TESTS=OFF -DPETLS_BUILD_TOOLS=OFF \
    -DPETLS_BUILD_SHARED=OFF &&
    bash tests/fuzz/run-fuzz.sh build-fuzz "$fuzz_seconds"
}
if ! skipped fuzz; then
  step "fuzz (clang libFuzzer, ${fuzz_seconds} s per target)" fuzz
fi

# ---- 5. mbedTLS from source ------------------------------------------------
if ! skipped srcmbedtls; then
  if step "build (build-srcmbedtls/, mbedTLS from .deps/mbedtls-src, full config)" \
    configure_build build-srcmbedtls -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DPETLS_MBEDTLS_SOURCE_DIR=$root/.deps/mbedtls-src" \
    -DPETLS_MBEDTLS_CONFIG=full; then
    run_ctest srcmbedtls build-srcmbedtls -R '^unit$'
  fi
fi

# ---- 5b. Features compiled out ---------------------------------------------
# Every PETLS_WITH_* option OFF: the remaining tests, the stubs' errors,
# plain handshakes (~1.5 min).
if ! skipped features; then
  step "every PETLS_WITH_* OFF (build-features-off/)" \
    tests/run/features-off.sh build-features-off
fi

# ---- 6. Cross builds -------------------------------------------------------
if ! skipped cross; then
  # arm64 is built (and run) by the qemu step below.
  crosslinux="armhf arm64"
  skipped qemu >/dev/null || crosslinux="armhf"
  step "cross builds (Cortex-M4F, Cortex-M33, $crosslinux)" \
    env PETLS_CROSS_LINUX="$crosslinux" scripts/cross-build.sh build-cross
fi

# ---- 6b. Embedded and ARM under emulation ----------------------------------
# The Criterion suite cross-built for aarch64 and run under qemu-aarch64
# (a portable subset by default: the whole suite takes ~9 min emulated;
# PETLS_QEMU_TESTS=all runs all of it).
if ! skipped qemu; then
  step "Criterion suite under qemu-aarch64 (build-qemu-arm64/)" \
    tests/run/qemu-user-tests.sh arm64
  # armhf under qemu-arm: Debian has no armhf Criterion, so
  # tests/qemu-user/cr-compat runs the test sources. Its runner forks
  # instead of starting a new qemu per test, so the whole suite fits (~2
  # min) where arm64 runs a subset.
  step "unit suite under qemu-arm (build-qemu-armhf/)" \
    env PETLS_QEMU_TESTS="${PETLS_QEMU_TESTS:-all}" tests/run/qemu-user-tests.sh armhf
fi
# The Cortex-M4F image under qemu-system-arm: TLS 1.3 handshake, data,
# resumption, peak heap and stack; then the TLS 1.2 PSK-only build (no
# X.509): PSK-AES-CCM handshakes, resumption, refused PSKs.
if ! skipped firmware; then
  step "firmware image under QEMU mps2-an386 (build-firmware/)" \
    tests/run/firmware.sh build-firmware
  step "firmware image, psk12_min mbedTLS config (build-firmware-psk12/)" \
    env PETLS_FW_CONFIG=psk12_min tests/run/firmware.sh build-firmware-psk12
  # The same programs on this machine under ASan+UBSan, against both
  # constrained configs (code the host suite never compiles).
  step "firmware programs under ASan+UBSan, tls13_min and psk12_min (build-fw-sanitize/)" \
    tests/run/firmware-sanitize.sh build-fw-sanitize
  # The lwIP example firmware (examples/firmware/: petls on lwIP, LAN9118
  # netif) booted by examples/firmware/qemu.sh with QEMU user networking,
  # against openssl s_client on the host.
  if ! skipped lwip; then
    step "lwIP firmware server vs openssl s_client, Node, curl (build-fw-net/)" \
      tests/lwip/firmware_server.sh "$root/build-fw-net"
    step "lwIP firmware client vs openssl s_server and Node (build-fw-net/)" \
      tests/lwip/firmware_client.sh "$root/build-fw-net"
    step "lwIP firmware footprint (docs/footprint-lwip.md)" \
      scripts/footprint-lwip.sh "$root/build-fw-net"
  fi
  if ! skipped footprint; then
    step "footprint report (docs/footprint.md)" \
      env PETLS_FW_DIR="$root/build-firmware" PETLS_CROSS_DIR="$root/build-cross" \
      scripts/footprint.sh build-footprint
  fi
fi

# ---- 7. Static checks ------------------------------------------------------
if [ "${PETLS_LINT:-0}" = 1 ]; then
  step "lint" scripts/lint.sh build
fi

echo
echo "=== summary ($(($(date +%s) - t0)) s)"
for f in "${failures[@]+"${failures[@]}"}"; do echo "  failed: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
