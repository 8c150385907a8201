//! Quotation recall, precision and speaker accuracy on the second development set
//! (`../shared/data/articles-dev2`: 24 excerpts of U.S.–Russia, other international and U.S.
//! domestic politics; gold rows in its `quotes.csv`, spans that are not quotations in
//! `excluded.csv`). The texts are third-party: read from the shared folder, never copied.
//!
//! Without `../shared` the test prints `SKIPPED: ../shared missing` and passes, unless the environment
//! sets `REQUIRE_SHARED=1` (then it fails: a run that must measure cannot skip silently).

use std::collections::BTreeMap;
use std::path::Path;

use tonetrack::article::{Reader, SpeakerAliases};

const DEV2: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/articles-dev2");

/// Files kept out of development, chosen before any excerpt was read: the names sorted by
/// `sha256("holdout" + name)` (name without `.txt`), the first of each topic group (dev01–11,
/// dev13–23, dev25–35), then the next name of that order not yet chosen.
const HELD_OUT: &[&str] = &["dev10", "dev13", "dev19", "dev28"];

/// The attribution kinds of the gold file, in the order they are reported.
const KINDS: &[&str] = &[
    "name",
    "pronoun",
    "description",
    "colon",
    "according_to",
    "none",
];

mod common;
use common::{csv_rows, norm, shared_present, Matches};

struct Gold {
    text: String,
    speaker: String,
    attribution: String,
}

#[derive(Default, Clone)]
struct Tally {
    m: Matches,
    /// Per gold attribution kind: (gold, found, speaker right).
    by_kind: BTreeMap<String, (usize, usize, usize)>,
    /// Found quotes whose `attribution` field equals the gold's.
    attribution_ok: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.m.add(&o.m);
        self.attribution_ok += o.attribution_ok;
        for (k, (g, f, ok)) in &o.by_kind {
            let e = self.by_kind.entry(k.clone()).or_default();
            e.0 += g;
            e.1 += f;
            e.2 += ok;
        }
    }
    fn line(&self, label: &str) -> String {
        let kinds: Vec<String> = KINDS
            .iter()
            .filter_map(|k| {
                let (g, f, ok) = self.by_kind.get(*k)?;
                Some(format!("{k} {f}/{g} found, {ok} right"))
            })
            .collect();
        format!(
            "{label}: {}; by gold attribution: {}; attribution field agrees {}/{}",
            self.m.summary(),
            kinds.join(", "),
            self.attribution_ok,
            self.m.found,
        )
    }
}

