#!/usr/bin/env bash
# Fills .deps/sysroot-<arch> (arch: armhf, arm64) with the target's C library
# and Criterion from the host distribution's multiarch packages, so that the
# Criterion suite can be cross-built and run under qemu user mode
# (qemu-arm/qemu-aarch64 -L .deps/sysroot-<arch>).
#
# Like scripts/install-deps.sh for mbedTLS, it uses a private, temporary apt
# configuration: no `dpkg --add-architecture`, the system's apt sources and
# installed packages are never touched. Packages are unpacked with dpkg-deb
# -x, not installed.
#
# armhf: Debian builds Criterion (and BoxFort, its sandbox, which it needs)
# for amd64, arm64 and i386 only: `Architecture: amd64 arm64 i386` in the
# criterion and boxfort source packages of bookworm, trixie and sid alike
# (checked November 2026). For armhf the script therefore stops after the
# index look-up, says so and exits 3, without unpacking anything; it builds
# .deps/sysroot-armhf as soon as the suite named by PETLS_SYSROOT_SUITE has
# the packages. tests/run/qemu-user-tests.sh falls back to another armhf run
# meanwhile.
#
# The sysroot's C library must be the cross compiler's or newer: the
# binaries link against the cross toolchain's libc (gcc-<triple>, the host
# release's glibc) and run on the sysroot's own under qemu -L. The host's
# codename is the default suite for that reason.
#
# Usage: scripts/fetch-sysroot.sh ARCH...   (default: arm64)
# Env: PETLS_SYSROOT_SUITE (Debian suite; default: the host's codename).
# Exit: 0 done (or already there), 3 Criterion not in the suite for ARCH,
# other non-zero: apt failed (network, mirror).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
deps="$here/.deps"
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(arm64)

# The runtime closure of Criterion (and the C library the loader comes
# from), plus the development package for the headers and libcriterion.so.
runtime=(libc6 libcriterion3)
devel=(libcriterion-dev)

codename=${PETLS_SYSROOT_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

fetch() { # arch
  local arch=$1 dest="$deps/sysroot-$1" tmp
  if [ -f "$dest/.complete" ]; then
    echo "fetch-sysroot: $arch already in $dest ($(cat "$dest/.complete"))"
    return 0
  fi
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  mkdir -p "$tmp/etc/apt/sources.list.d" "$tmp/etc/apt/preferences.d" \
    "$tmp/etc/apt/apt.conf.d" "$tmp/etc/apt/trusted.gpg.d" \
    "$tmp/lists/partial" "$tmp/cache/partial" "$tmp/dl"
  : >"$tmp/status"
  echo "deb [arch=$arch signed-by=$keyring] http://deb.debian.org/debian $codename main" \
    >"$tmp/etc/apt/sources.list"
  cat >"$tmp/apt.conf" <<CONF
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Install-Recommends "false";
Dir::Etc "$tmp/etc/apt";
Dir::Etc::main "/dev/null";
Dir::Etc::parts "$tmp/etc/apt/apt.conf.d";
Dir::Etc::trustedparts "$tmp/etc/apt/trusted.gpg.d";
Dir::State "$tmp";
Dir::State::lists "$tmp/lists";
Dir::State::status "$tmp/status";
Dir::Cache "$tmp/cache";
Dir::Cache::archives "$tmp/cache";
Debug::NoLocking "true";
APT::Sandbox::User "root";
Acquire::Retries "3";
CONF
  # Called as `fetch || status=$?`, where set -e does not apply: every
  # step checks its own result.
  local apt=(env APT_CONFIG="$tmp/apt.conf") p missing=()
  "${apt[@]}" apt-get update -qq || return 1
  for p in "${runtime[@]}" "${devel[@]}"; do
    [ -n "$("${apt[@]}" apt-cache madison "$p" 2>/dev/null)" ] || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "fetch-sysroot: Debian $codename has no ${missing[*]} for $arch" \
      "(Debian builds Criterion for amd64, arm64 and i386 only)" >&2
    return 3
  fi
  "${apt[@]}" apt-get install -qq -y --download-only "${runtime[@]}" >/dev/null || return 1
  (cd "$tmp/dl" && "${apt[@]}" apt-get download -qq "${devel[@]}") || return 1
  rm -rf "$dest"
  mkdir -p "$dest"
  local d n=0
  for d in "$tmp"/cache/*.deb "$tmp"/dl/*.deb; do
    dpkg-deb -x "$d" "$dest" || return 1
    n=$((n + 1))
  done
  # Absolute symlinks (e.g. lib*.so -> /lib/...) must point into the
  # sysroot, not at the host's libraries.
  find "$dest" -type l -lname '/*' | while IFS= read -r l; do
    ln -sfn "$dest$(readlink "$l")" "$l"
  done
  echo "$codename $n packages" >"$dest/.complete"
  echo "fetch-sysroot: $arch: $n packages from $codename in $dest"
}

status=0
for a in "${archs[@]}"; do
  case "$a" in
  armhf | arm64) fetch "$a" || status=$? ;;
  *) echo "fetch-sysroot: unknown arch '$a' (armhf, arm64)" >&2; exit 2 ;;
  esac
done
exit "$status"
