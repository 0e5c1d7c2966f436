//! The model loader: the input as a whole file, and as a body behind a matching checksum.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    stance::fuzzing::model_loader(data);
    stance::fuzzing::model_loader_past_checksum(data);
});
