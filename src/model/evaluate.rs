//! A model evaluated on labeled rows: every row predicted, the metrics of [`crate::eval`],
//! and the rows whose labels the model does not know, counted.

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::eval::{evaluate, Evaluation};
use crate::model::{Model, Prediction, TonePoles};

/// Rows of one label that the model does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLabelRows {
    /// The label.
    pub label: String,
    /// How many rows have it.
    pub rows: usize,
    /// The line of the first of them.
    pub first_line: u64,
}

impl std::fmt::Display for UnknownLabelRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` ({} rows, first on line {})",
            self.label, self.rows, self.first_line
        )
    }
}

/// One evaluated row: its index in the dataset, the prediction, and the poles of tone of the
/// classifier that made it.
#[derive(Clone, Debug)]
pub struct EvaluatedRow<'m> {
    /// Index into [`Dataset::rows`].
    pub row: usize,
    /// The model's prediction.
    pub prediction: Prediction<'m>,
    /// The poles of its classifier (`positive`/`negative` when it has none).
    pub tone_poles: TonePoles,
}

/// What [`evaluate_model`] found.
#[derive(Clone, Debug)]
pub struct ModelEvaluation<'m> {
    /// Accuracy, per-class metrics, confusion, log-loss and calibration error.
    pub evaluation: Evaluation,
    /// Every row with a label the model knows, in order.
    pub rows: Vec<EvaluatedRow<'m>>,
    /// Labels the model does not know (their rows are left out), by label.
    pub unknown_labels: Vec<UnknownLabelRows>,
}

/// Predicts every row of `data` with `model` (each row's target picks its classifier in a
/// per-target model) and measures the predictions against the labels. Rows with a label the
/// model does not know are an [`Error::UnknownLabels`], or with `skip_unknown_labels` left
/// out and listed.
pub fn evaluate_model<'m>(
    model: &'m Model,
    data: &Dataset,
    skip_unknown_labels: bool,
) -> Result<ModelEvaluation<'m>> {
    let classes = model.classes().to_vec();
    let (mut truth, mut predicted) = (Vec::new(), Vec::new());
    let mut probabilities = Vec::with_capacity(data.rows.len() * classes.len());
    let mut rows = Vec::with_capacity(data.rows.len());
    let mut unknown_labels: Vec<UnknownLabelRows> = Vec::new();
    for (index, row) in data.rows.iter().enumerate() {
        let label = row.label.as_deref().unwrap_or_default();
        let Some(t) = classes.iter().position(|c| c == label) else {
            match unknown_labels.iter_mut().find(|u| u.label == label) {
                Some(u) => u.rows += 1,
                None => unknown_labels.push(UnknownLabelRows {
                    label: label.to_string(),
                    rows: 1,
                    first_line: row.line,
                }),
            }
            continue;
        };
        let classifier = model
            .classifier_for(row.target.as_deref())
            .map_err(|e| Error::Csv {
                path: data.path.clone(),
                line: row.line,
                message: e.to_string(),
            })?;
        let prediction = classifier.predict(&row.text, 0);
        truth.push(t);
        predicted.push(
            classes
                .iter()
                .position(|c| *c == prediction.label)
                .unwrap_or(0),
        );
        probabilities.extend(classes.iter().map(|c| prediction.probability(c)));
        rows.push(EvaluatedRow {
            row: index,
            prediction,
            tone_poles: classifier.tone_poles().cloned().unwrap_or_default(),
        });
    }
    unknown_labels.sort_by(|a, b| a.label.cmp(&b.label));
    if !unknown_labels.is_empty() && !skip_unknown_labels {
        return Err(Error::UnknownLabels {
            path: data.path.clone(),
            labels: unknown_labels,
            known: classes,
        });
    }
    if truth.is_empty() {
        return Err(Error::Data(format!(
            "{}: no rows to evaluate",
            data.path.display()
        )));
    }
    let mut evaluation = evaluate(&classes, &truth, &predicted)?;
    evaluation.with_probabilities(&probabilities, &truth)?;
    Ok(ModelEvaluation {
        evaluation,
        rows,
        unknown_labels,
    })
}
