//! Stage 5: the site model through Tera templates into HTML pages, feeds and the sitemap.
//!
//! Each output page is a `PageJob` (output path, template, context) built from the model;
//! jobs are rendered in parallel. Values shared by many pages (a case study's card, the UI
//! strings) are converted to Tera values once and shared.
//!
//! Here: the job planning and the parallel rendering. Beside it, one file per job:
//! `templates` (loading, digests, Tera errors as diagnostics), `filters` (Tera filters),
//! `inputs` (what each page is made from, declared once: hashed into its key, and the only
//! source of its context), `context` (each page's context from its inputs and the site-wide
//! values), `pagination`, `sitemap` (split past the protocol's limits) and `json_ld`.

mod charts;
mod context;
mod filters;
mod inputs;
mod json_ld;
mod pagination;
mod propose;
mod sitemap;
mod templates;

pub use templates::Templates;
pub(crate) use templates::load_templates;

use crate::diagnostic::Diagnostic;
use crate::model::{Site, StableHasher};
use crate::output::Sink;
use crate::theme::Theme;
use context::CardCache;
use inputs::Shared;
use rayon::prelude::*;
use sitemap::SitemapFile;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use templates::template_diagnostic;

/// URL segment of the search page.
pub(crate) const SEARCH_PATH: &str = "recherche/";
/// URL segment of the statistics page.
pub(crate) const STATISTICS_PATH: &str = "statistiques/";
/// URL segment of the page that proposes a practice: the form that writes a case study.
pub(crate) const PROPOSE_PATH: &str = "proposer/";
/// Case studies shown on the home page, newest first.
const RECENT_ON_HOME: usize = 6;
/// Featured case studies shown on the home page, newest first: every one of them made the
/// home page 2.6 MB at 100,000 case studies (3,000 featured).
const FEATURED_ON_HOME: usize = 6;
/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 20;
/// Initial buffer of a rendered page: most pages are 10 to 20 KB.
const PAGE_CAPACITY: usize = 16 * 1024;
/// The partial that shows one case study in a list. Each card is rendered once per build and
/// handed to list templates as `item.html`: a case study appears in ten lists or more (all,
/// its region, themes, year…), and rendering its card each time was most of the list cost.
const CARD_TEMPLATE: &str = "partials/card.html";

/// One file to render.
#[derive(Clone)]
pub(crate) struct PageJob {
    /// Output path: `etudes-de-cas/a/index.html`.
    pub(crate) path: String,
    pub(crate) template: &'static str,
    /// Digest of everything the page is made from, its template's sources included: a job
    /// with the same path and key as in an earlier build renders to the same bytes.
    pub(crate) key: u64,
    kind: JobKind,
}

impl PageJob {
    /// The content file the page is made from; `None` for generated pages (lists, feeds…).
    pub(crate) fn source<'s>(&self, site: &'s Site) -> Option<&'s str> {
        match self.kind {
            JobKind::CaseStudy(index) => Some(&site.case_studies[index].entry.file),
            JobKind::Page(index) => Some(&site.pages[index].entry.file),
            _ => None,
        }
    }
}

