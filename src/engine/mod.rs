//! The build pipeline, as one engine that `build`, `check` and `serve` all drive.
//!
//! A build is the engine's first run from nothing (`build`); the preview server keeps the
//! engine and feeds it the `Changes` the watcher saw. The engine keeps every stage's result
//! between runs: the configuration, the theme and its parsed templates, each Markdown
//! file's validated entry, each entry's rendered item, and, for every output file, the key
//! of what it was made from. A change then costs:
//!
//! - re-reading and re-validating the files that changed (a `config.yaml` change, or a new
//!   configuration key, starts again from scratch);
//! - re-rendering the bodies of those files, and of the files whose relative links point to
//!   a page or file that appeared or disappeared;
//! - re-assembling the site (sorting, taxonomies: cheap, no Markdown or template work);
//! - re-rendering only the pages whose key changed (`render::PageJob::key` digests the
//!   page's inputs: its item, the cards it lists, the site-wide values and its templates);
//! - exports and the search index, which depend on every case study, only when their own
//!   key changed. A build makes them alongside the pages; the preview leaves them to
//!   `Engine::deferred_job`, run on another thread once the author pauses, so that a
//!   browser is told to reload before that slower work.
//!
//! Every output goes to a `Sink`: the output folder (which compares bytes with what it
//! holds), or the preview's patch of the served site.

mod claims;

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::load::{self, Asset, CONTENT_DIR, Document};
use crate::markdown::{LinkTargets, MarkdownRenderer};
use crate::model::{self, Item, Place, Site, StableHasher, hash_json};
use crate::output::Sink;
use crate::render::{self, Renderer, Templates};
use crate::search::tokenize::KeyCache;
use crate::theme::Theme;
use crate::validate::{self, Entry};
use crate::{BuildOptions, config, export, images, search};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What changed on disk since the last run, as the preview's watcher reports it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Changes {
    /// `config.yaml` was written, created or removed.
    pub(crate) config: bool,
    /// Something under `templates/`, `static/`, `i18n/` or `themes/`.
    pub(crate) theme: bool,
    /// Files (or folders) under `content/`, absolute paths.
    pub(crate) content: BTreeSet<PathBuf>,
    /// Read the whole of `content/` again (a folder moved, or the watcher lost events).
    pub(crate) rescan: bool,
}

impl Changes {
    /// Everything: the first run.
    pub(crate) fn everything() -> Self {
        Changes {
            config: true,
            theme: true,
            content: BTreeSet::new(),
            rescan: true,
        }
    }

    #[cfg(feature = "serve")]
    pub(crate) fn is_empty(&self) -> bool {
        !self.config && !self.theme && !self.rescan && self.content.is_empty()
    }

    /// A short description of a burst for the terminal: the file, or how many.
    #[cfg(feature = "serve")]
    pub(crate) fn describe(&self, root: &Path) -> String {
        let mut parts = Vec::new();
        if self.config {
            parts.push("config.yaml".to_string());
        }
        if self.theme {
            parts.push("theme".to_string());
        }
        match self.content.len() {
            0 => {}
            1 => parts.extend(self.content.iter().map(|p| display_path(root, p))),
            n => parts.push(format!("{n} files")),
        }
        if self.rescan && self.content.is_empty() {
            parts.push("content/".to_string());
        }
        parts.join(", ")
    }
}

/// Runs the whole pipeline once, from nothing, sending every output file to `sink`: pages,
/// theme files, assets, exports and search index. Returns the site with its warnings, or
/// every problem found when there is at least one error (the sink may then hold a partial
/// site, which is why `build_to_dir` moves nothing into place unless this succeeded).
pub(crate) fn build(
    options: &BuildOptions,
    sink: &dyn Sink,
) -> Result<(Site, Diagnostics), Diagnostics> {
    let mut engine = Engine::with_purpose(options.clone(), Purpose::Build);
    let nothing_open = OpenPages {
        first: &HashSet::new(),
        shown: &|| {},
        superseded: &|| false,
    };
    let update = engine.rebuild(&Changes::everything(), sink, nothing_open)?;
    let site = engine
        .site
        .take()
        .map(owned)
        .expect("a successful run assembles a site");
    Ok((site, update.diagnostics))
}

/// What a run is for: it decides when the outputs that depend on the whole collection are
/// made, and what is kept for a later run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// One run (`build`, `check`): exports and search index are made alongside the pages,
    /// and each entry moves into its item instead of being kept for a next run.
    Build,
    /// Many runs (the preview): exports and search index wait for `deferred_job`.
    Preview,
}

/// Pages open in a browser, rendered first, and what to call once they are in the sink
/// (the preview serves them before the rest is done).
#[derive(Clone, Copy)]
pub(crate) struct OpenPages<'a> {
    pub(crate) first: &'a HashSet<String>,
    pub(crate) shown: &'a (dyn Fn() + Sync),
    /// Whether newer changes came in: the pages not open in a browser are then left for
    /// the next run (see `Update::unfinished`), which starts at once instead of after a
    /// whole site made out of date.
    pub(crate) superseded: &'a (dyn Fn() -> bool + Sync),
}

/// A successful run: its warnings, and what changed in the outputs beyond the files put
/// into the sink.
#[derive(Debug, Default)]
pub(crate) struct Update {
    /// Output paths of the last run that this site no longer has.
    pub(crate) removed: Vec<String>,
    pub(crate) diagnostics: Diagnostics,
    pub(crate) case_studies: usize,
    pub(crate) pages: usize,
    /// Pages rendered (their key changed), whether or not their bytes changed.
    pub(crate) rendered: usize,
    /// Output paths (or folders) left to `Engine::deferred_job`.
    pub(crate) deferred: Vec<String>,
    /// Pages left unrendered because newer changes came in (`OpenPages::superseded`): the
    /// next run renders them, or `Engine::finish_unfinished` if that run fails.
    pub(crate) unfinished: usize,
}

