//! One function per command: call the library, print the result.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};

use tonetrack::data::{load_csv, Columns, Dataset};
use tonetrack::eval::{evaluate, CvSummary, Evaluation};
use tonetrack::model::classifier::{Classifier, Prediction};
use tonetrack::model::file::{Classifiers, ColumnsInfo, Model, TrainingInfo};
use tonetrack::model::train::{CChoice, Examples, TrainParams, TrainReport};

use crate::cli::{
    ColumnArgs, Command, CvArgs, EvalArgs, ExplainArgs, Format, ModelArgs, PredictArgs, TrainArgs,
};
use crate::output::{f3, warn, Out, Table};

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
    }
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

/// Examples of one dataset (or the rows of one target), grouped for CV.
fn examples(data: &Dataset, rows: &[usize], group_col: Option<&str>) -> anyhow::Result<Examples> {
    if let Some(col) = group_col {
        if !data.headers.iter().any(|h| h == col) {
            bail!(
                "{}: no column named `{col}` for --group-col; the columns are: {}",
                data.path.display(),
                data.headers.join(", ")
            );
        }
    }
    let mut ex = Examples::default();
    for &i in rows {
        let row = &data.rows[i];
        ex.texts.push(row.text.clone());
        ex.labels.push(row.label.clone().unwrap_or_default());
        ex.groups.push(match group_col {
            Some(col) => row.fields.get(col).cloned().unwrap_or_default(),
            None => row.original_text.clone(),
        });
    }
    Ok(ex)
}

