//! The site as served: the files of the last good build, in memory, and the current errors.
//!
//! The builder thread writes it, request threads read it. Files are shared (`Arc`), so a
//! reader holds the lock only for a lookup.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Files to put into (`Some`) or remove from (`None`) the served site.
pub(crate) type Patch = BTreeMap<String, Option<Arc<Vec<u8>>>>;

/// What the server holds at one moment.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// Output path (`etudes-de-cas/a/index.html`) → bytes.
    pub(crate) files: HashMap<String, Arc<Vec<u8>>>,
    /// Incremented at every change of the files or of the errors.
    pub(crate) generation: u64,
    /// Output path → generation at which it last changed or was removed.
    pub(crate) changed_at: HashMap<String, u64>,
    /// Where the site lives in URLs: `/` or `/pratiques/`.
    pub(crate) base_path: String,
    /// The error overlay (HTML) while the last build failed.
    pub(crate) overlay: Option<Arc<str>>,
    /// Output path prefixes being made after the pages (exports, search index): requests
    /// for them wait, rather than see the previous version.
    pub(crate) pending: Vec<String>,
    /// A build has succeeded at least once.
    pub(crate) ready: bool,
}

impl Snapshot {
    pub(crate) fn file(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.files.get(path).cloned()
    }

    /// `*` stands for every path.
    fn is_pending(&self, path: &str) -> bool {
        !self.pending.is_empty() && path == "*"
            || self
                .pending
                .iter()
                .any(|prefix| path.starts_with(prefix.as_str()))
    }
}

#[derive(Default)]
pub(crate) struct Store {
    snapshot: Mutex<Snapshot>,
    settled: Condvar,
}

/// Longest a request waits for a file being made.
const PENDING_WAIT: Duration = Duration::from_secs(60);

impl Store {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Snapshot> {
        self.snapshot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The snapshot once `path` is no longer being made (`*`: once nothing is).
    pub(crate) fn settled_for(&self, path: &str) -> MutexGuard<'_, Snapshot> {
        let deadline = Instant::now() + PENDING_WAIT;
        let mut snapshot = self.lock();
        while snapshot.is_pending(path) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            snapshot = self
                .settled
                .wait_timeout(snapshot, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        snapshot
    }

    /// Applies a patch and returns the new generation with the paths that changed and the
    /// paths that were removed, and the overlay still shown. `succeeded`: the patch ends a
    /// successful build, which clears the errors; other patches (pages served ahead of the
    /// rest, exports and index made later) leave them as they are.
    pub(crate) fn apply(
        &self,
        patch: Patch,
        base_path: String,
        succeeded: bool,
    ) -> (u64, Vec<String>, Vec<String>, Option<Arc<str>>) {
        let mut snapshot = self.lock();
        snapshot.generation += 1;
        let generation = snapshot.generation;
        let (mut changed, mut removed) = (Vec::new(), Vec::new());
        for (path, bytes) in patch {
            match bytes {
                Some(bytes) => {
                    snapshot.files.insert(path.clone(), bytes);
                    changed.push(path.clone());
                }
                None => {
                    if snapshot.files.remove(&path).is_none() {
                        continue;
                    }
                    removed.push(path.clone());
                }
            }
            snapshot.changed_at.insert(path, generation);
        }
        snapshot.base_path = base_path;
        if succeeded {
            snapshot.overlay = None;
            snapshot.ready = true;
        }
        (generation, changed, removed, snapshot.overlay.clone())
    }

    /// Marks output prefixes as being made (or clears them with an empty list).
    pub(crate) fn set_pending(&self, pending: Vec<String>) {
        let mut snapshot = self.lock();
        snapshot.pending = pending;
        drop(snapshot);
        self.settled.notify_all();
    }

    /// Shows errors; the files stay as they are.
    pub(crate) fn set_overlay(&self, overlay: Arc<str>) -> u64 {
        let mut snapshot = self.lock();
        snapshot.generation += 1;
        snapshot.overlay = Some(overlay);
        snapshot.generation
    }
}
