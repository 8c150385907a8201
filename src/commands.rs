//! One function per command: call the library, print the result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::CommandFactory;
use indicatif::{ProgressBar, ProgressStyle};

use tonetrack::data::{file_name, load_csv, Columns, Dataset};
use tonetrack::eval::{CvSummary, Evaluation};
use tonetrack::model::build::{
    examples_of, fits_to_make, train_model, with_extra_data, ExtraData, TrainingData,
};
use tonetrack::model::classifier::Classifier;
use tonetrack::model::evaluate::evaluate_model;
use tonetrack::model::file::{Classifiers, Model};
use tonetrack::model::train::{TrainParams, TrainReport};
use tonetrack::output_file::check_output_path;
use tonetrack::predict::{predict_rows, PredictRows};

use tonetrack::article::{expand_paths_with, Article, DateManifest, Reader, SpeakerAliases};
use tonetrack::score::{
    expand_sources, load_model, passthrough_columns, quote_sources, score_sources, ArticleSource,
    InputOutcome, ScoredArticle, Scorer,
};
use tonetrack::table::parquet::ColumnType;
use tonetrack::table::{ArticleColumns, ArticleField};
use tonetrack::trends::{
    self, model_trend_fidelity, ChartFormat, ChartOptions, Period, SpeakerDateColumns,
    TrendFidelity, TrendOptions, TrendQuote, YScale,
};

use crate::cli::{
    Cli, ColumnArgs, Command, CompletionsArgs, CvArgs, EvalArgs, ExplainArgs, Format, LabelArgs,
    ManArgs, ModelArgs, PredictArgs, QuotesArgs, ReadArgs, ReadingArgs, ReportFormat, ScoreArgs,
    TrainArgs, TrainOnlyArgs, TrendsArgs,
};
use crate::output::{
    c_grid_lines, calibration_line, confusion_table, cv_folds_table, data_line, export_message, f3,
    fit_line, label_train_hint, per_class_table, warn, Out, Table,
};
use crate::sinks::{LineRenderer, PredictOutput, QuotesOutput, ScoreOutput};

/// How a run ended, for the exit code.
pub enum Outcome {
    /// Everything done.
    Success,
    /// Ran fine but found nothing (exit 1).
    NothingFound,
    /// Some inputs failed and were reported; the others were processed (exit 2).
    SomeFailed,
}

impl Outcome {
    pub fn exit_code(&self) -> i32 {
        match self {
            Outcome::Success => 0,
            Outcome::NothingFound => 1,
            Outcome::SomeFailed => 2,
        }
    }
}

pub fn run(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Train(args) => train(args),
        Command::Eval(args) => eval(args),
        Command::Cv(args) => cv(args),
        Command::Predict(args) => predict(args),
        Command::Explain(args) => explain(args),
        Command::Quotes(args) => quotes(args),
        Command::Score(args) => score(args),
        Command::Trends(args) => trends(args),
        Command::Label(args) => label(args),
        Command::Completions(args) => completions(args),
        Command::Man(args) => man(args),
    }
}

/// `completions`: the shell's completion script, generated from the argument definitions.
fn completions(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "tonetrack", &mut script);
    let mut out = Out::new();
    out.bytes(&script)?;
    out.flush()?;
    Ok(Outcome::Success)
}

/// `man`: the manual page, generated from the argument definitions.
fn man(args: ManArgs) -> anyhow::Result<Outcome> {
    match &args.out {
        Some(dir) => {
            if !dir.is_dir() {
                bail!("{}: no such folder; create it first", dir.display());
            }
            clap_mangen::generate_to(Cli::command(), dir)
                .with_context(|| format!("writing manual pages into {}", dir.display()))?;
            eprintln!("tonetrack: wrote manual pages into {}", dir.display());
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            let mut out = Out::new();
            out.bytes(&page)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Success)
}

/// The flag that fixes a library error, when there is one: the library's messages speak of
/// folds and targets, the command line of `--folds` and `--target-col`.
/// `command` is the subcommand run (`predict`), so that a hint names only its own flags.
pub fn flag_hint(err: &anyhow::Error, command: &str) -> Option<&'static str> {
    let error = err
        .chain()
        .find_map(|cause| cause.downcast_ref::<tonetrack::Error>())?;
    Some(match error {
        tonetrack::Error::TooFewGroups { .. } => "lower --folds",
        tonetrack::Error::TargetNeeded => {
            "give the target: --target-col (predict --data, eval) or --target (explain)"
        }
        tonetrack::Error::NoClassRates { .. } => {
            "train with --c auto or --calibration, or use --estimate mean"
        }
        tonetrack::Error::QuoteCannotBeEstimated { .. } => "use --estimate mean",
        tonetrack::Error::NoTonePoles { .. } => "train with --tone-poles POSITIVE,NEGATIVE",
        tonetrack::Error::UnknownLabels { .. } => "--skip-invalid leaves those rows out",
        tonetrack::Error::OneClass { .. } => "check --label-col and the --where filters",
        tonetrack::Error::MissingArticleColumn { field, .. } => match field {
            ArticleField::Text => "name the table's text column with --text-col",
            ArticleField::Date => "name the table's date column with --date-col",
            ArticleField::Id => "name the table's id column with --id-col",
            ArticleField::Url => "name the table's URL column with --url-col",
            ArticleField::Title => "name the table's title column with --title-col",
            _ => return None,
        },
        tonetrack::Error::TableDate { .. } => {
            "correct the cell or leave it empty; --date-col names another column"
        }
        tonetrack::Error::MissingColumn { .. } => match command {
            "predict" => "name the text column with --text-col (and --target-col, the target's)",
            "label" => {
                "`label --data` reads the column `text`: rename the file's column (`id`, \
                 `speaker`, `date`, `source_url` are read when present)"
            }
            "eval" => {
                "name the columns with --text-col, --label-col or --target-col (with --trends: \
                 --speaker-col, --date-col)"
            }
            _ => "name the columns with --text-col, --label-col, --target-col or --group-col",
        },
        _ => return None,
    })
}

