#!/bin/bash
# Node's getTLSTicket(): petls client --tls-ticket prints the session
# ticket the server sent. TLS 1.2 against openssl s_server through a relay
# that reads the NewSessionTicket off the wire (it is sent before
# ChangeCipherSpec, unencrypted): the bytes must be equal. TLS 1.3 (the
# ticket travels encrypted): as long as the one openssl s_client keeps
# from the same server (openssl sess_id -text), and new per connection.
# A server that sends none: the exact error. Against a Node server, beside
# Node's own client getTLSTicket(): same length, non-empty, new per
# session, both versions.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

S_KEYPAIR=(-cert "$CERTS/server-ecdsa.pem" -key "$CERTS/server-ecdsa.key"
    -cert_chain "$CERTS/inter.pem")
# --session-wait: TLS 1.3 tickets come after the handshake; the client
# stops waiting as soon as one is there.
CLIENT=(--servername localhost --ca "$CERTS/ca.pem" --json --tls-ticket
    --session-wait 10)

# tline NAME: the --tls-ticket line of a petls client's output.
tline() { grep '"event":"tls_ticket"' "$TMP/$1.out" | head -n1 || true; }
# differ A B: "yes" when A is not empty and differs from B.
differ() { if [ -n "$1" ] && [ "$1" != null ] && [ "$1" != "$2" ]; then echo yes; else echo no; fi; }

# sess_ticket_hex FILE: the "TLS session ticket:" of openssl sess_id
# -text as hex (dump lines "0000 - 4a 5b ... 3c-1d ...  ascii").
sess_ticket_hex() {
    openssl sess_id -in "$1" -noout -text | awk '
        /TLS session ticket:/ { on = 1; next }
        on && /^ *[0-9a-f][0-9a-f][0-9a-f][0-9a-f] - / {
            sub(/^ *[0-9a-f][0-9a-f][0-9a-f][0-9a-f] - /, "")
            line = substr($0, 1, 48)
            gsub(/-/, " ", line)
            n = split(line, f, " ")
            for (i = 1; i <= n; i++) printf "%s", f[i]
            next
        }
        on { on = 0 }
        END { print "" }'
}

section "TLS 1.2, openssl s_server: the ticket on the wire"
start_openssl_server ss12 "${S_KEYPAIR[@]}" -tls1_2 -www
SPORT=$PORT
start_bg relay python3 "$INTEROP_DIR/py/ticket_watch.py" --port "$SPORT"
RELAY_PID=$BG_PID
wait_match_or_exit "$TMP/relay.out" '"listening"' "$RELAY_PID" 10 || true
RPORT=$(json_field "$(head -n1 "$TMP/relay.out")" listening)
run_petls_client pc12 "127.0.0.1:$RPORT" "${CLIENT[@]}"
assert_status "petls client (TLS 1.2)" 0 "$STATUS"
assert_json "petls client (TLS 1.2)" "$(head -n1 "$TMP/pc12.out")" version TLSv1.2
wait "$RELAY_PID" || true
wire=$(jq -r '.tickets[0] // ""' <<<"$(sed -n 2p "$TMP/relay.out")")
assert_eq "relay saw one ticket" 1 "$(jq '.tickets | length' <<<"$(sed -n 2p "$TMP/relay.out")")"
T12=$(json_field "$(tline pc12)" ticket)
assert_eq "TLS 1.2 ticket = the NewSessionTicket on the wire" "$wire" "$T12"
assert_json "TLS 1.2 ticket length" "$(tline pc12)" length $((${#wire} / 2))
assert_eq "TLS 1.2 ticket longer than 32 bytes" yes \
    "$(if [ "${#wire}" -gt 64 ]; then echo yes; else echo no; fi)"
# A second connection gets another ticket.
run_petls_client pc12b "127.0.0.1:$SPORT" "${CLIENT[@]}"
T12B=$(json_field "$(tline pc12b)" ticket)
assert_eq "TLS 1.2: new ticket per connection" yes "$(differ "$T12B" "$T12")"
stop_bg "$SERVER_PID"

section "TLS 1.2, openssl s_server -no_ticket: none"
start_openssl_server ss12n "${S_KEYPAIR[@]}" -tls1_2 -www -no_ticket
run_petls_client pc12n "127.0.0.1:$PORT" "${CLIENT[@]}"
assert_status "petls client (no ticket)" 0 "$STATUS"
assert_json "no ticket" "$(tline pc12n)" error \
    "no session ticket received on this connection"
assert_json "no ticket" "$(tline pc12n)" length "<missing>"
stop_bg "$SERVER_PID"

section "TLS 1.3, openssl s_server"
start_openssl_server ss13 "${S_KEYPAIR[@]}" -tls1_3 -www
run_petls_client pc13 "127.0.0.1:$PORT" "${CLIENT[@]}"
assert_status "petls client (TLS 1.3)" 0 "$STATUS"
assert_json "petls client (TLS 1.3)" "$(head -n1 "$TMP/pc13.out")" version TLSv1.3
T13=$(json_field "$(tline pc13)" ticket)
L13=$(json_field "$(tline pc13)" length)
assert_eq "TLS 1.3 length field" "$((${#T13} / 2))" "$L13"
run_s_client osc13 "" -tls1_3 -CAfile "$CERTS/ca.pem" -servername localhost \
    -sess_out "$TMP/osc13.sess"
OT13=$(sess_ticket_hex "$TMP/osc13.sess")
assert_eq "TLS 1.3 ticket length = openssl s_client's" "$((${#OT13} / 2))" "$L13"
# OpenSSL's tickets start with the 16-byte name of the server's ticket key.
assert_eq "TLS 1.3 ticket key name = openssl s_client's" "${OT13:0:32}" "${T13:0:32}"
run_petls_client pc13b "127.0.0.1:$PORT" "${CLIENT[@]}"
T13B=$(json_field "$(tline pc13b)" ticket)
assert_eq "TLS 1.3: new ticket per connection" yes "$(differ "$T13B" "$T13")"
stop_bg "$SERVER_PID"

section "petls server"
start_petls_server psrv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json
run_petls_client pcp "127.0.0.1:$PORT" "${CLIENT[@]}"
assert_status "petls client (petls server)" 0 "$STATUS"
assert_eq "petls server's TLS 1.3 ticket" yes \
    "$(differ "$(json_field "$(tline pcp)" ticket)" "<missing>")"
stop_bg "$SERVER_PID"

for v in TLSv1.3 TLSv1.2; do
section "Node server ($v): petls client beside Node's getTLSTicket()"
start_node_server node "--cert" "$CERTS/server-ecdsa.pem" --key \
    "$CERTS/server-ecdsa.key" --max-version "$v" --min-version "$v"
run_capture nodec node "$NODE_DIR/conn_facts.js" client --port "$PORT" \
    --ca "$CERTS/ca.pem"
assert_status "node client ($v)" 0 "$STATUS"
NT=$(json_field "$OUT" ticket)
assert_json "node client ($v)" "$OUT" protocol "$v"
run_petls_client pcn "127.0.0.1:$PORT" "${CLIENT[@]}"
assert_status "petls client ($v)" 0 "$STATUS"
PT=$(json_field "$(tline pcn)" ticket)
assert_eq "node's ticket ($v) non-empty" yes "$(differ "$NT" "<missing>")"
assert_eq "ticket length ($v): petls = Node" "${#NT}" "${#PT}"
assert_eq "tickets differ per session ($v)" yes "$(differ "$PT" "$NT")"
stop_bg "$SERVER_PID"
done
