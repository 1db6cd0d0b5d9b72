//! The Tera context of each kind of page, made from values computed once per build and
//! shared by all pages (`Shared`), and the digest of what each context is made from.

use super::json_ld::json_ld;
use super::pagination::page_window;
use super::sitemap::SitemapUrl;
use super::{CARD_TEMPLATE, FEED_ENTRIES, JobKind, ListOf, RECENT_ON_HOME, SEARCH_PATH};
use crate::format;
use crate::model::{Item, Site, StableHasher, Taxonomy, Term, hash_json};
use crate::theme::Theme;
use serde_json::{Value as Json, json};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;
use tera::{Context, Tera, Value};

/// Values computed once per build and shared by all pages.
pub(super) struct Shared<'a> {
    pub(super) site: &'a Site,
    /// Language → UI strings as a Tera value.
    strings: HashMap<String, Value>,
    /// The same strings as plain text, for titles computed here.
    raw_strings: &'a HashMap<String, crate::theme::Strings>,
    tera: &'a Tera,
    /// One card per case study, for lists, made when first needed: its fields and `html`,
    /// the card partial rendered.
    cards: Vec<OnceLock<Value>>,
    /// Site-wide values every page shows (title, navigation, taxonomies).
    site_value: Value,
    /// Indexes of all case studies, for the list of all of them.
    pub(super) all: Vec<usize>,
    /// Digest of what every page depends on: configuration, UI strings, `site_value`.
    pub(super) global_key: u64,
    /// Every URL of the site, for the sitemap files, made when first needed.
    pub(super) sitemap: OnceLock<Vec<SitemapUrl>>,
}

