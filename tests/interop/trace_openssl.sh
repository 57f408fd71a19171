#!/bin/bash
# Node's enableTrace(): --trace writes mbed TLS's handshake trace to
# stderr ("trace <level>: <line>"). petls client --trace against openssl
# s_server and petls server --trace against openssl s_client, TLS 1.3 and
# 1.2: the hello lines are there, every line is level 2 at most and no
# hex dump (where mbed TLS prints secrets, from level 3) is among them;
# without --trace there is no trace line at all.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

S_KEYPAIR=(-cert "$CERTS/server-ecdsa.pem" -key "$CERTS/server-ecdsa.key"
    -cert_chain "$CERTS/inter.pem")
count() { grep -c -- "$2" "$1" || true; }

for v in 1_3 1_2; do
version=TLSv${v/_/.}
section "petls client --trace against openssl s_server ($version)"
start_openssl_server "ss$v" "${S_KEYPAIR[@]}" "-tls$v" -www
run_petls_client "pc$v" "127.0.0.1:$PORT" --servername localhost \
    --ca "$CERTS/ca.pem" --json --trace
assert_status "petls client --trace ($version)" 0 "$STATUS"
assert_json "petls client --trace ($version)" "$OUT" version "$version"
E=$TMP/pc$v.err
assert_contains "client trace ($version)" "$ERR" "trace 2: => write client hello"
assert_contains "client trace ($version)" "$ERR" "trace 2: <= write client hello"
# TLS 1.2 logs "=> parse server hello", TLS 1.3
# "=> ssl_tls13_process_server_hello".
assert_eq "client trace: ServerHello parsed ($version)" yes \
    "$(if grep -Eq '^trace 2: => (parse server hello|ssl_tls13_process_server_hello)$' "$E"; then echo yes; else echo no; fi)"
assert_contains "client trace ($version)" "$ERR" "trace 2: handshake: done"
assert_eq "client trace: only levels 1-2 ($version)" 0 \
    "$(grep '^trace ' "$E" | grep -vc '^trace [12]: ' || true)"
assert_eq "client trace: no secret ($version)" 0 "$(count "$E" "^trace [0-9]: dumping '")"
assert_eq "client trace: every stderr line is a trace line ($version)" \
    "$(wc -l <"$E")" "$(count "$E" '^trace [12]: ')"
run_petls_client "pcq$v" "127.0.0.1:$PORT" --servername localhost \
    --ca "$CERTS/ca.pem" --json
assert_status "petls client ($version)" 0 "$STATUS"
assert_eq "no trace without --trace ($version)" 0 \
    "$(count "$TMP/pcq$v.err" '^trace ')"
stop_bg "$SERVER_PID"

section "petls server --trace against openssl s_client ($version)"
start_petls_server "ps$v" --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --trace --echo
run_s_client "sc$v" "ping-$v" "-tls$v" -CAfile "$CERTS/ca.pem" \
    -servername localhost
assert_status "s_client ($version)" 0 "$STATUS"
assert_line "echo ($version)" "$OUT" "ping-$v"
E=$TMP/ps$v.err
wait_for_file_match "$E" "trace 2: handshake: done" 10 || true
assert_contains "server trace ($version)" "$(cat "$E")" "trace 2: => parse client hello"
assert_contains "server trace ($version)" "$(cat "$E")" "trace 2: => write server hello"
assert_eq "server trace: no secret ($version)" 0 "$(count "$E" "^trace [0-9]: dumping '")"
stop_bg "$SERVER_PID"
start_petls_server "psq$v" --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --echo
run_s_client "scq$v" "ping-q$v" "-tls$v" -CAfile "$CERTS/ca.pem" \
    -servername localhost
assert_line "echo without --trace ($version)" "$OUT" "ping-q$v"
assert_eq "server: no trace without --trace ($version)" 0 \
    "$(count "$TMP/psq$v.err" '^trace ')"
stop_bg "$SERVER_PID"
done
