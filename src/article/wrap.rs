//! Hard-wrapped text: plain-text news exports and e-mails break lines at a fixed width, so a
//! paragraph (and a quotation) runs over several lines without a new quotation mark on each.
//!
//! Whether an article is wrapped is decided once per article from the shape of its lines:
//! many lines that run straight into the next one (no blank line between) end mid-sentence
//! (without sentence punctuation) and are of similar length, as lines cut at a width are; or
//! a few such lines, and a quotation opened on one of them closes on a following line. In a
//! wrapped article the lines of a paragraph are joined (the line breaks inside become
//! whitespace between words; ranges still index the original text). A paragraph ends at a
//! blank line, before a list item, and where the next line's first word would have fitted
//! on the line: a wrapper moves a word to the next line only when it does not fit, so that
//! line ended its paragraph (a heading, a byline, a paragraph's last line). The width is the
//! longest of the lines cut at a width. A quotation still open at a line's end continues on
//! the next line when it closes within a few lines (a quotation that never closes must not
//! swallow the text). A paragraph whose last line is full, with no blank line after it, reads
//! as one with the next: it cannot be told from a line cut at the width (a sentence ending
//! at a line's end inside a paragraph is the commoner case, and goes on).
//!
//! Articles whose paragraphs are single lines (most) are left as they are, at the cost of a
//! look at each line's last bytes.

use std::ops::Range;

/// Shortest and longest line (in characters) that a wrapped line can be: wrap widths are 60
/// to 80 columns in e-mails and text exports, and some tools wrap narrower.
const MIN_WIDTH: usize = 40;
const MAX_WIDTH: usize = 100;

/// How many lines ahead an open quotation's closing mark is looked for: a quoted passage of
/// three or four sentences runs over five or six lines at 60–80 columns; a mark missing for
/// longer is a missing mark.
const QUOTE_LINES: usize = 6;

/// True when `line` ends a sentence or a clause: `. ! ? : ; …`, possibly followed by
/// closing quotation marks or brackets.
fn ends_clause(line: &str) -> bool {
    // Most lines end with an ASCII byte other than a mark or a bracket: it decides.
    match line.as_bytes().last() {
        Some(&b) if b.is_ascii() && !matches!(b, b'"' | b'\'' | b')' | b']') => {
            matches!(b, b'.' | b'!' | b'?' | b':' | b';')
        }
        _ => {
            let t = line.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']']);
            t.ends_with(['.', '!', '?', ':', ';', '…'])
        }
    }
}

/// True when a blank line separates the lines `a` and `b` (trimmed, `a` before `b`).
fn blank_between(text: &str, a: &Range<usize>, b: &Range<usize>) -> bool {
    // The gap is a line break and a little whitespace: a plain count beats a search.
    text.as_bytes()[a.end..b.start]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
        >= 2
}

/// The width of `s` in characters.
fn width(s: &str) -> usize {
    s.chars().count()
}

/// True when `line` starts a list item ("- ", "* ", "• ", "1. ", "2) ").
fn starts_item(line: &str) -> bool {
    let b = line.as_bytes();
    if line.starts_with(['-', '*', '•', '–', '—']) {
        let rest = line.trim_start_matches(['-', '*', '•', '–', '—']);
        return rest.starts_with(char::is_whitespace);
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=3).contains(&digits)
        && matches!(b.get(digits), Some(b'.' | b')'))
        && b.get(digits + 1).is_some_and(|c| c.is_ascii_whitespace())
}

