#!/bin/bash
# Ticket key rotation through a key file and SIGHUP (petls server
# --ticket-keys): a ticket made under K1 still resumes once the file says
# "K2, K1" (K2 encrypts, K1 only decrypts) and, in TLS 1.3, the client comes
# away with a ticket under K2; once the file says "K2" alone, the K1 ticket
# gets a full handshake while the K2 one resumes. TLS 1.3 and TLS 1.2 tickets,
# with openssl s_client -sess_out / -sess_in. A broken key file keeps the
# keys in use.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

if ! command -v openssl >/dev/null; then
    echo "SKIP: openssl not installed"
    exit 0
fi

K1=$(openssl rand -hex 48)
K2=$(openssl rand -hex 48)
KEYS=$TMP/ticket.keys

# wait_reloads N: polls the server's stderr for N reload lines.
wait_reloads() {
    local deadline=$((SECONDS + 5))
    while [ "$(grep -c '^reloaded ticket keys$' "$TMP/srv.err")" -lt "$1" ]; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

# The petls process itself: SERVER_PID is the `timeout` around it, which
# forwards only the first SIGHUP it gets.
petls_pid() {
    pgrep -P "$SERVER_PID" | head -n1
}

hup() {
    kill -HUP "$(petls_pid)"
    CHECKS=$((CHECKS + 1))
    if wait_reloads "$1"; then pass "SIGHUP $1: keys reloaded"; else
        fail "SIGHUP $1: no 'reloaded ticket keys' line"
        show_text "$(cat "$TMP/srv.err")"
    fi
}

# s_client_resume NAME VERSION_FLAG SESS_IN SESS_OUT: prints New or Reused.
s_client_resume() {
    local name=$1 vflag=$2 in=$3 out=$4
    local args=("$vflag" -servername localhost -CAfile "$CERTS/ca.pem")
    [ -n "$in" ] && args+=(-sess_in "$in")
    [ -n "$out" ] && args+=(-sess_out "$out")
    run_s_client "$name" "ping-$name" "${args[@]}"
    grep -oE '^(New|Reused), ' <<<"$OUT" | head -n1 | cut -d, -f1
}

reloads=0
for v in tls1_3 tls1_2; do
    section "$v: K1 -> K2,K1 -> K2"
    printf '# petls ticket keys: first line encrypts\n%s\n' "$K1" >"$KEYS"
    start_petls_server srv --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --json --echo --ticket-keys "$KEYS"
    reloads=0
    s1=$TMP/$v-k1.sess s2=$TMP/$v-k2.sess
    assert_eq "$v first connection" New "$(s_client_resume "$v-1" "-$v" "" "$s1")"
    assert_eq "$v K1 ticket under K1" Reused \
        "$(s_client_resume "$v-2" "-$v" "$s1" "")"

    printf '%s\n%s\n' "$K2" "$K1" >"$KEYS"
    reloads=$((reloads + 1))
    hup "$reloads"
    assert_eq "$v K1 ticket under K2,K1" Reused \
        "$(s_client_resume "$v-3" "-$v" "$s1" "$s2")"

    # A broken file is refused and the keys in use stay.
    echo "not a key" >"$KEYS"
    kill -HUP "$(petls_pid)"
    CHECKS=$((CHECKS + 1))
    if wait_match_or_exit "$TMP/srv.err" '^petls: server: reload: --ticket-keys: ' \
        "$SERVER_PID" 5; then
        pass "$v: a broken key file is reported"
    else
        fail "$v: no error for a broken key file"
        show_text "$(cat "$TMP/srv.err")"
    fi
    assert_eq "$v K1 ticket after a failed reload" Reused \
        "$(s_client_resume "$v-4" "-$v" "$s1" "")"

    printf '%s\n' "$K2" >"$KEYS"
    reloads=$((reloads + 1))
    hup "$reloads"
    assert_eq "$v K1 ticket under K2 alone" New \
        "$(s_client_resume "$v-5" "-$v" "$s1" "$TMP/$v-new.sess")"
    if [ "$v" = tls1_3 ]; then
        # TLS 1.3: the resumption under K2,K1 brought fresh K2 tickets.
        assert_eq "$v re-issued ticket under K2 alone" Reused \
            "$(s_client_resume "$v-6" "-$v" "$s2" "")"
    else
        # TLS 1.2 keeps the ticket it resumed with (RFC 5077 allows both).
        assert_eq "$v K2 ticket from the full handshake" Reused \
            "$(s_client_resume "$v-6" "-$v" "$TMP/$v-new.sess" "")"
    fi
    # Each connection was served: the server's JSON agrees.
    wait_for_lines "$TMP/srv.out" 6 || true
    assert_eq "$v server resumed flags" "false true true true false true" \
        "$(jq -r .resumed "$TMP/srv.out" | tr '\n' ' ' | sed 's/ $//')"
    stop_bg "$SERVER_PID"
done
