//! Speaker × period statistics of tone.
//!
//! Over relevant quotes only, per canonical speaker and period: the number of quotes, the mean
//! tone, the shares of positive / neutral / negative labels and a 95% interval for the mean.
//! The interval is a **percentile bootstrap** (2,000 resamples with replacement of the period's
//! tones, ChaCha8 seeded from [`TrendOptions::seed`] and the speaker and period, so that every
//! cell's interval is reproducible and does not depend on which other speakers are shown).
//! A period with a single quote has no interval.
//!
//! Per speaker overall: the number of relevant quotes, the mean tone, the first and last
//! period, and a trend: the least-squares slope of tone against time in fractional years over
//! the dated quotes, given only when the quotes pass the [`TrendRule`] (by default ≥ 10 dated
//! quotes in ≥ 2 periods of ≥ 3 quotes each); otherwise withheld, with the reason.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::input::TrendQuote;
use super::quantify::{Estimate, Quantifier};
use crate::article::has_words;
use crate::model::TonePoles;
use crate::{Error, Result};

/// Length of the periods quotes are grouped into.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Calendar months, keyed `2019-05`.
    Month,
    /// Calendar quarters, keyed `2019-Q2`.
    #[default]
    Quarter,
    /// Calendar years, keyed `2019`.
    Year,
}

impl Period {
    /// The period containing `date`.
    pub fn key(self, date: NaiveDate) -> PeriodKey {
        let part = match self {
            Period::Month => date.month(),
            Period::Quarter => (date.month() - 1) / 3 + 1,
            Period::Year => 1,
        };
        PeriodKey {
            period: self,
            year: date.year(),
            part,
        }
    }

    /// The lowercase name used on the command line and in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    fn months(self) -> u32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Period {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "month" | "monthly" => Ok(Period::Month),
            "quarter" | "quarterly" => Ok(Period::Quarter),
            "year" | "yearly" | "annual" => Ok(Period::Year),
            other => Err(Error::InvalidParams(format!(
                "period {other:?} is not one of month, quarter, year"
            ))),
        }
    }
}

/// One month, quarter or year. Orders chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodKey {
    // Field order matters for the derived ordering: the period is the same within one
    // aggregation, then year, then part.
    period: Period,
    year: i32,
    /// Month 1–12, quarter 1–4, or 1 for a year.
    part: u32,
}

impl PeriodKey {
    /// First day of the period.
    pub fn start(&self) -> NaiveDate {
        let month = (self.part - 1) * self.period.months() + 1;
        // Month is 1..=12 by construction; the fallback only guards impossible keys.
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// First day of the next period (the end, exclusive).
    pub fn end(&self) -> NaiveDate {
        self.next().start()
    }

    /// The middle day of the period, where its point is drawn.
    pub fn midpoint(&self) -> NaiveDate {
        let start = self.start();
        start + (self.end() - start) / 2
    }

    /// The period after this one.
    pub fn next(&self) -> PeriodKey {
        let parts = 12 / self.period.months();
        if self.part >= parts {
            PeriodKey {
                year: self.year + 1,
                part: 1,
                ..*self
            }
        } else {
            PeriodKey {
                part: self.part + 1,
                ..*self
            }
        }
    }

    /// Every period from `first` to `last`, both included.
    pub fn range(first: PeriodKey, last: PeriodKey) -> Vec<PeriodKey> {
        let mut keys = Vec::new();
        let mut key = first;
        while key <= last {
            keys.push(key);
            key = key.next();
        }
        keys
    }
}

impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.period {
            Period::Month => write!(f, "{}-{:02}", self.year, self.part),
            Period::Quarter => write!(f, "{}-Q{}", self.year, self.part),
            Period::Year => write!(f, "{}", self.year),
        }
    }
}

