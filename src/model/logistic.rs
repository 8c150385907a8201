//! Multinomial logistic regression with an L2 penalty, trained on sparse CSR rows.
//!
//! The objective and the optimizer are those of `linfa-logistic` 0.8.1
//! (`MultiLogisticRegression`: `multi_logistic_loss`, `multi_logistic_grad`, `setup_solver`),
//! which is dense-only; here the same maths runs over a [`sprs::CsMat`], so a TF-IDF matrix with
//! tens of thousands of columns trains in a fraction of a second instead of minutes.
//! `tests/logistic_oracle.rs` checks that both reach the same optimum.
//!
//! # Objective
//!
//! For `n` samples `xᵢ ∈ ℝᵈ` with labels `yᵢ ∈ {0, …, K−1}`, optional sample weights `sᵢ ≥ 0`
//! (1 when absent), weights `W ∈ ℝ^{d×K}` and intercepts `b ∈ ℝᴷ`:
//!
//! ```text
//! zᵢ      = xᵢᵀ W + b                                  (decision values, one per class)
//! lse(zᵢ) = m + ln Σₖ exp(zᵢₖ − m),   m = maxₖ zᵢₖ     (stable log-sum-exp)
//! L(W, b) = Σᵢ sᵢ · (lse(zᵢ) − zᵢ,yᵢ)  +  α/2 · ‖W‖²_F
//! ```
//!
//! i.e. the weighted cross-entropy `−Σᵢ sᵢ log softmax(zᵢ)_{yᵢ}` plus a ridge penalty on `W` only
//! (the intercepts are not penalised). With `α = 1/C` this is scikit-learn's
//! `LogisticRegression(C=C, multi_class="multinomial")` objective divided by `C`, so `C` means
//! what it means there.
//!
//! # Gradient
//!
//! With `pᵢ = softmax(zᵢ)` and `eᵢ` the one-hot vector of `yᵢ`:
//!
//! ```text
//! ∂L/∂W = Σᵢ sᵢ · xᵢ (pᵢ − eᵢ)ᵀ + α W
//! ∂L/∂b = Σᵢ sᵢ · (pᵢ − eᵢ)
//! ```
//!
//! # Optimizer
//!
//! linfa-logistic's optimizer, argmin's L-BFGS (memory 10) with the Moré–Thuente line search,
//! re-implemented over flat buffers in [`super::lbfgs`] (argmin's generic vector arithmetic
//! allocates a new vector for every operation, which was half of the training time). It
//! starts from zero and stops when every gradient entry is within `±gradient_tolerance`
//! (scikit-learn's rule; argmin tests the L2 norm), when the cost no longer changes by more
//! than machine epsilon, or after `max_iterations`; the parameters with the best cost are
//! kept. Parameters are laid out as linfa lays them out: a row-major
//! `(d + 1) × K` matrix whose last row holds the intercepts.

use std::borrow::Cow;

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sprs::SpIndex;

use crate::features::Csr;

use super::lbfgs::{self, LbfgsSettings};
use crate::{Error, Result};

/// Number of L-BFGS correction pairs kept, as in linfa-logistic.
const LBFGS_MEMORY: usize = 10;

/// Hyper-parameters of [`LogisticModel`] training, unchecked. Turn them into
/// [`ValidLogisticParams`] with [`LogisticParams::check`] before fitting.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LogisticParams {
    /// Inverse regularisation strength (scikit-learn's `C`): the penalty is `1/(2C)·‖W‖²`.
    pub c: f64,
    /// Maximum number of L-BFGS iterations.
    pub max_iterations: u64,
    /// L-BFGS stops once every gradient entry is within `±gradient_tolerance`.
    pub gradient_tolerance: f64,
}

impl Default for LogisticParams {
    /// linfa-logistic's defaults: `C = 1` (its `alpha = 1`), 100 iterations, tolerance `1e-4`.
    fn default() -> Self {
        LogisticParams {
            c: 1.0,
            max_iterations: 100,
            gradient_tolerance: 1e-4,
        }
    }
}

impl LogisticParams {
    /// Checks that the parameters can work: `C` finite and > 0, tolerance finite and > 0, at
    /// least one iteration.
    pub fn check(&self) -> Result<ValidLogisticParams> {
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(Error::InvalidParams(format!(
                "C must be a finite number > 0 (got {}); larger C means weaker regularisation",
                self.c
            )));
        }
        if !(self.gradient_tolerance.is_finite() && self.gradient_tolerance > 0.0) {
            return Err(Error::InvalidParams(format!(
                "gradient tolerance must be a finite number > 0 (got {})",
                self.gradient_tolerance
            )));
        }
        if self.max_iterations == 0 {
            return Err(Error::InvalidParams(
                "max iterations must be at least 1".to_string(),
            ));
        }
        Ok(ValidLogisticParams {
            c: self.c,
            max_iterations: self.max_iterations,
            gradient_tolerance: self.gradient_tolerance,
        })
    }
}

