//! A dot plot for the terminal: one row per group on the −1 (oppose) … +1 (support) axis, the
//! dot at its position and a bar over its 95 % interval, in Unicode box characters, at most
//! [`WIDTH`] columns wide so it reads in any terminal and pastes into a note.

/// Total width of a plot line, in characters.
pub const WIDTH: usize = 100;
/// Characters of the axis: −1 … +1 in steps of 0.05.
const AXIS: usize = 41;
/// At most this many characters of a label.
const LABEL: usize = 24;

/// One row of the plot. `note` is printed after the axis (cut to fit the width).
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub label: String,
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub note: String,
}

/// Column of the axis for a value in [−1, 1].
fn column(x: f64) -> usize {
    (((x.clamp(-1.0, 1.0) + 1.0) / 2.0) * (AXIS - 1) as f64).round() as usize
}

/// `s` cut to `n` characters (with an ellipsis when cut), padded to `n`.
fn fit(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        format!("{s}{}", " ".repeat(n - count))
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}

/// The plot: a scale line, one line per dot (in the order given), and no trailing blank line.
/// `label_header` and `note_header` head the columns of labels and notes.
pub fn dotplot(dots: &[Dot], label_header: &str, note_header: &str) -> String {
    let label_w = dots.iter().map(|d| d.label.chars().count()).max().unwrap_or(0).clamp(5, LABEL);
    let note_w = WIDTH - label_w - AXIS - 4;
    let mut scale = [' '; AXIS];
    for (x, text) in [(-1.0, "-1"), (-0.5, "-.5"), (0.0, "0"), (0.5, "+.5"), (1.0, "+1")] {
        let len = text.chars().count();
        let start = column(x).saturating_sub(len / 2).min(AXIS - len);
        for (k, c) in text.chars().enumerate() {
            scale[start + k] = c;
        }
    }
    let mut out =
        format!("{}  {}  {}", fit(label_header, label_w), scale.iter().collect::<String>(), fit(note_header, note_w));
    trim_line(&mut out);
    for d in dots {
        let mut axis = [' '; AXIS];
        for x in [-0.5, 0.5] {
            axis[column(x)] = '·';
        }
        axis[column(0.0)] = '│';
        if let (Some(lo), Some(hi)) = (d.low, d.high) {
            for c in &mut axis[column(lo)..=column(hi)] {
                *c = '─';
            }
        }
        axis[column(d.value)] = '●';
        out.push_str(&format!(
            "{}  {}  {}",
            fit(&d.label, label_w),
            axis.iter().collect::<String>(),
            fit(&d.note, note_w)
        ));
        trim_line(&mut out);
    }
    out
}

/// `text` wrapped at spaces into lines of at most [`WIDTH`] characters (a longer word stays whole),
/// each ending with a newline: the notes under a plot fit as the plot does.
pub fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Ends a line: no trailing spaces, a newline.
fn trim_line(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(label: &str, value: f64, ci: Option<(f64, f64)>) -> Dot {
        Dot {
            label: label.into(),
            value,
            low: ci.map(|c| c.0),
            high: ci.map(|c| c.1),
            note: "+0.50 [+0.10 +0.90]".into(),
        }
    }

    #[test]
    fn rows_fit_the_width_and_place_dots_and_intervals() {
        let long = "Russia-Africa Partnership Forum on cyber matters";
        let plot = dotplot(
            &[dot("For", 1.0, Some((0.5, 1.0))), dot("Against", -1.0, None), dot(long, 0.0, Some((-0.5, 0.5)))],
            "issuer",
            "position [95% CI]",
        );
        let lines: Vec<&str> = plot.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{plot}");
        let axis = |l: &str| -> String { l.chars().skip(LABEL + 2).take(AXIS).collect() };
        assert!(lines[0].starts_with("issuer ") && lines[0].contains("-1") && lines[0].contains("+1"));
        assert!(lines.iter().all(|l| !l.ends_with(' ')));
        assert_eq!(
            axis(lines[1]),
            format!("{}·{}│{}{}●", " ".repeat(10), " ".repeat(9), " ".repeat(9), "─".repeat(10))
        );
        assert!(axis(lines[2]).starts_with('●') && !axis(lines[2]).contains('─'), "no interval: the dot only");
        let long_note = "word ".repeat(50);
        let wrapped = wrap(&long_note);
        assert!(wrapped.lines().count() == 3 && wrapped.lines().all(|l| l.len() <= WIDTH && !l.ends_with(' ')));
        assert!(lines[3].starts_with("Russia-Africa Partnersh…") && axis(lines[3]).chars().nth(20) == Some('●'));
    }
}
