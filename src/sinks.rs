//! Where `quotes`, `score` and `predict` put their rows: a table, CSV or JSON lines on
//! standard output, or a Parquet file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::bail;
use tonetrack::article::{Article, QuoteRecord};
use tonetrack::model::classifier::Prediction;
use tonetrack::predict::{self, PredictInput};
use tonetrack::score::{self, ScoredArticle};
use tonetrack::table::parquet::{Cell, ColumnType, ParquetRows};
use tonetrack::table::{self, Passthrough, QuoteRow};
use tonetrack::text::shorten;

use crate::cli::Format;
use crate::output::{push_fixed, Out, Table};

/// The CSV bytes of some records, without the last line end (`None` when empty).
fn csv_text(
    header: Option<&[String]>,
    records: impl IntoIterator<Item = Vec<String>>,
) -> anyhow::Result<Option<String>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if let Some(header) = header {
        writer.write_record(header)?;
    }
    for record in records {
        writer.write_record(record)?;
    }
    let text = String::from_utf8(writer.into_inner()?)?;
    Ok((!text.is_empty()).then(|| text.trim_end_matches('\n').to_string()))
}

/// The heading of an article in the table formats.
pub fn article_heading(article: &Article) -> String {
    let date = match article.date {
        Some(d) => format!("{d} ({})", article.date_source),
        None => "no date".to_string(),
    };
    let title = if article.title.is_empty() {
        String::new()
    } else {
        format!(" — {}", shorten(&article.title, 70))
    };
    format!("== {}{title} · {date}", article.name)
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// A bar of 5 cells each side of a centre line: tone −1 fills the left, +1 the right.
fn tone_bar(tone: f64) -> String {
    let cells = (tone.abs().min(1.0) * 5.0).round() as usize;
    let (left, right) = if tone < 0.0 {
        (
            format!("{}{}", " ".repeat(5 - cells), "█".repeat(cells)),
            " ".repeat(5),
        )
    } else {
        (
            " ".repeat(5),
            format!("{}{}", "█".repeat(cells), " ".repeat(5 - cells)),
        )
    };
    format!("{left}│{right}")
}

/// Prints a table's lines indented under their article's heading.
fn print_indented(out: &mut Out, table: &Table) -> anyhow::Result<()> {
    for line in table.render() {
        out.line(format!("  {line}"))?;
    }
    Ok(())
}

/// Flushes standard output, or puts the Parquet file in place (the end of every output).
fn finish(mut out: Out, parquet: Option<ParquetRows>) -> anyhow::Result<()> {
    out.flush()?;
    if let Some(rows) = parquet {
        rows.finish()?;
    }
    Ok(())
}

/// The rows of `tonetrack quotes`.
pub struct QuotesOutput {
    format: Format,
    out: Out,
    parquet: Option<ParquetRows>,
    passed: Vec<String>,
    passed_types: Vec<ColumnType>,
    csv_header_written: bool,
}

impl QuotesOutput {
    /// An output in `format`; Parquet goes to `parquet`. `passed`: the tables' columns and
    /// their types in Parquet.
    pub fn new(
        format: Format,
        parquet: Option<&Path>,
        passed: Vec<(String, ColumnType)>,
    ) -> anyhow::Result<Self> {
        let (passed, passed_types): (Vec<String>, Vec<ColumnType>) = passed.into_iter().unzip();
        let parquet = match parquet {
            Some(path) => Some(ParquetRows::create(
                path,
                &table::quote_parquet_columns(&passed, &passed_types),
            )?),
            None => None,
        };
        Ok(QuotesOutput {
            format,
            out: Out::new(),
            parquet,
            passed,
            passed_types,
            csv_header_written: false,
        })
    }

    /// Writes an article's quotations.
    pub fn article(
        &mut self,
        article: &Article,
        records: &[QuoteRecord],
        columns: &Passthrough,
    ) -> anyhow::Result<()> {
        match self.format {
            Format::Jsonl | Format::Json => {
                for r in records {
                    self.out.json_line(&QuoteRow { record: r, columns })?;
                }
            }
            Format::Csv => {
                // The header comes before the first quotation; a table's output has it even
                // when no article has quotations.
                let first =
                    !self.csv_header_written && (!records.is_empty() || !self.passed.is_empty());
                let header: Option<Vec<String>> = first.then(|| {
                    table::QUOTE_COLUMNS
                        .iter()
                        .map(|c| c.to_string())
                        .chain(self.passed.iter().cloned())
                        .collect()
                });
                self.csv_header_written |= first;
                let rows = records
                    .iter()
                    .map(|r| table::quote_csv_record(r, columns, &self.passed));
                if let Some(text) = csv_text(header.as_deref(), rows)? {
                    self.out.line(text)?;
                }
            }
            Format::Parquet => {
                if let Some(rows) = &mut self.parquet {
                    for r in records {
                        rows.push(&table::quote_parquet_cells(
                            r,
                            columns,
                            &self.passed,
                            &self.passed_types,
                        )?)?;
                    }
                }
            }
            Format::Table => {
                self.out.line(article_heading(article))?;
                let mut table = Table::new(&[
                    "¶",
                    "speaker",
                    "attribution",
                    "partial",
                    "relevant",
                    "cue",
                    "quote",
                ]);
                for r in records {
                    table.row(vec![
                        r.paragraph.to_string(),
                        r.speaker.clone().unwrap_or_else(|| "?".into()),
                        r.attribution.as_str().to_string(),
                        yes_no(r.partial),
                        yes_no(r.relevant),
                        shorten(r.cue.as_deref().unwrap_or(""), 28),
                        shorten(&r.quote, 80),
                    ]);
                }
                if records.is_empty() {
                    self.out.line("  (no quotations)")?;
                } else {
                    print_indented(&mut self.out, &table)?;
                }
                self.out.line("")?;
            }
        }
        Ok(())
    }

    /// Flushes standard output, or puts the Parquet file in place.
    pub fn finish(self) -> anyhow::Result<()> {
        finish(self.out, self.parquet)
    }
}

/// The rows of `tonetrack score`.
pub struct ScoreOutput {
    format: Format,
    out: Out,
    parquet: Option<ParquetRows>,
    /// The probability columns' classes, sorted.
    classes: Vec<String>,
    passed: Vec<String>,
    passed_types: Vec<ColumnType>,
    csv_header_written: bool,
    /// `--min-words`, for the table's note on an article without a scored quotation.
    min_words: usize,
}

impl ScoreOutput {
    /// An output in `format` (Parquet to `parquet`) with a probability column per class of
    /// `classes` (sorted) and the tables' columns `passed` (with their types in Parquet); the
    /// quotations were scored with `--min-words min_words`.
    pub fn new(
        format: Format,
        parquet: Option<&Path>,
        classes: Vec<String>,
        passed: Vec<(String, ColumnType)>,
        min_words: usize,
    ) -> anyhow::Result<Self> {
        let (passed, passed_types): (Vec<String>, Vec<ColumnType>) = passed.into_iter().unzip();
        let parquet = match parquet {
            Some(path) => Some(ParquetRows::create(
                path,
                &score::parquet_columns(&classes, &passed, &passed_types),
            )?),
            None => None,
        };
        Ok(ScoreOutput {
            format,
            out: Out::new(),
            parquet,
            classes,
            passed,
            passed_types,
            csv_header_written: false,
            min_words,
        })
    }

    /// The table's note on an article without a scored quotation: it has none, none long
    /// enough, or (without `--all`) none about the relationship.
    fn why_none(&self, scored: &ScoredArticle) -> String {
        if scored.article.quotes.is_empty() {
            "  (no quotations found)".into()
        } else if scored.found == 0 {
            format!(
                "  (no quotation of {} words or more; --min-words sets the length)",
                self.min_words
            )
        } else {
            "  (no quotations on U.S.–Russia relations; --all shows every one)".into()
        }
    }

    /// Writes an article's scored quotations: those the scorer scored (without `--all`, only
    /// the quotations about the relationship: [`Scorer::relevant_only`]).
    ///
    /// [`Scorer::relevant_only`]: tonetrack::score::Scorer::relevant_only
    pub fn article(&mut self, scored: &ScoredArticle) -> anyhow::Result<()> {
        let quotes = scored.quotes.as_slice();
        match self.format {
            Format::Jsonl | Format::Json => {
                for q in quotes {
                    self.out.json_line(q)?;
                }
            }
            Format::Csv => {
                let header = (!self.csv_header_written)
                    .then(|| score::csv_header(&self.classes, &self.passed));
                self.csv_header_written = true;
                let rows = quotes
                    .iter()
                    .map(|q| q.csv_record(&self.classes, &self.passed));
                if let Some(text) = csv_text(header.as_deref(), rows)? {
                    self.out.line(text)?;
                }
            }
            Format::Parquet => {
                if let Some(rows) = &mut self.parquet {
                    for q in quotes {
                        rows.push(&q.parquet_cells(
                            &self.classes,
                            &self.passed,
                            &self.passed_types,
                        )?)?;
                    }
                }
            }
            Format::Table => {
                self.out.line(article_heading(&scored.article))?;
                if quotes.is_empty() {
                    self.out.line(self.why_none(scored))?;
                }
                let mut table = Table::new(&["speaker", "tone", "", "label", "quote"]);
                for q in quotes {
                    let mut quote = shorten(&q.record.quote, 72);
                    if !q.record.relevant {
                        quote = format!("[not about US–Russia] {quote}");
                    }
                    table.row(vec![
                        q.record.speaker.clone().unwrap_or_else(|| "?".into()),
                        format!("{:+.2}", q.tone),
                        tone_bar(q.tone),
                        q.label.clone(),
                        quote,
                    ]);
                }
                if !quotes.is_empty() {
                    print_indented(&mut self.out, &table)?;
                }
                self.out.line("")?;
            }
        }
        Ok(())
    }

    /// Flushes standard output, or puts the Parquet file in place.
    pub fn finish(self) -> anyhow::Result<()> {
        finish(self.out, self.parquet)
    }
}

fn top_terms(p: &Prediction) -> String {
    let mut terms = String::new();
    push_top_terms(&mut terms, p);
    terms
}

/// Appends the top terms of `p`, separated by "; ".
fn push_top_terms(out: &mut String, p: &Prediction) {
    for (i, t) in p.top_terms.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&t.term);
    }
}

