//! A small structure-aware fuzzer for tonetrack's input parsers, on stable Rust.
//!
//! cargo-fuzz needs a nightly compiler, which this project's machines do not have, so this is
//! a plain mutation fuzzer: a corpus of valid inputs (the seed articles, model files, CSV
//! files), seeded mutations that know what these formats are made of (quotation marks,
//! attribution cues, paragraph breaks, invalid UTF-8, JSON numbers and shapes, CSV quoting),
//! and each target run under `catch_unwind` with the invariants it must keep. It is shared by
//! `examples/fuzz.rs` (long runs with a time budget) and `tests/fuzz_smoke.rs` (a fixed
//! number of inputs in `cargo test`).

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tonetrack::article::{source, Reader};
use tonetrack::data::{parse_csv, Columns};
use tonetrack::model::Model;

/// What can be fuzzed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Article bytes → decode → `Reader::read`: no panic; quotations inside the text, on char
    /// boundaries, in order, not overlapping, and equal to the text they point at.
    Reader,
    /// Model file bytes → `Model::from_bytes`: no panic; a model that loads predicts finite
    /// probabilities that sum to 1.
    Model,
    /// CSV bytes → `parse_csv`: no panic; an error names a line ≥ 1; rows have non-empty text.
    Csv,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Reader, Target::Model, Target::Csv];

    pub fn name(self) -> &'static str {
        match self {
            Target::Reader => "reader",
            Target::Model => "model",
            Target::Csv => "csv",
        }
    }

    pub fn parse(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// An input that broke a target: a panic, or a broken invariant.
#[derive(Clone, Debug)]
pub struct Finding {
    pub target: Target,
    pub input: Vec<u8>,
    pub problem: String,
}

/// Tokens the mutator inserts: the material of articles, model files and CSV files.
const DICTIONARY: &[&[u8]] = &[
    "\u{201c}".as_bytes(),
    "\u{201d}".as_bytes(),
    "\u{2018}".as_bytes(),
    "\u{2019}".as_bytes(),
    "\u{ab}".as_bytes(),
    "\u{bb}".as_bytes(),
    b"\"",
    b"'",
    b"\n",
    b"\n\n",
    b"\r\n",
    b" said ",
    b", he added",
    b" the minister said.",
    b"Sergey Lavrov",
    b"Mike Pompeo",
    b"U.S.",
    b"Sept. 5, 2019",
    b"MOSCOW, March 3 (Reuters) - ",
    b"\xff",
    b"\xe2\x80",
    b"\xf0\x9f\x98\x80",
    b"\xef\xbb\xbf",
    b"\0",
    b"1e308",
    b"-1e400",
    b"18446744073709551616",
    b"-0.0",
    b"null",
    b"[]",
    b"{}",
    b"[[],[]]",
    b"\"format_version\":2",
    b"\"n_features\":1000000000000",
    b",,",
    b"\"\"",
    b"text,label",
];

/// Seeded mutations of corpus entries.
pub struct Mutator {
    rng: ChaCha8Rng,
    corpus: Vec<Vec<u8>>,
}

impl Mutator {
    pub fn new(seed: u64, corpus: Vec<Vec<u8>>) -> Self {
        assert!(!corpus.is_empty(), "the corpus needs at least one input");
        Mutator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            corpus,
        }
    }

    /// A new input for `target`: a corpus entry with 1–8 mutations. Half of the model
    /// inputs are mutated as JSON (a value replaced, an element dropped or repeated) with the
    /// checksum kept right, so that they reach the model's validation rather than stopping at
    /// the JSON syntax or the checksum.
    pub fn next_input(&mut self, target: Target) -> Vec<u8> {
        let pick = self.rng.gen_range(0..self.corpus.len());
        let mut input = self.corpus[pick].clone();
        if target == Target::Model && self.rng.gen_bool(0.5) {
            for _ in 0..self.rng.gen_range(1..=3) {
                if let Some(mutated) = self.mutate_model_json(&input) {
                    input = mutated;
                }
            }
            return input;
        }
        for _ in 0..self.rng.gen_range(1..=8) {
            self.mutate(&mut input);
        }
        input
    }

    /// Replaces, drops or repeats one value inside the body of a model file.
    fn mutate_model_json(&mut self, input: &[u8]) -> Option<Vec<u8>> {
        use serde_json::Value;
        let mut envelope: Value = serde_json::from_slice(input).ok()?;
        // A random walk from the body down to some value.
        let mut node = envelope.get_mut("body")?;
        loop {
            let len = match &*node {
                Value::Object(map) => map.len(),
                Value::Array(items) => items.len(),
                _ => 0,
            };
            if len == 0 || self.rng.gen_bool(0.2) {
                break;
            }
            let pick = self.rng.gen_range(0..len);
            node = match node {
                Value::Object(map) => map.values_mut().nth(pick)?,
                Value::Array(items) => &mut items[pick],
                _ => unreachable!("only objects and arrays have children"),
            };
        }
        let replacements = [
            Value::from(0),
            Value::from(-1),
            Value::from(1e308),
            Value::from(-1e308),
            Value::from(5e-324),
            Value::from(u64::MAX),
            Value::from(""),
            Value::from("negative"),
            Value::Null,
            Value::from(true),
            Value::Array(Vec::new()),
            Value::Object(Default::default()),
        ];
        match node {
            Value::Array(items) if !items.is_empty() && self.rng.gen_bool(0.5) => {
                let at = self.rng.gen_range(0..items.len());
                if self.rng.gen_bool(0.5) {
                    items.remove(at);
                } else {
                    let copy = items[at].clone();
                    items.insert(at, copy);
                }
            }
            Value::Object(map) if !map.is_empty() && self.rng.gen_bool(0.3) => {
                let key = map.keys().nth(self.rng.gen_range(0..map.len()))?.clone();
                map.remove(&key);
            }
            _ => *node = replacements[self.rng.gen_range(0..replacements.len())].clone(),
        }
        let body = serde_json::to_string(envelope.get("body")?).ok()?;
        let file = format!(
            r#"{{"format":{},"format_version":{},"sha256":"{}","body":{body}}}"#,
            envelope.get("format")?,
            envelope.get("format_version")?,
            "0".repeat(64)
        );
        Some(with_valid_checksum(file.as_bytes()))
    }

    fn position(&mut self, input: &[u8]) -> usize {
        self.rng.gen_range(0..=input.len())
    }

    fn range(&mut self, input: &[u8]) -> std::ops::Range<usize> {
        let start = self.position(input);
        let len = self.rng.gen_range(0..=64.min(input.len() - start));
        start..start + len
    }

    fn mutate(&mut self, input: &mut Vec<u8>) {
        match self.rng.gen_range(0..7) {
            // Flip a bit.
            0 if !input.is_empty() => {
                let at = self.rng.gen_range(0..input.len());
                input[at] ^= 1 << self.rng.gen_range(0..8);
            }
            // Overwrite a byte with an interesting one.
            1 if !input.is_empty() => {
                let at = self.rng.gen_range(0..input.len());
                input[at] = [0, b'"', b'\n', b',', b'{', b'}', b'[', b']', 0x80, 0xff]
                    [self.rng.gen_range(0..10)];
            }
            // Delete a range.
            2 => {
                let range = self.range(input);
                input.drain(range);
            }
            // Duplicate a range.
            3 => {
                let range = self.range(input);
                let piece = input[range.clone()].to_vec();
                let at = self.position(input);
                input.splice(at..at, piece);
            }
            // Splice in a piece of another corpus entry.
            4 => {
                let other = self.corpus[self.rng.gen_range(0..self.corpus.len())].clone();
                let range = self.range(&other);
                let at = self.position(input);
                input.splice(at..at, other[range].iter().copied());
            }
            // Truncate.
            5 => {
                let at = self.position(input);
                input.truncate(at);
            }
            // Insert a dictionary token.
            _ => {
                let token = DICTIONARY[self.rng.gen_range(0..DICTIONARY.len())];
                let at = self.position(input);
                input.splice(at..at, token.iter().copied());
            }
        }
    }
}

