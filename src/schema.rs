//! JSON Schemas (draft 2020-12) made from the schema declared in `config.yaml`: one for the
//! front matter an author writes (`passerelle schema`, for editors and other tools), one for
//! the open data export `data/case-studies.json` (published beside it).
//!
//! The front-matter schema follows what `validate` accepts, so that a file the build accepts
//! validates: field names and vocabulary values are matched by the build ignoring case,
//! accents, dashes and spaces, so each is given both as the exact spellings (`enum`, named
//! properties: what an editor offers) and as a pattern accepting every spelling with the same
//! match key (see [`crate::text::match_key`]). What JSON Schema cannot say (a field written
//! twice under two of its names, an impossible day such as 2025-02-30) is left to the build.

use crate::config::{FieldSpec, FieldType, SiteConfig, Vocabulary};
use crate::text::match_key;
use serde_json::{Map, Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The front matter of a case study, as the build accepts it.
pub fn front_matter(site: &SiteConfig) -> Json {
    let config = &site.config;
    let mut defs = Map::new();
    let mut object = FrontMatter {
        site,
        defs: &mut defs,
    }
    .object(&config.fields, "");
    let mut schema = Map::new();
    schema.insert("$schema".into(), DRAFT.into());
    schema.insert(
        "title".into(),
        format!("{} — front matter of a case study", config.title).into(),
    );
    schema.insert(
        "description".into(),
        "Made by `passerelle schema` from config.yaml. Field names and vocabulary values are \
         also accepted with other case, accents, dashes and spaces (the patterns say which), \
         as the build accepts them; unknown fields are ignored by the build with a warning."
            .into(),
    );
    schema.append(&mut object);
    schema.insert("$defs".into(), Json::Object(defs));
    Json::Object(schema)
}

struct FrontMatter<'a> {
    site: &'a SiteConfig,
    /// One definition per field (and per vocabulary), shared by its name, its aliases and
    /// its pattern.
    defs: &'a mut Map<String, Json>,
}

