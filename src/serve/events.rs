//! Server-Sent Events: one thread per open page, told of every build.
//!
//! Events (JSON data):
//! - `hello` on connection: `{instance, generation, stale, overlay}`; `stale` says the page
//!   changed since it was served (the script then reloads);
//! - `build` after a successful build: `{generation, base, changed, removed}` (output paths);
//! - `errors` after a failed build: `{generation, overlay}`.
//!
//! A comment line is sent every heartbeat so a client that left is noticed (the write
//! fails) and its thread ends.

use super::http::{Server, start_event_stream};
use serde_json::json;
use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<Arc<str>>>>,
}

impl Hub {
    fn subscribe(&self) -> Receiver<Arc<str>> {
        let (sender, receiver) = channel();
        self.lock().push(sender);
        receiver
    }

    /// Sends an event to every open stream, forgetting the streams that ended.
    pub fn broadcast(&self, event: &str, data: &serde_json::Value) {
        let message: Arc<str> = format!("event: {event}\ndata: {data}\n\n").into();
        self.lock()
            .retain(|client| client.send(Arc::clone(&message)).is_ok());
    }

    /// Open streams (as last counted by `broadcast`).
    pub fn clients(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender<Arc<str>>>> {
        self.clients.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Serves one event stream until the client leaves.
pub fn stream(request: tiny_http::Request, url: &str, server: &Server) {
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
    let receiver = server.hub.subscribe();
    let hello = {
        let snapshot = server.store.lock();
        let stale = snapshot.changed_at.get(&page).is_some_and(|&at| at > seen);
        json!({
            "instance": server.instance,
            "generation": snapshot.generation,
            "stale": stale,
            "overlay": snapshot.overlay.as_deref(),
        })
    };
    let mut writer = request.into_writer();
    let hello = format!("retry: 500\nevent: hello\ndata: {hello}\n\n");
    if start_event_stream(&mut *writer).is_err() || send(&mut *writer, &hello).is_err() {
        return;
    }
    loop {
        let message = match receiver.recv_timeout(server.heartbeat) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".into(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if send(&mut *writer, &message).is_err() {
            return;
        }
    }
}

fn send(writer: &mut dyn Write, text: &str) -> std::io::Result<()> {
    writer.write_all(text.as_bytes())?;
    writer.flush()
}
