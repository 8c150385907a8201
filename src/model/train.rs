//! Training: checked parameters → fit → a [`Classifier`] and a report of what happened.
//!
//! `C` is either given or chosen from a grid by stratified k-fold cross-validation on the
//! training data only: the vectorizer is refit inside each fold (so no fold sees the IDF of its
//! test rows), rows that share a group (e.g. the same sentence with different targets) stay in
//! one fold, folds are seeded, and all (C, fold) fits run in parallel with rayon. Results are
//! collected in a fixed order, so the outcome does not depend on the number of threads.

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::eval::{evaluate, summarize, CvSummary, Evaluation, MeanStd};
use crate::features::{CorpusColumns, Csr, TermCorpus, TfidfVectorizer, VectorizerParams};
use crate::model::calibration::{
    expected_calibration_error, log_loss, Calibration, CalibrationMethod, CalibrationReport,
    ClassRates,
};
use crate::model::classifier::{Classifier, TonePoles};
use crate::model::logistic::{balanced_weights, softmax_in_place, LogisticParams};
use crate::text::{Analyzer, AnalyzerConfig};

/// The C values tried by `--c auto`: a log grid wide enough for TF-IDF text features.
pub const DEFAULT_C_GRID: [f64; 7] = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0];

/// How C is set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CChoice {
    /// Chosen from a grid by cross-validated macro-F1.
    Auto {
        /// The values of C tried.
        grid: Vec<f64>,
    },
    /// Given.
    Fixed(f64),
}

/// What `--c auto` maximises over the grid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CCriterion {
    /// Mean cross-validated macro-F1 (the labels).
    #[default]
    MacroF1,
    /// Mean cross-validated log-loss, lowest wins (the probabilities).
    LogLoss,
}

/// Per-sample weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// Every row counts once.
    Uniform,
    /// Rows weighted by n / (k · count of their class), as scikit-learn's "balanced".
    Balanced,
}

/// Everything that decides a trained model, stored in the model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainParams {
    /// The tokenizer, filters and n-grams.
    pub analyzer: AnalyzerConfig,
    /// Terms in fewer documents are dropped.
    pub min_df: usize,
    /// Terms in more than this fraction of documents are dropped.
    pub max_df: f64,
    /// Only the most frequent terms are kept, when set.
    pub max_features: Option<usize>,
    /// 1 + ln(tf) instead of raw counts.
    pub sublinear_tf: bool,
    /// The inverse regularisation strength, or the grid to choose it from.
    pub c: CChoice,
    /// Cross-validation folds (for choosing C and calibrating).
    pub folds: usize,
    /// How classes are weighted in the loss.
    pub class_weight: ClassWeight,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Most L-BFGS iterations.
    pub max_iterations: u64,
    /// L-BFGS stops when every gradient entry, per training row, is within `±` this
    /// (scikit-learn's `tol`).
    pub gradient_tolerance: f64,
    /// What C is chosen by (with `CChoice::Auto`).
    #[serde(default)]
    pub c_criterion: CCriterion,
    /// How probabilities are calibrated on out-of-fold predictions (models of earlier
    /// versions: none).
    #[serde(default)]
    pub calibration: CalibrationMethod,
    /// The classes at the ends of tone; none: `positive` and `negative` when the data has
    /// them (else the model has no tone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone_poles: Option<TonePoles>,
    /// Which solver fits the logistic regression (recorded only when not the default).
    #[serde(default, skip_serializing_if = "Engine::is_sparse")]
    pub engine: Engine,
}

/// The solver of the logistic regression: both minimise the same objective.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// tonetrack's L-BFGS on sparse rows (`src/model/lbfgs.rs`), in parallel.
    #[default]
    Sparse,
    /// linfa-logistic on dense rows: small data only.
    LinfaLogistic,
}

