#!/bin/bash
# Resumption with `gnutls-cli --resume` against petls server: TLS 1.2 and
# TLS 1.3 (--waitresumption: GnuTLS waits for the ticket that follows the
# handshake), in stateless and stateful (--no-tickets) modes. GnuTLS must
# say "This is a resumed session" and the server's JSON must agree.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if ! command -v gnutls-cli >/dev/null; then
    echo "SKIP: gnutls-cli not installed"
    exit 0
fi


for mode in stateless stateful; do
    mode_args=()
    [ "$mode" = stateful ] && mode_args=(--no-tickets)
    start_petls_server "srv-$mode" --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --json "${mode_args[@]}"
    n=1
    for v in 13 12; do
        name=$mode-tls$v
        prio=NORMAL:-VERS-ALL:+VERS-TLS1.${v#1}
        section "$name: gnutls-cli --resume"
        run_capture "$name" gnutls-cli --port "$PORT" \
            --x509cafile "$CERTS/ca.pem" --sni-hostname localhost \
            --verify-hostname localhost --priority "$prio" --resume \
            --waitresumption 127.0.0.1
        assert_status "$name gnutls-cli" 0 "$STATUS"
        assert_line "$name gnutls-cli" "$OUT" "- Resume Handshake was completed"
        assert_line "$name gnutls-cli" "$OUT" "*** This is a resumed session"
        first=$(server_event "srv-$mode" "$n")
        second=$(server_event "srv-$mode" $((n + 1)))
        assert_json "$name server first" "$first" resumed false
        assert_json "$name server second" "$second" resumed true
        assert_json "$name server second" "$second" version "TLSv1.${v#1}"
        n=$((n + 2))
    done
    stop_bg "$SERVER_PID"
done
