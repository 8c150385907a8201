//! Term → column lookup for scoring: the vocabulary as a trie of words, so that a word n-gram
//! is found from the ids of its words (one hash of two `u32` per extra word) instead of
//! building its string and hashing that ("hashing of n-grams without building strings").
//!
//! Every vocabulary term is split at its spaces into words and stored as a path of trie
//! nodes; the node of a path has the term's column. A term without a space (a unigram, a
//! character n-gram inside a word, a mention-context term) is a path of one word. Splitting
//! at spaces undoes joining by one space as long as no word contains a space, which no token
//! does (see [`TermSink::word`]), so looking up the words of an n-gram finds exactly the
//! column its joined string would have.

use rustc_hash::FxHashMap;

use crate::text::analyzer::MAX_WORD_NGRAM;
use crate::text::{Span, TermSink};

/// The trie of a vocabulary. Nodes are numbered from 0; the node of a one-word path is that
/// word's id.
#[derive(Clone, Debug, Default)]
pub struct TermIndex {
    /// Word → its node: every word of every vocabulary term.
    words: FxHashMap<Box<str>, u32>,
    /// (node of an n-gram, id of the next word) → node of the n-gram one word longer.
    children: FxHashMap<(u32, u32), u32>,
    /// The column of each node's term; `None` for a node that is only the start of longer
    /// terms (e.g. "prior to" in a vocabulary that has "prior to sunday" but not "prior to").
    columns: Vec<Option<u32>>,
}

impl TermIndex {
    /// The index of `vocabulary`, whose term `i` is column `i`.
    pub fn new(vocabulary: &[String]) -> Self {
        let mut index = TermIndex::default();
        for (col, term) in vocabulary.iter().enumerate() {
            let mut words = term.split(' ');
            let first = words.next().unwrap_or_default();
            let mut node = index.insert_word(first);
            for word in words {
                let word = index.insert_word(word);
                node = match index.children.get(&(node, word)) {
                    Some(&child) => child,
                    None => {
                        let child = index.new_node();
                        index.children.insert((node, word), child);
                        child
                    }
                };
            }
            index.columns[node as usize] = Some(to_u32(col));
        }
        index
    }

    fn insert_word(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.words.get(word) {
            return id;
        }
        let id = self.new_node();
        self.words.insert(word.into(), id);
        id
    }

    fn new_node(&mut self) -> u32 {
        self.columns.push(None);
        to_u32(self.columns.len() - 1)
    }

    /// The id of `word`, if it occurs in a vocabulary term.
    pub fn word(&self, word: &str) -> Option<u32> {
        self.words.get(word).copied()
    }

    /// The node of n-gram `node` followed by word `word`, if it starts a vocabulary term.
    pub fn extend(&self, node: u32, word: u32) -> Option<u32> {
        self.children.get(&(node, word)).copied()
    }

    /// The column of a node's term, if the node is a whole term.
    pub fn node_column(&self, node: u32) -> Option<usize> {
        self.columns[node as usize].map(|col| col as usize)
    }

    /// The column of `term`, if it is in the vocabulary.
    pub fn column(&self, term: &str) -> Option<usize> {
        let mut words = term.split(' ');
        let mut node = self.word(words.next().unwrap_or_default())?;
        for word in words {
            node = self.extend(node, self.word(word)?)?;
        }
        self.node_column(node)
    }
}

/// Column ids fit in `u32`: a vocabulary has far fewer than 4 billion terms.
fn to_u32(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 vocabulary terms")
}

/// The [`TermSink`] of scoring: appends the column of every known term of a document to
/// `columns`, word n-grams looked up by word ids; and, when asked, the source span of each to
/// `spans` (for explanations that speak in the text's words).
pub struct ColumnCollector<'a> {
    index: &'a TermIndex,
    /// Word n-gram range `(min, max)`, as the analyzer's.
    ngrams: (usize, usize),
    /// `ending[k]`: the node of the (k + 1)-word n-gram ending at the last word, while that
    /// n-gram starts some vocabulary term (else no longer n-gram through it is a term either).
    ending: [Option<u32>; MAX_WORD_NGRAM],
    /// `starts[k]`: where the word k words before the last one starts (with `spans` only).
    starts: [usize; MAX_WORD_NGRAM],
    columns: &'a mut Vec<usize>,
    spans: Option<&'a mut Vec<Span>>,
}

