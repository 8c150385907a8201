//! Attribution: for each quotation, the words that say who spoke ("Lavrov said", "he
//! added", "according to the senior Russian diplomat", "TASS quotes him as telling") and the
//! person or organisation they point to.
//!
//! Cues are searched in the non-quoted words of the quotation's sentence: after the closing
//! mark (`…,” Lavrov said`), before the opening mark (`Lavrov said that “…`, `He added:`),
//! and, for a quotation that opens a paragraph, at the end of the previous paragraph when
//! that one stops mid-sentence (`He further stated that,`). Work is linear in the text:
//! every paragraph is tokenized once and each search looks at a bounded window.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::lexicon::{side_of_word, Side};
use super::quotes::{is_collapsed, next_space, Span};
use super::relevance::{self, Found};
use super::speakers::{People, SpeakerAliases, Who};
use super::tokens::{
    is_alnum, is_ascii_space, is_participle, is_pronoun, is_speech_verb, tokenize, tokenize_into,
    Text, Tok, RELAY, ROLE, SPEECH, STOP, TITLE, UNNAMED,
};
use super::{Attribution, Quote, SpeakerKind};

#[derive(Debug, Clone)]
enum Subject {
    Who(Who),
    /// A pronoun at this offset; `true` for she/her.
    Pronoun(usize, bool),
    Desc(Vec<String>, usize),
    /// "…, saying": the subject is the clause's subject.
    Participle,
    /// An unnamed party ("officials said", "a senior diplomat told"): its phrase's bytes.
    Unnamed(usize, usize),
}

/// Heads of unnamed sources that say "she" or "he" (the others fit either).
const FEMALE_HEADS: &[&str] = &["woman", "women", "girl", "mother"];
const MALE_HEADS: &[&str] = &["man", "men", "boy", "father"];

/// Words that end an unnamed source's phrase on its left: determiners, pronouns,
/// prepositions, conjunctions ("a senior official", "and U.S. officials").
const PHRASE_STOPS: &[&str] = &[
    "a", "an", "the", "one", "another", "some", "several", "many", "most", "few", "two", "three",
    "his", "her", "their", "its", "our", "my", "your", "this", "that", "these", "those", "and",
    "or", "but", "of", "in", "on", "at", "by", "for", "with", "to", "from", "as", "who", "which",
    "when", "while", "after", "before", "also", "other",
];

/// How many tokens after a quotation a speech verb makes it speech ("” a voice shouted").
const POST_VERB_REACH: usize = 4;

/// Most tokens from an outer reporting verb to the inner one it frames ("Comey testified
/// before the committee on June 8 that Lynch told him"); further apart, the inner clause is
/// a report of its own.
const OUTER_REACH: usize = 16;

/// Words that open a new clause: a speech verb after one reports for its own subject
/// ("X said …, and Y told", "X tweeted shortly after Y told").
const CLAUSE_BREAKS: &[&str] = &[
    "and", "but", "after", "before", "while", "when", "as", "because", "although", "though",
    "since", "until", "whereas", "if", "where",
];

/// Most words of an unnamed source's phrase before its head ("senior U.S. administration").
const PHRASE_MODIFIERS: usize = 5;

/// When the words just before the verb at `v` are an unnamed party ("U.S. officials said",
/// "a source told", "the security services said"): the token range of its phrase (modifiers
/// and head, without determiners).
fn unnamed_subject(toks: &[Tok], v: usize, lo: usize) -> Option<Range<usize>> {
    let mut j = v;
    // Skip auxiliaries and adverbs: "officials have repeatedly said".
    while j > lo {
        let t = &toks[j - 1];
        let skip = t.word
            && (matches!(
                t.norm,
                "has" | "have" | "had" | "also" | "later" | "then" | "was" | "were" | "would"
            ) || t.norm.ends_with("ly"));
        if !skip {
            break;
        }
        j -= 1;
    }
    if j == lo {
        return None;
    }
    let head = &toks[j - 1];
    if !head.word || head.possessive || !head.has(UNNAMED) {
        return None;
    }
    let plural = head.norm.ends_with('s') && !head.norm.ends_with("ss")
        || matches!(head.norm, "people" | "men" | "women" | "crowd");
    let indefinite = toks[lo.max(j.saturating_sub(PHRASE_MODIFIERS + 1))..j - 1]
        .iter()
        .any(|t| matches!(t.norm, "a" | "an" | "one" | "another" | "some" | "several"));
    if !(plural || indefinite) {
        return None;
    }
    let mut a = j - 1;
    while a > lo && j - 1 - a < PHRASE_MODIFIERS {
        let t = &toks[a - 1];
        if !t.word || t.possessive || PHRASE_STOPS.contains(&t.norm) || t.has(SPEECH) {
            break;
        }
        a -= 1;
    }
    Some(a..j)
}

/// An unnamed party right after a verb ("said a senior official", "shouted protesters"):
/// the token range of its phrase.
fn unnamed_after(toks: &[Tok], j: usize) -> Option<Range<usize>> {
    let words = toks[j..]
        .iter()
        .take(PHRASE_MODIFIERS + 2)
        .take_while(|t| t.word && !t.possessive)
        .count();
    let k = (j..j + words).find(|&k| toks[k].has(UNNAMED))?;
    let indefinite = matches!(
        toks[j].norm,
        "a" | "an" | "one" | "another" | "some" | "several"
    );
    let plural = toks[k].norm.ends_with('s') && !toks[k].norm.ends_with("ss");
    if !(indefinite || plural && !toks[j].is("the")) {
        return None;
    }
    let a = (j..k)
        .rev()
        .find(|&i| PHRASE_STOPS.contains(&toks[i].norm))
        .map_or(j, |i| i + 1);
    Some(a..k + 1)
}

/// A speaker candidate before its subject is built (see [`Ctx::candidate_kind`]).
#[derive(Debug, Clone, Copy)]
enum Candidate {
    Who(Who),
    /// he/she; `true` for she.
    Pronoun(bool),
    /// A role noun heading a description.
    Role,
}

struct Cue {
    subject: Subject,
    range: Range<usize>,
    /// How the text attributes: set for "according to" and `Name:`; otherwise the
    /// subject's kind tells ([`Cue::attribution`]).
    how: Option<Attribution>,
}

impl Cue {
    fn attribution(&self) -> Attribution {
        self.how.unwrap_or(match self.subject {
            Subject::Who(_) => Attribution::Name,
            Subject::Pronoun(..) => Attribution::Pronoun,
            Subject::Desc(..) | Subject::Unnamed(..) => Attribution::Description,
            Subject::Participle => Attribution::None,
        })
    }
}

struct Para<'a> {
    range: Range<usize>,
    /// The tokens outside quotations (a slice of the article's list).
    toks: &'a [Tok<'a>],
    /// Sentence boundaries (byte offsets), sorted.
    bounds: &'a [usize],
}

impl<'a> Para<'a> {
    fn sentence_start(&self, off: usize) -> usize {
        let i = self.bounds.partition_point(|&b| b <= off);
        i.checked_sub(1)
            .map_or(self.range.start, |k| self.bounds[k])
    }
    fn sentence_end(&self, off: usize) -> usize {
        let i = self.bounds.partition_point(|&b| b <= off);
        self.bounds.get(i).copied().unwrap_or(self.range.end)
    }
    /// Tokens entirely inside `lo..hi`.
    fn window(&self, lo: usize, hi: usize) -> &'a [Tok<'a>] {
        let a = self.toks.partition_point(|t| t.start < lo);
        let b = self.toks.partition_point(|t| t.end <= hi);
        if a <= b {
            &self.toks[a..b]
        } else {
            &[]
        }
    }
}

/// A quotation plus an attribution printed inside it (“Of course,” Lavrov said, “our …”).
struct Merged {
    span: Span,
    inner: Option<Range<usize>>,
}

/// True when `s` has fewer than `n` whitespace-separated words with a letter or digit.
fn fewer_words_than(s: &str, n: usize) -> bool {
    // Stops at the n-th word (this runs for every quotation). Bytes are looked at up to a
    // word's first letter or digit; the rest of the word is skipped at search speed.
    let bytes = s.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let alnum = if b.is_ascii() {
            i += 1;
            ASCII_FOLD[usize::from(b)] > b' '
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            is_alnum(c)
        };
        if alnum {
            count += 1;
            if count == n {
                return false;
            }
            i = next_space(s, i);
        }
    }
    true
}

/// The words of a quotation's text (words joined by single spaces, as [`Span::text`] makes
/// it), counted up to `n` of them with a letter or digit: (words, words with a letter or
/// digit). Splitting at spaces needs no decoding, and a word's first byte is nearly always
/// the letter that settles it.
fn quoted_words(text: &str, n: usize) -> (usize, usize) {
    debug_assert!(
        is_collapsed(text),
        "not a quotation's collapsed text: {text:?}"
    );
    let bytes = text.as_bytes();
    let is_ascii_alnum = |b: u8| ASCII_FOLD.get(usize::from(b)).is_some_and(|&f| f > b' ');
    let (mut words, mut alnum) = (0, 0);
    let mut start = 0;
    while start < bytes.len() {
        // Words are short: a plain search for the space beats a call to memchr.
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(bytes.len(), |i| start + i);
        let word = &bytes[start..end];
        words += 1;
        if word.iter().any(|&b| is_ascii_alnum(b))
            || !word.is_ascii() && text[start..end].chars().any(is_alnum)
        {
            alnum += 1;
            if alnum == n {
                break;
            }
        }
        start = end + 1;
    }
    (words, alnum)
}

/// Letters and digits lower-cased, words separated by single spaces: the form in which a
/// headline quotation is looked for among the body's (as bytes: it is only searched).
fn comparable(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    push_comparable(&mut out, s);
    out
}

/// Appends [`comparable`]`(s)` to `out`.
fn push_comparable(out: &mut Vec<u8>, s: &str) {
    // `str::to_lowercase` lowers each character on its own except Σ (final sigma).
    if s.contains('Σ') {
        let lowered = s
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let words: Vec<&str> = lowered.split_whitespace().collect();
        out.extend_from_slice(words.join(" ").as_bytes());
        return;
    }
    let base = out.len();
    // Written in place rather than pushed byte by byte. Room: no more bytes than `s` has left,
    // plus a pending space (an ASCII byte writes at most one; a space is written for
    // whitespace already read); a non-ASCII letter's lower case may be longer, so it makes
    // room for itself.
    out.resize(base + s.len(), 0);
    let mut w = base;
    // Whitespace becomes one space, written before the next letter or digit only: none at
    // the start or the end, never two.
    let mut space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII bytes, nearly all of the text, are folded by table without decoding.
        if b.is_ascii() {
            i += 1;
            match ASCII_FOLD[usize::from(b)] {
                0 => {}
                b' ' => space = w > base,
                lower => {
                    if space {
                        out[w] = b' ';
                        w += 1;
                        space = false;
                    }
                    out[w] = lower;
                    w += 1;
                }
            }
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if is_alnum(c) {
            let mut buf = [0u8; 8];
            let mut len = 0;
            if space {
                buf[0] = b' ';
                len = 1;
                space = false;
            }
            for l in c.to_lowercase() {
                len += l.encode_utf8(&mut buf[len..]).len();
            }
            let need = w + len + (bytes.len() - i);
            if out.len() < need {
                out.resize(need, 0);
            }
            out[w..w + len].copy_from_slice(&buf[..len]);
            w += len;
        } else if c.is_whitespace() {
            space = w > base;
        }
    }
    out.truncate(w);
}

/// [`comparable`] of each ASCII byte: letters and digits lower-cased, whitespace as a space,
/// anything else 0 (dropped).
static ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        } else if is_ascii_space(c) {
            t[b] = b' ';
        }
        b += 1;
    }
    t
};

