'use strict';
// Node.js peer of tests/interop/pfx_node.sh (PKCS#12, Node's pfx option).
//   node pfx.js server PFX PASSPHRASE VERSION
//     tls.createServer({ pfx, passphrase }) at one version on
//     127.0.0.1:0; prints {"event":"listening","port":N}, echoes.
//   node pfx.js client PORT CA VERSION
//     connects as "localhost", trusting CA; prints one line
//     {"event":"secure","protocol":..,"authorized":..,
//      "fingerprint256":[leaf, next, ...]} (the chain of
//     getPeerCertificate(true), trust anchor included), or
//     {"event":"error",...}; exits 1 on failure.
const fs = require('fs');
const tls = require('tls');

const [mode, a, b, version] = process.argv.slice(2);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

if (mode === 'server') {
  const server = tls.createServer({
    pfx: fs.readFileSync(a),
    passphrase: b,
    minVersion: version,
    maxVersion: version,
  }, (socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  server.on('tlsClientError', (err) => {
    print({ event: 'error', code: err.code || null, message: err.message });
  });
  server.listen(0, '127.0.0.1', () => {
    print({ event: 'listening', port: server.address().port });
  });
} else if (mode === 'client') {
  const timer = setTimeout(() => {
    print({ event: 'error', code: 'TIMEOUT', message: 'no result in time' });
    process.exit(1);
  }, 10000);
  const socket = tls.connect({
    host: '127.0.0.1',
    port: Number(a),
    servername: 'localhost',
    ca: fs.readFileSync(b),
    minVersion: version,
    maxVersion: version,
  }, () => {
    const fps = [];
    const seen = new Set();
    // Bounded: at most 10 levels; the anchor is its own issuer.
    for (let c = socket.getPeerCertificate(true), i = 0;
      c && c.fingerprint256 && !seen.has(c.fingerprint256) && i < 10;
      c = c.issuerCertificate, i++) {
      seen.add(c.fingerprint256);
      fps.push(c.fingerprint256);
    }
    print({
      event: 'secure',
      protocol: socket.getProtocol(),
      authorized: socket.authorized,
      fingerprint256: fps,
    });
    clearTimeout(timer);
    socket.end();
  });
  socket.on('error', (err) => {
    clearTimeout(timer);
    print({ event: 'error', code: err.code || null, message: err.message });
    process.exitCode = 1;
  });
} else {
  throw new Error(`unknown mode '${mode}'`);
}
