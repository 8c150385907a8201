//! A whole model from labeled data: one classifier, or one per target value, with what the
//! model file records of the training (data checksums, columns, parameters, reports). This is
//! `tonetrack train` without the printing.

use std::collections::BTreeMap;

use crate::data::{Columns, Dataset};
use crate::error::{Error, Result};
use crate::model::file::{
    text_fingerprints, Classifiers, ColumnsInfo, ExtraDataInfo, Model, TrainingInfo,
};
use crate::model::train::{Examples, ValidTrainParams};

/// Rows of another source added to training only, each weighing `weight` in the loss.
#[derive(Debug)]
pub struct ExtraData {
    /// The rows (text and label columns).
    pub data: Dataset,
    /// The name of their file, for the model file.
    pub data_file: String,
    /// Each row's weight (a domain row weighs 1).
    pub weight: f64,
}

/// What a model is trained from.
#[derive(Debug)]
pub struct TrainingData<'a> {
    /// The labeled rows (their texts are moved into the training examples).
    pub data: Dataset,
    /// The columns they were read with, for the model file.
    pub columns: &'a Columns,
    /// The names of the data files, for the model file.
    pub data_file: String,
    /// One classifier per value of the target column.
    pub per_target: bool,
    /// Training-only rows of another source (not with `per_target`).
    pub extra: Option<ExtraData>,
}

/// The examples of the rows `rows` of a dataset (all of it, or the rows of one target),
/// grouped for cross-validation by the group column's value or else by the sentence as
/// written. The texts and labels are moved out of the rows, not copied: a million rows hold
/// each text once.
pub fn examples_of(data: &mut Dataset, rows: &[usize]) -> Examples {
    let names: Vec<&str> = rows
        .iter()
        .map(|&i| {
            let row = &data.rows[i];
            row.group.as_deref().unwrap_or(row.original_text())
        })
        .collect();
    let groups = Examples::group_ids(&names);
    let train_only: Vec<bool> = rows.iter().map(|&i| data.rows[i].train_only).collect();
    let mut texts = Vec::with_capacity(rows.len());
    let mut labels = Vec::with_capacity(rows.len());
    for &i in rows {
        let row = &mut data.rows[i];
        texts.push(std::mem::take(&mut row.text));
        labels.push(row.label.take().unwrap_or_default());
    }
    Examples {
        texts,
        labels,
        groups,
        weights: Vec::new(),
        train_only: if train_only.contains(&true) {
            train_only
        } else {
            Vec::new()
        },
    }
}

/// `examples` with the extra rows added as training-only rows, and what the model file
/// records of them.
pub fn with_extra_data(examples: Examples, extra: ExtraData) -> Result<(Examples, ExtraDataInfo)> {
    if !(extra.weight.is_finite() && extra.weight >= 0.0) {
        return Err(Error::InvalidParams(format!(
            "the extra data's weight must be a finite number ≥ 0, got {}",
            extra.weight
        )));
    }
    let mut data = extra.data;
    let all: Vec<usize> = (0..data.rows.len()).collect();
    let info = ExtraDataInfo {
        data_file: extra.data_file,
        data_sha256: data.sha256.clone(),
        rows: all.len(),
        weight: extra.weight,
    };
    let extra_examples = examples_of(&mut data, &all);
    Ok((examples.with_extra(extra_examples, extra.weight), info))
}

/// Row indices per target value (all rows under "" when not per target).
fn partition(data: &Dataset, per_target: bool) -> BTreeMap<String, Vec<usize>> {
    let mut parts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, row) in data.rows.iter().enumerate() {
        let key = if per_target {
            row.target.clone().unwrap_or_default()
        } else {
            String::new()
        };
        parts.entry(key).or_default().push(i);
    }
    parts
}

/// How many fits training makes (C chosen by cross-validation: grid × folds per classifier),
/// for a progress bar.
pub fn fits_to_make(params: &ValidTrainParams, data: &Dataset, per_target: bool) -> u64 {
    let per_classifier = match &params.params().c {
        crate::model::train::CChoice::Auto { grid } => (grid.len() * params.params().folds) as u64,
        crate::model::train::CChoice::Fixed(_) => 0,
    };
    per_classifier * partition(data, per_target).len() as u64
}

/// Trains the model: one classifier, or one per target value; `progress` is called after
/// every cross-validation fit.
pub fn train_model(
    params: &ValidTrainParams,
    source: TrainingData,
    progress: &(dyn Fn() + Sync),
) -> Result<Model> {
    let TrainingData {
        mut data,
        columns,
        data_file,
        per_target,
        mut extra,
    } = source;
    if per_target && extra.is_some() {
        return Err(Error::InvalidParams(
            "extra training data is not supported with one classifier per target".into(),
        ));
    }
    let text_fingerprints = text_fingerprints(data.rows.iter().map(|r| r.text.as_str()));
    let parts = partition(&data, per_target);
    let examples: Vec<(String, Examples)> = parts
        .iter()
        .map(|(target, rows)| (target.clone(), examples_of(&mut data, rows)))
        .collect();
    // Everything of the rows is in the examples now.
    data.rows = Vec::new();
    let (mut classifiers, mut reports) = (BTreeMap::new(), BTreeMap::new());
    let mut extra_data = None;
    for (target, mut ex) in examples {
        if let Some(more) = extra.take() {
            let (with_extra, info) = with_extra_data(ex, more)?;
            (ex, extra_data) = (with_extra, Some(info));
        }
        let (classifier, report) = params.fit_with_progress(ex, progress).map_err(|e| {
            if per_target {
                Error::Data(format!(
                    "training the classifier for target `{target}`: {e}"
                ))
            } else {
                e
            }
        })?;
        classifiers.insert(target.clone(), classifier);
        reports.insert(target, report);
    }
    let classifiers = if per_target {
        Classifiers::PerTarget(classifiers)
    } else {
        let single = classifiers
            .into_values()
            .next()
            .ok_or_else(|| Error::Data("no training rows".into()))?;
        Classifiers::Single(Box::new(single))
    };
    Ok(Model {
        classifiers,
        training: TrainingInfo {
            data_file,
            data_sha256: data.sha256.clone(),
            columns: ColumnsInfo {
                text: columns.text.clone(),
                label: columns.label.clone().unwrap_or_default(),
                target: columns.target.clone(),
                mention: columns.mention.clone(),
                filters: columns.filters.clone(),
            },
            params: params.params().clone(),
            reports,
            extra_data,
            text_fingerprints,
            tonetrack_version: env!("CARGO_PKG_VERSION").to_string(),
        },
    })
}
