//! What each page is made from, declared once: `Shared::inputs` turns a job into its
//! `PageInputs`, the job's key hashes that value, and the page's context is made from it
//! (and from the site-wide `Global`, whose key every page's key includes) — never from the
//! site itself. A value a template shows is therefore always in the key: the preview server
//! cannot keep a stale page because a hash was not kept in step with a context.
//!
//! Items are hashed through their fingerprints (`full` for the page of the item, `meta` for
//! a card or a feed entry), taxonomies and terms through the serialisation the context shows,
//! so no part is hashed otherwise than it is read.

use super::context::Global;
use super::sitemap::{SitemapFile, SitemapUrl};
use super::{FEATURED_ON_HOME, FEED_ENTRIES, JobKind, ListOf, RECENT_ON_HOME};
use crate::model::{Item, Site, Taxonomy, Term, hash_json};
use crate::theme::Theme;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::OnceLock;

/// The site's values shared by the pages while they are planned and rendered.
pub(super) struct Shared<'a> {
    pub(super) site: &'a Site,
    /// What every page may show beyond its own inputs.
    pub(super) global: Global<'a>,
    /// What the pages of each language of the site show, the default language first.
    pub(super) langs: Vec<LangView<'a>>,
    /// Every URL of the site, for the sitemap files, made when first needed.
    pub(super) sitemap: OnceLock<Vec<SitemapUrl>>,
}

/// The site as the pages of one language show it: the case studies its lists hold (each in
/// that language when it has a version in it, else in the default language, else as it is)
/// and the taxonomies labelled and linked in that language, holding those case studies.
pub(super) struct LangView<'a> {
    pub(super) code: &'a str,
    /// The language's folder from the base path: `` for the default language, else `en/`.
    pub(super) path: String,
    /// Indexes of the case studies its lists show, in the site's order.
    pub(super) all: Vec<usize>,
    /// Indexes of the newest featured ones among them, as many as the home page shows.
    featured: Vec<usize>,
    /// The list of all its case studies' URL: `/en/etudes-de-cas/`.
    all_url: String,
    /// The site's taxonomies in this language; a term none of `all` carries is left out.
    pub(super) taxonomies: Cow<'a, [Taxonomy]>,
    /// For each taxonomy, the index among the site's terms of each of its terms.
    site_terms: Vec<Vec<usize>>,
    /// For each taxonomy, the index among its terms of each of the site's terms.
    positions: Vec<Vec<Option<usize>>>,
    /// The related practices of its case studies that have fewer than `MIN_RELATED` in
    /// their own language, completed from those of their default-language version.
    related: HashMap<usize, Vec<usize>>,
}

/// Related practices a case study page should show: fewer are completed from its
/// translation's (see `LangView::related`).
const MIN_RELATED: usize = 3;
/// And at most.
const MAX_RELATED: usize = 5;

