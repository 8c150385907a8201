//! Labeled CSV rows: column selection, row filters, mention marking, and clear errors.
//!
//! A labeled CSV has a header row and at least a text column; training and evaluation also need a
//! label column. Every problem is reported with the file and the 1-based line of the CSV record,
//! and a missing column names the columns that exist.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::text::MENTION_MARKER;

/// Which columns of a CSV to read, and which rows to keep.
#[derive(Clone, Debug)]
pub struct Columns {
    /// Column holding the text to classify.
    pub text: String,
    /// Column holding the label; `None` when only predicting.
    pub label: Option<String>,
    /// Column naming the target of the stance (e.g. the person mentioned).
    pub target: Option<String>,
    /// Columns holding the target mention's start and end (character offsets, end exclusive);
    /// the span is replaced by [`MENTION_MARKER`].
    pub mention: Option<(String, String)>,
    /// `--where COL=VALUE`: keep only rows whose column equals the value (all must hold).
    pub filters: Vec<(String, String)>,
    /// `--group-col`: rows with the same value here stay in the same cross-validation fold.
    pub group: Option<String>,
    /// `--train-only-where COL=VALUE`: rows whose columns all equal these values are kept,
    /// but only ever train (never scored in cross-validation); see [`Row::train_only`].
    pub train_only: Vec<(String, String)>,
    /// Keep every field of each row in [`Row::fields`] (`predict` passes them through).
    /// Off, a row holds only the columns above: training on a million rows then does not
    /// hold every text twice more.
    pub keep_fields: bool,
    /// The byte between fields: `b','` for CSV, `b'\t'` for TSV.
    pub delimiter: u8,
}

impl Columns {
    /// Text in column `text`, labels in column `label`; no target, no filters.
    pub fn new(text: &str, label: Option<&str>) -> Self {
        Columns {
            text: text.to_string(),
            label: label.map(str::to_string),
            target: None,
            mention: None,
            filters: Vec::new(),
            group: None,
            train_only: Vec::new(),
            keep_fields: false,
            delimiter: b',',
        }
    }
}

/// One usable row of a labeled CSV.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// 1-based line of the record in the file (the header is line 1).
    pub line: u64,
    /// The text, with the target mention replaced by the marker when asked.
    pub text: String,
    /// The text as written in the file, when marking the mention changed it.
    pub original_text: Option<String>,
    /// The label, when a label column was asked for.
    pub label: Option<String>,
    /// The target, when a target column was asked for.
    pub target: Option<String>,
    /// The value of the [`Columns::group`] column, when one was asked for.
    pub group: Option<String>,
    /// Whether the row matches [`Columns::train_only`].
    pub train_only: bool,
    /// Every field of the record, in the order of the header (for passing columns through to
    /// output), when [`Columns::keep_fields`] asked for them; empty otherwise.
    pub fields: Vec<String>,
}

impl Row {
    /// The text as written in the file (before mention marking), which keeps the rows of
    /// one sentence together in cross-validation.
    pub fn original_text(&self) -> &str {
        self.original_text.as_deref().unwrap_or(&self.text)
    }
}

/// The usable rows of one CSV file.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Where the rows came from.
    pub path: PathBuf,
    /// The header row.
    pub headers: Vec<String>,
    /// Rows kept, in file order.
    pub rows: Vec<Row>,
    /// Rows dropped by `--where` filters.
    pub filtered_out: usize,
    /// Invalid rows skipped (only with `skip_invalid`), with their error messages.
    pub skipped: Vec<String>,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

