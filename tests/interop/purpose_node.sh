#!/bin/bash
# Certificate purpose (issue 14): Node's authorized / authorizationError
# against petls's for the same certificates, in both roles and both TLS
# versions. Leaves with extendedKeyUsage serverAuth only, clientAuth only,
# both, none, and keyUsage variations, each issued by the trusted root,
# self-signed (untrusted: DEPTH_ZERO_SELF_SIGNED_CERT unless the purpose is
# wrong) and under an untrusted intermediate sent with it. A wrong purpose on
# an untrusted chain is INVALID_PURPOSE in Node (OpenSSL's last reported
# problem), which petls reported as a trust error before.
#   server role: `petls server --verify-client optional` and a Node server
#     (requestCert, rejectUnauthorized false) read the client certificate
#     that openssl s_client sends;
#   client role: `petls client --insecure` and a Node client
#     (rejectUnauthorized false) read the certificate of openssl s_server.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# The servers of the server role live through 42 connections each; on a
# loaded machine that is longer than the default bound of a peer.
BG_LIMIT=140

P=$TMP/pki
mkdir -p "$P"
cat >"$P/ext.cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[eku_server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
[eku_client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost
[eku_both]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost
[eku_none]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectAltName = DNS:localhost
[ku_certsign]
basicConstraints = CA:FALSE
keyUsage = critical, keyCertSign
subjectAltName = DNS:localhost
[ku_none]
basicConstraints = CA:FALSE
subjectAltName = DNS:localhost
[ku_keyenc]
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
subjectAltName = DNS:localhost
CNF
o() { openssl "$@" 2>>"$TMP/openssl.log" >/dev/null; }
newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
o req -x509 "${newkey[@]}" -keyout "$P/root.key" -out "$P/root.pem" -days 3 \
    -subj "/CN=purpose root" -config "$P/ext.cnf" -extensions ca
# An intermediate under a root nobody trusts.
o req -x509 "${newkey[@]}" -keyout "$P/other.key" -out "$P/other.pem" \
    -days 3 -subj "/CN=purpose other root" -config "$P/ext.cnf" -extensions ca
o req -new "${newkey[@]}" -keyout "$P/inter.key" -out "$P/inter.csr" \
    -subj "/CN=purpose untrusted inter"
o x509 -req -in "$P/inter.csr" -CA "$P/other.pem" -CAkey "$P/other.key" \
    -out "$P/inter.pem" -days 2 -extfile "$P/ext.cnf" -extensions ca
# The certificate the servers present when a client certificate is tested.
o req -new "${newkey[@]}" -keyout "$P/srv.key" -out "$P/srv.csr" \
    -subj "/CN=localhost"
o x509 -req -in "$P/srv.csr" -CA "$P/root.pem" -CAkey "$P/root.key" \
    -out "$P/srv.pem" -days 2 -extfile "$P/ext.cnf" -extensions eku_both

EXTS="eku_server eku_client eku_both eku_none ku_certsign ku_none ku_keyenc"
for e in $EXTS; do
    # issued by the trusted root
    o req -new "${newkey[@]}" -keyout "$P/ca-$e.key" -out "$P/ca-$e.csr" \
        -subj "/CN=localhost"
    o x509 -req -in "$P/ca-$e.csr" -CA "$P/root.pem" -CAkey "$P/root.key" \
        -out "$P/ca-$e.pem" -days 2 -extfile "$P/ext.cnf" -extensions "$e"
    # self-signed
    o req -x509 "${newkey[@]}" -keyout "$P/ss-$e.key" -out "$P/ss-$e.pem" \
        -days 2 -subj "/CN=localhost" -config "$P/ext.cnf" -extensions "$e"
    # under the untrusted intermediate (sent with it)
    o req -new "${newkey[@]}" -keyout "$P/in-$e.key" -out "$P/in-$e.csr" \
        -subj "/CN=localhost"
    o x509 -req -in "$P/in-$e.csr" -CA "$P/inter.pem" -CAkey "$P/inter.key" \
        -out "$P/in-$e.pem" -days 2 -extfile "$P/ext.cnf" -extensions "$e"
done
for f in root inter srv ca-eku_server ss-eku_client in-ku_keyenc; do
    [ -s "$P/$f.pem" ] || {
        cat "$TMP/openssl.log" >&2
        fail "generating $f.pem"
        exit 1
    }
done

# cert_args SHAPE-EXT: the certificate (and chain) options of s_client or
# s_server for one leaf.
cert_args() {
    CARGS=(-cert "$P/$1.pem" -key "$P/$1.key")
    case $1 in in-*) CARGS+=(-cert_chain "$P/inter.pem") ;; esac
}

# auth LINE: "authorized=<bool> authorizationError=<code or null>"
auth() {
    local line=${1:-'{}'}
    jq -r '"authorized=\(.authorized) authorizationError=\(.authorizationError)"' \
        <<<"$line" 2>/dev/null || echo "unparsable: $1"
}

# The codes Node gives, for the record (each is compared below anyway):
# the wrong purposes are INVALID_PURPOSE whatever the trust, except a leaf
# alone under an unknown issuer (none here).
EXPECT_SERVER_ROLE_BAD="eku_server ku_certsign ku_keyenc"
EXPECT_CLIENT_ROLE_BAD="eku_client ku_certsign" # ku_certsign: TLS 1.3 only

