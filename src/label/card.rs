//! A quotation laid out as lines of text for a terminal of a given width: the status line,
//! speaker, date and title, the quotation, the sentence around it, the model's label and
//! probabilities, and the keys. The same lines serve the full-screen terminal and the plain
//! line prompts.

use crate::label::refit::RefitReport;
use crate::label::session::{RefitStatus, View, KEYS};
use crate::label::GUIDE;

/// The narrowest layout; narrower terminals get lines this wide.
const MIN_WIDTH: usize = 40;

/// The lines of the screen for `view`, none longer than `width` characters (at least
/// `MIN_WIDTH`).
pub fn render(view: &View, width: usize) -> Vec<String> {
    let width = width.max(MIN_WIDTH);
    let c = view.candidate;
    let mut lines = Vec::with_capacity(24);
    lines.push(clip(
        &format!(
            "tonetrack label · batch {}, {} of {} · {} answered ({} now) · {} to go · {}",
            view.batch,
            view.position.0,
            view.position.1,
            view.answered,
            view.answered_here,
            view.open,
            view.strategy.as_str()
        ),
        width,
    ));
    lines.push(clip(&refit_line(&view.refit), width));
    lines.push("─".repeat(width));
    let speaker = if c.speaker.is_empty() {
        "(no speaker found)"
    } else {
        &c.speaker
    };
    let date = if c.date.is_empty() {
        "no date"
    } else {
        &c.date
    };
    lines.push(clip(&format!("{speaker} · {date}"), width));
    let source = if c.title.is_empty() {
        &c.source_url
    } else {
        &c.title
    };
    if !source.is_empty() {
        lines.push(clip(source, width));
    }
    lines.push(String::new());
    lines.extend(wrap(&format!("“{}”", c.text), width, "  "));
    if !c.context.is_empty() && c.context != c.text {
        lines.push(String::new());
        lines.extend(wrap(&c.context, width, "  │ "));
    }
    lines.push(String::new());
    let p = &view.prediction;
    let probabilities: Vec<String> = p
        .probabilities
        .iter()
        .map(|(class, prob)| format!("{class} {prob:.2}"))
        .collect();
    lines.push(clip(
        &format!("model: {}   ({})", p.label, probabilities.join(", ")),
        width,
    ));
    if !p.top_terms.is_empty() {
        let terms: Vec<&str> = p.top_terms.iter().map(|t| t.term.as_str()).collect();
        lines.push(clip(&format!("because of: {}", terms.join(", ")), width));
    }
    lines.push("─".repeat(width));
    let keys: Vec<String> = KEYS.iter().map(|(k, what)| format!("{k} {what}")).collect();
    lines.extend(wrap(&keys.join(" · "), width, ""));
    if let Some(m) = &view.message {
        lines.push(clip(m, width));
    }
    lines
}

/// The labeling guide (`data/LABELING.md`) wrapped to `width`; a Markdown table row becomes
/// its first cell on a line of its own, then each other cell as `column: text`, indented.
pub fn guide_lines(width: usize) -> Vec<String> {
    let width = width.max(MIN_WIDTH);
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().replace('`', ""))
            .collect()
    };
    let mut lines = Vec::new();
    let mut header: Option<Vec<String>> = None;
    // The file's paragraphs and list items are wrapped for a wide editor: their lines are
    // joined and wrapped again to `width` (each line on its own left short orphans).
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, lines: &mut Vec<String>| {
        if paragraph.is_empty() {
            return;
        }
        if let Some(text) = paragraph.strip_prefix("- ") {
            // A list item: its text indented under the dash.
            let mut item = wrap(text, width, "  ");
            item[0].replace_range(..2, "- ");
            lines.extend(item);
        } else {
            lines.extend(wrap(paragraph, width, ""));
        }
        paragraph.clear();
    };
    for line in GUIDE.lines() {
        if !line.trim_start().starts_with('|') {
            header = None;
            let text = line.trim();
            if text.is_empty() || text.starts_with("- ") || text.starts_with('#') {
                flush(&mut paragraph, &mut lines);
            }
            if text.is_empty() {
                lines.push(String::new());
                continue;
            }
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(text);
            if text.starts_with('#') {
                flush(&mut paragraph, &mut lines);
            }
            continue;
        }
        flush(&mut paragraph, &mut lines);
        let row = cells(line);
        if row
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue;
        }
        match &header {
            None => header = Some(row),
            Some(names) => {
                lines.push(row.first().cloned().unwrap_or_default());
                for (name, cell) in names.iter().zip(&row).skip(1) {
                    lines.extend(wrap(&format!("{name}: {cell}"), width, "    "));
                }
            }
        }
    }
    flush(&mut paragraph, &mut lines);
    lines
}

