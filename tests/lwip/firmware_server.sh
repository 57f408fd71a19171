#!/bin/bash
# The example firmware server (examples/firmware/server.c: petls on lwIP,
# LAN9118 netif, QEMU mps2-an386) against `openssl s_client` over QEMU's
# user network, through examples/firmware/qemu.sh exactly as a user runs
# it: TLS 1.3 and 1.2 with the chain and the name verified, an echo of
# several KB, resumption (-sess_out/-sess_in), an external PSK, SNI picking
# the second context, ALPN, and the firmware's own log of each connection.
#
# Usage: tests/lwip/firmware_server.sh [BUILD_DIR]   (default build-fw-net;
# builds the images when missing). Needs arm-none-eabi-gcc, qemu-system-arm,
# openssl, node (free ports).
root=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${1:-$root/build-fw-net}
export PETLS_FW_NET_DIR=$bdir
"$root/examples/firmware/build.sh" "$bdir" >/dev/null || exit 1
export PETLS_TEST_CERTS=$bdir/certs PETLS_BIN=/bin/false
export PETLS_INTEROP_BG_LIMIT=${PETLS_INTEROP_BG_LIMIT:-240}
# The emulated Cortex-M takes a few seconds per handshake on a busy machine.
export PETLS_INTEROP_FG_LIMIT=${PETLS_INTEROP_FG_LIMIT:-60}
export PETLS_INTEROP_ECHO_LIMIT=${PETLS_INTEROP_ECHO_LIMIT:-30}
# shellcheck source=../interop/lib/common.sh
source "$root/tests/interop/lib/common.sh"

PORT=$(free_port)
FW_LOG=$TMP/firmware.log
section "boot: qemu.sh server --port $PORT"
QEMU_LOG=$FW_LOG start_bg fw "$root/examples/firmware/qemu.sh" server \
  --port "$PORT" --certs "$TMP/certs"
FW_PID=$BG_PID
if ! wait_match_or_exit "$TMP/fw.out" '^ready$' "$FW_PID" 90; then
  echo "the firmware did not become ready:" >&2
  cat "$TMP/fw.out" "$TMP/fw.err" "$FW_LOG" >&2
  exit 1
fi
CA=$TMP/certs/ca.pem
verify=(-CAfile "$CA" -verify_return_error)
n=0
# fw_conn N: the firmware's "conn N: ..." handshake line (waits for it).
fw_conn() {
  wait_for_file_match "$FW_LOG" "^conn $1: TLS" 20 || true
  grep -E "^conn $1: TLS" "$FW_LOG" | head -1
}

# tls_ok NAME VERSION DATA S_CLIENT_ARGS...: handshake, verification, echo.
tls_ok() {
  local name=$1 version=$2 data=$3
  shift 3
  n=$((n + 1))
  run_s_client "$name" "$data" "$@"
  assert_status "$name s_client" 0 "$STATUS"
  assert_contains "$name s_client" "$OUT" ", $version, Cipher is "
  assert_contains "$name s_client" "$OUT" "Verify return code: 0 (ok)"
  assert_line "$name echo" "$OUT" "$data"
  CONN=$(fw_conn "$n")
  assert_contains "$name firmware" "$CONN" "conn $n: $version "
}

section "TLS 1.3 and 1.2, chain and name verified, echo"
tls_ok tls13 TLSv1.3 "hello-13" -tls1_3 "${verify[@]}" -servername localhost \
  -verify_hostname localhost
assert_contains "tls13 firmware" "$CONN" " sni=localhost alpn=- psk=- resumed=0"
tls_ok tls12 TLSv1.2 "hello-12" -tls1_2 "${verify[@]}" -servername localhost \
  -verify_hostname localhost
big=$(head -c 6000 /dev/urandom | base64 -w0)
tls_ok echo-8k TLSv1.3 "$big" -tls1_3 "${verify[@]}" -servername localhost
wait_for_file_match "$FW_LOG" "^conn $n: closed after 8001 bytes" 20 || true
assert_contains "echo-8k firmware" "$(cat "$FW_LOG")" "conn $n: closed after 8001 bytes"

section "resumption: -sess_out then -sess_in"
for v in 1_3 1_2; do
  ver=TLSv${v/_/.}
  tls_ok "full-$v" "$ver" "full-$v" "-tls$v" "${verify[@]}" -servername localhost \
    -sess_out "$TMP/sess-$v.pem"
  assert_contains "full-$v s_client" "$OUT" "New, $ver"
  tls_ok "resume-$v" "$ver" "resume-$v" "-tls$v" "${verify[@]}" -servername localhost \
    -sess_in "$TMP/sess-$v.pem"
  assert_contains "resume-$v s_client" "$OUT" "Reused, $ver"
  assert_contains "resume-$v firmware" "$CONN" " resumed=1 "
done

section "SNI picks the second context, ALPN"
n=$((n + 1))
run_s_client sni "sni" -tls1_3 "${verify[@]}" -servername wrong.example \
  -verify_hostname wrong.example
assert_status "sni s_client" 0 "$STATUS"
assert_contains "sni s_client" "$OUT" "0 s:CN = wrong.example"
assert_line "sni echo" "$OUT" "sni"
assert_contains "sni firmware" "$(fw_conn "$n")" " sni=wrong.example "
for proto in h2 http/1.1; do
  tls_ok "alpn-${proto%%/*}" TLSv1.3 "alpn" -tls1_3 "${verify[@]}" -servername localhost \
    -alpn "$proto,spdy/1"
  assert_contains "alpn-${proto%%/*} s_client" "$OUT" "ALPN protocol: $proto"
  assert_contains "alpn-${proto%%/*} firmware" "$CONN" " alpn=$proto "
done

section "external PSK (no certificate), TLS 1.3 and 1.2"
key=000102030405060708090a0b0c0d0e0f
for v in 1_3 1_2; do
  ver=TLSv${v/_/.}
  n=$((n + 1))
  # TLS 1.2: only PSK suites offered (else the certificate suites win).
  suites=()
  [ "$v" = 1_2 ] && suites=(-cipher 'ECDHE-PSK-AES128-CBC-SHA256')
  run_s_client "psk-$v" "psk-$v" "-tls$v" "${suites[@]}" -psk_identity Client_identity -psk "$key"
  assert_status "psk-$v s_client" 0 "$STATUS"
  assert_contains "psk-$v s_client" "$OUT" "Protocol  : $ver"
  assert_line "psk-$v echo" "$OUT" "psk-$v"
  assert_contains "psk-$v firmware" "$(fw_conn "$n")" " psk=Client_identity "
done

section "the firmware stayed up, no error logged"
assert_eq "firmware running" 0 "$(kill -0 "$FW_PID" 2>/dev/null; echo $?)"
assert_not_contains "firmware log" "$(cat "$FW_LOG")" "error"
stop_bg "$FW_PID"
