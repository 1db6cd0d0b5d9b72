//! Stage 5: the site model through Tera templates into HTML pages, feeds and the sitemap.
//!
//! Each output page is a `PageJob` (output path, template, context) built from the model;
//! jobs are rendered in parallel. Values shared by many pages (a case study's card, the UI
//! strings) are converted to Tera values once and shared.

use crate::diagnostic::Diagnostic;
use crate::format;
use crate::model::{Item, Site, StableHasher, Taxonomy, Term, hash_json};
use crate::output::Sink;
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::{Value as Json, json};
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};
use tera::{Context, Kwargs, State, Tera, Value};

/// URL segment of the search page.
pub const SEARCH_PATH: &str = "recherche/";
/// Case studies shown on the home page.
const RECENT_ON_HOME: usize = 6;
/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 20;
/// Initial buffer of a rendered page: most pages are 10 to 20 KB.
const PAGE_CAPACITY: usize = 16 * 1024;
/// The partial that shows one case study in a list. Each card is rendered once per build and
/// handed to list templates as `item.html`: a case study appears in ten lists or more (all,
/// its region, themes, year…), and rendering its card each time was most of the list cost.
const CARD_TEMPLATE: &str = "partials/card.html";

/// One file to render.
pub struct PageJob {
    /// Output path: `etudes-de-cas/a/index.html`.
    pub path: String,
    pub template: &'static str,
    /// Digest of everything the page is made from, its template's sources included: a job
    /// with the same path and key as in an earlier build renders to the same bytes.
    pub key: u64,
    kind: JobKind,
}

impl PageJob {
    /// The content file the page is made from; `None` for generated pages (lists, feeds…).
    pub fn source<'s>(&self, site: &'s Site) -> Option<&'s str> {
        match self.kind {
            JobKind::CaseStudy(index) => Some(&site.case_studies[index].entry.file),
            JobKind::Page(index) => Some(&site.pages[index].entry.file),
            _ => None,
        }
    }
}

/// Tera with the theme's templates and our filters, ready to render.
pub struct Templates {
    pub tera: Tera,
    /// Template name → digest of its source and of every template it extends, includes or
    /// imports.
    keys: HashMap<String, u64>,
}

impl Templates {
    /// The digest of a template and of the templates it uses (0 for an unknown name).
    pub fn key(&self, name: &str) -> u64 {
        self.keys.get(name).copied().unwrap_or(0)
    }
}

/// Loads the theme's templates. Syntax errors are reported with the template's path and line.
pub fn load_templates(theme: &Theme, problems: &mut Vec<Diagnostic>) -> Option<Templates> {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    register_filters(&mut tera);
    let mut sources = Vec::new();
    let mut failed = false;
    for (name, file) in &theme.templates {
        match std::str::from_utf8(&file.bytes) {
            Ok(text) => sources.push((name.as_str(), text)),
            Err(_) => {
                failed = true;
                problems.push(
                    Diagnostic::error(file.display.clone(), "template is not valid UTF-8")
                        .hint("save it with UTF-8 encoding"),
                );
            }
        }
    }
    if let Err(err) = tera.add_raw_templates(sources) {
        problems.push(template_diagnostic(theme, &err));
        return None;
    }
    (!failed).then(|| Templates {
        tera,
        keys: template_keys(theme),
    })
}

/// For each template, a digest of its source and of the sources of all the templates it
/// reaches through `extends`, `include` and `import`. A tag whose template name is not a
/// plain string makes the template depend on every template.
fn template_keys(theme: &Theme) -> HashMap<String, u64> {
    let direct: HashMap<&str, Option<Vec<String>>> = theme
        .templates
        .iter()
        .map(|(name, file)| {
            (
                name.as_str(),
                template_dependencies(&String::from_utf8_lossy(&file.bytes)),
            )
        })
        .collect();
    let all: Vec<&str> = theme.templates.keys().map(String::as_str).collect();
    theme
        .templates
        .keys()
        .map(|name| {
            let mut reached: BTreeSet<&str> = BTreeSet::new();
            let mut pending = vec![name.as_str()];
            while let Some(next) = pending.pop() {
                if !reached.insert(next) {
                    continue;
                }
                match direct.get(next) {
                    Some(Some(deps)) => pending.extend(deps.iter().map(String::as_str)),
                    Some(None) => pending.extend(all.iter().copied()),
                    None => {}
                }
            }
            let mut hasher = StableHasher::default();
            for reached in reached {
                reached.hash(&mut hasher);
                if let Some(file) = theme.templates.get(reached) {
                    file.bytes.hash(&mut hasher);
                }
            }
            (name.clone(), hasher.finish())
        })
        .collect()
}

