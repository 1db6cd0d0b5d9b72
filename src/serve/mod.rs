//! `passerelle serve`: the preview server an author keeps open while writing.
//!
//! The engine (`crate::engine`) is kept between saves and fed what changed:
//!
//! - `watch`: file-system events, debounced into one set of changes per save;
//! - `store`: the last good site, in memory, and the current errors;
//! - `connection`: accepts connections and reads requests, within bounds;
//! - `http`: answers requests from the store only (never from disk), if addressed to it;
//! - `events`: Server-Sent Events that tell open pages to reload;
//! - `overlay`: the build errors shown over every page.
//!
//! Threads: one builder (watch → build → store → events), one accepting connections, one
//! per open connection (an event stream keeps its own). State is owned by `Server` and
//! passed, never global.

mod connection;
mod events;
mod http;
mod overlay;
mod store;
mod watch;

use crate::BuildOptions;
use crate::diagnostic::{Diagnostics, counted};
use crate::engine::{self, Changes, Engine, OpenPages, Update};
use crate::messages::Lang;
use crate::output::{MemorySink, Sink};
use serde_json::json;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// Open the site in the default browser once it is built.
    pub open: bool,
    /// Host names answered besides localhost and IP addresses (`--allow-host`).
    pub allowed_hosts: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "port {port} is already in use on {bind}: another `passerelle serve` may be running. \
         Stop it, or choose another port with --port (--port 0 picks a free one)"
    )]
    PortInUse { bind: IpAddr, port: u16 },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot watch {root} for changes: {source}")]
    Watch {
        root: PathBuf,
        source: notify::Error,
    },
    #[error("cannot find the site folder {root}: {source}")]
    Root {
        root: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the server stopped accepting connections on {addr} ({source}); stopping. \
         Start passerelle serve again"
    )]
    ListenerFailed {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(
        "the builder stopped unexpectedly; stopping. Start passerelle serve again, and \
         report the message above"
    )]
    BuilderStopped,
    #[error("cannot start a thread of the server: {0}")]
    Thread(std::io::Error),
}
/// Quiet time after a build before the exports and the search index are made. Requests for
/// them wait until they are.
const DEFERRED_AFTER: Duration = Duration::from_millis(500);
/// How often the rebuilding loop looks whether the deferred outputs are ready.
const DEFERRED_POLL: Duration = Duration::from_millis(20);

/// Builds the site, serves it, and rebuilds on every change until the process ends or the
/// server can no longer work (the listening socket failed, the builder stopped).
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let root = std::fs::canonicalize(&options.root).map_err(|source| ServeError::Root {
        root: options.root.clone(),
        source,
    })?;
    // Every connection takes a file descriptor: use what the system allows.
    let limits = Arc::new(connection::Limits::for_open_files(
        connection::raise_open_file_limit(),
    ));
    let addr = SocketAddr::new(options.bind, options.port);
    // Bind first: a port in use is reported before a long first build.
    let listener = TcpListener::bind(addr).map_err(|source| match source.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse {
            bind: options.bind,
            port: options.port,
        },
        _ => ServeError::Listen { addr, source },
    })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServeError::Listen { addr, source })?;
    if options.bind.is_unspecified() {
        eprintln!(
            "warning: listening on all network interfaces ({}): anyone on your network can read \
             this preview, drafts included. Use --bind 127.0.0.1 to keep it on this computer.",
            options.bind
        );
    }

    let (sender, receiver) = std::sync::mpsc::channel();
    let newer = watch::NewerChanges::default();
    let mut watch =
        watch::Watch::start(&root, sender, newer.clone()).map_err(|source| ServeError::Watch {
            root: root.clone(),
            source,
        })?;

    let server = Arc::new(http::Server {
        store: store::Store::default(),
        // Event streams are connections too: a quarter of them at most.
        hub: events::Hub::with_limit(events::MAX_STREAMS.min(limits.max / 4)),
        instance: instance_id(),
        hosts: http::Hosts::new(local.port(), &options.allowed_hosts),
    });
    let build_options = BuildOptions {
        drafts: options.drafts,
        ..BuildOptions::new(root.clone())
    };
    let mut engine = Engine::new(build_options);
    let started = Instant::now();
    // The first build is never cut short: the site is served whole from the start.
    let first = build_and_publish(&mut engine, &Changes::everything(), &server, started, None);
    if matches!(first, Outcome::Built { deferred: true, .. }) {
        finish_and_publish(&mut engine, &server);
    }

    // Whichever of the accepting and the building threads ends first ends the server.
    let (done, ended) = std::sync::mpsc::channel();
    let answering = Arc::clone(&server);
    let accept_done = done.clone();
    std::thread::Builder::new()
        .name("passerelle-accept".into())
        .spawn(move || {
            let guard = EndOnPanic {
                done: accept_done,
                error: Some(ServeError::ListenerFailed {
                    addr: local,
                    source: std::io::Error::other("the thread accepting connections stopped"),
                }),
            };
            let failed =
                connection::accept_loop(listener, limits, move |request, stream, close| {
                    http::handle(request, stream, close, &answering)
                });
            let _ = guard.done.send(Err(ServeError::ListenerFailed {
                addr: local,
                source: failed.0,
            }));
        })
        .map_err(ServeError::Thread)?;
    let host = match local.ip() {
        IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{}{}", local.port(), engine.base_path());
    say(&format!("Serving on {url} (Ctrl-C to stop)"));
    if options.open {
        open_browser(&url);
    }

    std::thread::Builder::new()
        .name("passerelle-build".into())
        .spawn(move || {
            let guard = EndOnPanic {
                done,
                error: Some(ServeError::BuilderStopped),
            };
            rebuild_on_changes(&mut engine, &mut watch, &receiver, &server, &newer);
            let _ = guard.done.send(Ok(()));
        })
        .map_err(ServeError::Thread)?;
    ended.recv().unwrap_or(Err(ServeError::BuilderStopped))
}

