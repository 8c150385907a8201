//! The README's Troubleshooting table, row by row, on the real binary: what a user sees when a
//! CSV, an article or a model file is not what tonetrack expects.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use sha2::{Digest, Sha256};

fn tonetrack() -> Command {
    Command::cargo_bin("tonetrack").expect("binary")
}

/// Six rows, two per class, each class with a word of its own (`good`, `bad`, `routine`) that
/// occurs twice, so that `min_df = 2` keeps it.
const ROWS: [(&str, &str); 6] = [
    ("Good talks, fine.", "positive"),
    ("Bad sanctions.", "negative"),
    ("Routine meeting.", "neutral"),
    ("Good progress.", "positive"),
    ("Bad acts.", "negative"),
    ("Routine visit.", "neutral"),
];

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A CSV of [`ROWS`] with the given line ending, optional BOM and extra columns.
fn csv(bom: bool, eol: &str, extra_columns: bool) -> Vec<u8> {
    let mut text = String::new();
    if bom {
        text.push('\u{feff}');
    }
    text.push_str(if extra_columns {
        "id,text,label,source"
    } else {
        "text,label"
    });
    text.push_str(eol);
    for (i, (row, label)) in ROWS.iter().enumerate() {
        if extra_columns {
            text.push_str(&format!("{i},\"{row}\",{label},page-{i}{eol}"));
        } else {
            text.push_str(&format!("\"{row}\",{label}{eol}"));
        }
    }
    text.into_bytes()
}

fn train(data: &Path, out: &Path) -> assert_cmd::assert::Assert {
    tonetrack()
        .args(["train", "--c", "1", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn bom_crlf_and_quoted_newlines_are_read_as_plain_csv() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "plain.csv", &csv(false, "\n", false));
    // A BOM, CRLF line ends, and a text field that spans two lines inside its quotes.
    let mut odd = String::from_utf8(csv(true, "\r\n", false)).unwrap();
    odd = odd.replace("\"Bad sanctions.\"", "\"Bad\r\nsanctions.\"");
    let odd = write(dir.path(), "odd.csv", odd.as_bytes());

    train(&plain, &dir.path().join("plain.json"))
        .success()
        .stdout(predicate::str::contains(
            "6 rows (0 filtered out, 0 skipped)",
        ));
    train(&odd, &dir.path().join("odd.json"))
        .success()
        .stdout(predicate::str::contains(
            "6 rows (0 filtered out, 0 skipped)",
        ));

    // The same vocabulary and weights: the BOM did not become part of the first column's name
    // and the line ends did not become part of any term.
    let body = |name: &str| {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["body"]["classifiers"].clone()
    };
    assert_eq!(body("plain.json"), body("odd.json"));

    // predict passes the multi-line text through intact.
    let output = tonetrack()
        .args(["predict", "--format", "jsonl", "--model"])
        .arg(dir.path().join("odd.json"))
        .arg("--data")
        .arg(&odd)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 6);
    assert!(stdout.contains(r#""text":"Bad\r\nsanctions.""#), "{stdout}");
}

#[test]
fn extra_columns_are_ignored_at_train_and_passed_through_at_predict() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "extra.csv", &csv(false, "\n", true));
    let model = dir.path().join("m.json");
    train(&data, &model).success();
    let output = tonetrack()
        .args(["predict", "--format", "csv", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let header = stdout.lines().next().unwrap();
    for column in ["id", "text", "source"] {
        assert!(header.split(',').any(|c| c == column), "{header}");
    }
    assert!(stdout.contains("page-5"), "{stdout}");
}

/// Runs `train` on a CSV with one bad line and checks the message names file and line.
fn refused_at_line(name: &str, bytes: &[u8], line: usize, problem: &str) {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), name, bytes);
    let out = dir.path().join("m.json");
    train(&data, &out)
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{name}:{line}: {problem}"
        )));
    assert!(!out.exists(), "no model is written");
}

