#!/usr/bin/env bash
# Demonstrates petls end to end: throwaway certificates, `petls server --echo`
# on an ephemeral port, and `petls client` over TLS 1.2 and TLS 1.3.
#
#   scripts/demo.sh BUILD_DIR
#
# Exits non-zero if anything fails. Everything it creates lives in a temporary
# directory that is removed on exit.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
PETLS="$1/tools/petls"
if [ ! -x "$PETLS" ]; then
    echo "demo: $PETLS not found; build first (cmake --build $1)" >&2
    exit 1
fi
command -v openssl >/dev/null || { echo "demo: openssl is needed" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/petls-demo.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }

step "Generating a throwaway CA and an ECDSA server certificate for localhost"
(
    cd "$WORK"
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
    openssl req -x509 -new -key ca.key -sha256 -days 2 -subj "/CN=petls Demo CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
    openssl ecparam -name prime256v1 -genkey -noout -out server.key 2>/dev/null
    openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
    printf '%s\n' \
        "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" \
        "subjectAltName=DNS:localhost,IP:127.0.0.1" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -days 2 -sha256 -extfile server.ext -out server.pem 2>/dev/null
)
echo "certificates in $WORK"

step "Starting petls server --echo on 127.0.0.1 (ephemeral port)"
"$PETLS" server --listen 127.0.0.1:0 --echo \
    --cert "$WORK/server.pem" --key "$WORK/server.key" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!

PORT=""
for _ in $(seq 1 100); do
    PORT="$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' \
        "$WORK/server.err")"
    [ -n "$PORT" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "demo: the server exited:" >&2
        cat "$WORK/server.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$PORT" ]; then
    echo "demo: the server did not start listening" >&2
    cat "$WORK/server.err" >&2
    exit 1
fi
echo "server listening on 127.0.0.1:$PORT"

run_client() {
    local version="$1" message="$2"
    step "petls client, $version"
    local out
    out="$("$PETLS" client "localhost:$PORT" --ca "$WORK/ca.pem" \
        --min-version "$version" --max-version "$version" \
        --send "$message" --idle 1)"
    printf '%s\n' "$out"
    if ! printf '%s\n' "$out" | grep -q "^New, $version, Cipher is "; then
        echo "demo: $version was not negotiated" >&2
        exit 1
    fi
    if ! printf '%s\n' "$out" | grep -qx "Verification: OK"; then
        echo "demo: the server certificate did not verify" >&2
        exit 1
    fi
    if ! printf '%s\n' "$out" | grep -qxF "$message"; then
        echo "demo: the echo did not come back" >&2
        exit 1
    fi
}

run_client TLSv1.2 "hello over TLS 1.2"
run_client TLSv1.3 "hello over TLS 1.3"

step "What the server saw"
cat "$WORK/server.out"
if [ "$(grep -c '^ACCEPT ' "$WORK/server.out")" -ne 2 ]; then
    echo "demo: the server did not log two handshakes" >&2
    exit 1
fi

step "Demo passed"