/// Loads labeled CSVs as one dataset (see [`Dataset::concat`]).
fn load_labeled_files(
    paths: &[PathBuf],
    columns: &Columns,
    skip_invalid: bool,
) -> anyhow::Result<Dataset> {
    let parts = paths
        .iter()
        .map(|p| load_labeled(p, columns, skip_invalid))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for part in &parts {
        part.check_label_spellings()?;
    }
    let data = Dataset::concat(parts)?;
    if paths.len() > 1 {
        data.check_label_spellings()
            .context("the data files write a label in two ways")?;
    }
    let largest = data.label_counts().into_iter().max_by_key(|&(_, n)| n);
    for (label, n) in data.rare_labels() {
        let (big, big_n) = largest.clone().unwrap_or_default();
        warn(format!(
            "the label `{label}` has {n} {} against {big_n} for `{big}`: a typo? It trains as \
             a class of its own; fix those rows, or leave them out with --where",
            if n == 1 { "row" } else { "rows" }
        ));
    }
    Ok(data)
}

/// The names of data files, for messages and the model file.
fn file_names(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| file_name(p))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Loads a labeled CSV and reports skipped and filtered rows on stderr.
fn load_labeled(path: &Path, columns: &Columns, skip_invalid: bool) -> anyhow::Result<Dataset> {
    let data = load_csv(path, columns, skip_invalid)?;
    if !data.skipped.is_empty() {
        warn(format!(
            "{}: skipped {} invalid row(s); first: {}",
            path.display(),
            data.skipped.len(),
            data.skipped[0]
        ));
    }
    if data.rows.is_empty() {
        bail!(
            "{}: no usable rows ({} filtered out by --where, {} invalid)",
            path.display(),
            data.filtered_out,
            data.skipped.len()
        );
    }
    Ok(data)
}

