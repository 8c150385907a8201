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
//! (p − onehot(ŷ)) ⊗ x). Added later: `margin-raw` (margin on the probabilities before
//! temperature scaling; prints how many rows of each batch differ from the calibrated
//! margin's), `qbc-vote`, `qbc-kl` and `margin-committee` (query-by-committee over 5 bootstrap
//! refits: vote entropy, mean KL from the consensus, margin of the mean), `margin-after-N`
//! (random until N labels, then margin), `egl` (expected gradient length), `margin-mix20`
//! (a fifth of each batch at random), `margin-logit` and `margin-geometric` (the gap between
//! the two largest decision values, raw or over ‖w_a − w_b‖), `margin-nodup-labeled` (no
//! near-duplicate of a labeled row either), `cal` (contrastive active learning),
//! `margin-believer` (the batch in 5 parts, refit between them on the predicted labels),
//! `dal` (discriminative active learning: the rows a labeled-vs-unlabeled classifier finds
//! least like the labeled ones).
//! Learner options for every strategy alike: `--base-irrelevant` (the training split's
//! `relevant=no` rows train in every refit, as training-only base rows), `--transductive`
//! (vocabulary and document frequencies from the whole pool's text) and `--pool-share F`
//! (0 < F ≤ 1, default 1: the pool cut to the rows of a share F of its pages, by
//! `source_url`; the pages are ordered by FNV-1a of `pool-share` + URL and the first F of
//! them kept, so the subset is the same for every seed and strategy and a smaller share's
//! pages are among a larger one's; the start rows and every batch then come from that pool,
//! the test rows and `--base-irrelevant`'s rows stay whole).
//!
//! Run (release; ~1 min per strategy on 2 cores):
//!
//! ```sh
//! cargo run --release --example label_simulation -- --out docs/label_simulation
//! ```
//!
//! Writes `OUT.txt` (the table and the goal check), `OUT.csv` (every run's figure per round)
//! and `OUT.svg` / `OUT.png` (mean ± sd per strategy).

use std::collections::{BTreeMap, HashSet};
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
use tonetrack::label::refit::{BaseRows, BaseSource};
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
    /// The training split's irrelevant rows (`relevant=no`) train in every refit, as
    /// training-only base rows (as the tool's base data keeps them).
    base_irrelevant: bool,
    /// The vocabulary and IDF fitted on the whole pool's text (unlabeled rows as
    /// training-only rows of weight 0), not only the labeled rows'.
    transductive: bool,
    /// The share of the pool's pages (by `source_url`) whose rows stay in the pool.
    pool_share: f64,
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
        base_irrelevant: false,
        transductive: false,
        pool_share: 1.0,
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
            "--base-irrelevant" => o.base_irrelevant = true,
            "--transductive" => o.transductive = true,
            "--pool-share" => o.pool_share = number(value()?)?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if !(o.pool_share > 0.0 && o.pool_share <= 1.0) {
        return Err(format!("--pool-share {}: not in (0, 1]", o.pool_share));
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
        // weights. (Its `--train-only-where relevant=no` acts only with `--base-irrelevant`:
        // the pool holds relevant rows only, as `label --data` offers only those.)
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
        "density"
        | "margin-ff"
        | "margin-kmeans++"
        | "margin-balanced"
        | "margin-power"
        | "margin-softrank"
        | "badge"
        | "margin-raw"
        | "qbc-vote"
        | "qbc-kl"
        | "margin-committee"
        | "egl"
        | "margin-mix20"
        | "margin-logit"
        | "margin-geometric"
        | "margin-nodup-labeled"
        | "cal"
        | "margin-believer"
        | "dal" => Ok((Strategy::Margin, true)),
        other if other.starts_with("margin-after-") => other["margin-after-".len()..]
            .parse::<usize>()
            .map(|_| (Strategy::Margin, true))
            .map_err(|e| format!("{other}: {e}")),
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
    /// The pages (distinct `source_url`) of the whole pool, before `--pool-share`.
    pages: usize,
    /// The training split's rows marked `relevant=no`, read as the tool reads base data
    /// (training-only rows).
    irrelevant: BaseRows,
    keys: Vec<DupKey>,
    test_texts: Vec<String>,
    test_labels: Vec<String>,
}

