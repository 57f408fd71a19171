#!/usr/bin/env python3
"""Turns a bench/run.sh output directory into results.json, results.md and
chart.png (gnuplot).

usage: report.py DIR      (DIR holds raw.jsonl and machine.json)

Every repeated measurement is reported as its median with the spread
(min-max) over the repeats; callgrind counts are single runs (they repeat
to within a fraction of a percent).
"""
import json
import os
import shutil
import statistics
import subprocess
import sys

TARGETS = {
    "overhead_full_pct": 3.0,
    "overhead_resumed_pct": 10.0,
    "overhead_mb_pct": 2.0,
    "tls12_resume_vs_node": 1.5,
    "psk_ke_vs_full": 15.0,
    "bulk_vs_mbedtls": 0.95,
    "idle_heap_recommended": 20 * 1024,
    "idle_heap_small": 12 * 1024,
    "rss_vs_node": 0.5,
}


def load(d):
    rows = []
    with open(os.path.join(d, "raw.jsonl")) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                rows.append({"layer": "broken", "text": line[:200]})
    with open(os.path.join(d, "machine.json")) as f:
        machine = json.load(f)
    return rows, machine


def stat(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals),
            "max": max(vals), "n": len(vals)}


def group(rows, layer, keys, metrics):
    """{key tuple: {metric: stat}} plus notes (na/error) per key."""
    acc, notes = {}, {}
    for r in rows:
        if r.get("layer") != layer:
            continue
        k = tuple(r.get(x) for x in keys)
        if "na" in r or "error" in r:
            notes[k] = r.get("na") or "error: " + str(r.get("error"))
            continue
        for m in metrics:
            if m in r:
                acc.setdefault(k, {}).setdefault(m, []).append(r[m])
    out = {k: {m: stat(v) for m, v in ms.items()} for k, ms in acc.items()}
    return out, notes


def fmt(s, digits=0, scale=1.0):
    """median [min-max] of a stat."""
    if s is None:
        return "n/a"
    f = "{:,.%df}" % digits
    med = f.format(s["median"] * scale)
    if s["n"] > 1 and s["max"] != s["min"]:
        return "%s [%s-%s]" % (med, f.format(s["min"] * scale),
                               f.format(s["max"] * scale))
    return med


def pct(a, b):
    return (a / b - 1.0) * 100.0


