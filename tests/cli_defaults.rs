//! What a new user meets first: the built-in model without `--model`, output paths and chart
//! names checked before any work, formats that are refused rather than ignored, TSV input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn tonetrack() -> Command {
    Command::cargo_bin("tonetrack").expect("binary")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

const TEXT: &str = "We welcome the talks and hope for progress.";

fn stdout_of(args: &[&str]) -> String {
    let out = tonetrack().args(args).output().expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn predict_explain_and_eval_default_to_the_built_in_model() {
    let plain = stdout_of(&["predict", TEXT]);
    assert!(plain.contains("p_positive"), "{plain}");
    assert_eq!(stdout_of(&["predict", "--model", "default", TEXT]), plain);
    let explained = stdout_of(&["explain", TEXT]);
    assert!(explained.starts_with("label: "), "{explained}");
    assert_eq!(
        stdout_of(&["explain", "--model", "default", TEXT]),
        explained
    );
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes_test.csv");
    let eval = tonetrack()
        .args(["eval", "--data", data, "--where", "relevant=yes"])
        .output()
        .expect("run");
    assert!(eval.status.success());
    let report = String::from_utf8_lossy(&eval.stdout);
    assert!(report.contains("macro-F1"), "{report}");
    // The built-in model was trained on every labeled row, the test split's too: eval says so.
    let warning = String::from_utf8_lossy(&eval.stderr);
    assert!(
        warning.contains("1337 of 1337 rows of") && warning.contains("trained on"),
        "{warning}"
    );
}

#[test]
fn a_missing_model_file_is_reported_once() {
    let out = tonetrack()
        .args(["predict", "--model", "no-such-model.json", TEXT])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
}

#[test]
fn train_checks_its_output_path_before_reading_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_path = dir.path().join("missing/dir/m.json");
    tonetrack()
        .args(["train", "--data", "no-such-data.csv", "--out"])
        .arg(&out_path)
        .assert()
        .code(2)
        // The data file is missing too: the output path is what is reported, first.
        .stderr(predicate::str::contains(
            "missing/dir` does not exist: create it first",
        ))
        .stderr(predicate::str::contains("no-such-data").not())
        .stdout("");
}

#[test]
fn charts_with_other_extensions_are_refused_before_scoring() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("x.jpg");
    tonetrack()
        .args(["trends", "no-such-articles", "--chart"])
        .arg(&chart)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("name the file .svg or .png"))
        .stdout("");
    assert!(!chart.exists());
}

#[test]
fn eval_format_csv_is_refused() {
    tonetrack()
        .args(["eval", "--data", "x.csv", "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'csv'"))
        .stderr(predicate::str::contains("table, json"));
}

#[test]
fn tab_separated_input_reads_like_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = write(
        dir.path(),
        "a.csv",
        "id,text\n1,\"We welcome the talks, really.\"\n2,Sanctions are a dead end.\n",
    );
    let tsv = write(
        dir.path(),
        "a.tsv",
        "id\ttext\n1\tWe welcome the talks, really.\n2\tSanctions are a dead end.\n",
    );
    let from_csv = stdout_of(&[
        "predict",
        "--format",
        "csv",
        "--data",
        csv.to_str().unwrap(),
    ]);
    let from_tsv = stdout_of(&[
        "predict",
        "--format",
        "csv",
        "--delimiter",
        "tab",
        "--data",
        tsv.to_str().unwrap(),
    ]);
    assert_eq!(from_tsv, from_csv);
    assert_eq!(from_csv.lines().count(), 3, "{from_csv}");
    // A manifest of dates as TSV.
    let article = write(
        dir.path(),
        "art.txt",
        "Talks\n\n\"We welcome the talks with the United States,\" Russian Foreign Minister Sergey Lavrov said.\n",
    );
    let dates = write(dir.path(), "dates.tsv", "file\tdate\nart.txt\t2020-03-04\n");
    let quotes = stdout_of(&[
        "quotes",
        article.to_str().unwrap(),
        "--format",
        "jsonl",
        "--delimiter",
        "tab",
        "--dates",
        dates.to_str().unwrap(),
    ]);
    assert!(quotes.contains("\"2020-03-04\""), "{quotes}");
}

