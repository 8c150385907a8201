//! The real binary on the seed articles: `quotes`, `score` and `trends`, as a user runs them
//! from a fresh clone (built-in model, no ../shared needed).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn tonetrack() -> Command {
    let mut cmd = Command::cargo_bin("tonetrack").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn jsonl(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn quotes_jsonl_has_the_documented_keys_and_valid_offsets() {
    let output = tonetrack()
        .args(["quotes", "seeds/", "--format", "jsonl"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let rows = jsonl(&output.stdout);
    // 42 gold rows, of which "Of course," and its continuation are read as one quote.
    assert_eq!(rows.len(), 41);
    let keys = [
        "article",
        "title",
        "url",
        "date",
        "date_source",
        "speaker",
        "speaker_kind",
        "attribution",
        "quote",
        "start",
        "end",
        "paragraph",
        "partial",
        "relevant",
        "cue",
    ];
    for row in &rows {
        let object = row.as_object().unwrap();
        assert_eq!(object.len(), keys.len(), "{row}");
        for key in keys {
            assert!(object.contains_key(key), "missing {key} in {row}");
        }
        let text = std::fs::read_to_string(repo(row["article"].as_str().unwrap())).unwrap();
        let (start, end) = (
            row["start"].as_u64().unwrap() as usize,
            row["end"].as_u64().unwrap() as usize,
        );
        assert!(
            text.get(start..end).is_some(),
            "offsets not on char boundaries"
        );
    }
    let sources: Vec<&str> = rows
        .iter()
        .map(|r| r["date_source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"dateline") && sources.contains(&"header"));
    assert!(sources.contains(&"none") && sources.contains(&"banner"));
}

#[test]
fn score_seeds_prints_every_relevant_quote_with_speaker_date_and_tone() {
    let output = tonetrack()
        .args(["score", "seeds/", "--format", "jsonl", "--all"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let rows = jsonl(&output.stdout);
    assert_eq!(rows.len(), 41);
    for row in &rows {
        let p = &row["probabilities"];
        let tone = row["tone"].as_f64().unwrap();
        let expected = p["positive"].as_f64().unwrap() - p["negative"].as_f64().unwrap();
        assert!((tone - expected).abs() < 1e-12);
        assert!(["positive", "neutral", "negative"].contains(&row["label"].as_str().unwrap()));
        assert!(row["top_terms"].is_array());
    }
    let relevant = rows.iter().filter(|r| r["relevant"] == true).count();

    // The default table shows relevant quotes only, with speakers and dates.
    let table = tonetrack().args(["score", "seeds/"]).output().unwrap();
    assert!(table.status.success());
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("Sergey Lavrov") && text.contains("Mike Pompeo"));
    assert!(text.contains("2019-09-05 (dateline)"));
    let quote_lines = text
        .lines()
        .filter(|l| l.starts_with("  ") && !l.trim_start().starts_with("speaker"))
        .count();
    assert_eq!(quote_lines, relevant);
}

#[test]
fn trends_on_the_seeds_follow_lavrov_across_years() {
    let output = tonetrack()
        .args([
            "trends",
            "seeds/",
            "--dates",
            "data/seeds_dates.csv",
            "--period",
            "year",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let speakers = json["speakers"].as_array().unwrap();
    let lavrov = speakers
        .iter()
        .find(|s| s["speaker"] == "Sergey Lavrov")
        .expect("Lavrov");
    let periods: Vec<&str> = lavrov["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, vec!["2019", "2020"]);

    // Hand computation from the JSONL of `score`: Lavrov's relevant quotes per year.
    let scored = tonetrack()
        .args([
            "score",
            "seeds/",
            "--dates",
            "data/seeds_dates.csv",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    let rows = jsonl(&scored.stdout);
    for period in &lavrov["periods"].as_array().unwrap()[..] {
        let year = period["period"].as_str().unwrap();
        let tones: Vec<f64> = rows
            .iter()
            .filter(|r| r["speaker"] == "Sergey Lavrov" && r["relevant"] == true)
            .filter(|r| r["date"].as_str().is_some_and(|d| d.starts_with(year)))
            .map(|r| r["tone"].as_f64().unwrap())
            .collect();
        let mean = tones.iter().sum::<f64>() / tones.len() as f64;
        assert_eq!(
            period["n"].as_u64().unwrap() as usize,
            tones.len(),
            "{year}"
        );
        assert!(
            (period["mean_tone"].as_f64().unwrap() - mean).abs() < 1e-12,
            "{year}"
        );
    }
    let ministry = speakers
        .iter()
        .find(|s| s["speaker"] == "Russian Foreign Ministry")
        .expect("the 2017 statement is its own speaker");
    assert_eq!(ministry["periods"][0]["period"], "2017");
}

/// `trends --scores` with `--dates` dates the scored quotes as `trends` dates the articles:
/// the same periods, tones and intervals.
#[test]
fn trends_of_scores_take_the_dates_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let scores = dir.path().join("s.jsonl");
    let output = tonetrack()
        .args(["score", "seeds/", "--format", "jsonl"])
        .output()
        .unwrap();
    assert!(output.status.success());
    std::fs::write(&scores, &output.stdout).unwrap();
    let csv = |args: &[&str]| {
        let output = tonetrack()
            .arg("trends")
            .args(args)
            .args([
                "--dates",
                "data/seeds_dates.csv",
                "--period",
                "year",
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let from_articles = csv(&["seeds/"]);
    assert!(from_articles.lines().count() > 5, "{from_articles}");
    assert_eq!(csv(&["--scores", scores.to_str().unwrap()]), from_articles);
}

#[test]
fn an_article_without_quotes_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, "Nothing was said here.\n\nNot a word.\n").unwrap();
    tonetrack()
        .arg("quotes")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no quotations found"));
}

/// `score` without `--all` leaves out a quotation not about the relationship, but it was
/// found: the run succeeds and the table says why the article has no row. Too short for
/// `--min-words`, it was not found: exit 1. With no quotation at all, the table says so.
#[test]
fn score_says_why_an_article_has_no_scored_quotation() {
    let dir = tempfile::tempdir().unwrap();
    let iran = dir.path().join("iran.txt");
    std::fs::write(
        &iran,
        "Talks in Vienna this year\n\n\"The United States will never let Iran build a bomb, and \
         Iran knows it,\" said Jane Smith, the envoy.\n",
    )
    .unwrap();
    tonetrack()
        .arg("score")
        .arg(&iran)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "(no quotations on U.S.–Russia relations; --all shows every one)",
        ));
    tonetrack()
        .args(["score", "--all"])
        .arg(&iran)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Jane Smith"));
    tonetrack()
        .args(["score", "--min-words", "50"])
        .arg(&iran)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "(no quotation of 50 words or more; --min-words sets the length)",
        ))
        .stderr(predicate::str::contains("no quotations found in 1 article"));
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "Nothing was said here.\n\nNot a word.\n").unwrap();
    tonetrack()
        .args(["score", "--all"])
        .arg(&plain)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("(no quotations found)"));
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    tonetrack()
        .args(["quotes", "no/such/article.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/article.txt"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_binary_file_is_skipped_and_the_rest_processed_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("seeds/002_76ecafdd9f232f66.txt"),
        dir.path().join("a.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.txt"), b"%PDF-1.4\0\0\x01binary").unwrap();
    let output = tonetrack()
        .args(["quotes", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("b.txt") && stderr.contains("PDF") && stderr.contains("pdftotext"),
        "{stderr}"
    );
    assert!(
        !jsonl(&output.stdout).is_empty(),
        "the readable article was not processed"
    );
}

#[test]
fn a_long_single_line_article_is_read_with_a_short_title() {
    // Regression: a single-line article used to become its own title, copied into every
    // quote's record (a 10 MB line exhausted 24 GB). The 100 MB case is measured in the notes.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one-line.txt");
    let sentence = "Lavrov said \"we are ready for dialogue,\" and he added that sanctions hurt. ";
    std::fs::write(&file, sentence.repeat(3_000_000 / sentence.len())).unwrap();
    let output = tonetrack()
        .args(["quotes", "--format", "jsonl"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success());
    let rows = jsonl(&output.stdout);
    assert_eq!(rows.len(), 3_000_000 / sentence.len());
    assert_eq!(rows[0]["title"], "");
    assert_eq!(rows[0]["speaker"], "Sergey Lavrov");
}

#[test]
fn empty_inputs_say_what_was_found_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    tonetrack()
        .arg("quotes")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no article files found"));
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    tonetrack()
        .arg("score")
        .arg(&empty)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no quotations found in 1 article"));
}

/// Rows of `--dates` that match no input are named in one warning, with how rows are matched
/// (by file name, the folders left out): after `quotes` on the articles and after `trends`
/// on scored quotes. A file whose rows all match says nothing.
#[test]
fn dates_rows_that_match_no_input_are_named_in_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let dates = dir.path().join("dates.csv");
    std::fs::write(
        &dates,
        "file,date\n\
         elsewhere/002_76ecafdd9f232f66.txt,2019-05-14\n\
         004_79f4ceb608879352.txt,2020-12-29\n\
         seeds/005_missing.txt,2021-01-01\n\
         missing.txt,2021-01-02\n\
         also_missing.txt,2021-01-03\n",
    )
    .unwrap();
    let want = format!(
        "tonetrack: warning: {}: 3 of 5 rows name no input file (line 4: seeds/005_missing.txt, \
         line 5: missing.txt, …); a row matches an input by its file name alone",
        dates.display()
    );
    let output = tonetrack()
        .args(["quotes", "seeds/", "--format", "jsonl", "--dates"])
        .arg(&dates)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(&want), "{stderr}");
    // The row in another folder still dates its article.
    let rows = jsonl(&output.stdout);
    let dated = rows
        .iter()
        .find(|r| r["article"] == "seeds/002_76ecafdd9f232f66.txt")
        .expect("article 002 has quotes");
    assert_eq!(dated["date"], "2019-05-14");
    assert_eq!(dated["date_source"], "manifest");

    // `trends --scores` reads the same file: the same warning.
    let scores = dir.path().join("s.jsonl");
    let scored = tonetrack()
        .args(["score", "seeds/", "--format", "jsonl"])
        .output()
        .unwrap();
    assert!(scored.status.success());
    std::fs::write(&scores, &scored.stdout).unwrap();
    let trends = tonetrack()
        .arg("trends")
        .arg("--scores")
        .arg(&scores)
        .arg("--dates")
        .arg(&dates)
        .output()
        .unwrap();
    let stderr = String::from_utf8(trends.stderr).unwrap();
    assert_eq!(stderr.matches(&want).count(), 1, "{stderr}");

    // Every row matching an input: no warning.
    let exact = tonetrack()
        .args(["quotes", "seeds/", "--dates", "data/seeds_dates.csv"])
        .output()
        .unwrap();
    assert!(exact.status.success(), "{exact:?}");
    assert!(exact.stderr.is_empty(), "{exact:?}");
}

/// A user's article (test a8): its first paragraph opens with a dateline, no headline above
/// it. The dateline dates it, and the paragraph is the body's first, not the title.
#[test]
fn a_dateline_first_paragraph_dates_the_article_and_is_no_title() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a8.txt");
    std::fs::write(
        &file,
        "MOSCOW, March 3, 2021 — Kremlin spokesman Dmitry Peskov spoke on Wednesday.\n\n\"We regret the new sanctions. They will not help our relations,\" Peskov told reporters.\n",
    )
    .unwrap();
    let output = tonetrack()
        .args(["quotes", "--format", "jsonl"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let rows = jsonl(&output.stdout);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["title"], "");
    assert_eq!(rows[0]["date"], "2021-03-03");
    assert_eq!(rows[0]["date_source"], "dateline");
    assert_eq!(rows[0]["speaker"], "Dmitry Peskov");
    assert_eq!(rows[0]["paragraph"], 1);
}
