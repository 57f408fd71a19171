#!/bin/bash
# ALPN against real peers, TLS 1.2 and 1.3: a petls server (server
# preference, no overlap -> no_application_protocol) with openssl s_client,
# gnutls-cli and a Node client; a petls client offering a list to openssl
# s_server, gnutls-serv and Node servers (ALPNProtocols, and ALPNCallback
# picking or refusing). Both sides report the same protocol.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

KEYPAIR=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

section "petls server --alpn h2,http/1.1: openssl s_client"
start_petls_server srv "${KEYPAIR[@]}" --alpn h2,http/1.1 --json --echo
n=0
for v in tls1_3 tls1_2; do
    n=$((n + 1))
    # The client prefers http/1.1; the server's order decides.
    run_s_client "sc-$v" "ping-$v" -"$v" -alpn http/1.1,h2 \
        -CAfile "$CERTS/ca.pem" -servername localhost
    assert_line "s_client $v" "$OUT" "ALPN protocol: h2"
    assert_line "s_client $v echo" "$OUT" "ping-$v"
    ev=$(server_event srv "$n")
    assert_json "server $v" "$ev" event handshake
    assert_json "server $v" "$ev" alpn h2
done
for v in tls1_3 tls1_2; do
    n=$((n + 1))
    run_s_client "nooverlap-$v" "" -"$v" -alpn spdy/1,foo \
        -CAfile "$CERTS/ca.pem" -servername localhost
    assert_contains "s_client $v no overlap" "$ERR" \
        "tlsv1 alert no application protocol"
    ev=$(server_event srv "$n")
    assert_json "server $v no overlap" "$ev" event handshake_failed
    assert_json "server $v no overlap" "$ev" error \
        "handshake: no ALPN protocol in common with the client (sent no_application_protocol)"
done

section "petls server: gnutls-cli"
for prio in NORMAL:-VERS-ALL:+VERS-TLS1.3 NORMAL:-VERS-ALL:+VERS-TLS1.2; do
    n=$((n + 1))
    run_gnutls_cli "gnutls-$n" "ping-$n" --x509cafile "$CERTS/ca.pem" \
        --sni-hostname localhost --verify-hostname localhost \
        --priority "$prio" --alpn http/1.1
    assert_status "gnutls-cli $prio" 0 "$STATUS"
    assert_line "gnutls-cli $prio" "$OUT" "- Application protocol: http/1.1"
    ev=$(server_event srv "$n")
    assert_json "server (gnutls $prio)" "$ev" alpn http/1.1
done

section "petls server: Node client"
for v in TLSv1.3 TLSv1.2; do
    n=$((n + 1))
    run_capture "node-$v" node "$NODE_DIR/nego.js" client --port "$PORT" \
        --ca "$CERTS/ca.pem" --alpn "x-unknown,http/1.1" --max-version "$v"
    assert_status "node client $v" 0 "$STATUS"
    line=$(printf '%s\n' "$OUT" | head -n1)
    assert_json "node client $v" "$line" protocol "$v"
    assert_json "node client $v" "$line" alpn http/1.1
    ev=$(server_event srv "$n")
    assert_json "server (node $v)" "$ev" alpn http/1.1
done
stop_bg "$SERVER_PID"

section "petls client --alpn: openssl s_server"
for v in tls1_3 tls1_2; do
    start_openssl_server "ss-$v" -cert "$CERTS/server-ecdsa.pem" \
        -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" \
        -"$v" -alpn "foo,http/1.1" -www
    run_petls_client "pc-ss-$v" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --alpn h2,http/1.1 --json
    assert_status "petls client vs s_server $v" 0 "$STATUS"
    assert_json "petls client vs s_server $v" "$OUT" alpn http/1.1
    stop_bg "$SERVER_PID"
done

section "petls client --alpn: gnutls-serv"
start_gnutls_server gs --x509certfile "$CERTS/server-ecdsa.pem" \
    --x509keyfile "$CERTS/server-ecdsa.key" --alpn h2 --alpn http/1.1
for v in 1.3 1.2; do
    run_petls_client "pc-gs-$v" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --alpn http/1.1,h2 --max-version "TLSv$v" --json
    assert_status "petls client vs gnutls-serv $v" 0 "$STATUS"
    assert_json "petls client vs gnutls-serv $v" "$OUT" version "TLSv$v"
    assert_json "petls client vs gnutls-serv $v" "$OUT" alpn http/1.1
done
stop_bg "$SERVER_PID"

section "petls client --alpn: Node ALPNProtocols and ALPNCallback"
# start_nego_node NAME ARGS...: the Node negotiation peer as a server.
start_nego_node() {
    local name=$1
    shift
    start_bg "$name" node "$NODE_DIR/nego.js" server \
        --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" "$@"
    SERVER_PID=$BG_PID
    _wait_listen "$name" "$SERVER_PID" "$TMP/$name.out" \
        '^\{"event":"listening","port":[0-9]+\}$'
    PORT=$(sed -nE 's/^\{"event":"listening","port":([0-9]+)\}$/\1/p' \
        "$TMP/$name.out" | head -n1)
}
start_nego_node nsrv --alpn h2,http/1.1
n=1
for v in TLSv1.3 TLSv1.2; do
    n=$((n + 1))
    run_petls_client "pc-node-$v" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --alpn http/1.1,h2 --max-version "$v" --json
    assert_status "petls client vs node $v" 0 "$STATUS"
    assert_json "petls client vs node $v" "$OUT" alpn h2
    ev=$(server_event nsrv "$n")
    assert_json "node server $v" "$ev" alpn h2
done
stop_bg "$SERVER_PID"

start_nego_node ncb --alpn-cb pick:bb
run_petls_client pc-cb "127.0.0.1:$PORT" --servername localhost \
    --ca "$CERTS/ca.pem" --alpn a,bb,ccc --json
assert_status "petls client vs ALPNCallback" 0 "$STATUS"
assert_json "petls client vs ALPNCallback" "$OUT" alpn bb
ev=$(server_event ncb 2)
assert_json "node ALPNCallback" "$ev" event alpn_cb
assert_json "node ALPNCallback" "$ev" servername localhost
assert_json "node ALPNCallback" "$ev" protocols '["a","bb","ccc"]'
stop_bg "$SERVER_PID"

start_nego_node nrefuse --alpn-cb refuse
run_petls_client pc-refuse "127.0.0.1:$PORT" --servername localhost \
    --ca "$CERTS/ca.pem" --alpn a,bb --json
assert_status "petls client vs refusing ALPNCallback" 1 "$STATUS"
assert_json "petls client vs refusing ALPNCallback" "$OUT" error \
    "handshake: peer sent fatal alert no_application_protocol"
stop_bg "$SERVER_PID"
