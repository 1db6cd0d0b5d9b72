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
use std::collections::{BTreeMap, HashMap};

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

/// Builds the site model. `entries` are the validated documents (drafts already filtered).
pub fn build_site(
    config: SiteConfig,
    entries: Vec<Entry>,
    assets: Vec<Asset>,
    problems: &mut Vec<Diagnostic>,
) -> Site {
    use rayon::prelude::*;
    let base_path = config.base_path();
    let mut targets = LinkTargets::default();
    let mut seen_urls: HashMap<String, String> = HashMap::new();
    for entry in &entries {
        targets
            .pages
            .insert(entry.content_path.clone(), entry.url_path.clone());
        if let Some(other) = seen_urls.insert(entry.url_path.clone(), entry.file.clone()) {
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
    for asset in &assets {
        targets.assets.insert(asset.content_path.clone());
    }

    let renderer = MarkdownRenderer::new(config.config.trust_html, &base_path);
    let rendered: Vec<(Item, Vec<Diagnostic>)> = entries
        .into_par_iter()
        .map(|entry| {
            let mut found = Vec::new();
            let body = renderer.render(
                &entry.body,
                &entry.file,
                &entry.content_path,
                entry.body_line,
                &targets,
                &mut found,
            );
            let url = format!("{base_path}{}", entry.url_path);
            let fields = entry.fields.clone();
            (
                Item {
                    entry,
                    body,
                    url,
                    fields,
                    translations: Vec::new(),
                },
                found,
            )
        })
        .collect();
    let mut case_studies = Vec::new();
    let mut pages = Vec::new();
    for (item, found) in rendered {
        problems.extend(found);
        match item.entry.kind {
            EntryKind::CaseStudy => case_studies.push(item),
            EntryKind::Page => pages.push(item),
        }
    }
    case_studies.sort_by(|a, b| {
        b.entry
            .date
            .cmp(&a.entry.date)
            .then_with(|| fold(&a.entry.title).cmp(&fold(&b.entry.title)))
            .then_with(|| a.entry.file.cmp(&b.entry.file))
    });
    pages.sort_by(|a, b| {
        (a.entry.weight, fold(&a.entry.title)).cmp(&(b.entry.weight, fold(&b.entry.title)))
    });
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

fn link_translations(case_studies: &mut [Item], pages: &mut [Item]) {
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
        if let Some(group) = item.entry.translation_key.as_ref().and_then(|k| groups.get(k)) {
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
fn build_taxonomies(config: &SiteConfig, base_path: &str, case_studies: &mut [Item]) -> Vec<Taxonomy> {
    let mut taxonomies = Vec::new();
    for taxonomy_config in &config.config.taxonomies {
        let url = format!("{base_path}{}/", taxonomy_config.slug);
        let path: Vec<&str> = taxonomy_config.field.split('.').collect();
        let by_year = taxonomy_config.group == Some(TaxonomyGroup::Year);
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        for (index, item) in case_studies.iter_mut().enumerate() {
            let mut values = Vec::new();
            if by_year {
                if let Some(date) = item.entry.date {
                    let year = date.year().to_string();
                    let term = term_object(&year, &year, &url);
                    item.fields.insert("year".into(), term.clone());
                    values.push(term);
                }
            } else {
                collect_terms(&mut item.fields, &path, &url, &mut values);
            }
            for value in values {
                let id = value["id"].as_str().unwrap_or_default().to_string();
                let label = value["label"].as_str().unwrap_or_default().to_string();
                let term = terms.entry(id.clone()).or_insert_with(|| Term {
                    url: format!("{url}{id}/"),
                    id,
                    label,
                    items: Vec::new(),
                });
                if term.items.last() != Some(&index) {
                    term.items.push(index);
                }
            }
        }
        let mut terms: Vec<Term> = terms.into_values().collect();
        if by_year {
            terms.sort_by(|a, b| b.id.cmp(&a.id));
        } else {
            terms.sort_by_key(|t| fold(&t.label));
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

/// Walks `path` inside `fields` (through lists), turning each value found into a linked term.
fn collect_terms(fields: &mut Map<String, Json>, path: &[&str], taxonomy_url: &str, out: &mut Vec<Json>) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(value) = fields.get_mut(*first) else {
        return;
    };
    visit_terms(value, rest, taxonomy_url, out);
}

fn visit_terms(value: &mut Json, rest: &[&str], taxonomy_url: &str, out: &mut Vec<Json>) {
    match value {
        Json::Array(items) => {
            for item in items {
                visit_terms(item, rest, taxonomy_url, out);
            }
        }
        Json::Object(object) if !rest.is_empty() => collect_terms(object, rest, taxonomy_url, out),
        Json::Object(object) => {
            if let Some(id) = object.get("id").and_then(Json::as_str) {
                let url = format!("{taxonomy_url}{id}/");
                object.insert("url".into(), url.into());
                out.push(Json::Object(object.clone()));
            }
        }
        Json::String(text) if rest.is_empty() => {
            let id = slugify(text);
            if !id.is_empty() {
                let term = term_object(&id, text, taxonomy_url);
                *value = term.clone();
                out.push(term);
            }
        }
        _ => {}
    }
}
