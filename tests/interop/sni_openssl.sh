#!/bin/bash
# Virtual hosts against OpenSSL and GnuTLS: a petls server with --sni
# contexts (exact and wildcard) picks the keypair by `openssl s_client
# -servername` in TLS 1.2 and 1.3; unknown names get the default, or the
# unrecognized_name alert with --strict-sni (and the server serves on);
# gnutls-cli's SNI reaches a context too; the petls client's name reaches
# `openssl s_server -servername`.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

SNI_ARGS=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
    --sni "rsa.petls.test:$CERTS/server-rsa.pem:$CERTS/server-rsa.key"
    --sni "*.wild.petls.test:$CERTS/wrongname.pem:$CERTS/wrongname.key")

# sni_ok NAME SERVER SERVERNAME N EXPECT_LINE S_CLIENT_ARGS...: the
# handshake for SERVERNAME succeeds, s_client shows EXPECT_LINE (which
# tells the keypair apart), the server reports the name.
sni_ok() {
    local name=$1 srv=$2 servername=$3 n=$4 expect=$5
    shift 5
    run_s_client "$name" "ping-$name" -servername "$servername" "$@"
    assert_status "$name s_client" 0 "$STATUS"
    assert_contains "$name s_client" "$OUT" "$expect"
    assert_line "$name echo" "$OUT" "ping-$name"
    local ev
    ev=$(server_event "$srv" "$n")
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" servername "$servername"
}

section "contexts, default for unknown names"
start_petls_server srv "${SNI_ARGS[@]}" --json --echo
i=0
for v in 1_2 1_3; do
    i=$((i + 1))
    sni_ok "exact$v" srv rsa.petls.test "$i" "Server public key is 2048 bit" \
        "-tls$v" -CAfile "$CERTS/ca.pem" -verify_return_error
    i=$((i + 1))
    sni_ok "wild$v" srv a.wild.petls.test "$i" "subject=CN = wrong.example" \
        "-tls$v"
    i=$((i + 1))
    # Two labels below the wildcard: not matched, the default serves.
    sni_ok "deep$v" srv a.b.wild.petls.test "$i" \
        "Server public key is 256 bit" "-tls$v"
    i=$((i + 1))
    sni_ok "default$v" srv localhost "$i" "Server public key is 256 bit" \
        "-tls$v" -CAfile "$CERTS/ca.pem" -verify_return_error
done
stop_bg "$SERVER_PID"

section "--strict-sni"
start_petls_server strict "${SNI_ARGS[@]}" --strict-sni --json --echo
i=0
for v in 1_2 1_3; do
    i=$((i + 1))
    run_s_client "unknown$v" "" -servername nope.petls.test "-tls$v"
    assert_status "unknown$v s_client" 1 "$STATUS"
    assert_contains "unknown$v s_client stderr" "$ERR" \
        "tlsv1 unrecognized name:"
    assert_contains "unknown$v s_client stderr" "$ERR" "SSL alert number 112"
    ev=$(server_event strict "$i")
    assert_json "unknown$v server" "$ev" event handshake_failed
    assert_json "unknown$v server" "$ev" error \
        "handshake: unrecognized server name 'nope.petls.test' (strict SNI: sent alert unrecognized_name)"
    i=$((i + 1))
    sni_ok "known$v" strict rsa.petls.test "$i" \
        "Server public key is 2048 bit" "-tls$v" -CAfile "$CERTS/ca.pem" \
        -verify_return_error
done
# A client sending no name still gets the default.
i=$((i + 1))
run_s_client noname "ping-noname" -noservername -tls1_3
assert_status "noname s_client" 0 "$STATUS"
assert_line "noname echo" "$OUT" "ping-noname"
ev=$(server_event strict "$i")
assert_json "noname server" "$ev" servername null

section "gnutls-cli --sni-hostname"
i=$((i + 1))
run_gnutls_cli gnutls "ping-gnutls" --sni-hostname rsa.petls.test \
    --verify-hostname rsa.petls.test --x509cafile "$CERTS/ca.pem"
assert_status "gnutls gnutls-cli" 0 "$STATUS"
assert_contains "gnutls gnutls-cli" "$OUT" "RSA key 2048 bits"
assert_line "gnutls echo" "$OUT" "ping-gnutls"
ev=$(server_event strict "$i")
assert_json "gnutls server" "$ev" servername rsa.petls.test
stop_bg "$SERVER_PID"

section "petls client's name at openssl s_server -servername"
# s_server answers a name other than its -servername with a fatal
# unrecognized_name (-servername_fatal): the name the client sent is seen.
for v in 1_2 1_3; do
    start_openssl_server "ossl$v" -cert "$CERTS/server-ecdsa.pem" \
        -key "$CERTS/server-ecdsa.key" -servername rsa.petls.test \
        -cert2 "$CERTS/server-rsa.pem" -key2 "$CERTS/server-rsa.key" \
        -servername_fatal "-tls$v" -www
    run_petls_client "ossl$v" "127.0.0.1:$PORT" --servername rsa.petls.test \
        --insecure --json --idle 2 --send $'GET / HTTP/1.0\r\n\r\n'
    assert_status "ossl$v petls client" 0 "$STATUS"
    ev=$(printf '%s\n' "$OUT" | grep '^{"event"' | head -n1)
    assert_json "ossl$v client" "$ev" event handshake
    assert_json "ossl$v client" "$ev" servername rsa.petls.test
    run_petls_client "osslbad$v" "127.0.0.1:$PORT" \
        --servername other.petls.test --insecure --json
    assert_status "osslbad$v petls client" 1 "$STATUS"
    ev=$(printf '%s\n' "$OUT" | grep '^{"event"' | head -n1)
    assert_json "osslbad$v client" "$ev" error \
        "handshake: peer sent fatal alert unrecognized_name"
    stop_bg "$SERVER_PID"
done

section "sessions do not cross contexts (openssl -sess_out / -sess_in)"
# The context has the same kind of key as the default, so only petls's
# binding of sessions to the SNI context keeps them apart. OpenSSL offers a
# TLS 1.3 ticket (and a TLS 1.2 one) to any name.
start_petls_server sess --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" \
    --sni "ecdsa.petls.test:$CERTS/server-ecdsa.pem:$CERTS/server-ecdsa.key" \
    --json --echo
i=0
for v in 1_2 1_3; do
    i=$((i + 1))
    run_s_client "first$v" "ping-first$v" "-tls$v" \
        -servername ecdsa.petls.test -sess_out "$TMP/sess$v.pem"
    assert_status "first$v s_client" 0 "$STATUS"
    assert_json "first$v server" "$(server_event sess "$i")" resumed false
    i=$((i + 1))
    run_s_client "cross$v" "ping-cross$v" "-tls$v" \
        -servername other.petls.test -sess_in "$TMP/sess$v.pem"
    assert_status "cross$v s_client" 0 "$STATUS"
    assert_contains "cross$v s_client" "$OUT" "New, TLSv${v/_/.}"
    ev=$(server_event sess "$i")
    assert_json "cross$v server" "$ev" resumed false
    assert_json "cross$v server" "$ev" servername other.petls.test
    i=$((i + 1))
    run_s_client "same$v" "ping-same$v" "-tls$v" \
        -servername ecdsa.petls.test -sess_in "$TMP/sess$v.pem"
    assert_status "same$v s_client" 0 "$STATUS"
    assert_contains "same$v s_client" "$OUT" "Reused, TLSv${v/_/.}"
    assert_json "same$v server" "$(server_event sess "$i")" resumed true
done
stop_bg "$SERVER_PID"
