//! The fitted model, saved and reused so that a re-run scores new texts in the same space:
//! vocabulary and idf, SVD basis, cluster centroids, the issuer and bloc positions, the
//! parameters, seed, lexicon version and corpus hash.
//!
//! Saved as one binary file, written to a temporary file and renamed, so an interrupted save
//! never leaves a half-written model behind. The layout lets `classify` read only what one
//! document needs ([`ModelFile::slice`]) instead of the whole model (hundreds of MB for a large
//! corpus):
//!
//! ```text
//! u32 format version | BLAKE3 of the body (32 bytes) | body: u64 header length | header
//! (bincode [`Model`] without vocabulary, idf and SVD components, plus the section sizes) |
//! vocabulary offsets ((n + 1) × u64) | vocabulary (sorted terms, one UTF-8 blob) |
//! idf (n × f64) | SVD components TERM-MAJOR (n × k f32)
//! ```
//!
//! All numbers are little-endian; a term's SVD column is one contiguous read. The checksum covers
//! every byte after it and is verified when the file is opened ([`ModelFile::open`]), so a
//! damaged model is a one-line error, never different numbers (docs/security.md).

mod score;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::cluster::Clusters;
use crate::groups::{centroid, GroupBy, Grouping};
use crate::learned::Learned;
use crate::pipeline::{Analysis, Params};
use crate::reduce::Svd;
use crate::topics::Stance;
use crate::vectorize::{TfIdf, TokenDoc};
use crate::{le, Error, Result};

/// Bumped whenever the saved layout changes; older files are refused with a clear message.
/// Format 4 added the BLAKE3 checksum; format 5 the learned complement (in the header); format 6
/// the vocabulary cap (`tfidf.max_features`, in the header's parameters); format 7 the learned
/// complement's hand-labelled training data and cross-validation summary (trained by default);
/// format 8 the weight of its hand-labelled General Debate passages (`speech_weight`).
pub const FORMAT_VERSION: u32 = 8;

/// Bytes before the body: format version and checksum.
const PREFIX: u64 = 4 + 32;

/// A group's position: the unit mean of its passages' reduced vectors, with what
/// classification needs to weigh a new text against it (see `compare::classify`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupPosition {
    pub name: String,
    pub n_passages: usize,
    pub vector: Vec<f32>,
    /// Length of the plain mean of the group's unit passage vectors (0–1): how tightly its
    /// passages gather around `vector`.
    pub resultant: f64,
    /// Passages per (topic, stance) held, sorted: the group's stance profile.
    pub stances: Vec<(String, Stance, usize)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub format_version: u32,
    pub id: String,
    pub params: Params,
    pub lexicon_version: String,
    pub corpus_hash: String,
    pub n_documents: usize,
    pub n_passages: usize,
    pub tfidf: TfIdf,
    pub svd: Svd,
    pub clusters: Clusters,
    pub issuers: Vec<GroupPosition>,
    pub blocs: Vec<GroupPosition>,
    /// The learned complement ([`crate::learned`]), trained by `stance fit`; None: lexicon only.
    pub learned: Option<Learned>,
}

/// Positions of every group of `by` over all passages.
fn positions(a: &Analysis, by: GroupBy) -> Vec<GroupPosition> {
    let g = Grouping::new(a, by);
    g.labels
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let rows: Vec<usize> = (0..a.passages.len()).filter(|&p| g.of[p] == k).collect();
            let mut sum = vec![0.0f64; a.vectors.ncols()];
            let mut stances: BTreeMap<(String, Stance), usize> = BTreeMap::new();
            for &p in &rows {
                sum.iter_mut().zip(a.vectors.row(p)).for_each(|(s, &x)| *s += x as f64);
                for (t, s) in &a.passages[p].topics {
                    *stances.entry((t.clone(), *s)).or_insert(0) += 1;
                }
            }
            let norm = sum.iter().map(|x| x * x).sum::<f64>().sqrt();
            GroupPosition {
                name: name.clone(),
                n_passages: rows.len(),
                vector: centroid(a.vectors.view(), &rows).iter().map(|&x| x as f32).collect(),
                resultant: if rows.is_empty() { 0.0 } else { norm / rows.len() as f64 },
                stances: stances.into_iter().map(|((t, s), n)| (t, s, n)).collect(),
            }
        })
        .collect()
}

