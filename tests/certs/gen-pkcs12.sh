#!/bin/bash
# Makes the PKCS#12 test files into DIR/p12/ from the test PKI of DIR (made
# by gen-certs.sh first), with `openssl pkcs12 -export` in each mode the
# reader is tested with (tests/unit/test_pkcs12.c, tests/interop/pfx_*.sh).
# Password "petls-test" unless a name says otherwise. Regenerated whenever
# the PKI is newer than the files.
#
# Usage: gen-pkcs12.sh DIR
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
DIR=$(cd "$1" && pwd)
OUT=$DIR/p12
SELF=$(readlink -f "$0")
if [ -f "$OUT/.complete" ] && [ "$OUT/.complete" -nt "$SELF" ] &&
    [ "$OUT/.complete" -nt "$DIR/.complete" ]; then
    exit 0
fi
WORK=$(mktemp -d "$DIR/p12.tmp.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

PASS=petls-test
# export NAME CERT KEY [openssl pkcs12 options...]
export_p12() {
    local name=$1 cert=$2 key=$3 log
    shift 3
    if ! log=$(openssl pkcs12 -export -in "$DIR/$cert" -inkey "$DIR/$key" \
        -passout "pass:$PASS" "$@" -out "$WORK/$name.p12" 2>&1); then
        echo "gen-pkcs12: $name: openssl pkcs12 failed:" >&2
        echo "$log" >&2
        exit 1
    fi
}

# OpenSSL 3's default: PBES2/PBKDF2-HMAC-SHA256 with AES-256-CBC, SHA-256
# MAC. server-rsa.pem is the leaf and the intermediate.
export_p12 default server-rsa.pem server-rsa.key -name "petls test"
export_p12 ecdsa server-ecdsa.pem server-ecdsa.key
export_p12 aes128 server-rsa.pem server-rsa.key \
    -keypbe AES-128-CBC -certpbe AES-128-CBC
export_p12 pbes2-3des server-ecdsa.pem server-ecdsa.key \
    -keypbe DES-EDE3-CBC -certpbe DES-EDE3-CBC
# The PKCS#12 PBE modes: triple DES for both (-descert), SHA-1 MAC.
export_p12 pbe-3des server-ecdsa.pem server-ecdsa.key -macalg sha1 \
    -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES
export_p12 pbe-2des server-ecdsa.pem server-ecdsa.key -macalg sha1 \
    -keypbe PBE-SHA1-2DES -certpbe PBE-SHA1-2DES
# -legacy: RC2-40 for the certificates, triple DES for the key, SHA-1 MAC
# (OpenSSL 1.1's default); RC2-128 certificates.
export_p12 legacy server-rsa.pem server-rsa.key -legacy
export_p12 rc2-128 server-ecdsa.pem server-ecdsa.key -legacy \
    -certpbe PBE-SHA1-RC2-128
# RC4 (refused by name).
export_p12 rc4 server-ecdsa.pem server-ecdsa.key -legacy \
    -certpbe PBE-SHA1-RC4-128
# Triple DES key, AES certificates (OpenSSL 1.1's key default, -legacy's
# key mode without RC2).
export_p12 legacy-key server-rsa.pem server-rsa.key -macalg sha1 \
    -keypbe PBE-SHA1-3DES -certpbe AES-256-CBC
export_p12 sha512mac server-ecdsa.pem server-ecdsa.key -macalg sha512
export_p12 nomaciter server-ecdsa.pem server-ecdsa.key -nomaciter
export_p12 nomac server-ecdsa.pem server-ecdsa.key -nomac
export_p12 plain server-ecdsa.pem server-ecdsa.key -keypbe NONE -certpbe NONE
export_p12 nokey server-ecdsa.pem server-ecdsa.key -nokeys
export_p12 nocert server-ecdsa.pem server-ecdsa.key -nocerts
# Leaf, intermediate and root.
export_p12 with-root server-ecdsa.pem server-ecdsa.key -certfile "$DIR/ca.pem"
PASS=
export_p12 empty-pass server-ecdsa.pem server-ecdsa.key
PASS=pässwörd€
export_p12 utf8-pass server-ecdsa.pem server-ecdsa.key

mkdir -p "$OUT"
rm -f "$OUT/.complete"
chmod 600 "$WORK"/*.p12
mv -f "$WORK"/*.p12 "$OUT/"
touch "$OUT/.complete"