/// One output line of `predict`, rendered on a worker thread so that the serial writer only
/// copies bytes.
pub enum Rendered<'m> {
    Table(Vec<String>),
    /// A CSV record, and the classes whose probabilities it holds (they name its columns).
    Csv {
        record: Vec<u8>,
        classes: &'m [String],
    },
    Json(String),
    /// A Parquet row: label, probabilities (in the classes' order), tone and top terms.
    Row {
        passed: Vec<String>,
        label: String,
        probabilities: Vec<f64>,
        tone: f64,
        top_terms: Vec<String>,
        classes: &'m [String],
    },
}

/// Renders predictions as output lines. Each rayon job has its own (`map_init`), so the
/// field buffer is reused from row to row.
pub struct LineRenderer<'a> {
    format: Format,
    /// Names of the passed columns (the keys of JSON lines).
    passed_names: &'a [String],
    field: String,
    /// The length of the last CSV record, to size the next one's buffer.
    record_len: usize,
}

impl<'a> LineRenderer<'a> {
    /// A renderer of lines in `format`; `passed_names` are the keys of JSON lines.
    pub fn new(format: Format, passed_names: &'a [String]) -> Self {
        LineRenderer {
            format,
            passed_names,
            field: String::new(),
            record_len: 256,
        }
    }

