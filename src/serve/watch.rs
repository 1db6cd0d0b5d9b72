//! Watches the site's sources and turns bursts of file-system events into one `Changes`.
//!
//! Debouncing is short and event-driven rather than a fixed delay: a burst ends when no
//! event came for `QUIET` and every file opened for writing was closed (or after `LONGEST`
//! in any case). An editor's atomic save (write a temporary file, rename it over the
//! original) or a `git checkout` of many files thus ends in one build, and a single save is
//! built a few milliseconds after the editor closes the file.

use super::incremental::Changes;
use crate::load::{CONTENT_DIR, is_editor_artifact};
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Quiet time that ends a burst.
pub const QUIET: Duration = Duration::from_millis(4);
/// A burst never waits longer than this for files to be closed.
pub const LONGEST: Duration = Duration::from_millis(300);

/// Folders (besides `content/`) whose changes reload the theme.
const THEME_DIRS: [&str; 4] = ["templates", "static", "i18n", "themes"];

/// Starts watching `root` (canonical). Events go to `sender`.
pub fn start(
    root: &Path,
    sender: Sender<notify::Result<Event>>,
) -> notify::Result<RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(sender)?;
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for dir in std::iter::once(CONTENT_DIR).chain(THEME_DIRS) {
        let path = root.join(dir);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(watcher)
}

/// Where an event path belongs.
#[derive(Debug, PartialEq, Eq)]
pub enum Source {
    Config,
    Theme,
    Content,
    /// A folder we watch appeared at the root: watch it, then read it.
    NewDir(&'static str),
    Other,
}

pub fn classify(root: &Path, path: &Path) -> Source {
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
pub enum Burst {
    Changes(Changes),
    /// Nothing happened for the idle time asked for.
    Idle,
    /// The watcher is gone.
    Closed,
}

/// Collects the next burst of changes. Blocks until something relevant happens, or until
/// `idle` passed without any event.
pub fn next_burst(
    root: &Path,
    events: &Receiver<notify::Result<Event>>,
    watcher: &mut RecommendedWatcher,
    idle: Option<Duration>,
) -> Burst {
    let mut changes = Changes::default();
    let mut open_for_writing: HashSet<PathBuf> = HashSet::new();
    let mut started: Option<Instant> = None;
    loop {
        let received = match started {
            None => match idle {
                None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(idle) => match events.recv_timeout(idle) {
                    Err(RecvTimeoutError::Timeout) => return Burst::Idle,
                    other => other,
                },
            },
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
                if add_event(root, &event, &mut changes, &mut open_for_writing, watcher) {
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
    root: &Path,
    event: &Event,
    changes: &mut Changes,
    open: &mut HashSet<PathBuf>,
    watcher: &mut RecommendedWatcher,
) -> bool {
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
                    let _ = watcher.watch(path, RecursiveMode::Recursive);
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
