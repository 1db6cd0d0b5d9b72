//! Related practices and the citation block of case study pages, read from built pages with
//! a real HTML parser.

mod common;

use common::{build_in_memory, html, select, site_with_case_studies};
use std::collections::BTreeMap;

type Files = BTreeMap<String, Vec<u8>>;

/// Case study page → the URLs its related practices link, in order.
fn related_links(files: &Files) -> BTreeMap<String, Vec<String>> {
    files
        .keys()
        .filter(|path| path.ends_with("/index.html"))
        .filter(|path| {
            // The French case studies, and the English ones under `/en/`.
            let path = path.strip_prefix("en/").unwrap_or(path);
            path.starts_with("etudes-de-cas/") && path.matches('/').count() == 2
        })
        .map(|path| {
            let page = html(files, path);
            let links = select(&page, "section.related .card-title a")
                .iter()
                .map(|a| a.value().attr("href").unwrap_or_default().to_string())
                .collect();
            (path.clone(), links)
        })
        .collect()
}

fn case_study(title: &str, region: &str, themes: &str, groups: &str, summary: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: 2024-03-01\nsummary: \"{summary}\"\nmunicipality: Sherbrooke\nregion: {region}\nthemes: [{themes}]\ntarget_groups: [{groups}]\n---\nLe texte.\n"
    )
}

#[test]
fn related_practices_are_deterministic_three_to_five_and_never_the_page_itself() {
    let root = common::repo_root();
    let first = related_links(&build_in_memory(&root, None));
    let second = related_links(&build_in_memory(&root, None));
    assert_eq!(first, second, "two builds gave other related practices");
    assert!(first.len() >= 10, "{} case study pages", first.len());
    for (path, links) in &first {
        let own = format!("/{}", path.trim_end_matches("index.html"));
        assert!(
            (3..=5).contains(&links.len()),
            "{path}: {} related practices: {links:?}",
            links.len()
        );
        assert!(!links.contains(&own), "{path} links itself: {links:?}");
        let mut unique = links.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            links.len(),
            "{path} links one twice: {links:?}"
        );
    }
}

/// Two case studies sharing themes, a target group and words of their summaries must come
/// before one that shares nothing with them.
#[test]
fn case_studies_alike_in_terms_and_words_rank_before_unrelated_ones() {
    let a = case_study(
        "Francisation des travailleurs étrangers en usine",
        "Estrie",
        "francisation, employabilité",
        "travailleurs étrangers temporaires",
        "Des cours de francisation sur les lieux de travail pour les travailleurs étrangers temporaires.",
    );
    let b = case_study(
        "Cours de français pour les travailleurs étrangers",
        "Estrie",
        "francisation, employabilité",
        "travailleurs étrangers temporaires, employeurs",
        "La francisation des travailleurs étrangers temporaires, offerte avec les employeurs.",
    );
    let c = case_study(
        "Un jardin collectif pour les aînés",
        "Laval",
        "participation citoyenne",
        "aînés",
        "Un potager partagé au parc, entretenu par les résidents aînés du quartier.",
    );
    let d = case_study(
        "Logement de transition pour les familles",
        "Gaspésie–Îles-de-la-Madeleine",
        "logement",
        "familles",
        "Des appartements meublés pour les premières semaines des familles arrivées.",
    );
    let e = case_study(
        "Accueil des étudiants internationaux",
        "Outaouais",
        "rétention",
        "étudiants internationaux",
        "Un parrainage des étudiants étrangers par des familles de la ville.",
    );
    // A translation of `a`: never linked from `a`, nor from any French page.
    let translation = a
        .replace("\ntitle:", "\nlang: en\ntranslation_key: k\ntitle:")
        .replace("Francisation des", "French classes for");
    let a = a.replace("\ntitle:", "\ntranslation_key: k\ntitle:");
    let site = site_with_case_studies(&[
        ("a.md", &a),
        ("b.md", &b),
        ("c.md", &c),
        ("d.md", &d),
        ("e.md", &e),
        ("a-en.md", &translation),
    ]);
    let links = related_links(&build_in_memory(site.path(), None));
    let of = |name: &str| &links[&format!("etudes-de-cas/{name}/index.html")];
    assert_eq!(of("a")[0], "/etudes-de-cas/b/", "{:?}", of("a"));
    assert_eq!(of("b")[0], "/etudes-de-cas/a/", "{:?}", of("b"));
    for (path, list) in &links {
        if !path.contains("a-en") {
            assert!(
                !list.contains(&"/en/etudes-de-cas/a-en/".to_string()),
                "{path} links the English translation: {list:?}"
            );
        }
    }
    // The English page has no other English case study to link: it links those of its
    // French version (in French, none has an English version), never that version.
    let english = &links["en/etudes-de-cas/a-en/index.html"];
    assert_eq!(english, of("a"));
    assert!(
        !english.contains(&"/etudes-de-cas/a/".to_string()),
        "{english:?}"
    );
}

#[test]
fn case_study_pages_carry_a_citation_and_its_highwire_meta_tags() {
    let files = build_in_memory(&common::repo_root(), Some("https://example.org/pratiques/"));
    let path = "etudes-de-cas/umq-journee-mobilisation-sherbrooke/index.html";
    let page = html(&files, path);
    let meta = |name: &str| -> Vec<String> {
        select(&page, &format!("meta[name='{name}']"))
            .iter()
            .map(|m| m.value().attr("content").unwrap_or_default().to_string())
            .collect()
    };
    let h1 = common::texts(&page, "h1");
    assert_eq!(meta("citation_title"), h1);
    let authors = meta("citation_author");
    assert!(authors.contains(&"Sherbrooke".to_string()), "{authors:?}");
    let date = meta("citation_publication_date");
    assert_eq!(date.len(), 1);
    let parts: Vec<&str> = date[0].split('/').collect();
    assert!(
        parts.len() == 3 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())),
        "{date:?}"
    );
    let url = "https://example.org/pratiques/etudes-de-cas/umq-journee-mobilisation-sherbrooke/";
    assert_eq!(meta("citation_public_url"), [url]);
    let citation = common::texts(&page, "section.cite .citation");
    assert_eq!(citation.len(), 1);
    let citation = &citation[0];
    for part in [
        h1[0].as_str(),
        "Sherbrooke",
        parts[0],
        url,
        "[date de consultation]",
    ] {
        assert!(
            citation.contains(part),
            "{part:?} missing from {citation:?}"
        );
    }
    assert_eq!(
        common::texts(&page, "section.cite h2"),
        ["Citer cette étude de cas"]
    );
    // The address printed on paper, and the script that fills the date of consultation.
    assert_eq!(select(&page, ".print-url .citation-url").len(), 1);
    assert!(files.contains_key("static/cite.js"));
    let print = String::from_utf8(files["static/print.css"].clone()).unwrap();
    for hidden in [".related", ".pagination", ".search-form", ".site-header"] {
        assert!(
            print.contains(hidden),
            "print.css does not mention {hidden}"
        );
    }
}
