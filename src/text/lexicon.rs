//! Tone lexicons as features: phrases with a polarity, matched on stemmed words, each hit
//! emitted as a marker term (`~vader+`, `~dip-`, `~dip:threat`) that goes through TF-IDF and
//! gets a weight of its own like any other term.
//!
//! Why markers rather than a dense score column: the model stays one sparse TF-IDF matrix, the
//! markers' weights are learned (so a lexicon that does not fit the domain costs little), and
//! `explain` can show the words that fired them.
//!
//! Matching runs on its own token stream — tokenizer → lowercase → Snowball stem → negation
//! scope, stop words kept, so that phrases such as "ready to" or "step in the right direction"
//! match — and takes the longest phrase at each word, left to right, without overlaps. A hit
//! inside a negation scope ("we do *not* see any readiness") counts with the opposite polarity,
//! as VADER does. The phrases are stemmed by the same chain when a lexicon is built, so
//! "accuse" matches "accused" and "accusations".
//!
//! Two lexicons are built into the binary:
//! - `vader`: the lexicon of VADER (Hutto & Gilbert 2014, MIT licence; `data/lexicon/`), 7,500
//!   words and emoticons rated −4…+4; a hit emits its polarity marker round(|valence|) times
//!   (at least once, at most 4), so strong words weigh more under sublinear tf.
//! - `diplomatic`: this project's phrases of diplomatic and political-news language
//!   (`data/lexicon/diplomatic.csv`, provenance in `data/lexicon/README.md`): readiness,
//!   dialogue, respect … against accusation, threat, hysteria, dead end …; a hit emits its
//!   polarity marker and, outside a negation, its category marker.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::filters::{ends_scope, is_negation, LowerCaser, Stemmer};
use super::token::{Span, Token, TokenStream};
use super::tokenize::WordTokenizer;
use crate::data::hex;
use crate::{Error, Result};

/// First character of every lexicon marker term: no word, n-gram, character n-gram (`#`) or
/// mention-context term (`@`) starts with it.
pub const LEXICON_PREFIX: char = '~';

/// The most marker copies one VADER hit emits.
const MAX_VADER_COPIES: f64 = 4.0;

/// A lexicon built into tonetrack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LexiconName {
    /// VADER's sentiment lexicon (MIT).
    Vader,
    /// tonetrack's diplomatic phrases.
    Diplomatic,
}

impl LexiconName {
    /// Every built-in lexicon.
    pub const ALL: [LexiconName; 2] = [LexiconName::Vader, LexiconName::Diplomatic];

    /// The name used on the command line, in model files and in marker terms.
    pub fn as_str(self) -> &'static str {
        match self {
            LexiconName::Vader => "vader",
            LexiconName::Diplomatic => "diplomatic",
        }
    }

    /// The short name inside marker terms.
    fn marker_stem(self) -> &'static str {
        match self {
            LexiconName::Vader => "vader",
            LexiconName::Diplomatic => "dip",
        }
    }

    /// The file as shipped in `data/lexicon/`.
    fn source(self) -> &'static str {
        match self {
            LexiconName::Vader => include_str!("../../data/lexicon/vader_lexicon.txt"),
            LexiconName::Diplomatic => include_str!("../../data/lexicon/diplomatic.csv"),
        }
    }

    /// The built lexicon (parsed and stemmed once per process).
    pub fn lexicon(self) -> &'static Lexicon {
        static VADER: OnceLock<Lexicon> = OnceLock::new();
        static DIPLOMATIC: OnceLock<Lexicon> = OnceLock::new();
        let cell = match self {
            LexiconName::Vader => &VADER,
            LexiconName::Diplomatic => &DIPLOMATIC,
        };
        cell.get_or_init(|| {
            let parsed = match self {
                LexiconName::Vader => parse_vader(self.source()),
                LexiconName::Diplomatic => parse_diplomatic(self.source()),
            };
            // The shipped files are checked by this module's tests; a failure here is a
            // build from edited data, which must not go unnoticed.
            let entries = parsed.unwrap_or_else(|e| panic!("built-in lexicon {self}: {e}"));
            Lexicon::new(self, entries)
        })
    }

    /// SHA-256 of the shipped file, recorded in model files so that a model is never scored
    /// with a lexicon other than the one it was trained with.
    pub fn sha256(self) -> &'static str {
        static VADER: OnceLock<String> = OnceLock::new();
        static DIPLOMATIC: OnceLock<String> = OnceLock::new();
        let cell = match self {
            LexiconName::Vader => &VADER,
            LexiconName::Diplomatic => &DIPLOMATIC,
        };
        cell.get_or_init(|| hex(&Sha256::digest(self.source().as_bytes())))
    }
}

