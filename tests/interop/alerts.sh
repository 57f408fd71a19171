#!/bin/bash
# Exactly one right alert for every refused input (issue 10, items 2-6).
#  - A TLS 1.3 record that does not decrypt once handshake keys are in use
#    (the client's Finished, damaged by a relay between openssl s_client and
#    the petls server): one encrypted alert, not two. The same in TLS 1.2.
#  - Crafted bytes (tests/interop/py/crafted.py): malformed, short, oversized
#    and duplicate-extension ClientHellos, bad key shares, bad
#    ClientKeyExchange points, bad CertificateVerify, records of unknown
#    types, a missing client certificate. Each gets exactly one fatal alert
#    with the RFC's description, and the server serves the next client.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

PY=$INTEROP_DIR/py

# tampered NAME VERSION_FLAG [RELAY_ARGS]: s_client through tamper.py; sets
# RELAY to the relay's report.
tampered() {
    local name=$1 flag=$2 rport
    start_bg "relay-$name" python3 "$PY/tamper.py" --port "$PORT" --limit 15 \
        ${3:+"$3"}
    local relay_pid=$BG_PID
    wait_for_file_match "$TMP/relay-$name.out" '"listening"' 10 || true
    rport=$(sed -nE 's/^\{"listening": ([0-9]+)\}$/\1/p' "$TMP/relay-$name.out")
    timeout "$FG_LIMIT" openssl s_client -connect "127.0.0.1:$rport" "$flag" \
        -servername localhost -CAfile "$CERTS/ca.pem" -ign_eof </dev/null \
        >"$TMP/$name.out" 2>"$TMP/$name.err" || true
    wait "$relay_pid" || true
    RELAY=$(grep '"tampered"' "$TMP/relay-$name.out" || true)
}

# served NAME: a good TLS 1.3 client still gets through.
served() {
    run_s_client "$1" "ping-$1" -servername localhost -CAfile "$CERTS/ca.pem" \
        -verify_return_error
    assert_status "$1 s_client" 0 "$STATUS"
    assert_line "$1 echo" "$OUT" "ping-$1"
}

section "a damaged encrypted Finished: one alert (TLS 1.3 and 1.2)"
start_petls_server tsrv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --echo
n=0
for v in 1_3 1_2; do
    tampered "fin$v" "-tls$v"
    assert_json "fin$v relay" "$RELAY" tampered true
    assert_json "fin$v relay" "$RELAY" eof true
    # TLS 1.3: the alert is encrypted (type 23) and padded to 16 bytes plus
    # the tag. TLS 1.2: the server has not switched its keys yet, so its
    # alert is plaintext.
    if [ "$v" = 1_3 ]; then
        assert_eq "fin$v records after the damage" "[[23,32]]" \
            "$(json_field "$RELAY" after)"
    else
        assert_eq "fin$v records after the damage" "[[21,2]]" \
            "$(json_field "$RELAY" after)"
        assert_contains "fin$v s_client" "$(cat "$TMP/fin$v.err")" \
            "alert bad record mac"
    fi
    n=$((n + 1))
    ev=$(server_event tsrv $n)
    assert_json "fin$v server" "$ev" event handshake_failed
    assert_json "fin$v server" "$ev" error \
        "handshake: record authentication failed (mbed TLS: SSL - Verification of the message MAC failed) (sent alert bad_record_mac)"
    served "after-fin$v"
    n=$((n + 1))
done
stop_bg "$SERVER_PID"

section "no client certificate where one is required: one alert"
# TLS 1.3: certificate_required (mbedTLS would send SSLv3's no_certificate,
# 41, under its handshake keys, which s_client cannot read); TLS 1.2:
# handshake_failure (mbedTLS sends none).
start_petls_server rsrv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --echo --verify-client require \
    --ca "$CERTS/ca.pem"
n=0
for v in 1_3 1_2; do
    tampered "nocert$v" "-tls$v" --count-only
    if [ "$v" = 1_3 ]; then
        want=certificate_required
        assert_eq "nocert$v records after the client's" "[[23,32]]" \
            "$(json_field "$RELAY" after)"
    else
        want=handshake_failure
        assert_eq "nocert$v records after the client's" "[[21,2]]" \
            "$(json_field "$RELAY" after)"
    fi
    assert_contains "nocert$v s_client" "$(cat "$TMP/nocert$v.err")" \
        "alert ${want//_/ }"
    n=$((n + 1))
    ev=$(server_event rsrv $n)
    assert_json "nocert$v server" "$ev" error \
        "handshake: the client sent no certificate (one is required; sent alert $want)"
done
stop_bg "$SERVER_PID"

