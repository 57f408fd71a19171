'use strict';
// Node's side of tests/interop/defaults_node.sh: reads the JSON line of
// `petls defaults` (argv[2]) and prints one JSON line comparing it with
// Node's tls.DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION, DEFAULT_ECDH_CURVE,
// DEFAULT_CIPHERS and tls.getCiphers():
//   min_version, max_version, ecdh_curve   Node's values
//   default_tls13      the TLS 1.3 suites of Node's DEFAULT_CIPHERS, in order
//   petls_default_tls13  the same from petls's default_ciphers
//   node_only          getCiphers() names petls does not list (lower case)
//   petls_only         petls names getCiphers() does not list
//   rejected           petls names Node's OpenSSL does not accept as ciphers
//   default_accepted   Node accepts petls's default_ciphers as `ciphers`
const fs = require('fs');
const tls = require('tls');

const petls = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const tls13 = (list) => list.split(':').filter((n) => n.startsWith('TLS_'));
const petlsNames = petls.ciphers.split(':');
const petlsLower = petlsNames.map((n) => n.toLowerCase());
const nodeNames = tls.getCiphers();
const accepts = (ciphers) => {
  try {
    tls.createSecureContext({ ciphers });
    return true;
  } catch (e) {
    return false;
  }
};
process.stdout.write(JSON.stringify({
  min_version: tls.DEFAULT_MIN_VERSION,
  max_version: tls.DEFAULT_MAX_VERSION,
  ecdh_curve: tls.DEFAULT_ECDH_CURVE,
  default_tls13: tls13(tls.DEFAULT_CIPHERS).join(':'),
  petls_default_tls13: tls13(petls.default_ciphers).join(':'),
  node_only: nodeNames.filter((n) => !petlsLower.includes(n)).join(':'),
  petls_only: petlsLower.filter((n) => !nodeNames.includes(n)).join(':'),
  rejected: petlsNames.filter((n) => !accepts(n)).join(':'),
  bogus_accepted: accepts('PETLS-NO-SUCH-SUITE'),
  default_accepted: accepts(petls.default_ciphers),
}) + '\n');
