#!/usr/bin/env bash
# Measures the lwIP example firmware (examples/firmware/) and writes
# docs/footprint-lwip.md:
#   - flash and static RAM of server.elf and client.elf by part (petls,
#     mbedTLS, lwIP, lwIP's httpd, the altcp_tls port, board, app, test
#     credentials, libc), from the linker maps;
#   - the arena (petls + mbedTLS heap) as the server logs it: at start, with
#     1 and 4 connections open, and the peaks; the client's;
#   - how many TLS connections fit a 64 KiB and a 128 KiB arena
#     (server-heap64.elf, server-heap128.elf: connections opened one after
#     the other and kept, then handshakes at once);
#   - the handshake cost in instructions: the client under QEMU -icount
#     shift=0 (one instruction per ns of virtual time), busy time (not in
#     WFI) from altcp_connect() to the handshake's end, lwIP included.
# Boots QEMU through examples/firmware/qemu.sh; peers: Node
# (tests/lwip/fw_peer.js) and openssl s_server, on 127.0.0.1 only.
#
# Usage: scripts/footprint-lwip.sh [BUILD_DIR] [DOC]
#   (defaults: build-fw-net, docs/footprint-lwip.md)
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bdir=${1:-$here/build-fw-net}
doc=${2:-$here/docs/footprint-lwip.md}
mkdir -p "$bdir"
bdir=$(cd "$bdir" && pwd)
peer=$here/tests/lwip/fw_peer.js
qemu=$here/examples/firmware/qemu.sh
work=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
die() { echo "footprint-lwip: $*" >&2; exit 1; }

heap_conns=32
FW_HEAP_VARIANTS="64 128" FW_HEAP_CONNS=$heap_conns "$here/examples/firmware/build.sh" "$bdir" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; die "build failed"; }
export PETLS_FW_NET_DIR=$bdir