/// What to aggregate and how.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendOptions {
    /// Period length.
    pub period: Period,
    /// Keep only these speakers (canonicalised like the quotes' speakers; case-insensitive),
    /// each by the whole name or the last word of it. Empty keeps everyone.
    pub speakers: Vec<String>,
    /// Leave out speakers with fewer relevant quotes than this.
    pub min_quotes: usize,
    /// Bootstrap resamples per interval.
    pub resamples: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Leave out quotes of fewer words ([`crate::article::word_count`], as `score
    /// --min-words`), counted in [`QuoteCounts::short`]. 0 keeps every quote.
    pub min_words: usize,
    /// When a speaker's quotes are enough for a trend.
    pub trend_rule: TrendRule,
    /// How a period's tone is estimated: `None` is the mean of the quotes' tones; a
    /// [`Quantifier`] estimates the label shares with the model's cross-validated rates.
    pub quantifier: Option<Quantifier>,
    /// The labels whose shares are `share_positive` and `share_negative` (the model's
    /// [`TonePoles`]); `share_neutral` is the share of every other label.
    pub tone_poles: TonePoles,
    /// Count every copy of a quotation. By default a speaker's quotation that several articles
    /// carry (syndicated copies, follow-ups quoting it again) counts once, its earliest dated
    /// copy kept, counted in [`QuoteCounts::duplicates`]: a corpus that reprints a statement
    /// ten times should not weigh it ten times.
    pub keep_duplicates: bool,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            period: Period::Quarter,
            speakers: Vec::new(),
            min_quotes: 1,
            resamples: 2000,
            seed: 42,
            min_words: 0,
            trend_rule: TrendRule::default(),
            quantifier: None,
            tone_poles: TonePoles::default(),
            keep_duplicates: false,
        }
    }
}

impl TrendOptions {
    /// The estimate periods are given by.
    pub fn estimate(&self) -> Estimate {
        self.quantifier
            .as_ref()
            .map_or(Estimate::Mean, Quantifier::estimate)
    }
}

/// When a speaker's trend (slope and arrow) is shown: at least `min_quotes` dated quotes, and
/// at least `min_periods` periods holding `min_per_period` quotes or more each.
///
/// The default, 10 quotes in 2 periods of 3: a slope needs two moments that each rest on more
/// than one or two quotes (with fewer, one quote decides the direction), and a total with
/// which dropping any single quote seldom flips the arrow (README, "Trends").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TrendRule {
    /// Dated quotes needed.
    pub min_quotes: usize,
    /// Periods needed.
    pub min_periods: usize,
    /// Quotes needed in each of those periods.
    pub min_per_period: usize,
}

impl Default for TrendRule {
    fn default() -> Self {
        TrendRule {
            min_quotes: 10,
            min_periods: 2,
            min_per_period: 3,
        }
    }
}

impl TrendRule {
    /// Why quotes in periods of these sizes (dated quotes only) are too few for a trend, or
    /// `None` when they are enough.
    pub fn withheld(&self, period_sizes: &[usize]) -> Option<String> {
        let dated: usize = period_sizes.iter().sum();
        let full = period_sizes
            .iter()
            .filter(|&&n| n >= self.min_per_period)
            .count();
        if dated < self.min_quotes {
            let quotes = if dated == 1 { "quote" } else { "quotes" };
            Some(format!(
                "{dated} dated {quotes}, {} needed",
                self.min_quotes
            ))
        } else if full < self.min_periods {
            let periods = if full == 1 { "period" } else { "periods" };
            Some(format!(
                "{full} {periods} with ≥ {} quotes, {} needed",
                self.min_per_period, self.min_periods
            ))
        } else {
            None
        }
    }

    /// The rule in words, for footers: `≥ 10 dated quotes in ≥ 2 periods of ≥ 3 quotes each`.
    pub fn describe(&self) -> String {
        format!(
            "≥ {} dated quotes in ≥ {} periods of ≥ {} quotes each",
            self.min_quotes, self.min_periods, self.min_per_period
        )
    }
}

/// A confidence interval for a mean.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Statistics of one speaker in one period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeriodStats {
    /// The period's key: `2019-05`, `2019-Q2` or `2019`.
    pub period: String,
    /// First day of the period.
    pub start: NaiveDate,
    /// First day of the next period.
    pub end: NaiveDate,
    /// Middle of the period, where it is plotted.
    pub midpoint: NaiveDate,
    /// Relevant dated quotes in the period.
    pub n: usize,
    /// The period's tone by [`Trends::estimate`]: the mean tone, or share positive − share
    /// negative as estimated.
    pub tone: f64,
    /// Mean of the quotes' tones (equal to `tone` when the estimate is the mean).
    pub mean_tone: f64,
    /// 95% bootstrap interval of `tone`; `None` with a single quote.
    pub interval: Option<Interval>,
    /// Shares of labels `positive`, `neutral`, `negative` (other labels count in none).
    pub share_positive: f64,
    /// Share of quotes labeled neither pole.
    pub share_neutral: f64,
    /// Share of quotes labeled the negative pole.
    pub share_negative: f64,
    #[serde(skip)]
    key: PeriodKey,
}

