//! `config.yaml`: site settings and the case-study schema.
//!
//! The schema (fields, types, aliases, vocabularies) is data, not code: the generator validates
//! any collection of best practices, and the example site declares Quebec's municipal one.

use crate::diagnostic::{Diagnostic, Message};
use crate::messages::{self, Msg};
use crate::text::{closest, match_key, slugify};
use crate::yaml::{Locator, Segment};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub const CONFIG_FILE: &str = "config.yaml";

/// Languages a site can be written in: vocabulary terms carry a label for each (`fr`,
/// `en`), and the built-in theme has interface strings for each (`themes/default/i18n/`; a
/// test keeps the two lists equal).
pub const LANGUAGES: &[&str] = &["fr", "en"];

/// Largest magnitude of an `integer` field, and default bound of a `number` field:
/// 2^53 − 1, the largest integer that a float (the templates' number filter, JavaScript
/// reading the JSON exports) holds exactly. `i64::MAX` used to print as …775 808.
pub const MAX_EXACT_INTEGER: i64 = (1 << 53) - 1;

/// Site settings as written in `config.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, in the header, each page's `<title>` and the feeds: one text, or
    /// one per language.
    pub title: Localized,
    #[serde(default)]
    pub description: Localized,
    /// Where the site is served from: `/`, `/pratiques/` or `https://example.org/pratiques/`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The default language of the interface and of the content: `fr` or `en`. Absent, the
    /// first of `languages` (else `fr`); `parse` fills it in.
    #[serde(default)]
    pub language: String,
    /// Every language the site is published in, the default one first (`[fr, en]`): the
    /// default language is served at the root, each other one under `/<lang>/`. Absent, the
    /// default language only; `parse` makes it that list, so it is never empty.
    #[serde(default)]
    pub languages: Vec<String>,
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
    /// Address that receives practices proposed with the `/proposer/` form: the form then
    /// offers to write to it with the file in the message. A role address (Law 25).
    #[serde(default)]
    pub contact: Option<String>,
    pub case_studies: CaseStudiesConfig,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    pub fields: IndexMap<String, FieldSpec>,
    #[serde(default)]
    pub vocabularies: BTreeMap<String, Vec<VocabularyTerm>>,
    /// How images referenced by case studies are published (see `crate::images`).
    #[serde(default)]
    pub images: ImagesConfig,
}

/// A text of config.yaml that may differ by language: one text for every language
/// (`title: Pratiques`) or one per language (`title: {fr: Pratiques, en: Practices}`).
/// After `parse`, a text per language holds the default language's first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Localized {
    Same(String),
    ByLang(IndexMap<String, String>),
    /// Written neither way (a list, a number, a list under a language): kept so that
    /// `check` reports it at its line, with the language's key when the problem is there,
    /// rather than serde's "did not match any variant" with no hint.
    Invalid {
        lang: Option<String>,
    },
}

impl Default for Localized {
    fn default() -> Self {
        Localized::Same(String::new())
    }
}

impl Localized {
    /// The text of the pages in `lang`: its own, else the default language's.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            Localized::ByLang(texts) => texts.get(lang).map_or(self.default_text(), String::as_str),
            _ => self.default_text(),
        }
    }

    /// The text in the site's default language (the data exports, which have one title).
    pub fn default_text(&self) -> &str {
        match self {
            Localized::Same(text) => text,
            Localized::ByLang(texts) => texts.first().map_or("", |(_, text)| text),
            Localized::Invalid { .. } => "",
        }
    }
}

/// The default language's text.
impl std::fmt::Display for Localized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.default_text())
    }
}

impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// What config.yaml may hold: anything, sorted out below.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            ByLang(IndexMap<String, Entry>),
            Other(serde::de::IgnoredAny),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Entry {
            Text(String),
            Other(serde::de::IgnoredAny),
        }
        Ok(match Written::deserialize(deserializer)? {
            Written::Text(text) => Localized::Same(text),
            Written::ByLang(entries) => {
                let mut texts = IndexMap::new();
                for (lang, entry) in entries {
                    match entry {
                        Entry::Text(text) => texts.insert(lang, text),
                        Entry::Other(_) => return Ok(Localized::Invalid { lang: Some(lang) }),
                    };
                }
                Localized::ByLang(texts)
            }
            Written::Other(_) => Localized::Invalid { lang: None },
        })
    }
}

/// `images:` in config.yaml: the responsive widths made of each photo, and what else.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths in pixels, each made only when the source is wider (never upscaled); a
    /// source narrower than the largest also gets its own width.
    pub widths: Vec<u32>,
    /// Also publish the original file as it is (off: photos straight from a phone weigh
    /// 5 MB and more, which readers on a phone would download through a plain link).
    pub keep_original: bool,
    /// An image file larger than this many megabytes gets a warning with its size.
    pub warn_size_mb: f64,
    /// Lossy quality of the WebP and JPEG files, 1 to 100.
    pub quality: u8,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            keep_original: false,
            warn_size_mb: 5.0,
            quality: 80,
        }
    }
}

/// Narrowest and widest image widths that `images.widths` may ask for.
pub const IMAGE_WIDTHS: std::ops::RangeInclusive<u32> = 16..=8192;

fn default_base_url() -> String {
    "/".into()
}
/// The site's language when config.yaml names none.
const DEFAULT_LANGUAGE: &str = "fr";
pub(crate) fn default_language() -> String {
    DEFAULT_LANGUAGE.into()
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
    /// For `integer` and `number` fields: the smallest value accepted.
    #[serde(default)]
    pub min: Option<f64>,
    /// For `integer` and `number` fields: the largest value accepted.
    #[serde(default)]
    pub max: Option<f64>,
    /// What the field stands for in the JSON-LD of a case study's page: one of the names of
    /// [`JSON_LD_ROLES`] (`city`, `funding`…; `funder` on a sub-field of a `funding` field).
    #[serde(default)]
    pub json_ld: Option<String>,
}

impl FieldSpec {
    /// The accepted range of an `integer` field: `min`/`max`, within ±[`MAX_EXACT_INTEGER`].
    pub fn integer_bounds(&self) -> (i64, i64) {
        // `as` saturates, and `check` refuses bounds beyond the exact range or fractional.
        let min = self.min.map_or(-MAX_EXACT_INTEGER, |m| m.ceil() as i64);
        let max = self.max.map_or(MAX_EXACT_INTEGER, |m| m.floor() as i64);
        (min.max(-MAX_EXACT_INTEGER), max.min(MAX_EXACT_INTEGER))
    }

    /// The accepted range of a `number` field: `min`/`max`, within ±[`MAX_EXACT_INTEGER`].
    pub fn number_bounds(&self) -> (f64, f64) {
        let limit = MAX_EXACT_INTEGER as f64;
        let min = self.min.unwrap_or(-limit).max(-limit);
        let max = self.max.unwrap_or(limit).min(limit);
        (min, max)
    }
}

impl FieldType {
    /// The name written in config.yaml.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Date => "date",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Bool => "bool",
            FieldType::Email => "email",
            FieldType::Url => "url",
            FieldType::Vocabulary => "vocabulary",
            FieldType::Object => "object",
        }
    }
}