impl Engine {
    fn is_sparse(&self) -> bool {
        *self == Engine::Sparse
    }
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            analyzer: AnalyzerConfig::default(),
            min_df: 2,
            max_df: 1.0,
            max_features: None,
            sublinear_tf: true,
            c: CChoice::Auto {
                grid: DEFAULT_C_GRID.to_vec(),
            },
            folds: 5,
            class_weight: ClassWeight::Uniform,
            seed: 42,
            max_iterations: 200,
            gradient_tolerance: 1e-4,
            c_criterion: CCriterion::MacroF1,
            calibration: CalibrationMethod::None,
            tone_poles: None,
            engine: Engine::Sparse,
        }
    }
}

/// [`TrainParams`] that have been checked; the only way to fit.
#[derive(Clone, Debug)]
pub struct ValidTrainParams {
    params: TrainParams,
    analyzer: Analyzer,
}

/// Rows to learn from: texts, their labels, and the group each row belongs to.
#[derive(Clone, Debug, Default)]
pub struct Examples {
    /// The texts.
    pub texts: Vec<String>,
    /// Their labels.
    pub labels: Vec<String>,
    /// The group of each row: rows of one group never end up on both sides of a CV split.
    /// The folds depend on the order of the ids; [`Examples::group_ids`] numbers groups in the
    /// sorted order of their names.
    pub groups: Vec<u32>,
    /// Each row's weight in the loss (empty: 1 for every row). Multiplies the class weight.
    pub weights: Vec<f64>,
    /// Rows that only ever train (empty: none): extra data from another source, never scored
    /// in cross-validation, so that CV figures stay about the main data.
    pub train_only: Vec<bool>,
}

impl Examples {
    /// Examples where every row is its own group.
    pub fn new(texts: Vec<String>, labels: Vec<String>) -> Self {
        let groups = (0..texts.len()).map(to_group_id).collect();
        Examples {
            texts,
            labels,
            groups,
            ..Examples::default()
        }
    }

    /// Appends `extra` as training-only rows of weight `weight`, each its own group.
    pub fn with_extra(mut self, extra: Examples, weight: f64) -> Examples {
        let n = self.len();
        if self.weights.is_empty() {
            self.weights = vec![1.0; n];
        }
        if self.train_only.is_empty() {
            self.train_only = vec![false; n];
        }
        let first_group = self.groups.iter().max().map_or(0, |g| g + 1);
        for i in 0..extra.len() {
            self.groups.push(first_group + to_group_id(i));
        }
        self.weights
            .extend(std::iter::repeat_n(weight, extra.len()));
        self.train_only
            .extend(std::iter::repeat_n(true, extra.len()));
        self.texts.extend(extra.texts);
        self.labels.extend(extra.labels);
        self
    }

    fn is_train_only(&self, row: usize) -> bool {
        self.train_only.get(row).copied().unwrap_or(false)
    }

    /// The group id of each row from its group's name: equal names get equal ids, numbered
    /// in sorted name order. Ids rather than names, because the name is often the sentence
    /// itself, and a million rows would hold every sentence once more.
    pub fn group_ids(names: &[&str]) -> Vec<u32> {
        let mut sorted = names.to_vec();
        sorted.par_sort_unstable();
        sorted.dedup();
        names
            .par_iter()
            .map(|name| to_group_id(sorted.binary_search(name).unwrap_or(0)))
            .collect()
    }

    fn len(&self) -> usize {
        self.labels.len()
    }
}

fn to_group_id(index: usize) -> u32 {
    u32::try_from(index).expect("more than 2^32 groups")
}

/// What training did, stored in the model file and printed by `train`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    /// Training rows.
    pub rows: usize,
    /// Rows per label.
    pub label_counts: BTreeMap<String, usize>,
    /// Features (vocabulary terms).
    pub features: usize,
    /// The C fitted with.
    pub c: f64,
    /// Mean CV scores for each C tried (empty when C was given and nothing is calibrated).
    pub cv_grid: Vec<GridPoint>,
    /// Mean CV macro-F1 of the chosen C, when cross-validation ran.
    pub cv_macro_f1: Option<f64>,
    /// L-BFGS iterations of the final fit.
    pub iterations: u64,
    /// Whether the final fit converged.
    pub converged: bool,
    /// Calibration on the out-of-fold predictions, when calibrated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<CalibrationReport>,
}

