//! The domain gate (issue 17): on a general speech, a passage that is not about ICTs / cyberspace
//! gets no topic; the same wording inside a cyber statement keeps its topic; French and English.
//! `classify` and `passages` show the decision.

use crate::common::*;
use serde_json::Value;

const HR_EN: &str = "Human rights constitute the backbone of the multilateral system and must be protected everywhere.";
const HR_FR: &str =
    "Les droits de l'homme constituent le socle du système multilatéral et doivent être protégés partout.";

/// A general speech: eight paragraphs, one of them (far from the human-rights one) on the Internet.
fn general_speech_en() -> String {
    [
        "Mr. President, allow me to congratulate you on your election to preside over this session of the Assembly.",
        "Climate change is the defining challenge of our time and small island States are on its front line.",
        HR_EN,
        "Poverty and hunger remain unacceptable in a world of plenty, and the Sustainable Development Goals are off track.",
        "We call for a peaceful settlement of the conflicts in our region through dialogue and the rule of law.",
        "The reform of the Security Council is long overdue and must make it more representative.",
        "Our Government has invested in schools, clinics and roads in every province of the country.",
        "We are also connecting rural schools to the Internet and closing the digital divide in our islands.",
    ]
    .join("\n\n")
}

/// A statement on cybercrime negotiations holding the same human-rights paragraph.
fn cyber_statement_en() -> String {
    [
        "The negotiations on a United Nations convention against cybercrime must conclude this year.",
        "Cybercrime threatens our citizens, our businesses and the information systems of our hospitals.",
        HR_EN,
        "The use of information and communication technologies for criminal purposes requires close cooperation.",
        "States should share information on ransomware attacks and build the capacity of their cyber authorities.",
    ]
    .join("\n\n")
}

fn general_speech_fr() -> String {
    [
        "Monsieur le Président, permettez-moi de vous féliciter pour votre élection à la présidence de cette session.",
        "Les changements climatiques sont le défi de notre temps et les petits États insulaires en sont les premières victimes.",
        HR_FR,
        "La pauvreté et la faim restent inacceptables dans un monde d'abondance, et les objectifs de développement durable prennent du retard.",
        "Nous appelons à un règlement pacifique des conflits de notre région par le dialogue et le droit.",
        "La réforme du Conseil de sécurité n'a que trop tardé et doit le rendre plus représentatif.",
        "Notre gouvernement a investi dans les écoles, les dispensaires et les routes de chaque province.",
        "Nous raccordons aussi les écoles rurales à l'Internet et réduisons la fracture numérique dans nos îles.",
    ]
    .join("\n\n")
}

fn cyber_statement_fr() -> String {
    [
        "Les négociations sur une convention des Nations Unies contre la cybercriminalité doivent aboutir cette année.",
        "La cybercriminalité menace nos citoyens, nos entreprises et les systèmes d'information de nos hôpitaux.",
        HR_FR,
        "L'utilisation des technologies de l'information et des communications à des fins criminelles exige une coopération étroite.",
        "Les États doivent échanger des informations sur les rançongiciels et renforcer les capacités de leurs autorités cyber.",
    ]
    .join("\n\n")
}

/// `classify --format json` passage lines of `text`.
fn classify(text: &str, lang: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("speech.txt");
    std::fs::write(&path, text).expect("write");
    let out = stdout(on_seeds(&["classify", path.to_str().expect("path"), "--format", "json", "--lang", lang]));
    out.lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON line"))
        .filter(|v| v.get("passage").is_some())
        .collect()
}

/// The passage of `passages` whose text starts like `start`.
fn find<'a>(passages: &'a [Value], start: &str) -> &'a Value {
    passages
        .iter()
        .find(|p| p["text"].as_str().expect("text").starts_with(&start[..30]))
        .unwrap_or_else(|| panic!("no passage starting with {start:?}"))
}

fn evidence(p: &Value) -> Vec<&str> {
    p["domain"]["evidence"].as_array().expect("evidence").iter().map(|e| e.as_str().expect("str")).collect()
}

