//! Issue 19: what analysts have — legacy encodings, tables of texts (CSV, JSON lines, Parquet),
//! HTML, DOCX and PDF — read by the real binary; each fixture's extracted passages are pinned.

use std::path::Path;

use crate::common::*;
use assert_cmd::Command;

/// `stance` without `--quiet`, so warnings reach stderr.
fn loud(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("stance").expect("binary built");
    cmd.current_dir(std::env::temp_dir()).args(args);
    cmd
}

/// Runs, asserts success, returns (stdout, stderr).
fn run(mut cmd: Command) -> (String, String) {
    let out = cmd.output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "failed: {err}");
    assert!(!err.contains("panicked"), "{err}");
    (String::from_utf8(out.stdout).expect("utf-8"), err)
}

/// (document, passage text) of every passage of the corpus at `path`.
fn passages(path: &Path, extra: &[&str]) -> Vec<(String, String)> {
    let mut cmd = stance(&["passages", "--format", "json", "--corpus"]);
    cmd.arg(path).args(extra);
    let v = json(cmd);
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p["document"].as_str().unwrap().to_string(), p["text"].as_str().unwrap().to_string()))
        .collect()
}

fn windows_1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '’' => 0x92,
            '–' => 0x96,
            c if (c as u32) < 256 => c as u8,
            c => panic!("{c} not in the fixture's Windows-1252"),
        })
        .collect()
}

fn utf16le(s: &str) -> Vec<u8> {
    [0xFF, 0xFE].into_iter().chain(s.encode_utf16().flat_map(u16::to_le_bytes)).collect()
}

// Part 4: encodings.

const LATIN1_FR: &str = "La France soutient l’application du droit international existant au cyberespace – \
y compris la Charte des Nations Unies.\n\nElle s’oppose à un nouveau traité juridiquement contraignant.\n";

#[test]
fn latin1_and_utf16_texts_are_decoded_with_a_warning_naming_the_encoding() {
    let dir = corpus(
        Some("file,issuer\nfr.txt,France\neu.txt,EU\n"),
        &[("fr.txt", &windows_1252(LATIN1_FR)), ("eu.txt", &utf16le(EN_TEXT))],
    );
    let mut cmd = loud(&["passages", "--format", "json", "--corpus"]);
    cmd.arg(dir.path());
    let (out, err) = run(cmd);
    assert!(err.contains("fr.txt: not UTF-8, read as Windows-1252 (Latin-1)"), "{err}");
    assert!(err.contains("eu.txt: not UTF-8, read as UTF-16 (little-endian)"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let texts: Vec<&str> = v.as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert!(texts.contains(&"Elle s'oppose à un nouveau traité juridiquement contraignant."), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("We support the multistakeholder model")), "{texts:?}");
    // a Windows-1252 manifest (Excel's "CSV") is decoded too
    let dir = corpus(
        None,
        &[
            ("manifest.csv", &windows_1252("file,issuer\nfr.txt,République française\n")),
            ("fr.txt", FR_TEXT.as_bytes()),
        ],
    );
    let mut cmd = loud(&["similarity", "--format", "json", "--draws", "0", "--corpus"]);
    cmd.arg(dir.path());
    let (out, err) = run(cmd);
    assert!(err.contains("manifest.csv: not UTF-8, read as Windows-1252"), "{err}");
    assert!(out.contains("République française"), "{out}");
}

#[test]
fn classify_and_tokens_read_latin1() {
    let dir = corpus(None, &[("fr.txt", &windows_1252(LATIN1_FR))]);
    let mut cmd = loud(&["tokens", "--format", "json"]);
    cmd.arg(dir.path().join("fr.txt"));
    let (out, err) = run(cmd);
    assert!(err.contains("read as Windows-1252"), "{err}");
    assert!(out.contains("contraignant") && out.contains("traité"), "{out}");
}

// Part 5: tables of texts.

const NEWS_CSV: &str = "id,body,source,published,region\n\
1,\"La France soutient l'application du droit international au cyberespace, y compris la Charte des Nations Unies.\",Le Monde,2025-03-04T10:00:00Z,eu\n\
2,\"Russia calls for a legally binding convention on international information security under the United Nations.\",TASS,2025-03-05,ru\n\
3,,Reuters,2025-03-06,\n\
4,\"Russia calls for a legally binding convention on international information security under the United Nations.\",RIA,2025-03-06,ru\n";

#[test]
fn csv_of_texts_one_document_per_row() {
    let dir = corpus(None, &[("news.csv", NEWS_CSV.as_bytes())]);
    let flags = ["--text-col", "body", "--issuer-col", "source", "--date-col", "published"];
    let got = passages(&dir.path().join("news.csv"), &flags);
    assert_eq!(
        got,
        [
            ("news.csv:2".to_string(), "La France soutient l'application du droit international au cyberespace, y compris la Charte des Nations Unies.".to_string()),
            ("news.csv:3".to_string(), "Russia calls for a legally binding convention on international information security under the United Nations.".to_string()),
        ]
    );
    let mut cmd = loud(&["similarity", "--format", "json", "--draws", "0", "--corpus"]);
    cmd.arg(dir.path().join("news.csv")).args(flags);
    let (out, err) = run(cmd);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["labels"], serde_json::json!(["Le Monde", "TASS"]));
    assert!(err.contains("1 row(s) with an empty text skipped (line 4)"), "{err}");
    assert!(err.contains("1 row(s) repeat an earlier row's text, read once (line 5)"), "{err}");
    // dates: the timestamp is read as its day
    let mut cmd = stance(&["passages", "--format", "json", "--corpus"]);
    cmd.arg(dir.path().join("news.csv")).args(flags);
    assert_eq!(json(cmd)[0]["date"], "2025-03-04");
}