impl Model {
    pub fn from_analysis(a: &Analysis) -> Model {
        Model::with_parts(a, a.tfidf.clone(), a.svd.clone())
    }

    /// The model `stance fit` would save for `a`, leaving `a` whole: with the learned complement
    /// trained by `learn`, or without one (`None`, as `--no-learned`). What `classify` without
    /// `--model` and the Python package's `Analysis.model()` use.
    pub fn fitted(a: &Analysis, learn: Option<&crate::learned::LearnParams>) -> Result<Model> {
        let learned = learn.map(|p| crate::learned::fit(a, p)).transpose()?;
        Ok(Model { learned, ..Model::from_analysis(a) })
    }

    /// [`Model::from_analysis`] that moves the vocabulary, idf and SVD basis out of `a` instead
    /// of copying them: they are most of a model (the basis alone is 182 MB at 50 MB of text
    /// with `--min-df 2`), and `stance fit` is done with them when it saves the model, where its
    /// memory used to peak. `a` keeps everything else, its singular values too.
    pub fn take_from(a: &mut Analysis) -> Model {
        let tfidf = TfIdf {
            vocabulary: std::mem::take(&mut a.tfidf.vocabulary),
            idf: std::mem::take(&mut a.tfidf.idf),
            ..a.tfidf.clone()
        };
        let svd = Svd {
            components: std::mem::replace(&mut a.svd.components, Array2::zeros((0, 0))),
            singular_values: a.svd.singular_values.clone(),
        };
        Model::with_parts(a, tfidf, svd)
    }

    fn with_parts(a: &Analysis, tfidf: TfIdf, svd: Svd) -> Model {
        Model {
            format_version: FORMAT_VERSION,
            id: a.model_id(),
            params: a.params.clone(),
            lexicon_version: a.lexicon.version().to_string(),
            corpus_hash: a.corpus.hash(),
            n_documents: a.corpus.documents.len(),
            n_passages: a.passages.len(),
            tfidf,
            svd,
            clusters: a.clusters.clone(),
            issuers: positions(a, GroupBy::Issuer),
            blocs: positions(a, GroupBy::Bloc),
            learned: None,
        }
    }

    /// Writes the model atomically (temp file in the same folder, then rename), in the layout
    /// of the module doc.
    pub fn save(&self, path: &Path) -> Result<()> {
        let cannot =
            |e: &dyn std::fmt::Display| Error::data(format!("{}: cannot write the model: {e}", path.display()));
        let vocabulary = &self.tfidf.vocabulary;
        let header = Header {
            n_terms: vocabulary.len() as u64,
            k: self.svd.k() as u64,
            blob_len: vocabulary.iter().map(|t| t.len() as u64).sum(),
            model: self.without_terms(),
        };
        let header = bincode::serialize(&header).map_err(|e| cannot(&e))?;
        let mut hasher = blake3::Hasher::new();
        self.body(&header, &mut |bytes| {
            hasher.update(bytes);
            Ok(())
        })?;
        crate::fsio::write_atomic_with(path, |w| {
            w.write_all(&FORMAT_VERSION.to_le_bytes()).map_err(|e| Error::io(path, e))?;
            w.write_all(hasher.finalize().as_bytes()).map_err(|e| Error::io(path, e))?;
            self.body(&header, &mut |bytes| w.write_all(bytes).map_err(|e| Error::io(path, e)))
        })
    }

