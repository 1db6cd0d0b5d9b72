//! Builds real sites and reads the output as a reader would: pages parsed with a real HTML
//! parser, every internal link followed, labels and formats checked.

mod common;

use common::{build_in_memory, html, select, texts};
use std::collections::BTreeMap;

type Files = BTreeMap<String, Vec<u8>>;

fn example() -> Files {
    build_in_memory(&common::repo_root(), None)
}

/// Resolves a site-absolute URL path to an output file.
fn target_file(files: &Files, base: &str, href: &str) -> Option<String> {
    let path = href.split(['#', '?']).next()?;
    let relative = path.strip_prefix(base)?;
    let decoded = percent_encoding::percent_decode_str(relative)
        .decode_utf8()
        .ok()?
        .into_owned();
    let candidates = if decoded.is_empty() || decoded.ends_with('/') {
        vec![format!("{decoded}index.html")]
    } else {
        vec![decoded.clone(), format!("{decoded}/index.html")]
    };
    candidates.into_iter().find(|c| files.contains_key(c))
}

fn assert_internal_links_resolve(files: &Files, base: &str) {
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let document = scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap());
        for element in select(&document, "a[href], link[href], script[src], img[src]") {
            let attr = element
                .value()
                .attr("href")
                .or(element.value().attr("src"))
                .unwrap();
            if attr.starts_with("mailto:") || attr.starts_with('#') {
                continue;
            }
            if attr.starts_with("http://") || attr.starts_with("https://") || attr.starts_with("//")
            {
                let tag = element.value().name();
                assert!(
                    tag == "a"
                        || element
                            .value()
                            .attr("rel")
                            .is_some_and(|r| r.contains("alternate") || r == "canonical"),
                    "{path}: <{tag}> loads {attr} from another host"
                );
                continue;
            }
            checked += 1;
            if target_file(files, base, attr).is_none() {
                broken.push(format!("{path} → {attr}"));
            }
        }
    }
    assert!(checked > 500, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_internal_link_of_the_example_site_resolves() {
    let files = example();
    assert_internal_links_resolve(&files, "/");
}

#[test]
fn the_site_works_under_a_sub_path() {
    let files = build_in_memory(&common::repo_root(), Some("https://example.org/pratiques/"));
    assert_internal_links_resolve(&files, "/pratiques/");
    let home = html(&files, "index.html");
    let stylesheet = select(&home, "link[rel=stylesheet]")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(stylesheet, "/pratiques/static/style.css");
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains(
        "<loc>https://example.org/pratiques/etudes-de-cas/vision-attractivite-estrie/</loc>"
    ));
    let robots = String::from_utf8(files["robots.txt"].clone()).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/pratiques/sitemap.xml"));
}

#[test]
fn a_case_study_is_a_readable_fact_sheet() {
    let files = example();
    let page = html(&files, "etudes-de-cas/umq-mifi-partenariat/index.html");
    assert_eq!(
        texts(&page, "h1"),
        [
            "Partenariat UMQ–MIFI : les municipalités en action pour l’intégration des personnes immigrantes en région"
        ]
    );
    let facts: Vec<String> = texts(&page, ".facts dt");
    for label in [
        "Municipalité",
        "Région",
        "Thèmes",
        "Publics",
        "Statut",
        "Financement",
    ] {
        assert!(
            facts.iter().any(|f| f == label),
            "fact sheet lacks {label}: {facts:?}"
        );
    }
    // Amounts are written the French way, with no-break spaces that keep them on one line.
    let funding: String = select(&page, ".facts .funding li")[0].text().collect();
    assert!(funding.contains("643\u{a0}000\u{a0}$"), "{funding}");
    assert!(
        funding.contains("Programme d'appui aux collectivités"),
        "{funding}"
    );
    let meta: String = select(&page, ".meta")[0].text().collect();
    assert!(meta.contains("4\u{a0}avril\u{a0}2022"), "{meta}");
    let crumbs = texts(&page, ".breadcrumbs li");
    assert_eq!(
        crumbs[..2],
        ["Accueil".to_string(), "Études de cas".to_string()]
    );
    // Facts link to their taxonomy pages.
    let region_links: Vec<&str> = select(&page, ".facts dd a[href^='/regions/']")
        .iter()
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert!(
        region_links.contains(&"/regions/estrie/"),
        "{region_links:?}"
    );
}

