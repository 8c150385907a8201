//! Trends of a table of scored quotations, as `tonetrack trends` computes them.

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::{PyArray, PyRecordBatch};
use tonetrack::article::{Attribution, DateSource, QuoteRecord, SpeakerAliases, SpeakerKind};
use tonetrack::model::classifier::Classifier;
use tonetrack::score::ScoredQuote;
use tonetrack::trends::{
    aggregate_with, json_string, Estimate, Period, Quantifier, TrendOptions, TrendQuote,
};

use crate::columns::{optional_dates, BatchBuilder, Strings};
use crate::{py_err, PyModel};

/// A column of the scored batch by name; `required` ones raise a `KeyError` naming the
/// columns there are.
fn column<'b>(batch: &'b RecordBatch, name: &str) -> Option<&'b arrow_array::ArrayRef> {
    batch.column_by_name(name)
}

fn missing(batch: &RecordBatch, name: &str) -> PyErr {
    let names: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    PyKeyError::new_err(format!(
        "no column named `{name}`; the columns are: {}",
        names.join(", ")
    ))
}

fn strings<'b>(batch: &'b RecordBatch, name: &str) -> PyResult<Option<Strings<'b>>> {
    column(batch, name)
        .map(|a| Strings::of(a, name))
        .transpose()
}

fn floats(batch: &RecordBatch, name: &str) -> PyResult<Vec<Option<f64>>> {
    let array = column(batch, name).ok_or_else(|| missing(batch, name))?;
    let Some(values) = array.as_primitive_opt::<Float64Type>() else {
        return Err(PyValueError::new_err(format!(
            "column `{name}`: expected numbers (float64), got Arrow type {}",
            array.data_type()
        )));
    };
    Ok((0..values.len())
        .map(|i| values.is_valid(i).then(|| values.value(i)))
        .collect())
}

/// The scored quotations of `batch` (the columns of `tonetrack.score`; `speaker`, `date`,
/// `label` and `tone` required), as the trends stage reads them: through
/// [`TrendQuote::from`], as the command line does with the quotations it scores.
fn trend_quotes(batch: &RecordBatch, classes: &[String]) -> PyResult<Vec<TrendQuote>> {
    let n = batch.num_rows();
    let speaker = strings(batch, "speaker")?.ok_or_else(|| missing(batch, "speaker"))?;
    let label = strings(batch, "label")?.ok_or_else(|| missing(batch, "label"))?;
    let date_array = column(batch, "date").ok_or_else(|| missing(batch, "date"))?;
    let date = optional_dates(
        Some(&PyArray::from_array_ref(date_array.clone())),
        "date",
        n,
    )?
    .expect("given");
    let tone = floats(batch, "tone")?;
    let text = |name: &str| strings(batch, name);
    let (kind, source, quote, article, title, url) = (
        text("speaker_kind")?,
        text("date_source")?,
        text("quote")?,
        text("article")?,
        text("title")?,
        text("url")?,
    );
    let relevant = match column(batch, "relevant") {
        None => None,
        Some(a) if a.data_type() == &DataType::Boolean => Some(a.as_boolean()),
        Some(a) => {
            return Err(PyValueError::new_err(format!(
                "column `relevant`: expected booleans, got Arrow type {}",
                a.data_type()
            )))
        }
    };
    let mut probabilities: Vec<(String, Vec<Option<f64>>)> = Vec::new();
    for class in classes {
        let name = format!("p_{class}");
        if column(batch, &name).is_some() {
            probabilities.push((class.clone(), floats(batch, &name)?));
        }
    }
    let owned =
        |s: &Option<Strings>, i: usize| s.as_ref().and_then(|s| s.get(i)).map(str::to_string);
    (0..n)
        .map(|i| {
            let tone = tone[i].ok_or_else(|| {
                PyValueError::new_err(format!("column `tone`: row {i} has no tone"))
            })?;
            let record = QuoteRecord {
                article: owned(&article, i).unwrap_or_default(),
                title: owned(&title, i),
                url: owned(&url, i),
                date: date[i],
                date_source: source
                    .as_ref()
                    .and_then(|s| s.get(i))
                    .and_then(DateSource::from_name)
                    .unwrap_or_default(),
                speaker: speaker.get(i).map(str::to_string),
                // A table without the column (or with another name in it) names its speakers,
                // as the trends stage's JSONL reader takes it.
                speaker_kind: owned(&kind, i)
                    .and_then(|k| SpeakerKind::from_name(&k))
                    .unwrap_or(SpeakerKind::Person),
                attribution: Attribution::None,
                quote: owned(&quote, i).unwrap_or_default(),
                start: 0,
                end: 0,
                paragraph: 0,
                partial: false,
                relevant: relevant.is_none_or(|r| r.is_null(i) || r.value(i)),
                cue: None,
            };
            let scored = ScoredQuote {
                record,
                label: label.get(i).unwrap_or("").to_string(),
                probabilities: probabilities
                    .iter()
                    .filter_map(|(c, p)| p[i].map(|p| (c.clone(), p)))
                    .collect::<BTreeMap<_, _>>(),
                tone,
                top_terms: Vec::new(),
                columns: Default::default(),
            };
            Ok(TrendQuote::from(&scored))
        })
        .collect()
}

