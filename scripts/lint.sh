#!/usr/bin/env bash
# Static checks over src/, stores/, port/, tools/ and examples/:
#   - clang-format --dry-run --Werror (the repo's .clang-format);
#   - clang-tidy (.clang-tidy) with BUILD_DIR/compile_commands.json;
#   - cppcheck (warning, portability, performance).
# Prints findings and exits 1 if any tool found something.
#
# Usage: scripts/lint.sh [BUILD_DIR]   (default: build; configured if needed)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build}
jobs=${JOBS:-2}
status=0

mapfile -t files < <(git ls-files --cached --others --exclude-standard \
  -- 'src/*.c' 'src/*.h' 'stores/*.c' 'stores/*.h' 'port/*.c' 'port/*.h' \
  'tools/*.c' 'tools/*.h' 'examples/*.c' 'examples/*.h' \
  'compat/*.c' 'compat/*.h' |
  while read -r f; do [ -f "$f" ] && echo "$f"; done)
mapfile -t cfiles < <(printf '%s\n' "${files[@]}" | grep '\.c$')

echo "== clang-format (${#files[@]} files)"
if ! clang-format --dry-run --Werror "${files[@]}"; then status=1; fi

if [ ! -f "$build/compile_commands.json" ]; then
  cmake -S . -B "$build" >/dev/null || exit 1
fi
echo "== clang-tidy"
# Only the files this configuration compiles (port/none is not in a host
# build's database).
mapfile -t tidy < <(for f in "${cfiles[@]}"; do
  grep -q "\"file\": \"$root/$f\"" "$build/compile_commands.json" && echo "$f"
done)
tidy_out=$(printf '%s\n' "${tidy[@]}" |
  xargs -r -P "$jobs" -n 4 clang-tidy -p "$build" --quiet 2>/dev/null)
if echo "$tidy_out" | grep -qE ': (warning|error):'; then
  echo "$tidy_out" | grep -E ': (warning|error):' | sort -u
  status=1
fi

echo "== cppcheck"
if ! cppcheck --quiet --error-exitcode=1 --std=c11 --language=c \
  --enable=warning,portability,performance --inline-suppr \
  --suppress=missingIncludeSystem --suppress=sizeofDivisionMemfunc \
  -I include -I port -I src -I src/core -I src/policy -I src/accept \
  -I src/feature -I src/feature/sni -I src/feature/psk -I src/feature/resume -I src/feature/keyinfo \
  -I stores/posix -I compat/libtls -I compat/libtls/include \
  -I "$build/generated" \
  -D__GNUC__ -j "$jobs" "${cfiles[@]}"; then
  status=1
fi

if [ "$status" = 0 ]; then echo "lint: clean"; else echo "lint: findings above"; fi
exit "$status"
