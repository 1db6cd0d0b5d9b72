//! `passerelle serve`: a real server on 127.0.0.1 (a free port) over a temporary copy of the
//! example site, real file edits, a real Server-Sent Events client.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long a test waits for the server to react to an edit.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running `passerelle serve`, killed when dropped.
struct Served {
    child: Child,
    port: u16,
    stdout: Receiver<String>,
    /// The site folder (inside `_dir`).
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start() -> Served {
        Served::start_in(common::example_site_copy(), &[])
    }

    fn start_in(site: tempfile::TempDir, extra: &[&str]) -> Served {
        let root = site.path().to_path_buf();
        let mut command = Command::new(env!("CARGO_BIN_EXE_passerelle"));
        command
            .args(["serve", "--port", "0", "--root"])
            .arg(&root)
            .args(extra);
        Served::spawn(command, root, site)
    }

    /// Runs `command` (a `passerelle serve` on `root`, inside `dir`) and waits for its address.
    fn spawn(command: Command, root: PathBuf, dir: tempfile::TempDir) -> Served {
        let (child, port, stdout) = common::preview::spawn(command);
        Served {
            child,
            port,
            stdout,
            root,
            _dir: dir,
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn get(&self, target: &str) -> Reply {
        request(self.port, "GET", target)
    }

    /// Opens an event stream as a page at `page` would.
    fn events(&self, page: &str) -> Events {
        Events::open(self.port, page)
    }

    /// Every served file, HTML without the injected script (`None` if a file went away
    /// while reading them: a build came in between).
    fn served_files(&self) -> Option<BTreeMap<String, Vec<u8>>> {
        let list = self.get("/__passerelle/files");
        let paths: Vec<String> = serde_json::from_slice(&list.body).expect("file list");
        paths
            .into_iter()
            .map(|path| {
                let target = format!("/{}", path.strip_suffix("index.html").unwrap_or(&path));
                let reply = self.get(&encode(&target));
                (reply.status == 200).then(|| (path, strip_injection(reply.body)))
            })
            .collect()
    }

    /// Waits until the served site equals a fresh full build of the same folder.
    fn assert_equals_full_build(&self, step: &str) {
        let expected = common::build_in_memory(&self.root, None);
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Some(served) = self.served_files() else {
                assert!(
                    Instant::now() < deadline,
                    "after {step}: files kept changing"
                );
                continue;
            };
            if served == expected {
                return;
            }
            if Instant::now() > deadline {
                let missing: Vec<_> = expected
                    .keys()
                    .filter(|k| !served.contains_key(*k))
                    .collect();
                let extra: Vec<_> = served
                    .keys()
                    .filter(|k| !expected.contains_key(*k))
                    .collect();
                let different: Vec<_> = expected
                    .iter()
                    .filter(|(k, v)| served.get(*k).is_some_and(|s| s != *v))
                    .map(|(k, _)| k)
                    .collect();
                if let Ok(dir) = std::env::var("PASSERELLE_SERVE_TEST_DUMP") {
                    for path in &different {
                        let name = path.replace('/', "_");
                        let _ = std::fs::write(format!("{dir}/{name}.served"), &served[*path]);
                        let _ = std::fs::write(format!("{dir}/{name}.built"), &expected[*path]);
                    }
                }
                panic!(
                    "after {step}: served site differs from a full build\nmissing: {missing:?}\nextra: {extra:?}\ndifferent: {different:?}"
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn encode(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2F", "/")
        .replace("%2E", ".")
        .replace("%2D", "-")
        .replace("%5F", "_")
}

/// Removes what `serve` adds to HTML pages, to compare them with built pages.
fn strip_injection(body: Vec<u8>) -> Vec<u8> {
    let text = match String::from_utf8(body) {
        Ok(text) => text,
        Err(err) => return err.into_bytes(),
    };
    let Some(start) = text.rfind("<script src=\"/__passerelle/livereload.js\"") else {
        return text.into_bytes();
    };
    let end = start + text[start..].find("</script>").unwrap() + "</script>".len();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A raw HTTP/1.1 request: the target is sent exactly as given (no client normalisation).
fn request(port: u16, method: &str, target: &str) -> Reply {
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    );
    let reply = exchange(port, head.as_bytes(), Duration::from_secs(30))
        .unwrap_or_else(|err| panic!("{method} {target}: {err}"));
    let chunked = reply
        .header("Transfer-Encoding")
        .is_some_and(|v| v.contains("chunked"));
    assert!(!chunked, "{target}: replies carry a Content-Length");
    reply
}

/// Sends `raw` on a new connection and reads the reply until the server closes it, waiting
/// `timeout` at most for each read (a server that hangs fails the test instead of the
/// test hanging).
fn exchange(port: u16, raw: &[u8], timeout: Duration) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.write_all(raw)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    parse_reply(&reply).ok_or_else(|| {
        std::io::Error::other(format!(
            "not an HTTP reply: {:?}",
            String::from_utf8_lossy(&reply)
        ))
    })
}

fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// The status of the first reply on `stream`, read without waiting for the connection to
/// close (its body is left unread).
fn status_of(stream: &mut TcpStream, timeout: Duration) -> std::io::Result<(u16, String)> {
    stream.set_read_timeout(Some(timeout))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(head.clone()))?;
    Ok((status, head))
}

/// A Server-Sent Events client on a plain TCP connection.
struct Events {
    events: Receiver<(String, serde_json::Value)>,
}

impl Events {
    fn open(port: u16, page: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            stream,
            "GET /__passerelle/events?path={page}&generation=0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let mut content_type = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.to_ascii_lowercase().starts_with("content-type:") {
                content_type = line.clone();
            }
            if line == "\r\n" {
                break;
            }
        }
        assert!(content_type.contains("text/event-stream"), "{content_type}");
        let (sender, events) = channel();
        std::thread::spawn(move || {
            let (mut name, mut data) = (String::new(), String::new());
            for line in reader.lines().map_while(Result::ok) {
                if let Some(value) = line.strip_prefix("event: ") {
                    name = value.to_string();
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data.push_str(value);
                } else if line.is_empty() && !name.is_empty() {
                    let value = serde_json::from_str(&data).unwrap_or(serde_json::Value::Null);
                    if sender.send((std::mem::take(&mut name), value)).is_err() {
                        break;
                    }
                    data.clear();
                }
            }
        });
        let events = Events { events };
        events.next("hello");
        events
    }

    /// The next event named `name` (others are skipped).
    fn next(&self, name: &str) -> serde_json::Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (event, data) = self
                .events
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no `{name}` event"));
            if event == name {
                return data;
            }
        }
    }

