//! A fitted tone classifier: analyzer + TF-IDF vectorizer + logistic regression weights.
//!
//! It can only be made by training ([`crate::model::train`]) or by loading a model file, so an
//! unfitted classifier cannot predict.

use std::hash::BuildHasher;
use std::ops::Range;

use hashbrown::hash_table::{Entry, HashTable};
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::article::is_collapsed;
use crate::error::{Error, Result};
use crate::features::TfidfVectorizer;
use crate::model::calibration::{Calibration, ClassRates};
use crate::model::logistic::LogisticModel;
use crate::text::filters::{is_negation, NEGATION_PREFIX};
use crate::text::{Analyzer, AnalyzerConfig, Span};

/// How many terms a prediction lists by default.
pub const DEFAULT_TOP_TERMS: usize = 5;

/// A trained classifier for one task (one target, or all data).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "ClassifierParts", into = "ClassifierParts")]
pub struct Classifier {
    analyzer: Analyzer,
    vectorizer: TfidfVectorizer,
    classes: Vec<String>,
    model: LogisticModel,
    /// Applied to the decision values before every probability (none: plain softmax).
    calibration: Option<Calibration>,
    /// How the calibrated model labels each true class, from cross-validation.
    rates: Option<ClassRates>,
    /// The classes at the two ends of tone (none: the classes have no tone).
    tone_poles: Option<TonePoles>,
}

/// Which classes are the two ends of tone: tone = P(positive pole) − P(negative pole), a
/// label's tone is +1 for the positive pole, −1 for the negative one and 0 for any other
/// class. A model file records them; files written before it did read as `positive` and
/// `negative` when the model has those classes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TonePoles {
    /// The class at tone +1.
    pub positive: String,
    /// The class at tone −1.
    pub negative: String,
}

impl Default for TonePoles {
    /// `positive` and `negative`.
    fn default() -> Self {
        TonePoles::new("positive", "negative")
    }
}

impl TonePoles {
    /// The classes at +1 and −1.
    pub fn new(positive: &str, negative: &str) -> Self {
        TonePoles {
            positive: positive.to_string(),
            negative: negative.to_string(),
        }
    }

    /// The tone of a label: +1, −1, or 0 for a class that is neither pole.
    pub fn tone_of(&self, label: &str) -> f64 {
        if label == self.positive {
            1.0
        } else if label == self.negative {
            -1.0
        } else {
            0.0
        }
    }

    /// The tone of class probabilities: P(positive) − P(negative), a missing class counting 0.
    pub fn tone_of_probabilities<'a>(
        &self,
        probabilities: impl IntoIterator<Item = (&'a str, f64)>,
    ) -> f64 {
        probabilities
            .into_iter()
            .map(|(class, p)| self.tone_of(class) * p)
            .sum()
    }

    /// The positions of the poles among `classes`; an error names a pole that is not a class.
    pub fn indices(&self, classes: &[String]) -> Result<(usize, usize)> {
        let find = |label: &str| {
            classes
                .iter()
                .position(|c| c == label)
                .ok_or_else(|| Error::UnknownLabel {
                    label: label.to_string(),
                    known: classes.to_vec(),
                })
        };
        Ok((find(&self.positive)?, find(&self.negative)?))
    }
}

/// What a model file stores of a classifier; checked when turned back into one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassifierParts {
    analyzer: AnalyzerConfig,
    classes: Vec<String>,
    vectorizer: TfidfVectorizer,
    model: LogisticModel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calibration: Option<Calibration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rates: Option<ClassRates>,
    /// Absent in files of format version 2 and older (see [`TonePoles`]).
    #[serde(default)]
    tone_poles: Option<TonePoles>,
}

impl From<Classifier> for ClassifierParts {
    fn from(c: Classifier) -> Self {
        ClassifierParts {
            analyzer: c.analyzer.config().clone(),
            classes: c.classes,
            vectorizer: c.vectorizer,
            model: c.model,
            calibration: c.calibration,
            rates: c.rates,
            tone_poles: c.tone_poles,
        }
    }
}

impl TryFrom<ClassifierParts> for Classifier {
    type Error = Error;

    fn try_from(parts: ClassifierParts) -> Result<Self> {
        let analyzer = Analyzer::new(parts.analyzer)?;
        let mut classifier =
            Classifier::new(analyzer, parts.vectorizer, parts.classes, parts.model)?;
        classifier.set_calibration(parts.calibration, parts.rates)?;
        match parts.tone_poles {
            Some(poles) => classifier.with_tone_poles(poles),
            None => Ok(classifier),
        }
    }
}

