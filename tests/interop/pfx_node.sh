#!/bin/bash
# PKCS#12 (Node's pfx + passphrase) on real peers, TLS 1.3 and 1.2: files
# made at test time by `openssl pkcs12 -export` (tests/certs/gen-pkcs12.sh)
# in OpenSSL 3's default mode (PBES2/AES-256-CBC, SHA-256 MAC), for an ECDSA
# key and in the PKCS#12 triple-DES mode. `petls server --pfx` serves
# openssl s_client and a Node client; a Node server given the same file
# serves `petls client`; the chain both clients see (SHA-256 fingerprints,
# leaf and intermediate from the file, then the root) is the same, and is
# that of the PEM files the pfx was made from; the same for -legacy (RC2-40
# certificates, triple-DES key, SHA-1 MAC) with s_client and petls client
# (Node 20's OpenSSL 3 refuses RC2 without its legacy provider). Then the
# CLI's failures: a wrong password, RC4, a truncated file.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

P12=$CERTS/p12
PASS=petls-test

fp() {
    openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/^.*=//'
}
# The expected chain: leaf, intermediate, root (the leaf PEM files hold
# leaf + intermediate).
expected() {
    local leaf inter
    leaf=$(fp "$CERTS/$1")
    inter=$(fp "$CERTS/inter.pem")
    printf '["%s","%s","%s"]' "$leaf" "$inter" "$(fp "$CERTS/ca.pem")"
}

# petls client --peer-cert's chain as a list of fingerprint256.
petls_chain() {
    jq -c '[recurse(.issuerCertificate // empty) | .fingerprint256]' <<<"$1"
}

for spec in default:server-rsa.pem ecdsa:server-ecdsa.pem \
    pbe-3des:server-ecdsa.pem; do
    name=${spec%%:*}
    want=$(expected "${spec#*:}")
    for v in TLSv1.3 TLSv1.2; do
        section "$name.p12, $v"
        # petls serves the pfx: openssl s_client and Node verify it.
        start_petls_server "srv-$name-$v" --pfx "$P12/$name.p12" \
            --pass "$PASS" --max-version "$v" --min-version "$v" --json --echo
        run_s_client "sc-$name-$v" "ping-$name" -servername localhost \
            -CAfile "$CERTS/ca.pem" -verify_return_error -verify_hostname localhost
        assert_status "$name $v s_client" 0 "$STATUS"
        assert_contains "$name $v s_client" "$OUT" "Verify return code: 0 (ok)"
        assert_contains "$name $v s_client" "$OUT" "New, $v, Cipher is"
        assert_contains "$name $v s_client echo" "$OUT" "ping-$name"
        run_capture "nc-$name-$v" node "$NODE_DIR/pfx.js" client "$PORT" \
            "$CERTS/ca.pem" "$v"
        assert_status "$name $v node client" 0 "$STATUS"
        assert_json "$name $v node client" "$OUT" protocol "$v"
        assert_json "$name $v node client" "$OUT" authorized true
        node_sees=$(jq -c .fingerprint256 <<<"$OUT" 2>/dev/null || echo '?')
        assert_eq "$name $v: chain Node sees from petls" "$want" "$node_sees"
        stop_bg "$SERVER_PID"

        # Node serves the same pfx: petls client sees the same chain.
        start_bg "ns-$name-$v" node "$NODE_DIR/pfx.js" server \
            "$P12/$name.p12" "$PASS" "$v"
        NODE_PID=$BG_PID
        _wait_listen "ns-$name-$v" "$NODE_PID" "$TMP/ns-$name-$v.out" \
            '^\{"event":"listening","port":[0-9]+\}$'
        PORT=$(sed -nE 's/^\{"event":"listening","port":([0-9]+)\}$/\1/p' \
            "$TMP/ns-$name-$v.out" | head -n1)
        run_petls_client "pc-$name-$v" "127.0.0.1:$PORT" \
            --servername localhost --ca "$CERTS/ca.pem" --max-version "$v" \
            --json --peer-cert
        assert_status "$name $v petls client" 0 "$STATUS"
        pline=$(grep '"event":"peer_certificate"' <<<"$OUT" || true)
        assert_eq "$name $v: chain petls sees from Node" "$want" \
            "$(petls_chain "$pline" 2>/dev/null || echo '?')"
        stop_bg "$NODE_PID"
    done