impl<'a> LangView<'a> {
    fn new(site: &'a Site, code: &'a str) -> Self {
        let config = &site.config;
        let default = code == config.config.language;
        let shown: Vec<bool> = (site.case_studies.iter())
            .map(|item| shown_in(item, code, &config.config.language))
            .collect();
        let all: Vec<usize> = (0..shown.len()).filter(|&i| shown[i]).collect();
        let featured = (all.iter().copied())
            .filter(|&i| site.case_studies[i].entry.featured)
            .take(FEATURED_ON_HOME)
            .collect();
        let path = config.lang_path(code);
        let section = &config.config.case_studies.section;
        let all_url = format!("{}{path}{section}/", site.base_path);
        let identity = |t: &Taxonomy| (0..t.terms.len()).collect::<Vec<_>>();
        if default && all.len() == shown.len() {
            // Nothing to relabel or leave out: the site's own taxonomies.
            return LangView {
                related: HashMap::new(),
                code,
                path,
                all,
                featured,
                all_url,
                site_terms: site.taxonomies.iter().map(identity).collect(),
                positions: (site.taxonomies.iter())
                    .map(|t| identity(t).into_iter().map(Some).collect())
                    .collect(),
                taxonomies: Cow::Borrowed(&site.taxonomies),
            };
        }
        let mut taxonomies = Vec::with_capacity(site.taxonomies.len());
        let mut site_terms = Vec::with_capacity(site.taxonomies.len());
        let mut positions = Vec::with_capacity(site.taxonomies.len());
        for (taxonomy, taxonomy_config) in site.taxonomies.iter().zip(&config.config.taxonomies) {
            let url = format!("{}{path}{}/", site.base_path, taxonomy.slug);
            let mut terms: Vec<(usize, Term)> = (taxonomy.terms.iter().enumerate())
                .filter_map(|(index, term)| {
                    let items: Vec<usize> =
                        term.items.iter().copied().filter(|&i| shown[i]).collect();
                    (!items.is_empty()).then(|| {
                        let term = Term {
                            id: term.id.clone(),
                            label: term.label(code).to_string(),
                            labels: Vec::new(),
                            url: format!("{url}{}/", term.id),
                            items,
                        };
                        (index, term)
                    })
                })
                .collect();
            // The site's terms are sorted by their labels in the default language.
            if !default && taxonomy_config.group.is_none() {
                terms.sort_by_cached_key(|(_, term)| crate::text::fold(&term.label));
            }
            let mut position = vec![None; taxonomy.terms.len()];
            for (at, (index, _)) in terms.iter().enumerate() {
                position[*index] = Some(at);
            }
            positions.push(position);
            site_terms.push(terms.iter().map(|(index, _)| *index).collect());
            taxonomies.push(Taxonomy {
                field: taxonomy.field.clone(),
                name: taxonomy.name.clone(),
                slug: taxonomy.slug.clone(),
                url,
                terms: terms.into_iter().map(|(_, term)| term).collect(),
            });
        }
        LangView {
            related: completed_related(site, code),
            code,
            path,
            all,
            featured,
            all_url,
            taxonomies: Cow::Owned(taxonomies),
            site_terms,
            positions,
        }
    }
}

/// Related practices are found among the case studies of one language: a case study in a
/// language with few of them (an English version among French case studies) links few.
/// Those of its default-language version complete its list, each shown in `lang` when it
/// has a version in it, as the lists of `lang` show it.
fn completed_related(site: &Site, lang: &str) -> HashMap<usize, Vec<usize>> {
    let default = site.config.config.language.as_str();
    let mut versions: HashMap<(&str, &str), usize> = HashMap::new();
    for (index, item) in site.case_studies.iter().enumerate() {
        if let Some(key) = &item.entry.translation_key {
            versions.entry((key, &item.entry.lang)).or_insert(index);
        }
    }
    let key_of = |index: usize| site.case_studies[index].entry.translation_key.as_deref();
    let mut completed = HashMap::new();
    for (index, item) in site.case_studies.iter().enumerate() {
        let own = site.related.of(index);
        let Some(key) = key_of(index) else { continue };
        if item.entry.lang != lang || lang == default || own.len() >= MIN_RELATED {
            continue;
        }
        let Some(&original) = versions.get(&(key, default)) else {
            continue;
        };
        let mut list = own.to_vec();
        for &other in site.related.of(original) {
            let shown = (key_of(other).and_then(|k| versions.get(&(k, lang))))
                .copied()
                .unwrap_or(other);
            if shown != index && shown != original && !list.contains(&shown) {
                list.push(shown);
            }
        }
        list.truncate(MAX_RELATED);
        completed.insert(index, list);
    }
    completed
}

/// Whether the lists in `lang` show `item`: its version in `lang` when there is one, else
/// its version in the default language, else the item as it is.
pub(super) fn shown_in(item: &Item, lang: &str, default: &str) -> bool {
    let has = |wanted: &str| item.translations.iter().any(|(l, _)| l == wanted);
    item.entry.lang == lang || (!has(lang) && (item.entry.lang == default || !has(default)))
}

