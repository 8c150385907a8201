//! Trend fidelity: how well the trends drawn from a model's predictions follow the trends of
//! the labels, on labeled data.
//!
//! A trend chart's reader compares cells — a speaker in a period — with each other. So the
//! measure is over cells: the predicted tone of each speaker × period cell with enough quotes
//! (by the estimate the trends use) against its labeled tone (the mean of positive = 1,
//! neutral = 0, negative = −1), with the Pearson correlation (do the cells rank and move
//! together), the mean absolute error (are they at the right height) and the least-squares
//! slope of predicted on labeled tone (1 when the predicted trends move as much as the labeled
//! ones; a compressed model gives a slope well below 1).

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::aggregate::{aggregate, Period, TrendOptions, Trends};
use super::input::TrendQuote;
use super::quantify::{Estimate, Quantifier};
use crate::data::{Dataset, Row};
use crate::model::evaluate::{EvaluatedRow, ModelEvaluation};
use crate::model::file::Model;
use crate::{Error, Result};

/// Cells with fewer labeled quotes are left out by default: below three, one quote decides a
/// cell's labeled tone.
pub const DEFAULT_MIN_CELL_QUOTES: usize = 3;

/// One speaker × period cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FidelityCell {
    /// The speaker.
    pub speaker: String,
    /// The period.
    pub period: String,
    /// Quotes in the cell.
    pub n: usize,
    /// Mean labeled tone (positive 1, neutral 0, negative −1).
    pub labeled: f64,
    /// Tone by the estimate, from the predictions.
    pub predicted: f64,
}

/// Agreement of predicted and labeled cell tones.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendFidelity {
    /// The estimate the predicted tones were computed by (`mean`, `acc`, `pacc`).
    pub estimate: String,
    /// Cells compared (with at least `min_quotes` quotes).
    pub cells: usize,
    /// The fewest quotes a cell needs.
    pub min_quotes: usize,
    /// Pearson correlation of predicted with labeled cell tones (NaN with < 2 cells or no
    /// spread).
    pub pearson_r: f64,
    /// Mean |predicted − labeled|.
    pub mae: f64,
    /// Mean predicted − labeled: how far the predicted cells sit above (+) or below (−) the
    /// labeled ones on average.
    pub bias: f64,
    /// Least-squares slope of predicted on labeled tone, and its intercept.
    pub slope: f64,
    /// Intercept of the least-squares line.
    pub intercept: f64,
    /// Standard deviation of the labeled and of the predicted cell tones.
    pub labeled_sd: f64,
    /// Standard deviation of the predicted cell tones.
    pub predicted_sd: f64,
    /// The cells, by speaker then period.
    pub detail: Vec<FidelityCell>,
}

/// Compares the cells of `predicted` quotes (model labels, probabilities and tones) with those
/// of `labeled` quotes (the same quotes with their gold tone as ±1/0 and gold label), both
/// relevant and attributed as the trends use them. Cells are speaker × `period` with at least
/// `min_quotes` quotes; the predicted tone of a cell is estimated by `quantifier` (the mean
/// without one).
pub fn trend_fidelity(
    predicted: &[TrendQuote],
    labeled: &[TrendQuote],
    period: Period,
    min_quotes: usize,
    quantifier: Option<Quantifier>,
) -> Result<TrendFidelity> {
    let options = TrendOptions {
        period,
        // Intervals are not used here: the fewest resamples the aggregation accepts.
        resamples: 100,
        ..TrendOptions::default()
    };
    let estimate = quantifier
        .as_ref()
        .map_or("mean", |q| q.estimate().as_str())
        .to_string();
    let gold = aggregate(labeled, &options)?;
    let model = aggregate(
        predicted,
        &TrendOptions {
            quantifier,
            ..options
        },
    )?;
    let mut detail = Vec::new();
    for (speaker, period, n, labeled_tone) in cells(&gold) {
        if n < min_quotes {
            continue;
        }
        let predicted_tone = cells(&model)
            .find(|(s, p, _, _)| *s == speaker && *p == period)
            .map(|(_, _, _, tone)| tone);
        if let Some(predicted_tone) = predicted_tone {
            detail.push(FidelityCell {
                speaker: speaker.to_string(),
                period: period.to_string(),
                n,
                labeled: labeled_tone,
                predicted: predicted_tone,
            });
        }
    }
    let xs: Vec<f64> = detail.iter().map(|c| c.labeled).collect();
    let ys: Vec<f64> = detail.iter().map(|c| c.predicted).collect();
    let (slope, intercept) = least_squares(&xs, &ys);
    Ok(TrendFidelity {
        estimate,
        cells: detail.len(),
        min_quotes,
        pearson_r: pearson(&xs, &ys),
        mae: xs.iter().zip(&ys).map(|(x, y)| (x - y).abs()).sum::<f64>()
            / detail.len().max(1) as f64,
        bias: xs.iter().zip(&ys).map(|(x, y)| y - x).sum::<f64>() / detail.len().max(1) as f64,
        slope,
        intercept,
        labeled_sd: sd(&xs),
        predicted_sd: sd(&ys),
        detail,
    })
}

