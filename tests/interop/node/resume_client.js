'use strict';
// Node.js tls client for the resumption tests: connects 1 + --reconnect
// times to 127.0.0.1:PORT, each time passing the newest session the previous
// connection received (Node's `session` option and 'session' event), and
// prints one JSON line per connection:
//   {"event":"secure","protocol":..,"reused":true|false,"gotSession":bool}
//   {"event":"error","code":..,"message":..}
// TLS 1.3 sessions arrive after the handshake, so each TLS 1.3 connection
// waits for one (up to 2 s) before closing. Exits 0 when every handshake worked.
//
// Options: --port P [--reconnect N] [--servername N] [--ca F]
//   [--max-version V] [--min-version V]
//   [--servernames A,B,..]  connection i sends the i-th name (SNI)
//   [--offer-first]         every connection offers the first session
//                           received, not the newest
const fs = require('fs');
const tls = require('tls');
const parseArgs = require('./args');

const opts = parseArgs(process.argv.slice(2), ['offer-first']);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const total = 1 + Number(opts.reconnect || 0);

let session;
let done = 0;
const names = opts.servernames ? String(opts.servernames).split(',') : [];

function connectOnce() {
  const conn = {
    host: '127.0.0.1',
    port: Number(opts.port),
    servername: names[done] || opts.servername || 'localhost',
    ca: opts.ca ? fs.readFileSync(opts.ca) : undefined,
    session,
  };
  if (opts['max-version']) conn.maxVersion = opts['max-version'];
  if (opts['min-version']) conn.minVersion = opts['min-version'];
  let gotSession = false;
  let secure = false;
  let timer;
  let finished = false;
  const socket = tls.connect(conn);
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    print({
      event: 'secure',
      protocol: socket.getProtocol(),
      reused: socket.isSessionReused(),
      gotSession,
    });
    socket.end();
  };
  socket.on('session', (s) => {
    if (!opts['offer-first'] || session === undefined) session = s;
    gotSession = true;
    if (secure) finish();
  });
  socket.on('secureConnect', () => {
    secure = true;
    // TLS 1.2: any new session came with the handshake (a resumed one
    // keeps the session offered).
    if (gotSession || socket.getProtocol() !== 'TLSv1.3') finish();
    else timer = setTimeout(finish, 2000);
  });
  socket.on('data', () => {});
  socket.on('error', (err) => {
    clearTimeout(timer);
    print({ event: 'error', code: err.code || null, message: err.message });
    process.exitCode = 1;
  });
  socket.on('close', () => {
    done++;
    if (done < total && process.exitCode !== 1) connectOnce();
  });
}
connectOnce();
