//! The HTML report in a real browser: headless Chromium loads the report written for the gold
//! seed quotes (data/seeds_gold.csv), and we check that
//! * the page runs its script to the end and raises no console message: Chromium run with
//!   `--enable-logging=stderr` prints every console message of a page (errors, uncaught
//!   exceptions, failed loads, and logs alike) as an `INFO:CONSOLE` line naming its source;
//!   the report prints none, so any such line from it fails the test. A control page with a
//!   deliberate error proves first that this Chromium reports such lines at all;
//! * the DOM after load (`--dump-dom`) holds every quote row and the class `js` that the
//!   script adds last;
//! * a 1200×900 screenshot is not blank and shows the chart's line colours.
//!
//! Skipped, with a message, when `chromium` is not on PATH.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tonetrack::trends::{
    aggregate, speaker_color, write_html_report, ChartOptions, Period, TrendOptions, TrendQuote,
};

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Gold seeds as trend quotes, tone +1 / 0 / −1 by label.
fn seed_quotes() -> Vec<TrendQuote> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/seeds_gold.csv");
    let mut reader = csv::Reader::from_path(path).expect("data/seeds_gold.csv");
    let headers = reader.headers().expect("headers").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("record");
            let r: BTreeMap<&str, &str> = headers.iter().zip(record.iter()).collect();
            TrendQuote {
                speaker: Some(r["speaker"].to_string()),
                date: r["date"].parse().ok(),
                tone: match r["label"] {
                    "positive" => 1.0,
                    "negative" => -1.0,
                    _ => 0.0,
                },
                label: r["label"].to_string(),
                relevant: r["relevant"] == "yes",
                quote: r["text"].to_string(),
                article: r["source_url"].to_string(),
                title: None,
                url: None,
                probabilities: Vec::new(),
            }
        })
        .collect()
}