/// How a line's double quotation marks leave a quotation, given whether one was open at its
/// start: open at its end or not, and what happened first to the one open at its start. Curly and angle marks say which they are; a straight
/// `"` opens after a space or at the line's start, closes before a space or at its end, and
/// turns the state over elsewhere. A wrapper never leaves an opening mark at a line's end
/// (it goes with the next word), so a mark there closes.
fn marks(line: &str, mut open: bool) -> (bool, Option<Event>) {
    let (started_open, mut first) = (open, None);
    let b = line.as_bytes();
    for i in memchr::memchr3_iter(b'"', 0xE2, 0xC2, b) {
        let Some(c) = line[i..].chars().next() else {
            continue;
        };
        let end = i + c.len_utf8();
        let at_end = end == b.len();
        match c {
            '"' if i == 0 || b[i - 1].is_ascii_whitespace() => open = !at_end,
            '"' if at_end || b[end].is_ascii_whitespace() => open = false,
            '"' => open = !open,
            '“' | '„' | '«' => open = !at_end,
            '”' | '»' => open = false,
            _ => {}
        }
        // The first mark decides what happens to a quotation open at the line's start.
        if started_open && first.is_none() {
            first = Some(if open { Event::Reopened } else { Event::Closed });
        }
    }
    (open, first)
}

/// What happens to an open quotation at a mark ([`marks`]).
#[derive(Debug, PartialEq)]
enum Event {
    /// A closing mark.
    Closed,
    /// An opening mark: the quotation lacked its closing one.
    Reopened,
}

/// True when a quotation is open at the end of `line`, given whether one was at its start.
fn open_after(line: &str, open: bool) -> bool {
    marks(line, open).0
}

/// True when `line` starts with an opening quotation mark (a new quotation, or the
/// multi-paragraph convention).
fn starts_with_open_mark(line: &str) -> bool {
    line.starts_with(['"', '“', '„', '«'])
}

/// The longest width the lines are cut at, when `lines` (trimmed non-empty lines of the
/// body, in order) are hard-wrapped; `None` for text whose paragraphs are lines.
fn wrap_width(text: &str, lines: &[Range<usize>]) -> Option<usize> {
    // The lines that could be cut at a width, followed directly by another line (most
    // articles have none: the cheap tests come first), each with its width, whether the
    // next line goes on with a lower-case word, and whether it leaves a quotation open that
    // a following line closes.
    let mut cut: Vec<Cut> = Vec::new();
    for (i, pair) in lines.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        // A line shorter than MIN_WIDTH bytes is shorter than MIN_WIDTH characters; longer
        // than 4 × MAX_WIDTH bytes, longer than MAX_WIDTH characters.
        if !(MIN_WIDTH..=4 * MAX_WIDTH).contains(&a.len()) {
            continue;
        }
        let line = &text[a.clone()];
        if ends_clause(line) || blank_between(text, a, b) {
            continue;
        }
        let next = &text[b.clone()];
        let width = width(line);
        if !(MIN_WIDTH..=MAX_WIDTH).contains(&width) || starts_item(next) {
            continue;
        }
        cut.push(Cut {
            width,
            lower_next: next.starts_with(char::is_lowercase),
            quote_break: open_after(line, false)
                && !starts_with_open_mark(next)
                && quote_closes_ahead(text, lines, i),
        });
    }
    if cut.len() < 2 {
        return None;
    }
    // Lines cut at one width are within a quarter of their median width of each other
    // (headlines and bylines, the other lines without sentence punctuation, vary more),
    // and the words after most of them go on in lower case (after a headline, a new
    // sentence starts).
    let mut widths: Vec<usize> = cut.iter().map(|c| c.width).collect();
    widths.sort_unstable();
    let median = widths[widths.len() / 2];
    let similar: Vec<&Cut> = cut
        .iter()
        .filter(|c| 4 * c.width.abs_diff(median) <= median)
        .collect();
    let lower = similar.iter().filter(|c| c.lower_next).count();
    let quote_breaks = similar.iter().filter(|c| c.quote_break).count();
    let n = similar.len();
    // Lines followed directly by another line: a third of them at least look cut.
    let inner = || {
        lines
            .windows(2)
            .filter(|p| !blank_between(text, &p[0], &p[1]))
            .count()
    };
    let wrapped =
        n >= 2 && quote_breaks >= 1 && lower >= 1 || n >= 3 && 2 * lower >= n && 3 * n >= inner();
    // The longest of them: a wrapper fills a line up to the width, and the lines of a long
    // article come close to it.
    wrapped.then(|| similar.iter().map(|c| c.width).max().unwrap_or(median))
}

