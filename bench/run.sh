#!/usr/bin/env bash
# petls benchmark harness: one command for every layer, peer and chart.
#
#   bench/run.sh            short run (about 2 minutes on an idle 2-core box)
#   bench/run.sh --full     the run for docs/benchmarks.md (more repeats,
#                           every scenario under callgrind, 10,000 idle
#                           connections, source-built mbedTLS record-size
#                           builds for the heap table)
#   bench/run.sh --memory   the memory layers only (issue 11): heap per
#                           connection in every build (distribution,
#                           recommended and small source-built records)
#                           with record buffers released and kept, RSS per
#                           idle connection at 1/100/1,000/10,000 (released
#                           and kept) against Node, and the instruction
#                           overhead of releasing buffers (callgrind)
#
# Options: --out DIR (default build-bench/results/<UTC time>), --repeats N,
#          --no-build, --no-stack, --no-callgrind, --smoke (seconds-long run
#          that only checks the harness works: used by the ctest smoke test)
#
# Writes DIR/raw.jsonl (every measurement), DIR/results.json (medians,
# spreads, machine facts, targets), DIR/results.md (tables) and
# DIR/chart.png (gnuplot), and prints results.md.
set -euo pipefail
# The whole script is one compound command, so bash has read all of it before
# it runs: editing run.sh during a run cannot change that run.
{

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build="${PETLS_BENCH_BUILD:-$root/build-bench}"
mode=default
repeats=""
out=""
do_build=1
do_stack=1
do_cg=1
while [ $# -gt 0 ]; do
  case "$1" in
  --full) mode=full ;;
  --memory) mode=memory ;;
  --smoke) mode=smoke ;;
  --out) out="$2"; shift ;;
  --repeats) repeats="$2"; shift ;;
  --no-build) do_build=0 ;;
  --no-stack) do_stack=0 ;;
  --no-callgrind) do_cg=0 ;;
  -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
  *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# Per-mode sizes: repeats, seconds per timed lib scenario, callgrind
# iterations, stack seconds per run, idle connection counts.
case "$mode" in
smoke) R=1; LIB_S=0; LIB_N=2; LIB_MB=1; CG_N=1; STACK_S=0.5; IDLE="1 10"
  CG_SCEN="full-tls13-ecdsa"; CG_IMPLS="petls mbedtls"; CRYPTO_S=0.05 ;;
default) R=3; LIB_S=0.1; LIB_N=3; LIB_MB=4; CG_N=2; STACK_S=1
  IDLE="1 100 1000"
  CG_SCEN="full-tls13-ecdsa,resume-tls12-ticket,resume-tls13-psk_ke,psk-tls13-external,bulk-tls13-aes128gcm"
  CG_IMPLS="petls mbedtls"; CRYPTO_S=0.2 ;;
full) R=5; LIB_S=0.5; LIB_N=10; LIB_MB=32; CG_N=4; STACK_S=3
  IDLE="1 100 1000 10000"; CG_SCEN="all"; CG_IMPLS="petls mbedtls openssl"
  CRYPTO_S=1 ;;
memory) R=1; LIB_S=0; LIB_N=2; LIB_MB=1; CG_N=2; STACK_S=0
  IDLE="1 100 1000 10000"; CG_SCEN=""; CG_IMPLS=""; CRYPTO_S=0 ;;
esac
# The release-overhead scenarios (callgrind, buffers kept vs released):
# every mode but smoke, which measures nothing.
REL_SCEN="full-tls13-ecdsa resume-tls12-ticket resume-tls13-psk_dhe_ke resume-tls13-psk_ke bulk-tls13-aes128gcm"
[ "$mode" = smoke ] && REL_SCEN=""
# Idle-connection servers: petls-kept is the petls server with
# --keep-buffers (record buffers kept while idle).
RSS_SERVERS="petls petls-kept node mbedtls"
[ "$mode" = smoke ] && RSS_SERVERS="petls node mbedtls"
# The stack layer repeats at most 3 times (each repeat restarts 4 servers),
# once in the default run (its time budget).
STACK_R=$((R < 3 ? R : 3))
[ "$mode" = default ] && STACK_R=1
[ -n "$repeats" ] && R="$repeats" && STACK_R="$repeats"
[ -n "$out" ] || out="$build/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
raw="$out/raw.jsonl"
: >"$raw"
log="$out/run.log"
: >"$log"

