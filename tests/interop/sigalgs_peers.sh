#!/bin/bash
# Node's `sigalgs` option and getSharedSigalgs() (petls_config_set_sigalgs,
# petls_conn_shared_sigalgs; issue 14), in TLS 1.3 and TLS 1.2:
#   - the same openssl s_client offer (-sigalgs) against a petls server and
#     a Node server configured with the same list: shared_sigalgs equal,
#     element by element, and the expected ones;
#   - what a petls client offers (--sigalgs) as openssl s_server -www reads
#     it, and a server that allows none of it refusing the handshake;
#   - no shared signature algorithm: the client gets handshake_failure, the
#     petls server logs the exact reason, then serves the next client.
# mbed TLS 3.6 has no RSA-PSS in TLS 1.2: the TLS 1.2 lists compared with
# Node leave it out (Node would list it; petls does not, as it would not
# sign with it), and one check shows it left out.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

RSA=(--cert "$CERTS/server-rsa.pem" --key "$CERTS/server-rsa.key")
S13="ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256:rsa_pkcs1_sha384"
C13="rsa_pkcs1_sha384:rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256:ed25519:rsa_pkcs1_sha256"
WANT13='["ECDSA+SHA256","RSA-PSS+SHA256","RSA+SHA256","RSA+SHA384"]'
S12="ecdsa_secp256r1_sha256:rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512"
C12="rsa_pkcs1_sha512:ecdsa_secp256r1_sha256:rsa_pkcs1_sha256"
WANT12='["ECDSA+SHA256","RSA+SHA256","RSA+SHA512"]'

# shared VERSION(tls1_3|tls1_2) SERVER_LIST CLIENT_OFFER WANT: one s_client
# offer against a Node server and a petls server with SERVER_LIST.
shared() {
    local v=$1 slist=$2 offer=$3 want=$4 nev pev mv
    mv=TLSv1.3
    [ "$v" = tls1_2 ] && mv=TLSv1.2
    section "$v: server $slist, client offers $offer"
    start_node_server "node-$v" "${RSA[@]}" --sigalgs "$slist"
    run_s_client "sc-node-$v" hi -"$v" -sigalgs "$offer"
    assert_status "s_client vs node $v" 0 "$STATUS"
    nev=$(server_event "node-$v" 2)
    stop_bg "$SERVER_PID"
    start_petls_server "petls-$v" "${RSA[@]}" --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --sigalgs "$slist" --json --echo
    run_s_client "sc-petls-$v" hi -"$v" -sigalgs "$offer"
    assert_status "s_client vs petls $v" 0 "$STATUS"
    pev=$(server_event "petls-$v" 1)
    stop_bg "$SERVER_PID"
    assert_json "node $v" "$nev" protocol "$mv"
    assert_json "petls $v" "$pev" version "$mv"
    assert_json "node $v getSharedSigalgs()" "$nev" shared_sigalgs "$want"
    assert_json "petls $v shared_sigalgs = node" "$pev" shared_sigalgs \
        "$(json_field "$nev" shared_sigalgs)"
}

shared tls1_3 "$S13" "$C13" "$WANT13"
shared tls1_2 "$S12" "$C12" "$WANT12"
# OpenSSL's spelling of the same lists.
shared tls1_3 "ECDSA+SHA256:RSA-PSS+SHA256:RSA+SHA256:RSA+SHA384" \
    "RSA+SHA384:RSA-PSS+SHA256:ECDSA+SHA256:ed25519:RSA+SHA256" "$WANT13"

section "TLS 1.2: RSA-PSS is left out of petls's shared list"
start_petls_server petls-pss "${RSA[@]}" --json --echo \
    --sigalgs rsa_pss_rsae_sha256:rsa_pkcs1_sha256
run_s_client sc-pss hi -tls1_2 -sigalgs rsa_pss_rsae_sha256:rsa_pkcs1_sha256
assert_status "s_client tls1_2 pss" 0 "$STATUS"
assert_contains "s_client tls1_2 pss: signed with PKCS#1" "$OUT" \
    "Peer signature type: RSA"$'\n'
assert_json "petls tls1_2 pss" "$(server_event petls-pss 1)" shared_sigalgs \
    '["RSA+SHA256"]'
stop_bg "$SERVER_PID"

