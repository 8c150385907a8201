//! tonetrack embedded in another program, through its public API only: read the articles of
//! a folder, score their quotations with the built-in model, and print each speaker's yearly
//! tone.
//!
//! ```sh
//! cargo run --release --example embed -- seeds/
//! ```

use tonetrack::article::{expand_paths_with, read_input, Loaded, Reader};
use tonetrack::score::{default_model, Scorer};
use tonetrack::trends::{aggregate, table_string, Period, TrendOptions, TrendQuote};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "seeds".to_string());
    let inputs = expand_paths_with(&[folder], |warning| eprintln!("warning: {warning}"))?;
    let reader = Reader::new();
    let model = default_model()?;
    let scorer = Scorer::new(&reader, &model)?;
    let mut quotes: Vec<TrendQuote> = Vec::new();
    for input in &inputs {
        match read_input(input)? {
            Loaded::Text {
                name, text, meta, ..
            } => {
                let (_, scored) = scorer.score_page(&name, &text, &meta, false);
                quotes.extend(scored.iter().map(TrendQuote::from));
            }
            Loaded::Skipped { name, reason } => eprintln!("{name}: skipped: {reason}"),
        }
    }
    let options = TrendOptions {
        period: Period::Year,
        ..TrendOptions::default()
    };
    let trends = aggregate(&quotes, &options)?;
    print!("{}", table_string(&trends));
    Ok(())
}
