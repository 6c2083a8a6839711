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
for env in ENVELOPES:
    o = median_ns("decode", "ours", env)
    p = median_ns("decode", "serde-peer", env)
    ns = median_ns("decode", "nsreader-limit", env)
    raw = median_ns("decode", "raw-limit", env)
    size = size_bytes("decode", "ours", env)
    cells = [f"{fmt_t(t)} ({mbps(t, size)} MB/s)" for t in (o, p, ns, raw)]
    print(f"| {env} ({size}) | " + " | ".join(cells) +
          f" | {ratio(p, o)} | {ratio(raw, o)} | {ratio(ns, o)} |")

print()
print("| diff (shape, against the documented example) | median | MB/s |")
print("|---|---|---|")
for env in ENVELOPES:
    t = median_ns("diff", "shape-vs-documented", env)
    size = size_bytes("diff", "shape-vs-documented", env)
    print(f"| {env} ({size}) | {fmt_t(t)} | {mbps(t, size)} |")

one = median_ns("folder", "validate-200", "1-threads")
two = median_ns("folder", "validate-200", "2-threads")
print()
print("| folder of 200 envelopes | median | documents/s |")
print("|---|---|---|")
for name, t in [("1 thread", one), ("2 threads", two)]:
    print(f"| {name} | {fmt_t(t)} | {200 / (t / 1e9):.0f} |" if t else f"| {name} | n/a | n/a |")
if one and two:
    print(f"\n2-core scaling: {one / two:.2f}× (target ≥ 1.8×)")
    xl = os.environ.get("XMLLINT_DOCS_PER_S")
    xt = median_ns("folder-xmllint", "validate-1000", "")
    if xt and not xl:
        xl = 1000 / (xt / 1e9)
        print(f"xmllint in the same run: 1000 documents in {fmt_t(xt)} = {xl:.0f} documents/s")
    if xl:
        ours = 200 / (two / 1e9)
        print(f"folder on all cores vs xmllint: {ours:.0f} / {float(xl):.0f} docs/s = "
              f"{ours / float(xl):.2f}× (target ≥ 1.8×)")
