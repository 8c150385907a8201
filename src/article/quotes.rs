//! Quotation spans as news prints them.
//!
//! One left-to-right pass over the paragraphs finds quotation marks, decides for each whether
//! it opens or closes (curly glyphs say so; straight ones are judged by the characters around
//! them), and keeps a small state: the open quotation, if any, and how many inner quotations
//! are open inside it. A quotation never runs past its paragraph unless the next paragraph
//! opens with a mark (the multi-paragraph convention) or starts by closing it (a stray line
//! break inside a quotation), so a missing mark costs one paragraph, never the article.

use std::ops::{Deref, Range};
use std::sync::LazyLock;

use regex::Regex;

use super::tokens::is_ascii_space;

/// A quotation span found in the text, before attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    /// Byte offset of the opening mark (or of the content when there is none).
    pub open: usize,
    /// Byte offset just after the closing mark (or the end of the content when unclosed).
    pub close_end: usize,
    /// The quoted content, one range per paragraph (intermediate opening marks excluded).
    pub segments: Segments,
    /// Index of the paragraph where the quotation opens.
    pub paragraph: usize,
    /// Index of the paragraph where the quotation ends.
    pub last_paragraph: usize,
    /// True when a closing mark was found.
    pub closed: bool,
}

impl Span {
    /// Start of the quoted content.
    pub fn start(&self) -> usize {
        self.segments.first().map_or(self.open, |r| r.start)
    }
    /// End of the quoted content.
    pub fn end(&self) -> usize {
        self.segments.last().map_or(self.close_end, |r| r.end)
    }
    /// The quoted words with whitespace collapsed to single spaces.
    pub fn text(&self, text: &str) -> String {
        let mut out = String::with_capacity(self.segments.iter().map(|r| r.len()).sum());
        for seg in self.segments.iter() {
            push_words(&mut out, &text[seg.clone()]);
        }
        out
    }
}

/// A quotation's content ranges (never empty once found), as a slice. Most quotations have
/// one, kept without an allocation of its own.
#[derive(Debug, Clone)]
pub(crate) enum Segments {
    One(Range<usize>),
    Many(Vec<Range<usize>>),
}

impl Segments {
    /// The ranges of `v`.
    fn from_vec(v: Vec<Range<usize>>) -> Self {
        match <[_; 1]>::try_from(v) {
            Ok([r]) => Segments::One(r),
            Err(v) => Segments::Many(v),
        }
    }

    /// Appends the ranges of `other` (rare: a quotation interrupted by its attribution).
    pub fn extend(&mut self, other: Segments) {
        let mut all = self.to_vec();
        all.extend_from_slice(&other);
        *self = Segments::from_vec(all);
    }
}