/// A Markdown file as last read.
struct Doc {
    /// Digest of the file's text, to tell a real change from a rewrite of the same bytes
    /// (0 when it could not be read).
    digest: u64,
    /// Read and waiting to be validated.
    /// Boxed, as is `entry`: a build takes both, and leaves one `Doc` a file for the run,
    /// which the two inline took 400 bytes of (40 MB at 100,000 case studies).
    document: Option<Box<Document>>,
    /// The validated entry, with its body; `None` when unreadable or invalid.
    entry: Option<Box<Entry>>,
    /// Problems found reading or validating it.
    problems: Vec<Diagnostic>,
    /// Validated since the last build: its item must be rendered again.
    fresh: bool,
}

/// A file under `content/` copied as it is.
struct AssetFile {
    asset: Asset,
    /// The bytes and their digest, or why they could not be read.
    bytes: Result<(Arc<Vec<u8>>, u64), String>,
    /// Why the file may not be published while `trust_html` is false (`asset::check`),
    /// found once when it is read rather than on every rebuild.
    untrusted: Option<Diagnostic>,
}

/// The site itself, or a copy while deferred work still reads it (cheap: the items are
/// shared).
fn owned(site: Arc<Site>) -> Site {
    Arc::try_unwrap(site).unwrap_or_else(|shared| (*shared).clone())
}

/// Exports and search index to make for one site (see `Engine::deferred_job`).
pub(crate) struct DeferredJob {
    site: Arc<Site>,
    generation: u64,
    /// The key each output will have, for those that must be made.
    exports: Option<u64>,
    search: Option<u64>,
    config_key: u64,
    /// The preview's analyses of the last index (see `search::Analyses`); a build keeps
    /// none, to hold no more memory than its one index needs.
    analyses: Option<Arc<Mutex<search::Analyses>>>,
}

/// What a `DeferredJob` made: for each output made, its key (and the search index's paths).
pub(crate) struct DeferredMade {
    generation: u64,
    exports: Option<u64>,
    search: Option<(u64, BTreeSet<String>)>,
    /// Files the sink could not take.
    pub(crate) problems: Vec<Diagnostic>,
}

impl DeferredJob {
    /// The run it belongs to (see `Engine::generation`).
    #[cfg(feature = "serve")]
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Makes the files into `sink`, the index first: about a second at 10,000 case studies,
    /// which is why the preview runs it apart from its rebuilds. `cancelled` is checked
    /// before each of the two outputs: one not started when it says so is not made.
    #[cfg(feature = "serve")]
    pub(crate) fn run(self, sink: &dyn Sink, cancelled: &dyn Fn() -> bool) -> DeferredMade {
        let search = self.search(sink, cancelled);
        self.made(self.exports(sink, cancelled), search)
    }

    /// The search index's files, unless it is not to be made or `cancelled` says so: its
    /// key and paths, and the files the sink could not take.
    fn search(
        &self,
        sink: &dyn Sink,
        cancelled: &dyn Fn() -> bool,
    ) -> (Option<(u64, BTreeSet<String>)>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let search = self.search.filter(|_| !cancelled()).map(|key| {
            let mut paths = BTreeSet::new();
            // A poisoned lock (a panic while indexing) only loses the kept analyses.
            let mut kept =
                (self.analyses.as_ref()).map(|a| a.lock().unwrap_or_else(|p| p.into_inner()));
            let analyses = kept.as_deref_mut();
            search::index_files(&self.site, self.config_key, analyses, &mut |path, bytes| {
                put(sink, &mut problems, &path, bytes);
                paths.insert(path);
            });
            (key, paths)
        });
        (search, problems)
    }

    /// The exports, unless they are not to be made or `cancelled` says so: their key, and
    /// the files the sink could not take.
    fn exports(
        &self,
        sink: &dyn Sink,
        cancelled: &dyn Fn() -> bool,
    ) -> (Option<u64>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let exports = self.exports.filter(|_| !cancelled());
        if exports.is_some() {
            for (path, make) in export::FILES {
                put(sink, &mut problems, path, make(&self.site));
            }
        }
        (exports, problems)
    }

    /// What the job made, for `Engine::apply_deferred`, from what `exports` and `search`
    /// returned; the exports' problems come first.
    fn made(
        &self,
        (exports, mut problems): (Option<u64>, Vec<Diagnostic>),
        (search, search_problems): (Option<(u64, BTreeSet<String>)>, Vec<Diagnostic>),
    ) -> DeferredMade {
        problems.extend(search_problems);
        DeferredMade {
            generation: self.generation,
            exports,
            search,
            problems,
        }
    }
}

/// Gives a file to `sink`; one it cannot take is a problem.
fn put(sink: &dyn Sink, problems: &mut Vec<Diagnostic>, path: &str, bytes: Vec<u8>) {
    if let Err(err) = sink.put(path, bytes) {
        problems.push(Diagnostic::cannot_write(path, &err));
    }
}

impl AssetFile {
    /// The bytes to publish and their digest, or why the file cannot be published (as in a
    /// build: unreadable, or an active HTML or SVG file while `trust_html` is false).
    #[expect(
        clippy::result_large_err,
        reason = "a Diagnostic is 128 bytes since it keeps its catalog texts; made once per problem"
    )]
    fn publishable(&self, trust_html: bool) -> Result<(&Arc<Vec<u8>>, u64), Diagnostic> {
        match (&self.bytes, &self.untrusted) {
            (Err(err), _) => Err(Diagnostic::error(
                format!("{CONTENT_DIR}/{}", self.asset.content_path),
                crate::messages::CANNOT_READ.with("reason", err.to_string()),
            )),
            (Ok(_), Some(refused)) if !trust_html => Err(refused.clone()),
            (Ok((bytes, key)), _) => Ok((bytes, *key)),
        }
    }
}

