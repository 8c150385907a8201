//! Trends on real inputs: the gold seed quotes (data/seeds_gold.csv), with tone +1 / 0 / −1 by
//! gold label, against statistics computed by hand from that file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tonetrack::article::{Attribution, QuoteRecord, SpeakerKind};
use tonetrack::score::ScoredQuote;
use tonetrack::trends::{
    aggregate, aggregate_with, bootstrap_interval, chart_svg_string, charted_speakers, csv_string,
    fractional_year, html_report, json_string, read_trend_quotes, render_chart, slope_per_year,
    spark_char, sparkline, speaker_color, table_string, ChartOptions, Direction, Estimate, Period,
    Quantifier, TrendOptions, TrendQuote, TrendRule, Trends, YScale,
};
use tonetrack::Error;

mod common;

fn seeds_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/seeds_gold.csv")
}

/// The rows of data/seeds_gold.csv as a map of column → value.
fn seed_rows() -> Vec<BTreeMap<String, String>> {
    common::csv_rows(&seeds_path())
}

fn gold_tone(label: &str) -> f64 {
    match label {
        "positive" => 1.0,
        "negative" => -1.0,
        _ => 0.0,
    }
}

/// Gold seeds as trend quotes: tone +1 / 0 / −1 by label.
fn seed_quotes() -> Vec<TrendQuote> {
    seed_rows()
        .iter()
        .map(|r| TrendQuote {
            speaker: Some(r["speaker"].clone()),
            date: r["date"].parse().ok(),
            tone: gold_tone(&r["label"]),
            label: r["label"].clone(),
            relevant: r["relevant"] == "yes",
            quote: r["text"].clone(),
            article: r["article_id"].clone(),
            title: None,
            url: None,
            probabilities: Vec::new(),
        })
        .collect()
}

fn options(period: Period) -> TrendOptions {
    TrendOptions {
        period,
        ..TrendOptions::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn yearly_statistics_match_a_hand_computation() {
    let trends = aggregate(&seed_quotes(), &options(Period::Year)).unwrap();
    // By hand from data/seeds_gold.csv: 42 quotes, 5 marked irrelevant (s0013, s0018–s0020,
    // s0039). Lavrov: 2019 = s0001–s0007 and s0009–s0014 less s0013 (3 pos, 4 neu, 5 neg);
    // 2020 = s0023–s0042 less s0036 (Kremlin) and s0039 (8 pos, 1 neu, 9 neg).
    assert_eq!(trends.counts.total, 42);
    assert_eq!(trends.counts.irrelevant, 5);
    assert_eq!(trends.counts.used, 37);
    assert_eq!(trends.counts.undated, 0);
    let names: Vec<&str> = trends.speakers.iter().map(|s| s.speaker.as_str()).collect();
    // Sorted by number of quotes, then name; the Foreign Ministry is its own speaker.
    assert_eq!(
        names,
        [
            "Sergey Lavrov",
            "Mike Pompeo",
            "Kremlin",
            "Russian Foreign Ministry"
        ]
    );

    let lavrov = &trends.speakers[0];
    assert_eq!(lavrov.n, 30);
    assert!(close(lavrov.mean_tone, -3.0 / 30.0));
    let periods: Vec<(&str, usize)> = lavrov
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.n))
        .collect();
    assert_eq!(periods, [("2019", 12), ("2020", 18)]);
    let y2019 = &lavrov.periods[0];
    assert!(close(y2019.mean_tone, -2.0 / 12.0));
    assert!(close(y2019.share_positive, 3.0 / 12.0));
    assert!(close(y2019.share_neutral, 4.0 / 12.0));
    assert!(close(y2019.share_negative, 5.0 / 12.0));
    let y2020 = &lavrov.periods[1];
    assert!(close(y2020.mean_tone, -1.0 / 18.0));
    assert!(close(y2020.share_positive, 8.0 / 18.0));
    assert!(close(y2020.share_negative, 9.0 / 18.0));
    assert_eq!(lavrov.first_period.as_deref(), Some("2019"));
    assert_eq!(lavrov.last_period.as_deref(), Some("2020"));
    for p in &lavrov.periods {
        let interval = p.interval.expect("several quotes have an interval");
        assert!(interval.low <= p.mean_tone && p.mean_tone <= interval.high);
        assert!(interval.low >= -1.0 && interval.high <= 1.0);
    }

    // 30 quotes in two years of 12 and 18: enough for a trend.
    assert!(lavrov.slope_per_year.is_some() && lavrov.direction.is_some());
    assert_eq!(lavrov.trend_withheld, None);

    let pompeo = &trends.speakers[1];
    assert_eq!((pompeo.n, pompeo.periods.len()), (5, 1));
    assert!(close(pompeo.mean_tone, 0.0));
    // Two dates (2019-05-14 and 2019-12-10) give a slope, but 5 quotes are too few to show it.
    let dated: Vec<(NaiveDate, f64)> = seed_quotes()
        .iter()
        .filter(|q| q.relevant && q.speaker.as_deref() == Some("Mike Pompeo"))
        .map(|q| (q.date.unwrap(), q.tone))
        .collect();
    assert!(slope_per_year(&dated).is_some());
    assert_eq!(pompeo.slope_per_year, None);
    assert_eq!(pompeo.direction, None);
    assert_eq!(
        pompeo.trend_withheld.as_deref(),
        Some("5 dated quotes, 10 needed")
    );

    // One quote in its period: marked by having no interval, and no slope with one date.
    let ministry = &trends.speakers[3];
    assert_eq!(ministry.periods[0].period, "2017");
    assert_eq!(ministry.periods[0].n, 1);
    assert!(ministry.periods[0].interval.is_none());
    assert!(close(ministry.mean_tone, -1.0));
    assert_eq!(ministry.slope_per_year, None);
    assert_eq!(ministry.direction, None);
}

