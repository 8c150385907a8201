//! Quotations to label, and which of them to ask about next.
//!
//! A [`Candidate`] is a relevant quotation the reader found in an article (or a row of a CSV),
//! with what the labeler needs to judge it: speaker, date, title, the sentence around it. Its
//! [`id`](Candidate::id) is a hash of the article's address and the quoted words, so the same
//! quotation has the same id on every run and a resumed session skips what is labeled.
//!
//! The next batch is the quotations the current model is least sure of ([`rank`]): by margin
//! (1 − (p₁ − p₂), the gap between the two most probable classes; Scheffer et al. 2001), by
//! entropy (−Σ p ln p), or at random. [`select_batch`] then walks that order and leaves out a
//! quotation that is a near-duplicate of one already in the batch: the same speaker and a word
//! set whose Jaccard similarity to it is at least [`NEAR_DUPLICATE_JACCARD`] (outlets repeat a
//! statement with a word changed, and labeling it twice teaches the model once).

use std::path::Path;
use std::str::FromStr;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHasher;
use sha2::{Digest, Sha256};

use crate::article::{has_words, read_input, Article, Input, Loaded, Reader};
use crate::data::{hex, Columns, RowReader};
use crate::error::{Error, Result};

/// Two quotations of one speaker whose word sets have at least this Jaccard similarity
/// (|A ∩ B| / |A ∪ B|) are near-duplicates: never two of them in one batch.
pub const NEAR_DUPLICATE_JACCARD: f64 = 0.6;

/// At most this many characters of the article around a quotation are shown.
pub const CONTEXT_CHARS: usize = 600;

/// One quotation that can be labeled.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Stable id: `c` + 16 hex digits of SHA-256 of the article's address and the quoted
    /// words ([`candidate_id`]); a CSV's own `id` column when it has one.
    pub id: String,
    /// The quoted words.
    pub text: String,
    /// Canonical speaker, empty when none was found.
    pub speaker: String,
    /// ISO date of the article, empty when unknown.
    pub date: String,
    /// The article's web address (its `url:` line), else its file name.
    pub source_url: String,
    /// The article's file name (or a CSV's `article_id`/`article` column).
    pub article: String,
    /// The article's headline, empty when none.
    pub title: String,
    /// The sentence(s) of the article around the quotation (the quotation itself for a CSV
    /// row).
    pub context: String,
    /// A label the input already had (CSV rows only): simulations answer with it.
    pub known_label: Option<String>,
}

/// The stable id of a quotation: SHA-256 over the article's address and the quoted words
/// (whitespace collapsed), 16 hex digits after a `c`.
pub fn candidate_id(article: &str, text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(article.as_bytes());
    hasher.update([0u8]);
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
    }
    let digest = hex(&hasher.finalize());
    format!("c{}", &digest[..16])
}

/// How the next quotations are chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Smallest gap between the two most probable classes first.
    #[default]
    Margin,
    /// Highest entropy of the class probabilities first.
    Entropy,
    /// A seeded random order (the baseline).
    Random,
}

impl FromStr for Strategy {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "margin" => Ok(Strategy::Margin),
            "entropy" => Ok(Strategy::Entropy),
            "random" => Ok(Strategy::Random),
            other => Err(Error::InvalidParams(format!(
                "strategy {other:?} is not `margin`, `entropy` or `random`"
            ))),
        }
    }
}

impl Strategy {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Margin => "margin",
            Strategy::Entropy => "entropy",
            Strategy::Random => "random",
        }
    }
}

/// How uncertain the model is about one row of class probabilities, higher = ask sooner:
/// 1 − (p₁ − p₂) for margin, −Σ p ln p for entropy, 0 for random (whose order is shuffled).
pub fn uncertainty(strategy: Strategy, probabilities: &[f64]) -> f64 {
    match strategy {
        Strategy::Margin => {
            let (mut first, mut second) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
            for &p in probabilities {
                if p > first {
                    second = first;
                    first = p;
                } else if p > second {
                    second = p;
                }
            }
            if second.is_finite() {
                1.0 - (first - second)
            } else {
                0.0
            }
        }
        Strategy::Entropy => -probabilities
            .iter()
            .filter(|&&p| p > 0.0)
            .map(|&p| p * p.ln())
            .sum::<f64>(),
        Strategy::Random => 0.0,
    }
}