/// The pages a superseded run left unrendered, with what renders them: the site, theme and
/// templates of that run, which later runs may have replaced since.
#[cfg_attr(
    not(feature = "serve"),
    expect(dead_code, reason = "only the preview is superseded")
)]
struct Unfinished {
    site: Arc<Site>,
    theme: Arc<Theme>,
    templates: Arc<Templates>,
    jobs: Vec<render::PageJob>,
}

/// Configuration and theme, which every later stage depends on.
struct Setup {
    config: config::SiteConfig,
    config_key: u64,
    /// Shared with `Unfinished`, which may still render with them after a theme change.
    theme: Arc<Theme>,
    templates: Option<Arc<Templates>>,
    /// Theme and template problems.
    problems: Vec<Diagnostic>,
}

/// The incremental build state of one site.
pub(crate) struct Engine {
    options: BuildOptions,
    purpose: Purpose,
    setup: Option<Setup>,
    /// Markdown files by load order key (see `order_key`).
    docs: BTreeMap<String, Doc>,
    assets: BTreeMap<String, AssetFile>,
    /// Problems of the content folder itself (missing, unreadable folders).
    load_problems: Vec<Diagnostic>,
    /// Rendered items by content path, with the problems found in their bodies, kept
    /// between builds. While a site is assembled its items live in `site` instead.
    items: HashMap<String, Arc<Item>>,
    item_problems: HashMap<String, Vec<Diagnostic>>,
    /// Shared with the deferred work, which may still be making the exports and search
    /// index of an earlier site on another thread.
    site: Option<Arc<Site>>,
    /// Counts successful rebuilds: deferred work made for an older site is thrown away.
    generation: u64,
    /// Digest of the output paths and their owners, with the problems they gave
    /// (`crate::claim_outputs`): checked again only when the digest changes.
    claims: Option<(u64, Vec<Diagnostic>)>,
    targets: LinkTargets,
    /// Output path → key of the bytes the last run made for it (pages, theme files,
    /// assets; not the deferred outputs, below).
    keys: HashMap<String, u64>,
    /// The pages of the last successful run (see `Outputs::planned`).
    planned: Vec<render::PageJob>,
    /// Keys of the exports and of the search index last made, with the index's paths.
    exports_key: Option<u64>,
    search_key: Option<u64>,
    /// Kept by the preview only (see `DeferredJob::analyses`).
    search_analyses: Option<Arc<Mutex<search::Analyses>>>,
    /// The items' terms and other small objects, each held once (see `model::Fields`).
    shared_objects: model::SharedObjects,
    /// The keys of the words of titles and summaries (for related practices), each stemmed
    /// once: items share most of their words.
    stems: KeyCache,
    search_paths: BTreeSet<String>,
    /// The exports and search index still to make for the last good site, until
    /// `deferred_job` hands them out. Kept while later runs fail: that site is the one
    /// served, and its exports and index must match its pages.
    pending: Option<DeferredJob>,
    /// The pages of the last good site that a superseded run left unrendered.
    unfinished: Option<Unfinished>,
    /// The content folder must be read again in full.
    rescan_needed: bool,
    /// Digest of the configuration the entries were validated with.
    config_key: Option<u64>,
    /// Content paths of the site's entries, in load order: those of `site` while there is
    /// one, else those to assemble it from.
    order: Vec<String>,
    /// Digest of the entries' and assets' paths and URLs, with the link targets and the
    /// problems (duplicate URLs) they gave.
    layout: Option<(u64, Vec<Diagnostic>)>,
    /// Where each item of `site` is: content path → (is a page, index).
    site_index: HashMap<String, (bool, usize)>,
    /// The raster images' plans (`crate::images`).
    images: images::Images,
}

impl Engine {
    /// An engine for the preview server: it keeps what later runs need.
    #[cfg(feature = "serve")]
    pub(crate) fn new(options: BuildOptions) -> Self {
        Engine::with_purpose(options, Purpose::Preview)
    }

    fn with_purpose(options: BuildOptions, purpose: Purpose) -> Self {
        Engine {
            options,
            purpose,
            setup: None,
            docs: BTreeMap::new(),
            assets: BTreeMap::new(),
            load_problems: Vec::new(),
            items: HashMap::default(),
            item_problems: HashMap::default(),
            site: None,
            targets: LinkTargets::default(),
            keys: HashMap::default(),
            planned: Vec::new(),
            exports_key: None,
            search_key: None,
            search_analyses: (purpose == Purpose::Preview).then(Default::default),
            shared_objects: model::SharedObjects::default(),
            stems: KeyCache::default(),
            search_paths: BTreeSet::new(),
            pending: None,
            unfinished: None,
            generation: 0,
            claims: None,
            rescan_needed: true,
            config_key: None,
            order: Vec::new(),
            layout: None,
            site_index: HashMap::default(),
            images: images::Images::default(),
        }
    }

    #[cfg(feature = "serve")]
    pub(crate) fn root(&self) -> &Path {
        &self.options.root
    }

    /// The base path of the site as last configured (`/` until a configuration loads).
    #[cfg(feature = "serve")]
    pub(crate) fn base_path(&self) -> String {
        self.setup
            .as_ref()
            .map_or_else(|| "/".to_string(), |s| s.config.base_path())
    }

    /// Brings the state up to date with `changes` and puts every output whose key changed
    /// into `sink` (the sink may compare bytes and keep what did not change). On error, the
    /// outputs of the last good run stand, and all problems are returned, as `passerelle
    /// build` reports them. `open.first` are pages open in a browser: when other pages must
    /// be rendered too, these are rendered first, then `open.shown` is called.
    pub(crate) fn rebuild(
        &mut self,
        changes: &Changes,
        sink: &dyn Sink,
        open: OpenPages,
    ) -> Result<Update, Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        if changes.config || self.setup.is_none() {
            match self.load_config() {
                Ok(reset) => {
                    if reset {
                        self.reclaim_items();
                        self.reset_content();
                    }
                }
                Err(problems) => {
                    self.setup = None;
                    diagnostics.extend(problems);
                    return Err(diagnostics);
                }
            }
        } else if changes.theme {
            self.load_theme();
        }
        if self.setup.is_none() {
            return Err(diagnostics);
        }

