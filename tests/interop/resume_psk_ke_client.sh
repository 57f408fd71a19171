#!/bin/bash
# A petls client that offers psk_ke alone when it resumes TLS 1.3
# (--tls13-psk-ke-only, PETLS_TLS13_PSK_KE_ONLY):
#  - against `openssl s_server -allow_no_dhe_kex -trace`: the full
#    handshake's ClientHello offers psk_dhe_ke and psk_ke with a key share;
#    each resumption ("resumed": true, "psk_ke": true in the client's JSON)
#    sends a ClientHello whose psk_key_exchange_modes is psk_ke alone and
#    which has no key_share (no X25519 computed), answered by a ServerHello
#    without key_share;
#  - against `petls server --tls13-psk-ke` (stateless and stateful): both
#    sides' JSON say resumed and psk_ke;
#  - the fallback: s_server without -allow_no_dhe_kex cannot answer such a
#    ClientHello (missing_extension); the client's error says to connect
#    again without the session, and a connection without it is a full
#    handshake.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if ! command -v openssl >/dev/null; then
    echo "SKIP: openssl not installed"
    exit 0
fi

CLIENT=(--servername localhost --ca "$CERTS/ca.pem" --min-version TLSv1.3
    --json --session-wait 0.5)

# out_line N: the N-th line of the last client's stdout.
out_line() {
    sed -n "${1}p" <<<"$OUT"
}

# hellos TRACE: one line per ClientHello and ServerHello of an openssl
# -trace file: "CH key_share=0|1 modes=psk_dhe_ke,psk_ke" / "SH key_share=..".
hellos() {
    awk '
        function flush() {
            if (msg == "ClientHello") printf "CH key_share=%d modes=%s\n", ks, modes
            if (msg == "ServerHello") printf "SH key_share=%d\n", ks
        }
        /^ +[A-Za-z]+, Length=[0-9]+$/ {
            flush(); msg = $1; sub(/,$/, "", msg); ks = 0; modes = ""; inmodes = 0
            next
        }
        /extension_type=/ { inmodes = /psk_key_exchange_modes/ }
        /extension_type=key_share\(/ { ks = 1 }
        inmodes && /^ +psk_(dhe_)?ke \([01]\)$/ {
            modes = modes (modes == "" ? "" : ",") $1
        }
        END { flush() }
    ' "$1"
}

section "openssl s_server -allow_no_dhe_kex: psk_ke alone, no key share"
trace=$TMP/ossl.trace
rm -f "$trace"
start_openssl_server ossl -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -www \
    -tls1_3 -allow_no_dhe_kex -trace -msgfile "$trace"
run_petls_client only-ossl "127.0.0.1:$PORT" "${CLIENT[@]}" --reconnect 2 \
    --tls13-psk-ke-only
assert_status "only-ossl petls client" 0 "$STATUS"
for i in 1 2 3; do
    line=$(out_line "$i")
    assert_json "only-ossl $i" "$line" event handshake
    if [ "$i" = 1 ]; then
        assert_json "only-ossl $i" "$line" resumed false
        assert_json "only-ossl $i" "$line" psk_ke false
    else
        assert_json "only-ossl $i" "$line" resumed true
        assert_json "only-ossl $i" "$line" psk_ke true
    fi
done
stop_bg "$SERVER_PID"
h=$(hellos "$trace")
assert_eq "ClientHellos seen by s_server" 3 "$(grep -c '^CH ' <<<"$h")"
assert_eq "full ClientHello" "CH key_share=1 modes=psk_dhe_ke,psk_ke" \
    "$(grep '^CH ' <<<"$h" | sed -n 1p)"
assert_eq "resuming ClientHello 1" "CH key_share=0 modes=psk_ke" \
    "$(grep '^CH ' <<<"$h" | sed -n 2p)"
assert_eq "resuming ClientHello 2" "CH key_share=0 modes=psk_ke" \
    "$(grep '^CH ' <<<"$h" | sed -n 3p)"
assert_eq "ServerHellos" "SH key_share=1 SH key_share=0 SH key_share=0" \
    "$(grep '^SH ' <<<"$h" | tr '\n' ' ' | sed 's/ $//')"

for mode in stateless stateful; do
    section "petls server --tls13-psk-ke ($mode): psk_ke on both sides"
    mode_args=()
    [ "$mode" = stateful ] && mode_args=(--no-tickets)
    start_petls_server "srv-$mode" --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --json --tls13-psk-ke "${mode_args[@]}"
    run_petls_client "only-$mode" "127.0.0.1:$PORT" "${CLIENT[@]}" \
        --reconnect 2 --tls13-psk-ke-only
    assert_status "only-$mode petls client" 0 "$STATUS"
    for i in 2 3; do
        line=$(out_line "$i")
        assert_json "only-$mode client $i" "$line" resumed true
        assert_json "only-$mode client $i" "$line" psk_ke true
        line=$(server_event "srv-$mode" "$i")
        assert_json "srv-$mode $i" "$line" event handshake
        assert_json "srv-$mode $i" "$line" resumed true
        assert_json "srv-$mode $i" "$line" psk_ke true
    done
    stop_bg "$SERVER_PID"
done

section "fallback: s_server without -allow_no_dhe_kex refuses the offer"
start_openssl_server ossl-off -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -www -tls1_3
sess=$TMP/off.sess
run_petls_client off-1 "127.0.0.1:$PORT" "${CLIENT[@]}" --sess-out "$sess" \
    --tls13-psk-ke-only
assert_status "off-1 petls client" 0 "$STATUS"
run_petls_client off-2 "127.0.0.1:$PORT" "${CLIENT[@]}" --sess-in "$sess" \
    --tls13-psk-ke-only
assert_status "off-2 petls client" 1 "$STATUS"
assert_json "off-2" "$(out_line 1)" error \
    "handshake: peer sent fatal alert missing_extension (psk_ke alone was offered with the TLS 1.3 session: the server refused psk_ke or the ticket; connect again without it)"
run_petls_client off-3 "127.0.0.1:$PORT" "${CLIENT[@]}" --tls13-psk-ke-only
assert_status "off-3 petls client" 0 "$STATUS"
assert_json "off-3" "$(out_line 1)" resumed false
stop_bg "$SERVER_PID"
