#!/bin/bash
# petls client against a Node.js tls server: TLS 1.2 and 1.3, ECDSA and RSA,
# SNI seen by Node, data echoed back, verification by IP address, and the
# certificate failures with their exact Node.js codes.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# echo_ok NAME KEYTYPE VERSION CIPHER SNI NODE_ARGS -- CLIENT_ARGS
echo_ok() {
    local name=$1 key=$2 version=$3 cipher=$4 sni=$5
    shift 5
    local node_args=()
    while [ "$1" != -- ]; do
        node_args+=("$1")
        shift
    done
    shift
    start_node_server "$name-srv" --cert "$CERTS/server-$key.pem" \
        --key "$CERTS/server-$key.key" "${node_args[@]}"
    run_petls_client "$name" "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
        --idle 0.5 --send "echo-$name" "$@"
    assert_status "$name petls client" 0 "$STATUS"
    assert_line "$name client" "$OUT" "New, $version, Cipher is $cipher"
    assert_line "$name client" "$OUT" "Verification: OK"
    assert_contains "$name echo" "$OUT" "echo-$name"
    local ev
    ev=$(server_event "$name-srv" 2)
    assert_json "$name node" "$ev" event secure
    assert_json "$name node" "$ev" protocol "$version"
    assert_json "$name node" "$ev" cipher "$cipher"
    assert_json "$name node" "$ev" servername "$sni"
    stop_bg "$SERVER_PID"
}

section "handshakes and echo"
echo_ok ecdsa-tls13 ecdsa TLSv1.3 TLS_AES_128_GCM_SHA256 localhost \
    --min-version TLSv1.3 --ciphers TLS_AES_128_GCM_SHA256 -- \
    --servername localhost
echo_ok ecdsa-tls12 ecdsa TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 localhost \
    --max-version TLSv1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 -- \
    --servername localhost
echo_ok rsa-tls13 rsa TLSv1.3 TLS_AES_256_GCM_SHA384 localhost \
    --min-version TLSv1.3 --ciphers TLS_AES_256_GCM_SHA384 -- \
    --servername localhost
# Known mbedTLS 3.6.6 defect (Mbed-TLS/mbedtls#10672, fixed after 3.6.6): a
# client offering TLS 1.2 and 1.3 rejects a TLS 1.2 ServerKeyExchange signed
# with RSA-PSS, which Node prefers. Assert the exact, explained failure so
# this case flips (and must be updated to echo_ok) once the fix ships.
start_node_server rsa-tls12-srv --cert "$CERTS/server-rsa.pem" \
    --key "$CERTS/server-rsa.key" --max-version TLSv1.2 \
    --ciphers ECDHE-RSA-AES256-GCM-SHA384
run_petls_client rsa-tls12 "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
    --servername localhost
assert_status "rsa-tls12 (known mbedTLS RSA-PSS defect) exit" 1 "$STATUS"
assert_contains "rsa-tls12 explains the defect" "$ERR" "Mbed-TLS/mbedtls#10672"
stop_bg "$SERVER_PID"
# A TLS 1.2-only client offers no RSA-PSS for TLS 1.3, so the server signs
# with PKCS#1 (the rsa-tls12 case above exercises the hybrid client).
echo_ok rsa-tls12-only rsa TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 localhost \
    --max-version TLSv1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 -- \
    --servername localhost --max-version TLSv1.2
# The client limits the version itself.
echo_ok client-max12 ecdsa TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 localhost \
    --ciphers ECDHE-ECDSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256 -- \
    --servername localhost --max-version TLSv1.2
# No SNI for an IP literal; the IP SAN is checked instead.
echo_ok by-ip ecdsa TLSv1.3 TLS_AES_128_GCM_SHA256 null \
    --ciphers TLS_AES_128_GCM_SHA256 --
# A wildcard SAN covers one label.
echo_ok wildcard ecdsa TLSv1.3 TLS_AES_128_GCM_SHA256 x.petls.test \
    --ciphers TLS_AES_128_GCM_SHA256 -- --servername x.petls.test

section "verification failures"
# fail_case NAME CERTFILE KEYFILE CODE CLIENT_ARGS...
fail_case() {
    local name=$1 cert=$2 key=$3 code=$4
    shift 4
    start_node_server "$name-srv" --cert "$CERTS/$cert" --key "$CERTS/$key"
    run_petls_client "$name" "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" "$@"
    assert_status "$name petls client" 1 "$STATUS"
    assert_contains "$name client stderr" "$ERR" "$code"
    assert_not_contains "$name client stdout" "$OUT" "Verification: OK"
    stop_bg "$SERVER_PID"
}
fail_case wrong-servername server-ecdsa.pem server-ecdsa.key \
    ERR_TLS_CERT_ALTNAME_INVALID --servername wrong.example
fail_case wildcard-two-labels server-ecdsa.pem server-ecdsa.key \
    ERR_TLS_CERT_ALTNAME_INVALID --servername a.b.petls.test
fail_case expired expired.pem expired.key CERT_HAS_EXPIRED \
    --servername localhost
fail_case selfsigned selfsigned.pem selfsigned.key \
    DEPTH_ZERO_SELF_SIGNED_CERT --servername localhost
fail_case other-chain other-chain.pem other-leaf.key \
    SELF_SIGNED_CERT_IN_CHAIN --servername localhost
fail_case revoked revoked.pem revoked.key CERT_REVOKED \
    --servername localhost --crl "$CERTS/crl.pem"
