//! Answers HTTP requests from the in-memory site: only requests addressed to the preview
//! (`Hosts`), GET and HEAD only, only files the build produced, never a path on disk. HTML pages get the live-reload script (and the error
//! overlay while the last build failed) injected before `</body>`.

use super::connection::{Outcome, Request};
use super::events::{self, Hub};
use super::overlay;
use super::store::{Snapshot, Store};
use percent_encoding::percent_decode_str;
use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;

/// URL prefix of the preview server's own endpoints (outside any site's files).
pub(crate) const PREFIX: &str = "/__passerelle/";
const EVENTS: &str = "/__passerelle/events";
const SCRIPT: &str = "/__passerelle/livereload.js";
/// The list of served files (output paths, sorted), for tests and curious authors.
const FILES: &str = "/__passerelle/files";
const SCRIPT_SOURCE: &str = include_str!("livereload.js");

/// What the request threads share.
pub(crate) struct Server {
    pub(crate) store: Store,
    pub(crate) hub: Hub,
    /// Changes at every start, so open pages reload when the server restarts.
    pub(crate) instance: String,
    /// The `Host` headers answered.
    pub(crate) hosts: Hosts,
}

/// Where a request path leads in the site.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// An output file.
    File(String),
    /// The same path with a trailing slash (a folder), or the base path.
    Redirect(String),
    /// Nothing; `String` is the output path that was looked for, if the path was valid.
    NotFound(Option<String>),
}

/// Maps a request target to an output path. Rejects (404) anything that is not a plain
/// path inside the site: `..` and `.` segments, encoded slashes and backslashes, NUL,
/// empty segments (`//etc/passwd`), invalid UTF-8.
pub(crate) fn resolve(target: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    let raw = target.split(['?', '#']).next().unwrap_or_default();
    if !raw.starts_with('/') {
        return Resolved::NotFound(None);
    }
    let lower = raw.to_ascii_lowercase();
    if ["%2f", "%5c", "%00"].iter().any(|bad| lower.contains(bad)) {
        return Resolved::NotFound(None);
    }
    let Ok(path) = percent_decode_str(raw).decode_utf8() else {
        return Resolved::NotFound(None);
    };
    if path.contains(['\\', '\0']) {
        return Resolved::NotFound(None);
    }
    let Some(relative) = path.strip_prefix(base_path) else {
        if path == "/" || format!("{path}/") == base_path {
            return Resolved::Redirect(base_path.to_string());
        }
        return Resolved::NotFound(None);
    };
    let segments: Vec<&str> = relative.split('/').collect();
    let last = segments.len() - 1;
    for (index, segment) in segments.iter().enumerate() {
        if *segment == "." || *segment == ".." || (segment.is_empty() && index != last) {
            return Resolved::NotFound(None);
        }
    }
    if relative.is_empty() || relative.ends_with('/') {
        let key = format!("{relative}index.html");
        return if exists(&key) {
            Resolved::File(key)
        } else {
            Resolved::NotFound(Some(key))
        };
    }
    if exists(relative) {
        return Resolved::File(relative.to_string());
    }
    if exists(&format!("{relative}/index.html")) {
        return Resolved::Redirect(format!("{raw}/"));
    }
    Resolved::NotFound(Some(relative.to_string()))
}