impl<'a> Shared<'a> {
    pub(super) fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let langs: Vec<LangView> = (site.config.config.languages.iter())
            .map(|code| LangView::new(site, code))
            .collect();
        Shared {
            site,
            global: Global::new(site, theme, &langs),
            langs,
            sitemap: OnceLock::new(),
        }
    }

    pub(super) fn list_items(&self, lang: usize, list: ListOf) -> &[usize] {
        let view = &self.langs[lang];
        match list {
            ListOf::All => &view.all,
            ListOf::Term { taxonomy, term } => &view.taxonomies[taxonomy].terms[term].items,
        }
    }

    /// The URL of a list's first page.
    pub(super) fn list_url(&self, lang: usize, list: ListOf) -> &str {
        let view = &self.langs[lang];
        match list {
            ListOf::All => &view.all_url,
            ListOf::Term { taxonomy, term } => &view.taxonomies[taxonomy].terms[term].url,
        }
    }

    /// The same list in every other language, where it has page `page`: (lang, URL).
    pub(super) fn list_alternates(
        &self,
        lang: usize,
        list: ListOf,
        page: usize,
    ) -> Vec<(&str, String)> {
        let view = &self.langs[lang];
        (self.langs.iter().enumerate())
            .filter(|(other, _)| *other != lang)
            .filter_map(|(other, other_view)| {
                let same = match list {
                    ListOf::All => ListOf::All,
                    ListOf::Term { taxonomy, term } => {
                        let site_term = view.site_terms[taxonomy][term];
                        let term = other_view.positions[taxonomy][site_term]?;
                        ListOf::Term { taxonomy, term }
                    }
                };
                let pages = self.total_pages(other, same);
                (page <= pages).then(|| (other_view.code, self.page_url(other, same, page)))
            })
            .collect()
    }

    /// For the list of one term: its taxonomy and the term.
    fn term_of(&self, lang: usize, list: ListOf) -> Option<TermOf<'_>> {
        match list {
            ListOf::All => None,
            ListOf::Term { taxonomy, term } => {
                let taxonomy = &self.langs[lang].taxonomies[taxonomy];
                Some(TermOf {
                    taxonomy: TaxonomyName {
                        name: &taxonomy.name,
                        url: &taxonomy.url,
                    },
                    term: TermView(&taxonomy.terms[term]),
                })
            }
        }
    }

    /// Everything the page of `kind` shows beyond the site-wide values. Cheap: it borrows
    /// from the site and allocates nothing but a sitemap index's part list and a list's
    /// other-language versions, since every page's key is computed from it on every rebuild
    /// of the preview.
    pub(super) fn inputs(&self, kind: JobKind) -> PageInputs<'_> {
        let site = self.site;
        let cards = |indexes| Cards {
            indexes,
            items: &site.case_studies,
        };
        let code = |lang: usize| self.langs[lang].code;
        match kind {
            JobKind::CaseStudy(index) => {
                let card = |i: Option<usize>| {
                    let item = site.case_studies.get(i?)?;
                    Some(Card { index: i?, item })
                };
                let item = &site.case_studies[index];
                // Its neighbours in the list of its language (sorted like the site), so that
                // an English page leads to English pages, and to French ones only where the
                // English list shows them; in the site's order if that list lacks it.
                let view = (self.langs.iter())
                    .find(|view| view.code == item.entry.lang)
                    .or(self.langs.first());
                let (newer, older) = match view.map(|v| (v, v.all.binary_search(&index))) {
                    Some((view, Ok(at))) => (
                        at.checked_sub(1).map(|at| view.all[at]),
                        view.all.get(at + 1).copied(),
                    ),
                    _ => (index.checked_sub(1), index.checked_add(1)),
                };
                let related = match view.and_then(|view| view.related.get(&index)) {
                    Some(list) => list.as_slice(),
                    None => site.related.of(index),
                };
                PageInputs::CaseStudy {
                    item: Full(item),
                    newer: card(newer),
                    older: card(older),
                    related: cards(related),
                }
            }
            JobKind::Page(index) => PageInputs::Page(Full(&site.pages[index])),
            JobKind::Home(lang) => {
                let view = &self.langs[lang];
                PageInputs::Home {
                    lang: view.code,
                    featured: cards(&view.featured),
                    recent: cards(&view.all[..view.all.len().min(RECENT_ON_HOME)]),
                    taxonomies: Taxonomies(&view.taxonomies),
                }
            }
            JobKind::List { lang, list, page } => {
                let items = self.list_items(lang, list);
                let (start, end) = self.global.page_range(items.len(), page);
                PageInputs::List {
                    lang: code(lang),
                    url: self.list_url(lang, list),
                    term: self.term_of(lang, list),
                    page,
                    total_pages: self.global.total_pages(items.len()),
                    total_items: items.len(),
                    cards: cards(&items[start..end]),
                    alternates: self.list_alternates(lang, list, page),
                }
            }
            JobKind::Taxonomy { lang, index } => PageInputs::Taxonomy {
                lang: code(lang),
                taxonomy: TaxonomyView(&self.langs[lang].taxonomies[index]),
            },
            JobKind::Search(lang) => PageInputs::Search {
                lang: code(lang),
                taxonomies: Taxonomies(&self.langs[lang].taxonomies),
            },
            JobKind::Statistics(lang) => PageInputs::Statistics {
                lang: code(lang),
                taxonomies: Taxonomies(&self.langs[lang].taxonomies),
                items: cards(&self.langs[lang].all),
            },
            JobKind::Propose(lang) => PageInputs::Propose {
                lang: code(lang),
                schema: Schema(&site.config.config.fields),
            },
            JobKind::NotFound(lang) => PageInputs::NotFound { lang: code(lang) },
            JobKind::Feed { lang, list } => {
                let items = self.list_items(lang, list);
                PageInputs::Feed {
                    lang: code(lang),
                    // The page a feed is the feed of: the home page for the site's feed.
                    url: match list {
                        ListOf::All => self.global.home(code(lang)),
                        ListOf::Term { .. } => self.list_url(lang, list),
                    },
                    term: self.term_of(lang, list),
                    entries: cards(&items[..items.len().min(FEED_ENTRIES)]),
                }
            }
            JobKind::Sitemap(file) => match file {
                SitemapFile::Whole => PageInputs::Sitemap {
                    urls: self.sitemap_urls(),
                },
                SitemapFile::Part { start, end, .. } => PageInputs::Sitemap {
                    urls: &self.sitemap_urls()[start..end],
                },
                SitemapFile::Index { parts } => PageInputs::SitemapIndex {
                    parts: self.sitemap_parts(parts),
                },
            },
            JobKind::Robots => PageInputs::Robots,
        }
    }
}

