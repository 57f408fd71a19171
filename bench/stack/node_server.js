// A Node.js tls echo server for the stack layer: one process, Node's
// defaults (session tickets on for TLS 1.2 and 1.3), X25519 first.
// usage: node node_server.js PORT CERT KEY   ("listening on ..." on stderr)
'use strict';
const fs = require('fs');
const tls = require('tls');

const [port, cert, key] = process.argv.slice(2);
const server = tls.createServer({
  cert: fs.readFileSync(cert),
  key: fs.readFileSync(key),
  ecdhCurve: 'X25519:P-256',
  minVersion: 'TLSv1.2',
  // TCP_NODELAY from accept on, so the handshake flights are not held by
  // Nagle either (the other servers set it on every socket too).
  noDelay: true,
}, (sock) => {
  sock.on('error', () => {});
  sock.pipe(sock);
});
server.maxConnections = 20000;
server.on('tlsClientError', () => {});
server.listen(Number(port), '127.0.0.1', 4096, () => {
  process.stderr.write(`listening on 127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
