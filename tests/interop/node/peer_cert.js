// getPeerCertificate(true) as JSON, to compare with `petls --peer-cert`.
//   node peer_cert.js client PORT CA MAXVERSION [CERT KEY]
//     connects to 127.0.0.1:PORT (servername localhost), prints
//     {"event":"peer_certificate",...} of the server's certificate.
//   node peer_cert.js server CERT KEY CA
//     requests a client certificate; prints {"event":"listening","port":N},
//     then one peer_certificate line per client.
// Buffers (raw, pubkey) become lower-case hex; the top certificate's
// issuerCertificate (itself in Node) is left out, as petls does, since JSON
// cannot hold the cycle.
'use strict';
const tls = require('tls');
const fs = require('fs');

function plain(cert) {
  const out = {};
  for (const [k, v] of Object.entries(cert)) {
    if (k === 'issuerCertificate') continue;
    if (Buffer.isBuffer(v)) out[k] = v.toString('hex');
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      out[k] = Object.assign({}, v);
    else out[k] = v;
  }
  if (cert.issuerCertificate && cert.issuerCertificate !== cert)
    out.issuerCertificate = plain(cert.issuerCertificate);
  return out;
}

function line(cert) {
  console.log(JSON.stringify(Object.assign({ event: 'peer_certificate' },
    plain(cert))));
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'client') {
  const [port, ca, maxVersion, cert, key] = args;
  const opts = {
    host: '127.0.0.1', port: Number(port), servername: 'localhost',
    ca: fs.readFileSync(ca), maxVersion,
  };
  if (cert) {
    opts.cert = fs.readFileSync(cert);
    opts.key = fs.readFileSync(key);
  }
  const s = tls.connect(opts, () => {
    line(s.getPeerCertificate(true));
    s.end();
  });
  s.on('error', (e) => { console.error(e.message); process.exit(1); });
} else if (mode === 'server') {
  const [cert, key, ca] = args;
  const srv = tls.createServer({
    cert: fs.readFileSync(cert), key: fs.readFileSync(key),
    ca: fs.readFileSync(ca), requestCert: true, rejectUnauthorized: false,
  }, (s) => {
    line(s.getPeerCertificate(true));
    s.end();
  });
  srv.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ event: 'listening',
      port: srv.address().port }));
  });
} else {
  console.error('usage: peer_cert.js client|server ...');
  process.exit(2);
}
