#!/bin/bash
# petls client resuming against other servers: `openssl s_server` and a
# Node.js server, TLS 1.2 and 1.3, with --reconnect (one New line, then
# Reused lines, as s_client -reconnect) and with --sess-out / --sess-in
# across two separate runs of the tool.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

CA=(--ca "$CERTS/ca.pem")

# reconnect_ok NAME VERSION: petls client --reconnect 3 to $PORT.
reconnect_ok() {
    local name=$1 v=$2
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        "${CA[@]}" --min-version "$v" --max-version "$v" --reconnect 3 \
        --session-wait 0.5
    assert_status "$name petls client" 0 "$STATUS"
    assert_eq "$name New lines" 1 "$(grep -c "^New, $v, " <<<"$OUT")"
    assert_eq "$name Reused lines" 3 "$(grep -c "^Reused, $v, " <<<"$OUT")"
}

# sess_files_ok NAME VERSION: --sess-out in one run, --sess-in in the next.
sess_files_ok() {
    local name=$1 v=$2 sess=$TMP/$1.sess
    run_petls_client "$name-out" "127.0.0.1:$PORT" --servername localhost \
        "${CA[@]}" --min-version "$v" --max-version "$v" --sess-out "$sess"
    assert_status "$name --sess-out" 0 "$STATUS"
    assert_line "$name --sess-out" "$(head -n1 <<<"$OUT" | cut -d, -f1)" New
    CHECKS=$((CHECKS + 1))
    if [ -s "$sess" ] && [ "$(stat -c %a "$sess")" = 600 ]; then
        pass "$name: session file written, mode 600"
    else
        fail "$name: session file missing or not mode 600"
    fi
    run_petls_client "$name-in" "127.0.0.1:$PORT" --servername localhost \
        "${CA[@]}" --min-version "$v" --max-version "$v" --sess-in "$sess"
    assert_status "$name --sess-in" 0 "$STATUS"
    assert_eq "$name --sess-in" "Reused, $v" "$(head -n1 <<<"$OUT" | cut -d, -f1-2)"
}

if command -v openssl >/dev/null; then
    for v in TLSv1.3 TLSv1.2; do
        section "openssl s_server -www, $v"
        start_openssl_server "ossl-$v" -cert "$CERTS/server-ecdsa.pem" \
            -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -www
        reconnect_ok "ossl-$v" "$v"
        sess_files_ok "ossl-$v-file" "$v"
        stop_bg "$SERVER_PID"
    done
else
    echo "SKIP: openssl not installed (s_server part)"
fi

if command -v node >/dev/null; then
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
            "$(tail -n +2 "$TMP/nodesrv-$v.out" | head -n 4 | jq -r .reused | tr '\n' ' ' |
                sed 's/ $//')"
        sess_files_ok "node-$v-file" "$v"
        stop_bg "$SERVER_PID"
    done
else
    echo "SKIP: node not installed (Node.js server part)"
fi
