//! Analyzed documents as term ids: every distinct term is stored once, each document is a run
//! of `u32` ids. This is the training path's representation: a `Vec<Vec<String>>` holds one
//! heap string per term occurrence (tens of millions on a million sentences), this holds one
//! per distinct term.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use crate::text::Analyzer;

/// Documents analyzed per rayon task: about four blocks per thread, of this many documents at
/// most (large enough that the per-block term table pays off, as news text repeats its words;
/// a large input is many blocks)...
const MAX_BLOCK: usize = 2048;
/// ... and of this many at least: below it, a block's term table and its merge cost more than
/// spreading the work saves (an input of fewer documents is one block).
const MIN_BLOCK: usize = 256;

/// Analyzed documents: the term ids of document `i` are `ids[indptr[i]..indptr[i + 1]]`, in
/// the order [`Analyzer::for_each_term`] emits them; `terms` holds the term of each id.
///
/// Ids are given in order of first occurrence, so building a corpus is deterministic whatever
/// the number of threads; the vocabulary built from it is sorted by term anyway.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermCorpus {
    terms: Terms,
    indptr: Vec<usize>,
    ids: Vec<u32>,
}

/// Distinct terms, all in one buffer: term `id` is `text[ends[id - 1]..ends[id]]`. One
/// allocation for millions of terms, where a `Box<str>` each costs a heap block apiece.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Terms {
    text: String,
    ends: Vec<usize>,
}

impl Terms {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.text[start..self.ends[id]]
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|id| self.get(id as u32))
    }
}

/// Gives each distinct term an id, in order of first occurrence. The table holds ids only;
/// the strings are looked up in `terms`, so a term is stored once and a lookup allocates
/// nothing.
#[derive(Default)]
struct Interner {
    terms: Terms,
    table: HashTable<u32>,
}

impl Interner {
    /// The id of `term`, given the next id if it is new.
    fn intern(&mut self, term: &str) -> u32 {
        let hash = FxBuildHasher.hash_one(term);
        let Interner { terms, table } = self;
        if let Some(&id) = table.find(hash, |&id| terms.get(id) == term) {
            return id;
        }
        let id = to_id(terms.len());
        terms.text.push_str(term);
        terms.ends.push(terms.text.len());
        table.insert_unique(hash, id, |&id| FxBuildHasher.hash_one(terms.get(id)));
        id
    }
}

/// One block of documents with block-local term ids.
struct Block {
    terms: Terms,
    lens: Vec<usize>,
    ids: Vec<u32>,
}

impl Block {
    fn analyze<S: AsRef<str>>(analyzer: &Analyzer, texts: &[S]) -> Block {
        let mut local = Interner::default();
        let mut lens = Vec::with_capacity(texts.len());
        let mut ids = Vec::new();
        for text in texts {
            let before = ids.len();
            analyzer.for_each_term(text.as_ref(), |term| ids.push(local.intern(term)));
            lens.push(ids.len() - before);
        }
        Block {
            terms: local.terms,
            lens,
            ids,
        }
    }
}

/// A corpus being built: blocks are merged into it in order.
struct Builder {
    interner: Interner,
    indptr: Vec<usize>,
    ids: Vec<u32>,
}

impl Builder {
    /// Appends the blocks' documents, giving their terms global ids: a term's id is that of
    /// its first occurrence in block order.
    fn merge(&mut self, blocks: Vec<Block>) {
        // Exact sizes: on a million documents the ids are hundreds of megabytes, and
        // doubling would leave up to half of that unused.
        self.ids
            .reserve_exact(blocks.iter().map(|b| b.ids.len()).sum());
        self.indptr
            .reserve_exact(blocks.iter().map(|b| b.lens.len()).sum());
        for block in blocks {
            let remap: Vec<u32> = block
                .terms
                .iter()
                .map(|term| self.interner.intern(term))
                .collect();
            let mut at = 0;
            for len in block.lens {
                self.ids
                    .extend(block.ids[at..at + len].iter().map(|&id| remap[id as usize]));
                at += len;
                self.indptr.push(self.ids.len());
            }
        }
    }
}

impl TermCorpus {
    /// Analyzes `texts` in parallel (blocks of documents on the rayon pool) and interns their
    /// terms. The analyzer's `&str` terms are looked up in a per-block table without
    /// allocating; the blocks are then merged in order.
    ///
    /// Blocks are analyzed a few at a time, and a group is merged while the next one is
    /// analyzed: the merge is serial, and this way it overlaps the analysis instead of
    /// following it, and only two groups of blocks are ever held at once.
    pub fn from_texts<S: AsRef<str> + Sync>(analyzer: &Analyzer, texts: &[S]) -> Self {
        let mut builder = Builder {
            interner: Interner::default(),
            indptr: vec![0],
            ids: Vec::new(),
        };
        // Neither the blocks nor their grouping change the ids (blocks are merged in order,
        // so ids follow the first occurrences either way), so both may follow the number of
        // threads. Several blocks per thread: the merge of a group overlaps the analysis of
        // the next, and the last merge, which nothing overlaps, stays small.
        let threads = rayon::current_num_threads().max(1);
        let block = (texts.len() / (4 * threads)).clamp(MIN_BLOCK, MAX_BLOCK);
        let group = block * threads;
        let mut analyzed: Vec<Block> = Vec::new();
        for texts in texts.chunks(group) {
            let pending = std::mem::take(&mut analyzed);
            let (next, ()) = rayon::join(
                || {
                    texts
                        .par_chunks(block)
                        .map(|chunk| Block::analyze(analyzer, chunk))
                        .collect()
                },
                || builder.merge(pending),
            );
            analyzed = next;
        }
        builder.merge(analyzed);
        let mut terms = builder.interner.terms;
        terms.text.shrink_to_fit();
        terms.ends.shrink_to_fit();
        TermCorpus {
            terms,
            indptr: builder.indptr,
            ids: builder.ids,
        }
    }

    /// From term lists (tests and callers that already hold strings).
    pub fn from_term_lists(docs: &[Vec<String>]) -> Self {
        let mut interner = Interner::default();
        let mut indptr = vec![0];
        let mut ids = Vec::new();
        for doc in docs {
            ids.extend(doc.iter().map(|term| interner.intern(term)));
            indptr.push(ids.len());
        }
        TermCorpus {
            terms: interner.terms,
            indptr,
            ids,
        }
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
        self.terms.get(id)
    }

    /// Frees the term strings and keeps the documents as ids, for when the vocabulary has been
    /// chosen and only the ids are read (on a million documents the strings of every distinct
    /// term, most of them pruned, are a few hundred megabytes). [`term`](Self::term) panics
    /// and [`n_terms`](Self::n_terms) is 0 afterwards.
    pub fn drop_terms(&mut self) {
        self.terms = Terms::default();
    }

    /// The terms of document `doc`, as strings.
    pub fn doc_terms(&self, doc: usize) -> impl Iterator<Item = &str> {
        self.doc(doc).iter().map(|&id| self.term(id))
    }
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