impl Dataset {
    /// The rows of several files, in order, as one dataset: the first file's path and header,
    /// the counts summed, and for several files a SHA-256 over each file's name and SHA-256
    /// (one file keeps its own).
    pub fn concat(parts: Vec<Dataset>) -> Result<Dataset> {
        let mut parts = parts.into_iter();
        let Some(mut all) = parts.next() else {
            return Err(Error::InvalidParams("no data file given".into()));
        };
        let mut identity = format!("{}:{}\n", file_name(&all.path), all.sha256);
        let mut several = false;
        for part in parts {
            several = true;
            identity.push_str(&format!("{}:{}\n", file_name(&part.path), part.sha256));
            all.rows.extend(part.rows);
            all.filtered_out += part.filtered_out;
            all.skipped.extend(part.skipped);
        }
        if several {
            all.sha256 = hex(&Sha256::digest(identity.as_bytes()));
        }
        Ok(all)
    }

    /// Texts of the rows, in order.
    pub fn texts(&self) -> Vec<&str> {
        self.rows.iter().map(|r| r.text.as_str()).collect()
    }

    /// Labels of the rows, in order (empty strings when no label column was read).
    pub fn labels(&self) -> Vec<&str> {
        self.rows
            .iter()
            .map(|r| r.label.as_deref().unwrap_or(""))
            .collect()
    }