/// One C of the grid with its cross-validated scores (mean and sd over folds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridPoint {
    /// The C.
    pub c: f64,
    /// Mean macro-F1 over the folds.
    pub macro_f1: f64,
    /// Its standard deviation.
    pub macro_f1_sd: f64,
    /// Log-loss of the uncalibrated probabilities (models of earlier versions: 0).
    #[serde(default)]
    pub log_loss: f64,
    #[serde(default)]
    /// The standard deviation of the log-loss.
    pub log_loss_sd: f64,
}

/// What cross-validation at the chosen C left: each scored row's decision values.
struct OutOfFold {
    /// Rows scored, ascending.
    rows: Vec<usize>,
    /// Decision values of those rows, `rows.len() × k`, row-major.
    logits: Vec<f64>,
}

impl TrainParams {
    /// Checks every parameter and builds the analyzer.
    pub fn check(&self) -> Result<ValidTrainParams> {
        let bad = |m: String| Err(Error::InvalidParams(m));
        if self.folds < 2 {
            return bad(format!("folds must be at least 2, got {}", self.folds));
        }
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return bad(format!("max_df must be in (0, 1], got {}", self.max_df));
        }
        if self.max_features == Some(0) {
            return bad("max_features must be at least 1".into());
        }
        let cs: Vec<f64> = match &self.c {
            CChoice::Auto { grid } if grid.is_empty() => {
                return bad("the C grid is empty".into());
            }
            CChoice::Auto { grid } => grid.clone(),
            CChoice::Fixed(c) => vec![*c],
        };
        for &c in &cs {
            self.logistic(c, 1.0).check()?;
        }
        let analyzer = Analyzer::new(self.analyzer.clone())?;
        Ok(ValidTrainParams {
            params: self.clone(),
            analyzer,
        })
    }

    fn vectorizer(&self) -> VectorizerParams {
        VectorizerParams {
            min_df: self.min_df,
            max_df: self.max_df,
            max_features: self.max_features,
            sublinear_tf: self.sublinear_tf,
        }
    }

    /// Logistic regression parameters for `total_weight` training rows (the sum of their
    /// sample weights).
    ///
    /// `gradient_tolerance` is meant per row, as scikit-learn's `tol`: scikit-learn minimises
    /// the mean objective, (1/S)·Σ sᵢ·lossᵢ + ‖W‖²/(2·C·S) with S = Σ sᵢ, which is our summed
    /// objective (Σ sᵢ·lossᵢ + ‖W‖²/(2·C), linfa-logistic's with α = 1/C) divided by S. Its
    /// gradient is ours divided by S, so stopping at the same point means a tolerance of
    /// `gradient_tolerance · S` on ours. Without this scaling a tolerance of 1e-4 on a sum over
    /// thousands of rows asks for far more precision than the predictions can use.
    fn logistic(&self, c: f64, total_weight: f64) -> LogisticParams {
        LogisticParams {
            c,
            max_iterations: self.max_iterations,
            gradient_tolerance: self.gradient_tolerance * total_weight.max(1.0),
        }
    }
}

impl ValidTrainParams {
    /// The parameters as given.
    pub fn params(&self) -> &TrainParams {
        &self.params
    }

    /// Fits a classifier on all examples, choosing C by cross-validation when asked. The
    /// examples are consumed: their texts are dropped once analysed, which on a million rows
    /// is hundreds of megabytes that the optimizer can use.
    pub fn fit(&self, examples: Examples) -> Result<(Classifier, TrainReport)> {
        self.fit_with_progress(examples, &|| {})
    }

