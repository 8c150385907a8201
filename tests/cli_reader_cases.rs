//! The cases a new user met on articles of their own, each with the real binary on a small
//! fixture written for this test (`tests/fixtures/reader/`).

use assert_cmd::Command;

fn tonetrack() -> Command {
    let mut cmd = Command::cargo_bin("tonetrack").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

const DIR: &str = "tests/fixtures/reader";

/// Runs `args` on one fixture: (exit code, JSON rows, stderr).
fn run(args: &[&str], fixture: &str) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let output = tonetrack()
        .args(args)
        .arg(format!("{DIR}/{fixture}"))
        .args(["--format", "jsonl"])
        .output()
        .expect("runs");
    let rows = String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), rows, stderr)
}

#[test]
fn single_quotation_marks_are_quotations_with_their_speaker() {
    let (code, rows, _) = run(&["quotes"], "single_quotes.txt");
    assert_eq!(code, Some(0));
    let quotes: Vec<&str> = rows.iter().map(|r| r["quote"].as_str().unwrap()).collect();
    assert_eq!(
        quotes,
        [
            "We do not see any readiness in Washington to discuss what matters to us,",
            "The door is not closed, but nobody is walking through it."
        ]
    );
    assert!(
        rows.iter().all(|r| r["speaker"] == "Sergey Ryabkov"),
        "{rows:?}"
    );
    assert_eq!(rows[0]["attribution"], "name");
}

#[test]
fn quotations_over_hard_wrapped_lines_are_whole() {
    // A plain-text export wrapped at 70 columns: quotations run over lines without a mark
    // on each, and no blank line separates the paragraphs.
    let (code, rows, _) = run(&["quotes"], "wrapped.txt");
    assert_eq!(code, Some(0));
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["quote"].as_str().unwrap(), r["speaker"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "We are ready to discuss everything that worries our American colleagues, as long as they are ready to listen to what worries us,",
                "Sergey Ryabkov"
            ),
            ("Nobody should expect a quick result.", "Sergey Ryabkov"),
            (
                "with open eyes and no illusions about how hard this will be.",
                "Ned Price"
            ),
        ]
    );
    assert_eq!(
        rows[0]["title"],
        "Moscow and Washington to resume arms talks in Geneva next month"
    );
}

#[test]
fn a_bystander_is_not_the_spokesman_and_not_about_the_relationship() {
    let (code, rows, _) = run(&["quotes"], "weather.txt");
    assert_eq!(code, Some(0));
    let snow = rows
        .iter()
        .find(|r| r["quote"].as_str().unwrap().starts_with("It snowed"))
        .expect("the weather quotation is found");
    assert_eq!(snow["speaker"], serde_json::Value::Null, "{snow}");
    assert_eq!(snow["speaker_kind"], "none");
    assert_eq!(snow["attribution"], "pronoun");
    assert_eq!(snow["relevant"], false);
    let price = rows
        .iter()
        .find(|r| r["speaker"] == "Ned Price")
        .expect("Price's quotation");
    assert_eq!(price["relevant"], true);
    // score leaves it out of the relevant quotes it prints.
    let (_, scored, _) = run(&["score"], "weather.txt");
    assert!(
        scored.iter().all(|r| r["speaker"] == "Ned Price"),
        "{scored:?}"
    );
}

#[test]
fn a_russian_article_is_reported_and_not_scored() {
    let (code, rows, stderr) = run(&["score", "--all"], "russian.txt");
    assert!(rows.is_empty(), "{rows:?}");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("russian.txt: written in Russian (rus), not English")
            && stderr.contains("1 article(s) not in English left out (2 quotation(s) not scored)")
            && stderr.contains("--lang any"),
        "{stderr}"
    );
    // Forced, it is read and scored.
    let (code, rows, _) = run(&["score", "--all", "--lang", "any"], "russian.txt");
    assert_eq!(code, Some(0));
    assert_eq!(rows.len(), 2);
}

#[test]
fn a_german_article_is_reported_and_titles_stay_out_of_names() {
    let (code, rows, stderr) = run(&["quotes"], "german.txt");
    assert_eq!(code, Some(1));
    assert!(rows.is_empty());
    assert!(stderr.contains("written in German (deu)"), "{stderr}");
    let (_, rows, _) = run(&["quotes", "--lang", "any"], "german.txt");
    assert!(!rows.is_empty());
    for r in &rows {
        let speaker = r["speaker"].as_str().unwrap_or("");
        assert!(!speaker.contains("Außenminister"), "{r}");
    }
}

#[test]
fn an_html_page_gives_text_title_and_date() {
    let (code, rows, _) = run(&["quotes"], "page.html");
    assert_eq!(code, Some(0));
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[0]["quote"],
        "We are open to a serious dialogue with the United States on strategic stability,"
    );
    assert_eq!(rows[1]["quote"], "remain on the table.");
    for r in &rows {
        assert_eq!(r["speaker"], "Anatoly Antonov");
        assert_eq!(
            r["title"],
            "Envoy says Washington and Moscow can still talk – World News"
        );
        assert_eq!(r["date"], "2021-06-14");
        assert_eq!(r["date_source"], "html");
        assert!(!r["quote"].as_str().unwrap().contains('&'));
    }
}

#[test]
fn a_pdf_is_refused_with_the_command_that_converts_it() {
    let (code, rows, stderr) = run(&["quotes"], "report.pdf");
    assert_eq!(code, Some(2));
    assert!(rows.is_empty());
    assert!(
        stderr.contains("tests/fixtures/reader/report.pdf: skipped: a PDF file, not text")
            && stderr.contains(
                "`pdftotext -layout tests/fixtures/reader/report.pdf tests/fixtures/reader/report.txt`"
            ),
        "{stderr}"
    );
    assert!(!stderr.contains("invalid UTF-8") && !stderr.contains("panicked"));
}
