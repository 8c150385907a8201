//! Choosing the vocabulary: document and term counts, then scikit-learn's pruning by
//! `min_df`, `max_df` and `max_features`.

use super::corpus::TermCorpus;
use crate::{Error, Result};

/// How often a term occurs in the training documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    /// Documents containing the term.
    df: usize,
    /// Occurrences over all documents.
    total: usize,
}

/// The pruning rules of a vocabulary (checked by `VectorizerParams`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pruning {
    pub min_df: usize,
    pub max_df: f64,
    pub max_features: Option<usize>,
}

/// Picks the vocabulary of `docs` and returns its terms in sorted order with their document
/// frequencies, as scikit-learn's `CountVectorizer._count_vocab` + `_limit_features` do:
/// keep terms with `min_df <= df <= max_df * n_docs`; then, if more than `max_features`
/// remain, the `max_features` with the largest total count, ties broken by term order.
///
/// Errors when the documents have no terms at all, when `max_df` allows fewer documents than
/// `min_df` requires, or when pruning leaves nothing.
pub(crate) fn build(docs: &[Vec<String>], pruning: Pruning) -> Result<(Vec<String>, Vec<usize>)> {
    // One way of counting: term lists are interned first, as the training path's are.
    let all: Vec<usize> = (0..docs.len()).collect();
    let kept = build_from_corpus(&TermCorpus::from_term_lists(docs), &all, pruning)?;
    Ok((kept.terms, kept.dfs))
}

/// The terms [`build_from_corpus`] keeps, sorted: each with its document frequency and its id
/// in the corpus.
pub(crate) struct Kept {
    pub terms: Vec<String>,
    pub dfs: Vec<usize>,
    pub ids: Vec<u32>,
}

/// [`build`] on the documents `rows` of an interned corpus: the counts are a dense array
/// indexed by term id, so counting does no hashing and no string comparison.
pub(crate) fn build_from_corpus(
    corpus: &TermCorpus,
    rows: &[usize],
    pruning: Pruning,
) -> Result<Kept> {
    let mut counts = vec![Counts::default(); corpus.n_terms()];
    let mut ids = Vec::new();
    for &row in rows {
        ids.clear();
        ids.extend_from_slice(corpus.doc(row));
        ids.sort_unstable();
        for run in ids.chunk_by(|a, b| a == b) {
            let c = &mut counts[run[0] as usize];
            c.df += 1;
            c.total += run.len();
        }
    }
    select(&counts, corpus, rows.len(), pruning)
}

/// The pruning of [`build`] on the counts of every corpus term in `n_docs` documents.
fn select(counts: &[Counts], corpus: &TermCorpus, n_docs: usize, pruning: Pruning) -> Result<Kept> {
    if counts.iter().all(|c| c.df == 0) {
        return Err(Error::Data(format!(
            "empty vocabulary: none of the {n_docs} documents has a term; check that the texts \
             are not empty and not only stop words"
        )));
    }
    let max_doc_count = pruning.max_df * n_docs as f64;
    if max_doc_count < pruning.min_df as f64 {
        return Err(Error::InvalidParams(format!(
            "max_df = {} allows at most {max_doc_count} of {n_docs} documents, fewer than \
             min_df = {}: raise max_df or lower min_df",
            pruning.max_df, pruning.min_df
        )));
    }
    // Only the kept terms are listed: on a million documents most distinct terms occur once
    // and are pruned by min_df.
    let mut kept: Vec<(&str, u32, Counts)> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.df > 0 && c.df >= pruning.min_df && c.df as f64 <= max_doc_count)
        .map(|(id, &c)| (corpus.term(id as u32), id as u32, c))
        .collect();
    if kept.is_empty() {
        let raise_max_df = if pruning.max_df < 1.0 {
            format!(" or raise --max-df (now {})", pruning.max_df)
        } else {
            String::new()
        };
        return Err(Error::InvalidParams(format!(
            "no term is in at least --min-df {} of the {n_docs} texts trained on (with --c auto, \
             those of one cross-validation fold): give more texts, or lower --min-df{raise_max_df}",
            pruning.min_df
        )));
    }
    if let Some(limit) = pruning.max_features {
        if kept.len() > limit {
            kept.sort_unstable_by(|(a, _, ca), (b, _, cb)| cb.total.cmp(&ca.total).then(a.cmp(b)));
            kept.truncate(limit);
        }
    }
    kept.sort_unstable_by_key(|(term, _, _)| *term);
    let mut out = Kept {
        terms: Vec::with_capacity(kept.len()),
        dfs: Vec::with_capacity(kept.len()),
        ids: Vec::with_capacity(kept.len()),
    };
    for (term, id, c) in kept {
        out.terms.push(term.to_owned());
        out.dfs.push(c.df);
        out.ids.push(id);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::test_docs as docs;

    fn prune(min_df: usize, max_df: f64, max_features: Option<usize>) -> Pruning {
        Pruning {
            min_df,
            max_df,
            max_features,
        }
    }

    #[test]
    fn counts_documents_not_occurrences() {
        let d = docs(&["b a a", "a c", "c c c"]);
        let (terms, dfs) = build(&d, prune(1, 1.0, None)).expect("vocabulary");
        assert_eq!(terms, ["a", "b", "c"]);
        assert_eq!(dfs, [2, 1, 2]);
    }

    #[test]
    fn min_df_and_max_df() {
        let d = docs(&["a b c", "a b", "a d", "a"]);
        // df: a 4, b 2, c 1, d 1. max_df 0.5 → df <= 2; min_df 2 → df >= 2.
        let (terms, _) = build(&d, prune(2, 0.5, None)).expect("vocabulary");
        assert_eq!(terms, ["b"]);
    }

    #[test]
    fn max_features_keeps_most_frequent_ties_by_term() {
        // totals: x 3, a 2, b 2, c 1.
        let d = docs(&["x x b", "x a c", "a b"]);
        let (terms, _) = build(&d, prune(1, 1.0, Some(2))).expect("vocabulary");
        assert_eq!(terms, ["a", "x"]);
    }

    #[test]
    fn errors_say_what_to_change() {
        let empty = build(&docs(&["", ""]), prune(1, 1.0, None)).unwrap_err();
        assert!(empty.to_string().contains("empty vocabulary"), "{empty}");
        let pruned = build(&docs(&["a", "b"]), prune(2, 1.0, None)).unwrap_err();
        assert!(pruned.to_string().contains("lower --min-df"), "{pruned}");
        assert!(!pruned.to_string().contains("max-df"), "{pruned}");
        let pruned = build(&docs(&["a", "a", "a", "b"]), prune(2, 0.5, None)).unwrap_err();
        assert!(pruned.to_string().contains("raise --max-df"), "{pruned}");
        let crossed = build(&docs(&["a", "a b"]), prune(2, 0.5, None)).unwrap_err();
        assert!(
            crossed.to_string().contains("fewer than min_df"),
            "{crossed}"
        );
    }
}
