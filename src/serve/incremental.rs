//! The build pipeline run again on each change, redoing only what the change touches.
//!
//! The engine keeps every stage's result between builds: the configuration, the theme and
//! its parsed templates, each Markdown file's validated entry, each entry's rendered item,
//! and, for every output file, the key of what it was made from. A change then costs:
//!
//! - re-reading and re-validating the files that changed (a `config.yaml` change, or a new
//!   configuration key, starts again from scratch);
//! - re-rendering the bodies of those files, and of the files whose relative links point to
//!   a page or file that appeared or disappeared;
//! - re-assembling the site (sorting, taxonomies: cheap, no Markdown or template work);
//! - re-rendering only the pages whose key changed (`render::PageJob::key` digests the
//!   page's inputs: its item, the cards it lists, the site-wide values and its templates);
//! - exports and the search index, which depend on every case study, only when their own
//!   key changed, and after the pages (`Engine::finish`), so a browser is told to reload
//!   before that slower work.
//!
//! The result is the same site as `passerelle::build`, byte for byte; `tests/serve.rs`
//! checks it after series of edits.

use super::store::Patch;
use super::watch::Changes;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::load::{self, Asset, CONTENT_DIR, Document};
use crate::markdown::{LinkTargets, MarkdownRenderer};
use crate::model::{self, Item, Site, StableHasher, hash_json};
use crate::output::MemorySink;
use crate::render::{self, Renderer, Templates};
use crate::theme::Theme;
use crate::validate::{self, Entry};
use crate::{BuildOptions, config, export, search};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A successful build: what changed in the output, and the warnings.
#[derive(Debug, Default)]
pub(crate) struct Update {
    pub(crate) patch: Patch,
    pub(crate) diagnostics: Diagnostics,
    pub(crate) case_studies: usize,
    pub(crate) pages: usize,
    /// Pages rendered (their key changed), whether or not their bytes changed.
    pub(crate) rendered: usize,
    /// Output paths whose producer runs in `Engine::finish`, when it has work to do.
    pub(crate) deferred: Vec<String>,
}

/// A Markdown file as last read.
struct Doc {
    /// Digest of the file's text, to tell a real change from a rewrite of the same bytes
    /// (0 when it could not be read).
    digest: u64,
    /// Read and waiting to be validated.
    document: Option<Document>,
    /// The validated entry, with its body; `None` when unreadable or invalid.
    entry: Option<Entry>,
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

/// The site itself, or a copy while deferred work still reads it.
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
}

/// Output files by path.
type Files = BTreeMap<String, Vec<u8>>;

/// What a `DeferredJob` made: for each output made, its key and files.
pub(crate) struct DeferredFiles {
    generation: u64,
    exports: Option<(u64, Files)>,
    search: Option<(u64, Files)>,
}

impl DeferredJob {
    /// The rebuild it belongs to (see `Engine::generation`).
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Makes the files: about a second at 10,000 case studies, which is why it runs apart
    /// from the rebuilds. `cancelled` is checked between the two outputs.
    pub(crate) fn run(self, cancelled: &dyn Fn() -> bool) -> DeferredFiles {
        let site = &*self.site;
        let exports = self.exports.map(|key| {
            let files = Files::from([
                (export::JSON_PATH.to_string(), export::to_json(site)),
                (export::CSV_PATH.to_string(), export::to_csv(site)),
            ]);
            (key, files)
        });
        let search = self
            .search
            .filter(|_| !cancelled())
            .map(|key| (key, search::index_files(site)));
        DeferredFiles {
            generation: self.generation,
            exports,
            search,
        }
    }
}

impl AssetFile {
    /// The bytes to publish and their digest, or why the file cannot be published (as in a
    /// build: unreadable, or an active HTML or SVG file while `trust_html` is false).
    fn publishable(&self, trust_html: bool) -> Result<(&Arc<Vec<u8>>, u64), Diagnostic> {
        match (&self.bytes, &self.untrusted) {
            (Err(err), _) => Err(Diagnostic::error(
                format!("{CONTENT_DIR}/{}", self.asset.content_path),
                format!("cannot read: {err}"),
            )),
            (Ok(_), Some(refused)) if !trust_html => Err(refused.clone()),
            (Ok((bytes, key)), _) => Ok((bytes, *key)),
        }
    }
}

