'use strict';
// authorized / authorizationError of one server certificate, once per TLS
// version (one Node process for all of them, to keep the purpose tests
// short). node authorized.js PORT CA SERVERNAME VERSION...
// prints {"event":"secure","version":V,"authorized":..,
// "authorizationError":..} or {"event":"error","version":V,"code":..}
// per version, in order; rejectUnauthorized is false.
const fs = require('fs');
const tls = require('tls');

const [port, ca, servername, ...versions] = process.argv.slice(2);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const timer = setTimeout(() => process.exit(1), 10000);

function next(i) {
  if (i >= versions.length) {
    clearTimeout(timer);
    return;
  }
  const v = versions[i];
  const s = tls.connect({
    host: '127.0.0.1', port: Number(port), servername, ca: fs.readFileSync(ca),
    minVersion: v, maxVersion: v, rejectUnauthorized: false,
  }, () => {
    print({
      event: 'secure', version: v, authorized: s.authorized,
      authorizationError: s.authorizationError
        ? String(s.authorizationError) : null,
    });
    s.end();
    next(i + 1);
  });
  s.on('error', (e) => {
    print({ event: 'error', version: v, code: e.code || null });
    s.destroy();
    next(i + 1);
  });
}
next(0);