/// A line that could have been cut at a width ([`wrap_width`]).
struct Cut {
    width: usize,
    /// The next line starts with a lower-case letter.
    lower_next: bool,
    /// A quotation open at its end is closed on a following line.
    quote_break: bool,
}

/// True when a quotation open at the end of line `i` closes on one of the next
/// [`QUOTE_LINES`] lines, with no blank line and no new quotation before it.
fn quote_closes_ahead(text: &str, lines: &[Range<usize>], i: usize) -> bool {
    for k in i + 1..lines.len().min(i + 1 + QUOTE_LINES) {
        if blank_between(text, &lines[k - 1], &lines[k]) {
            return false;
        }
        let line = &text[lines[k].clone()];
        if starts_with_open_mark(line) {
            return false;
        }
        match marks(line, true).1 {
            Some(Event::Closed) => return true,
            Some(Event::Reopened) => return false,
            None => {}
        }
    }
    false
}

/// The paragraphs of the body's lines (trimmed, non-empty, in order): the lines themselves,
/// or, when the text is hard-wrapped, each run of lines that makes one paragraph as one
/// range (spanning the line breaks).
pub(crate) fn paragraphs(text: &str, lines: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let Some(wrap) = wrap_width(text, &lines) else {
        return lines;
    };
    let mut out: Vec<Range<usize>> = Vec::with_capacity(lines.len());
    let mut open = false;
    for (i, r) in lines.iter().enumerate() {
        let line = &text[r.clone()];
        let joins = i > 0 && {
            let (prev_r, prev) = (&lines[i - 1], &text[lines[i - 1].clone()]);
            // Inside a quotation that closes within a few lines the line goes on; a
            // quotation that never closes nearby (a missing mark, an excerpt's end) must not
            // swallow the article, so the usual rules decide.
            let quote_goes_on =
                open && !starts_with_open_mark(line) && quote_closes_ahead(text, &lines, i - 1);
            // A wrapper moves a word to the next line only when it does not fit: where the
            // next line's first word would have fitted, the paragraph ended.
            let first_word = line.split(char::is_whitespace).next().map_or(0, width);
            let fitted = width(prev) + 1 + first_word <= wrap;
            !(blank_between(text, prev_r, r) || starts_item(line) || !quote_goes_on && fitted)
        };
        if joins {
            if let Some(last) = out.last_mut() {
                last.end = r.end;
            }
        } else {
            out.push(r.clone());
            open = false;
        }
        open = open_after(line, open);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(text: &str) -> Vec<&str> {
        paragraphs(text, super::super::reader::lines(text))
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    /// `paras` wrapped at `width` columns as a text exporter does (words moved whole to the
    /// next line), with a blank line between paragraphs or not.
    fn wrap_at(paras: &[&str], width: usize, blank: bool) -> String {
        let mut out = String::new();
        for p in paras {
            let mut line = String::new();
            for w in p.split_whitespace() {
                if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
                    out.push_str(&line);
                    out.push('\n');
                    line.clear();
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(w);
            }
            out.push_str(&line);
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out
    }

    /// Paragraphs with their line breaks as spaces.
    fn joined(text: &str) -> Vec<String> {
        paras(text)
            .into_iter()
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// An article in the shape the wrapped tests need: quotations that run over lines,
    /// sentences inside paragraphs, a speaker introduced by a colon, a short paragraph.
    const ARTICLE: &[&str] = &[
        "Council fails again to agree on the city budget",
        "The council met for the third time this month and again failed to agree on the budget that the mayor had sent to it in March. The city has no spending plan for the summer.",
        "Councillor Ruth Abara said:",
        "\u{201c}We cannot keep meeting and leaving with nothing to show the people of this city for the hours we spend in this room, week after week, while the parks close.\u{201d}",
        "\"We will vote against it. We said so,\" Abara told reporters after the session, adding that her group had offered to talk. \"Nobody in this chamber should be surprised by that, and nobody is.\"",
        "The mayor did not reply.",
        "His office said it would publish the budget in full on Friday, together with the letters the council had sent him since March.",
    ];

    #[test]
    fn lines_that_are_paragraphs_stay_lines() {
        let t = "A headline without a stop\nThe first paragraph is one line and ends with a stop.\nThe second one too, as news sites print them.\nAnd a third, which says \"we are ready\" to the press.\n";
        assert_eq!(paras(t).len(), 4);
        let t = "Barak Ravid\nSend in e-mail\nPrime Minister said this on television today.\nShort byline\n";
        assert_eq!(paras(t).len(), 4);
        let t = ARTICLE.join("\n");
        assert_eq!(joined(&t), ARTICLE);
    }

    #[test]
    fn wrapped_paragraphs_come_back_whole() {
        for width in [56, 60, 64, 66, 70, 72, 76, 80] {
            for blank in [true, false] {
                let t = wrap_at(ARTICLE, width, blank);
                let got = joined(&t);
                // Without blank lines, a paragraph whose last line is full (the next
                // paragraph's first word would not have fitted either) cannot be told from
                // a line cut at the width, and goes on: at 60 and 80 columns one does.
                if !blank && [60, 80].contains(&width) {
                    assert_eq!(got.len(), ARTICLE.len() - 1, "width {width}\n{t}");
                } else {
                    assert_eq!(got, ARTICLE, "width {width}, blank lines {blank}\n{t}");
                }
            }
        }
    }

    #[test]
    fn a_sentence_that_ends_at_a_line_end_goes_on() {
        // At 55 columns "agree." ends the first line, and "It" would not have fitted.
        let mut p = vec!["The council met again this month and failed to agree. It will meet again next week, the mayor said."];
        p.extend(&ARTICLE[1..]);
        for blank in [true, false] {
            let t = wrap_at(&p, 55, blank);
            assert!(t.contains("agree.\nIt will"), "{t}");
            assert_eq!(joined(&t), p, "blank lines {blank}\n{t}");
        }
    }

    #[test]
    fn an_unclosed_quotation_does_not_swallow_the_text() {
        let p = [
            "The vote on the budget was put off again on Thursday, after the opposition walked out of the chamber before the second reading had even begun.",
            "Abara: \"We will vote against it, and we said so a week ago, so nobody in this chamber should be surprised.",
            "The vote is now set for Friday, when the council meets again in the old town hall.",
            "The mayor's office said it would publish the budget in full.",
            "A spokesman for the mayor declined to comment on the walkout.",
        ];
        for blank in [true, false] {
            let t = wrap_at(&p, 64, blank);
            assert_eq!(joined(&t), p, "blank lines {blank}\n{t}");
        }
    }

    #[test]
    fn straight_marks_open_after_a_space_and_close_before_one() {
        assert_eq!(marks("that is \"just, lasting", false), (true, None));
        assert_eq!(
            marks("that is \"just, lasting", true),
            (true, Some(Event::Reopened))
        );
        assert_eq!(marks("now,\" he said", true), (false, Some(Event::Closed)));
        assert_eq!(
            marks("the \u{201c}reset\u{201d} button \u{201c}", false),
            (false, None)
        );
        assert_eq!(marks("a \"b\" c", true), (false, Some(Event::Reopened)));
    }

    #[test]
    fn list_items_are_paragraphs() {
        let t = "The agreement covers three areas that the two sides had argued\n\
                 about for most of the year before the talks were resumed in the\n\
                 autumn, according to a summary that both of them published on\n\
                 Monday:\n\
                 - grain exports through the ports of the southern coast line\n\
                 - the exchange of prisoners held since the start of the war\n\
                 - a working group on the safety of the nuclear power plant\n";
        let p = paras(t);
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].ends_with("Monday:"));
    }

    #[test]
    fn list_markers() {
        for (s, want) in [
            ("- a", true),
            ("* a", true),
            ("• a", true),
            ("12. a", true),
            ("3) a", true),
            ("-a", false),
            ("2019. a", false),
            ("1.5 a", false),
            ("a - b", false),
        ] {
            assert_eq!(starts_item(s), want, "{s:?}");
        }
    }
}