/// What a target made of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Parsed, and every invariant held.
    Accepted,
    /// Refused with an error, as bad input should be.
    Refused,
    /// A panic or a broken invariant.
    Broken(String),
}

/// Runs `target` on `input`.
pub fn run(target: Target, input: &[u8]) -> Outcome {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| match target {
        Target::Reader => check_reader(input),
        // Most mutations break the checksum, which is checked first; the same input with its
        // checksum repaired reaches the parsing and validation of the body.
        Target::Model => {
            check_model(input)?;
            check_model(&with_valid_checksum(input))
        }
        Target::Csv => check_csv(input),
    }));
    match outcome {
        Ok(Ok(true)) => Outcome::Accepted,
        Ok(Ok(false)) => Outcome::Refused,
        Ok(Err(broken)) => Outcome::Broken(broken),
        Err(payload) => Outcome::Broken(format!("panic: {}", panic_message(&payload))),
    }
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

fn check_reader(input: &[u8]) -> Result<bool, String> {
    let text = match source::decode("fuzz", input.to_vec()) {
        source::Loaded::Text { text, .. } => text,
        source::Loaded::Skipped { .. } => return Ok(false),
    };
    let article = Reader::new().read("fuzz", &text);
    let mut last_end = 0;
    for q in &article.quotes {
        if !(q.start < q.end && q.end <= text.len()) {
            return Err(format!("quotation {}..{} outside the text", q.start, q.end));
        }
        if !(text.is_char_boundary(q.start) && text.is_char_boundary(q.end)) {
            return Err(format!(
                "quotation {}..{} not on char boundaries",
                q.start, q.end
            ));
        }
        if q.start < last_end {
            return Err(format!(
                "quotation {}..{} overlaps the one before",
                q.start, q.end
            ));
        }
        if q.text.is_empty() {
            return Err(format!("quotation {}..{} is empty", q.start, q.end));
        }
        last_end = q.end;
    }
    // Records are what the commands print: building them must hold too.
    let _ = article.records();
    Ok(true)
}

