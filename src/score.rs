//! Scoring articles: every quotation the reader finds, with its tone.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::article::{
    expand_paths_with, has_words, read_input, Article, Input, Loaded, PageMeta, Quote, QuoteRecord,
    Reader,
};
use crate::error::{Error, Result};
use crate::model::classifier::{Classifier, DEFAULT_TOP_TERMS};
use crate::model::Model;
use crate::table::parquet::ColumnType;
use crate::table::{
    record_column_type, record_csv_fields, record_parquet_cells, ArticleColumns, ArticleRow,
    ArticleTable, Passthrough, QUOTE_COLUMNS,
};

/// One scored quotation: the reader's [`QuoteRecord`] (where it is, who said it and when)
/// and its tone toward U.S.–Russia relations. This is one line of
/// `tonetrack score --format jsonl`: the record's fields, then the tone's, then the
/// passed-through columns, in one flat object (`#[serde(flatten)]`). The csv crate cannot
/// write a flattened struct, so the CSV and Parquet rows are written field by field
/// ([`csv_record`](Self::csv_record), [`parquet_cells`](Self::parquet_cells)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoredQuote {
    /// The quotation as the reader found it.
    #[serde(flatten)]
    pub record: QuoteRecord,
    /// Most probable tone class.
    pub label: String,
    /// Probability of every class.
    pub probabilities: BTreeMap<String, f64>,
    /// P(positive) − P(negative), in [−1, 1].
    pub tone: f64,
    /// The terms that pushed the label most.
    pub top_terms: Vec<String>,
    /// The columns of the input table passed through (none for an article file), written
    /// after the others under their own names.
    #[serde(flatten, default, skip_serializing_if = "Passthrough::is_empty")]
    pub columns: Passthrough,
}

/// The built-in default model (`models/default.json`, trained by the command in
/// `data/README.md`), embedded in the binary so that `score` works with no `--model`.
pub const DEFAULT_MODEL_BYTES: &[u8] = include_bytes!("../models/default.json");

/// Loads the built-in default model.
pub fn default_model() -> Result<Model> {
    Model::from_bytes(
        DEFAULT_MODEL_BYTES,
        std::path::Path::new("<built-in models/default.json>"),
    )
}

/// The name that stands for the built-in model wherever a model file is asked for.
pub const DEFAULT_MODEL_NAME: &str = "default";

/// Loads the model file at `path`; no path, or [`DEFAULT_MODEL_NAME`], is the built-in model
/// (`./default` names a file of that name).
pub fn load_model(path: Option<&std::path::Path>) -> Result<Model> {
    match path {
        Some(p) if p != std::path::Path::new(DEFAULT_MODEL_NAME) => Model::load(p),
        _ => default_model(),
    }
}

/// Reads articles and scores their quotations with one classifier.
pub struct Scorer<'a> {
    reader: &'a Reader,
    classifier: &'a Classifier,
    top_terms: usize,
    any_language: bool,
    relevant_only: bool,
    min_words: usize,
}

impl<'a> Scorer<'a> {
    /// A scorer with a model that has a single classifier (per-target models route by a
    /// target that articles do not have).
    pub fn new(reader: &'a Reader, model: &'a Model) -> Result<Self> {
        let classifier = model.classifier_for(None)?;
        if classifier.tone_poles().is_none() {
            return Err(Error::NoTonePoles {
                classes: classifier.classes().to_vec(),
            });
        }
        Ok(Scorer {
            reader,
            classifier,
            top_terms: DEFAULT_TOP_TERMS,
            any_language: false,
            relevant_only: false,
            min_words: 0,
        })
    }

    /// How many top terms each quote lists.
    pub fn with_top_terms(mut self, n: usize) -> Self {
        self.top_terms = n;
        self
    }

    /// Whether only the quotations about U.S.–Russia relations are scored: the others stay
    /// in the [`Article`] but are not in the scored list. What `tonetrack score` prints
    /// without `--all` (on a news table, one prediction in seven would otherwise be thrown
    /// away).
    pub fn relevant_only(mut self, relevant_only: bool) -> Self {
        self.relevant_only = relevant_only;
        self
    }

    /// Whether a quotation needs at least `min_words` words to be scored (`--min-words`;
    /// 0, the default, scores every one).
    pub fn min_words(mut self, min_words: usize) -> Self {
        self.min_words = min_words;
        self
    }

