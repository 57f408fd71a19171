#!/bin/bash
# petls server --workers: the workers die with their master. After kill -9
# of the master every worker is gone within a few seconds and a new server
# listens on the same port at once (orphans kept the port: "Address
# already in use"), and serves an openssl s_client.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

KEYPAIR=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

# children PID: the direct children of PID (Linux /proc).
children() {
    cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+$' || true
}

section "kill -9 of the --workers master"
start_petls_server first "${KEYPAIR[@]}" --echo --workers 4
# start_bg runs the server under timeout(1): the master is its child.
master=$(children "$SERVER_PID" | head -n1)
mapfile -t workers < <(children "$master")
assert_eq "workers running" 4 "${#workers[@]}"
run_s_client before "before" -CAfile "$CERTS/ca.pem" -servername localhost
assert_line "s_client (before)" "$OUT" "before"
kill -9 "$master"
deadline=$((SECONDS + 10))
left=("${workers[@]}")
while [ "${#left[@]}" -gt 0 ] && [ "$SECONDS" -lt "$deadline" ]; do
    still=()
    for w in "${left[@]}"; do
        # A zombie (reaped by init later) no longer holds the socket.
        if [ -e "/proc/$w" ] && ! grep -q '^State:.*Z' "/proc/$w/status" 2>/dev/null; then
            still+=("$w")
        fi
    done
    left=("${still[@]}")
    [ "${#left[@]}" -gt 0 ] && sleep 0.05
done
assert_eq "workers left after the master died" 0 "${#left[@]}"
wait "$SERVER_PID" 2>/dev/null || true

section "a new server on the same port"
OLDPORT=$PORT
start_bg second "$PETLS" server --listen "127.0.0.1:$OLDPORT" "${KEYPAIR[@]}" \
    --echo --workers 2
SERVER_PID=$BG_PID
CHECKS=$((CHECKS + 1))
if wait_match_or_exit "$TMP/second.err" "^listening on 127\\.0\\.0\\.1:$OLDPORT\$" \
    "$SERVER_PID" 10; then
    pass "listening again on port $OLDPORT"
else
    fail "no new server on port $OLDPORT:"
    show_text "$(cat "$TMP/second.err")"
fi
run_s_client after "after" -CAfile "$CERTS/ca.pem" -servername localhost
assert_line "s_client (after)" "$OUT" "after"
stop_bg "$SERVER_PID"
# Orphans (a failed run) are ended here, after the checks they would fail.
for w in "${left[@]}"; do kill "$w" 2>/dev/null || true; done
