#!/bin/bash
# petls client against `gnutls-serv --echo`: TLS 1.2 and 1.3 (pinned on the
# GnuTLS side), ECDSA and RSA, data echoed back, GnuTLS's view of the
# session, and a server name the certificate does not cover.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

V13=NORMAL:-VERS-ALL:+VERS-TLS1.3
V12=NORMAL:-VERS-ALL:+VERS-TLS1.2

# echo_ok NAME KEYTYPE PRIORITY VERSION CIPHER GNUTLS_VERSION GNUTLS_CIPHER
echo_ok() {
    local name=$1 key=$2 prio=$3 version=$4 cipher=$5 gver=$6 gcipher=$7
    start_gnutls_server "$name-srv" --echo \
        --x509certfile "$CERTS/server-$key.pem" \
        --x509keyfile "$CERTS/server-$key.key" --priority "$prio"
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --idle 0.5 --send $'echo-'"$name"$'\n'
    assert_status "$name petls client" 0 "$STATUS"
    assert_line "$name client" "$OUT" "New, $version, Cipher is $cipher"
    assert_line "$name client" "$OUT" "Verification: OK"
    assert_line "$name echo" "$OUT" "echo-$name"
    # gnutls-serv logs the session on stdout once the client is gone.
    wait_for_file_match "$TMP/$name-srv.out" '^- Cipher: ' 5 || true
    local log
    log=$(cat "$TMP/$name-srv.out")
    assert_line "$name gnutls-serv" "$log" "- Version: $gver"
    assert_line "$name gnutls-serv" "$log" "- Cipher: $gcipher"
    assert_line "$name gnutls-serv" "$log" "- Given server name[1]: localhost"
    stop_bg "$SERVER_PID"
}

section "echo round trips"
echo_ok ecdsa-tls13 ecdsa "$V13:-CIPHER-ALL:+AES-128-GCM" TLSv1.3 \
    TLS_AES_128_GCM_SHA256 TLS1.3 AES-128-GCM
echo_ok ecdsa-tls12 ecdsa "$V12:-CIPHER-ALL:+AES-256-GCM" TLSv1.2 \
    ECDHE-ECDSA-AES256-GCM-SHA384 TLS1.2 AES-256-GCM
echo_ok rsa-tls13 rsa "$V13:-CIPHER-ALL:+AES-256-GCM" TLSv1.3 \
    TLS_AES_256_GCM_SHA384 TLS1.3 AES-256-GCM
echo_ok rsa-tls12 rsa "$V12:-CIPHER-ALL:+AES-128-GCM" TLSv1.2 \
    ECDHE-RSA-AES128-GCM-SHA256 TLS1.2 AES-128-GCM

section "wrong server name"
start_gnutls_server wrongname-srv --echo \
    --x509certfile "$CERTS/server-ecdsa.pem" \
    --x509keyfile "$CERTS/server-ecdsa.key"
run_petls_client wrongname "127.0.0.1:$PORT" --servername wrong.example \
    --ca "$CERTS/ca.pem"
assert_status "wrongname petls client" 1 "$STATUS"
assert_contains "wrongname client stderr" "$ERR" ERR_TLS_CERT_ALTNAME_INVALID
assert_not_contains "wrongname client stdout" "$OUT" "Verification: OK"
