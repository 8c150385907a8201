//! Scoring articles: every quotation the reader finds, with its tone.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::article::{read_input, Article, Input, Loaded, PageMeta, Reader};
use crate::error::{Error, Result};
use crate::model::classifier::{Classifier, Prediction, DEFAULT_TOP_TERMS};
use crate::model::Model;

/// One scored quotation: where it is, who said it and when, and its tone toward U.S.–Russia
/// relations. This is one line of `tonetrack score --format jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoredQuote {
    /// The article's path or name.
    pub article: String,
    /// The article's title, when found.
    pub title: Option<String>,
    /// Where the article is published (its `url:` header line), when known. Absent in files
    /// written before this field existed.
    #[serde(default)]
    pub url: Option<String>,
    /// The article's date, when known.
    pub date: Option<NaiveDate>,
    /// Where the date came from: `dateline`, `header`, `manifest`, `banner` (low confidence)
    /// or `none`.
    pub date_source: String,
    /// Canonical speaker name, when attributed (an unnamed source's phrase + ` (unnamed)`).
    pub speaker: Option<String>,
    /// `person`, `organisation`, `unnamed` or `none`.
    #[serde(default)]
    pub speaker_kind: String,
    /// How the text attributes the quote: `name`, `pronoun`, `description`, `colon`,
    /// `according_to` or `none`.
    #[serde(default)]
    pub attribution: String,
    /// The quoted words.
    pub quote: String,
    /// Byte offsets of the quotation in the article text.
    pub start: usize,
    /// Byte offset of the quotation's end.
    pub end: usize,
    /// Paragraph index (0-based) where the quotation starts.
    pub paragraph: usize,
    /// Fewer than 4 words.
    pub partial: bool,
    /// Concerns the U.S. and Russia, their leaders or their dealings.
    pub relevant: bool,
    /// The words that attributed the quotation (e.g. "Lavrov said").
    pub cue: Option<String>,
    /// Most probable tone class.
    pub label: String,
    /// Probability of every class.
    pub probabilities: BTreeMap<String, f64>,
    /// P(positive) − P(negative), in [−1, 1].
    pub tone: f64,
    /// The terms that pushed the label most.
    pub top_terms: Vec<String>,
}

/// The built-in default model (`models/default.json`, trained by the command in
/// `data/README.md`), embedded in the binary so that `score` works with no `--model`.
pub const DEFAULT_MODEL_BYTES: &[u8] = include_bytes!("../models/default.json");

/// Loads the built-in default model.
pub fn default_model() -> Result<Model> {
    Model::from_bytes(
        DEFAULT_MODEL_BYTES,
        std::path::Path::new("<built-in models/default.json>"),
    )
}

/// The name that stands for the built-in model wherever a model file is asked for.
pub const DEFAULT_MODEL_NAME: &str = "default";

/// Loads the model file at `path`; no path, or [`DEFAULT_MODEL_NAME`], is the built-in model
/// (`./default` names a file of that name).
pub fn load_model(path: Option<&std::path::Path>) -> Result<Model> {
    match path {
        Some(p) if p != std::path::Path::new(DEFAULT_MODEL_NAME) => Model::load(p),
        _ => default_model(),
    }
}

/// Reads articles and scores their quotations with one classifier.
pub struct Scorer<'a> {
    reader: &'a Reader,
    classifier: &'a Classifier,
    top_terms: usize,
}

impl<'a> Scorer<'a> {
    /// A scorer with a model that has a single classifier (per-target models route by a
    /// target that articles do not have).
    pub fn new(reader: &'a Reader, model: &'a Model) -> Result<Self> {
        let classifier = model.classifier_for(None)?;
        if classifier.tone_poles().is_none() {
            return Err(Error::NoTonePoles {
                classes: classifier.classes().to_vec(),
            });
        }
        Ok(Scorer {
            reader,
            classifier,
            top_terms: DEFAULT_TOP_TERMS,
        })
    }

    /// How many top terms each quote lists.
    pub fn with_top_terms(mut self, n: usize) -> Self {
        self.top_terms = n;
        self
    }

    /// Every quotation of an article, scored.
    pub fn score_article(&self, article: &Article) -> Vec<ScoredQuote> {
        article
            .records()
            .into_iter()
            .map(|r| {
                let p = self.classifier.predict(&r.quote, self.top_terms);
                ScoredQuote {
                    article: r.article,
                    title: Some(r.title).filter(|t| !t.is_empty()),
                    url: article.url.clone(),
                    date: article.date,
                    date_source: article.date_source.as_str().to_string(),
                    speaker: r.speaker,
                    speaker_kind: r.speaker_kind.as_str().to_string(),
                    attribution: r.attribution.as_str().to_string(),
                    tone: p.tone(),
                    label: p.label.to_string(),
                    probabilities: p
                        .probabilities
                        .iter()
                        .map(|&(class, prob)| (class.to_string(), prob))
                        .collect(),
                    top_terms: p.top_terms.iter().map(|t| t.term.to_string()).collect(),
                    quote: r.quote,
                    start: r.start,
                    end: r.end,
                    paragraph: r.paragraph,
                    partial: r.partial,
                    relevant: r.relevant,
                    cue: r.cue,
                }
            })
            .collect()
    }

