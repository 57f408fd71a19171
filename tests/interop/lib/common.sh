# Shared helpers for the interop tests (sourced, never run directly).
#
# Every script gets:
#   CERTS    the generated test PKI ($PETLS_TEST_CERTS)
#   PETLS    the petls CLI ($PETLS_BIN)
#   TMP      a scratch directory private to this script
#   NODE_DIR the Node.js peer scripts
# Background processes started through these helpers are bounded by
# `timeout` and killed by an EXIT trap, so a failing test never leaves a
# server behind. Assertions record a failure and carry on, so one run shows
# every mismatch; the script exits non-zero if any assertion failed.

# Variables set here are read by the scripts that source this file.
# shellcheck disable=SC2034

set -euo pipefail

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_DIR=$INTEROP_DIR/node
: "${PETLS_TEST_CERTS:?PETLS_TEST_CERTS must point at the generated certificates}"
: "${PETLS_BIN:?PETLS_BIN must point at the petls CLI}"
CERTS=$PETLS_TEST_CERTS
PETLS=$PETLS_BIN
TEST_NAME=$(basename "$0" .sh)
TMP=${PETLS_TEST_TMP:-${TMPDIR:-/tmp}/petls-interop}/$TEST_NAME
rm -rf "$TMP"
mkdir -p "$TMP"

# Upper bound for any single background peer, in seconds.
BG_LIMIT=${PETLS_INTEROP_BG_LIMIT:-60}
# Upper bound for one foreground client run, in seconds.
FG_LIMIT=${PETLS_INTEROP_FG_LIMIT:-15}
# How long a client waits for the server to echo its line (ASan builds on a
# busy 2-core machine are slow; a missing echo is reported, not waited out).
ECHO_LIMIT=${PETLS_INTEROP_ECHO_LIMIT:-10}

# The PETLS_WITH_* features the tested build has (tests/CMakeLists.txt
# passes PETLS_FEATURES_STRING; unset means every feature, as in a default
# build). `built_with TICKETS` guards a check that needs one.
built_with() {
    [ -z "${PETLS_TEST_FEATURES+x}" ] && return 0
    case " $PETLS_TEST_FEATURES " in
        *" $1 "*) return 0 ;;
        *) return 1 ;;
    esac
}

BG_PIDS=()
FAILURES=0
CHECKS=0

_interop_exit() {
    local rc=$?
    local pid
    for pid in "${BG_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BG_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "$rc" -ne 0 ]; then
        echo "ABORTED: $TEST_NAME exited with status $rc (see $TMP)" >&2
    elif [ "$FAILURES" -ne 0 ]; then
        echo "FAILED: $TEST_NAME: $FAILURES of $CHECKS checks failed (see $TMP)" >&2
        rc=1
    else
        echo "PASSED: $TEST_NAME: $CHECKS checks"
    fi
    exit "$rc"
}
trap _interop_exit EXIT

section() {
    echo "--- $*"
}

# --- assertions ----------------------------------------------------------------

fail() {
    FAILURES=$((FAILURES + 1))
    echo "FAIL: $*" >&2
}

pass() {
    echo "ok: $*"
}

# show_text TEXT: prints TEXT indented; past 200 lines, its first 60 and
# last 140 (a peer's transcript ends with what went wrong). A failure that
# happens once must be diagnosable from the CI log alone: an s_client
# transcript with a TLS 1.3 ticket dump is about 110 lines.
show_text() {
    local n
    n=$(printf '%s\n' "$1" | wc -l)
    if [ "$n" -le 200 ]; then
        printf '%s\n' "$1" | sed 's/^/    | /' >&2
        return
    fi
    # head exits early: a here-string has no writer to SIGPIPE (pipefail).
    head -n 60 <<<"$1" | sed 's/^/    | /' >&2
    echo "    | ... ($((n - 200)) lines left out)" >&2
    tail -n 140 <<<"$1" | sed 's/^/    | /' >&2
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
    CHECKS=$((CHECKS + 1))
    if [ "$2" == "$3" ]; then
        pass "$1 = '$3'"
    else
        fail "$1: expected '$2', got '$3'"
    fi
}

# assert_contains WHAT HAYSTACK NEEDLE: NEEDLE occurs verbatim in HAYSTACK.
assert_contains() {
    CHECKS=$((CHECKS + 1))
    if [[ "$2" == *"$3"* ]]; then
        pass "$1 contains '$3'"
    else
        fail "$1: expected to contain '$3', got:"
        show_text "$2"
    fi
}

