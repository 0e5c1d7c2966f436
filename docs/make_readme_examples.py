#!/usr/bin/env python3
"""Regenerates the "Commands" section of README.md from real runs of the release binary.

Usage (from the repository root, after `cargo build --release`):
    python3 docs/make_readme_examples.py
or with another build of the same commit: `STANCE_BIN=target/debug/stance python3 docs/make_readme_examples.py`.
Each example is run on the shipped seeds/ with --seed 0; long outputs are cut (marked "…").
"""
import os
import pathlib
import re
import shlex
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(os.environ.get("STANCE_BIN", ROOT / "target" / "release" / "stance"))
WORK = pathlib.Path(tempfile.mkdtemp(prefix="stance-readme-"))

NEW_TEXT = """Les États membres de l'Union africaine soutiennent l'élaboration d'un instrument
juridiquement contraignant sur la sécurité de l'information, sous l'égide des Nations Unies.

Ils rappellent que la Convention de Budapest ne saurait servir de modèle universel.
"""

# (title, explanation, command, max lines shown)
EXAMPLES = [
    ("compare", "Two blocs topic by topic: agreement and vocabulary similarity with 95% intervals, each side's "
     "stance and position, distinctive terms.",
     "stance compare russia-aligned western", 40),
    ("compare with evidence", "The passages that best show each side, cues in bold (`**…**` when piped).",
     "stance compare russia-aligned western --topic binding_norms --evidence 2", 40),
    ("positions", "Every issuer on a topic's axis, from oppose (−1) to support (+1), with 95% intervals "
     "(docs/methods.md §9).",
     "stance positions --topic budapest_convention", 20),
    ("agreement", "Who stands on the same side: issuer × issuer on one topic (empty cell: a side is silent).",
     "stance agreement --topic binding_norms", 30),
    ("agreement by bloc with intervals", "Over the topics each pair addresses; (k) = shared topics.",
     "stance agreement --by bloc --ci", 20),
    ("similarity", "Who speaks alike (vocabulary similarity): issuer × issuer on one topic.",
     "stance similarity --topic internet_governance", 30),
    ("similarity by bloc with intervals", "", "stance similarity --by bloc --ci", 20),
    ("similarity as tidy CSV", "", "stance similarity --by bloc --format csv", 6),
    ("clusters", "The positions on a topic (docs/methods.md §6.1): k-means within the topic's passages, k by silhouette; "
     "each position's stance mix, distinctive terms, issuers (share of theirs), blocs and typical passages.",
     "stance clusters --topic binding_norms", 30),
    ("topics", "Topics with passages, stances, top terms, issuers and the global text clusters.",
     "stance topics", 30),
    ("passages", "The evidence itself.", "stance passages --topic budapest_convention --issuer Russia --limit 2", 20),
    ("classify", "A new text: topic, stance and cues per passage (`+`: the other topics it reaches; JSON lines give\n"
     "every topic's stance, cues and source), then the nearest blocs.",
     "stance classify WORK/new.txt", 12),
    ("evaluate", "Topic and stance accuracy against labelled passages.",
     "stance evaluate --gold tests/fixtures/gold_passages.csv", 30),
    ("tokens", "What the analyser makes of a text.",
     "stance tokens seeds/2020-12-22_cis_heads-of-state-declaration.txt", 16),
    ("vectors", "The TF-IDF matrix (JSON and CSV carry the full sparse rows).", "stance vectors", 10),
    ("fit", "Fit and save the model; `--timings` prints seconds per stage.",
     "stance fit --out WORK/model --timings", 30),
    ("init (workspace)", "A workspace keeps every text, the frozen model and every run (docs/reruns.md).",
     "stance init --workspace WORK/ws", 10),
    ("ingest", "", "stance ingest --workspace WORK/ws WORK/new.txt --issuer \"African Union\" --bloc african-union --date 2025-03-01", 10),
    ("update", "", "stance update --workspace WORK/ws", 20),
    ("diff", "", "stance diff --workspace WORK/ws", 24),
    ("history", "", "stance history --workspace WORK/ws", 12),
    ("report", "One self-contained HTML page ([screenshot](docs/report.png)).",
     "stance report --out WORK/report.html", 6),
    ("export", "Files for notebooks, with schemas (docs/schema.md, docs/exploration.ipynb).",
     "stance export --out WORK/exports", 12),
    ("completions", "", "stance completions bash", 3),
]


def run(cmd):
    args = shlex.split(cmd.replace("WORK", str(WORK)))
    args[0] = str(BIN)
    # report and export say what they wrote on stderr; the others print data only.
    quiet = [] if args[1] in ("report", "export") else ["--quiet"]
    # Tables fit COLUMNS when there is no terminal: a fixed width keeps the README reproducible.
    env = {**os.environ, "COLUMNS": "160"}
    out = subprocess.run(args + quiet, cwd=ROOT, capture_output=True, text=True, env=env)
    text = (out.stdout + out.stderr).rstrip("\n")
    return text.replace(str(WORK), "/tmp/demo")


def main():
    (WORK / "new.txt").write_text(NEW_TEXT, encoding="utf-8")
    parts = []
    for title, note, cmd, keep in EXAMPLES:
        lines = run(cmd).splitlines()
        if len(lines) > keep:
            lines = lines[:keep] + ["…"]
        shown = cmd.replace("WORK", "/tmp/demo")
        parts.append(f"### {title}\n\n" + (f"{note}\n\n" if note else "")
                     + "```console\n$ " + shown + "\n" + "\n".join(lines) + "\n```\n")
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    section = "<!-- examples:start -->\n" + "\n".join(parts) + "<!-- examples:end -->"
    text = re.sub(r"<!-- examples:start -->.*<!-- examples:end -->", lambda _: section, text, flags=re.S)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
