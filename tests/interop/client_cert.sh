#!/bin/bash
# Client certificates. petls server with --verify-client require/optional
# against openssl s_client and Node (with, without and with an untrusted
# certificate), and the petls client presenting a certificate to a Node
# server that demands one.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

SERVER_ARGS=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
    --ca "$CERTS/ca.pem" --json --echo)
# s_client sends only the first certificate of -cert; the intermediate goes
# through -cert_chain.
CLIENT_CERT=(-cert "$CERTS/client.pem" -key "$CERTS/client.key"
    -cert_chain "$CERTS/inter.pem")

for v in TLSv1.2 TLSv1.3; do
    section "--verify-client require, $v"
    start_petls_server req --verify-client require "${SERVER_ARGS[@]}"
    n=0

    name=sclient-cert-$v
    run_s_client "$name" "ping-$name" -servername localhost \
        -CAfile "$CERTS/ca.pem" -verify_return_error \
        -min_protocol $v -max_protocol $v "${CLIENT_CERT[@]}"
    assert_status "$name s_client" 0 "$STATUS"
    assert_line "$name echo" "$OUT" "ping-$name"
    n=$((n + 1)); ev=$(server_event req $n)
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" version $v
    assert_json "$name server" "$ev" authorized true
    assert_json "$name server" "$ev" authorizationError null
    assert_contains "$name server peer_subject" \
        "$(json_field "$ev" peer_subject)" "petls-client"

    # No certificate: the server ends the handshake with one alert,
    # certificate_required in TLS 1.3 (RFC 8446 4.4.2.4; under the
    # server's application keys, which s_client reads with: mbedTLS 3.6
    # would use its handshake keys), handshake_failure in TLS 1.2 (RFC 5246
    # 7.4.6). In TLS 1.3 s_client sees it on its first read, after its side
    # of the handshake is done.
    name=sclient-nocert-$v
    if [ $v = TLSv1.2 ]; then want=handshake_failure; else want=certificate_required; fi
    run_s_client "$name" "" -servername localhost -CAfile "$CERTS/ca.pem" \
        -min_protocol $v -max_protocol $v -ign_eof
    assert_status "$name s_client" 1 "$STATUS"
    assert_contains "$name s_client" "$ERR" "alert ${want//_/ }"
    n=$((n + 1)); ev=$(server_event req $n)
    assert_json "$name server" "$ev" event handshake_failed
    assert_json "$name server" "$ev" error \
        "handshake: the client sent no certificate (one is required; sent alert $want)"

    # The petls client: in TLS 1.3 it reads the alert after its side is
    # done (on the first read), in TLS 1.2 during the handshake.
    name=petls-nocert-$v
    if [ $v = TLSv1.2 ]; then op=handshake; else op=read; fi
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --min-version $v --max-version $v --send x
    assert_status "$name petls client" 1 "$STATUS"
    assert_eq "$name client stderr" \
        "petls: client: $op: the server requires a client certificate (peer sent fatal alert $want)" \
        "$ERR"
    n=$((n + 1)); ev=$(server_event req $n)
    assert_json "$name server" "$ev" event handshake_failed

    # A certificate from an unrelated CA is refused too.
    name=node-othercert-$v
    run_node_client "$name" --port "$PORT" --ca "$CERTS/ca.pem" \
        --servername localhost --min-version $v --max-version $v \
        --cert "$CERTS/other-leaf.pem" --key "$CERTS/other-leaf.key" \
        --send x
    assert_status "$name node client" 1 "$STATUS"
    n=$((n + 1)); ev=$(server_event req $n)
    assert_json "$name server" "$ev" event handshake_failed

    # And the server still serves a good client.
    name=node-cert-$v
    run_node_client "$name" --port "$PORT" --ca "$CERTS/ca.pem" \
        --servername localhost --min-version $v --max-version $v \
        --cert "$CERTS/client.pem" --key "$CERTS/client.key" --send hello
    assert_status "$name node client" 0 "$STATUS"
    assert_json "$name node" "$(nth_line "$TMP/$name.out" 1)" protocol $v
    assert_json "$name node" "$(nth_line "$TMP/$name.out" 2)" data hello
    n=$((n + 1)); ev=$(server_event req $n)
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" authorized true
    assert_json "$name server" "$ev" authorizationError null
    stop_bg "$SERVER_PID"

    section "--verify-client optional, $v"
    start_petls_server opt --verify-client optional "${SERVER_ARGS[@]}"

    name=opt-nocert-$v
    run_s_client "$name" "ping-$name" -servername localhost \
        -CAfile "$CERTS/ca.pem" -verify_return_error \
        -min_protocol $v -max_protocol $v
    assert_status "$name s_client" 0 "$STATUS"
    assert_line "$name echo" "$OUT" "ping-$name"
    ev=$(server_event opt 1)
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" authorized false
    assert_json "$name server" "$ev" authorizationError UNABLE_TO_GET_ISSUER_CERT
    assert_json "$name server" "$ev" peer_subject null

    name=opt-cert-$v
    run_node_client "$name" --port "$PORT" --ca "$CERTS/ca.pem" \
        --servername localhost --min-version $v --max-version $v \
        --cert "$CERTS/client.pem" --key "$CERTS/client.key"
    assert_status "$name node client" 0 "$STATUS"
    ev=$(server_event opt 2)
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" authorized true
    assert_json "$name server" "$ev" authorizationError null
    stop_bg "$SERVER_PID"

    section "petls client presents a certificate to Node, $v"
    start_node_server nodesrv --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --ca "$CERTS/ca.pem" \
        --request-cert --reject-unauthorized --min-version $v --max-version $v
    name=petls-cert-$v
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --cert "$CERTS/client.pem" \
        --key "$CERTS/client.key" --idle 0.5 --send "hi-$name"
    assert_status "$name petls client" 0 "$STATUS"
    assert_contains "$name echo" "$OUT" "hi-$name"
    ev=$(server_event nodesrv 2)
    assert_json "$name node" "$ev" event secure
    assert_json "$name node" "$ev" protocol $v
    assert_json "$name node" "$ev" authorized true
    assert_json "$name node" "$ev" authorizationError null
    stop_bg "$SERVER_PID"