#[test]
fn a_bad_csv_line_is_named_with_file_and_line() {
    let mut invalid_utf8 = csv(false, "\n", false);
    let at = invalid_utf8.windows(3).position(|w| w == b"Bad").unwrap();
    invalid_utf8[at + 1] = 0xff;
    refused_at_line("utf8.csv", &invalid_utf8, 3, "invalid UTF-8 in field 1");

    let malformed = String::from_utf8(csv(false, "\n", false))
        .unwrap()
        .replace("\"Bad acts.\",negative", "\"Bad acts.\",negative,surplus");
    refused_at_line(
        "malformed.csv",
        malformed.as_bytes(),
        6,
        "the record has 3 fields but the header has 2",
    );

    let empty_text = String::from_utf8(csv(false, "\n", false))
        .unwrap()
        .replace("\"Routine visit.\"", "\"\"");
    refused_at_line(
        "empty_text.csv",
        empty_text.as_bytes(),
        7,
        "empty text in column `text`",
    );

    let empty_label = String::from_utf8(csv(false, "\n", false))
        .unwrap()
        .replace("\"Good progress.\",positive", "\"Good progress.\",");
    refused_at_line(
        "empty_label.csv",
        empty_label.as_bytes(),
        5,
        "empty label in column `label`",
    );
}

#[test]
fn skip_invalid_skips_bad_lines_and_says_how_many() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from_utf8(csv(false, "\n", false)).unwrap();
    text.push_str("\"\",negative\n\"Bad again.\",\n");
    let data = write(dir.path(), "some_bad.csv", text.as_bytes());
    tonetrack()
        .args(["train", "--c", "1", "--skip-invalid", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(dir.path().join("m.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "6 rows (0 filtered out, 2 skipped)",
        ));
}

#[test]
fn fewer_rows_than_folds_is_refused_with_what_to_change() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "few.csv", &csv(false, "\n", false));
    let out = dir.path().join("m.json");
    let message = "6 rows (in 6 groups) cannot be split into 10 folds: use fewer folds\n  hint: lower --folds";
    tonetrack()
        .args(["train", "--folds", "10", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
    assert!(!out.exists());
    tonetrack()
        .args(["cv", "--folds", "10", "--data"])
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
}

#[test]
fn invalid_utf8_in_an_article_is_replaced_with_a_warning_and_offsets_stay_valid() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"The minister spoke \xff\xfe today in Moscow.\n\n".to_vec();
    bytes.extend_from_slice(
        "\u{201c}Our relations with the United States are at a low point,\u{201d} \
         Sergey Lavrov said.\n"
            .as_bytes(),
    );
    let article = write(dir.path(), "broken.txt", &bytes);
    let output = tonetrack()
        .args(["quotes", "--format", "jsonl"])
        .arg(&article)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("broken.txt: invalid UTF-8 (first at byte 19) replaced with U+FFFD"),
        "{stderr}"
    );
    // Offsets index the decoded text, in which each bad byte became one U+FFFD.
    let decoded = String::from_utf8_lossy(&bytes);
    let line = String::from_utf8(output.stdout).unwrap();
    let quote: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    let (start, end) = (
        quote["start"].as_u64().unwrap() as usize,
        quote["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&decoded[start..end], quote["quote"].as_str().unwrap());
    assert_eq!(quote["speaker"], "Sergey Lavrov");
}

/// A model file whose body is replaced by `edit(body)`, with a correct checksum, so that only
/// the validation of the content can refuse it.
fn edited_model(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let data = write(dir, "train.csv", &csv(false, "\n", false));
    let original = dir.join("original.json");
    if !original.exists() {
        train(&data, &original).success();
    }
    let text = std::fs::read_to_string(&original).unwrap();
    let mut envelope: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut body = envelope["body"].take();
    edit(&mut body);
    let body = serde_json::to_string(&body).unwrap();
    let sha: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = format!(
        r#"{{"format":"{}","format_version":{},"sha256":"{sha}","body":{body}}}"#,
        envelope["format"].as_str().unwrap(),
        envelope["format_version"]
    );
    write(dir, name, file.as_bytes())
}

/// The model file `text` claiming format version `version`.
fn with_format_version(text: &str, version: u32) -> String {
    let key = "\"format_version\":";
    let at = text.find(key).expect("a format_version field") + key.len();
    let digits = text[at..].chars().take_while(char::is_ascii_digit).count();
    format!("{}{version}{}", &text[..at], &text[at + digits..])
}

fn refused_model(model: &Path, message: &str) {
    tonetrack()
        .args(["predict", "--model"])
        .arg(model)
        .arg("Good talks.")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
}

#[test]
fn model_files_from_elsewhere_or_with_impossible_contents_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let single = |body: &mut serde_json::Value| body["classifiers"]["single"].clone();

    // The unmodified round trip works, so the refusals below are about the edits.
    let same = edited_model(dir.path(), "same.json", |_| {});
    tonetrack()
        .args(["predict", "--model"])
        .arg(&same)
        .arg("Good talks.")
        .assert()
        .success();

    let text = std::fs::read_to_string(&same).unwrap();
    let newer = write(
        dir.path(),
        "newer.json",
        with_format_version(&text, 7).as_bytes(),
    );
    refused_model(&newer, "has format version 7, newer than this tonetrack");
    let foreign = write(
        dir.path(),
        "foreign.json",
        text.replacen("tonetrack-model", "sklearn-pickle", 1)
            .as_bytes(),
    );
    refused_model(&foreign, "sklearn-pickle");

    let fewer_idf = edited_model(dir.path(), "shapes.json", |body| {
        let mut classifier = single(body);
        classifier["vectorizer"]["idf"]
            .as_array_mut()
            .unwrap()
            .push(1.0.into());
        body["classifiers"]["single"] = classifier;
    });
    refused_model(
        &fewer_idf,
        "has an invalid model body: TF-IDF vectorizer: 4 IDF values for 3 terms",
    );

    // 10¹⁸ features claimed with three weights: refused by the shape check before anything is
    // sized from the claim (a model sized from it would need 24 exabytes).
    let absurd = edited_model(dir.path(), "absurd.json", |body| {
        body["classifiers"]["single"]["model"]["n_features"] = 1_000_000_000_000_000_000u64.into();
    });
    refused_model(
        &absurd,
        "logistic model has 9 weights, expected 1000000000000000000 features × 3 classes",
    );

    // JSON has no NaN or infinity: a weight that is not a number is refused by name.
    let null = edited_model(dir.path(), "null.json", |body| {
        body["classifiers"]["single"]["model"]["weights"][0] = serde_json::Value::Null;
    });
    refused_model(
        &null,
        "has an invalid model body: invalid type: null, expected f64",
    );
}

