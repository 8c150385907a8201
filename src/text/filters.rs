//! The filters of the chain: each wraps a [`TokenStream`] and rewrites or drops its tokens,
//! keeping their offsets and positions.
//!
//! The analyzer applies them in this order: [`LowerCaser`] → [`StopWordFilter`] →
//! [`Stemmer`] → [`NegationScope`]. Stemming comes after stop-word removal (the list holds
//! surface forms) and negation marking comes last so that the `NEG_` prefix is never stemmed.

use std::cell::RefCell;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::token::{Token, TokenStream};

/// The word that stands for a target's mention in a training or scoring sentence. Every filter
/// leaves it unchanged: it is no stop word, is not stemmed and gets no negation prefix.
pub const MENTION_MARKER: &str = "tgtmention";

/// The prefix [`NegationScope`] puts on words inside a negation's scope.
pub const NEGATION_PREFIX: &str = "NEG_";

/// Words that negate what follows. They are never stop words and never stemmed ("nothing"
/// would stem to "noth"), and they open a [`NegationScope`]. Sorted.
pub const NEGATIONS: &[&str] = &[
    "n't", "neither", "never", "no", "nobody", "none", "nor", "not", "nothing", "nowhere",
];

/// English stop words: NLTK's list without its negations and without the contraction
/// fragments ("don", "couldn", …) that this tokenizer never produces, plus the pronoun
/// contractions it does produce ("it's", "we're", …) and the modals "could", "would" and
/// "shall" (NLTK has "can", "will", "should"). NLTK's "s" stays: it is what is left of the
/// possessive of an abbreviation ("U.S.’s" gives "U.S." and "s"). Lowercase, apostrophes as
/// `'`. Sorted.
#[rustfmt::skip]
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "he'd", "he'll", "he's", "her", "here",
    "here's", "hers", "herself", "him", "himself", "his", "how", "i", "i'd", "i'll", "i'm", "i've",
    "if", "in", "into", "is", "it", "it'll", "it's", "its", "itself", "just", "let's", "me", "more",
    "most", "my", "myself", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours",
    "ourselves", "out", "over", "own", "s", "same", "shall", "she", "she'd", "she'll", "she's",
    "should", "should've", "so", "some", "such", "than", "that", "that'll", "that's", "the",
    "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they'd",
    "they'll", "they're", "they've", "this", "those", "through", "to", "too", "under", "until",
    "up", "us", "very", "was", "we", "we'd", "we'll", "we're", "we've", "were", "what", "what's",
    "when", "where", "which", "while", "who", "who's", "whom", "why", "will", "with", "would",
    "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves",
];

/// Is `word` a negation? Case-insensitive, so it also works without lowercasing.
pub fn is_negation(word: &str) -> bool {
    // Every negation starts with an "n": asked of every word, most are ruled out at once.
    let starts_with_n = word.as_bytes().first().is_some_and(|b| b | 0x20 == b'n');
    starts_with_n && NEGATIONS.iter().any(|n| n.eq_ignore_ascii_case(word))
}

/// [`STOP_WORDS`] as a set: a hash lookup of a short word costs a few nanoseconds, a binary
/// search a handful of `memcmp` calls (measured: the search was half of the filter chain).
static STOP_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Is `word` (lowercase) an English stop word?
pub fn is_stop_word(word: &str) -> bool {
    STOP_SET.contains(word)
}

/// Lowercases token text (Unicode-aware; ASCII text is lowercased in place).
#[derive(Debug)]
pub struct LowerCaser<S> {
    inner: S,
    scratch: String,
}

impl<S: TokenStream> LowerCaser<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        LowerCaser {
            inner,
            scratch: String::new(),
        }
    }
}

impl<S: TokenStream> TokenStream for LowerCaser<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let text = &mut self.inner.token_mut().text;
        if text.is_ascii() {
            text.make_ascii_lowercase();
        } else {
            self.scratch.clear();
            self.scratch
                .extend(text.chars().flat_map(char::to_lowercase));
            std::mem::swap(text, &mut self.scratch);
        }
        true
    }
    fn token(&self) -> &Token {
        self.inner.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// Drops English stop words ([`STOP_WORDS`]); negations are not on the list and pass.
/// The list is lowercase, so put a [`LowerCaser`] before this filter.
#[derive(Debug)]
pub struct StopWordFilter<S> {
    inner: S,
}

impl<S: TokenStream> StopWordFilter<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        StopWordFilter { inner }
    }
}

