//! What several benches share: NewsMTSC's training sentences and the training settings that
//! `benches/compare_sklearn.py` gives both tools.

// Each bench uses a part of this module.
#![allow(dead_code)]

use tonetrack::model::train::{CChoice, TrainParams};
use tonetrack::text::{AnalyzerConfig, Tokenizer};

/// NewsMTSC's training CSV, beside the crate in `../shared` (absent from a user's clone).
pub const TRAIN_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/newsmtsc/train.csv"
);

/// The `text` and `label` columns of [`TRAIN_CSV`]; `None` when it is absent or unreadable.
pub fn newsmtsc_train() -> Option<(Vec<String>, Vec<String>)> {
    let mut reader = csv::Reader::from_path(TRAIN_CSV).ok()?;
    let headers = reader.headers().ok()?.clone();
    let text = headers.iter().position(|h| h == "text")?;
    let label = headers.iter().position(|h| h == "label")?;
    let (mut texts, mut labels) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record.ok()?;
        texts.push(record.get(text)?.to_string());
        labels.push(record.get(label)?.to_string());
    }
    Some((texts, labels))
}

/// scikit-learn's `TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)` +
/// `LogisticRegression(C=3, max_iter=1000)`, as `tonetrack train --tokenizer sklearn
/// --keep-stop-words --no-stem --c 3 --max-iter 1000`.
pub fn sklearn_equivalent_params() -> TrainParams {
    TrainParams {
        analyzer: AnalyzerConfig {
            tokenizer: Tokenizer::Sklearn,
            stop_words: false,
            stem: false,
            ..AnalyzerConfig::default()
        },
        min_df: 2,
        sublinear_tf: true,
        c: CChoice::Fixed(3.0),
        max_iterations: 1000,
        ..TrainParams::default()
    }
}
