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
    fuzz_hello_watch fuzz_certinfo fuzz_sigalgs"
failed=0

# fuzz_certinfo's seeds are certificates made now (no key is committed):
# RSA and ECDSA, with every extension the decoder reads.
certinfo_seeds=$scratch/seeds-fuzz_certinfo
mkdir -p "$certinfo_seeds"
for k in rsa ec-P-256 ec-P-384; do
    opt=(-newkey rsa:1024)
    [ "$k" != rsa ] && opt=(-newkey ec -pkeyopt "ec_paramgen_curve:${k#ec-}")
    openssl req -x509 "${opt[@]}" -nodes -keyout "$scratch/seed.key" -days 1 \
        -subj "/C=DE/O=o/OU=a/OU=b/CN=fuzz" \
        -addext "keyUsage=digitalSignature" \
        -addext "extendedKeyUsage=serverAuth,clientAuth,1.2.3.4" \
        -addext "subjectAltName=DNS:a.test,IP:127.0.0.1,IP:::1,email:a@b.test,URI:http://u.test/" \
        -addext "authorityInfoAccess=OCSP;URI:http://o.test/,caIssuers;URI:http://c.test/,1.2.3;DNS:x.test" \
        -outform DER -out "$certinfo_seeds/$k.der" >/dev/null 2>&1 ||
        echo "run-fuzz: openssl could not make the $k seed" >&2
done
rm -f "$scratch/seed.key"
for t in $targets; do
    exe=$bin_dir/$t
    if [ ! -x "$exe" ]; then
        echo "run-fuzz: $exe missing (configure with CC=clang -DPETLS_BUILD_FUZZ=ON)" >&2
        exit 1
    fi
    mkdir -p "$scratch/$t"
    corpus=$here/corpus/$t
    [ "$t" = fuzz_certinfo ] && corpus=$certinfo_seeds
    echo "run-fuzz: $t for ${seconds}s"
    # -jobs/-workers stay at 1: the machine is shared.
    if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
        "$scratch/$t" "$corpus" >"$scratch/$t.log" 2>&1; then
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
