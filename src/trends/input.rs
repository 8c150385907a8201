//! Reading scored quotes for trends, leniently, from either JSONL shape tonetrack writes.
//!
//! * `tonetrack score --format jsonl`: one [`ScoredQuote`] per line.
//! * `tonetrack predict --data F.csv --format jsonl`: the CSV's columns passed through as
//!   strings (`id`, `text`, `speaker`, `date`, `relevant` as "yes"/"no", …), with the
//!   predicted `label` (it overwrites a `label` column), `probabilities`, `tone` and
//!   `top_terms` added.
//!
//! Both become a [`TrendQuote`], the few fields the trends stage needs. The article's `title`
//! and `url` (or a `source_url` column) are kept when present, for the HTML report's quote
//! list.
//!
//! Why a `TrendQuote` and not the [`ScoredQuote`] itself: trends also aggregates quotations
//! that were never a `ScoredQuote` (the rows of `predict`, which have no article, offsets or
//! attribution; the labeled rows of a fidelity check; files of older versions), so its input
//! is the part every source has. A `ScoredQuote` becomes one in one place,
//! `From<&ScoredQuote>`, which also settles what aggregation should not have to: an unnamed
//! source is no speaker, and a weak (banner) date no date.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::article::DateSource;
use crate::model::TonePoles;
use crate::score::ScoredQuote;
use crate::{Error, Result};

/// One scored quotation, as the trends stage sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendQuote {
    /// Who said it, when attributed (not yet canonicalised: aggregation does that).
    pub speaker: Option<String>,
    /// When it was said (the article's date), when known.
    pub date: Option<NaiveDate>,
    /// P(positive) − P(negative), in [−1, 1].
    pub tone: f64,
    /// Predicted (or gold) tone class, lowercase: `positive`, `neutral` or `negative`.
    pub label: String,
    /// Concerns U.S.–Russia relations; irrelevant quotes are counted but not aggregated.
    pub relevant: bool,
    /// The quoted words.
    pub quote: String,
    /// The article it comes from (path, URL or id).
    pub article: String,
    /// The article's title, when the input has one (`title`).
    #[serde(default)]
    pub title: Option<String>,
    /// Where the article is published, when the input says (`url`, or a `source_url` column
    /// passed through by `predict`). Taken as written: it may be a path; the HTML report links
    /// only `http(s)://` addresses.
    #[serde(default)]
    pub url: Option<String>,
    /// Every class's probability, lowercase class names, when the input has them (what trend
    /// estimation needs); empty otherwise.
    #[serde(default)]
    pub probabilities: Vec<(String, f64)>,
}

impl From<&ScoredQuote> for TrendQuote {
    fn from(q: &ScoredQuote) -> Self {
        let r = &q.record;
        TrendQuote {
            // An unnamed source is no person's trend.
            speaker: r
                .speaker
                .clone()
                .filter(|s| !s.trim().is_empty() && r.speaker_kind.is_named()),
            // A banner date is the web page's, not the article's: too weak to place a quote
            // in time, so the quote counts as undated.
            date: r.date.filter(|_| !r.date_source.is_weak()),
            tone: q.tone,
            label: q.label.to_lowercase(),
            relevant: r.relevant,
            quote: r.quote.clone(),
            article: r.article.clone(),
            title: r.title.clone().filter(|t| !t.trim().is_empty()),
            url: r.url.clone().filter(|u| !u.trim().is_empty()),
            probabilities: q
                .probabilities
                .iter()
                .map(|(c, p)| (c.to_lowercase(), *p))
                .collect(),
        }
    }
}

/// Reads every quote of a JSONL file written by `tonetrack score` or `tonetrack predict`.
///
/// Blank lines are skipped. A line that is not a JSON object, or lacks a usable tone, is an
/// [`Error::Csv`] naming the file and the line.
pub fn read_trend_quotes(path: &Path) -> Result<Vec<TrendQuote>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    parse_trend_quotes(BufReader::new(file), path)
}

