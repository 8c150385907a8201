//! TF-IDF with scikit-learn's semantics: `TfidfVectorizer(smooth_idf=True, norm="l2")` on
//! term lists.

use std::cell::Cell;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sprs::CsMatI;

use super::corpus::TermCorpus;
use super::term_index::{ColumnCollector, TermIndex};
use super::vocab::{self, Pruning};
use crate::text::{Analyzer, Span};
use crate::{Error, Result};

/// What [`VectorizerParams::fit`] keeps and how it weights terms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorizerParams {
    /// Keep terms found in at least this many documents.
    pub min_df: usize,
    /// Keep terms found in at most this fraction of documents (`1.0`: no limit).
    pub max_df: f64,
    /// Keep only this many terms, the most frequent over all documents.
    pub max_features: Option<usize>,
    /// Weight a term occurring `tf` times by `1 + ln(tf)` instead of `tf`.
    pub sublinear_tf: bool,
}

impl Default for VectorizerParams {
    /// `min_df` 1, `max_df` 1.0, no `max_features`, sublinear tf.
    fn default() -> Self {
        VectorizerParams {
            min_df: 1,
            max_df: 1.0,
            max_features: None,
            sublinear_tf: true,
        }
    }
}

impl VectorizerParams {
    /// Checks that the parameters can work: `max_df` in (0, 1], `max_features` not 0.
    pub fn check(&self) -> Result<()> {
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return Err(Error::InvalidParams(format!(
                "max_df = {} must be a fraction of documents in (0, 1], e.g. 0.9",
                self.max_df
            )));
        }
        if self.max_features == Some(0) {
            return Err(Error::InvalidParams(
                "max_features = 0 keeps no term: leave it unset or give a positive count".into(),
            ));
        }
        Ok(())
    }

    /// Learns the vocabulary and IDF of `docs` (one term list per document, as
    /// [`Analyzer::terms`] gives).
    ///
    /// IDF is scikit-learn's smooth IDF, `ln((1 + n) / (1 + df)) + 1` with `n` documents, as if
    /// one extra document contained every term once.
    pub fn fit(&self, docs: &[Vec<String>]) -> Result<TfidfVectorizer> {
        self.check()?;
        if docs.is_empty() {
            return Err(Error::Data(
                "no documents to fit the TF-IDF vectorizer on".into(),
            ));
        }
        let (vocabulary, dfs) = vocab::build(docs, self.pruning())?;
        self.with_dfs(vocabulary, &dfs, docs.len())
    }

    /// [`fit`](Self::fit) on the documents `rows` of an interned corpus (the training path:
    /// no string per term occurrence). Equals `fit` on those documents' term lists.
    pub fn fit_corpus(
        &self,
        corpus: &TermCorpus,
        rows: &[usize],
    ) -> Result<(TfidfVectorizer, CorpusColumns)> {
        self.check()?;
        if rows.is_empty() {
            return Err(Error::Data(
                "no documents to fit the TF-IDF vectorizer on".into(),
            ));
        }
        let kept = vocab::build_from_corpus(corpus, rows, self.pruning())?;
        // The vocabulary knows which corpus term each column is, so the columns of the corpus
        // come without looking a single term up.
        let mut columns = vec![None; corpus.n_terms()];
        for (col, &id) in kept.ids.iter().enumerate() {
            columns[id as usize] = Some(col);
        }
        let vectorizer = self.with_dfs(kept.terms, &kept.dfs, rows.len())?;
        Ok((vectorizer, CorpusColumns(columns)))
    }

    fn pruning(&self) -> Pruning {
        Pruning {
            min_df: self.min_df,
            max_df: self.max_df,
            max_features: self.max_features,
        }
    }

    fn with_dfs(
        &self,
        vocabulary: Vec<String>,
        dfs: &[usize],
        n_docs: usize,
    ) -> Result<TfidfVectorizer> {
        let n = n_docs as f64;
        let idf = dfs
            .iter()
            .map(|&df| ((1.0 + n) / (1.0 + df as f64)).ln() + 1.0)
            .collect();
        TfidfVectorizer::from_parts(vocabulary, idf, self.sublinear_tf)
    }

    /// [`fit`](Self::fit), then [`transform`](TfidfVectorizer::transform) of the same
    /// documents.
    pub fn fit_transform(&self, docs: &[Vec<String>]) -> Result<(TfidfVectorizer, Csr)> {
        let vectorizer = self.fit(docs)?;
        let matrix = vectorizer.transform(docs);
        Ok((vectorizer, matrix))
    }
}

