//! Text outputs of [`Trends`]: a terminal table with sparklines, CSV and JSON.

use crate::text_table::{
    Align::{Left, Right},
    Table,
};
use serde::Serialize;

use super::aggregate::{Direction, PeriodKey, SpeakerTrend, Trends};
use super::quantify::Estimate;
use crate::table::parquet::ColumnType;
use crate::{Error, Result};

/// Sparkline bars from tone −1 (▁) to +1 (█), eight equal bins on a fixed scale so that
/// sparklines of different speakers compare.
pub const SPARK_BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A period without quotes in a sparkline.
pub const SPARK_GAP: char = '·';

/// The bar for a mean tone in [−1, 1]: bin ⌊(tone + 1) / 2 × 8⌋, +1 in the top bin.
pub fn spark_char(tone: f64) -> char {
    let bin = ((tone.clamp(-1.0, 1.0) + 1.0) / 2.0 * SPARK_BARS.len() as f64).floor() as usize;
    SPARK_BARS[bin.min(SPARK_BARS.len() - 1)]
}

/// One character per period of `range`: the bar of the speaker's mean tone, or [`SPARK_GAP`].
pub fn sparkline(speaker: &SpeakerTrend, range: &[PeriodKey]) -> String {
    range
        .iter()
        .map(|key| {
            speaker
                .periods
                .iter()
                .find(|p| p.key() == *key)
                .map_or(SPARK_GAP, |p| spark_char(p.tone))
        })
        .collect()
}

/// `+0.12` / `-0.40`: signed, two decimals.
pub fn signed(x: f64) -> String {
    // Avoid "-0.00" for tiny negatives.
    let x = if x.abs() < 0.005 { 0.0 } else { x };
    format!("{x:+.2}")
}

/// The trend cell: `+0.12/yr ↗`, or `–` without a slope (withheld, [`crate::trends::TrendRule`]).
pub fn trend_cell(speaker: &SpeakerTrend) -> String {
    match (speaker.slope_per_year, speaker.direction) {
        (Some(slope), Some(direction)) => {
            format!("{}/yr {}", slope_text(slope, direction), direction.arrow())
        }
        _ => "–".to_string(),
    }
}

/// A slope with two decimals, or as many more as it takes for a flat slope not to read as the
/// threshold ("+0.05/yr →", when flat means |slope| < 0.05).
fn slope_text(slope: f64, direction: Direction) -> String {
    if direction == Direction::Flat {
        for decimals in 2..=6 {
            let shown = format!("{slope:+.decimals$}");
            if shown
                .parse::<f64>()
                .is_ok_and(|x| x.abs() < Direction::FLAT_BELOW)
            {
                return if decimals == 2 { signed(slope) } else { shown };
            }
        }
    }
    signed(slope)
}

/// Periods of a speaker that rest on a single quote (and so have no interval).
pub fn single_quote_periods(speaker: &SpeakerTrend) -> usize {
    speaker.periods.iter().filter(|p| p.n == 1).count()
}

/// The terminal table: one row per speaker (most quotes first), then a legend and the counts
/// of what was left out.
pub fn table_string(trends: &Trends) -> String {
    let range = trends.period_range();
    let period = trends.period;
    let header = [
        "speaker".to_string(),
        "n".to_string(),
        match trends.estimate {
            Estimate::Mean => "mean".to_string(),
            _ => "tone".to_string(),
        },
        "trend".to_string(),
        "first".to_string(),
        "last".to_string(),
        "1-quote".to_string(),
        format!("tone per {period}"),
    ];
    let rows: Vec<[String; 8]> = trends
        .speakers
        .iter()
        .map(|s| {
            [
                s.speaker.clone(),
                s.n.to_string(),
                signed(s.tone),
                trend_cell(s),
                s.first_period.clone().unwrap_or_else(|| "–".into()),
                s.last_period.clone().unwrap_or_else(|| "–".into()),
                format!("{}/{}", single_quote_periods(s), s.periods.len()),
                sparkline(s, &range),
            ]
        })
        .collect();
    // Numbers right-aligned, text left-aligned (a column of `–` is text).
    let mut table =
        Table::new(&header).align(&[Left, Right, Right, Right, Left, Left, Right, Left]);
    for row in rows {
        table.row(row.to_vec());
    }

    let mut out = String::new();
    match (range.first(), range.last()) {
        (Some(first), Some(last)) => out.push_str(&format!(
            "Tone toward U.S.–Russia relations per {period}, {first} to {last} (relevant quotes)\n\n"
        )),
        _ => out.push_str("Tone toward U.S.–Russia relations (relevant quotes; none dated)\n\n"),
    }
    if trends.speakers.is_empty() {
        out.push_str("No speaker to show.\n");
    } else {
        for line in table.render() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&legend(trends));
    out
}