#[test]
fn vocabulary_values_are_printed_with_their_canonical_labels() {
    let files = example();
    // Written as `Gaspesie-Iles-de-la-Madeleine` or a code in the sources; always printed canonically.
    let index = html(&files, "regions/index.html");
    let labels = texts(&index, ".term-index a");
    assert!(
        labels.contains(&"Gaspésie–Îles-de-la-Madeleine".to_string()),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"Saguenay–Lac-Saint-Jean".to_string()),
        "{labels:?}"
    );
    for label in &labels {
        assert!(
            !label.contains("Gaspesie") && !label.chars().all(|c| c.is_ascii_digit()),
            "non-canonical label {label}"
        );
    }
    assert!(files.contains_key("regions/gaspesie-iles-de-la-madeleine/index.html"));
}

#[test]
fn region_codes_french_keys_and_single_values_are_accepted() {
    let site = common::site_with_case_studies(&[(
        "Été à Gaspé.md",
        "---\ntitre: Été à Gaspé\ndate: 2023-06-01\nrésumé: Un été d’accueil.\nmunicipalités: [Gaspé, Percé]\nrégion: \"11\"\nthèmes: ACCUEIL ET ETABLISSEMENT\npublics: [Personnes Refugiees]\nstatut: Terminé\nfinancement:\n  - programme: pac\n    montant: 1500\n---\n\n## Contexte\n\nTexte.\n",
    )]);
    let files = build_in_memory(site.path(), None);
    let page = html(&files, "etudes-de-cas/ete-a-gaspe/index.html");
    let facts = texts(&page, ".facts dd").join(" | ");
    for expected in [
        "Gaspé, Percé",
        "Gaspésie–Îles-de-la-Madeleine",
        "accueil et établissement",
        "personnes réfugiées",
        "terminé",
        "1 500 $",
    ] {
        assert!(facts.contains(expected), "{expected} not in {facts}");
    }
    assert!(files.contains_key("municipalites/perce/index.html"));
    assert!(files.contains_key("programmes/pac/index.html"));
    assert!(files.contains_key("annees/2023/index.html"));
}

