//! Stage 2: parse each document's front matter and check it against the schema declared in
//! `config.yaml`, producing `Entry`s with canonical values and every problem located at
//! file:line:column.

use crate::config::{FieldSpec, FieldType, SiteConfig};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Document;
use crate::text::{closest, match_key, slugify};
use chrono::NaiveDate;
use indexmap::IndexMap;
use serde_json::{Map, Value as Json};
use serde_yaml::Value as Yaml;

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    CaseStudy,
    Page,
}

/// A document whose front matter passed validation.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: EntryKind,
    pub file: String,
    pub content_path: String,
    /// Output path relative to the site root, without leading slash: `etudes-de-cas/a/`.
    pub url_path: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub summary: String,
    pub draft: bool,
    pub featured: bool,
    pub lang: String,
    pub translation_key: Option<String>,
    /// Order of content pages in the navigation (lower first).
    pub weight: i64,
    /// Every declared field present, in canonical form, keyed by canonical name.
    pub fields: Map<String, Json>,
    pub body: String,
    pub body_line: usize,
}

/// Fields any content page (not a case study) may carry.
const PAGE_FIELDS: &[&str] = &[
    "title",
    "summary",
    "date",
    "draft",
    "lang",
    "translation_key",
    "weight",
];

pub fn validate_all(
    site: &SiteConfig,
    documents: Vec<Document>,
    diagnostics: &mut Diagnostics,
) -> Vec<Entry> {
    use rayon::prelude::*;
    // Documents are consumed: each body moves into its entry instead of being copied.
    let results: Vec<(Option<Entry>, Vec<Diagnostic>)> = documents
        .into_par_iter()
        .map(|document| {
            let mut problems = Vec::new();
            let entry = validate(site, document, &mut problems);
            (entry, problems)
        })
        .collect();
    let mut entries = Vec::with_capacity(results.len());
    for (entry, problems) in results {
        diagnostics.extend(problems);
        entries.extend(entry);
    }
    entries
}

/// Validates one document. Returns `None` when it has errors (they are in `problems`).
pub fn validate(
    site: &SiteConfig,
    document: Document,
    problems: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let locator = Locator::new(&document.front_matter, document.front_matter_line);
    let file = document.file.as_str();
    let yaml: Yaml = match serde_yaml::from_str(&document.front_matter) {
        Ok(Yaml::Null) => Yaml::Mapping(Default::default()),
        Ok(value) => value,
        Err(err) => {
            let (line, column) = err.location().map_or((document.front_matter_line, 1), |l| {
                (document.front_matter_line + l.line() - 1, l.column())
            });
            let message = yaml_message(&err);
            let hint = if message.contains("repetition limit") {
                "the front matter repeats YAML aliases (`&name` / `*name`) too many times; write the values out instead"
            } else if message.contains("recursion limit") {
                "the front matter nests lists or fields too deeply; flatten it"
            } else {
                "check indentation, and quote values that contain `:` or start with `[`, `{`, `*`, `&`, `!`, `|`, `>` or `#`"
            };
            problems.push(
                Diagnostic::error(file, format!("invalid YAML in front matter: {message}"))
                    .at(line, column)
                    .hint(hint),
            );
            return None;
        }
    };
    let Yaml::Mapping(mapping) = yaml else {
        problems.push(
            Diagnostic::error(
                file,
                "the front matter must be a list of `field: value` lines",
            )
            .at(document.front_matter_line, 1)
            .hint("write one field per line, e.g. `title: Mon initiative`"),
        );
        return None;
    };

    let section_prefix = format!("{}/", site.config.case_studies.section);
    let kind = if document.content_path.starts_with(&section_prefix) {
        EntryKind::CaseStudy
    } else {
        EntryKind::Page
    };
    let before = problems.iter().filter(|p| p.is_error()).count();
    let page_fields;
    let schema = match kind {
        EntryKind::CaseStudy => &site.config.fields,
        EntryKind::Page => {
            page_fields = page_schema(site);
            &page_fields
        }
    };
    let mut checker = Checker {
        site,
        file,
        locator: &locator,
        problems,
    };
    let fields = checker.object(schema, &mapping, &[], true);
    let failed = problems.iter().filter(|p| p.is_error()).count() > before;
    if failed {
        return None;
    }

    let text = |name: &str| fields.get(name).and_then(Json::as_str).map(str::to_string);
    let flag = |name: &str| fields.get(name).and_then(Json::as_bool).unwrap_or(false);
    let date = text("date").and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
    let title = text("title").unwrap_or_default();
    let stem = document
        .content_path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".md");
    let mut slug = slugify(stem);
    if slug.is_empty() {
        slug = slugify(&title);
    }
    let parent = document
        .content_path
        .rsplit_once('/')
        .map(|(dir, _)| dir.split('/').map(slugify).collect::<Vec<_>>().join("/"));
    let url_path = match parent {
        Some(dir) if slug == "index" => format!("{dir}/"),
        Some(dir) => format!("{dir}/{slug}/"),
        None => format!("{slug}/"),
    };
    Some(Entry {
        kind,
        file: document.file,
        content_path: document.content_path,
        url_path,
        title,
        date,
        summary: text("summary").unwrap_or_default(),
        draft: flag("draft"),
        featured: flag("featured"),
        lang: text("lang").unwrap_or_else(|| site.config.language.clone()),
        translation_key: text("translation_key"),
        weight: fields.get("weight").and_then(Json::as_i64).unwrap_or(0),
        fields,
        body: document.body,
        body_line: document.body_line,
    })
}

