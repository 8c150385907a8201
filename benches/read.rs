//! Throughput of `Reader::read` on the seed articles, concatenated and repeated.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use tonetrack::article::Reader;

fn seeds_text() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let mut all = String::new();
    for p in paths {
        if let Ok(t) = std::fs::read_to_string(&p) {
            all.push_str(&t);
            all.push_str("\n\n");
        }
    }
    all
}

fn bench(c: &mut Criterion) {
    let reader = Reader::new();
    let one = seeds_text();
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