/// Answers one request, on its connection's thread (an event stream keeps it until the
/// page goes away). `close` says the connection closes after this response.
pub(crate) fn handle(
    request: &Request,
    stream: &TcpStream,
    close: bool,
    server: &Server,
) -> Outcome {
    let mut out = stream;
    let head_only = request.method == "HEAD";
    let reply = |out: &mut &TcpStream, answer: Answer| {
        send(out, answer, head_only, close);
        if close {
            Outcome::Close
        } else {
            Outcome::KeepAlive
        }
    };
    if let Err(refusal) = server.hosts.check(request) {
        return reply(&mut out, refusal);
    }
    if request.method != "GET" && !head_only {
        let response = text_response(405, "405 Method Not Allowed: this preview only reads.\n")
            .with_header("Allow", "GET, HEAD");
        return reply(&mut out, response);
    }
    let url = request.target.as_str();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path.starts_with(PREFIX) {
        let response = match path {
            EVENTS if !head_only => {
                let Some(_slot) = server.hub.try_open_stream() else {
                    let busy = text_response(
                        503,
                        "503 Service Unavailable: too many pages are open on this preview; \
                         close some tabs.\n",
                    )
                    .with_header("Retry-After", "5");
                    return reply(&mut out, busy);
                };
                events::stream(stream, url, &server.hub, &server.store, &server.instance);
                return Outcome::Close;
            }
            FILES => {
                let snapshot = server.store.settled_for("*");
                let mut paths: Vec<String> = snapshot.files.keys().cloned().collect();
                drop(snapshot);
                paths.sort();
                let body = serde_json::to_vec(&paths).unwrap_or_default();
                Answer::new(200, body)
                    .with_header("Content-Type", "application/json; charset=utf-8")
            }
            SCRIPT => Answer::new(200, SCRIPT_SOURCE.as_bytes().to_vec())
                .with_header("Content-Type", "text/javascript; charset=utf-8"),
            _ => text_response(404, "404 Not Found\n"),
        };
        return reply(&mut out, response);
    }
    let response = {
        let snapshot = server.store.lock();
        let base_path = snapshot.base_path.clone();
        let resolved = resolve(url, &base_path, |key| snapshot.files.contains_key(key));
        match resolved {
            Resolved::File(key) => {
                drop(snapshot);
                let snapshot = server.store.settled_for(&key);
                match snapshot.file(&key) {
                    Some(bytes) => file_response(200, &key, &key, bytes, &snapshot, server),
                    None => not_found(&key, &snapshot, server),
                }
            }
            Resolved::Redirect(location) => {
                Answer::new(301, Vec::new()).with_header("Location", &location)
            }
            Resolved::NotFound(key) => {
                let key = key.unwrap_or_default();
                drop(snapshot);
                // A file being made (search index, exports) may be about to appear.
                let snapshot = server.store.settled_for(&key);
                match (!key.is_empty()).then(|| snapshot.file(&key)).flatten() {
                    Some(bytes) => file_response(200, &key, &key, bytes, &snapshot, server),
                    None => not_found(&key, &snapshot, server),
                }
            }
        }
    };
    reply(&mut out, response)
}

/// Which `Host` headers the server answers. A page of another site can reach the preview
/// through DNS rebinding (its own name made to resolve to 127.0.0.1), but its requests then
/// carry its name in `Host`: only names that cannot be rebound are answered, as Vite and
/// webpack-dev-server do (CVE-2018-14732, CVE-2025-24010).
#[derive(Debug, Clone)]
pub(crate) struct Hosts {
    /// The port the server listens on, which `Host` must name (80 when it names none).
    pub(crate) port: u16,
    /// Names allowed besides `localhost`, `*.localhost` and IP addresses (`--allow-host`),
    /// in lower case.
    pub(crate) names: Vec<String>,
}

impl Hosts {
    pub(crate) fn new(port: u16, names: &[String]) -> Self {
        Hosts {
            port,
            names: names
                .iter()
                .map(|n| n.trim().trim_end_matches('.').to_ascii_lowercase())
                .collect(),
        }
    }

