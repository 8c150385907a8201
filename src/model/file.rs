//! The model file: one versioned JSON document with a checksum, written atomically.
//!
//! Layout: `{"format":"tonetrack-model","format_version":2,"sha256":"…","body":{…}}`, where
//! `sha256` is the SHA-256 of the exact bytes of `body`. Nothing in it depends on the time or
//! the machine, so the same data and options give the same bytes. Loading refuses a foreign
//! file, a newer format version, a bad checksum, and shapes that do not agree, each with a
//! message that says what to do.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::data::hex;
use crate::error::{Error, Result};
use crate::model::classifier::Classifier;
use crate::model::train::{TrainParams, TrainReport};

/// The `format` field of every tonetrack model file.
pub const FORMAT: &str = "tonetrack-model";
/// The format version this build writes. Version 3 records the tone poles of each classifier
/// ([`crate::model::TonePoles`]); version 2 added calibration, class rates, lexicons
/// and training-only rows, all optional.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest format version this build reads (version 1 files read as uncalibrated models).
pub const OLDEST_FORMAT_VERSION: u32 = 1;
/// Larger files are refused before they are read (a model of 1M features is ~60 MB).
pub const MAX_MODEL_BYTES: u64 = 2 << 30;

/// A trained model: one classifier, or one per target (the SemEval-2016 protocol).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// The classifiers.
    pub classifiers: Classifiers,
    /// How it was trained.
    pub training: TrainingInfo,
}

/// One classifier for all texts, or one per target value.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Classifiers {
    /// One classifier for every text.
    Single(Box<Classifier>),
    /// One classifier per target value.
    PerTarget(BTreeMap<String, Classifier>),
}

/// Training metadata stored with the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingInfo {
    /// The training file's name (without its directory, so the bytes do not depend on where
    /// the data was).
    pub data_file: String,
    /// SHA-256 of the training file's bytes.
    pub data_sha256: String,
    /// Columns and filters used.
    pub columns: ColumnsInfo,
    /// All options that decide the model.
    pub params: TrainParams,
    /// What training did, per classifier (key `""` for a single classifier).
    pub reports: BTreeMap<String, TrainReport>,
    /// Training-only rows from a second file, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_data: Option<ExtraDataInfo>,
    /// A fingerprint of each distinct training text ([`text_fingerprint`]), sorted, as one
    /// hex string of 8 digits each: `eval` counts the rows it is given that the model was
    /// trained on, whose figures would overstate its accuracy on new text. Empty in models
    /// of earlier versions.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text_fingerprints: String,
    /// Version of tonetrack that trained it.
    pub tonetrack_version: String,
}

impl TrainingInfo {
    /// Whether a text's fingerprint is among the training texts' (a 32-bit fingerprint: one
    /// text in about 700,000 not trained on matches by chance, for 6,000 training texts).
    pub fn trained_on(&self) -> impl Fn(&str) -> bool + '_ {
        let known: Vec<u32> = self
            .text_fingerprints
            .as_bytes()
            .chunks(8)
            .filter_map(|hex| u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok())
            .collect();
        move |text| known.binary_search(&text_fingerprint(text)).is_ok()
    }
}

/// A text's fingerprint: FNV-1a of its words, lowercased, one space apart, folded to 32 bits.
pub fn text_fingerprint(text: &str) -> u32 {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.chars().flat_map(char::to_lowercase).collect())
        .collect();
    let hash = crate::data::fnv1a(words.join(" ").as_bytes());
    (hash >> 32) as u32 ^ hash as u32
}

/// The fingerprints of `texts` as [`TrainingInfo::text_fingerprints`] stores them.
pub fn text_fingerprints<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let mut all: Vec<u32> = texts.map(text_fingerprint).collect();
    all.sort_unstable();
    all.dedup();
    all.iter().map(|f| format!("{f:08x}")).collect()
}

/// A file of training-only rows (`train --extra-data`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraDataInfo {
    /// The file's name (without its directory).
    pub data_file: String,
    /// SHA-256 of its bytes.
    pub data_sha256: String,
    /// Rows read from it.
    pub rows: usize,
    /// Each row's weight in the loss.
    pub weight: f64,
}

/// The CSV columns a model was trained from (so `eval` can default to the same).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnsInfo {
    /// The text column.
    pub text: String,
    /// The label column.
    pub label: String,
    /// The target column, for per-target models.
    pub target: Option<String>,
    /// The mention offset columns (start, end).
    pub mention: Option<(String, String)>,
    /// The row filters (`column = value`).
    pub filters: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct EnvelopeIn<'a> {
    format: String,
    format_version: u32,
    sha256: String,
    #[serde(borrow)]
    body: &'a RawValue,
}

