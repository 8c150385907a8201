//! Features: term lists → vocabulary and IDF → L2-normalized TF-IDF rows (sparse CSR), with
//! scikit-learn's `TfidfVectorizer` semantics (checked against it in
//! `tests/tfidf_sklearn.rs`).

pub mod corpus;
mod term_index;
pub mod tfidf;
mod vocab;

pub use corpus::TermCorpus;
pub use tfidf::{CorpusColumns, Csr, SparseRow, TfidfVectorizer, VectorizerParams};

/// Whitespace-split term lists, for the tests of this module's stages.
#[cfg(test)]
fn test_docs(texts: &[&str]) -> Vec<Vec<String>> {
    texts
        .iter()
        .map(|t| t.split_whitespace().map(str::to_owned).collect())
        .collect()
}
