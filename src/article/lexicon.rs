//! The word lists about the two sides and their relationship, once: which words place a
//! person on the U.S. or the Russian side (`speakers`, `cues`), and what a quotation
//! mentions (`relevance`). A leaf: it uses no other module of the reader, so that the
//! tokenizer (which looks every list up in one table), the speaker tables and the relevance
//! rule can all depend on it.
//!
//! The side lists used to exist twice, and disagreed: "soviet" and "ussr" made a quotation
//! relevant but did not place a speaker on a side. Merged, they do both. The U.S.'s camp
//! (Congress, NATO, "the West") stays a relevance list only: "a NATO official" or "Western
//! diplomats" speak about the relationship but not for the United States.

/// Which side of the relationship someone speaks for, as far as the article says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    /// Not said by the article.
    #[default]
    Unknown,
    /// The United States.
    Us,
    /// Russia.
    Ru,
}

/// Words that place a person on the U.S. side (demonyms, capital, institutions), lower-cased.
/// "us" is here only through [`side_of_word`]: in running text it is the pronoun, so the
/// relevance rule counts the capitalised "US" alone.
pub(crate) const US_SIDE_WORDS: &[&str] = &[
    "u.s.",
    "usa",
    "america",
    "american",
    "americans",
    "washington",
    "pentagon",
];

/// Words that place a person on the Russian side.
pub(crate) const RU_SIDE_WORDS: &[&str] = &[
    "russia", "russian", "russians", "moscow", "kremlin", "soviet", "ussr",
];

/// The U.S.'s camp: a quotation naming them is about the U.S. side of the relationship, but
/// they place no speaker on it.
pub(crate) const US_CAMP_WORDS: &[&str] = &["congress", "nato", "west", "western"];

/// The side a single lower-cased word points to.
pub(crate) fn side_of_word(w: &str) -> Side {
    if RU_SIDE_WORDS.contains(&w) {
        Side::Ru
    } else if w == "us" || US_SIDE_WORDS.contains(&w) {
        Side::Us
    } else {
        Side::Unknown
    }
}

/// Leaders count inside a quotation only: in the attribution sentence they are usually the
/// speaker's own name.
pub(crate) const US_LEADERS: &[&str] = &["trump", "biden", "obama", "bush", "clinton"];
pub(crate) const RU_LEADERS: &[&str] = &["putin", "medvedev", "yeltsin", "gorbachev"];
pub(crate) const THIRD_WORDS: &[&str] = &[
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
pub(crate) const RELATION_WORDS: &[&str] = &[
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
pub(crate) const COERCION_WORDS: &[&str] = &[
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
pub(crate) const PAIR_PHRASES: &[&[&str]] = &[
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

// Flags of the mention lists in the tokenizer's lexicon (`tokens::Tok::flags`), bits 8 to
// 15, above the attribution lists' bits.
/// A U.S. word ([`US_SIDE_WORDS`], [`US_CAMP_WORDS`], and the phrases for it).
pub(crate) const US: u32 = 1 << 8;
/// A Russian word ([`RU_SIDE_WORDS`]).
pub(crate) const RU: u32 = 1 << 9;
/// [`US_LEADERS`].
pub(crate) const US_LEADER: u32 = 1 << 10;
/// [`RU_LEADERS`].
pub(crate) const RU_LEADER: u32 = 1 << 11;
/// [`THIRD_WORDS`].
pub(crate) const THIRD: u32 = 1 << 12;
/// [`RELATION_WORDS`] and the relationship's phrases.
pub(crate) const RELATION: u32 = 1 << 13;
/// [`COERCION_WORDS`].
pub(crate) const COERCION: u32 = 1 << 14;
/// First word of a phrase in [`PAIR_PHRASES`].
pub(crate) const PHRASE: u32 = 1 << 15;
/// The lists a token's flags count as mentions as they are.
pub(crate) const MENTIONS: u32 = US | RU | THIRD | RELATION | COERCION;

/// The mention lists and their flags.
const MENTION_LISTS: [(&[&str], u32); 8] = [
    (US_SIDE_WORDS, US),
    (US_CAMP_WORDS, US),
    (RU_SIDE_WORDS, RU),
    (US_LEADERS, US_LEADER),
    (RU_LEADERS, RU_LEADER),
    (THIRD_WORDS, THIRD),
    (RELATION_WORDS, RELATION),
    (COERCION_WORDS, COERCION),
];

/// Every word the relevance rule looks up, with its flag: the mention lists and the first
/// word of each phrase of [`PAIR_PHRASES`]. The tokenizer's lexicon holds them, so that each
/// token costs one lookup for all word lists.
pub(crate) fn mention_words() -> impl Iterator<Item = (&'static str, u32)> {
    MENTION_LISTS
        .iter()
        .flat_map(|(list, flag)| list.iter().map(move |w| (*w, *flag)))
        .chain(PAIR_PHRASES.iter().map(|phrase| (phrase[0], PHRASE)))
}

/// What a finished phrase of [`PAIR_PHRASES`] mentions: the U.S. for its institutions and
/// name, the relationship for the others.
pub(crate) fn phrase_flag(phrase: &[&str]) -> u32 {
    match phrase {
        ["white", "house"] | ["state", "department"] | ["united", "states"] => US,
        _ => RELATION,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_words_place_a_speaker() {
        assert_eq!(side_of_word("kremlin"), Side::Ru);
        assert_eq!(side_of_word("soviet"), Side::Ru);
        assert_eq!(side_of_word("u.s."), Side::Us);
        assert_eq!(side_of_word("us"), Side::Us);
        // The camp is about the U.S. side, but speaks for no side.
        assert_eq!(side_of_word("nato"), Side::Unknown);
        assert_eq!(side_of_word("western"), Side::Unknown);
        assert_eq!(
            side_of_word("Kremlin"),
            Side::Unknown,
            "lower-cased words only"
        );
    }

    #[test]
    fn every_side_word_is_a_mention_of_its_side() {
        let flag = |w: &str| {
            mention_words()
                .filter(|(x, _)| *x == w)
                .fold(0, |acc, (_, f)| acc | f)
        };
        for w in US_SIDE_WORDS.iter().chain(US_CAMP_WORDS) {
            assert_ne!(flag(w) & US, 0, "{w}");
        }
        for w in RU_SIDE_WORDS {
            assert_ne!(flag(w) & RU, 0, "{w}");
        }
        assert_eq!(flag("us"), 0, "the pronoun is no mention");
    }

    #[test]
    fn lists_hold_each_word_once_and_lower_cased() {
        let mut seen = std::collections::HashSet::new();
        for (list, _) in MENTION_LISTS {
            for w in list {
                assert_eq!(*w, w.to_lowercase(), "{w}");
                assert!(seen.insert(*w), "{w} is in two mention lists");
            }
        }
        for phrase in PAIR_PHRASES {
            assert!(phrase.len() >= 2, "{phrase:?}");
        }
    }
}
