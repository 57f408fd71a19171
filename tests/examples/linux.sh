#!/bin/bash
# The Linux examples (examples/linux/) against real peers:
#   - server_poll and server_uv: openssl s_client TLS 1.3 and 1.2 (chain
#     and name verified, echo), Node's tls client with 1 MiB echoed and
#     checked by SHA-256 (the WANT_POLLIN/POLLOUT and back-pressure paths),
#     Node resuming its session, five connections at once; SIGTERM stops
#     them (exit 0) and they log each connection;
#   - client_blocking: against openssl s_server -rev (its reversed answer),
#     and refusing a server whose chain is another CA's.
# Usage: tests/examples/linux.sh BIN_DIR   (ctest linux_examples)
bin=${1:?usage: linux.sh BIN_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
export PETLS_BIN=${PETLS_BIN:-/bin/false}
# shellcheck source=../interop/lib/common.sh
source "$root/tests/interop/lib/common.sh"
PEER=$root/tests/lwip/fw_peer.js
CA=$CERTS/ca.pem

for srv in server_poll server_uv; do
  if [ ! -x "$bin/$srv" ]; then
    [ "$srv" = server_uv ] && { echo "note: server_uv not built (no libuv1-dev)"; continue; }
    fail "$srv not built"
    continue
  fi
  section "$srv"
  start_bg "$srv" "$bin/$srv" "$CERTS/server-ecdsa.pem" "$CERTS/server-ecdsa.key"
  SERVER_PID=$BG_PID
  _wait_listen "$srv" "$SERVER_PID" "$TMP/$srv.out" '^listening on 127\.0\.0\.1:[0-9]+$'
  PORT=$(sed -nE 's/^listening on 127\.0\.0\.1:([0-9]+)$/\1/p' "$TMP/$srv.out" | head -1)
  for v in 1_3 1_2; do
    run_s_client "$srv-$v" "line-$v" "-tls$v" -CAfile "$CA" -verify_return_error \
      -servername localhost -verify_hostname localhost
    assert_status "$srv-$v s_client" 0 "$STATUS"
    assert_contains "$srv-$v s_client" "$OUT" ", TLSv${v/_/.}, Cipher is "
    assert_contains "$srv-$v s_client" "$OUT" "Verify return code: 0 (ok)"
    assert_line "$srv-$v echo" "$OUT" "line-$v"
  done
  run_capture "$srv-1m" node "$PEER" client --port "$PORT" --ca "$CA" \
    --servername localhost --bytes 1048576
  assert_status "$srv-1m" 0 "$STATUS"
  e=$(grep -m1 '"event":"echo"' <<<"$OUT" || true)
  assert_json "$srv-1m echo" "$e" bytes 1048576
  assert_json "$srv-1m echo" "$e" match true
  run_capture "$srv-resume" node "$PEER" client --port "$PORT" --ca "$CA" \
    --servername localhost --connections 2 --bytes 10
  assert_status "$srv-resume" 0 "$STATUS"
  # Node resumes TLS 1.3 through a ticket: none in a build without them.
  want_reused=false want_resumed=0
  if built_with TICKETS; then want_reused=true want_resumed=1; fi
  assert_json "$srv-resume second" "$(grep '"event":"secure"' <<<"$OUT" | sed -n 2p)" reused "$want_reused"
  run_capture "$srv-conc" node "$PEER" concurrent --port "$PORT" --ca "$CA" \
    --servername localhost --n 5
  assert_json "$srv-conc" "$(grep -m1 '"event":"summary"' <<<"$OUT" || true)" secure 5
  assert_json "$srv-conc" "$(grep -m1 '"event":"echoed"' <<<"$OUT" || true)" count 5
  assert_eq "$srv resumed logged" "$want_resumed" "$(grep -c 'resumed=1' "$TMP/$srv.out" || true)"
  # One SIGTERM to the server itself (timeout(1), its parent, would pass
  # it on and send a second to the whole process group).
  kill -TERM "$(pgrep -P "$SERVER_PID" | head -1)"
  st=0
  wait "$SERVER_PID" || st=$?
  assert_eq "$srv exit after SIGTERM" 0 "$st"
  # 2 s_client + 1 + 2 + 5 Node connections, each logged once closed.
  assert_eq "$srv connections logged" 10 "$(grep -cE '^conn [0-9]+: closed$' "$TMP/$srv.out")"
done

section "client_blocking"
start_openssl_server srev -cert "$CERTS/server-ecdsa.pem" -cert_chain "$CERTS/server-ecdsa.pem" \
  -key "$CERTS/server-ecdsa.key" -rev
run_capture blocking "$bin/client_blocking" localhost "$PORT" "$CA" "abc-123"
assert_status blocking 0 "$STATUS"
assert_contains blocking "$OUT" "connected: TLSv1.3 TLS_AES_256_GCM_SHA384, server CN=localhost"
assert_line blocking "$OUT" "321-cba"
stop_bg "$SERVER_PID"
start_openssl_server sother -cert "$CERTS/other-chain.pem" -cert_chain "$CERTS/other-chain.pem" \
  -key "$CERTS/other-leaf.key" -rev
run_capture blocking-otherca "$bin/client_blocking" localhost "$PORT" "$CA"
assert_eq "blocking-otherca exit" 1 "$STATUS"
assert_contains blocking-otherca "$ERR" "client_blocking: connect: certificate verification failed: SELF_SIGNED_CERT_IN_CHAIN"
stop_bg "$SERVER_PID"
