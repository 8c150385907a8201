//! Fit time of the sparse logistic regression on NewsMTSC's training sentences.
//!
//! Needs `../shared/data/newsmtsc/train.csv` beside the crate; without it the bench says so and
//! measures nothing. The features are a plain bag of words built here (the real TF-IDF pipeline
//! lives in `features/`): lowercased whitespace tokens, unigrams + bigrams, min_df 2, counts,
//! L2-normalised rows.
//!
//! Run: `cargo bench --bench train -- --warm-up-time 1 --measurement-time 5`

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use sprs::TriMatI;
use tonetrack::features::Csr;
use tonetrack::model::logistic::LogisticParams;

const TRAIN_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/newsmtsc/train.csv"
);
const LABELS: [&str; 3] = ["negative", "neutral", "positive"];

/// Sentences and label indices of the training CSV (columns `text` and `label`).
fn read_newsmtsc(path: &Path) -> Result<(Vec<String>, Vec<usize>), Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or(format!("no column {name}"))
    };
    let (text, label) = (column("text")?, column("label")?);
    let (mut texts, mut labels) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record?;
        let class = LABELS
            .iter()
            .position(|l| Some(*l) == record.get(label))
            .ok_or("unknown label")?;
        texts.push(record.get(text).unwrap_or_default().to_string());
        labels.push(class);
    }
    Ok((texts, labels))
}

/// Bag of lowercased unigrams and bigrams, terms kept when in ≥ 2 documents, rows L2-normalised.
fn bag_of_words(texts: &[String]) -> Csr {
    let docs: Vec<BTreeMap<String, f64>> = texts
        .iter()
        .map(|text| {
            let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
            let bigrams = words.windows(2).map(|w| format!("{} {}", w[0], w[1]));
            let mut counts = BTreeMap::new();
            for term in words.iter().cloned().chain(bigrams) {
                *counts.entry(term).or_insert(0.0) += 1.0;
            }
            counts
        })
        .collect();
    let mut df: BTreeMap<&str, usize> = BTreeMap::new();
    for doc in &docs {
        for term in doc.keys() {
            *df.entry(term).or_default() += 1;
        }
    }
    let vocab: HashMap<&str, usize> = df
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .enumerate()
        .map(|(column, (term, _))| (term, column))
        .collect();
    let mut tri = TriMatI::<f64, u32>::new((docs.len(), vocab.len()));
    for (row, doc) in docs.iter().enumerate() {
        let kept: Vec<(usize, f64)> = doc
            .iter()
            .filter_map(|(term, &count)| vocab.get(term.as_str()).map(|&c| (c, count)))
            .collect();
        let norm = kept.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
        for (column, value) in kept {
            tri.add_triplet(row, column, value / norm);
        }
    }
    tri.to_csr()
}

fn bench_fit(c: &mut Criterion) {
    let path = Path::new(TRAIN_CSV);
    if !path.exists() {
        eprintln!("skipping train bench: {} is absent", path.display());
        return;
    }
    let (texts, y) = match read_newsmtsc(path) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("skipping train bench: cannot read {}: {e}", path.display());
            return;
        }
    };
    let x = bag_of_words(&texts);
    let params = LogisticParams::default()
        .check()
        .expect("default parameters are valid");
    let model = params.fit(&x, &y, 3, None).expect("fit");
    eprintln!(
        "newsmtsc train: {} rows × {} features, {} non-zeros; C = 1: {} iterations, converged: {}, loss {:.4}",
        x.rows(),
        x.cols(),
        x.nnz(),
        model.iterations(),
        model.converged(),
        model.loss()
    );

    let mut group = c.benchmark_group("train");
    group.sample_size(10);
    group.bench_function("newsmtsc_bow_c1", |b| {
        b.iter(|| params.fit(&x, &y, 3, None).expect("fit"))
    });
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    group.bench_function("newsmtsc_bow_c1_one_thread", |b| {
        b.iter(|| one_thread.install(|| params.fit(&x, &y, 3, None).expect("fit")))
    });
    group.finish();
}

criterion_group!(benches, bench_fit);
criterion_main!(benches);
