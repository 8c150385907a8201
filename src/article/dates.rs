//! Article dates: header lines, datelines, page banners, and a manifest that overrides them.
//! A date is only reported when the text prints a full one (day, month, year); none is
//! ever inferred.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;

use crate::{Error, Result};

/// Where an article's date came from, from most to least reliable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// A date manifest given by the user.
    Manifest,
    /// A `date:` header line.
    Header,
    /// The dateline or date line that opens the article.
    Dateline,
    /// A date in the page furniture above the headline (often the day the page was
    /// fetched, not published): low confidence.
    Banner,
    /// No date found.
    #[default]
    None,
}

impl DateSource {
    /// The name used in serialized output.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Manifest => "manifest",
            DateSource::Header => "header",
            DateSource::Dateline => "dateline",
            DateSource::Banner => "banner",
            DateSource::None => "none",
        }
    }
}

const MONTHS: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// A full date at the start of a string, optionally after a weekday or an upper-case place
/// ("MOSCOW, "). Compiled once.
static DATE_AT_START: LazyLock<Regex> = LazyLock::new(|| {
    let re = format!(
        r"(?ix)^
        (?-i:[A-Z][A-Z\x20.'-]{{1,30}}[,.]\s*)?                 # MOSCOW,
        (?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?
        (?:
          (?P<m1>{MONTHS})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})
        | (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTHS})\.?,?\s+(?P<y2>\d{{4}})
        | (?P<y3>\d{{4}})-(?P<mo3>\d{{2}})-(?P<d3>\d{{2}})
        )\b"
    );
    Regex::new(&re).expect("date pattern is valid")
});

fn month_number(m: &str) -> Option<u32> {
    let m = m.to_lowercase();
    let names = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    names
        .iter()
        .position(|n| m.starts_with(n))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// True when `s` holds four ASCII digits in a row. Every date the pattern accepts has a
/// four-digit year, so a line without them needs no regex search (most lines).
fn has_year_digits(s: &str) -> bool {
    let mut run = 0;
    for &b in s.as_bytes() {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run == 4 {
            return true;
        }
    }
    false
}

/// Parses a full date at the start of `s`, returning it and the matched length in bytes.
pub(crate) fn date_at_start(s: &str) -> Option<(NaiveDate, usize)> {
    if !has_year_digits(s) {
        return None;
    }
    match iso_date_at_start(s) {
        Some(decided) => decided,
        None => date_at_start_by_pattern(s),
    }
}

/// [`date_at_start`] for text opening with an ISO date (`date: 2018-05-03` headers), without
/// the pattern, whose capture groups cost thousands of instructions. `None` when it cannot
/// tell; otherwise what the pattern gives. A text opening with four digits can only match the
/// pattern's ISO branch, which needs a word boundary after the day: an ASCII letter, digit or
/// `_` there means no date; a non-ASCII character is left to the pattern (Unicode `\w`).
fn iso_date_at_start(s: &str) -> Option<Option<(NaiveDate, usize)>> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).filter(|d| d.iter().all(u8::is_ascii_digit));
    let number = |r: std::ops::Range<usize>| {
        digits(r).map(|d| d.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0')))
    };
    let (y, m, d) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    match b.get(10) {
        Some(c) if !c.is_ascii() => None,
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => Some(None),
        _ => Some(
            i32::try_from(y)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
                .map(|date| (date, 10)),
        ),
    }
}

/// [`date_at_start`] by the pattern.
fn date_at_start_by_pattern(s: &str) -> Option<(NaiveDate, usize)> {
    let c = DATE_AT_START.captures(s)?;
    let num = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let (y, m, d) = if let Some(y) = num("y1") {
        (y, month_number(c.name("m1")?.as_str())?, num("d1")?)
    } else if let Some(y) = num("y2") {
        (y, month_number(c.name("m2")?.as_str())?, num("d2")?)
    } else {
        (num("y3")?, num("mo3")?, num("d3")?)
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    Some((date, c.get(0)?.end()))
}

/// A full date anywhere in a byline-sized line ("By Jane Roe | June 5, 2020, 10:00").
fn date_in_short_line(p: &str) -> Option<(NaiveDate, usize)> {
    if p.split_whitespace().count() > 14 || !has_year_digits(p) {
        return None;
    }
    p.char_indices()
        .filter(|&(i, c)| !c.is_whitespace() && p[..i].ends_with(char::is_whitespace))
        .find_map(|(i, _)| date_at_start(&p[i..]))
}

/// Dates keyed by article file name (columns `file,date`, ISO dates), overriding the text.
#[derive(Debug, Clone, Default)]
pub struct DateManifest {
    dates: HashMap<String, NaiveDate>,
}

fn file_key(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

impl DateManifest {
    /// Reads a manifest CSV; errors name the file and the line.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses manifest CSV text; `path` only names the source in errors.
    pub fn parse(csv_text: &str, path: &Path) -> Result<Self> {
        let err = |line: u64, message: String| Error::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
        let headers = rdr.headers().map_err(|e| err(1, e.to_string()))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| err(1, format!("missing column `{name}` (expected file,date)")))
        };
        let (fi, di) = (col("file")?, col("date")?);
        let mut dates = HashMap::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
            let line = rec.position().map_or(0, |p| p.line());
            let file = rec.get(fi).unwrap_or("").trim();
            let raw = rec.get(di).unwrap_or("").trim();
            if file.is_empty() {
                return Err(err(line, "empty file name".into()));
            }
            let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|e| err(line, format!("bad date `{raw}` ({e}); use YYYY-MM-DD")))?;
            dates.insert(file_key(file).to_string(), date);
        }
        Ok(Self { dates })
    }

    /// The date listed for an article name (matched on its file name).
    pub fn get(&self, name: &str) -> Option<NaiveDate> {
        self.dates.get(file_key(name)).copied()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// True when the manifest lists nothing.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }
}