/// Equal when the ranges are, whichever variant holds them.
impl PartialEq for Segments {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Segments {}

impl Deref for Segments {
    type Target = [Range<usize>];
    fn deref(&self) -> &[Range<usize>] {
        match self {
            Segments::One(r) => std::slice::from_ref(r),
            Segments::Many(v) => v,
        }
    }
}

/// Length of the whitespace character at byte `i` of `s` (a character boundary or a
/// continuation byte), 0 when there is none there.
#[inline]
pub(crate) fn whitespace_len(s: &str, i: usize) -> usize {
    match s.as_bytes()[i] {
        b if b.is_ascii() => usize::from(is_ascii_space(b)),
        // A continuation byte never starts a character.
        0x80..=0xBF => 0,
        _ => s[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
    }
}

/// True for the bytes that can start a whitespace character: ASCII whitespace (and the
/// control bytes below it) and the lead bytes of non-ASCII characters.
fn may_start_space(b: u8) -> bool {
    b <= b' ' || b >= 0xC0
}

/// The offset of the first whitespace character of `s` at or after byte `i` (at most
/// `s.len()`), `s.len()` when there is none. Only the bytes that may start one are decoded.
pub(crate) fn next_space(s: &str, mut i: usize) -> usize {
    let bytes = s.as_bytes();
    loop {
        let rest = &bytes[i..];
        i += rest
            .iter()
            .position(|&b| may_start_space(b))
            .unwrap_or(rest.len());
        if i == bytes.len() || bytes[i] == b' ' || whitespace_len(s, i) > 0 {
            return i;
        }
        i += 1;
    }
}

/// True when `s` is already its words joined by single spaces: no whitespace at either end,
/// none but single ASCII spaces inside. Most quotations are.
pub(crate) fn is_collapsed(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // The tests run over all bytes without branching per byte (so they vectorise); only a
    // block with a byte that may start other whitespace is then looked at byte by byte.
    let double_space = bytes
        .iter()
        .zip(bytes.get(1..).unwrap_or_default())
        .fold(false, |any, (&a, &b)| any | (a == b' ' && b == b' '));
    if double_space {
        return false;
    }
    let suspect = |b: u8| b != b' ' && may_start_space(b);
    let spaced = |start: usize, block: &[u8]| {
        block.iter().fold(false, |any, &b| any | suspect(b))
            && (start..start + block.len()).any(|i| suspect(bytes[i]) && whitespace_len(s, i) > 0)
    };
    const BLOCK: usize = 16;
    let blocks = bytes.chunks_exact(BLOCK);
    let rest = blocks.remainder();
    for (k, block) in blocks.enumerate() {
        if spaced(k * BLOCK, block) {
            return false;
        }
    }
    !spaced(bytes.len() - rest.len(), rest)
}

/// Appends the whitespace-separated words of `s` to `out`, each after a single space unless
/// `out` is empty: `split_whitespace` joined by spaces, without decoding every character.
fn push_words(out: &mut String, s: &str) {
    if is_collapsed(s) {
        if !s.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(s);
        }
        return;
    }
    for word in words(s) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[word]);
    }
}

/// The whitespace-separated words of `s` as byte ranges (`split_whitespace`), found without
/// decoding every character.
pub(crate) fn words(s: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            if i >= s.len() {
                return None;
            }
            match whitespace_len(s, i) {
                0 => break,
                w => i += w,
            }
        }
        let start = i;
        i = next_space(s, i + 1);
        Some(start..i)
    })
}

/// The runs of bytes between ASCII whitespace that open with an ASCII character, in the
/// first 256 bytes of `bytes`: each is part of a different word, so there are no more of
/// them than words. Counted in one pass that vectorises (no branch, no character decoded);
/// 256 bytes hold at most 256 runs, so the count is summed in a byte.
pub(crate) fn ascii_led_runs(bytes: &[u8]) -> usize {
    let bytes = &bytes[..bytes.len().min(256)];
    let opens = |c: u8| c.is_ascii() & !is_ascii_space(c);
    let first = bytes.first().is_some_and(|&c| opens(c));
    let later: u8 = bytes
        .iter()
        .zip(bytes.get(1..).unwrap_or_default())
        .map(|(&p, &c)| u8::from(is_ascii_space(p) & opens(c)))
        .sum();
    usize::from(first) + usize::from(later)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Double,
    Single,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Close,
    /// A straight mark whose surroundings do not tell (space on both sides, or none).
    Either,
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: usize,
    len: usize,
    kind: Kind,
    role: Role,
    /// Curly glyph (its direction is printed) rather than a straight one.
    curly: bool,
    /// Nothing but whitespace follows the mark in its paragraph.
    dangling: bool,
}

fn opens_context(prev: Option<char>) -> bool {
    // `matches!` rather than `str::contains`, whose search costs a hundred instructions.
    prev.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/'))
}

fn closes_context(next: Option<char>) -> bool {
    next.is_none_or(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '—' | '–' | '-' | '…'
            )
    })
}

