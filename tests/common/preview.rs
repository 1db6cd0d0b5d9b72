//! `passerelle serve` as an author runs it, for tests that drive it from outside: the real
//! binary on a free port of 127.0.0.1, read over one kept-alive HTTP connection (a test
//! that reads every file after every edit would otherwise open tens of thousands of
//! connections and run out of local ports), and its live-reload event stream.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// Longest wait for one reply. The server makes requests for outputs still being made
/// (exports, search index) wait for them, so a reply may take as long as they do.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `command` (a `passerelle serve --port 0 …`) and waits until it prints its address
/// on 127.0.0.1. Returns the process, its port, and the lines it prints on stdout (its
/// stderr is copied to the test's, `[serve]`).
pub fn spawn(mut command: Command) -> (Child, u16, Receiver<String>) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start passerelle serve");
    let (lines, stdout) = channel();
    let out = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let err = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            eprintln!("[serve] {line}");
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let address = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = stdout
            .recv_timeout(left)
            .expect("passerelle serve prints its address");
        if let Some(rest) = line.strip_prefix("Serving on ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    let port = address
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not a local address: {address}"));
    (child, port, stdout)
}

/// A running `passerelle serve`, killed when dropped.
pub struct Preview {
    child: Child,
    pub port: u16,
    /// Lines the server prints on stdout (its stderr is copied to the test's, `[serve]`).
    pub stdout: Receiver<String>,
    connection: RefCell<Option<BufReader<TcpStream>>>,
}

/// One HTTP reply.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Preview {
    /// Starts `passerelle serve --port 0 --root ROOT EXTRA…` and waits until it serves.
    pub fn start(root: &Path, extra: &[&str]) -> Preview {
        let mut command = Command::new(env!("CARGO_BIN_EXE_passerelle"));
        command
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra);
        let (child, port, stdout) = spawn(command);
        Preview {
            child,
            port,
            stdout,
            connection: RefCell::new(None),
        }
    }

    /// GET `target` (sent exactly as given) on the kept-alive connection, opened again when
    /// the server closed it.
    pub fn get(&self, target: &str) -> Result<Reply, String> {
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            self.port
        )
        .into_bytes();
        let mut slot = self.connection.borrow_mut();
        let mut last_error = String::new();
        // A kept-alive connection the server has just closed fails at once: a GET may be
        // sent again on a new one.
        for _ in 0..2 {
            if slot.is_none() {
                let stream = TcpStream::connect(("127.0.0.1", self.port))
                    .map_err(|err| format!("GET {target}: cannot connect: {err}"))?;
                stream
                    .set_read_timeout(Some(REPLY_TIMEOUT))
                    .and_then(|()| stream.set_nodelay(true))
                    .map_err(|err| format!("GET {target}: {err}"))?;
                *slot = Some(BufReader::new(stream));
            }
            let Some(reader) = slot.as_mut() else {
                continue;
            };
            let sent = reader.get_mut().write_all(&request);
            match sent.and_then(|()| read_reply(reader)) {
                Ok(reply) => {
                    if reply
                        .header("Connection")
                        .is_some_and(|v| v.eq_ignore_ascii_case("close"))
                    {
                        *slot = None;
                    }
                    return Ok(reply);
                }
                Err(err) => {
                    last_error = err.to_string();
                    *slot = None;
                }
            }
        }
        Err(format!("GET {target}: {last_error}"))
    }

    /// Opens an event stream as the page at `page` (an output path) would.
    pub fn events(&self, page: &str) -> Events {
        Events::open(self.port, page)
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one reply with a `Content-Length` body (the preview sends no chunked replies).
fn read_reply(reader: &mut BufReader<TcpStream>) -> std::io::Result<Reply> {
    let mut status_line = String::new();
    if reader.read_line(&mut status_line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not a status line: {status_line:?}")))?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    let length: usize = reply
        .header("Content-Length")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| std::io::Error::other("a reply without Content-Length"))?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Reply { body, ..reply })
}

/// The URL path of an output file under `base` (`/` or `/pratiques/`): a folder's
/// `index.html` as the folder (`x/index.html` → `/x/`) unless `as_file`, percent-encoded.
pub fn url_of(base: &str, path: &str, as_file: bool) -> String {
    let path = if as_file {
        path
    } else {
        path.strip_suffix("index.html").unwrap_or(path)
    };
    percent_encoding::utf8_percent_encode(&format!("{base}{path}"), URL_PATH).to_string()
}

/// What a URL path must encode: everything but unreserved characters and `/`.
const URL_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');

/// A served HTML page as the build wrote it: without the live-reload script and the error
/// overlay that `serve` inserts before `</body>`. Returns the page and the overlay, if any.
pub fn strip_injection(body: &[u8]) -> (Vec<u8>, Option<String>) {
    let Ok(text) = std::str::from_utf8(body) else {
        return (body.to_vec(), None);
    };
    let Some(script) = text.rfind("<script src=\"/__passerelle/livereload.js\"") else {
        return (body.to_vec(), None);
    };
    let Some(length) = text[script..].find("</script>") else {
        return (body.to_vec(), None);
    };
    let end = script + length + "</script>".len();
    // The overlay comes just before the script; the page itself never holds its id.
    let (start, overlay) = match text[..script].rfind("<div id=\"passerelle-overlay\"") {
        Some(start) => (start, Some(text[start..script].to_string())),
        None => (script, None),
    };
    let page = format!("{}{}", &text[..start], &text[end..]);
    (page.into_bytes(), overlay)
}

/// The text of an HTML fragment: tags dropped, the entities the overlay uses decoded.
pub fn fragment_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// One Server-Sent Event.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: serde_json::Value,
}

impl Event {
    pub fn generation(&self) -> u64 {
        self.data["generation"].as_u64().unwrap_or(0)
    }
}

/// A page's event stream, read on a thread of its own.
pub struct Events {
    receiver: Receiver<Event>,
    /// The highest generation announced so far (from `hello` on).
    pub generation: u64,
}

impl Events {
    fn open(port: u16, page: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let page = percent_encoding::utf8_percent_encode(page, percent_encoding::NON_ALPHANUMERIC);
        write!(
            stream,
            "GET /__passerelle/events?path={page}&generation=0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("request an event stream");
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).expect("event stream status");
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("event stream header");
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let (mut name, mut data) = (String::new(), String::new());
            for line in reader.lines().map_while(Result::ok) {
                if let Some(value) = line.strip_prefix("event: ") {
                    name = value.to_string();
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data.push_str(value);
                } else if line.is_empty() && !name.is_empty() {
                    let data = serde_json::from_str(&std::mem::take(&mut data))
                        .unwrap_or(serde_json::Value::Null);
                    let event = Event {
                        name: std::mem::take(&mut name),
                        data,
                    };
                    if sender.send(event).is_err() {
                        break;
                    }
                }
            }
        });
        let mut events = Events {
            receiver,
            generation: 0,
        };
        let hello = events
            .next_before(Instant::now() + Duration::from_secs(20))
            .expect("a hello event");
        assert_eq!(hello.name, "hello", "{hello:?}");
        events
    }

    /// The next event, if one comes before `deadline`.
    pub fn next_before(&mut self, deadline: Instant) -> Option<Event> {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = self.receiver.recv_timeout(left).ok()?;
        self.generation = self.generation.max(event.generation());
        Some(event)
    }

    /// Reads the events already received; returns the highest generation announced.
    pub fn drain(&mut self) -> u64 {
        while let Ok(event) = self.receiver.try_recv() {
            self.generation = self.generation.max(event.generation());
        }
        self.generation
    }
}