    /// Ok to answer, or the refusal to send. HTTP/1.1 requires one `Host`; HTTP/1.0
    /// clients may send none (browsers always send one).
    fn check(&self, request: &Request) -> Result<(), Answer> {
        let mut hosts = request.header_values("Host");
        let (first, second) = (hosts.next(), hosts.next());
        let host = match (first, second) {
            (Some(host), None) => host,
            (None, _) if request.minor_version == 0 => return Ok(()),
            _ => {
                return Err(text_response(
                    400,
                    "400 Bad Request: an HTTP/1.1 request needs exactly one Host header.\n",
                ));
            }
        };
        if self.allows(host) {
            return Ok(());
        }
        let shown: String = host.chars().take(100).collect();
        Err(text_response(
            403,
            &format!(
                "403 Forbidden: this preview answers only requests addressed to it, as \
                 http://localhost:{port}/ or an IP address with port {port}, not to \
                 {shown:?}. This keeps other web sites from reading it (DNS rebinding). \
                 To use another name, start passerelle serve with --allow-host NAME.\n",
                port = self.port
            ),
        ))
    }

    pub(crate) fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        let (name, port) = match host.strip_prefix('[') {
            Some(rest) => match rest.split_once(']') {
                Some((inside, after)) => {
                    if inside.parse::<std::net::Ipv6Addr>().is_err() {
                        return false;
                    }
                    (inside, after)
                }
                None => return false,
            },
            None => match host.find(':') {
                Some(colon) => host.split_at(colon),
                None => (host, ""),
            },
        };
        let port = match port.strip_prefix(':') {
            Some(digits) => match digits.parse::<u16>() {
                Ok(port) => port,
                Err(_) => return false,
            },
            None if port.is_empty() => 80,
            None => return false,
        };
        if port != self.port {
            return false;
        }
        if host.starts_with('[') {
            return true;
        }
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        name == "localhost"
            || name.ends_with(".localhost")
            || name.parse::<std::net::Ipv4Addr>().is_ok()
            || self.names.contains(&name)
    }
}

/// A response, written by `send` in one piece.
pub(crate) struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    /// Shared with the store for files served as they are, so no request copies them.
    body: Arc<Vec<u8>>,
}

impl Answer {
    fn new(status: u16, body: impl Into<Arc<Vec<u8>>>) -> Self {
        Answer {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// Writes the status line, headers and body in one write, so that they leave in one packet
/// when they fit.
fn send(writer: &mut dyn Write, answer: Answer, head_only: bool, close: bool) {
    let mut out = Vec::with_capacity(answer.body.len() + 512);
    let reason = match answer.status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    };
    let _ = write!(out, "HTTP/1.1 {} {reason}\r\n", answer.status);
    for (name, value) in &answer.headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    let _ = write!(
        out,
        "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
        answer.body.len()
    );
    if close {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(&answer.body);
    }
    let _ = writer.write_all(&out).and_then(|()| writer.flush());
}

/// The site's own 404 page (with the live-reload script, so the page appears when the
/// author creates it), or a plain one.
fn not_found(key: &str, snapshot: &Snapshot, server: &Server) -> Answer {
    if !snapshot.ready {
        let page =
            b"<!DOCTYPE html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Passerelle</title>\
<body><p>Le site n\xe2\x80\x99a pas encore pu \xc3\xaatre construit.</p></body></html>";
        return file_response(
            503,
            "index.html",
            key,
            Arc::new(page.to_vec()),
            snapshot,
            server,
        );
    }
    match snapshot.file("404.html") {
        Some(bytes) => file_response(404, "404.html", key, bytes, snapshot, server),
        None => text_response(404, "404 Not Found\n"),
    }
}

fn file_response(
    status: u16,
    file: &str,
    page: &str,
    bytes: Arc<Vec<u8>>,
    snapshot: &Snapshot,
    server: &Server,
) -> Answer {
    let content_type = content_type(file);
    let body = if content_type.starts_with("text/html") {
        Arc::new(inject(&bytes, page, snapshot, server))
    } else {
        bytes
    };
    Answer::new(status, body).with_header("Content-Type", content_type)
}

/// Adds the overlay (if any) and the live-reload script before the last `</body>`.
pub(crate) fn inject(html: &[u8], page: &str, snapshot: &Snapshot, server: &Server) -> Vec<u8> {
    let mut snippet = String::new();
    if let Some(overlay) = &snapshot.overlay {
        snippet.push_str(overlay);
    }
    snippet.push_str(&format!(
        "<script src=\"{SCRIPT}\" data-events=\"{EVENTS}\" data-path=\"{}\" data-generation=\"{}\" \
         data-instance=\"{}\"></script>",
        overlay::escape(page),
        snapshot.generation,
        overlay::escape(&server.instance),
    ));
    let at = find_last_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window.eq_ignore_ascii_case(needle))
}

fn text_response(status: u16, text: &str) -> Answer {
    Answer::new(status, text.as_bytes().to_vec())
        .with_header("Content-Type", "text/plain; charset=utf-8")
}

/// Media type by extension, with a charset for text.
pub(crate) fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("xml") if path.ends_with("atom.xml") => "application/atom+xml; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("svg") => "image/svg+xml; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        Some("mp3") => "audio/mpeg",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(key: &str) -> bool {
        ["index.html", "a/index.html", "static/style.css"].contains(&key)
    }

