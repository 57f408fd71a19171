#!/usr/bin/env bash
# Enforces petls's layering:
#  1. only src/backend/mbedtls/ includes mbedTLS or PSA headers;
#  2. nothing under src/ includes POSIX headers (the port layer, port/, owns
#     sockets, files, time and threads);
#  3. nothing under src/ prints, aborts or exits (abort, exit, printf,
#     fprintf, puts, ...); failures are returned with a message;
#  4. one direction between engine and backend: files under src/backend/
#     include no engine header (only "backend/...", "petls_port.h" and the
#     pure header-only "core/bytes.h"),
#     and call no engine function (no petls_* call but the port's
#     petls_port_*): what the engine must decide reaches the backend as
#     settings or function pointers in backend.h (e.g. name_match);
#  5. a compiled-out feature's stub (any *_off.c under src/) defines only
#     public functions, those declared in include/petls*.h: no internal
#     hook, no static helper, no hook data. A compiled-out feature is
#     absent from the feature table (src/core/features.c) instead.
# Comments and string literals are ignored. Prints every violation as
# file:line: what, and exits 1 if there is any.
#
# Usage: scripts/check-layering.sh [REPO_DIR]
set -euo pipefail

root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cd "$root"

list_sources() {
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard -- '*.c' '*.h'
  else
    find . \( -path ./.git -o -path ./.deps -o -path './build*' \) -prune \
      -o -type f \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||'
  fi
}

