//! Passerelle turns a folder of Markdown case studies into a searchable static site.
//!
//! The pipeline, one module per stage (see DESIGN.md):
//! `load` → `validate` → `markdown` + `model` → `render` / `export` → `output`.
//! `build` runs it into the output folder (updated in place, see `output`); the preview
//! server runs it into memory.

pub mod asset;
pub mod config;
pub mod diagnostic;
pub mod export;
pub mod format;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod text;
pub mod theme;
pub mod validate;
pub mod yaml;

use diagnostic::{Diagnostic, Diagnostics};
use output::Sink;
use std::path::{Path, PathBuf};

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `base_url` from config.yaml.
    pub base_url: Option<String>,
    /// Include case studies and pages marked `draft: true`.
    pub drafts: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            base_url: None,
            drafts: false,
        }
    }

    /// The site's `config.yaml`, with `base_url` overridden from the command line.
    pub fn load_config(&self) -> Result<config::SiteConfig, Vec<Diagnostic>> {
        let mut site_config = config::load(&self.root)?;
        if let Some(base_url) = &self.base_url {
            site_config
                .override_base_url(base_url)
                .map_err(|problem| vec![problem])?;
        }
        Ok(site_config)
    }

    /// The theme the configuration names and its templates (`None` when one does not parse;
    /// the problems are in `problems`).
    pub fn load_theme(
        &self,
        site_config: &config::SiteConfig,
        problems: &mut Vec<Diagnostic>,
    ) -> (theme::Theme, Option<render::Templates>) {
        let theme = theme::load(&self.root, &site_config.config.theme, problems);
        let templates = render::load_templates(&theme, problems);
        (theme, templates)
    }
}

/// The result of a successful run of the pipeline.
pub struct Built {
    pub site: model::Site,
    /// Warnings only (a build with errors returns `Err`).
    pub diagnostics: Diagnostics,
}

/// Runs the whole pipeline, sending every output file to `sink`. Returns all problems
/// found when there is at least one error; the sink may then hold a partial site, which is
/// why `build_to_dir` moves nothing into place unless this succeeded.
pub fn build(options: &BuildOptions, sink: &dyn Sink) -> Result<Built, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    let site_config = match options.load_config() {
        Ok(config) => config,
        Err(errors) => {
            diagnostics.extend(errors);
            return Err(diagnostics);
        }
    };
    let (theme, templates) = options.load_theme(&site_config, &mut problems);

    let loaded = load::load_content(&options.root, &mut diagnostics);
    let mut entries = validate::validate_all(&site_config, loaded.documents, &mut diagnostics);
    let failed = model::failed_documents(&loaded.markdown_paths, &entries);
    if !options.drafts {
        entries.retain(|entry| !entry.draft);
    }
    let site = model::build_site(site_config, entries, loaded.assets, failed, &mut problems);
    diagnostics.extend(problems);
    let Some(templates) = templates else {
        return Err(diagnostics);
    };
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }

    let renderer = render::Renderer::new(&site, &theme, &templates);
    let jobs = renderer.jobs();
    diagnostics.extend(claim_outputs(&site, &theme, &jobs));
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }

    // Pages, copied files with the exports, and the search index are independent: run them
    // side by side so the serial parts of one overlap the others. The index goes first: its
    // merge steps are serial, and the many small page jobs fill the other core meanwhile.
    let (index, (files, pages)) = rayon::join(
        || search::write_index(&site, sink),
        || {
            rayon::join(
                || write_files(&site, &theme, sink),
                || renderer.render(jobs.iter().collect(), sink),
            )
        },
    );
    drop(renderer);
    diagnostics.extend(pages);
    diagnostics.extend(files);
    diagnostics.extend(index);
    diagnostics.summarise_write_errors();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Built { site, diagnostics })
}

/// Who makes an output file; described only when there is a problem to report (the preview
/// server checks every rebuild, so the usual case allocates nothing per file).
#[derive(Clone, Copy)]
enum Owner<'a> {
    Page(&'a render::PageJob),
    Theme(&'a theme::ThemeFile),
    Export,
    Asset(&'a load::Asset),
    SearchIndex,
}

impl Owner<'_> {
    /// The content file, when the output comes from one.
    fn file(self, site: &model::Site) -> Option<String> {
        match self {
            Owner::Page(job) => job.source(site).map(str::to_string),
            Owner::Asset(asset) => Some(format!("{}/{}", load::CONTENT_DIR, asset.content_path)),
            _ => None,
        }
    }

    fn describe(self, site: &model::Site) -> String {
        if let Some(file) = self.file(site) {
            return format!("`{file}`");
        }
        match self {
            Owner::Page(job) => format!("the page Passerelle generates from `{}`", job.template),
            Owner::Theme(file) => format!("the theme file `{}`", file.display),
            Owner::Export => "the open data export".into(),
            _ => format!("the search index (the `{}` folder)", search::INDEX_DIR),
        }
    }
}

/// Every output path with its owner (the search index's files, named by their content, are
/// not known in advance: its folder is claimed as a whole in `claim_outputs`).
fn outputs<'a>(
    site: &'a model::Site,
    theme: &'a theme::Theme,
    jobs: &'a [render::PageJob],
) -> impl Iterator<Item = (&'a str, Owner<'a>)> {
    let pages = jobs.iter().map(|job| (job.path.as_str(), Owner::Page(job)));
    let statics = theme
        .static_files
        .iter()
        .map(|(path, file)| (path.as_str(), Owner::Theme(file)));
    let exports = [export::JSON_PATH, export::CSV_PATH].map(|path| (path, Owner::Export));
    let assets = site
        .assets
        .iter()
        .map(|asset| (asset.content_path.as_str(), Owner::Asset(asset)));
    pages.chain(statics).chain(exports).chain(assets)
}

