#!/usr/bin/env bash
# Installs the man pages of a configured build (component "man") into a
# temporary prefix and checks what a user gets: every public function has a
# page or a link under man3 that mandoc renders with its name in the NAME
# section, and petls.1 is in man1 when the tool is built.
#
# Usage: scripts/man-install-test.sh BUILD_DIR
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

cmake --install "$build" --prefix "$prefix" --component man >/dev/null
man3=$(find "$prefix" -type d -path '*/man/man3' | head -1)
if [ -z "$man3" ]; then
  echo "man-install-test: nothing installed under $prefix/*/man/man3" >&2
  exit 1
fi

status=0
count=0
# The names the check script reads: every declared function that has a page.
for name in $(awk '/^\.Sh NAME/{n=1;next} /^\.Sh /{n=0} n && /^\.Nm /{print $2}' \
  "$root"/man/*.3 | sort -u); do
  page="$man3/$name.3"
  if [ ! -e "$page" ]; then
    # The bare-metal page is installed only with that port.
    if grep -q "^\.Nm $name" "$root/man/petls_port_none_set_clock.3"; then
      continue
    fi
    echo "man-install-test: $name.3 not installed" >&2
    status=1
    continue
  fi
  text=$(mandoc -Tascii "$page" 2>/dev/null | sed 's/.\x08//g') || text=""
  if ! printf '%s\n' "$text" | sed -n '/^NAME/,/^SYNOPSIS/p' | grep -w "$name" >/dev/null; then
    echo "man-install-test: $page does not render with $name in NAME" >&2
    status=1
  fi
  count=$((count + 1))
done

if grep -q '^PETLS_BUILD_TOOLS:BOOL=ON' "$build/CMakeCache.txt"; then
  man1=$(find "$prefix" -name petls.1 -path '*/man1/*' | head -1)
  text=""
  [ -z "$man1" ] || text=$(mandoc -Tascii "$man1" | sed 's/.\x08//g')
  if ! printf '%s\n' "$text" | grep 'petls client' >/dev/null; then
    echo "man-install-test: petls.1 not installed or empty" >&2
    status=1
  fi
fi
# What `man -M` would find.
if command -v man >/dev/null &&
  ! MANPAGER=cat man -M "$(dirname "$man3")" 3 petls_conn_cipher >/dev/null 2>&1; then
  echo "man-install-test: man -M ... petls_conn_cipher finds nothing" >&2
  status=1
fi
[ "$status" = 0 ] && echo "man-install-test: $count names installed under $man3"
exit "$status"