    /// The next `build` event whose changed or removed paths include `path`.
    fn build_touching(&self, path: &str) -> serde_json::Value {
        loop {
            let data = self.next("build");
            let touched = ["changed", "removed"]
                .iter()
                .flat_map(|k| data[*k].as_array().cloned().unwrap_or_default())
                .any(|p| p == path);
            if touched {
                return data;
            }
        }
    }
}

const CASE: &str = "content/etudes-de-cas/umq-mifi-partenariat.md";
const CASE_PAGE: &str = "etudes-de-cas/umq-mifi-partenariat/index.html";
const CASE_URL: &str = "/etudes-de-cas/umq-mifi-partenariat/";

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

#[test]
fn serves_pages_from_memory_with_types_charset_and_no_store() {
    let served = Served::start();
    let home = served.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("Cache-Control"), Some("no-store"));
    assert!(home.text().contains("/__passerelle/livereload.js"));
    let css = served.get("/static/style.css");
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert!(!css.text().contains("__passerelle"));
    let feed = served.get("/atom.xml");
    assert_eq!(
        feed.header("Content-Type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let script = served.get("/__passerelle/livereload.js");
    assert_eq!(
        script.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(served.get("/etudes-de-cas").status, 301);
    // Nothing is written to disk.
    assert!(!served.path("public").exists());
}

#[test]
fn traversal_attempts_get_404() {
    let served = Served::start();
    std::fs::write(served.path("secret.txt"), "TOP-SECRET-CONTENT").unwrap();
    for target in [
        "/../config.yaml",
        "/../../etc/passwd",
        "/%2e%2e/config.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/static/..%2fconfig.yaml",
        "/static%2f..%2f..%2fconfig.yaml",
        "/static/..%5cconfig.yaml",
        "/..\\config.yaml",
        "//etc/passwd",
        "/etc/passwd",
        "/config.yaml",
        "/secret.txt",
        "/content/etudes-de-cas/umq-mifi-partenariat.md",
        "/./index.html",
        "/%00",
    ] {
        let reply = served.get(target);
        assert_eq!(reply.status, 404, "{target}");
        assert!(!reply.text().contains("TOP-SECRET-CONTENT"), "{target}");
        assert!(!reply.text().contains("case_studies:"), "{target}");
    }
}

#[test]
fn unknown_pages_get_the_sites_404_page() {
    let served = Served::start();
    let reply = served.get("/nulle-part/");
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let built = common::build_in_memory(&served.root, None);
    let expected = String::from_utf8(built["404.html"].clone()).unwrap();
    assert_eq!(strip_injection(reply.body), expected.into_bytes());
}

#[test]
fn only_get_and_head_are_allowed() {
    let served = Served::start();
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let reply = request(served.port, method, "/");
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("Allow"), Some("GET, HEAD"), "{method}");
    }
    let head = request(served.port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let length: usize = head.header("Content-Length").unwrap().parse().unwrap();
    assert_eq!(length, served.get("/").body.len());
}

#[test]
fn saving_a_case_study_sends_a_reload_event_and_serves_the_new_text() {
    let served = Served::start();
    let events = served.events(CASE_PAGE);
    append(
        &served.path(CASE),
        "\nUne phrase ajoutée pendant l’aperçu.\n",
    );
    events.build_touching(CASE_PAGE);
    assert!(
        served
            .get(CASE_URL)
            .text()
            .contains("Une phrase ajoutée pendant l’aperçu.")
    );
}

#[test]
fn a_css_change_is_announced_without_a_page_change() {
    let served = Served::start();
    let events = served.events("index.html");
    std::fs::create_dir_all(served.path("static")).unwrap();
    std::fs::write(
        served.path("static/style.css"),
        "body { color: rebeccapurple; }\n",
    )
    .unwrap();
    let data = events.build_touching("static/style.css");
    assert_eq!(data["changed"], serde_json::json!(["static/style.css"]));
    assert!(
        served
            .get("/static/style.css")
            .text()
            .contains("rebeccapurple")
    );
}

#[test]
fn an_error_shows_the_overlay_until_fixed() {
    let served = Served::start();
    let events = served.events(CASE_PAGE);
    edit(&served.path(CASE), "region: [\"01\",", "region: [Estri,");
    let data = events.next("errors");
    let overlay = data["overlay"].as_str().unwrap();
    assert!(overlay.contains("role=\"alertdialog\""), "{overlay}");
    assert!(overlay.contains(&format!("{CASE}:")), "{overlay}");
    // Every page shows it, and the last good version stays.
    let page = served.get(CASE_URL).text();
    assert!(page.contains("id=\"passerelle-overlay\""));
    assert!(page.contains(CASE));
    assert!(
        page.contains("Estrie"),
        "the hint suggests the closest region"
    );
    assert!(
        page.contains("Partenariat UMQ–MIFI"),
        "the last good page stays"
    );
    assert!(served.get("/").text().contains("id=\"passerelle-overlay\""));

    edit(&served.path(CASE), "region: [Estri,", "region: [\"01\",");
    events.next("build");
    assert!(!served.get(CASE_URL).text().contains("passerelle-overlay"));
    assert!(!served.get("/").text().contains("passerelle-overlay"));
}

#[test]
fn deleting_and_renaming_files_update_the_site() {
    let served = Served::start();
    let page = "etudes-de-cas/logement-premier-accueil-riviere-des-modeles/index.html";
    let events = served.events(page);
    std::fs::remove_file(
        served.path("content/etudes-de-cas/logement-premier-accueil-riviere-des-modeles.md"),
    )
    .unwrap();
    let data = events.build_touching(page);
    assert!(
        data["removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == page)
    );
    assert_eq!(
        served
            .get(&format!("/{}", page.trim_end_matches("index.html")))
            .status,
        404
    );

    let from = served.path("content/etudes-de-cas/vision-attractivite-estrie.md");
    let to = served.path("content/etudes-de-cas/vision-estrie-renommee.md");
    std::fs::rename(&from, &to).unwrap();
    events.build_touching("etudes-de-cas/vision-estrie-renommee/index.html");
    assert_eq!(
        served
            .get("/etudes-de-cas/vision-attractivite-estrie/")
            .status,
        404
    );
    assert_eq!(
        served.get("/etudes-de-cas/vision-estrie-renommee/").status,
        200
    );
    served.assert_equals_full_build("delete and rename");
}

#[test]
fn incremental_rebuilds_equal_a_full_build() {
    let served = Served::start();
    let events = served.events("index.html");
    let wait = |page: &str| {
        events.build_touching(page);
    };
    // A body edit.
    append(
        &served.path(CASE),
        "\n## Une nouvelle section\n\nDu texte.\n",
    );
    wait(CASE_PAGE);
    served.assert_equals_full_build("body edit");

    // A title and date edit: the order of lists, neighbours, home, feed and exports change.
    edit(
        &served.path(CASE),
        "\ndate:",
        "\ndate: 2031-01-01\nold_date:",
    );
    wait(CASE_PAGE);
    served.assert_equals_full_build("date edit");

    // A new case study, written the way editors save: a temporary file renamed into place.
    let new = served.path("content/etudes-de-cas/nouvelle-etude.md");
    let text = std::fs::read_to_string(served.path(CASE))
        .unwrap()
        .replace("umq-mifi", "nouvelle");
    let temporary = served.path("content/etudes-de-cas/.nouvelle-etude.md.swp");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, &new).unwrap();
    wait("etudes-de-cas/nouvelle-etude/index.html");
    served.assert_equals_full_build("atomic save of a new file");

    // A burst: many files at once.
    for n in 0..12 {
        let text = std::fs::read_to_string(&new).unwrap();
        let text = text.replacen(
            "\ntitle:",
            &format!("\ntitle: Étude en rafale {n}\nold_title:"),
            1,
        );
        std::fs::write(
            served.path(&format!("content/etudes-de-cas/rafale-{n}.md")),
            text,
        )
        .unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    served.assert_equals_full_build("burst of new files");

    // A template override, a style sheet, UI strings.
    std::fs::create_dir_all(served.path("templates/partials")).unwrap();
    let card = std::fs::read_to_string(
        common::repo_root().join("themes/default/templates/partials/card.html"),
    )
    .unwrap();
    std::fs::write(
        served.path("templates/partials/card.html"),
        format!("<!-- carte -->{card}"),
    )
    .unwrap();
    wait("index.html");
    served.assert_equals_full_build("template override");

    // A link to a page that does not exist yet, then the page.
    append(&served.path(CASE), "\nVoir [la suite](suite.md).\n");
    events.next("errors");
    std::fs::write(
        served.path("content/etudes-de-cas/suite.md"),
        std::fs::read_to_string(&new).unwrap(),
    )
    .unwrap();
    wait(CASE_PAGE);
    served.assert_equals_full_build("link to a new page");

    // Drafts disappear; configuration changes rebuild everything.
    edit(&new, "\ntitle:", "\ndraft: true\ntitle:");
    wait("etudes-de-cas/nouvelle-etude/index.html");
    served.assert_equals_full_build("draft");
    edit(&served.path("config.yaml"), "paginate: 12", "paginate: 5");
    wait("etudes-de-cas/page/2/index.html");
    served.assert_equals_full_build("config change");
}

#[test]
fn a_port_in_use_is_reported_with_its_own_exit_code() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = common::example_site_copy();
    let (code, _, err) = common::passerelle(&[
        "serve",
        "--root",
        site.path().to_str().unwrap(),
        "--port",
        &port,
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("already in use"), "{err}");
    assert!(err.contains("--port"), "{err}");
}

#[test]
fn binding_all_interfaces_prints_a_warning() {
    let site = common::example_site_copy();
    let mut child = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["serve", "--port", "0", "--bind", "0.0.0.0", "--root"])
        .arg(site.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.contains("warning") && first.contains("all network interfaces"),
        "{first}"
    );
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let served = Served::start();
    let pid = served.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    let mut served = served;
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(status) = served.child.try_wait().unwrap() {
            break status.code();
        }
        assert!(Instant::now() < deadline, "still running after SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
    let said: Vec<String> = served.stdout.try_iter().collect();
    assert!(said.iter().any(|l| l == "Stopped."), "{said:?}");
}

// Issue 8, "The preview server": one test per defect.

/// A reply expected soon: a server that hangs fails the test within this.
const PROMPTLY: Duration = Duration::from_secs(10);

/// A request with the given `Host` header value.
fn get_with_host(port: u16, target: &str, host: &str) -> Reply {
    let head = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    exchange(port, head.as_bytes(), PROMPTLY).expect("a reply")
}

/// A front-matter edit reverted before the exports were made left their pending flag set:
/// every `/data/` and `/search/` request then waited 60 s, until the next edit.
#[test]
fn an_edit_reverted_at_once_leaves_no_request_waiting() {
    let served = Served::start();
    let events = served.events(CASE_PAGE);
    let path = served.path(CASE);
    let original = std::fs::read_to_string(&path).unwrap();
    edit(
        &path,
        "title: \"Partenariat",
        "title: \"Un instant : partenariat",
    );
    events.build_touching(CASE_PAGE);
    // Back before the exports are due (500 ms after the last build).
    std::fs::write(&path, &original).unwrap();
    events.build_touching(CASE_PAGE);
    for target in ["/data/case-studies.json", "/data/case-studies.csv"] {
        let head = format!(
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            served.port
        );
        let mut stream = TcpStream::connect(("127.0.0.1", served.port)).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let (status, _) = status_of(&mut stream, PROMPTLY)
            .unwrap_or_else(|err| panic!("{target} waits after a reverted edit: {err}"));
        assert_eq!(status, 200, "{target}");
    }
    let exports = served.get("/data/case-studies.json").text();
    assert!(exports.contains("Partenariat UMQ–MIFI"), "{exports}");
    assert!(!exports.contains("Un instant"), "{exports}");
    let list = served.get("/__passerelle/files");
    assert_eq!(list.status, 200);
}

/// Eight connections announcing a body they never sent froze the whole server.
#[test]
fn requests_announcing_a_body_that_never_comes_do_not_stall_the_server() {
    let served = Served::start();
    let stalled: Vec<(TcpStream, &str)> = (0..16)
        .map(|n| {
            let method = if n % 4 == 3 { "POST" } else { "GET" };
            let mut stream = TcpStream::connect(("127.0.0.1", served.port)).unwrap();
            write!(
                stream,
                "{method} / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 1000\r\n\r\n",
                served.port
            )
            .unwrap();
            (stream, method)
        })
        .collect();
    // A GET needs no body: each is answered without waiting for one. The connections stay
    // open, bodies never sent.
    let mut stalled = stalled;
    for (stream, method) in &mut stalled {
        let (status, head) = status_of(stream, PROMPTLY)
            .unwrap_or_else(|err| panic!("{method} waited for its body: {err}"));
        assert_eq!(status, if *method == "GET" { 200 } else { 405 }, "{head}");
        assert!(head.contains("Connection: close"), "{head}");
    }
    let home = exchange(
        served.port,
        format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            served.port
        )
        .as_bytes(),
        PROMPTLY,
    )
    .expect("a normal request is answered");
    assert_eq!(home.status, 200);
    drop(stalled);
}

/// Opens an event stream and returns its status (the connection stays open), or 0 when the
/// server closed the connection before answering (as it may when over its connection limit:
/// it then answers 503 without reading the request, and the system may reset the socket).
fn open_stream(port: u16, host: &str) -> (u16, String, TcpStream) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let sent = write!(
        stream,
        "GET /__passerelle/events?path=index.html&generation=0 HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
    );
    match sent.and_then(|()| status_of(&mut stream, PROMPTLY)) {
        Ok((status, head)) => (status, head, stream),
        Err(err) => (0, err.to_string(), stream),
    }
}

