//! Stage 4: the site as plain data: case studies and pages with their rendered bodies,
//! taxonomies with their terms, and the links between them.

mod fields;
mod packed;
mod related;

pub use fields::{Field, Fields, SharedObjects};
pub use packed::Packed;
pub use related::Related;

use crate::config::{SiteConfig, TaxonomyGroup};
use crate::diagnostic::Diagnostic;
use crate::load::Asset;
use crate::markdown::{LinkTargets, MarkdownRenderer, RenderedBody, TocEntry};
use crate::messages;
use crate::search::tokenize::KeyCache;
use crate::text::{fold, slugify};
use crate::validate::{Entry, EntryKind};
use chrono::Datelike;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::sync::Arc;

/// A validated entry with its rendered body.
#[derive(Debug, Clone)]
pub struct Item {
    pub entry: Entry,
    pub body: Body,
    /// Public URL path, base path included: `/pratiques/etudes-de-cas/a/`.
    pub url: String,
    /// The entry's fields with taxonomy values linked to their term pages.
    pub fields: Fields,
    /// Other-language versions: (lang, url).
    pub translations: Vec<(String, String)>,
    /// Identifies the item's content, for incremental rebuilds.
    pub fingerprint: Fingerprint,
    /// The title folded (case, accents) once, for sorting: folding is what made sorting
    /// 10,000 case studies slow when the preview assembles the site after a save.
    folded_title: String,
    /// The taxonomy terms it carries: (index of the taxonomy in the configuration, id,
    /// label), found once when its fields are linked (see `link_terms`).
    terms: Vec<(usize, String, String)>,
    /// Stemmed words of the title and summary, as feature hashes, for related practices
    /// (see `related`).
    related_words: Vec<u64>,
}

/// A rendered body as the model keeps it, HTML and text packed together (see `packed`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// The HTML, then the text.
    pub packed: Packed,
    pub toc: Vec<TocEntry>,
    /// See `RenderedBody::images`.
    pub images: Vec<(String, usize, usize)>,
    /// Words of the text, for the reading time: counted once, as the text is packed.
    pub words: usize,
}

impl From<RenderedBody> for Body {
    fn from(body: RenderedBody) -> Self {
        Body {
            packed: Packed::new(&body.html, &body.text),
            words: word_count(&body.text),
            toc: body.toc,
            images: body.images,
        }
    }
}

impl Body {
    pub fn html(&self) -> String {
        self.packed.first()
    }

    /// The plain text, as the search index reads it.
    pub fn text(&self) -> String {
        self.packed.second()
    }
}

/// Words in a text, as runs of non-blank bytes: enough for a reading time, and a tenth of the
/// cost of a Unicode-aware split.
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

impl Item {
    /// Whether `other`, put in this item's slot, keeps what `assemble` derives from it
    /// besides order and related practices: same kind, URL and file, taxonomy terms and
    /// translation links. `Site::can_replace` checks the order too.
    fn same_links(&self, other: &Item) -> bool {
        let (a, b) = (&self.entry, &other.entry);
        a.kind == b.kind
            && self.url == other.url
            && a.file == b.file
            && a.lang == b.lang
            && a.translation_key == b.translation_key
            && self.terms == other.terms
    }
}

/// Where a case study goes in the site: newest first, then by title, then by file (which
/// no two share, so no two case studies have one place).
fn case_study_order(item: &Item) -> (std::cmp::Reverse<Option<chrono::NaiveDate>>, &str, &str) {
    let entry = &item.entry;
    (
        std::cmp::Reverse(entry.date),
        &item.folded_title,
        &entry.file,
    )
}

/// Where a page goes among pages: by weight, then by title (then in load order).
fn page_order(item: &Item) -> (i64, &str) {
    (item.entry.weight, &item.folded_title)
}

/// A slot of a site: a page (`true`) or a case study, by index.
pub type Place = (bool, usize);