impl Model {
    /// The classifier for a target: the only one of a single model, or the target's own.
    pub fn classifier_for(&self, target: Option<&str>) -> Result<&Classifier> {
        match (&self.classifiers, target) {
            (Classifiers::Single(c), _) => Ok(c),
            (Classifiers::PerTarget(map), Some(t)) => {
                map.get(t).ok_or_else(|| Error::UnknownTarget {
                    target: t.to_string(),
                    known: map.keys().cloned().collect(),
                })
            }
            (Classifiers::PerTarget(_), None) => Err(Error::TargetNeeded),
        }
    }

    /// Class names (of the first classifier; per-target classifiers may differ).
    pub fn classes(&self) -> &[String] {
        match &self.classifiers {
            Classifiers::Single(c) => c.classes(),
            Classifiers::PerTarget(map) => map.values().next().map_or(&[], |c| c.classes()),
        }
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let body = serde_json::to_vec(self)
            .map_err(|e| Error::Data(format!("cannot serialize the model: {e}")))?;
        // The envelope is written by hand around the body's bytes (what serde_json would write
        // for `EnvelopeOut`, without parsing and copying a body of megabytes again).
        let head = format!(
            r#"{{"format":"{FORMAT}","format_version":{FORMAT_VERSION},"sha256":"{}","body":"#,
            hex(&Sha256::digest(&body))
        );
        let mut bytes = Vec::with_capacity(head.len() + body.len() + 2);
        bytes.extend_from_slice(head.as_bytes());
        bytes.extend_from_slice(&body);
        bytes.extend_from_slice(b"}\n");
        Ok(bytes)
    }