impl PeriodStats {
    /// The period as a key, for ordering and arithmetic.
    pub fn key(&self) -> PeriodKey {
        self.key
    }
}

/// Direction of a speaker's trend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Tone rising.
    Rising,
    /// Tone flat (|slope| below the threshold).
    Flat,
    /// Tone falling.
    Falling,
}

impl Direction {
    /// A slope (tone per year) below this in absolute value is called flat: 0.05/yr moves the
    /// tone by a fortieth of its range per year, too little to tell from noise at these counts.
    pub const FLAT_BELOW: f64 = 0.05;

    fn of(slope: f64) -> Direction {
        if slope >= Self::FLAT_BELOW {
            Direction::Rising
        } else if slope <= -Self::FLAT_BELOW {
            Direction::Falling
        } else {
            Direction::Flat
        }
    }

    /// ↗, → or ↘.
    pub fn arrow(self) -> char {
        match self {
            Direction::Rising => '↗',
            Direction::Flat => '→',
            Direction::Falling => '↘',
        }
    }
}

/// One speaker's statistics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpeakerTrend {
    /// Canonical name.
    pub speaker: String,
    /// Relevant quotes, dated or not.
    pub n: usize,
    /// Relevant quotes without a date (in `n` and the mean, in no period).
    pub undated: usize,
    /// Tone of all relevant quotes by [`Trends::estimate`].
    pub tone: f64,
    /// Mean of the quotes' tones.
    pub mean_tone: f64,
    /// First and last period with a dated quote.
    pub first_period: Option<String>,
    /// The last period with quotes.
    pub last_period: Option<String>,
    /// Least-squares slope of tone per year over the dated quotes; `None` when withheld.
    pub slope_per_year: Option<f64>,
    /// Sign of the slope, with a dead band of [`Direction::FLAT_BELOW`]; `None` when withheld.
    pub direction: Option<Direction>,
    /// Why the trend is withheld (too few quotes for [`TrendOptions::trend_rule`]), or `None`
    /// when it is given.
    pub trend_withheld: Option<String>,
    /// One entry per period with quotes, in order.
    pub periods: Vec<PeriodStats>,
    /// The relevant quotes behind the numbers, dated ones by date, then the undated.
    #[serde(skip)]
    pub quotes: Vec<TrendQuote>,
}

/// How many input quotes went where: nothing is dropped silently.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QuoteCounts {
    /// All quotes read.
    pub total: usize,
    /// Not about U.S.–Russia relations: excluded.
    pub irrelevant: usize,
    /// Relevant but fewer words than [`TrendOptions::min_words`]: excluded.
    pub short: usize,
    /// Relevant but with no speaker: excluded.
    pub unattributed: usize,
    /// Further copies of a speaker's quotation already counted ([`TrendOptions::keep_duplicates`]).
    pub duplicates: usize,
    /// Relevant quotes of speakers not in `--speakers`.
    pub other_speakers: usize,
    /// Speakers left out by `--min-quotes`, and their relevant quotes.
    pub below_min_speakers: usize,
    /// Speakers left out for fewer quotes than the minimum.
    pub below_min_quotes: usize,
    /// Relevant quotes of the speakers shown that have no date (counted, in no period).
    pub undated: usize,
    /// Relevant quotes in the statistics (dated or not).
    pub used: usize,
}

/// The result of [`aggregate`]: one entry per speaker, by number of quotes then name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trends {
    /// Period length.
    pub period: Period,
    /// How the intervals were computed, for outputs to say.
    pub interval_method: String,
    /// How period tones were estimated.
    pub estimate: Estimate,
    /// Quotes of fewer words were left out ([`TrendOptions::min_words`]).
    pub min_words: usize,
    /// When a trend is given ([`TrendOptions::trend_rule`]).
    pub trend_rule: TrendRule,
    /// Where the input quotes went.
    pub counts: QuoteCounts,
    /// `--speakers` entries that matched nobody.
    pub unmatched_speakers: Vec<String>,
    /// The speakers, by number of quotes (descending) then name.
    pub speakers: Vec<SpeakerTrend>,
}

