//! Refitting the model on base data + the labels given so far, in a background thread.
//!
//! A [`Learner`] holds what every refit starts from: the training options (those of the model
//! being adapted, with its C fixed, so a refit is a few fits and no search) and the base rows
//! (the labeled data the model was trained on, or what `--base` gives). [`Learner::refit`]
//! fits on base + answers, cross-validates grouped by page as `train` does, and scores every
//! candidate with the new model; [`spawn`] runs it on its own thread and hands the result back
//! through a channel, so the labeling screen never waits for it.

use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Instant;

use crate::data::{load_csv, parse_csv, Columns, Dataset};
use crate::error::{Error, Result};
use crate::label::answers::Answer;
use crate::model::classifier::Classifier;
use crate::model::file::Model;
use crate::model::train::{CChoice, Examples, TrainParams};
use crate::score::predict_batch;

/// The training data of the built-in model (`data/quotes_train.csv`), the base of refits
/// when neither `--model` nor `--base` is given.
pub const BUILTIN_BASE: &[u8] = include_bytes!("../../data/quotes_train.csv");

/// What refits start from.
#[derive(Clone, Debug)]
pub struct Learner {
    params: TrainParams,
    /// Only answers marked relevant train (the model was trained on `relevant=yes` rows).
    relevant_only: bool,
    base: BaseRows,
}

/// Labeled rows that every refit trains on.
#[derive(Clone, Debug, Default)]
pub struct BaseRows {
    pub texts: Vec<String>,
    pub labels: Vec<String>,
    /// The page of each row (its `source_url`, else its text): rows of a page share a fold.
    pub groups: Vec<String>,
}

impl BaseRows {
    /// The rows of labeled CSVs (columns `text`, `label`; `source_url` groups the rows when
    /// present), keeping those that match `filters` (e.g. `relevant=yes`).
    pub fn load(sources: &[BaseSource], filters: &[(String, String)]) -> Result<BaseRows> {
        let mut out = BaseRows::default();
        for source in sources {
            let data = source.read(filters)?;
            out.extend(data);
        }
        Ok(out)
    }