    /// Checks that each class is written one way: two labels that differ only in case
    /// (`Positive`, `positive`) are an error naming the first line of each; otherwise they
    /// would train as two classes.
    pub fn check_label_spellings(&self) -> Result<()> {
        let mut first: BTreeMap<String, (&str, u64)> = BTreeMap::new();
        for row in &self.rows {
            let Some(label) = row.label.as_deref() else {
                continue;
            };
            let (seen, line) = *first
                .entry(label.to_lowercase())
                .or_insert((label, row.line));
            if seen != label {
                return Err(Error::Csv {
                    path: self.path.clone(),
                    line: row.line,
                    message: format!(
                        "the label `{label}` differs only in case from `{seen}` (line \
                         {line}): write each label one way, or they train as two classes"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Labels so much rarer than the largest class that they are likely typos (`pos` beside
    /// `positive`): fewer than 5 rows and under a twentieth of the largest class. Each with
    /// its count.
    pub fn rare_labels(&self) -> Vec<(String, usize)> {
        let counts = self.label_counts();
        let largest = counts.values().copied().max().unwrap_or(0);
        counts
            .into_iter()
            .filter(|&(_, n)| n < 5 && n * 20 < largest)
            .collect()
    }

    /// Number of rows per label, sorted by label.
    pub fn label_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for row in &self.rows {
            if let Some(label) = &row.label {
                *counts.entry(label.clone()).or_insert(0) += 1;
            }
        }
        counts
    }
}

/// A path's file name (model files record names, not where the data was).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads a labeled CSV file.
///
/// With `skip_invalid`, rows with an empty text or label, a bad mention span or a malformed
/// record are skipped and listed in [`Dataset::skipped`]; without it the first one is an error.
pub fn load_csv(path: &Path, columns: &Columns, skip_invalid: bool) -> Result<Dataset> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let mut dataset = parse_csv(path, &bytes, columns, skip_invalid)?;
    dataset.sha256 = sha256;
    Ok(dataset)
}

/// Parses CSV bytes; `path` is only used in messages.
pub fn parse_csv(
    path: &Path,
    bytes: &[u8],
    columns: &Columns,
    skip_invalid: bool,
) -> Result<Dataset> {
    let mut reader = RowReader::new(path, bytes, columns, skip_invalid)?;
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row()? {
        rows.push(row);
    }
    Ok(Dataset {
        path: path.to_path_buf(),
        headers: reader.headers,
        rows,
        filtered_out: reader.filtered_out,
        skipped: reader.skipped,
        sha256: String::new(),
    })
}

/// The usable rows of a labeled CSV, one at a time, so that a file of any size can be
/// processed in bounded memory (`predict --data` streams through it). [`parse_csv`] is this
/// reader collected.
pub struct RowReader<R: std::io::Read> {
    path: PathBuf,
    reader: csv::Reader<LineCounter<R>>,
    headers: Vec<String>,
    indices: ColumnIndices,
    filter_idx: Vec<(usize, String)>,
    train_only_idx: Vec<(usize, String)>,
    skip_invalid: bool,
    record: csv::StringRecord,
    /// Rows dropped by `--where` filters so far.
    pub filtered_out: usize,
    /// Invalid rows skipped so far (only with `skip_invalid`), with their error messages.
    pub skipped: Vec<String>,
}

impl RowReader<std::fs::File> {
    /// Opens the CSV file at `path`.
    pub fn open(path: &Path, columns: &Columns, skip_invalid: bool) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        RowReader::new(path, file, columns, skip_invalid)
    }
}

impl<R: std::io::Read> RowReader<R> {
    /// Reads the header row of `source` and finds the columns; `path` is only used in
    /// messages. With `skip_invalid`, rows with an empty text or label, a bad mention span or
    /// a malformed record are skipped and listed in [`skipped`](Self::skipped); without it
    /// the first one is an error.
    pub fn new(path: &Path, source: R, columns: &Columns, skip_invalid: bool) -> Result<Self> {
        let csv_error = |line: u64, message: String| Error::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .delimiter(columns.delimiter)
            .from_reader(LineCounter::new(source));
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(1, describe_csv_error(&e)))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(csv_error(1, "the file has no header row".into()));
        }
        let find = |name: &str| -> Result<usize> {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| Error::MissingColumn {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                    columns: headers.clone(),
                })
        };
        let indices = ColumnIndices {
            text: find(&columns.text)?,
            label: columns.label.as_deref().map(find).transpose()?,
            target: columns.target.as_deref().map(find).transpose()?,
            mention: match &columns.mention {
                Some((start, end)) => Some((find(start)?, find(end)?)),
                None => None,
            },
            group: columns.group.as_deref().map(find).transpose()?,
            all_fields: columns.keep_fields,
        };
        let locate = |pairs: &[(String, String)], flag: &str| -> Result<Vec<(usize, String)>> {
            pairs
                .iter()
                .map(|(col, value)| {
                    let index = find(col).map_err(|_| {
                        csv_error(
                            1,
                            format!(
                                "no column named `{col}` for {flag} {col}={value}; the columns \
                                 are: {}; leave the filter out or name one of them",
                                headers.join(", ")
                            ),
                        )
                    })?;
                    Ok((index, value.clone()))
                })
                .collect()
        };
        let filter_idx = locate(&columns.filters, "--where")?;
        let train_only_idx = locate(&columns.train_only, "--train-only-where")?;
        Ok(RowReader {
            path: path.to_path_buf(),
            reader,
            headers,
            indices,
            filter_idx,
            train_only_idx,
            skip_invalid,
            record: csv::StringRecord::new(),
            filtered_out: 0,
            skipped: Vec::new(),
        })
    }

    /// The file (as named in messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The header row.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The next row kept by the filters, `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row>> {
        loop {
            let offset_hint = self.reader.position().byte();
            let parsed = match self.reader.read_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    let offset = self.record.position().map_or(offset_hint, |p| p.byte());
                    let line = self.reader.get_mut().line_at(offset);
                    read_row(&self.record, line, &self.headers, &self.indices)
                        .map_err(|message| self.csv_error(line, message))
                }
                Err(e) => {
                    let offset = e.position().map_or(offset_hint, |p| p.byte());
                    let line = self.reader.get_mut().line_at(offset);
                    Err(self.csv_error(line, describe_csv_error(&e)))
                }
            };
            match parsed {
                Ok(mut row) => {
                    let record = &self.record;
                    let matches = |pairs: &[(usize, String)]| {
                        pairs
                            .iter()
                            .all(|(idx, value)| record.get(*idx).map(str::trim) == Some(value))
                    };
                    if matches(&self.filter_idx) {
                        row.train_only =
                            !self.train_only_idx.is_empty() && matches(&self.train_only_idx);
                        return Ok(Some(row));
                    }
                    self.filtered_out += 1;
                }
                Err(e) if self.skip_invalid => self.skipped.push(e.to_string()),
                Err(e) => return Err(e),
            }
        }
    }

    fn csv_error(&self, line: u64, message: String) -> Error {
        Error::Csv {
            path: self.path.clone(),
            line,
            message,
        }
    }
}

