#!/bin/bash
# petls_conn_ephemeral_key() against Node's getEphemeralKeyInfo(): a Node
# client and a petls client connect to the same petls server, restricted to
# one group (or a DHE suite), in TLS 1.3 and TLS 1.2; type, name and size
# must be equal, and the expected ones. P-384 in TLS 1.3 goes through a
# HelloRetryRequest (both clients send an X25519 key share first).
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# compare NAME VERSION TYPE NAME SIZE CLIENT_ARGS...: both clients against
# $PORT with CLIENT_ARGS (options both take).
compare() {
    local what=$1 v=$2 type=$3 name=$4 size=$5
    shift 5
    run_node_client "node-$what" --port "$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --max-version "$v" "$@"
    assert_status "node client $what" 0 "$STATUS"
    local nev pev f
    nev=$(nth_line "$TMP/node-$what.out" 1)
    assert_json "node $what" "$nev" protocol "$v"
    run_petls_client "petls-$what" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --max-version "$v" --json "$@"
    assert_status "petls client $what" 0 "$STATUS"
    pev=$(printf '%s\n' "$OUT" | sed -n 1p)
    assert_json "petls $what" "$pev" version "$v"
    for f in ephemeral_type ephemeral_name ephemeral_size; do
        assert_json "petls $what $f = node" "$pev" "$f" \
            "$(json_field "$nev" "$f")"
    done
    assert_json "node $what" "$nev" ephemeral_type "$type"
    assert_json "node $what" "$nev" ephemeral_name "$name"
    assert_json "node $what" "$nev" ephemeral_size "$size"
}

for g in X25519:ECDH:X25519:253 P-256:ECDH:prime256v1:256 \
    P-384:ECDH:secp384r1:384 ffdhe2048:DH:null:2048; do
    IFS=: read -r group type name size <<<"$g"
    start_petls_server "srv-$group" --cert "$CERTS/server-rsa.pem" \
        --key "$CERTS/server-rsa.key" --groups "$group"
    section "TLSv1.3 $group"
    compare "13-$group" TLSv1.3 "$type" "$name" "$size"
    if [ "$type" = ECDH ]; then
        section "TLSv1.2 $group"
        compare "12-$group" TLSv1.2 "$type" "$name" "$size"
    fi
    stop_bg "$SERVER_PID"
done

section "TLSv1.2 DHE"
start_petls_server srv-dhe --cert "$CERTS/server-rsa.pem" \
    --key "$CERTS/server-rsa.key"
compare 12-dhe TLSv1.2 DH null 2048 --ciphers DHE-RSA-AES128-GCM-SHA256