    /// The line of one row's prediction; `classes` (the classifier's) name its probabilities.
    pub fn render<'m>(
        &mut self,
        input: &PredictInput,
        classes: &'m [String],
        p: &Prediction,
    ) -> anyhow::Result<Rendered<'m>> {
        Ok(match self.format {
            Format::Table => {
                let mut cells = vec![p.label.to_string()];
                cells.extend(p.probabilities.iter().map(|(_, v)| format!("{v:.3}")));
                cells.push(format!("{:+.3}", p.tone()));
                cells.push(top_terms(p));
                cells.push(shorten(&input.text, 70));
                Rendered::Table(cells)
            }
            Format::Csv => Rendered::Csv {
                record: self.csv_record(input, p)?,
                classes,
            },
            Format::Parquet => Rendered::Row {
                passed: input.passed.clone(),
                label: p.label.to_string(),
                probabilities: p.probabilities.iter().map(|(_, v)| *v).collect(),
                tone: p.tone(),
                top_terms: p.top_terms.iter().map(|t| t.term.to_string()).collect(),
                classes,
            },
            Format::Jsonl | Format::Json => {
                let mut object = serde_json::Map::new();
                for (k, v) in self.passed_names.iter().zip(&input.passed) {
                    object.insert(k.clone(), serde_json::Value::String(v.clone()));
                }
                object.insert("label".into(), p.label.into());
                object.insert(
                    "probabilities".into(),
                    serde_json::to_value(
                        p.probabilities
                            .iter()
                            .cloned()
                            .collect::<BTreeMap<&str, f64>>(),
                    )?,
                );
                object.insert("tone".into(), p.tone().into());
                object.insert("top_terms".into(), serde_json::to_value(&p.top_terms)?);
                Rendered::Json(serde_json::to_string(&object)?)
            }
        })
    }

    /// The passed fields, then label, probability of each class, tone and top terms
    /// (probabilities and tone with 4 decimals).
    fn csv_record(&mut self, input: &PredictInput, p: &Prediction) -> anyhow::Result<Vec<u8>> {
        // A writer per record (the csv crate's can only give its bytes up by being consumed),
        // with a small buffer: the record goes straight into a vector of about its size.
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(256)
            .from_writer(Vec::with_capacity(self.record_len + 64));
        for field in &input.passed {
            csv.write_field(field)?;
        }
        csv.write_field(p.label)?;
        let probabilities = p.probabilities.iter().map(|(_, prob)| *prob);
        for number in probabilities.chain([p.tone()]) {
            self.field.clear();
            push_fixed(&mut self.field, number, 4);
            csv.write_field(&self.field)?;
        }
        self.field.clear();
        push_top_terms(&mut self.field, p);
        csv.write_field(&self.field)?;
        csv.write_record(None::<&[u8]>)?;
        let record = csv.into_inner().map_err(|e| e.into_error())?;
        self.record_len = record.len();
        Ok(record)
    }
}

