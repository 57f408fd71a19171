#!/bin/bash
# petls client against `openssl s_server`: TLS 1.2 and 1.3 with ECDSA and RSA
# servers (-www: s_server reports the session it negotiated; -rev: plain
# data exchange), then every certificate failure the client must detect,
# each with its exact Node.js error code.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

CA=(--ca "$CERTS/ca.pem")

# s_server sends only the first certificate of -cert; the rest of the chain
# must come through -cert_chain.
# chain_for CERTFILE: sets CHAIN to the s_server arguments for its chain.
chain_for() {
    case $1 in
    selfsigned.pem | other-leaf.pem) CHAIN=() ;;
    other-chain.pem) CHAIN=(-cert_chain "$CERTS/other-ca.pem") ;;
    *) CHAIN=(-cert_chain "$CERTS/inter.pem") ;;
    esac
}

# www_ok NAME VERSION CIPHER CERT KEY S_SERVER_ARGS...
www_ok() {
    local name=$1 version=$2 cipher=$3 cert=$4 key=$5
    shift 5
    chain_for "$cert"
    start_openssl_server "$name-srv" -cert "$CERTS/$cert" -key "$CERTS/$key" \
        "${CHAIN[@]}" -www "$@"
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        "${CA[@]}" --idle 2 --send $'GET / HTTP/1.0\r\n\r\n'
    assert_status "$name petls client" 0 "$STATUS"
    OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
    assert_line "$name client" "$OUT" "New, $version, Cipher is $cipher"
    assert_line "$name client" "$OUT" "Verification: OK"
    # s_server's own view of the session, from its -www page.
    assert_line "$name s_server" "$OUT" "HTTP/1.0 200 ok"
    assert_line "$name s_server" "$OUT" "    Protocol  : $version"
    assert_line "$name s_server" "$OUT" "    Cipher    : $cipher"
    stop_bg "$SERVER_PID"
}

section "successful handshakes"
www_ok ecdsa-tls13 TLSv1.3 TLS_AES_128_GCM_SHA256 server-ecdsa.pem \
    server-ecdsa.key -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
www_ok ecdsa-tls13-aes256 TLSv1.3 TLS_AES_256_GCM_SHA384 server-ecdsa.pem \
    server-ecdsa.key -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384
www_ok ecdsa-tls12 TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 server-ecdsa.pem \
    server-ecdsa.key -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
www_ok rsa-tls13 TLSv1.3 TLS_AES_128_GCM_SHA256 server-rsa.pem \
    server-rsa.key -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
www_ok rsa-tls12 TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 server-rsa.pem \
    server-rsa.key -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384

section "plain data exchange (s_server -rev echoes each line reversed)"
for v in 1_2 1_3; do
    chain_for server-ecdsa.pem
    start_openssl_server "rev$v-srv" -cert "$CERTS/server-ecdsa.pem" \
        -key "$CERTS/server-ecdsa.key" "${CHAIN[@]}" -rev "-tls$v" -naccept 1
    run_petls_client "rev$v" "127.0.0.1:$PORT" --servername localhost \
        "${CA[@]}" --idle 0.5 --send $'petls-data\n'
    assert_status "rev$v petls client" 0 "$STATUS"
    assert_line "rev$v client" "$OUT" "Verification: OK"
    assert_line "rev$v reply" "$OUT" "atad-sltep"
    # With -naccept 1 s_server exits after this client, flushing its log.
    wait "$SERVER_PID" || true
    assert_contains "rev$v s_server" "$(cat "$TMP/rev$v-srv.err")" \
        "Protocol version: TLSv${v/_/.}"
    stop_bg "$SERVER_PID"
done

section "client-side verification failures"
# fail_case NAME CERT KEY CODE [CLIENT_ARGS...]: the client must refuse the
# server with CODE (exit 1, code on stderr, no connection summary).
fail_case() {
    local name=$1 cert=$2 key=$3 code=$4
    shift 4
    chain_for "$cert"
    start_openssl_server "$name-srv" -cert "$CERTS/$cert" \
        -key "$CERTS/$key" "${CHAIN[@]}" -www
    run_petls_client "$name" "127.0.0.1:$PORT" "${CA[@]}" "$@"
    assert_status "$name petls client" 1 "$STATUS"
    assert_contains "$name client stderr" "$ERR" "$code"
    assert_not_contains "$name client stdout" "$OUT" "Verification: OK"
    stop_bg "$SERVER_PID"
}
fail_case wrong-servername server-ecdsa.pem server-ecdsa.key \
    ERR_TLS_CERT_ALTNAME_INVALID --servername wrong.example
fail_case wrongname wrongname.pem wrongname.key \
    ERR_TLS_CERT_ALTNAME_INVALID --servername localhost
fail_case expired expired.pem expired.key CERT_HAS_EXPIRED \
    --servername localhost
fail_case notyet notyet.pem notyet.key CERT_NOT_YET_VALID \
    --servername localhost
fail_case selfsigned selfsigned.pem selfsigned.key \
    DEPTH_ZERO_SELF_SIGNED_CERT --servername localhost
fail_case other-leaf other-leaf.pem other-leaf.key \
    UNABLE_TO_VERIFY_LEAF_SIGNATURE --servername localhost
fail_case other-chain other-chain.pem other-leaf.key \
    SELF_SIGNED_CERT_IN_CHAIN --servername localhost
fail_case wrong-ca server-ecdsa.pem server-ecdsa.key \
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY --servername localhost \
    --ca "$CERTS/other-ca.pem"

section "--insecure connects anyway and reports the error"
start_openssl_server insecure-srv -cert "$CERTS/expired.pem" \
    -key "$CERTS/expired.key" -cert_chain "$CERTS/inter.pem" -www
run_petls_client insecure "127.0.0.1:$PORT" "${CA[@]}" \
    --servername localhost --insecure
assert_status "insecure petls client" 0 "$STATUS"
assert_line "insecure client" "$OUT" \
    "Verification error: CERT_HAS_EXPIRED: certificate has expired"
stop_bg "$SERVER_PID"
