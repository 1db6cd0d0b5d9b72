//! Accepts connections and reads requests, within bounds that no client can push the server
//! past, however slow, stalled or hostile:
//!
//! - a thread per connection, so a client that stalls holds only its own thread, up to
//!   `MAX_CONNECTIONS` (derived from the open-file limit); past it a connection gets 503;
//! - a request head (request line and headers) of at most `MAX_HEAD` bytes, else 431, read
//!   within `HEAD_TIMEOUT`, else the connection is closed;
//! - no request body is ever read: the preview answers GET and HEAD, which have none. A
//!   request that announces one is answered at once and its connection closed, since the
//!   next request would start after a body that may never come;
//! - every write times out after `WRITE_TIMEOUT` (a client that stops reading);
//! - accept errors that pass (too many open files) are waited out; an error that means the
//!   listening socket itself is broken ends the server with a message (`serve` exits),
//!   rather than leaving a live process on a dead port.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Largest request head. Node.js allows 16 KB and nginx 4 × 8 KB; browsers send 1 to 2 KB,
/// more with many cookies (those of every other app on localhost come along).
pub(crate) const MAX_HEAD: usize = 32 * 1024;
/// Most header lines in a request head (browsers send about 15).
const MAX_HEADERS: usize = 100;
/// Time a client has to send a whole request head, and longest wait for the next request
/// on a kept-alive connection (browsers open a new one when the server closed theirs).
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest a single write may block on a client that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Closing a socket with unread input makes the system reset the connection, and the client
/// may then lose the response it was sent. After a response on a connection that must close,
/// the rest of the client's data is read and dropped, for this long and this much at most
/// (Apache lingers the same way, for 2 s).
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 4 * 1024 * 1024;
/// Connections open at once, at most. Each holds a thread and a file descriptor.
pub(crate) const MAX_CONNECTIONS: usize = 512;
/// An accept error that lasts this long means the server can no longer be reached.
const ACCEPT_GIVES_UP: Duration = Duration::from_secs(30);

/// One request head. Names of headers are kept as sent; compare them without case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// The request target as sent (`/a/b?x=1`).
    pub(crate) target: String,
    /// `1` for HTTP/1.1, `0` for HTTP/1.0.
    pub(crate) minor_version: u8,
    pub(crate) headers: Vec<(String, String)>,
}

impl Request {
    /// Values of every header called `name`.
    pub(crate) fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn header<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.header_values(name).next()
    }

    /// The request says a body follows its head (which this server never reads).
    pub(crate) fn announces_body(&self) -> bool {
        self.header("Transfer-Encoding").is_some()
            || self
                .header_values("Content-Length")
                .any(|value| value.trim() != "0")
    }

    /// The connection closes after the response: the client asks so, or speaks HTTP/1.0
    /// (whose keep-alive needs headers this server does not send; browsers speak 1.1).
    pub(crate) fn wants_close(&self) -> bool {
        self.minor_version == 0
            || self
                .header_values("Connection")
                .flat_map(|value| value.split(','))
                .any(|token| token.trim().eq_ignore_ascii_case("close"))
    }
}

/// What reading the next request head gave.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Head {
    Request(Request),
    /// The client closed the connection between requests.
    Closed,
    /// The head is longer than `MAX_HEAD` or has more than `MAX_HEADERS` lines.
    TooLarge,
    /// Not an HTTP/1.x request head.
    Malformed,
    /// No complete head within `HEAD_TIMEOUT`; `started` says whether any byte came.
    TimedOut {
        started: bool,
    },
}

/// Reads the next request head from `stream`. `buffer` holds what was read past the previous
/// head (pipelined requests) and keeps what is read past this one.
pub(crate) fn read_head(stream: &mut impl ReadTimeout, buffer: &mut Vec<u8>) -> Head {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    // Where to look for the end of the head: parsing is tried only once it may be there, so
    // a client sending a byte at a time does not make the server parse the head each time.
    let mut scanned = 0;
    loop {
        // Empty lines before a request line are allowed (RFC 9112, 2.2): drop them as they
        // come, so that the head starts the buffer.
        let blank = buffer
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        if blank > 0 {
            buffer.drain(..blank);
            scanned = 0;
        }
        if let Some(end) = head_end(buffer, scanned) {
            let head = parse_head(&buffer[..end]);
            buffer.drain(..end);
            return head;
        }
        scanned = buffer.len().saturating_sub(3);
        if buffer.len() >= MAX_HEAD {
            return Head::TooLarge;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_timeout(left).is_err() {
            return Head::TimedOut {
                started: !buffer.is_empty(),
            };
        }
        let mut chunk = [0u8; 8192];
        let room = (MAX_HEAD - buffer.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) if buffer.is_empty() => return Head::Closed,
            Ok(0) => return Head::Malformed,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Head::TimedOut {
                    started: !buffer.is_empty(),
                };
            }
            Err(_) => return Head::Closed,
        }
    }
}