fn load(root: &Path, pool_share: f64) -> Result<Data, String> {
    let read = |name: &str| {
        candidates::from_csv(&root.join(name), b',')
            .map(|l| l.candidates)
            .map_err(|e| e.to_string())
    };
    let mut pool = read("data/quotes_train.csv")?;
    let (pages, kept) = page_share(&pool, pool_share);
    if pool_share < 1.0 {
        pool.retain(|c| kept.contains(c.source_url.as_str()));
    }
    let test = read("data/quotes_test.csv")?;
    let keys = pool.iter().map(DupKey::of).collect();
    let all = BaseRows::load(&[BaseSource::File(root.join("data/quotes_train.csv"))], &[])
        .map_err(|e| e.to_string())?;
    let mut irrelevant = BaseRows::default();
    for i in (0..all.len()).filter(|&i| all.train_only[i]) {
        irrelevant.texts.push(all.texts[i].clone());
        irrelevant.labels.push(all.labels[i].clone());
        irrelevant.groups.push(all.groups[i].clone());
        irrelevant.train_only.push(true);
    }
    Ok(Data {
        irrelevant,
        keys,
        test_texts: test.iter().map(|c| c.text.clone()).collect(),
        test_labels: test
            .iter()
            .map(|c| c.known_label.clone().unwrap_or_default())
            .collect(),
        pool,
        pages,
    })
}

/// The number of pages (distinct `source_url`) of `pool`, and a `share` of them (at least
/// one): the first by FNV-1a of `pool-share` + URL, so not by the run's seed.
fn page_share(pool: &[Candidate], share: f64) -> (usize, HashSet<String>) {
    let mut pages: Vec<&str> = pool.iter().map(|c| c.source_url.as_str()).collect();
    pages.sort_unstable();
    pages.dedup();
    let hash = |url: &str| tonetrack::data::fnv1a(format!("pool-share\u{1f}{url}").as_bytes());
    pages.sort_by_key(|url| (hash(url), *url));
    let keep = ((share * pages.len() as f64).round() as usize).max(1);
    let kept = pages.iter().take(keep).map(|url| url.to_string()).collect();
    (pages.len(), kept)
}

/// What a refit trains on: the labeled rows (grouped by page), with the training split's
/// irrelevant rows as training-only rows first (`--base-irrelevant`, as the tool's
/// [`BaseRows`]), and the unlabeled pool rows as training-only rows of weight 0
/// (`--transductive`: they only add to the vocabulary and document frequencies).
fn examples_of(data: &Data, labeled: &[usize], is_labeled: &[bool], o: &Options) -> Examples {
    believed_examples(data, labeled, &[], is_labeled, o)
}

