//! Files tonetrack writes (models, charts, reports): their paths checked before any work is
//! done, and each written whole through a temporary file and a rename, never half.

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

/// Checks that a file can be written at `path` — its folder exists and takes a new file, and
/// `path` is not a folder — so that a long run does not fail only when it writes its result.
/// Nothing is left behind by the check.
pub fn check_output_path(path: &Path) -> Result<()> {
    let refuse = |problem: String| Error::OutputPath {
        path: path.to_path_buf(),
        problem,
    };
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
/// renamed over `path`. On any failure an old file at `path` is left untouched and no
/// temporary file remains.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.file_name().is_none() {
        return Err(Error::OutputPath {
            path: path.to_path_buf(),
            problem: "is not a file name: name the file to write".into(),
        });
    }
    let tmp = temporary_sibling(path, "tmp");
    pending().push(tmp.clone());
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    done_with(&tmp);
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// A file being written through a temporary file beside its path: [`create`](Self::create)
/// gives the temporary file to write to, [`commit`](Self::commit) flushes it to disk and
/// renames it over the path. Dropped before `commit` (an error, a panic), it removes the
/// temporary file: an old file at the path is left untouched, and no half-written one
/// appears.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary file for `path`.
    pub fn create(path: &Path) -> Result<(AtomicFile, std::fs::File)> {
        if path.file_name().is_none() || path.is_dir() {
            return Err(Error::OutputPath {
                path: path.to_path_buf(),
                problem: "is not a file name: name the file to write".into(),
            });
        }
        let tmp = temporary_sibling(path, "tmp");
        pending().push(tmp.clone());
        let file = std::fs::File::create(&tmp).map_err(|e| {
            done_with(&tmp);
            Error::io(path, e)
        })?;
        let guard = AtomicFile {
            path: path.to_path_buf(),
            tmp,
            committed: false,
        };
        Ok((guard, file))
    }

    /// Flushes `file` (the one [`create`](Self::create) gave) to disk and puts it at the path.
    pub fn commit(mut self, file: std::fs::File) -> Result<()> {
        file.sync_all().map_err(|e| Error::io(&self.path, e))?;
        drop(file);
        std::fs::rename(&self.tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
        done_with(&self.tmp);
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
