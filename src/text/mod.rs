//! Text analysis: a tokenizer followed by filters, then n-grams.
//!
//! One module per stage, in the order a document flows through them:
//! [`tokenize`] (words with byte offsets) → [`filters`] (lowercase, stop words, stemming,
//! negation scope) → [`ngrams`], with [`lexicon`] markers beside them (word and character n-grams). [`Analyzer`] chains them as its
//! serde-stored [`AnalyzerConfig`] says.

pub mod analyzer;
pub mod filters;
pub mod lexicon;
pub mod ngrams;
pub mod token;
pub mod tokenize;

/// `text` with its whitespace collapsed, cut to at most `max` characters with an ellipsis
/// when longer (characters are counted, not their width on a terminal).
pub fn shorten(text: &str, max: usize) -> String {
    let clean: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() <= max {
        return clean;
    }
    let cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

pub use analyzer::{Analyzer, AnalyzerConfig, TermSink, Tokenizer, MENTION_MARKER};
pub use lexicon::{LexiconName, LexiconRef};
pub use token::{Span, Token, TokenStream};
pub use tokenize::{SklearnTokenizer, WordTokenizer};
