#!/bin/bash
# petls server --workers 4: sessions made by one worker resume on the
# others. Stateless mode (tickets: the key ring is made before fork) and
# stateful mode with the shared-memory store (session IDs and TLS 1.3
# ticket ids), TLS 1.2 and 1.3. One client makes a session, then eight
# clients offer it at once, so that several workers serve them (the JSON
# "worker" field says which). Also: SIGHUP reaches every worker, --count
# counts all workers' connections together, SIGTERM stops them all.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

CA=(--ca "$CERTS/ca.pem" --servername localhost)
PARALLEL=8

for mode in stateless stateful; do
    mode_args=()
    [ "$mode" = stateful ] && mode_args=(--no-tickets --session-store shm)
    start_petls_server "srv-$mode" --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --json --workers 4 "${mode_args[@]}"
    n=0
    for v in TLSv1.3 TLSv1.2; do
        name=$mode-$v
        section "$name: one session, $PARALLEL clients offering it at once"
        vargs=(--min-version "$v" --max-version "$v")
        sess=$TMP/$name.sess
        run_petls_client "$name-first" "127.0.0.1:$PORT" "${CA[@]}" \
            "${vargs[@]}" --sess-out "$sess" --json
        assert_status "$name first" 0 "$STATUS"
        assert_json "$name first" "$OUT" resumed false
        n=$((n + 1))
        wait_for_lines "$TMP/srv-$mode.out" "$n" || true
        maker=$(nth_line "$TMP/srv-$mode.out" "$n" | jq -r .worker)
        pids=()
        for i in $(seq "$PARALLEL"); do
            timeout "$FG_LIMIT" "$PETLS" client "127.0.0.1:$PORT" "${CA[@]}" \
                "${vargs[@]}" --sess-in "$sess" --json \
                >"$TMP/$name-$i.out" 2>"$TMP/$name-$i.err" </dev/null &
            pids+=($!)
        done
        for p in "${pids[@]}"; do wait "$p" || true; done
        assert_eq "$name clients resumed" "$PARALLEL" \
            "$(cat "$TMP/$name"-[0-9]*.out | jq -r .resumed | grep -c true)"
        n=$((n + PARALLEL))
        wait_for_lines "$TMP/srv-$mode.out" "$n" || true
        events=$(tail -n "$PARALLEL" "$TMP/srv-$mode.out")
        assert_eq "$name server resumed" "$PARALLEL" \
            "$(jq -r .resumed <<<"$events" | grep -c true)"
        others=$(jq -r --argjson m "$maker" \
            'select(.resumed and .worker != $m) | .worker' <<<"$events" |
            sort -u | wc -l)
        CHECKS=$((CHECKS + 1))
        if [ "$others" -ge 1 ]; then
            pass "$name: resumed on $others worker(s) besides its maker ($maker)"
        else
            fail "$name: every resumption was served by the maker ($maker)"
            show_text "$events"
        fi
    done
    stop_bg "$SERVER_PID"
done

if command -v openssl >/dev/null; then
    section "workers draw distinct random numbers (fork safety)"
    # A random generator copied by fork() would give the workers' first
    # handshakes identical session IDs (and server randoms, key shares).
    start_petls_server rng --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --json --workers 4 --no-tickets
    pids=()
    for i in $(seq "$PARALLEL"); do
        timeout "$FG_LIMIT" openssl s_client -connect "127.0.0.1:$PORT" \
            -tls1_2 -no_ticket </dev/null >"$TMP/rng-$i.out" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || true; done
    ids=$(cat "$TMP"/rng-[0-9]*.out | sed -n 's/^ *Session-ID: *//p')
    assert_eq "session IDs received" "$PARALLEL" "$(grep -c . <<<"$ids")"
    assert_eq "distinct session IDs" "$PARALLEL" "$(sort -u <<<"$ids" | grep -c .)"
    wait_for_lines "$TMP/rng.out" "$PARALLEL" || true
    assert_eq "workers that served" yes \
        "$([ "$(jq -r .worker "$TMP/rng.out" | sort -u | wc -l)" -ge 2 ] &&
            echo yes || echo no)"
    stop_bg "$SERVER_PID"
