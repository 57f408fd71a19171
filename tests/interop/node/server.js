'use strict';
// Node.js tls server for the interop tests. Listens on 127.0.0.1:0 and
// prints JSON lines on stdout:
//   {"event":"listening","port":N}
//   {"event":"secure","protocol":..,"cipher":..,"servername":..,
//    "authorized":..,"authorizationError":..,
//    "shared_sigalgs":[..]}  per handshake (getSharedSigalgs())
//   {"event":"error","code":..,"message":..}   per failed handshake
// Echoes whatever a client sends.
//
// Options: --cert F --key F [--ca F] [--request-cert] [--reject-unauthorized]
//   [--min-version V] [--max-version V] [--ciphers C] [--sigalgs LIST]
//   [--client-order] (honorCipherOrder: false; Node's server default is
//   true)
const fs = require('fs');
const tls = require('tls');
const parseArgs = require('./args');

const opts = parseArgs(process.argv.slice(2),
  ['request-cert', 'reject-unauthorized', 'client-order']);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const conf = {
  cert: fs.readFileSync(opts.cert),
  key: fs.readFileSync(opts.key),
  requestCert: !!opts['request-cert'],
  rejectUnauthorized: !!opts['reject-unauthorized'],
};
if (opts.ca) conf.ca = fs.readFileSync(opts.ca);
if (opts['min-version']) conf.minVersion = opts['min-version'];
if (opts['max-version']) conf.maxVersion = opts['max-version'];
if (opts.ciphers) conf.ciphers = opts.ciphers;
if (opts.sigalgs) conf.sigalgs = opts.sigalgs;
if (opts['client-order']) conf.honorCipherOrder = false;

const server = tls.createServer(conf, (socket) => {
  const c = socket.getCipher();
  print({
    event: 'secure',
    protocol: socket.getProtocol(),
    cipher: c.name,
    servername: socket.servername || null,
    authorized: socket.authorized,
    authorizationError: socket.authorizationError
      ? String(socket.authorizationError) : null,
    shared_sigalgs: socket.getSharedSigalgs(),
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