impl<'a> Shared<'a> {
    pub(super) fn new(site: &'a Site, theme: &'a Theme, tera: &'a Tera) -> Self {
        let strings = theme
            .strings
            .iter()
            .map(|(lang, strings)| (lang.clone(), Value::from_serializable(strings)))
            .collect();
        let config = &site.config.config;
        let site_json = json!({
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "license": config.license,
            "search_url": format!("{}{}", site.base_path, SEARCH_PATH),
            "case_studies_url": format!("{}{}/", site.base_path, config.case_studies.section),
            "case_study_count": site.case_studies.len(),
            "nav": site.pages.iter()
                .filter(|p| p.entry.lang == config.language)
                .map(|p| json!({"title": p.entry.title, "url": p.url}))
                .collect::<Vec<_>>(),
            "taxonomies": site.taxonomies.iter()
                .map(|t| json!({"name": t.name, "url": t.url, "count": t.terms.len()}))
                .collect::<Vec<_>>(),
        });
        let mut hasher = StableHasher::default();
        hash_json(config, &mut hasher);
        hash_json(&site_json, &mut hasher);
        (&site.base_path, site.config.absolute_base()).hash(&mut hasher);
        let mut langs: Vec<_> = theme.strings.iter().collect();
        langs.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&langs, &mut hasher);
        Shared {
            site,
            strings,
            raw_strings: &theme.strings,
            tera,
            cards: site.case_studies.iter().map(|_| OnceLock::new()).collect(),
            site_value: Value::from_serializable(&site_json),
            all: (0..site.case_studies.len()).collect(),
            global_key: hasher.finish(),
            sitemap: OnceLock::new(),
        }
    }

    /// The card of a case study. The card partial sees the context every page has, with the
    /// card as `item`; a failure to render it is reported once, through `report`.
    fn card(&self, index: usize, report: &dyn Fn(&tera::Error)) -> Value {
        self.cards[index]
            .get_or_init(|| {
                let site = self.site;
                let lang = site.config.config.language.as_str();
                let item = &site.case_studies[index];
                let more = self.string(lang, "card_more");
                let card = Value::from_serializable(&card(item, lang, &more));
                let mut context = self.base_context(lang, &item.url, &item.entry.title);
                context.insert_value("item", card.clone());
                let html = self
                    .tera
                    .render(CARD_TEMPLATE, &context)
                    .unwrap_or_else(|err| {
                        report(&err);
                        String::new()
                    });
                drop(context); // So that the card's map is not shared, and is not copied below.
                let mut fields = card.into_map().unwrap_or_default();
                fields.insert("html".into(), Value::safe_string(&html));
                Value::from(fields)
            })
            .clone()
    }

    fn ui_lang<'l>(&'l self, lang: &'l str) -> &'l str {
        if self.strings.contains_key(lang) {
            lang
        } else {
            &self.site.config.config.language
        }
    }

    /// Context entries every page has.
    pub(super) fn base_context(&self, lang: &str, url: &str, title: &str) -> Context {
        let lang = self.ui_lang(lang);
        let mut context = Context::new();
        context.insert("lang", lang);
        context.insert_value(
            "t",
            self.strings.get(lang).cloned().unwrap_or_else(Value::none),
        );
        context.insert("base", &self.site.base_path);
        context.insert("url", url);
        context.insert("title", title);
        context.insert("permalink", &self.permalink(url));
        context.insert_value("site", self.site_value.clone());
        context
    }

    pub(super) fn permalink(&self, url: &str) -> String {
        match self.site.config.absolute_base() {
            Some(absolute) => format!(
                "{}{}",
                absolute,
                url.strip_prefix(&self.site.base_path).unwrap_or(url)
            ),
            None => url.to_string(),
        }
    }

    /// Feeds `hasher` with everything `context(kind)` is made from, beyond the global key,
    /// the template and the output path. Keep the two functions in step: a value read in
    /// `context` and missing here would leave a stale page in the preview server (the
    /// `serve` tests compare its pages with a full build).
    pub(super) fn hash_inputs(&self, kind: JobKind, hasher: &mut StableHasher) {
        let site = self.site;
        let card = |index: usize| site.case_studies[index].fingerprint.meta;
        match kind {
            JobKind::CaseStudy(index) => {
                let item = &site.case_studies[index];
                (item.fingerprint.full, &item.translations).hash(hasher);
                let neighbour =
                    |i: Option<usize>| i.filter(|&i| i < site.case_studies.len()).map(card);
                (
                    neighbour(index.checked_sub(1)),
                    neighbour(index.checked_add(1)),
                )
                    .hash(hasher);
            }
            JobKind::Page(index) => {
                let item = &site.pages[index];
                (item.fingerprint.full, &item.translations).hash(hasher);
            }
            JobKind::Home => {
                for (index, item) in site.case_studies.iter().enumerate() {
                    if item.entry.featured {
                        (index, item.fingerprint.meta).hash(hasher);
                    }
                }
                usize::MAX.hash(hasher);
                for index in 0..site.case_studies.len().min(RECENT_ON_HOME) {
                    card(index).hash(hasher);
                }
                self.hash_taxonomies(hasher);
            }
            JobKind::List { list, page } => {
                let items = self.list_items(list);
                let (start, end) = self.page_range(items.len(), page);
                (page, self.total_pages(list), items.len()).hash(hasher);
                for &index in &items[start..end] {
                    card(index).hash(hasher);
                }
                if let ListOf::Term { taxonomy, term } = list {
                    let taxonomy = &site.taxonomies[taxonomy];
                    (&taxonomy.name, &taxonomy.url).hash(hasher);
                    hash_json(&term_value(&taxonomy.terms[term]), hasher);
                }
            }
            JobKind::Taxonomy(index) => hash_json(&taxonomy_value(&site.taxonomies[index]), hasher),
            JobKind::Search => self.hash_taxonomies(hasher),
            JobKind::NotFound | JobKind::Robots => {}
            JobKind::Feed => {
                for index in 0..site.case_studies.len().min(FEED_ENTRIES) {
                    card(index).hash(hasher);
                }
            }
            JobKind::Sitemap(file) => self.hash_sitemap(file, hasher),
        }
    }

    fn hash_taxonomies(&self, hasher: &mut StableHasher) {
        for taxonomy in &self.site.taxonomies {
            hash_json(&taxonomy_value(taxonomy), hasher);
        }
    }

    /// The Tera context of one page; `report` takes errors of the card partial.
    pub(super) fn context(&self, kind: JobKind, report: &dyn Fn(&tera::Error)) -> Context {
        match kind {
            JobKind::CaseStudy(index) => self.case_study_context(index, report),
            JobKind::Page(index) => self.page_context(&self.site.pages[index]),
            JobKind::Home => self.home_context(report),
            JobKind::List { list, page } => self.list_context(list, page, report),
            JobKind::Taxonomy(index) => self.taxonomy_context(index),
            JobKind::Search => {
                let site = self.site;
                let lang = site.config.config.language.as_str();
                let search_url = format!("{}{SEARCH_PATH}", site.base_path);
                let mut context =
                    self.base_context(lang, &search_url, &self.string(lang, "search_title"));
                context.insert("taxonomies", &self.taxonomy_values());
                context
            }
            JobKind::NotFound => {
                let lang = self.site.config.config.language.as_str();
                let url = format!("{}404.html", self.site.base_path);
                self.base_context(lang, &url, &self.string(lang, "not_found_title"))
            }
            JobKind::Feed => self.feed_context(),
            JobKind::Sitemap(file) => self.sitemap_context(file),
            JobKind::Robots => {
                let site = self.site;
                let config = &site.config.config;
                let base = &site.base_path;
                let mut context = self.base_context(&config.language, base, &config.title);
                context.insert("sitemap", &self.permalink(&format!("{base}sitemap.xml")));
                context
            }
        }
    }

    fn case_study_context(&self, index: usize, report: &dyn Fn(&tera::Error)) -> Context {
        let item = &self.site.case_studies[index];
        let lang = item.entry.lang.as_str();
        let mut context = self.base_context(lang, &item.url, &item.entry.title);
        let toc_min = self.site.config.config.case_studies.toc_min_headings;
        let json_ld = json_ld(
            item,
            &self.permalink(&item.url),
            &self.site.config.config.license,
        );
        let page = PageView {
            item,
            schema: Some(&self.site.config.config.fields),
            show_toc: item.body.toc.len() >= toc_min,
            json_ld: Some(&json_ld),
        };
        context.insert("page", &page);
        context.insert("translations", &translations(item));
        let neighbours = |i: Option<usize>| {
            i.filter(|&i| i < self.cards.len())
                .map(|i| self.card(i, report))
                .unwrap_or_else(Value::none)
        };
        context.insert_value("newer", neighbours(index.checked_sub(1)));
        context.insert_value("older", neighbours(index.checked_add(1)));
        context
    }

    fn page_context(&self, item: &Item) -> Context {
        let mut context = self.base_context(&item.entry.lang, &item.url, &item.entry.title);
        let page = PageView {
            item,
            schema: None,
            show_toc: true,
            json_ld: None,
        };
        context.insert("page", &page);
        context.insert("translations", &translations(item));
        context
    }

    fn home_context(&self, report: &dyn Fn(&tera::Error)) -> Context {
        let site = self.site;
        let config = &site.config.config;
        let mut context = self.base_context(&config.language, &site.base_path, &config.title);
        let featured: Vec<Value> = site
            .case_studies
            .iter()
            .enumerate()
            .filter(|(_, item)| item.entry.featured)
            .map(|(i, _)| self.card(i, report))
            .collect();
        context.insert_value("featured", Value::from(featured));
        let recent: Vec<Value> = (0..site.case_studies.len().min(RECENT_ON_HOME))
            .map(|i| self.card(i, report))
            .collect();
        context.insert_value("recent", Value::from(recent));
        context.insert("taxonomies", &self.taxonomy_values());
        context
    }

    /// Every taxonomy with its terms and counts, for the home and search pages.
    fn taxonomy_values(&self) -> Vec<Json> {
        self.site.taxonomies.iter().map(taxonomy_value).collect()
    }

    fn taxonomy_context(&self, index: usize) -> Context {
        let lang = self.site.config.config.language.as_str();
        let taxonomy = &self.site.taxonomies[index];
        let title = self.string(lang, &format!("taxonomy_{}", taxonomy.name));
        let mut context = self.base_context(lang, &taxonomy.url, &title);
        context.insert("taxonomy", &taxonomy_value(taxonomy));
        context
    }

    fn feed_context(&self) -> Context {
        let site = self.site;
        let config = &site.config.config;
        let mut context = self.base_context(&config.language, &site.base_path, &config.title);
        let entries: Vec<Json> = site
            .case_studies
            .iter()
            .take(FEED_ENTRIES)
            .map(|item| {
                json!({
                    "title": item.entry.title,
                    "summary": item.entry.summary,
                    "permalink": self.permalink(&item.url),
                    "date": item.entry.date.map(|d| d.to_string()),
                })
            })
            .collect();
        context.insert("entries", &entries);
        context.insert(
            "updated",
            &site
                .case_studies
                .first()
                .and_then(|i| i.entry.date)
                .map(|d| d.to_string()),
        );
        context
    }

    fn string(&self, lang: &str, key: &str) -> String {
        self.raw_strings
            .get(self.ui_lang(lang))
            .and_then(|strings| strings.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
    /// One page of `per_page` cards.
    fn list_context(&self, list: ListOf, number: usize, report: &dyn Fn(&tera::Error)) -> Context {
        let site = self.site;
        let lang = site.config.config.language.as_str();
        let per_page = self.per_page();
        let items = self.list_items(list);
        let total_pages = self.total_pages(list);
        let start = (number - 1) * per_page;
        let (from, to) = self.page_range(items.len(), number);
        let cards: Vec<Value> = items[from..to]
            .iter()
            .map(|&i| self.card(i, report))
            .collect();
        let current = self.page_url(list, number);
        let mut context = self.base_context(lang, &current, "");
        match list {
            ListOf::All => context.insert("title", &self.string(lang, "all_case_studies")),
            ListOf::Term { taxonomy, term } => {
                let taxonomy = &site.taxonomies[taxonomy];
                let term = &taxonomy.terms[term];
                let title = self.string(lang, &format!("taxonomy_{}", taxonomy.name));
                context.insert("title", &term.label);
                context.insert(
                    "taxonomy",
                    &json!({"name": taxonomy.name, "url": taxonomy.url, "title": title}),
                );
                context.insert("term", &term_value(term));
            }
        }
        let page_url = |n: usize| self.page_url(list, n);
        context.insert_value("items", Value::from(cards));
        context.insert(
            "paginator",
            &json!({
                "current": number,
                "total_pages": total_pages,
                "total_items": items.len(),
                "first_item": if items.is_empty() { 0 } else { start + 1 },
                "last_item": (start + per_page).min(items.len()),
                "previous": (number > 1).then(|| page_url(number - 1)),
                "next": (number < total_pages).then(|| page_url(number + 1)),
                "pages": page_window(number, total_pages).into_iter().map(|n| json!({"number": n, "url": n.map(page_url)})).collect::<Vec<_>>(),
            }),
        );
        context
    }
}

fn translations(item: &Item) -> Vec<Json> {
    item.translations
        .iter()
        .map(|(lang, url)| json!({"lang": lang, "url": url}))
        .collect()
}

/// Values a card shows of one list; the others are counted (« et 9 997 autres »). A case
/// study listing 10,000 municipalities has a card on each of their 10,000 term pages: with
/// every value on every card, the output grew with the square of the list (8.8 GB).
const CARD_VALUES: usize = 3;

/// Fields a card shows; those with a list of values also get `<name>_more`, the text that
/// counts the values left out (null when all are shown).
const CARD_FIELDS: [&str; 5] = ["municipality", "region", "themes", "status", "year"];

/// What a list shows for one case study. `more` is the UI text for the values left out,
/// with `{count}` for their number.
fn card(item: &Item, lang: &str, more: &str) -> Json {
    let mut card = json!({
        "title": item.entry.title,
        "url": item.url,
        "date": item.entry.date.map(|d| d.to_string()),
        "date_display": item.entry.date.map(|d| format::long_date(d, lang)),
        "summary": item.entry.summary,
        "featured": item.entry.featured,
        "lang": item.entry.lang,
    });
    for name in CARD_FIELDS {
        let (shown, left_out) = match item.fields.get(name) {
            // "et 1 autre" would take the place of the value itself: show it instead.
            Some(Json::Array(values)) if values.len() > CARD_VALUES + 1 => (
                Json::Array(values.iter().take(CARD_VALUES).cloned().collect()),
                Some(values.len() - CARD_VALUES),
            ),
            Some(value) => (value.clone(), None),
            None => (Json::Null, None),
        };
        card[name] = shown;
        card[format!("{name}_more")] = left_out
            .map(|n| more.replace("{count}", &format::number(n as f64, lang)))
            .into();
    }
    card
}

/// What templates see as `page`: every schema field (null when absent), the body and
/// metadata. Serialised straight from the model, without an intermediate copy.
struct PageView<'a> {
    item: &'a Item,
    /// Case studies list every schema field, so templates can test any of them.
    schema: Option<&'a indexmap::IndexMap<String, crate::config::FieldSpec>>,
    show_toc: bool,
    json_ld: Option<&'a str>,
}

