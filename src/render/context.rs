//! The Tera context of each kind of page, made from the page's `PageInputs` and from the
//! site-wide values of `Global` only: `Global` holds no way back to the site, so a context
//! cannot read what its page's key does not cover.

use super::charts::{self, Bar, MapRegion, VocabularyEntry};
use super::inputs::{
    Card, Cards, Full, LangView, PageInputs, Schema, Taxonomies, TermOf, shown_in,
};
use super::json_ld::json_ld;
use super::pagination::{page_url, page_window};
use super::propose::{form_description, script_json};
use super::{CARD_TEMPLATE, PROPOSE_PATH, SEARCH_PATH, STATISTICS_PATH};
use crate::config::{FieldSpec, JsonLdFields, SiteConfig, TaxonomyGroup};
use crate::format;
use crate::model::{Field, Fields, Item, Site, StableHasher, Taxonomy, Term, hash_json};
use crate::text::{fold, match_key};
use crate::theme::{Strings, Theme};
use chrono::Datelike;
use serde_json::{Value as Json, json};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;
use tera::{Context, Tera, Value};

/// What every page may show beyond its own inputs: the configuration, the UI strings and
/// the site-wide values of `site` (title, navigation, taxonomies). `key` digests all of it
/// and is part of every page's key.
pub(super) struct Global<'a> {
    /// The configuration and what is derived from it alone (vocabularies, JSON-LD roles).
    pub(super) config: &'a SiteConfig,
    pub(super) base_path: &'a str,
    absolute_base: Option<String>,
    /// Language → UI strings as plain text, for titles computed here.
    raw_strings: &'a HashMap<String, Strings>,
    /// The same strings as Tera values, made from `raw_strings`.
    strings: HashMap<String, Value>,
    /// Site-wide values every page of each language shows: (language, home URL, `site`).
    sites: Vec<(String, String, Value)>,
    /// The taxonomy drawn as a map of Quebec's regions, if any: made from `config` alone.
    regions: Option<RegionTaxonomy>,
    /// Digest of all of the above.
    pub(super) key: u64,
}

impl<'a> Global<'a> {
    pub(super) fn new(site: &'a Site, theme: &'a Theme, langs: &[LangView]) -> Self {
        let config = &site.config.config;
        let site_jsons: Vec<(String, String, Json)> = langs
            .iter()
            .map(|view| {
                let home = format!("{}{}", site.base_path, view.path);
                let site_json = json!({
                    // Each language's own, else the default language's.
                    "title": config.title.get(view.code),
                    "description": config.description.get(view.code),
                    "language": config.language,
                    "languages": config.languages,
                    "license": config.license,
                    "home_url": home,
                    "feed_url": format!("{home}atom.xml"),
                    "search_url": format!("{home}{SEARCH_PATH}"),
                    "statistics_url": format!("{home}{STATISTICS_PATH}"),
                    "propose_url": format!("{home}{PROPOSE_PATH}"),
                    "case_studies_url": format!("{home}{}/", config.case_studies.section),
                    "case_study_count": view.all.len(),
                    // Content pages as lists show case studies: in this language when
                    // written in it, else in their own, marked with it.
                    "nav": site.pages.iter()
                        .filter(|p| shown_in(p, view.code, &config.language))
                        .map(|p| json!({"title": p.entry.title, "url": p.url, "lang": p.entry.lang}))
                        .collect::<Vec<_>>(),
                    "taxonomies": view.taxonomies.iter()
                        .map(|t| json!({"name": t.name, "url": t.url, "count": t.terms.len()}))
                        .collect::<Vec<_>>(),
                });
                (view.code.to_string(), home, site_json)
            })
            .collect();
        let mut global = Global {
            config: &site.config,
            base_path: &site.base_path,
            absolute_base: site.config.absolute_base(),
            raw_strings: &theme.strings,
            strings: theme
                .strings
                .iter()
                .map(|(lang, strings)| (lang.clone(), Value::from_serializable(strings)))
                .collect(),
            sites: (site_jsons.iter())
                .map(|(lang, home, json)| {
                    (lang.clone(), home.clone(), Value::from_serializable(json))
                })
                .collect(),
            regions: region_taxonomy(&site.config),
            key: 0,
        };
        global.key = global.digest(&site_jsons);
        global
    }

    /// The digest of every site-wide value, given `site_jsons`, the source of `sites`.
    fn digest(&self, site_jsons: &[(String, String, Json)]) -> u64 {
        // Destructured without `..`: a value added to `Global` must be considered here.
        let Global {
            config,
            base_path,
            absolute_base,
            raw_strings,
            strings: _, // made from `raw_strings`
            sites: _,   // made from `site_jsons`
            regions: _, // made from `config`
            key: _,
        } = self;
        let mut hasher = StableHasher::default();
        // The vocabularies and JSON-LD roles of `SiteConfig` are derived from `config`.
        hash_json(&config.config, &mut hasher);
        hash_json(&site_jsons, &mut hasher);
        (base_path, absolute_base).hash(&mut hasher);
        let mut langs: Vec<_> = raw_strings.iter().collect();
        langs.sort_by(|a, b| a.0.cmp(b.0));
        hash_json(&langs, &mut hasher);
        hasher.finish()
    }