impl fmt::Display for LexiconName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LexiconName {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        LexiconName::ALL
            .into_iter()
            .find(|l| l.as_str() == s.trim())
            .ok_or_else(|| {
                Error::InvalidParams(format!(
                    "unknown lexicon `{s}`; the built-in lexicons are: {}",
                    LexiconName::ALL.map(LexiconName::as_str).join(", ")
                ))
            })
    }
}

/// A lexicon as an analyzer configuration names it: which one, and the SHA-256 of its file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconRef {
    /// The built-in lexicon.
    pub name: LexiconName,
    /// SHA-256 of its file when the model was trained.
    pub sha256: String,
}

impl LexiconRef {
    /// The lexicon as this build ships it.
    pub fn current(name: LexiconName) -> LexiconRef {
        LexiconRef {
            name,
            sha256: name.sha256().to_string(),
        }
    }

    /// The built lexicon, if this build ships the same file the reference was made with.
    pub fn resolve(&self) -> Result<&'static Lexicon> {
        let shipped = self.name.sha256();
        if shipped != self.sha256 {
            return Err(Error::InvalidParams(format!(
                "the model was trained with another version of the `{}` lexicon \
                 (SHA-256 {}…, this tonetrack ships {}…): score it with the tonetrack \
                 version that trained it, or train it again",
                self.name,
                &self.sha256[..self.sha256.len().min(12)],
                &shipped[..12]
            )));
        }
        Ok(self.name.lexicon())
    }
}

/// Tone of a lexicon entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Polarity {
    /// Toward good relations.
    Positive,
    /// Toward bad relations.
    Negative,
}

impl Polarity {
    fn flipped(self) -> Polarity {
        match self {
            Polarity::Positive => Polarity::Negative,
            Polarity::Negative => Polarity::Positive,
        }
    }

    fn sign(self) -> char {
        match self {
            Polarity::Positive => '+',
            Polarity::Negative => '-',
        }
    }
}

/// One phrase of a lexicon file, before stemming.
#[derive(Clone, Debug, PartialEq)]
pub struct RawEntry {
    /// The phrase as written.
    pub phrase: String,
    /// The entry's polarity.
    pub polarity: Polarity,
    /// How many times a hit emits the polarity marker.
    pub copies: u8,
    /// The category marker a hit emits (outside a negation scope), if any.
    pub category: Option<String>,
}

/// An entry, stemmed.
#[derive(Clone, Debug)]
struct Entry {
    /// Stems of the phrase's words after the first.
    rest: Vec<String>,
    polarity: Polarity,
    copies: u8,
    category: Option<String>,
}

/// A built lexicon: entries keyed by their first stem, longest phrases first. Two lexicons
/// are equal when they are the same built-in one.
#[derive(Debug)]
pub struct Lexicon {
    name: LexiconName,
    by_first: FxHashMap<String, Vec<Entry>>,
    len: usize,
}

impl PartialEq for Lexicon {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Lexicon {}

/// One lexicon hit in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit<'a> {
    /// Byte span of the matched words in the source text.
    pub start: usize,
    /// Byte offset of the hit's end.
    pub end: usize,
    /// Polarity after negation.
    pub polarity: Polarity,
    /// Whether the phrase was inside a negation scope.
    pub negated: bool,
    /// Marker copies of the polarity.
    pub copies: u8,
    /// Category marker, if any (none inside a negation).
    pub category: Option<&'a str>,
}

