#!/bin/bash
# TLS 1.3 psk_ke resumption with `openssl s_client -allow_no_dhe_kex` (it
# then offers psk_ke and psk_dhe_ke, with a key share) against
# `petls server --tls13-psk-ke`, stateless and stateful (--no-tickets):
#  - the full handshake has a "Server Temp Key" (X25519);
#  - the resumptions (the first ticket, then the one a psk_ke resumption
#    issued) are "Reused" without any "Server Temp Key": the ServerHello
#    carried no key share, so no (EC)DHE happened; the server's JSON says
#    resumed and psk_ke;
#  - s_client without -allow_no_dhe_kex resumes in psk_dhe_ke (Temp Key,
#    psk_ke false);
#  - a server without --tls13-psk-ke resumes the same offer in psk_dhe_ke.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if ! command -v openssl >/dev/null; then
    echo "SKIP: openssl not installed"
    exit 0
fi

SERVER_ARGS=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
    --json --echo)
CLIENT_ARGS=(-tls1_3 -servername localhost -CAfile "$CERTS/ca.pem")
REUSED="Reused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"

# handshake_line NAME N: the server's N-th JSON line (asserted to be a
# handshake by the caller: this runs in a subshell).
handshake_line() {
    server_event "$1" "$2"
}

# s_client NAME DATA ARGS...: run_s_client with the common arguments.
s_client() {
    local name=$1 data=$2
    shift 2
    run_s_client "$name" "$data" "${CLIENT_ARGS[@]}" "$@"
    assert_status "$name s_client" 0 "$STATUS"
    assert_line "$name echo" "$OUT" "$data"
}

for mode in stateless stateful; do
    mode_args=()
    [ "$mode" = stateful ] && mode_args=(--no-tickets)
    start_petls_server "srv-$mode" "${SERVER_ARGS[@]}" "${mode_args[@]}" \
        --tls13-psk-ke
    srv=srv-$mode
    sess=$TMP/$mode.sess

    section "$mode: full handshake, s_client -allow_no_dhe_kex -sess_out"
    s_client "$mode-1" ping-1 -allow_no_dhe_kex -sess_out "$sess"
    assert_line "$mode-1" "$OUT" \
        "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"
    assert_contains "$mode-1" "$OUT" "Server Temp Key: X25519"
    line=$(handshake_line "$srv" 1)
    assert_json "$srv line" "$line" event handshake
    assert_json "$mode-1 server" "$line" resumed false
    assert_json "$mode-1 server" "$line" psk_ke false

    n=2
    for round in first-ticket psk_ke-ticket; do
        name=$mode-$n
        section "$name: -allow_no_dhe_kex -sess_in ($round): psk_ke"
        s_client "$name" "ping-$n" -allow_no_dhe_kex -sess_in "$sess" \
            -sess_out "$sess"
        assert_line "$name" "$OUT" "$REUSED"
        assert_not_contains "$name" "$OUT" "Server Temp Key"
        line=$(handshake_line "$srv" "$n")
    assert_json "$srv line" "$line" event handshake
        assert_json "$name server" "$line" resumed true
        assert_json "$name server" "$line" psk_ke true
        n=$((n + 1))
    done

    name=$mode-$n
    section "$name: s_client without -allow_no_dhe_kex: psk_dhe_ke"
    s_client "$name" "ping-$n" -sess_in "$sess"
    assert_line "$name" "$OUT" "$REUSED"
    assert_contains "$name" "$OUT" "Server Temp Key: X25519"
    line=$(handshake_line "$srv" "$n")
    assert_json "$srv line" "$line" event handshake
    assert_json "$name server" "$line" resumed true
    assert_json "$name server" "$line" psk_ke false
    stop_bg "$SERVER_PID"
done

section "server without --tls13-psk-ke: psk_dhe_ke for the same offer"
start_petls_server srv-off "${SERVER_ARGS[@]}"
sess=$TMP/off.sess
s_client off-1 ping-1 -allow_no_dhe_kex -sess_out "$sess"
s_client off-2 ping-2 -allow_no_dhe_kex -sess_in "$sess"
assert_line off-2 "$OUT" "$REUSED"
assert_contains off-2 "$OUT" "Server Temp Key: X25519"
line=$(handshake_line srv-off 2)
assert_json "srv-off line" "$line" event handshake
assert_json "off-2 server" "$line" resumed true
assert_json "off-2 server" "$line" psk_ke false
stop_bg "$SERVER_PID"