    /// [`fit`](Self::fit), calling `tick` after each cross-validation fit (for progress bars).
    pub fn fit_with_progress(
        &self,
        mut examples: Examples,
        tick: &(dyn Fn() + Sync),
    ) -> Result<(Classifier, TrainReport)> {
        let classes = self.classes_of(&examples)?;
        // Each text is analysed once; folds and the final fit select documents of the corpus.
        let mut corpus = TermCorpus::from_texts(&self.analyzer, &examples.texts);
        examples.texts = Vec::new();
        let y = encode(&examples.labels, &classes)?;
        let (rows, label_counts) = (examples.len(), count_labels(&examples.labels));
        // Cross-validation runs to choose C, and to calibrate on out-of-fold predictions.
        let grid = match &self.params.c {
            CChoice::Auto { grid } => grid.clone(),
            CChoice::Fixed(c) if self.params.calibration != CalibrationMethod::None => vec![*c],
            CChoice::Fixed(_) => Vec::new(),
        };
        let (c, cv_grid, out_of_fold) = if grid.is_empty() {
            let CChoice::Fixed(c) = self.params.c else {
                unreachable!("an empty grid means a fixed C")
            };
            (c, Vec::new(), None)
        } else {
            let folds = stratified_group_folds(&examples, self.params.folds, self.params.seed)?;
            let (points, mut out_of_fold) =
                self.grid_search(&corpus, &y, &examples, &classes, &folds, &grid, tick)?;
            let best = best_grid_point(&points, self.params.c_criterion);
            (points[best].c, points, Some(out_of_fold.swap_remove(best)))
        };
        let cv_macro_f1 = cv_grid.iter().find(|p| p.c == c).map(|p| p.macro_f1);
        let weights = std::mem::take(&mut examples.weights);
        // From here on, memory goes to the matrix and the optimizer: what they do not need is
        // dropped as soon as it is done with (the labels are `y` now, the terms are columns).
        drop(examples);
        let all: Vec<usize> = (0..rows).collect();
        let (vectorizer, columns) = self.params.vectorizer().fit_corpus(&corpus, &all)?;
        corpus.drop_terms();
        release_freed_memory();
        let x = vectorizer.transform_corpus(&corpus, &all, &columns);
        drop((corpus, columns));
        release_freed_memory();
        let mut classifier = self.fit_matrix(vectorizer, &x, &y, &weights, &classes, c)?;
        let calibration = match out_of_fold {
            Some(oof) => Some(self.calibrate(&mut classifier, &oof, &y)?),
            None => None,
        };
        let report = TrainReport {
            rows,
            label_counts,
            features: classifier.vectorizer().n_features(),
            c,
            cv_grid,
            cv_macro_f1,
            iterations: classifier.model().iterations(),
            converged: classifier.model().converged(),
            calibration: calibration.flatten(),
        };
        Ok((classifier, report))
    }

    /// Fits the calibration (if any) to the out-of-fold decision values and stores it, with
    /// the class rates of the calibrated probabilities, in the classifier. Returns how the
    /// calibration changed the out-of-fold log-loss and ECE.
    fn calibrate(
        &self,
        classifier: &mut Classifier,
        oof: &OutOfFold,
        y: &[usize],
    ) -> Result<Option<CalibrationReport>> {
        let k = classifier.classes().len();
        let truth = select(y, &oof.rows);
        let calibration = Calibration::fit(self.params.calibration, &oof.logits, &truth, k)?;
        let mut before = oof.logits.clone();
        for row in before.chunks_exact_mut(k) {
            softmax_in_place(row);
        }
        let after = match &calibration {
            Some(c) => {
                let mut after = oof.logits.clone();
                for row in after.chunks_exact_mut(k) {
                    c.apply(row);
                }
                after
            }
            None => before.clone(),
        };
        let rates = ClassRates::measure(&after, &truth, k);
        let report = calibration.is_some().then(|| CalibrationReport {
            rows: truth.len(),
            log_loss_before: log_loss(&before, &truth, k),
            log_loss_after: log_loss(&after, &truth, k),
            ece_before: expected_calibration_error(&before, &truth, k),
            ece_after: expected_calibration_error(&after, &truth, k),
        });
        classifier.set_calibration(calibration, Some(rates))?;
        Ok(report)
    }

