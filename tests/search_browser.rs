//! The search page end to end in headless Chromium, on the example site served by a plain
//! static file server on 127.0.0.1 (`common::static_server`): type a query, read the results, apply a
//! facet, follow a shared URL, go Back, use the keyboard only, and serve the site under a
//! sub-path.

mod common;

use headless_chrome::{Browser, Tab};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Builds the example site (optionally for a base URL) and serves the output folder. With a
/// base path, the output is served under it, as a host would.
fn serve_example(base_url: Option<&str>, path: &str) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("www").join(path.trim_matches('/'));
    let site = common::example_site_copy();
    let mut args = vec![
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ];
    if let Some(base) = base_url {
        args.extend(["--base-url", base]);
    }
    let (code, _, err) = common::passerelle(&args);
    assert_eq!(code, 0, "{err}");
    let base = common::static_server(out.path().join("www"));
    (out, base)
}

fn eval(tab: &Tab, js: &str) -> Value {
    tab.evaluate(js, true)
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .value
        .unwrap_or(Value::Null)
}

/// Waits until the results and the facet counts show `query` (as the engine received it),
/// or the counts wait for the reader to turn to the filters (`deferred`), and returns the
/// results section's data: query, total, ms (to the results shown), counts.
fn wait_ready(tab: &Tab, query: &str) -> Value {
    let js = format!(
        r#"new Promise(resolve => {{
            const start = Date.now();
            (function check() {{
                const s = document.getElementById("search-results-section");
                if (s && s.dataset.state === "ready" && (s.dataset.counts === "ready" || s.dataset.counts === "deferred") && s.dataset.query === {query}) {{
                    resolve(JSON.stringify({{ query: s.dataset.query, total: Number(s.dataset.total), ms: Number(s.dataset.ms), counts: s.dataset.counts }}));
                }} else if (Date.now() - start > 15000) {{
                    resolve(JSON.stringify({{ timeout: true, state: s && s.dataset.state, query: s && s.dataset.query, status: document.getElementById("search-status").textContent, fetched: performance.getEntriesByType("resource").map(e => new URL(e.name).pathname) }}));
                }} else setTimeout(check, 10);
            }})();
        }})"#,
        query = serde_json::to_string(query).unwrap()
    );
    let result: Value = serde_json::from_str(eval(tab, &js).as_str().unwrap()).unwrap();
    assert!(
        result.get("timeout").is_none(),
        "results for {query:?} never came: {result}"
    );
    result
}

/// Moves the keyboard focus into the filters, as a reader about to narrow the results does,
/// and waits until the facet counts are shown.
fn turn_to_filters(tab: &Tab) {
    let js = r##"new Promise(resolve => {
        document.querySelector("#search-facets input[type=checkbox]").focus();
        const start = Date.now();
        (function check() {
            const s = document.getElementById("search-results-section");
            if (s.dataset.counts === "ready") resolve("ready");
            else if (Date.now() - start > 15000) resolve("timeout: " + s.dataset.counts);
            else setTimeout(check, 10);
        })();
    })"##;
    assert_eq!(eval(tab, js), "ready");
}

/// The index files the page fetched, as paths under search/.
fn index_files_fetched(tab: &Tab) -> Vec<String> {
    let js = r#"JSON.stringify(performance.getEntriesByType("resource")
        .map(e => new URL(e.name).pathname)
        .filter(p => p.includes("/search/")))"#;
    serde_json::from_str(eval(tab, js).as_str().unwrap()).unwrap()
}

/// Result cards as shown: title, meta line, excerpt, tags, link.
fn results(tab: &Tab) -> Vec<Value> {
    let js = r##"JSON.stringify(Array.from(document.querySelectorAll("#search-results > li")).map(li => ({
        title: li.querySelector("h3").textContent,
        href: li.querySelector("h3 a").getAttribute("href"),
        meta: (li.querySelector(".search-result-meta") || {}).textContent || "",
        text: li.textContent,
        marks: Array.from(li.querySelectorAll("mark")).map(m => m.textContent),
    })))"##;
    serde_json::from_str(eval(tab, js).as_str().unwrap()).unwrap()
}

