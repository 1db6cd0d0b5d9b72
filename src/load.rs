//! Stage 1: read `content/` into `Document`s (front matter text + body), and list the other
//! files (images, PDFs) that are copied as they are.

use crate::diagnostic::{Diagnostic, display_path};
use crate::messages;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub const CONTENT_DIR: &str = "content";

/// A Markdown file split into its front matter and body, not yet interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Path for messages, relative to the site root: `content/etudes-de-cas/a.md`.
    pub file: String,
    /// Path relative to `content/`, with `/` separators: `etudes-de-cas/a.md`.
    pub content_path: String,
    /// YAML text between the `---` lines.
    pub front_matter: String,
    /// 1-based line of the file where the front matter text starts.
    pub front_matter_line: usize,
    pub body: String,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// A non-Markdown file under `content/`, copied to the same place in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    pub content_path: String,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub assets: Vec<Asset>,
    /// Markdown files found but not read (too large, not UTF-8…): content path and why.
    pub unreadable: Vec<(String, Diagnostic)>,
}

/// Largest Markdown file read; beyond it the file is reported, not loaded.
const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads every file under `root/content`. Problems of the folder go to `problems`;
/// those of a Markdown file, to `Loaded::unreadable`.
pub fn load_content(root: &Path, problems: &mut Vec<Diagnostic>) -> Loaded {
    let content_dir = root.join(CONTENT_DIR);
    let mut loaded = Loaded::default();
    let mut markdown = Vec::new();
    if !content_dir.is_dir() {
        problems.push(
            Diagnostic::error(CONTENT_DIR, &messages::CONTENT_MISSING)
                .hint(&messages::HINT_CREATE_CONTENT),
        );
        return loaded;
    }
    for file in site_files(root, &content_dir, problems) {
        let name = file.path.file_name().map(|n| n.to_string_lossy());
        if name.is_some_and(|name| is_editor_artifact(&name)) {
            continue;
        }
        let content_path = display_path(&content_dir, &file.path);
        if file.path.extension().and_then(|e| e.to_str()) != Some("md") {
            loaded.assets.push(Asset {
                source: file.source,
                content_path,
            });
            continue;
        }
        markdown.push((file.source, content_path));
    }
    // Reading is mostly waiting on the file system: do it on all threads, keeping the order.
    use rayon::prelude::*;
    let read: Vec<(String, Result<Document, Box<Diagnostic>>)> = markdown
        .into_par_iter()
        .map(|(path, content_path)| {
            let file = format!("{CONTENT_DIR}/{content_path}");
            (
                content_path.clone(),
                read_document(&path, &file, content_path),
            )
        })
        .collect();
    for (content_path, result) in read {
        match result {
            Ok(document) => loaded.documents.push(document),
            Err(diagnostic) => loaded.unreadable.push((content_path, *diagnostic)),
        }
    }
    loaded
}

/// A regular file found under one of the site's folders.
pub struct SiteFile {
    /// Where it was found, under the folder walked (a link's own path).
    pub path: PathBuf,
    /// What to read: the same path, or for a symbolic link the file it points to.
    pub source: PathBuf,
}

