//! Stage 5: the site model through Tera templates into HTML pages, feeds and the sitemap.
//!
//! Each output page is a `PageJob` (output path, template, context) built from the model;
//! jobs are rendered in parallel. Values shared by many pages (a case study's card, the UI
//! strings) are converted to Tera values once and shared.

use crate::diagnostic::Diagnostic;
use crate::format;
use crate::model::{Item, Site, Taxonomy, Term};
use crate::output::Sink;
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::{Map, Value as Json, json};
use std::collections::HashMap;
use std::sync::Mutex;
use tera::{Context, Kwargs, State, Tera, Value};

/// URL segment of the search page.
pub const SEARCH_PATH: &str = "recherche/";
/// Case studies shown on the home page.
const RECENT_ON_HOME: usize = 6;
/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 20;

/// One file to render.
pub struct PageJob {
    /// Output path: `etudes-de-cas/a/index.html`.
    pub path: String,
    pub template: &'static str,
    pub context: Context,
}

/// Tera with the theme's templates and our filters, ready to render.
pub struct Templates {
    pub tera: Tera,
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
    (!failed).then_some(Templates { tera })
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
            let file = theme
                .templates
                .get(report.filename())
                .map_or_else(|| format!("templates/{}", report.filename()), |f| f.display.clone());
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
        let currency = kwargs.get::<&str>("currency").ok().flatten().unwrap_or("CAD");
        format::money(amount, currency, lang)
    });
    tera.register_filter("number", |value: f64, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("fr");
        format::number(value, lang)
    });
}

/// Renders every page of the site into `sink`. Problems (template errors at render time,
/// write failures) are returned; rendering goes on for the other pages.
pub fn render_site(site: &Site, theme: &Theme, templates: &Templates, sink: &dyn Sink) -> Vec<Diagnostic> {
    let shared = Shared::new(site, theme);
    let problems = Mutex::new(Vec::new());
    let report = |err: Diagnostic| problems.lock().unwrap_or_else(|e| e.into_inner()).push(err);
    let render = |job: PageJob| match templates.tera.render(job.template, &job.context) {
        Ok(html) => {
            if let Err(err) = sink.put(&job.path, html.into_bytes()) {
                report(Diagnostic::error(job.path.clone(), format!("cannot write: {err}")));
            }
        }
        Err(err) => report(template_diagnostic(theme, &err).hint(format!(
            "the error happened while rendering `{}`",
            job.path
        ))),
    };
    site.case_studies
        .par_iter()
        .enumerate()
        .for_each(|(index, item)| render(shared.case_study_job(index, item)));
    site.pages
        .par_iter()
        .for_each(|item| render(shared.page_job(item)));
    shared.list_jobs().into_par_iter().for_each(render);
    problems.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Values computed once per build and shared by all pages.
struct Shared<'a> {
    site: &'a Site,
    /// Language → UI strings as a Tera value.
    strings: HashMap<String, Value>,
    /// The same strings as plain text, for titles computed here.
    raw_strings: &'a HashMap<String, crate::theme::Strings>,
    /// One card per case study, for lists.
    cards: Vec<Value>,
}

impl<'a> Shared<'a> {
    fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let strings = theme
            .strings
            .iter()
            .map(|(lang, strings)| (lang.clone(), Value::from_serializable(strings)))
            .collect();
        let lang = site.config.config.language.as_str();
        let cards = site
            .case_studies
            .par_iter()
            .map(|item| Value::from_serializable(&card(item, lang)))
            .collect();
        Shared {
            site,
            strings,
            raw_strings: &theme.strings,
            cards,
        }
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
        let config = &self.site.config.config;
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
        context.insert(
            "site",
            &json!({
                "title": config.title,
                "description": config.description,
                "language": config.language,
                "license": config.license,
                "search_url": format!("{}{}", self.site.base_path, SEARCH_PATH),
                "case_studies_url": format!("{}{}/", self.site.base_path, config.case_studies.section),
                "case_study_count": self.site.case_studies.len(),
                "nav": self.site.pages.iter()
                    .filter(|p| p.entry.lang == config.language)
                    .map(|p| json!({"title": p.entry.title, "url": p.url}))
                    .collect::<Vec<_>>(),
                "taxonomies": self.site.taxonomies.iter()
                    .map(|t| json!({"name": t.name, "url": t.url, "count": t.terms.len()}))
                    .collect::<Vec<_>>(),
            }),
        );
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

