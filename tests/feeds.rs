//! Atom feeds: the site's and one per term of every taxonomy, parsed with a real XML parser
//! and compared with what the content's front matter says, counted here independently.

mod common;

use common::{build_in_memory, html, select};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Files = BTreeMap<String, Vec<u8>>;

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// What a reader of a feed sees of it.
struct Feed {
    self_href: String,
    titles: Vec<String>,
}

/// Parses an Atom feed and checks what RFC 4287 requires of it: a feed with an id, a
/// title, an updated date, an author (on the feed or on every entry) and a self link; each
/// entry with an id, a title, an updated date, a link and a summary; ids absolute IRIs.
fn parse_feed(path: &str, bytes: &[u8]) -> Feed {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let document = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let feed = document.root_element();
    assert_eq!(feed.tag_name().name(), "feed", "{path}");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM), "{path}");
    fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
        node.children().find(|c| {
            c.is_element() && c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM)
        })
    }
    let text_of = |node: roxmltree::Node, name: &str| {
        let found = child(node, name).unwrap_or_else(|| panic!("{path}: no <{name}>"));
        found.text().unwrap_or_default().trim().to_string()
    };
    let is_absolute_iri = |id: &str| {
        id.split_once(':').is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && !rest.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        })
    };
    let is_date_time = |value: &str| chrono::DateTime::parse_from_rfc3339(value).is_ok();
    let id = text_of(feed, "id");
    assert!(is_absolute_iri(&id), "{path}: feed id {id:?}");
    assert!(!text_of(feed, "title").is_empty(), "{path}: empty title");
    let updated = text_of(feed, "updated");
    assert!(is_date_time(&updated), "{path}: updated {updated:?}");
    let feed_author = child(feed, "author").is_some();
    let links: Vec<roxmltree::Node> = feed
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "link")
        .collect();
    let self_link = links
        .iter()
        .find(|l| l.attribute("rel") == Some("self"))
        .unwrap_or_else(|| panic!("{path}: no self link"));
    assert_eq!(self_link.attribute("type"), Some("application/atom+xml"));
    let mut titles = Vec::new();
    let mut ids = BTreeSet::new();
    for entry in feed
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "entry")
    {
        let id = text_of(entry, "id");
        assert!(is_absolute_iri(&id), "{path}: entry id {id:?}");
        assert!(ids.insert(id.clone()), "{path}: entry id {id} twice");
        let updated = text_of(entry, "updated");
        assert!(is_date_time(&updated), "{path}: entry updated {updated:?}");
        assert!(
            !text_of(entry, "summary").is_empty(),
            "{path}: entry without summary"
        );
        let link = child(entry, "link").unwrap_or_else(|| panic!("{path}: entry without link"));
        assert!(link.attribute("href").is_some_and(|h| !h.is_empty()));
        assert!(
            feed_author || child(entry, "author").is_some(),
            "{path}: no author"
        );
        titles.push(text_of(entry, "title"));
    }
    Feed {
        self_href: self_link.attribute("href").unwrap_or_default().to_string(),
        titles,
    }
}

/// Lowercase, no accents, letters and digits only: how a value written in front matter is
/// matched with a term's label here (enough for the example's themes and years).
fn key(text: &str) -> String {
    passerelle::text::fold(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// From the content's own front matter: (taxonomy slug, term key) → titles of the case
/// studies filed under it, for the themes (`themes` or `thèmes`) and the years of `date`.
fn expected_from_front_matter(root: &Path) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut expected: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let folder = root.join("content/etudes-de-cas");
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let front = text
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---"))
            .map(|(front, _)| front)
            .unwrap_or_else(|| panic!("{}: no front matter", path.display()));
        let yaml: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
        let field = |names: &[&str]| names.iter().find_map(|n| yaml.get(*n).cloned());
        if field(&["draft"]).and_then(|d| d.as_bool()) == Some(true) {
            continue;
        }
        // The English versions are on the English pages (`/en/…`, see tests/english.rs):
        // these French feeds list their French originals.
        if field(&["lang", "langue"])
            .and_then(|l| l.as_str().map(str::to_string))
            .as_deref()
            == Some("en")
        {
            continue;
        }
        let title = field(&["title", "titre"]).unwrap();
        let title = title.as_str().unwrap().to_string();
        let themes = field(&["themes", "thèmes"]).unwrap();
        for theme in themes.as_sequence().unwrap() {
            let theme = key(theme.as_str().unwrap());
            expected
                .entry(("themes".into(), theme))
                .or_default()
                .insert(title.clone());
        }
        let date = field(&["date"]).unwrap();
        let year: String = match date.as_str() {
            Some(text) => text.chars().take(4).collect(),
            None => panic!("{}: date {date:?}", path.display()),
        };
        expected
            .entry(("annees".into(), year))
            .or_default()
            .insert(title.clone());
    }
    expected
}

