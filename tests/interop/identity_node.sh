#!/bin/bash
# checkServerIdentity (issue 14): `petls client --check-identity MODE` (a
# petls_config_set_check_server_identity callback) and a Node client with
# the same checkServerIdentity (node/identity.js) connect to the same
# openssl s_server, in TLS 1.3 and 1.2, with verification on (the refusal
# fails the connection: the error messages are compared) and off (petls
# --insecure, Node rejectUnauthorized false: authorized/authorizationError
# are compared). Modes: Node's default tls.checkServerIdentity through the
# callback, the default without a callback (petls's built-in check), a
# callback accepting a mismatched name, and the SHA-256 pin of Node's
# documentation (matching and not).
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"
# One s_server serves the ~22 connections of a certificate and version;
# on a loaded machine that can outlast the default bound of a peer.
BG_LIMIT=140

P=$TMP/pki
mkdir -p "$P"
cat >"$P/ext.cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[sans]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:localhost, DNS:*.petls.test, IP:127.0.0.1, email:a@petls.test
[cn]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
CNF
o() { openssl "$@" 2>>"$TMP/openssl.log" >/dev/null; }
newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
o req -x509 "${newkey[@]}" -keyout "$P/root.key" -out "$P/root.pem" -days 3 \
    -subj "/CN=identity root" -config "$P/ext.cnf" -extensions ca
for leaf in sans cn; do
    o req -new "${newkey[@]}" -keyout "$P/$leaf.key" -out "$P/$leaf.csr" \
        -subj "/O=petls test/CN=localhost"
    o x509 -req -in "$P/$leaf.csr" -CA "$P/root.pem" -CAkey "$P/root.key" \
        -out "$P/$leaf.pem" -days 2 -extfile "$P/ext.cnf" -extensions "$leaf"
    [ -s "$P/$leaf.pem" ] || {
        cat "$TMP/openssl.log" >&2
        fail "generating $leaf.pem"
        exit 1
    }
done
# Node's fingerprint256 form: upper-case hex pairs joined with ':'.
fp() {
    openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/^.*=//'
}
FP_SANS=$(fp "$P/sans.pem")
FP_CN=$(fp "$P/cn.pem")
assert_eq "the two certificates' fingerprints differ" 1 \
    "$([ "$FP_SANS" != "$FP_CN" ] && [ ${#FP_SANS} -eq 95 ] && echo 1)"

# result LINE: what a client saw, in one comparable form.
#   secure: "authorized=<bool> authorizationError=<code or message>"
#   refused: "refused: <code or null>: <message>" (petls: from its error)
result() {
    local line=${1:-'{}'} event
    event=$(jq -r .event <<<"$line" 2>/dev/null || echo unparsable)
    case $event in
        secure | handshake)
            jq -r '"authorized=\(.authorized) authorizationError=\(.authorizationError)"' \
                <<<"$line"
            ;;
        error)
            jq -r '"refused: \(.code): \(.message)"' <<<"$line"
            ;;
        handshake_failed)
            # "certificate verification failed: CODE: MESSAGE" or, for an
            # error without a code, "...: MESSAGE"
            jq -r '.error' <<<"$line" | sed -E \
                -e 's/^certificate verification failed: (ERR_[A-Z_]+): /refused: \1: /' \
                -e 's/^certificate verification failed: /refused: null: /'
            ;;
        *) echo "no result: $1" ;;
    esac
}

# one LEAF NAME MODE V VERIFY EXPECT: petls and Node, the same check; both
# results equal, and equal to EXPECT (a prefix of the comparable form).
one() {
    local leaf=$1 name=$2 mode=$3 v=$4 verify=$5 expect=$6 tag
    local pargs=(--servername "$name" --ca "$P/root.pem" --max-version "$v"
        --json)
    local nargs=(--port "$PORT" --servername "$name" --ca "$P/root.pem"
        --max-version "$v" --mode "$mode")
    tag="$leaf $name $mode $v verify=$verify"
    [ "$mode" != builtin ] && pargs+=(--check-identity "$mode")
    if [ "$verify" = off ]; then
        pargs+=(--insecure)
        nargs+=(--insecure)
    fi
    section "$tag"
    # petls and Node at once (each bounded by FG_LIMIT)
    local pname="p-$leaf-$name-$v-$verify-${mode:0:3}" spid
    (run_petls_client "$pname" "127.0.0.1:$PORT" "${pargs[@]}") &
    spid=$!
    run_capture "n-$leaf-$name-$v-$verify-${mode:0:3}" node \
        "$NODE_DIR/identity.js" "${nargs[@]}"
    local nres
    nres=$(result "$(head -n1 <<<"$OUT")")
    wait "$spid" || true
    local pres
    pres=$(result "$(grep -E '"event":"(handshake|handshake_failed)"' \
        "$TMP/$pname.out" | head -n1)")
    assert_eq "$tag: petls as node" "$nres" "$pres"
    assert_eq "$tag: node" "$expect" "${nres:0:${#expect}}"
}

