//! Raw text → [`Article`]: paragraphs, header lines, title, date, then quotations.

use std::ops::Range;

use super::cues::attribute;
use super::dates::{
    date_at_start, from_paragraphs, is_date_line, opens_with_dateline, DateManifest, DateSource,
};
use super::language;
use super::quotes;
use super::source::PageMeta;
use super::speakers::SpeakerAliases;
use super::wrap;
use super::Article;

/// Reads articles. Immutable once built, so one reader serves many threads.
#[derive(Debug, Clone)]
pub struct Reader {
    aliases: SpeakerAliases,
    manifest: Option<DateManifest>,
}

impl Default for Reader {
    fn default() -> Self {
        Self::new()
    }
}

/// Header keys of the `key: value` lines that open some article files.
const HEADER_KEYS: &[&str] = &["url", "date", "title", "source", "author", "published"];

/// How many of the first lines may be header lines.
const HEADER_LINES: usize = 12;

/// `line` (trimmed) as a header `key: value`. A key is one ASCII word, so the colon is looked
/// for only after a word's letters and spaces, not along a whole paragraph.
fn header_line(line: &str) -> Option<(String, &str)> {
    let key_len = line.bytes().take_while(u8::is_ascii_alphabetic).count();
    let v = line[key_len..].trim_start().strip_prefix(':')?;
    let k = line[..key_len].to_ascii_lowercase();
    let v = v.trim();
    (HEADER_KEYS.contains(&k.as_str()) && !v.is_empty()).then_some((k, v))
}

/// Non-empty lines, trimmed, as byte ranges. Each line is a paragraph: some sources separate
/// paragraphs with blank lines, others with single line breaks.
pub(super) fn lines(text: &str) -> Vec<Range<usize>> {
    // News paragraphs run to a few hundred bytes: room for one per 128 bytes rarely grows.
    let mut out = Vec::with_capacity(text.len() / 128 + 8);
    let mut start = 0;
    // Line ends found with memchr's vectorised search rather than `split_inclusive`.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    for end in ends.chain((!text.ends_with('\n')).then_some(text.len())) {
        let line = &text[start..end];
        let lead = line.len() - line.trim_start().len();
        let body = line.trim();
        if !body.is_empty() {
            out.push(start + lead..start + lead + body.len());
        }
        start = end;
    }
    out
}

/// A headline has at least this many words: menus, section names and banners ("World",
/// "Live updates", "Monday, June 5") have fewer.
const TITLE_MIN_WORDS: usize = 5;
/// A paragraph of this many words or more is body text, never a headline: the search stops
/// there (a single-line article would otherwise become its own title, copied into every
/// quote's record).
const BODY_MIN_WORDS: usize = 30;

/// True when the line ends with a full stop, inside closing quotation marks too: `Lavrov
/// said: "… at a dead end."` is a sentence of the body, not a headline.
fn ends_with_full_stop(line: &str) -> bool {
    line.trim_end_matches(['"', '”', '’', '\'', '»'])
        .ends_with('.')
}

/// The headline: the first line of [`TITLE_MIN_WORDS`] words or more without a closing full
/// stop, before the first body paragraph; when no line qualifies, the first line (however
/// short), unless it is itself body text. A paragraph opening with a dateline ("MOSCOW,
/// March 3, 2021 — …") is body text however short; a lone date line at the very top with the
/// body right under it ("March 3, 2021", then a sentence) is the article's date line, not a
/// headline: no title. A date line followed by short lines (a page's banner among its
/// navigation) stays the fallback headline, and its date a banner's.
fn title_index(text: &str, paras: &[Range<usize>]) -> Option<usize> {
    let words = |r: &Range<usize>| {
        let p = &text[r.clone()];
        // A body paragraph is told by its first bytes (a lower bound of its words, and 30
        // words of news prose take about 200 bytes); other lines are counted word by word,
        // split as `split_whitespace` splits them.
        if quotes::ascii_led_runs(p.as_bytes()) >= BODY_MIN_WORDS {
            BODY_MIN_WORDS
        } else {
            quotes::words(p).take(BODY_MIN_WORDS).count()
        }
    };
    // Body text: long, or opening with a dateline.
    let is_body =
        |r: &Range<usize>, n: usize| n >= BODY_MIN_WORDS || opens_with_dateline(&text[r.clone()]);
    for (i, r) in paras.iter().enumerate() {
        let n = words(r);
        if is_body(r, n) {
            // No headline before the body: the first line, if it is not the body itself.
            return (i > 0).then_some(0);
        }
        if i == 0 && is_date_line(&text[r.clone()]) {
            // The body right under the date line: a sentence, or body text.
            let body_next = paras.get(1).is_some_and(|next| {
                let n = words(next);
                is_body(next, n)
                    || (n >= TITLE_MIN_WORDS && ends_with_full_stop(&text[next.clone()]))
            });
            if body_next {
                return None;
            }
        }
        if n >= TITLE_MIN_WORDS && !ends_with_full_stop(&text[r.clone()]) {
            return Some(i);
        }
    }
    (!paras.is_empty()).then_some(0)
}

