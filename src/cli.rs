//! Command-line arguments: what the user typed (clap), then the library's own types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use tonetrack::data::Columns;
use tonetrack::model::calibration::CalibrationMethod;
use tonetrack::model::train::{
    CChoice, CCriterion, ClassWeight, Engine, TrainParams, DEFAULT_C_GRID,
};
use tonetrack::model::TonePoles;
use tonetrack::text::{AnalyzerConfig, LexiconName, LexiconRef, Tokenizer};

/// Who said what about U.S.–Russia relations, and in what tone.
#[derive(Debug, Parser)]
#[command(name = "tonetrack", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a tone model from a labeled CSV.
    Train(TrainArgs),
    /// Evaluate a model on a labeled CSV.
    Eval(EvalArgs),
    /// Cross-validate training options on a labeled CSV.
    Cv(CvArgs),
    /// Predict the tone of texts or of a CSV's rows.
    #[command(override_usage = "tonetrack predict [OPTIONS] <TEXTS>...\n       \
                                tonetrack predict [OPTIONS] --data <DATA>")]
    Predict(PredictArgs),
    /// Show how each term of a text pushes each class.
    Explain(ExplainArgs),
    /// List every direct quotation of articles, with speaker, date and relevance.
    Quotes(QuotesArgs),
    /// Score every quotation of articles: speaker, date, relevance and tone.
    Score(ScoreArgs),
    /// Per-speaker tone trends over time: table, sparklines, chart, HTML report.
    #[command(override_usage = "tonetrack trends [OPTIONS] <ARTICLES>...\n       \
                                tonetrack trends [OPTIONS] --scores <SCORES>...")]
    Trends(TrendsArgs),
    /// Label the quotations the model is least sure of; the model is refit as you go.
    Label(LabelArgs),
    /// Print a shell's completion script (e.g. `tonetrack completions bash > ~/.local/share/bash-completion/completions/tonetrack`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a folder.
    Man(ManArgs),
}

impl Command {
    /// The subcommand's name on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Train(_) => "train",
            Command::Eval(_) => "eval",
            Command::Cv(_) => "cv",
            Command::Predict(_) => "predict",
            Command::Explain(_) => "explain",
            Command::Quotes(_) => "quotes",
            Command::Score(_) => "score",
            Command::Trends(_) => "trends",
            Command::Label(_) => "label",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, elvish, fish, powershell or zsh.
    pub shell: clap_complete::Shell,
}

/// `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `tonetrack.1` and a `tonetrack-COMMAND.1` for every command into this folder
    /// (e.g. `~/.local/share/man/man1`) instead of printing `tonetrack.1`.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Output formats for tables of results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Jsonl,
    Json,
    /// A typed Parquet file, written to --out.
    Parquet,
}

/// Output formats for reports that are not tables of rows (`eval`, `cv`, `explain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    #[value(alias = "jsonl")]
    Json,
}

/// Which CSV columns to read.
#[derive(Debug, Args, Clone)]
pub struct ColumnArgs {
    /// Column holding the text.
    #[arg(long, default_value = "text")]
    pub text_col: String,
    /// Column holding the label.
    #[arg(long, default_value = "label")]
    pub label_col: String,
    /// Column holding the stance target (e.g. the person a sentence is about).
    #[arg(long)]
    pub target_col: Option<String>,
    /// Columns with the target mention's character offsets, START,END; the mention is replaced
    /// by a marker token.
    #[arg(long, value_name = "START,END", value_parser = parse_pair)]
    pub mention_cols: Option<(String, String)>,
    /// Keep only rows whose column equals the value (repeatable).
    #[arg(long = "where", value_name = "COL=VALUE", value_parser = parse_filter)]
    pub filters: Vec<(String, String)>,
    /// Skip invalid rows (empty text or label, malformed records) instead of stopping.
    #[arg(long)]
    pub skip_invalid: bool,
    #[command(flatten)]
    pub delimiter: DelimiterArg,
}

/// `--delimiter`, for every command that reads a CSV.
#[derive(Debug, Args, Clone, Copy)]
pub struct DelimiterArg {
    /// Field separator of the CSV inputs: `,` (default), `tab` for TSV, or any one ASCII
    /// character such as `;`.
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = parse_delimiter)]
    pub delimiter: u8,
}

