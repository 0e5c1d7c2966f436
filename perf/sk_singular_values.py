#!/usr/bin/env python3
"""Top singular values of the scikit-learn reference's TF-IDF matrix, for the agreement check.

Builds the passages and the TF-IDF matrix exactly as shared/perf/sklearn_pipeline.py does (its
preprocess and split_passages functions are imported; the TfidfVectorizer arguments below are
copied from its main()), then fits TruncatedSVD(n_components=DIMS, random_state=0) and prints one
JSON object: {"passages", "features", "nnz", "singular_values": [top N]}.

Usage: sk_singular_values.py REFERENCE_SCRIPT CORPUS [--dims 100] [--top 10]
"""
import argparse
import csv
import importlib.util
import json
import os


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('reference')
    ap.add_argument('corpus')
    ap.add_argument('--dims', type=int, default=100)
    ap.add_argument('--top', type=int, default=10)
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location('sklearn_pipeline', a.reference)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)

    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = list(csv.DictReader(open(os.path.join(a.corpus, 'manifest.csv'), encoding='utf-8')))
    passages = []
    for r in rows:
        with open(os.path.join(a.corpus, r['file']), encoding='utf-8') as fh:
            text = fh.read().replace('\r\n', '\n').replace('\r', '\n')
        passages.extend(ref.split_passages(text, 60, 3))  # the reference's --window / --min-words defaults
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.9, ngram_range=(1, 2), lowercase=False,
                          preprocessor=ref.preprocess, strip_accents=None, token_pattern=r'(?u)\b\w\w+\b')
    x = vec.fit_transform(passages)
    svd = TruncatedSVD(n_components=a.dims, random_state=0).fit(x)
    print(json.dumps({'passages': x.shape[0], 'features': x.shape[1], 'nnz': x.nnz,
                      'singular_values': [round(float(v), 6) for v in svd.singular_values_[:a.top]]}))


if __name__ == '__main__':
    main()