/// One document's TF-IDF row: column indices in increasing order and their values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparseRow {
    /// Columns with a non-zero value, strictly increasing.
    pub indices: Vec<usize>,
    /// The value of each column in `indices`.
    pub values: Vec<f64>,
}

impl SparseRow {
    /// `(column, value)` pairs in column order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.indices
            .iter()
            .copied()
            .zip(self.values.iter().copied())
    }

    /// Dot product with a dense vector; columns beyond its length count as zero.
    pub fn dot(&self, dense: &[f64]) -> f64 {
        self.iter()
            .map(|(col, value)| dense.get(col).map_or(0.0, |w| w * value))
            .sum()
    }
}

/// The column of each term id of a [`TermCorpus`] in a vectorizer's vocabulary (`None` for a
/// term outside it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusColumns(Vec<Option<usize>>);

impl CorpusColumns {
    /// The column of corpus term `id`, if the vocabulary has it.
    fn get(&self, id: u32) -> Option<usize> {
        self.0[id as usize]
    }
}

/// A fitted TF-IDF vectorizer: a sorted vocabulary (the columns), the IDF of each column, and
/// whether tf is sublinear.
///
/// Serialized as `{ vocabulary, idf, sublinear_tf }` (no hash map, so the bytes are
/// deterministic); deserializing validates the parts, so a loaded vectorizer is ready to use
/// or an error.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "TfidfParts")]
pub struct TfidfVectorizer {
    vocabulary: Vec<String>,
    idf: Vec<f64>,
    sublinear_tf: bool,
    /// Term → column, built on the first lookup: training never looks terms up (the corpus
    /// gives the columns), and building it for each cross-validation fit cost more than the
    /// fit's vocabulary.
    #[serde(skip)]
    index: OnceLock<TermIndex>,
}

impl PartialEq for TfidfVectorizer {
    /// Equal parts (the index follows from the vocabulary).
    fn eq(&self, other: &Self) -> bool {
        self.vocabulary == other.vocabulary
            && self.idf == other.idf
            && self.sublinear_tf == other.sublinear_tf
    }
}

/// The serialized form of [`TfidfVectorizer`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TfidfParts {
    vocabulary: Vec<String>,
    idf: Vec<f64>,
    sublinear_tf: bool,
}

impl TryFrom<TfidfParts> for TfidfVectorizer {
    type Error = Error;
    fn try_from(parts: TfidfParts) -> Result<Self> {
        TfidfVectorizer::from_parts(parts.vocabulary, parts.idf, parts.sublinear_tf)
    }
}

impl TfidfVectorizer {
    /// Builds a vectorizer from its stored parts, checking them with
    /// [`validate`](Self::validate).
    pub fn from_parts(vocabulary: Vec<String>, idf: Vec<f64>, sublinear_tf: bool) -> Result<Self> {
        let vectorizer = TfidfVectorizer {
            vocabulary,
            idf,
            sublinear_tf,
            index: OnceLock::new(),
        };
        vectorizer.validate()?;
        Ok(vectorizer)
    }

