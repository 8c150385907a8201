//! Helpers shared by the tests that compare the reader with gold quotations.

/// Collapses whitespace and removes quotation marks: the form in which an extracted
/// quotation and a gold one are compared.
pub fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '"' | '“' | '”' | '‘' | '’' | '\'' | '«' | '»'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