#[test]
fn json_ld_describes_the_project_and_cannot_be_broken_out_of() {
    let site = common::site_with_case_studies(&[(
        "x.md",
        "---\ntitle: \"Piège </script><script>alert(1)</script>\"\ndate: 2024-01-02\nsummary: \"<b>gras</b> & co\"\nmunicipality: Laval\nregion: \"13\"\nthemes: [logement]\ntarget_groups: [familles]\nfunding:\n  - {program: FARR, funder: MAMH, amount: 50000}\n---\nTexte.\n",
    )]);
    let files = build_in_memory(site.path(), None);
    let page = html(&files, "etudes-de-cas/x/index.html");
    assert!(
        // The theme's own scripts are files (`src`); an injected one would be inline.
        select(&page, "script:not([type]):not([src])").is_empty(),
        "a title injected a script element"
    );
    let scripts = select(&page, "script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1);
    let data: serde_json::Value =
        serde_json::from_str(&scripts[0].text().collect::<String>()).unwrap();
    assert_eq!(data["@type"], "Article");
    assert_eq!(data["headline"], "Piège </script><script>alert(1)</script>");
    assert_eq!(data["about"]["@type"], "Project");
    assert_eq!(data["about"]["funding"][0]["@type"], "Grant");
    assert_eq!(data["about"]["funding"][0]["funder"]["name"], "MAMH");
    assert_eq!(data["about"]["funding"][0]["amount"]["value"], 50000);
    assert_eq!(data["about"]["audience"][0]["audienceType"], "familles");
    assert_eq!(data["inLanguage"], "fr");
    assert_eq!(
        texts(&page, "h1")[0],
        "Piège </script><script>alert(1)</script>"
    );
}

/// JSON-LD read `municipality`, `funding`, `period`… by name: a site whose schema named them
/// otherwise got no places, grants or dates. The schema's `json_ld:` roles say which is which.
#[test]
fn json_ld_follows_the_schema_roles_of_renamed_fields() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("config.yaml"),
        "title: Pratiques\ncase_studies: {section: cas}\nfields:\n  title: {type: string, required: true}\n  date: {type: date, required: true}\n  summary: {type: string, required: true}\n  ville: {type: string, list: true, json_ld: city}\n  territoire: {type: vocabulary, vocabulary: territoires, json_ld: region}\n  sujets: {type: string, list: true, json_ld: keywords}\n  clientele: {type: string, list: true, json_ld: audience}\n  subventions:\n    type: object\n    list: true\n    json_ld: funding\n    fields:\n      programme: {type: string, json_ld: name}\n      organisme: {type: string, json_ld: funder}\n      somme: {type: number, json_ld: amount}\n      monnaie: {type: string, json_ld: currency}\n  duree:\n    type: object\n    json_ld: period\n    fields:\n      debut: {type: date, json_ld: start}\n      fin: {type: date, json_ld: end}\n  partners: {type: string, list: true}\nvocabularies:\n  territoires:\n    - {id: nord, fr: Le Nord, en: The North}\n",
    )
    .unwrap();
    let dir = site.path().join("content/cas");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("x.md"),
        "---\ntitle: Accueil\ndate: 2024-01-02\nsummary: Un accueil.\nville: [Val-Nord, Lac-Nord]\nterritoire: nord\nsujets: [logement]\nclientele: [familles]\nsubventions:\n  - {programme: Fonds local, organisme: MRC du Nord, somme: 1200, monnaie: EUR}\nduree: {debut: 2024-02-01, fin: 2025-06-30}\npartners: [Organisme X]\n---\nTexte.\n",
    )
    .unwrap();
    let files = build_in_memory(site.path(), None);
    let page = html(&files, "cas/x/index.html");
    let scripts = select(&page, "script[type='application/ld+json']");
    let data: serde_json::Value =
        serde_json::from_str(&scripts[0].text().collect::<String>()).unwrap();
    let project = &data["about"];
    assert_eq!(
        project["spatialCoverage"],
        serde_json::json!([
            {"@type": "City", "name": "Val-Nord"},
            {"@type": "City", "name": "Lac-Nord"},
            {"@type": "AdministrativeArea", "name": "Le Nord", "containedInPlace": {"@type": "AdministrativeArea", "name": "Québec"}},
        ])
    );
    assert_eq!(project["keywords"], serde_json::json!(["logement"]));
    assert_eq!(project["audience"][0]["audienceType"], "familles");
    assert_eq!(
        project["funding"],
        serde_json::json!([{
            "@type": "Grant",
            "name": "Fonds local",
            "funder": {"@type": "Organization", "name": "MRC du Nord"},
            "amount": {"@type": "MonetaryAmount", "value": 1200, "currency": "EUR"},
        }])
    );
    assert_eq!(project["startDate"], "2024-02-01");
    assert_eq!(project["endDate"], "2025-06-30");
    // `partners` has no role here: it is not taken for members because of its name.
    assert!(project.get("member").is_none(), "{project}");
}

