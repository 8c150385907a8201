//! Throughput of `Reader::read`, one core:
//! - `read/articles/seeds`: each seed article read on its own, as `tonetrack quotes seeds/`
//!   reads them (the figure that matters: articles are a few kilobytes each);
//! - `read/articles/dev`: the same over the 16 development articles of
//!   `../shared/data/articles-dev/` (skipped when `../shared` is absent);
//! - `read/seeds` and `read/seeds_x20`: the seeds concatenated into one text, and that text
//!   twenty times, for long inputs.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use tonetrack::article::Reader;

/// The `.txt` files of a directory, sorted by name; empty when it cannot be read.
fn articles(dir: &Path) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    let reader = Reader::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = articles(&root.join("seeds"));
    let dev = articles(&root.join("../shared/data/articles-dev"));

    let mut group = c.benchmark_group("read/articles");
    for (name, texts) in [("seeds", &seeds), ("dev", &dev)] {
        if texts.is_empty() {
            continue;
        }
        let bytes: usize = texts.iter().map(String::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| reader.read("article", black_box(t)).quotes.len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();

    let one = seeds.join("\n\n");
    let mut group = c.benchmark_group("read");
    group.throughput(Throughput::Bytes(one.len() as u64));
    group.bench_function("seeds", |b| {
        b.iter(|| reader.read("seeds", black_box(&one)))
    });
    let big = one.repeat(20);
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("seeds_x20", |b| {
        b.iter(|| reader.read("seeds", black_box(&big)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