impl Reader {
    /// A reader with the built-in alias table and no date manifest.
    pub fn new() -> Self {
        Self {
            aliases: SpeakerAliases::builtin(),
            manifest: None,
        }
    }

    /// Replaces the alias table (merge with [`SpeakerAliases::builtin`] to extend it).
    pub fn with_aliases(mut self, aliases: SpeakerAliases) -> Self {
        self.aliases = aliases;
        self
    }

    /// Dates from this manifest override the dates found in the texts.
    pub fn with_manifest(mut self, manifest: DateManifest) -> Self {
        self.manifest = Some(manifest);
        self
    }

    /// The date manifest, if one was given: after a run, it names the rows no article used.
    pub fn manifest(&self) -> Option<&DateManifest> {
        self.manifest.as_ref()
    }

    /// Reads one article. Pure: the same input gives the same output; never panics.
    pub fn read(&self, name: &str, text: &str) -> Article {
        self.read_page(name, text, &PageMeta::default())
    }

    /// Reads one article whose file format gave a title or a date (an HTML page's); they
    /// come before what the text says (a date manifest still wins).
    pub fn read_page(&self, name: &str, text: &str, meta: &PageMeta) -> Article {
        let mut header_title = meta.title.clone();
        let mut header_date = None;
        let mut header_url = None;
        let lines = lines(text);
        let mut paras = Vec::with_capacity(lines.len());
        for (i, r) in lines.into_iter().enumerate() {
            if i < HEADER_LINES {
                if let Some((k, v)) = header_line(&text[r.clone()]) {
                    match k.as_str() {
                        "title" => header_title = header_title.or(Some(v.to_string())),
                        "url" => header_url = Some(v.to_string()),
                        "date" | "published" => header_date = header_date.or(date_at_start(v)),
                        _ => {}
                    }
                    continue;
                }
            }
            paras.push(r);
        }
        // Hard-wrapped text: the lines of a paragraph become one paragraph.
        let paras = wrap::paragraphs(text, paras);
        let title_idx = if header_title.is_some() {
            None
        } else {
            title_index(text, &paras)
        };
        let title = header_title
            .map(|t| match t.find(" (title from") {
                Some(i) => t[..i].trim().to_string(),
                None => t,
            })
            .or_else(|| title_idx.map(|i| text[paras[i].clone()].to_string()))
            .unwrap_or_default();

        let strs: Vec<&str> = paras.iter().map(|r| &text[r.clone()]).collect();
        let (date, date_source) = match self.manifest.as_ref().and_then(|m| m.get(name)) {
            Some(d) => (Some(d), DateSource::Manifest),
            None => match (meta.date, header_date) {
                (Some(d), _) => (Some(d), DateSource::Html),
                (None, Some((d, _))) => (Some(d), DateSource::Header),
                (None, None) => match from_paragraphs(&strs, title_idx) {
                    Some((d, s)) => (Some(d), s),
                    None => (None, DateSource::None),
                },
            },
        };
        // The body from its first paragraph (header lines are no prose).
        let language = language::detect(paras.first().map_or("", |r| &text[r.start..]));

        let spans = quotes::find(text, &paras);
        let quotes = attribute(text, &paras, title_idx, spans, &self.aliases);
        Article {
            name: name.to_string(),
            title,
            url: header_url,
            date,
            date_source,
            language,
            quotes,
        }
    }
}