done

# -legacy: petls serves it to s_client; openssl s_server (with its legacy
# provider) serves the same file to petls client.
want=$(expected server-rsa.pem)
for v in TLSv1.3 TLSv1.2; do
    section "legacy.p12 (RC2-40, 3DES, SHA-1 MAC), $v"
    start_petls_server "srv-legacy-$v" --pfx "$P12/legacy.p12" \
        --pass "$PASS" --max-version "$v" --min-version "$v" --json --echo
    run_s_client "sc-legacy-$v" "ping-legacy" -servername localhost \
        -CAfile "$CERTS/ca.pem" -verify_return_error -verify_hostname localhost
    assert_status "legacy $v s_client" 0 "$STATUS"
    assert_contains "legacy $v s_client" "$OUT" "Verify return code: 0 (ok)"
    assert_contains "legacy $v s_client" "$OUT" "New, $v, Cipher is"
    assert_contains "legacy $v s_client echo" "$OUT" "ping-legacy"
    stop_bg "$SERVER_PID"
    for part in "leaf -clcerts -nokeys" "chain -cacerts -nokeys" \
        "key -nocerts -nodes"; do
        # shellcheck disable=SC2086
        openssl pkcs12 -legacy -in "$P12/legacy.p12" -passin "pass:$PASS" \
            ${part#* } -out "$TMP/legacy-${part%% *}.pem" 2>/dev/null
    done
    start_openssl_server "os-legacy-$v" -cert "$TMP/legacy-leaf.pem" \
        -key "$TMP/legacy-key.pem" -cert_chain "$TMP/legacy-chain.pem" \
        -"$(tr -d . <<<"${v,,}" | sed 's/tlsv/tls/;s/1\(.\)/1_\1/')" -www
    run_petls_client "pc-legacy-$v" "127.0.0.1:$PORT" \
        --servername localhost --ca "$CERTS/ca.pem" --max-version "$v" \
        --json --peer-cert
    assert_status "legacy $v petls client" 0 "$STATUS"
    pline=$(grep '"event":"peer_certificate"' <<<"$OUT" || true)
    assert_eq "legacy $v: chain petls sees" "$want" \
        "$(petls_chain "$pline" 2>/dev/null || echo '?')"
    stop_bg "$SERVER_PID"
done

section "CLI failures"
# run_server_fails NAME MESSAGE ARGS...: petls server exits 1 before
# listening, with this message.
run_server_fails() {
    local name=$1 msg=$2
    shift 2
    run_capture "$name" "$PETLS" server --listen 127.0.0.1:0 "$@"
    assert_status "$name" 1 "$STATUS"
    assert_eq "$name message" "$msg" "$ERR"
}
run_server_fails wrong-pass \
    "petls: server: --pfx: pfx file $P12/default.p12: wrong password (MAC verification failed)" \
    --pfx "$P12/default.p12" --pass wrong
run_server_fails no-pass \
    "petls: server: --pfx: pfx file $P12/default.p12: wrong password (MAC verification failed)" \
    --pfx "$P12/default.p12"
run_server_fails rc4 \
    "petls: server: --pfx: pfx file $P12/rc4.p12: unsupported algorithm: RC4-128 (pbeWithSHAAnd128BitRC4); re-export with -certpbe AES-256-CBC -keypbe AES-256-CBC" \
    --pfx "$P12/rc4.p12" --pass "$PASS"
head -c 700 "$P12/default.p12" >"$TMP/trunc.p12"
run_server_fails truncated \
    "petls: server: --pfx: pfx file $TMP/trunc.p12: truncated or not a PKCS#12 file (no PFX SEQUENCE)" \
    --pfx "$TMP/trunc.p12" --pass "$PASS"
run_server_fails nokey \
    "petls: server: --pfx: pfx file $P12/nokey.p12: no private key in the PKCS#12 file" \
    --pfx "$P12/nokey.p12" --pass "$PASS"
# Node refuses the same wrong password (the comparison's other half).
run_capture node-wrong node "$NODE_DIR/pfx.js" server "$P12/default.p12" \
    wrong TLSv1.3
assert_status "node wrong password" 1 "$STATUS"
assert_contains "node wrong password" "$ERR" "mac verify failure"
