//! `stance._stance`: the native half of the Python package. A thin front on the library, as the
//! command line is: it parses keyword arguments, calls the library with the GIL released and
//! hands back Arrow tables (pyarrow, no copy through text). `stance/__init__.py` wraps it with
//! pandas conversion and docstrings.

use std::path::PathBuf;

use arrow_array::RecordBatch;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::{PySchema, PyTable};
use rayon::prelude::*;
use serde::Serialize;

use stance::cluster::positions::{PositionParams, MAX_K};
use stance::compare::clusters::{cluster_records, member_records, topic_clusters, ClusterOptions};
use stance::compare::keyness::KeynessParams;
use stance::compare::sides::{compare, CompareParams, Side};
use stance::compare::SimilarityParams;
use stance::corpus::read::table::Columns;
use stance::export::arrow::{file_batch, record_batch, tables, Column};
use stance::export::{self, PassageFilter};
use stance::groups::GroupBy;
use stance::model::Model as LibModel;
use stance::pipeline::{Analysis as LibAnalysis, Params};
use stance::text::{detect, lang::Lang};
use stance::topics::{Lexicon, Stance};
use stance::{corpus, limits};

create_exception!(_stance, StanceError, PyException, "An error of the stance library (bad input data or arguments).");
create_exception!(_stance, UsageError, StanceError, "A bad argument: an unknown topic, group or option value.");
create_exception!(_stance, DataError, StanceError, "Bad input data: a corpus, manifest, model or text.");

/// The library's one-line message as a Python exception.
fn err(e: stance::Error) -> PyErr {
    match e {
        stance::Error::Usage(m) => UsageError::new_err(m),
        stance::Error::Data(m) => DataError::new_err(m),
    }
}

/// A pyarrow.Table of one batch.
fn table(py: Python<'_>, batch: RecordBatch) -> PyResult<Py<PyAny>> {
    let schema = batch.schema();
    Ok(PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)?.unbind())
}

fn rows_table<T: Serialize>(py: Python<'_>, columns: &[Column], rows: &[T]) -> PyResult<Py<PyAny>> {
    table(py, record_batch(columns, rows).map_err(err)?)
}

/// A library enum from its name (`"issuer"`, `"oppose"`), or a usage error listing the names.
fn parse<T>(what: &str, value: &str) -> PyResult<T>
where
    T: std::str::FromStr + strum::VariantArray + Into<&'static str> + Copy,
{
    value.parse().map_err(|_| {
        let names: Vec<&str> = T::VARIANTS.iter().map(|&v| v.into()).collect();
        UsageError::new_err(format!("unknown {what} '{value}'; use one of: {}", names.join(", ")))
    })
}

fn lexicon(path: Option<PathBuf>) -> stance::Result<Lexicon> {
    match path {
        Some(p) => Lexicon::from_path(&p),
        None => Ok(Lexicon::builtin()),
    }
}

/// The bootstrap settings of the command line for `draws` draws and the analysis' seed.
fn bootstrap(seed: u64, draws: usize, groups: usize) -> PyResult<SimilarityParams> {
    limits::check_draws(draws, groups).map_err(err)?;
    Ok(SimilarityParams { draws, seed, ..Default::default() })
}

/// A corpus fitted through the whole pipeline (`stance.analyze`).
#[pyclass(frozen, module = "stance._stance")]
struct Analysis {
    inner: LibAnalysis,
    seed: u64,
    warnings: Vec<String>,
}

/// Fits the pipeline on a corpus (a folder with manifest.csv + texts, a manifest, or a table
/// of texts: .csv, .tsv, .jsonl, .json, .parquet), or on the shipped corpus.
// The arguments are Python's keyword arguments, as `stance --corpus … --text-col …` has them.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (corpus=None, seed=0, lexicon=None, text_col=None, issuer_col=None, bloc_col=None, date_col=None, lang_col=None))]
fn analyze(
    py: Python<'_>,
    corpus: Option<PathBuf>,
    seed: u64,
    lexicon: Option<PathBuf>,
    text_col: Option<String>,
    issuer_col: Option<String>,
    bloc_col: Option<String>,
    date_col: Option<String>,
    lang_col: Option<String>,
) -> PyResult<Analysis> {
    let columns = Columns { text: text_col, issuer: issuer_col, bloc: bloc_col, date: date_col, lang: lang_col };
    py.detach(|| {
        let c = match &corpus {
            Some(path) => corpus::load_path(path, &columns)?,
            None => corpus::builtin()?,
        };
        let lx = self::lexicon(lexicon)?;
        let mut warnings = c.warnings.clone();
        let inner = LibAnalysis::run(c, lx, &Params::default().with_seed(seed), &|_| {})?;
        warnings.extend(inner.domain_share().warning());
        Ok(Analysis { inner, seed, warnings })
    })
    .map_err(err)
}

