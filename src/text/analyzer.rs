//! [`Analyzer`]: the tokenizer and filters chained as an [`AnalyzerConfig`] says, plus n-grams.

use std::cell::Cell;

use serde::{Deserialize, Serialize};

use super::filters::{
    is_stop_word, stem_in_place, LowerCaser, NegationScope, Stemmer, StopWordFilter,
};
use super::lexicon::{Lexicon, LexiconRef, MatchWords};
use super::ngrams::{char_wb_ngrams, WordNgrams};
use super::token::{Span, Token, TokenStream};
use super::tokenize::{SklearnTokenizer, WordTokenizer};
use crate::{Error, Result};

pub use super::filters::MENTION_MARKER;

/// Largest n accepted for word n-grams: longer ones are almost never seen twice.
pub const MAX_WORD_NGRAM: usize = 5;
/// Largest n accepted for character n-grams.
pub const MAX_CHAR_NGRAM: usize = 10;

/// How text becomes terms. Stored in the model file, so that scoring analyzes text exactly as
/// training did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzerConfig {
    /// How the text is split into words.
    #[serde(default, skip_serializing_if = "Tokenizer::is_default")]
    pub tokenizer: Tokenizer,
    /// Lowercase words (Unicode-aware).
    pub lowercase: bool,
    /// Drop English stop words (negations are kept).
    pub stop_words: bool,
    /// Snowball English stemming.
    pub stem: bool,
    /// Prefix words between a negation and the next punctuation mark with `NEG_`.
    pub negation_scope: bool,
    /// Word n-gram range `(min, max)`, inclusive.
    pub word_ngrams: (usize, usize),
    /// Character n-gram range inside word boundaries (scikit-learn's `char_wb`), if any.
    pub char_ngrams: Option<(usize, usize)>,
    /// Also emit each word within this many (filtered) words of a target mention
    /// ([`MENTION_MARKER`]) as a separate `@word` term, so that the words near the target get
    /// weights of their own (the target-context features of target-dependent sentiment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mention_window: Option<usize>,
    /// Tone lexicons whose hits are emitted as marker terms ([`super::lexicon`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lexicons: Vec<LexiconRef>,
}

/// The first stage of the chain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tokenizer {
    /// [`WordTokenizer`]: words with inner apostrophes and periods ("U.S."), numbers, and
    /// "n't" split off as a negation.
    #[default]
    Words,
    /// [`SklearnTokenizer`]: scikit-learn's default token pattern, to reproduce its baselines.
    Sklearn,
}

impl Tokenizer {
    fn is_default(&self) -> bool {
        *self == Tokenizer::default()
    }
}

impl Default for AnalyzerConfig {
    /// Lowercase, stop words, stemming, no negation scope, word uni- and bigrams, no char
    /// n-grams.
    fn default() -> Self {
        AnalyzerConfig {
            tokenizer: Tokenizer::Words,
            lowercase: true,
            stop_words: true,
            stem: true,
            negation_scope: false,
            word_ngrams: (1, 2),
            char_ngrams: None,
            mention_window: None,
            lexicons: Vec::new(),
        }
    }
}

/// Turns text into tokens and terms. Built from a checked [`AnalyzerConfig`]; holds no mutable
/// state (the stem cache is per thread), so one analyzer serves many rayon threads.
///
/// ```
/// use tonetrack::text::{Analyzer, AnalyzerConfig};
/// let analyzer = Analyzer::new(AnalyzerConfig::default())?;
/// assert_eq!(
///     analyzer.terms("U.S.-Russian relations don't improve"),
///     ["u.s.", "russian", "u.s. russian", "relat", "russian relat", "not", "relat not",
///      "improv", "not improv"]
/// );
/// # Ok::<(), tonetrack::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analyzer {
    config: AnalyzerConfig,
    /// The configured lexicons, built once.
    lexicons: Vec<&'static Lexicon>,
}

impl Analyzer {
    /// Checks the n-gram ranges of `config`: `1 <= min <= max`, word `max <=`
    /// [`MAX_WORD_NGRAM`], char `max <=` [`MAX_CHAR_NGRAM`]; and that each lexicon is the one
    /// this build ships.
    pub fn new(config: AnalyzerConfig) -> Result<Analyzer> {
        check_range("word_ngrams", config.word_ngrams, MAX_WORD_NGRAM)?;
        if let Some(range) = config.char_ngrams {
            check_range("char_ngrams", range, MAX_CHAR_NGRAM)?;
        }
        let lexicons = config
            .lexicons
            .iter()
            .map(LexiconRef::resolve)
            .collect::<Result<_>>()?;
        Ok(Analyzer { config, lexicons })
    }

