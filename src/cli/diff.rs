//! `stance diff`: what moved between two runs — vocabulary-similarity cells and agreements
//! beyond their bootstrap interval, stance changes, position changes, topics and clusters entered,
//! new issuers — with the new passages that moved them.

use clap::Args;

use super::{emit, Ctx};
use stance::compare::change::PairChange;
use stance::compare::drift::Cited;
use stance::render::table::table;
use stance::render::{self, Format};
use stance::store::{Diff, DiffParams, Run, Workspace};
use stance::topics::StanceCounts;
use stance::{Error, Result};

/// What moved between two runs (default: the last two), with the passages that moved it
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance diff --workspace ws/                 # the last two runs
  stance diff --workspace ws/ 1 3             # run 1 → run 3
  stance diff --workspace ws/ --format json | jq '.stances'

A vocabulary-similarity cell or an agreement is listed when it changed by more than half the width
of the earlier run's 95% bootstrap interval (its sampling noise). Evidence: the passages of the
documents added between the runs, title lines left out — for similarity, ranked by how much they
pull the pair together (or apart); for agreement, those of either side on the topic, stance-taking
ones first. A position change: the position found on a topic at the fit (`stance clusters`; later
passages join the nearest) that holds most of an issuer's passages there is another one; evidence:
its new passages on the topic that joined it.")]
pub struct DiffArgs {
    /// Two run ids, older first (see `stance history`)
    #[arg(value_name = "RUN", num_args = 0..=2)]
    pub runs: Vec<i64>,
    /// Bootstrap draws for the earlier run's intervals
    #[arg(long, default_value_t = 200)]
    pub draws: usize,
    /// Evidence passages per change
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub evidence: usize,
    /// At most this many rows per table section (0 = all; JSON and CSV always hold all)
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
}

pub fn run(ctx: &Ctx, args: DiffArgs) -> Result<()> {
    let root = ctx.workspace_dir("diff")?;
    stance::limits::check_draws(args.draws, 0)?;
    stance::limits::count("--evidence", args.evidence, 0, stance::limits::MAX_EVIDENCE)?;
    let runs = match args.runs.as_slice() {
        [] => None,
        [a, b] => Some((*a, *b)),
        _ => return Err(Error::usage("give two runs (RUN_A RUN_B, older first) or none for the last two")),
    };
    let params = DiffParams { similarity: ctx.bootstrap(args.draws), evidence: args.evidence };
    let diff = Workspace::open_read_only(&root)?.diff(runs, &params)?;
    emit(&match ctx.global.format {
        Format::Json => render::json(&diff),
        Format::Csv => to_csv(&diff)?,
        Format::Table => to_table(&diff, args.limit),
    })
}

fn refs(ids: &[usize]) -> String {
    ids.iter().map(|i| format!("[{}]", i + 1)).collect::<Vec<_>>().join(" ")
}

fn counts(c: StanceCounts) -> String {
    format!("{}/{}/{}", c.support(), c.oppose(), c.neutral())
}

fn describe(r: &Run) -> String {
    format!("run {} ({}, {}, model v{} {}, {} docs)", r.id, r.kind, r.created, r.model_version, r.model, r.n_docs)
}

/// A CSV row of a similarity cell or an agreement that moved.
fn change_row<X>(kind: &str, c: &Cited<PairChange<X>>) -> Vec<String> {
    let (m, f) = (&c.change, |x: f64| x.to_string());
    vec![
        kind.into(),
        c.by.as_str().into(),
        m.topic.clone().unwrap_or_default(),
        m.a.clone(),
        m.b.clone(),
        f(m.before),
        f(m.after),
        f(m.delta),
        m.margin.map(f).unwrap_or_default(),
        refs(&c.evidence),
    ]
}

/// A table row of a similarity cell or an agreement that moved; `all`: the topic column when it
/// is over everything.
fn change_cells<X>(c: &Cited<PairChange<X>>, all: String) -> Vec<String> {
    let m = &c.change;
    vec![
        c.by.as_str().to_string(),
        m.topic.clone().unwrap_or(all),
        format!("{} ~ {}", m.a, m.b),
        match m.margin {
            Some(margin) => format!("{:.3} ±{margin:.3}", m.before),
            None => format!("{:.3} (n<3)", m.before),
        },
        format!("{:.3}", m.after),
        format!("{:+.3}", m.delta),
        refs(&c.evidence),
    ]
}

