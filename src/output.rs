//! Printing: errors on stderr, tables and JSON lines on stdout.

use std::io::{self, BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

use tonetrack::data::Dataset;
use tonetrack::eval::Evaluation;
use tonetrack::model::calibration::CalibrationReport;
use tonetrack::model::train::{CChoice, CCriterion, TrainParams, TrainReport};

/// Prints an error and its causes, one per line, like `tonetrack: error: …`.
pub fn print_error(err: &anyhow::Error) {
    eprintln!("{}", error_message(err));
}

/// The error and each cause that the line before does not already say (an I/O error shows
/// its cause in its own message: "m.json: No such file or directory").
fn error_message(err: &anyhow::Error) -> String {
    let mut message = format!("tonetrack: error: {err}");
    let mut previous = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !previous.ends_with(&text) {
            message.push_str(&format!("\n  caused by: {text}"));
        }
        previous = text;
    }
    message
}

/// Prints a warning on stderr.
pub fn warn(message: impl std::fmt::Display) {
    eprintln!("tonetrack: warning: {message}");
}

/// Buffered stdout that treats a closed pipe (`tonetrack … | head`) as the end, not an error.
pub struct Out {
    inner: BufWriter<Stdout>,
}

impl Out {
    pub fn new() -> Self {
        Out {
            inner: BufWriter::new(io::stdout()),
        }
    }

    /// Writes one line.
    pub fn line(&mut self, text: impl AsRef<str>) -> anyhow::Result<()> {
        let result = writeln!(self.inner, "{}", text.as_ref());
        ignore_broken_pipe(result)
    }

    /// Writes a value as one line of JSON.
    pub fn json_line(&mut self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let json = serde_json::to_string(value)?;
        self.line(json)
    }

    /// Writes a value as pretty JSON.
    pub fn json(&mut self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let json = serde_json::to_string_pretty(value)?;
        self.line(json)
    }

    /// Writes bytes as they are (e.g. a rendered CSV record).
    pub fn bytes(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        ignore_broken_pipe(self.inner.write_all(bytes))
    }

    /// A CSV writer on stdout.
    pub fn csv(&mut self) -> csv::Writer<&mut BufWriter<Stdout>> {
        csv::Writer::from_writer(&mut self.inner)
    }

    pub fn flush(&mut self) -> anyhow::Result<()> {
        ignore_broken_pipe(self.inner.flush())
    }
}

fn ignore_broken_pipe(result: io::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(anyhow::Error::new(e).context("cannot write to standard output")),
        Ok(()) => Ok(()),
    }
}

/// The library's table ([`tonetrack::text_table::Table`]), printed on [`Out`].
pub struct Table(tonetrack::text_table::Table);

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table(tonetrack::text_table::Table::new(header))
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.0.row(cells);
    }

    pub fn render(&self) -> Vec<String> {
        self.0.render()
    }

    pub fn print(&self, out: &mut Out) -> anyhow::Result<()> {
        for line in self.0.render() {
            out.line(line)?;
        }
        Ok(())
    }
}

/// Precision, recall, F1 and support per class.
pub fn per_class_table(e: &Evaluation) -> Table {
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
    table
}

/// The confusion matrix: a row per true label, a column per predicted one.
pub fn confusion_table(e: &Evaluation) -> Table {
    let mut header = vec![""];
    header.extend(e.confusion.labels.iter().map(String::as_str));
    let mut table = Table::new(&header);
    for (label, row) in e.confusion.labels.iter().zip(&e.confusion.matrix) {
        let mut cells = vec![label.clone()];
        cells.extend(row.iter().map(|n| n.to_string()));
        table.row(cells);
    }
    table
}

/// One row per cross-validation fold: its size, accuracy and macro-F1.
pub fn cv_folds_table(folds: &[Evaluation]) -> Table {
    let mut table = Table::new(&["fold", "n", "accuracy", "macro-F1"]);
    for (k, e) in folds.iter().enumerate() {
        table.row(vec![
            (k + 1).to_string(),
            e.n.to_string(),
            f3(e.accuracy),
            f3(e.macro_f1),
        ]);
    }
    table
}