#[test]
fn jsonl_of_texts_with_default_columns() {
    let jsonl = format!(
        "{}\n{}\n",
        serde_json::json!({"text": FR_TEXT, "issuer": "Russia", "bloc": "east", "lang": "fr"}),
        serde_json::json!({"text": EN_TEXT, "issuer": "EU", "bloc": "west", "date": "2021-02-03"})
    );
    let dir = corpus(None, &[("t.jsonl", jsonl.as_bytes())]);
    let got = passages(&dir.path().join("t.jsonl"), &[]);
    let docs: Vec<&str> = got.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(docs, ["t.jsonl:1", "t.jsonl:1", "t.jsonl:2", "t.jsonl:2"]);
    assert!(got[2].1.starts_with("The European Union considers"), "{got:?}");
    let mut cmd = stance(&["similarity", "--by", "bloc", "--format", "json", "--draws", "0", "--corpus"]);
    cmd.arg(dir.path().join("t.jsonl"));
    assert_eq!(json(cmd)["labels"], serde_json::json!(["east", "west"]));
    // show-source prints the row's text
    let mut cmd = stance(&["passages", "--show-source", "t.jsonl:2", "--corpus"]);
    cmd.arg(dir.path().join("t.jsonl"));
    assert_eq!(stdout(cmd), EN_TEXT);
}

#[test]
fn table_errors_are_one_line_naming_file_and_flag() {
    let dir = corpus(
        None,
        &[("news.csv", NEWS_CSV.as_bytes()), ("bad.jsonl", b"{\"text\": \"x\", \"issuer\": \"y\"}\nnot json\n")],
    );
    let mut cmd = stance(&["similarity", "--corpus"]);
    cmd.arg(dir.path().join("news.csv"));
    fails(cmd, 1, &["news.csv", "no column 'text'", "body, source", "--text-col"]);
    let mut cmd = stance(&["similarity", "--text-col", "body", "--issuer-col", "writer", "--corpus"]);
    cmd.arg(dir.path().join("news.csv"));
    fails(cmd, 1, &["news.csv", "column 'writer' (--issuer-col)"]);
    let mut cmd = stance(&["similarity", "--corpus"]);
    cmd.arg(dir.path().join("bad.jsonl"));
    fails(cmd, 1, &["bad.jsonl:2", "not JSON"]);
}

