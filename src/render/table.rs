//! Pretty tables (comfy-table). Tables wrap to the terminal width when stdout is a terminal and
//! are left unwrapped otherwise, so piped output stays stable.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

/// A table with a header row; numeric-looking columns are right-aligned.
pub fn table<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        t.set_width(200);
    }
    t.set_header(header.iter().map(|h| super::printable(h).into_owned()).collect::<Vec<_>>());
    for row in rows {
        t.add_row(row.iter().map(|c| super::printable(c.as_ref()).into_owned()).collect::<Vec<_>>());
    }
    for (i, col) in t.column_iter_mut().enumerate() {
        let numeric = rows.iter().all(|r| r.get(i).is_none_or(|c| looks_numeric(c.as_ref())));
        if numeric && i > 0 {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

fn looks_numeric(s: &str) -> bool {
    s.is_empty() || s.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+')
}

/// Short column header for a long label: its initials when it has several words
/// ("Russia-Africa Partnership Forum" → "RAPF"), else the label cut to 10 characters.
pub fn abbreviate(label: &str) -> String {
    if label.chars().count() <= 10 {
        return label.to_string();
    }
    let words: Vec<&str> =
        label.split(|c: char| c.is_whitespace() || c == '-' || c == '_').filter(|w| !w.is_empty()).collect();
    if words.len() >= 2 {
        words.iter().filter_map(|w| w.chars().next()).collect()
    } else {
        label.chars().take(9).chain(std::iter::once('…')).collect()
    }
}

/// Column headers for a matrix: the labels themselves when they fit in about 110 characters,
/// else unique abbreviations (numbering when abbreviations collide).
pub fn short_labels(labels: &[String]) -> Vec<String> {
    if labels.iter().map(|l| l.chars().count() + 3).sum::<usize>() <= 110 {
        return labels.to_vec();
    }
    let short: Vec<String> = labels.iter().map(|l| abbreviate(l)).collect();
    let mut sorted = short.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() == short.len() {
        short
    } else {
        (1..=labels.len()).map(|i| format!("#{i}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations() {
        assert_eq!(abbreviate("Russia-Africa Partnership Forum"), "RAPF");
        assert_eq!(abbreviate("CIS"), "CIS");
        assert_eq!(abbreviate("internationalisation"), "internati…");
        let labels: Vec<String> = (0..12).map(|i| format!("United Kingdom {}", "z".repeat(i))).collect();
        assert_eq!(short_labels(&labels)[..2], ["#1", "#2"]);
        let blocs = vec!["russia-aligned".to_string(), "western".to_string()];
        assert_eq!(short_labels(&blocs), blocs, "narrow tables keep full labels");
    }
}