#[test]
#[cfg_attr(shared_missing, ignore = "needs ../shared beside the repository")]
fn dev2_articles_meet_goals() {
    let dir = Path::new(DEV2);
    if !shared_present(&[&dir.join("quotes.csv")]) {
        return;
    }
    let mut gold: BTreeMap<String, Vec<Gold>> = BTreeMap::new();
    for r in csv_rows(&dir.join("quotes.csv")) {
        gold.entry(r["article_id"].clone()).or_default().push(Gold {
            text: r["text"].clone(),
            speaker: r["speaker"].clone(),
            attribution: r["attribution"].clone(),
        });
    }
    let mut cut_off: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in csv_rows(&dir.join("excluded.csv")) {
        if r["reason"].contains("cut off") {
            cut_off
                .entry(r["article_id"].clone())
                .or_default()
                .push(norm(&r["text"]));
        }
    }
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .expect("dev2 folder")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "txt").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 24, "{ids:?}");
    let reader = Reader::new();
    // Speakers are compared by the alias table's canonical names (the table says that "Sarah
    // Huckabee Sanders" is "Sarah Sanders"; the gold spells names as the excerpt does).
    let aliases = SpeakerAliases::builtin();
    let canonical = |s: &str| aliases.canonical(s).unwrap_or(s).to_string();
    let (mut dev, mut held) = (Tally::default(), Tally::default());
    let verbose = std::env::var("DEV2_VERBOSE").is_ok();
    // While the reader is developed the held-out excerpts are not read at all.
    let dev_only = std::env::var("DEV2_DEV_ONLY").is_ok();
    for id in &ids {
        let held_out = HELD_OUT.contains(&id.as_str());
        if held_out && dev_only {
            continue;
        }
        // The held-out excerpts' details are not printed unless asked for (at the end).
        let show = verbose && (!held_out || std::env::var("DEV2_SHOW_HELD_OUT").is_ok());
        let text = std::fs::read_to_string(dir.join(format!("{id}.txt"))).expect("readable");
        let article = reader.read(id, &text);
        let got: Vec<(String, Option<String>, String)> = article
            .quotes
            .iter()
            .map(|q| {
                (
                    norm(&q.text),
                    q.speaker.clone(),
                    q.attribution.as_str().to_string(),
                )
            })
            .collect();
        let rows = gold.get(id).map(Vec::as_slice).unwrap_or_default();
        let mut t = Tally {
            m: Matches {
                gold: rows.len(),
                extracted: got.len(),
                ..Matches::default()
            },
            ..Tally::default()
        };
        for g in rows {
            let gt = norm(&g.text);
            let kind = t.by_kind.entry(g.attribution.clone()).or_default();
            kind.0 += 1;
            match got.iter().find(|(e, _, _)| *e == gt || e.contains(&gt)) {
                Some((_, speaker, attribution)) => {
                    t.m.found += 1;
                    kind.1 += 1;
                    t.attribution_ok += usize::from(*attribution == g.attribution);
                    if speaker.as_deref().unwrap_or("") == canonical(&g.speaker) {
                        t.m.speaker_ok += 1;
                        kind.2 += 1;
                    } else if show {
                        eprintln!(
                            "{id}: speaker {speaker:?} ({attribution}), gold {:?} ({}): {gt}",
                            g.speaker, g.attribution
                        );
                    }
                }
                None if show => eprintln!("{id}: MISSED ({}) {gt}", g.speaker),
                None => {}
            }
        }
        for (e, speaker, _) in &got {
            let matches = |g: &str| *e == g || e.contains(g) || g.contains(e.as_str());
            if rows.iter().any(|g| matches(&norm(&g.text))) {
                t.m.correct += 1;
            } else if cut_off
                .get(id)
                .is_some_and(|c| c.iter().any(|g| matches(g)))
            {
                t.m.cut_off += 1;
            } else if show {
                eprintln!("{id}: EXTRA ({speaker:?}) {e}");
            }
        }
        if held_out {
            held.add(&t);
        } else {
            dev.add(&t);
        }
    }
    let mut all = dev.clone();
    all.add(&held);
    eprintln!("{}", dev.line("dev2 development (20 files)"));
    if dev_only {
        return;
    }
    eprintln!("{}", held.line("dev2 held out (4 files)"));
    eprintln!("{}", all.line("dev2 all (24 files)"));
    // The goals (recall and precision 0.97, speaker accuracy 0.92) hold on all 24. The
    // held-out four were read once after the first rules were frozen (recall 18/22); the
    // hard-wrapped lines of one of them (a quotation running over lines without a mark on
    // each) were then handled by src/article/wrap.rs, developed on re-wrapped copies of the
    // development texts, which brought them to 21/22: their figures are no longer untouched.
    assert!(
        all.m.recall() >= 0.97 && all.m.precision() >= 0.97 && all.m.speaker() >= 0.92,
        "{}",
        all.line("below the goals")
    );
    // The exact counts measured (found/gold, right/extracted less cut off, speaker right),
    // so that any change shows: an improvement updates them.
    let counts = |t: &Tally| {
        (
            t.m.found,
            t.m.gold,
            t.m.correct,
            t.m.extracted - t.m.cut_off,
            t.m.speaker_ok,
        )
    };
    assert_eq!(
        counts(&dev),
        (130, 132, 128, 128, 120),
        "{}",
        dev.line("development counts changed")
    );
    assert_eq!(
        counts(&held),
        (21, 22, 21, 21, 19),
        "{}",
        held.line("held-out counts changed")
    );
}
