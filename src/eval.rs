//! Evaluation metrics for a classifier: accuracy, per-class precision/recall/F1, macro-F1, the
//! confusion matrix, SemEval-2016's `F_avg`, and a mean ± standard deviation summary of
//! cross-validation folds.
//!
//! Definitions follow scikit-learn (`precision_recall_fscore_support`, `f1_score(average=
//! "macro")`, `confusion_matrix`) with `zero_division=0`: a ratio whose denominator is zero is 0.
//! Macro-F1 averages over every class given, including classes absent from both the truth and
//! the predictions (scikit-learn with `labels=` all classes). `src/eval.rs`'s tests compare
//! against numbers produced by scikit-learn (`tests/fixtures/eval/make_fixture.py`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Error, Result};

/// Precision, recall and F1 of one class, and how many true samples it has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassMetrics {
    /// `tp / (tp + fp)`, 0 when the class is never predicted.
    pub precision: f64,
    /// `tp / (tp + fn)`, 0 when the class never occurs in the truth.
    pub recall: f64,
    /// `2·tp / (2·tp + fp + fn)` (the harmonic mean of precision and recall), 0 when undefined.
    pub f1: f64,
    /// Number of samples whose true class is this one.
    pub support: usize,
}

/// Confusion matrix: `matrix[t][p]` counts samples of true class `labels[t]` predicted as
/// `labels[p]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Confusion {
    /// Class names, in the classifier's class order.
    pub labels: Vec<String>,
    /// Rows are the true class, columns the predicted class.
    pub matrix: Vec<Vec<usize>>,
}

/// Metrics of one set of predictions against the truth.
///
/// Serialises (serde_json) to the keys `n`, `accuracy`, `macro_f1`,
/// `per_class.{label}.{precision,recall,f1,support}` (labels sorted), `confusion.{labels,
/// matrix}` and, only after [`with_f_avg`](Evaluation::with_f_avg), `f_avg`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// Number of samples.
    pub n: usize,
    /// Fraction of samples predicted correctly (0 when there are none).
    pub accuracy: f64,
    /// Unweighted mean of the per-class F1 over all classes.
    pub macro_f1: f64,
    /// Metrics of each class, keyed by class name.
    pub per_class: BTreeMap<String, ClassMetrics>,
    /// Confusion matrix in class order.
    pub confusion: Confusion,
    /// Mean F1 of selected classes (SemEval-2016 Task 6 uses "favor" and "against"; here
    /// typically "positive" and "negative"); set by [`with_f_avg`](Evaluation::with_f_avg).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f_avg: Option<f64>,
    /// Probability metrics, set by [`with_probabilities`](Evaluation::with_probabilities).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<ProbabilityMetrics>,
}

/// How good the probabilities are, beside the labels.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProbabilityMetrics {
    /// Mean negative log-likelihood of the true class.
    pub log_loss: f64,
    /// Expected calibration error of the top label, 10 bins.
    pub ece: f64,
    /// Mean |P(positive) − P(negative)| (how far tones are from 0), when both classes exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_abs_tone: Option<f64>,
}

/// Computes the metrics of `predicted` against `truth`; both hold indices into `classes`.
///
/// Errors when the two slices differ in length, an index is out of range or a class name
/// repeats (per-class metrics are keyed by name).
pub fn evaluate(classes: &[String], truth: &[usize], predicted: &[usize]) -> Result<Evaluation> {
    let k = classes.len();
    if truth.len() != predicted.len() {
        return Err(Error::Data(format!(
            "{} true labels but {} predictions",
            truth.len(),
            predicted.len()
        )));
    }
    for (i, name) in classes.iter().enumerate() {
        if classes[..i].contains(name) {
            return Err(Error::Data(format!("class {name:?} is listed twice")));
        }
    }
    let mut matrix = vec![vec![0usize; k]; k];
    for (i, (&t, &p)) in truth.iter().zip(predicted).enumerate() {
        match matrix.get_mut(t).and_then(|row| row.get_mut(p)) {
            Some(cell) => *cell += 1,
            None => {
                return Err(Error::Data(format!(
                    "sample {i}: class index out of range (truth {t}, predicted {p}, {k} classes)"
                )))
            }
        }
    }

    let n = truth.len();
    let correct: usize = (0..k).map(|c| matrix[c][c]).sum();
    let mut per_class = BTreeMap::new();
    let mut f1_sum = 0.0;
    for (c, name) in classes.iter().enumerate() {
        let tp = matrix[c][c];
        let support: usize = matrix[c].iter().sum();
        let predicted_as: usize = matrix.iter().map(|row| row[c]).sum();
        let metrics = ClassMetrics {
            precision: ratio(tp, predicted_as),
            recall: ratio(tp, support),
            f1: ratio(2 * tp, support + predicted_as),
            support,
        };
        f1_sum += metrics.f1;
        per_class.insert(name.clone(), metrics);
    }
    Ok(Evaluation {
        n,
        accuracy: ratio(correct, n),
        macro_f1: if k == 0 { 0.0 } else { f1_sum / k as f64 },
        per_class,
        confusion: Confusion {
            labels: classes.to_vec(),
            matrix,
        },
        f_avg: None,
        probabilities: None,
    })
}

