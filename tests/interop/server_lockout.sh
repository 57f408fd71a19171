#!/bin/bash
# Idle and slow clients cannot lock others out of `petls server`: with
# 2,000 bare TCP and 1,024 idle TLS connections held open (the default
# --max-conns is 1024), a new client is served within 1 s, because the
# oldest idle connections make room; --max-conns-per-ip refuses a client's
# surplus; out of descriptors (a low RLIMIT_NOFILE), idle connections make
# room too and accept errors are logged once, not per try; --idle-timeout
# closes an idle TLS connection. Node clients.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

KEYPAIR=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")
PROBE=(node "$NODE_DIR/lockout.js" --ca "$CERTS/ca.pem")

# 3,024 client sockets plus the server's 1,024: more than a default soft
# limit of 1,024 descriptors.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 8192 ]; then
    echo "server_lockout needs RLIMIT_NOFILE 8192 (hard limit: $(ulimit -Hn))" >&2
    exit 1
fi
ulimit -n 8192

section "2,000 idle TCP + 1,024 idle TLS connections, then new clients"
start_petls_server srv "${KEYPAIR[@]}" --echo
# lockout.js holds its connections open until $TMP/lock.release exists,
# so that openssl s_client is tried while they are held too.
rm -f "$TMP/lock.release"
start_bg lock "${PROBE[@]}" --port "$PORT" --tcp 2000 --tls 1024 --probe \
    --hold-until "$TMP/lock.release" --phase-ms 40000
LOCK_PID=$BG_PID
wait_match_or_exit "$TMP/lock.out" '"event":"result"' "$LOCK_PID" 90 || true
OUT=$(cat "$TMP/lock.out")
assert_json "attack" "$OUT" tcp_open 2000
assert_json "attack" "$OUT" tls_ok 1024
assert_json "new Node client" "$OUT" probe ok
ms=$(json_field "$OUT" probe_ms)
CHECKS=$((CHECKS + 1))
if [[ "$ms" =~ ^[0-9]+$ ]] && [ "$ms" -lt 1000 ]; then
    pass "new Node client served in $ms ms"
else
    fail "new Node client: served in '$ms' ms, expected < 1000"
fi
t0=$(date +%s%N)
run_s_client s_client "lockout probe" -CAfile "$CERTS/ca.pem" \
    -servername localhost -verify_return_error
ms=$((($(date +%s%N) - t0) / 1000000))
assert_status "openssl s_client" 0 "$STATUS"
assert_line "openssl s_client" "$OUT" "lockout probe"
CHECKS=$((CHECKS + 1))
if kill -0 "$LOCK_PID" 2>/dev/null && [ "$ms" -lt 1000 ]; then
    pass "openssl s_client served in $ms ms while the idle clients are held"
else
    fail "openssl s_client took $ms ms (expected < 1000), or lockout.js ended first"
fi
touch "$TMP/lock.release"
STATUS=0
wait "$LOCK_PID" || STATUS=$?
assert_status "lockout.js" 0 "$STATUS"
assert_contains "server log" "$(cat "$TMP/srv.err")" \
    "idle connection(s) closed to admit new ones (--max-conns 1024 or out of descriptors)"
stop_bg "$SERVER_PID"

section "--max-conns-per-ip 2"
start_petls_server perip "${KEYPAIR[@]}" --echo --max-conns-per-ip 2
run_capture perip-c "${PROBE[@]}" --port "$PORT" --tls 3 --probe \
    --phase-ms 5000
assert_json "per-ip" "$OUT" tls_ok 2
assert_json "per-ip" "$OUT" tls_failed 1
CHECKS=$((CHECKS + 1))
if [ "$(json_field "$OUT" probe)" != ok ]; then
    pass "a third connection from 127.0.0.1 is refused"
else
    fail "a third connection from 127.0.0.1 was served"
fi
wait_for_file_match "$TMP/perip.err" "over --max-conns-per-ip" 15 || true
assert_contains "server log" "$(cat "$TMP/perip.err")" \
    "connection(s) refused: over --max-conns-per-ip 2"
stop_bg "$SERVER_PID"

section "out of descriptors (RLIMIT_NOFILE 48): idle connections make room"
# The limit applies to the server only (a subshell lowers it for its exec).
fresh_logs emfile
(ulimit -n 48 && exec timeout "$BG_LIMIT" "$PETLS" server --listen \
    127.0.0.1:0 "${KEYPAIR[@]}" --echo) \
    >"$TMP/emfile.out" 2>"$TMP/emfile.err" </dev/null &