#[test]
fn quarters_and_months_split_lavrov() {
    let trends = aggregate(&seed_quotes(), &options(Period::Quarter)).unwrap();
    let lavrov = &trends.speakers[0];
    let periods: Vec<(&str, usize)> = lavrov
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.n))
        .collect();
    // May 2019 (s0009–s0014 less s0013), September 2019 (s0001–s0007), December 2020.
    assert_eq!(periods, [("2019-Q2", 5), ("2019-Q3", 7), ("2020-Q4", 18)]);
    assert!(close(lavrov.periods[0].mean_tone, 0.0));
    assert!(close(lavrov.periods[1].mean_tone, -2.0 / 7.0));

    let monthly = aggregate(&seed_quotes(), &options(Period::Month)).unwrap();
    let months: Vec<&str> = monthly.speakers[0]
        .periods
        .iter()
        .map(|p| p.period.as_str())
        .collect();
    assert_eq!(months, ["2019-05", "2019-09", "2020-12"]);
    // The common axis runs from the Foreign Ministry's 2017-06 to 2020-12, gaps included.
    let range = monthly.period_range();
    assert_eq!(
        range.first().map(|k| k.to_string()).as_deref(),
        Some("2017-06")
    );
    assert_eq!(range.len(), 7 + 12 + 12 + 12);
}

#[test]
fn quotes_that_all_read_alike_get_no_interval() {
    // Two periods of four quotes by one speaker: 2019 all negative, 2020 mixed. A bootstrap of
    // four alike quotes resamples the same tone every time; its zero-width interval would
    // read as certainty.
    let quote = |date: &str, label: &str, i: usize| TrendQuote {
        speaker: Some("Sergey Lavrov".into()),
        date: date.parse().ok(),
        tone: gold_tone(label),
        label: label.into(),
        relevant: true,
        quote: format!("quote {i}"),
        article: format!("a{i}"),
        title: None,
        url: None,
        probabilities: Vec::new(),
    };
    let labels = ["negative", "negative", "positive", "neutral"];
    let quotes: Vec<TrendQuote> = (0..4)
        .map(|i| quote("2019-03-01", "negative", i))
        .chain((0..4).map(|i| quote("2020-03-01", labels[i], 4 + i)))
        .collect();
    let trends = aggregate(&quotes, &options(Period::Year)).unwrap();
    let periods = &trends.speakers[0].periods;
    assert!(close(periods[0].mean_tone, -1.0));
    assert!(periods[0].interval.is_none(), "{:?}", periods[0].interval);
    let mixed = periods[1].interval.expect("an interval for mixed quotes");
    assert!(mixed.low < mixed.high && mixed.low <= -0.5 && mixed.high >= 0.0);
    let html = html_report(&trends, &ChartOptions::default()).unwrap();
    assert!(html.contains("all alike"), "the report says why");
}

#[test]
fn undated_and_unattributed_quotes_are_counted_not_dropped() {
    let mut quotes = seed_quotes();
    quotes[0].date = None; // s0001, Lavrov, neutral
    quotes[1].speaker = None; // s0002, Lavrov, negative
    let trends = aggregate(&quotes, &options(Period::Year)).unwrap();
    assert_eq!(trends.counts.undated, 1);
    assert_eq!(trends.counts.unattributed, 1);
    assert_eq!(trends.counts.used, 36);
    let lavrov = &trends.speakers[0];
    assert_eq!((lavrov.n, lavrov.undated), (29, 1));
    assert_eq!(lavrov.periods[0].n, 10);
    // The undated quote still counts in the overall mean: (−3 + 1) / 29.
    assert!(close(lavrov.mean_tone, -2.0 / 29.0));
    let table = table_string(&trends);
    assert!(table.contains("1 used quotes have no date"), "{table}");
    assert!(table.contains("1 without a speaker"), "{table}");
}

#[test]
fn a_quotation_carried_by_several_articles_counts_once() {
    // s0002 (Lavrov, 2019-09-04, negative) in another article dated days earlier, with other
    // marks and case: one quotation, dated by its earlier copy (August, not September).
    let mut quotes = seed_quotes();
    let mut copy = quotes[1].clone();
    copy.quote = format!("“{}”", copy.quote.to_uppercase().replace(',', " —"));
    copy.article = "reprint".into();
    copy.date = NaiveDate::from_ymd_opt(2019, 8, 30);
    quotes.push(copy);
    // The same words by another speaker are another quotation.
    let mut other = quotes[1].clone();
    other.speaker = Some("Mike Pompeo".into());
    quotes.push(other);

    let trends = aggregate(&quotes, &options(Period::Month)).unwrap();
    assert_eq!(trends.counts.duplicates, 1);
    assert_eq!(trends.counts.used, 38);
    let lavrov = &trends.speakers[0];
    assert_eq!(lavrov.n, 30);
    let months: Vec<(&str, usize)> = lavrov
        .periods
        .iter()
        .map(|p| (p.period.as_str(), p.n))
        .collect();
    assert_eq!(
        months,
        [
            ("2019-05", 5),
            ("2019-08", 1),
            ("2019-09", 6),
            ("2020-12", 18)
        ]
    );
    let table = table_string(&trends);
    assert!(
        table.contains("1 repeated copy of a speaker's quotation (the same words) left out"),
        "{table}"
    );

    let every_copy = TrendOptions {
        keep_duplicates: true,
        ..options(Period::Month)
    };
    let trends = aggregate(&quotes, &every_copy).unwrap();
    assert_eq!(trends.counts.duplicates, 0);
    assert_eq!((trends.counts.used, trends.speakers[0].n), (39, 31));
    assert!(!table_string(&trends).contains("repeated copies"));
}

