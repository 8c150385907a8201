//! Where articles come from: paths expanded into a deterministic list of inputs, and each
//! input read as text (UTF-8, with a lossy fallback that warns; binary files skipped).

use std::io::Read;
use std::path::{Path, PathBuf};

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

/// The outcome of reading one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// Text to read; `warning` is set when invalid UTF-8 was replaced (U+FFFD). Offsets
    /// refer to this decoded text.
    Text {
        name: String,
        text: String,
        warning: Option<String>,
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

/// Decodes raw bytes: NUL bytes mean binary (skipped); invalid UTF-8 is replaced with a
/// warning.
pub fn decode(name: &str, bytes: Vec<u8>) -> Loaded {
    if bytes.contains(&0) {
        return Loaded::Skipped {
            name: name.to_string(),
            reason: "binary file (contains NUL bytes)".to_string(),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Loaded::Text {
            name: name.to_string(),
            text,
            warning: None,
        },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Loaded::Text {
                name: name.to_string(),
                text,
                warning: Some(format!(
                    "{name}: invalid UTF-8 (first at byte {at}) replaced with U+FFFD"
                )),
            }
        }
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
    }
}
