#!/bin/bash
# petls server --www against curl (libcurl over OpenSSL): an HTTPS request
# over TLS 1.2 and 1.3 whose answer describes the connection, with curl
# verifying the chain and the name, and curl refusing a wrong name.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

start_petls_server www --cert "$CERTS/server-rsa.pem" \
    --key "$CERTS/server-rsa.key" --www --json
n=0

for v in 1.2 1.3; do
    section "curl, TLS $v"
    name=curl-$v
    run_capture "$name" curl --silent --show-error --http1.0 \
        --cacert "$CERTS/ca.pem" --tlsv$v --tls-max $v \
        --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT/"
    assert_status "$name curl" 0 "$STATUS"
    assert_line "$name page" "$OUT" "version: TLSv$v"
    assert_line "$name page" "$OUT" "servername: localhost"
    n=$((n + 1))
    ev=$(server_event www $n)
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" version "TLSv$v"
    assert_json "$name server" "$ev" servername localhost
    # The page and the JSON line describe the same connection.
    assert_line "$name page" "$OUT" "cipher: $(json_field "$ev" cipher)"
done

section "curl refuses a name the certificate does not cover"
run_capture wrongname curl --silent --show-error --cacert "$CERTS/ca.pem" \
    --resolve "wrong.example:$PORT:127.0.0.1" "https://wrong.example:$PORT/"
assert_status "wrongname curl" 60 "$STATUS"
assert_contains "wrongname curl stderr" "$ERR" "no alternative certificate subject name matches target host name 'wrong.example'"
