//! Stage 4: the site as plain data: case studies and pages with their rendered bodies,
//! taxonomies with their terms, and the links between them.

use crate::config::{SiteConfig, TaxonomyGroup};
use crate::diagnostic::Diagnostic;
use crate::load::Asset;
use crate::markdown::{LinkTargets, MarkdownRenderer, RenderedBody};
use crate::text::{fold, slugify};
use crate::validate::{Entry, EntryKind};
use chrono::Datelike;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;

/// A validated entry with its rendered body.
#[derive(Debug, Clone)]
pub struct Item {
    pub entry: Entry,
    pub body: RenderedBody,
    /// Public URL path, base path included: `/pratiques/etudes-de-cas/a/`.
    pub url: String,
    /// The entry's fields with taxonomy values linked to their term pages.
    pub fields: Map<String, Json>,
    /// Other-language versions: (lang, url).
    pub translations: Vec<(String, String)>,
    /// Identifies the item's content, for incremental rebuilds.
    pub fingerprint: Fingerprint,
}

/// One value of a taxonomy and the case studies that carry it.
#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    pub label: String,
    pub url: String,
    /// Indexes into `Site::case_studies`, in the site's order (newest first).
    pub items: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Field path from the config: `region`, `funding.program`, `date`.
    pub field: String,
    /// Name used for UI strings: the top-level field, or `year` for a date grouped by year.
    pub name: String,
    pub slug: String,
    pub url: String,
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub base_path: String,
    /// Newest first, then by title.
    pub case_studies: Vec<Item>,
    /// Content pages, by weight then title.
    pub pages: Vec<Item>,
    pub taxonomies: Vec<Taxonomy>,
    pub assets: Vec<Asset>,
}

/// Where relative links may point, and an error for each entry whose URL another entry
/// already has (the later one in load order is reported).
pub fn link_targets<'e>(
    entries: impl IntoIterator<Item = &'e Entry>,
    assets: &[Asset],
    problems: &mut Vec<Diagnostic>,
) -> LinkTargets {
    let mut targets = LinkTargets::default();
    let mut seen_urls: HashMap<&str, &str> = HashMap::new();
    for entry in entries {
        targets
            .pages
            .insert(entry.content_path.clone(), entry.url_path.clone());
        if let Some(other) = seen_urls.insert(&entry.url_path, &entry.file) {
            problems.push(
                Diagnostic::error(
                    entry.file.clone(),
                    format!("same address `/{}` as `{other}`", entry.url_path),
                )
                .at(1, 1)
                .hint("rename one of the two files: file names that differ only by accents, case or spaces give the same URL"),
            );
        }
    }
    for asset in assets {
        targets.assets.insert(asset.content_path.clone());
    }
    targets
}

/// Renders one entry's body. Problems found in the body (broken links) are returned with it.
pub fn render_item(
    renderer: &MarkdownRenderer,
    base_path: &str,
    mut entry: Entry,
    targets: &LinkTargets,
) -> (Item, Vec<Diagnostic>) {
    let mut found = Vec::new();
    replace_nul(&mut entry.title);
    replace_nul(&mut entry.summary);
    entry.fields.values_mut().for_each(replace_nul_in);
    let body = renderer.render(
        &entry.body,
        &entry.file,
        &entry.content_path,
        entry.body_line,
        targets,
        &mut found,
    );
    let url = format!("{base_path}{}", entry.url_path);
    // The model owns the fields from here on, and the Markdown source is no longer
    // needed once rendered: not keeping two copies matters at 10,000 case studies.
    let fields = std::mem::take(&mut entry.fields);
    entry.body = String::new();
    let fingerprint = Fingerprint::of(&entry, &fields, &body);
    let item = Item {
        entry,
        body,
        url,
        fields,
        translations: Vec::new(),
        fingerprint,
    };
    (item, found)
}

/// U+0000 becomes U+FFFD, as CommonMark asks of Markdown: a YAML escape (`"a\0b"`) can put
/// one in a front matter string, and from there into pages, exports and the search index.
fn replace_nul(text: &mut String) {
    if text.contains('\0') {
        *text = text.replace('\0', "\u{FFFD}");
    }
}

fn replace_nul_in(value: &mut Json) {
    match value {
        Json::String(text) => replace_nul(text),
        Json::Array(items) => items.iter_mut().for_each(replace_nul_in),
        Json::Object(object) => object.values_mut().for_each(replace_nul_in),
        Json::Null | Json::Bool(_) | Json::Number(_) => {}
    }
}