/// A phrase of the text and its share in a prediction: the summed contributions (TF-IDF
/// value × weight for a class) of every model term made from those words — the word itself,
/// its character n-grams, a negation mark, a lexicon hit — or from the phrase (a word n-gram
/// such as "dead end", a lexicon phrase such as "ready to").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermContribution {
    /// The words as written in the text (lowercased, spaces collapsed), `not …` for a word in
    /// a negation's scope.
    pub term: String,
    /// Positive pushes toward the class.
    pub contribution: f64,
}

/// The label of one text, with every class's probability and the terms behind it. Class
/// names are borrowed from the classifier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction<'a> {
    /// The most probable class.
    pub label: &'a str,
    /// `(class, probability)` for every class, in the model's class order.
    pub probabilities: Vec<(&'a str, f64)>,
    /// The phrases of the text that pushed toward `label` most, strongest first.
    pub top_terms: Vec<TermContribution>,
    /// Where the classifier's tone poles are in `probabilities` (positive, negative).
    #[serde(skip)]
    pub tone_poles: Option<(usize, usize)>,
}

impl Prediction<'_> {
    /// Probability of a class by name (0 when the model has no such class).
    pub fn probability(&self, class: &str) -> f64 {
        self.probabilities
            .iter()
            .find(|(c, _)| *c == class)
            .map_or(0.0, |(_, p)| *p)
    }

    /// Tone in [−1, 1]: P(positive pole) − P(negative pole) of the classifier's
    /// [`TonePoles`]; 0 for a classifier without them.
    pub fn tone(&self) -> f64 {
        self.tone_poles.map_or(0.0, |(p, n)| {
            self.probabilities[p].1 - self.probabilities[n].1
        })
    }
}

/// Per-phrase contributions to every class, for `explain`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation<'a> {
    /// The model's classes, the column order of `terms[i].contributions`.
    pub classes: Vec<String>,
    /// Intercept of each class.
    pub intercepts: Vec<f64>,
    /// Every phrase of the text behind a known term, by decreasing contribution to the
    /// predicted class.
    pub terms: Vec<TermExplanation>,
    /// The prediction itself.
    pub prediction: Prediction<'a>,
}

/// One phrase of an [`Explanation`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermExplanation {
    /// The phrase, as [`TermContribution::term`].
    pub term: String,
    /// The summed TF-IDF values of the terms behind it.
    pub value: f64,
    /// value × weight for each class.
    pub contributions: Vec<f64>,
}

impl Classifier {
    /// Puts fitted parts together, checking that their shapes agree.
    pub fn new(
        analyzer: Analyzer,
        vectorizer: TfidfVectorizer,
        classes: Vec<String>,
        model: LogisticModel,
    ) -> Result<Self> {
        vectorizer.validate()?;
        model.validate()?;
        let problem = if classes.len() < 2 {
            Some(format!(
                "{} class(es); at least 2 are needed",
                classes.len()
            ))
        } else if model.n_classes() != classes.len() {
            Some(format!(
                "{} classes but weights for {}",
                classes.len(),
                model.n_classes()
            ))
        } else if model.n_features() != vectorizer.n_features() {
            Some(format!(
                "{} vocabulary terms but weights for {} features",
                vectorizer.n_features(),
                model.n_features()
            ))
        } else {
            None
        };
        match problem {
            Some(p) => Err(Error::Data(format!("inconsistent classifier: {p}"))),
            None => {
                // `positive` and `negative` are the poles when the classes have them.
                let tone_poles =
                    Some(TonePoles::default()).filter(|poles| poles.indices(&classes).is_ok());
                Ok(Classifier {
                    analyzer,
                    vectorizer,
                    classes,
                    model,
                    calibration: None,
                    rates: None,
                    tone_poles,
                })
            }
        }
    }

    /// The classifier with `poles` as the ends of tone; an error when a pole is not a class.
    pub fn with_tone_poles(mut self, poles: TonePoles) -> Result<Self> {
        poles.indices(&self.classes)?;
        self.tone_poles = Some(poles);
        Ok(self)
    }