# ---- Progress line -------------------------------------------------------
step=0
steps_total=9
t_begin=$(date +%s)
progress() {
  step=$((step + 1))
  printf '\r\033[K[%d/%d %3ss] %s' "$step" "$steps_total" \
    "$(($(date +%s) - t_begin))" "$1" >&2
}
sub() { printf '\r\033[K[%d/%d %3ss] %s' "$step" "$steps_total" \
  "$(($(date +%s) - t_begin))" "$1" >&2; }
# Appends JSON lines from stdin with extra fields (a JSON fragment).
tag() { sed -e "s/^{/{$1,/"; }

pids=()
cleanup() {
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT

# ---- 1. Build --------------------------------------------------------------
progress "building (cmake $build)"
targets=(lib_petls lib_mbedtls mem_petls mem_mbedtls loadgen mbedtls_server)
if [ "$do_build" = 1 ]; then
  cmake -S "$root" -B "$build" -DPETLS_BUILD_BENCH=ON -DPETLS_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >>"$log" 2>&1
  cmake --build "$build" -j2 --target "${targets[@]}" >>"$log" 2>&1 || {
    echo; echo "run.sh: build failed, see $log" >&2; exit 1; }
  # Optional pieces: OpenSSL loop (libssl-dev), the petls CLI (server).
  cmake --build "$build" -j2 --target lib_openssl >>"$log" 2>&1 || true
  cmake --build "$build" -j2 --target petls_cli >>"$log" 2>&1 ||
    cmake --build "$build" -j2 --target petls-cli >>"$log" 2>&1 ||
    cmake --build "$build" -j2 --target tools/all >>"$log" 2>&1 || true
fi
B="$build/bench"
PETLS_CLI=""
for c in "$build/tools/petls" "$build/tools/petls/petls"; do
  [ -x "$c" ] && [ ! -d "$c" ] && PETLS_CLI="$c" && break
done
impls=(petls mbedtls)
[ -x "$B/lib_openssl" ] && impls+=(openssl)

# The mbedTLS record-size builds for the heap table (--full): mbedTLS from
# source with port/mbedtls/petls_mbedtls_full.h plus a record-size overlay.
mem_builds=()
if { [ "$mode" = full ] || [ "$mode" = memory ]; } && [ "$do_build" = 1 ] &&
  [ -d "$root/.deps/mbedtls-src" ]; then
  vs="recommended small"
  for v in $vs; do
    sub "building mbedTLS from source ($v record buffers)"
    d="$build-$v"
    # "full": the source build's own 16K/16K records (no overlay).
    overlay=()
    [ "$v" = full ] || overlay=(-DMBEDTLS_USER_CONFIG_FILE="$here/configs/records_$v.h")
    cmake -S "$root" -B "$d" -DPETLS_BUILD_BENCH=ON -DPETLS_BUILD_TESTS=OFF \
      -DPETLS_BUILD_TOOLS=OFF -DCMAKE_BUILD_TYPE=Release \
      -DPETLS_MBEDTLS_SOURCE_DIR="$root/.deps/mbedtls-src" \
      -DPETLS_MBEDTLS_CONFIG=full "${overlay[@]}" >>"$log" 2>&1 &&
      cmake --build "$d" -j2 --target mem_petls mem_mbedtls >>"$log" 2>&1 &&
      mem_builds+=("$v:$d/bench") || echo "($v build failed; see $log)" >&2
  done
fi

# ---- 2. Certificates and machine facts -----------------------------------
progress "certificates and machine facts"
certs="${PETLS_TEST_CERTS:-}"
if [ -z "$certs" ] || [ ! -f "$certs/server-ecdsa.pem" ]; then
  certs="$out/certs"
  mkdir -p "$certs"
  bash "$root/tests/certs/gen-certs.sh" "$certs" >>"$log" 2>&1
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mbedtls_ver=$(sed -n 's/^PETLS_MBEDTLS_VERSION:[^=]*=//p' "$build/CMakeCache.txt" 2>/dev/null | head -1)
[ -n "$mbedtls_ver" ] || mbedtls_ver=$(grep -o 'MBEDTLS_VERSION_STRING *"[0-9.]*"' \
  "$root/.deps/mbedtls/usr/include/mbedtls/build_info.h" 2>/dev/null | grep -o '[0-9.]*' | head -1)
json_str() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
cat >"$out/machine.json" <<EOF
{"cpu":"$(json_str "$cpu")","cores":$(nproc),"kernel":"$(uname -r)",
"os":"$(json_str "$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")")",
"load_start":"$(cut -d' ' -f1-3 /proc/loadavg)",
"petls_commit":"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)",
"mbedtls":"${mbedtls_ver:-unknown}",
"openssl":"$(json_str "$(openssl version 2>/dev/null || echo none)")",
"node":"$(node --version 2>/dev/null || echo none)",
"node_openssl":"$(node -p process.versions.openssl 2>/dev/null || echo none)",
"gcc":"$(json_str "$(gcc --version | head -1)")",
"valgrind":"$(valgrind --version 2>/dev/null || echo none)",
"mode":"$mode","repeats":$R,"date":"$(date -u +%Y-%m-%dT%H:%M:%SZ)",
"command":"$(json_str "bench/run.sh${mode/default/}" | sed 's/smoke/ --smoke/; s/full/ --full/; s/memory/ --memory/')"}
EOF