impl Lexicon {
    /// Stems every phrase with the analyzer's chain. Phrases that stem to the same words are
    /// merged: the first one's polarity and category, the mean of their copies (VADER lists
    /// "abandon" and "abandoned" apart).
    pub fn new(name: LexiconName, entries: Vec<RawEntry>) -> Lexicon {
        // (stems) → (polarity, copies sum, count, category), in first-seen order.
        let mut merged: Vec<(Vec<String>, RawEntry, f64, usize)> = Vec::new();
        let mut index: HashMap<Vec<String>, usize> = HashMap::new();
        for entry in entries {
            let stems = stems(&entry.phrase);
            if stems.is_empty() {
                continue; // emoticons and other non-words: the tokenizer never yields them
            }
            match index.get(&stems) {
                Some(&i) => {
                    merged[i].2 += f64::from(entry.copies);
                    merged[i].3 += 1;
                }
                None => {
                    index.insert(stems.clone(), merged.len());
                    let copies = f64::from(entry.copies);
                    merged.push((stems, entry, copies, 1));
                }
            }
        }
        let mut by_first: FxHashMap<String, Vec<Entry>> = FxHashMap::default();
        let len = merged.len();
        for (mut stems, raw, copies, count) in merged {
            let rest = stems.split_off(1);
            by_first
                .entry(stems.pop().unwrap_or_default())
                .or_default()
                .push(Entry {
                    rest,
                    polarity: raw.polarity,
                    copies: (copies / count as f64).round().clamp(1.0, 255.0) as u8,
                    category: raw.category,
                });
        }
        for entries in by_first.values_mut() {
            // Longest first, so that the first match at a word is the longest; then by words,
            // so that the order does not depend on the hash map.
            entries.sort_by(|a, b| b.rest.len().cmp(&a.rest.len()).then(a.rest.cmp(&b.rest)));
        }
        Lexicon {
            name,
            by_first,
            len,
        }
    }

    /// Which lexicon this is.
    pub fn name(&self) -> LexiconName {
        self.name
    }

    /// Number of distinct stemmed phrases.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no phrase.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The hits in `text`, left to right, longest phrase first, without overlaps.
    ///
    /// Negation: a negation word ("not", "never", "n't", …) opens a scope that ends at the
    /// next clause punctuation, and a phrase starting inside it counts with the opposite
    /// polarity. A phrase that contains a negation itself ("no evidence", "not trust") is
    /// matched whole, counts as written and opens no scope; a one-word entry that is a
    /// negation ("never") counts and still opens one.
    pub fn hits(&self, text: &str) -> Vec<Hit<'_>> {
        let mut words = MatchWords::default();
        words.read(text);
        let mut hits = Vec::new();
        self.hits_in(&words, &mut |hit| hits.push(hit));
        hits
    }

    /// [`hits`](Self::hits) in words already read, each handed to `found`.
    fn hits_in<'s>(&'s self, words: &MatchWords, hit_found: &mut impl FnMut(Hit<'s>)) {
        let words = words.words();
        let mut in_scope = false;
        let mut i = 0;
        while i < words.len() {
            if words[i].clause_break {
                in_scope = false;
            }
            let found = self.by_first.get(&words[i].stem).and_then(|entries| {
                entries.iter().find(|e| {
                    e.rest.len() < words.len() - i
                        && e.rest
                            .iter()
                            .zip(&words[i + 1..])
                            .all(|(stem, word)| *stem == word.stem)
                })
            });
            let Some(entry) = found else {
                in_scope |= words[i].negation;
                i += 1;
                continue;
            };
            let phrase = &words[i..=i + entry.rest.len()];
            let holds_negation = phrase.iter().any(|w| w.negation);
            let negated = in_scope && !holds_negation;
            hit_found(Hit {
                start: phrase[0].start,
                end: phrase[phrase.len() - 1].end,
                polarity: if negated {
                    entry.polarity.flipped()
                } else {
                    entry.polarity
                },
                negated,
                copies: entry.copies,
                category: if negated {
                    None
                } else {
                    entry.category.as_deref()
                },
            });
            if phrase[1..].iter().any(|w| w.clause_break) {
                in_scope = false;
            }
            if phrase.len() == 1 && holds_negation {
                in_scope = true;
            }
            i += phrase.len();
        }
    }

    /// Calls `emit` with each marker term of `text` and the byte span of the words behind it.
    pub fn for_each_marker(
        &self,
        text: &str,
        term: &mut String,
        emit: &mut impl FnMut(&str, Span),
    ) {
        let mut words = MatchWords::default();
        words.read(text);
        self.markers_in(&words, term, emit);
    }

    /// [`for_each_marker`](Self::for_each_marker) in words already read (several lexicons
    /// share one reading of a text).
    pub fn markers_in(
        &self,
        words: &MatchWords,
        term: &mut String,
        emit: &mut impl FnMut(&str, Span),
    ) {
        let stem = self.name.marker_stem();
        self.hits_in(words, &mut |hit| {
            let span = Span {
                start: hit.start,
                end: hit.end,
            };
            term.clear();
            term.push(LEXICON_PREFIX);
            term.push_str(stem);
            term.push(hit.polarity.sign());
            for _ in 0..hit.copies {
                emit(term, span);
            }
            if let Some(category) = hit.category {
                term.clear();
                term.push(LEXICON_PREFIX);
                term.push_str(stem);
                term.push(':');
                term.push_str(category);
                emit(term, span);
            }
        });
    }
}