/// The role of a straight single mark (`'`) at byte `i` of `s`, `None` for an apostrophe
/// (don't, Russia's, '90s, workers' rights) or a mark whose surroundings do not tell.
fn straight_single(s: &str, i: usize) -> Option<Role> {
    // Most are apostrophes between ASCII letters (don't, Russia's): told by the bytes.
    let bytes = s.as_bytes();
    if i > 0
        && bytes[i - 1].is_ascii_alphanumeric()
        && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        return None;
    }
    let prev = s[..i].chars().next_back();
    let next = s[i + 1..].chars().next();
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    if alnum(prev) && alnum(next) {
        return None;
    }
    if opens_context(prev) || matches!(prev, Some('“' | '"' | '‘')) {
        // A letter (or an opening double mark) follows: '90s and 'n' are not quotations.
        return next
            .filter(|c| c.is_alphabetic() || matches!(c, '“' | '"' | '…'))
            .map(|_| Role::Open);
    }
    if closes_context(next) || matches!(next, Some('”' | '"')) {
        // "workers' rights": a plural possessive before a lower-case word.
        let possessive = prev == Some('s')
            && next.is_some_and(char::is_whitespace)
            && s[i + 1..]
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_lowercase);
        return (!possessive).then_some(Role::Close);
    }
    None
}

/// True when the article quotes with straight single marks, as many British and Indian
/// outlets do: some paragraph has a `'` that opens and a later one that closes. Decided per
/// article, so that apostrophes elsewhere never open a quotation.
fn uses_straight_singles(text: &str, paras: &[Range<usize>]) -> bool {
    let mut hits = memchr::memchr_iter(b'\'', text.as_bytes()).peekable();
    for para in paras {
        while hits.next_if(|&i| i < para.start).is_some() {}
        let mut open = false;
        while let Some(i) = hits.next_if(|&i| i < para.end) {
            match straight_single(&text[para.clone()], i - para.start) {
                Some(Role::Open) => open = true,
                Some(Role::Close) if open => return true,
                _ => {}
            }
        }
    }
    false
}

/// All quotation marks of the paragraphs (in text order), classified, in `out`;
/// `first[pi]..first[pi + 1]` are paragraph pi's. Straight single marks count when
/// `singles` (see [`uses_straight_singles`]).
fn marks(
    text: &str,
    paras: &[Range<usize>],
    singles: bool,
    out: &mut Vec<Mark>,
    first: &mut Vec<usize>,
) {
    // Every mark is `"` or starts with byte E2 (“ ” „ ‘ ’) or C2 (« »): only those bytes are
    // looked at, in one search over the text (paragraphs are short: a search each would
    // cost more to start than to run).
    let mut hits = memchr::memchr3_iter(b'"', 0xE2, 0xC2, text.as_bytes()).peekable();
    for para in paras {
        first.push(out.len());
        while hits.next_if(|&i| i < para.start).is_some() {}
        let slice = &text[para.clone()];
        // Offset just after the paragraph's last non-space character: a mark at or beyond
        // it has nothing to quote (found at the paragraph's first mark).
        let mut content_end = None;
        while let Some(pos) = hits.next_if(|&i| i < para.end) {
            let i = pos - para.start;
            let Some(c) = slice[i..].chars().next() else {
                continue;
            };
            let prev = || slice[..i].chars().next_back();
            let next = || slice[i + c.len_utf8()..].chars().next();
            let mark = match c {
                '“' | '„' | '«' => Some((Kind::Double, Role::Open, true)),
                '”' | '»' => Some((Kind::Double, Role::Close, true)),
                '"' => {
                    let (prev, next) = (prev(), next());
                    let (o, cl) = (
                        opens_context(prev),
                        !opens_context(prev) && closes_context(next),
                    );
                    let role = if o && !closes_context(next) {
                        Role::Open
                    } else if cl {
                        Role::Close
                    } else {
                        Role::Either
                    };
                    Some((Kind::Double, role, false))
                }
                '‘' => Some((Kind::Single, Role::Open, true)),
                // ’ between letters is an apostrophe (don’t, Trump’s), never a quotation mark.
                '’' if !(prev().is_some_and(char::is_alphanumeric)
                    && next().is_some_and(char::is_alphanumeric)) =>
                {
                    Some((Kind::Single, Role::Close, true))
                }
                _ => None,
            };
            if let Some((kind, role, curly)) = mark {
                let content_end = *content_end.get_or_insert_with(|| slice.trim_end().len());
                out.push(Mark {
                    pos,
                    len: c.len_utf8(),
                    kind,
                    role,
                    curly,
                    dangling: i + c.len_utf8() >= content_end,
                });
            }
        }
        if singles {
            let from = out.len();
            let content_end = slice.trim_end().len();
            for i in memchr::memchr_iter(b'\'', slice.as_bytes()) {
                if let Some(role) = straight_single(slice, i) {
                    out.push(Mark {
                        pos: para.start + i,
                        len: 1,
                        kind: Kind::Single,
                        role,
                        curly: false,
                        dangling: i + 1 >= content_end,
                    });
                }
            }
            if out.len() > from {
                let start = *first.last().unwrap_or(&0);
                out[start..].sort_by_key(|m| m.pos);
            }
        }
    }
    first.push(out.len());
}

