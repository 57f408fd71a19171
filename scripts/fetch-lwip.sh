#!/usr/bin/env bash
# Fetches lwIP's source from Debian 13's `lwip` source package into
# .deps/lwip-src (for examples/firmware/), through a private, temporary apt
# configuration like install-deps.sh does for mbedTLS: the system's apt
# sources and installed packages are never touched, nothing is copied into
# the repository.
#
# Usage: scripts/fetch-lwip.sh   (called by scripts/install-deps.sh)
# Env: PETLS_LWIP_SRC (destination, default .deps/lwip-src).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dest=${PETLS_LWIP_SRC:-$here/.deps/lwip-src}
if [ -f "$dest/.complete" ] && [ -f "$dest/src/include/lwip/init.h" ]; then
  echo "fetch-lwip: lwIP $(cat "$dest/.complete") already in $dest"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/etc/apt/sources.list.d" "$tmp/etc/apt/preferences.d" \
  "$tmp/etc/apt/apt.conf.d" "$tmp/etc/apt/trusted.gpg.d" \
  "$tmp/lists/partial" "$tmp/cache/partial" "$tmp/dl"
: >"$tmp/status"
keyring=/usr/share/keyrings/debian-archive-trixie-stable.gpg
[ -f "$keyring" ] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$tmp/etc/apt/sources.list" <<SRC
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
ver=$(apt-cache showsrc lwip | sed -n 's/^Version: //p' | head -1)
case "$ver" in
2.*) ;;
*) echo "fetch-lwip: Debian 13 offers lwip '$ver', not 2.x" >&2; exit 1 ;;
esac
(cd "$tmp/dl" && apt-get source -qq --download-only "lwip=$ver")
rm -rf "$dest"
mkdir -p "$dest"
tar -xf "$tmp"/dl/lwip_*.orig.tar.* -C "$dest" --strip-components=1
[ -f "$dest/src/include/lwip/init.h" ] ||
  { echo "fetch-lwip: no src/include/lwip/init.h in the source" >&2; exit 1; }
echo "$ver" >"$dest/.complete"
unset APT_CONFIG
echo "fetch-lwip: lwIP $ver in $dest"
