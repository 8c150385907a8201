//! Does a quotation concern the U.S. and Russia, their leaders or their dealings?
//!
//! A transparent rule over mention lexicons, meant to be compared later with a trained
//! model:
//! 1. the quote names both sides, the speaker's other side, or the relationship itself
//!    ("bilateral", "our two countries", talks and dialogue) → relevant;
//! 2. the quote names one side and no third country → relevant;
//! 3. a side's official condemning coercion (threats, force, sanctions) against a third
//!    country is read as criticism of the other side's policy → relevant;
//! 4. a quote that names nothing takes its subject from the attribution sentence: relevant
//!    unless that sentence is about one side and a third country (Pompeo on Iran).

use std::ops::Range;

pub use super::lexicon::Side;
use super::lexicon::{
    phrase_flag, COERCION, MENTIONS, PAIR_PHRASES, PHRASE, RELATION, RU, RU_LEADER, THIRD, US,
    US_LEADER,
};
use super::tokens::{tokenize, Text, Tok, Tokens, HYPHEN};

/// What a stretch of words mentions: [`US`], [`RU`], [`THIRD`], [`RELATION`] and [`COERCION`]
/// bits (a leader's name counts as their side).
#[derive(Default, Clone, Copy)]
pub(crate) struct Found(u32);

impl Found {
    /// Names a side, a third country or the relationship.
    pub(crate) fn names_anything(self) -> bool {
        self.0 & (US | RU | THIRD | RELATION) != 0
    }
    fn us(self) -> bool {
        self.0 & US != 0
    }
    fn ru(self) -> bool {
        self.0 & RU != 0
    }
    fn third(self) -> bool {
        self.0 & THIRD != 0
    }
    fn coercion(self) -> bool {
        self.0 & COERCION != 0
    }
}

/// The most words in a phrase of `PAIR_PHRASES`.
const PHRASE_WORDS_MAX: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < PAIR_PHRASES.len() {
        if PAIR_PHRASES[i].len() > max {
            max = PAIR_PHRASES[i].len();
        }
        i += 1;
    }
    max
};

/// The phrases of `PAIR_PHRASES` as bits of a mask (bit `i`: phrase `i`).
type PhraseSet = u32;
const _: () = assert!(PAIR_PHRASES.len() <= PhraseSet::BITS as usize);

/// Mentions gathered a token at a time. A phrase is followed as its words come (the phrases
/// whose first `k` words end at the latest token), so nothing is read ahead and no token is
/// kept: a scan can stop right after the token that decides it.
struct Scan {
    found: Found,
    /// Leaders' names count as their sides.
    leaders: bool,
    /// `partial[k - 1]`: the phrases whose first `k` words are the latest tokens.
    partial: [PhraseSet; PHRASE_WORDS_MAX - 1],
}

impl Scan {
    fn new(leaders: bool) -> Self {
        Self {
            found: Found::default(),
            leaders,
            partial: [0; PHRASE_WORDS_MAX - 1],
        }
    }

    /// Adds what the token `t` of `text` mentions, alone or as a phrase's last word.
    // Inlined so that the common test costs no call; the rest stays out of line.
    #[inline(always)]
    fn add(&mut self, text: &str, t: &Tok) {
        // Most tokens are in no list, continue no phrase and cannot be "US".
        let listed = t.flags & (MENTIONS | US_LEADER | RU_LEADER | HYPHEN | PHRASE) != 0;
        let maybe_us = t.cap && t.end - t.start == 2;
        if listed || maybe_us || self.partial != [0; PHRASE_WORDS_MAX - 1] {
            self.add_listed(text, t);
        }
    }

    /// [`Self::add`] of a token that may count.
    #[inline(never)]
    fn add_listed(&mut self, text: &str, t: &Tok) {
        if t.word {
            self.found.0 |= mentions(text, t, self.leaders);
        }
        if self.partial == [0; PHRASE_WORDS_MAX - 1] && t.flags & PHRASE == 0 {
            return;
        }
        let mut next = [0; PHRASE_WORDS_MAX - 1];
        // Phrases whose first `k` words came last: does `t` continue (or end) them?
        for k in 1..PHRASE_WORDS_MAX {
            let mut set = self.partial[k - 1];
            while set != 0 {
                let i = set.trailing_zeros() as usize;
                set &= set - 1;
                let phrase = PAIR_PHRASES[i];
                if phrase[k] != t.norm {
                    continue;
                }
                if k + 1 == phrase.len() {
                    self.found.0 |= phrase_flag(phrase);
                } else {
                    next[k] |= 1 << i;
                }
            }
        }
        // Phrases that `t` starts (the lexicon flags their first words).
        if t.word && t.flags & PHRASE != 0 {
            for (i, phrase) in PAIR_PHRASES.iter().enumerate() {
                if phrase[0] == t.norm {
                    next[0] |= 1 << i;
                }
            }
        }
        self.partial = next;
    }
}