    /// Whether a quotation is scored: long enough, and about the relationship unless every
    /// one is scored.
    fn scores(&self, quote: &Quote) -> bool {
        (quote.relevant || !self.relevant_only) && has_words(&quote.text, self.min_words)
    }

    /// The quotations of an article that the scorer scores ([`relevant_only`],
    /// [`min_words`]), scored; the others are not predicted at all.
    ///
    /// [`relevant_only`]: Self::relevant_only
    /// [`min_words`]: Self::min_words
    pub fn score_article(&self, article: &Article) -> Vec<ScoredQuote> {
        article
            .quotes
            .iter()
            .filter(|quote| self.scores(quote))
            .map(|quote| {
                let record = article.record(quote);
                let p = self.classifier.predict(&record.quote, self.top_terms);
                ScoredQuote {
                    tone: p.tone(),
                    label: p.label.to_string(),
                    probabilities: p
                        .probabilities
                        .iter()
                        .map(|&(class, prob)| (class.to_string(), prob))
                        .collect(),
                    top_terms: p.top_terms.iter().map(|t| t.term.to_string()).collect(),
                    record,
                    columns: Passthrough::default(),
                }
            })
            .collect()
    }

    /// Reads and scores one article of a table: its text read as an article file's is, its
    /// date (recorded as [`DateSource::Column`](crate::article::DateSource::Column)), URL and
    /// title, when given, taking precedence over what the text says, its columns passed
    /// through to every quotation. An article not in English is read but not scored unless
    /// the scorer reads [`any_language`](Self::any_language).
    ///
    /// ```
    /// use tonetrack::article::{DateSource, Reader};
    /// use tonetrack::score::{default_model, Scorer};
    /// use tonetrack::table::ArticleRow;
    ///
    /// let reader = Reader::new();
    /// let model = default_model()?;
    /// let scorer = Scorer::new(&reader, &model)?;
    /// let mut row = ArticleRow::new(
    ///     "a1",
    ///     "\"We are ready to restore our dialogue with the United States,\" Sergey Lavrov said.",
    /// );
    /// row.date = chrono::NaiveDate::from_ymd_opt(2019, 12, 10);
    /// let (article, quotes) = scorer.score_row(&row);
    /// assert_eq!(article.date_source, DateSource::Column);
    /// assert_eq!(quotes[0].record.speaker.as_deref(), Some("Sergey Lavrov"));
    /// assert_eq!(quotes[0].record.article, "a1");
    /// # Ok::<(), tonetrack::Error>(())
    /// ```
    pub fn score_row(&self, row: &ArticleRow) -> (Article, Vec<ScoredQuote>) {
        let article = self.reader.read_row(row);
        if !self.any_language && !article.language.is_english() {
            return (article, Vec::new());
        }
        let mut scored = self.score_article(&article);
        if !row.columns.is_empty() {
            for q in &mut scored {
                q.columns = row.columns.clone();
            }
        }
        (article, scored)
    }

    /// Whether articles not in English are scored by [`score_row`](Self::score_row) (by
    /// default they are read but not scored: the model is English).
    pub fn any_language(mut self, any: bool) -> Self {
        self.any_language = any;
        self
    }

    /// Reads and scores one text.
    pub fn score_text(&self, name: &str, text: &str) -> (Article, Vec<ScoredQuote>) {
        self.score_page(name, text, &PageMeta::default(), true)
    }

    /// Reads one text with what its format said (an HTML page's title and date) and scores
    /// its quotations; an article not in English is read but not scored unless `any_language`
    /// (the model is English).
    pub fn score_page(
        &self,
        name: &str,
        text: &str,
        meta: &PageMeta,
        any_language: bool,
    ) -> (Article, Vec<ScoredQuote>) {
        let article = self.reader.read_page(name, text, meta);
        if !any_language && !article.language.is_english() {
            return (article, Vec::new());
        }
        let scored = self.score_article(&article);
        (article, scored)
    }
}

/// The columns of `tonetrack score`'s CSV and Parquet output before the probabilities:
/// `quotes`'s ([`QUOTE_COLUMNS`]), then `label`.
pub const SCORE_COLUMNS: [&str; QUOTE_COLUMNS.len() + 1] = {
    let mut columns = [""; QUOTE_COLUMNS.len() + 1];
    let mut i = 0;
    while i < QUOTE_COLUMNS.len() {
        columns[i] = QUOTE_COLUMNS[i];
        i += 1;
    }
    columns[QUOTE_COLUMNS.len()] = "label";
    columns
};

