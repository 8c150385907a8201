//! The library's errors are values a caller can match, and their messages name the fix
//! without naming command-line flags (the command line adds those as a hint).

use assert_cmd::Command;
use predicates::prelude::*;
use tonetrack::model::train::{CChoice, Examples, TrainParams};
use tonetrack::model::Model;
use tonetrack::Error;

fn examples(rows: &[(&str, &str)]) -> Examples {
    Examples::new(
        rows.iter().map(|(t, _)| t.to_string()).collect(),
        rows.iter().map(|(_, l)| l.to_string()).collect(),
    )
}

fn params(folds: usize) -> TrainParams {
    TrainParams {
        min_df: 1,
        c: CChoice::Fixed(1.0),
        folds,
        ..TrainParams::default()
    }
}

#[test]
fn one_class_is_its_own_variant() {
    let valid = params(2).check().expect("valid");
    let err = valid
        .fit(examples(&[
            ("good talks", "positive"),
            ("fine talks", "positive"),
        ]))
        .unwrap_err();
    assert!(
        matches!(&err, Error::OneClass { classes } if classes == &["positive"]),
        "{err:?}"
    );
    assert!(!err.to_string().contains("--"), "{err}");
}

#[test]
fn too_few_groups_is_its_own_variant_and_the_cli_names_the_flag() {
    let valid = TrainParams {
        c: CChoice::Auto {
            grid: vec![1.0, 10.0],
        },
        ..params(5)
    }
    .check()
    .expect("valid");
    let rows = [
        ("good", "positive"),
        ("bad", "negative"),
        ("good", "positive"),
    ];
    let err = valid.fit(examples(&rows)).unwrap_err();
    assert!(
        matches!(err, Error::TooFewGroups { folds: 5, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("--folds"), "{err}");

    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("d.csv");
    std::fs::write(
        &data,
        "text,label\ngood,positive\nbad,negative\ngood,positive\n",
    )
    .expect("write");
    Command::cargo_bin("tonetrack")
        .expect("binary")
        .args(["train", "--min-df", "1", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(dir.path().join("m.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be split into 5 folds"))
        .stderr(predicate::str::contains("hint: lower --folds"));
}

#[test]
fn a_bad_model_file_is_its_own_variant() {
    let err = Model::from_bytes(b"{\"not\": \"a model\"}", "m.json".as_ref()).unwrap_err();
    assert!(matches!(err, Error::ModelFile { .. }), "{err:?}");
}