    /// Streams the body of the file (everything after the checksum) to `put`: once to hash it,
    /// once to write it.
    fn body(&self, header: &[u8], put: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
        let vocabulary = &self.tfidf.vocabulary;
        put(&(header.len() as u64).to_le_bytes())?;
        put(header)?;
        let mut offset = 0u64;
        put(&offset.to_le_bytes())?;
        for t in vocabulary {
            offset += t.len() as u64;
            put(&offset.to_le_bytes())?;
        }
        for t in vocabulary {
            put(t.as_bytes())?;
        }
        put(&le::encode(&self.tfidf.idf))?;
        // Term-major from the k × n_terms basis, a block of terms at a time: the block's rows stay
        // in cache while it is read column by column (one column at a time over the whole basis
        // misses the cache at every value).
        const TERMS: usize = 256;
        let mut columns = Vec::with_capacity(4 * self.svd.k() * TERMS);
        for block in self.svd.components.axis_chunks_iter(Axis(1), TERMS) {
            columns.clear();
            for c in block.columns() {
                c.iter().for_each(|&x| le::Le::put_le(x, &mut columns));
            }
            put(&columns)?;
        }
        Ok(())
    }

    /// Reads the whole model (see [`ModelFile::slice`] to read only some terms).
    pub fn load(path: &Path) -> Result<Model> {
        ModelFile::open(path)?.load()
    }

    /// This model without vocabulary, idf and SVD components: the header of its file. Built field
    /// by field: `..self.clone()` would copy the terms first (~210 MB at 50 MB of text, at the
    /// moment `stance fit`'s memory peaks).
    fn without_terms(&self) -> Model {
        let tfidf = &self.tfidf;
        Model {
            format_version: self.format_version,
            id: self.id.clone(),
            params: self.params.clone(),
            lexicon_version: self.lexicon_version.clone(),
            corpus_hash: self.corpus_hash.clone(),
            n_documents: self.n_documents,
            n_passages: self.n_passages,
            tfidf: TfIdf {
                params: tfidf.params.clone(),
                vocabulary: Vec::new(),
                idf: Vec::new(),
                n_docs: tfidf.n_docs,
            },
            svd: Svd { components: Array2::zeros((0, 0)), singular_values: self.svd.singular_values.clone() },
            clusters: self.clusters.clone(),
            issuers: self.issuers.clone(),
            blocs: self.blocs.clone(),
            learned: self.learned.clone(),
        }
    }

    /// A model without terms (a file header, or a workspace model's row) given the `terms`
    /// (sorted, with their idf and SVD column of `k` values): the one way a slice of a model is
    /// made, so that scoring with it gives the whole model's numbers for texts whose terms it holds.
    pub fn with_terms(mut self, k: usize, terms: impl IntoIterator<Item = (String, f64, Vec<f32>)>) -> Model {
        let (mut vocabulary, mut idf, mut columns) = (Vec::new(), Vec::new(), Vec::new());
        for (term, w, column) in terms {
            vocabulary.push(term);
            idf.push(w);
            columns.push(column);
        }
        self.svd.components =
            Array2::from_shape_fn((k, columns.len()), |(i, j)| columns[j].get(i).copied().unwrap_or(0.0));
        self.tfidf.vocabulary = vocabulary;
        self.tfidf.idf = idf;
        self
    }

    /// The group positions as a matrix (one row per group), for nearest-group scoring.
    pub fn matrix(groups: &[GroupPosition]) -> Array2<f32> {
        let k = groups.first().map_or(0, |g| g.vector.len());
        Array2::from_shape_fn((groups.len(), k), |(i, j)| groups[i].vector[j])
    }
}

/// Every term `docs` can hit in a vectoriser with n-grams up to `ngram_max` (words, lexicon
/// features, bigrams): what a slice of a model must hold to score them.
pub fn slice_terms(docs: &[TokenDoc], ngram_max: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for d in docs {
        out.extend(d.words.iter().chain(&d.extra).cloned());
        if ngram_max >= 2 {
            out.extend(d.words.windows(2).map(|w| format!("{} {}", w[0], w[1])));
        }
    }
    out
}

/// What follows the format version in a model file.
#[derive(Serialize, Deserialize)]
struct Header {
    n_terms: u64,
    k: u64,
    /// Bytes of the vocabulary blob.
    blob_len: u64,
    /// The model without vocabulary, idf and components.
    model: Model,
}

