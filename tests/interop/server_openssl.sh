#!/bin/bash
# petls server against `openssl s_client`: ECDSA and RSA certificates, TLS 1.2
# and 1.3, an echo round trip, version limits on either side, and the
# server's JSON report of each handshake.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# handshake_ok NAME VERSION CIPHER SERVER_EVENT_NO S_CLIENT_ARGS...
handshake_ok() {
    local name=$1 version=$2 cipher=$3 n=$4
    shift 4
    local data="ping-$name"
    run_s_client "$name" "$data" -servername localhost \
        -CAfile "$CERTS/ca.pem" -verify_return_error "$@"
    assert_status "$name s_client" 0 "$STATUS"
    assert_line "$name s_client" "$OUT" "New, $version, Cipher is $cipher"
    assert_line "$name s_client" "$OUT" "Verification: OK"
    assert_line "$name echo" "$OUT" "$data"
    local ev
    ev=$(server_event srv "$n")
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" version "$version"
    assert_json "$name server" "$ev" cipher "$cipher"
    assert_json "$name server" "$ev" resumed false
    assert_json "$name server" "$ev" servername localhost
    assert_json "$name server" "$ev" alpn null
}

for key in ecdsa rsa; do
    section "server-$key.pem"
    start_petls_server srv --cert "$CERTS/server-$key.pem" \
        --key "$CERTS/server-$key.key" --json --echo
    if [ $key = ecdsa ]; then
        tls12_cipher=ECDHE-ECDSA-AES128-GCM-SHA256
    else
        tls12_cipher=ECDHE-RSA-AES256-GCM-SHA384
    fi
    handshake_ok "$key-tls13" TLSv1.3 TLS_AES_128_GCM_SHA256 1 \
        -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
    handshake_ok "$key-tls13-chacha" TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 2 \
        -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
    handshake_ok "$key-tls12" TLSv1.2 "$tls12_cipher" 3 \
        -tls1_2 -cipher "$tls12_cipher"

    # Unrestricted client: whatever is chosen, both sides must agree on it.
    name=$key-default
    run_s_client "$name" "" -servername localhost -CAfile "$CERTS/ca.pem" \
        -verify_return_error
    assert_status "$name s_client" 0 "$STATUS"
    # "New, TLSv1.3, Cipher is X" (the SSL-Session block only follows a
    # session ticket, which a server need not send).
    new=$(printf '%s\n' "$OUT" | grep '^New, ' | head -n1)
    assert_eq "$name version" TLSv1.3 "$(echo "$new" | cut -d' ' -f2 | tr -d ,)"
    ev=$(server_event srv 4)
    assert_json "$name server" "$ev" version TLSv1.3
    assert_json "$name server" "$ev" cipher "${new##* }"
    stop_bg "$SERVER_PID"
done

section "server limited to TLS 1.2"
start_petls_server srv12 --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --max-version TLSv1.2 --json --echo
run_s_client max12 "" -servername localhost -CAfile "$CERTS/ca.pem" \
    -verify_return_error
assert_status "max12 s_client" 0 "$STATUS"
assert_contains "max12 s_client" "$OUT" "New, TLSv1.2, Cipher is "
assert_json "max12 server" "$(server_event srv12 1)" version TLSv1.2
stop_bg "$SERVER_PID"

section "server requires TLS 1.3, client offers only 1.2"
start_petls_server srv13 --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --min-version TLSv1.3 --json --echo
run_s_client min13 "" -servername localhost -CAfile "$CERTS/ca.pem" -tls1_2
assert_status "min13 s_client" 1 "$STATUS"
assert_contains "min13 s_client stderr" "$ERR" "alert protocol version"
ev=$(server_event srv13 1)
assert_json "min13 server" "$ev" event handshake_failed
# And it still serves a client that speaks TLS 1.3.
run_s_client after13 "" -servername localhost -CAfile "$CERTS/ca.pem" \
    -verify_return_error
assert_status "after13 s_client" 0 "$STATUS"
assert_json "after13 server" "$(server_event srv13 2)" version TLSv1.3

# one_handshake NAME EXPECTED_NEW_LINE SERVER_ARGS -- S_CLIENT_ARGS: a fresh
# server, one verified handshake with an echo.
one_handshake() {
    local name=$1 expect=$2
    shift 2
    local srv_args=()
    while [ "$1" != -- ]; do
        srv_args+=("$1")
        shift
    done
    shift
    start_petls_server "$name-srv" --json --echo "${srv_args[@]}"
    run_s_client "$name" "ping-$name" -servername localhost \
        -verify_return_error "$@"
    assert_status "$name s_client" 0 "$STATUS"
    assert_line "$name s_client" "$OUT" "$expect"
    assert_line "$name s_client" "$OUT" "Verification: OK"
    assert_line "$name echo" "$OUT" "ping-$name"
    assert_json "$name server" "$(server_event "$name-srv" 1)" event handshake
    stop_bg "$SERVER_PID"
}

section "key and certificate formats"
one_handshake enc-key "New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256" \
    --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa-enc.key" \
    --pass petls-test-pass -- \
    -CAfile "$CERTS/ca.pem" -ciphersuites TLS_AES_128_GCM_SHA256
# The DER leaf carries no intermediate: the client gets it from its bundle.
cat "$CERTS/ca.pem" "$CERTS/inter.pem" >"$TMP/bundle.pem"
one_handshake der "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256" \
    --cert "$CERTS/server-ecdsa-leaf.der" --key "$CERTS/server-ecdsa-key.der" \
    -- -CAfile "$TMP/bundle.pem" -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256

section "server-side protocol and cipher policy"
one_handshake protocols12 "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384" \
    --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" \
    --protocols tlsv1.2 --ciphers ECDHE-ECDSA-AES256-GCM-SHA384 -- \
    -CAfile "$CERTS/ca.pem"
one_handshake ciphers13 "New, TLSv1.3, Cipher is TLS_CHACHA20_POLY1305_SHA256" \
    --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" \
    --ciphers TLS_CHACHA20_POLY1305_SHA256 -- -CAfile "$CERTS/ca.pem"
