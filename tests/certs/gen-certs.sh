#!/bin/bash
# Generates the petls test PKI into DIR (see the "Test certificates" contract
# in the project brief). Every key is fresh on each run; nothing here is ever
# committed. Skips the work when DIR/.complete is newer than this script, so
# ctest's "certs" fixture costs nothing after the first run.
#
# Usage: gen-certs.sh DIR
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi

OUT=$1
SELF=$(readlink -f "$0")
if [ -f "$OUT/.complete" ] && [ "$OUT/.complete" -nt "$SELF" ]; then
    exit 0
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# Build in a private directory next to OUT and move the results in at the
# end, so a concurrent reader never sees a half-written set.
WORK=$(mktemp -d "${OUT%/}.tmp.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

openssl_q() {
    # openssl ca chats on stderr; only show it when the command fails.
    local log
    if ! log=$(openssl "$@" 2>&1); then
        echo "gen-certs: openssl $1 failed:" >&2
        echo "$log" >&2
        exit 1
    fi
}

ec_key() {
    openssl_q genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
}

rsa_key() {
    openssl_q genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"
}

# UTCTime offsets for `openssl ca -startdate/-enddate` (openssl 3.0's x509
# command cannot set arbitrary validity periods).
utc() {
    date -u -d "$1" +%Y%m%d%H%M%SZ
}

# Extension sections used for every issued certificate. Each section is
# selected with `openssl ca -extensions NAME`.
cat >ext.cnf <<'EOF'
[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[v3_inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost, DNS:*.petls.test, IP:127.0.0.1, IP:::1

[wrongname]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:wrong.example

[cn_only]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# No keyUsage here: OpenSSL only treats a leaf as self-signed (and so reports
# DEPTH_ZERO_SELF_SIGNED_CERT) when its key usage does not forbid signing.
[selfsigned]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = DNS:localhost
EOF

# A minimal `openssl ca` setup per issuing CA: its own database (for -revoke
# and -gencrl) and random serials.
ca_config() {
    local name=$1
    mkdir -p "db-$name/new"
    : >"db-$name/index.txt"
    echo "unique_subject = no" >"db-$name/index.txt.attr"
    cat >"ca-$name.cnf" <<EOF
[ca]
default_ca = CA_default

[CA_default]
dir = $WORK/db-$name
database = \$dir/index.txt
new_certs_dir = \$dir/new
rand_serial = yes
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = 825
default_crl_days = 3650
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none

[policy_any]
commonName = supplied
EOF
    echo 01 >"db-$name/crlnumber"
}

# issue CA_NAME CA_CERT CA_KEY CSR OUT EXT [START END]
issue() {
    local caname=$1 cacert=$2 cakey=$3 csr=$4 out=$5 ext=$6
    local dates=(-startdate "$(utc '-1 hour')" -enddate "$(utc '+3650 days')")
    if [ $# -ge 8 ]; then
        dates=(-startdate "$7" -enddate "$8")
    fi
    openssl_q ca -config "ca-$caname.cnf" -batch -notext -preserveDN \
        -cert "$cacert" -keyfile "$cakey" -in "$csr" -out "$out" \
        -extfile ext.cnf -extensions "$ext" "${dates[@]}"
}

csr() {
    openssl_q req -new -key "$1" -subj "$2" -out "$3"
}

# --- Root CA -----------------------------------------------------------------
ec_key ca.key
csr ca.key "/CN=petls Test Root CA" ca.csr
ca_config root
openssl_q ca -config ca-root.cnf -batch -notext -preserveDN -selfsign \
    -keyfile ca.key -in ca.csr -out ca.pem -extfile ext.cnf \
    -extensions v3_root -startdate "$(utc '-1 day')" \
    -enddate "$(utc '+7300 days')"

# --- Intermediate CA ---------------------------------------------------------
ec_key inter.key
csr inter.key "/CN=petls Test Intermediate CA" inter.csr
issue root ca.pem ca.key inter.csr inter.pem v3_inter \
    "$(utc '-1 day')" "$(utc '+5000 days')"
ca_config inter

# leaf NAME KEYTYPE SUBJECT EXT [START END]: NAME.pem = leaf + intermediate.
leaf() {
    local name=$1 keytype=$2 subject=$3 ext=$4
    shift 4
    "${keytype}_key" "$name.key"
    csr "$name.key" "$subject" "$name.csr"
    issue inter inter.pem inter.key "$name.csr" "$name.leaf.pem" "$ext" "$@"
    cat "$name.leaf.pem" inter.pem >"$name.pem"
}

leaf server-ecdsa ec "/CN=localhost" server
leaf server-rsa rsa "/CN=localhost" server
leaf client ec "/CN=petls-client" client
leaf expired ec "/CN=localhost" server "$(utc '-400 days')" "$(utc '-1 day')"
leaf notyet ec "/CN=localhost" server "$(utc '+30 days')" "$(utc '+400 days')"
leaf wrongname ec "/CN=wrong.example" wrongname
leaf revoked ec "/CN=localhost" server
leaf cn-only ec "/CN=localhost" cn_only

# Encrypted PKCS#8 and DER forms of the ECDSA server credentials.
openssl_q pkcs8 -topk8 -v2 aes-256-cbc -in server-ecdsa.key \
    -passout pass:petls-test-pass -out server-ecdsa-enc.key
openssl_q x509 -in server-ecdsa.leaf.pem -outform DER \
    -out server-ecdsa-leaf.der
openssl_q pkey -in server-ecdsa.key -outform DER -out server-ecdsa-key.der

# --- Self-signed leaf ----------------------------------------------------------
ec_key selfsigned.key
openssl_q req -new -x509 -key selfsigned.key -subj "/CN=localhost" \
    -days 3650 -config ext.cnf -extensions selfsigned -out selfsigned.pem

# --- Unrelated root and a leaf under it -------------------------------------
ec_key other-ca.key
csr other-ca.key "/CN=petls Other Root CA" other-ca.csr
ca_config other
openssl_q ca -config ca-other.cnf -batch -notext -preserveDN -selfsign \
    -keyfile other-ca.key -in other-ca.csr -out other-ca.pem -extfile ext.cnf \
    -extensions v3_root -startdate "$(utc '-1 day')" \
    -enddate "$(utc '+7300 days')"
ec_key other-leaf.key
csr other-leaf.key "/CN=localhost" other-leaf.csr
issue other other-ca.pem other-ca.key other-leaf.csr other-leaf.pem server
cat other-leaf.pem other-ca.pem >other-chain.pem

# --- CRLs: the intermediate's (revoking revoked.pem), then the root's -------
openssl_q ca -config ca-inter.cnf -cert inter.pem -keyfile inter.key \
    -revoke revoked.leaf.pem -crl_reason keyCompromise
openssl_q ca -config ca-inter.cnf -cert inter.pem -keyfile inter.key \
    -gencrl -out inter.crl.pem
openssl_q ca -config ca-root.cnf -cert ca.pem -keyfile ca.key \
    -gencrl -out root.crl.pem
cat inter.crl.pem root.crl.pem >crl.pem

# --- Publish -------------------------------------------------------------------
FILES=(ca.pem ca.key inter.pem
    server-ecdsa.pem server-ecdsa.key server-rsa.pem server-rsa.key
    server-ecdsa-enc.key server-ecdsa-leaf.der server-ecdsa-key.der
    client.pem client.key expired.pem expired.key notyet.pem notyet.key
    wrongname.pem wrongname.key revoked.pem revoked.key cn-only.pem cn-only.key
    selfsigned.pem selfsigned.key other-ca.pem other-leaf.pem other-leaf.key
    other-chain.pem crl.pem)
chmod 600 ./*.key
rm -f "$OUT/.complete"
for f in "${FILES[@]}"; do
    mv -f "$f" "$OUT/$f"
done
touch "$OUT/.complete"