impl ColumnArgs {
    /// The library's column selection.
    pub fn columns(&self) -> Columns {
        Columns {
            text: self.text_col.clone(),
            label: Some(self.label_col.clone()),
            target: self.target_col.clone(),
            mention: self.mention_cols.clone(),
            filters: self.filters.clone(),
            group: None,
            train_only: Vec::new(),
            keep_fields: false,
            delimiter: self.delimiter.delimiter,
        }
    }
}

/// Options that decide a trained model.
#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// Word n-gram range, MIN..MAX.
    #[arg(long, default_value = "1..2", value_parser = parse_range)]
    pub ngrams: (usize, usize),
    /// Character n-grams inside word boundaries, MIN..MAX (off by default).
    #[arg(long, value_parser = parse_range)]
    pub char_ngrams: Option<(usize, usize)>,
    /// Mark the words after a negation (up to punctuation) with a NEG_ prefix.
    #[arg(long)]
    pub negation: bool,
    /// Tone lexicons whose hits become features: `vader`, `diplomatic` (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub lexicon: Vec<LexiconName>,
    /// With --mention-cols: words within N words of the target mention also count as
    /// target-context features of their own.
    #[arg(long, value_name = "N")]
    pub mention_window: Option<usize>,
    /// `words`: tonetrack's tokenizer ("U.S." stays one word, "n't" becomes `not`);
    /// `sklearn`: scikit-learn's default token pattern, to reproduce its baselines.
    #[arg(long, value_enum, default_value = "words")]
    pub tokenizer: TokenizerArg,
    /// Keep stop words.
    #[arg(long)]
    pub keep_stop_words: bool,
    /// Do not stem.
    #[arg(long)]
    pub no_stem: bool,
    /// Ignore terms found in fewer documents.
    #[arg(long, default_value_t = 2)]
    pub min_df: usize,
    /// Ignore terms found in more than this fraction of documents.
    #[arg(long, default_value_t = 1.0)]
    pub max_df: f64,
    /// Keep only the N most frequent terms.
    #[arg(long)]
    pub max_features: Option<usize>,
    /// Use raw term counts instead of 1 + ln(tf).
    #[arg(long)]
    pub no_sublinear_tf: bool,
    /// Inverse regularisation strength, or `auto` to choose it by cross-validation.
    #[arg(long, default_value = "auto", value_parser = parse_c)]
    pub c: CArg,
    /// What `--c auto` maximises: cross-validated `macro-f1`, or `log-loss` (lowest).
    #[arg(long, value_enum, default_value = "macro-f1")]
    pub c_by: CCriterionArg,
    /// Calibrate probabilities on out-of-fold predictions: `temperature` (softmax(z/T)),
    /// `biased-temperature` (softmax(z/T + b), which also corrects class priors), or `none`.
    #[arg(long, value_enum, default_value = "none")]
    pub calibration: CalibrationArg,
    /// Folds for choosing C and calibrating (and for `cv`).
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// `balanced` weights rows inversely to their class frequency.
    #[arg(long, value_enum, default_value = "none")]
    pub class_weight: ClassWeightArg,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Maximum L-BFGS iterations.
    #[arg(long, default_value_t = 200)]
    pub max_iter: u64,
    /// Column whose rows stay in one fold (default: rows with the same text).
    #[arg(long)]
    pub group_col: Option<String>,
    /// The classes at the ends of tone, POSITIVE,NEGATIVE (tone = P(POSITIVE) −
    /// P(NEGATIVE)); default `positive,negative` when the data has those classes.
    #[arg(long, value_name = "POSITIVE,NEGATIVE", value_parser = parse_pair)]
    pub tone_poles: Option<(String, String)>,
    /// The solver: `sparse` (tonetrack's, on sparse rows, in parallel) or `linfa-logistic`
    /// (linfa-logistic on dense rows; small data only, no class weights).
    #[arg(long, value_enum, default_value = "sparse")]
    pub engine: EngineArg,
}

