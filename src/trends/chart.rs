//! The trends chart: one line per speaker over time, with interval bands.
//!
//! x = period midpoints (as dates), y = mean tone; a semi-transparent band is the 95% interval
//! of the mean, a hollow point a period without one (a single quote, or quotes that all read
//! alike). A speaker's line joins adjacent periods only: it breaks where a period has no
//! quotes, and a period with no neighbour is a lone point. The y axis ([`y_axis`]) fits the plotted means and intervals by
//! default ([`YScale::Fit`]), or spans the whole scale −1…+1 ([`YScale::Fixed`]); the axis
//! title says which. SVG by default; PNG when the path ends in `.png`, rasterised from the same SVG
//! by resvg. Text is measured (plotters with ab_glyph) and drawn into PNGs (resvg) with the
//! DejaVu Sans font embedded by the `dejavu` crate, so no system font is needed; the SVG names
//! `sans-serif` and lets the viewer draw it.

use std::ops::Range;
use std::path::Path;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use super::aggregate::{fractional_year, PeriodStats, SpeakerTrend, Trends};
use super::quantify::Estimate;
use crate::{Error, Result};

/// Chart size in pixels.
pub const CHART_SIZE: (u32, u32) = (1100, 560);

/// The chart shows at most this many speakers (those with most quotes); more lines would be
/// unreadable. The title says when speakers were left out.
pub const MAX_CHART_SPEAKERS: usize = 6;

/// Width of the legend panel on the right.
const LEGEND_WIDTH: u32 = 250;

/// Tableau 10: distinct, colour-blind-aware line colours.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

const FONT: &str = "sans-serif";
const AXIS_GREY: RGBColor = RGBColor(90, 90, 90);
const GRID_GREY: RGBColor = RGBColor(228, 228, 228);

/// How the chart's y axis is scaled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum YScale {
    /// From the lowest to the highest plotted mean or interval bound, 0 included, padded and
    /// rounded out to ticks: differences between speakers and periods stay visible when tones
    /// are compressed near 0.
    #[default]
    Fit,
    /// The whole tone scale, −1 … +1, the same for every chart.
    Fixed,
}

/// `fit` or `fixed`, as on the command line (any case).
impl FromStr for YScale {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "fit" => Ok(YScale::Fit),
            "fixed" => Ok(YScale::Fixed),
            other => Err(Error::InvalidParams(format!(
                "y scale {other:?} is not `fit` (the data's range) or `fixed` (−1 to +1)"
            ))),
        }
    }
}

/// How the chart is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChartOptions {
    /// The y axis's span.
    pub y_scale: YScale,
}

/// The chart's y axis: the range drawn and the ticks labelled.
#[derive(Clone, Debug, PartialEq)]
pub struct YAxis {
    /// The axis's range.
    pub range: Range<f64>,
    /// Where the ticks are.
    pub ticks: Vec<f64>,
}

/// Tick steps a fitted axis may use, finest first; each divides 1, so that ticks land on ±1.
const Y_STEPS: [f64; 5] = [0.05, 0.1, 0.2, 0.25, 0.5];

/// At most this many intervals between y ticks.
const MAX_Y_INTERVALS: f64 = 8.0;

/// A fitted axis spans at least this much tone, so that noise around 0 is not blown up.
const MIN_FIT_SPAN: f64 = 0.2;

/// The y axis for these speakers. [`YScale::Fixed`]: ticks every 0.5 from −1 to +1.
/// [`YScale::Fit`]: the lowest and highest mean and 95% interval bound of any period, and 0
/// (the neutral line), widened by 5% of their span on each side (at least 0.02, and to a span
/// of at least `MIN_FIT_SPAN`), clamped to [−1, 1], and rounded out to multiples of the
/// finest step in `Y_STEPS` that gives at most 8 intervals. Either way the range drawn
/// reaches 5% beyond the outer ticks, so that points on them are not cut.
pub fn y_axis(speakers: &[&SpeakerTrend], scale: YScale) -> YAxis {
    let (low, high, step) = match scale {
        YScale::Fixed => (-1.0, 1.0, 0.5),
        YScale::Fit => {
            let values = speakers
                .iter()
                .flat_map(|s| &s.periods)
                .flat_map(|p| {
                    let bounds = p.interval.map(|i| [i.low, i.high]);
                    std::iter::once(p.tone).chain(bounds.into_iter().flatten())
                })
                .filter(|v| v.is_finite());
            let (mut low, mut high) =
                values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
            let pad = ((high - low) * 0.05).max(0.02);
            low -= pad;
            high += pad;
            let grow = (MIN_FIT_SPAN - (high - low)).max(0.0) / 2.0;
            let (low, high) = ((low - grow).max(-1.0), (high + grow).min(1.0));
            let intervals = |step: f64| (high / step).ceil() - (low / step).floor();
            let step = Y_STEPS
                .into_iter()
                .find(|&step| intervals(step) <= MAX_Y_INTERVALS)
                .unwrap_or(0.5);
            (low, high, step)
        }
    };
    // Tick k is at k × step, rounded so that 3 × 0.1 is 0.3.
    let tick = |k: i32| (f64::from(k) * step * 1e6).round() / 1e6;
    let first = (low / step + 1e-9).floor() as i32;
    let last = (high / step - 1e-9).ceil() as i32;
    let ticks: Vec<f64> = (first..=last).map(tick).collect();
    let (bottom, top) = (tick(first), tick(last));
    let margin = (top - bottom) * 0.05;
    YAxis {
        range: bottom - margin..top + margin,
        ticks,
    }
}