/// Parses JSONL from any reader; `path` only names the source in errors.
pub fn parse_trend_quotes(reader: impl BufRead, path: &Path) -> Result<Vec<TrendQuote>> {
    let mut quotes = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line_no = index as u64 + 1;
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let quote = parse_line(&line).map_err(|message| Error::Csv {
            path: path.to_path_buf(),
            line: line_no,
            message,
        })?;
        quotes.push(quote);
    }
    Ok(quotes)
}

/// Parses one JSON line into a [`TrendQuote`]; the error is a message without location.
pub fn parse_line(line: &str) -> std::result::Result<TrendQuote, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err("expected a JSON object per line".to_string());
    };
    let probabilities = probabilities(&obj)?;
    let tone = tone(&obj, probabilities.as_deref())?;
    let label = match text_field(&obj, &["label"]) {
        Some(label) => label.to_lowercase(),
        None => most_probable(probabilities.as_deref())
            .ok_or("no `label` and no `probabilities` to take it from")?,
    };
    Ok(TrendQuote {
        speaker: text_field(&obj, &["speaker"])
            .filter(|_| named_kind(text_field(&obj, &["speaker_kind"]).as_deref())),
        date: date(&obj)?,
        tone,
        label,
        relevant: relevant(&obj)?,
        quote: text_field(&obj, &["quote", "text"]).unwrap_or_default(),
        article: text_field(&obj, &["article", "source_url", "article_id", "id"])
            .unwrap_or_default(),
        title: text_field(&obj, &["title"]),
        url: text_field(&obj, &["url", "source_url"]),
        probabilities: probabilities.unwrap_or_default(),
    })
}

/// True unless `speaker_kind` says the speaker is unnamed or nobody (files without the field
/// name their speakers).
fn named_kind(kind: Option<&str>) -> bool {
    !matches!(kind, Some("unnamed" | "none"))
}

/// The first of `keys` holding a non-blank string (or a number, for CSV ids), trimmed.
fn text_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match obj.get(*key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// `date`: ISO `yyyy-mm-dd`, possibly the start of a timestamp (`2019-05-14T09:00:00Z`).
fn date(obj: &Map<String, Value>) -> std::result::Result<Option<NaiveDate>, String> {
    let source = text_field(obj, &["date_source"]).and_then(|s| DateSource::from_name(&s));
    if source.is_some_and(DateSource::is_weak) {
        return Ok(None);
    }
    let Some(text) = text_field(obj, &["date"]) else {
        return Ok(None);
    };
    text.get(..10)
        .and_then(|prefix| NaiveDate::parse_from_str(prefix, "%Y-%m-%d").ok())
        .filter(|_| text.len() == 10 || !text.as_bytes()[10].is_ascii_digit())
        .map(Some)
        .ok_or_else(|| format!("date {text:?} is not yyyy-mm-dd"))
}

/// `relevant`: a bool, or "yes"/"no"/"true"/"false"/"1"/"0"; absent or empty means relevant.
fn relevant(obj: &Map<String, Value>) -> std::result::Result<bool, String> {
    match obj.get("relevant") {
        None | Some(Value::Null) => Ok(true),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) => match s.trim().to_lowercase().as_str() {
            "" => Ok(true),
            "yes" | "true" | "1" | "y" => Ok(true),
            "no" | "false" | "0" | "n" => Ok(false),
            other => Err(format!("relevant {other:?} is not yes/no/true/false")),
        },
        Some(Value::Number(n)) => match n.as_i64() {
            Some(1) => Ok(true),
            Some(0) => Ok(false),
            _ => Err(format!("relevant {n} is not 0 or 1")),
        },
        Some(other) => Err(format!("relevant {other} is not yes/no/true/false")),
    }
}

/// `probabilities` as (class, p) pairs, when present.
fn probabilities(
    obj: &Map<String, Value>,
) -> std::result::Result<Option<Vec<(String, f64)>>, String> {
    match obj.get("probabilities") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(class, p)| {
                number(p)
                    .map(|p| (class.to_lowercase(), p))
                    .ok_or_else(|| format!("probability of {class:?} is not a number"))
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err("`probabilities` is not an object {class: p}".to_string()),
    }
}

