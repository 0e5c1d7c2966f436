"""Type stubs of the native module (`python/src/lib.rs`); use the wrappers in `stance`."""

from typing import Dict, List, Optional, Sequence, Tuple

import pyarrow as pa

__version__: str

class StanceError(Exception):
    """An error of the stance library (bad input data or arguments)."""

class UsageError(StanceError):
    """A bad argument: an unknown topic, group or option value."""

class DataError(StanceError):
    """Bad input data: a corpus, manifest, model or text."""

def classified_schema() -> pa.Schema: ...
def write_parquet(table: pa.Table, path: str) -> None: ...
def analyze(
    corpus: Optional[str] = None,
    seed: int = 0,
    lexicon: Optional[str] = None,
    text_col: Optional[str] = None,
    issuer_col: Optional[str] = None,
    bloc_col: Optional[str] = None,
    date_col: Optional[str] = None,
    lang_col: Optional[str] = None,
) -> Analysis: ...

class Analysis:
    @property
    def model_id(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def warnings(self) -> List[str]: ...
    @property
    def issuers(self) -> List[str]: ...
    @property
    def blocs(self) -> List[str]: ...
    @property
    def topics(self) -> List[str]: ...
    def domain(self) -> Dict[str, float]: ...
    def similarity(self, by: str = "issuer", topic: Optional[str] = None, draws: int = 200) -> pa.Table: ...
    def agreement(
        self, by: str = "issuer", topic: Optional[str] = None, groups: Sequence[str] = ..., draws: int = 200
    ) -> pa.Table: ...
    def positions(
        self, by: str = "issuer", topic: Optional[str] = None, groups: Sequence[str] = ..., draws: int = 200
    ) -> pa.Table: ...
    def passages(
        self,
        topic: Optional[str] = None,
        issuer: Optional[str] = None,
        bloc: Optional[str] = None,
        stance: Optional[str] = None,
        domain: Optional[str] = None,
        limit: int = 0,
    ) -> pa.Table: ...
    def clusters(self, topic: Optional[str] = None, k: Optional[int] = None, members: bool = False) -> pa.Table: ...
    def stances(self) -> pa.Table: ...
    def compare(
        self,
        side_a: str,
        side_b: str,
        topic: Optional[str] = None,
        terms: int = 5,
        evidence: int = 3,
        draws: int = 200,
    ) -> Dict[str, pa.Table]: ...
    def model(self, learned: bool = True) -> Model: ...

class Model:
    @staticmethod
    def load(path: str, lexicon: Optional[str] = None) -> Tuple[Model, List[str]]: ...
    def save(self, path: str) -> None: ...
    @property
    def id(self) -> str: ...
    @property
    def lexicon_version(self) -> str: ...
    @property
    def issuers(self) -> List[str]: ...
    @property
    def blocs(self) -> List[str]: ...
    def classify(self, texts: List[Optional[str]], lang: Optional[str] = None) -> pa.Table: ...