/// Lists a site's pages as jobs and renders any of them: a build renders them all, the
/// preview server only the jobs whose key changed since its last build. Problems (template
/// errors at render time, write failures) are returned; rendering goes on for the other pages.
pub(crate) struct Renderer<'a> {
    shared: Shared<'a>,
    cards: CardCache<'a>,
    theme: &'a Theme,
    templates: &'a Templates,
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(site: &'a Site, theme: &'a Theme, templates: &'a Templates) -> Self {
        Renderer {
            shared: Shared::new(site, theme),
            cards: CardCache::new(&templates.tera, site.case_studies.len()),
            theme,
            templates,
        }
    }

    /// Every page of the site: case studies, content pages, then home, lists, taxonomies,
    /// search, statistics, the proposal form, 404, feed, sitemap and robots.txt.
    pub(crate) fn jobs(&self) -> Vec<PageJob> {
        self.jobs_within(sitemap::LIMIT)
    }

    /// `jobs`, with sitemap files that hold at most `sitemap_limit`.
    fn jobs_within(&self, sitemap_limit: sitemap::Limit) -> Vec<PageJob> {
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
        // The pages of each language: the default one's at the root, the others' under
        // their language's folder, at the same paths (`/en/recherche/`).
        for (lang, view) in shared.langs.iter().enumerate() {
            let at = |path: &str| output_path(&format!("{}{path}", view.path));
            jobs.push(self.job(JobKind::Home(lang), at("")));
            let mut lists = vec![ListOf::All];
            for (t, taxonomy) in view.taxonomies.iter().enumerate() {
                let kind = JobKind::Taxonomy { lang, index: t };
                jobs.push(self.job(kind, relative(&taxonomy.url)));
                lists.extend(
                    (0..taxonomy.terms.len()).map(|term| ListOf::Term { taxonomy: t, term }),
                );
            }
            let list_jobs: Vec<PageJob> = lists
                .into_par_iter()
                .flat_map_iter(|list| {
                    let total_pages = shared.total_pages(lang, list);
                    let pages = (1..=total_pages).map(move |page| {
                        let kind = JobKind::List { lang, list, page };
                        self.job(kind, relative(&shared.page_url(lang, list, page)))
                    });
                    // A term's feed, beside its list: `/regions/estrie/atom.xml`.
                    let feed = matches!(list, ListOf::Term { .. }).then(|| {
                        let url = shared.list_url(lang, list);
                        let folder = url.strip_prefix(base).unwrap_or(url);
                        let path = format!("{}atom.xml", folder.trim_start_matches('/'));
                        self.job(JobKind::Feed { lang, list }, path)
                    });
                    pages.chain(feed)
                })
                .collect();
            jobs.extend(list_jobs);
            jobs.push(self.job(JobKind::Search(lang), at(SEARCH_PATH)));
            jobs.push(self.job(JobKind::Statistics(lang), at(STATISTICS_PATH)));
            jobs.push(self.job(JobKind::Propose(lang), at(PROPOSE_PATH)));
            let not_found = format!("{}404.html", view.path);
            jobs.push(self.job(JobKind::NotFound(lang), not_found));
            let feed = format!("{}atom.xml", view.path);
            let all = ListOf::All;
            jobs.push(self.job(JobKind::Feed { lang, list: all }, feed));
        }
        for file in sitemap::plan(shared.sitemap_urls(), sitemap_limit) {
            jobs.push(self.job(JobKind::Sitemap(file), file.path()));
        }
        jobs.push(self.job(JobKind::Robots, "robots.txt".into()));
        jobs
    }

    /// The job of the page `job` planned in an earlier run of a site of the same shape (the
    /// same case studies in the same order, the same terms), planned again for this one.
    pub(crate) fn replan(&self, job: &PageJob) -> PageJob {
        self.job(job.kind, job.path.clone())
    }

    /// The job of `kind`, its key made of what the page is rendered from: the site-wide
    /// values, its templates, its path and its inputs.
    fn job(&self, kind: JobKind, path: String) -> PageJob {
        let template = kind.template();
        let inputs = self.shared.inputs(kind);
        let mut hasher = StableHasher::default();
        self.shared.global.key.hash(&mut hasher);
        self.templates.key(template).hash(&mut hasher);
        if inputs.shows_cards() {
            self.templates.key(CARD_TEMPLATE).hash(&mut hasher);
        }
        path.hash(&mut hasher);
        inputs.hash(&mut hasher);
        PageJob {
            path,
            template,
            key: hasher.finish(),
            kind,
        }
    }

    /// Renders `jobs` in parallel into `sink`, adding what goes wrong to `problems`.
    pub(crate) fn render(
        &self,
        jobs: Vec<&PageJob>,
        sink: &dyn Sink,
        problems: &mut Vec<Diagnostic>,
    ) {
        let left = self.render_until(jobs, sink, problems, &|| false);
        debug_assert!(left.is_empty(), "nothing stops this run");
    }

    /// `render`, stopping early once `stop` says so (newer changes make the rest out of
    /// date). Returns the jobs left unrendered, in no particular order.
    pub(crate) fn render_until<'j>(
        &self,
        jobs: Vec<&'j PageJob>,
        sink: &dyn Sink,
        problems: &mut Vec<Diagnostic>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Vec<&'j PageJob> {
        let left = Mutex::new(Vec::new());
        let found = Mutex::new(Vec::new());
        let report = |err: Diagnostic| found.lock().unwrap_or_else(|e| e.into_inner()).push(err);
        let card_error = |err: &tera::Error| {
            report(
                template_diagnostic(self.theme, err)
                    .hint(crate::messages::HINT_WHILE_RENDERING.with("path", CARD_TEMPLATE)),
            )
        };
        jobs.into_par_iter().for_each(|job| {
            if stop() {
                left.lock().unwrap_or_else(|e| e.into_inner()).push(job);
                return;
            }
            let inputs = self.shared.inputs(job.kind);
            let context = self
                .shared
                .global
                .context(&inputs, &self.cards, &card_error);
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
                        .hint(crate::messages::HINT_WHILE_RENDERING.with("path", &job.path)),
                ),
            }
        });
        problems.extend(found.into_inner().unwrap_or_else(|e| e.into_inner()));
        left.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// Which page a job is, as indexes into the site: `Shared::inputs` turns it into what the