    /// Checks the invariants a model file must keep: a non-empty, strictly sorted vocabulary,
    /// one finite IDF ≥ 1 per term (smooth IDF is never below 1).
    pub fn validate(&self) -> Result<()> {
        let invalid = |what: String| Err(Error::Data(format!("TF-IDF vectorizer: {what}")));
        if self.vocabulary.is_empty() {
            return invalid("the vocabulary is empty".into());
        }
        if let Some(i) = self.vocabulary.windows(2).position(|w| w[0] >= w[1]) {
            return invalid(format!(
                "the vocabulary is not sorted and unique at column {}: {:?} then {:?}",
                i + 1,
                self.vocabulary[i],
                self.vocabulary[i + 1]
            ));
        }
        if self.idf.len() != self.vocabulary.len() {
            return invalid(format!(
                "{} IDF values for {} terms",
                self.idf.len(),
                self.vocabulary.len()
            ));
        }
        if let Some(col) = self.idf.iter().position(|v| !(v.is_finite() && *v >= 1.0)) {
            return invalid(format!(
                "IDF of {:?} (column {col}) is {}, not a finite number >= 1",
                self.vocabulary[col], self.idf[col]
            ));
        }
        Ok(())
    }

    /// Number of columns (terms).
    pub fn n_features(&self) -> usize {
        self.vocabulary.len()
    }

    /// The term of column `col`. Panics if `col >= n_features()`.
    pub fn term(&self, col: usize) -> &str {
        &self.vocabulary[col]
    }

    /// The column of `term`, if it is in the vocabulary.
    pub fn column(&self, term: &str) -> Option<usize> {
        self.index().column(term)
    }

    fn index(&self) -> &TermIndex {
        self.index.get_or_init(|| TermIndex::new(&self.vocabulary))
    }

    /// The vocabulary, sorted: the term of each column.
    pub fn vocabulary(&self) -> &[String] {
        &self.vocabulary
    }

    /// The IDF of each column.
    pub fn idf(&self) -> &[f64] {
        &self.idf
    }

    /// Whether tf is `1 + ln(tf)`.
    pub fn sublinear_tf(&self) -> bool {
        self.sublinear_tf
    }

    /// The TF-IDF row of one document given as its terms; unknown terms are ignored.
    pub fn transform_terms(&self, terms: &[String]) -> SparseRow {
        self.row(
            &mut terms
                .iter()
                .filter_map(|t| self.column(t))
                .collect::<Vec<_>>(),
        )
    }

    /// The TF-IDF row of `text` analyzed by `analyzer` (which must be the analyzer the
    /// vocabulary was built with), without building a string per term: word n-grams are
    /// looked up by the ids of their words.
    pub fn transform_text(&self, analyzer: &Analyzer, text: &str) -> SparseRow {
        // The column buffer is reused per thread (taken out for the call, so a nested call
        // would just get a fresh one): no allocation but the row's own.
        let mut columns = COLUMNS.with(Cell::take);
        columns.clear();
        let ngrams = analyzer.config().word_ngrams;
        analyzer.analyze(
            text,
            &mut ColumnCollector::new(self.index(), ngrams, &mut columns),
        );
        let row = self.row(&mut columns);
        COLUMNS.with(|slot| slot.set(columns));
        row
    }

    /// [`transform_text`](Self::transform_text), and where each term was written: one
    /// `(column, span)` per known term occurrence, in the analyzer's order.
    pub fn transform_text_with_spans(
        &self,
        analyzer: &Analyzer,
        text: &str,
    ) -> (SparseRow, Vec<(usize, Span)>) {
        // Both buffers are reused per thread, as in `transform_text`: made afresh for every
        // quotation, they grew five times each on the way.
        let mut columns = COLUMNS.with(Cell::take);
        let mut spans = SPANS.with(Cell::take);
        columns.clear();
        spans.clear();
        let ngrams = analyzer.config().word_ngrams;
        analyzer.analyze(
            text,
            &mut ColumnCollector::new(self.index(), ngrams, &mut columns).with_spans(&mut spans),
        );
        let occurrences = columns.iter().copied().zip(spans.iter().copied()).collect();
        let row = self.row(&mut columns);
        COLUMNS.with(|slot| slot.set(columns));
        SPANS.with(|slot| slot.set(spans));
        (row, occurrences)
    }

