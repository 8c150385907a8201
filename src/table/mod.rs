//! Tables of articles in, typed tables out.
//!
//! News corpora often come as tables, one article per row: CSV or TSV exports, JSON lines,
//! Parquet files of a news archive. [`ArticleTable`] reads such a table row by row (CSV and
//! JSONL line by line, Parquet by record batches), so a table of any size is read in bounded
//! memory; each row becomes an [`ArticleRow`]: its text, and its date, id, URL and title when
//! the table has such columns, and every other column passed through to the output
//! ([`Passthrough`]). [`Scorer::score_row`](crate::score::Scorer::score_row) scores one row.
//!
//! [`parquet`] writes rows of typed columns to a Parquet file, atomically.

pub mod parquet;

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::article::QuoteRecord;
use crate::score::SCORE_COLUMNS;
use crate::{Error, Result};

/// The formats of a table of articles, known by the file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// `.csv`: comma-separated, with a header row.
    Csv,
    /// `.tsv`: tab-separated, with a header row.
    Tsv,
    /// `.jsonl` or `.ndjson`: one JSON object per line.
    Jsonl,
    /// `.parquet`.
    Parquet,
}

impl TableFormat {
    /// The table format of a file name's extension (case-insensitive), `None` for another
    /// file (an article).
    pub fn of_path(path: &Path) -> Option<TableFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => TableFormat::Csv,
            "tsv" => TableFormat::Tsv,
            "jsonl" | "ndjson" => TableFormat::Jsonl,
            "parquet" => TableFormat::Parquet,
            _ => return None,
        })
    }
}

/// What a column of a table of articles holds (named in errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArticleField {
    /// The article's text.
    Text,
    /// Its date.
    Date,
    /// Its id (the output's `article`).
    Id,
    /// Where it is published.
    Url,
    /// Its title.
    Title,
}

impl std::fmt::Display for ArticleField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ArticleField::Text => "text",
            ArticleField::Date => "date",
            ArticleField::Id => "id",
            ArticleField::Url => "url",
            ArticleField::Title => "title",
        })
    }
}

/// Which columns of a table hold what. The text column must exist; the others are used
/// when the table has a column of their default name (`date`, `id`, `url`, `title`), and
/// must exist when named (`Some`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleColumns {
    /// The text column (default `text`).
    pub text: String,
    /// The date column, when named.
    pub date: Option<String>,
    /// The id column, when named.
    pub id: Option<String>,
    /// The URL column, when named.
    pub url: Option<String>,
    /// The title column, when named.
    pub title: Option<String>,
    /// The field separator of a `.csv` table (default `,`; a `.tsv` table is tab-separated
    /// whatever this says).
    pub delimiter: u8,
}

impl Default for ArticleColumns {
    fn default() -> Self {
        ArticleColumns {
            text: "text".into(),
            date: None,
            id: None,
            url: None,
            title: None,
            delimiter: b',',
        }
    }
}

/// The columns tonetrack writes for a quotation besides [`SCORE_COLUMNS`] (and `p_CLASS`):
/// with those, the names an input column is passed through under as `input_NAME`.
const MORE_OUTPUT_COLUMNS: [&str; 3] = ["probabilities", "tone", "top_terms"];

/// The output name of a passed-through input column: its own, or `input_NAME` when tonetrack
/// writes a column of that name.
pub fn passthrough_name(column: &str) -> String {
    if SCORE_COLUMNS.contains(&column)
        || MORE_OUTPUT_COLUMNS.contains(&column)
        || column.starts_with("p_")
    {
        format!("input_{column}")
    } else {
        column.to_string()
    }
}

/// The columns of an input table passed through to the output, after the standard columns:
/// their (output) names, shared by every row of a table, and one row's values (`None` for a
/// null or missing cell).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Passthrough {
    names: Arc<[String]>,
    values: Vec<Option<String>>,
}

impl Passthrough {
    /// Columns `names` with `values` (missing values are null, extra values dropped).
    pub fn new(names: Arc<[String]>, mut values: Vec<Option<String>>) -> Self {
        values.resize(names.len(), None);
        Passthrough { names, values }
    }

    /// No columns.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The names, shared.
    pub fn shared_names(&self) -> &Arc<[String]> {
        &self.names
    }

    /// The values, in the order of the names.
    pub fn values(&self) -> &[Option<String>] {
        &self.values
    }