    /// Writes the model atomically: a temporary file in the same directory, flushed to disk,
    /// then renamed over `path`. On any failure the old file (if any) is left untouched and no
    /// temporary file remains.
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = self.to_bytes()?;
        write_atomically(path, &bytes)
    }

    /// Reads and checks a model file.
    pub fn load(path: &Path) -> Result<Model> {
        let size = std::fs::metadata(path)
            .map_err(|e| Error::io(path, e))?
            .len();
        if size > MAX_MODEL_BYTES {
            return Err(model_error(
                path,
                format!("is {size} bytes, more than any tonetrack model (refused before reading)"),
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Model::from_bytes(&bytes, path)
    }

    /// Checks and decodes model bytes; `origin` names them in messages.
    pub fn from_bytes(bytes: &[u8], origin: &Path) -> Result<Model> {
        let envelope: EnvelopeIn = serde_json::from_slice(bytes).map_err(|e| {
            model_error(
                origin,
                format!("is not a tonetrack model file, or it is truncated or damaged ({e})"),
            )
        })?;
        if envelope.format != FORMAT {
            return Err(model_error(
                origin,
                format!(
                    "is a `{}` file, not a `{FORMAT}` file",
                    envelope.format.escape_debug()
                ),
            ));
        }
        if envelope.format_version > FORMAT_VERSION {
            return Err(model_error(
                origin,
                format!(
                    "has format version {}, newer than this tonetrack ({} reads version {FORMAT_VERSION}); \
                     upgrade tonetrack or retrain the model",
                    envelope.format_version,
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        if envelope.format_version < OLDEST_FORMAT_VERSION {
            return Err(model_error(
                origin,
                format!(
                    "has format version {}, no longer supported; retrain the model",
                    envelope.format_version
                ),
            ));
        }
        let actual = hex(&Sha256::digest(envelope.body.get().as_bytes()));
        if actual != envelope.sha256 {
            return Err(model_error(
                origin,
                "is damaged: its checksum does not match its contents (copy it again or retrain)"
                    .into(),
            ));
        }
        serde_json::from_str(envelope.body.get())
            .map_err(|e| model_error(origin, format!("has an invalid model body: {e}")))
    }
}

fn model_error(path: &Path, message: String) -> Error {
    Error::ModelFile {
        path: path.to_path_buf(),
        message,
    }
}

pub use crate::output_file::write_atomically;

#[cfg(test)]
mod tests {
    use super::*;

    /// The envelope as serde would write it; [`Model::to_bytes`] writes it by hand.
    #[derive(Serialize)]
    struct EnvelopeOut<'a> {
        format: &'a str,
        format_version: u32,
        sha256: String,
        body: &'a RawValue,
    }

    #[test]
    fn hand_written_envelope_is_what_serde_writes() {
        let bytes =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.json")).unwrap();
        let model = Model::from_bytes(&bytes, Path::new("default.json")).unwrap();
        let body = RawValue::from_string(serde_json::to_string(&model).unwrap()).unwrap();
        let mut expected = serde_json::to_vec(&EnvelopeOut {
            format: FORMAT,
            format_version: FORMAT_VERSION,
            sha256: hex(&Sha256::digest(body.get().as_bytes())),
            body: &body,
        })
        .unwrap();
        expected.push(b'\n');
        assert!(model.to_bytes().unwrap() == expected);
        assert!(model.to_bytes().unwrap() == bytes);
    }
    use crate::model::train::{CChoice, Examples};

    const SMALL_TEXTS: [&str; 4] = [
        "useful constructive talks",
        "ready for dialogue and cooperation",
        "hostile illegal sanctions",
        "relations keep deteriorating",
    ];

    fn small_model() -> Model {
        let texts = SMALL_TEXTS;
        let labels = ["positive", "positive", "negative", "negative"];
        let examples = Examples::new(
            texts.iter().map(|t| t.to_string()).collect(),
            labels.iter().map(|l| l.to_string()).collect(),
        );
        let params = TrainParams {
            min_df: 1,
            folds: 2,
            c: CChoice::Fixed(1.0),
            ..TrainParams::default()
        };
        let (classifier, report) = params.check().unwrap().fit(examples).unwrap();
        Model {
            classifiers: Classifiers::Single(Box::new(classifier)),
            training: TrainingInfo {
                data_file: "toy.csv".into(),
                data_sha256: String::new(),
                columns: ColumnsInfo {
                    text: "text".into(),
                    label: "label".into(),
                    target: None,
                    mention: None,
                    filters: Vec::new(),
                },
                params,
                reports: [(String::new(), report)].into_iter().collect(),
                extra_data: None,
                text_fingerprints: text_fingerprints(texts.iter().copied()),
                tonetrack_version: "test".into(),
            },
        }
    }

    /// The training texts are known by their fingerprint, whatever their case and spacing;
    /// other texts are not.
    #[test]
    fn training_texts_are_known_by_their_fingerprint() {
        let model = small_model();
        let trained_on = model.training.trained_on();
        let first = SMALL_TEXTS[0];
        assert!(trained_on(first));
        assert!(trained_on(&format!("  {}\n", first.to_uppercase())));
        assert!(!trained_on("We welcome the agreement with Washington."));
        assert_eq!(
            model.training.text_fingerprints.len(),
            8 * SMALL_TEXTS.len()
        );
    }

    /// The file's bytes with the body edited by `edit` and the checksum made to match, so
    /// that validation, not the checksum, has to catch the problem.
    fn with_body(bytes: &[u8], edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
        let mut envelope: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        edit(&mut envelope["body"]);
        let body = serde_json::to_string(&envelope["body"]).unwrap();
        let sha = hex(&Sha256::digest(body.as_bytes()));
        format!(
            r#"{{"format":"{FORMAT}","format_version":{FORMAT_VERSION},"sha256":"{sha}","body":{body}}}"#
        )
        .into_bytes()
    }

    fn load_error(bytes: &[u8]) -> String {
        Model::from_bytes(bytes, Path::new("m.json"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn round_trip_is_exact() {
        let model = small_model();
        let bytes = model.to_bytes().unwrap();
        let back = Model::from_bytes(&bytes, Path::new("m.json")).unwrap();
        assert_eq!(back.to_bytes().unwrap(), bytes);
        let text = "constructive dialogue";
        let (a, b) = (
            model.classifier_for(None).unwrap().predict(text, 3),
            back.classifier_for(None).unwrap().predict(text, 3),
        );
        assert_eq!(a, b);
    }

    #[test]
    fn foreign_and_newer_files_are_refused() {
        let bytes = small_model().to_bytes().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let newer = text.replacen(
            &format!("\"format_version\":{FORMAT_VERSION}"),
            "\"format_version\":99",
            1,
        );
        assert!(load_error(newer.as_bytes()).contains("newer than this tonetrack"));
        let foreign = text.replacen(FORMAT, "other-model", 1);
        assert!(load_error(foreign.as_bytes()).contains("not a `tonetrack-model` file"));
        assert!(load_error(b"{\"a\": 1}").contains("not a tonetrack model file"));
    }

    #[test]
    fn inconsistent_shapes_and_absurd_sizes_are_refused_by_validation() {
        let bytes = small_model().to_bytes().unwrap();
        // One class name too many for the weights.
        let extra_class = with_body(&bytes, |body| {
            body["classifiers"]["single"]["classes"]
                .as_array_mut()
                .unwrap()
                .push("neutral".into());
        });
        let err = load_error(&extra_class);
        assert!(err.contains("inconsistent classifier"), "{err}");
        // A claimed feature count of 10^12 with short arrays: refused, nothing allocated.
        let absurd = with_body(&bytes, |body| {
            body["classifiers"]["single"]["model"]["n_features"] = 1_000_000_000_000u64.into();
        });
        let err = load_error(&absurd);
        assert!(err.contains("invalid model body"), "{err}");
    }
}
