//! A period's tone as an estimate of label shares, not an average of classifier outputs.
//!
//! A period's mean tone is a prevalence question: share positive − share negative. Averaging a
//! classifier's outputs carries its biases into every period (a model that labels a fifth of
//! the negative quotes neutral makes every negative period look milder), so trends come out
//! flatter than the record. Quantification corrects for it with the error rates measured in
//! cross-validation ([`ClassRates`], stored in the model):
//!
//! - **adjusted classify-and-count** (ACC, Forman 2008): the shares of predicted labels `q`
//!   satisfy `q = Cᵀ p`, where `C[t][j]` is the rate at which true class `t` is labeled `j`;
//!   solve for the true shares `p`;
//! - its **probabilistic form** (PACC, Bella et al. 2010): the same with the mean predicted
//!   probabilities `q` and `C[t][j]` the mean probability of `j` over rows of true class `t`.
//!
//! `p` is found by least squares on the probability simplex (`p ≥ 0`, `Σ p = 1`), so a small
//! period whose outputs fall outside what the rates can produce still gets valid shares. The
//! tone of a period is then `p[positive] − p[negative]`.

use serde::Serialize;

use crate::model::calibration::ClassRates;
use crate::model::Classifier;
use crate::model::TonePoles;
use crate::{Error, Result};

/// How a period's tone is computed from its quotes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Estimate {
    /// The mean of the quotes' tones (P(positive) − P(negative), or the gold ±1/0).
    #[default]
    Mean,
    /// Adjusted classify-and-count over the predicted labels.
    Acc,
    /// Probabilistic adjusted classify-and-count over the predicted probabilities.
    Pacc,
}

impl Estimate {
    /// The name used on the command line and in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Estimate::Mean => "mean",
            Estimate::Acc => "acc",
            Estimate::Pacc => "pacc",
        }
    }

    /// One line for output footers.
    pub fn describe(self) -> &'static str {
        match self {
            Estimate::Mean => "mean of the quotes' tones",
            Estimate::Acc => {
                "label shares estimated by adjusted classify-and-count (Forman 2008) with the \
                 model's cross-validated confusion rates"
            }
            Estimate::Pacc => {
                "label shares estimated by probabilistic adjusted classify-and-count (Bella et \
                 al. 2010) with the model's cross-validated rates"
            }
        }
    }
}

impl std::str::FromStr for Estimate {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "mean" => Ok(Estimate::Mean),
            "acc" => Ok(Estimate::Acc),
            "pacc" => Ok(Estimate::Pacc),
            other => Err(Error::InvalidParams(format!(
                "estimate {other:?} is not one of auto, pacc, acc, mean"
            ))),
        }
    }
}

/// Turns the predicted labels or probabilities of a period's quotes into estimated shares.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantifier {
    estimate: Estimate,
    classes: Vec<String>,
    /// `rates[t][j]`, as [`ClassRates`] for the estimate.
    rates: Vec<Vec<f64>>,
    positive: usize,
    negative: usize,
}

impl Quantifier {
    /// A quantifier from a classifier's cross-validated rates. `estimate` must be ACC or PACC.
    pub fn new(estimate: Estimate, classifier: &Classifier) -> Result<Quantifier> {
        let rates = classifier.rates().ok_or_else(|| Error::NoClassRates {
            estimate: estimate.as_str().to_string(),
        })?;
        let poles = classifier.tone_poles().cloned().unwrap_or_default();
        Quantifier::from_rates_with_poles(estimate, classifier.classes(), rates, &poles)
    }

    /// A quantifier from class names and their rates, the poles of tone being `positive` and
    /// `negative`.
    pub fn from_rates(
        estimate: Estimate,
        classes: &[String],
        rates: &ClassRates,
    ) -> Result<Quantifier> {
        Quantifier::from_rates_with_poles(estimate, classes, rates, &TonePoles::default())
    }

    /// A quantifier from class names, their rates and the classes at the ends of tone.
    pub fn from_rates_with_poles(
        estimate: Estimate,
        classes: &[String],
        rates: &ClassRates,
        poles: &TonePoles,
    ) -> Result<Quantifier> {
        let matrix = match estimate {
            Estimate::Mean => {
                return Err(Error::InvalidParams("the mean needs no quantifier".into()))
            }
            Estimate::Acc => &rates.confusion,
            Estimate::Pacc => &rates.mean_probability,
        };
        rates.validate(classes.len())?;
        let (positive, negative) = poles.indices(classes)?;
        Ok(Quantifier {
            estimate,
            classes: classes.to_vec(),
            rates: matrix.clone(),
            positive,
            negative,
        })
    }

    /// Which estimate this is.
    pub fn estimate(&self) -> Estimate {
        self.estimate
    }

