#!/usr/bin/env bash
# ctest bench_report_smoke: bench/report.py grades the targets of a real run
# (met / missed) but only reports them for a --smoke run (a handful of
# connections, one repeat), whose results.md says so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for mode in default smoke; do
  d="$tmp/$mode"
  mkdir -p "$d"
  printf '{"mode":"%s","repeats":1}\n' "$mode" >"$d/machine.json"
  # RSS rows: petls 1000 B per connection against Node's 4000 B (target:
  # at most half of Node's, met).
  cat >"$d/raw.jsonl" <<'ROWS'
{"layer":"rss","server":"petls","conns":10,"per_conn_bytes":1000}
{"layer":"rss","server":"node","conns":10,"per_conn_bytes":4000}
ROWS
  python3 "$here/report.py" "$d" >/dev/null 2>&1
done
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
def target(mode):
    res = json.load(open(d + "/" + mode + "/results.json"))
    t = [x for x in res["targets"] if x["target"].startswith("RSS per idle")]
    assert len(t) == 1, res["targets"]
    return t[0], open(d + "/" + mode + "/results.md").read()
t, md = target("default")
assert t["met"] is True, t
assert "| RSS per idle connection <= half of Node's | met |" in md, md
assert "Smoke run:" not in md
t, md = target("smoke")
assert t["met"] is None, t
assert "| RSS per idle connection <= half of Node's | reported |" in md, md
assert ("Smoke run: too few connections and repeats to grade the targets; "
        "the values are only reported.") in md
print("bench report: a real run grades, a smoke run only reports")
PY