fn label_summary(counts: &BTreeMap<String, usize>) -> String {
    counts
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn progress_bar(len: u64, what: &str) -> ProgressBar {
    // Drawn on stderr, and hidden by indicatif when stderr is not a terminal.
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{what} [{{bar:30}}] {{pos}}/{{len}} fits ({{elapsed}})"
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn train(args: TrainArgs) -> anyhow::Result<Outcome> {
    check_output_path(&args.out).context("--out")?;
    if args.per_target && args.extra.extra_data.is_some() {
        bail!("--extra-data is not supported with --per-target");
    }
    let columns = training_columns(&args.columns, &args.model, &args.extra);
    let data = load_labeled_files(&args.data, &columns, args.columns.skip_invalid)?;
    let valid = args.model.params().check()?;
    let mut out = Out::new();
    let counts = label_summary(&data.label_counts());
    out.line(data_line(&args.data, &data, &counts))?;
    out.flush()?;
    let bar = progress_bar(fits_to_make(&valid, &data, args.per_target), "choosing C");
    let source = TrainingData {
        data,
        columns: &columns,
        data_file: file_names(&args.data),
        per_target: args.per_target,
        extra: load_extra_data(&args.extra, &columns, args.columns.skip_invalid)?,
    };
    let model = train_model(&valid, source, &|| bar.inc(1)).context("training")?;
    bar.finish_and_clear();
    for (target, report) in &model.training.reports {
        print_train_report(&mut out, target, report, valid.params())?;
    }
    model.save(&args.out)?;
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    out.line(format!(
        "wrote {} ({:.1} MB)",
        args.out.display(),
        size as f64 / 1e6
    ))?;
    out.flush()?;
    Ok(Outcome::Success)
}

/// The columns of training data: the user's, with the group and training-only columns.
fn training_columns(columns: &ColumnArgs, model: &ModelArgs, extra: &TrainOnlyArgs) -> Columns {
    let mut selected = columns.columns();
    selected.group = model.group_col.clone();
    selected.train_only = extra.train_only_where.clone();
    selected
}

/// The `--extra-data` rows (text and label columns only), when given.
fn load_extra_data(
    extra: &TrainOnlyArgs,
    columns: &Columns,
    skip_invalid: bool,
) -> anyhow::Result<Option<ExtraData>> {
    let Some(path) = &extra.extra_data else {
        return Ok(None);
    };
    let mut plain = Columns::new(&columns.text, columns.label.as_deref());
    plain.delimiter = columns.delimiter;
    Ok(Some(ExtraData {
        data: load_labeled(path, &plain, skip_invalid)?,
        data_file: file_name(path),
        weight: extra.extra_weight,
    }))
}

fn print_train_report(
    out: &mut Out,
    target: &str,
    report: &TrainReport,
    params: &TrainParams,
) -> anyhow::Result<()> {
    let prefix = if target.is_empty() {
        String::new()
    } else {
        format!("[{target}] ")
    };
    for line in c_grid_lines(&prefix, report, params) {
        out.line(line)?;
    }
    if let Some(c) = &report.calibration {
        out.line(calibration_line(&prefix, c))?;
    }
    out.line(fit_line(
        &prefix,
        report,
        &label_summary(&report.label_counts),
    ))
}

/// Eval columns: the user's, falling back to the model's target and mention columns.
fn eval_columns(args: &ColumnArgs, model: &Model) -> Columns {
    let mut columns = args.columns();
    if columns.target.is_none() && matches!(model.classifiers, Classifiers::PerTarget(_)) {
        columns.target = model.training.columns.target.clone();
    }
    if columns.mention.is_none() {
        columns.mention = model.training.columns.mention.clone();
    }
    columns
}

fn eval(args: EvalArgs) -> anyhow::Result<Outcome> {
    let model = load_model(args.model.as_deref())?;
    let mut columns = eval_columns(&args.columns, &model);
    columns.keep_fields = args.trends;
    let data = load_labeled(&args.data, &columns, args.columns.skip_invalid)?;
    let trend_columns = args
        .trends
        .then(|| SpeakerDateColumns::find(&data, &args.data, &args.speaker_col, &args.date_col))
        .transpose()?;
    let assessed = evaluate_model(&model, &data, args.columns.skip_invalid)?;
    let trained_on = model.training.trained_on();
    let seen = data.rows.iter().filter(|r| trained_on(&r.text)).count();
    if seen > 0 {
        warn(format!(
            "{seen} of {} rows of {} are texts the model was trained on: its figures on them \
             overstate its accuracy on new text; evaluate a model trained without them (for \
             the shipped model's figures: `make split-model`, then --model target/split-model.json)",
            data.rows.len(),
            args.data.display()
        ));
    }
    for unknown in &assessed.unknown_labels {
        warn(format!(
            "{}: label unknown to the model, rows left out: {unknown}",
            args.data.display()
        ));
    }
    let fidelity = match trend_columns {
        Some(columns) => {
            let period = args.period.parse::<Period>()?;
            model_trend_fidelity(
                &model,
                &data,
                &args.data,
                &assessed,
                columns,
                period,
                args.min_cell,
            )?
        }
        None => Vec::new(),
    };
    let mut evaluation = assessed.evaluation;
    if !args.favg.is_empty() {
        let labels: Vec<&str> = args.favg.iter().map(String::as_str).collect();
        evaluation.with_f_avg(&labels)?;
    }
    let model_name = match args.model.as_deref() {
        Some(path) if path != Path::new("default") => format!("`{}`", path.display()),
        _ => "the built-in model".to_string(),
    };
    let mut scope = format!("{model_name} on {}", args.data.display());
    if !args.columns.filters.is_empty() {
        let filters: Vec<String> = args
            .columns
            .filters
            .iter()
            .map(|(col, value)| format!("{col}={value}"))
            .collect();
        scope.push_str(&format!(
            ", rows where {} ({} left out)",
            filters.join(" and "),
            data.filtered_out
        ));
    }
    let report = EvalReport {
        scope,
        evaluation: &evaluation,
        fidelity: &fidelity,
        period: &args.period,
        seen_in_training: seen,
        filtered_out: data.filtered_out,
    };
    print_eval_report(args.format, &report)?;
    Ok(Outcome::Success)
}

/// What `eval` prints.
struct EvalReport<'a> {
    /// The model and the rows measured, in words.
    scope: String,
    evaluation: &'a Evaluation,
    fidelity: &'a [TrendFidelity],
    period: &'a str,
    /// Rows whose text the model was trained on (see `TrainingInfo::trained_on`).
    seen_in_training: usize,
    /// Rows left out by `--where`.
    filtered_out: usize,
}

/// `eval`'s report: what was measured, the metrics, then the trend fidelity when measured.
fn print_eval_report(format: ReportFormat, report: &EvalReport) -> anyhow::Result<()> {
    let mut out = Out::new();
    match format {
        ReportFormat::Json => {
            let mut value = serde_json::to_value(report.evaluation)?;
            value["scope"] = report.scope.clone().into();
            if !report.fidelity.is_empty() {
                value["trend_fidelity"] = serde_json::to_value(report.fidelity)?;
                value["period"] = report.period.into();
            }
            value["rows_seen_in_training"] = report.seen_in_training.into();
            value["rows_filtered_out"] = report.filtered_out.into();
            out.json(&value)?
        }
        ReportFormat::Table => {
            out.line(&report.scope)?;
            print_evaluation(&mut out, report.evaluation)?;
            if !report.fidelity.is_empty() {
                print_fidelity(&mut out, report.fidelity, report.period)?;
            }
        }
    }
    out.flush()
}

fn print_fidelity(out: &mut Out, fidelity: &[TrendFidelity], period: &str) -> anyhow::Result<()> {
    out.line("")?;
    let cells = fidelity.first().map_or(0, |f| f.cells);
    let min = fidelity.first().map_or(0, |f| f.min_quotes);
    out.line(format!(
        "trend fidelity over {cells} speaker × {period} cells with ≥ {min} quotes \
         (predicted against labeled cell tone, positive 1 / neutral 0 / negative −1):"
    ))?;
    let mut table = Table::new(&[
        "estimate",
        "pearson r",
        "MAE",
        "bias",
        "slope",
        "sd labeled",
        "sd predicted",
    ]);
    for f in fidelity {
        table.row(vec![
            f.estimate.clone(),
            f3(f.pearson_r),
            f3(f.mae),
            f3(f.bias),
            f3(f.slope),
            f3(f.labeled_sd),
            f3(f.predicted_sd),
        ]);
    }
    table.print(out)
}

fn print_evaluation(out: &mut Out, e: &Evaluation) -> anyhow::Result<()> {
    out.line(format!(
        "n = {}   accuracy = {}   macro-F1 = {}{}",
        e.n,
        f3(e.accuracy),
        f3(e.macro_f1),
        e.f_avg
            .map_or(String::new(), |f| format!("   F_avg = {}", f3(f)))
    ))?;
    if let Some(p) = &e.probabilities {
        out.line(format!(
            "log-loss = {}   expected calibration error = {}{}",
            f3(p.log_loss),
            f3(p.ece),
            p.mean_abs_tone
                .map_or(String::new(), |t| format!("   mean |tone| = {}", f3(t)))
        ))?;
    }
    out.line("")?;
    per_class_table(e).print(out)?;
    out.line("")?;
    out.line("confusion matrix (rows: true, columns: predicted)")?;
    confusion_table(e).print(out)
}

fn cv(args: CvArgs) -> anyhow::Result<Outcome> {
    let columns = training_columns(&args.columns, &args.model, &args.extra);
    let mut data = load_labeled_files(&args.data, &columns, args.columns.skip_invalid)?;
    if args.columns.target_col.is_some() {
        warn("cv trains one classifier over all targets; --target-col only selects the column");
    }
    let valid = args.model.params().check()?;
    let all: Vec<usize> = (0..data.rows.len()).collect();
    let mut ex = examples_of(&mut data, &all);
    if let Some(extra) = load_extra_data(&args.extra, &columns, args.columns.skip_invalid)? {
        ex = with_extra_data(ex, extra)?.0;
    }
    let (folds, summary) = valid.cross_validate(&ex)?;
    let mut out = Out::new();
    match args.format {
        ReportFormat::Json => out.json(&serde_json::json!({
            "folds": folds,
            "summary": summary,
        }))?,
        ReportFormat::Table => print_cv(&mut out, &args.model, &folds, &summary)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn print_cv(
    out: &mut Out,
    model: &ModelArgs,
    folds: &[Evaluation],
    s: &CvSummary,
) -> anyhow::Result<()> {
    out.line(format!(
        "{}-fold cross-validation (seed {}): mean ± sd over folds",
        folds.len(),
        model.seed
    ))?;
    cv_folds_table(folds).print(out)?;
    out.line(format!(
        "accuracy = {} ± {}   macro-F1 = {} ± {}",
        f3(s.accuracy.mean),
        f3(s.accuracy.std),
        f3(s.macro_f1.mean),
        f3(s.macro_f1.std)
    ))?;
    for (class, f1) in &s.per_class_f1 {
        out.line(format!("  F1 {class}: {} ± {}", f3(f1.mean), f3(f1.std)))?;
    }
    for (name, metric) in [
        ("log-loss", &s.log_loss),
        ("expected calibration error", &s.ece),
        ("mean |tone|", &s.mean_abs_tone),
    ] {
        if let Some(m) = metric {
            out.line(format!("{name} = {} ± {}", f3(m.mean), f3(m.std)))?;
        }
    }
    Ok(())
}

/// The texts of `predict -`: standard input's lines, blank lines left out.
fn stdin_texts() -> anyhow::Result<Vec<String>> {
    let mut texts = Vec::new();
    for line in std::io::stdin().lines() {
        let line = line.context("cannot read standard input")?;
        if !line.trim().is_empty() {
            texts.push(line);
        }
    }
    if texts.is_empty() {
        bail!("standard input holds no text: give one text per line (`predict -`)");
    }
    Ok(texts)
}

fn predict(args: PredictArgs) -> anyhow::Result<Outcome> {
    let parquet = parquet_out(args.format, args.out.as_deref())?;
    let model = load_model(args.model.as_deref())?;
    let mut rows = match &args.data {
        Some(path) => PredictRows::open(
            path,
            &args.text_col,
            args.target_col.as_deref(),
            args.delimiter.delimiter,
        )?,
        None => {
            let texts = if args.texts == ["-"] {
                stdin_texts()?
            } else {
                args.texts.clone()
            };
            if let Some(i) = texts.iter().position(|t| t.trim().is_empty()) {
                bail!("text {} is empty: give the words to classify", i + 1);
            }
            PredictRows::texts(texts)
        }
    };
    let passed_names = rows.passed_names();
    let mut out = Out::new();
    let passed = passed_names
        .iter()
        .cloned()
        .zip(rows.passed_types())
        .collect();
    let mut sink = PredictOutput::new(args.format, model.classes(), passed, parquet);
    predict_rows(
        &model,
        &mut rows,
        args.top,
        || LineRenderer::new(args.format, &passed_names),
        |renderer, input, classifier, prediction| {
            renderer.render(input, classifier.classes(), prediction)
        },
        |lines| sink.write(&mut out, lines),
    )?;
    sink.finish(&mut out)?;
    out.flush()?;
    Ok(Outcome::Success)
}

fn explain(args: ExplainArgs) -> anyhow::Result<Outcome> {
    let model = load_model(args.model.as_deref())?;
    let classifier: &Classifier = model.classifier_for(args.target.as_deref())?;
    if args.text.trim().is_empty() {
        bail!("the text is empty: give the words to explain");
    }
    let explanation = classifier.explain(&args.text);
    let mut out = Out::new();
    if args.format == ReportFormat::Json {
        out.json(&explanation)?;
        out.flush()?;
        return Ok(Outcome::Success);
    }
    let p = &explanation.prediction;
    out.line(format!(
        "label: {}   tone: {:+.3}   {}",
        p.label,
        p.tone(),
        p.probabilities
            .iter()
            .map(|(c, v)| format!("P({c}) = {v:.3}"))
            .collect::<Vec<_>>()
            .join("  ")
    ))?;
    let mut header = vec!["term", "tf-idf"];
    header.extend(explanation.classes.iter().map(String::as_str));
    let mut table = Table::new(&header);
    let mut intercept = vec!["(intercept)".to_string(), "-".to_string()];
    intercept.extend(explanation.intercepts.iter().map(|v| format!("{v:+.3}")));
    for t in &explanation.terms {
        let mut cells = vec![t.term.clone(), format!("{:.3}", t.value)];
        cells.extend(t.contributions.iter().map(|v| format!("{v:+.3}")));
        table.row(cells);
    }
    table.row(intercept);
    table.print(&mut out)?;
    if explanation.terms.is_empty() {
        out.line("(no term of this text is in the model's vocabulary)")?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// The alias table: the built-in one plus the user's.
fn aliases(extra: Option<&Path>, delimiter: u8) -> anyhow::Result<SpeakerAliases> {
    let mut aliases = SpeakerAliases::builtin();
    if let Some(path) = extra {
        aliases.merge(SpeakerAliases::load_delimited(path, delimiter)?);
    }
    Ok(aliases)
}

fn reader(read: &ReadingArgs) -> anyhow::Result<Reader> {
    let delimiter = read.delimiter.delimiter;
    let mut reader = Reader::new().with_aliases(aliases(read.aliases.as_deref(), delimiter)?);
    if let Some(path) = &read.dates {
        reader = reader.with_manifest(DateManifest::load_delimited(path, delimiter)?);
    }
    Ok(reader)
}

/// Warns, after a run, about the rows of `--dates` that matched no input (see
/// [`DateManifest::unused_rows_warning`]).
fn warn_unused_dates(manifest: Option<&DateManifest>) {
    if let Some(w) = manifest.and_then(DateManifest::unused_rows_warning) {
        warn(w);
    }
}

/// Counts what happened to the inputs of a run, and turns it into the exit outcome.
#[derive(Default)]
struct RunTally {
    /// Stop the run at an input that cannot be read (a bad table row, an unreadable file)
    /// instead of warning and going on: set when the output is a file, so that a failed run
    /// leaves no file holding part of the data.
    stop_on_failure: bool,
    articles: usize,
    quotes: usize,
    failed: usize,
    /// Articles not in English left out, and their quotations.
    other_language: usize,
    other_language_quotes: usize,
}

impl RunTally {
    /// A tally that stops the run at the first input that cannot be read, when
    /// `output_is_file`.
    fn stopping_if(output_is_file: bool) -> Self {
        RunTally {
            stop_on_failure: output_is_file,
            ..RunTally::default()
        }
    }

    /// Reports a skipped or failed input on stderr; returns the value of a processed one. A
    /// failed input is an error when the tally stops on failures.
    fn take<T>(&mut self, outcome: InputOutcome<T>) -> anyhow::Result<Option<T>> {
        match outcome {
            InputOutcome::Done { value, warning } => {
                if let Some(w) = warning {
                    warn(w);
                }
                self.articles += 1;
                Ok(Some(value))
            }
            InputOutcome::Skipped { name, reason } => {
                warn(format!("{name}: skipped: {reason}"));
                self.failed += 1;
                Ok(None)
            }
            InputOutcome::Failed(e) if self.stop_on_failure => Err(anyhow::Error::new(e).context(
                "an input could not be read, so the run stopped and wrote no output file",
            )),
            InputOutcome::Failed(e) => {
                warn(e);
                self.failed += 1;
                Ok(None)
            }
        }
    }

    /// Reports an article not in English, left out unless `any_language`; true when it is
    /// left out.
    fn leave_out(&mut self, article: &Article, any_language: bool) -> bool {
        let lang = article.language;
        if any_language || lang.is_english() {
            return false;
        }
        let left_out = match article.quotes.len() {
            0 => "left out".to_string(),
            1 => "its quotation is left out".to_string(),
            n => format!("its {n} quotations are left out"),
        };
        warn(format!(
            "{}: written in {} ({}), not English: {left_out} (--lang any reads and scores it anyway)",
            article.name, lang.name, lang.code,
        ));
        self.other_language += 1;
        self.other_language_quotes += article.quotes.len();
        true
    }

    fn outcome(&self) -> Outcome {
        if self.other_language > 0 {
            warn(format!(
                "{} article(s) not in English left out ({} quotation(s) not scored); --lang any reads them",
                self.other_language, self.other_language_quotes
            ));
        }
        if self.failed > 0 {
            warn(format!(
                "{} input(s) could not be read, or not to their end (see above)",
                self.failed
            ));
            Outcome::SomeFailed
        } else if self.articles == 0 {
            eprintln!("tonetrack: no article files found (directories are read recursively; hidden files are skipped)");
            Outcome::NothingFound
        } else if self.quotes == 0 {
            eprintln!(
                "tonetrack: no quotations found in {} article(s)",
                self.articles
            );
            Outcome::NothingFound
        } else {
            Outcome::Success
        }
    }
}

fn quotes(args: QuotesArgs) -> anyhow::Result<Outcome> {
    let parquet = parquet_out(args.format, args.out.as_deref())?;
    let reader = reader(&args.read.reading)?;
    let any_language = args.read.reading.lang == "any";
    let min_words = args.read.reading.min_words;
    let (sources, columns, passed) = article_sources(&args.read)?;
    let mut sink = QuotesOutput::new(args.format, parquet.as_deref(), passed)?;
    let mut tally = RunTally::stopping_if(parquet.is_some());
    quote_sources(&reader, &sources, &columns, min_words, |outcome| {
        let Some(read) = tally.take(outcome)? else {
            return Ok(());
        };
        if tally.leave_out(&read.article, any_language) {
            return Ok(());
        }
        tally.quotes += read.records.len();
        sink.article(&read.article, &read.records, &read.columns)
    })?;
    sink.finish()?;
    warn_unused_dates(reader.manifest());
    Ok(tally.outcome())
}

/// The progress of scoring `sources`: a bar over the article files, a count of articles when
/// tables are among them (their number of rows is not known in advance).
fn scoring_bar(sources: &[ArticleSource]) -> ProgressBar {
    let tables = sources.iter().any(|s| matches!(s, ArticleSource::Table(_)));
    let (bar, template) = if tables {
        (
            ProgressBar::new_spinner(),
            "scoring {spinner} {pos} articles ({elapsed})",
        )
    } else {
        (
            ProgressBar::new(sources.len() as u64),
            "scoring [{bar:30}] {pos}/{len} articles ({elapsed})",
        )
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Scores every input with the library's [`score_sources`] (only the quotations about the
/// relationship with `relevant_only`), handing each article's scored quotes to `sink` in
/// input order; shows the progress and reports on stderr what could not be read or was left
/// out. With `output_is_file`, an input that cannot be read stops the run (see
/// [`RunTally::stop_on_failure`]).
fn score_sources_with(
    read: &ReadArgs,
    model: &Model,
    sources: &[ArticleSource],
    relevant_only: bool,
    output_is_file: bool,
    mut sink: impl FnMut(&ScoredArticle) -> anyhow::Result<()>,
) -> anyhow::Result<RunTally> {
    let reader = reader(&read.reading)?;
    let any_language = read.reading.lang == "any";
    let scorer = Scorer::new(&reader, model)?
        .any_language(any_language)
        .relevant_only(relevant_only)
        .min_words(read.reading.min_words);
    let mut tally = RunTally::stopping_if(output_is_file);
    let bar = scoring_bar(sources);
    let columns = read.columns();
    score_sources(
        &scorer,
        sources,
        &columns,
        |outcome| -> anyhow::Result<()> {
            bar.inc(1);
            if let Some(scored) = tally.take(outcome)? {
                if tally.leave_out(&scored.article, any_language) {
                    return Ok(());
                }
                tally.quotes += scored.found;
                sink(&scored)?;
            }
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    warn_unused_dates(reader.manifest());
    Ok(tally)
}

/// The columns the input tables pass through, with their types in Parquet output.
type PassedColumns = Vec<(String, ColumnType)>;

/// The sources of `ARTICLES` (files, directories, tables), the tables' columns, and the
/// columns the tables pass through.
fn article_sources(
    read: &ReadArgs,
) -> anyhow::Result<(Vec<ArticleSource>, ArticleColumns, PassedColumns)> {
    let sources = expand_sources(&read.articles, warn)?;
    let columns = read.columns();
    let passed = passthrough_columns(&sources, &columns)?;
    Ok((sources, columns, passed))
}

/// The file of `--format parquet` (`--out`, checked before any work); `None` for the other
/// formats, which print on standard output.
fn parquet_out(format: Format, out: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
    match (format, out) {
        (Format::Parquet, Some(path)) => {
            check_output_path(path).context("--out")?;
            Ok(Some(path.to_path_buf()))
        }
        (Format::Parquet, None) => bail!(
            "--format parquet writes a file, not standard output: name it with --out F.parquet"
        ),
        (_, Some(_)) => bail!(
            "--out is for --format parquet; the other formats print on standard output \
             (redirect it: > FILE)"
        ),
        (_, None) => Ok(None),
    }
}

fn score(args: ScoreArgs) -> anyhow::Result<Outcome> {
    let parquet = parquet_out(args.format, args.out.as_deref())?;
    let model = load_model(args.model.as_deref())?;
    // The probability columns, in the order of the quotes' probabilities (by name).
    let mut classes = model.classes().to_vec();
    classes.sort();
    let (sources, _, passed) = article_sources(&args.read)?;
    let mut sink = ScoreOutput::new(
        args.format,
        parquet.as_deref(),
        classes,
        passed,
        args.read.reading.min_words,
    )?;
    let relevant_only = !args.all;
    let tally = score_sources_with(
        &args.read,
        &model,
        &sources,
        relevant_only,
        parquet.is_some(),
        |a| sink.article(a),
    )?;
    sink.finish()?;
    Ok(tally.outcome())
}

fn trends(args: TrendsArgs) -> anyhow::Result<Outcome> {
    let parquet = check_trend_outputs(&args)?;
    let alias_table = aliases(args.aliases.as_deref(), args.delimiter.delimiter)?;
    let mut options = TrendOptions {
        period: args.period.parse::<Period>()?,
        speakers: args.speakers.clone(),
        min_quotes: args.min_quotes,
        min_words: args.min_words,
        keep_duplicates: args.keep_duplicates,
        ..TrendOptions::default()
    };
    let model = load_model(args.model.as_deref())?;
    let (quotes, mut outcome) = trend_quotes(&args, &model)?;
    trends::fit_to_model(&mut options, &args.estimate, &model, &quotes)?;
    let canonical = |name: &str| {
        alias_table
            .canonical(name)
            .map_or_else(|| name.to_string(), str::to_string)
    };
    let result = trends::aggregate_with(&quotes, &options, &canonical)?;
    print_trends(&args, &result, parquet.as_deref())?;
    if result.speakers.is_empty() && matches!(outcome, Outcome::Success) {
        outcome = Outcome::NothingFound;
    }
    Ok(outcome)
}

/// The files `trends` writes, checked before the articles are scored; the Parquet file.
fn check_trend_outputs(args: &TrendsArgs) -> anyhow::Result<Option<PathBuf>> {
    let parquet = parquet_out(args.format, args.out.as_deref())?;
    if let Some(path) = &args.chart {
        ChartFormat::of_path(path).context("--chart")?;
        check_output_path(path).context("--chart")?;
    }
    if let Some(path) = &args.html {
        check_output_path(path).context("--html")?;
    }
    Ok(parquet)
}

/// The quotes of `trends`: its articles scored, or its `--scores` files read.
fn trend_quotes(args: &TrendsArgs, model: &Model) -> anyhow::Result<(Vec<TrendQuote>, Outcome)> {
    let mut quotes: Vec<TrendQuote> = Vec::new();
    if !args.scores.is_empty() {
        for path in &args.scores {
            quotes.extend(trends::read_trend_quotes(path)?);
        }
        // `--dates` gives scored quotes their article's date as it gives articles theirs.
        if let Some(path) = &args.dates {
            let manifest = DateManifest::load_delimited(path, args.delimiter.delimiter)?;
            for quote in &mut quotes {
                if let Some(date) = manifest.get(&quote.article) {
                    quote.date = Some(date);
                }
            }
            if let Some(w) = manifest.unused_rows_warning() {
                // A scores file lists only articles with quotations.
                warn(format!(
                    "{w} (the scores hold only articles with quotations: an article without \
                     any is named here too)"
                ));
            }
        }
        return Ok((quotes, Outcome::Success));
    }
    let read = ReadArgs {
        articles: args.articles.clone(),
        table: args.table.clone(),
        reading: ReadingArgs {
            dates: args.dates.clone(),
            aliases: args.aliases.clone(),
            delimiter: args.delimiter,
            // Short quotes are left out by the aggregation, which counts them.
            min_words: 0,
            lang: args.lang.clone(),
        },
    };
    let sources = expand_sources(&read.articles, warn)?;
    let writes_files = args.out.is_some() || args.chart.is_some() || args.html.is_some();
    let tally = score_sources_with(&read, model, &sources, false, writes_files, |article| {
        quotes.extend(article.quotes.iter().map(TrendQuote::from));
        Ok(())
    })?;
    Ok((quotes, tally.outcome()))
}

/// Prints the trends in `--format`, writes the Parquet file, the chart and the report.
fn print_trends(
    args: &TrendsArgs,
    result: &trends::Trends,
    parquet: Option<&Path>,
) -> anyhow::Result<()> {
    for name in &result.unmatched_speakers {
        warn(format!("--speakers: no relevant quotes by `{name}`"));
    }
    let mut out = Out::new();
    match args.format {
        Format::Csv => out.line(trends::csv_string(result)?.trim_end_matches('\n'))?,
        Format::Json => out.line(trends::json_string(result)?)?,
        // One object on one line, as JSON lines are.
        Format::Jsonl => out.json_line(result)?,
        Format::Table => out.line(trends::table_string(result).trim_end_matches('\n'))?,
        Format::Parquet => {
            if let Some(path) = parquet {
                trends::write_parquet(result, path)?;
                eprintln!("tonetrack: wrote {}", path.display());
            }
        }
    }
    out.flush()?;
    let chart = ChartOptions {
        y_scale: args.y_scale.parse::<YScale>()?,
    };
    if let Some(path) = &args.chart {
        trends::render_chart(result, &chart, path)?;
        eprintln!("tonetrack: wrote chart {}", path.display());
    }
    if let Some(path) = &args.html {
        trends::write_html_report(result, &chart, path)?;
        eprintln!("tonetrack: wrote report {}", path.display());
    }
    Ok(())
}

/// `label`: candidates from articles or a CSV, the model and the refits' base data, then the
/// session on the terminal (or `--export` of the next batch).
fn label(args: LabelArgs) -> anyhow::Result<Outcome> {
    use tonetrack::label;

    let options = label::SessionOptions {
        batch: args.batch,
        strategy: args.strategy.parse()?,
        seed: args.seed,
        diversity: !args.no_diversity,
    };
    if args.batch == 0 {
        bail!("--batch must be at least 1");
    }
    let loaded = label_candidates(&args)?;
    let model = load_model(args.model.as_deref())?;
    let classifier = model
        .classifier_for(None)
        .context("`label` needs a model with one classifier")?
        .clone();
    let answers = open_answers(args.out.as_deref())?;
    if let Some(export) = &args.export {
        return export_batch(
            &args,
            export,
            &loaded,
            &classifier,
            answers.as_ref(),
            &options,
        );
    }
    let Some(answers) = answers else {
        bail!("give --out labels.csv (where the answers go) or --export F.csv");
    };
    run_session(&args, loaded, &model, classifier, answers, options)
}

/// The labeling session on the terminal, then what it did and how to train on the answers.
fn run_session(
    args: &LabelArgs,
    loaded: tonetrack::label::candidates::CandidateSet,
    model: &Model,
    classifier: Classifier,
    answers: tonetrack::label::AnswersFile,
    options: tonetrack::label::SessionOptions,
) -> anyhow::Result<Outcome> {
    use tonetrack::label::{BaseSource, Learner, Session};
    let learner = match args.no_refit {
        true => None,
        false => {
            let sources = BaseSource::choose(&args.base, args.model.is_none());
            Some(Learner::with_base(model, &sources)?)
        }
    };
    let out_path = answers.path().to_path_buf();
    let total = loaded.candidates.len();
    let classifier = std::sync::Arc::new(classifier);
    let mut session = Session::new(loaded.candidates, answers, classifier, learner, options)?;
    let before = session.answers().rows().len() - session.answered_here();
    let summary = crate::label_ui::run(&mut session, args.plain)?;
    let rows = session.answers().rows().len();
    let here = session.answered_here();
    println!(
        "{rows} answers in {} ({here} in this session, {before} before); {} of {total} quotations left",
        out_path.display(),
        summary.open,
    );
    if let Some(latency) = summary.latency() {
        println!("{latency}");
    }
    if rows > 0 {
        println!(
            "{}",
            label_train_hint(&args.base, args.model.is_none(), &out_path)
        );
    }
    Ok(Outcome::Success)
}

/// The quotations to label, from `--data` or the articles; warnings printed, none an error.
fn label_candidates(
    args: &LabelArgs,
) -> anyhow::Result<tonetrack::label::candidates::CandidateSet> {
    use tonetrack::label::candidates;
    let loaded = match &args.data {
        Some(path) => candidates::from_csv(path, args.reading.delimiter.delimiter)?,
        None => {
            let reading = &args.reading;
            let options = candidates::ArticleOptions {
                min_words: reading.min_words,
                any_language: reading.lang == "any",
            };
            let reader = reader(reading)?;
            let inputs = expand_paths_with(&args.articles, warn)?;
            let loaded = candidates::from_articles(&inputs, &reader, options)?;
            warn_unused_dates(reader.manifest());
            loaded
        }
    };
    for w in &loaded.warnings {
        warn(w);
    }
    if loaded.candidates.is_empty() {
        bail!(
            "no relevant quotation to label ({} not relevant, {} shorter than --min-words)",
            loaded.irrelevant,
            loaded.short
        );
    }
    Ok(loaded)
}

/// The answers file of `--out`, opened (its warnings printed), when given.
fn open_answers(path: Option<&Path>) -> anyhow::Result<Option<tonetrack::label::AnswersFile>> {
    let Some(path) = path else {
        return Ok(None);
    };
    if !path.exists() {
        check_output_path(path).context("--out")?;
    }
    let (file, warnings) = tonetrack::label::AnswersFile::open(path)?;
    for w in warnings {
        warn(w);
    }
    Ok(Some(file))
}

/// `label --export`: the next batch written to a CSV to fill in, instead of a session.
fn export_batch(
    args: &LabelArgs,
    export: &Path,
    loaded: &tonetrack::label::candidates::CandidateSet,
    classifier: &Classifier,
    answers: Option<&tonetrack::label::AnswersFile>,
    options: &tonetrack::label::SessionOptions,
) -> anyhow::Result<Outcome> {
    use tonetrack::label::{session, Candidate};
    let done = |c: &Candidate| answers.is_some_and(|a| a.contains(&c.id));
    let batch = session::first_batch(&loaded.candidates, classifier, done, options);
    write_export(export, &loaded.candidates, &batch, classifier)?;
    println!(
        "{}",
        export_message(
            batch.len(),
            export,
            options.strategy.as_str(),
            args.out.is_some()
        )
    );
    Ok(Outcome::Success)
}

/// Writes the chosen quotations as a CSV to fill in: the answers file's columns with `label`
/// empty and `relevant` `yes`, then `title`, `context`, the model's label and probabilities.
fn write_export(
    path: &Path,
    candidates: &[tonetrack::label::Candidate],
    batch: &[usize],
    classifier: &Classifier,
) -> anyhow::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header: Vec<String> = tonetrack::label::answers::HEADER
        .iter()
        .map(|h| h.to_string())
        .collect();
    header.extend(["title", "context", "model_label"].map(String::from));
    header.extend(classifier.classes().iter().map(|c| format!("p_{c}")));
    writer.write_record(&header)?;
    for &i in batch {
        let c = &candidates[i];
        let p = classifier.predict(&c.text, 0);
        let mut record = vec![
            c.id.clone(),
            c.text.clone(),
            c.speaker.clone(),
            c.date.clone(),
            c.source_url.clone(),
            String::new(),
            "yes".to_string(),
            c.article.clone(),
            c.title.clone(),
            c.context.clone(),
            p.label.to_string(),
        ];
        record.extend(p.probabilities.iter().map(|(_, prob)| format!("{prob:.4}")));
        writer.write_record(&record)?;
    }
    let bytes = writer.into_inner()?;
    tonetrack::model::file::write_atomically(path, &bytes)?;
    Ok(())
}
