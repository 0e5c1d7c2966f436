//! Sparse TF-IDF with a stored vocabulary and idf, equal to scikit-learn's
//! `TfidfVectorizer(smooth_idf=True, norm="l2", ngram_range=(1, ngram_max))` on the same tokens
//! (tests/suite/tfidf_sklearn.rs checks it to 1e-9).
//!
//! Why our own and not linfa's: linfa recomputes idf for every batch it transforms (a single new
//! document would get idf = 1), folds accents away and gives no stable column order.
//!
//! Fitting is built for the 100k-passage corpus: each passage's tokens are interned to `u32` ids
//! as soon as they are made ([`TfIdfParams::fit_transform_with`] never holds every token as a
//! `String`; ids = rank in the sorted unigram list), a term is a packed `u64` key (bigram = two
//! ids), document frequencies are counted in parallel per-thread maps, and only the surviving
//! terms ever become strings.

mod csr;

pub use csr::Csr;

use crate::{Error, Result};
use rayon::prelude::*;
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// One passage's features: `words` are the analysed tokens in order (n-grams are built from them),
/// `extra` are unigram-only features (concept ids like `§binding_instrument` from the topic
/// lexicon) that are never joined into n-grams. Tokens must not contain spaces: a bigram is its
/// two tokens joined by one space, as in scikit-learn.
#[derive(Debug, Clone, Default)]
pub struct TokenDoc {
    pub words: Vec<String>,
    pub extra: Vec<String>,
}

impl From<Vec<String>> for TokenDoc {
    fn from(words: Vec<String>) -> Self {
        TokenDoc { words, extra: Vec::new() }
    }
}

/// How to build the vocabulary. `min_df` is an absolute document count; `max_df` a fraction of
/// the documents (scikit-learn's float `max_df`: keep a term when `df <= max_df * n_docs`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TfIdfParams {
    pub min_df: usize,
    pub max_df: f64,
    pub ngram_max: usize,
    pub sublinear_tf: bool,
    /// Multiplies the weight of extra features (terms starting with [`EXTRA_PREFIX`]) before row
    /// normalisation. 1 = plain TF-IDF, as scikit-learn.
    #[serde(default = "one")]
    pub extra_weight: f64,
    /// Keep at most this many terms: those in the most passages (ties: the smaller term), as
    /// scikit-learn's `max_features` but by document frequency. None: no cap (models without
    /// one keep their id: see `pipeline::model_id`).
    #[serde(default)]
    pub max_features: Option<usize>,
}

fn one() -> f64 {
    1.0
}

/// Extra (unigram-only) features are named with this prefix, e.g. `§binding_instrument`.
pub const EXTRA_PREFIX: &str = "§";

impl Default for TfIdfParams {
    fn default() -> Self {
        TfIdfParams { min_df: 1, max_df: 1.0, ngram_max: 2, sublinear_tf: true, extra_weight: 1.0, max_features: None }
    }
}

/// A fitted vectorizer: the sorted vocabulary (column j = `vocabulary[j]`) and its idf.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TfIdf {
    pub params: TfIdfParams,
    pub vocabulary: Vec<String>,
    pub idf: Vec<f64>,
    pub n_docs: usize,
}

impl TfIdfParams {
    /// Learns vocabulary and idf; errors if no term survives `min_df` / `max_df`.
    pub fn fit(&self, docs: &[TokenDoc]) -> Result<TfIdf> {
        Ok(self.fit_keys(docs.len(), |i| &docs[i])?.0)
    }

    /// [`TfIdfParams::fit`] then the L2-normalised TF-IDF rows of `docs`, without re-reading strings.
    pub fn fit_transform(&self, docs: &[TokenDoc]) -> Result<(TfIdf, Csr)> {
        self.fit_transform_with(docs.len(), |i| &docs[i])
    }

    /// [`TfIdfParams::fit_transform`] of `n_docs` documents made on demand by `make(i)` (e.g.
    /// tokenised from passage i), each called once and interned at once: the tokens of the whole
    /// corpus are never held as strings, only as `u32` ids (a 10th of the memory).
    pub fn fit_transform_with<D: Borrow<TokenDoc>>(
        &self,
        n_docs: usize,
        make: impl Fn(usize) -> D + Sync,
    ) -> Result<(TfIdf, Csr)> {
        let (model, ids, columns) = self.fit_keys(n_docs, make)?;
        let (ids, columns, mut keys) = (&ids, &columns, Vec::new());
        let x = model.rows(n_docs, move |i, cols| {
            term_keys(&ids[i], self.ngram_max, &mut keys);
            cols.extend(keys.iter().filter_map(|k| columns.get(k).copied()));
        });
        Ok((model, x))
    }