/// `num / den`, or 0 when `den` is 0 (scikit-learn's `zero_division=0`).
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl Evaluation {
    /// Sets [`probabilities`](Evaluation::probabilities) from the predicted probabilities
    /// (`n × k`, row-major, in class order) of the same rows as `truth`.
    pub fn with_probabilities(&mut self, probs: &[f64], truth: &[usize]) -> Result<()> {
        let labels = &self.confusion.labels;
        let k = labels.len();
        if probs.len() != truth.len() * k || truth.iter().any(|&t| t >= k) {
            return Err(Error::Data(format!(
                "{} probabilities for {} rows of {k} classes",
                probs.len(),
                truth.len()
            )));
        }
        let class = |name: &str| labels.iter().position(|l| l == name);
        let mean_abs_tone = match (class("positive"), class("negative")) {
            (Some(p), Some(n)) => Some(
                probs
                    .chunks_exact(k)
                    .map(|row| (row[p] - row[n]).abs())
                    .sum::<f64>()
                    / truth.len().max(1) as f64,
            ),
            _ => None,
        };
        self.probabilities = Some(ProbabilityMetrics {
            log_loss: crate::model::calibration::log_loss(probs, truth, k),
            ece: crate::model::calibration::expected_calibration_error(probs, truth, k),
            mean_abs_tone,
        });
        Ok(())
    }

    /// Sets [`f_avg`](Evaluation::f_avg) to the mean F1 of the named classes (SemEval-2016
    /// Task 6's `F_avg`). Errors on an empty list or a name that is not a class.
    pub fn with_f_avg(&mut self, labels: &[&str]) -> Result<()> {
        if labels.is_empty() {
            return Err(Error::InvalidParams(
                "F_avg needs at least one class name".to_string(),
            ));
        }
        let mut sum = 0.0;
        for label in labels {
            match self.per_class.get(*label) {
                Some(metrics) => sum += metrics.f1,
                None => {
                    let known: Vec<&str> = self.per_class.keys().map(String::as_str).collect();
                    return Err(Error::InvalidParams(format!(
                        "F_avg: unknown class {label:?}; the classes are {}",
                        known.join(", ")
                    )));
                }
            }
        }
        self.f_avg = Some(sum / labels.len() as f64);
        Ok(())
    }
}

/// Mean and sample standard deviation (`n − 1` in the denominator; 0 for fewer than two
/// values) of one metric over folds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeanStd {
    /// Mean over the folds.
    pub mean: f64,
    /// Sample standard deviation over the folds.
    pub std: f64,
}