    /// The configuration this analyzer was built from.
    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// The token stream of `text`: the tokenizer followed by the configured filters.
    pub fn token_stream<'a>(&self, text: &'a str) -> Box<dyn TokenStream + 'a> {
        let mut stream: Box<dyn TokenStream + 'a> = match self.config.tokenizer {
            Tokenizer::Words => Box::new(WordTokenizer::new(text)),
            Tokenizer::Sklearn => Box::new(SklearnTokenizer::new(text)),
        };
        if self.config.lowercase {
            stream = Box::new(LowerCaser::new(stream));
        }
        if self.config.stop_words {
            stream = Box::new(StopWordFilter::new(stream));
        }
        if self.config.stem {
            stream = Box::new(Stemmer::new(stream));
        }
        if self.config.negation_scope {
            stream = Box::new(NegationScope::new(stream, text));
        }
        stream
    }

    /// The tokens of `text` after all filters, before n-grams.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut stream = self.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        tokens
    }

    /// Calls `emit` with every term of `text`: for each token in order, the word n-grams ending
    /// at it (words joined by one space), then, if configured, the character n-grams of its
    /// final text (stemmed, `NEG_`-prefixed as the case may be; each term prefixed with
    /// [`CHAR_NGRAM_PREFIX`](super::ngrams::CHAR_NGRAM_PREFIX)). Word n-grams join the tokens
    /// that survive the filters, across dropped stop words and punctuation, as scikit-learn
    /// does. The `&str` borrows a reused buffer: no allocation per term.
    pub fn for_each_term(&self, text: &str, emit: impl FnMut(&str)) {
        // The n-gram window lives in a per-thread slot, like the buffers of `analyze`.
        let mut ngrams = WORD_NGRAMS.with(Cell::take);
        let (min, max) = self.config.word_ngrams;
        ngrams.reset(min, max);
        self.analyze(
            text,
            &mut JoinedTerms {
                ngrams: &mut ngrams,
                emit,
            },
        );
        WORD_NGRAMS.with(|slot| slot.set(ngrams));
    }

    /// Hands `sink` the words of `text` after the filters, each followed by its character
    /// n-grams if configured, then the mention-context terms and the lexicon markers if
    /// configured: the terms of [`for_each_term`](Self::for_each_term) in its order, but for
    /// the word n-grams, which the sink makes from the words (as strings, or as ids for
    /// scoring). Every word and term comes with the source span it was made from.
    pub fn analyze(&self, text: &str, sink: &mut impl TermSink) {
        // The buffers live in a per-thread slot and are taken out for the call (a nested call
        // from the sink would just get fresh ones): scoring a million sentences then allocates
        // them once per thread instead of once per sentence.
        let mut scratch = SCRATCH.with(Cell::take);
        let TermScratch {
            bounds,
            char_term,
            near_mention,
            match_words,
        } = &mut scratch;
        near_mention.clear();
        let mut word = |word: &str, span: Span| {
            debug_assert!(!word.contains(' '), "a word with a space: {word:?}");
            sink.word(word, span);
            if let Some(range) = self.config.char_ngrams {
                char_wb_ngrams(word, range, bounds, char_term, &mut |term| {
                    sink.term(term, span)
                });
            }
            if self.config.mention_window.is_some() {
                near_mention.push((word.to_string(), span));
            }
        };
        if self.reads_lexicon_words() {
            // One reading serves both: each word, lowercased, is stemmed for the lexicons and
            // goes on to the terms unless it is a stop word.
            let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
            let mut stream = LowerCaser::new(WordTokenizer::new(text));
            match_words.clear();
            while stream.advance() {
                let token = stream.token_mut();
                let stop = self.config.stop_words && is_stop_word(&token.text);
                stem_in_place(&stemmer, &mut token.text);
                match_words.push(text, token);
                if !stop {
                    word(&token.text, token.span());
                }
            }
        } else {
            let mut stream = self.token_stream(text);
            while stream.advance() {
                let token = stream.token();
                word(&token.text, token.span());
            }
            if !self.lexicons.is_empty() {
                match_words.read(text);
            }
        }
        if let Some(window) = self.config.mention_window {
            emit_mention_context(near_mention, window, char_term, &mut |term, span| {
                sink.term(term, span)
            });
        }
        for lexicon in &self.lexicons {
            lexicon.markers_in(match_words, char_term, &mut |term, span| {
                sink.term(term, span)
            });
        }
        SCRATCH.with(|slot| slot.set(scratch));
    }

    /// Whether the words the lexicons match on (tokenizer → lowercase → stem, stop words
    /// kept) can be read in the analysis's own pass: the chain is that one, but for its
    /// stop-word filter, and there are lexicons to read them for.
    fn reads_lexicon_words(&self) -> bool {
        let c = &self.config;
        !self.lexicons.is_empty()
            && c.tokenizer == Tokenizer::Words
            && c.lowercase
            && c.stem
            && !c.negation_scope
    }

    /// All terms of `text`, in the order of [`for_each_term`](Self::for_each_term).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut terms = Vec::new();
        self.for_each_term(text, |term| terms.push(term.to_owned()));
        terms
    }
}