pub(crate) fn yaml_message(err: &serde_yaml::Error) -> String {
    // The location is printed separately; drop serde_yaml's own " at line X column Y".
    let message = err.to_string();
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

/// The fixed schema of content pages, reusing the case-study definitions where they exist.
fn page_schema(site: &SiteConfig) -> IndexMap<String, FieldSpec> {
    let mut schema = IndexMap::new();
    for name in PAGE_FIELDS {
        let spec = site
            .config
            .fields
            .get(*name)
            .cloned()
            .unwrap_or_else(|| FieldSpec {
                kind: match *name {
                    "date" => FieldType::Date,
                    "draft" => FieldType::Bool,
                    "weight" => FieldType::Integer,
                    _ => FieldType::String,
                },
                required: false,
                list: false,
                aliases: Vec::new(),
                vocabulary: None,
                open: false,
                fields: IndexMap::new(),
                help: String::new(),
                example: None,
            });
        let required = *name == "title";
        schema.insert(name.to_string(), FieldSpec { required, ..spec });
    }
    schema
}

/// A path inside the front matter: `funding[1].amount`.
#[derive(Debug, Clone)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_label(path: &[Segment]) -> String {
    let mut label = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !label.is_empty() {
                    label.push('.');
                }
                label.push_str(key);
            }
            Segment::Index(i) => label.push_str(&format!("[{}]", i + 1)),
        }
    }
    label
}

