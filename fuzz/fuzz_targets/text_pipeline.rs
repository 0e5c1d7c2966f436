//! The text pipeline: normalisation, passages, features.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stance::fuzzing::text_pipeline(data);
});
