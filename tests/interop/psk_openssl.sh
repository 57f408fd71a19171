#!/bin/bash
# External PSKs against OpenSSL, TLS 1.2 and 1.3: a certificate-less petls
# server against `openssl s_client -psk_identity -psk` (ECDHE-PSK and plain
# PSK suites, unknown identity and wrong key with the exact alert and error
# on each side, and the server still serving the next client), and the
# petls client against `openssl s_server -nocert -psk`; the server's
# --psk-hint is never sent (s_client -debug gets none).
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

KEY=00112233445566778899aabbccddeeff
BOB_KEY=ffeeddccbbaa99887766554433221100a1a2a3a4a5a6a7a8a9aaabacadaeafb0

section "petls server, PSKs only (no certificate)"
start_petls_server srv --psk "alice:$KEY" --psk "bob:$BOB_KEY" \
    --psk-hint petls --json --echo
n=0

# psk_ok NAME VERSION CIPHER IDENTITY S_CLIENT_ARGS...
psk_ok() {
    local name=$1 version=$2 cipher=$3 identity=$4
    shift 4
    n=$((n + 1))
    run_s_client "$name" "ping-$name" "$@"
    assert_status "$name s_client" 0 "$STATUS"
    assert_contains "$name s_client" "$OUT" ", $version, Cipher is $cipher"
    assert_line "$name echo" "$OUT" "ping-$name"
    local ev
    ev=$(server_event srv "$n")
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" version "$version"
    assert_json "$name server" "$ev" cipher "$cipher"
    assert_json "$name server" "$ev" psk_identity "$identity"
    assert_json "$name server" "$ev" resumed false
    assert_json "$name server" "$ev" peer_subject null
}

psk_ok tls13 TLSv1.3 TLS_AES_128_GCM_SHA256 alice -tls1_3 \
    -ciphersuites TLS_AES_128_GCM_SHA256 -psk_identity alice -psk "$KEY"
psk_ok tls13-bob TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 bob -tls1_3 \
    -ciphersuites TLS_CHACHA20_POLY1305_SHA256 -psk_identity bob \
    -psk "$BOB_KEY"
psk_ok tls12-ecdhe TLSv1.2 ECDHE-PSK-CHACHA20-POLY1305 alice -tls1_2 \
    -psk_identity alice -psk "$KEY"
psk_ok tls12-plain TLSv1.2 PSK-AES256-GCM-SHA384 bob -tls1_2 \
    -cipher PSK-AES256-GCM-SHA384 -psk_identity bob -psk "$BOB_KEY"

# psk_fails NAME SERVER_ERROR S_CLIENT_ALERT S_CLIENT_ARGS...
psk_fails() {
    local name=$1 server_err=$2 alert=$3
    shift 3
    n=$((n + 1))
    run_s_client "$name" "" "$@"
    assert_status "$name s_client" 1 "$STATUS"
    assert_contains "$name s_client stderr" "$ERR" "$alert"
    local ev
    ev=$(server_event srv "$n")
    assert_json "$name server" "$ev" event handshake_failed
    assert_json "$name server" "$ev" error "$server_err"
}

psk_fails tls12-unknown \
    "handshake: unknown PSK identity 'mallory' (sent alert unknown_psk_identity)" \
    "alert unknown psk identity" -tls1_2 -psk_identity mallory -psk "$KEY"
psk_fails tls12-wrongkey \
    "handshake: PSK mismatch: the client's key for identity 'alice' differs from ours (sent alert bad_record_mac)" \
    "alert bad record mac" -tls1_2 -psk_identity alice -psk "$BOB_KEY"
psk_fails tls13-unknown \
    "handshake: unknown PSK identity 'mallory' and no certificate to fall back on (sent alert handshake_failure)" \
    "alert handshake failure" -tls1_3 -psk_identity mallory -psk "$KEY"
psk_fails tls13-wrongkey \
    "handshake: PSK mismatch: the client's key for identity 'alice' differs from ours (sent alert decrypt_error)" \
    "alert decrypt error" -tls1_3 -psk_identity alice -psk "$BOB_KEY"

