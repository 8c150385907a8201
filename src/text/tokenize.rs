//! The word tokenizer: the first stage of the chain.
//!
//! Rules, in the order they are tried at the start of a word:
//! - **Dotted abbreviations** — single letters joined by dots, the final dot included: "U.S.",
//!   "U.N.", "e.g.". "U.S." must not become the pronoun "us" (a stop word), and in
//!   "U.S.-Russian" the hyphen ends it, giving "U.S." and "Russian".
//! - **Words** — runs of letters, digits and combining marks (Unicode-aware). An apostrophe
//!   (`'`, `’`, `ʼ`, `‘`) between two word characters joins them ("don't", "O’Brien",
//!   "Russia’s") and is normalized to `'` in the token text. A `.` or `,` between two digits
//!   joins them ("3.5", "1,000"). Everything else — hyphens, quotes (straight or curly),
//!   brackets, other punctuation — separates words and is dropped.
//! - **Negated contractions** — "don't" gives "do" + "not", "can't" gives "can" + "not",
//!   "won't" gives "will" + "not", "cannot" gives "can" + "not": the negation becomes a token
//!   of its own (text `not`, offsets of the `n't` / `not` part) so that stop-word removal and
//!   negation scope see it, and "don't" and "do not" share features.
//!
//! Offsets are byte offsets into the source; the token text may differ from the source slice
//! only by apostrophe normalization and the contraction rewrites above.

use super::token::{Token, TokenStream};

/// The text of the token a negated contraction ("n't", "cannot") yields.
pub const NEGATION_TOKEN: &str = "not";

/// Streams the words of a text, with byte offsets.
///
/// ```
/// use tonetrack::text::{Token, TokenStream, WordTokenizer};
/// let text = "The U.S. won’t agree.";
/// let mut stream = WordTokenizer::new(text);
/// let mut words = Vec::new();
/// while stream.advance() {
///     let t = stream.token();
///     words.push((t.text.clone(), &text[t.start..t.end]));
/// }
/// assert_eq!(
///     words,
///     [("The".into(), "The"), ("U.S.".into(), "U.S."), ("will".into(), "wo"),
///      ("not".into(), "n’t"), ("agree".into(), "agree")]
/// );
/// ```
#[derive(Debug)]
pub struct WordTokenizer<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    /// The negation half of a contraction, emitted on the next `advance`.
    pending_negation: Option<(usize, usize)>,
    /// Position the next emitted token gets.
    next_position: usize,
    token: Token,
}