/// Whether a term is a lexicon marker.
pub fn is_marker(term: &str) -> bool {
    term.starts_with(LEXICON_PREFIX)
}

/// A word as lexicons are matched on it.
#[derive(Default)]
struct MatchWord {
    /// Lowercased and stemmed (negation words are not stemmed).
    stem: String,
    start: usize,
    end: usize,
    /// Whether it is a negation word.
    negation: bool,
    /// Whether clause punctuation stands between it and the previous word.
    clause_break: bool,
}

/// The words of a text as lexicons match them: tokenizer → lowercase → stem, with the
/// negation facts the matcher needs (the chain's own
/// [`NegationScope`](super::filters::NegationScope) would prefix words, and could not tell a
/// negation inside a phrase from one before it). Read once per text for every lexicon; the
/// buffers are kept for the next text.
#[derive(Default)]
pub struct MatchWords {
    words: Vec<MatchWord>,
    len: usize,
}

impl MatchWords {
    /// Reads `text`, replacing the words of the previous one.
    pub fn read(&mut self, text: &str) {
        let mut stream = Stemmer::new(LowerCaser::new(WordTokenizer::new(text)));
        self.clear();
        while stream.advance() {
            self.push(text, stream.token());
        }
    }

    /// Forgets the words of the previous text.
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Adds the next word of `text`, lowercased and stemmed: what [`read`](Self::read) does
    /// with each word, for a reader that tokenizes the text itself.
    pub(crate) fn push(&mut self, text: &str, token: &Token) {
        let previous_end = self.words().last().map_or(0, |w| w.end);
        if self.len == self.words.len() {
            self.words.push(MatchWord::default());
        }
        let word = &mut self.words[self.len];
        let gap = text.get(previous_end..token.start).unwrap_or_default();
        word.negation = is_negation(&token.text);
        word.clause_break = gap.contains(ends_scope);
        word.stem.clear();
        word.stem.push_str(&token.text);
        word.start = token.start;
        word.end = token.end;
        self.len += 1;
    }

    fn words(&self) -> &[MatchWord] {
        &self.words[..self.len]
    }
}

/// The stems of a phrase, as the matcher sees words (without negation marks).
fn stems(phrase: &str) -> Vec<String> {
    let mut stream = Stemmer::new(LowerCaser::new(WordTokenizer::new(phrase)));
    let mut stems = Vec::new();
    while stream.advance() {
        stems.push(stream.token().text.clone());
    }
    stems
}

/// VADER's `vader_lexicon.txt`: `token<TAB>mean valence<TAB>sd<TAB>ratings`, one per line.
pub fn parse_vader(source: &str) -> Result<Vec<RawEntry>> {
    let mut entries = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(phrase), Some(valence)) = (fields.next(), fields.next()) else {
            return Err(Error::Data(format!(
                "vader_lexicon.txt:{}: expected `word<TAB>valence…`",
                i + 1
            )));
        };
        let valence: f64 = valence.trim().parse().map_err(|_| {
            Error::Data(format!(
                "vader_lexicon.txt:{}: valence {valence:?} is not a number",
                i + 1
            ))
        })?;
        if valence == 0.0 || !valence.is_finite() {
            continue;
        }
        entries.push(RawEntry {
            phrase: phrase.to_string(),
            polarity: if valence > 0.0 {
                Polarity::Positive
            } else {
                Polarity::Negative
            },
            copies: valence.abs().round().clamp(1.0, MAX_VADER_COPIES) as u8,
            category: None,
        });
    }
    Ok(entries)
}

