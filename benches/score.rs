//! Scoring throughput: raw sentence → analyzer → TF-IDF row → class probabilities, in bytes of
//! text per second, with a model trained with the settings `benches/compare_sklearn.py` gives
//! scikit-learn (its tokenizer, stop words kept, no stemming, word 1–2 grams, min_df 2,
//! sublinear tf, C = 3).
//!
//! Input: the sentences of `../shared/data/newsmtsc/train.csv` (needed; without it the bench
//! says so and measures nothing). The model is trained on the same sentences at start-up.
//!
//! Run: `cargo bench --bench score -- --warm-up-time 1 --measurement-time 5`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tonetrack::model::train::Examples;
use tonetrack::predict::predict_batch;

mod common;
use common::{newsmtsc_train, sklearn_equivalent_params, TRAIN_CSV};

fn score(c: &mut Criterion) {
    let Some((texts, labels)) = newsmtsc_train() else {
        eprintln!("skipping score bench: {TRAIN_CSV} is absent or unreadable");
        return;
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let params = sklearn_equivalent_params().check().expect("valid params");
    let (classifier, report) = params
        .fit(Examples::new(texts.clone(), labels))
        .expect("fit");
    eprintln!(
        "score bench: {} sentences, {bytes} bytes; model: {} features, {} iterations",
        texts.len(),
        report.features,
        report.iterations
    );
    let mut group = c.benchmark_group("score");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    // Probabilities only, as scikit-learn's transform + predict_proba.
    group.bench_function("probabilities/rayon", |b| {
        b.iter(|| black_box(predict_batch(&classifier, &texts, 0)))
    });
    group.bench_function("probabilities/serial", |b| {
        b.iter(|| {
            let n: usize = texts
                .iter()
                .map(|t| classifier.predict(t, 0).probabilities.len())
                .sum();
            black_box(n)
        })
    });
    // What `predict` prints: the 5 strongest terms too.
    group.bench_function("top5/rayon", |b| {
        b.iter(|| black_box(predict_batch(&classifier, &texts, 5)))
    });
    group.finish();
}

// No plots: plotters finds no system font on the build machine and criterion panics.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = score
}
criterion_main!(benches);