        let mut needs_rescan = changes.rescan || self.rescan_needed;
        if !needs_rescan {
            needs_rescan = self.apply_content_changes(&changes.content);
        }
        if needs_rescan {
            self.rescan();
            self.rescan_needed = false;
        }
        self.validate_fresh();
        let setup = self.setup.as_ref().expect("configuration loaded above");

        // The entries of the site, in load order.
        let drafts = self.options.drafts;
        let included: Vec<&Entry> = self
            .docs
            .values()
            .filter_map(|doc| doc.entry.as_deref())
            .filter(|entry| drafts || !entry.draft)
            .collect();
        let assets: Vec<Asset> = self.assets.values().map(|a| a.asset.clone()).collect();
        // Files that exist but gave no entry: links to them are not reported again (their
        // own error is). Drafts are not among them: a link to a draft is reported.
        let failed: HashSet<String> = self
            .docs
            .iter()
            .filter(|(_, doc)| doc.entry.is_none())
            .map(|(key, _)| key.replace('\0', "/"))
            .collect();
        // Link targets and duplicate URLs depend only on paths and URLs: most saves change
        // neither, and then the last ones stand.
        let layout = layout_key(&included, &assets, &failed);
        let (mut moved, model_problems) = match &self.layout {
            Some((key, problems)) if *key == layout => (BTreeSet::new(), problems.clone()),
            _ => {
                let mut problems = Vec::new();
                let mut targets =
                    model::link_targets(included.iter().copied(), &assets, &mut problems);
                targets.failed = failed;
                let moved = changed_targets(&self.targets, &targets);
                self.targets = targets;
                self.layout = Some((layout, problems.clone()));
                (moved, problems)
            }
        };
        let base_path = setup.config.base_path();
        let renderer = MarkdownRenderer::new(setup.config.config.trust_html, &base_path);
        // Images are planned from their headers; the pages that show one that changed are
        // rendered again.
        let assets_read = self.assets.values().map(|file| {
            let bytes = file.bytes.as_ref().ok();
            let path = file.asset.content_path.as_str();
            (path, bytes.map(|(bytes, key)| (bytes.as_slice(), *key)))
        });
        let settings = &setup.config.config.images;
        moved.extend(self.images.update(assets_read, settings, &base_path));
        self.targets.images = self.images.table();

        // Render the bodies that are new, changed, or link to a target that moved.
        let fresh: BTreeSet<&str> = self
            .docs
            .values()
            .filter(|doc| doc.fresh)
            .filter_map(|doc| doc.entry.as_ref().map(|e| e.content_path.as_str()))
            .collect();
        // Most saves keep the entries and their order: then the last order stands.
        let same_order = included.len() == self.order.len()
            && included
                .iter()
                .zip(&self.order)
                .all(|(entry, path)| entry.content_path == *path);
        let new_order: Option<Vec<String>> =
            (!same_order).then(|| included.iter().map(|e| e.content_path.clone()).collect());
        let to_render: BTreeSet<&str> = included
            .iter()
            .filter(|entry| {
                fresh.contains(entry.content_path.as_str())
                    || !(self.items.contains_key(&entry.content_path)
                        || self.site_index.contains_key(&entry.content_path))
                    || links_to_any(&entry.body, &moved)
                    || images::cover_names_any(&entry.fields, &moved)
            })
            .map(|entry| entry.content_path.as_str())
            .collect();
        drop(included);
        let to_render: HashSet<String> = to_render.into_iter().map(str::to_string).collect();
        // A build runs once: each entry moves into its item. The preview keeps the entries,
        // to render them again when a link target moves.
        let entries: Vec<Entry> = match self.purpose {
            Purpose::Build => self
                .docs
                .values_mut()
                .filter_map(|doc| doc.entry.take_if(|e| to_render.contains(&e.content_path)))
                .map(|entry| *entry)
                .collect(),
            Purpose::Preview => self
                .docs
                .values()
                .filter_map(|doc| doc.entry.as_deref())
                .filter(|e| to_render.contains(&e.content_path))
                .cloned()
                .collect(),
        };
        let targets = &self.targets;
        let root = &self.options.root;
        // The objects of the items replaced by the last run go now.
        let shared = &self.shared_objects;
        shared.forget_unused();
        let stems = &self.stems;
        let rendered: Vec<(Item, Vec<Diagnostic>)> = entries
            .into_par_iter()
            .map(|mut entry| {
                let table = &targets.images;
                let config = &setup.config.config;
                let (assets, base) = (&targets.assets, &base_path);
                let found = images::attach_cover(&mut entry, config, table, assets, base, root);
                let (item, mut problems) =
                    model::render_item(&setup.config, &renderer, entry, targets, shared, stems);
                problems.extend(found);
                (item, problems)
            })
            .collect();
        for doc in self.docs.values_mut() {
            doc.fresh = false;
        }
        // The site is kept when the same items stay in the same places (`Site::can_replace`:
        // same order, taxonomies and translations), with the same files copied from
        // content/ (which the site lists too). The new items are then put in place.
        // Another order: the site is assembled again (`order` is that of the site).
        if let Some(order) = new_order {
            self.reclaim_items();
            self.order = order;
        }
        let places: Option<Vec<(&Item, Place)>> = (rendered.iter())
            .map(|(item, _)| Some((item, *self.site_index.get(&item.entry.content_path)?)))
            .collect();
        let in_place = (self.site.as_ref())
            .filter(|site| site.assets == assets && same_order)
            .zip(places)
            .is_some_and(|(site, places)| site.can_replace(&places));
        if in_place {
            let mut replacements = Vec::with_capacity(rendered.len());
            for (item, problems) in rendered {
                let path = item.entry.content_path.clone();
                if let Some(&place) = self.site_index.get(&path) {
                    replacements.push((item, place));
                }
                self.item_problems.insert(path, problems);
            }
            if let Some(site) = self.site.as_mut() {
                Arc::make_mut(site).replace(replacements);
            }
        } else {
            self.reclaim_items();
            for (item, problems) in rendered {
                self.item_problems
                    .insert(item.entry.content_path.clone(), problems);
                self.items
                    .insert(item.entry.content_path.clone(), Arc::new(item));
            }
            let wanted: FxHashSet<&str> = self.order.iter().map(String::as_str).collect();
            self.items.retain(|path, _| wanted.contains(path.as_str()));
            self.item_problems
                .retain(|path, _| wanted.contains(path.as_str()));
        }

