//! Reading news articles: title, date, and every direct quotation with its speaker.
//!
//! [`Reader::read`] turns raw article text into an [`Article`]; [`Article::records`] flattens
//! it into [`QuoteRecord`]s, the rows `quotes` writes and `score` adds the tone to. Inside,
//! one file per step: `quotes` finds the quotation spans (curly/straight marks,
//! multi-paragraph, nested, reversed), `speakers` keeps the alias table and the people and
//! titles of an article, `cues` attributes each quotation ("Lavrov said", "he added", "the
//! diplomat noted"), [`dates`] finds the date and says where it came from, [`relevance`]
//! decides whether a quotation concerns U.S.–Russia relations, and [`source`] turns paths
//! into texts.
//!
//! Reading is linear in the text: each paragraph is tokenized once and each quotation looks
//! at a bounded window around it.
//!
//! The modules depend on each other one way only: each uses only modules listed above it
//! (the shared types [`Quote`], [`Article`], … live here, in `mod.rs`):
//!
//! ```text
//! lexicon                   the word lists about the two sides and their relationship (a leaf)
//! tokens    -> lexicon
//! quotes    -> tokens
//! relevance -> tokens, lexicon
//! speakers  -> tokens, lexicon
//! cues      -> speakers, relevance, quotes, tokens, lexicon
//! dates     -> quotes
//! html      -> dates
//! source    -> html
//! language, wrap            (leaves)
//! reader    -> cues, speakers, quotes, dates, source, language, wrap
//! ```

mod cues;
pub mod dates;
pub mod html;
pub mod language;
mod lexicon;
mod quotes;
mod reader;
pub mod relevance;
pub mod source;
mod speakers;
mod tokens;
mod wrap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use dates::{DateManifest, DateSource};
pub use language::Language;
pub(crate) use quotes::is_collapsed;
pub use reader::Reader;
pub use source::{decode, expand_paths, expand_paths_with, read_input, Input, Loaded, PageMeta};
pub use speakers::SpeakerAliases;

/// What kind of source a quotation is attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerKind {
    /// A named person.
    Person,
    /// An organisation speaking as such ("the State Department said").
    Organisation,
    /// A source the article does not name ("a senior official"); the speaker is the
    /// article's phrase followed by ` (unnamed)`.
    Unnamed,
    /// Nobody: the text names no one, or the evidence was too weak to choose.
    #[default]
    None,
}

impl SpeakerKind {
    /// The name used in output: `person`, `organisation`, `unnamed`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerKind::Person => "person",
            SpeakerKind::Organisation => "organisation",
            SpeakerKind::Unnamed => "unnamed",
            SpeakerKind::None => "none",
        }
    }

    /// The kind of an output name ([`as_str`](Self::as_str)); `None` for any other text.
    pub fn from_name(name: &str) -> Option<SpeakerKind> {
        [
            SpeakerKind::Person,
            SpeakerKind::Organisation,
            SpeakerKind::Unnamed,
            SpeakerKind::None,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }

    /// A person or an organisation: someone whose trend can be followed (an unnamed source
    /// or nobody is not).
    pub fn is_named(self) -> bool {
        matches!(self, SpeakerKind::Person | SpeakerKind::Organisation)
    }
}

/// How the text attributes a quotation, so that users can keep only the strong kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// A name next to a speech verb ("Lavrov said", "said Sen. Smith").
    Name,
    /// A pronoun ("he added"), resolved to the person it stands for.
    Pronoun,
    /// A role noun phrase ("the senator said", "the Kremlin spokesman"), resolved to the
    /// person it describes in this article, or an unnamed source.
    Description,
    /// `Name: "…"` (a headline's or a paragraph's lead-in).
    Colon,
    /// "according to X".
    AccordingTo,
    /// No attribution in the text, or none strong enough: no speaker.
    #[default]
    None,
}

impl Attribution {
    /// The name used in output: `name`, `pronoun`, `description`, `colon`, `according_to`,
    /// `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Name => "name",
            Attribution::Pronoun => "pronoun",
            Attribution::Description => "description",
            Attribution::Colon => "colon",
            Attribution::AccordingTo => "according_to",
            Attribution::None => "none",
        }
    }
}