/// `--engine`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    Sparse,
    LinfaLogistic,
}

/// `--tokenizer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TokenizerArg {
    Words,
    Sklearn,
}

/// `--c`: a number or `auto`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CArg {
    Auto,
    Fixed(f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CCriterionArg {
    MacroF1,
    LogLoss,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CalibrationArg {
    None,
    Temperature,
    BiasedTemperature,
}

/// Labeled rows that only ever train (never scored in cross-validation).
#[derive(Debug, Args, Clone)]
pub struct TrainOnlyArgs {
    /// Rows whose column equals the value are trained on but never scored in
    /// cross-validation (repeatable; all must hold), e.g. `relevant=no`.
    #[arg(long = "train-only-where", value_name = "COL=VALUE", value_parser = parse_filter)]
    pub train_only_where: Vec<(String, String)>,
    /// A labeled CSV whose rows are added to training only, read with the same --text-col and
    /// --label-col (not --where), e.g. general-news sentences beside the domain's quotes.
    #[arg(long, value_name = "F.csv")]
    pub extra_data: Option<PathBuf>,
    /// Weight of each --extra-data row in the loss (a domain row weighs 1).
    #[arg(long, default_value_t = 1.0, requires = "extra_data")]
    pub extra_weight: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClassWeightArg {
    None,
    Balanced,
}

impl ModelArgs {
    /// The library's training parameters (checked later by `TrainParams::check`).
    pub fn params(&self) -> TrainParams {
        TrainParams {
            analyzer: AnalyzerConfig {
                tokenizer: match self.tokenizer {
                    TokenizerArg::Words => Tokenizer::Words,
                    TokenizerArg::Sklearn => Tokenizer::Sklearn,
                },
                lowercase: true,
                stop_words: !self.keep_stop_words,
                stem: !self.no_stem,
                negation_scope: self.negation,
                word_ngrams: self.ngrams,
                char_ngrams: self.char_ngrams,
                mention_window: self.mention_window,
                lexicons: self
                    .lexicon
                    .iter()
                    .map(|&l| LexiconRef::current(l))
                    .collect(),
            },
            min_df: self.min_df,
            max_df: self.max_df,
            max_features: self.max_features,
            sublinear_tf: !self.no_sublinear_tf,
            c: match self.c {
                CArg::Auto => CChoice::Auto {
                    grid: DEFAULT_C_GRID.to_vec(),
                },
                CArg::Fixed(c) => CChoice::Fixed(c),
            },
            folds: self.folds,
            class_weight: match self.class_weight {
                ClassWeightArg::None => ClassWeight::Uniform,
                ClassWeightArg::Balanced => ClassWeight::Balanced,
            },
            seed: self.seed,
            max_iterations: self.max_iter,
            c_criterion: match self.c_by {
                CCriterionArg::MacroF1 => CCriterion::MacroF1,
                CCriterionArg::LogLoss => CCriterion::LogLoss,
            },
            calibration: match self.calibration {
                CalibrationArg::None => CalibrationMethod::None,
                CalibrationArg::Temperature => CalibrationMethod::Temperature,
                CalibrationArg::BiasedTemperature => CalibrationMethod::BiasedTemperature,
            },
            tone_poles: self
                .tone_poles
                .as_ref()
                .map(|(positive, negative)| TonePoles::new(positive, negative)),
            engine: match self.engine {
                EngineArg::Sparse => Engine::Sparse,
                EngineArg::LinfaLogistic => Engine::LinfaLogistic,
            },
            ..TrainParams::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labeled CSV to learn from; repeat for several files with the same columns (their rows
    /// are read in order as one set).
    #[arg(long, required = true)]
    pub data: Vec<PathBuf>,
    #[command(flatten)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub extra: TrainOnlyArgs,
    /// Train one classifier per value of --target-col (SemEval-2016 protocol).
    #[arg(long, requires = "target_col")]
    pub per_target: bool,
    /// Where to write the model (e.g. models/NAME.json).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Model file (default, or `default`: the built-in model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Labeled CSV to evaluate on.
    #[arg(long)]
    pub data: PathBuf,
    #[command(flatten)]
    pub columns: ColumnArgs,
    /// Also report F_avg, the mean F1 of these labels (SemEval-2016), e.g. positive,negative.
    #[arg(long, value_delimiter = ',')]
    pub favg: Vec<String>,
    /// Also report trend fidelity: over speaker × period cells, how the tone of the model's
    /// trends follows the labeled tone (Pearson r, mean absolute error, slope), for each way
    /// of estimating a period's tone.
    #[arg(long)]
    pub trends: bool,
    /// With --trends: the period of a cell.
    #[arg(long, default_value = "year", value_parser = ["month", "quarter", "year"], requires = "trends")]
    pub period: String,
    /// With --trends: cells with fewer quotes are left out.
    #[arg(long, default_value_t = tonetrack::trends::DEFAULT_MIN_CELL_QUOTES, requires = "trends")]
    pub min_cell: usize,
    /// With --trends: the column naming the speaker.
    #[arg(long, default_value = "speaker", requires = "trends")]
    pub speaker_col: String,
    /// With --trends: the column with the statement's date (yyyy-mm-dd).
    #[arg(long, default_value = "date", requires = "trends")]
    pub date_col: String,
    /// `table` or `json`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct CvArgs {
    /// Labeled CSV; repeat for several files with the same columns.
    #[arg(long, required = true)]
    pub data: Vec<PathBuf>,
    #[command(flatten)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub extra: TrainOnlyArgs,
    /// `table` or `json`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Model file (default, or `default`: the built-in model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Texts to classify (`-`: one text per line of standard input).
    #[arg(conflicts_with = "data", required_unless_present = "data")]
    pub texts: Vec<String>,
    /// CSV (or .tsv, .jsonl, .ndjson, .parquet) whose rows to classify (its columns are
    /// passed through to the output).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Column holding the text.
    #[arg(long, default_value = "text")]
    pub text_col: String,
    /// Column holding the target, for per-target models.
    #[arg(long)]
    pub target_col: Option<String>,
    #[command(flatten)]
    pub delimiter: DelimiterArg,
    /// How many top terms to show.
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// `table`, `csv`, `jsonl` or `parquet` (with --out).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The file --format parquet writes.
    #[arg(long, value_name = "F.parquet")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Model file (default, or `default`: the built-in model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Target, for per-target models.
    #[arg(long)]
    pub target: Option<String>,
    /// The text to explain.
    pub text: String,
    /// `table` or `json`.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
}

/// Which articles, and how they are read.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// Article files or directories (read recursively); `-` reads standard input.
    /// Files ending in .csv, .tsv, .jsonl, .ndjson or .parquet are tables of articles, one
    /// per row (see --text-col).
    #[arg(required = true)]
    pub articles: Vec<PathBuf>,
    #[command(flatten)]
    pub reading: ReadingArgs,
    #[command(flatten)]
    pub table: TableArgs,
}

impl ReadArgs {
    /// The library's column selection for tables of articles, with `--delimiter` for `.csv`
    /// tables.
    pub fn columns(&self) -> tonetrack::table::ArticleColumns {
        tonetrack::table::ArticleColumns {
            delimiter: self.reading.delimiter.delimiter,
            ..self.table.columns()
        }
    }
}

/// The columns of tables of articles.
#[derive(Debug, Args, Clone, Default)]
pub struct TableArgs {
    /// Tables of articles: the column holding the article's text.
    #[arg(long, default_value = "text")]
    pub text_col: String,
    /// Tables: the column of the article's date (default `date`, when there is one); it takes
    /// precedence over the text's date. yyyy-mm-dd, ISO date and time, RFC 3339, or a Parquet
    /// date or timestamp.
    #[arg(long)]
    pub date_col: Option<String>,
    /// Tables: the column of the article's id, the output's `article` (default `id`, when
    /// there is one; else FILE:ROW).
    #[arg(long)]
    pub id_col: Option<String>,
    /// Tables: the column of the article's URL (default `url`, when there is one).
    #[arg(long)]
    pub url_col: Option<String>,
    /// Tables: the column of the article's title (default `title`, when there is one).
    #[arg(long)]
    pub title_col: Option<String>,
}

impl TableArgs {
    /// The library's column selection (with the default delimiter: see
    /// [`ReadArgs::columns`]).
    fn columns(&self) -> tonetrack::table::ArticleColumns {
        tonetrack::table::ArticleColumns {
            text: if self.text_col.is_empty() {
                "text".into()
            } else {
                self.text_col.clone()
            },
            date: self.date_col.clone(),
            id: self.id_col.clone(),
            url: self.url_col.clone(),
            title: self.title_col.clone(),
            ..Default::default()
        }
    }
}

/// How articles are read.
#[derive(Debug, Args, Clone)]
pub struct ReadingArgs {
    /// CSV with columns file,date: dates that override what the articles say.
    #[arg(long, value_name = "F.csv")]
    pub dates: Option<PathBuf>,
    /// Extra speaker aliases, a CSV with columns canonical,alias (added to data/speakers.csv).
    #[arg(long, value_name = "F.csv")]
    pub aliases: Option<PathBuf>,
    #[command(flatten)]
    pub delimiter: DelimiterArg,
    /// Leave out quotations of fewer words.
    #[arg(long, default_value_t = 1)]
    pub min_words: usize,
    /// `en`: articles not in English are reported and left out (the reader and the tone
    /// model are English); `any`: read and score them anyway.
    #[arg(long, default_value = "en", value_parser = ["en", "any"])]
    pub lang: String,
}

#[derive(Debug, Args)]
pub struct QuotesArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// `table`, `csv`, `jsonl` or `parquet` (with --out); table columns are passed through.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The file --format parquet writes.
    #[arg(long, value_name = "F.parquet")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Model file (default, or `default`: the built-in model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Also show quotations that do not concern U.S.–Russia relations.
    #[arg(long)]
    pub all: bool,
    /// `table`, `csv`, `jsonl` or `parquet` (with --out); table columns are passed through.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The file --format parquet writes.
    #[arg(long, value_name = "F.parquet")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("drawn").args(["chart", "html"]).multiple(true))]
pub struct TrendsArgs {
    /// Article files, directories or tables of articles (.csv, .tsv, .jsonl, .ndjson,
    /// .parquet) to score first (or use --scores).
    #[arg(required_unless_present = "scores", conflicts_with = "scores")]
    pub articles: Vec<PathBuf>,
    #[command(flatten)]
    pub table: TableArgs,
    /// JSONL written by `score --format jsonl` or `predict --data F.csv --format jsonl`.
    #[arg(long, num_args = 1..)]
    pub scores: Vec<PathBuf>,
    /// Model file for scoring articles (default, or `default`: the built-in model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// CSV with columns file,date, for articles.
    #[arg(long, value_name = "F.csv")]
    pub dates: Option<PathBuf>,
    /// Extra speaker aliases, a CSV with columns canonical,alias.
    #[arg(long, value_name = "F.csv")]
    pub aliases: Option<PathBuf>,
    #[command(flatten)]
    pub delimiter: DelimiterArg,
    /// `en` leaves out articles not in English; `any` scores them anyway.
    #[arg(long, default_value = "en", value_parser = ["en", "any"])]
    pub lang: String,
    /// Period of aggregation.
    #[arg(long, default_value = "quarter", value_parser = ["month", "quarter", "year"])]
    pub period: String,
    /// Only these speakers, comma-separated: whole names, or last names ("Lavrov").
    #[arg(long, value_delimiter = ',')]
    pub speakers: Vec<String>,
    /// Leave out speakers with fewer relevant quotes.
    #[arg(long, default_value_t = 1)]
    pub min_quotes: usize,
    /// Leave out quotations of fewer words (as `score --min-words`; counted in the footer).
    #[arg(long, default_value_t = 1)]
    pub min_words: usize,
    /// Count every copy of a quotation: by default a speaker's quotation that several articles
    /// carry (syndicated copies) counts once, the earliest dated copy kept.
    #[arg(long)]
    pub keep_duplicates: bool,
    /// How a period's tone is computed: `pacc` estimates the shares of positive and negative
    /// quotes from the probabilities with the model's cross-validated rates (Bella et al. 2010),
    /// `acc` from the labels (Forman 2008), `mean` averages the quotes' tones; `auto` is `pacc`
    /// when the model has rates and every quote has probabilities, else `mean`. With --scores,
    /// give the --model that scored them.
    #[arg(long, default_value = "auto", value_parser = ["auto", "pacc", "acc", "mean"])]
    pub estimate: String,
    /// `table`, `csv`, `json` or `parquet` (with --out).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The file --format parquet writes.
    #[arg(long, value_name = "F.parquet")]
    pub out: Option<PathBuf>,
    /// Write a chart: SVG when the name ends in .svg, PNG when it ends in .png.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    /// The chart's y axis: `fit` spans the plotted means and intervals (and 0), `fixed` the
    /// whole scale −1 to +1.
    #[arg(long, default_value = "fit", value_parser = ["fit", "fixed"], requires = "drawn")]
    pub y_scale: String,
    /// Write a self-contained HTML report.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Article files or directories whose relevant quotations to label (or use --data).
    #[arg(required_unless_present = "data", conflicts_with = "data")]
    pub articles: Vec<PathBuf>,
    /// A CSV of quotations to label instead: column `text`, and `id`, `speaker`, `date`,
    /// `source_url`, `title`, `article` when present; rows with `relevant` other than `yes`
    /// are left out.
    #[arg(long, value_name = "F.csv")]
    pub data: Option<PathBuf>,
    /// Model that ranks the quotations and is refit (default: the built-in model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Labeled CSV that every refit trains on besides your answers (repeatable). Default: the
    /// built-in model's training data (data/quotes.csv + data/quotes2.csv, built into the
    /// binary) without --model; none with it.
    #[arg(long, value_name = "F.csv")]
    pub base: Vec<PathBuf>,
    /// Never refit: the model given ranks every batch.
    #[arg(long)]
    pub no_refit: bool,
    /// The answers file (created, or resumed: what it holds is not asked again).
    #[arg(long, value_name = "labels.csv", required_unless_present = "export")]
    pub out: Option<PathBuf>,
    /// Quotations per batch; the model is refit after each.
    #[arg(long, default_value_t = 20)]
    pub batch: usize,
    /// `margin`: smallest gap between the two likeliest tones first; `entropy`: flattest
    /// probabilities first; `random`.
    #[arg(long, default_value = "margin", value_parser = ["margin", "entropy", "random"])]
    pub strategy: String,
    /// Seed of the random strategy.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Allow near-duplicates (same speaker, mostly the same words) in one batch.
    #[arg(long)]
    pub no_diversity: bool,
    /// Write the next --batch most informative quotations to this CSV without asking (to
    /// label in a spreadsheet; quotations in --out are left out).
    #[arg(long, value_name = "F.csv")]
    pub export: Option<PathBuf>,
    /// Plain line prompts even on a terminal (type a key, then Enter).
    #[arg(long)]
    pub plain: bool,
    #[command(flatten)]
    pub reading: ReadingArgs,
}

fn parse_range(s: &str) -> Result<(usize, usize), String> {
    let parse = |p: &str| {
        p.trim()
            .parse::<usize>()
            .map_err(|_| format!("`{s}` is not a range like 1..2"))
    };
    match s.split_once("..") {
        Some((a, b)) => Ok((parse(a)?, parse(b)?)),
        None => {
            let n = parse(s)?;
            Ok((n, n))
        }
    }
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once(',') {
        Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
            Ok((a.trim().to_string(), b.trim().to_string()))
        }
        _ => Err(format!("`{s}` is not two column names like START,END")),
    }
}

fn parse_filter(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((col, value)) if !col.trim().is_empty() => {
            Ok((col.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!("`{s}` is not a filter like relevant=yes")),
    }
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "`{s}` is not one ASCII character; for TSV give `tab`"
        )),
    }
}

fn parse_c(s: &str) -> Result<CArg, String> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(CArg::Auto);
    }
    match s.parse::<f64>() {
        Ok(c) if c.is_finite() && c > 0.0 => Ok(CArg::Fixed(c)),
        _ => Err(format!("`{s}` is not `auto` or a positive number")),
    }
}
