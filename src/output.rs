//! Last stage: where rendered files go.
//!
//! A build updates its output folder in place and touches only what it wrote itself:
//!
//! - `.passerelle/manifest` inside the output lists every file Passerelle wrote there, with a
//!   digest, size and modification time. A folder without it is not Passerelle's: a build
//!   refuses to write into it unless it is empty.
//! - Files whose bytes did not change are left alone (same inode, same mtime), so that a
//!   deploy by rsync or an S3 sync uploads only what changed.
//! - Changed and new files are written to `.passerelle/staging/` first and renamed into place
//!   only when the whole build succeeded: a failed build writes and removes nothing, and a
//!   build killed at any moment leaves every file either old or new, never truncated.
//! - Files the previous build wrote and this one did not are removed; nothing else is.
//! - `.passerelle/lock` keeps two builds from writing into one folder at once.
//!
//! The preview server keeps the files in memory (`MemorySink`); `check` discards them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;
use thiserror::Error;

/// Receives the site's files. Shared by the parallel renderers, hence `Sync`.
pub trait Sink: Sync {
    /// `path` is relative to the site root, with `/` separators: `etudes-de-cas/a/index.html`.
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;
}

/// Keeps files in memory: used by `serve` and tests.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        check_relative_path(path)?;
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), bytes);
        Ok(())
    }
}

/// Discards files: `passerelle check` renders everything to find errors but writes nothing.
pub struct NullSink;

impl Sink for NullSink {
    fn put(&self, path: &str, _bytes: Vec<u8>) -> io::Result<()> {
        check_relative_path(path)
    }
}

/// Passerelle's own folder inside the output.
pub const STATE_DIR: &str = ".passerelle";
const MANIFEST_FILE: &str = "manifest";
const LOCK_FILE: &str = "lock";
const STAGING_DIR: &str = "staging";
const MANIFEST_HEADER: &str = "passerelle output manifest 1";

/// Folders of a site that hold its sources: an output may not lie inside one of them.
const SOURCE_DIRS: [&str; 5] = ["content", "templates", "static", "i18n", "themes"];

/// Why a folder cannot be used as the output. Each message says what to do instead.
#[derive(Debug, Error)]
pub enum OutputError {
    #[error(
        "refusing to build into {output}: {reason} — choose a folder of its own, e.g. `--output public`"
    )]
    Refused { output: String, reason: String },
    #[error(
        "refusing to build into {output}: the folder is not empty and was not written by Passerelle (it has no {STATE_DIR}/{MANIFEST_FILE}) — choose a new or empty folder, e.g. `--output public`, or empty this one yourself if nothing in it is needed"
    )]
    NotOurs { output: String },
    #[error("{path} is damaged at line {line} — delete the output folder and build again")]
    DamagedManifest { path: String, line: usize },
    #[error(
        "cannot write into {path}: {cause} — check the folder's permissions and the free disk space, or choose another `--output`"
    )]
    Io { path: String, cause: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |cause| OutputError::Io {
        path: path.display().to_string(),
        cause,
    }
}

/// Refuses an output folder that would overwrite or delete the site's sources: the site's
/// folder itself, a folder that contains it, or one inside its content, templates or theme.
pub fn check_location(site_root: &Path, output: &Path) -> Result<(), OutputError> {
    let refused = |reason: String| OutputError::Refused {
        output: output.display().to_string(),
        reason,
    };
    let root = fs::canonicalize(site_root).map_err(io_error(site_root))?;
    let resolved = resolve(output).map_err(io_error(output))?;
    if resolved == root {
        return Err(refused(
            "it is the site's own folder (config.yaml, content/)".into(),
        ));
    }
    if root.starts_with(&resolved) {
        return Err(refused(format!(
            "it contains the site's folder {}",
            root.display()
        )));
    }
    for source in SOURCE_DIRS {
        if resolved.starts_with(root.join(source)) {
            return Err(refused(format!(
                "it lies inside the site's `{source}/` folder"
            )));
        }
    }
    Ok(())
}

/// The absolute form of a path that may not exist yet: its longest existing ancestor with
/// links resolved, then the rest as written.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match fs::canonicalize(existing) {
            Ok(mut resolved) => {
                for component in rest.iter().rev() {
                    match component {
                        Component::ParentDir => {
                            resolved.pop();
                        }
                        Component::Normal(name) => resolved.push(name),
                        _ => {}
                    }
                }
                return Ok(resolved);
            }
            Err(_) => match (existing.parent(), existing.components().next_back()) {
                (Some(parent), Some(last)) => {
                    rest.push(last);
                    existing = parent;
                }
                _ => return Ok(absolute),
            },
        }
    }
}