/// Tidy CSV: one row per change; `evidence` holds 1-based evidence numbers (see `--format json`).
fn to_csv(d: &Diff) -> Result<String> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in &d.drift.cells {
        rows.push(change_row("cell", c));
    }
    for m in &d.drift.agreement {
        rows.push(change_row("agreement", m));
    }
    for n in &d.drift.agreement_entered {
        let e = &n.change;
        rows.push(vec![
            "agreement_entered".into(),
            n.by.as_str().into(),
            e.topic.clone(),
            e.a.clone(),
            e.b.clone(),
            String::new(),
            e.agreement.value.map(|x| x.to_string()).unwrap_or_default(),
            String::new(),
            String::new(),
            refs(&n.evidence),
        ]);
    }
    for s in &d.drift.stances {
        rows.push(vec![
            "stance".into(),
            "issuer".into(),
            s.topic.clone(),
            s.issuer.clone(),
            String::new(),
            s.before.as_str().into(),
            s.after.as_str().into(),
            String::new(),
            String::new(),
            refs(&s.evidence),
        ]);
    }
    for m in &d.drift.position_changes {
        rows.push(vec![
            "position".into(),
            "issuer".into(),
            m.topic.clone(),
            m.issuer.clone(),
            String::new(),
            m.before.to_string(),
            m.after.to_string(),
            String::new(),
            String::new(),
            refs(&m.evidence),
        ]);
    }
    for e in d.drift.topics_entered.iter().chain(&d.drift.clusters_entered) {
        let (kind, scope) = match (&e.topic, e.cluster) {
            (Some(t), _) => ("topic_entered", t.clone()),
            (None, c) => ("cluster_entered", c.map(|c| c.to_string()).unwrap_or_default()),
        };
        rows.push(vec![
            kind.into(),
            "issuer".into(),
            scope,
            e.issuer.clone(),
            String::new(),
            String::new(),
            e.n.to_string(),
            String::new(),
            String::new(),
            refs(&e.evidence),
        ]);
    }
    for g in &d.drift.new_groups {
        rows.push(vec![
            "new_group".into(),
            g.by.as_str().into(),
            String::new(),
            g.name.clone(),
            String::new(),
            String::new(),
            g.n.to_string(),
            String::new(),
            String::new(),
            refs(&g.evidence),
        ]);
    }
    stance::export::csv::rows(
        &["change", "by", "topic", "group", "other", "before", "after", "delta", "margin", "evidence"],
        rows,
    )
}

/// Appends a titled table, or "none", keeping at most `limit` rows.
fn section(out: &mut String, title: &str, header: &[&str], mut rows: Vec<Vec<String>>, limit: usize) {
    if rows.is_empty() {
        out.push_str(&format!("\n{title}: none.\n"));
        return;
    }
    let more = if limit > 0 && rows.len() > limit { rows.len() - limit } else { 0 };
    rows.truncate(rows.len() - more);
    out.push_str(&format!("\n{title}:\n{}\n", table(header, &rows)));
    if more > 0 {
        out.push_str(&format!("… and {more} more (--limit 0 or --format json for all)\n"));
    }
}