fn text(tab: &Tab, css: &str) -> String {
    eval(
        tab,
        &format!("document.querySelector({:?}).textContent", css),
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn location(tab: &Tab) -> String {
    eval(
        tab,
        "decodeURIComponent(location.pathname + location.search)",
    )
    .as_str()
    .unwrap()
    .to_string()
}

fn open(browser: &Browser, url: &str) -> Arc<Tab> {
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab
}

#[test]
fn typing_shows_results_and_the_url_follows() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    let tab = open(&browser, &format!("{base}/recherche/"));
    // With no query, the whole collection is browsable.
    let all = wait_ready(&tab, "");
    assert!(all["total"].as_u64().unwrap() > 5, "{all}");
    tab.wait_for_element("#search-q").unwrap().click().unwrap();
    tab.type_str("réfugiés").unwrap();
    let found = wait_ready(&tab, "réfugiés");
    let shown = results(&tab);
    assert!(!shown.is_empty());
    assert!(found["total"].as_u64().unwrap() < all["total"].as_u64().unwrap());
    assert!(
        shown
            .iter()
            .any(|r| r["text"].as_str().unwrap().contains("personnes réfugiées")),
        "{shown:#?}"
    );
    assert!(
        shown
            .iter()
            .all(|r| !r["marks"].as_array().unwrap().is_empty()),
        "{shown:#?}"
    );
    // The word is in a content page too: the count is of results.
    let status = text(&tab, "#search-status");
    assert!(status.contains("résultats trouvés"), "{status}");
    assert_eq!(location(&tab), "/recherche/?q=réfugiés");
    // A word that matches nothing shows nothing.
    eval(
        &tab,
        r#"const q = document.getElementById("search-q"); q.value = ""; q.focus(); "ok""#,
    );
    tab.type_str("xqzvbw").unwrap();
    wait_ready(&tab, "xqzvbw");
    assert!(results(&tab).is_empty());
    assert_eq!(
        text(&tab, "#search-status"),
        "Aucune étude de cas ne contient « xqzvbw »."
    );
}

#[test]
fn a_result_links_to_the_section_that_matches_and_pages_are_marked() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    let tab = open(&browser, &format!("{base}/recherche/"));
    wait_ready(&tab, "");
    tab.wait_for_element("#search-q").unwrap().click().unwrap();
    tab.type_str("jumelage bénévoles").unwrap();
    wait_ready(&tab, "jumelage bénévoles");
    let js = r##"JSON.stringify(Array.from(document.querySelectorAll("#search-results > li")).map(li => ({
        href: li.querySelector("h3 a").getAttribute("href"),
        sections: Array.from(li.querySelectorAll(".search-result-sections a")).map(a => ({
            href: a.getAttribute("href"), text: a.textContent,
            marks: Array.from(a.parentNode.querySelectorAll("mark")).map(m => m.textContent) })),
        label: (li.querySelector(".search-result-sections") || { getAttribute() { return null; } }).getAttribute("aria-label"),
    })))"##;
    let shown: Vec<Value> = serde_json::from_str(eval(&tab, js).as_str().unwrap()).unwrap();
    let first = &shown[0];
    let section = &first["sections"][0];
    let href = section["href"].as_str().unwrap();
    let page = first["href"].as_str().unwrap();
    assert!(href.starts_with(&format!("{page}#")), "{shown:#?}");
    assert_eq!(
        section["text"], "Un jumelage avec des bénévoles",
        "{shown:#?}"
    );
    assert!(
        !section["marks"].as_array().unwrap().is_empty(),
        "{shown:#?}"
    );
    assert!(
        first["label"].as_str().unwrap().contains("Sections de « "),
        "{first}"
    );
    // Following the link lands on that heading of the case study.
    let anchor = href.split('#').nth(1).unwrap();
    eval(
        &tab,
        "document.querySelector('.search-result-sections a').click(); 'ok'",
    );
    tab.wait_until_navigated().unwrap();
    let js = format!(
        r#"new Promise(resolve => {{
            const start = Date.now();
            (function check() {{
                const h = document.getElementById({anchor:?});
                if (location.pathname === {page:?} && h) resolve(h.tagName + " " + h.textContent);
                else if (Date.now() - start > 10000) resolve("missing: " + location.href);
                else setTimeout(check, 20);
            }})();
        }})"#
    );
    let heading = eval(&tab, &js);
    assert_eq!(heading, "H3 Un jumelage avec des bénévoles");
    assert_eq!(eval(&tab, "location.hash"), format!("#{anchor}"));

    // A content page is found, with its badge.
    let tab = open(&browser, &format!("{base}/recherche/?q=t%C3%A9moin"));
    wait_ready(&tab, "témoin");
    let js = r##"JSON.stringify(Array.from(document.querySelectorAll("#search-results > li")).map(li =>
        [li.querySelector("h3 a").getAttribute("href"), (li.querySelector("h3 .search-result-kind") || {}).textContent || ""]))"##;
    let shown: Vec<(String, String)> =
        serde_json::from_str(eval(&tab, js).as_str().unwrap()).unwrap();
    assert!(
        shown.contains(&("/a-propos/".to_string(), "Page".to_string())),
        "{shown:?}"
    );
}