    /// k-fold cross-validation of these parameters (C chosen inside each training fold when
    /// `--c auto`): one evaluation per fold and their summary.
    pub fn cross_validate(&self, examples: &Examples) -> Result<(Vec<Evaluation>, CvSummary)> {
        let classes = self.classes_of(examples)?;
        let folds = stratified_group_folds(examples, self.params.folds, self.params.seed)?;
        let evaluations: Vec<Evaluation> = (0..folds.len())
            .into_par_iter()
            .map(|k| {
                let (train, test) = split(&folds, k, examples);
                let (classifier, _) = self.fit(subset(examples, &train))?;
                let truth = encode(&select(&examples.labels, &test), &classes)?;
                let mut predicted = Vec::with_capacity(test.len());
                let mut probs = Vec::with_capacity(test.len() * classes.len());
                for &i in &test {
                    let p = classifier.predict(&examples.texts[i], 0);
                    predicted.push(classes.iter().position(|c| *c == p.label).unwrap_or(0));
                    probs.extend(classes.iter().map(|c| p.probability(c)));
                }
                let mut evaluation = evaluate(&classes, &truth, &predicted)?;
                evaluation.with_probabilities(&probs, &truth)?;
                Ok(evaluation)
            })
            .collect::<Result<_>>()?;
        let summary = summarize(&evaluations);
        Ok((evaluations, summary))
    }

    fn classes_of(&self, examples: &Examples) -> Result<Vec<String>> {
        let n = examples.labels.len();
        if examples.texts.len() != n
            || examples.groups.len() != n
            || !(examples.weights.is_empty() || examples.weights.len() == n)
            || !(examples.train_only.is_empty() || examples.train_only.len() == n)
        {
            return Err(Error::Data(
                "texts, labels, groups, weights and training-only flags differ in length".into(),
            ));
        }
        if let Some(w) = examples
            .weights
            .iter()
            .find(|w| !(w.is_finite() && **w >= 0.0))
        {
            return Err(Error::InvalidParams(format!(
                "row weights must be finite and not negative, got {w}"
            )));
        }
        let classes: Vec<String> = count_labels(&examples.labels).into_keys().collect();
        if classes.len() < 2 {
            return Err(Error::OneClass { classes });
        }
        Ok(classes)
    }

