//! Positions on each topic: the passages that speak to a topic, clustered into positions
//! (`cluster::positions`, linfa k-means, k from 1 to 5), each position labelled from the data.
//!
//! For each topic the passages are those in the domain that speak to it (as every comparison
//! reads), minus boilerplate (`text::boilerplate`: openings, salutations, procedure, dates — they
//! would cluster by their formula). Each passage is its reduced (SVD) vector, unit length, beside
//! its stance on the topic as a one-hot vector times [`ClusterOptions::stance_weight`]: two
//! passages of opposite stance are then `√2 × weight` further apart than their words alone make
//! them, so a position is what passages say *and* which side they take.
//!
//! A position is labelled by what it holds, never by a hand-written name: its stance mix, its
//! Fightin' Words terms against the topic's other positions (`compare::keyness`; with one
//! position, against the other in-domain passages), its issuers (with the share of each issuer's
//! passages on the topic that fall in it) and blocs, and its most typical passages (nearest its
//! mean). The quality of a partition is measured against the stances and the blocs (purity) and
//! by how far apart two blocs' passages fall ([`Separation`]).

use std::collections::BTreeMap;

use ndarray::Array2;
use serde::Serialize;

use super::keyness::{keyness, KeyTerm, KeynessParams, TermCounts};
use crate::cluster::positions::{KRule, KScore, PositionModel, PositionParams};
use crate::groups::GroupBy;
use crate::pipeline::{tokenize, Analysis, CONCEPT_PREFIX};
use crate::seed::{derive, Stream};
use crate::text::boilerplate::{boilerplate, Boilerplate};
use crate::topics::Stance;
use crate::Result;

/// What to cluster and how much to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterOptions {
    /// k-means and the choice of k; its `seed` is derived from `seed` here.
    pub positions: PositionParams,
    /// Weight of the stance one-hot beside the unit passage vector. 0.5: opposite stances add 0.71
    /// to a distance between unit vectors (at most 2), enough to part positions, not to make
    /// clusters the three stances whatever the words (measured in docs/methods.md).
    pub stance_weight: f64,
    /// Distinctive terms per position.
    pub terms: usize,
    /// Example passages per position.
    pub examples: usize,
    /// The run's one seed.
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions { positions: PositionParams::default(), stance_weight: 0.75, terms: 5, examples: 2, seed: 0 }
    }
}

/// Passages per stance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct StanceMix {
    pub support: usize,
    pub oppose: usize,
    pub neutral: usize,
}

impl StanceMix {
    fn add(&mut self, s: Stance) {
        match s {
            Stance::Support => self.support += 1,
            Stance::Oppose => self.oppose += 1,
            Stance::Neutral => self.neutral += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.support + self.oppose + self.neutral
    }

    /// The most frequent stance (ties: support, oppose, neutral) and its share.
    pub fn majority(&self) -> (Stance, f64) {
        let (s, n) = [(Stance::Support, self.support), (Stance::Oppose, self.oppose), (Stance::Neutral, self.neutral)]
            .into_iter()
            .fold((Stance::Support, 0), |b, x| if x.1 > b.1 { x } else { b });
        (s, n as f64 / self.total().max(1) as f64)
    }

    /// `5/1/2` (support/oppose/neutral).
    pub fn text(&self) -> String {
        format!("{}/{}/{}", self.support, self.oppose, self.neutral)
    }
}

/// An issuer or bloc in a position: its passages there, and their share of all its passages on
/// the topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub name: String,
    pub n: usize,
    pub share: f64,
}

/// One of a position's most typical passages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub issuer: String,
    pub bloc: String,
    pub document: String,
    /// Position of the passage in its document (0-based).
    pub passage: usize,
    pub stance: Stance,
    pub text: String,
}

