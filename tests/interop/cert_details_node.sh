#!/bin/bash
# getPeerCertificate(true) field by field: `petls client --peer-cert` and a
# Node client read the same server certificates (an RSA leaf sent alone, an
# ECDSA leaf sent with its intermediate; the root only in the trust store),
# and `petls server --peer-cert` and a Node server read the same client
# certificate, in TLS 1.3 and 1.2. Every key of every certificate of the
# chain, up to the trust anchor, must be the same in both.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

# --- A PKI with every field Node prints (generated now) ----------------------
P=$TMP/pki
mkdir -p "$P"
cat >"$P/ext.cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth, 1.2.3.4.5
subjectAltName = DNS:localhost, DNS:*.petls.test, IP:127.0.0.1, IP:::1, email:a@petls.test, URI:https://petls.test/x
authorityInfoAccess = OCSP;URI:http://ocsp.petls.test/, caIssuers;URI:http://ca.petls.test/i.der, OCSP;URI:http://ocsp2.petls.test/
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = email:client@petls.test
CNF
o() { openssl "$@" 2>>"$TMP/openssl.log" >/dev/null; }
o req -x509 -newkey rsa:2048 -nodes -keyout "$P/root.key" -out "$P/root.pem" \
    -days 30 -subj "/C=DE/ST=Berlin/O=petls test/CN=petls details root" \
    -config "$P/ext.cnf" -extensions ca
o req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$P/inter.key" -out "$P/inter.csr" -subj "/O=petls test/CN=inter"
o x509 -req -in "$P/inter.csr" -CA "$P/root.pem" -CAkey "$P/root.key" \
    -out "$P/inter.pem" -days 20 -extfile "$P/ext.cnf" -extensions ca
# RSA leaf under the root, sent alone.
o req -new -newkey rsa:3072 -nodes -keyout "$P/rsa.key" -out "$P/rsa.csr" \
    -subj "/C=DE/O=petls test/OU=one/OU=two/CN=localhost"
o x509 -req -in "$P/rsa.csr" -CA "$P/root.pem" -CAkey "$P/root.key" \
    -out "$P/rsa.pem" -days 10 -extfile "$P/ext.cnf" -extensions leaf
# ECDSA P-384 leaf under the intermediate, sent with it.
o req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
    -keyout "$P/ec.key" -out "$P/ec.csr" -subj "/O=petls test/CN=localhost"
o x509 -req -in "$P/ec.csr" -CA "$P/inter.pem" -CAkey "$P/inter.key" \
    -out "$P/ec.pem" -days 10 -extfile "$P/ext.cnf" -extensions leaf
# A client certificate under the intermediate.
o req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$P/client.key" -out "$P/client.csr" -subj "/CN=petls client"
o x509 -req -in "$P/client.csr" -CA "$P/inter.pem" -CAkey "$P/inter.key" \
    -out "$P/client.pem" -days 10 -extfile "$P/ext.cnf" -extensions client
cat "$P/client.pem" "$P/inter.pem" >"$P/client-chain.pem"
for f in root inter rsa ec client; do
    [ -s "$P/$f.pem" ] || {
        cat "$TMP/openssl.log" >&2
        fail "generating $f.pem"
        exit 1
    }
done

# flatten JSON: the certificate line as an array, leaf first, each
# certificate without its issuerCertificate.
flatten() {
    jq -c '[recurse(.issuerCertificate // empty) | del(.issuerCertificate)
            | del(.event)]' <<<"$1"
}

# compare_chains WHAT PETLS_LINE NODE_LINE DEPTHS: both chains have DEPTHS
# certificates and every key has the same value in both.
compare_chains() {
    local what=$1 p n d k keys
    p=$(flatten "$2") || p='[]'
    n=$(flatten "$3") || n='[]'
    assert_eq "$what: node's chain length" "$4" "$(jq length <<<"$n")"
    assert_eq "$what: petls chain length" "$4" "$(jq length <<<"$p")"
    for ((d = 0; d < $4; d++)); do
        keys=$(jq -rn --argjson a "$p" --argjson b "$n" \
            "(\$a[$d] // {} | keys) + (\$b[$d] // {} | keys) | unique | .[]")
        for k in $keys; do
            assert_eq "$what: depth $d $k" \
                "$(jq -c --arg k "$k" ".[$d][\$k]" <<<"$n")" \
                "$(jq -c --arg k "$k" ".[$d][\$k]" <<<"$p")"
        done
    done
}

