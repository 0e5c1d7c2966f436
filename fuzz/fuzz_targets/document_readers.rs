//! The document readers (text in any encoding, HTML, DOCX) and the tables of texts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stance::fuzzing::document_readers(data);
});