/// [`examples_of`] with `believed` pool rows (index, label) labeled as given.
fn believed_examples(
    data: &Data,
    labeled: &[usize],
    believed: &[(usize, String)],
    is_labeled: &[bool],
    o: &Options,
) -> Examples {
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut train_only = Vec::new();
    let mut weights = Vec::new();
    if o.base_irrelevant {
        let b = &data.irrelevant;
        for i in 0..b.len() {
            texts.push(b.texts[i].clone());
            labels.push(b.labels[i].clone());
            names.push(b.groups[i].as_str());
            train_only.push(true);
            weights.push(1.0);
        }
    }
    for &i in labeled {
        let c = &data.pool[i];
        texts.push(c.text.clone());
        labels.push(c.known_label.clone().unwrap_or_default());
        names.push(c.source_url.as_str());
        train_only.push(false);
        weights.push(1.0);
    }
    for (i, label) in believed {
        let c = &data.pool[*i];
        texts.push(c.text.clone());
        labels.push(label.clone());
        names.push(c.source_url.as_str());
        train_only.push(false);
        weights.push(1.0);
    }
    if o.transductive {
        // Any class name will do: a row of weight 0 adds nothing to the loss.
        let placeholder = labels[labels.len() - 1].clone();
        for (c, _) in data.pool.iter().zip(is_labeled).filter(|(_, &l)| !l) {
            texts.push(c.text.clone());
            labels.push(placeholder.clone());
            names.push(c.source_url.as_str());
            train_only.push(true);
            weights.push(0.0);
        }
    }
    if !train_only.contains(&true) {
        train_only.clear();
    }
    if weights.iter().all(|&w| w == 1.0) {
        weights.clear();
    }
    Examples {
        texts,
        labels,
        groups: Examples::group_ids(&names),
        weights,
        train_only,
    }
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
        let examples = examples_of(data, &labeled, &is_labeled, o);
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
        } else if name == "margin-raw" {
            // Margin on the probabilities before temperature scaling (same weights, same
            // predictions); how many of the batch differ from the calibrated margin's batch.
            let mut raw = classifier.clone();
            raw.set_calibration(None, None).map_err(|e| e.to_string())?;
            let raw_probabilities = pool_probabilities(&raw, data, &pool, k);
            let ranked = rank(Strategy::Margin, &raw_probabilities, k, &pool, round_seed);
            let calibrated = rank(Strategy::Margin, &probabilities, k, &pool, round_seed);
            let a = select_batch(&ranked, &data.keys, o.batch, true);
            let b = select_batch(&calibrated, &data.keys, o.batch, true);
            eprintln!(
                "margin-raw seed {seed} round {round}: temperature {:?}; {} of {} in the batch differ",
                raw_temperature(&classifier),
                a.iter().filter(|i| !b.contains(i)).count(),
                a.len()
            );
            ranked
        } else if matches!(name, "qbc-vote" | "qbc-kl" | "margin-committee") {
            let committee = committee_probabilities(
                &valid,
                data,
                &labeled,
                &is_labeled,
                o,
                &pool,
                &classes,
                round_seed,
            )?;
            committee_rank(name, &committee, &pool, k, data.pool.len())
        } else if name == "margin-logit" || name == "margin-geometric" {
            logit_margin_rank(name, &classifier, data, &pool)
        } else if name == "margin-nodup-labeled" {
            // Margin order without the rows that are near-duplicates of a labeled row.
            rank(strategy, &probabilities, k, &pool, round_seed)
                .into_iter()
                .filter(|&i| {
                    !labeled
                        .iter()
                        .any(|&j| data.keys[j].near_duplicate(&data.keys[i]))
                })
                .collect()
        } else if name == "dal" {
            dal_rank(&valid, data, &is_labeled, &pool)?
        } else if name == "cal" {
            cal_rank(&classifier, data, &pool, &labeled, &probabilities, k)
        } else if name == "egl" {
            egl_rank(&classifier, data, &pool, &probabilities, k)
        } else if let Some(n) = name.strip_prefix("margin-after-") {
            let n: usize = n.parse().map_err(|e| format!("{name}: {e}"))?;
            let s = if labeled.len() < n {
                Strategy::Random
            } else {
                Strategy::Margin
            };
            rank(s, &probabilities, k, &pool, round_seed)
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
            "margin-believer" => {
                // Kriging believer (Ginsbourger et al. 2010): the batch in 5 parts, the model
                // refit between parts as if each chosen row had its predicted label.
                let part = o.batch.div_ceil(BELIEVER_PARTS);
                let mut chosen = select_batch(&ranked, &data.keys, part, true);
                let mut probabilities = probabilities.clone();
                while chosen.len() < o.batch {
                    let believed: Vec<(usize, String)> = chosen
                        .iter()
                        .map(|&i| {
                            (
                                i,
                                classes[argmax(&probabilities[i * k..(i + 1) * k])].clone(),
                            )
                        })
                        .collect();
                    let (believer, _) = valid
                        .fit(believed_examples(data, &labeled, &believed, &is_labeled, o))
                        .map_err(|e| e.to_string())?;
                    let rest: Vec<usize> = pool
                        .iter()
                        .copied()
                        .filter(|i| !chosen.contains(i))
                        .collect();
                    let kb = believer.classes().len();
                    if kb == k {
                        probabilities = pool_probabilities(&believer, data, &rest, k);
                    }
                    let ranked = rank(Strategy::Margin, &probabilities, k, &rest, round_seed);
                    let before = chosen.len();
                    for i in ranked {
                        if chosen.len() >= o.batch
                            || (chosen.len().is_multiple_of(part) && chosen.len() > believed.len())
                        {
                            break;
                        }
                        if !chosen
                            .iter()
                            .any(|&j| data.keys[j].near_duplicate(&data.keys[i]))
                        {
                            chosen.push(i);
                        }
                    }
                    if chosen.len() == before {
                        break;
                    }
                }
                chosen
            }
            "margin-mix20" => {
                // 80 % of the batch by margin, the rest at random (exploration).
                let mut batch = select_batch(&ranked, &data.keys, o.batch * 4 / 5, true);
                let random = rank(Strategy::Random, &probabilities, k, &pool, round_seed);
                let rest: Vec<usize> = random
                    .into_iter()
                    .filter(|i| !batch.contains(i))
                    .take(o.batch - batch.len())
                    .collect();
                batch.extend(rest);
                batch
            }
            _ => select_batch(&ranked, &data.keys, o.batch, diversity),
        };
        for i in batch {
            is_labeled[i] = true;
            labeled.push(i);
        }
    }
    Ok(scores)
}

