//! Throughput of TF-IDF vectorization, in bytes of source text per second: fitting the
//! vocabulary and building the CSR matrix from term lists (`Vec<Vec<String>>`) and from an
//! interned corpus (`TermCorpus`, the training path), and raw text → TF-IDF row (the scoring
//! path).
//!
//! Input: the sentences of `../shared/data/newsmtsc/train.csv` (skipped when absent).
//! Run: `cargo bench --bench vectorize -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use tonetrack::features::{TermCorpus, VectorizerParams};
use tonetrack::text::{Analyzer, AnalyzerConfig};

mod common;

fn vectorize(c: &mut Criterion) {
    let Some((texts, _)) = common::newsmtsc_train() else {
        eprintln!(
            "skipping vectorize bench: {} is absent or unreadable",
            common::TRAIN_CSV
        );
        return;
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let analyzer = Analyzer::new(AnalyzerConfig::default()).expect("valid config");
    let docs: Vec<Vec<String>> = texts.par_iter().map(|t| analyzer.terms(t)).collect();
    let corpus = TermCorpus::from_texts(&analyzer, &texts);
    let all: Vec<usize> = (0..texts.len()).collect();
    let params = VectorizerParams {
        min_df: 2,
        ..VectorizerParams::default()
    };
    let vectorizer = params.fit(&docs).expect("fit");
    eprintln!(
        "vectorize bench: {} sentences, {bytes} bytes, {} distinct terms, vocabulary {}",
        texts.len(),
        corpus.n_terms(),
        vectorizer.n_features()
    );
    let mut group = c.benchmark_group("vectorize");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    // Training: text → terms → vocabulary → CSR matrix, both ways.
    group.bench_function("train_path/term_lists", |b| {
        b.iter(|| {
            let docs: Vec<Vec<String>> = texts.par_iter().map(|t| analyzer.terms(t)).collect();
            params.fit_transform(&docs).expect("fit")
        })
    });
    group.bench_function("train_path/corpus", |b| {
        b.iter(|| {
            let corpus = TermCorpus::from_texts(&analyzer, &texts);
            let (v, columns) = params.fit_corpus(&corpus, &all).expect("fit");
            v.transform_corpus(&corpus, &all, &columns)
        })
    });
    // The stages on already analyzed documents.
    group.bench_function("fit/term_lists", |b| {
        b.iter(|| params.fit(&docs).expect("fit"))
    });
    group.bench_function("fit/corpus", |b| {
        b.iter(|| params.fit_corpus(&corpus, &all).expect("fit"))
    });
    group.bench_function("transform/term_lists", |b| {
        b.iter(|| vectorizer.transform(&docs))
    });
    group.bench_function("transform/corpus", |b| {
        let columns = vectorizer.corpus_columns(&corpus);
        b.iter(|| vectorizer.transform_corpus(&corpus, &all, &columns))
    });
    // The scoring path: raw text → analyzer → TF-IDF row.
    group.bench_function("transform_text/serial", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| vectorizer.transform_text(&analyzer, t).indices.len())
                .sum::<usize>()
        })
    });
    group.bench_function("transform_text/rayon", |b| {
        b.iter(|| {
            texts
                .par_iter()
                .map(|t| vectorizer.transform_text(&analyzer, t).indices.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

// No plots: plotters finds no system font on the build machine and criterion panics.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = vectorize
}
criterion_main!(benches);