/// Configuration and theme, which every later stage depends on.
struct Setup {
    config: config::SiteConfig,
    config_key: u64,
    theme: Theme,
    templates: Option<Templates>,
    /// Theme and template problems.
    problems: Vec<Diagnostic>,
}

/// The incremental build state of one site.
pub(crate) struct Engine {
    options: BuildOptions,
    setup: Option<Setup>,
    /// Markdown files by load order key (see `order_key`).
    docs: BTreeMap<String, Doc>,
    assets: BTreeMap<String, AssetFile>,
    /// Problems of the content folder itself (missing, unreadable folders).
    load_problems: Vec<Diagnostic>,
    /// Rendered items by content path, with the problems found in their bodies, kept
    /// between builds. While a site is assembled its items live in `site` instead.
    items: HashMap<String, Item>,
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
    /// Output path → key of the bytes the served site holds for it.
    keys: HashMap<String, u64>,
    /// Keys of the deferred producers (exports, search index) for the current site.
    pending_keys: Option<(u64, u64)>,
    /// The content folder must be read again in full.
    rescan_needed: bool,
    /// Digest of the configuration the entries were validated with.
    config_key: Option<u64>,
    /// Content paths of the site's entries, in load order, as last assembled.
    order: Vec<String>,
    /// Digest of the entries' and assets' paths and URLs, with the link targets and the
    /// problems (duplicate URLs) they gave.
    layout: Option<(u64, Vec<Diagnostic>)>,
    /// Where each item of `site` is: content path → (is a page, index).
    site_index: HashMap<String, (bool, usize)>,
}

/// Keys of the deferred producers in `keys`.
const EXPORTS_KEY: &str = "\0exports";
const SEARCH_KEY: &str = "\0search";

impl Engine {
    pub(crate) fn new(options: BuildOptions) -> Self {
        Engine {
            options,
            setup: None,
            docs: BTreeMap::new(),
            assets: BTreeMap::new(),
            load_problems: Vec::new(),
            items: HashMap::new(),
            item_problems: HashMap::new(),
            site: None,
            targets: LinkTargets::default(),
            keys: HashMap::new(),
            pending_keys: None,
            generation: 0,
            claims: None,
            rescan_needed: true,
            config_key: None,
            order: Vec::new(),
            layout: None,
            site_index: HashMap::new(),
        }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.options.root
    }

    /// The base path of the site as last configured (`/` until a configuration loads).
    pub(crate) fn base_path(&self) -> String {
        self.setup
            .as_ref()
            .map_or_else(|| "/".to_string(), |s| s.config.base_path())
    }

