//! Predicting the tone of texts, or of every row of a table, in chunks: what
//! `tonetrack predict` does before printing.
//!
//! [`PredictRows`] reads the rows (texts given, a CSV or TSV through the labeled-data reader,
//! or a JSON lines or Parquet table), each a [`PredictInput`]: the text, its target (for
//! per-target models) and the fields to pass through. [`predict_rows`] predicts them chunk by
//! chunk, the rows of a chunk in parallel while the next chunk is read, so a table of any
//! size is streamed, never loaded. [`predict_batch`] predicts texts already in memory.
//!
//! ```
//! use tonetrack::predict::{predict_rows, PredictRows};
//! use tonetrack::score::default_model;
//!
//! let model = default_model()?;
//! let mut rows = PredictRows::texts(vec![
//!     "We welcome the talks with Washington and hope for progress.".to_string(),
//!     "The sanctions against Russia will remain.".to_string(),
//! ]);
//! let mut labels = Vec::new();
//! predict_rows(
//!     &model,
//!     &mut rows,
//!     5,
//!     || (),
//!     |_, input, _, prediction| Ok::<_, tonetrack::Error>((input.text.len(), prediction.tone())),
//!     |chunk| {
//!         labels.extend(chunk);
//!         Ok(())
//!     },
//! )?;
//! assert_eq!(labels.len(), 2);
//! assert!(labels[0].1 > labels[1].1);
//! # Ok::<(), tonetrack::Error>(())
//! ```

use std::path::Path;

use rayon::prelude::*;

use crate::data::{Columns, RowReader};
use crate::model::classifier::{Classifier, Prediction};
use crate::model::Model;
use crate::table::parquet::ColumnType;
use crate::table::{RecordTable, TableFormat};
use crate::{Error, Result};

/// The names of the columns a prediction adds (besides `p_CLASS` in CSV and Parquet).
pub const PREDICTION_COLUMNS: [&str; 4] = ["label", "probabilities", "tone", "top_terms"];

/// The output name of an input column: its own, or `input_NAME` when a prediction writes a
/// column of that name (e.g. the gold `label` of a labeled CSV).
pub fn passed_column_name(header: &str) -> String {
    if PREDICTION_COLUMNS.contains(&header) || header.starts_with("p_") {
        format!("input_{header}")
    } else {
        header.to_string()
    }
}

/// The columns of a prediction's CSV or Parquet row, with their Parquet types: the
/// `passed` columns (of `passed_types`) and the label (text), the probability of each of
/// `classes` and the tone (floats), the top terms (a list of texts).
pub fn output_columns(
    passed: &[String],
    passed_types: &[ColumnType],
    classes: &[String],
) -> Vec<(String, ColumnType)> {
    passed
        .iter()
        .cloned()
        .zip(passed_types.iter().copied())
        .chain([("label".to_string(), ColumnType::Text)])
        .chain(
            classes
                .iter()
                .map(|c| (format!("p_{c}"), ColumnType::Float)),
        )
        .chain([
            ("tone".to_string(), ColumnType::Float),
            ("top_terms".to_string(), ColumnType::TextList),
        ])
        .collect()
}

/// One text to predict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredictInput {
    /// The input fields to pass through, in the order of [`PredictRows::passed_names`].
    pub passed: Vec<String>,
    /// The text.
    pub text: String,
    /// Its target, for a per-target model.
    pub target: Option<String>,
}

/// Rows [`predict_rows`] reads and predicts at a time: enough to keep every core busy and to
/// amortize the hand-off to the threads, few enough that memory does not grow with the
/// input (a 1 GB CSV is streamed, never loaded).
pub const PREDICT_CHUNK: usize = 4096;

/// The rows to predict: texts given, or the rows of a table.
pub struct PredictRows(Source);

enum Source {
    Texts(std::vec::IntoIter<String>),
    Csv(RowReader<std::fs::File>),
    Table {
        table: RecordTable,
        text: usize,
        target: Option<usize>,
        text_col: String,
    },
}

impl PredictRows {
    /// The texts given, each a row (passed through as the column `text`).
    pub fn texts(texts: Vec<String>) -> Self {
        PredictRows(Source::Texts(texts.into_iter()))
    }

    /// The rows of the table at `path`, the text in column `text_col` and the target in
    /// `target_col`: a JSON lines or Parquet table by its extension, else a CSV with the
    /// field separator `delimiter` (read by the labeled-data reader, which refuses a record
    /// whose field count differs from the header's). Every column is passed through.
    pub fn open(
        path: &Path,
        text_col: &str,
        target_col: Option<&str>,
        delimiter: u8,
    ) -> Result<Self> {
        if matches!(
            TableFormat::of_path(path),
            Some(TableFormat::Jsonl | TableFormat::Parquet)
        ) {
            let table = RecordTable::open(path)?;
            let find = |name: &str| {
                table
                    .header()
                    .iter()
                    .position(|h| h == name)
                    .ok_or_else(|| Error::MissingColumn {
                        path: path.to_path_buf(),
                        column: name.to_string(),
                        columns: table.header().to_vec(),
                    })
            };
            let text = find(text_col)?;
            let target = target_col.map(find).transpose()?;
            return Ok(PredictRows(Source::Table {
                table,
                text,
                target,
                text_col: text_col.to_string(),
            }));
        }
        let mut columns = Columns::new(text_col, None);
        columns.target = target_col.map(str::to_string);
        columns.keep_fields = true;
        columns.delimiter = delimiter;
        Ok(PredictRows(Source::Csv(RowReader::open(
            path, &columns, false,
        )?)))
    }

