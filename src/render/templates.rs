//! Loading the theme's templates: their digests (a template and all it uses), and Tera's
//! errors as diagnostics.

use super::filters::register_filters;
use crate::diagnostic::Diagnostic;
use crate::messages;
use crate::model::StableHasher;
use crate::theme::Theme;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use tera::Tera;

/// Tera with the theme's templates and our filters, ready to render.
pub struct Templates {
    pub(crate) tera: Tera,
    /// Template name → digest of its source and of every template it extends, includes or
    /// imports.
    keys: HashMap<String, u64>,
}

impl Templates {
    /// The digest of a template and of the templates it uses (0 for an unknown name).
    pub(crate) fn key(&self, name: &str) -> u64 {
        self.keys.get(name).copied().unwrap_or(0)
    }
}

/// Loads the theme's templates. Syntax errors are reported with the template's path and line.
pub(crate) fn load_templates(theme: &Theme, problems: &mut Vec<Diagnostic>) -> Option<Templates> {
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
                    Diagnostic::error(file.display.clone(), &messages::TEMPLATE_NOT_UTF8)
                        .hint(&messages::HINT_TEMPLATE_UTF8),
                );
            }
        }
    }
    if let Err(err) = tera.add_raw_templates(sources) {
        problems.push(template_diagnostic(theme, &err));
        return None;
    }
    (!failed).then(|| Templates {
        tera,
        keys: template_keys(theme),
    })
}

/// For each template, a digest of its source and of the sources of all the templates it
/// reaches through `extends`, `include` and `import`. A tag whose template name is not a
/// plain string makes the template depend on every template.
fn template_keys(theme: &Theme) -> HashMap<String, u64> {
    let direct: HashMap<&str, Option<Vec<String>>> = theme
        .templates
        .iter()
        .map(|(name, file)| {
            (
                name.as_str(),
                template_dependencies(&String::from_utf8_lossy(&file.bytes)),
            )
        })
        .collect();
    let all: Vec<&str> = theme.templates.keys().map(String::as_str).collect();
    theme
        .templates
        .keys()
        .map(|name| {
            let mut reached: BTreeSet<&str> = BTreeSet::new();
            let mut pending = vec![name.as_str()];
            while let Some(next) = pending.pop() {
                if !reached.insert(next) {
                    continue;
                }
                match direct.get(next) {
                    Some(Some(deps)) => pending.extend(deps.iter().map(String::as_str)),
                    Some(None) => pending.extend(all.iter().copied()),
                    None => {}
                }
            }
            let mut hasher = StableHasher::default();
            for reached in reached {
                reached.hash(&mut hasher);
                if let Some(file) = theme.templates.get(reached) {
                    file.bytes.hash(&mut hasher);
                }
            }
            (name.clone(), hasher.finish())
        })
        .collect()
}

/// Names of the templates a template's `extends`, `include` and `import` tags name, or `None`
/// when one of them computes the name.
fn template_dependencies(source: &str) -> Option<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let end = after.find("%}").unwrap_or(after.len());
        let tag = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        rest = &after[end..];
        let Some((keyword, arguments)) = tag.split_once(char::is_whitespace) else {
            continue;
        };
        if !matches!(keyword, "extends" | "include" | "import") {
            continue;
        }
        let mut others = String::new();
        let mut chars = arguments.chars();
        while let Some(c) = chars.next() {
            if c == '"' || c == '\'' || c == '`' {
                found.push(chars.by_ref().take_while(|&d| d != c).collect());
            } else {
                others.push(c);
            }
        }
        let mut words =
            others.split(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == ',');
        while let Some(word) = words.next() {
            match word {
                "" | "ignore" | "missing" => {}
                "as" => {
                    words.next();
                }
                _ => return None,
            }
        }
    }
    Some(found)
}

/// Turns a Tera error into a diagnostic naming the template file and line.
pub(super) fn template_diagnostic(theme: &Theme, err: &tera::Error) -> Diagnostic {
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
            let file = theme.templates.get(report.filename()).map_or_else(
                || format!("templates/{}", report.filename()),
                |f| f.display.clone(),
            );
            (file, report.span().start_line, report.span().start_col + 1)
        }
        None => ("templates".to_string(), 0, 0),
    };
    Diagnostic::error(file, messages::TEMPLATE_ERROR.with("reason", message))
        .at(line, column)
        .field("template")
        .hint(&messages::HINT_TEMPLATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids the templates give their elements: `id="fiche"`, and for a computed id such as
    /// `id="{{ search_id | default(value='q') }}"` its default.
    fn ids_in_templates() -> BTreeSet<String> {
        let mut problems = Vec::new();
        let theme = crate::theme::load(
            std::path::Path::new("/nonexistent"),
            "default",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let mut ids = BTreeSet::new();
        for (name, file) in &theme.templates {
            let source = String::from_utf8_lossy(&file.bytes);
            let attributes = source
                .match_indices("id=\"")
                .filter(|(i, _)| source[..*i].ends_with(char::is_whitespace))
                .map(|(i, m)| source.split_at(i + m.len()));
            for (_, rest) in attributes {
                let value = rest.split('"').next().unwrap_or_default();
                if let Some(expression) = value.strip_prefix("{{") {
                    let default = expression
                        .split_once("default(value='")
                        .and_then(|(_, d)| d.split_once('\''))
                        .map(|(d, _)| d);
                    let default = default.unwrap_or_else(|| {
                        panic!("{name}: computed id without a default: {value}")
                    });
                    ids.insert(default.to_string());
                } else {
                    ids.insert(value.to_string());
                }
            }
        }
        ids
    }

    #[test]
    fn reserved_heading_ids_are_the_ids_of_the_templates() {
        let reserved: BTreeSet<String> = crate::markdown::TEMPLATE_IDS
            .iter()
            .map(|id| id.to_string())
            .collect();
        assert_eq!(
            reserved,
            ids_in_templates(),
            "markdown::TEMPLATE_IDS must list exactly the ids the templates use"
        );
    }
}
