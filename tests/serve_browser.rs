//! `passerelle serve` in headless Chromium: a saved edit appears in the open page by itself
//! (at the same scroll position), a style sheet change applies without a reload, and a build
//! error shows the overlay until it is fixed.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `passerelle serve`, killed when dropped.
struct Served {
    child: Child,
    url: String,
}

impl Served {
    fn start(root: &std::path::Path) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_passerelle"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start passerelle serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the server prints its address")
                .unwrap();
            if let Some(rest) = line.strip_prefix("Serving on ") {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Served { child, url }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn eval(tab: &headless_chrome::Tab, script: &str) -> serde_json::Value {
    tab.evaluate(script, false)
        .unwrap_or_else(|err| panic!("{script}: {err}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// Waits until `script` evaluates to `true` in the page.
fn wait_until(tab: &headless_chrome::Tab, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // The page may be reloading: an evaluation can fail in between.
        if let Ok(result) = tab.evaluate(script, false)
            && result.value == Some(serde_json::Value::Bool(true))
        {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {script}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_open_page_follows_edits_styles_and_errors() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let site = common::example_site_copy();
    let served = Served::start(site.path());
    let tab = browser.new_tab().unwrap();
    let page = format!("{}etudes-de-cas/umq-mifi-partenariat/", served.url);
    tab.navigate_to(&page)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    wait_until(&tab, "document.readyState === 'complete'");

    // Save an edit at the end of the text while the reader is scrolled down.
    eval(&tab, "window.scrollTo(0, 600); window.__before_edit = true");
    let scrolled = eval(&tab, "window.scrollY").as_f64().unwrap();
    assert!(
        scrolled > 100.0,
        "the page is long enough to scroll ({scrolled})"
    );
    let file = site
        .path()
        .join("content/etudes-de-cas/umq-mifi-partenariat.md");
    let mut out = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    out.write_all("\nPhrase ajoutée pendant que la page est ouverte.\n".as_bytes())
        .unwrap();
    drop(out);
    wait_until(
        &tab,
        "document.body.innerText.includes('Phrase ajoutée pendant que la page est ouverte.')",
    );
    assert_eq!(
        eval(&tab, "window.__before_edit === undefined"),
        true,
        "the page reloaded"
    );
    wait_until(&tab, &format!("Math.abs(window.scrollY - {scrolled}) < 2"));

    // A style sheet change applies without a reload.
    eval(&tab, "window.__before_style = true");
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    let css = std::fs::read_to_string(common::repo_root().join("themes/default/static/style.css"))
        .unwrap();
    std::fs::write(
        site.path().join("static/style.css"),
        format!("{css}\n:root {{ --passerelle-test: changed; }}\n"),
    )
    .unwrap();
    wait_until(
        &tab,
        "getComputedStyle(document.documentElement).getPropertyValue('--passerelle-test').trim() === 'changed'",
    );
    assert_eq!(
        eval(&tab, "window.__before_style === true"),
        true,
        "no reload for a style sheet"
    );

    // A broken front matter shows the overlay; fixing it removes it.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("region: [\"01\",", "region: [Estri,", 1),
    )
    .unwrap();
    wait_until(
        &tab,
        "!!document.querySelector('[role=alertdialog]') && document.activeElement.id === 'passerelle-overlay'",
    );
    let overlay = eval(
        &tab,
        "document.querySelector('[role=alertdialog]').innerText",
    );
    let overlay = overlay.as_str().unwrap();
    assert!(
        overlay.contains("content/etudes-de-cas/umq-mifi-partenariat.md:"),
        "{overlay}"
    );
    assert!(overlay.contains("Estrie"), "{overlay}");
    std::fs::write(&file, text).unwrap();
    wait_until(&tab, "!document.querySelector('[role=alertdialog]')");
}
