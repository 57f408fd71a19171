#!/bin/bash
# The example firmware server (examples/firmware/server.c: petls on lwIP,
# LAN9118 netif, QEMU mps2-an386) against `openssl s_client` over QEMU's
# user network, through examples/firmware/qemu.sh exactly as a user runs
# it: TLS 1.3 and 1.2 with the chain and the name verified, an echo of
# several KB, resumption (-sess_out/-sess_in, tickets and session IDs), an
# external PSK, SNI picking the second context, ALPN, and the firmware's own
# log of each connection. Then Node's tls client (both versions, ALPN,
# resumption through its `session`, 1 MiB echoed and checked by SHA-256 with
# the firmware's back-pressure counted), curl fetching lwIP's httpd page
# over altcp_tls, the bad-input set (garbage, truncated ClientHellos, a
# silent client, a wrong PSK: each logged, the next client served) and
# FW_MAX_CONNS concurrent connections with the one beyond refused. Last,
# the same server with a 64 KiB arena (server-heap64.elf) serves TLS 1.3
# and 1.2, keeps two connections open, its arena peak under 64 KiB.
#
# Usage: tests/lwip/firmware_server.sh [BUILD_DIR]   (default build-fw-net;
# builds the images when missing). Needs arm-none-eabi-gcc, qemu-system-arm,
# openssl, node (free ports).
root=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${1:-$root/build-fw-net}
export PETLS_FW_NET_DIR=$bdir
FW_HEAP_VARIANTS=64 "$root/examples/firmware/build.sh" "$bdir" >/dev/null || exit 1
export PETLS_TEST_CERTS=$bdir/certs PETLS_BIN=/bin/false
export PETLS_INTEROP_BG_LIMIT=${PETLS_INTEROP_BG_LIMIT:-240}
# The emulated Cortex-M takes a few seconds per handshake on a busy machine.
export PETLS_INTEROP_FG_LIMIT=${PETLS_INTEROP_FG_LIMIT:-60}
export PETLS_INTEROP_ECHO_LIMIT=${PETLS_INTEROP_ECHO_LIMIT:-30}
# shellcheck source=../interop/lib/common.sh
source "$root/tests/interop/lib/common.sh"

PORT=$(free_port)
HPORT=$(free_port)
FW_LOG=$TMP/firmware.log
PEER=$root/tests/lwip/fw_peer.js
section "boot: qemu.sh server --port $PORT --https-port $HPORT"
QEMU_LOG=$FW_LOG start_bg fw "$root/examples/firmware/qemu.sh" server \
  --port "$PORT" --https-port "$HPORT" --certs "$TMP/certs"
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
# TLS 1.2 by session ID: no ticket asked for, the server's cache resumes.
tls_ok full-sid TLSv1.2 full-sid -tls1_2 -no_ticket "${verify[@]}" -servername localhost \
  -sess_out "$TMP/sess-sid.pem"
assert_contains "full-sid s_client" "$OUT" "New, TLSv1.2"
assert_not_contains "full-sid s_client" "$OUT" "TLS session ticket:"
tls_ok resume-sid TLSv1.2 resume-sid -tls1_2 -no_ticket "${verify[@]}" -servername localhost \
  -sess_in "$TMP/sess-sid.pem"
assert_contains "resume-sid s_client" "$OUT" "Reused, TLSv1.2"
assert_contains "resume-sid firmware" "$CONN" " resumed=1 "

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

section "Node tls client: both versions, ALPN, resumption by session"
for ver in TLSv1.3 TLSv1.2; do
  run_capture "node-$ver" node "$PEER" client --port "$PORT" --ca "$CA" \
    --servername localhost --version "$ver" --alpn http/1.1 --connections 2
  assert_status "node-$ver" 0 "$STATUS"
  first=$(grep -m1 '"event":"secure"' <<<"$OUT" || true)
  second=$(grep '"event":"secure"' <<<"$OUT" | sed -n 2p)
  assert_json "node-$ver first" "$first" protocol "$ver"
  assert_json "node-$ver first" "$first" authorized true
  assert_json "node-$ver first" "$first" cn localhost
  assert_json "node-$ver first" "$first" alpn http/1.1
  assert_json "node-$ver first" "$first" reused false
  assert_json "node-$ver second" "$second" reused true
  n=$((n + 2))
  assert_contains "node-$ver firmware" "$(fw_conn "$n")" " resumed=1 "
done

section "back-pressure: 1 MiB through the echo, checked by SHA-256"
run_capture node-1m node "$PEER" client --port "$PORT" --ca "$CA" \
  --servername localhost --bytes 1048576
