#!/bin/bash
# PSK and SNI against Node.js's tls, both directions: Node's pskCallback
# (client and server) in TLS 1.2 and 1.3, a wrong key, Node's servername
# against petls --sni contexts, and Node's SNICallback picking a context
# for the petls client's name.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

KEY=00112233445566778899aabbccddeeff
OTHER=ffeeddccbbaa99887766554433221100
PSK12_CIPHERS=ECDHE-PSK-CHACHA20-POLY1305:PSK-AES128-GCM-SHA256

# The Node peer: one JSON line per event on stdout.
PEER=$TMP/peer.js
cat >"$PEER" <<'EOF'
'use strict';
const tls = require('tls');
const fs = require('fs');
const [mode, ...a] = process.argv.slice(2);
const out = (o) => console.log(JSON.stringify(o));
const ver = (v) => ({ minVersion: v, maxVersion: v });
const certs = process.env.PETLS_TEST_CERTS;
const pem = (f) => fs.readFileSync(`${certs}/${f}`);

function echoServer(opts, onSecure) {
  const srv = tls.createServer(opts, (s) => {
    onSecure(s);
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
  });
  srv.on('tlsClientError', (e) => out({ event: 'error', code: e.code, message: e.message }));
  srv.listen(0, '127.0.0.1', () => out({ event: 'listening', port: srv.address().port }));
}

function pingClient(opts, facts) {
  const s = tls.connect(opts, () => {
    out(Object.assign({ event: 'secure', protocol: s.getProtocol(),
      cipher: s.getCipher().name, authorized: s.authorized }, facts(s)));
    s.write('ping\n');
  });
  s.on('data', (d) => { out({ event: 'data', data: d.toString().trim() }); s.end(); });
  s.on('error', (e) => { out({ event: 'error', code: e.code, message: e.message }); process.exitCode = 1; });
}

