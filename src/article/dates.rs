//! Article dates: header lines, datelines, page banners, and a manifest that overrides them.
//! A date is only reported when the text prints a full one (day, month, year); none is
//! ever inferred.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::quotes::{ascii_led_runs, words};
use crate::{Error, Result};

/// Where an article's date came from, from most to least reliable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// The date column of a table of articles (it takes precedence over the text's date).
    Column,
    /// A date manifest given by the user.
    Manifest,
    /// A `date:` header line.
    Header,
    /// The dateline or date line that opens the article.
    Dateline,
    /// An HTML page's `<time datetime>` or published-time `<meta>`.
    Html,
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
            DateSource::Column => "column",
            DateSource::Manifest => "manifest",
            DateSource::Header => "header",
            DateSource::Html => "html",
            DateSource::Dateline => "dateline",
            DateSource::Banner => "banner",
            DateSource::None => "none",
        }
    }

    /// Every source, most reliable first.
    pub const ALL: [DateSource; 7] = [
        DateSource::Column,
        DateSource::Manifest,
        DateSource::Header,
        DateSource::Html,
        DateSource::Dateline,
        DateSource::Banner,
        DateSource::None,
    ];

    /// The source of a serialized name ([`as_str`](Self::as_str)), `None` for another word.
    pub fn from_name(name: &str) -> Option<DateSource> {
        DateSource::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// A low-confidence date (the page's banner): too weak to place a quotation in time.
    pub fn is_weak(self) -> bool {
        self == DateSource::Banner
    }
}

impl std::fmt::Display for DateSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
/// four-digit year, so a line without them needs no regex search (most lines). (The pattern's
/// `\d` would accept other digits too; lines with those have never had a date.)
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

/// Parses a full date at the start of `s`, returning it and the matched length in bytes: by
/// hand, or by the pattern when the hand parser cannot tell.
pub(crate) fn date_at_start(s: &str) -> Option<(NaiveDate, usize)> {
    match date_at_start_by_hand(s) {
        Ok(found) => found,
        Err(Unsure) => has_year_digits(s)
            .then(|| date_at_start_by_pattern(s))
            .flatten(),
    }
}

/// The hand parser met a character it does not model (see [`byte_at`]): the pattern decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unsure;

/// [`DATE_AT_START`]'s match, found by hand: the pattern's capture groups cost thousands of
/// instructions, and it runs on every opening paragraph. The pattern's pieces are tried in
/// its order of preference (greedy repetitions longest first, alternatives left to right)
/// and the first combination that matches is its leftmost-first match; as with the pattern,
/// an impossible date (Feb 30) is then no date, not a reason to try another reading.
fn date_at_start_by_hand(s: &str) -> Result<Option<(NaiveDate, usize)>, Unsure> {
    let b = s.as_bytes();
    // The upper-case place ("MOSCOW, "), longest first, then none.
    let mut run = 0;
    if b.first().is_some_and(u8::is_ascii_uppercase) {
        while run < PLACE_MAX_BYTES
            && matches!(
                b.get(1 + run),
                Some(b'A'..=b'Z' | b' ' | b'.' | b'\'' | b'-')
            )
        {
            run += 1;
        }
    }
    let mut found = None;
    for k in (1..=run).rev() {
        if matches!(b.get(1 + k), Some(b',' | b'.')) {
            found = after_place(s, spaces(s, 2 + k)?)?;
            if found.is_some() {
                break;
            }
        }
    }
    if found.is_none() {
        found = after_place(s, 0)?;
    }
    Ok(found.and_then(|(y, m, d, end)| {
        NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d).map(|date| (date, end))
    }))
}

/// A date match's year, month, day and end.
type DateMatch = (u32, u32, u32, usize);

/// The byte at `i` (`None` at the end). A non-ASCII character reads as 0x80, which no piece
/// of the pattern matches, unless it could match one: Unicode whitespace (`\s`) and digits
/// (`\d`), and the two non-ASCII letters that match ASCII ones without case (ſ, K).
/// Positions only ever move past ASCII bytes, so `i` is a character boundary.
#[inline]
fn byte_at(s: &str, i: usize) -> Result<Option<u8>, Unsure> {
    match s.as_bytes().get(i) {
        Some(&b) if !b.is_ascii() => non_ascii_at(s, i),
        b => Ok(b.copied()),
    }
}

/// [`byte_at`] for a non-ASCII character.
#[cold]
fn non_ascii_at(s: &str, i: usize) -> Result<Option<u8>, Unsure> {
    let c = s[i..].chars().next().unwrap_or_default();
    if c.is_whitespace() || c.is_numeric() || matches!(c, '\u{17f}' | '\u{212a}') {
        Err(Unsure)
    } else {
        Ok(Some(0x80))
    }
}

