//! Stage 2: parse each document's front matter and check it against the schema declared in
//! `config.yaml`, producing `Entry`s with canonical values and every problem located at
//! file:line:column.

use crate::config::{FieldSpec, FieldType, SiteConfig};
use crate::diagnostic::{Diagnostic, Message};
use crate::load::Document;
use crate::messages::{self, Msg};
use crate::text::{closest, match_key, slugify};
use crate::yaml::{Locator, Segment, path_label};
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

/// Validates one document. Returns `None` when it has errors (they are in `problems`).
pub fn validate(
    site: &SiteConfig,
    document: Document,
    problems: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let locator = Locator::new(&document.front_matter, document.front_matter_line);
    let file = document.file.as_str();
    let yaml: Yaml = match crate::yaml::parse(&document.front_matter, document.front_matter_line) {
        Ok(Yaml::Null) => Yaml::Mapping(Default::default()),
        Ok(value) => value,
        Err(err) => {
            let hint = err
                .hint
                .unwrap_or_else(|| messages::HINT_INVALID_YAML.msg());
            let message = match err.kind {
                // A repeated key is its own problem, not a syntax error.
                crate::yaml::YamlErrorKind::Duplicate => err.message,
                crate::yaml::YamlErrorKind::Syntax => {
                    messages::INVALID_YAML.with("reason", err.message)
                }
            };
            problems.push(
                Diagnostic::error(file, message)
                    .at(err.line, err.column)
                    .field(err.field)
                    .hint(hint),
            );
            return None;
        }
    };
    let Yaml::Mapping(mapping) = yaml else {
        problems.push(
            Diagnostic::error(file, &messages::NOT_A_MAPPING)
                .at(document.front_matter_line, 1)
                .hint(&messages::HINT_NOT_A_MAPPING),
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
    let lang = text("lang").unwrap_or_else(|| site.config.language.clone());
    // A page in another language of the site lives under its language's folder: `/en/…`.
    let url_path = site.entry_path(&lang, &url_path);
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
        lang,
        translation_key: text("translation_key"),
        weight: fields.get("weight").and_then(Json::as_i64).unwrap_or(0),
        fields,
        body: document.body,
        body_line: document.body_line,
    })
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
                min: None,
                max: None,
                json_ld: None,
            });
        let required = *name == "title";
        schema.insert(name.to_string(), FieldSpec { required, ..spec });
    }
    schema
}