# assert_not_contains WHAT HAYSTACK NEEDLE
assert_not_contains() {
    CHECKS=$((CHECKS + 1))
    if [[ "$2" != *"$3"* ]]; then
        pass "$1 does not contain '$3'"
    else
        fail "$1: expected not to contain '$3', got:"
        show_text "$2"
    fi
}

# assert_line WHAT TEXT LINE: TEXT has a line exactly equal to LINE. A
# here-string, not `printf | grep -q`: grep -q exits at the first match, and
# under pipefail the writer's SIGPIPE made a found line a failure (seen
# under load with long transcripts).
assert_line() {
    CHECKS=$((CHECKS + 1))
    if grep -qxF -- "$3" <<<"$2"; then
        pass "$1 has line '$3'"
    else
        fail "$1: expected a line '$3', got:"
        show_text "$2"
    fi
}

# assert_status WHAT EXPECTED ACTUAL (exit codes)
assert_status() {
    assert_eq "$1 exit status" "$2" "$3"
}

# JSON objects are parsed once by jq into _JSON (field -> value, strings bare,
# everything else in JSON form: null, true, 3, {...}); consecutive asserts on
# the same object reuse it.
declare -A _JSON=()
_JSON_SRC=
_JSON_OK=0

_json_parse() {
    if [ "$1" == "$_JSON_SRC" ] && [ -n "$_JSON_SRC" ]; then
        return "$((1 - _JSON_OK))"
    fi
    _JSON=()
    _JSON_SRC=$1
    _JSON_OK=0
    local parsed k v
    # Exactly one object per call: two lines would silently merge.
    [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || return 1
    parsed=$(printf '%s\n' "$1" | jq -r 'if type == "object" then
        to_entries[] | [.key, (.value | if type == "string" then .
        else tojson end)] | @tsv else error("not an object") end' \
        2>/dev/null) || return 1
    while IFS=$'\t' read -r k v; do
        [ -n "$k" ] && _JSON[$k]=$v
    done <<<"$parsed"
    _JSON_OK=1
}

# assert_json WHAT JSON FIELD EXPECTED: FIELD of the one-line JSON object
# equals EXPECTED (strings bare; null, true, false, numbers as words).
assert_json() {
    if ! _json_parse "$2"; then
        CHECKS=$((CHECKS + 1))
        fail "$1: expected a JSON object with $3=$4, got '$2'"
        return
    fi
    assert_eq "$1 .$3" "$4" "${_JSON[$3]-<missing>}"
}

# json_field JSON FIELD: prints a field like assert_json compares it.
json_field() {
    if _json_parse "$1"; then
        printf '%s\n' "${_JSON[$2]-<missing>}"
    else
        echo "<not JSON>"
    fi
}

# --- polling ---------------------------------------------------------------------

# wait_for_file_match FILE REGEX [SECONDS]: polls until a line of FILE matches
# the extended REGEX. Returns 1 on timeout.
wait_for_file_match() {
    local file=$1 re=$2 limit=${3:-10}
    local deadline=$((SECONDS + limit))
    while true; do
        if [ -f "$file" ] && grep -qE -- "$re" "$file"; then
            return 0
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            return 1
        fi
        sleep 0.05
    done
}

# wait_for_lines FILE N [SECONDS]: polls until FILE has at least N lines.
wait_for_lines() {
    local file=$1 n=$2 limit=${3:-10}
    local deadline=$((SECONDS + limit))
    while true; do
        if [ -f "$file" ] && [ "$(wc -l <"$file")" -ge "$n" ]; then
            return 0
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            return 1
        fi
        sleep 0.05
    done
}

# wait_for_file_line FILE LINE [SECONDS]: polls until FILE has a line equal to
# LINE (a fixed string).
wait_for_file_line() {
    local file=$1 line=$2 limit=${3:-10}
    local deadline=$((SECONDS + limit))
    while ! { [ -f "$file" ] && grep -qxF -- "$line" "$file"; }; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            return 1
        fi
        sleep 0.05
    done
}

# wait_match_or_exit FILE REGEX PID [SECONDS]: polls until FILE matches REGEX
# or process PID has ended.
wait_match_or_exit() {
    local file=$1 re=$2 pid=$3 limit=${4:-10}
    local deadline=$((SECONDS + limit))
    while ! { [ -f "$file" ] && grep -qE -- "$re" "$file"; }; do
        if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            return 1
        fi
        sleep 0.05
    done
}

# nth_line FILE N: line N of FILE (empty when missing).
nth_line() {
    sed -n "${2}p" "$1"
}

# --- background peers --------------------------------------------------------------

# fresh_logs NAME: replaces $TMP/NAME.out and $TMP/NAME.err by new empty
# files, here in the foreground. A redirection on a command started with `&`
# is done by the background shell some time later: until then a reused name
# still holds the previous peer's lines, and a readiness poll could read the
# old "listening on" line of a dead peer. A peer that still writes to the
# old file writes to an unlinked one.
fresh_logs() {
    rm -f "$TMP/$1.out" "$TMP/$1.err"
    : >"$TMP/$1.out"
    : >"$TMP/$1.err"
}

# start_bg NAME CMD...: runs CMD in the background with stdout in
# $TMP/NAME.out and stderr in $TMP/NAME.err (fresh files); sets BG_PID.
start_bg() {
    local name=$1
    shift
    fresh_logs "$name"
    timeout "$BG_LIMIT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
    BG_NAME=$name
}

# echo_missing NAME: a client got no echo in time; says so and shows the
# stderr of the last peer started in the background (the server), so that a
# failure in CI explains itself.
echo_missing() {
    echo "note: $1: no echo after ${ECHO_LIMIT}s" >&2
    if [ -n "${BG_NAME:-}" ] && [ -s "$TMP/$BG_NAME.err" ]; then
        echo "note: stderr of $BG_NAME:" >&2
        show_text "$(cat "$TMP/$BG_NAME.err")"
    fi
}

# stop_bg PID: ends one background peer and reaps it.
stop_bg() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# _wait_listen NAME PID FILE REGEX: waits for the readiness line of a peer,
# failing loudly if the peer exits first or takes too long.
_wait_listen() {
    local name=$1 pid=$2 file=$3 re=$4
    local deadline=$((SECONDS + 10))
    while ! { [ -f "$file" ] && grep -qE -- "$re" "$file"; }; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "peer '$name' exited before listening:" >&2
            sed 's/^/    | /' "$TMP/$name.out" "$TMP/$name.err" >&2 || true
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "peer '$name' did not start listening within 10 s:" >&2
            sed 's/^/    | /' "$TMP/$name.out" "$TMP/$name.err" >&2 || true
            exit 1
        fi
        sleep 0.05
    done
}

# start_petls_server NAME ARGS...: `petls server --listen 127.0.0.1:0 ARGS`;
# waits for "listening on 127.0.0.1:PORT" and sets PORT and SERVER_PID.
# JSON events land in $TMP/NAME.out.
start_petls_server() {
    local name=$1
    shift
    start_bg "$name" "$PETLS" server --listen 127.0.0.1:0 "$@"
    SERVER_PID=$BG_PID
    _wait_listen "$name" "$SERVER_PID" "$TMP/$name.err" \
        '^listening on 127\.0\.0\.1:[0-9]+$'
    PORT=$(sed -nE 's/^listening on 127\.0\.0\.1:([0-9]+)$/\1/p' \
        "$TMP/$name.err" | head -n1)
}

# server_event NAME N [SECONDS]: waits for the N-th JSON line of a server's
# stdout and prints it (empty if it never came).
server_event() {
    wait_for_lines "$TMP/$1.out" "$2" "${3:-10}" || true
    nth_line "$TMP/$1.out" "$2"
}

# free_port: an ephemeral port that was free on 127.0.0.1 a moment ago, for
# peers (openssl s_server aside) that cannot bind port 0 and report it.
free_port() {
    node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# start_openssl_server NAME ARGS...: `openssl s_server -accept 127.0.0.1:0
# ARGS`; sets PORT and SERVER_PID once it accepts.
start_openssl_server() {
    local name=$1
    shift
    start_bg "$name" openssl s_server -accept 127.0.0.1:0 "$@"
    SERVER_PID=$BG_PID
    _wait_listen "$name" "$SERVER_PID" "$TMP/$name.out" \
        '^ACCEPT 127\.0\.0\.1:[0-9]+$'
    PORT=$(sed -nE 's/^ACCEPT 127\.0\.0\.1:([0-9]+)$/\1/p' \
        "$TMP/$name.out" | head -n1)
}

# start_gnutls_server NAME ARGS...: gnutls-serv on a free port (it cannot
# bind port 0 and report it, nor bind one address: we only connect to
# 127.0.0.1); sets PORT and SERVER_PID.
start_gnutls_server() {
    local name=$1
    shift
    PORT=$(free_port)
    start_bg "$name" gnutls-serv --port "$PORT" "$@"
    SERVER_PID=$BG_PID
    _wait_listen "$name" "$SERVER_PID" "$TMP/$name.err" \
        "listening on IPv4 .* port $PORT\\.\\.\\.done"
}

# start_node_server NAME ARGS...: node/server.js; sets PORT and SERVER_PID.
start_node_server() {
    local name=$1
    shift
    start_bg "$name" node "$NODE_DIR/server.js" "$@"
    SERVER_PID=$BG_PID
    _wait_listen "$name" "$SERVER_PID" "$TMP/$name.out" \
        '^\{"event":"listening","port":[0-9]+\}$'
    PORT=$(sed -nE 's/^\{"event":"listening","port":([0-9]+)\}$/\1/p' \
        "$TMP/$name.out" | head -n1)
}

# --- foreground clients --------------------------------------------------------------

# run_capture NAME CMD...: runs CMD (bounded), stdin from /dev/null; sets OUT,
# ERR and STATUS (never aborts the script).
run_capture() {
    local name=$1
    shift
    STATUS=0
    timeout "$FG_LIMIT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" \
        </dev/null || STATUS=$?
    OUT=$(cat "$TMP/$name.out")
    ERR=$(cat "$TMP/$name.err")
}

# run_petls_client NAME ARGS...: `petls client ARGS`.
run_petls_client() {
    local name=$1
    shift
    run_capture "$name" "$PETLS" client "$@"
}

# run_node_client NAME ARGS...: node/client.js; its JSON events in OUT.
run_node_client() {
    local name=$1
    shift
    run_capture "$name" node "$NODE_DIR/client.js" "$@"
}

# run_s_client NAME DATA ARGS...: openssl s_client to 127.0.0.1:$PORT. DATA
# (may be empty) is written once the handshake is done; when DATA is not
# empty, waits until the server echoed it back, then closes stdin so
# s_client sends close_notify and exits. Sets OUT, ERR, STATUS.
run_s_client() {
    local name=$1 data=$2
    shift 2
    local fifo=$TMP/$name.stdin
    rm -f "$fifo"
    mkfifo "$fifo"
    fresh_logs "$name"
    STATUS=0
    # stdbuf -o0: s_client prints session summaries through a buffered
    # stdio BIO but writes received data straight to the descriptor, so a
    # large post-handshake ticket dump (TLS 1.3, tickets carrying the
    # client's certificate) could be flushed around the echo and split its
    # line.
    timeout "$FG_LIMIT" stdbuf -o0 openssl s_client -connect "127.0.0.1:$PORT" "$@" <"$fifo" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    local pid=$!
    exec 7>"$fifo"
    # The session summary ends with the verify result once the handshake
    # is done; a failed handshake ends the process instead.
    if wait_match_or_exit "$TMP/$name.out" '^ *Verify return code:' "$pid" 10 &&
        [ -n "$data" ]; then
        printf '%s\n' "$data" >&7 || true
        wait_for_file_line "$TMP/$name.out" "$data" "$ECHO_LIMIT" ||
            echo_missing "$name"
    fi
    exec 7>&-
    wait "$pid" || STATUS=$?
    OUT=$(cat "$TMP/$name.out")
    ERR=$(cat "$TMP/$name.err")
}

# run_gnutls_cli NAME DATA ARGS...: gnutls-cli to 127.0.0.1:$PORT, same
# protocol as run_s_client.
run_gnutls_cli() {
    local name=$1 data=$2
    shift 2
    local fifo=$TMP/$name.stdin
    rm -f "$fifo"
    mkfifo "$fifo"
    fresh_logs "$name"
    STATUS=0
    timeout "$FG_LIMIT" gnutls-cli --port "$PORT" "$@" 127.0.0.1 \
        <"$fifo" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    local pid=$!
    exec 7>"$fifo"
    if wait_match_or_exit "$TMP/$name.out" '^- Simple Client Mode' "$pid" 10 &&
        [ -n "$data" ]; then
        printf '%s\n' "$data" >&7 || true
        wait_for_file_line "$TMP/$name.out" "$data" "$ECHO_LIMIT" ||
            echo_missing "$name"
    fi
    exec 7>&-
    wait "$pid" || STATUS=$?
    OUT=$(cat "$TMP/$name.out")
    ERR=$(cat "$TMP/$name.err")
}