/// The most bytes and words of an attribution that interrupts a quotation (“…,” Lavrov
/// said, “…”): a longer stretch between two quotations is a sentence of its own.
const INTERRUPTION_MAX_BYTES: usize = 120;
const INTERRUPTION_MAX_WORDS: usize = 9;

/// Joins a quotation interrupted by its attribution with the part that follows.
fn merge_interrupted(source: &Text, spans: Vec<Span>) -> Vec<Merged> {
    let text = source.raw();
    let mut out: Vec<Merged> = Vec::with_capacity(spans.len());
    for s in spans {
        if let Some(prev) = out.last_mut() {
            let gap = text.get(prev.span.close_end..s.open).unwrap_or("");
            let between = gap.trim();
            let between_start = prev.span.close_end + (gap.len() - gap.trim_start().len());
            let prev_text_end = prev.span.segments.last().map_or("", |r| &text[r.clone()]);
            let lower_next = s
                .segments
                .first()
                .and_then(|r| text[r.clone()].chars().next())
                .is_some_and(char::is_lowercase);
            let joins = prev.inner.is_none()
                && prev.span.closed
                && prev_text_end.ends_with(',')
                && between.ends_with(',')
                && lower_next
                && s.paragraph <= prev.span.last_paragraph + 1
                && between.len() < INTERRUPTION_MAX_BYTES
                && fewer_words_than(between, INTERRUPTION_MAX_WORDS)
                && {
                    let toks = tokenize(source, between_start..between_start + between.len());
                    (0..toks.len()).any(|i| is_speech_verb(&toks, i))
                };
            if joins {
                prev.inner = Some(prev.span.close_end..s.open);
                prev.span.segments.extend(s.segments);
                prev.span.close_end = s.close_end;
                prev.span.last_paragraph = s.last_paragraph;
                prev.span.closed = s.closed;
                continue;
            }
        }
        out.push(Merged {
            span: s,
            inner: None,
        });
    }
    out
}

/// Byte ranges of `range` not covered by any quotation region, in `out` (cleared first).
fn outside(range: &Range<usize>, regions: &[Range<usize>], out: &mut Vec<Range<usize>>) {
    out.clear();
    let mut pos = range.start;
    // Regions are sorted and disjoint: skip those that end before this range.
    let first = regions.partition_point(|r| r.end <= range.start);
    for r in &regions[first..] {
        if r.start >= range.end {
            break;
        }
        if r.end <= range.start || r.start >= range.end {
            continue;
        }
        if r.start > pos {
            out.push(pos..r.start);
        }
        pos = pos.max(r.end);
    }
    if pos < range.end {
        out.push(pos..range.end);
    }
}

fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(['”', '"', '’', '\'', ' ', ')']);
    t.ends_with(['.', '!', '?', '…'])
}

/// A headline or subheading: short and without sentence punctuation at its end.
fn is_headline(s: &str) -> bool {
    // The closing marks and spaces trimmed as bytes (” and ’ are E2 80 9D and E2 80 99):
    // most paragraphs then end with an ASCII byte, which decides without decoding.
    let mut b = s.as_bytes();
    loop {
        match b {
            [rest @ .., b'"' | b'\'' | b' '] => b = rest,
            [rest @ .., 0xE2, 0x80, 0x9D | 0x99] => b = rest,
            _ => break,
        }
    }
    let last = match b.last() {
        None => return false,
        Some(&l) if l.is_ascii() => l.is_ascii_alphanumeric(),
        Some(_) => s[..b.len()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric),
    };
    last && fewer_words_than(s, HEADLINE_MAX_WORDS)
}

/// Small words that a Title-Case headline leaves in lower case.
const TITLE_CASE_SMALL: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "as", "vs", "via", "into", "over", "than",
];

/// A line in Title Case ("Putin Delivers Annual Address", "Lavrov Delivers a Message to
/// Tillerson: …"): headline-short, every word but the small ones capitalised, and at least
/// three capitalised. Capitals there mark verbs and nouns too, not only names.
fn is_title_case(s: &str) -> bool {
    // This runs for every paragraph: the case of the words first, which a body paragraph
    // fails within a few words, then the length.
    let mut capitalised = 0;
    for w in s.split_whitespace() {
        match w.chars().find(|c| c.is_alphanumeric()) {
            Some(c) if c.is_uppercase() => capitalised += 1,
            Some(c) if c.is_lowercase() => {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if !TITLE_CASE_SMALL.contains(&w) {
                    return false;
                }
            }
            _ => {}
        }
    }
    capitalised >= 3 && fewer_words_than(s, HEADLINE_MAX_WORDS)
}

/// Headlines and subheadings run to some twenty words; a longer paragraph without final
/// punctuation is body text whose full stop is missing.
const HEADLINE_MAX_WORDS: usize = 26;

/// Who a quotation is attributed to: a person or organisation of the registry, or an
/// unnamed source by its phrase's bytes ("senior U.S. administration official").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Src {
    Who(Who),
    Unnamed(usize, usize),
}

/// A speech event: who spoke, and whom they addressed ("Clinton asked Lavrov"), for the
/// pronouns that follow.
#[derive(Debug, Clone, Copy)]
struct Event {
    src: Src,
    addressee: Option<usize>,
}

/// How many paragraphs a pronoun or a description reaches back: its own and the two before
/// (news paragraphs are one to three sentences; an antecedent further back is a guess).
const REACH_PARAGRAPHS: usize = 3;

/// Verbs whose object is the person spoken to ("told Lavrov", "asked Chaffetz").
fn addresses(t: &Tok) -> bool {
    matches!(
        t.norm,
        "told" | "tells" | "asked" | "asks" | "urged" | "urges" | "answered" | "warned"
    )
}

struct Ctx<'a> {
    text: &'a str,
    people: People,
    /// The paragraphs' ranges (for reach).
    para_ranges: &'a [Range<usize>],
    /// Speech events by verb offset, in text order (found in text order: a sorted list,
    /// searched by halves, costs less than a map).
    events: Vec<(usize, Event)>,
    /// Unnamed sources that spoke, in text order: phrase bytes and head word.
    unnamed: Vec<(usize, usize, &'a str)>,
}