/// Names of the templates a template's `extends`, `include` and `import` tags name, or `None`
/// when one of them computes the name.
fn template_dependencies(source: &str) -> Option<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let end = after.find("%}").unwrap_or(after.len());
        let tag = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        rest = &after[end..];
        let Some((keyword, arguments)) = tag.split_once(char::is_whitespace) else {
            continue;
        };
        if !matches!(keyword, "extends" | "include" | "import") {
            continue;
        }
        let mut others = String::new();
        let mut chars = arguments.chars();
        while let Some(c) = chars.next() {
            if c == '"' || c == '\'' || c == '`' {
                found.push(chars.by_ref().take_while(|&d| d != c).collect());
            } else {
                others.push(c);
            }
        }
        let mut words =
            others.split(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == ',');
        while let Some(word) = words.next() {
            match word {
                "" | "ignore" | "missing" => {}
                "as" => {
                    words.next();
                }
                _ => return None,
            }
        }
    }
    Some(found)
}

/// Turns a Tera error into a diagnostic naming the template file and line.
fn template_diagnostic(theme: &Theme, err: &tera::Error) -> Diagnostic {
    use std::error::Error as _;
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    };
    let mut message = match report {
        Some(report) => report.message().to_string(),
        None => err.to_string(),
    };
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    let (file, line, column) = match report {
        Some(report) => {
            let file = theme.templates.get(report.filename()).map_or_else(
                || format!("templates/{}", report.filename()),
                |f| f.display.clone(),
            );
            (file, report.span().start_line, report.span().start_col + 1)
        }
        None => ("templates".to_string(), 0, 0),
    };
    Diagnostic::error(file, message)
        .at(line, column)
        .field("template")
        .hint("fix the template; Tera's syntax is described at https://keats.github.io/tera/")
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("long_date", |date: &str, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("fr");
        format::long_date_str(date, lang)
    });
    tera.register_filter("money", |amount: f64, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("fr");
        let currency = kwargs
            .get::<&str>("currency")
            .ok()
            .flatten()
            .unwrap_or("CAD");
        format::money(amount, currency, lang)
    });
    tera.register_filter("number", |value: f64, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("fr");
        format::number(value, lang)
    });
}

/// Renders every page of the site into `sink`. Problems (template errors at render time,
/// write failures) are returned; rendering goes on for the other pages.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    templates: &Templates,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let renderer = Renderer::new(site, theme, templates);
    let jobs = renderer.jobs();
    renderer.render(jobs.iter().collect(), sink)
}

