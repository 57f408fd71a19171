#!/bin/bash
# Node's getFinished() / getPeerFinished(): petls --finished prints the
# verify_data of both Finished messages; against Node (both directions)
# they must match crosswise, petls's finished = Node's peerFinished and the
# other way round. TLS 1.2: both (12 bytes). TLS 1.3: mbed TLS 3.6 keeps
# neither; petls has the peer's (read as the handshake goes by), and its
# own is null with the documented reason.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

OWN13="finished: mbed TLS 3.6 does not keep this side's TLS 1.3 Finished message"

# start_node_facts NAME ARGS...: node/conn_facts.js server; sets PORT and
# SERVER_PID.
start_node_facts() {
    local name=$1
    shift
    start_bg "$name" node "$NODE_DIR/conn_facts.js" server "$@"
    SERVER_PID=$BG_PID
    _wait_listen "$name" "$SERVER_PID" "$TMP/$name.out" \
        '^\{"event":"listening","port":[0-9]+\}$'
    PORT=$(sed -nE 's/^\{"event":"listening","port":([0-9]+)\}$/\1/p' \
        "$TMP/$name.out" | head -n1)
}
fline() { grep '"event":"finished"' "$1" | head -n1 || true; }

for v in TLSv1.2 TLSv1.3; do
section "Node server ($v), petls client --finished"
start_node_facts nsrv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --min-version "$v" --max-version "$v"
run_petls_client pc "127.0.0.1:$PORT" --servername localhost \
    --ca "$CERTS/ca.pem" --json --finished
assert_status "petls client ($v)" 0 "$STATUS"
assert_json "petls client ($v)" "$(head -n1 "$TMP/pc.out")" version "$v"
wait_for_lines "$TMP/nsrv.out" 2 10 || true
node=$(nth_line "$TMP/nsrv.out" 2)
assert_json "node server ($v)" "$node" protocol "$v"
ours=$(fline "$TMP/pc.out")
NF=$(json_field "$node" finished)
NP=$(json_field "$node" peerFinished)
assert_eq "petls peerFinished = Node's finished ($v)" "$NF" \
    "$(json_field "$ours" peerFinished)"
if [ "$v" = TLSv1.2 ]; then
    assert_eq "petls finished = Node's peerFinished ($v)" "$NP" \
        "$(json_field "$ours" finished)"
    assert_eq "12 bytes ($v)" 24 "${#NF}"
else
    assert_json "petls finished ($v)" "$ours" finished null
    assert_json "petls finished ($v)" "$ours" finished_error "$OWN13"
    assert_eq "32 bytes ($v, SHA-256 or more)" yes \
        "$(if [ "${#NF}" -ge 64 ]; then echo yes; else echo no; fi)"
fi
stop_bg "$SERVER_PID"

section "petls server --finished ($v), Node client"
start_petls_server psrv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --finished
run_capture nc node "$NODE_DIR/conn_facts.js" client --port "$PORT" \
    --ca "$CERTS/ca.pem" --min-version "$v" --max-version "$v" --wait 200
assert_status "node client ($v)" 0 "$STATUS"
assert_json "node client ($v)" "$OUT" protocol "$v"
wait_for_file_match "$TMP/psrv.out" '"event":"finished"' 10 || true
ours=$(fline "$TMP/psrv.out")
NF=$(json_field "$OUT" finished)
NP=$(json_field "$OUT" peerFinished)
assert_eq "petls server peerFinished = Node's finished ($v)" "$NF" \
    "$(json_field "$ours" peerFinished)"
if [ "$v" = TLSv1.2 ]; then
    assert_eq "petls server finished = Node's peerFinished ($v)" "$NP" \
        "$(json_field "$ours" finished)"
else
    assert_json "petls server finished ($v)" "$ours" finished_error "$OWN13"
fi
stop_bg "$SERVER_PID"
done

section "before the handshake: not in the output"
# A failed handshake prints no finished line.
start_petls_server psrv2 --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --finished
run_petls_client bad "127.0.0.1:$PORT" --servername wrong.example \
    --ca "$CERTS/ca.pem" --json --finished
assert_status "petls client (wrong name)" 1 "$STATUS"
assert_eq "no finished line" "" "$(fline "$TMP/bad.out")"
stop_bg "$SERVER_PID"
