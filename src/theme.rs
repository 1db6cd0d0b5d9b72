//! The theme: templates, static files and UI strings.
//!
//! The default theme is compiled into the binary, so a site made with `passerelle init` needs
//! no `themes/` folder. On disk, `themes/<name>/` and then the site's own `templates/`,
//! `static/` and `i18n/` override it file by file.

use crate::diagnostic::{Diagnostic, display_path};
use crate::messages;
use include_dir::{Dir, include_dir};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

static DEFAULT_THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a theme file came from, for error messages and for the preview server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Vec<u8>,
    /// Path shown in messages: `themes/default/templates/base.html` or `templates/base.html`.
    pub display: String,
    pub origin: Origin,
}

/// UI strings of one language: key → text.
pub type Strings = BTreeMap<String, String>;

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`base.html`, `partials/card.html`) → source.
    pub templates: BTreeMap<String, ThemeFile>,
    /// Output path (`static/style.css`) → file.
    pub static_files: BTreeMap<String, ThemeFile>,
    /// Language → strings.
    pub strings: HashMap<String, Strings>,
}

/// The folders on disk that may override the built-in theme, in increasing priority.
pub fn override_dirs(root: &Path, theme_name: &str) -> Vec<PathBuf> {
    vec![root.join("themes").join(theme_name), root.to_path_buf()]
}

/// Loads the built-in theme, then the on-disk overrides.
pub fn load(root: &Path, theme_name: &str, problems: &mut Vec<Diagnostic>) -> Theme {
    let mut theme = Theme::default();
    if theme_name == "default" {
        add_builtin(&DEFAULT_THEME, &mut theme);
    } else if !root.join("themes").join(theme_name).is_dir() {
        problems.push(
            Diagnostic::error(
                "config.yaml",
                messages::THEME_NOT_FOUND.with("theme", theme_name),
            )
            .field("theme")
            .hint(messages::HINT_THEME_NOT_FOUND.with("theme", theme_name)),
        );
    }
    for dir in override_dirs(root, theme_name) {
        add_dir(root, &dir, "templates", &mut theme.templates, problems);
        let mut statics = BTreeMap::new();
        add_dir(root, &dir, "static", &mut statics, problems);
        for (name, file) in statics {
            theme.static_files.insert(format!("static/{name}"), file);
        }
        let mut i18n = BTreeMap::new();
        add_dir(root, &dir, "i18n", &mut i18n, problems);
        for (name, file) in i18n {
            merge_strings(&mut theme, &name, &file, problems);
        }
    }
    theme
}

fn builtin_files(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
    for entry in dir.entries() {
        match entry {
            include_dir::DirEntry::Dir(sub) => builtin_files(sub, out),
            include_dir::DirEntry::File(file) => out.push(file),
        }
    }
}

fn add_builtin(dir: &'static Dir<'static>, theme: &mut Theme) {
    let mut files = Vec::new();
    builtin_files(dir, &mut files);
    for file in files {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let theme_file = ThemeFile {
            bytes: file.contents().to_vec(),
            display: format!("themes/default/{path}"),
            origin: Origin::Builtin,
        };
        if let Some(name) = path.strip_prefix("templates/") {
            theme.templates.insert(name.to_string(), theme_file);
        } else if path.starts_with("static/") {
            theme.static_files.insert(path.clone(), theme_file);
        } else if let Some(name) = path.strip_prefix("i18n/") {
            let mut ignored = Vec::new();
            merge_strings(theme, name, &theme_file, &mut ignored);
        }
    }
}

fn add_dir(
    root: &Path,
    base: &Path,
    sub: &str,
    into: &mut BTreeMap<String, ThemeFile>,
    problems: &mut Vec<Diagnostic>,
) {
    let dir = base.join(sub);
    if !dir.is_dir() {
        return;
    }
    for file in crate::load::site_files(root, &dir, problems) {
        let Some(file_name) = file.path.file_name() else {
            continue;
        };
        if crate::load::is_editor_artifact(&file_name.to_string_lossy()) {
            continue;
        }
        let name = display_path(&dir, &file.path);
        let display = display_path(root, &file.path);
        match std::fs::read(&file.source) {
            Ok(bytes) => {
                let origin = Origin::File(file.path);
                into.insert(
                    name,
                    ThemeFile {
                        bytes,
                        display,
                        origin,
                    },
                );
            }
            Err(err) => problems.push(Diagnostic::error(
                display,
                messages::THEME_UNREADABLE.with("reason", err.to_string()),
            )),
        }
    }
}

fn merge_strings(theme: &mut Theme, name: &str, file: &ThemeFile, problems: &mut Vec<Diagnostic>) {
    let Some(lang) = name.strip_suffix(".yaml") else {
        return;
    };
    let text = match std::str::from_utf8(&file.bytes) {
        Ok(text) => text,
        Err(err) => {
            problems.push(
                Diagnostic::error(
                    file.display.clone(),
                    messages::INVALID_UI_STRINGS.with("reason", err.to_string()),
                )
                .hint(&messages::HINT_SAVE_UTF8),
            );
            return;
        }
    };
    // The same bounded, located parser as config.yaml and front matter.
    match crate::yaml::parse::<Strings>(text, 1) {
        Ok(strings) => theme
            .strings
            .entry(lang.to_string())
            .or_default()
            .extend(strings),
        Err(err) => {
            let hint = err.hint.unwrap_or_else(|| messages::HINT_UI_STRINGS.msg());
            problems.push(
                Diagnostic::error(
                    file.display.clone(),
                    messages::INVALID_UI_STRINGS.with("reason", err.message),
                )
                .at(err.line, err.column)
                .hint(hint),
            );
        }
    }
}