struct OpenQuote {
    open: usize,
    kind: Kind,
    seg_start: usize,
    segments: Vec<Range<usize>>,
    paragraph: usize,
    nested: u32,
}

impl OpenQuote {
    /// A quotation opened by mark `m` in paragraph `paragraph`.
    fn at(m: &Mark, kind: Kind, paragraph: usize) -> Self {
        OpenQuote {
            open: m.pos,
            kind,
            seg_start: m.pos + m.len,
            segments: Vec::new(),
            paragraph,
            nested: 0,
        }
    }
}

fn trimmed(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    // Most ranges start and end with a visible ASCII character: nothing to trim.
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b.is_ascii());
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        return r;
    }
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() {
        return r.start..r.start;
    }
    r.start + lead..r.end - trail
}

/// An attribution set off by dashes inside the marks: “… – says Lavrov. …” or
/// “… — Lavrov said, …”. Compiled once; applied to each quotation's content.
static DASH_CUE: LazyLock<Regex> = LazyLock::new(|| {
    const VERBS: &str = "says|said|adds|added|stresses|stressed|notes|noted|explains|explained|stated|emphasized|emphasised|continued|insisted|underlined|believes";
    Regex::new(&format!(
        r"\s[–—-]{{1,2}}\s*(?:(?:{VERBS})\s+[^.,;!?“”\x22]{{1,60}}?|\p{{Lu}}[^.,;!?“”\x22]{{0,60}}?\s(?:{VERBS}))[.,]\s+"
    ))
    .expect("dash attribution pattern is valid")
});

/// A dash right after whitespace, which [`DASH_CUE`] needs: most quotations have none, and
/// this byte search is much cheaper than running the pattern.
fn has_spaced_dash(s: &str) -> bool {
    let bytes = s.as_bytes();
    // - or the last byte of – (E2 80 93) or — (E2 80 94). Searching for E2 instead would stop
    // at every ’ “ ”; 93 and 94 end few other characters.
    memchr::memchr3_iter(b'-', 0x93, 0x94, bytes).any(|i| {
        let start = match bytes[i] {
            b'-' => i,
            _ if i >= 2 && bytes[i - 2..i] == [0xE2, 0x80] => i - 2,
            _ => return false,
        };
        s[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace)
    })
}

/// Splits a one-paragraph quotation at an attribution printed inside its marks; the two
/// parts are separate quotations and the attribution becomes ordinary text between them.
fn split_dash_cues(text: &str, span: Span, out: &mut Vec<Span>) {
    let single = span.segments.len() == 1;
    let seg = span.segments[0].clone();
    let found = if single && has_spaced_dash(&text[seg.clone()]) {
        DASH_CUE.find(&text[seg.clone()])
    } else {
        None
    };
    match found {
        Some(m) if m.start() > 0 && seg.start + m.end() < seg.end => {
            let cue_start = seg.start + m.start();
            let rest = seg.start + m.end();
            out.push(Span {
                close_end: cue_start,
                segments: Segments::One(trimmed(text, seg.start..cue_start)),
                ..span.clone()
            });
            split_dash_cues(
                text,
                Span {
                    open: rest,
                    segments: Segments::One(rest..seg.end),
                    ..span
                },
                out,
            );
        }
        _ => out.push(span),
    }
}