    /// The classes at the ends of tone, if the classifier has them.
    pub fn tone_poles(&self) -> Option<&TonePoles> {
        self.tone_poles.as_ref()
    }

    /// Sets the probability calibration and the class rates measured with it, checking their
    /// shapes.
    pub fn set_calibration(
        &mut self,
        calibration: Option<Calibration>,
        rates: Option<ClassRates>,
    ) -> Result<()> {
        let k = self.classes.len();
        if let Some(c) = &calibration {
            c.validate(k)
                .map_err(|e| Error::Data(format!("inconsistent classifier: {e}")))?;
        }
        if let Some(r) = &rates {
            r.validate(k)
                .map_err(|e| Error::Data(format!("inconsistent classifier: {e}")))?;
        }
        self.calibration = calibration;
        self.rates = rates;
        Ok(())
    }

    /// The probability calibration, if the model was calibrated.
    pub fn calibration(&self) -> Option<&Calibration> {
        self.calibration.as_ref()
    }

    /// How the model labels rows of each true class (from cross-validation), if measured.
    pub fn rates(&self) -> Option<&ClassRates> {
        self.rates.as_ref()
    }

    /// Class probabilities of a sparse row, calibrated when the model is.
    fn probabilities(&self, cols: &[usize], values: &[f64]) -> Vec<f64> {
        match &self.calibration {
            Some(c) => {
                let mut z = self.model.decision_row(cols, values);
                c.apply(&mut z);
                z
            }
            None => self.model.probabilities_row(cols, values),
        }
    }

    /// Class names, in the order of probabilities.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The analyzer.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The vectorizer.
    pub fn vectorizer(&self) -> &TfidfVectorizer {
        &self.vectorizer
    }

    /// The logistic regression weights.
    pub fn model(&self) -> &LogisticModel {
        &self.model
    }

    /// Sparse TF-IDF row of a text: (column, value) pairs.
    fn features(&self, text: &str) -> (Vec<usize>, Vec<f64>) {
        let row = self.vectorizer.transform_text(&self.analyzer, text);
        (row.indices, row.values)
    }