/// A translated case study is one result: its version in the page's language.
#[test]
fn a_translated_case_study_is_one_result_in_the_pages_language() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    let french = "/etudes-de-cas/umq-mifi-partenariat/";
    let english = "/en/etudes-de-cas/umq-mifi-partnership/";
    for (page, shown, left_out) in [
        ("/en/recherche/", english, french),
        ("/recherche/", french, english),
    ] {
        let tab = open(&browser, &format!("{base}{page}?q=UMQ+MIFI"));
        wait_ready(&tab, "UMQ MIFI");
        let hrefs: Vec<String> = (results(&tab).iter())
            .filter_map(|r| r["href"].as_str().map(str::to_string))
            .collect();
        assert!(
            hrefs.iter().any(|h| h == shown) && !hrefs.iter().any(|h| h == left_out),
            "{page}: {hrefs:?}"
        );
    }
}

#[test]
fn a_facet_narrows_the_results_and_back_undoes_it() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    let tab = open(&browser, &format!("{base}/recherche/?q=accueil"));
    let before = wait_ready(&tab, "accueil");
    turn_to_filters(&tab);
    let label = text(&tab, "label[for=facet-region-estrie] .facet-count");
    let expected: u64 = label
        .trim_matches(['(', ')'])
        .parse()
        .unwrap_or_else(|_| panic!("{label}"));
    assert!(expected > 0 && expected < before["total"].as_u64().unwrap());
    tab.wait_for_element("#facet-region-estrie")
        .unwrap()
        .click()
        .unwrap();
    let after = wait_ready(&tab, "accueil");
    assert_eq!(after["total"].as_u64().unwrap(), expected);
    assert_eq!(location(&tab), "/recherche/?q=accueil&region=estrie");
    for result in results(&tab) {
        assert!(
            result["meta"].as_str().unwrap().contains("Estrie"),
            "{result}"
        );
    }
    assert!(text(&tab, "#search-status").starts_with(&expected.to_string()));
    eval(&tab, "history.back(); 'ok'");
    let back = wait_ready(&tab, "accueil");
    assert_eq!(back["total"], before["total"]);
    assert_eq!(
        eval(
            &tab,
            "document.getElementById('facet-region-estrie').checked"
        ),
        false
    );
    assert_eq!(location(&tab), "/recherche/?q=accueil");
}

#[test]
fn several_words_count_facets_once_the_reader_turns_to_the_filters() {
    // Before, every query of several words fetched the facet file (200 KB and more at
    // 100,000 case studies) to count facets the reader may never look at.
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    let tab = open(
        &browser,
        &format!("{base}/recherche/?q=accueil+r%C3%A9fugi%C3%A9s"),
    );
    let shown = wait_ready(&tab, "accueil réfugiés");
    assert_eq!(shown["counts"], "deferred");
    assert!(!results(&tab).is_empty());
    let fetched = index_files_fetched(&tab);
    assert!(
        !fetched.iter().any(|p| p.contains("/search/f/")),
        "{fetched:?}"
    );
    assert_eq!(
        text(&tab, "label[for=facet-region-estrie] .facet-count"),
        ""
    );
    turn_to_filters(&tab);
    let label = text(&tab, "label[for=facet-region-estrie] .facet-count");
    assert!(label.starts_with('(') && label.ends_with(')'), "{label:?}");
    assert!(
        index_files_fetched(&tab)
            .iter()
            .any(|p| p.contains("/search/f/"))
    );
    // From then on every query shows its counts with its results.
    eval(
        &tab,
        r#"const q = document.getElementById("search-q"); q.value = "accueil intégration"; q.dispatchEvent(new Event("input")); 0"#,
    );
    assert_eq!(wait_ready(&tab, "accueil intégration")["counts"], "ready");
}