#[test]
fn each_term_feed_parses_as_atom_and_lists_exactly_that_terms_case_studies() {
    let root = common::repo_root();
    let files: Files = build_in_memory(&root, None);
    let expected = expected_from_front_matter(&root);
    let mut checked = 0;
    for ((slug, term_key), titles) in &expected {
        // The term's page names it; its feed is beside it.
        let term_pages: Vec<&String> = files
            .keys()
            .filter(|p| p.starts_with(&format!("{slug}/")) && p.matches('/').count() == 2)
            .filter(|p| p.ends_with("/index.html"))
            .filter(|p| {
                let page = html(&files, p);
                common::texts(&page, "h1")
                    .first()
                    .is_some_and(|h1| key(h1) == *term_key)
            })
            .collect();
        assert_eq!(term_pages.len(), 1, "{slug}: no single page for {term_key}");
        let folder = term_pages[0].trim_end_matches("index.html");
        let feed_path = format!("{folder}atom.xml");
        let bytes = files
            .get(&feed_path)
            .unwrap_or_else(|| panic!("no feed {feed_path}"));
        let feed = parse_feed(&feed_path, bytes);
        assert_eq!(feed.self_href, format!("/{feed_path}"));
        assert!(titles.len() <= 20, "the fixture's terms fit in one feed");
        let listed: BTreeSet<String> = feed.titles.iter().cloned().collect();
        assert_eq!(&listed, titles, "{feed_path}");
        assert_eq!(
            feed.titles.len(),
            titles.len(),
            "{feed_path} lists one twice"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} feeds checked");
    // Every other feed parses too, the site's included.
    let mut feeds = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with("atom.xml")) {
        parse_feed(path, bytes);
        feeds += 1;
    }
    assert!(feeds > checked);
    // Feeds are not pages: the sitemap does not list them.
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    assert!(!sitemap.contains("atom.xml"), "the sitemap lists a feed");
}

#[test]
fn every_page_of_a_term_list_advertises_the_terms_feed() {
    let site = common::example_site_copy();
    // Two case studies a page, so that terms have more than one page.
    let config = site.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("\npaginate: 12"));
    std::fs::write(&config, text.replace("\npaginate: 12", "\npaginate: 2")).unwrap();
    let files = build_in_memory(site.path(), Some("https://example.org/pratiques/"));
    let mut paginated = 0;
    let mut checked = 0;
    for taxonomy in [
        "regions",
        "themes",
        "publics",
        "annees",
        "programmes",
        "municipalites",
    ] {
        for path in files
            .keys()
            .filter(|p| p.starts_with(&format!("{taxonomy}/")))
        {
            let Some(rest) = path.strip_suffix("index.html") else {
                continue;
            };
            let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
            // `regions/estrie/` or `regions/estrie/page/2/`; not the taxonomy's own page.
            let term_folder = match parts.as_slice() {
                [_, _] => rest.to_string(),
                [t, term, "page", _] => {
                    paginated += 1;
                    format!("{t}/{term}/")
                }
                _ => continue,
            };
            let page = html(&files, path);
            let links = select(&page, "link[rel='alternate'][type='application/atom+xml']");
            let feed = format!("/pratiques/{term_folder}atom.xml");
            assert!(
                links
                    .iter()
                    .any(|l| l.value().attr("href") == Some(feed.as_str())
                        && l.value().attr("title").is_some_and(|t| !t.is_empty())),
                "{path} does not advertise {feed}"
            );
            assert!(files.contains_key(&format!("{term_folder}atom.xml")));
            let feed = parse_feed(&feed, &files[&format!("{term_folder}atom.xml")]);
            assert_eq!(
                feed.self_href,
                format!("https://example.org/pratiques/{term_folder}atom.xml")
            );
            checked += 1;
        }
    }
    assert!(paginated > 0, "no term had a second page");
    assert!(checked > 20, "{checked} term pages checked");
}
