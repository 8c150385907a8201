//! Files tonetrack writes (models, charts, reports): their paths checked before any work is
//! done, and each written whole through a temporary file and a rename, never half.
//!
//! A path that is not a regular file is written through, never replaced: a symbolic link's
//! target file gets the temporary file and the rename (the link stays), and a device or a
//! pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written directly, since it holds no file to
//! leave half-written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The folder a file at `path` is written into (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Where the bytes for `path` go.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A regular file (or none yet) at this path: written through a temporary file beside
    /// it and a rename.
    File(PathBuf),
    /// A device, a pipe or a socket: opened and written directly.
    Stream(PathBuf),
}

/// What writing to `path` writes to: a symbolic link is followed to the file it names (a
/// dangling link to the file it would name), anything else that exists and is not a regular
/// file or a folder is a stream.
fn target(path: &Path) -> Target {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Target::File(path.to_path_buf());
    };
    if !meta.file_type().is_symlink() {
        return if meta.is_file() || meta.is_dir() {
            Target::File(path.to_path_buf())
        } else {
            Target::Stream(path.to_path_buf())
        };
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => std::fs::canonicalize(path)
            .map_or_else(|_| Target::Stream(path.to_path_buf()), Target::File),
        Ok(m) if m.is_dir() => Target::File(path.to_path_buf()),
        Ok(_) => Target::Stream(path.to_path_buf()),
        // A dangling link: the file it names, relative to the link's folder.
        Err(_) => match std::fs::read_link(path) {
            Ok(named) => Target::File(folder_of(path).join(named)),
            Err(_) => Target::File(path.to_path_buf()),
        },
    }
}

/// Checks that a file can be written at `path` — its folder exists and takes a new file, and
/// `path` is not a folder — so that a long run does not fail only when it writes its result.
/// Nothing is left behind by the check.
pub fn check_output_path(path: &Path) -> Result<()> {
    let refuse = |problem: String| Error::OutputPath {
        path: path.to_path_buf(),
        problem,
    };
    let path = match target(path) {
        // Opening a pipe for writing waits for its reader: the stream is opened when written.
        Target::Stream(_) => return Ok(()),
        Target::File(file) => file,
    };
    let path = path.as_path();
    if path.file_name().is_none() || path.is_dir() {
        return Err(refuse(
            "is a folder, not a file name: name the file to write".into(),
        ));
    }
    let folder = folder_of(path);
    if folder.is_file() {
        return Err(refuse(format!(
            "`{}` is a file, not a folder: name a file in an existing folder",
            folder.display()
        )));
    }
    if !folder.is_dir() {
        return Err(refuse(format!(
            "the folder `{}` does not exist: create it first (mkdir -p {})",
            folder.display(),
            folder.display()
        )));
    }
    let probe = temporary_sibling(path, "check");
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(refuse(format!(
            "cannot write in the folder `{}` ({e}): choose another place",
            folder.display()
        ))),
    }
}

/// The temporary files being written, for [`remove_temporary_files`].
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes the temporary files of the outputs still being written: for a program stopped by
/// a signal (Ctrl-C), whose destructors do not run.
pub fn remove_temporary_files() {
    for tmp in pending().drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
}

/// Stops listing `tmp` as being written.
fn done_with(tmp: &Path) {
    pending().retain(|p| p != tmp);
}

/// A hidden file beside `path`, unique to this process.
fn temporary_sibling(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().map_or_else(
        || "output".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    folder_of(path).join(format!(".{name}.{}.{what}", std::process::id()))
}

/// Writes `bytes` to `path` through a temporary file in the same folder, flushed to disk and
/// renamed over `path` ([`AtomicFile`]). On any failure an old file at `path` is left
/// untouched and no temporary file remains.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let (guard, mut file) = AtomicFile::create(path)?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    guard.commit(file)
}

