#!/usr/bin/env bash
# Checks that docs/API.md documents the whole public API:
# - every function declared in include/petls.h (and include/petls_store.h)
#   has a "### petls_name" heading;
# - every "### petls_name" heading names a function the header declares
#   (no stale entries);
# - every macro the header defines (PETLS_*) is mentioned in backquotes.
# Exits 1 listing what is missing, 0 when the reference is complete.
#
# Usage: scripts/check-api-docs.sh [HEADER [API_MD]]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
header=${1:-$root/include/petls.h}
# Without a HEADER argument, the stores' header (include/petls_store.h,
# library petls_store) is part of the API too.
extra=()
[ $# -ge 1 ] || extra=("$root/include/petls_store.h")
doc=${2:-$root/docs/API.md}

for f in "$header" "$doc"; do
    if [ ! -f "$f" ]; then
        echo "check-api-docs: $f not found" >&2
        exit 2
    fi
done

# The header without comments, so names mentioned in prose do not count as
# declarations.
code=$(awk '
{
    line = $0; out = ""
    while (length(line) > 0) {
        if (incomment) {
            i = index(line, "*/")
            if (i == 0) { line = ""; break }
            line = substr(line, i + 2); incomment = 0
        } else {
            i = index(line, "/*")
            if (i == 0) { out = out line; line = ""; break }
            out = out substr(line, 1, i - 1) " "
            line = substr(line, i + 2); incomment = 1
        }
    }
    print out
}' "$header" "${extra[@]}")

# A declared function is "petls_name(" outside comments and outside
# "#define" lines. Function-pointer typedefs read "(*petls_x_cb)(" and do
# not match, since the name is followed by ")".
functions=$(printf '%s\n' "$code" | grep -v '^[[:space:]]*#' |
    grep -oE '\bpetls_[a-z0-9_]+[[:space:]]*\(' |
    sed -E 's/[[:space:]]*\($//' | sort -u)
macros=$(printf '%s\n' "$code" |
    sed -nE 's/^[[:space:]]*#[[:space:]]*define[[:space:]]+(PETLS_[A-Za-z0-9_]+).*/\1/p' |
    grep -vxE 'PETLS_H|PETLS_STORE_H' | sort -u)
headings=$(sed -nE 's/^###[[:space:]]+`?(petls_[a-z0-9_]+)`?[[:space:]]*$/\1/p' "$doc" |
    sort -u)

if [ -z "$functions" ]; then
    echo "check-api-docs: found no functions in $header" >&2
    exit 2
fi

status=0
missing=$(comm -23 <(printf '%s\n' "$functions") <(printf '%s\n' "$headings"))
if [ -n "$missing" ]; then
    echo "check-api-docs: functions in $(basename "$header") without a '### name' heading in $doc:"
    printf '  %s\n' $missing
    status=1
fi
stale=$(comm -13 <(printf '%s\n' "$functions") <(printf '%s\n' "$headings"))
if [ -n "$stale" ]; then
    echo "check-api-docs: headings in $doc for functions $(basename "$header") does not declare:"
    printf '  %s\n' $stale
    status=1
fi
for m in $macros; do
    if ! grep -q "\`$m\`" "$doc"; then
        echo "check-api-docs: macro $m is not mentioned as \`$m\` in $doc"
        status=1
    fi
done

if [ "$status" = 0 ]; then
    echo "check-api-docs: $(printf '%s\n' "$functions" | wc -l) functions and" \
        "$(printf '%s\n' "$macros" | wc -l) macros documented"
fi
exit "$status"