#[test]
fn a_shared_url_restores_the_query_and_the_filters() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    // Any alias of a facet's name is understood; the page writes the canonical one back.
    let tab = open(
        &browser,
        &format!(
            "{base}/recherche/?q=accueil&th%C3%A8me=integration&region=estrie&region=montreal"
        ),
    );
    let shown = wait_ready(&tab, "accueil");
    assert_eq!(
        eval(&tab, "document.getElementById('search-q').value"),
        "accueil"
    );
    for id in [
        "facet-theme-integration",
        "facet-region-estrie",
        "facet-region-montreal",
    ] {
        assert_eq!(
            eval(&tab, &format!("document.getElementById('{id}').checked")),
            true,
            "{id}"
        );
    }
    assert_eq!(
        eval(&tab, "document.getElementById('search-filters').open"),
        true
    );
    assert!(shown["total"].as_u64().unwrap() >= 1);
    for result in results(&tab) {
        let meta = result["meta"].as_str().unwrap();
        assert!(
            meta.contains("Estrie") || meta.contains("Montréal"),
            "{meta}"
        );
    }
    // Clearing the filters keeps the query.
    tab.wait_for_element("#search-clear")
        .unwrap()
        .click()
        .unwrap();
    wait_ready(&tab, "accueil");
    assert_eq!(location(&tab), "/recherche/?q=accueil");
}

#[test]
fn the_home_page_form_leads_to_the_search_page() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    let tab = open(&browser, &format!("{base}/"));
    tab.wait_for_element("form[role=search] input[name=q]")
        .unwrap()
        .click()
        .unwrap();
    tab.type_str("franci").unwrap();
    tab.press_key("Enter").unwrap();
    tab.wait_until_navigated().unwrap();
    wait_ready(&tab, "franci");
    assert_eq!(location(&tab), "/recherche/?q=franci");
    let shown = results(&tab);
    assert!(
        shown.iter().any(|r| r["marks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "francisation")),
        "{shown:#?}"
    );
}

#[test]
fn the_keyboard_alone_searches_filters_and_opens_a_result() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    let tab = open(&browser, &format!("{base}/recherche/"));
    wait_ready(&tab, "");
    let active = |tab: &Tab| {
        eval(
            tab,
            "document.activeElement.id || document.activeElement.tagName",
        )
        .as_str()
        .unwrap()
        .to_string()
    };
    let mut presses = 0;
    while active(&tab) != "search-q" {
        tab.press_key("Tab").unwrap();
        presses += 1;
        assert!(presses < 40, "the search field is not reachable with Tab");
    }
    tab.type_str("accueil").unwrap();
    tab.press_key("Enter").unwrap();
    let first = wait_ready(&tab, "accueil");
    // Tab to the first facet checkbox and tick it with the space bar.
    while !active(&tab).starts_with("facet-") {
        tab.press_key("Tab").unwrap();
        presses += 1;
        assert!(presses < 80, "no facet reachable with Tab");
    }
    let facet = active(&tab);
    tab.press_key(" ").unwrap();
    let filtered = wait_ready(&tab, "accueil");
    assert_eq!(
        eval(&tab, &format!("document.getElementById('{facet}').checked")),
        true
    );
    assert!(filtered["total"].as_u64().unwrap() <= first["total"].as_u64().unwrap());
    assert!(location(&tab).contains('&'), "{}", location(&tab));
    // On to the first result, and Enter opens it.
    let mut guard = 0;
    loop {
        let is_result = eval(&tab, "!!document.activeElement.closest('#search-results')");
        if is_result == true {
            break;
        }
        tab.press_key("Tab").unwrap();
        guard += 1;
        assert!(guard < 200, "no result link reachable with Tab");
    }
    let href = eval(&tab, "document.activeElement.getAttribute('href')")
        .as_str()
        .unwrap()
        .to_string();
    tab.press_key("Enter").unwrap();
    tab.wait_until_navigated().unwrap();
    assert_eq!(eval(&tab, "location.pathname"), Value::String(href));
}