struct Checker<'a> {
    site: &'a SiteConfig,
    file: &'a str,
    locator: &'a Locator<'a>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn report(&mut self, path: &[Segment], needle: Option<&str>, message: String, hint: String) {
        let (line, column) = self.locator.locate(path, needle);
        self.problems.push(
            Diagnostic::error(self.file, message)
                .at(line, column)
                .field(path_label(path))
                .hint(hint),
        );
    }

    fn object<'p>(
        &mut self,
        schema: &IndexMap<String, FieldSpec>,
        mapping: &serde_yaml::Mapping,
        path: &[Segment<'p>],
        top_level: bool,
    ) -> Map<String, Json> {
        let mut out = Map::new();
        // Written key (as the author typed it) for each canonical field, to locate problems.
        let mut written: IndexMap<&str, String> = IndexMap::new();
        for (key, value) in mapping {
            let Some(key_text) = yaml_scalar_text(key) else {
                self.report(
                    path,
                    None,
                    "a field name must be plain text".into(),
                    "write `name: value`".into(),
                );
                continue;
            };
            // Exact spellings first: folding every name for every key is the slow path.
            let canonical = schema
                .get_key_value(key_text.as_str())
                .or_else(|| {
                    schema
                        .iter()
                        .find(|(_, spec)| spec.aliases.contains(&key_text))
                })
                .or_else(|| {
                    let wanted = match_key(&key_text);
                    schema.iter().find(|(name, spec)| {
                        match_key(name) == wanted
                            || spec.aliases.iter().any(|a| match_key(a) == wanted)
                    })
                });
            let Some((name, spec)) = canonical else {
                let names = schema
                    .iter()
                    .flat_map(|(name, spec)| std::iter::once(name).chain(&spec.aliases))
                    .map(String::as_str);
                let suggestion = closest(&key_text, names);
                let hint = match suggestion {
                    Some(s) => {
                        let target = schema
                            .iter()
                            .find(|(n, spec)| *n == s || spec.aliases.iter().any(|a| a == s))
                            .map_or(s, |(n, _)| n.as_str());
                        format!("did you mean `{target}`?")
                    }
                    None => format!(
                        "known fields: {}",
                        schema
                            .keys()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let mut key_path = path.to_vec();
                key_path.push(Segment::Key(&key_text));
                let (line, column) = self.locator.locate(&key_path, None);
                self.problems.push(
                    Diagnostic::warning(
                        self.file,
                        format!("unknown field `{key_text}` is ignored"),
                    )
                    .at(line, column)
                    .field(key_text.clone())
                    .hint(hint),
                );
                continue;
            };
            if let Some(previous) = written.get(name.as_str()) {
                let mut key_path = path.to_vec();
                key_path.push(Segment::Key(&key_text));
                self.report(
                    &key_path,
                    None,
                    format!("`{key_text}` repeats the field `{previous}`"),
                    format!("keep only one of them (both mean `{name}`)"),
                );
                continue;
            }
            written.insert(name.as_str(), key_text.clone());
            let mut field_path = path.to_vec();
            field_path.push(Segment::Key(&key_text));
            if let Some(json) = self.field(spec, value, &field_path) {
                out.insert(name.clone(), json);
            }
        }
        for (name, spec) in schema {
            if spec.required && !out.contains_key(name) && !written.contains_key(name.as_str()) {
                let example = spec
                    .example
                    .as_ref()
                    .and_then(|e| serde_yaml::to_string(e).ok())
                    .map(|e| format!(", e.g. `{name}: {}`", e.trim()))
                    .unwrap_or_default();
                let (line, column) = if top_level {
                    (self.locator.first_line.saturating_sub(1).max(1), 1)
                } else {
                    self.locator.locate(path, None)
                };
                let mut field_path = path.to_vec();
                field_path.push(Segment::Key(name));
                self.problems.push(
                    Diagnostic::error(self.file, "required field is missing")
                        .at(line, column)
                        .field(path_label(&field_path))
                        .hint(format!("add `{name}:` to the front matter{example}")),
                );
            }
        }
        out
    }

    fn field(&mut self, spec: &FieldSpec, value: &Yaml, path: &[Segment]) -> Option<Json> {
        if spec.list {
            let is_sequence = matches!(value, Yaml::Sequence(_));
            let items: Vec<&Yaml> = match value {
                Yaml::Sequence(items) => items.iter().collect(),
                Yaml::Null => Vec::new(),
                single => vec![single],
            };
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for (index, item) in items.into_iter().enumerate() {
                let mut item_path = path.to_vec();
                if is_sequence {
                    item_path.push(Segment::Index(index));
                }
                match self.single(spec, item, &item_path) {
                    Some(json) => out.push(json),
                    None => ok = false,
                }
            }
            if spec.required && out.is_empty() && ok {
                self.report(
                    path,
                    None,
                    "needs at least one value".into(),
                    "write `[value, …]` or one value per line starting with `- `".into(),
                );
                return None;
            }
            ok.then_some(Json::Array(out))
        } else {
            if let Yaml::Sequence(_) = value {
                self.report(
                    path,
                    None,
                    "expected one value, found a list".into(),
                    "keep a single value for this field".into(),
                );
                return None;
            }
            self.single(spec, value, path)
        }
    }

    fn single(&mut self, spec: &FieldSpec, value: &Yaml, path: &[Segment]) -> Option<Json> {
        let value = match value {
            Yaml::Tagged(tagged) => &tagged.value,
            other => other,
        };
        if matches!(value, Yaml::Null) {
            if spec.required {
                self.report(
                    path,
                    None,
                    "is empty".into(),
                    "give it a value or remove the line".into(),
                );
            }
            return if spec.required {
                None
            } else {
                Some(Json::Null)
            };
        }
        let text = yaml_scalar_text(value);
        // How the value reads in a message; only errors need it.
        let found = || describe(value);
        match spec.kind {
            FieldType::String => match text {
                Some(t) if !t.trim().is_empty() => Some(Json::String(t.trim().to_string())),
                Some(_) if !spec.required => Some(Json::Null),
                Some(_) => {
                    self.report(path, None, "is empty".into(), "write some text".into());
                    None
                }
                None => self.mismatch(path, "text", &found()),
            },
            FieldType::Date => {
                let Some(t) = text else {
                    return self.mismatch(path, "a date", &found());
                };
                let date_part = t.trim().get(..10).unwrap_or(t.trim());
                match NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
                    Ok(date) if t.trim().len() == 10 || t.trim()[10..].starts_with(['T', ' ']) => {
                        Some(Json::String(date.format("%Y-%m-%d").to_string()))
                    }
                    _ => {
                        self.report(
                            path,
                            Some(&t),
                            format!("expected a date as YYYY-MM-DD, found `{t}`"),
                            "write the date as year-month-day, e.g. 2022-03-15".into(),
                        );
                        None
                    }
                }
            }
            FieldType::Integer => match value {
                Yaml::Number(n) if n.as_i64().is_some() => n.as_i64().map(Json::from),
                _ => self.mismatch(path, "a whole number (digits only, e.g. 15000)", &found()),
            },
            FieldType::Number => match value {
                Yaml::Number(n) => n.as_i64().map(Json::from).or_else(|| {
                    n.as_f64()
                        .and_then(serde_json::Number::from_f64)
                        .map(Json::Number)
                }),
                _ => self.mismatch(path, "a number (digits only, e.g. 643000)", &found()),
            },
            FieldType::Bool => match value {
                Yaml::Bool(b) => Some(Json::Bool(*b)),
                _ => self.mismatch(path, "`true` or `false`", &found()),
            },
            FieldType::Email => match text {
                Some(t) if is_email(t.trim()) => Some(Json::String(t.trim().to_string())),
                _ => {
                    let shown = found();
                    self.report(
                        path,
                        None,
                        format!("expected an email address, found {shown}"),
                        "use a role address such as immigration@ville.example (never a person's address: Law 25)".into(),
                    );
                    None
                }
            },
            FieldType::Url => match text {
                Some(t) if is_url(t.trim()) => Some(Json::String(t.trim().to_string())),
                _ => {
                    self.report(
                        path,
                        None,
                        format!("expected a web address, found {}", found()),
                        "write a full address starting with https://".into(),
                    );
                    None
                }
            },
            FieldType::Vocabulary => {
                let Some(t) = text else {
                    return self.mismatch(path, "a value from the list", &found());
                };
                self.vocabulary(spec, t.trim(), path)
            }
            FieldType::Object => match value {
                Yaml::Mapping(mapping) => {
                    let before = self.problems.iter().filter(|p| p.is_error()).count();
                    let object = self.object(&spec.fields, mapping, path, false);
                    let after = self.problems.iter().filter(|p| p.is_error()).count();
                    (after == before).then_some(Json::Object(object))
                }
                _ => {
                    let keys = spec.fields.keys().map(String::as_str).collect::<Vec<_>>();
                    self.report(
                        path,
                        None,
                        format!("expected fields ({}), found {}", keys.join(", "), found()),
                        format!(
                            "write them indented under the field, e.g. `{}: …`",
                            keys.first().copied().unwrap_or("name")
                        ),
                    );
                    None
                }
            },
        }
    }

    fn vocabulary(&mut self, spec: &FieldSpec, text: &str, path: &[Segment]) -> Option<Json> {
        let name = spec.vocabulary.as_deref().unwrap_or_default();
        let Some(vocabulary) = self.site.vocabulary(name) else {
            return Some(Json::String(text.to_string()));
        };
        let lang = self.site.config.language.as_str();
        if let Some(term) = vocabulary.lookup(text) {
            let mut object = Map::new();
            object.insert("id".into(), term.id.clone().into());
            object.insert("label".into(), term.label(lang).into());
            if let Some(code) = &term.code {
                object.insert("code".into(), code.clone().into());
            }
            return Some(Json::Object(object));
        }
        if spec.open {
            let id = slugify(text);
            if id.is_empty() {
                self.report(path, Some(text), "is empty".into(), "write a name".into());
                return None;
            }
            let mut object = Map::new();
            object.insert("id".into(), id.into());
            object.insert("label".into(), text.into());
            return Some(Json::Object(object));
        }
        let hint = match vocabulary.suggest(text, lang) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => {
                let labels: Vec<String> = vocabulary
                    .terms
                    .iter()
                    .map(|t| match &t.code {
                        Some(code) => format!("{code} {}", t.label(lang)),
                        None => t.label(lang).to_string(),
                    })
                    .collect();
                format!("accepted values: {}", labels.join(", "))
            }
        };
        self.report(path, Some(text), format!("unknown value `{text}`"), hint);
        None
    }

    fn mismatch(&mut self, path: &[Segment], expected: &str, found: &str) -> Option<Json> {
        self.report(
            path,
            None,
            format!("expected {expected}, found {found}"),
            "correct the value".into(),
        );
        None
    }
}

