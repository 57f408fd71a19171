'use strict';
// Minimal "--name value" / "--flag" parser shared by the Node peers.
// Flags listed in `booleans` take no value.
module.exports = function parseArgs(argv, booleans) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const name = a.slice(2);
    if (booleans.includes(name)) {
      opts[name] = true;
    } else {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      opts[name] = argv[++i];
    }
  }
  return opts;
};
