#!/bin/bash
# petls client as a first-day user meets it: the text summary (protocol,
# cipher, verification, server name, ALPN, subject, issuer, expiry, server
# temp key; ALPN
# agreed in client_summary_alpn.sh), the
# interactive mode (stdin sent as it comes, the server's data printed as it
# arrives; a second line is typed only after the first one's echo came
# back), --send - streaming the same way and reading on after EOF, the
# client's short handshake timeout on a silent port, and --connect-timeout.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

expires=$(date -u -d "$(openssl x509 -in "$CERTS/server-ecdsa.pem" -noout -enddate |
    sed 's/^notAfter=//')" '+%Y-%m-%d %H:%M:%S UTC')

section "the summary against openssl s_server"
start_openssl_server summary -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -tls1_3 -www
run_petls_client summary "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
    --servername localhost
assert_status "summary" 0 "$STATUS"
assert_eq "summary line 1" "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384" \
    "$(sed -n 1p <<<"$OUT")"
assert_eq "summary line 2" "Verification: OK" "$(sed -n 2p <<<"$OUT")"
assert_eq "summary line 3" "Server name: localhost" "$(sed -n 3p <<<"$OUT")"
assert_eq "summary line 4" "ALPN protocol: (none)" "$(sed -n 4p <<<"$OUT")"
assert_eq "summary line 5" "Peer subject: CN=localhost" "$(sed -n 5p <<<"$OUT")"
assert_eq "summary line 6" "Peer issuer: CN=petls Test Intermediate CA" \
    "$(sed -n 6p <<<"$OUT")"
assert_eq "summary line 7" "Peer expires: $expires" "$(sed -n 7p <<<"$OUT")"
assert_eq "summary line 8" "Server Temp Key: ECDH, X25519, 253 bits" \
    "$(sed -n 8p <<<"$OUT")"
assert_eq "summary lines" 8 "$(wc -l <<<"$OUT")"
assert_eq "summary stderr" "" "$ERR"
stop_bg "$SERVER_PID"

# client_stdin NAME ARGS...: petls client to the echo server with its stdin
# on a FIFO held open as fd 7; stdout in $TMP/NAME.out. Sets CLIENT_PID.
client_stdin() {
    local name=$1
    shift
    rm -f "$TMP/$name.stdin"
    mkfifo "$TMP/$name.stdin"
    fresh_logs "$name"
    timeout "$FG_LIMIT" "$PETLS" client "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
        --servername localhost "$@" <"$TMP/$name.stdin" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    CLIENT_PID=$!
    exec 7>"$TMP/$name.stdin"
}

# type_and_expect NAME LINE: writes LINE to the client's stdin and waits for
# the server's echo of it on the client's stdout.
type_and_expect() {
    CHECKS=$((CHECKS + 1))
    printf '%s\n' "$2" >&7
    if wait_for_file_line "$TMP/$1.out" "$2" "$ECHO_LIMIT"; then
        pass "$1: '$2' echoed while stdin stays open"
    else
        fail "$1: no echo of '$2'"
        show_text "$(cat "$TMP/$1.out" "$TMP/$1.err")"
    fi
}

start_petls_server echo --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --echo

section "interactive (the default): line by line, EOF closes"
client_stdin inter
wait_for_file_line "$TMP/inter.out" "Verification: OK" 10 || true
type_and_expect inter "first line"
type_and_expect inter "second line"
exec 7>&-
STATUS=0
wait "$CLIENT_PID" || STATUS=$?
OUT=$(cat "$TMP/inter.out")
ERR=$(cat "$TMP/inter.err")
assert_status "interactive" 0 "$STATUS"
assert_eq "interactive output after the summary" $'first line\nsecond line' \
    "$(sed -n '9,$p' <<<"$OUT")"
assert_eq "interactive stderr" "" "$ERR"

section "--quiet: only the server's data"
client_stdin quiet --quiet
type_and_expect quiet "hello"
exec 7>&-
STATUS=0
wait "$CLIENT_PID" || STATUS=$?
assert_status "quiet" 0 "$STATUS"
assert_eq "quiet output" "hello" "$(cat "$TMP/quiet.out")"

section "--send -: streams stdin, then reads on until idle"
client_stdin stream --quiet --send - --idle 0.5
type_and_expect stream "streamed 1"
type_and_expect stream "streamed 2"
# The last line goes out with EOF right behind it: its echo still comes.
printf 'last\n' >&7
exec 7>&-
STATUS=0
wait "$CLIENT_PID" || STATUS=$?
assert_status "stream" 0 "$STATUS"
assert_eq "stream output" $'streamed 1\nstreamed 2\nlast' "$(cat "$TMP/stream.out")"
stop_bg "$SERVER_PID"

section "a silent port: --handshake-timeout, not 120 s"
# A listener that accepts and never speaks.
start_bg silent node -e 'const s = require("net").createServer(() => {});
s.listen(0, "127.0.0.1", () => console.log("listening on 127.0.0.1:" + s.address().port));'
_wait_listen silent "$BG_PID" "$TMP/silent.out" '^listening on 127\.0\.0\.1:[0-9]+$'
PORT=$(sed -nE 's/^listening on 127\.0\.0\.1:([0-9]+)$/\1/p' "$TMP/silent.out")
started=$SECONDS
run_petls_client silent "127.0.0.1:$PORT" --ca "$CERTS/ca.pem" \
    --servername localhost --handshake-timeout 1
assert_status "silent" 1 "$STATUS"
assert_eq "silent stderr" "petls: client: handshake timed out after 1000 ms" "$ERR"
CHECKS=$((CHECKS + 1))
if [ $((SECONDS - started)) -le 5 ]; then
    pass "silent: gave up within 5 s"
else
    fail "silent: took $((SECONDS - started)) s"
fi

section "the client's defaults in --help"
run_petls_client help --help
assert_line "help" "$OUT" "  --connect-timeout SECONDS    give up on the TCP connection after this long (default 10; 0: never)"
assert_line "help" "$OUT" "  --handshake-timeout SECONDS  give up on a handshake after this long (default: client 10, server 30; 0: never)"
run_petls_client badtimeout "127.0.0.1:$PORT" --connect-timeout soon
assert_status "badtimeout" 2 "$STATUS"
assert_eq "badtimeout stderr" "petls: client: --connect-timeout: 'soon' is not a number of seconds" "$ERR"