/// The end of the whitespace run at `i` (`\s*`; the pieces that follow one never start
/// with whitespace, so a shorter run never matches where the longest does not).
fn spaces(s: &str, mut i: usize) -> Result<usize, Unsure> {
    while byte_at(s, i)?.is_some_and(|b| b.is_ascii() && char::from(b).is_whitespace()) {
        i += 1;
    }
    Ok(i)
}

/// `\s+`: the end of a non-empty whitespace run at `i`.
fn spaces1(s: &str, i: usize) -> Result<Option<usize>, Unsure> {
    let end = spaces(s, i)?;
    Ok((end > i).then_some(end))
}

/// `word` (lower-case ASCII) at `i`, ignoring case: its end.
fn word_at(s: &str, i: usize, word: &str) -> Result<Option<usize>, Unsure> {
    for (k, w) in word.bytes().enumerate() {
        if byte_at(s, i + k)?.map(|b| b.to_ascii_lowercase()) != Some(w) {
            return Ok(None);
        }
    }
    Ok(Some(i + word.len()))
}

/// `c?` at `i`: the ends to try, with the character first.
fn optional(s: &str, i: usize, c: u8) -> Result<[Option<usize>; 2], Unsure> {
    Ok([(byte_at(s, i)? == Some(c)).then_some(i + 1), Some(i)])
}

/// The value of the ASCII digit at `i`.
fn digit(s: &str, i: usize) -> Result<Option<u32>, Unsure> {
    Ok(byte_at(s, i)?
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0')))
}

/// `\d{n}` at `i`: its value.
fn number(s: &str, i: usize, n: usize) -> Result<Option<u32>, Unsure> {
    let mut value = 0;
    for k in i..i + n {
        match digit(s, k)? {
            Some(d) => value = value * 10 + d,
            None => return Ok(None),
        }
    }
    Ok(Some(value))
}

/// `\d{1,2}` at `i`: (value, end), two digits first.
fn day_at(s: &str, i: usize) -> Result<[Option<(u32, usize)>; 2], Unsure> {
    let Some(first) = digit(s, i)? else {
        return Ok([None, None]);
    };
    let two = digit(s, i + 1)?.map(|d| (first * 10 + d, i + 2));
    Ok([two, Some((first, i + 1))])
}

/// `(?:st|nd|rd|th)?` at `i`: the ends to try, with the suffix first.
fn ordinal(s: &str, i: usize) -> Result<[Option<usize>; 2], Unsure> {
    let second = match byte_at(s, i)?.map(|b| b.to_ascii_lowercase()) {
        Some(b's') => "t",
        Some(b'n' | b'r') => "d",
        Some(b't') => "h",
        _ => return Ok([None, Some(i)]),
    };
    Ok([word_at(s, i + 1, second)?, Some(i)])
}

/// The month names the pattern accepts, in its order, each name's forms longest first.
const MONTH_FORMS: [&[&str]; 12] = [
    &["january", "jan"],
    &["february", "feb"],
    &["march", "mar"],
    &["april", "apr"],
    &["may"],
    &["june", "jun"],
    &["july", "jul"],
    &["august", "aug"],
    &["september", "sept", "sep"],
    &["october", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];

/// The weekday names the pattern accepts before `(?:day)?` that start with `first` (lower
/// case), in its order.
fn weekday_forms(first: u8) -> &'static [&'static str] {
    match first {
        b'm' => &["mon"],
        b't' => &["tues", "tue", "thurs", "thu"],
        b'w' => &["wednes", "wed"],
        b'f' => &["fri"],
        b's' => &["satur", "sat", "sun"],
        _ => &[],
    }
}

/// A month name at `i`: (month, end) for each form that matches, in the pattern's order.
fn month_at(s: &str, i: usize) -> Result<[Option<(u32, usize)>; 3], Unsure> {
    let mut out = [None; 3];
    let Some(first) = byte_at(s, i)?.map(|b| b.to_ascii_lowercase()) else {
        return Ok(out);
    };
    // The names' first three letters differ: one name at most matches.
    for &m in months_starting_with(first) {
        let mut k = 0;
        for form in MONTH_FORMS[m - 1] {
            if let Some(end) = word_at(s, i, form)? {
                out[k] = Some((m as u32, end));
                k += 1;
            }
        }
        if k > 0 {
            break;
        }
    }
    Ok(out)
}

/// The months (1 to 12) whose names start with `first` (lower case), in order: fewer names
/// to try than all twelve.
fn months_starting_with(first: u8) -> &'static [usize] {
    match first {
        b'j' => &[1, 6, 7],
        b'f' => &[2],
        b'm' => &[3, 5],
        b'a' => &[4, 8],
        b's' => &[9],
        b'o' => &[10],
        b'n' => &[11],
        b'd' => &[12],
        _ => &[],
    }
}

