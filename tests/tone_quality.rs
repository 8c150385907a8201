//! The tone figures the README and data/README.md report, reproduced: the model of the
//! Makefile's `MODEL_OPTIONS` trained on the training split (C by its own cross-validation)
//! and scored once on the relevant quotations of the test split, labels, probabilities and
//! trend fidelity. A change to the model, the options or the data that moves a figure fails
//! here: measure again, then update the documents and these numbers together.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The words of the Makefile variable `name`, with `\` line continuations joined.
fn makefile_words(name: &str) -> Vec<String> {
    let makefile = std::fs::read_to_string(root().join("Makefile")).expect("read Makefile");
    let joined = makefile.replace("\\\n", " ");
    let prefix = format!("{name} =");
    let line = joined
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("Makefile has no {name}"));
    line[prefix.len()..]
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 5e-4
}

#[test]
fn split_model_scores_the_test_split_as_documented() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("split.json");
    Command::cargo_bin("tonetrack")
        .expect("binary")
        .current_dir(root())
        .args(["train", "--data", "data/quotes_train.csv"])
        .args(makefile_words("MODEL_OPTIONS"))
        .arg("--out")
        .arg(&model)
        .assert()
        .success()
        .stdout(
            predicates::str::contains("fit: 4405 rows").and(predicates::str::contains(", C = 1, ")),
        );

    let output = Command::cargo_bin("tonetrack")
        .expect("binary")
        .current_dir(root())
        .arg("eval")
        .arg("--model")
        .arg(&model)
        .args([
            "--data",
            "data/quotes_test.csv",
            "--where",
            "relevant=yes",
            "--trends",
            "--period",
            "year",
            "--format",
            "json",
        ])
        .output()
        .expect("eval runs");
    assert!(output.status.success(), "{output:?}");
    let e: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let number = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    assert_eq!(e["n"], 1337);
    // Labels (data/README.md, "The default model").
    assert!(close(number(&e["accuracy"]), 0.692), "{}", e["accuracy"]);
    assert!(close(number(&e["macro_f1"]), 0.673), "{}", e["macro_f1"]);
    // Probabilities: calibrated (the goal is an ECE of at most 0.05).
    assert!(close(number(&e["ece"]), 0.035), "{}", e["ece"]);
    assert!(close(number(&e["log_loss"]), 0.746), "{}", e["log_loss"]);
    // Trend fidelity over speaker × year cells of 3+ quotes: mean, ACC, PACC.
    let fidelity = e["trend_fidelity"].as_array().expect("trend_fidelity");
    let by = |estimate: &str| {
        fidelity
            .iter()
            .find(|f| f["estimate"] == estimate)
            .unwrap_or_else(|| panic!("no {estimate}"))
    };
    for (estimate, r, mae, slope) in [
        ("mean", 0.815, 0.316, 0.441),
        ("acc", 0.777, 0.286, 0.811),
        ("pacc", 0.833, 0.246, 0.838),
    ] {
        let f = by(estimate);
        assert_eq!(f["cells"], 149, "{estimate}");
        assert!(close(number(&f["pearson_r"]), r), "{estimate}: {f}");
        assert!(close(number(&f["mae"]), mae), "{estimate}: {f}");
        assert!(close(number(&f["slope"]), slope), "{estimate}: {f}");
    }
}
