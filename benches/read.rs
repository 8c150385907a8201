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
    // One paragraph of many `Lavrov said: “…”` quotations, at two sizes: the throughput must
    // not fall with the size (a scan per quotation over its paragraph made it quadratic:
    // 2.9 s for 2.9 MB, 15.5 s for 5.8 MB, before the binary search).
    for n in [2_000, 8_000] {
        let paragraph = (0..n)
            .map(|i| {
                format!(
                    "Lavrov said: \u{201c}We are ready for dialogue number {i} with the United \
                     States.\u{201d} The talks went on for hours."
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        let text = format!("Moscow talks\n\n{paragraph}");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("one_paragraph_{n}_quotes"), |b| {
            b.iter(|| reader.read("long", black_box(&text)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