/// True when the pattern's final `\b` holds at `i`, just after a digit: no word character
/// follows. Unsure for a non-ASCII character other than common punctuation.
fn boundary(s: &str, i: usize) -> Result<bool, Unsure> {
    match s[i..].chars().next() {
        None => Ok(true),
        Some(c) if c.is_ascii() => Ok(!(c.is_ascii_alphanumeric() || c == '_')),
        Some('—' | '–' | '‘' | '’' | '“' | '”' | '«' | '»' | '…' | '\u{a0}') => {
            Ok(true)
        }
        Some(_) => Err(Unsure),
    }
}

/// The rest of the pattern at `p`, after the place: an optional weekday, then the date.
fn after_place(s: &str, p: usize) -> Result<Option<DateMatch>, Unsure> {
    let Some(first) = byte_at(s, p)?.map(|b| b.to_ascii_lowercase()) else {
        return Ok(None);
    };
    for form in weekday_forms(first) {
        let Some(e) = word_at(s, p, form)? else {
            continue;
        };
        for e in [word_at(s, e, "day")?, Some(e)].into_iter().flatten() {
            for e in optional(s, e, b'.')?.into_iter().flatten() {
                for e in optional(s, e, b',')?.into_iter().flatten() {
                    if let Some(e) = spaces1(s, e)? {
                        if let Some(found) = date_at(s, e)? {
                            return Ok(Some(found));
                        }
                    }
                }
            }
        }
    }
    date_at(s, p)
}

/// The pattern's three date forms at `i`, in its order: `June 5, 2020`, `5 June 2020`,
/// `2020-06-05`, each followed by `\b`. The first starts with a letter, the others with a
/// digit; four digits can only open the last (a day has one or two, then no digit).
fn date_at(s: &str, i: usize) -> Result<Option<DateMatch>, Unsure> {
    match byte_at(s, i)? {
        Some(b) if b.is_ascii_digit() => match number(s, i, 4)? {
            Some(y) => iso_date(s, i, y),
            None => day_month_year(s, i),
        },
        Some(_) => month_day_year(s, i),
        None => Ok(None),
    }
}

/// `June 5, 2020` at `i`.
fn month_day_year(s: &str, i: usize) -> Result<Option<DateMatch>, Unsure> {
    for (m, e) in month_at(s, i)?.into_iter().flatten() {
        for e in optional(s, e, b'.')?.into_iter().flatten() {
            let Some(e) = spaces1(s, e)? else { continue };
            for (d, e) in day_at(s, e)?.into_iter().flatten() {
                for e in ordinal(s, e)?.into_iter().flatten() {
                    for e in optional(s, e, b',')?.into_iter().flatten() {
                        let Some(e) = spaces1(s, e)? else { continue };
                        if let Some(y) = year_at(s, e)? {
                            return Ok(Some((y, m, d, e + 4)));
                        }
                    }
                }
            }
        }
    }
    Ok(None)
}

/// `5 June 2020` at `i`.
fn day_month_year(s: &str, i: usize) -> Result<Option<DateMatch>, Unsure> {
    for (d, e) in day_at(s, i)?.into_iter().flatten() {
        for e in ordinal(s, e)?.into_iter().flatten() {
            let Some(e) = spaces1(s, e)? else { continue };
            for (m, e) in month_at(s, e)?.into_iter().flatten() {
                for e in optional(s, e, b'.')?.into_iter().flatten() {
                    for e in optional(s, e, b',')?.into_iter().flatten() {
                        let Some(e) = spaces1(s, e)? else { continue };
                        if let Some(y) = year_at(s, e)? {
                            return Ok(Some((y, m, d, e + 4)));
                        }
                    }
                }
            }
        }
    }
    Ok(None)
}

/// `2020-06-05` at `i`, where the year `y` is read.
fn iso_date(s: &str, i: usize, y: u32) -> Result<Option<DateMatch>, Unsure> {
    let dash = |k: usize| -> Result<bool, Unsure> { Ok(byte_at(s, i + k)? == Some(b'-')) };
    if !dash(4)? {
        return Ok(None);
    }
    let Some(m) = number(s, i + 5, 2)? else {
        return Ok(None);
    };
    if !dash(7)? {
        return Ok(None);
    }
    let Some(d) = number(s, i + 8, 2)? else {
        return Ok(None);
    };
    Ok(boundary(s, i + 10)?.then_some((y, m, d, i + 10)))
}

