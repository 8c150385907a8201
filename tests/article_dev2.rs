//! Quotation recall, precision and speaker accuracy on the second development set
//! (`../shared/data/articles-dev2`: 24 excerpts of U.S.–Russia, other international and U.S.
//! domestic politics, gold rows in its `quotes.csv`). Work in progress.

/// Files kept out of development, chosen before any excerpt was read: the names sorted by
/// `sha256("holdout" + name)` (name without `.txt`), the first of each topic group (dev01–11,
/// dev13–23, dev25–35), then the next name of that order not yet chosen.
const HELD_OUT: &[&str] = &["dev10", "dev13", "dev19", "dev28"];
