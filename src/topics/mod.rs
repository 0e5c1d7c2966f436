//! The bilingual topic lexicon (`models/topics.toml`): concepts, topic assignment and stance cues.
//!
//! French and English passages on the same position share few words, so the lexicon maps
//! multi-word expressions of both languages to shared **concept** ids (`juridiquement
//! contraignant` and `legally binding` → `binding_instrument`). Concept hits feed three things:
//! the pipeline's `§concept` features, the **topic** of a passage (concept weights per topic) and
//! the **stance** cues, which are phrase patterns that may name concepts (`$need ..3
//! @binding_instrument`) and are read with negation, hedging and contrast (see [`stance`]).
//! Topics are propositions about ICTs and cyberspace: a topic flagged `requires_domain` is kept
//! only on passages that the domain gate ([`domain`]) finds about that domain, judged from the
//! passage, its document and its neighbours.
//! Everything is plain data in the TOML file, so an analyst can read and edit the rules.

pub mod check;
mod domain;
mod index;
mod lexicon;
mod pattern;
mod stance;

use crate::{Error, Result};
use domain::DomainRules;
pub use domain::{Domain, OwnEvidence};
use index::{PatternIndex, PatternSet};
use pattern::Tokens;
use std::collections::BTreeMap;

/// A passage's position toward a topic's proposition.
/// Names as in JSON: `support`, `oppose`, `neutral`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::Display, strum::EnumString, strum::IntoStaticStr, strum::VariantArray, strum::EnumMessage)]
#[strum(serialize_all = "lowercase")]
pub enum Stance {
    Support,
    Oppose,
    Neutral,
}

impl Stance {
    /// The three stances in display order (support, oppose, neutral): the order of
    /// [`StanceCounts`] and of every table that lists them.
    pub const ALL: [Stance; 3] = [Stance::Support, Stance::Oppose, Stance::Neutral];

    /// Position of the stance in [`Stance::ALL`] (a count's slot, a one-hot column): the one
    /// place a stance maps to a number.
    pub fn index(self) -> usize {
        match self {
            Stance::Support => 0,
            Stance::Oppose => 1,
            Stance::Neutral => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses `support` / `oppose` / `neutral` (case and surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Stance> {
        s.trim().to_lowercase().parse().ok()
    }

    fn flipped(self) -> Stance {
        match self {
            Stance::Support => Stance::Oppose,
            Stance::Oppose => Stance::Support,
            Stance::Neutral => Stance::Neutral,
        }
    }
}

/// Passages per stance (or weights, `StanceCounts<f64>`), indexed by [`Stance`]. Serialised as
/// the array `[support, oppose, neutral]`, as JSON outputs and workspaces have always held them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct StanceCounts<T = usize>([T; 3]);

impl<T: Copy> StanceCounts<T> {
    pub const fn new(support: T, oppose: T, neutral: T) -> StanceCounts<T> {
        StanceCounts([support, oppose, neutral])
    }

    pub fn support(&self) -> T {
        self.0[0]
    }

    pub fn oppose(&self) -> T {
        self.0[1]
    }

    pub fn neutral(&self) -> T {
        self.0[2]
    }

    /// Each stance and its count, in [`Stance::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Stance, T)> + '_ {
        Stance::ALL.into_iter().zip(self.0)
    }

    /// The counts mapped one by one (e.g. to shares).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> StanceCounts<U> {
        StanceCounts(self.0.map(f))
    }

    /// All stances together.
    pub fn total(&self) -> T
    where
        T: std::iter::Sum<T>,
    {
        self.0.into_iter().sum()
    }
}

impl StanceCounts {
    /// The call of a group from its passages: the majority of the decisive (support / oppose)
    /// ones; neutral when balanced or none is decisive — the rule for a single passage's cues.
    pub fn call(&self) -> Stance {
        match self.support().cmp(&self.oppose()) {
            std::cmp::Ordering::Greater => Stance::Support,
            std::cmp::Ordering::Less => Stance::Oppose,
            std::cmp::Ordering::Equal => Stance::Neutral,
        }
    }
}

impl<T> std::ops::Index<Stance> for StanceCounts<T> {
    type Output = T;
    fn index(&self, s: Stance) -> &T {
        &self.0[s.index()]
    }
}

impl<T> std::ops::IndexMut<Stance> for StanceCounts<T> {
    fn index_mut(&mut self, s: Stance) -> &mut T {
        &mut self.0[s.index()]
    }
}

/// `[support, oppose, neutral]`.
impl<T> From<[T; 3]> for StanceCounts<T> {
    fn from(c: [T; 3]) -> StanceCounts<T> {
        StanceCounts(c)
    }
}

impl FromIterator<Stance> for StanceCounts {
    fn from_iter<I: IntoIterator<Item = Stance>>(stances: I) -> StanceCounts {
        let mut c = StanceCounts::default();
        stances.into_iter().for_each(|s| c[s] += 1);
        c
    }
}

impl<'a> FromIterator<&'a Stance> for StanceCounts {
    fn from_iter<I: IntoIterator<Item = &'a Stance>>(stances: I) -> StanceCounts {
        stances.into_iter().copied().collect()
    }
}

