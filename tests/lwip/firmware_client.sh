#!/bin/bash
# The example firmware client (examples/firmware/client.c: petls as lwIP's
# altcp_tls client, LAN9118 netif, QEMU mps2-an386) against servers on the
# host, through examples/firmware/qemu.sh client exactly as a user runs it
# (QEMU user networking, restrict=on, one guestfwd to one loopback port):
#   - openssl s_server: TLS 1.3 and 1.2 with the chain and the name
#     verified, resumption by TLS 1.3 ticket, TLS 1.2 ticket and TLS 1.2
#     session ID (s_server prints "Reused session-id"), ALPN, external
#     PSKs in both versions, s_server -rev's answer checked by the firmware;
#   - Node's tls server (tests/lwip/fw_peer.js): both versions, ALPN,
#     the echo, the ticket resumed (isSessionReused()), SNI picking its
#     second context (addContext);
#   - refusals: a chain from another CA, a name the certificate lacks.
# Every assertion on what was negotiated is made on the server's side too.
#
# Usage: tests/lwip/firmware_client.sh [BUILD_DIR]   (default build-fw-net;
# builds the images when missing). Needs arm-none-eabi-gcc, qemu-system-arm,
# socat, openssl, node.
root=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${1:-$root/build-fw-net}
export PETLS_FW_NET_DIR=$bdir
"$root/examples/firmware/build.sh" "$bdir" >/dev/null || exit 1
export PETLS_TEST_CERTS=$bdir/certs PETLS_BIN=/bin/false
export PETLS_INTEROP_BG_LIMIT=${PETLS_INTEROP_BG_LIMIT:-120}
export PETLS_INTEROP_FG_LIMIT=${PETLS_INTEROP_FG_LIMIT:-90}
# shellcheck source=../interop/lib/common.sh
source "$root/tests/interop/lib/common.sh"

PEER=$root/tests/lwip/fw_peer.js
KEY=000102030405060708090a0b0c0d0e0f
chain=(-cert "$CERTS/server-ecdsa.pem" -cert_chain "$CERTS/server-ecdsa.pem"
  -key "$CERTS/server-ecdsa.key")

# s_server NAME ARGS...: openssl s_server on 127.0.0.1:0, its stdin held
# open (it stops at EOF on stdin); sets PORT and SERVER_PID.
s_server() {
  local name=$1
  shift
  start_bg "$name" bash -c 'sleep "$0" | exec openssl s_server -accept 127.0.0.1:0 "$@"' \
    "$BG_LIMIT" "$@"
  SERVER_PID=$BG_PID
  if ! wait_match_or_exit "$TMP/$name.out" '^ACCEPT 127\.0\.0\.1:[0-9]+$' "$SERVER_PID" 10; then
    echo "s_server $name did not start:" >&2
    cat "$TMP/$name.out" "$TMP/$name.err" >&2
    exit 1
  fi
  PORT=$(sed -nE 's/^ACCEPT 127\.0\.0\.1:([0-9]+)$/\1/p' "$TMP/$name.out" | head -1)
}

# fw NAME WORD...: the firmware client to $PORT; sets OUT, STATUS.
fw() {
  local name=$1
  shift
  run_capture "$name-fw" env QEMU_LOG="$TMP/$name-fw.log" \
    "$root/examples/firmware/qemu.sh" client --connect "127.0.0.1:$PORT" \
    --certs "$TMP/certs-$name" -- "$@"
  OUT=$(cat "$TMP/$name-fw.log")
}

# fw_ok NAME CONNS WORD...: the run passed; the server received each line.
fw_ok() {
  local name=$1 conns=$2 k
  shift 2
  fw "$name" "conns=$conns" "$@"
  assert_status "$name firmware exit" 0 "$STATUS"
  assert_contains "$name firmware" "$OUT" "PETLS-FW-CLIENT: PASS $conns connection(s)"
  for k in $(seq "$conns"); do
    assert_contains "$name conn $k verified" "$(grep "^client conn $k: TLS" <<<"$OUT" || true)" \
      " peer=${PEER_CN:-CN=localhost} "
  done
}

# srv_has NAME TEXT...: the s_server output has each line (fixed strings;
# the relay may deliver the last one after the firmware exited), then the
# server is stopped.
srv_has() {
  local name=$1 t
  shift
  for t in "$@"; do
    wait_for_file_line "$TMP/$name.out" "$t" 10 || true
    assert_line "$name s_server" "$(cat "$TMP/$name.out")" "$t"
  done
  stop_bg "$SERVER_PID"
}

section "openssl s_server: TLS 1.3, ALPN, resumption by ticket"
s_server s13 "${chain[@]}" -tls1_3 -alpn h2,http/1.1
fw_ok s13 2 version=1.3 alpn=h2+http/1.1
assert_contains "s13 conn 1" "$OUT" "client conn 1: TLSv1.3 TLS_AES_256_GCM_SHA384 sni=localhost alpn=h2 psk=- resumed=0 "
assert_contains "s13 conn 2" "$OUT" "client conn 2: TLSv1.3 TLS_AES_256_GCM_SHA384 sni=localhost alpn=h2 psk=- resumed=1 "
srv_has s13 "ALPN protocols advertised by the client: h2, http/1.1" \
  "ALPN protocols selected: h2" "CIPHER is TLS_AES_256_GCM_SHA384" "Reused session-id" \
  "petls-fw-client 1" "petls-fw-client 2"