/// The [`Found`] bits of a word token on its own.
fn mentions(text: &str, t: &Tok, leaders: bool) -> u32 {
    let flags = t.flags;
    let mut bits = flags & MENTIONS;
    if leaders {
        if flags & US_LEADER != 0 {
            bits |= US;
        }
        if flags & RU_LEADER != 0 {
            bits |= RU;
        }
    }
    // "US" in capitals is the country; "us" is the pronoun.
    if t.end - t.start == 2 && &text[t.start..t.end] == "US" && t.norm == "us" {
        bits |= US;
    }
    if flags & HYPHEN != 0 {
        let w = t.norm;
        if w.starts_with("u.s.-") || w.ends_with("-american") || w.starts_with("us-") {
            bits |= US;
        }
        if w.starts_with("russian-") || w.ends_with("-russian") || w.ends_with("-russia") {
            bits |= RU;
        }
    }
    bits
}

/// Scans tokens of `text` (their offsets index it), the `parts` read as one list; `leaders`
/// counts leaders' names as sides.
pub(crate) fn scan(text: &str, parts: &[&[Tok]], leaders: bool) -> Found {
    let mut s = Scan::new(leaders);
    for part in parts {
        for t in *part {
            s.add(text, t);
        }
    }
    s.found
}

/// [`scan`] with leaders of a quotation's content (`segments` of `text`), tokenizing it only
/// until the rule's answer is known: once both sides, the relationship or the speaker's
/// other side are named, the rest of the quotation cannot change it.
pub(crate) fn scan_quote(text: &Text, segments: &[Range<usize>], speaker: Side) -> Found {
    let mut s = Scan::new(true);
    for seg in segments {
        for t in Tokens::new(text, seg.clone()) {
            let before = s.found.0;
            s.add(text.raw(), &t);
            if s.found.0 != before && s.found.settles(speaker) {
                return s.found;
            }
        }
    }
    s.found
}

impl Found {
    /// The rule's first case: relevant whatever else the quotation names (mentions are only
    /// ever added).
    fn settles(self, speaker: Side) -> bool {
        let other_side = match speaker {
            Side::Us => RU,
            Side::Ru => US,
            Side::Unknown => 0,
        };
        self.0 & (US | RU) == US | RU || self.0 & (RELATION | other_side) != 0
    }
}

/// Applies the rule above to a quote, the non-quoted words of its attribution sentence,
/// and the speaker's side.
pub fn is_relevant(quote: &str, context: &str, speaker: Side) -> bool {
    let quote_text = Text::new(quote);
    let found = scan(quote, &[&tokenize(&quote_text, 0..quote.len())], true);
    let context_found = || {
        let context_text = Text::new(context);
        scan(
            context,
            &[&tokenize(&context_text, 0..context.len())],
            false,
        )
    };
    rule(quote, found, context_found, speaker)
}

/// The rule itself, given what the quote mentions (`q`) and, when needed, what its context
/// mentions.
pub(crate) fn rule(quote: &str, q: Found, context: impl FnOnce() -> Found, speaker: Side) -> bool {
    if q.settles(speaker) {
        return true;
    }
    if (q.us() || q.ru()) && !q.third() {
        return true;
    }
    if q.third() && q.coercion() && speaker != Side::Unknown {
        return !has_we(quote);
    }
    if q.us() || q.ru() || q.third() {
        return false;
    }
    let c = context();
    c.us() && c.ru() || !c.third()
}

/// True when "we" or "We" is one of the words of `s` (runs of letters and digits).
fn has_we(s: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    memchr::memchr2_iter(b'w', b'W', s.as_bytes()).any(|i| {
        s.as_bytes().get(i + 1) == Some(&b'e')
            && !alnum(s[..i].chars().next_back())
            && !alnum(s[i + 2..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_found_across_parts_and_not_across_words() {
        let found = |s: &str, cut: usize| {
            let t = Text::new(s);
            let toks = tokenize(&t, 0..s.len());
            scan(s, &[&toks[..cut], &toks[cut..]], false).0
        };
        assert_eq!(found("the United States", 2), US);
        assert_eq!(found("an exchange of views", 3), RELATION);
        assert_eq!(found("our two countries", 1), RELATION);
        assert_eq!(found("exchange of the views", 2), 0);
        assert_eq!(found("two, countries", 1), 0);
        assert_eq!(found("US us", 1), US);
        assert_eq!(found("us", 0), 0);
    }

    #[test]
    fn has_we_is_a_word_test() {
        for s in [
            "",
            "we",
            "We",
            "WE",
            "we're",
            "so we",
            "wee",
            "awe",
            "éwe",
            "weé",
            "we\u{300}",
            "x,we.",
            "W",
            "ww we",
            "wwe we",
        ] {
            let want = s
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "we" || w == "We");
            assert_eq!(has_we(s), want, "{s:?}");
        }
    }

    #[test]
    fn rule_cases() {
        assert!(is_relevant(
            "Our relations with the U.S. are undermined.",
            "",
            Side::Ru
        ));
        assert!(!is_relevant(
            "We fundamentally do not seek a war with Iran.",
            "he added",
            Side::Us
        ));
        assert!(is_relevant(
            "Democracy is not established by force. The threats against the Maduro government have nothing to do with democracy,",
            "he said",
            Side::Ru
        ));
        assert!(!is_relevant(
            "ready to return to the ranks of the responsible nations",
            "Pompeo said the U.S. will continue to apply pressure on Iran until its leadership is",
            Side::Us
        ));
        assert!(is_relevant(
            "We are prepared for that job,",
            "the Russian minister said",
            Side::Ru
        ));
    }
}
