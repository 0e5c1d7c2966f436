# %% [markdown]
# # Exploring stances with the Python package (pandas + matplotlib)
#
# `import stance` runs the same pipeline as the command line, in the notebook (install it once
# with `pip install ./python` from a checkout; see `python/README.md`). This notebook analyses
# the shipped corpus, then draws the issuer × issuer similarity heatmap and each issuer's stance
# on one topic, and lists the passages behind it. The same code is `docs/exploration.py` (run by
# the Python tests, `python/tests/`); cells are separated by `# %%` lines.
#
# Settings come from the environment: `STANCE_CORPUS` (a corpus folder; default: the shipped
# corpus), `STANCE_OUT` (where figures go, default `exports/`), `STANCE_TOPIC` (default
# `budapest_convention`).

# %%
import os
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt
import numpy as np

import stance

CORPUS = os.environ.get("STANCE_CORPUS")  # None: the shipped corpus
OUT = Path(os.environ.get("STANCE_OUT", "exports"))
TOPIC = os.environ.get("STANCE_TOPIC", "budapest_convention")
OUT.mkdir(parents=True, exist_ok=True)

a = stance.analyze(CORPUS, seed=0)
print(a)

# %% [markdown]
# ## Similarity: issuer × issuer, all passages
# `a.similarity()` is long form: one row per cell (`row_label`, `col_label`, `value`, and the
# 95% interval `low`–`high`), the columns of `similarity.csv`. Pivot it for a matrix.

# %%
sim = a.similarity()
matrix = sim.pivot(index="row_label", columns="col_label", values="value")
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
# `a.stances()`: issuer × topic × stance with counts and shares (the three shares sum to 1).

# %%
stances = a.stances()
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
# ## Positions and the passages behind them
# `a.positions(topic=...)`: every issuer on the oppose (−1) … support (+1) axis with its interval;
# `a.passages(topic=..., stance=...)`: the evidence itself.

# %%
print(a.positions(topic=TOPIC)[["group", "n", "position", "low", "high"]].to_string(index=False))
mine = a.passages(topic=TOPIC, stance="support")
print(mine[["issuer", "date", "text"]].head(5).to_string(max_colwidth=100))

# %% [markdown]
# ## Two blocs side by side
# `a.compare(A, B)` returns four DataFrames: `similarity` (per topic: vocabulary similarity and
# agreement with their intervals), `stances`, `keyness` (distinctive terms) and `evidence`.

# %%
tables = a.compare("russia-aligned", "western")
print(tables["similarity"][["topic", "n_a", "n_b", "agreement", "similarity"]].to_string(index=False))
