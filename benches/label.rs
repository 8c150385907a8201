//! Labeling latency: from a key to the next quotation ready to draw.
//!
//! One iteration is what `tonetrack label` does between a key and the next screen: the answer
//! appended to the answers file and flushed to disk (`sync_data`), the next quotation chosen
//! (at the end of a batch: a refit started and the next batch ranked), and the card rendered
//! with the model's prediction and top terms. The candidates are the relevant quotations of
//! `data/quotes_test.csv` (1,337), ranked by the built-in model; the answers file is in a
//! temporary directory on the same disk as `target/`.
//!
//! - `label/key_to_next/no_refit`: refits off.
//! - `label/key_to_next/refitting`: batches of 20, each followed by a refit on the built-in
//!   base (5,942 rows) + the answers in a background thread, so most keys are pressed while a
//!   refit runs on the other core (and competes for this one).
//!
//! Besides criterion's mean per key, the bench prints the median, 99th percentile and maximum
//! of every key it timed (warm-up included), and the same of the keys that end a batch (a
//! refit started, the next batch ranked).
//!
//! Run: `cargo bench --bench label -- --warm-up-time 1 --measurement-time 5`

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tonetrack::label::card::render;
use tonetrack::label::session::Tone;
use tonetrack::label::{
    candidates, AnswersFile, BaseRows, BaseSource, Key, Learner, Session, SessionOptions,
};
use tonetrack::score::default_model;

fn new_session(dir: &Path, round: usize, refits: bool) -> Session {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes_test.csv"));
    let loaded = candidates::from_csv(path, b',').expect("data/quotes_test.csv");
    let model = default_model().expect("built-in model");
    let classifier = model.classifier_for(None).expect("one classifier").clone();
    let (answers, _) =
        AnswersFile::open(&dir.join(format!("labels-{round}.csv"))).expect("answers file");
    let learner = refits.then(|| {
        let base = BaseRows::load(&[BaseSource::Builtin], &model.training.columns.filters)
            .expect("built-in base");
        Learner::for_model(&model, base).expect("learner")
    });
    Session::new(
        loaded.candidates,
        answers,
        Arc::new(classifier),
        learner,
        SessionOptions::default(),
    )
    .expect("session")
}

fn key_to_next(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("label/key_to_next");
    group.sample_size(50);
    for (name, refits) in [("no_refit", false), ("refitting", true)] {
        let mut round = 0;
        let mut session = new_session(dir.path(), round, refits);
        let tones = [Tone::Positive, Tone::Neutral, Tone::Negative];
        let mut n = 0usize;
        let mut each: Vec<Duration> = Vec::new();
        let mut batch_ends: Vec<Duration> = Vec::new();
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    if session.view().is_none() {
                        round += 1;
                        session = new_session(dir.path(), round, refits);
                    }
                    n += 1;
                    let ends_batch = session.view().is_some_and(|v| v.position.0 == v.position.1);
                    let start = Instant::now();
                    session
                        .press(Key::Tone(tones[n % 3]))
                        .expect("answer saved");
                    session.poll();
                    if let Some(view) = session.view() {
                        black_box(render(&view, 100));
                    }
                    let took = start.elapsed();
                    each.push(took);
                    if ends_batch {
                        batch_ends.push(took);
                    }
                    total += took;
                }
                total
            })
        });
        for (keys, what) in [
            (&mut each, "keys"),
            (&mut batch_ends, "keys that end a batch"),
        ] {
            keys.sort_unstable();
            let at = |q: f64| keys[((keys.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
            eprintln!(
                "label/key_to_next/{name}: {} {what}, median {:.2} ms, 99th percentile {:.2} ms, \
                 max {:.2} ms",
                keys.len(),
                at(0.5),
                at(0.99),
                at(1.0)
            );
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = key_to_next
}
criterion_main!(benches);