#[test]
fn speaker_filter_min_quotes_and_aliases() {
    let quotes = seed_quotes();
    let filtered = aggregate(
        &quotes,
        &TrendOptions {
            speakers: vec!["sergey lavrov".into(), "Nobody".into()],
            ..options(Period::Year)
        },
    )
    .unwrap();
    assert_eq!(filtered.speakers.len(), 1);
    assert_eq!(filtered.unmatched_speakers, ["Nobody"]);
    assert_eq!(filtered.counts.other_speakers, 5 + 1 + 1);

    // A last name names the speaker too.
    let by_surname = aggregate(
        &quotes,
        &TrendOptions {
            speakers: vec!["LAVROV".into()],
            ..options(Period::Year)
        },
    )
    .unwrap();
    assert_eq!(by_surname.speakers.len(), 1);
    assert_eq!(by_surname.speakers[0].speaker, "Sergey Lavrov");
    assert_eq!(by_surname.speakers[0].n, filtered.speakers[0].n);
    assert!(by_surname.unmatched_speakers.is_empty());

    let min2 = aggregate(
        &quotes,
        &TrendOptions {
            min_quotes: 2,
            ..options(Period::Year)
        },
    )
    .unwrap();
    assert_eq!(min2.speakers.len(), 2);
    assert_eq!(
        (min2.counts.below_min_speakers, min2.counts.below_min_quotes),
        (2, 2)
    );
    assert!(table_string(&min2).contains("2 speakers with fewer quotes than --min-quotes"));

    // An alias table merging the two Russian institutions.
    let canonical = |name: &str| match name {
        "Kremlin" | "Russian Foreign Ministry" => "Russian government".to_string(),
        other => other.to_string(),
    };
    let merged = aggregate_with(&quotes, &options(Period::Year), &canonical).unwrap();
    // Filter entries go through the alias table too, and two may name one speaker.
    let by_alias = aggregate_with(
        &quotes,
        &TrendOptions {
            speakers: vec!["Kremlin".into(), "Russian government".into()],
            ..options(Period::Year)
        },
        &canonical,
    )
    .unwrap();
    assert_eq!(by_alias.speakers.len(), 1);
    assert_eq!(by_alias.speakers[0].n, 2);
    assert!(by_alias.unmatched_speakers.is_empty());
    let government = merged
        .speakers
        .iter()
        .find(|s| s.speaker == "Russian government")
        .expect("merged speaker");
    assert_eq!(government.n, 2);
    assert_eq!(government.first_period.as_deref(), Some("2017"));
    assert_eq!(government.last_period.as_deref(), Some("2020"));
    assert!(close(government.mean_tone, -0.5));
}

#[test]
fn impossible_tones_and_options_are_errors() {
    let mut quotes = seed_quotes();
    quotes[3].tone = f64::NAN;
    let error = aggregate(&quotes, &options(Period::Year)).unwrap_err();
    assert!(error.to_string().contains("quote 4"), "{error}");
    quotes[3].tone = -1.5;
    assert!(aggregate(&quotes, &options(Period::Year)).is_err());
    let few = TrendOptions {
        resamples: 10,
        ..options(Period::Year)
    };
    assert!(matches!(
        aggregate(&seed_quotes(), &few),
        Err(Error::InvalidParams(_))
    ));
    assert_eq!("Quarter".parse::<Period>().unwrap(), Period::Quarter);
}

/// The JSONL `tonetrack score` writes.
fn score_line(r: &BTreeMap<String, String>, probabilities: &BTreeMap<String, f64>) -> String {
    let record = QuoteRecord {
        article: r["article_id"].clone(),
        title: None,
        url: None,
        date: r["date"].parse().ok(),
        date_source: tonetrack::article::DateSource::Dateline,
        speaker: Some(r["speaker"].clone()),
        speaker_kind: SpeakerKind::Person,
        attribution: Attribution::Name,
        quote: r["text"].clone(),
        start: 0,
        end: r["text"].len(),
        paragraph: 0,
        partial: false,
        relevant: r["relevant"] == "yes",
        cue: None,
    };
    let quote = ScoredQuote {
        record,
        label: r["label"].clone(),
        probabilities: probabilities.clone(),
        tone: probabilities["positive"] - probabilities["negative"],
        columns: Default::default(),
        top_terms: vec!["relations".into()],
    };
    serde_json::to_string(&quote).unwrap()
}

/// The JSONL `tonetrack predict --data seeds_gold.csv --format jsonl` writes: the CSV's
/// columns as strings, the predicted label over `label`, and the scores. `with_tone: false`
/// leaves the tone to be computed from the probabilities.
fn predict_line(
    r: &BTreeMap<String, String>,
    probabilities: &BTreeMap<String, f64>,
    with_tone: bool,
) -> String {
    let mut obj = serde_json::Map::new();
    for (column, value) in r {
        obj.insert(column.clone(), serde_json::Value::String(value.clone()));
    }
    obj.insert("probabilities".into(), serde_json::json!(probabilities));
    if with_tone {
        let tone = probabilities["positive"] - probabilities["negative"];
        obj.insert("tone".into(), serde_json::json!(tone));
    }
    obj.insert(
        "top_terms".into(),
        serde_json::json!([{"term": "relations", "contribution": 0.4}]),
    );
    serde_json::Value::Object(obj).to_string()
}

/// Probabilities that make the gold label the most probable class.
fn probabilities_for(label: &str) -> BTreeMap<String, f64> {
    let (pos, neu, neg) = match label {
        "positive" => (0.7, 0.2, 0.1),
        "negative" => (0.05, 0.15, 0.8),
        _ => (0.25, 0.6, 0.15),
    };
    BTreeMap::from([
        ("positive".to_string(), pos),
        ("neutral".to_string(), neu),
        ("negative".to_string(), neg),
    ])
}

fn write_jsonl(dir: &Path, name: &str, lines: impl Iterator<Item = String>) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    for line in lines {
        writeln!(file, "{line}").unwrap();
    }
    path
}

#[test]
fn score_and_predict_jsonl_give_the_same_trends() {
    let dir = tempfile::tempdir().unwrap();
    let rows = seed_rows();
    let score = write_jsonl(
        dir.path(),
        "score.jsonl",
        rows.iter()
            .map(|r| score_line(r, &probabilities_for(&r["label"]))),
    );
    let predict = write_jsonl(
        dir.path(),
        "predict.jsonl",
        rows.iter()
            .map(|r| predict_line(r, &probabilities_for(&r["label"]), true)),
    );
    let no_tone = write_jsonl(
        dir.path(),
        "predict_no_tone.jsonl",
        rows.iter()
            .map(|r| predict_line(r, &probabilities_for(&r["label"]), false)),
    );
    let from_score = read_trend_quotes(&score).unwrap();
    let from_predict = read_trend_quotes(&predict).unwrap();
    let from_no_tone = read_trend_quotes(&no_tone).unwrap();
    assert_eq!(from_score.len(), 42);
    // The article differs by design (the score file names articles, predict has source_url),
    // everything the statistics use must agree.
    let essentials = |q: &TrendQuote| {
        (
            q.speaker.clone(),
            q.date,
            q.tone,
            q.label.clone(),
            q.relevant,
            q.quote.clone(),
        )
    };
    for ((a, b), c) in from_score.iter().zip(&from_predict).zip(&from_no_tone) {
        assert_eq!(essentials(a), essentials(b));
        assert_eq!(essentials(b), essentials(c));
    }
    assert_eq!(from_predict[0].article, "seeds/000_2883c3e9d1bf4ca2.txt");
    assert_eq!(from_score[0].tone, 0.25 - 0.15);
    assert!(!from_predict[12].relevant, "s0013 is marked relevant=no");

    let opts = options(Period::Quarter);
    let a = aggregate(&from_score, &opts).unwrap();
    let b = aggregate(&from_predict, &opts).unwrap();
    let c = aggregate(&from_no_tone, &opts).unwrap();
    assert_eq!(csv_string(&a).unwrap(), csv_string(&b).unwrap());
    assert_eq!(json_string(&b).unwrap(), json_string(&c).unwrap());
    assert_eq!(a.counts.irrelevant, 5);
}