struct Checker<'a> {
    site: &'a SiteConfig,
    file: &'a str,
    locator: &'a Locator<'a>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn report(
        &mut self,
        path: &[Segment],
        needle: Option<&str>,
        message: impl Into<Message>,
        hint: impl Into<Message>,
    ) {
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
                    &messages::FIELD_NAME_NOT_TEXT,
                    &messages::HINT_FIELD_NAME_NOT_TEXT,
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
                        messages::HINT_DID_YOU_MEAN.with("suggestion", target)
                    }
                    None => messages::HINT_KNOWN_FIELDS.with(
                        "names",
                        schema
                            .keys()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                };
                let mut key_path = path.to_vec();
                key_path.push(Segment::Key(&key_text));
                let (line, column) = self.locator.locate(&key_path, None);
                self.problems.push(
                    Diagnostic::warning(self.file, messages::UNKNOWN_FIELD.with("key", &key_text))
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
                    messages::REPEATS_FIELD
                        .with("key", &key_text)
                        .with("previous", previous),
                    messages::HINT_REPEATS_FIELD.with("name", name),
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
        if top_level {
            self.check_lang(&mut out, &written);
        }
        for (name, spec) in schema {
            if spec.required && !out.contains_key(name) && !written.contains_key(name.as_str()) {
                // On one line, as a hint is: a list as `[a, b]`.
                let hint = match spec.example.as_ref().map(crate::yaml::flow) {
                    Some(example) => messages::HINT_ADD_FIELD_EXAMPLE
                        .with("name", name)
                        .with("example", example.trim()),
                    None => messages::HINT_ADD_FIELD.with("name", name),
                };
                let (line, column) = if top_level {
                    (self.locator.first_line.saturating_sub(1).max(1), 1)
                } else {
                    self.locator.locate(path, None)
                };
                let mut field_path = path.to_vec();
                field_path.push(Segment::Key(name));
                self.problems.push(
                    Diagnostic::error(self.file, &messages::REQUIRED_MISSING)
                        .at(line, column)
                        .field(path_label(&field_path))
                        .hint(hint),
                );
            }
        }
        out
    }

    /// `lang` picks the interface strings and the vocabulary labels of a page: only the
    /// languages the site has both for are accepted, so that a typo is reported here, at
    /// the content file's line, rather than as a missing string in some template.
    fn check_lang(&mut self, out: &mut Map<String, Json>, written: &IndexMap<&str, String>) {
        let Some(Json::String(lang)) = out.get("lang") else {
            return;
        };
        let wanted = lang.to_ascii_lowercase();
        if crate::config::LANGUAGES.contains(&wanted.as_str()) {
            out.insert("lang".into(), Json::String(wanted));
            return;
        }
        let shown = lang.clone();
        let key = written.get("lang").map_or("lang", String::as_str);
        self.report(
            &[Segment::Key(key)],
            Some(&shown),
            messages::UNSUPPORTED_LANG.with("lang", &shown),
            messages::HINT_PAGE_LANGS.with("langs", crate::config::LANGUAGES.join(", ")),
        );
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
                    &messages::NEEDS_A_VALUE,
                    &messages::HINT_NEEDS_A_VALUE,
                );
                return None;
            }
            ok.then_some(Json::Array(out))
        } else {
            if let Yaml::Sequence(_) = value {
                self.report(
                    path,
                    None,
                    &messages::ONE_VALUE_NOT_LIST,
                    &messages::HINT_ONE_VALUE,
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
                self.report(path, None, &messages::IS_EMPTY, &messages::HINT_GIVE_VALUE);
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
                    self.report(path, None, &messages::IS_EMPTY, &messages::HINT_WRITE_TEXT);
                    None
                }
                None => self.mismatch(path, &messages::EXPECT_TEXT, found()),
            },
            FieldType::Date => {
                let Some(t) = text else {
                    return self.mismatch(path, &messages::EXPECT_DATE, found());
                };
                match parse_date(&t) {
                    Ok(date) => Some(Json::String(date.format("%Y-%m-%d").to_string())),
                    Err(BadDate { message, hint }) => {
                        self.report(path, Some(t.trim()), message, hint);
                        None
                    }
                }
            }
            FieldType::Integer => self.integer(spec, value, path),
            FieldType::Number => self.number(spec, value, path),
            FieldType::Bool => match value {
                Yaml::Bool(b) => Some(Json::Bool(*b)),
                _ => self.mismatch(path, &messages::EXPECT_BOOL, found()),
            },
            FieldType::Email => match text {
                Some(t) if is_email(t.trim()) => Some(Json::String(t.trim().to_string())),
                _ => {
                    self.report(
                        path,
                        None,
                        messages::EMAIL.with("found", found()),
                        &messages::HINT_EMAIL,
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
                        messages::URL.with("found", found()),
                        &messages::HINT_URL,
                    );
                    None
                }
            },
            FieldType::Vocabulary => {
                let Some(t) = text else {
                    return self.mismatch(path, &messages::EXPECT_VOCABULARY, found());
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
                        messages::EXPECTED_FIELDS
                            .with("names", keys.join(", "))
                            .with("found", found()),
                        messages::HINT_EXPECTED_FIELDS
                            .with("first", keys.first().copied().unwrap_or("name")),
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
                self.report(
                    path,
                    Some(text),
                    &messages::IS_EMPTY,
                    &messages::HINT_WRITE_NAME,
                );
                return None;
            }
            let mut object = Map::new();
            object.insert("id".into(), id.into());
            object.insert("label".into(), text.into());
            return Some(Json::Object(object));
        }
        let hint = match vocabulary.suggest(text, lang) {
            Some(suggestion) => messages::HINT_DID_YOU_MEAN.with("suggestion", suggestion),
            None => {
                let labels: Vec<String> = vocabulary
                    .terms
                    .iter()
                    .map(|t| match &t.code {
                        Some(code) => format!("{code} {}", t.label(lang)),
                        None => t.label(lang).to_string(),
                    })
                    .collect();
                messages::HINT_ACCEPTED_VALUES.with("values", labels.join(", "))
            }
        };
        self.report(
            path,
            Some(text),
            messages::UNKNOWN_VALUE.with("value", text),
            hint,
        );
        None
    }

    /// A whole number within the field's `min`/`max`, and within what prints and exports
    /// exactly (see [`crate::config::MAX_EXACT_INTEGER`]).
    fn integer(&mut self, spec: &FieldSpec, value: &Yaml, path: &[Segment]) -> Option<Json> {
        let expected = &messages::EXPECT_WHOLE;
        let Yaml::Number(n) = value else {
            return self.mismatch(path, expected, describe(value));
        };
        let (min, max) = spec.integer_bounds();
        match n.as_i64() {
            Some(i) if (min..=max).contains(&i) => Some(Json::from(i)),
            Some(_) => self.out_of_range(spec, path, n, min as f64, max as f64),
            // Beyond i64: the number is whole but far out of any range.
            None if n.as_u64().is_some() => {
                self.out_of_range(spec, path, n, min as f64, max as f64)
            }
            None => self.mismatch(path, expected, describe(value)),
        }
    }

    /// A finite number within the field's `min`/`max`. YAML's `.nan` and `.inf` are
    /// numbers to serde_yaml, and JSON cannot hold them: they used to vanish silently.
    fn number(&mut self, spec: &FieldSpec, value: &Yaml, path: &[Segment]) -> Option<Json> {
        let Yaml::Number(n) = value else {
            return self.mismatch(path, &messages::EXPECT_NUMBER, describe(value));
        };
        let Some(f) = n.as_f64().filter(|f| f.is_finite()) else {
            self.report(
                path,
                Some(&n.to_string()),
                messages::NOT_FINITE.with("found", n.to_string()),
                &messages::HINT_NOT_FINITE,
            );
            return None;
        };
        let (min, max) = spec.number_bounds();
        if !(min..=max).contains(&f) {
            return self.out_of_range(spec, path, n, min, max);
        }
        match n.as_i64() {
            Some(i) => Some(Json::from(i)),
            None => serde_json::Number::from_f64(f).map(Json::Number),
        }
    }

    fn out_of_range(
        &mut self,
        spec: &FieldSpec,
        path: &[Segment],
        found: &serde_yaml::Number,
        min: f64,
        max: f64,
    ) -> Option<Json> {
        let kind = if spec.kind == FieldType::Integer {
            &messages::KIND_WHOLE
        } else {
            &messages::KIND_NUMBER
        };
        let hint = match found.as_f64() {
            Some(f) if f < 0.0 && min >= 0.0 => messages::HINT_NEGATIVE.msg(),
            _ => match spec.example.as_ref().map(crate::yaml::flow) {
                Some(example) => messages::HINT_DIGITS_EXAMPLE.with("example", example.trim()),
                None => messages::HINT_DIGITS.msg(),
            },
        };
        self.report(
            path,
            Some(&found.to_string()),
            messages::OUT_OF_RANGE
                .with("kind", kind.msg())
                .with("min", messages::Arg::Number(min))
                .with("max", messages::Arg::Number(max))
                .with("found", found.to_string()),
            hint,
        );
        None
    }

    fn mismatch(
        &mut self,
        path: &[Segment],
        expected: &'static messages::Text,
        found: Msg,
    ) -> Option<Json> {
        self.report(
            path,
            None,
            messages::MISMATCH
                .with("expected", expected.msg())
                .with("found", found),
            &messages::HINT_CORRECT_VALUE,
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

/// How a value reads in a message.
fn describe(value: &Yaml) -> Msg {
    match value {
        Yaml::Null => messages::FOUND_NOTHING.msg(),
        Yaml::Bool(b) => messages::FOUND_CODE.with("value", b.to_string()),
        Yaml::Number(n) => messages::FOUND_NUMBER.with("value", n.to_string()),
        Yaml::String(s) => {
            messages::FOUND_TEXT.with("value", s.chars().take(60).collect::<String>())
        }
        Yaml::Sequence(_) => messages::FOUND_LIST.msg(),
        Yaml::Mapping(_) => messages::FOUND_FIELDS.msg(),
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

/// Why a text is not a date, with the corrected spelling when it is clear.
struct BadDate {
    message: Msg,
    hint: Msg,
}

/// Dates are written `YYYY-MM-DD`. YAML gives them to us as text (serde_yaml has no date
/// type), so the text is checked whole, char by char: `2024-01-01 lol` is refused, and
/// `2025-1-20` is refused with `2025-01-20` suggested. A timestamp (`2024-01-01T10:00:00`,
/// `2024-01-01 10:00 -05:00`, YAML's own timestamp forms) is accepted and keeps its day:
/// authors paste them from other tools, and a case study is dated by the day.
fn parse_date(written: &str) -> Result<NaiveDate, BadDate> {
    let text = written.trim();
    let shown = shorten(text);
    let date_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(text.len());
    let (date_part, rest) = text.split_at_checked(date_end).unwrap_or((text, ""));
    let found = |text: &'static messages::Text| text.with("found", &shown);
    match strict_ymd(date_part) {
        Some((year, month, day)) => match NaiveDate::from_ymd_opt(year, month, day) {
            Some(date) if rest.is_empty() || is_time(rest) => Ok(date),
            Some(date) => Err(BadDate {
                message: found(&messages::DATE),
                hint: messages::HINT_DATE_TRAILING
                    .with("rest", shorten(rest.trim()))
                    .with("date", date.format("%Y-%m-%d").to_string()),
            }),
            None => Err(match days_in_month(year, month) {
                None => BadDate {
                    message: found(&messages::DATE_NO_MONTH).with("month", format!("{month:02}")),
                    hint: messages::HINT_DATE_MONTH.msg(),
                },
                Some(days) if day > 0 => BadDate {
                    message: found(&messages::DATE_MONTH_DAYS)
                        .with("month", format!("{month:02}"))
                        .with("year", year)
                        .with("days", days),
                    hint: messages::HINT_DATE_LAST_DAY
                        .with("date", format!("{year}-{month:02}-{days:02}")),
                },
                Some(_) => BadDate {
                    message: found(&messages::DATE_NO_DAY_ZERO),
                    hint: messages::HINT_DATE_FIRST_DAY
                        .with("date", format!("{year}-{month:02}-01")),
                },
            }),
        },
        None => Err(BadDate {
            message: found(&messages::DATE),
            hint: match loose_date(text) {
                Some(date) => {
                    messages::HINT_DATE_CORRECTED.with("date", date.format("%Y-%m-%d").to_string())
                }
                None => messages::HINT_DATE_FORMAT.msg(),
            },
        }),
    }
}

/// `YYYY-MM-DD` exactly: four, two and two ASCII digits.
fn strict_ymd(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((
        fixed_digits(year, 4)? as i32,
        fixed_digits(month, 2)?,
        fixed_digits(day, 2)?,
    ))
}

/// The value of `text` when it is exactly `len` ASCII digits.
fn fixed_digits(text: &str, len: usize) -> Option<u32> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    u32::try_from((next - first).num_days()).ok()
}

/// The date an author clearly meant by `2025-1-20`, `2025/01/20`, `20250120` or
/// `20/01/2025` (day first when the day is above 12, as in Quebec; otherwise ambiguous).
fn loose_date(text: &str) -> Option<NaiveDate> {
    let numbers = |separator: char| -> Option<Vec<&str>> {
        let parts: Vec<&str> = text.split(separator).collect();
        (parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())))
        .then_some(parts)
    };
    let value = |part: &str| part.parse::<u32>().ok();
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        let (year, month_day) = text.split_at_checked(4)?;
        let (month, day) = month_day.split_at_checked(2)?;
        return NaiveDate::from_ymd_opt(value(year)? as i32, value(month)?, value(day)?);
    }
    let parts = ['-', '/', '.'].into_iter().find_map(numbers)?;
    let [a, b, c] = [parts[0], parts[1], parts[2]];
    let (year, month, day) = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        (value(a)?, value(b)?, value(c)?)
    } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        let (first, second) = (value(a)?, value(b)?);
        match (first > 12, second > 12) {
            (true, false) => (value(c)?, second, first),
            (false, true) => (value(c)?, first, second),
            _ if first == second => (value(c)?, first, second),
            _ => return None,
        }
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// The time after a date: `T10:00`, ` 10:00:00.5`, `T10:00:00Z`, ` 10:00 -05:00`.
fn is_time(rest: &str) -> bool {
    let time = match rest.strip_prefix(['T', 't']) {
        Some(time) => time,
        None if rest.starts_with([' ', '\t']) => rest.trim_start_matches([' ', '\t']),
        None => return false,
    };
    let Some((hour, time)) = two_digits(time) else {
        return false;
    };
    let Some((minute, mut time)) = time.strip_prefix(':').and_then(two_digits) else {
        return false;
    };
    if let Some(seconds) = time.strip_prefix(':') {
        let Some((second, after)) = two_digits(seconds) else {
            return false;
        };
        if second > 60 {
            return false;
        }
        time = after;
        if let Some(fraction) = time.strip_prefix('.') {
            time = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
            if time.len() == fraction.len() {
                return false;
            }
        }
    }
    if hour > 23 || minute > 59 {
        return false;
    }
    let zone = time.trim_start_matches([' ', '\t']);
    if zone.is_empty() || zone == "Z" || zone == "z" {
        return true;
    }
    let Some(offset) = zone.strip_prefix(['+', '-']) else {
        return false;
    };
    // `-5`, `-05`, `-05:00`, `-0500`.
    let hours_len = offset.bytes().take_while(u8::is_ascii_digit).count();
    match (hours_len, offset.split_once(':')) {
        (1 | 2, None) => offset.len() == hours_len,
        (4, None) => offset.len() == 4,
        (1 | 2, Some((hours, minutes))) => {
            hours.len() == hours_len && two_digits(minutes).is_some_and(|(_, rest)| rest.is_empty())
        }
        _ => false,
    }
}

