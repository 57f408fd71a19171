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

section "Redis hung (SIGSTOP): lookups miss, the loop never stalls"
# Server D (--echo) is connected to Redis before Redis is stopped. Then a
# Node client times echoes every 10 ms for 3 s while petls clients offer
# sessions to D one after the other: each lookup waits at most 250 ms for
# the hung Redis and goes on as a miss. The store runs in D's loop
# without blocking it: no echo waits for Redis (a blocking store stalled
# the loop 250 ms per call).
start_petls_server D "${SRV[@]}" "${STORE[@]}" --store-key "$TMP/store.key" \
    --echo
PORT_D=$PORT
D_PID=$SERVER_PID
sess=$TMP/hung.sess
run_petls_client hung-first "127.0.0.1:$PORT_D" "${CA[@]}" \
    --max-version TLSv1.2 --sess-out "$sess"
assert_status "session from D (Redis up)" 0 "$STATUS"
RPID=$(cat "/proc/$REDIS_PID/task/$REDIS_PID/children")
RPID=${RPID%% *}
kill -STOP "$RPID"
start_bg stall node "$NODE_DIR/stall.js" --port "$PORT_D" \
    --ca "$CERTS/ca.pem" --ms 3000
STALL_PID=$BG_PID
wait_match_or_exit "$TMP/stall.out" '"event":"ready"' "$STALL_PID" 10 || true
tries=0 slow=0 failed=0 resumed=0
while kill -0 "$STALL_PID" 2>/dev/null && [ "$tries" -lt 100 ]; do
    tries=$((tries + 1))
    t0=$(date +%s%N)
    run_petls_client "hung-$tries" "127.0.0.1:$PORT_D" "${CA[@]}" \
        --max-version TLSv1.2 --sess-in "$sess" --json
    ms=$((($(date +%s%N) - t0) / 1000000))
    [ "$STATUS" = 0 ] || failed=$((failed + 1))
    [ "$(json_field "$OUT" resumed)" = true ] && resumed=$((resumed + 1))
    [ "$ms" -lt 1500 ] || slow=$((slow + 1))
done
wait "$STALL_PID" || true
kill -CONT "$RPID"
OUT=$(tail -n1 "$TMP/stall.out")
assert_json "echo client" "$OUT" event result
assert_eq "echo client error" "<missing>" "$(json_field "$OUT" error)"
pings=$(json_field "$OUT" pings)
CHECKS=$((CHECKS + 1))
if [[ "$pings" =~ ^[0-9]+$ ]] && [ "$pings" -ge 50 ]; then
    pass "$pings echoes in 3 s"
else
    fail "'$pings' echoes in 3 s, expected at least 50"
fi
max=$(json_field "$OUT" max_ms)
CHECKS=$((CHECKS + 1))
if [[ "$max" =~ ^[0-9]+$ ]] && [ "$max" -lt 200 ]; then
    pass "slowest echo $max ms while Redis was hung ($tries lookups)"
else
    fail "slowest echo '$max' ms while Redis was hung, expected < 200"
fi
CHECKS=$((CHECKS + 1))
if [ "$tries" -ge 3 ]; then pass "$tries session offers while Redis was hung"
else fail "only $tries session offers while Redis was hung"; fi
assert_eq "offers that failed" 0 "$failed"
assert_eq "offers that resumed (Redis hung: misses)" 0 "$resumed"
assert_eq "offers slower than 1.5 s" 0 "$slow"
# Redis back: D reconnects by itself (after at most 1 s) and resumes.
back=0
for i in $(seq 40); do
    run_petls_client "back-$i" "127.0.0.1:$PORT_D" "${CA[@]}" \
        --max-version TLSv1.2 --sess-in "$sess" --json
    if [ "$(json_field "$OUT" resumed)" = true ]; then back=1; break; fi
    sleep 0.1 # bounded: 40 tries
done
assert_eq "D resumes from Redis again after SIGCONT" 1 "$back"
stop_bg "$D_PID"

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
