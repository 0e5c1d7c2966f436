use super::*;
use crate::model::Model;
use crate::pipeline::Params;
use std::path::Path;

fn seeds_analysis() -> Analysis {
    let corpus = crate::corpus::load(Path::new("seeds")).unwrap();
    Analysis::run(corpus, Lexicon::builtin(), &Params::default(), &|_| {}).unwrap()
}

/// Small enough to train in a debug test.
fn small(seed: u64) -> LearnParams {
    LearnParams { max_features: 200, folds: 2, max_silver_per_class: 30, ..LearnParams::with_seed(seed) }
}

/// The complement's view of a text: its features and the lexicon's annotation.
fn view(l: &Learned, lexicon: &Lexicon, text: &str) -> (TokenDoc, Annotation) {
    let text = normalize(text);
    (passage_doc(&text, detect(&text), l.analyzer, lexicon), lexicon.annotate(&text))
}

#[test]
fn training_is_deterministic_and_survives_a_save() {
    let a = seeds_analysis();
    let one = fit(&a, &small(7)).unwrap();
    let two = fit(&a, &small(7)).unwrap();
    assert_eq!(one, two, "same seed, same coefficients, temperatures and thresholds");
    assert!(one.n_examples["gold"] >= 40 && one.n_examples["sentences"] >= 300, "{:?}", one.n_examples);
    assert!(!one.n_examples.contains_key("corpus"), "no silver by default");
    // The hand-labelled General Debate passages (models/train_ungdc.csv) teach the topic head,
    // `none` above all (digital development, the digital divide …), and not the stance head.
    assert!(one.n_examples["speeches"] >= 300, "{:?}", one.n_examples);
    let total: usize = one.n_examples.values().sum();
    assert_eq!(one.topic.counts.iter().sum::<usize>(), total, "every passage teaches the topic head");
    assert!(one.topic.counts[13] >= 73 + 200, "none: the sentences' and the speeches' ({:?})", one.topic.counts);
    let without = fit(&a, &LearnParams { speech_weight: 0, ..small(7) }).unwrap();
    assert!(!without.n_examples.contains_key("speeches"));
    assert_eq!(one.stance.counts, without.stance.counts, "the speeches' stances are not the stance head's");
    assert_eq!(one.topic.classes.len(), 14, "13 topics and none");
    assert_eq!(one.stance.counts.len(), 3);
    assert!(one.stance.counts.iter().all(|&n| n > 0), "every stance class, neutral included, has examples");

    let model = Model { learned: Some(one.clone()), ..Model::from_analysis(&a) };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.bin");
    model.save(&path).unwrap();
    assert_eq!(Model::load(&path).unwrap().learned.as_ref(), Some(&one));
    assert_eq!(crate::model::ModelFile::open(&path).unwrap().header.learned, Some(one));
}

#[test]
fn the_model_decides_where_the_lexicon_abstains_and_abstains_below_its_threshold() {
    let a = seeds_analysis();
    let mut l = fit(&a, &small(0)).unwrap();
    let lexicon = &a.lexicon;
    // A dev-gold passage on which the lexicon finds no topic but the topic head sees one.
    let gold = parse_gold("gold", GOLD.as_bytes()).unwrap();
    let (doc, ann) = gold
        .iter()
        .map(|r| view(&l, lexicon, &r.passage))
        .find(|(doc, ann)| {
            let p = l.topic_probabilities(&l.row(doc));
            ann.domain.in_domain && ann.topics.is_empty() && l.topic.classes[argmax(&p).0] != NONE
        })
        .expect("a passage in the domain without a lexicon topic that the model gives one");
    l.topic.threshold = 0.0;
    // Out of the domain (ICTs / cyberspace) the model gives no topic either.
    let mut out = ann.clone();
    out.domain.in_domain = false;
    assert!(l.complement(&doc, &out).is_empty(), "the domain gate holds for the model");
    let calls = l.complement(&doc, &ann);
    assert_eq!(calls.len(), 1, "a topic of the model's own");
    let c = &calls[0];
    assert!(c.new_topic && c.topic != NONE && c.p > 0.0 && c.p <= 1.0, "{c:?}");
    assert_eq!(l.merged(&doc, &ann), vec![(c.topic.clone(), c.stance, Some(c.p))]);
    l.topic.threshold = 1.01;
    assert!(l.complement(&doc, &ann).is_empty(), "below the threshold the model abstains");

    // A topic the lexicon reaches with no cue: only the stance head may speak.
    let (doc, ann) = view(&l, lexicon, "The Budapest Convention was opened for signature in 2001.");
    let t = ann.assignment.topic.clone().expect("a lexicon topic");
    assert!(!decisive(&ann, &t));
    l.stance.threshold = 0.0;
    let calls = l.complement(&doc, &ann);
    assert_eq!(calls.len(), 1);
    assert!(!calls[0].new_topic && calls[0].topic == t && calls[0].p >= 1.0 / 3.0, "{calls:?}");
    let p = l.stance_probabilities(&l.row(&doc), &t);
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    l.stance.threshold = 1.01;
    assert!(l.complement(&doc, &ann).is_empty());
    assert_eq!(l.merged(&doc, &ann), ann.positions().into_iter().map(|(t, s)| (t, s, None)).collect::<Vec<_>>());
}