impl<'a> ColumnCollector<'a> {
    /// A collector for one document, with word n-grams of `min..=max` words (the analyzer
    /// checks `max <= MAX_WORD_NGRAM`).
    pub fn new(index: &'a TermIndex, ngrams: (usize, usize), columns: &'a mut Vec<usize>) -> Self {
        ColumnCollector {
            index,
            ngrams,
            ending: [None; MAX_WORD_NGRAM],
            starts: [0; MAX_WORD_NGRAM],
            columns,
            spans: None,
        }
    }

    /// Also records the source span of every column pushed, in `spans` (parallel to
    /// `columns`).
    pub fn with_spans(mut self, spans: &'a mut Vec<Span>) -> Self {
        self.spans = Some(spans);
        self
    }
}

impl TermSink for ColumnCollector<'_> {
    fn word(&mut self, word: &str, span: Span) {
        let (min, max) = self.ngrams;
        let word = self.index.word(word);
        // The n-grams ending here are those ending at the previous word, one word longer.
        for k in (1..max).rev() {
            self.ending[k] = match (self.ending[k - 1], word) {
                (Some(node), Some(word)) => self.index.extend(node, word),
                _ => None,
            };
        }
        self.ending[0] = word;
        match &mut self.spans {
            None => {
                for node in self.ending[min - 1..max].iter().flatten() {
                    self.columns.extend(self.index.node_column(*node));
                }
            }
            Some(spans) => {
                self.starts.copy_within(0..max - 1, 1);
                self.starts[0] = span.start;
                for k in min - 1..max {
                    if let Some(col) = self.ending[k].and_then(|n| self.index.node_column(n)) {
                        self.columns.push(col);
                        spans.push(Span {
                            start: self.starts[k],
                            end: span.end,
                        });
                    }
                }
            }
        }
    }

    fn term(&mut self, term: &str, span: Span) {
        if let Some(col) = self.index.column(term) {
            self.columns.push(col);
            if let Some(spans) = &mut self.spans {
                spans.push(span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(terms: &[&str]) -> TermIndex {
        TermIndex::new(&terms.iter().map(|t| t.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn terms_are_found_by_their_words() {
        let vocabulary = ["#ab ", "a", "a b c", "b", "b c", "d e"];
        let index = index(&vocabulary);
        for (col, term) in vocabulary.iter().enumerate() {
            assert_eq!(index.column(term), Some(col), "{term:?}");
        }
        // "a b" and "d" are on the way to terms but are none; "c" only ends terms.
        for absent in ["a b", "d", "c", "e", "x", "a c", "b c d", "", " ", "#ab"] {
            assert_eq!(index.column(absent), None, "{absent:?}");
        }
    }

    /// The collector finds the columns the joined n-gram strings have, whatever the range.
    #[test]
    fn collector_equals_string_lookup() {
        let vocabulary = ["a", "a b", "a b c", "b", "b c d", "c", "c a", "d"];
        let index = index(&vocabulary);
        let words = ["a", "b", "c", "a", "x", "b", "c", "d", "a", "b", "c"];
        for min in 1..=4 {
            for max in min..=4 {
                let mut expected = Vec::new();
                let mut ngrams = crate::text::ngrams::WordNgrams::new(min, max);
                for w in words {
                    ngrams.push(w, &mut |t| expected.extend(index.column(t)));
                }
                let mut got = Vec::new();
                let mut collector = ColumnCollector::new(&index, (min, max), &mut got);
                for w in words {
                    collector.word(w, Span::default());
                }
                assert_eq!(got, expected, "({min}, {max})");
            }
        }
    }
}
