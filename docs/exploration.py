# %% [markdown]
# # Exploring a `stance export` with pandas and matplotlib
#
# `stance export --out DIR` writes stable CSV / JSON files (schemas: `docs/schema.md`). This
# notebook runs it on the shipped corpus, then draws the issuer × issuer similarity heatmap and
# each issuer's stance on one topic. The same code is `docs/exploration.py` (run by
# `cargo test --test notebook`); cells are separated by `# %%` lines.
#
# Settings come from the environment: `STANCE_BIN` (the `stance` binary, default `stance` on the
# PATH), `STANCE_CORPUS` (default: the shipped `seeds/`), `STANCE_OUT` (where files and figures go,
# default `exports/`), `STANCE_TOPIC` (default `budapest_convention`).

# %%
import json
import os
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

STANCE = os.environ.get("STANCE_BIN", "stance")
CORPUS = os.environ.get("STANCE_CORPUS")
OUT = Path(os.environ.get("STANCE_OUT", "exports"))
TOPIC = os.environ.get("STANCE_TOPIC", "budapest_convention")

cmd = [STANCE, "--quiet", "export", "--out", str(OUT)] + (["--corpus", CORPUS] if CORPUS else [])
subprocess.run(cmd, check=True)
manifest = json.loads((OUT / "manifest.json").read_text())
assert manifest["schema_version"] == 1, "this notebook reads export schema version 1"
print(manifest["model"], [f["name"] for f in manifest["files"]])

# %% [markdown]
# ## Similarity: issuer × issuer, all passages
# `similarity.csv` is tidy: one row per cell. An empty `topic` means all passages
# (pandas reads it as NaN).

# %%
sim = pd.read_csv(OUT / "similarity.csv")
overall = sim[(sim["by"] == "issuer") & sim["topic"].isna()]
matrix = overall.pivot(index="row_label", columns="col_label", values="value")
order = matrix.mean(axis=1).sort_values(ascending=False).index  # most central issuers first
matrix = matrix.loc[order, order]

fig, ax = plt.subplots(figsize=(9, 8))
values = matrix.to_numpy(copy=True)
np.fill_diagonal(values, np.nan)  # the diagonal is 1 by definition: leave it blank
im = ax.imshow(values, cmap="YlGnBu", vmin=0, vmax=np.nanquantile(values, 0.95))
ax.set_xticks(range(len(order)), order, rotation=90)
ax.set_yticks(range(len(order)), order)
ax.set_title("Issuer similarity, all passages (cosine of mean passage vectors)")
fig.colorbar(im, ax=ax, shrink=0.7, label="similarity")
fig.tight_layout()
fig.savefig(OUT / "heatmap.png", dpi=100)

# %% [markdown]
# ## Stances on one topic
# `stances.csv`: issuer × topic × stance with counts and shares (the three shares sum to 1).

# %%
stances = pd.read_csv(OUT / "stances.csv")
on_topic = stances[stances["topic"] == TOPIC]
shares = on_topic.pivot(index="issuer", columns="stance", values="share").reindex(columns=["support", "oppose", "neutral"]).fillna(0)
counts = on_topic.groupby("issuer")["n"].sum()
shares = shares.sort_values(["support", "oppose"], ascending=[True, False])

fig, ax = plt.subplots(figsize=(8, 0.4 * len(shares) + 1.5))
shares.plot.barh(stacked=True, ax=ax, color=["#009E73", "#D55E00", "#BBBBBB"], width=0.8)
ax.set_yticks(range(len(shares)), [f"{i} (n={counts[i]})" for i in shares.index])
ax.set_xlabel("share of the issuer's passages on the topic")
ax.set_title(f"Stance toward the proposition: {TOPIC}")
ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
fig.tight_layout()
fig.savefig(OUT / "stances.png", dpi=100)

# %% [markdown]
# ## The passages behind it
# `passages.csv` holds every passage with its topics and stances (`topics` / `stances` are
# `"; "`-separated lists, best topic first).

# %%
passages = pd.read_csv(OUT / "passages.csv")
split = lambda col: passages[col].fillna("").str.split("; ")
passages["stance_on_topic"] = [dict(zip(t, s)).get(TOPIC) for t, s in zip(split("topics"), split("stances"))]
mine = passages[passages["stance_on_topic"].notna()]
print(mine[["issuer", "date", "stance_on_topic", "text"]].head(5).to_string(max_colwidth=100))