/// The default build reads no Parquet (arrow and parquet add minutes to a cold build): a table
/// of texts in Parquet is a one-line usage error that names the feature, not "not a table".
#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_texts_without_the_feature_name_it() {
    let dir = corpus(None, &[("news.parquet", b"PAR1\0\0\0\0PAR1")]);
    let mut cmd = stance(&["similarity", "--corpus"]);
    cmd.arg(dir.path().join("news.parquet"));
    fails(cmd, 2, &["news.parquet", "--features parquet", "CSV or JSON lines"]);
}

#[test]
fn a_csv_with_a_file_column_is_still_a_manifest() {
    let dir = small_corpus();
    let got = passages(&dir.path().join("manifest.csv"), &[]);
    assert_eq!(got.iter().filter(|(d, _)| d == "a.txt").count(), 2, "{got:?}");
}

#[test]
fn ingest_reads_tables_of_texts() {
    let ws = tempfile::tempdir().unwrap();
    let dir = corpus(None, &[("news.csv", NEWS_CSV.as_bytes())]);
    let mut init = stance(&["init", "--workspace"]);
    init.arg(ws.path());
    stdout(init);
    let mut ingest =
        stance(&["ingest", "--format", "json", "--text-col", "body", "--issuer-col", "source", "--workspace"]);
    ingest.arg(ws.path()).arg(dir.path().join("news.csv"));
    let report = json(ingest);
    assert_eq!(report["added"], serde_json::json!(["news.csv:2", "news.csv:3"]), "{report}");
}

// Parts 2-3: HTML and DOCX.

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats").join(name)).expect("fixture")
}

const HTML_TEXT: &str = "Statement by Brazil\n\n\
Mr. Chair, Brazil reaffirms that international law, and in particular the Charter of the United Nations, applies to the use of information and communications technologies by States.\n\n\
We support the voluntary, non-binding norms of responsible State behaviour and call for their implementation before any new legally binding instrument is negotiated.\n\n\
Capacity-building must be demand-driven and respect the sovereignty of States.\n\n\
A permanent mechanism should remain open to the participation of non-governmental stakeholders.\n";

const DOCX_PARAGRAPHS: [&str; 3] = [
    "Déclaration de la France",
    "La France rappelle que le droit international, et en particulier la Charte des Nations Unies, s'applique au cyberespace.",
    "Elle ne soutient pas l'élaboration d'un nouvel instrument juridiquement contraignant à ce stade.",
];

/// A folder with the HTML fixture and a generated .docx, listed without titles.
fn html_and_docx() -> tempfile::TempDir {
    corpus(
        Some("file,issuer,bloc\nstatement.html,Brazil,brics\nfrance.docx,France,western\n"),
        &[
            ("statement.html", &fixture("statement.html")),
            ("france.docx", &stance::fuzzing::sample_docx(&DOCX_PARAGRAPHS, Some("Déclaration (OEWG, mars 2025)"))),
        ],
    )
}

#[test]
fn html_main_text_and_docx_body_are_the_passages() {
    let dir = html_and_docx();
    let mut cmd = stance(&["passages", "--show-source", "statement.html", "--corpus"]);
    cmd.arg(dir.path());
    assert_eq!(stdout(cmd), HTML_TEXT);
    let got = passages(dir.path(), &[]);
    let texts = |doc: &str| got.iter().filter(|(d, _)| d == doc).map(|(_, t)| t.as_str()).collect::<Vec<_>>();
    assert_eq!(texts("statement.html"), HTML_TEXT.trim_end().split("\n\n").skip(1).collect::<Vec<_>>());
    assert_eq!(texts("france.docx"), DOCX_PARAGRAPHS[1..]);
    // titles from the page and the Word file fill the manifest's empty column
    let mut cmd = stance(&["passages", "--format", "json", "--corpus"]);
    cmd.arg(dir.path());
    let v = json(cmd);
    let title = |doc: &str| v.as_array().unwrap().iter().find(|p| p["document"] == doc).unwrap()["title"].clone();
    assert_eq!(title("statement.html"), "Statement by Brazil at the Open-ended Working Group on ICT security");
    assert_eq!(title("france.docx"), "Déclaration (OEWG, mars 2025)");
    // offsets point into the extracted text
    let mut cmd = stance(&["passages", "--show-source", "france.docx", "--format", "json", "--corpus"]);
    cmd.arg(dir.path());
    let source = json(cmd)["text"].as_str().unwrap().to_string();
    for p in v.as_array().unwrap().iter().filter(|p| p["document"] == "france.docx") {
        let (s, e) = (p["start"].as_u64().unwrap() as usize, p["end"].as_u64().unwrap() as usize);
        assert_eq!(&source[s..e], p["text"].as_str().unwrap());
    }
}