/// Ends the server with `error` if its thread ends in a panic, which would otherwise leave a
/// process that no longer answers (the accepting thread) or no longer rebuilds (the builder).
struct EndOnPanic {
    done: std::sync::mpsc::Sender<Result<(), ServeError>>,
    error: Option<ServeError>,
}

impl Drop for EndOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Some(error) = self.error.take()
        {
            let _ = self.done.send(Err(error));
        }
    }
}

/// Rebuilds on every burst of changes until the watcher is gone.
fn rebuild_on_changes(
    engine: &mut Engine,
    watch: &mut watch::Watch,
    receiver: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    server: &http::Server,
    newer: &watch::NewerChanges,
) {
    let root = engine.root().to_path_buf();
    // Exports and the search index depend on every case study and take a while at 10,000:
    // they are made once the author pauses, not after every save. Whether they are due is
    // what the last build said, whatever came before: a build that undoes the previous one
    // (an edit reverted at once) leaves nothing to make.
    let mut deferred = false;
    // They are made on a thread of their own, so that the next save is rebuilt at once
    // instead of waiting for them; made for a site that has changed since, they are thrown
    // away (and the thread told to stop early).
    let mut running: Option<Deferred> = None;
    // A build cut short by newer changes left pages to render: the next build renders
    // them, with those changes, or with none if the events that cut it short were not
    // changes after all.
    let mut unfinished = false;
    loop {
        let idle = if unfinished {
            Some(Duration::ZERO)
        } else if running.is_some() {
            Some(DEFERRED_POLL)
        } else {
            deferred.then_some(DEFERRED_AFTER)
        };
        let (changes, cause) = match watch::next_burst(receiver, watch, idle) {
            watch::Burst::Changes(changes) => {
                let cause = changes.describe(&root);
                (changes, cause)
            }
            watch::Burst::Idle if unfinished => {
                (Changes::default(), "the pages left to render".to_string())
            }
            watch::Burst::Idle => {
                idle_work(engine, server, &mut running, &mut deferred);
                continue;
            }
            watch::Burst::Closed => return,
        };
        let started = Instant::now();
        newer.clear();
        let outcome = build_and_publish(engine, &changes, server, started, Some((&cause, newer)));
        match outcome {
            Outcome::Built {
                deferred: due,
                unfinished: left,
            } => {
                deferred = due;
                unfinished = left;
            }
            // A failed build finished the pages a build cut short had left (if any): the
            // next build waits for the next changes.
            Outcome::Failed => unfinished = false,
        }
        if let Some(work) = &running {
            work.cancel_if_outdated(engine);
        }
    }
}

/// While nothing changes: publishes the deferred outputs once made, or starts making them.
fn idle_work(
    engine: &mut Engine,
    server: &http::Server,
    running: &mut Option<Deferred>,
    deferred: &mut bool,
) {
    match running.take() {
        Some(work) => match work.made.try_recv() {
            Ok(made) => publish_deferred(engine, server, made, work.started),
            Err(std::sync::mpsc::TryRecvError::Empty) => *running = Some(work),
            // The thread panicked: the next pause tries again.
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
        },
        None if *deferred => {
            *running = engine.deferred_job().map(Deferred::start);
            *deferred = false;
        }
        None => {}
    }
}

/// Exports and search index being made on another thread.
struct Deferred {
    made: std::sync::mpsc::Receiver<(engine::DeferredMade, MemorySink)>,
    cancelled: Arc<std::sync::atomic::AtomicBool>,
    generation: u64,
    started: Instant,
}