    fn case_study_job(&self, index: usize, item: &Item) -> PageJob {
        let lang = item.entry.lang.as_str();
        let mut context = self.base_context(lang, &item.url, &item.entry.title);
        let mut page = page_value(item, &self.site.config.config.fields);
        let toc_min = self.site.config.config.case_studies.toc_min_headings;
        if item.body.toc.len() < toc_min {
            page.insert("toc".into(), Json::Array(Vec::new()));
        }
        page.insert(
            "json_ld".into(),
            Json::String(json_ld(item, &self.permalink(&item.url), &self.site.config.config.license)),
        );
        context.insert("page", &page);
        context.insert("translations", &translations(item));
        let neighbours = |i: Option<usize>| i.and_then(|i| self.cards.get(i).cloned()).unwrap_or_else(Value::none);
        context.insert_value("newer", neighbours(index.checked_sub(1)));
        context.insert_value("older", neighbours(index.checked_add(1)));
        PageJob {
            path: output_path(&item.entry.url_path),
            template: "case_study.html",
            context,
        }
    }

    fn page_job(&self, item: &Item) -> PageJob {
        let mut context = self.base_context(&item.entry.lang, &item.url, &item.entry.title);
        let page = page_value(item, &Default::default());
        context.insert("page", &page);
        context.insert("translations", &translations(item));
        PageJob {
            path: output_path(&item.entry.url_path),
            template: "page.html",
            context,
        }
    }

    /// Home, lists, taxonomies, search, 404, feed, sitemap, robots.txt.
    fn list_jobs(&self) -> Vec<PageJob> {
        let site = self.site;
        let config = &site.config.config;
        let lang = config.language.as_str();
        let base = &site.base_path;
        let mut jobs = Vec::new();

        // Home
        let mut context = self.base_context(lang, base, &config.title);
        let featured: Vec<Value> = site
            .case_studies
            .iter()
            .enumerate()
            .filter(|(_, item)| item.entry.featured)
            .map(|(i, _)| self.cards[i].clone())
            .collect();
        context.insert_value("featured", Value::from(featured));
        context.insert_value(
            "recent",
            Value::from(self.cards.iter().take(RECENT_ON_HOME).cloned().collect::<Vec<_>>()),
        );
        context.insert("taxonomies", &site.taxonomies.iter().map(taxonomy_value).collect::<Vec<_>>());
        jobs.push(PageJob {
            path: "index.html".into(),
            template: "index.html",
            context,
        });

        // All case studies, paginated.
        let all: Vec<usize> = (0..site.case_studies.len()).collect();
        let section_url = format!("{base}{}/", config.case_studies.section);
        jobs.extend(self.paginate(&section_url, &all, "list.html", |context| {
            context.insert("title", &self.string(lang, "all_case_studies"));
        }));

        // Taxonomies and their terms.
        for taxonomy in &site.taxonomies {
            let title = self.string(lang, &format!("taxonomy_{}", taxonomy.name));
            let mut context = self.base_context(lang, &taxonomy.url, &title);
            context.insert("taxonomy", &taxonomy_value(taxonomy));
            jobs.push(PageJob {
                path: output_path(taxonomy.url.strip_prefix(base.as_str()).unwrap_or(&taxonomy.url)),
                template: "taxonomy.html",
                context,
            });
            for term in &taxonomy.terms {
                let taxonomy_json = json!({"name": taxonomy.name, "url": taxonomy.url, "title": title});
                let term_json = term_value(term);
                jobs.extend(self.paginate(&term.url, &term.items, "term.html", |context| {
                    context.insert("title", &term.label);
                    context.insert("taxonomy", &taxonomy_json);
                    context.insert("term", &term_json);
                }));
            }
        }

        // Search page, 404.
        let search_url = format!("{base}{SEARCH_PATH}");
        let mut context = self.base_context(lang, &search_url, &self.string(lang, "search_title"));
        context.insert("taxonomies", &site.taxonomies.iter().map(taxonomy_value).collect::<Vec<_>>());
        jobs.push(PageJob {
            path: output_path(SEARCH_PATH),
            template: "search.html",
            context,
        });
        let context = self.base_context(lang, &format!("{base}404.html"), &self.string(lang, "not_found_title"));
        jobs.push(PageJob {
            path: "404.html".into(),
            template: "404.html",
            context,
        });

        // Feed, sitemap, robots.txt.
        let mut context = self.base_context(lang, base, &config.title);
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
        context.insert("updated", &site.case_studies.first().and_then(|i| i.entry.date).map(|d| d.to_string()));
        jobs.push(PageJob {
            path: "atom.xml".into(),
            template: "atom.xml",
            context,
        });
        let mut urls: Vec<Json> = Vec::new();
        let mut add_url = |url: &str, date: Option<String>| {
            urls.push(json!({"loc": self.permalink(url), "lastmod": date}));
        };
        add_url(base, None);
        for item in site.case_studies.iter().chain(&site.pages) {
            add_url(&item.url, item.entry.date.map(|d| d.to_string()));
        }
        add_url(&section_url, None);
        for taxonomy in &site.taxonomies {
            add_url(&taxonomy.url, None);
            for term in &taxonomy.terms {
                add_url(&term.url, None);
            }
        }
        let mut context = self.base_context(lang, base, &config.title);
        context.insert("urls", &urls);
        jobs.push(PageJob {
            path: "sitemap.xml".into(),
            template: "sitemap.xml",
            context,
        });
        let mut context = self.base_context(lang, base, &config.title);
        context.insert("sitemap", &self.permalink(&format!("{base}sitemap.xml")));
        jobs.push(PageJob {
            path: "robots.txt".into(),
            template: "robots.txt",
            context,
        });
        jobs
    }

