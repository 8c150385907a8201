//! tonetrack: who said what about U.S.–Russia relations, and in what tone.
//!
//! The data flows one way, and the modules follow it:
//! [`text`] (tokenizer → filters → n-grams) → [`features`] (vocabulary, IDF, sparse rows) →
//! [`model`] (sparse multinomial logistic regression, model file) → [`article`] (quotes,
//! speakers, dates, relevance) → [`score`] → [`trends`]; [`label`] closes the loop: it asks a
//! person about the quotations the model is least sure of and refits on the answers.

pub mod article;
pub mod data;
pub mod error;
pub mod eval;
pub mod features;
pub mod label;
pub mod model;
pub mod score;
pub mod text;
pub mod trends;

pub use error::{Error, Result};