/// Row indices per target value (or all rows under "" when not per target).
fn partition(data: &Dataset, per_target: bool) -> BTreeMap<String, Vec<usize>> {
    let mut parts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, row) in data.rows.iter().enumerate() {
        let key = if per_target {
            row.target.clone().unwrap_or_default()
        } else {
            String::new()
        };
        parts.entry(key).or_default().push(i);
    }
    parts
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
    let columns = args.columns.columns();
    let data = load_labeled(&args.data, &columns, args.columns.skip_invalid)?;
    let params = args.model.params();
    let valid = params.check()?;
    let mut out = Out::new();
    out.line(format!(
        "data: {} — {} rows ({} filtered out, {} skipped); labels: {}",
        args.data.display(),
        data.rows.len(),
        data.filtered_out,
        data.skipped.len(),
        label_summary(&data.label_counts())
    ))?;
    out.flush()?;

    let parts = partition(&data, args.per_target);
    let fits_per_part = match &params.c {
        CChoice::Auto { grid } => (grid.len() * params.folds) as u64,
        CChoice::Fixed(_) => 0,
    };
    let bar = progress_bar(fits_per_part * parts.len() as u64, "choosing C");
    let mut classifiers = BTreeMap::new();
    let mut reports = BTreeMap::new();
    for (target, rows) in &parts {
        let ex = examples(&data, rows, args.model.group_col.as_deref())?;
        let (classifier, report) = valid
            .fit_with_progress(&ex, &|| bar.inc(1))
            .with_context(|| {
                if args.per_target {
                    format!("training the classifier for target `{target}`")
                } else {
                    "training".to_string()
                }
            })?;
        classifiers.insert(target.clone(), classifier);
        reports.insert(target.clone(), report);
    }
    bar.finish_and_clear();
    for (target, report) in &reports {
        print_train_report(&mut out, target, report, &params)?;
    }

    let classifiers = if args.per_target {
        Classifiers::PerTarget(classifiers)
    } else {
        let single = classifiers
            .into_values()
            .next()
            .context("no training rows")?;
        Classifiers::Single(single)
    };
    let model = Model {
        classifiers,
        training: TrainingInfo {
            data_file: args
                .data
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            data_sha256: data.sha256.clone(),
            columns: ColumnsInfo {
                text: columns.text.clone(),
                label: columns.label.clone().unwrap_or_default(),
                target: columns.target.clone(),
                mention: columns.mention.clone(),
                filters: columns.filters.clone(),
            },
            params,
            reports,
            tonetrack_version: env!("CARGO_PKG_VERSION").to_string(),
        },
    };
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
    if !report.cv_grid.is_empty() {
        out.line(format!(
            "{prefix}C chosen by {}-fold cross-validation (macro-F1, mean ± sd):",
            params.folds
        ))?;
        for point in &report.cv_grid {
            let mark = if point.c == report.c { "  <- chosen" } else { "" };
            out.line(format!(
                "{prefix}  C = {:<6} {} ± {}{mark}",
                point.c,
                f3(point.macro_f1),
                f3(point.macro_f1_sd)
            ))?;
        }
    }
    out.line(format!(
        "{prefix}fit: {} rows ({}), {} features, C = {}, {} L-BFGS iterations, {}",
        report.rows,
        label_summary(&report.label_counts),
        report.features,
        report.c,
        report.iterations,
        if report.converged {
            "converged"
        } else {
            "NOT converged (raise --max-iter)"
        }
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
    let model = Model::load(&args.model)?;
    let columns = eval_columns(&args.columns, &model);
    let data = load_labeled(&args.data, &columns, args.columns.skip_invalid)?;
    let classes = model.classes().to_vec();
    let mut truth = Vec::with_capacity(data.rows.len());
    let mut predicted = Vec::with_capacity(data.rows.len());
    let mut unknown: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for row in &data.rows {
        let label = row.label.as_deref().unwrap_or_default();
        let Some(t) = classes.iter().position(|c| c == label) else {
            let entry = unknown.entry(label.to_string()).or_insert((0, row.line));
            entry.0 += 1;
            continue;
        };
        let classifier = model
            .classifier_for(row.target.as_deref())
            .with_context(|| format!("{}:{}", args.data.display(), row.line))?;
        let p = classifier.predict(&row.text, 0);
        truth.push(t);
        predicted.push(classes.iter().position(|c| *c == p.label).unwrap_or(0));
    }
    if !unknown.is_empty() {
        let list: Vec<String> = unknown
            .iter()
            .map(|(l, (n, line))| format!("`{l}` ({n} rows, first on line {line})"))
            .collect();
        let message = format!(
            "{}: labels unknown to the model: {}; the model knows: {}",
            args.data.display(),
            list.join(", "),
            classes.join(", ")
        );
        if !args.columns.skip_invalid {
            bail!("{message} (use --skip-invalid to leave those rows out)");
        }
        warn(format!("{message}; those rows are left out"));
    }
    if truth.is_empty() {
        bail!("{}: no rows to evaluate", args.data.display());
    }
    let mut evaluation = evaluate(&classes, &truth, &predicted)?;
    if !args.favg.is_empty() {
        let labels: Vec<&str> = args.favg.iter().map(String::as_str).collect();
        evaluation.with_f_avg(&labels)?;
    }
    let mut out = Out::new();
    match args.format {
        Format::Json | Format::Jsonl => out.json(&evaluation)?,
        Format::Table | Format::Csv => print_evaluation(&mut out, &evaluation)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn print_evaluation(out: &mut Out, e: &Evaluation) -> anyhow::Result<()> {
    out.line(format!(
        "n = {}   accuracy = {}   macro-F1 = {}{}",
        e.n,
        f3(e.accuracy),
        f3(e.macro_f1),
        e.f_avg.map_or(String::new(), |f| format!("   F_avg = {}", f3(f)))
    ))?;
    out.line("")?;
    let mut table = Table::new(&["class", "precision", "recall", "f1", "support"]);
    for (class, m) in &e.per_class {
        table.row(vec![
            class.clone(),
            f3(m.precision),
            f3(m.recall),
            f3(m.f1),
            m.support.to_string(),
        ]);
    }
    table.print(out)?;
    out.line("")?;
    out.line("confusion matrix (rows: true, columns: predicted)")?;
    let mut header = vec!["".to_string()];
    header.extend(e.confusion.labels.iter().cloned());
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut confusion = Table::new(&header_refs);
    for (label, row) in e.confusion.labels.iter().zip(&e.confusion.matrix) {
        let mut cells = vec![label.clone()];
        cells.extend(row.iter().map(|n| n.to_string()));
        confusion.row(cells);
    }
    confusion.print(out)
}

fn cv(args: CvArgs) -> anyhow::Result<Outcome> {
    let columns = args.columns.columns();
    let data = load_labeled(&args.data, &columns, args.columns.skip_invalid)?;
    if args.columns.target_col.is_some() {
        warn("cv trains one classifier over all targets; --target-col only selects the column");
    }
    let valid = args.model.params().check()?;
    let all: Vec<usize> = (0..data.rows.len()).collect();
    let ex = examples(&data, &all, args.model.group_col.as_deref())?;
    let (folds, summary) = valid.cross_validate(&ex)?;
    let mut out = Out::new();
    match args.format {
        Format::Json | Format::Jsonl => out.json(&serde_json::json!({
            "folds": folds,
            "summary": summary,
        }))?,
        Format::Table | Format::Csv => print_cv(&mut out, &args.model, &folds, &summary)?,
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
    let mut table = Table::new(&["fold", "n", "accuracy", "macro-F1"]);
    for (k, e) in folds.iter().enumerate() {
        table.row(vec![
            (k + 1).to_string(),
            e.n.to_string(),
            f3(e.accuracy),
            f3(e.macro_f1),
        ]);
    }
    table.print(out)?;
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
    Ok(())
}

/// `label`, probability of each class, tone and top terms as output columns.
fn prediction_fields(p: &Prediction) -> Vec<(String, String)> {
    let mut fields = vec![("label".to_string(), p.label.clone())];
    for (class, prob) in &p.probabilities {
        fields.push((format!("p_{class}"), format!("{prob:.4}")));
    }
    fields.push(("tone".to_string(), format!("{:.4}", p.tone())));
    fields.push(("top_terms".to_string(), top_terms(p)));
    fields
}

fn top_terms(p: &Prediction) -> String {
    p.top_terms
        .iter()
        .map(|t| t.term.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn predict(args: PredictArgs) -> anyhow::Result<Outcome> {
    let model = Model::load(&args.model)?;
    // Each input row: its passed-through columns, text and target.
    let mut inputs: Vec<(Vec<(String, String)>, String, Option<String>)> = Vec::new();
    if let Some(path) = &args.data {
        let mut columns = Columns::new(&args.text_col, None);
        columns.target = args.target_col.clone();
        let data = load_labeled(path, &columns, false)?;
        for row in data.rows {
            let passed: Vec<(String, String)> = data
                .headers
                .iter()
                .map(|h| (h.clone(), row.fields.get(h).cloned().unwrap_or_default()))
                .collect();
            inputs.push((passed, row.text, row.target));
        }
    } else {
        for text in &args.texts {
            inputs.push((vec![("text".into(), text.clone())], text.clone(), None));
        }
    }
    let predictions: Vec<Prediction> = inputs
        .iter()
        .map(|(_, text, target)| {
            Ok(model
                .classifier_for(target.as_deref())?
                .predict(text, args.top))
        })
        .collect::<anyhow::Result<_>>()?;

    let mut out = Out::new();
    match args.format {
        Format::Table => {
            let mut header = vec!["label"];
            let classes = model.classes().to_vec();
            let p_names: Vec<String> = classes.iter().map(|c| format!("p_{c}")).collect();
            header.extend(p_names.iter().map(String::as_str));
            header.extend(["tone", "top terms", "text"]);
            let mut table = Table::new(&header);
            for ((_, text, _), p) in inputs.iter().zip(&predictions) {
                let mut cells = vec![p.label.clone()];
                cells.extend(p.probabilities.iter().map(|(_, v)| format!("{v:.3}")));
                cells.push(format!("{:+.3}", p.tone()));
                cells.push(top_terms(p));
                cells.push(shorten(text, 70));
                table.row(cells);
            }
            table.print(&mut out)?;
        }
        Format::Jsonl | Format::Json => {
            for ((passed, _, _), p) in inputs.iter().zip(&predictions) {
                let mut object = serde_json::Map::new();
                for (k, v) in passed {
                    object.insert(k.clone(), serde_json::Value::String(v.clone()));
                }
                object.insert("label".into(), p.label.clone().into());
                object.insert(
                    "probabilities".into(),
                    serde_json::to_value(
                        p.probabilities
                            .iter()
                            .cloned()
                            .collect::<BTreeMap<String, f64>>(),
                    )?,
                );
                object.insert("tone".into(), p.tone().into());
                object.insert("top_terms".into(), serde_json::to_value(&p.top_terms)?);
                out.json_line(&object)?;
            }
        }
        Format::Csv => {
            let mut rows = Vec::new();
            for ((passed, _, _), p) in inputs.iter().zip(&predictions) {
                let mut fields = passed.clone();
                fields.extend(prediction_fields(p));
                rows.push(fields);
            }
            let mut writer = out.csv();
            if let Some(first) = rows.first() {
                writer.write_record(first.iter().map(|(k, _)| k))?;
            }
            for row in &rows {
                writer.write_record(row.iter().map(|(_, v)| v))?;
            }
            writer.flush()?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn explain(args: ExplainArgs) -> anyhow::Result<Outcome> {
    let model = Model::load(&args.model)?;
    let classifier: &Classifier = model.classifier_for(args.target.as_deref())?;
    let explanation = classifier.explain(&args.text);
    let mut out = Out::new();
    if matches!(args.format, Format::Json | Format::Jsonl) {
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

/// At most `max` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    let clean: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() <= max {
        return clean;
    }
    let cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}