    fn string(&self, lang: &str, key: &str) -> String {
        self.raw_strings
            .get(self.ui_lang(lang))
            .and_then(|strings| strings.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// Pages of `per_page` cards: `url`, `url/page/2/`, …
    fn paginate(
        &self,
        url: &str,
        items: &[usize],
        template: &'static str,
        extra: impl Fn(&mut Context),
    ) -> Vec<PageJob> {
        let site = self.site;
        let lang = site.config.config.language.as_str();
        let per_page = site.config.config.paginate.max(1);
        let total_pages = items.len().div_ceil(per_page).max(1);
        let page_url = |n: usize| {
            if n == 1 {
                url.to_string()
            } else {
                format!("{url}page/{n}/")
            }
        };
        (1..=total_pages)
            .map(|number| {
                let start = (number - 1) * per_page;
                let cards: Vec<Value> = items
                    .iter()
                    .skip(start)
                    .take(per_page)
                    .map(|&i| self.cards[i].clone())
                    .collect();
                let current = page_url(number);
                let mut context = self.base_context(lang, &current, "");
                extra(&mut context);
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
                        "pages": (1..=total_pages).map(|n| json!({"number": n, "url": page_url(n)})).collect::<Vec<_>>(),
                    }),
                );
                let relative = current.strip_prefix(site.base_path.as_str()).unwrap_or(&current);
                PageJob {
                    path: output_path(relative),
                    template,
                    context,
                }
            })
            .collect()
    }
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

/// What a list shows for one case study.
fn card(item: &Item, lang: &str) -> Json {
    let field = |name: &str| item.fields.get(name).cloned().unwrap_or(Json::Null);
    json!({
        "title": item.entry.title,
        "url": item.url,
        "date": item.entry.date.map(|d| d.to_string()),
        "date_display": item.entry.date.map(|d| format::long_date(d, lang)),
        "summary": item.entry.summary,
        "featured": item.entry.featured,
        "lang": item.entry.lang,
        "municipality": field("municipality"),
        "region": field("region"),
        "themes": field("themes"),
        "status": field("status"),
        "year": field("year"),
    })
}

/// The full page value: every schema field (null when absent), body and metadata.
fn page_value(item: &Item, schema: &indexmap::IndexMap<String, crate::config::FieldSpec>) -> Map<String, Json> {
    let mut page = Map::new();
    for name in schema.keys() {
        page.insert(name.clone(), Json::Null);
    }
    for (name, value) in &item.fields {
        page.insert(name.clone(), value.clone());
    }
    page.insert("title".into(), item.entry.title.clone().into());
    page.insert("summary".into(), item.entry.summary.clone().into());
    page.insert("url".into(), item.url.clone().into());
    page.insert("lang".into(), item.entry.lang.clone().into());
    page.insert("file".into(), item.entry.file.clone().into());
    page.insert("date".into(), item.entry.date.map(|d| d.to_string()).into());
    page.insert("content".into(), item.body.html.clone().into());
    page.insert(
        "toc".into(),
        serde_json::to_value(&item.body.toc).unwrap_or_default(),
    );
    let words = item.body.text.split_whitespace().count();
    page.insert("reading_minutes".into(), words.div_ceil(200).max(1).into());
    page
}

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
                    let currency = grant.get("currency").and_then(Json::as_str).unwrap_or("CAD");
                    object["amount"] = json!({"@type": "MonetaryAmount", "value": amount, "currency": currency});
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