#[test]
fn a_malformed_line_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_jsonl(
        dir.path(),
        "bad.jsonl",
        [
            r#"{"speaker": "A", "tone": 0.1, "label": "neutral"}"#.to_string(),
            String::new(),
            r#"{"speaker": "A", "label": "neutral"}"#.to_string(),
        ]
        .into_iter(),
    );
    match read_trend_quotes(&path) {
        Err(Error::Csv {
            path: p,
            line,
            message,
        }) => {
            assert_eq!(p, path);
            assert_eq!(line, 3);
            assert!(message.contains("tone"), "{message}");
        }
        other => panic!("expected a located error, got {other:?}"),
    }
    let error = read_trend_quotes(&dir.path().join("missing.jsonl")).unwrap_err();
    assert!(error.to_string().contains("missing.jsonl"));
}

#[test]
fn sparkline_uses_a_fixed_scale_with_gaps() {
    assert_eq!(spark_char(-1.0), '▁');
    assert_eq!(spark_char(-0.76), '▁');
    assert_eq!(spark_char(-0.74), '▂');
    assert_eq!(spark_char(-0.01), '▄');
    assert_eq!(spark_char(0.0), '▅');
    assert_eq!(spark_char(0.99), '█');
    assert_eq!(spark_char(1.0), '█');
    assert_eq!(spark_char(7.0), '█');

    let trends = aggregate(&seed_quotes(), &options(Period::Quarter)).unwrap();
    let range = trends.period_range();
    // 2017-Q2 … 2020-Q4 = 15 quarters. Lavrov: 2019-Q2 mean 0, 2019-Q3 −2/7, 2020-Q4 −1/18.
    assert_eq!(range.len(), 15);
    assert_eq!(sparkline(&trends.speakers[0], &range), "········▅▃····▄");
    // The Foreign Ministry's single quote (−1) in the first quarter.
    assert_eq!(sparkline(&trends.speakers[3], &range), "▁··············");

    let table = table_string(&trends);
    assert!(table.contains("········▅▃····▄"), "{table}");
    assert!(table.contains("1-quote"), "{table}");
}

#[test]
fn slope_of_a_straight_line() {
    let dates = [
        "2018-02-10",
        "2018-11-30",
        "2019-06-01",
        "2020-02-29",
        "2021-09-15",
    ];
    let points: Vec<(NaiveDate, f64)> = dates
        .iter()
        .map(|d| {
            let d: NaiveDate = d.parse().unwrap();
            (d, 0.3 * (fractional_year(d) - 2019.0) - 0.2)
        })
        .collect();
    let slope = slope_per_year(&points).unwrap();
    assert!((slope - 0.3).abs() < 1e-9, "{slope}");
    let falling: Vec<(NaiveDate, f64)> = points.iter().map(|(d, t)| (*d, -t)).collect();
    assert!((slope_per_year(&falling).unwrap() + 0.3).abs() < 1e-9);
    // Two quotes on one day: no slope.
    let same_day = [(points[0].0, 0.5), (points[0].0, -0.5)];
    assert_eq!(slope_per_year(&same_day), None);

    let quotes: Vec<TrendQuote> = points
        .iter()
        .map(|(d, tone)| TrendQuote {
            speaker: Some("Synthetic".into()),
            date: Some(*d),
            tone: *tone,
            label: "neutral".into(),
            relevant: true,
            quote: String::new(),
            article: String::new(),
            title: None,
            url: None,
            probabilities: Vec::new(),
        })
        .collect();
    // Five quotes pass a rule asking for 5, in 2 periods of 1 or more.
    let lenient = TrendOptions {
        trend_rule: TrendRule {
            min_quotes: 5,
            min_periods: 2,
            min_per_period: 1,
        },
        ..options(Period::Year)
    };
    let trends = aggregate(&quotes, &lenient).unwrap();
    assert_eq!(trends.speakers[0].direction, Some(Direction::Rising));
    assert!(table_string(&trends).contains("+0.30/yr ↗"));
    // The default rule withholds them.
    let strict = aggregate(&quotes, &options(Period::Year)).unwrap();
    assert_eq!(strict.speakers[0].slope_per_year, None);
}

#[test]
fn bootstrap_is_deterministic_and_contains_the_mean() {
    let tones: Vec<f64> = seed_quotes()
        .iter()
        .filter(|q| q.relevant && q.speaker.as_deref() == Some("Sergey Lavrov"))
        .map(|q| q.tone)
        .collect();
    let mean = tones.iter().sum::<f64>() / tones.len() as f64;
    let a = bootstrap_interval(&tones, 2000, 7);
    let b = bootstrap_interval(&tones, 2000, 7);
    let c = bootstrap_interval(&tones, 2000, 8);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.low < mean && mean < a.high, "{a:?} vs {mean}");
    // 30 tones of ±1/0 with sd ≈ 0.92: the 95% interval is about ±1.96·0.92/√30 ≈ ±0.33 wide.
    let half_width = (a.high - a.low) / 2.0;
    assert!((0.25..0.42).contains(&half_width), "{a:?}");

    // Aggregation is reproducible run to run, and a cell's interval does not depend on the
    // other speakers shown.
    let all = aggregate(&seed_quotes(), &options(Period::Year)).unwrap();
    let again = aggregate(&seed_quotes(), &options(Period::Year)).unwrap();
    assert_eq!(json_string(&all).unwrap(), json_string(&again).unwrap());
    let only = aggregate(
        &seed_quotes(),
        &TrendOptions {
            speakers: vec!["Sergey Lavrov".into()],
            ..options(Period::Year)
        },
    )
    .unwrap();
    assert_eq!(only.speakers[0].periods, all.speakers[0].periods);
    assert!(json_string(&all).unwrap().contains("percentile bootstrap"));
}

