//! The token that flows through the analysis chain, and the stream trait every stage implements.

/// One word of the source text as it leaves a stage of the chain.
///
/// `text` is what the stage made of the word (lowercased, stemmed, …); `start..end` is the byte
/// span of the source word and never changes after the tokenizer, so `&source[start..end]` is
/// always the word as written. `position` is the word's index in the tokenizer's output: filters
/// that drop tokens leave gaps in it, like tantivy's positions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Token {
    /// The normalized text of the token.
    pub text: String,
    /// Byte offset of the first byte of the source word.
    pub start: usize,
    /// Byte offset one past the last byte of the source word.
    pub end: usize,
    /// Index of the source word among all words the tokenizer produced.
    pub position: usize,
}

/// A byte span of the source text: where a term's words were written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Token {
    /// The source span of the word.
    pub fn span(&self) -> Span {
        Span {
            start: self.start,
            end: self.end,
        }
    }
}

/// A stream of tokens, advanced one at a time.
///
/// Each stage owns one reusable [`Token`] and rewrites it in place, so a document flows through
/// the whole chain without allocating per token (the design of tantivy's `TokenStream`).
pub trait TokenStream {
    /// Moves to the next token; returns `false` when the stream is exhausted.
    fn advance(&mut self) -> bool;
    /// The current token (valid after `advance` returned `true`).
    fn token(&self) -> &Token;
    /// The current token, for a filter to rewrite.
    fn token_mut(&mut self) -> &mut Token;
}

impl<S: TokenStream + ?Sized> TokenStream for Box<S> {
    fn advance(&mut self) -> bool {
        (**self).advance()
    }
    fn token(&self) -> &Token {
        (**self).token()
    }
    fn token_mut(&mut self) -> &mut Token {
        (**self).token_mut()
    }
}

#[cfg(test)]
pub(crate) mod test_helpers {
    use super::{Token, TokenStream};

    /// Drains a stream into owned tokens.
    pub fn collect(mut stream: impl TokenStream) -> Vec<Token> {
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    /// The shared assert helper of the stage tests (tantivy's `assert_token`): checks a token's
    /// text, and that its offsets are char boundaries whose source slice is `source_word`.
    #[track_caller]
    pub fn assert_token(source: &str, token: &Token, text: &str, source_word: &str) {
        assert_eq!(token.text, text, "token text of {token:?}");
        assert!(
            source.is_char_boundary(token.start) && source.is_char_boundary(token.end),
            "offsets of {token:?} are not char boundaries of {source:?}"
        );
        assert_eq!(
            source.get(token.start..token.end),
            Some(source_word),
            "source span of {token:?}"
        );
    }

    /// Texts of the tokens, for compact assertions.
    pub fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }
}