/// Lists a site's pages as jobs and renders any of them. `render_site` renders them all; the
/// preview server renders only the jobs whose key changed since its last build.
pub struct Renderer<'a> {
    shared: Shared<'a>,
    theme: &'a Theme,
    templates: &'a Templates,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, templates: &'a Templates) -> Self {
        Renderer {
            shared: Shared::new(site, theme, &templates.tera),
            theme,
            templates,
        }
    }

    /// Every page of the site: case studies, content pages, then home, lists, taxonomies,
    /// search, 404, feed, sitemap and robots.txt.
    pub fn jobs(&self) -> Vec<PageJob> {
        let shared = &self.shared;
        let site = shared.site;
        let mut jobs: Vec<PageJob> = site
            .case_studies
            .par_iter()
            .enumerate()
            .map(|(index, item)| {
                self.job(JobKind::CaseStudy(index), output_path(&item.entry.url_path))
            })
            .collect();
        jobs.extend(site.pages.iter().enumerate().map(|(index, item)| {
            self.job(JobKind::Page(index), output_path(&item.entry.url_path))
        }));
        let base = site.base_path.as_str();
        let relative = |url: &str| output_path(url.strip_prefix(base).unwrap_or(url));
        jobs.push(self.job(JobKind::Home, "index.html".into()));
        let mut lists = vec![ListOf::All];
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            jobs.push(self.job(JobKind::Taxonomy(t), relative(&taxonomy.url)));
            lists.extend((0..taxonomy.terms.len()).map(|term| ListOf::Term { taxonomy: t, term }));
        }
        let list_jobs: Vec<PageJob> = lists
            .into_par_iter()
            .flat_map_iter(|list| {
                let total_pages = shared.total_pages(list);
                (1..=total_pages).map(move |page| {
                    let kind = JobKind::List { list, page };
                    self.job(kind, relative(&shared.page_url(list, page)))
                })
            })
            .collect();
        jobs.extend(list_jobs);
        jobs.push(self.job(JobKind::Search, output_path(SEARCH_PATH)));
        jobs.push(self.job(JobKind::NotFound, "404.html".into()));
        jobs.push(self.job(JobKind::Feed, "atom.xml".into()));
        jobs.push(self.job(JobKind::Sitemap, "sitemap.xml".into()));
        jobs.push(self.job(JobKind::Robots, "robots.txt".into()));
        jobs
    }

    fn job(&self, kind: JobKind, path: String) -> PageJob {
        let template = kind.template();
        let mut hasher = StableHasher::default();
        self.shared.global_key.hash(&mut hasher);
        self.templates.key(template).hash(&mut hasher);
        if kind.shows_cards() {
            self.templates.key(CARD_TEMPLATE).hash(&mut hasher);
        }
        path.hash(&mut hasher);
        self.shared.hash_inputs(kind, &mut hasher);
        PageJob {
            path,
            template,
            key: hasher.finish(),
            kind,
        }
    }

    /// Renders `jobs` in parallel into `sink`.
    pub fn render(&self, jobs: Vec<&PageJob>, sink: &dyn Sink) -> Vec<Diagnostic> {
        let problems = Mutex::new(Vec::new());
        let report = |err: Diagnostic| problems.lock().unwrap_or_else(|e| e.into_inner()).push(err);
        let card_error = |err: &tera::Error| {
            report(template_diagnostic(self.theme, err).hint(format!(
                "the error happened while rendering `{CARD_TEMPLATE}`"
            )))
        };
        jobs.into_par_iter().for_each(|job| {
            let context = self.shared.context(job.kind, &card_error);
            // Straight into bytes: the sink takes bytes, and `Tera::render` would check the
            // whole page is UTF-8 to make a `String` of it.
            let mut html = Vec::with_capacity(PAGE_CAPACITY);
            match self
                .templates
                .tera
                .render_to(job.template, &context, &mut html)
            {
                Ok(()) => {
                    if let Err(err) = sink.put(&job.path, html) {
                        report(Diagnostic::cannot_write(job.path.clone(), &err));
                    }
                }
                Err(err) => report(
                    template_diagnostic(self.theme, &err)
                        .hint(format!("the error happened while rendering `{}`", job.path)),
                ),
            }
        });
        problems.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// What one page shows, as indexes into the site; made into a Tera context only when the
/// page is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobKind {
    CaseStudy(usize),
    Page(usize),
    Home,
    /// Page `page` (from 1) of a paginated list of case studies.
    List {
        list: ListOf,
        page: usize,
    },
    Taxonomy(usize),
    Search,
    NotFound,
    Feed,
    Sitemap,
    Robots,
}

impl JobKind {
    fn template(self) -> &'static str {
        match self {
            JobKind::CaseStudy(_) => "case_study.html",
            JobKind::Page(_) => "page.html",
            JobKind::Home => "index.html",
            JobKind::List {
                list: ListOf::All, ..
            } => "list.html",
            JobKind::List {
                list: ListOf::Term { .. },
                ..
            } => "term.html",
            JobKind::Taxonomy(_) => "taxonomy.html",
            JobKind::Search => "search.html",
            JobKind::NotFound => "404.html",
            JobKind::Feed => "atom.xml",
            JobKind::Sitemap => "sitemap.xml",
            JobKind::Robots => "robots.txt",
        }
    }

    /// Whether the page's context holds case study cards (with their rendered `html`).
    fn shows_cards(self) -> bool {
        matches!(
            self,
            JobKind::CaseStudy(_) | JobKind::Home | JobKind::List { .. }
        )
    }
}

/// A paginated list: all case studies, or those of one taxonomy term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListOf {
    All,
    Term { taxonomy: usize, term: usize },
}

/// Values computed once per build and shared by all pages.
struct Shared<'a> {
    site: &'a Site,
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
    all: Vec<usize>,
    /// Digest of what every page depends on: configuration, UI strings, `site_value`.
    global_key: u64,
}