/// An output path must stay inside the output: relative, `/`-separated, with no empty, `.`
/// or `..` segment, no control character, and not inside Passerelle's own folder. Whatever
/// produced the path (content, config, a theme), one that breaks this is never written.
pub fn check_relative_path(path: &str) -> io::Result<()> {
    let bad = |why: &str| {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the output path `{}` {why}", path.escape_debug()),
        ))
    };
    if path.is_empty() {
        return bad("is empty");
    }
    // ASCII first: output paths are almost always ASCII, and this runs for every file.
    let bad_byte = |b: &u8| *b < 0x20 || *b == 0x7f || *b == b'\\';
    if path.as_bytes().iter().any(bad_byte)
        || (!path.is_ascii() && path.chars().any(char::is_control))
    {
        return bad("holds a control character or a backslash");
    }
    for segment in path.split('/') {
        if segment.is_empty() {
            return bad("has an empty folder or file name");
        }
        if segment == "." || segment == ".." || segment.contains(':') {
            return bad("would leave the output folder");
        }
    }
    if path.split('/').next() == Some(STATE_DIR) {
        return bad("is inside Passerelle's own folder");
    }
    Ok(())
}

/// What Passerelle knows of one file it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    digest: u64,
    len: u64,
    /// Modification time in nanoseconds since 1970, as the file system reported it after
    /// the file was written: a different one means someone else touched the file.
    mtime: u128,
}

type Manifest = HashMap<String, Record>;

fn mtime_of(metadata: &fs::Metadata) -> u128 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |duration| duration.as_nanos())
}

fn read_manifest(path: &Path) -> Result<Option<Manifest>, OutputError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(io_error(path)(err)),
    };
    let damaged = |line| OutputError::DamagedManifest {
        path: path.display().to_string(),
        line,
    };
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return Err(damaged(1));
    }
    let mut manifest = Manifest::new();
    for (index, line) in lines.enumerate() {
        let mut fields = line.splitn(4, ' ');
        let record = (|| {
            let digest = u64::from_str_radix(fields.next()?, 16).ok()?;
            let len = fields.next()?.parse().ok()?;
            let mtime = fields.next()?.parse().ok()?;
            let file = fields.next()?;
            check_relative_path(file).ok()?;
            Some((file.to_string(), Record { digest, len, mtime }))
        })();
        let (file, record) = record.ok_or_else(|| damaged(index + 2))?;
        manifest.insert(file, record);
    }
    Ok(Some(manifest))
}

fn write_manifest(state: &Path, manifest: &Manifest) -> io::Result<()> {
    let mut files: Vec<_> = manifest.iter().collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut text = String::with_capacity(64 * files.len() + 64);
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for (file, record) in files {
        use std::fmt::Write as _;
        let _ = writeln!(
            text,
            "{:016x} {} {} {file}",
            record.digest, record.len, record.mtime
        );
    }
    // Written aside and renamed: a reader, or the next build after a crash, sees the old
    // list or the new one, never half of one.
    let temporary = state.join(format!("{MANIFEST_FILE}.new"));
    let mut file = File::create(&temporary)?;
    file.write_all(text.as_bytes())?;
    drop(file);
    fs::rename(&temporary, state.join(MANIFEST_FILE))
}

/// A folder of the output as a build found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folder {
    /// There, and not a symbolic link (a file in the way is found when it is replaced).
    Present,
    Missing,
    Link,
}

/// Where an output path is (see `OutputDir::locate`).
enum Located {
    /// No folder on the way is a link.
    Here(PathBuf),
    /// A folder on the way does not exist: nothing can be at the path.
    Free,
    /// A folder on the way is a symbolic link: Passerelle never writes through one.
    ThroughLink,
}