# --- Server role: client certificates -------------------------------------------
start_petls_server psrv --cert "$P/srv.pem" --key "$P/srv.key" \
    --ca "$P/root.pem" --verify-client optional --json
PSRV_PORT=$PORT
PSRV_PID=$SERVER_PID
start_node_server nsrv --cert "$P/srv.pem" --key "$P/srv.key" \
    --ca "$P/root.pem" --request-cert
NSRV_PORT=$PORT
NSRV_PID=$SERVER_PID
n=0
purpose_invalid=0
for v in TLSv1.3 TLSv1.2; do
    flag=-tls1_3
    [ "$v" = TLSv1.2 ] && flag=-tls1_2
    for shape in ca ss in; do
        for e in $EXTS; do
            c=$shape-$e
            section "server role: client certificate $c, $v"
            n=$((n + 1))
            cert_args "$c"
            # both servers at once (each client bounded by FG_LIMIT)
            (PORT=$PSRV_PORT run_s_client "sc-p-$c-$v" "" "$flag" \
                "${CARGS[@]}" -CAfile "$P/root.pem") &
            spid=$!
            PORT=$NSRV_PORT
            run_s_client "sc-n-$c-$v" "" "$flag" "${CARGS[@]}" \
                -CAfile "$P/root.pem"
            wait "$spid" || true
            pline=$(server_event psrv "$n")
            nline=$(server_event nsrv $((n + 1)))
            assert_eq "node's line for $c $v is a handshake" secure \
                "$(json_field "$nline" event)"
            assert_eq "server role $c $v" "$(auth "$nline")" "$(auth "$pline")"
            case " $EXPECT_SERVER_ROLE_BAD " in
                *" $e "*)
                    assert_eq "node: client certificate $c $v" \
                        "authorized=false authorizationError=INVALID_PURPOSE" \
                        "$(auth "$nline")"
                    purpose_invalid=$((purpose_invalid + 1))
                    ;;
            esac
        done
    done
done
stop_bg "$PSRV_PID"
stop_bg "$NSRV_PID"
assert_eq "server role: INVALID_PURPOSE cases" 18 "$purpose_invalid"

# --- Client role: server certificates ---------------------------------------------
# ku_keyenc is left out: mbed TLS requires digitalSignature of a server
# certificate used for (EC)DHE (RFC 5246 7.4.2, RFC 8446 4.4.2.2) and
# reports INVALID_PURPOSE, where OpenSSL accepts any of digitalSignature,
# keyEncipherment, keyAgreement (docs/API.md, INVALID_PURPOSE).
purpose_invalid=0
for shape in ca ss in; do
    for e in $EXTS; do
        [ "$e" = ku_keyenc ] && continue
        c=$shape-$e
        cert_args "$c"
        start_openssl_server "srv-$c" "${CARGS[@]}" -www
        # Node: both versions in one process, beside petls's clients
        start_bg "nc-$c" node "$NODE_DIR/authorized.js" "$PORT" \
            "$P/root.pem" localhost TLSv1.3 TLSv1.2
        NC_PID=$BG_PID
        for v in TLSv1.3 TLSv1.2; do
            section "client role: server certificate $c, $v"
            run_petls_client "pc-$c-$v" "127.0.0.1:$PORT" \
                --servername localhost --ca "$P/root.pem" --min-version "$v" \
                --max-version "$v" --insecure --json
            if [ "$e" = ku_certsign ] && [ "$v" = TLSv1.2 ]; then
                # OpenSSL's server cannot sign its ECDHE parameters with a
                # key not allowed to sign: handshake_failure to both.
                assert_status "petls client $c $v (server refuses)" 1 \
                    "$STATUS"
                assert_contains "petls client $c $v" "$OUT" \
                    "handshake_failure"
                continue
            fi
            assert_status "petls client $c $v" 0 "$STATUS"
            pline=$(grep '"event":"handshake"' <<<"$OUT" || true)
            wait_for_file_match "$TMP/nc-$c.out" "\"version\":\"$v\"" || true
            nline=$(grep "\"version\":\"$v\"" "$TMP/nc-$c.out" || true)
            assert_eq "node's line for $c $v is a handshake" secure \
                "$(json_field "$nline" event)"
            assert_eq "client role $c $v" "$(auth "$nline")" \
                "$(auth "$pline")"
            case " $EXPECT_CLIENT_ROLE_BAD " in
                *" $e "*)
                    assert_eq "node: server certificate $c $v" \
                        "authorized=false authorizationError=INVALID_PURPOSE" \
                        "$(auth "$nline")"
                    purpose_invalid=$((purpose_invalid + 1))
                    ;;
            esac
        done
        wait_for_lines "$TMP/nc-$c.out" 2 || true
        assert_eq "node refused by the server: $c TLSv1.2" \
            "$([ "$e" = ku_certsign ] && echo error || echo secure)" \
            "$(json_field "$(nth_line "$TMP/nc-$c.out" 2)" event)"
        stop_bg "$NC_PID"
        stop_bg "$SERVER_PID"
    done
done
assert_eq "client role: INVALID_PURPOSE cases" 9 "$purpose_invalid"