# Prints "line<TAB>code" for each line of a C file, with comments and string
# and character literals blanked (line numbers preserved).
strip_c() {
  perl -0777 -ne '
    s{(/\*.*?\*/)|(//[^\n]*)|("(?:\\.|[^"\\\n])*")|(\x27(?:\\.|[^\x27\\\n])*\x27)}{
      defined $1 ? ("\n" x ($1 =~ tr/\n//)) : defined $2 ? "" :
      defined $3 ? "\"\"" : "\x27\x27" }gse;
    my $n = 0;
    for my $l (split /\n/, $_, -1) { $n++; print "$n\t$l\n"; }
  ' "$1"
}

# Includes are matched on the raw text (the header name is a literal).
posix_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*<(unistd\.h|pthread\.h|fcntl\.h|dirent\.h|poll\.h|netdb\.h|termios\.h|semaphore\.h|arpa/[^>]*|netinet/[^>]*|sys/(socket|stat|time|select|un|mman|ioctl|uio|random|wait|epoll|resource)\.h)>'
tls_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](mbedtls|psa)/'
call_re='(^|[^[:alnum:]_.>])(abort|exit|_Exit|quick_exit|printf|vprintf|fprintf|vfprintf|dprintf|puts|fputs|putchar|perror)[[:space:]]*\('

fail=0
report() {
  echo "$1" >&2
  fail=1
}

while IFS= read -r f; do
  [ -f "$f" ] || continue
  case "$f" in
  src/backend/mbedtls/*) ;;
  # The benchmark's baselines are written on mbedTLS directly on purpose.
  bench/*) ;;
  *)
    while IFS=: read -r line _; do
      report "$f:$line: includes an mbedTLS/PSA header (only src/backend/mbedtls/ may)"
    done < <(grep -nE "$tls_re" "$f" || true)
    ;;
  esac
  case "$f" in
  src/*)
    while IFS=: read -r line text; do
      report "$f:$line: includes a POSIX header ($(echo "$text" | sed 's/.*<\(.*\)>.*/\1/')); use port/petls_port.h"
    done < <(grep -nE "$posix_re" "$f" || true)
    while IFS=$'\t' read -r line code; do
      fn=$(echo "$code" | grep -oE "$call_re" | head -1 | sed -E 's/^[^[:alpha:]_]*//; s/[[:space:]]*\($//')
      report "$f:$line: calls $fn(); the library never prints, aborts or exits"
    done < <(strip_c "$f" | grep -P "^\d+\t" | awk -F'\t' -v re="$call_re" '$2 ~ re' || true)
    ;;
  esac
  case "$f" in
  src/backend/*)
    while IFS=: read -r line text; do
      report "$f:$line: the backend includes an engine header ($(echo "$text" | sed 's/.*"\(.*\)".*/\1/')); it sees backend.h only"
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
      grep -vE '"(backend/[^"]*|petls_port\.h|core/bytes\.h)"' || true)
    while IFS=$'\t' read -r line code; do
      fn=$(echo "$code" | grep -oE '(^|[^[:alnum:]_])petls_[[:alnum:]_]+[[:space:]]*\(' |
        sed -E 's/^[^p]*//; s/[[:space:]]*\($//' | grep -v '^petls_port_' | head -1 || true)
      [ -z "$fn" ] || report "$f:$line: the backend calls the engine's $fn(); pass it through backend.h instead"
    done < <(strip_c "$f" | awk -F'\t' '$2 ~ /petls_[[:alnum:]_]+[[:space:]]*\(/' || true)
    ;;
  esac
done < <(list_sources)

# Rule 5. Definitions at file scope of a C file, comments, strings and
# preprocessor lines ignored: "line<TAB>function|data<TAB>name".
c_definitions() {
  perl -0777 -ne '
    s{(/\*.*?\*/)|(//[^\n]*)|("(?:\\.|[^"\\\n])*")|(\x27(?:\\.|[^\x27\\\n])*\x27)}{
      defined $1 ? ("\n" x ($1 =~ tr/\n//)) : defined $2 ? "" :
      defined $3 ? "\"\"" : "\x27\x27" }gse;
    s{^[ \t]*#(?:[^\n]*\\\n)*[^\n]*}{my $m = $&; "\n" x ($m =~ tr/\n//)}gme;
    my ($depth, $start, $ln) = (0, 0, 1);
    for (my $i = 0; $i < length $_; $i++) {
      my $c = substr($_, $i, 1);
      if ($c eq "\n") { $ln++; next; }
      if ($depth == 0 && ($c eq ";" || $c eq "{")) {
        my $head = substr($_, $start, $i - $start);
        my $hl = $ln - ($head =~ tr/\n//) + (($head =~ /^(\s*)/)[0] =~ tr/\n//);
        (my $h = $head) =~ s/\s+/ /g;
        if ($c eq "{" && $h !~ /=/ &&
            $h =~ /(\w+)\s*\((?:[^()]|\([^()]*\))*\)\s*$/) {
          print "$hl\tfunction\t$1\n";
        } elsif ($h !~ /^\s*(typedef|extern)\b/ && $h !~ /\(\s*\*/ &&
                 $h =~ /\b(\w+)\s*(?:\[[^\]]*\]\s*)*=/) {
          print "$hl\tdata\t$1\n";
        }
      }
      if ($c eq "{") { $depth++; }
      elsif ($c eq "}") { $depth--; $start = $i + 1 if $depth == 0; }
      elsif ($depth == 0 && $c eq ";") { $start = $i + 1; }
    }
  ' "$1"
}
public_api=$(cat include/petls*.h | grep -oE '\bpetls_[a-z0-9_]+[[:space:]]*\(' |
  sed -E 's/[[:space:]]*\($//' | sort -u)
while IFS= read -r f; do
  [ -f "$f" ] || continue
  case "$f" in src/*_off.c) ;; *) continue ;; esac
  while IFS=$'\t' read -r line kind name; do
    if [ "$kind" = function ] && grep -qx "$name" <<<"$public_api"; then
      continue
    fi
    report "$f:$line: the stub defines $kind $name, which is not a public petls_* call; a compiled-out feature leaves the feature table instead (src/core/features.c)"
  done < <(c_definitions "$f")
done < <(list_sources)

if [ "$fail" = 0 ]; then
  echo "layering: ok"
fi
exit "$fail"
