//! Training time on NewsMTSC's training sentences, with the settings `benches/compare_sklearn.py`
//! gives scikit-learn (its tokenizer, stop words kept, no stemming, word 1–2 grams, min_df 2,
//! sublinear tf, C = 3):
//!
//! - `train/newsmtsc`: the whole fit as `tonetrack train` runs it, from the texts in memory to
//!   the fitted classifier (analysis, vocabulary, TF-IDF matrix, L-BFGS). This is the work
//!   scikit-learn's timed `fit_transform` + `fit` does in `compare_sklearn.py`.
//! - `train/optimizer`, `train/optimizer_one_thread`: the logistic regression alone, on the
//!   TF-IDF matrix of the same pipeline.
//!
//! Needs `../shared/data/newsmtsc/train.csv` beside the crate; without it the bench says so and
//! measures nothing.
//!
//! Run: `cargo bench --bench train -- --noplot`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tonetrack::features::{TermCorpus, VectorizerParams};
use tonetrack::model::logistic::LogisticParams;
use tonetrack::model::train::{CChoice, Examples};
use tonetrack::text::Analyzer;

mod common;
use common::{newsmtsc_train, sklearn_equivalent_params, TRAIN_CSV};

fn bench_fit(c: &mut Criterion) {
    let Some((texts, labels)) = newsmtsc_train() else {
        eprintln!("skipping train bench: {TRAIN_CSV} is absent or unreadable");
        return;
    };
    let params = sklearn_equivalent_params();
    let pipeline = params.clone().check().expect("valid parameters");

    // The optimizer's input, built as the pipeline builds it.
    let analyzer = Analyzer::new(params.analyzer.clone()).expect("valid analyzer");
    let corpus = TermCorpus::from_texts(&analyzer, &texts);
    let all: Vec<usize> = (0..texts.len()).collect();
    let vectorizer_params = VectorizerParams {
        min_df: params.min_df,
        max_df: params.max_df,
        max_features: params.max_features,
        sublinear_tf: params.sublinear_tf,
    };
    let (vectorizer, columns) = vectorizer_params
        .fit_corpus(&corpus, &all)
        .expect("vocabulary");
    let x = vectorizer.transform_corpus(&corpus, &all, &columns);
    let mut classes = labels.clone();
    classes.sort();
    classes.dedup();
    let y: Vec<usize> = labels
        .iter()
        .map(|l| classes.binary_search(l).expect("a known label"))
        .collect();
    // As `train` sets them: the tolerance is per training row.
    let CChoice::Fixed(inverse_penalty) = params.c else {
        unreachable!("the compared settings fix C")
    };
    let logistic = LogisticParams {
        c: inverse_penalty,
        max_iterations: params.max_iterations,
        gradient_tolerance: params.gradient_tolerance * texts.len() as f64,
    }
    .check()
    .expect("valid parameters");
    let model = logistic.fit(&x, &y, classes.len(), None).expect("fit");
    eprintln!(
        "train bench: {} rows × {} features, {} non-zeros; C = {inverse_penalty}: {} iterations, converged: {}",
        x.rows(),
        x.cols(),
        x.nnz(),
        model.iterations(),
        model.converged(),
    );

    let mut group = c.benchmark_group("train");
    group.sample_size(10);
    group.bench_function("newsmtsc", |b| {
        b.iter_batched(
            || Examples::new(texts.clone(), labels.clone()),
            |examples| pipeline.fit(examples).expect("fit"),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("optimizer", |b| {
        b.iter(|| logistic.fit(&x, &y, classes.len(), None).expect("fit"))
    });
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    group.bench_function("optimizer_one_thread", |b| {
        b.iter(|| one_thread.install(|| logistic.fit(&x, &y, classes.len(), None).expect("fit")))
    });
    group.finish();
}

// No plots: plotters finds no system font on the build machine and criterion panics.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bench_fit
}
criterion_main!(benches);