impl FrontMatter<'_> {
    /// An object of `fields`; `prefix` names its definitions (`funding.` for sub-fields).
    fn object(
        &mut self,
        fields: &indexmap::IndexMap<String, FieldSpec>,
        prefix: &str,
    ) -> Map<String, Json> {
        let mut properties = Map::new();
        let mut patterns = Map::new();
        let mut all_of = Vec::new();
        for (name, spec) in fields {
            let def = format!("{prefix}{name}");
            let value = self.field(spec, &def, prefix.is_empty() && name == "lang");
            self.defs.insert(def.clone(), value);
            let reference = |description: String| {
                let mut property = Map::new();
                property.insert("$ref".into(), format!("#/$defs/{def}").into());
                if !description.is_empty() {
                    property.insert("description".into(), description.into());
                }
                Json::Object(property)
            };
            let mut canonical = reference(spec.help.clone());
            if !spec.aliases.is_empty() {
                // For tools that want the names of a field without reading the patterns.
                canonical["x-aliases"] = json!(spec.aliases);
            }
            properties.insert(name.clone(), canonical);
            for alias in &spec.aliases {
                let help = format!("Same as `{name}`. {}", spec.help);
                properties.insert(alias.clone(), reference(help.trim().to_string()));
            }
            let spellings: Vec<&str> = std::iter::once(name.as_str())
                .chain(spec.aliases.iter().map(String::as_str))
                .collect();
            let pattern = spellings_pattern(&spellings);
            patterns.insert(pattern.clone(), reference(String::new()));
            if spec.required {
                // "Some key has this field's match key": `required` lists exact names only.
                all_of.push(json!({
                    "$comment": format!("`{name}` is required, under any of its names"),
                    "not": {"propertyNames": {"not": {"pattern": pattern}}}
                }));
            }
            // Two names of one field in one file is an error of the build.
            let pairs: Vec<Json> = spellings
                .iter()
                .enumerate()
                .flat_map(|(i, a)| spellings[i + 1..].iter().map(move |b| json!([a, b])))
                .map(|pair| json!({"required": pair}))
                .collect();
            if !pairs.is_empty() {
                all_of.push(json!({
                    "$comment": format!("`{name}` is written once, under one of its names"),
                    "not": {"anyOf": pairs}
                }));
            }
        }
        let mut object = Map::new();
        object.insert("type".into(), "object".into());
        object.insert("properties".into(), Json::Object(properties));
        if !patterns.is_empty() {
            object.insert("patternProperties".into(), Json::Object(patterns));
        }
        if !all_of.is_empty() {
            object.insert("allOf".into(), Json::Array(all_of));
        }
        object
    }

    /// What the build accepts for a field: one value, or (for a list) a list of them.
    fn field(&mut self, spec: &FieldSpec, def: &str, is_lang: bool) -> Json {
        let single = self.single(spec, def, is_lang);
        let mut schema = if spec.list {
            // A single value is a one-item list; `~` an empty one.
            let mut array = json!({"type": "array", "items": single.clone()});
            if spec.required {
                array["minItems"] = 1.into();
            }
            json!({"anyOf": [single, array]})
        } else {
            single
        };
        if !spec.help.is_empty() {
            schema["description"] = spec.help.clone().into();
        }
        if let Some(example) = spec
            .example
            .as_ref()
            .and_then(|e| serde_json::to_value(e).ok())
        {
            schema["examples"] = json!([example]);
        }
        schema
    }

    /// One value: an empty one (`~`, or blank text for text fields) is accepted only where
    /// the field is optional.
    fn single(&mut self, spec: &FieldSpec, def: &str, is_lang: bool) -> Json {
        // The build reads numbers and booleans as their text where it wants text.
        const SCALAR: [&str; 3] = ["string", "number", "boolean"];
        let value = match spec.kind {
            FieldType::String if is_lang => {
                let languages: Vec<String> = crate::config::LANGUAGES
                    .iter()
                    .map(|lang| ascii_caseless(lang))
                    .collect();
                json!({
                    "type": "string",
                    "pattern": format!("^\\s*(?:{})\\s*$", languages.join("|")),
                    "examples": crate::config::LANGUAGES,
                })
            }
            FieldType::String if spec.required => json!({"anyOf": [
                {"type": "string", "pattern": "\\S"},
                {"type": ["number", "boolean"]},
            ]}),
            FieldType::String => json!({"type": SCALAR}),
            FieldType::Date => json!({"type": "string", "pattern": DATE_INPUT}),
            FieldType::Integer => {
                let (min, max) = spec.integer_bounds();
                json!({"type": "integer", "minimum": min, "maximum": max})
            }
            FieldType::Number => {
                let (min, max) = spec.number_bounds();
                json!({"type": "number", "minimum": min, "maximum": max})
            }
            FieldType::Bool => json!({"type": "boolean"}),
            FieldType::Email => json!({"type": "string", "pattern": EMAIL}),
            FieldType::Url => json!({"type": "string", "pattern": URL}),
            FieldType::Vocabulary => {
                let name = spec.vocabulary.as_deref().unwrap_or_default();
                match self.site.vocabulary(name) {
                    Some(vocabulary) => {
                        let def = format!("vocabulary.{name}");
                        if !self.defs.contains_key(&def) {
                            let terms = vocabulary_schema(vocabulary, &self.site.config.language);
                            self.defs.insert(def.clone(), terms);
                        }
                        let known = json!({"$ref": format!("#/$defs/{def}")});
                        if spec.open {
                            // Values outside the vocabulary are kept as written.
                            json!({"anyOf": [known, {"type": "string", "pattern": sluggable_pattern()}, {"type": ["number", "boolean"]}]})
                        } else {
                            known
                        }
                    }
                    None => json!({"type": SCALAR}),
                }
            }
            FieldType::Object => {
                let prefix = format!("{def}.");
                Json::Object(self.object(&spec.fields, &prefix))
            }
        };
        if spec.required {
            value
        } else {
            json!({"anyOf": [value, {"type": "null"}]})
        }
    }
}