    /// Reads and scores one text.
    pub fn score_text(&self, name: &str, text: &str) -> (Article, Vec<ScoredQuote>) {
        self.score_page(name, text, &PageMeta::default(), true)
    }

    /// Reads one text with what its format said (an HTML page's title and date) and scores
    /// its quotations; an article not in English is read but not scored unless `any_language`
    /// (the model is English).
    pub fn score_page(
        &self,
        name: &str,
        text: &str,
        meta: &PageMeta,
        any_language: bool,
    ) -> (Article, Vec<ScoredQuote>) {
        let article = self.reader.read_page(name, text, meta);
        if !any_language && !article.language.is_english() {
            return (article, Vec::new());
        }
        let scored = self.score_article(&article);
        (article, scored)
    }
}

/// What became of one input.
#[derive(Debug)]
pub enum InputOutcome<T> {
    /// Read (with a warning when invalid UTF-8 was replaced) and processed.
    Done {
        /// What `work` made of it.
        value: T,
        /// Set when invalid UTF-8 was replaced.
        warning: Option<String>,
    },
    /// Not an article (binary), skipped with the reason.
    Skipped {
        /// The input's name.
        name: String,
        /// Why it was not read.
        reason: String,
    },
    /// Could not be read.
    Failed(Error),
}

/// How many inputs are read and processed together: enough to keep every core busy, few
/// enough that memory does not grow with the number of inputs.
pub const CHUNK: usize = 64;

/// Reads each input and applies `work` to its text, in parallel, handing the outcomes to
/// `sink` in input order. Inputs are processed in chunks of [`CHUNK`], so memory stays
/// bounded however many inputs there are. `sink` may stop the run by returning an error of
/// its own type, which is returned as it is (an input that cannot be read is not an error of
/// the run: it reaches `sink` as [`InputOutcome::Failed`]).
pub fn stream_inputs<T: Send, E>(
    inputs: &[Input],
    work: impl Fn(&str, &str, &PageMeta) -> T + Sync,
    mut sink: impl FnMut(InputOutcome<T>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    for chunk in inputs.chunks(CHUNK) {
        let outcomes: Vec<InputOutcome<T>> = chunk
            .par_iter()
            .map(|input| match read_input(input) {
                Ok(Loaded::Text {
                    name,
                    text,
                    warning,
                    meta,
                }) => InputOutcome::Done {
                    value: work(&name, &text, &meta),
                    warning,
                },
                Ok(Loaded::Skipped { name, reason }) => InputOutcome::Skipped { name, reason },
                Err(e) => InputOutcome::Failed(e),
            })
            .collect();
        for outcome in outcomes {
            sink(outcome)?;
        }
    }
    Ok(())
}

/// Predictions of a batch of texts, in parallel over the texts (rayon). Each prediction
/// depends only on its text and `collect` keeps the input order, so the result equals
/// `texts.iter().map(|t| classifier.predict(t, top_terms))` (checked by a test).
pub fn predict_batch<'c, S: AsRef<str> + Sync>(
    classifier: &'c Classifier,
    texts: &[S],
    top_terms: usize,
) -> Vec<Prediction<'c>> {
    texts
        .par_iter()
        .map(|t| classifier.predict(t.as_ref(), top_terms))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rayon path gives exactly the serial predictions, in order, on the quotes of
    /// `data/quotes.csv` and their halves (more texts than workers, varied lengths).
    #[test]
    fn parallel_batch_equals_serial_predictions() {
        let model = default_model().expect("built-in model");
        let classifier = model.classifier_for(None).expect("one classifier");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes.csv");
        let mut reader = csv::Reader::from_path(path).expect("data/quotes.csv");
        let mut texts: Vec<String> = Vec::new();
        for record in reader.records() {
            let text = record.expect("record")[1].to_string();
            let half = text.len() / 2;
            let cut = (half..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            texts.push(text[..cut].to_string());
            texts.push(text);
        }
        assert!(texts.len() > 500, "only {} texts", texts.len());
        let serial: Vec<Prediction> = texts.iter().map(|t| classifier.predict(t, 5)).collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool");
        let parallel = pool.install(|| predict_batch(classifier, &texts, 5));
        assert_eq!(parallel, serial);
    }
}