    /// The classes, in the order [`observation`](Self::observation) expects.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// What one quote contributes: its probabilities (PACC) or its label as a one-hot vector
    /// (ACC), in class order. `None` when the quote lacks what the estimate needs, or its
    /// probabilities are over other classes than the model's (scores of another model, whose
    /// error rates these are not).
    pub fn observation(&self, label: &str, probabilities: &[(String, f64)]) -> Option<Vec<f64>> {
        if !probabilities.is_empty() && probabilities.len() != self.classes.len() {
            return None;
        }
        match self.estimate {
            Estimate::Acc => {
                let at = self.classes.iter().position(|c| c == label)?;
                let mut one_hot = vec![0.0; self.classes.len()];
                one_hot[at] = 1.0;
                Some(one_hot)
            }
            _ => self
                .classes
                .iter()
                .map(|c| probabilities.iter().find(|(k, _)| k == c).map(|(_, p)| *p))
                .collect(),
        }
    }

    /// Estimated true shares (in class order) from the mean of the period's observations.
    pub fn shares(&self, mean_observation: &[f64]) -> Vec<f64> {
        simplex_least_squares(&self.rates, mean_observation)
    }

    /// One quote's adjusted tone: `x[positive] − x[negative]` for the solution `x` of
    /// `Aᵀx = observation` without the simplex constraint, so that the mean over a period's
    /// quotes is the period's estimate before that constraint (the line a trend slope is fitted
    /// to). Falls back to the constrained shares of the quote alone when `A` is singular.
    pub fn linear_tone(&self, observation: &[f64]) -> f64 {
        let k = self.classes.len();
        let all: Vec<usize> = (0..k).collect();
        let x = constrained_solve(&self.rates, observation, &all)
            .unwrap_or_else(|| self.shares(observation));
        x[self.positive] - x[self.negative]
    }

