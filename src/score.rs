//! Scoring articles: every quotation the reader finds, with its tone.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One scored quotation: where it is, who said it and when, and its tone toward U.S.–Russia
/// relations. This is one line of `tonetrack score --format jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoredQuote {
    /// The article's path or name.
    pub article: String,
    /// The article's title, when found.
    pub title: Option<String>,
    /// The article's date, when known.
    pub date: Option<NaiveDate>,
    /// Where the date came from: `dateline`, `header`, `manifest`, `banner` (low confidence)
    /// or `none`.
    pub date_source: String,
    /// Canonical speaker name, when attributed.
    pub speaker: Option<String>,
    /// The quoted words.
    pub quote: String,
    /// Byte offsets of the quotation in the article text.
    pub start: usize,
    pub end: usize,
    /// Paragraph index (0-based) where the quotation starts.
    pub paragraph: usize,
    /// Fewer than 4 words.
    pub partial: bool,
    /// Concerns the U.S. and Russia, their leaders or their dealings.
    pub relevant: bool,
    /// The words that attributed the quotation (e.g. "Lavrov said").
    pub cue: Option<String>,
    /// Most probable tone class.
    pub label: String,
    /// Probability of every class.
    pub probabilities: BTreeMap<String, f64>,
    /// P(positive) − P(negative), in [−1, 1].
    pub tone: f64,
    /// The terms that pushed the label most.
    pub top_terms: Vec<String>,
}