impl Analysis {
    fn check_topic(&self, topic: Option<&str>) -> PyResult<()> {
        if let Some(t) = topic {
            self.inner.lexicon.check_topic(t).map_err(err)?;
        }
        Ok(())
    }

    fn positions(
        &self,
        py: Python<'_>,
        by: &str,
        topic: Option<&str>,
        groups: Vec<String>,
        draws: usize,
    ) -> PyResult<(GroupBy, stance::compare::agreement::Positions)> {
        let by: GroupBy = parse("grouping", by)?;
        self.check_topic(topic)?;
        let params = bootstrap(self.seed, draws, 0)?;
        let p = py.detach(|| stance::compare::agreement::positions(&self.inner, by, &groups, &params)).map_err(err)?;
        Ok((by, p))
    }
}

#[pymethods]
impl Analysis {
    /// Id of the fitted model (as in the command line's JSON `model`).
    #[getter]
    fn model_id(&self) -> String {
        self.inner.model_id()
    }

    #[getter]
    fn seed(&self) -> u64 {
        self.seed
    }

    /// Warnings of the load and fit (manifest notes, a corpus mostly out of the domain).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    #[getter]
    fn issuers(&self) -> Vec<String> {
        self.inner.corpus.issuers()
    }

    #[getter]
    fn blocs(&self) -> Vec<String> {
        self.inner.corpus.blocs()
    }

    /// Topic ids of the lexicon, in its order.
    #[getter]
    fn topics(&self) -> Vec<String> {
        self.inner.lexicon.topics().iter().map(|t| t.id.clone()).collect()
    }