/// The header of `tonetrack score --format csv`: [`SCORE_COLUMNS`], `p_CLASS` for each of
/// `classes`, `tone`, `top_terms`, then the passed-through columns `passed`.
pub fn csv_header(classes: &[String], passed: &[String]) -> Vec<String> {
    SCORE_COLUMNS
        .map(String::from)
        .into_iter()
        .chain(classes.iter().map(|c| format!("p_{c}")))
        .chain(["tone".to_string(), "top_terms".to_string()])
        .chain(passed.iter().cloned())
        .collect()
}

/// The types of the columns of `tonetrack score --format parquet` (the names of
/// [`csv_header`]): dates as dates, offsets as counts, probabilities and tone as floats,
/// top terms as a list.
pub fn parquet_columns(
    classes: &[String],
    passed: &[String],
    passed_types: &[crate::table::parquet::ColumnType],
) -> Vec<(String, crate::table::parquet::ColumnType)> {
    use crate::table::parquet::ColumnType as T;
    csv_header(classes, passed)
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let n = SCORE_COLUMNS.len();
            let t = if i < n {
                record_column_type(&name)
            } else if i <= n + classes.len() {
                T::Float // the probabilities, and tone
            } else if i == n + classes.len() + 1 {
                T::TextList
            } else {
                passed_types[i - n - classes.len() - 2]
            };
            (name, t)
        })
        .collect()
}

impl ScoredQuote {
    /// The quote as a record of [`csv_header`] (probabilities and tone with 4 decimals, top
    /// terms joined by `; `).
    pub fn csv_record(&self, classes: &[String], passed: &[String]) -> Vec<String> {
        let p = |c: &str| format!("{:.4}", self.probabilities.get(c).unwrap_or(&0.0));
        let r = &self.record;
        [
            r.article.clone(),
            r.title.clone().unwrap_or_default(),
            r.url.clone().unwrap_or_default(),
        ]
        .into_iter()
        .chain(record_csv_fields(r))
        .chain([self.label.clone()])
        .chain(classes.iter().map(|c| p(c)))
        .chain([format!("{:.4}", self.tone), self.top_terms.join("; ")])
        .chain(self.columns.csv_fields(passed))
        .collect()
    }

    /// The quote as a row of [`parquet_columns`] (probabilities at full precision, 0 for a
    /// class the quote has none of).
    pub fn parquet_cells<'a>(
        &'a self,
        classes: &[String],
        passed: &'a [String],
        passed_types: &[crate::table::parquet::ColumnType],
    ) -> Result<Vec<crate::table::parquet::Cell<'a>>> {
        use crate::table::parquet::Cell;
        let r = &self.record;
        // Sized once (growing the vector was a sixth of the cost of building it): the
        // article's 3 cells, the record's 12, label, tone and top terms, and a cell per class
        // and passed column.
        let mut cells = Vec::with_capacity(18 + classes.len() + passed.len());
        cells.extend([
            Cell::Text(Some(&r.article)),
            Cell::Text(r.title.as_deref()),
            Cell::Text(r.url.as_deref()),
        ]);
        cells.extend(record_parquet_cells(r));
        cells.push(Cell::Text(Some(&self.label)));
        cells.extend(
            classes
                .iter()
                .map(|c| Cell::Float(Some(*self.probabilities.get(c).unwrap_or(&0.0)))),
        );
        cells.push(Cell::Float(Some(self.tone)));
        cells.push(Cell::TextList(&self.top_terms));
        cells.extend(self.columns.parquet_cells(passed, passed_types)?);
        Ok(cells)
    }
}

/// What became of one input.
#[derive(Debug)]
pub enum InputOutcome<T> {
    /// Read (with a warning when invalid UTF-8 was replaced) and processed.
    Done {
        /// What `work` made of it.
        value: T,
        /// Set when invalid UTF-8 was replaced.
        warning: Option<String>,
    },
    /// Not an article (binary), skipped with the reason.
    Skipped {
        /// The input's name.
        name: String,
        /// Why it was not read.
        reason: String,
    },
    /// Could not be read.
    Failed(Error),
}