impl<S: TokenStream> TokenStream for StopWordFilter<S> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            if !is_stop_word(&self.inner.token().text) {
                return true;
            }
        }
        false
    }
    fn token(&self) -> &Token {
        self.inner.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// Entries a thread's stem cache may hold before it is emptied; bounds memory on endless
/// streams of new words while keeping every frequent word cached.
const STEM_CACHE_CAPACITY: usize = 200_000;

thread_local! {
    /// Word → Snowball English stem. Stemming costs far more than a hash lookup and news text
    /// repeats its words, so each thread (rayon workers included) keeps its own cache: no lock
    /// and no shared state, so the analyzer stays `Send + Sync`.
    static STEM_CACHE: RefCell<FxHashMap<Box<str>, Box<str>>> = RefCell::default();
}

/// Replaces each word by its Snowball English stem ("relations" → "relat"), through a
/// per-thread cache. Negations and [`MENTION_MARKER`] are left as they are.
pub struct Stemmer<S> {
    inner: S,
    stemmer: rust_stemmers::Stemmer,
}

impl<S> std::fmt::Debug for Stemmer<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmer(English)")
    }
}

impl<S: TokenStream> Stemmer<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        Stemmer {
            inner,
            stemmer: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
        }
    }
}

impl<S: TokenStream> TokenStream for Stemmer<S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        stem_in_place(&self.stemmer, &mut self.inner.token_mut().text);
        true
    }
    fn token(&self) -> &Token {
        self.inner.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// Replaces `text` by its stem through the thread's cache, as [`Stemmer`] does each word.
pub(crate) fn stem_in_place(stemmer: &rust_stemmers::Stemmer, text: &mut String) {
    if text == MENTION_MARKER || is_negation(text) {
        return;
    }
    STEM_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(stem) = cache.get(text.as_str()) {
            text.clear();
            text.push_str(stem);
            return;
        }
        let stem: Box<str> = stemmer.stem(text).into();
        if cache.len() >= STEM_CACHE_CAPACITY {
            cache.clear();
        }
        cache.insert(text.as_str().into(), stem.clone());
        text.clear();
        text.push_str(&stem);
    });
}

/// Punctuation that ends a negation's scope: the clause-level marks of Pang, Lee &
/// Vaithyanathan (2002) and Das & Chen (2001).
pub(crate) fn ends_scope(c: char) -> bool {
    matches!(c, '.' | ',' | ':' | ';' | '!' | '?' | '…')
}

/// Marks the words after a negation, up to the next clause punctuation mark in the source,
/// with [`NEGATION_PREFIX`]: "not a good deal, but" → "not", "NEG_good", "NEG_deal", "but".
///
/// Punctuation is not a token, so the filter looks at the source text between consecutive
/// tokens (their offsets are the source's). The negation words themselves and
/// [`MENTION_MARKER`] are not prefixed.
#[derive(Debug)]
pub struct NegationScope<'a, S> {
    inner: S,
    source: &'a str,
    in_scope: bool,
    previous_end: usize,
}

impl<'a, S: TokenStream> NegationScope<'a, S> {
    /// Wraps `inner`, whose tokens have offsets into `source`.
    pub fn new(inner: S, source: &'a str) -> Self {
        NegationScope {
            inner,
            source,
            in_scope: false,
            previous_end: 0,
        }
    }
}