/// What a field stands for in the schema.org JSON-LD of a case study's page, given by
/// `json_ld:` on the field: the schema says which field holds the city or the funding, so
/// a site that names its fields otherwise still gets them in its JSON-LD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonLdRole {
    /// Places covered, as `City`.
    City,
    /// Places covered, as `AdministrativeArea`.
    Area,
    /// Places covered, as an `AdministrativeArea` within Québec.
    Region,
    /// `audience`, as `Audience` types.
    Audience,
    /// `keywords`.
    Keywords,
    /// `member`, as `Organization`s.
    Member,
    /// `funding`, as one `Grant` per object.
    Funding,
    /// `startDate` and `endDate`, from the sub-fields with roles `start` and `end`.
    Period,
    /// In a funding object: the grant's `name`.
    GrantName,
    /// In a funding object: the `funder`, as an `Organization`.
    Funder,
    /// In a funding object: the `amount`, as a `MonetaryAmount`.
    Amount,
    /// In a funding object: the amount's currency (CAD when none is given).
    Currency,
    /// In a period object: `startDate`.
    Start,
    /// In a period object: `endDate`.
    End,
}

/// Where a JSON-LD role may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonLdScope {
    /// On a field of the case study.
    CaseStudy,
    /// On a sub-field of an object field with that role.
    Within(JsonLdRole),
}

/// Every JSON-LD role: its name in config.yaml and where it may be given.
pub const JSON_LD_ROLES: &[(&str, JsonLdRole, JsonLdScope)] = {
    use JsonLdRole::*;
    use JsonLdScope::*;
    &[
        ("city", City, CaseStudy),
        ("area", Area, CaseStudy),
        ("region", Region, CaseStudy),
        ("audience", Audience, CaseStudy),
        ("keywords", Keywords, CaseStudy),
        ("member", Member, CaseStudy),
        ("funding", Funding, CaseStudy),
        ("period", Period, CaseStudy),
        ("name", GrantName, Within(Funding)),
        ("funder", Funder, Within(Funding)),
        ("amount", Amount, Within(Funding)),
        ("currency", Currency, Within(Funding)),
        ("start", Start, Within(Period)),
        ("end", End, Within(Period)),
    ]
};

impl JsonLdRole {
    /// The role written `name` in config.yaml.
    pub fn named(name: &str) -> Option<Self> {
        JSON_LD_ROLES
            .iter()
            .find(|(written, _, _)| *written == name)
            .map(|&(_, role, _)| role)
    }

    fn name(self) -> &'static str {
        JSON_LD_ROLES
            .iter()
            .find(|(_, role, _)| *role == self)
            .map_or("", |(name, _, _)| name)
    }

    /// Whether several fields may have the role, their values joined (places, keywords…);
    /// the others stand for one value each.
    fn gathers(self) -> bool {
        use JsonLdRole::*;
        matches!(
            self,
            City | Area | Region | Audience | Keywords | Member | Funding
        )
    }

    /// `Err` with the kind of field the role needs when `spec` is not one.
    fn accepts(self, spec: &FieldSpec) -> Result<(), &'static messages::Text> {
        use JsonLdRole::*;
        let object = spec.kind == FieldType::Object;
        let fits = match self {
            Funding => object,
            Period => object && !spec.list,
            Amount => matches!(spec.kind, FieldType::Integer | FieldType::Number),
            Start | End => spec.kind == FieldType::Date,
            City | Area | Region | Audience | Keywords | Member | GrantName | Funder | Currency => {
                !object
            }
        };
        if fits {
            return Ok(());
        }
        Err(match self {
            Funding => &messages::JSON_LD_NEEDS_FUNDING,
            Period => &messages::JSON_LD_NEEDS_PERIOD,
            Amount => &messages::JSON_LD_NEEDS_AMOUNT,
            Start | End => &messages::JSON_LD_NEEDS_DATE,
            _ => &messages::JSON_LD_NEEDS_VALUES,
        })
    }
}

/// The fields that play each JSON-LD role, from the schema's `json_ld:` properties; each
/// list in the schema's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonLdFields {
    pub cities: Vec<String>,
    pub areas: Vec<String>,
    pub regions: Vec<String>,
    pub audience: Vec<String>,
    pub keywords: Vec<String>,
    pub members: Vec<String>,
    pub funding: Vec<GrantFields>,
    pub period: Option<PeriodFields>,
}

/// A field of grants and the sub-fields that play their parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantFields {
    pub field: String,
    pub name: Option<String>,
    pub funder: Option<String>,
    pub amount: Option<String>,
    pub currency: Option<String>,
}

/// The field of the project's period and its start and end sub-fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodFields {
    pub field: String,
    pub start: Option<String>,
    pub end: Option<String>,
}

impl JsonLdFields {
    /// The roles of a checked schema (`check_json_ld` refuses what would be left out here).
    fn of(fields: &IndexMap<String, FieldSpec>) -> Self {
        let role = |spec: &FieldSpec| spec.json_ld.as_deref().and_then(JsonLdRole::named);
        let mut found = JsonLdFields::default();
        for (name, spec) in fields {
            let Some(field_role) = role(spec) else {
                continue;
            };
            let sub = |wanted: JsonLdRole| {
                (spec.fields.iter())
                    .find(|(_, sub)| role(sub) == Some(wanted))
                    .map(|(name, _)| name.clone())
            };
            let name = name.clone();
            match field_role {
                JsonLdRole::City => found.cities.push(name),
                JsonLdRole::Area => found.areas.push(name),
                JsonLdRole::Region => found.regions.push(name),
                JsonLdRole::Audience => found.audience.push(name),
                JsonLdRole::Keywords => found.keywords.push(name),
                JsonLdRole::Member => found.members.push(name),
                JsonLdRole::Funding => found.funding.push(GrantFields {
                    field: name,
                    name: sub(JsonLdRole::GrantName),
                    funder: sub(JsonLdRole::Funder),
                    amount: sub(JsonLdRole::Amount),
                    currency: sub(JsonLdRole::Currency),
                }),
                JsonLdRole::Period => {
                    found.period.get_or_insert(PeriodFields {
                        field: name,
                        start: sub(JsonLdRole::Start),
                        end: sub(JsonLdRole::End),
                    });
                }
                // Roles of sub-fields, read above with their object.
                JsonLdRole::GrantName
                | JsonLdRole::Funder
                | JsonLdRole::Amount
                | JsonLdRole::Currency
                | JsonLdRole::Start
                | JsonLdRole::End => {}
            }
        }
        found
    }
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
    /// The fields that play each JSON-LD role.
    pub json_ld: JsonLdFields,
}

impl SiteConfig {
    pub fn vocabulary(&self, name: &str) -> Option<&Vocabulary> {
        self.vocabularies.get(name)
    }

    /// Whether the site is published in `lang` beside its default language.
    pub fn is_other_language(&self, lang: &str) -> bool {
        lang != self.config.language && self.config.languages.iter().any(|l| l == lang)
    }

    /// Where the pages in `lang` live, from the base path: `` for the default language (and
    /// for a language the site is not published in, whose pages stay where they were), else
    /// `en/`. Every page of one language has the same path under its language's folder.
    pub fn lang_path(&self, lang: &str) -> String {
        if self.is_other_language(lang) {
            format!("{lang}/")
        } else {
            String::new()
        }
    }