/// Checked hyper-parameters: the only way to [`fit`](ValidLogisticParams::fit) a model.
///
/// Why not linfa's `Fit` trait: `Fit<R: Records, ..>` needs `CsMat` to implement linfa's
/// `Records`, which linfa 0.8.1 does not do (and the orphan rule forbids here without a
/// newtype), and it needs the error type to implement `From<linfa::Error>`, which
/// [`crate::Error`] does not. A plain method with the labels and weights as arguments is simpler.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidLogisticParams {
    c: f64,
    max_iterations: u64,
    gradient_tolerance: f64,
}

impl ValidLogisticParams {
    /// Inverse regularisation strength.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// Maximum number of L-BFGS iterations.
    pub fn max_iterations(&self) -> u64 {
        self.max_iterations
    }

    /// Gradient tolerance of L-BFGS (on the largest absolute entry).
    pub fn gradient_tolerance(&self) -> f64 {
        self.gradient_tolerance
    }

    /// Fits the model on the rows of `x` (CSR; any other storage is converted) with labels
    /// `y[i] < n_classes` and optional per-sample weights (see [`balanced_weights`]).
    ///
    /// Errors when the shapes disagree, a label is out of range, `n_classes < 2`, there are no
    /// rows, a value is not finite or a weight is negative. A class without any sample is
    /// allowed; its intercept then only decreases until the tolerance stops it.
    pub fn fit(
        &self,
        x: &Csr,
        y: &[usize],
        n_classes: usize,
        sample_weight: Option<&[f64]>,
    ) -> Result<LogisticModel> {
        check_training_data(x, y, n_classes, sample_weight)?;
        let x = as_csr(x);
        let n_features = x.cols();
        let objective = Objective::new(&x, y, sample_weight, n_classes, 1.0 / self.c);
        let mut scratch = Scratch::default();
        let settings = LbfgsSettings {
            memory: LBFGS_MEMORY,
            max_iterations: self.max_iterations,
            gradient_tolerance: self.gradient_tolerance,
        };
        // Run on a rayon worker thread: the objective and the vector sweeps start thousands
        // of small parallel jobs, and from outside the pool each would wake a worker and put
        // this thread to sleep until it is done.
        let minimum = rayon::scope(|_| {
            lbfgs::minimize(
                |w, grad| objective.loss_and_gradient_into(w, grad, &mut scratch),
                vec![0.0; (n_features + 1) * n_classes],
                settings,
            )
        })?;
        let (iterations, converged, loss) = (minimum.iterations, minimum.converged, minimum.loss);
        let params = minimum.param;
        let (weights, intercepts) = params.split_at(n_features * n_classes);
        let model = LogisticModel {
            n_features,
            weights: weights.to_vec(),
            intercepts: intercepts.to_vec(),
            iterations,
            converged,
            loss,
        };
        model.validate()?;
        Ok(model)
    }
}

/// Per-sample weights that give every class the same total weight, with scikit-learn's
/// `class_weight="balanced"` formula `n_samples / (n_classes · count(class))`.
///
/// As in scikit-learn, `n_classes` counts the classes that occur in `y`, so the weights still
/// sum to `n_samples` when a class of `0..n_classes` is absent. Labels `≥ n_classes` (which
/// [`ValidLogisticParams::fit`] rejects) get weight 0.
pub fn balanced_weights(y: &[usize], n_classes: usize) -> Vec<f64> {
    let mut counts = vec![0usize; n_classes];
    for &label in y {
        if let Some(count) = counts.get_mut(label) {
            *count += 1;
        }
    }
    let present = counts.iter().filter(|&&c| c > 0).count();
    let n_samples = counts.iter().sum::<usize>() as f64;
    y.iter()
        .map(|&label| match counts.get(label) {
            Some(&count) if count > 0 => n_samples / (present as f64 * count as f64),
            _ => 0.0,
        })
        .collect()
}

/// A fitted multinomial logistic regression: `n_features × n_classes` weights and one
/// intercept per class, plus how the optimizer ended.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LogisticModel {
    n_features: usize,
    /// Row-major `n_features × n_classes`: the weights of feature `j` are
    /// `weights[j * n_classes..(j + 1) * n_classes]`.
    weights: Vec<f64>,
    intercepts: Vec<f64>,
    iterations: u64,
    converged: bool,
    loss: f64,
}