    fn check(&self, n_docs: usize) -> Result<()> {
        if !(1..=2).contains(&self.ngram_max) {
            return Err(Error::usage(format!("ngram_max = {}: only 1 (words) or 2 (words + bigrams)", self.ngram_max)));
        }
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return Err(Error::usage(format!("max_df = {}: must be a fraction in (0, 1]", self.max_df)));
        }
        if n_docs == 0 {
            return Err(Error::data("no passages to vectorise: the corpus produced no text"));
        }
        if self.max_df * (n_docs as f64) < self.min_df as f64 {
            return Err(Error::usage(format!(
                "max_df = {} keeps terms in at most {:.1} of {n_docs} passages, fewer than min_df = {}: raise max_df or lower min_df",
                self.max_df,
                self.max_df * n_docs as f64,
                self.min_df
            )));
        }
        Ok(())
    }

    /// Vocabulary + idf, plus what `fit_transform` reuses: token ids per document and term key → column.
    fn fit_keys<D: Borrow<TokenDoc>>(
        &self,
        n_docs: usize,
        make: impl Fn(usize) -> D + Sync,
    ) -> Result<(TfIdf, Vec<DocIds>, KeyMap<u64, u32>)> {
        self.check(n_docs)?;
        let (words, ids) = intern(n_docs, make)?;
        let max_count = self.max_df * n_docs as f64;
        let mut kept: Vec<(String, u64, u32)> = document_frequencies(&ids, self.ngram_max)
            .into_iter()
            .filter(|&(_, df)| df as usize >= self.min_df && df as f64 <= max_count)
            .map(|(key, df)| (term_string(key, &words), key, df))
            .collect();
        if kept.is_empty() {
            return Err(Error::data(format!(
                "no term occurs in at least min_df = {} and at most max_df = {} of the {} passages: lower min_df or raise max_df",
                self.min_df,
                self.max_df,
                n_docs
            )));
        }
        if let Some(cap) = self.max_features.filter(|&cap| cap < kept.len()) {
            // The `cap` terms in the most passages; ties by term, so the cut does not depend on
            // hash order.
            kept.par_sort_unstable_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
            kept.truncate(cap.max(1));
        }
        kept.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let n = n_docs as f64;
        let columns = kept.iter().enumerate().map(|(col, &(_, key, _))| (key, col as u32)).collect();
        let idf = kept.iter().map(|&(_, _, df)| smooth_idf(n, df as f64)).collect();
        let vocabulary = kept.into_iter().map(|(term, _, _)| term).collect();
        Ok((TfIdf { params: self.clone(), vocabulary, idf, n_docs }, ids, columns))
    }
}

impl TfIdf {
    /// L2-normalised TF-IDF rows with the STORED idf; terms outside the vocabulary are ignored.
    pub fn transform(&self, docs: &[TokenDoc]) -> Csr {
        self.transform_with(docs.len(), |i| &docs[i])
    }

    /// [`TfIdf::transform`] of `n_docs` documents made on demand by `make(i)`.
    pub fn transform_with<D: Borrow<TokenDoc>>(&self, n_docs: usize, make: impl Fn(usize) -> D + Sync) -> Csr {
        let column = &self.lookup();
        let (make, mut bigram) = (&make, String::new());
        self.rows(n_docs, move |i, cols| {
            let d = make(i);
            let d = d.borrow();
            cols.extend(d.words.iter().chain(&d.extra).filter_map(|w| column.get(w.as_str()).copied()));
            if self.params.ngram_max >= 2 {
                for pair in d.words.windows(2) {
                    bigram.clear();
                    bigram.push_str(&pair[0]);
                    bigram.push(' ');
                    bigram.push_str(&pair[1]);
                    cols.extend(column.get(bigram.as_str()).copied());
                }
            }
        })
    }