free_port() {
  node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# ---- Flash and RAM by part, from a GNU ld map --------------------------------
# Prints "part flash ram" lines; flash = .text (code, rodata) + .data's
# initialisers, RAM = .data + .bss (the arena and lwIP's heap included).
parts() { # map
  perl -e '
    my (%f, %r, $out, $inmap, $pend);
    sub part {
      my $p = shift;
      return "petls" if $p =~ /libpetls\.a\(/;
      return "mbedTLS" if $p =~ /libmbed(tls|x509|crypto)\.a\(/;
      return "lwIP httpd" if $p =~ /liblwip\.a\(apps_http_/;
      return "lwIP" if $p =~ /liblwip\.a\(/;
      return "altcp_tls port" if $p =~ m{/altcp_tls_petls\.o$};
      return "test credentials" if $p =~ m{/creds\.o$};
      return "board" if $p =~ m{/(board|lan9118_netif|startup)\.o$};
      return "app" if $p =~ m{/(server|client)\.o$};
      return "libc, libgcc";
    }
    sub add {
      my ($size, $file) = @_;
      my $p = part($file);
      $f{$p} += $size if $out eq ".text" || $out eq ".data";
      $r{$p} += $size if $out eq ".data" || $out eq ".bss";
    }
    while (<>) {
      if (/^Linker script and memory map/) { $inmap = 1; next }
      next unless $inmap;
      if (/^(\.\S+)\s/) { $out = $1; $pend = 0; next }
      if (/^ (\.\S+|COMMON)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)/) { add(hex($2), $3); $pend = 0; next }
      if (/^ (\.\S+|COMMON)\s*$/) { $pend = 1; next }
      if ($pend && /^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)/) { add(hex($1), $2) }
      $pend = 0;
    }
    for my $p ("petls", "mbedTLS", "lwIP", "lwIP httpd", "altcp_tls port", "board",
               "app", "test credentials", "libc, libgcc") {
      printf "%s\t%d\t%d\n", $p, $f{$p} // 0, $r{$p} // 0;
    }
  ' "$1"
}
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
section_size() { # map name: the size of an output section (.heap, .stack)
  perl -se 'while (<>) { if (/^\Q$s\E\s+0x[0-9a-f]+\s+0x([0-9a-f]+)/) { print hex($1); exit } }' -- -s="$2" "$1"
}
lwip_version() {
  perl -ne 'for my $k ("MAJOR", "MINOR", "REVISION") { $v{$k} = $1 if /^#define LWIP_VERSION_$k\s+(\d+)/ }
    END { print "$v{MAJOR}.$v{MINOR}.$v{REVISION}" }' "$here/.deps/lwip-src/src/include/lwip/init.h"
}

# ---- The server's arena ---------------------------------------------------------
# boot NAME IMAGE: qemu.sh server in the background; sets PORT, LOG.
boot() {
  PORT=$(free_port)
  LOG=$work/$1.log
  PETLS_FW_IMAGE=$2 QEMU_LOG=$LOG timeout 300 "$qemu" server --port "$PORT" \
    --certs "$work/certs" >"$work/$1.out" 2>&1 &
  QPID=$!
  pids+=("$QPID")
  local i
  for i in $(seq 600); do
    grep -q '^ready$' "$work/$1.out" && return 0
    kill -0 "$QPID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/$1.out" "$LOG" >&2
  die "$1 did not start"
}
halt() { kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; }
node_peer() { timeout 180 node "$peer" "$@" --port "$PORT" --ca "$work/certs/ca.pem" --servername localhost; }
field() { # text key: the number after "key=" in the last line having it
  grep -oE "$2=[0-9]+" <<<"$1" | tail -1 | cut -d= -f2
}
json_num() { grep -oE "\"$2\":[0-9]+" <<<"$1" | head -1 | cut -d: -f2; }

boot server "$bdir/server.elf"
start_heap=$(field "$(grep '^petls-fw: listening' "$LOG")" heap)
node_peer client --bytes 100 >/dev/null
one=$(grep -m1 '^conn 1: TLS' "$LOG")
node_peer concurrent --n 4 >"$work/conc.json"
# The last of the four to log its handshake (at its first data): the
# others are done by then (their heap= values include handshakes still
# running).
four=$(grep -E '^conn [0-9]+: TLS.* conns=4 ' "$LOG" | tail -1)
conc_ok=$(json_num "$(cat "$work/conc.json")" secure)
halt

# ---- 64 and 128 KiB arenas ---------------------------------------------------------
# The variants let lwIP hold FW_HEAP_CONNS connections (build.sh), so the
# arena runs out first; fill stops at the first refused connection.
declare -A fill conc stop fillheap fill1
for v in 64 128; do
  boot "heap$v" "$bdir/server-heap$v.elf"
  out=$(node_peer fill --max "$heap_conns" --timeout 150000)
  fill[$v]=$(json_num "$out" open)
  [ -n "${fill[$v]}" ] || die "heap$v: no fill result: $out"
  stop[$v]=$(grep -oE '^conn [0-9]+: error .*' "$LOG" | head -1 | sed 's/^conn [0-9]*: error -[0-9]*: //')
  [ "${fill[$v]}" -lt "$heap_conns" ] && [ -z "${stop[$v]}" ] &&
    die "heap$v: $out, but the firmware logged no error"
  fillheap[$v]=$(field "$(grep -E '^conn [0-9]+: TLS' "$LOG" | tail -1)" heap)
  fill1[$v]=$(field "$(grep -m1 -E '^conn [0-9]+: TLS' "$LOG")" heap)
  halt
  boot "heap$v-conc" "$bdir/server-heap$v.elf"
  out=$(node_peer concurrent --n 6)
  conc[$v]=$(json_num "$out" secure)
  halt
done

# ---- Handshake cost: the client under -icount shift=0 -------------------------------
certs=$bdir/certs
chain=(-cert "$certs/server-ecdsa.pem" -cert_chain "$certs/server-ecdsa.pem" -key "$certs/server-ecdsa.key")
# cost NAME S_SERVER_ARGS -- CLIENT_WORDS: both connections' client lines.
cost() {
  local name=$1 sargs=() port spid
  shift
  while [ "$1" != -- ]; do sargs+=("$1"); shift; done
  shift
  timeout 120 openssl s_server -accept 127.0.0.1:0 "${sargs[@]}" -rev </dev/null \
    >"$work/$name.srv" 2>&1 &
  spid=$!
  pids+=("$spid")
  for _ in $(seq 100); do
    grep -qE '^ACCEPT 127\.0\.0\.1:[0-9]+$' "$work/$name.srv" && break
    sleep 0.1
  done
  port=$(sed -nE 's/^ACCEPT 127\.0\.0\.1:([0-9]+)$/\1/p' "$work/$name.srv" | head -1)
  [ -n "$port" ] || die "s_server $name did not start"
  QEMU_ICOUNT=1 QEMU_LOG="$work/$name.fw" timeout 120 "$qemu" client \
    --connect "127.0.0.1:$port" --certs "$work/certs-c" -- conns=2 expect=rev "$@" \
    >/dev/null 2>&1 || { cat "$work/$name.fw" >&2; die "client run $name failed"; }
  kill "$spid" 2>/dev/null
  wait "$spid" 2>/dev/null
  grep -E '^client conn [12]: TLS' "$work/$name.fw"
}
minsn() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; } # busy us -> M insns
declare -A full res fcipher cpeak cheap
run_cost() { # key s_server args -- words
  local key=$1 lines
  shift
  lines=$(cost "$key" "$@")
  full[$key]=$(field "$(sed -n 1p <<<"$lines")" busy_us)
  res[$key]=$(field "$(sed -n 2p <<<"$lines")" busy_us)
  fcipher[$key]=$(sed -n 1p <<<"$lines" | awk '{print $4, $5}')
  cpeak[$key]=$(field "$(sed -n 1p <<<"$lines")" peak)
  cheap[$key]=$(field "$(sed -n 1p <<<"$lines")" heap)
  [ "$(field "$(sed -n 2p <<<"$lines")" resumed)" = 1 ] || die "$key: the second connection did not resume"
}
run_cost tls13 "${chain[@]}" -tls1_3 -- version=1.3
run_cost tls12 "${chain[@]}" -tls1_2 -- version=1.2
run_cost psk13 -nocert -psk 000102030405060708090a0b0c0d0e0f -psk_identity Client_identity -tls1_3 \
  -- version=1.3 psk=Client_identity:000102030405060708090a0b0c0d0e0f

# ---- The document -------------------------------------------------------------------------
{
  echo "# lwIP example firmware footprint (Cortex-M4F, -Os)"
  echo
  echo "Generated by \`scripts/footprint-lwip.sh\` on $(date -u +%Y-%m-%d) from commit"
  echo "\`$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)\`:"
  echo "$(arm-none-eabi-gcc --version | head -1), newlib-nano, lwIP $(lwip_version)"
  echo "(Debian's source, \`.deps/lwip-src\`), mbedTLS config"
  echo "\`port/mbedtls/petls_mbedtls_lwip.h\`; the images of \`examples/firmware/build.sh\`"
  echo "on QEMU \`mps2-an386\`. Do not edit by hand: rerun the script."
  echo
  echo "## Flash and RAM by part"
  echo
  echo "Linked with \`--gc-sections\` (only what is reachable counts). Flash ="
  echo "code + rodata + data initialisers; RAM = data + bss: the board's RAM"
  echo "holds the arena petls and mbedTLS allocate from (\`BOARD_HEAP_SIZE\`),"
  echo "and lwIP's holds its heap (\`MEM_SIZE\`) and pools."
  echo
  for img in server client; do
    map=$bdir/$img.map
    echo "**$img.elf** ($( [ $img = server ] && echo "TLS echo + lwIP's httpd, both TLS versions, SNI, ALPN, PSK, tickets, session cache" || echo "TLS client, both versions, ALPN, PSK, resumption"))"
    echo
    echo "| part | flash | RAM |"
    echo "|---|---:|---:|"
    tf=0 tr=0
    while IFS=$'\t' read -r p f r; do
      [ "$f" = 0 ] && [ "$r" = 0 ] && continue
      echo "| $p | $(kib "$f") KiB | $(kib "$r") KiB |"
      tf=$((tf + f)) tr=$((tr + r))
    done < <(parts "$map")
    echo "| **total** | **$(kib "$tf") KiB** | **$(kib "$tr") KiB** |"
    echo
    echo "Besides: stack $(kib "$(section_size "$map" .stack)") KiB, newlib's heap $(kib "$(section_size "$map" .heap)") KiB (\`tests/firmware/mps2-an386.ld\`)."
    echo
  done
  echo "## The arena (petls + mbedTLS heap)"
  echo
  echo "Bytes in use as the firmware logs them (\`heap=\` in use, \`peak=\` the"
  echo "highest since boot), TLS 1.3 with ECDSA P-256 certificates, Node's tls"
  echo "as the peer:"
  echo
  echo "| server, 384 KiB arena | in use | peak |"
  echo "|---|---:|---:|"
  echo "| listening, before any connection | $(kib "$start_heap") KiB | |"
  echo "| one connection open (the server context is built at the first accept) | $(kib "$(field "$one" heap)") KiB | $(kib "$(field "$one" peak)") KiB |"
  echo "| four connections open, their handshakes at once ($conc_ok of 4 done) | $(kib "$(field "$four" heap)") KiB | $(kib "$(field "$four" peak)") KiB |"
  echo
  echo "| client (one connection) | in use after the handshake | peak during it |"
  echo "|---|---:|---:|"
  for k in tls13 tls12 psk13; do
    case $k in
    tls13) what="TLS 1.3, certificate chain verified" ;;
    tls12) what="TLS 1.2, certificate chain verified" ;;
    psk13) what="TLS 1.3, external PSK" ;;
    esac
    echo "| $what (${fcipher[$k]}) | $(kib "${cheap[$k]}") KiB | $(kib "${cpeak[$k]}") KiB |"
  done
  echo
  echo "### Connections that fit an arena"
  echo
  echo "The same server with a 64 KiB and a 128 KiB arena"
  echo "(\`server-heap64.elf\`, \`server-heap128.elf\`; lwIP and the connection"
  echo "limit sized for $heap_conns connections, so that the arena runs out"
  echo "first): connections opened one after the other and kept open (each"
  echo "echoed a line, then idle), then, after a reboot, handshakes all at once."
  echo
  echo "| arena | kept open, one at a time | in use after the last one's handshake | handshakes at once (of 6) | what ran out first |"
  echo "|---|---:|---:|---:|---|"
  for v in 64 128; do
    echo "| $v KiB | ${fill[$v]} | $( [ -n "${fillheap[$v]}" ] && echo "$(kib "${fillheap[$v]}") KiB" || echo -) | ${conc[$v]} | ${stop[$v]:-nothing (the $heap_conns-connection limit)} |"
  done
  echo
  if [ "${fill[64]}" = 0 ]; then
    echo "A first handshake needs the server context too (the peak with one"
    echo "connection, above), so a 64 KiB arena fits none with this server's"
    echo "config (two certificates, tickets, a session cache, 16 KiB input"
    echo "records)."
  else
    echo "A first handshake needs the server context too (the peak with one"
    echo "connection, above): with 16 KiB input records it fits a 64 KiB"
    echo "arena because the ClientHello stage holds the ClientHello at its"
    echo "size (it took an 18 KiB buffer and an 8 KiB store-answer buffer per"
    echo "handshake until 2026-12-08, ~76 KiB peak: no connection fitted)."
  fi
  echo "An idle connection keeps about $(kib "$(( ($(field "$four" heap) - $(field "$one" heap)) / 3 ))") KiB (four open against one, above:"
  echo "its record buffers are released while idle), so what limits the count"
  echo "is the room a new connection's handshake and its 16 KiB input record"
  echo "need besides them, in one piece. The counts vary from run to run (when"
  echo "a connection's buffers are taken and given back against the others'):"
  echo "in three runs on 2026-12-08 a 64 KiB arena kept 3 to 5 and a 128 KiB"
  echo "one 14 (this table is one run), and handshakes at once vary by two."
  echo "In the 128 KiB arena the arena is not what runs out: the 32 PSA key"
  echo "slots are (\`MBEDTLS_PSA_KEY_SLOT_COUNT\` in"
  echo "\`port/mbedtls/petls_mbedtls_lwip.h\`; the server's keys take a few,"
  echo "an idle TLS 1.3 connection two, its traffic keys), and mbedTLS reports"
  echo "that as out of memory. With 96 slots the same image kept all 32"
  echo "connections (checked by hand on 2026-12-08); a slot costs ~40 bytes"
  echo "of static RAM."
  echo
  echo "## Handshake cost in instructions"
  echo
  echo "The client under \`qemu.sh\` with \`QEMU_ICOUNT=1\` (QEMU's \`-icount"
  echo "shift=0\`: one instruction per ns of virtual time); the firmware counts"
  echo "the time the core was busy (not in \`WFI\`) from \`altcp_connect()\` to"
  echo "the end of the handshake (\`board_busy_ns()\`), so lwIP and the driver"
  echo "are in it, the waits for the peer are not. Peer: \`openssl s_server\`."
  echo "These are instructions, not cycles: QEMU models no pipeline, so a real"
  echo "Cortex-M4 takes more cycles than this (multi-cycle loads and branches,"
  echo "flash wait states)."
  echo
  echo "| handshake | full | resumed |"
  echo "|---|---:|---:|"
  echo "| TLS 1.3, ECDHE P-256 + ECDSA P-256 chain (leaf, intermediate) | $(minsn "${full[tls13]}") M | $(minsn "${res[tls13]}") M (ticket, psk_dhe_ke) |"
  echo "| TLS 1.2, ECDHE-ECDSA | $(minsn "${full[tls12]}") M | $(minsn "${res[tls12]}") M (ticket, no ECDHE) |"
  echo "| TLS 1.3, external PSK (psk_dhe_ke) | $(minsn "${full[psk13]}") M | $(minsn "${res[psk13]}") M |"
} >"$doc.new"
mv "$doc.new" "$doc"
echo "footprint-lwip: wrote $doc"
cat "$doc"
