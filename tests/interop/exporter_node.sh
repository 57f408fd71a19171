#!/bin/bash
# Keying-material exporter: a petls client (--export) and a Node server
# (exportKeyingMaterial) derive the same bytes, in TLS 1.3 and TLS 1.2.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

start_bg nsrv node "$NODE_DIR/nego.js" server \
    --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
SERVER_PID=$BG_PID
_wait_listen nsrv "$SERVER_PID" "$TMP/nsrv.out" \
    '^\{"event":"listening","port":[0-9]+\}$'
PORT=$(sed -nE 's/^\{"event":"listening","port":([0-9]+)\}$/\1/p' \
    "$TMP/nsrv.out" | head -n1)

n=1
for v in TLSv1.3 TLSv1.2; do
    section "$v"
    n=$((n + 1))
    run_petls_client "pc-$v" "127.0.0.1:$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --max-version "$v" --json \
        --export EXPERIMENTAL-petls:32
    assert_status "petls client $v" 0 "$STATUS"
    hs=$(printf '%s\n' "$OUT" | sed -n 1p)
    ex=$(printf '%s\n' "$OUT" | sed -n 2p)
    assert_json "petls client $v" "$hs" version "$v"
    assert_json "petls exporter $v" "$ex" event exporter
    assert_json "petls exporter $v" "$ex" length 32
    ev=$(server_event nsrv "$n")
    assert_json "node server $v" "$ev" protocol "$v"
    node_ekm=$(json_field "$ev" ekm)
    assert_eq "64 hex digits from node $v" 64 "${#node_ekm}"
    assert_json "petls = node exportKeyingMaterial $v" "$ex" material \
        "$node_ekm"
done
