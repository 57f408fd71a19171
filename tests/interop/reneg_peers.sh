#!/bin/bash
# TLS 1.2 renegotiation against real peers. A petls server refuses client
# renegotiation by default and with --no-reneg; --reneg-limit 2/600 turns it
# on and limits it: openssl s_client's `R` command
# renegotiates twice, the third ends that connection with
# ERR_TLS_SESSION_ATTACK, and the server goes on serving; gnutls-cli
# --rehandshake and Node's renegotiate() renegotiate once; --no-reneg
# refuses. A petls client --renegotiate against openssl s_server (TLS 1.2,
# and its clean refusal on TLS 1.3).
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

KEYPAIR=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

# s_client_open NAME ARGS...: s_client in the background, its stdin a fifo
# on fd 7; waits for the handshake.
s_client_open() {
    local name=$1
    shift
    local fifo=$TMP/$name.stdin
    rm -f "$fifo"
    mkfifo "$fifo"
    fresh_logs "$name"
    timeout "$FG_LIMIT" stdbuf -o0 openssl s_client -connect "127.0.0.1:$PORT" "$@" \
        <"$fifo" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    SC_PID=$!
    exec 7>"$fifo"
    wait_match_or_exit "$TMP/$name.out" '^ *Verify return code:' "$SC_PID" 10
}

section "petls server --reneg-limit 2/600: openssl s_client R"
start_petls_server srv "${KEYPAIR[@]}" --reneg-limit 2/600 --json --echo
s_client_open sc -tls1_2 -CAfile "$CERTS/ca.pem" -servername localhost
for i in 1 2; do
    printf 'R\n' >&7
    wait_for_lines "$TMP/srv.out" $((i + 1)) 10 || true
    ev=$(nth_line "$TMP/srv.out" $((i + 1)))
    assert_json "renegotiation $i" "$ev" event renegotiation
    assert_json "renegotiation $i" "$ev" count "$i"
    assert_json "renegotiation $i" "$ev" refused false
    # The renegotiated session still carries data.
    printf 'data-after-%s\n' "$i" >&7
    wait_for_file_line "$TMP/sc.out" "data-after-$i" 10 || true
    assert_line "echo after renegotiation $i" "$(cat "$TMP/sc.out")" \
        "data-after-$i"
done
printf 'R\n' >&7
wait_for_lines "$TMP/srv.out" 4 10 || true
ev=$(nth_line "$TMP/srv.out" 4)
assert_json "renegotiation 3" "$ev" event renegotiation
assert_json "renegotiation 3" "$ev" count 3
assert_json "renegotiation 3" "$ev" refused true
STATUS=0
wait "$SC_PID" || STATUS=$?
exec 7>&-
assert_contains "s_client after the third R" "$(cat "$TMP/sc.err")" \
    "sslv3 alert handshake failure"
wait_for_file_match "$TMP/srv.err" ERR_TLS_SESSION_ATTACK 10 || true
assert_contains "server error" "$(cat "$TMP/srv.err")" \
    "ERR_TLS_SESSION_ATTACK: TLS session renegotiation attack detected (more than 2 renegotiations in 600 s)"
# The server keeps serving.
run_s_client after "still-serving" -tls1_2 -CAfile "$CERTS/ca.pem"
assert_line "next client" "$OUT" "still-serving"
ev=$(server_event srv 5)
assert_json "next client" "$ev" event handshake

section "gnutls-cli --rehandshake"
run_gnutls_cli gnutls "" --x509cafile "$CERTS/ca.pem" \
    --verify-hostname localhost --priority NORMAL:-VERS-ALL:+VERS-TLS1.2 \
    --rehandshake
assert_status "gnutls-cli --rehandshake" 0 "$STATUS"
assert_line "gnutls-cli --rehandshake" "$OUT" "- ReHandshake was completed"
ev=$(server_event srv 7)
assert_json "server (gnutls)" "$ev" event renegotiation
assert_json "server (gnutls)" "$ev" count 1

section "Node renegotiate()"
run_capture node node "$NODE_DIR/nego.js" client --port "$PORT" \
    --ca "$CERTS/ca.pem" --max-version TLSv1.2 --renegotiate
assert_status "node client" 0 "$STATUS"
assert_line "node client" "$OUT" '{"event":"renegotiated"}'
ev=$(server_event srv 9)
assert_json "server (node)" "$ev" event renegotiation
assert_json "server (node)" "$ev" count 1
stop_bg "$SERVER_PID"

section "petls server --reneg-disable-after 1: one connection disabled (Node's disableRenegotiation())"
# Two connections of one server (one config that allows renegotiation):
# each may renegotiate once, then petls_conn_disable_renegotiation() turns
# it off for that connection alone; the next R on it is refused exactly
# as with --no-reneg below, while the other connection still renegotiates.
start_petls_server dis "${KEYPAIR[@]}" --reneg-limit 5/600 \
    --reneg-disable-after 1 --json --echo