/// About 510 event streams under `ulimit -n 1024` killed tiny_http's accept thread: the
/// port was dead while the process lived on.
#[test]
fn event_streams_past_the_cap_get_503_and_the_port_stays_alive() {
    let served = Served::start();
    let host = format!("127.0.0.1:{}", served.port);
    let streams: Vec<(u16, String, TcpStream)> =
        (0..80).map(|_| open_stream(served.port, &host)).collect();
    let open = streams.iter().filter(|(status, ..)| *status == 200).count();
    let refused: Vec<&String> = streams
        .iter()
        .filter(|(status, ..)| *status == 503)
        .map(|(_, head, _)| head)
        .collect();
    assert_eq!(open + refused.len(), streams.len());
    assert!((1..=64).contains(&open), "{open} streams open");
    assert!(!refused.is_empty(), "no stream was refused");
    for head in refused {
        assert!(head.contains("Retry-After:"), "{head}");
    }
    assert_eq!(served.get("/").status, 200);
    // Pages that go away give their place back.
    drop(streams);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (status, head, _stream) = open_stream(served.port, &host);
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "streams stay refused: {head}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// With few file descriptors (`ulimit -n 64`, which the server cannot raise), a flood of
/// connections gets answers (503 past the limit) and the server serves again once they
/// close; or it exits with a message. Never a live process on a dead port.
#[test]
fn a_low_open_file_limit_never_leaves_a_dead_port() {
    let site = common::example_site_copy();
    let root = site.path().to_path_buf();
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" serve --port 0 --root \"$1\"")
        .arg(env!("CARGO_BIN_EXE_passerelle"))
        .arg(&root);
    let mut served = Served::spawn(command, root, site);
    let host = format!("127.0.0.1:{}", served.port);
    let mut flood = Vec::new();
    for _ in 0..100 {
        match TcpStream::connect(("127.0.0.1", served.port)) {
            Ok(stream) => flood.push(stream),
            Err(err) => panic!("the port is dead: {err}"),
        }
    }
    let streams: Vec<_> = (0..10).map(|_| open_stream(served.port, &host)).collect();
    assert!(
        streams
            .iter()
            .all(|(status, ..)| [0, 200, 503].contains(status))
    );
    drop(streams);
    drop(flood);
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = served.child.try_wait().unwrap() {
            // Allowed, if it says why.
            assert!(!status.success(), "exited with {status}");
            return;
        }
        let home = get_with_host(served.port, "/", &host);
        if home.status == 200 {
            break;
        }
        assert_eq!(home.status, 503);
        assert!(Instant::now() < deadline, "still refusing after the flood");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Any web page could read the preview, drafts included, by DNS rebinding: nothing checked
/// the `Host` header.
#[test]
fn only_requests_addressed_to_the_preview_are_answered() {
    let served = Served::start_in(
        common::example_site_copy(),
        &["--allow-host", "portable.local"],
    );
    let port = served.port;
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("portable.local:{port}"),
    ] {
        assert_eq!(get_with_host(port, "/", &host).status, 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
    ] {
        let reply = get_with_host(port, "/", &host);
        assert_eq!(reply.status, 403, "{host}");
        assert!(reply.text().contains("DNS rebinding"), "{}", reply.text());
        assert!(!reply.text().contains("Partenariat"), "{host}");
        assert_eq!(
            get_with_host(port, "/data/case-studies.json", &host).status,
            403
        );
    }
    let (status, _, _) = open_stream(port, &format!("evil.example:{port}"));
    assert_eq!(status, 403, "the event stream checks Host too");
    let no_host = exchange(
        port,
        b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        PROMPTLY,
    )
    .expect("a reply");
    assert_eq!(no_host.status, 400);
}

fn resident_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A 300 MB request header was accepted, and its memory kept.
#[test]
fn an_oversized_request_head_gets_431_and_is_not_kept() {
    let served = Served::start();
    let mut head = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Big: ",
        served.port
    )
    .into_bytes();
    head.extend(std::iter::repeat_n(b'a', 1 << 20));
    head.extend_from_slice(b"\r\n\r\n");
    let reply = exchange(served.port, &head, PROMPTLY).expect("an answer to a 1 MB header");
    assert_eq!(reply.status, 431);
    assert_eq!(served.get("/").status, 200);

    // 64 MB: the server stops reading at its limit; the rest is never stored.
    let before = resident_kb(served.child.id());
    let mut stream = TcpStream::connect(("127.0.0.1", served.port)).unwrap();
    stream.set_write_timeout(Some(PROMPTLY)).unwrap();
    let _ = stream.write_all(&head[..head.len() - 4]);
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..63 {
        if stream.write_all(&chunk).is_err() {
            break; // Closed by the server: fine.
        }
    }
    drop(stream);
    assert_eq!(served.get("/").status, 200);
    let after = resident_kb(served.child.id());
    if before > 0 {
        assert!(
            after < before + 16 * 1024,
            "resident memory grew from {before} kB to {after} kB"
        );
    }
}