#[test]
fn out_of_domain_in_a_general_speech_no_topic_in_a_cyber_statement_kept_en() {
    let general = classify(&general_speech_en(), "en");
    let hr = find(&general, HR_EN);
    assert_eq!(hr["domain"]["in"], false, "{hr}");
    assert_eq!(hr["topic"], Value::Null, "a general human-rights paragraph gets no cyber topic: {hr}");
    assert_eq!(hr["stance"], Value::Null);
    assert!(hr["topics"]["human_rights"].as_f64().expect("score") >= 1.5, "the words alone would have reached it");
    let net = find(&general, "We are also connecting rural schools");
    assert_eq!(net["domain"]["in"], true, "{net}");
    assert!(evidence(net).contains(&"internet") && evidence(net).contains(&"digital"), "{net}");
    // Only the Internet paragraph is in: no other passage of the speech gets a topic.
    assert!(general.iter().filter(|p| p["domain"]["in"] == true).count() == 1);

    let cyber = classify(&cyber_statement_en(), "en");
    let hr = find(&cyber, HR_EN);
    assert_eq!(hr["domain"]["in"], true, "{hr}");
    assert_eq!(hr["topic"], "human_rights", "same wording in a cyber statement keeps its topic: {hr}");
    assert!(evidence(hr).iter().any(|e| e.starts_with("document 80% in")), "decided by its document: {hr}");
    assert!(cyber.iter().all(|p| p["domain"]["in"] == true));
}

#[test]
fn out_of_domain_in_a_general_speech_no_topic_in_a_cyber_statement_kept_fr() {
    let general = classify(&general_speech_fr(), "fr");
    let hr = find(&general, HR_FR);
    assert_eq!(hr["domain"]["in"], false, "{hr}");
    assert_eq!(hr["topic"], Value::Null, "{hr}");
    let net = find(&general, "Nous raccordons aussi les écoles");
    assert_eq!(net["domain"]["in"], true, "{net}");
    assert!(evidence(net).contains(&"numérique"), "{net}");

    let cyber = classify(&cyber_statement_fr(), "fr");
    let hr = find(&cyber, HR_FR);
    assert_eq!(hr["domain"]["in"], true, "{hr}");
    assert_eq!(hr["topic"], "human_rights", "{hr}");
}

#[test]
fn a_paragraph_between_two_domain_paragraphs_of_a_general_speech_is_in() {
    let mut paragraphs: Vec<String> = general_speech_en().split("\n\n").map(str::to_string).collect();
    paragraphs[1] = "Cyberattacks on hospitals during the pandemic showed how exposed our health systems are.".into();
    paragraphs[3] =
        "We support the United Nations work on the security of information and communication technologies.".into();
    let out = classify(&paragraphs.join("\n\n"), "en");
    let hr = find(&out, HR_EN);
    assert_eq!(hr["domain"]["in"], true, "{hr}");
    assert!(evidence(hr).contains(&"neighbours 2 (+1.00)"), "{hr}");
}