s_client_open sc-a -tls1_2 -CAfile "$CERTS/ca.pem"
A_PID=$SC_PID
exec 8>&7 7>&-
printf 'R\n' >&8
wait_for_lines "$TMP/dis.out" 2 10 || true
ev=$(nth_line "$TMP/dis.out" 2)
assert_json "connection A renegotiation 1" "$ev" event renegotiation
assert_json "connection A renegotiation 1" "$ev" count 1
assert_json "connection A renegotiation 1" "$ev" refused false
printf 'a-after-1\n' >&8
wait_for_file_line "$TMP/sc-a.out" "a-after-1" 10 || true
assert_line "connection A echo after renegotiation" "$(cat "$TMP/sc-a.out")" \
    "a-after-1"
# Connection B, while A has renegotiation disabled.
s_client_open sc-b -tls1_2 -CAfile "$CERTS/ca.pem"
B_PID=$SC_PID
ev=$(server_event dis 3)
assert_json "connection B" "$ev" event handshake
# A's second R: refused, as by a config with renegotiation off.
printf 'R\n' >&8
STATUS=0
wait "$A_PID" || STATUS=$?
exec 8>&-
assert_contains "connection A refused" "$(cat "$TMP/sc-a.err")" \
    "no renegotiation"
wait_for_file_match "$TMP/dis.err" "gave up" 10 || true
assert_contains "server error (connection A)" "$(cat "$TMP/dis.err")" \
    "read: the peer gave up after its renegotiation was refused (renegotiation is off; peer sent fatal alert handshake_failure)"
assert_eq "server events after A's refusal" 3 "$(wc -l <"$TMP/dis.out")"
# B still renegotiates and carries data.
printf 'R\n' >&7
wait_for_lines "$TMP/dis.out" 4 10 || true
ev=$(nth_line "$TMP/dis.out" 4)
assert_json "connection B renegotiation 1" "$ev" event renegotiation
assert_json "connection B renegotiation 1" "$ev" count 1
assert_json "connection B renegotiation 1" "$ev" refused false
printf 'b-after-1\n' >&7
wait_for_file_line "$TMP/sc-b.out" "b-after-1" 10 || true
assert_line "connection B echo after renegotiation" "$(cat "$TMP/sc-b.out")" \
    "b-after-1"
exec 7>&-
wait "$B_PID" || true
assert_eq "refusals logged" 1 "$(grep -c 'gave up' "$TMP/dis.err")"
stop_bg "$SERVER_PID"

# Servers refuse client renegotiation by default (as libtls and nginx);
# --no-reneg says so explicitly; --reneg-disable-after 0 disables it on
# each connection at accept, over a config that allows it.
for flag in default --no-reneg "--reneg-limit 3/600 --reneg-disable-after 0"; do
section "petls server ($flag): renegotiation refused"
args=()
[ "$flag" = default ] || read -ra args <<<"$flag"
start_petls_server norene "${KEYPAIR[@]}" "${args[@]}" --json --echo
s_client_open sc-no -tls1_2 -CAfile "$CERTS/ca.pem"
printf 'R\n' >&7
STATUS=0
wait "$SC_PID" || STATUS=$?
exec 7>&-
# OpenSSL treats the no_renegotiation warning as the end (as Node's
# disableRenegotiation() does on its side).
assert_contains "s_client refused" "$(cat "$TMP/sc-no.err")" \
    "no renegotiation"
assert_eq "server renegotiation events" 1 "$(wc -l <"$TMP/norene.out")"
wait_for_file_match "$TMP/norene.err" "gave up" 10 || true
assert_contains "server error" "$(cat "$TMP/norene.err")" \
    "read: the peer gave up after its renegotiation was refused (renegotiation is off; peer sent fatal alert handshake_failure)"
stop_bg "$SERVER_PID"
done

section "petls client --renegotiate: openssl s_server"
# OpenSSL 3 servers refuse client renegotiation unless told otherwise.
start_openssl_server ss12-refuse -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -tls1_2 \
    -www
run_petls_client pc12-refused "127.0.0.1:$PORT" --servername localhost \
    --ca "$CERTS/ca.pem" --renegotiate --json
assert_status "petls client --renegotiate refused" 1 "$STATUS"
assert_json "petls client --renegotiate refused" "$OUT" error \
    "renegotiate: the server refused (no_renegotiation alert)"
stop_bg "$SERVER_PID"
start_openssl_server ss12 -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -tls1_2 \
    -www -client_renegotiation
run_petls_client pc12 "127.0.0.1:$PORT" --servername localhost \
    --ca "$CERTS/ca.pem" --renegotiate --json
assert_status "petls client --renegotiate TLS 1.2" 0 "$STATUS"
assert_json "petls client --renegotiate TLS 1.2" "$OUT" renegotiations 1
assert_json "petls client --renegotiate TLS 1.2" "$OUT" version TLSv1.2
stop_bg "$SERVER_PID"

start_openssl_server ss13 -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -tls1_3 \
    -www
run_petls_client pc13 "127.0.0.1:$PORT" --servername localhost \
    --ca "$CERTS/ca.pem" --renegotiate --json
assert_status "petls client --renegotiate TLS 1.3" 1 "$STATUS"
assert_json "petls client --renegotiate TLS 1.3" "$OUT" error \
    "renegotiate: TLS 1.3 has no renegotiation"
stop_bg "$SERVER_PID"