/// An open model file whose header is read: the terms are read on demand.
#[derive(Debug)]
pub struct ModelFile {
    path: PathBuf,
    file: File,
    /// The model without vocabulary, idf and SVD components (parameters, clusters, groups…).
    pub header: Model,
    n_terms: usize,
    k: usize,
    /// Byte offsets of the sections: vocabulary offsets, vocabulary blob, idf, components.
    at_offsets: u64,
    at_blob: u64,
    at_idf: u64,
    at_components: u64,
    blob_len: usize,
}

impl ModelFile {
    /// Opens `path` and reads its header; an old or foreign file is refused with what to do.
    pub fn open(path: &Path) -> Result<ModelFile> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let damaged = || {
            Error::data(format!(
                "{}: not a stance model (or a damaged one); refit it with `stance fit`",
                path.display()
            ))
        };
        let mut version = [0u8; 4];
        file.read_exact_at(&mut version, 0).map_err(|_| damaged())?;
        let version = u32::from_le_bytes(version);
        if version != FORMAT_VERSION {
            return Err(Error::data(format!(
                "{}: model format {version} but this stance reads format {FORMAT_VERSION}; refit it with `stance fit`",
                path.display()
            )));
        }
        verify_checksum(&file, path)?;
        let mut header_len = [0u8; 8];
        file.read_exact_at(&mut header_len, PREFIX).map_err(|_| damaged())?;
        let header_len = u64::from_le_bytes(header_len);
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        if header_len > len {
            return Err(damaged());
        }
        let mut bytes = vec![0u8; header_len as usize];
        file.read_exact_at(&mut bytes, PREFIX + 8).map_err(|_| damaged())?;
        let h: Header = bincode::deserialize(&bytes).map_err(|_| damaged())?;
        let at_offsets = PREFIX + 8 + header_len;
        let at_blob = at_offsets.checked_add(h.n_terms.checked_add(1).ok_or_else(damaged)?.saturating_mul(8));
        let at_idf = at_blob.and_then(|a| a.checked_add(h.blob_len));
        let at_components = at_idf.and_then(|a| a.checked_add(h.n_terms.saturating_mul(8)));
        let end = at_components.and_then(|a| a.checked_add(h.n_terms.saturating_mul(h.k).saturating_mul(4)));
        match (at_blob, at_idf, at_components, end) {
            (Some(at_blob), Some(at_idf), Some(at_components), Some(end)) if end == len => Ok(ModelFile {
                path: path.to_path_buf(),
                file,
                header: h.model,
                n_terms: h.n_terms as usize,
                k: h.k as usize,
                at_offsets,
                at_blob,
                at_idf,
                at_components,
                blob_len: h.blob_len as usize,
            }),
            _ => Err(damaged()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self, len: usize, at: u64) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        self.file.read_exact_at(&mut buf, at).map_err(|e| Error::io(&self.path, e))?;
        Ok(buf)
    }

    /// The vocabulary blob and its `n + 1` offsets (as read: little-endian u64). Not checked: a
    /// damaged one finds fewer terms, [`ModelFile::load`] checks every term.
    fn vocabulary(&self) -> Result<Vocabulary> {
        let offsets = self.read((self.n_terms + 1) * 8, self.at_offsets)?;
        let blob = self.read(self.blob_len, self.at_blob)?;
        Ok(Vocabulary { offsets, blob })
    }

    /// The model holding only those of `terms` it knows, each with its idf and SVD column (one
    /// positioned read each): what classifying a text whose terms are `terms` needs, with the
    /// same numbers as the whole model.
    pub fn slice(&self, terms: &BTreeSet<String>) -> Result<Model> {
        self.slice_with(terms, None)
    }

    /// [`ModelFile::slice`] plus every term starting with `prefix` (e.g. all lexicon features,
    /// for passages whose positions are not known before they are scored).
    pub fn slice_with(&self, terms: &BTreeSet<String>, prefix: Option<&str>) -> Result<Model> {
        let vocabulary = self.vocabulary()?;
        let mut columns: BTreeMap<String, usize> =
            terms.iter().filter_map(|t| Some((t.clone(), vocabulary.find(t)?))).collect();
        if let Some(prefix) = prefix {
            let p = prefix.as_bytes();
            let first = vocabulary.lower_bound(p);
            for j in (first..vocabulary.len()).take_while(|&j| vocabulary.bytes(j).starts_with(p)) {
                if let Ok(term) = std::str::from_utf8(vocabulary.bytes(j)) {
                    columns.insert(term.to_string(), j);
                }
            }
        }
        let mut found = Vec::with_capacity(columns.len());
        for (term, j) in columns {
            let idf = self.read(8, self.at_idf + 8 * j as u64)?;
            found.push((term, le::decode::<f64>(&idf)[0], self.column(j)?));
        }
        Ok(self.header.clone().with_terms(self.k, found))
    }

