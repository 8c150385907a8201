//! Features: term lists → vocabulary and IDF → L2-normalized TF-IDF rows (sparse CSR), with
//! scikit-learn's `TfidfVectorizer` semantics (checked against it in
//! `tests/tfidf_sklearn.rs`).

pub mod tfidf;
mod vocab;

pub use tfidf::{SparseRow, TfidfVectorizer, VectorizerParams};