    fn extend(&mut self, data: Dataset) {
        for row in data.rows {
            self.groups
                .push(row.group.clone().unwrap_or_else(|| row.text.clone()));
            self.labels.push(row.label.unwrap_or_default());
            self.texts.push(row.text);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// Where base rows come from.
#[derive(Clone, Debug)]
pub enum BaseSource {
    /// `data/quotes_train.csv` as built into the binary.
    Builtin,
    /// A labeled CSV file.
    File(std::path::PathBuf),
}

impl BaseSource {
    fn read(&self, filters: &[(String, String)]) -> Result<Dataset> {
        let path = match self {
            BaseSource::Builtin => std::path::Path::new("<built-in data/quotes_train.csv>"),
            BaseSource::File(p) => p.as_path(),
        };
        let header = match self {
            BaseSource::Builtin => first_line(BUILTIN_BASE),
            BaseSource::File(p) => first_line(&std::fs::read(p).map_err(|e| Error::io(p, e))?),
        };
        let has = |name: &str| header.split(',').any(|h| h.trim() == name);
        let mut columns = Columns::new("text", Some("label"));
        // The model's filters (`relevant=yes`) apply to files that have the column.
        columns.filters = filters.iter().filter(|(c, _)| has(c)).cloned().collect();
        // Rows of one page share a cross-validation fold when the file names the page.
        if has("source_url") {
            columns.group = Some("source_url".into());
        }
        match self {
            BaseSource::Builtin => parse_csv(path, BUILTIN_BASE, &columns, false),
            BaseSource::File(p) => load_csv(p, &columns, false),
        }
    }
}

fn first_line(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// What one refit did, for the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct RefitReport {
    /// 1 for the first refit of the session, then 2, …
    pub generation: usize,
    /// Rows trained on, of which answers.
    pub rows: usize,
    pub yours: usize,
    /// Cross-validated macro-F1 (mean, sd over folds) on base + answers, folds grouped by page.
    pub cv_macro_f1: Option<(f64, f64)>,
    /// The same scored on the answers only (base rows always train), when there are enough.
    pub cv_yours: Option<(f64, f64)>,
    /// Wall time of the refit, seconds.
    pub seconds: f64,
}

/// A refitted model and every candidate's class probabilities under it.
pub struct Refitted {
    pub classifier: Arc<Classifier>,
    /// `classes().len()` probabilities per candidate, in candidate order.
    pub probabilities: Vec<f64>,
    pub report: RefitReport,
}

impl Learner {
    /// A learner with explicit options; C must be fixed (refits search no grid).
    pub fn new(params: TrainParams, relevant_only: bool, base: BaseRows) -> Result<Learner> {
        if !matches!(params.c, CChoice::Fixed(_)) {
            return Err(Error::InvalidParams(
                "refits need a fixed C (give the model's C)".into(),
            ));
        }
        params.check()?;
        Ok(Learner {
            params,
            relevant_only,
            base,
        })
    }

    /// A learner that refits `model` the way it was trained: its options, its chosen C, its
    /// row filters (a model trained on `relevant=yes` rows learns from relevant answers only).
    pub fn for_model(model: &Model, base: BaseRows) -> Result<Learner> {
        let mut params = model.training.params.clone();
        let c = model
            .training
            .reports
            .values()
            .next()
            .map(|r| r.c)
            .ok_or_else(|| Error::Data("the model file has no training report".into()))?;
        params.c = CChoice::Fixed(c);
        let relevant_only = model
            .training
            .columns
            .filters
            .iter()
            .any(|(col, value)| col == "relevant" && value == "yes");
        Learner::new(params, relevant_only, base)
    }

    /// The training options of refits.
    pub fn params(&self) -> &TrainParams {
        &self.params
    }

    /// Base rows.
    pub fn base(&self) -> &BaseRows {
        &self.base
    }

    /// Whether only answers marked relevant train.
    pub fn relevant_only(&self) -> bool {
        self.relevant_only
    }

    /// Base rows + answers as examples; `answers_only_scored` makes the base rows
    /// training-only, so that cross-validation scores the answers alone.
    fn examples(&self, answers: &[Answer], answers_only_scored: bool) -> (Examples, usize) {
        let used: Vec<&Answer> = answers
            .iter()
            .filter(|a| a.relevant || !self.relevant_only)
            .collect();
        let mut texts = self.base.texts.clone();
        let mut labels = self.base.labels.clone();
        let mut names: Vec<&str> = self.base.groups.iter().map(String::as_str).collect();
        for a in &used {
            texts.push(a.text.clone());
            labels.push(a.label.clone());
            names.push(if a.source_url.is_empty() {
                &a.text
            } else {
                &a.source_url
            });
        }
        let groups = Examples::group_ids(&names);
        let train_only = if answers_only_scored {
            (0..texts.len()).map(|i| i < self.base.len()).collect()
        } else {
            Vec::new()
        };
        let n = used.len();
        (
            Examples {
                texts,
                labels,
                groups,
                weights: Vec::new(),
                train_only,
            },
            n,
        )
    }

    /// Fits on base + `answers`, cross-validates, and scores `candidates` with the new model.
    pub fn refit(
        &self,
        answers: &[Answer],
        candidates: &[String],
        generation: usize,
    ) -> Result<Refitted> {
        let started = Instant::now();
        let valid = self.params.check()?;
        let (examples, yours) = self.examples(answers, false);
        let rows = examples.labels.len();
        let cv = |examples: &Examples| {
            valid
                .cross_validate(examples)
                .ok()
                .map(|(_, s)| (s.macro_f1.mean, s.macro_f1.std))
        };
        let cv_macro_f1 = cv(&examples);
        let cv_yours = if !self.base.is_empty() && yours >= 2 * self.params.folds {
            cv(&self.examples(answers, true).0)
        } else {
            None
        };
        let (classifier, _) = valid.fit(examples)?;
        let k = classifier.classes().len();
        let mut probabilities = Vec::with_capacity(candidates.len() * k);
        for p in predict_batch(&classifier, candidates, 0) {
            probabilities.extend(p.probabilities.iter().map(|(_, p)| *p));
        }
        Ok(Refitted {
            classifier: Arc::new(classifier),
            probabilities,
            report: RefitReport {
                generation,
                rows,
                yours,
                cv_macro_f1,
                cv_yours,
                seconds: started.elapsed().as_secs_f64(),
            },
        })
    }
}

/// A refit running on its own thread.
pub struct Running {
    receiver: Receiver<Result<Refitted>>,
}

/// Starts a refit on a new thread.
pub fn spawn(
    learner: Arc<Learner>,
    answers: Vec<Answer>,
    candidates: Arc<Vec<String>>,
    generation: usize,
) -> Running {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        let result = learner.refit(&answers, &candidates, generation);
        // The session may be gone (quit while refitting): then nobody needs the result.
        let _ = sender.send(result);
    });
    Running { receiver }
}

impl Running {
    /// The result when the refit is done, without waiting.
    pub fn try_take(&self) -> Option<Result<Refitted>> {
        match self.receiver.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(Error::Data(
                "the refit thread stopped without a result".into(),
            ))),
        }
    }

    /// Waits for the result (tests and simulations).
    pub fn wait(self) -> Result<Refitted> {
        self.receiver
            .recv()
            .map_err(|_| Error::Data("the refit thread stopped without a result".into()))?
    }
}