/// What `label --export` wrote, and what to do with it.
pub fn export_message(n: usize, export: &Path, strategy: &str, answers_given: bool) -> String {
    format!(
        "wrote {n} quotations to {} (the {n} most informative by {strategy}{}); fill in `label` \
         (positive, neutral, negative) and `relevant` (yes, no), then train with \
         --data {} as one more --data file",
        export.display(),
        if answers_given {
            ", leaving out those answered in --out"
        } else {
            ""
        },
        export.display()
    )
}

/// After a labeling session: the `train` command that learns from the answers, with the
/// refits' base data (`--base` files, the built-in model's data, or a placeholder).
pub fn label_train_hint(base: &[PathBuf], builtin_model: bool, answers: &Path) -> String {
    let base = if !base.is_empty() {
        base.iter()
            .map(|p| format!("--data {} ", p.display()))
            .collect::<String>()
    } else if builtin_model {
        "--data data/quotes.csv --data data/quotes2.csv ".to_string()
    } else {
        "--data BASE.csv ".to_string()
    };
    format!(
        "train on them: tonetrack train {base}--data {} OPTIONS --out models/NAME.json \
         (OPTIONS: the model's, e.g. the Makefile's MODEL_OPTIONS for the built-in one)",
        answers.display()
    )
}

/// What `train` read: the files, rows kept and left out, and the labels (`counts`).
pub fn data_line(files: &[PathBuf], data: &Dataset, counts: &str) -> String {
    format!(
        "data: {} — {} rows ({} filtered out, {} skipped); labels: {counts}",
        files
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" + "),
        data.rows.len(),
        data.filtered_out,
        data.skipped.len(),
    )
}

/// The cross-validated choice of C: how it was chosen, then macro-F1 and log-loss for each
/// C tried (none when nothing was cross-validated). Each line starts with `prefix`.
pub fn c_grid_lines(prefix: &str, report: &TrainReport, params: &TrainParams) -> Vec<String> {
    if report.cv_grid.is_empty() {
        return Vec::new();
    }
    let chosen_by = match params.c {
        CChoice::Fixed(_) => "C given; ",
        CChoice::Auto { .. } => match params.c_criterion {
            CCriterion::MacroF1 => "C chosen by macro-F1; ",
            CCriterion::LogLoss => "C chosen by log-loss; ",
        },
    };
    let mut lines = vec![format!(
        "{prefix}{chosen_by}{}-fold cross-validation, mean ± sd over folds:",
        params.folds
    )];
    for point in &report.cv_grid {
        let mark = if point.c == report.c {
            "  <- chosen"
        } else {
            ""
        };
        lines.push(format!(
            "{prefix}  C = {:<6} macro-F1 {} ± {}   log-loss {} ± {}{mark}",
            point.c,
            f3(point.macro_f1),
            f3(point.macro_f1_sd),
            f3(point.log_loss),
            f3(point.log_loss_sd)
        ));
    }
    lines
}

/// What calibration did to the out-of-fold log-loss and calibration error.
pub fn calibration_line(prefix: &str, c: &CalibrationReport) -> String {
    format!(
        "{prefix}calibrated on {} out-of-fold predictions: log-loss {} -> {}, \
         expected calibration error {} -> {}",
        c.rows,
        f3(c.log_loss_before),
        f3(c.log_loss_after),
        f3(c.ece_before),
        f3(c.ece_after)
    )
}

/// The final fit: rows and their labels (`counts`), features, C, iterations, convergence.
pub fn fit_line(prefix: &str, report: &TrainReport, counts: &str) -> String {
    format!(
        "{prefix}fit: {} rows ({counts}), {} features, C = {}, {} L-BFGS iterations, {}",
        report.rows,
        report.features,
        report.c,
        report.iterations,
        if report.converged {
            "converged"
        } else {
            "NOT converged (raise --max-iter)"
        }
    )
}

/// A number with 3 decimals.
pub fn f3(x: f64) -> String {
    format!("{x:.3}")
}