#[test]
fn csv_marks_single_quote_periods() {
    let trends = aggregate(&seed_quotes(), &options(Period::Year)).unwrap();
    let csv = csv_string(&trends).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2 + 1 + 1 + 1);
    let ministry = rows
        .iter()
        .find(|r| &r[0] == "Russian Foreign Ministry")
        .unwrap();
    // speaker, period, start, end, n, tone, mean_tone, ci_low, ci_high, single_quote, shares…
    assert_eq!(&ministry[1], "2017");
    assert_eq!(&ministry[4], "1");
    assert_eq!((&ministry[5], &ministry[6]), ("-1.0", "-1.0"));
    assert_eq!((&ministry[7], &ministry[8], &ministry[9]), ("", "", "true"));
    assert_eq!(&rows[0][0], "Sergey Lavrov");
    assert_eq!(&rows[0][9], "false");
}

fn assert_png_has_content(path: &Path) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = bytes.chunks(channels).collect();
    let non_white = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    let distinct: std::collections::BTreeSet<&[u8]> = pixels.iter().copied().collect();
    assert!(
        non_white > pixels.len() / 50,
        "{non_white} non-white pixels"
    );
    assert!(distinct.len() > 20, "{} colours", distinct.len());
}

#[test]
fn charts_render_as_svg_and_png() {
    let trends: Trends = aggregate(&seed_quotes(), &options(Period::Quarter)).unwrap();
    let chart = ChartOptions::default();
    let svg = chart_svg_string(&trends, &chart).unwrap();
    assert!(svg.starts_with("<svg"));
    for speaker in &trends.speakers {
        assert!(
            svg.contains(&speaker.speaker),
            "legend lacks {}",
            speaker.speaker
        );
    }
    assert!(svg.contains("2019"));

    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("trends.svg");
    render_chart(&trends, &chart, &svg_path).unwrap();
    assert_eq!(std::fs::read_to_string(&svg_path).unwrap(), svg);
    let png_path = dir.path().join("trends.png");
    render_chart(&trends, &chart, &png_path).unwrap();
    assert_png_has_content(&png_path);

    // No dated quote: still a chart, saying so.
    let mut undated = seed_quotes();
    undated.iter_mut().for_each(|q| q.date = None);
    let empty = aggregate(&undated, &options(Period::Year)).unwrap();
    assert!(chart_svg_string(&empty, &chart)
        .unwrap()
        .contains("No dated quotes"));
}

