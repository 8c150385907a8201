//! A fixed, seeded slice of the fuzzer (`examples/fuzz.rs`) in every test run, so that a
//! regression on inputs like the ones fuzzing found shows up in CI. Long runs: see the README
//! (Fuzzing).

// The example uses the parts this test does not (targets by name, findings).
#[allow(dead_code)]
#[path = "../fuzz/engine.rs"]
mod engine;

use engine::{run, Mutator, Outcome, Target};

/// Runs `inputs` mutated inputs; returns how many were accepted.
fn fuzz(target: Target, inputs: usize) -> usize {
    let mut mutator = Mutator::new(7, engine::corpus(target));
    let mut accepted = 0;
    for i in 0..inputs {
        let input = mutator.next_input(target);
        if let Outcome::Broken(problem) = run(target, &input) {
            panic!(
                "{} input {i} ({} bytes): {problem}\n{:?}",
                target.name(),
                input.len(),
                String::from_utf8_lossy(&input)
            );
        }
        accepted += usize::from(run(target, &input) == Outcome::Accepted);
    }
    accepted
}

#[test]
fn reader_survives_mutated_articles() {
    // Every article decodes to something readable (binary ones are refused).
    let accepted = fuzz(Target::Reader, 1500);
    assert!(accepted > 1000, "{accepted}");
}

#[test]
fn model_loader_survives_mutated_model_files() {
    // Some mutations keep the model valid (a changed weight, with the checksum repaired), so
    // the fuzzer reaches the predictions of loaded models, not just the refusals.
    let accepted = fuzz(Target::Model, 3000);
    assert!(accepted > 30, "{accepted}");
}

#[test]
fn csv_loader_survives_mutated_csv_files() {
    let accepted = fuzz(Target::Csv, 5000);
    assert!(accepted > 100, "{accepted}");
}

#[test]
fn repairing_the_checksum_makes_an_edited_body_load() {
    let model = engine::small_models().remove(0);
    let text = String::from_utf8(model).unwrap();
    let edited = text.replacen("\"iterations\":", "\"iterations\":1", 1);
    assert_ne!(edited, text);
    assert_eq!(run_model(edited.as_bytes()), Outcome::Accepted);
    assert!(tonetrack::model::Model::from_bytes(edited.as_bytes(), "x".as_ref()).is_err());
}

fn run_model(input: &[u8]) -> Outcome {
    run(Target::Model, input)
}
