//! Active learning: labeling the quotations the model is least sure of, in the training
//! format, with the model refit as the labels come in.
//!
//! [`candidates`] finds the quotations (from articles or a CSV) and chooses which to ask about
//! ([`candidates::rank`] by margin, entropy or at random; [`candidates::select_batch`] with no
//! two near-duplicates in a batch); [`answers`] is the answers file (one record per answer,
//! flushed to disk; resumable; a line cut short by a crash is detected); [`refit`] refits on
//! base data + answers in a background thread; [`session`] is the state machine that ties
//! them (show, answer, skip, back, quit); [`card`] lays a quotation out as text for a
//! terminal. The command-line tool adds only the terminal.

pub mod answers;
pub mod candidates;
pub mod card;
pub mod refit;
pub mod session;

pub use answers::{Answer, AnswersFile};
pub use candidates::{Candidate, Strategy};
pub use refit::{BaseRows, BaseSource, Learner};
pub use session::{Key, Outcome, Session, SessionOptions};

/// The labeling guide (`data/LABELING.md`), shown by the `?` key.
pub const GUIDE: &str = include_str!("../../data/LABELING.md");