/// The colour of the `index`-th speaker of the chart (also used by the HTML report).
pub fn speaker_color(index: usize) -> (u8, u8, u8) {
    let RGBColor(r, g, b) = PALETTE[index % PALETTE.len()];
    (r, g, b)
}

/// Renders the chart to `path`: PNG if it ends in `.png` (any case), SVG otherwise.
pub fn render_chart(trends: &Trends, options: &ChartOptions, path: &Path) -> Result<()> {
    let format = ChartFormat::of_path(path)?;
    let svg = chart_svg_string(trends, options)?;
    let bytes = match format {
        ChartFormat::Png => svg_to_png(&svg)
            .map_err(|message| Error::Data(format!("{}: {message}", path.display())))?,
        ChartFormat::Svg => svg.into_bytes(),
    };
    crate::output_file::write_atomically(path, &bytes)
}

/// The file formats of a chart, told by the file name's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartFormat {
    /// `.svg`
    Svg,
    /// `.png`
    Png,
}

impl ChartFormat {
    /// The format a chart at `path` is written in: `.svg` or `.png` (any case); any other
    /// name is refused, so that no file holds what its name does not say.
    pub fn of_path(path: &Path) -> Result<ChartFormat> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if extension.eq_ignore_ascii_case("svg") {
            Ok(ChartFormat::Svg)
        } else if extension.eq_ignore_ascii_case("png") {
            Ok(ChartFormat::Png)
        } else {
            Err(Error::OutputPath {
                path: path.to_path_buf(),
                problem: "a chart is written as SVG or PNG: name the file .svg or .png".into(),
            })
        }
    }
}

/// Pixels per SVG unit in PNGs: 2 for sharp text on high-density screens and in documents.
const PNG_SCALE: f32 = 2.0;

/// Rasterises a chart's SVG with resvg, its `sans-serif` text drawn in the embedded DejaVu
/// Sans (plotters' own bitmap text drawing drops the glyphs' side bearings).
pub fn svg_to_png(svg: &str) -> std::result::Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_font_data(dejavu::sans::regular().to_vec());
    fonts.load_font_data(dejavu::sans::bold().to_vec());
    fonts.set_sans_serif_family("DejaVu Sans");
    options.font_family = "DejaVu Sans".to_string();
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("reading the SVG: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(PNG_SCALE)
        .ok_or("chart too large")?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("chart too large")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("encoding the PNG: {e}"))
}

/// The chart as an SVG document, for embedding.
pub fn chart_svg_string(trends: &Trends, options: &ChartOptions) -> Result<String> {
    register_fonts()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, CHART_SIZE).into_drawing_area();
        draw(&root, trends, options)?;
        root.present().map_err(drawing_error)?;
    }
    Ok(svg)
}

/// Registers the embedded DejaVu Sans once per process (plotters keeps a global font table).
fn register_fonts() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Data(
            "the embedded chart font could not be loaded".into(),
        ))
    }
}

fn drawing_error<E: std::fmt::Display>(e: E) -> Error {
    Error::Data(format!("drawing the chart: {e}"))
}

/// The speakers drawn: those with dated quotes, most quotes first, at most
/// [`MAX_CHART_SPEAKERS`].
pub fn charted_speakers(trends: &Trends) -> Vec<&SpeakerTrend> {
    trends
        .speakers
        .iter()
        .filter(|s| !s.periods.is_empty())
        .take(MAX_CHART_SPEAKERS)
        .collect()
}