    /// Brings the state up to date with `changes` and renders the pages that changed.
    /// `current` gives the bytes the served site holds for a path, so that pages rendered
    /// again to the same bytes are left out of the patch. On error, nothing of the served
    /// site is to change and all problems are returned, as `passerelle build` reports them.
    /// `first` are pages open in a browser: when other pages must be rendered too, these
    /// are rendered first and handed to `early`, to be served before the rest is done.
    pub(crate) fn rebuild(
        &mut self,
        changes: &Changes,
        current: &dyn Fn(&str) -> Option<Arc<Vec<u8>>>,
        first: &HashSet<String>,
        early: &dyn Fn(Patch),
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
            .filter_map(|doc| doc.entry.as_ref())
            .filter(|entry| drafts || !entry.draft)
            .collect();
        let assets: Vec<Asset> = self.assets.values().map(|a| a.asset.clone()).collect();
        // Files that exist but gave no entry: links to them are not reported again (their
        // own error is), as in a build.
        let failed: HashSet<String> = self
            .docs
            .iter()
            .filter(|(_, doc)| doc.entry.is_none())
            .map(|(key, _)| key.replace('\0', "/"))
            .collect();
        // Link targets and duplicate URLs depend only on paths and URLs: most saves change
        // neither, and then the last ones stand.
        let layout = layout_key(&included, &assets, &failed);
        let (moved, model_problems) = match &self.layout {
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

        // Render the bodies that are new, changed, or link to a target that moved.
        let fresh: BTreeSet<&str> = self
            .docs
            .values()
            .filter(|doc| doc.fresh)
            .filter_map(|doc| doc.entry.as_ref().map(|e| e.content_path.as_str()))
            .collect();
        let to_render: Vec<&Entry> = included
            .iter()
            .copied()
            .filter(|entry| {
                fresh.contains(entry.content_path.as_str())
                    || !(self.items.contains_key(&entry.content_path)
                        || self.site_index.contains_key(&entry.content_path))
                    || links_to_any(&entry.body, &moved)
            })
            .collect();
        let targets = &self.targets;
        let rendered: Vec<(Item, Vec<Diagnostic>)> = to_render
            .into_par_iter()
            .map(|entry| model::render_item(&renderer, &base_path, entry.clone(), targets))
            .collect();
        let order: Vec<String> = included.iter().map(|e| e.content_path.clone()).collect();
        drop(included);
        for doc in self.docs.values_mut() {
            doc.fresh = false;
        }
        // Same entries in the same order, and what lists show of them unchanged (a body
        // edit): the assembled site stays, with the new items put in place.
        // The site is kept when only item bodies changed: same items, same metadata, and
        // the same files copied from content/ (which the site lists too).
        let in_place = self.site.as_ref().is_some_and(|site| site.assets == assets)
            && order == self.order
            && rendered.iter().all(|(item, _)| {
                self.site_item(&item.entry.content_path)
                    .is_some_and(|old| old.fingerprint.meta == item.fingerprint.meta)
            });
        if in_place {
            for (item, problems) in rendered {
                let path = item.entry.content_path.clone();
                self.replace_in_site(item);
                self.item_problems.insert(path, problems);
            }
        } else {
            self.reclaim_items();
            for (item, problems) in rendered {
                self.item_problems
                    .insert(item.entry.content_path.clone(), problems);
                self.items.insert(item.entry.content_path.clone(), item);
            }
            let wanted: BTreeSet<&str> = order.iter().map(String::as_str).collect();
            self.items.retain(|path, _| wanted.contains(path.as_str()));
            self.item_problems
                .retain(|path, _| wanted.contains(path.as_str()));
        }

        // Problems, as a full build collects them.
        diagnostics.extend(self.load_problems.iter().cloned());
        for doc in self.docs.values() {
            diagnostics.extend(doc.problems.iter().cloned());
        }
        diagnostics.extend(model_problems);
        for path in &order {
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
                let items: Vec<Item> = order
                    .iter()
                    .filter_map(|path| self.items.remove(path))
                    .collect();
                let site = model::assemble(setup.config.clone(), items, assets);
                self.site_index = index_site(&site);
                self.order = order;
                site
            }
        };
        let templates = setup.templates.as_ref().expect("checked above");
        let open = OpenPages { first, early };
        let served = Served {
            keys: &self.keys,
            claims: &mut self.claims,
            current,
        };
        let update = render_changes(&site, setup, templates, &self.assets, served, open);
        self.site = Some(Arc::new(site));
        let (mut update, new_keys) = match update {
            Ok(done) => done,
            Err(problems) => {
                diagnostics.extend(problems);
                return Err(diagnostics);
            }
        };
        diagnostics.extend(self.asset_problems(setup.config.config.trust_html));
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        // Deferred producers keep their old entries until `finish` replaces them.
        let mut keys = new_keys;
        for (path, key) in &self.keys {
            if is_deferred(path) {
                keys.insert(path.clone(), *key);
                update.patch.remove(path);
            }
        }
        self.keys = keys;
        let site = self.site.as_ref().expect("assembled above");
        let exports = exports_key(setup.config_key, site);
        let search = search_key(setup.config_key, site);
        self.pending_keys = Some((exports, search));
        self.generation += 1;
        if self.keys.get(EXPORTS_KEY) != Some(&exports) {
            update
                .deferred
                .extend([export::JSON_PATH.to_string(), export::CSV_PATH.to_string()]);
        }
        if self.keys.get(SEARCH_KEY) != Some(&search) {
            update.deferred.push(search::INDEX_DIR.to_string());
        }
        update.case_studies = site.case_studies.len();
        update.pages = site.pages.len();
        update.diagnostics = diagnostics;
        Ok(update)
    }

    /// Counts successful rebuilds.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// The outputs that depend on the whole collection (open data exports, search index) for
    /// the site of the last successful `rebuild`, if their inputs changed, as work that runs
    /// on another thread (`DeferredJob::run`) while edits go on.
    pub(crate) fn deferred_job(&mut self) -> Option<DeferredJob> {
        let site = Arc::clone(self.site.as_ref()?);
        let (exports, search) = self.pending_keys.take()?;
        Some(DeferredJob {
            site,
            generation: self.generation,
            exports: (self.keys.get(EXPORTS_KEY) != Some(&exports)).then_some(exports),
            search: (self.keys.get(SEARCH_KEY) != Some(&search)).then_some(search),
        })
    }

