//! Passages per second of classifying with a saved model, in Rust, on one thread: every text of
//! a corpus folder through the library's `classify_passages` (what `Model.classify` in Python and
//! `stance.spark.score` run per text), for docs/scale.md.
//!
//! ```sh
//! cargo run --release --no-default-features --features parquet --example classify_rate -- MODEL CORPUS_DIR
//! ```
//! (these features are the Python package's, so its release build's library is reused.)

use std::path::PathBuf;
use std::time::Instant;

use stance::compare::classify::classify_passages;
use stance::model::Model;
use stance::topics::Lexicon;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [model, corpus] = args.as_slice() else {
        eprintln!("usage: classify_rate MODEL CORPUS_DIR");
        std::process::exit(2);
    };
    if let Err(e) = run(model, corpus) {
        eprintln!("classify_rate: {e}");
        std::process::exit(1);
    }
}

/// CPU seconds of this process so far (user + system): the machine is shared, so the wall
/// clock alone says little.
fn cpu_seconds() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid clock id and a pointer to a timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

fn run(model: &std::path::Path, corpus: &std::path::Path) -> stance::Result<()> {
    let model = Model::load(model)?;
    let lexicon = Lexicon::builtin();
    let corpus = stance::corpus::load(corpus)?;
    let bytes: usize = corpus.documents.iter().map(|d| d.text.len()).sum();
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let mut passages = 0;
    let mut on_topic = 0;
    for d in &corpus.documents {
        let classified = classify_passages(&model, &lexicon, &d.text, d.lang);
        passages += classified.len();
        on_topic += classified.iter().filter(|p| p.topic.is_some()).count();
    }
    let (seconds, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    println!(
        "{} texts, {:.1} MB, {passages} passages ({on_topic} on a topic) in {seconds:.2} s ({cpu:.2} CPU s) on one \
         thread: {:.0} passages/s, {:.0} per CPU second",
        corpus.documents.len(),
        bytes as f64 / 1e6,
        passages as f64 / seconds,
        passages as f64 / cpu
    );
    Ok(())
}