    #[test]
    fn paths_map_to_output_files() {
        assert_eq!(resolve("/", "/", site), Resolved::File("index.html".into()));
        assert_eq!(
            resolve("/a/?x=1", "/", site),
            Resolved::File("a/index.html".into())
        );
        assert_eq!(resolve("/a", "/", site), Resolved::Redirect("/a/".into()));
        assert_eq!(
            resolve("/static/style.css", "/", site),
            Resolved::File("static/style.css".into())
        );
        assert_eq!(
            resolve("/p/a/", "/p/", site),
            Resolved::File("a/index.html".into())
        );
        assert_eq!(resolve("/", "/p/", site), Resolved::Redirect("/p/".into()));
        assert_eq!(resolve("/p", "/p/", site), Resolved::Redirect("/p/".into()));
    }

    #[test]
    fn traversal_and_odd_paths_are_not_found() {
        for target in [
            "/../etc/passwd",
            "/a/../index.html",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/static%2fstyle.css",
            "/static%5cstyle.css",
            "/static\\style.css",
            "//etc/passwd",
            "/./index.html",
            "/a%00",
            "/%ff",
            "http://example.org/",
            "*",
        ] {
            assert!(
                matches!(resolve(target, "/", site), Resolved::NotFound(_)),
                "{target}"
            );
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end_tag() {
        let server = Server {
            store: Store::default(),
            hub: Hub::default(),
            instance: "i".into(),
            hosts: Hosts::new(1111, &[]),
        };
        let snapshot = Snapshot::default();
        let out = inject(b"<p></body></BODY>", "index.html", &snapshot, &server);
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("<p></body><script src=\"/__passerelle/livereload.js\""),
            "{out}"
        );
        assert!(out.ends_with("</script></BODY>"));
    }

    #[test]
    fn only_hosts_that_cannot_be_rebound_are_allowed() {
        let hosts = Hosts::new(1111, &["Portable.local.".to_string()]);
        for host in [
            "localhost:1111",
            "LOCALHOST:1111",
            "localhost.:1111",
            "site.localhost:1111",
            "127.0.0.1:1111",
            "192.168.1.20:1111",
            "[::1]:1111",
            "portable.local:1111",
        ] {
            assert!(hosts.allows(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "localhost.evil.example:1111",
            "localhost:2222",
            "localhost",
            "127.0.0.1",
            "[::1]",
            "::1:1111",
            "[evil]:1111",
            "[::1]x:1111",
            "127.0.0.1:1111:1111",
            "127.1:1111",
            "0x7f.0.0.1:1111",
            ":1111",
            "",
        ] {
            assert!(!hosts.allows(host), "{host}");
        }
        assert!(Hosts::new(80, &[]).allows("localhost"));
    }

    #[test]
    fn text_types_carry_a_charset() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(content_type("x.bin"), "application/octet-stream");
    }
}