# ---- 3. Library layer, time ------------------------------------------------
progress "library layer (time, $R repeats)"
[ "$mode" = memory ] || for r in $(seq 1 "$R"); do
  for impl in "${impls[@]}"; do
    sub "library layer: $impl, repeat $r/$R"
    "$B/lib_$impl" --certs "$certs" --iters "$LIB_N" --seconds "$LIB_S" \
      --mb "$LIB_MB" 2>>"$log" | tag "\"rep\":$r" >>"$raw" || true
  done
done

# ---- 4. Crypto ceiling ---------------------------------------------------
progress "crypto ceiling (mbedTLS through PSA/PK)"
[ "$mode" = memory ] || for r in $(seq 1 "$R"); do
  "$B/lib_mbedtls" --certs "$certs" --crypto "$CRYPTO_S" --scenario none \
    2>>"$log" | tag "\"rep\":$r" >>"$raw" || true
done

# ---- 5. Instructions (callgrind) -------------------------------------------
progress "instruction counts (callgrind)"
# cg_measure IMPL SCENARIO: prints "ITERS CLIENT_IR SERVER_IR" (per
# iteration) or nothing. The environment passes through (the release
# overhead runs set PETLS_BENCH_KEEP_BUFFERS).
cg_measure() {
  local impl=$1 sc=$2 f line iters ci si
  f="$cgdir/$impl.$sc.$$.out"
  line=$(valgrind --tool=callgrind --callgrind-out-file="$f" \
    "$B/lib_$impl" --certs "$certs" --scenario "$sc" --iters "$CG_N" \
    --mb 2 2>>"$log" | tail -1) || true
  case "$line" in *'"iters"'*) ;; *) echo "$line" | tag '"layer2":"cg"' >>"$log"; rm -f "$f"; return 0 ;; esac
  iters=$(echo "$line" | sed 's/.*"iters":\([0-9]*\).*/\1/')
  # Inclusive instructions of every cgc_* (client) and cgs_* (server)
  # entry point.
  read -r ci si < <(callgrind_annotate --inclusive=yes --threshold=100 "$f" 2>/dev/null |
    awk '/=>/ {next}  # call-edge lines repeat the callee costs
         /:cgc_[a-z_]+ / {gsub(",","",$1); c+=$1}
         /:cgs_[a-z_]+ / {gsub(",","",$1); s+=$1}
         END {printf "%d %d\n", c, s}')
  rm -f "$f"
  echo "$iters $((ci / iters)) $((si / iters))"
}
if [ "$do_cg" = 1 ] && command -v valgrind >/dev/null; then
  cgdir="$out/callgrind"
  mkdir -p "$cgdir"
  scen_list=$("$B/lib_petls" --list)
  for impl in "${impls[@]}"; do
    case " $CG_IMPLS " in *" $impl "*) ;; *) continue ;; esac
    for sc in $scen_list; do
      case ",$CG_SCEN," in *",$sc,"* | ",all,") ;; *) continue ;; esac
      sub "callgrind: $impl $sc"
      read -r iters ci si < <(cg_measure "$impl" "$sc") || continue
      [ -n "${si:-}" ] || continue
      echo "{\"layer\":\"cg\",\"impl\":\"$impl\",\"scenario\":\"$sc\",\"iters\":$iters,\"client_ir\":$ci,\"server_ir\":$si}" >>"$raw"
    done
  done
  # Release overhead (issue 11 item 7): petls with record buffers kept
  # (PETLS_BENCH_KEEP_BUFFERS=1) and released (the default), same
  # scenario, same binary.
  for sc in $REL_SCEN; do
    for keep in 1 0; do
      sub "callgrind: release overhead, $sc, kept=$keep"
      read -r iters ci si < <(PETLS_BENCH_KEEP_BUFFERS=$keep cg_measure petls "$sc") || continue
      [ -n "${si:-}" ] || continue
      echo "{\"layer\":\"cg_release\",\"impl\":\"petls\",\"scenario\":\"$sc\",\"kept\":$keep,\"iters\":$iters,\"client_ir\":$ci,\"server_ir\":$si}" >>"$raw"
    done
  done
