#!/usr/bin/env bash
# libtls.so.26 exports exactly the tls_* calls of tests/libtls/libtls26.symbols
# (Debian libtls26 3.7's 91 exports, plus tls_error_code,
# tls_config_error_code and tls_peer_cert_common_name of tls.h v1.68), has
# SONAME libtls.so.26, and keeps mbedTLS's symbols inside.
#
# Usage: symbols.sh LIBTLS_SO
set -euo pipefail
lib=${1:?usage: $0 LIBTLS_SO}
want=$(dirname "$0")/libtls26.symbols
fail() { echo "FAIL: $*" >&2; exit 1; }

readelf -d "$lib" | grep -q 'Library soname: \[libtls.so.26\]' || fail "SONAME is not libtls.so.26"
got=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep '^tls_' | sort)
diff <(sort "$want") <(printf '%s\n' "$got") || fail "tls_* exports differ (< expected, > built)"
others=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^tls_\|^petls_' || true)
[ -z "$others" ] || fail "unexpected exports: $(echo $others | head -c 300)"
# Every exported tls_* call is declared in our tls.h (the two that libtls
# exports without declaring are the exceptions).
hdr=$(dirname "$0")/../../compat/libtls/include/tls.h
for s in $got; do
  case $s in tls_config_skip_private_key_check | tls_config_use_fake_private_key) continue ;; esac
  grep -q "\b$s(" "$hdr" || fail "$s is exported but not declared in tls.h"
done
echo "symbols: $(printf '%s\n' "$got" | wc -l) tls_* calls, SONAME libtls.so.26"