impl<'a> WordTokenizer<'a> {
    /// A stream over the words of `text`.
    pub fn new(text: &'a str) -> Self {
        WordTokenizer {
            text,
            cursor: 0,
            pending_negation: None,
            next_position: 0,
            token: Token::default(),
        }
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|s| s.chars().next())
    }

    /// Byte offset of the next word character at or after the cursor.
    fn next_word_start(&self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut i = self.cursor;
        loop {
            let b = *bytes.get(i)?;
            if b.is_ascii_alphanumeric() {
                return Some(i);
            }
            if b.is_ascii() {
                i += 1;
                continue;
            }
            let c = self.char_at(i)?;
            if is_word_char(c) {
                return Some(i);
            }
            i += c.len_utf8();
        }
    }

    /// Sets the current token and advances the position counter.
    fn emit(&mut self, start: usize, end: usize) {
        self.token.start = start;
        self.token.end = end;
        self.token.position = self.next_position;
        self.next_position += 1;
    }

    /// End of a dotted abbreviation starting at `start` ("U.S.", "e.g.", "U.S" at the end of a
    /// text), if there is one: at least two single letters, each but the last followed by a dot.
    fn abbreviation_end(&self, start: usize) -> Option<usize> {
        // Fast path for the bulk of words: a digit, or an ASCII letter followed by a letter or
        // digit, cannot start an abbreviation (the loop below would say so after decoding two
        // chars).
        let bytes = self.text.as_bytes();
        let first = bytes.get(start).copied().unwrap_or(0);
        let second = bytes.get(start + 1).copied().unwrap_or(0);
        if first.is_ascii_digit() || (first.is_ascii_alphabetic() && second.is_ascii_alphanumeric())
        {
            return None;
        }
        let mut i = start;
        let mut dotted = 0;
        loop {
            let c = self.char_at(i).filter(|c| c.is_alphabetic())?;
            let after_letter = i + c.len_utf8();
            match self.char_at(after_letter) {
                Some('.') => {
                    dotted += 1;
                    i = after_letter + 1;
                    if !self.char_at(i).is_some_and(char::is_alphabetic) {
                        return (dotted >= 2).then_some(i);
                    }
                }
                // The letter starts a longer word: no abbreviation ("B.Then" is "B", "Then").
                Some(next) if is_word_char(next) => return None,
                // A final letter without its dot ("U.S" at the end of a text).
                _ => return (dotted >= 1).then_some(after_letter),
            }
        }
    }

    /// End of the ordinary word starting at `start`.
    fn word_end(&self, start: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = start;
        let mut prev: Option<char> = None;
        loop {
            // Fast path over ASCII letters and digits, the bulk of English text.
            let run_start = end;
            while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
            if end > run_start {
                prev = bytes.get(end - 1).map(|&b| char::from(b));
            }
            // Most words end at an ASCII space or punctuation mark that cannot join them.
            if bytes
                .get(end)
                .is_some_and(|&b| b.is_ascii() && !matches!(b, b'\'' | b'.' | b','))
            {
                return end;
            }
            let Some(c) = self.char_at(end) else {
                return end;
            };
            if is_word_char(c) {
                end += c.len_utf8();
                prev = Some(c);
                continue;
            }
            let joins = match (prev, self.char_at(end + c.len_utf8())) {
                (Some(p), Some(next)) if is_apostrophe(c) => is_word_char(p) && is_word_char(next),
                (Some(p), Some(next)) if c == '.' || c == ',' => {
                    p.is_numeric() && next.is_numeric()
                }
                _ => false,
            };
            if !joins {
                return end;
            }
            end += c.len_utf8();
            prev = Some(c);
        }
    }

    /// Writes `text[start..end]` into the token text, normalizing apostrophes to `'`.
    fn set_text(&mut self, start: usize, end: usize) {
        self.token.text.clear();
        let word = self.text.get(start..end).unwrap_or_default();
        // Only a straight apostrophe or a non-ASCII byte can start an apostrophe to normalize.
        if !word.bytes().any(|b| b == b'\'' || !b.is_ascii()) {
            self.token.text.push_str(word);
            return;
        }
        for c in word.chars() {
            self.token
                .text
                .push(if is_apostrophe(c) { '\'' } else { c });
        }
    }
}