impl Reader {
    /// Reads one article of a table: its text as [`read_page`](Self::read_page) reads a
    /// file's, then the row's date (recorded as [`DateSource::Column`]), URL and title, when
    /// the row has them, in place of the text's.
    pub fn read_row(&self, row: &crate::table::ArticleRow) -> Article {
        let mut article = self.read_page(&row.name, &row.text, &PageMeta::default());
        if let Some(date) = row.date {
            article.date = Some(date);
            article.date_source = DateSource::Column;
        }
        if let Some(url) = &row.url {
            article.url = Some(url.clone());
        }
        if let Some(title) = &row.title {
            article.title = title.clone();
        }
        article
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_is_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<Reader>();
    }

    /// [`title_index`] as first written: `split_whitespace`, the first paragraph counted again.
    fn title_index_simply(text: &str, paras: &[Range<usize>]) -> Option<usize> {
        let words = |r: &Range<usize>| {
            text[r.clone()]
                .split_whitespace()
                .take(BODY_MIN_WORDS)
                .count()
        };
        for (i, r) in paras.iter().enumerate() {
            let n = words(r);
            if n >= BODY_MIN_WORDS {
                break;
            }
            if n >= TITLE_MIN_WORDS && !ends_with_full_stop(&text[r.clone()]) {
                return Some(i);
            }
        }
        paras
            .first()
            .filter(|r| words(r) < BODY_MIN_WORDS)
            .map(|_| 0)
    }

    proptest::proptest! {
        #[test]
        fn title_index_as_first_written(
            text in "((w ){0,3}|(w ){4,6}|(w ){28,31}|[w\u{a0}\u{2003}é.]{0,4})(\n((w ){0,3}|(w ){4,6}w\\.?|(w ){28,31}|[w \u{a0}\u{2003}é.]{0,4}|(w[\u{a0}\u{2003}é]? ?){25,40})){0,4}"
        ) {
            let paras = lines(&text);
            proptest::prop_assert_eq!(title_index(&text, &paras), title_index_simply(&text, &paras));
        }

        /// Against the first version: the key is what comes before the first colon, trimmed
        /// and lower-cased.
        #[test]
        fn header_line_splits_at_the_first_colon(
            line in "(date|Title|URL|x|ä|K|\u{212A}|[ :\u{a0}]|[a-z]{1,3}|[0-9-]){0,8}"
        ) {
            let line = line.trim();
            let expected = line.split_once(':').and_then(|(k, v)| {
                let k = k.trim().to_lowercase();
                let v = v.trim();
                (HEADER_KEYS.contains(&k.as_str()) && !v.is_empty()).then_some((k, v))
            });
            proptest::prop_assert_eq!(header_line(line), expected);
        }

    }

    #[test]
    fn a_quotation_ending_in_a_full_stop_is_no_headline() {
        // The short headline stays the title, and the dateline after it gives the date.
        let t = "Lavrov on US ties\n\nMOSCOW, May 3, 2021 - Russian Foreign Minister Sergey Lavrov spoke to reporters.\n\nLavrov said: \"Our relations with the United States are at a dead end.\"\n";
        let a = Reader::new().read("s.txt", t);
        assert_eq!(a.title, "Lavrov on US ties");
        assert_eq!(a.date, chrono::NaiveDate::from_ymd_opt(2021, 5, 3));
        assert_eq!(a.date_source, DateSource::Dateline);
        assert_eq!(a.quotes[0].speaker.as_deref(), Some("Sergey Lavrov"));
    }

    #[test]
    fn a_one_paragraph_wire_story_keeps_its_dateline() {
        let t = "WASHINGTON, May 3, 2021 - Secretary of State Antony Blinken said: \"Our relations with Russia are at a low point.\"\n";
        let a = Reader::new().read("w.txt", t);
        assert_eq!(a.date, chrono::NaiveDate::from_ymd_opt(2021, 5, 3));
        assert_eq!(a.date_source, DateSource::Dateline);
        assert_eq!(a.quotes[0].speaker.as_deref(), Some("Antony Blinken"));
    }

    /// The user's article: a dateline opens the first paragraph, no headline above it.
    const DATELINE_FIRST: &str = "MOSCOW, March 3, 2021 — Kremlin spokesman Dmitry Peskov spoke on Wednesday.\n\n\"We regret the new sanctions. They will not help our relations,\" Peskov told reporters.\n";

