//! Sparse multinomial logistic regression: the objective and optimizer ([`logistic`]).

pub mod logistic;