SERVER_PID=$!
BG_PIDS+=("$SERVER_PID")
_wait_listen emfile "$SERVER_PID" "$TMP/emfile.err" \
    '^listening on 127\.0\.0\.1:[0-9]+$'
PORT=$(sed -nE 's/^listening on 127\.0\.0\.1:([0-9]+)$/\1/p' \
    "$TMP/emfile.err" | head -n1)
run_capture emfile-c "${PROBE[@]}" --port "$PORT" --tcp 200 --probe \
    --phase-ms 10000
assert_json "out of descriptors" "$OUT" probe ok
CHECKS=$((CHECKS + 1))
n=$(grep -c 'accept:' "$TMP/emfile.err" || true)
if [ "$n" -le 1 ]; then
    pass "accept errors logged $n time(s)"
else
    fail "accept errors logged $n times, expected at most once"
    show_text "$(cat "$TMP/emfile.err")"
fi
assert_contains "server log" "$(cat "$TMP/emfile.err")" \
    "idle connection(s) closed to admit new ones"
stop_bg "$SERVER_PID"

section "--idle-timeout 1"
start_petls_server idle "${KEYPAIR[@]}" --echo --idle-timeout 1
run_capture idle-c "${PROBE[@]}" --port "$PORT" --tls 1 --wait-close \
    --phase-ms 10000
assert_json "idle client" "$OUT" tls_ok 1
el=$(json_field "$OUT" closed_ms)
CHECKS=$((CHECKS + 1))
if [[ "$el" =~ ^[0-9]+$ ]] && [ "$el" -ge 800 ] && [ "$el" -lt 5000 ]; then
    pass "closed by the server after $el ms idle"
else
    fail "closed after '$el' ms, expected about 1000"
fi
wait_for_file_match "$TMP/idle.err" "idle for" 5 || true
assert_contains "server log" "$(cat "$TMP/idle.err")" "idle for 1 s, closing"
stop_bg "$SERVER_PID"

section "out of descriptors with nothing to close: no busy loop, serves again"
# prlimit lowers the running server's RLIMIT_NOFILE to its lowest free
# descriptor number: every accept() then fails with EMFILE and there is no
# connection to close. The server must pause its listener (not spin on it),
# log once, and serve the waiting client once descriptors are back.
start_petls_server nofd "${KEYPAIR[@]}" --echo
SPID=$(cat "/proc/$SERVER_PID/task/$SERVER_PID/children")
SPID=${SPID%% *}
lowest=0
while [ -e "/proc/$SPID/fd/$lowest" ] && [ "$lowest" -lt 1024 ]; do
    lowest=$((lowest + 1))
done
prlimit --pid "$SPID" --nofile="$lowest:$(ulimit -Hn)"
start_bg nofd-c "${PROBE[@]}" --port "$PORT" --probe --phase-ms 20000
PROBE_PID=$BG_PID
wait_for_file_match "$TMP/nofd.err" 'accept: Too many open files' 10 || true
assert_contains "server log" "$(cat "$TMP/nofd.err")" \
    "server: accept: Too many open files (accepts pause and resume by themselves; logged at most once a minute)"
# CPU the server uses over one second while the client waits (clock
# ticks, usually 100 a second): a loop spinning on the readable listener
# would use them all.
cpu() { awk '{ print $14 + $15 }' "/proc/$SPID/stat"; }
c0=$(cpu)
sleep 1 # a measuring window, not a synchronisation
c1=$(cpu)
CHECKS=$((CHECKS + 1))
if [ $((c1 - c0)) -le 10 ]; then
    pass "server used $((c1 - c0)) clock ticks in 1 s out of descriptors"
else
    fail "server used $((c1 - c0)) clock ticks in 1 s out of descriptors (busy loop?)"
fi
prlimit --pid "$SPID" --nofile="1024:$(ulimit -Hn)"
STATUS=0
wait "$PROBE_PID" || STATUS=$?
OUT=$(cat "$TMP/nofd-c.out")
assert_json "client waiting through EMFILE" "$OUT" probe ok
n=$(grep -c 'accept:' "$TMP/nofd.err" || true)
assert_eq "accept error lines" 1 "$n"
stop_bg "$SERVER_PID"