/// How many files a build wrote, removed and left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub written: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// An output folder opened for one build, locked until it is dropped. It is also the
/// build's sink: files go to the staging folder, and only `commit` changes the output.
pub struct OutputDir {
    root: PathBuf,
    state: PathBuf,
    staging: PathBuf,
    _lock: File,
    previous: Manifest,
    /// Every file of this build, changed or not.
    current: Mutex<Manifest>,
    /// Files that must be moved into place. A set: a file put twice is written once, with
    /// the bytes of the last put (content-named files of the search index can repeat).
    staged: Mutex<HashSet<String>>,
    /// Files in the way that Passerelle did not write: output path → what is there.
    conflicts: Mutex<Vec<(String, &'static str)>>,
    /// Folders made in the staging folder.
    folders: Mutex<HashSet<PathBuf>>,
    /// Folders of the output (relative paths) as this build found them, each looked at once
    /// although thousands of files lie under it (`locate`).
    output_folders: Mutex<HashMap<String, Folder>>,
    committed: bool,
    /// Whether this build made the output folder (a failed first build then removes it).
    created: bool,
}

impl OutputDir {
    /// Opens (and creates, if needed) `output` for a build. `on_wait` is called if another
    /// build holds the folder, before waiting for it to finish.
    pub fn open(output: &Path, on_wait: impl FnOnce()) -> Result<OutputDir, OutputError> {
        let state = output.join(STATE_DIR);
        let mut created = false;
        match fs::metadata(output) {
            Ok(metadata) if !metadata.is_dir() => {
                return Err(OutputError::Refused {
                    output: output.display().to_string(),
                    reason: "it is an existing file, not a folder".into(),
                });
            }
            // A folder with no `.passerelle/` is refused before anything is written in it;
            // one that has it may be in the middle of another build's first commit, and is
            // checked again under the lock.
            Ok(_) if !state.exists() && has_foreign_entries(output)? => {
                return Err(OutputError::NotOurs {
                    output: output.display().to_string(),
                });
            }
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
                    fs::create_dir_all(parent).map_err(io_error(parent))?;
                }
                // Another build may be making it at the same moment: then it is not ours
                // to remove if this build fails.
                match fs::create_dir(output) {
                    Ok(()) => created = true,
                    Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                    Err(err) => return Err(io_error(output)(err)),
                }
            }
            Err(err) => return Err(io_error(output)(err)),
        }
        match fs::symlink_metadata(&state) {
            Ok(metadata) if !metadata.is_dir() => {
                return Err(OutputError::Refused {
                    output: output.display().to_string(),
                    reason: format!("{} is not a folder Passerelle made", state.display()),
                });
            }
            Ok(_) => {}
            Err(_) => match fs::create_dir(&state) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                Err(err) => return Err(io_error(&state)(err)),
            },
        }
        let lock_path = state.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_error(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                on_wait();
                lock.lock().map_err(io_error(&lock_path))?;
            }
            Err(fs::TryLockError::Error(err)) => return Err(io_error(&lock_path)(err)),
        }
        // Read under the lock: a build that just finished may have changed it.
        let previous = match read_manifest(&state.join(MANIFEST_FILE))? {
            Some(previous) => previous,
            None if has_foreign_entries(output)? => {
                return Err(OutputError::NotOurs {
                    output: output.display().to_string(),
                });
            }
            None => Manifest::new(),
        };
        let staging = state.join(STAGING_DIR);
        // A staging folder here is left from a build that was killed: it is ours to clear.
        match fs::remove_dir_all(&staging) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(io_error(&staging)(err)),
        }
        fs::create_dir(&staging).map_err(io_error(&staging))?;
        Ok(OutputDir {
            root: output.to_path_buf(),
            state,
            staging,
            _lock: lock,
            previous,
            current: Mutex::new(Manifest::new()),
            staged: Mutex::new(HashSet::new()),
            conflicts: Mutex::new(Vec::new()),
            folders: Mutex::new(HashSet::new()),
            output_folders: Mutex::new(HashMap::new()),
            committed: false,
            created,
        })
    }

    /// Files that this build would write over although Passerelle did not write them, with
    /// what is there. Taking them clears the list.
    pub fn take_conflicts(&self) -> Vec<(String, &'static str)> {
        let mut conflicts =
            std::mem::take(&mut *self.conflicts.lock().unwrap_or_else(|e| e.into_inner()));
        conflicts.sort();
        conflicts
    }

    /// Whether the file at `target` already holds `bytes` (whose digest is `digest`).
    fn holds(&self, target: &Path, previous: &Record, digest: u64, bytes: &[u8]) -> Option<Record> {
        let metadata = fs::symlink_metadata(target).ok()?;
        if !metadata.is_file() || metadata.len() != bytes.len() as u64 {
            return None;
        }
        let mtime = mtime_of(&metadata);
        if mtime == previous.mtime && previous.len == metadata.len() {
            // Untouched since Passerelle wrote it: its digest says what it holds.
            return (previous.digest == digest).then_some(*previous);
        }
        // Touched by someone else (or copied with new times): compare the bytes themselves.
        let on_disk = fs::read(target).ok()?;
        (on_disk == bytes).then_some(Record {
            digest,
            len: metadata.len(),
            mtime,
        })
    }

    fn create_parent(&self, path: &Path) -> io::Result<()> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        let folders = || self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if !folders().contains(parent) {
            // Made without holding the lock, so that the other renderers go on writing; two
            // of them making the same folder is fine (`create_dir_all` accepts one that
            // exists).
            fs::create_dir_all(parent)?;
            folders().insert(parent.to_path_buf());
        }
        Ok(())
    }

    /// Where `relative` is in the output. The output may hold links an author made, and
    /// Passerelle never reads, writes or deletes through them. Each folder on the way is
    /// looked at once per build, and a path under a folder the output does not have is known
    /// to be free without asking the file system again.
    fn locate(&self, relative: &str) -> Located {
        let seen = |folder: &str| -> Folder {
            let cached = (self
                .output_folders
                .lock()
                .unwrap_or_else(|e| e.into_inner()))
            .get(folder)
            .copied();
            cached.unwrap_or_else(|| {
                let state = match fs::symlink_metadata(self.root.join(folder)) {
                    Ok(metadata) if metadata.file_type().is_symlink() => Folder::Link,
                    Ok(_) => Folder::Present,
                    Err(_) => Folder::Missing,
                };
                (self
                    .output_folders
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()))
                .insert(folder.to_string(), state);
                state
            })
        };
        for (end, _) in relative.match_indices('/') {
            match seen(&relative[..end]) {
                Folder::Present => {}
                Folder::Link => return Located::ThroughLink,
                Folder::Missing => return Located::Free,
            }
        }
        Located::Here(self.root.join(relative))
    }

    /// Moves the staged files into place, removes the files the site no longer has, and
    /// records what the output now holds.
    pub fn commit(mut self) -> anyhow::Result<Summary> {
        use anyhow::Context as _;
        let current = std::mem::take(&mut *self.current.lock().unwrap_or_else(|e| e.into_inner()));
        let staged = std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        if staged.is_empty() && current == self.previous {
            // Nothing changed: not even the manifest is written again.
            let _ = fs::remove_dir_all(&self.staging);
            self.committed = true;
            return Ok(Summary {
                written: 0,
                removed: 0,
                unchanged: current.len(),
            });
        }
        // First the union of old and new: if the build is killed while files move, every
        // file in the folder is still known to be Passerelle's, and the next build repairs it.
        let mut union = self.previous.clone();
        union.extend(current.iter().map(|(file, record)| (file.clone(), *record)));
        write_manifest(&self.state, &union)
            .with_context(|| format!("cannot write {}", self.state.display()))?;

        let mut stale: Vec<&String> = self
            .previous
            .keys()
            .filter(|file| !current.contains_key(*file))
            .collect();
        stale.sort_unstable_by(|a, b| b.cmp(a));
        let mut removed = 0;
        let mut emptied = HashSet::new();
        for file in stale {
            // Under a link, or under a folder that is gone: nothing of ours to remove.
            let Located::Here(path) = self.locate(file) else {
                continue;
            };
            match fs::symlink_metadata(&path) {
                Ok(metadata) if metadata.is_file() => {
                    fs::remove_file(&path)
                        .with_context(|| format!("cannot remove {}", path.display()))?;
                    removed += 1;
                    test_pause();
                    let mut folder = file.as_str();
                    while let Some((dir, _)) = folder.rsplit_once('/') {
                        emptied.insert(dir);
                        folder = dir;
                    }
                }
                _ => {}
            }
        }
        // Folders left empty go too, deepest first; one that still holds anything stays, and
        // none is reached through a link (`rmdir` itself refuses a link).
        let mut emptied: Vec<&str> = emptied.into_iter().collect();
        emptied.sort_unstable_by_key(|dir| std::cmp::Reverse(dir.matches('/').count()));
        for dir in emptied {
            if let Located::Here(path) = self.locate(dir) {
                let _ = fs::remove_dir(path);
            }
        }

        move_into_place(&self.staging, &self.root)?;
        write_manifest(&self.state, &current)
            .with_context(|| format!("cannot write {}", self.state.display()))?;
        let _ = fs::remove_dir_all(&self.staging);
        self.committed = true;
        Ok(Summary {
            written: staged.len(),
            removed,
            unchanged: current.len().saturating_sub(staged.len()),
        })
    }
}

