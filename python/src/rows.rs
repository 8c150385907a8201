//! Article tables: one row per article (text, and optionally name, date, URL, title), one
//! output row per quotation with the index of the row it came from (`_row`, for the columns
//! passed through on the Python side).

use std::ops::Range;
use std::sync::OnceLock;

use arrow_array::RecordBatch;

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3_arrow::{PyArray, PyRecordBatch};
use rayon::prelude::*;
use tonetrack::article::{has_words, Article, QuoteRecord, Reader, SpeakerAliases};
use tonetrack::model::classifier::DEFAULT_TOP_TERMS;
use tonetrack::score::{ScoredQuote, Scorer};
use tonetrack::table::ArticleRow;

use crate::columns::{optional_dates, optional_strings, BatchBuilder, Strings};
use crate::{py_err, PyModel};

/// The reader of the command line (built-in alias table, no date manifest), built once.
fn reader() -> &'static Reader {
    static READER: OnceLock<Reader> = OnceLock::new();
    READER.get_or_init(|| Reader::new().with_aliases(SpeakerAliases::builtin()))
}

/// The article columns of a table, read in place.
struct Table<'a> {
    texts: Strings<'a>,
    names: Strings<'a>,
    dates: Option<Vec<Option<NaiveDate>>>,
    urls: Option<Strings<'a>>,
    titles: Option<Strings<'a>>,
}

impl<'a> Table<'a> {
    fn new(
        texts: &'a PyArray,
        names: &'a PyArray,
        dates: Option<&'a PyArray>,
        urls: Option<&'a PyArray>,
        titles: Option<&'a PyArray>,
    ) -> PyResult<Self> {
        let texts = Strings::of(texts.array(), "texts")?;
        let n = texts.len();
        let names = optional_strings(Some(names), "names", n)?.expect("given");
        Ok(Table {
            dates: optional_dates(dates, "dates", n)?,
            urls: optional_strings(urls, "urls", n)?,
            titles: optional_strings(titles, "titles", n)?,
            texts,
            names,
        })
    }

    fn len(&self) -> usize {
        self.texts.len()
    }

    /// The row as the library's table row: its name, text, and the date, URL and title of
    /// its columns (which take precedence over what the text says).
    fn row(&self, i: usize) -> ArticleRow {
        ArticleRow {
            date: self.dates.as_ref().and_then(|d| d[i]),
            url: self
                .urls
                .as_ref()
                .and_then(|u| u.non_blank(i))
                .map(str::to_string),
            title: self
                .titles
                .as_ref()
                .and_then(|t| t.non_blank(i))
                .map(str::to_string),
            ..ArticleRow::new(
                self.names.get(i).unwrap_or(""),
                self.texts.get(i).unwrap_or(""),
            )
        }
    }
}

/// The most rows in one chunk: few enough that what the library returns for them (heavier
/// than their Arrow columns) stays small however long the table is.
const CHUNK_ROWS: usize = 4096;

/// `work` over the rows `0..rows` in chunks, the chunks in parallel with the GIL released:
/// one record batch per chunk, in order (one, empty, for no rows, so that the columns are
/// known). A chunk is read, scored and made a batch on one thread, so that building the
/// batches is shared out as well; every core gets several chunks, of at most
/// [`CHUNK_ROWS`] rows.
fn in_chunks(
    py: Python<'_>,
    rows: usize,
    work: impl Fn(Range<usize>) -> PyResult<RecordBatch> + Sync,
) -> PyResult<Vec<PyRecordBatch>> {
    let size = (rows / (8 * rayon::current_num_threads())).clamp(64, CHUNK_ROWS);
    py.detach(|| {
        let starts: Vec<usize> = (0..rows.max(1)).step_by(size).collect();
        starts
            .into_par_iter()
            .map(|start| work(start..(start + size).min(rows)).map(PyRecordBatch::new))
            .collect()
    })
}