impl Ctx<'_> {
    fn mention(&self, t: &Tok) -> Option<(Who, bool, usize)> {
        let m = self.people.at(t.start)?;
        Some((m.who, m.possessive, m.start))
    }

    /// A speaker candidate at token `j`.
    fn candidate(&self, toks: &[Tok], j: usize) -> Option<Subject> {
        let kind = self.candidate_kind(&toks[j])?;
        Some(self.subject(toks, j, kind))
    }

    /// What kind of speaker candidate `t` is, without building a description's words
    /// (most callers only ask whether there is one, or want a name).
    fn candidate_kind(&self, t: &Tok) -> Option<Candidate> {
        if let Some((who, possessive, _)) = self.mention(t) {
            return (!possessive).then_some(Candidate::Who(who));
        }
        if t.possessive {
            return None;
        }
        if t.is("he") || t.is("she") {
            return Some(Candidate::Pronoun(t.is("she")));
        }
        if t.has(ROLE) {
            return Some(Candidate::Role);
        }
        None
    }

    /// The subject for a candidate of this kind at token `j`.
    fn subject(&self, toks: &[Tok], j: usize, kind: Candidate) -> Subject {
        let t = &toks[j];
        match kind {
            Candidate::Who(who) => Subject::Who(who),
            Candidate::Pronoun(she) => Subject::Pronoun(t.start, she),
            Candidate::Role => Subject::Desc(description(toks, j), t.start),
        }
    }

    /// The subject of the verb at `v`, scanning back to `lo`: the nearest candidate, jumping
    /// over an apposition or aside between commas ("Lavrov, for his part, said").
    fn backward(&self, toks: &[Tok], v: usize, lo: usize) -> Option<(Subject, usize)> {
        let (kind, j) = self.backward_kind(toks, v, lo)?;
        Some((self.subject(toks, j, kind), j))
    }

    /// [`Self::backward`], giving the candidate's kind. Looks back at most [`SUBJECT_REACH`]
    /// tokens from the verb.
    fn backward_kind(&self, toks: &[Tok], v: usize, lo: usize) -> Option<(Candidate, usize)> {
        let mut j = v;
        let mut steps = 0;
        while j > lo && steps < SUBJECT_REACH {
            j -= 1;
            steps += 1;
            let t = &toks[j];
            if t.is_punct(',') {
                let prev_comma = (lo..j)
                    .rev()
                    .take(APPOSITION_REACH)
                    .find(|&k| toks[k].is_punct(','));
                if let Some(k) = prev_comma.filter(|&k| k > lo) {
                    // A name between the commas is not jumped for the description before
                    // it: the description is the name's ("Its spokesman, Ned Price, said").
                    let jump = match self.candidate_kind(&toks[k - 1]) {
                        Some(Candidate::Role) => {
                            !matches!(self.candidate_kind(&toks[j - 1]), Some(Candidate::Who(_)))
                        }
                        other => other.is_some(),
                    };
                    if jump {
                        j = k;
                    }
                }
                continue;
            }
            if !t.word && (t.is_punct('.') || t.is_punct(';') || t.is_punct(':')) {
                return None;
            }
            if t.is("his") || t.is("her") {
                continue;
            }
            if let Some(kind) = self.candidate_kind(t) {
                // A role word before a noun modifies it ("its official note stressed").
                let modifier = matches!(kind, Candidate::Role)
                    && toks.get(j + 1).is_some_and(|n| {
                        j + 1 < v
                            && n.word
                            && !n.has(ROLE | TITLE)
                            && !n.cap
                            && !is_speech_verb(toks, j + 1)
                    });
                if !modifier {
                    return Some((kind, j));
                }
            }
        }
        None
    }

    /// The first candidate reading forward (a sentence's subject).
    fn forward(&self, toks: &[Tok]) -> Option<(Subject, usize)> {
        for j in 0..toks.len() {
            match self.candidate_kind(&toks[j]) {
                Some(Candidate::Role) | None => continue,
                Some(kind) => return Some((self.subject(toks, j, kind), j)),
            }
        }
        None
    }

    /// "TASS quotes him as telling", "X was quoted as saying": who is quoted.
    fn relay(&self, toks: &[Tok], v: usize, lo: usize) -> Option<(Subject, usize, usize)> {
        if let (Some(obj), Some(as_)) = (toks.get(v + 1), toks.get(v + 2)) {
            if as_.is("as") {
                let subject = if is_pronoun(obj) {
                    Some(Subject::Pronoun(obj.start, obj.is("her")))
                } else {
                    self.candidate(toks, v + 1)
                };
                if let Some(s) = subject {
                    let end = (v + 3).min(toks.len() - 1);
                    return Some((s, v, end));
                }
            }
        }
        let passive = v > lo && (toks[v - 1].is("was") || toks[v - 1].is("were"));
        if passive {
            let (s, j) = self.backward(toks, v - 1, lo)?;
            let end = if toks.get(v + 1).is_some_and(|t| t.is("as")) {
                (v + 2).min(toks.len() - 1)
            } else {
                v
            };
            return Some((s, j, end));
        }
        None
    }

    fn cue(&self, toks: &[Tok], a: usize, b: usize) -> Range<usize> {
        let (a, b) = (a.min(b), a.max(b));
        toks[a].start..toks[b].end
    }

    /// Attribution after the closing mark: `, Lavrov said` / `, said Lavrov` /
    /// `TASS quotes him as telling`.
    fn post(&self, toks: &[Tok]) -> Option<Cue> {
        let mut i = 0;
        while i < toks.len() && !toks[i].word && !toks[i].is_punct('.') {
            i += 1;
        }
        if i >= toks.len() {
            return None;
        }
        // The cue starts right after the quotation ("…,” Lavrov said", "…,” the minister
        // said"); words that continue the sentence ("‘extreme polarization’ is the greatest
        // threat … Cassidy says") make the quotation part of someone else's sentence.
        let t = &toks[i];
        let starts_cue = is_speech_verb(toks, i)
            || self.candidate_kind(t).is_some()
            || t.has(TITLE | ROLE)
            || side_of_word(t.norm) != Side::Unknown
            || matches!(t.norm, "a" | "an" | "one" | "some" | "two" | "several")
            || t.cap && !t.has(STOP)
            || t.has(UNNAMED);
        if !starts_cue {
            return None;
        }
        if is_speech_verb(toks, i) && !toks[i].is("according") {
            return self.verb_first(toks, i);
        }
        let limit = toks.len().min(i + SUBJECT_FIRST_REACH);
        let v = (i..limit).find(|&v| is_speech_verb(toks, v))?;
        if toks[v].has(RELAY) {
            let (s, a, b) = self.relay(toks, v, i)?;
            let start = self.subject_start(toks, i, a.min(v));
            return Some(Cue {
                subject: s,
                range: self.cue(toks, start, b),
                how: None,
            });
        }
        if is_participle(&toks[v]) {
            return None;
        }
        self.subject_of_verb(toks, v, i)
    }

    /// A cue that opens with its verb, after the closing mark: "said Lavrov", "reported The
    /// Associated Press", "said a senior official"; `i` is the verb.
    fn verb_first(&self, toks: &[Tok], i: usize) -> Option<Cue> {
        let mut j = i + 1;
        if toks.get(j).is_some_and(|t| t.is("out")) {
            j += 1;
        }
        if let Some(r) = unnamed_after(toks, j) {
            return Some(Cue {
                subject: Subject::Unnamed(toks[r.start].start, toks[r.end - 1].end),
                range: toks[i].start..toks[r.end - 1].end,
                how: None,
            });
        }
        for k in j..toks.len().min(j + VERB_FIRST_REACH) {
            if !toks[k].word {
                break;
            }
            if let Some(s) = self.candidate(toks, k) {
                let end = match &s {
                    Subject::Who(_) => self.mention_end(toks, k),
                    _ => k,
                };
                return Some(Cue {
                    subject: s,
                    range: self.cue(toks, i, end),
                    how: None,
                });
            }
        }
        None
    }

    /// The cue of the plain speech verb `v` whose subject stands before it, no further back
    /// than token `lo`: an unnamed source ("a senior official said") or the nearest candidate
    /// ("Lavrov told reporters"), the cue running from the subject's modifiers to the verb
    /// (and its "out": "pointed out").
    fn subject_of_verb(&self, toks: &[Tok], v: usize, lo: usize) -> Option<Cue> {
        if let Some(r) = unnamed_subject(toks, v, lo) {
            return Some(Cue {
                subject: Subject::Unnamed(toks[r.start].start, toks[r.end - 1].end),
                range: toks[r.start].start..toks[v].end,
                how: None,
            });
        }
        let (s, j) = self.backward(toks, v, lo)?;
        let end = if toks.get(v + 1).is_some_and(|t| t.is("out")) {
            v + 1
        } else {
            v
        };
        Some(Cue {
            subject: s,
            range: self.cue(toks, self.subject_start(toks, lo, j), end),
            how: None,
        })
    }

    /// Extends a subject back over its modifiers for the cue text ("the Russian minister").
    fn subject_start(&self, toks: &[Tok], lo: usize, j: usize) -> usize {
        let mut k = j;
        if let Some((_, _, start)) = self.mention(&toks[j]) {
            while k > lo && toks[k - 1].start >= start {
                k -= 1;
            }
        }
        while k > lo
            && toks[k - 1].word
            && (toks[k - 1].has(TITLE) || side_of_word(toks[k - 1].norm) != Side::Unknown)
        {
            k -= 1;
        }
        k
    }

    fn mention_end(&self, toks: &[Tok], k: usize) -> usize {
        let Some(m) = self.people.at(toks[k].start) else {
            return k;
        };
        let mut e = k;
        while e + 1 < toks.len() && toks[e + 1].end <= m.end {
            e += 1;
        }
        e
    }

    /// Attribution before the opening mark: `Lavrov said that`, `according to X,`,
    /// `He added:`, `…, saying`.
    fn pre(&self, toks: &[Tok], sentence: &[Tok]) -> Option<Cue> {
        if toks.is_empty() {
            return None;
        }
        let Some(v) = (0..toks.len()).rev().find(|&v| is_speech_verb(toks, v)) else {
            return self.colon(toks);
        };
        // "X said (that) Y told Z “…”": the quotation is X's report, the outer reporting
        // verb's ("the White House said the president had “warned …”").
        let plain =
            |k: usize| !is_participle(&toks[k]) && !toks[k].is("according") && !toks[k].has(RELAY);
        // A clause break between the two verbs ends the report unless "that" reopens it
        // ("testified before the committee that Lynch told him").
        let breaks = |between: &[Tok]| {
            let last_that = between.iter().rposition(|x| x.is("that"));
            between.iter().enumerate().any(|(k, x)| {
                x.is_punct('.')
                    || x.is_punct(';')
                    || x.is_punct(':')
                    || CLAUSE_BREAKS.contains(&x.norm) && last_that.is_none_or(|l| l < k)
            })
        };
        let v = match (0..v).rev().find(|&k| is_speech_verb(toks, k) && plain(k)) {
            Some(outer) if plain(v) && v - outer <= OUTER_REACH && !breaks(&toks[outer + 1..v]) => {
                outer
            }
            _ => v,
        };
        let t = &toks[v];
        if t.is("according") {
            return self.according_to(toks, v);
        }
        if t.has(RELAY) {
            let (s, a, b) = self.relay(toks, v, 0)?;
            return Some(Cue {
                subject: s,
                range: self.cue(toks, a, b),
                how: None,
            });
        }
        if is_participle(t) {
            return Some(self.participle(t, sentence));
        }
        self.subject_of_verb(toks, v, 0)
    }

    /// No speech verb before the opening mark, but a colon: the sentence's subject, or its
    /// first role word ("He also had some harsh words for U.S. Democrats:", "NATO chief: ‘…’").
    fn colon(&self, toks: &[Tok]) -> Option<Cue> {
        if !toks.last().is_some_and(|t| t.is_punct(':')) {
            return None;
        }
        let (s, j) = self.forward(toks).or_else(|| {
            let j = (0..toks.len())
                .find(|&j| matches!(self.candidate_kind(&toks[j]), Some(Candidate::Role)))?;
            Some((self.subject(toks, j, Candidate::Role), j))
        })?;
        Some(Cue {
            subject: s,
            range: self.cue(toks, j, toks.len() - 1),
            how: Some(Attribution::Colon),
        })
    }

    /// "according to X,": the first candidate of the noun phrase after "according to" (`v`).
    fn according_to(&self, toks: &[Tok], v: usize) -> Option<Cue> {
        let np = &toks[(v + 2).min(toks.len())..];
        let k = (0..np.len())
            .take_while(|&k| np[k].word || np[k].is_punct('.'))
            .find(|&k| self.candidate_kind(&np[k]).is_some())?;
        let s = self.candidate(np, k)?;
        Some(Cue {
            subject: s,
            range: toks[v].start..np[k].end,
            how: Some(Attribution::AccordingTo),
        })
    }

    /// A participle before the mark ("…, insisting that"): a finite speech verb earlier in the
    /// sentence carries the subject ("Lavrov said, insisting that …", "The Kremlin pointed out
    /// …, arguing that"); without one, the speaker is resolved later (`Subject::Participle`).
    fn participle(&self, t: &Tok, sentence: &[Tok]) -> Cue {
        let sv = sentence
            .iter()
            .position(|x| x.start == t.start)
            .unwrap_or(sentence.len());
        let finite = (0..sv)
            .rev()
            .find(|&k| is_speech_verb(sentence, k) && !is_participle(&sentence[k]));
        if let Some(f) = finite {
            if let Some((s, j)) = self.backward(sentence, f, 0) {
                let out = usize::from(sentence.get(f + 1).is_some_and(|x| x.is("out")));
                return Cue {
                    subject: s,
                    range: self.cue(sentence, self.subject_start(sentence, 0, j), f + out),
                    how: None,
                };
            }
        }
        Cue {
            subject: Subject::Participle,
            range: t.start..t.end,
            how: None,
        }
    }

    /// The speech events before byte `off`.
    fn events_before(&self, off: usize) -> &[(usize, Event)] {
        &self.events[..self.events.partition_point(|(at, _)| *at < off)]
    }

    /// The paragraph holding byte `off`.
    fn para_of(&self, off: usize) -> usize {
        self.para_ranges
            .partition_point(|p| p.start <= off)
            .saturating_sub(1)
    }

    /// True when byte `from` is within [`REACH_PARAGRAPHS`] of byte `at`.
    fn in_reach(&self, from: usize, at: usize) -> bool {
        let near = from >= self.reach_start(at);
        debug_assert_eq!(
            near,
            self.para_of(from) + REACH_PARAGRAPHS > self.para_of(at),
            "reach by bytes and by paragraphs"
        );
        near
    }

    /// The first byte within [`REACH_PARAGRAPHS`] of byte `at`: the start of the paragraph
    /// that many paragraphs back (0 from the first ones), so that `in_reach(from, at)` is
    /// `from >= reach_start(at)`: one search for many `from`s.
    fn reach_start(&self, at: usize) -> usize {
        match self.para_of(at).checked_sub(REACH_PARAGRAPHS - 1) {
            Some(p) if p > 0 => self.para_ranges[p].start,
            _ => 0,
        }
    }

    /// Resolves a subject to a person, organisation or unnamed source; `None` when the
    /// evidence does not say who (no guess).
    fn resolve(&self, s: &Subject) -> Option<Src> {
        match s {
            Subject::Who(Who::Org(o)) if self.people.orgs[*o].outlet => None,
            Subject::Who(w) => Some(Src::Who(*w)),
            Subject::Pronoun(off, she) => self.pronoun(*off, *she),
            Subject::Desc(words, off) => self.description(words, *off),
            Subject::Unnamed(a, b) => Some(Src::Unnamed(*a, *b)),
            Subject::Participle => None,
        }
    }

    /// Does `src` fit he (`she` false) or she? Known women are told apart (names, titles);
    /// an unnamed source fits either unless its head says ("a woman").
    fn fits(&self, src: Src, she: bool) -> bool {
        match src {
            Src::Who(Who::Person(p)) => self.people.persons[p].female == she,
            Src::Who(Who::Org(_)) => false,
            Src::Unnamed(a, b) => {
                let head = self.text[a..b].rsplit(' ').next().unwrap_or("");
                let head = head.to_lowercase();
                if she {
                    !MALE_HEADS.contains(&head.as_str())
                } else {
                    !FEMALE_HEADS.contains(&head.as_str())
                }
            }
        }
    }

    /// he/she at byte `off`: the latest speaker (or the one they addressed) within reach
    /// who fits, else the latest person named within reach who fits, else the next speaker
    /// of the same paragraph (a pronoun before the name, in a lead), or of the next one
    /// when the pronoun's paragraph opens with a quotation (a lead quotation, “…,” he said,
    /// whose speaker the next paragraph names); else nobody. Further on, a speaker is
    /// someone the reader has not met yet ("Thus, he stressed that “…”" is about someone
    /// named before the excerpt).
    fn pronoun(&self, off: usize, she: bool) -> Option<Src> {
        let reach = self.reach_start(off);
        for &(at, ref ev) in self.events_before(off).iter().rev() {
            debug_assert_eq!(at >= reach, self.in_reach(at, off));
            if at < reach {
                break;
            }
            if self.fits(ev.src, she) {
                return Some(ev.src);
            }
            if let Some(a) = ev.addressee.map(|a| Src::Who(Who::Person(a))) {
                if self.fits(a, she) {
                    return Some(a);
                }
            }
        }
        // Headlines name people as often as objects as subjects: not antecedents.
        let end = self.people.mentions.partition_point(|m| m.start < off);
        for m in self.people.mentions[..end].iter().rev() {
            debug_assert_eq!(m.start >= reach, self.in_reach(m.start, off));
            if m.start < reach {
                break;
            }
            let src = Src::Who(m.who);
            if matches!(m.who, Who::Person(_))
                && !m.possessive
                && self.fits(src, she)
                && !self.in_headline(m.start)
            {
                return Some(src);
            }
        }
        // A pronoun before the name, in a lead: the next speaker of the same paragraph, or
        // of the next one after a lead quotation.
        let pi = self.para_of(off);
        let lead_quote =
            self.text[self.para_ranges[pi].clone()].starts_with(['"', '“', '‘', '«', '„', '\'']);
        let last = if lead_quote { pi + 1 } else { pi };
        let para_end = self.para_ranges.get(last).map_or(usize::MAX, |r| r.end);
        self.events[self.events_before(off).len()..]
            .iter()
            .take_while(|(at, _)| *at < para_end)
            .map(|(_, ev)| ev.src)
            .find(|&src| self.fits(src, she))
    }

    /// True when byte `off` is in a headline or subheading.
    fn in_headline(&self, off: usize) -> bool {
        let r = &self.para_ranges[self.para_of(off)];
        is_headline(&self.text[r.clone()])
    }

    /// A description ("the Russian minister", "the official", "the 72-year-old") at byte
    /// `off`: the person whose titles fit it, or an unnamed source of the same head named
    /// before (whichever came later); else the one person without a role who has spoken,
    /// within reach ("the
    /// prime minister" for the "Boris Johnson" of the lead: the article never gave a role);
    /// else nobody.
    fn description(&self, words: &[String], off: usize) -> Option<Src> {
        let named = self.people.describe(words, off);
        let reach = self.reach_start(off);
        let head = words.last().map_or("", String::as_str);
        let singular = |w: &str| w.strip_suffix('s').unwrap_or(w).to_string();
        let unnamed = self
            .unnamed
            .iter()
            .rev()
            .filter(|(a, _, _)| *a < off && *a >= reach)
            .find(|(_, _, h)| singular(h) == singular(head));
        match (named, unnamed) {
            (Some(p), Some(&(a, b, _))) => {
                let named_at = self.people.last_mention_before(p, off).unwrap_or(0);
                Some(if a > named_at {
                    Src::Unnamed(a, b)
                } else {
                    Src::Who(Who::Person(p))
                })
            }
            (Some(p), None) => Some(Src::Who(Who::Person(p))),
            (None, Some(&(a, b, _))) => Some(Src::Unnamed(a, b)),
            (None, None) => {
                let end = self.people.mentions.partition_point(|m| m.start < off);
                let mut found: Option<usize> = None;
                for m in self.people.mentions[..end].iter().rev() {
                    if m.start < reach {
                        break;
                    }
                    if let Who::Person(p) = m.who {
                        let spoke = self
                            .events_before(off)
                            .iter()
                            .any(|(_, e)| e.src == Src::Who(Who::Person(p)));
                        if self.people.has_role(p) || !spoke || found == Some(p) {
                            continue;
                        }
                        if found.is_some() {
                            return None;
                        }
                        found = Some(p);
                    }
                }
                found.map(|p| Src::Who(Who::Person(p)))
            }
        }
    }

    /// The name given in output: the registry's, or an unnamed source's phrase marked so.
    fn src_name(&self, src: Src) -> String {
        match src {
            Src::Who(w) => self.name(w),
            Src::Unnamed(a, b) => format!("{} (unnamed)", &self.text[a..b]),
        }
    }

    fn name(&self, w: Who) -> String {
        self.people.name(w).to_string()
    }

    fn side(&self, w: Option<Src>) -> Side {
        let w = match w {
            Some(Src::Who(w)) => Some(w),
            Some(Src::Unnamed(a, b)) => {
                return self.text[a..b]
                    .split_whitespace()
                    .map(|x| side_of_word(&x.to_lowercase()))
                    .find(|s| *s != Side::Unknown)
                    .unwrap_or(Side::Unknown)
            }
            None => None,
        };
        match w {
            Some(Who::Person(p)) => self.people.persons[p].side,
            Some(o @ Who::Org(_)) => self
                .people
                .name(o)
                .split_whitespace()
                .map(|x| side_of_word(&x.to_lowercase()))
                .find(|s| *s != Side::Unknown)
                .unwrap_or(Side::Unknown),
            None => Side::Unknown,
        }
    }
}

