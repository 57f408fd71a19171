#!/bin/bash
# petls server reloads its certificates and keys on SIGHUP (issue 13 item
# 5): the files behind --cert/--key are replaced, SIGHUP is sent, and the
# next openssl s_client sees the new certificate (its SHA-256 fingerprint)
# while a connection made before the reload keeps echoing. A file that does
# not load (not a certificate, a key of another certificate, missing) is
# logged with the reason and the old certificate keeps being served. With
# --workers, every worker reloads.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

LIVE_CERT=$TMP/live.pem
LIVE_KEY=$TMP/live.key

# use NAME: the files the server reads become server-NAME's.
use() {
    cp "$CERTS/server-$1.pem" "$LIVE_CERT"
    cp "$CERTS/server-$1.key" "$LIVE_KEY"
}

fingerprint_of() {
    openssl x509 -noout -fingerprint -sha256 -in "$1" | sed 's/^.*=//'
}
FP_ECDSA=$(fingerprint_of "$CERTS/server-ecdsa.pem")
FP_RSA=$(fingerprint_of "$CERTS/server-rsa.pem")

# served_fp NAME: sets FP to the fingerprint of the certificate a new
# s_client gets (verified against the test CA, which must succeed).
served_fp() {
    run_s_client "$1" "ping-$1" -servername localhost -CAfile "$CERTS/ca.pem"
    CHECKS=$((CHECKS + 1))
    if grep -q '^ *Verify return code: 0 (ok)' <<<"$OUT"; then
        pass "$1: verified"
    else
        fail "$1: not verified"
        show_text "$OUT"
    fi
    FP=$(printf '%s\n' "$OUT" | openssl x509 -noout -fingerprint -sha256 \
        2>/dev/null | sed 's/^.*=//')
}

# expect_fp NAME FINGERPRINT: a new connection is served that certificate.
expect_fp() {
    served_fp "$1"
    assert_eq "$1: served certificate" "$2" "$FP"
}

# The petls process itself: SERVER_PID is the `timeout` around it, which
# forwards only the first SIGHUP it gets.
petls_pid() {
    pgrep -P "$SERVER_PID" | head -n1
}

# hup_wait N REGEX: SIGHUP to the server, then waits for its stderr to hold N
# lines matching REGEX.
hup_wait() {
    local n=$1 re=$2
    kill -HUP "$(petls_pid)"
    local deadline=$((SECONDS + 10))
    while [ "$(grep -cE -- "$re" "$TMP/srv.err")" -lt "$n" ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            return 1
        fi
        sleep 0.05
    done
}

# reload_ok N NAME: SIGHUP, N-th success line.
reload_ok() {
    CHECKS=$((CHECKS + 1))
    if hup_wait "$1" '^reloaded certificates and keys$'; then
        pass "$2: reloaded"
    else
        fail "$2: no 'reloaded certificates and keys' line"
        show_text "$(cat "$TMP/srv.err")"
    fi
}

# reload_bad N NAME TEXT: SIGHUP, N-th refusal; its line names the
# option and TEXT (the files and the reason), and says the old files are
# still served.
reload_bad() {
    local n=$1 name=$2 text=$3
    CHECKS=$((CHECKS + 1))
    if hup_wait "$n" '^petls: server: reload: '; then
        pass "$name: refusal logged"
    else
        fail "$name: no refusal line"
    fi
    local line
    line=$(grep -E '^petls: server: reload: ' "$TMP/srv.err" | sed -n "${n}p")
    assert_contains "$name line" "$line" \
        "petls: server: reload: --cert/--key: $text"
    assert_contains "$name line" "$line" \
        "(still serving with the previous configuration)"
}

section "one process: ECDSA -> RSA, bad files keep RSA, back to ECDSA"
use ecdsa
start_petls_server srv --cert "$LIVE_CERT" --key "$LIVE_KEY" --echo --json
expect_fp before "$FP_ECDSA"

# A connection made before the reload, kept open across it.
mkfifo "$TMP/long.stdin"
fresh_logs long
timeout "$FG_LIMIT" stdbuf -o0 openssl s_client -connect "127.0.0.1:$PORT" \
    -servername localhost -CAfile "$CERTS/ca.pem" \
    <"$TMP/long.stdin" >"$TMP/long.out" 2>"$TMP/long.err" &
long_pid=$!
exec 8>"$TMP/long.stdin"
wait_match_or_exit "$TMP/long.out" '^ *Verify return code:' "$long_pid" 10 || true
printf 'before-reload\n' >&8
CHECKS=$((CHECKS + 1))
if wait_for_file_line "$TMP/long.out" before-reload "$ECHO_LIMIT"; then
    pass "long connection echoes before the reload"
else
    fail "long connection: no echo before the reload"
fi

use rsa
reload_ok 1 "to RSA"
expect_fp after-rsa "$FP_RSA"

printf 'after-reload\n' >&8
CHECKS=$((CHECKS + 1))
if wait_for_file_line "$TMP/long.out" after-reload "$ECHO_LIMIT"; then
    pass "the connection made before the reload still echoes"
else
    fail "long connection: no echo after the reload"
fi
exec 8>&-
wait "$long_pid" || true
assert_eq "long connection: its certificate" "$FP_ECDSA" \
    "$(openssl x509 -noout -fingerprint -sha256 <"$TMP/long.out" 2>/dev/null | sed 's/^.*=//')"

echo "not a certificate" >"$LIVE_CERT"
reload_bad 1 "garbage certificate" "cert file $LIVE_CERT, key file $LIVE_KEY: cannot parse the certificate"
expect_fp garbage "$FP_RSA"

cp "$CERTS/server-ecdsa.pem" "$LIVE_CERT" # the RSA key stays
reload_bad 2 "key of another certificate" "cert file $LIVE_CERT, key file $LIVE_KEY: private key does not match the certificate"
expect_fp mismatch "$FP_RSA"

rm -f "$LIVE_CERT"
reload_bad 3 "missing certificate" "cert file $LIVE_CERT: No such file or directory"
expect_fp missing "$FP_RSA"

use ecdsa
reload_ok 2 "back to ECDSA"
expect_fp back "$FP_ECDSA"
# Every connection above was a served handshake (none failed).
wait_for_lines "$TMP/srv.out" 7 || true
assert_eq "server handshakes" 7 "$(grep -c '"event":"handshake"' "$TMP/srv.out")"
assert_not_contains "server stdout" "$(cat "$TMP/srv.out")" "handshake_failed"
stop_bg "$SERVER_PID"

section "--workers 2: every worker reloads"
use ecdsa
start_petls_server srv --cert "$LIVE_CERT" --key "$LIVE_KEY" --echo \
    --workers 2
use rsa
reload_ok 2 "workers to RSA"
for i in 1 2 3 4; do
    expect_fp "w$i" "$FP_RSA"
done
stop_bg "$SERVER_PID"