/// One topic of `docs/topics.md`, with the concepts that signal it and its cue sources.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TopicDef {
    pub id: String,
    pub label: String,
    pub label_fr: String,
    /// The proposition stance is measured against.
    pub proposition: String,
    /// Concept id → weight in the topic score.
    pub concepts: BTreeMap<String, f64>,
    /// The topic is kept only on passages in the domain (ICTs / cyberspace), see [`domain`].
    pub requires_domain: bool,
    /// Cue patterns as written in the lexicon (for display and tracing).
    pub support: Vec<String>,
    pub oppose: Vec<String>,
    #[serde(skip)]
    weights: Vec<(usize, f64)>,
    #[serde(skip)]
    cues: Vec<Cue>,
    /// The cues' patterns, same order as `cues`.
    #[serde(skip)]
    cue_patterns: PatternSet,
}

/// A concept occurrence; offsets are bytes in the passage text.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConceptHit {
    pub concept: String,
    pub start: usize,
    pub end: usize,
}

/// Topic scores of a passage; `topic` is the best one, or None when no score reaches the threshold.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TopicAssignment {
    pub topic: Option<String>,
    pub score: f64,
    pub scores: BTreeMap<String, f64>,
    /// Every topic whose score reaches the threshold, best first: a paragraph often speaks to
    /// several topics, and per-topic comparisons use all of them.
    pub topics: Vec<String>,
}

/// A stance cue found in a passage. `polarity` is after negation / contrast; `negated` says it flipped.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CueHit {
    pub cue: String,
    pub polarity: Stance,
    pub negated: bool,
    pub start: usize,
    pub end: usize,
}

/// Which method decided a stance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StanceSource {
    /// The lexicon's cues (and relations between propositions): traceable, no probability.
    Lexicon,
    /// A learned classifier, with its probability in [`StanceCall::p`].
    Model,
}

impl StanceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            StanceSource::Lexicon => "lexicon",
            StanceSource::Model => "model",
        }
    }
}

/// The stance of one passage toward one topic, with the cues that decided it and which method
/// decided (`p`: the probability of a learned decision; None for the lexicon).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StanceCall {
    pub stance: Stance,
    pub cues: Vec<CueHit>,
    pub source: StanceSource,
    pub p: Option<f64>,
}

impl StanceCall {
    /// A decision of the lexicon from its cues.
    pub fn lexicon(stance: Stance, cues: Vec<CueHit>) -> StanceCall {
        StanceCall { stance, cues, source: StanceSource::Lexicon, p: None }
    }
}