fi

if command -v openssl >/dev/null; then
    section "20 fresh starts: a session ID resumes at once on every worker"
    # A TLS 1.2 server stores a new session before its Finished leaves: a
    # client that has its session may offer it to another worker at once
    # (the store used to get it only after the Finished, and lookups right
    # after start-up sometimes all missed).
    bad=0
    for run in $(seq 20); do
        start_petls_server "fresh" --cert "$CERTS/server-ecdsa.pem" \
            --key "$CERTS/server-ecdsa.key" --json --workers 4 \
            --session-store shm
        sess=$TMP/fresh.sess
        rm -f "$sess"
        timeout "$FG_LIMIT" openssl s_client -connect "127.0.0.1:$PORT" \
            -tls1_2 -no_ticket -sess_out "$sess" </dev/null \
            >"$TMP/fresh-first.out" 2>&1 || true
        pids=()
        for i in 1 2 3 4; do
            timeout "$FG_LIMIT" openssl s_client -connect "127.0.0.1:$PORT" \
                -tls1_2 -no_ticket -sess_in "$sess" </dev/null \
                >"$TMP/fresh-$i.out" 2>&1 &
            pids+=($!)
        done
        for p in "${pids[@]}"; do wait "$p" || true; done
        r=$(cat "$TMP"/fresh-[1-4].out | grep -c '^Reused, TLSv1.2' || true)
        if [ "$r" != 4 ]; then
            bad=$((bad + 1))
            echo "note: run $run: $r of 4 resumed" >&2
        fi
        stop_bg "$SERVER_PID"
    done
    assert_eq "fresh starts where a resumption missed" 0 "$bad"
fi

section "--count across workers, SIGHUP to every worker, SIGTERM stops all"
KEYS=$TMP/keys
openssl rand -hex 48 >"$KEYS"
start_petls_server count --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --workers 4 --count 6 \
    --ticket-keys "$KEYS"
parent=$(pgrep -P "$SERVER_PID" | head -n1)
kill -HUP "$parent"
CHECKS=$((CHECKS + 1))
deadline=$((SECONDS + 5))
while [ "$(grep -c '^reloaded ticket keys$' "$TMP/count.err")" -lt 4 ] &&
    [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
if [ "$(grep -c '^reloaded ticket keys$' "$TMP/count.err")" -eq 4 ]; then
    pass "SIGHUP reloaded the keys in all 4 workers"
else
    fail "SIGHUP: expected 4 reloads"
    show_text "$(cat "$TMP/count.err")"
fi
run_petls_client count-c "127.0.0.1:$PORT" "${CA[@]}" --reconnect 5 --quiet \
    --session-wait 0.2
assert_status "6 connections" 0 "$STATUS"
st=0
wait "$SERVER_PID" || st=$?
assert_eq "server exit after --count 6 (all workers)" 0 "$st"
assert_eq "handshakes logged" 6 "$(grep -c '"handshake"' "$TMP/count.out")"
CHECKS=$((CHECKS + 1))
if pgrep -P "$parent" >/dev/null 2>&1 || kill -0 "$parent" 2>/dev/null; then
    fail "workers left behind after --count"
else
    pass "parent and workers gone"
fi

start_petls_server term --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --workers 3
parent=$(pgrep -P "$SERVER_PID" | head -n1)
workers=$(pgrep -P "$parent" | wc -l)
assert_eq "worker processes" 3 "$workers"
kill -TERM "$parent"
st=0
wait "$SERVER_PID" || st=$?
assert_eq "exit status after SIGTERM" 0 "$st"
assert_eq "workers left after SIGTERM" 0 "$(pgrep -P "$parent" | wc -l)"