assert_eq "s13 resumed once" 1 "$(grep -c '^Reused session-id$' "$TMP/s13.out")"

section "openssl s_server: TLS 1.2, resumption by ticket and by session ID"
s_server s12t "${chain[@]}" -tls1_2
fw_ok s12t 2 version=1.2
assert_contains "s12t conn 2" "$OUT" "client conn 2: TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 sni=localhost alpn=- psk=- resumed=1 "
srv_has s12t "CIPHER is ECDHE-ECDSA-AES256-GCM-SHA384" "Reused session-id" "petls-fw-client 2"
s_server s12id "${chain[@]}" -tls1_2 -no_ticket
fw_ok s12id 3 version=1.2
assert_contains "s12id conn 3" "$OUT" "client conn 3: TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 sni=localhost alpn=- psk=- resumed=1 "
srv_has s12id "Reused session-id" "petls-fw-client 3"
assert_eq "s12id resumed twice by ID" 2 "$(grep -c '^Reused session-id$' "$TMP/s12id.out")"

section "openssl s_server -rev: the answer checked by the firmware"
s_server rev "${chain[@]}" -rev
fw_ok rev 1 expect=rev
assert_contains "rev firmware" "$OUT" "client conn 1: answer ok"
stop_bg "$SERVER_PID"

section "openssl s_server: external PSK, no certificate, TLS 1.3 and 1.2"
for v in 1.3 1.2; do
  s_server "psk$v" -nocert -psk "$KEY" -psk_identity Client_identity "-tls${v/./_}"
  fw "psk$v" "version=$v" "psk=Client_identity:$KEY"
  assert_status "psk$v firmware exit" 0 "$STATUS"
  assert_contains "psk$v firmware" "$OUT" "client conn 1: TLSv$v "
  assert_contains "psk$v firmware" "$OUT" " psk=Client_identity resumed=0 peer=- "
  srv_has "psk$v" "petls-fw-client 1"
done
assert_contains "psk1.2 s_server" "$(cat "$TMP/psk1.2.out")" "CIPHER is ECDHE-PSK-"

section "Node tls server: both versions, ALPN, echo, ticket resumed"
for v in TLSv1.3 TLSv1.2; do
  start_bg "node-$v" node "$PEER" server --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --alpn http/1.1 --version "$v"
  SERVER_PID=$BG_PID
  wait_match_or_exit "$TMP/node-$v.out" '"event":"listening"' "$SERVER_PID" 10 || true
  PORT=$(json_field "$(head -1 "$TMP/node-$v.out")" port)
  fw_ok "node-$v" 2 "version=${v#TLSv}" alpn=h2+http/1.1 expect=echo
  assert_contains "node-$v firmware" "$OUT" "client conn 2: answer ok"
  assert_contains "node-$v firmware" "$OUT" "client conn 2: $v "
  wait_for_lines "$TMP/node-$v.out" 5 10 || true
  stop_bg "$SERVER_PID"
  first=$(grep '"event":"secure"' "$TMP/node-$v.out" | sed -n 1p)
  second=$(grep '"event":"secure"' "$TMP/node-$v.out" | sed -n 2p)
  assert_json "node-$v server first" "$first" protocol "$v"
  assert_json "node-$v server first" "$first" alpn http/1.1
  assert_json "node-$v server first" "$first" servername localhost
  assert_json "node-$v server first" "$first" reused false
  assert_json "node-$v server second" "$second" reused true
done

section "Node tls server: SNI picks its second context"
start_bg node-sni node "$PEER" server --cert "$CERTS/server-ecdsa.pem" \
  --key "$CERTS/server-ecdsa.key" --sni-name wrong.example \
  --sni-cert "$CERTS/wrongname.pem" --sni-key "$CERTS/wrongname.key"
SERVER_PID=$BG_PID
wait_match_or_exit "$TMP/node-sni.out" '"event":"listening"' "$SERVER_PID" 10 || true
PORT=$(json_field "$(head -1 "$TMP/node-sni.out")" port)
PEER_CN=CN=wrong.example fw_ok node-sni 1 sni=wrong.example expect=echo
wait_for_file_match "$TMP/node-sni.out" '"event":"secure"' 10 || true
stop_bg "$SERVER_PID"
assert_json "node-sni server" "$(grep -m1 '"event":"secure"' "$TMP/node-sni.out" || true)" \
  servername wrong.example

section "refusals: another CA's chain, a name the certificate lacks"
s_server otherca -cert "$CERTS/other-chain.pem" -cert_chain "$CERTS/other-chain.pem" \
  -key "$CERTS/other-leaf.key"
fw otherca
assert_eq "otherca firmware exit" 1 "$STATUS"
assert_contains "otherca firmware" "$OUT" "client conn 1: error -13: handshake: certificate verification failed: SELF_SIGNED_CERT_IN_CHAIN"
assert_contains "otherca firmware" "$OUT" "PETLS-FW-CLIENT: FAIL connection 1"
stop_bg "$SERVER_PID"
assert_not_contains "otherca s_server" "$(cat "$TMP/otherca.out")" "petls-fw-client"
s_server badname "${chain[@]}"
fw badname sni=other.example
assert_eq "badname firmware exit" 1 "$STATUS"
assert_contains "badname firmware" "$OUT" "certificate verification failed: ERR_TLS_CERT_ALTNAME_INVALID"
stop_bg "$SERVER_PID"
assert_not_contains "badname s_server" "$(cat "$TMP/badname.out")" "petls-fw-client"