/// What [`Analyzer::analyze`] hands the analyzed text to.
pub trait TermSink {
    /// The next word after the filters, and where it was written. Word n-grams are runs of
    /// consecutive words. A word never contains a space (every tokenizer splits at spaces), so
    /// an n-gram's words joined by one space can be split back into them.
    fn word(&mut self, word: &str, span: Span);
    /// A term that is not made of words — a character n-gram of the last word, a
    /// mention-context term, a lexicon marker — and the words it was made from.
    fn term(&mut self, term: &str, span: Span);
}

/// The sink of [`Analyzer::for_each_term`]: word n-grams as strings, every term to `emit`.
struct JoinedTerms<'a, F> {
    ngrams: &'a mut WordNgrams,
    emit: F,
}

impl<F: FnMut(&str)> TermSink for JoinedTerms<'_, F> {
    fn word(&mut self, word: &str, _: Span) {
        self.ngrams.push(word, &mut self.emit);
    }

    fn term(&mut self, term: &str, _: Span) {
        (self.emit)(term);
    }
}

/// The reusable buffers of [`Analyzer::analyze`].
#[derive(Default)]
struct TermScratch {
    bounds: Vec<usize>,
    char_term: String,
    near_mention: Vec<(String, Span)>,
    match_words: MatchWords,
}

thread_local! {
    static SCRATCH: Cell<TermScratch> = Cell::default();
    /// The n-gram window of [`Analyzer::for_each_term`].
    static WORD_NGRAMS: Cell<WordNgrams> = Cell::default();
}

/// Prefix of the terms made by [`AnalyzerConfig::mention_window`].
pub const MENTION_CONTEXT_PREFIX: &str = "@";

/// Emits `@word` for every word within `window` words of a mention marker (once per
/// occurrence near each marker, the marker itself excluded).
fn emit_mention_context(
    words: &[(String, Span)],
    window: usize,
    term: &mut String,
    emit: &mut impl FnMut(&str, Span),
) {
    for (at, _) in words
        .iter()
        .enumerate()
        .filter(|(_, (w, _))| w == MENTION_MARKER)
    {
        let from = at.saturating_sub(window);
        let to = (at + window + 1).min(words.len());
        for (word, span) in words[from..to].iter().filter(|(w, _)| w != MENTION_MARKER) {
            term.clear();
            term.push_str(MENTION_CONTEXT_PREFIX);
            term.push_str(word);
            emit(term, *span);
        }
    }
}