/// Words of a description ending at role noun `j`: modifiers before it, "of State" after.
fn description(toks: &[Tok], j: usize) -> Vec<String> {
    let mut a = j;
    while a > 0 && j - a < 5 {
        let t = &toks[a - 1];
        let modifier =
            t.word && (t.has(TITLE) || t.has(ROLE) || side_of_word(t.norm) != Side::Unknown);
        if !modifier {
            break;
        }
        a -= 1;
    }
    let mut b = j + 1;
    if toks.get(b).is_some_and(|t| t.is("of")) {
        while b < toks.len() && b < j + OF_TITLE_WORDS && toks[b].word && toks[b].has(TITLE) {
            b += 1;
        }
    }
    toks[a..b].iter().map(|t| t.norm.to_string()).collect()
}

/// A description keeps a role's "of" complement up to this many tokens after the role: the
/// "of" and two title words ("minister of foreign affairs"), enough for news titles.
const OF_TITLE_WORDS: usize = 4;

/// Most tokens between a speech verb and its subject before it ("Lavrov, who met Pompeo
/// on Tuesday, said"): further back, a name belongs to another clause.
const SUBJECT_REACH: usize = 16;

/// Most tokens between the two commas of an apposition skipped on the way to the subject
/// ("Its spokesman, Ned Price, said").
const APPOSITION_REACH: usize = 18;

/// Most tokens looked at on either side of a quotation.
const MAX_WINDOW: usize = 80;

fn tail<'s, 'a>(toks: &'s [Tok<'a>], n: usize) -> &'s [Tok<'a>] {
    &toks[toks.len().saturating_sub(n)..]
}

fn head<'s, 'a>(toks: &'s [Tok<'a>], n: usize) -> &'s [Tok<'a>] {
    &toks[..toks.len().min(n)]
}

/// Attributes every quotation of an article and drops the spans that are not quotations
/// (scare quotes, titles of programmes, headline echoes). The phases, in order: join the
/// quotations interrupted by their attribution, tokenize the text outside quotations once,
/// register the people it names, find the sentences, find the speech events (who spoke
/// where), then for each quotation search its cues and choose a speaker, and last drop the
/// headline echoes and decide relevance. `title` is the index of the headline paragraph, if
/// the headline is one ([`is_headline_line`]).
pub(crate) fn attribute(
    text: &str,
    para_ranges: &[Range<usize>],
    title: Option<usize>,
    spans: Vec<Span>,
    aliases: &SpeakerAliases,
) -> Vec<Quote> {
    let source = Text::new(text);
    let merged = merge_interrupted(&source, spans);
    let outside = tokenize_outside(&source, para_ranges, title, &merged);
    let people = People::from_tokens(
        text,
        outside
            .groups
            .iter()
            .zip(&outside.title_case)
            .map(|(g, &tc)| (&outside.toks[g.clone()], tc))
            .chain(outside.inner.iter().map(|t| (t.as_slice(), false))),
        aliases,
    );
    let sentences = Sentences::find(text, &merged, &outside);
    let paras = paragraphs(para_ranges, &outside, &sentences);
    let mut ctx = Ctx {
        text,
        people,
        para_ranges,
        // About one speech verb per quotation.
        events: Vec::with_capacity(merged.len() + 8),
        unnamed: Vec::new(),
    };
    ctx.find_speech_events(&paras);
    let work = attribute_each(&ctx, &source, &paras, &merged);
    let main = main_speaker(&work);
    let echoes = headline_echoes(&work);
    let mut out = Vec::with_capacity(merged.len());
    for ((m, w), echo) in merged.into_iter().zip(work).zip(echoes) {
        if w.keep && !echo {
            out.push(ctx.quote(&source, m, w, main));
        }
    }
    out
}

/// The article's words outside quotations, tokenized once, all into one list.
struct Outside<'t> {
    toks: Vec<Tok<'t>>,
    /// `toks[para[pi]]`: paragraph `pi`'s tokens.
    para: Vec<Range<usize>>,
    /// The stretches between quotations (names never run across one).
    groups: Vec<Range<usize>>,
    /// For each group, whether its paragraph is read as a headline's words, whose capitals
    /// mark verbs and nouns too ([`is_headline_line`]).
    title_case: Vec<bool>,
    /// Attributions printed inside a quotation's marks, which count as outside text too.
    inner: Vec<Vec<Tok<'t>>>,
}

/// True when paragraph `pi` (`p`) is read as a headline, whose capitals mark verbs and nouns
/// too, not only names: a Title-Case line anywhere ([`is_title_case`]), and the article's
/// headline (`title`) however it is cased when it reads as one ([`is_headline`]): "Lavrov
/// Delivers a Message to Tillerson: talks must go on" names no "Lavrov Delivers". Its runs
/// of capitalised words are names only as far as the alias table or the body confirms them
/// ([`People::from_tokens`]).
fn is_headline_line(p: &str, pi: usize, title: Option<usize>) -> bool {
    is_title_case(p) || title == Some(pi) && is_headline(p)
}

/// Tokenizes every paragraph's text outside the quotations; `title` is the index of the
/// headline paragraph, if one is.
fn tokenize_outside<'t>(
    source: &'t Text,
    para_ranges: &[Range<usize>],
    title: Option<usize>,
    merged: &[Merged],
) -> Outside<'t> {
    let regions: Vec<Range<usize>> = merged
        .iter()
        .map(|m| m.span.open..m.span.close_end)
        .collect();
    // About one token per five bytes: reserve once rather than grow (and copy) the list.
    let mut toks: Vec<Tok> = Vec::with_capacity(source.raw().len() / 5);
    let mut para: Vec<Range<usize>> = Vec::with_capacity(para_ranges.len());
    // At most one stretch before each quotation and one after the last of each paragraph.
    let mut groups: Vec<Range<usize>> = Vec::with_capacity(para_ranges.len() + regions.len());
    let mut title_case: Vec<bool> = Vec::with_capacity(groups.capacity());
    // The current paragraph's text outside quotations (one buffer for all).
    let mut free: Vec<Range<usize>> = Vec::with_capacity(8);
    for (pi, r) in para_ranges.iter().enumerate() {
        outside(r, &regions, &mut free);
        let first = toks.len();
        let tc = is_headline_line(&source.raw()[r.clone()], pi, title);
        for x in &free {
            let a = toks.len();
            tokenize_into(source, x.clone(), &mut toks);
            groups.push(a..toks.len());
            title_case.push(tc);
        }
        para.push(first..toks.len());
    }
    let inner = merged
        .iter()
        .filter_map(|m| m.inner.clone())
        .map(|r| tokenize(source, r))
        .collect();
    Outside {
        toks,
        para,
        groups,
        title_case,
        inner,
    }
}

/// Sentence boundaries, all paragraphs' in one list.
struct Sentences {
    /// Byte offsets where sentences end, sorted within each paragraph.
    bounds: Vec<usize>,
    /// `bounds[para[pi]]`: paragraph `pi`'s.
    para: Vec<Range<usize>>,
}