#[test]
fn thresholds_only_decide_where_deciding_does_better() {
    let row = |model, p, gold, eligible| Scored { model, p, gold, lexicon: 0, eligible, origin: Origin::Sentences };
    // The lexicon shows class 0 everywhere; the head is right at 0.9 and 0.8, wrong at 0.6 and 0.4.
    let rows = [row(1, 0.9, 1, true), row(1, 0.8, 1, true), row(1, 0.6, 0, true), row(1, 0.4, 0, true)];
    // 4 right from 0.65 to 0.80 (instead of 2 never deciding): the highest of those, 0.80.
    assert!((choose_threshold(&rows, 2, false) - 0.8).abs() < 1e-9);
    let wrong = [row(1, 0.9, 0, true), row(1, 0.7, 0, true)];
    assert!(choose_threshold(&wrong, 2, false) > 1.0, "never decide when it only hurts");
    assert!(choose_threshold(&[], 2, false) > 1.0);
    // Where the head may not decide (the lexicon decided), its confidence changes nothing.
    let ineligible = [row(1, 0.9, 1, false), row(1, 0.9, 1, false)];
    assert!(choose_threshold(&ineligible, 2, false) > 1.0);
    // Balanced accuracy: one rare class recovered is worth more than two frequent ones lost.
    let rare = [row(2, 0.9, 2, true), row(2, 0.9, 0, true), row(2, 0.9, 0, true), row(0, 0.9, 0, true)];
    assert!(choose_threshold(&rare, 3, false) > 1.0, "accuracy: 3/4 without, 2/4 with");
    assert!(choose_threshold(&rare, 3, true) <= 0.9, "balanced: 0.5 without, 0.67 with");
    let cv = CrossValidation::of(&rare, 3, 0.9);
    assert_eq!(
        (cv.n, cv.lexicon, cv.combined, cv.decided, cv.decided_right),
        (vec![3, 0, 1], vec![3, 0, 0], vec![1, 0, 1], 4, 2)
    );
}

#[test]
fn silver_labels_need_a_confident_lexicon() {
    let lx = Lexicon::builtin();
    let label = |t: &str| silver_label(&lx.annotate(&normalize(t)));
    assert_eq!(label("We must build roads and schools for our children."), Some((NONE.to_string(), None)));
    let (topic, stance) = label("We support the Budapest Convention and call on all States to accede to it.").unwrap();
    assert_eq!((topic.as_str(), stance), ("budapest_convention", Some(Stance::Support)));
}

#[test]
fn reliability_bins_count_every_prediction_once() {
    let bins = reliability(&[(0.05, true), (0.55, false), (0.55, true), (1.0, true)]);
    assert_eq!(bins.len(), 10);
    assert_eq!(bins.iter().map(|b| b.n).sum::<usize>(), 4);
    assert_eq!((bins[5].n, bins[5].correct), (2, 1));
    assert_eq!((bins[9].n, bins[9].correct), (1, 1));
}

