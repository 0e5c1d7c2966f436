//! Unit tests of the shipped lexicon: it parses, has the 13 topics, maps French and English to
//! the same concepts, and reads negation and contrast.

use super::*;

fn lex() -> Lexicon {
    Lexicon::builtin()
}

fn concept_ids(text: &str) -> Vec<String> {
    lex().concepts(text).into_iter().map(|h| h.concept).collect()
}

#[test]
fn shipped_lexicon_parses_with_the_13_topics_in_order() {
    let l = lex();
    let ids: Vec<&str> = l.topics().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "binding_norms",
            "budapest_convention",
            "internet_governance",
            "un_processes",
            "capacity_building",
            "attribution",
            "militarization",
            "disinformation",
            "human_rights",
            "critical_infrastructure",
            "ai",
            "unilateral_coercive_measures",
            "supply_chain"
        ]
    );
    assert!(!l.version().is_empty());
    assert!(l.concept_ids().len() >= 60, "{} concepts", l.concept_ids().len());
    assert!(l.topics().iter().all(|t| !t.label_fr.is_empty() && !t.proposition.is_empty() && !t.support.is_empty()));
}

#[test]
fn french_and_english_map_to_the_same_concept() {
    let pairs = [
        ("un instrument juridiquement contraignant", "a legally binding instrument", "binding_instrument"),
        ("une approche multipartite", "a multistakeholder approach", "multistakeholder"),
        ("la Convention de Budapest", "the Budapest Convention", "budapest_convention"),
        ("le renforcement des capacités", "capacity-building", "capacity_building"),
        ("les infrastructures critiques", "critical infrastructure", "critical_infrastructure"),
        ("la gouvernance de l'Internet", "Internet governance", "internet_governance"),
    ];
    for (fr, en, id) in pairs {
        assert!(concept_ids(fr).contains(&id.to_string()), "{fr}: {:?}", concept_ids(fr));
        assert!(concept_ids(en).contains(&id.to_string()), "{en}: {:?}", concept_ids(en));
    }
}

#[test]
fn longest_concept_wins_and_offsets_are_bytes() {
    let text = "la Convention des Nations Unies contre la cybercriminalité";
    let hits = lex().concepts(text);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].concept, "un_cybercrime_convention");
    assert_eq!(&text[hits[0].start..hits[0].end], "Convention des Nations Unies contre la cybercriminalité");
    // Acronyms match capitals only: the article `un` is not the UN.
    assert!(!concept_ids("un traité").contains(&"united_nations".to_string()));
    assert!(!concept_ids("J'ai l'honneur").contains(&"ai".to_string()));
}

#[test]
fn topic_assignment_follows_concepts() {
    let l = lex();
    let a = l.assign("Nous soutenons la Convention de Budapest sur la cybercriminalité.");
    assert_eq!(a.topic.as_deref(), Some("budapest_convention"));
    assert_eq!(a.scores.len(), 13);
    assert_eq!(l.assign("Le temps était beau à Genève.").topic, None);
}

#[test]
fn negation_flips_binding_norms() {
    let l = lex();
    let fr = "Il n'est pas nécessaire d'élaborer un instrument juridiquement contraignant.";
    let call = l.stance("binding_norms", fr);
    assert_eq!(call.stance, Stance::Oppose, "{call:?}");
    assert!(call.cues.iter().any(|c| c.negated));
    let en = l.stance("binding_norms", "We do not need a new treaty.");
    assert_eq!(en.stance, Stance::Oppose, "{en:?}");
    let pos = l.stance("binding_norms", "Il est nécessaire d'élaborer un instrument juridiquement contraignant.");
    assert_eq!(pos.stance, Stance::Support, "{pos:?}");
    let pos_en = l.stance("binding_norms", "We need a new legally binding treaty on information security.");
    assert_eq!(pos_en.stance, Stance::Support);
}

#[test]
fn rather_than_supports_the_first_and_opposes_the_second() {
    let l = lex();
    let call = l.stance(
        "internet_governance",
        "Internet governance should respect Internet sovereignty rather than a multistakeholder model.",
    );
    assert_eq!(call.stance, Stance::Support, "{call:?}");
    let flipped = call.cues.iter().find(|c| c.cue == "@multistakeholder").expect("multistakeholder cue");
    assert!(flipped.negated && flipped.polarity == Stance::Support);
    let west = l.stance("internet_governance", "We support the multistakeholder model of Internet governance.");
    assert_eq!(west.stance, Stance::Oppose, "{west:?}");
}

#[test]
fn fixed_cues_and_hedges() {
    let l = lex();
    // The norm is worded negatively: "should not damage" supports protecting infrastructure.
    let ci = l.stance(
        "critical_infrastructure",
        "States should not conduct ICT activity that damages critical infrastructure.",
    );
    assert_eq!(ci.stance, Stance::Support, "{ci:?}");
    // A procedural mention of binding obligations is not a position.
    let un = l.stance(
        "binding_norms",
        "notant qu'il faut examiner plus avant la possibilité d'élaborer de nouvelles obligations juridiquement contraignantes",
    );
    assert_eq!(un.stance, Stance::Neutral, "{un:?}");
}

#[test]
fn check_topic_lists_known_topics() {
    let l = lex();
    assert!(l.check_topic("ai").is_ok());
    let err = l.check_topic("cyber_peace").unwrap_err().to_string();
    assert!(err.contains("cyber_peace") && err.contains("binding_norms") && err.contains("supply_chain"), "{err}");
    assert_eq!(l.stance("cyber_peace", "anything").stance, Stance::Neutral);
}