fn to_table(d: &Diff, limit: usize) -> String {
    let mut out = format!("From {}\n  to {}\n", describe(&d.from), describe(&d.to));
    out.push_str(&match d.added_documents.len() {
        0 => "No document added between the runs.\n".to_string(),
        n => format!("{n} document(s) added: {}.\n", d.added_documents.join(", ")),
    });
    if d.same_model {
        let rows = d.drift.cells.iter().map(|c| change_cells(c, "(all)".into())).collect();
        let title = format!(
            "Vocabulary-similarity cells that moved more than run {}'s 95% bootstrap margin ({} more changed less, {} had too few passages for a margin)",
            d.from.id, d.drift.cells_within_interval, d.drift.cells_without_interval
        );
        section(&mut out, &title, &["by", "topic", "pair", "before ±95%", "after", "Δ", "evidence"], rows, limit);
    } else {
        out.push_str(&format!(
            "\nVocabulary-similarity cells not compared: the model changed (v{} → v{}), so every number moved with the refit.\n",
            d.from.model_version, d.to.model_version
        ));
    }
    if d.drift.agreement_compared {
        let rows = d
            .drift
            .agreement
            .iter()
            .map(|m| change_cells(m, format!("(all: {} topic(s))", m.change.detail.shared_topics_after)))
            .collect();
        let title = format!(
            "Agreement that moved more than run {}'s 95% bootstrap margin, or where it had too few passages for one \
             (n<3: {} of them; {} more changed less than their margin)",
            d.from.id, d.drift.agreement_without_interval, d.drift.agreement_within_interval
        );
        section(&mut out, &title, &["by", "topic", "pair", "before ±95%", "after", "Δ", "evidence"], rows, limit);
        let rows = d
            .drift
            .agreement_entered
            .iter()
            .map(|n| {
                let e = &n.change;
                let a = e.agreement;
                let value = match (a.value, a.low, a.high) {
                    (Some(v), Some(lo), Some(hi)) => format!("{v:.3} [{lo:.3}–{hi:.3}]"),
                    (Some(v), ..) => format!("{v:.3} (n<3)"),
                    _ => String::new(),
                };
                vec![n.by.as_str().to_string(), e.topic.clone(), format!("{} ~ {}", e.a, e.b), value, refs(&n.evidence)]
            })
            .collect();
        section(
            &mut out,
            "Agreement on topics a pair now addresses together (a side entered the topic)",
            &["by", "topic", "pair", "agreement [95% CI]", "evidence"],
            rows,
            limit,
        );
    } else {
        out.push_str(&format!(
            "\nAgreement not compared: run {} was recorded before stance positions were kept; run `stance update` again to compare from it.\n",
            d.from.id
        ));
    }
    let rows = d
        .drift
        .stances
        .iter()
        .map(|s| {
            vec![
                s.issuer.clone(),
                s.topic.clone(),
                format!("{} ({})", s.before.as_str(), counts(s.before_counts)),
                format!("{} ({})", s.after.as_str(), counts(s.after_counts)),
                refs(&s.evidence),
            ]
        })
        .collect();
    section(
        &mut out,
        "Stance changes (passages support/oppose/neutral)",
        &["issuer", "topic", "before", "after", "evidence"],
        rows,
        limit,
    );
    if d.drift.positions_compared {
        let held = |c: usize, counts: &[usize], label: &str| {
            let of: usize = counts.iter().sum();
            format!("#{c} {} of {of}: {label}", counts.get(c).copied().unwrap_or(0))
        };
        let rows = d
            .drift
            .position_changes
            .iter()
            .map(|m| {
                vec![
                    m.issuer.clone(),
                    m.topic.clone(),
                    held(m.before, &m.before_counts, &m.before_label),
                    held(m.after, &m.after_counts, &m.after_label),
                    refs(&m.evidence),
                ]
            })
            .collect();
        section(
            &mut out,
            "Position changes (the position found on the topic that holds most of the issuer's passages there; \
             see `stance clusters`)",
            &["issuer", "topic", "before", "after", "evidence"],
            rows,
            limit,
        );
    } else {
        out.push_str(&format!(
            "\nPositions not compared: runs {} and {} do not keep the same positions (a refit finds new ones; runs \
             recorded before positions were kept have none: `stance fit --workspace` starts keeping them).\n",
            d.from.id, d.to.id
        ));
    }
    let entered = |es: &[stance::store::Entered]| -> Vec<Vec<String>> {
        es.iter()
            .map(|e| {
                let scope = e.topic.clone().or(e.cluster.map(|c| c.to_string())).unwrap_or_default();
                vec![e.issuer.clone(), scope, e.n.to_string(), refs(&e.evidence)]
            })
            .collect()
    };
    section(
        &mut out,
        "Topics entered",
        &["issuer", "topic", "passages", "evidence"],
        entered(&d.drift.topics_entered),
        limit,
    );
    if d.same_model {
        section(
            &mut out,
            "Clusters entered",
            &["issuer", "cluster", "passages", "evidence"],
            entered(&d.drift.clusters_entered),
            limit,
        );
    }
    let rows = d
        .drift
        .new_groups
        .iter()
        .map(|g| vec![g.by.as_str().to_string(), g.name.clone(), g.n.to_string(), refs(&g.evidence)])
        .collect();
    section(&mut out, "New issuers and blocs", &["by", "name", "passages", "evidence"], rows, limit);
    if !d.drift.evidence.is_empty() {
        out.push_str("\nEvidence (passages of the added documents):\n");
        for (i, e) in d.drift.evidence.iter().enumerate() {
            let text: String = e.text.chars().take(240).collect();
            let cut = if text.len() < e.text.len() { "…" } else { "" };
            out.push_str(&format!(
                "[{}] {} — {} ¶{} ({}, {}): {text}{cut}\n",
                i + 1,
                e.provenance.issuer,
                e.provenance.document,
                e.provenance.span.passage,
                e.topic.as_deref().unwrap_or("no topic"),
                e.stance.map_or("-", |s| s.as_str())
            ));
        }
    }
    out
}