/// The cross-validation grid behind the defaults (docs/evaluation.md): run with
/// `cargo test --lib learned::tests::cv_grid -- --ignored --nocapture`.
#[test]
#[ignore]
fn cv_grid() {
    let a = seeds_analysis();
    let base = LearnParams::with_seed(0);
    let grid: Vec<(&str, LearnParams)> = vec![
        ("without speeches (before)", LearnParams { speech_weight: 0, ..base.clone() }),
        ("default", base.clone()),
        ("speeches x2", LearnParams { speech_weight: 2, ..base.clone() }),
        ("speeches train the stance head too", LearnParams { speech_stance: true, ..base.clone() }),
        ("speeches x3", LearnParams { speech_weight: 3, ..base.clone() }),
        ("sentences x2", LearnParams { sentence_weight: 2, ..base.clone() }),
        (
            "sentences x2 a0.03",
            LearnParams { sentence_weight: 2, alpha_topic: 0.03, alpha_stance: 0.03, ..base.clone() },
        ),
        ("sentences x2 speeches x2", LearnParams { sentence_weight: 2, speech_weight: 2, ..base.clone() }),
        ("600 terms", LearnParams { max_features: 600, ..base.clone() }),
        ("800 terms", LearnParams { max_features: 800, ..base.clone() }),
        ("it 50", LearnParams { max_iterations: 50, ..base.clone() }),
        ("3 folds", LearnParams { folds: 3, ..base.clone() }),
        ("a0.03", LearnParams { alpha_topic: 0.03, alpha_stance: 0.03, ..base.clone() }),
        ("a0.3", LearnParams { alpha_topic: 0.3, alpha_stance: 0.3, ..base.clone() }),
        ("a1", LearnParams { alpha_topic: 1.0, alpha_stance: 1.0, ..base.clone() }),
    ];
    // CV_GRID=name,name runs only those rows; CV_SEEDS=0,1,2 repeats them with other fold draws.
    let only: Option<String> = std::env::var("CV_GRID").ok();
    let seeds: Vec<u64> =
        std::env::var("CV_SEEDS").map_or(vec![0], |s| s.split(',').map(|x| x.trim().parse().unwrap()).collect());
    let mut runs: Vec<(String, LearnParams)> = Vec::new();
    for (name, p) in grid {
        for &seed in &seeds {
            let name = if seeds.len() > 1 { format!("{name} seed {seed}") } else { name.to_string() };
            runs.push((name, LearnParams { seed, ..p.clone() }));
        }
    }
    for (name, p) in runs {
        if only.as_ref().is_some_and(|o| !o.split(',').any(|x| name == x || name.starts_with(&format!("{x} seed ")))) {
            continue;
        }
        let t = std::time::Instant::now();
        let ex = examples(&a, &p).unwrap();
        let (l, topic_rows, stance_rows) = train_scored(&ex, &a.lexicon, a.params.analyzer, &p).unwrap();
        let s = t.elapsed().as_secs_f64();
        let (tl, tc) = l.topic.cv.scores(false);
        let (sl, sc) = l.stance.cv.scores(true);
        let th = |x: f64| if x > 1.0 { "never".to_string() } else { format!("{x:.2}") };
        println!(
            "{name:28} {:>5.1}s n={:?} | topic acc {tl:.3} -> {tc:.3} thr {} decided {}/{} | stance bal {sl:.3} -> {sc:.3} thr {} decided {}/{} per-class {:?}/{:?}/{:?}",
            s,
            l.n_examples,
            th(l.topic.threshold),
            l.topic.cv.decided_right,
            l.topic.cv.decided,
            th(l.stance.threshold),
            l.stance.cv.decided_right,
            l.stance.cv.decided,
            l.stance.cv.n,
            l.stance.cv.lexicon,
            l.stance.cv.combined,
        );
        let sum = |b: &[Bin]| (b.iter().map(|x| x.correct).sum::<usize>(), b.iter().map(|x| x.n).sum::<usize>());
        println!(
            "    model alone out of fold: topic all {:?} abstained {:?}; stance all {:?} abstained {:?}; T {:.2}/{:.2}",
            sum(&l.topic.reliability),
            sum(&l.topic.reliability_abstained),
            sum(&l.stance.reliability),
            sum(&l.stance.reliability_abstained),
            l.topic.temperature,
            l.stance.temperature
        );
        for (k, (t, s)) in l.topic.reliability_abstained.iter().zip(&l.stance.reliability_abstained).enumerate() {
            println!("      bin {k}: topic {}/{}  stance {}/{}", t.correct, t.n, s.correct, s.n);
        }
        // The same out-of-fold figures by source of the hand-labelled passages.
        for origin in [Origin::Gold, Origin::Sentences, Origin::Speeches] {
            let of = |rows: &[Scored], k, t| {
                let r: Vec<Scored> = rows.iter().filter(|r| r.origin == origin).copied().collect();
                CrossValidation::of(&r, k, t)
            };
            let (t, s) =
                (of(&topic_rows, l.topic.classes.len(), l.topic.threshold), of(&stance_rows, 3, l.stance.threshold));
            if t.n.iter().sum::<usize>() == 0 {
                continue;
            }
            let (tl, tc) = t.scores(false);
            let (sl, sc) = s.scores(true);
            println!(
                "    {origin:?}: topic acc {tl:.3} -> {tc:.3} ({} -> {}/{}, decided {}/{}) | stance bal {sl:.3} -> {sc:.3} per-class {:?}/{:?}/{:?} decided {}/{}",
                t.lexicon.iter().sum::<usize>(),
                t.combined.iter().sum::<usize>(),
                t.n.iter().sum::<usize>(),
                t.decided_right,
                t.decided,
                s.n,
                s.lexicon,
                s.combined,
                s.decided_right,
                s.decided
            );
        }
    }
}
