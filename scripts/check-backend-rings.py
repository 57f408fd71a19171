#!/usr/bin/env python3
"""No call ring inside the backend (docs/ARCHITECTURE.md, invariants).

Reads the compiled backend objects (nm), draws an edge A -> B when A uses a
symbol B defines, and fails, naming them, when files call each other in a
circle (a strongly connected component of more than one file). A ring means
two files share one responsibility; give it one owner instead.

Usage: scripts/check-backend-rings.py OBJECT_DIR   (the petls_obj objects
of src/backend/, e.g. build/src/CMakeFiles/petls_obj.dir/backend)
"""
import pathlib
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", str(obj)], capture_output=True, text=True,
                         check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDBRC":
            defined.add(f[2])
        elif len(f) == 2 and f[0] == "U":
            used.add(f[1])
    return defined, used


def rings(edges):
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    objs = sorted(pathlib.Path(sys.argv[1]).rglob("*.o"))
    if not objs:
        sys.exit(f"check-backend-rings: no objects under {sys.argv[1]}")
    table = {o.name[:-len(".c.o")] if o.name.endswith(".c.o") else o.stem:
             symbols(o) for o in objs}
    edges = {a: {b for b in table if b != a and table[a][1] & table[b][0]}
             for a in table}
    found = rings(edges)
    for comp in found:
        print("backend ring: " + " <-> ".join(comp), file=sys.stderr)
        for a in comp:
            for b in sorted(edges[a] & set(comp)):
                calls = sorted(table[a][1] & table[b][0])
                print(f"  {a} -> {b}: {', '.join(calls[:4])}", file=sys.stderr)
    if found:
        sys.exit(1)
    print(f"backend rings: none among {len(table)} files")


if __name__ == "__main__":
    main()