impl Site {
    /// The case studies, then the content pages: the order in which the search index
    /// numbers its documents.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        (self.case_studies.iter())
            .chain(&self.pages)
            .map(|item| &**item)
    }

    /// Whether putting each item at its place gives the site `assemble` would make from
    /// the items: the same order, taxonomies and translations, so that only what shows
    /// the items themselves changes (a body, outcomes, an amount, a title that keeps the
    /// item between its neighbours…). Related practices may change: `replace` updates them.
    pub fn can_replace(&self, items: &[(&Item, Place)]) -> bool {
        let replaced: HashMap<usize, &Item> = (items.iter())
            .filter(|(_, (page, _))| !page)
            .map(|&(item, (_, index))| (index, item))
            .collect();
        let case_study = |index: usize| {
            (replaced.get(&index).copied()).or_else(|| self.case_studies.get(index).map(|a| &**a))
        };
        items.iter().all(|&(item, (page, index))| {
            let slots = if page {
                &self.pages
            } else {
                &self.case_studies
            };
            let Some(old) = slots.get(index) else {
                return false;
            };
            if !old.same_links(item) {
                return false;
            }
            if page {
                return page_order(old) == page_order(item);
            }
            // Still between its neighbours, themselves perhaps replaced too.
            let place = case_study_order(item);
            let before = index.checked_sub(1).and_then(case_study);
            before.is_none_or(|before| case_study_order(before) < place)
                && case_study(index + 1).is_none_or(|after| place < case_study_order(after))
        })
    }

    /// Puts each item at its place, which `can_replace` accepted, and updates the related
    /// practices of the case studies whose words changed.
    pub fn replace(&mut self, items: Vec<(Item, Place)>) {
        let mut reworded = Vec::new();
        for (mut item, (page, index)) in items {
            let slots = if page {
                &mut self.pages
            } else {
                &mut self.case_studies
            };
            let Some(slot) = slots.get_mut(index) else {
                continue;
            };
            item.translations = slot.translations.clone();
            if !page && slot.related_words != item.related_words {
                reworded.push(index);
            }
            *slot = Arc::new(item);
        }
        if !reworded.is_empty() {
            self.related.update(&self.case_studies, &reworded);
        }
    }
}

/// One value of a taxonomy and the case studies that carry it.
#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    /// Its label in the site's default language.
    pub label: String,
    /// Its label in each other language of the site whose vocabulary label differs: (lang,
    /// label). A free-text value (a municipality) or a year is the same in every language.
    pub labels: Vec<(String, String)>,
    pub url: String,
    /// Indexes into `Site::case_studies`, in the site's order (newest first).
    pub items: Vec<usize>,
}

