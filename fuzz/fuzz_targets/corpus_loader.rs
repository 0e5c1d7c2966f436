//! The manifest + text loader: the input is the manifest, then NUL-separated texts saved as
//! a.txt, b.txt, … beside it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0);
    let manifest = parts.next().unwrap_or_default();
    let files: Vec<(String, Vec<u8>)> = parts
        .take(8)
        .enumerate()
        .map(|(i, bytes)| (format!("{}.txt", (b'a' + i as u8) as char), bytes.to_vec()))
        .collect();
    stance::fuzzing::corpus_loader(manifest, &files);
});