/// The plot's coordinates: years across, tone up, each axis with its own ticks.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickedAxis, TickedAxis>>;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    trends: &Trends,
    options: &ChartOptions,
) -> Result<()> {
    root.fill(&WHITE).map_err(drawing_error)?;
    let shown = charted_speakers(trends);
    // The x axis spans the speakers drawn, not those left out.
    let keys = shown
        .iter()
        .flat_map(|s| s.periods.iter().map(PeriodStats::key));
    let (Some(first), Some(last)) = (keys.clone().min(), keys.max()) else {
        root.draw(&Text::new(
            "No dated quotes to chart",
            (40, CHART_SIZE.1 as i32 / 2),
            (FONT, 20).into_font().color(&AXIS_GREY),
        ))
        .map_err(drawing_error)?;
        return Ok(());
    };
    let (plot_area, legend_area) = root.split_horizontally(CHART_SIZE.0 - LEGEND_WIDTH);
    let (x0, x1) = (fractional_year(first.start()), fractional_year(last.end()));
    let ticks = x_ticks(first.start(), last.end());
    let tick_label = |x: &f64| {
        ticks
            .iter()
            .find(|(t, _)| (t - x).abs() < 1e-9)
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    };
    let y = y_axis(&shown, options.y_scale);
    let (x_desc, y_desc) = axis_descriptions(trends.estimate, options.y_scale);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(
            chart_title(trends, shown.len()),
            (FONT, 22).into_font().style(FontStyle::Bold),
        )
        .margin_top(14)
        .margin_left(14)
        .margin_right(8)
        .x_label_area_size(50)
        .y_label_area_size(62)
        .build_cartesian_2d(
            TickedAxis {
                inner: (x0..x1).into(),
                ticks: ticks.iter().map(|(x, _)| *x).collect(),
            },
            TickedAxis {
                inner: y.range.into(),
                ticks: y.ticks,
            },
        )
        .map_err(drawing_error)?;
    chart
        .configure_mesh()
        .bold_line_style(GRID_GREY)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS_GREY)
        .x_label_formatter(&tick_label)
        .y_label_formatter(&|y| y_label(*y))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style((FONT, 13).into_font().color(&AXIS_GREY))
        .axis_desc_style((FONT, 14).into_font().color(&AXIS_GREY))
        .draw()
        .map_err(drawing_error)?;
    // Zero line: neither positive nor negative on balance.
    chart
        .draw_series(LineSeries::new(
            [(x0, 0.0), (x1, 0.0)],
            RGBColor(120, 120, 120).stroke_width(1),
        ))
        .map_err(drawing_error)?;
    let cap_half_width = (x1 - x0) * 0.006;
    for (index, speaker) in shown.iter().enumerate() {
        let color = PALETTE[index % PALETTE.len()];
        draw_intervals(&mut chart, speaker, color, cap_half_width)?;
        draw_tones(&mut chart, speaker, color)?;
    }
    draw_legend(&legend_area, &shown, trends.estimate)
}

/// The chart's title, saying how many of the speakers with dated quotes are drawn.
fn chart_title(trends: &Trends, shown: usize) -> String {
    let with_dates = trends
        .speakers
        .iter()
        .filter(|s| !s.periods.is_empty())
        .count();
    let mut title = format!("Tone toward U.S.–Russia relations, per {}", trends.period);
    if with_dates > shown {
        title.push_str(&format!(" (top {shown} of {with_dates} speakers)"));
    }
    title
}

/// What the axes show: (x, y) descriptions for the estimate and the y scale.
fn axis_descriptions(estimate: Estimate, y_scale: YScale) -> (String, String) {
    let quantity = match estimate {
        Estimate::Mean => "Mean tone, P(pos) − P(neg)",
        Estimate::Acc | Estimate::Pacc => "Tone: share positive − share negative (estimated)",
    };
    let y_desc = match y_scale {
        YScale::Fit => format!("{quantity}  ·  axis fitted to the data"),
        YScale::Fixed => format!("{quantity}  ·  full scale −1 to +1"),
    };
    let x_desc = format!(
        "Period midpoint   ·   band: 95% interval of the {}   ·   hollow point: no interval \
         (one quote, or all read alike)   ·   line broken: a period without quotes",
        match estimate {
            Estimate::Mean => "mean",
            Estimate::Acc | Estimate::Pacc => "estimate",
        }
    );
    (x_desc, y_desc)
}