impl LogisticModel {
    /// Number of input features (columns) the model was trained on.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.intercepts.len()
    }

    /// Weight of `feature` for `class`; `None` when either is out of range.
    pub fn weight(&self, feature: usize, class: usize) -> Option<f64> {
        if feature >= self.n_features || class >= self.n_classes() {
            return None;
        }
        self.weights
            .get(feature * self.n_classes() + class)
            .copied()
    }

    /// All weights, row-major `n_features × n_classes`.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Intercept of `class`; `None` when out of range.
    pub fn intercept(&self, class: usize) -> Option<f64> {
        self.intercepts.get(class).copied()
    }

    /// All intercepts, one per class.
    pub fn intercepts(&self) -> &[f64] {
        &self.intercepts
    }

    /// L-BFGS iterations run.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Whether L-BFGS stopped because it converged (every gradient entry within the
    /// tolerance, or a cost that no longer changes, which includes a line search that ends
    /// where it started) rather than on the iteration limit or a failed line search.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Value of the training objective (see the module docs) at the returned parameters.
    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// Decision values `xᵀW + b` of one sparse row given as parallel `indices`/`values`.
    /// Indices the model has no weights for (`≥ n_features`) contribute nothing.
    pub fn decision_row<I: SpIndex>(&self, indices: &[I], values: &[f64]) -> Vec<f64> {
        let k = self.n_classes();
        let mut z = self.intercepts.clone();
        for (j, &v) in indices.iter().zip(values) {
            let j = j.index();
            if let Some(w) = self.weights.get(j * k..(j + 1) * k) {
                for (zc, wc) in z.iter_mut().zip(w) {
                    *zc += v * wc;
                }
            }
        }
        z
    }

    /// Class probabilities (softmax of [`decision_row`](Self::decision_row)) of one sparse row.
    pub fn probabilities_row<I: SpIndex>(&self, indices: &[I], values: &[f64]) -> Vec<f64> {
        let mut z = self.decision_row(indices, values);
        softmax_in_place(&mut z);
        z
    }

    /// Decision values of every row of `x`, `rows × n_classes`, row-major. Rows are computed
    /// in parallel; each is independent.
    pub fn decision_values(&self, x: &Csr) -> Vec<f64> {
        let x = as_csr(x);
        (0..x.rows())
            .into_par_iter()
            .flat_map_iter(|i| {
                let (indices, values) = csr_row(&x, i);
                self.decision_row(indices, values)
            })
            .collect()
    }

    /// Class probabilities of every row of `x`, `rows × n_classes`. Rows are computed in
    /// parallel; each row is independent, so the result does not depend on the thread count.
    pub fn predict_proba(&self, x: &Csr) -> Array2<f64> {
        let x = as_csr(x);
        let k = self.n_classes();
        let rows: Vec<Vec<f64>> = (0..x.rows())
            .into_par_iter()
            .map(|i| {
                let (indices, values) = csr_row(&x, i);
                self.probabilities_row(indices, values)
            })
            .collect();
        let mut out = Array2::zeros((rows.len(), k));
        for (mut target, row) in out.rows_mut().into_iter().zip(&rows) {
            for (t, p) in target.iter_mut().zip(row) {
                *t = *p;
            }
        }
        out
    }

    /// Most probable class of every row of `x` (the argmax of the decision values; ties go to
    /// the lowest class index).
    pub fn predict(&self, x: &Csr) -> Vec<usize> {
        self.decision_values(x)
            .chunks_exact(self.n_classes())
            .map(argmax)
            .collect()
    }

    /// Checks that the shapes agree and every number is finite (for models read from a file).
    pub fn validate(&self) -> Result<()> {
        let k = self.n_classes();
        if k < 2 {
            return Err(Error::Data(format!(
                "logistic model has {k} class(es); at least 2 are needed"
            )));
        }
        let expected = self.n_features.checked_mul(k);
        if expected != Some(self.weights.len()) {
            return Err(Error::Data(format!(
                "logistic model has {} weights, expected {} features × {} classes",
                self.weights.len(),
                self.n_features,
                k
            )));
        }
        if let Some(pos) = self.weights.iter().position(|w| !w.is_finite()) {
            return Err(Error::Data(format!(
                "logistic model weight of feature {} class {} is not finite",
                pos / k,
                pos % k
            )));
        }
        if let Some(class) = self.intercepts.iter().position(|b| !b.is_finite()) {
            return Err(Error::Data(format!(
                "logistic model intercept of class {class} is not finite"
            )));
        }
        Ok(())
    }
}