fn yaml_scalar_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Tagged(tagged) => yaml_scalar_text(&tagged.value),
        _ => None,
    }
}

fn describe(value: &Yaml) -> String {
    match value {
        Yaml::Null => "nothing".into(),
        Yaml::Bool(b) => format!("`{b}`"),
        Yaml::Number(n) => format!("the number `{n}`"),
        Yaml::String(s) => format!("`{}`", s.chars().take(60).collect::<String>()),
        Yaml::Sequence(_) => "a list".into(),
        Yaml::Mapping(_) => "nested fields".into(),
        Yaml::Tagged(tagged) => describe(&tagged.value),
    }
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
}

fn is_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && text.len() > "https://".len()
        && !text.chars().any(char::is_whitespace)
}

/// Finds where a field sits in the front matter text, since YAML values carry no positions.
/// Works on the indentation structure: a top-level key, the n-th `- ` item under it, a key
/// inside that item, and optionally the column of a given value text.
struct Locator<'a> {
    lines: Vec<&'a str>,
    first_line: usize,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        Locator {
            lines: text.lines().collect(),
            first_line,
        }
    }

    fn key_line(&self, key: &str, from: usize, to: usize, indent: Option<usize>) -> Option<usize> {
        (from..to).find(|&i| {
            let line = self.lines[i];
            let stripped = line.trim_start_matches([' ', '-']);
            let line_indent = line.len() - line.trim_start().len();
            if indent.is_some_and(|want| line_indent != want) {
                return false;
            }
            let unquoted = stripped.trim_start_matches(['"', '\'']);
            unquoted.starts_with(key)
                && unquoted[key.len()..]
                    .trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':')
        })
    }

    fn block_end(&self, start: usize, indent: usize) -> usize {
        (start + 1..self.lines.len())
            .find(|&i| {
                let line = self.lines[i];
                let trimmed = line.trim_start();
                let blank_or_comment = trimmed.is_empty() || trimmed.starts_with('#');
                let deeper = line.len() - trimmed.len() > indent;
                // A top-level key's block list may start at column 0 (`- item`).
                let top_level_item = indent == 0 && trimmed.starts_with("- ");
                !(blank_or_comment || deeper || top_level_item)
            })
            .unwrap_or(self.lines.len())
    }

    /// 1-based (line, column) in the file.
    fn locate(&self, path: &[Segment], needle: Option<&str>) -> (usize, usize) {
        let mut line = None;
        let mut from = 0;
        let mut to = self.lines.len();
        let mut indent = Some(0);
        for segment in path {
            match segment {
                Segment::Key(key) => {
                    let Some(found) = self.key_line(key, from, to, indent) else {
                        break;
                    };
                    let found_indent =
                        self.lines[found].len() - self.lines[found].trim_start().len();
                    line = Some(found);
                    to = self.block_end(found, found_indent);
                    from = found;
                    indent = None;
                }
                Segment::Index(index) => {
                    let items: Vec<usize> = (from + 1..to)
                        .filter(|&i| self.lines[i].trim_start().starts_with('-'))
                        .collect();
                    if let Some(&item) = items.get(*index) {
                        let next = items.get(index + 1).copied().unwrap_or(to);
                        line = Some(item);
                        from = item;
                        to = next;
                    }
                }
            }
        }
        let Some(line) = line else {
            return (self.first_line, 1);
        };
        if let Some(needle) = needle.filter(|n| !n.is_empty()) {
            for i in line..to.max(line + 1).min(self.lines.len()) {
                if let Some(byte) = self.lines[i].find(needle) {
                    let column = self.lines[i][..byte].chars().count() + 1;
                    return (self.first_line + i, column);
                }
            }
        }
        let text = self.lines[line];
        let column = text.len() - text.trim_start_matches([' ', '-']).len() + 1;
        (self.first_line + line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_finds_nested_items() {
        let text = "title: A\nfunding:\n  - program: PAC\n    amount: 5\n  - program: X\n    amount: beaucoup\nthemes: [a, zzz]\n";
        let locator = Locator::new(text, 2);
        assert_eq!(locator.locate(&[Segment::Key("title")], None), (2, 1));
        assert_eq!(
            locator.locate(
                &[
                    Segment::Key("funding"),
                    Segment::Index(1),
                    Segment::Key("amount")
                ],
                Some("beaucoup")
            ),
            (7, 13)
        );
        assert_eq!(
            locator.locate(&[Segment::Key("themes"), Segment::Index(1)], Some("zzz")),
            (8, 13)
        );
    }
}