n=$((n + 1))
assert_status "node-1m" 0 "$STATUS"
echo1m=$(grep -m1 '"event":"echo"' <<<"$OUT" || true)
assert_json "node-1m echo" "$echo1m" bytes 1048576
assert_json "node-1m echo" "$echo1m" match true
wait_for_file_match "$FW_LOG" "^conn $n: closed after" 20 || true
closed=$(grep -E "^conn $n: closed after" "$FW_LOG" || true)
assert_contains "node-1m firmware" "$closed" "closed after 1048576 bytes, deferred "
# The echo refused pbufs while TCP had no room (tcp_sndbuf), and got them
# again from tcp_sent: the back-pressure path ran, and lost nothing.
deferred=$(sed -nE 's/.*, deferred ([0-9]+)$/\1/p' <<<"$closed")
assert_eq "node-1m back-pressure taken" 1 "$([ "${deferred:-0}" -gt 0 ] && echo 1 || echo 0)"

section "lwIP's httpd over altcp_tls, fetched by curl"
for v in 1.3 1.2; do
  run_capture "curl-$v" curl -sSv --tlsv"$v" --tls-max "$v" --cacert "$CA" \
    --resolve "localhost:$HPORT:127.0.0.1" -w '\ncode=%{http_code} http=%{http_version}\n' \
    "https://localhost:$HPORT/"
  assert_status "curl-$v" 0 "$STATUS"
  assert_contains "curl-$v page" "$OUT" "<title>lwIP - A Lightweight TCP/IP Stack</title>"
  assert_line "curl-$v status" "$OUT" "code=200 http=1" # httpd answers HTTP/1.0
  assert_contains "curl-$v TLS" "$ERR" "SSL connection using TLSv$v"
  assert_contains "curl-$v ALPN" "$ERR" "ALPN: server accepted http/1.1"
done
run_capture curl-badca curl -sS --cacert "$CERTS/other-ca.pem" \
  --resolve "localhost:$HPORT:127.0.0.1" "https://localhost:$HPORT/"
assert_eq "curl with another CA refused" 60 "$STATUS"
# The httpd's config (made by altcp_tls_create_config_server_privkey_cert)
# has a session cache sized for the board: the arena in use with one echo
# connection grows by the httpd's context, not by a host-sized cache table
# (petls's default, ~130 KiB). 16 KiB: the httpd context plus the echo's
# cached sessions and tickets keys since conn 1.
heap_of() { grep -oE 'heap=[0-9]+' <<<"$1" | cut -d= -f2; }
heap1=$(heap_of "$(fw_conn 1)")
tls_ok after-httpd TLSv1.3 "after-httpd" -tls1_3 "${verify[@]}" -servername localhost
heapn=$(heap_of "$CONN")
assert_eq "arena after httpd use within 16 KiB of conn 1's ($heap1 -> $heapn)" 1 \
  "$(( ${heapn:-999999} - ${heap1:-0} < 16384 ))"

section "the firmware stayed up, no error logged"
assert_eq "firmware running" 0 "$(kill -0 "$FW_PID" 2>/dev/null; echo $?)"
assert_not_contains "firmware log" "$(cat "$FW_LOG")" "error"

# bad NAME EXPECTED_LOG: the firmware logged EXPECTED_LOG for connection n,
# then serves the next client.
bad_then_ok() {
  local name=$1 want=$2
  wait_for_file_match "$FW_LOG" "^conn $n: error" 20 || true
  assert_contains "$name firmware" "$(grep -E "^conn $n: error" "$FW_LOG" || true)" "$want"
  tls_ok "$name-next" TLSv1.3 "after-$name" -tls1_3 "${verify[@]}" -servername localhost
}
# raw NAME ARGS...: plain TCP to the echo port (fw_peer.js raw).
raw() {
  local name=$1
  shift
  n=$((n + 1))
  run_capture "$name" node "$PEER" raw --port "$PORT" "$@"
  RAW=$(grep -m1 '"event":"closed"' <<<"$OUT" || true)
}

section "bad input: the firmware logs it, then serves the next client"
raw garbage --hex "$(head -c 64 /dev/urandom | od -An -tx1 -v | tr -d ' \n' | sed 's/^../ff/')"
assert_json "garbage closed" "$RAW" firstByte 21 # an alert record
bad_then_ok garbage "not a TLS handshake"
hello=160301020001000200fc0303aabbccdd # a ClientHello cut after 11 bytes
raw truncated-eof --hex "$hello" --end
assert_json "truncated-eof closed" "$RAW" received 0
bad_then_ok truncated-eof "connection closed by peer"
raw truncated --hex "$hello"
bad_then_ok truncated "handshake timed out after 3000 ms"
ms=$(json_field "$RAW" ms)
assert_eq "truncated: closed by the 3 s timeout" 1 \
  "$([ "$ms" -ge 2500 ] && [ "$ms" -lt 15000 ] && echo 1 || echo "0 ($ms ms)")"