fn check_model(input: &[u8]) -> Result<bool, String> {
    let Ok(model) = Model::from_bytes(input, Path::new("fuzz.json")) else {
        return Ok(false);
    };
    for target in [None, Some("fuzz")] {
        let Ok(classifier) = model.classifier_for(target) else {
            continue;
        };
        let prediction = classifier.predict("Relations with the United States are improving.", 5);
        let total: f64 = prediction.probabilities.iter().map(|(_, p)| p).sum();
        if prediction.probabilities.iter().any(|(_, p)| !p.is_finite()) {
            return Err("a loaded model predicts a probability that is not finite".into());
        }
        if (total - 1.0).abs() > 1e-9 {
            return Err(format!("a loaded model's probabilities sum to {total}"));
        }
    }
    Ok(true)
}

/// The model file with its `sha256` field set to the checksum of what follows `"body":`
/// (unchanged when it has no such fields).
pub fn with_valid_checksum(input: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let find = |needle: &[u8]| input.windows(needle.len()).position(|w| w == needle);
    let (Some(body_at), Some(sha_at)) = (find(b"\"body\":"), find(b"\"sha256\":\"")) else {
        return input.to_vec();
    };
    let body_start = body_at + b"\"body\":".len();
    // The body ends before the envelope's closing brace (and a final newline, if any).
    let trimmed = input.len()
        - input
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let body_end = trimmed.saturating_sub(1).max(body_start);
    let sha_start = sha_at + b"\"sha256\":\"".len();
    if sha_start + 64 > input.len() || sha_start + 64 > body_at {
        return input.to_vec();
    }
    let digest: String = Sha256::digest(&input[body_start..body_end])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut fixed = input.to_vec();
    fixed[sha_start..sha_start + 64].copy_from_slice(digest.as_bytes());
    fixed
}

