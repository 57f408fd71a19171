'use strict';
// Node.js peer for the lwIP firmware tests (tests/lwip/*.sh). One JSON line
// per event on stdout. Every mode is bounded by --timeout MS (default 20000).
//
//   client     --port P --ca F [--servername N] [--version TLSv1.3|TLSv1.2]
//              [--alpn a,b] [--connections K] [--bytes N]
//     K connections one after the other, each offering the session of the
//     one before (Node's `session` event and the `session` option); each
//     prints {"event":"secure",protocol,alpn,authorized,reused,cn}; with
//     --bytes, sends N random bytes and checks the echo by SHA-256:
//     {"event":"echo",bytes,match,ms}.
//   raw        --port P [--hex BYTES] [--end] : writes BYTES (hex) over plain
//     TCP (then half-closes with --end), and waits for the peer to close:
//     {"event":"closed",ms,received,firstByte}.
//   concurrent --port P --ca F --servername N --n K : K TLS connections at
//     once; once each is secure or closed: {"event":"summary",secure,closed}
//     and then each secure one echoes a line: {"event":"echoed",count}.
//   fill       --port P --ca F --servername N [--max K] : TLS connections
//     one after the other, each kept open once it echoed a line, until one
//     fails or K are open: {"event":"fill",open,stopped}.
//   server     --cert F --key F [--alpn a,b] [--version V] [--psk HEX
//     --psk-identity ID] [--sni-name N --sni-cert F --sni-key F] : echo
//     server on 127.0.0.1:0 (a second context for the name N); prints
//     {"event":"listening",port}, per connection {"event":"secure",protocol,
//     alpn,servername,reused,psk} and {"event":"closed",bytes}.
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const tls = require('tls');
const parseArgs = require('../interop/node/args');

const mode = process.argv[2];
const opts = parseArgs(process.argv.slice(3), ['end']);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const limit = setTimeout(() => {
  print({ event: 'error', code: 'TIMEOUT', message: 'no result in time' });
  process.exit(1);
}, Number(opts.timeout || 20000));
const done = (rc) => {
  clearTimeout(limit);
  process.exitCode = rc;
};
const port = Number(opts.port);

function clientOptions(session) {
  const o = { host: '127.0.0.1', port, rejectUnauthorized: true };
  if (opts.ca) o.ca = fs.readFileSync(opts.ca);
  if (opts.servername) o.servername = opts.servername;
  if (opts.version) {
    o.minVersion = opts.version;
    o.maxVersion = opts.version;
  }
  if (opts.alpn) o.ALPNProtocols = opts.alpn.split(',');
  if (session) o.session = session;
  return o;
}

function oneClient(session, cb) {
  let last = session;
  const socket = tls.connect(clientOptions(session), () => {
    const cert = socket.getPeerCertificate();
    print({
      event: 'secure',
      protocol: socket.getProtocol(),
      alpn: socket.alpnProtocol || null,
      authorized: socket.authorized,
      reused: socket.isSessionReused(),
      cn: cert && cert.subject ? cert.subject.CN : null,
    });
    if (!opts.bytes) {
      socket.end();
      return;
    }
    const n = Number(opts.bytes);
    const data = crypto.randomBytes(n);
    const want = crypto.createHash('sha256').update(data).digest('hex');
    const got = crypto.createHash('sha256');
    const t0 = Date.now();
    let seen = 0;
    socket.on('data', (d) => {
      got.update(d);
      seen += d.length;
      if (seen >= n) {
        print({ event: 'echo', bytes: seen, match: got.digest('hex') === want,
          ms: Date.now() - t0 });
        socket.end();
      }
    });
    // Full duplex: Node queues the writes, the echo is read meanwhile.
    for (let off = 0; off < n; off += 16384) socket.write(data.subarray(off, off + 16384));
  });
  socket.on('session', (s) => { last = s; });
  socket.on('error', (e) => {
    print({ event: 'error', code: e.code || null, message: e.message });
  });
  socket.on('close', () => cb(last));
}

function client() {
  let left = Number(opts.connections || 1);
  const next = (session) => {
    if (left-- === 0) return done(0);
    oneClient(session, next);
  };
  next(undefined);
}