/// What the trend column means, for footers: `least-squares slope … – otherwise.`
pub(super) fn trend_legend(trends: &Trends) -> String {
    format!(
        "least-squares slope of tone per year over dated quotes (→ if |slope| < {}), given \
         only with {}; – otherwise.",
        super::aggregate::Direction::FLAT_BELOW,
        trends.trend_rule.describe()
    )
}

/// `3 with fewer than 4 words`, when `--min-words` is in force or left quotes out.
pub(super) fn short_quotes(trends: &Trends) -> Option<String> {
    let (short, min) = (trends.counts.short, trends.min_words);
    (short > 0 || min > 1).then(|| {
        let words = if min == 1 { "word" } else { "words" };
        format!("{short} with fewer than {min} {words}")
    })
}

/// Legend and accounting lines under the table.
fn legend(trends: &Trends) -> String {
    let c = &trends.counts;
    let mut out = format!(
        "Tone = P(positive) − P(negative){}. Sparkline: {} per {} on a fixed scale, \
         ▁ = −1 … █ = +1, {SPARK_GAP} = no quotes.\n\
         1-quote = periods resting on a single quote / periods with quotes (no interval there, \
         nor where a period's quotes all read alike).\n\
         trend = {}\n\
         Intervals (CSV/JSON/chart): {}.\n",
        match trends.estimate {
            Estimate::Mean => String::new(),
            estimate => format!(
                "; a speaker's or period's tone is the estimated share positive − share \
                 negative, the {} (the share columns of CSV/JSON count the model's labels)",
                estimate.describe()
            ),
        },
        match trends.estimate {
            Estimate::Mean => "mean tone",
            _ => "tone",
        },
        trends.period,
        trend_legend(trends),
        trends.interval_method
    );
    let mut left_out = vec![format!("{} irrelevant", c.irrelevant)];
    left_out.extend(short_quotes(trends));
    let unattributed = format!("{} without a speaker", c.unattributed);
    out.push_str(&format!(
        "{} quotes read; {} used; {} and {unattributed} left out",
        c.total,
        c.used,
        left_out.join(", ")
    ));
    if c.other_speakers > 0 {
        out.push_str(&format!("; {} by other speakers", c.other_speakers));
    }
    out.push_str(".\n");
    if c.duplicates > 0 {
        let copies = if c.duplicates == 1 { "copy" } else { "copies" };
        out.push_str(&format!(
            "{} repeated {copies} of a speaker's quotation (the same words) left out, the \
             earliest dated copy kept (--keep-duplicates counts every copy).\n",
            c.duplicates
        ));
    }
    if c.undated > 0 {
        out.push_str(&format!(
            "{} used quotes have no date (or only a web page's banner date, too weak to place \
             them; --dates gives articles theirs): they count in n and the mean, in no \
             period.\n",
            c.undated
        ));
    }
    if c.below_min_speakers > 0 {
        out.push_str(&format!(
            "{} speakers with fewer quotes than --min-quotes left out ({} quotes).\n",
            c.below_min_speakers, c.below_min_quotes
        ));
    }
    if !trends.unmatched_speakers.is_empty() {
        out.push_str(&format!(
            "No relevant quotes for: {}.\n",
            trends.unmatched_speakers.join(", ")
        ));
    }
    out
}

/// The columns of the CSV and Parquet output ([`CsvRow`]'s fields), with their Parquet types.
const COLUMNS: [(&str, ColumnType); 13] = [
    ("speaker", ColumnType::Text),
    ("period", ColumnType::Text),
    ("start", ColumnType::Date),
    ("end", ColumnType::Date),
    ("n", ColumnType::Count),
    ("tone", ColumnType::Float),
    ("mean_tone", ColumnType::Float),
    ("ci_low", ColumnType::Float),
    ("ci_high", ColumnType::Float),
    ("single_quote", ColumnType::Bool),
    ("share_positive", ColumnType::Float),
    ("share_neutral", ColumnType::Float),
    ("share_negative", ColumnType::Float),
];

