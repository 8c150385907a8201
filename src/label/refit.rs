//! Refitting the model on base data + the labels given so far, in a background thread.
//!
//! A [`Learner`] holds what every refit starts from: the training options (those of the model
//! being adapted, with its C fixed, so a refit is a few fits and no search) and the base rows
//! (the labeled data the model was trained on, or what `--base` gives). [`Learner::refit`]
//! fits on base + answers, cross-validates grouped by page as `train` does, and scores every
//! candidate with the new model; [`spawn`] runs it on its own thread and hands the result back
//! through a channel, so the labeling screen never waits for it.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Instant;

use crate::data::{parse_csv, Columns};
use crate::error::{Error, Result};
use crate::label::answers::Answer;
use crate::model::calibration::CalibrationMethod;
use crate::model::classifier::Classifier;
use crate::model::file::Model;
use crate::model::train::{CChoice, Examples, TrainParams};
use crate::predict::predict_batch;

/// The labeled data the built-in model is trained on (`data/quotes.csv` and
/// `data/quotes2.csv`), the base of refits when neither `--model` nor `--base` is given.
pub const BUILTIN_BASE: [(&str, &[u8]); 2] = [
    (
        "<built-in data/quotes.csv>",
        include_bytes!("../../data/quotes.csv"),
    ),
    (
        "<built-in data/quotes2.csv>",
        include_bytes!("../../data/quotes2.csv"),
    ),
];

/// What refits start from.
#[derive(Clone, Debug)]
pub struct Learner {
    params: TrainParams,
    base: BaseRows,
}

/// Labeled rows that every refit trains on.
#[derive(Clone, Debug, Default)]
pub struct BaseRows {
    /// The texts to train on.
    pub texts: Vec<String>,
    /// Their labels.
    pub labels: Vec<String>,
    /// The page of each row (its `source_url`, else its text): rows of a page share a fold.
    pub groups: Vec<String>,
    /// Rows marked `relevant=no`: they train but are never scored in cross-validation (as
    /// `train --train-only-where relevant=no`).
    pub train_only: Vec<bool>,
}

impl BaseRows {
    /// The rows of labeled CSVs (columns `text`, `label`; `source_url` groups the rows and
    /// `relevant=no` makes them training-only when those columns are there), keeping those
    /// that match `filters` (the model's `--where`, e.g. `relevant=yes`).
    pub fn load(sources: &[BaseSource], filters: &[(String, String)]) -> Result<BaseRows> {
        let mut out = BaseRows::default();
        for source in sources {
            for (origin, bytes) in source.bytes()? {
                out.extend(&origin, &bytes, filters)?;
            }
        }
        Ok(out)
    }

    fn extend(&mut self, origin: &Path, bytes: &[u8], filters: &[(String, String)]) -> Result<()> {
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(bytes.len());
        let header = String::from_utf8_lossy(&bytes[..end]);
        let has = |name: &str| header.split(',').any(|h| h.trim() == name);
        let mut columns = Columns::new("text", Some("label"));
        // The model's filters apply to files that have their columns.
        columns.filters = filters.iter().filter(|(c, _)| has(c)).cloned().collect();
        if has("source_url") {
            columns.group = Some("source_url".into());
        }
        if has("relevant") {
            columns.train_only = vec![("relevant".into(), "no".into())];
        }
        let data = parse_csv(origin, bytes, &columns, false)?;
        for row in data.rows {
            self.groups
                .push(row.group.clone().unwrap_or_else(|| row.text.clone()));
            self.labels.push(row.label.unwrap_or_default());
            self.train_only.push(row.train_only);
            self.texts.push(row.text);
        }
        Ok(())
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
    /// The built-in model's training data, built into the binary ([`BUILTIN_BASE`]).
    Builtin,
    /// A labeled CSV file.
    File(PathBuf),
}

impl BaseSource {
    /// The base data of refits: the `files` given, else the built-in model's training data
    /// when the model is the built-in one, else none (a custom model's data is unknown).
    pub fn choose(files: &[PathBuf], builtin_model: bool) -> Vec<BaseSource> {
        if !files.is_empty() {
            files.iter().cloned().map(BaseSource::File).collect()
        } else if builtin_model {
            vec![BaseSource::Builtin]
        } else {
            Vec::new()
        }
    }

    /// (name for messages, bytes) of each file.
    fn bytes(&self) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        match self {
            BaseSource::Builtin => Ok(BUILTIN_BASE
                .iter()
                .map(|(name, bytes)| (PathBuf::from(name), bytes.to_vec()))
                .collect()),
            BaseSource::File(p) => {
                let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
                Ok(vec![(p.clone(), bytes)])
            }
        }
    }
}

/// What one refit did, for the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct RefitReport {
    /// 1 for the first refit of the session, then 2, …
    pub generation: usize,
    /// Rows trained on, of which answers.
    pub rows: usize,
    /// Rows answered by the user.
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
    /// The refitted classifier.
    pub classifier: Arc<Classifier>,
    /// `classes().len()` probabilities per candidate, in candidate order.
    pub probabilities: Vec<f64>,
    /// What the refit measured.
    pub report: RefitReport,
}