    /// The value of the column `name` (`None` for a null cell or no such column).
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = self.names.iter().position(|n| n == name)?;
        self.values[i].as_deref()
    }

    /// The values of the columns `names` as CSV fields (empty for null), in that order.
    pub fn csv_fields<'a>(&'a self, names: &'a [String]) -> impl Iterator<Item = String> + 'a {
        self.values_for(names)
            .into_iter()
            .map(|v| v.unwrap_or_default().to_string())
    }

    /// The values of the columns `names` as Parquet cells of `types` ([`typed_cells`]).
    pub fn parquet_cells<'a>(
        &'a self,
        names: &'a [String],
        types: &[parquet::ColumnType],
    ) -> Result<Vec<parquet::Cell<'a>>> {
        typed_cells(names, types, self.values_for(names))
    }

    /// The values of the columns `names`, in that order: by position when they are this
    /// row's names (one table), by name otherwise (null where this row has no such column).
    pub fn values_for<'a>(&'a self, names: &'a [String]) -> Vec<Option<&'a str>> {
        if *self.names == *names {
            self.values.iter().map(Option::as_deref).collect()
        } else {
            names.iter().map(|n| self.get(n)).collect()
        }
    }
}

/// Passed-through cells of the columns `names` as Parquet cells of `types`: a typed
/// column's text (as the table reader wrote its number, flag or date) read back as its type;
/// `None` is a null cell.
pub fn typed_cells<'a>(
    names: &[String],
    types: &[parquet::ColumnType],
    values: impl IntoIterator<Item = Option<&'a str>>,
) -> Result<Vec<parquet::Cell<'a>>> {
    use parquet::{Cell, ColumnType as T};
    fn parsed<V: std::str::FromStr>(name: &str, t: T, v: Option<&str>) -> Result<Option<V>> {
        v.map(|v| {
            v.parse()
                .map_err(|_| Error::Data(format!("column `{name}`: `{v}` is not {t:?}")))
        })
        .transpose()
    }
    values
        .into_iter()
        .zip(types)
        .zip(names)
        .map(|((v, &t), name)| {
            Ok(match t {
                T::Text => Cell::Text(v),
                T::Integer => Cell::Integer(parsed(name, t, v)?),
                T::Count => Cell::Count(parsed(name, t, v)?),
                T::Float => Cell::Float(parsed(name, t, v)?),
                T::Bool => Cell::Bool(parsed(name, t, v)?),
                T::Date => Cell::Date(parsed(name, t, v)?),
                T::TextList => {
                    return Err(Error::Data(format!(
                        "column `{name}`: a list is never passed through"
                    )))
                }
            })
        })
        .collect()
}

impl Serialize for Passthrough {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.names.len()))?;
        for (name, value) in self.names.iter().zip(&self.values) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Passthrough {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let ordered = OrderedObject::deserialize(deserializer)?;
        let (names, values): (Vec<String>, Vec<Option<String>>) = ordered
            .0
            .into_iter()
            .map(|(k, v)| (k, json_cell(v)))
            .unzip();
        Ok(Passthrough::new(names.into(), values))
    }
}

/// A JSON value as a table cell: strings as they are, null as no value, anything else as
/// its JSON text.
fn json_cell(value: serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// A JSON object with its keys in the order written.
struct OrderedObject(Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for OrderedObject {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<OrderedObject, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                    entries.push(entry);
                }
                Ok(OrderedObject(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// One article of a table: what [`Scorer::score_row`](crate::score::Scorer::score_row) reads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleRow {
    /// The article's name in the output (`article`): its id, or `FILE:ROW`.
    pub name: String,
    /// The article's text.
    pub text: String,
    /// Its date; it takes precedence over a date in the text (`date_source` `column`).
    pub date: Option<NaiveDate>,
    /// Where it is published; it takes precedence over a `url:` header line.
    pub url: Option<String>,
    /// Its title; it takes precedence over the title found in the text.
    pub title: Option<String>,
    /// The other columns, passed through to every quotation of the article.
    pub columns: Passthrough,
}

impl ArticleRow {
    /// An article named `name` with `text` and nothing else.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        ArticleRow {
            name: name.into(),
            text: text.into(),
            ..ArticleRow::default()
        }
    }
}

/// The columns of `tonetrack quotes --format csv`: a [`QuoteRecord`]'s fields, in the order
/// of `score`'s.
pub const QUOTE_COLUMNS: [&str; 15] = [
    "article",
    "title",
    "url",
    "date",
    "date_source",
    "speaker",
    "speaker_kind",
    "attribution",
    "quote",
    "start",
    "end",
    "paragraph",
    "partial",
    "relevant",
    "cue",
];

/// A quotation as `tonetrack quotes` writes it: the record's fields (a title not found as
/// `""`), then the passed-through columns of its table (JSON: one object; CSV:
/// [`quote_csv_record`]). Written field by field: the title's `""` is not the record's.
#[derive(Debug, Clone)]
pub struct QuoteRow<'a> {
    /// The quotation.
    pub record: &'a QuoteRecord,
    /// Its table's other columns (none for an article file).
    pub columns: &'a Passthrough,
}