#[test]
fn stance_parse_round_trips() {
    for s in [Stance::Support, Stance::Oppose, Stance::Neutral] {
        assert_eq!(Stance::parse(s.as_str()), Some(s));
    }
    assert_eq!(Stance::parse(" Oppose "), Some(Stance::Oppose));
    assert_eq!(Stance::parse("maybe"), None);
    assert_eq!(serde_json::to_string(&Stance::Support).unwrap(), "\"support\"");
}

#[test]
fn bad_lexicon_files_give_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "version = \"x\"\n[settings]\ntopic_threshold = \"high\"\n").unwrap();
    let err = Lexicon::from_path(&path).unwrap_err().to_string();
    assert!(err.contains("bad.toml:3"), "{err}");
    let broken = BUILTIN.replace("\"$need|$call ..3 @binding_instrument", "\"$need|$call ..3 @no_such_concept");
    std::fs::write(&path, broken).unwrap();
    let err = Lexicon::from_path(&path).unwrap_err().to_string();
    assert!(err.contains("no_such_concept") && err.contains("binding_norms"), "{err}");
    assert!(Lexicon::from_path(&dir.path().join("missing.toml")).is_err());
}

#[test]
fn annotate_agrees_with_the_separate_calls() {
    let l = lex();
    let text = "Nous ne soutenons pas un instrument juridiquement contraignant, mais la Convention de \
                Budapest et le renforcement des capacités plutôt qu'une approche multipartite.";
    let a = l.annotate(text);
    let concepts = |hits: &[ConceptHit]| hits.iter().map(|h| (h.concept.clone(), h.start, h.end)).collect::<Vec<_>>();
    assert_eq!(concepts(&a.concepts), concepts(&l.concepts(text)));
    let assigned = l.assign(text);
    assert_eq!(
        (&a.assignment.topic, &a.assignment.topics, &a.assignment.scores),
        (&assigned.topic, &assigned.topics, &assigned.scores)
    );
    assert!(a.assignment.topics.len() >= 2, "{:?}", a.assignment.topics);
    assert_eq!(a.stances.len(), a.topics.len());
    for (t, call) in a.topics.iter().zip(&a.stances) {
        let alone = l.stance(t, text);
        assert_eq!(call.stance, alone.stance, "{t}");
        assert_eq!(
            call.cues.iter().map(|c| (&c.cue, c.start)).collect::<Vec<_>>(),
            alone.cues.iter().map(|c| (&c.cue, c.start)).collect::<Vec<_>>()
        );
    }
    assert_eq!(a.positions()[0].0, a.assignment.topics[0]);
}