        // Problems, in the order of the stages: the content folder, each file read and
        // validated, link targets, each body, the theme and templates.
        diagnostics.extend(self.load_problems.iter().cloned());
        for doc in self.docs.values() {
            diagnostics.extend(doc.problems.iter().cloned());
        }
        diagnostics.extend(model_problems);
        for path in &self.order {
            if let Some(problems) = self.item_problems.get(path) {
                diagnostics.extend(problems.iter().cloned());
            }
        }
        let setup = self.setup.as_ref().expect("configuration loaded above");
        diagnostics.extend(setup.problems.iter().cloned());
        if setup.templates.is_none() || diagnostics.has_errors() {
            return Err(diagnostics);
        }

        // Assemble the site from the items, in load order.
        let site = match self.site.take() {
            Some(site) if in_place => owned(site),
            _ => {
                let items: Vec<Arc<Item>> = (self.order.iter())
                    .filter_map(|path| self.items.remove(path))
                    .collect();
                let site = model::assemble(setup.config.clone(), items, assets);
                self.site_index = index_site(&site);
                site
            }
        };
        let site = Arc::new(site);
        let exports = exports_key(setup.config_key, &site);
        let search = search_key(setup.config_key, &site);
        let mut deferred = Some(DeferredJob {
            site: Arc::clone(&site),
            generation: self.generation + 1,
            exports: (self.exports_key != Some(exports)).then_some(exports),
            search: (self.search_key != Some(search)).then_some(search),
            config_key: setup.config_key,
            analyses: self.search_analyses.clone(),
        });
        let templates = setup.templates.as_ref().expect("checked above");
        let outputs = Outputs {
            keys: &self.keys,
            planned: in_place.then_some(self.planned.as_slice()),
            claims: &mut self.claims,
            assets: &self.assets,
            images: &self.targets.images,
            root: &self.options.root,
            sink,
        };
        // A build makes everything now: pages, and alongside them exports and search
        // index, so that the serial parts of one overlap the others. (One after the other
        // took 13.9 s instead of 8.85 s at 10,000 case studies, for a peak of 595 MB
        // instead of 659: the writing of the pages no longer overlapped the index.)
        // The index is the longest part: it starts at once on this thread, while another
        // makes the exports and then the pages. (With the exports first on this thread the
        // index started 0.4 s later; made once the pages were done, they overlapped the
        // index's peak of memory, 40 MiB more at 10,000.)
        let (pages, made) = match self.purpose {
            Purpose::Build => {
                let deferred = deferred.take().expect("made above");
                let (search, (exports, pages)) = rayon::join(
                    || deferred.search(sink, &|| false),
                    || {
                        let exports = deferred.exports(sink, &|| false);
                        let pages = render_changes(&site, setup, templates, outputs, open);
                        (exports, pages)
                    },
                );
                (pages, Some(deferred.made(exports, search)))
            }
            Purpose::Preview => {
                let pages = render_changes(&site, setup, templates, outputs, open);
                (pages, None)
            }
        };
        self.site = Some(site);
        let Made {
            mut update,
            keys: new_keys,
            unfinished,
            planned,
        } = match pages {
            Ok(made) => made,
            Err(problems) => {
                diagnostics.extend(problems);
                diagnostics.extend(made.into_iter().flat_map(|made| made.problems));
                return Err(diagnostics);
            }
        };
        self.keys = new_keys;
        self.planned = planned;
        self.generation += 1;
        update.unfinished = unfinished.len();
        self.unfinished = (!unfinished.is_empty()).then(|| Unfinished {
            site: Arc::clone(self.site.as_ref().expect("assembled above")),
            theme: Arc::clone(&setup.theme),
            templates: Arc::clone(templates),
            jobs: unfinished,
        });
        diagnostics.extend(std::mem::take(&mut update.diagnostics));
        if let Some(made) = made {
            diagnostics.extend(made.problems.iter().cloned());
            self.apply_deferred(made);
            if diagnostics.has_errors() {
                return Err(diagnostics);
            }
        }
        self.pending = deferred.filter(|job| job.exports.is_some() || job.search.is_some());
        if let Some(job) = &self.pending {
            if job.exports.is_some() {
                update.deferred.extend(export::PATHS.map(String::from));
            }
            if job.search.is_some() {
                update.deferred.push(search::INDEX_DIR.to_string());
            }
        }
        let site = self.site.as_ref().expect("assembled above");
        update.case_studies = site.case_studies.len();
        update.pages = site.pages.len();
        update.diagnostics = diagnostics;
        Ok(update)
    }

    /// Counts successful runs.
    #[cfg(feature = "serve")]
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// The outputs that depend on the whole collection (open data exports, search index) for
    /// the site of the last successful `rebuild`, if their inputs changed, as work that can
    /// run on another thread (`DeferredJob::run`) while edits go on.
    #[cfg(feature = "serve")]
    pub(crate) fn deferred_job(&mut self) -> Option<DeferredJob> {
        self.pending.take()
    }

    /// Renders into `sink` the pages that the last successful run left unrendered when newer
    /// changes came in (`Update::unfinished`). For the preview, once a later run failed:
    /// the site it serves is then the last good one in full, rather than half of it.
    /// Returns the problems of those pages; when there are errors, the pages are rendered
    /// again by the next run.
    #[cfg(feature = "serve")]
    pub(crate) fn finish_unfinished(&mut self, sink: &dyn Sink) -> Vec<Diagnostic> {
        let Some(unfinished) = self.unfinished.take() else {
            return Vec::new();
        };
        let renderer = Renderer::new(&unfinished.site, &unfinished.theme, &unfinished.templates);
        let mut problems = Vec::new();
        renderer.render(unfinished.jobs.iter().collect(), sink, &mut problems);
        if !problems.iter().any(Diagnostic::is_error) {
            (self.keys).extend(
                unfinished
                    .jobs
                    .iter()
                    .map(|job| (job.path.clone(), job.key)),
            );
        }
        problems
    }

    /// Records what a deferred job made. Returns the search index files of the last run
    /// that the new index no longer has, or `None` when the site changed since the job
    /// started (its files are out of date: a later job makes them for the new site).
    pub(crate) fn apply_deferred(&mut self, made: DeferredMade) -> Option<Vec<String>> {
        if made.generation != self.generation {
            return None;
        }
        if let Some(key) = made.exports {
            self.exports_key = Some(key);
        }
        let mut stale = Vec::new();
        if let Some((key, paths)) = made.search {
            stale = self.search_paths.difference(&paths).cloned().collect();
            self.search_paths = paths;
            self.search_key = Some(key);
        }
        Some(stale)
    }

    /// Puts the items of the last assembled site back into `items`.
    fn reclaim_items(&mut self) {
        if let Some(site) = self.site.take().map(owned) {
            for item in site.case_studies.into_iter().chain(site.pages) {
                self.items.insert(item.entry.content_path.clone(), item);
            }
        }
        self.site_index.clear();
    }

    /// Loads `config.yaml` and the theme. Returns whether the configuration changed in a way
    /// that invalidates every entry.
    fn load_config(&mut self) -> Result<bool, Vec<Diagnostic>> {
        let site_config = self.options.load_config()?;
        let mut hasher = StableHasher::default();
        hash_json(&site_config.config, &mut hasher);
        let config_key = hasher.finish();
        let reset = self.config_key != Some(config_key);
        self.config_key = Some(config_key);
        let mut problems = Vec::new();
        let (theme, templates) = self.options.load_theme(&site_config, &mut problems);
        self.setup = Some(Setup {
            config: site_config,
            config_key,
            theme: Arc::new(theme),
            templates: templates.map(Arc::new),
            problems,
        });
        Ok(reset)
    }

    fn load_theme(&mut self) {
        let Some(setup) = &mut self.setup else {
            return;
        };
        let mut problems = Vec::new();
        let (theme, templates) = self.options.load_theme(&setup.config, &mut problems);
        setup.theme = Arc::new(theme);
        setup.templates = templates.map(Arc::new);
        setup.problems = problems;
    }

    /// A new configuration: every entry is validated and rendered again.
    fn reset_content(&mut self) {
        self.docs.clear();
        self.items.clear();
        self.item_problems.clear();
        self.targets = LinkTargets::default();
        self.layout = None;
        self.rescan_needed = true;
        // Output keys stay: they describe the served site, which the next patch updates.
    }

    /// Applies changes to single files. Returns `true` when a folder changed, which needs
    /// a rescan.
    fn apply_content_changes(&mut self, paths: &BTreeSet<PathBuf>) -> bool {
        let root = self.options.root.clone();
        let content_dir = root.join(CONTENT_DIR);
        for path in paths {
            let Ok(relative) = path.strip_prefix(&content_dir) else {
                continue;
            };
            if relative.as_os_str().is_empty() {
                return true;
            }
            // Whether a link stays inside the site is decided by the full scan, as in a build.
            if crosses_a_link(&content_dir, relative) {
                return true;
            }
            let content_path = display_path(&content_dir, path);
            let key = order_key(&content_path);
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => return true,
                Ok(meta) if meta.is_file() => {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default();
                    if load::is_editor_artifact(&name) {
                        continue;
                    }
                    if path.extension().and_then(|e| e.to_str()) == Some("md") {
                        self.assets.remove(&key);
                        let file = display_path(&root, path);
                        self.read_doc(key, load::read_document(path, &file, content_path));
                    } else {
                        self.docs.remove(&key);
                        let asset = Asset {
                            source: path.clone(),
                            content_path,
                        };
                        self.assets.insert(key, read_asset(asset));
                    }
                }
                // A file the last scan reported (a link out of the site, say): scan again
                // to clear its problem.
                _ if self
                    .load_problems
                    .iter()
                    .any(|p| p.file == display_path(&root, path)) =>
                {
                    return true;
                }
                // Gone (or not a regular file): forget it, and anything that was under it.
                _ => {
                    let folder = format!("{key}\0");
                    self.docs
                        .retain(|k, _| *k != key && !k.starts_with(&folder));
                    self.assets
                        .retain(|k, _| *k != key && !k.starts_with(&folder));
                }
            }
        }
        false
    }

    /// Reads the whole content folder again; unchanged files keep their validated entry.
    fn rescan(&mut self) {
        let mut problems = Vec::new();
        let loaded = load::load_content(&self.options.root, &mut problems);
        let mut docs = BTreeMap::new();
        for (content_path, problem) in loaded.unreadable {
            docs.insert(order_key(&content_path), unreadable(vec![problem]));
        }
        self.load_problems = problems;
        let mut old = std::mem::take(&mut self.docs);
        for document in loaded.documents {
            let key = order_key(&document.content_path);
            let digest = document_digest(&document);
            match old.remove(&key) {
                Some(doc) if doc.digest == digest => {
                    docs.insert(key, doc);
                }
                _ => {
                    docs.insert(key, to_validate(document, digest));
                }
            }
        }
        self.docs = docs;
        self.assets = loaded
            .assets
            .into_iter()
            .map(|asset| (order_key(&asset.content_path), read_asset(asset)))
            .collect();
    }

    fn read_doc(&mut self, key: String, read: Result<Document, Box<Diagnostic>>) {
        let doc = match read {
            Ok(document) => {
                let digest = document_digest(&document);
                if self.docs.get(&key).is_some_and(|doc| doc.digest == digest) {
                    // Saved again without a change.
                    return;
                }
                to_validate(document, digest)
            }
            Err(problem) => unreadable(vec![*problem]),
        };
        self.docs.insert(key, doc);
    }

    /// Validates the documents read since the last build.
    fn validate_fresh(&mut self) {
        let Some(setup) = &self.setup else {
            return;
        };
        self.docs.par_iter_mut().for_each(|(_, doc)| {
            if let Some(document) = doc.document.take() {
                let mut problems = Vec::new();
                doc.entry =
                    validate::validate(&setup.config, *document, &mut problems).map(Box::new);
                doc.problems = problems;
            }
        });
    }
}