/// One line of 100 MB with quotations spread through it: read in bounded time and memory
/// (README: figures of the release build), every quotation found.
#[test]
fn a_100_mb_single_line_article_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "The delegations met again without any result and talked about trade. ";
    let quote = "\u{201c}We want better relations with the United States,\u{201d} Lavrov said. ";
    let mut text = String::with_capacity(100 << 20);
    let mut quotes = 0;
    while text.len() < 100 << 20 {
        for _ in 0..200 {
            text.push_str(sentence);
        }
        text.push_str(quote);
        quotes += 1;
    }
    let article = write(dir.path(), "huge.txt", text.as_bytes());
    drop(text);
    let output = tonetrack()
        .args(["quotes", "--format", "csv"])
        .arg(&article)
        .output()
        .unwrap();
    assert!(output.status.success(), "{:?}", output.status);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), quotes + 1, "one line per quotation");
}

/// An empty text given on the command line is refused, as an empty cell of `predict --data`
/// is, rather than classified from the intercepts alone.
#[test]
fn an_empty_text_is_refused_by_predict_and_explain() {
    tonetrack()
        .args(["predict", "We welcome the talks.", " "])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("text 2 is empty"));
    tonetrack()
        .args(["explain", ""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the text is empty"));
}

/// `eval` on rows the model was trained on says so (their figures overstate its accuracy on
/// new text), counting them in the JSON report; on new rows it says nothing.
#[test]
fn eval_on_training_texts_warns() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "train.csv", &csv(false, "\n", false));
    let model = dir.path().join("m.json");
    train(&data, &model).success();
    let mut mixed = String::from("text,label\n");
    mixed.push_str("\"  GOOD talks,   fine.\",positive\n"); // a training text, respaced
    mixed.push_str("Bad sanctions again.,negative\n");
    let mixed = write(dir.path(), "mixed.csv", mixed.as_bytes());
    let fresh = write(
        dir.path(),
        "fresh.csv",
        b"text,label\nGood news.,positive\nBad news.,negative\n",
    );
    let eval = |path: &Path| {
        let output = tonetrack()
            .args(["eval", "--format", "json", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (
            json["rows_seen_in_training"].as_u64().unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (seen, stderr) = eval(&data);
    assert_eq!(seen, 6);
    assert!(stderr.contains("6 of 6 rows of"), "{stderr}");
    assert!(
        stderr.contains("texts the model was trained on"),
        "{stderr}"
    );
    let (seen, stderr) = eval(&mixed);
    assert_eq!(seen, 1);
    assert!(stderr.contains("1 of 2 rows of"), "{stderr}");
    assert_eq!(eval(&fresh), (0, String::new()));
}