impl Deferred {
    fn start(job: engine::DeferredJob) -> Deferred {
        let (sender, made) = std::sync::mpsc::channel();
        let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let generation = job.generation();
        let stop = Arc::clone(&cancelled);
        let spawned = std::thread::Builder::new()
            .name("passerelle-deferred".into())
            .spawn(move || {
                let run = || {
                    let files = MemorySink::default();
                    let made = job.run(&files, &|| stop.load(std::sync::atomic::Ordering::Relaxed));
                    (made, files)
                };
                // A pool of its own, of one thread: in rayon's global pool the search
                // index's parallel steps would queue ahead of the next rebuild's pages.
                let made = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                    Ok(pool) => pool.install(run),
                    Err(_) => run(),
                };
                let _ = sender.send(made);
            });
        if let Err(err) = spawned {
            say(&format!("cannot start the exports and search index: {err}"));
        }
        Deferred {
            made,
            cancelled,
            generation,
            started: Instant::now(),
        }
    }

    /// Tells the thread to stop early when what it makes is already out of date.
    fn cancel_if_outdated(&self, engine: &Engine) {
        if engine.generation() != self.generation {
            self.cancelled
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Collects the files of one run that differ from the served ones, as a patch.
struct PatchSink<'a> {
    store: &'a store::Store,
    patch: std::sync::Mutex<store::Patch>,
}

impl<'a> PatchSink<'a> {
    fn new(store: &'a store::Store) -> Self {
        PatchSink {
            store,
            patch: Default::default(),
        }
    }

    /// The files collected so far.
    fn take(&self) -> store::Patch {
        std::mem::take(&mut *self.patch.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Sink for PatchSink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        crate::output::check_relative_path(path)?;
        if self.store.lock().file(path).as_deref() != Some(&bytes) {
            let mut patch = self.patch.lock().unwrap_or_else(|e| e.into_inner());
            patch.insert(path.to_string(), Some(Arc::new(bytes)));
        }
        Ok(())
    }
}

/// How a build ended, for the rebuilding loop.
enum Outcome {
    Built {
        /// Outputs were deferred (see `finish_and_publish`).
        deferred: bool,
        /// Newer changes cut the build short: pages are left for the next one.
        unfinished: bool,
    },
    /// What was due for the last good site still is.
    Failed,
}

/// Runs one build and publishes its outcome: new files and a `build` event, or the error
/// overlay and an `errors` event. `cause`: what changed, and the flag that newer changes
/// raise, which cuts the build short once the pages open in a browser are served (none
/// for the first build).
fn build_and_publish(
    engine: &mut Engine,
    changes: &Changes,
    server: &http::Server,
    started: Instant,
    cause: Option<(&str, &watch::NewerChanges)>,
) -> Outcome {
    let sink = PatchSink::new(&server.store);
    let base_path = engine.base_path();
    // What the pages served ahead of the rest replaced, to put back if the build fails.
    let replaced = std::sync::Mutex::new(store::Patch::new());
    let shown = || {
        let patch = sink.take();
        {
            let snapshot = server.store.lock();
            let mut replaced = replaced.lock().unwrap_or_else(|e| e.into_inner());
            for path in patch.keys() {
                replaced
                    .entry(path.clone())
                    .or_insert_with(|| snapshot.file(path));
            }
        }
        publish(server, patch, base_path.clone(), false);
    };
    let open = server.hub.open_pages();
    let superseded = || cause.is_some_and(|(_, newer)| newer.came());
    let open = OpenPages {
        first: &open,
        shown: &shown,
        superseded: &superseded,
    };
    match engine.rebuild(changes, &sink, open) {
        Ok(update) => {
            // Requests for deferred outputs wait for them; when none are due (nothing they
            // depend on changed, or a change was undone before they were made), the served
            // ones are current and nothing may wait, whatever an earlier build had set.
            server.store.set_pending(update.deferred.clone());
            let Update {
                removed,
                diagnostics,
                rendered,
                case_studies,
                pages,
                deferred,
                unfinished,
            } = update;
            let mut patch = sink.take();
            patch.extend(removed.into_iter().map(|path| (path, None)));
            // Cut short, the build is not known to be good yet: the errors shown stay until
            // the next one ends.
            let (changed, removed) = publish(server, patch, engine.base_path(), unfinished == 0);
            let elapsed = started.elapsed();
            if !diagnostics.is_empty() {
                print_report(&diagnostics, Lang::for_site(engine.root()));
            }
            let what = match cause {
                None => format!(
                    "Built {} and {}",
                    counted(case_studies, "case study", "case studies"),
                    counted(pages, "page", "pages")
                ),
                Some((cause, _)) => format!("{cause}: rebuilt"),
            };
            let left = match unfinished {
                0 => String::new(),
                n => format!(", {n} left for newer changes"),
            };
            say(&format!(
                "{what} in {} ms ({rendered} pages rendered{left}, {} files changed, {} removed)",
                elapsed.as_millis(),
                changed.len(),
                removed.len()
            ));
            Outcome::Built {
                deferred: !deferred.is_empty(),
                unfinished: unfinished > 0,
            }
        }
        Err(diagnostics) => {
            // The site served stays where it is: the base path of a configuration that
            // failed to build is not the served site's.
            let served_base = server.store.lock().base_path.clone();
            let replaced = replaced.into_inner().unwrap_or_else(|e| e.into_inner());
            if !replaced.is_empty() {
                publish(server, replaced, served_base.clone(), false);
            }
            // The last good build, if newer changes cut it short, is served in full.
            let finished = PatchSink::new(&server.store);
            // Its problems, if any, are among those of the build that failed, which the
            // overlay shows; its pages that failed stay as they were.
            let _ = engine.finish_unfinished(&finished);
            let finished = finished.take();
            if !finished.is_empty() {
                publish(server, finished, served_base, false);
            }
            // The terminal and the overlay say the same, in the language of the site as it
            // is now (config.yaml may be what changed).
            let lang = Lang::for_site(engine.root());
            let overlay: Arc<str> = overlay::html(&diagnostics, lang).into();
            let generation = server.store.set_overlay(Arc::clone(&overlay));
            server.hub.broadcast(
                "errors",
                &json!({"generation": generation, "overlay": &*overlay}),
            );
            print_report(&diagnostics, lang);
            let failed = crate::messages::PREVIEW_BUILD_FAILED
                .with("ms", started.elapsed().as_millis().to_string());
            let _ = writeln!(std::io::stderr(), "{}", failed.render(lang));
            Outcome::Failed
        }
    }
}

/// Applies a patch to the served site and tells open pages which files changed. Returns
/// the changed and removed paths. `ends_build`: the patch ends a successful build, which
/// clears the errors shown. A finished build is announced even when no file changed,
/// since the event also clears the error overlay; deferred outputs only when they changed.
fn publish(
    server: &http::Server,
    patch: store::Patch,
    base_path: String,
    ends_build: bool,
) -> (Vec<String>, Vec<String>) {
    let (generation, changed, removed, overlay) =
        server.store.apply(patch, base_path.clone(), ends_build);
    if !ends_build && changed.is_empty() && removed.is_empty() {
        return (changed, removed);
    }
    server.hub.broadcast(
        "build",
        &json!({
            "generation": generation,
            "base": base_path,
            "changed": changed,
            "removed": removed,
            "overlay": overlay.as_deref(),
        }),
    );
    (changed, removed)
}

/// Makes the deferred outputs (exports, search index) of the last good build, here and now
/// (the first build: the site is served whole from the start), and publishes them.
fn finish_and_publish(engine: &mut Engine, server: &http::Server) {
    let started = Instant::now();
    if let Some(job) = engine.deferred_job() {
        let files = MemorySink::default();
        let made = job.run(&files, &|| false);
        publish_deferred(engine, server, (made, files), started);
    }
}

/// Publishes deferred outputs with a `build` event, unless the site changed since they
/// were started.
fn publish_deferred(
    engine: &mut Engine,
    server: &http::Server,
    (made, files): (engine::DeferredMade, MemorySink),
    started: Instant,
) {
    let mut problems = Diagnostics::new();
    problems.extend(made.problems.iter().cloned());
    if !problems.is_empty() {
        print_report(&problems, Lang::for_site(engine.root()));
    }
    let Some(stale) = engine.apply_deferred(made) else {
        return;
    };
    let sink = PatchSink::new(&server.store);
    for (path, bytes) in files.into_files() {
        // A memory sink took them: their paths are valid, and so is the put.
        let _ = sink.put(&path, bytes);
    }
    let mut patch = sink.take();
    patch.extend(stale.into_iter().map(|path| (path, None)));
    let (changed, removed) = publish(server, patch, engine.base_path(), false);
    // Requests for exports and index waited for these files; they are in place now.
    server.store.set_pending(Vec::new());
    if !changed.is_empty() || !removed.is_empty() {
        say(&format!(
            "Exports and search index updated in {} ms ({} files changed, {} removed)",
            started.elapsed().as_millis(),
            changed.len(),
            removed.len()
        ));
    }
}

/// A line on stdout; a closed pipe (`passerelle serve | head`) is not worth a panic.
fn say(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

fn print_report(diagnostics: &Diagnostics, lang: Lang) {
    if !diagnostics.is_empty() {
        let _ = std::io::stderr().write_all(diagnostics.report_in(lang).as_bytes());
    }
}

fn instance_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}-{:x}", std::process::id(), nanos)
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(err) = std::process::Command::new(command.0)
        .args(&command.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: cannot open a browser ({err}); open {url} yourself");
    }
}