/// A speaker's intervals: bands over runs of adjacent periods that have one (a band across a
/// gap would claim knowledge of the gap); a lone interval is an error bar with caps.
fn draw_intervals<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    speaker: &SpeakerTrend,
    color: RGBColor,
    cap_half_width: f64,
) -> Result<()> {
    for run in runs(&speaker.periods, |p| p.interval.is_some()) {
        let bounds: Vec<(f64, f64, f64)> = run
            .iter()
            .filter_map(|p| {
                p.interval
                    .map(|i| (fractional_year(p.midpoint), i.low, i.high))
            })
            .collect();
        if let [(x, low, high)] = bounds[..] {
            let stroke = color.mix(0.5).stroke_width(2);
            let segments = [
                vec![(x, low), (x, high)],
                vec![(x - cap_half_width, low), (x + cap_half_width, low)],
                vec![(x - cap_half_width, high), (x + cap_half_width, high)],
            ];
            chart
                .draw_series(segments.into_iter().map(|s| PathElement::new(s, stroke)))
                .map_err(drawing_error)?;
        } else if bounds.len() > 1 {
            let outline: Vec<(f64, f64)> = bounds
                .iter()
                .map(|(x, _, high)| (*x, *high))
                .chain(bounds.iter().rev().map(|(x, low, _)| (*x, *low)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    color.mix(0.12).filled(),
                )))
                .map_err(drawing_error)?;
        }
    }
    Ok(())
}

/// A speaker's tone per period: a line joining adjacent periods only (no quotes in a period,
/// no line across it), a point per period, hollow where it has no interval.
fn draw_tones<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    speaker: &SpeakerTrend,
    color: RGBColor,
) -> Result<()> {
    let point = |p: &PeriodStats| (fractional_year(p.midpoint), p.tone);
    for run in runs(&speaker.periods, |_| true) {
        if run.len() > 1 {
            chart
                .draw_series(LineSeries::new(
                    run.iter().map(point),
                    color.stroke_width(2),
                ))
                .map_err(drawing_error)?;
        }
    }
    chart
        .draw_series(speaker.periods.iter().map(|p| {
            let style = if p.interval.is_none() {
                WHITE.filled()
            } else {
                color.filled()
            };
            Circle::new(point(p), 4, style)
        }))
        .map_err(drawing_error)?;
    // Outline for the hollow points (no interval).
    chart
        .draw_series(
            speaker
                .periods
                .iter()
                .filter(|p| p.interval.is_none())
                .map(|p| Circle::new(point(p), 4, color.stroke_width(2))),
        )
        .map_err(drawing_error)?;
    Ok(())
}

/// Maximal runs of adjacent periods (no period missing between them) that satisfy `keep`.
fn runs(periods: &[PeriodStats], keep: impl Fn(&PeriodStats) -> bool) -> Vec<&[PeriodStats]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 0..=periods.len() {
        let continues = i > 0
            && i < periods.len()
            && keep(&periods[i])
            && keep(&periods[i - 1])
            && periods[i - 1].key().next() == periods[i].key();
        if !continues {
            if i > start && keep(&periods[start]) {
                runs.push(&periods[start..i]);
            }
            start = i;
        }
    }
    runs
}

/// The legend panel: a coloured line and the speaker's name and counts.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    shown: &[&SpeakerTrend],
    estimate: Estimate,
) -> Result<()> {
    let top = 64;
    area.draw(&Text::new(
        "Speakers",
        (8, top - 26),
        (FONT, 15).into_font().style(FontStyle::Bold),
    ))
    .map_err(drawing_error)?;
    for (index, speaker) in shown.iter().enumerate() {
        let y = top + index as i32 * 42;
        let color = PALETTE[index % PALETTE.len()];
        area.draw(&PathElement::new(
            vec![(8, y + 8), (34, y + 8)],
            color.stroke_width(3),
        ))
        .map_err(drawing_error)?;
        area.draw(&Circle::new((21, y + 8), 4, color.filled()))
            .map_err(drawing_error)?;
        area.draw(&Text::new(
            crate::text::shorten(&speaker.speaker, 24),
            (42, y),
            (FONT, 14).into_font(),
        ))
        .map_err(drawing_error)?;
        let detail = format!(
            "n = {}, {} {}",
            speaker.n,
            match estimate {
                Estimate::Mean => "mean",
                Estimate::Acc | Estimate::Pacc => "tone",
            },
            super::table::signed(speaker.tone).replace('-', "−")
        );
        area.draw(&Text::new(
            detail,
            (42, y + 18),
            (FONT, 12).into_font().color(&AXIS_GREY),
        ))
        .map_err(drawing_error)?;
    }
    Ok(())
}