    fn language(&self) -> &'a str {
        &self.config.config.language
    }

    /// The site-wide values of the pages in `lang` (the default language's for a language
    /// the site is not published in): its home page's URL and `site`.
    fn site_of(&self, lang: &str) -> Option<&(String, String, Value)> {
        (self.sites.iter().find(|(l, _, _)| l == lang)).or(self.sites.first())
    }

    /// The site's title on the pages in `lang`: that of the language whose site-wide values
    /// they show (`site_of`), so that a page never names the site in two languages.
    fn site_title(&self, lang: &str) -> &'a str {
        let shown = self
            .site_of(lang)
            .map_or(self.language(), |(l, _, _)| l.as_str());
        self.config.config.title.get(shown)
    }

    /// The URL of the home page in `lang`: `/` or `/en/`.
    pub(super) fn home(&self, lang: &str) -> &str {
        self.site_of(lang)
            .map_or(self.base_path, |(_, home, _)| home)
    }

    /// The same page in the other languages of the site, for a page every language has
    /// (home, lists of all case studies, taxonomies, search…) at `url` in `lang`: (lang, URL).
    fn same_page_in_others(&self, lang: &str, url: &str) -> Vec<(String, String)> {
        let path = url.strip_prefix(self.home(lang)).unwrap_or(url);
        (self.sites.iter())
            .filter(|(other, _, _)| other != lang)
            .map(|(other, home, _)| (other.clone(), format!("{home}{path}")))
            .collect()
    }

    /// `translations` (each other-language version: lang, URL, permalink, the language's
    /// name in itself) and `x_default` (the default language's version, for `hreflang`) of
    /// the page at `url` in `lang`.
    fn insert_translations(
        &self,
        context: &mut Context,
        lang: &str,
        url: &str,
        others: &[(String, String)],
    ) {
        let entries: Vec<Json> = (others.iter())
            .map(|(other, other_url)| {
                json!({
                    "lang": other,
                    "url": other_url,
                    "permalink": self.permalink(other_url),
                    "name": self.string(other, &format!("lang_{other}")),
                })
            })
            .collect();
        let default = self.language();
        let x_default = if lang == default {
            Some(url)
        } else {
            (others.iter())
                .find(|(other, _)| other == default)
                .map(|(_, u)| u.as_str())
        };
        context.insert("translations", &entries);
        context.insert(
            "x_default",
            &x_default
                .filter(|_| !entries.is_empty())
                .map(|u| self.permalink(u)),
        );
    }

    fn ui_lang<'l>(&'l self, lang: &'l str) -> &'l str {
        if self.strings.contains_key(lang) {
            lang
        } else {
            self.language()
        }
    }

    fn string(&self, lang: &str, key: &str) -> String {
        self.raw_strings
            .get(self.ui_lang(lang))
            .and_then(|strings| strings.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// The UI string `key`, if the theme has it.
    fn string_opt(&self, lang: &str, key: &str) -> Option<String> {
        self.raw_strings
            .get(self.ui_lang(lang))
            .and_then(|strings| strings.get(key))
            .cloned()
    }

    /// « 3 études de cas », « 1 étude de cas », « aucune étude de cas ».
    fn case_study_count(&self, lang: &str, count: usize) -> String {
        let key = match count {
            0 => "count_none",
            1 => "count_one",
            _ => "count_many",
        };
        self.string(lang, key)
            .replace("{count}", &format::number(count as f64, lang))
    }

    /// « Estrie : 3 études de cas »: a label and its value, as tooltips show them.
    fn labelled_value(&self, lang: &str, label: &str, value: &str) -> String {
        self.string(lang, "chart_value")
            .replace("{label}", label)
            .replace("{value}", value)
    }

    /// The fields of `item` with their vocabulary values labelled in its language: the
    /// model keeps the labels of the site's language, which the exports give.
    fn fields_in<'i>(&self, item: &'i Item) -> Cow<'i, Fields> {
        let lang = item.entry.lang.as_str();
        if lang == self.language() || !crate::config::LANGUAGES.contains(&lang) {
            return Cow::Borrowed(&item.fields);
        }
        let mut fields = item.fields.clone();
        relabel(&mut fields, &self.config.config.fields, self.config, lang);
        Cow::Owned(fields)
    }

    /// Context entries every page has.
    fn base_context(&self, lang: &str, url: &str, title: &str) -> Context {
        let (home, site) = match self.site_of(lang) {
            Some((_, home, site)) => (home.as_str(), site.clone()),
            None => (self.base_path, Value::none()),
        };
        let lang = self.ui_lang(lang);
        let mut context = Context::new();
        context.insert("lang", lang);
        context.insert_value(
            "t",
            self.strings.get(lang).cloned().unwrap_or_else(Value::none),
        );
        context.insert("base", self.base_path);
        context.insert("home", home);
        context.insert("url", url);
        context.insert("title", title);
        context.insert("permalink", &self.permalink(url));
        context.insert_value("site", site);
        context.insert("translations", &[] as &[Json]);
        context
    }

    /// `base_context` of a page every language has, with its other-language versions.
    fn ui_context(&self, lang: &str, url: &str, title: &str) -> Context {
        let mut context = self.base_context(lang, url, title);
        let others = self.same_page_in_others(lang, url);
        self.insert_translations(&mut context, lang, url, &others);
        context
    }

    pub(super) fn permalink(&self, url: &str) -> String {
        match &self.absolute_base {
            Some(absolute) => format!(
                "{}{}",
                absolute,
                url.strip_prefix(self.base_path).unwrap_or(url)
            ),
            None => url.to_string(),
        }
    }

    /// An Atom `id` for the page at `url`: its permalink when the site has an absolute base
    /// URL, else a URN made from the path (Atom wants an absolute IRI, and a site built with
    /// `base_url: /` has no host to name). Stable from build to build either way.
    fn atom_id(&self, url: &str) -> String {
        if self.absolute_base.is_some() {
            return self.permalink(url);
        }
        let hash = xxhash_rust::xxh3::xxh3_128(url.as_bytes());
        // Shaped as a UUIDv8 (RFC 9562): version 8, variant 10.
        let hash = (hash & !(0xF << 76) | (0x8 << 76)) & !(0x3 << 62) | (0x2 << 62);
        let hex = format!("{hash:032x}");
        format!(
            "urn:uuid:{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }

    /// The Tera context of a page made from `inputs`; `report` takes errors of the card
    /// partial.
    pub(super) fn context(
        &self,
        inputs: &PageInputs,
        cards: &CardCache,
        report: &dyn Fn(&tera::Error),
    ) -> Context {
        let card = |card: Card| cards.get(card, self, report);
        match inputs {
            PageInputs::CaseStudy {
                item,
                newer,
                older,
                related,
            } => {
                let mut context = self.case_study_context(*item);
                let neighbour = |c: &Option<Card>| c.map(card).unwrap_or_else(Value::none);
                context.insert_value("newer", neighbour(newer));
                context.insert_value("older", neighbour(older));
                let related: Vec<Value> = related.iter().map(card).collect();
                context.insert_value("related", Value::from(related));
                context
            }
            PageInputs::Page(item) => self.page_context(*item),
            PageInputs::Home {
                lang,
                featured,
                recent,
                taxonomies,
            } => {
                let mut context = self.ui_context(lang, self.home(lang), self.site_title(lang));
                let cards = |cards: &Cards| Value::from(cards.iter().map(card).collect::<Vec<_>>());
                context.insert_value("featured", cards(featured));
                context.insert_value("recent", cards(recent));
                context.insert("taxonomies", taxonomies);
                context.insert("map", &self.region_map(lang, taxonomies.0));
                context
            }
            PageInputs::List {
                lang,
                url,
                term,
                page,
                total_pages,
                total_items,
                cards,
                alternates,
            } => {
                let items: Vec<Value> = cards.iter().map(card).collect();
                let mut context = self.list_context(
                    lang,
                    url,
                    term.as_ref(),
                    *page,
                    *total_pages,
                    *total_items,
                    items,
                );
                let others: Vec<(String, String)> = (alternates.iter())
                    .map(|(l, u)| (l.to_string(), u.clone()))
                    .collect();
                self.insert_translations(&mut context, lang, &page_url(url, *page), &others);
                context
            }
            PageInputs::Taxonomy { lang, taxonomy } => {
                let title = self.string(lang, &format!("taxonomy_{}", taxonomy.0.name));
                let mut context = self.ui_context(lang, &taxonomy.0.url, &title);
                context.insert("taxonomy", taxonomy);
                let map = self.region_map(lang, std::slice::from_ref(taxonomy.0));
                context.insert("map", &map);
                context
            }
            PageInputs::Search { lang, taxonomies } => self.search_context(lang, *taxonomies),
            PageInputs::Statistics {
                lang,
                taxonomies,
                items,
            } => self.statistics_context(lang, *taxonomies, *items),
            PageInputs::Propose { lang, schema } => self.propose_context(lang, *schema),
            PageInputs::NotFound { lang } => {
                let url = format!("{}404.html", self.home(lang));
                self.ui_context(lang, &url, &self.string(lang, "not_found_title"))
            }
            PageInputs::Feed {
                lang,
                url,
                term,
                entries,
            } => self.feed_context(lang, url, term.as_ref(), *entries),
            PageInputs::Sitemap { urls } => {
                let mut context = self.plain_context();
                context.insert("urls", urls);
                context
            }
            PageInputs::SitemapIndex { parts } => {
                let mut context = self.plain_context();
                context.insert("sitemaps", parts);
                context
            }
            PageInputs::Robots => {
                let mut context = self.plain_context();
                let sitemap = self.permalink(&format!("{}sitemap.xml", self.base_path));
                context.insert("sitemap", &sitemap);
                context
            }
        }
    }

    /// The base context of a file that is no page of its own (feed, sitemap, robots.txt).
    fn plain_context(&self) -> Context {
        let title = self.site_title(self.language());
        self.base_context(self.language(), self.base_path, title)
    }

    fn case_study_context(&self, Full(item): Full) -> Context {
        let config = &self.config.config;
        let mut context = self.base_context(&item.entry.lang, &item.url, &item.entry.title);
        let fields = self.fields_in(item);
        let json_ld = json_ld(
            item,
            &fields,
            &self.config.json_ld,
            &self.permalink(&item.url),
            &config.license,
        );
        let page = PageView {
            item,
            fields: &fields,
            schema: Some(&config.fields),
            show_toc: item.body.toc.len() >= config.case_studies.toc_min_headings,
            json_ld: Some(&json_ld),
        };
        context.insert("page", &page);
        self.insert_translations(
            &mut context,
            &item.entry.lang,
            &item.url,
            &item.translations,
        );
        let permalink = self.permalink(&item.url);
        let citation = citation(
            item,
            &self.config.json_ld,
            &permalink,
            self.site_title(&item.entry.lang),
        );
        context.insert("citation", &citation);
        context.insert("og_type", "article");
        if let Some(image) = self.og_image(item) {
            context.insert("og_image", &image);
        }
        context
    }

    /// The Open Graph image of a case study: its cover, at its widest JPEG or PNG copy.
    /// Open Graph wants an absolute URL, so a site whose `base_url` has no host has none.
    fn og_image(&self, item: &Item) -> Option<Json> {
        self.absolute_base.as_ref()?;
        let cover = item.fields.get(crate::images::COVER_KEY)?;
        let src = cover.get("src")?.as_str()?;
        // SVG and GIF covers have no size: social sites do not show SVG images.
        cover.get("width")?;
        Some(json!({
            "url": self.permalink(src),
            "type": cover.get("type"),
            "width": cover.get("width"),
            "height": cover.get("height"),
            "alt": cover.get("alt"),
        }))
    }

    fn page_context(&self, Full(item): Full) -> Context {
        let mut context = self.base_context(&item.entry.lang, &item.url, &item.entry.title);
        let page = PageView {
            item,
            fields: &item.fields,
            schema: None,
            show_toc: true,
            json_ld: None,
        };
        context.insert("page", &page);
        self.insert_translations(
            &mut context,
            &item.entry.lang,
            &item.url,
            &item.translations,
        );
        context
    }

    fn search_context(&self, lang: &str, taxonomies: Taxonomies) -> Context {
        let search_url = format!("{}{SEARCH_PATH}", self.home(lang));
        let mut context = self.ui_context(lang, &search_url, &self.string(lang, "search_title"));
        context.insert("taxonomies", &taxonomies);
        context
    }

    /// The proposal form: the schema's fields described for `proposer.js`, labels from the
    /// UI strings (`field_region`, `field_funding_amount`, `lang_fr`…).
    fn propose_context(&self, lang: &str, Schema(fields): Schema) -> Context {
        let url = format!("{}{PROPOSE_PATH}", self.home(lang));
        let mut context = self.ui_context(lang, &url, &self.string(lang, "propose_title"));
        let label = |key: &str| self.string_opt(lang, key);
        // The fields of the page's inputs; the vocabularies and the contact address are the
        // configuration's, in this page's key through `Global`.
        let description = form_description(self.config, fields, lang, &label);
        context.insert("form_json", &script_json(&description));
        context.insert("contact", &self.config.config.contact);
        context.insert("section", &self.config.config.case_studies.section);
        context
    }

    /// The Atom feed of the page at `url` (the home page, or a term's page).
    fn feed_context(
        &self,
        lang: &str,
        url: &str,
        term: Option<&TermOf>,
        entries: Cards,
    ) -> Context {
        let title = self.site_title(lang);
        let mut context = self.base_context(lang, url, title);
        if let Some(TermOf { taxonomy, term }) = term {
            let taxonomy_title = self.string(lang, &format!("taxonomy_{}", taxonomy.name));
            context.insert(
                "taxonomy",
                &json!({"name": taxonomy.name, "url": taxonomy.url, "title": taxonomy_title}),
            );
            context.insert("term", term);
        }
        let feed_url = format!("{url}atom.xml");
        context.insert("feed_url", &self.permalink(&feed_url));
        context.insert("feed_id", &self.atom_id(&feed_url));
        let feed: Vec<Json> = entries
            .iter()
            .map(|Card { item, .. }| {
                json!({
                    "title": item.entry.title,
                    "summary": item.entry.summary,
                    // An entry in another language than the feed's says so (`xml:lang`).
                    "lang": item.entry.lang,
                    "permalink": self.permalink(&item.url),
                    "id": self.atom_id(&item.url),
                    "date": item.entry.date.map(|d| d.to_string()),
                })
            })
            .collect();
        context.insert("entries", &feed);
        let updated = entries.first().and_then(|c| c.item.entry.date);
        context.insert("updated", &updated.map(|d| d.to_string()));
        context
    }

    /// Page `number` of a list whose first page is at `url`, showing `items`.
    #[allow(clippy::too_many_arguments)]
    fn list_context(
        &self,
        lang: &str,
        url: &str,
        term: Option<&TermOf>,
        number: usize,
        total_pages: usize,
        total_items: usize,
        items: Vec<Value>,
    ) -> Context {
        let per_page = self.per_page();
        let start = (number - 1) * per_page;
        let current = page_url(url, number);
        let mut context = self.base_context(lang, &current, "");
        match term {
            None => context.insert("title", &self.string(lang, "all_case_studies")),
            Some(TermOf { taxonomy, term }) => {
                let title = self.string(lang, &format!("taxonomy_{}", taxonomy.name));
                context.insert("title", &term.0.label);
                context.insert(
                    "taxonomy",
                    &json!({"name": taxonomy.name, "url": taxonomy.url, "title": title}),
                );
                context.insert("term", term);
            }
        }
        let page_url = |n: usize| page_url(url, n);
        context.insert_value("items", Value::from(items));
        context.insert(
            "paginator",
            &json!({
                "current": number,
                "total_pages": total_pages,
                "total_items": total_items,
                "first_item": if total_items == 0 { 0 } else { start + 1 },
                "last_item": (start + per_page).min(total_items),
                "previous": (number > 1).then(|| page_url(number - 1)),
                "next": (number < total_pages).then(|| page_url(number + 1)),
                "pages": page_window(number, total_pages).into_iter().map(|n| json!({"number": n, "url": n.map(page_url)})).collect::<Vec<_>>(),
            }),
        );
        context
    }
}

/// The taxonomy whose vocabulary is Quebec's administrative regions, drawn as a map.
struct RegionTaxonomy {
    /// Its slug, which tells it among the site's taxonomies.
    slug: String,
    /// The vocabulary's terms, in its order, with their region (see
    /// `charts::quebec_regions`).
    regions: Vec<(crate::config::VocabularyTerm, usize)>,
}

/// The first taxonomy whose field takes a vocabulary of Quebec's regions: the map is drawn
/// from the schema, never from a taxonomy's name, so another site's `region` gets no map.
fn region_taxonomy(site: &SiteConfig) -> Option<RegionTaxonomy> {
    site.config.taxonomies.iter().find_map(|taxonomy| {
        if taxonomy.group.is_some() {
            return None;
        }
        let spec = field_spec(&site.config.fields, &taxonomy.field)?;
        let vocabulary = site.vocabulary(spec.vocabulary.as_deref()?)?;
        let entries: Vec<VocabularyEntry> = vocabulary
            .terms
            .iter()
            .map(|term| VocabularyEntry {
                code: term.code.as_deref(),
                names: [&term.id, &term.fr, &term.en]
                    .into_iter()
                    .chain(&term.aliases)
                    .map(String::as_str)
                    .collect(),
            })
            .collect();
        let found = charts::quebec_regions(&entries)?;
        Some(RegionTaxonomy {
            slug: taxonomy.slug.clone(),
            regions: (vocabulary.terms.iter().zip(found))
                .map(|(term, region)| (term.clone(), region))
                .collect(),
        })
    })
}

/// The schema of the field at `path` (`funding.program`).
fn field_spec<'c>(
    fields: &'c indexmap::IndexMap<String, FieldSpec>,
    path: &str,
) -> Option<&'c FieldSpec> {
    let mut parts = path.split('.');
    let mut spec = fields.get(parts.next()?)?;
    for part in parts {
        spec = spec.fields.get(part)?;
    }
    Some(spec)
}

