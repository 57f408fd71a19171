#!/bin/bash
# The NSS key log decrypts a real capture. dumpcap captures the loopback
# traffic of a petls server (--keylog FILE) and petls clients (one through
# SSLKEYLOGFILE, one through --keylog), TLS 1.3 and TLS 1.2; tshark then
# decrypts the capture with the server's key log and finds each client's
# message, and without the log finds nothing. Capturing on lo needs root
# or dumpcap's capture capabilities (CI runs as root).
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

command -v tshark >/dev/null && command -v dumpcap >/dev/null || {
    echo "tshark is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
}
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

start_petls_server srv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --keylog "$TMP/server.keys" --echo

section "capture"
# dumpcap (tshark's capture engine) starts fast even on a loaded machine;
# tshark itself only reads the file afterwards.
start_bg dumpcap dumpcap -q -i lo -f "tcp port $PORT" -w "$TMP/cap.pcap"
DUMPCAP_PID=$BG_PID
if ! wait_match_or_exit "$TMP/dumpcap.err" "Capturing on" "$DUMPCAP_PID" 30; then
    echo "dumpcap cannot capture on lo here:" >&2
    sed 's/^/    | /' "$TMP/dumpcap.err" >&2
    exit 1
fi
# The message comes once the interface is open; a moment more so that no
# ClientHello is missed (TLS 1.3 cannot be decrypted without it).
sleep 1
M13="keylog-marker-tls13-$$"
M12="keylog-marker-tls12-$$"
STATUS=0
SSLKEYLOGFILE=$TMP/client13.keys timeout "$FG_LIMIT" "$PETLS" client \
    --ca "$CERTS/ca.pem" --servername localhost --max-version TLSv1.3 \
    --send "$M13" "127.0.0.1:$PORT" >"$TMP/c13.out" 2>&1 || STATUS=$?
assert_status "TLS 1.3 client" 0 "$STATUS"
assert_line "TLS 1.3 echo" "$(cat "$TMP/c13.out")" "$M13"
run_petls_client c12 --ca "$CERTS/ca.pem" --servername localhost \
    --max-version TLSv1.2 --keylog "$TMP/client12.keys" --send "$M12" \
    "127.0.0.1:$PORT"
assert_status "TLS 1.2 client" 0 "$STATUS"
assert_line "TLS 1.2 echo" "$OUT" "$M12"
sleep 1 # let the last packets reach the capture file
kill -INT "$DUMPCAP_PID"
wait "$DUMPCAP_PID" || true

section "the key logs"
S=$(cat "$TMP/server.keys")
for label in CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET \
    CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0; do
    assert_eq "server $label lines" 1 \
        "$(grep -c "^$label [0-9a-f]\{64\} [0-9a-f]\{64,96\}$" <<<"$S")"
done
assert_eq "server CLIENT_RANDOM lines" 1 \
    "$(grep -c '^CLIENT_RANDOM [0-9a-f]\{64\} [0-9a-f]\{96\}$' <<<"$S")"
# Each client logged the same secrets as the server, through
# SSLKEYLOGFILE (TLS 1.3) and --keylog (TLS 1.2).
assert_eq "TLS 1.3 client log = server's TLS 1.3 lines" \
    "$(grep -v '^CLIENT_RANDOM' <<<"$S" | sort)" \
    "$(sort "$TMP/client13.keys")"
assert_eq "TLS 1.2 client log = server's TLS 1.2 line" \
    "$(grep '^CLIENT_RANDOM' <<<"$S")" "$(cat "$TMP/client12.keys")"

section "tshark decrypts with the log, and only with it"
DEC=$(tshark -r "$TMP/cap.pcap" -o "tls.keylog_file:$TMP/server.keys" \
    -Y data -T fields -e data.data 2>/dev/null)
assert_line "decrypted TLS 1.3 data" "$DEC" "$(hex "$M13")"
assert_line "decrypted TLS 1.2 data" "$DEC" "$(hex "$M12")"
RAW=$(tshark -r "$TMP/cap.pcap" -Y data -T fields -e data.data 2>/dev/null)
assert_not_contains "without the log" "$RAW" "$(hex "$M13")"
assert_not_contains "without the log" "$RAW" "$(hex "$M12")"
