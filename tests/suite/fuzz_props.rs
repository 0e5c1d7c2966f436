//! Property tests over the fuzz target bodies (`stance::fuzzing`), on every `cargo test`: the
//! manifest + text loader, the model loader (raw bytes, and mutations of a real model with and
//! without a matching checksum), the text pipeline, and the document readers (text in any
//! encoding, HTML, DOCX and PDF — raw bytes and mutations of real files — and tables of texts). Case counts are bounded so the whole file
//! runs in seconds; `fuzz/` has the cargo-fuzz targets for longer runs (docs/security.md).

use std::sync::OnceLock;

use crate::common::*;
use proptest::prelude::*;
use stance::fuzzing;

/// Bytes that look like the input: mostly text with CSV punctuation, paths and odd characters.
fn texty() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop_oneof![
        Just(b"file,issuer,bloc,date,lang\n".to_vec()),
        Just(b"a.txt,Russia,east,2020-01-01,fr\n".to_vec()),
        Just(b"../outside.txt,Evil\n".to_vec()),
        Just(b"/etc/passwd,Evil\n".to_vec()),
        Just(b"\"quoted, field\",\"x\"\"y\"\n".to_vec()),
        Just(FR_TEXT.as_bytes().to_vec()),
        Just(EN_TEXT.as_bytes().to_vec()),
        Just("\u{feff}\r\n\r\u{a0}\u{202f}’ʼ l'État qu'il -\nci ____ 1 Voir".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..16),
    ];
    proptest::collection::vec(pieces, 0..8).prop_map(|v| v.concat())
}

/// A real Word file to mutate (deflated, as Word writes it).
fn docx_bytes() -> &'static [u8] {
    static DOCX: OnceLock<Vec<u8>> = OnceLock::new();
    DOCX.get_or_init(|| fuzzing::sample_docx(&[FR_TEXT, EN_TEXT], Some("Déclaration")))
}

/// A PDF to mutate: uncompressed, so flipped bytes reach the page content and font parsing.
fn pdf_bytes() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| fuzzing::sample_pdf(&[&[FR_TEXT, "(parenthèses) \\ ’"], &[EN_TEXT]]))
}

/// A real model file (fitted once on a tiny corpus) to mutate.
fn model_bytes() -> &'static [u8] {
    static MODEL: OnceLock<Vec<u8>> = OnceLock::new();
    MODEL.get_or_init(|| {
        let c = small_corpus();
        let out = tempfile::tempdir().unwrap();
        let mut fit = stance(&["fit", "--corpus"]);
        fit.arg(c.path()).arg("--out").arg(out.path());
        stdout(fit);
        std::fs::read(out.path().join("model.bin")).unwrap()
    })
}

proptest! {
    // 64 cases each on `cargo test` (a few seconds); STANCE_FUZZ_CASES=N for a longer search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("STANCE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn corpus_loader_never_panics_nor_escapes(
        manifest in texty(),
        files in proptest::collection::vec(("[a-z]{1,3}\\.txt", texty()), 0..4),
    ) {
        fuzzing::corpus_loader(&manifest, &files);
    }

    #[test]
    fn text_pipeline_keeps_its_offsets(bytes in texty()) {
        fuzzing::text_pipeline(&bytes);
    }

    #[test]
    fn document_readers_never_panic(bytes in texty(), html in any::<bool>()) {
        let bytes = if html { [b"<html><body><p>".to_vec(), bytes].concat() } else { bytes };
        fuzzing::document_readers(&bytes);
    }

    #[test]
    fn docx_reader_on_mutated_files(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = docx_bytes().to_vec();
        for (at, x) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= x | 1;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        fuzzing::document_readers(&bytes);
    }

    #[test]
    fn pdf_reader_on_mutated_files(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = pdf_bytes().to_vec();
        for (at, x) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= x | 1;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        fuzzing::document_readers(&bytes);
    }

    #[test]
    fn model_loader_on_raw_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        fuzzing::model_loader(&bytes);
    }

    #[test]
    fn model_loader_on_mutated_models(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let good = model_bytes();
        let mut body = good[36..].to_vec();
        for (at, x) in &flips {
            let i = at.index(body.len());
            body[i] ^= x | 1;
        }
        if truncate {
            body.truncate(cut.index(body.len()));
        }
        // Behind a matching checksum: the header and section parsing must hold on their own.
        fuzzing::model_loader_past_checksum(&body);
        // As stored (checksum of the original): must be refused.
        let mut bytes = good[..36].to_vec();
        bytes.extend(&body);
        fuzzing::model_loader(&bytes);
    }
}