done

for v in 1_2 1_3; do
    section "petls client against openssl s_server -Verify, TLSv${v/_/.}"
    start_openssl_server "sverify$v" -cert "$CERTS/server-ecdsa.pem" \
        -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" \
        -CAfile "$CERTS/ca.pem" -Verify 2 -verify_return_error -www "-tls$v"
    GET=$'GET / HTTP/1.0\r\n\r\n'

    name=sverify-cert-$v
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --cert "$CERTS/client.pem" \
        --key "$CERTS/client.key" --idle 1 --send "$GET"
    assert_status "$name petls client" 0 "$STATUS"
    OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
    assert_line "$name client" "$OUT" "Verification: OK"
    # s_server's -www page lists the certificate it received and verified.
    assert_line "$name s_server" "$OUT" "Client certificate"
    assert_line "$name s_server" "$OUT" "    Verify return code: 0 (ok)"

    # Without a certificate s_server aborts: in TLS 1.2 inside the
    # handshake (handshake_failure), in TLS 1.3 after the client finished
    # (certificate_required, seen on the first read).
    name=sverify-nocert-$v
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --idle 1 --send "$GET"
    assert_status "$name petls client" 1 "$STATUS"
    if [ $v = 1_2 ]; then want=handshake_failure; else want=certificate_required; fi
    assert_contains "$name client stderr" "$ERR" \
        "the server requires a client certificate (peer sent fatal alert $want)"

    name=sverify-othercert-$v
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --cert "$CERTS/other-leaf.pem" \
        --key "$CERTS/other-leaf.key" --idle 1 --send "$GET"
    assert_status "$name petls client" 1 "$STATUS"
    assert_contains "$name client stderr" "$ERR" unknown_ca
    stop_bg "$SERVER_PID"
done
