//! The proposal form in headless Chromium: a file it writes passes `passerelle check`
//! unchanged, and for an entry the build would refuse it shows the message the build prints
//! for the same file.

mod common;

use headless_chrome::Tab;
use serde_json::Value;
use std::path::Path;

const CONTACT: &str = "pratiques@exemple.org";

/// The paths the static server answered.
type Log = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

fn eval(tab: &Tab, js: &str) -> Value {
    tab.evaluate(js, false)
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .value
        .unwrap_or(Value::Null)
}

/// The example site with a contact address, built and served; the site's folder too.
fn served_site() -> (tempfile::TempDir, tempfile::TempDir, String, Log) {
    let site = common::example_site_copy();
    let config = site.path().join("config.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!("\ncontact: {CONTACT}\n"));
    std::fs::write(&config, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = common::passerelle(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--output",
        out.path().join("public").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (base, log) = common::static_server_logged(out.path().join("public"));
    (site, out, base, log)
}

/// What `passerelle check` prints for the site with `text` as one more case study.
fn check_with(site: &Path, name: &str, text: &str) -> (i32, String) {
    let path = site.join("content/etudes-de-cas").join(name);
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = common::passerelle(&["check", "--root", site.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    (code, format!("{out}{err}"))
}

/// Fills the form as an author would, with texts that YAML would misread unquoted.
const FILL: &str = r###"(() => {
  const set = (id, value) => {
    const el = document.getElementById(id);
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  };
  set("f-title", "Accueil : « été » #1 — \"Gaspé\" d’abord");
  set("f-date", "2024-05-02");
  set("f-summary", "- Un accueil qui marche: oui # vraiment, 'dit-on'");
  set("f-municipality-0", "Gaspé");
  document.querySelector("#f-municipality .propose-add").click();
  set("f-municipality-1", "Percé");
  document.querySelector("#f-region input[value='gaspesie-iles-de-la-madeleine']").click();
  document.querySelector("#f-region input[value='estrie']").click();
  document.querySelector("#f-themes input[value='francisation']").click();
  document.querySelector("#f-themes input[value='accueil-etablissement']").click();
  set("f-population", "15 000");
  set("f-status", "en-cours");
  set("f-partners-0", "- Organisme #2 : l’accueil");
  set("f-funding-0-program", "PAC");
  set("f-funding-0-amount", "12500.5");
  set("f-funding-0-start", "2023-01-15");
  set("f-sources-0-title", "Rapport « 2023 »");
  set("f-sources-0-url", "https://exemple.org/rapport");
  set("propose-body", "## Contexte\n\nUn texte.\n\n---\n\nLa suite.");
  return true;
})()"###;

/// Opens the form afresh, built by its script.
fn open_form(tab: &Tab, base: &str) {
    tab.navigate_to(&format!("{base}/proposer/"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("#f-title").unwrap();
}

/// Submits the form and returns the file shown, or the messages of the error summary.
fn submit(tab: &Tab) -> Result<String, Vec<String>> {
    eval(
        tab,
        "document.querySelector('.propose-submit').click(), true",
    );
    let shown = eval(
        tab,
        r##"JSON.stringify({
          errors: document.getElementById("propose-errors").hidden ? null :
            Array.from(document.querySelectorAll("#propose-errors-list [data-message]")).map(e => e.dataset.message),
          file: document.getElementById("propose-result").hidden ? null :
            document.getElementById("propose-output").value,
          focused: document.activeElement && document.activeElement.id,
        })"##,
    );
    let shown: Value = serde_json::from_str(shown.as_str().unwrap()).unwrap();
    match (&shown["errors"], &shown["file"]) {
        (Value::Array(errors), _) => {
            assert_eq!(
                shown["focused"], "propose-errors",
                "the summary takes the focus"
            );
            Err(errors
                .iter()
                .map(|e| e.as_str().unwrap().to_string())
                .collect())
        }
        (_, Value::String(file)) => {
            assert_eq!(shown["focused"], "propose-result");
            Ok(file.clone())
        }
        _ => panic!("neither a file nor errors: {shown}"),
    }
}

#[test]
fn a_file_written_by_the_form_passes_check_and_its_errors_are_the_builds() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (site, _out, base, log) = served_site();
    let tab = browser.new_tab().unwrap();
    open_form(&tab, &base);
    eval(&tab, FILL);

    // A complete entry: the file passes the check as it is, and reads back as typed.
    let file = submit(&tab).unwrap_or_else(|errors| panic!("{errors:?}"));
    let name = eval(
        &tab,
        "document.getElementById('propose-result').dataset.fileName",
    );
    assert_eq!(name, "accueil-ete-1-gaspe-d-abord.md");
    let (code, output) = check_with(site.path(), name.as_str().unwrap(), &file);
    assert_eq!(code, 0, "{output}\n{file}");
    assert!(!output.contains("warning"), "{output}\n{file}");
    std::fs::write(site.path().join("content/etudes-de-cas/propose.md"), &file).unwrap();
    let files = common::build_in_memory(site.path(), None);
    let page = common::html(&files, "etudes-de-cas/propose/index.html");
    assert_eq!(
        common::texts(&page, "h1"),
        ["Accueil : « été » #1 — \"Gaspé\" d’abord"]
    );
    std::fs::remove_file(site.path().join("content/etudes-de-cas/propose.md")).unwrap();
    assert!(file.contains("population: 15000\n"), "{file}");
    // An open vocabulary's alias is written as its term's label.
    assert!(
        file.contains(
            "  - program: \"Programme d'appui aux collectivités\"\n    amount: 12500.5\n"
        ),
        "{file}"
    );
    assert!(file.contains("\n## Contexte\n"), "{file}");

    // The mail link carries the file.
    let mailto = eval(&tab, "document.getElementById('propose-mailto').href");
    let mailto = mailto.as_str().unwrap();
    assert!(
        mailto.starts_with(&format!("mailto:{CONTACT}?subject=")),
        "{mailto}"
    );
    let body = mailto.split("&body=").nth(1).unwrap();
    assert_eq!(
        percent_encoding::percent_decode_str(body)
            .decode_utf8()
            .unwrap(),
        file
    );

    // Each refused entry: the page's message is what `check` prints for the same file.
    let cases: &[(&str, &str, (&str, &str))] = &[
        (
            "missing title",
            "document.getElementById('f-title').value = ''",
            ("title: ", ""),
        ),
        (
            "unknown region",
            "const box = document.querySelector(\"#f-region input[value='centre-du-quebec']\"); box.value = 'Nowhere'; box.checked = true",
            (
                "  - \"Gaspésie–Îles-de-la-Madeleine\"\n",
                "  - \"Gaspésie–Îles-de-la-Madeleine\"\n  - \"Nowhere\"\n",
            ),
        ),
        (
            "bad date",
            "document.getElementById('f-date').value = '12345-01-01'",
            ("date: \"2024-05-02\"", "date: \"12345-01-01\""),
        ),
        (
            "fraction in a whole number",
            "document.getElementById('f-population').value = '1.5'",
            ("population: 15000", "population: 1.5"),
        ),
        (
            "unsupported language",
            "const s = document.getElementById('f-lang'); s.options[1].value = 'xx'; s.value = 'xx'",
            // The menu starts at the page's language, so the file has `lang: "fr"`.
            ("lang: \"fr\"", "lang: \"xx\""),
        ),
        (
            "out of range",
            "document.getElementById('f-population').value = '-5'",
            ("population: 15000", "population: -5"),
        ),
    ];
    for (what, change, (from, to)) in cases {
        open_form(&tab, &base);
        eval(&tab, FILL);
        eval(&tab, &format!("{change}; true"));
        let errors = submit(&tab).expect_err(what);
        assert_eq!(errors.len(), 1, "{what}: {errors:?}");
        // The same entry as a file.
        let equivalent = if to.is_empty() {
            file.lines()
                .filter(|line| !line.starts_with(from))
                .map(|line| format!("{line}\n"))
                .collect::<String>()
        } else {
            assert!(file.contains(from), "{what}: {file}");
            file.replacen(from, to, 1)
        };
        let (code, output) = check_with(site.path(), "equivalent.md", &equivalent);
        assert_ne!(code, 0, "{what}: {equivalent}");
        assert!(
            // `erreur[P0111] : title : champ obligatoire absent`: the same words after the code.
            output.contains(&format!("]\u{a0}: {}", errors[0])),
            "{what}: the page says {:?}, check says:\n{output}",
            errors[0]
        );
        // The control says it is invalid and points at its message.
        let linked = eval(
            &tab,
            r##"(() => {
              const link = document.querySelector("#propose-errors-list a");
              const control = link && document.getElementById(link.getAttribute("href").slice(1));
              if (!control) return false;
              const ids = (control.getAttribute("aria-describedby") || "").split(" ");
              return control.getAttribute("aria-invalid") === "true" &&
                ids.some(id => id && document.getElementById(id).textContent.includes(link.dataset.message));
            })()"##,
        );
        assert_eq!(linked, true, "{what}");
    }

    // Nothing was sent anywhere: the server saw the page and its own files only.
    let served = log.lock().unwrap().clone();
    for path in &served {
        assert!(
            path == "/proposer/" || path.starts_with("/static/") || path == "/favicon.ico",
            "unexpected request {path} in {served:?}"
        );
    }
}