impl Sentences {
    /// Sentence punctuation, and a quotation ending a sentence inside its marks (“…
    /// consequences.” His remarks …) when a capital follows.
    fn find(text: &str, merged: &[Merged], outside: &Outside) -> Sentences {
        let quote_ends = quotation_sentence_ends(text, merged, outside);
        let toks = &outside.toks;
        // About one sentence end per sixteen tokens (news sentences run to 20–30 words).
        let mut bounds: Vec<usize> = Vec::with_capacity(toks.len() / 16 + quote_ends.len());
        let mut para: Vec<Range<usize>> = Vec::with_capacity(outside.para.len());
        let mut ends = quote_ends.iter().peekable();
        for (pi, r) in outside.para.iter().enumerate() {
            let first = bounds.len();
            let sentence_ends = toks[r.clone()]
                .iter()
                .filter(|t| t.is_punct('.') || t.is_punct('!') || t.is_punct('?'))
                .map(|t| t.end);
            bounds.extend(sentence_ends);
            while let Some(&(_, at)) = ends.next_if(|(p, _)| *p == pi) {
                bounds.push(at);
            }
            bounds[first..].sort_unstable();
            para.push(first..bounds.len());
        }
        Sentences { bounds, para }
    }
}

/// The quotations that end a sentence inside their marks: (paragraph, offset of the
/// closing mark's end), by paragraph.
fn quotation_sentence_ends(
    text: &str,
    merged: &[Merged],
    outside: &Outside,
) -> Vec<(usize, usize)> {
    let mut ends: Vec<(usize, usize)> = Vec::with_capacity(merged.len());
    for m in merged {
        let s = &m.span;
        let inner_end = s.segments.last().map_or("", |r| &text[r.clone()]);
        if !s.closed || !ends_sentence(inner_end) {
            continue;
        }
        if let Some(r) = outside.para.get(s.last_paragraph) {
            // The paragraph's tokens are in text order: a binary search, not a scan, so that a
            // long paragraph of many quotations costs no more than its length.
            let toks = &outside.toks[r.clone()];
            let next = toks.partition_point(|t| t.start < s.close_end);
            let next_cap = toks.get(next).is_some_and(|t| t.cap);
            if next_cap {
                ends.push((s.last_paragraph, s.close_end));
            }
        }
    }
    // In text order already (quotations never overlap); sorted all the same, since
    // `Sentences::find` would skip an end that came out of order.
    ends.sort_by_key(|&(p, _)| p);
    ends
}

/// The paragraphs with their tokens and sentence boundaries.
fn paragraphs<'t>(
    para_ranges: &[Range<usize>],
    outside: &'t Outside<'t>,
    sentences: &'t Sentences,
) -> Vec<Para<'t>> {
    para_ranges
        .iter()
        .zip(outside.para.iter().zip(&sentences.para))
        .map(|(r, (t, b))| Para {
            range: r.clone(),
            toks: &outside.toks[t.clone()],
            bounds: &sentences.bounds[b.clone()],
        })
        .collect()
}

/// Most words after a speech verb where its subject may stand when it comes first ("said
/// Antonio Guterres", "said UN Secretary-General Antonio Guterres").
const VERB_FIRST_REACH: usize = 6;

/// After the closing mark, the speech verb of a subject-first cue is within this many tokens
/// of the cue's start ("…,” the Russian Foreign Ministry's spokeswoman Maria Zakharova said"):
/// a verb further on belongs to the next sentence's own clause.
const SUBJECT_FIRST_REACH: usize = 12;

impl<'a> Ctx<'a> {
    /// Records the speech events of the article in text order: a pronoun's subject resolves
    /// through the earlier ones (and the unnamed sources found so far).
    fn find_speech_events(&mut self, paras: &[Para<'a>]) {
        for p in paras {
            for v in 0..p.toks.len() {
                // "reported by Daily Sabah": a passive's subject is not who spoke; "declared
                // himself acting president": what someone made themselves, not what they said.
                let next = p.toks.get(v + 1);
                let passive_or_reflexive = next.is_some_and(|t| {
                    matches!(
                        t.norm,
                        "by" | "himself" | "herself" | "themselves" | "itself"
                    )
                });
                if !is_speech_verb(p.toks, v) || passive_or_reflexive {
                    continue;
                }
                let sentence_start = p.sentence_start(p.toks[v].start);
                let lo = p.toks.partition_point(|t| t.start < sentence_start);
                let subject = self.speech_subject(p.toks, v, lo);
                if let Some(src) = subject.and_then(|s| self.resolve(&s)) {
                    let event = Event {
                        src,
                        addressee: self.addressee(p.toks, v),
                    };
                    self.events.push((p.toks[v].start, event));
                }
            }
        }
    }

    /// Who speaks through the speech verb `toks[v]` (its sentence starts at token `lo`): an
    /// unnamed party before it (recorded), else its subject before it ("Lavrov said") or
    /// after it ("said Antonio Guterres"); for a participle ("…, saying") the sentence's
    /// first named person. A description ("the minister said") is resolved when a quotation
    /// needs it, not for every speech verb: as events, names and pronouns suffice.
    fn speech_subject(&mut self, toks: &[Tok<'a>], v: usize, lo: usize) -> Option<Subject> {
        if is_participle(&toks[v]) {
            let lo = lo.max(v.saturating_sub(MAX_WINDOW));
            return self.forward(&toks[lo..v]).map(|(s, _)| s);
        }
        if let Some(r) = unnamed_subject(toks, v, lo) {
            let (a, b) = (toks[r.start].start, toks[r.end - 1].end);
            self.unnamed.push((a, b, toks[r.end - 1].norm));
            return Some(Subject::Unnamed(a, b));
        }
        match self.backward_kind(toks, v, lo) {
            Some((Candidate::Role, _)) => None,
            Some((kind, j)) => Some(self.subject(toks, j, kind)),
            None => {
                let after = &toks[v + 1..];
                (0..after.len().min(VERB_FIRST_REACH))
                    .take_while(|&k| after[k].word)
                    .find_map(|k| match self.candidate_kind(&after[k])? {
                        Candidate::Role => None,
                        kind => Some(self.subject(after, k, kind)),
                    })
            }
        }
    }

    /// The person the speech verb `toks[v]` addresses ("told Lavrov"), if any.
    fn addressee(&self, toks: &[Tok], v: usize) -> Option<usize> {
        let object = toks.get(v + 1).and_then(|t| self.people.at(t.start))?;
        match object.who {
            Who::Person(a) if addresses(&toks[v]) && !object.possessive => Some(a),
            _ => None,
        }
    }

    /// No person other than `src` named between byte `from` and byte `to`.
    fn nobody_between(&self, from: usize, to: usize, src: Src) -> bool {
        let mentions = &self.people.mentions;
        let a = mentions.partition_point(|m| m.start < from);
        let b = mentions.partition_point(|m| m.start < to);
        mentions[a..b.max(a)]
            .iter()
            .all(|m| !matches!(m.who, Who::Person(_)) || Src::Who(m.who) == src)
    }
}

/// One quotation as attributed, before the echoes of the headline are dropped.
struct Work<'t> {
    who: Option<Src>,
    how: Attribution,
    /// Where the quotation and its cue after it end.
    end: usize,
    /// Where the cue's words are (copied for the quotations kept).
    cue: Option<Range<usize>>,
    /// A cue or a speech verb follows the quotation.
    post: bool,
    /// A quotation, not a title or scare quotes.
    keep: bool,
    headline: bool,
    /// The non-quoted words of the attribution sentence and after the quotation.
    context: [&'t [Tok<'t>]; 2],
    /// (paragraph, sentence start).
    sentence: (usize, usize),
    text: String,
    partial: bool,
}

/// What the walk over the quotations remembers of the earlier ones.
struct Walk<'t> {
    work: Vec<Work<'t>>,
    /// The last quotation kept with a speaker: (its last paragraph, where it ends, speaker).
    last_kept: Option<(usize, usize, Src)>,
    /// Where the previous quotation's cue ended: (paragraph, offset).
    prev_cut: (usize, usize),
    /// Whether a paragraph is a headline, decided once: quotations share paragraphs.
    headlines: Vec<Option<bool>>,
}

impl Walk<'_> {
    fn is_headline(&mut self, text: &str, para: &Para, pi: usize) -> bool {
        *self.headlines[pi].get_or_insert_with(|| is_headline(&text[para.range.clone()]))
    }
}

/// Attributes each quotation in text order (a quotation may take its speaker from the ones
/// before).
fn attribute_each<'t>(
    ctx: &Ctx,
    source: &Text,
    paras: &'t [Para<'t>],
    merged: &[Merged],
) -> Vec<Work<'t>> {
    let mut walk = Walk {
        work: Vec::with_capacity(merged.len()),
        last_kept: None,
        prev_cut: (usize::MAX, 0),
        headlines: vec![None; paras.len()],
    };
    for qi in 0..merged.len() {
        let w = attribute_one(ctx, source, paras, merged, qi, &mut walk);
        if let (Some(src), true) = (w.who, w.keep) {
            walk.last_kept = Some((merged[qi].span.last_paragraph, w.end, src));
        }
        walk.work.push(w);
    }
    walk.work
}

/// The token windows where a quotation's cues are searched.
struct Windows<'t> {
    /// Where the quotation's sentence starts.
    sentence_start: usize,
    /// Before the quotation: from its sentence's start or the previous quotation's cue (or
    /// the end of the previous paragraph, when that one leads into it).
    pre: &'t [Tok<'t>],
    /// The whole sentence before the quotation.
    sentence: &'t [Tok<'t>],
    /// After the quotation, to the sentence's end or the next quotation (or the start of
    /// the next paragraph, after a quotation ending in a comma).
    post: &'t [Tok<'t>],
}

/// Finds the cues of quotation `qi` and chooses its speaker.
fn attribute_one<'t>(
    ctx: &Ctx,
    source: &Text,
    paras: &'t [Para<'t>],
    merged: &[Merged],
    qi: usize,
    walk: &mut Walk<'t>,
) -> Work<'t> {
    let text = ctx.text;
    let s = &merged[qi].span;
    let windows = cue_windows(text, paras, merged, qi, walk);
    let cues = Cues::find(ctx, source, &merged[qi], &windows);
    let headline =
        s.paragraph == s.last_paragraph && walk.is_headline(text, &paras[s.paragraph], s.paragraph);
    let post_found = cues.follow(&windows);
    let sentence = (s.paragraph, windows.sentence_start);
    let prev_same_sentence = walk
        .work
        .last()
        .filter(|w| w.sentence == sentence && w.keep);

    let (who, cue, how) = choose_speaker(ctx, walk, s, &windows, &cues, headline);

    let qtext = s.text(text);
    let (words, alnum_words) = quoted_words(&qtext, PARTIAL_WORDS);
    let speech = (0..windows.pre.len()).any(|i| is_speech_verb(windows.pre, i))
        || post_found
        || prev_same_sentence.is_some_and(|w| !w.post);
    let colon = matches!(&cues.pre, Some(c) if c.how == Some(Attribution::Colon));
    let keep = is_quotation(
        &qtext,
        (words, alnum_words),
        headline,
        &windows,
        speech,
        colon,
    );

    let cut = cues
        .post
        .as_ref()
        .map_or(s.close_end, |c| c.range.end.max(s.close_end));
    walk.prev_cut = (s.last_paragraph, cut);
    Work {
        who,
        how,
        // Names in the rest of the sentence after the cue are its circumstances ("Tillerson
        // said in a news conference with Lavrov"), not a new speaker.
        end: paras[s.last_paragraph].sentence_end(cut).max(cut),
        cue,
        post: post_found,
        keep,
        headline,
        context: [windows.sentence, windows.post],
        sentence,
        text: qtext,
        partial: words < PARTIAL_WORDS,
    }
}