/// A digest of every output path and its owner: `claim_outputs` finds the same problems
/// for the same digest, so the preview server checks again only when it changes (most
/// saves change no path).
#[cfg(feature = "serve")]
pub(crate) fn outputs_key(
    site: &model::Site,
    theme: &theme::Theme,
    jobs: &[render::PageJob],
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    for (path, owner) in outputs(site, theme, jobs) {
        path.hash(&mut hasher);
        match owner {
            Owner::Page(job) => (job.source(site), job.template).hash(&mut hasher),
            Owner::Theme(file) => file.display.hash(&mut hasher),
            Owner::Export | Owner::Asset(_) | Owner::SearchIndex => {}
        }
    }
    hasher.finish()
}

/// Every output file has one source. Two sources for one path (a content file named like a
/// generated page, an asset named `index.html` or `static/style.css`, a file in the search
/// index's folder) would silently overwrite each other: each such pair is an error naming
/// both, reported on the content file when there is one.
pub(crate) fn claim_outputs(
    site: &model::Site,
    theme: &theme::Theme,
    jobs: &[render::PageJob],
) -> Vec<Diagnostic> {
    let two_owners = |path: &str, first: Owner, second: Owner| {
        let (blamed, other) = match (first.file(site), second.file(site)) {
            (_, Some(file)) => (file, first),
            (Some(file), None) => (file, second),
            (None, None) => ("config.yaml".to_string(), first),
        };
        let message = format!(
            "its output `{path}` is also written by {}",
            other.describe(site)
        );
        Diagnostic::error(blamed, message)
            .hint("rename or move this file: two sources cannot make the same output file")
    };
    let mut problems = Vec::new();
    let mut owners: rustc_hash::FxHashMap<&str, Owner> = Default::default();
    owners.reserve(jobs.len() + theme.static_files.len() + site.assets.len() + 2);
    for (path, owner) in outputs(site, theme, jobs) {
        if let Err(err) = output::check_relative_path(path) {
            let blamed = owner.file(site).unwrap_or_else(|| "config.yaml".into());
            problems.push(Diagnostic::error(blamed, err.to_string()).hint(
                "rename the file or folder it comes from: every folder and file name needs a letter or digit, and every URL segment in config.yaml must be a plain slug",
            ));
            continue;
        }
        if path.starts_with(search::INDEX_DIR) {
            problems.push(two_owners(path, Owner::SearchIndex, owner));
            continue;
        }
        if let Some(first) = owners.insert(path, owner) {
            problems.push(two_owners(path, first, owner));
        }
    }
    problems
}

/// Theme static files, files copied from content/, and the open data exports.
fn write_files(site: &model::Site, theme: &theme::Theme, sink: &dyn Sink) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut put = |path: &str, bytes: Vec<u8>| {
        if let Err(err) = sink.put(path, bytes) {
            problems.push(Diagnostic::cannot_write(path, &err));
        }
    };
    for (path, file) in &theme.static_files {
        put(path, file.bytes.clone());
    }
    put(export::JSON_PATH, export::to_json(site));
    put(export::CSV_PATH, export::to_csv(site));
    let mut unreadable = Vec::new();
    let trust_html = site.config.config.trust_html;
    for asset in &site.assets {
        let file = format!("{}/{}", load::CONTENT_DIR, asset.content_path);
        match std::fs::read(&asset.source) {
            Ok(bytes) => match asset::check(&file, &bytes, trust_html) {
                Ok(()) => put(&asset.content_path, bytes),
                Err(refused) => unreadable.push(refused),
            },
            Err(err) => unreadable.push(Diagnostic::error(file, format!("cannot read: {err}"))),
        }
    }
    problems.extend(unreadable);
    problems
}

/// Builds into the folder `output`, updating it in place: only files whose bytes changed are
/// written, files the site no longer has are removed, and nothing changes at all unless the
/// whole build succeeded (see `output`). `on_wait` is called when another build holds the
/// folder, before waiting for it.
///
/// The outer error says why the folder cannot be used (exit code 2); the inner one holds
/// the site's problems.
pub fn build_to_dir(
    options: &BuildOptions,
    output: &Path,
    on_wait: impl FnOnce(),
) -> anyhow::Result<Result<(Built, output::Summary), Diagnostics>> {
    output::check_location(&options.root, output)?;
    let folder = output::OutputDir::open(output, on_wait)?;
    let result = build(options, &folder);
    let in_the_way = folder.take_conflicts();
    let problems: Vec<Diagnostic> = in_the_way
        .into_iter()
        .map(|(path, what)| {
            Diagnostic::error(
                format!("{}/{path}", output.display()),
                format!("{what} is already there and Passerelle did not write it"),
            )
            .hint("move it out of the output folder and build again: Passerelle replaces only files it wrote")
        })
        .collect();
    match result {
        Ok(built) if problems.is_empty() => {
            let summary = folder.commit()?;
            Ok(Ok((built, summary)))
        }
        Ok(built) => {
            let mut diagnostics = built.diagnostics;
            diagnostics.extend(problems);
            Ok(Err(diagnostics))
        }
        Err(mut diagnostics) => {
            diagnostics.extend(problems);
            Ok(Err(diagnostics))
        }
    }
}

/// Validates everything a build does (content, links, templates) without writing anything.
pub fn check(options: &BuildOptions) -> Result<Built, Diagnostics> {
    build(options, &output::NullSink)
}

/// The site's root folder given on the command line, or the current folder.
pub fn root_or_current(root: Option<PathBuf>) -> PathBuf {
    root.unwrap_or_else(|| PathBuf::from("."))
}
