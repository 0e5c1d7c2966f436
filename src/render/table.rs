//! Pretty tables (comfy-table) that fit the width they are given without splitting a number
//! or a word: every column is at least as wide as its longest word, the rest wraps at spaces,
//! and when even that is too wide the columns go into several blocks, each repeating the first
//! column (as R and pandas print wide frames).
//!
//! The width is `COLUMNS` when set (scripts, tests), else the terminal's; piped output is as
//! wide as the table needs (never wrapped), and `--wide` ([`set_wide`]) turns fitting off.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};

static WIDE: AtomicBool = AtomicBool::new(false);

/// `--wide`: tables are printed whole, with full labels, whatever the terminal width.
pub fn set_wide(wide: bool) {
    WIDE.store(wide, Ordering::Relaxed);
}

/// Is `--wide` on (commands then show every column and full labels)?
pub fn wide() -> bool {
    WIDE.load(Ordering::Relaxed)
}

/// The width tables must fit: `COLUMNS` (a number from 20 up) when set, else the terminal's
/// when stdout is one; `None` (no limit) for piped output and with `--wide`.
pub fn target_width() -> Option<usize> {
    if wide() {
        return None;
    }
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n >= 20) {
        return Some(n);
    }
    Table::new().width().map(usize::from)
}

/// Words longer than this may be split (a URL), so that one cell cannot force a table wider
/// than any terminal.
const LONGEST_KEPT_WORD: usize = 40;

/// Display width of the longest word (run without spaces) of `s`, at most [`LONGEST_KEPT_WORD`].
fn longest_word(s: &str) -> usize {
    s.split_whitespace().map(|w| w.chars().count()).max().unwrap_or(0).min(LONGEST_KEPT_WORD)
}

/// Narrowest width of a table with these minimal column widths (content + 2 padding + borders).
fn min_table_width(cols: &[usize]) -> usize {
    cols.iter().map(|w| w + 3).sum::<usize>() + 1
}

/// `text` with every line longer than [`target_width`] wrapped at spaces (continuation lines
/// keep the line's indentation); table lines, already fitted, are left alone.
pub fn fit_text(text: &str) -> String {
    let Some(width) = target_width() else { return text.to_string() };
    let mut out = String::with_capacity(text.len());
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let is_table = line.starts_with(['┌', '│', '╞', '├', '└']);
        if is_table || line.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        let mut used = 0;
        for (j, word) in line.split(' ').filter(|w| !w.is_empty()).enumerate() {
            let n = word.chars().count();
            if j == 0 {
                out.push_str(&indent);
                used = indent.len();
            } else if used + 1 + n > width {
                out.push('\n');
                out.push_str(&indent);
                used = indent.len();
            } else {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += n;
        }
    }
    out
}

/// A table ready to print: header, rows, and the width it must fit ([`target_width`]).
pub struct Grid {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    width: Option<usize>,
}

/// A table with a header row; numeric-looking columns are right-aligned. Printing it fits it
/// to [`target_width`] (see the module doc).
pub fn table<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) -> Grid {
    Grid {
        header: header.iter().map(|h| super::printable(h).into_owned()).collect(),
        rows: rows.iter().map(|r| r.iter().map(|c| super::printable(c.as_ref()).into_owned()).collect()).collect(),
        width: target_width(),
    }
}

impl Grid {
    /// Narrowest width this table can take without splitting a word, in one block.
    pub fn min_width(&self) -> usize {
        min_table_width(&self.min_columns())
    }

    /// Does the table fit its width in one block?
    pub fn fits(&self) -> bool {
        self.width.is_none_or(|w| self.min_width() <= w)
    }

    fn min_columns(&self) -> Vec<usize> {
        (0..self.header.len())
            .map(|i| {
                let cells = self.rows.iter().filter_map(|r| r.get(i));
                cells.chain(std::iter::once(&self.header[i])).map(|c| longest_word(c)).max().unwrap_or(0)
            })
            .collect()
    }

