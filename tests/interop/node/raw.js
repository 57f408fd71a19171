'use strict';
// Misbehaving TCP client for the interop tests. Connects to 127.0.0.1:PORT
// and, by --mode:
//   garbage    sends --data (not TLS) and keeps the connection open
//   truncated  sends the first --bytes bytes of a real ClientHello, then
//              half-closes
//   silent     sends nothing
//   close      closes at once
// Prints {"event":"connected"} once connected, then, when the server has
// closed the connection (or --timeout ms passed):
//   {"event":"closed","by":"server"|"timeout","elapsed_ms":N,"bytes":N,
//    "first_bytes":"hex"}
// elapsed_ms counts from the connection, so a server-side handshake timeout
// can be measured.
const net = require('net');
const tls = require('tls');
const parseArgs = require('./args');

const opts = parseArgs(process.argv.slice(2), []);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

// A genuine ClientHello, captured from Node's own TLS client.
function captureClientHello() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((s) => {
      s.once('data', (d) => {
        resolve(d);
        s.destroy();
        srv.close();
      });
    });
    srv.listen(0, '127.0.0.1', () => {
      const c = tls.connect({ host: '127.0.0.1', port: srv.address().port,
        servername: 'localhost', rejectUnauthorized: false });
      c.on('error', () => {});
    });
    srv.on('error', reject);
  });
}

async function main() {
  let payload = null;
  if (opts.mode === 'garbage') payload = Buffer.from(opts.data, 'utf8');
  if (opts.mode === 'truncated') {
    payload = (await captureClientHello()).subarray(0, Number(opts.bytes));
  }
  const limit = Number(opts.timeout || 10000);
  const sock = net.connect({ host: '127.0.0.1', port: Number(opts.port) });
  let start = 0;
  let got = Buffer.alloc(0);
  let done = false;
  const finish = (by) => {
    if (done) return;
    done = true;
    print({ event: 'closed', by, elapsed_ms: Date.now() - start,
      bytes: got.length, first_bytes: got.subarray(0, 8).toString('hex') });
    sock.destroy();
    process.exit(0);
  };
  sock.on('connect', () => {
    start = Date.now();
    print({ event: 'connected' });
    setTimeout(() => finish('timeout'), limit);
    if (opts.mode === 'close') {
      sock.end();
    } else if (payload) {
      sock.write(payload);
      if (opts.mode === 'truncated') sock.end();
    }
  });
  sock.on('data', (d) => { got = Buffer.concat([got, d]); });
  sock.on('end', () => finish('server'));
  sock.on('close', () => finish('server'));
  sock.on('error', (e) => {
    if (!start) {
      print({ event: 'error', code: e.code, message: e.message });
      process.exit(1);
    }
    finish('server');
  });
}
main();
