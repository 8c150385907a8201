//! The committed built-in model (models/default.json, embedded by `score`) is exactly what
//! `make default-model` produces: the test runs the binary's `train` with the Makefile's
//! `DEFAULT_MODEL_ARGS` (parsed from the Makefile, so the two cannot drift) and compares bytes.
//! When it fails, run `make default-model` and commit the new model.

use std::path::Path;

use assert_cmd::Command;

/// The words of the Makefile variable `name`, with `\` line continuations joined.
fn makefile_words(makefile: &str, name: &str) -> Option<Vec<String>> {
    let joined = makefile.replace("\\\n", " ");
    let prefix = format!("{name} =");
    let line = joined.lines().find(|l| l.starts_with(&prefix))?;
    Some(
        line[prefix.len()..]
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    )
}

#[test]
fn committed_default_model_matches_the_makefile_recipe() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let makefile = std::fs::read_to_string(root.join("Makefile")).expect("read Makefile");
    let args = makefile_words(&makefile, "DEFAULT_MODEL_ARGS").expect("DEFAULT_MODEL_ARGS");
    assert!(args.contains(&"--data".to_owned()), "args: {args:?}");
    // The shipped model has the options the test split was scored with (the split model's).
    let options = makefile_words(&makefile, "MODEL_OPTIONS").expect("MODEL_OPTIONS");
    for pair in options.chunks(2) {
        assert!(
            args.windows(pair.len()).any(|w| w == pair),
            "DEFAULT_MODEL_ARGS lacks MODEL_OPTIONS' {pair:?}"
        );
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("default.json");
    Command::cargo_bin("tonetrack")
        .expect("binary")
        .current_dir(root)
        .arg("train")
        .args(&args)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();

    let trained = std::fs::read(&out).expect("read trained model");
    let committed = std::fs::read(root.join("models/default.json")).expect("read committed model");
    assert!(
        trained == committed,
        "models/default.json differs from what `make default-model` trains now \
         ({} vs {} bytes): run `make default-model` and commit it",
        committed.len(),
        trained.len()
    );
}

#[test]
fn makefile_words_joins_continuations() {
    let text = "X = 1\nARGS = --a b \\\n\t--c d\nY = 2\n";
    assert_eq!(
        makefile_words(text, "ARGS"),
        Some(vec!["--a".into(), "b".into(), "--c".into(), "d".into()])
    );
    assert_eq!(makefile_words(text, "Z"), None);
}
