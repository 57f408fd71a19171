#!/bin/bash
# Node's tls defaults as petls calls (petls defaults: petls_default_min_version,
# _max_version, _ecdh_curve, petls_default_ciphers, petls_get_ciphers)
# compared field by field with Node's tls.DEFAULT_* and tls.getCiphers(),
# then a Node client with petls's DEFAULT_CIPHERS against a petls server on
# its defaults, TLS 1.3 and TLS 1.2: the suite is petls's first default of
# the right kind.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

section "defaults"
run_capture defaults "$PETLS" defaults
assert_status "petls defaults" 0 "$STATUS"
P=$OUT
printf '%s\n' "$P" >"$TMP/petls.json"
run_capture nodecmp node "$NODE_DIR/defaults.js" "$TMP/petls.json"
assert_status "node defaults.js" 0 "$STATUS"
N=$OUT
for f in min_version max_version ecdh_curve; do
    assert_json "petls $f = Node tls.DEFAULT_${f^^}" "$P" "$f" \
        "$(json_field "$N" "$f")"
done
assert_json "Node DEFAULT_MIN_VERSION" "$N" min_version TLSv1.2
assert_json "Node DEFAULT_ECDH_CURVE" "$N" ecdh_curve auto
assert_json "TLS 1.3 suites of DEFAULT_CIPHERS, petls = Node" "$N" \
    petls_default_tls13 "$(json_field "$N" default_tls13)"
# getCiphers(): the same names, lower-cased as Node prints them; Node's
# OpenSSL has SRP (mbedTLS has none) and lists no TLS 1.2 CCM suite (OpenSSL
# knows them: each is accepted as a cipher name below).
assert_eq "getCiphers() names only Node has are SRP suites" "" \
    "$(json_field "$N" node_only | tr ':' '\n' | grep -v '^srp-' || true)"
assert_eq "getCiphers() names only petls has are CCM suites" "" \
    "$(json_field "$N" petls_only | tr ':' '\n' | grep -v -- '-ccm8\?$' || true)"
assert_json "every petls name is an OpenSSL cipher name" "$N" rejected ""
assert_json "a made-up name is rejected by Node" "$N" bogus_accepted false
assert_json "Node accepts petls's DEFAULT_CIPHERS" "$N" default_accepted true

# A Node client offering petls's DEFAULT_CIPHERS, a petls server on its
# defaults (server order): the first default suite for the version and key.
DEF=$(json_field "$P" default_ciphers)
start_petls_server srv --cert "$CERTS/server-ecdsa.pem" \
    --key "$CERTS/server-ecdsa.key" --json
n=0
for v in TLSv1.3 TLSv1.2; do
    section "handshake $v"
    n=$((n + 1))
    if [ "$v" = TLSv1.3 ]; then
        want=$(printf '%s\n' "$DEF" | tr ':' '\n' | grep -m1 '^TLS_')
    else
        want=$(printf '%s\n' "$DEF" | tr ':' '\n' | grep -m1 '^ECDHE-ECDSA-')
    fi
    run_node_client "node-$v" --port "$PORT" --servername localhost \
        --ca "$CERTS/ca.pem" --max-version "$v" --ciphers "$DEF"
    assert_status "node client $v" 0 "$STATUS"
    ev=$(nth_line "$TMP/node-$v.out" 1)
    assert_json "node client $v" "$ev" protocol "$v"
    assert_json "node client $v suite = first petls default" "$ev" cipher "$want"
    ev=$(server_event srv "$n")
    assert_json "petls server $v" "$ev" cipher "$want"
done
