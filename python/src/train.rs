//! Training a model from a labeled table, as `tonetrack train` does from a labeled CSV.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3_arrow::PyArray;
use sha2::{Digest, Sha256};
use tonetrack::data::{hex, Columns, Dataset, Row};
use tonetrack::model::build::{train_model, TrainingData};
use tonetrack::model::calibration::CalibrationMethod;
use tonetrack::model::train::CChoice;
use tonetrack::model::TrainParams;

use crate::columns::Strings;
use crate::{py_err, PyModel};

/// The calibration named as `tonetrack train --calibration` names it.
fn calibration(name: &str) -> PyResult<CalibrationMethod> {
    match name {
        "none" => Ok(CalibrationMethod::None),
        "temperature" => Ok(CalibrationMethod::Temperature),
        "biased-temperature" => Ok(CalibrationMethod::BiasedTemperature),
        other => Err(PyValueError::new_err(format!(
            "calibration {other:?}: expected \"none\", \"temperature\" or \"biased-temperature\""
        ))),
    }
}

/// Trains a model on `texts` labeled `labels` with `tonetrack train`'s defaults (C chosen by
/// cross-validation unless given). `text_col` and `label_col` name the columns in messages
/// and in the model file.
#[pyfunction]
#[pyo3(signature = (texts, labels, text_col = "text", label_col = "label", c = None, folds = 5, seed = 42, calibration = "none", data_name = "<DataFrame>"))]
#[allow(clippy::too_many_arguments)]
pub fn train_rows(
    py: Python<'_>,
    texts: PyArray,
    labels: PyArray,
    text_col: &str,
    label_col: &str,
    c: Option<f64>,
    folds: usize,
    seed: u64,
    calibration: &str,
    data_name: &str,
) -> PyResult<PyModel> {
    let texts = Strings::of(texts.array(), text_col)?;
    let labels = Strings::of(labels.array(), label_col)?;
    let mut rows = Vec::with_capacity(texts.len());
    let mut digest = Sha256::new();
    for i in 0..texts.len() {
        let blank = |column: &str| {
            PyValueError::new_err(format!(
                "row {i}: empty `{column}`; every training row needs a text and a label \
                 (drop the rows without them first, e.g. df.dropna(subset=[{text_col:?}, {label_col:?}]))"
            ))
        };
        let text = texts.non_blank(i).ok_or_else(|| blank(text_col))?;
        let label = labels.non_blank(i).ok_or_else(|| blank(label_col))?;
        digest.update(format!("{}\t{}\n", label.len(), text.len()).as_bytes());
        digest.update(label.as_bytes());
        digest.update(text.as_bytes());
        rows.push(Row {
            line: i as u64 + 2,
            text: text.to_string(),
            original_text: None,
            label: Some(label.trim().to_string()),
            target: None,
            group: None,
            train_only: false,
            fields: Vec::new(),
        });
    }
    let params = TrainParams {
        c: c.map_or(TrainParams::default().c, CChoice::Fixed),
        folds,
        seed,
        calibration: self::calibration(calibration)?,
        ..TrainParams::default()
    };
    let valid = params.check().map_err(py_err)?;
    let columns = Columns::new(text_col, Some(label_col));
    let data = Dataset {
        path: PathBuf::from(data_name),
        headers: vec![text_col.to_string(), label_col.to_string()],
        rows,
        filtered_out: 0,
        skipped: Vec::new(),
        sha256: hex(&digest.finalize()),
    };
    let model = py
        .detach(|| {
            train_model(
                &valid,
                TrainingData {
                    data,
                    columns: &columns,
                    data_file: data_name.to_string(),
                    per_target: false,
                    extra: None,
                },
                &|| {},
            )
        })
        .map_err(py_err)?;
    Ok(PyModel::new(model, format!("trained on {data_name}")))
}
