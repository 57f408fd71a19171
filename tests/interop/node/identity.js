'use strict';
// checkServerIdentity as Node's documentation writes it, beside
// `petls client --check-identity MODE` (tests/interop/identity_node.sh).
// Connects to 127.0.0.1:PORT and prints one JSON line:
//   {"event":"secure","authorized":..,"authorizationError":..}
//   {"event":"error","code":..,"message":..}  (the connection was refused)
// Options: --port P --ca F --max-version V [--servername N] [--insecure]
//   [--mode builtin|default|accept|pin:FINGERPRINT256]
//   builtin: no checkServerIdentity option; default: tls.checkServerIdentity;
//   accept: a callback accepting any certificate; pin:FP: the default
//   check, then the certificate's fingerprint256 must be FP (the example of
//   Node's tls.connect() documentation).
// A servername that is an IP literal is not sent as SNI (RFC 6066) but is
// the name checked, as petls does.
const fs = require('fs');
const net = require('net');
const tls = require('tls');
const parseArgs = require('./args');

const opts = parseArgs(process.argv.slice(2), ['insecure']);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const mode = opts.mode || 'builtin';

const conn = {
  host: '127.0.0.1',
  port: Number(opts.port),
  ca: fs.readFileSync(opts.ca),
  maxVersion: opts['max-version'],
  rejectUnauthorized: !opts.insecure,
};
const name = opts.servername;
if (name !== undefined && !net.isIP(name)) conn.servername = name;
const hostname = name !== undefined ? name : 'localhost';

function check(host, cert) {
  if (mode === 'accept') return undefined;
  // Make sure the certificate is issued to the host we are connected to.
  const err = tls.checkServerIdentity(host, cert);
  if (err) return err;
  if (mode.startsWith('pin:')) {
    // Pin the exact certificate, rather than the public key.
    const cert256 = mode.slice(4);
    if (cert.fingerprint256 !== cert256) {
      const msg = 'Certificate verification error: ' +
        `The certificate of '${cert.subject.CN}' ` +
        'does not match our pinned fingerprint';
      return new Error(msg);
    }
  }
  return undefined;
}
if (mode !== 'builtin') {
  // The name petls checks, also when it is an IP literal not sent as SNI.
  conn.checkServerIdentity = (_host, cert) => check(hostname, cert);
}

const timer = setTimeout(() => {
  print({ event: 'error', code: 'TIMEOUT', message: 'no result in time' });
  process.exit(1);
}, 10000);
const socket = tls.connect(conn, () => {
  print({
    event: 'secure',
    authorized: socket.authorized,
    authorizationError: socket.authorizationError
      ? String(socket.authorizationError) : null,
  });
  clearTimeout(timer);
  socket.end();
});
socket.on('error', (e) => {
  print({ event: 'error', code: e.code || null, message: e.message });
  clearTimeout(timer);
  process.exitCode = 1;
  socket.destroy();
});