    /// Mean and sd of macro-F1 and log-loss over the folds for each C, and the out-of-fold
    /// decision values of each C; all fits in parallel.
    #[allow(clippy::too_many_arguments)]
    fn grid_search(
        &self,
        corpus: &TermCorpus,
        y: &[usize],
        examples: &Examples,
        classes: &[String],
        folds: &[Vec<usize>],
        grid: &[f64],
        tick: &(dyn Fn() + Sync),
    ) -> Result<(Vec<GridPoint>, Vec<OutOfFold>)> {
        let k = classes.len();
        let jobs: Vec<(usize, usize)> = (0..grid.len())
            .flat_map(|g| (0..folds.len()).map(move |f| (g, f)))
            .collect();
        // (macro-F1, log-loss, decision values of the fold's rows) per job.
        let results: Vec<(f64, f64, Vec<f64>)> = jobs
            .par_iter()
            .map(|&(g, f)| {
                let (train, test) = split(folds, f, examples);
                let (classifier, columns) =
                    self.fit_rows(corpus, y, &examples.weights, classes, &train, grid[g])?;
                let x = classifier
                    .vectorizer()
                    .transform_corpus(corpus, &test, &columns);
                let logits = classifier.model().decision_values(&x);
                let predicted: Vec<usize> = logits
                    .chunks_exact(k)
                    .map(super::classifier::argmax)
                    .collect();
                let mut probs = logits.clone();
                for row in probs.chunks_exact_mut(k) {
                    softmax_in_place(row);
                }
                let truth = select(y, &test);
                let macro_f1 = evaluate(classes, &truth, &predicted)?.macro_f1;
                tick();
                Ok((macro_f1, log_loss(&probs, &truth, k), logits))
            })
            .collect::<Result<_>>()?;
        let mut points = Vec::with_capacity(grid.len());
        let mut out_of_fold = Vec::with_capacity(grid.len());
        for (g, &c) in grid.iter().enumerate() {
            let of_c = &results[g * folds.len()..(g + 1) * folds.len()];
            let f1 = MeanStd::of(&of_c.iter().map(|r| r.0).collect::<Vec<_>>());
            let loss = MeanStd::of(&of_c.iter().map(|r| r.1).collect::<Vec<_>>());
            points.push(GridPoint {
                c,
                macro_f1: f1.mean,
                macro_f1_sd: f1.std,
                log_loss: loss.mean,
                log_loss_sd: loss.std,
            });
            // The folds' rows, and their decision values, in row order.
            let mut scored: Vec<(usize, &[f64])> = folds
                .iter()
                .zip(of_c)
                .flat_map(|(fold, r)| fold.iter().copied().zip(r.2.chunks_exact(k)))
                .collect();
            scored.sort_unstable_by_key(|(row, _)| *row);
            out_of_fold.push(OutOfFold {
                rows: scored.iter().map(|(row, _)| *row).collect(),
                logits: scored.iter().flat_map(|(_, z)| z.iter().copied()).collect(),
            });
        }
        Ok((points, out_of_fold))
    }

    /// Vectorizer + logistic regression fitted on the given rows only, and the columns of the
    /// corpus terms in its vocabulary.
    fn fit_rows(
        &self,
        corpus: &TermCorpus,
        y: &[usize],
        weights: &[f64],
        classes: &[String],
        rows: &[usize],
        c: f64,
    ) -> Result<(Classifier, CorpusColumns)> {
        let (vectorizer, columns) = self.params.vectorizer().fit_corpus(corpus, rows)?;
        let x = vectorizer.transform_corpus(corpus, rows, &columns);
        let weights = if weights.is_empty() {
            Vec::new()
        } else {
            select(weights, rows)
        };
        let classifier = self.fit_matrix(vectorizer, &x, &select(y, rows), &weights, classes, c)?;
        Ok((classifier, columns))
    }

    /// Logistic regression on the TF-IDF rows `x` of `vectorizer`, with labels `train_y` and
    /// row weights `row_weights` (empty: all 1), times the class weights.
    fn fit_matrix(
        &self,
        vectorizer: TfidfVectorizer,
        x: &Csr,
        train_y: &[usize],
        row_weights: &[f64],
        classes: &[String],
        c: f64,
    ) -> Result<Classifier> {
        let mut weights = match self.params.class_weight {
            ClassWeight::Uniform => None,
            ClassWeight::Balanced => Some(balanced_weights(train_y, classes.len())),
        };
        if !row_weights.is_empty() {
            let combined = match weights {
                Some(w) => w.iter().zip(row_weights).map(|(a, b)| a * b).collect(),
                None => row_weights.to_vec(),
            };
            weights = Some(combined);
        }
        let total_weight = weights
            .as_ref()
            .map_or(train_y.len() as f64, |w| w.iter().sum());
        let logistic = self.params.logistic(c, total_weight).check()?;
        let model = match self.params.engine {
            Engine::Sparse => logistic.fit(x, train_y, classes.len(), weights.as_deref())?,
            Engine::LinfaLogistic => crate::model::linfa_traits::fit_with_linfa_logistic(
                &logistic,
                x,
                train_y,
                classes.len(),
                weights.as_deref(),
            )?,
        };
        let classifier =
            Classifier::new(self.analyzer.clone(), vectorizer, classes.to_vec(), model)?;
        match &self.params.tone_poles {
            Some(poles) => classifier.with_tone_poles(poles.clone()),
            None => Ok(classifier),
        }
    }
}

