#!/usr/bin/env bash
# Debian's own libtls programs, unchanged, on petls's libtls.so.26
# (LD_LIBRARY_PATH): catgirl (IRC) and sacc (gopher) against small TLS
# servers on 127.0.0.1 (tls_peer_server.py, Python's ssl = OpenSSL).
# Checks the conversation each holds, that the library in use is ours, that
# a wrong CA fails the handshake, and catgirl's SASL EXTERNAL with a client
# certificate.
#
# Usage: consumers.sh LIBDIR CERTDIR [catgirl|sacc|all]
# Env: CATGIRL, SACC: the programs to run (default: Debian's, from PATH;
# tests/libtls/catgirl-source.sh passes a catgirl built from source).
set -euo pipefail

libdir=$(cd "${1:?usage: $0 LIBDIR CERTDIR [which]}" && pwd)
certs=$(cd "${2:?usage: $0 LIBDIR CERTDIR [which]}" && pwd)
which=${3:-all}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/libtls-consumers.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

for tool in python3 script; do
  command -v "$tool" >/dev/null || fail "$tool not installed (scripts/install-deps.sh)"
done

# Waits (bounded) until file $1 exists and is not empty.
wait_file() {
  local i
  for i in $(seq 1 200); do
    [ -s "$1" ] && return 0
    sleep 0.05
  done
  return 1
}

# start_server MODE NAME [CLIENT_CA]: the server's port in $port, its log
# in $tmp/NAME.log.
start_server() {
  local mode=$1 name=$2
  rm -f "$tmp/$name.port"
  python3 "$here/tls_peer_server.py" "$mode" "$certs/server-rsa.pem" \
    "$certs/server-rsa.key" "$tmp/$name.port" "$tmp/$name.log" ${3:+"$3"} &
  server_pid=$!
  wait_file "$tmp/$name.port" || fail "$name: server did not start"
  port=$(cat "$tmp/$name.port")
}

