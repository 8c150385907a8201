//! A fitted tone classifier: analyzer + TF-IDF vectorizer + logistic regression weights.
//!
//! It can only be made by training ([`crate::model::train`]) or by loading a model file, so an
//! unfitted classifier cannot predict.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::TfidfVectorizer;
use crate::model::logistic::LogisticModel;
use crate::text::{Analyzer, AnalyzerConfig};

/// How many terms a prediction lists by default.
pub const DEFAULT_TOP_TERMS: usize = 5;

/// A trained classifier for one task (one target, or all data).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "ClassifierParts", into = "ClassifierParts")]
pub struct Classifier {
    analyzer: Analyzer,
    vectorizer: TfidfVectorizer,
    classes: Vec<String>,
    model: LogisticModel,
}

/// What a model file stores of a classifier; checked when turned back into one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassifierParts {
    analyzer: AnalyzerConfig,
    classes: Vec<String>,
    vectorizer: TfidfVectorizer,
    model: LogisticModel,
}

impl From<Classifier> for ClassifierParts {
    fn from(c: Classifier) -> Self {
        ClassifierParts {
            analyzer: c.analyzer.config().clone(),
            classes: c.classes,
            vectorizer: c.vectorizer,
            model: c.model,
        }
    }
}

impl TryFrom<ClassifierParts> for Classifier {
    type Error = Error;

    fn try_from(parts: ClassifierParts) -> Result<Self> {
        let analyzer = Analyzer::new(parts.analyzer)?;
        Classifier::new(analyzer, parts.vectorizer, parts.classes, parts.model)
    }
}

/// A term's share in a prediction: its TF-IDF value times its weight for a class.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermContribution<'a> {
    /// The analyzed term (stemmed, possibly an n-gram).
    pub term: &'a str,
    /// value × weight; positive pushes toward the class.
    pub contribution: f64,
}

/// The label of one text, with every class's probability and the terms behind it. Class
/// names and terms are borrowed from the classifier: no string is copied per prediction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction<'a> {
    /// The most probable class.
    pub label: &'a str,
    /// `(class, probability)` for every class, in the model's class order.
    pub probabilities: Vec<(&'a str, f64)>,
    /// The terms that pushed toward `label` most, strongest first.
    pub top_terms: Vec<TermContribution<'a>>,
}

impl Prediction<'_> {
    /// Probability of a class by name (0 when the model has no such class).
    pub fn probability(&self, class: &str) -> f64 {
        self.probabilities
            .iter()
            .find(|(c, _)| *c == class)
            .map_or(0.0, |(_, p)| *p)
    }

    /// Tone in [−1, 1]: P(positive) − P(negative).
    pub fn tone(&self) -> f64 {
        self.probability("positive") - self.probability("negative")
    }
}

/// Per-term contributions to every class, for `explain`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation<'a> {
    /// The model's classes, the column order of `terms[i].contributions`.
    pub classes: Vec<String>,
    /// Intercept of each class.
    pub intercepts: Vec<f64>,
    /// Every known term of the text, by decreasing contribution to the predicted class.
    pub terms: Vec<TermExplanation>,
    /// The prediction itself.
    pub prediction: Prediction<'a>,
}

/// One term of an [`Explanation`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermExplanation {
    /// The analyzed term.
    pub term: String,
    /// Its TF-IDF value in the text.
    pub value: f64,
    /// value × weight for each class.
    pub contributions: Vec<f64>,
}

impl Classifier {
    /// Puts fitted parts together, checking that their shapes agree.
    pub fn new(
        analyzer: Analyzer,
        vectorizer: TfidfVectorizer,
        classes: Vec<String>,
        model: LogisticModel,
    ) -> Result<Self> {
        vectorizer.validate()?;
        model.validate()?;
        let problem = if classes.len() < 2 {
            Some(format!(
                "{} class(es); at least 2 are needed",
                classes.len()
            ))
        } else if model.n_classes() != classes.len() {
            Some(format!(
                "{} classes but weights for {}",
                classes.len(),
                model.n_classes()
            ))
        } else if model.n_features() != vectorizer.n_features() {
            Some(format!(
                "{} vocabulary terms but weights for {} features",
                vectorizer.n_features(),
                model.n_features()
            ))
        } else {
            None
        };
        match problem {
            Some(p) => Err(Error::Data(format!("inconsistent classifier: {p}"))),
            None => Ok(Classifier {
                analyzer,
                vectorizer,
                classes,
                model,
            }),
        }
    }

    /// Class names, in the order of probabilities.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The analyzer.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The vectorizer.
    pub fn vectorizer(&self) -> &TfidfVectorizer {
        &self.vectorizer
    }

    /// The logistic regression weights.
    pub fn model(&self) -> &LogisticModel {
        &self.model
    }