/// Appends `x` with `decimals` decimals, exactly as `format!("{x:.decimals$}")` writes it
/// (the exact binary value rounded half to even; a `-` for a negative sign bit, so `-0.0000`
/// for -0.0 or -0.00001).
///
/// Hand-written because std's fixed-precision formatting falls back to its slow exact
/// algorithm (Dragon) for most probabilities: it cost 13,000 instructions per row of
/// `predict --format csv`, a tenth of the command. ryu and itoa write shortest round-trip
/// floats and integers, not a fixed number of decimals.
pub fn push_fixed(out: &mut String, x: f64, decimals: usize) {
    // Non-finite, large (|x| >= 2^32) or over-precise values go to std.
    if !x.is_finite() || x.abs() >= 4_294_967_296.0 || decimals > 9 {
        out.push_str(&format!("{x:.decimals$}"));
        return;
    }
    // |x| = mantissa / 2^shift exactly, with shift > 20 as |x| < 2^32.
    let bits = x.abs().to_bits();
    let (biased_exponent, fraction) = (bits >> 52, bits & ((1 << 52) - 1));
    let (mantissa, shift) = if biased_exponent == 0 {
        (fraction, 1074)
    } else {
        (fraction | (1 << 52), 1075 - biased_exponent)
    };
    // |x| × 10^decimals = scaled / 2^shift, rounded half to even; scaled < 2^83.
    let unit = 10u64.pow(decimals as u32);
    let scaled = u128::from(mantissa) * u128::from(unit);
    let units = if shift >= 128 {
        // |x| < 2^-75: rounds to 0, and cannot be a tie.
        0
    } else {
        let (units, remainder) = (scaled >> shift, scaled & ((1 << shift) - 1));
        let half = 1 << (shift - 1);
        let round_up = remainder > half || (remainder == half && units % 2 == 1);
        // Below 2^32 × 10^9 < 2^62.
        units as u64 + u64::from(round_up)
    };
    if x.is_sign_negative() {
        out.push('-');
    }
    push_digits(out, units / unit, 1);
    if decimals > 0 {
        out.push('.');
        push_digits(out, units % unit, decimals);
    }
}

/// Appends the decimal digits of `n`, zero-padded to at least `width` digits.
fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    while n > 0 || digits.len() - start < width {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixed(x: f64, decimals: usize) -> String {
        let mut out = String::new();
        push_fixed(&mut out, x, decimals);
        out
    }

    #[test]
    fn the_train_hint_names_the_base_data() {
        let answers = Path::new("labels.csv");
        let hint = |base: &[PathBuf], builtin| label_train_hint(base, builtin, answers);
        assert!(hint(&[PathBuf::from("b.csv")], true)
            .starts_with("train on them: tonetrack train --data b.csv --data labels.csv OPTIONS"));
        assert!(hint(&[], true)
            .contains("--data data/quotes.csv --data data/quotes2.csv --data labels.csv"));
        assert!(hint(&[], false).contains("--data BASE.csv --data labels.csv"));
    }

    #[test]
    fn a_cause_already_said_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let err = anyhow::Error::new(tonetrack::Error::io("m.json", io)).context("--model");
        assert_eq!(
            error_message(&err),
            "tonetrack: error: --model\n  caused by: m.json: No such file or directory"
        );
    }

    #[test]
    fn fixed_equals_std_on_edge_cases() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.99995,
            0.00005,
            -0.00005,
            0.00015,
            0.99994999999999,
            1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            0.03125,
            0.09375,
            2f64.powi(52) + 0.5,
            2f64.powi(53),
            2f64.powi(32),
            2f64.powi(32) - 0.5,
            4294967295.99999,
            1e300,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // Every k / 20000 (the exact ties of 4 decimals that a double can hold are among
        // them: m / 32) and its neighbours.
        for k in 0..=40_000 {
            let x = k as f64 / 20_000.0;
            values.extend([x, -x, x.next_up(), x.next_down()]);
        }
        for x in values {
            for decimals in [0, 1, 3, 4, 9, 12] {
                assert_eq!(
                    fixed(x, decimals),
                    format!("{x:.decimals$}"),
                    "{x:e} with {decimals}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn fixed_equals_std(x in prop::num::f64::ANY, decimals in 0..10usize) {
            prop_assert_eq!(fixed(x, decimals), format!("{x:.decimals$}"));
        }

        #[test]
        fn fixed_equals_std_on_probabilities(x in -1.0..=1.0f64) {
            prop_assert_eq!(fixed(x, 4), format!("{x:.4}"));
        }
    }
}