/// Where to search quotation `qi`'s cues. Windows are capped so that one quotation never
/// costs more than a sentence's worth of work, even in text without sentence punctuation.
fn cue_windows<'t>(
    text: &str,
    paras: &'t [Para<'t>],
    merged: &[Merged],
    qi: usize,
    walk: &mut Walk,
) -> Windows<'t> {
    let s = &merged[qi].span;
    let p0 = &paras[s.paragraph];
    let sentence_start = p0.sentence_start(s.open);
    let lo = if walk.prev_cut.0 == s.paragraph {
        sentence_start.max(walk.prev_cut.1)
    } else {
        sentence_start
    };
    let mut pre = tail(p0.window(lo, s.open), MAX_WINDOW);
    if p0.window(p0.range.start, s.open).is_empty() && s.paragraph > 0 {
        if let Some(lead) = lead_in(text, paras, merged, qi, walk) {
            pre = lead;
        }
    }
    Windows {
        sentence_start,
        pre,
        sentence: tail(p0.window(sentence_start, s.open), MAX_WINDOW),
        post: post_window(text, paras, merged, qi),
    }
}

/// For a quotation that opens a paragraph: the end of the previous paragraph's last
/// sentence when that paragraph leads into it (stops mid-sentence, or with a colon or a
/// comma: "He further stated that,").
fn lead_in<'t>(
    text: &str,
    paras: &'t [Para<'t>],
    merged: &[Merged],
    qi: usize,
    walk: &mut Walk,
) -> Option<&'t [Tok<'t>]> {
    let s = &merged[qi].span;
    let pp = &paras[s.paragraph - 1];
    let prev_text = &text[pp.range.clone()];
    let leads = !ends_sentence(prev_text) && !walk.is_headline(text, pp, s.paragraph - 1)
        || prev_text.trim_end().ends_with([':', ',']);
    if !leads {
        return None;
    }
    let st = pp.sentence_start(pp.range.end.saturating_sub(1));
    let after_quote = qi
        .checked_sub(1)
        .and_then(|k| merged.get(k))
        .filter(|x| x.span.last_paragraph == s.paragraph - 1)
        .map_or(0, |x| x.span.close_end);
    Some(tail(
        pp.window(st.max(after_quote), pp.range.end),
        MAX_WINDOW,
    ))
}

/// The words after quotation `qi`, to its sentence's end or the next quotation; after a
/// quotation that ends in a comma and its paragraph, the next paragraph's first sentence
/// (unless a quotation opens it).
fn post_window<'t>(
    text: &str,
    paras: &'t [Para<'t>],
    merged: &[Merged],
    qi: usize,
) -> &'t [Tok<'t>] {
    let s = &merged[qi].span;
    let pl = &paras[s.last_paragraph];
    let next = merged.get(qi + 1);
    let next_open = next
        .filter(|n| n.span.paragraph == s.last_paragraph)
        .map_or(pl.range.end, |n| n.span.open);
    let post_hi = pl.sentence_end(s.close_end).min(next_open);
    let post = head(pl.window(s.close_end, post_hi), MAX_WINDOW);
    let inner_text = s.segments.last().map_or("", |r| &text[r.clone()]);
    if !post.is_empty() || !inner_text.ends_with(',') {
        return post;
    }
    let Some(np) = paras.get(s.last_paragraph + 1) else {
        return post;
    };
    if next.is_some_and(|n| n.span.open == np.range.start) {
        return post;
    }
    let hi = np.sentence_end(np.range.start);
    let hi = next
        .filter(|n| n.span.paragraph == s.last_paragraph + 1)
        .map_or(hi, |n| hi.min(n.span.open));
    head(np.window(np.range.start, hi), MAX_WINDOW)
}

/// A quotation's cues: inside its marks, after it, before it.
struct Cues {
    inner: Option<Cue>,
    post: Option<Cue>,
    pre: Option<Cue>,
}

impl Cues {
    /// Searches the cues of quotation `m` in its `windows` and inside its marks.
    fn find(ctx: &Ctx, source: &Text, m: &Merged, windows: &Windows) -> Cues {
        Cues {
            inner: m.inner.as_ref().and_then(|r| {
                let toks = tokenize(source, r.clone());
                ctx.post(&toks)
            }),
            post: ctx.post(windows.post),
            pre: ctx.pre(windows.pre, windows.sentence),
        }
    }

    /// A cue or a speech verb follows the quotation (or interrupts it). A speech verb right
    /// after the quotation marks it as speech even when its subject is nobody the article
    /// names ("“No we're not!” a voice shouted").
    fn follow(&self, windows: &Windows) -> bool {
        let post = windows.post;
        let post_verb = (0..post.len().min(POST_VERB_REACH)).any(|i| is_speech_verb(post, i));
        self.post.is_some() || self.inner.is_some() || post_verb
    }

    /// The cues found, in the order of preference: inside, after, before.
    fn found(&self) -> impl Iterator<Item = &Cue> {
        [&self.inner, &self.post, &self.pre].into_iter().flatten()
    }

    /// The first cue whose subject resolves, outlets (“…,” TASS reported) left out: the
    /// speaker, the cue's words and how they attribute.
    fn chosen(&self, ctx: &Ctx) -> Option<(Src, Range<usize>, Attribution)> {
        let is_outlet =
            |c: &Cue| matches!(c.subject, Subject::Who(Who::Org(o)) if ctx.people.orgs[o].outlet);
        self.found()
            .filter(|c| !is_outlet(c))
            .find_map(|c| Some((ctx.resolve(&c.subject)?, c.range.clone(), c.attribution())))
    }

    /// Without a speaker, the cue's words to print: the first cue that is not a
    /// participle's, unless the cue before the quotation is one.
    fn any_text(&self) -> Option<Range<usize>> {
        let participle = matches!(
            self.pre,
            Some(Cue {
                subject: Subject::Participle,
                ..
            })
        );
        self.found()
            .find(|c| !matches!(c.subject, Subject::Participle) || participle)
            .map(|c| c.range.clone())
    }

    /// Without a speaker, the attribution says what the text offered (an unresolved "she
    /// said" is `pronoun`), `none` when nothing.
    fn how(&self) -> Attribution {
        self.found()
            .find(|c| !matches!(c.subject, Subject::Participle))
            .map_or(Attribution::None, Cue::attribution)
    }

    /// A cue names a subject the article does not resolve ("she said" with no woman in
    /// reach, "a voice shouted"): someone else spoke, so no fallback guesses. Call it when
    /// [`Cues::chosen`] found none.
    fn unresolved(&self, ctx: &Ctx) -> bool {
        self.found().any(|c| match &c.subject {
            Subject::Participle => false,
            Subject::Who(Who::Org(o)) => !ctx.people.orgs[*o].outlet,
            _ => true,
        })
    }
}

/// The quotation's speaker, the cue's words and how the text attributes it: the chosen
/// cue's; without one, a fallback's unless the quotation is a headline's or a cue names
/// someone the article does not resolve.
fn choose_speaker(
    ctx: &Ctx,
    walk: &Walk,
    s: &Span,
    windows: &Windows,
    cues: &Cues,
    headline: bool,
) -> (Option<Src>, Option<Range<usize>>, Attribution) {
    if let Some((src, cue, how)) = cues.chosen(ctx) {
        return (Some(src), Some(cue), how);
    }
    let fallback = (!headline && !cues.unresolved(ctx))
        .then(|| fallback_speaker(ctx, walk, s, windows))
        .flatten();
    match fallback {
        Some((src, how)) => (Some(src), cues.any_text(), how),
        None => (None, cues.any_text(), cues.how()),
    }
}

/// The speaker of a quotation without a cue of its own, from an attribution the text makes
/// all the same, in this order: the sentence's earlier quotation; the paragraph's earlier
/// quotation with nobody else named since; the sentence's subject ("Lavrov called the
/// sanctions “delusional”"); for a quotation opening the paragraph after the paragraph that
/// ended with a quotation, that quotation's speaker (continued speech), unless the
/// quotation's sentence has a speech verb of its own.
fn fallback_speaker(
    ctx: &Ctx,
    walk: &Walk,
    s: &Span,
    windows: &Windows,
) -> Option<(Src, Attribution)> {
    let sentence = (s.paragraph, windows.sentence_start);
    let same_sentence = walk
        .work
        .last()
        .filter(|w| w.sentence == sentence && w.keep && w.who.is_some());
    let same_para = || {
        walk.work
            .iter()
            .rev()
            .take_while(|w| w.sentence.0 == s.paragraph)
            .find(|w| w.keep && w.who.is_some())
            .filter(|w| w.who.is_some_and(|x| ctx.nobody_between(w.end, s.open, x)))
    };
    if let Some(w) = same_sentence.or_else(same_para) {
        return Some((w.who?, w.how));
    }
    let subject = match ctx.forward(windows.sentence) {
        Some((Subject::Who(w @ Who::Person(_)), _)) => Some(Src::Who(w)),
        Some((p @ Subject::Pronoun(..), _)) => ctx.resolve(&p),
        _ => None,
    };
    if let Some(src) = subject {
        let how = match src {
            Src::Who(_) if windows.pre.iter().any(|t| t.is("he") || t.is("she")) => {
                Attribution::Pronoun
            }
            _ => Attribution::Name,
        };
        return Some((src, how));
    }
    let (para, end, src) = walk.last_kept?;
    // A sentence with a speech verb of its own before the quotation reports someone else's
    // words ("Critics in Moscow called the sanctions “illegal”"), even when the reader cannot
    // tell whose.
    let own_verb = (0..windows.sentence.len()).any(|i| is_speech_verb(windows.sentence, i));
    // The speaker's quotation ended the paragraph before; or it is further back within reach
    // and nobody has spoken since (a paragraph between that quotes a document, "It said …
    // “highest priority.”", does not interrupt the speaker).
    let nobody_spoke = ctx
        .events_before(s.open)
        .last()
        .is_none_or(|&(at, _)| at < end);
    let near = para + 1 == s.paragraph || para + REACH_PARAGRAPHS > s.paragraph && nobody_spoke;
    (near && !own_verb && ctx.nobody_between(end, s.open, src)).then_some((src, Attribution::None))
}

/// A quotation of fewer words (letters or digits in them) is a fragment quoted inside a
/// sentence (`partial`); such a short span counts as a quotation only with a speech verb
/// near it, since scare quotes and titles are short too.
const PARTIAL_WORDS: usize = 4;

/// Whether a quoted span is a quotation rather than a title or scare quotes, given its
/// (words, words with a letter or digit), whether a speech verb or cue frames it (`speech`)
/// and whether a `Name:` lead-in introduces it.
fn is_quotation(
    qtext: &str,
    (words, alnum_words): (usize, usize),
    headline: bool,
    windows: &Windows,
    speech: bool,
    colon: bool,
) -> bool {
    let capitalised = || {
        qtext
            .split_whitespace()
            .filter(|w| {
                !matches!(
                    *w,
                    "of" | "the" | "and" | "a" | "an" | "for" | "to" | "in" | "on"
                )
            })
            .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()))
    };
    // A capitalised name after "on", "titled", … names a hearing, a programme or a book
    // ("the hearing on “Planned Parenthood's Taxpayer Funding,”").
    let names_a_work = windows.sentence.last().is_some_and(|t| {
        matches!(
            t.norm,
            "on" | "titled" | "entitled" | "called" | "named" | "dubbed"
        )
    }) && words > 1
        && capitalised()
        && !qtext.trim_end().ends_with(['.', '!', '?']);
    if names_a_work {
        false
    } else if headline {
        speech || colon
    } else if alnum_words < PARTIAL_WORDS {
        let title_like = capitalised() && !qtext.trim_end().ends_with(['.', ',', '!', '?']);
        !title_like && speech
    } else {
        true
    }
}