/// Everything one page shows beyond the site-wide values of `Global`, its template and its
/// output path (all three in its key too). Hashed for the page's key; the only source of
/// the page's context.
#[derive(Hash)]
pub(super) enum PageInputs<'s> {
    CaseStudy {
        item: Full<'s>,
        /// The cards of the case studies before and after it, in the site's order.
        newer: Option<Card<'s>>,
        older: Option<Card<'s>>,
        /// Its related practices (`Site::related`), most similar first.
        related: Cards<'s>,
    },
    Page(Full<'s>),
    /// The home page in `lang`; every page below is in its `lang`.
    Home {
        lang: &'s str,
        featured: Cards<'s>,
        recent: Cards<'s>,
        taxonomies: Taxonomies<'s>,
    },
    /// Page `page` (from 1) of a paginated list of case studies.
    List {
        lang: &'s str,
        /// The URL of the list's first page; the others are `{url}page/{n}/`.
        url: &'s str,
        /// For the list of one term: its taxonomy and the term.
        term: Option<TermOf<'s>>,
        page: usize,
        total_pages: usize,
        total_items: usize,
        /// The cards of this page.
        cards: Cards<'s>,
        /// The same page of the same list in the other languages that have it: (lang, URL).
        alternates: Vec<(&'s str, String)>,
    },
    Taxonomy {
        lang: &'s str,
        taxonomy: TaxonomyView<'s>,
    },
    Search {
        lang: &'s str,
        taxonomies: Taxonomies<'s>,
    },
    /// Counts of every taxonomy's terms, and funding sums read from every case study (whose
    /// card fingerprint covers its fields): not their cards.
    Statistics {
        lang: &'s str,
        taxonomies: Taxonomies<'s>,
        items: Cards<'s>,
    },
    /// The form that writes a case study: made from the schema's fields (and the
    /// vocabularies and contact address of the configuration, in `Global`).
    Propose {
        lang: &'s str,
        schema: Schema<'s>,
    },
    NotFound {
        lang: &'s str,
    },
    /// The Atom feed of a list: the site's newest case studies, or a term's.
    Feed {
        lang: &'s str,
        /// The page the feed is the feed of; the feed is at `{url}atom.xml`.
        url: &'s str,
        term: Option<TermOf<'s>>,
        entries: Cards<'s>,
    },
    /// A sitemap of these URLs.
    Sitemap {
        urls: &'s [SitemapUrl],
    },
    /// A sitemap index of these parts.
    SitemapIndex {
        parts: Vec<SitemapUrl>,
    },
    Robots,
}

impl PageInputs<'_> {
    /// Whether the page shows case study cards, rendered with the card partial: its key
    /// then includes the partial's.
    pub(super) fn shows_cards(&self) -> bool {
        match self {
            PageInputs::CaseStudy { .. } | PageInputs::Home { .. } | PageInputs::List { .. } => {
                true
            }
            PageInputs::Page(_)
            | PageInputs::Taxonomy { .. }
            | PageInputs::Search { .. }
            | PageInputs::Statistics { .. }
            | PageInputs::Propose { .. }
            | PageInputs::NotFound { .. }
            | PageInputs::Feed { .. }
            | PageInputs::Sitemap { .. }
            | PageInputs::SitemapIndex { .. }
            | PageInputs::Robots => false,
        }
    }
}