/// A file being written through a temporary file beside its path: [`create`](Self::create)
/// gives the temporary file to write to, [`commit`](Self::commit) flushes it to disk and
/// renames it over the path. Dropped before `commit` (an error, a panic), it removes the
/// temporary file: an old file at the path is left untouched, and no half-written one
/// appears.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    /// The temporary file, `None` for a device or a pipe, written directly.
    tmp: Option<PathBuf>,
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary file for `path` (or opens `path` itself, when it is a device or a
    /// pipe).
    pub fn create(path: &Path) -> Result<(AtomicFile, std::fs::File)> {
        if path.file_name().is_none() || path.is_dir() {
            return Err(Error::OutputPath {
                path: path.to_path_buf(),
                problem: "is not a file name: name the file to write".into(),
            });
        }
        let target = match target(path) {
            Target::Stream(stream) => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&stream)
                    .map_err(|e| Error::io(path, e))?;
                let guard = AtomicFile {
                    path: stream,
                    tmp: None,
                    committed: false,
                };
                return Ok((guard, file));
            }
            Target::File(file) => file,
        };
        let tmp = temporary_sibling(&target, "tmp");
        pending().push(tmp.clone());
        let file = std::fs::File::create(&tmp).map_err(|e| {
            done_with(&tmp);
            Error::io(path, e)
        })?;
        let guard = AtomicFile {
            path: target,
            tmp: Some(tmp),
            committed: false,
        };
        Ok((guard, file))
    }

    /// Flushes `file` (the one [`create`](Self::create) gave) to disk and puts it at the path.
    pub fn commit(mut self, mut file: std::fs::File) -> Result<()> {
        let Some(tmp) = &self.tmp else {
            file.flush().map_err(|e| Error::io(&self.path, e))?;
            self.committed = true;
            return Ok(());
        };
        file.sync_all().map_err(|e| Error::io(&self.path, e))?;
        drop(file);
        std::fs::rename(tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        let Some(tmp) = &self.tmp else { return };
        if !self.committed {
            let _ = std::fs::remove_file(tmp);
        }
        done_with(tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_are_checked_and_leave_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        check_output_path(&d.join("m.json")).expect("a new file in an existing folder");
        assert_eq!(
            std::fs::read_dir(d).expect("list").count(),
            0,
            "the probe is removed"
        );
        let missing = check_output_path(&d.join("missing/dir/m.json")).unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("does not exist: create it first"),
            "{missing}"
        );
        let folder = check_output_path(d).unwrap_err();
        assert!(folder.to_string().contains("is a folder"), "{folder}");
    }

    #[test]
    #[cfg(unix)]
    fn links_and_streams_are_written_through_not_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.json");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        check_output_path(&link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        // A dangling link names the file to create.
        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink("made.json", &dangling).unwrap();
        write_atomically(&dangling, b"made").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("made.json")).unwrap(),
            "made"
        );
        // A device is written to, never replaced (/dev/null stays a device).
        let null = Path::new("/dev/null");
        check_output_path(null).unwrap();
        write_atomically(null, b"gone").unwrap();
        let (guard, mut file) = AtomicFile::create(null).unwrap();
        file.write_all(b"gone").unwrap();
        guard.commit(file).unwrap();
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(null)
            .unwrap()
            .file_type()
            .is_char_device());
        // Through a link to a file, the temporary file is the target's sibling, and goes.
        let (guard, mut file) = AtomicFile::create(&link).unwrap();
        file.write_all(b"parquet").unwrap();
        guard.commit(file).unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "parquet");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
    }

    #[test]
    fn atomic_write_replaces_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.txt");
        write_atomically(&path, b"one").expect("write");
        write_atomically(&path, b"two").expect("rewrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn an_atomic_file_dropped_before_commit_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.parquet");
        std::fs::write(&path, b"old").expect("old file");
        {
            let (guard, mut file) = AtomicFile::create(&path).expect("create");
            file.write_all(b"half").expect("write");
            drop(guard);
        }
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
        let (guard, mut file) = AtomicFile::create(&path).expect("create");
        file.write_all(b"new").expect("write");
        guard.commit(file).expect("commit");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }
}