fn check_training_data(
    x: &Csr,
    y: &[usize],
    n_classes: usize,
    sample_weight: Option<&[f64]>,
) -> Result<()> {
    if n_classes < 2 {
        return Err(Error::Data(format!(
            "logistic regression needs at least 2 classes (got {n_classes})"
        )));
    }
    if x.rows() == 0 {
        return Err(Error::Data("no training samples".to_string()));
    }
    if x.rows() != y.len() {
        return Err(Error::Data(format!(
            "{} feature rows but {} labels",
            x.rows(),
            y.len()
        )));
    }
    if let Some(i) = y.iter().position(|&label| label >= n_classes) {
        return Err(Error::Data(format!(
            "label {} of sample {i} is out of range for {n_classes} classes",
            y[i]
        )));
    }
    if x.data().iter().any(|v| !v.is_finite()) {
        return Err(Error::Data(
            "feature matrix contains a value that is not finite".to_string(),
        ));
    }
    if let Some(weights) = sample_weight {
        if weights.len() != y.len() {
            return Err(Error::Data(format!(
                "{} sample weights for {} samples",
                weights.len(),
                y.len()
            )));
        }
        if let Some(i) = weights.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(Error::Data(format!(
                "sample weight {} of sample {i} must be finite and ≥ 0",
                weights[i]
            )));
        }
    }
    Ok(())
}

/// The matrix in CSR storage, converted only when needed.
fn as_csr(x: &Csr) -> Cow<'_, Csr> {
    if x.is_csr() {
        Cow::Borrowed(x)
    } else {
        Cow::Owned(x.to_csr())
    }
}

/// Column indices and values of row `i` of a CSR matrix.
fn csr_row(x: &Csr, i: usize) -> (&[u32], &[f64]) {
    let range = x.indptr().outer_inds_sz(i);
    (&x.indices()[range.clone()], &x.data()[range])
}

/// Replaces the decision values `z` by their softmax and returns `ln Σ exp(zₖ)`.
///
/// Computed as `exp(zₖ − m) / Σ exp(zⱼ − m)` with `m = max zₖ`, so that nothing overflows, and
/// with one `exp` per class: the probabilities and the log-partition share the same terms.
/// Decision values that are not finite give NaN probabilities and a log-partition that is
/// not finite, which the optimizer refuses.
#[inline(always)]
pub(crate) fn softmax_in_place(z: &mut [f64]) -> f64 {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        z.fill(f64::NAN);
        return max;
    }
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
    max + sum.ln()
}

/// Index of the largest value; the first one on ties.
fn argmax(z: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in z.iter().enumerate() {
        if *v > z[best] {
            best = i;
        }
    }
    best
}

/// The training data and penalty: everything [`Objective::loss_and_gradient_into`] reads.
struct Objective<'a> {
    /// The samples, one CSR row each.
    rows: &'a Csr,
    y: &'a [usize],
    sample_weight: Option<&'a [f64]>,
    n_classes: usize,
    alpha: f64,
    /// The rows are split into this many consecutive blocks, each with a gradient of its own.
    blocks: usize,
}

/// At most this many row blocks (see [`Objective::loss_and_gradient_into`]), and at least
/// this many rows in each; the count is a power of two.
const MAX_ROW_BLOCKS: usize = 8;
const MIN_ROWS_PER_BLOCK: usize = 4096;

impl<'a> Objective<'a> {
    /// `rows` must be CSR; the caller has checked the shapes and values.
    fn new(
        rows: &'a Csr,
        y: &'a [usize],
        sample_weight: Option<&'a [f64]>,
        n_classes: usize,
        alpha: f64,
    ) -> Self {
        let blocks = (rows.rows() / MIN_ROWS_PER_BLOCK).clamp(1, MAX_ROW_BLOCKS);
        // A power of two, so that the blocks divide evenly among 2, 4 or 8 cores.
        let blocks = 1 << blocks.ilog2();
        Objective {
            rows,
            y,
            sample_weight,
            n_classes,
            alpha,
            blocks,
        }
    }