impl TokenStream for WordTokenizer<'_> {
    fn advance(&mut self) -> bool {
        if let Some((start, end)) = self.pending_negation.take() {
            self.token.text.clear();
            self.token.text.push_str(NEGATION_TOKEN);
            self.emit(start, end);
            return true;
        }
        let Some(start) = self.next_word_start() else {
            self.cursor = self.text.len();
            return false;
        };
        let end = self
            .abbreviation_end(start)
            .unwrap_or_else(|| self.word_end(start));
        self.cursor = end;
        let negation_start = self
            .text
            .get(start..end)
            .and_then(negation_offset)
            .map(|offset| start + offset);
        match negation_start {
            // A bare "n't": the whole word is the negation.
            Some(negation_start) if negation_start == start => {
                self.token.text.clear();
                self.token.text.push_str(NEGATION_TOKEN);
            }
            Some(negation_start) => {
                self.set_text(start, negation_start);
                expand_contraction_base(&mut self.token.text);
                self.pending_negation = Some((negation_start, end));
                self.emit(start, negation_start);
                return true;
            }
            None => self.set_text(start, end),
        }
        self.emit(start, end);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Letters, digits and combining marks make words.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The combining diacritical blocks, so that a decomposed "é" stays one word.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Characters used as apostrophes in news text (typewriter, typographic, modifier letter, and
/// the left quote that some sources use by mistake).
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{2018}')
}

/// Byte offset in `word` where its negation part begins: the `n` of a final "n't" (whatever
/// the apostrophe) or the "not" of "cannot". `None` if the word is no negated contraction.
fn negation_offset(word: &str) -> Option<usize> {
    // Both forms end in a "t": most words are ruled out by their last byte.
    if !matches!(word.as_bytes().last(), Some(b't' | b'T')) {
        return None;
    }
    negated_contraction(word)
}

/// [`negation_offset`] read a character at a time, for any word.
fn negated_contraction(word: &str) -> Option<usize> {
    if word.eq_ignore_ascii_case("cannot") {
        return Some(3);
    }
    let mut chars = word.char_indices().rev();
    let (_, t) = chars.next()?;
    let (_, apostrophe) = chars.next()?;
    let (n_offset, n) = chars.next()?;
    (t.eq_ignore_ascii_case(&'t') && is_apostrophe(apostrophe) && n.eq_ignore_ascii_case(&'n'))
        .then_some(n_offset)
}

/// The Penn Treebank bases that are not words: "ca" (can't), "wo" (won't), "sha" (shan't).
fn expand_contraction_base(base: &mut String) {
    let full = if base.eq_ignore_ascii_case("ca") {
        "can"
    } else if base.eq_ignore_ascii_case("wo") {
        "will"
    } else if base.eq_ignore_ascii_case("sha") {
        "shall"
    } else {
        return;
    };
    base.clear();
    base.push_str(full);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::token::test_helpers::{assert_token, collect, texts};

    /// Where the word starting at `start` ends, by the rules alone, a character at a time:
    /// the oracle of [`WordTokenizer::word_end`]'s byte shortcuts.
    fn word_end_by_chars(text: &str, start: usize) -> usize {
        let char_at = |i: usize| text.get(i..).and_then(|s| s.chars().next());
        let (mut end, mut prev) = (start, None);
        loop {
            let Some(c) = char_at(end) else {
                return end;
            };
            let joins = is_word_char(c)
                || match (prev, char_at(end + c.len_utf8())) {
                    (Some(p), Some(next)) if is_apostrophe(c) => {
                        is_word_char(p) && is_word_char(next)
                    }
                    (Some(p), Some(next)) if c == '.' || c == ',' => {
                        char::is_numeric(p) && next.is_numeric()
                    }
                    _ => false,
                };
            if !joins {
                return end;
            }
            end += c.len_utf8();
            prev = Some(c);
        }
    }

    proptest::proptest! {
        /// The word tokenizer's byte shortcuts end every word where the rules, read a
        /// character at a time, end it, and find the same negated contractions.
        #[test]
        fn shortcuts_agree_with_the_rules(
            text in "([a-zA-Z0-9é.,'’ʼ‘\u{301}\u{a0} -]|n't|N’T|nʼt|cannot|U\\.S|3\\.5|1,000){0,24}"
        ) {
            let tokenizer = WordTokenizer::new(&text);
            for (start, c) in text.char_indices() {
                if is_word_char(c) {
                    proptest::prop_assert_eq!(
                        tokenizer.word_end(start),
                        word_end_by_chars(&text, start),
                        "{:?} from {}", text, start
                    );
                }
            }
            for word in text.split([' ', '\u{a0}', '-', '.', ',']) {
                proptest::prop_assert_eq!(negation_offset(word), negated_contraction(word));
            }
        }

        /// The hand-written scan finds exactly what the pattern `\b\w\w+\b` finds.
        #[test]
        fn sklearn_tokenizer_equals_the_pattern(
            text in "(\\PC|[a-z_0-9 .,'’\u{301}\u{200d}]){0,60}"
        ) {
            let pattern = regex::Regex::new(r"\b\w\w+\b").unwrap();
            let expected: Vec<(usize, usize)> =
                pattern.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            let got: Vec<(usize, usize)> = collect(SklearnTokenizer::new(&text))
                .iter()
                .map(|t| (t.start, t.end))
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    /// Expected tokens from scikit-learn 1.9.1:
    /// `CountVectorizer(lowercase=False).build_analyzer()(text)`.
    #[test]
    fn sklearn_tokenizer_matches_scikit_learn() {
        let cases: [(&str, &[&str]); 3] = [
            (
                "The U.S. won't agree, I think.",
                &["The", "won", "agree", "think"],
            ),
            (
                "Lavrov’s “downward trend” — 2019/20 snake_case x1 a",
                &[
                    "Lavrov",
                    "downward",
                    "trend",
                    "2019",
                    "20",
                    "snake_case",
                    "x1",
                ],
            ),
            (
                "Émigrés in Москва said: «нет» 5%",
                &["Émigrés", "in", "Москва", "said", "нет"],
            ),
        ];
        for (text, expected) in cases {
            let tokens = collect(SklearnTokenizer::new(text));
            assert_eq!(texts(&tokens), expected, "{text}");
            for (position, token) in tokens.iter().enumerate() {
                assert_token(text, token, &token.text, &token.text);
                assert_eq!(token.position, position);
            }
        }
    }

    fn tokenize(text: &str) -> Vec<Token> {
        collect(WordTokenizer::new(text))
    }

    #[test]
    fn us_abbreviation_is_not_the_pronoun() {
        let text = "The U.S. told us.";
        let tokens = tokenize(text);
        assert_eq!(texts(&tokens), ["The", "U.S.", "told", "us"]);
        assert_token(text, &tokens[1], "U.S.", "U.S.");
    }

    #[test]
    fn hyphen_ends_an_abbreviation() {
        let text = "U.S.-Russian relations";
        let tokens = tokenize(text);
        assert_eq!(texts(&tokens), ["U.S.", "Russian", "relations"]);
        assert_token(text, &tokens[0], "U.S.", "U.S.");
        assert_token(text, &tokens[1], "Russian", "Russian");
    }

    #[test]
    fn abbreviations_without_final_dot_and_single_initials() {
        assert_eq!(texts(&tokenize("in the U.S")), ["in", "the", "U.S"]);
        assert_eq!(
            texts(&tokenize("the U.N. and e.g. this")),
            ["the", "U.N.", "and", "e.g.", "this"]
        );
        // A lone initial is not an abbreviation: "J." is a word followed by a full stop.
        assert_eq!(texts(&tokenize("Michael J. Fox")), ["Michael", "J", "Fox"]);
        // A sentence ending in a one-letter word followed by another sentence.
        assert_eq!(texts(&tokenize("plan B. Then")), ["plan", "B", "Then"]);
    }

    #[test]
    fn negated_contractions_yield_a_negation_token() {
        let text = "I don’t know, they can't and won't.";
        let tokens = tokenize(text);
        assert_eq!(
            texts(&tokens),
            ["I", "do", "not", "know", "they", "can", "not", "and", "will", "not"]
        );
        assert_token(text, &tokens[1], "do", "do");
        assert_token(text, &tokens[2], "not", "n’t");
        assert_token(text, &tokens[5], "can", "ca");
        assert_token(text, &tokens[6], "not", "n't");
        assert_token(text, &tokens[8], "will", "wo");
        assert_token(text, &tokens[9], "not", "n't");
        let positions: Vec<usize> = tokens.iter().map(|t| t.position).collect();
        assert_eq!(positions, (0..tokens.len()).collect::<Vec<_>>());
    }

    #[test]
    fn cannot_splits() {
        let text = "We cannot";
        let tokens = tokenize(text);
        assert_eq!(texts(&tokens), ["We", "can", "not"]);
        assert_token(text, &tokens[1], "can", "can");
        assert_token(text, &tokens[2], "not", "not");
    }

    #[test]
    fn apostrophes_inside_words_are_kept_and_normalized() {
        let text = "Russia’s O'Brien rock ’n’ roll students' 'quoted'";
        let tokens = tokenize(text);
        assert_eq!(
            texts(&tokens),
            ["Russia's", "O'Brien", "rock", "n", "roll", "students", "quoted"]
        );
        assert_token(text, &tokens[0], "Russia's", "Russia’s");
    }

    #[test]
    fn curly_and_straight_quotes_separate_words() {
        let text = "a “piece of shit” and \"this\" «that» ‘so’";
        let tokens = tokenize(text);
        assert_eq!(
            texts(&tokens),
            ["a", "piece", "of", "shit", "and", "this", "that", "so"]
        );
        assert_token(text, &tokens[1], "piece", "piece");
        assert_token(text, &tokens[3], "shit", "shit");
    }

    #[test]
    fn numbers() {
        let text = "a 30-minute meeting cost $1,000.50 or 3.5% in 2016.";
        let tokens = tokenize(text);
        assert_eq!(
            texts(&tokens),
            ["a", "30", "minute", "meeting", "cost", "1,000.50", "or", "3.5", "in", "2016"]
        );
        assert_token(text, &tokens[5], "1,000.50", "1,000.50");
    }

    #[test]
    fn unicode_words_and_offsets() {
        let text = "Путин sagte: «Café» — naïve cafe\u{301}!";
        let tokens = tokenize(text);
        assert_eq!(
            texts(&tokens),
            ["Путин", "sagte", "Café", "naïve", "cafe\u{301}"]
        );
        for token in &tokens {
            assert_token(text, token, &token.text.clone(), &token.text.clone());
        }
    }

    #[test]
    fn empty_and_punctuation_only() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" .,;—“”' ").is_empty());
        assert_eq!(texts(&tokenize("n't")), ["not"]);
    }
}

