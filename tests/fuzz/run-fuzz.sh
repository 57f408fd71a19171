#!/usr/bin/env bash
# Runs every parser fuzz target for SECONDS seconds each, starting from the
# seed corpus in tests/fuzz/corpus/<target>/. New inputs go to a scratch
# directory (the committed seeds are never modified); a crash, leak or
# sanitizer report makes the script fail and leaves the reproducer in
# BUILD_DIR/tests/fuzz/artifacts/.
#
# usage: tests/fuzz/run-fuzz.sh BUILD_DIR SECONDS
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 2
fi
build_dir=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
bin_dir=$build_dir/tests/fuzz
artifacts=$bin_dir/artifacts
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"

targets="fuzz_cipher_list fuzz_protocols fuzz_groups fuzz_hostname
    fuzz_client_hello fuzz_ticket_open fuzz_store_blob fuzz_alpn_list
    fuzz_hello_watch"
failed=0
for t in $targets; do
    exe=$bin_dir/$t
    if [ ! -x "$exe" ]; then
        echo "run-fuzz: $exe missing (configure with CC=clang -DPETLS_BUILD_FUZZ=ON)" >&2
        exit 1
    fi
    mkdir -p "$scratch/$t"
    echo "run-fuzz: $t for ${seconds}s"
    # -jobs/-workers stay at 1: the machine is shared.
    if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
        "$scratch/$t" "$here/corpus/$t" >"$scratch/$t.log" 2>&1; then
        echo "run-fuzz: $t FAILED; log tail:" >&2
        tail -n 40 "$scratch/$t.log" >&2
        failed=1
        continue
    fi
    grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$scratch/$t.log" || true
done

if [ $failed -ne 0 ]; then
    echo "run-fuzz: failures; reproducers in $artifacts" >&2
    exit 1
fi
echo "run-fuzz: all targets ran ${seconds}s without a crash"