    /// SVD column `j` (k values).
    fn column(&self, j: usize) -> Result<Vec<f32>> {
        let bytes = self.read(4 * self.k, self.at_components + (4 * self.k * j) as u64)?;
        Ok(le::decode(&bytes))
    }

    /// The whole model.
    pub fn load(self) -> Result<Model> {
        let vocabulary = self.vocabulary()?;
        let idf = le::decode::<f64>(&self.read(8 * self.n_terms, self.at_idf)?);
        let bytes = self.read(4 * self.k * self.n_terms, self.at_components)?;
        let term_major: Vec<f32> = le::decode(&bytes);
        let (n, k) = (self.n_terms, self.k);
        let components = Array2::from_shape_fn((k, n), |(i, j)| term_major[j * k + i]);
        let terms: Option<Vec<String>> = (0..n)
            .map(|j| {
                let (a, b) = vocabulary.bounds(j)?;
                Some(std::str::from_utf8(vocabulary.blob.get(a..b)?).ok()?.to_string())
            })
            .collect();
        let Some(terms) = terms else {
            return Err(Error::data(format!(
                "{}: damaged vocabulary; refit it with `stance fit`",
                self.path.display()
            )));
        };
        let mut model = self.header;
        model.tfidf.vocabulary = terms;
        model.tfidf.idf = idf;
        model.svd.components = components;
        Ok(model)
    }
}

/// Checks the BLAKE3 of everything after the checksum against the checksum, in one streaming
/// pass: about 125 ms for a 197 MB model (the size of the 50 MB corpus's model),
/// measured with a warm page cache.
pub fn verify_checksum(file: &File, path: &Path) -> Result<()> {
    let mut stored = [0u8; 32];
    file.read_exact_at(&mut stored, 4).map_err(|_| {
        Error::data(format!("{}: not a stance model (or a damaged one); refit it with `stance fit`", path.display()))
    })?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut at = PREFIX;
    loop {
        let n = file.read_at(&mut buf, at).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        at += n as u64;
    }
    if hasher.finalize() != blake3::Hash::from_bytes(stored) {
        return Err(Error::data(format!(
            "{}: damaged model (its BLAKE3 checksum does not match its content); refit it with `stance fit`",
            path.display()
        )));
    }
    Ok(())
}

/// A file's sorted vocabulary as read: terms are found by binary search without being decoded.
struct Vocabulary {
    offsets: Vec<u8>,
    blob: Vec<u8>,
}

impl Vocabulary {
    fn offset(&self, i: usize) -> Option<usize> {
        let b = self.offsets.get(8 * i..8 * i + 8)?;
        usize::try_from(u64::from_le_bytes(b.try_into().ok()?)).ok()
    }

    fn bounds(&self, j: usize) -> Option<(usize, usize)> {
        Some((self.offset(j)?, self.offset(j + 1)?))
    }

    /// Term `j` as bytes (empty if the offsets are damaged).
    fn bytes(&self, j: usize) -> &[u8] {
        self.bounds(j).and_then(|(a, b)| self.blob.get(a..b)).unwrap_or_default()
    }

    fn len(&self) -> usize {
        (self.offsets.len() / 8).saturating_sub(1)
    }