    /// The objective `L` and its gradient at parameters `w`, laid out as a row-major
    /// `(n_features + 1) × n_classes` matrix whose last row is the intercepts.
    ///
    /// One pass over the rows, in parallel over a fixed number of consecutive row blocks (set
    /// by the number of rows, never by the number of threads, so the result is the same bits
    /// on any machine). For each row in order: `zᵢ = xᵢᵀW + b`, the loss term
    /// `sᵢ(lse(zᵢ) − zᵢ,yᵢ)`, the residual `rᵢ = sᵢ(softmax(zᵢ) − eᵢ)`, and `xᵢrᵢᵀ` added to
    /// the block's gradient. Then the block gradients are summed in block order, with the
    /// penalty's `αW`. One pass over the data and no transposed copy of it: the copy would
    /// double the memory of a large training set.
    fn loss_and_gradient_into(&self, w: &[f64], grad: &mut [f64], scratch: &mut Scratch) -> f64 {
        let n_params = w.len();
        scratch.block_gradients.resize(self.blocks * n_params, 0.0);
        scratch.block_losses.resize(self.blocks, 0.0);
        let rows_per_block = self.rows.rows().div_ceil(self.blocks);
        scratch
            .block_gradients
            .par_chunks_mut(n_params)
            .zip(scratch.block_losses.par_iter_mut())
            .enumerate()
            .for_each(|(block, (gradient, loss))| {
                let first = block * rows_per_block;
                let rows = first..(first + rows_per_block).min(self.rows.rows());
                gradient.fill(0.0);
                // With the class count a compile-time constant, the per-row decision values
                // stay in registers and the loops over classes unroll: about three times
                // faster than the same loops over run-time-sized slices.
                *loss = match self.n_classes {
                    2 => self.accumulate::<2>(w, rows, gradient),
                    3 => self.accumulate::<3>(w, rows, gradient),
                    4 => self.accumulate::<4>(w, rows, gradient),
                    5 => self.accumulate::<5>(w, rows, gradient),
                    6 => self.accumulate::<6>(w, rows, gradient),
                    7 => self.accumulate::<7>(w, rows, gradient),
                    8 => self.accumulate::<8>(w, rows, gradient),
                    _ => self.accumulate_any(w, rows, gradient),
                };
            });

        let n_weights = n_params - self.n_classes;
        let block_gradients = &scratch.block_gradients;
        grad.par_chunks_mut(PARAMS_PER_TASK)
            .enumerate()
            .for_each(|(task, g)| {
                let start = task * PARAMS_PER_TASK;
                // The L2 penalty's gradient αW; the intercepts are not penalised.
                let penalised = n_weights.saturating_sub(start).min(g.len());
                let (g_weights, g_intercepts) = g.split_at_mut(penalised);
                for (gp, wp) in g_weights.iter_mut().zip(&w[start..]) {
                    *gp = self.alpha * wp;
                }
                g_intercepts.fill(0.0);
                // Then the blocks in order, a whole slice at a time (the loop vectorises).
                for block in block_gradients.chunks_exact(n_params) {
                    for (gp, bp) in g.iter_mut().zip(&block[start..]) {
                        *gp += bp;
                    }
                }
            });

        let squared_norm = lbfgs::dot(&w[..n_weights], &w[..n_weights]);
        scratch.block_losses.iter().sum::<f64>() + 0.5 * self.alpha * squared_norm
    }

    /// Adds the gradient of the loss terms of `rows` to `gradient` (laid out as `w`) for
    /// exactly `K` classes, and returns the sum of their loss terms.
    fn accumulate<const K: usize>(
        &self,
        w: &[f64],
        rows: std::ops::Range<usize>,
        gradient: &mut [f64],
    ) -> f64 {
        let n_weights = self.rows.cols() * K;
        let (coef, intercept) = w.split_at(n_weights);
        let (coef, _) = coef.as_chunks::<K>();
        let intercept: [f64; K] = intercept.try_into().expect("K intercepts");
        let (grad_coef, grad_intercept) = gradient.split_at_mut(n_weights);
        let (grad_coef, _) = grad_coef.as_chunks_mut::<K>();
        let mut loss = 0.0;
        for i in rows {
            let (indices, values) = csr_row(self.rows, i);
            // Two running sums, so that consecutive terms do not wait for each other.
            let mut even = [0.0; K];
            let mut odd = [0.0; K];
            let (pairs, last) = (indices.chunks_exact(2), values.chunks_exact(2));
            let (rest_j, rest_v) = (pairs.remainder(), last.remainder());
            for (j2, v2) in pairs.zip(last) {
                let (w0, w1) = (&coef[j2[0] as usize], &coef[j2[1] as usize]);
                for c in 0..K {
                    even[c] += v2[0] * w0[c];
                    odd[c] += v2[1] * w1[c];
                }
            }
            if let (Some(&j), Some(&v)) = (rest_j.first(), rest_v.first()) {
                for c in 0..K {
                    even[c] += v * coef[j as usize][c];
                }
            }
            let mut z = intercept;
            for c in 0..K {
                z[c] += even[c] + odd[c];
            }
            loss += self.residual(i, &mut z);
            for (&j, &v) in indices.iter().zip(values) {
                let gj = &mut grad_coef[j as usize];
                for c in 0..K {
                    gj[c] += v * z[c];
                }
            }
            for (gc, rc) in grad_intercept.iter_mut().zip(z) {
                *gc += rc;
            }
        }
        loss
    }

