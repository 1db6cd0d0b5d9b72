//! WCAG checks of the built pages in headless Chromium: axe-core's WCAG 2.0–2.2 A/AA rules,
//! reflow at 320 CSS pixels, the skip link, and the print stylesheet.
//!
//! axe-core comes from npm (`npm install --prefix tests/a11y`, done by .ci/run).

mod common;

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Emulation;

const PAGES: &[&str] = &[
    "/",
    "/etudes-de-cas/",
    "/etudes-de-cas/umq-mifi-partenariat/",
    "/etudes-de-cas/vision-attractivite-estrie/",
    "/regions/",
    "/regions/estrie/",
    "/a-propos/",
    "/recherche/",
    "/statistiques/",
    "/404.html",
    // The English interface.
    "/en/",
    "/en/etudes-de-cas/",
    "/en/etudes-de-cas/umq-mifi-partnership/",
    "/en/regions/estrie/",
    "/en/recherche/",
    "/en/statistiques/",
    "/en/proposer/",
];

fn built_example() -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let (code, _, err) = common::passerelle(&[
        "build",
        "--root",
        common::repo_root().to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let base = common::static_server(public);
    (out, base)
}

fn open(tab: &Tab, url: &str) {
    tab.navigate_to(url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("main").unwrap();
}

#[test]
fn pages_pass_axe_wcag_2_2_aa_rules() {
    let Some(axe) = common::browser::axe_source() else {
        return;
    };
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = built_example();
    let tab = browser.new_tab().unwrap();
    let mut violations = Vec::new();
    for page in PAGES {
        open(&tab, &format!("{base}{page}"));
        tab.evaluate(&axe, false).unwrap();
        let result = tab
            .evaluate(
                "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})
                   .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))",
                true,
            )
            .unwrap();
        let found: serde_json::Value =
            serde_json::from_str(result.value.unwrap().as_str().unwrap()).unwrap();
        for violation in found.as_array().unwrap() {
            violations.push(format!("{page}: {violation}"));
        }
    }
    assert!(
        violations.is_empty(),
        "axe violations:\n{}",
        violations.join("\n")
    );
}

#[test]
fn pages_reflow_at_320_css_pixels_without_horizontal_scrolling() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = built_example();
    let tab = browser.new_tab().unwrap();
    common::browser::set_width(&tab, 320);
    for page in PAGES {
        open(&tab, &format!("{base}{page}"));
        let overflow = tab
            .evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth",
                false,
            )
            .unwrap()
            .value
            .unwrap();
        assert_eq!(
            overflow.as_i64(),
            Some(0),
            "{page} scrolls horizontally at 320 px"
        );
    }
}

#[test]
fn the_skip_link_is_the_first_stop_and_becomes_visible() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = built_example();
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("{base}/etudes-de-cas/umq-mifi-partenariat/"));
    tab.press_key("Tab").unwrap();
    let focused = tab
        .evaluate(
            "(() => { const a = document.activeElement; const r = a.getBoundingClientRect(); return JSON.stringify({cls: a.className, text: a.textContent, top: r.top, outline: getComputedStyle(a).outlineStyle}); })()",
            false,
        )
        .unwrap();
    let focused: serde_json::Value =
        serde_json::from_str(focused.value.unwrap().as_str().unwrap()).unwrap();
    assert_eq!(focused["cls"], "skip-link");
    assert_eq!(focused["text"], "Aller au contenu");
    assert!(
        focused["top"].as_f64().unwrap() >= 0.0,
        "skip link stays off screen: {focused}"
    );
    assert_ne!(focused["outline"], "none", "no visible focus");
    tab.press_key("Enter").unwrap();
    let target = tab
        .evaluate("document.activeElement.id || location.hash", false)
        .unwrap();
    let target = target.value.unwrap();
    assert!(target == "contenu" || target == "#contenu", "{target}");
}

#[test]
fn printing_a_case_study_hides_navigation() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = built_example();
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("{base}/etudes-de-cas/umq-mifi-partenariat/"));
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".into()),
        features: None,
    })
    .unwrap();
    let hidden = tab
        .evaluate(
            "['.site-header', '.site-footer', '.breadcrumbs'].map(s => getComputedStyle(document.querySelector(s)).display)",
            false,
        )
        .unwrap();
    let shown = tab
        .evaluate(
            "getComputedStyle(document.querySelector('.facts')).display",
            false,
        )
        .unwrap();
    assert_eq!(shown.value.unwrap(), "block");
    let hidden = hidden.preview.unwrap().properties;
    assert!(
        hidden.iter().all(|p| p.value.as_deref() == Some("none")),
        "{hidden:?}"
    );
}
