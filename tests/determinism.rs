//! Same output whatever the number of threads: scoring and reading run in parallel over
//! chunks of articles (`score::stream_inputs`), and the output must not depend on it.

use std::path::Path;

use assert_cmd::Command;

/// 260 articles (more than four chunks of 64): the seed articles with a numbered quotation
/// added, so that every file differs.
fn corpus(dir: &Path) {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut texts: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    texts.sort();
    for i in 0..260 {
        let text = format!(
            "{}\n\n\u{201c}Talks number {i} with Washington were useful,\u{201d} Sergey Lavrov said.\n",
            texts[i % texts.len()]
        );
        std::fs::write(dir.join(format!("a{i:03}.txt")), text).unwrap();
    }
}

fn run(command: &str, dir: &Path, threads: &str) -> Vec<u8> {
    let output = Command::cargo_bin("tonetrack")
        .unwrap()
        .env("RAYON_NUM_THREADS", threads)
        .args([command, "--format", "jsonl"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{command}: {output:?}");
    output.stdout
}

#[test]
fn score_and_quotes_give_the_same_bytes_on_one_and_on_several_threads() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    for command in ["quotes", "score"] {
        let serial = run(command, dir.path(), "1");
        let parallel = run(command, dir.path(), "3");
        // Every article contributes its added quotation, in file order.
        let text = String::from_utf8(serial.clone()).unwrap();
        let talks: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("Talks number"))
            .collect();
        assert_eq!(talks.len(), 260, "{command}");
        assert!(talks[0].contains("a000.txt") && talks[259].contains("a259.txt"));
        assert!(
            serial == parallel,
            "{command}: output differs between 1 and 3 threads"
        );
    }
}

#[test]
fn predict_on_a_csv_gives_the_same_bytes_on_one_and_on_several_threads() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/quotes_test.csv");
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/default.json");
    let run = |threads: &str| {
        let output = Command::cargo_bin("tonetrack")
            .unwrap()
            .env("RAYON_NUM_THREADS", threads)
            .args(["predict", "--format", "jsonl", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        output.stdout
    };
    let serial = run("1");
    assert_eq!(String::from_utf8_lossy(&serial).lines().count(), 1537);
    assert!(
        serial == run("3"),
        "predict output differs between 1 and 3 threads"
    );
}
