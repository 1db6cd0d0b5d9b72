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
use super::{FEED_ENTRIES, JobKind, ListOf, RECENT_ON_HOME};
use crate::model::{Item, Site, Taxonomy, Term, hash_json};
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::OnceLock;

/// The site's values shared by the pages while they are planned and rendered.
pub(super) struct Shared<'a> {
    pub(super) site: &'a Site,
    /// What every page may show beyond its own inputs.
    pub(super) global: Global<'a>,
    /// Indexes of all case studies, for the list of all of them and the home page.
    all: Vec<usize>,
    /// Indexes of the featured case studies, in the site's order.
    featured: Vec<usize>,
    /// The list of all case studies' URL: `/etudes-de-cas/`.
    all_url: String,
    /// Every URL of the site, for the sitemap files, made when first needed.
    pub(super) sitemap: OnceLock<Vec<SitemapUrl>>,
}

impl<'a> Shared<'a> {
    pub(super) fn new(site: &'a Site, global: Global<'a>) -> Self {
        let section = &site.config.config.case_studies.section;
        Shared {
            site,
            global,
            all: (0..site.case_studies.len()).collect(),
            featured: (site.case_studies.iter().enumerate())
                .filter(|(_, item)| item.entry.featured)
                .map(|(index, _)| index)
                .collect(),
            all_url: format!("{}{section}/", site.base_path),
            sitemap: OnceLock::new(),
        }
    }

    pub(super) fn list_items(&self, list: ListOf) -> &[usize] {
        match list {
            ListOf::All => &self.all,
            ListOf::Term { taxonomy, term } => &self.site.taxonomies[taxonomy].terms[term].items,
        }
    }

    /// The URL of a list's first page.
    pub(super) fn list_url(&self, list: ListOf) -> &str {
        match list {
            ListOf::All => &self.all_url,
            ListOf::Term { taxonomy, term } => &self.site.taxonomies[taxonomy].terms[term].url,
        }
    }

    /// For the list of one term: its taxonomy and the term.
    fn term_of(&self, list: ListOf) -> Option<TermOf<'a>> {
        match list {
            ListOf::All => None,
            ListOf::Term { taxonomy, term } => {
                let taxonomy = &self.site.taxonomies[taxonomy];
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
    /// from the site and allocates nothing but a sitemap index's part list, since every
    /// page's key is computed from it on every rebuild of the preview.
    pub(super) fn inputs(&self, kind: JobKind) -> PageInputs<'_> {
        let site = self.site;
        let cards = |indexes| Cards {
            indexes,
            items: &site.case_studies,
        };
        match kind {
            JobKind::CaseStudy(index) => {
                let card = |i: Option<usize>| {
                    let item = site.case_studies.get(i?)?;
                    Some(Card { index: i?, item })
                };
                PageInputs::CaseStudy {
                    item: Full(&site.case_studies[index]),
                    newer: card(index.checked_sub(1)),
                    older: card(index.checked_add(1)),
                    related: cards(site.related.of(index)),
                }
            }
            JobKind::Page(index) => PageInputs::Page(Full(&site.pages[index])),
            JobKind::Home => PageInputs::Home {
                featured: cards(&self.featured),
                recent: cards(&self.all[..self.all.len().min(RECENT_ON_HOME)]),
                taxonomies: Taxonomies(&site.taxonomies),
            },
            JobKind::List { list, page } => {
                let items = self.list_items(list);
                let (start, end) = self.global.page_range(items.len(), page);
                PageInputs::List {
                    url: self.list_url(list),
                    term: self.term_of(list),
                    page,
                    total_pages: self.global.total_pages(items.len()),
                    total_items: items.len(),
                    cards: cards(&items[start..end]),
                }
            }
            JobKind::Taxonomy(index) => PageInputs::Taxonomy(TaxonomyView(&site.taxonomies[index])),
            JobKind::Search => PageInputs::Search {
                taxonomies: Taxonomies(&site.taxonomies),
            },
            JobKind::Statistics => PageInputs::Statistics {
                taxonomies: Taxonomies(&site.taxonomies),
                items: cards(&self.all),
            },
            JobKind::Propose => PageInputs::Propose {
                schema: Schema(&site.config.config.fields),
            },
            JobKind::NotFound => PageInputs::NotFound,
            JobKind::Feed(list) => {
                let items = self.list_items(list);
                PageInputs::Feed {
                    // The page a feed is the feed of: the home page for the site's feed.
                    url: match list {
                        ListOf::All => &site.base_path,
                        ListOf::Term { .. } => self.list_url(list),
                    },
                    term: self.term_of(list),
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
    Home {
        featured: Cards<'s>,
        recent: Cards<'s>,
        taxonomies: Taxonomies<'s>,
    },
    /// Page `page` (from 1) of a paginated list of case studies.
    List {
        /// The URL of the list's first page; the others are `{url}page/{n}/`.
        url: &'s str,
        /// For the list of one term: its taxonomy and the term.
        term: Option<TermOf<'s>>,
        page: usize,
        total_pages: usize,
        total_items: usize,
        /// The cards of this page.
        cards: Cards<'s>,
    },
    Taxonomy(TaxonomyView<'s>),
    Search {
        taxonomies: Taxonomies<'s>,
    },
    /// Counts of every taxonomy's terms, and funding sums read from every case study (whose
    /// card fingerprint covers its fields): not their cards.
    Statistics {
        taxonomies: Taxonomies<'s>,
        items: Cards<'s>,
    },
    /// The form that writes a case study: made from the schema's fields (and the
    /// vocabularies and contact address of the configuration, in `Global`).
    Propose {
        schema: Schema<'s>,
    },
    NotFound,
    /// The Atom feed of a list: the site's newest case studies, or a term's.
    Feed {
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
            | PageInputs::Taxonomy(_)
            | PageInputs::Search { .. }
            | PageInputs::Statistics { .. }
            | PageInputs::Propose { .. }
            | PageInputs::NotFound
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
        let Term {
            id,
            label,
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
            (
                "card partial",
                &[(
                    card,
                    "<article class=\"card\">",
                    "<article class=\"card new\">",
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