    /// Label, probabilities and the `top_terms` phrases of the text that pushed toward the
    /// label most.
    pub fn predict(&self, text: &str, top_terms: usize) -> Prediction<'_> {
        if top_terms == 0 {
            // No phrases wanted: the row alone, without the words' spans.
            let (cols, values) = self.features(text);
            return self.prediction(self.probabilities(&cols, &values), Vec::new());
        }
        let (row, occurrences) = self
            .vectorizer
            .transform_text_with_spans(&self.analyzer, text);
        let probabilities = self.probabilities(&row.indices, &row.values);
        let best = argmax(&probabilities);
        let mut phrases = self.phrases(text, &row.indices, &row.values, &occurrences);
        phrases.list.retain(|p| p.contributions[best] > 0.0);
        let top = top_phrases(phrases, best, top_terms)
            .into_iter()
            .map(|p| TermContribution {
                contribution: p.contributions[best],
                term: p.term,
            })
            .collect();
        self.prediction(probabilities, top)
    }

    fn prediction(
        &self,
        probabilities: Vec<f64>,
        top_terms: Vec<TermContribution>,
    ) -> Prediction<'_> {
        Prediction {
            label: &self.classes[argmax(&probabilities)],
            probabilities: self
                .classes
                .iter()
                .map(String::as_str)
                .zip(probabilities)
                .collect(),
            top_terms,
            tone_poles: self
                .tone_poles
                .as_ref()
                .and_then(|poles| poles.indices(&self.classes).ok()),
        }
    }

    /// The phrases of `text` behind its row: each known term occurrence's share of its
    /// column's value (a column occurring twice gives each occurrence half), times the
    /// column's weight for every class, summed per phrase as [`TermContribution`] describes.
    /// In order of first appearance.
    fn phrases(
        &self,
        text: &str,
        cols: &[usize],
        values: &[f64],
        occurrences: &[(usize, Span)],
    ) -> Phrases {
        let k = self.classes.len();
        // Each occurrence's place in the row, and how often each column occurs.
        let place: Vec<Option<usize>> = occurrences
            .iter()
            .map(|(col, _)| cols.binary_search(col).ok())
            .collect();
        let mut count = vec![0usize; cols.len()];
        for i in place.iter().flatten() {
            count[*i] += 1;
        }
        // Words in a negation's scope: those whose own term carries the mark (none without
        // negation marks).
        let negated: FxHashSet<Span> = if self.analyzer.config().negation_scope {
            occurrences
                .iter()
                .filter(|(col, _)| self.vectorizer.term(*col).starts_with(NEGATION_PREFIX))
                .map(|(_, span)| *span)
                .collect()
        } else {
            FxHashSet::default()
        };
        // A span's phrase is found once; phrases are told apart by how they read (the same
        // word at two places is one phrase): each reading is written once into `readings`,
        // and a new one is compared, through its hash, with those of the same hash.
        // Sized once: growing the maps cost more than the sums.
        let n = occurrences.len();
        let mut phrases = Phrases {
            // Room for the readings of the text's words and word pairs, and some "not "s.
            readings: String::with_capacity(2 * text.len() + 16),
            list: Vec::with_capacity(n),
        };
        let mut phrase_of_span: FxHashMap<Span, usize> =
            FxHashMap::with_capacity_and_hasher(n, Default::default());
        let mut phrase_of_reading: HashTable<usize> = HashTable::with_capacity(n);
        for (&(col, span), &i) in occurrences.iter().zip(&place) {
            let Some(i) = i else { continue };
            let value = values[i] / count[i] as f64;
            let index = *phrase_of_span.entry(span).or_insert_with(|| {
                phrases.add(
                    text,
                    span,
                    negated.contains(&span),
                    k,
                    &mut phrase_of_reading,
                )
            });
            let phrase = &mut phrases.list[index];
            phrase.value += value;
            for (class, c) in phrase.contributions.iter_mut().enumerate() {
                *c += value * self.model.weight(col, class).unwrap_or(0.0);
            }
        }
        phrases
    }

    /// Contribution of each phrase of the text to each class.
    pub fn explain(&self, text: &str) -> Explanation<'_> {
        let (row, occurrences) = self
            .vectorizer
            .transform_text_with_spans(&self.analyzer, text);
        let probabilities = self.probabilities(&row.indices, &row.values);
        let best = argmax(&probabilities);
        let phrases = self.phrases(text, &row.indices, &row.values, &occurrences);
        let terms = top_phrases(phrases, best, usize::MAX);
        let top = terms
            .iter()
            .filter(|t| t.contributions[best] > 0.0)
            .take(DEFAULT_TOP_TERMS)
            .map(|t| TermContribution {
                term: t.term.clone(),
                contribution: t.contributions[best],
            })
            .collect();
        Explanation {
            classes: self.classes.clone(),
            intercepts: self.model.intercepts().to_vec(),
            terms,
            prediction: self.prediction(probabilities, top),
        }
    }
}

/// A phrase of a text while contributions are summed: its reading (a range of
/// [`Phrases::readings`]).
struct Phrase {
    reading: Range<usize>,
    value: f64,
    contributions: Vec<f64>,
}

/// The phrases of a text, and their readings one after another.
struct Phrases {
    readings: String,
    list: Vec<Phrase>,
}

impl Phrases {
    /// The index of the phrase the words of `span` read as (a new phrase, with `classes`
    /// contributions at zero, if no other reads so): `by_reading` finds phrases by the hash
    /// of their reading.
    fn add(
        &mut self,
        text: &str,
        span: Span,
        negated: bool,
        classes: usize,
        by_reading: &mut HashTable<usize>,
    ) -> usize {
        let from = self.readings.len();
        read_phrase(text, span, negated, &mut self.readings);
        let (list, readings) = (&self.list, &self.readings);
        let reading = &readings[from..];
        let reading_of = |&i: &usize| &readings[list[i].reading.clone()];
        match by_reading.entry(
            FxBuildHasher.hash_one(reading),
            |i| reading_of(i) == reading,
            |i| FxBuildHasher.hash_one(reading_of(i)),
        ) {
            Entry::Occupied(seen) => {
                let index = *seen.get();
                self.readings.truncate(from);
                index
            }
            Entry::Vacant(slot) => {
                let index = list.len();
                slot.insert(index);
                self.list.push(Phrase {
                    reading: from..self.readings.len(),
                    value: 0.0,
                    contributions: vec![0.0; classes],
                });
                index
            }
        }
    }
}

