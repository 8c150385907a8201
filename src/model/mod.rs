//! The model stage: sparse multinomial logistic regression ([`logistic`]), training with C
//! chosen by cross-validation ([`train`]), the fitted classifier ([`classifier`]), and the
//! versioned model file ([`file`](mod@file)).

pub mod build;
pub mod calibration;
pub mod classifier;
pub mod evaluate;
pub mod file;
mod lbfgs;
pub mod linfa_traits;
pub mod logistic;
pub mod train;

pub use classifier::{Classifier, Prediction, TonePoles};
pub use file::Model;
pub use train::{Examples, TrainParams};