/// One CSV row: a speaker in a period, in the order of [`COLUMNS`].
#[derive(Serialize)]
struct CsvRow<'a> {
    speaker: &'a str,
    period: &'a str,
    start: String,
    end: String,
    n: usize,
    /// The period's tone by the trends' estimate (equal to `mean_tone` for the mean).
    tone: f64,
    mean_tone: f64,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    single_quote: bool,
    share_positive: f64,
    share_neutral: f64,
    share_negative: f64,
}

/// Rounds to 6 decimals so that CSV cells read cleanly (no `0.30000000000000004`).
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Per speaker and period statistics as CSV, one row per speaker-period with quotes; the
/// interval cells are empty for periods without an interval (a single quote, or quotes that all
/// read alike).
pub fn csv_string(trends: &Trends) -> Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    // The header is written even when no speaker has a period, so that a script reading the
    // output always finds its columns.
    writer
        .write_record(COLUMNS.iter().map(|(name, _)| name))
        .map_err(|e| Error::Data(format!("writing CSV: {e}")))?;
    for speaker in &trends.speakers {
        for p in &speaker.periods {
            writer
                .serialize(CsvRow {
                    speaker: &speaker.speaker,
                    period: &p.period,
                    start: p.start.to_string(),
                    end: p.end.to_string(),
                    n: p.n,
                    tone: round6(p.tone),
                    mean_tone: round6(p.mean_tone),
                    ci_low: p.interval.map(|i| round6(i.low)),
                    ci_high: p.interval.map(|i| round6(i.high)),
                    single_quote: p.n == 1,
                    share_positive: round6(p.share_positive),
                    share_neutral: round6(p.share_neutral),
                    share_negative: round6(p.share_negative),
                })
                .map_err(|e| Error::Data(format!("writing CSV: {e}")))?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Data(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Data(format!("writing CSV: {e}")))
}

/// The rows of [`csv_string`] written to a Parquet file at `path` (atomically), typed: the
/// period's start and end as dates, `n` a count, `single_quote` a boolean, the rest floats
/// (not rounded) or text.
pub fn write_parquet(trends: &Trends, path: &std::path::Path) -> Result<u64> {
    use crate::table::parquet::{Cell, ParquetRows};
    let columns: Vec<(String, ColumnType)> =
        COLUMNS.iter().map(|&(n, t)| (n.to_string(), t)).collect();
    let mut rows = ParquetRows::create(path, &columns)?;
    for speaker in &trends.speakers {
        for p in &speaker.periods {
            rows.push(&[
                Cell::Text(Some(&speaker.speaker)),
                Cell::Text(Some(&p.period)),
                Cell::Date(Some(p.start)),
                Cell::Date(Some(p.end)),
                Cell::Count(Some(p.n as u64)),
                Cell::Float(Some(p.tone)),
                Cell::Float(Some(p.mean_tone)),
                Cell::Float(p.interval.map(|i| i.low)),
                Cell::Float(p.interval.map(|i| i.high)),
                Cell::Bool(Some(p.n == 1)),
                Cell::Float(Some(p.share_positive)),
                Cell::Float(Some(p.share_neutral)),
                Cell::Float(Some(p.share_negative)),
            ])?;
        }
    }
    rows.finish()
}

/// All statistics as pretty JSON: period, interval method, counts, and per speaker the
/// overall numbers and the periods.
pub fn json_string(trends: &Trends) -> Result<String> {
    serde_json::to_string_pretty(trends).map_err(|e| Error::Data(format!("writing JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_has_no_negative_zero() {
        assert_eq!(signed(-0.001), "+0.00");
        assert_eq!(signed(-0.5), "-0.50");
        assert_eq!(signed(0.126), "+0.13");
    }

    #[test]
    fn a_flat_slope_never_reads_as_the_threshold() {
        assert_eq!(slope_text(0.0496, Direction::Flat), "+0.0496");
        assert_eq!(slope_text(-0.0451, Direction::Flat), "-0.045");
        assert_eq!(slope_text(0.0449, Direction::Flat), "+0.04");
        assert_eq!(slope_text(0.0504, Direction::Rising), "+0.05");
    }
}
