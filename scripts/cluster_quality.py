#!/usr/bin/env python3
"""Quality of the positions of `stance clusters` (issue 18, part 4), as in docs/methods.md §6.1.

For each topic: k, the silhouette, the purity of the clusters against the passages' stances and
blocs, and the share of (russia-aligned, western) passage pairs that fall in different clusters
— for the per-topic positions at several stance weights (0 = words only), and for the global text
clusters of `stance topics` (one k-means, k = 20, over every passage) restricted to the topic's
in-domain passages.

Usage (from the repository root, after `cargo build`):
    python3 scripts/cluster_quality.py [--bin target/debug/stance] [--corpus seeds]
"""
import argparse
import collections
import json
import subprocess

TOPICS = ["binding_norms", "budapest_convention", "internet_governance"]
# (stance weight, forced k or None)
RUNS = [("0", None), ("0", "3"), ("0.5", None), ("0.75", None), ("1", None)]
A, B = "russia-aligned", "western"


def stance(binary, corpus, *args):
    out = subprocess.run([binary, "--quiet", "--corpus", corpus, "--seed", "0", *args],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def purity(items):
    by = collections.defaultdict(collections.Counter)
    for c, label in items:
        by[c][label] += 1
    return sum(max(n.values()) for n in by.values()) / max(len(items), 1)


def separation(items):
    a = collections.Counter(c for c, label in items if label == A)
    b = collections.Counter(c for c, label in items if label == B)
    na, nb = sum(a.values()), sum(b.values())
    if not na or not nb:
        return None
    return 1 - sum(a[c] / na * b[c] / nb for c in a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/debug/stance")
    ap.add_argument("--corpus", default="seeds")
    o = ap.parse_args()
    print("| topic | clustering | n | k | silhouette | stance purity | bloc purity | RA/W apart |")
    print("|---|---|---|---|---|---|---|---|")
    for t in TOPICS:
        rows = [p for p in stance(o.bin, o.corpus, "passages", "--topic", t, "--domain", "in", "--format", "json")]
        st = [(p["cluster"], dict(zip(p["topics"].split("; "), p["stances"].split("; ")))[t]) for p in rows]
        bl = [(p["cluster"], p["bloc"]) for p in rows]
        k = len({c for c, _ in st})
        sep = separation(bl)
        print(f"| {t} | global text clusters (k = 20) | {len(rows)} | {k} | – | {purity(st):.2f} | "
              f"{purity(bl):.2f} | {'–' if sep is None else f'{sep:.2f}'} |")
        for w, k in RUNS:
            forced = ["--k", k] if k else []
            v = stance(o.bin, o.corpus, "clusters", "--topic", t, "--stance-weight", w, *forced, "--format", "json")
            c = v["topics"][0]
            q = c["quality"]
            sep = next((s["share"] for s in q["separation"] if s["a"] == A and s["b"] == B), None)
            sil = "–" if c["silhouette"] is None else f"{c['silhouette']:.2f}"
            best = max(c["tried"], key=lambda s: s["silhouette"], default=None)
            if c["k"] == 1 and best:
                sil = f"– (best k={best['k']}: {best['silhouette']:.2f})"
            what = f"positions, stance weight {w}" + (f", k = {k} forced" if k else "")
            print(f"| {t} | {what} | {c['n_passages']} | {c['k']} | {sil} | "
                  f"{q['stance_purity']:.2f} | {q['bloc_purity']:.2f} | {'–' if sep is None else f'{sep:.2f}'} |")


if __name__ == "__main__":
    main()