/// Replacing the site folder (`rm -rf site; mv site.new site`) left the watcher deaf.
#[test]
fn a_replaced_site_folder_is_watched_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    common::copy_dir(common::example_site_copy().path(), &root);
    let mut command = Command::new(env!("CARGO_BIN_EXE_passerelle"));
    command.args(["serve", "--port", "0", "--root"]).arg(&root);
    let served = Served::spawn(command, root.clone(), dir);

    let new = root.with_file_name("site.new");
    common::copy_dir(&root, &new);
    append(&new.join(CASE), "\nUne phrase du nouveau dossier.\n");
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::rename(&new, &root).unwrap();
    let served_text = |sentence: &str| {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if served.get(CASE_URL).text().contains(sentence) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("`{sentence}` is not served");
    };
    served_text("Une phrase du nouveau dossier.");
    // And the new folder is watched: a later save is served too.
    append(&served.path(CASE), "\nUne phrase écrite ensuite.\n");
    served_text("Une phrase écrite ensuite.");
    served.assert_equals_full_build("replaced site folder");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_and_active_files_saved_while_serving_are_refused_as_in_a_build() {
    let served = Served::start();
    let events = served.events("/");
    std::os::unix::fs::symlink("/etc/passwd", served.path("content/passwd.txt")).unwrap();
    let data = events.next("errors");
    let overlay = data["overlay"].as_str().unwrap();
    assert!(overlay.contains("content/passwd.txt"), "{overlay}");
    assert!(
        overlay.contains("mène hors du dossier du site"),
        "{overlay}"
    );
    assert_eq!(served.get("/passwd.txt").status, 404);
    std::fs::remove_file(served.path("content/passwd.txt")).unwrap();
    events.next("build");

    std::fs::write(
        served.path("content/page.html"),
        "<script>alert(1)</script>",
    )
    .unwrap();
    let data = events.next("errors");
    let overlay = data["overlay"].as_str().unwrap();
    assert!(overlay.contains("content/page.html"), "{overlay}");
    assert!(overlay.contains("trust_html"), "{overlay}");
    assert_eq!(served.get("/page.html").status, 404);
    std::fs::remove_file(served.path("content/page.html")).unwrap();
    events.next("build");
    served.assert_equals_full_build("removing the refused files");
}