/// The columns of a labeled CSV that say who spoke and when, for trend fidelity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpeakerDateColumns {
    /// Index of the speaker column among the CSV's fields.
    pub speaker: usize,
    /// Index of the date column (`yyyy-mm-dd`, a longer timestamp cut to its date).
    pub date: usize,
}

impl SpeakerDateColumns {
    /// Finds the columns named `speaker` and `date` among `data`'s headers (`path` names the
    /// file in the error).
    pub fn find(data: &Dataset, path: &Path, speaker: &str, date: &str) -> Result<Self> {
        let find = |name: &str| {
            data.headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| Error::MissingColumn {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                    columns: data.headers.clone(),
                })
        };
        Ok(SpeakerDateColumns {
            speaker: find(speaker)?,
            date: find(date)?,
        })
    }
}

/// Trend fidelity of a model on a labeled dataset it was evaluated on ([`evaluate_model`](crate::model::evaluate::evaluate_model)),
/// for every estimate the model can give: the mean of the tones, then ACC and PACC when the
/// model has cross-validated class rates. `data` must keep its rows' fields
/// ([`Columns::keep_fields`](crate::data::Columns)); `path` names the file in errors.
pub fn model_trend_fidelity(
    model: &Model,
    data: &Dataset,
    path: &Path,
    evaluated: &ModelEvaluation,
    columns: SpeakerDateColumns,
    period: Period,
    min_quotes: usize,
) -> Result<Vec<TrendFidelity>> {
    let (mut predicted, mut labeled) = (Vec::new(), Vec::new());
    for scored in &evaluated.rows {
        let row = &data.rows[scored.row];
        let (model_quote, gold_quote) =
            trend_pair(row, columns, scored).map_err(|message| Error::Csv {
                path: path.to_path_buf(),
                line: row.line,
                message,
            })?;
        predicted.push(model_quote);
        labeled.push(gold_quote);
    }
    let classifier = model.classifier_for(None)?;
    let mut estimates = vec![None];
    if classifier.rates().is_some() {
        estimates.push(Some(Quantifier::new(Estimate::Acc, classifier)?));
        estimates.push(Some(Quantifier::new(Estimate::Pacc, classifier)?));
    }
    estimates
        .into_iter()
        .map(|q| trend_fidelity(&predicted, &labeled, period, min_quotes, q))
        .collect()
}

/// The same row as the trends see it twice: with the model's prediction, and with its gold
/// label as tone (the classifier's positive pole 1, negative −1, any other class 0).
fn trend_pair(
    row: &Row,
    columns: SpeakerDateColumns,
    scored: &EvaluatedRow,
) -> std::result::Result<(TrendQuote, TrendQuote), String> {
    let field = |i: usize| row.fields.get(i).map(|f| f.trim()).unwrap_or_default();
    let date = match field(columns.date) {
        "" => None,
        text => Some(
            NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d")
                .map_err(|_| format!("date {text:?} is not yyyy-mm-dd"))?,
        ),
    };
    let p = &scored.prediction;
    let model_quote = TrendQuote {
        speaker: Some(field(columns.speaker).to_string()).filter(|s| !s.is_empty()),
        date,
        tone: p.tone(),
        label: p.label.to_string(),
        relevant: true,
        quote: row.text.clone(),
        article: String::new(),
        title: None,
        url: None,
        probabilities: p
            .probabilities
            .iter()
            .map(|(c, v)| (c.to_string(), *v))
            .collect(),
    };
    let gold = row.label.as_deref().unwrap_or_default();
    let gold_quote = TrendQuote {
        tone: scored.tone_poles.tone_of(gold),
        label: gold.to_string(),
        probabilities: Vec::new(),
        ..model_quote.clone()
    };
    Ok((model_quote, gold_quote))
}