/// An f64 axis with the ticks we choose: for x (fractional years) month, quarter or year
/// starts, where plotters' own ticks would fall on round decimals such as 2019.2 (mid-March);
/// for y those of [`y_axis`].
struct TickedAxis {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only bold grid lines, at our ticks.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// `−1`, `−0.5`, `0`, `+0.5`, `+1`.
fn y_label(y: f64) -> String {
    if y.abs() < 1e-9 {
        "0".to_string()
    } else {
        let text = format!("{:+}", (y * 100.0).round() / 100.0);
        text.replace('-', "−")
    }
}

/// Tick positions and labels between two dates: the first of every 1, 3, 6, 12, 24, 60 or
/// 120 months, the smallest step that gives at most about 10 ticks. Year starts read `2019`, others
/// `2019-04`.
fn x_ticks(from: NaiveDate, to: NaiveDate) -> Vec<(f64, String)> {
    let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    let span = months(to) - months(from) + 1;
    let step = [1, 3, 6, 12, 24, 60, 120]
        .into_iter()
        .find(|step| span <= 9 * step)
        .unwrap_or(240);
    let mut ticks = Vec::new();
    let mut date = NaiveDate::from_ymd_opt(from.year(), from.month(), 1);
    while let Some(d) = date {
        if d > to {
            break;
        }
        if d >= from && months(d) % step == 0 {
            let label = if d.month() == 1 {
                d.year().to_string()
            } else {
                d.format("%Y-%m").to_string()
            };
            ticks.push((fractional_year(d), label));
        }
        date = d.checked_add_months(chrono::Months::new(1));
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trends::{aggregate, TrendOptions, TrendQuote};

    /// The fitted axis of one speaker with these tones, one quote a day from 2019-01-01.
    fn fitted(tones: &[f64]) -> YAxis {
        let quotes: Vec<TrendQuote> = tones
            .iter()
            .enumerate()
            .map(|(i, &tone)| TrendQuote {
                speaker: Some("A".into()),
                date: NaiveDate::from_ymd_opt(2019, 1, 1)
                    .and_then(|d| d.checked_add_days(chrono::Days::new(i as u64))),
                tone,
                label: "neutral".into(),
                relevant: true,
                quote: format!("words {i}"),
                article: "a.txt".into(),
                title: None,
                url: None,
                probabilities: Vec::new(),
            })
            .collect();
        let trends = aggregate(&quotes, &TrendOptions::default()).unwrap();
        y_axis(&charted_speakers(&trends), YScale::Fit)
    }

    #[test]
    fn fitted_axis_keeps_a_minimum_span_and_stays_within_the_scale() {
        // All neutral: not blown up, ±0.1 around the neutral line.
        assert_eq!(fitted(&[0.0, 0.0]).ticks, [-0.1, -0.05, 0.0, 0.05, 0.1]);
        // Positive tones only: 0 is still on the axis, padded off the frame by one step.
        let positive = fitted(&[0.3, 0.3]);
        assert_eq!(
            positive.ticks,
            [-0.05, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35]
        );
        // The whole scale: clamped to ±1, ticks every 0.25.
        let full = fitted(&[-1.0, 1.0, -1.0, 1.0]);
        assert_eq!(full.ticks.first(), Some(&-1.0));
        assert_eq!(full.ticks.last(), Some(&1.0));
        assert_eq!(full.ticks.len(), 9);
        assert!(full.range.start < -1.0 && full.range.end > 1.0);
        let fixed = y_axis(&[], YScale::Fixed);
        assert_eq!(fixed.ticks, [-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(fixed.range, -1.1..1.1);
    }

    #[test]
    fn ticks_follow_the_span() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let labels = |a, b| -> Vec<String> { x_ticks(a, b).into_iter().map(|t| t.1).collect() };
        assert_eq!(
            labels(d(2019, 4, 1), d(2019, 7, 1)),
            ["2019-04", "2019-05", "2019-06", "2019-07"]
        );
        assert_eq!(
            labels(d(2019, 1, 1), d(2020, 12, 31)),
            ["2019", "2019-04", "2019-07", "2019-10", "2020", "2020-04", "2020-07", "2020-10"]
        );
        assert_eq!(
            labels(d(2017, 4, 1), d(2021, 1, 1)),
            ["2017-07", "2018", "2018-07", "2019", "2019-07", "2020", "2020-07", "2021"]
        );
        assert_eq!(
            labels(d(2017, 1, 1), d(2022, 1, 1)),
            ["2017", "2018", "2019", "2020", "2021", "2022"]
        );
        assert_eq!(
            labels(d(2009, 1, 1), d(2026, 1, 1)),
            ["2010", "2012", "2014", "2016", "2018", "2020", "2022", "2024", "2026"]
        );
        assert_eq!(y_label(-0.5), "−0.5");
        assert_eq!(y_label(1.0), "+1");
        assert_eq!(y_label(0.0), "0");
    }
}
