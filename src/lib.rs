#![warn(missing_docs)]
//! tonetrack: who said what about U.S.–Russia relations, and in what tone.
//!
//! The data flows one way, and the modules follow it:
//! [`text`] (tokenizer → filters → n-grams) → [`features`] (vocabulary, IDF, sparse rows) →
//! [`model`] (sparse multinomial logistic regression, model file) → [`article`] (quotes,
//! speakers, dates, relevance) → [`score`] → [`trends`]; [`label`] closes the loop: it asks a
//! person about the quotations the model is least sure of and refits on the answers.
//! [`predict`] puts the model to texts, or to the rows of a table, without the reader.
//!
//! One quotation is one record on its way: the reader's [`article::QuoteRecord`] (what
//! `tonetrack quotes` writes), the same record with its tone as a [`score::ScoredQuote`]
//! (what `tonetrack score` writes), and the few fields aggregation needs as a
//! [`trends::TrendQuote`].
//!
//! # From an article to a speaker's trend
//!
//! Read an article, score its quotations with the built-in model, and aggregate the tones per
//! speaker and period (the command line's `tonetrack trends` does the same for many
//! articles):
//!
//! ```
//! use tonetrack::article::Reader;
//! use tonetrack::score::{default_model, Scorer};
//! use tonetrack::trends::{aggregate, Period, TrendOptions, TrendQuote};
//!
//! let text = "Lavrov and Pompeo meet in Washington\n\n\
//!     WASHINGTON, Dec. 10, 2019 — The two ministers met on Tuesday.\n\n\
//!     \"We are ready to restore our dialogue with the United States in every area,\" \
//!     Russian Foreign Minister Sergey Lavrov said.\n\n\
//!     \"Russia's interference in our elections is unacceptable and the sanctions will \
//!     remain,\" U.S. Secretary of State Mike Pompeo said.\n";
//! let reader = Reader::new();
//! let model = default_model()?;
//! let scorer = Scorer::new(&reader, &model)?;
//! let (article, scored) = scorer.score_text("washington.txt", text);
//! assert_eq!(article.date.map(|d| d.to_string()).as_deref(), Some("2019-12-10"));
//! let lavrov = scored.iter().find(|q| q.record.speaker.as_deref() == Some("Sergey Lavrov"));
//! assert!(lavrov.expect("Lavrov's quotation").tone > 0.5);
//! let pompeo = scored.iter().find(|q| q.record.speaker.as_deref() == Some("Mike Pompeo"));
//! assert!(pompeo.expect("Pompeo's quotation").tone < -0.5);
//!
//! let quotes: Vec<TrendQuote> = scored.iter().map(TrendQuote::from).collect();
//! let options = TrendOptions { period: Period::Year, ..TrendOptions::default() };
//! let trends = aggregate(&quotes, &options)?;
//! let speakers: Vec<&str> = trends.speakers.iter().map(|s| s.speaker.as_str()).collect();
//! assert!(speakers.contains(&"Sergey Lavrov") && speakers.contains(&"Mike Pompeo"));
//! assert_eq!(trends.speakers[0].periods[0].period, "2019");
//! # Ok::<(), tonetrack::Error>(())
//! ```

pub mod article;
pub mod data;
pub mod error;
pub mod eval;
pub mod features;
pub mod label;
pub mod model;
pub mod output_file;
pub mod predict;
pub mod score;
pub mod table;
pub mod text;
pub mod text_table;
pub mod trends;

pub use error::{Error, Result};