/// The status line of the background refit.
pub fn refit_line(status: &RefitStatus) -> String {
    match status {
        RefitStatus::Off => "refits: off (no base data)".into(),
        RefitStatus::NotYet => "refit: after the first batch".into(),
        RefitStatus::Running(None) => "refit: running…".into(),
        RefitStatus::Running(Some(last)) => format!("refit: running… · last: {}", report(last)),
        RefitStatus::Done(last) => format!("refit: {}", report(last)),
        RefitStatus::Failed(e) => format!("refit failed (the previous model is kept): {e}"),
    }
}

fn report(r: &RefitReport) -> String {
    let cv = |v: Option<(f64, f64)>| match v {
        Some((mean, sd)) => format!("{mean:.3} ± {sd:.3}"),
        None => "n/a".into(),
    };
    let mut s = format!(
        "#{} on {} rows ({} yours), CV macro-F1 {}",
        r.generation,
        r.rows,
        r.yours,
        cv(r.cv_macro_f1)
    );
    if r.cv_yours.is_some() {
        s.push_str(&format!(", on your labels {}", cv(r.cv_yours)));
    }
    s.push_str(&format!(" ({:.1} s)", r.seconds));
    s
}

/// `s` cut to `width` characters, with `…` when cut.
fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// `text` wrapped at spaces into lines of at most `width` characters, each starting with
/// `indent`; a word longer than a line is cut.
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let room = width.saturating_sub(indent.chars().count()).max(10);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if len > 0 && len + 1 + n > room {
            lines.push(format!("{indent}{line}"));
            line.clear();
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        if n > room {
            line.push_str(&clip(word, room));
            len += room;
        } else {
            line.push_str(word);
            len += n;
        }
    }
    if len > 0 || lines.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let text = "Of course, our relations with the U.S. are undermined. Unfortunately, the \
                    trend is downward and supercalifragilisticexpialidociously long words exist.";
        let lines = wrap(text, 30, "  ");
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        assert_eq!(words.len(), text.split_whitespace().count());
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn the_guide_fits_the_width_and_keeps_the_table() {
        let lines = guide_lines(60);
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{lines:#?}");
        assert!(lines.iter().any(|l| l == "positive"), "{lines:#?}");
        assert!(
            lines.iter().any(|l| l.starts_with("    when: hostility")),
            "{lines:#?}"
        );
        assert!(lines.iter().any(|l| l.starts_with("- Mixed quotes")));
        // Paragraphs are wrapped whole: no line but a paragraph's last ends far short of the
        // width (the file's own line breaks left orphans such as "toward the").
        for pair in lines.windows(2) {
            let continues = pair[1].starts_with("  ") && !pair[1].starts_with("    ");
            if continues {
                let next_word = pair[1].split_whitespace().next().unwrap_or_default();
                assert!(
                    pair[0].chars().count() + 1 + next_word.chars().count() > 60,
                    "{pair:?}"
                );
            }
        }
    }

    #[test]
    fn the_refit_line_shows_the_cross_validated_macro_f1() {
        let report = RefitReport {
            generation: 2,
            rows: 5982,
            yours: 40,
            cv_macro_f1: Some((0.6123, 0.0211)),
            cv_yours: Some((0.5, 0.1)),
            seconds: 1.94,
        };
        assert_eq!(
            refit_line(&RefitStatus::Done(report.clone())),
            "refit: #2 on 5982 rows (40 yours), CV macro-F1 0.612 ± 0.021, on your labels \
             0.500 ± 0.100 (1.9 s)"
        );
        let running = refit_line(&RefitStatus::Running(Some(report)));
        assert!(
            running.starts_with("refit: running… · last: #2"),
            "{running}"
        );
        assert!(running.contains("CV macro-F1 0.612"), "{running}");
    }
}
