//! Trends on real inputs: the gold seed quotes (data/seeds_gold.csv), with tone +1 / 0 / −1 by
//! gold label, against statistics computed by hand from that file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tonetrack::score::ScoredQuote;
use tonetrack::trends::{
    aggregate, aggregate_with, bootstrap_interval, chart_svg_string, csv_string, fractional_year,
    html_report, json_string, read_trend_quotes, render_chart, slope_per_year, spark_char,
    sparkline, table_string, Direction, Period, TrendOptions, TrendQuote, Trends,
};
use tonetrack::Error;

fn seeds_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/seeds_gold.csv")
}

/// The rows of data/seeds_gold.csv as a map of column → value.
fn seed_rows() -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(seeds_path()).expect("data/seeds_gold.csv");
    let headers = reader.headers().expect("headers").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
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

    let pompeo = &trends.speakers[1];
    assert_eq!((pompeo.n, pompeo.periods.len()), (5, 1));
    assert!(close(pompeo.mean_tone, 0.0));
    // Two dates (2019-05-14 and 2019-12-10): a slope exists.
    assert!(pompeo.slope_per_year.is_some());

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
    let quote = ScoredQuote {
        article: r["article_id"].clone(),
        title: None,
        date: r["date"].parse().ok(),
        date_source: "dateline".into(),
        speaker: Some(r["speaker"].clone()),
        speaker_kind: "person".into(),
        attribution: "name".into(),
        quote: r["text"].clone(),
        start: 0,
        end: r["text"].len(),
        paragraph: 0,
        partial: false,
        relevant: r["relevant"] == "yes",
        cue: None,
        label: r["label"].clone(),
        probabilities: probabilities.clone(),
        tone: probabilities["positive"] - probabilities["negative"],
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
        })
        .collect();
    let trends = aggregate(&quotes, &options(Period::Year)).unwrap();
    assert_eq!(trends.speakers[0].direction, Some(Direction::Rising));
    assert!(table_string(&trends).contains("+0.30/yr ↗"));
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
    // speaker, period, start, end, n, mean, ci_low, ci_high, single_quote, shares…
    assert_eq!(&ministry[1], "2017");
    assert_eq!(&ministry[4], "1");
    assert_eq!((&ministry[6], &ministry[7], &ministry[8]), ("", "", "true"));
    assert_eq!(&rows[0][0], "Sergey Lavrov");
    assert_eq!(&rows[0][8], "false");
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
    let svg = chart_svg_string(&trends).unwrap();
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
    render_chart(&trends, &svg_path).unwrap();
    assert_eq!(std::fs::read_to_string(&svg_path).unwrap(), svg);
    let png_path = dir.path().join("trends.png");
    render_chart(&trends, &png_path).unwrap();
    assert_png_has_content(&png_path);

    // No dated quote: still a chart, saying so.
    let mut undated = seed_quotes();
    undated.iter_mut().for_each(|q| q.date = None);
    let empty = aggregate(&undated, &options(Period::Year)).unwrap();
    assert!(chart_svg_string(&empty)
        .unwrap()
        .contains("No dated quotes"));
}

#[test]
fn html_report_escapes_quotes_and_is_self_contained() {
    let mut quotes = seed_quotes();
    quotes[0].quote = r#"<script>alert("x")</script> & "Russia's" <b>"#.to_string();
    quotes[0].article = "a<b>&c".to_string();
    let trends = aggregate(&quotes, &options(Period::Quarter)).unwrap();
    let html = html_report(&trends).unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Russia&#39;s&quot; &lt;b&gt;"));
    assert!(html.contains("a&lt;b&gt;&amp;c"));
    assert!(html.contains("<svg"));
    // Self-contained: nothing fetched from anywhere.
    for needle in ["http://", "https://", "src=", "@import", "url("] {
        let outside_svg_namespace = html.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !outside_svg_namespace.contains(needle),
            "report references {needle}"
        );
    }
    // Every quote behind the statistics is listed once.
    assert_eq!(html.matches("<tr class=\"quote\"").count(), 37);
}