    /// The TF-IDF matrix of `docs`: one L2-normalized row per document (all zero if none of
    /// its terms is known), columns sorted. Rows are computed in parallel; each row depends
    /// only on its document, so the result equals a serial run.
    pub fn transform(&self, docs: &[Vec<String>]) -> Csr {
        let rows: Vec<SparseRow> = docs
            .par_iter()
            .map(|doc| self.transform_terms(doc))
            .collect();
        rows_to_csr(&rows, self.n_features())
    }

    /// The TF-IDF matrix of the documents `rows` of an interned corpus, as
    /// [`transform`](Self::transform) of their term lists, given the column of each corpus
    /// term (from [`VectorizerParams::fit_corpus`] or [`corpus_columns`](Self::corpus_columns)).
    ///
    /// Rows are computed in parallel a group at a time, and each group is appended to the
    /// matrix before the next is computed: all rows as separate vectors and then the matrix
    /// would take twice the matrix's memory, which on a million documents is a gigabyte. The
    /// matrix is allocated once, for the number of known term occurrences (a bound on its
    /// non-zeros, near them on sentences): grown by doubling, it held up to twice its size.
    pub fn transform_corpus(
        &self,
        corpus: &TermCorpus,
        rows: &[usize],
        columns: &CorpusColumns,
    ) -> Csr {
        const GROUP: usize = 16 * 1024;
        let occurrences: usize = rows
            .par_iter()
            .map(|&doc| {
                let known = corpus.doc(doc).iter().filter_map(|&id| columns.get(id));
                known.count()
            })
            .sum();
        let mut matrix = CsrBuilder::new(rows.len(), occurrences);
        for group in rows.chunks(GROUP) {
            let sparse: Vec<SparseRow> = group
                .par_iter()
                .map_init(Vec::new, |doc_columns, &doc| {
                    doc_columns.clear();
                    doc_columns.extend(corpus.doc(doc).iter().filter_map(|&id| columns.get(id)));
                    self.row(doc_columns)
                })
                .collect();
            matrix.extend(&sparse);
        }
        matrix.build(self.n_features())
    }

    /// The column of every term of `corpus`, for [`transform_corpus`](Self::transform_corpus)
    /// with a vectorizer that was not fitted on it.
    pub fn corpus_columns(&self, corpus: &TermCorpus) -> CorpusColumns {
        CorpusColumns(
            (0..corpus.n_terms())
                .into_par_iter()
                .map(|id| self.column(corpus.term(id as u32)))
                .collect(),
        )
    }

    /// tf × idf, L2-normalized, from the column of every known term occurrence.
    fn row(&self, columns: &mut [usize]) -> SparseRow {
        columns.sort_unstable();
        let mut row = SparseRow {
            indices: Vec::with_capacity(columns.len()),
            values: Vec::with_capacity(columns.len()),
        };
        for run in columns.chunk_by(|a, b| a == b) {
            let col = run[0];
            let tf = run.len() as f64;
            let tf = if self.sublinear_tf { tf.ln() + 1.0 } else { tf };
            row.indices.push(col);
            row.values.push(tf * self.idf[col]);
        }
        let norm = row.values.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.values.iter_mut().for_each(|v| *v /= norm);
        }
        row
    }
}

thread_local! {
    /// The column buffer of [`TfidfVectorizer::transform_text`] and
    /// [`TfidfVectorizer::transform_text_with_spans`].
    static COLUMNS: Cell<Vec<usize>> = Cell::default();
    /// The span buffer of [`TfidfVectorizer::transform_text_with_spans`].
    static SPANS: Cell<Vec<Span>> = Cell::default();
}

/// A TF-IDF matrix: CSR with `u32` column indices and `usize` row offsets. On a million
/// documents the matrix has tens of millions of non-zeros, and `u32` indices take a third less
/// memory than `usize` ones; no vocabulary has 2³² terms.
pub type Csr = CsMatI<f64, u32, usize>;