/// An item shown in full on its own page: everything of it, body included.
#[derive(Clone, Copy)]
pub(super) struct Full<'s>(pub(super) &'s Item);

impl Hash for Full<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The full fingerprint covers the whole item but its translations, linked after it.
        (self.0.fingerprint.full, &self.0.translations).hash(state);
    }
}

/// A case study as lists and feeds show it: everything but its body.
#[derive(Clone, Copy)]
pub(super) struct Card<'s> {
    /// Its index in the site, where its rendered card is kept.
    pub(super) index: usize,
    pub(super) item: &'s Item,
}

impl Hash for Card<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // A card is made from the item alone (and the site-wide values): not from its index.
        self.item.fingerprint.meta.hash(state);
    }
}

/// Case studies shown as cards, by index into the site's case studies.
#[derive(Clone, Copy)]
pub(super) struct Cards<'s> {
    indexes: &'s [usize],
    items: &'s [Arc<Item>],
}

impl<'s> Cards<'s> {
    pub(super) fn iter(self) -> impl Iterator<Item = Card<'s>> {
        self.indexes.iter().map(move |&index| Card {
            index,
            item: &self.items[index],
        })
    }

    pub(super) fn first(self) -> Option<Card<'s>> {
        self.iter().next()
    }
}

impl Hash for Cards<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The count first, so that two lists in a row cannot hash like other ones.
        self.indexes.len().hash(state);
        self.iter().for_each(|card| card.hash(state));
    }
}

/// The taxonomy of a term list: what the page shows of it beyond the term.
#[derive(Clone, Copy, Hash)]
pub(super) struct TaxonomyName<'s> {
    pub(super) name: &'s str,
    pub(super) url: &'s str,
}

