//! `stance topics --check`: a lexicon file that loads (every rule compiles) may still carry dead
//! weight or ambiguity. This lists concepts and word classes nothing names (no topic, cue,
//! claim, relation or domain list: they never count), and expressions written in more than one
//! concept (or twice in one list), where the longest-then-leftmost rule silently picks one.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::{Error, Result};

/// An expression written more than once: in which concepts (and languages) it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overlap {
    pub expression: String,
    /// `concept (fr|en)`, in file order of the concepts (sorted ids).
    pub places: Vec<String>,
}

/// What `--check` found in a lexicon that loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LexiconCheck {
    pub file: String,
    pub version: String,
    pub n_topics: usize,
    pub n_concepts: usize,
    /// Concepts no topic, cue, claim, relation or domain list names.
    pub unused_concepts: Vec<String>,
    /// Word classes no pattern names.
    pub unused_word_classes: Vec<String>,
    pub overlapping: Vec<Overlap>,
}

impl LexiconCheck {
    /// Nothing to report.
    pub fn is_clean(&self) -> bool {
        self.unused_concepts.is_empty() && self.unused_word_classes.is_empty() && self.overlapping.is_empty()
    }
}

/// Names after `sigil` (`@concept`, `$class`) in a pattern string.
fn named(s: &str, sigil: char) -> impl Iterator<Item = &str> {
    s.match_indices(sigil).map(move |(i, _)| {
        let rest = &s[i + 1..];
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        &rest[..end]
    })
}

/// Every concept and word class that some part of the file names, outside the concept and word
/// class definitions themselves (a class may name another class: that counts).
fn references(v: &toml::Value, key: &str, concepts: &mut BTreeSet<String>, classes: &mut BTreeSet<String>) {
    match v {
        toml::Value::String(s) => {
            concepts.extend(named(s, '@').map(str::to_string));
            classes.extend(named(s, '$').map(str::to_string));
            if key == "requires" {
                concepts.insert(s.clone());
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|x| references(x, key, concepts, classes)),
        toml::Value::Table(t) => {
            for (k, x) in t {
                if key == "topics" && k == "concepts" {
                    if let toml::Value::Table(weights) = x {
                        concepts.extend(weights.keys().cloned());
                    }
                }
                references(x, k, concepts, classes);
            }
        }
        _ => {}
    }
}

/// Checks lexicon source `src` (read from `file`): it must load ([`super::Lexicon`] errors are
/// returned as they are), then the report above.
pub fn check(src: &str, file: &str) -> Result<LexiconCheck> {
    let lexicon = super::lexicon::parse(src, file)?;
    let doc: toml::Table = src.parse().map_err(|e| Error::usage(format!("{file}: {e}")))?;
    let table = |k: &str| doc.get(k).and_then(toml::Value::as_table).cloned().unwrap_or_default();
    let (concept_defs, class_defs) = (table("concepts"), table("word_classes"));

    let (mut used_concepts, mut used_classes) = (BTreeSet::new(), BTreeSet::new());
    for (k, v) in &doc {
        if k != "concepts" {
            references(v, k, &mut used_concepts, &mut used_classes);
        }
    }
    // Word classes used inside concept expressions, and classes naming classes.
    for v in concept_defs.values().chain(class_defs.values()) {
        references(v, "", &mut BTreeSet::new(), &mut used_classes);
    }

    let mut places: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, def) in &concept_defs {
        for lang in ["fr", "en"] {
            let expressions = def.get(lang).and_then(toml::Value::as_array).map(Vec::as_slice).unwrap_or_default();
            for e in expressions.iter().filter_map(toml::Value::as_str) {
                places.entry(e.trim().to_string()).or_default().push(format!("{id} ({lang})"));
            }
        }
    }
    Ok(LexiconCheck {
        file: file.to_string(),
        version: lexicon.version().to_string(),
        n_topics: lexicon.topics().len(),
        n_concepts: concept_defs.len(),
        unused_concepts: concept_defs.keys().filter(|c| !used_concepts.contains(*c)).cloned().collect(),
        unused_word_classes: class_defs.keys().filter(|c| !used_classes.contains(*c)).cloned().collect(),
        // The same word in a concept's French and English lists is normal (acronyms, names).
        overlapping: places
            .into_iter()
            .filter(|(_, p)| {
                let concepts: BTreeSet<&str> = p.iter().filter_map(|x| x.split(' ').next()).collect();
                concepts.len() > 1 || p.iter().collect::<BTreeSet<_>>().len() < p.len()
            })
            .map(|(expression, places)| Overlap { expression, places })
            .collect(),
    })
}
