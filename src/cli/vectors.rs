//! `stance vectors`: the fitted vocabulary, idf and sparse TF-IDF rows, for checking and export.

use clap::Args;
use serde::Serialize;

use super::{emit, Ctx};
use stance::render::table::table;
use stance::render::{self, Format};
use stance::Result;

/// Vocabulary, idf and the sparse TF-IDF passage rows
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stance vectors                       # summary and the heaviest terms of each passage
  stance vectors --format json > tfidf.json
  stance vectors --format csv > tfidf_long.csv   # document,passage,term,value")]
pub struct VectorsArgs {
    /// Terms shown per passage in the table
    #[arg(long, default_value_t = 5)]
    pub terms: usize,
}

#[derive(Debug, Serialize)]
pub struct SparseRow {
    pub document: String,
    pub passage: usize,
    pub indices: Vec<u32>,
    pub values: Vec<f64>,
}

#[derive(Debug, Serialize)]
pub struct VectorsReport {
    pub n_rows: usize,
    pub n_cols: usize,
    pub nnz: usize,
    pub vocabulary: Vec<String>,
    pub idf: Vec<f64>,
    pub rows: Vec<SparseRow>,
    pub model: String,
}

pub fn run(ctx: &Ctx, args: VectorsArgs) -> Result<()> {
    stance::limits::count("--terms", args.terms, 0, stance::limits::MAX_TERMS)?;
    let a = ctx.analysis()?;
    let m = &a.matrix;
    let vocab = &a.tfidf.vocabulary;
    let doc_of = |i: usize| a.corpus.documents[a.passages[i].doc].id.clone();
    match ctx.global.format {
        Format::Json => {
            let rows = (0..m.n_rows)
                .map(|i| {
                    let (idx, vals) = m.row(i);
                    SparseRow {
                        document: doc_of(i),
                        passage: a.passages[i].index,
                        indices: idx.to_vec(),
                        values: vals.to_vec(),
                    }
                })
                .collect();
            let report = VectorsReport {
                n_rows: m.n_rows,
                n_cols: m.n_cols,
                nnz: m.nnz(),
                vocabulary: vocab.clone(),
                idf: a.tfidf.idf.clone(),
                rows,
                model: a.model_id(),
            };
            emit(&render::json(&report))
        }
        Format::Csv => {
            let rows = (0..m.n_rows).flat_map(|i| {
                let (idx, vals) = m.row(i);
                let (doc, passage) = (doc_of(i), a.passages[i].index.to_string());
                idx.iter()
                    .zip(vals)
                    .map(move |(&c, v)| vec![doc.clone(), passage.clone(), vocab[c as usize].clone(), v.to_string()])
                    .collect::<Vec<_>>()
            });
            emit(&stance::export::csv::rows(&["document", "passage", "term", "value"], rows)?)
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = (0..m.n_rows)
                .map(|i| {
                    let (idx, vals) = m.row(i);
                    let mut top: Vec<(u32, f64)> = idx.iter().copied().zip(vals.iter().copied()).collect();
                    top.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                    let terms = top
                        .iter()
                        .take(args.terms)
                        .map(|(c, v)| format!("{} {v:.2}", vocab[*c as usize]))
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![format!("{} #{}", doc_of(i), a.passages[i].index), idx.len().to_string(), terms]
                })
                .collect();
            emit(&format!(
                "{} passages × {} features, {} non-zeros (TF-IDF, sublinear tf, smooth idf, rows L2-normalised)\n{}\n",
                m.n_rows,
                m.n_cols,
                m.nnz(),
                table(&["document #passage", "nnz", "heaviest terms"], &rows)
            ))
        }
    }
}
