#!/bin/bash
# petls client resuming against a Node.js server (default settings), TLS
# 1.2 and 1.3, which must report isSessionReused(): with
# --reconnect (one New line, then Reused lines, as s_client -reconnect) and
# with --sess-out / --sess-in across two separate runs of the tool.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/resume_client.sh
source "$(dirname "$0")/lib/resume_client.sh"

if ! command -v node >/dev/null; then
    echo "SKIP: node not installed"
    exit 0
fi

for v in TLSv1.3 TLSv1.2; do
    section "Node.js server, $v"
    start_bg "nodesrv-$v" node "$NODE_DIR/resume_server.js" \
        --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
    SERVER_PID=$BG_PID
    _wait_listen "nodesrv-$v" "$SERVER_PID" "$TMP/nodesrv-$v.out" \
        '^\{"event":"listening","port":[0-9]+\}$'
    PORT=$(sed -nE 's/^\{"event":"listening","port":([0-9]+)\}$/\1/p' \
        "$TMP/nodesrv-$v.out" | head -n1)
    reconnect_ok "node-$v" "$v"
    wait_for_lines "$TMP/nodesrv-$v.out" 5 || true
    assert_eq "node-$v isSessionReused" "false true true true" \
        "$(tail -n +2 "$TMP/nodesrv-$v.out" | head -n 4 | jq -r .reused |
            tr '\n' ' ' | sed 's/ $//')"
    sess_files_ok "node-$v-file" "$v"
    stop_bg "$SERVER_PID"
done