fi

# ---- 6. Heap per connection ----------------------------------------------
progress "heap per connection (counting allocator)"
for impl in petls mbedtls; do
  "$B/mem_$impl" --certs "$certs" --build distribution-16K \
    2>>"$log" >>"$raw" || true
done
# Record buffers kept (petls_config_set_release_buffers(cfg, 0)).
PETLS_BENCH_KEEP_BUFFERS=1 "$B/mem_petls" --certs "$certs" \
  --build "distribution-16K, kept" 2>>"$log" >>"$raw" || true
for mb in "${mem_builds[@]:-}"; do
  [ -n "$mb" ] || continue
  label=${mb%%:*}
  dir=${mb#*:}
  for impl in petls mbedtls; do
    "$dir/mem_$impl" --certs "$certs" --build "$label" \
      --scenario full-tls13-ecdsa,resume-tls13-psk_dhe_ke \
      2>>"$log" >>"$raw" || true
  done
  PETLS_BENCH_KEEP_BUFFERS=1 "$dir/mem_petls" --certs "$certs" \
    --build "$label, kept" --scenario full-tls13-ecdsa,resume-tls13-psk_dhe_ke \
    2>>"$log" >>"$raw" || true
done

# ---- 7/8. Stack layer --------------------------------------------------------
# Below the kernel's ephemeral range (32768-60999 on Linux), so the load
# generator's own sockets never hold a port a server wants.
port_base=$((10000 + RANDOM % 12000))
wait_listen() { # PORT PID: waits until the port is in LISTEN state
  local hex
  hex=$(printf ':%04X ' "$1")
  for _ in $(seq 1 150); do
    kill -0 "$2" 2>/dev/null || return 1
    # s_server listens on [::] (dual stack): tcp6 too. No pipe: with
    # pipefail, grep -q leaving early would fail the writer.
    grep -qs "$hex[0-9A-F:]* 0A " /proc/net/tcp /proc/net/tcp6 && return 0
    sleep 0.1
  done
  return 1
}
# start_server NAME PORT KEYTYPE: sets srv_pid, or returns 1.
start_server() {
  local name=$1 port=$2 kt=$3 err="$out/server.$1.$2.err"
  local cert="$certs/server-$kt.pem" key="$certs/server-$kt.key"
  : >"$err"
  case "$name" in
  petls | petls-kept)
    [ -n "$PETLS_CLI" ] || return 1
    local extra=()
    [ "$name" = petls-kept ] && extra=(--keep-buffers)
    (ulimit -n 20000 2>/dev/null || true
     exec "$PETLS_CLI" server --listen "127.0.0.1:$port" --cert "$cert" \
       --key "$key" --echo --max-conns 20000 --idle-timeout 0 \
       --groups X25519:P-256 "${extra[@]}" >/dev/null 2>"$err") &
    ;;
  node)
    (ulimit -n 20000 2>/dev/null || true
     exec node "$here/stack/node_server.js" "$port" "$cert" "$key" \
       >/dev/null 2>"$err") &
    ;;
  openssl)
    # Single-threaded, one connection at a time; -rev answers each line
    # with the line reversed (same size as the request).
    (exec openssl s_server -accept "$port" -cert "$cert" \
       -cert_chain "$certs/inter.pem" -key "$key" -rev -quiet \
       -naccept 100000000 -groups X25519:P-256 </dev/null >/dev/null 2>"$err") &
    ;;
  mbedtls)
    (ulimit -n 20000 2>/dev/null || true
     exec "$B/mbedtls_server" --port "$port" --cert "$cert" --key "$key" \
       >/dev/null 2>"$err") &
    ;;
  esac
  srv_pid=$!
  pids+=("$srv_pid")
  if ! wait_listen "$port" "$srv_pid"; then
    kill "$srv_pid" 2>/dev/null || true
    return 1
  fi
  sleep 0.2
}
stop_server() {
  kill "$srv_pid" 2>/dev/null || true
  wait "$srv_pid" 2>/dev/null || true
}
lg() { # loadgen ARGS...: one JSON line
  "$B/loadgen" --ca "$certs/ca.pem" "$@" 2>>"$log" | tail -1
}

