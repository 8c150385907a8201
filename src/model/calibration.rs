//! Calibrated probabilities, and the class rates that trend estimation corrects with.
//!
//! A regularised logistic regression's probabilities are not frequencies: with small C they
//! crowd toward the class shares, with class weights they lean toward the rare classes. Both
//! are fixed after training on **out-of-fold** decision values (each row scored by a model that
//! did not see its page), as Guo et al. (2017, "On calibration of modern neural networks")
//! and Alexandari et al. (2020, "Maximum likelihood with bias-corrected calibration is
//! hard-to-beat at label shift adaptation") do:
//!
//! - temperature scaling: `p = softmax(z / T)`, one number `T` fitted by log-likelihood;
//! - bias-corrected temperature scaling (BCTS): `p = softmax(z / T + b)`, with one bias per
//!   class as well, which also undoes the prior shift of balanced class weights.
//!
//! Both keep the argmax of `z` only when the biases are zero, so BCTS can change a label: the
//! label is always the argmax of the calibrated probabilities.
//!
//! The same out-of-fold predictions give [`ClassRates`]: how the model labels rows of each true
//! class, which `trends` uses to correct a period's label shares (adjusted classify-and-count,
//! Forman 2008; its probabilistic form, Bella et al. 2010).

use serde::{Deserialize, Serialize};

use super::lbfgs::{self, LbfgsSettings};
use super::logistic::softmax_in_place;
use crate::{Error, Result};

/// Bins of the expected calibration error.
pub const ECE_BINS: usize = 10;

/// How probabilities are calibrated after training.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationMethod {
    /// The model's own probabilities.
    #[default]
    None,
    /// `softmax(z / T)`.
    Temperature,
    /// `softmax(z / T + b)`: temperature and one bias per class.
    BiasedTemperature,
}

/// A fitted calibration: `p = softmax(scale · z + bias)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// `1 / T`.
    pub scale: f64,
    /// One per class (all 0 for plain temperature scaling).
    pub bias: Vec<f64>,
}

impl Calibration {
    /// Calibrated probabilities from decision values, in place.
    pub fn apply(&self, z: &mut [f64]) {
        for (zc, b) in z.iter_mut().zip(&self.bias) {
            *zc = self.scale * *zc + b;
        }
        softmax_in_place(z);
    }

    /// Fits `method` to out-of-fold decision values `logits` (`n × k`, row-major) and their
    /// true classes by maximum likelihood. `None` for [`CalibrationMethod::None`].
    pub fn fit(
        method: CalibrationMethod,
        logits: &[f64],
        truth: &[usize],
        k: usize,
    ) -> Result<Option<Calibration>> {
        let biased = match method {
            CalibrationMethod::None => return Ok(None),
            CalibrationMethod::Temperature => false,
            CalibrationMethod::BiasedTemperature => true,
        };
        if k == 0 || logits.len() != truth.len() * k || truth.iter().any(|&t| t >= k) {
            return Err(Error::Data(format!(
                "calibration: {} decision values for {} rows of {k} classes",
                logits.len(),
                truth.len()
            )));
        }
        let n = truth.len().max(1) as f64;
        // Parameters: [scale, bias_0 … bias_{k−1}]. The mean negative log-likelihood is
        // convex in them (the calibrated logits are linear in the parameters); a small ridge
        // on the biases makes the minimum unique (adding a constant to every bias changes
        // nothing).
        let ridge = 1e-6;
        let objective = |params: &[f64], grad: &mut [f64]| -> f64 {
            grad.fill(0.0);
            let mut loss = 0.0;
            let mut s = vec![0.0; k];
            for (row, &t) in logits.chunks_exact(k).zip(truth) {
                for c in 0..k {
                    s[c] = params[0] * row[c] + if biased { params[1 + c] } else { 0.0 };
                }
                let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = s.iter().map(|v| (v - max).exp()).sum();
                loss += max + sum.ln() - s[t];
                for c in 0..k {
                    let residual = (s[c] - max).exp() / sum - f64::from(u8::from(c == t));
                    grad[0] += residual * row[c];
                    if biased {
                        grad[1 + c] += residual;
                    }
                }
            }
            loss /= n;
            for g in grad.iter_mut() {
                *g /= n;
            }
            if biased {
                for c in 0..k {
                    loss += 0.5 * ridge * params[1 + c] * params[1 + c];
                    grad[1 + c] += ridge * params[1 + c];
                }
            }
            loss
        };
        let mut start = vec![0.0; k + 1];
        start[0] = 1.0;
        let minimum = lbfgs::minimize(
            objective,
            start,
            LbfgsSettings {
                memory: 10,
                max_iterations: 500,
                gradient_tolerance: 1e-9,
            },
        )?;
        let params = minimum.param;
        if !(params[0].is_finite() && params[0] > 0.0) {
            return Err(Error::Data(format!(
                "calibration failed: the fitted inverse temperature is {} (the out-of-fold \
                 predictions carry no signal)",
                params[0]
            )));
        }
        Ok(Some(Calibration {
            scale: params[0],
            bias: if biased {
                params[1..].to_vec()
            } else {
                vec![0.0; k]
            },
        }))
    }