/// The folder with `loop -> ..`: one article, read once, and a warning that says so.
#[cfg(unix)]
#[test]
fn a_symlink_loop_gives_one_article_one_read_and_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("mkdir");
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/000_2883c3e9d1bf4ca2.txt"
    );
    let article = articles.join("a.txt");
    std::fs::copy(seed, &article).expect("copy");
    let alone = stdout_of(&["quotes", "--format", "jsonl", article.to_str().unwrap()]);
    std::os::unix::fs::symlink("..", articles.join("loop")).expect("symlink");
    let out = tonetrack()
        .args(["quotes", "--format", "jsonl"])
        .arg(&articles)
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        alone,
        "the article once"
    );
    assert!(alone.lines().count() >= 6, "{alone}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("loop: a symbolic link back to a folder that contains it"),
        "{stderr}"
    );
}

/// A table in a folder of articles (a gold file, an export) is skipped with a warning that
/// says how to read it, not read as prose; named on the command line, it is read as a table.
#[test]
fn a_table_in_a_folder_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/000_2883c3e9d1bf4ca2.txt"
    );
    let article = dir.path().join("a.txt");
    std::fs::copy(seed, &article).expect("copy");
    let alone = stdout_of(&["quotes", "--format", "jsonl", article.to_str().unwrap()]);
    let table = write(
        dir.path(),
        "gold.csv",
        "id,date,text\n1,2021-05-03,\"Lavrov said: \"\"Our relations are bad.\"\"\"\n",
    );
    let out = tonetrack()
        .args(["quotes", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), alone);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gold.csv: a table, skipped in a folder of articles: name it"),
        "{stderr}"
    );
    let named = stdout_of(&["quotes", "--format", "jsonl", table.to_str().unwrap()]);
    assert!(named.contains("Our relations are bad."), "{named}");
}

/// Every command the binary has, as `tonetrack help` lists them.
const COMMANDS: &[&str] = &[
    "train", "eval", "cv", "predict", "explain", "quotes", "score", "trends", "label",
];

#[test]
fn completions_and_the_manual_page_cover_every_command() {
    let bash = tonetrack().args(["completions", "bash"]).assert().success();
    let bash = String::from_utf8(bash.get_output().stdout.clone()).unwrap();
    assert!(bash.contains("complete -F _tonetrack"), "{bash}");
    for command in COMMANDS {
        assert!(
            bash.contains(&format!("cmd=\"tonetrack__subcmd__{command}\"")),
            "{command}"
        );
    }
    // A flag of one command, completed for that command.
    assert!(bash.contains("--keep-duplicates"));
    let zsh = tonetrack().args(["completions", "zsh"]).assert().success();
    assert!(String::from_utf8_lossy(&zsh.get_output().stdout).starts_with("#compdef tonetrack"));
    tonetrack()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values: bash"));

    let page = tonetrack().arg("man").assert().success();
    let page = String::from_utf8(page.get_output().stdout.clone()).unwrap();
    assert!(page.contains(".TH tonetrack 1"), "{page}");
    for command in COMMANDS {
        assert!(
            page.contains(&format!("tonetrack\\-{command}(1)")),
            "{command}"
        );
    }

    let dir = tempfile::tempdir().expect("tempdir");
    tonetrack()
        .args(["man", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    for command in COMMANDS {
        let page = std::fs::read_to_string(dir.path().join(format!("tonetrack-{command}.1")))
            .unwrap_or_else(|e| panic!("tonetrack-{command}.1: {e}"));
        assert!(
            page.contains(&format!(".TH tonetrack-{command} 1")),
            "{page}"
        );
    }
    tonetrack()
        .args(["man", "--out"])
        .arg(dir.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such folder; create it first"));
}

#[test]
fn predict_dash_reads_texts_from_standard_input() {
    let out = tonetrack()
        .args(["predict", "-", "--format", "csv"])
        .write_stdin(format!("{TEXT}\n\nThe sanctions are hostile.\n"))
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let piped: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        piped.len(),
        3,
        "a header and one row per non-blank line: {stdout}"
    );
    // The same rows as the texts given as arguments.
    assert_eq!(
        stdout,
        stdout_of(&[
            "predict",
            TEXT,
            "The sanctions are hostile.",
            "--format",
            "csv"
        ])
    );
    tonetrack()
        .args(["predict", "-"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("standard input holds no text"));
}