/// Finds the quotation spans of a text split into paragraphs (byte ranges, in order): the
/// marks are classified first, then paired paragraph by paragraph.
pub(crate) fn find(text: &str, paras: &[Range<usize>]) -> Vec<Span> {
    // Every paragraph's marks in one list; `first[pi]..first[pi + 1]` are paragraph pi's.
    // Articles print a quotation mark every 70 to 300 bytes: room for one per 64 bytes makes
    // one allocation where growing the vector would take several.
    let mut all: Vec<Mark> = Vec::with_capacity(text.len() / 64);
    let mut first: Vec<usize> = Vec::with_capacity(paras.len() + 1);
    let singles = uses_straight_singles(text, paras);
    marks(text, paras, singles, &mut all, &mut first);
    let para_marks = |pi: usize| first.get(pi + 1).map(|&end| &all[first[pi]..end]);
    let mut pairing = Pairing {
        text,
        // Each quotation takes a mark or two (a split at a dash attribution is rare).
        spans: Vec::with_capacity(all.len() / 2 + 1),
        cur: None,
        skip: None,
    };
    for (pi, para) in paras.iter().enumerate() {
        pairing.paragraph(pi, para, para_marks(pi).unwrap_or_default());
        if let Some(q) = pairing.cur.take() {
            pairing.paragraph_end(q, pi, para, para_marks(pi + 1), paras.get(pi + 1));
        }
    }
    pairing.spans
}

/// The pairing of marks into quotations, a paragraph at a time.
struct Pairing<'t> {
    text: &'t str,
    spans: Vec<Span>,
    /// The quotation open at the current mark.
    cur: Option<OpenQuote>,
    /// Index of a mark to skip in the next paragraph (the intermediate opening mark of a
    /// quotation over several paragraphs).
    skip: Option<usize>,
}