    /// Checks the shape against `k` classes and that every number is finite.
    pub fn validate(&self, k: usize) -> Result<()> {
        if self.bias.len() != k {
            return Err(Error::Data(format!(
                "calibration has {} biases for {k} classes",
                self.bias.len()
            )));
        }
        if !(self.scale.is_finite() && self.scale > 0.0 && self.bias.iter().all(|b| b.is_finite()))
        {
            return Err(Error::Data(
                "calibration has a non-finite or non-positive parameter".into(),
            ));
        }
        Ok(())
    }
}

/// How the model labels rows of each true class, measured on out-of-fold predictions with the
/// calibrated probabilities: what trend estimation inverts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRates {
    /// Out-of-fold rows of each true class.
    pub support: Vec<usize>,
    /// `confusion[t][p]`: share of rows of true class `t` labeled `p`.
    pub confusion: Vec<Vec<f64>>,
    /// `mean_probability[t][p]`: mean probability of class `p` over rows of true class `t`.
    pub mean_probability: Vec<Vec<f64>>,
}

impl ClassRates {
    /// The rates of calibrated out-of-fold probabilities `probs` (`n × k`, row-major).
    pub fn measure(probs: &[f64], truth: &[usize], k: usize) -> ClassRates {
        let mut support = vec![0usize; k];
        let mut confusion = vec![vec![0.0; k]; k];
        let mut mean_probability = vec![vec![0.0; k]; k];
        for (row, &t) in probs.chunks_exact(k).zip(truth) {
            support[t] += 1;
            confusion[t][argmax(row)] += 1.0;
            for (m, p) in mean_probability[t].iter_mut().zip(row) {
                *m += p;
            }
        }
        for t in 0..k {
            let n = support[t].max(1) as f64;
            for p in 0..k {
                confusion[t][p] /= n;
                mean_probability[t][p] /= n;
            }
        }
        ClassRates {
            support,
            confusion,
            mean_probability,
        }
    }

    /// Checks the shapes against `k` classes and that the rates are shares.
    pub fn validate(&self, k: usize) -> Result<()> {
        let square = |m: &Vec<Vec<f64>>| m.len() == k && m.iter().all(|r| r.len() == k);
        let shares = |m: &Vec<Vec<f64>>| {
            m.iter()
                .flatten()
                .all(|v| v.is_finite() && (0.0..=1.0 + 1e-9).contains(v))
        };
        if self.support.len() != k
            || !square(&self.confusion)
            || !square(&self.mean_probability)
            || !shares(&self.confusion)
            || !shares(&self.mean_probability)
        {
            return Err(Error::Data(format!(
                "class rates are not {k} × {k} matrices of shares"
            )));
        }
        Ok(())
    }
}

/// How well probabilities match outcomes: before and after calibration, on the out-of-fold
/// predictions it was fitted to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    /// Out-of-fold rows.
    pub rows: usize,
    /// Mean negative log-likelihood of the true class, before → after.
    pub log_loss_before: f64,
    pub log_loss_after: f64,
    /// Expected calibration error ([`expected_calibration_error`]), before → after.
    pub ece_before: f64,
    pub ece_after: f64,
}

/// Mean negative log-likelihood of the true classes (natural log; probabilities clipped at
/// 1e-15 as scikit-learn's `log_loss`).
pub fn log_loss(probs: &[f64], truth: &[usize], k: usize) -> f64 {
    let n = truth.len().max(1) as f64;
    probs
        .chunks_exact(k)
        .zip(truth)
        .map(|(row, &t)| -row[t].clamp(1e-15, 1.0).ln())
        .sum::<f64>()
        / n
}

/// Expected calibration error of the top label (Guo et al. 2017; Naeini et al. 2015): rows
/// binned by their highest probability into [`ECE_BINS`] equal-width bins, and the mean over
/// rows of |accuracy − mean confidence| of their bin.
pub fn expected_calibration_error(probs: &[f64], truth: &[usize], k: usize) -> f64 {
    let mut count = [0usize; ECE_BINS];
    let mut correct = [0.0; ECE_BINS];
    let mut confidence = [0.0; ECE_BINS];
    for (row, &t) in probs.chunks_exact(k).zip(truth) {
        let best = argmax(row);
        let p = row[best];
        // Bins (0, 0.1], (0.1, 0.2], … as scikit-learn's calibration_curve's uniform bins.
        let bin = ((p * ECE_BINS as f64).ceil() as usize).clamp(1, ECE_BINS) - 1;
        count[bin] += 1;
        correct[bin] += f64::from(u8::from(best == t));
        confidence[bin] += p;
    }
    let n = truth.len().max(1) as f64;
    (0..ECE_BINS)
        .map(|b| (correct[b] - confidence[b]).abs() / n)
        .sum()
}

