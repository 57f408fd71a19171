#!/usr/bin/env bash
# Checks the man pages in man/ against the public headers:
# - every function declared in a public header (include/*.h and the
#   bare-metal port's port/none/petls_port_none.h) is named by a ".Nm" line
#   in the NAME section of exactly one page, so `man petls_name` finds it
#   (CMake installs a link per name);
# - every name in a NAME section is a declared function (no stale names),
#   except a section 1 page's own name;
# - each page's first name is its file name and its .Dt matches it;
# - `mandoc -Tlint -Wwarning` finds nothing in any page;
# - with --cli PETLS: every option `petls server --help` and
#   `petls client --help` list is documented in petls.1 (as ".Fl -option").
# Exits 1 listing what is wrong, 2 when it cannot run (no mandoc, no pages),
# 0 when the pages are complete.
#
# Usage: scripts/check-man-pages.sh [--cli PATH-TO-petls] [--no-lint] [MANDIR]
#        scripts/check-man-pages.sh --selftest [MANDIR]
#   --selftest  copies the pages, removes one name from a NAME section and
#               checks that the check then fails naming that function.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cli=""
lint=1
selftest=0
while [ $# -gt 0 ]; do
    case "$1" in
    --cli) cli=$2; shift 2 ;;
    --no-lint) lint=0; shift ;;
    --selftest) selftest=1; shift ;;
    -*) echo "usage: $0 [--cli PETLS] [--no-lint] [--selftest] [MANDIR]" >&2; exit 2 ;;
    *) break ;;
    esac
done
mandir=${1:-$root/man}