fn check_csv(input: &[u8]) -> Result<bool, String> {
    let columns = Columns::new("text", Some("label"));
    let mut accepted = false;
    for skip_invalid in [false, true] {
        match parse_csv(Path::new("fuzz.csv"), input, &columns, skip_invalid) {
            Ok(dataset) => {
                if dataset.rows.iter().any(|row| row.text.is_empty()) {
                    return Err("a row with empty text was accepted".into());
                }
                accepted |= !skip_invalid;
            }
            Err(tonetrack::Error::Csv { line: 0, .. }) => {
                return Err("a CSV error names line 0".into());
            }
            Err(_) => {}
        }
    }
    Ok(accepted)
}

/// The corpus of `target`, from the repository.
pub fn corpus(target: Target) -> Vec<Vec<u8>> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read_dir = |dir: &str| -> Vec<Vec<u8>> {
        let mut paths: Vec<_> = std::fs::read_dir(repo.join(dir))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.sort();
        paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
    };
    match target {
        Target::Reader => {
            let mut corpus = read_dir("seeds");
            corpus.push(
                "MOSCOW, March 3 (Reuters) - \u{201c}We are ready,\u{201d} Lavrov said.\n\n\
                 \u{201c}But not at any price,\u{201d} he added. The minister said \
                 \u{2018}no\u{2019}."
                    .as_bytes()
                    .to_vec(),
            );
            corpus
        }
        Target::Model => small_models(),
        Target::Csv => {
            let test = std::fs::read(repo.join("data/quotes_test.csv")).unwrap_or_default();
            // The header and the first rows: enough structure, short enough to mutate fast.
            let head: Vec<u8> = test
                .split_inclusive(|&b| b == b'\n')
                .take(12)
                .flatten()
                .copied()
                .collect();
            vec![
                head,
                b"\xef\xbb\xbftext,label\r\n\"a\r\nb\",positive\r\n\"c\",negative\r\n".to_vec(),
                b"id,text,label,extra\n1,\"x, y\",neutral,\n2,z,positive,q\n".to_vec(),
            ]
        }
    }
}

/// Small valid model files, one classifier and one per target, on a tiny vocabulary, so that
/// mutations reach every part of the body quickly.
pub fn small_models() -> Vec<Vec<u8>> {
    use std::collections::BTreeMap;
    use tonetrack::model::file::{Classifiers, ColumnsInfo, TrainingInfo};
    use tonetrack::model::train::CChoice;
    use tonetrack::model::{Examples, TrainParams};

    let texts = [
        "Good talks and real progress.",
        "Good progress in the talks.",
        "Bad sanctions and hostile acts.",
        "Bad hostile sanctions again.",
        "A routine meeting on Tuesday.",
        "A routine visit on Tuesday.",
    ];
    let labels = [
        "positive", "positive", "negative", "negative", "neutral", "neutral",
    ];
    let examples = Examples::new(
        texts.iter().map(|t| t.to_string()).collect(),
        labels.iter().map(|l| l.to_string()).collect(),
    );
    let params = TrainParams {
        c: CChoice::Fixed(1.0),
        ..TrainParams::default()
    };
    let (classifier, report) = params
        .check()
        .and_then(|p| p.fit(examples))
        .expect("the small model trains");
    let training = TrainingInfo {
        data_file: "fuzz.csv".to_string(),
        data_sha256: String::new(),
        columns: ColumnsInfo {
            text: "text".to_string(),
            label: "label".to_string(),
            target: None,
            mention: None,
            filters: Vec::new(),
        },
        params,
        reports: BTreeMap::from([(String::new(), report)]),
        extra_data: None,
        text_fingerprints: String::new(),
        tonetrack_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let single = Model {
        classifiers: Classifiers::Single(Box::new(classifier.clone())),
        training: training.clone(),
    };
    let per_target = Model {
        classifiers: Classifiers::PerTarget(BTreeMap::from([("fuzz".to_string(), classifier)])),
        training,
    };
    [single, per_target]
        .iter()
        .map(|m| m.to_bytes().expect("the small model serialises"))
        .collect()
}