/// The rows of `pool` ordered most informative first. `probabilities` holds `k` class
/// probabilities per candidate (row-major, indexed by candidate). Ties keep the lower index
/// first; `Random` shuffles `pool` with a ChaCha8 generator seeded by `seed`.
pub fn rank(
    strategy: Strategy,
    probabilities: &[f64],
    k: usize,
    pool: &[usize],
    seed: u64,
) -> Vec<usize> {
    let mut order = pool.to_vec();
    if strategy == Strategy::Random {
        order.sort_unstable();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        return order;
    }
    let mut scored: Vec<(f64, usize)> = order
        .iter()
        .map(|&i| (uncertainty(strategy, &probabilities[i * k..(i + 1) * k]), i))
        .collect();
    scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    order.clear();
    order.extend(scored.into_iter().map(|(_, i)| i));
    order
}

/// What near-duplicate detection compares: the speaker and the set of lower-cased words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DupKey {
    speaker: String,
    /// Hashes of the distinct words, sorted.
    words: Vec<u64>,
}

impl DupKey {
    /// The key of a quotation by `speaker` (empty: nobody).
    pub fn new(speaker: &str, text: &str) -> Self {
        use std::hash::{Hash, Hasher};
        let mut words: Vec<u64> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut h = FxHasher::default();
                w.to_lowercase().hash(&mut h);
                h.finish()
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        DupKey {
            speaker: speaker.trim().to_string(),
            words,
        }
    }

    /// The key of a candidate.
    pub fn of(candidate: &Candidate) -> Self {
        DupKey::new(&candidate.speaker, &candidate.text)
    }

    /// |A ∩ B| / |A ∪ B| of the two word sets (1 for two empty sets).
    pub fn jaccard(&self, other: &DupKey) -> f64 {
        let (a, b) = (&self.words, &other.words);
        if a.is_empty() && b.is_empty() {
            return 1.0;
        }
        let (mut i, mut j, mut common) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        common as f64 / (a.len() + b.len() - common) as f64
    }

    /// Same speaker and Jaccard similarity ≥ [`NEAR_DUPLICATE_JACCARD`].
    pub fn near_duplicate(&self, other: &DupKey) -> bool {
        self.speaker == other.speaker && self.jaccard(other) >= NEAR_DUPLICATE_JACCARD
    }
}

/// The first `n` of `ranked` (candidate indices, most informative first), leaving out, when
/// `diversity` is on, any that is a near-duplicate of one already chosen. Fewer than `n` when
/// `ranked` runs out.
pub fn select_batch(ranked: &[usize], keys: &[DupKey], n: usize, diversity: bool) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::with_capacity(n);
    for &i in ranked {
        if chosen.len() == n {
            break;
        }
        if diversity && chosen.iter().any(|&j| keys[j].near_duplicate(&keys[i])) {
            continue;
        }
        chosen.push(i);
    }
    chosen
}

/// Candidates read from articles, and what was left out.
#[derive(Debug, Default)]
pub struct CandidateSet {
    /// The relevant quotations, in article and text order, each id once.
    pub candidates: Vec<Candidate>,
    /// Problems worth a warning (unreadable or binary files, articles not in English).
    pub warnings: Vec<String>,
    /// Quotations the reader found that are not about U.S.–Russia relations.
    pub irrelevant: usize,
    /// Quotations shorter than the minimum number of words.
    pub short: usize,
}

/// Reading options for [`from_articles`].
#[derive(Clone, Copy, Debug)]
pub struct ArticleOptions {
    /// Leave out quotations of fewer words (as `quotes --min-words`).
    pub min_words: usize,
    /// Read articles not in English too.
    pub any_language: bool,
}

