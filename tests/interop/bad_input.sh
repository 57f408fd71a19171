#!/bin/bash
# A petls server facing bad input: non-TLS bytes, a truncated ClientHello, a
# client that closes at once, a client that never speaks (handshake timeout,
# while another client is served), and petls clients that reject the
# server's certificate. After each one a good client must still get through.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

start_petls_server srv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --echo --handshake-timeout 1
n=0

# good_client NAME: a normal TLS 1.3 client with an echo; checks the
# server's next event.
good_client() {
    local name=$1
    run_s_client "$name" "ping-$name" -servername localhost \
        -CAfile "$CERTS/ca.pem" -verify_return_error
    assert_status "$name s_client" 0 "$STATUS"
    assert_line "$name echo" "$OUT" "ping-$name"
    n=$((n + 1))
    local ev
    ev=$(server_event srv $n)
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" servername localhost
}

# raw_client NAME ARGS...: node/raw.js; sets OUT to its "closed" event.
raw_client() {
    local name=$1
    shift
    run_capture "$name" node "$NODE_DIR/raw.js" --port "$PORT" "$@"
    assert_status "$name raw client" 0 "$STATUS"
    OUT=$(grep '"event":"closed"' "$TMP/$name.out" || true)
}

section "not TLS at all"
raw_client garbage --mode garbage --data $'GET / HTTP/1.0\r\n\r\n'
assert_json "garbage" "$OUT" by server
n=$((n + 1))
ev=$(server_event srv $n)
assert_json "garbage server" "$ev" event handshake_failed
assert_not_contains "garbage server error" "$(json_field "$ev" error)" null
good_client after-garbage

section "truncated ClientHello (20 bytes, then EOF)"
raw_client truncated --mode truncated --bytes 20
assert_json "truncated" "$OUT" by server
assert_json "truncated" "$OUT" bytes 0
n=$((n + 1))
ev=$(server_event srv $n)
assert_json "truncated server" "$ev" event handshake_failed
assert_not_contains "truncated server error" "$(json_field "$ev" error)" null
good_client after-truncated

section "client that connects and closes at once"
raw_client close --mode close
assert_json "close" "$OUT" by server
n=$((n + 1))
ev=$(server_event srv $n)
assert_json "close server" "$ev" event handshake_failed
good_client after-close

section "silent client: handshake timeout, others served meanwhile"
start_bg silent node "$NODE_DIR/raw.js" --port "$PORT" --mode silent \
    --timeout 5000
silent_pid=$BG_PID
wait_for_file_line "$TMP/silent.out" '{"event":"connected"}' 10 || true
# Served while the silent connection is still pending: good_client expects
# its handshake as the server's next event, before the timeout's. A server
# that handled one connection at a time would log the timeout first.
good_client during-silent
wait "$silent_pid" || true
OUT=$(grep '"event":"closed"' "$TMP/silent.out" || true)
assert_json "silent" "$OUT" by server
elapsed=$(json_field "$OUT" elapsed_ms)
CHECKS=$((CHECKS + 1))
if [[ "$elapsed" =~ ^[0-9]+$ ]] && [ "$elapsed" -ge 900 ] &&
    [ "$elapsed" -le 2500 ]; then
    pass "silent client dropped after $elapsed ms (1 s timeout)"
else
    fail "silent client: expected to be dropped after 900..2500 ms, got '$elapsed'"
fi
n=$((n + 1))
ev=$(server_event srv $n)
assert_json "silent server" "$ev" event handshake_failed
assert_contains "silent server error" "$(json_field "$ev" error)" "timed out"
good_client after-silent

section "petls clients that reject the server"
for v in TLSv1.2 TLSv1.3; do
    name=wrongname-$v
    run_petls_client "$name" "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
        --servername wrong.example --min-version $v --max-version $v
    assert_status "$name petls client" 1 "$STATUS"
    assert_contains "$name client stderr" "$ERR" ERR_TLS_CERT_ALTNAME_INVALID
    n=$((n + 1))
    assert_json "$name server" "$(server_event srv $n)" event handshake_failed

    name=untrusted-$v
    run_petls_client "$name" "127.0.0.1:$PORT" --ca "$CERTS/other-ca.pem" \
        --servername localhost --min-version $v --max-version $v
    assert_status "$name petls client" 1 "$STATUS"
    assert_contains "$name client stderr" "$ERR" \
        UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    n=$((n + 1))
    assert_json "$name server" "$(server_event srv $n)" event handshake_failed

    name=ok-$v
    run_petls_client "$name" "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
        --servername localhost --min-version $v --max-version $v \
        --idle 0.3 --send "data-$name"
    assert_status "$name petls client" 0 "$STATUS"
    assert_line "$name client" "$OUT" "Verification: OK"
    assert_contains "$name echo" "$OUT" "data-$name"
    n=$((n + 1))
    ev=$(server_event srv $n)
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" version $v
done