/// `2024-03-01`, or a timestamp on that day (the build keeps the day), around spaces.
const DATE_INPUT: &str = "^\\s*[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])(?:(?:[Tt]|[ \\t]+)(?:[01][0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60)(?:\\.[0-9]+)?)?[ \\t]*(?:[Zz]|[+-](?:[0-9]{1,2}(?::[0-9]{2})?|[0-9]{4}))?)?\\s*$";
/// What `validate::is_email` accepts: something, `@`, a domain with a dot inside it.
const EMAIL: &str = "^\\s*[^@\\s]+@[^\\s.]\\S*\\.\\S*[^\\s.]\\s*$";
/// What `validate::is_url` accepts: an http(s) address with no space.
const URL: &str = "^\\s*(?:https://\\S|http://\\S\\S)\\S*\\s*$";
/// A canonical date, as the export writes it.
const DATE: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/// An id made by `slugify`.
const SLUG: &str = "^[a-z0-9]+(?:-[a-z0-9]+)*$";

/// The values a vocabulary accepts: its ids, codes, labels and aliases as written, or any
/// spelling with the same match key; a number whose digits are a code (`13` for Laval).
fn vocabulary_schema(vocabulary: &Vocabulary, lang: &str) -> Json {
    let mut spellings: Vec<&str> = Vec::new();
    let mut numbers: BTreeSet<u64> = BTreeSet::new();
    let mut documented = Vec::new();
    for term in &vocabulary.terms {
        let all = [&term.id, &term.fr, &term.en]
            .into_iter()
            .chain(term.code.iter())
            .chain(term.aliases.iter());
        for spelling in all {
            if !spellings.contains(&spelling.as_str()) {
                spellings.push(spelling);
            }
            let key = match_key(spelling);
            // A YAML number is read as its decimal text, which has no leading zero.
            if let Ok(n) = key.parse::<u64>()
                && n.to_string() == key
            {
                numbers.insert(n);
            }
        }
        let label = term.label(lang);
        documented.push(match &term.code {
            Some(code) => format!("{code} {label} (`{}`)", term.id),
            None => format!("{label} (`{}`)", term.id),
        });
    }
    let mut any_of = vec![
        json!({"enum": spellings}),
        json!({"type": "string", "pattern": spellings_pattern(&spellings)}),
    ];
    if !numbers.is_empty() {
        any_of.push(json!({"enum": numbers.into_iter().collect::<Vec<_>>()}));
    }
    json!({
        "anyOf": any_of,
        "x-terms": documented,
        "$comment": "Accepted: an id, a code, a French or English label or an alias, ignoring case, accents, dashes and spaces.",
    })
}

/// `fr` → `[Ff][Rr]`: the languages are compared ignoring ASCII case.
fn ascii_caseless(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else {
                escape(c)
            }
        })
        .collect()
}

/// A pattern matching the texts whose match key is that of one of `spellings`: each key
/// character by the class of every character that folds to it, with separators between.
///
/// A separator is any character outside the letters and digits of the Latin script and of
/// the classes used: every character `match_key` drops is one, so every spelling the build
/// accepts matches. (Exactly "a character whose key is empty" needs `\p{L}` repeated at
/// each position, which some validators cannot read and others refuse as too large; so a
/// letter of another script between two letters is let through here, and left to the build.)
pub fn spellings_pattern(spellings: &[&str]) -> String {
    let mut keys: Vec<Vec<char>> = spellings
        .iter()
        .map(|s| match_key(s).chars().collect())
        .collect();
    keys.sort();
    keys.dedup();
    let table = fold_table();
    let mut letters = table.latin.clone();
    for key in &keys {
        for (i, k) in key.iter().enumerate() {
            letters.extend(table.single.get(k).into_iter().flatten());
            for (_, chars) in multis_at(table, key, i) {
                letters.extend(chars);
            }
        }
    }
    let sep = format!("[^{}]", class_body(&letters));
    let alternatives: Vec<String> = keys
        .iter()
        .map(|key| key_pattern(table, &sep, key))
        .collect();
    format!("^{sep}*(?:{}){sep}*$", alternatives.join("|"))
}

/// The characters that fold to each character of a match key, and those that fold to
/// several (`œ` → `oe`): from every character there is, as `match_key` folds it.
struct FoldTable {
    single: BTreeMap<char, Vec<char>>,
    multi: BTreeMap<String, Vec<char>>,
    /// Letters and digits of the Latin script (with its accented and extended letters).
    latin: Vec<char>,
}