struct Run {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with a fresh profile, killing it after 90 s.
fn chromium(browser: &Path, profile: &Path, page: &Path, action: &[String]) -> Run {
    let url = format!("file://{}", page.display());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(action)
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Read both pipes on threads so that a chatty browser cannot block on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Run {
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// Console lines that Chromium logged for `page`.
fn console_lines(stderr: &str, page: &Path) -> Vec<String> {
    let url = format!("file://{}", page.display());
    stderr
        .lines()
        .filter(|line| line.contains(":CONSOLE") && line.contains(&url))
        .map(str::to_string)
        .collect()
}

#[test]
fn report_renders_in_chromium_without_console_errors() {
    let Some(browser) = find_chromium() else {
        eprintln!(
            "SKIP report_renders_in_chromium_without_console_errors: `chromium` is not on PATH \
             (Debian: apt-get install -y chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    // Control: this Chromium must report a deliberate error, or the check below means nothing.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">\
         </head><body><p>control</p><script>missingFunction();</script></body></html>",
    )
    .unwrap();
    let run = chromium(
        &browser,
        &dir.path().join("profile-control"),
        &control,
        &["--dump-dom".to_string()],
    );
    let lines = console_lines(&run.stderr, &control);
    assert!(
        lines.iter().any(|l| l.contains("missingFunction")),
        "chromium did not report the control page's error, so console errors cannot be \
         checked; stderr:\n{}",
        run.stderr
    );

    let mut quotes = seed_quotes();
    // The first article as `score` gives it with a `url:` header line: title and address,
    // which the report links (an `&` in the address must reach the browser intact).
    let url = "https://example.org/eirns/2019/lavrov?id=5&lang=en";
    for quote in quotes
        .iter_mut()
        .filter(|q| q.article == "seeds/000_2883c3e9d1bf4ca2.txt")
    {
        quote.title = Some("Lavrov Says ‘Downward Trend’ in U.S.-Russian Ties".to_string());
        quote.url = Some(url.to_string());
    }
    let linked = quotes
        .iter()
        .filter(|q| q.relevant && q.url.is_some())
        .count();
    let trends = aggregate(
        &quotes,
        &TrendOptions {
            period: Period::Quarter,
            ..TrendOptions::default()
        },
    )
    .unwrap();
    let report = dir.path().join("report.html");
    write_html_report(&trends, &ChartOptions::default(), &report).unwrap();

    // The DOM after load: the script ran to its end, every used quote is listed.
    let run = chromium(
        &browser,
        &dir.path().join("profile-dom"),
        &report,
        &["--dump-dom".to_string()],
    );
    let lines = console_lines(&run.stderr, &report);
    assert!(
        lines.is_empty(),
        "console messages from the report:\n{}",
        lines.join("\n")
    );
    assert!(
        run.stdout.contains("<html lang=\"en\" class=\"js\">"),
        "the report's script did not finish; DOM starts: {}",
        run.stdout.chars().take(300).collect::<String>()
    );
    let used = quotes.iter().filter(|q| q.relevant).count();
    assert_eq!(run.stdout.matches("<tr class=\"quote\"").count(), used);
    assert!(run.stdout.contains("Sergey Lavrov"));
    // Chromium serialises the parsed links back with `&amp;`: the address survived parsing.
    let href = format!("<a href=\"{}\"", url.replace('&', "&amp;"));
    assert!(linked > 0);
    assert_eq!(run.stdout.matches(&href).count(), linked);

    // Sorting: a copy of the report that clicks the first quote table's Tone header once
    // (ascending) after the report's own script has run.
    let html = std::fs::read_to_string(&report).unwrap();
    let click = "<script>document.querySelector('table.quotes th:last-child').click();</script>";
    let sorted_page = dir.path().join("sorted.html");
    std::fs::write(
        &sorted_page,
        html.replace("</body>", &format!("{click}</body>")),
    )
    .unwrap();
    let run = chromium(
        &browser,
        &dir.path().join("profile-sort"),
        &sorted_page,
        &["--dump-dom".to_string()],
    );
    let lines = console_lines(&run.stderr, &sorted_page);
    assert!(lines.is_empty(), "console messages:\n{}", lines.join("\n"));
    let tones = first_quote_table_tones(&run.stdout);
    assert_eq!(tones.len(), 30, "Sergey Lavrov's quotes");
    assert!(
        tones.windows(2).all(|w| w[0] <= w[1]),
        "tones not ascending after a click: {tones:?}"
    );
    assert!(run.stdout.contains("aria-sort=\"ascending\""));
    // Before the click the table is by date, and the tones are mixed.
    let unsorted = first_quote_table_tones(&html);
    assert!(unsorted.windows(2).any(|w| w[0] > w[1]));

    // The screenshot: not blank, and the chart's first two line colours are on it.
    let screenshot = dir.path().join("report.png");
    let run = chromium(
        &browser,
        &dir.path().join("profile-shot"),
        &report,
        &[format!("--screenshot={}", screenshot.display())],
    );
    let lines = console_lines(&run.stderr, &report);
    assert!(
        lines.is_empty(),
        "console messages from the report:\n{}",
        lines.join("\n")
    );
    let (width, height, pixels) = decode_rgb(&screenshot);
    assert_eq!((width, height), (1200, 900));
    let background = [246u8, 248, 250]; // the page's --bg
    let ink = pixels
        .iter()
        .filter(|p| **p != [255, 255, 255] && **p != background)
        .count();
    assert!(
        ink > pixels.len() / 100,
        "screenshot nearly blank: {ink} ink pixels"
    );
    let distinct: std::collections::BTreeSet<[u8; 3]> = pixels.iter().copied().collect();
    assert!(distinct.len() > 100, "only {} colours", distinct.len());
    for index in 0..2 {
        let (r, g, b) = speaker_color(index);
        let near = pixels
            .iter()
            .filter(|p| {
                (p[0] as i32 - r as i32).abs() <= 12
                    && (p[1] as i32 - g as i32).abs() <= 12
                    && (p[2] as i32 - b as i32).abs() <= 12
            })
            .count();
        assert!(
            near > 200,
            "speaker {index}'s line colour covers only {near} pixels"
        );
    }
    if let Ok(keep) = std::env::var("TONETRACK_KEEP_SCREENSHOT") {
        std::fs::copy(&screenshot, keep).ok();
    }
}

/// The tone (`data-sort` of the last cell) of each row of the first quote table in `html`.
fn first_quote_table_tones(html: &str) -> Vec<f64> {
    let start = html
        .find("<table class=\"sortable quotes\">")
        .expect("a quote table");
    let table = &html[start..];
    let table = &table[..table.find("</table>").expect("table end")];
    table
        .split("<tr class=\"quote\"")
        .skip(1)
        .map(|row| {
            let cell = row.rfind("data-sort=\"").expect("tone cell") + "data-sort=\"".len();
            let value = &row[cell..];
            value[..value.find('"').expect("quote")]
                .parse()
                .expect("a number")
        })
        .collect()
}

/// Decodes a PNG into RGB pixels.
fn decode_rgb(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("screenshot written"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    assert!(channels >= 3, "expected RGB(A), got {:?}", info.color_type);
    let pixels = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, pixels)
}
