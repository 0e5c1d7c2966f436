//! The bodies of the fuzz targets (docs/security.md, "Fuzzing"): each takes arbitrary bytes,
//! runs one loader of untrusted input, and panics only if the loader breaks a promise — a
//! panic inside the loader, an error that is not one line, or text offsets that do not match
//! the text. `tests/suite/fuzz_props.rs` drives them with proptest on every `cargo test`; the
//! cargo-fuzz targets in `fuzz/` call the same functions.

use std::path::Path;

use crate::corpus;
use crate::model::ModelFile;
use crate::pipeline::{features, split_text};
use crate::text::analyze::Analyzer;
use crate::text::lang::Lang;
use crate::topics::Lexicon;
use crate::Error;

/// An error must be one line (the CLI prints it as is).
fn one_line(e: &Error) {
    let s = e.to_string();
    assert!(!s.contains('\n') && !s.is_empty(), "not a one-line error: {s:?}");
}

/// Manifest + texts: `manifest` is written as `manifest.csv` beside `files` (name, bytes), then
/// the corpus is loaded. Names are reduced to plain file names so the target cannot write
/// outside its temporary folder; the manifest itself may name anything (`../x`, `/etc/passwd`).
pub fn corpus_loader(manifest: &[u8], files: &[(String, Vec<u8>)]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("corpus");
    std::fs::create_dir(&root).expect("mkdir");
    std::fs::write(root.join("manifest.csv"), manifest).expect("write manifest");
    for (name, bytes) in files {
        let plain: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_').collect();
        if plain.is_empty() || plain.starts_with('.') || plain == "manifest.csv" {
            continue;
        }
        let _ = std::fs::write(root.join(plain), bytes);
    }
    std::fs::write(dir.path().join("outside.txt"), "A text outside the corpus folder, which must never be read.")
        .expect("write");
    match corpus::load(&root) {
        Ok(c) => {
            for d in &c.documents {
                assert!(!d.text.contains("must never be read"), "read a file outside the corpus: {}", d.id);
                assert!(!d.text.trim().is_empty() && !d.text.contains('\r'));
            }
        }
        Err(e) => one_line(&e),
    }
}

/// A model file of arbitrary bytes: opening, slicing and loading it either fail with a one-line
/// error or give a model.
pub fn model_loader(bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.bin");
    std::fs::write(&path, bytes).expect("write");
    check_model_file(&path);
}

/// `model_loader` on a file whose BLAKE3 checksum is made to match its (arbitrary) body, so the
/// fuzzer reaches the header and section parsing behind the checksum.
pub fn model_loader_past_checksum(body: &[u8]) {
    let mut bytes = crate::model::FORMAT_VERSION.to_le_bytes().to_vec();
    bytes.extend(blake3::hash(body).as_bytes());
    bytes.extend(body);
    model_loader(&bytes);
}

fn check_model_file(path: &Path) {
    match ModelFile::open(path) {
        Ok(file) => {
            let terms = ["a", "état", "zzz"].iter().map(|s| s.to_string()).collect();
            match file.slice(&terms) {
                Ok(_) => {}
                Err(e) => one_line(&e),
            }
            if let Err(e) = file.load() {
                one_line(&e);
            }
        }
        Err(e) => one_line(&e),
    }
}

/// The text pipeline on arbitrary bytes: the same normalisation as a file
/// (`corpus::read::extract`), passages whose offsets lie on character boundaries of the text
/// and in order, and features for each passage in both languages.
pub fn text_pipeline(bytes: &[u8]) {
    let text = match corpus::read::extract("<fuzz>", bytes.to_vec()) {
        Ok(t) => t.text,
        Err(e) => return one_line(&e),
    };
    static LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    let lexicon = LEXICON.get_or_init(Lexicon::builtin); // parsed once, not per input
    let params = crate::pipeline::Params::default();
    let mut last_end = 0;
    for p in split_text(&text, &params.segment) {
        assert!(p.start <= p.end && p.end <= text.len(), "offsets {}..{} of {}", p.start, p.end, text.len());
        assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
        assert!(p.start >= last_end, "passages overlap or go back");
        last_end = p.end;
        for lang in [Lang::Fr, Lang::En] {
            let analyzer = Analyzer::new(lang, params.analyzer);
            let _ = features(&p.text, &analyzer, Some(lexicon));
        }
    }
}

/// The document readers (`corpus::read::extract`: text in any encoding, HTML, DOCX, PDF) and the
/// tables of texts (`corpus::read::table`: CSV, JSON lines, JSON) on arbitrary bytes: a text
/// with LF line ends that is not empty, or a one-line error.
pub fn document_readers(bytes: &[u8]) {
    for name in ["<fuzz>.txt", "<fuzz>.html", "<fuzz>.docx", "<fuzz>.pdf"] {
        match corpus::read::extract(name, bytes.to_vec()) {
            Ok(read) => assert!(!read.text.trim().is_empty() && !read.text.contains('\r'), "{name}"),
            Err(e) => one_line(&e),
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["t.csv", "t.jsonl", "t.json"] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        match corpus::read::table::load_table(&path, &Default::default()) {
            Ok(c) => assert!(c.documents.iter().all(|d| !d.text.trim().is_empty() && !d.text.contains('\r'))),
            Err(e) => one_line(&e),
        }
    }
}

/// A Word file (`.docx`) with these paragraphs and title, as a test fixture or a seed for
/// [`document_readers`]: the smallest file Word's format needs (the body part, content types,
/// and the core properties when a title is given).
pub fn sample_docx(paragraphs: &[&str], title: Option<&str>) -> Vec<u8> {
    corpus::read::docx::sample(paragraphs, title)
}

/// A PDF with these pages of lines (Helvetica, uncompressed), as a test fixture or a seed for
/// [`document_readers`].
pub fn sample_pdf(pages: &[&[&str]]) -> Vec<u8> {
    corpus::read::pdf::sample(pages)
}
