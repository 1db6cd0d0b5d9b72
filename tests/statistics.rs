//! The region map (home and regions pages) and the statistics page: well-formed SVG read with
//! a real XML parser, one shape per region of the vocabulary, and numbers equal to those
//! counted here, independently, from the content files' front matter.

mod common;

use common::{build_in_memory, html, select, texts};
use serde_yaml::Value as Yaml;
use std::collections::BTreeMap;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

type Files = BTreeMap<String, Vec<u8>>;

/// Case-, accent- and punctuation-blind key: "Gaspésie–Îles" and "gaspesie iles" match.
fn key(text: &str) -> String {
    text.nfd()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The front matter of every published case study of the site at `root`.
fn front_matters(root: &Path) -> Vec<serde_yaml::Mapping> {
    let dir = root.join("content/etudes-de-cas");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let yaml = text
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---"))
            .map(|(yaml, _)| yaml)
            .unwrap_or_else(|| panic!("{} has no front matter", path.display()));
        let Yaml::Mapping(map) = serde_yaml::from_str(yaml).unwrap() else {
            panic!("{}: front matter is not a mapping", path.display());
        };
        let draft = get(&map, &["draft", "brouillon"]).and_then(Yaml::as_bool);
        // The French pages count a case study once, in its French version: its English
        // version is counted on the English pages (`/en/statistiques/`).
        let english = get(&map, &["lang", "langue"]).and_then(Yaml::as_str) == Some("en");
        if draft != Some(true) && !english {
            found.push(map);
        }
    }
    found
}

/// The value of the first of `keys` (a field and its French aliases) present in `map`.
fn get<'m>(map: &'m serde_yaml::Mapping, keys: &[&str]) -> Option<&'m Yaml> {
    keys.iter().find_map(|k| map.get(*k))
}

/// One value or a list of them, as texts.
fn values(value: Option<&Yaml>) -> Vec<String> {
    let text = |v: &Yaml| match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        Some(Yaml::Sequence(list)) => list.iter().filter_map(text).collect(),
        Some(v) => text(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Vocabulary `name` of the config at `root`: (id, code, French label) of each term.
fn vocabulary(root: &Path, name: &str) -> Vec<(String, Option<String>, String)> {
    let config: Yaml =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("config.yaml")).unwrap()).unwrap();
    let terms = config["vocabularies"][name].as_sequence().unwrap();
    terms
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["code"].as_str().map(str::to_string),
                t["fr"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Case studies per term of `vocabulary`, the terms named in the field `keys` by id, code or
/// label; counted once per case study.
fn count_terms(
    studies: &[serde_yaml::Mapping],
    keys: &[&str],
    vocabulary: &[(String, Option<String>, String)],
) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = vocabulary
        .iter()
        .map(|(_, _, label)| (label.clone(), 0))
        .collect();
    for study in studies {
        let mut seen = Vec::new();
        for value in values(get(study, keys)) {
            let found = vocabulary.iter().find(|(id, code, label)| {
                key(&value) == key(id)
                    || key(&value) == key(label)
                    || code.as_deref() == Some(value.as_str())
            });
            let (_, _, label) = found.unwrap_or_else(|| panic!("unknown value {value}"));
            if !seen.contains(label) {
                seen.push(label.clone());
                *counts.get_mut(label).unwrap() += 1;
            }
        }
    }
    counts
}

/// The bytes of the `<svg>` element with class `class` of an output page, as written.
fn svgs<'f>(files: &'f Files, page: &str, class: &str) -> Vec<&'f str> {
    let text = std::str::from_utf8(&files[page]).unwrap();
    let start = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\"");
    text.match_indices(&start)
        .map(|(at, _)| {
            let end = text[at..].find("</svg>").expect("closed svg") + at + "</svg>".len();
            &text[at..end]
        })
        .collect()
}

/// « 1 088 000 $ » → 1088000.
fn digits(text: &str) -> u64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no number in {text:?}"))
}

/// Rows of the table of chart `id` on the statistics page: label → cells.
fn table(page: &scraper::Html, id: &str) -> BTreeMap<String, Vec<String>> {
    let rows = select(page, &format!("#{id} table tbody tr"));
    assert!(!rows.is_empty(), "no table for {id}");
    rows.into_iter()
        .map(|row| {
            let text = |e: scraper::ElementRef| e.text().collect::<String>().trim().to_string();
            let label = text(
                row.select(&scraper::Selector::parse("th").unwrap())
                    .next()
                    .unwrap(),
            );
            let cells = row
                .select(&scraper::Selector::parse("td").unwrap())
                .map(text)
                .collect();
            (label, cells)
        })
        .collect()
}

fn count_text(count: usize) -> String {
    match count {
        0 => "aucune étude de cas".into(),
        1 => "1 étude de cas".into(),
        n => format!("{n} études de cas"),
    }
}