fn fold_table() -> &'static FoldTable {
    static TABLE: OnceLock<FoldTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut single: BTreeMap<char, Vec<char>> = BTreeMap::new();
        let mut multi: BTreeMap<String, Vec<char>> = BTreeMap::new();
        let mut latin = Vec::new();
        let (mut folded, mut key) = (String::new(), String::new());
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            folded.clear();
            crate::text::fold_char(c, &mut folded);
            key.clear();
            key.extend(folded.chars().filter(|c| c.is_alphanumeric()));
            let mut chars = key.chars();
            match (chars.next(), chars.next()) {
                (None, _) => continue,
                (Some(k), None) => single.entry(k).or_default().push(c),
                (Some(_), Some(_)) => multi.entry(key.clone()).or_default().push(c),
            }
            if matches!(u32::from(c), 0..=0x024F | 0x1E00..=0x1EFF) {
                latin.push(c);
            }
        }
        FoldTable {
            single,
            multi,
            latin,
        }
    })
}

/// Texts `slugify` makes an id of: holding a character that folds to an ASCII letter or
/// digit (an open vocabulary's new value needs one).
fn sluggable_pattern() -> String {
    let table = fold_table();
    let mut chars: Vec<char> = Vec::new();
    for (key, folding) in &table.single {
        if key.is_ascii_alphanumeric() {
            chars.extend(folding);
        }
    }
    for (key, folding) in &table.multi {
        if key.chars().any(|c| c.is_ascii_alphanumeric()) {
            chars.extend(folding);
        }
    }
    class(&chars)
}

/// A pattern for the texts whose match key is `key`: each key character by its class,
/// separators anywhere between, and the characters that fold to several key characters
/// (`œ`, `ß`) where those appear.
fn key_pattern(table: &FoldTable, sep: &str, key: &[char]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < key.len() {
        let starting_here = multis_at(table, key, i);
        if starting_here.is_empty() {
            out.push_str(&char_class(table, key[i]));
            i += 1;
        } else {
            let longest = starting_here.iter().map(|(len, _)| *len).max().unwrap_or(1);
            // Another multi-character fold starting inside this one: only a branch per
            // reading is exact (`sss` is `ßs` or `sß`).
            let overlaps = (i + 1..i + longest).any(|j| !multis_at(table, key, j).is_empty())
                || starting_here.iter().any(|(len, _)| *len != longest);
            if overlaps {
                let mut branches = vec![format!(
                    "{}{sep}*{}",
                    char_class(table, key[i]),
                    key_pattern(table, sep, &key[i + 1..])
                )];
                for (len, chars) in &starting_here {
                    branches.push(format!(
                        "{}{sep}*{}",
                        class(chars),
                        key_pattern(table, sep, &key[i + len..])
                    ));
                }
                out.push_str(&format!("(?:{})", branches.join("|")));
                return out;
            }
            let spelled: Vec<String> = key[i..i + longest]
                .iter()
                .map(|&k| char_class(table, k))
                .collect();
            let chars: Vec<char> = starting_here
                .iter()
                .flat_map(|(_, chars)| chars.iter().copied())
                .collect();
            out.push_str(&format!(
                "(?:{}|{})",
                spelled.join(&format!("{sep}*")),
                class(&chars)
            ));
            i += longest;
        }
        if i < key.len() {
            out.push_str(sep);
            out.push('*');
        }
    }
    out
}

/// The characters folding to several key characters that `key[i..]` starts with, by length.
fn multis_at<'t>(table: &'t FoldTable, key: &[char], i: usize) -> Vec<(usize, &'t Vec<char>)> {
    let rest: String = key[i..].iter().collect();
    table
        .multi
        .iter()
        .filter(|(folded, _)| rest.starts_with(folded.as_str()))
        .map(|(folded, chars)| (folded.chars().count(), chars))
        .collect()
}

fn char_class(table: &FoldTable, k: char) -> String {
    match table.single.get(&k) {
        Some(chars) => class(chars),
        None => escape(k),
    }
}

/// A character class of `chars`, as ranges.
fn class(chars: &[char]) -> String {
    format!("[{}]", class_body(chars))
}

