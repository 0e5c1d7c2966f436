//! Tables fit the width (`COLUMNS`, as a terminal would give it) without splitting a number or
//! a word; piped output (no `COLUMNS`) is one table as wide as it needs.

use crate::common::*;
use regex::Regex;

fn at_width(width: usize, args: &[&str]) -> String {
    let mut cmd = on_seeds(args);
    cmd.env("COLUMNS", width.to_string());
    stdout(cmd)
}

fn assert_fits(out: &str, width: usize, what: &str) {
    for line in out.lines() {
        assert!(line.chars().count() <= width, "{what} at {width} columns: line too long: {line}");
    }
}

/// Every decimal in the table has its two decimals (a split "0.1" / "6" would not).
fn assert_numbers_whole(out: &str, what: &str) -> usize {
    let re = Regex::new(r"[-+]?\d+\.\d+").unwrap();
    let numbers: Vec<&str> = re.find_iter(out).map(|m| m.as_str()).collect();
    for n in &numbers {
        assert_eq!(n.split('.').nth(1).map(str::len), Some(2), "{what}: number split: {n}");
    }
    numbers.len()
}

#[test]
fn similarity_matrix_fits_80_100_160_columns() {
    let piped = stdout(on_seeds(&["similarity"]));
    let cells = assert_numbers_whole(&piped, "piped");
    assert!(piped.lines().any(|l| l.chars().count() > 160), "piped output is one wide table");
    for width in [80, 100, 160] {
        let out = at_width(width, &["similarity"]);
        assert_fits(&out, width, "similarity");
        // The same numbers, none split, whatever the width.
        assert_eq!(assert_numbers_whole(&out, "similarity"), cells, "at {width} columns:\n{out}");
        // Long issuer names are abbreviated, with a legend.
        assert!(out.replace('\n', " ").contains("RAPF = Russia-Africa Partnership Forum"), "{out}");
    }
    // Row labels are shortened only when the width needs it.
    assert!(at_width(80, &["similarity"]).contains("Rows and columns: "));
    let wide = at_width(80, &["similarity", "--wide"]);
    assert!(wide.contains("│ Russia-Africa Partnership Forum") && wide.contains("┆ Council of Europe"));
}

#[test]
fn compare_fits_and_shows_the_essentials() {
    for width in [80, 100, 160] {
        let out = at_width(width, &["compare", "russia-aligned", "western", "--draws", "20"]);
        assert_fits(&out, width, "compare");
        assert_numbers_whole(&out, "compare");
        for word in ["budapest_convention", "agreement", "similarity", "russia-aligned", "support", "oppose"] {
            assert!(out.contains(word), "{word} whole at {width} columns:\n{out}");
        }
        // Terms only on request.
        assert!(!out.contains("terms of A"), "{out}");
    }
    let out = at_width(100, &["compare", "russia-aligned", "western", "--draws", "20", "--terms", "3"]);
    assert_fits(&out, 100, "compare --terms");
    assert!(out.contains("terms of A") && out.contains("§international_law"), "{out}");
}
