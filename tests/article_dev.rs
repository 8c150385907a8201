//! Quote recall, precision and speaker accuracy on the development articles
//! (`../shared/data/articles-dev`, gold rows in `../shared/data/quotes/train.csv`).
//! The texts are third-party: read from the shared folder, never copied into the repo.

use std::collections::BTreeMap;
use std::path::Path;

use tonetrack::article::Reader;

const DEV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/articles-dev");
const GOLD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/quotes/train.csv"
);
/// Files kept out of development to check that the rules generalise.
const HELD_OUT: &[&str] = &["art06", "art20", "art29", "art39"];

mod common;
use common::{norm, shared_present, Matches};

#[derive(Default)]
struct Tally {
    m: Matches,
    relevant_ok: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.m.add(&o.m);
        self.relevant_ok += o.relevant_ok;
    }
    fn line(&self, label: &str) -> String {
        format!(
            "{label}: {}, relevance agreement {}/{}",
            self.m.summary(),
            self.relevant_ok,
            self.m.found
        )
    }
}

#[test]
#[cfg_attr(shared_missing, ignore = "needs ../shared beside the repository")]
fn dev_articles_meet_goals() {
    if !shared_present(&[Path::new(DEV), Path::new(GOLD)]) {
        return;
    }
    let mut gold: BTreeMap<String, Vec<(String, String, bool)>> = BTreeMap::new();
    let mut rdr = csv::Reader::from_path(GOLD).expect("gold CSV readable");
    let headers = rdr.headers().expect("header").clone();
    let col = |n: &str| headers.iter().position(|h| h == n).expect("gold column");
    let (ti, si, ai, ri) = (
        col("text"),
        col("speaker"),
        col("article_id"),
        col("relevant"),
    );
    for rec in rdr.records() {
        let rec = rec.expect("gold row");
        let id = rec.get(ai).unwrap_or("").to_string();
        if !id.is_empty() {
            gold.entry(id).or_default().push((
                rec.get(ti).unwrap_or("").to_string(),
                rec.get(si).unwrap_or("").to_string(),
                rec.get(ri) == Some("yes"),
            ));
        }
    }
    let reader = Reader::new();
    let (mut dev, mut held) = (Tally::default(), Tally::default());
    for (id, rows) in &gold {
        let path = Path::new(DEV).join(format!("{id}.txt"));
        let text = std::fs::read_to_string(&path).expect("dev article readable");
        let article = reader.read(id, &text);
        let got: Vec<(String, Option<String>, bool)> = article
            .quotes
            .iter()
            .map(|q| (norm(&q.text), q.speaker.clone(), q.relevant))
            .collect();
        let mut t = Tally {
            m: Matches {
                gold: rows.len(),
                extracted: got.len(),
                ..Matches::default()
            },
            ..Tally::default()
        };
        for (gtext, gspeaker, grelevant) in rows {
            let g = norm(gtext);
            match got.iter().find(|(e, _, _)| *e == g || e.contains(&g)) {
                Some((_, speaker, relevant)) => {
                    t.m.found += 1;
                    t.relevant_ok += usize::from(relevant == grelevant);
                    if speaker.as_deref() == Some(gspeaker.as_str()) {
                        t.m.speaker_ok += 1;
                    } else {
                        eprintln!("{id}: speaker {speaker:?}, gold {gspeaker:?}: {g}");
                    }
                }
                None => eprintln!("{id}: MISSED ({gspeaker}) {g}"),
            }
        }
        for (e, speaker, _) in &got {
            let ok = rows.iter().any(|(g, _, _)| {
                let g = norm(g);
                *e == g || e.contains(&g) || g.contains(e.as_str())
            });
            if ok {
                t.m.correct += 1;
            } else {
                eprintln!("{id}: EXTRA ({speaker:?}) {e}");
            }
        }
        if HELD_OUT.contains(&id.as_str()) {
            held.add(&t);
        } else {
            dev.add(&t);
        }
    }
    let mut all = Tally::default();
    all.add(&dev);
    all.add(&held);
    eprintln!("{}", dev.line("dev (12 files)"));
    eprintln!("{}", held.line("held out (4 files)"));
    eprintln!("{}", all.line("all (16 files)"));
    assert!(all.m.recall() >= 0.97, "{}", all.line("recall below 0.97"));
    assert!(
        all.m.precision() >= 0.95,
        "{}",
        all.line("precision below 0.95")
    );
    assert!(
        all.m.speaker() >= 0.92,
        "{}",
        all.line("speaker accuracy below 0.92")
    );
}