    /// The address of a content file's page, from the base path: its `url_path` under its
    /// language's folder, unless the file already sits in that folder (`content/en/…`).
    pub fn entry_path(&self, lang: &str, url_path: &str) -> String {
        let prefix = self.lang_path(lang);
        if url_path.starts_with(&prefix) {
            url_path.to_string()
        } else {
            format!("{prefix}{url_path}")
        }
    }

    /// The base URL's path, always starting and ending with `/` (`/pratiques/`).
    pub fn base_path(&self) -> String {
        let url = self.config.base_url.trim();
        let path = match url.split_once("://") {
            Some((_, after)) => after.split_once('/').map_or("", |(_, path)| path),
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
        let (scheme, after) = url.split_once("://")?;
        let host = after.split('/').next().unwrap_or_default();
        Some(format!("{scheme}://{host}{}", self.base_path()))
    }

    /// Replaces `base_url` (from the command line), checked like the one in config.yaml.
    #[expect(
        clippy::result_large_err,
        reason = "a Diagnostic is 128 bytes since it keeps its catalog texts; made once per problem"
    )]
    pub fn override_base_url(&mut self, base_url: &str) -> Result<(), Diagnostic> {
        if let Err(problem) = check_base_url(base_url) {
            return Err(Diagnostic::error("--base-url", problem)
                .field("base_url")
                .hint(&messages::HINT_BASE_URL));
        }
        self.config.base_url = base_url.to_string();
        Ok(())
    }
}

/// `text` without `prefix`, compared ignoring ASCII case (`HTTPS://` is an http address).
fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// What `base_url` may be: a path from the host's root (`/`, `/pratiques/`) or an http(s)
/// address (`https://example.org/pratiques/`). It is written into every link and into
/// `<base>`-like places of feeds, so anything else (`javascript:`, `//other.host/`, quotes)
/// is refused rather than escaped.
pub fn check_base_url(url: &str) -> Result<(), Msg> {
    let url = url.trim();
    // Escaped: the value is printed in a terminal, where a control character could act.
    let shown: String = url.chars().take(80).flat_map(char::escape_debug).collect();
    if let Some(bad) = url
        .chars()
        .find(|&c| c.is_whitespace() || c.is_control() || "\"'<>`\\{}|^?#".contains(c))
    {
        return Err(messages::BASE_URL_BAD_CHAR
            .with("url", &shown)
            .with("bad", bad.escape_default().to_string()));
    }
    let path = if let Some(path) = url.strip_prefix('/') {
        if path.starts_with('/') {
            return Err(messages::BASE_URL_OTHER_HOST.with("url", &shown));
        }
        path
    } else {
        let Some(after) = strip_prefix_ignore_case(url, "https://")
            .or_else(|| strip_prefix_ignore_case(url, "http://"))
        else {
            return Err(messages::BASE_URL_NOT_PATH.with("url", &shown));
        };
        let (host, path) = after.split_once('/').unwrap_or((after, ""));
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
        if !host_ok {
            return Err(messages::BASE_URL_NO_HOST.with("url", &shown));
        }
        path
    };
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Err(messages::BASE_URL_DOTS.with("url", &shown));
    }
    Ok(())
}

/// Reads and checks `config.yaml`. All problems are returned, not only the first.
pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            return Err(vec![
                Diagnostic::error(
                    CONFIG_FILE,
                    messages::CONFIG_UNREADABLE.with("reason", err.to_string()),
                )
                .hint(&messages::HINT_CONFIG_UNREADABLE),
            ]);
        }
    };
    parse(&text)
}

/// Parses the text of a `config.yaml`.
pub fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
    let config: Config = crate::yaml::parse(text, 1).map_err(|err| {
        let hint = err.hint.unwrap_or_else(|| {
            unknown_setting_hint(&err.message.to_string())
                .unwrap_or_else(|| messages::HINT_CONFIG_README.msg())
        });
        vec![
            // Whatever YAML says (a repeated key too), it is config.yaml's own problem.
            Diagnostic::error(
                CONFIG_FILE,
                unknown_setting(&err.message).unwrap_or(err.message),
            )
            .code(messages::Code::ConfigSyntax)
            .at(err.line, err.column)
            .field(err.field)
            .hint(hint),
        ]
    })?;
    let mut config = config;
    let problems = check(&config, &Locator::new(text, 1));
    if !problems.is_empty() {
        return Err(problems);
    }
    normalise_languages(&mut config);
    for text in [&mut config.title, &mut config.description] {
        if let Localized::ByLang(texts) = text
            && let Some(at) = texts.get_index_of(&config.language)
        {
            // `default_text` is the first: `check` made sure the default language has one.
            texts.move_index(at, 0);
        }
    }
    let vocabularies = config
        .vocabularies
        .iter()
        .map(|(name, terms)| (name.clone(), Vocabulary::new(terms.clone())))
        .collect();
    Ok(SiteConfig {
        json_ld: JsonLdFields::of(&config.fields),
        config,
        vocabularies,
    })
}

/// serde's "unknown field `x`, expected one of …", said as the catalog says it.
fn unknown_setting(message: &Msg) -> Option<Msg> {
    let text = message.to_string();
    let rest = text.strip_prefix("unknown field `")?;
    let (unknown, _) = rest.split_once('`')?;
    Some(messages::UNKNOWN_SETTING.with("key", unknown))
}

/// `language` and `languages` made whole once checked: the default language first in
/// `languages`, each language once, and `language` that default.
fn normalise_languages(config: &mut Config) {
    if config.language.is_empty() {
        config.language =
            (config.languages.first().cloned()).unwrap_or_else(|| DEFAULT_LANGUAGE.to_string());
    }
    let mut languages = vec![config.language.clone()];
    for lang in &config.languages {
        if !languages.contains(lang) {
            languages.push(lang.clone());
        }
    }
    config.languages = languages;
}

/// serde reports "unknown field `x`, expected one of `a`, `b`": suggest the closest.
fn unknown_setting_hint(message: &str) -> Option<Msg> {
    let rest = message.split_once("unknown field `")?.1;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let suggestion = closest(unknown, candidates.iter().copied())?;
    Some(messages::HINT_DID_YOU_MEAN.with("suggestion", suggestion))
}

/// Collects the problems of a parsed config, each at its line in config.yaml.
struct Checker<'a> {
    locator: &'a Locator<'a>,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(
        &mut self,
        path: &[Segment],
        needle: Option<&str>,
        message: impl Into<Message>,
        hint: impl Into<Message>,
    ) {
        let (line, column) = self.locator.locate(path, needle);
        self.problems.push(
            Diagnostic::error(CONFIG_FILE, message)
                .at(line, column)
                .field(crate::yaml::path_label(path))
                .hint(hint),
        );
    }

    /// A value that becomes a segment of the site's addresses and of its output paths:
    /// `../../x` would write outside the output folder, so only clean slugs pass.
    fn slug(&mut self, path: &[Segment], value: &str, what: &'static messages::Text) {
        if is_slug(value) {
            return;
        }
        let suggestion = slugify(value);
        let hint = if suggestion.is_empty() {
            messages::HINT_SLUG.msg()
        } else {
            messages::HINT_SLUG_EXAMPLE.with("suggestion", suggestion)
        };
        self.error(
            path,
            Some(value),
            messages::NOT_A_SLUG
                .with("what", what.msg())
                .with("value", value.chars().take(80).collect::<String>()),
            hint,
        );
    }
}

