#!/usr/bin/env bash
# ctest bench_smoke: runs the library-layer loops and the heap counter for a
# handful of iterations and checks what they print (valid JSON, no errors,
# resumption really resumed, the heap counter saw the connection). Measures
# nothing: timing belongs to bench/run.sh.
#
# usage: bench/smoke.sh BENCH_BIN_DIR CERT_DIR
set -euo pipefail
bin=$1
certs=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for impl in petls mbedtls openssl; do
  [ -x "$bin/lib_$impl" ] || continue
  "$bin/lib_$impl" --certs "$certs" --iters 2 --mb 1 \
    --scenario full-tls13-ecdsa,full-tls12-rsa,resume-,psk-tls13-external,bulk-tls13-chacha20 >>"$out"
done
"$bin/lib_mbedtls" --certs "$certs" --crypto 0.01 --scenario none >>"$out"
for impl in petls mbedtls; do
  [ -x "$bin/mem_$impl" ] || continue
  "$bin/mem_$impl" --certs "$certs" --scenario full-tls13-ecdsa >>"$out"
done

python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bad = []
seen = set()
for r in rows:
    seen.add((r["layer"], r.get("impl")))
    if "error" in r:
        bad.append("%s %s: %s" % (r.get("impl"), r.get("scenario"), r["error"]))
    if r["layer"] == "lib" and "iters" in r:
        want = r["iters"] if r["scenario"].startswith(("resume", "psk")) else 0
        if r["unit"] == "handshake" and r["resumed"] != want:
            bad.append("%s %s: resumed %d of %d (want %d)" % (
                r["impl"], r["scenario"], r["resumed"], r["iters"], want))
        if r["server_us"] <= 0 or r["client_us"] <= 0:
            bad.append("%s %s: no time measured" % (r["impl"], r["scenario"]))
    if r["layer"] == "mem" and "server" in r:
        # An established TLS 1.3 connection holds at least its record
        # buffers; zero means the counter missed the allocations.
        if r["server"]["idle"] < 4096 or r["client"]["idle"] < 4096:
            bad.append("%s mem: idle heap %d/%d too small" % (
                r["impl"], r["server"]["idle"], r["client"]["idle"]))
for need in [("lib", "petls"), ("lib", "mbedtls"), ("crypto", "mbedtls")]:
    if need not in seen:
        bad.append("no %s row for %s" % need)
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("bench smoke: %d rows ok" % len(rows))
PY
