//! The last stage: word n-grams over the filtered tokens and character n-grams inside words.
//!
//! Both emit their terms through a callback borrowing a reused buffer, so that turning a
//! document into terms allocates nothing per term.

use std::collections::VecDeque;

/// Prefix of character n-gram terms, which keeps them apart from words: no word token
/// contains `#`, so "#ab" can never be a word or a word n-gram.
pub const CHAR_NGRAM_PREFIX: &str = "#";

/// Emits the word n-grams (n in `min..=max`) ending at each word pushed, joined by one space,
/// as scikit-learn's `_word_ngrams` does (the order differs: by end word, then by n).
#[derive(Debug)]
pub struct WordNgrams {
    min: usize,
    max: usize,
    /// The last `max` words, oldest first; only the last `filled` belong to the current
    /// document. Their buffers are reused across words and documents.
    window: VecDeque<String>,
    filled: usize,
    scratch: String,
}

impl Default for WordNgrams {
    /// Unigrams.
    fn default() -> Self {
        WordNgrams::new(1, 1)
    }
}

impl WordNgrams {
    /// N-grams with `1 <= min <= max` (the analyzer checks the range).
    pub fn new(min: usize, max: usize) -> Self {
        WordNgrams {
            min,
            max,
            window: VecDeque::with_capacity(max),
            filled: 0,
            scratch: String::new(),
        }
    }

    /// Starts a new document with n-grams of `min..=max` words, keeping the buffers.
    pub fn reset(&mut self, min: usize, max: usize) {
        self.min = min;
        self.max = max;
        // The slots of the old window keep their capacity for the next words.
        while self.window.len() > max {
            self.window.pop_front();
        }
        self.filled = 0;
    }

    /// Adds the next word and emits every n-gram that ends with it.
    pub fn push(&mut self, word: &str, emit: &mut impl FnMut(&str)) {
        let mut slot = if self.window.len() >= self.max {
            self.window.pop_front().unwrap_or_default()
        } else {
            String::new()
        };
        slot.clear();
        slot.push_str(word);
        self.window.push_back(slot);
        self.filled = (self.filled + 1).min(self.max);
        let len = self.window.len();
        for n in self.min..=self.max.min(self.filled) {
            if n == 1 {
                emit(word);
                continue;
            }
            self.scratch.clear();
            for (i, w) in self.window.range(len - n..).enumerate() {
                if i > 0 {
                    self.scratch.push(' ');
                }
                self.scratch.push_str(w);
            }
            emit(&self.scratch);
        }
    }
}

/// Emits the character n-grams (n in `min..=max`, counted in chars) of `word` padded with one
/// space on each side, each prefixed with [`CHAR_NGRAM_PREFIX`] — scikit-learn's `char_wb`
/// analyzer applied to one word, including its quirk that a padded word no longer than n is
/// emitted once, whole, and ends the loop over n.
///
/// `bounds` and `term` are scratch buffers the caller keeps across calls.
pub fn char_wb_ngrams(
    word: &str,
    (min, max): (usize, usize),
    bounds: &mut Vec<usize>,
    term: &mut String,
    emit: &mut impl FnMut(&str),
) {
    // Byte offsets of the char boundaries of " word ": bounds[i] is where char i starts.
    bounds.clear();
    bounds.push(0);
    bounds.extend(word.char_indices().map(|(i, _)| i + 1));
    bounds.push(word.len() + 1);
    bounds.push(word.len() + 2);
    let chars = bounds.len() - 1;
    for n in min..=max {
        let mut offset = 0;
        loop {
            let end = (offset + n).min(chars);
            term.clear();
            term.push_str(CHAR_NGRAM_PREFIX);
            push_padded(term, word, bounds[offset], bounds[end]);
            emit(term);
            if offset + n >= chars {
                break;
            }
            offset += 1;
        }
        if offset == 0 {
            break;
        }
    }
}

/// Appends bytes `from..to` of `" " + word + " "` to `out` without building the padded word.
fn push_padded(out: &mut String, word: &str, from: usize, to: usize) {
    let word_end = word.len() + 1;
    if from == 0 {
        out.push(' ');
    }
    let inner_from = from.max(1) - 1;
    let inner_to = to.min(word_end).saturating_sub(1);
    if inner_from < inner_to {
        out.push_str(word.get(inner_from..inner_to).unwrap_or_default());
    }
    if to > word_end {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word_ngrams(words: &[&str], min: usize, max: usize) -> Vec<String> {
        let mut ngrams = WordNgrams::new(min, max);
        let mut out = Vec::new();
        for w in words {
            ngrams.push(w, &mut |t| out.push(t.to_string()));
        }
        out
    }

    fn char_wb(word: &str, min: usize, max: usize) -> Vec<String> {
        let mut out = Vec::new();
        char_wb_ngrams(
            word,
            (min, max),
            &mut Vec::new(),
            &mut String::new(),
            &mut |t| {
                out.push(
                    t.strip_prefix(CHAR_NGRAM_PREFIX)
                        .unwrap_or("MISSING PREFIX")
                        .to_string(),
                )
            },
        );
        out
    }

    #[test]
    fn word_unigrams_and_bigrams() {
        assert_eq!(
            word_ngrams(&["putin", "tgtmention", "relat"], 1, 2),
            [
                "putin",
                "tgtmention",
                "putin tgtmention",
                "relat",
                "tgtmention relat"
            ]
        );
    }

    #[test]
    fn word_bigrams_and_trigrams_only() {
        assert_eq!(
            word_ngrams(&["a", "b", "c", "d"], 2, 3),
            ["a b", "b c", "a b c", "c d", "b c d"]
        );
        assert!(word_ngrams(&["a"], 2, 3).is_empty());
    }

    #[test]
    fn char_wb_matches_sklearn() {
        // sklearn: TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)) on "abc":
        // ' a', 'ab', 'bc', 'c ', ' ab', 'abc', 'bc '.
        assert_eq!(
            char_wb("abc", 2, 3),
            [" a", "ab", "bc", "c ", " ab", "abc", "bc "]
        );
        // Padded " a " has 3 chars: n = 2 gives two grams, n = 3 the whole word once, and
        // n = 4, 5 nothing more.
        assert_eq!(char_wb("a", 2, 5), [" a", "a ", " a "]);
    }

    #[test]
    fn char_wb_counts_chars_not_bytes() {
        assert_eq!(char_wb("путь", 4, 4), [" пут", "путь", "уть "]);
        assert_eq!(char_wb("é", 1, 1), [" ", "é", " "]);
    }
}
