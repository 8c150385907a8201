//! Helpers shared by the tests that compare the reader with gold quotations.
// Each test crate that includes this module uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

/// Collapses whitespace and removes quotation marks: the form in which an extracted
/// quotation and a gold one are compared.
pub fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '"' | '“' | '”' | '‘' | '’' | '\'' | '«' | '»'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows of a CSV file as maps of column → value.
pub fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{} readable: {e}", path.display()));
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("CSV row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// How the quotations the reader extracted from some articles match the gold ones.
#[derive(Default, Clone)]
pub struct Matches {
    /// Gold quotations, and those found among the extracted ones.
    pub gold: usize,
    pub found: usize,
    /// Found quotations with the gold speaker.
    pub speaker_ok: usize,
    /// Extracted quotations, and those that are gold quotations.
    pub extracted: usize,
    pub correct: usize,
    /// Extracted quotations that are gold quotations cut off by the end of an excerpt:
    /// neither right nor wrong, left out of precision.
    pub cut_off: usize,
}

impl Matches {
    pub fn recall(&self) -> f64 {
        self.found as f64 / self.gold.max(1) as f64
    }

    pub fn precision(&self) -> f64 {
        self.correct as f64 / (self.extracted - self.cut_off).max(1) as f64
    }

    pub fn speaker(&self) -> f64 {
        self.speaker_ok as f64 / self.found.max(1) as f64
    }

    pub fn add(&mut self, o: &Matches) {
        self.gold += o.gold;
        self.found += o.found;
        self.speaker_ok += o.speaker_ok;
        self.extracted += o.extracted;
        self.correct += o.correct;
        self.cut_off += o.cut_off;
    }

    /// `recall 0.981 (151/154), precision … , speaker accuracy …`.
    pub fn summary(&self) -> String {
        let cut_off = if self.cut_off > 0 {
            format!(", {} cut off by the excerpt left out", self.cut_off)
        } else {
            String::new()
        };
        format!(
            "recall {:.3} ({}/{}), precision {:.3} ({}/{}{cut_off}), speaker accuracy {:.3} ({}/{})",
            self.recall(),
            self.found,
            self.gold,
            self.precision(),
            self.correct,
            self.extracted - self.cut_off,
            self.speaker(),
            self.speaker_ok,
            self.found,
        )
    }
}

/// True when every path of `../shared` a test reads is there. Without `../shared` such tests
/// are marked ignored by `build.rs` (`shared_missing`) and do not get here; this catches a
/// partial `../shared`: the test says SKIPPED and returns, or fails when the environment sets
/// `REQUIRE_SHARED=1`, as CI does (a measurement that must run cannot skip).
pub fn shared_present(paths: &[&Path]) -> bool {
    let missing: Vec<String> = paths
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(", ");
    assert!(
        std::env::var("REQUIRE_SHARED").as_deref() != Ok("1"),
        "REQUIRE_SHARED=1 but {missing} is absent"
    );
    println!("SKIPPED: ../shared missing ({missing} absent)");
    eprintln!("SKIPPED: ../shared missing ({missing} absent)");
    false
}
