'use strict';
// Node.js peer for the negotiation interop tests (ALPN, exporter,
// renegotiation). Prints JSON lines on stdout.
//
// server: node nego.js server --cert F --key F [--alpn LIST]
//           [--alpn-cb pick:NAME|refuse] [--max-version V]
//   {"event":"listening","port":N}
//   {"event":"secure","protocol":..,"alpn":..,"ekm":hex}  per handshake
//   {"event":"alpn_cb","servername":..,"protocols":[..]}  per callback
//   {"event":"error","code":..,"message":..}              per failure
// client: node nego.js client --port N --ca F [--alpn LIST]
//           [--max-version V] [--renegotiate]
//   {"event":"secure","protocol":..,"alpn":..,"ekm":hex}
//   {"event":"renegotiated"} or {"event":"error",...}
// ekm: exportKeyingMaterial(32, 'EXPERIMENTAL-petls'), no context.
const fs = require('fs');
const tls = require('tls');
const parseArgs = require('./args');

const mode = process.argv[2];
const opts = parseArgs(process.argv.slice(3), ['renegotiate']);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const ekm = (s) => s.exportKeyingMaterial(32, 'EXPERIMENTAL-petls')
  .toString('hex');
const alpnList = (s) => (s ? s.split(',') : undefined);

if (mode === 'server') {
  const conf = {
    cert: fs.readFileSync(opts.cert),
    key: fs.readFileSync(opts.key),
  };
  if (opts.alpn) conf.ALPNProtocols = alpnList(opts.alpn);
  if (opts['alpn-cb']) {
    const how = opts['alpn-cb'];
    conf.ALPNCallback = ({ servername, protocols }) => {
      print({ event: 'alpn_cb', servername: servername || null, protocols });
      if (how === 'refuse') return undefined;
      return how.replace(/^pick:/, '');
    };
  }
  if (opts['max-version']) conf.maxVersion = opts['max-version'];
  const server = tls.createServer(conf, (socket) => {
    print({
      event: 'secure',
      protocol: socket.getProtocol(),
      alpn: socket.alpnProtocol || null,
      ekm: ekm(socket),
    });
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
  const conf = {
    host: '127.0.0.1',
    port: Number(opts.port),
    servername: 'localhost',
    ca: fs.readFileSync(opts.ca),
  };
  if (opts.alpn) conf.ALPNProtocols = alpnList(opts.alpn);
  if (opts['max-version']) conf.maxVersion = opts['max-version'];
  const socket = tls.connect(conf, () => {
    print({
      event: 'secure',
      protocol: socket.getProtocol(),
      alpn: socket.alpnProtocol || null,
      ekm: ekm(socket),
    });
    if (!opts.renegotiate) {
      socket.end();
      return;
    }
    const ok = socket.renegotiate({}, (err) => {
      if (err) {
        print({ event: 'error', code: err.code || null, message: err.message });
      } else {
        print({ event: 'renegotiated' });
      }
      socket.end();
    });
    if (!ok) print({ event: 'error', code: null, message: 'renegotiate() returned false' });
  });
  socket.on('error', (err) => {
    print({ event: 'error', code: err.code || null, message: err.message });
  });
  socket.on('data', () => {});
} else {
  throw new Error('usage: nego.js server|client ...');
}