    /// The output names of the columns passed through ([`passed_column_name`]; `text` for
    /// texts given).
    pub fn passed_names(&self) -> Vec<String> {
        let headers = match &self.0 {
            Source::Texts(_) => return vec!["text".into()],
            Source::Csv(reader) => reader.headers(),
            Source::Table { table, .. } => table.header(),
        };
        headers.iter().map(|h| passed_column_name(h)).collect()
    }

    /// The Parquet type of each column passed through: a Parquet table's own
    /// ([`RecordTable::types`]), text for every other input.
    pub fn passed_types(&self) -> Vec<ColumnType> {
        match &self.0 {
            Source::Texts(_) => vec![ColumnType::Text],
            Source::Csv(reader) => vec![ColumnType::Text; reader.headers().len()],
            Source::Table { table, .. } => table.types().to_vec(),
        }
    }

    /// The next row, `None` at the end. A table's row with an empty text is an error.
    pub fn next_row(&mut self) -> Result<Option<PredictInput>> {
        Ok(match &mut self.0 {
            Source::Texts(texts) => texts.next().map(|text| PredictInput {
                passed: vec![text.clone()],
                text,
                target: None,
            }),
            Source::Csv(reader) => reader.next_row()?.map(|row| PredictInput {
                passed: row.fields,
                text: row.text,
                target: row.target,
            }),
            Source::Table {
                table,
                text,
                target,
                text_col,
            } => match table.next_record()? {
                None => None,
                Some(cells) => {
                    let cell = |i: usize| cells[i].clone().unwrap_or_default();
                    let body = cell(*text);
                    if body.trim().is_empty() {
                        return Err(Error::Table {
                            path: table.path().to_path_buf(),
                            location: Some(format!("row {}", table.rows_read())),
                            message: format!("empty text in column `{text_col}`"),
                        });
                    }
                    Some(PredictInput {
                        target: target.map(cell).filter(|t| !t.trim().is_empty()),
                        passed: (0..cells.len()).map(cell).collect(),
                        text: body,
                    })
                }
            },
        })
    }

    /// The next `n` rows at most (fewer at the end, none after it).
    pub fn next_chunk(&mut self, n: usize) -> Result<Vec<PredictInput>> {
        let mut chunk = Vec::with_capacity(n);
        while chunk.len() < n {
            let Some(input) = self.next_row()? else {
                break;
            };
            chunk.push(input);
        }
        Ok(chunk)
    }

    /// An error when a table's first chunk is empty: a table with no rows to predict is a
    /// mistake (texts given may be none).
    fn check_not_empty(&self, chunk: &[PredictInput]) -> Result<()> {
        if !chunk.is_empty() {
            return Ok(());
        }
        let (path, filtered_out) = match &self.0 {
            Source::Texts(_) => return Ok(()),
            Source::Csv(reader) => (reader.path(), reader.filtered_out),
            Source::Table { table, .. } => (table.path(), 0),
        };
        Err(Error::Table {
            path: path.to_path_buf(),
            location: None,
            message: format!("no usable rows ({filtered_out} filtered out by --where, 0 invalid)"),
        })
    }
}