#[test]
fn a_link_to_a_file_that_fails_to_load_is_reported_once_as_in_a_build() {
    let served = Served::start();
    let events = served.events(CASE_PAGE);
    std::fs::write(
        served.path("content/etudes-de-cas/casse.md"),
        b"---\ntitle: \xff\n---\n",
    )
    .unwrap();
    append(&served.path(CASE), "\nVoir [le cas](casse.md).\n");
    let overlay = loop {
        let data = events.next("errors");
        let overlay = data["overlay"].as_str().unwrap().to_string();
        if overlay.contains("casse.md") {
            break overlay;
        }
    };
    assert!(
        overlay.contains("n’est pas du texte UTF-8 valide"),
        "{overlay}"
    );
    assert!(
        !overlay.contains("lien vers un fichier absent"),
        "{overlay}"
    );
}

/// A save made while the exports and search index of the previous one are being made was
/// rebuilt only after them (1.5 s at 10,000 case studies): they now run on a thread of
/// their own, and what they made for a site that has changed since is thrown away.
/// A site of 1,500 case studies `cas-N.md` (a few kilobytes each), served: enough pages
/// that a template edit or the deferred work takes a while, even in an optimised build.
fn served_site_of_many() -> Served {
    let words = "francisation accueil emploi logement région travailleurs ".repeat(60);
    let files: Vec<(String, String)> = (0..1500)
        .map(|n| {
            let text = format!(
                "---\ntitle: Cas {n}\ndate: 2024-03-01\nsummary: Résumé {n}.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [logement]\n---\n{words} mot{n}\n"
            );
            (format!("cas-{n}.md"), text)
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Served::start_in(common::site_with_case_studies(&borrowed), &[])
}

#[test]
fn a_save_during_the_deferred_work_is_rebuilt_without_waiting_for_it() {
    let served = served_site_of_many();
    let first = served.path("content/etudes-de-cas/cas-1.md");
    let second = served.path("content/etudes-de-cas/cas-2.md");
    let next_line = |what: &str| -> String {
        loop {
            let line = served
                .stdout
                .recv_timeout(PATIENCE)
                .unwrap_or_else(|_| panic!("no line about {what}"));
            if line.contains(what) {
                return line;
            }
        }
    };
    edit(&first, "title: Cas 1\n", "title: Cas 1 revu\n");
    next_line("cas-1.md");
    // The pause after which the deferred work starts, and a little more.
    std::thread::sleep(Duration::from_millis(700));
    edit(&second, "title: Cas 2\n", "title: Cas 2 revu\n");
    let mut before = Vec::new();
    loop {
        let line = served
            .stdout
            .recv_timeout(PATIENCE)
            .expect("the second save is rebuilt");
        if line.contains("cas-2.md") {
            break;
        }
        before.push(line);
    }
    assert!(
        !before
            .iter()
            .any(|l| l.contains("Exports and search index updated")),
        "the second save waited for the first one's deferred work: {before:?}"
    );
    served.assert_equals_full_build("two saves, the second during the first one's deferred work");
}

/// A template edit re-renders every case study page; the one open in the browser is served
/// first, in a `build` event of its own, and the others follow.
#[test]
fn a_template_edit_serves_the_open_page_before_the_others() {
    let served = Served::start();
    let events = served.events(CASE_PAGE);
    let template = served.path("templates/case_study.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    let original = std::fs::read_to_string(
        common::repo_root().join("themes/default/templates/case_study.html"),
    )
    .unwrap();
    std::fs::write(&template, &original).unwrap();
    // The same template as the built-in one: a build that changes no page.
    events.next("build");
    let marked = original.replacen(
        "<article class=\"case-study\"",
        "<article data-revision=\"2\" class=\"case-study\"",
        1,
    );
    assert_ne!(
        marked, original,
        "case_study.html has no <article class=\"case-study\">"
    );
    std::fs::write(&template, marked).unwrap();
    let first = events.next("build");
    let changed: Vec<String> = first["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert_eq!(changed, [CASE_PAGE], "the open page comes alone, first");
    assert!(served.get(CASE_URL).text().contains("data-revision=\"2\""));
    let rest = events.next("build");
    assert!(
        rest["changed"].as_array().unwrap().iter().any(|p| p
            .as_str()
            .unwrap()
            .starts_with("etudes-de-cas/")
            && p != CASE_PAGE),
        "{rest}"
    );
    served.assert_equals_full_build("a template edit served in two steps");
}

/// Two sources for one output path are an error in the preview as in a build, found again
/// after the check was skipped for saves that changed no path.
#[test]
fn a_file_saved_over_a_generated_one_is_refused_as_in_a_build() {
    let served = Served::start();
    let events = served.events(CASE_PAGE);
    append(&served.path(CASE), "\nUne phrase.\n");
    events.build_touching(CASE_PAGE);
    std::fs::write(served.path("content/robots.txt"), "User-agent: *\n").unwrap();
    let overlay = events.next("errors")["overlay"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(overlay.contains("content/robots.txt"), "{overlay}");
    assert!(overlay.contains("est aussi écrit par"), "{overlay}");
    std::fs::remove_file(served.path("content/robots.txt")).unwrap();
    events.next("build");
    served.assert_equals_full_build("a file saved over robots.txt, then removed");
}

/// The page open in a browser of the many-case-study site.
const MANY_OPEN_PAGE: &str = "etudes-de-cas/cas-7/index.html";

/// Saves a case study template that marks every case study page with `revision`, in the
/// site's own templates folder.
fn mark_case_study_pages(served: &Served, revision: u32) {
    let template = served.path("templates/case_study.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    let original = std::fs::read_to_string(
        common::repo_root().join("themes/default/templates/case_study.html"),
    )
    .unwrap();
    let marked = original.replacen(
        "<article class=\"case-study\"",
        &format!("<article data-revision=\"{revision}\" class=\"case-study\""),
        1,
    );
    assert_ne!(
        marked, original,
        "case_study.html has no <article class=\"case-study\">"
    );
    std::fs::write(&template, marked).unwrap();
}

/// Waits for the line saying that a build left pages for newer changes.
fn wait_for_cut_short(served: &Served) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = served.stdout.recv_timeout(left).unwrap_or_else(|_| {
            panic!("no build was cut short by the second save (the first one rendered 1,500 pages)")
        });
        if line.contains("left for newer changes") {
            return;
        }
    }
}

/// A template edit re-renders every case study page; a save that comes once the open page
/// is served does not wait for the others: it is built at once, with them.
#[test]
fn a_template_edit_cut_short_by_a_newer_save_ends_with_every_page_current() {
    let served = served_site_of_many();
    let events = served.events(MANY_OPEN_PAGE);
    mark_case_study_pages(&served, 2);
    let first = events.next("build");
    assert_eq!(
        first["changed"],
        serde_json::json!([MANY_OPEN_PAGE]),
        "{first}"
    );
    mark_case_study_pages(&served, 3);
    wait_for_cut_short(&served);
    served.assert_equals_full_build("a template edit cut short by another one");
}

/// A build cut short by a save that breaks the site: the preview then serves the last good
/// site in full (every page of the cut-short build), with the errors.
#[test]
fn a_breaking_save_after_a_cut_short_build_serves_the_last_good_site_in_full() {
    let served = served_site_of_many();
    let events = served.events(MANY_OPEN_PAGE);
    mark_case_study_pages(&served, 2);
    events.next("build");
    edit(
        &served.path("content/etudes-de-cas/cas-3.md"),
        "date: 2024-03-01",
        "date: pas une date",
    );
    wait_for_cut_short(&served);
    events.next("errors");
    // Then the server waits for the next save: it does not build the broken site again
    // and again (the exports and index of the last good site may still come).
    std::thread::sleep(Duration::from_secs(2));
    let again = (events.events.try_iter())
        .filter(|(name, _)| name == "errors")
        .count();
    assert_eq!(again, 0, "failed builds without any save");
    let files = served.served_files().expect("the site is served");
    let pages: Vec<&String> = files
        .keys()
        .filter(|path| path.starts_with("etudes-de-cas/cas-"))
        .collect();
    assert_eq!(pages.len(), 1500, "every case study page is served");
    let stale: Vec<&&String> = pages
        .iter()
        .filter(|path| !String::from_utf8_lossy(&files[**path]).contains("data-revision=\"2\""))
        .collect();
    assert!(
        stale.is_empty(),
        "{} pages are not those of the last good build, e.g. {:?}",
        stale.len(),
        stale.first()
    );
    let page = served.get("/etudes-de-cas/cas-9/");
    assert!(
        page.text().contains("pas une date"),
        "the error overlay shows the bad date"
    );
}