    /// Estimated tone, share positive − share negative, of the observations `rows` of
    /// `observations`.
    pub fn tone(&self, observations: &[Vec<f64>], rows: impl Iterator<Item = usize>) -> f64 {
        let k = self.classes.len();
        let mut mean = vec![0.0; k];
        let mut n = 0usize;
        for row in rows {
            for (m, v) in mean.iter_mut().zip(&observations[row]) {
                *m += v;
            }
            n += 1;
        }
        if n == 0 {
            return 0.0;
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let p = self.shares(&mean);
        p[self.positive] - p[self.negative]
    }
}

/// `argmin ‖Aᵀp − q‖²` over the probability simplex, where `a` is `k × k` (row `t`: what rows of
/// true class `t` look like). Exact: every support set is tried (2ᵏ − 1 of them; k is the
/// number of classes, 3 here), each solved with `Σ p = 1` by its normal equations, and the
/// feasible solution with the smallest residual kept.
pub fn simplex_least_squares(a: &[Vec<f64>], q: &[f64]) -> Vec<f64> {
    let k = q.len();
    let residual = |p: &[f64]| -> f64 {
        (0..k)
            .map(|j| {
                let fitted: f64 = (0..k).map(|t| a[t][j] * p[t]).sum();
                (fitted - q[j]).powi(2)
            })
            .sum()
    };
    let mut best: Option<(f64, Vec<f64>)> = None;
    for mask in 1u32..(1 << k) {
        let support: Vec<usize> = (0..k).filter(|t| mask & (1 << t) != 0).collect();
        let Some(on_support) = constrained_solve(a, q, &support) else {
            continue;
        };
        if on_support.iter().any(|&v| v < -1e-12) {
            continue;
        }
        let mut p = vec![0.0; k];
        for (&t, &v) in support.iter().zip(&on_support) {
            p[t] = v.max(0.0);
        }
        let r = residual(&p);
        if best.as_ref().is_none_or(|(b, _)| r < *b - 1e-15) {
            best = Some((r, p));
        }
    }
    // A support of one class is always feasible, so there is a best.
    best.map_or_else(|| vec![1.0 / k as f64; k], |(_, p)| p)
}

/// Least squares `min ‖Σ_{t∈S} a[t]·p_t − q‖²` with `Σ p_t = 1`, by the KKT system
/// `[GᵀG 1; 1ᵀ 0] [p; λ] = [Gᵀq; 1]` (G's columns are the rows `a[t]`, t ∈ S). `None` when the
/// system is singular.
fn constrained_solve(a: &[Vec<f64>], q: &[f64], support: &[usize]) -> Option<Vec<f64>> {
    let s = support.len();
    let n = s + 1;
    let mut m = vec![vec![0.0; n + 1]; n];
    for (i, &ti) in support.iter().enumerate() {
        for (j, &tj) in support.iter().enumerate() {
            m[i][j] = a[ti].iter().zip(&a[tj]).map(|(x, y)| x * y).sum();
        }
        m[i][s] = 1.0;
        m[s][i] = 1.0;
        m[i][n] = a[ti].iter().zip(q).map(|(x, y)| x * y).sum();
    }
    m[s][n] = 1.0;
    // Gaussian elimination with partial pivoting.
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| m[x][col].abs().total_cmp(&m[y][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col].clone();
        for (row, values) in m.iter_mut().enumerate() {
            if row != col {
                let f = values[col] / pivot_row[col];
                for (v, p) in values[col..].iter_mut().zip(&pivot_row[col..]) {
                    *v -= f * p;
                }
            }
        }
    }
    Some((0..s).map(|i| m[i][n] / m[i][i]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> ClassRates {
        // negative, neutral, positive: each class mostly labeled itself, neutral often not.
        ClassRates {
            support: vec![100, 100, 100],
            confusion: vec![
                vec![0.7, 0.2, 0.1],
                vec![0.3, 0.4, 0.3],
                vec![0.1, 0.2, 0.7],
            ],
            mean_probability: vec![
                vec![0.6, 0.25, 0.15],
                vec![0.3, 0.4, 0.3],
                vec![0.15, 0.25, 0.6],
            ],
        }
    }

    fn classes() -> Vec<String> {
        ["negative", "neutral", "positive"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn exact_observations_give_back_the_true_shares() {
        let q = Quantifier::from_rates(Estimate::Pacc, &classes(), &rates()).unwrap();
        for truth in [
            [0.5, 0.3, 0.2],
            [0.0, 0.0, 1.0],
            [0.2, 0.6, 0.2],
            [1.0, 0.0, 0.0],
        ] {
            // q = Aᵀ p
            let m = &rates().mean_probability;
            let observed: Vec<f64> = (0..3)
                .map(|j| (0..3).map(|t| m[t][j] * truth[t]).sum())
                .collect();
            let p = q.shares(&observed);
            for (a, b) in p.iter().zip(truth) {
                assert!((a - b).abs() < 1e-9, "{p:?} vs {truth:?}");
            }
        }
    }

    #[test]
    fn observations_beyond_the_rates_are_clamped_to_the_simplex() {
        let q = Quantifier::from_rates(Estimate::Acc, &classes(), &rates()).unwrap();
        // Every quote labeled negative: more negative than the rates can explain.
        let p = q.shares(&[1.0, 0.0, 0.0]);
        assert!(p.iter().all(|&v| v >= 0.0) && (p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!((p[0] - 1.0).abs() < 1e-9, "{p:?}");
        let obs = vec![vec![1.0, 0.0, 0.0]; 4];
        assert!((q.tone(&obs, 0..4) + 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_estimate_spreads_what_the_mean_compresses() {
        // Periods that are truly all negative / all positive: the raw mean of probabilities
        // gives tones of ±0.45, the estimate ±1.
        let q = Quantifier::from_rates(Estimate::Pacc, &classes(), &rates()).unwrap();
        let negative = vec![vec![0.6, 0.25, 0.15]; 5];
        let positive = vec![vec![0.15, 0.25, 0.6]; 5];
        assert!((q.tone(&negative, 0..5) + 1.0).abs() < 1e-9);
        assert!((q.tone(&positive, 0..5) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn observations_follow_the_estimate() {
        let pacc = Quantifier::from_rates(Estimate::Pacc, &classes(), &rates()).unwrap();
        let acc = Quantifier::from_rates(Estimate::Acc, &classes(), &rates()).unwrap();
        let probs: Vec<(String, f64)> = vec![
            ("positive".into(), 0.5),
            ("negative".into(), 0.2),
            ("neutral".into(), 0.3),
        ];
        assert_eq!(
            pacc.observation("positive", &probs),
            Some(vec![0.2, 0.3, 0.5])
        );
        assert_eq!(acc.observation("neutral", &[]), Some(vec![0.0, 1.0, 0.0]));
        assert_eq!(pacc.observation("neutral", &[]), None);
        assert_eq!(acc.observation("other", &[]), None);
        // Scores of a model with another class (another model's, whose error rates these are
        // not) have no observation, whichever estimate.
        let mut four = probs.clone();
        four.push(("mixed".into(), 0.0));
        assert_eq!(pacc.observation("positive", &four), None);
        assert_eq!(acc.observation("positive", &four), None);
    }

    #[test]
    fn a_model_without_positive_and_negative_is_refused() {
        let other = ["against", "favor", "none"].map(String::from).to_vec();
        let err = Quantifier::from_rates(Estimate::Pacc, &other, &rates())
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown label `positive`"), "{err}");
    }
}
