#!/usr/bin/env bash
# Boots the example firmware under qemu-system-arm (mps2-an386, LAN9118 on
# QEMU's user network; the guest reaches nothing but what is forwarded).
#
#   qemu.sh server --port PORT --certs DIR [--https-port PORT2]
#       TLS echo server: host 127.0.0.1:PORT -> guest :443 (and lwIP's
#       httpd: 127.0.0.1:PORT2 -> guest :8443). Writes the CA that the
#       firmware's certificates chain to into DIR/ca.pem, prints "ready"
#       when the firmware listens, runs until SIGTERM/SIGINT.
#   qemu.sh client --connect 127.0.0.1:PORT --certs DIR [-- WORD...]
#       TLS client: the guest's 10.0.2.100:443 is forwarded (guestfwd) to
#       that one loopback port; runs the client's sequence and exits with
#       its status. DIR/ca.pem is written too (the CA the client trusts),
#       with the server credentials signed by it (DIR/server-ecdsa.pem,
#       .key) for a host server to use. The WORDs after "--" reach the
#       firmware's command line (semihosting): version=1.2|1.3 sni=NAME
#       alpn=P1+P2 psk=IDENTITY:HEX conns=N expect=none|echo|rev
#       (examples/firmware/client.c).
#
# Builds the images first when missing (examples/firmware/build.sh).
# Env: PETLS_FW_NET_DIR (build dir, default build-fw-net), QEMU_LOG (the
# firmware's output, default DIR/firmware-<mode>.log), QEMU_ICOUNT=1
# (-icount shift=0: the firmware's busy time counts instructions),
# PETLS_FW_IMAGE (another image of the mode, e.g. build.sh's server-heap64.elf).
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${PETLS_FW_NET_DIR:-$here/build-fw-net}
usage() { echo "usage: $0 server --port PORT --certs DIR [--https-port PORT] | client --connect 127.0.0.1:PORT --certs DIR [-- WORD...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
mode=$1
shift
port="" hport="" connect="" certs=""
while [ $# -gt 0 ]; do
  case "$1" in
  --port) port=$2; shift 2 ;;
  --https-port) hport=$2; shift 2 ;;
  --connect) connect=$2; shift 2 ;;
  --certs) certs=$2; shift 2 ;;
  --) shift; break ;;
  *) usage ;;
  esac
done
[ -n "$certs" ] || usage
case "$mode" in
server) [[ "$port" =~ ^[0-9]+$ ]] || usage ;;
client)
  [[ "$connect" =~ ^127\.0\.0\.1:[0-9]+$ ]] ||
    { echo "qemu.sh: --connect must be 127.0.0.1:PORT (loopback only)" >&2; exit 2; }
  port=${connect#127.0.0.1:}
  ;;
*) usage ;;
esac
image=${PETLS_FW_IMAGE:-$bdir/$mode.elf}
if [ ! -f "$image" ]; then
  "$here/examples/firmware/build.sh" "$bdir" >&2 || exit 1
fi
mkdir -p "$certs"
cp "$bdir/certs/ca.pem" "$certs/ca.pem"
if [ "$mode" = client ]; then
  cp "$bdir/certs/server-ecdsa.pem" "$bdir/certs/server-ecdsa.key" "$certs/"
fi
log=${QEMU_LOG:-$certs/firmware-$mode.log}
: >"$log"

if [ "$mode" = server ]; then
  nic="user,restrict=on,hostfwd=tcp:127.0.0.1:$port-:443"
  [ -n "$hport" ] && nic+=",hostfwd=tcp:127.0.0.1:$hport-:8443"
else
  # Each guest connection to 10.0.2.100:443 runs one relay to the port.
  command -v socat >/dev/null || { echo "qemu.sh: socat missing (scripts/install-deps.sh)" >&2; exit 1; }
  nic="user,restrict=on,guestfwd=tcp:10.0.2.100:443-cmd:socat - TCP:127.0.0.1:$port"
fi
# The firmware's command line: "MODE WORD..." (QEMU doubles commas).
semi="enable=on,target=native,arg=$mode"
[ "$mode" = client ] || [ $# -eq 0 ] || usage
for w in "$@"; do semi+=",arg=${w//,/,,}"; done
# QEMU_ICOUNT=1: one instruction per ns of virtual time (-icount shift=0),
# so that the firmware's busy time counts instructions.
icount=()
[ "${QEMU_ICOUNT:-0}" = 1 ] && icount=(-icount shift=0)
qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic -monitor none \
  -serial none -semihosting-config "$semi" "${icount[@]}" \
  -kernel "$image" -nic "$nic" >"$log" 2>&1 &
qpid=$!
stop() { kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; exit 0; }
trap stop TERM INT

if [ "$mode" = server ]; then
  # "ready" once the firmware says it listens (bounded: 60 s).
  for _ in $(seq 600); do
    if grep -q '^petls-fw: listening' "$log"; then echo ready; break; fi
    if ! kill -0 "$qpid" 2>/dev/null; then cat "$log" >&2; echo "qemu.sh: the firmware stopped" >&2; exit 1; fi
    sleep 0.1
  done
  grep -q '^petls-fw: listening' "$log" || { cat "$log" >&2; kill "$qpid"; exit 1; }
  wait "$qpid"
  exit $?
fi
wait "$qpid"
rc=$?
cat "$log"
exit $rc
