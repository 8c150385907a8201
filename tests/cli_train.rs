//! The real binary: train → eval → predict → explain on the repository's domain data, and the
//! errors a user sees on bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn tonetrack() -> Command {
    Command::cargo_bin("tonetrack").expect("binary")
}

/// Trains a small model (fixed C, so it is quick) and returns its path.
fn train_small(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    tonetrack()
        .args(["train", "--data"])
        .arg(repo("data/quotes_train.csv"))
        .args(["--c", "3", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("4405 rows"))
        .stdout(predicate::str::contains("converged"));
    out
}

#[test]
fn train_eval_predict_explain_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_small(dir.path(), "m.json");

    // Evaluation on the held-out pages, as JSON with the documented keys.
    let output = tonetrack()
        .args([
            "eval",
            "--format",
            "json",
            "--favg",
            "positive,negative",
            "--model",
        ])
        .arg(&model)
        .arg("--data")
        .arg(repo("data/quotes_test.csv"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["n"], 1537);
    let macro_f1 = json["macro_f1"].as_f64().unwrap();
    // Far above the majority class (665/1537 negative → macro-F1 ≈ 0.20) on unseen pages.
    assert!(macro_f1 > 0.5, "macro-F1 {macro_f1}");
    for class in ["negative", "neutral", "positive"] {
        for key in ["precision", "recall", "f1", "support"] {
            assert!(json["per_class"][class][key].is_number(), "{class}.{key}");
        }
    }
    assert_eq!(json["confusion"]["labels"].as_array().unwrap().len(), 3);
    assert!(json["f_avg"].is_number());

    // Predict a clearly hostile and a clearly hopeful statement.
    let output = tonetrack()
        .args(["predict", "--format", "jsonl", "--model"])
        .arg(&model)
        .arg("Washington's illegal sanctions and hostile accusations are destroying our relations.")
        .arg("We are ready for dialogue and hope the talks will improve relations.")
        .output()
        .unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["label"], "negative");
    assert_eq!(lines[1]["label"], "positive");
    let p = &lines[0]["probabilities"];
    let sum: f64 = ["negative", "neutral", "positive"]
        .iter()
        .map(|c| p[c].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-9);
    assert!(!lines[0]["top_terms"].as_array().unwrap().is_empty());

    tonetrack()
        .args(["explain", "--model"])
        .arg(&model)
        .arg("illegal sanctions")
        .assert()
        .success()
        .stdout(predicate::str::contains("sanction"))
        .stdout(predicate::str::contains("(intercept)"));
}

#[test]
fn training_twice_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let a = std::fs::read(train_small(dir.path(), "a.json")).unwrap();
    let b = std::fs::read(train_small(dir.path(), "b.json")).unwrap();
    assert!(a == b, "two trainings on the same data differ");
}

#[test]
fn predict_passes_csv_columns_through() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_small(dir.path(), "m.json");
    let output = tonetrack()
        .args(["predict", "--format", "csv", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(repo("data/quotes_test.csv"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let header = text.lines().next().unwrap();
    for col in [
        "id",
        "speaker",
        "date",
        "label",
        "p_negative",
        "p_positive",
        "tone",
    ] {
        assert!(
            header.split(',').any(|h| h == col),
            "missing {col} in {header}"
        );
    }
    assert_eq!(header.split(',').filter(|h| *h == "label").count(), 1);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.records().count(), 1537);
}

#[test]
fn a_missing_column_is_named_with_the_columns_that_exist() {
    let dir = tempfile::tempdir().unwrap();
    tonetrack()
        .args(["train", "--text-col", "body", "--data"])
        .arg(repo("data/quotes_train.csv"))
        .arg("--out")
        .arg(dir.path().join("m.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "quotes_train.csv:1: no column named `body`",
        ))
        .stderr(predicate::str::contains("id, text, speaker"));
    assert!(!dir.path().join("m.json").exists());
}

#[test]
fn one_class_is_refused_and_no_model_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("one.csv");
    std::fs::write(
        &csv,
        "text,label\nfine talks,positive\ngood talks,positive\n",
    )
    .unwrap();
    tonetrack()
        .args(["train", "--min-df", "1", "--c", "1", "--data"])
        .arg(&csv)
        .arg("--out")
        .arg(dir.path().join("m.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only 1 class"));
    assert!(!dir.path().join("m.json").exists());
}

#[test]
fn a_damaged_model_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_small(dir.path(), "m.json");
    let mut bytes = std::fs::read(&model).unwrap();
    // Flip one digit inside the body: the checksum no longer matches.
    let pos = bytes.len() / 2;
    let i = (pos..bytes.len())
        .find(|&i| bytes[i].is_ascii_digit())
        .unwrap();
    bytes[i] = if bytes[i] == b'1' { b'2' } else { b'1' };
    let damaged = dir.path().join("damaged.json");
    std::fs::write(&damaged, &bytes).unwrap();
    tonetrack()
        .args(["predict", "--model"])
        .arg(&damaged)
        .arg("hello")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("checksum"));

    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    tonetrack()
        .args(["predict", "--model"])
        .arg(&truncated)
        .arg("hello")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("truncated or damaged"));
}