/// `k` class probabilities per row of the candidate table (zero outside `pool`).
fn pool_probabilities(
    classifier: &tonetrack::model::Classifier,
    data: &Data,
    pool: &[usize],
    k: usize,
) -> Vec<f64> {
    let mut probabilities = vec![0.0; data.pool.len() * k];
    let texts: Vec<&str> = pool.iter().map(|&i| data.pool[i].text.as_str()).collect();
    for (&i, p) in pool.iter().zip(predict_batch(classifier, &texts, 0)) {
        for (j, (_, prob)) in p.probabilities.iter().enumerate() {
            probabilities[i * k + j] = *prob;
        }
    }
    probabilities
}

fn raw_temperature(classifier: &tonetrack::model::Classifier) -> String {
    classifier
        .calibration()
        .map_or_else(|| "none".into(), |c| format!("{c:?}"))
}

/// Parts of a batch chosen by `margin-believer`.
const BELIEVER_PARTS: usize = 5;

/// Members of a query-by-committee (Seung et al. 1992; bagging, Abe & Mamitsuka 1998).
const COMMITTEE: usize = 5;

/// The pool's class probabilities under each of [`COMMITTEE`] models, each fit with the
/// refit's options on a bootstrap sample of the labeled rows (in the order of `classes`; a
/// class a sample lacks has probability 0).
#[allow(clippy::too_many_arguments)]
fn committee_probabilities(
    valid: &tonetrack::model::train::ValidTrainParams,
    data: &Data,
    labeled: &[usize],
    is_labeled: &[bool],
    o: &Options,
    pool: &[usize],
    classes: &[String],
    seed: u64,
) -> Result<Vec<Vec<f64>>, String> {
    let k = classes.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xc0ffee);
    let mut members = Vec::with_capacity(COMMITTEE);
    for _ in 0..COMMITTEE {
        let sample: Vec<usize> = (0..labeled.len())
            .map(|_| labeled[rng.gen_range(0..labeled.len())])
            .collect();
        let (member, _) = valid
            .fit(examples_of(data, &sample, is_labeled, o))
            .map_err(|e| e.to_string())?;
        let order: Vec<Option<usize>> = classes
            .iter()
            .map(|c| member.classes().iter().position(|m| m == c))
            .collect();
        let km = member.classes().len();
        let own = pool_probabilities(&member, data, pool, km);
        let mut p = vec![0.0; data.pool.len() * k];
        for &i in pool {
            for (j, from) in order.iter().enumerate() {
                if let Some(f) = from {
                    p[i * k + j] = own[i * km + f];
                }
            }
        }
        members.push(p);
    }
    Ok(members)
}

/// The pool ordered by the committee's disagreement: `qbc-vote` by vote entropy (ties, frequent
/// with 5 votes, broken by the margin of the mean probabilities), `qbc-kl` by the mean KL
/// divergence of each member from the mean (McCallum & Nigam 1998), `margin-committee` by the
/// margin of the mean probabilities.
fn committee_rank(
    name: &str,
    committee: &[Vec<f64>],
    pool: &[usize],
    k: usize,
    rows: usize,
) -> Vec<usize> {
    let m = committee.len() as f64;
    let mut mean = vec![0.0; rows * k];
    for p in committee {
        for &i in pool {
            for j in 0..k {
                mean[i * k + j] += p[i * k + j] / m;
            }
        }
    }
    let scored: Vec<(f64, usize)> = pool
        .iter()
        .map(|&i| {
            let avg = &mean[i * k..(i + 1) * k];
            let margin = candidates::uncertainty(Strategy::Margin, avg);
            let score = match name {
                "qbc-vote" => {
                    let mut votes = vec![0.0; k];
                    for p in committee {
                        votes[argmax(&p[i * k..(i + 1) * k])] += 1.0 / m;
                    }
                    let h: f64 = votes
                        .iter()
                        .filter(|&&v| v > 0.0)
                        .map(|&v| -v * v.ln())
                        .sum();
                    h + 1e-3 * margin
                }
                "qbc-kl" => {
                    committee
                        .iter()
                        .map(|p| {
                            (0..k)
                                .filter(|&j| p[i * k + j] > 0.0)
                                .map(|j| p[i * k + j] * (p[i * k + j] / avg[j]).ln())
                                .sum::<f64>()
                        })
                        .sum::<f64>()
                        / m
                }
                _ => margin,
            };
            (score, i)
        })
        .collect();
    by_score(scored, Order::Highest)
}