/// Scores every row of an article table, in parallel; one output row per quotation (those of
/// at least `min_words` words; only the relevant ones unless `all`), in input order.
#[pyfunction]
#[pyo3(signature = (model, texts, names, dates = None, urls = None, titles = None, any_language = false, min_words = 1, all = false, top = DEFAULT_TOP_TERMS))]
#[allow(clippy::too_many_arguments)]
pub fn score_rows(
    py: Python<'_>,
    model: &PyModel,
    texts: PyArray,
    names: PyArray,
    dates: Option<PyArray>,
    urls: Option<PyArray>,
    titles: Option<PyArray>,
    any_language: bool,
    min_words: usize,
    all: bool,
    top: usize,
) -> PyResult<Vec<PyRecordBatch>> {
    let table = Table::new(
        &texts,
        &names,
        dates.as_ref(),
        urls.as_ref(),
        titles.as_ref(),
    )?;
    let scorer = Scorer::new(reader(), &model.model)
        .map_err(py_err)?
        .with_top_terms(top)
        .any_language(any_language)
        .relevant_only(!all)
        .min_words(min_words);
    // The probability columns, by class name (as `tonetrack score --format csv`).
    let mut classes = model.model.classes().to_vec();
    classes.sort();
    let score_chunk = |chunk: Range<usize>| {
        let first = chunk.start;
        let per_row: Vec<Vec<ScoredQuote>> =
            chunk.map(|i| scorer.score_row(&table.row(i)).1).collect();
        let rows: Vec<usize> = per_row
            .iter()
            .enumerate()
            .flat_map(|(i, quotes)| std::iter::repeat_n(first + i, quotes.len()))
            .collect();
        let quotes: Vec<&ScoredQuote> = per_row.iter().flatten().collect();
        let q = || quotes.iter();
        // The quotations' records, then their tones.
        let mut b = BatchBuilder::default();
        record_columns(&mut b, || quotes.iter().map(|q| &q.record), None)
            .strings("label", q().map(|q| Some(q.label.as_str())));
        for class in &classes {
            b.floats(
                &format!("p_{class}"),
                q().map(|q| Some(q.probabilities.get(class).copied().unwrap_or(0.0))),
            );
        }
        b.floats("tone", q().map(|q| Some(q.tone)))
            .string_lists(
                "top_terms",
                q().map(|q| q.top_terms.iter().map(String::as_str)),
            )
            .ints("_row", rows.into_iter());
        b.finish(quotes.len())
    };
    in_chunks(py, table.len(), score_chunk)
}

/// The columns of quotation records, `article` to `cue`, as the command line writes them; a
/// title not found is `missing_title` (`quotes` writes `""`, `score` null).
fn record_columns<'b, 'r, I: Iterator<Item = &'r QuoteRecord>>(
    b: &'b mut BatchBuilder,
    r: impl Fn() -> I,
    missing_title: Option<&'static str>,
) -> &'b mut BatchBuilder {
    b.strings("article", r().map(|r| Some(r.article.as_str())))
        .strings("title", r().map(|r| r.title.as_deref().or(missing_title)))
        .strings("url", r().map(|r| r.url.as_deref()))
        .dates("date", r().map(|r| r.date))
        .strings("date_source", r().map(|r| Some(r.date_source.as_str())))
        .strings("speaker", r().map(|r| r.speaker.as_deref()))
        .strings("speaker_kind", r().map(|r| Some(r.speaker_kind.as_str())))
        .strings("attribution", r().map(|r| Some(r.attribution.as_str())))
        .strings("quote", r().map(|r| Some(r.quote.as_str())))
        .ints("start", r().map(|r| r.start))
        .ints("end", r().map(|r| r.end))
        .ints("paragraph", r().map(|r| r.paragraph))
        .bools("partial", r().map(|r| r.partial))
        .bools("relevant", r().map(|r| r.relevant))
        .strings("cue", r().map(|r| r.cue.as_deref()))
}

/// Every quotation of every row of an article table (at least `min_words` words), as
/// `tonetrack quotes` writes them; articles not in English are left out unless
/// `any_language`.
#[pyfunction]
#[pyo3(signature = (texts, names, dates = None, urls = None, titles = None, any_language = false, min_words = 1))]
#[allow(clippy::too_many_arguments)]
pub fn quote_rows(
    py: Python<'_>,
    texts: PyArray,
    names: PyArray,
    dates: Option<PyArray>,
    urls: Option<PyArray>,
    titles: Option<PyArray>,
    any_language: bool,
    min_words: usize,
) -> PyResult<Vec<PyRecordBatch>> {
    let table = Table::new(
        &texts,
        &names,
        dates.as_ref(),
        urls.as_ref(),
        titles.as_ref(),
    )?;
    let read_chunk = |chunk: Range<usize>| {
        let first = chunk.start;
        let per_row: Vec<Article> = chunk.map(|i| reader().read_row(&table.row(i))).collect();
        let mut rows = Vec::new();
        let mut records = Vec::new();
        for (i, article) in per_row.iter().enumerate() {
            if !any_language && !article.language.is_english() {
                continue;
            }
            for q in article
                .quotes
                .iter()
                .filter(|q| has_words(&q.text, min_words))
            {
                rows.push(first + i);
                records.push(article.record(q));
            }
        }
        let mut b = BatchBuilder::default();
        record_columns(&mut b, || records.iter(), Some("")).ints("_row", rows.into_iter());
        b.finish(records.len())
    };
    in_chunks(py, table.len(), read_chunk)
}