/// A column as a matrix index.
fn to_index(col: usize) -> u32 {
    u32::try_from(col).expect("a vocabulary of fewer than 2^32 terms")
}

/// Stacks rows into a CSR matrix with `n_cols` columns.
fn rows_to_csr(rows: &[SparseRow], n_cols: usize) -> Csr {
    let nnz = rows.iter().map(|r| r.indices.len()).sum();
    let mut matrix = CsrBuilder::new(rows.len(), nnz);
    matrix.extend(rows);
    matrix.build(n_cols)
}

/// A CSR matrix built by appending rows.
struct CsrBuilder {
    indptr: Vec<usize>,
    indices: Vec<u32>,
    data: Vec<f64>,
}

impl CsrBuilder {
    /// Room for `n_rows` rows and `nnz` non-zeros.
    fn new(n_rows: usize, nnz: usize) -> Self {
        let mut indptr = Vec::with_capacity(n_rows + 1);
        indptr.push(0);
        CsrBuilder {
            indptr,
            indices: Vec::with_capacity(nnz),
            data: Vec::with_capacity(nnz),
        }
    }

    fn extend(&mut self, rows: &[SparseRow]) {
        for row in rows {
            self.indices
                .extend(row.indices.iter().map(|&col| to_index(col)));
            self.data.extend_from_slice(&row.values);
            self.indptr.push(self.indices.len());
        }
    }

