'use strict';
// Lock-out probe for the interop tests. Against 127.0.0.1:PORT it opens
// --tcp N bare TCP connections that never send a byte, then --tls M TLS
// connections that finish their handshake and stay idle (all held open
// from this side), then times one more TLS client (--probe): connect,
// handshake, one echoed line. Prints one line:
//   {"event":"result","tcp_open":N,"tls_ok":M,"tls_failed":K,
//    "probe":"ok"|"<error>","probe_ms":N}
// --wait-close: then waits for the server to end the first TLS connection
// and adds "closed_ms" (from its handshake).
// --hold-until FILE: after the result line, keeps every connection open
// until FILE exists (another client is tried meanwhile), then exits.
// Every phase is bounded by --phase-ms (default 20000).
const net = require('net');
const tls = require('tls');
const fs = require('fs');
const parseArgs = require('./args');

const opts = parseArgs(process.argv.slice(2), ['probe', 'wait-close']);
const port = Number(opts.port);
const nTcp = Number(opts.tcp || 0);
const nTls = Number(opts.tls || 0);
const phaseMs = Number(opts['phase-ms'] || 20000);
const ca = fs.readFileSync(opts.ca);
const held = [];

function withDeadline(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(`timeout: ${what}`), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// Opens n sockets with at most 64 connects in flight; resolves with the
// count that connected (or handshook).
function openMany(n, open) {
  let started = 0, done = 0, ok = 0, failed = 0;
  return new Promise((resolve) => {
    if (n === 0) return resolve({ ok, failed });
    const next = () => {
      while (started < n && started - done < 64) {
        started++;
        open((success) => {
          done++;
          if (success) ok++; else failed++;
          if (done === n) resolve({ ok, failed });
          else next();
        });
      }
    };
    next();
  });
}

function openTcp(cb) {
  const s = net.connect({ host: '127.0.0.1', port });
  let told = false;
  const tell = (v) => { if (!told) { told = true; cb(v); } };
  s.on('connect', () => { held.push(s); tell(true); });
  s.on('error', () => tell(false));
  s.on('close', () => tell(false));
}

function openTls(cb) {
  const s = tls.connect({ host: '127.0.0.1', port, ca,
    servername: 'localhost' });
  let told = false;
  const tell = (v) => { if (!told) { told = true; cb(v); } };
  s.on('secureConnect', () => {
    s.petlsAt = process.hrtime.bigint();
    held.push(s);
    tell(true);
  });
  s.on('error', () => tell(false));
  s.on('close', () => tell(false));
}

// The first TLS connection's end: ms since its handshake.
function waitClose() {
  const s = held.find((h) => h.petlsAt !== undefined);
  if (s === undefined) return Promise.resolve('no TLS connection');
  return new Promise((resolve) => {
    s.on('close', () => resolve(
      Number((process.hrtime.bigint() - s.petlsAt) / 1000000n)));
  });
}

// Resolves once path exists (polled every 20 ms).
function waitFile(path) {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (fs.existsSync(path)) { clearInterval(t); resolve('released'); }
    }, 20);
  });
}

function probe() {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca,
      servername: 'localhost' });
    let buf = '';
    s.on('secureConnect', () => s.write('probe\n'));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('probe\n')) { s.end(); resolve('ok'); }
    });
    s.on('error', (e) => resolve(e.code || e.message));
    s.on('close', () => resolve('closed before the echo'));
  });
}

(async () => {
  const tcp = await withDeadline(openMany(nTcp, openTcp), phaseMs, 'tcp');
  const tlsr = await withDeadline(openMany(nTls, openTls), phaseMs, 'tls');
  const result = { event: 'result',
    tcp_open: typeof tcp === 'string' ? tcp : tcp.ok,
    tls_ok: typeof tlsr === 'string' ? tlsr : tlsr.ok,
    tls_failed: typeof tlsr === 'string' ? tlsr : tlsr.failed };
  if (opts.probe) {
    const t0 = process.hrtime.bigint();
    result.probe = await withDeadline(probe(), phaseMs, 'probe');
    result.probe_ms = Number((process.hrtime.bigint() - t0) / 1000000n);
  }
  if (opts['wait-close']) {
    const c = await withDeadline(waitClose(), phaseMs, 'close');
    result.closed_ms = c;
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  if (opts['hold-until'] !== undefined)
    await withDeadline(waitFile(opts['hold-until']), phaseMs, 'hold');
  for (const s of held) s.destroy();
  process.exit(0);
})();
