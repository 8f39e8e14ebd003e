#!/usr/bin/env python3
"""Joins flan4j and PyTorch results (flan4j-profile/1 JSON or CSV) on (op, direction, dtype, shape) and prints
time ratios flan4j / torch (> 1: flan4j is slower). Standard library only; with matplotlib installed, --plot writes
a PNG bar chart of the ratios.

  python3 benchmarks/torch/compare.py --flan4j flan4j.json --torch torch_ops.json torch_step.json \
      --out ratios.csv --plot ratios.png
"""
import argparse
import csv
import json
import math
import os
import sys

KEY = ("op", "direction", "dtype", "shape")


def load(path):
    """(header, rows) from a JSON report or a CSV table; numbers become floats."""
    with open(path, newline="") as f:
        text = f.read()
    if text.lstrip().startswith("{"):
        doc = json.loads(text)
        if doc.get("schema") != "flan4j-profile/1":
            sys.exit("error: %s: schema is %r, expected 'flan4j-profile/1'" % (path, doc.get("schema")))
        return doc.get("header", {}), doc["results"]
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or "median_ms" not in rows[0]:
        sys.exit("error: %s is neither a flan4j-profile JSON report nor a CSV with a median_ms column" % path)
    hdr = {k: rows[0].get(k) for k in ("tool", "backend", "device")}
    for r in rows:
        r["median_ms"] = float(r["median_ms"])
    return hdr, rows


def join(ours, theirs):
    index = {}
    for r in theirs:
        index.setdefault(tuple(r[k] for k in KEY), []).append(r)
    out = []
    for r in ours:
        for t in index.get(tuple(r[k] for k in KEY), []):
            ratio = r["median_ms"] / t["median_ms"] if t["median_ms"] > 0 else float("nan")
            out.append({"label": r["label"], "torch_label": t["label"], "op": r["op"], "direction": r["direction"],
                        "dtype": r["dtype"], "shape": r["shape"], "flan4j_ms": r["median_ms"],
                        "torch_ms": t["median_ms"], "ratio": ratio})
    return out


def plot(rows, path, title):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot written", file=sys.stderr)
        return False
    names = ["%s %s (%s)" % (r["label"], r["direction"], r["torch_label"]) for r in rows]
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(rows) + 1.5))
    ax.barh(range(len(rows)), [r["ratio"] for r in rows],
            color=["tab:red" if r["ratio"] > 1 else "tab:green" for r in rows])
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("time ratio flan4j / torch (log; < 1 means flan4j is faster)")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--flan4j", required=True, help="flan4j profile output (JSON or CSV)")
    p.add_argument("--torch", required=True, nargs="+", help="torch benchmark outputs (JSON or CSV)")
    p.add_argument("--out", help="write the joined table here as CSV")
    p.add_argument("--plot", help="write a PNG of the ratios here (needs matplotlib)")
    a = p.parse_args(argv)
    fh, ours = load(a.flan4j)
    theirs, th = [], {}
    for path in a.torch:
        th, rows = load(path)
        theirs.extend(rows)
    rows = join(ours, theirs)
    if not rows:
        sys.exit("error: no result matches on (op, direction, dtype, shape); same preset, B, T and dtype on both sides?")
    print("# flan4j: %s on %s | torch: %s on %s" % (fh.get("backend"), fh.get("device"), th.get("torch", "?"),
                                                    th.get("device")))
    print("%-18s %-8s %-5s %-34s %-14s %11s %11s %8s" % ("label", "dir", "dtype", "shape", "torch", "flan4j_ms",
                                                          "torch_ms", "ratio"))
    for r in rows:
        print("%-18s %-8s %-5s %-34s %-14s %11.4f %11.4f %8.2f" % (
            r["label"], r["direction"], r["dtype"], r["shape"], r["torch_label"], r["flan4j_ms"], r["torch_ms"],
            r["ratio"]))
    finite = [r["ratio"] for r in rows if r["ratio"] > 0 and math.isfinite(r["ratio"])]
    if finite:
        print("# geometric mean ratio: %.2f over %d pairs" % (
            math.exp(sum(math.log(x) for x in finite) / len(finite)), len(finite)))
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        print("wrote %s" % a.out)
    if a.plot and plot(rows, a.plot, "flan4j (%s) vs torch on %s" % (fh.get("backend"), th.get("device"))):
        print("wrote %s" % a.plot)


if __name__ == "__main__":
    main()