#[test]
fn pages_are_accessible_french_and_self_contained() {
    let files = example();
    for path in [
        "index.html",
        "etudes-de-cas/index.html",
        "regions/estrie/index.html",
        "a-propos/index.html",
        "404.html",
        "recherche/index.html",
    ] {
        let page = html(&files, path);
        let root = select(&page, "html")[0];
        assert_eq!(root.value().attr("lang"), Some("fr"), "{path}");
        assert_eq!(
            select(&page, "main#contenu").len(),
            1,
            "{path}: main landmark"
        );
        assert!(!select(&page, "header").is_empty(), "{path}: banner");
        assert_eq!(select(&page, "footer").len(), 1, "{path}");
        assert!(!select(&page, "nav[aria-label]").is_empty(), "{path}");
        let skip = select(&page, "a.skip-link")[0];
        assert_eq!(skip.value().attr("href"), Some("#contenu"));
        assert_eq!(select(&page, "h1").len(), 1, "{path}: one h1");
        assert!(select(&page, "meta[name=viewport]").len() == 1);
        assert!(
            select(&page, "link[media=print]").len() == 1,
            "{path}: print stylesheet"
        );
    }
    let home = html(&files, "index.html");
    let form = select(&home, "form[role=search]")[0];
    assert_eq!(form.value().attr("action"), Some("/recherche/"));
    assert_eq!(select(&home, "form[role=search] input[name=q]").len(), 1);
    let label_for = select(&home, "form[role=search] label")[0]
        .value()
        .attr("for")
        .unwrap()
        .to_string();
    assert_eq!(
        select(&home, &format!("input#{label_for}")).len(),
        1,
        "search input is labelled"
    );
    // Counts by region (beside the map, after each region's code) and theme, featured and
    // recent case studies.
    assert!(
        texts(&home, ".term-counts li")
            .iter()
            .any(|t| t.starts_with("05 Estrie ("))
    );
    assert!(
        texts(&home, ".term-counts li")
            .iter()
            .any(|t| t.starts_with("francisation ("))
    );
    assert!(!select(&home, "#vedette").is_empty());
}

#[test]
fn lists_paginate_and_taxonomies_have_index_and_term_pages() {
    let files = example();
    let first = html(&files, "etudes-de-cas/index.html");
    let cards = select(&first, ".card").len();
    assert_eq!(cards, 12, "paginate: 12 in config.yaml");
    let second = html(&files, "etudes-de-cas/page/2/index.html");
    let total = 12 + select(&second, ".card").len();
    let case_studies = files
        .keys()
        .filter(|k| {
            k.starts_with("etudes-de-cas/")
                && k.ends_with("/index.html")
                && !k.contains("/page/")
                && *k != "etudes-de-cas/index.html"
        })
        .count();
    assert_eq!(total, case_studies);
    for taxonomy in [
        "regions",
        "themes",
        "publics",
        "municipalites",
        "statuts",
        "programmes",
        "annees",
    ] {
        let index = html(&files, &format!("{taxonomy}/index.html"));
        let terms = select(&index, ".term-index a");
        assert!(!terms.is_empty(), "{taxonomy} has no terms");
        for term in terms {
            let href = term.value().attr("href").unwrap();
            let page = html(&files, &target_file(&files, "/", href).unwrap());
            assert!(!select(&page, ".card").is_empty(), "{href} lists nothing");
        }
    }
}

/// Within the protocol's 50,000 URLs, `sitemap.xml` stays one plain `urlset` (no index, no
/// parts): the split applies only to sites past the limit.
#[test]
fn a_site_within_the_sitemap_limit_has_one_plain_sitemap() {
    let files = build_in_memory(&common::repo_root(), Some("https://example.org/"));
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    let document = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is XML");
    let urlset = document.root_element();
    assert_eq!(urlset.tag_name().name(), "urlset");
    let locs: Vec<&str> = urlset
        .children()
        .filter(|n| n.has_tag_name("url"))
        .filter_map(|n| n.children().find(|c| c.has_tag_name("loc"))?.text())
        .collect();
    assert_eq!(locs.first(), Some(&"https://example.org/"));
    assert!(locs.contains(&"https://example.org/etudes-de-cas/vision-attractivite-estrie/"));
    assert!(
        locs.iter()
            .all(|loc| loc.starts_with("https://example.org/"))
    );
    let parts: Vec<&String> = files.keys().filter(|k| k.starts_with("sitemap")).collect();
    assert_eq!(parts, ["sitemap.xml"]);
    let robots = String::from_utf8(files["robots.txt"].clone()).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml"));
}