/// One direct quotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The quoted words, whitespace collapsed; for a quotation over several paragraphs or
    /// interrupted by its attribution, the parts joined by a space (marks and attribution
    /// omitted).
    pub text: String,
    /// Byte offset of the first quoted character (after the opening mark).
    pub start: usize,
    /// Byte offset just after the last quoted character (before the closing mark).
    pub end: usize,
    /// Index of the paragraph (non-empty line, header lines excluded) where it opens.
    pub paragraph: usize,
    /// Canonical name of the speaker (person or organisation), the article's phrase plus
    /// ` (unnamed)` for an unnamed source, when found.
    pub speaker: Option<String>,
    /// What the speaker is.
    pub speaker_kind: SpeakerKind,
    /// How the text attributes the quotation.
    pub attribution: Attribution,
    /// The words that attribute it ("Lavrov said", "he added").
    pub cue: Option<String>,
    /// Fewer than four words: a fragment quoted inside a sentence.
    pub partial: bool,
    /// Concerns the U.S. and Russia, their leaders or their dealings.
    pub relevant: bool,
}

/// An article as read: title, date, quotations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// The name the article was read under (usually its path).
    pub name: String,
    /// The headline.
    pub title: String,
    /// Where the article is published: the `url:` header line, when the file has one.
    pub url: Option<String>,
    /// The article's date, when one is printed (or given by a manifest).
    pub date: Option<NaiveDate>,
    /// Where the date came from.
    pub date_source: DateSource,
    /// The language the article is written in (the reader's rules and the tone model are
    /// English).
    pub language: Language,
    /// The quotations, in text order, never overlapping.
    pub quotes: Vec<Quote>,
}

/// The number of words of a quotation as `--min-words` counts them: runs of non-whitespace
/// (`split_whitespace`). One definition for `quotes`, `score` and `trends`.
pub fn word_count(text: &str) -> usize {
    quotes::words(text).count()
}

/// Whether `text` has at least `min` words as [`word_count`] counts them, without counting
/// past them (the filter of `--min-words`, asked of every quotation).
pub fn has_words(text: &str, min: usize) -> bool {
    min == 0 || quotes::words(text).nth(min - 1).is_some()
}

/// One quotation as a flat row: its article (name, title, URL, date) and the quotation
/// (speaker, words, place). The one record of a quotation from the reader on:
/// `tonetrack quotes` writes it ([`crate::table::QuoteRow`]), and a
/// [`ScoredQuote`](crate::score::ScoredQuote) is this record plus the tone (in JSON, its
/// fields flattened into one object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRecord {
    /// The article's path or name.
    pub article: String,
    /// The article's title, when found.
    pub title: Option<String>,
    /// Where the article is published (its `url:` header line, or a table's URL column),
    /// when known. Absent in `score` files written before this field existed.
    #[serde(default)]
    pub url: Option<String>,
    /// The article's date, when known.
    pub date: Option<NaiveDate>,
    /// Where the date came from.
    pub date_source: DateSource,
    /// Canonical speaker name, when attributed (an unnamed source's phrase + ` (unnamed)`).
    pub speaker: Option<String>,
    /// What kind of source the speaker is (`none` in `score` files written before this
    /// field existed).
    #[serde(default)]
    pub speaker_kind: SpeakerKind,
    /// How the text attributes the quotation (`none` in `score` files written before this
    /// field existed).
    #[serde(default)]
    pub attribution: Attribution,
    /// The quoted words.
    pub quote: String,
    /// Byte offset of the quotation's start in the article text.
    pub start: usize,
    /// Byte offset of the quotation's end.
    pub end: usize,
    /// Paragraph index (0-based) where the quotation starts.
    pub paragraph: usize,
    /// Fewer than 4 words.
    pub partial: bool,
    /// Concerns the U.S. and Russia, their leaders or their dealings.
    pub relevant: bool,
    /// The words that attributed the quotation (e.g. "Lavrov said").
    pub cue: Option<String>,
}

impl Article {
    /// The quotations as flat records.
    pub fn records(&self) -> Vec<QuoteRecord> {
        self.quotes.iter().map(|q| self.record(q)).collect()
    }

    /// One of its quotations as a flat record.
    pub fn record(&self, q: &Quote) -> QuoteRecord {
        QuoteRecord {
            article: self.name.clone(),
            title: Some(self.title.clone()).filter(|t| !t.is_empty()),
            url: self.url.clone(),
            date: self.date,
            date_source: self.date_source,
            speaker: q.speaker.clone(),
            speaker_kind: q.speaker_kind,
            attribution: q.attribution,
            quote: q.text.clone(),
            start: q.start,
            end: q.end,
            paragraph: q.paragraph,
            partial: q.partial,
            relevant: q.relevant,
            cue: q.cue.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `has_words` is `word_count(text) >= min`, on any text (spaces of every kind).
        #[test]
        fn has_words_agrees_with_word_count(text in "[a-z \\t\\n\u{a0}\u{2003}.]{0,40}", min in 0..8usize) {
            prop_assert_eq!(has_words(&text, min), word_count(&text) >= min);
        }
    }
}
