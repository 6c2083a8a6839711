#!/usr/bin/env python3
"""Prints the medians of the last `cargo bench --bench throughput` run and the target ratios,
as a Markdown table, from criterion's estimates under target/criterion/.

Usage: python3 benches/table.py [TARGET_DIR]   (default: target)
The folder-vs-xmllint ratio uses the `folder-xmllint` group of the same run, or
XMLLINT_DOCS_PER_S=N when given (see benches/xmllint.sh).
"""

import json
import os
import sys

root = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "target", "criterion")
ENVELOPES = ["minimal-request", "full-request", "response-50-fields"]


def median_ns(group, func, param):
    p = os.path.join(root, group, func, param, "new", "estimates.json") if param else \
        os.path.join(root, group, func, "new", "estimates.json")
    try:
        with open(p) as f:
            return json.load(f)["median"]["point_estimate"]
    except OSError:
        return None


def size_bytes(group, func, param):
    p = os.path.join(root, group, func, param, "new", "benchmark.json")
    try:
        with open(p) as f:
            t = json.load(f).get("throughput") or {}
            return t.get("Bytes") or t.get("BytesDecimal")
    except OSError:
        return None


def fmt_t(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def mbps(ns, size):
    if ns is None or not size:
        return "n/a"
    return f"{size / (ns / 1e9) / 1e6:.0f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}×"


print("| group | envelope (bytes) | ours | peer | limit | ours vs peer | ours vs limit |")
print("|---|---|---|---|---|---|---|")
for group, peer, limit, speedup in [
    ("encode", "serde-peer", "copy-limit", "peer time / ours (≥ 4×); ours time / copy (≤ 5×)"),
    ("decode", "serde-peer", "nsreader-limit", "peer time / ours (≥ 2×); limit time / ours (≥ 0.6×)"),
    ("validate", "bare-libxml", None, "ours time / bare (≤ 1.10×)"),
]:
    for env in ENVELOPES:
        o = median_ns(group, "ours", env)
        p = median_ns(group, peer, env)
        lim = median_ns(group, limit, env) if limit else None
        size = size_bytes(group, "ours", env)
        if group == "encode":
            vs_peer, vs_limit = ratio(p, o), ratio(o, lim)
        elif group == "decode":
            vs_peer, vs_limit = ratio(p, o), ratio(lim, o)
        else:
            vs_peer, vs_limit = ratio(o, p), "–"
        print(
            f"| {group} | {env} ({size}) | {fmt_t(o)} ({mbps(o, size)} MB/s) | "
            f"{fmt_t(p)} ({mbps(p, size)} MB/s) | "
            f"{fmt_t(lim) if limit else '–'}{' (' + mbps(lim, size) + ' MB/s)' if limit else ''} | "
            f"{vs_peer} | {vs_limit} |"
        )

print()
print("| decode (issue 16) | ours | serde peer | NsReader loop | raw Reader loop | ours vs serde (≥ 2×) | ours vs raw (≥ 0.8×) | ours vs NsReader |")
print("|---|---|---|---|---|---|---|---|")
def side_by_side(group, funcs, env):
    """The medians of `funcs` in `group` on `env`, the envelope's size, and their cells."""
    times = [median_ns(group, f, env) for f in funcs]
    size = size_bytes(group, funcs[0], env)
    return times, size, [f"{fmt_t(t)} ({mbps(t, size)} MB/s)" for t in times]


for env in ENVELOPES:
    (o, p, ns, raw), size, cells = side_by_side(
        "decode", ["ours", "serde-peer", "nsreader-limit", "raw-limit"], env)
    print(f"| {env} ({size}) | " + " | ".join(cells) +
          f" | {ratio(p, o)} | {ratio(raw, o)} | {ratio(ns, o)} |")

print()
print("| diff (shape, against the documented example) | median | MB/s |")
print("|---|---|---|")
for env in ENVELOPES:
    t = median_ns("diff", "shape-vs-documented", env)
    size = size_bytes("diff", "shape-vs-documented", env)
    print(f"| {env} ({size}) | {fmt_t(t)} | {mbps(t, size)} |")

print()
print("| validate, schema stage (issue 16) | xsd engine | fast engine | bare libxml | fast vs bare libxml | fast vs xsd |")
print("|---|---|---|---|---|---|")
for env in ENVELOPES:
    (x, f, b), size, cells = side_by_side("validate", ["ours", "ours-fast", "bare-libxml"], env)
    print(f"| {env} ({size}) | " + " | ".join(cells) + f" | {ratio(b, f)} | {ratio(x, f)} |")

# The folder: 1,000 documents per iteration (200 files, five times), throughput in documents.
DOCS = 1000
rows = {}
for func, param in [
    ("validate-fast", "1-threads"), ("validate-fast", "2-threads"),
    ("validate-xsd", "1-threads"), ("validate-xsd", "2-threads"),
    ("xmllint", "1-processes"), ("xmllint", "2-processes"),
]:
    rows[(func, param)] = median_ns("folder", func, param)
print()
print("| folder: 200 files × 5, read from disk and judged | median | documents/s | vs xmllint, 1 process |")
print("|---|---|---|---|")
x1 = rows[("xmllint", "1-processes")]
for (func, param), t in rows.items():
    if t is None:
        print(f"| {func} {param} | n/a | n/a | n/a |")
        continue
    print(f"| {func} {param} | {fmt_t(t)} | {DOCS / (t / 1e9):.0f} | {ratio(x1, t)} |")
f1, f2 = rows[("validate-fast", "1-threads")], rows[("validate-fast", "2-threads")]
x2 = rows[("xmllint", "2-processes")]
print()
if f1 and x1:
    print(f"folder on one core, fast engine vs xmllint: {ratio(x1, f1)} (target ≥ 3×, stretch 5×)")
if f1 and f2:
    print(f"2-core scaling, fast engine: {ratio(f1, f2)} (target ≥ 1.8×)")
if f2 and x2:
    print(f"folder on 2 cores vs xmllint in 2 processes: {ratio(x2, f2)}")
