#!/bin/bash
# External PSKs against GnuTLS: gnutls-cli --pskusername/--pskkey against a
# certificate-less petls server (TLS 1.2 PSK; TLS 1.3
# psk_dhe_ke by default, and psk_ke only with --tls13-psk-ke), and the
# petls client against gnutls-serv --pskpasswd, both versions.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

KEY=00112233445566778899aabbccddeeff
TLS13=NORMAL:-VERS-ALL:+VERS-TLS1.3
TLS12=NORMAL:-VERS-ALL:+VERS-TLS1.2

# gnutls_psk NAME PRIORITY: gnutls-cli as alice against $PORT.
gnutls_psk() {
    run_gnutls_cli "$1" "ping-$1" --pskusername alice --pskkey "$KEY" \
        --priority "$2"
}

section "petls server: psk_dhe_ke only by default"
start_petls_server srv --psk "alice:$KEY" --json --echo
gnutls_psk dhe13 "$TLS13:-KX-ALL:+ECDHE-PSK"
assert_status "dhe13 gnutls-cli" 0 "$STATUS"
assert_line "dhe13 echo" "$OUT" "ping-dhe13"
ev=$(server_event srv 1)
assert_json "dhe13 server" "$ev" version TLSv1.3
assert_json "dhe13 server" "$ev" psk_identity alice

# A client offering only psk_ke (no (EC)DHE) is refused.
gnutls_psk ke13 "$TLS13:-KX-ALL:+PSK"
assert_status "ke13 gnutls-cli" 1 "$STATUS"
assert_contains "ke13 gnutls-cli" "$OUT$ERR" "Received alert [40]"
ev=$(server_event srv 2)
assert_json "ke13 server" "$ev" event handshake_failed
assert_json "ke13 server" "$ev" error \
    "handshake: PSK identity 'alice' is known but no key exchange mode the client offered is allowed (psk_ke without (EC)DHE needs petls_config_set_tls13_psk_ke), and there is no certificate to fall back on (sent alert handshake_failure)"

# (Not TLS 1.2 ECDHE-PSK: gnutls-cli 3.7.9 crashes in it, against
# openssl s_server too; psk_openssl.sh and psk_sni_node.sh cover it.)
gnutls_psk plain12 "$TLS12:-KX-ALL:+PSK"
assert_status "plain12 gnutls-cli" 0 "$STATUS"
ev=$(server_event srv 3)
assert_json "plain12 server" "$ev" version TLSv1.2
assert_contains "plain12 server" "$(json_field "$ev" cipher)" "PSK-"
assert_not_contains "plain12 server" "$(json_field "$ev" cipher)" "DHE-PSK"
assert_json "plain12 server" "$ev" psk_identity alice
stop_bg "$SERVER_PID"

section "petls server --tls13-psk-ke"
start_petls_server ke --psk "alice:$KEY" --tls13-psk-ke --json --echo
gnutls_psk ke13on "$TLS13:-KX-ALL:+PSK"
assert_status "ke13on gnutls-cli" 0 "$STATUS"
assert_line "ke13on echo" "$OUT" "ping-ke13on"
ev=$(server_event ke 1)
assert_json "ke13on server" "$ev" version TLSv1.3
assert_json "ke13on server" "$ev" psk_identity alice
# psk_dhe_ke still comes first when the client offers it.
gnutls_psk dhe13on "$TLS13:-KX-ALL:+ECDHE-PSK"
assert_status "dhe13on gnutls-cli" 0 "$STATUS"
stop_bg "$SERVER_PID"

section "petls client against gnutls-serv --pskpasswd"
printf 'alice:%s\n' "$KEY" >"$TMP/psk.passwd"
start_gnutls_server gsrv --pskpasswd "$TMP/psk.passwd" --echo \
    --priority "NORMAL:+ECDHE-PSK:+PSK"
for v in TLSv1.3 TLSv1.2; do
    run_petls_client "cli$v" "127.0.0.1:$PORT" --psk "alice:$KEY" --insecure \
        --min-version $v --max-version $v --json --idle 2 --send "ping-$v"$'\n'
    assert_status "cli$v petls client" 0 "$STATUS"
    ev=$(printf '%s\n' "$OUT" | grep '^{"event"' | head -n1)
    assert_json "cli$v client" "$ev" version $v
    assert_json "cli$v client" "$ev" psk_identity alice
    assert_json "cli$v client" "$ev" authorized true
    assert_contains "cli$v echo" "$OUT" "ping-$v"
done
stop_bg "$SERVER_PID"
