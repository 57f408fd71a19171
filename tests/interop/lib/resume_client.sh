# shellcheck shell=bash
# Helpers for the petls-client resumption tests (sourced after common.sh).
# Both expect PORT to be set to the server under test.

CA=(--ca "$CERTS/ca.pem")

# reconnect_ok NAME VERSION: petls client --reconnect 3 to $PORT.
reconnect_ok() {
    local name=$1 v=$2
    run_petls_client "$name" "127.0.0.1:$PORT" --servername localhost \
        "${CA[@]}" --min-version "$v" --max-version "$v" --reconnect 3 \
        --session-wait 0.5
    assert_status "$name petls client" 0 "$STATUS"
    assert_eq "$name New lines" 1 "$(grep -c "^New, $v, " <<<"$OUT")"
    assert_eq "$name Reused lines" 3 "$(grep -c "^Reused, $v, " <<<"$OUT")"
    # Resumed connections keep the full handshake's verification result
    # and peer certificate.
    assert_eq "$name Verification: OK lines" 4 \
        "$(grep -c '^Verification: OK$' <<<"$OUT")"
    assert_eq "$name peer subject lines" 4 \
        "$(grep -c '^Peer subject: CN=localhost$' <<<"$OUT")"
}

# sess_files_ok NAME VERSION: --sess-out in one run, --sess-in in the next.
sess_files_ok() {
    local name=$1 v=$2 sess=$TMP/$1.sess
    run_petls_client "$name-out" "127.0.0.1:$PORT" --servername localhost \
        "${CA[@]}" --min-version "$v" --max-version "$v" --sess-out "$sess"
    assert_status "$name --sess-out" 0 "$STATUS"
    assert_line "$name --sess-out" "$(head -n1 <<<"$OUT" | cut -d, -f1)" New
    CHECKS=$((CHECKS + 1))
    if [ -s "$sess" ] && [ "$(stat -c %a "$sess")" = 600 ]; then
        pass "$name: session file written, mode 600"
    else
        fail "$name: session file missing or not mode 600"
    fi
    run_petls_client "$name-in" "127.0.0.1:$PORT" --servername localhost \
        "${CA[@]}" --min-version "$v" --max-version "$v" --sess-in "$sess"
    assert_status "$name --sess-in" 0 "$STATUS"
    assert_eq "$name --sess-in" "Reused, $v" "$(head -n1 <<<"$OUT" | cut -d, -f1-2)"
}