/// Tokens as scikit-learn's `CountVectorizer` finds them with its default `token_pattern`,
/// `(?u)\b\w\w+\b`: maximal runs of two or more word characters. Kept beside
/// [`WordTokenizer`] so that a model can reproduce a scikit-learn baseline token for token (it
/// drops one-letter words, splits "U.S." into two dropped letters and "don't" into "don" and a
/// dropped "t"). The runs are scanned directly with the regex crate's definition of `\w`:
/// the pattern itself, with its Unicode word boundaries, ran three times slower.
///
/// ```
/// use tonetrack::text::{SklearnTokenizer, TokenStream};
/// let mut stream = SklearnTokenizer::new("The U.S. won't agree, I think");
/// let mut words = Vec::new();
/// while stream.advance() {
///     words.push(stream.token().text.clone());
/// }
/// assert_eq!(words, ["The", "won", "agree", "think"]);
/// ```
#[derive(Debug)]
pub struct SklearnTokenizer<'a> {
    text: &'a str,
    /// Byte offset where the search for the next run starts.
    cursor: usize,
    /// Position the next emitted token gets.
    next_position: usize,
    token: Token,
}

impl<'a> SklearnTokenizer<'a> {
    /// A stream over the tokens of `text`.
    pub fn new(text: &'a str) -> Self {
        SklearnTokenizer {
            text,
            cursor: 0,
            next_position: 0,
            token: Token::default(),
        }
    }