# After the failures the server still serves.
psk_ok after TLSv1.3 TLS_AES_128_GCM_SHA256 alice -tls1_3 \
    -ciphersuites TLS_AES_128_GCM_SHA256 -psk_identity alice -psk "$KEY"

# --psk-hint (petls_config_set_psk_identity_hint, Node's pskIdentityHint)
# is accepted but never sent (the documented mbed TLS 3.6 limit): s_client
# -debug reports the hint its PSK callback got, for the ECDHE-PSK suite
# (mbed TLS writes an empty one) and the plain one (no ServerKeyExchange).
for c in ECDHE-PSK-CHACHA20-POLY1305 PSK-AES256-GCM-SHA384; do
    n=$((n + 1))
    run_s_client "hint-$c" "ping-hint" -tls1_2 -cipher "$c" -debug \
        -psk_identity alice -psk "$KEY"
    assert_status "hint-$c s_client" 0 "$STATUS"
    assert_contains "hint-$c: no hint reached s_client" "$OUT" \
        "NULL received PSK identity hint, continuing anyway"
    assert_not_contains "hint-$c: the hint is not on the wire" "$OUT" \
        "Received PSK identity hint 'petls'"
    assert_json "hint-$c server" "$(server_event srv "$n")" psk_identity alice
done
stop_bg "$SERVER_PID"

section "petls server with a certificate and PSKs"
start_petls_server both --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --psk "alice:$KEY" --json --echo
run_s_client both-cert "ping-cert" -tls1_3 -servername localhost \
    -CAfile "$CERTS/ca.pem" -verify_return_error
assert_status "both-cert s_client" 0 "$STATUS"
assert_line "both-cert s_client" "$OUT" "Verification: OK"
ev=$(server_event both 1)
assert_json "both-cert server" "$ev" psk_identity null
run_s_client both-psk "ping-psk" -tls1_3 -psk_identity alice -psk "$KEY"
assert_status "both-psk s_client" 0 "$STATUS"
ev=$(server_event both 2)
assert_json "both-psk server" "$ev" psk_identity alice
assert_json "both-psk server" "$ev" version TLSv1.3
stop_bg "$SERVER_PID"

section "petls client against openssl s_server -nocert -psk"
for v in 1_3 1_2; do
    version=TLSv${v/_/.}
    start_openssl_server "ssrv$v" -nocert -psk_identity alice -psk "$KEY" \
        -psk_hint s_server-hint "-tls$v" -www
    run_petls_client "cli$v" "127.0.0.1:$PORT" --psk "alice:$KEY" \
        --insecure --json --idle 2 --send $'GET / HTTP/1.0\r\n\r\n'
    assert_status "cli$v petls client" 0 "$STATUS"
    ev=$(printf '%s\n' "$OUT" | grep '^{"event"' | head -n1)
    assert_json "cli$v client" "$ev" event handshake
    assert_json "cli$v client" "$ev" version "$version"
    assert_json "cli$v client" "$ev" psk_identity alice
    assert_json "cli$v client" "$ev" authorized true
    OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
    assert_line "cli$v s_server" "$OUT" "    Protocol  : $version"
    stop_bg "$SERVER_PID"

    # A key the server does not share.
    start_openssl_server "ssrvbad$v" -nocert -psk_identity alice \
        -psk "$KEY" "-tls$v" -www
    run_petls_client "clibad$v" "127.0.0.1:$PORT" --psk "alice:$BOB_KEY" \
        --insecure --json
    assert_status "clibad$v petls client" 1 "$STATUS"
    ev=$(printf '%s\n' "$OUT" | grep '^{"event"' | head -n1)
    assert_json "clibad$v client" "$ev" event handshake_failed
    # OpenSSL answers a TLS 1.3 binder made with another key with
    # illegal_parameter, and a TLS 1.2 Finished with bad_record_mac.
    if [ $v = 1_3 ]; then alert=illegal_parameter; else alert=bad_record_mac; fi
    assert_json "clibad$v client" "$ev" error \
        "handshake: peer sent fatal alert $alert"
    stop_bg "$SERVER_PID"
done