impl Serialize for QuoteRow<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.record;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("article", &r.article)?;
        map.serialize_entry("title", r.title.as_deref().unwrap_or(""))?;
        map.serialize_entry("url", &r.url)?;
        map.serialize_entry("date", &r.date)?;
        map.serialize_entry("date_source", &r.date_source)?;
        map.serialize_entry("speaker", &r.speaker)?;
        map.serialize_entry("speaker_kind", &r.speaker_kind)?;
        map.serialize_entry("attribution", &r.attribution)?;
        map.serialize_entry("quote", &r.quote)?;
        map.serialize_entry("start", &r.start)?;
        map.serialize_entry("end", &r.end)?;
        map.serialize_entry("paragraph", &r.paragraph)?;
        map.serialize_entry("partial", &r.partial)?;
        map.serialize_entry("relevant", &r.relevant)?;
        map.serialize_entry("cue", &r.cue)?;
        for (name, value) in self.columns.names().iter().zip(self.columns.values()) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A quotation as a CSV record of [`QUOTE_COLUMNS`] and the columns `passed`.
pub fn quote_csv_record(r: &QuoteRecord, columns: &Passthrough, passed: &[String]) -> Vec<String> {
    [
        r.article.clone(),
        r.title.clone().unwrap_or_default(),
        r.url.clone().unwrap_or_default(),
    ]
    .into_iter()
    .chain(record_csv_fields(r))
    .chain(columns.csv_fields(passed))
    .collect()
}

/// A record's fields from `date` to `cue` as CSV text: what the rows of `quotes` and `score`
/// share after the article's title and URL.
pub(crate) fn record_csv_fields(r: &QuoteRecord) -> [String; 12] {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    [
        r.date.map(|d| d.to_string()).unwrap_or_default(),
        r.date_source.as_str().to_string(),
        opt(&r.speaker),
        r.speaker_kind.as_str().to_string(),
        r.attribution.as_str().to_string(),
        r.quote.clone(),
        r.start.to_string(),
        r.end.to_string(),
        r.paragraph.to_string(),
        r.partial.to_string(),
        r.relevant.to_string(),
        opt(&r.cue),
    ]
}

/// [`record_csv_fields`] as Parquet cells.
pub(crate) fn record_parquet_cells(r: &QuoteRecord) -> [parquet::Cell<'_>; 12] {
    use parquet::Cell;
    [
        Cell::Date(r.date),
        Cell::Text(Some(r.date_source.as_str())),
        Cell::Text(r.speaker.as_deref()),
        Cell::Text(Some(r.speaker_kind.as_str())),
        Cell::Text(Some(r.attribution.as_str())),
        Cell::Text(Some(&r.quote)),
        Cell::Count(Some(r.start as u64)),
        Cell::Count(Some(r.end as u64)),
        Cell::Count(Some(r.paragraph as u64)),
        Cell::Bool(Some(r.partial)),
        Cell::Bool(Some(r.relevant)),
        Cell::Text(r.cue.as_deref()),
    ]
}

/// The types of `tonetrack quotes --format parquet`'s columns: [`QUOTE_COLUMNS`] (the date
/// a date, offsets counts, flags booleans) and the columns `passed`, of types `passed_types`
/// ([`ArticleTable::passthrough_types`]).
pub fn quote_parquet_columns(
    passed: &[String],
    passed_types: &[parquet::ColumnType],
) -> Vec<(String, parquet::ColumnType)> {
    QUOTE_COLUMNS
        .iter()
        .map(|&name| (name.to_string(), record_column_type(name)))
        .chain(passed.iter().cloned().zip(passed_types.iter().copied()))
        .collect()
}

/// The Parquet type of a quotation record's column (of [`QUOTE_COLUMNS`] and
/// [`SCORE_COLUMNS`]): the date a date, offsets counts, flags booleans, the rest text.
pub(crate) fn record_column_type(name: &str) -> parquet::ColumnType {
    use parquet::ColumnType as T;
    match name {
        "date" => T::Date,
        "start" | "end" | "paragraph" => T::Count,
        "partial" | "relevant" => T::Bool,
        _ => T::Text,
    }
}

/// A quotation as a row of [`quote_parquet_columns`].
pub fn quote_parquet_cells<'a>(
    r: &'a QuoteRecord,
    columns: &'a Passthrough,
    passed: &'a [String],
    passed_types: &[parquet::ColumnType],
) -> Result<Vec<parquet::Cell<'a>>> {
    use parquet::Cell;
    // A title not found is "" here, as in the CSV (`score` writes it as null); a URL not
    // given is null, as in `score`.
    let mut cells = vec![
        Cell::Text(Some(&r.article)),
        Cell::Text(Some(r.title.as_deref().unwrap_or(""))),
        Cell::Text(r.url.as_deref()),
    ];
    cells.extend(record_parquet_cells(r));
    cells.extend(columns.parquet_cells(passed, passed_types)?);
    Ok(cells)
}

