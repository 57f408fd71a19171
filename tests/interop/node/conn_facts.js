'use strict';
// Node.js side of conn_facts_node.sh: the connection facts petls mirrors
// from tlsSocket, printed as JSON lines with buffers in lower-case hex.
//
//   server: listens on 127.0.0.1:0, prints {"event":"listening","port":N},
//     then per handshake {"event":"secure","protocol":..,
//     "finished":..,"peerFinished":..} (getFinished(), getPeerFinished();
//     null for undefined) and echoes what the client sends.
//     Options: --cert F --key F [--max-version V] [--min-version V]
//   client: connects to 127.0.0.1:PORT, waits for the first 'session'
//     event (a ticket) or --wait MS, prints {"event":"secure","protocol":..,
//     "finished":..,"peerFinished":..,"ticket":..} (getTLSTicket()) and
//     ends. Options: --port P --ca F [--servername N] [--max-version V]
//     [--min-version V] [--wait MS]
const fs = require('fs');
const tls = require('tls');
const parseArgs = require('./args');

const mode = process.argv[2];
const opts = parseArgs(process.argv.slice(3), []);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const hex = (b) => (b ? b.toString('hex') : null);

const limit = setTimeout(() => {
  print({ event: 'error', code: 'TIMEOUT', message: 'no result in time' });
  process.exit(1);
}, 20000);

if (mode === 'server') {
  clearTimeout(limit);
  const conf = {
    cert: fs.readFileSync(opts.cert),
    key: fs.readFileSync(opts.key),
  };
  if (opts['min-version']) conf.minVersion = opts['min-version'];
  if (opts['max-version']) conf.maxVersion = opts['max-version'];
  const server = tls.createServer(conf, (socket) => {
    print({
      event: 'secure',
      protocol: socket.getProtocol(),
      finished: hex(socket.getFinished()),
      peerFinished: hex(socket.getPeerFinished()),
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
  const conn = {
    host: '127.0.0.1',
    port: Number(opts.port),
    ca: fs.readFileSync(opts.ca),
    servername: opts.servername || 'localhost',
  };
  if (opts['min-version']) conn.minVersion = opts['min-version'];
  if (opts['max-version']) conn.maxVersion = opts['max-version'];
  let facts = null;
  let done = false;
  const finish = () => {
    if (done || facts === null) return;
    done = true;
    facts.ticket = hex(socket.getTLSTicket());
    print(facts);
    clearTimeout(limit);
    socket.end();
  };
  const socket = tls.connect(conn, () => {
    facts = {
      event: 'secure',
      protocol: socket.getProtocol(),
      finished: hex(socket.getFinished()),
      peerFinished: hex(socket.getPeerFinished()),
    };
    setTimeout(finish, Number(opts.wait || 10000));
  });
  // A ticket came (TLS 1.2: with the handshake; TLS 1.3: after it).
  socket.on('session', () => setImmediate(finish));
  socket.on('data', () => {});
  socket.on('error', (err) => {
    print({ event: 'error', code: err.code || null, message: err.message });
    process.exit(1);
  });
} else {
  print({ event: 'error', code: 'USAGE', message: 'server or client' });
  process.exit(2);
}