#[test]
fn search_works_under_a_sub_path() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(Some("https://example.org/pratiques/"), "pratiques");
    let tab = open(&browser, &format!("{base}/pratiques/recherche/?q=accueil"));
    wait_ready(&tab, "accueil");
    let shown = results(&tab);
    assert!(!shown.is_empty());
    for result in &shown {
        let href = result["href"].as_str().unwrap();
        // Case studies, and content pages (found by their words too).
        assert!(
            href.starts_with("/pratiques/etudes-de-cas/")
                || href == "/pratiques/a-propos/"
                || href == "/pratiques/methodologie/",
            "{result}"
        );
    }
    // Sub-results link into the result's own page, under the base path too.
    let js = r##"JSON.stringify(Array.from(document.querySelectorAll("#search-results > li")).flatMap(li =>
        Array.from(li.querySelectorAll(".search-result-sections a")).map(a =>
            [li.querySelector("h3 a").getAttribute("href"), a.getAttribute("href")])))"##;
    let links: Vec<(String, String)> =
        serde_json::from_str(eval(&tab, js).as_str().unwrap()).unwrap();
    for (page, section) in &links {
        assert!(section.starts_with(&format!("{page}#")), "{page} {section}");
    }
    tab.wait_for_element("#search-results h3 a")
        .unwrap()
        .click()
        .unwrap();
    tab.wait_until_navigated().unwrap();
    assert!(
        eval(&tab, "location.pathname")
            .as_str()
            .unwrap()
            .starts_with("/pratiques/etudes-de-cas/")
    );
    assert!(!text(&tab, "h1").is_empty());
}

/// axe-core's WCAG 2.0–2.2 A/AA rules on the search page as a reader sees it: results with
/// highlighted words, facets with counts, a filter ticked; at 320 CSS pixels nothing scrolls
/// sideways. axe-core comes from `npm install --prefix tests/a11y` (see tests/accessibility.rs).
#[test]
fn the_search_page_with_results_passes_axe_and_reflows() {
    let Some(axe) = common::browser::axe_source() else {
        return;
    };
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (_out, base) = serve_example(None, "");
    let tab = open(
        &browser,
        &format!("{base}/recherche/?q=accueil+r%C3%A9fugi%C3%A9s&region=estrie"),
    );
    wait_ready(&tab, "accueil réfugiés");
    assert!(!results(&tab).is_empty());
    tab.evaluate(&axe, false).unwrap();
    let found = eval(
        &tab,
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})
           .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))",
    );
    let violations: Value = serde_json::from_str(found.as_str().unwrap()).unwrap();
    assert_eq!(
        violations,
        serde_json::json!([]),
        "axe violations on the search page"
    );
    common::browser::set_width(&tab, 320);
    let overflow = eval(
        &tab,
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    assert_eq!(
        overflow.as_i64(),
        Some(0),
        "the search page scrolls sideways at 320 px"
    );
}

// ---------------------------------------------------------------------------------------
// Benchmark helper