/// One position on a topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    /// 0 = the largest.
    pub cluster: usize,
    /// Its top terms and issuers, e.g. `legally binding, convention, universal — support 80%
    /// (Russia, CIS, Iran…)`: generated from the data.
    pub label: String,
    pub n: usize,
    pub stances: StanceMix,
    /// Fightin' Words terms against the topic's other positions (see `terms_against`).
    pub terms: Vec<KeyTerm>,
    /// `other_positions`, or `other_topics` when the topic has one position.
    pub terms_against: &'static str,
    /// Issuers, most passages first (ties: higher share, then name).
    pub issuers: Vec<Member>,
    pub blocs: Vec<Member>,
    pub examples: Vec<Example>,
}

/// How far apart two blocs' passages fall: the share of (a passage of `a`, a passage of `b`)
/// pairs that are in different positions (0 with one position; 1 when no position holds both).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Separation {
    pub a: String,
    pub b: String,
    pub n_a: usize,
    pub n_b: usize,
    pub share: f64,
}

/// How well the positions follow the stances and the blocs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quality {
    /// Σ over positions of its most frequent stance's passages / all passages (1 = each
    /// position holds one stance).
    pub stance_purity: f64,
    /// The same with blocs.
    pub bloc_purity: f64,
    /// Every pair of blocs with passages on the topic, names in order.
    pub separation: Vec<Separation>,
}

/// The positions found on one topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicClusters {
    pub topic: String,
    pub label: String,
    /// Passages clustered (in the domain, on the topic, not boilerplate).
    pub n_passages: usize,
    /// Passages on the topic left out as boilerplate, per kind.
    pub boilerplate: BTreeMap<Boilerplate, usize>,
    pub k: usize,
    /// How k was chosen: `silhouette`, `consensus` (no k ≥ 2 reached the bound), `forced`,
    /// `too_few`.
    pub rule: KRule,
    pub silhouette: Option<f64>,
    /// The silhouette of every k tried.
    pub tried: Vec<KScore>,
    pub positions: Vec<Position>,
    pub quality: Quality,
    /// Each clustered passage's index in the analysis and its position: for the other stages
    /// (export, report, what moved), not for JSON.
    #[serde(skip)]
    pub assignments: Vec<(usize, usize)>,
    /// The positions' means in the space of [`position_row`] (one row per position, in order):
    /// kept by a workspace run so later passages join the nearest ([`nearest`]).
    #[serde(skip)]
    pub centroids: Array2<f64>,
}

impl TopicClusters {
    /// How k was chosen, in words: `k = 2 by silhouette 0.41 (tried k=2 0.41, k=3 0.30)`.
    pub fn how_k(&self) -> String {
        let tried = self.tried.iter().map(|s| format!("k={} {:.2}", s.k, s.silhouette)).collect::<Vec<_>>().join(", ");
        match self.rule {
            KRule::Forced => format!(
                "k = {} (forced{})",
                self.k,
                self.silhouette.map_or(String::new(), |s| format!(", silhouette {s:.2}"))
            ),
            KRule::Silhouette => {
                format!("k = {} by silhouette {:.2} (tried {tried})", self.k, self.silhouette.unwrap_or(0.0))
            }
            KRule::Consensus => format!("k = 1: one position, no k reached silhouette 0.25 (tried {tried})"),
            KRule::TooFew if self.k == 0 => "no passage in the domain to cluster".to_string(),
            KRule::TooFew => format!("k = {}: too few passages to part", self.k),
        }
    }
}