/// The article's main speaker, the person with the most quotations (the first seen of
/// those): headline quotations without a speaker of their own fall back to it.
fn main_speaker(work: &[Work]) -> Option<Src> {
    let mut counts: Vec<(usize, usize)> = Vec::with_capacity(8); // (person, count) in first-seen order
    for w in work {
        if let (Some(Src::Who(Who::Person(p))), true) = (w.who, w.keep) {
            match counts.iter_mut().find(|(q, _)| *q == p) {
                Some(e) => e.1 += 1,
                None => counts.push((p, 1)),
            }
        }
    }
    counts
        .iter()
        .enumerate()
        .max_by_key(|(i, (_, c))| (*c, std::cmp::Reverse(*i)))
        .map(|(_, (p, _))| Src::Who(Who::Person(*p)))
}

/// For each quotation, whether it is a kept headline quotation that echoes a body
/// quotation (or has no words): not a separate quotation. The body's quotations are folded
/// to their comparable form, one a line, only as far as the search for an echo goes; a
/// headline repeated in subheadings is searched once.
fn headline_echoes(work: &[Work]) -> Vec<bool> {
    let mut body: Vec<u8> = Vec::new();
    let mut unfolded = work.iter().filter(|w| !w.headline);
    let mut echoes: FxHashMap<Vec<u8>, bool> = FxHashMap::default();
    let mut is_echo = |text: &str| {
        let n = comparable(text);
        if n.is_empty() {
            return true;
        }
        if let Some(&echo) = echoes.get(&n) {
            return echo;
        }
        // A match never spans a line break (`n` has none): each quotation is searched as it
        // is folded.
        let finder = memchr::memmem::Finder::new(&n);
        let mut echo = finder.find(&body).is_some();
        while !echo {
            let Some(w) = unfolded.next() else {
                break;
            };
            let from = body.len();
            push_comparable(&mut body, &w.text);
            echo = finder.find(&body[from..]).is_some();
            body.push(b'\n');
        }
        echoes.insert(n, echo);
        echo
    };
    work.iter()
        .map(|w| w.keep && w.headline && is_echo(&w.text))
        .collect()
}