/// Asserts the stance of each `(topic, text, stance)` case, naming the failing sentence.
fn check(cases: &[(&str, &str, Stance)]) {
    let l = lex();
    let mut wrong = Vec::new();
    for (topic, text, want) in cases {
        let call = l.stance(topic, text);
        if call.stance != *want {
            let cues: Vec<String> = call.cues.iter().map(|c| format!("{} → {:?}", c.cue, c.polarity)).collect();
            wrong.push(format!("{topic}: {text:?}: got {:?}, want {want:?}; cues {cues:?}", call.stance));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

use Stance::{Neutral as N, Oppose as O, Support as S};

#[test]
fn negators_with_scope_fr() {
    check(&[
        ("budapest_convention", "Ils rappellent que la Convention de Budapest ne saurait servir de modèle universel.", O),
        ("budapest_convention", "La Convention de Budapest n'est plus un modèle pour la coopération.", O),
        ("binding_norms", "Nul besoin d'un nouvel instrument juridiquement contraignant.", O),
        ("binding_norms", "Nous n'avons jamais soutenu l'élaboration d'un traité juridiquement contraignant.", O),
        ("binding_norms", "Il n'est guère nécessaire d'élaborer un instrument juridiquement contraignant.", O),
        ("binding_norms", "Aucun État ne juge nécessaire d'élaborer un nouvel instrument juridiquement contraignant.", O),
        ("internet_governance", "Nous ne soutenons ni le modèle multipartite ni l'approche multi-acteurs.", S),
        ("budapest_convention", "La Convention de Budapest est loin d'être une référence universelle.", O),
        // Scope ends at the clause: the comma, `mais`.
        ("binding_norms", "Nous ne sommes pas convaincus par les normes volontaires, il faut élaborer un traité juridiquement contraignant.", S),
        ("binding_norms", "Il ne s'agit pas de rouvrir le cadre, mais d'élaborer un instrument juridiquement contraignant.", S),
        // A negator inside a concept is no negation; restrictive `ne … que` neither.
        ("binding_norms", "Les normes non contraignantes suffisent.", O),
        ("budapest_convention", "Nous ne soutenons que la Convention de Budapest comme modèle.", S),
    ]);
}

#[test]
fn negators_with_scope_en() {
    check(&[
        ("budapest_convention", "The Budapest Convention cannot serve as a universal model.", O),
        ("budapest_convention", "The Budapest Convention can't be the global standard.", O),
        ("binding_norms", "We don't need a new legally binding treaty.", O),
        ("binding_norms", "There is no need for a new legally binding instrument.", O),
        ("binding_norms", "We have never supported the drafting of a legally binding instrument.", O),
        ("binding_norms", "We won't negotiate a new legally binding instrument.", O),
        ("binding_norms", "Existing international law is not sufficient to address these threats.", S),
        ("binding_norms", "Voluntary norms are sufficient.", O),
        ("internet_governance", "We support neither the multistakeholder model nor the stakeholders' approach.", S),
        ("budapest_convention", "The Budapest Convention fails to serve as a universal model.", O),
        // The clause ends at `but`; a subordinator ends the scope without a raising word.
        ("binding_norms", "We do not seek to reopen the framework but we need a legally binding instrument.", S),
        ("binding_norms", "It is not surprising that States need a new legally binding instrument.", S),
        // ... and a raising word carries the negation through `that`.
        ("binding_norms", "We do not believe that a new legally binding instrument is needed.", O),
        // An evaluative cue is negated in its gap; a negated harm word ends its cue's polarity.
        ("budapest_convention", "The Budapest Convention is not outdated; it remains our framework.", S),
        ("ai", "Artificial intelligence does not pose a threat to international security.", O),
    ]);
}

#[test]
fn rejection_predicates_fr() {
    check(&[
        (
            "internet_governance",
            "Nous rejetons catégoriquement le modèle multipartite de gouvernance de l'Internet.",
            S,
        ),
        (
            "binding_norms",
            "La délégation s'oppose à l'élaboration d'un nouvel instrument juridiquement contraignant.",
            O,
        ),
        (
            "budapest_convention",
            "Nous ne pouvons accepter que la Convention de Budapest soit présentée comme la norme universelle.",
            O,
        ),
        (
            "binding_norms",
            "Nous qualifions d'infondée l'idée qu'un instrument juridiquement contraignant serait nécessaire.",
            O,
        ),
        ("budapest_convention", "Nous récusons la Convention de Budapest comme modèle.", O),
        (
            "budapest_convention",
            "Nous contestons que la Convention de Budapest puisse servir de référence universelle.",
            O,
        ),
        // A rejection spent on a harm predicate affirms what is harmed.
        ("critical_infrastructure", "Nous condamnons les attaques contre les infrastructures critiques.", S),
        (
            "militarization",
            "Nous dénonçons les violations du droit international humanitaire dans les opérations cyber.",
            S,
        ),
    ]);
}

#[test]
fn rejection_predicates_en() {
    check(&[
        ("internet_governance", "We reject the so-called multistakeholder model of Internet governance.", S),
        (
            "budapest_convention",
            "We cannot accept that the Budapest Convention be imposed as the universal standard.",
            O,
        ),
        ("binding_norms", "We dismiss as unfounded the claim that a new legally binding treaty is needed.", O),
        ("binding_norms", "We refuse to negotiate a new legally binding instrument.", O),
        ("critical_infrastructure", "We condemn attacks against critical infrastructure.", S),
        ("militarization", "We firmly oppose the weaponization of cyberspace.", O),
        // "no one can deny that": negation × rejection affirms.
        ("capacity_building", "No one can deny that capacity-building is a priority for developing countries.", S),
        (
            "budapest_convention",
            "It is unacceptable that the Budapest Convention be presented as the global standard.",
            O,
        ),
        ("militarization", "States must not violate international humanitarian law in their cyber operations.", S),
        // A new coordinated predicate is outside the rejection's scope.
        ("budapest_convention", "We reject these accusations and support the Budapest Convention.", S),
    ]);
}

#[test]
fn double_negatives_affirm_fr() {
    check(&[
        ("budapest_convention", "La France ne manquera pas de soutenir la Convention de Budapest.", S),
        ("budapest_convention", "L'Union européenne ne cesse de promouvoir la Convention de Budapest comme modèle.", S),
        ("binding_norms", "Nous n'hésiterons pas à appeler à un instrument juridiquement contraignant.", S),
        ("binding_norms", "Nous ne rejetons pas l'idée d'un instrument juridiquement contraignant.", S),
        (
            "binding_norms",
            "Non seulement un instrument juridiquement contraignant est nécessaire, mais il est urgent.",
            S,
        ),
    ]);
}

#[test]
fn double_negatives_affirm_en() {
    check(&[
        ("budapest_convention", "We will not hesitate to support the Budapest Convention as the global standard.", S),
        ("budapest_convention", "We won't hesitate to promote accession to the Budapest Convention.", S),
        ("binding_norms", "We do not reject a legally binding instrument.", S),
        ("binding_norms", "Not only is a legally binding instrument needed, it is urgent.", S),
        ("binding_norms", "We never fail to call for a legally binding instrument.", S),
    ]);
}

#[test]
fn negation_does_not_leak() {
    check(&[
        ("binding_norms", "This is not the place to repeat our views. We support a legally binding instrument.", S),
        (
            "binding_norms",
            "Rien n'a changé depuis l'an dernier ; nous appelons à un instrument juridiquement contraignant.",
            S,
        ),
        ("binding_norms", "We need a legally binding instrument without delay.", S),
        // A preposed condition is no negation; a negative relation takes the negation.
        ("binding_norms", "Without a legally binding instrument, cyberspace will remain lawless.", S),
        (
            "binding_norms",
            "Sans instrument juridiquement contraignant, le cyberespace restera une zone de non-droit.",
            S,
        ),
        ("binding_norms", "We can do without a legally binding instrument.", O),
        (
            "militarization",
            "States should not use ICTs in a manner inconsistent with international humanitarian law.",
            S,
        ),
        ("budapest_convention", "Nothing in this resolution should be read as endorsing the Budapest Convention.", O),
        ("ai", "Artificial intelligence raises risks that no State can address alone.", S),
        ("human_rights", "Human rights apply online as they do offline, no less.", S),
        ("un_processes", "The General Assembly is no stranger to this question; we support the OEWG.", S),
        ("critical_infrastructure", "Ces infrastructures critiques ne doivent pas être attaquées.", S),
        ("binding_norms", "Il est temps de parler de tout sauf de cela.", N),
    ]);
}

/// The stance a passage shows toward `topic` among all the topics it reaches (None: not reached).
fn shown(text: &str, topic: &str) -> Option<Stance> {
    lex().annotate_ungated(text).positions().into_iter().find(|(t, _)| t == topic).map(|(_, s)| s)
}

#[test]
fn relations_are_documented_and_checked() {
    let l = lex();
    let rel = l.relations();
    assert_eq!(rel.len(), 2, "{rel:?}");
    assert!(rel.iter().all(|r| !r.why.is_empty() && r.effect == "against"));
    assert!(rel.iter().any(|r| r.from == "un_cybercrime_treaty" && r.to == "budapest_convention"));
    assert!(rel.iter().any(|r| r.from == "multistakeholder_governance" && r.to == "internet_governance"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rel.toml");
    for (from, to, want) in [
        ("nowhere", "budapest_convention", "`from` must be a topic or a claim"),
        ("un_cybercrime_treaty", "multistakeholder_governance", "`to` must be a topic"),
        ("budapest_convention", "budapest_convention", "cannot relate to itself"),
    ] {
        let src = BUILTIN.replacen(
            "from = \"un_cybercrime_treaty\"\nto = \"budapest_convention\"",
            &format!("from = \"{from}\"\nto = \"{to}\""),
            1,
        );
        std::fs::write(&path, src).unwrap();
        let err = Lexicon::from_path(&path).unwrap_err().to_string();
        assert!(err.contains(want) && err.contains("rel.toml"), "{err}");
    }
}

#[test]
fn calling_for_a_un_cybercrime_convention_counts_against_budapest() {
    for text in [
        "We call for a universal convention against cybercrime under the United Nations.",
        "Nous appelons à élaborer, sous l'égide des Nations Unies, une convention universelle contre la cybercriminalité.",
        "We support the development of a legally binding instrument on countering the use of ICTs for criminal purposes.",
    ] {
        assert_eq!(shown(text, "budapest_convention"), Some(O), "{text}");
        let call = lex().stance("budapest_convention", text);
        assert!(call.cues.iter().any(|c| c.cue.contains("un_cybercrime_treaty support ⇒ counts against")), "{call:?}");
    }
    // Negated, the claim turns round: no new UN convention is needed, as Budapest's proposition says.
    for text in [
        "We see no need for a new UN cybercrime convention.",
        "Nous ne voyons pas la nécessité d'une convention des Nations Unies contre la cybercriminalité.",
    ] {
        assert_eq!(shown(text, "budapest_convention"), Some(S), "{text}");
    }
}

#[test]
fn endorsing_multistakeholder_governance_counts_against_internet_governance() {
    for text in [
        "The Programme of Action should be inclusive, and we support a multistakeholder approach with industry.",
        "Nous soutenons une approche multipartite associant le secteur privé et la société civile aux travaux du groupe.",
    ] {
        let a = lex().annotate_ungated(text);
        assert!(a.topics.contains(&"internet_governance".to_string()), "{text}: {:?}", a.topics);
        assert_eq!(shown(text, "internet_governance"), Some(O), "{text}");
    }
    for text in [
        "We reject the multistakeholder model promoted by some delegations.",
        "Nous rejetons l'approche multipartite que certains veulent imposer.",
    ] {
        assert_eq!(shown(text, "internet_governance"), Some(S), "{text}");
    }
    // No decisive stance toward the claim: no relation.
    assert_eq!(shown("The multistakeholder community met in Geneva, with the private sector.", "un_processes"), None);
}

#[test]
fn hedges_govern_their_clause_fr() {
    check(&[
        ("binding_norms", "Les États pourraient examiner la possibilité d'élaborer un instrument juridiquement contraignant.", N),
        ("un_processes", "Ayant à l'esprit les conclusions du Groupe d'experts gouvernementaux des Nations Unies sur le comportement responsable des États dans le cyberespace", N),
        // The hedge stops at the comma: the main clause takes a position.
        ("un_processes", "Rappelant les rapports du Groupe d'experts gouvernementaux, nous soutenons le programme d'action.", S),
    ]);
}

#[test]
fn hedges_govern_their_clause_en() {
    check(&[
        ("binding_norms", "Delegations discussed whether a legally binding instrument on information security is needed.", N),
        ("un_processes", "Recalling the reports of the Group of Governmental Experts on responsible State behaviour in cyberspace and the central role of the United Nations", N),
        ("un_processes", "Recalling the reports of the Group of Governmental Experts, we support the Programme of Action.", S),
    ]);
}

/// Whether `topic` is among the topics `text` reaches by its words (before the domain gate: these
/// sentences stand for passages of cyber statements; the gate is tested in `domain.rs`).
fn reaches(text: &str, topic: &str) -> bool {
    lex().annotate_ungated(text).topics.iter().any(|t| t == topic)
}

#[test]
fn paraphrases_outside_the_named_concepts_reach_their_topic() {
    let cases = [
        ("militarization", "Some States are developing weapons for use in cyberspace."),
        ("militarization", "Certains États préparent la guerre dans le cyberespace."),
        (
            "human_rights",
            "The same freedoms that people have offline must be protected online, and mass surveillance must end.",
        ),
        ("human_rights", "Les droits des citoyens doivent être protégés en ligne comme hors ligne."),
        ("un_processes", "The United Nations must play the central role in this field."),
        ("un_processes", "L'ONU doit jouer un rôle central dans ce domaine."),
        ("critical_infrastructure", "Attacks against national infrastructure and financial systems must stop."),
        (
            "critical_infrastructure",
            "Les attaques contre les infrastructures énergétiques et les systèmes financiers doivent cesser.",
        ),
        ("un_processes", "We need a code of conduct for States in cyberspace."),
        ("un_processes", "Il faut des règles internationales communes pour le cyberespace."),
        ("disinformation", "ICTs must not be used to destabilise States or to spread hate speech."),
        (
            "disinformation",
            "Les TIC ne doivent pas servir à déstabiliser les sociétés ni à propager des discours de haine.",
        ),
        ("un_processes", "We welcome the negotiations held at the UN on these questions."),
        ("un_processes", "Les discussions menées à l'ONU doivent se poursuivre."),
    ];
    let missed: Vec<_> = cases.iter().filter(|(t, text)| !reaches(text, t)).collect();
    assert!(missed.is_empty(), "{missed:?}");
    // A paraphrase never hides a named concept.
    assert!(concept_ids("We oppose the militarization of cyberspace.").contains(&"militarization".to_string()));
    assert!(concept_ids("la guerre de l'information dans le cyberespace").contains(&"information_content".to_string()));
    assert!(concept_ids("attacks on critical infrastructure").contains(&"critical_infrastructure".to_string()));
    // General words alone are not enough.
    assert!(!reaches("The weather in Geneva was fine and the delegates walked to the palace.", "militarization"));
    assert!(lex().annotate_ungated("Nous avons visité des installations sportives.").topics.is_empty());
}

#[test]
fn state_discourse_on_the_network_reaches_internet_governance_and_militarization() {
    // Internet governance and the military use of ICTs as States word them in general speeches
    // (docs/methods.md, lexicon 1.4.0): sovereignty over the information space, a multilateral
    // frame for the network, the open Internet, hostile uses of ICTs.
    check(&[
        ("internet_governance", "Each State has sovereignty over its national information space.", S),
        ("internet_governance", "Chaque État exerce sa souveraineté sur son espace informationnel national.", S),
        ("internet_governance", "We must establish multilateral mechanisms for the worldwide web.", S),
        ("internet_governance", "Il faut des mécanismes multilatéraux pour la gouvernance d'Internet.", S),
        ("internet_governance", "We will protect a free, open, interoperable and secure Internet.", O),
        ("internet_governance", "Nous défendrons un Internet ouvert, libre et sûr.", O),
        ("militarization", "We say no to the militarization of the information space.", O),
        ("militarization", "ICTs must not be used for hostile purposes against other States.", O),
        ("militarization", "Les TIC ne doivent pas servir à des fins hostiles contre d'autres États.", O),
    ]);
    for (topic, text) in [
        ("internet_governance", "The governance and use of the Internet must respect privacy."),
        ("internet_governance", "La régulation du cyberespace doit associer tous les États."),
        ("capacity_building", "We are prepared to share our know-how on cybersecurity with other countries."),
        ("capacity_building", "Nous sommes prêts à partager notre savoir-faire en cybersécurité avec d'autres pays."),
        ("disinformation", "The infodemic spread online endangers lives."),
        ("disinformation", "L'infodémie en ligne met des vies en danger."),
    ] {
        assert!(reaches(text, topic), "{topic}: {text}");
    }
    // Sovereignty alone, or the Internet alone, is not the proposition.
    assert!(!reaches("We respect the sovereignty and territorial integrity of all States.", "internet_governance"));
    assert!(!reaches("Many young people now use the Internet at school.", "internet_governance"));
}

#[test]
fn the_gate_drops_only_topics_that_require_the_domain_and_keeps_the_scores() {
    let l = lex();
    let text = "Human rights must be protected and the reform of the United Nations must go on.";
    let ungated = l.annotate_ungated(text);
    assert!(!ungated.topics.is_empty(), "the words reach topics: {:?}", ungated.topics);
    let a = l.annotate(text);
    assert!(!a.domain.in_domain && a.topics.is_empty() && a.stances.is_empty() && a.assignment.topic.is_none());
    assert_eq!(a.assignment.scores, ungated.assignment.scores, "scores are shown as before the gate");
    assert!(l.topics().iter().all(|t| t.requires_domain), "every shipped topic is about the domain");
    let online = l.annotate("Human rights must be protected online as they are offline.");
    assert!(online.domain.in_domain && online.topics.contains(&"human_rights".to_string()), "{:?}", online.topics);
}

#[test]
fn a_lexicon_without_a_domain_table_has_no_gate_and_a_bad_one_is_located() {
    let src = BUILTIN.replace("[domain]\n", "[not_domain]\n");
    assert!(lexicon::parse(&src, "t.toml").is_err(), "an unknown table is refused");
    let start = BUILTIN.find("[domain]").expect("domain table");
    let end = start + BUILTIN[start..].find("# ----").expect("next section");
    let without = format!("{}{}", &BUILTIN[..start], &BUILTIN[end..]);
    let l = lexicon::parse(&without, "t.toml").expect("parses without [domain]");
    assert!(!l.has_domain_gate());
    let a = l.annotate("Human rights constitute the backbone of the multilateral system.");
    assert!(a.domain.in_domain && a.topics.contains(&"human_rights".to_string()));
    let bad = BUILTIN.replace("threshold = 1.0\nweak_weight", "threshold = 0.0\nweak_weight");
    let e = lexicon::parse(&bad, "t.toml").unwrap_err().to_string();
    assert!(e.contains("[domain] threshold must be a positive number"), "{e}");
}

// Lexicon 1.5.0 (issue 10, short statements): whose voice a cue is in, and more grammatical classes.

#[test]
fn reported_speech_of_others_is_no_position_fr() {
    check(&[
        ("binding_norms", "Certains États estiment qu'un traité juridiquement contraignant est indispensable.", N),
        (
            "budapest_convention",
            "Plusieurs délégations jugent la Convention de Budapest dépassée, d'autres y voient un modèle.",
            N,
        ),
        // "Contrairement à ce que …": only that clause is reported; the main clause is the speaker's.
        (
            "budapest_convention",
            "Contrairement à ce qu'affirment certains, la Convention de Budapest reste le cadre de référence.",
            S,
        ),
    ]);
}

#[test]
fn reported_speech_of_others_is_no_position_en() {
    check(&[
        ("binding_norms", "Some delegations argue that a legally binding treaty is urgently needed.", N),
        (
            "human_rights",
            "Several States insist on strong privacy protections, while others see them as an obstacle.",
            N,
        ),
        ("internet_governance", "Contrary to what some claim, we remain committed to the multistakeholder model.", O),
    ]);
}

#[test]
fn descriptive_predicates_take_no_position_fr() {
    check(&[
        ("capacity_building", "L'étude recense les programmes de renforcement des capacités en Afrique de l'Ouest.", N),
        (
            "critical_infrastructure",
            "Un séminaire sur la protection des infrastructures critiques s'est tenu à Dakar.",
            N,
        ),
    ]);
}

#[test]
fn descriptive_predicates_take_no_position_en() {
    check(&[
        ("capacity_building", "A regional conference on cyber capacity-building took place in Nairobi.", N),
        ("human_rights", "The protection of privacy online was discussed during the second session.", N),
    ]);
}

#[test]
fn questions_state_no_position_and_why_denies_fr() {
    check(&[
        ("ai", "Faut-il créer une instance internationale pour l'intelligence artificielle ?", N),
        (
            "binding_norms",
            "Pourquoi négocier un nouveau traité juridiquement contraignant alors que le droit existant s'applique ?",
            O,
        ),
    ]);
}

#[test]
fn questions_state_no_position_and_why_denies_en() {
    check(&[
        ("capacity_building", "How should capacity-building programmes be coordinated among donors?", N),
        ("binding_norms", "Why should we negotiate a legally binding instrument that nobody will ratify?", O),
    ]);
}

#[test]
fn a_fronted_contrast_rejects_only_its_clause_fr() {
    check(&[(
        "binding_norms",
        "Plutôt que d'élaborer un nouveau traité, appliquons les normes volontaires déjà agréées.",
        O,
    )]);
}

#[test]
fn a_fronted_contrast_rejects_only_its_clause_en() {
    check(&[("binding_norms", "Instead of negotiating a new treaty, States should implement the voluntary norms.", O)]);
}

#[test]
fn a_negated_opinion_verb_governs_its_complement_fr() {
    check(&[(
        "binding_norms",
        "Nous ne pensons pas que la communauté internationale ait aujourd'hui besoin d'un instrument juridiquement contraignant.",
        O,
    )]);
}

#[test]
fn a_negated_opinion_verb_governs_its_complement_en() {
    check(&[(
        "binding_norms",
        "We do not believe that the international community at this stage needs a new legally binding instrument.",
        O,
    )]);
}

#[test]
fn the_main_clause_outweighs_a_concession_fr() {
    check(&[(
        "internet_governance",
        "Même si le rôle des États est essentiel, nous soutenons le modèle multipartite de gouvernance de l'Internet.",
        O,
    )]);
}

#[test]
fn the_main_clause_outweighs_a_concession_en() {
    check(&[(
        "binding_norms",
        "While voluntary norms have their value, the international community needs a legally binding instrument.",
        S,
    )]);
}

#[test]
fn concern_over_attempts_and_precedence_reject_fr() {
    check(&[
        (
            "budapest_convention",
            "Nous sommes préoccupés par les tentatives d'imposer la Convention de Budapest comme modèle.",
            O,
        ),
        ("human_rights", "La lutte contre la cybercriminalité doit primer sur la vie privée des utilisateurs.", O),
    ]);
}

#[test]
fn concern_over_attempts_and_precedence_reject_en() {
    check(&[
        (
            "budapest_convention",
            "We are concerned by efforts to promote the Budapest Convention as the global standard.",
            O,
        ),
        ("human_rights", "Security must take precedence over freedom of expression online.", O),
    ]);
}

#[test]
fn a_trailing_rejection_negates_its_sentence_fr() {
    check(&[(
        "binding_norms",
        "Certains proposent d'élaborer un instrument juridiquement contraignant, ce que nous ne pouvons accepter.",
        O,
    )]);
}

#[test]
fn a_trailing_rejection_negates_its_sentence_en() {
    check(&[(
        "binding_norms",
        "This would mean negotiating a new legally binding treaty, which we cannot support.",
        O,
    )]);
}

#[test]
fn abstention_verbs_negate_fr() {
    check(&[("militarization", "Les États doivent renoncer à utiliser des armes informatiques offensives.", O)]);
}

#[test]
fn abstention_verbs_negate_en() {
    check(&[("militarization", "States should refrain from developing offensive cyber capabilities.", O)]);
}

#[test]
fn escaping_or_sacrificing_a_value_is_a_harm_fr() {
    check(&[
        ("ai", "Les systèmes d'intelligence artificielle ne doivent pas échapper aux règles internationales.", S),
        (
            "human_rights",
            "La lutte contre la cybercriminalité ne doit pas se faire au détriment de la liberté d'expression.",
            S,
        ),
    ]);
}

#[test]
fn escaping_or_sacrificing_a_value_is_a_harm_en() {
    check(&[
        ("ai", "Military uses of artificial intelligence must not escape international rules.", S),
        ("human_rights", "Cybersecurity must never come at the expense of freedom of expression.", S),
    ]);
}

#[test]
fn exclusive_endorsement_and_evaluation_fr() {
    check(&[
        (
            "binding_norms",
            "Seul un traité juridiquement contraignant permettra de garantir la stabilité du cyberespace.",
            S,
        ),
        (
            "un_processes",
            "Le Groupe de travail à composition non limitée est l'enceinte appropriée pour ces discussions.",
            S,
        ),
        ("un_processes", "Le Programme d'action ne saurait constituer le cadre de nos discussions.", O),
    ]);
}

#[test]
fn exclusive_endorsement_and_evaluation_en() {
    check(&[
        ("binding_norms", "Only a legally binding treaty can bring stability to cyberspace.", S),
        ("un_processes", "The Open-ended Working Group is the appropriate venue for these discussions.", S),
        ("un_processes", "The Programme of Action is not the right framework for these discussions.", O),
    ]);
}

// Lexicon 1.6.0: an objection worded as the bad consequence of a proposal (the proposal's own
// words would otherwise read as support); a good consequence stays support.

#[test]
fn a_bad_consequence_of_the_proposal_opposes_it_fr() {
    check(&[
        (
            "binding_norms",
            "L'élaboration d'un nouveau traité sur la sécurité de l'information retarderait l'application des normes déjà convenues.",
            O,
        ),
        ("ai", "Une réglementation contraignante de l'intelligence artificielle freinerait la recherche.", O),
        ("budapest_convention", "Rejoindre la Convention de Budapest compromettrait notre souveraineté numérique.", O),
        ("un_processes", "Le programme d'action risque de fragmenter les discussions sur la cybersécurité.", O),
        ("human_rights", "La protection des données personnelles ne doit pas freiner les enquêtes pénales en ligne.", O),
        ("internet_governance", "La cybersouveraineté affaiblirait la sécurité du réseau mondial.", O),
        // contrast: a good consequence, or a bad one denied (`ne … pas` around the verb)
        ("binding_norms", "Une convention universelle renforcerait la sécurité internationale de l'information.", S),
        ("ai", "Des règles internationales sur l'IA renforceraient la confiance entre les États.", S),
        ("binding_norms", "Un traité contraignant sur le cyberespace ne retarderait en rien la mise en œuvre des normes.", S),
    ]);
}

#[test]
fn a_bad_consequence_of_the_proposal_opposes_it_en() {
    check(&[
        (
            "binding_norms",
            "Launching talks on a new cyber convention would divert attention from implementing the agreed norms.",
            O,
        ),
        ("ai", "A global AI agency would duplicate existing efforts and slow innovation.", O),
        ("budapest_convention", "Joining the Budapest Convention could jeopardise our constitutional safeguards.", O),
        (
            "un_processes",
            "The proposed Programme of Action would reopen the consensus reached in the OEWG on ICT security.",
            O,
        ),
        ("human_rights", "Privacy safeguards in the convention could delay urgent criminal investigations online.", O),
        ("internet_governance", "Internet sovereignty would fragment the global network.", O),
        // contrast: a good consequence, or a bad one denied
        ("binding_norms", "A legally binding instrument would strengthen accountability in cyberspace.", S),
        ("un_processes", "The Programme of Action would strengthen the implementation of the agreed cyber norms.", S),
        ("budapest_convention", "The Budapest Convention would not undermine the UN process; it complements it.", S),
        (
            "human_rights",
            "Privacy safeguards online do not hamper investigations; they make evidence more reliable.",
            S,
        ),
    ]);
}

#[test]
fn proposals_worded_around_a_word_reach_binding_norms_and_energy_as_effort_is_no_infrastructure() {
    assert!(reaches("A binding cyber convention would help.", "binding_norms"));
    assert!(reaches("Drafting a new cyber treaty is our priority.", "binding_norms"));
    assert!(!reaches("Our energy belongs in implementing the agreed norms.", "critical_infrastructure"));
    assert!(reaches("Cyberattacks on energy grids must stop.", "critical_infrastructure"));
}

// Lexicon 1.7.0: a sovereignty critique of an instrument (it lets foreign services reach data or
// territory, it violates sovereignty) opposes it, or supports the topic when the instrument is the
// topic's opposite (the multistakeholder model); the consequence class in the English present
// tense and with the proposal taken up by a pronoun or a demonstrative.

#[test]
fn a_sovereignty_critique_of_an_instrument_opposes_it() {
    check(&[
        (
            "budapest_convention",
            "La Convention de Budapest autorise les polices étrangères à accéder aux serveurs situés sur notre territoire.",
            O,
        ),
        (
            "budapest_convention",
            "Ce dispositif est présenté comme neutre. Or la Convention de Budapest viole la souveraineté des États qui l'appliquent.",
            O,
        ),
        (
            "budapest_convention",
            "Nous avons examiné la Convention de Budapest : ce texte porte atteinte à la souveraineté numérique des pays en développement.",
            O,
        ),
        (
            "budapest_convention",
            "The Budapest Convention permits foreign investigators to access computer systems in another State's territory.",
            O,
        ),
        (
            "budapest_convention",
            "Under its Article 32, the Budapest Convention gives Western intelligence services a way into our national databases.",
            O,
        ),
        (
            "budapest_convention",
            "The Budapest Convention infringes the sovereignty of every State that has not signed it.",
            O,
        ),
        (
            "internet_governance",
            "Le modèle multipartite de gouvernance de l'internet donne à des sociétés étrangères le pouvoir de contrôler nos réseaux nationaux.",
            S,
        ),
        (
            "internet_governance",
            "The multistakeholder model violates the sovereignty of States over their segment of the Internet.",
            S,
        ),
        ("supply_chain", "These vendors give foreign intelligence agencies access to our 5G networks.", O),
        // contrast: the access denied, sovereignty respected
        (
            "budapest_convention",
            "The Budapest Convention does not allow foreign police to access data without the consent of the State concerned.",
            S,
        ),
        (
            "budapest_convention",
            "La Convention de Budapest respecte la souveraineté des États parties et prévoit des garanties.",
            S,
        ),
    ]);
}

#[test]
fn a_bad_consequence_in_the_present_or_taken_up_by_a_pronoun_opposes_the_proposal_en() {
    check(&[
        ("binding_norms", "A new cyber treaty diverts scarce diplomatic resources from capacity building.", O),
        (
            "binding_norms",
            "The idea of a legally binding convention on ICT security keeps coming back. It would only polarise the debate.",
            O,
        ),
        (
            "binding_norms",
            "Some want a new binding instrument on cyber security. Such an instrument undermines the agreed framework.",
            O,
        ),
        ("un_processes", "A permanent Programme of Action on ICT security duplicates the OEWG.", O),
        ("ai", "A binding treaty on AI stifles research and delays useful applications.", O),
        ("internet_governance", "Internet sovereignty fragments the global network.", O),
        // contrast: a non-proposal subject, the lack of the proposal, an impersonal "it", a good consequence
        (
            "binding_norms",
            "Ransomware attacks undermine trust between States, and a binding treaty on ICT security is needed.",
            S,
        ),
        ("binding_norms", "The absence of a legally binding instrument weakens accountability in cyberspace.", S),
        (
            "binding_norms",
            "It undermines confidence when States ignore cyber norms, so we call for a binding treaty.",
            S,
        ),
        ("binding_norms", "A legally binding instrument strengthens accountability in cyberspace.", S),
    ]);
}

// Lexicon 1.8.0: the English base form after a plural or noun-phrase proposal subject; a call
// reported of others followed by the speaker's objection; consequence objections toward
// attribution, militarization and unilateral coercive measures; intergovernmental control of
// the Internet as a proposal with consequences.

#[test]
fn a_bad_consequence_in_the_base_form_after_a_plural_subject_opposes_the_proposal() {
    check(&[
        ("binding_norms", "Binding cyber obligations slow down and complicate the work of national CERTs.", O),
        ("binding_norms", "New legally binding treaties on ICT security derail the implementation of agreed norms.", O),
        ("human_rights", "Data protection rules impede cross-border cybercrime investigations.", O),
        ("internet_governance", "Internet sovereignty doctrines fragment the global network.", O),
        // contrast: the consequence denied, a non-proposal subject
        ("binding_norms", "Binding cyber norms do not hamper innovation.", S),
        ("binding_norms", "Criminal groups undermine trust in cyberspace; a legally binding convention is needed.", S),
    ]);
}

#[test]
fn a_call_reported_of_others_then_the_speakers_objection_opposes() {
    check(&[
        (
            "binding_norms",
            "Many countries are pushing for a legally binding convention on ICT security. It would only reopen debates settled by consensus.",
            O,
        ),
        (
            "binding_norms",
            "Certains pays appellent à un instrument juridiquement contraignant. Il risquerait de fragmenter le cadre existant.",
            O,
        ),
        // contrast: the speaker's own call, then a good consequence
        (
            "binding_norms",
            "We call for a legally binding convention on ICT security. It would fill the gaps left by voluntary norms.",
            S,
        ),
    ]);
}

#[test]
fn consequence_objections_reach_attribution_militarization_and_coercive_measures() {
    check(&[
        ("attribution", "Public attribution of cyber incidents would only inflame tensions between States.", O),
        ("attribution", "Les accusations publiques d'attaques informatiques risquent d'attiser les tensions entre États.", O),
        ("militarization", "Applying the law on the use of force to cyberspace would fuel an arms race.", O),
        (
            "militarization",
            "Reconnaître le droit de légitime défense dans le cyberespace risquerait de légitimer la guerre informatique.",
            O,
        ),
        ("unilateral_coercive_measures", "Sanctions deter State-sponsored hackers.", O),
        // contrast: a bad consequence of sanctions supports the proposition; an escalation denied
        ("unilateral_coercive_measures", "Unilateral sanctions would only weaken the cyber resilience of developing countries.", S),
        ("attribution", "Public attribution would not escalate tensions when it is backed by evidence.", S),
    ]);
}

#[test]
fn intergovernmental_control_of_the_internet_with_a_bad_consequence_opposes_state_led_governance() {
    check(&[
        (
            "internet_governance",
            "Giving an intergovernmental body control over the Internet would fragment the network.",
            O,
        ),
        (
            "internet_governance",
            "Confier l'Internet à une instance intergouvernementale risquerait de freiner l'innovation.",
            O,
        ),
        // contrast: a good consequence
        (
            "internet_governance",
            "An intergovernmental organisation for the Internet would strengthen the equal rights of States.",
            S,
        ),
    ]);
}