raw silent
bad_then_ok silent "handshake timed out after 3000 ms"
ms=$(json_field "$RAW" ms)
assert_eq "silent: closed by the 3 s timeout" 1 \
  "$([ "$ms" -ge 2500 ] && [ "$ms" -lt 15000 ] && echo 1 || echo "0 ($ms ms)")"
n=$((n + 1))
run_s_client wrong-psk "" -tls1_3 -psk_identity Client_identity -psk "${key%??}ff"
assert_eq "wrong-psk s_client fails" 1 "$([ "$STATUS" -ne 0 ] && echo 1 || echo 0)"
assert_contains "wrong-psk s_client" "$ERR$OUT" "alert decrypt error"
bad_then_ok wrong-psk "PSK mismatch: the client's key for identity 'Client_identity' differs from ours (sent alert decrypt_error)"

section "concurrent connections: FW_MAX_CONNS = 4 served, the fifth refused"
run_capture concurrent node "$PEER" concurrent --port "$PORT" --ca "$CA" \
  --servername localhost --n 5
assert_status concurrent 0 "$STATUS"
assert_json "concurrent" "$(grep -m1 '"event":"summary"' <<<"$OUT" || true)" secure 4
assert_json "concurrent" "$(grep -m1 '"event":"summary"' <<<"$OUT" || true)" closed 1
assert_json "concurrent" "$(grep -m1 '"event":"echoed"' <<<"$OUT" || true)" count 4
n=$((n + 4))
wait_for_file_match "$FW_LOG" "^conn $n: closed after" 20 || true
# The first of them to log its handshake (at its first data) saw all four.
assert_contains "concurrent firmware" \
  "$(grep -E "^conn ($((n - 3))|$((n - 2))|$((n - 1))|$n): TLS" "$FW_LOG" | head -1)" " conns=4 "
tls_ok after-concurrent TLSv1.3 "after-concurrent" -tls1_3 "${verify[@]}" -servername localhost

section "the firmware stayed up; only the bad inputs logged errors"
assert_eq "firmware running" 0 "$(kill -0 "$FW_PID" 2>/dev/null; echo $?)"
assert_eq "errors logged" 5 "$(grep -c ': error ' "$FW_LOG")"
assert_not_contains "firmware log" "$(cat "$FW_LOG")" "FAIL"
stop_bg "$FW_PID"

# The first handshake (server context built at the first accept, ECDSA
# certificate, 16 KiB input records) peaked at ~76 KiB while the pre-parse
# held an 18 KiB flight buffer and an 8 KiB store-answer buffer: the 64 KiB
# image refused every connection ('cannot set up the connection').
section "a 64 KiB arena (server-heap64.elf): TLS 1.3 and 1.2, two kept open"
PORT=$(free_port)
FW_LOG=$TMP/firmware64.log
PETLS_FW_IMAGE=$bdir/server-heap64.elf QEMU_LOG=$FW_LOG start_bg fw64 \
  "$root/examples/firmware/qemu.sh" server --port "$PORT" --certs "$TMP/certs"
FW_PID=$BG_PID
wait_match_or_exit "$TMP/fw64.out" '^ready$' "$FW_PID" 90 ||
  cat "$TMP/fw64.out" "$TMP/fw64.err" "$FW_LOG" >&2
n=0
tls_ok heap64-13 TLSv1.3 "heap64-13" -tls1_3 "${verify[@]}" -servername localhost
tls_ok heap64-12 TLSv1.2 "heap64-12" -tls1_2 "${verify[@]}" -servername localhost
# Two kept open, the second's handshake next to the first's idle
# connection (two handshakes at the same moment need more: ~30 KiB each).
run_capture heap64-two node "$PEER" fill --port "$PORT" --ca "$CA" \
  --servername localhost --max 2
assert_json "heap64 two kept open" "$(grep -m1 '"event":"fill"' <<<"$OUT" || true)" open 2
n=$((n + 2))
wait_for_file_match "$FW_LOG" "^conn $n: closed after" 20 || true
peak=$(grep -oE 'peak=[0-9]+' "$FW_LOG" | tail -1 | cut -d= -f2)
assert_eq "heap64 arena peak below 64 KiB" 1 \
  "$([ -n "$peak" ] && [ "$peak" -lt 65536 ] && echo 1 || echo "0 (peak=$peak)")"
assert_eq "heap64 errors logged" 0 "$(grep -c ': error ' "$FW_LOG")"
stop_bg "$FW_PID"