    /// Share of the documents (passages) of which less than `min_known` of the unigram
    /// occurrences are in the vocabulary: passages the model cannot read well. Unlike
    /// [`TfIdf::oov_rate`], a few long off-vocabulary passages count for what they are, and the
    /// rare words that every text has (pruned by `min_df`) do not make a passage unreadable.
    /// 0 for no passage with tokens.
    pub fn poorly_covered_share(&self, docs: &[TokenDoc], min_known: f64) -> f64 {
        let column = self.lookup();
        let (poor, total) = docs.iter().fold((0usize, 0usize), |(p, t), d| {
            let tokens: Vec<&String> = d.words.iter().chain(&d.extra).collect();
            if tokens.is_empty() {
                return (p, t);
            }
            let known = tokens.iter().filter(|w| column.contains_key(w.as_str())).count();
            (p + usize::from((known as f64) < min_known * tokens.len() as f64), t + 1)
        });
        if total == 0 {
            0.0
        } else {
            poor as f64 / total as f64
        }
    }

    /// Column of `term` (binary search on the sorted vocabulary).
    pub fn term_index(&self, term: &str) -> Option<usize> {
        self.vocabulary.binary_search_by(|v| v.as_str().cmp(term)).ok()
    }

    /// Share of the documents' unigram occurrences (words and extras) that are out of vocabulary:
    /// a rising rate says the saved model is getting stale. 0 for no tokens.
    pub fn oov_rate(&self, docs: &[TokenDoc]) -> f64 {
        let column = self.lookup();
        let (oov, total) = docs
            .iter()
            .flat_map(|d| d.words.iter().chain(&d.extra))
            .fold((0usize, 0usize), |(o, t), w| (o + usize::from(!column.contains_key(w.as_str())), t + 1));
        if total == 0 {
            0.0
        } else {
            oov as f64 / total as f64
        }
    }

    fn lookup(&self) -> KeyMap<&str, u32> {
        self.vocabulary.iter().enumerate().map(|(j, t)| (t.as_str(), j as u32)).collect()
    }

    /// Builds the CSR: `fill(i, cols)` pushes the column of every term occurrence of document i.
    /// Fixed-size chunks in parallel; each row is computed alone, so the result is deterministic.
    fn rows<F>(&self, n_docs: usize, fill: F) -> Csr
    where
        F: FnMut(usize, &mut Vec<u32>) + Clone + Send + Sync,
    {
        const CHUNK: usize = 2048;
        let weight: Vec<f64> = if self.params.extra_weight == 1.0 {
            Vec::new()
        } else {
            let w = self.params.extra_weight;
            self.vocabulary.iter().map(|t| if t.starts_with(EXTRA_PREFIX) { w } else { 1.0 }).collect()
        };
        let weight = &weight;
        let parts: Vec<Csr> = (0..n_docs.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut fill = fill.clone();
                let mut part = Csr::zeros(0, self.vocabulary.len());
                let (mut cols, mut idx, mut val) = (Vec::new(), Vec::new(), Vec::new());
                for i in c * CHUNK..n_docs.min((c + 1) * CHUNK) {
                    cols.clear();
                    fill(i, &mut cols);
                    cols.sort_unstable();
                    idx.clear();
                    val.clear();
                    for run in cols.chunk_by(|a, b| a == b) {
                        let count = run.len() as f64;
                        let tf = if self.params.sublinear_tf { 1.0 + count.ln() } else { count };
                        idx.push(run[0]);
                        let w = weight.get(run[0] as usize).copied().unwrap_or(1.0);
                        val.push(w * tf * self.idf[run[0] as usize]);
                    }
                    let norm = val.iter().map(|v| v * v).sum::<f64>().sqrt();
                    if norm > 0.0 {
                        val.iter_mut().for_each(|v| *v /= norm);
                    }
                    part.push_row(&idx, &val);
                }
                part
            })
            .collect();
        concat_rows(parts, self.vocabulary.len())
    }
}

/// scikit-learn's smoothed idf: as if one extra document contained every term once.
fn smooth_idf(n_docs: f64, df: f64) -> f64 {
    ((1.0 + n_docs) / (1.0 + df)).ln() + 1.0
}

/// Stacks row blocks, freeing each block as soon as it is copied.
fn concat_rows(parts: Vec<Csr>, n_cols: usize) -> Csr {
    let nnz = parts.iter().map(Csr::nnz).sum();
    let n_rows = parts.iter().map(|p| p.n_rows).sum::<usize>();
    let mut out = Csr {
        n_rows,
        n_cols,
        indptr: Vec::with_capacity(n_rows + 1),
        indices: Vec::with_capacity(nnz),
        data: Vec::with_capacity(nnz),
    };
    out.indptr.push(0);
    for p in parts {
        let base = out.indices.len();
        out.indptr.extend(p.indptr[1..].iter().map(|&e| base + e));
        out.indices.extend_from_slice(&p.indices);
        out.data.extend_from_slice(&p.data);
    }
    out
}