# crafted SET ARGS...: a petls server with ARGS (and the certificate
# $KEY, default server-ecdsa), then every case of SET.
crafted() {
    local set=$1 line key=${KEY:-server-ecdsa}
    shift
    start_petls_server "c$set" --cert "$CERTS/$key.pem" \
        --key "$CERTS/$key.key" --json "$@"
    run_capture "crafted-$set" python3 "$PY/crafted.py" --port "$PORT" \
        --set "$set" --cert "$CERTS/client.pem"
    while IFS= read -r line; do
        case $line in
        *'"case"'*)
            CHECKS=$((CHECKS + 1))
            if [ "$(json_field "$line" ok)" = true ]; then
                pass "$set $(json_field "$line" case): $(json_field "$line" want)"
            else
                fail "$set: $line"
            fi
            ;;
        esac
    done <"$TMP/crafted-$set.out"
    assert_status "crafted $set" 0 "$STATUS"
    stop_bg "$SERVER_PID"
}

section "crafted ClientHellos and records (TLS 1.2 + 1.3 server)"
crafted both
# The ClientHello stage's refusals (mbedTLS does not look for an extension
# sent twice) are logged with the extension.
for e in "supported_groups (extension 10)" "key_share (extension 51)" \
    "supported_versions (extension 43)" "server_name (extension 0)" \
    "signature_algorithms (extension 13)"; do
    assert_contains "both server log: $e twice" "$(cat "$TMP/cboth.out")" \
        "\"error\":\"handshake: the client's ClientHello has $e twice (RFC 8446 4.2; sent alert illegal_parameter)\""
done
# logged SET MESSAGE...: each MESSAGE is a handshake_failed error in the
# log of SET's server.
logged() {
    local set=$1 m
    shift
    for m in "$@"; do
        assert_contains "$set server log" "$(cat "$TMP/c$set.out")" \
            "\"error\":\"handshake: $m\""
    done
}
logged both \
    "not a TLS handshake: the client sent a record of 18500 bytes, longer than the 16384 TLS allows (RFC 8446 5.1; sent alert record_overflow)" \
    "not a TLS handshake: the client sent a record of 16500 bytes, longer than the 16384 TLS allows (RFC 8446 5.1; sent alert record_overflow)" \
    "the client's ClientHello is 20030 bytes, more than the 16384 petls can take (MBEDTLS_SSL_IN_CONTENT_LEN; sent alert illegal_parameter)" \
    "the client's key share is not a valid public key of its group (RFC 8446 4.2.8; sent alert illegal_parameter)" \
    "not a TLS handshake: the client sent a record of unknown content type 0 (RFC 8446 5; sent alert unexpected_message)" \
    "not a TLS handshake: the client sent a record of unknown content type 153 (RFC 8446 5; sent alert unexpected_message)" \
    "not a TLS handshake: the client sent an empty alert record (RFC 8446 6; sent alert unexpected_message)" \
    "not a TLS handshake: the client sent a malformed alert record of 3 bytes (RFC 8446 6; sent alert decode_error)" \
    "not a TLS handshake: the client sent an empty handshake record (RFC 8446 5.1; sent alert unexpected_message)" \
    "the client's ClientHello does not parse (RFC 8446 4.1.2; sent alert decode_error)" \
    "the client sent a handshake message of type 2 where a ClientHello belongs (RFC 8446 4; sent alert unexpected_message)"
section "crafted TLS 1.2 key exchanges (TLS 1.2 server)"
crafted tls12 --max-version TLSv1.2
logged tls12 \
    "the client's ClientHello has ec_point_formats (extension 11) twice (RFC 8446 4.2; sent alert illegal_parameter)" \
    "the client's ClientKeyExchange point is not a valid secp256r1 public key (RFC 8422 5.10; sent alert illegal_parameter)" \
    "the client's ClientKeyExchange point is not a valid x25519 public key (RFC 8422 5.10; sent alert illegal_parameter)" \
    "the client's ClientKeyExchange has its point in compressed form (RFC 8422 5.1.2; sent alert illegal_parameter)" \
    "the client's ClientKeyExchange does not parse (sent alert decode_error)"
section "crafted DHE ClientKeyExchanges (TLS 1.2 server, RSA certificate)"
KEY=server-rsa crafted dhe12 --max-version TLSv1.2
logged dhe12 \
    "the client's ClientKeyExchange DH value is out of range (RFC 7919 5.1; sent alert illegal_parameter)" \
    "the client's ClientKeyExchange does not parse (sent alert decode_error)"
section "crafted client authentication (TLS 1.2, client certificate required)"
crafted req12 --max-version TLSv1.2 --verify-client require \
    --ca "$CERTS/ca.pem"
