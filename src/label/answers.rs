//! The answers file: every label given, in the training format, safe against crashes.
//!
//! Columns: `id,text,speaker,date,source_url,label,relevant,article` ([`HEADER`]), so the file
//! trains as it is (`train --data base.csv --data labels.csv`). Each answer is one line: its
//! record is written whole, ending in `\n`, by a single `write_all`, then `sync_data`, before
//! the session moves on, so an answer that was shown as saved survives a crash or Ctrl-C.
//! Fields never hold a line break (line breaks in a quotation become spaces), so a record is
//! one line, and a crash in the middle of a write leaves at most a last line without its `\n`:
//! [`AnswersFile::open`] removes such a line and says so, it never keeps it silently. Undoing
//! the last answer cuts the file back to where that answer's line starts. A session holds the
//! file's lock while it is open: a second session on the same file is refused, since two
//! writers would each undo and count against their own view of the file.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::file::write_atomically;

/// The header of an answers file.
pub const HEADER: [&str; 8] = [
    "id",
    "text",
    "speaker",
    "date",
    "source_url",
    "label",
    "relevant",
    "article",
];

/// One answer: a quotation and its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The candidate's id.
    pub id: String,
    /// The quotation.
    pub text: String,
    /// Its speaker.
    pub speaker: String,
    /// Its date (yyyy-mm-dd), or "".
    pub date: String,
    /// The page it is from.
    pub source_url: String,
    /// `positive`, `neutral` or `negative` (for a quotation marked not relevant, the model's
    /// label at the time: see the README).
    pub label: String,
    /// `false` when the labeler said the quotation is not about U.S.–Russia relations.
    pub relevant: bool,
    /// The article it is from.
    pub article: String,
}

impl Answer {
    fn fields(&self) -> [&str; 8] {
        [
            &self.id,
            &self.text,
            &self.speaker,
            &self.date,
            &self.source_url,
            &self.label,
            if self.relevant { "yes" } else { "no" },
            &self.article,
        ]
    }
}

/// The answers file, open for appending.
#[derive(Debug)]
pub struct AnswersFile {
    path: PathBuf,
    /// Open for appending, and locked.
    file: File,
    rows: Vec<Answer>,
    /// Where each row's line starts in the file (undo cuts the file back to it).
    starts: Vec<u64>,
    /// The file's length.
    len: u64,
    ids: HashSet<String>,
}

/// Takes `file`'s exclusive lock, held until the file is closed (the process ends): a second
/// session on the same answers file is refused. A file system without locks is used
/// unlocked.
fn lock(file: &File, path: &Path) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::OutputPath {
            path: path.to_path_buf(),
            problem: "is open in another `tonetrack label` session (it holds the file's lock): \
                      quit that session first, or give this one another --out"
                .into(),
        }),
        Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            Ok(())
        }
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(path, e)),
    }
}

/// One CSV record of `fields` as a line ending in `\n`; line breaks inside fields become
/// spaces.
fn record_line(fields: &[&str]) -> Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let flat: Vec<String> = fields
        .iter()
        .map(|f| f.replace(['\r', '\n'], " "))
        .collect();
    writer
        .write_record(&flat)
        .map_err(|e| Error::Data(format!("cannot write a CSV record: {e}")))?;
    writer
        .into_inner()
        .map_err(|e| Error::Data(format!("cannot write a CSV record: {e}")))
}

/// Where the last CSV record of `bytes` starts (a quoted text may hold line breaks, so not
/// always after the last one).
fn last_record_start(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut start = 0;
    while let Ok(true) = reader.read_byte_record(&mut record) {
        start = record
            .position()
            .map_or(start, |p| record_start(bytes, p.byte()) as usize);
    }
    start
}

/// Where a record starts, from the byte position the csv crate gives it: after a CRLF line
/// end that position is the `\n` before the record (a record never starts with a line break).
fn record_start(bytes: &[u8], position: u64) -> u64 {
    match bytes.get(position as usize) {
        Some(b'\n') => position + 1,
        _ => position,
    }
}

/// Whether the last record of `bytes`, starting at `start` after the header, is a whole,
/// valid answer: the header and that record parse as an answers file.
fn is_whole_answer(path: &Path, bytes: &[u8], start: usize) -> Result<bool> {
    if start == 0 {
        return Ok(false); // the header itself
    }
    let mut last = record_line(&HEADER)?;
    last.extend_from_slice(&bytes[start..]);
    last.push(b'\n');
    Ok(parse(path, &last).is_ok_and(|(rows, _)| rows.len() == 1))
}