/// Checks the map of `page` against `expected` (French label → count): one shape per
/// region, each with its code, title and count, linked when it has case studies.
fn assert_map(files: &Files, page: &str, expected: &BTreeMap<String, usize>) {
    let maps = svgs(files, page, "region-map-svg");
    assert_eq!(maps.len(), 1, "{page}: one map");
    let doc = roxmltree::Document::parse(maps[0]).expect("the map is well-formed XML");
    let root = doc.root_element();
    // Hidden from screen readers and out of the tab order: the list beside it is its text
    // equivalent, so its regions are not read twice.
    assert_eq!(root.attribute("aria-hidden"), Some("true"));
    let tiles: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("region-tile"))
        .collect();
    assert_eq!(tiles.len(), expected.len(), "{page}: one tile per region");
    let mut seen = BTreeMap::new();
    for tile in tiles {
        assert_eq!(
            tile.children().filter(|c| c.has_tag_name("rect")).count(),
            1,
            "{page}: one shape per tile"
        );
        let title = tile
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap();
        let (label, count) = title.split_once("\u{a0}: ").expect("« Région : n »");
        let expected_count = expected
            .get(label)
            .unwrap_or_else(|| panic!("{page}: unknown region {label}"));
        assert_eq!(count, count_text(*expected_count), "{page}: {label}");
        let linked = tile.has_tag_name("a");
        assert_eq!(linked, *expected_count > 0, "{page}: {label} linked");
        if linked {
            let href = tile.attribute("href").unwrap();
            assert!(
                files.contains_key(&format!("{}index.html", &href[1..])),
                "{href}"
            );
            assert_eq!(tile.attribute("tabindex"), Some("-1"));
        }
        assert!(
            seen.insert(label.to_string(), ()).is_none(),
            "{label} twice"
        );
    }
    // The list beside the map: the same regions and counts.
    let document = html(files, page);
    let listed = texts(&document, ".region-map-list li");
    assert_eq!(listed.len(), expected.len());
    for (label, count) in expected {
        assert!(
            listed
                .iter()
                .any(|l| l.ends_with(&format!(" {label} ({count})"))),
            "{page}: {label} ({count}) not in {listed:?}"
        );
    }
}

#[test]
fn the_region_map_shows_every_region_with_its_count_on_home_and_regions_pages() {
    let root = common::repo_root();
    let files = build_in_memory(&root, None);
    let studies = front_matters(&root);
    let regions = vocabulary(&root, "regions");
    let expected = count_terms(
        &studies,
        &["region", "région", "régions", "regions"],
        &regions,
    );
    assert_eq!(expected.len(), 17);
    assert_map(&files, "index.html", &expected);
    assert_map(&files, "regions/index.html", &expected);
    // The map is only for the regions: no other taxonomy page has one.
    assert!(svgs(&files, "themes/index.html", "region-map-svg").is_empty());
}

#[test]
fn a_region_without_case_studies_is_drawn_without_a_link() {
    let site = common::site_with_case_studies(&[("a.md", common::GOOD_CASE_STUDY)]);
    let files = build_in_memory(site.path(), None);
    let regions = vocabulary(site.path(), "regions");
    let expected = count_terms(&front_matters(site.path()), &["region"], &regions);
    assert_eq!(expected["Estrie"], 1);
    assert_map(&files, "index.html", &expected);
    assert_map(&files, "regions/index.html", &expected);
}