#[derive(Clone, Copy, Hash)]
pub(super) struct TermOf<'s> {
    pub(super) taxonomy: TaxonomyName<'s>,
    pub(super) term: TermView<'s>,
}

/// Hashes a value through its serialisation, the form the context holds: what is hashed is
/// what is shown, and streaming it into the hasher allocates nothing.
macro_rules! hash_as_shown {
    ($($view:ident),*) => {$(
        impl Hash for $view<'_> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                hash_json(self, state);
            }
        }
    )*};
}
hash_as_shown!(TermView, TaxonomyView, Taxonomies, Schema);

/// The case-study fields declared in config.yaml, as the proposal form is made from them.
#[derive(Clone, Copy, Serialize)]
#[serde(transparent)]
pub(super) struct Schema<'s>(pub(super) &'s indexmap::IndexMap<String, crate::config::FieldSpec>);

/// A term as templates see it (`term.label`, `term.url`, `term.count`…). Fields in the
/// order of the maps the templates had before (sorted), so the serialised form is the same.
#[derive(Clone, Copy)]
pub(super) struct TermView<'s>(pub(super) &'s Term);

impl Serialize for TermView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // `labels` are the other languages': a term of another language's view is already
        // labelled in it (see `LangView`).
        let Term {
            id,
            label,
            labels: _,
            url,
            items,
        } = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("count", &items.len())?;
        map.serialize_entry("id", id)?;
        map.serialize_entry("label", label)?;
        map.serialize_entry("url", url)?;
        map.end()
    }
}

/// A taxonomy with its terms, as templates see it (`taxonomy.terms`…).
#[derive(Clone, Copy)]
pub(super) struct TaxonomyView<'s>(pub(super) &'s Taxonomy);

impl Serialize for TaxonomyView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Terms<'s>(&'s [Term]);
        impl Serialize for Terms<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                for term in self.0 {
                    seq.serialize_element(&TermView(term))?;
                }
                seq.end()
            }
        }
        let taxonomy = self.0;
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("name", &taxonomy.name)?;
        map.serialize_entry("terms", &Terms(&taxonomy.terms))?;
        map.serialize_entry("url", &taxonomy.url)?;
        map.end()
    }
}

/// Every taxonomy of the site with its terms, for the home and search pages.
#[derive(Clone, Copy)]
pub(super) struct Taxonomies<'s>(pub(super) &'s [Taxonomy]);

impl Serialize for Taxonomies<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(TaxonomyView))
    }
}

#[cfg(test)]
mod tests {
    use crate::output::MemorySink;
    use crate::render::Renderer;
    use std::collections::BTreeMap;
    use std::path::Path;