section "no shared signature algorithm: handshake_failure, then the next client"
for v in tls1_3 tls1_2; do
    start_petls_server "petls-none-$v" "${RSA[@]}" --json --echo \
        --sigalgs ecdsa_secp384r1_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha384
    offer=rsa_pss_rsae_sha256:rsa_pkcs1_sha256
    allows="ecdsa_secp384r1_sha384, rsa_pss_rsae_sha512, rsa_pkcs1_sha384"
    if [ "$v" = tls1_2 ]; then
        allows="ecdsa_secp384r1_sha384, rsa_pkcs1_sha384"
    fi
    run_s_client "sc-none-$v" "" -"$v" -sigalgs "$offer"
    assert_status "s_client $v without a shared sigalg fails" 1 "$STATUS"
    assert_contains "s_client $v hears handshake_failure" "$ERR" \
        "alert handshake failure"
    ev=$(server_event "petls-none-$v" 1)
    assert_json "petls server $v" "$ev" event handshake_failed
    assert_json "petls server $v" "$ev" error \
        "handshake: no shared signature algorithm (the client offers rsa_pss_rsae_sha256, rsa_pkcs1_sha256; this server allows $allows; sent alert handshake_failure)"
    next=rsa_pkcs1_sha384 want='["RSA+SHA384"]' n=2
    if [ "$v" = tls1_3 ]; then
        # Only rsa_pkcs1_* in common: TLS 1.3 does not sign with them.
        run_s_client "sc-pkcs1-$v" "" -"$v" -sigalgs rsa_pkcs1_sha384
        assert_status "s_client $v with rsa_pkcs1 only fails" 1 "$STATUS"
        assert_json "petls server $v, rsa_pkcs1 only" \
            "$(server_event "petls-none-$v" 2)" error \
            "handshake: no shared signature algorithm TLS 1.3 signs with (the client offers rsa_pkcs1_sha384; this server allows $allows; rsa_pkcs1_* are for certificates only in TLS 1.3; sent alert handshake_failure)"
        next=rsa_pss_rsae_sha512 want='["RSA-PSS+SHA512"]' n=3
    fi
    run_s_client "sc-next-$v" hi -"$v" -sigalgs "$next"
    assert_status "the next client $v" 0 "$STATUS"
    assert_json "the next client $v" "$(server_event "petls-none-$v" "$n")" \
        shared_sigalgs "$want"
    stop_bg "$SERVER_PID"
done

section "petls client --sigalgs: what openssl s_server reads"
GET=$'GET / HTTP/1.0\r\n\r\n'
for v in TLSv1.3 TLSv1.2; do
    start_openssl_server "ss-$v" -cert "$CERTS/server-rsa.pem" \
        -key "$CERTS/server-rsa.key" -cert_chain "$CERTS/inter.pem" -www \
        -sigalgs rsa_pkcs1_sha256:rsa_pss_rsae_sha256
    run_petls_client "pc-$v" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --min-version "$v" --max-version "$v" \
        --sigalgs "rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256:ed25519:rsa_pkcs1_sha256" \
        --send "$GET"
    assert_status "petls client $v vs s_server" 0 "$STATUS"
    if [ "$v" = TLSv1.3 ]; then
        # ed25519 is skipped: mbed TLS cannot use it.
        assert_line "s_server $v: the client's list" "$OUT" \
            "Signature Algorithms: RSA-PSS+SHA256:ECDSA+SHA256:RSA+SHA256"
        assert_line "s_server $v: shared" "$OUT" \
            "Shared Signature Algorithms: RSA-PSS+SHA256:RSA+SHA256"
    else
        # mbed TLS 3.6 offers no RSA-PSS in TLS 1.2.
        assert_line "s_server $v: the client's list" "$OUT" \
            "Signature Algorithms: ECDSA+SHA256:RSA+SHA256"
        assert_line "s_server $v: shared" "$OUT" \
            "Shared Signature Algorithms: RSA+SHA256"
    fi
    stop_bg "$SERVER_PID"

    start_openssl_server "ss-no-$v" -cert "$CERTS/server-rsa.pem" \
        -key "$CERTS/server-rsa.key" -cert_chain "$CERTS/inter.pem" -www \
        -sigalgs rsa_pkcs1_sha512
    run_petls_client "pc-no-$v" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --min-version "$v" --max-version "$v" \
        --sigalgs ecdsa_secp256r1_sha256:rsa_pkcs1_sha256 --send "$GET"
    assert_status "petls client $v, nothing shared" 1 "$STATUS"
    assert_contains "petls client $v hears handshake_failure" "$ERR" \
        "peer sent fatal alert handshake_failure"
    stop_bg "$SERVER_PID"
done

section "bad lists"
run_petls_client bad 127.0.0.1:1 --sigalgs ecdsa_secp256r1_sha256:rsa_pss_sha256
assert_status "petls client --sigalgs with an unknown name" 1 "$STATUS"
assert_contains "petls client --sigalgs error" "$ERR" \
    "--sigalgs: unknown signature algorithm 'rsa_pss_sha256'"
