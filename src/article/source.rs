//! Where articles come from: paths expanded into a deterministic list of inputs, and each
//! input read as text: UTF-8 (with a lossy fallback that warns), HTML pages turned into
//! their text, title and date, and PDF and other binary formats refused with the command
//! that converts them.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::html;

use crate::{Error, Result};

/// One article input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// Standard input (given as `-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The article name used in output: the path as given, or `-`.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// What the file's format says besides its text (an HTML page's title and date).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    /// The page's `<title>`.
    pub title: Option<String>,
    /// The page's publication date (`<time datetime>`, published-time `<meta>`).
    pub date: Option<NaiveDate>,
    /// The input was HTML: `text` is the page's text, not the file's bytes.
    pub html: bool,
}

/// The outcome of reading one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// Text to read; `warning` is set when invalid UTF-8 was replaced (U+FFFD). Offsets
    /// refer to this decoded text (for HTML, to the page's text).
    Text {
        name: String,
        text: String,
        warning: Option<String>,
        meta: PageMeta,
    },
    /// Not read (binary content), with the reason.
    Skipped { name: String, reason: String },
}

fn hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|e| e.map(|e| e.path()).map_err(|err| Error::io(dir, err)))
        .collect::<Result<_>>()?;
    entries.sort();
    for p in entries {
        if hidden(&p) {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

/// Expands files, directories (recursively, sorted, hidden entries skipped) and `-` (stdin)
/// into the list of inputs, in the order given. A missing path is an error.
pub fn expand_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        let p = p.as_ref();
        if p == Path::new("-") {
            out.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files)?;
            out.extend(files.into_iter().map(Input::File));
        } else {
            out.push(Input::File(p.to_path_buf()));
        }
    }
    Ok(out)
}

/// Formats that are not text, by their first bytes: what they are and the command that
/// turns them into text (`FILE` stands for the file's name, `OUT` for it without its
/// extension; the command's closing backtick is in the text).
const BINARY_FORMATS: &[(&[u8], &str, &str)] = &[
    (
        b"%PDF-",
        "a PDF file",
        "pdftotext -layout FILE OUT.txt` (Debian/Ubuntu: `apt install poppler-utils`)",
    ),
    (
        b"PK\x03\x04",
        "a ZIP container (.docx, .odt, .epub)",
        "pandoc FILE -t plain -o OUT.txt`",
    ),
    (
        b"\xD0\xCF\x11\xE0",
        "an old Word or Office document",
        "libreoffice --headless --convert-to txt FILE`",
    ),
    (
        b"{\\rtf",
        "an RTF document",
        "pandoc FILE -t plain -o OUT.txt`",
    ),
    (
        b"\x89PNG",
        "a PNG image",
        "an OCR tool such as tesseract FILE FILE",
    ),
    (
        b"\xFF\xD8\xFF",
        "a JPEG image",
        "an OCR tool such as tesseract FILE FILE",
    ),
    (
        b"GIF8",
        "a GIF image",
        "an OCR tool such as tesseract FILE FILE",
    ),
];

/// `name` without its extension.
fn stem(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > name.rfind('/').map_or(0, |s| s + 1) => &name[..i],
        _ => name,
    }
}

/// Decodes raw bytes: PDF and other binary formats are skipped with the command that
/// converts them; HTML becomes its text, title and date; invalid UTF-8 is replaced with a
/// warning.
pub fn decode(name: &str, bytes: Vec<u8>) -> Loaded {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Some((_, what, fix)) = BINARY_FORMATS.iter().find(|(m, _, _)| start.starts_with(m)) {
        return Loaded::Skipped {
            name: name.to_string(),
            reason: format!(
                "{what}, not text: convert it first, e.g. `{}",
                fix.replace("FILE", name).replace("OUT", stem(name))
            ),
        };
    }
    if bytes.contains(&0) {
        return Loaded::Skipped {
            name: name.to_string(),
            reason: "binary file (contains NUL bytes), not text: save the article as UTF-8 text"
                .to_string(),
        };
    }
    let html = html::looks_like_html(name, &bytes);
    let (text, warning) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let warning =
                format!("{name}: invalid UTF-8 (first at byte {at}) replaced with U+FFFD");
            (text, Some(warning))
        }
    };
    if html {
        let page = html::to_page(&text);
        return Loaded::Text {
            name: name.to_string(),
            text: page.text,
            warning,
            meta: PageMeta {
                title: page.title,
                date: page.date,
                html: true,
            },
        };
    }
    Loaded::Text {
        name: name.to_string(),
        text,
        warning,
        meta: PageMeta::default(),
    }
}

/// Reads one input.
pub fn read_input(input: &Input) -> Result<Loaded> {
    let name = input.name();
    let bytes = match input {
        Input::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Error::io("-", e))?;
            buf
        }
        Input::File(p) => std::fs::read(p).map_err(|e| Error::io(p, e))?,
    };
    Ok(decode(&name, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_sorted_and_skips_hidden() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).expect("mkdir");
        for f in ["b.txt", "a.txt", ".hidden.txt", "sub/c.txt"] {
            std::fs::write(d.join(f), "x").expect("write");
        }
        let got = expand_paths(&[d.to_path_buf(), PathBuf::from("-")]).expect("expand");
        let want = vec![
            Input::File(d.join("a.txt")),
            Input::File(d.join("b.txt")),
            Input::File(d.join("sub/c.txt")),
            Input::Stdin,
        ];
        assert_eq!(got, want);
        assert!(expand_paths(&[d.join("missing")]).is_err());
    }

    #[test]
    fn decodes_lossy_and_skips_binary() {
        match decode("a", b"ok \xff end".to_vec()) {
            Loaded::Text { text, warning, .. } => {
                assert_eq!(text, "ok \u{fffd} end");
                assert!(warning.is_some_and(|w| w.contains("byte 3")));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            decode("b", b"a\0b".to_vec()),
            Loaded::Skipped { .. }
        ));
        match decode("r.pdf", b"%PDF-1.7 ...".to_vec()) {
            Loaded::Skipped { reason, .. } => {
                assert!(
                    reason.contains("`pdftotext -layout r.pdf r.txt`"),
                    "{reason}"
                )
            }
            other => panic!("unexpected {other:?}"),
        }
        match decode(
            "p.html",
            b"<title>T</title><p>&ldquo;Hi there,&rdquo; he said.".to_vec(),
        ) {
            Loaded::Text { text, meta, .. } => {
                assert_eq!(meta.title.as_deref(), Some("T"));
                assert!(
                    meta.html && text.starts_with("“Hi there,” he said."),
                    "{text}"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