/// Where the columns of [`Columns`] are in the header.
struct ColumnIndices {
    text: usize,
    label: Option<usize>,
    target: Option<usize>,
    mention: Option<(usize, usize)>,
    group: Option<usize>,
    /// Keep every field ([`Columns::keep_fields`]).
    all_fields: bool,
}

/// Turns one CSV record into a [`Row`], or says what is wrong with it.
fn read_row(
    record: &csv::StringRecord,
    line: u64,
    headers: &[String],
    indices: &ColumnIndices,
) -> std::result::Result<Row, String> {
    let field = |idx: usize| record.get(idx).unwrap_or("");
    let as_written = field(indices.text);
    if as_written.trim().is_empty() {
        return Err(format!("empty text in column `{}`", headers[indices.text]));
    }
    let label = match indices.label {
        Some(idx) => {
            let label = field(idx).trim();
            if label.is_empty() {
                return Err(format!("empty label in column `{}`", headers[idx]));
            }
            Some(label.to_string())
        }
        None => None,
    };
    let target = indices.target.map(|idx| field(idx).trim().to_string());
    let (text, original_text) = match indices.mention {
        Some((start_idx, end_idx)) => {
            let parse = |idx: usize| {
                field(idx).trim().parse::<usize>().map_err(|_| {
                    format!(
                        "column `{}` must be a character offset, found `{}`",
                        headers[idx],
                        field(idx)
                    )
                })
            };
            let marked = mark_mention(as_written, parse(start_idx)?, parse(end_idx)?)?;
            (marked, Some(as_written.to_string()))
        }
        None => (as_written.to_string(), None),
    };
    let group = indices.group.map(|idx| field(idx).to_string());
    let fields = if indices.all_fields {
        record.iter().map(str::to_string).collect()
    } else {
        Vec::new()
    };
    Ok(Row {
        line,
        text,
        original_text,
        label,
        target,
        group,
        train_only: false,
        fields,
    })
}

/// Line numbers of records from their byte offsets, for a CSV read as a stream.
///
/// The csv crate's own line numbers are one too low after a CRLF line end (it counts the `\n`
/// of a `\r\n` when it reads the next record), so lines are counted here: the line of the
/// first byte of the record that is not a line end. The csv reader reads through this
/// wrapper, which keeps the bytes read since the last record start (a few kilobytes: the csv
/// reader's buffer), so memory stays bounded. Offsets only grow, so each byte is counted once.
struct LineCounter<R> {
    inner: R,
    /// The bytes read from `offset` on.
    window: Vec<u8>,
    offset: usize,
    newlines: u64,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            window: Vec::new(),
            offset: 0,
            newlines: 0,
        }
    }

    fn line_at(&mut self, offset: u64) -> u64 {
        let end = self.offset + self.window.len();
        let mut start = (offset as usize).min(end);
        if start < self.offset {
            return self.newlines + 1;
        }
        while start < end && matches!(self.window[start - self.offset], b'\r' | b'\n') {
            start += 1;
        }
        let passed = self.window.drain(..start - self.offset);
        self.newlines += passed.filter(|&b| b == b'\n').count() as u64;
        self.offset = start;
        self.newlines + 1
    }
}

