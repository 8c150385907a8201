//! Simulated labeling on `data/`: does asking about the quotations the model is least sure of
//! need fewer labels than asking at random?
//!
//! The pool is the relevant rows of `data/quotes_train.csv` (their labels stand in for the
//! labeler's answers), the evaluation set the relevant rows of `data/quotes_test.csv`
//! (macro-F1). Each run starts from `--start` random pool rows (the same rows for every
//! strategy of a seed), then adds `--batch` rows per round for `--rounds` rounds, chosen by the
//! library's [`rank`] + [`select_batch`] exactly as `tonetrack label` chooses a batch; the model
//! is refit on the labeled rows after each round and scored on the test rows. Seeds 1…`--seeds`.
//!
//! Strategies: `margin` and `entropy` (near-duplicates left out of a batch, as in the tool),
//! `margin-nodup` (without that filter), `random`. Experiments (not strategies of the tool):
//! `density` (margin × information density), `margin-ff` and `margin-kmeans++` (the batch
//! spread over the TF-IDF space among the 5 × batch most uncertain: farthest-first or
//! k-means++ seeding), `margin-balanced` (margin sampling per predicted class in turn),
//! `margin-power` and `margin-softrank` (stochastic batch acquisition, Kirsch et al. 2023: the
//! batch drawn without replacement with probability ∝ uncertainty, or ∝ 1 / uncertainty rank,
//! by Gumbel-top-k, instead of the top of the ranking), `badge` (Ash et al. 2020: k-means++
//! seeding over the whole pool in the space of the loss gradient's embedding
//! (p − onehot(ŷ)) ⊗ x).
//!
//! Run (release; ~1 min per strategy on 2 cores):
//!
//! ```sh
//! cargo run --release --example label_simulation -- --out docs/label_simulation
//! ```
//!
//! Writes `OUT.txt` (the table and the goal check), `OUT.csv` (every run's figure per round)
//! and `OUT.svg` / `OUT.png` (mean ± sd per strategy).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use tonetrack::eval::{evaluate, MeanStd};
use tonetrack::features::tfidf::SparseRow;
use tonetrack::label::candidates::{self, rank, select_batch, Candidate, DupKey, Strategy};
use tonetrack::model::calibration::CalibrationMethod;
use tonetrack::model::train::{CChoice, ClassWeight, Examples, TrainParams, DEFAULT_C_GRID};
use tonetrack::predict::predict_batch;
use tonetrack::text::{AnalyzerConfig, LexiconName, LexiconRef};

