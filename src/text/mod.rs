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

pub use analyzer::{Analyzer, AnalyzerConfig, TermSink, Tokenizer, MENTION_MARKER};
pub use lexicon::{LexiconName, LexiconRef};
pub use token::{Span, Token, TokenStream};
pub use tokenize::{SklearnTokenizer, WordTokenizer};