impl Drop for OutputDir {
    /// A build that did not commit leaves the output as it found it.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
            if self.created {
                // Nothing was ever written here: leave no empty folder behind either.
                let _ = fs::remove_file(self.state.join(LOCK_FILE));
                let _ = fs::remove_dir(&self.state);
                let _ = fs::remove_dir(&self.root);
            }
        }
    }
}

/// Whether a folder holds anything besides Passerelle's own folder.
fn has_foreign_entries(dir: &Path) -> Result<bool, OutputError> {
    let entries = fs::read_dir(dir).map_err(io_error(dir))?;
    for entry in entries {
        let entry = entry.map_err(io_error(dir))?;
        if entry.file_name() != STATE_DIR {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Debug builds only (the tests' binary): `PASSERELLE_TEST_SLOW_COMMIT_MS` pauses after each
/// file or folder moved into place, so that a test can kill a build while it commits.
fn test_pause() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("PASSERELLE_TEST_SLOW_COMMIT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Moves everything under `staged` to the same place under `target`: a folder that does not
/// exist there yet is moved whole (one rename for a whole new site), a file replaces the old
/// one with one atomic rename.
fn move_into_place(staged: &Path, target: &Path) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let entries =
        fs::read_dir(staged).with_context(|| format!("cannot read {}", staged.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", staged.display()))?;
        let from = entry.path();
        let to = target.join(entry.file_name());
        let from_is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        match fs::symlink_metadata(&to) {
            Ok(existing) if existing.is_dir() && from_is_dir => {
                move_into_place(&from, &to)?;
            }
            Ok(existing) if existing.is_file() && !from_is_dir => {
                fs::rename(&from, &to)
                    .with_context(|| format!("cannot replace {}", to.display()))?;
                test_pause();
            }
            Ok(_) => anyhow::bail!(
                "cannot write {}: something else is in the way (a folder, a file or a link Passerelle did not write); move it away and build again",
                to.display()
            ),
            Err(_) => {
                fs::rename(&from, &to).with_context(|| format!("cannot write {}", to.display()))?;
                test_pause();
            }
        }
    }
    Ok(())
}

impl Sink for OutputDir {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        check_relative_path(path)?;
        let digest = xxhash_rust::xxh3::xxh3_64(&bytes);
        let target = match self.locate(path) {
            Located::ThroughLink => {
                self.conflict(path, "a folder on its way is a symbolic link");
                return Ok(());
            }
            // Its folder is not there: nothing is in the way, and nothing to compare with.
            Located::Free => None,
            Located::Here(target) => Some(target),
        };
        match (self.previous.get(path), target) {
            (_, None) => {}
            (Some(previous), Some(target)) => {
                if let Some(record) = self.holds(&target, previous, digest, &bytes) {
                    self.current
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(path.to_string(), record);
                    // Put again with the bytes already in place: an earlier put's staged
                    // copy must not replace them.
                    let staged = self.staged.lock().unwrap_or_else(|e| e.into_inner());
                    if staged.contains(path) {
                        drop(staged);
                        self.unstage(path)?;
                    }
                    return Ok(());
                }
            }
            (None, Some(target)) => {
                if let Ok(existing) = fs::symlink_metadata(&target) {
                    let what = if existing.file_type().is_symlink() {
                        "a symbolic link"
                    } else if existing.is_dir() {
                        "a folder"
                    } else {
                        "a file"
                    };
                    self.conflict(path, what);
                    return Ok(());
                }
            }
        }
        let staged = self.staging.join(path);
        self.create_parent(&staged)?;
        let mut file = File::create(&staged)?;
        file.write_all(&bytes)?;
        let metadata = file.metadata()?;
        let record = Record {
            digest,
            len: bytes.len() as u64,
            mtime: mtime_of(&metadata),
        };
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), record);
        self.staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string());
        Ok(())
    }
}

impl OutputDir {
    fn conflict(&self, path: &str, what: &'static str) {
        self.conflicts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), what));
    }

    /// Takes back a file staged earlier in this build.
    fn unstage(&self, path: &str) -> io::Result<()> {
        self.staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
        match fs::remove_file(self.staging.join(path)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_that_leave_the_folder_are_refused() {
        for bad in [
            "",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "./a",
            "a\\..\\b",
            "a\nb",
            "c:/x",
            ".passerelle/manifest",
        ] {
            assert!(check_relative_path(bad).is_err(), "{bad:?} was accepted");
        }
        for good in [
            "index.html",
            "etudes-de-cas/a/index.html",
            "static/style.css",
        ] {
            assert!(check_relative_path(good).is_ok(), "{good:?} was refused");
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_folder_replaced_by_a_link_is_in_the_way_and_a_missing_one_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let outside = dir.path().join("elsewhere");
        fs::create_dir_all(outside.join("b")).unwrap();
        fs::write(outside.join("b/index.html"), "not Passerelle's").unwrap();

        let first = OutputDir::open(&output, || {}).unwrap();
        first.put("a/b/index.html", b"one".to_vec()).unwrap();
        first.put("c/d/index.html", b"two".to_vec()).unwrap();
        first.commit().unwrap();

        // An author replaces one folder by a link out of the output, and deletes another.
        fs::remove_dir_all(output.join("a")).unwrap();
        std::os::unix::fs::symlink(&outside, output.join("a")).unwrap();
        fs::remove_dir_all(output.join("c")).unwrap();

        let second = OutputDir::open(&output, || {}).unwrap();
        second.put("a/b/index.html", b"three".to_vec()).unwrap();
        second.put("a/e/index.html", b"four".to_vec()).unwrap();
        second.put("c/d/index.html", b"two".to_vec()).unwrap();
        assert_eq!(
            second.take_conflicts(),
            vec![
                (
                    "a/b/index.html".to_string(),
                    "a folder on its way is a symbolic link"
                ),
                (
                    "a/e/index.html".to_string(),
                    "a folder on its way is a symbolic link"
                ),
            ]
        );
        drop(second);
        assert_eq!(
            fs::read_to_string(outside.join("b/index.html")).unwrap(),
            "not Passerelle's"
        );
        assert!(!outside.join("e").exists());

        // Without the link, the deleted folder is made again with its file.
        fs::remove_file(output.join("a")).unwrap();
        let third = OutputDir::open(&output, || {}).unwrap();
        third.put("a/b/index.html", b"three".to_vec()).unwrap();
        third.put("c/d/index.html", b"two".to_vec()).unwrap();
        assert!(third.take_conflicts().is_empty());
        let summary = third.commit().unwrap();
        assert_eq!((summary.written, summary.unchanged), (2, 0));
        assert_eq!(fs::read(output.join("c/d/index.html")).unwrap(), b"two");
    }

    #[test]
    fn a_file_put_twice_is_written_once_with_the_last_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let first = OutputDir::open(&output, || {}).unwrap();
        first.put("a.txt", b"old".to_vec()).unwrap();
        first.put("a.txt", b"new".to_vec()).unwrap();
        let summary = first.commit().unwrap();
        assert_eq!((summary.written, summary.unchanged), (1, 0));
        assert_eq!(fs::read(output.join("a.txt")).unwrap(), b"new");
        // Put with new bytes, then with the bytes in place: the file stays as it is.
        let second = OutputDir::open(&output, || {}).unwrap();
        second.put("a.txt", b"other".to_vec()).unwrap();
        second.put("a.txt", b"new".to_vec()).unwrap();
        let summary = second.commit().unwrap();
        assert_eq!((summary.written, summary.unchanged), (0, 1));
        assert_eq!(fs::read(output.join("a.txt")).unwrap(), b"new");
    }

    #[test]
    fn manifest_survives_a_round_trip_and_damage_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::new();
        manifest.insert(
            "a b/index.html".into(),
            Record {
                digest: 7,
                len: 3,
                mtime: 1_700_000_000_123_456_789,
            },
        );
        write_manifest(dir.path(), &manifest).unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        assert_eq!(read_manifest(&path).unwrap(), Some(manifest));
        fs::write(&path, format!("{MANIFEST_HEADER}\nnot a record\n")).unwrap();
        assert!(matches!(
            read_manifest(&path),
            Err(OutputError::DamagedManifest { line: 2, .. })
        ));
    }
}