    /// [`accumulate`](Self::accumulate) for any number of classes, over slices.
    fn accumulate_any(&self, w: &[f64], rows: std::ops::Range<usize>, gradient: &mut [f64]) -> f64 {
        let k = self.n_classes;
        let n_weights = self.rows.cols() * k;
        let (coef, intercept) = w.split_at(n_weights);
        let (grad_coef, grad_intercept) = gradient.split_at_mut(n_weights);
        let mut z = vec![0.0; k];
        let mut loss = 0.0;
        for i in rows {
            let (indices, values) = csr_row(self.rows, i);
            z.copy_from_slice(intercept);
            for (&j, &v) in indices.iter().zip(values) {
                let j = j as usize;
                for (zc, wc) in z.iter_mut().zip(&coef[j * k..(j + 1) * k]) {
                    *zc += v * wc;
                }
            }
            loss += self.residual(i, &mut z);
            for (&j, &v) in indices.iter().zip(values) {
                let j = j as usize;
                for (gc, rc) in grad_coef[j * k..(j + 1) * k].iter_mut().zip(&z) {
                    *gc += v * rc;
                }
            }
            for (gc, rc) in grad_intercept.iter_mut().zip(&z) {
                *gc += rc;
            }
        }
        loss
    }

    /// Turns row `i`'s decision values `z` into its weighted residual `sᵢ(softmax(zᵢ) − eᵢ)`
    /// and returns its loss term `sᵢ(lse(zᵢ) − zᵢ,yᵢ)`.
    ///
    /// Inlined, so that in [`accumulate`](Self::accumulate) the loops over a fixed number of
    /// classes unroll (with 3 classes, about 400 instructions per row without, its 3 `exp` and
    /// `ln` included).
    #[inline(always)]
    fn residual(&self, i: usize, z: &mut [f64]) -> f64 {
        let s = self.sample_weight.map_or(1.0, |sw| sw[i]);
        let label = self.y[i];
        let z_label = z[label];
        let lse = softmax_in_place(z);
        for (c, zc) in z.iter_mut().enumerate() {
            let target = if c == label { 1.0 } else { 0.0 };
            *zc = s * (*zc - target);
        }
        s * (lse - z_label)
    }

    /// [`loss_and_gradient_into`](Self::loss_and_gradient_into) with fresh buffers.
    #[cfg(test)]
    fn loss_and_gradient(&self, w: &[f64]) -> (f64, Vec<f64>) {
        let mut grad = vec![0.0; w.len()];
        let loss = self.loss_and_gradient_into(w, &mut grad, &mut Scratch::default());
        (loss, grad)
    }
}

/// Parameters per parallel task when the block gradients are summed.
const PARAMS_PER_TASK: usize = 16 * 1024;

/// Buffers reused across evaluations of the objective.
#[derive(Default)]
struct Scratch {
    /// One gradient per row block, each laid out as the parameters.
    block_gradients: Vec<f64>,
    /// The summed loss terms of each row block.
    block_losses: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use sprs::TriMatI;

    type TriMat = TriMatI<f64, u32>;

    /// A small deterministic sparse problem: 3 classes, 5 features, 12 rows.
    fn small_problem() -> (Csr, Vec<usize>) {
        let mut tri = TriMat::new((12, 5));
        for i in 0..12 {
            let class = i % 3;
            tri.add_triplet(i, class, 1.0 + 0.1 * i as f64);
            tri.add_triplet(i, 3 + i % 2, 0.5 - 0.03 * i as f64);
            if i % 4 == 0 {
                tri.add_triplet(i, (class + 1) % 3, 0.7);
            }
        }
        let y = (0..12).map(|i| i % 3).collect();
        (tri.to_csr(), y)
    }