/// How many inputs are read and processed together: enough to keep every core busy, few
/// enough that memory does not grow with the number of inputs.
pub const CHUNK: usize = 64;

/// Reads each input and applies `work` to its text, in parallel, handing the outcomes to
/// `sink` in input order. Inputs are processed in chunks of [`CHUNK`], so memory stays
/// bounded however many inputs there are. `sink` may stop the run by returning an error of
/// its own type, which is returned as it is (an input that cannot be read is not an error of
/// the run: it reaches `sink` as [`InputOutcome::Failed`]).
pub fn stream_inputs<T: Send, E>(
    inputs: &[Input],
    work: impl Fn(&str, &str, &PageMeta) -> T + Sync,
    mut sink: impl FnMut(InputOutcome<T>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    overlapped(
        |emit| {
            for chunk in inputs.chunks(CHUNK) {
                let outcomes: Vec<InputOutcome<T>> = chunk
                    .par_iter()
                    .map(|input| match read_input(input) {
                        Ok(Loaded::Text {
                            name,
                            text,
                            warning,
                            meta,
                        }) => InputOutcome::Done {
                            value: work(&name, &text, &meta),
                            warning,
                        },
                        Ok(Loaded::Skipped { name, reason }) => {
                            InputOutcome::Skipped { name, reason }
                        }
                        Err(e) => InputOutcome::Failed(e),
                    })
                    .collect();
                if !emit(outcomes) {
                    return;
                }
            }
        },
        |outcomes| outcomes.into_iter().try_for_each(&mut sink),
    )
}

/// Runs `produce` on a thread of its own and hands each chunk it makes to `consume` on this
/// thread, in order, at most one chunk waiting; `emit` says `false` once `consume` has
/// stopped (with an error, which is returned). The output of one chunk is then written
/// while the next is worked on: written in between, it left the cores idle for a fifth of
/// the time of `score TABLE --format parquet` on two cores.
pub(crate) fn overlapped<C: Send, E>(
    produce: impl FnOnce(&mut dyn FnMut(C) -> bool) + Send,
    consume: impl FnMut(C) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    std::thread::scope(|scope| {
        scope.spawn(move || produce(&mut |chunk| sender.send(chunk).is_ok()));
        // Returning drops the receiver, which stops the producer at its next chunk.
        receiver.into_iter().try_for_each(consume)
    })
}

/// Where articles come from: an article file (or standard input), or a table of articles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArticleSource {
    /// A file read as one article (text or HTML), or `-`.
    Input(Input),
    /// A table of articles, one per row ([`ArticleTable`]).
    Table(std::path::PathBuf),
}

/// Expands paths into sources: a file whose extension is a table format
/// ([`TableFormat::of_path`](crate::table::TableFormat::of_path): `.csv`, `.tsv`, `.jsonl`,
/// `.ndjson`, `.parquet`) is a table of articles; other files, directories (their files, as
/// [`expand_paths_with`] finds them) and `-` are articles. The order is the order given.
pub fn expand_sources<P: AsRef<std::path::Path>>(
    paths: &[P],
    mut warn: impl FnMut(String),
) -> Result<Vec<ArticleSource>> {
    let mut sources = Vec::new();
    let mut articles: Vec<&std::path::Path> = Vec::new();
    let flush = |articles: &mut Vec<&std::path::Path>,
                 sources: &mut Vec<ArticleSource>,
                 warn: &mut dyn FnMut(String)|
     -> Result<()> {
        if !articles.is_empty() {
            let inputs = expand_paths_with(articles, &mut *warn)?;
            sources.extend(inputs.into_iter().map(ArticleSource::Input));
            articles.clear();
        }
        Ok(())
    };
    for p in paths {
        let p = p.as_ref();
        let is_table = p != std::path::Path::new("-")
            && crate::table::TableFormat::of_path(p).is_some()
            && !p.is_dir();
        if is_table {
            flush(&mut articles, &mut sources, &mut warn)?;
            std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
            sources.push(ArticleSource::Table(p.to_path_buf()));
        } else {
            articles.push(p);
        }
    }
    flush(&mut articles, &mut sources, &mut warn)?;
    Ok(sources)
}

