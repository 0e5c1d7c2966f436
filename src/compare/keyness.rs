//! Keyness: the terms and concepts that most distinguish side A from side B.
//!
//! Counts are raw occurrences in the passages' features: analysed words, bigrams of consecutive
//! words (joined by a space, as in the TF-IDF vocabulary) and concept features (`§…`).
//!
//! - **Fightin' Words** (Monroe, Colaresi & Quinn 2008, §3.5): log-odds ratio with an
//!   informative Dirichlet prior, divided by its standard deviation (a z-score). The prior is the
//!   background corpus: `α_w = prior_share × count of w in the whole corpus`, i.e. the corpus
//!   counts scaled to a total `α0 = prior_share × corpus tokens` (default 0.01, as in common
//!   implementations). It shrinks rare terms toward the corpus rate, so a word said once by one
//!   side does not top the list, while frequent terms with a real difference do.
//! - **G²** (Dunning 1993): log-likelihood ratio of the 2×2 table (term / other terms × A / B),
//!   signed toward the side that uses the term more. No prior; rare terms score low anyway.
//!
//! Both give a signed score (positive = A); each side's list shows its own terms with the score
//! turned positive.

use std::collections::HashMap;

use serde::Serialize;

use crate::vectorize::TokenDoc;

/// Keyness statistic; names as in JSON (`fightin`, `g2`), the doc comments are the CLI's help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::Display, strum::EnumString, strum::IntoStaticStr, strum::VariantArray, strum::EnumMessage)]
#[strum(serialize_all = "lowercase")]
pub enum Method {
    /// Fightin' Words: log-odds ratio, informative Dirichlet prior, z-score
    Fightin,
    /// Log-likelihood G²
    G2,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KeynessParams {
    pub method: Method,
    /// Terms listed per side.
    pub k: usize,
    /// Fightin' Words prior: α_w = prior_share × corpus count of w.
    pub prior_share: f64,
    /// Terms used fewer times than this by A and B together are not listed.
    pub min_count: u64,
}

impl Default for KeynessParams {
    fn default() -> Self {
        KeynessParams { method: Method::Fightin, k: 5, prior_share: 0.01, min_count: 2 }
    }
}

/// A distinctive term: its score toward its side (positive) and how often each side uses it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyTerm {
    pub term: String,
    pub score: f64,
    pub count_a: u64,
    pub count_b: u64,
}

/// The terms of A (over B) and of B (over A), strongest first.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Keyness {
    pub a: Vec<KeyTerm>,
    pub b: Vec<KeyTerm>,
}

/// Term counts of every passage over one sorted term list, so that groups are counted by summing.
#[derive(Debug, Clone, Default)]
pub struct TermCounts {
    /// Sorted, unique terms (words, bigrams, `§concepts`).
    pub terms: Vec<String>,
    /// Per passage: (term id, count), ids ascending.
    rows: Vec<Vec<(u32, u32)>>,
}

impl TermCounts {
    /// Counts unigrams, bigrams and extra (concept) features of each passage.
    pub fn new(docs: &[TokenDoc]) -> TermCounts {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut intern = |t: String| -> u32 {
            let next = ids.len() as u32;
            *ids.entry(t).or_insert(next)
        };
        let mut rows: Vec<Vec<(u32, u32)>> = docs
            .iter()
            .map(|d| {
                let mut occ: Vec<u32> = d.words.iter().chain(&d.extra).map(|w| intern(w.clone())).collect();
                occ.extend(d.words.windows(2).map(|p| intern(format!("{} {}", p[0], p[1]))));
                occ.sort_unstable();
                let mut row: Vec<(u32, u32)> = Vec::new();
                for id in occ {
                    match row.last_mut() {
                        Some((last, c)) if *last == id => *c += 1,
                        _ => row.push((id, 1)),
                    }
                }
                row
            })
            .collect();
        // Renumber by sorted term so that ids, and every tie-break on them, are stable.
        let mut terms: Vec<(String, u32)> = ids.into_iter().collect();
        terms.sort_unstable();
        let mut rank = vec![0u32; terms.len()];
        for (r, (_, id)) in terms.iter().enumerate() {
            rank[*id as usize] = r as u32;
        }
        for row in &mut rows {
            row.iter_mut().for_each(|(id, _)| *id = rank[*id as usize]);
            row.sort_unstable();
        }
        TermCounts { terms: terms.into_iter().map(|(t, _)| t).collect(), rows }
    }

