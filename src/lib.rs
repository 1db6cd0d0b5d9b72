//! Passerelle turns a folder of Markdown case studies into a searchable static site.
//!
//! The pipeline, one module per stage (see DESIGN.md):
//! `load` → `validate` → `markdown` + `model` → `render` / `export` / `search` → `output`.
//! One `engine` runs the stages: `build` and `check` run it once, into the output folder
//! (updated in place, see `output`) or nowhere; the preview server keeps it and feeds it
//! the changes it sees, into memory.

pub mod asset;
pub mod config;
pub mod diagnostic;
mod engine;
pub mod export;
pub mod format;
pub mod images;
pub mod load;
pub mod markdown;
pub mod messages;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod schema;
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

/// Runs the whole pipeline once, sending every output file to `sink` (see `engine`).
/// Returns all problems found when there is at least one error; the sink may then hold a
/// partial site, which is why `build_to_dir` moves nothing into place unless this
/// succeeded.
pub fn build(options: &BuildOptions, sink: &dyn Sink) -> Result<Built, Diagnostics> {
    match engine::build(options, sink) {
        Ok((site, mut diagnostics)) => {
            diagnostics.summarise_write_errors();
            Ok(Built { site, diagnostics })
        }
        Err(mut diagnostics) => {
            diagnostics.summarise_write_errors();
            Err(diagnostics)
        }
    }
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
                messages::NOT_OURS.with("what", in_the_way_text(what)),
            )
            .hint(&messages::HINT_NOT_OURS)
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

/// What the output module found in the way (it names it in English, for the code), in the
/// catalog's words; anything else it may say stays as it is.
fn in_the_way_text(what: &str) -> messages::Msg {
    match what {
        "a file" => messages::IN_THE_WAY_FILE.msg(),
        "a folder" => messages::IN_THE_WAY_FOLDER.msg(),
        "a symbolic link" => messages::IN_THE_WAY_SYMLINK.msg(),
        "a folder on its way is a symbolic link" => messages::IN_THE_WAY_SYMLINK_ON_THE_WAY.msg(),
        other => messages::IN_THE_WAY_OTHER.with("what", other),
    }
}