/// The relevant quotations of articles, read by `reader`. Standard input is refused: in a
/// labeling session it carries the answers.
pub fn from_articles(
    inputs: &[Input],
    reader: &Reader,
    options: ArticleOptions,
) -> Result<CandidateSet> {
    let mut out = CandidateSet::default();
    let mut seen = std::collections::HashSet::new();
    for input in inputs {
        if matches!(input, Input::Stdin) {
            return Err(Error::InvalidParams(
                "`label` cannot read an article from standard input (`-`): the answers come \
                 from there; save the article to a file"
                    .into(),
            ));
        }
        let (name, text, meta) = match read_input(input) {
            Ok(Loaded::Text {
                name,
                text,
                warning,
                meta,
            }) => {
                out.warnings.extend(warning);
                (name, text, meta)
            }
            Ok(Loaded::Skipped { name, reason }) => {
                out.warnings.push(format!("{name}: skipped: {reason}"));
                continue;
            }
            Err(e) => {
                out.warnings.push(e.to_string());
                continue;
            }
        };
        let article = reader.read_page(&name, &text, &meta);
        if !options.any_language && !article.language.is_english() {
            out.warnings.push(format!(
                "{name}: left out: written in {} (give --lang any to read it)",
                article.language.name
            ));
            continue;
        }
        for c in article_candidates(&article, &text) {
            if !c.1 {
                out.irrelevant += 1;
            } else if !has_words(&c.0.text, options.min_words) {
                out.short += 1;
            } else if seen.insert(c.0.id.clone()) {
                out.candidates.push(c.0);
            }
        }
    }
    Ok(out)
}

/// Every quotation of an article as a candidate, with the reader's relevance.
fn article_candidates(article: &Article, text: &str) -> Vec<(Candidate, bool)> {
    let file = Path::new(&article.name).file_name().map_or_else(
        || article.name.clone(),
        |n| n.to_string_lossy().into_owned(),
    );
    let address = article.url.clone().unwrap_or_else(|| file.clone());
    article
        .quotes
        .iter()
        .map(|q| {
            let candidate = Candidate {
                id: candidate_id(&address, &q.text),
                text: q.text.clone(),
                speaker: q.speaker.clone().unwrap_or_default(),
                // A web page's banner date is too weak to write down as the quotation's
                // (trends count it as no date too).
                date: article
                    .date
                    .filter(|_| !article.date_source.is_weak())
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                source_url: address.clone(),
                article: file.clone(),
                title: article.title.clone(),
                context: context_around(text, q.start, q.end),
                known_label: None,
            };
            (candidate, q.relevant)
        })
        .collect()
}

/// The sentence(s) of `text` around the bytes `start..end`: from the end of the sentence
/// before (a `.`, `!` or `?` followed by a space, or a line break) to the end of the sentence
/// after, whitespace collapsed, at most [`CONTEXT_CHARS`] characters on either side; a
/// quotation of more than 200 characters is replaced by `…` (it is shown above the context).
pub fn context_around(text: &str, start: usize, end: usize) -> String {
    let start = floor_boundary(text, start.min(text.len()));
    let end = floor_boundary(text, end.clamp(start, text.len()));
    let before = &text[..start];
    let mut from = 0;
    for (i, c) in before.char_indices().rev() {
        if c == '\n' {
            from = i + 1;
            break;
        }
        if matches!(c, '.' | '!' | '?') && before[i + 1..].starts_with(char::is_whitespace) {
            from = i + 1;
            break;
        }
        if start - i > CONTEXT_CHARS {
            from = i;
            break;
        }
    }
    let after = &text[end..];
    let mut to = text.len();
    for (i, c) in after.char_indices() {
        if c == '\n' || i > CONTEXT_CHARS {
            to = end + i;
            break;
        }
        if matches!(c, '.' | '!' | '?') {
            let next = after[i + c.len_utf8()..].chars().next();
            // A closing quotation mark right after the full stop belongs to the sentence.
            if next.is_none_or(char::is_whitespace) {
                to = end + i + c.len_utf8();
                break;
            }
        }
    }
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if text[start..end].chars().count() <= LONG_QUOTE_CHARS {
        return collapse(&text[from..to]);
    }
    // A long quotation is on the screen already: only the words around it.
    format!(
        "{} … {}",
        collapse(&text[from..start]),
        collapse(&text[end..to])
    )
}

