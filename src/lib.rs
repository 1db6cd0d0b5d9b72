//! Passerelle turns a folder of Markdown case studies into a searchable static site.
//!
//! The pipeline, one module per stage (see DESIGN.md):
//! `load` → `validate` → `markdown` + `model` → `render` / `export` → `output`.
//! `build` runs it into a staging folder; the preview server runs it into memory.

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
pub mod serve;
pub mod text;
pub mod theme;
pub mod validate;

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
            site_config.config.base_url = base_url.clone();
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
/// why `build_to_dir` writes into a staging folder.
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

    // Pages, copied files with the exports, and the search index are independent: run them
    // side by side so the serial parts of one overlap the others. The index goes first: its
    // merge steps are serial, and the many small page jobs fill the other core meanwhile.
    let (index, (files, pages)) = rayon::join(
        || search::write_index(&site, sink),
        || {
            rayon::join(
                || write_files(&site, &theme, sink),
                || render::render_site(&site, &theme, &templates, sink),
            )
        },
    );
    diagnostics.extend(pages);
    diagnostics.extend(files);
    diagnostics.extend(index);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Built { site, diagnostics })
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
    for asset in &site.assets {
        match std::fs::read(&asset.source) {
            Ok(bytes) => put(&asset.content_path, bytes),
            Err(err) => unreadable.push(Diagnostic::error(
                format!("content/{}", asset.content_path),
                format!("cannot read: {err}"),
            )),
        }
    }
    problems.extend(unreadable);
    problems
}

/// Builds into `output` atomically: into a staging folder first, swapped in only when the
/// build succeeded, so the last good site is never damaged.
pub fn build_to_dir(
    options: &BuildOptions,
    output: &Path,
) -> anyhow::Result<Result<Built, Diagnostics>> {
    let staging = output::begin(output)?;
    let result = build(options, &output::DirSink::new(staging.clone()));
    match result {
        Ok(built) => {
            output::commit(&staging, output)?;
            Ok(Ok(built))
        }
        Err(diagnostics) => {
            output::abandon(&staging);
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
