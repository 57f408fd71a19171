#!/usr/bin/env bash
# Cross-builds the Criterion suite (petls_unit_tests) for ARM Linux and runs
# it under qemu user mode: mbedTLS from .deps/mbedtls-src (full config),
# Criterion and the target's C library from Debian's multiarch packages in
# .deps/sysroot-<arch> (scripts/fetch-sysroot.sh). The interop scripts need
# host peers (openssl, gnutls, node) and stay native.
#
# Criterion starts each test worker by re-executing itself, which the host
# kernel cannot do for an ARM binary without binfmt_misc; the shim in
# tests/qemu-user/exec_via_qemu.c (preloaded into the emulated process)
# re-executes through qemu instead.
#
# Emulation is ~8x slower than the host, and Criterion's re-execution costs
# a qemu start per test: the whole suite (440 tests) takes about 9 minutes
# under qemu-aarch64, 2 under qemu-arm with the forking runner below (the
# subset: ~2 min and ~45 s). By default a subset runs: every suite except
# those that repeat many full handshakes (resumption stores and caches,
# threads, descriptors and TCP, renegotiation, verification matrices); the
# architecture-sensitive code (parsers, byte encodings, the arena, session
# and ticket sealing, the mbedTLS assembly through the handshake, SNI, ALPN
# and PSK suites) is all in it.
#
# armhf: Debian builds Criterion for amd64, arm64 and i386 only (the
# criterion and boxfort source packages, bookworm to sid), so unless
# .deps/sysroot-armhf holds one (scripts/fetch-sysroot.sh armhf, which
# exits 3 meanwhile), the same test sources are linked with
# tests/qemu-user/cr-compat/ instead: a small runner for the part of
# Criterion's API the suite uses (Test, TestSuite, cr_assert*), forking a
# child per test like Criterion. The C library is the cross compiler's own
# (/usr/arm-linux-gnueabihf), and as the runner forks without re-executing
# itself, no exec shim is needed. The runner's own self-test
# (cr-compat/selftest.c: passes, each kind of failure, a crash, a timeout,
# the pattern) must give its exact counts before the suite runs.
#
# After the run the Criterion synthesis line is kept in
# <build>/criterion-counts.txt; the step fails unless it reports every
# selected test passing (and at least one test).
#
# armhf-program: the firmware image's program as a static armhf Linux
# executable (run_armhf_program below); the armhf check before the suite ran.
#
# Usage: tests/run/qemu-user-tests.sh [ARCH...]   (arm64, armhf, armhf-program;
# default arm64 armhf)
# Env: JOBS (default 2), PETLS_QEMU_BUILD_ROOT (default: the repo, build dirs
# build-qemu-<arch>, kept between runs so mbedTLS is compiled once),
# PETLS_QEMU_TESTS (a Criterion pattern, e.g. 'arena/*'; "all" for every
# test; default: the subset above).
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
jobs=${JOBS:-2}
root=${PETLS_QEMU_BUILD_ROOT:-$here}
archs=("$@")
subset='!(resume_store|resume_cache|resume_keys|resume_modes|store_shm|store_redis|threads|backend_threads|backend_session|insecure|client_cert|backend_client_auth|backend_keypair|backend_verify|verify|tcp|fds|reneg)/*'
pattern=${PETLS_QEMU_TESTS:-$subset}
[ "$pattern" = all ] && pattern='*/*'