fn check_range(name: &str, (min, max): (usize, usize), bound: usize) -> Result<()> {
    if min < 1 || min > max || max > bound {
        return Err(Error::InvalidParams(format!(
            "{name} = ({min}, {max}) is not a valid n-gram range: \
             it needs 1 <= min <= max <= {bound}, e.g. (1, 2)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token::test_helpers::{assert_token, texts};
    use proptest::prelude::*;

    fn analyzer(config: AnalyzerConfig) -> Analyzer {
        Analyzer::new(config).expect("valid config")
    }

    #[test]
    fn mention_window_emits_the_words_near_the_marker() {
        let config = AnalyzerConfig {
            word_ngrams: (1, 1),
            mention_window: Some(1),
            ..AnalyzerConfig::default()
        };
        let text = format!("Critics slammed {MENTION_MARKER} harshly over trade policy");
        let terms = analyzer(config).terms(&text);
        let context: Vec<&str> = terms
            .iter()
            .filter(|t| t.starts_with('@'))
            .map(String::as_str)
            .collect();
        assert_eq!(context, ["@slam", "@harsh"]);
        // Without a marker there is no context term.
        let plain = analyzer(AnalyzerConfig {
            mention_window: Some(3),
            ..AnalyzerConfig::default()
        });
        assert!(plain
            .terms("Critics slammed him")
            .iter()
            .all(|t| !t.starts_with('@')));
    }

    /// The reused buffers carry nothing from one text to the next (no bigram across texts),
    /// also when the n-gram range changes between analyzers on the same thread.
    #[test]
    fn consecutive_texts_share_no_state() {
        let bigrams = analyzer(AnalyzerConfig::default());
        let trigrams = analyzer(AnalyzerConfig {
            word_ngrams: (1, 3),
            ..AnalyzerConfig::default()
        });
        let fresh = bigrams.terms("Kremlin denies");
        assert_eq!(fresh, ["kremlin", "deni", "kremlin deni"]);
        trigrams.terms("Washington sanctions Moscow banks");
        bigrams.terms("Washington sanctions");
        assert_eq!(bigrams.terms("Kremlin denies"), fresh);
        assert_eq!(trigrams.terms("a"), Vec::<String>::new());
        assert_eq!(trigrams.terms("Kremlin denies"), fresh);
    }

    #[test]
    fn analyzer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Analyzer>();
    }

    #[test]
    fn default_chain() {
        let text = "The U.S. and Russia’s leaders don’t trust us.";
        let a = analyzer(AnalyzerConfig::default());
        let tokens = a.tokens(text);
        assert_eq!(texts(&tokens), ["u.s.", "russia", "leader", "not", "trust"]);
        assert_token(text, &tokens[0], "u.s.", "U.S.");
        assert_token(text, &tokens[1], "russia", "Russia’s");
        assert_token(text, &tokens[3], "not", "n’t");
        assert_eq!(
            a.terms(text),
            [
                "u.s.",
                "russia",
                "u.s. russia",
                "leader",
                "russia leader",
                "not",
                "leader not",
                "trust",
                "not trust"
            ]
        );
    }

    #[test]
    fn mention_marker_survives_every_filter() {
        let config = AnalyzerConfig {
            negation_scope: true,
            ..AnalyzerConfig::default()
        };
        let a = analyzer(config);
        for text in [
            format!("{MENTION_MARKER} said"),
            format!("Nobody trusts {MENTION_MARKER}, officials said."),
            format!("“{MENTION_MARKER}’s” ({MENTION_MARKER})"),
            MENTION_MARKER.to_uppercase(),
        ] {
            let tokens = a.tokens(&text);
            let markers = tokens.iter().filter(|t| t.text == MENTION_MARKER).count();
            assert_eq!(
                markers,
                text.to_lowercase().matches(MENTION_MARKER).count(),
                "{text:?} gave {tokens:?}"
            );
            assert!(tokens
                .iter()
                .all(|t| t.text == MENTION_MARKER || !t.text.contains(MENTION_MARKER)));
        }
    }

    #[test]
    fn negation_scope_in_the_chain() {
        let config = AnalyzerConfig {
            negation_scope: true,
            word_ngrams: (1, 1),
            ..AnalyzerConfig::default()
        };
        let a = analyzer(config);
        assert_eq!(
            a.terms("Moscow won't accept the sanctions; talks continue."),
            [
                "moscow",
                "not",
                "NEG_accept",
                "NEG_sanction",
                "talk",
                "continu"
            ]
        );
    }

    #[test]
    fn char_ngrams_are_prefixed_and_follow_their_word() {
        let config = AnalyzerConfig {
            stem: false,
            word_ngrams: (1, 1),
            char_ngrams: Some((3, 3)),
            ..AnalyzerConfig::default()
        };
        let a = analyzer(config);
        assert_eq!(
            a.terms("The Kremlin"),
            ["kremlin", "# kr", "#kre", "#rem", "#eml", "#mli", "#lin", "#in "]
        );
    }

    #[test]
    fn everything_off_keeps_surface_words() {
        let config = AnalyzerConfig {
            tokenizer: Tokenizer::Words,
            lowercase: false,
            stop_words: false,
            stem: false,
            negation_scope: false,
            word_ngrams: (1, 1),
            char_ngrams: None,
            mention_window: None,
            lexicons: Vec::new(),
        };
        assert_eq!(
            analyzer(config).terms("The Relations, 3.5 times"),
            ["The", "Relations", "3.5", "times"]
        );
    }

    #[test]
    fn sklearn_tokenizer_in_the_chain() {
        let config = AnalyzerConfig {
            tokenizer: Tokenizer::Sklearn,
            stop_words: false,
            stem: false,
            ..AnalyzerConfig::default()
        };
        assert_eq!(
            analyzer(config).terms("The U.S. won't agree"),
            ["the", "won", "the won", "agree", "won agree"]
        );
    }

    #[test]
    fn default_tokenizer_is_not_written_to_the_config() {
        let json = serde_json::to_string(&AnalyzerConfig::default()).unwrap();
        assert!(!json.contains("tokenizer"), "{json}");
        let sklearn = AnalyzerConfig {
            tokenizer: Tokenizer::Sklearn,
            ..AnalyzerConfig::default()
        };
        let json = serde_json::to_string(&sklearn).unwrap();
        assert!(json.contains(r#""tokenizer":"sklearn""#), "{json}");
        assert_eq!(
            serde_json::from_str::<AnalyzerConfig>(&json).unwrap(),
            sklearn
        );
    }

    #[test]
    fn invalid_ranges_are_rejected_with_the_field_named() {
        for (word, chars) in [
            ((0, 1), None),
            ((2, 1), None),
            ((1, MAX_WORD_NGRAM + 1), None),
            ((1, 2), Some((0, 3))),
            ((1, 2), Some((5, 2))),
            ((1, 2), Some((1, MAX_CHAR_NGRAM + 1))),
        ] {
            let config = AnalyzerConfig {
                word_ngrams: word,
                char_ngrams: chars,
                ..AnalyzerConfig::default()
            };
            let field = if chars.is_some() {
                "char_ngrams"
            } else {
                "word_ngrams"
            };
            match Analyzer::new(config) {
                Err(Error::InvalidParams(message)) => {
                    assert!(message.contains(field), "{message}")
                }
                other => panic!("{word:?} {chars:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn config_serde_round_trip() {
        let config = AnalyzerConfig {
            negation_scope: true,
            char_ngrams: Some((2, 5)),
            ..AnalyzerConfig::default()
        };
        let json = serde_json::to_string(&config).expect("serialize");
        let back: AnalyzerConfig = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, config);
        let default_back: AnalyzerConfig =
            serde_json::from_str(&serde_json::to_string(&AnalyzerConfig::default()).expect("ser"))
                .expect("de");
        assert_eq!(default_back, AnalyzerConfig::default());
        // A field this version does not know is an error, not silently ignored.
        let extra = json.replacen('{', "{\"lemmatize\":true,", 1);
        assert!(serde_json::from_str::<AnalyzerConfig>(&extra).is_err());
    }

    /// On every NewsMTSC training sentence (when `../shared` is beside the crate): each token's
    /// source slice, lowercased with apostrophes normalized, is the token text (but for the
    /// contraction rewrites), and every "U.S." gives a "u.s." token.
    #[test]
    fn offsets_on_real_news_sentences() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/newsmtsc/train.csv"
        );
        let Ok(mut reader) = csv::Reader::from_path(path) else {
            eprintln!("skipping: {path} is absent");
            return;
        };
        let config = AnalyzerConfig {
            stop_words: false,
            stem: false,
            ..AnalyzerConfig::default()
        };
        let a = analyzer(config);
        let mut sentences = 0;
        for record in reader.records() {
            let record = record.expect("csv record");
            let text = &record[1];
            sentences += 1;
            let tokens = a.tokens(text);
            for t in &tokens {
                let source = &text[t.start..t.end];
                let normalized: String = source
                    .chars()
                    .flat_map(char::to_lowercase)
                    .map(|c| {
                        if matches!(c, '’' | 'ʼ' | '‘') {
                            '\''
                        } else {
                            c
                        }
                    })
                    .collect();
                let rewritten = matches!(t.text.as_str(), "not" | "can" | "will" | "shall");
                assert!(
                    t.text == normalized || rewritten,
                    "{t:?} from {source:?} in {text:?}"
                );
            }
            let us_tokens = tokens.iter().filter(|t| t.text == "u.s.").count();
            assert!(us_tokens >= text.matches("U.S.").count(), "{text:?}");
        }
        assert!(sentences > 1000, "only {sentences} sentences read");
    }

    proptest! {
        #[test]
        fn any_text_gives_ordered_tokens_on_char_boundaries(text in "\\PC*|(\\PC|[ .,'’”“-])*") {
            let config = AnalyzerConfig {
                negation_scope: true,
                char_ngrams: Some((2, 4)),
                ..AnalyzerConfig::default()
            };
            let a = analyzer(config);
            let tokens = a.tokens(&text);
            let mut previous_end = 0;
            for t in &tokens {
                prop_assert!(t.start < t.end && t.end <= text.len(), "{:?}", t);
                prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                prop_assert!(t.start >= previous_end, "tokens out of order: {:?}", tokens);
                previous_end = t.end;
                prop_assert!(!t.text.is_empty());
            }
            let mut count = 0;
            a.for_each_term(&text, |term| { count += usize::from(!term.is_empty()); });
            prop_assert!(count >= tokens.len());
        }
    }
}