impl<'a> Shared<'a> {
    fn new(site: &'a Site, theme: &'a Theme, tera: &'a Tera) -> Self {
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
    fn base_context(&self, lang: &str, url: &str, title: &str) -> Context {
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

    fn permalink(&self, url: &str) -> String {
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
    fn hash_inputs(&self, kind: JobKind, hasher: &mut StableHasher) {
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
            JobKind::Sitemap => {
                for item in site.case_studies.iter().chain(&site.pages) {
                    (&item.url, item.entry.date).hash(hasher);
                }
                self.hash_taxonomies(hasher);
            }
        }
    }

    fn hash_taxonomies(&self, hasher: &mut StableHasher) {
        for taxonomy in &self.site.taxonomies {
            hash_json(&taxonomy_value(taxonomy), hasher);
        }
    }

    /// The Tera context of one page; `report` takes errors of the card partial.
    fn context(&self, kind: JobKind, report: &dyn Fn(&tera::Error)) -> Context {
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
            JobKind::Sitemap => self.sitemap_context(),
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

    fn sitemap_context(&self) -> Context {
        let site = self.site;
        let config = &site.config.config;
        let base = &site.base_path;
        let mut urls: Vec<Json> = Vec::new();
        let mut add_url = |url: &str, date: Option<String>| {
            urls.push(json!({"loc": self.permalink(url), "lastmod": date}));
        };
        add_url(base, None);
        for item in site.case_studies.iter().chain(&site.pages) {
            add_url(&item.url, item.entry.date.map(|d| d.to_string()));
        }
        add_url(&format!("{base}{}/", config.case_studies.section), None);
        for taxonomy in &site.taxonomies {
            add_url(&taxonomy.url, None);
            for term in &taxonomy.terms {
                add_url(&term.url, None);
            }
        }
        let mut context = self.base_context(&config.language, base, &config.title);
        context.insert("urls", &urls);
        context
    }

    fn string(&self, lang: &str, key: &str) -> String {
        self.raw_strings
            .get(self.ui_lang(lang))
            .and_then(|strings| strings.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    fn list_items(&self, list: ListOf) -> &[usize] {
        match list {
            ListOf::All => &self.all,
            ListOf::Term { taxonomy, term } => &self.site.taxonomies[taxonomy].terms[term].items,
        }
    }

    fn list_url(&self, list: ListOf) -> String {
        match list {
            ListOf::All => format!(
                "{}{}/",
                self.site.base_path, self.site.config.config.case_studies.section
            ),
            ListOf::Term { taxonomy, term } => {
                self.site.taxonomies[taxonomy].terms[term].url.clone()
            }
        }
    }

    fn per_page(&self) -> usize {
        self.site.config.config.paginate.max(1)
    }

    fn total_pages(&self, list: ListOf) -> usize {
        self.list_items(list).len().div_ceil(self.per_page()).max(1)
    }

    /// The slice of a list's items shown on page `page`.
    fn page_range(&self, len: usize, page: usize) -> (usize, usize) {
        let start = ((page - 1) * self.per_page()).min(len);
        (start, (start + self.per_page()).min(len))
    }

    /// Pages of a list: `url`, `url/page/2/`, …
    fn page_url(&self, list: ListOf, page: usize) -> String {
        let url = self.list_url(list);
        if page == 1 {
            url
        } else {
            format!("{url}page/{page}/")
        }
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

/// Page numbers to link from page `current`: the first, the last, and two on each side of
/// the current one; `None` marks a gap. Keeps list pages small when there are thousands.
fn page_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut numbers = Vec::new();
    let mut previous = 0;
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near {
            if n > previous + 1 {
                numbers.push(None);
            }
            numbers.push(Some(n));
            previous = n;
        }
    }
    numbers
}

/// `etudes-de-cas/a/` → `etudes-de-cas/a/index.html`; `` → `index.html`.
pub fn output_path(url_path: &str) -> String {
    let trimmed = url_path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        format!("{trimmed}/index.html")
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

/// schema.org JSON-LD for a case study: an Article about a Project, funding as Grants.
/// Serialised with `<`, `>` and `&` escaped so no value can close the `<script>` element.
pub fn json_ld(item: &Item, permalink: &str, license: &str) -> String {
    let fields = &item.fields;
    let labels = |name: &str| -> Vec<String> {
        match fields.get(name) {
            Some(Json::Array(values)) => values.iter().filter_map(value_label).collect(),
            Some(value) => value_label(value).into_iter().collect(),
            None => Vec::new(),
        }
    };
    let mut places: Vec<Json> = labels("municipality")
        .into_iter()
        .map(|name| json!({"@type": "City", "name": name}))
        .collect();
    places.extend(
        labels("mrc")
            .into_iter()
            .map(|name| json!({"@type": "AdministrativeArea", "name": name})),
    );
    places.extend(
        labels("region")
            .into_iter()
            .map(|name| json!({"@type": "AdministrativeArea", "name": name, "containedInPlace": {"@type": "AdministrativeArea", "name": "Québec"}})),
    );
    let grants: Vec<Json> = match fields.get("funding") {
        Some(Json::Array(items)) => items
            .iter()
            .map(|grant| {
                let mut object = json!({"@type": "Grant"});
                if let Some(program) = grant.get("program").and_then(value_label) {
                    object["name"] = program.into();
                }
                if let Some(funder) = grant.get("funder").and_then(value_label) {
                    object["funder"] = json!({"@type": "Organization", "name": funder});
                }
                if let Some(amount) = grant.get("amount").filter(|a| a.is_number()) {
                    let currency = grant
                        .get("currency")
                        .and_then(Json::as_str)
                        .unwrap_or("CAD");
                    object["amount"] =
                        json!({"@type": "MonetaryAmount", "value": amount, "currency": currency});
                }
                object
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut project = json!({
        "@type": "Project",
        "name": item.entry.title,
        "description": item.entry.summary,
        "spatialCoverage": places,
        "audience": labels("target_groups").into_iter().map(|a| json!({"@type": "Audience", "audienceType": a})).collect::<Vec<_>>(),
        "keywords": labels("themes"),
    });
    if !grants.is_empty() {
        project["funding"] = Json::Array(grants);
    }
    let partners = labels("partners");
    if !partners.is_empty() {
        project["member"] = partners
            .into_iter()
            .map(|p| json!({"@type": "Organization", "name": p}))
            .collect();
    }
    if let Some(period) = fields.get("period") {
        if let Some(start) = period.get("start").and_then(Json::as_str) {
            project["startDate"] = start.into();
        }
        if let Some(end) = period.get("end").and_then(Json::as_str) {
            project["endDate"] = end.into();
        }
    }
    let article = json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": item.entry.title,
        "description": item.entry.summary,
        "datePublished": item.entry.date.map(|d| d.to_string()),
        "inLanguage": item.entry.lang,
        "url": permalink,
        "license": license,
        "about": project,
    });
    serde_json::to_string(&article)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The text of a field value: a string, or a term's label.
pub fn value_label(value: &Json) -> Option<String> {
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

    #[test]
    fn pagination_links_a_window_around_the_current_page() {
        let shown = |current, total| -> Vec<Option<usize>> { page_window(current, total) };
        assert_eq!(shown(1, 1), [Some(1)]);
        assert_eq!(shown(1, 3), [Some(1), Some(2), Some(3)]);
        assert_eq!(
            shown(10, 100),
            [
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(100)
            ]
        );
    }

    #[test]
    fn output_paths_are_pretty_urls() {
        assert_eq!(output_path(""), "index.html");
        assert_eq!(
            output_path("etudes-de-cas/a/"),
            "etudes-de-cas/a/index.html"
        );
    }

    /// Ids the templates give their elements: `id="fiche"`, and for a computed id such as
    /// `id="{{ search_id | default(value='q') }}"` its default.
    fn ids_in_templates() -> BTreeSet<String> {
        let mut problems = Vec::new();
        let theme = crate::theme::load(
            std::path::Path::new("/nonexistent"),
            "default",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let mut ids = BTreeSet::new();
        for (name, file) in &theme.templates {
            let source = String::from_utf8_lossy(&file.bytes);
            let attributes = source
                .match_indices("id=\"")
                .filter(|(i, _)| source[..*i].ends_with(char::is_whitespace))
                .map(|(i, m)| source.split_at(i + m.len()));
            for (_, rest) in attributes {
                let value = rest.split('"').next().unwrap_or_default();
                if let Some(expression) = value.strip_prefix("{{") {
                    let default = expression
                        .split_once("default(value='")
                        .and_then(|(_, d)| d.split_once('\''))
                        .map(|(d, _)| d);
                    let default = default.unwrap_or_else(|| {
                        panic!("{name}: computed id without a default: {value}")
                    });
                    ids.insert(default.to_string());
                } else {
                    ids.insert(value.to_string());
                }
            }
        }
        ids
    }

    #[test]
    fn reserved_heading_ids_are_the_ids_of_the_templates() {
        let reserved: BTreeSet<String> = crate::markdown::TEMPLATE_IDS
            .iter()
            .map(|id| id.to_string())
            .collect();
        assert_eq!(
            reserved,
            ids_in_templates(),
            "markdown::TEMPLATE_IDS must list exactly the ids the templates use"
        );
    }
}