/// `tone`, or else P(positive) − P(negative) of the default [`TonePoles`] (files of other
/// models carry their `tone`); must be finite and within [−1, 1].
fn tone(
    obj: &Map<String, Value>,
    probabilities: Option<&[(String, f64)]>,
) -> std::result::Result<f64, String> {
    let tone = match obj.get("tone").filter(|v| !v.is_null()) {
        Some(v) => number(v).ok_or_else(|| format!("tone {v} is not a number"))?,
        None => {
            let probabilities =
                probabilities.ok_or("no `tone` and no `probabilities` to compute it from")?;
            TonePoles::default()
                .tone_of_probabilities(probabilities.iter().map(|(c, p)| (c.as_str(), *p)))
        }
    };
    // A little slack for rounding in files written by other tools.
    if !tone.is_finite() || tone.abs() > 1.0 + 1e-9 {
        return Err(format!("tone {tone} is outside [-1, 1]"));
    }
    Ok(tone.clamp(-1.0, 1.0))
}

/// A JSON number, or a string holding one (CSV pass-through).
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The class with the highest probability (ties: the first in name order, for determinism).
fn most_probable(probabilities: Option<&[(String, f64)]>) -> Option<String> {
    let mut best: Option<&(String, f64)> = None;
    for candidate in probabilities? {
        let better = match best {
            None => true,
            Some((name, p)) => {
                candidate.1 > *p || (candidate.1 == *p && candidate.0.as_str() < name.as_str())
            }
        };
        if better {
            best = Some(candidate);
        }
    }
    best.map(|(class, _)| class.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_bad_dates() {
        let q = parse_line(r#"{"tone": 0.5, "label": "positive", "date": "2019-05-14T10:00:00Z"}"#)
            .unwrap();
        assert_eq!(q.date, NaiveDate::from_ymd_opt(2019, 5, 14));
        assert!(parse_line(r#"{"tone": 0.5, "label": "positive", "date": "14/05/2019"}"#).is_err());
        assert!(
            parse_line(r#"{"tone": 0.5, "label": "positive", "date": "2019-05-145"}"#).is_err()
        );
        let q = parse_line(r#"{"tone": 0.5, "label": "positive", "date": ""}"#).unwrap();
        assert_eq!(q.date, None);
    }

    #[test]
    fn tone_from_probabilities_and_label_from_argmax() {
        let q =
            parse_line(r#"{"probabilities": {"negative": 0.6, "neutral": 0.3, "positive": 0.1}}"#)
                .unwrap();
        assert!((q.tone - (0.1 - 0.6)).abs() < 1e-12);
        assert_eq!(q.label, "negative");
        assert!(q.relevant);
        assert!(parse_line(r#"{"label": "neutral"}"#).is_err());
        assert!(parse_line(r#"{"tone": 3.0, "label": "neutral"}"#).is_err());
        assert!(parse_line(r#"[1, 2]"#).is_err());
    }

    #[test]
    fn title_and_url_from_either_shape() {
        let score = parse_line(
            r#"{"tone": 0, "label": "neutral", "article": "a/b.txt", "title": " Talks resume ", "url": "https://example.org/a?x=1&y=2"}"#,
        )
        .unwrap();
        assert_eq!(score.title.as_deref(), Some("Talks resume"));
        assert_eq!(score.url.as_deref(), Some("https://example.org/a?x=1&y=2"));
        assert_eq!(score.article, "a/b.txt");
        let predict = parse_line(
            r#"{"tone": 0, "label": "neutral", "source_url": "https://interfax.com/1/", "title": ""}"#,
        )
        .unwrap();
        assert_eq!(predict.url.as_deref(), Some("https://interfax.com/1/"));
        assert_eq!(predict.title, None);
        let bare = parse_line(r#"{"tone": 0, "label": "neutral", "url": null}"#).unwrap();
        assert_eq!((bare.title, bare.url), (None, None));
    }

    #[test]
    fn relevant_spellings() {
        for (text, expected) in [("\"yes\"", true), ("\"No\"", false), ("false", false)] {
            let line = format!(r#"{{"tone": 0, "label": "neutral", "relevant": {text}}}"#);
            assert_eq!(parse_line(&line).unwrap().relevant, expected, "{text}");
        }
        assert!(parse_line(r#"{"tone": 0, "label": "neutral", "relevant": "maybe"}"#).is_err());
    }
}
