mod common;

/// The example site opens in a real browser, with French text and a working link.
#[test]
fn example_home_page_renders_in_chromium() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let site = common::example_site_copy();
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = common::passerelle(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--output",
        out.path().join("public").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let base = common::static_server(out.path().join("public"));
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{base}/"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let lang = tab
        .evaluate("document.documentElement.lang", false)
        .unwrap()
        .value
        .unwrap();
    assert_eq!(lang, "fr");
    let heading = tab
        .wait_for_element("h1")
        .unwrap()
        .get_inner_text()
        .unwrap();
    assert!(heading.contains("Passerelle"), "{heading}");
    tab.wait_for_element("a[href='/etudes-de-cas/']")
        .unwrap()
        .click()
        .unwrap();
    tab.wait_until_navigated().unwrap();
    let title = tab
        .wait_for_element("h1")
        .unwrap()
        .get_inner_text()
        .unwrap();
    assert_eq!(title, "Toutes les études de cas");
}