/// A date cell written as text: `yyyy-mm-dd`, an ISO date and time (`2019-05-14T09:30:00`,
/// `2019-05-14 09:30`) or an RFC 3339 timestamp (the date as written, in its own offset).
/// `Ok(None)` for an empty cell; `Err` with the cell as written for anything else.
pub fn parse_date_cell(written: &str) -> std::result::Result<Option<NaiveDate>, String> {
    let cell = written.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
        return Ok(Some(d));
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(cell) {
        return Ok(Some(t.naive_local().date()));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(cell, format) {
            return Ok(Some(t.date()));
        }
    }
    // `2019-05-14 09:30:00+03:00` and `…Z` with a space.
    if let Ok(t) = chrono::DateTime::parse_from_str(cell, "%Y-%m-%d %H:%M:%S%.f%#z") {
        return Ok(Some(t.naive_local().date()));
    }
    Err(written.to_string())
}

/// Rows read at a time from a Parquet file.
const PARQUET_BATCH: usize = 1024;

/// Lines of a JSON lines table whose keys make its columns (read ahead, so held in memory).
const JSONL_KEY_SAMPLE: usize = 1000;

/// The column indices of the fields, and of the columns passed through.
#[derive(Clone, Debug)]
struct Layout {
    text: usize,
    date: Option<usize>,
    id: Option<usize>,
    url: Option<usize>,
    title: Option<usize>,
    passed: Vec<usize>,
}

impl Layout {
    fn of(path: &Path, header: &[String], columns: &ArticleColumns) -> Result<Layout> {
        let find = |name: &str| header.iter().position(|h| h == name);
        let missing = |field: ArticleField, column: &str| Error::MissingArticleColumn {
            path: path.to_path_buf(),
            field,
            column: column.to_string(),
            columns: header.to_vec(),
        };
        let optional = |named: &Option<String>, default: &str, field| match named {
            Some(name) => find(name).map(Some).ok_or_else(|| missing(field, name)),
            None => Ok(find(default)),
        };
        let text = find(&columns.text).ok_or_else(|| missing(ArticleField::Text, &columns.text))?;
        let date = optional(&columns.date, "date", ArticleField::Date)?;
        let id = optional(&columns.id, "id", ArticleField::Id)?;
        let url = optional(&columns.url, "url", ArticleField::Url)?;
        let title = optional(&columns.title, "title", ArticleField::Title)?;
        let used = [Some(text), date, id, url, title];
        let passed = (0..header.len())
            .filter(|i| !used.contains(&Some(*i)))
            .collect();
        Ok(Layout {
            text,
            date,
            id,
            url,
            title,
            passed,
        })
    }
}

/// Where the rows come from.
enum Source {
    Csv {
        reader: csv::Reader<File>,
        record: csv::StringRecord,
    },
    Jsonl {
        lines: std::io::Lines<BufReader<File>>,
        /// Lines read from the file so far.
        read: u64,
        /// The line of the row last returned.
        line: u64,
        /// The objects of the first lines (with their line numbers), read to learn the
        /// columns and not yet returned.
        sampled: VecDeque<(u64, Vec<(String, serde_json::Value)>)>,
    },
    Parquet {
        batches: ::parquet::arrow::arrow_reader::ParquetRecordBatchReader,
        batch: Option<RecordBatch>,
        next: usize,
    },
}

/// A table's header and rows, cell by cell.
struct RawTable {
    path: PathBuf,
    header: Vec<String>,
    /// The type of each column in Parquet output: Parquet's numbers, flags and dates keep
    /// their kind; everything else (and every CSV or JSON lines column) is text.
    types: Vec<parquet::ColumnType>,
    source: Source,
    /// Rows read so far.
    row: u64,
}

/// A table of articles, read row by row in bounded memory.
pub struct ArticleTable {
    raw: RawTable,
    layout: Layout,
    passed_names: Arc<[String]>,
    passed_types: Vec<parquet::ColumnType>,
    /// An error met after some rows of a chunk, returned by the next call.
    pending: Option<Error>,
}

impl std::fmt::Debug for ArticleTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArticleTable")
            .field("path", &self.raw.path)
            .field("header", &self.raw.header)
            .field("row", &self.raw.row)
            .finish()
    }
}

/// Any table (CSV, TSV, JSON lines, Parquet), row by row, every cell as text (`None` for a
/// null or missing cell; Parquet dates and timestamps as ISO dates, numbers written out).
pub struct RecordTable {
    raw: RawTable,
}

impl std::fmt::Debug for RecordTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordTable")
            .field("path", &self.raw.path)
            .field("header", &self.raw.header)
            .finish()
    }
}

impl RecordTable {
    /// Opens the table at `path`, its format by its extension ([`TableFormat::of_path`]).
    pub fn open(path: &Path) -> Result<RecordTable> {
        Ok(RecordTable {
            raw: RawTable::open(path, b',')?,
        })
    }

