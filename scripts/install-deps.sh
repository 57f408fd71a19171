#!/usr/bin/env bash
# Installs what petls needs to build and test on Debian/Ubuntu.
#
# - Build tools, Criterion and the interop peers come from the distribution.
# - mbedTLS 3.6 comes from the distribution when it ships 3.6 (Debian 13).
#   Otherwise (Debian 12 ships the end-of-life 2.28) Debian 13's mbedTLS
#   packages and source package are fetched through a private, temporary apt
#   configuration and unpacked into .deps/ inside the project. The system's
#   apt sources and installed packages are never touched.
#
# Usage: scripts/install-deps.sh [--no-cross] [--no-peers]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
deps="$here/.deps"
want_cross=1
want_peers=1
for a in "$@"; do
  case "$a" in
  --no-cross) want_cross=0 ;;
  --no-peers) want_peers=0 ;;
  *) echo "usage: $0 [--no-cross] [--no-peers]" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

pkgs=(build-essential cmake pkg-config libcriterion-dev clang llvm
  libclang-rt-dev valgrind)
# scripts/lint.sh (CI runs it): formatting and static checks.
pkgs+=(clang-format clang-tidy cppcheck)
# man/: mandoc lints and renders the man pages (scripts/check-man-pages.sh).
pkgs+=(mandoc)
# examples/linux/server_uv.c: the event-loop example (built when found).
pkgs+=(libuv1-dev)
if [ "$want_peers" = 1 ]; then
  # redis-server and libhiredis-dev: the Redis session store and its test.
  pkgs+=(openssl gnutls-bin nodejs curl jq redis-server libhiredis-dev)
  # tshark: decrypts a loopback capture with petls's key log.
  pkgs+=(tshark)
  # bench/: the OpenSSL library-layer loop, the chart, the report script.
  pkgs+=(libssl-dev gnuplot-nox python3)
  # compat/libtls's consumer tests: Debian's libtls programs (they pull in
  # libtls26, which ours replaces through LD_LIBRARY_PATH) and script(1)
  # for the pseudo-terminal they need.
  pkgs+=(catgirl sacc bsdutils)
fi
if [ "$want_cross" = 1 ]; then
  pkgs+=(gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
    gcc-arm-linux-gnueabihf libc6-dev-armhf-cross bzip2 xz-utils
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user qemu-system-arm)
  # examples/firmware/qemu.sh client: the guestfwd relay to one host port.
  pkgs+=(socat)
fi

missing=()
for p in "${pkgs[@]}"; do
  # nodejs may come from another repository under the same name; a working
  # `node` is what matters.
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- lwIP (examples/firmware/) ---------------------------------------
# Debian's `lwip` source package into .deps/lwip-src, through a private,
# temporary apt configuration (scripts/fetch-lwip.sh).
if [ "$want_cross" = 1 ]; then
  bash "$here/scripts/fetch-lwip.sh"
fi

# ---- catgirl's source (tests/libtls/catgirl-source.sh) ----------------
# A libtls program built from Debian's source package against the drop-in.
bash "$here/scripts/fetch-debian-source.sh" catgirl "$deps/catgirl-src"

# ---- mbedTLS 3.6 -------------------------------------------------------
system_mbedtls_version() {
  # 3.x keeps the version in build_info.h, 2.x (Debian 12's 2.28) in
  # version.h.
  local h
  for h in /usr/include/mbedtls/build_info.h /usr/include/mbedtls/version.h; do
    if [ -f "$h" ] && grep -q '^#define MBEDTLS_VERSION_STRING ' "$h"; then
      sed -n 's/^#define MBEDTLS_VERSION_STRING *"\(.*\)"/\1/p' "$h"
      return
    fi
  done
  echo none
}

sysver=$(system_mbedtls_version)
case "$sysver" in
3.6.*)
  echo "install-deps: using the system's mbedTLS $sysver"
  exit 0
  ;;
esac

if [ -f "$deps/mbedtls/.complete" ] &&
  { [ "$want_cross" = 0 ] || [ -f "$deps/mbedtls-src/.complete" ]; }; then
  echo "install-deps: mbedTLS $(cat "$deps/mbedtls/.complete") already in .deps/"
  exit 0
fi

apt_candidate() {
  # Is the distribution's candidate libmbedtls-dev 3.6? Then install it.
  apt-cache policy libmbedtls-dev 2>/dev/null | sed -n 's/ *Candidate: //p'
}
cand=$(apt_candidate || true)
case "$cand" in
3.6.*)
  echo "install-deps: installing the distribution's libmbedtls-dev $cand"
  $SUDO apt-get install -y -qq libmbedtls-dev >/dev/null
  exit 0
  ;;
esac

echo "install-deps: the system's mbedTLS is '${sysver}', not 3.6;" \
  "fetching Debian 13's packages into .deps/"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/etc/apt/sources.list.d" "$tmp/etc/apt/preferences.d" \
  "$tmp/etc/apt/apt.conf.d" "$tmp/etc/apt/trusted.gpg.d" \
  "$tmp/lists/partial" "$tmp/cache/partial" "$tmp/dl"
: >"$tmp/status"
keyring=/usr/share/keyrings/debian-archive-trixie-stable.gpg
[ -f "$keyring" ] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$tmp/etc/apt/sources.list" <<SRC
deb [signed-by=$keyring] http://deb.debian.org/debian trixie main
deb-src [signed-by=$keyring] http://deb.debian.org/debian trixie main
SRC
cat >"$tmp/apt.conf" <<CONF
Dir::Etc "$tmp/etc/apt";
Dir::Etc::main "/dev/null";
Dir::Etc::parts "$tmp/etc/apt/apt.conf.d";
Dir::Etc::trustedparts "$tmp/etc/apt/trusted.gpg.d";
Dir::State "$tmp";
Dir::State::lists "$tmp/lists";
Dir::State::status "$tmp/status";
Dir::Cache "$tmp/cache";
Dir::Cache::archives "$tmp/cache";
APT::Sandbox::User "root";
CONF
export APT_CONFIG="$tmp/apt.conf"
apt-get update -qq
ver=$(apt-cache policy libmbedtls-dev | sed -n 's/ *Candidate: //p')
case "$ver" in
3.6.*) ;;
*) echo "install-deps: Debian 13 offers libmbedtls-dev '$ver', not 3.6" >&2; exit 1 ;;
esac
(cd "$tmp/dl" && apt-get download -qq "libmbedtls-dev=$ver" \
  "libmbedcrypto16=$ver" "libmbedtls21=$ver" "libmbedx509-7=$ver")
rm -rf "$deps/mbedtls"
mkdir -p "$deps/mbedtls"
for d in "$tmp"/dl/*.deb; do dpkg-deb -x "$d" "$deps/mbedtls"; done
echo "$ver" >"$deps/mbedtls/.complete"

if [ "$want_cross" = 1 ]; then
  # The source package, for cross builds (-DPETLS_MBEDTLS_SOURCE_DIR).
  (cd "$tmp/dl" && apt-get source -qq --download-only "mbedtls=$ver")
  rm -rf "$deps/mbedtls-src"
  mkdir -p "$deps/mbedtls-src"
  tar -xf "$tmp"/dl/mbedtls_*.orig.tar.* -C "$deps/mbedtls-src" \
    --strip-components=1
  echo "$ver" >"$deps/mbedtls-src/.complete"
fi
unset APT_CONFIG
echo "install-deps: mbedTLS $ver in $deps"