/// A document as unigram ids (rank in the sorted unigram list).
struct DocIds {
    words: Vec<u32>,
    extra: Vec<u32>,
}

/// Unigram `a` → `a << 32 | u32::MAX`; bigram `(a, b)` → `a << 32 | b` (ids are < u32::MAX).
const UNIGRAM: u64 = u32::MAX as u64;

fn term_keys(d: &DocIds, ngram_max: usize, out: &mut Vec<u64>) {
    out.clear();
    out.extend(d.words.iter().chain(&d.extra).map(|&a| (a as u64) << 32 | UNIGRAM));
    if ngram_max >= 2 {
        out.extend(d.words.windows(2).map(|p| (p[0] as u64) << 32 | p[1] as u64));
    }
}

fn term_string(key: u64, words: &[String]) -> String {
    let (a, b) = (&words[(key >> 32) as usize], key & UNIGRAM);
    if b == UNIGRAM {
        a.clone()
    } else {
        [a.as_str(), &words[b as usize]].join(" ")
    }
}

/// Makes every document once and replaces its tokens by ids: the rank of the token among all
/// distinct tokens (words and extras) sorted by byte order (= Python's code-point order).
///
/// Fixed blocks of documents are interned in parallel, each into its own small dictionary; the
/// dictionaries are then merged and sorted, and each block's local ids are mapped to ranks. So
/// only the ids and the distinct tokens stay in memory, and the ids do not depend on scheduling.
fn intern<D: Borrow<TokenDoc>>(n_docs: usize, make: impl Fn(usize) -> D + Sync) -> Result<(Vec<String>, Vec<DocIds>)> {
    const BLOCK: usize = 4096;
    struct Block {
        words: Vec<String>,
        docs: Vec<DocIds>,
    }
    let blocks: Vec<Block> = (0..n_docs.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut local = KeyMap::<String, u32>::default();
            let mut id = |w: &String| match local.get(w.as_str()) {
                Some(&id) => id,
                None => {
                    let id = local.len() as u32;
                    local.insert(w.clone(), id);
                    id
                }
            };
            let docs = (b * BLOCK..n_docs.min((b + 1) * BLOCK))
                .map(|i| {
                    let d = make(i);
                    let d = d.borrow();
                    DocIds {
                        words: d.words.iter().map(&mut id).collect(),
                        extra: d.extra.iter().map(&mut id).collect(),
                    }
                })
                .collect();
            let mut words = vec![String::new(); local.len()];
            local.into_iter().for_each(|(w, id)| words[id as usize] = w);
            Block { words, docs }
        })
        .collect();
    let mut all: Vec<&str> =
        blocks.iter().flat_map(|b| b.words.iter().map(String::as_str)).collect::<KeySet<&str>>().into_iter().collect();
    all.par_sort_unstable();
    if all.len() >= u32::MAX as usize {
        return Err(Error::data(format!("{} distinct tokens: more than this vectoriser can index", all.len())));
    }
    let rank: KeyMap<&str, u32> = all.iter().enumerate().map(|(i, w)| (*w, i as u32)).collect();
    let to_rank: Vec<Vec<u32>> =
        blocks.par_iter().map(|b| b.words.iter().map(|w| rank[w.as_str()]).collect()).collect();
    drop(rank);
    let words: Vec<String> = all.into_iter().map(str::to_string).collect();
    let ids = blocks
        .into_par_iter()
        .zip(to_rank)
        .flat_map_iter(|(b, to_rank)| {
            b.docs.into_iter().map(move |mut d| {
                d.words.iter_mut().chain(&mut d.extra).for_each(|l| *l = to_rank[*l as usize]);
                d
            })
        })
        .collect();
    Ok((words, ids))
}

/// Number of documents containing each term key; one map per thread, merged (integer counts, so
/// the result does not depend on scheduling).
fn document_frequencies(ids: &[DocIds], ngram_max: usize) -> KeyMap<u64, u32> {
    let per_thread = ids.len().div_ceil(rayon::current_num_threads()).max(1);
    ids.par_chunks(per_thread)
        .map(|chunk| {
            let mut df = KeyMap::<u64, u32>::default();
            let mut keys = Vec::new();
            for d in chunk {
                term_keys(d, ngram_max, &mut keys);
                keys.sort_unstable();
                keys.dedup();
                for &k in &keys {
                    *df.entry(k).or_insert(0) += 1;
                }
            }
            df
        })
        .reduce(KeyMap::default, |a, b| {
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (k, c) in small {
                *big.entry(k).or_insert(0) += c;
            }
            big
        })
}