impl<S: TokenStream> TokenStream for NegationScope<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        let gap = self
            .source
            .get(self.previous_end..token.start)
            .unwrap_or_default();
        if gap.contains(ends_scope) {
            self.in_scope = false;
        }
        self.previous_end = token.end;
        if is_negation(&token.text) {
            self.in_scope = true;
        } else if self.in_scope && token.text != MENTION_MARKER {
            token.text.insert_str(0, NEGATION_PREFIX);
        }
        true
    }
    fn token(&self) -> &Token {
        self.inner.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token::test_helpers::{assert_token, collect, texts};
    use crate::text::tokenize::WordTokenizer;

    fn lower(text: &str) -> Vec<Token> {
        collect(LowerCaser::new(WordTokenizer::new(text)))
    }

    fn stop(text: &str) -> Vec<Token> {
        collect(StopWordFilter::new(LowerCaser::new(WordTokenizer::new(
            text,
        ))))
    }

    fn stem(text: &str) -> Vec<Token> {
        collect(Stemmer::new(LowerCaser::new(WordTokenizer::new(text))))
    }

    fn negate(text: &str) -> Vec<Token> {
        collect(NegationScope::new(
            LowerCaser::new(WordTokenizer::new(text)),
            text,
        ))
    }

    #[test]
    fn word_lists_are_sorted_and_disjoint() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(NEGATIONS.windows(2).all(|w| w[0] < w[1]));
        for negation in NEGATIONS {
            assert!(
                !is_stop_word(negation),
                "{negation} must not be a stop word"
            );
        }
        assert!(!is_stop_word(MENTION_MARKER));
    }

    #[test]
    fn lowercasing_is_unicode_aware_and_keeps_offsets() {
        let text = "The U.S. and ÉTATS-UNIS, ПУТИН";
        let tokens = lower(text);
        assert_eq!(
            texts(&tokens),
            ["the", "u.s.", "and", "états", "unis", "путин"]
        );
        assert_token(text, &tokens[3], "états", "ÉTATS");
        assert_token(text, &tokens[5], "путин", "ПУТИН");
    }

    #[test]
    fn negations_are_known_in_any_case() {
        for word in NEGATIONS {
            assert!(
                is_negation(word) && is_negation(&word.to_uppercase()),
                "{word}"
            );
        }
        for word in ["", "note", "know", "Nations", "snot", "nevertheless", "ñot"] {
            assert!(!is_negation(word), "{word}");
        }
    }

    #[test]
    fn stop_words_keep_negations_and_us_abbreviation() {
        let text = "We don't think the U.S. will never help us, nor is there no hope.";
        let tokens = stop(text);
        assert_eq!(
            texts(&tokens),
            ["not", "think", "u.s.", "never", "help", "nor", "no", "hope"]
        );
        assert_token(text, &tokens[0], "not", "n't");
        assert_token(text, &tokens[2], "u.s.", "U.S.");
        assert_eq!(texts(&stop("the U.S.’s policy")), ["u.s.", "policy"]);
        // Positions keep the gaps of the dropped words.
        let positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
        assert_eq!(positions, [2, 3, 5, 7, 8, 10, 13, 14]);
    }

    #[test]
    fn stemming() {
        let text = "Relations between Russia’s leaders worsened; nothing tgtmention";
        let tokens = stem(text);
        assert_eq!(
            texts(&tokens),
            [
                "relat",
                "between",
                "russia",
                "leader",
                "worsen",
                "nothing",
                MENTION_MARKER
            ]
        );
        assert_token(text, &tokens[0], "relat", "Relations");
        assert_token(text, &tokens[2], "russia", "Russia’s");
        // A second pass is served by the cache and gives the same stems.
        assert_eq!(texts(&stem(text)), texts(&tokens));
    }

    #[test]
    fn stem_cache_is_per_thread_and_consistent() {
        let text = "sanctions sanctioned sanctioning";
        let here = texts(&stem(text)).join(" ");
        let there = std::thread::spawn(move || texts(&stem(text)).join(" "))
            .join()
            .expect("stemming thread");
        assert_eq!(here, "sanction sanction sanction");
        assert_eq!(here, there);
    }

    #[test]
    fn negation_scope_ends_at_punctuation() {
        let text = "It was not a good deal, but they never said “yes” or agreed. Talks go on";
        let tokens = negate(text);
        assert_eq!(
            texts(&tokens),
            [
                "it",
                "was",
                "not",
                "NEG_a",
                "NEG_good",
                "NEG_deal",
                "but",
                "they",
                "never",
                "NEG_said",
                "NEG_yes",
                "NEG_or",
                "NEG_agreed",
                "talks",
                "go",
                "on"
            ]
        );
        assert_token(text, &tokens[4], "NEG_good", "good");
    }

    #[test]
    fn negation_scope_from_contraction_and_marker_untouched() {
        let text = "Moscow doesn’t trust tgtmention anymore";
        let tokens = negate(text);
        assert_eq!(
            texts(&tokens),
            [
                "moscow",
                "does",
                "not",
                "NEG_trust",
                MENTION_MARKER,
                "NEG_anymore"
            ]
        );
    }
}