#[test]
fn feeds_sitemap_and_open_data_are_complete() {
    let files = example();
    // The French case studies, then the English ones, under `/en/`.
    let in_folder = |folder: &str| -> Vec<&String> {
        let depth = folder.matches('/').count() + 1;
        files
            .keys()
            .filter(|k| {
                k.starts_with(folder)
                    && k.matches('/').count() == depth
                    && !k.contains("/page/")
                    && !k.ends_with("etudes-de-cas/index.html")
            })
            .collect()
    };
    let french = in_folder("etudes-de-cas/");
    let mut case_studies = french.clone();
    case_studies.extend(in_folder("en/etudes-de-cas/"));
    let atom = String::from_utf8(files["atom.xml"].clone()).unwrap();
    assert!(atom.starts_with("<?xml"));
    assert_eq!(atom.matches("<entry>").count(), french.len().min(20));
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<loc>/etudes-de-cas/vision-attractivite-estrie/</loc>"));

    let json: serde_json::Value = serde_json::from_slice(&files["data/case-studies.json"]).unwrap();
    assert_eq!(json["license"], "CC BY 4.0");
    assert_eq!(
        json["case_studies"].as_array().unwrap().len(),
        case_studies.len()
    );
    let csv_text = String::from_utf8(files["data/case-studies.csv"].clone()).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    for column in [
        "url",
        "title",
        "date",
        "summary",
        "municipality",
        "region",
        "themes",
        "funding.program",
        "funding.amount",
        "status",
        "sources.title",
    ] {
        assert!(
            header.contains(&column.to_string()),
            "CSV lacks {column}: {header:?}"
        );
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), case_studies.len());
    let region = header.iter().position(|h| h == "region").unwrap();
    assert!(rows.iter().any(|r| r[region].contains("Estrie")));
}

#[test]
fn raw_html_is_sanitised_unless_the_site_trusts_it() {
    let site = tempfile::tempdir().unwrap();
    let config = std::fs::read_to_string(common::repo_root().join("config.yaml")).unwrap();
    std::fs::write(site.path().join("config.yaml"), &config).unwrap();
    let dir = site.path().join("content");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("page.md"), "---\ntitle: Page\n---\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n<a href=\"javascript:alert(3)\">x</a>\n\n<iframe src=\"https://tracker.example\"></iframe>\n").unwrap();
    let files = build_in_memory(site.path(), None);
    let body = String::from_utf8(files["page/index.html"].clone()).unwrap();
    for forbidden in ["alert(1)", "onerror", "javascript:", "<iframe"] {
        assert!(!body.contains(forbidden), "{forbidden} survived sanitising");
    }
    std::fs::write(
        site.path().join("config.yaml"),
        config.replace("trust_html: false", "trust_html: true"),
    )
    .unwrap();
    let files = build_in_memory(site.path(), None);
    let body = String::from_utf8(files["page/index.html"].clone()).unwrap();
    assert!(body.contains("<script>alert(1)</script>"));
}

