//! The built-in model on the seed articles (`seeds/`) against their gold tone labels
//! (`data/seeds_gold.csv`): a regression guard on what `tonetrack score seeds/` reports. The
//! seeds are in neither the training nor the test split. Run with `--nocapture` to see the
//! per-quote comparison.

use std::path::Path;

use tonetrack::article::Reader;
use tonetrack::score::{default_model, ScoredQuote, Scorer};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
const GOLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/seeds_gold.csv");

/// The gold quotes whose tone the committed model gets right: 26 of 42 (0.619; the model
/// before issue #17's retraining got 23). A retrained model changes this on purpose: check the
/// per-quote comparison (`--nocapture`) and update the count with the model.
const AGREEMENT: usize = 26;

fn ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Gold {
    id: String,
    text: String,
    label: String,
    article_id: String,
}

fn read_gold() -> Vec<Gold> {
    let mut rdr = csv::Reader::from_path(Path::new(GOLD)).expect("data/seeds_gold.csv readable");
    let headers = rdr.headers().expect("header").clone();
    let col = |n: &str| headers.iter().position(|h| h == n).expect("gold column");
    let (ii, ti, li, ai) = (col("id"), col("text"), col("label"), col("article_id"));
    rdr.records()
        .map(|rec| {
            let rec = rec.expect("gold row");
            let get = |i: usize| rec.get(i).unwrap_or("").to_string();
            Gold {
                id: get(ii),
                text: ws(&get(ti)),
                label: get(li),
                article_id: get(ai),
            }
        })
        .collect()
}

#[test]
fn built_in_model_agrees_with_gold_tone_on_the_seeds() {
    let model = default_model().expect("built-in model loads");
    let reader = Reader::new();
    let scorer = Scorer::new(&reader, &model).expect("single-classifier model");
    let gold = read_gold();
    assert!(!gold.is_empty(), "no gold rows");

    let mut scored: Vec<(String, Vec<ScoredQuote>)> = Vec::new();
    let mut found = 0;
    let mut agree = 0;
    println!(
        "{:<6} {:<9} {:<9} {:>6}  quote",
        "id", "gold", "model", "tone"
    );
    for g in &gold {
        if !scored.iter().any(|(id, _)| *id == g.article_id) {
            let path = Path::new(SEEDS).join(format!("{}.txt", g.article_id));
            let text = std::fs::read_to_string(&path).expect("seed article readable");
            let (_, quotes) = scorer.score_text(&g.article_id, &text);
            scored.push((g.article_id.clone(), quotes));
        }
        let quotes = scored
            .iter()
            .find(|(id, _)| *id == g.article_id)
            .map(|(_, q)| q)
            .expect("just scored");
        // Matched as in tests/article_seeds.rs: the extracted quote equals or contains the gold.
        let hit = quotes.iter().find(|q| {
            let e = ws(&q.record.quote);
            e == g.text || e.contains(&g.text)
        });
        let short: String = g.text.chars().take(60).collect();
        match hit {
            Some(q) => {
                found += 1;
                let ok = q.label == g.label;
                agree += usize::from(ok);
                let mark = if ok { "" } else { " ✗" };
                println!(
                    "{:<6} {:<9} {:<9} {:>+6.2}  {short}{mark}",
                    g.id, g.label, q.label, q.tone
                );
            }
            None => println!("{:<6} {:<9} {:<9} {:>6}  {short}", g.id, g.label, "-", "-"),
        }
    }
    let agreement = agree as f64 / gold.len() as f64;
    println!(
        "found {found} of {} gold quotes; tone agrees on {agree} ({agreement:.3})",
        gold.len()
    );
    assert_eq!(found, gold.len(), "every gold quote is found");
    assert_eq!(
        agree, AGREEMENT,
        "tone agrees on {agree} gold quotes, the committed model on {AGREEMENT}"
    );
}