/// Predicts every row of `rows` with `model` (its classifier for the row's target), with the
/// `top_terms` terms that pushed each label most, and hands the results to `sink` a chunk of
/// [`PREDICT_CHUNK`] rows at a time, in input order.
///
/// `render` turns a row's prediction into what `sink` takes, on the worker threads (so that
/// formatting is parallel too); it is given the classifier, whose classes name the
/// probabilities, and a scratch state made by `init` for each worker (rayon's `map_init`),
/// which it may reuse from row to row. The rows of a chunk are predicted in parallel while
/// the next chunk is read; each result depends only on its row, so the output is what a
/// serial loop gives. A table with no rows is an error ([`Error::Table`]), as is a row that
/// cannot be read or whose target the model does not know; the first error stops the run.
pub fn predict_rows<'m, S, T, E, R>(
    model: &'m Model,
    rows: &mut PredictRows,
    top_terms: usize,
    init: impl Fn() -> S + Sync + Send,
    render: R,
    mut sink: impl FnMut(Vec<T>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E>
where
    R: Fn(&mut S, &PredictInput, &'m Classifier, &Prediction<'m>) -> std::result::Result<T, E>
        + Sync
        + Send,
    T: Send,
    E: From<Error> + Send,
{
    let predict_chunk = |chunk: &[PredictInput]| -> std::result::Result<Vec<T>, E> {
        chunk
            .par_iter()
            .map_init(&init, |state, input| {
                let classifier = model.classifier_for(input.target.as_deref())?;
                let prediction = classifier.predict(&input.text, top_terms);
                render(state, input, classifier, &prediction)
            })
            .collect()
    };
    let mut chunk = rows.next_chunk(PREDICT_CHUNK)?;
    rows.check_not_empty(&chunk)?;
    crate::score::overlapped(
        |emit| {
            while !chunk.is_empty() {
                let (next, results) =
                    rayon::join(|| rows.next_chunk(PREDICT_CHUNK), || predict_chunk(&chunk));
                let failed = results.is_err();
                if !emit(results) || failed {
                    return;
                }
                match next {
                    Ok(next) => chunk = next,
                    Err(e) => {
                        emit(Err(e.into()));
                        return;
                    }
                }
            }
        },
        |results| sink(results?),
    )
}

/// Predictions of a batch of texts, in parallel over the texts (rayon). Each prediction
/// depends only on its text and `collect` keeps the input order, so the result equals
/// `texts.iter().map(|t| classifier.predict(t, top_terms))` (checked by a test).
pub fn predict_batch<'c, S: AsRef<str> + Sync>(
    classifier: &'c Classifier,
    texts: &[S],
    top_terms: usize,
) -> Vec<Prediction<'c>> {
    texts
        .par_iter()
        .map(|t| classifier.predict(t.as_ref(), top_terms))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::default_model;

    /// The rows of a CSV are predicted in chunks, in order, as one by one: every column
    /// passed through (a `label` column as `input_label`), the text's prediction equal to
    /// the classifier's.
    #[test]
    fn a_table_is_predicted_in_order_with_its_columns() {
        let model = default_model().expect("built-in model");
        let classifier = model.classifier_for(None).expect("one classifier");
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes_test.csv"));
        let mut rows = PredictRows::open(path, "text", None, b',').expect("opens");
        let names = rows.passed_names();
        assert_eq!(names[1], "text");
        assert!(names.contains(&"input_label".to_string()), "{names:?}");
        let mut predicted = Vec::new();
        let mut chunks = 0;
        predict_rows(
            &model,
            &mut rows,
            3,
            || (),
            |_, input, _, p| Ok::<_, Error>((input.passed.clone(), p.label.to_string(), p.tone())),
            |chunk| {
                chunks += 1;
                predicted.extend(chunk);
                Ok(())
            },
        )
        .expect("predicts");
        let mut one_by_one = PredictRows::open(path, "text", None, b',').expect("opens");
        let mut n = 0;
        while let Some(input) = one_by_one.next_row().expect("reads") {
            let p = classifier.predict(&input.text, 3);
            assert_eq!(predicted[n], (input.passed, p.label.to_string(), p.tone()));
            n += 1;
        }
        assert_eq!(predicted.len(), n);
        assert_eq!(chunks, n.div_ceil(PREDICT_CHUNK));
    }

    /// A table without rows, and a row without text, are errors of the table.
    #[test]
    fn an_empty_table_or_text_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let model = default_model().expect("built-in model");
        let run = |name: &str, contents: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, contents).expect("writes");
            let mut rows = PredictRows::open(&path, "text", None, b',')?;
            predict_rows(&model, &mut rows, 0, || (), |_, _, _, _| Ok(()), |_| Ok(()))
        };
        let empty = run("empty.csv", "id,text\n").unwrap_err();
        assert!(matches!(empty, Error::Table { .. }), "{empty}");
        assert!(
            empty
                .to_string()
                .ends_with("empty.csv: no usable rows (0 filtered out by --where, 0 invalid)"),
            "{empty}"
        );
        let blank = run(
            "blank.jsonl",
            "{\"text\": \"We welcome it.\"}\n{\"text\": \" \"}\n",
        )
        .unwrap_err();
        assert!(
            blank
                .to_string()
                .ends_with("blank.jsonl: row 2: empty text in column `text`"),
            "{blank}"
        );
        // Texts given may be none.
        let mut none = PredictRows::texts(Vec::new());
        predict_rows(
            &model,
            &mut none,
            0,
            || (),
            |_, _, _, _| Ok::<_, Error>(()),
            |_| Ok(()),
        )
        .expect("no texts, no error");
    }

    /// The rayon path gives exactly the serial predictions, in order, on the quotes of
    /// `data/quotes.csv` and their halves (more texts than workers, varied lengths).
    #[test]
    fn parallel_batch_equals_serial_predictions() {
        let model = default_model().expect("built-in model");
        let classifier = model.classifier_for(None).expect("one classifier");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes.csv");
        let mut reader = csv::Reader::from_path(path).expect("data/quotes.csv");
        let mut texts: Vec<String> = Vec::new();
        for record in reader.records() {
            let text = record.expect("record")[1].to_string();
            let half = text.len() / 2;
            let cut = (half..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            texts.push(text[..cut].to_string());
            texts.push(text);
        }
        assert!(texts.len() > 500, "only {} texts", texts.len());
        let serial: Vec<Prediction> = texts.iter().map(|t| classifier.predict(t, 5)).collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool");
        let parallel = pool.install(|| predict_batch(classifier, &texts, 5));
        assert_eq!(parallel, serial);
    }
}
