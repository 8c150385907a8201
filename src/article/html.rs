//! HTML pages as articles: the text of the page (tags stripped, entities decoded, one
//! paragraph per block element), its `<title>`, and its publication date from `<time
//! datetime>` or a published-time `<meta>`.
//!
//! A small scanner rather than an HTML parser: the reader needs paragraphs of text, not a
//! tree, and a scanner over `<…>` is linear, never fails, and skips `<script>`, `<style>`,
//! comments and the like whole. Entities are decoded by `html-escape` (all HTML5 names).

use chrono::NaiveDate;

use super::dates::date_at_start;

/// What an HTML page gives besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The text, one paragraph per line, blank lines between.
    pub text: String,
    /// The `<title>` (or the first `<h1>` when there is no title).
    pub title: Option<String>,
    /// `<time datetime>`, `<meta property="article:published_time">` and the like.
    pub date: Option<NaiveDate>,
}

/// Elements whose content is not text for a reader.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object",
];

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "nav",
    "table",
    "tr",
    "td",
    "th",
    "figcaption",
    "figure",
    "pre",
    "hr",
    "title",
    "main",
    "dd",
    "dt",
];

/// `<meta>` names and properties that carry a publication date.
const DATE_METAS: &[&str] = &[
    "article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
];

/// True when `name` or `bytes` say HTML: an `.html`/`.htm` extension, or a document that
/// opens with a doctype or an `<html>` tag.
pub fn looks_like_html(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    if [".html", ".htm", ".xhtml"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return true;
    }
    let head = &bytes[..bytes.len().min(1024)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = head[start..].to_ascii_lowercase();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
}

/// One tag: its lower-cased name, whether it closes, and its attribute text.
struct Tag<'a> {
    name: String,
    closing: bool,
    attrs: &'a str,
}

fn parse_tag(inner: &str) -> Tag<'_> {
    let closing = inner.starts_with('/');
    let body = inner.trim_start_matches('/');
    let end = body
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(body.len());
    Tag {
        name: body[..end].to_ascii_lowercase(),
        closing,
        attrs: &body[end..],
    }
}

/// The value of attribute `key` (lower-case) in a tag's attribute text.
fn attr<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(key) {
        let at = from + i;
        from = at + key.len();
        let before_ok = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = attrs.len() - rest.len() + 1;
        let value = attrs[value_start..].trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let v = &value[1..];
                &v[..v.find(q).unwrap_or(v.len())]
            }
            _ => {
                let end = value
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(value.len());
                &value[..end]
            }
        });
    }
    None
}

/// Collapses runs of whitespace inside a line to one space.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Turns an HTML document into text, title and date. Never fails: malformed markup gives
/// what text there is.
pub fn to_page(html: &str) -> Page {
    let mut page = PageReader {
        text: String::with_capacity(html.len() / 2),
        ..PageReader::default()
    };
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            // The text after the last tag is the article's, even in an unclosed title.
            if page.skipping.is_none() {
                page.push_text(rest);
            }
            break;
        };
        let (before, after) = rest.split_at(lt);
        page.text_between_tags(before);
        if let Some(body) = after.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |i| &body[i + 3..]);
            continue;
        }
        let Some(gt) = after.find('>') else {
            break;
        };
        page.tag(&parse_tag(&after[1..gt]));
        rest = &after[gt + 1..];
    }
    Page {
        text: paragraphs(&page.text),
        title: page.title.or(page.h1),
        date: page.date,
    }
}

/// What [`to_page`] has read so far.
#[derive(Default)]
struct PageReader {
    /// The text, entities decoded, blocks ended by blank lines (spacing as in the source).
    text: String,
    title: Option<String>,
    h1: Option<String>,
    date: Option<NaiveDate>,
    /// Inside an element whose content is skipped: its name.
    skipping: Option<String>,
    /// Inside the title or the first h1: which, and its text so far.
    capture: Option<(&'static str, String)>,
}

impl PageReader {
    /// Text between two tags: the article's, unless skipped; the title's is the article's
    /// title, not a paragraph of it.
    fn text_between_tags(&mut self, s: &str) {
        if self.skipping.is_some() {
            return;
        }
        match self.capture.as_mut() {
            Some(("title", buf)) => {
                buf.push_str(s);
                return;
            }
            Some((_, buf)) => buf.push_str(s),
            None => {}
        }
        self.push_text(s);
    }