    /// Passages in and out of the domain: {passages, in_domain, left_out, share}.
    fn domain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = self.inner.domain_share();
        let out = PyDict::new(py);
        out.set_item("passages", d.passages)?;
        out.set_item("in_domain", d.in_domain)?;
        out.set_item("left_out", d.left_out)?;
        out.set_item("share", d.share)?;
        Ok(out)
    }

    #[pyo3(signature = (by="issuer", topic=None, draws=200))]
    fn similarity(&self, py: Python<'_>, by: &str, topic: Option<&str>, draws: usize) -> PyResult<Py<PyAny>> {
        let by: GroupBy = parse("grouping", by)?;
        self.check_topic(topic)?;
        let n_groups = stance::groups::Grouping::new(&self.inner, by).labels.len();
        let params = bootstrap(self.seed, draws, n_groups)?;
        let cells = py.detach(|| {
            let m = export::similarity_matrix(&self.inner, by, topic, &params);
            export::tidy(by, topic, &m)
        });
        table(py, file_batch("similarity.csv", &cells).map_err(err)?)
    }

    #[pyo3(signature = (by="issuer", topic=None, groups=Vec::new(), draws=200))]
    fn agreement(
        &self,
        py: Python<'_>,
        by: &str,
        topic: Option<&str>,
        groups: Vec<String>,
        draws: usize,
    ) -> PyResult<Py<PyAny>> {
        let (by, p) = self.positions(py, by, topic, groups, draws)?;
        let t = topic.and_then(|t| p.topic_index(t));
        let cells = export::agreement_cells(by, topic, &p.matrix(t));
        table(py, file_batch("agreement.csv", &cells).map_err(err)?)
    }

    #[pyo3(name = "positions", signature = (by="issuer", topic=None, groups=Vec::new(), draws=200))]
    fn py_positions(
        &self,
        py: Python<'_>,
        by: &str,
        topic: Option<&str>,
        groups: Vec<String>,
        draws: usize,
    ) -> PyResult<Py<PyAny>> {
        let (by, p) = self.positions(py, by, topic, groups, draws)?;
        let records = match topic {
            Some(t) => match p.topic_index(t) {
                Some(i) => export::position_records(&p, by, Some(i)),
                None => Vec::new(),
            },
            None => export::position_records(&p, by, None),
        };
        table(py, file_batch("positions.csv", &records).map_err(err)?)
    }

    #[pyo3(signature = (topic=None, issuer=None, bloc=None, stance=None, domain=None, limit=0))]
    #[allow(clippy::too_many_arguments)]
    fn passages(
        &self,
        py: Python<'_>,
        topic: Option<String>,
        issuer: Option<String>,
        bloc: Option<String>,
        stance: Option<&str>,
        domain: Option<&str>,
        limit: usize,
    ) -> PyResult<Py<PyAny>> {
        let stance: Option<Stance> = stance.map(|s| parse("stance", s)).transpose()?;
        let in_domain = match domain {
            None => None,
            Some("in") => Some(true),
            Some("out") => Some(false),
            Some(other) => return Err(UsageError::new_err(format!("unknown domain '{other}'; use in or out"))),
        };
        let filter = PassageFilter { topic, issuer, bloc, stance, in_domain, limit };
        filter.check(&self.inner).map_err(err)?;
        let rows: Vec<_> = py.detach(|| {
            filter.select(&self.inner).into_iter().map(|i| export::passage_record(&self.inner, i)).collect()
        });
        table(py, file_batch("passages.csv", &rows).map_err(err)?)
    }

    /// The positions found on `topic` (every topic with passages when None), as `stance clusters`:
    /// clusters.csv, or with `members` its members in long form (cluster_members.csv).
    #[pyo3(signature = (topic=None, k=None, members=false))]
    fn clusters(&self, py: Python<'_>, topic: Option<String>, k: Option<usize>, members: bool) -> PyResult<Py<PyAny>> {
        self.check_topic(topic.as_deref())?;
        if let Some(k) = k {
            limits::count("k", k, 1, MAX_K).map_err(err)?;
        }
        let positions = PositionParams { k, ..Default::default() };
        let opts = ClusterOptions { positions, seed: self.seed, ..Default::default() };
        let topics: Vec<String> = topic.into_iter().collect();
        let found = py.detach(|| topic_clusters(&self.inner, &topics, &opts)).map_err(err)?;
        let batch = if members {
            file_batch("cluster_members.csv", &member_records(&found))
        } else {
            file_batch("clusters.csv", &cluster_records(&found))
        };
        table(py, batch.map_err(err)?)
    }

    /// Stance counts per issuer × topic × stance (stances.csv).
    fn stances(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let rows = py.detach(|| export::stance_counts(&self.inner));
        table(py, file_batch("stances.csv", &rows).map_err(err)?)
    }

    #[pyo3(signature = (side_a, side_b, topic=None, terms=5, evidence=3, draws=200))]
    #[allow(clippy::too_many_arguments)]
    fn compare<'py>(
        &self,
        py: Python<'py>,
        side_a: &str,
        side_b: &str,
        topic: Option<String>,
        terms: usize,
        evidence: usize,
        draws: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        limits::count("evidence", evidence, 0, limits::MAX_EVIDENCE).map_err(err)?;
        limits::count("terms", terms, 0, limits::MAX_TERMS).map_err(err)?;
        let bootstrap = bootstrap(self.seed, draws, 2)?;
        let (a, b) = Side::parse_pair(side_a, side_b, &self.inner.corpus).map_err(err)?;
        self.check_topic(topic.as_deref())?;
        let params =
            CompareParams { bootstrap, keyness: KeynessParams { k: terms, ..Default::default() }, evidence, topic };
        let t = py.detach(|| compare(&self.inner, &a, &b, &params).map(|c| export::compare_tables(&c))).map_err(err)?;
        let out = PyDict::new(py);
        out.set_item("similarity", rows_table(py, &tables::compare_similarity(), &t.similarity)?)?;
        out.set_item("stances", rows_table(py, &tables::compare_stances(), &t.stances)?)?;
        out.set_item("keyness", table(py, file_batch("keyness.csv", &t.keyness).map_err(err)?)?)?;
        out.set_item("evidence", rows_table(py, &tables::compare_evidence(), &t.evidence)?)?;
        Ok(out)
    }

    /// The model of this analysis (to classify new texts in its space, or to save), with the
    /// learned complement trained as `stance fit` trains it, unless `learned` is false.
    #[pyo3(signature = (learned=true))]
    fn model(&self, py: Python<'_>, learned: bool) -> PyResult<Model> {
        let learn = stance::learned::LearnParams::with_seed(self.seed);
        let model = py.detach(|| LibModel::fitted(&self.inner, learned.then_some(&learn))).map_err(err)?;
        Ok(Model { model, lexicon: self.inner.lexicon.clone() })
    }
}

