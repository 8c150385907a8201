//! Analyzed documents as term ids: every distinct term is stored once, each document is a run
//! of `u32` ids. This is the training path's representation: a `Vec<Vec<String>>` holds one
//! heap string per term occurrence (tens of millions on a million sentences), this holds one
//! per distinct term.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::text::Analyzer;

/// Documents analyzed per rayon task: large enough that the per-block term table pays off
/// (news text repeats its words), small enough to spread over the cores. Fixed, so the ids do
/// not depend on the number of threads.
const BLOCK: usize = 2048;

/// Analyzed documents: the term ids of document `i` are `ids[indptr[i]..indptr[i + 1]]`, in
/// the order [`Analyzer::for_each_term`] emits them; `terms[id]` is the term.
///
/// Ids are given in order of first occurrence, so building a corpus is deterministic whatever
/// the number of threads; the vocabulary built from it is sorted by term anyway.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermCorpus {
    terms: Vec<Box<str>>,
    indptr: Vec<usize>,
    ids: Vec<u32>,
}

/// One block's terms with block-local ids.
struct Block {
    terms: Vec<Box<str>>,
    lens: Vec<usize>,
    ids: Vec<u32>,
}

impl TermCorpus {
    /// Analyzes `texts` in parallel (blocks of documents on the rayon pool) and interns their
    /// terms. The analyzer's `&str` terms are looked up in a per-block map without allocating;
    /// only a term new to the block is copied.
    pub fn from_texts<S: AsRef<str> + Sync>(analyzer: &Analyzer, texts: &[S]) -> Self {
        let blocks: Vec<Block> = texts
            .par_chunks(BLOCK)
            .map(|chunk| {
                // Each new term is copied once, as the key; the id → term table is made
                // from the keys at the end of the block.
                let mut local: FxHashMap<Box<str>, u32> = FxHashMap::default();
                let mut lens = Vec::with_capacity(chunk.len());
                let mut ids = Vec::new();
                for text in chunk {
                    let before = ids.len();
                    analyzer.for_each_term(text.as_ref(), |term| {
                        let id = match local.get(term) {
                            Some(&id) => id,
                            None => {
                                let id = to_id(local.len());
                                local.insert(term.into(), id);
                                id
                            }
                        };
                        ids.push(id);
                    });
                    lens.push(ids.len() - before);
                }
                Block {
                    terms: by_id(local),
                    lens,
                    ids,
                }
            })
            .collect();
        // Merge in block order: the global id of a term is its first occurrence's.
        // Sized for the largest possible count (no term shared between blocks), so that the
        // table never grows and rehashes while it is filled.
        let mut global: FxHashMap<Box<str>, u32> = FxHashMap::with_capacity_and_hasher(
            blocks.iter().map(|b| b.terms.len()).sum(),
            Default::default(),
        );
        let mut corpus = TermCorpus {
            terms: Vec::new(),
            indptr: Vec::with_capacity(texts.len() + 1),
            ids: Vec::with_capacity(blocks.iter().map(|b| b.ids.len()).sum()),
        };
        corpus.indptr.push(0);
        for block in blocks {
            let remap: Vec<u32> = block
                .terms
                .into_iter()
                .map(|term| {
                    let next = to_id(global.len());
                    *global.entry(term).or_insert(next)
                })
                .collect();
            let mut at = 0;
            for len in block.lens {
                corpus
                    .ids
                    .extend(block.ids[at..at + len].iter().map(|&id| remap[id as usize]));
                at += len;
                corpus.indptr.push(corpus.ids.len());
            }
        }
        corpus.terms = by_id(global);
        corpus
    }

    /// From term lists (tests and callers that already hold strings).
    pub fn from_term_lists(docs: &[Vec<String>]) -> Self {
        let mut global: FxHashMap<&str, u32> = FxHashMap::default();
        let mut corpus = TermCorpus::default();
        corpus.indptr.push(0);
        for doc in docs {
            for term in doc {
                let id = *global.entry(term).or_insert_with(|| {
                    corpus.terms.push(term.as_str().into());
                    to_id(corpus.terms.len() - 1)
                });
                corpus.ids.push(id);
            }
            corpus.indptr.push(corpus.ids.len());
        }
        corpus
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    /// No documents.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The term ids of document `doc`, in analyzer order. Panics if `doc >= len()`.
    pub fn doc(&self, doc: usize) -> &[u32] {
        &self.ids[self.indptr[doc]..self.indptr[doc + 1]]
    }

    /// Number of distinct terms.
    pub fn n_terms(&self) -> usize {
        self.terms.len()
    }

    /// The term of an id. Panics if `id >= n_terms()`.
    pub fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    /// The terms of document `doc`, as strings.
    pub fn doc_terms(&self, doc: usize) -> impl Iterator<Item = &str> {
        self.doc(doc).iter().map(|&id| self.term(id))
    }
}

/// The terms of a term → id map with ids `0..n`, in id order (moved, not copied).
fn by_id(map: FxHashMap<Box<str>, u32>) -> Vec<Box<str>> {
    let mut terms: Vec<Box<str>> = vec![Box::default(); map.len()];
    for (term, id) in map {
        terms[id as usize] = term;
    }
    terms
}

/// Ids are `u32` to halve the size of the corpus; four billion distinct terms is far beyond
/// any corpus that fits in memory.
fn to_id(n: usize) -> u32 {
    u32::try_from(n).expect("more than 2^32 distinct terms")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::AnalyzerConfig;

    #[test]
    fn terms_round_trip_in_analyzer_order_for_any_thread_count() {
        let analyzer = Analyzer::new(AnalyzerConfig::default()).expect("analyzer");
        let texts: Vec<String> = (0..5000)
            .map(|i| {
                format!(
                    "Russia said talks {} went well, U.S. officials {}",
                    i % 17,
                    i % 5
                )
            })
            .collect();
        let corpus = TermCorpus::from_texts(&analyzer, &texts);
        assert_eq!(corpus.len(), texts.len());
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(
                corpus.doc_terms(i).collect::<Vec<_>>(),
                analyzer.terms(text),
                "{text}"
            );
        }
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        assert_eq!(
            one.install(|| TermCorpus::from_texts(&analyzer, &texts)),
            corpus
        );
        let lists: Vec<Vec<String>> = texts.iter().map(|t| analyzer.terms(t)).collect();
        assert_eq!(TermCorpus::from_term_lists(&lists), corpus);
    }
}
