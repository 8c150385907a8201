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
        /// The input's name (path, or `-`).
        name: String,
        /// The decoded text.
        text: String,
        /// Set when invalid UTF-8 was replaced.
        warning: Option<String>,
        /// What an HTML page said besides its text.
        meta: PageMeta,
    },
    /// Not read (binary content), with the reason.
    Skipped {
        /// The input's name.
        name: String,
        /// Why it was not read.
        reason: String,
    },
}

fn hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// A symbolic link to a folder that contains the link (`loop -> ..`, `self -> .`): following
/// it would read the folders above it, and come back to it, again.
fn links_to_a_containing_folder(entry: &walkdir::DirEntry) -> bool {
    if !(entry.path_is_symlink() && entry.file_type().is_dir()) {
        return false;
    }
    let (Some(parent), Ok(target)) = (entry.path().parent(), std::fs::canonicalize(entry.path()))
    else {
        return false;
    };
    std::fs::canonicalize(parent).is_ok_and(|parent| parent.starts_with(target))
}

/// The files under `dir`, recursively, siblings in sorted order, hidden entries skipped.
/// Symbolic links are followed, except a link to a folder that contains it or to a folder
/// being read (a loop), which is reported through `warn` and skipped, as is a broken link.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, warn: &mut dyn FnMut(String)) -> Result<()> {
    let loop_warning = |link: &Path| {
        format!(
            "{}: a symbolic link back to a folder that contains it: not followed \
             (each article is read once)",
            link.display()
        )
    };
    let mut loops = Vec::new();
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && hidden(e.path()) {
                return false;
            }
            if links_to_a_containing_folder(e) {
                loops.push(loop_warning(e.path()));
                return false;
            }
            true
        });
    let mut found = Vec::new();
    for entry in entries {
        match entry {
            // A table in a folder of articles is most often data beside them (a gold file, an
            // export), and its rows are read as articles only when it is named.
            Ok(entry)
                if entry.file_type().is_file()
                    && crate::table::TableFormat::of_path(entry.path()).is_some() =>
            {
                warn(format!(
                    "{}: a table, skipped in a folder of articles: name it on the command line \
                     to read its rows as articles",
                    entry.path().display()
                ));
            }
            Ok(entry) if entry.file_type().is_file() => found.push(entry.into_path()),
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                if e.loop_ancestor().is_some() {
                    warn(loop_warning(&path));
                } else if path.symlink_metadata().is_ok() && path.metadata().is_err() {
                    warn(format!(
                        "{}: a broken symbolic link, skipped",
                        path.display()
                    ));
                } else {
                    let io = e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("cannot read this folder entry"));
                    return Err(Error::io(path, io));
                }
            }
        }
    }
    loops.into_iter().for_each(&mut *warn);
    out.extend(found);
    Ok(())
}

/// Expands files, directories (recursively, sorted, hidden entries skipped) and `-` (stdin)
/// into the list of inputs, in the order given. A missing path is an error. What is skipped
/// (symbolic-link loops, broken links, a file reached twice) is dropped silently: use
/// [`expand_paths_with`] to report it.
pub fn expand_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Input>> {
    expand_paths_with(paths, |_| {})
}

/// [`expand_paths`], handing a warning to `warn` for each thing skipped: a symbolic link
/// back to a folder being read, a broken link, a file reached a second time (through a link
/// or given twice), which is read only the first time.
pub fn expand_paths_with<P: AsRef<Path>>(
    paths: &[P],
    mut warn: impl FnMut(String),
) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    let mut seen: std::collections::HashMap<PathBuf, PathBuf> = Default::default();
    for p in paths {
        let p = p.as_ref();
        if p == Path::new("-") {
            out.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| Error::io(p, e))?;
        let mut files = Vec::new();
        if meta.is_dir() {
            walk(p, &mut files, &mut warn)?;
        } else {
            files.push(p.to_path_buf());
        }
        for file in files {
            let real = std::fs::canonicalize(&file).map_err(|e| Error::io(&file, e))?;
            match seen.get(&real) {
                Some(first) => warn(format!(
                    "{}: the same file as {}, read once",
                    file.display(),
                    first.display()
                )),
                None => {
                    seen.insert(real, file.clone());
                    out.push(Input::File(file));
                }
            }
        }
    }
    Ok(out)
}

/// Formats that are not text, by their first bytes: what they are and the command that
/// turns them into text (`FILE` stands for the file's name, `OUT.txt` for where the text can
/// go, [`converted_name`]; the command's closing backtick is in the text).
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

/// Where the text converted from `name` can go: its name with `.txt` for its extension, or
/// `-text.txt` added when that is its own name (a PDF saved as `f.txt`).
fn converted_name(name: &str) -> String {
    let out = format!("{}.txt", stem(name));
    if out == name {
        format!("{}-text.txt", stem(name))
    } else {
        out
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
                fix.replace("FILE", name)
                    .replace("OUT.txt", &converted_name(name))
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

    /// A folder with `loop -> ..` (the case): the article once, and a warning.
    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_read_once_with_a_warning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let articles = dir.path().join("articles");
        std::fs::create_dir(&articles).expect("mkdir");
        std::fs::write(articles.join("a.txt"), "x").expect("write");
        std::os::unix::fs::symlink("..", articles.join("loop")).expect("symlink");
        std::os::unix::fs::symlink("a.txt", articles.join("b.txt")).expect("symlink");
        let mut warnings = Vec::new();
        let got = expand_paths_with(&[&articles], |w| warnings.push(w)).expect("expand");
        assert_eq!(got, vec![Input::File(articles.join("a.txt"))]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("a symbolic link back to"),
            "{warnings:?}"
        );
        assert!(warnings[1].contains("the same file as"), "{warnings:?}");
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
        // A PDF saved as `.txt`: the command does not write over it.
        match decode("f.txt", b"%PDF-1.7 ...".to_vec()) {
            Loaded::Skipped { reason, .. } => {
                assert!(
                    reason.contains("`pdftotext -layout f.txt f-text.txt`"),
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