#[test]
fn html_report_escapes_quotes_and_is_self_contained() {
    let mut quotes = seed_quotes();
    quotes[0].quote = r#"<script>alert("x")</script> & "Russia's" <b>"#.to_string();
    quotes[0].article = "a<b>&c".to_string();
    quotes[1].title = Some("<i>Talks</i> & \"ties\"".to_string());
    quotes[1].url = Some("https://example.org/?a=1&b=\"<x>".to_string());
    quotes[2].url = Some("javascript:alert(1)".to_string());
    let trends = aggregate(&quotes, &options(Period::Quarter)).unwrap();
    let html = html_report(&trends, &ChartOptions::default()).unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Russia&#39;s&quot; &lt;b&gt;"));
    assert!(html.contains("a&lt;b&gt;&amp;c"));
    assert!(html.contains(
        "<a href=\"https://example.org/?a=1&amp;b=&quot;&lt;x&gt;\" rel=\"noopener noreferrer\" \
         title=\"000_2883c3e9d1bf4ca2\">&lt;i&gt;Talks&lt;/i&gt; &amp; &quot;ties&quot;</a>"
    ));
    // Only http(s) addresses become links.
    assert!(!html.contains("javascript:"));
    assert!(html.contains("<svg"));
    // Self-contained: nothing fetched from anywhere; the one web address is a link's.
    let outside_svg_namespace = html.replace("http://www.w3.org/2000/svg", "");
    assert_eq!(outside_svg_namespace.matches("https://").count(), 1);
    assert_eq!(outside_svg_namespace.matches("href=\"https://").count(), 1);
    for needle in ["http://", "src=", "@import", "url("] {
        assert!(
            !outside_svg_namespace.contains(needle),
            "report references {needle}"
        );
    }
    // Every quote behind the statistics is listed once.
    assert_eq!(html.matches("<tr class=\"quote\"").count(), 37);
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The real binary, run from the repository root.
fn tonetrack() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tonetrack").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn run_ok(cmd: &mut assert_cmd::Command) -> String {
    let output = cmd.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// The 959 labeled quotations of data/quotes.csv as scored by the built-in model
/// (`docs/make_figures.sh`): `predict` JSONL with the CSV's columns passed through.
fn scored_quotes() -> Vec<TrendQuote> {
    read_trend_quotes(&repo("docs/quotes_scored.jsonl")).unwrap()
}

/// The five most quoted speakers of data/quotes.csv, as in the README's figure.
const TOP5: [&str; 5] = [
    "Dmitry Peskov",
    "Donald Trump",
    "Vladimir Putin",
    "Sergey Lavrov",
    "Sergey Ryabkov",
];

fn top5_by_year() -> Trends {
    let options = TrendOptions {
        speakers: TOP5.iter().map(|s| s.to_string()).collect(),
        ..options(Period::Year)
    };
    aggregate(&scored_quotes(), &options).unwrap()
}

/// The y axis's tick labels of a chart (the only right-aligned texts), as numbers.
fn y_labels(svg: &str) -> Vec<f64> {
    let mut labels: Vec<f64> = svg
        .split("<text ")
        .skip(1)
        .filter(|element| element[..element.find('>').unwrap()].contains("text-anchor=\"end\""))
        .map(|element| {
            let text = &element[element.find('>').unwrap() + 1..element.find("</text>").unwrap()];
            text.trim().replace('−', "-").parse().expect("a number")
        })
        .collect();
    labels.sort_by(f64::total_cmp);
    labels
}

/// The lowest and highest value the chart plots: every period's mean and interval bounds.
fn plotted_range(trends: &Trends) -> (f64, f64) {
    let values: Vec<f64> = charted_speakers(trends)
        .iter()
        .flat_map(|s| &s.periods)
        .flat_map(|p| {
            let bounds = p.interval.map(|i| [i.low, i.high]).unwrap_or_default();
            [p.mean_tone, bounds[0], bounds[1]]
        })
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (low, high)
}

#[test]
fn the_fitted_y_axis_spans_the_plotted_values_and_fixed_spans_the_whole_scale() {
    let trends = top5_by_year();
    let (low, high) = plotted_range(&trends);
    let fit = chart_svg_string(&trends, &ChartOptions::default()).unwrap();
    let labels = y_labels(&fit);
    let step = labels[1] - labels[0];
    let (bottom, top) = (labels[0], labels[labels.len() - 1]);
    assert!(labels.contains(&0.0), "{labels:?}");
    assert!(
        bottom <= low.min(0.0) && top >= high.max(0.0),
        "{labels:?} vs {low} … {high}"
    );
    // Fitted: the outer ticks are the first multiples of the step beyond the data and its
    // padding (5% of the span), not the ends of the scale.
    let pad = 0.05 * (high - low);
    assert!(
        bottom > low.min(0.0) - pad - step && top < high.max(0.0) + pad + step,
        "{labels:?} vs {low} … {high}"
    );
    assert!(labels.windows(2).all(|w| (w[1] - w[0] - step).abs() < 1e-9));
    assert!((3..=9).contains(&labels.len()), "{labels:?}");
    assert!(fit.contains("axis fitted to the data"));

    let fixed = chart_svg_string(
        &trends,
        &ChartOptions {
            y_scale: YScale::Fixed,
        },
    )
    .unwrap();
    assert_eq!(y_labels(&fixed), [-1.0, -0.5, 0.0, 0.5, 1.0]);
    assert!(fixed.contains("full scale −1 to +1"));

    // Gold tones reach −1 (the Foreign Ministry's one quote): the fitted axis stops at −1.
    let gold = aggregate(&seed_quotes(), &options(Period::Quarter)).unwrap();
    let (gold_low, gold_high) = plotted_range(&gold);
    let labels = y_labels(&chart_svg_string(&gold, &ChartOptions::default()).unwrap());
    assert_eq!(gold_low, -1.0);
    assert_eq!(labels[0], -1.0);
    assert!(labels[labels.len() - 1] >= gold_high && labels[labels.len() - 1] <= 1.0);
    assert!("Fit".parse::<YScale>().unwrap() == YScale::Fit);
    assert!("zoom".parse::<YScale>().is_err());
}

/// The points of the polylines drawn with exactly these attributes.
fn polylines(svg: &str, attributes: &str) -> Vec<Vec<(f64, f64)>> {
    svg.lines()
        .filter(|line| line.starts_with("<polyline") && line.contains(attributes))
        .map(|line| {
            let points = &line[line.find("points=\"").unwrap() + 8..];
            points[..points.find('"').unwrap()]
                .split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

#[test]
fn lines_break_where_a_period_has_no_quotes() {
    let trends = top5_by_year();
    let svg = chart_svg_string(&trends, &ChartOptions::default()).unwrap();
    let mut broken = 0;
    let mut gaps = Vec::new();
    for (index, speaker) in charted_speakers(&trends).iter().enumerate() {
        // Runs of consecutive years with quotes, from the period names.
        let years: Vec<i32> = speaker
            .periods
            .iter()
            .map(|p| p.period.parse().unwrap())
            .collect();
        let mut runs: Vec<usize> = vec![1];
        for pair in years.windows(2) {
            if pair[1] == pair[0] + 1 {
                *runs.last_mut().unwrap() += 1;
            } else {
                runs.push(1);
            }
        }
        let expected: Vec<usize> = runs.into_iter().filter(|&n| n > 1).collect();
        // The speaker's line: full opacity, width 2 (error bars are half transparent, the
        // legend's stroke is 3 wide).
        let (r, g, b) = speaker_color(index);
        let attributes =
            format!("opacity=\"1\" stroke=\"#{r:02X}{g:02X}{b:02X}\" stroke-width=\"2\"");
        let lines = polylines(&svg, &attributes);
        let lengths: Vec<usize> = lines.iter().map(Vec::len).collect();
        assert_eq!(lengths, expected, "{}: {years:?}", speaker.speaker);
        broken += lengths.len().saturating_sub(1);
        for line in &lines {
            gaps.extend(line.windows(2).map(|w| w[1].0 - w[0].0));
        }
    }
    // Gaps in the data (Putin has no relevant quote in 2010, Ryabkov none in 2014–2016) do
    // break lines here.
    assert!(broken >= 2, "only {broken} breaks");
    // No segment spans more than one year: every step is one period wide (±1 px).
    let one_year = gaps.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(gaps.iter().all(|g| (g - one_year).abs() <= 1.0), "{gaps:?}");
}

#[test]
fn trend_arrows_need_enough_quotes() {
    let quotes = scored_quotes();
    let trends = aggregate(&quotes, &options(Period::Year)).unwrap();
    let speaker = |name: &str| {
        trends
            .speakers
            .iter()
            .find(|s| s.speaker == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    // From data/quotes.csv and data/quotes2.csv (relevant, dated): John Tefft 16 quotes,
    // 7 + 3 + 3 + 3 in 2014, 2016, 2017 and 2018; John Bolton 23, all in 2018; Sarah Sanders 9.
    let tefft = speaker("John Tefft");
    assert_eq!(tefft.n, 16);
    assert!(tefft.slope_per_year.is_some() && tefft.direction.is_some());
    assert_eq!(tefft.trend_withheld, None);
    let bolton = speaker("John Bolton");
    assert_eq!(bolton.n, 23);
    assert_eq!(bolton.slope_per_year, None);
    assert_eq!(
        bolton.trend_withheld.as_deref(),
        Some("1 period with ≥ 3 quotes, 2 needed")
    );
    let sanders = speaker("Sarah Sanders");
    assert_eq!(
        sanders.trend_withheld.as_deref(),
        Some("9 dated quotes, 10 needed")
    );
    // Their quotes have a slope: the rule is what hides it.
    for name in ["John Bolton", "Sarah Sanders"] {
        let dated: Vec<(NaiveDate, f64)> = quotes
            .iter()
            .filter(|q| q.relevant && q.speaker.as_deref() == Some(name))
            .filter_map(|q| q.date.map(|d| (d, q.tone)))
            .collect();
        assert!(slope_per_year(&dated).is_some(), "{name}");
    }
    // Every speaker with an arrow passes the rule, every other one says why not.
    for s in &trends.speakers {
        let sizes: Vec<usize> = s.periods.iter().map(|p| p.n).collect();
        let enough =
            sizes.iter().sum::<usize>() >= 10 && sizes.iter().filter(|&&n| n >= 3).count() >= 2;
        assert_eq!(s.direction.is_some(), enough, "{}", s.speaker);
        assert_eq!(s.trend_withheld.is_none(), enough, "{}", s.speaker);
    }

    let table = table_string(&trends);
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .to_string()
    };
    assert!(row("John Tefft").contains("/yr"));
    assert!(!row("John Bolton").contains("/yr") && row("John Bolton").contains(" – "));
    assert!(
        table.contains("given only with ≥ 10 dated quotes in ≥ 2 periods of ≥ 3 quotes each"),
        "{table}"
    );

    let json: serde_json::Value = serde_json::from_str(&json_string(&trends).unwrap()).unwrap();
    let bolton = json["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["speaker"] == "John Bolton")
        .unwrap();
    assert!(bolton["slope_per_year"].is_null() && bolton["direction"].is_null());
    assert_eq!(
        bolton["trend_withheld"],
        "1 period with ≥ 3 quotes, 2 needed"
    );
    assert_eq!(json["trend_rule"]["min_quotes"], 10);

    let html = html_report(&trends, &ChartOptions::default()).unwrap();
    assert!(html.contains("(withheld: 1 period with ≥ 3 quotes, 2 needed)"));
    assert!(html.contains("only with ≥ 10 dated quotes in ≥ 2 periods of ≥ 3 quotes each"));
}

#[test]
fn min_words_leaves_short_quotes_out_and_counts_them() {
    // By hand from the JSONL: relevant quotes with a speaker and fewer than 4 words.
    let lines = std::fs::read_to_string(repo("docs/quotes_scored.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let relevant = rows.iter().filter(|r| r["relevant"] == "yes").count();
    let short = rows
        .iter()
        .filter(|r| r["relevant"] == "yes")
        .filter(|r| r["text"].as_str().unwrap().split_whitespace().count() < 4)
        .count();
    assert!(short > 10, "{short}");

    let json = |extra: &[&str]| -> serde_json::Value {
        let stdout = run_ok(
            tonetrack()
                .args([
                    "trends",
                    "--scores",
                    "docs/quotes_scored.jsonl",
                    "--format",
                    "json",
                ])
                .args(extra),
        );
        serde_json::from_str(&stdout).unwrap()
    };
    let four = json(&["--min-words", "4"]);
    assert_eq!(four["counts"]["short"], short);
    assert_eq!(four["min_words"], 4);
    let merged = four["counts"]["duplicates"].as_u64().unwrap() as usize;
    assert_eq!(four["counts"]["used"], relevant - short - merged);
    // The default, 1 word like `score`, leaves no short quote out here; the labeled data
    // repeat a speaker's quotation on two pages (by hand: the same speaker and the same
    // lower-cased words), which counts once unless --keep-duplicates.
    let mut seen = std::collections::HashSet::new();
    let repeated = rows
        .iter()
        .filter(|r| r["relevant"] == "yes")
        .filter(|r| {
            let words: Vec<String> = r["text"]
                .as_str()
                .unwrap()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            !seen.insert((r["speaker"].to_string(), words))
        })
        .count();
    assert!(repeated > 0);
    let default = json(&[]);
    assert_eq!(default["counts"]["short"], 0);
    assert_eq!(default["counts"]["duplicates"], repeated);
    assert_eq!(default["counts"]["used"], relevant - repeated);
    let every_copy = json(&["--keep-duplicates"]);
    assert_eq!(every_copy["counts"]["duplicates"], 0);
    assert_eq!(every_copy["counts"]["used"], relevant);

    let table = run_ok(tonetrack().args([
        "trends",
        "--scores",
        "docs/quotes_scored.jsonl",
        "--min-words",
        "4",
    ]));
    assert!(
        table.contains(&format!(
            "irrelevant, {short} with fewer than 4 words and 0 without a speaker left out"
        )),
        "{table}"
    );
}

#[test]
fn min_words_of_trends_and_score_agree_on_the_seed_articles() {
    let relevant_quotes = |extra: &[&str]| {
        run_ok(
            tonetrack()
                .args(["score", "seeds/", "--format", "jsonl"])
                .args(extra),
        )
        .lines()
        .count()
    };
    let all = relevant_quotes(&[]);
    let long = relevant_quotes(&["--min-words", "5"]);
    assert!(long < all, "{long} of {all}");
    let stdout =
        run_ok(tonetrack().args(["trends", "seeds/", "--min-words", "5", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["counts"]["short"], all - long);
    assert_eq!(json["counts"]["total"], 41);
}

#[test]
fn the_report_names_each_quote_by_article_title_and_links_its_url() {
    // Two seed articles as a user's files: one with a `url:` header line, one with a header
    // that is not a web address (never made a link).
    let dir = tempfile::tempdir().unwrap();
    let url = "https://example.org/eirns/2019/lavrov?id=5&lang=en";
    let seed = |name: &str| std::fs::read_to_string(repo(&format!("seeds/{name}"))).unwrap();
    std::fs::write(
        dir.path().join("lavrov.txt"),
        format!("url: {url}\n\n{}", seed("000_2883c3e9d1bf4ca2.txt")),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.txt"),
        format!(
            "url: javascript:alert(1)\n\n{}",
            seed("001_e72f4309ebf72042.txt")
        ),
    )
    .unwrap();

    // `score` writes the title and the address.
    let scored: Vec<serde_json::Value> = run_ok(
        tonetrack()
            .args(["score", "--format", "jsonl"])
            .arg(dir.path().join("lavrov.txt")),
    )
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect();
    let title = "Lavrov Says ‘Downward Trend’ in U.S.-Russian Ties Counters President Trump’s \
                 Intentions";
    assert!(!scored.is_empty());
    assert!(scored
        .iter()
        .all(|r| r["url"] == url && r["title"] == title));
    let attributed = scored.iter().filter(|r| r["speaker"].is_string()).count();

    let report = dir.path().join("report.html");
    run_ok(
        tonetrack()
            .arg("trends")
            .arg(dir.path())
            .args(["--period", "year", "--html"])
            .arg(&report),
    );
    let html = std::fs::read_to_string(&report).unwrap();
    let link = format!(
        "<a href=\"{}\" rel=\"noopener noreferrer\" title=\"{}\">{title}</a>",
        url.replace('&', "&amp;"),
        dir.path().join("lavrov.txt").display()
    );
    assert_eq!(html.matches(&link).count(), attributed, "{link}");
    assert!(!html.contains("javascript:"));
    // Without a web address: the title, not a link, the path as a tooltip.
    let other = format!(
        "<td class=\"article\"><span title=\"{}\">Lavrov Delivers a Message to Tillerson: Does \
         the U.S. Want an Improvement of Relations with Russia, Or Not?</span></td>",
        dir.path().join("other.txt").display()
    );
    assert!(html.contains(&other), "{other}");

    // `predict` JSONL: the `source_url` column is linked, named by its address without a title.
    let trends = aggregate(&scored_quotes(), &options(Period::Year)).unwrap();
    let html = html_report(&trends, &ChartOptions::default()).unwrap();
    assert!(html.contains(
        "<a href=\"https://interfax.com/newsroom/top-stories/23974/\" \
         rel=\"noopener noreferrer\">interfax.com/newsroom/top-stories/23974/</a>"
    ));
}

/// Standard deviation of the period tones of the README's five speakers.
fn period_spread(trends: &Trends) -> f64 {
    let tones: Vec<f64> = trends
        .speakers
        .iter()
        .flat_map(|s| s.periods.iter().map(|p| p.tone))
        .collect();
    let mean = tones.iter().sum::<f64>() / tones.len() as f64;
    (tones.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / tones.len() as f64).sqrt()
}

/// The built-in model's cross-validated rates turn compressed probabilities into label shares:
/// on the out-of-fold scores of every labeled quotation, PACC's period tones spread about as
/// far as the annotated ones do (sd over these 73 cells 0.41, the annotators' 0.42), the mean
/// of the tones half as far (0.21).
#[test]
fn estimated_period_tones_spread_as_the_record_does() {
    let model = tonetrack::score::default_model().unwrap();
    let classifier = model.classifier_for(None).unwrap();
    let quotes = scored_quotes();
    let speakers: Vec<String> = TOP5.iter().map(|s| s.to_string()).collect();
    let mean = aggregate(
        &quotes,
        &TrendOptions {
            speakers: speakers.clone(),
            ..options(Period::Year)
        },
    )
    .unwrap();
    let pacc = aggregate(
        &quotes,
        &TrendOptions {
            speakers,
            quantifier: Some(Quantifier::new(Estimate::Pacc, classifier).unwrap()),
            ..options(Period::Year)
        },
    )
    .unwrap();
    assert_eq!(pacc.estimate, Estimate::Pacc);
    let (spread_mean, spread_pacc) = (period_spread(&mean), period_spread(&pacc));
    assert!(
        spread_pacc > 1.3 * spread_mean,
        "PACC sd {spread_pacc:.3} vs mean sd {spread_mean:.3}"
    );
    for s in &pacc.speakers {
        for p in &s.periods {
            assert!((-1.0..=1.0).contains(&p.tone), "{} {}", s.speaker, p.period);
            // The plain mean is kept beside the estimate.
            let m = mean
                .speakers
                .iter()
                .find(|m| m.speaker == s.speaker)
                .unwrap();
            let same = m.periods.iter().find(|q| q.period == p.period).unwrap();
            assert_eq!(p.mean_tone, same.mean_tone);
            if let Some(i) = p.interval {
                assert!(i.low <= p.tone + 1e-9 && p.tone <= i.high + 1e-9, "{p:?}");
            }
        }
    }
}

/// `--estimate auto` is PACC when every quote has probabilities, the mean otherwise (gold
/// tones); asking for PACC without probabilities is an error that says what to do.
#[test]
fn trends_estimate_follows_what_the_input_has() {
    let estimate_of = |args: &[&str]| -> String {
        let out = run_ok(
            tonetrack()
                .args(["trends", "--period", "year", "--format", "json"])
                .args(args),
        );
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        json["estimate"].as_str().unwrap().to_string()
    };
    let scored = repo("docs/quotes_scored.jsonl");
    let scored = scored.to_str().unwrap();
    assert_eq!(estimate_of(&["--scores", scored]), "pacc");
    assert_eq!(
        estimate_of(&["--scores", scored, "--estimate", "acc"]),
        "acc"
    );
    assert_eq!(
        estimate_of(&["--scores", scored, "--estimate", "mean"]),
        "mean"
    );

    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.jsonl");
    let mut file = std::fs::File::create(&gold).unwrap();
    for (speaker, date, tone, label) in [
        ("Sergey Lavrov", "2019-05-14", -1.0, "negative"),
        ("Sergey Lavrov", "2019-06-01", 1.0, "positive"),
    ] {
        writeln!(
            file,
            r#"{{"speaker":"{speaker}","date":"{date}","tone":{tone},"label":"{label}","text":"…"}}"#
        )
        .unwrap();
    }
    drop(file);
    let gold = gold.to_str().unwrap();
    assert_eq!(estimate_of(&["--scores", gold]), "mean");
    tonetrack()
        .args(["trends", "--scores", gold, "--estimate", "pacc"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("use --estimate mean"));
}