/// Tunables, from the `[settings]` table of the lexicon file.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    topic_threshold: f64,
    length_norm_words: f64,
    stance_margin: f64,
    negation_window: usize,
    #[serde(default = "default_rejection_window")]
    rejection_window: usize,
    hedge_window: usize,
    contrast_window: usize,
    /// Words a negation of an opinion or acceptance verb reaches ("we cannot accept that …"):
    /// it governs the whole complement clause. Defaults to `negation_window`.
    #[serde(default)]
    raised_window: Option<usize>,
    /// Weight of the cues in a concessive clause ("While we support X, …"): the stance is in the
    /// main clause. 1 (no discount) when absent.
    #[serde(default = "one_f64")]
    concession_weight: f64,
    /// A question states no position: its cues are dropped (a rhetorical `why` negates them).
    #[serde(default)]
    questions_hedge: bool,
}

fn default_rejection_window() -> usize {
    10
}

fn one_f64() -> f64 {
    1.0
}

/// The grammatical classes the stance rules read (see [`stance`] and `docs/methods.md`).
#[derive(Debug, Clone)]
struct Markers {
    negators: PatternSet,
    /// Double negatives and fixed phrases whose negator words do not negate.
    not_negations: PatternSet,
    hedges: PatternSet,
    contrast: PatternSet,
    clause_breaks: PatternSet,
    /// `ni`, `nor`: join the negation before them in the same clause.
    coordinated_negators: PatternSet,
    /// Rejection predicates (`rejeter`, `condemn`): negate the proposition they govern.
    rejections: PatternSet,
    /// Harm predicates (`violate`, `attack`): a negation before them is spent on them.
    harms: PatternSet,
    /// `que`, `that`, `which`: end a negation's scope unless a raising word came first.
    subordinators: PatternSet,
    /// Opinion / acceptance verbs and nouns of claim: a negation carries through their `that`.
    raising: PatternSet,
    /// `sans`, `without` opening a sentence and closed by a comma: a condition, not a negation.
    preposed_conditions: PatternSet,
    /// A third party with a verb of saying or thinking ("some States argue", "certains États
    /// estiment"): the rest of the sentence reports others' positions, not the speaker's.
    reported: PatternSet,
    /// "Contrairement à ce que …", "contrary to what …": the report they open is only their clause.
    report_contrast: PatternSet,
    /// Predicates that describe an event or a document ("took place", "le rapport recense",
    /// "was discussed"): no position in their clause, before or after them.
    descriptive: PatternSet,
    /// Openers of a question that denies ("why", "pourquoi"): the question negates its cues.
    rhetorical: PatternSet,
    /// Openers of a concessive clause ("while", "although", "même si", "tout en").
    concessive: PatternSet,
    /// A rejection that looks back on what its sentence said ("…, which we cannot accept",
    /// "…, ce que nous rejetons"): the cues before it are negated.
    trailing_rejections: PatternSet,
}

/// A stance cue (its pattern is in [`TopicDef::cue_patterns`]).
#[derive(Debug, Clone)]
struct Cue {
    polarity: Stance,
    weight: f64,
    /// Immune to negation and contrast (the cue already carries its own polarity, e.g.
    /// "should not damage critical infrastructure").
    fixed: bool,
    /// The cue only counts when one of these concepts occurs in the passage.
    requires: Vec<usize>,
}

/// A proposition a relation starts from: a topic, or a claim (`[[claims]]`, a proposition that
/// is no topic of its own, such as "Internet governance should be multistakeholder").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Proposition {
    Topic(usize),
    Claim(usize),
}

/// A documented relation between propositions (`[[relations]]`): a passage's decisive stance
/// toward `from` (from its own cues) counts for (`against` = false) or against topic `to`'s
/// proposition with `weight`; support for `from` gives the effect, opposition the reverse.
#[derive(Debug, Clone)]
struct Relation {
    from: Proposition,
    to: usize,
    against: bool,
    weight: f64,
    /// The relation holds only when one of these concepts occurs in the passage.
    requires: Vec<usize>,
    why: String,
}

/// A relation as written in the lexicon, for display (`stance topics`, docs).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RelationDef {
    pub from: String,
    pub to: String,
    pub effect: &'static str,
    pub weight: f64,
    pub requires: Vec<String>,
    pub why: String,
}