#[test]
fn classify_and_ingest_read_html_and_docx() {
    let dir = html_and_docx();
    let mut cmd = stance(&["classify", "--format", "json"]);
    cmd.arg(dir.path().join("statement.html"));
    let out = stdout(cmd);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert!(first["text"].as_str().unwrap().starts_with("Mr. Chair, Brazil reaffirms"), "{first}");
    assert!(!out.contains("cookies") && !out.contains("Skip to main content"), "{out}");

    let ws = tempfile::tempdir().unwrap();
    let mut init = stance(&["init", "--workspace"]);
    init.arg(ws.path());
    stdout(init);
    let mut ingest =
        stance(&["ingest", "--format", "json", "--issuer", "Brazil", "--date", "2025-03-04", "--workspace"]);
    ingest.arg(ws.path()).arg(dir.path().join("statement.html")).arg(dir.path().join("france.docx"));
    assert_eq!(json(ingest)["added"], serde_json::json!(["statement.html", "france.docx"]));
    let mut cmd = stance(&["passages", "--show-source", "statement.html", "--workspace"]);
    cmd.arg(ws.path());
    assert_eq!(stdout(cmd), HTML_TEXT);
}

#[test]
fn folder_without_manifest_reads_html_and_docx() {
    let dir = corpus(
        None,
        &[
            ("brazil.html", &fixture("statement.html")),
            ("france.docx", &stance::fuzzing::sample_docx(&DOCX_PARAGRAPHS, None)),
        ],
    );
    let mut cmd = stance(&["similarity", "--format", "json", "--draws", "0", "--corpus"]);
    cmd.arg(dir.path());
    assert_eq!(json(cmd)["labels"], serde_json::json!(["brazil", "france"]));
}

#[test]
fn damaged_documents_are_one_line_errors() {
    let docx = stance::fuzzing::sample_docx(&DOCX_PARAGRAPHS, None);
    let dir = corpus(
        Some("file,issuer\nbad.docx,France\n"),
        &[
            ("bad.docx", &docx[..docx.len() / 2]),
            ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 rest"),
            ("empty.html", b"<html><nav>Menu</nav><script>x()</script></html>"),
        ],
    );
    fails(passages_cmd(dir.path()), 1, &["manifest.csv:2", "bad.docx", "not a zip archive"]);
    std::fs::write(dir.path().join("manifest.csv"), "file,issuer\nold.doc,France\n").unwrap();
    fails(passages_cmd(dir.path()), 1, &["old.doc", "Word 97-2003", ".docx"]);
    std::fs::write(dir.path().join("manifest.csv"), "file,issuer\nempty.html,France\n").unwrap();
    fails(passages_cmd(dir.path()), 1, &["empty.html", "no main text"]);
    let mut cmd = stance(&["classify"]);
    cmd.arg(dir.path().join("bad.docx"));
    fails(cmd, 1, &["bad.docx", "not a zip archive"]);
}

fn passages_cmd(dir: &Path) -> Command {
    let mut cmd = stance(&["passages", "--format", "json", "--corpus"]);
    cmd.arg(dir);
    cmd
}

// Part 1: PDF (fixtures made by tests/fixtures/formats/make_pdfs.py: running headers, page
// numbers, note references and footnotes, hyphenated line ends, a paragraph across a page break,
// two columns on the French page 1).