/// Bars a chart shows at most: the most frequent values, the others on the taxonomy's page.
/// A municipality taxonomy has thousands of terms; Quebec's 17 regions must fit.
const MAX_BARS: usize = 20;

/// One line of a chart and of its table.
struct Row {
    label: String,
    url: Option<String>,
    /// The bar's length, from 0 to 1.
    fraction: f64,
    /// The value at the end of the bar.
    value: String,
    /// The table's cells after the label.
    cells: Vec<String>,
}

/// A chart with its table, as `statistics.html` shows it.
struct Chart {
    id: String,
    title: String,
    /// Headers of the table's columns, the labels' first.
    headers: Vec<String>,
    rows: Vec<Row>,
    /// Values not shown (beyond `MAX_BARS`), and where they all are.
    total: usize,
    all_url: Option<String>,
}

/// A funding group: the grants of one program or one funder, in one currency.
struct FundingGroup {
    label: String,
    url: Option<String>,
    currency: String,
    grants: usize,
    with_amount: usize,
    total: f64,
}

impl Global<'_> {
    /// The map of Quebec's regions when one of `taxonomies` is the site's region taxonomy
    /// (null otherwise): the SVG, its legend, and the list that is its text equivalent. Every
    /// region of the vocabulary is drawn; one with no case study has no page to link to.
    fn region_map(&self, lang: &str, taxonomies: &[Taxonomy]) -> Json {
        let Some(regions) = &self.regions else {
            return Json::Null;
        };
        let Some(taxonomy) = taxonomies.iter().find(|t| t.slug == regions.slug) else {
            return Json::Null;
        };
        let terms: HashMap<&str, &Term> = taxonomy
            .terms
            .iter()
            .map(|term| (term.id.as_str(), term))
            .collect();
        struct Shown<'t> {
            region: usize,
            label: &'t str,
            url: Option<&'t str>,
            count: usize,
            title: String,
            count_text: String,
        }
        let shown: Vec<Shown> = (regions.regions.iter())
            .map(|(vocabulary_term, region)| {
                let term = terms.get(vocabulary_term.id.as_str());
                let count = term.map_or(0, |t| t.items.len());
                let label = term.map_or(vocabulary_term.label(lang), |t| t.label.as_str());
                Shown {
                    region: *region,
                    label,
                    url: term.map(|t| t.url.as_str()),
                    count,
                    title: self.labelled_value(lang, label, &self.case_study_count(lang, count)),
                    count_text: format::number(count as f64, lang),
                }
            })
            .collect();
        let max = shown.iter().map(|r| r.count).max().unwrap_or(0);
        let classes = charts::count_classes(max, shown.iter().any(|r| r.count == 0));
        let map_regions: Vec<MapRegion> = shown
            .iter()
            .map(|r| MapRegion {
                region: r.region,
                url: r.url,
                count: r.count,
                title: &r.title,
                count_text: &r.count_text,
            })
            .collect();
        let svg = charts::region_map(&map_regions, &classes, &self.string(lang, "map_label"));
        let number = |n: usize| format::number(n as f64, lang);
        json!({
            "svg": svg,
            "url": taxonomy.url,
            "legend": classes.iter().map(|class| json!({
                "fill": class.fill,
                "label": if class.min == class.max {
                    number(class.min)
                } else {
                    format!("{}–{}", number(class.min), number(class.max))
                },
            })).collect::<Vec<_>>(),
            "regions": shown.iter().map(|r| json!({
                "label": r.label,
                "code": charts::region_code(r.region),
                "url": r.url,
                "count": r.count,
                "title": r.title,
            })).collect::<Vec<_>>(),
        })
    }

    /// The statistics page: a chart of every taxonomy's counts, then funding sums by
    /// program and by funder (the sub-fields with the JSON-LD roles `name` and `funder`).
    fn statistics_context(&self, lang: &str, taxonomies: Taxonomies, items: Cards) -> Context {
        let url = format!("{}{STATISTICS_PATH}", self.home(lang));
        let mut context = self.ui_context(lang, &url, &self.string(lang, "statistics_title"));
        let mut charts: Vec<Chart> = (self.config.config.taxonomies.iter())
            .zip(taxonomies.0)
            .filter_map(|(config, taxonomy)| {
                let by_year = config.group == Some(TaxonomyGroup::Year);
                self.count_chart(lang, taxonomy, by_year)
            })
            .collect();
        for (index, grant_fields) in self.config.json_ld.funding.iter().enumerate() {
            let parts = [
                (&grant_fields.name, "program", "funding_program"),
                (&grant_fields.funder, "funder", "funding_funder"),
            ];
            for (part, what, header) in parts {
                let Some(part) = part else { continue };
                // A term link of an English case study is to the English term page.
                let relink = |item: &Item, url: &str| {
                    let path = url.strip_prefix(self.home(&item.entry.lang)).unwrap_or(url);
                    format!("{}{path}", self.home(lang))
                };
                let groups =
                    funding_groups(items, &grant_fields.field, part, grant_fields, &relink);
                if groups.is_empty() {
                    continue;
                }
                let id = format!("chart-{}-{index}-{what}", grant_fields.field);
                let title = self.string(lang, &format!("stats_funding_by_{what}"));
                charts.push(self.funding_chart(lang, id, title, header, groups));
            }
        }
        let charts: Vec<Json> = charts
            .into_iter()
            .map(|chart| {
                let title_id = format!("{}-titre", chart.id);
                let titles: Vec<String> = (chart.rows.iter())
                    .map(|row| self.labelled_value(lang, &row.label, &row.value))
                    .collect();
                let bars: Vec<Bar> = (chart.rows.iter().zip(&titles))
                    .map(|(row, title)| Bar {
                        label: &row.label,
                        fraction: row.fraction,
                        value: &row.value,
                        title,
                    })
                    .collect();
                let shown = chart.rows.len();
                json!({
                    "id": chart.id,
                    "title_id": title_id,
                    "title": chart.title,
                    "svg": charts::bar_chart(&bars, &title_id),
                    "headers": chart.headers,
                    "rows": chart.rows.iter().map(|row| json!({
                        "label": row.label,
                        "url": row.url,
                        "cells": row.cells,
                    })).collect::<Vec<_>>(),
                    "truncated": (chart.total > shown).then(|| self.string(lang, "stats_top")
                        .replace("{shown}", &format::number(shown as f64, lang))
                        .replace("{total}", &format::number(chart.total as f64, lang))),
                    "all_url": chart.all_url,
                })
            })
            .collect();
        context.insert("charts", &charts);
        context
    }

    /// Case studies per term of `taxonomy`: years in order, other terms most frequent
    /// first. A vocabulary's terms that no case study has yet are listed with 0.
    fn count_chart(&self, lang: &str, taxonomy: &Taxonomy, by_year: bool) -> Option<Chart> {
        let mut counted: Vec<(&str, Option<&str>, usize)> = (taxonomy.terms.iter())
            .map(|t| (t.label.as_str(), Some(t.url.as_str()), t.items.len()))
            .collect();
        if by_year {
            counted.reverse(); // Terms are newest first.
        } else {
            let vocabulary = field_spec(&self.config.config.fields, &taxonomy.field)
                .and_then(|spec| self.config.vocabulary(spec.vocabulary.as_deref()?));
            if let Some(vocabulary) = vocabulary {
                let present: std::collections::HashSet<&str> =
                    taxonomy.terms.iter().map(|t| t.id.as_str()).collect();
                counted.extend(
                    (vocabulary.terms.iter())
                        .filter(|term| !present.contains(term.id.as_str()))
                        .map(|term| (term.label(lang), None, 0)),
                );
            }
            // Stable: equal counts keep the taxonomy's order (by label), then the vocabulary's.
            counted.sort_by_key(|c| std::cmp::Reverse(c.2));
        }
        if counted.is_empty() {
            return None;
        }
        let total = counted.len();
        counted.truncate(MAX_BARS);
        let values: Vec<f64> = counted.iter().map(|c| c.2 as f64).collect();
        let rows = (counted.iter().zip(charts::fractions(&values)))
            .map(|(&(label, url, count), fraction)| {
                let value = format::number(count as f64, lang);
                Row {
                    label: label.to_string(),
                    url: url.map(str::to_string),
                    fraction,
                    value: value.clone(),
                    cells: vec![value],
                }
            })
            .collect();
        let name = &taxonomy.name;
        let title = self
            .string_opt(lang, &format!("stats_by_{name}"))
            .unwrap_or_else(|| self.string(lang, &format!("taxonomy_{name}")));
        // The field's own name (« Région »), unless the taxonomy is a sub-field, whose name is
        // the object's (`funding.program` is named `funding`: « Financement »).
        let field_name = (!taxonomy.field.contains('.'))
            .then(|| self.string_opt(lang, &format!("field_{name}")))
            .flatten();
        let header = field_name.unwrap_or_else(|| self.string(lang, &format!("taxonomy_{name}")));
        Some(Chart {
            id: format!("chart-{}", taxonomy.slug),
            title,
            headers: vec![header, self.string(lang, "stats_case_studies")],
            rows,
            total,
            all_url: Some(taxonomy.url.clone()),
        })
    }

    /// Sums of the funding `groups`, largest first. Bars compare amounts of one currency
    /// only: each is measured against the largest sum in its own currency.
    fn funding_chart(
        &self,
        lang: &str,
        id: String,
        title: String,
        header: &str,
        mut groups: Vec<FundingGroup>,
    ) -> Chart {
        groups.sort_by(|a, b| {
            (b.total.total_cmp(&a.total))
                .then(b.grants.cmp(&a.grants))
                .then_with(|| fold(&a.label).cmp(&fold(&b.label)))
        });
        let total = groups.len();
        groups.truncate(MAX_BARS);
        let mut largest: HashMap<&str, f64> = HashMap::new();
        for group in &groups {
            let max = largest.entry(&group.currency).or_insert(0.0);
            *max = max.max(group.total);
        }
        let rows = groups
            .iter()
            .map(|group| {
                let max = largest.get(group.currency.as_str()).copied().unwrap_or(0.0);
                let value = if group.with_amount == 0 {
                    self.string(lang, "stats_amount_unknown")
                } else {
                    format::money(group.total, &group.currency, lang)
                };
                Row {
                    label: group.label.clone(),
                    url: group.url.clone(),
                    fraction: charts::fractions(&[group.total, max])[0],
                    value: value.clone(),
                    cells: vec![format::number(group.grants as f64, lang), value],
                }
            })
            .collect();
        Chart {
            id,
            title,
            headers: vec![
                self.string(lang, header),
                self.string(lang, "stats_grants"),
                self.string(lang, "stats_total_amount"),
            ],
            rows,
            total,
            all_url: None,
        }
    }
}