fn class_body(chars: &[char]) -> String {
    ranges(chars)
        .iter()
        .map(|&(a, b)| match u32::from(b) - u32::from(a) {
            0 => escape(a),
            1 => format!("{}{}", escape(a), escape(b)),
            _ => format!("{}-{}", escape(a), escape(b)),
        })
        .collect()
}

fn ranges(chars: &[char]) -> Vec<(char, char)> {
    let mut sorted: Vec<char> = chars.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out: Vec<(char, char)> = Vec::new();
    for c in sorted {
        match out.last_mut() {
            Some((_, end)) if u32::from(*end) + 1 == u32::from(c) => *end = c,
            _ => out.push((c, c)),
        }
    }
    out
}

/// A character as written in a pattern: ASCII letters and digits as they are, others as
/// `\u{…}`-free escapes both Rust's and JavaScript's regular expressions read.
fn escape(c: char) -> String {
    if c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace() && !c.is_control()) {
        c.to_string()
    } else if c.is_ascii() && !c.is_ascii_control() {
        format!("\\{c}")
    } else {
        // Only BMP characters reach here in practice (controls, spaces); others go literal.
        match u16::try_from(u32::from(c)) {
            Ok(unit) => format!("\\u{unit:04X}"),
            Err(_) => c.to_string(),
        }
    }
}

/// `data/case-studies.json` as `export::to_json` writes it.
pub fn export(site: &SiteConfig) -> Json {
    let config = &site.config;
    let taxonomy_paths: BTreeSet<&str> = config
        .taxonomies
        .iter()
        .filter(|t| t.group.is_none())
        .map(|t| t.field.as_str())
        .collect();
    let mut properties = Map::new();
    properties.insert(
        "url".into(),
        json!({"type": "string", "description": "Address of the case study's page."}),
    );
    for (name, spec) in &config.fields {
        let value = match name.as_str() {
            // Read from the entry itself: always text (empty when not given).
            "title" | "summary" => json!({"type": "string"}),
            "date" => {
                json!({"anyOf": [{"type": "string", "pattern": DATE, "format": "date"}, {"type": "null"}]})
            }
            _ => export_field(site, spec, name, &taxonomy_paths, true),
        };
        properties.insert(name.clone(), with_help(value, &spec.help));
    }
    let required: Vec<&str> = std::iter::once("url")
        .chain(config.fields.keys().map(String::as_str))
        .collect();
    json!({
        "$schema": DRAFT,
        "title": format!("{} — open data", config.title),
        "description": "data/case-studies.json: every published case study with every field of the schema declared in config.yaml (null when not given). Made by Passerelle.",
        "type": "object",
        "required": ["title", "license", "count", "case_studies"],
        "additionalProperties": false,
        "properties": {
            "title": {"type": "string", "description": "The site's title."},
            "license": {"type": "string", "description": "Licence of the data.", "examples": [config.license]},
            "count": {"type": "integer", "minimum": 0, "description": "Number of case studies."},
            "case_studies": {"type": "array", "items": {"$ref": "#/$defs/case_study"}},
        },
        "$defs": {
            "case_study": {
                "type": "object",
                "required": required,
                "additionalProperties": false,
                "properties": properties,
            }
        }
    })
}

fn with_help(mut value: Json, help: &str) -> Json {
    if !help.is_empty()
        && let Some(object) = value.as_object_mut()
    {
        object.insert("description".into(), help.into());
    }
    value
}

/// A field in the export; `top_level`: every field of the schema is a key of each record
/// (null when not given), while an object holds only the sub-fields given.
fn export_field(
    site: &SiteConfig,
    spec: &FieldSpec,
    path: &str,
    taxonomies: &BTreeSet<&str>,
    top_level: bool,
) -> Json {
    let single = export_single(site, spec, path, taxonomies);
    // An optional value given empty is kept as null, in a list too.
    let item = if spec.required {
        single
    } else {
        json!({"anyOf": [single, {"type": "null"}]})
    };
    let value = if spec.list {
        let mut array = json!({"type": "array", "items": item});
        if spec.required {
            array["minItems"] = 1.into();
        }
        array
    } else {
        item
    };
    if top_level && (spec.list || !spec.required) {
        // Not given at all.
        json!({"anyOf": [value, {"type": "null"}]})
    } else {
        value
    }
}