/// The passed-through columns of the tables among `sources`, each name once, in the order
/// met, with their type in Parquet output: the extra columns of a CSV or Parquet output. A
/// column keeps its kind (number, flag, date) when every table that has it gives it that
/// kind, and is text otherwise. Opening each table checks its columns: a table without the
/// columns asked for is an error here, before any work.
pub fn passthrough_columns(
    sources: &[ArticleSource],
    columns: &ArticleColumns,
) -> Result<Vec<(String, ColumnType)>> {
    let mut passed: Vec<(String, ColumnType)> = Vec::new();
    for source in sources {
        if let ArticleSource::Table(path) = source {
            let table = ArticleTable::open(path, columns)?;
            let types = table.passthrough_types();
            for (name, &t) in table.passthrough_names().iter().zip(types) {
                match passed.iter_mut().find(|(n, _)| n == name) {
                    None => passed.push((name.clone(), t)),
                    Some((_, seen)) if *seen != t => *seen = ColumnType::Text,
                    Some(_) => {}
                }
            }
        }
    }
    Ok(passed)
}

/// One article to read: a file's text (with what its format said), or a table's row.
#[derive(Clone, Copy, Debug)]
pub enum Document<'a> {
    /// An article file's text.
    Page {
        /// The file's name.
        name: &'a str,
        /// Its text.
        text: &'a str,
        /// What an HTML page said besides its text.
        meta: &'a PageMeta,
    },
    /// A row of a table.
    Row(&'a ArticleRow),
}

impl Document<'_> {
    /// The article as `reader` reads it.
    pub fn read(&self, reader: &Reader) -> Article {
        match self {
            Document::Page { name, text, meta } => reader.read_page(name, text, meta),
            Document::Row(row) => reader.read_row(row),
        }
    }

    /// The passed-through columns (none for a file).
    pub fn columns(&self) -> Passthrough {
        match self {
            Document::Page { .. } => Passthrough::default(),
            Document::Row(row) => row.columns.clone(),
        }
    }
}

/// Rows of a table read and processed together (the rows of one chunk in parallel, while
/// the next chunk is read).
pub const TABLE_CHUNK: usize = 1024;

