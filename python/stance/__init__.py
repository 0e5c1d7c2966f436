"""stance: where issuers and blocs stand in cyber-diplomacy texts (French and English).

The Python front of the ``stance`` library (the command line is the other one): the same
pipeline and the same numbers, as pandas DataFrames and pyarrow Tables.

Example
-------
>>> import stance
>>> a = stance.analyze()                                  # the shipped corpus
>>> sim = a.similarity(topic="binding_norms")             # long form: one row per cell
>>> sim.columns.tolist()
['by', 'row_label', 'col_label', 'topic', 'value', 'low', 'high', 'n_row', 'n_col']
>>> a.agreement(by="bloc")                                # doctest: +SKIP
>>> a.positions(topic="budapest_convention")              # doctest: +SKIP
>>> a.passages(topic="internet_governance", stance="oppose")  # doctest: +SKIP
>>> tables = a.compare("russia-aligned", "western")
>>> sorted(tables)
['evidence', 'keyness', 'similarity', 'stances']
>>> m = a.model()                                         # or stance.Model.load("fitted/model.bin")
>>> t = m.classify(["Nous soutenons la Convention de Budapest sur la cybercriminalité, "
...                 "qui reste le cadre de référence de la coopération internationale."])
>>> t.num_rows >= 1
True

Vocabulary *similarity* (who speaks alike) and *agreement* (who stands on the same side) are two
different numbers; see docs/methods.md. Errors raise :class:`StanceError` (``UsageError`` for a bad
argument, ``DataError`` for bad input) with the command line's one-line message.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Union

import pyarrow as pa

from . import _stance
from ._stance import DataError, StanceError, UsageError, __version__

if TYPE_CHECKING:  # pandas is imported lazily: classify at scale needs only pyarrow
    import pandas as pd

__all__ = [
    "analyze",
    "Analysis",
    "Model",
    "write_parquet",
    "StanceError",
    "UsageError",
    "DataError",
    "StanceWarning",
    "__version__",
]

PathLike = Union[str, "os.PathLike[str]"]


class StanceWarning(UserWarning):
    """A warning of the library (a manifest note, a corpus mostly out of the domain...)."""


def _warn(messages: Iterable[str]) -> None:
    for m in messages:
        warnings.warn(m, StanceWarning, stacklevel=3)


def _path(p: Optional[PathLike]) -> Optional[str]:
    return None if p is None else os.fspath(p)


def _frame(table: pa.Table, arrow: bool) -> Union["pd.DataFrame", pa.Table]:
    return table if arrow else table.to_pandas()


def analyze(
    corpus: Optional[PathLike] = None,
    seed: int = 0,
    lexicon: Optional[PathLike] = None,
    *,
    text_col: Optional[str] = None,
    issuer_col: Optional[str] = None,
    bloc_col: Optional[str] = None,
    date_col: Optional[str] = None,
    lang_col: Optional[str] = None,
) -> "Analysis":
    """Fit the whole pipeline on a corpus and return an :class:`Analysis`.

    Parameters
    ----------
    corpus:
        A folder with ``manifest.csv`` and the texts (see the README, "Corpus format"), or a
        table of texts with one document per row (``.csv``, ``.tsv``, ``.jsonl``, ``.json``,
        ``.parquet``); ``None``: the shipped corpus (``seeds/``, built into the package).
    seed:
        The one seed of every random step (SVD, k-means, bootstrap): same seed, same numbers, the
        same as ``stance --seed N`` on the command line.
    lexicon:
        A topic lexicon (TOML); ``None``: the built-in ``models/topics.toml``.
    text_col, issuer_col, bloc_col, date_col, lang_col:
        For a table of texts: the columns holding each field (defaults ``text``, ``issuer``,
        ``bloc``, ``date``, ``lang``), as ``--text-col`` … on the command line.

    The GIL is released while the pipeline runs. Warnings (manifest notes, a corpus mostly out of
    the domain) are issued as :class:`StanceWarning`.

    Example
    -------
    >>> a = stance.analyze("my_corpus/", seed=0)          # doctest: +SKIP
    >>> a.similarity(by="bloc").head()                    # doctest: +SKIP
    >>> news = stance.analyze("news.parquet", text_col="body", issuer_col="source")  # doctest: +SKIP
    """
    native = _stance.analyze(
        _path(corpus), seed, _path(lexicon), text_col, issuer_col, bloc_col, date_col, lang_col
    )
    _warn(native.warnings)
    return Analysis(native)


class Analysis:
    """A corpus run through the pipeline (``stance.analyze``): every table the command line shows.

    Each method returns a pandas DataFrame (``arrow=True``: a pyarrow Table), in long form, with the
    columns of the matching ``stance export`` CSV file (docs/schema.md). ``by`` is ``"issuer"``,
    ``"bloc"`` or ``"document"``; ``draws`` the bootstrap draws behind the 95% intervals (0: none).
    """

    def __init__(self, native: "_stance.Analysis"):
        self._native = native

    def __repr__(self) -> str:
        d = self.domain
        return (
            f"<stance.Analysis model={self.model_id} seed={self.seed} issuers={len(self.issuers)} "
            f"passages={d['passages']} in_domain={d['in_domain']}>"
        )

    @property
    def model_id(self) -> str:
        """Id of the fitted model (the ``model`` of the command line's JSON)."""
        return self._native.model_id

    @property
    def seed(self) -> int:
        return self._native.seed

    @property
    def issuers(self) -> List[str]:
        return self._native.issuers

    @property
    def blocs(self) -> List[str]:
        return self._native.blocs

    @property
    def topics(self) -> List[str]:
        """Topic ids of the lexicon (see ``stance topics``)."""
        return self._native.topics

    @property
    def domain(self) -> Dict[str, float]:
        """Passages in and out of the domain (ICTs / cyberspace): only those in are compared."""
        return self._native.domain()

    def similarity(
        self, topic: Optional[str] = None, by: str = "issuer", draws: int = 200, arrow: bool = False
    ) -> Union["pd.DataFrame", pa.Table]:
        """Vocabulary similarity (who speaks alike): cosine of the groups' mean passage vectors.

        One row per cell of the ``by`` x ``by`` matrix, all passages or those on ``topic``:
        ``by, row_label, col_label, topic, value, low, high, n_row, n_col`` (as
        ``stance similarity --format csv``; ``value`` is NaN when a group has no passage, ``low`` /
        ``high`` when it has too few for an interval).

        >>> sim = a.similarity(topic="binding_norms")                       # doctest: +SKIP
        >>> sim.pivot(index="row_label", columns="col_label", values="value")  # doctest: +SKIP
        """
        return _frame(self._native.similarity(by, topic, draws), arrow)

    def agreement(
        self,
        by: str = "issuer",
        topic: Optional[str] = None,
        groups: Sequence[str] = (),
        draws: int = 200,
        arrow: bool = False,
    ) -> Union["pd.DataFrame", pa.Table]:
        """Agreement (who stands on the same side): 1 - |position A - position B| / 2.

        On ``topic``, or over the topics each pair addresses. Columns of agreement.csv:
        ``by, row_label, col_label, topic, value, low, high, n_row, n_col, shared_topics``.

        >>> a.agreement(by="bloc")                                          # doctest: +SKIP
        """
        return _frame(self._native.agreement(by, topic, list(groups), draws), arrow)

    def positions(
        self,
        topic: Optional[str] = None,
        by: str = "issuer",
        groups: Sequence[str] = (),
        draws: int = 200,
        arrow: bool = False,
    ) -> Union["pd.DataFrame", pa.Table]:
        """Every group's position on a topic (every topic by default), -1 oppose ... +1 support.

        Columns of positions.csv: ``by, topic, group, n, support, oppose, neutral, net, position,
        low, high``; per topic, most supportive first.

        >>> a.positions(topic="budapest_convention")                        # doctest: +SKIP
        """
        return _frame(self._native.positions(by, topic, list(groups), draws), arrow)

    def passages(
        self,
        topic: Optional[str] = None,
        stance: Optional[str] = None,
        issuer: Optional[str] = None,
        bloc: Optional[str] = None,
        domain: Optional[str] = None,
        limit: int = 0,
        arrow: bool = False,
    ) -> Union["pd.DataFrame", pa.Table]:
        """The evidence: passages on ``topic`` (with ``stance`` toward it), of an issuer or bloc.

        ``stance``: ``"support"``, ``"oppose"`` or ``"neutral"`` (toward ``topic``, else toward the
        passage's main topic); ``domain``: ``"in"`` or ``"out"`` of ICTs / cyberspace; ``limit``: at
        most this many (0: all). Columns of passages.csv (``topics`` / ``stances``: ``"; "``-joined).

        >>> a.passages(topic="internet_governance", stance="oppose")        # doctest: +SKIP
        """
        return _frame(self._native.passages(topic, issuer, bloc, stance, domain, limit), arrow)

    def clusters(
        self,
        topic: Optional[str] = None,
        k: Optional[int] = None,
        members: bool = False,
        arrow: bool = False,
    ) -> Union["pd.DataFrame", pa.Table]:
        """The positions found on ``topic`` (every topic with passages by default): ``stance clusters``.

        The topic's passages in the domain, clustered by what they say and which side they take;
        ``k`` (1 to 5) is chosen by the silhouette unless given. Columns of clusters.csv: ``topic,
        k, cluster, label, n, support, oppose, neutral, terms, issuers, blocs, silhouette``; with
        ``members=True`` who holds each position, long form (cluster_members.csv: ``topic,
        cluster, by, group, n, share``).

        >>> m = a.clusters(topic="binding_norms", members=True)            # doctest: +SKIP
        >>> m[m.by == "issuer"].pivot(index="group", columns="cluster", values="share")  # doctest: +SKIP
        """
        return _frame(self._native.clusters(topic, k, members), arrow)

    def stances(self, arrow: bool = False) -> Union["pd.DataFrame", pa.Table]:
        """Passages per issuer x topic x stance, with shares (stances.csv)."""
        return _frame(self._native.stances(), arrow)

    def compare(
        self,
        side_a: str,
        side_b: str,
        topic: Optional[str] = None,
        terms: int = 5,
        evidence: int = 3,
        draws: int = 200,
        arrow: bool = False,
    ) -> Dict[str, Union["pd.DataFrame", pa.Table]]:
        """Two blocs (or ``issuer:NAME``) side by side, topic by topic (``stance compare``).

        Returns a dict of four tables:

        - ``similarity``: per topic (first row: all passages, ``topic`` None) the sides' passages,
          vocabulary similarity and agreement with their intervals;
        - ``stances``: each side's stance on each topic (call, shares, net, position);
        - ``keyness``: the ``terms`` most distinctive terms of each side (keyness.csv columns);
        - ``evidence``: the ``evidence`` passages that best show each side's stance per topic.

        >>> t = a.compare("russia-aligned", "western")                      # doctest: +SKIP
        >>> t["stances"].query("topic == 'binding_norms'")                  # doctest: +SKIP
        """
        out = self._native.compare(side_a, side_b, topic, terms, evidence, draws)
        return {k: _frame(v, arrow) for k, v in out.items()}

    def model(self, learned: bool = True) -> "Model":
        """The fitted model of this analysis, to classify new texts in its space or to save.

        As ``stance fit``, it carries the learned complement, trained on the shipped hand-labelled
        passages (it decides where the lexicon abstains); ``learned=False`` gives the lexicon
        alone, as ``stance fit --no-learned``."""
        return Model(self._native.model(learned))


class Model:
    """A fitted model: ``Model.load("fitted/model.bin")`` (``stance fit --out fitted/``) or
    ``analyze().model()``.

    >>> m = stance.Model.load("fitted/model.bin")                          # doctest: +SKIP
    >>> m.classify(["Texte d'une nouvelle déclaration…", "Another statement…"]).to_pandas()  # doctest: +SKIP
    """

    def __init__(self, native: "_stance.Model"):
        self._native = native

    def __repr__(self) -> str:
        return f"<stance.Model id={self.id} lexicon={self.lexicon_version}>"

    @classmethod
    def load(cls, path: PathLike, lexicon: Optional[PathLike] = None) -> "Model":
        """Load a saved model: a model file, or a folder holding ``model.bin``.

        Warns (:class:`StanceWarning`) when it was fitted with another lexicon version."""
        native, messages = _stance.Model.load(os.fspath(path), _path(lexicon))
        _warn(messages)
        return cls(native)

    def save(self, path: PathLike) -> None:
        """Save the model to ``path`` (written whole, atomically), readable by ``stance classify --model``."""
        self._native.save(os.fspath(path))

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def lexicon_version(self) -> str:
        return self._native.lexicon_version

    @property
    def issuers(self) -> List[str]:
        return self._native.issuers

    @property
    def blocs(self) -> List[str]:
        return self._native.blocs

    def classify(self, texts: Union[str, Iterable[Optional[str]]], lang: Optional[str] = None) -> pa.Table:
        """Topic, stance and cues of every passage of every text: a pyarrow Table, one row per passage.

        ``texts``: a string, or any iterable of strings (a list, a pandas Series, a pyarrow string
        array); None or a text too short for a passage gives no row. ``lang``: ``"fr"`` or ``"en"``
        for all texts (default: detected per text). Texts are classified in parallel, the GIL
        released.

        Columns: ``doc`` (the text's index in ``texts``, to join your columns back), ``passage``,
        ``start``, ``end`` (byte offsets in the text), ``lang``, ``topic``, ``topic_score``,
        ``stance``, ``source`` (what decided it: ``"lexicon"`` cues or the learned ``"model"``),
        ``p`` (the model's probability; null with the lexicon), ``cues`` (list), ``topics`` and ``stances`` (parallel lists: every topic reached,
        best first, and the stance toward each), ``in_domain``, ``domain_score``,
        ``domain_evidence`` (list), ``text``. ``.to_pandas()`` gives a DataFrame.

        >>> t = m.classify(["Nous rejetons tout traité juridiquement contraignant."])  # doctest: +SKIP
        >>> t.to_pandas()[["doc", "topic", "stance"]]                        # doctest: +SKIP
        """
        if isinstance(texts, str):
            texts = [texts]
        elif isinstance(texts, (pa.Array, pa.ChunkedArray)):
            texts = texts.to_pylist()
        elif not isinstance(texts, list):
            texts = list(texts)
        return self._native.classify(texts, lang)


def write_parquet(table: Union[pa.Table, "pd.DataFrame"], path: PathLike) -> None:
    """Write a table as a Parquet file, as ``stance export --format parquet`` writes its files.

    The library's writer: the documented column types (docs/schema.md), Snappy compression and
    ``stance VERSION`` as the writer, no clock, so the same rows give the same bytes; written
    whole, atomically. ``table``: a pyarrow Table or a pandas DataFrame (its index is left out).
    Read it back with ``pandas.read_parquet``, ``pyarrow.parquet.read_table``, Spark or R's arrow.

    >>> stance.write_parquet(a.stances(arrow=True), "stances.parquet")     # doctest: +SKIP
    """
    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False)
    _stance.write_parquet(table, os.fspath(path))