    /// The columns, as named in the file.
    pub fn header(&self) -> &[String] {
        &self.raw.header
    }

    /// The table's file.
    pub fn path(&self) -> &Path {
        &self.raw.path
    }

    /// The rows read so far (the number of the last row read).
    pub fn rows_read(&self) -> u64 {
        self.raw.row
    }

    /// The Parquet output type of each column, in the order of the header: a Parquet
    /// table's own ([`ArticleTable::passthrough_types`]), text for CSV and JSON lines.
    pub fn types(&self) -> &[parquet::ColumnType] {
        &self.raw.types
    }

    /// The next row's cells, in the order of the header; `None` at the end.
    pub fn next_record(&mut self) -> Result<Option<Vec<Option<String>>>> {
        let n = self.raw.header.len();
        Ok(self
            .raw
            .next_cells()?
            .map(|cells| (0..n).map(|i| cells.text(i)).collect()))
    }
}

fn table_error(path: &Path, location: Option<String>, message: impl Into<String>) -> Error {
    Error::Table {
        path: path.to_path_buf(),
        location,
        message: message.into(),
    }
}

/// The Parquet output type of an input Parquet column of type `t` (passed through): what its
/// text form (`arrow_text`) reads back as without loss.
fn output_type(t: &DataType) -> parquet::ColumnType {
    use parquet::ColumnType as T;
    use DataType::*;
    match t {
        Boolean => T::Bool,
        Int8 | Int16 | Int32 | Int64 => T::Integer,
        UInt8 | UInt16 | UInt32 | UInt64 => T::Count,
        Float32 | Float64 => T::Float,
        Date32 | Date64 | Timestamp(_, _) => T::Date,
        _ => T::Text,
    }
}

/// The Arrow types whose cells tonetrack reads.
fn readable_type(t: &DataType) -> bool {
    use DataType::*;
    matches!(
        t,
        Utf8 | LargeUtf8
            | Utf8View
            | Boolean
            | Int8
            | Int16
            | Int32
            | Int64
            | UInt8
            | UInt16
            | UInt32
            | UInt64
            | Float32
            | Float64
            | Date32
            | Date64
            | Timestamp(_, _)
            | Null
    )
}

impl RawTable {
    /// Opens the table at `path`, by its extension; a `.csv` table's fields are separated by
    /// `csv_delimiter`.
    fn open(path: &Path, csv_delimiter: u8) -> Result<RawTable> {
        let format = TableFormat::of_path(path).ok_or_else(|| {
            table_error(
                path,
                None,
                "not a table: name a .csv, .tsv, .jsonl, .ndjson or .parquet file",
            )
        })?;
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let (header, types, source) = match format {
            TableFormat::Csv => open_csv(path, file, csv_delimiter)?,
            TableFormat::Tsv => open_csv(path, file, b'\t')?,
            TableFormat::Jsonl => open_jsonl(path, file)?,
            TableFormat::Parquet => open_parquet(path, file)?,
        };
        let types = types.unwrap_or_else(|| vec![parquet::ColumnType::Text; header.len()]);
        Ok(RawTable {
            path: path.to_path_buf(),
            header,
            types,
            source,
            row: 0,
        })
    }
}

/// What opening a table finds: its header, its columns' Parquet types (a Parquet table's
/// own; `None`: all text) and the source of its rows.
type Opened = (Vec<String>, Option<Vec<parquet::ColumnType>>, Source);

/// A CSV or TSV table: the header is its first line, trimmed.
fn open_csv(path: &Path, file: File, delimiter: u8) -> Result<Opened> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| table_error(path, Some("line 1".into()), e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let record = csv::StringRecord::new();
    Ok((header, None, Source::Csv { reader, record }))
}

/// A JSON lines table: the header is every key of the first [`JSONL_KEY_SAMPLE`] objects
/// (blank lines skipped), which are kept as the first rows; a line may leave keys out.
fn open_jsonl(path: &Path, file: File) -> Result<Opened> {
    let mut lines = BufReader::new(file).lines();
    let mut read = 0;
    let mut sampled = VecDeque::new();
    while sampled.len() < JSONL_KEY_SAMPLE {
        let Some(text) = lines.next() else { break };
        read += 1;
        let text = text.map_err(|e| Error::io(path, e))?;
        if !text.trim().is_empty() {
            sampled.push_back((read, parse_object(path, read, &text)?));
        }
    }
    // Exporters leave out null keys, so one line's keys are not the table's: the columns are
    // every key of the sampled lines, in the order they first appear.
    let mut header: Vec<String> = Vec::new();
    for (_, object) in &sampled {
        for (key, _) in object {
            if !header.contains(key) {
                header.push(key.clone());
            }
        }
    }
    let source = Source::Jsonl {
        lines,
        read,
        line: 0,
        sampled,
    };
    Ok((header, None, source))
}