# has_keys WHAT LINE DEPTH KEY...: Node printed these keys (so the
# comparison above is not vacuous).
has_keys() {
    local what=$1 line=$2 d=$3 k
    shift 3
    for k in "$@"; do
        assert_eq "$what: node has depth $d $k" true \
            "$(flatten "$line" | jq --arg k "$k" ".[$d] | has(\$k)")"
    done
}

# --- Client side: the server's chain ------------------------------------------
for kind in rsa ec; do
    if [ "$kind" = rsa ]; then
        chain=(-cert "$P/rsa.pem" -key "$P/rsa.key")
        depths=2
    else
        chain=(-cert "$P/ec.pem" -key "$P/ec.key" -cert_chain "$P/inter.pem")
        depths=3
    fi
    start_openssl_server "srv-$kind" "${chain[@]}" -www
    for v in TLSv1.3 TLSv1.2; do
        section "client side: $kind leaf, $v"
        run_petls_client "pc-$kind-$v" "127.0.0.1:$PORT" \
            --servername localhost --ca "$P/root.pem" --max-version "$v" \
            --json --peer-cert
        assert_status "petls client $kind $v" 0 "$STATUS"
        pline=$(grep '"event":"peer_certificate"' <<<"$OUT" || true)
        run_capture "nc-$kind-$v" node "$NODE_DIR/peer_cert.js" client \
            "$PORT" "$P/root.pem" "$v"
        assert_status "node client $kind $v" 0 "$STATUS"
        nline=$OUT
        compare_chains "$kind $v" "$pline" "$nline" "$depths"
        has_keys "$kind $v" "$nline" 0 subject issuer subjectaltname \
            infoAccess ca bits pubkey valid_from valid_to fingerprint \
            fingerprint256 fingerprint512 ext_key_usage serialNumber raw
        if [ "$kind" = rsa ]; then
            has_keys "$kind $v" "$nline" 0 modulus exponent
        else
            has_keys "$kind $v" "$nline" 0 asn1Curve nistCurve
            has_keys "$kind $v" "$nline" 1 asn1Curve nistCurve
        fi
        has_keys "$kind $v" "$nline" $((depths - 1)) modulus exponent
    done
    stop_bg "$SERVER_PID"
done

# --- Server side: the client's chain ------------------------------------------
start_petls_server psrv --cert "$P/rsa.pem" --key "$P/rsa.key" \
    --ca "$P/root.pem" --verify-client optional --json --peer-cert
PSRV_PORT=$PORT
PSRV_PID=$SERVER_PID
start_bg nsrv node "$NODE_DIR/peer_cert.js" server "$P/rsa.pem" \
    "$P/rsa.key" "$P/root.pem"
NSRV_PID=$BG_PID
_wait_listen nsrv "$NSRV_PID" "$TMP/nsrv.out" \
    '^\{"event":"listening","port":[0-9]+\}$'
NSRV_PORT=$(sed -nE 's/^\{"event":"listening","port":([0-9]+)\}$/\1/p' \
    "$TMP/nsrv.out" | head -n1)
n=0
for v in TLSv1.3 TLSv1.2; do
    section "server side: client certificate, $v"
    n=$((n + 1))
    flag=-tls1_3
    [ "$v" = TLSv1.2 ] && flag=-tls1_2
    PORT=$PSRV_PORT
    run_s_client "sc-p-$v" "" "$flag" -cert "$P/client.pem" \
        -key "$P/client.key" -cert_chain "$P/inter.pem" -CAfile "$P/root.pem"
    PORT=$NSRV_PORT
    run_s_client "sc-n-$v" "" "$flag" -cert "$P/client.pem" \
        -key "$P/client.key" -cert_chain "$P/inter.pem" -CAfile "$P/root.pem"
    # petls server: a handshake line, then the certificate line; node's
    # first line is "listening".
    wait_for_lines "$TMP/psrv.out" $((2 * n)) ||
        true
    pline=$(grep '"event":"peer_certificate"' "$TMP/psrv.out" |
        sed -n "${n}p")
    nline=$(server_event nsrv $((n + 1)))
    compare_chains "client cert $v" "$pline" "$nline" 3
    has_keys "client cert $v" "$nline" 0 subject subjectaltname ext_key_usage \
        bits pubkey asn1Curve nistCurve fingerprint fingerprint512 raw
done
stop_bg "$PSRV_PID"
stop_bg "$NSRV_PID"
