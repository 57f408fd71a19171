#!/bin/bash
# The default trust store (src/core/ca_default.c, port/posix/ca_default_posix.c):
# petls client without --ca against openssl s_server, with the CA only in
# SSL_CERT_FILE, only in an SSL_CERT_DIR, only in a temporary copy of the
# system bundle; the message when no CA was configured or found; --ca
# replacing the default store. The real system store is never changed.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

start_openssl_server srv -cert "$CERTS/server-ecdsa.pem" \
    -key "$CERTS/server-ecdsa.key" -cert_chain "$CERTS/inter.pem" -www

# client NAME ENV... -- ARGS...: petls client to s_server with exactly the
# environment given (env -i: the machine's SSL_CERT_* must not leak in).
client() {
    local name=$1
    shift
    local envs=()
    while [ "$1" != "--" ]; do
        envs+=("$1")
        shift
    done
    shift
    run_capture "$name" env -i "PATH=$PATH" "${envs[@]}" "$PETLS" client \
        "127.0.0.1:$PORT" --servername localhost --idle 0.5 \
        --send $'GET / HTTP/1.0\r\n\r\n' "$@"
}

section "SSL_CERT_FILE"
client file "SSL_CERT_FILE=$CERTS/ca.pem" --
assert_status "file" 0 "$STATUS"
assert_line "file" "$OUT" "Verification: OK"
assert_line "file s_server" "$(printf '%s\n' "$OUT" | tr -d '\r')" "HTTP/1.0 200 ok"

section "SSL_CERT_DIR (hashed names, as openssl rehash makes them)"
mkdir -p "$TMP/certdir"
cp "$CERTS/ca.pem" "$TMP/certdir/test-ca.pem"
openssl rehash "$TMP/certdir"
client dir "SSL_CERT_DIR=/nonexistent:$TMP/certdir" --
assert_status "dir" 0 "$STATUS"
assert_line "dir" "$OUT" "Verification: OK"
# Only the hashed names count: the same CA under another name is ignored.
mkdir -p "$TMP/plaindir"
cp "$CERTS/ca.pem" "$TMP/plaindir/test-ca.pem"
client plaindir "SSL_CERT_DIR=$TMP/plaindir" --
assert_status "plaindir" 1 "$STATUS"
assert_contains "plaindir" "$ERR" "(no CA certificates: SSL_CERT_DIR $TMP/plaindir: no certificates found;"

section "a temporary copy of the system store with the test CA added"
sys=""
for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt \
    /etc/ssl/cert.pem; do
    if [ -r "$f" ]; then
        sys=$f
        break
    fi
done
if [ -n "$sys" ]; then
    cat "$sys" "$CERTS/ca.pem" >"$TMP/system-plus-test.pem"
    client sysfile "SSL_CERT_FILE=$TMP/system-plus-test.pem" --
    assert_status "sysfile" 0 "$STATUS"
    assert_line "sysfile" "$OUT" "Verification: OK"
    # The system store alone does not know the test CA: a plain
    # verification error, without the no-CA hint (a store was loaded).
    client sysonly "SSL_CERT_FILE=$sys" --
    assert_status "sysonly" 1 "$STATUS"
    assert_contains "sysonly" "$ERR" "certificate verification failed: UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
    assert_not_contains "sysonly" "$ERR" "no CA certificates"
    # No variable at all: the platform bundle is found by itself.
    client platform --
    assert_status "platform" 1 "$STATUS"
    assert_contains "platform" "$ERR" "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
    assert_not_contains "platform" "$ERR" "no CA certificates"
else
    echo "note: no system CA bundle on this machine; its cases skipped"
fi

section "no CA configured or found: the message says so and how to fix it"
client missing "SSL_CERT_FILE=$TMP/missing.pem" --
assert_status "missing" 1 "$STATUS"
assert_contains "missing" "$ERR" "petls: client: certificate verification failed: UNABLE_TO_GET_ISSUER_CERT_LOCALLY: unable to get local issuer certificate (no CA certificates: SSL_CERT_FILE $TMP/missing.pem: No such file or directory; set SSL_CERT_FILE or SSL_CERT_DIR, or give the CA with petls_config_set_ca_file())"
assert_contains "missing" "$ERR" "--ca FILE"

section "--ca replaces the default store"
client ca-wins "SSL_CERT_FILE=$CERTS/ca.pem" -- --ca "$CERTS/other-ca.pem"
assert_status "ca-wins" 1 "$STATUS"
assert_contains "ca-wins" "$ERR" "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
assert_not_contains "ca-wins" "$ERR" "no CA certificates"
client ca-ok "SSL_CERT_FILE=$TMP/missing.pem" -- --ca "$CERTS/ca.pem"
assert_status "ca-ok" 0 "$STATUS"
assert_line "ca-ok" "$OUT" "Verification: OK"
stop_bg "$SERVER_PID"