/// The estimate of `--estimate` (none for the mean), as the command line chooses it: `auto`
/// is PACC when the model has cross-validated rates and every quotation has probabilities.
fn quantifier(
    estimate: &str,
    classifier: &Classifier,
    quotes: &[TrendQuote],
) -> PyResult<Option<Quantifier>> {
    let estimate = match estimate {
        "auto" => {
            let quantifier = classifier
                .rates()
                .map(|_| Quantifier::new(Estimate::Pacc, classifier))
                .transpose()
                .map_err(py_err)?;
            return Ok(quantifier.filter(|q| {
                quotes
                    .iter()
                    .all(|t| q.observation(&t.label, &t.probabilities).is_some())
            }));
        }
        other => other.parse::<Estimate>().map_err(py_err)?,
    };
    if estimate == Estimate::Mean {
        return Ok(None);
    }
    Quantifier::new(estimate, classifier)
        .map(Some)
        .map_err(py_err)
}

/// Per speaker × period statistics of a batch of scored quotations (the rows of
/// `tonetrack trends --format csv`, unrounded), and the whole result as the JSON of
/// `--format json`.
#[pyfunction]
#[pyo3(signature = (model, scored, period = "year", estimate = "auto", min_words = 1, min_quotes = 1, keep_duplicates = false, speakers = Vec::new()))]
#[allow(clippy::too_many_arguments)]
pub fn trend_rows(
    py: Python<'_>,
    model: &PyModel,
    scored: PyRecordBatch,
    period: &str,
    estimate: &str,
    min_words: usize,
    min_quotes: usize,
    keep_duplicates: bool,
    speakers: Vec<String>,
) -> PyResult<(PyRecordBatch, String)> {
    let classifier = model.classifier()?;
    let scored = scored.into_inner();
    let period = period.parse::<Period>().map_err(py_err)?;
    let quotes = trend_quotes(&scored, model.model.classes())?;
    let mut options = TrendOptions {
        period,
        speakers,
        min_quotes,
        min_words,
        keep_duplicates,
        ..TrendOptions::default()
    };
    options.quantifier = quantifier(estimate, classifier, &quotes)?;
    if let Some(poles) = classifier.tone_poles() {
        options.tone_poles = poles.clone();
    }
    let (batch, json) = py.detach(|| -> PyResult<_> {
        let aliases = SpeakerAliases::builtin();
        let canonical = |name: &str| {
            aliases
                .canonical(name)
                .map_or_else(|| name.to_string(), str::to_string)
        };
        let result = aggregate_with(&quotes, &options, &canonical).map_err(py_err)?;
        let rows: Vec<(&str, &tonetrack::trends::PeriodStats)> = result
            .speakers
            .iter()
            .flat_map(|s| s.periods.iter().map(move |p| (s.speaker.as_str(), p)))
            .collect();
        let r = || rows.iter();
        let mut b = BatchBuilder::default();
        b.strings("speaker", r().map(|(s, _)| Some(*s)))
            .strings("period", r().map(|(_, p)| Some(p.period.as_str())))
            .dates("start", r().map(|(_, p)| Some(p.start)))
            .dates("end", r().map(|(_, p)| Some(p.end)))
            .ints("n", r().map(|(_, p)| p.n))
            .floats("tone", r().map(|(_, p)| Some(p.tone)))
            .floats("mean_tone", r().map(|(_, p)| Some(p.mean_tone)))
            .floats("ci_low", r().map(|(_, p)| p.interval.map(|i| i.low)))
            .floats("ci_high", r().map(|(_, p)| p.interval.map(|i| i.high)))
            .bools("single_quote", r().map(|(_, p)| p.n == 1))
            .floats("share_positive", r().map(|(_, p)| Some(p.share_positive)))
            .floats("share_neutral", r().map(|(_, p)| Some(p.share_neutral)))
            .floats("share_negative", r().map(|(_, p)| Some(p.share_negative)));
        let batch = b.finish(rows.len())?;
        Ok((batch, json_string(&result).map_err(py_err)?))
    })?;
    Ok((PyRecordBatch::new(batch), json))
}