impl AnswersFile {
    /// Opens `path`, creating it with the header when it does not exist (or is empty), and
    /// reads the answers already there. Returns warnings to show: a last line cut short by a
    /// crash is removed from the file and reported. A file with another header, or a line
    /// that is not a valid answer, is an error naming the line.
    pub fn open(path: &Path) -> Result<(AnswersFile, Vec<String>)> {
        let io = |e| Error::io(path, e);
        let mut warnings = Vec::new();
        if !path.exists() {
            write_atomically(path, &record_line(&HEADER)?)?;
        }
        // Locked before anything is read, so that no other session changes it meanwhile.
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        lock(&file, path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        // Another file is refused before anything in it is touched.
        if !bytes.is_empty() {
            let end = bytes
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(bytes.len());
            check_header(path, &bytes[..end])?;
        }
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            let cut = last_record_start(&bytes);
            if is_whole_answer(path, &bytes, cut)? {
                // A whole last answer without its newline (an editor that adds none): kept,
                // and the newline added so that the next answer starts a line of its own.
                file.write_all(b"\n").map_err(io)?;
                file.sync_data().map_err(io)?;
                bytes.push(b'\n');
            } else {
                let line = bytes[..cut].iter().filter(|&&b| b == b'\n').count() + 1;
                let tail = String::from_utf8_lossy(&bytes[cut..]);
                let preview: String = tail.chars().take(60).collect();
                warnings.push(format!(
                    "{}:{line}: the last line was cut short (the program stopped while \
                     writing it) and has been removed; its quotation will be asked again: \
                     {preview}…",
                    path.display()
                ));
                file.set_len(cut as u64).map_err(io)?;
                file.sync_data().map_err(io)?;
                bytes.truncate(cut);
            }
        }
        if bytes.is_empty() {
            // An empty file (or one cut back to nothing): the header first.
            bytes = record_line(&HEADER)?;
            file.write_all(&bytes).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        let (rows, starts) = parse(path, &bytes)?;
        let ids = rows.iter().map(|r| r.id.clone()).collect();
        Ok((
            AnswersFile {
                path: path.to_path_buf(),
                file,
                rows,
                starts,
                len: bytes.len() as u64,
                ids,
            },
            warnings,
        ))
    }

    /// Where the answers are.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The answers, in the order given.
    pub fn rows(&self) -> &[Answer] {
        &self.rows
    }

    /// Whether a quotation is answered.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Appends one answer and flushes it to disk before returning.
    pub fn append(&mut self, answer: Answer) -> Result<()> {
        if self.ids.contains(&answer.id) {
            return Err(Error::Data(format!(
                "{}: the quotation {} is answered already",
                self.path.display(),
                answer.id
            )));
        }
        let line = record_line(&answer.fields())?;
        let io = |e| Error::io(&self.path, e);
        self.file.write_all(&line).map_err(io)?;
        self.file.sync_data().map_err(io)?;
        self.ids.insert(answer.id.clone());
        self.rows.push(answer);
        self.starts.push(self.len);
        self.len += line.len() as u64;
        Ok(())
    }

    /// Removes the last answer: the file is cut back to where its line starts (one
    /// truncation, flushed to disk; the file stays the one this session has locked). Returns
    /// the answer removed, `None` when there is none.
    pub fn remove_last(&mut self) -> Result<Option<Answer>> {
        let (Some(last), Some(&start)) = (self.rows.last().cloned(), self.starts.last()) else {
            return Ok(None);
        };
        let io = |e| Error::io(&self.path, e);
        self.file.set_len(start).map_err(io)?;
        self.file.sync_data().map_err(io)?;
        self.len = start;
        self.rows.pop();
        self.starts.pop();
        self.ids.remove(&last.id);
        Ok(Some(last))
    }
}

/// Checks that the first line of a file is the answers header.
fn check_header(path: &Path, first_line: &[u8]) -> Result<()> {
    let line = String::from_utf8_lossy(first_line);
    let line = line.trim_start_matches('\u{feff}').trim_end();
    let header: Vec<&str> = line.split(',').map(str::trim).collect();
    if header == HEADER {
        return Ok(());
    }
    Err(Error::Csv {
        path: path.to_path_buf(),
        line: 1,
        message: format!(
            "not an answers file: its columns are `{line}`, an answers file has `{}`; give \
             another --out (answers are appended to it)",
            HEADER.join(",")
        ),
    })
}

/// The answers of a file's bytes (each line complete, the header checked), checked, and where
/// each one's line starts.
fn parse(path: &Path, bytes: &[u8]) -> Result<(Vec<Answer>, Vec<u64>)> {
    let csv_error = |line: u64, message: String| Error::Csv {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut starts = Vec::new();
    let mut ids = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i as u64 + 1, |p| p.line());
        let record = record.map_err(|e| {
            csv_error(
                line,
                format!("not a valid CSV record ({e}); fix or delete that line"),
            )
        })?;
        if i == 0 {
            continue;
        }
        if record.len() != HEADER.len() {
            return Err(csv_error(
                line,
                format!(
                    "{} fields, {} expected ({}); fix or delete that line",
                    record.len(),
                    HEADER.len(),
                    HEADER.join(",")
                ),
            ));
        }
        let field = |j: usize| record[j].to_string();
        let relevant = match record[6].trim() {
            "yes" => true,
            "no" => false,
            other => {
                return Err(csv_error(
                    line,
                    format!("relevant is {other:?}, not `yes` or `no`; fix that line"),
                ))
            }
        };
        if field(0).trim().is_empty() || field(5).trim().is_empty() {
            return Err(csv_error(
                line,
                "an answer needs an id and a label; fix or delete that line".into(),
            ));
        }
        if !ids.insert(field(0)) {
            return Err(csv_error(
                line,
                format!(
                    "the id `{}` is answered on an earlier line too; delete one of the two",
                    field(0)
                ),
            ));
        }
        starts.push(
            record
                .position()
                .map_or(0, |p| record_start(bytes, p.byte())),
        );
        rows.push(Answer {
            id: field(0),
            text: field(1),
            speaker: field(2),
            date: field(3),
            source_url: field(4),
            label: field(5).trim().to_string(),
            relevant,
            article: field(7),
        });
    }
    Ok((rows, starts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: &str, label: &str) -> Answer {
        Answer {
            id: id.into(),
            text: format!("text of {id}, with \"quotes\"\nand a line break"),
            speaker: "Sergey Lavrov".into(),
            date: "2019-09-05".into(),
            source_url: "https://example.org/a".into(),
            label: label.into(),
            relevant: true,
            article: "a.txt".into(),
        }
    }

    #[test]
    fn answers_are_appended_and_read_back_on_resume() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        let (mut file, warnings) = AnswersFile::open(&path).unwrap();
        assert!(warnings.is_empty());
        file.append(answer("a", "positive")).unwrap();
        file.append(answer("b", "negative")).unwrap();
        assert!(file.append(answer("a", "neutral")).is_err(), "twice");
        drop(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.starts_with("id,text,speaker,date,source_url,label,relevant,article\n"));
        let (file, _) = AnswersFile::open(&path).unwrap();
        assert_eq!(file.rows().len(), 2);
        assert!(file.contains("a") && file.contains("b") && !file.contains("c"));
        assert_eq!(file.rows()[1].label, "negative");
        assert_eq!(
            file.rows()[0].text,
            "text of a, with \"quotes\" and a line break"
        );
        // It trains as it is: the crate's CSV reader takes it.
        let data = crate::data::load_csv(
            &path,
            &crate::data::Columns::new("text", Some("label")),
            false,
        )
        .unwrap();
        assert_eq!(data.rows.len(), 2);
    }

