//! A self-contained HTML report: the chart, the speaker table with sparklines, and for each
//! speaker the statistics per period and every quote behind them, coloured by tone.
//!
//! One file, no network: the chart is inline SVG, the style inline CSS, and a small inline
//! script makes tables sortable by clicking a header (the page reads fine without it). Each
//! quote names its article by title (else its file name or address) and links the article's
//! `http(s)` address when the input has one; links are followed only when clicked.

use std::fmt::Write as _;
use std::path::Path;

use super::aggregate::{Direction, PeriodKey, SpeakerTrend, Trends};
use super::chart::{chart_svg_string, charted_speakers, speaker_color, ChartOptions};
use super::input::TrendQuote;
use super::table::{short_quotes, signed, single_quote_periods, trend_cell, trend_legend};
use crate::Result;

/// Writes [`html_report`] to `path`.
pub fn write_html_report(trends: &Trends, chart: &ChartOptions, path: &Path) -> Result<()> {
    crate::output_file::write_atomically(path, html_report(trends, chart)?.as_bytes())
}

/// The report as one HTML document; the chart drawn with `chart`.
pub fn html_report(trends: &Trends, chart: &ChartOptions) -> Result<String> {
    let range = trends.period_range();
    let chart = chart_svg_string(trends, chart)?;
    let mut html = String::with_capacity(64 * 1024);
    let title = "Tone toward U.S.–Russia relations by speaker";
    // `write!` to a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n<header>\n<h1>{title}</h1>\n<p class=\"meta\">{}</p>\n</header>\n",
        escape(&summary_line(trends, &range))
    );
    let _ = write!(
        html,
        "<section class=\"card chart\" aria-label=\"Chart of tone per {}\">\n{chart}\n</section>\n",
        trends.period
    );
    speaker_table(&mut html, trends, &range);
    for (index, speaker) in trends.speakers.iter().enumerate() {
        speaker_section(&mut html, index, speaker, trends);
    }
    let _ = write!(
        html,
        "<footer>Tone = P(positive) − P(negative) of each quotation, from −1 (negative) to +1 \
         (positive). A speaker's and a period's tone: the {}. Relevant quotes only. Intervals: \
         {}. Trends (slope and arrow) only with {}.\
         </footer>\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        escape(trends.estimate.describe()),
        escape(&trends.interval_method),
        escape(&trends.trend_rule.describe())
    );
    Ok(html)
}

/// "Per quarter, 2017-Q2 to 2020-Q4 · 42 quotes read · 37 used · 5 irrelevant …".
fn summary_line(trends: &Trends, range: &[PeriodKey]) -> String {
    let c = &trends.counts;
    let mut parts = vec![match (range.first(), range.last()) {
        (Some(first), Some(last)) => format!("Per {}, {first} to {last}", trends.period),
        _ => format!("Per {}, no dated quotes", trends.period),
    }];
    parts.push(format!("{} quotes read", c.total));
    parts.push(format!("{} used", c.used));
    parts.push(format!("{} irrelevant left out", c.irrelevant));
    if let Some(short) = short_quotes(trends) {
        parts.push(format!("{short} left out"));
    }
    if c.unattributed > 0 {
        parts.push(format!("{} without a speaker left out", c.unattributed));
    }
    if c.other_speakers > 0 {
        parts.push(format!("{} by other speakers left out", c.other_speakers));
    }
    if c.below_min_speakers > 0 {
        parts.push(format!(
            "{} speakers below the minimum number of quotes left out ({} quotes)",
            c.below_min_speakers, c.below_min_quotes
        ));
    }
    if c.undated > 0 {
        parts.push(format!(
            "{} undated (no date, or only a page banner's; in n and means, in no period)",
            c.undated
        ));
    }
    parts.join(" · ")
}

