#!/usr/bin/env bash
# Fetches the orig tarball of a Debian source package (e.g. catgirl, for the
# libtls drop-in's source-build test) and unpacks it into DEST, through a
# private, temporary apt configuration: the system's apt sources and
# installed packages are never touched, nothing is copied into the
# repository.
#
# Usage: scripts/fetch-debian-source.sh PACKAGE DEST [SUITE]
#   SUITE: the Debian suite (default trixie, Debian 13, as for mbedTLS and
#   lwIP: the registry keeps the current sources, not bookworm's).
# DEST/.complete holds the version once done; a complete DEST is kept.
set -euo pipefail

pkg=${1:?usage: $0 PACKAGE DEST [SUITE]}
dest=${2:?usage: $0 PACKAGE DEST [SUITE]}
suite=${3:-trixie}
if [ -f "$dest/.complete" ]; then
  echo "fetch-debian-source: $pkg $(cat "$dest/.complete") already in $dest"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/etc/apt/sources.list.d" "$tmp/etc/apt/preferences.d" \
  "$tmp/etc/apt/apt.conf.d" "$tmp/etc/apt/trusted.gpg.d" \
  "$tmp/lists/partial" "$tmp/cache/partial" "$tmp/dl"
: >"$tmp/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$tmp/etc/apt/sources.list" <<SRC
deb-src [signed-by=$keyring] http://deb.debian.org/debian $suite main
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
ver=$(apt-cache showsrc "$pkg" | sed -n 's/^Version: //p' | head -1)
[ -n "$ver" ] || { echo "fetch-debian-source: no source package $pkg in $suite" >&2; exit 1; }
# Only the orig tarball is needed (the build uses upstream's files). apt
# checks every file it downloads against the signed Sources index; a
# registry that lacks the .dsc or the Debian diff fails those files only.
(cd "$tmp/dl" && apt-get source -qq --download-only "$pkg=$ver") ||
  echo "fetch-debian-source: some files of $pkg $ver were not fetched; using the orig tarball" >&2
orig=$(ls "$tmp"/dl/"${pkg}"_*.orig.tar.* 2>/dev/null | head -1)
[ -n "$orig" ] || { echo "fetch-debian-source: no orig tarball of $pkg $ver" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest"
tar -xf "$orig" -C "$dest" --strip-components=1
echo "$ver" >"$dest/.complete"
echo "fetch-debian-source: $pkg $ver ($suite) in $dest"