/// The grants of the object field `field` of every case study, grouped by the value of
/// their sub-field `part` (a vocabulary term by its id, a text by its match key) and by
/// currency (CAD when none is given): their number, and the sum of the amounts given.
/// `relink` turns a term link of an item (in its language) into the page's language's.
fn funding_groups(
    items: Cards,
    field: &str,
    part: &str,
    roles: &crate::config::GrantFields,
    relink: &dyn Fn(&Item, &str) -> String,
) -> Vec<FundingGroup> {
    let mut groups: Vec<FundingGroup> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for Card { item, .. } in items.iter() {
        let grants = item.fields.get(field).map_or(&[][..], Field::values);
        for grant in grants.iter().filter_map(Field::as_object) {
            let Some(value) = grant.get(part) else {
                continue;
            };
            let Some(label) = value.label() else {
                continue;
            };
            let key = match value.get("id").and_then(Field::as_str) {
                Some(id) => format!("id:{id}"),
                None => match_key(&label),
            };
            let sub = |name: &Option<String>| name.as_ref().and_then(|n| grant.get(n));
            let currency = sub(&roles.currency)
                .and_then(Field::label)
                .map(|c| c.trim().to_uppercase())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "CAD".into());
            let amount = sub(&roles.amount)
                .and_then(Field::as_f64)
                .filter(|a| a.is_finite());
            let at = *index.entry((key, currency.clone())).or_insert_with(|| {
                groups.push(FundingGroup {
                    url: (value.get("url").and_then(Field::as_str)).map(|url| relink(item, url)),
                    label,
                    currency,
                    grants: 0,
                    with_amount: 0,
                    total: 0.0,
                });
                groups.len() - 1
            });
            let group = &mut groups[at];
            group.grants += 1;
            if let Some(amount) = amount {
                group.with_amount += 1;
                group.total += amount;
            }
        }
    }
    groups
}