/// End of the head (after its empty line) in `buffer`, looking from `from` on.
fn head_end(buffer: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(found) = memchr::memchr(b'\n', &buffer[at..]) {
        let newline = at + found;
        let rest = &buffer[newline + 1..];
        if rest.first() == Some(&b'\n') {
            return Some(newline + 2);
        }
        if rest.starts_with(b"\r\n") {
            return Some(newline + 3);
        }
        at = newline + 1;
    }
    None
}

fn parse_head(bytes: &[u8]) -> Head {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        Err(httparse::Error::TooManyHeaders) => return Head::TooLarge,
        Ok(httparse::Status::Partial) | Err(_) => return Head::Malformed,
    }
    let (Some(method), Some(target), Some(minor_version)) =
        (parsed.method, parsed.path, parsed.version)
    else {
        return Head::Malformed;
    };
    let headers = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    Head::Request(Request {
        method: method.to_string(),
        target: target.to_string(),
        minor_version,
        headers,
    })
}

/// A stream whose reads can be given a timeout (a `TcpStream`; a test double in tests).
pub(crate) trait ReadTimeout: Read {
    fn set_timeout(&mut self, timeout: Duration) -> std::io::Result<()>;
}

impl ReadTimeout for &TcpStream {
    fn set_timeout(&mut self, timeout: Duration) -> std::io::Result<()> {
        self.set_read_timeout(Some(timeout))
    }
}

/// What the handler did with a request.
pub(crate) enum Outcome {
    /// Answered; the next request may follow on the same connection.
    KeepAlive,
    /// Answered (with `Connection: close`, or an event stream that ended): close.
    Close,
}

/// Connections open now, and the most allowed.
pub(crate) struct Limits {
    open: AtomicUsize,
    pub(crate) max: usize,
}

impl Limits {
    /// Up to half the open-file limit goes to connections (the other half to reading the
    /// site while building), within 8 and `MAX_CONNECTIONS`.
    pub(crate) fn for_open_files(limit: Option<u64>) -> Self {
        let half = limit.map_or(MAX_CONNECTIONS as u64, |l| l / 2);
        Limits {
            open: AtomicUsize::new(0),
            max: usize::try_from(half)
                .unwrap_or(MAX_CONNECTIONS)
                .clamp(8, MAX_CONNECTIONS),
        }
    }

    fn try_open(self: &Arc<Self>) -> Option<Slot> {
        let taken = self
            .open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            });
        taken.ok().map(|_| Slot(Arc::clone(self)))
    }
}

/// A connection's place within `Limits`, given back when its thread ends.
struct Slot(Arc<Limits>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Why the server stopped accepting connections.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct AcceptFailed(pub(crate) std::io::Error);

/// Accepts connections until the listening socket fails for good, handing each request of
/// each connection to `handle` on the connection's own thread.
pub(crate) fn accept_loop<H>(listener: TcpListener, limits: Arc<Limits>, handle: H) -> AcceptFailed
where
    H: Fn(&Request, &TcpStream, bool) -> Outcome + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    let mut failing_since: Option<Instant> = None;
    let mut backoff = Duration::from_millis(5);
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => {
                failing_since = None;
                backoff = Duration::from_millis(5);
                stream
            }
            Err(err) => {
                if is_fatal(&err) {
                    return AcceptFailed(err);
                }
                // Too many open files, or a connection reset before it was accepted: wait
                // (as Go's net/http does, 5 ms doubling up to 1 s) and try again.
                let since = *failing_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= ACCEPT_GIVES_UP {
                    return AcceptFailed(err);
                }
                if backoff == Duration::from_millis(5) {
                    eprintln!("warning: cannot accept connections for now ({err}); retrying");
                }
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        let Some(slot) = limits.try_open() else {
            refuse_busy(&stream);
            continue;
        };
        let handle = Arc::clone(&handle);
        // A thread that cannot be started drops the closure, and with it the connection.
        let _ = std::thread::Builder::new()
            .name("passerelle-http".into())
            .spawn(move || {
                serve_connection(&stream, &*handle);
                drop(slot);
            });
    }
}