ALT="Hostname/IP does not match certificate's altnames"
SANS_LIST="DNS:localhost, DNS:*.petls.test, IP Address:127.0.0.1, email:a@petls.test"
PIN_MSG="Certificate verification error: The certificate of 'localhost' does not match our pinned fingerprint"
# Both versions: the outcomes (accepted, refused by the name, by the pin,
# by nothing); TLS 1.3 only: the name cases, which do not depend on the
# version (keeps the test inside its time bound on a loaded machine).
for leaf in sans cn; do
    for v in TLSv1.3 TLSv1.2; do
        [ "$leaf" = cn ] && [ "$v" = TLSv1.2 ] && continue
        start_openssl_server "srv-$leaf-$v" -cert "$P/$leaf.pem" \
            -key "$P/$leaf.key" -www
        for verify in on off; do
            if [ "$verify" = on ]; then
                ALTREF="refused: ERR_TLS_CERT_ALTNAME_INVALID: $ALT: "
                PINREF="refused: null: $PIN_MSG"
            else
                ALTREF="authorized=false authorizationError=ERR_TLS_CERT_ALTNAME_INVALID"
                PINREF="authorized=false authorizationError=$PIN_MSG"
            fi
            OK="authorized=true authorizationError=null"
            one "$leaf" localhost default "$v" "$verify" "$OK"
            one "$leaf" wrong.test default "$v" "$verify" "$ALTREF"
            one "$leaf" wrong.test accept "$v" "$verify" "$OK"
            if [ "$leaf" = sans ]; then
                one sans localhost "pin:$FP_CN" "$v" "$verify" "$PINREF"
            fi
            [ "$v" = TLSv1.3 ] || continue
            # (petls client --insecure also turns the built-in name check
            # off: no CLI flag for noverifycert alone)
            if [ "$verify" = on ]; then
                one "$leaf" wrong.test builtin "$v" "$verify" "$ALTREF"
                one "$leaf" localhost builtin "$v" "$verify" "$OK"
            fi
            if [ "$leaf" = sans ]; then
                one sans a.petls.test default "$v" "$verify" "$OK"
                one sans 127.0.0.1 default "$v" "$verify" "$OK"
                one sans 127.0.0.2 default "$v" "$verify" "$ALTREF"
                one sans localhost "pin:$FP_SANS" "$v" "$verify" "$OK"
                # the default check first: the name, not the pin, fails
                one sans wrong.test "pin:$FP_SANS" "$v" "$verify" "$ALTREF"
            else
                one cn 127.0.0.1 default "$v" "$verify" "$ALTREF"
            fi
        done
        stop_bg "$SERVER_PID"
    done
done

# The reasons themselves, with verification on (Node's message in full).
start_openssl_server srv-reason -cert "$P/sans.pem" -key "$P/sans.key" -www
run_capture n-reason node "$NODE_DIR/identity.js" --port "$PORT" \
    --servername wrong.test --ca "$P/root.pem" --max-version TLSv1.3 \
    --mode default
assert_eq "node's reason quotes the whole subjectaltname" \
    "refused: ERR_TLS_CERT_ALTNAME_INVALID: $ALT: Host: wrong.test. is not in the cert's altnames: $SANS_LIST" \
    "$(result "$OUT")"
run_petls_client p-reason "127.0.0.1:$PORT" --servername wrong.test \
    --ca "$P/root.pem" --json --check-identity default
assert_status "petls refuses" 1 "$STATUS"
assert_contains "petls: the reason" "$OUT" \
    "Host: wrong.test. is not in the cert's altnames: $SANS_LIST"
run_petls_client p-reason-ip "127.0.0.1:$PORT" --servername 127.0.0.2 \
    --ca "$P/root.pem" --json --check-identity default
assert_contains "petls: the IP reason" "$OUT" \
    "IP: 127.0.0.2 is not in the cert's list: 127.0.0.1"
stop_bg "$SERVER_PID"
