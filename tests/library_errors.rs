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

/// A model of other classes: its file records the poles it was given, and its tone follows
/// them; without poles it has no tone, and `score` says so rather than print zeros.
#[test]
fn tone_poles_are_recorded_and_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("stance.csv");
    let mut csv = String::from("text,label\n");
    for _ in 0..4 {
        csv.push_str("we favor the talks,favor\nwe oppose the sanctions,against\nthe meeting is on monday,none\n");
    }
    std::fs::write(&data, csv).expect("write");
    let train = |extra: &[&str], out: &str| {
        Command::cargo_bin("tonetrack")
            .expect("binary")
            .args(["train", "--c", "1", "--folds", "2", "--data"])
            .arg(&data)
            .args(extra)
            .arg("--out")
            .arg(dir.path().join(out))
            .assert()
            .success();
        Model::load(&dir.path().join(out)).expect("model")
    };
    let with_poles = train(&["--tone-poles", "favor,against"], "poles.json");
    let classifier = with_poles.classifier_for(None).expect("single");
    assert_eq!(
        classifier.tone_poles(),
        Some(&tonetrack::model::TonePoles::new("favor", "against"))
    );
    assert!(classifier.predict("we favor the talks", 0).tone() > 0.2);
    assert!(classifier.predict("we oppose the sanctions", 0).tone() < -0.2);

    let without = train(&[], "none.json");
    assert_eq!(
        without.classifier_for(None).expect("single").tone_poles(),
        None
    );
    let article = dir.path().join("a.txt");
    std::fs::write(
        &article,
        "\"We favor the talks with Russia,\" Pompeo said.\n",
    )
    .expect("write");
    Command::cargo_bin("tonetrack")
        .expect("binary")
        .arg("score")
        .arg(&article)
        .arg("--model")
        .arg(dir.path().join("none.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("have no tone poles"))
        .stderr(predicate::str::contains("hint: train with --tone-poles"));
    Command::cargo_bin("tonetrack")
        .expect("binary")
        .args([
            "train",
            "--c",
            "1",
            "--folds",
            "2",
            "--tone-poles",
            "pro,con",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(dir.path().join("bad.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown label `pro`"));
}

/// A model file of format version 2 (before the poles were recorded) reads with `positive`
/// and `negative` as its poles, and gives the same tones.
#[test]
fn version_2_model_files_read_with_the_default_poles() {
    use sha2::{Digest, Sha256};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.json");
    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    let mut body = file["body"].take();
    let single = body["classifiers"]["single"]
        .as_object_mut()
        .expect("a single classifier");
    assert!(single.remove("tone_poles").is_some());
    let body = serde_json::to_string(&body).expect("body");
    let sha: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let old = format!(
        r#"{{"format":"tonetrack-model","format_version":2,"sha256":"{sha}","body":{body}}}"#
    );
    let model = Model::from_bytes(old.as_bytes(), "old.json".as_ref()).expect("version 2 reads");
    let classifier = model.classifier_for(None).expect("single");
    assert_eq!(
        classifier.tone_poles(),
        Some(&tonetrack::model::TonePoles::default())
    );
    let current = tonetrack::score::default_model().expect("built-in");
    let text = "We welcome the talks, but the sanctions are a dead end.";
    assert_eq!(
        classifier.predict(text, 0).tone(),
        current
            .classifier_for(None)
            .expect("single")
            .predict(text, 0)
            .tone()
    );
}

/// `evaluate_model`, the library side of `tonetrack eval`: an unknown label is a variant
/// naming it, or, asked to, its rows are left out and listed.
#[test]
fn evaluate_model_reports_unknown_labels() {
    use tonetrack::data::{parse_csv, Columns};
    use tonetrack::model::evaluate::evaluate_model;
    let csv = "text,label\nWe welcome the talks.,positive\nSanctions are a dead end.,negative\n\
               They met on Monday.,hostile\n";
    let columns = Columns::new("text", Some("label"));
    let data = parse_csv("e.csv".as_ref(), csv.as_bytes(), &columns, false).expect("csv");
    let model = tonetrack::score::default_model().expect("built-in");
    let err = evaluate_model(&model, &data, false).unwrap_err();
    match &err {
        Error::UnknownLabels { labels, .. } => {
            assert_eq!(labels.len(), 1);
            assert_eq!(
                (labels[0].label.as_str(), labels[0].first_line),
                ("hostile", 4)
            );
        }
        other => panic!("{other:?}"),
    }
    let assessed = evaluate_model(&model, &data, true).expect("rows left out");
    assert_eq!(assessed.evaluation.n, 2);
    assert_eq!(assessed.rows.len(), 2);
    assert_eq!(assessed.unknown_labels[0].rows, 1);
}

/// `train_model`, the library side of `tonetrack train`: one classifier per target value, and
/// what the model file records of the training.
#[test]
fn train_model_builds_one_classifier_per_target() {
    use tonetrack::data::{parse_csv, Columns};
    use tonetrack::model::build::{train_model, TrainingData};
    use tonetrack::model::file::Classifiers;
    let mut csv = String::from("text,label,target\n");
    for target in ["Putin", "Trump"] {
        for _ in 0..3 {
            csv.push_str(&format!(
                "good talks,positive,{target}\nbad sanctions,negative,{target}\n"
            ));
        }
    }
    let mut columns = Columns::new("text", Some("label"));
    columns.target = Some("target".into());
    let data = parse_csv("t.csv".as_ref(), csv.as_bytes(), &columns, false).expect("csv");
    let params = params(2).check().expect("valid");
    let source = TrainingData {
        data,
        columns: &columns,
        data_file: "t.csv".into(),
        per_target: true,
        extra: None,
    };
    let model = train_model(&params, source, &|| {}).expect("trained");
    match &model.classifiers {
        Classifiers::PerTarget(map) => {
            assert_eq!(map.keys().collect::<Vec<_>>(), ["Putin", "Trump"]);
        }
        Classifiers::Single(_) => panic!("one classifier per target expected"),
    }
    assert_eq!(model.training.data_file, "t.csv");
    assert_eq!(model.training.reports.len(), 2);
    let putin = model.classifier_for(Some("Putin")).expect("Putin's");
    assert_eq!(putin.predict("good talks", 0).label, "positive");
}

#[test]
fn trend_fidelity_of_a_model_through_the_library() {
    use std::path::Path;
    use tonetrack::data::{load_csv, Columns};
    use tonetrack::model::evaluate::evaluate_model;
    use tonetrack::trends::{model_trend_fidelity, Period, SpeakerDateColumns};

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/seeds_gold.csv");
    let columns = Columns {
        keep_fields: true,
        ..Columns::new("text", Some("label"))
    };
    let data = load_csv(&path, &columns, false).expect("seeds_gold.csv");
    let missing = SpeakerDateColumns::find(&data, &path, "who", "date").unwrap_err();
    assert!(
        matches!(&missing, Error::MissingColumn { column, .. } if column == "who"),
        "{missing:?}"
    );
    let model = tonetrack::score::default_model().expect("built-in model");
    let evaluated = evaluate_model(&model, &data, false).expect("evaluated");
    let found = SpeakerDateColumns::find(&data, &path, "speaker", "date").expect("columns");
    let fidelity =
        model_trend_fidelity(&model, &data, &path, &evaluated, found, Period::Year, 3).unwrap();
    // The mean, then ACC and PACC with the built-in model's rates, over the same cells: the
    // seeds' speaker × year cells with 3 or more quotes (Lavrov 2019 and 2020, Pompeo 2019).
    let estimates: Vec<&str> = fidelity.iter().map(|f| f.estimate.as_str()).collect();
    assert_eq!(estimates, ["mean", "acc", "pacc"]);
    assert!(fidelity.iter().all(|f| f.cells == fidelity[0].cells));
    assert!(fidelity[0].cells >= 2, "{}", fidelity[0].cells);
}