/// The positions on `topics` (every topic of the lexicon when empty, those without passages
/// left out), in lexicon order. Unknown topic ids are an error naming the known ones.
pub fn topic_clusters(a: &Analysis, topics: &[String], opts: &ClusterOptions) -> Result<Vec<TopicClusters>> {
    for t in topics {
        a.lexicon.check_topic(t)?;
    }
    let wanted: Vec<(String, String)> = a
        .lexicon
        .topics()
        .iter()
        .filter(|t| topics.is_empty() || topics.contains(&t.id))
        .map(|t| (t.id.clone(), t.label.clone()))
        .collect();
    let counts = TermCounts::new(&tokenize(&a.corpus, &a.passages, &a.params, a.params.concepts.then_some(&a.lexicon)));
    let prior = counts.totals(0..a.passages.len());
    let in_domain = a.select_in_domain(|_| true);
    let mut params = opts.positions.clone();
    params.seed = derive(opts.seed, Stream::Positions);
    let mut out = Vec::new();
    for (id, label) in wanted {
        let on = a.select_in_domain(|p| p.on(&id));
        if on.is_empty() && topics.is_empty() {
            continue;
        }
        out.push(one_topic(a, &id, label, &on, &in_domain, &counts, &prior, &params, opts)?);
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn one_topic(
    a: &Analysis,
    topic: &str,
    label: String,
    on: &[usize],
    in_domain: &[usize],
    counts: &TermCounts,
    prior: &[u64],
    params: &PositionParams,
    opts: &ClusterOptions,
) -> Result<TopicClusters> {
    let mut left_out: BTreeMap<Boilerplate, usize> = BTreeMap::new();
    let mut rows = Vec::new();
    for &i in on {
        match boilerplate(&a.passages[i].text) {
            Some(b) => *left_out.entry(b).or_insert(0) += 1,
            None => rows.push(i),
        }
    }
    let stance = |i: usize| a.passages[i].stance_on(topic).unwrap_or(Stance::Neutral);
    let x = features(a, &rows, &stance, opts.stance_weight);
    let model = if rows.is_empty() {
        PositionModel {
            k: 0,
            labels: Vec::new(),
            centroids: Array2::zeros((0, 0)),
            rule: KRule::TooFew,
            silhouette: None,
            tried: Vec::new(),
        }
    } else {
        params.fit(&x)?
    };
    let members: Vec<Vec<usize>> = model.members().into_iter().map(|m| m.iter().map(|&r| rows[r]).collect()).collect();
    let issuer = |i: usize| a.issuer_of(&a.passages[i]).to_string();
    let bloc = |i: usize| a.corpus.documents[a.passages[i].doc].bloc.clone();
    let totals = |name: &dyn Fn(usize) -> String| {
        let mut t: BTreeMap<String, usize> = BTreeMap::new();
        rows.iter().for_each(|&i| *t.entry(name(i)).or_insert(0) += 1);
        t
    };
    let (issuer_totals, bloc_totals) = (totals(&issuer), totals(&bloc));
    let key_params = KeynessParams { k: opts.terms + 10, ..KeynessParams::default() };
    let positions: Vec<Position> = members
        .iter()
        .enumerate()
        .map(|(c, m)| {
            let (against, others): (&'static str, Vec<usize>) = if model.k > 1 {
                ("other_positions", rows.iter().copied().filter(|i| !m.contains(i)).collect())
            } else {
                ("other_topics", in_domain.iter().copied().filter(|&i| !a.passages[i].on(topic)).collect())
            };
            let k =
                keyness(&counts.terms, &counts.totals(m.iter().copied()), &counts.totals(others), prior, &key_params);
            // `§topic=stance` features repeat the stance mix: left out of the terms.
            let terms: Vec<KeyTerm> =
                k.a.into_iter()
                    .filter(|t| !(t.term.starts_with(CONCEPT_PREFIX) && t.term.contains('=')))
                    .take(opts.terms)
                    .collect();
            let mut stances = StanceMix::default();
            m.iter().for_each(|&i| stances.add(stance(i)));
            let issuers = membership(m, &issuer, &issuer_totals);
            let blocs = membership(m, &bloc, &bloc_totals);
            let typical: Vec<usize> = model.typical(&x, c).into_iter().map(|r| rows[r]).collect();
            let examples = examples(a, &typical, opts.examples, &stance);
            Position {
                cluster: c,
                label: position_label(&terms, &stances, &issuers),
                n: m.len(),
                stances,
                terms,
                terms_against: against,
                issuers,
                blocs,
                examples,
            }
        })
        .collect();
    let labels_of = |name: &dyn Fn(usize) -> String| -> Vec<(usize, String)> {
        members.iter().enumerate().flat_map(|(c, m)| m.iter().map(move |&i| (c, name(i)))).collect()
    };
    let stance_name = |i: usize| stance(i).as_str().to_string();
    let quality = Quality {
        stance_purity: purity(&labels_of(&stance_name)),
        bloc_purity: purity(&labels_of(&bloc)),
        separation: separation(&labels_of(&bloc)),
    };
    let mut assignments: Vec<(usize, usize)> =
        members.iter().enumerate().flat_map(|(c, m)| m.iter().map(move |&i| (i, c))).collect();
    assignments.sort_unstable();
    Ok(TopicClusters {
        topic: topic.to_string(),
        label,
        n_passages: rows.len(),
        boilerplate: left_out,
        k: model.k,
        rule: model.rule,
        silhouette: model.silhouette,
        tried: model.tried,
        positions,
        quality,
        assignments,
        centroids: model.centroids,
    })
}

/// Rows of `rows`: each a [`position_row`].
fn features(a: &Analysis, rows: &[usize], stance: &dyn Fn(usize) -> Stance, weight: f64) -> Array2<f64> {
    let d = a.vectors.ncols();
    let mut x = Array2::<f64>::zeros((rows.len(), d + 3));
    for (r, &i) in rows.iter().enumerate() {
        let v = a.vectors.row(i);
        let row = position_row(v.as_slice().unwrap_or(&v.to_vec()), stance(i), weight);
        x.row_mut(r).assign(&ndarray::ArrayView1::from(&row));
    }
    x
}

/// A passage in the position space: its unit SVD vector, then `weight` × the one-hot of its
/// stance (support, oppose, neutral).
pub fn position_row(vector: &[f32], stance: Stance, weight: f64) -> Vec<f64> {
    let mut row: Vec<f64> = vector.iter().map(|&v| f64::from(v)).collect();
    let mut hot = [0.0; 3];
    hot[stance.index()] = weight;
    row.extend(hot);
    row
}

/// The centroid nearest `row` (squared Euclidean distance; ties: the lower index): the position a
/// passage scored after the fit joins. None without centroids or when the dimensions differ.
pub fn nearest<'a>(centroids: impl IntoIterator<Item = &'a [f64]>, row: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (c, centre) in centroids.into_iter().enumerate() {
        if centre.len() != row.len() {
            return None;
        }
        let d: f64 = centre.iter().zip(row).map(|(x, y)| (x - y) * (x - y)).sum();
        if best.is_none_or(|b| d < b.1) {
            best = Some((c, d));
        }
    }
    best.map(|b| b.0)
}

/// Each name's passages among `m` and their share of its passages on the topic, most passages
/// first (ties: higher share, then name).
fn membership(m: &[usize], name: &dyn Fn(usize) -> String, totals: &BTreeMap<String, usize>) -> Vec<Member> {
    let mut n: BTreeMap<String, usize> = BTreeMap::new();
    m.iter().for_each(|&i| *n.entry(name(i)).or_insert(0) += 1);
    let mut out: Vec<Member> = n
        .into_iter()
        .map(|(name, n)| {
            let share = n as f64 / totals.get(&name).copied().unwrap_or(n).max(1) as f64;
            Member { name, n, share }
        })
        .collect();
    out.sort_by(|x, y| y.n.cmp(&x.n).then(y.share.total_cmp(&x.share)).then(x.name.cmp(&y.name)));
    out
}

/// The first `k` of `typical` (most typical first), preferring passages of issuers not yet shown.
fn examples(a: &Analysis, typical: &[usize], k: usize, stance: &dyn Fn(usize) -> Stance) -> Vec<Example> {
    let mut chosen: Vec<usize> = Vec::new();
    for &i in typical {
        if chosen.len() < k && !chosen.iter().any(|&j| a.issuer_of(&a.passages[j]) == a.issuer_of(&a.passages[i])) {
            chosen.push(i);
        }
    }
    for &i in typical {
        if chosen.len() < k && !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen
        .into_iter()
        .map(|i| {
            let p = &a.passages[i];
            let d = &a.corpus.documents[p.doc];
            Example {
                issuer: d.issuer.clone(),
                bloc: d.bloc.clone(),
                document: d.id.clone(),
                passage: p.index,
                stance: stance(i),
                text: p.text.clone(),
            }
        })
        .collect()
}

/// `term, term, term — support 80% (Issuer, Issuer, Issuer…)`.
fn position_label(terms: &[KeyTerm], stances: &StanceMix, issuers: &[Member]) -> String {
    let words: Vec<&str> = terms.iter().take(3).map(|t| t.term.as_str()).collect();
    let (s, share) = stances.majority();
    let mut who: Vec<&str> = issuers.iter().take(3).map(|m| m.name.as_str()).collect();
    let more = if issuers.len() > 3 { "…" } else { "" };
    if who.is_empty() {
        who.push("-");
    }
    let mix = format!("{} {:.0}% ({}{more})", s.as_str(), 100.0 * share, who.join(", "));
    if words.is_empty() {
        mix
    } else {
        format!("{} — {mix}", words.join(", "))
    }
}

/// Share of the items whose class is their cluster's most frequent class.
pub fn purity(items: &[(usize, String)]) -> f64 {
    if items.is_empty() {
        return 0.0;
    }
    let mut n: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    items.iter().for_each(|(c, l)| *n.entry((*c, l.as_str())).or_insert(0) += 1);
    let mut best: BTreeMap<usize, usize> = BTreeMap::new();
    for ((c, _), k) in n {
        let b = best.entry(c).or_insert(0);
        *b = (*b).max(k);
    }
    best.values().sum::<usize>() as f64 / items.len() as f64
}

/// For every pair of classes (names in order), the share of cross-class item pairs in
/// different clusters: 1 − Σ_c (n_ac / n_a)(n_bc / n_b).
pub fn separation(items: &[(usize, String)]) -> Vec<Separation> {
    let mut by: BTreeMap<&str, BTreeMap<usize, usize>> = BTreeMap::new();
    items.iter().for_each(|(c, l)| *by.entry(l.as_str()).or_default().entry(*c).or_insert(0) += 1);
    let classes: Vec<(&str, usize, &BTreeMap<usize, usize>)> =
        by.iter().map(|(l, m)| (*l, m.values().sum::<usize>(), m)).collect();
    let mut out = Vec::new();
    for (i, (a, na, ma)) in classes.iter().enumerate() {
        for (b, nb, mb) in &classes[i + 1..] {
            let same: f64 = ma
                .iter()
                .map(|(c, x)| (*x as f64 / *na as f64) * (mb.get(c).copied().unwrap_or(0) as f64 / *nb as f64))
                .sum();
            out.push(Separation { a: a.to_string(), b: b.to_string(), n_a: *na, n_b: *nb, share: 1.0 - same });
        }
    }
    out
}

/// One position as a row of `clusters.csv` and of `stance clusters --format csv`; lists joined
/// with `"; "`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterRecord {
    pub topic: String,
    pub k: usize,
    pub cluster: usize,
    pub label: String,
    pub n: usize,
    pub support: usize,
    pub oppose: usize,
    pub neutral: usize,
    /// Distinctive terms, most distinctive first.
    pub terms: String,
    /// `Russia 3 (100%); CIS 2 (67%)`: passages in the position (share of the issuer's).
    pub issuers: String,
    pub blocs: String,
    /// Silhouette of the topic's partition (empty with one position).
    pub silhouette: Option<f64>,
}

/// Every position of `topics` as rows.
pub fn cluster_records(topics: &[TopicClusters]) -> Vec<ClusterRecord> {
    let joined = |m: &[Member]| {
        m.iter().map(|m| format!("{} {} ({:.0}%)", m.name, m.n, 100.0 * m.share)).collect::<Vec<_>>().join("; ")
    };
    topics
        .iter()
        .flat_map(|t| {
            t.positions.iter().map(move |p| ClusterRecord {
                topic: t.topic.clone(),
                k: t.k,
                cluster: p.cluster,
                label: p.label.clone(),
                n: p.n,
                support: p.stances.support,
                oppose: p.stances.oppose,
                neutral: p.stances.neutral,
                terms: p.terms.iter().map(|t| t.term.as_str()).collect::<Vec<_>>().join("; "),
                issuers: joined(&p.issuers),
                blocs: joined(&p.blocs),
                silhouette: t.silhouette,
            })
        })
        .collect()
}

/// One member of a position as a row of `cluster_members.csv` (the long form of
/// [`ClusterRecord`]'s `issuers` and `blocs`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRecord {
    pub topic: String,
    pub cluster: usize,
    pub by: GroupBy,
    pub group: String,
    pub n: usize,
    /// Of the group's passages on the topic.
    pub share: f64,
}

