//! The interface in English under `/en/`: every English page says so, translations link each
//! other both ways, lists in English hold every case study (in French when it has no English
//! version), the search page searches the same index, and a site that asks for no English
//! gets none.

mod common;

use common::{build_in_memory, example_site_copy, html, passerelle, select};
use std::collections::{BTreeMap, BTreeSet};

type Files = BTreeMap<String, Vec<u8>>;

/// The output file of a root-relative URL (`/en/regions/` → `en/regions/index.html`).
fn file_of(url: &str) -> String {
    let path = url.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The URL of an output page (`en/regions/index.html` → `/en/regions/`).
fn url_of(file: &str) -> String {
    format!("/{}", file.strip_suffix("index.html").unwrap_or(file))
}

fn pages(files: &Files) -> impl Iterator<Item = &String> {
    files.keys().filter(|path| path.ends_with(".html"))
}

/// Every `<link rel="alternate" hreflang>` of a page: (hreflang, href).
fn alternates(files: &Files, path: &str) -> Vec<(String, String)> {
    let document = html(files, path);
    select(&document, "head link[rel=alternate][hreflang]")
        .iter()
        .map(|link| {
            let attr = |name| link.value().attr(name).unwrap_or_default().to_string();
            (attr("hreflang"), attr("href"))
        })
        .collect()
}

fn example() -> Files {
    build_in_memory(&common::repo_root(), None)
}

#[test]
fn every_page_under_en_has_lang_en_and_every_other_lang_fr() {
    let files = example();
    let mut english = 0;
    for path in pages(&files) {
        let document = html(&files, path);
        let lang = select(&document, "html")[0]
            .value()
            .attr("lang")
            .map(str::to_string);
        let wanted = if path.starts_with("en/") { "en" } else { "fr" };
        english += usize::from(wanted == "en");
        assert_eq!(lang.as_deref(), Some(wanted), "{path}");
    }
    for page in [
        "en/index.html",
        "en/etudes-de-cas/index.html",
        "en/regions/index.html",
        "en/regions/estrie/index.html",
        "en/recherche/index.html",
        "en/statistiques/index.html",
        "en/proposer/index.html",
        "en/404.html",
        "en/about/index.html",
        "en/etudes-de-cas/umq-mifi-partnership/index.html",
    ] {
        assert!(files.contains_key(page), "{page} is missing");
    }
    assert!(files.contains_key("en/atom.xml"));
    assert!(files.contains_key("en/regions/estrie/atom.xml"));
    assert!(english > 30, "only {english} English pages");
}

#[test]
fn hreflang_pairs_are_symmetric_and_point_to_existing_pages() {
    let files = example();
    let mut pairs = 0;
    for path in pages(&files) {
        let own = url_of(path);
        let links = alternates(&files, path);
        if links.is_empty() {
            continue;
        }
        // A page that names its versions names itself and the default language's version.
        assert!(
            links.iter().any(|(_, href)| *href == own),
            "{path}: {links:?}"
        );
        assert!(links.iter().any(|(lang, _)| lang == "x-default"), "{path}");
        for (lang, href) in &links {
            let target = file_of(href);
            assert!(files.contains_key(&target), "{path} → {href}: no such page");
            if lang == "x-default" || *href == own {
                continue;
            }
            let back = alternates(&files, &target);
            assert!(
                back.iter().any(|(_, h)| *h == own),
                "{path} → {href} ({lang}), but not back: {back:?}"
            );
            let document = html(&files, &target);
            let target_lang = select(&document, "html")[0].value().attr("lang");
            assert_eq!(target_lang, Some(lang.as_str()), "{href}");
            pairs += 1;
        }
    }
    // Case studies, the about page, home, lists, taxonomies, terms, search…
    assert!(pairs > 60, "only {pairs} pairs");
    let translated = alternates(&files, "etudes-de-cas/umq-mifi-partenariat/index.html");
    assert!(translated.contains(&(
        "en".to_string(),
        "/en/etudes-de-cas/umq-mifi-partnership/".to_string()
    )));
    // The visible switcher, in the header's navigation.
    let document = html(&files, "etudes-de-cas/umq-mifi-partenariat/index.html");
    let switch = select(&document, "nav a[hreflang=en][lang=en]");
    assert_eq!(switch.len(), 1);
    assert_eq!(
        switch[0].value().attr("href"),
        Some("/en/etudes-de-cas/umq-mifi-partnership/")
    );
}

#[test]
fn a_case_study_without_english_version_is_listed_in_english_with_hreflang_fr() {
    let files = example();
    let mut links = BTreeMap::new();
    for path in files.keys().filter(|p| p.starts_with("en/etudes-de-cas/")) {
        if !(path.ends_with("etudes-de-cas/index.html") || path.contains("/page/")) {
            continue;
        }
        let document = html(&files, path);
        for card in select(&document, "article.card") {
            let link = card
                .select(&scraper::Selector::parse("h3 a").unwrap())
                .next()
                .unwrap();
            let href = link.value().attr("href").unwrap().to_string();
            let hreflang = link.value().attr("hreflang").map(str::to_string);
            let lang = card.value().attr("lang").map(str::to_string);
            links.insert(href, (hreflang, lang));
        }
    }
    let french_only = "/etudes-de-cas/vision-attractivite-estrie/";
    let marked = (Some("fr".to_string()), Some("fr".to_string()));
    assert_eq!(links.get(french_only), Some(&marked), "{links:#?}");
    // A case study with an English version is listed once, in English.
    let english = "/en/etudes-de-cas/umq-mifi-partnership/";
    let marked = (Some("en".to_string()), Some("en".to_string()));
    assert_eq!(links.get(english), Some(&marked));
    assert!(!links.contains_key("/etudes-de-cas/umq-mifi-partenariat/"));
    // Every case study is there once: the French ones and the English versions, each pair
    // counted once.
    let french_count = files
        .keys()
        .filter(|p| p.starts_with("etudes-de-cas/") && p.matches('/').count() == 2)
        .filter(|p| !p.starts_with("etudes-de-cas/page/"))
        .count();
    assert_eq!(links.len(), french_count, "{links:#?}");
}

#[test]
fn english_term_pages_carry_english_labels() {
    let files = example();
    let h1 = |path: &str| common::texts(&html(&files, path), "h1").join(" ");
    assert!(
        h1("en/themes/attraction-regionalisation/index.html")
            .contains("attraction and regionalization")
    );
    assert!(
        h1("themes/attraction-regionalisation/index.html")
            .contains("attraction et régionalisation")
    );
    assert!(h1("en/statuts/en-cours/index.html").contains("ongoing"));
    let index = common::texts(&html(&files, "en/publics/index.html"), "main a").join("|");
    assert!(index.contains("host population"), "{index}");
    // An English case study's facts link to the English term pages.
    let document = html(&files, "en/etudes-de-cas/umq-mifi-partnership/index.html");
    let facts: Vec<(String, String)> = select(&document, ".facts a")
        .iter()
        .map(|a| {
            let href = a.value().attr("href").unwrap_or_default().to_string();
            (href, a.text().collect())
        })
        .collect();
    assert!(
        facts.contains(&("/en/statuts/en-cours/".into(), "ongoing".into())),
        "{facts:?}"
    );
    assert!(
        facts.iter().all(|(href, _)| href.starts_with("/en/")),
        "{facts:?}"
    );
}

#[test]
fn the_english_search_page_has_english_strings_and_the_same_index() {
    let files = example();
    let index_of = |path: &str| {
        let document = html(&files, path);
        let script = select(&document, "script[data-passerelle-index]");
        script[0]
            .value()
            .attr("data-passerelle-index")
            .map(str::to_string)
    };
    assert_eq!(
        index_of("en/recherche/index.html"),
        index_of("recherche/index.html")
    );
    assert_eq!(
        index_of("en/recherche/index.html").as_deref(),
        Some("/search/")
    );
    let document = html(&files, "en/recherche/index.html");
    assert_eq!(common::texts(&document, "h1"), ["Search the case studies"]);
    let form = select(&document, "#search-form");
    let form = form[0].value();
    assert_eq!(form.attr("action"), Some("/en/recherche/"));
    assert_eq!(
        form.attr("data-none"),
        Some("No case study matches your search.")
    );
    assert_eq!(form.attr("data-legend-region"), Some("Regions"));
    // No second index.
    assert!(!files.keys().any(|p| p.starts_with("en/search/")));
}

#[test]
fn the_sitemap_lists_english_urls_with_their_alternates() {
    let files = example();
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<loc>/en/etudes-de-cas/umq-mifi-partnership/</loc>"));
    assert!(sitemap.contains("<loc>/en/regions/estrie/</loc>"));
    assert!(sitemap.contains(
        r#"<xhtml:link rel="alternate" hreflang="en" href="/en/etudes-de-cas/umq-mifi-partnership/"/>"#
    ));
    assert!(sitemap.contains(r#"xmlns:xhtml="http://www.w3.org/1999/xhtml""#));
    let document = roxmltree::Document::parse(&sitemap).expect("valid XML");
    assert!(document.root_element().children().count() > 50);
}

#[test]
fn a_site_without_languages_gets_no_en_folder() {
    let site = example_site_copy();
    let config = site.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let without: String = text
        .lines()
        .filter(|line| !line.starts_with("languages:"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(text, without);
    std::fs::write(&config, without).unwrap();
    let files = build_in_memory(site.path(), None);
    let english: BTreeSet<&String> = files.keys().filter(|p| p.starts_with("en/")).collect();
    assert!(english.is_empty(), "{english:?}");
    // Its English case studies stay where they were, in English.
    let document = html(&files, "etudes-de-cas/umq-mifi-partnership/index.html");
    assert_eq!(
        select(&document, "html")[0].value().attr("lang"),
        Some("en")
    );
    // The English title waits for `languages` to name English again: the site has one
    // language, whose title every page shows.
    let (brand, _, og) = shown_titles(&files, "etudes-de-cas/umq-mifi-partnership/index.html");
    assert_eq!((brand.as_str(), og.as_str()), (TITLE_FR, TITLE_FR));
}

#[test]
fn an_unknown_language_is_a_config_error_naming_the_line_and_the_field() {
    let site = example_site_copy();
    let config = site.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with("languages:"))
        .expect("languages line");
    std::fs::write(
        &config,
        text.replace("languages: [fr, en]", "languages: [fr, de]"),
    )
    .unwrap();
    let root = site.path().to_string_lossy().into_owned();
    let (code, stdout, stderr) = passerelle(&["check", "--root", &root]);
    let output = format!("{stdout}{stderr}");
    assert_eq!(code, 1, "{output}");
    assert!(output.contains(&format!("config.yaml:{line}:")), "{output}");
    assert!(output.contains("languages"), "{output}");
    assert!(
        output.contains("«\u{a0}de\u{a0}»") && output.contains("fr, en"),
        "{output}"
    );
}

#[test]
fn a_default_language_missing_from_languages_is_a_config_error() {
    let site = example_site_copy();
    let config = site.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("languages: [fr, en]", "languages: [en]"),
    )
    .unwrap();
    let root = site.path().to_string_lossy().into_owned();
    let (code, stdout, stderr) = passerelle(&["check", "--root", &root]);
    let output = format!("{stdout}{stderr}");
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("`language: fr` ne fait pas partie de `languages`"),
        "{output}"
    );
}

/// Whether the preview at `preview` serves every page of `files` as they are, and answers
/// 404 for each of `gone`; the first page that differs otherwise.
fn preview_differs(
    preview: &common::preview::Preview,
    files: &Files,
    gone: &[String],
) -> Option<String> {
    use common::preview::{strip_injection, url_of};
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let reply = match preview.get(&url_of("/", path, true)) {
            Ok(reply) => reply,
            Err(err) => return Some(format!("{path}: {err}")),
        };
        let (page, overlay) = strip_injection(&reply.body);
        if reply.status != 200 || overlay.is_some() || page != *bytes {
            return Some(format!(
                "{path}: status {}, overlay {overlay:?}",
                reply.status
            ));
        }
    }
    for path in gone {
        match preview.get(&url_of("/", path, true)) {
            Ok(reply) if reply.status == 404 => {}
            Ok(reply) => return Some(format!("{path} still served ({})", reply.status)),
            Err(err) => return Some(format!("{path}: {err}")),
        }
    }
    None
}

/// Every page's language, translations and lists depend on other files than its own: after
/// each edit of a `lang`, a `translation_key` or `languages`, the preview serves what a fresh
/// build makes, byte for byte, and no page that build no longer has.
#[test]
fn the_preview_follows_edits_of_languages_and_translations() {
    let site = example_site_copy();
    let root = site.path();
    let config = root.join("config.yaml");
    // The description in one language (the English pages show the French one), so that
    // the steps below can take the English title away in one edit.
    let text = std::fs::read_to_string(&config).unwrap();
    let english_description = (text.lines())
        .find(|line| line.starts_with("  en: \"Initiatives"))
        .map(|line| format!("{line}\n"))
        .expect("an English description");
    std::fs::write(&config, text.replacen(&english_description, "", 1)).unwrap();
    let preview = common::preview::Preview::start(root, &[]);
    let cases = root.join("content/etudes-de-cas");
    let edit = |file: &std::path::Path, from: &str, to: &str| {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(from), "{} lacks {from:?}", file.display());
        std::fs::write(file, text.replacen(from, to, 1)).unwrap();
    };
    let english = cases.join("umq-mifi-partnership.md");
    let french = cases.join("cje-abitibi-ouest-recrutement-montreal.md");
    type Step<'s> = (&'s str, &'s std::path::Path, &'s str, &'s str);
    let steps: [Step; 7] = [
        (
            "unpair a translation",
            &english,
            "translation_key: umq-mifi-partnership",
            "translation_key: autre",
        ),
        (
            "pair it again",
            &english,
            "translation_key: autre",
            "translation_key: umq-mifi-partnership",
        ),
        (
            "move a case study to English",
            &french,
            "\nlang: fr",
            "\nlang: en",
        ),
        (
            "edit the English title",
            &config,
            "municipal practices in",
            "practices of municipalities in",
        ),
        (
            "no English title",
            &config,
            "  en: \"Passerelle — practices of municipalities in immigration and intercultural relations\"\n",
            "",
        ),
        (
            "no languages",
            &config,
            "\nlanguages: [fr, en]",
            "\nlanguages: [fr]",
        ),
        (
            "languages again",
            &config,
            "\nlanguages: [fr]",
            "\nlanguages: [fr, en]",
        ),
    ];
    let mut before = build_in_memory(root, None);
    let patience = std::time::Duration::from_secs(30);
    assert_eq!(preview_differs(&preview, &before, &[]), None);
    for (what, file, from, to) in steps {
        // Past the preview's debounce of the previous save, and a new mtime.
        std::thread::sleep(std::time::Duration::from_millis(300));
        edit(file, from, to);
        let after = build_in_memory(root, None);
        let gone: Vec<String> = (before.keys())
            .filter(|p| p.ends_with(".html") && !after.contains_key(*p))
            .cloned()
            .collect();
        assert!(after != before, "{what}: the edit changed nothing");
        let deadline = std::time::Instant::now() + patience;
        while let Some(difference) = preview_differs(&preview, &after, &gone) {
            assert!(std::time::Instant::now() < deadline, "{what}: {difference}");
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        before = after;
    }
}

/// The field description a proposal page embeds, as `proposer.js` reads it.
fn proposal_field(files: &Files, page: &str, name: &str) -> serde_json::Value {
    let document = html(files, page);
    let script = select(&document, "script#propose-schema");
    let description: serde_json::Value =
        serde_json::from_str(&script[0].text().collect::<String>()).expect("valid JSON");
    (description["fields"].as_array().expect("fields").iter())
        .find(|field| field["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("{page}: no field {name}"))
}

#[test]
fn the_proposal_form_preselects_the_language_of_its_page() {
    let files = example();
    for (page, lang) in [
        ("proposer/index.html", "fr"),
        ("en/proposer/index.html", "en"),
    ] {
        let field = proposal_field(&files, page, "lang");
        assert_eq!(field["default"], lang, "{page}: {field}");
        // A value the menu offers, so that the select can start there.
        let offered = field["choices"].as_array().expect("choices");
        assert!(offered.iter().any(|c| c["id"] == lang), "{page}: {field}");
        // Only the language menu has a starting value.
        assert!(proposal_field(&files, page, "title")["default"].is_null());
    }
    // The script starts the menu at that value.
    let script = String::from_utf8(files["static/proposer.js"].clone()).unwrap();
    assert!(script.contains("c.id === field.default"), "proposer.js");
}

const TITLE_FR: &str =
    "Passerelle — pratiques municipales en immigration et relations interculturelles";
const TITLE_EN: &str =
    "Passerelle — municipal practices in immigration and intercultural relations";

/// The site's title as a page shows it: header, `<title>` and Open Graph site name.
fn shown_titles(files: &Files, path: &str) -> (String, String, String) {
    let document = html(files, path);
    let brand = common::texts(&document, "header .brand").join("");
    let title = common::texts(&document, "head title").join("");
    let og = select(&document, "meta[property='og:site_name']")[0]
        .value()
        .attr("content")
        .unwrap_or_default()
        .to_string();
    (brand, title, og)
}

/// The `<title>` of an Atom feed.
fn feed_title(files: &Files, path: &str) -> String {
    let text = String::from_utf8(files[path].clone()).unwrap();
    let document = roxmltree::Document::parse(&text).expect("valid Atom");
    (document.root_element().children())
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_site_title_and_description_are_translated_on_english_pages() {
    let files = example();
    for (path, title) in [
        ("index.html", TITLE_FR),
        ("recherche/index.html", TITLE_FR),
        ("etudes-de-cas/umq-mifi-partenariat/index.html", TITLE_FR),
        ("en/index.html", TITLE_EN),
        ("en/recherche/index.html", TITLE_EN),
        ("en/etudes-de-cas/umq-mifi-partnership/index.html", TITLE_EN),
        // A French case study listed in English keeps its French page.
        ("en/regions/estrie/index.html", TITLE_EN),
    ] {
        let (brand, head, og) = shown_titles(&files, path);
        assert_eq!(brand, title, "{path}");
        assert!(head.ends_with(title), "{path}: {head}");
        assert_eq!(og, title, "{path}");
    }
    let english_home = html(&files, "en/index.html");
    assert_eq!(common::texts(&english_home, "h1"), [TITLE_EN]);
    let description = select(&english_home, "meta[name=description]")[0]
        .value()
        .attr("content");
    assert!(
        description.is_some_and(|d| d.starts_with("Initiatives of Quebec")),
        "{description:?}"
    );
    assert_eq!(feed_title(&files, "atom.xml"), TITLE_FR);
    assert_eq!(feed_title(&files, "en/atom.xml"), TITLE_EN);
    assert!(feed_title(&files, "en/regions/estrie/atom.xml").ends_with(TITLE_EN));
    // One open data collection for every language: the default language's title.
    let export: serde_json::Value =
        serde_json::from_slice(&files["data/case-studies.json"]).expect("JSON export");
    assert_eq!(export["title"], TITLE_FR);
}

#[test]
fn a_language_without_its_own_title_shows_the_default_languages() {
    let site = example_site_copy();
    let config = site.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let english_line = format!("  en: \"{TITLE_EN}\"\n");
    assert!(text.contains(&english_line));
    std::fs::write(&config, text.replacen(&english_line, "", 1)).unwrap();
    let files = build_in_memory(site.path(), None);
    let (brand, _, og) = shown_titles(&files, "en/index.html");
    assert_eq!((brand.as_str(), og.as_str()), (TITLE_FR, TITLE_FR));
    assert_eq!(feed_title(&files, "en/atom.xml"), TITLE_FR);
}

/// Bytes of standard base64 (the index's document sets in JSON).
fn unbase64(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut bits, mut count, mut out) = (0u32, 0, Vec::new());
    for c in text.bytes().filter(|&c| c != b'=') {
        let value = alphabet.iter().position(|&a| a == c).expect("base64") as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

/// The URL of each document of the search index, by number, from its document shards.
fn indexed_urls(files: &Files, manifest: &serde_json::Value) -> Vec<String> {
    let shards = &manifest["docShards"];
    let (size, group) = (
        shards["size"].as_u64().unwrap(),
        shards["group"].as_u64().unwrap(),
    );
    let docs = manifest["docs"].as_u64().unwrap();
    (0..docs.div_ceil(size))
        .flat_map(|shard| {
            let dir = shards["dirs"][(shard / group) as usize].as_str().unwrap();
            let path = format!("search/{dir}{shard}.json");
            let docs: Vec<serde_json::Value> = serde_json::from_slice(&files[&path]).unwrap();
            docs.into_iter()
                .map(|doc| format!("/{}", doc[1].as_str().unwrap()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn english_search_results_show_one_version_of_each_translated_case_study() {
    let files = example();
    let manifest: serde_json::Value =
        serde_json::from_slice(&files["search/manifest.json"]).unwrap();
    let urls = indexed_urls(&files, &manifest);
    assert_eq!(urls.len() as u64, manifest["docs"].as_u64().unwrap());
    for lang in ["fr", "en"] {
        let encoded = manifest["hidden"][lang].as_str().unwrap_or_default();
        let bytes = unbase64(encoded);
        let hidden: BTreeSet<String> = passerelle::search::encode::get_doc_set(&bytes, &mut 0)
            .unwrap_or_default()
            .into_iter()
            .map(|doc| urls[doc as usize].clone())
            .collect();
        // Counted from the pages themselves: a page in another language than `lang` whose
        // translation in `lang` exists (the example site has two languages only).
        let expected: BTreeSet<String> = (urls.iter())
            .filter(|url| {
                let page = file_of(url);
                let own = select(&html(&files, &page), "html")[0]
                    .value()
                    .attr("lang")
                    .map(str::to_string);
                own.as_deref() != Some(lang)
                    && alternates(&files, &page).iter().any(|(l, _)| l == lang)
            })
            .cloned()
            .collect();
        assert_eq!(hidden, expected, "{lang}");
        // Case studies and content pages alike.
        assert!(hidden.len() >= 3, "{lang}: {hidden:?}");
    }
    let hidden_in_english = |url: &str| {
        let bytes = unbase64(manifest["hidden"]["en"].as_str().unwrap());
        let docs = passerelle::search::encode::get_doc_set(&bytes, &mut 0).unwrap();
        docs.iter().any(|&doc| urls[doc as usize] == url)
    };
    assert!(hidden_in_english("/etudes-de-cas/umq-mifi-partenariat/"));
    assert!(!hidden_in_english(
        "/en/etudes-de-cas/umq-mifi-partnership/"
    ));
    // A case study with no English version stays in the English results.
    assert!(!hidden_in_english(
        "/etudes-de-cas/cje-abitibi-ouest-recrutement-montreal/"
    ));
}

/// The search engine of the pages (static/search.js), run by node on a built site: the
/// URLs of each query's results. `None` when node is missing outside CI.
fn browser_search(queries: serde_json::Value) -> Option<Vec<Vec<String>>> {
    use std::io::Write;
    let node = ["/usr/bin/node", "/usr/local/bin/node"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(node) = node else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("node is required in CI: apt-get install -y nodejs");
        }
        eprintln!("SKIPPED: node not found (apt-get install -y nodejs)");
        return None;
    };
    let site = example_site_copy();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let (code, _, err) = passerelle(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut child = std::process::Command::new(node)
        .arg(common::repo_root().join("tests/js/search-cli.js"))
        .args(["search", public.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start node");
    let input = serde_json::to_vec(&queries).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let answers: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    Some(
        (answers.iter())
            .map(|answer| {
                (answer["results"].as_array().unwrap().iter())
                    .map(|r| r["url"].as_str().unwrap().to_string())
                    .collect()
            })
            .collect(),
    )
}

#[test]
fn the_search_engine_shows_the_page_languages_version_of_a_translation() {
    let query = |lang: Option<&str>| serde_json::json!({"q": "UMQ MIFI", "options": {"lang": lang, "limit": 50}});
    let Some(answers) = browser_search(serde_json::json!([
        query(Some("en")),
        query(Some("fr")),
        query(None),
        {"q": "", "options": {"lang": "en", "limit": 100}},
        // One word: one key, whose head counts both versions, so the postings are read.
        {"q": "MIFI", "options": {"lang": "en", "limit": 50}},
    ])) else {
        return;
    };
    let french = "/etudes-de-cas/umq-mifi-partenariat/";
    let english = "/en/etudes-de-cas/umq-mifi-partnership/";
    let has = |urls: &Vec<String>, url: &str| urls.iter().any(|u| u == url);
    assert!(
        has(&answers[0], english) && !has(&answers[0], french),
        "{:?}",
        answers[0]
    );
    assert!(
        has(&answers[1], french) && !has(&answers[1], english),
        "{:?}",
        answers[1]
    );
    // Without a page language (another tool), every version.
    assert!(
        has(&answers[2], french) && has(&answers[2], english),
        "{:?}",
        answers[2]
    );
    // Browsing in English: every case study once.
    let browsed = &answers[3];
    assert!(
        has(browsed, english) && !has(browsed, french),
        "{browsed:?}"
    );
    let unique: BTreeSet<&String> = browsed.iter().collect();
    assert_eq!(unique.len(), browsed.len());
    assert!(
        has(&answers[4], english) && !has(&answers[4], french),
        "{:?}",
        answers[4]
    );
}