fn speaker_table(html: &mut String, trends: &Trends, range: &[PeriodKey]) {
    let charted: Vec<&str> = charted_speakers(trends)
        .iter()
        .map(|s| s.speaker.as_str())
        .collect();
    let _ = write!(
        html,
        "<section class=\"card\">\n<h2>Speakers</h2>\n<table class=\"sortable summary\">\n<thead><tr>\
         <th data-type=\"text\">Speaker</th><th data-type=\"num\" class=\"num\">n</th>\
         <th data-type=\"num\" class=\"num\">Tone</th><th data-type=\"num\" class=\"num\">Trend</th>\
         <th data-type=\"text\">First</th><th data-type=\"text\">Last</th>\
         <th data-type=\"num\" class=\"num\" title=\"Periods resting on a single quote / periods with quotes\">1-quote periods</th>\
         <th class=\"nosort\">Tone per {}</th></tr></thead>\n<tbody>\n",
        trends.period
    );
    for (index, s) in trends.speakers.iter().enumerate() {
        let swatch = match charted.iter().position(|name| *name == s.speaker) {
            Some(i) => {
                let (r, g, b) = speaker_color(i);
                format!("<span class=\"swatch\" style=\"background:rgb({r},{g},{b})\"></span>")
            }
            None => "<span class=\"swatch none\"></span>".to_string(),
        };
        let _ = writeln!(
            html,
            "<tr><td data-sort=\"{name}\">{swatch}<a href=\"#speaker-{index}\">{name}</a></td>\
             <td class=\"num\">{n}</td>\
             <td class=\"num\" data-sort=\"{mean}\">{tone_chip}</td>\
             <td class=\"num trend {direction}\" data-sort=\"{slope}\"{withheld}>{trend}</td>\
             <td>{first}</td><td>{last}</td>\
             <td class=\"num\" data-sort=\"{single}\">{single}/{periods}</td>\
             <td class=\"spark\">{spark}</td></tr>",
            name = escape(&s.speaker),
            n = s.n,
            mean = s.tone,
            tone_chip = tone_chip(s.tone),
            direction = match s.direction {
                Some(Direction::Rising) => "rising",
                Some(Direction::Falling) => "falling",
                _ => "flat",
            },
            // Withheld trends sort below every slope.
            slope = s.slope_per_year.map_or(String::new(), |x| x.to_string()),
            trend = minus(&escape(&trend_cell(s))),
            withheld = s.trend_withheld.as_ref().map_or(String::new(), |reason| {
                format!(" title=\"withheld: {}\"", escape(reason))
            }),
            first = escape(s.first_period.as_deref().unwrap_or("–")),
            last = escape(s.last_period.as_deref().unwrap_or("–")),
            single = single_quote_periods(s),
            periods = s.periods.len(),
            spark = sparkline_svg(s, range),
        );
    }
    let _ = write!(
        html,
        "</tbody>\n</table>\n<p class=\"legend\">Sparklines share one scale: bars rise above the \
         middle line for positive tone and fall below it for negative, up to ±1; a dot is a \
         {period} without quotes; a hollow bar has no interval (one quote, or quotes that all read \
         alike). Trend = {trend} \
         Click a column header to sort.</p>\n</section>\n",
        period = trends.period,
        trend = escape(&trend_legend(trends)),
    );
}

/// What the period table's label columns are: the shares of the model's labels, which the
/// estimated tone (from the probabilities, corrected for the model's error rates) need not
/// match.
const LABEL_SHARE_TITLE: &str = "Share of the period's quotes that the model labels so; the \
                                 tone is estimated from the probabilities and the model's \
                                 error rates, so it need not equal positive minus negative";