/// Sorts rendered items into the site: case studies newest first, pages by weight, then
/// translations and taxonomies. `items` are in load order (it decides ties between pages).
/// Items from an earlier `assemble` of the same configuration may be passed again.
pub fn assemble(config: SiteConfig, items: Vec<Item>, assets: Vec<Asset>) -> Site {
    let base_path = config.base_path();
    let mut case_studies = Vec::new();
    let mut pages = Vec::new();
    for item in items {
        match item.entry.kind {
            EntryKind::CaseStudy => case_studies.push(item),
            EntryKind::Page => pages.push(item),
        }
    }
    // Stable sorts on cached keys: folding titles inside the comparison is slow at 10,000.
    case_studies.sort_by_cached_key(|item| {
        (
            std::cmp::Reverse(item.entry.date),
            fold(&item.entry.title),
            item.entry.file.clone(),
        )
    });
    pages.sort_by_cached_key(|item| (item.entry.weight, fold(&item.entry.title)));
    link_translations(&mut case_studies, &mut pages);

    let taxonomies = build_taxonomies(&config, &base_path, &mut case_studies);
    Site {
        config,
        base_path,
        case_studies,
        pages,
        taxonomies,
        assets,
    }
}

/// What changes when an item changes, so the preview server can tell which pages a change
/// touches without comparing whole pages. Equal fingerprints mean equal items (the taxonomy
/// links added later depend only on the configuration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// Everything but the body: what cards, lists, feeds and exports show.
    pub meta: u64,
    /// Everything, rendered body included.
    pub full: u64,
}

impl Fingerprint {
    fn of(entry: &Entry, fields: &Map<String, Json>, body: &RenderedBody) -> Self {
        use std::hash::{Hash, Hasher};
        // Destructured without `..`, so that a new field must be considered here.
        let Entry {
            kind,
            file,
            content_path,
            url_path,
            title,
            date,
            summary,
            draft,
            featured,
            lang,
            translation_key,
            weight,
            fields: _,
            body: _,
            body_line: _,
        } = entry;
        let mut hasher = StableHasher::default();
        (
            *kind as u8,
            file,
            content_path,
            url_path,
            title,
            date,
            summary,
        )
            .hash(&mut hasher);
        (draft, featured, lang, translation_key, weight).hash(&mut hasher);
        hash_json(fields, &mut hasher);
        let meta = hasher.finish();
        let RenderedBody { html, toc, text } = body;
        html.hash(&mut hasher);
        text.hash(&mut hasher);
        for entry in toc {
            (entry.level, &entry.id, &entry.title).hash(&mut hasher);
        }
        Fingerprint {
            meta,
            full: hasher.finish(),
        }
    }
}

/// The hasher used for fingerprints: the same in every run of the program, unseeded, and
/// fast on long inputs (every rendered body goes through it: SipHash took ~0.1 s at 10,000).
/// Fingerprints only tell edits apart; nothing adversarial is hashed.
pub type StableHasher = rustc_hash::FxHasher;

/// Feeds a JSON value (as its serialised text) to a hasher.
pub fn hash_json(value: &impl serde::Serialize, hasher: &mut impl std::hash::Hasher) {
    struct Feed<'h, H>(&'h mut H);
    impl<H: std::hash::Hasher> std::io::Write for Feed<'_, H> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Serialising plain data into a hasher cannot fail.
    let _ = serde_json::to_writer(Feed(hasher), value);
}

fn link_translations(case_studies: &mut [Item], pages: &mut [Item]) {
    for item in case_studies.iter_mut().chain(pages.iter_mut()) {
        item.translations.clear();
    }
    let mut groups: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for item in case_studies.iter().chain(pages.iter()) {
        if let Some(key) = &item.entry.translation_key {
            groups
                .entry(key.clone())
                .or_default()
                .push((item.entry.lang.clone(), item.url.clone()));
        }
    }
    for item in case_studies.iter_mut().chain(pages.iter_mut()) {
        if let Some(group) = item
            .entry
            .translation_key
            .as_ref()
            .and_then(|k| groups.get(k))
        {
            item.translations = group
                .iter()
                .filter(|(lang, _)| *lang != item.entry.lang)
                .cloned()
                .collect();
        }
    }
}