if (mode === 'psk-server') { // VERSION IDENTITY KEYHEX
  const [v, id, key] = a;
  // Node's default list excludes PSK suites ("!PSK"): name them.
  echoServer(Object.assign({ ciphers: 'ECDHE-PSK-CHACHA20-POLY1305:PSK-AES128-GCM-SHA256',
    pskIdentityHint: 'node-hint',
    pskCallback: (sock, identity) => {
      out({ event: 'psk', identity });
      return identity === id ? Buffer.from(key, 'hex') : null;
    } }, ver(v)), (s) => out({ event: 'secure', protocol: s.getProtocol(),
      cipher: s.getCipher().name }));
} else if (mode === 'psk-client') { // PORT VERSION IDENTITY KEYHEX CIPHERS
  const [port, v, id, key, ciphers] = a;
  let hint = 'not called';
  pingClient(Object.assign({ host: '127.0.0.1', port: +port, ciphers,
    checkServerIdentity: () => undefined,
    pskCallback: (h) => { hint = h; return { psk: Buffer.from(key, 'hex'), identity: id }; } },
    ver(v)), () => ({ hint }));
} else if (mode === 'sni-server') { // VERSION
  const rsa = tls.createSecureContext({ key: pem('server-rsa.key'),
    cert: Buffer.concat([pem('server-rsa.pem')]) });
  echoServer(Object.assign({ key: pem('server-ecdsa.key'), cert: pem('server-ecdsa.pem'),
    SNICallback: (name, cb) => {
      out({ event: 'sni', servername: name });
      cb(null, name === 'rsa.petls.test' ? rsa : undefined);
    } }, ver(a[0])), (s) => out({ event: 'secure', servername: s.servername }));
} else if (mode === 'sni-client') { // PORT VERSION SERVERNAME
  const [port, v, servername] = a;
  pingClient(Object.assign({ host: '127.0.0.1', port: +port, servername,
    ca: pem('ca.pem') }, ver(v)),
    (s) => ({ servername: s.servername, bits: s.getPeerCertificate().bits }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
EOF

# start_node_peer NAME ARGS...: the peer as a server; sets PORT, SERVER_PID.
start_node_peer() {
    local name=$1
    shift
    start_bg "$name" node "$PEER" "$@"
    SERVER_PID=$BG_PID
    _wait_listen "$name" "$SERVER_PID" "$TMP/$name.out" \
        '^\{"event":"listening","port":[0-9]+\}$'
    PORT=$(sed -nE 's/^\{"event":"listening","port":([0-9]+)\}$/\1/p' \
        "$TMP/$name.out" | head -n1)
}

# event FILE_OR_TEXT EVENT: the first JSON line with that event.
event() {
    printf '%s\n' "$1" | grep "^{\"event\":\"$2\"" | head -n1 || true
}

for v in TLSv1.2 TLSv1.3; do
    if [ $v = TLSv1.2 ]; then ciphers=$PSK12_CIPHERS; else ciphers=; fi

    section "Node pskCallback client -> petls server ($v)"
    start_petls_server "psrv$v" --psk "alice:$KEY" --json --echo
    run_capture "nodecli$v" node "$PEER" psk-client "$PORT" $v alice "$KEY" \
        "${ciphers:-$(node -p 'require("tls").DEFAULT_CIPHERS')}"
    assert_status "nodecli$v node" 0 "$STATUS"
    ev=$(event "$OUT" secure)
    assert_json "nodecli$v node" "$ev" protocol $v
    # As Node's own servers, a PSK handshake is authorized.
    assert_json "nodecli$v node" "$ev" authorized true
    # mbed TLS sends no identity hint.
    assert_json "nodecli$v node" "$ev" hint null
    assert_json "nodecli$v echo" "$(event "$OUT" data)" data ping
    ev=$(server_event "psrv$v" 1)
    assert_json "nodecli$v server" "$ev" psk_identity alice
    assert_json "nodecli$v server" "$ev" version $v

    run_capture "nodebad$v" node "$PEER" psk-client "$PORT" $v alice \
        "$OTHER" "${ciphers:-$(node -p 'require("tls").DEFAULT_CIPHERS')}"
    assert_status "nodebad$v node" 1 "$STATUS"
    ev=$(server_event "psrv$v" 2)
    assert_json "nodebad$v server" "$ev" event handshake_failed
    if [ "$v" = TLSv1.2 ]; then bad_alert=bad_record_mac; else bad_alert=decrypt_error; fi
    assert_json "nodebad$v server" "$ev" error \
        "handshake: PSK mismatch: the client's key for identity 'alice' differs from ours (sent alert $bad_alert)"
    stop_bg "$SERVER_PID"

    section "petls client -> Node pskCallback server ($v)"
    start_node_peer "nsrv$v" psk-server $v alice "$KEY"
    args=(--psk "alice:$KEY" --insecure --json --idle 2 --send ping)
    if [ $v = TLSv1.2 ]; then args+=(--ciphers "$PSK12_CIPHERS"); fi
    run_petls_client "pcli$v" "127.0.0.1:$PORT" "${args[@]}"
    assert_status "pcli$v petls client" 0 "$STATUS"
    ev=$(event "$OUT" handshake)
    assert_json "pcli$v client" "$ev" version $v
    assert_json "pcli$v client" "$ev" psk_identity alice
    assert_json "pcli$v client" "$ev" authorized true
    assert_contains "pcli$v echo" "$OUT" ping
    node_out=$(cat "$TMP/nsrv$v.out")
    assert_json "pcli$v node" "$(event "$node_out" psk)" identity alice
    assert_json "pcli$v node" "$(event "$node_out" secure)" protocol $v

    run_petls_client "pclibad$v" "127.0.0.1:$PORT" --psk "mallory:$KEY" \
        --insecure --json "${args[@]:4}"
    assert_status "pclibad$v petls client" 1 "$STATUS"
    ev=$(event "$OUT" handshake_failed)
    assert_json "pclibad$v client" "$ev" event handshake_failed
    if [ $v = TLSv1.2 ]; then
        # OpenSSL sends the alert and closes at once, while the client may
        # still be writing the rest of its flight (CCS, Finished): the
        # write can fail first.
        err=$(json_field "$ev" error)
        case $err in
        "handshake: peer sent fatal alert unknown_psk_identity" | \
            "write: Broken pipe" | "write: Connection reset by peer")
            assert_eq "pclibad$v client error" ok ok ;;
        *) assert_eq "pclibad$v client error" \
            "handshake: peer sent fatal alert unknown_psk_identity" "$err" ;;
        esac
        assert_contains "pclibad$v node" "$(cat "$TMP/nsrv$v.out")" \
            '"identity":"mallory"'
    else
        # OpenSSL ignores an unknown TLS 1.3 PSK and, without a
        # certificate, has nothing to offer.
        assert_json "pclibad$v client" "$ev" error \
            "handshake: peer sent fatal alert handshake_failure"
    fi
    stop_bg "$SERVER_PID"

    section "Node servername -> petls --sni ($v)"
    start_petls_server "ssrv$v" --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" \
        --sni "rsa.petls.test:$CERTS/server-rsa.pem:$CERTS/server-rsa.key" \
        --json --echo
    run_capture "nsni$v" node "$PEER" sni-client "$PORT" $v rsa.petls.test
    assert_status "nsni$v node" 0 "$STATUS"
    ev=$(event "$OUT" secure)
    assert_json "nsni$v node" "$ev" authorized true
    assert_json "nsni$v node" "$ev" bits 2048
    assert_json "nsni$v server" "$(server_event "ssrv$v" 1)" servername \
        rsa.petls.test
    run_capture "nsnidef$v" node "$PEER" sni-client "$PORT" $v localhost
    assert_status "nsnidef$v node" 0 "$STATUS"
    assert_json "nsnidef$v node" "$(event "$OUT" secure)" bits 256
    stop_bg "$SERVER_PID"

    section "petls client -> Node SNICallback ($v)"
    start_node_peer "nsnisrv$v" sni-server $v
    # mbed TLS 3.6.6 rejects the RSA-PSS TLS 1.2 key exchange signature
    # OpenSSL makes when the client also offers TLS 1.3
    # (Mbed-TLS/mbedtls#10672): a TLS 1.2 run offers TLS 1.2 only.
    run_petls_client "psni$v" "127.0.0.1:$PORT" --servername rsa.petls.test \
        --ca "$CERTS/ca.pem" --max-version $v --json --idle 2 --send ping
    assert_status "psni$v petls client" 0 "$STATUS"
    ev=$(event "$OUT" handshake)
    assert_json "psni$v client" "$ev" servername rsa.petls.test
    assert_json "psni$v client" "$ev" authorized true
    node_out=$(cat "$TMP/nsnisrv$v.out")
    assert_json "psni$v node" "$(event "$node_out" sni)" servername \
        rsa.petls.test
    assert_json "psni$v node" "$(event "$node_out" secure)" servername \
        rsa.petls.test
    stop_bg "$SERVER_PID"
done
