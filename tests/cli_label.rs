//! `tonetrack label` with the real binary, its keys typed on standard input (line prompts, as
//! when standard input is not a terminal): label 5, quit, resume, label 3 more; the answers
//! file then holds exactly those 8 answers and trains a model that loads and predicts. Also:
//! a line cut short by a crash, `--export`, and a file that is not an answers file.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tonetrack::label::answers::HEADER;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn tonetrack() -> Command {
    Command::cargo_bin("tonetrack").expect("binary")
}

/// The first `n` relevant rows of `data/quotes_train.csv`, all columns: a base for refits
/// that keeps them quick.
fn tiny_base(dir: &Path, n: usize) -> PathBuf {
    let mut reader = csv::Reader::from_path(repo("data/quotes_train.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let relevant = headers.iter().position(|h| h == "relevant").unwrap();
    let path = dir.join("base.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(&headers).unwrap();
    for record in reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[relevant] == "yes")
        .take(n)
    {
        writer.write_record(&record).unwrap();
    }
    writer.flush().unwrap();
    path
}

/// (id, label, relevant) of each answer in the file, in order.
fn answers(path: &Path) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), HEADER);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[5].to_string(), r[6].to_string())
        })
        .collect()
}

fn label_session(dir: &Path, base: &Path, keys: &str) -> assert_cmd::assert::Assert {
    tonetrack()
        .current_dir(dir)
        .arg("label")
        .arg(repo("seeds"))
        .args(["--out", "labels.csv", "--batch", "5", "--base"])
        .arg(base)
        .write_stdin(keys)
        .assert()
}

#[test]
fn label_five_quit_resume_label_three_then_train_on_them() {
    let dir = tempfile::tempdir().unwrap();
    let base = tiny_base(dir.path(), 60);
    let labels = dir.path().join("labels.csv");

    // Five answers (a whole batch: a refit starts in the background), then quit.
    label_session(dir.path(), &base, "p\nu\nn\np\nu\nq\n")
        .success()
        .stdout(predicate::str::contains("answer [p u n x s b q ?]"))
        .stdout(predicate::str::contains(
            "5 answers in labels.csv (5 in this session, 0 before)",
        ))
        .stdout(predicate::str::contains("key → next quotation on screen"));
    let first = answers(&labels);
    let tones: Vec<&str> = first.iter().map(|a| a.1.as_str()).collect();
    assert_eq!(
        tones,
        ["positive", "neutral", "negative", "positive", "neutral"]
    );

    // Resumed: three more, one of them after a back (the undone answer is not kept), and the
    // end of input quits.
    label_session(dir.path(), &base, "n\np\nb\nu\nu\n")
        .success()
        .stdout(predicate::str::contains(
            "8 answers in labels.csv (3 in this session, 5 before)",
        ))
        .stdout(predicate::str::contains("undone"));
    let all = answers(&labels);
    assert_eq!(all.len(), 8, "{all:?}");
    assert_eq!(all[..5], first[..]);
    let tones: Vec<&str> = all[5..].iter().map(|a| a.1.as_str()).collect();
    assert_eq!(tones, ["negative", "neutral", "neutral"]);
    assert!(all.iter().all(|a| a.2 == "yes"));
    let mut ids: Vec<&str> = all.iter().map(|a| a.0.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8, "a quotation was asked twice");

    // The answers train with the base as one dataset, and the model loads and predicts.
    let model = dir.path().join("m.json");
    tonetrack()
        .arg("train")
        .arg("--data")
        .arg(&base)
        .arg("--data")
        .arg(&labels)
        .args([
            "--where",
            "relevant=yes",
            "--group-col",
            "source_url",
            "--c",
            "1",
            "--out",
        ])
        .arg(&model)
        .assert()
        .success()
        .stdout(predicate::str::contains("68 rows"));
    tonetrack()
        .args(["predict", "--format", "jsonl", "--model"])
        .arg(&model)
        .arg("We are ready for dialogue with Washington.")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"label\""));
}

#[test]
fn a_line_cut_short_by_a_crash_is_reported_and_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let base = tiny_base(dir.path(), 30);
    label_session(dir.path(), &base, "p\nn\nq\n").success();
    let labels = dir.path().join("labels.csv");
    let mut bytes = std::fs::read(&labels).unwrap();
    bytes.extend_from_slice(b"c0000000000000000,\"a half-written answ");
    std::fs::write(&labels, bytes).unwrap();
    label_session(dir.path(), &base, "q\n")
        .success()
        .stderr(predicate::str::contains("labels.csv:4:"))
        .stderr(predicate::str::contains("cut short"));
    assert_eq!(answers(&labels).len(), 2);
}

