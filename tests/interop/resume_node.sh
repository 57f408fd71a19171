#!/bin/bash
# Resumption with a Node.js client passing `session` (the newest one it
# received, TLS 1.3 tickets included) against petls server: TLS 1.2 and
# 1.3, stateless and stateful (--no-tickets) modes. Node's
# isSessionReused() and the server's JSON must both say resumed.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if ! command -v node >/dev/null; then
    echo "SKIP: node not installed"
    exit 0
fi

for mode in stateless stateful; do
    mode_args=()
    [ "$mode" = stateful ] && mode_args=(--no-tickets)
    start_petls_server "srv-$mode" --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --json "${mode_args[@]}"
    n=1
    for v in TLSv1.3 TLSv1.2; do
        name=$mode-$v
        section "$name: Node client, 1 + 3 connections"
        run_capture "$name" node "$NODE_DIR/resume_client.js" --port "$PORT" \
            --ca "$CERTS/ca.pem" --max-version "$v" --reconnect 3
        assert_status "$name node" 0 "$STATUS"
        assert_eq "$name isSessionReused" "false true true true" \
            "$(jq -r .reused <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
        assert_eq "$name protocols" "$v $v $v $v" \
            "$(jq -r .protocol <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
        wait_for_lines "$TMP/srv-$mode.out" $((n + 3)) || true
        assert_eq "$name server resumed" "false true true true" \
            "$(tail -n +$n "$TMP/srv-$mode.out" | head -n 4 | jq -r .resumed |
                tr '\n' ' ' | sed 's/ $//')"
        n=$((n + 4))
    done
    stop_bg "$SERVER_PID"
done