    fn build(mut self, n_cols: usize) -> Csr {
        self.indices.shrink_to_fit();
        self.data.shrink_to_fit();
        // Every row's columns are sorted, unique and below n_cols by construction, so this
        // structure check cannot fail.
        Csr::new(
            (self.indptr.len() - 1, n_cols),
            self.indptr,
            self.indices,
            self.data,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::test_docs as docs;
    use crate::text::analyzer::MAX_WORD_NGRAM;
    use crate::text::{AnalyzerConfig, Tokenizer, MENTION_MARKER};
    use proptest::prelude::*;

    fn params(sublinear_tf: bool) -> VectorizerParams {
        VectorizerParams {
            sublinear_tf,
            ..VectorizerParams::default()
        }
    }

    #[test]
    fn smooth_idf_and_l2_rows_by_hand() {
        let d = docs(&["a a b", "a c"]);
        let v = params(false).fit(&d).expect("fit");
        assert_eq!(v.vocabulary(), ["a", "b", "c"]);
        let idf_b = (3.0f64 / 2.0).ln() + 1.0;
        assert_eq!(v.idf(), [1.0, idf_b, idf_b]);
        let row = v.transform_terms(&d[0]);
        let norm = (4.0 + idf_b * idf_b).sqrt();
        assert_eq!(row.indices, [0, 1]);
        assert!((row.values[0] - 2.0 / norm).abs() < 1e-15);
        assert!((row.values[1] - idf_b / norm).abs() < 1e-15);
    }

    #[test]
    fn sublinear_tf() {
        let d = docs(&["a a a b"]);
        let v = params(true).fit(&d).expect("fit");
        let row = v.transform_terms(&d[0]);
        let tf_a = 1.0 + 3.0f64.ln();
        let norm = (tf_a * tf_a + 1.0).sqrt();
        assert!((row.values[0] - tf_a / norm).abs() < 1e-15);
    }

    #[test]
    fn unknown_terms_give_an_empty_row_and_columns_are_looked_up() {
        let v = params(true).fit(&docs(&["x y"])).expect("fit");
        assert_eq!(v.transform_terms(&["z".to_string()]), SparseRow::default());
        assert_eq!(v.column("y"), Some(1));
        assert_eq!(v.term(1), "y");
        assert_eq!(v.column("z"), None);
        assert_eq!(v.n_features(), 2);
    }

    #[test]
    fn parallel_transform_equals_serial_rows() {
        let texts: Vec<String> = (0..500)
            .map(|i| format!("t{} t{} t{} common", i % 7, i % 13, i % 29))
            .collect();
        let d: Vec<Vec<String>> = texts
            .iter()
            .map(|t| t.split(' ').map(str::to_owned).collect::<Vec<_>>())
            .collect();
        let v = VectorizerParams::default().fit(&d).expect("fit");
        let m = v.transform(&d);
        assert_eq!(m.rows(), d.len());
        assert_eq!(m.cols(), v.n_features());
        for (i, doc) in d.iter().enumerate() {
            let row = v.transform_terms(doc);
            let got = m.outer_view(i).expect("row");
            let columns: Vec<usize> = got.indices().iter().map(|&c| c as usize).collect();
            assert_eq!(columns, row.indices);
            assert_eq!(got.data(), row.values.as_slice());
        }
    }

    #[test]
    fn corpus_fit_and_transform_equal_the_term_list_path() {
        let analyzer = Analyzer::new(AnalyzerConfig::default()).expect("analyzer");
        let texts: Vec<String> = (0..3000)
            .map(|i| {
                format!(
                    "Russia {} the U.S. claims about talk {} and sanction {}",
                    ["denied", "rejected", "welcomed"][i % 3],
                    i % 11,
                    i % 37
                )
            })
            .collect();
        let corpus = TermCorpus::from_texts(&analyzer, &texts);
        let lists: Vec<Vec<String>> = texts.iter().map(|t| analyzer.terms(t)).collect();
        let params = VectorizerParams {
            min_df: 2,
            max_df: 0.9,
            ..VectorizerParams::default()
        };
        // Every third row, as a CV fold would select.
        let rows: Vec<usize> = (0..texts.len()).filter(|i| i % 3 != 1).collect();
        let selected: Vec<Vec<String>> = rows.iter().map(|&i| lists[i].clone()).collect();
        let expected = params.fit(&selected).expect("fit");
        let (got, columns) = params.fit_corpus(&corpus, &rows).expect("fit_corpus");
        assert_eq!(got, expected);
        // The columns the fit gives equal those found by looking each term up.
        assert_eq!(columns, got.corpus_columns(&corpus));
        assert_eq!(
            got.transform_corpus(&corpus, &rows, &columns),
            expected.transform(&selected)
        );
        let limited = VectorizerParams {
            max_features: Some(20),
            ..params.clone()
        };
        assert_eq!(
            limited.fit_corpus(&corpus, &rows).expect("fit_corpus").0,
            limited.fit(&selected).expect("fit")
        );
        assert!(params.fit_corpus(&corpus, &[]).is_err());
    }

    /// Analyzer settings that make every kind of term: word n-grams of several ranges, stop
    /// words kept or dropped, negation marks, character n-grams, mention context.
    fn analyzer_configs() -> Vec<AnalyzerConfig> {
        let base = AnalyzerConfig::default();
        vec![
            base.clone(),
            AnalyzerConfig {
                tokenizer: Tokenizer::Sklearn,
                stop_words: false,
                stem: false,
                ..base.clone()
            },
            AnalyzerConfig {
                word_ngrams: (1, 3),
                negation_scope: true,
                ..base.clone()
            },
            AnalyzerConfig {
                word_ngrams: (2, MAX_WORD_NGRAM),
                stop_words: false,
                ..base.clone()
            },
            AnalyzerConfig {
                word_ngrams: (1, 1),
                char_ngrams: Some((2, 4)),
                negation_scope: true,
                ..base.clone()
            },
            AnalyzerConfig {
                char_ngrams: Some((3, 5)),
                mention_window: Some(2),
                ..base
            },
        ]
    }

    /// The scoring path (word n-grams looked up by word ids) gives the rows of the term-list
    /// path (n-gram strings looked up), on the quotes of `data/quotes.csv` under every kind of
    /// analyzer.
    #[test]
    fn transform_text_equals_transform_of_terms() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/quotes.csv");
        let mut reader = csv::Reader::from_path(path).expect("data/quotes.csv");
        let mut texts: Vec<String> = reader
            .records()
            .map(|r| r.expect("record")[1].to_string())
            .collect();
        texts.push(format!(
            "Lavrov said {MENTION_MARKER} did not lie, {MENTION_MARKER} said"
        ));
        texts.push(String::new());
        for config in analyzer_configs() {
            let analyzer = Analyzer::new(config.clone()).expect("analyzer");
            let docs: Vec<Vec<String>> = texts.iter().map(|t| analyzer.terms(t)).collect();
            // Fit on half the texts, so that the other half has unknown terms.
            let v = VectorizerParams::default()
                .fit(&docs[..docs.len() / 2])
                .expect("fit");
            for (text, terms) in texts.iter().zip(&docs) {
                assert_eq!(
                    v.transform_text(&analyzer, text),
                    v.transform_terms(terms),
                    "{config:?} on {text:?}"
                );
            }
        }
    }

    proptest! {
        /// The same on any text, with a vocabulary fitted on that text and a shifted copy.
        #[test]
        fn transform_text_equals_transform_of_terms_on_any_text(
            text in "(\\PC|[ .,'’-]){0,80}",
            config in 0..6usize,
        ) {
            let analyzer = Analyzer::new(analyzer_configs()[config].clone()).expect("analyzer");
            let shifted: String = text.chars().skip(3).collect();
            let docs = [analyzer.terms(&text), analyzer.terms(&shifted)];
            if let Ok(v) = VectorizerParams::default().fit(&docs[1..]) {
                prop_assert_eq!(v.transform_text(&analyzer, &text), v.transform_terms(&docs[0]));
            }
        }
    }

    #[test]
    fn serde_round_trip_rebuilds_the_index_and_is_deterministic() {
        let v = VectorizerParams::default()
            .fit(&docs(&["b a", "c a", "d"]))
            .expect("fit");
        let json = serde_json::to_string(&v).expect("serialize");
        assert!(json.starts_with("{\"vocabulary\":[\"a\",\"b\",\"c\",\"d\"],\"idf\":["));
        let back: TfidfVectorizer = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, v);
        assert_eq!(back.column("c"), Some(2));
        assert_eq!(serde_json::to_string(&back).expect("serialize"), json);
    }