/// A fitted model (`stance fit --out DIR` writes DIR/model.bin).
#[pyclass(frozen, module = "stance._stance")]
struct Model {
    model: LibModel,
    lexicon: Lexicon,
}

#[pymethods]
impl Model {
    /// Loads a saved model: a model file, or a folder holding model.bin.
    #[staticmethod]
    #[pyo3(signature = (path, lexicon=None))]
    fn load(py: Python<'_>, path: PathBuf, lexicon: Option<PathBuf>) -> PyResult<(Model, Vec<String>)> {
        py.detach(|| {
            let file = if path.is_dir() { path.join("model.bin") } else { path.clone() };
            let model = LibModel::load(&file)?;
            let lexicon = self::lexicon(lexicon)?;
            let mut warnings = Vec::new();
            if model.lexicon_version != lexicon.version() {
                warnings.push(format!(
                    "{}: fitted with lexicon {}, classifying with {}; refit with `stance fit` for consistent topics",
                    file.display(),
                    model.lexicon_version,
                    lexicon.version()
                ));
            }
            Ok((Model { model, lexicon }, warnings))
        })
        .map_err(err)
    }

    /// Saves the model (atomically), as `stance fit --out` does.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.model.save(&path)).map_err(err)
    }

    #[getter]
    fn id(&self) -> String {
        self.model.id.clone()
    }

    #[getter]
    fn lexicon_version(&self) -> String {
        self.model.lexicon_version.clone()
    }

    #[getter]
    fn issuers(&self) -> Vec<String> {
        self.model.issuers.iter().map(|g| g.name.clone()).collect()
    }

    #[getter]
    fn blocs(&self) -> Vec<String> {
        self.model.blocs.iter().map(|g| g.name.clone()).collect()
    }

    /// Topic, stance and cues of every passage of every text, one row per passage (`doc` = the
    /// text's index), texts in parallel.
    #[pyo3(signature = (texts, lang=None))]
    fn classify(&self, py: Python<'_>, texts: Vec<Option<String>>, lang: Option<&str>) -> PyResult<Py<PyAny>> {
        let lang = match lang {
            None => None,
            Some(code) => Some(
                Lang::parse(code)
                    .ok_or_else(|| UsageError::new_err(format!("unknown language '{code}'; use fr or en")))?,
            ),
        };
        let batch = py.detach(|| {
            let rows: Vec<_> = texts
                .par_iter()
                .enumerate()
                .filter_map(|(doc, text)| text.as_deref().map(|t| (doc, t)))
                .flat_map_iter(|(doc, text)| {
                    let lang = lang.unwrap_or_else(|| detect::language(text));
                    let passages = stance::compare::classify::classify_passages(&self.model, &self.lexicon, text, lang);
                    export::classified_rows(doc, lang, passages)
                })
                .collect();
            record_batch(&tables::classified(), &rows)
        });
        table(py, batch.map_err(err)?)
    }
}

/// The columns of `Model.classify` (and of `stance.spark.score`, but for `doc`).
#[pyfunction]
fn classified_schema(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let schema = stance::export::arrow::schema(&tables::classified());
    Ok(PySchema::new(schema).into_pyarrow(py)?.unbind())
}

/// Writes a table as a Parquet file the way `stance export --format parquet` does (the library's
/// writer: Snappy, no clock in the metadata), atomically.
#[pyfunction]
fn write_parquet(py: Python<'_>, table: PyTable, path: PathBuf) -> PyResult<()> {
    let (batches, schema) = table.into_inner();
    py.detach(|| {
        let batch = arrow_select::concat::concat_batches(&schema, &batches)
            .map_err(|e| stance::Error::data(format!("cannot write Parquet: {e}")))?;
        let bytes = stance::export::parquet::to_bytes(&batch)?;
        stance::fsio::write_atomic(&stance::fsio::writable_file(&path)?, &bytes)
    })
    .map_err(err)
}

#[pymodule]
fn _stance(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(classified_schema, m)?)?;
    m.add_function(wrap_pyfunction!(write_parquet, m)?)?;
    m.add_class::<Analysis>()?;
    m.add_class::<Model>()?;
    m.add("StanceError", m.py().get_type::<StanceError>())?;
    m.add("UsageError", m.py().get_type::<UsageError>())?;
    m.add("DataError", m.py().get_type::<DataError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