/// Runs queries in fresh browser contexts against a built site and prints, for each, the
/// files fetched and the time to results. Used by bench/search.sh:
///
///   PASSERELLE_BENCH_PUBLIC=<built site> PASSERELLE_BENCH_QUERIES="a|b c"
///   PASSERELLE_BENCH_ENGINE=passerelle|pagefind
///
/// Prints `fetch <engine> <query> <path>` lines (files the server sent for the query,
/// JavaScript included, HTML pages and style sheets not) and `time <engine> <query>
/// <ui|cold|warm> <ms>` lines: `ui` from the search page's query to its results shown,
/// `cold` an API query with every file fetched again, `warm` the same query once
/// everything is loaded.
#[test]
#[ignore = "benchmark helper: run by bench/search.sh"]
fn bench_queries_in_chromium() {
    let (Some(public), Some(queries)) = (
        std::env::var_os("PASSERELLE_BENCH_PUBLIC"),
        std::env::var("PASSERELLE_BENCH_QUERIES").ok(),
    ) else {
        eprintln!("set PASSERELLE_BENCH_PUBLIC and PASSERELLE_BENCH_QUERIES");
        return;
    };
    let engine = std::env::var("PASSERELLE_BENCH_ENGINE").unwrap_or_else(|_| "passerelle".into());
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let (base, served) = common::static_server_logged(PathBuf::from(&public));
    let take_served = || std::mem::take(&mut *served.lock().unwrap());
    for query in queries.split('|') {
        let context = browser.new_context().unwrap();
        let tab = context.new_tab().unwrap();
        tab.set_default_timeout(std::time::Duration::from_secs(120));
        let js_query = serde_json::to_string(query).unwrap();
        let mut times = Vec::new();
        let files = if engine == "pagefind" {
            tab.navigate_to(&format!("{base}/404.html"))
                .unwrap()
                .wait_until_navigated()
                .unwrap();
            take_served();
            let run = format!(
                r#"(async () => {{
                    const t0 = performance.now();
                    window.pf = window.pf || await import("/pagefind/pagefind.js");
                    const search = await pf.search({js_query});
                    await Promise.all(search.results.slice(0, 10).map(r => r.data()));
                    return performance.now() - t0;
                }})()"#
            );
            times.push(("cold", eval(&tab, &run).as_f64().unwrap()));
            let files = take_served();
            times.push(("warm", eval(&tab, &run).as_f64().unwrap()));
            files
        } else {
            // The page runs the query from its URL, as a reader following a link would: what
            // it fetches is what the query costs, JavaScript included.
            let url = format!("{base}/recherche/?q={}", percent(query));
            tab.navigate_to(&url)
                .unwrap()
                .wait_until_navigated()
                .unwrap();
            times.push(("first", wait_ready(&tab, query)["ms"].as_f64().unwrap()));
            let files = take_served();
            let run = format!(
                "(async () => {{ const t = performance.now(); await passerelle.search({js_query}); return performance.now() - t; }})()"
            );
            // Cold: caches emptied, every file fetched again; warm: everything in memory.
            eval(&tab, "passerelle.configure({}); 0");
            times.push(("cold", eval(&tab, &run).as_f64().unwrap()));
            let warm = (0..3).map(|_| eval(&tab, &run).as_f64().unwrap());
            times.push(("warm", warm.fold(f64::INFINITY, f64::min)));
            // Typed: a reader on the loaded search page types the query; the words' files
            // are fetched then (timed from the query's start, after the typing pause).
            let context = browser.new_context().unwrap();
            let tab = context.new_tab().unwrap();
            tab.set_default_timeout(std::time::Duration::from_secs(120));
            tab.navigate_to(&format!("{base}/recherche/"))
                .unwrap()
                .wait_until_navigated()
                .unwrap();
            wait_ready(&tab, "");
            eval(
                &tab,
                &format!(
                    "window.typedAt = performance.now(); const q = document.getElementById('search-q'); q.value = {js_query}; q.dispatchEvent(new Event('input')); 0"
                ),
            );
            times.push(("typed", wait_ready(&tab, query)["ms"].as_f64().unwrap()));
            let keystroke = eval(
                &tab,
                "Number(document.getElementById('search-results-section').dataset.shownAt) - window.typedAt",
            );
            times.push(("keystroke", keystroke.as_f64().unwrap()));
            take_served();
            files
        };
        for path in files {
            let local = Path::new(&public).join(path.trim_start_matches('/'));
            let page = path.ends_with('/') || path.ends_with(".html") || path.ends_with(".css");
            if local.is_file() && !page {
                println!("fetch {engine} {query:?} {path}");
            }
        }
        for (when, ms) in times {
            println!("time {engine} {query:?} {when} {ms:.1}");
        }
    }
}

fn percent(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