fn export_single(
    site: &SiteConfig,
    spec: &FieldSpec,
    path: &str,
    taxonomies: &BTreeSet<&str>,
) -> Json {
    let term = json!({
        "type": "object",
        "required": ["id", "label"],
        "additionalProperties": false,
        "properties": {"id": {"type": "string", "pattern": SLUG}, "label": {"type": "string"}},
    });
    let linked = |plain: Json| {
        // A taxonomy's value becomes a term (id made from it), unless no id can be made.
        if taxonomies.contains(path) {
            json!({"anyOf": [term.clone(), plain]})
        } else {
            plain
        }
    };
    match spec.kind {
        FieldType::String | FieldType::Email | FieldType::Url => linked(json!({"type": "string"})),
        FieldType::Date => linked(json!({"type": "string", "pattern": DATE, "format": "date"})),
        FieldType::Integer => {
            let (min, max) = spec.integer_bounds();
            json!({"type": "integer", "minimum": min, "maximum": max})
        }
        FieldType::Number => {
            let (min, max) = spec.number_bounds();
            json!({"type": "number", "minimum": min, "maximum": max})
        }
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Vocabulary => {
            let name = spec.vocabulary.as_deref().unwrap_or_default();
            let Some(vocabulary) = site.vocabulary(name) else {
                return linked(json!({"type": "string"}));
            };
            let lang = site.config.language.as_str();
            let mut terms: Vec<Json> = vocabulary
                .terms
                .iter()
                .map(|t| {
                    let mut properties = json!({"id": {"const": t.id}, "label": {"const": t.label(lang)}});
                    let mut required = vec!["id", "label"];
                    if let Some(code) = &t.code {
                        properties["code"] = json!({"const": code});
                        required.push("code");
                    }
                    json!({"type": "object", "required": required, "additionalProperties": false, "properties": properties})
                })
                .collect();
            if spec.open {
                terms.push(term);
            }
            json!({"anyOf": terms})
        }
        FieldType::Object => {
            let properties: Map<String, Json> = spec
                .fields
                .iter()
                .map(|(sub, sub_spec)| {
                    let value =
                        export_field(site, sub_spec, &format!("{path}.{sub}"), taxonomies, false);
                    (sub.clone(), with_help(value, &sub_spec.help))
                })
                .collect();
            let required: Vec<&String> = spec
                .fields
                .iter()
                .filter(|(_, s)| s.required)
                .map(|(n, _)| n)
                .collect();
            json!({"type": "object", "required": required, "additionalProperties": false, "properties": properties})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        let schema = json!({"type": "string", "pattern": pattern});
        jsonschema::is_valid(&schema, &json!(text))
    }

    #[test]
    fn a_spelling_pattern_accepts_exactly_the_texts_with_the_same_match_key() {
        let spellings = [
            "Gaspésie–Îles-de-la-Madeleine",
            "11",
            "Bas-Saint-Laurent",
            "Cœur",
        ];
        let pattern = spellings_pattern(&spellings);
        let keys: Vec<String> = spellings.iter().map(|s| match_key(s)).collect();
        for text in [
            "Gaspésie–Îles-de-la-Madeleine",
            "gaspesie-iles-de-la-madeleine",
            "GASPÉSIE ÎLES DE LA MADELEINE",
            "Gaspe\u{301}sie Iles de la Madeleine",
            " gaspésie—îles—de—la—madeleine ",
            "11",
            "1-1",
            "Bas-Saint-Laurent",
            "BaßaintLaurent",
            "bas saint laurent",
            "coeur",
            "CŒUR",
            "cœ-ur",
            "Gaspésie",
            "111",
            "12",
            "Bas-Saint-Laurents",
            "coeurs",
            "",
            "cour",
            "Estrie",
        ] {
            let expected = keys.contains(&match_key(text));
            assert_eq!(matches(&pattern, text), expected, "{text}");
        }
        // Overlapping readings: `sss` is `ßs` as well as `sß`.
        let pattern = spellings_pattern(&["asssa"]);
        for text in ["asssa", "aßsa", "asßa", "a-s-s-s-a"] {
            assert!(matches(&pattern, text), "{text}");
        }
        assert!(!matches(&pattern, "aßßa"));
    }
}