    #[test]
    fn damaged_parts_are_rejected_on_load() {
        for (json, expected) in [
            (
                r#"{"vocabulary":["b","a"],"idf":[1.0,1.0],"sublinear_tf":true}"#,
                "not sorted",
            ),
            (
                r#"{"vocabulary":["a","a"],"idf":[1.0,1.0],"sublinear_tf":true}"#,
                "not sorted",
            ),
            (
                r#"{"vocabulary":["a","b"],"idf":[1.0],"sublinear_tf":true}"#,
                "1 IDF values",
            ),
            (
                r#"{"vocabulary":["a"],"idf":[0.5],"sublinear_tf":true}"#,
                "finite number",
            ),
            (r#"{"vocabulary":[],"idf":[],"sublinear_tf":true}"#, "empty"),
            (
                r#"{"vocabulary":["a"],"idf":[1.0],"sublinear_tf":true,"x":1}"#,
                "unknown field",
            ),
        ] {
            let err = serde_json::from_str::<TfidfVectorizer>(json).unwrap_err();
            assert!(err.to_string().contains(expected), "{json}: {err}");
        }
    }

    #[test]
    fn invalid_params_are_rejected() {
        let d = docs(&["a"]);
        for p in [
            VectorizerParams {
                max_df: 0.0,
                ..VectorizerParams::default()
            },
            VectorizerParams {
                max_df: 1.5,
                ..VectorizerParams::default()
            },
            VectorizerParams {
                max_df: f64::NAN,
                ..VectorizerParams::default()
            },
            VectorizerParams {
                max_features: Some(0),
                ..VectorizerParams::default()
            },
        ] {
            assert!(matches!(p.fit(&d), Err(Error::InvalidParams(_))), "{p:?}");
        }
        assert!(matches!(
            VectorizerParams::default().fit(&[]),
            Err(Error::Data(_))
        ));
    }
}