impl Trends {
    /// Every period from the earliest to the latest shown, gaps included: the common x axis.
    pub fn period_range(&self) -> Vec<PeriodKey> {
        let keys = self
            .speakers
            .iter()
            .flat_map(|s| s.periods.iter().map(PeriodStats::key));
        match (keys.clone().min(), keys.max()) {
            (Some(first), Some(last)) => PeriodKey::range(first, last),
            _ => Vec::new(),
        }
    }
}

/// Aggregates quotes with speaker names taken as they are. See [`aggregate_with`].
pub fn aggregate(quotes: &[TrendQuote], options: &TrendOptions) -> Result<Trends> {
    aggregate_with(quotes, options, &|name: &str| name.to_string())
}

/// Aggregates quotes per canonical speaker (`canonical` maps a name to its canonical form, e.g.
/// an alias table's lookup; a name mapped to "" counts as unattributed) and period.
///
/// Fails on a tone that is not a number within [−1, 1], and on fewer than 100 resamples.
pub fn aggregate_with(
    quotes: &[TrendQuote],
    options: &TrendOptions,
    canonical: &dyn Fn(&str) -> String,
) -> Result<Trends> {
    if options.resamples < 100 {
        return Err(Error::InvalidParams(format!(
            "{} bootstrap resamples are too few for a 95% interval; use at least 100",
            options.resamples
        )));
    }
    check_estimable(quotes, options)?;
    let mut groups = Groups::new(quotes.len(), options, canonical);
    for (index, quote) in quotes.iter().enumerate() {
        if !quote.tone.is_finite() || quote.tone.abs() > 1.0 + 1e-9 {
            return Err(Error::Data(format!(
                "quote {} (article {:?}) has tone {}, outside [-1, 1]",
                index + 1,
                quote.article,
                quote.tone
            )));
        }
        if let Some(name) = groups.speaker_of(quote) {
            groups.keep(name, quote);
        }
    }
    let Groups {
        mut counts,
        by_speaker,
        wanted,
        matched,
        ..
    } = groups;
    let mut speakers = Vec::new();
    for (name, quotes) in by_speaker {
        if quotes.len() < options.min_quotes {
            counts.below_min_speakers += 1;
            counts.below_min_quotes += quotes.len();
            continue;
        }
        let trend = speaker_trend(name, quotes, options);
        counts.undated += trend.undated;
        counts.used += trend.n;
        speakers.push(trend);
    }
    speakers.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| a.speaker.cmp(&b.speaker)));
    Ok(Trends {
        period: options.period,
        interval_method: format!(
            "95% percentile bootstrap of the {} ({} resamples, seed {}); none for a single quote, nor for quotes that all read alike",
            match options.estimate() {
                Estimate::Mean => "mean",
                _ => "estimate",
            },
            options.resamples,
            options.seed
        ),
        estimate: options.estimate(),
        min_words: options.min_words,
        trend_rule: options.trend_rule,
        counts,
        unmatched_speakers: wanted
            .into_iter()
            .map(|(original, _)| original)
            .filter(|original| !matched.contains(original))
            .collect(),
        speakers,
    })
}

/// With class-share estimates, every quote must give the quantifier what it needs: the
/// first that does not is an error naming it.
fn check_estimable(quotes: &[TrendQuote], options: &TrendOptions) -> Result<()> {
    let Some(quantifier) = &options.quantifier else {
        return Ok(());
    };
    match quotes
        .iter()
        .enumerate()
        .find(|(_, q)| quantifier.observation(&q.label, &q.probabilities).is_none())
    {
        None => Ok(()),
        Some((index, q)) => Err(Error::QuoteCannotBeEstimated {
            quote: index + 1,
            article: q.article.clone(),
            missing: match quantifier.estimate() {
                Estimate::Acc => "label the model knows",
                _ => "probability of each of the model's classes, and of no other",
            },
            estimate: quantifier.estimate().as_str().to_string(),
        }),
    }
}

/// The quotes of each canonical speaker, as [`aggregate_with`] gathers them, and the counts
/// of those left out.
struct Groups<'q, 'o> {
    options: &'o TrendOptions,
    canonical: &'o dyn Fn(&str) -> String,
    counts: QuoteCounts,
    /// The speakers asked for: (as written, canonical lower-cased).
    wanted: Vec<(String, String)>,
    /// The speakers asked for that have quotes, as written.
    matched: BTreeSet<String>,
    by_speaker: BTreeMap<String, Vec<&'q TrendQuote>>,
    /// (speaker, quotation's words) → where its kept copy is in `by_speaker[speaker]`.
    copies: HashMap<(String, String), usize>,
}