    /// The patch that serves what a deferred job made, or `None` when the site changed
    /// since it started (a later job makes them for the new site).
    pub(crate) fn apply_deferred(
        &mut self,
        made: DeferredFiles,
        current: &dyn Fn(&str) -> Option<Arc<Vec<u8>>>,
    ) -> Option<Patch> {
        if made.generation != self.generation {
            return None;
        }
        let mut patch = Patch::new();
        let put =
            |keys: &mut HashMap<String, u64>, patch: &mut Patch, path: String, bytes: Vec<u8>| {
                let key = content_key(&bytes);
                if current(&path).as_deref() != Some(&bytes) {
                    patch.insert(path.clone(), Some(Arc::new(bytes)));
                }
                keys.insert(path, key);
            };
        if let Some((key, files)) = made.exports {
            for (path, bytes) in files {
                put(&mut self.keys, &mut patch, path, bytes);
            }
            self.keys.insert(EXPORTS_KEY.into(), key);
        }
        if let Some((key, files)) = made.search {
            let stale: Vec<String> = self
                .keys
                .keys()
                .filter(|path| path.starts_with(search::INDEX_DIR) && !files.contains_key(*path))
                .cloned()
                .collect();
            for path in stale {
                self.keys.remove(&path);
                patch.insert(path, None);
            }
            for (path, bytes) in files {
                put(&mut self.keys, &mut patch, path, bytes);
            }
            self.keys.insert(SEARCH_KEY.into(), key);
        }
        Some(patch)
    }

    /// Puts the items of the last assembled site back into `items`.
    fn reclaim_items(&mut self) {
        if let Some(site) = self.site.take().map(owned) {
            for item in site.case_studies.into_iter().chain(site.pages) {
                self.items.insert(item.entry.content_path.clone(), item);
            }
        }
        self.site_index.clear();
        self.order.clear();
    }

    fn site_item(&self, content_path: &str) -> Option<&Item> {
        let site = self.site.as_deref()?;
        let &(page, index) = self.site_index.get(content_path)?;
        if page {
            site.pages.get(index)
        } else {
            site.case_studies.get(index)
        }
    }

    /// Puts a re-rendered item in the place of the one it replaces, which has the same meta
    /// fingerprint: same fields, so the same taxonomy links and translations.
    fn replace_in_site(&mut self, mut item: Item) {
        let Some(&(page, index)) = self.site_index.get(&item.entry.content_path) else {
            return;
        };
        let Some(site) = self.site.as_mut().map(Arc::make_mut) else {
            return;
        };
        let slot = if page {
            &mut site.pages[index]
        } else {
            &mut site.case_studies[index]
        };
        item.fields = std::mem::take(&mut slot.fields);
        item.translations = std::mem::take(&mut slot.translations);
        *slot = item;
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
            theme,
            templates,
            problems,
        });
        Ok(reset)
    }

    fn load_theme(&mut self) {
        let Some(setup) = &mut self.setup else {
            return;
        };
        let mut problems = Vec::new();
        (setup.theme, setup.templates) = self.options.load_theme(&setup.config, &mut problems);
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
        let mut diagnostics = Diagnostics::new();
        let loaded = load::load_content(&self.options.root, &mut diagnostics);
        let mut docs = BTreeMap::new();
        let mut others = Vec::new();
        // Read errors belong to their file; the others to the folder.
        for problem in diagnostics {
            let key = problem
                .file
                .strip_prefix(&format!("{CONTENT_DIR}/"))
                .filter(|p| p.ends_with(".md"))
                .map(order_key);
            match key {
                Some(key) if self.options.root.join(&problem.file).is_file() => {
                    docs.entry(key)
                        .or_insert_with(|| unreadable(Vec::new()))
                        .problems
                        .push(problem);
                }
                _ => others.push(problem),
            }
        }
        self.load_problems = others;
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
                doc.entry = validate::validate(&setup.config, document, &mut problems);
                doc.problems = problems;
            }
        });
    }

    fn asset_problems(&self, trust_html: bool) -> Vec<Diagnostic> {
        self.assets
            .values()
            .filter_map(|file| file.publishable(trust_html).err())
            .collect()
    }
}

