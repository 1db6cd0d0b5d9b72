//! Watches the site's sources and turns bursts of file-system events into one `Changes`.
//!
//! Debouncing is short and event-driven rather than a fixed delay: a burst ends when no
//! event came for `QUIET` and every file opened for writing was closed (or after `LONGEST`
//! in any case). An editor's atomic save (write a temporary file, rename it over the
//! original) or a `git checkout` of many files thus ends in one build, and a single save is
//! built a few milliseconds after the editor closes the file.
//!
//! Watches follow folders, not names: when the site folder is replaced by another one
//! (`rm -rf site; mv site.new site`, a `git worktree` or deploy tool swapping folders), the
//! watches stay on the old folder, or vanish with it. `Watch` notices that the folder at the
//! root path is no longer the one it watches (its device and inode changed) and watches the
//! new one, after every burst and every `RECHECK` while nothing happens.

use crate::engine::Changes;
use crate::load::{CONTENT_DIR, is_editor_artifact};
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Quiet time that ends a burst.
pub(crate) const QUIET: Duration = Duration::from_millis(4);
/// A burst never waits longer than this for files to be closed.
pub(crate) const LONGEST: Duration = Duration::from_millis(300);

/// While no event comes, how often to look whether the site folder was replaced.
pub(crate) const RECHECK: Duration = Duration::from_millis(500);

/// Folders (besides `content/`) whose changes reload the theme.
const THEME_DIRS: [&str; 4] = ["templates", "static", "i18n", "themes"];

/// Raised by the watcher as soon as an event about the site's sources comes in, before the
/// burst it belongs to is collected: a build still running can then stop early, its result
/// out of date. Lowered by the builder when it starts a build.
#[derive(Clone, Default)]
pub(crate) struct NewerChanges(Arc<AtomicBool>);

