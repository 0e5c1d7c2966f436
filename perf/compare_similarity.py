#!/usr/bin/env python3
"""Agreement between two issuer x issuer similarity matrices (scikit-learn reference vs stance).

Both files use the layout written by shared/perf/sklearn_pipeline.py, which is also the contract
for stance's OUTDIR/issuer_similarity.csv: a header row ('' then the issuer names), then one row
per issuer (name, then one value per column); an empty cell is NaN (issuer with no passage).

The matrices are aligned by issuer name (rows and columns may be in any order; issuers present in
only one file are reported and left out), and the Pearson correlation is taken over the strict
upper triangle, on the pairs where both values are finite. The diagonal is left out: it is 1 in
both by construction and would inflate the correlation.

Usage: compare_similarity.py REFERENCE.csv CANDIDATE.csv
Prints one JSON object: {"pearson", "pairs", "issuers", "only_reference", "only_candidate",
"max_abs_diff", "mean_abs_diff"}. Exit 1 (with a one-line message) if a file cannot be read.
"""
import csv
import json
import math
import sys

import numpy as np


def read_matrix(path):
    """Returns (issuers, matrix) from a similarity CSV; empty cells become NaN."""
    with open(path, newline='', encoding='utf-8') as fh:
        rows = list(csv.reader(fh))
    if not rows or len(rows[0]) < 2:
        raise ValueError(f'{path}: empty or no header row (expected ",ISSUER1,ISSUER2,...")')
    cols = rows[0][1:]
    names, values = [], []
    for n, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(cols) + 1:
            raise ValueError(f'{path}:{n}: {len(row)} cells, expected {len(cols) + 1} (name + one per column)')
        names.append(row[0])
        try:
            values.append([float(v) if v.strip() else math.nan for v in row[1:]])
        except ValueError as e:
            raise ValueError(f'{path}:{n}: not a number ({e})') from None
    if names != cols:
        # Square, but rows in another order than columns: reorder rows to match the columns.
        if sorted(names) != sorted(cols):
            raise ValueError(f'{path}: row names and column names differ')
        order = {s: i for i, s in enumerate(names)}
        values = [values[order[s]] for s in cols]
    return cols, np.asarray(values, dtype=float).reshape(len(cols), len(cols))


def compare(ref_path, cand_path):
    ref_names, ref = read_matrix(ref_path)
    cand_names, cand = read_matrix(cand_path)
    common = sorted(set(ref_names) & set(cand_names))
    ri = [ref_names.index(s) for s in common]
    ci = [cand_names.index(s) for s in common]
    a = ref[np.ix_(ri, ri)]
    b = cand[np.ix_(ci, ci)]
    iu = np.triu_indices(len(common), k=1)
    x, y = a[iu], b[iu]
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    r = float(np.corrcoef(x, y)[0, 1]) if len(x) >= 2 and x.std() > 0 and y.std() > 0 else None
    d = np.abs(x - y)
    return {
        'pearson': None if r is None else round(r, 6),
        'pairs': int(len(x)),
        'issuers': len(common),
        'only_reference': sorted(set(ref_names) - set(cand_names)),
        'only_candidate': sorted(set(cand_names) - set(ref_names)),
        'max_abs_diff': round(float(d.max()), 6) if len(d) else None,
        'mean_abs_diff': round(float(d.mean()), 6) if len(d) else None,
    }


def main(argv):
    args = argv
    if len(args) != 2:
        print('usage: compare_similarity.py REFERENCE.csv CANDIDATE.csv', file=sys.stderr)
        return 2
    try:
        out = compare(*args)
    except (OSError, ValueError) as e:
        print(f'compare_similarity.py: {e}', file=sys.stderr)
        return 1
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