impl Term {
    /// Its label in `lang`: the vocabulary's label in that language when it has one.
    pub fn label(&self, lang: &str) -> &str {
        (self.labels.iter())
            .find(|(l, _)| l == lang)
            .map_or(&self.label, |(_, label)| label)
    }
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
    /// Newest first, then by title. Shared (`Arc`): the preview's deferred work reads one
    /// site while the next is assembled, from the same items.
    pub case_studies: Vec<Arc<Item>>,
    /// Content pages, by weight then title.
    pub pages: Vec<Arc<Item>>,
    pub taxonomies: Vec<Taxonomy>,
    pub assets: Vec<Asset>,
    /// For each case study (same index), the indexes of its related practices, most
    /// similar first. Made from what meta fingerprints cover only (see `related`).
    pub related: Related,
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
                    messages::SAME_ADDRESS
                        .with("url", &entry.url_path)
                        .with("other", other),
                )
                .at(1, 1)
                .hint(&messages::HINT_SAME_ADDRESS),
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
    config: &SiteConfig,
    renderer: &MarkdownRenderer,
    mut entry: Entry,
    targets: &LinkTargets,
    shared: &SharedObjects,
    stemmers: &KeyCache,
) -> (Item, Vec<Diagnostic>) {
    let base_path = config.base_path();
    let mut found = Vec::new();
    replace_nul(&mut entry.title);
    replace_nul(&mut entry.summary);
    entry.fields.values_mut().for_each(replace_nul_in);
    let body = renderer.render(
        &entry.body,
        &entry.file,
        &entry.content_path,
        entry.body_line,
        usize::from(entry.fields.contains_key(crate::images::COVER_KEY)),
        targets,
        &mut found,
    );
    let url = format!("{base_path}{}", entry.url_path);
    // The model owns the fields from here on, and the Markdown source is no longer
    // needed once rendered: not keeping two copies matters at 10,000 case studies.
    let mut fields = std::mem::take(&mut entry.fields);
    entry.body = String::new();
    let terms = link_terms(config, &base_path, &entry, &mut fields);
    let fingerprint = Fingerprint::of(&entry, &fields, &body);
    let mut fields = Fields::from(fields);
    shared.share(&mut fields);
    let item = Item {
        folded_title: fold(&entry.title),
        related_words: related::text_keys(&entry.title, &entry.summary, &entry.lang, stemmers),
        terms,
        entry,
        body: body.into(),
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
pub fn assemble(config: SiteConfig, items: Vec<Arc<Item>>, assets: Vec<Asset>) -> Site {
    let base_path = config.base_path();
    let mut case_studies = Vec::new();
    let mut pages = Vec::new();
    for item in items {
        match item.entry.kind {
            EntryKind::CaseStudy => case_studies.push(item),
            EntryKind::Page => pages.push(item),
        }
    }
    // Stable sorts.
    case_studies.sort_by(|a, b| case_study_order(a).cmp(&case_study_order(b)));
    pages.sort_by(|a, b| page_order(a).cmp(&page_order(b)));
    link_translations(&mut case_studies, &mut pages);

    let taxonomies = build_taxonomies(&config, &base_path, &case_studies);
    let related = related::related(&case_studies);
    Site {
        config,
        base_path,
        case_studies,
        pages,
        taxonomies,
        assets,
        related,
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
        // `images` are named by the HTML (each copy's file name holds its key).
        let RenderedBody {
            html,
            toc,
            text,
            images: _,
        } = body;
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

/// Links each item to its other-language versions (same `translation_key`). An item is
/// copied only when its links change: most are shared with the site assembled before.
fn link_translations(case_studies: &mut [Arc<Item>], pages: &mut [Arc<Item>]) {
    let mut groups: HashMap<&str, Vec<(String, String)>> = HashMap::new();
    for item in case_studies.iter().chain(pages.iter()) {
        if let Some(key) = &item.entry.translation_key {
            groups
                .entry(key)
                .or_default()
                .push((item.entry.lang.clone(), item.url.clone()));
        }
    }
    let linked: Vec<Vec<(String, String)>> = case_studies
        .iter()
        .chain(pages.iter())
        .map(|item| {
            let group = item
                .entry
                .translation_key
                .as_deref()
                .and_then(|k| groups.get(k));
            group.map_or_else(Vec::new, |group| {
                group
                    .iter()
                    .filter(|(lang, _)| *lang != item.entry.lang)
                    .cloned()
                    .collect()
            })
        })
        .collect();
    for (item, translations) in case_studies.iter_mut().chain(pages.iter_mut()).zip(linked) {
        if item.translations != translations {
            Arc::make_mut(item).translations = translations;
        }
    }
}

/// Turns the values of every taxonomy field into linked terms (`id`, `label`, `url`), so
/// templates can link a fact to its term page; a date grouped by year gets a `year` term.
/// Done once per item, when it is made: the links depend only on the configuration.
/// Returns the terms found, for `build_taxonomies`.
fn link_terms(
    config: &SiteConfig,
    base_path: &str,
    entry: &Entry,
    fields: &mut Map<String, Json>,
) -> Vec<(usize, String, String)> {
    let mut terms = Vec::new();
    // Term links go to the term pages in the entry's language. Labels stay those of the
    // site's language, as the exports give them; pages show them in theirs (`render`).
    let lang_path = config.lang_path(&entry.lang);
    for (taxonomy, taxonomy_config) in config.config.taxonomies.iter().enumerate() {
        let url = format!("{base_path}{lang_path}{}/", taxonomy_config.slug);
        let mut found = Vec::new();
        if taxonomy_config.group == Some(TaxonomyGroup::Year) {
            if let Some(date) = entry.date {
                let year = date.year().to_string();
                fields.insert("year".into(), term_object(&year, &year, &url));
                found.push((year.clone(), year));
            }
        } else {
            let path: Vec<&str> = taxonomy_config.field.split('.').collect();
            link_values(fields, &path, &url, &mut found);
        }
        terms.extend(found.into_iter().map(|(id, label)| (taxonomy, id, label)));
    }
    terms
}

/// The vocabulary of the taxonomy field at `path` (`funding.program`), if it has one.
fn taxonomy_vocabulary<'c>(
    config: &'c SiteConfig,
    path: &str,
) -> Option<&'c crate::config::Vocabulary> {
    let mut parts = path.split('.');
    let mut spec = config.config.fields.get(parts.next()?)?;
    for part in parts {
        spec = spec.fields.get(part)?;
    }
    config.vocabulary(spec.vocabulary.as_deref()?)
}

/// Walks `path` inside `fields` (through lists), turning each plain value found into a
/// linked term and adding its `url` to a term object; collects each term's (id, label).
fn link_values(
    fields: &mut Map<String, Json>,
    path: &[&str],
    taxonomy_url: &str,
    found: &mut Vec<(String, String)>,
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if let Some(value) = fields.get_mut(*first) {
        link_value(value, rest, taxonomy_url, found);
    }
}

fn link_value(
    value: &mut Json,
    rest: &[&str],
    taxonomy_url: &str,
    found: &mut Vec<(String, String)>,
) {
    match value {
        Json::Array(items) => {
            for item in items {
                link_value(item, rest, taxonomy_url, found);
            }
        }
        Json::Object(object) if !rest.is_empty() => link_values(object, rest, taxonomy_url, found),
        Json::Object(object) => {
            if let Some(id) = object.get("id").and_then(Json::as_str) {
                let id = id.to_string();
                let label = object.get("label").and_then(Json::as_str);
                let label = label.unwrap_or_default().to_string();
                object.insert("url".into(), format!("{taxonomy_url}{id}/").into());
                found.push((id, label));
            }
        }
        Json::String(text) if rest.is_empty() => {
            let id = slugify(text);
            if !id.is_empty() {
                found.push((id.clone(), text.clone()));
                *value = term_object(&id, text, taxonomy_url);
            }
        }
        _ => {}
    }
}

/// Collects the terms of every taxonomy from the terms each case study carries (see
/// `link_terms`): no field is read again, which matters when the preview assembles 10,000
/// case studies after a save.
fn build_taxonomies(
    config: &SiteConfig,
    base_path: &str,
    case_studies: &[Arc<Item>],
) -> Vec<Taxonomy> {
    let configs = &config.config.taxonomies;
    let mut terms: Vec<Vec<Term>> = vec![Vec::new(); configs.len()];
    let mut term_index: Vec<rustc_hash::FxHashMap<&str, usize>> =
        vec![Default::default(); configs.len()];
    let urls: Vec<String> = configs
        .iter()
        .map(|taxonomy| format!("{base_path}{}/", taxonomy.slug))
        .collect();
    for (index, item) in case_studies.iter().enumerate() {
        for (taxonomy, id, label) in &item.terms {
            let (terms, term_index) = (&mut terms[*taxonomy], &mut term_index[*taxonomy]);
            let at = *term_index.entry(id).or_insert_with(|| {
                terms.push(Term {
                    url: format!("{}{id}/", urls[*taxonomy]),
                    id: id.clone(),
                    label: label.clone(),
                    labels: other_labels(config, *taxonomy, id, label),
                    items: Vec::new(),
                });
                terms.len() - 1
            });
            let term = &mut terms[at];
            if term.items.last() != Some(&index) {
                term.items.push(index);
            }
        }
    }
    configs
        .iter()
        .zip(terms)
        .zip(urls)
        .map(|((taxonomy_config, mut terms), url)| {
            let by_year = taxonomy_config.group == Some(TaxonomyGroup::Year);
            // By id first, so that terms whose labels fold the same keep a stable order.
            terms.sort_unstable_by(|a, b| a.id.cmp(&b.id));
            if by_year {
                terms.sort_by(|a, b| b.id.cmp(&a.id));
            } else {
                terms.sort_by_cached_key(|t| fold(&t.label));
            }
            let name = match by_year {
                true => "year".to_string(),
                false => taxonomy_config
                    .field
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            };
            Taxonomy {
                field: taxonomy_config.field.clone(),
                name,
                slug: taxonomy_config.slug.clone(),
                url,
                terms,
            }
        })
        .collect()
}

/// The labels of the term `id` of a taxonomy in the site's other languages, where its
/// vocabulary gives one that differs from `label`.
fn other_labels(
    config: &SiteConfig,
    taxonomy: usize,
    id: &str,
    label: &str,
) -> Vec<(String, String)> {
    let Some(field) = config
        .config
        .taxonomies
        .get(taxonomy)
        .map(|t| t.field.as_str())
    else {
        return Vec::new();
    };
    let Some(term) = taxonomy_vocabulary(config, field).and_then(|v| v.lookup(id)) else {
        return Vec::new();
    };
    (config.config.languages.iter().skip(1))
        .filter(|lang| term.label(lang) != label)
        .map(|lang| (lang.clone(), term.label(lang).to_string()))
        .collect()
}

fn term_object(id: &str, label: &str, taxonomy_url: &str) -> Json {
    let mut object = Map::new();
    object.insert("id".into(), id.into());
    object.insert("label".into(), label.into());
    object.insert("url".into(), format!("{taxonomy_url}{id}/").into());
    Json::Object(object)
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