    fn fit(x: &Csr, y: &[usize], weights: Option<&[f64]>) -> LogisticModel {
        let params = LogisticParams {
            c: 2.0,
            max_iterations: 500,
            gradient_tolerance: 1e-10,
        };
        params
            .check()
            .and_then(|p| p.fit(x, y, 3, weights))
            .expect("fit succeeds")
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (x, y) = small_problem();
        let weights: Vec<f64> = (0..12).map(|i| 0.5 + (i % 4) as f64 * 0.5).collect();
        let n = (x.cols() + 1) * 3;
        let w: Vec<f64> = (0..n).map(|i| ((i * 7 % 11) as f64 - 5.0) * 0.13).collect();
        let objective = Objective::new(&x, &y, Some(&weights), 3, 0.7);
        let (_, grad) = objective.loss_and_gradient(&w);
        let h = 1e-6;
        for i in 0..n {
            let mut plus = w.clone();
            plus[i] += h;
            let mut minus = w.clone();
            minus[i] -= h;
            let (lp, _) = objective.loss_and_gradient(&plus);
            let (lm, _) = objective.loss_and_gradient(&minus);
            let numeric = (lp - lm) / (2.0 * h);
            assert!(
                (numeric - grad[i]).abs() < 1e-6 * (1.0 + grad[i].abs()),
                "parameter {i}: analytic {} vs numeric {numeric}",
                grad[i]
            );
        }
    }

