//! `config.yaml`: site settings and the case-study schema.
//!
//! The schema (fields, types, aliases, vocabularies) is data, not code: the generator validates
//! any collection of best practices, and the example site declares Quebec's municipal one.

use crate::diagnostic::Diagnostic;
use crate::text::{closest, match_key};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub const CONFIG_FILE: &str = "config.yaml";

/// Site settings as written in `config.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Where the site is served from: `/`, `/pratiques/` or `https://example.org/pratiques/`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Language of the interface and of the content: `fr` or `en`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Licence of the open data exports.
    #[serde(default = "default_license")]
    pub license: String,
    /// Keep raw HTML in Markdown as written (otherwise it is sanitised).
    #[serde(default)]
    pub trust_html: bool,
    /// Case studies per page in lists.
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    /// Theme name under `themes/`; the default theme is built into the binary.
    #[serde(default = "default_theme")]
    pub theme: String,
    pub case_studies: CaseStudiesConfig,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    pub fields: IndexMap<String, FieldSpec>,
    #[serde(default)]
    pub vocabularies: BTreeMap<String, Vec<VocabularyTerm>>,
}

fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "fr".into()
}
fn default_license() -> String {
    "CC BY 4.0".into()
}
fn default_paginate() -> usize {
    20
}
fn default_theme() -> String {
    "default".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStudiesConfig {
    /// Folder under `content/` that holds the case studies.
    pub section: String,
    /// A table of contents is shown when a case study has at least this many headings.
    #[serde(default = "default_toc_min")]
    pub toc_min_headings: usize,
}

fn default_toc_min() -> usize {
    3
}

/// A taxonomy: a field whose values get an index page and one page per value.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Field path: `region`, or `funding.program` for a field of a list of objects.
    pub field: String,
    /// URL segment of the taxonomy: `/regions/estrie/`.
    pub slug: String,
    /// `year` groups a date field by year.
    #[serde(default)]
    pub group: Option<TaxonomyGroup>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyGroup {
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Date,
    Integer,
    Number,
    Bool,
    Email,
    Url,
    Vocabulary,
    Object,
}

/// One field of the schema.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    /// Accepts a list (a single value is accepted too and becomes a one-item list).
    #[serde(default)]
    pub list: bool,
    /// Other keys accepted for this field, e.g. French names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// For `vocabulary` fields: the vocabulary's name under `vocabularies`.
    #[serde(default)]
    pub vocabulary: Option<String>,
    /// For `vocabulary` fields: values outside the vocabulary are kept as written.
    #[serde(default)]
    pub open: bool,
    /// For `object` fields (or lists of objects): the sub-fields.
    #[serde(default)]
    pub fields: IndexMap<String, FieldSpec>,
    /// One-line help in the site's language, used in `passerelle new` templates.
    #[serde(default)]
    pub help: String,
    /// Example value used in `passerelle new` templates.
    #[serde(default)]
    pub example: Option<serde_yaml::Value>,
}

/// An entry of a controlled vocabulary.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VocabularyTerm {
    pub id: String,
    #[serde(default)]
    pub code: Option<String>,
    pub fr: String,
    pub en: String,
    /// Other accepted spellings (abbreviations such as `PAC`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl VocabularyTerm {
    pub fn label(&self, lang: &str) -> &str {
        if lang == "en" { &self.en } else { &self.fr }
    }
}

/// A vocabulary ready for lookups: every accepted spelling's match key → term index.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub terms: Vec<VocabularyTerm>,
    by_key: HashMap<String, usize>,
}

impl Vocabulary {
    pub fn new(terms: Vec<VocabularyTerm>) -> Self {
        let mut by_key = HashMap::new();
        for (index, term) in terms.iter().enumerate() {
            let spellings = [&term.id, &term.fr, &term.en]
                .into_iter()
                .chain(term.code.iter())
                .chain(term.aliases.iter());
            for spelling in spellings {
                by_key.entry(match_key(spelling)).or_insert(index);
            }
        }
        Vocabulary { terms, by_key }
    }

    /// Finds a term by id, code or label, ignoring case, accents and dashes.
    pub fn lookup(&self, value: &str) -> Option<&VocabularyTerm> {
        self.by_key.get(&match_key(value)).map(|&i| &self.terms[i])
    }

    /// The closest label, for "did you mean" hints.
    pub fn suggest(&self, value: &str, lang: &str) -> Option<&str> {
        closest(value, self.terms.iter().map(|t| t.label(lang)))
    }
}

/// Config plus the lookup structures derived from it.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub config: Config,
    pub vocabularies: HashMap<String, Vocabulary>,
}

impl SiteConfig {
    pub fn vocabulary(&self, name: &str) -> Option<&Vocabulary> {
        self.vocabularies.get(name)
    }

    /// The base URL's path, always starting and ending with `/` (`/pratiques/`).
    pub fn base_path(&self) -> String {
        let url = self.config.base_url.trim();
        let path = match url.find("://") {
            Some(scheme_end) => {
                let after = &url[scheme_end + 3..];
                after.find('/').map_or("/", |i| &after[i..])
            }
            None => url,
        };
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            "/".into()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// The absolute origin + base path when the base URL has a host, for feeds and sitemaps.
    pub fn absolute_base(&self) -> Option<String> {
        let url = self.config.base_url.trim();
        let scheme_end = url.find("://")?;
        let after = &url[scheme_end + 3..];
        let host_end = after.find('/').unwrap_or(after.len());
        Some(format!(
            "{}{}",
            &url[..scheme_end + 3 + host_end],
            self.base_path()
        ))
    }
}

/// Reads and checks `config.yaml`. All problems are returned, not only the first.
pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            return Err(vec![
                Diagnostic::error(CONFIG_FILE, format!("cannot read the site configuration: {err}"))
                    .hint("run `passerelle init DIR` to create a site, or pass --root with the folder that holds config.yaml"),
            ]);
        }
    };
    parse(&text)
}