/// A quotation longer than this is elided (`…`) in its context.
const LONG_QUOTE_CHARS: usize = 200;

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The rows of a labeled or unlabeled CSV as candidates: column `text`, and `id`, `speaker`,
/// `date`, `source_url`, `label`, `article_id` or `article`, `title` when present. Rows whose
/// `relevant` column (when there is one) is not `yes` (in any case) are left out. A row
/// without an `id` gets [`candidate_id`] of its `source_url` and text. Fields are separated by
/// `delimiter` (`--delimiter`).
pub fn from_csv(path: &Path, delimiter: u8) -> Result<CandidateSet> {
    let mut columns = Columns::new("text", None);
    columns.keep_fields = true;
    columns.delimiter = delimiter;
    let mut reader = RowReader::open(path, &columns, false)?;
    let headers = reader.headers().to_vec();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (id, speaker, date, url, label, relevant, title) = (
        col("id"),
        col("speaker"),
        col("date"),
        col("source_url"),
        col("label"),
        col("relevant"),
        col("title"),
    );
    let article = col("article").or_else(|| col("article_id"));
    let mut out = CandidateSet::default();
    let mut seen = std::collections::HashSet::new();
    while let Some(row) = reader.next_row()? {
        let field = |i: Option<usize>| {
            i.and_then(|i| row.fields.get(i))
                .map(|f| f.trim().to_string())
                .unwrap_or_default()
        };
        if relevant.is_some() && !field(relevant).eq_ignore_ascii_case("yes") {
            out.irrelevant += 1;
            continue;
        }
        let source_url = field(url);
        let candidate_id = match field(id) {
            given if !given.is_empty() => given,
            _ => candidate_id(&source_url, &row.text),
        };
        if !seen.insert(candidate_id.clone()) {
            return Err(Error::Csv {
                path: path.to_path_buf(),
                line: row.line,
                message: format!(
                    "the id `{candidate_id}` is on an earlier row too; ids must be unique \
                     (fix the id, or remove the `id` column to have ids made from the text)"
                ),
            });
        }
        out.candidates.push(Candidate {
            id: candidate_id,
            context: row.text.clone(),
            text: row.text.clone(),
            speaker: field(speaker),
            date: field(date),
            source_url,
            article: field(article),
            title: field(title),
            known_label: Some(field(label)).filter(|l| !l.is_empty()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_and_entropy_put_the_least_sure_first() {
        // Rows: confident, split between two classes, flat.
        let probs = [0.9, 0.05, 0.05, 0.45, 0.45, 0.10, 0.34, 0.33, 0.33];
        assert_eq!(
            rank(Strategy::Margin, &probs, 3, &[0, 1, 2], 0),
            vec![1, 2, 0]
        );
        assert_eq!(
            rank(Strategy::Entropy, &probs, 3, &[0, 1, 2], 0),
            vec![2, 1, 0]
        );
        assert!((uncertainty(Strategy::Margin, &[0.45, 0.45, 0.1]) - 1.0).abs() < 1e-12);
        assert!((uncertainty(Strategy::Margin, &[0.9, 0.05, 0.05]) - 0.15).abs() < 1e-12);
        // Only the pool is ranked; ties keep index order.
        assert_eq!(
            rank(Strategy::Margin, &[0.5, 0.5, 0.5, 0.5], 2, &[1, 0], 0),
            vec![0, 1]
        );
    }

    #[test]
    fn random_order_is_seeded_and_a_permutation() {
        let pool: Vec<usize> = (0..50).collect();
        let a = rank(Strategy::Random, &[], 3, &pool, 7);
        assert_eq!(a, rank(Strategy::Random, &[], 3, &pool, 7));
        assert_ne!(a, rank(Strategy::Random, &[], 3, &pool, 8));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, pool);
    }

    #[test]
    fn near_duplicates_need_the_same_speaker_and_mostly_the_same_words() {
        let a = DupKey::new(
            "Sergey Lavrov",
            "Our relations with the U.S. are at a dead end.",
        );
        let b = DupKey::new(
            "Sergey Lavrov",
            "our relations with the US are at a dead end",
        );
        let c = DupKey::new(
            "Mike Pompeo",
            "Our relations with the U.S. are at a dead end.",
        );
        let d = DupKey::new(
            "Sergey Lavrov",
            "We are ready for dialogue on strategic stability.",
        );
        assert!(a.near_duplicate(&b), "jaccard {}", a.jaccard(&b));
        assert!(!a.near_duplicate(&c), "another speaker");
        assert!(!a.near_duplicate(&d), "other words: {}", a.jaccard(&d));
        // At the threshold: 3 of 5 distinct words shared.
        let e = DupKey::new("X", "one two three four");
        let f = DupKey::new("X", "one two three five");
        assert!((e.jaccard(&f) - 0.6).abs() < 1e-12);
        assert!(e.near_duplicate(&f));
    }

    #[test]
    fn a_batch_holds_no_two_near_duplicates() {
        let keys = vec![
            DupKey::new("A", "relations are at a dead end now"),
            DupKey::new("A", "relations are at a dead end"),
            DupKey::new("B", "relations are at a dead end"),
            DupKey::new("A", "we welcome the talks"),
        ];
        let ranked = [0, 1, 2, 3];
        assert_eq!(select_batch(&ranked, &keys, 3, true), vec![0, 2, 3]);
        assert_eq!(select_batch(&ranked, &keys, 3, false), vec![0, 1, 2]);
        assert_eq!(select_batch(&ranked, &keys, 10, true), vec![0, 2, 3]);
    }

    #[test]
    fn ids_are_stable_and_ignore_spacing() {
        let a = candidate_id("https://example.org/a", "We are  ready\nto talk");
        assert_eq!(
            a,
            candidate_id("https://example.org/a", "We are ready to talk")
        );
        assert_ne!(
            a,
            candidate_id("https://example.org/b", "We are ready to talk")
        );
        assert_eq!(a.len(), 17);
        assert!(a.starts_with('c'));
    }

    #[test]
    fn context_is_the_sentence_around_the_quotation() {
        let text = "First sentence here. He said \"we are ready\" on Monday. Next one.\nOther.";
        let start = text.find("we are").unwrap();
        let end = start + "we are ready".len();
        assert_eq!(
            context_around(text, start, end),
            "He said \"we are ready\" on Monday."
        );
        let long = format!(
            "Before. Lavrov said: \"{}\" in Moscow. After.",
            "word ".repeat(60)
        );
        let start = long.find("word").unwrap();
        let end = long.rfind("word").unwrap() + 4;
        assert_eq!(
            context_around(&long, start, end),
            "Lavrov said: \" … \" in Moscow."
        );
    }

    #[test]
    fn csv_rows_become_candidates_with_their_ids() {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes_test.csv"));
        let loaded = from_csv(path, b',').unwrap();
        assert!(loaded.candidates.len() > 1000);
        assert!(loaded.irrelevant > 0);
        let first = &loaded.candidates[0];
        assert!(!first.id.is_empty() && first.known_label.is_some());
        // Another delimiter, and `relevant` written in capitals.
        let dir = tempfile::tempdir().unwrap();
        let semi = dir.path().join("semi.csv");
        std::fs::write(
            &semi,
            "text;speaker;relevant\n\"We are ready for dialogue.\";Sergey Lavrov;Yes\n\
             \"Lunch was fine.\";Someone;no\n",
        )
        .unwrap();
        let loaded = from_csv(&semi, b';').unwrap();
        assert_eq!(loaded.candidates.len(), 1);
        assert_eq!(loaded.candidates[0].speaker, "Sergey Lavrov");
        assert_eq!(loaded.irrelevant, 1);
    }
}