struct Options {
    preset: String,
    /// Fixed C, or `None`: chosen each round by 5-fold CV on the labeled rows, grouped by
    /// page, as `train --c auto --group-col source_url` does.
    c: Option<f64>,
    start: usize,
    batch: usize,
    rounds: usize,
    seeds: u64,
    strategies: Vec<String>,
    out: PathBuf,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        preset: "default".into(),
        c: Some(1.0),
        start: 100,
        batch: 50,
        rounds: 20,
        seeds: 5,
        strategies: vec!["margin".into(), "random".into()],
        out: PathBuf::from("docs/label_simulation"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<f64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--preset" => o.preset = value()?,
            "--c" => {
                o.c = match value()? {
                    v if v == "auto" => None,
                    v => Some(number(v)?),
                }
            }
            "--start" => o.start = number(value()?)? as usize,
            "--batch" => o.batch = number(value()?)? as usize,
            "--rounds" => o.rounds = number(value()?)? as usize,
            "--seeds" => o.seeds = number(value()?)? as u64,
            "--strategies" => o.strategies = value()?.split(',').map(String::from).collect(),
            "--out" => o.out = PathBuf::from(value()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

/// The training options of the simulation's refits: C fixed, or chosen from the default grid
/// by cross-validation each round.
fn params(preset: &str, c: Option<f64>) -> Result<TrainParams, String> {
    let mut p = TrainParams {
        c: match c {
            Some(c) => CChoice::Fixed(c),
            None => CChoice::Auto {
                grid: DEFAULT_C_GRID.to_vec(),
            },
        },
        ..TrainParams::default()
    };
    let lexicons = || AnalyzerConfig {
        lexicons: vec![
            LexiconRef::current(LexiconName::Vader),
            LexiconRef::current(LexiconName::Diplomatic),
        ],
        ..AnalyzerConfig::default()
    };
    match preset {
        // The Makefile's MODEL_OPTIONS (the built-in model's): `--lexicon vader,diplomatic
        // --calibration temperature`, word 1–2-grams, min_df 2, the default analyzer, uniform
        // weights. (Its `--train-only-where relevant=no` has nothing to act on: the pool holds
        // relevant rows only.)
        "default" => {
            p.analyzer = lexicons();
            p.calibration = CalibrationMethod::Temperature;
        }
        // The same without calibration.
        "lexicon" => p.analyzer = lexicons(),
        // The same with balanced class weights.
        "lexicon-balanced" => {
            p.analyzer = lexicons();
            p.class_weight = ClassWeight::Balanced;
        }
        // The Makefile's DEFAULT_MODEL_ARGS when this work started: balanced class weights,
        // negation scope, character 3–5-grams.
        "old-default" => {
            p.analyzer = AnalyzerConfig {
                negation_scope: true,
                char_ngrams: Some((3, 5)),
                ..AnalyzerConfig::default()
            };
            p.class_weight = ClassWeight::Balanced;
        }
        other => {
            return Err(format!(
                "unknown preset {other} (default, lexicon, lexicon-balanced, old-default)"
            ))
        }
    }
    p.check().map_err(|e| e.to_string())?;
    Ok(p)
}

/// (strategy, diversity) of a strategy name. `density` is margin weighted by information
/// density (an experiment of this program, not a strategy of the tool).
fn strategy(name: &str) -> Result<(Strategy, bool), String> {
    match name {
        "density" | "margin-ff" | "margin-kmeans++" | "margin-balanced" | "margin-power"
        | "margin-softrank" | "badge" => Ok((Strategy::Margin, true)),
        "margin-nodup" => Ok((Strategy::Margin, false)),
        "entropy-nodup" => Ok((Strategy::Entropy, false)),
        "random" => Ok((Strategy::Random, false)),
        other => other
            .parse::<Strategy>()
            .map(|s| (s, true))
            .map_err(|e| e.to_string()),
    }
}

struct Data {
    pool: Vec<Candidate>,
    keys: Vec<DupKey>,
    test_texts: Vec<String>,
    test_labels: Vec<String>,
}

fn load(root: &Path) -> Result<Data, String> {
    let read = |name: &str| {
        candidates::from_csv(&root.join(name))
            .map(|l| l.candidates)
            .map_err(|e| e.to_string())
    };
    let pool = read("data/quotes_train.csv")?;
    let test = read("data/quotes_test.csv")?;
    let keys = pool.iter().map(DupKey::of).collect();
    Ok(Data {
        keys,
        test_texts: test.iter().map(|c| c.text.clone()).collect(),
        test_labels: test
            .iter()
            .map(|c| c.known_label.clone().unwrap_or_default())
            .collect(),
        pool,
    })
}

/// Macro-F1 on the test rows after each round (round 0: the starting rows).
fn run(
    data: &Data,
    params: &TrainParams,
    o: &Options,
    seed: u64,
    name: &str,
) -> Result<Vec<f64>, String> {
    let (strategy, diversity) = self::strategy(name)?;
    let density = name == "density";
    let valid = params.check().map_err(|e| e.to_string())?;
    let mut order: Vec<usize> = (0..data.pool.len()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut labeled: Vec<usize> = order[..o.start].to_vec();
    let mut is_labeled = vec![false; data.pool.len()];
    for &i in &labeled {
        is_labeled[i] = true;
    }
    let mut scores = Vec::with_capacity(o.rounds + 1);
    for round in 0..=o.rounds {
        let pages: Vec<&str> = labeled
            .iter()
            .map(|&i| data.pool[i].source_url.as_str())
            .collect();
        let examples = Examples {
            groups: Examples::group_ids(&pages),
            ..Examples::new(
                labeled.iter().map(|&i| data.pool[i].text.clone()).collect(),
                labeled
                    .iter()
                    .map(|&i| data.pool[i].known_label.clone().unwrap_or_default())
                    .collect(),
            )
        };
        let (classifier, _) = valid.fit(examples).map_err(|e| e.to_string())?;
        let classes = classifier.classes().to_vec();
        let predicted: Vec<usize> = data
            .test_texts
            .iter()
            .map(|t| {
                let label = classifier.predict(t, 0).label;
                classes.iter().position(|c| c == label).unwrap_or(0)
            })
            .collect();
        let truth: Vec<usize> = data
            .test_labels
            .iter()
            .map(|l| classes.iter().position(|c| c == l).unwrap_or(0))
            .collect();
        scores.push(
            evaluate(&classes, &truth, &predicted)
                .map_err(|e| e.to_string())?
                .macro_f1,
        );
        if round == o.rounds {
            break;
        }
        let pool: Vec<usize> = (0..data.pool.len()).filter(|&i| !is_labeled[i]).collect();
        let k = classes.len();
        let mut probabilities = vec![0.0; data.pool.len() * k];
        if strategy != Strategy::Random {
            let texts: Vec<&str> = pool.iter().map(|&i| data.pool[i].text.as_str()).collect();
            for (&i, p) in pool.iter().zip(predict_batch(&classifier, &texts, 0)) {
                for (j, (_, prob)) in p.probabilities.iter().enumerate() {
                    probabilities[i * k + j] = *prob;
                }
            }
        }
        let round_seed = seed.wrapping_mul(1000).wrapping_add(round as u64);
        let ranked = if density {
            density_rank(&classifier, data, &pool, &probabilities, k)
        } else if name == "margin-power" || name == "margin-softrank" {
            stochastic_rank(name, &probabilities, k, &pool, round_seed)
        } else {
            rank(strategy, &probabilities, k, &pool, round_seed)
        };
        let batch = match name {
            "margin-ff" | "margin-kmeans++" => {
                let top = select_batch(&ranked, &data.keys, DIVERSE_TOP * o.batch, diversity);
                spread(&classifier, data, &top, o.batch, name, round_seed)
            }
            "margin-balanced" => {
                let predicted: Vec<usize> = (0..data.pool.len())
                    .map(|i| argmax(&probabilities[i * k..(i + 1) * k]))
                    .collect();
                class_balanced(&ranked, &predicted, k, &data.keys, o.batch)
            }
            "badge" => badge(
                &classifier,
                data,
                &pool,
                &probabilities,
                k,
                o.batch,
                round_seed,
            ),
            _ => select_batch(&ranked, &data.keys, o.batch, diversity),
        };
        for i in batch {
            is_labeled[i] = true;
            labeled.push(i);
        }
    }
    Ok(scores)
}

/// The pool ordered by margin uncertainty × information density (Settles & Craven 2008): the
/// mean cosine similarity of a row's TF-IDF vector to the pool's, i.e. its dot product with
/// the pool's mean row (rows are L2-normalised).
fn density_rank(
    classifier: &tonetrack::model::Classifier,
    data: &Data,
    pool: &[usize],
    probabilities: &[f64],
    k: usize,
) -> Vec<usize> {
    let vectorizer = classifier.vectorizer();
    let rows: Vec<_> = pool
        .iter()
        .map(|&i| vectorizer.transform_text(classifier.analyzer(), &data.pool[i].text))
        .collect();
    let mut centroid = vec![0.0; vectorizer.n_features()];
    for row in &rows {
        for (&c, &v) in row.indices.iter().zip(&row.values) {
            centroid[c] += v / pool.len() as f64;
        }
    }
    let mut scored: Vec<(f64, usize)> = pool
        .iter()
        .zip(&rows)
        .map(|(&i, row)| {
            let d: f64 = row
                .indices
                .iter()
                .zip(&row.values)
                .map(|(&c, &v)| v * centroid[c])
                .sum();
            let u = candidates::uncertainty(Strategy::Margin, &probabilities[i * k..(i + 1) * k]);
            (u * d, i)
        })
        .collect();
    scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// Stochastic batch acquisition (Kirsch et al. 2023, β = 1, their default): the pool in the
/// order of Gumbel-perturbed log scores, so that taking the first `n` draws `n` rows without
/// replacement with probability ∝ score. `margin-power` scores a row by its margin uncertainty,
/// `margin-softrank` by 1 / its rank in the margin order.
fn stochastic_rank(
    name: &str,
    probabilities: &[f64],
    k: usize,
    pool: &[usize],
    seed: u64,
) -> Vec<usize> {
    let ranked = rank(Strategy::Margin, probabilities, k, pool, seed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut keyed: Vec<(f64, usize)> = ranked
        .iter()
        .enumerate()
        .map(|(r, &i)| {
            let score = if name == "margin-power" {
                candidates::uncertainty(Strategy::Margin, &probabilities[i * k..(i + 1) * k])
            } else {
                1.0 / (r + 1) as f64
            };
            let u: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
            (score.max(1e-12).ln() - (-u.ln()).ln(), i)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// BADGE's batch (Ash et al. 2020) for a linear softmax model: a row's gradient embedding is
/// g = (p − onehot(argmax p)) ⊗ x, so ‖g_i − g_j‖² = ‖δ_i‖² + ‖δ_j‖² − 2 (δ_i·δ_j)(x_i·x_j) for
/// unit rows x; the first row has the largest ‖g‖, each next is drawn with probability ∝ its
/// squared distance to the nearest chosen row (k-means++ seeding). Near-duplicates are skipped.
fn badge(
    classifier: &tonetrack::model::Classifier,
    data: &Data,
    pool: &[usize],
    probabilities: &[f64],
    k: usize,
    n: usize,
    seed: u64,
) -> Vec<usize> {
    let vectorizer = classifier.vectorizer();
    let rows: Vec<SparseRow> = pool
        .iter()
        .map(|&i| vectorizer.transform_text(classifier.analyzer(), &data.pool[i].text))
        .collect();
    let deltas: Vec<Vec<f64>> = pool
        .iter()
        .map(|&i| {
            let p = &probabilities[i * k..(i + 1) * k];
            let top = argmax(p);
            (0..k)
                .map(|j| p[j] - f64::from(u8::from(j == top)))
                .collect()
        })
        .collect();
    let norm2: Vec<f64> = deltas
        .iter()
        .zip(&rows)
        .map(|(d, x)| d.iter().map(|v| v * v).sum::<f64>() * cosine(x, x))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut nearest = vec![f64::INFINITY; pool.len()];
    let first = (0..pool.len()).fold(0, |b, j| if norm2[j] > norm2[b] { j } else { b });
    let mut chosen = vec![first];
    while chosen.len() < n.min(pool.len()) {
        let last = *chosen.last().unwrap_or(&0);
        for j in 0..pool.len() {
            let dd: f64 = deltas[last]
                .iter()
                .zip(&deltas[j])
                .map(|(a, b)| a * b)
                .sum();
            let d2 = (norm2[last] + norm2[j] - 2.0 * dd * cosine(&rows[last], &rows[j])).max(0.0);
            nearest[j] = nearest[j].min(d2);
        }
        for &c in &chosen {
            nearest[c] = 0.0;
        }
        let total: f64 = nearest.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut x = rng.gen::<f64>() * total;
        let mut pick = None;
        for (j, &d) in nearest.iter().enumerate() {
            x -= d;
            if x <= 0.0 && d > 0.0 {
                pick = Some(j);
                break;
            }
        }
        let Some(pick) = pick else { break };
        if chosen
            .iter()
            .any(|&c| data.keys[pool[c]].near_duplicate(&data.keys[pool[pick]]))
        {
            nearest[pick] = 0.0;
            continue;
        }
        chosen.push(pick);
    }
    chosen.into_iter().map(|j| pool[j]).collect()
}

/// The diverse batch strategies look at this many × the batch of the most uncertain rows.
const DIVERSE_TOP: usize = 5;

fn argmax(p: &[f64]) -> usize {
    (0..p.len()).fold(0, |best, j| if p[j] > p[best] { j } else { best })
}

/// Cosine similarity of two L2-normalised sparse rows (indices increasing).
fn cosine(a: &SparseRow, b: &SparseRow) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.indices.len() && j < b.indices.len() {
        match a.indices[i].cmp(&b.indices[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a.values[i] * b.values[j];
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// `n` rows of `top` (the most uncertain first) spread over the TF-IDF space: the most
/// uncertain, then either (`margin-ff`) greedy farthest-first, each next row the one whose
/// cosine distance to the nearest chosen row is largest, or (`margin-kmeans++`) k-means++
/// seeding, each next row drawn with probability ∝ that distance squared (as BADGE, Ash et al.
/// 2020, chooses a batch).
fn spread(
    classifier: &tonetrack::model::Classifier,
    data: &Data,
    top: &[usize],
    n: usize,
    name: &str,
    seed: u64,
) -> Vec<usize> {
    if top.len() <= n {
        return top.to_vec();
    }
    let vectorizer = classifier.vectorizer();
    let rows: Vec<SparseRow> = top
        .iter()
        .map(|&i| vectorizer.transform_text(classifier.analyzer(), &data.pool[i].text))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut nearest = vec![f64::INFINITY; top.len()];
    let mut chosen = vec![0usize];
    while chosen.len() < n {
        let last = &rows[*chosen.last().unwrap_or(&0)];
        for (d, row) in nearest.iter_mut().zip(&rows) {
            *d = d.min((1.0 - cosine(last, row)).max(0.0));
        }
        let next = if name == "margin-ff" {
            (0..top.len()).fold(
                0,
                |best, j| if nearest[j] > nearest[best] { j } else { best },
            )
        } else {
            let total: f64 = nearest.iter().map(|d| d * d).sum();
            if total <= 0.0 {
                match (0..top.len()).find(|j| !chosen.contains(j)) {
                    Some(j) => j,
                    None => break,
                }
            } else {
                let mut x = rng.gen::<f64>() * total;
                let mut pick = top.len() - 1;
                for (j, d) in nearest.iter().enumerate() {
                    x -= d * d;
                    if x <= 0.0 && *d > 0.0 {
                        pick = j;
                        break;
                    }
                }
                pick
            }
        };
        if chosen.contains(&next) {
            break;
        }
        chosen.push(next);
    }
    chosen.into_iter().map(|j| top[j]).collect()
}

/// Margin sampling per predicted class: the most uncertain row predicted positive, then
/// neutral, then negative, and so on in turn (a class with none left is passed over), no
/// two near-duplicates.
fn class_balanced(
    ranked: &[usize],
    predicted: &[usize],
    k: usize,
    keys: &[DupKey],
    n: usize,
) -> Vec<usize> {
    let queues: Vec<Vec<usize>> = (0..k)
        .map(|c| {
            ranked
                .iter()
                .copied()
                .filter(|&i| predicted[i] == c)
                .collect()
        })
        .collect();
    let mut next = vec![0usize; k];
    let mut chosen: Vec<usize> = Vec::with_capacity(n);
    while chosen.len() < n {
        let mut progressed = false;
        for c in 0..k {
            while next[c] < queues[c].len() && chosen.len() < n {
                let i = queues[c][next[c]];
                next[c] += 1;
                if !chosen.iter().any(|&j| keys[j].near_duplicate(&keys[i])) {
                    chosen.push(i);
                    progressed = true;
                    break;
                }
            }
        }
        if !progressed {
            break;
        }
    }
    chosen
}

fn c_text(c: Option<f64>) -> String {
    match c {
        Some(c) => format!("C = {c} fixed"),
        None => "C by 5-fold CV each round".into(),
    }
}

/// Per strategy: per round, (mean, sd) over seeds.
type Curves = BTreeMap<String, Vec<(f64, f64)>>;

fn chart(path: &Path, curves: &Curves, o: &Options, title: &str) -> Result<(), String> {
    register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| "font".to_string())?;
    let labels = |r: usize| (o.start + r * o.batch) as f64;
    let (lo, hi) = curves
        .values()
        .flatten()
        .fold((f64::MAX, f64::MIN), |(lo, hi), (m, s)| {
            (lo.min(m - s), hi.max(m + s))
        });
    let (lo, hi) = ((lo * 20.0).floor() / 20.0, (hi * 20.0).ceil() / 20.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut c = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(labels(0)..labels(o.rounds), lo..hi)
            .map_err(|e| e.to_string())?;
        c.configure_mesh()
            .x_desc("labeled quotations")
            .y_desc("macro-F1 on the test split (relevant, n = 1,337)")
            .label_style(("sans-serif", 13))
            .x_labels(11)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.2}"))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(230, 230, 230))
            .draw()
            .map_err(|e| e.to_string())?;
        // The goal: random's macro-F1 at 1,000 labels, reached with ≤ 600.
        let target = curves
            .get("random")
            .and_then(|r| r.get(1000usize.saturating_sub(o.start) / o.batch.max(1)))
            .map(|p| p.0);
        if let Some(target) = target {
            let grey = RGBColor(120, 120, 120);
            c.draw_series(DashedLineSeries::new(
                [(labels(0), target), (labels(o.rounds), target)],
                6,
                4,
                grey.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
            c.draw_series(DashedLineSeries::new(
                [(600.0, lo), (600.0, hi)],
                6,
                4,
                grey.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
            c.draw_series(std::iter::once(Text::new(
                format!("random at 1,000 labels ({target:.3}); goal: reached with ≤ 600"),
                (labels(0) + 10.0, target + (hi - lo) * 0.035),
                ("sans-serif", 12).into_font().color(&grey),
            )))
            .map_err(|e| e.to_string())?;
        }
        let colours = [
            RGBColor(214, 39, 40),
            RGBColor(31, 119, 180),
            RGBColor(44, 160, 44),
            RGBColor(148, 103, 189),
        ];
        for (n, name) in o.strategies.iter().enumerate() {
            let points = &curves[name];
            let colour = colours[n % colours.len()];
            let band: Vec<(f64, f64)> = points
                .iter()
                .enumerate()
                .map(|(r, (m, s))| (labels(r), m + s))
                .chain(
                    points
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(r, (m, s))| (labels(r), m - s)),
                )
                .collect();
            c.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.15))))
                .map_err(|e| e.to_string())?;
            c.draw_series(LineSeries::new(
                points.iter().enumerate().map(|(r, (m, _))| (labels(r), *m)),
                colour.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("{name} (mean ± sd over {} seeds)", o.seeds))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        }
        c.configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(200, 200, 200))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    std::fs::write(path, &svg).map_err(|e| format!("{}: {e}", path.display()))?;
    let png = tonetrack::trends::svg_to_png(&svg)?;
    let png_path = path.with_extension("png");
    std::fs::write(&png_path, png).map_err(|e| format!("{}: {e}", png_path.display()))
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("label_simulation: {e}");
        std::process::exit(2);
    }
}

fn real_main() -> Result<(), String> {
    let o = parse_args()?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = load(root)?;
    let params = params(&o.preset, o.c)?;
    let started = std::time::Instant::now();
    let jobs: Vec<(String, u64)> = o
        .strategies
        .iter()
        .flat_map(|s| (1..=o.seeds).map(move |seed| (s.clone(), seed)))
        .collect();
    let results: Vec<(String, u64, Vec<f64>)> = jobs
        .par_iter()
        .map(|(name, seed)| {
            let scores = run(&data, &params, &o, *seed, name)?;
            eprintln!(
                "{name} seed {seed}: {:.3} → {:.3} ({:.0} s)",
                scores[0],
                scores[scores.len() - 1],
                started.elapsed().as_secs_f64()
            );
            Ok((name.clone(), *seed, scores))
        })
        .collect::<Result<_, String>>()?;

    let mut curves: Curves = BTreeMap::new();
    for name in &o.strategies {
        let runs: Vec<&Vec<f64>> = results
            .iter()
            .filter(|r| &r.0 == name)
            .map(|r| &r.2)
            .collect();
        let points = (0..=o.rounds)
            .map(|r| {
                let m = MeanStd::of(&runs.iter().map(|s| s[r]).collect::<Vec<_>>());
                (m.mean, m.std)
            })
            .collect();
        curves.insert(name.clone(), points);
    }

    let mut text = String::new();
    let _ = writeln!(
        text,
        "Simulated labeling: pool = {} relevant rows of data/quotes_train.csv, evaluation = {} \
         relevant rows of data/quotes_test.csv (macro-F1); start {} random, +{} per round, {} \
         rounds, seeds 1..{}; options: {} ({}); {:.0} s",
        data.pool.len(),
        data.test_texts.len(),
        o.start,
        o.batch,
        o.rounds,
        o.seeds,
        o.preset,
        c_text(o.c),
        started.elapsed().as_secs_f64()
    );
    let _ = writeln!(text);
    let _ = write!(text, "| labels |");
    for name in &o.strategies {
        let _ = write!(text, " {name} |");
    }
    let _ = writeln!(text);
    let _ = writeln!(text, "|---|{}", "---|".repeat(o.strategies.len()));
    let columns: Vec<&Vec<(f64, f64)>> = o.strategies.iter().map(|n| &curves[n]).collect();
    for (r, labels) in (0..=o.rounds).map(|r| (r, o.start + r * o.batch)) {
        let _ = write!(text, "| {labels} |");
        for (m, s) in columns.iter().map(|c| c[r]) {
            let _ = write!(text, " {m:.3} ± {s:.3} |");
        }
        let _ = writeln!(text);
    }
    if let Some(random) = curves.get("random") {
        let target_round = (1000usize.saturating_sub(o.start)) / o.batch.max(1);
        if let Some(&(target, _)) = random.get(target_round) {
            let _ = writeln!(text);
            for name in o.strategies.iter().filter(|n| *n != "random") {
                let reached = curves[name]
                    .iter()
                    .position(|(m, _)| *m >= target)
                    .map(|r| o.start + r * o.batch);
                let _ = writeln!(
                    text,
                    "{name}: reaches random's macro-F1 at {} labels ({target:.3}) with {}",
                    o.start + target_round * o.batch,
                    match reached {
                        Some(n) => format!(
                            "{n} labels: goal (≤ 600) {}",
                            if n <= 600 { "met" } else { "not met" }
                        ),
                        None => "none of the label counts simulated: goal not met".into(),
                    }
                );
            }
        }
    }
    print!("{text}");
    let with_ext = |ext: &str| o.out.with_extension(ext);
    std::fs::write(with_ext("txt"), &text).map_err(|e| e.to_string())?;
    let mut csv = String::from("strategy,seed,round,labels,macro_f1\n");
    for (name, seed, scores) in &results {
        for (r, s) in scores.iter().enumerate() {
            let _ = writeln!(csv, "{name},{seed},{r},{},{s:.6}", o.start + r * o.batch);
        }
    }
    std::fs::write(with_ext("csv"), csv).map_err(|e| e.to_string())?;
    chart(
        &with_ext("svg"),
        &curves,
        &o,
        &format!(
            "Labeling simulation on data/: macro-F1 by labels ({} options, {})",
            o.preset,
            c_text(o.c)
        ),
    )?;
    Ok(())
}