/// The pool ordered by the gap between the two largest decision values (`margin-logit`), or
/// by that gap over ‖w_a − w_b‖, the distance of the row to the boundary between its two
/// likeliest classes in feature space (`margin-geometric`; Tong & Koller 2001's simple margin
/// for a linear model): smallest first.
fn logit_margin_rank(
    name: &str,
    classifier: &tonetrack::model::Classifier,
    data: &Data,
    pool: &[usize],
) -> Vec<usize> {
    let model = classifier.model();
    let k = model.n_classes();
    let w = model.weights();
    let mut pair_norm = vec![1.0; k * k];
    if name == "margin-geometric" {
        for a in 0..k {
            for b in 0..k {
                pair_norm[a * k + b] = w
                    .chunks_exact(k)
                    .map(|row| (row[a] - row[b]).powi(2))
                    .sum::<f64>()
                    .sqrt()
                    .max(1e-12);
            }
        }
    }
    let vectorizer = classifier.vectorizer();
    let scored: Vec<(f64, usize)> = pool
        .iter()
        .map(|&i| {
            let x = vectorizer.transform_text(classifier.analyzer(), &data.pool[i].text);
            let z = model.decision_row(&x.indices, &x.values);
            let a = argmax(&z);
            let b = (0..k)
                .filter(|&j| j != a)
                .fold(None, |best: Option<usize>, j| match best {
                    Some(b) if z[b] >= z[j] => Some(b),
                    _ => Some(j),
                })
                .unwrap_or(a);
            ((z[a] - z[b]) / pair_norm[a * k + b], i)
        })
        .collect();
    by_score(scored, Order::Lowest)
}

/// Which end of the scores comes first in [`by_score`].
#[derive(Clone, Copy)]
enum Order {
    Highest,
    Lowest,
}

/// The row indices of `(score, row)` pairs, best first by `order`, ties by row index (so the
/// order is the same on every run).
fn by_score(mut scored: Vec<(f64, usize)>, order: Order) -> Vec<usize> {
    scored.sort_unstable_by(|a, b| {
        let by = match order {
            Order::Highest => b.0.total_cmp(&a.0),
            Order::Lowest => a.0.total_cmp(&b.0),
        };
        by.then(a.1.cmp(&b.1))
    });
    scored.into_iter().map(|(_, i)| i).collect()
}

/// Contrastive active learning (CAL, Margatina et al. 2021): the pool ordered by the mean KL
/// divergence of the model's probabilities on a row's [`CAL_NEIGHBOURS`] nearest labeled rows
/// (cosine of the TF-IDF rows) from its own: rows the model sees unlike their neighbours.
fn cal_rank(
    classifier: &tonetrack::model::Classifier,
    data: &Data,
    pool: &[usize],
    labeled: &[usize],
    probabilities: &[f64],
    k: usize,
) -> Vec<usize> {
    let vectorizer = classifier.vectorizer();
    let row = |i: usize| vectorizer.transform_text(classifier.analyzer(), &data.pool[i].text);
    let mut index: Vec<Vec<(usize, f64)>> = vec![Vec::new(); vectorizer.n_features()];
    let mut labeled_p = Vec::with_capacity(labeled.len());
    for (n, &j) in labeled.iter().enumerate() {
        let x = row(j);
        for (&c, &v) in x.indices.iter().zip(&x.values) {
            if let Some(list) = index.get_mut(c) {
                list.push((n, v));
            }
        }
        labeled_p.push(
            classifier
                .predict(&data.pool[j].text, 0)
                .probabilities
                .iter()
                .map(|(_, p)| *p)
                .collect::<Vec<f64>>(),
        );
    }
    let scored: Vec<(f64, usize)> = pool
        .par_iter()
        .map(|&i| {
            let x = row(i);
            let mut sims = vec![0.0; labeled.len()];
            for (&c, &v) in x.indices.iter().zip(&x.values) {
                if let Some(list) = index.get(c) {
                    for &(n, w) in list {
                        sims[n] += v * w;
                    }
                }
            }
            let mut order: Vec<usize> = (0..labeled.len()).collect();
            let m = CAL_NEIGHBOURS.min(order.len());
            order.select_nth_unstable_by(m.saturating_sub(1), |a, b| sims[*b].total_cmp(&sims[*a]));
            let p = &probabilities[i * k..(i + 1) * k];
            let kl: f64 = order[..m]
                .iter()
                .map(|&n| {
                    (0..k)
                        .filter(|&j| labeled_p[n][j] > 0.0)
                        .map(|j| labeled_p[n][j] * (labeled_p[n][j] / p[j].max(1e-12)).ln())
                        .sum::<f64>()
                })
                .sum::<f64>()
                / m.max(1) as f64;
            (kl, i)
        })
        .collect();
    by_score(scored, Order::Highest)
}

