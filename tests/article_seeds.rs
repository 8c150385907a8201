//! The seed articles (`seeds/`) against their gold quotations (`data/seeds_gold.csv`):
//! every gold quotation is found with the right speaker, and dates come from the right place.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use tonetrack::article::{Article, DateSource, Reader};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
const GOLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/seeds_gold.csv");

fn ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_seeds() -> BTreeMap<String, (String, Article)> {
    let reader = Reader::new();
    let mut out = BTreeMap::new();
    let mut paths: Vec<_> = std::fs::read_dir(SEEDS)
        .expect("seeds/ exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    for p in paths {
        let id = p
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name")
            .to_string();
        let text = std::fs::read_to_string(&p).expect("seed readable");
        let article = reader.read(&id, &text);
        out.insert(id, (text, article));
    }
    out
}

#[test]
fn every_gold_quote_is_found_with_its_speaker() {
    let seeds = read_seeds();
    let mut rdr = csv::Reader::from_path(Path::new(GOLD)).expect("data/seeds_gold.csv readable");
    let headers = rdr.headers().expect("header").clone();
    let col = |n: &str| headers.iter().position(|h| h == n).expect("gold column");
    let (ti, si, ai) = (col("text"), col("speaker"), col("article_id"));
    let mut failures = Vec::new();
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.expect("gold row");
        rows += 1;
        let (gtext, gspeaker, id) = (
            ws(rec.get(ti).unwrap_or("")),
            rec.get(si).unwrap_or(""),
            rec.get(ai).unwrap_or(""),
        );
        let (_, article) = seeds.get(id).unwrap_or_else(|| panic!("seed {id} missing"));
        match article.quotes.iter().find(|q| {
            let e = ws(&q.text);
            e == gtext || e.contains(&gtext)
        }) {
            Some(q) if q.speaker.as_deref() == Some(gspeaker) => {}
            Some(q) => failures.push(format!(
                "{id}: speaker {:?}, gold {gspeaker}: {gtext}",
                q.speaker
            )),
            None => failures.push(format!("{id}: missed ({gspeaker}) {gtext}")),
        }
    }
    assert!(rows >= 30, "gold file has {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} gold quotes wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn quotes_are_ordered_disjoint_and_match_their_offsets() {
    for (id, (text, article)) in read_seeds() {
        let mut last_end = 0;
        for q in &article.quotes {
            assert!(
                q.start >= last_end && q.start < q.end && q.end <= text.len(),
                "{id}: {q:?}"
            );
            last_end = q.end;
            let span = ws(&text[q.start..q.end]);
            assert!(
                span.ends_with(q.text.split(' ').next_back().unwrap_or("")),
                "{id}: {q:?}"
            );
            assert!(
                span.starts_with(q.text.split(' ').next().unwrap_or("")),
                "{id}: {q:?}"
            );
        }
    }
}

#[test]
fn seed_dates_and_their_sources() {
    let seeds = read_seeds();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
    let want = [
        ("000_2883c3e9d1bf4ca2", d(2019, 9, 5), DateSource::Dateline),
        ("001_e72f4309ebf72042", d(2017, 6, 23), DateSource::Dateline),
        ("002_76ecafdd9f232f66", None, DateSource::None),
        ("003_f38ea1a3e7ea9938", d(2019, 12, 12), DateSource::Header),
        ("004_79f4ceb608879352", d(2024, 6, 24), DateSource::Banner),
    ];
    for (id, date, source) in want {
        let (_, a) = &seeds[id];
        assert_eq!((a.date, a.date_source), (date, source), "{id}");
    }
    assert!(seeds["004_79f4ceb608879352"]
        .1
        .title
        .starts_with("Russia says"));
    assert!(seeds["000_2883c3e9d1bf4ca2"]
        .1
        .title
        .starts_with("Lavrov Says"));
}

#[test]
fn records_carry_the_flat_fields() {
    let seeds = read_seeds();
    let (_, a) = &seeds["003_f38ea1a3e7ea9938"];
    let recs = a.records();
    assert_eq!(recs.len(), a.quotes.len());
    // `quotes` writes the record's fields, its CSV columns, as `score` does before the tone.
    let columns = tonetrack::table::Passthrough::default();
    let row = tonetrack::table::QuoteRow {
        record: &recs[0],
        columns: &columns,
    };
    let sorted_keys = |value: &serde_json::Value| {
        let mut keys: Vec<String> = value.as_object().expect("object").keys().cloned().collect();
        keys.sort_unstable();
        keys
    };
    let mut want: Vec<String> = tonetrack::table::QUOTE_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .collect();
    want.sort_unstable();
    let row = serde_json::to_value(&row).expect("serializes");
    assert_eq!(sorted_keys(&row), want);
    let json = serde_json::to_value(&recs[0]).expect("serializes");
    assert_eq!(sorted_keys(&json), want);
    assert_eq!(json["date_source"], "header");
    assert_eq!(row["date"], "2019-12-12");
}