/// (speaker, period, n, tone) of every cell of `trends`.
fn cells(trends: &Trends) -> impl Iterator<Item = (&str, &str, usize, f64)> {
    trends.speakers.iter().flat_map(|s| {
        s.periods
            .iter()
            .map(move |p| (s.speaker.as_str(), p.period.as_str(), p.n, p.tone))
    })
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Population standard deviation.
fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len().max(1) as f64).sqrt()
}

/// Pearson's r.
pub fn pearson(xs: &[f64], ys: &[f64]) -> f64 {
    let (mx, my) = (mean(xs), mean(ys));
    let cov: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// Slope and intercept of the least-squares line of `ys` on `xs`.
fn least_squares(xs: &[f64], ys: &[f64]) -> (f64, f64) {
    let (mx, my) = (mean(xs), mean(ys));
    let cov: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let slope = cov / vx;
    (slope, my - slope * mx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(speaker: &str, date: &str, tone: f64) -> TrendQuote {
        TrendQuote {
            speaker: Some(speaker.into()),
            date: date.parse().ok(),
            tone,
            label: match tone {
                t if t > 0.3 => "positive",
                t if t < -0.3 => "negative",
                _ => "neutral",
            }
            .into(),
            relevant: true,
            quote: "…".into(),
            article: "a".into(),
            title: None,
            url: None,
            probabilities: Vec::new(),
        }
    }

    #[test]
    fn statistics_match_hand_computed_values() {
        let xs = [-1.0, 0.0, 1.0, 0.5];
        let ys = [-0.5, 0.0, 0.5, 0.25];
        assert!((pearson(&xs, &ys) - 1.0).abs() < 1e-12);
        let (slope, intercept) = least_squares(&xs, &ys);
        assert!((slope - 0.5).abs() < 1e-12 && intercept.abs() < 1e-12);
        assert!((pearson(&xs, &[0.5, 0.0, -0.5, -0.25]) + 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_compressed_model_shows_in_slope_and_mae_not_in_r() {
        // Gold: Lavrov all negative in 2018 and all positive in 2019, Pompeo neutral in
        // 2019; the model gives the same direction at a third of the size.
        let mut gold = Vec::new();
        let mut model = Vec::new();
        for (speaker, date, tone) in [
            ("Lavrov", "2018-03-01", -1.0),
            ("Lavrov", "2019-03-01", 1.0),
            ("Pompeo", "2019-05-01", 0.0),
        ] {
            for _ in 0..3 {
                gold.push(quote(speaker, date, tone));
                model.push(quote(speaker, date, tone / 3.0));
            }
        }
        // A cell of two quotes is left out at the default minimum.
        gold.push(quote("Kerry", "2014-01-01", 1.0));
        gold.push(quote("Kerry", "2014-02-01", 1.0));
        model.push(quote("Kerry", "2014-01-01", 0.1));
        model.push(quote("Kerry", "2014-02-01", 0.1));
        let f = trend_fidelity(&model, &gold, Period::Year, 3, None).unwrap();
        assert_eq!(f.cells, 3);
        assert!((f.pearson_r - 1.0).abs() < 1e-9, "{f:?}");
        assert!((f.slope - 1.0 / 3.0).abs() < 1e-9, "{f:?}");
        assert!(
            (f.mae - (2.0 / 3.0 + 2.0 / 3.0 + 0.0) / 3.0).abs() < 1e-9,
            "{f:?}"
        );
        // Compressed symmetrically: no bias. Shifted up by 0.1: a bias of +0.1.
        assert!(f.bias.abs() < 1e-9, "{f:?}");
        for q in &mut model {
            q.tone += 0.1;
        }
        let shifted = trend_fidelity(&model, &gold, Period::Year, 3, None).unwrap();
        assert!((shifted.bias - 0.1).abs() < 1e-9, "{shifted:?}");
    }
}