fn to_validate(document: Document, digest: u64) -> Doc {
    Doc {
        digest,
        document: Some(Box::new(document)),
        entry: None,
        problems: Vec::new(),
        fresh: true,
    }
}

fn unreadable(problems: Vec<Diagnostic>) -> Doc {
    Doc {
        digest: 0,
        document: None,
        entry: None,
        problems,
        fresh: true,
    }
}

/// Sorts content paths as `load_content` reads them (folder by folder, names in byte
/// order): the separator becomes the smallest character.
fn order_key(content_path: &str) -> String {
    content_path.replace('/', "\0")
}

fn document_digest(document: &Document) -> u64 {
    let mut hasher = StableHasher::default();
    (
        &document.file,
        &document.front_matter,
        document.front_matter_line,
        &document.body,
        document.body_line,
    )
        .hash(&mut hasher);
    hasher.finish() | 1
}

fn read_asset(asset: Asset) -> AssetFile {
    let bytes = std::fs::read(&asset.source)
        .map(|bytes| {
            let key = content_key(&bytes);
            (Arc::new(bytes), key)
        })
        .map_err(|err| err.to_string());
    let file = format!("{CONTENT_DIR}/{}", asset.content_path);
    let untrusted = match &bytes {
        Ok((bytes, _)) => crate::asset::check(&file, bytes, false).err(),
        Err(_) => None,
    };
    AssetFile {
        asset,
        bytes,
        untrusted,
    }
}

