//! Trends: the tone of each speaker toward U.S.–Russia relations over time.
//!
//! A period's tone is the mean of its quotes' tones, or — with a [`Quantifier`] built from the
//! model's cross-validated rates — an estimate of its label shares ([`Estimate`]).
//!
//! Scored quotes ([`TrendQuote`], read from `tonetrack score` or `tonetrack predict` JSONL by
//! [`read_trend_quotes`], or made from a [`crate::score::ScoredQuote`] by `TrendQuote::from`)
//! are aggregated per canonical speaker and period by [`aggregate`] / [`aggregate_with`] into
//! [`Trends`], which render as a terminal table ([`table_string`]), CSV ([`csv_string`]), JSON
//! ([`json_string`]), a chart ([`render_chart`], [`chart_svg_string`]; y axis fitted to the
//! data or fixed at −1…+1, [`YScale`]) and a self-contained HTML report ([`html_report`],
//! [`write_html_report`]).
//!
//! ```
//! use tonetrack::trends::{aggregate, Period, TrendOptions, TrendQuote};
//! let quote = |speaker: &str, date: &str, tone: f64, label: &str| TrendQuote {
//!     speaker: Some(speaker.to_string()),
//!     date: date.parse().ok(),
//!     tone,
//!     label: label.to_string(),
//!     relevant: true,
//!     quote: "…".to_string(),
//!     article: "a.txt".to_string(),
//!     title: None,
//!     url: None,
//!     probabilities: Vec::new(),
//! };
//! let quotes = [
//!     quote("Sergey Lavrov", "2019-05-14", -1.0, "negative"),
//!     quote("Sergey Lavrov", "2019-06-01", 0.0, "neutral"),
//!     quote("Sergey Lavrov", "2020-12-29", 1.0, "positive"),
//! ];
//! let options = TrendOptions { period: Period::Year, ..TrendOptions::default() };
//! let trends = aggregate(&quotes, &options)?;
//! let lavrov = &trends.speakers[0];
//! assert_eq!(lavrov.periods[0].period, "2019");
//! assert_eq!(lavrov.periods[0].mean_tone, -0.5);
//! assert!(lavrov.periods[1].interval.is_none()); // a single quote
//! // Three quotes are too few for a trend (the default TrendRule wants 10 in 2 periods of 3).
//! assert_eq!(lavrov.slope_per_year, None);
//! assert_eq!(lavrov.trend_withheld.as_deref(), Some("3 dated quotes, 10 needed"));
//! # Ok::<(), tonetrack::Error>(())
//! ```

mod aggregate;
mod chart;
mod fidelity;
mod input;
mod quantify;
mod report;
mod table;

pub use aggregate::{
    aggregate, aggregate_with, bootstrap_interval, bootstrap_interval_of, fractional_year,
    slope_per_year, Direction, Interval, Period, PeriodKey, PeriodStats, QuoteCounts, SpeakerTrend,
    TrendOptions, TrendRule, Trends,
};
pub use chart::{
    chart_svg_string, charted_speakers, render_chart, speaker_color, svg_to_png, y_axis,
    ChartFormat, ChartOptions, YAxis, YScale, CHART_SIZE, MAX_CHART_SPEAKERS,
};
pub use fidelity::{
    model_trend_fidelity, pearson, trend_fidelity, FidelityCell, SpeakerDateColumns, TrendFidelity,
    DEFAULT_MIN_CELL_QUOTES,
};
pub use input::{parse_line, parse_trend_quotes, read_trend_quotes, TrendQuote};
pub use quantify::{simplex_least_squares, Estimate, Quantifier};
pub use report::{html_report, write_html_report};
pub use table::{
    csv_string, json_string, single_quote_periods, spark_char, sparkline, table_string,
    write_parquet, SPARK_BARS, SPARK_GAP,
};

/// Sets the options that depend on the model: its tone poles, and the quantifier of
/// `estimate` (`auto`, `pacc`, `acc` or `mean`; none for the mean). `auto` is PACC when the
/// model has cross-validated class rates and every quote has probabilities, else the mean.
pub fn fit_to_model(
    options: &mut TrendOptions,
    estimate: &str,
    model: &crate::model::Model,
    quotes: &[TrendQuote],
) -> crate::Result<()> {
    let classifier = model.classifier_for(None)?;
    options.quantifier = match estimate {
        "auto" => classifier
            .rates()
            .map(|_| Quantifier::new(Estimate::Pacc, classifier))
            .transpose()?
            .filter(|q| {
                quotes
                    .iter()
                    .all(|t| q.observation(&t.label, &t.probabilities).is_some())
            }),
        other => match other.parse::<Estimate>()? {
            Estimate::Mean => None,
            estimate => Some(Quantifier::new(estimate, classifier)?),
        },
    };
    if let Some(poles) = classifier.tone_poles() {
        options.tone_poles = poles.clone();
    }
    Ok(())
}
