//! Caps on every count a user sets (docs/security.md, "Resource bounds"): a mistyped
//! `--draws 100000000` must be a one-line error naming the cap, not a process killed at 24 GB or
//! a run that never ends. Zero is refused where it means nothing (`--k 0`, `--dims 0`).

use crate::{Error, Result};

/// Bootstrap draws. 2,000 draws already pin a 95 % percentile interval to about ±0.005; five
/// times that is plenty, and [`check_draws`] also bounds the memory the draws hold.
pub const MAX_DRAWS: usize = 10_000;
/// Memory the bootstrap of one matrix may hold: every draw keeps its n × n matrix of
/// `Option<f64>` cells until the percentiles are taken ([`bootstrap_bytes_per_draw`]).
pub const BOOTSTRAP_BUDGET_BYTES: u64 = 4 << 30;
/// SVD power iterations: accuracy stops improving after a handful (scikit-learn uses 5–7).
pub const MAX_SVD_ITER: usize = 50;
/// SVD dimensions: a model keeps n_terms × dims floats; LSA uses 100–300.
pub const MAX_DIMS: usize = 1_000;
/// k-means clusters (each one a file of `fit --out`, and a row of every topic table).
pub const MAX_K: usize = 1_000;
/// Evidence passages per side, topic or change.
pub const MAX_EVIDENCE: usize = 100;
/// Terms, top entries and table rows per list.
pub const MAX_TERMS: usize = 1_000;
/// Words per passage (`--min-words`, `--max-words`).
pub const MAX_WORDS: usize = 10_000;

/// `value` of `flag` if it lies in `min..=max`, else a usage error giving the range.
pub fn count(flag: &str, value: usize, min: usize, max: usize) -> Result<usize> {
    if value < min {
        return Err(Error::usage(format!("{flag} {value} means nothing here; give {min} to {max}")));
    }
    if value > max {
        return Err(Error::usage(format!("{flag} {value} is over the cap of {max}; give {min} to {max}")));
    }
    Ok(value)
}

/// Bytes one bootstrap draw holds for a matrix of `n_groups`: n² cells of `Option<f64>`
/// (16 bytes) plus n row vectors and the outer vector (24 bytes each). 200 issuers: 645 KB
/// (6,660 draws fit the budget);
/// 2,797 documents: 125 MB.
pub fn bootstrap_bytes_per_draw(n_groups: usize) -> u64 {
    let n = n_groups as u64;
    16 * n * n + 24 * n + 24
}

/// `--draws` against [`MAX_DRAWS`] and, for a matrix of `n_groups`, against
/// [`BOOTSTRAP_BUDGET_BYTES`]: the largest number of draws that fits is derived from the memory
/// per draw, not guessed. (Call with `n_groups = 0` to check the fixed cap alone, early.)
pub fn check_draws(draws: usize, n_groups: usize) -> Result<()> {
    count("--draws", draws, 0, MAX_DRAWS)?;
    let per_draw = bootstrap_bytes_per_draw(n_groups);
    let fit = (BOOTSTRAP_BUDGET_BYTES / per_draw) as usize;
    if draws > fit {
        return Err(Error::usage(format!(
            "--draws {draws} for {n_groups} groups needs {:.1} GB ({:.1} MB per draw); at most {fit} fit in the {} GB bootstrap budget: give --draws {fit} or fewer (0 for no intervals)",
            (draws as u64 * per_draw) as f64 / 1e9,
            per_draw as f64 / 1e6,
            BOOTSTRAP_BUDGET_BYTES >> 30
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_and_memory_per_draw() {
        assert_eq!(bootstrap_bytes_per_draw(200), 16 * 40_000 + 24 * 200 + 24);
        assert!(check_draws(200, 200).is_ok() && check_draws(MAX_DRAWS, 20).is_ok());
        assert!(check_draws(MAX_DRAWS, 200).unwrap_err().to_string().contains("at most 6660"));
        let e = check_draws(MAX_DRAWS + 1, 2).unwrap_err().to_string();
        assert!(e.contains("cap of 10000"), "{e}");
        let e = check_draws(200, 2797).unwrap_err().to_string();
        assert!(e.contains("at most 34"), "{e}");
        assert!(count("--k", 0, 1, MAX_K).unwrap_err().to_string().contains("--k 0"));
    }
}
