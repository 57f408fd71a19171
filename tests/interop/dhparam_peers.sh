#!/bin/bash
# Node's `dhparam` / libtls's dheparams (petls_config_set_dheparams, petls
# server --dhparam; issue 14): the group a petls server's TLS 1.2 DHE
# suites use, as openssl s_client (-cipher DHE-RSA-AES128-GCM-SHA256)
# reports it ("Server Temp Key: DH, N bits") and as Node's and petls's
# clients see it (getEphemeralKeyInfo()): a custom 3072-bit group (RFC 7919
# ffdhe3072 and RFC 3526 modp_3072 parameters made now by openssl genpkey,
# instant; ffdhe3072 also as DER), the default (ffdhe2048), `none` (no DHE suite: a DHE-only
# client gets handshake_failure, an ECDHE one is served), and groups the
# server refuses to start with (1536 bits, not DH parameters).
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

RSA=(--cert "$CERTS/server-rsa.pem" --key "$CERTS/server-rsa.key")
DHE=DHE-RSA-AES128-GCM-SHA256
for g in ffdhe3072 modp_3072 modp_1536; do
    openssl genpkey -genparam -algorithm DH -pkeyopt "group:$g" \
        -out "$TMP/$g.pem" 2>/dev/null
done
openssl dhparam -in "$TMP/ffdhe3072.pem" -outform DER -out "$TMP/ffdhe3072.der" \
    2>/dev/null
head -c 300 /dev/urandom | base64 >"$TMP/garbage.pem"

# temp_key NAME BITS ARGS...: a petls server with ARGS; openssl s_client,
# Node's client and petls's client, TLS 1.2 DHE only, see a BITS-bit DH key.
temp_key() {
    local name=$1 bits=$2 ev
    shift 2
    section "$name: DH, $bits bits"
    start_petls_server "srv-$name" "${RSA[@]}" --json --echo "$@"
    run_s_client "sc-$name" hi -tls1_2 -cipher "$DHE"
    assert_status "s_client $name" 0 "$STATUS"
    assert_line "s_client $name" "$OUT" "Server Temp Key: DH, $bits bits"
    assert_contains "s_client $name cipher" "$OUT" "Cipher is $DHE"
    run_node_client "node-$name" --port "$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --max-version TLSv1.2 --ciphers "$DHE"
    assert_status "node client $name" 0 "$STATUS"
    ev=$(nth_line "$TMP/node-$name.out" 1)
    assert_json "node client $name" "$ev" ephemeral_type DH
    assert_json "node client $name" "$ev" ephemeral_size "$bits"
    run_petls_client "pc-$name" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --max-version TLSv1.2 --ciphers "$DHE" --json
    assert_status "petls client $name" 0 "$STATUS"
    assert_json "petls client $name" "$OUT" ephemeral_size "$bits"
    stop_bg "$SERVER_PID"
}

temp_key ffdhe3072 3072 --dhparam "$TMP/ffdhe3072.pem"
temp_key modp_3072 3072 --dhparam "$TMP/modp_3072.pem"
temp_key der 3072 --dhparam "$TMP/ffdhe3072.der"
temp_key default 2048
temp_key auto 2048 --dhparam auto

section "--dhparam none: no DHE suite"
start_petls_server srv-none "${RSA[@]}" --json --echo --dhparam none
run_s_client sc-none-dhe "" -tls1_2 -cipher "$DHE"
assert_status "s_client DHE-only vs none" 1 "$STATUS"
assert_contains "s_client DHE-only vs none" "$ERR" "alert handshake failure"
assert_json "server none" "$(server_event srv-none 1)" event handshake_failed
run_s_client sc-none-ecdhe hi -tls1_2
assert_status "s_client ECDHE vs none" 0 "$STATUS"
assert_line "s_client ECDHE vs none" "$OUT" \
    "Server Temp Key: X25519, 253 bits"
stop_bg "$SERVER_PID"

section "refused parameters"
run_capture small "$PETLS" server --listen 127.0.0.1:0 "${RSA[@]}" \
    --dhparam "$TMP/modp_1536.pem"
assert_status "server with a 1536-bit group" 1 "$STATUS"
assert_contains "server with a 1536-bit group" "$ERR" \
    "--dhparam: dhparam $TMP/modp_1536.pem: DH parameters of 1536 bits: at least 2048 are required"
run_capture garbage "$PETLS" server --listen 127.0.0.1:0 "${RSA[@]}" \
    --dhparam "$TMP/garbage.pem"
assert_status "server with garbage" 1 "$STATUS"
assert_contains "server with garbage" "$ERR" \
    "--dhparam: dhparam $TMP/garbage.pem: cannot parse the DH parameters"
run_capture missing "$PETLS" server --listen 127.0.0.1:0 "${RSA[@]}" \
    --dhparam "$TMP/none.pem"
assert_status "server with a missing file" 1 "$STATUS"
assert_contains "server with a missing file" "$ERR" \
    "--dhparam: dhparam $TMP/none.pem:"