/// Lowercase ASCII letters and digits, words joined by single hyphens: what `slugify`
/// makes of file names, so every address of the site has one shape. `_` is refused for
/// the same reason (file names never produce it).
pub fn is_slug(value: &str) -> bool {
    !value.is_empty() && slugify(value) == value
}

/// Each of `languages` must be one the built-in theme has strings and the vocabularies
/// labels for, named once, and include `language` when both are given; and no address
/// segment of the site may be a language's, which `/<lang>/` takes.
fn check_languages(config: &Config, c: &mut Checker) {
    let mut seen: Vec<&str> = Vec::new();
    for (index, lang) in config.languages.iter().enumerate() {
        let path = [Segment::Key("languages"), Segment::Index(index)];
        if !LANGUAGES.contains(&lang.as_str()) {
            let shown: String = lang.chars().take(20).collect();
            c.error(
                &path,
                Some(lang),
                messages::CONFIG_LANGUAGE.with("lang", shown),
                messages::HINT_USE_ONE_OF.with("values", LANGUAGES.join(", ")),
            );
        } else if seen.contains(&lang.as_str()) {
            c.error(
                &path,
                Some(lang),
                messages::LANGUAGE_TWICE.with("lang", lang),
                &messages::HINT_LANGUAGE_ONCE,
            );
        }
        seen.push(lang);
    }
    let default = config.language.as_str();
    // An unsupported `language` is reported once, as such.
    let supported = LANGUAGES.contains(&default);
    if supported && !config.languages.is_empty() && !seen.contains(&default) {
        c.error(
            &[Segment::Key("languages")],
            None,
            messages::LANGUAGE_NOT_LISTED.with("lang", default),
            messages::HINT_LANGUAGE_FIRST.with("lang", default),
        );
    }
    let mut segments = vec![(
        vec![Segment::Key("case_studies"), Segment::Key("section")],
        config.case_studies.section.as_str(),
    )];
    for (index, taxonomy) in config.taxonomies.iter().enumerate() {
        segments.push((
            vec![
                Segment::Key("taxonomies"),
                Segment::Index(index),
                Segment::Key("slug"),
            ],
            taxonomy.slug.as_str(),
        ));
    }
    for (path, segment) in segments {
        if LANGUAGES.contains(&segment) {
            c.error(
                &path,
                Some(segment),
                messages::SEGMENT_IS_LANGUAGE.with("segment", segment),
                messages::HINT_SEGMENT_IS_LANGUAGE.with("segment", segment),
            );
        }
    }
}

/// A text given per language (`title: {fr: …, en: …}`) names only languages Passerelle
/// has, each a text, and the default language among them: a page in a language without its
/// own text shows the default language's. Read before `normalise_languages`, so the
/// default and the languages are worked out here as it does.
fn check_localized(config: &Config, c: &mut Checker, key: &'static str, text: &Localized) {
    let default = match (config.language.as_str(), config.languages.first()) {
        ("", Some(first)) => first.as_str(),
        ("", None) => DEFAULT_LANGUAGE,
        (language, _) => language,
    };
    let mut languages: Vec<&str> = vec![default];
    for lang in &config.languages {
        if !languages.contains(&lang.as_str()) {
            languages.push(lang);
        }
    }
    let listed = languages.join(", ");
    let hint = || {
        messages::HINT_LOCALIZED
            .with("key", key)
            .with("default", default)
            .with("languages", &listed)
    };
    // An unsupported language is reported once, as such (`check_languages`): the keys are
    // then compared with nothing sure.
    let languages_known = languages.iter().all(|lang| LANGUAGES.contains(lang));
    match text {
        Localized::Same(_) => {}
        Localized::ByLang(_) if !languages_known => {}
        Localized::Invalid { lang } => {
            let mut path = vec![Segment::Key(key)];
            path.extend(lang.as_deref().map(Segment::Key));
            c.error(&path, None, &messages::LOCALIZED_NOT_TEXT, hint());
        }
        Localized::ByLang(texts) => {
            // A language Passerelle has but the site does not publish is accepted: turning
            // `languages: [fr, en]` into `[fr]` for a while must not break the build, and
            // the text is there again when the language comes back.
            let supported = LANGUAGES.join(", ");
            for lang in texts.keys() {
                if !LANGUAGES.contains(&lang.as_str()) {
                    let shown: String = lang.chars().take(20).collect();
                    c.error(
                        &[Segment::Key(key), Segment::Key(lang)],
                        None,
                        messages::LOCALIZED_UNKNOWN_LANG
                            .with("lang", shown)
                            .with("languages", &supported),
                        messages::HINT_LOCALIZED_LANG.with("languages", &supported),
                    );
                }
            }
            if !texts.contains_key(default) {
                c.error(
                    &[Segment::Key(key)],
                    None,
                    messages::LOCALIZED_NO_DEFAULT.with("lang", default),
                    messages::HINT_LOCALIZED_DEFAULT
                        .with("lang", default)
                        .with("key", key),
                );
            }
        }
    }
}

fn check(config: &Config, locator: &Locator) -> Vec<Diagnostic> {
    let mut checker = Checker {
        locator,
        problems: Vec::new(),
    };
    let c = &mut checker;
    if !config.language.is_empty() && !LANGUAGES.contains(&config.language.as_str()) {
        c.error(
            &[Segment::Key("language")],
            Some(&config.language),
            messages::CONFIG_LANGUAGE.with("lang", &config.language),
            messages::HINT_USE_ONE_OF.with("values", LANGUAGES.join(", ")),
        );
    }
    check_languages(config, c);
    check_localized(config, c, "title", &config.title);
    check_localized(config, c, "description", &config.description);
    if let Err(problem) = check_base_url(&config.base_url) {
        c.error(
            &[Segment::Key("base_url")],
            Some(&config.base_url),
            problem,
            &messages::HINT_BASE_URL,
        );
    }
    check_images(c, &config.images);
    if config.paginate == 0 {
        c.error(
            &[Segment::Key("paginate")],
            None,
            &messages::PAGINATE_ZERO,
            &messages::HINT_PAGINATE,
        );
    }
    if let Some(contact) = &config.contact {
        let contact = contact.trim();
        let (local, domain) = contact.split_once('@').unwrap_or_default();
        let plain = !contact
            .chars()
            .any(|c| c.is_whitespace() || "<>\"'?&,;".contains(c));
        if local.is_empty() || !domain.contains('.') || domain.ends_with('.') || !plain {
            c.error(
                &[Segment::Key("contact")],
                Some(contact),
                messages::CONFIG_CONTACT
                    .with("found", contact.chars().take(80).collect::<String>()),
                &messages::HINT_CONFIG_CONTACT,
            );
        }
    }
    let theme = config.theme.as_str();
    if theme.is_empty() || theme.starts_with('.') || theme.contains(['/', '\\']) {
        c.error(
            &[Segment::Key("theme")],
            Some(theme),
            messages::THEME_NOT_FOLDER.with("theme", theme),
            &messages::HINT_THEME_NOT_FOLDER,
        );
    }
    let section = config.case_studies.section.as_str();
    c.slug(
        &[Segment::Key("case_studies"), Segment::Key("section")],
        section,
        &messages::WHAT_SECTION,
    );
    for name in ["title", "date", "summary"] {
        if !config.fields.contains_key(name) {
            c.error(
                &[Segment::Key("fields")],
                None,
                messages::SCHEMA_CORE_FIELD.with("name", name),
                &messages::HINT_SCHEMA_CORE_FIELD,
            );
        }
    }
    check_fields(config, c, &mut vec![Segment::Key("fields")], &config.fields);
    check_json_ld(
        c,
        &mut vec![Segment::Key("fields")],
        &config.fields,
        Some(JsonLdScope::CaseStudy),
    );
    let mut slugs: HashMap<&str, usize> = HashMap::new();
    for (index, taxonomy) in config.taxonomies.iter().enumerate() {
        let path = [Segment::Key("taxonomies"), Segment::Index(index)];
        let top = taxonomy.field.split('.').next().unwrap_or_default();
        if !config.fields.contains_key(top) {
            c.error(
                &path,
                Some(&taxonomy.field),
                messages::TAXONOMY_UNKNOWN_FIELD.with("field", &taxonomy.field),
                &messages::HINT_TAXONOMY_UNKNOWN_FIELD,
            );
        }
        let slug = taxonomy.slug.as_str();
        c.slug(&path, slug, &messages::WHAT_TAXONOMY_SLUG);
        if slug == section {
            c.error(
                &path,
                Some(slug),
                messages::TAXONOMY_IS_SECTION.with("slug", slug),
                &messages::HINT_TAXONOMY_IS_SECTION,
            );
        }
        if let Some(first) = slugs.insert(slug, index) {
            let (line, _) = c
                .locator
                .locate(&[Segment::Key("taxonomies"), Segment::Index(first)], None);
            c.error(
                &path,
                Some(slug),
                messages::TAXONOMY_TWICE
                    .with("slug", slug)
                    .with("line", line),
                &messages::HINT_TAXONOMY_TWICE,
            );
        }
    }
    for (name, terms) in &config.vocabularies {
        check_vocabulary(c, name, terms);
    }
    checker.problems
}

