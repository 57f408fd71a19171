#!/usr/bin/env bash
# ctest layering_selftest: scripts/check-layering.sh must fail on a
# compiled-out stub that defines anything but public petls_* calls (rule
# 5), and pass on one that defines only those. Runs the check on a
# throw-away tree holding the real public headers.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/include" "$tmp/src/feature/demo"
cp "$here"/include/petls*.h "$tmp/include/"
stub=$tmp/src/feature/demo/demo_off.c

good='int petls_config_set_keylog_cb(struct petls_config *config,
                               petls_keylog_cb cb, void *arg)
{
    (void)config;
    (void)cb;
    (void)arg;
    return -1;
}'
printf '%s\n' "$good" >"$stub"
if ! out=$(bash "$here/scripts/check-layering.sh" "$tmp" 2>&1); then
  echo "FAIL: a stub with only a public call was refused: $out" >&2
  exit 1
fi

fails=0
expect_refused() { # what code...
  local what=$1
  shift
  printf '%s\n%s\n' "$good" "$*" >"$stub"
  if out=$(bash "$here/scripts/check-layering.sh" "$tmp" 2>&1); then
    echo "FAIL: $what was accepted" >&2
    fails=1
  elif ! grep -q "src/feature/demo/demo_off.c:[0-9]*: the stub defines" <<<"$out"; then
    echo "FAIL: $what: unexpected output: $out" >&2
    fails=1
  else
    echo "ok: $what refused: $(grep 'the stub defines' <<<"$out" | head -1)"
  fi
}
expect_refused "an internal engine hook" \
  'void petls_nego_keylog(void *owner)
{
    (void)owner;
}'
expect_refused "a backend hook" \
  'const char *pb_conn_alpn(const struct pb_conn *c) { (void)c; return 0; }'
expect_refused "a static helper" \
  'static int config_off(struct petls_config *c) { (void)c; return -1; }'
expect_refused "hook data" \
  'const struct pb_vhost_hooks petls_vhost_hooks = { 0, 0 };'
exit "$fails"