impl Ctx<'_> {
    /// The quotation as output: its speaker (a headline's falls back to the article's
    /// `main` speaker: "NATO chief: ‘…’" over an article quoting Stoltenberg) and whether
    /// it is relevant.
    fn quote(&self, source: &Text, m: Merged, w: Work, main: Option<Src>) -> Quote {
        let text = self.text;
        let who = if w.headline { w.who.or(main) } else { w.who };
        let side = self.side(who);
        let found = relevance::scan_quote(source, &m.span.segments, side);
        // The context is only read when the quotation names nothing.
        let context = || -> Found { relevance::scan(text, &w.context, false) };
        // A quotation that names nothing, by nobody the article names, in a sentence that
        // names nothing is an aside ("It snowed all night," she said), not about the two
        // countries.
        let aside = || {
            !matches!(who, Some(Src::Who(_)))
                && !found.names_anything()
                && !relevance::scan(text, &w.context, false).names_anything()
        };
        let relevant = relevance::rule(&w.text, found, context, side) && !aside();
        Quote {
            start: m.span.start(),
            end: m.span.end(),
            paragraph: m.span.paragraph,
            text: w.text,
            speaker: who.map(|x| self.src_name(x)),
            speaker_kind: match who {
                Some(Src::Who(Who::Person(_))) => SpeakerKind::Person,
                Some(Src::Who(Who::Org(_))) => SpeakerKind::Organisation,
                Some(Src::Unnamed(..)) => SpeakerKind::Unnamed,
                None => SpeakerKind::None,
            },
            attribution: w.how,
            cue: w.cue.map(|r| text[r].to_string()),
            relevant,
            partial: w.partial,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::article::Reader;

    #[test]
    fn comparable_folds_case_punctuation_and_spaces() {
        let c = |s: &str| String::from_utf8(super::comparable(s)).expect("UTF-8");
        assert_eq!(
            c(" U.S.-Russian  “Détente”, İ\u{a0}now! "),
            "usrussian détente i\u{307} now"
        );
        assert_eq!(c("ΟΔΟΣ Σ"), "οδος σ");
        assert_eq!(c(" , "), "");
        // Lower cases longer than their capitals (Ⱥ → ⱥ, İ → i̇), packed or spaced.
        for s in ["ȺȺȺȺ", "İİ İ,Ⱥ", " a Ⱥ  b\u{3000}ȺİA ", "ÀB—c d’e"] {
            let lowered = s
                .chars()
                .filter(|c| c.is_alphanumeric() || c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
            let want = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(c(s), want, "{s:?}");
        }
    }

    #[test]
    fn fewer_words_than_counts_words_with_a_letter_or_digit() {
        let oracle = |s: &str, n: usize| {
            s.split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
                < n
        };
        for s in [
            "",
            " , ",
            "a b c",
            "a, - b  c\u{a0}d",
            "ü é\u{2003}ß",
            "1 2 3 4",
            "a\u{b}b\u{1f}c",
            " — “x” ",
        ] {
            for n in 1..6 {
                assert_eq!(super::fewer_words_than(s, n), oracle(s, n), "{s:?} {n}");
            }
        }
    }

    /// The oracle of `quoted_words`: every word, and the words with a letter or digit, of
    /// `s` split at whitespace (the counts capped as the function caps them).
    fn words_oracle(s: &str, n: usize) -> (usize, usize) {
        let words: Vec<&str> = s.split_whitespace().collect();
        let alnum = |w: &str| w.chars().any(char::is_alphanumeric);
        match words
            .iter()
            .enumerate()
            .filter(|(_, w)| alnum(w))
            .nth(n - 1)
        {
            Some((i, _)) => (i + 1, n),
            None => (words.len(), words.iter().filter(|w| alnum(w)).count()),
        }
    }

    proptest::proptest! {
        /// On a quotation's text (words joined by single spaces), as its words split at
        /// whitespace would count.
        #[test]
        fn quoted_words_counts_the_words_of_a_quotation(
            raw in "[a \t\u{a0}\u{2003}é“—,.ß1Ⱥ]{0,16}",
            n in 1usize..6
        ) {
            let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(super::quoted_words(&text, n), words_oracle(&text, n));
        }
    }

    /// [`super::is_headline`] as it was first written: trim the closing marks and spaces as
    /// characters.
    fn is_headline_simply(s: &str) -> bool {
        let t = s.trim_end_matches(['”', '"', '’', '\'', ' ']);
        t.chars().next_back().is_some_and(char::is_alphanumeric) && super::fewer_words_than(s, 26)
    }

    proptest::proptest! {
        #[test]
        fn is_headline_trims_marks_as_characters(s in "[a. ’”\"'é1\u{a0}!\u{2019}\u{201d}\u{80}\u{99}\u{75d}\u{2099}]{0,12}") {
            proptest::prop_assert_eq!(super::is_headline(&s), is_headline_simply(&s));
        }
    }

    /// (quote text, speaker) pairs read from `text`.
    fn read(text: &str) -> Vec<(String, Option<String>)> {
        Reader::new()
            .read("t", text)
            .quotes
            .into_iter()
            .map(|q| (q.text, q.speaker))
            .collect()
    }

    fn one(text: &str) -> (String, Option<String>) {
        let mut q = read(text);
        assert_eq!(q.len(), 1, "{q:?}");
        q.remove(0)
    }

    const LEAD: &str = "Russian Foreign Minister Sergey Lavrov met U.S. Secretary of State Mike Pompeo in Sochi on Tuesday.\n\n";

    #[test]
    fn name_and_verb_in_either_order() {
        for cue in [
            "said Lavrov",
            "Lavrov said",
            "Lavrov, for his part, said",
            "the minister added",
            "Russia's top diplomat said",
            "the Russian minister noted",
            "the diplomat stressed",
        ] {
            let t = format!("{LEAD}“We are ready to work with Washington,” {cue}.");
            assert_eq!(one(&t).1.as_deref(), Some("Sergey Lavrov"), "{cue}");
        }
        let t = format!("{LEAD}“Russia must stop,” the U.S. Secretary of State said.");
        assert_eq!(one(&t).1.as_deref(), Some("Mike Pompeo"));
    }

    #[test]
    fn attribution_before_the_quote() {
        for pre in [
            "According to Lavrov,",
            "Lavrov told reporters that",
            "Pompeo met Lavrov later, and Lavrov said:",
            "Lavrov was quoted as saying",
        ] {
            let t = format!("{LEAD}{pre} “the dialogue with Washington will continue.”");
            assert_eq!(one(&t).1.as_deref(), Some("Sergey Lavrov"), "{pre}");
        }
        let t = format!("{LEAD}Pompeo told Lavrov that “sanctions will stay in place.”");
        assert_eq!(one(&t).1.as_deref(), Some("Mike Pompeo"));
    }

    #[test]
    fn pronouns_follow_the_last_speaker() {
        let t = format!(
            "{LEAD}Pompeo said the talks were useful.\n\n“We disagree on Crimea,” he added."
        );
        assert_eq!(one(&t).1.as_deref(), Some("Mike Pompeo"));
        let t = format!("{LEAD}The Interfax agency quoted him as saying “Moscow is ready.”\n\nLavrov said it first.");
        let _ = read(&t); // must not panic; attribution through an outlet is best effort
    }

    #[test]
    fn she_and_he_are_told_apart() {
        let t = "Foreign Ministry spokeswoman Maria Zakharova spoke after Russian Foreign Minister Sergey Lavrov.\n\nZakharova said the note was sent. Lavrov said it was received.\n\n“Washington must answer,” she added.\n\n“We will wait for the answer from Washington,” he said.";
        let q = read(t);
        let speakers: Vec<_> = q.iter().map(|(_, s)| s.as_deref()).collect();
        assert_eq!(
            speakers,
            [Some("Maria Zakharova"), Some("Sergey Lavrov")],
            "{q:?}"
        );
    }

    #[test]
    fn common_wire_styles() {
        let t = "Kremlin spokesman Dmitry Peskov spoke on Monday.\n\n\"We are ready to talk,\" Peskov told reporters, adding that Moscow \"will not wait forever for Washington.\"";
        let q = read(t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(
            q.iter().all(|(_, s)| s.as_deref() == Some("Dmitry Peskov")),
            "{q:?}"
        );
        let t = "\"Russia is not a partner,\" said Sen. John McCain, R-Ariz.";
        assert_eq!(one(t).1.as_deref(), Some("John McCain"));
        let t = "Peskov, the Kremlin spokesman, said: \"Relations with the U.S. are bad.\"";
        assert_eq!(one(t).1.as_deref(), Some("Dmitry Peskov"));
        let t = format!("{LEAD}“Why?” Lavrov asked.");
        assert_eq!(one(&t).1.as_deref(), Some("Sergey Lavrov"));
    }

    #[test]
    fn surname_variants_merge_to_one_name() {
        let t = "Russian Foreign Minister Sergei Lavrov spoke.\n\n“Relations with the U.S. are bad,” Lavrov said.";
        assert_eq!(one(t).1.as_deref(), Some("Sergey Lavrov"));
    }

    #[test]
    fn organisations_speak() {
        let t = "The Kremlin said on Monday that “relations with Washington are at a low point.”";
        assert_eq!(one(t).1.as_deref(), Some("Kremlin"));
        let t = "The State Department said in a statement: “We reject Russia's claims entirely.”";
        assert_eq!(one(t).1.as_deref(), Some("State Department"));
    }

    #[test]
    fn scare_quotes_and_titles_are_not_quotations() {
        let t = format!("{LEAD}The so-called “reset” policy failed, and the talks were broadcast on “Meet the Press” later.");
        assert!(read(&t).is_empty(), "{:?}", read(&t));
        let t =
            format!("{LEAD}Lavrov called the sanctions “delusional” and said talks were “useful.”");
        assert_eq!(read(&t).len(), 2);
    }

    #[test]
    fn unnamed_sources_are_reported_as_such() {
        for (cue, who) in [
            ("a senior official said", "senior official (unnamed)"),
            ("U.S. officials told reporters", "U.S. officials (unnamed)"),
            ("sources said", "sources (unnamed)"),
        ] {
            let t = format!("{LEAD}“Moscow will respond to the new sanctions soon,” {cue}.");
            assert_eq!(one(&t).1.as_deref(), Some(who), "{cue}");
        }
        // "The official" later is the same unnamed source, never the nearest named person.
        let t = format!("{LEAD}A senior U.S. official said talks would go on.\n\n“We are not there yet,” the official said.");
        assert_eq!(one(&t).1.as_deref(), Some("senior U.S. official (unnamed)"));
        let t = format!("{LEAD}“Moscow will respond to the new sanctions soon,” Smith said.");
        assert_eq!(one(&t).1.as_deref(), Some("Smith"));
    }

    #[test]
    fn a_pronoun_needs_a_person_of_its_kind_within_reach() {
        // Only men are named: "she" stays unattributed rather than going to Lavrov.
        let t = format!("{LEAD}“It snowed all night and the roads are closed,” she said.");
        let q = Reader::new().read("t", &t).quotes;
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker, None);
        assert_eq!(q[0].attribution, crate::article::Attribution::Pronoun);
    }

    #[test]
    fn title_case_headlines_make_no_names_across_verbs() {
        // A Title-Case headline capitalises its verbs: "Putin Delivers Annual Address" is no
        // person, and "Putin said" below is Vladimir Putin.
        for (headline, cue, who) in [
            ("Putin Delivers Annual Address", "Putin said", "Vladimir Putin"),
            ("Peskov Dismisses Report", "Peskov said", "Dmitry Peskov"),
            ("Lavrov Hails Progress in Talks", "Lavrov said", "Sergey Lavrov"),
            (
                "Ryabkov Delivers Warning to Washington",
                "Ryabkov said",
                "Sergey Ryabkov",
            ),
            (
                "Lavrov Delivers a Message to Tillerson: Does the U.S. Want an Improvement of Relations with Russia, Or Not?",
                "Lavrov said",
                "Sergey Lavrov",
            ),
            // A name the body confirms stays a name, without the verb.
            (
                "Jens Stoltenberg Warns Allies",
                "NATO Secretary General Jens Stoltenberg said",
                "Jens Stoltenberg",
            ),
        ] {
            let t = format!("{headline}\n\n\"Our relations with the United States are going through hard times,\" {cue}.\n");
            assert_eq!(one(&t).1.as_deref(), Some(who), "{headline}");
        }
    }

    #[test]
    fn a_headline_in_any_case_makes_no_names_across_verbs() {
        // Not Title Case, but the article's headline: its capitals mark verbs too, so
        // "Lavrov Delivers" is no person and "Lavrov said" below is Sergey Lavrov.
        for (headline, cue, who) in [
            (
                "Lavrov Delivers a Message to Tillerson: talks must go on",
                "Lavrov said",
                "Sergey Lavrov",
            ),
            (
                "Putin Warns West over new sanctions",
                "Putin said",
                "Vladimir Putin",
            ),
            (
                "Ryabkov Slams new U.S. sanctions on Moscow",
                "Ryabkov told reporters",
                "Sergey Ryabkov",
            ),
            // A name the alias table or the body confirms stays a name, without the verb.
            (
                "Jens Stoltenberg Warns allies over Russian missiles",
                "Stoltenberg said",
                "Jens Stoltenberg",
            ),
            (
                "John Kirby Says Russia must pull back its troops",
                "Kirby said",
                "John Kirby",
            ),
        ] {
            let t = format!("{headline}\n\n\"Our relations with the United States are going through hard times,\" {cue}.\n");
            assert_eq!(one(&t).1.as_deref(), Some(who), "{headline}");
        }
        // A whole article: the headline's verb makes no speaker for the later quotations.
        let t = "Lavrov Delivers a Message to Tillerson: talks must go on\n\nMOSCOW, April 12, 2017 - Russia's top diplomat met his American counterpart in Moscow on Wednesday.\n\n\"We are ready to work with Washington on Syria,\" Lavrov said after the talks.\n\nThe meeting lasted more than three hours, officials said.\n\n\"But we will not accept ultimatums from anyone,\" Lavrov said.\n";
        let article = Reader::new().read("t", t);
        let speakers: Vec<_> = article
            .quotes
            .iter()
            .map(|q| q.speaker.as_deref())
            .collect();
        assert_eq!(speakers, [Some("Sergey Lavrov"), Some("Sergey Lavrov")]);
        assert_eq!(article.title, t.lines().next().unwrap());
    }

    #[test]
    fn a_quotation_in_another_sources_sentence_is_not_continued_speech() {
        const HEAD: &str = "Talks between Russia and the United States stall in Geneva amid sanctions dispute\n\n\"We are ready for dialogue with Moscow,\" Blinken said.\n\n";
        for sentence in [
            "Critics in Moscow called the new American sanctions \"illegal and doomed to fail\".",
            "Russian state media described the new American sanctions as \"illegal and doomed to fail\".",
            "The ministry's statement called the sanctions \"illegal and doomed to fail\".",
        ] {
            let q = read(&format!("{HEAD}{sentence}\n"));
            let speakers: Vec<_> = q.iter().map(|(_, s)| s.as_deref()).collect();
            assert_eq!(speakers, [Some("Antony Blinken"), None], "{sentence}");
        }
        // A quotation that opens the next paragraph still continues the speaker.
        let q = read(&format!(
            "{HEAD}\"But we will not accept ultimatums from anyone at all.\"\n"
        ));
        let speakers: Vec<_> = q.iter().map(|(_, s)| s.as_deref()).collect();
        assert_eq!(speakers, [Some("Antony Blinken"), Some("Antony Blinken")]);
    }

    #[test]
    fn pronouns_go_to_speakers_met_before() {
        // Guaido is named (and "declared himself" president) between Lavrov and "he said":
        // only someone who spoke is the speaker.
        let t = "Lavrov criticizes Western approach to relations with Washington\n\n“Unfortunately, relations with the United States have not improved,” Russian Foreign Minister Sergey Lavrov said.\n\nIn January, Venezuela’s opposition leader Juan Guaido declared himself acting president, fueling the tension in the country.\n\n“Western partners have actively used all sorts of illegitimate tools against Russia,” he said.\n";
        let q = read(t);
        let speakers: Vec<_> = q.iter().map(|(_, s)| s.as_deref()).collect();
        assert_eq!(speakers, [Some("Sergey Lavrov"), Some("Sergey Lavrov")]);
        // Pompeo is first named in the next paragraph: not the "he" of this one.
        let t = "Moscow talks\n\nThus, he stressed that “the rampant hysteria in the United States leaves little opportunity for a quick return to normality with Russia.”\n\nAs for arms control, the U.S. is seeking broader participation in the talks, Pompeo said.\n";
        assert_eq!(one(t).1, None);
        // A lead quotation, “…,” he said, names its speaker in the next paragraph.
        let t = "National security adviser defends Biden's approach with Putin\n\n\"Our goal at the end of the day is a stable, predictable relationship,\" he said.\n\nNational security adviser Jake Sullivan on Sunday defended the summit, saying Biden heard some important statements.\n";
        assert_eq!(one(t).1.as_deref(), Some("Jake Sullivan"));
    }

    #[test]
    fn interrupted_quote_is_one() {
        let t = format!(
            "{LEAD}“Of course,” Lavrov said, “our relations with the U.S. are undermined.”"
        );
        let (text, speaker) = one(&t);
        assert_eq!(
            text,
            "Of course, our relations with the U.S. are undermined."
        );
        assert_eq!(speaker.as_deref(), Some("Sergey Lavrov"));
    }

    #[test]
    fn dash_attribution_inside_marks_gives_two_quotes() {
        let t = format!("{LEAD}“We are ready for dialogue with Washington – says Lavrov. But not at any price.”");
        let q = read(&t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(
            q.iter().all(|(_, s)| s.as_deref() == Some("Sergey Lavrov")),
            "{q:?}"
        );
    }

    #[test]
    fn colon_in_previous_paragraph() {
        let t = format!("{LEAD}Lavrov said the talks were useful.\n\nHe further stated that,\n\n“those proposals concern strategic stability.”");
        assert_eq!(one(&t).1.as_deref(), Some("Sergey Lavrov"));
    }
}

#[cfg(test)]
mod phase_tests {
    use super::*;

    #[test]
    fn is_quotation_tells_quotations_from_titles_and_scare_quotes() {
        let text = "the hearing titled";
        let source = Text::new(text);
        let toks = tokenize(&source, 0..text.len());
        let windows = |sentence| Windows {
            sentence_start: 0,
            pre: &[],
            sentence,
            post: &[],
        };
        let (after_titled, plain) = (windows(&toks), windows(&[]));
        let long = "we will not accept this";
        // A capitalised name after "titled" is a work's, even with a speech verb near.
        let work = "Planned Parenthood's Taxpayer Funding";
        assert!(!is_quotation(
            work,
            (4, 4),
            false,
            &after_titled,
            true,
            false
        ));
        assert!(is_quotation(work, (4, 4), false, &plain, false, false));
        // A short span counts only with a speech verb, and never when it looks like a title.
        assert!(is_quotation("very bad", (2, 2), false, &plain, true, false));
        assert!(!is_quotation(
            "very bad",
            (2, 2),
            false,
            &plain,
            false,
            false
        ));
        assert!(!is_quotation(
            "Deep State",
            (2, 2),
            false,
            &plain,
            true,
            false
        ));
        // Four words or more are a quotation; in a headline, only with speech or `Name:`.
        assert!(is_quotation(long, (5, 5), false, &plain, false, false));
        assert!(!is_quotation(long, (5, 5), true, &plain, false, false));
        assert!(is_quotation(long, (5, 5), true, &plain, false, true));
    }

    #[test]
    fn headline_lines_are_title_case_lines_and_the_headline_in_any_case() {
        let headline = "Lavrov Delivers a Message to Tillerson: talks must go on";
        assert!(!is_title_case(headline));
        // The article's headline, however it is cased.
        assert!(is_headline_line(headline, 0, Some(0)));
        assert!(is_headline_line(headline, 2, Some(2)));
        // Another line is read as a headline only in Title Case.
        assert!(!is_headline_line(headline, 1, Some(0)));
        assert!(!is_headline_line(headline, 0, None));
        assert!(is_headline_line("Putin Delivers Annual Address", 4, None));
        // A first paragraph taken as the title for want of a headline is prose, not one.
        assert!(!is_headline_line(
            "Lavrov Met Pompeo in Sochi on Tuesday, officials said.",
            0,
            Some(0)
        ));
    }

    #[test]
    fn sentences_end_at_punctuation_and_at_a_quotation_that_ends_one() {
        let text = "He spoke. “We are ready.” Then he left";
        let source = Text::new(text);
        let open = text.find('“').unwrap();
        let close_end = text.find('”').unwrap() + '”'.len_utf8();
        // One paragraph, the whole text.
        let whole = 0..text.len();
        let paras = std::slice::from_ref(&whole);
        let spans = super::super::quotes::find(text, paras);
        assert_eq!((spans[0].open, spans[0].close_end), (open, close_end));
        let merged = merge_interrupted(&source, spans);
        let outside = tokenize_outside(&source, paras, None, &merged);
        let sentences = Sentences::find(text, &merged, &outside);
        assert_eq!(sentences.bounds, [text.find('.').unwrap() + 1, close_end]);
        assert_eq!(sentences.para.len(), 1);
        assert_eq!(sentences.para[0], 0..2);
    }
}