/// Finds the date in the opening paragraphs. `title` is the index of the headline paragraph
/// (`None` when the title came from a header line): a date on its own line above the
/// headline is page furniture (`Banner`); a date opening a paragraph below it is the
/// dateline.
pub(crate) fn from_paragraphs(
    paras: &[&str],
    title: Option<usize>,
) -> Option<(NaiveDate, DateSource)> {
    let first_body = title.map_or(0, |t| t + 1);
    // The dateline sits in the first few paragraphs after the headline (subheadings and
    // bylines may come first).
    for p in paras.iter().skip(first_body).take(4) {
        if let Some((d, _)) = date_at_start(p).or_else(|| date_in_short_line(p)) {
            return Some((d, DateSource::Dateline));
        }
    }
    for p in paras.iter().take(first_body) {
        if p.split_whitespace().count() <= 8 {
            if let Some((d, _)) = date_at_start(p) {
                return Some((d, DateSource::Banner));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn parses_news_date_styles() {
        assert_eq!(
            date_at_start("Sept. 5, 2019 (EIRNS)—x").map(|x| x.0),
            Some(d(2019, 9, 5))
        );
        assert_eq!(
            date_at_start("12 December 2019").map(|x| x.0),
            Some(d(2019, 12, 12))
        );
        assert_eq!(
            date_at_start("2018-05-03").map(|x| x.0),
            Some(d(2018, 5, 3))
        );
        assert_eq!(
            date_at_start("Monday, June 24, 2024").map(|x| x.0),
            Some(d(2024, 6, 24))
        );
        assert_eq!(
            date_at_start("MOSCOW, May 3, 2018 - x").map(|x| x.0),
            Some(d(2018, 5, 3))
        );
        assert_eq!(date_at_start("MOSCOW. May 3 (Interfax)"), None);
        assert_eq!(date_at_start("2019-02-30"), None);
    }

    #[test]
    fn iso_dates_read_without_the_pattern_are_the_patterns() {
        let texts = [
            "2018-05-03",
            "2018-05-03 (updated)",
            "2018-05-03T10:00",
            "2018-05-031",
            "2018-05-03_x",
            "2018-05-03é",
            "2018-05-03—x",
            "2019-02-30",
            "2019-13-01",
            "0000-01-01",
            "2018-5-03",
            "2018/05/03",
            "20180-05-03",
            "2018-05-0",
        ];
        for t in texts {
            if let Some(decided) = iso_date_at_start(t) {
                assert_eq!(decided, date_at_start_by_pattern(t), "{t:?}");
            }
            assert_eq!(date_at_start(t), date_at_start_by_pattern(t), "{t:?}");
        }
        assert!(iso_date_at_start("2018-05-03 x").is_some());
    }

    #[test]
    fn year_digits_are_four_in_a_row() {
        assert!(has_year_digits("June 5, 2020"));
        assert!(has_year_digits("2018-05-03"));
        assert!(!has_year_digits("12 345"));
        assert!(!has_year_digits("May 3 (Interfax) 201 9"));
        assert!(!has_year_digits(""));
    }

    #[test]
    fn banner_above_title_dateline_below() {
        let paras = ["Monday, June 24, 2024", "Headline here", "Body text."];
        assert_eq!(
            from_paragraphs(&paras, Some(1)),
            Some((d(2024, 6, 24), DateSource::Banner))
        );
        let paras = ["Headline here", "June 23, 2017 (EIRNS)—Body."];
        assert_eq!(
            from_paragraphs(&paras, Some(0)),
            Some((d(2017, 6, 23), DateSource::Dateline))
        );
        assert_eq!(from_paragraphs(&["Headline", "No date."], Some(0)), None);
        let paras = [
            "Headline here",
            "By Jane Roe | June 5, 2020, 10:00",
            "Body.",
        ];
        assert_eq!(
            from_paragraphs(&paras, Some(0)),
            Some((d(2020, 6, 5), DateSource::Dateline))
        );
    }

    #[test]
    fn manifest_errors_name_the_line() {
        let err = DateManifest::parse(
            "file,date\na.txt,2020-01-02\nb.txt,nope\n",
            Path::new("m.csv"),
        )
        .expect_err("bad date");
        assert!(err.to_string().starts_with("m.csv:3:"), "{err}");
        let m = DateManifest::parse("file,date\ndir/a.txt,2020-01-02\n", Path::new("m.csv"))
            .expect("parses");
        assert_eq!(m.get("other/a.txt"), Some(d(2020, 1, 2)));
    }
}