/// The regular files under `dir`, sorted by name so that builds are deterministic whatever
/// the file system's order. Symbolic links are followed only while they stay inside the
/// site's folder `root`: a link to `/etc/passwd`, to `/proc/self/environ` or to a folder
/// elsewhere is reported, never published. Unreadable entries are reported too.
pub fn site_files(root: &Path, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<SiteFile> {
    let mut files = Vec::new();
    let real_root = match std::fs::canonicalize(root) {
        Ok(real_root) => real_root,
        Err(err) => {
            problems.extend([Diagnostic::error(
                display_path(root, dir),
                messages::CANNOT_READ.with("reason", err.to_string()),
            )]);
            return files;
        }
    };
    let mut walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let file = err
                    .path()
                    .map_or_else(|| display_path(root, dir), |p| display_path(root, p));
                let (message, hint) = if err.loop_ancestor().is_some() {
                    (&messages::SYMLINK_BROKEN, &messages::HINT_SYMLINK_LOOP)
                } else {
                    (&messages::CANNOT_READ, &messages::HINT_CHECK_READABLE)
                };
                problems.extend([
                    Diagnostic::error(file, message.with("reason", err.to_string())).hint(hint),
                ]);
                continue;
            }
        };
        let mut source = entry.path().to_path_buf();
        if entry.path_is_symlink() {
            match std::fs::canonicalize(entry.path()) {
                Ok(target) if target.starts_with(&real_root) => source = target,
                Ok(target) => {
                    problems.extend([Diagnostic::error(
                        display_path(root, entry.path()),
                        messages::SYMLINK_OUTSIDE.with("target", target.display().to_string()),
                    )
                    .hint(&messages::HINT_SYMLINK_OUTSIDE)]);
                    if entry.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    continue;
                }
                Err(err) => {
                    problems.extend([Diagnostic::error(
                        display_path(root, entry.path()),
                        messages::SYMLINK_BROKEN.with("reason", err.to_string()),
                    )
                    .hint(&messages::HINT_SYMLINK_BROKEN)]);
                    continue;
                }
            }
        }
        if entry.file_type().is_file() {
            files.push(SiteFile {
                path: entry.path().to_path_buf(),
                source,
            });
        }
    }
    files
}

/// Hidden files, editor swap and backup files are never content.
pub fn is_editor_artifact(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

/// Reads one Markdown file (`file` is its path for messages, `content_path` its path under
/// `content/`). The preview server reads the files that changed with it.
pub fn read_document(
    path: &Path,
    file: &str,
    content_path: String,
) -> Result<Document, Box<Diagnostic>> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(Box::new(
            Diagnostic::error(file, messages::FILE_TOO_LARGE.with("size", size))
                .hint(&messages::HINT_SPLIT_FILE),
        ));
    }
    let bytes = std::fs::read(path).map_err(|err| {
        Box::new(
            Diagnostic::error(file, messages::CANNOT_READ.with("reason", err.to_string()))
                .hint(&messages::HINT_CHECK_PERMISSIONS),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let valid = &err.as_bytes()[..offset];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Box::new(
            Diagnostic::error(file, &messages::NOT_UTF8)
                .at(line, column)
                .hint(&messages::HINT_SAVE_UTF8),
        )
    })?;
    split_front_matter(&text, file, content_path).map_err(Box::new)
}

/// Splits `---\nyaml\n---\nbody`. A leading byte-order mark is ignored.
#[expect(
    clippy::result_large_err,
    reason = "a Diagnostic is 128 bytes since it keeps its catalog texts; made once per problem"
)]
pub fn split_front_matter(
    text: &str,
    file: &str,
    content_path: String,
) -> Result<Document, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::error(file, &messages::EMPTY_FILE)
            .at(1, 1)
            .hint(&messages::HINT_EMPTY_FILE));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(file, &messages::NO_FRONT_MATTER)
            .at(1, 1)
            .hint(&messages::HINT_NO_FRONT_MATTER));
    }
    let mut offset = first.len();
    let front_start = offset;
    for (index, line) in lines.enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let front_matter = text[front_start..offset].to_string();
            let body = text[offset + line.len()..].to_string();
            return Ok(Document {
                file: file.to_string(),
                content_path,
                front_matter,
                front_matter_line: 2,
                body,
                body_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(file, &messages::UNCLOSED_FRONT_MATTER)
        .at(1, 1)
        .hint(&messages::HINT_CLOSE_FRONT_MATTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let doc = split_front_matter("---\ntitle: A\n---\nBody\n", "a.md", "a.md".into()).unwrap();
        assert_eq!(doc.front_matter, "title: A\n");
        assert_eq!(doc.body, "Body\n");
        assert_eq!(doc.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split_front_matter("---\ntitle: A\nBody\n", "a.md", "a.md".into()).unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn empty_and_missing_front_matter_are_errors() {
        assert!(split_front_matter("", "a.md", "a.md".into()).is_err());
        assert!(split_front_matter("# Titre\n", "a.md", "a.md".into()).is_err());
    }
}