/// page is made from, both for its key and, when it is rendered, for its context.
///
/// Pages that every language of the site has carry the language's index in
/// `SiteConfig::languages` (`Shared::langs`); a case study or content page is in its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobKind {
    CaseStudy(usize),
    Page(usize),
    Home(usize),
    /// Page `page` (from 1) of a paginated list of case studies.
    List {
        lang: usize,
        list: ListOf,
        page: usize,
    },
    Taxonomy {
        lang: usize,
        index: usize,
    },
    Search(usize),
    /// Charts of the collection: counts by taxonomy term, funding sums.
    Statistics(usize),
    /// The form that writes a case study's file from the schema.
    Propose(usize),
    NotFound(usize),
    /// The Atom feed of a list's newest case studies.
    Feed {
        lang: usize,
        list: ListOf,
    },
    Sitemap(SitemapFile),
    Robots,
}

impl JobKind {
    fn template(self) -> &'static str {
        match self {
            JobKind::CaseStudy(_) => "case_study.html",
            JobKind::Page(_) => "page.html",
            JobKind::Home(_) => "index.html",
            JobKind::List {
                list: ListOf::All, ..
            } => "list.html",
            JobKind::List {
                list: ListOf::Term { .. },
                ..
            } => "term.html",
            JobKind::Taxonomy { .. } => "taxonomy.html",
            JobKind::Search(_) => "search.html",
            JobKind::Statistics(_) => "statistics.html",
            JobKind::Propose(_) => "proposer.html",
            JobKind::NotFound(_) => "404.html",
            JobKind::Feed { .. } => "atom.xml",
            JobKind::Sitemap(file) => file.template(),
            JobKind::Robots => "robots.txt",
        }
    }
}

/// A paginated list: all case studies, or those of one taxonomy term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListOf {
    All,
    Term { taxonomy: usize, term: usize },
}

/// `etudes-de-cas/a/` → `etudes-de-cas/a/index.html`; `` → `index.html`.
pub(crate) fn output_path(url_path: &str) -> String {
    let trimmed = url_path.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        format!("{trimmed}/index.html")
    }
}

/// A site built from `options`, with its theme and templates, for tests that drive the
/// renderer themselves.
#[cfg(test)]
pub(crate) fn built_for_tests(options: &crate::BuildOptions) -> (Site, Theme, Templates) {
    let built = crate::build(options, &crate::output::NullSink)
        .unwrap_or_else(|d| panic!("{}", d.report()));
    let mut problems = Vec::new();
    let (theme, templates) = options.load_theme(&built.site.config, &mut problems);
    let templates = templates.unwrap_or_else(|| panic!("{problems:?}"));
    (built.site, theme, templates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_are_pretty_urls() {
        assert_eq!(output_path(""), "index.html");
        assert_eq!(
            output_path("etudes-de-cas/a/"),
            "etudes-de-cas/a/index.html"
        );
    }
}