/// Two leading ASCII digits and what follows them.
fn two_digits(text: &str) -> Option<(u32, &str)> {
    let mut bytes = text.bytes();
    let (a, b) = (bytes.next()?, bytes.next()?);
    if !(a.is_ascii_digit() && b.is_ascii_digit()) {
        return None;
    }
    Some((
        u32::from(a - b'0') * 10 + u32::from(b - b'0'),
        text.get(2..)?,
    ))
}

/// At most 60 characters of an author's text, for messages.
fn shorten(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Result<String, String> {
        parse_date(text)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .map_err(|e| format!("{} — {}", e.message, e.hint))
    }

    #[test]
    fn one_digit_month_or_day_is_an_error_with_the_corrected_date() {
        for (written, corrected) in [
            ("2025-1-20", "2025-01-20"),
            ("2025-01-2", "2025-01-02"),
            ("2025-1-2", "2025-01-02"),
            ("2025/01/20", "2025-01-20"),
            ("2025.1.20", "2025-01-20"),
            ("20250120", "2025-01-20"),
            ("20/01/2025", "2025-01-20"),
        ] {
            let err = date(written).unwrap_err();
            assert!(
                err.contains("expected a date as YYYY-MM-DD")
                    && err.contains(&format!("write {corrected}")),
                "{written}: {err}"
            );
        }
        // Day and month cannot be told apart: no guess.
        assert!(date("02/03/2025").unwrap_err().contains("e.g. 2022-03-15"));
        // Never a panic, whatever the bytes around the date.
        for odd in [
            "",
            "-",
            "2025-",
            "2025-é-1",
            "é",
            "２０２５-01-01",
            "2025-01-01\u{301}",
            "9999999-1-1",
        ] {
            assert!(date(odd).is_err(), "{odd}");
        }
    }

    #[test]
    fn dates_with_trailing_text_are_errors_but_timestamps_keep_their_day() {
        let err = date("2024-01-01 lol").unwrap_err();
        assert!(
            err.contains("remove `lol` after the date: write 2024-01-01"),
            "{err}"
        );
        for bad in [
            "2024-01-01x",
            "2024-01-01T",
            "2024-01-01T25:00",
            "2024-01-01 10:61",
            "2024-01-01T10:00 Europe/Paris",
            "2024-01-01T10:00:00+5:0",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
        // YAML's timestamp forms and RFC 3339: the day is kept, the time dropped (a case
        // study is dated by the day, and authors paste timestamps from other tools).
        for timestamp in [
            "2024-01-01T10:00",
            "2024-01-01T10:00:00",
            "2024-01-01t10:00:00.25Z",
            "2024-01-01 10:00:00 -5",
            "2024-01-01 10:00:00-05:00",
            "2024-01-01T23:59:60+0100",
            " 2024-01-01 ",
        ] {
            assert_eq!(date(timestamp).as_deref(), Ok("2024-01-01"), "{timestamp}");
        }
    }

    #[test]
    fn impossible_days_say_why() {
        assert!(
            date("2025-02-30")
                .unwrap_err()
                .contains("month 02 of 2025 has 28 days")
        );
        assert!(date("2024-02-30").unwrap_err().contains("has 29 days"));
        assert!(
            date("2024-13-01")
                .unwrap_err()
                .contains("there is no month 13")
        );
        assert!(
            date("2024-01-00")
                .unwrap_err()
                .contains("there is no day 00")
        );
    }
}
