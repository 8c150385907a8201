//! Fuzzes tonetrack's input parsers for a fixed time budget and reports what it tried.
//!
//! ```text
//! cargo run --release --example fuzz -- [--target reader|model|csv|all] [--seconds 60]
//!                                       [--seed 1] [--crashes fuzz/crashes]
//! ```
//!
//! Each input is a seeded mutation of a corpus entry (see `fuzz/engine.rs`); a panic or a
//! broken invariant is a finding, saved to the crashes directory and printed. Exit code 1 when
//! anything was found.

#[path = "../fuzz/engine.rs"]
mod engine;

use std::time::{Duration, Instant};

use engine::{run, Finding, Mutator, Outcome, Target};

struct Options {
    targets: Vec<Target>,
    seconds: f64,
    seed: u64,
    crashes: std::path::PathBuf,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        targets: Target::ALL.to_vec(),
        seconds: 60.0,
        seed: 1,
        crashes: std::path::PathBuf::from("fuzz/crashes"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--target" => {
                let name = value()?;
                options.targets = if name == "all" {
                    Target::ALL.to_vec()
                } else {
                    vec![Target::parse(&name).ok_or(format!("unknown target `{name}`"))?]
                };
            }
            "--seconds" => {
                options.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--seed" => options.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--crashes" => options.crashes = value()?.into(),
            _ => return Err(format!("unknown option `{flag}`")),
        }
    }
    Ok(options)
}

fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("fuzz: {message}");
            std::process::exit(2);
        }
    };
    // Findings are reported below; the default hook would print every caught panic.
    std::panic::set_hook(Box::new(|_| {}));

    let budget = Duration::from_secs_f64(options.seconds / options.targets.len() as f64);
    let mut findings: Vec<Finding> = Vec::new();
    println!(
        "{:<8} {:>10} {:>9} {:>10} {:>9} {:>10} {:>9}",
        "target", "inputs", "accepted", "refused", "seconds", "inputs/s", "findings"
    );
    for &target in &options.targets {
        let mut mutator = Mutator::new(options.seed, engine::corpus(target));
        let started = Instant::now();
        let (mut tried, mut accepted, mut refused, before) = (0u64, 0u64, 0u64, findings.len());
        while started.elapsed() < budget {
            let input = mutator.next_input(target);
            tried += 1;
            let problem = match run(target, &input) {
                Outcome::Accepted => {
                    accepted += 1;
                    continue;
                }
                Outcome::Refused => {
                    refused += 1;
                    continue;
                }
                Outcome::Broken(problem) => problem,
            };
            {
                // One finding per distinct problem.
                if !findings
                    .iter()
                    .any(|f| f.target == target && f.problem == problem)
                {
                    findings.push(Finding {
                        target,
                        input,
                        problem,
                    });
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{:<8} {:>10} {:>9} {:>10} {:>9.1} {:>10.0} {:>9}",
            target.name(),
            tried,
            accepted,
            refused,
            seconds,
            tried as f64 / seconds,
            findings.len() - before
        );
    }
    if findings.is_empty() {
        println!("no findings (seed {})", options.seed);
        return;
    }
    if let Err(e) = std::fs::create_dir_all(&options.crashes) {
        eprintln!("fuzz: cannot create {}: {e}", options.crashes.display());
    }
    for (i, finding) in findings.iter().enumerate() {
        let path = options.crashes.join(format!(
            "{}-{}-{i}.bin",
            finding.target.name(),
            options.seed
        ));
        let saved = std::fs::write(&path, &finding.input).is_ok();
        println!(
            "{}: {} ({} bytes{})",
            finding.target.name(),
            finding.problem,
            finding.input.len(),
            if saved {
                format!(", saved to {}", path.display())
            } else {
                String::new()
            }
        );
    }
    std::process::exit(1);
}
