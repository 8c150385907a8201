//! The sparse model as a linfa algorithm, and linfa-logistic as a training engine.
//!
//! linfa has no `Records` for a sparse matrix, and the orphan rule forbids implementing its
//! trait for sprs' type here, so [`CsrRecords`] wraps the CSR matrix. With it,
//! [`ValidLogisticParams`] implements linfa's [`Fit`] and [`LogisticModel`] its
//! [`PredictInplace`] (and so `Predict` on a dataset): a linfa user calls them like any linfa algorithm.
//!
//! ```
//! use linfa::prelude::*;
//! use ndarray::{array, Array1};
//! use tonetrack::features::Csr;
//! use tonetrack::model::linfa_traits::CsrRecords;
//! use tonetrack::model::logistic::LogisticParams;
//!
//! let dense = array![[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.8]];
//! let records = CsrRecords(Csr::csr_from_dense(dense.view(), 0.0));
//! let dataset = DatasetBase::new(records, Array1::from(vec![0usize, 0, 1, 1]));
//! let params = LogisticParams::default().check()?;
//! // The inherent `fit` and `predict` take the matrix itself; linfa's traits take a dataset.
//! let model = Fit::fit(&params, &dataset)?;
//! let predicted: Array1<usize> = Predict::predict(&model, &dataset);
//! assert_eq!(predicted.to_vec(), vec![0, 0, 1, 1]);
//! # Ok::<(), tonetrack::Error>(())
//! ```

use linfa::dataset::{AsSingleTargets, DatasetBase, Records};
use linfa::traits::{Fit, PredictInplace};
use ndarray::{Array1, Array2};

use crate::error::{Error, Result};
use crate::features::Csr;
use crate::model::logistic::{LogisticModel, ValidLogisticParams};

/// A CSR matrix of feature rows as linfa records (one sample per row).
#[derive(Clone, Debug)]
pub struct CsrRecords(pub Csr);

impl Records for CsrRecords {
    type Elem = f64;

    fn nsamples(&self) -> usize {
        self.0.rows()
    }

    fn nfeatures(&self) -> usize {
        self.0.cols()
    }
}

/// Labels are class indices `0..k`; `k` is one more than the largest label. linfa's sample
/// weights, when set, weigh the rows' losses.
impl<T: AsSingleTargets<Elem = usize>> Fit<CsrRecords, T, Error> for ValidLogisticParams {
    type Object = LogisticModel;

    fn fit(&self, dataset: &DatasetBase<CsrRecords, T>) -> Result<LogisticModel> {
        let y = dataset.targets().as_single_targets().to_vec();
        let n_classes = y.iter().max().map_or(0, |&m| m + 1);
        let weights: Option<Vec<f64>> = dataset
            .weights()
            .map(|w| w.iter().map(|&v| f64::from(v)).collect());
        self.fit(&dataset.records().0, &y, n_classes, weights.as_deref())
    }
}

impl PredictInplace<CsrRecords, Array1<usize>> for LogisticModel {
    fn predict_inplace(&self, x: &CsrRecords, y: &mut Array1<usize>) {
        for (target, label) in y.iter_mut().zip(self.predict(&x.0)) {
            *target = label;
        }
    }

    fn default_target(&self, x: &CsrRecords) -> Array1<usize> {
        Array1::zeros(x.nsamples())
    }
}

/// Fits the same objective with linfa-logistic's dense solver (`train --engine
/// linfa-logistic`): the rows are made dense, so this is for small data only (linfa-logistic
/// took 71 s on 8,000 rows × 20,000 features here). linfa-logistic takes no row weights and
/// numbers the classes it sees, so every class must occur.
pub(crate) fn fit_with_linfa_logistic(
    params: &ValidLogisticParams,
    x: &Csr,
    y: &[usize],
    n_classes: usize,
    sample_weight: Option<&[f64]>,
) -> Result<LogisticModel> {
    use linfa_logistic::MultiLogisticRegression;
    if sample_weight.is_some() {
        return Err(Error::InvalidParams(
            "the linfa-logistic engine takes no row weights (class weights, extra data): \
             train those with the sparse engine"
                .into(),
        ));
    }
    let mut present = vec![false; n_classes];
    y.iter().for_each(|&label| present[label] = true);
    if present.contains(&false) {
        return Err(Error::InvalidParams(
            "the linfa-logistic engine needs every class in every fit (a cross-validation fold \
             lacks one): use fewer folds or the sparse engine"
                .into(),
        ));
    }
    let dense: Array2<f64> = x.to_dense();
    let fitted = MultiLogisticRegression::default()
        .alpha(1.0 / params.c())
        .max_iterations(params.max_iterations())
        .gradient_tolerance(params.gradient_tolerance())
        .fit(&linfa::Dataset::new(dense, Array1::from(y.to_vec())))
        .map_err(|e| Error::Data(format!("linfa-logistic: {e}")))?;
    let weights: Vec<f64> = fitted.params().iter().copied().collect();
    let intercepts: Vec<f64> = fitted.intercept().to_vec();
    params.model_at(x, y, n_classes, weights, intercepts)
}