fn to_validate(document: Document, digest: u64) -> Doc {
    Doc {
        digest,
        document: Some(document),
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

/// Paths written by `Engine::finish`.
fn is_deferred(path: &str) -> bool {
    path == export::JSON_PATH
        || path == export::CSV_PATH
        || path.starts_with(search::INDEX_DIR)
        || path.starts_with('\0')
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
    for item in site.case_studies.iter().chain(&site.pages) {
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

/// Renders the pages whose key changed and lists the outputs (theme files, assets) that
/// changed. Returns the patch and the key of every output of this site.
/// Pages open in a browser, and where to send them when they are rendered ahead of the rest.
struct OpenPages<'a> {
    first: &'a HashSet<String>,
    early: &'a dyn Fn(Patch),
}

/// What the served site holds, as the last build left it.
struct Served<'a> {
    /// Output path → key of its bytes.
    keys: &'a HashMap<String, u64>,
    /// See `Engine::claims`.
    claims: &'a mut Option<(u64, Vec<Diagnostic>)>,
    /// The served bytes of an output path.
    current: &'a dyn Fn(&str) -> Option<Arc<Vec<u8>>>,
}

fn render_changes(
    site: &Site,
    setup: &Setup,
    templates: &Templates,
    assets: &BTreeMap<String, AssetFile>,
    served: Served,
    open: OpenPages,
) -> Result<(Update, HashMap<String, u64>), Vec<Diagnostic>> {
    let Served {
        keys,
        claims,
        current,
    } = served;
    let renderer = Renderer::new(site, &setup.theme, templates);
    let jobs = renderer.jobs();
    let outputs = crate::outputs_key(site, &setup.theme, &jobs);
    let problems = match claims {
        Some((key, problems)) if *key == outputs => problems,
        _ => {
            &mut claims
                .insert((outputs, crate::claim_outputs(site, &setup.theme, &jobs)))
                .1
        }
    };
    if !problems.is_empty() {
        return Err(problems.clone());
    }
    let mut new_keys: HashMap<String, u64> = HashMap::with_capacity(jobs.len() + 64);
    let dirty: Vec<&render::PageJob> = jobs
        .iter()
        .filter(|job| keys.get(&job.path) != Some(&job.key))
        .collect();
    let put = |path: &str, bytes: Arc<Vec<u8>>, patch: &mut Patch| {
        if current(path).as_deref() != Some(&*bytes) {
            patch.insert(path.to_string(), Some(bytes));
        }
    };
    // A template edit re-renders thousands of pages: the ones open in a browser go first,
    // and are served as soon as they are made (the rest follow, and would show the same).
    let (shown, others): (Vec<&render::PageJob>, Vec<&render::PageJob>) =
        dirty.iter().partition(|job| open.first.contains(&job.path));
    let mut problems = Vec::new();
    let mut rest = dirty.clone();
    if !shown.is_empty() && !others.is_empty() {
        let sink = MemorySink::default();
        problems = renderer.render(shown, &sink);
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        let mut patch = Patch::new();
        for (path, bytes) in sink.into_files() {
            put(&path, Arc::new(bytes), &mut patch);
        }
        if !patch.is_empty() {
            (open.early)(patch);
        }
        rest = others;
    }
    let sink = MemorySink::default();
    problems.extend(renderer.render(rest, &sink));
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    let mut update = Update {
        rendered: dirty.len(),
        ..Update::default()
    };
    update.diagnostics.extend(problems);
    for job in &jobs {
        new_keys.insert(job.path.clone(), job.key);
    }
    for (path, bytes) in sink.into_files() {
        put(&path, Arc::new(bytes), &mut update.patch);
    }
    for (path, file) in &setup.theme.static_files {
        let key = content_key(&file.bytes);
        if keys.get(path) != Some(&key) {
            put(path, Arc::new(file.bytes.clone()), &mut update.patch);
        }
        new_keys.insert(path.clone(), key);
    }
    // Assets were read when they changed; `Engine::asset_problems` reports failures.
    let trust_html = setup.config.config.trust_html;
    for file in assets.values() {
        if let Ok((bytes, key)) = file.publishable(trust_html) {
            let path = &file.asset.content_path;
            if keys.get(path) != Some(&key) {
                put(path, bytes.clone(), &mut update.patch);
            }
            new_keys.insert(path.clone(), key);
        }
    }
    for path in keys.keys() {
        if !new_keys.contains_key(path) && !is_deferred(path) {
            update.patch.insert(path.clone(), None);
        }
    }
    Ok((update, new_keys))
}