    /// Adds `s` to the text, its entities decoded.
    fn push_text(&mut self, s: &str) {
        self.text.push_str(&html_escape::decode_html_entities(s));
    }

    /// A tag: it may start or end a skipped element, the title or h1, give the date (a
    /// `<time>` or a date `<meta>`), or end a block.
    fn tag(&mut self, tag: &Tag) {
        if let Some(name) = &self.skipping {
            if tag.closing && tag.name == *name {
                self.skipping = None;
            }
            // `<title>` lives in `<head>`: read it there too.
            if tag.name != "title" || tag.closing {
                return;
            }
        }
        match tag.name.as_str() {
            "title" | "h1" if !tag.closing => {
                let which = if tag.name == "title" { "title" } else { "h1" };
                self.capture = Some((which, String::new()));
            }
            "title" | "h1" if tag.closing => {
                if let Some((which, buf)) = self.capture.take() {
                    let value = squeeze(&html_escape::decode_html_entities(&buf));
                    if !value.is_empty() {
                        let slot = if which == "title" {
                            &mut self.title
                        } else {
                            &mut self.h1
                        };
                        slot.get_or_insert(value);
                    }
                }
            }
            "time" if !tag.closing && self.date.is_none() => {
                self.date = attr(tag.attrs, "datetime").and_then(date_at_start_iso);
            }
            "meta" => {
                let key = attr(tag.attrs, "property")
                    .or_else(|| attr(tag.attrs, "name"))
                    .or_else(|| attr(tag.attrs, "itemprop"))
                    .map(str::to_ascii_lowercase);
                if self.date.is_none() && key.is_some_and(|k| DATE_METAS.contains(&k.as_str())) {
                    self.date = attr(tag.attrs, "content").and_then(date_at_start_iso);
                }
            }
            name if !tag.closing && SKIPPED.contains(&name) => {
                self.skipping = Some(name.to_string());
            }
            _ => {}
        }
        // Inline tags (<a>, <span>, <em>) join their words as the source spaced them.
        if BLOCKS.contains(&tag.name.as_str()) {
            self.text.push_str("\n\n");
        }
    }
}

/// One paragraph per line: each line squeezed, empty ones dropped, blank lines between.
fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = squeeze(line);
        if !line.is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&line);
        }
    }
    out.push('\n');
    out
}

/// A date at the start of an attribute value (`2024-03-05T10:00:00Z`, `March 5, 2024`).
fn date_at_start_iso(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    value
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .or_else(|| date_at_start(value).map(|(d, _)| d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_title_and_date_of_a_page() {
        let html = "<!DOCTYPE html><html><head><title>Talks &amp; more</title>\
            <meta property=\"article:published_time\" content=\"2024-03-05T10:00:00Z\">\
            <script>var x = \"<p>not text</p>\";</script></head><body>\
            <h1>Ignored when a title exists</h1><p>&ldquo;We are open,&rdquo; said Jane Roe.</p>\
            <!-- a <p>comment</p> --><p>Second&nbsp;paragraph with <a href=\"x\">a link</a>.</p></body></html>";
        let page = to_page(html);
        assert_eq!(page.title.as_deref(), Some("Talks & more"));
        assert_eq!(page.date, NaiveDate::from_ymd_opt(2024, 3, 5));
        assert!(
            page.text.contains("“We are open,” said Jane Roe."),
            "{}",
            page.text
        );
        assert!(page.text.contains("Second paragraph with a link."));
        assert!(!page.text.contains("not text") && !page.text.contains("comment"));
        assert!(!page.text.contains('<'));
    }

    #[test]
    fn time_element_gives_the_date() {
        let page = to_page("<p>x</p><time datetime='2019-12-11'>Dec. 11</time>");
        assert_eq!(page.date, NaiveDate::from_ymd_opt(2019, 12, 11));
    }

    #[test]
    fn detected_by_extension_or_content() {
        assert!(looks_like_html("a.HTML", b"plain"));
        assert!(looks_like_html(
            "a.txt",
            b"\xEF\xBB\xBF  <!doctype html><p>x"
        ));
        assert!(looks_like_html("a", b"<html lang=en>"));
        assert!(!looks_like_html("a.txt", b"He said <b> is a tag."));
    }

    #[test]
    fn malformed_markup_never_panics() {
        for s in [
            "<",
            "<p",
            "<!--",
            "a<b>c</",
            "<meta content=",
            "<time datetime=\"",
            "&",
        ] {
            let _ = to_page(s);
        }
    }
}
