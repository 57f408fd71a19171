#!/bin/bash
# petls server against `gnutls-cli`: ECDSA and RSA certificates, TLS 1.2 and
# 1.3 pinned through GnuTLS priority strings, certificate and host name
# verification by GnuTLS, an echo round trip, and the server's JSON report.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# handshake_ok NAME PRIORITY GNUTLS_VERSION GNUTLS_CIPHER VERSION CIPHER N
handshake_ok() {
    local name=$1 prio=$2 gver=$3 gcipher=$4 version=$5 cipher=$6 n=$7
    local data="ping-$name"
    run_gnutls_cli "$name" "$data" --x509cafile "$CERTS/ca.pem" \
        --sni-hostname localhost --verify-hostname localhost \
        --priority "$prio"
    assert_status "$name gnutls-cli" 0 "$STATUS"
    assert_line "$name gnutls-cli" "$OUT" "- Status: The certificate is trusted. "
    assert_line "$name gnutls-cli" "$OUT" "- Handshake was completed"
    local desc
    desc=$(printf '%s\n' "$OUT" | sed -n 's/^- Description: //p')
    assert_eq "$name version" "($gver-X.509)" "${desc%%-(*}"
    assert_eq "$name cipher" "($gcipher)" "${desc##*)-}"
    assert_line "$name echo" "$OUT" "$data"
    local ev
    ev=$(server_event srv "$n")
    assert_json "$name server" "$ev" event handshake
    assert_json "$name server" "$ev" version "$version"
    assert_json "$name server" "$ev" cipher "$cipher"
    assert_json "$name server" "$ev" servername localhost
}

V13=NORMAL:-VERS-ALL:+VERS-TLS1.3
V12=NORMAL:-VERS-ALL:+VERS-TLS1.2

section "server-ecdsa.pem"
start_petls_server srv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json --echo
handshake_ok ecdsa-tls13 "$V13:-CIPHER-ALL:+AES-128-GCM" TLS1.3 AES-128-GCM \
    TLSv1.3 TLS_AES_128_GCM_SHA256 1
handshake_ok ecdsa-tls12 "$V12:-CIPHER-ALL:+AES-128-GCM" TLS1.2 AES-128-GCM \
    TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 2
stop_bg "$SERVER_PID"

section "server-rsa.pem"
start_petls_server srv --cert "$CERTS/server-rsa.pem" \
    --key "$CERTS/server-rsa.key" --json --echo
handshake_ok rsa-tls13 "$V13:-CIPHER-ALL:+AES-256-GCM" TLS1.3 AES-256-GCM \
    TLSv1.3 TLS_AES_256_GCM_SHA384 1
handshake_ok rsa-tls12 "$V12:-CIPHER-ALL:+AES-256-GCM:-KX-ALL:+ECDHE-RSA" \
    TLS1.2 AES-256-GCM TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 2

section "GnuTLS rejects a server name the certificate does not cover"
run_gnutls_cli wrongname "" --x509cafile "$CERTS/ca.pem" \
    --sni-hostname other.example --verify-hostname other.example \
    --priority "$V13"
assert_status "wrongname gnutls-cli" 1 "$STATUS"
assert_contains "wrongname gnutls-cli" "$OUT" "The certificate is NOT trusted. The name in the certificate does not match the expected."
# The server still serves the next client.
handshake_ok rsa-after "$V13:-CIPHER-ALL:+AES-128-GCM" TLS1.3 AES-128-GCM \
    TLSv1.3 TLS_AES_128_GCM_SHA256 4