/// One card per case study, for lists, made when first needed: its fields and `html`, the
/// card partial rendered. A card is made from its item and the site-wide values alone.
pub(super) struct CardCache<'a> {
    tera: &'a Tera,
    cards: Vec<OnceLock<Value>>,
}

impl<'a> CardCache<'a> {
    pub(super) fn new(tera: &'a Tera, case_studies: usize) -> Self {
        CardCache {
            tera,
            cards: (0..case_studies).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The card of a case study. The card partial sees the context every page has, with the
    /// card as `item`; a failure to render it is reported once, through `report`.
    fn get(
        &self,
        Card { index, item }: Card,
        global: &Global,
        report: &dyn Fn(&tera::Error),
    ) -> Value {
        let Some(slot) = self.cards.get(index) else {
            return Value::none();
        };
        slot.get_or_init(|| {
            // In the item's own language, and marked with it: a card is the same on every
            // list, an English case study's on a French list as on an English one.
            let lang = global.ui_lang(&item.entry.lang);
            let more = global.string(lang, "card_more");
            let fields = global.fields_in(item);
            let card = card(item, &fields, lang, &more);
            let mut context = global.base_context(lang, &item.url, &item.entry.title);
            context.insert_value("item", Value::from_serializable(&card));
            let html = self
                .tera
                .render(CARD_TEMPLATE, &context)
                .unwrap_or_else(|err| {
                    report(&err);
                    String::new()
                });
            // Kept for every list: the HTML, and the card's plain values (title, url, date…)
            // for links such as "newer" and "older". Its term lists and cover, already in the
            // HTML, are not: held for every case study they were 80 MB at 10,000.
            let mut kept = tera::Map::new();
            if let Json::Object(card) = card {
                for (name, value) in card {
                    if !(value.is_array() || value.is_object()) {
                        kept.insert(name.into(), Value::from_serializable(&value));
                    }
                }
            }
            kept.insert("html".into(), Value::safe_string(&html));
            Value::from(kept)
        })
        .clone()
    }
}

/// Labels the vocabulary values among `fields` (declared by `schema`) in `lang`.
fn relabel(
    fields: &mut Fields,
    schema: &indexmap::IndexMap<String, FieldSpec>,
    config: &SiteConfig,
    lang: &str,
) {
    for (name, spec) in schema {
        if let Some(value) = fields.get_mut(name) {
            relabel_value(value, spec, config, lang);
        }
    }
}

fn relabel_value(value: &mut Field, spec: &FieldSpec, config: &SiteConfig, lang: &str) {
    match value {
        Field::List(values) => {
            for value in values {
                relabel_value(value, spec, config, lang);
            }
        }
        Field::Object(object) => {
            if let Some(vocabulary) = spec
                .vocabulary
                .as_deref()
                .and_then(|v| config.vocabulary(v))
            {
                // A value of an open vocabulary that is none of its terms keeps its text.
                let term =
                    (object.get("id").and_then(Field::as_str)).and_then(|id| vocabulary.lookup(id));
                if let Some(term) = term {
                    object.insert("label", term.label(lang).into());
                }
            } else if !spec.fields.is_empty() {
                relabel(object, &spec.fields, config, lang);
            }
        }
        _ => {}
    }
}

/// Authors a citation names; the others are left to « et al. ».
const CITATION_AUTHORS: usize = 6;

/// What the « Citer cette étude de cas » block and the Highwire `citation_*` meta tags show:
/// the organisations that carried the practice (the fields whose JSON-LD role is `city`, then
/// those whose role is `member`: the schema says which they are), the year, the title and
/// the permalink; the site itself when no field names an organisation. No date of
/// consultation: it is the reader's, not the build's.
fn citation(item: &Item, roles: &JsonLdFields, permalink: &str, site_title: &str) -> Json {
    let mut authors: Vec<String> = Vec::new();
    for name in roles.cities.iter().chain(&roles.members) {
        let values = item.fields.get(name).map_or(&[][..], Field::values);
        for label in values.iter().filter_map(Field::label) {
            if !authors.contains(&label) {
                authors.push(label);
            }
        }
    }
    if authors.is_empty() {
        authors.push(site_title.to_string());
    }
    let more = authors.len() > CITATION_AUTHORS;
    authors.truncate(CITATION_AUTHORS);
    let date = item.entry.date;
    json!({
        "title": item.entry.title,
        "authors": authors,
        "more_authors": more,
        "year": date.map(|d| d.year()),
        // Highwire's form, which Google Scholar reads: 2024/03/18.
        "publication_date": date.map(|d| d.format("%Y/%m/%d").to_string()),
        "url": permalink,
    })
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
fn card(item: &Item, fields: &Fields, lang: &str, more: &str) -> Json {
    let mut card = json!({
        "title": item.entry.title,
        "url": item.url,
        "date": item.entry.date.map(|d| d.to_string()),
        "date_display": item.entry.date.map(|d| format::long_date(d, lang)),
        "summary": item.entry.summary,
        "featured": item.entry.featured,
        "lang": item.entry.lang,
        "cover": item.fields.get(crate::images::COVER_KEY),
    });
    for name in CARD_FIELDS {
        let (shown, left_out) = match fields.get(name) {
            // "et 1 autre" would take the place of the value itself: show it instead.
            Some(Field::List(values)) if values.len() > CARD_VALUES + 1 => (
                Json::Array(
                    values
                        .iter()
                        .take(CARD_VALUES)
                        .map(Field::to_json)
                        .collect(),
                ),
                Some(values.len() - CARD_VALUES),
            ),
            Some(value) => (value.to_json(), None),
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
    /// The item's fields, labelled in its language.
    fields: &'a Fields,
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
                if !self.fields.contains_key(name) && !ENTRY_KEYS.contains(&name.as_str()) {
                    map.serialize_entry(name, &Json::Null)?;
                }
            }
        }
        for (name, value) in self.fields.iter() {
            if !ENTRY_KEYS.contains(&name) {
                map.serialize_entry(name, value)?;
            }
        }
        map.serialize_entry("title", &item.entry.title)?;
        map.serialize_entry("summary", &item.entry.summary)?;
        map.serialize_entry("url", &item.url)?;
        map.serialize_entry("lang", &item.entry.lang)?;
        map.serialize_entry("file", &item.entry.file)?;
        map.serialize_entry("date", &item.entry.date.map(|d| d.to_string()))?;
        map.serialize_entry("content", &item.body.html())?;
        let toc: &[crate::markdown::TocEntry] = if self.show_toc { &item.body.toc } else { &[] };
        map.serialize_entry("toc", toc)?;
        map.serialize_entry("reading_minutes", &item.body.words.div_ceil(200).max(1))?;
        if let Some(json_ld) = self.json_ld {
            map.serialize_entry("json_ld", json_ld)?;
        }
        map.end()
    }
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