/// Term ids become addresses (`/regions/estrie/`), and every spelling of a term (id, code,
/// labels, aliases) is looked up by its folded key: two terms sharing an id, a code or a
/// folded spelling would make a value mean either, and the second used to lose silently.
fn check_vocabulary(c: &mut Checker, name: &str, terms: &[VocabularyTerm]) {
    // Folded key → (term index, what it is, spelling as written).
    let mut seen: HashMap<String, (usize, &str, &str)> = HashMap::new();
    for (index, term) in terms.iter().enumerate() {
        let path = [
            Segment::Key("vocabularies"),
            Segment::Key(name),
            Segment::Index(index),
        ];
        c.slug(&path, &term.id, &messages::WHAT_TERM_ID);
        let spellings = [("id", &term.id), ("fr", &term.fr), ("en", &term.en)]
            .into_iter()
            .chain(term.code.iter().map(|code| ("code", code)))
            .chain(term.aliases.iter().map(|alias| ("alias", alias)));
        for (kind, spelling) in spellings {
            let key = match_key(spelling);
            if key.is_empty() {
                continue;
            }
            match seen.get(&key) {
                Some(&(other, _, _)) if other == index => {}
                Some(&(other, other_kind, other_spelling)) => {
                    let other_path = [
                        Segment::Key("vocabularies"),
                        Segment::Key(name),
                        Segment::Index(other),
                    ];
                    let (line, _) = c.locator.locate(&other_path, Some(other_spelling));
                    let (message, hint) = if kind == other_kind && (kind == "id" || kind == "code")
                    {
                        (
                            messages::TERM_DUPLICATE
                                .with("kind", kind)
                                .with("spelling", spelling)
                                .with("name", name)
                                .with("line", line),
                            messages::HINT_TERM_DUPLICATE.with("kind", kind),
                        )
                    } else {
                        (
                            messages::TERM_SAME_AS
                                .with("kind", kind)
                                .with("spelling", spelling)
                                .with("term", &term.id)
                                .with("other_kind", other_kind)
                                .with("other_spelling", other_spelling)
                                .with("other_term", &terms[other].id)
                                .with("line", line)
                                .with("name", name),
                            messages::HINT_TERM_SAME_AS.msg(),
                        )
                    };
                    c.error(&path, Some(spelling), message, hint);
                    // One report per term is enough to find it.
                    break;
                }
                None => {
                    seen.insert(key, (index, kind, spelling));
                }
            }
        }
    }
}

fn check_fields<'a>(
    config: &'a Config,
    c: &mut Checker,
    path: &mut Vec<Segment<'a>>,
    fields: &'a IndexMap<String, FieldSpec>,
) {
    for (name, spec) in fields {
        path.push(Segment::Key(name));
        if spec.kind == FieldType::Vocabulary {
            match &spec.vocabulary {
                Some(v) if config.vocabularies.contains_key(v) => {}
                Some(v) => {
                    let names: Vec<&str> = config.vocabularies.keys().map(String::as_str).collect();
                    let hint = match closest(v, names.iter().copied()) {
                        Some(suggestion) => {
                            messages::HINT_DID_YOU_MEAN.with("suggestion", suggestion)
                        }
                        None if names.is_empty() => messages::HINT_DECLARE_VOCABULARY.msg(),
                        None => {
                            messages::HINT_DECLARE_VOCABULARY_OR.with("names", names.join(", "))
                        }
                    };
                    let mut at = path.clone();
                    at.push(Segment::Key("vocabulary"));
                    c.error(
                        &at,
                        Some(v),
                        messages::UNKNOWN_VOCABULARY.with("name", v),
                        hint,
                    );
                }
                None => c.error(
                    path,
                    None,
                    &messages::VOCABULARY_NOT_NAMED,
                    &messages::HINT_VOCABULARY_NOT_NAMED,
                ),
            }
        }
        check_bounds(c, path, spec);
        if spec.kind == FieldType::Object {
            path.push(Segment::Key("fields"));
            check_fields(config, c, path, &spec.fields);
            path.pop();
        }
        path.pop();
    }
}

/// `json_ld:` roles of `fields` (at `path`), which may hold the roles of `scope` (`None`:
/// no role): each role known, given where it belongs, on a field of a fitting type, and one
/// that stands for one value given to one field only.
fn check_json_ld<'a>(
    c: &mut Checker,
    path: &mut Vec<Segment<'a>>,
    fields: &'a IndexMap<String, FieldSpec>,
    scope: Option<JsonLdScope>,
) {
    // Role → the field that has it, for roles that stand for one value.
    let mut taken: HashMap<JsonLdRole, &str> = HashMap::new();
    for (name, spec) in fields {
        path.push(Segment::Key(name));
        let role = spec.json_ld.as_deref().and_then(|written| {
            let role = check_json_ld_role(c, path, spec, written, scope)?;
            if !role.gathers()
                && let Some(first) = taken.insert(role, name)
            {
                let mut first_path = path.clone();
                first_path.pop();
                first_path.extend([Segment::Key(first), Segment::Key("json_ld")]);
                let (line, _) = c.locator.locate(&first_path, Some(written));
                let mut at = path.clone();
                at.push(Segment::Key("json_ld"));
                c.error(
                    &at,
                    Some(written),
                    messages::JSON_LD_TWICE
                        .with("role", written)
                        .with("first", first)
                        .with("line", line),
                    &messages::HINT_JSON_LD_TWICE,
                );
            }
            Some(role)
        });
        // Sub-fields take the roles of their object's role; under an object without a role,
        // none. Under a role that was refused, they are not checked: the error is above.
        let inner = match (role, &spec.json_ld) {
            (Some(role @ (JsonLdRole::Funding | JsonLdRole::Period)), _) => {
                Some(Some(JsonLdScope::Within(role)))
            }
            (_, None) => Some(None),
            (_, Some(_)) => None,
        };
        if let Some(inner) = inner
            && spec.kind == FieldType::Object
        {
            path.push(Segment::Key("fields"));
            check_json_ld(c, path, &spec.fields, inner);
            path.pop();
        }
        path.pop();
    }
}