    #[test]
    fn loss_at_zero_is_n_log_k() {
        let (x, y) = small_problem();
        let w = vec![0.0; (x.cols() + 1) * 3];
        let (loss, _) = Objective::new(&x, &y, None, 3, 1.0).loss_and_gradient(&w);
        assert!((loss - 12.0 * 3f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn weight_two_equals_duplicated_rows() {
        let (x, y) = small_problem();
        let mut weights = vec![1.0; 12];
        weights[0] = 2.0;
        weights[5] = 2.0;
        let weighted = fit(&x, &y, Some(&weights));

        let mut tri = TriMat::new((14, x.cols()));
        let mut y2 = y.clone();
        for (v, (i, j)) in x.iter() {
            let (i, j) = (i as usize, j as usize);
            tri.add_triplet(i, j, *v);
            if i == 0 || i == 5 {
                tri.add_triplet(if i == 0 { 12 } else { 13 }, j, *v);
            }
        }
        y2.push(y[0]);
        y2.push(y[5]);
        let duplicated = fit(&tri.to_csr(), &y2, None);

        for (a, b) in weighted.weights().iter().zip(duplicated.weights()) {
            assert!((a - b).abs() < 1e-7, "{a} vs {b}");
        }
        for (a, b) in weighted.intercepts().iter().zip(duplicated.intercepts()) {
            assert!((a - b).abs() < 1e-7, "{a} vs {b}");
        }
        assert!((weighted.loss() - duplicated.loss()).abs() < 1e-9);
    }

    #[test]
    fn balanced_weights_follow_sklearn_formula() {
        let y = [0, 0, 0, 1, 2, 2];
        let w = balanced_weights(&y, 3);
        // n / (K · count): 6/(3·3), 6/(3·1), 6/(3·2)
        assert_eq!(w, vec![2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 2.0, 1.0, 1.0]);
        assert!((w.iter().sum::<f64>() - 6.0).abs() < 1e-12);
        // A class absent from y does not count, as in scikit-learn.
        assert_eq!(balanced_weights(&[0, 0, 2], 3), vec![0.75, 0.75, 1.5]);
        assert_eq!(balanced_weights(&[0, 7], 2), vec![1.0, 0.0]);
    }

    #[test]
    fn probabilities_sum_to_one_and_predict_is_argmax() {
        let (x, y) = small_problem();
        let model = fit(&x, &y, None);
        assert!(model.converged());
        let proba = model.predict_proba(&x);
        assert_eq!(proba.dim(), (12, 3));
        for row in proba.rows() {
            assert!((row.sum() - 1.0).abs() < 1e-12);
            assert!(row.iter().all(|p| (0.0..=1.0).contains(p)));
        }
        let predicted = model.predict(&x);
        for (i, row) in proba.rows().into_iter().enumerate() {
            let best = argmax(row.as_slice().expect("contiguous row"));
            assert_eq!(predicted[i], best);
        }
        // The training data is separable by construction.
        assert_eq!(predicted, y);
    }

    #[test]
    fn probabilities_are_stable_for_huge_decision_values() {
        let model = LogisticModel {
            n_features: 1,
            weights: vec![1000.0, -1000.0],
            intercepts: vec![0.0, 0.0],
            iterations: 0,
            converged: true,
            loss: 0.0,
        };
        let p = model.probabilities_row(&[0], &[5.0]);
        assert_eq!(p, vec![1.0, 0.0]);
        // An index the model does not know contributes nothing.
        assert_eq!(model.decision_row(&[3], &[1.0]), vec![0.0, 0.0]);
    }

    #[test]
    fn argmax_ties_go_to_lowest_index() {
        assert_eq!(argmax(&[1.0, 3.0, 3.0]), 1);
        assert_eq!(argmax(&[2.0, 2.0]), 0);
    }

    #[test]
    fn training_twice_gives_identical_bits() {
        let (x, y) = small_problem();
        let a = serde_json::to_string(&fit(&x, &y, None)).expect("serializes");
        let b = serde_json::to_string(&fit(&x, &y, None)).expect("serializes");
        assert_eq!(a, b);
    }

    #[test]
    fn json_round_trip_keeps_every_bit() {
        // serde_json's default float parser can be one ULP off; Cargo.toml enables its
        // `float_roundtrip` feature so that a saved model predicts exactly as the trained one.
        let (x, y) = small_problem();
        let model = fit(&x, &y, None);
        let json = serde_json::to_string(&model).expect("serializes");
        let back: LogisticModel = serde_json::from_str(&json).expect("deserializes");
        let bits = |m: &LogisticModel| -> Vec<u64> {
            m.weights()
                .iter()
                .chain(m.intercepts())
                .map(|v| v.to_bits())
                .collect()
        };
        assert_eq!(bits(&back), bits(&model));
        assert!(back.validate().is_ok());
    }

    #[test]
    fn result_does_not_depend_on_thread_count() {
        // Enough rows and columns for rayon to split both passes.
        let n = 2065;
        let mut tri = TriMat::new((n, 6));
        for i in 0..n {
            tri.add_triplet(i, i % 6, 1.0 + (i % 13) as f64 * 0.1);
            tri.add_triplet(i, (i * 5 + 1) % 6, 0.3);
        }
        let x: Csr = tri.to_csr();
        let y: Vec<usize> = (0..n).map(|i| (i / 2) % 3).collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            pool.install(|| serde_json::to_string(&fit(&x, &y, None)).expect("serializes"))
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn class_without_samples_gets_a_finite_low_probability() {
        let (x, y) = small_problem();
        let y: Vec<usize> = y.iter().map(|&c| c.min(1)).collect();
        let model = LogisticParams::default()
            .check()
            .and_then(|p| p.fit(&x, &y, 3, None))
            .expect("fit succeeds");
        assert!(model.validate().is_ok());
        for row in model.predict_proba(&x).rows() {
            assert!(row[2] < 0.01, "{row}");
        }
    }

    #[test]
    fn csc_input_gives_the_same_model_and_predictions() {
        let (x, y) = small_problem();
        let csc = x.to_csc();
        assert_eq!(fit(&x, &y, None), fit(&csc, &y, None));
        let model = fit(&x, &y, None);
        assert_eq!(model.predict_proba(&x), model.predict_proba(&csc));
    }

    #[test]
    fn check_rejects_bad_params() {
        let bad = [
            LogisticParams {
                c: 0.0,
                ..Default::default()
            },
            LogisticParams {
                c: f64::NAN,
                ..Default::default()
            },
            LogisticParams {
                c: f64::INFINITY,
                ..Default::default()
            },
            LogisticParams {
                gradient_tolerance: 0.0,
                ..Default::default()
            },
            LogisticParams {
                max_iterations: 0,
                ..Default::default()
            },
        ];
        for params in bad {
            assert!(
                matches!(params.check(), Err(Error::InvalidParams(_))),
                "{params:?}"
            );
        }
        assert!(LogisticParams::default().check().is_ok());
    }

    #[test]
    fn fit_rejects_bad_data() {
        let (x, y) = small_problem();
        let p = LogisticParams::default().check().expect("valid");
        assert!(p.fit(&x, &y[..11], 3, None).is_err());
        assert!(p.fit(&x, &y, 2, None).is_err()); // label 2 out of range
        assert!(p.fit(&x, &[0; 12], 1, None).is_err());
        assert!(p.fit(&x, &y, 3, Some(&[1.0; 11])).is_err());
        let mut w = vec![1.0; 12];
        w[3] = -1.0;
        assert!(p.fit(&x, &y, 3, Some(&w)).is_err());
        w[3] = f64::NAN;
        assert!(p.fit(&x, &y, 3, Some(&w)).is_err());
        let mut nan = x.clone();
        if let Some(v) = nan.data_mut().first_mut() {
            *v = f64::NAN;
        }
        assert!(p.fit(&nan, &y, 3, None).is_err());
    }

    #[test]
    fn validate_catches_inconsistent_models() {
        let (x, y) = small_problem();
        let model = fit(&x, &y, None);
        assert!(model.validate().is_ok());
        let mut short = model.clone();
        short.weights.pop();
        assert!(short.validate().is_err());
        let mut nan = model.clone();
        nan.intercepts[1] = f64::NAN;
        assert!(nan.validate().is_err());
        let mut one_class = model;
        one_class.intercepts.truncate(1);
        assert!(one_class.validate().is_err());
    }
}