    /// Column blocks that each fit the width: the first column, then as many others as fit.
    fn blocks(&self) -> Vec<Vec<usize>> {
        let n = self.header.len();
        let (Some(width), true) = (self.width, n > 1) else { return vec![(0..n).collect()] };
        let min = self.min_columns();
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        let mut current = vec![0];
        for i in 1..n {
            let mut widths: Vec<usize> = current.iter().map(|&c| min[c]).collect();
            widths.push(min[i]);
            if current.len() > 1 && min_table_width(&widths) > width {
                blocks.push(std::mem::replace(&mut current, vec![0]));
            }
            current.push(i);
        }
        blocks.push(current);
        blocks
    }

    fn render(&self, columns: &[usize]) -> Table {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        match self.width {
            Some(w) => {
                t.set_content_arrangement(ContentArrangement::Dynamic).set_width(w.min(u16::MAX as usize) as u16)
            }
            None => t.set_content_arrangement(ContentArrangement::Disabled),
        };
        t.set_header(columns.iter().map(|&i| self.header[i].clone()).collect::<Vec<_>>());
        for row in &self.rows {
            t.add_row(columns.iter().map(|&i| row.get(i).cloned().unwrap_or_default()).collect::<Vec<_>>());
        }
        let min = self.min_columns();
        for (k, col) in t.column_iter_mut().enumerate() {
            let i = columns[k];
            // The boundary counts the padding (one space each side).
            col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(min[i] as u16 + 2)));
            let numeric = self.rows.iter().all(|r| r.get(i).is_none_or(|c| looks_numeric(c)));
            if numeric && i > 0 {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, columns) in self.blocks().iter().enumerate() {
            if k > 0 {
                write!(f, "\n\n")?;
            }
            write!(f, "{}", self.render(columns))?;
        }
        Ok(())
    }
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
/// else unique abbreviations ([`abbreviations`]).
pub fn short_labels(labels: &[String]) -> Vec<String> {
    if labels.iter().map(|l| l.chars().count() + 3).sum::<usize>() <= 110 {
        return labels.to_vec();
    }
    abbreviations(labels)
}

/// Unique abbreviations of `labels` ([`abbreviate`]), numbered `#1`, `#2` … when they collide.
pub fn abbreviations(labels: &[String]) -> Vec<String> {
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

/// A labelled square matrix: `corner` heads the row labels, `lead` columns (name, one cell per
/// row) come next, then one column per label. Labels are shortened as much as the width needs
/// — first the column headers, then the row labels — and a legend line follows the table when
/// any is (`--wide`: never).
pub fn matrix(corner: &str, labels: &[String], lead: &[(&str, Vec<String>)], cells: &[Vec<String>]) -> String {
    let grid = |cols: &[String], rows: &[String]| {
        let mut header: Vec<&str> = vec![corner];
        header.extend(lead.iter().map(|(name, _)| *name));
        header.extend(cols.iter().map(String::as_str));
        let body: Vec<Vec<String>> = (0..labels.len())
            .map(|i| {
                let mut row = vec![rows[i].clone()];
                row.extend(lead.iter().map(|(_, values)| values[i].clone()));
                row.extend(cells[i].iter().cloned());
                row
            })
            .collect();
        table(&header, &body)
    };
    let short = abbreviations(labels);
    let (cols, rows) = if wide() {
        (labels.to_vec(), labels.to_vec())
    } else if target_width().is_none() {
        (short_labels(labels), labels.to_vec())
    } else if grid(labels, labels).fits() {
        (labels.to_vec(), labels.to_vec())
    } else if grid(&short, labels).fits() {
        (short.clone(), labels.to_vec())
    } else {
        (short.clone(), short.clone())
    };
    let mut out = format!("{}\n", grid(&cols, &rows));
    let legend: Vec<String> =
        labels.iter().zip(&short).filter(|(l, s)| l != s).map(|(l, s)| format!("{s} = {l}")).collect();
    let shortened = cols != labels;
    if shortened && !legend.is_empty() {
        let which = if rows != labels { "Rows and columns" } else { "Columns" };
        out.push_str(&format!("{which}: {}\n", legend.join("; ")));
    }
    out
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