/// Every member of every position of `topics`: issuers, then blocs, as each position lists them.
pub fn member_records(topics: &[TopicClusters]) -> Vec<MemberRecord> {
    let mut out = Vec::new();
    for t in topics {
        for p in &t.positions {
            for (by, members) in [(GroupBy::Issuer, &p.issuers), (GroupBy::Bloc, &p.blocs)] {
                out.extend(members.iter().map(|m| MemberRecord {
                    topic: t.topic.clone(),
                    cluster: p.cluster,
                    by,
                    group: m.name.clone(),
                    n: m.n,
                    share: m.share,
                }));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(v: &[(usize, &str)]) -> Vec<(usize, String)> {
        v.iter().map(|(c, l)| (*c, l.to_string())).collect()
    }

    #[test]
    fn purity_and_separation_by_hand() {
        // Cluster 0: r r w; cluster 1: w w.
        let x = items(&[(0, "r"), (0, "r"), (0, "w"), (1, "w"), (1, "w")]);
        assert!((purity(&x) - 4.0 / 5.0).abs() < 1e-12);
        let s = separation(&x);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].a.as_str(), s[0].b.as_str(), s[0].n_a, s[0].n_b), ("r", "w", 2, 3));
        // Pairs in the same cluster: r·w in cluster 0 = 1 × 1/3.
        assert!((s[0].share - 2.0 / 3.0).abs() < 1e-12);
        let one = items(&[(0, "r"), (0, "w")]);
        assert_eq!(separation(&one)[0].share, 0.0);
        assert_eq!(purity(&[]), 0.0);
    }

    #[test]
    fn stance_mix_majority_and_label() {
        let mut m = StanceMix::default();
        [Stance::Oppose, Stance::Oppose, Stance::Support].into_iter().for_each(|s| m.add(s));
        assert_eq!(m.majority().0, Stance::Oppose);
        assert_eq!(m.text(), "1/2/0");
        let terms = vec![KeyTerm { term: "treaty".into(), score: 2.0, count_a: 3, count_b: 0 }];
        let who: Vec<Member> = ["Russia", "CIS", "Iran", "China"]
            .iter()
            .map(|n| Member { name: n.to_string(), n: 1, share: 1.0 })
            .collect();
        assert_eq!(position_label(&terms, &m, &who), "treaty — oppose 67% (Russia, CIS, Iran…)");
        assert_eq!(position_label(&[], &m, &who[..1]), "oppose 67% (Russia)", "no dash a spreadsheet would quote");
    }
}
