#!/usr/bin/env bash
# Cross builds of the static library, mbedTLS built from source with a
# port/mbedtls/ config:
#   - Cortex-M4F bare metal (PETLS_PORT=none, cortex_m config, -Os); prints
#     arm-none-eabi-size of each engine object, their total, and of mbedTLS's
#     libraries;
#   - Cortex-M33 bare metal (PETLS_PORT=none, no-malloc, tls13_min config);
#   - arm-linux-gnueabihf and aarch64-linux-gnu (PETLS_PORT=posix, full
#     config).
# Needs .deps/mbedtls-src (scripts/install-deps.sh) and the cross compilers.
#
# Usage: scripts/cross-build.sh [OUT_DIR]   (default: build-cross)
# Env: PETLS_MBEDTLS_SRC (default .deps/mbedtls-src), JOBS (default 2),
# PETLS_CROSS_LINUX (ARM Linux targets, default "armhf arm64"; test.sh
# leaves arm64 to tests/run/qemu-user-tests.sh, which builds and runs it).
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/build-cross}
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=${PETLS_MBEDTLS_SRC:-$here/.deps/mbedtls-src}
jobs=${JOBS:-2}
status=0

if [ ! -f "$src/include/mbedtls/build_info.h" ]; then
  echo "cross-build: no mbedTLS source tree in $src (run scripts/install-deps.sh)" >&2
  exit 1
fi

common=(-DPETLS_BUILD_SHARED=OFF -DPETLS_BUILD_TOOLS=OFF
  -DPETLS_BUILD_TESTS=OFF -DPETLS_BUILD_FUZZ=OFF
  "-DPETLS_MBEDTLS_SOURCE_DIR=$src")

# Builds the engine objects with -k so that every file that does not compile
# is named, then the archive and mbedTLS. Prints the failing sources.
build_target() { # name dir
  local name=$1 dir=$2 log="$2/build.log"
  if ! cmake --build "$dir" -j"$jobs" --target mbedcrypto mbedx509 mbedtls \
    >"$log" 2>&1; then
    echo "cross-build[$name]: mbedTLS does not build; see $log" >&2
    grep -E 'error' "$log" | head -20 >&2
    return 1
  fi
  if ! cmake --build "$dir" -j"$jobs" --target petls_static -- -k \
    >>"$log" 2>&1; then
    echo "cross-build[$name]: the library does not build; files that fail:" >&2
    grep -E '^(/[^:]+):[0-9]+:[0-9]+: error' "$log" | sort -u | head -40 >&2
    return 1
  fi
  echo "cross-build[$name]: ok ($(find "$dir" -name libpetls.a | head -1))"
}

# Links port/none/firmware_link_check.c (a minimal TLS client) against the
# Cortex-M4F archives: every symbol must resolve without an OS. Prints the
# image size, i.e. what a firmware pays for petls + mbedTLS.
link_firmware() { # dir
  local dir=$1 libs=() l
  for l in petls mbedtls mbedx509 mbedcrypto; do
    libs+=("$(find "$dir" -name "lib$l.a" | head -1)")
  done
  if ! arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard \
    -mfpu=fpv4-sp-d16 -Os -std=c11 -Wall -Wextra -Werror \
    -ffunction-sections -fdata-sections \
    -I"$here/include" -I"$here/port/none" \
    "$here/port/none/firmware_link_check.c" \
    -Wl,--start-group "${libs[@]}" -Wl,--end-group \
    --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections \
    -Wl,--no-warn-mismatch -o "$dir/firmware_link_check.elf" \
    >"$dir/link.log" 2>&1; then
    echo "cross-build[cortex-m4]: a minimal firmware does not link:" >&2
    grep -E 'undefined reference|error' "$dir/link.log" |
      sed -E 's/.*(undefined reference to .*)/\1/' | sort -u | head -30 >&2
    return 1
  fi
  echo "-- minimal TLS client firmware image (port/none/firmware_link_check.c):"
  arm-none-eabi-size "$dir/firmware_link_check.elf"
}