impl serde::Serialize for PageView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let item = self.item;
        let mut map = serializer.serialize_map(None)?;
        if let Some(schema) = self.schema {
            for name in schema.keys() {
                if !item.fields.contains_key(name) && !ENTRY_KEYS.contains(&name.as_str()) {
                    map.serialize_entry(name, &Json::Null)?;
                }
            }
        }
        for (name, value) in &item.fields {
            if !ENTRY_KEYS.contains(&name.as_str()) {
                map.serialize_entry(name, value)?;
            }
        }
        map.serialize_entry("title", &item.entry.title)?;
        map.serialize_entry("summary", &item.entry.summary)?;
        map.serialize_entry("url", &item.url)?;
        map.serialize_entry("lang", &item.entry.lang)?;
        map.serialize_entry("file", &item.entry.file)?;
        map.serialize_entry("date", &item.entry.date.map(|d| d.to_string()))?;
        map.serialize_entry("content", &item.body.html)?;
        let toc: &[crate::markdown::TocEntry] = if self.show_toc { &item.body.toc } else { &[] };
        map.serialize_entry("toc", toc)?;
        map.serialize_entry(
            "reading_minutes",
            &word_count(&item.body.text).div_ceil(200).max(1),
        )?;
        if let Some(json_ld) = self.json_ld {
            map.serialize_entry("json_ld", json_ld)?;
        }
        map.end()
    }
}

/// Words in a text, as runs of non-blank bytes: enough for a reading time, and a tenth of the
/// cost of a Unicode-aware split on every case study page.
fn word_count(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for byte in text.bytes() {
        let blank = byte.is_ascii_whitespace();
        count += usize::from(!blank && !in_word);
        in_word = !blank;
    }
    count
}

/// Keys of `page` that come from the entry rather than from its fields.
const ENTRY_KEYS: &[&str] = &[
    "title",
    "summary",
    "url",
    "lang",
    "file",
    "date",
    "content",
    "toc",
    "reading_minutes",
    "json_ld",
];

fn taxonomy_value(taxonomy: &Taxonomy) -> Json {
    json!({
        "name": taxonomy.name,
        "url": taxonomy.url,
        "terms": taxonomy.terms.iter().map(term_value).collect::<Vec<_>>(),
    })
}

fn term_value(term: &Term) -> Json {
    json!({"id": term.id, "label": term.label, "url": term.url, "count": term.items.len()})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_non_blank_characters() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  \n "), 0);
        assert_eq!(word_count("Un accueil\nréussi, à Gaspé !"), 6);
        assert_eq!(word_count(" l'intégration\t des  personnes "), 3);
    }
}