/// The compiled lexicon. Cheap to share; build once with [`Lexicon::builtin`] or [`Lexicon::from_path`].
#[derive(Debug, Clone)]
pub struct Lexicon {
    version: String,
    settings: Settings,
    concept_ids: Vec<String>,
    /// Every expression of every concept; `concept_of[p]` is the concept of pattern p.
    concept_patterns: PatternSet,
    concept_of: Vec<usize>,
    /// Paraphrase concepts, selected after all the others (`fallback = true` in the file).
    concept_fallback: Vec<bool>,
    /// All patterns (concepts, markers, cues) by what they can start with.
    index: PatternIndex,
    markers: Markers,
    /// The domain gate (`[domain]`); None: every passage is in the domain.
    domain: Option<DomainRules>,
    topics: Vec<TopicDef>,
    /// Propositions that are no topic, read as the sources of relations.
    claims: Vec<TopicDef>,
    relations: Vec<Relation>,
}

/// Everything the lexicon finds in one passage, from a single tokenisation and matching pass
/// ([`Lexicon::annotate`]): what the pipeline needs for features, topics and stances.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Annotation {
    /// Concept occurrences, in text order (as [`Lexicon::concepts`]).
    pub concepts: Vec<ConceptHit>,
    /// Topic scores (as [`Lexicon::assign`]).
    pub assignment: TopicAssignment,
    /// Every topic the passage reaches: `assignment.topics` (best first), then the topics a
    /// relation between propositions brings in (lexicon order).
    pub topics: Vec<String>,
    /// The stance toward each of `topics`, same order (as [`Lexicon::stance`]).
    pub stances: Vec<StanceCall>,
    /// The domain decision; topics that require the domain were removed when it is out.
    pub domain: Domain,
    /// What the passage says about the domain on its own (the decision adds its context).
    #[serde(skip)]
    pub own: OwnEvidence,
}

impl Annotation {
    /// Every topic the passage reaches with its stance, best topic first.
    pub fn positions(&self) -> Vec<(String, Stance)> {
        self.topics.iter().cloned().zip(self.stances.iter().map(|s| s.stance)).collect()
    }
}

const BUILTIN: &str = include_str!("../../models/topics.toml");

impl Lexicon {
    /// The lexicon shipped in `models/topics.toml` (compiled into the binary).
    pub fn builtin() -> Lexicon {
        // The shipped file is checked by a unit test, so this cannot fail in a released build.
        lexicon::parse(BUILTIN, "models/topics.toml").expect("the shipped models/topics.toml must parse")
    }

    /// `--check` of the shipped lexicon (see [`check::check`]).
    pub fn check_builtin() -> Result<check::LexiconCheck> {
        check::check(BUILTIN, "models/topics.toml")
    }