/// axe-core's violations of WCAG 2.0–2.2 A/AA rules on the page as it is now.
fn axe_violations(tab: &Tab, axe: &str) -> Value {
    tab.evaluate(axe, false).unwrap();
    let found = tab
        .evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})
               .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))",
            true,
        )
        .unwrap()
        .value
        .unwrap();
    serde_json::from_str(found.as_str().unwrap()).unwrap()
}

/// The form passes axe as it opens, with its errors shown and with the file ready, and
/// reflows at 320 CSS pixels. axe-core comes from `npm install --prefix tests/a11y`.
#[test]
fn the_proposal_form_passes_axe_in_each_state_and_reflows() {
    let Some(axe) = common::browser::axe_source() else {
        return;
    };
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_site, _out, base, _log) = served_site();
    let tab = browser.new_tab().unwrap();
    open_form(&tab, &base);
    assert_eq!(
        axe_violations(&tab, &axe),
        serde_json::json!([]),
        "as it opens"
    );
    eval(
        &tab,
        "document.getElementById('f-date').value = '12345-01-01'; true",
    );
    assert!(submit(&tab).is_err());
    assert_eq!(
        axe_violations(&tab, &axe),
        serde_json::json!([]),
        "with errors"
    );
    open_form(&tab, &base);
    eval(&tab, FILL);
    assert!(submit(&tab).is_ok());
    assert_eq!(
        axe_violations(&tab, &axe),
        serde_json::json!([]),
        "with the file"
    );
    common::browser::set_width(&tab, 320);
    let overflow = eval(
        &tab,
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    let wide = eval(
        &tab,
        "JSON.stringify(Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)))",
    );
    assert_eq!(
        overflow.as_i64(),
        Some(0),
        "the form scrolls sideways at 320 px: {wide}"
    );
}