/// Discriminative active learning (Gissin & Shalev-Shwartz 2019): a classifier with the
/// refit's options (without calibration) told labeled from unlabeled pool rows; the pool
/// ordered by its probability of `unlabeled`, highest first (the rows least like the
/// labeled set).
fn dal_rank(
    valid: &tonetrack::model::train::ValidTrainParams,
    data: &Data,
    is_labeled: &[bool],
    pool: &[usize],
) -> Result<Vec<usize>, String> {
    let params = TrainParams {
        calibration: CalibrationMethod::None,
        ..valid.params().clone()
    }
    .check()
    .map_err(|e| e.to_string())?;
    let examples = Examples::new(
        data.pool.iter().map(|c| c.text.clone()).collect(),
        is_labeled
            .iter()
            .map(|&l| if l { "labeled" } else { "unlabeled" }.to_string())
            .collect(),
    );
    let (discriminator, _) = params.fit(examples).map_err(|e| e.to_string())?;
    let u = discriminator
        .classes()
        .iter()
        .position(|c| c == "unlabeled")
        .unwrap_or(0);
    let texts: Vec<&str> = pool.iter().map(|&i| data.pool[i].text.as_str()).collect();
    let scored: Vec<(f64, usize)> = pool
        .iter()
        .zip(predict_batch(&discriminator, &texts, 0))
        .map(|(&i, p)| (p.probabilities[u].1, i))
        .collect();
    Ok(by_score(scored, Order::Highest))
}

/// Neighbours of a row in CAL (Margatina et al. 2021 use 10).
const CAL_NEIGHBOURS: usize = 10;

/// Expected gradient length (Settles, Craven & Ray 2008) for a linear softmax model: the
/// gradient of the log-loss for label y is (p − e_y) ⊗ x, so its expected norm is
/// ‖x‖ Σ_y p_y ‖p − e_y‖.
fn egl_rank(
    classifier: &tonetrack::model::Classifier,
    data: &Data,
    pool: &[usize],
    probabilities: &[f64],
    k: usize,
) -> Vec<usize> {
    let vectorizer = classifier.vectorizer();
    let scored: Vec<(f64, usize)> = pool
        .iter()
        .map(|&i| {
            let x = vectorizer.transform_text(classifier.analyzer(), &data.pool[i].text);
            let norm = x.values.iter().map(|v| v * v).sum::<f64>().sqrt();
            let p = &probabilities[i * k..(i + 1) * k];
            let expected: f64 = (0..k)
                .map(|y| {
                    let g: f64 = (0..k)
                        .map(|j| (p[j] - f64::from(u8::from(j == y))).powi(2))
                        .sum();
                    p[y] * g.sqrt()
                })
                .sum();
            (norm * expected, i)
        })
        .collect();
    by_score(scored, Order::Highest)
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
    let scored: Vec<(f64, usize)> = pool
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
    by_score(scored, Order::Highest)
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
    let keyed: Vec<(f64, usize)> = ranked
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
    by_score(keyed, Order::Highest)
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
    let data = load(root, o.pool_share)?;
    let needed = o.start + o.rounds * o.batch;
    if data.pool.len() < needed {
        return Err(format!(
            "the pool has {} rows, fewer than the {needed} labels of the last round",
            data.pool.len()
        ));
    }
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

    let share = if o.pool_share < 1.0 {
        format!(
            " (the pages of a {} share of its {} pages)",
            o.pool_share, data.pages
        )
    } else {
        String::new()
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Simulated labeling: pool = {} relevant rows of data/quotes_train.csv{share}, evaluation \
         = {} relevant rows of data/quotes_test.csv (macro-F1); start {} random, +{} per round, \
         {} rounds, seeds 1..{}; options: {} ({}); {:.0} s",
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
