#!/usr/bin/env bash
# Boots the example firmware under qemu-system-arm (mps2-an386, LAN9118 on
# QEMU's user network; the guest reaches nothing but what is forwarded).
#
#   qemu.sh server --port PORT --certs DIR [--https-port PORT2]
#       TLS echo server: host 127.0.0.1:PORT -> guest :443 (and lwIP's
#       httpd: 127.0.0.1:PORT2 -> guest :8443). Writes the CA that the
#       firmware's certificates chain to into DIR/ca.pem, prints "ready"
#       when the firmware listens, runs until SIGTERM/SIGINT.
#   qemu.sh client --connect 127.0.0.1:PORT --certs DIR
#       TLS client: the guest's 10.0.2.100:443 is forwarded (guestfwd) to
#       that one loopback port; runs the client's sequence and exits with
#       its status. DIR/ca.pem is written too (the server's CA).
#
# Builds the images first when missing (examples/firmware/build.sh).
# Env: PETLS_FW_NET_DIR (build dir, default build-fw-net), QEMU_LOG (the
# firmware's output, default DIR/firmware-<mode>.log).
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${PETLS_FW_NET_DIR:-$here/build-fw-net}
usage() { echo "usage: $0 server --port PORT --certs DIR [--https-port PORT] | client --connect 127.0.0.1:PORT --certs DIR" >&2; exit 2; }
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
if [ ! -f "$bdir/$mode.elf" ]; then
  "$here/examples/firmware/build.sh" "$bdir" >&2 || exit 1
fi
mkdir -p "$certs"
cp "$bdir/certs/ca.pem" "$certs/ca.pem"
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
qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic -monitor none \
  -serial none -semihosting-config enable=on,target=native \
  -kernel "$bdir/$mode.elf" -nic "$nic" >"$log" 2>&1 &
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