impl<R: std::io::Read> std::io::Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// Replaces the characters `start..end` (Unicode scalar offsets, end exclusive) with the
/// mention marker, padded with spaces so that it stays one token.
pub fn mark_mention(text: &str, start: usize, end: usize) -> std::result::Result<String, String> {
    let n_chars = text.chars().count();
    if start > end || end > n_chars {
        return Err(format!(
            "mention span {start}..{end} does not fit the text ({n_chars} characters)"
        ));
    }
    let byte_at = |char_idx: usize| {
        text.char_indices()
            .nth(char_idx)
            .map_or(text.len(), |(b, _)| b)
    };
    let (start_byte, end_byte) = (byte_at(start), byte_at(end));
    Ok(format!(
        "{} {MENTION_MARKER} {}",
        &text[..start_byte],
        &text[end_byte..]
    ))
}

/// A CSV error in words a user can act on (the position is added by the caller).
fn describe_csv_error(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "invalid UTF-8 in field {} (save the file as UTF-8)",
            err.field() + 1
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "the record has {len} fields but the header has {expected_len} \
             (check the quoting of this line)"
        ),
        csv::ErrorKind::Io(e) => e.to_string(),
        _ => error.to_string(),
    }
}

/// FNV-1a: a fixed, platform-independent hash (std's hashers are not guaranteed stable
/// across releases), for what is stored or must repeat: bootstrap seeds, text fingerprints.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Lower-case hex of a byte slice.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(csv: &str, columns: &Columns, skip: bool) -> Result<Dataset> {
        parse_csv(Path::new("t.csv"), csv.as_bytes(), columns, skip)
    }

    #[test]
    fn labels_written_two_ways_or_rare_ones_are_caught() {
        let columns = Columns::new("text", Some("label"));
        let mut csv = String::from("text,label\n");
        for i in 0..60 {
            csv.push_str(&format!("t{i},{}\n", ["positive", "negative"][i % 2]));
        }
        let clean = parse(&csv, &columns, false).unwrap();
        clean.check_label_spellings().unwrap();
        assert!(clean.rare_labels().is_empty());
        let typo = parse(&format!("{csv}x, Positive \ny,pos\n"), &columns, false).unwrap();
        let err = typo.check_label_spellings().unwrap_err().to_string();
        assert!(
            err.contains("t.csv:62") && err.contains("`Positive`") && err.contains("line 2"),
            "{err}"
        );
        assert_eq!(
            typo.rare_labels(),
            [("Positive".into(), 1), ("pos".into(), 1)]
        );
        // A small class in a small file is no typo.
        let small = parse(
            "text,label\na,positive\nb,negative\nc,negative\n",
            &columns,
            false,
        );
        assert!(small.unwrap().rare_labels().is_empty());
    }

    #[test]
    fn reads_text_and_label_with_lines() {
        let csv = "id,text,label\n1,Talks were useful,positive\n2,\"multi\nline\",neutral\n3,x,negative\n";
        let data = parse(csv, &Columns::new("text", Some("label")), false).unwrap();
        assert_eq!(data.texts(), vec!["Talks were useful", "multi\nline", "x"]);
        assert_eq!(data.labels(), vec!["positive", "neutral", "negative"]);
        assert_eq!(
            data.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 3, 5]
        );
        assert_eq!(data.headers[0], "id");
        // Every field only when asked for; a group column on its own.
        assert!(data.rows[0].fields.is_empty());
        let mut cols = Columns::new("text", Some("label"));
        cols.keep_fields = true;
        cols.group = Some("id".into());
        let data = parse(csv, &cols, false).unwrap();
        assert_eq!(data.rows[0].fields, ["1", "Talks were useful", "positive"]);
        assert_eq!(data.rows[2].group.as_deref(), Some("3"));
    }

    #[test]
    fn missing_column_names_the_columns_that_exist() {
        let err = parse("id,body\n1,x\n", &Columns::new("text", None), false).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("t.csv:1"), "{msg}");
        assert!(msg.contains("no column named `text`"), "{msg}");
        assert!(msg.contains("id, body"), "{msg}");
        assert!(!msg.contains("--delimiter"), "{msg}");
        let semi = parse(
            "text;label\nx;positive\n",
            &Columns::new("text", None),
            false,
        );
        let msg = semi.unwrap_err().to_string();
        assert!(msg.contains("pass --delimiter ';'"), "{msg}");
        assert!(
            matches!(&err, Error::MissingColumn { column, .. } if column == "text"),
            "{err:?}"
        );
    }

    #[test]
    fn empty_label_names_file_and_line_and_skip_invalid_counts() {
        let csv = "text,label\na,positive\nb,\nc,negative\n";
        let cols = Columns::new("text", Some("label"));
        let err = parse(csv, &cols, false).unwrap_err().to_string();
        assert!(err.starts_with("t.csv:3: empty label"), "{err}");
        let data = parse(csv, &cols, true).unwrap();
        assert_eq!(data.rows.len(), 2);
        assert_eq!(data.skipped.len(), 1);
    }

    #[test]
    fn malformed_record_and_invalid_utf8_are_reported_with_line() {
        let cols = Columns::new("text", Some("label"));
        let err = parse("text,label\na,b\nc,d,e\n", &cols, false)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("t.csv:3:") && err.contains("3 fields"),
            "{err}"
        );
        let bytes = b"text,label\nok,positive\nbad \xff,negative\n";
        let err = parse_csv(Path::new("t.csv"), bytes, &cols, false)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("t.csv:3:") && err.contains("UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let csv = "\u{feff}text,label\r\nhello,positive\r\n";
        let data = parse(csv, &Columns::new("text", Some("label")), false).unwrap();
        assert_eq!(data.texts(), vec!["hello"]);
        assert_eq!(data.labels(), vec!["positive"]);
    }

    /// Found by tests/csv_props.rs: the csv crate reports the line before a record that
    /// follows a CRLF line end.
    #[test]
    fn lines_are_right_with_crlf_blank_lines_and_quoted_newlines() {
        let cols = Columns::new("text", Some("label"));
        for (csv, line) in [
            ("text,label\r\na,positive\r\nb,\r\n", 3),
            ("text,label\n\na,positive\n\r\n\nb,\n", 6),
            ("text,label\r\n\"a\r\nb\",positive\r\nc,\r\n", 4),
        ] {
            let err = parse(csv, &cols, false).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("t.csv:{line}: empty label")),
                "{csv:?}: {err}"
            );
        }
        let data = parse("text,label\r\na,positive\r\nb,negative\r\n", &cols, false).unwrap();
        let lines: Vec<u64> = data.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn where_filters_keep_matching_rows() {
        let csv = "text,label,relevant\na,positive,yes\nb,negative,no\n";
        let mut cols = Columns::new("text", Some("label"));
        cols.filters.push(("relevant".into(), "yes".into()));
        let data = parse(csv, &cols, false).unwrap();
        assert_eq!(data.texts(), vec!["a"]);
        assert_eq!(data.filtered_out, 1);
        let no_column = parse("text,label\na,positive\n", &cols, false).unwrap_err();
        let msg = no_column.to_string();
        assert!(
            msg.contains("t.csv:1: no column named `relevant` for --where relevant=yes"),
            "{msg}"
        );
    }

    #[test]
    fn mention_span_is_replaced_by_the_marker_using_char_offsets() {
        // "Łukasz" has a two-byte first character: offsets are characters, not bytes.
        let marked = mark_mention("Łukasz met Putin today", 11, 16).unwrap();
        assert_eq!(marked, format!("Łukasz met  {MENTION_MARKER}  today"));
        assert!(mark_mention("short", 2, 9).is_err());
        let csv = "text,s,e,label\nTrump met Putin,10,15,neutral\n";
        let mut cols = Columns::new("text", Some("label"));
        cols.mention = Some(("s".into(), "e".into()));
        let data = parse(csv, &cols, false).unwrap();
        assert!(data.rows[0].text.contains(MENTION_MARKER));
        assert_eq!(data.rows[0].original_text(), "Trump met Putin");
    }
}