    /// Summed counts of the given passages, one entry per term.
    pub fn totals(&self, passages: impl IntoIterator<Item = usize>) -> Vec<u64> {
        let mut sums = vec![0u64; self.terms.len()];
        for p in passages {
            for &(id, c) in &self.rows[p] {
                sums[id as usize] += u64::from(c);
            }
        }
        sums
    }
}

/// Signed Fightin' Words z-score of one term (positive = A uses it more).
fn fightin(ya: f64, yb: f64, na: f64, nb: f64, alpha_w: f64, alpha0: f64) -> f64 {
    let log_odds = |y: f64, n: f64| ((y + alpha_w) / (n + alpha0 - y - alpha_w)).ln();
    let delta = log_odds(ya, na) - log_odds(yb, nb);
    let variance = 1.0 / (ya + alpha_w) + 1.0 / (yb + alpha_w);
    delta / variance.sqrt()
}

/// Signed G² of one term (positive = A uses it more, relative to its size).
fn g2(ya: f64, yb: f64, na: f64, nb: f64) -> f64 {
    let total = na + nb;
    let (term, other) = (ya + yb, total - ya - yb);
    let cell = |o: f64, e: f64| if o > 0.0 && e > 0.0 { o * (o / e).ln() } else { 0.0 };
    let g = 2.0
        * (cell(ya, na * term / total)
            + cell(yb, nb * term / total)
            + cell(na - ya, na * other / total)
            + cell(nb - yb, nb * other / total));
    if ya / na >= yb / nb {
        g
    } else {
        -g
    }
}