    /// An editor that adds no final newline leaves a whole last answer: it is kept (and the
    /// newline added); a last answer cut short inside a text with a line break is removed
    /// whole, from where its record starts.
    #[test]
    fn a_whole_last_answer_without_its_newline_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        let (mut file, _) = AnswersFile::open(&path).unwrap();
        file.append(answer("a", "positive")).unwrap();
        file.append(answer("b", "negative")).unwrap();
        drop(file);
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 1]).unwrap();
        let (mut file, warnings) = AnswersFile::open(&path).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(file.rows().len(), 2);
        assert_eq!(file.rows()[1].label, "negative");
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        file.append(answer("c", "neutral")).unwrap();
        drop(file);

        let mut broken = answer("d", "neutral");
        broken.text = "first line\nsecond line".into();
        let line = record_line(&broken.fields()).unwrap();
        let before = std::fs::read(&path).unwrap();
        let mut cut = before.clone();
        cut.extend_from_slice(&line[..line.len() - 12]);
        std::fs::write(&path, &cut).unwrap();
        let (file, warnings) = AnswersFile::open(&path).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("cut short"), "{}", warnings[0]);
        assert_eq!(file.rows().len(), 3);
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_line_cut_short_by_a_crash_is_removed_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        let (mut file, _) = AnswersFile::open(&path).unwrap();
        file.append(answer("a", "positive")).unwrap();
        drop(file);
        let whole = std::fs::read(&path).unwrap();
        let mut cut = whole.clone();
        cut.extend_from_slice(b"b,\"half a quotat");
        std::fs::write(&path, &cut).unwrap();
        let (mut file, warnings) = AnswersFile::open(&path).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("labels.csv:3:"), "{}", warnings[0]);
        assert!(warnings[0].contains("cut short"), "{}", warnings[0]);
        assert_eq!(file.rows().len(), 1);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            whole,
            "the partial line is gone"
        );
        file.append(answer("b", "neutral")).unwrap();
        drop(file);
        let (file, warnings) = AnswersFile::open(&path).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(file.rows().len(), 2);
    }

    #[test]
    fn back_removes_the_last_answer_and_the_file_stays_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        let (mut file, _) = AnswersFile::open(&path).unwrap();
        file.append(answer("a", "positive")).unwrap();
        file.append(answer("b", "negative")).unwrap();
        assert_eq!(file.remove_last().unwrap().unwrap().id, "b");
        assert!(!file.contains("b"));
        file.append(answer("c", "neutral")).unwrap();
        drop(file);
        let (mut file, _) = AnswersFile::open(&path).unwrap();
        let ids: Vec<&str> = file.rows().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        file.remove_last().unwrap();
        file.remove_last().unwrap();
        assert_eq!(file.remove_last().unwrap(), None);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("{}\n", HEADER.join(",")));
        // No temporary file is left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_second_session_on_the_same_file_is_refused_even_after_an_undo() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        let (mut first, _) = AnswersFile::open(&path).unwrap();
        first.append(answer("a", "positive")).unwrap();
        first.append(answer("b", "negative")).unwrap();
        let err = AnswersFile::open(&path).unwrap_err().to_string();
        assert!(err.contains("another `tonetrack label` session"), "{err}");
        // Undo keeps the file (and its lock): a rewrite through a rename would have let a
        // second session in, and each would then undo against its own view of the file.
        first.remove_last().unwrap();
        assert!(AnswersFile::open(&path).is_err());
        drop(first);
        let (second, _) = AnswersFile::open(&path).unwrap();
        let ids: Vec<&str> = second.rows().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a"]);
    }

    #[test]
    fn undo_cuts_back_lines_written_by_hand_too() {
        // Lines another program wrote (CRLF ends, quoting it chose) are cut back exactly.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        let header = HEADER.join(",");
        std::fs::write(
            &path,
            format!("{header}\r\n\"a\",\"We \"\"talk\"\"\",,,,positive,yes,\r\n"),
        )
        .unwrap();
        let before = std::fs::read(&path).unwrap();
        let (mut file, _) = AnswersFile::open(&path).unwrap();
        file.append(answer("b", "neutral")).unwrap();
        assert_eq!(file.remove_last().unwrap().unwrap().id, "b");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(file.remove_last().unwrap().unwrap().text, "We \"talk\"");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{header}\r\n")
        );
    }

    #[test]
    fn a_foreign_file_or_a_bad_line_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.csv");
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let err = AnswersFile::open(&path).unwrap_err().to_string();
        assert!(
            err.contains("other.csv:1:") && err.contains("not an answers file"),
            "{err}"
        );
        std::fs::write(
            &path,
            format!("{}\nx,t,s,d,u,positive,maybe,a\n", HEADER.join(",")),
        )
        .unwrap();
        let err = AnswersFile::open(&path).unwrap_err().to_string();
        assert!(
            err.contains("other.csv:2:") && err.contains("relevant"),
            "{err}"
        );
    }
}