impl MeanStd {
    /// The mean and sample standard deviation of `values` (both 0 when there are none).
    pub fn of(values: &[f64]) -> MeanStd {
        let n = values.len();
        if n == 0 {
            return MeanStd {
                mean: 0.0,
                std: 0.0,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let std = if n < 2 {
            0.0
        } else {
            let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
            (squares / (n - 1) as f64).sqrt()
        };
        MeanStd { mean, std }
    }
}

/// Summary of cross-validation folds: each metric's mean and standard deviation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CvSummary {
    /// Number of folds summarised.
    pub folds: usize,
    /// Accuracy over the folds.
    pub accuracy: MeanStd,
    /// Macro-F1 over the folds.
    pub macro_f1: MeanStd,
    /// F1 of each class, over the folds that have the class.
    pub per_class_f1: BTreeMap<String, MeanStd>,
    /// Present when every fold has an `f_avg`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f_avg: Option<MeanStd>,
    /// Present when every fold has probability metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_loss: Option<MeanStd>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Expected calibration error over the folds, when probabilities were scored.
    pub ece: Option<MeanStd>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Mean absolute tone over the folds, when the model has tone poles.
    pub mean_abs_tone: Option<MeanStd>,
}

/// Summarises the evaluations of cross-validation folds.
pub fn summarize(folds: &[Evaluation]) -> CvSummary {
    let accuracy: Vec<f64> = folds.iter().map(|e| e.accuracy).collect();
    let macro_f1: Vec<f64> = folds.iter().map(|e| e.macro_f1).collect();
    let mut class_f1: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for fold in folds {
        for (label, metrics) in &fold.per_class {
            class_f1.entry(label.clone()).or_default().push(metrics.f1);
        }
    }
    let f_avg: Option<Vec<f64>> = folds.iter().map(|e| e.f_avg).collect();
    CvSummary {
        folds: folds.len(),
        accuracy: MeanStd::of(&accuracy),
        macro_f1: MeanStd::of(&macro_f1),
        per_class_f1: class_f1
            .into_iter()
            .map(|(label, values)| (label, MeanStd::of(&values)))
            .collect(),
        f_avg: f_avg
            .filter(|values| !values.is_empty())
            .map(|values| MeanStd::of(&values)),
        log_loss: over_folds(folds, |p| Some(p.log_loss)),
        ece: over_folds(folds, |p| Some(p.ece)),
        mean_abs_tone: over_folds(folds, |p| p.mean_abs_tone),
    }
}

/// Mean ± sd of a probability metric, when every fold has it.
fn over_folds(
    folds: &[Evaluation],
    metric: impl Fn(&ProbabilityMetrics) -> Option<f64>,
) -> Option<MeanStd> {
    let values: Option<Vec<f64>> = folds
        .iter()
        .map(|e| e.probabilities.as_ref().and_then(&metric))
        .collect();
    values.filter(|v| !v.is_empty()).map(|v| MeanStd::of(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Fixture {
        cases: Vec<SklearnCase>,
    }

    /// One case of `tests/fixtures/eval/sklearn_metrics.json`.
    #[derive(Deserialize)]
    struct SklearnCase {
        name: String,
        classes: Vec<String>,
        truth: Vec<usize>,
        pred: Vec<usize>,
        accuracy: f64,
        precision: Vec<f64>,
        recall: Vec<f64>,
        f1: Vec<f64>,
        support: Vec<usize>,
        macro_f1: f64,
        confusion: Vec<Vec<usize>>,
    }

    fn sklearn_cases() -> Vec<SklearnCase> {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/eval/sklearn_metrics.json"
        ));
        let fixture: Fixture = serde_json::from_str(text).expect("fixture parses");
        fixture.cases
    }

    fn assert_near(what: &str, ours: f64, sklearn: f64) {
        assert!(
            (ours - sklearn).abs() < 1e-12,
            "{what}: ours {ours}, scikit-learn {sklearn}"
        );
    }

    fn names(labels: &[&str]) -> Vec<String> {
        labels.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn metrics_match_scikit_learn() {
        let cases = sklearn_cases();
        assert!(cases.len() >= 3);
        for case in cases {
            let e = evaluate(&case.classes, &case.truth, &case.pred).expect("valid input");
            let name = &case.name;
            assert_eq!(e.n, case.truth.len());
            assert_near(&format!("{name}: accuracy"), e.accuracy, case.accuracy);
            assert_near(&format!("{name}: macro F1"), e.macro_f1, case.macro_f1);
            assert_eq!(e.confusion.matrix, case.confusion, "{name}");
            assert_eq!(e.confusion.labels, case.classes, "{name}");
            for (c, label) in case.classes.iter().enumerate() {
                let m = &e.per_class[label];
                assert_near(
                    &format!("{name}: {label} precision"),
                    m.precision,
                    case.precision[c],
                );
                assert_near(&format!("{name}: {label} recall"), m.recall, case.recall[c]);
                assert_near(&format!("{name}: {label} F1"), m.f1, case.f1[c]);
                assert_eq!(m.support, case.support[c], "{name}: {label} support");
            }
        }
    }

    #[test]
    fn fixture_has_a_class_never_predicted() {
        let never_predicted = sklearn_cases().iter().any(|case| {
            (0..case.classes.len()).any(|c| case.support[c] > 0 && !case.pred.contains(&c))
        });
        assert!(never_predicted);
    }

    #[test]
    fn json_has_the_documented_keys() {
        let classes = names(&["negative", "neutral", "positive"]);
        let mut e = evaluate(&classes, &[0, 1, 2, 2], &[0, 2, 2, 1]).expect("valid");
        let json = serde_json::to_value(&e).expect("serializes");
        assert!(json.get("f_avg").is_none());
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["accuracy", "confusion", "macro_f1", "n", "per_class"]
        );
        assert_eq!(json["per_class"]["positive"]["support"], 2);
        assert_eq!(json["per_class"]["positive"]["precision"], 0.5);
        assert_eq!(json["confusion"]["matrix"][1][2], 1);
        assert_eq!(json["confusion"]["labels"][0], "negative");

        e.with_f_avg(&["positive", "negative"])
            .expect("known labels");
        let json = serde_json::to_value(&e).expect("serializes");
        // F1: negative 1, positive 0.5 → F_avg 0.75
        assert_eq!(json["f_avg"], 0.75);
    }

    #[test]
    fn f_avg_rejects_unknown_or_no_labels() {
        let classes = names(&["negative", "positive"]);
        let mut e = evaluate(&classes, &[0, 1], &[0, 1]).expect("valid");
        let err = e.with_f_avg(&["favor"]).expect_err("unknown label");
        assert!(err.to_string().contains("favor"), "{err}");
        assert!(e.with_f_avg(&[]).is_err());
        assert_eq!(e.f_avg, None);
    }

    #[test]
    fn bad_input_is_an_error() {
        let classes = names(&["a", "b"]);
        assert!(evaluate(&classes, &[0, 1], &[0]).is_err());
        assert!(evaluate(&classes, &[0, 2], &[0, 1]).is_err());
        assert!(evaluate(&classes, &[0, 1], &[3, 1]).is_err());
        assert!(evaluate(&names(&["a", "a"]), &[0], &[0]).is_err());
        let empty = evaluate(&classes, &[], &[]).expect("no samples is fine");
        assert_eq!((empty.n, empty.accuracy, empty.macro_f1), (0, 0.0, 0.0));
    }

    #[test]
    fn summary_gives_mean_and_sample_std() {
        let classes = names(&["neg", "pos"]);
        let folds: Vec<Evaluation> = [
            (vec![0, 1, 1, 0], vec![0, 1, 1, 0]), // accuracy 1
            (vec![0, 1, 1, 0], vec![0, 1, 0, 0]), // accuracy 0.75
            (vec![0, 1, 1, 0], vec![1, 1, 0, 0]), // accuracy 0.5
        ]
        .iter()
        .map(|(t, p)| {
            let mut e = evaluate(&classes, t, p).expect("valid");
            e.with_f_avg(&["pos"]).expect("known");
            e
        })
        .collect();
        let s = summarize(&folds);
        assert_eq!(s.folds, 3);
        assert_near("mean accuracy", s.accuracy.mean, 0.75);
        // sample std of 1, 0.75, 0.5 = 0.25
        assert_near("std accuracy", s.accuracy.std, 0.25);
        let pos: Vec<f64> = folds.iter().map(|e| e.per_class["pos"].f1).collect();
        let mean = pos.iter().sum::<f64>() / 3.0;
        assert_near("mean pos F1", s.per_class_f1["pos"].mean, mean);
        let f_avg = s.f_avg.as_ref().expect("every fold has f_avg");
        assert_near("mean f_avg", f_avg.mean, mean);
        let macro_mean = folds.iter().map(|e| e.macro_f1).sum::<f64>() / 3.0;
        assert_near("mean macro F1", s.macro_f1.mean, macro_mean);

        let json = serde_json::to_value(summarize(&folds[..1])).expect("serializes");
        assert_eq!(json["accuracy"]["std"], 0.0);
        assert_eq!(json["folds"], 1);

        let mut without = folds.clone();
        without[1].f_avg = None;
        assert!(summarize(&without).f_avg.is_none());
        assert_eq!(summarize(&[]).folds, 0);
    }
}
