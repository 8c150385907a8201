//! TF-IDF equals scikit-learn's `TfidfVectorizer` on the same term lists.
//!
//! `tests/fixtures/tfidf/terms.json` holds 30 NewsMTSC sentences (MIT-licensed) and the terms
//! tonetrack's default analyzer makes of them; `make_fixture.py` ran scikit-learn on those
//! terms with several settings and wrote `expected.json`. To regenerate both:
//! ```text
//! cargo test --test tfidf_sklearn -- --ignored write_fixture_terms
//! python3 tests/fixtures/tfidf/make_fixture.py
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tonetrack::features::VectorizerParams;
use tonetrack::text::{Analyzer, AnalyzerConfig, MENTION_MARKER};

const TOLERANCE: f64 = 1e-12;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tfidf")).join(name)
}

#[derive(Serialize, Deserialize)]
struct Terms {
    source: String,
    analyzer: AnalyzerConfig,
    documents: Vec<Document>,
}

#[derive(Serialize, Deserialize)]
struct Document {
    /// The sentence as analyzed (mention replaced by the marker).
    text: String,
    terms: Vec<String>,
}

#[derive(Deserialize)]
struct Expected {
    sklearn_version: String,
    settings: Vec<Setting>,
}

#[derive(Deserialize)]
struct Setting {
    params: VectorizerParams,
    vocabulary: Vec<String>,
    idf: Vec<f64>,
    indptr: Vec<usize>,
    indices: Vec<usize>,
    data: Vec<f64>,
}

fn read<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_close(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= TOLERANCE,
        "{what}: got {got}, scikit-learn {want}"
    );
}

#[test]
fn tfidf_matches_scikit_learn() {
    let terms: Terms = read("terms.json");
    let expected: Expected = read("expected.json");
    let docs: Vec<Vec<String>> = terms.documents.into_iter().map(|d| d.terms).collect();
    assert!(docs.len() >= 30 && expected.settings.len() >= 3);
    for setting in &expected.settings {
        let name = format!(
            "{:?} (scikit-learn {})",
            setting.params, expected.sklearn_version
        );
        let (vectorizer, matrix) = setting.params.fit_transform(&docs).expect(&name);
        assert_eq!(
            vectorizer.vocabulary(),
            setting.vocabulary.as_slice(),
            "{name}"
        );
        for (col, (&got, &want)) in vectorizer.idf().iter().zip(&setting.idf).enumerate() {
            assert_close(
                &format!("{name} idf of {:?}", vectorizer.term(col)),
                got,
                want,
            );
        }
        assert_eq!(
            matrix.shape(),
            (docs.len(), setting.vocabulary.len()),
            "{name}"
        );
        assert_eq!(
            matrix.indptr().raw_storage(),
            setting.indptr.as_slice(),
            "{name}"
        );
        let columns: Vec<usize> = matrix.indices().iter().map(|&c| c as usize).collect();
        assert_eq!(columns, setting.indices, "{name}");
        for (i, (&got, &want)) in matrix.data().iter().zip(&setting.data).enumerate() {
            assert_close(&format!("{name} value {i}"), got, want);
        }
    }
}

/// Writes `terms.json` from the first 30 distinct sentences of NewsMTSC's train.csv, each
/// target mention replaced by the mention marker as training does.
#[test]
#[ignore = "regenerates the fixture input; run make_fixture.py afterwards"]
fn write_fixture_terms() {
    let csv_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/newsmtsc/train.csv"
    );
    let mut reader = match csv::Reader::from_path(csv_path) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("skipping: cannot read {csv_path}: {e}");
            return;
        }
    };
    let analyzer = Analyzer::new(AnalyzerConfig::default()).expect("analyzer");
    let mut documents: Vec<Document> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.expect("csv record");
        let (text, start, end) = (&record[1], &record[3], &record[4]);
        let (start, end): (usize, usize) =
            (start.parse().expect("start"), end.parse().expect("end"));
        // The CSV's offsets count chars.
        let chars: Vec<char> = text.chars().collect();
        let marked: String = chars[..start]
            .iter()
            .chain(MENTION_MARKER.chars().collect::<Vec<_>>().iter())
            .chain(&chars[end..])
            .collect();
        if seen.iter().any(|s| s == text) {
            continue;
        }
        seen.push(text.to_owned());
        documents.push(Document {
            terms: analyzer.terms(&marked),
            text: marked,
        });
        if documents.len() == 30 {
            break;
        }
    }
    let terms = Terms {
        source: "NewsMTSC train.csv (MIT license), first 30 distinct sentences; target \
                 mention replaced by the mention marker before analysis"
            .into(),
        analyzer: analyzer.config().clone(),
        documents,
    };
    let json = serde_json::to_string_pretty(&terms).expect("json");
    std::fs::write(fixture("terms.json"), json + "\n").expect("write terms.json");
}