impl Pairing<'_> {
    /// Pairs the marks `ms` of paragraph `pi`.
    fn paragraph(&mut self, pi: usize, para: &Range<usize>, ms: &[Mark]) {
        let mut mi = 0;
        while mi < ms.len() {
            let m = ms[mi];
            mi += 1;
            if self.skip.take() == Some(mi - 1) {
                continue;
            }
            if self.cur.is_some() {
                self.inside(pi, m);
            } else {
                mi += self.outside(pi, para, m, &ms[mi..]);
            }
        }
    }

    /// Mark `m` outside any quotation (`rest`: the paragraph's marks after it): it may open
    /// one. Returns how many of `rest` it used.
    fn outside(&mut self, pi: usize, para: &Range<usize>, m: Mark, rest: &[Mark]) -> usize {
        if m.kind == Kind::Single {
            let closed_later = rest
                .iter()
                .any(|x| x.kind == Kind::Single && x.role == Role::Close);
            if m.role == Role::Open && !m.dangling && closed_later {
                self.cur = Some(OpenQuote::at(&m, Kind::Single, pi));
            }
            return 0;
        }
        if m.role == Role::Close && m.curly && m.pos > para.start {
            return self.reversed(pi, m, rest);
        }
        let opens = match m.role {
            Role::Open => true,
            Role::Either => !m.dangling && !m.curly,
            Role::Close => false,
        };
        if opens && !m.dangling {
            self.cur = Some(OpenQuote::at(&m, Kind::Double, pi));
        }
        0
    }

    /// Reversed marks (” … “ at the paragraph's end): read as a pair rather than dropping
    /// the words between them. Returns how many of `rest` it used.
    fn reversed(&mut self, pi: usize, close: Mark, rest: &[Mark]) -> usize {
        let Some(n) = rest.iter().position(|x| x.kind == Kind::Double) else {
            return 0;
        };
        let open = rest[n];
        if open.role != Role::Open || !open.dangling {
            return 0;
        }
        let seg = trimmed(self.text, close.pos + close.len..open.pos);
        if !seg.is_empty() {
            let span = Span {
                open: close.pos,
                close_end: open.pos + open.len,
                segments: Segments::One(seg),
                paragraph: pi,
                last_paragraph: pi,
                closed: true,
            };
            split_dash_cues(self.text, span, &mut self.spans);
        }
        n + 1
    }

    /// Mark `m` inside the open quotation: it closes it, nests, or (an opening glyph after
    /// a sentence's end) starts the next one.
    fn inside(&mut self, pi: usize, m: Mark) {
        let text = self.text;
        let Some(q) = self.cur.as_mut() else {
            return;
        };
        if m.kind != q.kind {
            return; // inner quotes of the other kind stay inside
        }
        let closes = match m.role {
            Role::Close => true,
            Role::Open => false,
            // A straight mark glued to a word on its left closes.
            Role::Either => !opens_context(text[..m.pos].chars().next_back()),
        };
        if closes {
            if q.nested > 0 {
                q.nested -= 1;
            } else if let Some(q) = self.cur.take() {
                self.finish(q, m.pos, m.pos + m.len, pi, true);
            }
        } else if q.kind == Kind::Double {
            // “… situation. “At the same time …”: an opening glyph after a sentence's end
            // starts the next quotation (the first was left unclosed); inner quotations open
            // mid-sentence.
            let after_sentence = m.curly
                && q.nested == 0
                && text[q.seg_start..m.pos]
                    .trim_end()
                    .ends_with(['.', '!', '?']);
            if !after_sentence {
                q.nested += 1;
            } else if let Some(q) = self.cur.take() {
                self.finish(q, m.pos, m.pos, pi, false);
                self.cur = Some(OpenQuote::at(&m, Kind::Double, pi));
            }
        }
    }

    /// The end of paragraph `pi` with quotation `q` still open: it goes on into the next
    /// paragraph (`next`, whose marks are `next_marks`) or ends here, unclosed.
    fn paragraph_end(
        &mut self,
        mut q: OpenQuote,
        pi: usize,
        para: &Range<usize>,
        next_marks: Option<&[Mark]>,
        next: Option<&Range<usize>>,
    ) {
        match self.continuation(&q, next_marks, next) {
            Some(seg_start) => {
                q.segments.push(q.seg_start..para.end);
                q.seg_start = seg_start;
                q.nested = 0;
                self.cur = Some(q);
            }
            None => self.finish(q, para.end, para.end, pi, false),
        }
    }

    /// Where the open quotation `q` resumes in the next paragraph, if it does: after an
    /// opening mark that starts the paragraph (a quotation over several paragraphs, that
    /// mark then skipped), or at its start when it is a closing mark's paragraph (a line
    /// break inside the quotation).
    fn continuation(
        &mut self,
        q: &OpenQuote,
        next_marks: Option<&[Mark]>,
        next: Option<&Range<usize>>,
    ) -> Option<usize> {
        let (nm, np) = (next_marks?, next?);
        if q.kind != Kind::Double {
            return None;
        }
        let f = nm.iter().find(|x| x.kind == Kind::Double)?;
        if f.pos == np.start && f.role != Role::Close {
            self.skip = Some(nm.iter().position(|x| x.pos == f.pos).unwrap_or(0));
            Some(f.pos + f.len)
        } else if f.role == Role::Close && q.segments.is_empty() {
            Some(np.start)
        } else {
            None
        }
    }

    /// Ends quotation `q` at byte `end` (its closing mark ending at `close_end`) in
    /// paragraph `last` and adds it, unless it has no words.
    fn finish(&mut self, q: OpenQuote, end: usize, close_end: usize, last: usize, closed: bool) {
        let text = self.text;
        // Most quotations are one paragraph's: one range, no vector.
        let segments = if q.segments.is_empty() {
            let r = trimmed(text, q.seg_start..end);
            if r.is_empty() {
                return;
            }
            Segments::One(r)
        } else {
            let mut segments = q.segments;
            segments.push(q.seg_start..end);
            segments.retain_mut(|r| {
                *r = trimmed(text, r.clone());
                !Range::is_empty(r)
            });
            if segments.is_empty() {
                return;
            }
            Segments::from_vec(segments)
        };
        let span = Span {
            open: q.open,
            close_end,
            segments,
            paragraph: q.paragraph,
            last_paragraph: last,
            closed,
        };
        split_dash_cues(text, span, &mut self.spans);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let r = trimmed(text, start..start + line.len());
            if !r.is_empty() {
                out.push(r);
            }
            start += line.len();
        }
        out
    }

    fn texts(text: &str) -> Vec<String> {
        find(text, &paras(text))
            .iter()
            .map(|s| s.text(text))
            .collect()
    }

    #[test]
    fn curly_and_straight() {
        assert_eq!(texts("“A b,” he said. \"C d\" e."), ["A b,", "C d"]);
    }

    #[test]
    fn nested_straight_quotes_stay_inside() {
        let t = "\"X stands for the \"systemic containment\" of Russia,\" he said.";
        assert_eq!(
            texts(t),
            ["X stands for the \"systemic containment\" of Russia,"]
        );
    }

    #[test]
    fn multi_paragraph_quote_is_one() {
        let t = "\"One.\n\n\"Two.\n\n\"Three.\"\n\nAfter.";
        assert_eq!(texts(t), ["One. Two. Three."]);
    }

    #[test]
    fn unclosed_quote_stops_at_paragraph_end() {
        let t = "He said “no end here.\n\nNext paragraph “closed” ok.";
        assert_eq!(texts(t), ["no end here.", "closed"]);
    }

    #[test]
    fn line_break_inside_quote() {
        let t = "Putin said Russia “will not act.\nWe will not expel anyone”. Done.";
        assert_eq!(texts(t), ["will not act. We will not expel anyone"]);
    }

    #[test]
    fn reversed_marks_read_as_pair() {
        let t = "Arguing that x, but ” in global affairs. “\n\nNext “one” here.";
        assert_eq!(texts(t), ["in global affairs.", "one"]);
    }

    #[test]
    fn dash_attribution_inside_marks_splits() {
        let t = "“We are ready for dialogue – says Lavrov. But not at any price.”";
        assert_eq!(
            texts(t),
            ["We are ready for dialogue", "But not at any price."]
        );
        let t = "“Yes — it was hard — but we did it,” he said.";
        assert_eq!(texts(t), ["Yes — it was hard — but we did it,"]);
    }

    /// [`has_spaced_dash`] as it was: every - and E2 byte looked at.
    fn has_spaced_dash_simply(s: &str) -> bool {
        let bytes = s.as_bytes();
        memchr::memchr2_iter(b'-', 0xE2, bytes).any(|i| {
            let dash =
                bytes[i] == b'-' || matches!(bytes.get(i + 1..i + 3), Some([0x80, 0x93 | 0x94]));
            dash && s[..i].chars().next_back().is_some_and(char::is_whitespace)
        })
    }

    proptest::proptest! {
        #[test]
        fn has_spaced_dash_is_the_simple_search(
            s in "[a \u{a0}\u{2003}\n’“”–—\u{2015}ēєĔ-]{0,10}"
        ) {
            proptest::prop_assert_eq!(has_spaced_dash(&s), has_spaced_dash_simply(&s));
        }
    }

    #[test]
    fn spaced_dashes() {
        for (s, want) in [
            ("a - b", true),
            ("a – b", true),
            ("a\u{a0}— b", true),
            ("a-b", false),
            ("a—b", false),
            ("a ’b” “c", false),
            ("- a", false),
            ("a \u{2015} b", false),
            ("a ē b", false),
            ("a\u{a0}ē– b", false),
        ] {
            assert_eq!(has_spaced_dash(s), want, "{s:?}");
        }
    }

    #[test]
    fn push_words_is_split_whitespace_joined() {
        for s in [
            "",
            " ",
            "a",
            "a b",
            " a  b ",
            "a\u{a0}b",
            "a\u{b}b\tc\n",
            "we’re\u{2003}here\u{3000}",
            "x \u{85}y",
        ] {
            let mut out = String::from("pre");
            push_words(&mut out, s);
            let want: Vec<&str> = std::iter::once("pre").chain(s.split_whitespace()).collect();
            assert_eq!(out, want.join(" "), "{s:?}");
        }
    }

    #[test]
    fn is_collapsed_means_split_whitespace_joined() {
        let long = "word ".repeat(20);
        for s in [
            "",
            " ",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\u{b}b",
            "a\u{1f}b",
            "a\u{a0}b",
            "we’re here",
            "a\u{2003}b",
            "a\u{3000}",
            "x\u{85}y",
            long.trim_end(),
            &long,
            &format!("{}\u{a0}x", long.trim_end()),
            &format!("{}  x", long.trim_end()),
            &format!("{}’x ü", long.trim_end()),
        ] {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ") == s;
            assert_eq!(is_collapsed(s), want, "{s:?}");
        }
    }

    /// [`trimmed`] without its shortcut.
    fn trimmed_simply(text: &str, r: Range<usize>) -> Range<usize> {
        let s = &text[r.clone()];
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        if lead + trail >= s.len() {
            return r.start..r.start;
        }
        r.start + lead..r.end - trail
    }

    proptest::proptest! {
        #[test]
        fn trimmed_is_trim(s in "[a \u{a0}\u{2003}\t\u{1}\u{b}é’.]{0,8}", pre in "[a ]{0,2}") {
            let text = format!("{pre}{s}");
            let r = pre.len()..text.len();
            proptest::prop_assert_eq!(trimmed(&text, r.clone()), trimmed_simply(&text, r));
        }
    }

    #[test]
    fn segments_are_a_slice() {
        let mut s = Segments::One(1..3);
        assert_eq!(s.first(), Some(&(1..3)));
        assert_eq!(s.len(), 1);
        s.extend(Segments::One(5..8));
        assert_eq!(&*s, &[1..3, 5..8]);
        s.extend(Segments::Many(vec![9..10, 11..12]));
        assert_eq!(&*s, &[1..3, 5..8, 9..10, 11..12]);
        let one: Vec<Range<usize>> = std::iter::once(2..4).collect();
        assert_eq!(Segments::from_vec(one), Segments::One(2..4));
        assert!(Segments::from_vec(Vec::new()).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn is_collapsed_is_split_whitespace_joined(
            s in "[ab \u{a0}\u{2003}\u{2028}\u{3000}\u{1680}\t\n\u{85}\u{1f}é’“—\u{2009}\u{200b}]{0,12}"
        ) {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ") == s;
            proptest::prop_assert_eq!(is_collapsed(&s), want);
        }
    }

    #[test]
    fn mark_contexts_are_the_listed_characters() {
        for c in "a ([{—–-/.,;:!?)]}…\"“\u{a0}\u{2015}\u{2011}0".chars() {
            let opens = c.is_whitespace() || "([{—–-/".contains(c);
            let closes = c.is_whitespace() || ".,;:!?)]}—–-…".contains(c);
            assert_eq!(opens_context(Some(c)), opens, "{c:?}");
            assert_eq!(closes_context(Some(c)), closes, "{c:?}");
        }
    }

    #[test]
    fn straight_single_quotes_where_the_article_uses_them() {
        let t = "'We do not see any readiness,' said Ryabkov. He added: 'None at all.'";
        assert_eq!(texts(t), ["We do not see any readiness,", "None at all."]);
        // Apostrophes alone never open a quotation.
        let t = "Russia's view: don't expect the '90s back, the workers' union said.";
        assert!(texts(t).is_empty());
        let t = "NATO chief: 'Very frank discussion' on spending 'has made NATO stronger'";
        assert_eq!(
            texts(t),
            ["Very frank discussion", "has made NATO stronger"]
        );
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let t = "Lavrov’s ‘downward’ trend, don’t.";
        assert_eq!(texts(t), ["downward"]);
    }
}