    #[test]
    fn a_dateline_opening_the_first_paragraph_is_no_headline() {
        let march_3 = chrono::NaiveDate::from_ymd_opt(2021, 3, 3);
        let dashes = [" — ", " - ", " – ", "—", " (Reuters) - ", " (Interfax) — "];
        for dash in dashes {
            let t = DATELINE_FIRST.replacen(" — ", dash, 1);
            let lower = t.replacen("MOSCOW", "Moscow", 1);
            // Longer than a byline: read as a dateline, not found as a date in a short line.
            let long = lower.replacen(
                "spoke on Wednesday",
                "said on Wednesday that Moscow would answer the new American sanctions",
                1,
            );
            for t in [t, lower, long] {
                let a = Reader::new().read("a8.txt", &t);
                assert_eq!(a.title, "", "{dash:?}");
                assert_eq!(a.date, march_3, "{dash:?}");
                assert_eq!(a.date_source, DateSource::Dateline, "{dash:?}");
                assert_eq!(a.quotes.len(), 1, "{dash:?}");
                assert_eq!(a.quotes[0].paragraph, 1);
                assert_eq!(a.quotes[0].speaker.as_deref(), Some("Dmitry Peskov"));
            }
        }
    }

    #[test]
    fn a_headline_then_a_dateline_is_read_as_before() {
        let t = format!("Kremlin says new sanctions will not help relations\n\n{DATELINE_FIRST}");
        let a = Reader::new().read("a8.txt", &t);
        assert_eq!(
            a.title,
            "Kremlin says new sanctions will not help relations"
        );
        assert_eq!(a.date, chrono::NaiveDate::from_ymd_opt(2021, 3, 3));
        assert_eq!(a.date_source, DateSource::Dateline);
        assert_eq!(a.quotes.len(), 1);
        assert_eq!(a.quotes[0].paragraph, 2);
        assert_eq!(a.quotes[0].speaker.as_deref(), Some("Dmitry Peskov"));
    }

    #[test]
    fn a_lone_date_line_above_the_body_is_the_articles_date() {
        let body = "\"We regret the new sanctions. They will not help our relations,\" Kremlin spokesman Dmitry Peskov told reporters.\n";
        for line in [
            "March 3, 2021",
            "Wednesday, March 3, 2021",
            "MOSCOW, March 3, 2021",
            "Moscow, March 3, 2021",
            "3 March 2021.",
        ] {
            let a = Reader::new().read("a.txt", &format!("{line}\n\n{body}"));
            assert_eq!(a.title, "", "{line}");
            assert_eq!(
                a.date,
                chrono::NaiveDate::from_ymd_opt(2021, 3, 3),
                "{line}"
            );
            assert_eq!(a.date_source, DateSource::Dateline, "{line}");
            assert_eq!(a.quotes[0].speaker.as_deref(), Some("Dmitry Peskov"));
        }
    }

    #[test]
    fn a_date_line_among_a_pages_navigation_stays_a_banner() {
        let body = "\"We regret the new sanctions. They will not help our relations,\" Kremlin spokesman Dmitry Peskov told reporters in Moscow on Wednesday, a day after Washington announced them.\n";
        // Short lines under the date: a web page's furniture, the date perhaps the day it was
        // fetched.
        let t = format!("Wednesday, March 3, 2021\nWorld\nLive updates\n{body}");
        let a = Reader::new().read("p.txt", &t);
        assert_eq!(a.title, "Wednesday, March 3, 2021");
        assert_eq!(a.date_source, DateSource::Banner);
        // A headline under the date: the date is above the headline, a banner's.
        let t = format!("March 3, 2021\nKremlin says new sanctions will not help\n{body}");
        let a = Reader::new().read("p.txt", &t);
        assert_eq!(a.title, "Kremlin says new sanctions will not help");
        assert_eq!(a.date_source, DateSource::Banner);
    }

    #[test]
    fn header_lines_give_title_and_date() {
        let t = "url: http://x\ndate: 2018-05-03\ntitle: A title here (title from URL slug)\n\n\"We are ready to talk to Washington,\" Lavrov said.\n";
        let a = Reader::new().read("a.txt", t);
        assert_eq!(a.title, "A title here");
        assert_eq!(a.url.as_deref(), Some("http://x"));
        assert_eq!(a.date_source, DateSource::Header);
        assert_eq!(a.quotes.len(), 1);
        assert_eq!(a.quotes[0].paragraph, 0);
        assert_eq!(
            &t[a.quotes[0].start..a.quotes[0].end],
            "We are ready to talk to Washington,"
        );
    }
}
