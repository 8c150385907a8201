//! Where `quotes` and `score` put their rows: a table, CSV or JSON lines on standard output,
//! or a Parquet file.

use std::path::Path;

use tonetrack::article::{Article, QuoteRecord};
use tonetrack::score::{self, ScoredArticle, ScoredQuote};
use tonetrack::table::parquet::ParquetRows;
use tonetrack::table::{self, Passthrough, QuoteRow};
use tonetrack::text::shorten;

use crate::cli::Format;
use crate::output::{Out, Table};

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
    csv_header_written: bool,
}

impl QuotesOutput {
    /// An output in `format`; Parquet goes to `parquet`. `passed`: the tables' columns.
    pub fn new(
        format: Format,
        parquet: Option<&Path>,
        passed: Vec<String>,
    ) -> anyhow::Result<Self> {
        let parquet = match parquet {
            Some(path) => Some(ParquetRows::create(
                path,
                &table::quote_parquet_columns(&passed),
            )?),
            None => None,
        };
        Ok(QuotesOutput {
            format,
            out: Out::new(),
            parquet,
            passed,
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
                        rows.push(&table::quote_parquet_cells(r, columns, &self.passed))?;
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
    show_all: bool,
    csv_header_written: bool,
}

impl ScoreOutput {
    /// An output in `format` (Parquet to `parquet`) with a probability column per class of
    /// `classes` (sorted) and the tables' columns `passed`; `show_all` keeps the quotations
    /// not about the relationship.
    pub fn new(
        format: Format,
        parquet: Option<&Path>,
        classes: Vec<String>,
        passed: Vec<String>,
        show_all: bool,
    ) -> anyhow::Result<Self> {
        let parquet = match parquet {
            Some(path) => Some(ParquetRows::create(
                path,
                &score::parquet_columns(&classes, &passed),
            )?),
            None => None,
        };
        Ok(ScoreOutput {
            format,
            out: Out::new(),
            parquet,
            classes,
            passed,
            show_all,
            csv_header_written: false,
        })
    }

    /// Writes an article's scored quotations.
    pub fn article(&mut self, scored: &ScoredArticle) -> anyhow::Result<()> {
        let quotes: Vec<&ScoredQuote> = scored
            .quotes
            .iter()
            .filter(|q| self.show_all || q.record.relevant)
            .collect();
        match self.format {
            Format::Jsonl | Format::Json => {
                for q in &quotes {
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
                    for q in &quotes {
                        rows.push(&q.parquet_cells(&self.classes, &self.passed))?;
                    }
                }
            }
            Format::Table => {
                self.out.line(article_heading(&scored.article))?;
                if quotes.is_empty() {
                    self.out.line(
                        "  (no quotations on U.S.–Russia relations; --all shows every one)",
                    )?;
                }
                let mut table = Table::new(&["speaker", "tone", "", "label", "quote"]);
                for q in &quotes {
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