progress "stack layer: handshakes, latency, throughput over loopback"
p=$port_base
if [ "$do_stack" = 1 ] && [ "$mode" != memory ]; then
  servers=(petls node openssl mbedtls)
  for r in $(seq 1 "$STACK_R"); do
    for s in "${servers[@]}"; do
      p=$((p + 1))
      sub "stack layer: $s server, repeat $r/$STACK_R"
      if ! start_server "$s" "$p" ecdsa; then
        echo "{\"layer\":\"stack\",\"server\":\"$s\",\"rep\":$r,\"error\":\"server did not start\"}" >>"$raw"
        continue
      fi
      conc=4
      [ "$s" = openssl ] && conc=1
      {
        lg --port "$p" --mode handshake --tls13 --conns "$conc" --seconds "$STACK_S"
        lg --port "$p" --mode handshake --tls12 --conns "$conc" --seconds "$STACK_S"
        lg --port "$p" --mode handshake --tls12 --resume --conns "$conc" --seconds "$STACK_S"
        [ "$conc" = 1 ] ||
          lg --port "$p" --mode handshake --tls12 --resume --conns 1 --seconds "$STACK_S"
        lg --port "$p" --mode handshake --tls13 --resume --conns "$conc" --seconds "$STACK_S"
        lg --port "$p" --mode latency --tls13 --conns $((conc == 1 ? 1 : 16)) --size 64 --seconds "$STACK_S"
        if [ "$s" != openssl ]; then
          lg --port "$p" --mode throughput --tls13 --conns 1 --seconds "$STACK_S"
        fi
      } | tag "\"server\":\"$s\",\"rep\":$r" >>"$raw"
      stop_server
    done
  done
fi

progress "stack layer: RSS per idle connection (petls server vs Node)"
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
if [ "$do_stack" = 1 ]; then
  for s in $RSS_SERVERS; do
    for n in $IDLE; do
      p=$((p + 1))
      sub "idle connections: $s server, $n connections"
      start_server "$s" "$p" ecdsa || {
        echo "{\"layer\":\"rss\",\"server\":\"$s\",\"conns\":$n,\"error\":\"server did not start\"}" >>"$raw"
        continue; }
      # One connection first so lazily made state (code pages, caches,
      # Node's JIT) is in the baseline, not charged to the idle ones.
      lg --port "$p" --mode handshake --tls13 --conns 1 --seconds 0.3 >/dev/null || true
      sleep 0.3
      base=$(rss_kb "$srv_pid")
      fifo="$out/idle.fifo"
      rm -f "$fifo"
      mkfifo "$fifo"
      (ulimit -n 20000 2>/dev/null || true
       exec "$B/loadgen" --ca "$certs/ca.pem" --port "$p" --mode idle --tls13 \
         --resume --conns "$n" --max-inflight 32 <"$fifo" >"$out/idle.out" 2>>"$log") &
      lgpid=$!
      exec 9>"$fifo"
      ok=0
      # 10,000 handshakes take minutes on a loaded 2-core box.
      for _ in $(seq 1 $((n >= 10000 ? 6000 : 1800))); do
        grep -q ready "$out/idle.out" 2>/dev/null && { ok=1; break; }
        kill -0 "$lgpid" 2>/dev/null || break
        sleep 0.1
      done
      sleep 0.5
      now=$(rss_kb "$srv_pid")
      ready=$(sed -n 's/.*"ready":\([0-9]*\).*/\1/p' "$out/idle.out" 2>/dev/null)
      exec 9>&-
      wait "$lgpid" 2>/dev/null || true
      rm -f "$fifo"
      if [ "$ok" = 1 ] && [ -n "$ready" ] && [ "$ready" -gt 0 ]; then
        echo "{\"layer\":\"rss\",\"server\":\"$s\",\"conns\":$n,\"ready\":$ready,\"base_kb\":$base,\"rss_kb\":$now,\"per_conn_bytes\":$(((now - base) * 1024 / ready))}" >>"$raw"
      else
        echo "{\"layer\":\"rss\",\"server\":\"$s\",\"conns\":$n,\"error\":\"could not open the connections: $(json_str "$(head -c 300 "$out/idle.out" 2>/dev/null)")\"}" >>"$raw"
      fi
      stop_server
    done
  done
fi

# ---- 9. Report -------------------------------------------------------------
progress "report, JSON and chart"
sed -i "s/^{\"cpu\"/{\"load_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"cpu\"/" "$out/machine.json"
python3 "$here/report.py" "$out"
printf '\r\033[K' >&2
cat "$out/results.md"
echo
echo "bench: $out/{results.md,results.json,raw.jsonl,chart.png} ($(($(date +%s) - t_begin)) s)" >&2
exit 0
}