/// Errors of `accept` that mean the listening socket itself is unusable.
fn is_fatal(err: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(
            err.raw_os_error(),
            Some(libc::EBADF | libc::EINVAL | libc::ENOTSOCK | libc::EOPNOTSUPP | libc::EFAULT)
        )
    }
    #[cfg(not(unix))]
    {
        err.kind() == std::io::ErrorKind::InvalidInput
    }
}

/// Over the connection limit: a short answer, without reading the request (the accept thread
/// must never wait on a client).
fn refuse_busy(stream: &TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let mut writer = stream;
    let _ = writer.write_all(&plain_reply(
        503,
        "Service Unavailable",
        "too many open connections.",
        "Retry-After: 1\r\n",
    ));
    let _ = stream.shutdown(Shutdown::Write);
}

/// A short text response that closes its connection.
fn plain_reply(status: u16, reason: &str, text: &str, extra_headers: &str) -> Vec<u8> {
    let body = format!("{status} {reason}: {text}\n");
    format!(
        "HTTP/1.1 {status} {reason}\r\n{extra_headers}Content-Type: text/plain; charset=utf-8\r\n\
Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves the requests of one connection, until it closes, times out or must close.
fn serve_connection<H>(stream: &TcpStream, handle: &H)
where
    H: Fn(&Request, &TcpStream, bool) -> Outcome,
{
    // Responses go out in one write each; without this, Nagle's algorithm and the client's
    // delayed acknowledgements make each kept-alive request wait 40 ms.
    let _ = stream.set_nodelay(true);
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    let mut buffer = Vec::new();
    loop {
        let mut reader = stream;
        match read_head(&mut reader, &mut buffer) {
            Head::Request(request) => {
                // A body would come next, and the next request after it: close instead of
                // reading it.
                let close = request.wants_close() || request.announces_body();
                match handle(&request, stream, close) {
                    Outcome::KeepAlive if !close => continue,
                    _ => return linger_close(stream),
                }
            }
            Head::Closed | Head::TimedOut { started: false } => return,
            Head::TimedOut { started: true } => {
                reply_and_close(stream, 408, "Request Timeout", "the request took too long.")
            }
            Head::TooLarge => reply_and_close(
                stream,
                431,
                "Request Header Fields Too Large",
                "the request headers are too large.",
            ),
            Head::Malformed => reply_and_close(
                stream,
                400,
                "Bad Request",
                "this is not an HTTP/1.1 request.",
            ),
        }
        return;
    }
}

/// Answers a request that could not be read, then closes.
fn reply_and_close(stream: &TcpStream, status: u16, reason: &str, text: &str) {
    let mut writer = stream;
    let _ = writer.write_all(&plain_reply(status, reason, text, ""));
    linger_close(stream);
}

/// Closes after the response was sent: no more output, then what the client still sends
/// is read and dropped (see `LINGER`), into a small buffer, so nothing of it is kept.
fn linger_close(stream: &TcpStream) {
    let mut writer = stream;
    let _ = writer.flush();
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER;
    let mut drained = 0;
    let mut chunk = [0u8; 8192];
    let mut reader = stream;
    while drained < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match reader.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

/// Raises the soft limit on open files towards the hard one, and returns the limit in force.
/// Systems often start programs with a soft limit of 1,024 and a far higher hard one; each
/// connection takes a file descriptor. Raised to 65,536 at most: programs this one starts
/// (the browser of `--open`) inherit the limit, and some of them loop over every descriptor.
#[cfg(unix)]
pub(crate) fn raise_open_file_limit() -> Option<u64> {
    const ENOUGH: libc::rlim_t = 65_536;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given, which lives on this stack.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    let wanted = limit.rlim_max.min(ENOUGH);
    if wanted > limit.rlim_cur {
        let raised = libc::rlimit {
            rlim_cur: wanted,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: setrlimit only reads the struct it is given.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit.rlim_cur = wanted;
        }
    }
    // `rlim_t` is 32 bits wide on some systems.
    #[allow(clippy::useless_conversion)]
    Some(u64::from(limit.rlim_cur))
}

#[cfg(not(unix))]
pub(crate) fn raise_open_file_limit() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that gives its bytes in the chunks it was made of.
    struct Chunks(Vec<Vec<u8>>);

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::ErrorKind::WouldBlock.into());
            }
            let mut chunk = self.0.remove(0);
            let n = chunk.len().min(buf.len());
            buf[..n].copy_from_slice(&chunk[..n]);
            if n < chunk.len() {
                self.0.insert(0, chunk.split_off(n));
            }
            Ok(n)
        }
    }

    impl ReadTimeout for Chunks {
        fn set_timeout(&mut self, _: Duration) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn read_all(chunks: &[&[u8]]) -> (Vec<Head>, Vec<u8>) {
        let mut stream = Chunks(chunks.iter().map(|c| c.to_vec()).collect());
        let mut buffer = Vec::new();
        let mut heads = Vec::new();
        loop {
            let head = read_head(&mut stream, &mut buffer);
            let more = matches!(head, Head::Request(_));
            heads.push(head);
            if !more {
                return (heads, buffer);
            }
        }
    }

    #[test]
    fn heads_split_anywhere_and_pipelined_are_read_whole() {
        let (heads, _) = read_all(&[
            b"\r\nGET /a HTTP/1.1\r\nHo",
            b"st: x\r",
            b"\n\r\nGET /b HTTP/1.0\n\nGET /c",
        ]);
        let targets: Vec<&str> = heads
            .iter()
            .filter_map(|h| match h {
                Head::Request(r) => Some(r.target.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(targets, ["/a", "/b"]);
        assert_eq!(heads.last(), Some(&Head::TimedOut { started: true }));
        let Head::Request(first) = &heads[0] else {
            panic!("{heads:?}")
        };
        assert_eq!(first.header("host"), Some("x"));
        assert!(!first.wants_close());
        let Head::Request(second) = &heads[1] else {
            panic!("{heads:?}")
        };
        assert!(second.wants_close(), "HTTP/1.0 closes by default");
    }

    #[test]
    fn a_head_over_the_limit_is_too_large_and_not_kept() {
        let line = vec![b'a'; MAX_HEAD * 4];
        let mut request = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
        request.extend_from_slice(&line);
        let (heads, buffer) = read_all(&[&request]);
        assert_eq!(heads, [Head::TooLarge]);
        assert!(buffer.len() <= MAX_HEAD);
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: y\r\n")).collect();
        let (heads, _) = read_all(&[format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()]);
        assert_eq!(heads, [Head::TooLarge]);
    }

    #[test]
    fn bodies_and_connection_tokens_are_recognised() {
        let request = |headers: &[(&str, &str)]| Request {
            method: "GET".into(),
            target: "/".into(),
            minor_version: 1,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        };
        assert!(!request(&[("Content-Length", "0")]).announces_body());
        assert!(request(&[("content-length", "1000")]).announces_body());
        assert!(request(&[("Transfer-Encoding", "chunked")]).announces_body());
        assert!(request(&[("Connection", "keep-alive, Close")]).wants_close());
        assert!(!request(&[("Connection", "keep-alive")]).wants_close());
    }

    #[test]
    fn garbage_is_malformed_and_an_empty_close_is_closed() {
        assert_eq!(
            read_all(&[b"\x16\x03\x01 hello\r\n\r\n"]).0,
            [Head::Malformed]
        );
        assert_eq!(read_all(&[b"\r\n", b""]).0, [Head::Closed]);
    }

    #[test]
    fn connections_take_half_the_open_file_limit_within_bounds() {
        assert_eq!(Limits::for_open_files(Some(1024)).max, 512);
        assert_eq!(Limits::for_open_files(Some(64)).max, 32);
        assert_eq!(Limits::for_open_files(Some(4)).max, 8);
        assert_eq!(Limits::for_open_files(Some(1 << 20)).max, MAX_CONNECTIONS);
        assert_eq!(Limits::for_open_files(None).max, MAX_CONNECTIONS);
    }
}