stop_server() {
  local i
  for i in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

expect_nick() { # NAME NICK: catgirl 2.1 sends "NICK :x", 2.2 "NICK x"
  grep -qE "^C: NICK :?$2\$" "$tmp/$1.log" ||
    { cat "$tmp/$1.log" >&2; fail "$1: no 'C: NICK $2' in the server's log"; }
}

expect_log() { # NAME PATTERN...
  local name=$1 p
  shift
  for p in "$@"; do
    grep -qF -- "$p" "$tmp/$name.log" ||
      { cat "$tmp/$name.log" >&2; fail "$name: no '$p' in the server's log"; }
  done
}

# The programs must load our library, not the system's libtls26.
catgirl=${CATGIRL:-catgirl}
sacc=${SACC:-sacc}
for prog in catgirl sacc; do
  if [ "$which" = all ] || [ "$which" = "$prog" ]; then
    exe=${!prog}
    command -v "$exe" >/dev/null || fail "$exe not installed (scripts/install-deps.sh)"
    got=$(LD_LIBRARY_PATH=$libdir ldd "$(command -v "$exe")" | awk '/libtls\.so\.26/ {print $3}')
    [ "$(readlink -f "$got")" = "$(readlink -f "$libdir/libtls.so.26")" ] ||
      fail "$prog loads $got, not $libdir/libtls.so.26"
  fi
done

export TERM=xterm HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
  XDG_DATA_HOME="$tmp/home/.local/share"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
run_tty() { # LOG CMD: CMD on a pseudo-terminal (both programs need one)
  local log=$1
  shift
  LD_LIBRARY_PATH=$libdir timeout 20 script -qec "$*" /dev/null \
    </dev/null >"$log" 2>&1 || true
}

if [ "$which" = all ] || [ "$which" = catgirl ]; then
  step "catgirl -o: the server's chain through tls_peer_cert_chain_pem"
  start_server irc chain
  out=$(SSL_CERT_FILE=$certs/ca.pem LD_LIBRARY_PATH=$libdir timeout 20 \
    "$catgirl" -o -h localhost -p "$port") || fail "catgirl -o failed: $out"
  stop_server
  # catgirl prints tls_peer_cert_subject() (libtls's one-line form), then PEM.
  printf '%s\n' "$out" | grep -qx 'subject= /CN=localhost' ||
    fail "catgirl -o: subject line: $out"
  printf '%s\n' "$out" | sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' |
    openssl x509 -noout -fingerprint -sha256 >"$tmp/got.fp" ||
    fail "catgirl -o printed no certificate"
  openssl x509 -in "$certs/server-rsa.pem" -noout -fingerprint -sha256 >"$tmp/want.fp"
  cmp -s "$tmp/got.fp" "$tmp/want.fp" || fail "catgirl -o: not the server's certificate"

  step "catgirl: registration, JOIN, PRIVMSG, PING/PONG; SASL EXTERNAL with a client certificate"
  start_server irc irc "$certs/ca.pem"
  SSL_CERT_FILE=$certs/ca.pem run_tty "$tmp/catgirl.out" \
    "$catgirl" -h localhost -p "$port" -n petlsbot -j "'#petls'" -e \
    -c "$certs/client.pem" -k "$certs/client.key"
  stop_server
  fp=$(openssl x509 -in "$certs/client.pem" -outform der | sha256sum | cut -d' ' -f1)
  expect_log irc "certfp $fp" "C: CAP REQ :sasl" "C: AUTHENTICATE EXTERNAL" \
    "C: AUTHENTICATE +" "C: CAP END" "C: USER petlsbot" \
    "C: JOIN #petls" "C: PONG :petls-check" "S: ERROR :Closing link (test over)"
  expect_nick irc petlsbot
  grep -q "Closing link (test over)" "$tmp/catgirl.out" ||
    fail "catgirl did not show the server's ERROR"

  step "catgirl -t: trusting a given certificate (tls_config_set_ca_file, noverifyname)"
  start_server irc trust
  run_tty "$tmp/catgirl_trust.out" \
    "$catgirl" -h 127.0.0.1 -p "$port" -n trustbot -j "'#petls'" -t "$certs/ca.pem"
  stop_server
  expect_nick trust trustbot
  expect_log trust "C: JOIN #petls" "C: PONG :petls-check"

  step "catgirl: the wrong CA fails the handshake"
  start_server irc wrongca
  SSL_CERT_FILE=$certs/other-ca.pem run_tty "$tmp/catgirl_wrong.out" \
    "$catgirl" -h localhost -p "$port" -n wrongbot
  stop_server
  expect_log wrongca "E: handshake failed"
  if grep -q "C: NICK" "$tmp/wrongca.log"; then
    fail "catgirl talked to a server its CA does not vouch for"
  fi
  grep -qi "certificate" "$tmp/catgirl_wrong.out" ||
    fail "catgirl's error does not say why: $(strings "$tmp/catgirl_wrong.out" | tail -3)"
  strings "$tmp/catgirl_wrong.out" | grep -i "certificate" | tail -1
fi

if [ "$which" = all ] || [ "$which" = sacc ]; then
  step "sacc: a text item over gophers://"
  printf '#!/bin/sh\nif [ $# -gt 0 ]; then cat "$@"; else cat; fi >"%s"\n' \
    "$tmp/page.out" >"$tmp/pager"
  chmod +x "$tmp/pager"
  start_server gopher gopher
  # sacc shows the item through $PAGER, then waits for a key: 'q' once the
  # page is out.
  ( wait_file "$tmp/page.out" || true; printf q ) |
    PAGER=$tmp/pager SSL_CERT_FILE=$certs/ca.pem LD_LIBRARY_PATH=$libdir \
      timeout 20 script -qec "$sacc gophers://localhost:$port/0/hello.txt" \
      /dev/null >"$tmp/sacc.out" 2>&1 || true
  stop_server
  expect_log gopher "C: /hello.txt" "done"
  tr -d '\r' <"$tmp/page.out" | grep -qx "hello over gophers through petls" ||
    fail "sacc did not show the file: $(cat "$tmp/page.out" 2>/dev/null)"

  step "sacc: the wrong CA fails the handshake"
  start_server gopher sacc_wrongca
  ( printf q ) | PAGER=$tmp/pager SSL_CERT_FILE=$certs/other-ca.pem \
    LD_LIBRARY_PATH=$libdir timeout 20 \
    script -qec "$sacc gophers://localhost:$port/0/hello.txt" /dev/null \
    >"$tmp/sacc_wrong.out" 2>&1 || true
  stop_server
  expect_log sacc_wrongca "E: handshake failed"
  if grep -q "C: /hello.txt" "$tmp/sacc_wrongca.log"; then
    fail "sacc sent its request to an unverified server"
  fi
fi
echo "consumers: all passed"