/// The English fixture as read: the footnotes after the text, behind the rule.
const PDF_EN: &str = "Statement by the United Kingdom\n\n\
Mr. Chair, the United Kingdom reaffirms that international law, and in particular the Charter of the United Nations, applies in its entirety to the conduct of States in cyberspace.\n\n\
We support the framework of responsible State behaviour, including the eleven voluntary, non-binding norms agreed by consensus, and we call on all States to implement them before any new legally binding instrument is negotiated.\n\n\
Capacity-building must be demand-driven, sustainable and gender-sensitive. It should help every State to protect its critical infrastructure, to respond to incidents and to take part in the work of this Group on an equal footing. The United Kingdom has funded programmes in more than forty countries and will continue to do so, together with regional organizations, the private sector and civil society, because the security of cyberspace depends on the resilience of its weakest links.\n\n\
The proposed Programme of Action should become the single permanent mechanism, open to the participation of non-governmental stakeholders.\n\n\
Ransomware attacks against hospitals are unacceptable and must be investigated and prosecuted.\n\n\
__________\n\n\
1 See the report of the Group of Governmental Experts, A/76/135, para. 69.\n\
2 Resolution 77/37 of 7 December 2022 welcomed the proposal of a Programme of Action.\n";

/// The French fixture's passages: the title line above the columns, the left column then the
/// right one (`proté-` at the foot of the left column, `ger` atop the right), page 2.
const PDF_FR: [&str; 6] = [
    "La France et l'Allemagne rappellent que le droit international, et en particulier la Charte des Nations Unies, s'applique dans son intégralité à l'usage des technologies du numérique par les États.",
    "Elles soutiennent le cadre de comportement responsable des États et les onze normes volontaires adoptées par consensus, qu'il convient de mettre en oeuvre avant toute négociation d'un nouvel instrument juridiquement contraignant.",
    "Elles appellent à renforcer la coopération entre les équipes nationales de réponse aux incidents, afin que chaque État puisse protéger ses infrastructures critiques, et à soutenir les programmes de renforcement des capacités conduits par les organisations régionales, le secteur privé et la société civile, car la sécurité du cyberespace dépend de la résilience de ses maillons les plus faibles et de la confiance entre les États.",
    "Le futur programme d'action doit devenir le mécanisme permanent unique des Nations Unies, ouvert aux parties prenantes non gouvernementales.",
    "Les attaques par rançongiciel contre les hôpitaux sont inacceptables; leurs auteurs doivent être poursuivis.",
    "Les deux pays présenteront un rapport commun à la prochaine session du Groupe de travail.",
];

/// A folder with the two PDF fixtures, listed without titles.
fn pdfs() -> tempfile::TempDir {
    corpus(
        Some("file,issuer,bloc\nstatement-en.pdf,United Kingdom,western\ndeclaration-fr.pdf,France,western\n"),
        &[("statement-en.pdf", &fixture("statement-en.pdf")), ("declaration-fr.pdf", &fixture("declaration-fr.pdf"))],
    )
}

#[test]
fn pdf_text_in_reading_order_without_headers_page_numbers_or_notes() {
    let dir = pdfs();
    let mut cmd = stance(&["passages", "--show-source", "statement-en.pdf", "--corpus"]);
    cmd.arg(dir.path());
    assert_eq!(stdout(cmd), PDF_EN);
    let got = passages(dir.path(), &[]);
    let texts = |doc: &str| got.iter().filter(|(d, _)| d == doc).map(|(_, t)| t.as_str()).collect::<Vec<_>>();
    let en: Vec<&str> = PDF_EN.split("\n\n__________").next().unwrap().split("\n\n").skip(1).collect();
    assert_eq!(texts("statement-en.pdf"), en);
    assert_eq!(texts("declaration-fr.pdf"), PDF_FR);
    for (_, t) in &got {
        for junk in ["Working Group on security", "Page ", "A/80/123", "franco-allemande", "See the report", "Voir le"]
        {
            assert!(!t.contains(junk), "{junk:?} in {t:?}");
        }
    }
    // titles from the files' properties; offsets into the extracted text
    let mut cmd = stance(&["passages", "--format", "json", "--corpus"]);
    cmd.arg(dir.path());
    let v = json(cmd);
    let title = |doc: &str| v.as_array().unwrap().iter().find(|p| p["document"] == doc).unwrap()["title"].clone();
    assert_eq!(title("statement-en.pdf"), "Statement by the United Kingdom");
    assert_eq!(title("declaration-fr.pdf"), "Déclaration conjointe sur la sécurité du numérique");
    let mut cmd = stance(&["passages", "--show-source", "declaration-fr.pdf", "--format", "json", "--corpus"]);
    cmd.arg(dir.path());
    let source = json(cmd)["text"].as_str().unwrap().to_string();
    assert!(source.ends_with("__________\n\n1 Voir le rapport du Groupe d'experts gouvernementaux, A/76/135, par. 69.\n2 Résolution 77/37 du 7 décembre 2022.\n"), "{source}");
    for p in v.as_array().unwrap().iter().filter(|p| p["document"] == "declaration-fr.pdf") {
        let (s, e) = (p["start"].as_u64().unwrap() as usize, p["end"].as_u64().unwrap() as usize);
        assert_eq!(&source[s..e], p["text"].as_str().unwrap());
    }
}