/// The role `written` on the field at `path`, or `None` after reporting why it cannot be.
fn check_json_ld_role(
    c: &mut Checker,
    path: &[Segment],
    spec: &FieldSpec,
    written: &str,
    scope: Option<JsonLdScope>,
) -> Option<JsonLdRole> {
    let mut at = path.to_vec();
    at.push(Segment::Key("json_ld"));
    let here: Vec<&str> = JSON_LD_ROLES
        .iter()
        .filter(|(_, _, role_scope)| Some(*role_scope) == scope)
        .map(|(name, _, _)| *name)
        .collect();
    let allowed = match scope {
        Some(JsonLdScope::CaseStudy) => {
            messages::JSON_LD_ALLOWED_HERE.with("roles", here.join(", "))
        }
        Some(JsonLdScope::Within(parent)) => messages::JSON_LD_ALLOWED_WITHIN
            .with("parent", parent.name())
            .with("roles", here.join(", ")),
        None => messages::JSON_LD_ALLOWED_NONE.msg(),
    };
    let Some(&(_, role, role_scope)) = JSON_LD_ROLES.iter().find(|(name, _, _)| *name == written)
    else {
        let shown: String = written
            .chars()
            .take(80)
            .flat_map(char::escape_debug)
            .collect();
        let hint = match closest(written, here.iter().copied()) {
            Some(suggestion) => messages::HINT_JSON_LD_DID_YOU_MEAN
                .with("suggestion", suggestion)
                .with("allowed", allowed),
            None => allowed,
        };
        c.error(
            &at,
            Some(written),
            messages::JSON_LD_UNKNOWN.with("role", shown),
            hint,
        );
        return None;
    };
    if Some(role_scope) != scope {
        let message = match role_scope {
            JsonLdScope::CaseStudy => messages::JSON_LD_NOT_SUB_FIELD.with("role", written),
            JsonLdScope::Within(parent) => messages::JSON_LD_SUB_FIELD_ONLY
                .with("role", written)
                .with("parent", parent.name()),
        };
        c.error(&at, Some(written), message, allowed);
        return None;
    }
    if let Err(needed) = role.accepts(spec) {
        let kind = if spec.list {
            messages::JSON_LD_LIST_OF.with("kind", spec.kind.name())
        } else {
            messages::JSON_LD_KIND.with("kind", spec.kind.name())
        };
        c.error(
            &at,
            Some(written),
            messages::JSON_LD_WRONG_TYPE
                .with("role", written)
                .with("needed", needed.msg())
                .with("kind", kind),
            &messages::HINT_JSON_LD_WRONG_TYPE,
        );
        return None;
    }
    Some(role)
}

/// `images:`: some widths, each in range, and a quality and size threshold that mean
/// something.
fn check_images(c: &mut Checker, images: &ImagesConfig) {
    let at = |key| [Segment::Key("images"), Segment::Key(key)];
    let (low, high) = (IMAGE_WIDTHS.start(), IMAGE_WIDTHS.end());
    if images.widths.is_empty() {
        c.error(
            &at("widths"),
            None,
            &messages::IMAGES_NO_WIDTH,
            &messages::HINT_IMAGES_WIDTHS,
        );
    }
    for width in &images.widths {
        if !IMAGE_WIDTHS.contains(width) {
            c.error(
                &at("widths"),
                Some(&width.to_string()),
                messages::IMAGES_WIDTH_RANGE
                    .with("width", width.to_string())
                    .with("low", low.to_string())
                    .with("high", high.to_string()),
                &messages::HINT_IMAGES_WIDTH_RANGE,
            );
        }
    }
    if !(1..=100).contains(&images.quality) {
        c.error(
            &at("quality"),
            None,
            messages::IMAGES_QUALITY.with("quality", images.quality.to_string()),
            &messages::HINT_IMAGES_QUALITY,
        );
    }
    if !(images.warn_size_mb.is_finite() && images.warn_size_mb > 0.0) {
        c.error(
            &at("warn_size_mb"),
            None,
            &messages::IMAGES_WARN_SIZE,
            &messages::HINT_IMAGES_WARN_SIZE,
        );
    }
}