/// [`stream_inputs`] over files and tables: each article (a file, or a table's row) goes
/// through `work` in parallel and its outcome to `sink` in input order, in chunks, so that
/// memory stays bounded however large the tables are. A table that cannot be opened, or a
/// row that cannot be read (a bad date), reaches `sink` as [`InputOutcome::Failed`]; the
/// table's later rows are not read.
pub fn stream_sources<T: Send, E>(
    sources: &[ArticleSource],
    columns: &ArticleColumns,
    work: impl Fn(Document) -> T + Sync,
    mut sink: impl FnMut(InputOutcome<T>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut i = 0;
    while i < sources.len() {
        match &sources[i] {
            ArticleSource::Input(_) => {
                let run: Vec<Input> = sources[i..]
                    .iter()
                    .map_while(|s| match s {
                        ArticleSource::Input(input) => Some(input.clone()),
                        ArticleSource::Table(_) => None,
                    })
                    .collect();
                i += run.len();
                stream_inputs(
                    &run,
                    |name, text, meta| work(Document::Page { name, text, meta }),
                    &mut sink,
                )?;
            }
            ArticleSource::Table(path) => {
                i += 1;
                let table = match ArticleTable::open(path, columns) {
                    Ok(table) => table,
                    Err(e) => {
                        sink(InputOutcome::Failed(e))?;
                        continue;
                    }
                };
                stream_table(table, &work, &mut sink)?;
            }
        }
    }
    Ok(())
}

/// The rows of `table` through `work`, a chunk of rows in parallel while the next is read,
/// and their outcomes to `sink` in order (see [`overlapped`]); a row that cannot be read
/// ends the table with [`InputOutcome::Failed`].
fn stream_table<T: Send, E>(
    mut table: ArticleTable,
    work: &(impl Fn(Document) -> T + Sync),
    mut sink: impl FnMut(InputOutcome<T>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    overlapped(
        move |emit| {
            let mut chunk = table.next_rows(TABLE_CHUNK);
            loop {
                let rows = match chunk {
                    Ok(rows) if rows.is_empty() => return,
                    Ok(rows) => rows,
                    Err(e) => {
                        emit(vec![InputOutcome::Failed(e)]);
                        return;
                    }
                };
                let (next, outcomes) = rayon::join(
                    || table.next_rows(TABLE_CHUNK),
                    || {
                        rows.par_iter()
                            .map(|row| InputOutcome::Done {
                                value: work(Document::Row(row)),
                                warning: None,
                            })
                            .collect::<Vec<_>>()
                    },
                );
                if !emit(outcomes) {
                    return;
                }
                chunk = next;
            }
        },
        |outcomes| outcomes.into_iter().try_for_each(&mut sink),
    )
}

/// An article as read, and its quotations scored.
#[derive(Debug)]
pub struct ScoredArticle {
    /// The article as read (name, title, date, language, its quotations unscored).
    pub article: Article,
    /// The quotations the scorer scored ([`Scorer::score_article`]).
    pub quotes: Vec<ScoredQuote>,
    /// How many of its quotations have the scorer's minimum number of words, scored or not
    /// (a scorer may score only the relevant ones).
    pub found: usize,
}

/// Reads and scores every article of `sources` (files and tables) with `scorer`, in
/// parallel, and hands each article to `sink` in input order (see [`stream_sources`]).
/// What `tonetrack score` does before printing.
pub fn score_sources<E>(
    scorer: &Scorer,
    sources: &[ArticleSource],
    columns: &ArticleColumns,
    sink: impl FnMut(InputOutcome<ScoredArticle>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    stream_sources(
        sources,
        columns,
        |doc| {
            let (article, quotes) = match doc {
                Document::Page { name, text, meta } => {
                    scorer.score_page(name, text, meta, scorer.any_language)
                }
                Document::Row(row) => scorer.score_row(row),
            };
            let found = article
                .quotes
                .iter()
                .filter(|q| has_words(&q.text, scorer.min_words))
                .count();
            ScoredArticle {
                article,
                quotes,
                found,
            }
        },
        sink,
    )
}

/// An article as read, its quotations of at least the minimum number of words as records,
/// and the columns its table row passes through (none for an article file).
#[derive(Debug)]
pub struct QuotedArticle {
    /// The article as read (all its quotations).
    pub article: Article,
    /// Its quotations of at least the minimum number of words, as flat records.
    pub records: Vec<QuoteRecord>,
    /// The input table's columns passed through.
    pub columns: Passthrough,
}

/// Reads every article of `sources` (files and tables) with `reader`, in parallel, keeping
/// the quotations of at least `min_words` words, and hands each article to `sink` in input
/// order (see [`stream_sources`]). What `tonetrack quotes` does before printing.
pub fn quote_sources<E>(
    reader: &Reader,
    sources: &[ArticleSource],
    columns: &ArticleColumns,
    min_words: usize,
    sink: impl FnMut(InputOutcome<QuotedArticle>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    stream_sources(
        sources,
        columns,
        |doc| {
            let article = doc.read(reader);
            let records = article
                .quotes
                .iter()
                .filter(|q| has_words(&q.text, min_words))
                .map(|q| article.record(q))
                .collect();
            QuotedArticle {
                article,
                records,
                columns: doc.columns(),
            }
        },
        sink,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::DateSource;
    use chrono::NaiveDate;

    /// With `relevant_only`, the relevant quotations of every seed are scored as they are
    /// without it, and the others are left out.
    #[test]
    fn relevant_only_scores_the_relevant_quotations_alone() {
        let reader = Reader::new();
        let model = default_model().expect("built-in model");
        let every = Scorer::new(&reader, &model).expect("scorer");
        let relevant = Scorer::new(&reader, &model)
            .expect("scorer")
            .relevant_only(true);
        let (mut left_out, mut kept) = (0, 0);
        let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        for entry in std::fs::read_dir(seeds).expect("seeds") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("seed");
            let (_, all) = every.score_text("s", &text);
            let (_, only) = relevant.score_text("s", &text);
            let expected: Vec<&ScoredQuote> = all.iter().filter(|q| q.record.relevant).collect();
            assert_eq!(only.iter().collect::<Vec<_>>(), expected);
            left_out += all.len() - only.len();
            kept += only.len();
        }
        // The seeds have quotations of both kinds, or the test would show nothing.
        assert!(left_out > 0 && kept > 0, "{left_out} left out, {kept} kept");
    }

    /// A table's row scored: the row's date, title and URL win, its columns reach every
    /// quotation, and the JSON line reads back as the same quote (columns and date source
    /// included).
    #[test]
    fn a_row_is_scored_with_its_columns_and_reads_back() {
        let reader = Reader::new();
        let model = default_model().expect("built-in model");
        let scorer = Scorer::new(&reader, &model).expect("scorer");
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/seeds/000_2883c3e9d1bf4ca2.txt"
        ))
        .expect("seed");
        let (_, from_file) = scorer.score_text("000", &text);
        let mut row = ArticleRow::new("a1", text);
        row.date = NaiveDate::from_ymd_opt(2020, 1, 2);
        row.title = Some("A title".into());
        row.url = Some("https://example.org/a1".into());
        row.columns = Passthrough::new(
            vec!["outlet".to_string(), "input_label".to_string()].into(),
            vec![Some("o1".into()), None],
        );
        let (article, quotes) = scorer.score_row(&row);
        assert_eq!(article.date_source, DateSource::Column);
        assert_eq!(quotes.len(), from_file.len());
        for (q, f) in quotes.iter().zip(&from_file) {
            assert_eq!(
                (&q.record.quote, q.tone, &q.record.speaker),
                (&f.record.quote, f.tone, &f.record.speaker)
            );
            assert_eq!(q.record.article, "a1");
            assert_eq!(q.record.date, row.date);
            assert_eq!(q.record.title.as_deref(), Some("A title"));
            assert_eq!(q.record.url.as_deref(), Some("https://example.org/a1"));
            assert_eq!(q.columns.get("outlet"), Some("o1"));
            let json = serde_json::to_string(q).expect("json");
            assert!(
                json.ends_with(r#","outlet":"o1","input_label":null}"#),
                "{json}"
            );
            assert!(json.contains(r#""date_source":"column""#), "{json}");
            let back: ScoredQuote = serde_json::from_str(&json).expect("reads back");
            assert_eq!(&back, q);
            // A score line is the quote's record, then the tone.
            let record = serde_json::to_string(&q.record).expect("json");
            assert!(json.starts_with(record.trim_end_matches('}')), "{json}");
        }
        // Lines of versions before `url`, `speaker_kind` and `attribution` still read.
        let mut old = serde_json::to_value(&from_file[0]).expect("json");
        for key in ["url", "speaker_kind", "attribution"] {
            old.as_object_mut().expect("object").remove(key);
        }
        let back: ScoredQuote = serde_json::from_value(old).expect("an older line reads");
        assert_eq!(back.record.url, None);
        assert_eq!(back.record.speaker_kind, crate::article::SpeakerKind::None);
        // A file's quote has no columns and its JSON no extra keys.
        let json = serde_json::to_string(&from_file[0]).expect("json");
        assert!(json.ends_with("]}"), "{json}");
    }

    /// `quote_sources` hands over the seeds in order, each with the records of its quotations
    /// of at least `min_words` words, as reading each file alone gives them.
    #[test]
    fn quote_sources_reads_every_article_in_order_and_keeps_long_enough_quotes() {
        let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let sources = expand_sources(&[seeds], |w| panic!("{w}")).expect("seeds");
        let reader = Reader::new();
        let mut got = Vec::new();
        let result: std::result::Result<(), ()> = quote_sources(
            &reader,
            &sources,
            &ArticleColumns::default(),
            12,
            |outcome| {
                match outcome {
                    InputOutcome::Done { value, .. } => got.push(value),
                    _ => panic!("a seed was not read"),
                }
                Ok(())
            },
        );
        result.expect("no error");
        assert_eq!(got.len(), 5);
        let (mut kept, mut short) = (0, 0);
        for (read, source) in got.iter().zip(&sources) {
            let ArticleSource::Input(crate::article::Input::File(path)) = source else {
                panic!("seeds are article files")
            };
            let text = std::fs::read_to_string(path).expect("seed");
            let alone = reader.read(&read.article.name, &text).records();
            let long: Vec<_> = alone
                .iter()
                .filter(|r| crate::article::word_count(&r.quote) >= 12)
                .cloned()
                .collect();
            assert_eq!(read.records, long, "{}", read.article.name);
            assert!(read.columns.is_empty());
            kept += long.len();
            short += alone.len() - long.len();
        }
        // The filter did leave some out, and kept most.
        assert!(short > 0 && kept > short, "{kept} kept, {short} short");
    }
}