#[test]
fn classify_and_ingest_read_pdf() {
    let dir = pdfs();
    let mut cmd = stance(&["classify", "--format", "json"]);
    cmd.arg(dir.path().join("statement-en.pdf"));
    let out = stdout(cmd);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert!(first["text"].as_str().unwrap().starts_with("Mr. Chair, the United Kingdom reaffirms"), "{first}");
    assert_eq!(out.lines().filter(|l| l.starts_with("{\"passage\"")).count(), 5, "{out}");

    let ws = tempfile::tempdir().unwrap();
    let mut init = stance(&["init", "--workspace"]);
    init.arg(ws.path());
    stdout(init);
    let mut ingest =
        stance(&["ingest", "--format", "json", "--issuer", "France", "--date", "2025-03-04", "--workspace"]);
    ingest.arg(ws.path()).arg(dir.path().join("declaration-fr.pdf"));
    assert_eq!(json(ingest)["added"], serde_json::json!(["declaration-fr.pdf"]));
    let mut cmd = stance(&["passages", "--format", "json", "--workspace"]);
    cmd.arg(ws.path());
    let v = json(cmd);
    let texts: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["document"] == "declaration-fr.pdf")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, PDF_FR);
}

#[test]
fn scanned_and_damaged_pdfs_are_one_line_errors() {
    let en = fixture("statement-en.pdf");
    let dir = corpus(
        Some("file,issuer\nscanned.pdf,France\n"),
        &[("scanned.pdf", &fixture("scanned.pdf")), ("cut.pdf", &en[..en.len() / 3]), ("good.pdf", &en)],
    );
    let mut cmd = stance(&["classify"]);
    cmd.arg(dir.path().join("scanned.pdf"));
    fails(cmd, 1, &["scanned.pdf: no text layer: OCR it first"]);
    fails(passages_cmd(dir.path()), 1, &["manifest.csv:2", "scanned.pdf: no text layer"]);
    std::fs::write(dir.path().join("manifest.csv"), "file,issuer\ncut.pdf,France\n").unwrap();
    fails(passages_cmd(dir.path()), 1, &["manifest.csv:2", "cut.pdf: "]);
    // nothing half-written: a failed ingest adds neither file
    let ws = tempfile::tempdir().unwrap();
    let mut init = stance(&["init", "--workspace"]);
    init.arg(ws.path());
    stdout(init);
    let ingest = |files: &[&str]| {
        let mut cmd = stance(&["ingest", "--format", "json", "--issuer", "UK", "--date", "2025-03-04", "--workspace"]);
        cmd.arg(ws.path());
        for f in files {
            cmd.arg(dir.path().join(f));
        }
        cmd
    };
    fails(ingest(&["good.pdf", "scanned.pdf"]), 1, &["scanned.pdf: no text layer"]);
    assert_eq!(json(ingest(&["good.pdf"]))["added"], serde_json::json!(["good.pdf"]));
}

#[test]
fn folder_without_manifest_reads_pdf() {
    let dir = corpus(
        None,
        &[
            ("uk.pdf", &fixture("statement-en.pdf")),
            ("france.docx", &stance::fuzzing::sample_docx(&DOCX_PARAGRAPHS, None)),
        ],
    );
    let mut cmd = stance(&["similarity", "--format", "json", "--draws", "0", "--corpus"]);
    cmd.arg(dir.path());
    assert_eq!(json(cmd)["labels"], serde_json::json!(["france", "uk"]));
}
