#!/bin/bash
# Resumption with `openssl s_client` against petls server, in stateless
# (tickets, the default) and stateful (--no-tickets: session IDs and TLS 1.3
# tickets that are ids into the cache) modes:
#  - TLS 1.2 `-reconnect`, with and without `-no_ticket`: 1 New, 5 Reused,
#    and the server's JSON agrees connection by connection;
#  - TLS 1.3 `-sess_out` then `-sess_in` (OpenSSL 3.0's -reconnect does not
#    resume TLS 1.3), in both modes.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if ! command -v openssl >/dev/null; then
    echo "SKIP: openssl not installed"
    exit 0
fi

SERVER_ARGS=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
    --json --echo)

# resumed_since NAME FIRST COUNT: the server's "resumed" values of its
# handshakes FIRST..FIRST+COUNT-1, space-separated (waits for them).
resumed_since() {
    wait_for_lines "$TMP/$1.out" "$(($2 + $3 - 1))" || true
    tail -n +"$2" "$TMP/$1.out" | head -n "$3" |
        jq -r 'select(.event == "handshake") | .resumed' | tr '\n' ' ' |
        sed 's/ $//'
}

for mode in stateless stateful; do
    mode_args=()
    [ "$mode" = stateful ] && mode_args=(--no-tickets)
    # One server per mode; n counts its handshakes.
    start_petls_server "srv-$mode" "${SERVER_ARGS[@]}" "${mode_args[@]}"
    n=1

    for ticket in ticket no_ticket; do
        name=$mode-tls12-$ticket
        section "$name: s_client -reconnect -tls1_2 ($ticket)"
        client_args=(-tls1_2 -reconnect -servername localhost
            -CAfile "$CERTS/ca.pem")
        [ "$ticket" = no_ticket ] && client_args+=(-no_ticket)
        run_capture "$name" openssl s_client -connect "127.0.0.1:$PORT" \
            "${client_args[@]}"
        assert_status "$name s_client" 0 "$STATUS"
        assert_eq "$name New lines" 1 "$(grep -c '^New, TLSv1.2' <<<"$OUT")"
        assert_eq "$name Reused lines" 5 \
            "$(grep -c '^Reused, TLSv1.2' <<<"$OUT")"
        assert_eq "$name server resumed flags" \
            "false true true true true true" "$(resumed_since "srv-$mode" $n 6)"
        n=$((n + 6))
    done

    name=$mode-tls13
    section "$name: s_client -tls1_3 -sess_out, then -sess_in"
    sess=$TMP/$name.sess
    run_s_client "$name-1" "ping-1" -tls1_3 -servername localhost \
        -CAfile "$CERTS/ca.pem" -sess_out "$sess"
    assert_status "$name first s_client" 0 "$STATUS"
    assert_line "$name first" "$OUT" \
        "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"
    CHECKS=$((CHECKS + 1))
    if [ -s "$sess" ]; then pass "$name: s_client saved a ticket"; else
        fail "$name: s_client saved no ticket"; fi
    for i in 2 3; do
        run_s_client "$name-$i" "ping-$i" -tls1_3 -servername localhost \
            -CAfile "$CERTS/ca.pem" -sess_in "$sess" -sess_out "$sess"
        assert_status "$name s_client $i" 0 "$STATUS"
        assert_line "$name s_client $i" "$OUT" \
            "Reused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"
        assert_line "$name echo $i" "$OUT" "ping-$i"
    done
    assert_eq "$name server resumed flags" "false true true" \
        "$(resumed_since "srv-$mode" $n 3)"
    stop_bg "$SERVER_PID"
done

section "one TLS 1.3 ticket per handshake (--tickets 1), stateful"
start_petls_server srv-t1 "${SERVER_ARGS[@]}" --no-tickets --tickets 1
sess=$TMP/t1.sess
run_s_client t1-1 "ping-1" -tls1_3 -servername localhost \
    -CAfile "$CERTS/ca.pem" -sess_out "$sess"
assert_status "t1 first s_client" 0 "$STATUS"
run_s_client t1-2 "ping-2" -tls1_3 -servername localhost \
    -CAfile "$CERTS/ca.pem" -sess_in "$sess"
assert_line "t1 second" "$OUT" "Reused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"
stop_bg "$SERVER_PID"

section "no tickets at all in TLS 1.3 (--tickets 0): full handshakes"
start_petls_server srv-t0 "${SERVER_ARGS[@]}" --tickets 0
sess=$TMP/t0.sess
run_s_client t0-1 "ping-1" -tls1_3 -servername localhost \
    -CAfile "$CERTS/ca.pem" -sess_out "$sess"
assert_status "t0 first s_client" 0 "$STATUS"
CHECKS=$((CHECKS + 1))
if [ -s "$sess" ]; then fail "--tickets 0: s_client got a ticket"; else
    pass "--tickets 0: no ticket sent"; fi
stop_bg "$SERVER_PID"

# The pre-parse (stateful mode reads the ClientHello before the backend)
# starts with a 1 KiB buffer and grows it as record headers arrive: a
# 1.7 KiB ClientHello (150 ALPN names) in four 512-byte records
# (-max_send_frag 512) is read whole, replayed unchanged, and the
# decisions made on it hold (TLS 1.2: resumed by session ID; ALPN chosen).
section "a ClientHello in four records through the stateful pre-parse"
start_petls_server srv-frag "${SERVER_ARGS[@]}" --no-tickets --alpn h2,http/1.1
ALPN=$(for i in $(seq 100 249); do printf 'proto-%d,' "$i"; done)http/1.1
for v in tls1_2 tls1_3; do
    sess=$TMP/frag-$v.sess
    frag=(-"$v" -servername localhost -CAfile "$CERTS/ca.pem"
        -max_send_frag 512 -alpn "$ALPN")
    run_s_client "frag-$v-1" "ping-1" "${frag[@]}" -sess_out "$sess" -msg
    assert_status "frag $v first s_client" 0 "$STATUS"
    hello=$(grep -m1 'ClientHello' <<<"$OUT" | sed -nE 's/.*length 0*([0-9a-f]+)\].*/\1/p')
    CHECKS=$((CHECKS + 1))
    if [ -n "$hello" ] && [ "$((16#$hello))" -gt 1536 ]; then
        pass "frag $v: ClientHello of $((16#$hello)) bytes"
    else
        fail "frag $v: ClientHello not above 1536 bytes ('$hello')"
    fi
    assert_line "frag $v first ALPN" "$OUT" "ALPN protocol: http/1.1"
    run_s_client "frag-$v-2" "ping-2" "${frag[@]}" -sess_in "$sess"
    assert_status "frag $v second s_client" 0 "$STATUS"
    assert_contains "frag $v second" "$OUT" "Reused, TLSv1."
    assert_line "frag $v second echo" "$OUT" "ping-2"
done
stop_bg "$SERVER_PID"