/// A Parquet table, read by record batches; a column of a type tonetrack does not read is
/// an error naming it, before any row is read.
fn open_parquet(path: &Path, file: File) -> Result<Opened> {
    let builder = ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| table_error(path, None, format!("not a readable Parquet file: {e}")))?;
    let schema = builder.schema().clone();
    if let Some(field) = schema
        .fields()
        .iter()
        .find(|f| !readable_type(f.data_type()))
    {
        return Err(table_error(
            path,
            None,
            format!(
                "column `{}` has type {}, which is not read: cast it to a string, number, \
                 boolean, date or timestamp",
                field.name(),
                field.data_type()
            ),
        ));
    }
    let header = schema.fields().iter().map(|f| f.name().clone()).collect();
    let types = schema
        .fields()
        .iter()
        .map(|f| output_type(f.data_type()))
        .collect();
    let batches = builder
        .with_batch_size(PARQUET_BATCH)
        .build()
        .map_err(|e| table_error(path, None, e.to_string()))?;
    let source = Source::Parquet {
        batches,
        batch: None,
        next: 0,
    };
    Ok((header, Some(types), source))
}

impl ArticleTable {
    /// Opens the table at `path` (its format by extension: [`TableFormat::of_path`]) and
    /// finds the columns. A missing text column, or a column named in `columns` that the
    /// table lacks, is [`Error::MissingArticleColumn`].
    pub fn open(path: &Path, columns: &ArticleColumns) -> Result<ArticleTable> {
        let raw = RawTable::open(path, columns.delimiter)?;
        let layout = Layout::of(path, &raw.header, columns)?;
        let passed_names: Arc<[String]> = layout
            .passed
            .iter()
            .map(|&i| passthrough_name(&raw.header[i]))
            .collect();
        let passed_types = layout.passed.iter().map(|&i| raw.types[i]).collect();
        Ok(ArticleTable {
            raw,
            layout,
            passed_names,
            passed_types,
            pending: None,
        })
    }

    /// The table's file.
    pub fn path(&self) -> &Path {
        &self.raw.path
    }

    /// The table's columns, as named in the file.
    pub fn header(&self) -> &[String] {
        &self.raw.header
    }

    /// The output names of the columns passed through, in the table's order.
    pub fn passthrough_names(&self) -> &Arc<[String]> {
        &self.passed_names
    }

    /// The types of the columns passed through in Parquet output, in the table's order:
    /// a Parquet table's integers, floats, flags, dates and timestamps (as dates) keep their
    /// kind; text and every CSV or JSON lines column are text.
    pub fn passthrough_types(&self) -> &[parquet::ColumnType] {
        &self.passed_types
    }

    /// Up to `max` next rows; empty at the end of the table. The rows before a row that
    /// cannot be read are returned first, its error by the next call.
    pub fn next_rows(&mut self, max: usize) -> Result<Vec<ArticleRow>> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        let mut rows = Vec::with_capacity(max.min(4096));
        while rows.len() < max {
            match self.next_row() {
                Ok(Some(row)) => rows.push(row),
                Ok(None) => break,
                Err(e) if rows.is_empty() => return Err(e),
                Err(e) => {
                    self.pending = Some(e);
                    break;
                }
            }
        }
        Ok(rows)
    }

    /// The next row, `None` at the end of the table.
    pub fn next_row(&mut self) -> Result<Option<ArticleRow>> {
        match self.raw.next_cells()? {
            Some(cells) => self.row_of(cells).map(Some),
            None => Ok(None),
        }
    }

    /// Turns one row's cells into an article.
    fn row_of(&self, cells: Cells) -> Result<ArticleRow> {
        let row = self.raw.row;
        let path = &self.raw.path;
        let l = &self.layout;
        let text = cells.text(l.text).unwrap_or_default();
        let date = match l.date {
            None => None,
            Some(i) => cells.date(i).map_err(|value| Error::TableDate {
                path: path.clone(),
                location: self.raw.location(),
                column: self.raw.header[i].clone(),
                value,
            })?,
        };
        let nonblank = |i: Option<usize>| {
            i.and_then(|i| cells.text(i))
                .filter(|s| !s.trim().is_empty())
        };
        let name = nonblank(l.id).unwrap_or_else(|| format!("{}:{row}", path.display()));
        Ok(ArticleRow {
            name,
            text,
            date,
            url: nonblank(l.url),
            title: nonblank(l.title),
            columns: Passthrough::new(
                self.passed_names.clone(),
                l.passed.iter().map(|&i| cells.text(i)).collect(),
            ),
        })
    }
}