/// `diplomatic.csv`: `phrase,polarity,category,note`.
pub fn parse_diplomatic(source: &str) -> Result<Vec<RawEntry>> {
    let mut reader = csv::Reader::from_reader(source.as_bytes());
    let mut entries = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| Error::Data(format!("diplomatic.csv:{line}: {e}")))?;
        let field = |k: usize| record.get(k).unwrap_or("").trim();
        let polarity = match field(1) {
            "positive" => Polarity::Positive,
            "negative" => Polarity::Negative,
            other => {
                return Err(Error::Data(format!(
                    "diplomatic.csv:{line}: polarity {other:?} is neither positive nor negative"
                )))
            }
        };
        let category = field(2);
        if category.is_empty() || !category.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(Error::Data(format!(
                "diplomatic.csv:{line}: category {category:?} must be lowercase letters and _"
            )));
        }
        if field(0).is_empty() {
            return Err(Error::Data(format!("diplomatic.csv:{line}: empty phrase")));
        }
        entries.push(RawEntry {
            phrase: field(0).to_string(),
            polarity,
            copies: 1,
            category: Some(category.to_string()),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markers(name: LexiconName, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut term = String::new();
        name.lexicon()
            .for_each_marker(text, &mut term, &mut |t, _| out.push(t.to_string()));
        out
    }

    #[test]
    fn shipped_lexicons_parse_and_are_not_empty() {
        let n = LexiconName::Vader.lexicon().len();
        // 7,520 lines, ~230 of them emoticons; inflections of one word share a stem.
        assert!((3000..4000).contains(&n), "{n}");
        assert!(!LexiconName::Diplomatic.lexicon().is_empty());
    }

    #[test]
    fn vader_hits_carry_their_strength_and_flip_under_negation() {
        // "hate" is −2.7 in VADER: three copies; "good" +1.9: two.
        assert_eq!(markers(LexiconName::Vader, "I hate it"), ["~vader-"; 3]);
        assert_eq!(markers(LexiconName::Vader, "a good deal"), ["~vader+"; 2]);
        assert_eq!(
            markers(LexiconName::Vader, "not a good deal"),
            ["~vader-"; 2]
        );
        // The scope ends at punctuation.
        assert_eq!(
            markers(LexiconName::Vader, "not now, a good deal"),
            ["~vader+"; 2]
        );
    }

    #[test]
    fn a_phrase_holding_a_negation_counts_as_written_and_opens_no_scope() {
        let lexicon = LexiconName::Diplomatic.lexicon();
        let text = "There is no evidence, and we see no alternative to dialogue with Washington";
        let hits = lexicon.hits(text);
        let found: Vec<(&str, Polarity, bool)> = hits
            .iter()
            .map(|h| (&text[h.start..h.end], h.polarity, h.negated))
            .collect();
        assert_eq!(
            found,
            [
                ("no evidence", Polarity::Negative, false),
                ("no alternative to dialogue", Polarity::Positive, false)
            ]
        );
        // "never" counts, and flips what follows it in the clause.
        let text = "We will never accept a constructive deal";
        let polarities: Vec<Polarity> = lexicon.hits(text).iter().map(|h| h.polarity).collect();
        assert_eq!(polarities[0], Polarity::Negative);
        assert!(
            lexicon.hits(text)[1..].iter().all(|h| h.negated),
            "{:?}",
            lexicon.hits(text)
        );
    }

    #[test]
    fn phrases_match_stemmed_words_with_stop_words_inside() {
        let lexicon = LexiconName::Diplomatic.lexicon();
        let text = "We are Ready to talk; this is a dead end. They accused us.";
        let hits = lexicon.hits(text);
        let spans: Vec<&str> = hits.iter().map(|h| &text[h.start..h.end]).collect();
        assert_eq!(spans, ["Ready to", "dead end", "accused"]);
        assert_eq!(
            markers(LexiconName::Diplomatic, "a dead end"),
            ["~dip-", "~dip:dead_end"]
        );
        // Negated: the polarity flips and the category is not claimed.
        assert_eq!(
            markers(LexiconName::Diplomatic, "we are not ready to talk"),
            ["~dip-"]
        );
    }

    #[test]
    fn names_parse_and_unknown_names_list_the_known_ones() {
        assert_eq!("vader".parse::<LexiconName>().unwrap(), LexiconName::Vader);
        let err = "afinn".parse::<LexiconName>().unwrap_err().to_string();
        assert!(err.contains("vader, diplomatic"), "{err}");
    }

    #[test]
    fn a_reference_to_another_lexicon_version_is_refused() {
        let mut stale = LexiconRef::current(LexiconName::Vader);
        assert!(stale.resolve().is_ok());
        stale.sha256 = "0".repeat(64);
        let err = stale.resolve().unwrap_err().to_string();
        assert!(
            err.contains("another version of the `vader` lexicon"),
            "{err}"
        );
    }

    #[test]
    fn bad_diplomatic_rows_are_named_by_line() {
        let err =
            parse_diplomatic("phrase,polarity,category,note\nok,positive,dialogue,\nbad,good,x,\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("diplomatic.csv:3"), "{err}");
    }
}