    /// The next maximal run of word characters at or after the cursor: `(start, end, chars)`.
    fn next_run(&mut self) -> Option<(usize, usize, usize)> {
        let mut start = self.cursor;
        loop {
            let (word, len) = self.char_at(start)?;
            if word {
                break;
            }
            start += len;
        }
        let (mut end, mut chars) = (start, 0);
        while let Some((true, len)) = self.char_at(end) {
            end += len;
            chars += 1;
        }
        self.cursor = end;
        Some((start, end, chars))
    }

    /// Whether the char at byte `at` is a word character (`\w`), and its length in bytes;
    /// `None` at the end of the text. ASCII is classified without decoding a char: news
    /// text is mostly ASCII.
    fn char_at(&self, at: usize) -> Option<(bool, usize)> {
        let byte = *self.text.as_bytes().get(at)?;
        if byte.is_ascii() {
            return Some((byte.is_ascii_alphanumeric() || byte == b'_', 1));
        }
        let c = self.text[at..].chars().next()?;
        Some((regex_syntax::is_word_character(c), c.len_utf8()))
    }
}

impl TokenStream for SklearnTokenizer<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let Some((start, end, chars)) = self.next_run() else {
                return false;
            };
            if chars < 2 {
                continue;
            }
            self.token.text.clear();
            self.token.text.push_str(&self.text[start..end]);
            self.token.start = start;
            self.token.end = end;
            self.token.position = self.next_position;
            self.next_position += 1;
            return true;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