impl RawTable {
    /// Where the row last read is, as its file's reader would look for it: `line N` of a CSV
    /// (where its record starts) or JSON lines file, `row N` of a Parquet table.
    fn location(&self) -> String {
        match &self.source {
            Source::Csv { record, .. } => match record.position() {
                Some(p) => format!("line {}", p.line()),
                None => format!("row {}", self.row),
            },
            Source::Jsonl { line, .. } => format!("line {line}"),
            Source::Parquet { .. } => format!("row {}", self.row),
        }
    }

    /// The next row's cells, `None` at the end of the table.
    fn next_cells(&mut self) -> Result<Option<Cells>> {
        let cells = match &mut self.source {
            Source::Csv { reader, record } => {
                match reader.read_record(record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {}
                    Err(e) => {
                        let line = e.position().map(|p| format!("line {}", p.line()));
                        return Err(table_error(&self.path, line, csv_message(&e)));
                    }
                }
                Cells::Text(record.iter().map(|c| Some(c.to_string())).collect())
            }
            Source::Jsonl {
                lines,
                read,
                line,
                sampled,
            } => {
                let object = match sampled.pop_front() {
                    Some((at, object)) => {
                        *line = at;
                        object
                    }
                    None => loop {
                        let Some(text) = lines.next() else {
                            return Ok(None);
                        };
                        *read += 1;
                        *line = *read;
                        let text = text.map_err(|e| {
                            table_error(&self.path, Some(format!("line {line}")), e.to_string())
                        })?;
                        if !text.trim().is_empty() {
                            break parse_object(&self.path, *line, &text)?;
                        }
                    },
                };
                let mut cells = vec![None; self.header.len()];
                for (key, value) in object {
                    let Some(i) = self.header.iter().position(|h| *h == key) else {
                        return Err(table_error(
                            &self.path,
                            Some(format!("line {line}")),
                            format!(
                                "key `{key}` is not among the keys of the first \
                                 {JSONL_KEY_SAMPLE} lines ({}), from which the columns are \
                                 learned: give it (as null) on a line among them",
                                self.header.join(", ")
                            ),
                        ));
                    };
                    cells[i] = Some(value);
                }
                Cells::Json(cells)
            }
            Source::Parquet {
                batches,
                batch,
                next,
            } => loop {
                if let Some(b) = batch.as_ref() {
                    if *next < b.num_rows() {
                        let i = *next;
                        *next += 1;
                        break Cells::Arrow(b.columns().to_vec(), i);
                    }
                }
                match batches.next() {
                    None => return Ok(None),
                    Some(Ok(b)) => {
                        *batch = Some(b);
                        *next = 0;
                    }
                    Some(Err(e)) => {
                        return Err(table_error(
                            &self.path,
                            Some(format!("row {}", self.row + 1)),
                            format!("cannot read Parquet: {e}"),
                        ))
                    }
                }
            },
        };
        self.row += 1;
        Ok(Some(cells))
    }
}

/// The message of a CSV error, without the position the caller reports.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the record has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "invalid UTF-8 in field {} (save the file as UTF-8)",
            err.field() + 1
        ),
        _ => e.to_string(),
    }
}

/// One JSON line as an object with its keys in order.
fn parse_object(path: &Path, line: u64, text: &str) -> Result<Vec<(String, serde_json::Value)>> {
    serde_json::from_str::<OrderedObject>(text)
        .map(|o| o.0)
        .map_err(|e| {
            table_error(
                path,
                Some(format!("line {line}")),
                format!("not a JSON object: {e} (a JSON lines table has one object per line)"),
            )
        })
}

/// One row's cells, in the table's column order.
enum Cells {
    Text(Vec<Option<String>>),
    Json(Vec<Option<serde_json::Value>>),
    Arrow(Vec<ArrayRef>, usize),
}

impl Cells {
    /// A cell as text (`None` when null or missing).
    fn text(&self, i: usize) -> Option<String> {
        match self {
            Cells::Text(cells) => cells.get(i).cloned().flatten(),
            Cells::Json(cells) => cells.get(i).cloned().flatten().and_then(json_cell),
            Cells::Arrow(columns, row) => arrow_text(&columns[i], *row),
        }
    }

    /// A date cell; `Err` with the cell as written when it is not a date.
    fn date(&self, i: usize) -> std::result::Result<Option<NaiveDate>, String> {
        if let Cells::Arrow(columns, row) = self {
            if let Some(date) = arrow_date(&columns[i], *row) {
                return Ok(date);
            }
        }
        match self.text(i) {
            None => Ok(None),
            Some(text) => parse_date_cell(&text),
        }
    }
}

/// Days from 0001-01-01 (day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