/// Index of the largest value; ties go to the lowest index.
fn argmax(values: &[f64]) -> usize {
    super::classifier::argmax(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Rows whose true probabilities are softmax(z / 2): overconfident logits.
    fn overconfident(n: usize, seed: u64) -> (Vec<f64>, Vec<usize>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut logits, mut truth) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let z: Vec<f64> = (0..3).map(|_| rng.gen_range(-4.0..4.0)).collect();
            let mut p: Vec<f64> = z.iter().map(|v| v / 2.0).collect();
            softmax_in_place(&mut p);
            let u: f64 = rng.gen();
            let t = if u < p[0] {
                0
            } else if u < p[0] + p[1] {
                1
            } else {
                2
            };
            logits.extend(z);
            truth.push(t);
        }
        (logits, truth)
    }

    fn calibrated(c: &Calibration, logits: &[f64]) -> Vec<f64> {
        let mut out = logits.to_vec();
        for row in out.chunks_exact_mut(3) {
            c.apply(row);
        }
        out
    }

    #[test]
    fn temperature_recovers_the_true_scale_and_lowers_loss_and_ece() {
        let (logits, truth) = overconfident(20_000, 7);
        let c = Calibration::fit(CalibrationMethod::Temperature, &logits, &truth, 3)
            .unwrap()
            .unwrap();
        assert!((c.scale - 0.5).abs() < 0.03, "scale {}", c.scale);
        assert!(c.bias.iter().all(|&b| b == 0.0));
        let mut raw = logits.clone();
        for row in raw.chunks_exact_mut(3) {
            softmax_in_place(row);
        }
        let after = calibrated(&c, &logits);
        assert!(log_loss(&after, &truth, 3) < log_loss(&raw, &truth, 3) - 0.05);
        let (before, after) = (
            expected_calibration_error(&raw, &truth, 3),
            expected_calibration_error(&after, &truth, 3),
        );
        assert!(before > 0.08 && after < 0.02, "ECE {before} -> {after}");
    }

    #[test]
    fn biases_undo_a_shifted_prior() {
        // Logits with class 2 pushed up by 1.5 that the truth does not share.
        let (mut logits, truth) = overconfident(20_000, 11);
        for row in logits.chunks_exact_mut(3) {
            row[2] += 3.0; // 1.5 after the true temperature of 2
        }
        let c = Calibration::fit(CalibrationMethod::BiasedTemperature, &logits, &truth, 3)
            .unwrap()
            .unwrap();
        assert!((c.scale - 0.5).abs() < 0.03, "scale {}", c.scale);
        let shift = c.bias[2] - (c.bias[0] + c.bias[1]) / 2.0;
        assert!((shift + 1.5).abs() < 0.1, "bias {:?}", c.bias);
    }

    #[test]
    fn ece_and_log_loss_match_hand_computed_values() {
        // Two rows: confident right (0.9), unsure wrong (0.6 on the wrong class).
        let probs = [0.9, 0.05, 0.05, 0.6, 0.4, 0.0];
        let truth = [0, 1];
        // Bins: 0.9 → (0.8, 0.9], acc 1 → |1 − 0.9|; 0.6 → (0.5, 0.6], acc 0 → 0.6.
        let ece = expected_calibration_error(&probs, &truth, 3);
        assert!((ece - (0.1 + 0.6) / 2.0).abs() < 1e-12, "{ece}");
        let ll = log_loss(&probs, &truth, 3);
        assert!(
            (ll - (-(0.9f64.ln()) - 0.4f64.ln()) / 2.0).abs() < 1e-12,
            "{ll}"
        );
    }

    #[test]
    fn class_rates_are_row_shares() {
        let probs = [0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.6, 0.3, 0.1];
        let rates = ClassRates::measure(&probs, &[0, 0, 1], 3);
        assert_eq!(rates.support, [2, 1, 0]);
        assert_eq!(rates.confusion[0], [0.5, 0.5, 0.0]);
        assert_eq!(rates.confusion[1], [1.0, 0.0, 0.0]);
        assert!((rates.mean_probability[0][0] - 0.45).abs() < 1e-12);
        rates.validate(3).unwrap();
        assert!(rates.validate(2).is_err());
    }
}
