#!/bin/bash
# petls client's summary with ALPN (its own script: features-off builds
# without ALPN skip it): the protocol agreed with openssl s_server, and
# '(none)' when the server agrees none.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

expires=$(date -u -d "$(openssl x509 -in "$CERTS/server-ecdsa.pem" -noout -enddate |
    sed 's/^notAfter=//')" '+%Y-%m-%d %H:%M:%S UTC')

section "ALPN h2 agreed with openssl s_server"
start_openssl_server alpn -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" \
    -alpn h2 -tls1_3 -www
run_petls_client summary "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
    --servername localhost --alpn h2,http/1.1
assert_status "summary" 0 "$STATUS"
assert_eq "summary line 1" "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384" \
    "$(sed -n 1p <<<"$OUT")"
assert_eq "summary line 2" "Verification: OK" "$(sed -n 2p <<<"$OUT")"
assert_eq "summary line 3" "Server name: localhost" "$(sed -n 3p <<<"$OUT")"
assert_eq "summary line 4" "ALPN protocol: h2" "$(sed -n 4p <<<"$OUT")"
assert_eq "summary line 5" "Peer subject: CN=localhost" "$(sed -n 5p <<<"$OUT")"
assert_eq "summary line 6" "Peer issuer: CN=petls Test Intermediate CA" \
    "$(sed -n 6p <<<"$OUT")"
assert_eq "summary line 7" "Peer expires: $expires" "$(sed -n 7p <<<"$OUT")"
assert_eq "summary line 8" "Server Temp Key: ECDH, X25519, 253 bits" \
    "$(sed -n 8p <<<"$OUT")"
assert_eq "summary lines" 8 "$(wc -l <<<"$OUT")"
assert_eq "summary stderr" "" "$ERR"
stop_bg "$SERVER_PID"

section "no ALPN agreed: '(none)'"
start_openssl_server noalpn -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -tls1_2 -www
run_petls_client noalpn "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
    --servername localhost --alpn h2
assert_status "noalpn" 0 "$STATUS"
assert_eq "noalpn line 1" "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384" \
    "$(sed -n 1p <<<"$OUT")"
assert_line "noalpn" "$OUT" "ALPN protocol: (none)"
stop_bg "$SERVER_PID"