fn date_of_days(days: i64) -> Option<NaiveDate> {
    i32::try_from(days + UNIX_EPOCH_DAYS_FROM_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// The date of an Arrow date or timestamp cell (a timestamp's date in UTC); `None` when the
/// column is of another type (read as text).
fn arrow_date(column: &ArrayRef, row: usize) -> Option<Option<NaiveDate>> {
    let per_day: i64 = match column.data_type() {
        DataType::Date32 => 1,
        DataType::Date64 => 86_400_000,
        DataType::Timestamp(TimeUnit::Second, _) => 86_400,
        DataType::Timestamp(TimeUnit::Millisecond, _) => 86_400_000,
        DataType::Timestamp(TimeUnit::Microsecond, _) => 86_400_000_000,
        DataType::Timestamp(TimeUnit::Nanosecond, _) => 86_400_000_000_000,
        _ => return None,
    };
    if column.is_null(row) {
        return Some(None);
    }
    let value: i64 = match column.data_type() {
        DataType::Date32 => column.as_primitive::<Date32Type>().value(row).into(),
        DataType::Date64 => column.as_primitive::<Date64Type>().value(row),
        DataType::Timestamp(TimeUnit::Second, _) => {
            column.as_primitive::<TimestampSecondType>().value(row)
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            column.as_primitive::<TimestampMillisecondType>().value(row)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            column.as_primitive::<TimestampMicrosecondType>().value(row)
        }
        _ => column.as_primitive::<TimestampNanosecondType>().value(row),
    };
    Some(date_of_days(value.div_euclid(per_day)))
}

/// An Arrow cell as text (`None` when null): strings as they are, numbers and booleans
/// written out, dates and timestamps as their ISO date.
fn arrow_text(column: &ArrayRef, row: usize) -> Option<String> {
    if column.is_null(row) {
        return None;
    }
    if let Some(date) = arrow_date(column, row) {
        return date.map(|d| d.to_string());
    }
    Some(match column.data_type() {
        DataType::Utf8 => column.as_string::<i32>().value(row).to_string(),
        DataType::LargeUtf8 => column.as_string::<i64>().value(row).to_string(),
        DataType::Utf8View => column.as_string_view().value(row).to_string(),
        DataType::Boolean => column.as_boolean().value(row).to_string(),
        DataType::Int8 => column.as_primitive::<Int8Type>().value(row).to_string(),
        DataType::Int16 => column.as_primitive::<Int16Type>().value(row).to_string(),
        DataType::Int32 => column.as_primitive::<Int32Type>().value(row).to_string(),
        DataType::Int64 => column.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::UInt8 => column.as_primitive::<UInt8Type>().value(row).to_string(),
        DataType::UInt16 => column.as_primitive::<UInt16Type>().value(row).to_string(),
        DataType::UInt32 => column.as_primitive::<UInt32Type>().value(row).to_string(),
        DataType::UInt64 => column.as_primitive::<UInt64Type>().value(row).to_string(),
        DataType::Float32 => column.as_primitive::<Float32Type>().value(row).to_string(),
        DataType::Float64 => column.as_primitive::<Float64Type>().value(row).to_string(),
        // Refused when the table is opened.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_cells_in_every_accepted_form() {
        let d = NaiveDate::from_ymd_opt(2019, 5, 14);
        for cell in [
            "2019-05-14",
            " 2019-05-14 ",
            "2019-05-14T09:30:00",
            "2019-05-14T09:30:00.250",
            "2019-05-14 09:30",
            "2019-05-14T09:30:00Z",
            "2019-05-14T23:30:00-05:00",
            "2019-05-14 09:30:00+03:00",
        ] {
            assert_eq!(parse_date_cell(cell), Ok(d), "{cell}");
        }
        assert_eq!(parse_date_cell(""), Ok(None));
        for bad in ["14/05/2019", "2019-13-01", "May 14, 2019", "2019-05-14x"] {
            assert_eq!(parse_date_cell(bad), Err(bad.to_string()), "{bad}");
        }
    }

    #[test]
    fn table_formats_by_extension() {
        assert_eq!(
            TableFormat::of_path(Path::new("a.CSV")),
            Some(TableFormat::Csv)
        );
        assert_eq!(
            TableFormat::of_path(Path::new("a.ndjson")),
            Some(TableFormat::Jsonl)
        );
        assert_eq!(
            TableFormat::of_path(Path::new("a.parquet")),
            Some(TableFormat::Parquet)
        );
        assert_eq!(TableFormat::of_path(Path::new("a.txt")), None);
    }

    #[test]
    fn clashing_columns_are_renamed() {
        assert_eq!(passthrough_name("outlet"), "outlet");
        assert_eq!(passthrough_name("label"), "input_label");
        assert_eq!(passthrough_name("p_x"), "input_p_x");
        assert_eq!(passthrough_name("top_terms"), "input_top_terms");
        assert_eq!(passthrough_name("url"), "input_url");
    }

    #[test]
    fn epoch_days() {
        assert_eq!(date_of_days(0), NaiveDate::from_ymd_opt(1970, 1, 1));
        assert_eq!(date_of_days(-1), NaiveDate::from_ymd_opt(1969, 12, 31));
    }
}
