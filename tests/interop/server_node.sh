#!/bin/bash
# petls server against a Node.js tls client: ECDSA and RSA certificates, TLS
# 1.2 and 1.3, verification by Node (by name and by IP address), an echo
# round trip, and Node clients that reject the server (wrong CA, wrong name)
# with petls reporting the failed handshake.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# handshake_ok NAME VERSION CIPHER N SERVERNAME CLIENT_ARGS...
handshake_ok() {
    local name=$1 version=$2 cipher=$3 n=$4 sni=$5
    shift 5
    local data="ping-$name"
    run_node_client "$name" --port "$PORT" --ca "$CERTS/ca.pem" \
        --send "$data" "$@"
    assert_status "$name node client" 0 "$STATUS"
    local ev
    ev=$(nth_line "$TMP/$name.out" 1)
    assert_json "$name node" "$ev" event secure
    assert_json "$name node" "$ev" protocol "$version"
    assert_json "$name node" "$ev" cipher "$cipher"
    assert_json "$name node" "$ev" authorized true
    assert_json "$name node" "$ev" authorizationError null
    ev=$(nth_line "$TMP/$name.out" 2)
    assert_json "$name node" "$ev" event echo
    assert_json "$name node" "$ev" data "$data"
    ev=$(server_event srv "$n")
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" version "$version"
    assert_json "$name server" "$ev" cipher "$cipher"
    assert_json "$name server" "$ev" servername "$sni"
    assert_json "$name server" "$ev" resumed false
}

for key in ecdsa rsa; do
    section "server-$key.pem"
    start_petls_server srv --cert "$CERTS/server-$key.pem" \
        --key "$CERTS/server-$key.key" --json --echo
    if [ $key = ecdsa ]; then
        tls12_cipher=ECDHE-ECDSA-AES256-GCM-SHA384
    else
        tls12_cipher=ECDHE-RSA-AES128-GCM-SHA256
    fi
    handshake_ok "$key-tls13" TLSv1.3 TLS_AES_256_GCM_SHA384 1 localhost \
        --servername localhost --min-version TLSv1.3 \
        --ciphers TLS_AES_256_GCM_SHA384
    handshake_ok "$key-tls12" TLSv1.2 "$tls12_cipher" 2 localhost \
        --servername localhost --max-version TLSv1.2 --ciphers "$tls12_cipher"
    # No SNI for an IP literal: Node checks the IP SAN instead.
    handshake_ok "$key-ip" TLSv1.3 TLS_AES_128_GCM_SHA256 3 null \
        --min-version TLSv1.3 --ciphers TLS_AES_128_GCM_SHA256
    # A wildcard SAN covers a one-label subdomain.
    handshake_ok "$key-wildcard" TLSv1.3 TLS_AES_128_GCM_SHA256 4 \
        a.petls.test --servername a.petls.test \
        --ciphers TLS_AES_128_GCM_SHA256
    stop_bg "$SERVER_PID"
done

for v in TLSv1.2 TLSv1.3; do
    section "clients reject the petls server, $v"
    start_petls_server srv --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --json --echo

    # OpenSSL checks the chain inside the handshake and aborts it with an
    # alert, so the server must see a failed handshake.
    name=sclient-wrongca-$v
    run_s_client "$name" "" -servername localhost \
        -CAfile "$CERTS/other-ca.pem" -verify_return_error \
        -min_protocol $v -max_protocol $v
    assert_status "$name s_client" 1 "$STATUS"
    assert_contains "$name s_client" "$OUT$ERR" "unable to get local issuer certificate"
    ev=$(server_event srv 1)
    assert_json "$name server" "$ev" event handshake_failed
    assert_not_contains "$name server error" "$(json_field "$ev" error)" null

    # Node finishes the handshake and then checks the chain and the name,
    # so only its own report is exact; the server logs one event for each.
    name=wrongca-$v
    run_node_client "$name" --port "$PORT" --ca "$CERTS/other-ca.pem" \
        --servername localhost --min-version $v --max-version $v
    assert_status "$name node client" 1 "$STATUS"
    assert_json "$name node" "$OUT" event error
    assert_json "$name node" "$OUT" code UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    wait_for_lines "$TMP/srv.out" 2 || true

    name=wrongname-$v
    run_node_client "$name" --port "$PORT" --ca "$CERTS/ca.pem" \
        --servername wrong.example --min-version $v --max-version $v
    assert_status "$name node client" 1 "$STATUS"
    assert_json "$name node" "$OUT" event error
    assert_json "$name node" "$OUT" code ERR_TLS_CERT_ALTNAME_INVALID
    wait_for_lines "$TMP/srv.out" 3 || true

    # The server keeps serving after all three rejections.
    name=after-$v
    run_node_client "$name" --port "$PORT" --ca "$CERTS/ca.pem" \
        --servername localhost --min-version $v --max-version $v --send hi
    assert_status "$name node client" 0 "$STATUS"
    assert_json "$name node" "$(nth_line "$TMP/$name.out" 1)" protocol $v
    assert_json "$name node" "$(nth_line "$TMP/$name.out" 2)" data hi
    ev=$(server_event srv 4)
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" version $v
    stop_bg "$SERVER_PID"
done