/// Whether `relative` (under `content_dir`) is a symbolic link or lies in a linked folder.
fn crosses_a_link(content_dir: &Path, relative: &Path) -> bool {
    let mut path = content_dir.to_path_buf();
    relative.components().any(|component| {
        path.push(component);
        std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
    })
}

fn content_key(bytes: &[u8]) -> u64 {
    let mut hasher = StableHasher::default();
    bytes.hash(&mut hasher);
    hasher.finish()
}

fn exports_key(config_key: u64, site: &Site) -> u64 {
    let mut hasher = StableHasher::default();
    config_key.hash(&mut hasher);
    for item in &site.case_studies {
        item.fingerprint.meta.hash(&mut hasher);
    }
    hasher.finish()
}

fn search_key(config_key: u64, site: &Site) -> u64 {
    let mut hasher = StableHasher::default();
    config_key.hash(&mut hasher);
    for item in site.items() {
        (item.fingerprint.full, &item.url).hash(&mut hasher);
    }
    hasher.finish()
}

fn index_site(site: &Site) -> HashMap<String, (bool, usize)> {
    let case_studies = site
        .case_studies
        .iter()
        .enumerate()
        .map(|(i, item)| (item, (false, i)));
    let pages = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, item)| (item, (true, i)));
    case_studies
        .chain(pages)
        .map(|(item, at)| (item.entry.content_path.clone(), at))
        .collect()
}

/// Digest of what link targets and duplicate-URL problems are made from.
fn layout_key(entries: &[&Entry], assets: &[Asset], failed: &HashSet<String>) -> u64 {
    let mut hasher = StableHasher::default();
    let mut failed: Vec<&String> = failed.iter().collect();
    failed.sort_unstable();
    failed.hash(&mut hasher);
    for entry in entries {
        (&entry.content_path, &entry.url_path, &entry.file).hash(&mut hasher);
    }
    for asset in assets {
        asset.content_path.hash(&mut hasher);
    }
    hasher.finish()
}

/// Link targets (content paths) that were added, removed or now point elsewhere.
fn changed_targets(old: &LinkTargets, new: &LinkTargets) -> BTreeSet<String> {
    let mut moved = BTreeSet::new();
    for (path, url) in &new.pages {
        if old.pages.get(path) != Some(url) {
            moved.insert(path.clone());
        }
    }
    for path in old.pages.keys() {
        if !new.pages.contains_key(path) {
            moved.insert(path.clone());
        }
    }
    moved.extend(new.assets.symmetric_difference(&old.assets).cloned());
    moved.extend(new.failed.symmetric_difference(&old.failed).cloned());
    moved
}

/// Whether a Markdown body may link to one of `moved`: it has link syntax, and names one of
/// them (or writes a path in a way this quick test cannot follow: escapes, entities).
fn links_to_any(body: &str, moved: &BTreeSet<String>) -> bool {
    if moved.is_empty() || !(body.contains("](") || body.contains("]:")) {
        return false;
    }
    if body.contains(['%', '&', '\\']) {
        return true;
    }
    moved.iter().any(|path| {
        let name = path.rsplit('/').next().unwrap_or(path);
        body.contains(name)
    })
}

/// What a run writes its outputs with, and what the last run made.
struct Outputs<'a> {
    /// Output path → key of its bytes, as the last run made them.
    keys: &'a HashMap<String, u64>,
    /// The pages the last run planned, when the site kept its shape since (see
    /// `Renderer::replan`).
    planned: Option<&'a [render::PageJob]>,
    /// See `Engine::claims`.
    claims: &'a mut Option<(u64, Vec<Diagnostic>)>,
    assets: &'a BTreeMap<String, AssetFile>,
    images: &'a images::ImageTable,
    /// The site's folder, which holds the images' cache.
    root: &'a Path,
    sink: &'a dyn Sink,
}