    /// Every page of the site at `root`: output path → (key, bytes).
    fn pages(root: &Path) -> BTreeMap<String, (u64, Vec<u8>)> {
        let options = crate::BuildOptions::new(root);
        let (site, theme, templates) = crate::render::built_for_tests(&options);
        let renderer = Renderer::new(&site, &theme, &templates);
        let jobs = renderer.jobs();
        let sink = MemorySink::default();
        let mut problems = Vec::new();
        renderer.render(jobs.iter().collect(), &sink, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let mut files = sink.into_files();
        jobs.iter()
            .map(|job| {
                let bytes = files.remove(&job.path).unwrap_or_default();
                (job.path.clone(), (job.key, bytes))
            })
            .collect()
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    /// Replaces `from` by `to` in the file `path` of the site at `root`.
    fn edit(root: &Path, path: &str, from: &str, to: &str) {
        let path = root.join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{} lacks {from:?}", path.display());
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// The preview server re-renders only the pages whose key changed, so a page that read
    /// something its key did not cover kept its old bytes (`hash_inputs` was kept in step
    /// with the contexts by hand). After each kind of edit, a page with the same key as
    /// before must render to the same bytes, and the edit must show somewhere.
    #[test]
    fn a_page_whose_key_is_unchanged_renders_the_same_bytes_after_any_edit() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let base = tempfile::tempdir().unwrap();
        std::fs::copy(repo.join("config.yaml"), base.path().join("config.yaml")).unwrap();
        copy_dir(&repo.join("content"), &base.path().join("content"));
        let study = "content/etudes-de-cas/umq-volet-employabilite.md";
        let other = "content/etudes-de-cas/vision-attractivite-estrie.md";
        edit(
            base.path(),
            study,
            "\ntitle: ",
            "\ntranslation_key: k\ntitle: ",
        );
        let fr = "i18n/fr.yaml";
        let card = "templates/partials/card.html";
        type Edit = (&'static str, &'static str, &'static str);
        let edits: &[(&str, &[Edit])] = &[
            ("body", &[(study, "\n## ", "\nUn mot de plus.\n\n## ")]),
            ("title", &[(study, "\ntitle: \"", "\ntitle: \"Nouveau — ")]),
            (
                "summary",
                &[(study, "\nsummary: \"", "\nsummary: \"Bref. ")],
            ),
            (
                "date",
                &[(study, "\ndate: 2022-04-19", "\ndate: 2001-01-01")],
            ),
            (
                "region",
                &[(study, "\nregion: [Bas-Saint-Laurent, ", "\nregion: [")],
            ),
            (
                "featured",
                &[(study, "\ntitle: ", "\nfeatured: true\ntitle: ")],
            ),
            ("draft", &[(other, "\ntitle: ", "\ndraft: true\ntitle: ")]),
            // Shown on the statistics page, in a sum over every case study.
            (
                "funding amount",
                &[(
                    "content/etudes-de-cas/umq-mifi-partenariat.md",
                    "amount: 643000",
                    "amount: 643001",
                )],
            ),
            // A translation of `study`, whose own file does not change.
            (
                "translation",
                &[(other, "\nlang: fr", "\ntranslation_key: k\nlang: en")],
            ),
            (
                "page title",
                &[("content/a-propos.md", "\ntitle: \"", "\ntitle: \"Qui — ")],
            ),
            (
                "config",
                &[("config.yaml", "\npaginate: 12", "\npaginate: 5")],
            ),
            (
                "i18n string",
                &[(fr, "\ncard_more: \"", "\ncard_more: \"+ ")],
            ),
            // Shown on the English pages and on the cards of English case studies only.
            (
                "English i18n string",
                &[("i18n/en.yaml", "\ncard_more: \"", "\ncard_more: \"+ ")],
            ),
            (
                "languages",
                &[("config.yaml", "\nlanguages: [fr, en]", "\nlanguages: [fr]")],
            ),
            // An English version's tags change the English lists, not the French ones.
            (
                "English version",
                &[(
                    "content/etudes-de-cas/umq-mifi-partnership.md",
                    "\nfeatured: true",
                    "\nfeatured: false",
                )],
            ),
            (
                "card partial",
                &[(
                    card,
                    "<article class=\"card\"",
                    "<article class=\"card new\"",
                )],
            ),
        ];
        let theme = repo.join("themes/default");
        let before = pages(base.path());
        for (what, changes) in edits {
            let site = tempfile::tempdir().unwrap();
            copy_dir(base.path(), site.path());
            for &(path, from, to) in *changes {
                let file = site.path().join(path);
                if !file.exists() {
                    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                    std::fs::copy(theme.join(path), &file).unwrap();
                }
                edit(site.path(), path, from, to);
            }
            let after = pages(site.path());
            let mut shown = false;
            for (path, (key, bytes)) in &after {
                let Some((old_key, old_bytes)) = before.get(path) else {
                    continue;
                };
                shown |= bytes != old_bytes;
                assert!(
                    key != old_key || bytes == old_bytes,
                    "{what}: `{path}` kept its key but renders to other bytes"
                );
            }
            assert!(
                shown || after.keys().ne(before.keys()),
                "{what}: the edit changed no page"
            );
        }
    }
}