    /// Sparse TF-IDF row of a text: (column, value) pairs.
    fn features(&self, text: &str) -> (Vec<usize>, Vec<f64>) {
        let row = self.vectorizer.transform_text(&self.analyzer, text);
        (row.indices, row.values)
    }

    /// Label, probabilities and the `top_terms` strongest terms of one text.
    pub fn predict(&self, text: &str, top_terms: usize) -> Prediction<'_> {
        let (cols, values) = self.features(text);
        self.prediction_from_features(&cols, &values, top_terms)
    }

    fn prediction_from_features(
        &self,
        cols: &[usize],
        values: &[f64],
        top_terms: usize,
    ) -> Prediction<'_> {
        let probabilities = self.model.probabilities_row(cols, values);
        let best = argmax(&probabilities);
        Prediction {
            label: &self.classes[best],
            probabilities: self
                .classes
                .iter()
                .map(String::as_str)
                .zip(probabilities)
                .collect(),
            top_terms: self.strongest_terms(cols, values, best, top_terms),
        }
    }

    /// The `n` terms of a row with the largest positive contributions to `class`, strongest
    /// first; equal contributions in term order.
    fn strongest_terms(
        &self,
        cols: &[usize],
        values: &[f64],
        class: usize,
        n: usize,
    ) -> Vec<TermContribution<'_>> {
        // A row has dozens of terms and callers keep a handful: a short sorted list of
        // (contribution, column) pairs, no sort of the whole row.
        let mut top: Vec<(f64, usize)> = Vec::with_capacity(if n == 0 { 0 } else { n + 1 });
        for (&col, &value) in cols.iter().zip(values) {
            let contribution = value * self.model.weight(col, class).unwrap_or(0.0);
            if n == 0 || contribution.is_nan() || contribution <= 0.0 {
                continue;
            }
            // Columns come in increasing order, which is term order (the vocabulary is
            // sorted): an equal contribution seen earlier stays ahead.
            let at = top.partition_point(|&(c, _)| c >= contribution);
            if at < n {
                top.insert(at, (contribution, col));
                top.truncate(n);
            }
        }
        top.into_iter()
            .map(|(contribution, col)| TermContribution {
                term: self.vectorizer.term(col),
                contribution,
            })
            .collect()
    }

    /// Contribution of each term of the text to each class.
    pub fn explain(&self, text: &str) -> Explanation<'_> {
        let (cols, values) = self.features(text);
        let prediction = self.prediction_from_features(&cols, &values, DEFAULT_TOP_TERMS);
        let best = self
            .classes
            .iter()
            .position(|c| *c == prediction.label)
            .unwrap_or(0);
        let mut terms: Vec<TermExplanation> = cols
            .iter()
            .zip(&values)
            .map(|(&col, &value)| TermExplanation {
                term: self.vectorizer.term(col).to_string(),
                value,
                contributions: (0..self.classes.len())
                    .map(|k| value * self.model.weight(col, k).unwrap_or(0.0))
                    .collect(),
            })
            .collect();
        terms.sort_by(|a, b| {
            b.contributions[best]
                .total_cmp(&a.contributions[best])
                .then_with(|| a.term.cmp(&b.term))
        });
        Explanation {
            classes: self.classes.clone(),
            intercepts: self.model.intercepts().to_vec(),
            terms,
            prediction,
        }
    }
}

/// Index of the largest value; ties go to the lowest index.
pub(crate) fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    /// The short sorted list keeps what sorting every positive contribution (strongest
    /// first, then by term) and taking the first `n` gives.
    #[test]
    fn strongest_terms_are_the_head_of_the_full_ranking() {
        let model = crate::score::default_model().expect("built-in model");
        let classifier = model.classifier_for(None).expect("one classifier");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes.csv");
        let mut reader = csv::Reader::from_path(path).expect("data/quotes.csv");
        for record in reader.records().take(200) {
            let text = record.expect("record")[1].to_string();
            let (cols, values) = classifier.features(&text);
            for class in 0..classifier.classes().len() {
                let mut ranked: Vec<(f64, &str)> = cols
                    .iter()
                    .zip(&values)
                    .map(|(&col, &value)| {
                        let weight = classifier.model.weight(col, class).unwrap_or(0.0);
                        (value * weight, classifier.vectorizer.term(col))
                    })
                    .filter(|(contribution, _)| *contribution > 0.0)
                    .collect();
                ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
                for n in [0, 1, 3, 5, 1000] {
                    let got: Vec<(f64, &str)> = classifier
                        .strongest_terms(&cols, &values, class, n)
                        .iter()
                        .map(|t| (t.contribution, t.term))
                        .collect();
                    assert_eq!(got, ranked[..n.min(ranked.len())], "{text:?}, n = {n}");
                }
            }
        }
    }
}