/// Where the rendered lines of `predict` go: a table is printed at the end (its columns are
/// as wide as their widest cell); CSV and JSON lines are written as they come.
pub struct PredictOutput {
    table: Option<Table>,
    /// `--format parquet`: the file, once the first row gives its classes.
    parquet: Option<(PathBuf, Option<ParquetRows>)>,
    passed_names: Vec<String>,
    passed_types: Vec<ColumnType>,
    /// The classes of the CSV columns, once the header is written.
    csv_classes: Option<Vec<String>>,
}

impl PredictOutput {
    /// An output in `format` of predictions by a model of `classes`, with the columns
    /// `passed` (names and Parquet types) first; Parquet goes to `parquet`.
    pub fn new(
        format: Format,
        classes: &[String],
        passed: Vec<(String, ColumnType)>,
        parquet: Option<PathBuf>,
    ) -> Self {
        let (passed_names, passed_types) = passed.into_iter().unzip();
        let table = (format == Format::Table).then(|| {
            let mut header = vec!["label"];
            let p_names: Vec<String> = classes.iter().map(|c| format!("p_{c}")).collect();
            header.extend(p_names.iter().map(String::as_str));
            header.extend(["tone", "top terms", "text"]);
            Table::new(&header)
        });
        PredictOutput {
            table,
            parquet: parquet.map(|path| (path, None)),
            passed_names,
            passed_types,
            csv_classes: None,
        }
    }

    /// Writes a chunk of rendered lines (a table's are kept for the end).
    pub fn write(&mut self, out: &mut Out, lines: Vec<Rendered>) -> anyhow::Result<()> {
        for line in lines {
            match line {
                Rendered::Table(cells) => {
                    if let Some(table) = &mut self.table {
                        table.row(cells);
                    }
                }
                Rendered::Json(json) => out.line(json)?,
                Rendered::Row {
                    passed,
                    label,
                    probabilities,
                    tone,
                    top_terms,
                    classes,
                } => {
                    self.csv_header(None, classes)?;
                    let Some((_, Some(rows))) = &mut self.parquet else {
                        continue;
                    };
                    // A typed column's empty cell was a null one.
                    let values = passed.iter().zip(&self.passed_types).map(|(v, &t)| {
                        (t == ColumnType::Text || !v.is_empty()).then_some(v.as_str())
                    });
                    let mut cells =
                        table::typed_cells(&self.passed_names, &self.passed_types, values)?;
                    cells.push(Cell::Text(Some(&label)));
                    cells.extend(probabilities.iter().map(|p| Cell::Float(Some(*p))));
                    cells.push(Cell::Float(Some(tone)));
                    cells.push(Cell::TextList(&top_terms));
                    rows.push(&cells)?;
                }
                Rendered::Csv { record, classes } => {
                    self.csv_header(Some(out), classes)?;
                    out.bytes(&record)?;
                }
            }
        }
        Ok(())
    }

    /// Writes the CSV header before the first record (or starts the Parquet file, when
    /// `out` is `None`); checks that every record has the classes of the header
    /// (per-target classifiers may have different ones).
    fn csv_header(&mut self, out: Option<&mut Out>, classes: &[String]) -> anyhow::Result<()> {
        match &self.csv_classes {
            Some(header) if header == classes => Ok(()),
            Some(header) => bail!(
                "the classifiers of this model have different classes ({} and {}), which \
                 cannot share CSV columns: use --format jsonl",
                header.join(", "),
                classes.join(", ")
            ),
            None => {
                let columns =
                    predict::output_columns(&self.passed_names, &self.passed_types, classes);
                match (out, &mut self.parquet) {
                    (Some(out), _) => {
                        let mut writer = out.csv();
                        writer.write_record(columns.iter().map(|(name, _)| name))?;
                        writer.flush()?;
                    }
                    (None, Some((path, rows))) => {
                        *rows = Some(ParquetRows::create(path, &columns)?);
                    }
                    (None, None) => {}
                }
                self.csv_classes = Some(classes.to_vec());
                Ok(())
            }
        }
    }

    /// Prints the table, or puts the Parquet file in place.
    pub fn finish(self, out: &mut Out) -> anyhow::Result<()> {
        if let Some(table) = self.table {
            table.print(out)?;
        }
        if let Some((_, Some(rows))) = self.parquet {
            rows.finish()?;
        }
        Ok(())
    }
}
