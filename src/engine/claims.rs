//! Every output file has one source: the output paths a site will have, each claimed by
//! the page, theme file, export, asset or search index that makes it.

use crate::diagnostic::Diagnostic;
use crate::messages;
use crate::{export, load, model, output, render, search, theme};

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

    fn describe(self, site: &model::Site) -> messages::Msg {
        if let Some(file) = self.file(site) {
            return messages::OWNER_FILE.with("file", file);
        }
        match self {
            Owner::Page(job) => messages::OWNER_PAGE.with("template", job.template),
            Owner::Theme(file) => messages::OWNER_THEME.with("file", &file.display),
            Owner::Export => messages::OWNER_EXPORT.msg(),
            _ => messages::OWNER_SEARCH.with("folder", search::INDEX_DIR),
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
    let exports = export::PATHS.map(|path| (path, Owner::Export));
    let assets = site
        .assets
        .iter()
        .map(|asset| (asset.content_path.as_str(), Owner::Asset(asset)));
    pages.chain(statics).chain(exports).chain(assets)
}

/// A digest of every output path and its owner: `claim_outputs` finds the same problems
/// for the same digest, so the preview server checks again only when it changes (most
/// saves change no path).
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
        let message = messages::TWO_OWNERS
            .with("path", path)
            .with("other", other.describe(site));
        Diagnostic::error(blamed, message).hint(&messages::HINT_TWO_OWNERS)
    };
    let mut problems = Vec::new();
    let mut owners: rustc_hash::FxHashMap<&str, Owner> = Default::default();
    owners.reserve(jobs.len() + theme.static_files.len() + site.assets.len() + 2);
    for (path, owner) in outputs(site, theme, jobs) {
        if let Err(err) = output::check_relative_path(path) {
            let blamed = owner.file(site).unwrap_or_else(|| "config.yaml".into());
            problems.push(
                Diagnostic::error(blamed, bad_output_path(path, &err.to_string()))
                    .hint(&messages::HINT_BAD_OUTPUT_PATH),
            );
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

/// Why `output::check_relative_path` refused `path`, from its message, in the catalog's
/// words (the output module speaks to the code in English; unknown reasons stay as they are).
fn bad_output_path(path: &str, reason: &str) -> messages::Msg {
    let why = reason.rsplit_once("` ").map_or("", |(_, why)| why);
    let text = match why {
        "is empty" => &messages::OUTPUT_PATH_EMPTY,
        "holds a control character or a backslash" => &messages::OUTPUT_PATH_CONTROL,
        "has an empty folder or file name" => &messages::OUTPUT_PATH_EMPTY_NAME,
        "would leave the output folder" => &messages::OUTPUT_PATH_LEAVES,
        "is inside Passerelle's own folder" => &messages::OUTPUT_PATH_STATE,
        _ => return messages::BAD_OUTPUT_PATH.with("reason", reason),
    };
    text.with("path", path.escape_debug().to_string())
}