impl NewerChanges {
    pub(crate) fn came(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn clear(&self) {
        self.0.store(false, Ordering::Relaxed);
    }

    /// Raises the flag for `event` if the builder would take it in: not a file opened or
    /// read (the build reads files itself), nor a change outside the sources.
    fn note(&self, root: &Path, event: &notify::Result<Event>) {
        let relevant = match event {
            Err(_) => true,
            Ok(event) => {
                let read = matches!(event.kind, EventKind::Access(_))
                    && !matches!(
                        event.kind,
                        EventKind::Access(AccessKind::Close(AccessMode::Write))
                    );
                !read
                    && (event.need_rescan()
                        || event
                            .paths
                            .iter()
                            .any(|path| classify(root, path) != Source::Other))
            }
        };
        if relevant {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

/// The watches on one site folder, set again when the folder is replaced.
pub(crate) struct Watch {
    root: PathBuf,
    sender: Sender<notify::Result<Event>>,
    newer: NewerChanges,
    watcher: RecommendedWatcher,
    /// Which folder is watched (device, inode); `None` where the system has no such numbers.
    folder: Option<(u64, u64)>,
}

impl Watch {
    /// Starts watching `root` (canonical). Events go to `sender`.
    pub(crate) fn start(
        root: &Path,
        sender: Sender<notify::Result<Event>>,
        newer: NewerChanges,
    ) -> notify::Result<Watch> {
        let folder = folder_identity(root);
        let watcher = watch_site(root, sender.clone(), newer.clone())?;
        Ok(Watch {
            root: root.to_path_buf(),
            sender,
            newer,
            watcher,
            folder,
        })
    }

    /// Watches the folder now at the root path if it is not the one watched. Returns whether
    /// it did: everything must then be read again. While no folder is there, nothing changes
    /// (its removal was seen as events, and its return will be).
    pub(crate) fn renew_if_replaced(&mut self) -> bool {
        let now = folder_identity(&self.root);
        if now.is_none() || now == self.folder {
            return false;
        }
        // A new watcher, so that the old watches (on a folder maybe moved aside, whose events
        // would name the same paths) end with the old one.
        match watch_site(&self.root, self.sender.clone(), self.newer.clone()) {
            Ok(watcher) => {
                self.watcher = watcher;
                self.folder = now;
                true
            }
            // Half in place (a folder being copied in): the next look tries again.
            Err(_) => false,
        }
    }
}

fn watch_site(
    root: &Path,
    sender: Sender<notify::Result<Event>>,
    newer: NewerChanges,
) -> notify::Result<RecommendedWatcher> {
    let watched = root.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        newer.note(&watched, &event);
        // The builder is gone when this fails: the server is stopping.
        let _ = sender.send(event);
    })?;
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for dir in std::iter::once(CONTENT_DIR).chain(THEME_DIRS) {
        let path = root.join(dir);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(watcher)
}

#[cfg(unix)]
fn folder_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    meta.is_dir().then(|| (meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn folder_identity(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// Where an event path belongs.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Config,
    Theme,
    Content,
    /// A folder we watch appeared at the root: watch it, then read it.
    NewDir(&'static str),
    Other,
}

pub(crate) fn classify(root: &Path, path: &Path) -> Source {
    let Ok(relative) = path.strip_prefix(root) else {
        return Source::Other;
    };
    let mut components = relative.components();
    let Some(first) = components.next() else {
        return Source::Other;
    };
    let first = first.as_os_str().to_string_lossy();
    let nested = components.next().is_some();
    if !nested && first == crate::config::CONFIG_FILE {
        return Source::Config;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if first == CONTENT_DIR {
        if !nested {
            return Source::NewDir(CONTENT_DIR);
        }
        if is_editor_artifact(&name) {
            return Source::Other;
        }
        return Source::Content;
    }
    if let Some(dir) = THEME_DIRS.iter().find(|d| **d == first) {
        if !nested {
            return Source::NewDir(dir);
        }
        if is_editor_artifact(&name) {
            return Source::Other;
        }
        return Source::Theme;
    }
    Source::Other
}

/// What `next_burst` saw.
pub(crate) enum Burst {
    Changes(Changes),
    /// Nothing happened for the idle time asked for.
    Idle,
    /// The watcher is gone.
    Closed,
}

/// Collects the next burst of changes. Blocks until something relevant happens, or until
/// `idle` passed without any event.
pub(crate) fn next_burst(
    events: &Receiver<notify::Result<Event>>,
    watch: &mut Watch,
    idle: Option<Duration>,
) -> Burst {
    let mut changes = Changes::default();
    let mut open_for_writing: HashSet<PathBuf> = HashSet::new();
    let mut started: Option<Instant> = None;
    let idle_until = idle.map(|idle| Instant::now() + idle);
    loop {
        let received = match started {
            None => {
                let wait = idle_until.map_or(RECHECK, |until| {
                    until.saturating_duration_since(Instant::now()).min(RECHECK)
                });
                match events.recv_timeout(wait) {
                    Err(RecvTimeoutError::Timeout) => {
                        if watch.renew_if_replaced() {
                            return Burst::Changes(Changes::everything());
                        }
                        if idle_until.is_some_and(|until| Instant::now() >= until) {
                            return Burst::Idle;
                        }
                        continue;
                    }
                    other => other,
                }
            }
            Some(start) => {
                let waited = start.elapsed();
                let timeout = if open_for_writing.is_empty() || waited >= LONGEST {
                    QUIET
                } else {
                    (LONGEST - waited).min(Duration::from_millis(50))
                };
                events.recv_timeout(timeout)
            }
        };
        match received {
            Ok(Ok(event)) => {
                if add_event(&event, &mut changes, &mut open_for_writing, watch) {
                    started.get_or_insert_with(Instant::now);
                }
            }
            // Events were lost (queue overflow): read everything again.
            Ok(Err(_)) => {
                changes.rescan = true;
                changes.config = true;
                changes.theme = true;
                started.get_or_insert_with(Instant::now);
            }
            Err(RecvTimeoutError::Timeout) => {
                let waited = started.map_or(Duration::ZERO, |s| s.elapsed());
                if open_for_writing.is_empty() || waited >= LONGEST {
                    if watch.renew_if_replaced() {
                        return Burst::Changes(Changes::everything());
                    }
                    if changes.is_empty() {
                        // Only editor artifacts moved: wait for the real save.
                        started = None;
                        open_for_writing.clear();
                        continue;
                    }
                    return Burst::Changes(changes);
                }
            }
            Err(RecvTimeoutError::Disconnected) => return Burst::Closed,
        }
    }
}

/// Adds one event to the burst. Returns whether it belongs to the site at all.
fn add_event(
    event: &Event,
    changes: &mut Changes,
    open: &mut HashSet<PathBuf>,
    watch: &mut Watch,
) -> bool {
    let root = &watch.root;
    let writing = matches!(
        event.kind,
        EventKind::Create(CreateKind::File | CreateKind::Any)
            | EventKind::Modify(ModifyKind::Data(_))
    );
    let closed = matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
    );
    if matches!(event.kind, EventKind::Access(_)) && !closed {
        return false;
    }
    if event.need_rescan() {
        changes.rescan = true;
        changes.theme = true;
        changes.config = true;
    }
    let mut relevant = event.need_rescan();
    for path in &event.paths {
        if writing {
            open.insert(path.clone());
        } else if closed {
            open.remove(path);
        }
        match classify(root, path) {
            Source::Config => changes.config = true,
            Source::Theme => changes.theme = true,
            Source::Content => {
                changes.content.insert(path.clone());
            }
            Source::NewDir(dir) => {
                if path.is_dir() {
                    let _ = watch.watcher.watch(path, RecursiveMode::Recursive);
                }
                if dir == CONTENT_DIR {
                    changes.rescan = true;
                } else {
                    changes.theme = true;
                }
            }
            Source::Other => {
                // Editor artifacts still delay the end of the burst, without a build.
                let artifact = path.strip_prefix(root).is_ok_and(|relative| {
                    relative.components().count() > 1
                        && path
                            .file_name()
                            .is_some_and(|n| is_editor_artifact(&n.to_string_lossy()))
                });
                if !artifact {
                    open.remove(path);
                }
                continue;
            }
        }
        relevant = true;
    }
    relevant || !open.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_by_their_top_folder() {
        let root = Path::new("/site");
        for (path, expected) in [
            ("/site/config.yaml", Source::Config),
            ("/site/content/a.md", Source::Content),
            ("/site/content/.a.md.swp", Source::Other),
            ("/site/content/a.md~", Source::Other),
            ("/site/templates/base.html", Source::Theme),
            ("/site/themes/x/static/a.css", Source::Theme),
            ("/site/content", Source::NewDir("content")),
            ("/site/public/index.html", Source::Other),
            ("/site/config.yaml.swp", Source::Other),
        ] {
            assert_eq!(classify(root, Path::new(path)), expected, "{path}");
        }
    }
}