function raw() {
  const t0 = Date.now();
  let received = 0;
  let firstByte = null;
  const s = net.connect({ host: '127.0.0.1', port }, () => {
    if (opts.hex) s.write(Buffer.from(opts.hex, 'hex'));
    if (opts.end) s.end();
  });
  s.on('data', (d) => {
    if (firstByte === null) firstByte = d[0];
    received += d.length;
  });
  s.on('error', () => {});
  s.on('close', () => {
    print({ event: 'closed', ms: Date.now() - t0, received, firstByte });
    done(0);
  });
}

function concurrent() {
  const n = Number(opts.n);
  const socks = [];
  let settled = 0;
  let secure = 0;
  let closed = 0;
  let echoed = 0;
  const check = () => {
    if (settled !== n) return;
    print({ event: 'summary', secure, closed });
    const live = socks.filter((s) => s.ok);
    if (live.length === 0) return done(0);
    let left = live.length;
    live.forEach((s, i) => {
      const line = `conc-${i}\n`;
      let got = '';
      s.sock.on('data', (d) => {
        got += d;
        if (got === line) {
          echoed++;
          s.sock.end();
        }
      });
      s.sock.on('close', () => {
        if (--left === 0) {
          print({ event: 'echoed', count: echoed });
          done(0);
        }
      });
      s.sock.write(line);
    });
  };
  for (let i = 0; i < n; i++) {
    const s = { ok: false, settled: false };
    const settle = (ok) => {
      if (s.settled) return;
      s.settled = true;
      s.ok = ok;
      if (ok) secure++; else closed++;
      settled++;
      check();
    };
    s.sock = tls.connect(clientOptions(undefined), () => settle(true));
    s.sock.on('error', () => settle(false));
    s.sock.on('close', () => settle(false));
    socks.push(s);
  }
}

// One TLS connection after the other, each kept open once its line came
// back, until one fails or --max are open: how many fit the server.
function fill() {
  const max = Number(opts.max || 8);
  const open = [];
  const finish = (why) => {
    print({ event: 'fill', open: open.length, stopped: why });
    open.forEach((s) => s.destroy());
    done(0);
  };
  const next = () => {
    if (open.length === max) return finish('max');
    let settled = false;
    const sock = tls.connect(clientOptions(undefined), () => sock.write('fill\n'));
    let got = '';
    sock.on('data', (d) => {
      got += d;
      if (!settled && got === 'fill\n') {
        settled = true;
        open.push(sock);
        next();
      }
    });
    const fail = (e) => {
      if (settled) return;
      settled = true;
      finish(e && e.message ? e.message : 'closed');
    };
    sock.on('error', fail);
    sock.on('close', () => fail(null));
  };
  next();
}

function server() {
  const o = {
    cert: opts.cert ? fs.readFileSync(opts.cert) : undefined,
    key: opts.key ? fs.readFileSync(opts.key) : undefined,
  };
  if (opts.alpn) o.ALPNProtocols = opts.alpn.split(',');
  if (opts.version) {
    o.minVersion = opts.version;
    o.maxVersion = opts.version;
  }
  if (opts.psk) {
    const key = Buffer.from(opts.psk, 'hex');
    o.pskCallback = (socket, id) => (id === opts['psk-identity'] ? key : null);
    o.ciphers = 'PSK-AES128-GCM-SHA256:ECDHE-PSK-AES128-CBC-SHA256:' + tls.DEFAULT_CIPHERS;
  }
  const srv = tls.createServer(o, (sock) => {
    let bytes = 0;
    print({
      event: 'secure',
      protocol: sock.getProtocol(),
      alpn: sock.alpnProtocol || null,
      servername: sock.servername || null,
      reused: sock.isSessionReused(),
    });
    sock.on('data', (d) => {
      bytes += d.length;
      sock.write(d);
    });
    sock.on('error', () => {});
    sock.on('end', () => sock.end());
    sock.on('close', () => print({ event: 'closed', bytes }));
  });
  if (opts['sni-name']) {
    srv.addContext(opts['sni-name'], {
      cert: fs.readFileSync(opts['sni-cert']),
      key: fs.readFileSync(opts['sni-key']),
    });
  }
  srv.on('tlsClientError', (e) => print({ event: 'tlsClientError', message: e.message }));
  srv.listen(0, '127.0.0.1', () => {
    clearTimeout(limit); // a server runs until the test stops it
    print({ event: 'listening', port: srv.address().port });
  });
}

const modes = { client, raw, concurrent, fill, server };
if (!modes[mode]) {
  process.stderr.write(`usage: fw_peer.js client|raw|concurrent|fill|server ...\n`);
  process.exit(2);
}
modes[mode]();