/// The `n` phrases strongest for `class` (all of them with `usize::MAX`), written out; equal
/// contributions in the order of their readings, so the order is fixed.
fn top_phrases(phrases: Phrases, class: usize, n: usize) -> Vec<TermExplanation> {
    let Phrases {
        readings,
        list: mut phrases,
    } = phrases;
    // Copied out only past a sort by contribution: ties need the readings, and are rare.
    phrases.sort_by(|a, b| b.contributions[class].total_cmp(&a.contributions[class]));
    let mut cut = n.min(phrases.len());
    while cut < phrases.len()
        && cut > 0
        && phrases[cut].contributions[class] == phrases[cut - 1].contributions[class]
    {
        cut += 1;
    }
    let mut written: Vec<TermExplanation> = phrases
        .into_iter()
        .take(cut)
        .map(|p| TermExplanation {
            term: readings[p.reading].to_string(),
            value: p.value,
            contributions: p.contributions,
        })
        .collect();
    written.sort_by(|a, b| {
        b.contributions[class]
            .total_cmp(&a.contributions[class])
            .then_with(|| a.term.cmp(&b.term))
    });
    written.truncate(n);
    written
}

/// [`read_phrase`] into a string of its own.
#[cfg(test)]
fn phrase_label(text: &str, span: Span, negated: bool) -> String {
    let mut label = String::new();
    read_phrase(text, span, negated, &mut label);
    label
}

/// Appends how a phrase reads: the source words from the start of the first to the end of
/// the last (a span that starts inside a word, as "n't" does, is widened to the whole word),
/// lowercased, with spaces collapsed and typographic apostrophes made plain; `not …` when
/// the words are in a negation's scope and do not show the negation themselves.
fn read_phrase(text: &str, span: Span, negated: bool, out: &mut String) {
    let source = phrase_source(text, span);
    let shows_negation = || {
        source
            .split(|c: char| !c.is_alphanumeric() && !matches!(c, '\'' | '’'))
            .any(|w| is_negation(w) || ends_with_nt(w))
    };
    if negated && !shows_negation() {
        out.push_str("not ");
    }
    push_reading(source, out);
}

/// Appends how `source` reads: its words lowercased, one space apart, typographic
/// apostrophes straightened.
fn push_reading(source: &str, out: &mut String) {
    // Most phrases are ASCII words one space apart already: copied and lowercased in place,
    // not a character at a time (decoding characters was a third of the cost of top terms).
    if source.is_ascii() && is_collapsed(source) {
        let from = out.len();
        out.push_str(source);
        out[from..].make_ascii_lowercase();
        return;
    }
    push_reading_by_chars(source, out);
}

/// [`push_reading`] a character at a time, whatever the text.
fn push_reading_by_chars(source: &str, out: &mut String) {
    for (i, word) in source.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            out.extend(c.to_lowercase().map(|c| match c {
                '’' | 'ʼ' | '‘' => '\'',
                c => c,
            }));
        }
    }
}

/// The source text a phrase reads from: the words from the start of the first to the end of
/// the last, a span that starts inside a word widened to the whole word.
fn phrase_source(text: &str, span: Span) -> &str {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '\'' | '’' | '.' | '-');
    let start = span.start.min(text.len());
    // Spans nearly always start a word: an ASCII byte before them that is not a word's ends
    // the search at once.
    let start = match text.as_bytes()[..start].last() {
        Some(&b) if b.is_ascii() && !is_word(char::from(b)) => start,
        _ => text[..start]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map_or(start, |(i, _)| i),
    };
    // Widening may bring in a dash or quote mark before the first word; a final "." is the
    // word's ("U.S.").
    text.get(start..span.end)
        .unwrap_or_default()
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '\'' | '’' | 'ʼ' | '‘' | '-'))
}