if [ "$selftest" = 1 ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    cp "$mandir"/*.[0-9] "$tmp/"
    # The last name of the NAME section of petls_read.3.
    page="$tmp/petls_read.3"
    victim=$(awk '/^\.Sh NAME/{n=1;next} /^\.Sh /{n=0} n && /^\.Nm /{v=$2} END{print v}' "$page")
    if [ -z "$victim" ]; then
        echo "check-man-pages selftest: no name found in petls_read.3" >&2
        exit 2
    fi
    # Drop its line; the name before it becomes the last (no " ,").
    awk -v v="$victim" '
        /^\.Sh NAME/{n=1} /^\.Sh SYNOPSIS/{n=0}
        n && $1 == ".Nm" && $2 == v { sub(/ ,$/, "", held); next }
        { if (have) print held; held = $0; have = 1 }
        END { if (have) print held }' "$page" >"$page.new"
    mv "$page.new" "$page"
    set +e
    out=$("$0" --no-lint "$tmp" 2>&1)
    rc=$?
    set -e
    if [ "$rc" = 1 ] && printf '%s\n' "$out" | grep -qx "  $victim"; then
        echo "check-man-pages selftest: removing $victim from petls_read.3 fails the check:"
        printf '%s\n' "$out" | sed 's/^/  | /'
        exit 0
    fi
    echo "check-man-pages selftest: removing $victim did not fail the check (rc $rc):" >&2
    printf '%s\n' "$out" >&2
    exit 1
fi

pages=$(find "$mandir" -maxdepth 1 -type f -name '*.[0-9]' | sort)
if [ -z "$pages" ]; then
    echo "check-man-pages: no pages in $mandir" >&2
    exit 2
fi

headers=$(find "$root/include" -name '*.h' | sort)
if [ -f "$root/port/none/petls_port_none.h" ]; then
    headers="$headers $root/port/none/petls_port_none.h"
fi

# Function names declared in a header: "petls_name(" outside comments and
# preprocessor lines (the same reading as scripts/check-api-docs.sh).
declared() { # header
    awk '
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
    }' "$1" | grep -v '^[[:space:]]*#' |
        grep -oE '\bpetls_[a-z0-9_]+[[:space:]]*\(' |
        sed -E 's/[[:space:]]*\($//'
}

functions=$(for h in $headers; do declared "$h"; done | sort -u)
if [ -z "$functions" ]; then
    echo "check-man-pages: found no functions in $headers" >&2
    exit 2
fi

status=0
names_all=""
for p in $pages; do
    base=$(basename "$p")
    stem=${base%.*}
    sect=${base##*.}
    names=$(awk '/^\.Sh NAME/{n=1;next} /^\.Sh /{n=0} n && /^\.Nm /{print $2}' "$p")
    if [ -z "$names" ]; then
        echo "check-man-pages: $base has no .Nm in its NAME section"
        status=1
        continue
    fi
    # Not "| head -1": under pipefail its early exit can SIGPIPE printf and
    # end the script with 141.
    first=${names%%$'\n'*}
    if [ "$first" != "$stem" ]; then
        echo "check-man-pages: $base: the first name is '$first', not '$stem'"
        status=1
    fi
    dt=$(sed -nE 's/^\.Dt[[:space:]]+([^[:space:]]+)[[:space:]]+([0-9]).*/\1 \2/p' "$p")
    want="$(printf '%s' "$stem" | tr '[:lower:]' '[:upper:]') $sect"
    if [ "$dt" != "$want" ]; then
        echo "check-man-pages: $base: .Dt is '$dt', expected '$want'"
        status=1
    fi
    if [ "$sect" = 3 ]; then
        names_all="$names_all $names"
    fi
done

named=$(printf '%s\n' $names_all | sort)
dups=$(printf '%s\n' "$named" | uniq -d)
if [ -n "$dups" ]; then
    echo "check-man-pages: functions named in more than one NAME section:"
    printf '  %s\n' $dups
    status=1
fi
named=$(printf '%s\n' "$named" | sort -u)
missing=$(comm -23 <(printf '%s\n' "$functions") <(printf '%s\n' "$named"))
if [ -n "$missing" ]; then
    echo "check-man-pages: public functions named in no NAME section of $mandir/*.3"
    echo "(add a .Nm line, and a .Fn/.Fo in the SYNOPSIS, to the page of its group):"
    printf '  %s\n' $missing
    status=1
fi
stale=$(comm -13 <(printf '%s\n' "$functions") <(printf '%s\n' "$named"))
if [ -n "$stale" ]; then
    echo "check-man-pages: NAME sections name functions no public header declares:"
    printf '  %s\n' $stale
    status=1
fi

if [ "$lint" = 1 ]; then
    if ! command -v mandoc >/dev/null; then
        echo "check-man-pages: mandoc not found (scripts/install-deps.sh installs it)" >&2
        exit 2
    fi
    for p in $pages; do
        if ! out=$(mandoc -Tlint -Wwarning "$p" 2>&1) || [ -n "$out" ]; then
            echo "check-man-pages: mandoc -Tlint -Wwarning $(basename "$p"):"
            printf '%s\n' "$out" | sed 's/^/  /'
            status=1
        fi
    done
fi

if [ -n "$cli" ]; then
    page1="$mandir/petls.1"
    for mode in server client; do
        opts=$("$cli" "$mode" --help 2>&1 |
            sed -nE 's/^[[:space:]]+--([a-z0-9][a-z0-9-]*).*/\1/p' | sort -u)
        if [ -z "$opts" ]; then
            echo "check-man-pages: '$cli $mode --help' lists no options"
            status=1
        fi
        for o in $opts; do
            if ! grep -qE "(^|[[:space:]])Fl -$o([[:space:]]|$)" "$page1"; then
                echo "check-man-pages: petls.1 does not document '$mode --$o' (as .Fl -$o)"
                status=1
            fi
        done
    done
fi

if [ "$status" = 0 ]; then
    echo "check-man-pages: $(printf '%s\n' $pages | wc -l) pages;" \
        "$(printf '%s\n' "$functions" | wc -l) public functions, each named in one NAME section"
fi
exit "$status"
