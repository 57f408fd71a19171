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

# relay NAME [RELAY_ARGS]: starts tamper.py in front of the server on
# $PORT; sets RPORT to its port. relay_report NAME waits for it and sets
# RELAY to its report.
# shellcheck disable=SC2153 # PORT: the server's, set by start_petls_server
relay() {
    local name=$1
    shift
    start_bg "relay-$name" python3 "$PY/tamper.py" --port "$PORT" --limit 15 \
        "$@"
    RELAY_PID=$BG_PID
    wait_for_file_match "$TMP/relay-$name.out" '"listening"' 10 || true
    RPORT=$(sed -nE 's/^\{"listening": ([0-9]+)\}$/\1/p' "$TMP/relay-$name.out")
}
relay_report() {
    wait "$RELAY_PID" || true
    RELAY=$(grep '"tampered"' "$TMP/relay-$1.out" || true)
}

# tampered NAME VERSION_FLAG [RELAY_ARGS]: s_client through tamper.py; sets
# RELAY to the relay's report.
tampered() {
    local name=$1 flag=$2
    shift 2
    relay "$name" "$@"
    timeout "$FG_LIMIT" openssl s_client -connect "127.0.0.1:$RPORT" "$flag" \
        -servername localhost -CAfile "$CERTS/ca.pem" -ign_eof </dev/null \
        >"$TMP/$name.out" 2>"$TMP/$name.err" || true
    relay_report "$name"
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

section "the reason in the log: a bad binder, a bad Finished, no RFC 5746 signal"
# The binder case resumes a stateful TLS 1.3 session (the session ID
# cache holds the ticket's session): builds without the cache skip it.
why_args=()
if built_with SESSION_CACHE; then why_args=(--no-tickets); fi
start_petls_server why --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --echo "${why_args[@]}"
n=0
if built_with SESSION_CACHE; then
    # TLS 1.3, a session resumed with its ClientHello's last byte (the PSK
    # binder) flipped: mbedTLS fails with HANDSHAKE_FAILURE and sends
    # decrypt_error (RFC 8446 4.2.11). Stateful (--no-tickets): the session
    # ID cache holds the TLS 1.3 ticket's session.
    echo ping-binder | timeout "$FG_LIMIT" openssl s_client \
        -connect "127.0.0.1:$PORT" -tls1_3 -servername localhost \
        -CAfile "$CERTS/ca.pem" -sess_out "$TMP/binder.sess" -ign_eof \
        >"$TMP/binder-first.out" 2>&1 || true
    n=$((n + 1))
    assert_json "binder first handshake" "$(server_event why $n)" event handshake
    relay binder --hello
    timeout "$FG_LIMIT" openssl s_client -connect "127.0.0.1:$RPORT" -tls1_3 \
        -servername localhost -CAfile "$CERTS/ca.pem" -sess_in "$TMP/binder.sess" \
        </dev/null >"$TMP/binder.out" 2>"$TMP/binder.err" || true
    relay_report binder
    assert_json "binder relay" "$RELAY" tampered true
    assert_eq "binder records after the damage" "[[21,2]]" \
        "$(json_field "$RELAY" after)"
    assert_contains "binder s_client" "$(cat "$TMP/binder.err")" \
        "alert decrypt error"
    n=$((n + 1))
    assert_json "binder server" "$(server_event why $n)" error \
        "handshake: the client's PSK binder does not verify (a damaged or foreign ticket, or a wrong key; sent alert decrypt_error)"
fi
# TLS 1.2 without extended master secret (gnutls-cli %NO_SESSION_HASH):
# the relay flips a byte of the ServerHello's session ID, so the keys stay
# the same and the client's Finished covers another transcript.
relay fin --server-session-id
timeout "$FG_LIMIT" gnutls-cli --port "$RPORT" --x509cafile "$CERTS/ca.pem" \
    --priority 'NORMAL:%NO_SESSION_HASH:-VERS-TLS1.3' localhost </dev/null \
    >"$TMP/fin.out" 2>&1 || true
relay_report fin
assert_json "fin relay" "$RELAY" tampered true
assert_eq "fin: the server's last record, one alert" "[21,2]" \
    "$(json_field "$RELAY" after | sed -E 's/.*(\[21,2\])\]$/\1/')"
assert_eq "fin: alerts from the server" 1 \
    "$(json_field "$RELAY" after | grep -o '\[21,' | wc -l)"
assert_contains "fin gnutls-cli" "$(cat "$TMP/fin.out")" \
    "Received alert [51]: Decrypt error"
n=$((n + 1))
assert_json "fin server" "$(server_event why $n)" error \
    "handshake: the peer's Finished does not verify (wrong keys or a tampered handshake; sent alert decrypt_error)"
# TLS 1.2 without renegotiation_info or its SCSV (RFC 5746): petls
# requires the signal (MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE).
run_gnutls_cli nosig "" --x509cafile "$CERTS/ca.pem" \
    --priority 'NORMAL:%DISABLE_SAFE_RENEGOTIATION:-VERS-TLS1.3'
assert_contains "nosig gnutls-cli" "$OUT$ERR" "Received alert [40]: Handshake failed"
n=$((n + 1))
assert_json "nosig server" "$(server_event why $n)" error \
    "handshake: the client sent no RFC 5746 secure renegotiation signal (renegotiation_info), which petls requires (sent alert handshake_failure)"
served after-why
stop_bg "$SERVER_PID"
# The petls client against a gnutls-serv without the signal.
start_gnutls_server gsrv --x509certfile "$CERTS/server-ecdsa.pem" \
    --x509keyfile "$CERTS/server-ecdsa.key" \
    --priority 'NORMAL:%DISABLE_SAFE_RENEGOTIATION:-VERS-TLS1.3'
run_petls_client nosigcli "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
    --servername localhost --json
assert_status "nosigcli petls client" 1 "$STATUS"
assert_json "nosigcli client" "$(printf '%s\n' "$OUT" | grep '^{"event"' | head -n1)" \
    error "handshake: the server sent no RFC 5746 secure renegotiation signal (renegotiation_info), which petls requires (sent alert handshake_failure)"
stop_bg "$SERVER_PID"

section "a peer resetting after the handshake: one 'read:' in the CLI's line"
start_bg rstsrv python3 "$PY/reset_peer.py" server --certs "$CERTS"
rst_pid=$BG_PID
wait_for_file_match "$TMP/rstsrv.out" '"listening"' 10 || true
rport=$(sed -nE 's/^\{"listening": ([0-9]+)\}$/\1/p' "$TMP/rstsrv.out")
run_petls_client rstcli "127.0.0.1:$rport" --ca "$CERTS/ca.pem" \
    --servername localhost --send ping
wait "$rst_pid" || true
assert_status "rstcli petls client" 1 "$STATUS"
assert_line "rstcli stderr" "$ERR" "petls: client: read: Connection reset by peer"
start_petls_server rsts --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --echo
run_capture rstclient python3 "$PY/reset_peer.py" client --port "$PORT"
assert_status "rstclient" 0 "$STATUS"
wait_for_file_match "$TMP/rsts.err" 'reset by peer' 10 || true
assert_contains "rsts server stderr" "$(cat "$TMP/rsts.err")" \
    ": read: Connection reset by peer"
assert_not_contains "rsts server stderr" "$(cat "$TMP/rsts.err")" \
    "read: read:"
served after-rst
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
    "the client's ClientHello has no extensions (a TLS 1.2 client), which mbedTLS 3.6 refuses while TLS 1.3 is enabled (mbedTLS issue 9963; sent alert decode_error)" \
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
