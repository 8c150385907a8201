//! One error type for the library. Messages name the problem and the fix in the library's
//! terms; the command-line tool adds its flags (`src/commands.rs`, `flag_hint`).

use std::path::PathBuf;

/// Everything that can go wrong in tonetrack's library code.
///
/// The variants a caller may want to act on are distinct (a missing column, an unknown label,
/// a single class, a bad model file, …); new ones may be added, hence `#[non_exhaustive]`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A CSV input is malformed or lacks what is needed.
    #[error("{path}:{line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the record (the header is line 1).
        line: u64,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A CSV input has no column of the name asked for.
    #[error(
        "{path}:1: no column named `{column}`; the columns are: {}{}",
        columns.join(", "),
        delimiter_hint(columns)
    )]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column asked for.
        column: String,
        /// The columns the file has.
        columns: Vec<String>,
    },
    /// A label that the model (or the evaluation) does not know.
    #[error("unknown label `{label}`; the classes are: {}", known.join(", "))]
    UnknownLabel {
        /// The label found.
        label: String,
        /// The labels known.
        known: Vec<String>,
    },
    /// Rows whose labels the model does not know.
    #[error(
        "{path}: labels unknown to the model: {}; the model knows: {}; leave those rows out \
         or evaluate a model of those classes",
        labels.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        known.join(", ")
    )]
    UnknownLabels {
        /// The data file.
        path: PathBuf,
        /// The unknown labels, their rows and first lines.
        labels: Vec<crate::model::evaluate::UnknownLabelRows>,
        /// The model's classes.
        known: Vec<String>,
    },
    /// Training data with fewer than two classes.
    #[error(
        "the training data has only {} class{} ({}); a classifier needs at least 2: add rows \
         of another class",
        classes.len(),
        if classes.len() == 1 { "" } else { "es" },
        classes.join(", ")
    )]
    OneClass {
        /// The classes present (zero or one).
        classes: Vec<String>,
    },
    /// Too few rows, or groups of rows, for the cross-validation folds asked for.
    #[error(
        "{rows} rows (in {groups} groups) cannot be split into {folds} folds: use fewer folds"
    )]
    TooFewGroups {
        /// Rows that can be scored.
        rows: usize,
        /// Groups among them (rows of a group stay in one fold).
        groups: usize,
        /// Folds asked for.
        folds: usize,
    },
    /// A model file is damaged, foreign, or from an incompatible version.
    #[error("{path}: {message}")]
    ModelFile {
        /// The file (or `<built-in …>`).
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A per-target model asked for a target it has no classifier for.
    #[error("the model has no classifier for target `{target}`; it knows: {}", known.join(", "))]
    UnknownTarget {
        /// The target asked for.
        target: String,
        /// The targets the model has classifiers for.
        known: Vec<String>,
    },
    /// A per-target model asked for a prediction without a target.
    #[error("this model has one classifier per target: give the target of each text")]
    TargetNeeded,
    /// A trend estimate that needs the model's cross-validated class rates, which it has not.
    #[error(
        "`{estimate}` needs the model's cross-validated class rates, and this model has none \
         (trained without cross-validation, or by an earlier tonetrack): train it again with C \
         chosen by cross-validation or with calibration, or estimate by the mean"
    )]
    NoClassRates {
        /// The estimate asked for (`acc`, `pacc`).
        estimate: String,
    },
    /// A quote that lacks what a trend estimate needs (a probability of every class).
    #[error(
        "quote {quote} (article {article:?}) has no {missing} for the `{estimate}` estimate; \
         score with this --model (the estimate corrects its error rates), or estimate by the \
         mean"
    )]
    QuoteCannotBeEstimated {
        /// 1-based number of the quote.
        quote: usize,
        /// Its article.
        article: String,
        /// What it lacks.
        missing: &'static str,
        /// The estimate asked for.
        estimate: String,
    },
    /// A model whose classes have no tone poles, asked for tone.
    #[error(
        "the model's classes ({}) have no tone poles, so its quotes have no tone: train it \
         naming the classes at the ends of tone",
        classes.join(", ")
    )]
    NoTonePoles {
        /// The model's classes.
        classes: Vec<String>,
    },
    /// A file cannot be written where asked (checked before the work that produces it).
    #[error("{path}: {problem}")]
    OutputPath {
        /// The file asked for.
        path: PathBuf,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// A table of articles has no column of the name asked for.
    #[error(
        "{path}: no column named `{column}` for the articles' {field}; the columns are: {}{}",
        columns.join(", "),
        delimiter_hint(columns)
    )]
    MissingArticleColumn {
        /// The table.
        path: PathBuf,
        /// What the column was to hold.
        field: crate::table::ArticleField,
        /// The column asked for.
        column: String,
        /// The columns the table has.
        columns: Vec<String>,
    },
    /// A date cell of a table of articles that is not a date.
    #[error(
        "{path}: {location}: `{value}` in column `{column}` is not a date; give yyyy-mm-dd, an \
         ISO date and time or an RFC 3339 timestamp (2019-05-14T09:30:00Z), or a Parquet date \
         or timestamp column; leave the cell empty when there is no date"
    )]
    TableDate {
        /// The table.
        path: PathBuf,
        /// Where the cell is: `line N` of a CSV or JSON lines file (as an editor counts them),
        /// `row N` of a Parquet table.
        location: String,
        /// The date column.
        column: String,
        /// The cell as written.
        value: String,
    },
    /// A table (of articles, or of texts to predict) that cannot be read, or a Parquet file
    /// that cannot be written.
    #[error("{path}: {}{message}", location.as_deref().map(|l| format!("{l}: ")).unwrap_or_default())]
    Table {
        /// The file.
        path: PathBuf,
        /// Where in it (`row 7`, `line 3`), when the problem has a place.
        location: Option<String>,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// An error of linfa, through its traits.
    #[error(transparent)]
    Linfa(#[from] linfa::Error),
    /// Parameters that cannot work (e.g. C ≤ 0, fewer than 2 folds).
    #[error("invalid parameter: {0}")]
    InvalidParams(String),
    /// Data that cannot be used for the requested operation.
    #[error("{0}")]
    Data(String),
}

/// `Result` with tonetrack's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// For a table whose header reads as one column holding a likely separator: how to read it
/// (else nothing).
fn delimiter_hint(columns: &[String]) -> String {
    let [only] = columns else {
        return String::new();
    };
    match [';', '\t', '|'].into_iter().find(|&c| only.contains(c)) {
        Some('\t') => {
            " (one column: for a tab-separated file, name it .tsv or pass --delimiter tab)".into()
        }
        Some(c) => {
            format!(" (one column: if the fields are separated by `{c}`, pass --delimiter '{c}')")
        }
        None => String::new(),
    }
}