[ ${#archs[@]} -gt 0 ] || archs=(arm64 armhf)
status=0

# The firmware image's program (tests/firmware/main.c: a petls client and
# server in memory, TLS 1.3 handshake, data, resumption, the arena's
# accounting) built as a static armhf Linux executable on the bare-metal
# port with the tls13_min config, run under qemu-arm.
run_armhf_program() { # dir
  local dir=$1 fw="$here/tests/firmware" libs=() l start=$SECONDS
  mkdir -p "$dir"
  FW_CREDS_ONLY=1 "$here/tests/run/firmware.sh" "$dir" >/dev/null || return 1
  if ! cmake -S "$here" -B "$dir/lib" \
    -DCMAKE_TOOLCHAIN_FILE="$here/port/toolchains/arm-linux-gnueabihf.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DPETLS_PORT=none -DPETLS_NO_MALLOC=ON \
    -DPETLS_MBEDTLS_CONFIG=tls13_min \
    -DPETLS_MBEDTLS_SOURCE_DIR="$here/.deps/mbedtls-src" \
    -DPETLS_BUILD_SHARED=OFF -DPETLS_BUILD_TOOLS=OFF -DPETLS_BUILD_TESTS=OFF \
    -DPETLS_BUILD_FUZZ=OFF >"$dir/configure.log" 2>&1 ||
    ! cmake --build "$dir/lib" -j"$jobs" --target petls_static mbedtls \
      mbedx509 mbedcrypto >"$dir/build.log" 2>&1; then
    echo "qemu-user-tests[armhf]: build failed; see $dir/build.log" >&2
    grep -E 'error' "$dir/build.log" | head -20 >&2
    return 1
  fi
  for l in petls mbedtls mbedx509 mbedcrypto; do
    libs+=("$(find "$dir/lib" -name "lib$l.a" | head -1)")
  done
  if ! arm-linux-gnueabihf-gcc -O2 -std=c11 -Wall -Wextra -Werror -Wshadow \
    -Wstrict-prototypes -Wmissing-prototypes -Wvla -DFW_HOSTED \
    -I"$here/include" -I"$here/port/none" -I"$fw" \
    "$fw/main.c" "$fw/hosted.c" "$dir/fw_creds.c" \
    -Wl,--start-group "${libs[@]}" -Wl,--end-group -static \
    -o "$dir/petls-inmemory" >"$dir/link.log" 2>&1; then
    head -20 "$dir/link.log" >&2
    return 1
  fi
  echo "-- built in $((SECONDS - start)) s: $(file -b "$dir/petls-inmemory" | cut -d, -f1-2)"
  timeout 300 qemu-arm "$dir/petls-inmemory" | tee "$dir/run.log"
  if [ "$(tail -1 "$dir/run.log")" = "PETLS-FIRMWARE: PASS" ] &&
    grep -q '^handshake 2: TLSv1.3 .*resumed=1' "$dir/run.log"; then
    echo "-- armhf: in-memory handshake, data and resumption ok ($((SECONDS - start)) s)"
    return 0
  fi
  echo "qemu-user-tests[armhf]: the program did not pass" >&2
  return 1
}

# Criterion's synthesis line from the last ctest log: kept, printed, and
# checked (every selected test passed, at least one ran).
check_counts() { # arch dir
  local arch=$1 dir=$2 line tested passing
  line=$(grep -a '^\[====\] Synthesis:' "$dir/Testing/Temporary/LastTest.log" 2>/dev/null | tail -1)
  if [ -z "$line" ]; then
    echo "qemu-user-tests[$arch]: no Criterion synthesis in $dir/Testing/Temporary/LastTest.log" >&2
    return 1
  fi
  echo "$line" >"$dir/criterion-counts.txt"
  echo "-- $arch: $line"
  tested=$(sed -n 's/.*Tested: \([0-9]*\).*/\1/p' <<<"$line")
  passing=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<<"$line")
  [ -n "$tested" ] && [ "$tested" -gt 0 ] && [ "$passing" = "$tested" ]
}

run_arch() { # arch
  local arch=$1 triple qemu tc sysroot dir shim start=$SECONDS runner=criterion
  case "$arch" in
  arm64) triple=aarch64-linux-gnu qemu=qemu-aarch64 tc=aarch64-linux-gnu ;;
  armhf) triple=arm-linux-gnueabihf qemu=qemu-arm tc=arm-linux-gnueabihf ;;
  armhf-program) triple=arm-linux-gnueabihf qemu=qemu-arm ;;
  *) echo "qemu-user-tests: unknown arch '$arch'" >&2; return 2 ;;
  esac
  sysroot="$here/.deps/sysroot-$arch"
  dir="$root/build-qemu-$arch"
  command -v "$qemu" >/dev/null || { echo "qemu-user-tests: $qemu missing (package qemu-user)" >&2; return 1; }
  command -v "$triple-gcc" >/dev/null || { echo "qemu-user-tests: $triple-gcc missing" >&2; return 1; }
  if [ "$arch" = armhf-program ]; then
    echo "== armhf: in-memory client+server program under $qemu"
    run_armhf_program "$dir"
    return
  fi
  if [ "$arch" = armhf ] && [ ! -e "$sysroot/usr/lib/$triple/libcriterion.so" ]; then
    runner=cr-compat
  elif ! "$here/scripts/fetch-sysroot.sh" "$arch"; then
    return 1
  fi
  echo "== $arch: Criterion suite under $qemu ($runner)"
  mkdir -p "$dir"
  local emu cmake_args=()
  if [ "$runner" = criterion ]; then
    if [ ! -e "$sysroot/usr/lib/$triple/libcriterion.so" ]; then
      echo "qemu-user-tests: no Criterion for $arch in $sysroot" >&2
      return 1
    fi
    shim="$dir/exec_via_qemu.so"
    "$triple-gcc" -O2 -Wall -Wextra -Werror -shared -fPIC \
      "$here/tests/qemu-user/exec_via_qemu.c" -o "$shim" -ldl || return 1
    emu="$(command -v "$qemu");-L;$sysroot;-E;LD_PRELOAD=$shim"
    emu+=";-E;PETLS_QEMU_BIN=$(command -v "$qemu");-E;PETLS_QEMU_PREFIX=$sysroot"
    emu+=";-E;PETLS_QEMU_SHIM=$shim"
    cmake_args=(-DPETLS_TARGET_SYSROOT="$sysroot")
  else
    # The compat runner as a static library in place of libcriterion;
    # find_library/find_path leave preset cache variables alone.
    local compat="$here/tests/qemu-user/cr-compat"
    mkdir -p "$dir/cr-compat"
    "$triple-gcc" -O2 -std=c11 -Wall -Wextra -Werror -Wshadow \
      -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
      -I"$compat" -c "$compat/runner.c" -o "$dir/cr-compat/runner.o" &&
      "$triple-ar" rcs "$dir/cr-compat/libcr_compat.a" "$dir/cr-compat/runner.o" ||
      return 1
    # A runner that passed failing tests would make the run worthless: its
    # self-test must report exactly its known outcome first.
    local want='[====] Synthesis: Tested: 9 | Passing: 2 | Failing: 6 | Crashing: 1' got
    "$triple-gcc" -O2 -std=c11 -Wall -Wextra -Werror -I"$compat" \
      "$compat/selftest.c" "$dir/cr-compat/libcr_compat.a" \
      -o "$dir/cr-compat/selftest" || return 1
    got=$(timeout 60 "$qemu" -L "/usr/$triple" "$dir/cr-compat/selftest" \
      --jobs 2 --filter '!(skipped)/*' 2>"$dir/cr-compat/selftest.log" | tail -1)
    if [ "$got" != "$want" ]; then
      echo "qemu-user-tests[$arch]: cr-compat self-test: '$got', want '$want'" >&2
      cat "$dir/cr-compat/selftest.log" >&2
      return 1
    fi
    echo "-- cr-compat self-test ok: $got"
    emu="$(command -v "$qemu");-L;/usr/$triple"
    cmake_args=(-DCRITERION_INC="$compat" -DCRITERION_LIB="$dir/cr-compat/libcr_compat.a")
  fi
  if ! cmake -S "$here" -B "$dir" \
    -DCMAKE_TOOLCHAIN_FILE="$here/port/toolchains/$tc.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DPETLS_PORT=posix \
    "${cmake_args[@]}" "-DCMAKE_CROSSCOMPILING_EMULATOR=$emu" \
    -DPETLS_MBEDTLS_SOURCE_DIR="$here/.deps/mbedtls-src" \
    -DPETLS_MBEDTLS_CONFIG=full -DPETLS_BUILD_TOOLS=OFF \
    -DPETLS_BUILD_SHARED=OFF -DPETLS_BUILD_FUZZ=OFF \
    >"$dir/configure.log" 2>&1; then
    echo "qemu-user-tests[$arch]: configure failed; see $dir/configure.log" >&2
    tail -20 "$dir/configure.log" >&2
    return 1
  fi
  if ! cmake --build "$dir" -j"$jobs" --target petls_unit_tests \
    >"$dir/build.log" 2>&1; then
    echo "qemu-user-tests[$arch]: build failed; see $dir/build.log" >&2
    grep -E 'error' "$dir/build.log" | head -20 >&2
    return 1
  fi
  file "$dir/tests/petls_unit_tests" 2>/dev/null | sed 's/^/-- /'
  echo "-- built in $((SECONDS - start)) s"
  echo "-- tests: $pattern"
  # Criterion reads the pattern from the environment (--filter); qemu user
  # mode hands the host environment to the emulated process.
  rm -f "$dir/criterion-counts.txt"
  (cd "$dir" && CRITERION_TEST_PATTERN="$pattern" \
    ctest --output-on-failure --timeout 1200 -R '^(certs|unit)$')
  local rc=$?
  check_counts "$arch" "$dir" || rc=1
  echo "-- $arch: ctest rc=$rc, $((SECONDS - start)) s"
  return $rc
}

for a in "${archs[@]}"; do
  run_arch "$a" || status=1
done
[ "$status" = 0 ] && echo "qemu-user-tests: ok" || echo "qemu-user-tests: FAILED" >&2
exit "$status"
