#!/bin/bash
# Sessions are bound to the server name (RFC 6066 section 3): a session or
# ticket received under one SNI name and offered under another (or without
# SNI) gets a full handshake, not an error; under its own name it resumes.
# TLS 1.2 and 1.3, stateless and stateful (--no-tickets) modes, built-in
# cache and shared-memory store; clients: openssl s_client (-sess_out,
# -sess_in), Node (session option). gnutls-cli cannot change its SNI
# between the connections of --resume; the unit tests (resume_name) cover
# the remaining combinations.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if ! command -v openssl >/dev/null; then
    echo "SKIP: openssl not installed"
    exit 0
fi

SERVER_ARGS=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
    --json --echo)

# s_client_run NAME SNI SESS_IN SESS_OUT VERSION: one s_client connection
# (SNI "-" for none); sets GOT to New or Reused.
s_client_run() {
    local name=$1 sni=$2 sin=$3 sout=$4 v=$5 args=()
    if [ "$sni" = - ]; then args+=(-noservername); else
        args+=(-servername "$sni"); fi
    [ -n "$sin" ] && args+=(-sess_in "$sin")
    [ -n "$sout" ] && args+=(-sess_out "$sout")
    run_s_client "$name" "ping-$name" "-tls1_$v" -CAfile "$CERTS/ca.pem" \
        "${args[@]}"
    assert_status "$name s_client" 0 "$STATUS"
    GOT=$(grep -oE '^(New|Reused), TLSv1\.[23]' <<<"$OUT" | head -n1 |
        cut -d, -f1)
}

# expect WHAT NEW|REUSED NAME SNI SESS_IN SESS_OUT VERSION
expect() {
    local what=$1 want=$2
    shift 2
    s_client_run "$@"
    assert_eq "$what" "$want" "$GOT"
}

for store in cache shm; do
    store_args=()
    [ "$store" = shm ] && store_args=(--session-store shm)
    for mode in stateless stateful; do
        mode_args=()
        [ "$mode" = stateful ] && mode_args=(--no-tickets)
        start_petls_server "srv-$store-$mode" "${SERVER_ARGS[@]}" \
            "${mode_args[@]}" "${store_args[@]}"
        for v in 2 3; do
            name=$store-$mode-tls1$v
            section "$name: s_client -servername localhost, then other.example"
            sess=$TMP/$name.sess
            sess_none=$TMP/$name-none.sess
            expect "$name first" New "$name-1" localhost "" "$sess" "$v"
            expect "$name other.example" New "$name-2" other.example "$sess" "" "$v"
            expect "$name no SNI" New "$name-3" - "$sess" "" "$v"
            expect "$name localhost again" Reused "$name-4" localhost "$sess" "" "$v"
            expect "$name LOCALHOST (case)" Reused "$name-5" LOCALHOST "$sess" "" "$v"
            # A session made without SNI does not resume under a name.
            expect "$name first without SNI" New "$name-6" - "" "$sess_none" "$v"
            expect "$name no-SNI session at localhost" New "$name-7" localhost "$sess_none" "" "$v"
            expect "$name no-SNI session without SNI" Reused "$name-8" - "$sess_none" "" "$v"
        done
        # The server's JSON agrees: 8 handshakes per version.
        wait_for_lines "$TMP/srv-$store-$mode.out" 16 || true
        assert_eq "$store-$mode server resumed flags" \
            "false false false true true false false true false false false true true false false true" \
            "$(jq -r 'select(.event == "handshake") | .resumed' \
                "$TMP/srv-$store-$mode.out" | tr '\n' ' ' | sed 's/ $//')"
        stop_bg "$SERVER_PID"
    done
done

if command -v node >/dev/null; then
    for mode in stateless stateful; do
        mode_args=()
        [ "$mode" = stateful ] && mode_args=(--no-tickets)
        start_petls_server "node-$mode" "${SERVER_ARGS[@]}" "${mode_args[@]}"
        for v in TLSv1.3 TLSv1.2; do
            name=node-$mode-$v
            section "$name: Node client localhost, other.petls.test, localhost"
            run_capture "$name" node "$NODE_DIR/resume_client.js" \
                --port "$PORT" --ca "$CERTS/ca.pem" --max-version "$v" \
                --min-version "$v" --reconnect 2 --offer-first \
                --servernames localhost,other.petls.test,localhost
            assert_status "$name node" 0 "$STATUS"
            assert_eq "$name isSessionReused" "false false true" \
                "$(jq -r .reused <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
        done
        stop_bg "$SERVER_PID"
    done
else
    echo "note: node not installed, Node client part skipped"
fi