impl Learner {
    /// A learner with explicit options; C must be fixed (refits search no grid).
    pub fn new(params: TrainParams, base: BaseRows) -> Result<Learner> {
        if !matches!(params.c, CChoice::Fixed(_)) {
            return Err(Error::InvalidParams(
                "refits need a fixed C (give the model's C)".into(),
            ));
        }
        params.check()?;
        Ok(Learner { params, base })
    }

    /// [`Learner::for_model`] with the base rows of `sources`, read with the model's
    /// training filters (`--where`).
    pub fn with_base(model: &Model, sources: &[BaseSource]) -> Result<Learner> {
        let base = BaseRows::load(sources, &model.training.columns.filters)?;
        Learner::for_model(model, base)
    }

    /// A learner that refits `model` the way it was trained: its options and its C (chosen
    /// or given when it was trained).
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
        Learner::new(params, base)
    }

    /// The training options of refits.
    pub fn params(&self) -> &TrainParams {
        &self.params
    }

    /// Base rows.
    pub fn base(&self) -> &BaseRows {
        &self.base
    }

    /// Base rows + the answers marked relevant (a quotation marked not relevant has no tone
    /// of the labeler's) as examples; `answers_only_scored` makes every base row
    /// training-only, so that cross-validation scores the answers alone.
    fn examples(&self, answers: &[Answer], answers_only_scored: bool) -> (Examples, usize) {
        let used: Vec<&Answer> = answers.iter().filter(|a| a.relevant).collect();
        let mut texts = self.base.texts.clone();
        let mut labels = self.base.labels.clone();
        let mut names: Vec<&str> = self.base.groups.iter().map(String::as_str).collect();
        let mut train_only = if answers_only_scored {
            vec![true; self.base.len()]
        } else {
            self.base.train_only.clone()
        };
        for a in &used {
            texts.push(a.text.clone());
            labels.push(a.label.clone());
            names.push(if a.source_url.is_empty() {
                &a.text
            } else {
                &a.source_url
            });
            train_only.push(false);
        }
        let groups = Examples::group_ids(&names);
        if !train_only.contains(&true) {
            train_only.clear();
        }
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
        // Macro-F1 is cross-validated without calibration: temperature scaling (the built-in
        // model's) never changes which class is likeliest, and calibrating inside each fold
        // would cost five fits more per fold.
        let uncalibrated = TrainParams {
            calibration: CalibrationMethod::None,
            ..self.params.clone()
        }
        .check()?;
        let (examples, yours) = self.examples(answers, false);
        let rows = examples.labels.len();
        let cv = |examples: &Examples| {
            uncalibrated
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_sources_are_the_files_else_the_builtin_data_for_the_builtin_model() {
        let names = |sources: Vec<BaseSource>| -> Vec<String> {
            sources
                .iter()
                .map(|s| match s {
                    BaseSource::Builtin => "builtin".to_string(),
                    BaseSource::File(p) => p.display().to_string(),
                })
                .collect()
        };
        let files = [PathBuf::from("a.csv"), PathBuf::from("b.csv")];
        assert_eq!(names(BaseSource::choose(&files, true)), ["a.csv", "b.csv"]);
        assert_eq!(names(BaseSource::choose(&files, false)), ["a.csv", "b.csv"]);
        assert_eq!(names(BaseSource::choose(&[], true)), ["builtin"]);
        assert!(BaseSource::choose(&[], false).is_empty());
    }

    #[test]
    fn the_built_in_base_is_every_labeled_quotation_with_irrelevant_ones_training_only() {
        let base = BaseRows::load(&[BaseSource::Builtin], &[]).unwrap();
        let count = |bytes: &[u8]| csv::Reader::from_reader(bytes).records().count();
        assert_eq!(
            base.len(),
            count(BUILTIN_BASE[0].1) + count(BUILTIN_BASE[1].1)
        );
        let irrelevant = base.train_only.iter().filter(|t| **t).count();
        assert!(
            irrelevant > 0 && irrelevant < base.len() / 4,
            "{irrelevant}"
        );
        // A model trained on relevant rows only keeps only those.
        let filters = [("relevant".to_string(), "yes".to_string())];
        let relevant = BaseRows::load(&[BaseSource::Builtin], &filters).unwrap();
        assert_eq!(relevant.len(), base.len() - irrelevant);
        assert!(!relevant.train_only.contains(&true));
    }

    #[test]
    fn answers_marked_not_relevant_never_train() {
        let base = BaseRows {
            texts: vec!["a good talk".into(), "a bad talk".into()],
            labels: vec!["positive".into(), "negative".into()],
            groups: vec!["p1".into(), "p2".into()],
            train_only: vec![false, true],
        };
        let learner = Learner::new(
            TrainParams {
                c: CChoice::Fixed(1.0),
                ..TrainParams::default()
            },
            base,
        )
        .unwrap();
        let answer = |id: &str, relevant: bool| Answer {
            id: id.into(),
            text: format!("text {id}"),
            speaker: String::new(),
            date: String::new(),
            source_url: String::new(),
            label: "neutral".into(),
            relevant,
            article: String::new(),
        };
        let (examples, yours) = learner.examples(&[answer("a", true), answer("b", false)], false);
        assert_eq!(yours, 1);
        assert_eq!(examples.texts, ["a good talk", "a bad talk", "text a"]);
        assert_eq!(examples.train_only, [false, true, false]);
        let (examples, _) = learner.examples(&[answer("a", true)], true);
        assert_eq!(examples.train_only, [true, true, false]);
    }
}
