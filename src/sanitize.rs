//! Output text made safe for where it goes: CSV cells a spreadsheet will not run as formulas,
//! and text a terminal will not take as control sequences. Below `render` and `export`, which
//! both write CSV.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

/// `--raw-csv`: write CSV cells exactly as they are (see [`csv_cell`]). Off by default.
static RAW_CSV: AtomicBool = AtomicBool::new(false);

/// Turns formula neutralisation of CSV cells off (`true`) or on, for the whole process.
pub fn set_raw_csv(raw: bool) {
    RAW_CSV.store(raw, Ordering::Relaxed);
}

/// A CSV cell a spreadsheet will not run as a formula (OWASP "CSV injection"): a text cell that
/// starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`. Numbers, including
/// negative ones such as `-0.25`, stay as they are. `--raw-csv` ([`set_raw_csv`]) turns this off.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !risky || RAW_CSV.load(Ordering::Relaxed) || s.trim().parse::<f64>().is_ok_and(f64::is_finite) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{s}"))
    }
}

/// Text safe to print on a terminal: control characters (C0 but newline, DEL, C1) and the
/// bidirectional overrides that reorder a line are removed, tabs become spaces, so a hostile
/// issuer name or passage cannot clear the screen, move the cursor or disguise itself.
pub fn printable(s: &str) -> Cow<'_, str> {
    let bad = |c: char| (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter_map(|c| {
                if c == '\t' {
                    Some(' ')
                } else if bad(c) {
                    None
                } else {
                    Some(c)
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_and_terminal_text() {
        for (cell, want) in [("-0.25", "-0.25"), ("+3", "+3"), ("1e-3", "1e-3"), ("=1+2", "'=1+2"), ("-x", "'-x")] {
            assert_eq!(csv_cell(cell), want);
        }
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("-inf"), "'-inf", "not a finite number: text");
        assert_eq!(printable("a\u{1b}[2Jb\u{7}\tc\nd\u{202e}e"), "a[2Jb c\nde");
    }
}
