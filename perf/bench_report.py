#!/usr/bin/env python3
"""Collects the raw outputs of perf/bench.sh into perf/results/ and docs/performance.md.

Called by bench.sh, not by hand:
  bench_report.py fit   --stamp S --results DIR --docs FILE --compare PY  MB=RUNDIR=CORPUS ...
  bench_report.py score --stamp S --results DIR --tool hyperfine|loop --work DIR --doc F --model F --mb N

RUNDIR/rN/ holds, per repeat N: sklearn.{out,err,time,rc} + sk.csv, stance.{json,err,time,rc} +
stance/issuer_similarity.csv, and busy (% CPU used by other work just before). `*.time` is the
`/usr/bin/time -v -o` report: wall clock and "Maximum resident set size" come from there, so both
tools are measured the same way, from outside the process.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

TARGET_SPEEDUP = 10.0    # issue 15, reference parameters: >= 10x faster end to end ...
TARGET_RSS_RATIO = 0.33  # ... at <= a third of the peak memory
TARGET_DEF_SPEEDUP = 8.0  # stance's defaults: >= 8x faster ...
TARGET_DEF_RSS_RATIO = 0.4  # ... at <= 0.4x the peak memory ...
TARGET_MODEL_MB = 100.0  # ... and model.bin <= 100 MB
TARGET_DB_RATIO = 2.0    # workspace database <= 2x the corpus text
TARGET_UPDATE_S = 0.5    # `update` of one speech
TARGET_DIFF_S = 1.0      # `diff` of the two runs
TARGET_SCORE_MS = 50.0   # scoring one new document against a saved model
START, END = '<!-- bench:start -->', '<!-- bench:end -->'


def read(path, default=''):
    try:
        with open(path, encoding='utf-8', errors='replace') as fh:
            return fh.read()
    except OSError:
        return default


def parse_time_v(path):
    """Wall seconds, peak RSS (MB), user+sys seconds from a GNU `time -v` report (None if absent)."""
    t = read(path)
    if not t:
        return None

    def field(name):
        m = re.search(r'^\s*' + re.escape(name) + r': (.+)$', t, re.M)
        return m.group(1).strip() if m else None
    wall = field('Elapsed (wall clock) time (h:mm:ss or m:ss)')
    secs = None
    if wall:
        secs = 0.0
        for part in wall.split(':'):
            secs = secs * 60 + float(part)
    rss = field('Maximum resident set size (kbytes)')
    user, sys_ = field('User time (seconds)'), field('System time (seconds)')
    return {'wall_s': None if secs is None else round(secs, 3),
            'peak_rss_mb': None if rss is None else round(int(rss) / 1024, 1),
            'cpu_s': None if user is None else round(float(user) + float(sys_ or 0), 2)}


def last_json(text, prefix=''):
    """The last line of text that is a JSON object (after an optional prefix such as 'JSON ')."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if prefix and line.startswith(prefix):
            line = line[len(prefix):]
        if line.startswith('{'):
            try:
                return json.loads(line)
            except ValueError:
                pass
    try:  # stance may pretty-print its object over several lines
        return json.loads(text)
    except ValueError:
        return None


def tool_run(rdir, tool):
    """One tool's result in one repeat folder."""
    rc = read(os.path.join(rdir, f'{tool}.rc')).strip()
    out = {'ok': rc == '0', 'exit': rc or None}
    if tool == 'sklearn':
        js = last_json(read(os.path.join(rdir, 'sklearn.out')), 'JSON ')
    else:
        js = last_json(read(os.path.join(rdir, f'{tool}.json')))
    if out['ok'] and js is None:
        out['ok'], out['exit'] = False, 'no JSON on stdout'
    if js:
        out['report'] = js
    tv = parse_time_v(os.path.join(rdir, f'{tool}.time'))
    if tv:
        out.update(tv)
    if not out['ok']:
        err = read(os.path.join(rdir, f'{tool}.err')).strip().splitlines()
        out['stderr_tail'] = err[-8:]
    return out