fn speaker_section(html: &mut String, index: usize, s: &SpeakerTrend, trends: &Trends) {
    let _ = write!(
        html,
        "<section class=\"card speaker\" id=\"speaker-{index}\">\n<h2>{name}</h2>\n\
         <p class=\"meta\">n = {n}{undated} · tone {mean} · trend {trend}</p>\n",
        name = escape(&s.speaker),
        n = s.n,
        undated = if s.undated > 0 {
            format!(" ({} undated)", s.undated)
        } else {
            String::new()
        },
        mean = minus(&signed(s.tone)),
        trend = match &s.trend_withheld {
            Some(reason) => format!(
                "– <span class=\"muted\">(withheld: {})</span>",
                escape(reason)
            ),
            None => minus(&escape(&trend_cell(s))),
        },
    );
    if !s.periods.is_empty() {
        let _ = write!(
            html,
            "<table class=\"periods\">\n<thead><tr><th>{}</th><th class=\"num\">n</th>\
             <th class=\"num\">Tone</th><th class=\"num\">95% interval</th>\
             <th class=\"num\" title=\"{LABEL_SHARE_TITLE}\">Labeled positive</th>\
             <th class=\"num\" title=\"{LABEL_SHARE_TITLE}\">neutral</th>\
             <th class=\"num\" title=\"{LABEL_SHARE_TITLE}\">negative</th></tr></thead>\n<tbody>\n",
            capitalized(trends.period.as_str())
        );
        for p in &s.periods {
            let interval = match p.interval {
                Some(i) => minus(&format!("{} … {}", signed(i.low), signed(i.high))),
                None if p.n == 1 => "<span class=\"muted\">single quote</span>".to_string(),
                None => "<span class=\"muted\">all alike</span>".to_string(),
            };
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{interval}</td><td class=\"num\">{:.0}%</td>\
                 <td class=\"num\">{:.0}%</td><td class=\"num\">{:.0}%</td></tr>",
                escape(&p.period),
                p.n,
                tone_chip(p.tone),
                p.share_positive * 100.0,
                p.share_neutral * 100.0,
                p.share_negative * 100.0,
            );
        }
        html.push_str("</tbody>\n</table>\n");
    }
    let _ = write!(
        html,
        "<details{open}>\n<summary>{n} quotes</summary>\n<table class=\"sortable quotes\">\n\
         <thead><tr><th data-type=\"text\">Date</th><th data-type=\"text\">{period}</th>\
         <th data-type=\"text\">Article</th><th class=\"nosort\">Quote</th>\
         <th data-type=\"num\" class=\"num\">Tone</th></tr></thead>\n<tbody>\n",
        // Long lists start folded so the page stays scannable.
        open = if s.quotes.len() <= 40 { " open" } else { "" },
        n = s.quotes.len(),
        period = capitalized(trends.period.as_str()),
    );
    for q in &s.quotes {
        let (date, period) = match q.date {
            Some(d) => (d.to_string(), trends.period.key(d).to_string()),
            None => (String::new(), "undated".to_string()),
        };
        let (r, g, b) = tone_tint(q.tone);
        let _ = writeln!(
            html,
            "<tr class=\"quote\" style=\"background:rgb({r},{g},{b})\">\
             <td data-sort=\"{date}\">{date_text}</td><td>{period}</td>\
             <td class=\"article\">{article}</td><td class=\"text\">{quote}</td>\
             <td class=\"num\" data-sort=\"{tone}\">{chip}</td></tr>",
            date_text = if date.is_empty() { "–" } else { &date },
            article = article_cell(q),
            quote = escape(&q.quote),
            tone = q.tone,
            chip = tone_chip(q.tone),
        );
    }
    html.push_str("</tbody>\n</table>\n</details>\n</section>\n");
}

/// The article of a quote: its title, else its address or file name, linked when the input
/// gives an `http(s)` address; the article's path or id as a tooltip.
fn article_cell(q: &TrendQuote) -> String {
    let web = q.url.as_deref().and_then(web_address);
    let name = match (&q.title, web) {
        (Some(title), _) => title.clone(),
        // No title: the address without its scheme, else the file name.
        (None, Some(url)) => url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .to_string(),
        (None, None) => file_name(&q.article).to_string(),
    };
    let tooltip = if q.article.is_empty() || q.article == name || Some(q.article.as_str()) == web {
        String::new()
    } else {
        format!(" title=\"{}\"", escape(&q.article))
    };
    match web {
        Some(url) => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\"{tooltip}>{}</a>",
            escape(url),
            escape(&name)
        ),
        None => format!("<span{tooltip}>{}</span>", escape(&name)),
    }
}

/// `url` trimmed, when it is an `http://` or `https://` address (any other scheme, such as
/// `javascript:`, or a path is never made a link).
fn web_address(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme = url.split_once("://").map(|(scheme, _)| scheme)?;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    (web && !url.chars().any(char::is_whitespace)).then_some(url)
}