#[test]
fn export_writes_the_next_batch_to_fill_in() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("next.csv");
    tonetrack()
        .args(["label", "--data"])
        .arg(repo("data/quotes_test.csv"))
        .args(["--batch", "7", "--export"])
        .arg(&export)
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote 7 quotations"));
    let mut reader = csv::Reader::from_path(&export).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers[..8], HEADER);
    assert!(headers.contains(&"model_label".to_string()));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r[5].is_empty() && &r[6] == "yes"));
}

#[test]
fn a_file_that_is_not_an_answers_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("seeds_dates.csv");
    // Without a final line break: nothing of it may be cut.
    let bytes = b"file,date\nseeds/002_76ecafdd9f232f66.txt,2019-05-14".to_vec();
    std::fs::write(&other, &bytes).unwrap();
    tonetrack()
        .current_dir(dir.path())
        .arg("label")
        .arg(repo("seeds"))
        .arg("--out")
        .arg(&other)
        .write_stdin("q\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("seeds_dates.csv:1:"))
        .stderr(predicate::str::contains("not an answers file"));
    assert_eq!(std::fs::read(&other).unwrap(), bytes);
}

/// The quotation on the first card a session shows (the line after the title).
fn first_quotation(stdout: &[u8]) -> String {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .find(|l| l.starts_with("  “"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn not_relevant_skip_and_the_guide_keys_with_a_seeded_random_order() {
    let dir = tempfile::tempdir().unwrap();
    let base = tiny_base(dir.path(), 30);
    let run = |dir: &Path, keys: &str, seed: &str| {
        tonetrack()
            .current_dir(dir)
            .arg("label")
            .arg(repo("seeds"))
            .args([
                "--out",
                "labels.csv",
                "--batch",
                "4",
                "--strategy",
                "random",
            ])
            .args(["--seed", seed, "--base"])
            .arg(&base)
            .write_stdin(keys)
            .assert()
            .success()
    };
    // x: not relevant (written, relevant=no); ?: the guide, then the same quotation again;
    // s: skipped (not written); p: positive.
    let out = run(dir.path(), "x\n?\ns\np\nq\n", "7");
    let stdout = out.get_output().stdout.clone();
    let text = String::from_utf8_lossy(&stdout);
    assert!(text.contains("Labeling guide"), "{text}");
    assert!(text.contains("Rules for hard cases"), "{text}");
    assert!(text.contains("2 answers in labels.csv"), "{text}");
    let rows = answers(&dir.path().join("labels.csv"));
    let relevant: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(relevant, ["no", "yes"]);
    assert_eq!(rows[1].1, "positive");
    assert!(["positive", "neutral", "negative"].contains(&rows[0].1.as_str()));

    // The random order is the seed's: the same seed shows the same first quotation, another
    // seed (here) another one.
    let again = tempfile::tempdir().unwrap();
    let same = run(again.path(), "q\n", "7").get_output().stdout.clone();
    assert_eq!(first_quotation(&same), first_quotation(&stdout));
    assert!(!first_quotation(&same).is_empty());
    let other = tempfile::tempdir().unwrap();
    let different = run(other.path(), "q\n", "8").get_output().stdout.clone();
    assert_ne!(first_quotation(&different), first_quotation(&stdout));
}

#[test]
fn a_bad_strategy_or_batch_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    tonetrack()
        .current_dir(dir.path())
        .arg("label")
        .arg(repo("seeds"))
        .args(["--out", "labels.csv", "--strategy", "confidence"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("margin"));
    tonetrack()
        .current_dir(dir.path())
        .arg("label")
        .arg(repo("seeds"))
        .args(["--out", "labels.csv", "--batch", "0"])
        .write_stdin("q\n")
        .assert()
        .failure()
        .stderr(predicate::str::contains("--batch must be at least 1"));
    assert!(!dir.path().join("labels.csv").exists());
}

#[test]
fn a_banner_date_is_not_written_as_the_quotations_date() {
    // Seed 004 carries only its web page's banner date (2024-06-24, years after the talks it
    // reports): trends count it as no date, and the labels file must not record it as one.
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("next.csv");
    tonetrack()
        .arg("label")
        .arg(repo("seeds"))
        .args(["--batch", "100", "--export"])
        .arg(&export)
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(&export).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let from_004: Vec<&csv::StringRecord> =
        rows.iter().filter(|r| r[7].starts_with("004_")).collect();
    assert!(!from_004.is_empty());
    assert!(from_004.iter().all(|r| r[3].is_empty()), "{from_004:?}");
    assert!(
        rows.iter().any(|r| r[3].starts_with("2019-")),
        "other dates stay"
    );
}
