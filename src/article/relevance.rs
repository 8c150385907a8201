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

pub use super::speakers::Side;
use super::tokens::{tokenize, Text, Tok, HYPHEN};

const US_WORDS: &[&str] = &[
    "u.s.",
    "usa",
    "america",
    "american",
    "americans",
    "washington",
    "pentagon",
    "congress",
    "nato",
    "west",
    "western",
];
const RU_WORDS: &[&str] = &[
    "russia", "russian", "russians", "moscow", "kremlin", "soviet", "ussr",
];
/// Leaders count inside a quotation only: in the attribution sentence they are usually the
/// speaker's own name.
const US_LEADERS: &[&str] = &["trump", "biden", "obama", "bush", "clinton"];
const RU_LEADERS: &[&str] = &["putin", "medvedev", "yeltsin", "gorbachev"];
const THIRD_WORDS: &[&str] = &[
    "iran",
    "iranian",
    "iranians",
    "tehran",
    "venezuela",
    "venezuelan",
    "maduro",
    "syria",
    "syrian",
    "assad",
    "china",
    "chinese",
    "beijing",
    "korea",
    "korean",
    "pyongyang",
    "israel",
    "israeli",
    "gaza",
    "hamas",
    "covid-19",
    "covid",
    "pandemic",
    "coronavirus",
    "afghanistan",
    "taliban",
    "iraq",
    "libya",
    "cuba",
    "turkey",
    "india",
];
const RELATION_WORDS: &[&str] = &[
    "bilateral",
    "relations",
    "relationship",
    "ties",
    "dialogue",
    "talks",
    "summit",
    "counterpart",
    "start",
    "inf",
    "discussed",
    "agreed",
    "détente",
    "detente",
    "rapprochement",
];
const COERCION_WORDS: &[&str] = &[
    "threat",
    "threats",
    "force",
    "sanctions",
    "pressure",
    "interference",
    "interfering",
    "ultimatum",
    "unilateral",
    "illegitimate",
    "aggression",
    "blackmail",
    "meddling",
];
const PAIR_PHRASES: &[&[&str]] = &[
    &["two", "countries"],
    &["both", "countries"],
    &["our", "countries"],
    &["two", "nations"],
    &["two", "powers"],
    &["nuclear", "powers"],
    &["exchange", "of", "views"],
    &["strategic", "stability"],
    &["arms", "control"],
    &["white", "house"],
    &["state", "department"],
    &["united", "states"],
];

/// What a stretch of words mentions.
#[derive(Default)]
pub(crate) struct Found {
    us: bool,
    ru: bool,
    third: bool,
    relation: bool,
    coercion: bool,
}

// Flags of the lexicon (`tokens::Tok::flags`), above the attribution lists' bits.
const US: u32 = 1 << 8;
const RU: u32 = 1 << 9;
const US_LEADER: u32 = 1 << 10;
const RU_LEADER: u32 = 1 << 11;
const THIRD: u32 = 1 << 12;
const RELATION: u32 = 1 << 13;
const COERCION: u32 = 1 << 14;
/// First word of a phrase in `PAIR_PHRASES`.
const PHRASE: u32 = 1 << 15;

/// The mention lists and their flags: the tokenizer's lexicon holds them, so that each
/// token costs one lookup for all word lists.
const MENTION_LISTS: [(&[&str], u32); 7] = [
    (US_WORDS, US),
    (RU_WORDS, RU),
    (US_LEADERS, US_LEADER),
    (RU_LEADERS, RU_LEADER),
    (THIRD_WORDS, THIRD),
    (RELATION_WORDS, RELATION),
    (COERCION_WORDS, COERCION),
];

/// Every word the relevance rule looks up, with its flag: the mention lists and the first
/// word of each phrase of `PAIR_PHRASES`.
pub(crate) fn lexicon_words() -> impl Iterator<Item = (&'static str, u32)> {
    MENTION_LISTS
        .iter()
        .flat_map(|(list, flag)| list.iter().map(move |w| (*w, *flag)))
        .chain(PAIR_PHRASES.iter().map(|phrase| (phrase[0], PHRASE)))
}

