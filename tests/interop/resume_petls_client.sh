#!/bin/bash
# petls client resuming against `openssl s_server`, TLS 1.2 and 1.3: with
# --reconnect (one New line, then Reused lines, as s_client -reconnect) and
# with --sess-out / --sess-in across two separate runs of the tool.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/resume_client.sh
source "$(dirname "$0")/lib/resume_client.sh"

if ! command -v openssl >/dev/null; then
    echo "SKIP: openssl not installed"
    exit 0
fi

for v in TLSv1.3 TLSv1.2; do
    section "openssl s_server -www, $v"
    start_openssl_server "ossl-$v" -cert "$CERTS/server-ecdsa.pem" \
        -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -www
    reconnect_ok "ossl-$v" "$v"
    sess_files_ok "ossl-$v-file" "$v"
    stop_bg "$SERVER_PID"
done