/// Parses the text of a `config.yaml`.
pub fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
    let config: Config = serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err.location().map_or((0, 0), |l| (l.line(), l.column()));
        let message = crate::validate::yaml_message(&err);
        let hint = unknown_setting_hint(&message)
            .unwrap_or_else(|| "fix config.yaml; the README lists every setting".into());
        vec![
            Diagnostic::error(CONFIG_FILE, message)
                .at(line, column)
                .hint(hint),
        ]
    })?;
    let problems = check(&config);
    if !problems.is_empty() {
        return Err(problems);
    }
    let vocabularies = config
        .vocabularies
        .iter()
        .map(|(name, terms)| (name.clone(), Vocabulary::new(terms.clone())))
        .collect();
    Ok(SiteConfig {
        config,
        vocabularies,
    })
}

/// serde reports "unknown field `x`, expected one of `a`, `b`": suggest the closest.
fn unknown_setting_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let suggestion = closest(unknown, candidates.iter().copied())?;
    Some(format!("did you mean `{suggestion}`?"))
}

fn check(config: &Config) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut error = |field: String, message: String, hint: &str| {
        problems.push(
            Diagnostic::error(CONFIG_FILE, message)
                .field(field)
                .hint(hint.to_string()),
        );
    };
    if !matches!(config.language.as_str(), "fr" | "en") {
        error(
            "language".into(),
            format!("unsupported language `{}`", config.language),
            "use `fr` or `en`",
        );
    }
    if config.paginate == 0 {
        error(
            "paginate".into(),
            "must be at least 1".into(),
            "set paginate to the number of case studies per list page, e.g. 20",
        );
    }
    for name in ["title", "date", "summary"] {
        if !config.fields.contains_key(name) {
            error(
                format!("fields.{name}"),
                format!("the schema must declare `{name}`"),
                "every case study needs a title, a date and a summary",
            );
        }
    }
    check_fields(config, "fields", &config.fields, &mut error);
    for taxonomy in &config.taxonomies {
        let top = taxonomy.field.split('.').next().unwrap_or_default();
        if !config.fields.contains_key(top) {
            error(
                "taxonomies".into(),
                format!("taxonomy on unknown field `{}`", taxonomy.field),
                "name a field declared under `fields`",
            );
        }
        if crate::text::slugify(&taxonomy.slug) != taxonomy.slug {
            error(
                "taxonomies".into(),
                format!("taxonomy slug `{}` is not a URL slug", taxonomy.slug),
                "use lowercase ASCII letters, digits and hyphens",
            );
        }
    }
    problems
}

fn check_fields(
    config: &Config,
    prefix: &str,
    fields: &IndexMap<String, FieldSpec>,
    error: &mut impl FnMut(String, String, &str),
) {
    for (name, spec) in fields {
        let path = format!("{prefix}.{name}");
        if spec.kind == FieldType::Vocabulary {
            match &spec.vocabulary {
                Some(v) if config.vocabularies.contains_key(v) => {}
                Some(v) => error(
                    path.clone(),
                    format!("unknown vocabulary `{v}`"),
                    "declare it under `vocabularies`",
                ),
                None => error(
                    path.clone(),
                    "a vocabulary field needs `vocabulary: NAME`".into(),
                    "name one of the lists under `vocabularies`",
                ),
            }
        }
        if spec.kind == FieldType::Object {
            check_fields(config, &path, &spec.fields, error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal(base_url: &str) -> SiteConfig {
        let text = format!(
            "title: T\nbase_url: {base_url}\ncase_studies: {{section: cas}}\nfields:\n  title: {{type: string}}\n  date: {{type: date}}\n  summary: {{type: string}}\n"
        );
        parse(&text).expect("valid config")
    }

    #[test]
    fn base_path_from_any_base_url() {
        assert_eq!(minimal("/").base_path(), "/");
        assert_eq!(minimal("/pratiques").base_path(), "/pratiques/");
        assert_eq!(
            minimal("https://example.org/pratiques/").base_path(),
            "/pratiques/"
        );
        assert_eq!(minimal("https://example.org").base_path(), "/");
        assert_eq!(
            minimal("https://example.org/pratiques/")
                .absolute_base()
                .as_deref(),
            Some("https://example.org/pratiques/")
        );
    }

    #[test]
    fn unknown_setting_is_reported_with_location() {
        let err = parse("title: T\ntitel: x\n").unwrap_err();
        assert!(err[0].message.contains("titel"), "{:?}", err);
        assert_eq!(err[0].line, 2);
    }

    #[test]
    fn vocabulary_matches_code_label_and_dash_style() {
        let vocabulary = Vocabulary::new(vec![VocabularyTerm {
            id: "gaspesie-iles-de-la-madeleine".into(),
            code: Some("11".into()),
            fr: "Gaspésie–Îles-de-la-Madeleine".into(),
            en: "Gaspésie–Îles-de-la-Madeleine".into(),
            aliases: vec![],
        }]);
        for spelling in [
            "11",
            "Gaspesie-Iles-de-la-Madeleine",
            "gaspésie–îles-de-la-madeleine",
        ] {
            assert!(vocabulary.lookup(spelling).is_some(), "{spelling}");
        }
        assert!(vocabulary.lookup("Estrie").is_none());
    }
}