/// Collects the terms of every taxonomy and adds each term's `url` to the values in the
/// case studies' fields, so templates can link a fact to its term page.
fn build_taxonomies(
    config: &SiteConfig,
    base_path: &str,
    case_studies: &mut [Item],
) -> Vec<Taxonomy> {
    let mut taxonomies = Vec::new();
    for taxonomy_config in &config.config.taxonomies {
        let url = format!("{base_path}{}/", taxonomy_config.slug);
        let path: Vec<&str> = taxonomy_config.field.split('.').collect();
        let by_year = taxonomy_config.group == Some(TaxonomyGroup::Year);
        let mut terms: Vec<Term> = Vec::new();
        let mut term_index: HashMap<String, usize> = HashMap::new();
        // (id, label) of each value of one case study; reused to spare allocations, which
        // matters when the preview server assembles 10,000 case studies after each save.
        let mut values: Vec<(String, String)> = Vec::new();
        for (index, item) in case_studies.iter_mut().enumerate() {
            values.clear();
            if by_year {
                if let Some(date) = item.entry.date {
                    let year = date.year().to_string();
                    let linked = item
                        .fields
                        .get("year")
                        .and_then(|y| y.get("id"))
                        .and_then(Json::as_str)
                        == Some(year.as_str());
                    if !linked {
                        item.fields
                            .insert("year".into(), term_object(&year, &year, &url));
                    }
                    values.push((year.clone(), year));
                }
            } else {
                collect_terms(&mut item.fields, &path, &url, &mut values);
            }
            for (id, label) in values.drain(..) {
                let at = match term_index.get(&id) {
                    Some(&at) => at,
                    None => {
                        term_index.insert(id.clone(), terms.len());
                        terms.push(Term {
                            url: format!("{url}{id}/"),
                            id,
                            label,
                            items: Vec::new(),
                        });
                        terms.len() - 1
                    }
                };
                let term = &mut terms[at];
                if term.items.last() != Some(&index) {
                    term.items.push(index);
                }
            }
        }
        // By id first, so that terms whose labels fold the same keep a stable order.
        terms.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        if by_year {
            terms.sort_by(|a, b| b.id.cmp(&a.id));
        } else {
            terms.sort_by_cached_key(|t| fold(&t.label));
        }
        taxonomies.push(Taxonomy {
            field: taxonomy_config.field.clone(),
            name: if by_year {
                "year".into()
            } else {
                path[0].to_string()
            },
            slug: taxonomy_config.slug.clone(),
            url,
            terms,
        });
    }
    taxonomies
}

fn term_object(id: &str, label: &str, taxonomy_url: &str) -> Json {
    let mut object = Map::new();
    object.insert("id".into(), id.into());
    object.insert("label".into(), label.into());
    object.insert("url".into(), format!("{taxonomy_url}{id}/").into());
    Json::Object(object)
}

/// The text of a field value as exports, search results and JSON-LD show it: a string, a
/// number, a boolean, or an object's `label` (a term, see `term_object`), else its `title`.
pub(crate) fn value_label(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Object(object) => object
            .get("label")
            .or_else(|| object.get("title"))
            .and_then(Json::as_str)
            .map(str::to_string),
        _ => None,
    }
}

/// Walks `path` inside `fields` (through lists), turning each value found into a linked term.
fn collect_terms(
    fields: &mut Map<String, Json>,
    path: &[&str],
    taxonomy_url: &str,
    out: &mut Vec<(String, String)>,
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(value) = fields.get_mut(*first) else {
        return;
    };
    visit_terms(value, rest, taxonomy_url, out);
}

/// Links each term found to its page (adds `url`, unless already there from an earlier
/// assembly) and collects its (id, label).
fn visit_terms(
    value: &mut Json,
    rest: &[&str],
    taxonomy_url: &str,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Json::Array(items) => {
            for item in items {
                visit_terms(item, rest, taxonomy_url, out);
            }
        }
        Json::Object(object) if !rest.is_empty() => collect_terms(object, rest, taxonomy_url, out),
        Json::Object(object) => {
            if let Some(id) = object.get("id").and_then(Json::as_str) {
                let id = id.to_string();
                let linked = object.get("url").and_then(Json::as_str).is_some_and(|url| {
                    url.strip_prefix(taxonomy_url)
                        .and_then(|rest| rest.strip_prefix(id.as_str()))
                        == Some("/")
                });
                if !linked {
                    object.insert("url".into(), format!("{taxonomy_url}{id}/").into());
                }
                let label = object
                    .get("label")
                    .and_then(Json::as_str)
                    .unwrap_or_default();
                out.push((id, label.to_string()));
            }
        }
        Json::String(text) if rest.is_empty() => {
            let id = slugify(text);
            if !id.is_empty() {
                let label = std::mem::take(text);
                *value = term_object(&id, &label, taxonomy_url);
                out.push((id, label));
            }
        }
        _ => {}
    }
}
