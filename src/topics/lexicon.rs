//! Loading `models/topics.toml`: the serde schema of the file and its compilation into patterns.
//! Every mistake in the file is reported with the file name and what to fix.

use super::domain::{DomainRules, DomainSettings};
use super::index::PatternIndex;
use super::pattern::{Alt, Pattern, Piece};
use super::{Cue, Lexicon, Markers, Proposition, Relation, Settings, Stance, TopicDef};
use crate::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    version: String,
    settings: Settings,
    #[serde(default)]
    word_classes: BTreeMap<String, Vec<String>>,
    markers: RawMarkers,
    /// Optional: a lexicon without it has no domain gate (every passage is in).
    #[serde(default)]
    domain: Option<RawDomain>,
    concepts: BTreeMap<String, RawConcept>,
    topics: Vec<RawTopic>,
    #[serde(default)]
    claims: Vec<RawClaim>,
    #[serde(default)]
    relations: Vec<RawRelation>,
}

/// A proposition that is not one of the topics, read only as the source of a relation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: String,
    label: String,
    #[serde(default)]
    support: Vec<RawCue>,
    #[serde(default)]
    oppose: Vec<RawCue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelation {
    from: String,
    to: String,
    effect: String,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    requires: Vec<String>,
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkers {
    negators: Vec<String>,
    not_negations: Vec<String>,
    hedges: Vec<String>,
    contrast: Vec<String>,
    clause_breaks: Vec<String>,
    // Later additions are optional, so lexicon files written for 1.0 still load.
    #[serde(default)]
    coordinated_negators: Vec<String>,
    #[serde(default)]
    rejections: Vec<String>,
    #[serde(default)]
    harms: Vec<String>,
    #[serde(default)]
    subordinators: Vec<String>,
    #[serde(default)]
    raising: Vec<String>,
    #[serde(default)]
    preposed_conditions: Vec<String>,
    #[serde(default)]
    reported: Vec<String>,
    #[serde(default)]
    report_contrast: Vec<String>,
    #[serde(default)]
    descriptive: Vec<String>,
    #[serde(default)]
    rhetorical: Vec<String>,
    #[serde(default)]
    concessive: Vec<String>,
    #[serde(default)]
    trailing_rejections: Vec<String>,
}

/// The `[domain]` table: settings and the three expression lists.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    threshold: f64,
    weak_weight: f64,
    length_norm_words: f64,
    list_discount: f64,
    list_item_words: usize,
    list_min_items: usize,
    document_weight: f64,
    neighbour_weight: f64,
    list_words: Vec<String>,
    strong: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConcept {
    #[allow(dead_code)] // documentation for the reader of the TOML file
    label: String,
    fr: Vec<String>,
    en: Vec<String>,
    /// A paraphrase concept: matched only where no other concept is found.
    #[serde(default)]
    fallback: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: String,
    label: String,
    label_fr: String,
    proposition: String,
    concepts: BTreeMap<String, f64>,
    /// Kept only on passages in the domain (see `topics::domain`).
    #[serde(default)]
    requires_domain: bool,
    support: Vec<RawCue>,
    oppose: Vec<RawCue>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCue {
    Plain(String),
    Full(FullCue),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullCue {
    cue: String,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    fixed: bool,
    #[serde(default)]
    requires: Vec<String>,
}

/// A topic's or claim's cues: support and oppose sources (for display), patterns, cues.
type CompiledCues = (Vec<String>, Vec<String>, Vec<Pattern>, Vec<Cue>);

fn one() -> f64 {
    1.0
}

/// Parses and compiles lexicon source text; `origin` names the file in error messages.
pub(super) fn parse(src: &str, origin: &str) -> Result<Lexicon> {
    let raw: RawLexicon = toml::from_str(src).map_err(|e| {
        let msg = e.message().trim().to_string();
        let line = e.span().map(|s| src[..s.start.min(src.len())].lines().count().max(1));
        match line {
            Some(l) => Error::data(format!("{origin}:{l}: {msg}; fix the lexicon file")),
            None => Error::data(format!("{origin}: {msg}; fix the lexicon file")),
        }
    })?;
    let bad = |what: String| Error::data(format!("{origin}: {what}; fix the lexicon file"));

    let mut classes = BTreeMap::new();
    for (name, alts) in &raw.word_classes {
        let alts = alts.iter().map(|a| Alt::parse(a)).collect::<std::result::Result<Vec<_>, _>>();
        classes.insert(name.clone(), alts.map_err(|e| bad(format!("word class `{name}`: {e}")))?);
    }
    let plain = |list: &[String], what: &str| -> Result<Vec<Pattern>> {
        list.iter().map(|p| Pattern::parse(p, &classes, None).map_err(|e| bad(format!("{what} `{p}`: {e}")))).collect()
    };

    let concept_ids: Vec<String> = raw.concepts.keys().cloned().collect();
    let concept_index: BTreeMap<String, usize> = concept_ids.iter().enumerate().map(|(i, c)| (c.clone(), i)).collect();
    let concept_fallback: Vec<bool> = raw.concepts.values().map(|c| c.fallback).collect();
    let (mut concept_patterns, mut concept_of) = (Vec::new(), Vec::new());
    for (c, (id, concept)) in raw.concepts.iter().enumerate() {
        if concept.fr.is_empty() || concept.en.is_empty() {
            return Err(bad(format!("concept `{id}` needs both `fr` and `en` expressions")));
        }
        for p in concept.fr.iter().chain(&concept.en) {
            let pat = Pattern::parse(p, &classes, None).map_err(|e| bad(format!("concept `{id}`, `{p}`: {e}")))?;
            if !pat.first_pieces().all(|p| matches!(p, Piece::Tok(_))) {
                return Err(bad(format!("concept `{id}`, `{p}`: must start with a word")));
            }
            concept_of.push(c);
            concept_patterns.push(pat);
        }
    }
    // Concept patterns first: they are matched before the cues that may refer to concepts.
    let mut index = PatternIndex::default();
    let concept_patterns = index.add(concept_patterns);
    let markers = Markers {
        negators: index.add(plain(&raw.markers.negators, "negator")?),
        not_negations: index.add(plain(&raw.markers.not_negations, "not_negations")?),
        hedges: index.add(plain(&raw.markers.hedges, "hedge")?),
        contrast: index.add(plain(&raw.markers.contrast, "contrast marker")?),
        clause_breaks: index.add(plain(&raw.markers.clause_breaks, "clause break")?),
        coordinated_negators: index.add(plain(&raw.markers.coordinated_negators, "coordinated negator")?),
        rejections: index.add(plain(&raw.markers.rejections, "rejection")?),
        harms: index.add(plain(&raw.markers.harms, "harm")?),
        subordinators: index.add(plain(&raw.markers.subordinators, "subordinator")?),
        raising: index.add(plain(&raw.markers.raising, "raising")?),
        preposed_conditions: index.add(plain(&raw.markers.preposed_conditions, "preposed condition")?),
        reported: index.add(plain(&raw.markers.reported, "reported")?),
        report_contrast: index.add(plain(&raw.markers.report_contrast, "report contrast")?),
        descriptive: index.add(plain(&raw.markers.descriptive, "descriptive")?),
        rhetorical: index.add(plain(&raw.markers.rhetorical, "rhetorical")?),
        concessive: index.add(plain(&raw.markers.concessive, "concessive")?),
        trailing_rejections: index.add(plain(&raw.markers.trailing_rejections, "trailing rejection")?),
    };

    let domain = match raw.domain {
        Some(d) => Some(compile_domain(d, &bad, &classes, &concept_index, &mut index)?),
        None => None,
    };

    // Cue lists of a topic or claim `owner`: sources for display, patterns and cues (same order).
    let compile_cues = |owner: &str, support: &[RawCue], oppose: &[RawCue]| -> Result<CompiledCues> {
        let mut cues = Vec::new();
        for (polarity, list) in [(Stance::Support, support), (Stance::Oppose, oppose)] {
            for raw_cue in list {
                let full = match raw_cue {
                    RawCue::Plain(s) => FullCue { cue: s.clone(), weight: 1.0, fixed: false, requires: vec![] },
                    RawCue::Full(f) => {
                        FullCue { cue: f.cue.clone(), weight: f.weight, fixed: f.fixed, requires: f.requires.clone() }
                    }
                };
                let where_ = format!("topic `{owner}`, cue `{}`", full.cue);
                let pattern = Pattern::parse(&full.cue, &classes, Some(&concept_index))
                    .map_err(|e| bad(format!("{where_}: {e}")))?;
                let requires = full
                    .requires
                    .iter()
                    .map(|c| {
                        concept_index.get(c).copied().ok_or_else(|| bad(format!("{where_}: unknown concept `{c}`")))
                    })
                    .collect::<Result<Vec<_>>>()?;
                if full.weight <= 0.0 {
                    return Err(bad(format!("{where_}: weight must be positive")));
                }
                cues.push((pattern, Cue { polarity, weight: full.weight, fixed: full.fixed, requires }));
            }
        }
        let sources =
            |p: Stance| cues.iter().filter(|(_, c)| c.polarity == p).map(|(pat, _)| pat.source.clone()).collect();
        let (support, oppose) = (sources(Stance::Support), sources(Stance::Oppose));
        let (patterns, cues): (Vec<Pattern>, Vec<Cue>) = cues.into_iter().unzip();
        Ok((support, oppose, patterns, cues))
    };

    let mut topics = Vec::new();
    for t in raw.topics {
        if topics.iter().any(|d: &TopicDef| d.id == t.id) {
            return Err(bad(format!("topic `{}` is defined twice", t.id)));
        }
        let mut weights = Vec::new();
        for (c, w) in &t.concepts {
            let &ci = concept_index.get(c).ok_or_else(|| bad(format!("topic `{}`: unknown concept `{c}`", t.id)))?;
            weights.push((ci, *w));
        }
        let (support, oppose, patterns, cues) = compile_cues(&t.id, &t.support, &t.oppose)?;
        topics.push(TopicDef {
            support,
            oppose,
            id: t.id,
            label: t.label,
            label_fr: t.label_fr,
            proposition: t.proposition,
            concepts: t.concepts,
            requires_domain: t.requires_domain,
            weights,
            cues,
            cue_patterns: index.add(patterns),
        });
    }
    if topics.is_empty() {
        return Err(bad("no [[topics]] defined".to_string()));
    }
    let mut claims: Vec<TopicDef> = Vec::new();
    for c in raw.claims {
        if topics.iter().chain(&claims).any(|d| d.id == c.id) {
            return Err(bad(format!("claim `{}`: the id is already a topic or a claim", c.id)));
        }
        let (support, oppose, patterns, cues) = compile_cues(&c.id, &c.support, &c.oppose)?;
        claims.push(TopicDef {
            support,
            oppose,
            id: c.id,
            label: c.label.clone(),
            label_fr: String::new(),
            proposition: c.label,
            concepts: BTreeMap::new(),
            requires_domain: false,
            weights: Vec::new(),
            cues,
            cue_patterns: index.add(patterns),
        });
    }
    let mut relations = Vec::new();
    for r in raw.relations {
        let where_ = format!("relation `{} → {}`", r.from, r.to);
        let from = match (topics.iter().position(|d| d.id == r.from), claims.iter().position(|d| d.id == r.from)) {
            (Some(i), _) => Proposition::Topic(i),
            (None, Some(i)) => Proposition::Claim(i),
            _ => return Err(bad(format!("{where_}: `from` must be a topic or a claim id"))),
        };
        let to = topics
            .iter()
            .position(|d| d.id == r.to)
            .ok_or_else(|| bad(format!("{where_}: `to` must be a topic id")))?;
        if from == Proposition::Topic(to) {
            return Err(bad(format!("{where_}: a topic cannot relate to itself")));
        }
        let against = match r.effect.as_str() {
            "for" => false,
            "against" => true,
            e => return Err(bad(format!("{where_}: effect `{e}` must be `for` or `against`"))),
        };
        if r.weight <= 0.0 {
            return Err(bad(format!("{where_}: weight must be positive")));
        }
        let requires = r
            .requires
            .iter()
            .map(|c| concept_index.get(c).copied().ok_or_else(|| bad(format!("{where_}: unknown concept `{c}`"))))
            .collect::<Result<Vec<_>>>()?;
        if r.why.trim().is_empty() {
            return Err(bad(format!("{where_}: say `why` the relation holds")));
        }
        relations.push(Relation { from, to, against, weight: r.weight, requires, why: r.why });
    }
    Ok(Lexicon {
        version: raw.version,
        settings: raw.settings,
        concept_ids,
        concept_patterns,
        concept_of,
        concept_fallback,
        index,
        markers,
        domain,
        topics,
        claims,
        relations,
    })
}

/// Compiles the `[domain]` table: checks its numbers, parses its expressions (concepts allowed in
/// `strong` and `weak`) into the shared index.
fn compile_domain(
    d: RawDomain,
    bad: &dyn Fn(String) -> Error,
    classes: &BTreeMap<String, Vec<Alt>>,
    concept_index: &BTreeMap<String, usize>,
    index: &mut PatternIndex,
) -> Result<DomainRules> {
    let numbers = [
        ("threshold", d.threshold),
        ("weak_weight", d.weak_weight),
        ("length_norm_words", d.length_norm_words),
        ("list_discount", d.list_discount),
    ];
    if let Some((name, _)) = numbers.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
        return Err(bad(format!("[domain] {name} must be a positive number")));
    }
    if d.strong.is_empty() {
        return Err(bad("[domain] strong needs at least one expression".to_string()));
    }
    let parse = |list: &[String], what: &str, concepts: Option<&BTreeMap<String, usize>>| -> Result<Vec<Pattern>> {
        list.iter()
            .map(|p| Pattern::parse(p, classes, concepts).map_err(|e| bad(format!("[domain] {what} `{p}`: {e}"))))
            .collect()
    };
    let mut terms = parse(&d.strong, "strong", Some(concept_index))?;
    let mut weights = vec![1.0; terms.len()];
    terms.extend(parse(&d.weak, "weak", Some(concept_index))?);
    weights.resize(terms.len(), d.weak_weight);
    let not = parse(&d.not, "not", None)?;
    Ok(DomainRules {
        settings: DomainSettings {
            threshold: d.threshold,
            weak_weight: d.weak_weight,
            length_norm_words: d.length_norm_words,
            list_discount: d.list_discount,
            list_item_words: d.list_item_words,
            list_min_items: d.list_min_items,
            document_weight: d.document_weight,
            neighbour_weight: d.neighbour_weight,
        },
        terms: index.add(terms),
        weights,
        not: index.add(not),
        list_words: d.list_words.iter().map(|w| w.trim().to_lowercase()).collect(),
    })
}