    /// A lexicon from a user file; errors name the file and line.
    pub fn from_path(path: &std::path::Path) -> Result<Lexicon> {
        let src = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        lexicon::parse(&src, &path.display().to_string())
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn topics(&self) -> &[TopicDef] {
        &self.topics
    }

    /// All concept ids, sorted.
    pub fn concept_ids(&self) -> &[String] {
        &self.concept_ids
    }

    pub fn topic(&self, id: &str) -> Option<&TopicDef> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// Errors (usage) for an unknown topic id, listing the known ids in the message.
    pub fn check_topic(&self, id: &str) -> Result<&TopicDef> {
        self.topic(id).ok_or_else(|| {
            let known: Vec<&str> = self.topics.iter().map(|t| t.id.as_str()).collect();
            let hint = crate::error::did_you_mean(id, known.iter().copied());
            Error::usage(format!("unknown topic `{id}`{hint}; known topics: {}", known.join(", ")))
        })
    }

    /// Concepts, topic scores, the domain decision and the stance toward every topic the passage
    /// speaks to, from one tokenisation, the passage read on its own (no document around it): what
    /// [`Lexicon::concepts`], [`Lexicon::assign`] and [`Lexicon::stance`] give one by one, for the
    /// cost of one of them. Passages of one document: [`Lexicon::annotate_document`].
    pub fn annotate(&self, text: &str) -> Annotation {
        let mut a = [self.annotate_ungated(text)];
        self.gate_document(&mut a);
        let [a] = a;
        a
    }

    /// [`Lexicon::annotate`] for the passages of one document, in order: each domain decision
    /// reads the document's in-domain share and the passage's neighbours.
    pub fn annotate_document(&self, texts: &[&str]) -> Vec<Annotation> {
        let mut out: Vec<Annotation> = texts.iter().map(|t| self.annotate_ungated(t)).collect();
        self.gate_document(&mut out);
        out
    }

    /// Decides the domain of one document's ungated annotations (in order) and removes, from
    /// those out of the domain, the topics that require it.
    pub fn gate_document(&self, annotations: &mut [Annotation]) {
        let own: Vec<&OwnEvidence> = annotations.iter().map(|a| &a.own).collect();
        let decisions = match &self.domain {
            Some(rules) => domain::decide(&rules.settings, &own),
            None => vec![Self::no_gate(); own.len()],
        };
        for (a, d) in annotations.iter_mut().zip(decisions) {
            self.gate(a, d);
        }
    }

    /// The decision for a passage with own evidence `own` in a document whose passages have the
    /// evidence `doc` (in order); `at`: the passage's place in `doc`, when known.
    pub fn decide_domain(&self, own: &OwnEvidence, doc: &[&OwnEvidence], at: Option<usize>) -> Domain {
        match &self.domain {
            Some(rules) => domain::decide_in(&rules.settings, own, doc, at),
            None => Self::no_gate(),
        }
    }

    /// What `text` says about the domain on its own (filters 1–3 of [`domain`]).
    pub fn domain_evidence(&self, text: &str) -> OwnEvidence {
        self.own_evidence(&self.tokens(text))
    }

    /// Does the lexicon have a domain gate (a `[domain]` table)?
    pub fn has_domain_gate(&self) -> bool {
        self.domain.is_some()
    }

    /// Sets `a`'s domain decision; when it is out, drops the topics that require the domain (with
    /// their stances) and makes the best remaining topic the passage's topic.
    pub fn gate(&self, a: &mut Annotation, d: Domain) {
        if !d.in_domain {
            let requires = |id: &str| self.topic(id).is_some_and(|t| t.requires_domain);
            let keep: Vec<bool> = a.topics.iter().map(|t| !requires(t)).collect();
            let mut k = keep.iter();
            a.topics.retain(|_| *k.next().unwrap_or(&true));
            let mut k = keep.iter();
            a.stances.retain(|_| *k.next().unwrap_or(&true));
            a.assignment.topics.retain(|t| !requires(t));
            a.assignment.topic = a.assignment.topics.first().cloned();
            a.assignment.score =
                a.assignment.scores.iter().filter(|(id, _)| !requires(id)).map(|(_, &v)| v).fold(0.0, f64::max);
        }
        a.domain = d;
    }

    fn no_gate() -> Domain {
        Domain { in_domain: true, score: 0.0, evidence: vec!["no [domain] in the lexicon".to_string()] }
    }

    fn own_evidence(&self, t: &Tokens) -> OwnEvidence {
        match &self.domain {
            Some(rules) => {
                let hits = domain::term_hits(rules, t);
                let listed = domain::listed(&rules.settings, &rules.list_words, t, &hits);
                domain::own_score(rules, t, &hits, listed)
            }
            None => OwnEvidence::default(),
        }
    }

    /// Annotation before the domain gate: every topic above the threshold (and those relations
    /// bring in) with its stance, the passage's own domain evidence, and `domain` left at its
    /// default (out, no evidence). Finish a document's annotations with [`Lexicon::gate_document`].
    pub fn annotate_ungated(&self, text: &str) -> Annotation {
        let t = self.tokens(text);
        let assignment = self.assignment(&t);
        let reached: Vec<usize> =
            assignment.topics.iter().filter_map(|id| self.topics.iter().position(|d| &d.id == id)).collect();
        let calls = self.calls(&t, &reached, true);
        let topics = calls.iter().map(|(i, _)| self.topics[*i].id.clone()).collect();
        let stances = calls.into_iter().map(|(_, c)| c).collect();
        let own = self.own_evidence(&t);
        Annotation { concepts: self.concept_hits(&t), assignment, topics, stances, domain: Domain::default(), own }
    }

    /// The relations between propositions, as written in the lexicon.
    pub fn relations(&self) -> Vec<RelationDef> {
        self.relations
            .iter()
            .map(|r| RelationDef {
                from: self.proposition(r.from).id.clone(),
                to: self.topics[r.to].id.clone(),
                effect: if r.against { "against" } else { "for" },
                weight: r.weight,
                requires: r.requires.iter().map(|&c| self.concept_ids[c].clone()).collect(),
                why: r.why.clone(),
            })
            .collect()
    }

    fn proposition(&self, p: Proposition) -> &TopicDef {
        match p {
            Proposition::Topic(i) => &self.topics[i],
            Proposition::Claim(i) => &self.claims[i],
        }
    }

    /// Stance calls toward the topics `targets` (indices), each with the relations that point at
    /// it; with `bring_in`, also toward the other topics a relation fires on (after `targets`, in
    /// lexicon order). A relation reads its source's own cues only, so relations do not chain.
    fn calls(&self, t: &Tokens, targets: &[usize], bring_in: bool) -> Vec<(usize, StanceCall)> {
        let mut context = None;
        let mut direct: BTreeMap<Proposition, (f64, Vec<CueHit>)> = BTreeMap::new();
        let mut own = |p: Proposition, context: &mut Option<stance::Context>| {
            direct.entry(p).or_insert_with(|| stance::direct(self, self.proposition(p), t, context)).clone()
        };
        let present: Vec<usize> = t.concept_at.iter().flatten().map(|(c, _)| *c).collect();
        let mut extra: BTreeMap<usize, Vec<(f64, CueHit)>> = BTreeMap::new();
        for r in &self.relations {
            if !(bring_in || targets.contains(&r.to)) {
                continue;
            }
            if !r.requires.is_empty() && !r.requires.iter().any(|c| present.contains(c)) {
                continue;
            }
            let (score, hits) = own(r.from, &mut context);
            let source = stance::decide(self, score);
            if source == Stance::Neutral {
                continue;
            }
            let polarity = if r.against { source.flipped() } else { source };
            let decisive = hits.iter().filter(|h| h.polarity == source);
            let start = decisive.clone().map(|h| h.start).min().unwrap_or(0);
            let end = decisive.map(|h| h.end).max().unwrap_or(0);
            let cue = format!(
                "{} {} ⇒ counts {} {}",
                self.proposition(r.from).id,
                source.as_str(),
                if r.against { "against" } else { "for" },
                self.topics[r.to].id
            );
            extra.entry(r.to).or_default().push((r.weight, CueHit { cue, polarity, negated: false, start, end }));
        }
        let mut order: Vec<usize> = targets.to_vec();
        order.extend(extra.keys().filter(|i| !targets.contains(i)));
        order
            .into_iter()
            .map(|i| {
                let (mut score, mut hits) = own(Proposition::Topic(i), &mut context);
                for (w, hit) in extra.remove(&i).unwrap_or_default() {
                    score += if hit.polarity == Stance::Support { w } else { -w };
                    hits.push(hit);
                }
                hits.sort_by_key(|h| (h.start, h.end));
                (i, StanceCall::lexicon(stance::decide(self, score), hits))
            })
            .collect()
    }

    /// All concept occurrences in the passage (non-overlapping, longest match first, in text order).
    pub fn concepts(&self, text: &str) -> Vec<ConceptHit> {
        self.concept_hits(&self.tokens(text))
    }

    /// The passage's topic scores and its topic (None below the threshold), before the domain
    /// gate (see [`Lexicon::annotate`]).
    ///
    /// A topic's score is the sum over its concepts of `weight × (1 + ln count)` (repeats add
    /// less than new concepts), divided by `sqrt(words / length_norm_words)` for passages longer
    /// than that, so a long paragraph does not win on mere length. Ties go to the earlier topic.
    pub fn assign(&self, text: &str) -> TopicAssignment {
        self.assignment(&self.tokens(text))
    }

    /// Stance of the passage toward `topic`'s proposition; see [`stance`] for the rules.
    /// An unknown topic gives `neutral` with no cues (use [`Lexicon::check_topic`] first).
    pub fn stance(&self, topic: &str, text: &str) -> StanceCall {
        match self.topics.iter().position(|d| d.id == topic) {
            Some(i) => self.calls(&self.tokens(text), &[i], false).remove(0).1,
            None => StanceCall::lexicon(Stance::Neutral, Vec::new()),
        }
    }

    fn concept_hits(&self, t: &Tokens) -> Vec<ConceptHit> {
        let mut hits: Vec<ConceptHit> = t
            .concept_at
            .iter()
            .enumerate()
            .filter_map(|(i, hit)| {
                hit.map(|(c, end)| ConceptHit {
                    concept: self.concept_ids[c].clone(),
                    start: t.words[i].start,
                    end: t.words[end - 1].end,
                })
            })
            .collect();
        hits.sort_by_key(|h| h.start);
        hits
    }

    fn assignment(&self, t: &Tokens) -> TopicAssignment {
        let mut counts = vec![0usize; self.concept_ids.len()];
        for (c, _) in t.concept_at.iter().flatten() {
            counts[*c] += 1;
        }
        let norm = (t.words.len() as f64 / self.settings.length_norm_words).sqrt().max(1.0);
        let mut scores = BTreeMap::new();
        let mut best: Option<(&str, f64)> = None;
        for topic in &self.topics {
            let raw: f64 = topic
                .weights
                .iter()
                .filter(|(c, _)| counts[*c] > 0)
                .map(|(c, w)| w * (1.0 + (counts[*c] as f64).ln()))
                .sum();
            let score = raw / norm;
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((&topic.id, score));
            }
            scores.insert(topic.id.clone(), score);
        }
        let (id, score) = best.unwrap_or(("", 0.0));
        let threshold = self.settings.topic_threshold;
        let topic = (score >= threshold && score > 0.0).then(|| id.to_string());
        let mut on: Vec<(&String, f64)> =
            scores.iter().filter(|(_, &v)| v >= threshold && v > 0.0).map(|(k, &v)| (k, v)).collect();
        // Best first; ties keep the lexicon's topic order, like `topic`.
        let order = |t: &str| self.topics.iter().position(|d| d.id == t).unwrap_or(usize::MAX);
        on.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| order(a.0).cmp(&order(b.0))));
        let topics = on.into_iter().map(|(k, _)| k.clone()).collect();
        TopicAssignment { topic, score, scores, topics }
    }

    /// Tokenises `text`, selects its concept occurrences (named concepts before paraphrases, then
    /// longest first, then leftmost) and lists,
    /// per word, the patterns that may start there.
    fn tokens<'a>(&self, text: &'a str) -> Tokens<'a> {
        let mut t = Tokens::new(text);
        self.index.fill(&mut t);
        let mut found = Vec::new(); // (start, end, concept)
        for i in 0..t.words.len() {
            for p in self.concept_patterns.candidates(&t, i) {
                if let Some(m) = self.concept_patterns.patterns[p].match_at(&t, i) {
                    found.push((m.start, m.end, self.concept_of[p]));
                }
            }
        }
        // Named concepts first, then paraphrases; longest first, then leftmost.
        let fallback = |c: usize| self.concept_fallback[c];
        found.sort_by(|a, b| {
            fallback(a.2)
                .cmp(&fallback(b.2))
                .then((b.1 - b.0).cmp(&(a.1 - a.0)))
                .then(a.0.cmp(&b.0))
                .then(a.2.cmp(&b.2))
        });
        let mut taken = vec![false; t.words.len()];
        for (s, e, c) in &found {
            if taken[*s..*e].iter().any(|&x| x) {
                continue;
            }
            taken[*s..*e].iter_mut().for_each(|x| *x = true);
            t.concept_at[*s] = Some((*c, *e));
        }
        self.index.add_concept_starts(&mut t); // cues that start with `@concept`
        t
    }
}

#[cfg(test)]
mod tests;