/// Distinctive terms of `a` versus `b` (dense counts over `terms`); `prior` is the background
/// (whole-corpus) counts for Fightin' Words. Ties are broken by term, so the lists are stable.
pub fn keyness(terms: &[String], a: &[u64], b: &[u64], prior: &[u64], params: &KeynessParams) -> Keyness {
    let (na, nb) = (a.iter().sum::<u64>() as f64, b.iter().sum::<u64>() as f64);
    if na == 0.0 || nb == 0.0 {
        return Keyness::default();
    }
    let alpha0 = params.prior_share * prior.iter().sum::<u64>().max(1) as f64;
    let mut scored: Vec<(usize, f64)> = (0..terms.len())
        .filter(|&w| a[w] + b[w] >= params.min_count.max(1))
        .map(|w| {
            let (ya, yb) = (a[w] as f64, b[w] as f64);
            let score = match params.method {
                Method::Fightin => {
                    let alpha_w = params.prior_share * prior[w].max(1) as f64;
                    fightin(ya, yb, na, nb, alpha_w, alpha0)
                }
                Method::G2 => g2(ya, yb, na, nb),
            };
            (w, score)
        })
        .filter(|(_, s)| s.is_finite() && *s != 0.0)
        .collect();
    scored.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| terms[x.0].cmp(&terms[y.0])));
    let term =
        |&(w, s): &(usize, f64)| KeyTerm { term: terms[w].clone(), score: s.abs(), count_a: a[w], count_b: b[w] };
    let top_a = scored.iter().filter(|x| x.1 > 0.0).take(params.k).map(term).collect();
    let mut b_side: Vec<&(usize, f64)> = scored.iter().filter(|x| x.1 < 0.0).collect();
    b_side.sort_by(|x, y| x.1.total_cmp(&y.1).then_with(|| terms[x.0].cmp(&terms[y.0])));
    Keyness { a: top_a, b: b_side.into_iter().take(params.k).map(term).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(words: &str, extra: &[&str]) -> TokenDoc {
        TokenDoc {
            words: words.split_whitespace().map(String::from).collect(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn counts_words_bigrams_and_concepts_over_sorted_terms() {
        let c = TermCounts::new(&[doc("legally binding treaty binding", &["§binding_instrument"]), doc("treaty", &[])]);
        let mut sorted = c.terms.clone();
        sorted.sort();
        assert_eq!(c.terms, sorted);
        let t = c.totals([0, 1]);
        let n = |term: &str| t[c.terms.iter().position(|x| x == term).unwrap()];
        assert_eq!((n("binding"), n("treaty"), n("legally binding"), n("§binding_instrument")), (2, 2, 1, 1));
        assert_eq!(n("treaty binding"), 1);
        assert_eq!(c.totals([1]).iter().sum::<u64>(), 1);
    }

    /// A: "treaty" ×20 of 100 tokens; B: "treaty" ×2 of 100; "state" equal on both sides.
    fn setup() -> (Vec<String>, Vec<u64>, Vec<u64>, Vec<u64>) {
        let terms: Vec<String> = ["norms", "other", "state", "treaty"].iter().map(|s| s.to_string()).collect();
        let a = vec![1, 69, 10, 20];
        let b = vec![15, 73, 10, 2];
        let prior: Vec<u64> = a.iter().zip(&b).map(|(x, y)| x + y + 5).collect();
        (terms, a, b, prior)
    }

    #[test]
    fn fightin_words_ranks_each_sides_terms() {
        let (terms, a, b, prior) = setup();
        let k = keyness(&terms, &a, &b, &prior, &KeynessParams::default());
        assert_eq!(k.a[0].term, "treaty");
        assert_eq!((k.a[0].count_a, k.a[0].count_b), (20, 2));
        assert_eq!(k.b[0].term, "norms");
        assert!(k.a.iter().chain(&k.b).all(|t| t.term != "state" && t.score > 0.0));
        // Hand-computed z for "treaty": α_w = 0.01 × 27, α0 = 0.01 × 220.
        let (aw, a0): (f64, f64) = (0.27, 2.2);
        let delta = ((20.0 + aw) / (100.0 + a0 - 20.0 - aw)).ln() - ((2.0 + aw) / (100.0 + a0 - 2.0 - aw)).ln();
        let z = delta / (1.0 / (20.0 + aw) + 1.0 / (2.0 + aw)).sqrt();
        assert!((k.a[0].score - z).abs() < 1e-12, "{} vs {z}", k.a[0].score);
    }

    #[test]
    fn g2_matches_the_2x2_log_likelihood_and_is_signed() {
        let (terms, a, b, prior) = setup();
        let k = keyness(&terms, &a, &b, &prior, &KeynessParams { method: Method::G2, ..Default::default() });
        assert_eq!(k.a[0].term, "treaty");
        // Expected counts: term 11 / 11, other 89 / 89 (equal sizes).
        let o = |x: f64, e: f64| x * (x / e).ln();
        let g = 2.0 * (o(20.0, 11.0) + o(2.0, 11.0) + o(80.0, 89.0) + o(98.0, 89.0));
        assert!((k.a[0].score - g).abs() < 1e-9);
        assert_eq!(g2(5.0, 5.0, 50.0, 50.0), 0.0);
    }

    #[test]
    fn empty_side_gives_no_terms_and_min_count_filters() {
        let (terms, a, _, prior) = setup();
        assert_eq!(keyness(&terms, &a, &[0; 4], &prior, &KeynessParams::default()), Keyness::default());
        let (_, a, b, _) = setup();
        let strict = KeynessParams { min_count: 30, ..Default::default() };
        let k = keyness(&terms, &a, &b, &prior, &strict);
        assert!(k.a.iter().chain(&k.b).all(|t| t.count_a + t.count_b >= 30));
    }
}