impl<'q, 'o> Groups<'q, 'o> {
    fn new(total: usize, options: &'o TrendOptions, canonical: &'o dyn Fn(&str) -> String) -> Self {
        let wanted = options
            .speakers
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| (s.to_string(), canonical(s).to_lowercase()))
            .collect();
        Groups {
            options,
            canonical,
            counts: QuoteCounts {
                total,
                ..QuoteCounts::default()
            },
            wanted,
            matched: BTreeSet::new(),
            by_speaker: BTreeMap::new(),
            copies: HashMap::new(),
        }
    }

    /// The canonical speaker of a quote that counts (relevant, long enough, attributed, by
    /// a speaker asked for); `None`, counted by why, for one that does not.
    fn speaker_of(&mut self, quote: &TrendQuote) -> Option<String> {
        let counts = &mut self.counts;
        if !quote.relevant {
            counts.irrelevant += 1;
            return None;
        }
        if !has_words(&quote.quote, self.options.min_words) {
            counts.short += 1;
            return None;
        }
        let name = quote
            .speaker
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            // An alias table may map a name to nothing (e.g. a pronoun it rejects).
            .map(|name| (self.canonical)(name).trim().to_string())
            .filter(|name| !name.is_empty());
        let Some(name) = name else {
            counts.unattributed += 1;
            return None;
        };
        if !self.wanted.is_empty() {
            let lower = name.to_lowercase();
            // An entry names a speaker by the whole name, or by the last word of it: "Lavrov"
            // is Sergey Lavrov ("Bush" both Bushes). Several entries may name one speaker
            // ("Lavrov", "Sergey Lavrov"): mark them all.
            let surname = lower.rsplit(' ').next().unwrap_or_default();
            let mut entries = self
                .wanted
                .iter()
                .filter(|(_, w)| *w == lower || *w == surname)
                .peekable();
            if entries.peek().is_none() {
                counts.other_speakers += 1;
                return None;
            }
            self.matched
                .extend(entries.map(|(original, _)| original.clone()));
        }
        Some(name)
    }

    /// Keeps `quote` for `name`, unless it is a copy of a quotation already kept for them
    /// (the earliest dated copy is the one kept).
    fn keep(&mut self, name: String, quote: &'q TrendQuote) {
        let kept = self.by_speaker.entry(name.clone()).or_default();
        let key = quotation_key(&quote.quote);
        // A quotation without words (a test's, a broken input's) is no one's copy.
        if self.options.keep_duplicates || key.is_empty() {
            kept.push(quote);
            return;
        }
        match self.copies.entry((name, key)) {
            Entry::Vacant(slot) => {
                slot.insert(kept.len());
                kept.push(quote);
            }
            Entry::Occupied(slot) => {
                self.counts.duplicates += 1;
                let first = &mut kept[*slot.get()];
                if earlier(quote.date, first.date) {
                    *first = quote;
                }
            }
        }
    }
}

/// What makes two copies of a quotation the same: its words, lower-cased, without punctuation
/// or spacing (outlets differ in marks, dashes and ellipses, not in words).
fn quotation_key(quote: &str) -> String {
    let mut key = String::with_capacity(quote.len());
    for word in quote
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// True when date `a` is before `b`; a date is before no date (an undated copy places nothing).
fn earlier(a: Option<NaiveDate>, b: Option<NaiveDate>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        _ => false,
    }
}

/// A speaker's quotes with what the estimate needs of each: its observation for the
/// quantifier, and the tone its slope is fitted to.
struct Estimator<'a> {
    quantifier: Option<&'a Quantifier>,
    /// Per quote, in the speaker's order: the quantifier's observation (empty without one).
    observations: Vec<Vec<f64>>,
    /// Per quote: the tone (without a quantifier) or the quote's adjusted tone (with one,
    /// [`Quantifier::linear_tone`]: their mean is the estimate before its simplex constraint).
    tones: Vec<f64>,
}