/// Renders the pages whose key changed, and puts them, the theme files and the assets that
/// changed into the sink. Once the pages open in a browser are in, newer changes
/// (`OpenPages::superseded`) leave the others unrendered.
fn render_changes(
    site: &Site,
    setup: &Setup,
    templates: &Templates,
    outputs: Outputs,
    open: OpenPages,
) -> Result<Made, Vec<Diagnostic>> {
    let Outputs {
        keys,
        planned,
        claims,
        assets,
        images: image_table,
        root,
        sink,
    } = outputs;
    let renderer = Renderer::new(site, &setup.theme, templates);
    let mut problems = Vec::new();
    // The pages open in a browser first, when the site kept its shape: planned again alone
    // and served before the whole site is planned (23,000 pages at 10,000 case studies, a
    // few tens of milliseconds the author would wait for). If the run then fails, the
    // preview puts back what they replaced.
    let early: Vec<render::PageJob> = (planned.unwrap_or_default().iter())
        .filter(|job| open.first.contains(&job.path))
        .map(|job| renderer.replan(job))
        .filter(|job| keys.get(&job.path) != Some(&job.key))
        .collect();
    if !early.is_empty() {
        renderer.render(early.iter().collect(), sink, &mut problems);
        if !problems.iter().any(Diagnostic::is_error) {
            (open.shown)();
        }
    }
    let early: FxHashSet<&str> = early.iter().map(|job| job.path.as_str()).collect();
    let jobs = renderer.jobs();
    let digest = claims::outputs_key(site, &setup.theme, &jobs);
    let claimed = match claims {
        Some((key, problems)) if *key == digest => problems,
        _ => {
            &mut claims
                .insert((digest, claims::claim_outputs(site, &setup.theme, &jobs)))
                .1
        }
    };
    // Assets were read and checked when they changed.
    let trust_html = setup.config.config.trust_html;
    let unpublishable = assets
        .values()
        .filter_map(|file| file.publishable(trust_html).err());
    let refused: Vec<Diagnostic> = claimed.iter().cloned().chain(unpublishable).collect();
    if !refused.is_empty() {
        return Err(refused);
    }
    let dirty: Vec<&render::PageJob> = jobs
        .iter()
        .filter(|job| keys.get(&job.path) != Some(&job.key))
        .collect();
    let mut update = Update {
        rendered: dirty.len(),
        ..Update::default()
    };
    let dirty: Vec<&render::PageJob> = (dirty.into_iter())
        .filter(|job| !early.contains(job.path.as_str()))
        .collect();
    // A template edit re-renders thousands of pages: the ones open in a browser go first,
    // and are served as soon as they are made (the rest follow, and would show the same).
    let (shown, others): (Vec<&render::PageJob>, Vec<&render::PageJob>) =
        dirty.iter().partition(|job| open.first.contains(&job.path));
    let rest = if !shown.is_empty() && !others.is_empty() {
        renderer.render(shown, sink, &mut problems);
        // Shown only when they rendered; the rest is rendered either way, so that every
        // problem is reported, as in a build.
        if !problems.iter().any(Diagnostic::is_error) {
            (open.shown)();
        }
        others
    } else {
        dirty
    };
    let left: FxHashSet<String> = renderer
        .render_until(rest, sink, &mut problems, open.superseded)
        .into_iter()
        .map(|job| job.path.clone())
        .collect();
    update.rendered -= left.len();
    let mut put = |path: &str, bytes: Vec<u8>| {
        if let Err(err) = sink.put(path, bytes) {
            problems.push(Diagnostic::cannot_write(path, &err));
        }
    };
    let mut new_keys: HashMap<String, u64> =
        HashMap::with_capacity_and_hasher(jobs.len() + 64, Default::default());
    for (path, file) in &setup.theme.static_files {
        let key = content_key(&file.bytes);
        if keys.get(path) != Some(&key) {
            put(path, file.bytes.clone());
        }
        new_keys.insert(path.clone(), key);
    }
    let used = images::Uses::of(site.items());
    for file in assets.values() {
        if let Ok((bytes, key)) = file.publishable(trust_html) {
            let path = &file.asset.content_path;
            if images::replaces_original(image_table, &used, path) {
                continue;
            }
            if keys.get(path) != Some(&key) {
                put(path, bytes.to_vec());
            }
            new_keys.insert(path.clone(), key);
        }
    }
    let source = |path: &str| {
        let file = assets.get(&order_key(path))?;
        file.bytes.as_ref().ok().map(|(bytes, _)| Arc::clone(bytes))
    };
    let published = images::publish(
        image_table,
        &used,
        root,
        &source,
        &|path| keys.get(path).copied(),
        sink,
        setup.config.config.images.quality,
    );
    problems.extend(published.problems);
    new_keys.extend(published.keys);
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    update.diagnostics.extend(problems);
    // A page left unrendered keeps the key of what is served for it (if anything is), so
    // that the next run renders it.
    for job in &jobs {
        let key = if left.contains(&job.path) {
            keys.get(&job.path).copied()
        } else {
            Some(job.key)
        };
        if let Some(key) = key {
            new_keys.insert(job.path.clone(), key);
        }
    }
    update.removed = keys
        .keys()
        .filter(|path| !new_keys.contains_key(*path))
        .cloned()
        .collect();
    let unfinished = (jobs.iter())
        .filter(|job| left.contains(&job.path))
        .cloned()
        .collect();
    Ok(Made {
        update,
        keys: new_keys,
        unfinished,
        planned: jobs,
    })
}

/// What `render_changes` made.
struct Made {
    /// The update, but for what the engine adds.
    update: Update,
    /// The key of every output of the site but the deferred ones.
    keys: HashMap<String, u64>,
    /// The jobs left unrendered (see `OpenPages::superseded`).
    unfinished: Vec<render::PageJob>,
    /// Every page of the site (see `Outputs::planned`).
    planned: Vec<render::PageJob>,
}
