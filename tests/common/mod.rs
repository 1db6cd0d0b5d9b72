//! Shared by the integration tests: building fixture sites, reading their pages with a real
//! HTML parser, serving a folder over HTTP on 127.0.0.1, and starting headless Chromium.
#![allow(dead_code)]

pub mod browser;
pub mod preview;

use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// The repository root (the example site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site folder under tests/fixtures or tests/bad_input.
pub fn fixture(relative: &str) -> PathBuf {
    repo_root().join("tests").join(relative)
}

/// Runs the `passerelle` binary and returns (exit code, stdout, stderr).
pub fn passerelle(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(args)
        // Messages follow the site's language unless this asks otherwise: tests read them.
        .env_remove("PASSERELLE_LANG")
        .output()
        .expect("run passerelle");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Copies a folder recursively (fixtures are copied before tests change them).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A copy of the example site (config, content; the theme is built in) in a temp folder.
pub fn example_site_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        repo_root().join("config.yaml"),
        dir.path().join("config.yaml"),
    )
    .expect("config");
    copy_dir(&repo_root().join("content"), &dir.path().join("content"));
    dir
}

/// A site with the example config and the given case studies (file name, text) only.
pub fn site_with_case_studies(files: &[(&str, &str)]) -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        repo_root().join("config.yaml"),
        site.path().join("config.yaml"),
    )
    .expect("config");
    let dir = site.path().join("content/etudes-de-cas");
    std::fs::create_dir_all(&dir).expect("content folder");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("case study");
    }
    site
}

/// A valid case study, for sites that need one good file.
pub const GOOD_CASE_STUDY: &str = "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nLe texte.\n";

/// One file of a folder as a deploy tool sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub bytes: Vec<u8>,
    pub inode: u64,
    pub modified: std::time::SystemTime,
}

/// Every file under `dir` (Passerelle's own `.passerelle/` folder excepted): relative path →
/// bytes, inode and modification time.
pub fn snapshot(dir: &Path) -> BTreeMap<String, FileState> {
    use std::os::unix::fs::MetadataExt;
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk output");
        let relative = entry.path().strip_prefix(dir).expect("prefix");
        if relative.starts_with(".passerelle") || !entry.file_type().is_file() {
            continue;
        }
        let metadata = entry.metadata().expect("metadata");
        files.insert(
            relative.to_string_lossy().into_owned(),
            FileState {
                bytes: std::fs::read(entry.path()).expect("read"),
                inode: metadata.ino(),
                modified: metadata.modified().expect("mtime"),
            },
        );
    }
    files
}

/// Builds `root` in memory and returns the files, or panics with the report.
pub fn build_in_memory(root: &Path, base_url: Option<&str>) -> BTreeMap<String, Vec<u8>> {
    let mut options = passerelle::BuildOptions::new(root);
    options.base_url = base_url.map(str::to_string);
    let sink = passerelle::output::MemorySink::default();
    if let Err(diagnostics) = passerelle::build(&options, &sink) {
        panic!("build failed:\n{}", diagnostics.report());
    }
    sink.into_files()
}

pub fn html(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Html {
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("no file {path} in output"));
    Html::parse_document(std::str::from_utf8(bytes).expect("utf-8 page"))
}

pub fn select<'a>(document: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("valid selector");
    document.select(&selector).collect()
}

/// Text of the elements matching `css`, whitespace collapsed.
pub fn texts(document: &Html, css: &str) -> Vec<String> {
    select(document, css)
        .into_iter()
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Serves `dir` read-only on 127.0.0.1 (a free port) like a plain static host, until the
/// process ends, with a thread per kept-alive connection: pages open a dozen connections at
/// once (the search page does), and a small pool would leave some waiting. Returns the base
/// URL `http://127.0.0.1:PORT`.
pub fn static_server(dir: PathBuf) -> String {
    static_server_logged(dir).0
}

/// [`static_server`], also returning the paths served (a web worker's requests included,
/// which the page's Resource Timing does not list).
pub fn static_server_logged(dir: PathBuf) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let served = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let dir = dir.clone();
            let served = served.clone();
            std::thread::spawn(move || serve_connection(stream, &dir, &served));
        }
    });
    (format!("http://127.0.0.1:{port}"), log)
}

/// Answers the GET requests of one connection until the client closes it.
fn serve_connection(stream: std::net::TcpStream, dir: &Path, served: &Mutex<Vec<String>>) {
    use std::io::{BufRead, BufReader, Write};
    // One write per response, sent at once: with Nagle's algorithm a kept-alive
    // connection would wait for the client's delayed acknowledgement (about 40 ms).
    let _ = stream.set_nodelay(true);
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).map_or(true, |n| n == 0) {
            return;
        }
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
        let target = request_line.split(' ').nth(1).unwrap_or("/");
        let url = target.split(['?', '#']).next().unwrap_or("/");
        let decoded = percent_encoding::percent_decode_str(url)
            .decode_utf8_lossy()
            .into_owned();
        served.lock().unwrap().push(decoded.clone());
        let mut path = dir.to_path_buf();
        for segment in decoded.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                continue;
            }
            path.push(segment);
        }
        if path.is_dir() {
            path.push("index.html");
        }
        let (status, body, content_type) = match std::fs::read(&path) {
            Ok(bytes) => {
                let content_type = match path.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css; charset=utf-8",
                    Some("js") => "text/javascript; charset=utf-8",
                    Some("json") => "application/json",
                    Some("xml") => "application/xml",
                    Some("wasm") => "application/wasm",
                    _ => "application/octet-stream",
                };
                ("200 OK", bytes, content_type)
            }
            Err(_) => ("404 Not Found", b"not found".to_vec(), "text/plain"),
        };
        let mut response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        if writer.write_all(&response).is_err() {
            return;
        }
    }
}