def main():
    d = sys.argv[1]
    rows, machine = load(d)
    impls = ["petls", "mbedtls", "openssl"]
    lib, lib_notes = group(rows, "lib", ["impl", "scenario"],
                           ["server_us", "client_us", "server_per_s",
                            "encrypt_MBps", "decrypt_MBps"])
    crypto, _ = group(rows, "crypto", ["op"], ["per_s", "MBps", "us"])
    cg = {}
    for r in rows:
        if r.get("layer") == "cg":
            cg[(r["impl"], r["scenario"])] = r
    mem = [r for r in rows if r.get("layer") == "mem"]
    stack, stack_notes = group(
        rows, "stack", ["server", "mode", "version", "resume", "conns"],
        ["per_s", "p50_us", "p99_us", "MBps", "completed", "resumed",
         "failures"])
    rss = [r for r in rows if r.get("layer") == "rss"]
    scen = []
    for r in rows:
        if r.get("layer") == "lib" and r.get("scenario") not in scen:
            scen.append(r["scenario"])

    md = []
    res = {"machine": machine, "lib": {}, "crypto": {}, "callgrind": {},
           "mem": mem, "stack": {}, "rss": rss, "targets": []}
    m = machine
    md.append("### Machine and conditions\n")
    md.append("| | |\n|---|---|")
    for k, label in [("date", "date (UTC)"), ("command", "command"),
                     ("cpu", "CPU"), ("cores", "cores"), ("os", "OS"),
                     ("kernel", "kernel"), ("petls_commit", "petls commit"),
                     ("mbedtls", "mbedTLS"), ("openssl", "OpenSSL"),
                     ("node", "Node.js"), ("node_openssl", "Node's OpenSSL"),
                     ("gcc", "compiler"), ("valgrind", "valgrind"),
                     ("repeats", "repeats"), ("load_start", "load average at start"),
                     ("load_end", "load average at end")]:
        if k in m:
            md.append("| %s | %s |" % (label, m[k]))
    md.append("")

    # ---- Library layer: handshakes
    md.append("### Library layer: CPU time per handshake (µs, one thread, "
              "memory buffers)\n")
    md.append("Median [min-max] over the repeats; server / client side "
              "measured separately (thread CPU time).\n")
    md.append("| scenario | " + " | ".join(
        "%s server | %s client" % (i, i) for i in impls) + " |")
    md.append("|---" * (1 + 2 * len(impls)) + "|")
    for s in scen:
        if s.startswith("bulk"):
            continue
        cells = []
        for i in impls:
            v = lib.get((i, s))
            if v is None:
                note = lib_notes.get((i, s), "not run")
                cells += [note, ""]
            else:
                cells += [fmt(v.get("server_us"), 1), fmt(v.get("client_us"), 1)]
            res["lib"].setdefault(i, {})[s] = v or lib_notes.get((i, s))
        md.append("| %s | %s |" % (s, " | ".join(cells)))
    if "psk-tls13-external" not in scen:
        md.append("| psk-tls13-external | n/a: needs issue 4 | | n/a | | n/a | |")
    md.append("")

    md.append("### Library layer: bulk throughput (MB/s, 16 KiB writes, "
              "TLS 1.3)\n")
    md.append("| cipher | " + " | ".join(
        "%s encrypt | %s decrypt" % (i, i) for i in impls) + " |")
    md.append("|---" * (1 + 2 * len(impls)) + "|")
    for s in scen:
        if not s.startswith("bulk"):
            continue
        cells = []
        for i in impls:
            v = lib.get((i, s))
            if v is None:
                cells += [lib_notes.get((i, s), "not run"), ""]
            else:
                cells += [fmt(v.get("encrypt_MBps"), 0),
                          fmt(v.get("decrypt_MBps"), 0)]
            res["lib"].setdefault(i, {})[s] = v or lib_notes.get((i, s))
        md.append("| %s | %s |" % (s.replace("bulk-tls13-", ""),
                                   " | ".join(cells)))
    md.append("")

    # ---- Callgrind
    md.append("### Instructions (callgrind): per handshake, or per MiB for "
              "bulk\n")
    md.append("Engine overhead = petls / raw mbedTLS - 1, client + server "
              "(and the server side alone).\n")
    md.append("| scenario | petls server | petls client | mbedTLS server | "
              "mbedTLS client | OpenSSL server | OpenSSL client | "
              "overhead (both) | overhead (server) |")
    md.append("|---" * 9 + "|")
    overheads = {}
    for s in scen:
        p, b, o = cg.get(("petls", s)), cg.get(("mbedtls", s)), cg.get(("openssl", s))
        if p is None and b is None:
            continue

        def n(x, k):
            return "{:,}".format(x[k]) if x else "-"
        ov = ovs = None
        if p and b and b["client_ir"] + b["server_ir"] > 0:
            ov = pct(p["client_ir"] + p["server_ir"], b["client_ir"] + b["server_ir"])
            ovs = pct(p["server_ir"], b["server_ir"]) if b["server_ir"] else None
            overheads[s] = (ov, ovs)
        res["callgrind"][s] = {"petls": p, "mbedtls": b, "openssl": o,
                               "overhead_pct": ov, "overhead_server_pct": ovs}
        md.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            s, n(p, "server_ir"), n(p, "client_ir"), n(b, "server_ir"),
            n(b, "client_ir"), n(o, "server_ir"), n(o, "client_ir"),
            "%+.1f%%" % ov if ov is not None else "-",
            "%+.1f%%" % ovs if ovs is not None else "-"))
    md.append("")

    # ---- Crypto ceiling
    md.append("### Crypto ceiling (mbedTLS, same build, one core)\n")
    md.append("| operation | rate |")
    md.append("|---|---|")
    for (op,), v in sorted(crypto.items()):
        if v.get("MBps"):
            md.append("| %s | %s MB/s |" % (op, fmt(v["MBps"], 0)))
        else:
            md.append("| %s | %s /s |" % (op, fmt(v.get("per_s"), 0)))
        res["crypto"][op] = v
    md.append("")

    # ---- Heap
    md.append("### Heap per connection (bytes requested from malloc, "
              "counting allocator)\n")
    md.append("Idle = an established connection after one request each way. "
              "Engine / mbedTLS split where mbedTLS is a separate shared "
              "library (the distribution build).\n")
    md.append("| build | loop | scenario | server peak | server idle "
              "(engine + mbedTLS) | client peak | client idle |")
    md.append("|---" * 7 + "|")
    for r in mem:
        if "server" not in r:
            md.append("| %s | %s | %s | %s | | | |" % (
                r.get("build"), r.get("impl"), r.get("scenario"),
                r.get("na") or r.get("error")))
            continue
        sv, cl = r["server"], r["client"]
        split = ""
        if r.get("split"):
            split = " (%s + %s)" % ("{:,}".format(sv["idle_engine"]),
                                    "{:,}".format(sv["idle_mbedtls"]))
        md.append("| %s | %s | %s | %s | %s%s | %s | %s |" % (
            r["build"], r["impl"], r["scenario"], "{:,}".format(sv["peak"]),
            "{:,}".format(sv["idle"]), split, "{:,}".format(cl["peak"]),
            "{:,}".format(cl["idle"])))
    md.append("")

    # ---- Stack layer
    servers = ["petls", "node", "openssl", "mbedtls"]
    md.append("### Stack layer: loopback TCP, petls load generator\n")
    md.append("Handshake rows: connections per second, each a TCP connect, "
              "a handshake (client verifies the chain), one 64-byte request "
              "and its reply; 4 concurrent (1 for openssl s_server, which "
              "serves one connection at a time). Latency: 16 open "
              "connections (1 for s_server), 64-byte request/response. "
              "Throughput: one connection echoing 16 KiB messages. Client "
              "and server share the machine's cores.\n")
    md.append("| test | " + " | ".join(servers) + " |")
    md.append("|---" * (1 + len(servers)) + "|")
    # (mode, version, resume, connections (s_server: always 1), label, metric)
    tests = [("handshake", "TLSv1.3", 0, 4, "full TLS 1.3 handshakes/s", "per_s"),
             ("handshake", "TLSv1.2", 0, 4, "full TLS 1.2 handshakes/s", "per_s"),
             ("handshake", "TLSv1.2", 1, 4, "resumed TLS 1.2 (ticket) /s", "per_s"),
             ("handshake", "TLSv1.2", 1, 1, "resumed TLS 1.2 (ticket) /s, 1 connection", "per_s"),
             ("handshake", "TLSv1.3", 1, 4, "resumed TLS 1.3 (psk_dhe_ke) /s", "per_s"),
             ("latency", "TLSv1.3", 0, 16, "requests/s", "per_s"),
             ("latency", "TLSv1.3", 0, 16, "latency p50 (µs)", "p50_us"),
             ("latency", "TLSv1.3", 0, 16, "latency p99 (µs)", "p99_us"),
             ("throughput", "TLSv1.3", 0, 1, "echo throughput (MB/s)", "MBps")]
    for mode, ver, resume, nconn, label, metric in tests:
        cells = []
        for s in servers:
            k = (s, mode, ver, resume, 1 if s == "openssl" else nconn)
            v = stack.get(k)
            if v is None:
                cells.append(stack_notes.get(k, "n/a" if s == "openssl"
                                             and mode == "throughput" else "-"))
                continue
            cell = fmt(v.get(metric), 1 if metric == "MBps" else 0)
            if resume and v.get("resumed") and v.get("completed"):
                r_ = v["resumed"]["median"] / max(v["completed"]["median"], 1)
                if r_ < 0.99:
                    cell += " (%.0f%% resumed)" % (100 * r_)
            cells.append(cell)
            res["stack"]["%s/%s/%s/%s/%s" % k] = v
        md.append("| %s | %s |" % (label, " | ".join(cells)))
    md.append("| external PSK | library layer only (see above): the load "
              "generator has no PSK mode yet | | | |")
    md.append("")

    md.append("### Process RSS per idle TLS 1.3 connection\n")
    md.append("(RSS with N idle connections - RSS after one connection) / N.\n")
    md.append("| server | " + " | ".join(
        "%s conns" % c for c in sorted({r["conns"] for r in rss})) + " |")
    conns = sorted({r["conns"] for r in rss})
    md.append("|---" * (1 + len(conns)) + "|")
    for s in ["petls", "petls-kept", "node", "mbedtls"]:
        if not any(x["server"] == s for x in rss):
            continue
        cells = []
        for c in conns:
            r = next((x for x in rss if x["server"] == s and x["conns"] == c), None)
            if r is None:
                cells.append("-")
            elif "per_conn_bytes" in r:
                cells.append("{:,} B".format(r["per_conn_bytes"]))
            else:
                cells.append(r.get("error", "error")[:60])
        md.append("| %s | %s |" % (s, " | ".join(cells)))
    md.append("")
    md.append("petls-kept: the same server with `--keep-buffers` (record "
              "buffers kept while idle).\n")

    # ---- Release overhead (issue 11 item 7)
    rel = {}
    for r in rows:
        if r.get("layer") == "cg_release" and "server_ir" in r:
            rel[(r["scenario"], r["kept"])] = r
    rel_scen = [s_ for s_ in dict.fromkeys(k[0] for k in rel)
                if (s_, 0) in rel and (s_, 1) in rel]
    rel_over = {}
    if rel_scen:
        md.append("### Instructions: record buffers released vs kept "
                  "(callgrind, petls loop)\n")
        md.append("Per handshake, or per MiB for bulk; the same binary with "
                  "`PETLS_BENCH_KEEP_BUFFERS=1` (kept) and without "
                  "(released, the default). Overhead = (released - kept) / "
                  "kept, client + server.\n")
        md.append("| scenario | client kept | client released | server kept "
                  "| server released | overhead (both) | overhead (server) |")
        md.append("|---" * 7 + "|")
        for sc in rel_scen:
            k, r_ = rel[(sc, 1)], rel[(sc, 0)]
            kb = k["client_ir"] + k["server_ir"]
            rb = r_["client_ir"] + r_["server_ir"]
            ov = 100.0 * (rb - kb) / max(kb, 1)
            ovs = 100.0 * (r_["server_ir"] - k["server_ir"]) / max(k["server_ir"], 1)
            rel_over[sc] = (ov, ovs)
            md.append("| %s | %s | %s | %s | %s | %+.2f%% | %+.2f%% |" % (
                sc, "{:,}".format(k["client_ir"]), "{:,}".format(r_["client_ir"]),
                "{:,}".format(k["server_ir"]), "{:,}".format(r_["server_ir"]),
                ov, ovs))
        md.append("")

    # ---- Targets
    tg = []

    # A smoke run (bench/run.sh --smoke: a handful of connections, one
    # repeat) only checks that the harness works: its numbers are shown
    # but not graded against the targets.
    smoke = machine.get("mode") == "smoke"

    def target(name, value, goal, ok, text):
        tg.append({"target": name, "value": value, "goal": goal,
                   "met": None if smoke else ok, "text": text})

    full = [s for s in overheads if s.startswith("full")]
    if full:
        worst = max(full, key=lambda s: overheads[s][0])
        v = overheads[worst][0]
        target("engine overhead per full handshake <= 3%", v, 3.0, v <= 3.0,
               "worst %s: %+.2f%% (%s)" % (worst, v, ", ".join(
                   "%s %+.2f%%" % (s, overheads[s][0]) for s in full)))
    resm = [s for s in overheads if s.startswith("resume") or s.startswith("psk")]
    if resm:
        worst = max(resm, key=lambda s: overheads[s][0])
        v = overheads[worst][0]
        target("engine overhead per resumed handshake <= 10%", v, 10.0,
               v <= 10.0, "worst %s: %+.2f%% (%s)" % (worst, v, ", ".join(
                   "%s %+.2f%%" % (s, overheads[s][0]) for s in resm)))
    bulk = [s for s in overheads if s.startswith("bulk")]
    if bulk:
        worst = max(bulk, key=lambda s: overheads[s][0])
        v = overheads[worst][0]
        target("engine overhead per MB <= 2%", v, 2.0, v <= 2.0,
               "worst %s: %+.2f%%" % (worst, v))
    ratios = []
    for nconn in (4, 1):
        a = stack.get(("petls", "handshake", "TLSv1.2", 1, nconn))
        b = stack.get(("node", "handshake", "TLSv1.2", 1, nconn))
        if a and b and a.get("per_s") and b.get("per_s"):
            ratios.append((a["per_s"]["median"] / b["per_s"]["median"], nconn,
                           a["per_s"]["median"], b["per_s"]["median"]))
    if ratios:
        v = min(r[0] for r in ratios)
        target("resumed TLS 1.2 handshakes/s >= 1.5x Node", v, 1.5, v >= 1.5,
               "; ".join("%d conn: petls %.0f/s vs Node %.0f/s = %.2fx" % (
                   n, a_, b_, r) for r, n, a_, b_ in ratios))
    pk = cg.get(("petls", "resume-tls13-psk_ke"))
    fu = cg.get(("petls", "full-tls13-ecdsa"))
    lk = lib.get(("petls", "resume-tls13-psk_ke"))
    lf = lib.get(("petls", "full-tls13-ecdsa"))
    if pk and fu and pk["server_ir"]:
        v = fu["server_ir"] / pk["server_ir"]
        t = "server instructions: full %s / psk_ke %s = %.1fx" % (
            "{:,}".format(fu["server_ir"]), "{:,}".format(pk["server_ir"]), v)
        if lk and lf and lk.get("server_us") and lf.get("server_us"):
            t += "; server CPU time ratio %.1fx" % (
                lf["server_us"]["median"] / lk["server_us"]["median"])
        target("TLS 1.3 psk_ke resumption >= 15x full TLS 1.3 rate", v, 15.0,
               v >= 15.0, t)
    for s in bulk:
        p = lib.get(("petls", s))
        q = lib.get(("mbedtls", s))
        if p and q and p.get("encrypt_MBps") and q.get("encrypt_MBps"):
            v = (p["encrypt_MBps"]["median"] + p["decrypt_MBps"]["median"]) / (
                q["encrypt_MBps"]["median"] + q["decrypt_MBps"]["median"])
            iv = overheads.get(s, (None,))[0]
            target("bulk throughput >= 95%% of raw mbedTLS (%s)" % s, v, 0.95,
                   v >= 0.95 if iv is None else (1 / (1 + iv / 100)) >= 0.95,
                   "time: %.1f%% of raw mbedTLS (noisy)%s" % (
                       100 * v, "; instructions: %.1f%%" % (
                           100 / (1 + iv / 100)) if iv is not None else ""))
    for label, goal in [("recommended", 20 * 1024), ("small", 12 * 1024),
                        ("distribution-16K", None)]:
        r = next((x for x in mem if x.get("build") == label and
                  x.get("impl") == "petls" and
                  x.get("scenario") == "full-tls13-ecdsa" and "server" in x),
                 None)
        if r is None:
            if goal:
                target("idle TLS 1.3 connection heap, %s build <= %d KiB" % (
                    label, goal // 1024), None, goal, None,
                    "not measured in this run (bench/run.sh --full builds it)")
            continue
        v = r["server"]["idle"]
        if goal is None:
            target("idle TLS 1.3 connection heap, distribution 16K/16K build "
                   "(reported)", v, None, None,
                   "server %s B, client %s B" % ("{:,}".format(v),
                                                  "{:,}".format(r["client"]["idle"])))
        else:
            target("idle TLS 1.3 connection heap, %s build <= %d KiB" % (
                label, goal // 1024), v, goal, v <= goal,
                "server %s B (%.1f KiB), client %s B; %s" % (
                    "{:,}".format(v), v / 1024, "{:,}".format(r["client"]["idle"]),
                    "met" if v <= goal else "over by %s B" % "{:,}".format(v - goal)))
    big = [c for c in conns if any(x["server"] == "petls" and x["conns"] == c
                                   and "per_conn_bytes" in x for x in rss)
           and any(x["server"] == "node" and x["conns"] == c
                   and "per_conn_bytes" in x for x in rss)]
    if big:
        c = max(big)
        p = next(x for x in rss if x["server"] == "petls" and x["conns"] == c)
        q = next(x for x in rss if x["server"] == "node" and x["conns"] == c)
        v = p["per_conn_bytes"] / max(q["per_conn_bytes"], 1)
        target("RSS per idle connection <= half of Node's", v, 0.5, v <= 0.5,
               "%d connections: petls %s B vs Node %s B = %.2f" % (
                   c, "{:,}".format(p["per_conn_bytes"]),
                   "{:,}".format(q["per_conn_bytes"]), v))
        k = next((x for x in rss if x["server"] == "petls-kept" and
                  x["conns"] == c and "per_conn_bytes" in x), None)
        if k is not None:
            target("RSS per idle connection, buffers kept (reported)",
                   k["per_conn_bytes"] / max(q["per_conn_bytes"], 1), None,
                   None, "%d connections: petls --keep-buffers %s B vs Node "
                   "%s B = %.2f" % (c, "{:,}".format(k["per_conn_bytes"]),
                                    "{:,}".format(q["per_conn_bytes"]),
                                    k["per_conn_bytes"] /
                                    max(q["per_conn_bytes"], 1)))
    # Issue 11 item 7: release overhead.
    for prefix, goal, label in [("full", 3.0, "per full handshake"),
                                ("resume", 10.0, "per resumed handshake"),
                                ("bulk", 2.0, "per MB")]:
        sc_ = [x for x in rel_over if x.startswith(prefix)]
        if not sc_:
            continue
        worst = max(sc_, key=lambda x: rel_over[x][0])
        v = rel_over[worst][0]
        target("release overhead %s <= %g%% (issue 11)" % (label, goal), v,
               goal, v <= goal, "worst %s: %+.2f%% both sides (%s)" % (
                   worst, v, ", ".join("%s %+.2f%%" % (x, rel_over[x][0])
                                       for x in sc_)))
    # Issue 11: idle TLS 1.3 connection heap, buffers released.
    for label, sgoal, cgoal in [("distribution-16K", 8 * 1024, 10 * 1024),
                                ("recommended", 6 * 1024, None)]:
        r = next((x for x in mem if x.get("build") == label and
                  x.get("impl") == "petls" and
                  x.get("scenario") == "full-tls13-ecdsa" and "server" in x),
                 None)
        if r is None:
            continue
        for side, goal in [("server", sgoal), ("client", cgoal)]:
            if goal is None:
                continue
            v = r[side]["idle"]
            target("idle TLS 1.3 %s heap, %s build <= %d KiB (issue 11)" % (
                side, label, goal // 1024), v, goal, v <= goal,
                "%s B (%.1f KiB); %s" % ("{:,}".format(v), v / 1024,
                                        "met" if v <= goal else "over by %s B" %
                                        "{:,}".format(v - goal)))
    res["release_overhead"] = {k: v[0] for k, v in rel_over.items()}
    res["targets"] = tg
    md.append("### Targets (issues 6 and 11)\n")
    if smoke:
        md.append("Smoke run: too few connections and repeats to grade "
                  "the targets; the values are only reported.\n")
    md.append("| target | result | measured |")
    md.append("|---|---|---|")
    for t in tg:
        st = "met" if t["met"] else ("missed" if t["met"] is False else "reported")
        md.append("| %s | %s | %s |" % (t["target"], st, t["text"]))
    md.append("")

    if machine.get("mode") == "memory":
        # bench/run.sh --memory measures the memory layers only: leave out
        # the sections it has no rows for.
        skip = ("### Library layer", "### Instructions (callgrind)",
                "### Crypto ceiling", "### Stack layer")
        kept, drop = [], False
        for line in md:
            if line.startswith("### "):
                drop = line.startswith(skip)
            if not drop:
                kept.append(line)
        md = kept
    with open(os.path.join(d, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)
    chart(d, lib, stack, rss, scen, servers, conns)


def plots(path, ncols):
    if ncols == 0:
        return "NaN notitle"
    p = ["'%s' using 2:xtic(1)" % path]
    p += ["'' using %d" % (i + 2) for i in range(1, ncols)]
    return ", ".join(p)


def chart(d, lib, stack, rss, scen, servers, conns):
    if shutil.which("gnuplot") is None:
        return
    hs = [s for s in scen if not s.startswith("bulk")]
    # gnuplot's histograms reject a column without any value: only columns
    # that have one are written, and the plot commands follow the columns.
    def table(path, first, rows_, cols, get):
        cols = [c for c in cols if any(get(r, c) is not None for r in rows_)]
        with open(path, "w") as f:
            f.write("%s %s\n" % (first, " ".join(cols)))
            for r in rows_:
                vals = [get(r, c) for c in cols]
                f.write("%s %s\n" % (r if isinstance(r, str) else r[-1], " ".join(
                    "%.1f" % v if v is not None else "NaN" for v in vals)))
        return cols

    def lib_get(s, i):
        v = lib.get((i, s), {}).get("server_per_s")
        return v["median"] if v else None
    lib_cols = table(os.path.join(d, "chart_lib.dat"), "scenario", hs,
                     ["petls", "mbedtls", "openssl"], lib_get)
    tests = [("handshake", "TLSv1.3", 0, 4, "full-1.3"),
             ("handshake", "TLSv1.2", 0, 4, "full-1.2"),
             ("handshake", "TLSv1.2", 1, 4, "resumed-1.2"),
             ("handshake", "TLSv1.3", 1, 4, "resumed-1.3"),
             ("latency", "TLSv1.3", 0, 16, "requests")]
    def stack_get(t, s):
        mode, ver, r, nconn, _ = t
        v = stack.get((s, mode, ver, r, 1 if s == "openssl" else nconn),
                      {}).get("per_s")
        return v["median"] if v else None
    stack_cols = table(os.path.join(d, "chart_stack.dat"), "test", tests,
                       servers, stack_get)
    with open(os.path.join(d, "chart_rss.dat"), "w") as f:
        f.write("conns petls node mbedtls\n")
        for c in conns:
            vals = []
            for s in ["petls", "node", "mbedtls"]:
                r = next((x for x in rss if x["server"] == s and x["conns"] == c
                          and "per_conn_bytes" in x), None)
                vals.append(str(r["per_conn_bytes"] / 1024.0) if r else "NaN")
            f.write("%d %s\n" % (c, " ".join(vals)))
    gp = """
set terminal pngcairo size 1400,1300 font ',10' noenhanced
set output '%(d)s/chart.png'
set multiplot layout 3,1 title 'petls bench (%(d)s)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top right autotitle columnhead
set grid ytics
set logscale y
set xtics rotate by -20
set title 'Library layer: server-side handshakes per second of CPU (log scale)'
plot %(libplot)s
set title 'Stack layer: loopback TCP, petls load generator (per second, log scale)'
plot %(stackplot)s
unset logscale y
set logscale x
set style data linespoints
set xtics norotate
set title 'Process RSS per idle TLS 1.3 connection (KiB)'
set xlabel 'idle connections'
plot '%(d)s/chart_rss.dat' using 1:2 title 'petls server', '' using 1:3 title 'Node tls', '' using 1:4 title 'raw mbedTLS'
unset multiplot
""" % {"d": d, "libplot": plots(d + "/chart_lib.dat", len(lib_cols)),
       "stackplot": plots(d + "/chart_stack.dat", len(stack_cols))}
    with open(os.path.join(d, "chart.gp"), "w") as f:
        f.write(gp)
    subprocess.run(["gnuplot", os.path.join(d, "chart.gp")], check=False,
                   stderr=open(os.path.join(d, "run.log"), "a"))


if __name__ == "__main__":
    main()
