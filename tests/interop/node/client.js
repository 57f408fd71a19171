'use strict';
// Node.js tls client for the interop tests. Connects to 127.0.0.1:PORT and
// prints one JSON line per event on stdout:
//   {"event":"secure","protocol":..,"cipher":..,"standardName":..,
//    "authorized":..,"authorizationError":..,"ephemeral_type":..,
//    "ephemeral_name":..,"ephemeral_size":..}  (getEphemeralKeyInfo())
//   {"event":"echo","data":".."}       (with --send, once the echo is back)
//   {"event":"error","code":..,"message":..}
// Exits 0 when the handshake (and echo, if asked) succeeded, 1 otherwise.
//
// Options: --port P [--servername N] [--ca F] [--cert F --key F]
//   [--min-version V] [--max-version V] [--ciphers C] [--sigalgs LIST]
//   [--insecure]
//   [--send DATA] [--timeout MS]
const fs = require('fs');
const tls = require('tls');
const parseArgs = require('./args');

const opts = parseArgs(process.argv.slice(2), ['insecure']);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const conn = {
  host: '127.0.0.1',
  port: Number(opts.port),
  rejectUnauthorized: !opts.insecure,
};
if (opts.servername !== undefined) conn.servername = opts.servername;
if (opts.ca) conn.ca = fs.readFileSync(opts.ca);
if (opts.cert) conn.cert = fs.readFileSync(opts.cert);
if (opts.key) conn.key = fs.readFileSync(opts.key);
if (opts['min-version']) conn.minVersion = opts['min-version'];
if (opts['max-version']) conn.maxVersion = opts['max-version'];
if (opts.ciphers) conn.ciphers = opts.ciphers;
if (opts.sigalgs) conn.sigalgs = opts.sigalgs;

let failed = false;
const timer = setTimeout(() => {
  print({ event: 'error', code: 'TIMEOUT', message: 'no result in time' });
  process.exit(1);
}, Number(opts.timeout || 10000));

const socket = tls.connect(conn, () => {
  const c = socket.getCipher();
  const eph = socket.getEphemeralKeyInfo() || {};
  print({
    event: 'secure',
    protocol: socket.getProtocol(),
    cipher: c.name,
    standardName: c.standardName,
    authorized: socket.authorized,
    authorizationError: socket.authorizationError
      ? String(socket.authorizationError) : null,
    // getEphemeralKeyInfo(), flattened; null fields for {}
    ephemeral_type: eph.type === undefined ? null : eph.type,
    ephemeral_name: eph.name === undefined ? null : eph.name,
    ephemeral_size: eph.size === undefined ? null : eph.size,
  });
  if (opts.send === undefined) {
    socket.end();
    return;
  }
  let got = '';
  socket.setEncoding('utf8');
  socket.on('data', (d) => {
    got += d;
    if (got.length >= opts.send.length) {
      print({ event: 'echo', data: got });
      socket.end();
    }
  });
  socket.write(opts.send);
});
socket.on('error', (err) => {
  failed = true;
  print({ event: 'error', code: err.code || null, message: err.message });
});
socket.on('close', () => {
  clearTimeout(timer);
  process.exitCode = failed ? 1 : 0;
});