#[test]
fn unknown_keys_warn_with_a_suggestion_without_failing() {
    let site = common::example_site_copy();
    let file = site
        .path()
        .join("content/etudes-de-cas/vision-attractivite-estrie.md");
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "---\n",
        "---\ntarget_group: [familles]\n",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let out = site.path().join("public");
    let (code, _, stderr) = common::passerelle(&["build", "--root", site.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("content/etudes-de-cas/vision-attractivite-estrie.md:2:1: avertissement[P0110]\u{a0}: target_group\u{a0}: champ inconnu `target_group`, ignoré — aide\u{a0}: vouliez-vous dire `target_groups`\u{a0}?"), "{stderr}");
    assert!(out.join("index.html").exists());
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = common::example_site_copy();
    let file = site
        .path()
        .join("content/etudes-de-cas/vision-attractivite-estrie.md");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replacen("---\n", "---\ndraft: true\n", 1);
    std::fs::write(&file, text).unwrap();
    let without = build_in_memory(site.path(), None);
    assert!(!without.contains_key("etudes-de-cas/vision-attractivite-estrie/index.html"));
    let mut options = passerelle::BuildOptions::new(site.path());
    options.drafts = true;
    let sink = passerelle::output::MemorySink::default();
    passerelle::build(&options, &sink)
        .map_err(|d| d.report())
        .unwrap();
    assert!(
        sink.into_files()
            .contains_key("etudes-de-cas/vision-attractivite-estrie/index.html")
    );
}

#[test]
fn a_site_template_overrides_the_theme_file_by_file() {
    let site = common::example_site_copy();
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom\">{{ page.title }}</h1>{% endblock content %}",
    )
    .unwrap();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    std::fs::write(site.path().join("static/extra.css"), "body{}").unwrap();
    let files = build_in_memory(site.path(), None);
    let about = html(&files, "a-propos/index.html");
    assert_eq!(select(&about, "h1.custom").len(), 1);
    // Other templates still come from the built-in theme.
    assert_eq!(
        select(&html(&files, "index.html"), "form[role=search]").len(),
        1
    );
    assert!(files.contains_key("static/extra.css"));
    assert!(files.contains_key("static/style.css"));
}

#[test]
fn relative_links_between_markdown_files_become_page_urls() {
    let files = example();
    let mut rewritten = 0;
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.starts_with("etudes-de-cas/") && p.ends_with(".html"))
    {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(".md\""), "{path} still links to a .md file");
        rewritten += text.matches("href=\"/etudes-de-cas/").count();
    }
    assert!(rewritten > 0);
}

#[test]
fn two_builds_are_identical() {
    assert_eq!(example(), example());
}

#[test]
fn english_pages_get_the_english_interface_and_hreflang_links() {
    let site = common::example_site_copy();
    let dir = site.path().join("content/etudes-de-cas");
    let front = |title: &str, lang: &str| {
        format!(
            "---\ntitle: {title}\ndate: 2024-03-01\nsummary: S.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [francisation]\nfunding:\n  - {{program: PAC, amount: 250000}}\nlang: {lang}\ntranslation_key: cafes\n---\nTexte.\n"
        )
    };
    std::fs::write(
        dir.join("cafes-linguistiques.md"),
        front("Cafés linguistiques", "fr"),
    )
    .unwrap();
    std::fs::write(dir.join("language-cafes.md"), front("Language cafés", "en")).unwrap();
    let files = build_in_memory(site.path(), None);
    let english = html(&files, "en/etudes-de-cas/language-cafes/index.html");
    assert_eq!(select(&english, "html")[0].value().attr("lang"), Some("en"));
    assert_eq!(texts(&english, ".skip-link"), ["Skip to content"]);
    assert!(texts(&english, ".facts dt").contains(&"Funding".to_string()));
    let amount: String = select(&english, ".facts .funding strong")[0]
        .text()
        .collect();
    assert_eq!(amount, "$250,000");
    let alternates: Vec<(String, String)> = select(&english, "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| {
            (
                l.value().attr("hreflang").unwrap().into(),
                l.value().attr("href").unwrap().into(),
            )
        })
        .collect();
    assert!(
        alternates.contains(&("fr".into(), "/etudes-de-cas/cafes-linguistiques/".into())),
        "{alternates:?}"
    );
    assert!(
        alternates.contains(&("en".into(), "/en/etudes-de-cas/language-cafes/".into())),
        "{alternates:?}"
    );
    let french = html(&files, "etudes-de-cas/cafes-linguistiques/index.html");
    assert!(
        select(
            &french,
            "link[hreflang=en][href='/en/etudes-de-cas/language-cafes/']"
        )
        .len()
            == 1
    );
}