#[test]
fn passages_show_the_decision_in_json_csv_and_table_and_filter_on_it() {
    let speech = general_speech_en();
    let statement = cyber_statement_en();
    let dir = corpus(
        Some("file,issuer,bloc\nspeech.txt,Arcadia,south\nstatement.txt,Borealis,north\n"),
        &[("speech.txt", speech.as_bytes()), ("statement.txt", statement.as_bytes())],
    );
    let run = |args: &[&str]| {
        let mut cmd = stance(args);
        cmd.arg("--corpus").arg(dir.path());
        cmd
    };
    let all = json(run(&["passages", "--format", "json"]));
    let all = all.as_array().expect("array");
    assert_eq!(all.len(), 13);
    let keys: Vec<&str> = all[0]["domain"].as_object().expect("domain object").keys().map(String::as_str).collect();
    assert_eq!(keys, ["evidence", "in", "score"]);
    assert!(all[0].get("in_domain").is_none(), "JSON nests the decision");
    let out = json(run(&["passages", "--format", "json", "--domain", "out"]));
    let out = out.as_array().expect("array");
    assert_eq!(out.len(), 7, "the speech's other paragraphs");
    assert!(out.iter().all(|p| p["domain"]["in"] == false && p["topic"].is_null()));
    // Topics only ever on in-domain passages.
    let hr = json(run(&["passages", "--format", "json", "--topic", "human_rights"]));
    let hr = hr.as_array().expect("array");
    assert!(!hr.is_empty() && hr.iter().all(|p| p["issuer"] == "Borealis" && p["domain"]["in"] == true));
    let csv = stdout(run(&["passages", "--format", "csv", "--domain", "in"]));
    let header = csv.lines().next().expect("header");
    assert!(header.contains("in_domain,domain_score,domain_evidence"), "{header}");
    assert_eq!(csv.lines().count(), 1 + 6);
    let table = stdout(run(&["passages", "--domain", "in", "--limit", "2"]));
    assert!(table.contains("domain") && table.contains("in ("), "{table}");
}

/// `stance` without `--quiet`, on `dir`: stdout and stderr.
fn loud(dir: &std::path::Path, args: &[&str]) -> (String, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("stance").expect("binary built");
    cmd.current_dir(std::env::temp_dir()).args(args).arg("--corpus").arg(dir);
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).expect("utf-8"), String::from_utf8(out.stderr).expect("utf-8"))
}

#[test]
fn comparisons_read_in_domain_passages_say_how_many_were_left_out_and_warn() {
    let speech = general_speech_en();
    let statement = cyber_statement_en();
    let dir = corpus(
        Some("file,issuer,bloc\nspeech.txt,Arcadia,south\nstatement.txt,Borealis,north\n"),
        &[("speech.txt", speech.as_bytes()), ("statement.txt", statement.as_bytes())],
    );
    let warning = "only 46.2% of the passages (6 of 13) are about ICTs / cyberspace";

    let (out, err) = loud(dir.path(), &["similarity", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["domain"]["in_domain"], 6);
    assert_eq!(v["domain"]["left_out"], 7);
    assert_eq!(v["n_passages"], serde_json::json!([1, 5]), "Arcadia keeps its Internet paragraph only");
    assert!(err.contains(warning), "{err}");
    let (table, _) = loud(dir.path(), &["similarity"]);
    assert!(table.contains("In the domain (ICTs / cyberspace): 6 of 13 passages (46%); the 7 others are left out."));

    let (table, err) = loud(dir.path(), &["compare", "issuer:Arcadia", "issuer:Borealis"]);
    assert!(table.contains("Arcadia: 1 document(s), 1 passage(s) (7 more out of the domain, left out)"), "{table}");
    assert!(err.contains(warning), "{err}");

    let (out, _) = loud(dir.path(), &["positions", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["domain"]["left_out"], 7);
    let rows = v["positions"].as_array().expect("rows");
    assert!(rows.iter().filter(|r| r["group"] == "Arcadia").all(|r| r["n"].as_u64() <= Some(1)), "{rows:?}");
    let (out, _) = loud(dir.path(), &["agreement", "--format", "json"]);
    assert_eq!(serde_json::from_str::<Value>(&out).expect("JSON")["domain"]["in_domain"], 6);

    let fitted = tempfile::tempdir().expect("tmp");
    let (out, err) = loud(dir.path(), &["fit", "--out", fitted.path().to_str().expect("path")]);
    assert!(out.contains("In the domain (ICTs / cyberspace): 6 of 13 passages"), "{out}");
    assert!(err.contains(warning), "{err}");

    // A cyber corpus: no warning.
    let cyber = corpus(Some("file,issuer\nstatement.txt,Borealis\n"), &[("statement.txt", statement.as_bytes())]);
    let (_, err) = loud(cyber.path(), &["similarity"]);
    assert!(!err.contains("are about ICTs"), "{err}");
}