# ---- Cortex-M4F, bare metal -----------------------------------------------
m4="$out/cortex-m4"
echo "== Cortex-M4F (arm-none-eabi, PETLS_PORT=none, mbedTLS cortex_m config, -Os)"
if cmake -S "$here" -B "$m4" \
  -DCMAKE_TOOLCHAIN_FILE="$here/port/toolchains/arm-none-eabi-cortex-m4f.cmake" \
  -DCMAKE_BUILD_TYPE=MinSizeRel -DPETLS_PORT=none \
  -DPETLS_MBEDTLS_CONFIG=cortex_m "${common[@]}" >"$m4.configure.log" 2>&1; then
  if build_target cortex-m4 "$m4"; then
    link_firmware "$m4" || status=1
  else
    status=1
  fi
  objs=$(find "$m4/src/CMakeFiles/petls_obj.dir" \( -name '*.o' -o -name '*.obj' \) 2>/dev/null |
    sed "s|^$m4/src/CMakeFiles/petls_obj.dir/||" | sort)
  if [ -n "$objs" ]; then
    echo "-- petls objects (arm-none-eabi-size, -Os):"
    (cd "$m4/src/CMakeFiles/petls_obj.dir" &&
      # shellcheck disable=SC2086
      arm-none-eabi-size -t $objs)
  fi
  echo "-- mbedTLS libraries (cortex_m config):"
  for lib in mbedcrypto mbedx509 mbedtls; do
    a=$(find "$m4/mbedtls" -name "lib$lib.a" | head -1)
    [ -n "$a" ] || continue
    printf '%-14s ' "lib$lib.a"
    arm-none-eabi-size -t "$a" | tail -1 | awk '{print "text=" $1, "data=" $2, "bss=" $3, "dec=" $4}'
  done
else
  echo "cross-build[cortex-m4]: configure failed; see $m4.configure.log" >&2
  tail -20 "$m4.configure.log" >&2
  status=1
fi

# ---- Cortex-M33, bare metal (library only) ------------------------------
m33="$out/cortex-m33"
echo "== Cortex-M33 (arm-none-eabi, PETLS_PORT=none, no-malloc, mbedTLS tls13_min config, -Os)"
if cmake -S "$here" -B "$m33" \
  -DCMAKE_TOOLCHAIN_FILE="$here/port/toolchains/arm-none-eabi-cortex-m33.cmake" \
  -DCMAKE_BUILD_TYPE=MinSizeRel -DPETLS_PORT=none -DPETLS_NO_MALLOC=ON \
  -DPETLS_MBEDTLS_CONFIG=tls13_min "${common[@]}" >"$m33.configure.log" 2>&1; then
  build_target cortex-m33 "$m33" || status=1
else
  echo "cross-build[cortex-m33]: configure failed; see $m33.configure.log" >&2
  tail -20 "$m33.configure.log" >&2
  status=1
fi

# ---- ARM Linux: arm-linux-gnueabihf, aarch64-linux-gnu ----------------------
# (The Criterion suite for these runs under qemu user mode:
# tests/run/qemu-user-tests.sh.)
for name in ${PETLS_CROSS_LINUX:-armhf arm64}; do
  case "$name" in
  armhf) tc=arm-linux-gnueabihf ;;
  arm64) tc=aarch64-linux-gnu ;;
  *) echo "cross-build: unknown PETLS_CROSS_LINUX entry '$name'" >&2; status=1; continue ;;
  esac
  dir="$out/$name"
  echo "== $tc (PETLS_PORT=posix, mbedTLS full config)"
  if ! command -v "$tc-gcc" >/dev/null; then
    echo "cross-build[$name]: $tc-gcc missing (scripts/install-deps.sh)" >&2
    status=1
    continue
  fi
  if cmake -S "$here" -B "$dir" \
    -DCMAKE_TOOLCHAIN_FILE="$here/port/toolchains/$tc.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DPETLS_PORT=posix \
    -DPETLS_MBEDTLS_CONFIG=full "${common[@]}" >"$dir.configure.log" 2>&1; then
    build_target "$name" "$dir" || status=1
  else
    echo "cross-build[$name]: configure failed; see $dir.configure.log" >&2
    tail -20 "$dir.configure.log" >&2
    status=1
  fi
done

if [ "$status" = 0 ]; then
  echo "cross-build: ok"
else
  echo "cross-build: FAILED" >&2
fi
exit "$status"
