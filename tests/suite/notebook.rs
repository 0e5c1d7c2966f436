//! The notebook example: docs/exploration.ipynb holds exactly the cells of docs/exploration.py.
//! The script itself runs with the Python package, in its tests (python/tests/test_notebook.py,
//! run by .ci/run in a venv where the package is installed).

use std::path::Path;

use serde_json::Value;

fn docs(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name)
}

/// The script's cells: split at `# %%` lines; markdown cells lose their leading `# `.
fn script_cells(src: &str) -> Vec<(String, String)> {
    let mut cells: Vec<(String, Vec<&str>)> = Vec::new();
    for line in src.lines() {
        if let Some(rest) = line.strip_prefix("# %%") {
            let kind = if rest.contains("[markdown]") { "markdown" } else { "code" };
            cells.push((kind.to_string(), Vec::new()));
        } else if let Some(cell) = cells.last_mut() {
            cell.1.push(line);
        }
    }
    cells
        .into_iter()
        .map(|(kind, lines)| {
            let text = lines.join("\n").trim_matches('\n').to_string();
            let text = if kind == "markdown" {
                text.lines()
                    .map(|l| l.strip_prefix("# ").unwrap_or(l.trim_start_matches('#')))
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                text
            };
            (kind, text)
        })
        .collect()
}

#[test]
fn notebook_has_the_cells_of_the_script() {
    let script = std::fs::read_to_string(docs("exploration.py")).expect("docs/exploration.py");
    let nb: Value =
        serde_json::from_str(&std::fs::read_to_string(docs("exploration.ipynb")).expect("ipynb")).expect("JSON");
    assert_eq!(nb["nbformat"], 4);
    assert_eq!(nb["metadata"]["kernelspec"]["language"], "python");
    let cells: Vec<(String, String)> = nb["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| {
            assert!(c["id"].is_string() && c["metadata"].is_object(), "nbformat 4.5 cell: {c}");
            if c["cell_type"] == "code" {
                assert!(c["outputs"].is_array() && c.get("execution_count").is_some());
            }
            let source: String =
                c["source"].as_array().expect("source lines").iter().map(|l| l.as_str().unwrap()).collect();
            (c["cell_type"].as_str().unwrap().to_string(), source)
        })
        .collect();
    assert_eq!(
        cells,
        script_cells(&script),
        "regenerate docs/exploration.ipynb from docs/exploration.py (docs/exploration.md)"
    );
    assert!(cells.iter().filter(|c| c.0 == "code").count() >= 3);
}
