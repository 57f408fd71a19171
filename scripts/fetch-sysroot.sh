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
# Usage: scripts/fetch-sysroot.sh ARCH...   (default: armhf arm64)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
deps="$here/.deps"
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=(armhf arm64)

# The runtime closure of Criterion (and the C library the loader comes
# from), plus the development package for the headers and libcriterion.so.
runtime=(libc6 libcriterion3)
devel=(libcriterion-dev)

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
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
CONF
  (
    export APT_CONFIG="$tmp/apt.conf"
    apt-get update -qq
    apt-get install -qq -y --download-only "${runtime[@]}" >/dev/null
    cd "$tmp/dl" && apt-get download -qq "${devel[@]}"
  )
  rm -rf "$dest"
  mkdir -p "$dest"
  local d n=0
  for d in "$tmp"/cache/*.deb "$tmp"/dl/*.deb; do
    dpkg-deb -x "$d" "$dest"
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

for a in "${archs[@]}"; do
  case "$a" in
  armhf | arm64) fetch "$a" ;;
  *) echo "fetch-sysroot: unknown arch '$a' (armhf, arm64)" >&2; exit 2 ;;
  esac
done
