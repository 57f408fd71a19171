'use strict';
// Event-loop stall probe for the interop tests: a TLS client to an echo
// server on 127.0.0.1:PORT that sends one short line every --every-ms
// (default 10) for --ms milliseconds and times each echo. Prints
//   {"event":"ready"} once the handshake is done, then at the end
//   {"event":"result","pings":N,"max_ms":M,"over_100":K}
// (M: the slowest echo; K: echoes slower than 100 ms). Bounded: it gives
// up --ms + 5000 ms after the handshake.
const tls = require('tls');
const fs = require('fs');
const parseArgs = require('./args');

const opts = parseArgs(process.argv.slice(2), []);
const port = Number(opts.port);
const total = Number(opts.ms || 3000);
const every = Number(opts['every-ms'] || 10);

const s = tls.connect({ host: '127.0.0.1', port,
  ca: fs.readFileSync(opts.ca), servername: 'localhost' });
let buf = '';
let sent = 0, got = 0, max = 0, over = 0, t0 = 0, inFlight = null;
let start = 0, done = false;

function finish(why) {
  if (done) return;
  done = true;
  const r = { event: 'result', pings: got, max_ms: max, over_100: over };
  if (why) r.error = why;
  process.stdout.write(JSON.stringify(r) + '\n');
  s.destroy();
  process.exit(0);
}

function ping() {
  if (Date.now() - start >= total) return finish();
  inFlight = `ping ${sent++}\n`;
  t0 = process.hrtime.bigint();
  s.write(inFlight);
}

s.on('secureConnect', () => {
  process.stdout.write('{"event":"ready"}\n');
  start = Date.now();
  setTimeout(() => finish('timeout'), total + 5000);
  ping();
});
s.on('data', (d) => {
  buf += d.toString();
  if (inFlight !== null && buf.includes(inFlight)) {
    const ms = Number((process.hrtime.bigint() - t0) / 1000000n);
    buf = '';
    inFlight = null;
    got++;
    if (ms > max) max = ms;
    if (ms > 100) over++;
    setTimeout(ping, every);
  }
});
s.on('error', (e) => finish(e.code || e.message));
s.on('close', () => finish('closed'));
