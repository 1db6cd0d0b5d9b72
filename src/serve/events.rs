//! Server-Sent Events: one thread per open page, told of every build.
//!
//! Events (JSON data):
//! - `hello` on connection: `{instance, generation, stale, overlay}`; `stale` says the page
//!   changed since it was served (the script then reloads);
//! - `build` after a successful build: `{generation, base, changed, removed}` (output paths);
//! - `errors` after a failed build: `{generation, overlay}`.
//!
//! A comment line is sent every heartbeat, which keeps proxies and browsers from closing an
//! idle stream. A page that goes away closes its connection: the stream's thread looks for
//! that a few times a second and ends, which frees its place among the `MAX_STREAMS`.

use super::store::Store;
use serde_json::json;
use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Event streams open at once, at most: one per open page, and an author has a few. Each
/// holds a thread and a connection; past this a page gets 503, and its script tries again
/// a little later.
pub(crate) const MAX_STREAMS: usize = 64;
/// Quiet time after which a stream is sent a keep-alive comment.
const HEARTBEAT: Duration = Duration::from_secs(10);
/// How often a stream looks whether its page went away.
const CLIENT_CHECK: Duration = Duration::from_millis(250);

/// The open event streams.
pub(crate) struct Hub {
    /// Each stream's page (its output path) and its queue.
    clients: Mutex<Vec<(String, Sender<Arc<str>>)>>,
    open: AtomicUsize,
    max: usize,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::with_limit(MAX_STREAMS)
    }
}

/// A stream's place in the hub, given back when the stream ends.
pub(crate) struct StreamSlot<'a>(&'a Hub);

impl Drop for StreamSlot<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Hub {
    pub(crate) fn with_limit(max: usize) -> Self {
        Hub {
            clients: Mutex::new(Vec::new()),
            open: AtomicUsize::new(0),
            max,
        }
    }

    /// A place for one more stream, unless `max` are open.
    pub(crate) fn try_open_stream(&self) -> Option<StreamSlot<'_>> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| StreamSlot(self))
    }

    fn subscribe(&self, page: &str) -> Receiver<Arc<str>> {
        let (sender, receiver) = channel();
        self.lock().push((page.to_string(), sender));
        receiver
    }

    /// The pages (output paths) that open streams show, which a rebuild renders first.
    pub(crate) fn open_pages(&self) -> std::collections::HashSet<String> {
        self.lock().iter().map(|(page, _)| page.clone()).collect()
    }

    /// Sends an event to every open stream, forgetting the streams that ended.
    pub(crate) fn broadcast(&self, event: &str, data: &serde_json::Value) {
        let message: Arc<str> = format!("event: {event}\ndata: {data}\n\n").into();
        self.lock()
            .retain(|(_, client)| client.send(Arc::clone(&message)).is_ok());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Sender<Arc<str>>)>> {
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Serves one event stream until the client leaves. `instance` names this run of the
/// server (a page served by an earlier one reloads).
pub(crate) fn stream(connection: &TcpStream, url: &str, hub: &Hub, store: &Store, instance: &str) {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &str| {
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| {
                percent_encoding::percent_decode_str(value)
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    };
    let page = param("path").unwrap_or_default();
    let seen: u64 = param("generation")
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    // Subscribe before reading the state, so no build falls between the two.
    let receiver = hub.subscribe(&page);
    let hello = {
        let snapshot = store.lock();
        let stale = snapshot.changed_at.get(&page).is_some_and(|&at| at > seen);
        json!({
            "instance": instance,
            "generation": snapshot.generation,
            "stale": stale,
            "overlay": snapshot.overlay.as_deref(),
        })
    };
    let mut writer = connection;
    let hello = format!("retry: 500\nevent: hello\ndata: {hello}\n\n");
    if start_event_stream(&mut writer).is_err() || send(&mut writer, &hello).is_err() {
        return;
    }
    // Reads only look whether the page went away, and must not wait.
    if connection
        .set_read_timeout(Some(Duration::from_millis(1)))
        .is_err()
    {
        return;
    }
    let mut quiet_since = Instant::now();
    loop {
        let message = match receiver.recv_timeout(CLIENT_CHECK) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => {
                if client_left(connection) {
                    return;
                }
                if quiet_since.elapsed() < HEARTBEAT {
                    continue;
                }
                ": keep-alive\n\n".into()
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if send(&mut writer, &message).is_err() {
            return;
        }
        quiet_since = Instant::now();
    }
}

/// Whether the client closed its side (a page sends nothing on its event stream).
fn client_left(connection: &TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match connection.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(err) => !matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock
                | std::io::ErrorKind::TimedOut
                | std::io::ErrorKind::Interrupted
        ),
    }
}

fn send(writer: &mut dyn Write, text: &str) -> std::io::Result<()> {
    writer.write_all(text.as_bytes())?;
    writer.flush()
}

/// Writes the status line and headers of an event stream, whose body has no length and
/// ends when the connection closes.
fn start_event_stream(writer: &mut dyn Write) -> std::io::Result<()> {
    writer.write_all(
        b"HTTP/1.1 200 OK\r\n\
Content-Type: text/event-stream; charset=utf-8\r\n\
Cache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\n\
Connection: close\r\n\r\n",
    )?;
    writer.flush()
}