#[test]
fn an_unwritable_output_leaves_the_old_model_intact() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_small(dir.path(), "m.json");
    let before = std::fs::read(&model).unwrap();
    // A directory that does not exist: the write fails, nothing is half-written.
    tonetrack()
        .args(["train", "--c", "3", "--data"])
        .arg(repo("data/quotes_train.csv"))
        .arg("--out")
        .arg(dir.path().join("no/such/dir/m.json"))
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&model).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn an_unknown_label_at_eval_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_small(dir.path(), "m.json");
    let csv = dir.path().join("eval.csv");
    std::fs::write(
        &csv,
        "text,label\nWe welcome the talks,positive\nThey lie,hostile\nSanctions hurt,negative\n",
    )
    .unwrap();
    tonetrack()
        .args(["eval", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "labels unknown to the model: `hostile` (1 rows, first on line 3)",
        ));
    tonetrack()
        .args(["eval", "--skip-invalid", "--format", "json", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"n\": 2"));
}

#[test]
fn model_bytes_do_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut models = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("m{threads}.json"));
        // C by cross-validation: the parallel grid search is part of what must not matter.
        tonetrack()
            .env("RAYON_NUM_THREADS", threads)
            .args(["train", "--folds", "3", "--data"])
            .arg(repo("data/quotes_train.csv"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        models.push(std::fs::read(&out).unwrap());
    }
    assert!(
        models[0] == models[1],
        "1 and 2 threads give different models"
    );
}

#[test]
fn cv_reports_mean_and_sd_over_folds() {
    let output = tonetrack()
        .args([
            "cv",
            "--folds",
            "3",
            "--c",
            "1",
            "--group-col",
            "source_url",
        ])
        .args(["--format", "json", "--data"])
        .arg(repo("data/quotes_train.csv"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let folds = json["folds"].as_array().unwrap();
    assert_eq!(folds.len(), 3);
    let n: u64 = folds.iter().map(|f| f["n"].as_u64().unwrap()).sum();
    assert_eq!(n, 4405, "every row is tested exactly once");
    let mean = folds
        .iter()
        .map(|f| f["macro_f1"].as_f64().unwrap())
        .sum::<f64>()
        / 3.0;
    let summary = &json["summary"]["macro_f1"];
    assert!((summary["mean"].as_f64().unwrap() - mean).abs() < 1e-12);
    assert!(summary["std"].as_f64().unwrap() > 0.0);
}

#[test]
fn per_target_models_route_by_target_and_refuse_unseen_targets() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("stance.csv");
    let mut text = String::from("text,target,label\n");
    for (target, good, bad) in [
        ("Putin", "praised", "condemned"),
        ("Biden", "welcomed", "attacked"),
    ] {
        for i in 0..6 {
            text.push_str(&format!(
                "Analysts {good} {target} again {i},{target},positive\n"
            ));
            text.push_str(&format!(
                "Analysts {bad} {target} again {i},{target},negative\n"
            ));
        }
    }
    std::fs::write(&csv, text).unwrap();
    let model = dir.path().join("m.json");
    tonetrack()
        .args([
            "train",
            "--per-target",
            "--target-col",
            "target",
            "--c",
            "10",
        ])
        .args(["--min-df", "1", "--folds", "2", "--data"])
        .arg(&csv)
        .arg("--out")
        .arg(&model)
        .assert()
        .success()
        .stdout(predicate::str::contains("[Biden]"))
        .stdout(predicate::str::contains("[Putin]"));
    // Evaluation routes each row to its target's classifier.
    tonetrack()
        .args(["eval", "--format", "json", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"accuracy\": 1.0"));
    // So does predict; its CSV columns are the classes both classifiers share.
    tonetrack()
        .args([
            "predict",
            "--format",
            "csv",
            "--target-col",
            "target",
            "--model",
        ])
        .arg(&model)
        .arg("--data")
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "text,target,input_label,label,p_negative,p_positive,tone,top_terms\n",
        ))
        .stdout(predicate::str::contains(
            "Analysts welcomed Biden again 0,Biden,positive,positive,",
        ));
    // A target the model has not seen is a clear error.
    let unseen = dir.path().join("unseen.csv");
    std::fs::write(
        &unseen,
        "text,target,label\nThey praised Lula,Lula,positive\n",
    )
    .unwrap();
    tonetrack()
        .args(["eval", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&unseen)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no classifier for target `Lula`"));
}