/// The last component of a path (`/` or `\\` separated), or the whole text.
fn file_name(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if name.is_empty() {
        path
    } else {
        name
    }
}

/// Inline SVG sparkline: one diverging bar per period of `range` on a fixed ±1 scale.
fn sparkline_svg(s: &SpeakerTrend, range: &[PeriodKey]) -> String {
    const HEIGHT: f64 = 28.0;
    let slot = (168.0 / range.len().max(1) as f64).clamp(3.0, 14.0);
    let width = slot * range.len() as f64;
    let mid = HEIGHT / 2.0;
    let scale = HEIGHT / 2.0 - 1.5;
    let mut svg = format!(
        "<svg class=\"sparkline\" width=\"{width:.0}\" height=\"{HEIGHT:.0}\" \
         viewBox=\"0 0 {width:.1} {HEIGHT:.0}\" role=\"img\" aria-label=\"tone per period\">\
         <line x1=\"0\" y1=\"{mid}\" x2=\"{width:.1}\" y2=\"{mid}\" stroke=\"#c8c8c8\" stroke-width=\"1\"/>"
    );
    for (i, key) in range.iter().enumerate() {
        let x = i as f64 * slot;
        match s.periods.iter().find(|p| p.key() == *key) {
            None => {
                let _ = write!(
                    svg,
                    "<circle cx=\"{:.1}\" cy=\"{mid}\" r=\"1\" fill=\"#bbb\"/>",
                    x + slot / 2.0
                );
            }
            Some(p) => {
                // At least 1.5 px so that a mean of exactly 0 still shows.
                let h = (p.tone.abs() * scale).max(1.5);
                let y = if p.tone >= 0.0 { mid - h } else { mid };
                let (r, g, b) = tone_strong(p.tone);
                let bar_w = (slot - 1.0).max(1.0);
                let paint = if p.interval.is_none() {
                    format!("fill=\"none\" stroke=\"rgb({r},{g},{b})\" stroke-width=\"1\"")
                } else {
                    format!("fill=\"rgb({r},{g},{b})\"")
                };
                let (px, pw, py, ph) = if p.interval.is_none() {
                    // Inset so the stroke stays inside the slot.
                    (x + 1.0, (bar_w - 1.0).max(1.0), y + 0.5, (h - 1.0).max(1.0))
                } else {
                    (x + 0.5, bar_w, y, h)
                };
                let _ = write!(
                    svg,
                    "<rect x=\"{px:.1}\" y=\"{py:.1}\" width=\"{pw:.1}\" height=\"{ph:.1}\" {paint}>\
                     <title>{}: {} (n = {})</title></rect>",
                    escape(&p.period),
                    minus(&signed(p.tone)),
                    p.n
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A tone value with a coloured dot: `● −0.40`.
fn tone_chip(tone: f64) -> String {
    let (r, g, b) = tone_strong(tone);
    format!(
        "<span class=\"tone\"><span class=\"dot\" style=\"background:rgb({r},{g},{b})\"></span>{}</span>",
        minus(&signed(tone))
    )
}

/// Typographic minus signs for numbers shown to readers (the terminal table keeps ASCII).
fn minus(text: &str) -> String {
    text.replace('-', "−")
}

/// Strong red–grey–green for a tone in [−1, 1] (dots and bars).
fn tone_strong(tone: f64) -> (u8, u8, u8) {
    blend(tone, (196, 48, 43), (150, 150, 150), (46, 139, 87))
}

/// Light red–grey–green for backgrounds behind text.
fn tone_tint(tone: f64) -> (u8, u8, u8) {
    blend(tone, (250, 214, 210), (246, 246, 246), (212, 240, 218))
}

/// Linear blend from `neutral` towards `negative` or `positive` by |tone|.
fn blend(
    tone: f64,
    negative: (u8, u8, u8),
    neutral: (u8, u8, u8),
    positive: (u8, u8, u8),
) -> (u8, u8, u8) {
    let t = if tone.is_finite() {
        tone.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let target = if t < 0.0 { negative } else { positive };
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t.abs()).round() as u8;
    (
        mix(neutral.0, target.0),
        mix(neutral.1, target.1),
        mix(neutral.2, target.2),
    )
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1f2328; --muted: #656d76; --line: #d8dee4; --bg: #f6f8fa; --card: #fff; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 650; }
h2 { font-size: 17px; margin: 0 0 10px; font-weight: 620; }
.meta { color: var(--muted); margin: 0 0 12px; }
header { margin-bottom: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 0 0 18px; }
.chart { padding: 8px; }
.chart svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
.summary td { vertical-align: middle; }
.summary a { color: var(--accent); text-decoration: none; font-weight: 550; }
.summary a:hover { text-decoration: underline; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 8px; vertical-align: baseline; }
.swatch.none { border: 1px solid var(--line); }
.tone { white-space: nowrap; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 6px; vertical-align: baseline; }
.trend.rising { color: #1f7a45; } .trend.falling { color: #b3261e; } .trend.flat { color: var(--muted); }
.spark { padding-top: 3px; padding-bottom: 3px; }
.sparkline { display: block; }
.legend { color: var(--muted); font-size: 12.5px; margin: 10px 0 0; }
.periods { margin: 4px 0 12px; width: auto; min-width: 60%; }
.muted { color: var(--muted); }
details summary { cursor: pointer; color: var(--accent); margin: 4px 0 8px; font-weight: 550; }
.quotes td.text { max-width: 640px; }
.quotes td.article { color: var(--muted); font-size: 12.5px; overflow-wrap: anywhere; max-width: 220px; }
.quotes td.article a { color: var(--accent); text-decoration: none; }
.quotes td.article a:hover { text-decoration: underline; }
.quotes tr.quote td { border-bottom: 1px solid rgba(255,255,255,.9); }
.js table.sortable th:not(.nosort) { cursor: pointer; user-select: none; }
.js table.sortable th:not(.nosort):hover { color: var(--ink); }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
footer { color: var(--muted); font-size: 12.5px; margin-top: 8px; }
"#;

/// Sorts a table by a clicked header: numbers by `data-sort`, text by `data-sort` or the cell
/// text; a second click reverses. Adds class `js` to <html> last, so headers look clickable
/// only where sorting works.
const SCRIPT: &str = r#"
(function () {
  "use strict";
  function key(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) { return numeric ? -Infinity : ""; }
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (numeric) { var x = parseFloat(raw); return isNaN(x) ? -Infinity : x; }
    return raw.trim().toLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      if (th.classList.contains("nosort")) { return; }
      th.setAttribute("tabindex", "0");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.getAttribute("data-type") === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var ka = key(a, index, numeric), kb = key(b, index, numeric);
          var c = ka < kb ? -1 : ka > kb ? 1 : 0;
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });
  document.documentElement.classList.add("js");
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_matters() {
        assert_eq!(
            escape(r#"<a href='x'>&"#),
            "&lt;a href=&#39;x&#39;&gt;&amp;"
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            web_address(" https://a.org/x?y=1 "),
            Some("https://a.org/x?y=1")
        );
        assert_eq!(web_address("HTTP://a.org"), Some("HTTP://a.org"));
        assert_eq!(web_address("javascript:alert(1)"), None);
        assert_eq!(web_address("javascript://%0aalert(1)"), None);
        assert_eq!(web_address("seeds/000.txt"), None);
        assert_eq!(web_address("https://a.org/x y"), None);
        assert_eq!(file_name("seeds/000_a.txt"), "000_a.txt");
        assert_eq!(file_name("C:\\news\\b.txt"), "b.txt");
        assert_eq!(file_name("dir/"), "dir/");
        assert_eq!(file_name("art01"), "art01");
    }

    #[test]
    fn tone_colours_run_red_grey_green() {
        assert_eq!(tone_strong(-1.0), (196, 48, 43));
        assert_eq!(tone_strong(0.0), (150, 150, 150));
        assert_eq!(tone_strong(1.0), (46, 139, 87));
        assert_eq!(tone_tint(f64::NAN), (246, 246, 246));
    }
}