/// The grid point that `criterion` prefers; on a tie the smaller C (stronger regularisation).
fn best_grid_point(points: &[GridPoint], criterion: CCriterion) -> usize {
    let score = |p: &GridPoint| match criterion {
        CCriterion::MacroF1 => p.macro_f1,
        CCriterion::LogLoss => -p.log_loss,
    };
    points
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| score(a).total_cmp(&score(b)).then(j.cmp(i)))
        .map_or(0, |(i, _)| i)
}

/// Hands memory that has been freed back to the operating system.
///
/// glibc keeps what the rayon workers free in their own arenas, and its trim threshold grows
/// with the largest block freed, so after the analysis of a million documents a few hundred
/// megabytes of freed blocks stayed resident while the matrix and the optimizer allocated
/// theirs (measured: 1M rows, peak RSS 0.99 GB, of which about 0.2 GB was freed memory).
/// Elsewhere the allocator decides, and this does nothing.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free pages of the allocator's heaps to the system;
    // it has no preconditions and touches no live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Label indices in `classes` order; an unknown label is an error.
fn encode(labels: &[String], classes: &[String]) -> Result<Vec<usize>> {
    labels
        .iter()
        .map(|l| {
            classes
                .iter()
                .position(|c| c == l)
                .ok_or_else(|| Error::UnknownLabel {
                    label: l.clone(),
                    known: classes.to_vec(),
                })
        })
        .collect()
}

fn count_labels(labels: &[String]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for l in labels {
        *counts.entry(l.clone()).or_insert(0) += 1;
    }
    counts
}

fn select<T: Clone>(items: &[T], rows: &[usize]) -> Vec<T> {
    rows.iter().map(|&i| items[i].clone()).collect()
}

fn subset(examples: &Examples, rows: &[usize]) -> Examples {
    let optional = |v: &[_]| {
        if v.is_empty() {
            Vec::new()
        } else {
            select(v, rows)
        }
    };
    Examples {
        texts: select(&examples.texts, rows),
        labels: select(&examples.labels, rows),
        groups: select(&examples.groups, rows),
        weights: optional(&examples.weights),
        train_only: if examples.train_only.is_empty() {
            Vec::new()
        } else {
            select(&examples.train_only, rows)
        },
    }
}

/// Training rows (all other folds, and the training-only rows of groups that fold `k` does
/// not hold: a page's irrelevant quotes must not train the model that scores its relevant
/// ones) and test rows (fold `k`), each sorted.
fn split(folds: &[Vec<usize>], k: usize, examples: &Examples) -> (Vec<usize>, Vec<usize>) {
    let held_out: std::collections::BTreeSet<u32> =
        folds[k].iter().map(|&i| examples.groups[i]).collect();
    let mut train: Vec<usize> = folds
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != k)
        .flat_map(|(_, f)| f.iter().copied())
        .chain(
            (0..examples.len())
                .filter(|&i| examples.is_train_only(i) && !held_out.contains(&examples.groups[i])),
        )
        .collect();
    train.sort_unstable();
    (train, folds[k].clone())
}