#[test]
fn a_site_whose_regions_are_not_quebecs_gets_no_map() {
    let site = common::site_with_case_studies(&[(
        "a.md",
        "---\ntitle: Accueil\ndate: 2024-03-01\nsummary: Un accueil.\nmunicipality: Namur\nregion: Namur\nthemes: [intégration]\n---\nTexte.\n",
    )]);
    let config_path = site.path().join("config.yaml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    let start = config.find("  regions:\n").unwrap();
    let end = config[start..].find("  themes:\n").unwrap() + start;
    let belgian = "  regions:\n    - {id: namur, code: \"01\", fr: Namur, en: Namur}\n    - {id: liege, code: \"02\", fr: Liège, en: Liège}\n    - {id: hainaut, code: \"03\", fr: Hainaut, en: Hainaut}\n";
    let config = format!("{}{belgian}{}", &config[..start], &config[end..]);
    std::fs::write(&config_path, config).unwrap();
    let files = build_in_memory(site.path(), None);
    for page in ["index.html", "regions/index.html"] {
        let text = std::str::from_utf8(&files[page]).unwrap();
        assert!(!text.contains("region-map"), "{page} has a map");
    }
    // The regions are listed as for any taxonomy.
    let index = html(&files, "regions/index.html");
    assert_eq!(texts(&index, ".term-index a"), ["Namur"]);
    let home = html(&files, "index.html");
    assert!(
        texts(&home, ".term-counts li")
            .iter()
            .any(|t| t == "Namur (1)")
    );
}

#[test]
fn statistics_charts_are_svg_with_tables_whose_numbers_match_the_content() {
    let root = common::repo_root();
    let files = build_in_memory(&root, None);
    let studies = front_matters(&root);
    let page = html(&files, "statistiques/index.html");
    assert_eq!(texts(&page, "h1"), ["Statistiques"]);

    // Every chart: a figure with its caption, an SVG image named by the chart's heading,
    // well-formed, one bar per value above 0, and a table with headers.
    let charts = select(&page, "section.chart");
    assert!(charts.len() >= 6, "{} charts", charts.len());
    let svgs = svgs(&files, "statistiques/index.html", "chart-svg");
    assert_eq!(svgs.len(), charts.len());
    for (chart, svg) in charts.iter().zip(&svgs) {
        let id = chart.value().attr("id").unwrap();
        let doc = roxmltree::Document::parse(svg).expect("a chart is well-formed XML");
        let labelled_by = doc.root_element().attribute("aria-labelledby").unwrap();
        assert_eq!(doc.root_element().attribute("role"), Some("img"));
        let heading = select(&page, &format!("#{id} h2"));
        assert_eq!(heading[0].value().attr("id"), Some(labelled_by), "{id}");
        assert_eq!(
            select(&page, &format!("#{id} figure > figcaption")).len(),
            1
        );
        assert_eq!(select(&page, &format!("#{id} table caption")).len(), 1);
        assert!(!select(&page, &format!("#{id} thead th[scope=col]")).is_empty());
        let rows = select(&page, &format!("#{id} tbody th[scope=row]")).len();
        let bars = doc.descendants().filter(|n| n.has_tag_name("g")).count();
        assert_eq!(bars, rows, "{id}: a bar per row of the table");
    }

    let as_counts = |table: BTreeMap<String, Vec<String>>| -> BTreeMap<String, usize> {
        table
            .into_iter()
            .map(|(label, cells)| (label, digits(&cells[0]) as usize))
            .collect()
    };
    let regions = vocabulary(&root, "regions");
    let by_region = count_terms(
        &studies,
        &["region", "région", "régions", "regions"],
        &regions,
    );
    assert_eq!(as_counts(table(&page, "chart-regions")), by_region);
    let themes = vocabulary(&root, "themes");
    let by_theme = count_terms(&studies, &["themes", "thèmes", "theme", "thème"], &themes);
    assert_eq!(as_counts(table(&page, "chart-themes")), by_theme);
    let status = vocabulary(&root, "status");
    let by_status = count_terms(&studies, &["status", "statut", "état"], &status);
    assert_eq!(as_counts(table(&page, "chart-statuts")), by_status);

    let mut by_year: BTreeMap<String, usize> = BTreeMap::new();
    for study in &studies {
        let date = match get(study, &["date"]).unwrap() {
            Yaml::String(s) => s.clone(),
            other => panic!("date {other:?}"),
        };
        *by_year.entry(date[..4].to_string()).or_default() += 1;
    }
    let years = table(&page, "chart-annees");
    assert_eq!(as_counts(years.clone()), by_year);
    assert!(years.keys().is_sorted(), "years in order: {years:?}");

    // Funding sums by funder, in dollars.
    let mut by_funder: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for study in &studies {
        let Some(Yaml::Sequence(grants)) = get(study, &["funding", "financement", "financements"])
        else {
            continue;
        };
        for grant in grants {
            let Yaml::Mapping(grant) = grant else {
                continue;
            };
            let Some(funder) = get(grant, &["funder", "bailleur", "bailleur de fonds"]) else {
                continue;
            };
            let entry = by_funder
                .entry(funder.as_str().unwrap().to_string())
                .or_default();
            entry.0 += 1;
            let amount = get(grant, &["amount", "montant"]).and_then(Yaml::as_f64);
            entry.1 += amount.unwrap_or(0.0) as u64;
        }
    }
    assert!(by_funder.len() > 2, "{by_funder:?}");
    let funders = table(&page, "chart-funding-0-funder");
    let shown: BTreeMap<String, (usize, u64)> = funders
        .iter()
        .map(|(label, cells)| {
            // « montant non précisé » when none of the funder's grants gives an amount.
            let sum = cells[1].chars().any(|c| c.is_ascii_digit());
            let total = if sum { digits(&cells[1]) } else { 0 };
            (label.clone(), (digits(&cells[0]) as usize, total))
        })
        .collect();
    assert_eq!(shown, by_funder);
    let mifi = &funders["MIFI"][1];
    assert!(
        mifi.ends_with("\u{a0}$") && mifi.contains('\u{a0}'),
        "French currency format: {mifi:?}"
    );

    // Found from the footer of every page, and listed in the sitemap.
    let home = html(&files, "index.html");
    assert!(!select(&home, ".site-footer a[href='/statistiques/']").is_empty());
    let sitemap = std::str::from_utf8(&files["sitemap.xml"]).unwrap();
    assert!(sitemap.contains("<loc>/statistiques/</loc>"), "{sitemap}");
}