const FRONT: &str =
    "---\ntitle: Projet\ndate: 2024-01-01\nsummary: Résumé\nregion: Estrie\nthemes: [logement]\n";

#[test]
fn a_long_list_of_municipalities_grows_the_output_linearly() {
    // One case study listing 10,000 municipalities (264 KB) made 8.8 GB: its card, with
    // every municipality, was on each of their 10,000 term pages.
    let names: Vec<String> = (0..10_000).map(|i| format!("Municipalité {i}")).collect();
    let text = format!(
        "{FRONT}municipality: [{}]\n---\n\nTexte.\n",
        names.join(", ")
    );
    let site = common::site_with_case_studies(&[("regional.md", &text)]);
    let files = build_in_memory(site.path(), None);
    let total: usize = files.values().map(Vec::len).sum();
    // Linear: about 5.6 KB for each of the 10,000 term pages (the Open Graph meta of every
    // page's head took it from 49 to 56 MB), where the quadratic output was 8.8 GB; each of
    // the site's two languages has its 10,000 term pages.
    assert!(total < 2 * (64 << 20), "{total} bytes of output");

    let term = html(&files, "municipalites/municipalite-9999/index.html");
    let meta: Vec<String> = select(&term, ".card .card-meta")
        .into_iter()
        .map(|e| {
            let text = e.text().collect::<String>();
            // Collapsed as a browser does, keeping the no-break spaces.
            let words: Vec<&str> = text.split_ascii_whitespace().collect();
            words.join(" ")
        })
        .collect();
    assert_eq!(meta.len(), 1);
    // French grouping, with the no-break space of `format::number`.
    assert!(
        meta[0].starts_with("Municipalité 0, Municipalité 1, Municipalité 2 et 9\u{a0}997 autres"),
        "{meta:?}"
    );
    assert_eq!(
        select(&term, ".card-meta a").len(),
        3 + 1,
        "3 municipalities and the region"
    );
    // The case study's own page lists them all.
    let page = html(&files, "etudes-de-cas/regional/index.html");
    assert!(select(&page, ".facts a").len() >= 10_000);
}

#[test]
fn short_lists_are_shown_whole_on_cards() {
    let text = format!("{FRONT}municipality: [A, B, C, D]\n---\n\nTexte.\n");
    let site = common::site_with_case_studies(&[("quatre.md", &text)]);
    let files = build_in_memory(site.path(), None);
    let list = html(&files, "etudes-de-cas/index.html");
    let meta = texts(&list, ".card .card-meta");
    assert!(meta[0].starts_with("A, B, C, D ·"), "{meta:?}");
}

#[test]
fn heading_ids_from_content_never_duplicate_the_template_ids() {
    let mut body = String::new();
    for id in passerelle::markdown::TEMPLATE_IDS {
        body.push_str(&format!("## {id}\n\nTexte[^{id}].\n\n[^{id}]: Note.\n\n"));
    }
    let text = format!(
        "{FRONT}municipality: Gaspé\noutcomes: [Un résultat]\nlessons: [Une leçon]\nsources: [{{title: Source, url: \"https://x.example\"}}]\n---\n\n## Résultats\n\n## Leçons\n\n{body}"
    );
    let site = common::site_with_case_studies(&[("ids.md", &text)]);
    let files = build_in_memory(site.path(), None);
    let page = html(&files, "etudes-de-cas/ids/index.html");
    let mut seen = std::collections::BTreeSet::new();
    let elements = select(&page, "[id]");
    assert!(elements.len() > passerelle::markdown::TEMPLATE_IDS.len());
    for element in elements {
        let id = element.value().id().unwrap();
        assert!(seen.insert(id.to_string()), "id `{id}` appears twice");
    }
    // The template's own targets are the template's elements.
    assert_eq!(select(&page, "main#contenu").len(), 1);
    assert_eq!(
        select(&page, "section[aria-labelledby=resultats] h2#resultats").len(),
        1
    );
    // Table of contents links reach the headings.
    for link in select(&page, ".toc a") {
        let target = &link.value().attr("href").unwrap()[1..];
        assert!(seen.contains(target), "toc links to #{target}");
    }
}

