#!/bin/bash
# Sessions shared between machines through Redis: a real redis-server on a
# loopback port, two petls servers (stateful mode, --session-store
# redis://..., the same --store-key). A session made on server A resumes on
# server B, TLS 1.2 and 1.3. A server with another store key cannot open
# the blobs (a miss: full handshake), and a Redis that is down costs a full
# handshake, never a failed one.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if ! command -v redis-server >/dev/null; then
    echo "SKIP: redis-server not installed"
    exit 0
fi
probe=$(timeout 1 "$PETLS" server --listen 127.0.0.1:0 \
    --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" \
    --session-store redis://127.0.0.1:1 2>&1 || true)
if [[ "$probe" == *"built without hiredis"* ]]; then
    echo "SKIP: petls built without hiredis"
    exit 0
fi

RPORT=$(free_port)
start_bg redis redis-server --port "$RPORT" --bind 127.0.0.1 --save '' \
    --appendonly no
REDIS_PID=$BG_PID
if ! wait_match_or_exit "$TMP/redis.out" 'Ready to accept connections' \
    "$REDIS_PID" 10; then
    echo "redis-server did not start:" >&2
    cat "$TMP/redis.out" "$TMP/redis.err" >&2
    exit 1
fi

openssl rand -hex 32 >"$TMP/store.key"
openssl rand -hex 32 >"$TMP/other.key"
STORE=(--no-tickets --session-store "redis://127.0.0.1:$RPORT")
SRV=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" --json)
CA=(--ca "$CERTS/ca.pem" --servername localhost)

start_petls_server A "${SRV[@]}" "${STORE[@]}" --store-key "$TMP/store.key"
PORT_A=$PORT
A_PID=$SERVER_PID
start_petls_server B "${SRV[@]}" "${STORE[@]}" --store-key "$TMP/store.key"
PORT_B=$PORT
start_petls_server C "${SRV[@]}" "${STORE[@]}" --store-key "$TMP/other.key"
PORT_C=$PORT

for v in TLSv1.3 TLSv1.2; do
    section "$v: session from A resumes on B"
    vargs=(--min-version "$v" --max-version "$v")
    sess=$TMP/$v.sess
    run_petls_client "$v-A" "127.0.0.1:$PORT_A" "${CA[@]}" "${vargs[@]}" \
        --sess-out "$sess"
    assert_status "$v on A" 0 "$STATUS"
    assert_eq "$v on A" "New, $v" "$(head -n1 <<<"$OUT" | cut -d, -f1-2)"
    run_petls_client "$v-B" "127.0.0.1:$PORT_B" "${CA[@]}" "${vargs[@]}" \
        --sess-in "$sess" --json
    assert_status "$v on B" 0 "$STATUS"
    assert_json "$v on B" "$OUT" resumed true
    run_petls_client "$v-C" "127.0.0.1:$PORT_C" "${CA[@]}" "${vargs[@]}" \
        --sess-in "$sess" --json
    assert_status "$v on C (other store key)" 0 "$STATUS"
    assert_json "$v on C (other store key)" "$OUT" resumed false
done
keys=$(redis-cli -p "$RPORT" --scan --pattern 'petls:*' 2>/dev/null | wc -l) ||
    keys=-1
CHECKS=$((CHECKS + 1))
if [ "$keys" -ge 2 ]; then pass "Redis holds $keys petls: keys"; else
    fail "Redis holds $keys petls: keys, expected at least 2"; fi

section "Redis down: full handshakes, no failures"
sess=$TMP/TLSv1.3.sess
run_petls_client down-A "127.0.0.1:$PORT_A" "${CA[@]}" --sess-out "$sess"
stop_bg "$REDIS_PID"
run_petls_client down-B "127.0.0.1:$PORT_B" "${CA[@]}" --sess-in "$sess" \
    --json
assert_status "Redis down" 0 "$STATUS"
assert_json "Redis down" "$OUT" resumed false
CHECKS=$((CHECKS + 1))
if kill -0 "$A_PID" 2>/dev/null; then pass "server A still up"; else
    fail "server A died"; fi
for s in A B C; do
    assert_eq "server $s: no failed handshake" "" \
        "$(grep '"handshake_failed"' "$TMP/$s.out" |
            grep -v -e 'Broken pipe' -e 'Connection reset' || true)"
done
