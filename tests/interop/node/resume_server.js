'use strict';
// Node.js tls server for the resumption tests: default settings (tickets
// on, TLS 1.2 session cache), or --no-tickets (SSL_OP_NO_TICKET: TLS 1.2
// session IDs). Listens on 127.0.0.1:0 and prints JSON lines:
//   {"event":"listening","port":N}
//   {"event":"secure","protocol":..,"reused":true|false}  per handshake
// Echoes whatever a client sends.
//
// Options: --cert F --key F [--no-tickets] [--max-version V]
const crypto = require('crypto');
const fs = require('fs');
const tls = require('tls');
const parseArgs = require('./args');

const opts = parseArgs(process.argv.slice(2), ['no-tickets']);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const conf = {
  cert: fs.readFileSync(opts.cert),
  key: fs.readFileSync(opts.key),
};
if (opts['max-version']) conf.maxVersion = opts['max-version'];
if (opts['no-tickets']) {
  conf.secureOptions = crypto.constants.SSL_OP_NO_TICKET;
}

const server = tls.createServer(conf, (socket) => {
  print({
    event: 'secure',
    protocol: socket.getProtocol(),
    reused: socket.isSessionReused(),
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