/// Seeded stratified k-fold over groups: the rows of a group share a fold; groups are
/// shuffled, ordered by their (first row's) label, and dealt round-robin, so every fold gets a
/// similar share of each label. Training-only rows are in no fold.
pub fn stratified_group_folds(examples: &Examples, k: usize, seed: u64) -> Result<Vec<Vec<usize>>> {
    let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, &g) in examples.groups.iter().enumerate() {
        if !examples.is_train_only(i) {
            groups.entry(g).or_default().push(i);
        }
    }
    if groups.len() < k {
        return Err(Error::TooFewGroups {
            rows: examples.len(),
            groups: groups.len(),
            folds: k,
        });
    }
    let mut order: Vec<Vec<usize>> = groups.into_values().collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    // Stable sort keeps the shuffled order within a label.
    order.sort_by(|a, b| examples.labels[a[0]].cmp(&examples.labels[b[0]]));
    let mut folds = vec![Vec::new(); k];
    for (i, rows) in order.into_iter().enumerate() {
        folds[i % k].extend(rows);
    }
    for fold in &mut folds {
        fold.sort_unstable();
    }
    Ok(folds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Examples {
        let pos = [
            "talks were useful and constructive",
            "we are ready for dialogue",
            "a good step toward better relations",
            "we welcome the agreement reached",
            "useful constructive dialogue with washington",
            "ready to work together on arms control",
        ];
        let neg = [
            "sanctions are hostile and illegal",
            "relations are deteriorating fast",
            "we condemn these hostile sanctions",
            "this is blackmail and pressure",
            "the accusations are absurd lies",
            "they keep imposing illegal sanctions",
        ];
        let mut texts = Vec::new();
        let mut labels = Vec::new();
        for (p, n) in pos.iter().zip(neg.iter()) {
            texts.push(p.to_string());
            labels.push("positive".to_string());
            texts.push(n.to_string());
            labels.push("negative".to_string());
        }
        Examples::new(texts, labels)
    }

    fn params() -> TrainParams {
        TrainParams {
            min_df: 1,
            folds: 3,
            ..TrainParams::default()
        }
    }

    #[test]
    fn folds_are_a_partition_and_keep_groups_together() {
        let mut ex = toy();
        ex.groups = (0..ex.len()).map(|i| to_group_id(i / 2)).collect();
        let folds = stratified_group_folds(&ex, 3, 7).unwrap();
        let mut all: Vec<usize> = folds.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..ex.len()).collect::<Vec<_>>());
        for fold in &folds {
            for &i in fold {
                let partner = if i % 2 == 0 { i + 1 } else { i - 1 };
                assert!(fold.contains(&partner), "group split across folds");
            }
        }
        assert_eq!(folds, stratified_group_folds(&ex, 3, 7).unwrap());
    }

    #[test]
    fn fewer_groups_than_folds_is_a_clear_error() {
        let ex = Examples::new(vec!["a".into(), "b".into()], vec!["x".into(), "y".into()]);
        let err = stratified_group_folds(&ex, 5, 0).unwrap_err().to_string();
        assert!(err.contains("cannot be split into 5 folds"), "{err}");
    }

    #[test]
    fn one_class_is_refused() {
        let ex = Examples::new(vec!["a".into(), "b".into()], vec!["x".into(), "x".into()]);
        let err = params().check().unwrap().fit(ex).unwrap_err().to_string();
        assert!(err.contains("only 1 class"), "{err}");
    }

    #[test]
    fn auto_c_picks_a_grid_value_and_the_model_separates_the_toy_data() {
        let (classifier, report) = params().check().unwrap().fit(toy()).unwrap();
        assert!(DEFAULT_C_GRID.contains(&report.c));
        assert_eq!(report.cv_grid.len(), DEFAULT_C_GRID.len());
        assert_eq!(report.rows, 12);
        assert_eq!(
            classifier.predict("hostile illegal sanctions", 3).label,
            "negative"
        );
        assert_eq!(
            classifier.predict("constructive useful dialogue", 3).label,
            "positive"
        );
    }

    #[test]
    fn training_is_deterministic() {
        let p = params().check().unwrap();
        let a = serde_json::to_string(&p.fit(toy()).unwrap().0).unwrap();
        let b = serde_json::to_string(&p.fit(toy()).unwrap().0).unwrap();
        assert_eq!(a, b);
    }
}