/// `min` and `max` apply to numbers, are finite, in order, and for integers whole and
/// within the exact range.
fn check_bounds(c: &mut Checker, path: &[Segment], spec: &FieldSpec) {
    let numeric = matches!(spec.kind, FieldType::Integer | FieldType::Number);
    let limit = MAX_EXACT_INTEGER as f64;
    for (key, bound) in [("min", spec.min), ("max", spec.max)] {
        let Some(bound) = bound else { continue };
        let mut at = path.to_vec();
        at.push(Segment::Key(key));
        let problem = if !numeric {
            Some(messages::BOUND_NOT_NUMERIC.with("key", key))
        } else if !bound.is_finite() || bound.abs() > limit {
            Some(
                messages::BOUND_RANGE
                    .with("key", key)
                    .with("limit", MAX_EXACT_INTEGER.to_string()),
            )
        } else if spec.kind == FieldType::Integer && bound.fract() != 0.0 {
            Some(messages::BOUND_NOT_WHOLE.with("key", key))
        } else {
            None
        };
        if let Some(problem) = problem {
            c.error(&at, None, problem, &messages::HINT_CORRECT_OR_REMOVE);
        }
    }
    if let (Some(min), Some(max)) = (spec.min, spec.max)
        && min > max
    {
        let mut at = path.to_vec();
        at.push(Segment::Key("min"));
        c.error(
            &at,
            None,
            messages::BOUNDS_SWAPPED
                .with("min", min.to_string())
                .with("max", max.to_string()),
            &messages::HINT_SWAP,
        );
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

    fn config_with(extra: &str) -> String {
        format!(
            "title: T\ncase_studies: {{section: cas}}\nfields:\n  title: {{type: string}}\n  date: {{type: date}}\n  summary: {{type: string}}\n{extra}"
        )
    }

    /// A config whose `title` line is `title` (the rest as `config_with`'s).
    fn titled(title: &str, extra: &str) -> String {
        config_with(extra).replacen("title: T\n", title, 1)
    }

    #[test]
    fn title_and_description_by_language_fall_back_to_the_default_language() {
        let text = titled(
            "title: {en: Practices, fr: Pratiques}\n",
            "languages: [fr, en]\ndescription: Le même texte\n",
        );
        let site = parse(&text).unwrap();
        let config = &site.config;
        assert_eq!(config.title.get("fr"), "Pratiques");
        assert_eq!(config.title.get("en"), "Practices");
        // The default language's first, whatever the order written.
        assert_eq!(config.title.default_text(), "Pratiques");
        assert_eq!(config.title.to_string(), "Pratiques");
        assert_eq!(config.description.get("en"), "Le même texte");
        let only_french = titled("title: {fr: Pratiques}\n", "languages: [fr, en]\n");
        assert_eq!(
            parse(&only_french).unwrap().config.title.get("en"),
            "Pratiques"
        );
        // No description: empty in every language.
        assert_eq!(
            parse(&config_with(""))
                .unwrap()
                .config
                .description
                .get("en"),
            ""
        );
    }

    #[test]
    fn a_malformed_title_by_language_is_located_with_its_code() {
        let problems = |title: &str, extra: &str| -> Vec<(String, usize, usize, String)> {
            parse(&titled(title, extra))
                .unwrap_err()
                .into_iter()
                .map(|d| (d.field, d.line, d.column, d.message))
                .collect()
        };
        let list = problems("title: [Pratiques, Practices]\n", "");
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!((list[0].0.as_str(), list[0].1), ("title", 1));
        assert!(list[0].3.contains("one text per language"), "{list:?}");
        let number = problems("title: 2024\n", "");
        assert_eq!(number[0].0, "title", "{number:?}");
        let nested = problems("title:\n  fr: [a, b]\n", "");
        assert_eq!(
            (nested[0].0.as_str(), nested[0].1),
            ("title.fr", 2),
            "{nested:?}"
        );
        let unknown = problems("title:\n  fr: Pratiques\n  de: Praktiken\n", "");
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        assert_eq!(
            (unknown[0].0.as_str(), unknown[0].1, unknown[0].2),
            ("title.de", 3, 3)
        );
        assert!(unknown[0].3.contains("(fr, en)"), "{unknown:?}");
        // `en` is a language Passerelle has, though this site is not published in it (yet).
        assert!(parse(&titled("title:\n  fr: Pratiques\n  en: Practices\n", "")).is_ok());
        let no_default = problems("title: {en: Practices}\n", "languages: [fr, en]\n");
        assert_eq!(no_default.len(), 1, "{no_default:?}");
        assert!(no_default[0].3.contains("`fr`"), "{no_default:?}");
        let errors = parse(&titled("title: [a]\n", "")).unwrap_err();
        assert_eq!(errors[0].code, Some(messages::Code::ConfigLocalized));
    }

    #[test]
    fn languages_list_the_default_language_first_and_each_once() {
        let parsed = |extra: &str| {
            let site = parse(&config_with(extra)).unwrap_or_else(|e| panic!("{extra}: {e:?}"));
            (site.config.language.clone(), site.config.languages.clone())
        };
        let pair = |l: &str, ls: &[&str]| {
            (
                l.to_string(),
                ls.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(parsed(""), pair("fr", &["fr"]));
        assert_eq!(parsed("language: en\n"), pair("en", &["en"]));
        assert_eq!(parsed("languages: [en, fr]\n"), pair("en", &["en", "fr"]));
        assert_eq!(
            parsed("language: fr\nlanguages: [en, fr]\n"),
            pair("fr", &["fr", "en"])
        );
        let site = parse(&config_with("languages: [fr, en]\n")).unwrap();
        assert_eq!(site.lang_path("en"), "en/");
        assert_eq!(site.lang_path("fr"), "");
        assert_eq!(
            site.entry_path("en", "etudes-de-cas/a/"),
            "en/etudes-de-cas/a/"
        );
        assert_eq!(site.entry_path("en", "en/a-propos/"), "en/a-propos/");
        // A language the site is not published in stays where it was.
        let site = parse(&config_with("")).unwrap();
        assert_eq!(
            site.entry_path("en", "etudes-de-cas/a/"),
            "etudes-de-cas/a/"
        );
        let err = parse(&config_with("languages: [fr, fr]\n")).unwrap_err();
        assert!(err[0].message.contains("listed twice"), "{err:?}");
        assert_eq!(err[0].field, "languages[2]");
    }

    #[test]
    fn base_url_accepts_paths_and_http_addresses_only() {
        for good in [
            "/",
            "/pratiques/",
            "/pratiques",
            "/a/b-c/d_e/",
            "https://example.org",
            "https://example.org/pratiques/",
            "HTTP://localhost:8080/",
            "http://[::1]:3000/site/",
        ] {
            assert_eq!(check_base_url(good), Ok(()), "{good}");
        }
        for bad in [
            "javascript://%0aalert(1)//",
            "javascript:alert(1)",
            "//evil.example/",
            "data:text/html,x",
            "pratiques/",
            "",
            "https://",
            "https://user@evil.example/",
            "/a b/",
            "/\"><script>/",
            "/a/../b/",
            "https://example.org/?x=1",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        let err = parse(&format!("base_url: javascript://x\n{}", config_with(""))).unwrap_err();
        assert_eq!((err[0].line, err[0].column), (1, 11), "{err:?}");
        assert_eq!(err[0].field, "base_url");

        let mut site = minimal("/");
        assert!(site.override_base_url("javascript:alert(1)").is_err());
        assert_eq!(site.config.base_url, "/");
        site.override_base_url("https://example.org/p/").unwrap();
        assert_eq!(site.base_path(), "/p/");
    }

    #[test]
    fn path_segments_from_config_must_be_slugs() {
        let text = "title: T\ncase_studies:\n  section: ../../../x\nfields:\n  title: {type: string}\n  date: {type: date}\n  summary: {type: string}\n  region: {type: vocabulary, vocabulary: regions}\ntaxonomies:\n  - {field: region, slug: ../r}\nvocabularies:\n  regions:\n    - {id: ok-1, fr: A, en: A}\n    - {id: ../../../x, fr: B, en: B}\n    - {id: Bad_Id, fr: C, en: C}\n";
        let err = parse(text).unwrap_err();
        let at: Vec<(usize, usize, &str)> = err
            .iter()
            .map(|d| (d.line, d.column, d.field.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (3, 12, "case_studies.section"),
                (10, 27, "taxonomies[1]"),
                (14, 12, "vocabularies.regions[2]"),
                (15, 12, "vocabularies.regions[3]"),
            ],
            "{err:#?}"
        );
        assert!(is_slug("gaspesie-iles-de-la-madeleine") && is_slug("2024"));
        for bad in ["", "-a", "a-", "a--b", "a_b", "A", "a/b", "..", "é"] {
            assert!(!is_slug(bad), "{bad}");
        }
        // The example site's own ids, sections and slugs are all clean.
        parse(include_str!("../config.yaml")).expect("example config");
    }

    #[test]
    fn unknown_vocabulary_is_located_with_a_suggestion() {
        let err = parse(&config_with(
            "  region:\n    type: vocabulary\n    vocabulary: regiosn\nvocabularies:\n  regions: []\n",
        ))
        .unwrap_err();
        assert_eq!((err[0].line, err[0].column), (9, 17), "{err:?}");
        assert_eq!(err[0].field, "fields.region.vocabulary");
        assert_eq!(err[0].hint, "did you mean `regions`?");
    }

    #[test]
    fn duplicate_vocabulary_ids_codes_and_folded_labels_are_errors_with_both_lines() {
        let err = parse(&config_with(
            "vocabularies:\n  v:\n    - {id: a, code: \"01\", fr: Été, en: Summer}\n    - {id: a, fr: B, en: B}\n    - {id: c, code: \"01\", fr: C, en: C}\n    - {id: d, fr: ete, en: D}\n",
        ))
        .unwrap_err();
        let found: Vec<(usize, &str)> = err.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(found.len(), 3, "{err:#?}");
        assert_eq!(found[0].0, 10);
        assert!(found[0].1.contains("duplicate id `a`") && found[0].1.contains("line 9"));
        assert_eq!(found[1].0, 11);
        assert!(found[1].1.contains("duplicate code `01`") && found[1].1.contains("line 9"));
        assert_eq!(found[2].0, 12);
        assert!(found[2].1.contains("`ete`") && found[2].1.contains("`Été`"));
        // The same label in French and English within one term is normal.
        parse(&config_with(
            "vocabularies:\n  v:\n    - {id: a, fr: Laval, en: Laval}\n",
        ))
        .unwrap();
    }

    #[test]
    fn number_bounds_are_checked_in_the_schema() {
        let err = parse(&config_with(
            "  n: {type: number, min: 10, max: 1}\n  i: {type: integer, max: 1.5}\n  s: {type: string, min: 0}\n  h: {type: integer, max: 1e300}\n",
        ))
        .unwrap_err();
        let fields: Vec<&str> = err.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "fields.n.min",
                "fields.i.max",
                "fields.s.min",
                "fields.h.max"
            ],
            "{err:#?}"
        );
        assert!(err.iter().all(|d| d.line > 0));
    }

    #[test]
    fn json_ld_roles_are_read_from_the_schema() {
        let site = parse(&config_with(
            "  ville: {type: string, list: true, json_ld: city}\n  quartier: {type: string, json_ld: city}\n  aide:\n    type: object\n    json_ld: funding\n    fields:\n      qui: {type: string, json_ld: funder}\n      combien: {type: integer, json_ld: amount}\n  duree:\n    type: object\n    json_ld: period\n    fields:\n      de: {type: date, json_ld: start}\n  partners: {type: string, list: true}\n",
        ))
        .unwrap_or_else(|e| panic!("{e:#?}"));
        let roles = &site.json_ld;
        assert_eq!(roles.cities, ["ville", "quartier"]);
        assert!(roles.members.is_empty(), "no field has the role `member`");
        assert_eq!(
            roles.funding,
            [GrantFields {
                field: "aide".into(),
                name: None,
                funder: Some("qui".into()),
                amount: Some("combien".into()),
                currency: None,
            }]
        );
        assert_eq!(
            roles.period,
            Some(PeriodFields {
                field: "duree".into(),
                start: Some("de".into()),
                end: None,
            })
        );
        // The example site gives every role the JSON-LD had when it named the fields itself.
        let example = parse(include_str!("../config.yaml")).expect("example config");
        let roles = &example.json_ld;
        assert_eq!(
            (&roles.cities, &roles.areas, &roles.regions),
            (
                &vec!["municipality".to_string()],
                &vec!["mrc".to_string()],
                &vec!["region".to_string()]
            )
        );
        assert_eq!(
            (&roles.audience[..], &roles.keywords[..]),
            (
                &["target_groups".to_string()][..],
                &["themes".to_string()][..]
            )
        );
        assert_eq!(roles.members, ["partners"]);
        let funding = &roles.funding[0];
        assert_eq!(
            (
                funding.field.as_str(),
                funding.name.as_deref(),
                funding.funder.as_deref()
            ),
            ("funding", Some("program"), Some("funder"))
        );
        assert_eq!(
            (funding.amount.as_deref(), funding.currency.as_deref()),
            (Some("amount"), Some("currency"))
        );
        let period = roles.period.as_ref().expect("a period");
        assert_eq!(
            (
                period.field.as_str(),
                period.start.as_deref(),
                period.end.as_deref()
            ),
            ("period", Some("start"), Some("end"))
        );
    }

    #[test]
    fn json_ld_roles_out_of_place_of_the_wrong_type_or_given_twice_are_located() {
        let err = parse(&config_with(
            "  a: {type: string, json_ld: funder}\n  b:\n    type: object\n    json_ld: funding\n    fields:\n      c: {type: string, json_ld: city}\n      d: {type: string, json_ld: amount}\n  e:\n    type: object\n    fields:\n      f: {type: date, json_ld: start}\n  g: {type: object, list: true, json_ld: period}\n  h: {type: object, json_ld: period}\n  i: {type: object, json_ld: period}\n",
        ))
        .unwrap_err();
        let found: Vec<(usize, &str, &str)> = err
            .iter()
            .map(|d| (d.line, d.field.as_str(), d.message.as_str()))
            .collect();
        let expected: &[(usize, &str, &str)] = &[
            (
                7,
                "fields.a.json_ld",
                "is for a sub-field of a field whose role is `funding`",
            ),
            (
                12,
                "fields.b.fields.c.json_ld",
                "is for a case study's own fields",
            ),
            (
                13,
                "fields.b.fields.d.json_ld",
                "needs an `integer` or `number` field; this field is `string`",
            ),
            (
                17,
                "fields.e.fields.f.json_ld",
                "is for a sub-field of a field whose role is `period`",
            ),
            (
                18,
                "fields.g.json_ld",
                "needs an `object` field without `list: true`",
            ),
            (20, "fields.i.json_ld", "is also given to `h` (line 19)"),
        ];
        assert_eq!(found.len(), expected.len(), "{err:#?}");
        for ((line, field, message), (want_line, want_field, want)) in found.iter().zip(expected) {
            assert_eq!((line, field), (want_line, want_field), "{message}");
            assert!(message.contains(want), "{message} lacks {want}");
        }
        // Under an object without a role, no sub-field takes one.
        assert!(
            err[3]
                .hint
                .contains("only in a field whose role is `funding` or `period`")
        );
        assert!(err.iter().all(|d| d.column > 1), "{err:#?}");
    }

    #[test]
    fn languages_are_those_of_the_built_in_theme() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/i18n");
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .expect("i18n folder")
            .filter_map(|e| {
                let name = e.ok()?.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".yaml").map(str::to_string)
            })
            .collect();
        found.sort();
        let mut declared: Vec<&str> = LANGUAGES.to_vec();
        declared.sort();
        assert_eq!(found, declared);
    }

    #[test]
    fn config_nesting_and_duplicates_are_located() {
        let err = parse(&format!("{}paginate: 3\npaginate: 4\n", config_with(""))).unwrap_err();
        assert_eq!((err[0].line, err[0].column), (8, 1), "{err:?}");
        assert!(err[0].message.contains("first on line 7"), "{err:?}");
        let err = parse(&config_with("").replace("{section: cas}", "{section: a, section: b}"))
            .unwrap_err();
        assert_eq!((err[0].line, err[0].column), (2, 28), "{err:?}");
        assert_eq!(err[0].field, "case_studies.section");
        let err = parse(&format!("title: {}", "[".repeat(100_000))).unwrap_err();
        assert!(err[0].message.contains("nested more than"), "{err:?}");
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