    /// The first column whose term is not below `key`: byte order is the `str` order the
    /// vocabulary is sorted in.
    fn lower_bound(&self, key: &[u8]) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.bytes(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Column of `term`.
    fn find(&self, term: &str) -> Option<usize> {
        let j = self.lower_bound(term.as_bytes());
        (j < self.len() && self.bytes(j) == term.as_bytes()).then_some(j)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::topics::Lexicon;

    /// A model fitted on the seed corpus.
    pub(crate) fn seeds_model() -> Model {
        let corpus = crate::corpus::load(Path::new("seeds")).unwrap();
        let a = Analysis::run(corpus, Lexicon::builtin(), &Params::default(), &|_| {}).unwrap();
        Model::from_analysis(&a)
    }

    #[test]
    fn saves_and_loads_whole_and_in_slices() {
        let model = seeds_model();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.bin");
        model.save(&path).unwrap();
        assert_eq!(Model::load(&path).unwrap(), model);

        let file = ModelFile::open(&path).unwrap();
        assert_eq!(file.header, model.without_terms());
        let v = &model.tfidf.vocabulary;
        let terms: BTreeSet<String> =
            [&v[0], &v[v.len() / 2], &v[v.len() - 1], &"not-a-term".to_string()].into_iter().cloned().collect();
        let slice = file.slice(&terms).unwrap();
        let kept = [0, v.len() / 2, v.len() - 1];
        assert_eq!(slice.tfidf.vocabulary, kept.map(|j| v[j].clone()));
        assert_eq!(slice.tfidf.idf, kept.map(|j| model.tfidf.idf[j]));
        for (c, j) in kept.into_iter().enumerate() {
            assert_eq!(slice.svd.components.column(c), model.svd.components.column(j));
        }
        assert_eq!((slice.blocs, slice.clusters), (model.blocs, model.clusters));
    }

    #[test]
    fn take_from_is_from_analysis_without_the_copy() {
        let corpus = crate::corpus::load(Path::new("seeds")).unwrap();
        let mut a = Analysis::run(corpus, Lexicon::builtin(), &Params::default(), &|_| {}).unwrap();
        let copied = Model::from_analysis(&a);
        assert_eq!(Model::take_from(&mut a), copied);
        assert!(a.tfidf.vocabulary.is_empty() && a.svd.components.is_empty());
        assert_eq!(a.svd.singular_values, copied.svd.singular_values);
    }

    #[test]
    fn refuses_old_and_damaged_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.bin");
        std::fs::write(&path, [3u8, 0, 0, 0, 1, 2, 3]).unwrap();
        let e = ModelFile::open(&path).unwrap_err().to_string();
        assert!(e.contains("model format 3") && e.contains("refit it with `stance fit`"), "{e}");

        let mut bytes = Vec::new();
        bytes.extend(FORMAT_VERSION.to_le_bytes());
        bytes.extend(blake3::hash(&u64::MAX.to_le_bytes()).as_bytes());
        bytes.extend(u64::MAX.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        assert!(Model::load(&path).unwrap_err().to_string().contains("not a stance model"));

        let model = seeds_model();
        model.save(&path).unwrap();
        let mut full = std::fs::read(&path).unwrap();
        full.pop();
        std::fs::write(&path, &full).unwrap();
        assert!(Model::load(&path).unwrap_err().to_string().contains("damaged"), "a truncated file");
    }

    /// Issue 14 row 7: one flipped byte anywhere in a model is a one-line error, never a model.
    #[test]
    fn row7_flipped_bytes_are_detected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.bin");
        seeds_model().save(&path).unwrap();
        let good = std::fs::read(&path).unwrap();
        let n = good.len();
        let mut offsets: Vec<usize> = vec![0, 3, 4, 20, 35, 36, 40, 44, 100, n / 3, n / 2, n - 1];
        offsets.extend((1..40).map(|i| i * n / 40));
        for at in offsets {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[at] ^= flip;
                std::fs::write(&path, &bad).unwrap();
                let e = ModelFile::open(&path).err().map(|e| e.to_string());
                let e = e.unwrap_or_else(|| panic!("byte {at} ^ {flip:#x}: the damaged model was opened"));
                assert!(e.contains("refit it with `stance fit`") && !e.contains('\n'), "byte {at}: {e}");
            }
        }
        std::fs::write(&path, &good).unwrap();
        assert!(Model::load(&path).is_ok());
    }
}