/// A fast non-cryptographic hasher for our own keys (packed ids and tokens; not attacker-facing).
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.write_u64(u64::from_le_bytes(tail) ^ bytes.len() as u64);
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        // murmur3 finaliser: spreads entropy into the high bits the hash table uses.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

/// A hash map with [`KeyHasher`] (also used by the topic lexicon's pattern index).
pub(crate) type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;
type KeySet<K> = HashSet<K, BuildHasherDefault<KeyHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> TokenDoc {
        s.split(' ').map(String::from).collect::<Vec<_>>().into()
    }

    #[test]
    fn idf_and_rows_by_hand() {
        let docs = [doc("a b a"), doc("b c")];
        let (m, x) = TfIdfParams::default().fit_transform(&docs).unwrap();
        assert_eq!(m.vocabulary, ["a", "a b", "b", "b a", "b c", "c"]);
        let idf_b = smooth_idf(2.0, 2.0);
        assert_eq!(idf_b, 1.0);
        let idf_1 = (3.0f64 / 2.0).ln() + 1.0;
        assert_eq!(m.idf, [idf_1, idf_1, 1.0, idf_1, idf_1, idf_1]);
        // row 0: a ×2, "a b", b, "b a"
        let w = [(1.0 + 2f64.ln()) * idf_1, idf_1, 1.0, idf_1];
        let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
        let (idx, val) = x.row(0);
        assert_eq!(idx, [0, 1, 2, 3]);
        for (v, e) in val.iter().zip(w) {
            assert!((v - e / norm).abs() < 1e-15);
        }
        // transform() on the training docs reproduces fit_transform() exactly.
        assert_eq!(m.transform(&docs), x);
    }

    #[test]
    fn new_document_uses_stored_idf_and_ignores_unknown_terms() {
        let docs = [doc("x y"), doc("x z"), doc("w")];
        let m = TfIdfParams::default().fit(&docs).unwrap();
        let x = m.transform(&[doc("y unknown z")]);
        let (idx, val) = x.row(0);
        assert_eq!(idx, [m.term_index("y").unwrap() as u32, m.term_index("z").unwrap() as u32]);
        // y and z share the same stored idf (df 1 of 3), so they get equal weight, not idf = 1.
        assert!((val[0] - val[1]).abs() < 1e-15 && (val[0] - 0.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(m.transform(&[doc("nothing known")]).nnz(), 0);
    }

    #[test]
    fn extras_are_unigrams_only() {
        let docs = [TokenDoc { words: vec!["a".into(), "b".into()], extra: vec!["§c".into(), "§d".into()] }];
        let m = TfIdfParams::default().fit(&docs).unwrap();
        assert_eq!(m.vocabulary, ["a", "a b", "b", "§c", "§d"]);
    }

    #[test]
    fn df_pruning_follows_sklearn() {
        let docs = [doc("a b"), doc("a c"), doc("a b"), doc("d")];
        let p = TfIdfParams {
            min_df: 2,
            max_df: 0.75,
            ngram_max: 1,
            sublinear_tf: true,
            extra_weight: 1.0,
            max_features: None,
        };
        // a: df 3 <= 0.75*4 kept; b: 2 kept; c, d: 1 < min_df.
        assert_eq!(p.fit(&docs).unwrap().vocabulary, ["a", "b"]);
        let p = TfIdfParams { max_df: 0.7, ..p };
        assert_eq!(p.fit(&docs).unwrap().vocabulary, ["b"]);
        let p = TfIdfParams { min_df: 5, ..p };
        assert!(matches!(p.fit(&docs), Err(Error::Usage(_))));
        let p = TfIdfParams {
            min_df: 3,
            max_df: 1.0,
            ngram_max: 2,
            sublinear_tf: false,
            extra_weight: 1.0,
            max_features: None,
        };
        assert_eq!(p.fit(&docs).unwrap().vocabulary, ["a"]);
        let p = TfIdfParams { min_df: 4, ..p };
        assert!(matches!(p.fit(&docs), Err(Error::Data(_))));
        assert!(TfIdfParams::default().fit(&[]).is_err());
        assert!(TfIdfParams { ngram_max: 3, ..Default::default() }.fit(&docs).is_err());
    }

    #[test]
    fn max_features_keeps_the_terms_in_most_passages() {
        let docs = [doc("a b c"), doc("a b"), doc("a d"), doc("c e")];
        let p = TfIdfParams { ngram_max: 1, max_features: Some(3), ..TfIdfParams::default() };
        // df: a 3, b 2, c 2, d 1, e 1: the cap keeps a, b, c (ties by term), sorted.
        let m = p.fit(&docs).unwrap();
        assert_eq!(m.vocabulary, ["a", "b", "c"]);
        // The idf of a kept term does not depend on the cap.
        let all = TfIdfParams { max_features: None, ..p.clone() }.fit(&docs).unwrap();
        assert_eq!(m.idf[1], all.idf[all.vocabulary.iter().position(|t| t == "b").unwrap()]);
        let p = TfIdfParams { max_features: Some(2), ..p };
        assert_eq!(p.fit(&docs).unwrap().vocabulary, ["a", "b"]);
        let p = TfIdfParams { max_features: Some(99), ..p };
        assert_eq!(p.fit(&docs).unwrap().vocabulary, all.vocabulary);
    }

    #[test]
    fn streaming_fit_across_intern_blocks_matches_string_transform() {
        // More documents than one intern block, so block dictionaries are merged.
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let docs: Vec<TokenDoc> = (0..9000)
            .map(|_| {
                let words = (0..1 + next() % 6).map(|_| format!("w{}", next() % 300)).collect();
                TokenDoc { words, extra: vec![format!("§c{}", next() % 5)] }
            })
            .collect();
        let p = TfIdfParams { min_df: 2, max_df: 0.5, ..TfIdfParams::default() };
        let (m, x) = p.fit_transform_with(docs.len(), |i| docs[i].clone()).unwrap();
        let mut df = std::collections::BTreeMap::<String, usize>::new();
        for d in &docs {
            let mut terms: Vec<String> = d.words.iter().chain(&d.extra).cloned().collect();
            terms.extend(d.words.windows(2).map(|w| w.join(" ")));
            terms.sort();
            terms.dedup();
            terms.into_iter().for_each(|t| *df.entry(t).or_default() += 1);
        }
        let want: Vec<&String> = df.iter().filter(|(_, &c)| c >= 2 && c as f64 <= 4500.0).map(|(t, _)| t).collect();
        assert_eq!(m.vocabulary.iter().collect::<Vec<_>>(), want);
        // Rows from interned ids equal rows looked up by string.
        assert_eq!(m.transform(&docs), x);
        assert_eq!(p.fit_transform(&docs).unwrap().1, x);
    }

    #[test]
    fn accented_vocabulary_is_in_code_point_order() {
        let docs = [doc("état étude zèbre eta été éta ça")];
        let m = TfIdfParams { ngram_max: 1, ..Default::default() }.fit(&docs).unwrap();
        assert_eq!(m.vocabulary, ["eta", "zèbre", "ça", "éta", "état", "étude", "été"]);
        assert_eq!(m.term_index("été"), Some(6));
    }

    #[test]
    fn oov_rate_counts_occurrences() {
        let m = TfIdfParams::default().fit(&[doc("a b")]).unwrap();
        assert_eq!(m.oov_rate(&[doc("a x x b")]), 0.5);
        assert_eq!(m.oov_rate(&[]), 0.0);
        // "a x x b": half known, so poorly covered only when more than half must be known.
        assert_eq!(m.poorly_covered_share(&[doc("a x x b"), doc("a b")], 0.6), 0.5);
        assert_eq!(m.poorly_covered_share(&[doc("a x x b"), doc("a b")], 0.5), 0.0);
    }

    #[test]
    fn extra_weight_scales_extra_features_only() {
        let docs = vec![
            TokenDoc { words: vec!["a".into(), "b".into()], extra: vec!["§c".into()] },
            TokenDoc::from(vec!["a".to_string()]),
        ];
        let plain = TfIdfParams::default().fit_transform(&docs).unwrap().1;
        let weighted = TfIdfParams { extra_weight: 3.0, ..Default::default() }.fit_transform(&docs).unwrap().1;
        let (idx, p) = plain.row(0);
        let (_, w) = weighted.row(0);
        let col = |t: &str| {
            idx.iter()
                .position(|&c| c as usize == ["a", "a b", "b", "§c"].iter().position(|x| *x == t).unwrap())
                .unwrap()
        };
        let ratio = |v: &[f64]| v[col("§c")] / v[col("b")];
        assert!((ratio(w) / ratio(p) - 3.0).abs() < 1e-12);
        assert!((w.iter().map(|x| x * x).sum::<f64>() - 1.0).abs() < 1e-12, "still L2-normalised");
    }
}