def pick_median(runs):
    """The successful run with the median wall time (whole-run numbers stay consistent)."""
    ok = sorted((r for r in runs if r['ok'] and r.get('wall_s') is not None), key=lambda r: r['wall_s'])
    best = ok[(len(ok) - 1) // 2] if ok else runs[0]
    return {**best, 'walls_s': [r.get('wall_s') for r in runs]}


def corpus_info(corpus):
    with open(os.path.join(corpus, 'manifest.csv'), encoding='utf-8') as fh:
        rows = list(csv.DictReader(fh))
    size = sum(os.path.getsize(os.path.join(corpus, r['file'])) for r in rows)
    return {'dir': os.path.relpath(corpus), 'docs': len(rows), 'bytes': size, 'mb': round(size / 1e6, 1),
            'issuers': len({r['issuer'] for r in rows})}


def compare(py, run, out='stance'):
    ref, cand = os.path.join(run, 'sk.csv'), os.path.join(run, out, 'issuer_similarity.csv')
    if not (os.path.exists(ref) and os.path.exists(cand)):
        return {'error': f'missing {ref if not os.path.exists(ref) else cand}'}
    p = subprocess.run([sys.executable, py, ref, cand], capture_output=True, text=True)
    if p.returncode != 0:
        return {'error': p.stderr.strip()}
    return json.loads(p.stdout)


def ratio(a, b, nd=2):
    return round(a / b, nd) if a is not None and b not in (None, 0) else None


def point(spec, compare_py):
    mb, run, corpus = spec.split('=', 2)
    reps = sorted((d for d in os.listdir(run) if re.fullmatch(r'r\d+', d)), key=lambda d: int(d[1:]))
    sk = pick_median([tool_run(os.path.join(run, d), 'sklearn') for d in reps])
    st = pick_median([tool_run(os.path.join(run, d), 'stance') for d in reps])
    sd = pick_median([tool_run(os.path.join(run, d), 'stance_def') for d in reps])
    busy = [int(b) for d in reps if (b := read(os.path.join(run, d, 'busy')).strip()).isdigit()]
    load = [la for d in reps if (la := read(os.path.join(run, d, 'loadavg')).strip())]
    skr, str_ = sk.get('report') or {}, st.get('report') or {}
    mb = int(mb) if mb.isdigit() else mb
    r1 = os.path.join(run, 'r1')
    p = {'size_mb': mb, 'label': label(mb), 'corpus': corpus_info(corpus), 'repeats': len(reps),
         'busy_pct': busy, 'loadavg': load, 'sklearn': sk, 'stance': st, 'stance_defaults': sd,
         'model_mb': file_mb(os.path.join(r1, 'stance', 'model.bin')),
         'model_defaults_mb': file_mb(os.path.join(r1, 'stance_def', 'model.bin'))}
    if sk['ok'] and st['ok']:
        p['speedup_wall'] = ratio(sk.get('wall_s'), st.get('wall_s'))
        p['speedup_total'] = ratio(skr.get('total_s'), str_.get('total_s'))
        p['rss_ratio'] = ratio(st.get('peak_rss_mb'), sk.get('peak_rss_mb'), 3)
        p['similarity'] = compare(compare_py, r1)
    if sk['ok'] and sd['ok']:
        p['speedup_defaults'] = ratio(sk.get('wall_s'), sd.get('wall_s'))
        p['rss_ratio_defaults'] = ratio(sd.get('peak_rss_mb'), sk.get('peak_rss_mb'), 3)
        p['similarity_defaults'] = compare(compare_py, r1, 'stance_def')
    ws = workspace(r1)
    if ws:
        p['workspace'] = ws
    sc = score_loop(r1)
    if sc:
        p['score'] = sc
    check = agreement_check(compare_py, os.path.join(run, 'r1'), str_)
    if check:
        p['check'] = check
    return p


def file_mb(path):
    return round(os.path.getsize(path) / 1e6, 1) if os.path.exists(path) else None


def workspace(run):
    """bench.sh run_workspace: time -v of each step, sizes of the database, models and text."""
    if not os.path.exists(os.path.join(run, 'ws.sizes')):
        return None
    sizes = dict(line.split() for line in read(os.path.join(run, 'ws.sizes')).splitlines() if len(line.split()) == 2)
    out = {k + '_mb': round(int(v) / 1e6, 1) for k, v in sizes.items() if v.isdigit()}
    out['db_ratio'] = ratio(out.get('db_mb'), out.get('text_mb'), 2)
    for step in ('init', 'ingest', 'update', 'diff'):
        rc = read(os.path.join(run, f'ws_{step}.rc')).strip()
        tv = parse_time_v(os.path.join(run, f'ws_{step}.time')) or {}
        out[step] = {'ok': rc == '0', **tv}
        if rc and rc != '0':
            out[step]['stderr_tail'] = read(os.path.join(run, f'ws_{step}.err')).strip().splitlines()[-4:]
    return out


def score_loop(run):
    """bench.sh run_score: classify times (ms) and its peak RSS."""
    us = [int(x) for x in read(os.path.join(run, 'score.loop_us')).split() if x.isdigit()]
    if not us:
        return None
    ms = [u / 1000 for u in us]
    tv = parse_time_v(os.path.join(run, 'score.time')) or {}
    return {'doc': os.path.relpath(read(os.path.join(run, 'score.doc')).strip() or '?'), 'runs': len(ms),
            'median_ms': round(statistics.median(ms), 1), 'min_ms': round(min(ms), 1),
            'max_ms': round(max(ms), 1), 'peak_rss_mb': tv.get('peak_rss_mb')}


def aims(res):
    """The issue-15 aims, one table per kind, from this run."""
    lines = ['### Aims (issue 15)', '',
             '| corpus | load avg | run | sklearn s | stance s | speed-up (aim) | sklearn RSS MB | stance RSS MB '
             '| RSS ratio (aim) | model.bin MB | features | r vs sklearn |',
             '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|']
    for p in res['points']:
        sk = p['sklearn']
        load = p['loadavg'][0] if p.get('loadavg') else '–'
        for name, t, sp, rr, aim_sp, aim_rr, mmb, sim in (
                ('reference parameters', p['stance'], p.get('speedup_wall'), p.get('rss_ratio'),
                 TARGET_SPEEDUP, TARGET_RSS_RATIO, p.get('model_mb'), p.get('similarity')),
                ('defaults', p.get('stance_defaults') or {'ok': False}, p.get('speedup_defaults'),
                 p.get('rss_ratio_defaults'), TARGET_DEF_SPEEDUP, TARGET_DEF_RSS_RATIO, p.get('model_defaults_mb'),
                 p.get('similarity_defaults'))):
            rep = t.get('report') or {}
            lines.append('| ' + ' | '.join([
                p['label'], load, name, fmt(sk.get('wall_s')), fmt(t.get('wall_s')) if t['ok'] else 'failed',
                fmt(sp) + f' (≥{aim_sp:g}×)' + mark(sp, lambda v, a=aim_sp: v >= a),
                fmt(sk.get('peak_rss_mb'), 0), fmt(t.get('peak_rss_mb'), 0),
                fmt(rr, 3) + f' (≤{aim_rr})' + mark(rr, lambda v, a=aim_rr: v <= a),
                fmt(mmb, 1) + (mark(mmb, lambda v: v <= TARGET_MODEL_MB) if name == 'defaults' else ''),
                fmt(rep.get('features')), fmt((sim or {}).get('pearson'), 4)]) + ' |')
    lines += ['', 'scikit-learn has one configuration (its reference parameters: min_df 2, max_df 0.9, '
              '100 dims, k 20); both stance runs are compared with it. r vs sklearn: Pearson r of the issuer '
              '× issuer similarity matrices (stance\'s own features; see the agreement check below).', '']
    wss = [p for p in res['points'] if p.get('workspace') or p.get('score')]
    if wss:
        lines += ['| corpus | stance.db MB | models/ MB | corpus text MB | db / text (≤2) | init s | '
                  f'update of one speech s (≤{TARGET_UPDATE_S:g}) | diff s (≤{TARGET_DIFF_S:g}) | diff peak RSS MB '
                  f'| classify one document ms, median (≤{TARGET_SCORE_MS:g}) | classify peak RSS MB |',
                  '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|']
        for p in wss:
            w, sc = p.get('workspace') or {}, p.get('score') or {}
            step = lambda s: (w.get(s) or {})
            st = lambda s: fmt(step(s).get('wall_s')) if step(s).get('ok') else ('failed' if step(s) else '–')
            lines.append('| ' + ' | '.join([
                p['label'], fmt(w.get('db_mb'), 1), fmt(w.get('models_mb'), 1), fmt(w.get('text_mb'), 1),
                fmt(w.get('db_ratio')) + mark(w.get('db_ratio'), lambda v: v <= TARGET_DB_RATIO),
                st('init'), st('update') + mark(step('update').get('wall_s'), lambda v: v <= TARGET_UPDATE_S),
                st('diff') + mark(step('diff').get('wall_s'), lambda v: v <= TARGET_DIFF_S),
                fmt(step('diff').get('peak_rss_mb'), 0),
                fmt(sc.get('median_ms'), 1) + mark(sc.get('median_ms'), lambda v: v <= TARGET_SCORE_MS),
                fmt(sc.get('peak_rss_mb'), 0)]) + ' |')
        lines += ['', 'Workspace: `stance init` on every text of the corpus but the manifest\'s last, then '
                  '`ingest` + `update` of that one speech, then `diff` of the two runs, each timed by '
                  '`/usr/bin/time -v`; stance.db includes its WAL. classify: `stance classify DOC --model '
                  'MODEL` with the defaults\' model (BENCH_RUNS runs, bash loop, after 2 warm-ups).', '']
    return lines


def agreement_check(compare_py, run, stance_report):
    """The untimed scikit-learn-like stance run and the reference's singular values (bench.sh run_check)."""
    sklike = last_json(read(os.path.join(run, 'stance_sklike.json')))
    sk_sv = last_json(read(os.path.join(run, 'sk_sv.json')))
    if not (sklike or sk_sv):
        return None
    return {'similarity_sklike': compare(compare_py, run, 'stance_sklike') if sklike else None,
            'sklike': {k: sklike.get(k) for k in ('passages', 'features', 'nnz')} if sklike else None,
            'singular_values': {'sklearn': (sk_sv or {}).get('singular_values'),
                                'stance': stance_report.get('top_singular_values'),
                                'stance_sklike': (sklike or {}).get('top_singular_values')}}


def label(mb):
    if isinstance(mb, str):
        return f'synthetic ~{mb[5:]} MB (sotu Markov)'
    return 'ungdc50' if mb == 50 else (f'ungdc50 subset {mb} MB' if mb < 50 else f'{mb // 50}x ungdc50')


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine():
    cpu = next((line.split(':', 1)[1].strip() for line in read('/proc/cpuinfo').splitlines()
                if line.startswith('model name')), platform.processor() or None)
    mem = re.search(r'MemTotal:\s+(\d+)', read('/proc/meminfo'))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dirty = sh(['git', '--no-optional-locks', '-C', root, 'status', '--porcelain', '--untracked-files=no'])
    return {'nproc': len(os.sched_getaffinity(0)), 'cpu': cpu,
            'mem_gib': round(int(mem.group(1)) / 2**20, 1) if mem else None,
            'kernel': platform.release(), 'python': platform.python_version(),
            'rustc': sh(['rustc', '--version']),
            'commit': (sh(['git', '-C', root, 'rev-parse', '--short', 'HEAD']) or '?') + ('+dirty' if dirty else ''),
            'env': {k: os.environ.get(k) for k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')}}


def fmt(v, nd=2):
    if v is None:
        return '–'
    if isinstance(v, int):
        return f'{v:,}'
    return f'{v:,.{nd}f}'


def mark(v, ok):
    return '' if v is None else (' ✅' if ok(v) else ' ❌')


def both(a, b):
    """'x' when both engines agree, 'x / y' (sklearn / stance) when they differ."""
    if b is None or a == b:
        return fmt(a)
    return f'{fmt(a)} / {fmt(b)}'


def markdown(res):
    m = res['machine']
    lines = [f"Run {res['stamp']} on {m['nproc']} × {m['cpu']}, {m['mem_gib']} GiB, commit {m['commit']}, "
             f"{m['rustc']}, Python {m['python']}; OPENBLAS_CORETYPE={m['env']['OPENBLAS_CORETYPE']}, "
             f"OPENBLAS_L2_SIZE={m['env']['OPENBLAS_L2_SIZE']}"
             + (' (unset for sklearn: BENCH_NATIVE_BLAS=1)' if res.get('native_blas') else '') + '.', '']
    lines += aims(res)
    blas = next((p['sklearn']['report'].get('blas') for p in res['points'] if p['sklearn'].get('report')), None)
    if blas:
        lines += ['scikit-learn BLAS (threadpoolctl): '
                  + ', '.join(sorted({f'{b[0]} {b[1] or ""}'.strip() + f' ×{b[2]}' for b in blas})) + '.', '']
    lines += ['### Reference parameters, per size', '',
              '| corpus | MB | docs | passages | features | nnz | sklearn wall s | stance wall s | speed-up '
              f'(≥{TARGET_SPEEDUP:g}×) | sklearn RSS MB | stance RSS MB | RSS ratio (≤{TARGET_RSS_RATIO}) '
              '| similarity r | r, sklearn-like mode |',
              '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|']
    for p in res['points']:
        sk, st = p['sklearn'], p['stance']
        skr, str_ = sk.get('report') or {}, st.get('report') or {}
        r = (p.get('similarity') or {}).get('pearson')
        r_sklike = ((p.get('check') or {}).get('similarity_sklike') or {}).get('pearson')
        noisy = bool(p['busy_pct']) and max(p['busy_pct']) >= 15
        lines.append('| ' + ' | '.join([
            p['label'] + (' ⚠ noisy' if noisy else ''), fmt(p['corpus']['mb'], 1), fmt(p['corpus']['docs']),
            both(skr.get('passages'), str_.get('passages')), both(skr.get('features'), str_.get('features')),
            both(skr.get('nnz'), str_.get('nnz')),
            fmt(sk.get('wall_s')) if sk['ok'] else 'failed', fmt(st.get('wall_s')) if st['ok'] else 'failed',
            fmt(p.get('speedup_wall')) + mark(p.get('speedup_wall'), lambda v: v >= TARGET_SPEEDUP),
            fmt(sk.get('peak_rss_mb'), 0), fmt(st.get('peak_rss_mb'), 0) if st['ok'] else '–',
            fmt(p.get('rss_ratio'), 3) + mark(p.get('rss_ratio'), lambda v: v <= TARGET_RSS_RATIO),
            fmt(r, 4), fmt(r_sklike, 4)]) + ' |')
    lines += ['', 'Passages, features, nnz: one number when both engines agree, else sklearn / stance. '
              'Wall time and peak RSS: `/usr/bin/time -v` around the whole process. Speed-up = sklearn wall / '
              'stance wall; RSS ratio = stance / sklearn; similarity r = Pearson correlation of the upper '
              'triangles of the two issuer × issuer matrices (perf/compare_similarity.py); sklearn-like mode: the same for '
              '`stance fit --no-lexicon --stopwords none --keep-numbers` (untimed, sizes ≤ BENCH_CHECK_MAX_MB). ⚠ noisy: other work '
              'kept the CPUs ≥ 15 % busy just before a run; do not compare those timings.', '']
    for p in res['points']:
        sk, st = p['sklearn'], p['stance']
        skr, str_ = sk.get('report') or {}, st.get('report') or {}
        sks, sts = skr.get('stages_s') or {}, str_.get('stages_s') or {}
        lines += [f"### {p['label']} ({p['corpus']['mb']} MB, {p['corpus']['docs']:,} docs, "
                  f"{p['corpus']['issuers']} issuers)", '']
        if p['repeats'] > 1:
            lines += [f"{p['repeats']} interleaved runs; median kept. Wall s — sklearn: "
                      f"{', '.join(fmt(w) for w in sk['walls_s'])}; stance: {', '.join(fmt(w) for w in st['walls_s'])}.",
                      '']
        if p['busy_pct'] and max(p['busy_pct']) >= 15:
            lines += [f"⚠ other work used {max(p['busy_pct'])} % of the CPUs just before a run: noisy.", '']
        lines += ['| stage | scikit-learn s | stance s |', '|---|--:|--:|']
        for s in list(sks) + [s for s in sts if s not in sks]:
            lines.append(f'| {s} | {fmt(sks.get(s))} | {fmt(sts.get(s))} |')
        lines += [f"| **total (in-process)** | {fmt(skr.get('total_s'))} | {fmt(str_.get('total_s'))} |",
                  f"| **wall clock** | {fmt(sk.get('wall_s'))} | {fmt(st.get('wall_s'))} |",
                  f"| CPU user+sys | {fmt(sk.get('cpu_s'))} | {fmt(st.get('cpu_s'))} |",
                  f"| **peak RSS MB** | {fmt(sk.get('peak_rss_mb'), 0)} | {fmt(st.get('peak_rss_mb'), 0)} |", '']
        for name, t in (('sklearn_pipeline.py', sk), ('stance fit', st)):
            if not t['ok']:
                tail = '\n'.join(t.get('stderr_tail') or ['(no stderr)'])
                why = {'build': 'cargo build --release failed', 'missing': 'no binary'}.get(t['exit'], f"exit {t['exit']}")
                lines += [f"**{name} failed** ({why}):", '', '```', tail, '```', '']
        sim = p.get('similarity')
        if sim and 'error' not in sim:
            lines += [f"Similarity agreement: Pearson r = {fmt(sim['pearson'], 4)} over {sim['pairs']:,} issuer "
                      f"pairs ({sim['issuers']} issuers in both; mean |Δ| {fmt(sim['mean_abs_diff'], 4)}, "
                      f"max |Δ| {fmt(sim['max_abs_diff'], 4)}).", '']
        elif sim:
            lines += [f"Similarity agreement: not computed ({sim['error']}).", '']
        lines += check_lines(p.get('check'))
    return '\n'.join(lines).rstrip() + '\n'


def check_lines(check):
    """Markdown for the agreement check in scikit-learn-like mode (None: not run at this size)."""
    if not check:
        return []
    lines = []
    sim, sk = check.get('similarity_sklike'), check.get('sklike')
    if sim and 'error' not in sim:
        lines += [f"Agreement in scikit-learn-like mode (`stance fit --no-lexicon --stopwords none --keep-numbers`: "
                  f"{fmt(sk['passages'])} passages, {fmt(sk['features'])} features, {fmt(sk['nnz'])} nnz): "
                  f"Pearson r = {fmt(sim['pearson'], 4)} (mean |Δ| {fmt(sim['mean_abs_diff'], 4)}, "
                  f"max |Δ| {fmt(sim['max_abs_diff'], 4)}).", '']
    elif sim:
        lines += [f"Agreement in scikit-learn-like mode: not computed ({sim['error']}).", '']
    sv = check.get('singular_values') or {}
    cols = [('scikit-learn', sv.get('sklearn')), ('stance, scikit-learn-like', sv.get('stance_sklike')),
            ('stance (default features)', sv.get('stance'))]
    cols = [(n, v) for n, v in cols if v]
    if cols:
        lines += ['Top singular values of the TF-IDF matrix (TruncatedSVD, 100 components):', '',
                  '| σ | ' + ' | '.join(n for n, _ in cols) + ' |', '|--:|' + '--:|' * len(cols)]
        for i in range(max(len(v) for _, v in cols)):
            lines.append(f'| {i + 1} | ' + ' | '.join(fmt(v[i], 4) if i < len(v) else '–' for _, v in cols) + ' |')
        lines.append('')
    return lines


def update_docs(path, table):
    text = read(path)
    if START not in text or END not in text or text.index(START) > text.index(END):
        print(f'bench_report: no {START} ... {END} in {path}: docs not updated', file=sys.stderr)
        return
    a, b = text.index(START) + len(START), text.index(END)
    write_atomic(path, text[:a] + '\n' + table + text[b:])


def write_atomic(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as fh:
        fh.write(text)
    os.replace(tmp, path)


def cmd_fit(a):
    res = {'stamp': a.stamp, 'machine': machine(), 'native_blas': os.environ.get('BENCH_NATIVE_BLAS') == '1',
           'command': 'stance fit --corpus DIR --min-df 2 --max-df 0.9 --dims 100 --k 20 --out OUTDIR '
                      '--timings --format json --quiet',
           'reference': 'python3 shared/perf/sklearn_pipeline.py DIR --out sk.csv',
           'points': [point(s, a.compare) for s in a.runs]}
    md = markdown(res)
    write_atomic(os.path.join(a.results, f'bench-{a.stamp}.json'), json.dumps(res, indent=1) + '\n')
    write_atomic(os.path.join(a.results, 'latest.md'), '# Benchmark: stance fit vs scikit-learn\n\n' + md)
    update_docs(a.docs, md)
    print(md)


def cmd_score(a):
    tv = parse_time_v(os.path.join(a.work, 'score.time')) or {}
    if a.tool == 'hyperfine':
        h = json.load(open(os.path.join(a.work, 'score.hyperfine.json')))['results'][0]
        ms = [t * 1000 for t in h['times']]
    else:
        ms = [int(x) / 1000 for x in read(os.path.join(a.work, 'score.loop_us')).split()]
    res = {'stamp': a.stamp, 'machine': machine(), 'tool': a.tool, 'doc': os.path.relpath(a.doc),
           'doc_bytes': os.path.getsize(a.doc), 'model': os.path.relpath(a.model),
           'model_mb': round(os.path.getsize(a.model) / 1e6, 1), 'fit_size_mb': a.mb, 'runs': len(ms),
           'median_ms': round(statistics.median(ms), 2), 'mean_ms': round(statistics.fmean(ms), 2),
           'min_ms': round(min(ms), 2), 'max_ms': round(max(ms), 2), 'peak_rss_mb': tv.get('peak_rss_mb'),
           'target_ms': TARGET_SCORE_MS}
    ok = res['median_ms'] < TARGET_SCORE_MS
    md = (f"# Scoring one document: `stance classify`\n\nRun {a.stamp} ({res['machine']['nproc']} × "
          f"{res['machine']['cpu']}, commit {res['machine']['commit']}), {a.tool}, {len(ms)} runs.\n\n"
          f"| document | model | median ms | mean ms | min–max ms | peak RSS MB | target |\n"
          f"|---|---|--:|--:|--:|--:|---|\n"
          f"| {res['doc']} ({res['doc_bytes']:,} B) | fitted on {a.mb} MB ({res['model_mb']} MB) | "
          f"{res['median_ms']} | {res['mean_ms']} | {res['min_ms']}–{res['max_ms']} | "
          f"{fmt(res['peak_rss_mb'], 0)} | < {TARGET_SCORE_MS:g} ms {'✅' if ok else '❌'} |\n")
    write_atomic(os.path.join(a.results, f'score-{a.stamp}.json'), json.dumps(res, indent=1) + '\n')
    write_atomic(os.path.join(a.results, 'latest-score.md'), md)
    print(md)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    f = sub.add_parser('fit')
    f.add_argument('--stamp', default=datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ'))
    f.add_argument('--results', required=True)
    f.add_argument('--docs', required=True)
    f.add_argument('--compare', required=True)
    f.add_argument('runs', nargs='+', help='MB=RUNDIR=CORPUS')
    s = sub.add_parser('score')
    s.add_argument('--stamp', required=True)
    s.add_argument('--results', required=True)
    s.add_argument('--tool', choices=['hyperfine', 'loop'], required=True)
    s.add_argument('--work', required=True)
    s.add_argument('--doc', required=True)
    s.add_argument('--model', required=True)
    s.add_argument('--mb', type=int, required=True)
    a = ap.parse_args()
    (cmd_fit if a.cmd == 'fit' else cmd_score)(a)


if __name__ == '__main__':
    main()