#[test]
fn csv_cells_that_would_run_as_formulas_are_neutralised() {
    let text = "---\ntitle: \"=HYPERLINK(\\\"https://x.example\\\", \\\"clic\\\")\"\ndate: 2024-01-01\nsummary: \"@SUM(1+1)\"\nmunicipality: \"-2+3\"\nregion: Estrie\nthemes: [logement]\ncoordinates: {lat: 48.8, lon: -64.5}\n---\n\nTexte.\n";
    let site = common::site_with_case_studies(&[("formule.md", text)]);
    let files = build_in_memory(site.path(), None);
    let mut reader = csv::Reader::from_reader(&files["data/case-studies.csv"][..]);
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let column = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    assert_eq!(
        column("title"),
        "'=HYPERLINK(\"https://x.example\", \"clic\")"
    );
    assert_eq!(column("summary"), "'@SUM(1+1)");
    assert_eq!(column("municipality"), "'-2+3");
    assert_eq!(column("coordinates.lon"), "-64.5", "numbers stay numbers");
    // The JSON export keeps the values as written.
    let json: serde_json::Value = serde_json::from_slice(&files["data/case-studies.json"]).unwrap();
    assert_eq!(
        json["case_studies"][0]["title"],
        "=HYPERLINK(\"https://x.example\", \"clic\")"
    );
}

#[test]
fn nul_characters_never_reach_the_output() {
    let text = "---\ntitle: \"Ti\\0tre\"\ndate: 2024-01-01\nsummary: \"Ré\\0sumé\"\nmunicipality: [\"Gas\\0pé\"]\nregion: Estrie\nthemes: [logement]\n---\n\n## Inter\0titre\n\nTexte\0 avec `co\0de`.\n";
    let site = common::site_with_case_studies(&[("nul.md", text)]);
    let files = build_in_memory(site.path(), None);
    let text_files = files.iter().filter(|(path, _)| !path.ends_with(".bin"));
    for (path, bytes) in text_files {
        assert!(!bytes.contains(&0), "{path} holds a NUL byte");
    }
    let page = html(&files, "etudes-de-cas/nul/index.html");
    assert_eq!(texts(&page, "h1"), ["Ti\u{FFFD}tre"]);
    assert!(texts(&page, ".body p")[0].contains("Texte\u{FFFD} avec"));
}

#[test]
fn the_home_page_shows_the_six_newest_featured_case_studies_not_all() {
    let files: Vec<(String, String)> = (1..=9)
        .map(|day| {
            let text = format!(
                "---\ntitle: Accueil numéro {day}\ndate: 2024-03-0{day}\nsummary: Un accueil.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\nfeatured: true\n---\nLe texte.\n"
            );
            (format!("accueil-{day}.md"), text)
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = (files.iter())
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let site = common::site_with_case_studies(&borrowed);
    let built = build_in_memory(site.path(), None);
    let home = html(&built, "index.html");
    let featured = texts(&home, "section[aria-labelledby=vedette] .card-title");
    let newest: Vec<String> = (4..=9)
        .rev()
        .map(|day| format!("Accueil numéro {day}"))
        .collect();
    assert_eq!(featured, newest);
}