/// A four-digit year at `i` followed by `\b`: its value.
fn year_at(s: &str, i: usize) -> Result<Option<u32>, Unsure> {
    match number(s, i, 4)? {
        Some(y) if boundary(s, i + 4)? => Ok(Some(y)),
        _ => Ok(None),
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

/// The longest upper-case place a dateline opens with, in bytes after its first letter
/// ("WASHINGTON, D.C." and "RIO DE JANEIRO" fit; a shouted sentence does not).
const PLACE_MAX_BYTES: usize = 30;
/// A byline-sized line: a date anywhere in a line of at most this many words is the article's
/// ("By Jane Roe | Reuters | June 5, 2020, 10:00 a.m. ET"); in a longer one it is a date the
/// text mentions.
const BYLINE_MAX_WORDS: usize = 14;
/// The dateline is in one of this many paragraphs after the headline (a subheading, a byline
/// and a photo credit may come first); a date further down is the story's, not the article's.
const DATELINE_PARAGRAPHS: usize = 4;
/// A date line above the headline of at most this many words is page furniture (a banner's
/// "Monday, June 5, 2020"): a weak date; a longer one is prose.
const BANNER_MAX_WORDS: usize = 8;

/// True when `s` has more than `n` words (as `split_whitespace` splits it). Most lines asked
/// about are body paragraphs, told by [`ascii_led_runs`] in their first 128 bytes (the 9 or
/// 15 words asked for take 60 to 100 bytes of news prose); the others are counted word by
/// word, up to the one too many.
fn more_words_than(s: &str, n: usize) -> bool {
    let head = &s.as_bytes()[..s.len().min(128)];
    ascii_led_runs(head) > n || words(s).nth(n).is_some()
}

/// A full date anywhere in a byline-sized line ("By Jane Roe | June 5, 2020, 10:00").
fn date_in_short_line(p: &str) -> Option<(NaiveDate, usize)> {
    if more_words_than(p, BYLINE_MAX_WORDS) || !has_year_digits(p) {
        return None;
    }
    p.char_indices()
        .filter(|&(i, c)| !c.is_whitespace() && p[..i].ends_with(char::is_whitespace))
        .find_map(|(i, _)| date_at_start(&p[i..]))
}

/// True when `p` opens with a dateline: a date as [`date_at_start`] reads it (with its
/// upper-case place), then a dash before the story, a parenthesised agency between them or
/// not ("MOSCOW, March 3, 2021 — Kremlin …", "June 23, 2017 (EIRNS)—…", "MOSCOW, March 3,
/// 2021 (Reuters) - …", with a hyphen, an en or an em dash). Such a paragraph is the first
/// of the body, never a headline; a date followed by anything else ("Monday, June 5, 2020 |
/// 10:00") may be page furniture.
pub(crate) fn opens_with_dateline(p: &str) -> bool {
    if !digit_near_start(p) {
        return false;
    }
    let Some((_, end)) = date_opening(p) else {
        return false;
    };
    let mut rest = p[end..].trim_start();
    if rest.starts_with('(') {
        match rest.find(')') {
            Some(close) => rest = rest[close + 1..].trim_start(),
            None => return false,
        }
    }
    rest.strip_prefix(['-', '–', '—'])
        .is_some_and(|story| !story.trim_matches(['-', '–', '—', ' ']).is_empty())
}

/// Whether a digit comes early enough in `p` for a date to open it: the longest place, a
/// weekday, a month's name, the day and the year take under 80 bytes. Most paragraphs are
/// ruled out here, before a date is parsed.
fn digit_near_start(p: &str) -> bool {
    p.as_bytes().iter().take(80).any(u8::is_ascii_digit)
}

/// Words a place before a lone date may have ("Moscow", "St. Petersburg", "Rio de Janeiro").
const PLACE_MAX_WORDS: usize = 3;

/// A date after a place written in lower case too (`Moscow, March 3, 2021`: at most
/// [`PLACE_MAX_WORDS`] words, the first capitalised, then a comma), and where it ends;
/// [`date_at_start`] reads only upper-case places.
fn date_after_place(p: &str) -> Option<(NaiveDate, usize)> {
    if !p.starts_with(char::is_uppercase) {
        return None;
    }
    // The comma within a place's length: a paragraph is not searched to its end.
    let head = &p.as_bytes()[..p.len().min(PLACE_MAX_BYTES + 1)];
    let comma = head.iter().position(|&b| b == b',')?;
    let (place, rest) = (&p[..comma], &p[comma + 1..]);
    if place.split_whitespace().count() > PLACE_MAX_WORDS {
        return None;
    }
    let date = rest.trim_start();
    let (d, end) = date_at_start(date)?;
    Some((d, p.len() - date.len() + end))
}

/// The date `p` opens with, after an upper-case place ([`date_at_start`]) or one written in
/// lower case too ([`date_after_place`]), and where it ends.
fn date_opening(p: &str) -> Option<(NaiveDate, usize)> {
    date_at_start(p).or_else(|| date_after_place(p))
}

/// True when the line `p` is a date and nothing else: `March 3, 2021`, `Wednesday, March 3,
/// 2021`, `MOSCOW, March 3, 2021`, or after a place written in lower case too (`Moscow,
/// March 3, 2021`); a full stop may end it.
pub(crate) fn is_date_line(p: &str) -> bool {
    if !digit_near_start(p) {
        return false;
    }
    let p = p.trim_end_matches(['.', ' ']);
    date_opening(p).is_some_and(|(_, end)| end == p.len())
}

/// Dates keyed by article file name (columns `file,date`, ISO dates), overriding the text.
/// A row matches an article by the file name alone (the folders left out): `dir/a.txt` dates
/// every article named `a.txt`, in any folder. The manifest remembers which dates were asked
/// for, so that a run can name the rows that matched no input
/// ([`unused_rows_warning`](Self::unused_rows_warning)).
#[derive(Debug, Default)]
pub struct DateManifest {
    /// The file it was read from, named in the warning.
    path: PathBuf,
    /// Date by file name, and whether an article has asked for it: set through a shared
    /// reference, since one reader serves many threads.
    dates: HashMap<String, (NaiveDate, AtomicBool)>,
    /// Each row's line and file, as written.
    rows: Vec<(u64, String)>,
}

impl Clone for DateManifest {
    fn clone(&self) -> Self {
        let dates = self
            .dates
            .iter()
            .map(|(k, (d, used))| (k.clone(), (*d, AtomicBool::new(used.load(Relaxed)))))
            .collect();
        Self {
            path: self.path.clone(),
            dates,
            rows: self.rows.clone(),
        }
    }
}

fn file_key(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

impl DateManifest {
    /// Reads a manifest CSV; errors name the file and the line.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        Self::load_delimited(path, b',')
    }

    /// Loads a manifest whose fields are separated by `delimiter` (`b'\t'` for TSV).
    pub fn load_delimited(path: impl AsRef<Path>, delimiter: u8) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse_delimited(&text, path, delimiter)
    }

    /// Parses manifest CSV text; `path` only names the source in errors.
    pub fn parse(csv_text: &str, path: &Path) -> Result<Self> {
        Self::parse_delimited(csv_text, path, b',')
    }

    /// Parses manifest text whose fields are separated by `delimiter`.
    pub fn parse_delimited(csv_text: &str, path: &Path, delimiter: u8) -> Result<Self> {
        let err = |line: u64, message: String| Error::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(csv_text.as_bytes());
        let headers = rdr.headers().map_err(|e| err(1, e.to_string()))?.clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| err(1, format!("missing column `{name}` (expected file,date)")))
        };
        let (fi, di) = (col("file")?, col("date")?);
        let mut dates = HashMap::new();
        let mut rows = Vec::new();
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
            dates.insert(file_key(file).to_string(), (date, AtomicBool::new(false)));
            rows.push((line, file.to_string()));
        }
        Ok(Self {
            path: path.to_path_buf(),
            dates,
            rows,
        })
    }

    /// The date listed for an article name (matched on its file name); the row counts as
    /// used from then on.
    pub fn get(&self, name: &str) -> Option<NaiveDate> {
        let (date, used) = self.dates.get(file_key(name))?;
        // Read first: the flag's cache line is written once, not by every thread each time.
        if !used.load(Relaxed) {
            used.store(true, Relaxed);
        }
        Some(*date)
    }

    /// The rows whose file name no article has been asked for by ([`get`](Self::get)): each
    /// one's line and file as written, in order.
    pub fn unused_rows(&self) -> Vec<(u64, &str)> {
        self.rows
            .iter()
            .filter(|(_, file)| {
                !self
                    .dates
                    .get(file_key(file))
                    .is_some_and(|(_, used)| used.load(Relaxed))
            })
            .map(|(line, file)| (*line, file.as_str()))
            .collect()
    }

    /// After a run, one warning naming the rows that matched no input article (how many, the
    /// first two with their lines) and how rows are matched; `None` when every row was used.
    pub fn unused_rows_warning(&self) -> Option<String> {
        let unused = self.unused_rows();
        let (first, n) = (unused.first()?, unused.len());
        let mut shown = format!("line {}: {}", first.0, first.1);
        if let Some((line, file)) = unused.get(1) {
            shown.push_str(&format!(", line {line}: {file}"));
        }
        if n > 2 {
            shown.push_str(", …");
        }
        let verb = if n == 1 { "names" } else { "name" };
        Some(format!(
            "{}: {n} of {} rows {verb} no input file ({shown}); a row matches an input by its \
             file name alone, the folders left out (`dir/a.txt` dates any input named `a.txt`; \
             a table row by its id): check those names against the inputs",
            self.path.display(),
            self.rows.len(),
        ))
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
/// (`None` when the title came from a header line or the article has no headline): a date on
/// its own line above the headline is page furniture (`Banner`); a date opening a paragraph
/// below it, or opening an article without a headline, is the dateline.
pub(crate) fn from_paragraphs(
    paras: &[&str],
    title: Option<usize>,
) -> Option<(NaiveDate, DateSource)> {
    // A lone paragraph is the title and the body at once (a one-paragraph wire story): its
    // dateline counts.
    let first_body = title
        .map_or(0, |t| t + 1)
        .min(paras.len().saturating_sub(1));
    for p in paras.iter().skip(first_body).take(DATELINE_PARAGRAPHS) {
        let found = date_opening(p).or_else(|| date_in_short_line(p));
        if let Some((d, _)) = found {
            return Some((d, DateSource::Dateline));
        }
    }
    for p in paras.iter().take(first_body) {
        // The date first: it is found or not in a few bytes.
        if let Some((d, _)) = date_at_start(p) {
            if !more_words_than(p, BANNER_MAX_WORDS) {
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

    /// [`date_at_start`] as it was: the pattern, after the four-digit prefilter (which also
    /// turns away years in non-ASCII digits, which the pattern's `\d` accepts).
    fn date_at_start_oracle(s: &str) -> Option<(NaiveDate, usize)> {
        has_year_digits(s)
            .then(|| date_at_start_by_pattern(s))
            .flatten()
    }

    /// Asserts that the hand parser, when sure, finds what the pattern finds, and that
    /// [`date_at_start`] is the oracle; true when the hand parser was sure.
    fn check_by_hand(t: &str) -> bool {
        let by_hand = date_at_start_by_hand(t);
        if let Ok(found) = by_hand {
            assert_eq!(found, date_at_start_by_pattern(t), "{t:?}");
        }
        assert_eq!(date_at_start(t), date_at_start_oracle(t), "{t:?}");
        by_hand.is_ok()
    }

    #[test]
    fn dates_read_by_hand_are_the_patterns() {
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
            "Sept. 5, 2019 (EIRNS)—x",
            "SEPTEMBER 5TH 2019",
            "sep 5 2019",
            "Septem 5, 2019",
            "12 December 2019",
            "12th Dec., 2019",
            "123 December 2019",
            "1 2 December 2019",
            "Monday, June 24, 2024",
            "Wed. June 5, 2019",
            "Wednesday June 5, 2019",
            "Tuesday, 5 June 2019",
            "Thurs., 5 June 2019",
            "Mon 2019-06-05",
            "Monday 31 June 2019",
            "MOSCOW, May 3, 2018 - x",
            "MOSCOW. May 3 (Interfax)",
            "U.S. NAVY, May 3, 2018",
            "NEW YORK, N.Y., May 3, 2018",
            "MAY 3, 2018",
            "MAY, 3 May 2018",
            "A, B. May 3, 2018",
            "A. Monday, May 3, 2018",
            "June 5, 2020, 10:00",
            "June 5, 20201",
            "June 5, 2020x",
            "June\u{a0}5, 2020",
            "June 5,\u{2003}2020",
            "June 5, 2020\u{a0}",
            "June 5, 2020’s",
            "June 5, 2020ü",
            "\u{17f}ept 5, 2020",
            "June 5, \u{663}\u{660}\u{662}\u{660}",
            "“June 5, 2020”",
            "The talks, 2020",
            "",
        ];
        for t in texts {
            check_by_hand(t);
        }
        assert!(check_by_hand("MOSCOW, May 3, 2018 - x"));
        assert!(check_by_hand("The talks on June 5, 2020 were long."));
        assert!(!check_by_hand("June\u{a0}5, 2020"));
    }

    /// Variants of each piece of the pattern, near misses and characters the hand parser must
    /// leave to the pattern included.
    #[rustfmt::skip]
    const PLACES: &[&str] = &[
        "", "", "MOSCOW, ", "U.S. NAVY. ", "NY,", "A.", "MAY, ", "A, B. ", "x, ", "MOSCOW,\u{a0}",
        "O'HARE-X.\n", "M",
    ];
    #[rustfmt::skip]
    const WEEKDAYS: &[&str] = &[
        "", "", "Monday, ", "Wed. ", "Tues ", "THURS., ", "Saturday,", "sun. ", "Tuesday\u{a0}",
        "Wednes", "\u{17f}at ", "Fri.\t",
    ];
    #[rustfmt::skip]
    const MONTHS: &[&str] = &[
        "Sept", "September", "sep", "Jun", "June", "MAY", "Mar", "Marc", "\u{17f}ept", "dec",
        "Augu", "x",
    ];
    const DOTS: &[&str] = &["", "", ".", ",", ".,"];
    #[rustfmt::skip]
    const SPACES: &[&str] = &[" ", " ", " ", " ", "  ", "", "\u{a0}", "\t", "\n "];
    const DAYS: &[&str] = &["5", "12", "31", "123", "0", "\u{663}", "05", "30"];
    const SUFFIXES: &[&str] = &["", "", "th", "ST", "nd", "x", "\u{17f}t"];
    #[rustfmt::skip]
    const YEARS: &[&str] = &[
        "2019", "2020", "1999", "2021", "2022", "201", "20191", "2019x", "2019’s", "2019—",
        "2019é", "2019_", "\u{663}\u{660}\u{662}\u{660}", "2019\u{200d}",
    ];
    #[rustfmt::skip]
    const ISO: &[&str] = &[
        "2018-05-03", "2019-02-30", "2018-5-03", "2018-05-3", "20180-05-03", "2018-05-031",
    ];
    const TAILS: &[&str] = &["", "", " (EIRNS)—x", ", 10:00", "x", ".", "\u{85}"];

    /// A text from the variants picked by `at` (any numbers) for the pattern's three forms.
    fn date_like(form: usize, at: &[usize]) -> String {
        let pick = |k: usize, list: &[&'static str]| list[at[k] % list.len()];
        let mut t = vec![pick(0, PLACES), pick(1, WEEKDAYS)];
        match form % 3 {
            0 => t.extend([
                pick(2, MONTHS),
                pick(3, DOTS),
                pick(4, SPACES),
                pick(5, DAYS),
                pick(6, SUFFIXES),
                pick(7, DOTS),
                pick(8, SPACES),
                pick(9, YEARS),
            ]),
            1 => t.extend([
                pick(5, DAYS),
                pick(6, SUFFIXES),
                pick(4, SPACES),
                pick(2, MONTHS),
                pick(3, DOTS),
                pick(8, SPACES),
                pick(9, YEARS),
            ]),
            _ => t.push(pick(2, ISO)),
        }
        t.push(pick(10, TAILS));
        t.concat()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn dates_by_hand_are_the_patterns_on_date_like_texts(
            form in 0..3usize,
            at in proptest::collection::vec(0..100usize, 11),
        ) {
            check_by_hand(&date_like(form, &at));
        }

        #[test]
        fn dates_by_hand_are_the_patterns_on_pieces(
            pieces in proptest::collection::vec(0..PIECES.len(), 0..9)
        ) {
            let t: String = pieces.iter().map(|&i| PIECES[i]).collect();
            check_by_hand(&t);
        }
    }

    /// Texts put together from these pieces: dates, places, weekdays and characters the hand
    /// parser must leave to the pattern, in any order.
    #[rustfmt::skip]
    const PIECES: [&str; 58] = [
        " ", " ", "  ", "\t", "\u{b}", "\u{a0}", "\u{2003}", ",", ".", "-", "'", "_", "x", "é",
        "—", "’", "MOSCOW", "U.S.", "A", "NY", "Mon", "day", "Tues", "wed", "NES", "thu", "rs",
        "Sat", "ur", "Sun", "May", "June", "jun", "Sept", "sep", "t", "ember", "Dec", "ember",
        "MARCH", "1", "5", "12", "31", "05", "2019", "2020", "20", "2018-05-03", "st", "th",
        "nd", "RD", "\u{17f}", "\u{212a}", "\u{663}", "(EIRNS)", "\n",
    ];

    /// The generated texts reach dates, and mostly ones the hand parser reads itself.
    #[test]
    fn date_like_texts_are_mostly_dates_read_by_hand() {
        let (mut dates, mut sure) = (0, 0);
        let mut seed = 1u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            usize::try_from(seed >> 40).expect("24 bits")
        };
        for _ in 0..3000 {
            let form = next();
            let at: Vec<usize> = (0..11).map(|_| next()).collect();
            let t = date_like(form, &at);
            if date_at_start_by_pattern(&t).is_some() {
                dates += 1;
                sure += usize::from(check_by_hand(&t));
            }
        }
        assert!(dates > 100 && sure * 3 > dates, "{dates} {sure}");
    }

    /// The non-ASCII characters [`byte_at`] leaves to the pattern are all it could match
    /// with `\s`, `\d` or an ASCII letter without case, and the punctuation [`boundary`]
    /// accepts is no word character.
    #[test]
    fn the_hand_parser_knows_the_non_ascii_characters_the_pattern_matches() {
        let letter = Regex::new("(?i)^[a-z]$").expect("valid");
        let (space, digit, word) = (
            Regex::new(r"^\s$").expect("valid"),
            Regex::new(r"^\d$").expect("valid"),
            Regex::new(r"^\w$").expect("valid"),
        );
        let mut buf = [0; 4];
        for c in ('\u{80}'..=char::MAX).filter(|c| !c.is_ascii()) {
            let c: &str = c.encode_utf8(&mut buf);
            if letter.is_match(c) || space.is_match(c) || digit.is_match(c) {
                assert_eq!(non_ascii_at(c, 0), Err(Unsure), "{c:?}");
            }
            if boundary(c, 0) == Ok(true) {
                assert!(!word.is_match(c), "{c:?}");
            }
        }
    }

    #[test]
    fn months_by_first_letter_are_the_month_names() {
        for first in b'a'..=b'z' {
            let want: Vec<usize> = (1..=12)
                .filter(|&m| MONTH_FORMS[m - 1][0].as_bytes()[0] == first)
                .collect();
            assert_eq!(months_starting_with(first), want, "{}", char::from(first));
        }
    }

    #[test]
    fn more_words_than_counts_split_whitespace() {
        for s in [
            "",
            " ",
            "a",
            " a  b ",
            "a\u{a0}b",
            "a\u{b}b\tc\n",
            "we’re\u{2003}here\u{3000}",
            "x \u{85}y",
            "é ü\u{2003}",
            // Runs of other whitespace between ASCII whitespace are no words.
            "\u{2003}\u{b}\u{a0}\t\u{85} \u{85}",
            "a \u{3000} \u{2003}\u{a0} b",
        ] {
            for n in 0..5 {
                let want = s.split_whitespace().count() > n;
                assert_eq!(more_words_than(s, n), want, "{s:?} {n}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn more_words_than_is_split_whitespace_count(
            s in "[a \u{a0}\u{2003}\t\u{b}é’\u{85}]{0,24}|[ab \u{a0}\u{2003}\t\né]{100,200}",
            n in 0..8usize,
        ) {
            proptest::prop_assert_eq!(more_words_than(&s, n), s.split_whitespace().count() > n);
        }
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
    fn datelines_are_a_date_then_a_dash() {
        for p in [
            "MOSCOW, March 3, 2021 — Kremlin spokesman Dmitry Peskov spoke.",
            "MOSCOW, March 3, 2021 - Peskov spoke.",
            "MOSCOW, March 3, 2021 – Peskov spoke.",
            "MOSCOW, March 3, 2021—Peskov spoke.",
            "MOSCOW, March 3, 2021 (Reuters) - Peskov spoke.",
            "June 23, 2017 (EIRNS)—Body.",
            "WASHINGTON, 3 March 2021 -- Blinken spoke.",
            "Moscow, March 3, 2021 — Peskov spoke.",
        ] {
            assert!(opens_with_dateline(p), "{p}");
        }
        for p in [
            "March 3, 2021",
            "MOSCOW, March 3, 2021",
            "Monday, June 5, 2020 | 10:00",
            "March 3, 2021 -",
            "March 3, 2021 (updated",
            "MOSCOW (Reuters) - Peskov spoke.",
            "Putin and Biden met in Geneva, March 3, 2021 — talks.",
            "Peskov spoke on March 3, 2021 — and again.",
        ] {
            assert!(!opens_with_dateline(p), "{p}");
        }
    }

    #[test]
    fn date_lines_are_a_date_alone() {
        for p in [
            "March 3, 2021",
            "Wednesday, March 3, 2021.",
            "MOSCOW, March 3, 2021",
            "Moscow, March 3, 2021",
            "St. Petersburg, 3 March 2021",
            "2021-03-03",
        ] {
            assert!(is_date_line(p), "{p}");
        }
        for p in [
            "Monday, June 5, 2020 | 10:00",
            "MOSCOW, March 3, 2021 — Peskov spoke.",
            "Putin and Biden met in Geneva, June 16, 2021",
            "moscow, March 3, 2021",
            "Moscow, March 2021",
            "World",
        ] {
            assert!(!is_date_line(p), "{p}");
        }
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

    #[test]
    fn rows_no_article_asked_for_are_named_once() {
        let m = DateManifest::parse(
            "file,date\na.txt,2020-01-02\nx/b.txt,2020-01-03\nc.txt,2020-01-04\nd.txt,2020-01-05\n",
            Path::new("m.csv"),
        )
        .expect("parses");
        assert_eq!(m.get("seeds/a.txt"), Some(d(2020, 1, 2)));
        assert_eq!(m.get("e.txt"), None);
        assert_eq!(
            m.unused_rows(),
            [(3, "x/b.txt"), (4, "c.txt"), (5, "d.txt")]
        );
        let w = m.unused_rows_warning().expect("rows unused");
        assert!(
            w.starts_with("m.csv: 3 of 4 rows name no input file (line 3: x/b.txt, line 4: c.txt, …); a row matches an input by its file name alone"),
            "{w}"
        );
        // A clone keeps what was used; once every row is, no warning.
        let m = m.clone();
        for name in ["b.txt", "c.txt", "other/d.txt"] {
            m.get(name);
        }
        assert_eq!(m.unused_rows_warning(), None);
    }
}