/// Scans tokens of `text` (their offsets index it); `leaders` counts leaders' names as sides.
pub(crate) fn scan(text: &str, toks: &[Tok], leaders: bool) -> Found {
    let mut f = Found::default();
    for i in 0..toks.len() {
        scan_token(text, toks, i, leaders, &mut f);
    }
    f
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

/// [`scan`] of a quotation's tokens with `leaders`, reading them from `tokens` (into `buf`)
/// only until the rule's answer is known: once both sides, the relationship or the
/// speaker's other side are named, the rest of the quotation cannot change it.
pub(crate) fn scan_quote<'t>(
    text: &str,
    mut tokens: impl Iterator<Item = Tok<'t>>,
    buf: &mut Vec<Tok<'t>>,
    speaker: Side,
) -> Found {
    buf.clear();
    let mut f = Found::default();
    let mut i = 0;
    loop {
        // A phrase starting at `i` needs the tokens after it.
        while buf.len() < i + PHRASE_WORDS_MAX {
            match tokens.next() {
                Some(t) => buf.push(t),
                None => break,
            }
        }
        if i >= buf.len() {
            return f;
        }
        scan_token(text, buf, i, true, &mut f);
        if f.settles(speaker) {
            return f;
        }
        i += 1;
    }
}

/// Adds what `toks[i]` mentions (alone or as the start of a phrase) to `f`.
fn scan_token(text: &str, toks: &[Tok], i: usize, leaders: bool, f: &mut Found) {
    let t = &toks[i];
    if !t.word {
        return;
    }
    let w = &*t.norm;
    let flags = t.flags;
    // "US" in capitals is the country; "us" is the pronoun.
    let us_caps = w == "us" && &text[t.start..t.end] == "US";
    f.us |= us_caps || flags & US != 0 || (leaders && flags & US_LEADER != 0);
    f.ru |= flags & RU != 0 || (leaders && flags & RU_LEADER != 0);
    if t.has(HYPHEN) {
        f.us |= w.starts_with("u.s.-") || w.ends_with("-american") || w.starts_with("us-");
        f.ru |= w.starts_with("russian-") || w.ends_with("-russian") || w.ends_with("-russia");
    }
    f.third |= flags & THIRD != 0;
    f.relation |= flags & RELATION != 0;
    f.coercion |= flags & COERCION != 0;
    if flags & PHRASE == 0 {
        return;
    }
    for phrase in PAIR_PHRASES {
        let hit = phrase
            .iter()
            .enumerate()
            .all(|(k, p)| toks.get(i + k).is_some_and(|x| x.norm == *p));
        if hit {
            match phrase {
                ["white", "house"] | ["state", "department"] | ["united", "states"] => f.us = true,
                _ => f.relation = true,
            }
        }
    }
}

impl Found {
    /// The rule's first case: relevant whatever else the quotation names (mentions are only
    /// ever added).
    fn settles(&self, speaker: Side) -> bool {
        let other_side = match speaker {
            Side::Us => self.ru,
            Side::Ru => self.us,
            Side::Unknown => false,
        };
        self.us && self.ru || self.relation || other_side
    }
}

/// Applies the rule above to a quote, the non-quoted words of its attribution sentence,
/// and the speaker's side.
pub fn is_relevant(quote: &str, context: &str, speaker: Side) -> bool {
    let quote_text = Text::new(quote);
    let found = scan(quote, &tokenize(&quote_text, 0..quote.len()), true);
    let context_found = || {
        let context_text = Text::new(context);
        scan(context, &tokenize(&context_text, 0..context.len()), false)
    };
    rule(quote, found, context_found, speaker)
}

/// The rule itself, given what the quote mentions (`q`) and, when needed, what its context
/// mentions.
pub(crate) fn rule(quote: &str, q: Found, context: impl FnOnce() -> Found, speaker: Side) -> bool {
    if q.settles(speaker) {
        return true;
    }
    if (q.us || q.ru) && !q.third {
        return true;
    }
    if q.third && q.coercion && speaker != Side::Unknown {
        let first_person = quote
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "we" || w == "We");
        return !first_person;
    }
    if q.us || q.ru || q.third {
        return false;
    }
    let c = context();
    c.us && c.ru || !c.third
}

#[cfg(test)]
mod tests {
    use super::*;

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