impl<'a> Estimator<'a> {
    fn new(quotes: &[&TrendQuote], options: &'a TrendOptions) -> Estimator<'a> {
        let quantifier = options.quantifier.as_ref();
        let observations: Vec<Vec<f64>> = match quantifier {
            // `aggregate_with` checked that every quote has one.
            Some(q) => quotes
                .iter()
                .map(|t| {
                    q.observation(&t.label, &t.probabilities)
                        .unwrap_or_default()
                })
                .collect(),
            None => Vec::new(),
        };
        let tones = match quantifier {
            Some(q) => observations.iter().map(|o| q.linear_tone(o)).collect(),
            None => quotes.iter().map(|q| q.tone).collect(),
        };
        Estimator {
            quantifier,
            observations,
            tones,
        }
    }

    /// The estimated tone of the quotes `rows`.
    fn tone(&self, rows: &[usize]) -> f64 {
        match self.quantifier {
            Some(q) => q.tone(&self.observations, rows.iter().copied()),
            None => rows.iter().map(|&i| self.tones[i]).sum::<f64>() / rows.len().max(1) as f64,
        }
    }
}

fn speaker_trend(
    speaker: String,
    quotes: Vec<&TrendQuote>,
    options: &TrendOptions,
) -> SpeakerTrend {
    let n = quotes.len();
    let mean_tone = mean(quotes.iter().map(|q| q.tone));
    let estimator = Estimator::new(&quotes, options);
    let all: Vec<usize> = (0..n).collect();
    let tone = estimator.tone(&all);
    let mut by_period: BTreeMap<PeriodKey, Vec<usize>> = BTreeMap::new();
    let mut undated = 0;
    for (i, quote) in quotes.iter().enumerate() {
        match quote.date {
            Some(date) => by_period
                .entry(options.period.key(date))
                .or_default()
                .push(i),
            None => undated += 1,
        }
    }
    let periods: Vec<PeriodStats> = by_period
        .iter()
        .map(|(key, rows)| period_stats(&speaker, *key, &quotes, rows, &estimator, options))
        .collect();
    let dated: Vec<(NaiveDate, f64)> = quotes
        .iter()
        .zip(&estimator.tones)
        .filter_map(|(q, &tone)| q.date.map(|d| (d, tone)))
        .collect();
    let sizes: Vec<usize> = periods.iter().map(|p| p.n).collect();
    let trend_withheld = options.trend_rule.withheld(&sizes);
    let slope_per_year = slope_per_year(&dated).filter(|_| trend_withheld.is_none());

    let mut sorted: Vec<TrendQuote> = quotes.into_iter().cloned().collect();
    // Dated first, by date; the undated last. Stable, so the input order breaks ties.
    sorted.sort_by_key(|q| (q.date.is_none(), q.date));
    SpeakerTrend {
        first_period: periods.first().map(|p| p.period.clone()),
        last_period: periods.last().map(|p| p.period.clone()),
        direction: slope_per_year.map(Direction::of),
        slope_per_year,
        trend_withheld,
        speaker,
        n,
        undated,
        tone,
        mean_tone,
        periods,
        quotes: sorted,
    }
}

fn period_stats(
    speaker: &str,
    key: PeriodKey,
    quotes: &[&TrendQuote],
    rows: &[usize],
    estimator: &Estimator,
    options: &TrendOptions,
) -> PeriodStats {
    let n = rows.len();
    let share = |is: &dyn Fn(&str) -> bool| {
        rows.iter().filter(|&&i| is(&quotes[i].label)).count() as f64 / n as f64
    };
    // No interval from a single quote, nor from quotes that all read alike (every resample
    // is the same: a zero-width interval would read as certainty from a handful of quotes).
    let interval = (n >= 2)
        .then(|| {
            let seed =
                options.seed ^ crate::data::fnv1a(format!("{speaker}\u{1f}{key}").as_bytes());
            let mut resample = Vec::with_capacity(n);
            bootstrap_interval_of(n, options.resamples, seed, |draw| {
                resample.clear();
                resample.extend(draw.iter().map(|&j| rows[j]));
                estimator.tone(&resample)
            })
        })
        .filter(|i| i.high > i.low);
    PeriodStats {
        period: key.to_string(),
        start: key.start(),
        end: key.end(),
        midpoint: key.midpoint(),
        n,
        tone: estimator.tone(rows),
        mean_tone: mean(rows.iter().map(|&i| quotes[i].tone)),
        interval,
        share_positive: share(&|label| label == options.tone_poles.positive),
        share_neutral: share(&|label| options.tone_poles.tone_of(label) == 0.0),
        share_negative: share(&|label| label == options.tone_poles.negative),
        key,
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

/// 95% percentile bootstrap interval of the mean of `values`: `resamples` means of samples
/// drawn with replacement, and their 2.5% and 97.5% quantiles (linear interpolation between
/// order statistics, Hyndman & Fan type 7). Deterministic for a seed.
pub fn bootstrap_interval(values: &[f64], resamples: usize, seed: u64) -> Interval {
    bootstrap_interval_of(values.len(), resamples, seed, |rows| {
        rows.iter().map(|&i| values[i]).sum::<f64>() / rows.len() as f64
    })
}

/// 95% percentile bootstrap interval of any statistic of `n` items: `statistic` is given the
/// indices of each resample (drawn with replacement, as [`bootstrap_interval`] draws them).
pub fn bootstrap_interval_of(
    n: usize,
    resamples: usize,
    seed: u64,
    mut statistic: impl FnMut(&[usize]) -> f64,
) -> Interval {
    if n == 0 || resamples == 0 {
        return Interval {
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rows = vec![0; n];
    let mut stats: Vec<f64> = (0..resamples)
        .map(|_| {
            for row in rows.iter_mut() {
                *row = rng.gen_range(0..n);
            }
            statistic(&rows)
        })
        .collect();
    stats.sort_by(f64::total_cmp);
    Interval {
        low: quantile(&stats, 0.025),
        high: quantile(&stats, 0.975),
    }
}

/// Type-7 quantile of sorted, non-empty values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let below = h.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    sorted[below] + (h - below as f64) * (sorted[above] - sorted[below])
}

/// Least-squares slope of tone per year, time as fractional years (year + day-of-year / days
/// in the year). `None` with fewer than two distinct dates (the slope is undefined).
pub fn slope_per_year(points: &[(NaiveDate, f64)]) -> Option<f64> {
    let distinct: BTreeSet<NaiveDate> = points.iter().map(|(d, _)| *d).collect();
    if distinct.len() < 2 {
        return None;
    }
    let xs: Vec<f64> = points.iter().map(|(d, _)| fractional_year(*d)).collect();
    let x_mean = mean(xs.iter().copied());
    let y_mean = mean(points.iter().map(|(_, y)| *y));
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, (_, y)) in xs.iter().zip(points) {
        sxy += (x - x_mean) * (y - y_mean);
        sxx += (x - x_mean) * (x - x_mean);
    }
    Some(sxy / sxx)
}

/// `2019-07-02` → 2019.5: the year plus the elapsed fraction of it.
pub fn fractional_year(date: NaiveDate) -> f64 {
    let days_in_year = if date.leap_year() { 366.0 } else { 365.0 };
    date.year() as f64 + date.ordinal0() as f64 / days_in_year
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_keys_and_bounds() {
        let d = NaiveDate::from_ymd_opt(2019, 5, 14).unwrap();
        assert_eq!(Period::Month.key(d).to_string(), "2019-05");
        assert_eq!(Period::Quarter.key(d).to_string(), "2019-Q2");
        assert_eq!(Period::Year.key(d).to_string(), "2019");
        let q4 = Period::Quarter.key(NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
        assert_eq!(q4.end(), NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
        assert_eq!(q4.next().to_string(), "2020-Q1");
        assert_eq!(
            Period::Year.key(d).midpoint(),
            NaiveDate::from_ymd_opt(2019, 7, 2).unwrap()
        );
        let first = Period::Month.key(NaiveDate::from_ymd_opt(2019, 11, 3).unwrap());
        let last = Period::Month.key(NaiveDate::from_ymd_opt(2020, 2, 3).unwrap());
        let names: Vec<String> = PeriodKey::range(first, last)
            .iter()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(names, ["2019-11", "2019-12", "2020-01", "2020-02"]);
        assert!("weekly".parse::<Period>().is_err());
    }

    #[test]
    fn trend_rule_counts_quotes_and_full_periods() {
        let rule = TrendRule::default();
        assert_eq!(rule.withheld(&[5, 5]), None);
        assert_eq!(rule.withheld(&[3, 3, 1, 1, 1, 1]), None);
        assert_eq!(
            rule.withheld(&[5]).as_deref(),
            Some("5 dated quotes, 10 needed")
        );
        assert_eq!(
            rule.withheld(&[12, 2]).as_deref(),
            Some("1 period with ≥ 3 quotes, 2 needed")
        );
        assert!(rule.withheld(&[]).is_some());
        assert_eq!(
            rule.describe(),
            "≥ 10 dated quotes in ≥ 2 periods of ≥ 3 quotes each"
        );
    }
}
