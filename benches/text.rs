//! Throughput of text analysis, in bytes of source text per second (TF-IDF vectorization is
//! in `benches/vectorize.rs`).
//!
//! Input: the distinct sentences of `../shared/data/newsmtsc/train.csv` when present (beside
//! the clone), else the paragraphs of the seed articles in `seeds/`.
//! Run: `cargo bench --bench text -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use tonetrack::text::{Analyzer, AnalyzerConfig};

fn sentences() -> Vec<String> {
    let csv_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/newsmtsc/train.csv"
    );
    if let Ok(mut reader) = csv::Reader::from_path(csv_path) {
        let mut texts: Vec<String> = reader
            .records()
            .filter_map(|r| r.ok().and_then(|r| r.get(1).map(str::to_owned)))
            .collect();
        texts.dedup();
        if !texts.is_empty() {
            eprintln!("bench input: {} sentences of {csv_path}", texts.len());
            return texts;
        }
    }
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(seeds)
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|t| {
            t.split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    eprintln!("bench input: {} paragraphs of {seeds}", texts.len());
    texts
}

fn analyze(c: &mut Criterion) {
    let texts = sentences();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("analyze");
    group.throughput(Throughput::Bytes(bytes as u64));
    let configs = [
        ("default", AnalyzerConfig::default()),
        (
            "negation+char2-5",
            AnalyzerConfig {
                negation_scope: true,
                char_ngrams: Some((2, 5)),
                ..AnalyzerConfig::default()
            },
        ),
    ];
    for (name, config) in configs {
        let analyzer = Analyzer::new(config).expect("valid config");
        group.bench_function(format!("{name}/for_each_term/serial"), |b| {
            b.iter(|| {
                let mut n = 0usize;
                for t in &texts {
                    analyzer.for_each_term(t, |term| n += term.len());
                }
                black_box(n)
            })
        });
        group.bench_function(format!("{name}/for_each_term/rayon"), |b| {
            b.iter(|| {
                let n: usize = texts
                    .par_iter()
                    .map(|t| {
                        let mut n = 0usize;
                        analyzer.for_each_term(t, |term| n += term.len());
                        n
                    })
                    .sum();
                black_box(n)
            })
        });
    }
    let analyzer = Analyzer::new(AnalyzerConfig::default()).expect("valid config");
    group.bench_function("default/tokens/serial", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| analyzer.tokens(t).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, analyze);
criterion_main!(benches);