/// Whether a word ends in a contracted negation ("won't", "DON’T").
fn ends_with_nt(word: &str) -> bool {
    let lower = |suffix: &str| {
        word.len() >= suffix.len()
            && word.is_char_boundary(word.len() - suffix.len())
            && word[word.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    lower("n't") || lower("n’t")
}

/// Index of the largest value; ties go to the lowest index.
pub(crate) fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A phrase copied and lowercased in place reads as it does a character at a time
        /// (ASCII controls, whitespace of every kind, apostrophes, letters whose lowercase is
        /// longer).
        #[test]
        fn a_reading_is_the_same_by_either_path(
            source in "[a-zA-Z .'\t\n\u{b}\u{c}\r\u{1c}\u{85}\u{a0}’İ-]{0,20}"
        ) {
            let (mut fast, mut slow) = (String::new(), String::new());
            push_reading(&source, &mut fast);
            push_reading_by_chars(&source, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    /// Rolling terms up into phrases loses nothing: per class, the phrases' contributions sum
    /// to the row's (every term's value × weight), on real quotations.
    #[test]
    fn phrases_share_out_the_whole_row() {
        let model = crate::score::default_model().expect("built-in model");
        let classifier = model.classifier_for(None).expect("one classifier");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes.csv");
        let mut reader = csv::Reader::from_path(path).expect("data/quotes.csv");
        for record in reader.records().take(300) {
            let text = record.expect("record")[1].to_string();
            let (row, occurrences) = classifier
                .vectorizer
                .transform_text_with_spans(&classifier.analyzer, &text);
            let (cols, values) = classifier.features(&text);
            assert_eq!((&row.indices, &row.values), (&cols, &values));
            let phrases = classifier.phrases(&text, &cols, &values, &occurrences);
            let phrases = top_phrases(phrases, 0, usize::MAX);
            for class in 0..classifier.classes().len() {
                let whole: f64 = cols
                    .iter()
                    .zip(&values)
                    .map(|(&c, &v)| v * classifier.model.weight(c, class).unwrap())
                    .sum();
                let shared: f64 = phrases.iter().map(|p| p.contributions[class]).sum();
                assert!(
                    (whole - shared).abs() < 1e-9,
                    "{text:?}: {whole} vs {shared}"
                );
            }
            // Every phrase is words of the text, not an analyzed term.
            let lower = text.to_lowercase().replace(['’', '‘'], "'");
            for p in &phrases {
                let words = p.term.strip_prefix("not ").unwrap_or(&p.term);
                let first = words.split(' ').next().unwrap();
                assert!(lower.contains(first), "{:?} not in {text:?}", p.term);
                assert!(
                    !p.term.contains('#') && !p.term.contains("NEG_"),
                    "{:?}",
                    p.term
                );
            }
        }
    }

    #[test]
    fn labels_read_as_the_text_does() {
        let text = "We won’t accept  Dead\nEnd talks, said the U.S. envoy";
        let span = |word: &str| {
            let start = text.find(word).unwrap();
            Span {
                start,
                end: start + word.len(),
            }
        };
        assert_eq!(phrase_label(text, span("accept"), true), "not accept");
        // A span from "n’t" widens to the word, which shows the negation itself.
        let nt = text.find("n’t").unwrap();
        let wont = Span {
            start: nt,
            end: span("accept").end,
        };
        assert_eq!(phrase_label(text, wont, true), "won't accept");
        let dead_end = Span {
            start: span("Dead").start,
            end: span("End").end,
        };
        assert_eq!(phrase_label(text, dead_end, false), "dead end");
        assert_eq!(phrase_label(text, span("U.S."), false), "u.s.");
        // ASCII phrases read the same, whether one space apart or not.
        let accept_dead = Span {
            start: span("accept").start,
            end: span("Dead").end,
        };
        assert_eq!(phrase_label(text, accept_dead, false), "accept dead");
        let the_envoy = Span {
            start: span("the U.S.").start,
            end: span("envoy").end,
        };
        assert_eq!(phrase_label(text, the_envoy, false), "the u.s. envoy");
    }

    #[test]
    fn top_terms_are_the_head_of_the_explanation() {
        let model = crate::score::default_model().expect("built-in model");
        let classifier = model.classifier_for(None).expect("one classifier");
        for text in [
            "the rampant hysteria in the United States leaves little opportunity for dialogue",
            "We welcome the agreement with Washington.",
            "Our relations with the U.S. are undermined.",
        ] {
            let explanation = classifier.explain(text);
            let prediction = classifier.predict(text, 3);
            assert_eq!(prediction.label, explanation.prediction.label);
            let best = classifier
                .classes()
                .iter()
                .position(|c| c == prediction.label)
                .unwrap();
            let head: Vec<&str> = explanation
                .terms
                .iter()
                .filter(|t| t.contributions[best] > 0.0)
                .take(3)
                .map(|t| t.term.as_str())
                .collect();
            let top: Vec<&str> = prediction
                .top_terms
                .iter()
                .map(|t| t.term.as_str())
                .collect();
            assert_eq!(top, head, "{text}");
        }
    }
}
