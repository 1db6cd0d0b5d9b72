//! Open data: the whole collection as JSON and as UTF-8 CSV, one row per case study, with
//! the JSON's schema (JSON Schema 2020-12) and the CSV's data dictionary (one row per
//! column: its type, description and allowed values, as Données Québec publishes them),
//! both made from the schema declared in config.yaml.
//!
//! Both are written straight from the model, without building a second copy of it: at
//! 10,000 case studies the copy would double the build's memory.

use crate::config::{Config, FieldSpec, FieldType};
use crate::model::{Field, Item, Site};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use std::borrow::Cow;

pub const JSON_PATH: &str = "data/case-studies.json";
pub const CSV_PATH: &str = "data/case-studies.csv";
pub const SCHEMA_PATH: &str = "data/case-studies.schema.json";
pub const DICTIONARY_PATH: &str = "data/dictionnaire.csv";

/// What makes one open data file from the site.
pub type MakeFile = fn(&Site) -> Vec<u8>;

/// Every file of the open data, in the order of `FILES`.
pub const PATHS: [&str; 4] = [JSON_PATH, CSV_PATH, SCHEMA_PATH, DICTIONARY_PATH];

/// The open data's files, each with what makes it: the collection as JSON and CSV, the JSON's
/// schema, the CSV's data dictionary. Made and handed on one at a time: at 100,000 case
/// studies the JSON and the CSV weigh 300 MB together.
pub const FILES: [(&str, MakeFile); 4] = [
    (JSON_PATH, to_json),
    (CSV_PATH, to_csv),
    (SCHEMA_PATH, schema),
    (DICTIONARY_PATH, dictionary),
];

/// `data/case-studies.schema.json`: the JSON Schema that `data/case-studies.json` follows.
pub fn schema(site: &Site) -> Vec<u8> {
    let mut bytes =
        serde_json::to_vec_pretty(&crate::schema::export(&site.config)).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `{title, license, count, case_studies: [...]}` with every schema field of every case study.
pub fn to_json(site: &Site) -> Vec<u8> {
    let document = Collection { site };
    serde_json::to_vec(&document).unwrap_or_default()
}

struct Collection<'a> {
    site: &'a Site,
}

impl Serialize for Collection<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let config = &self.site.config.config;
        let mut map = serializer.serialize_map(Some(4))?;
        // One collection for every language: its title in the default language.
        map.serialize_entry("title", config.title.default_text())?;
        map.serialize_entry("license", &config.license)?;
        map.serialize_entry("count", &self.site.case_studies.len())?;
        map.serialize_entry("case_studies", &Records { site: self.site })?;
        map.end()
    }
}

struct Records<'a> {
    site: &'a Site,
}

impl Serialize for Records<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.site.case_studies.len()))?;
        for item in &self.site.case_studies {
            seq.serialize_element(&Record {
                site: self.site,
                item,
            })?;
        }
        seq.end()
    }
}

struct Record<'a> {
    site: &'a Site,
    item: &'a Item,
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = &self.site.config.config.fields;
        let mut map = serializer.serialize_map(Some(fields.len() + 1))?;
        map.serialize_entry("url", &self.item.url)?;
        for name in fields.keys() {
            let value = field_value(self.item, name);
            map.serialize_entry(name, &WithoutTermUrls(&value))?;
        }
        map.end()
    }
}

/// Term values carry their page's URL for templates; the export keeps id, code and label.
struct WithoutTermUrls<'a>(&'a Field);

impl Serialize for WithoutTermUrls<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Field::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&WithoutTermUrls(item))?;
                }
                seq.end()
            }
            Field::Object(object) => {
                let is_term = object.contains_key("id");
                let mut map = serializer.serialize_map(None)?;
                for (key, value) in object.iter() {
                    if !(is_term && key == "url") {
                        map.serialize_entry(key, &WithoutTermUrls(value))?;
                    }
                }
                map.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// A field of a case study; title, summary and date live on the entry itself, the others
/// are borrowed from the model.
fn field_value<'a>(item: &'a Item, name: &str) -> Cow<'a, Field> {
    match name {
        "title" => Cow::Owned(item.entry.title.as_str().into()),
        "summary" => Cow::Owned(item.entry.summary.as_str().into()),
        "date" => Cow::Owned(match item.entry.date {
            Some(date) => date.to_string().as_str().into(),
            None => Field::Null,
        }),
        _ => item
            .fields
            .get(name)
            .map_or(Cow::Owned(Field::Null), Cow::Borrowed),
    }
}

/// One column per field (a sub-field of a list of objects gets its own column, such as
/// `funding.amount`); several values in a cell are separated by ` | `.
pub fn to_csv(site: &Site) -> Vec<u8> {
    let columns = columns(&site.config.config);
    // Every field quoted: a spreadsheet that splits on `;` (French locales) then still sees
    // one cell where a value holds a `;`, and so no cell that starts in the middle of a value.
    let mut writer = csv_writer();
    let header: Vec<String> = columns.iter().map(column_name).collect();
    // Writing into a Vec cannot fail; errors would only come from I/O.
    let _ = writer.write_record(&header);
    for item in &site.case_studies {
        let row = columns.iter().map(|(name, sub)| {
            let text = if name == "url" {
                item.url.clone()
            } else {
                cell(&field_value(item, name), sub.as_deref())
            };
            neutralise_formula(text)
        });
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

/// The CSV's columns: `url`, then one per field, or one per sub-field of an object field
/// (`funding.amount`). The data dictionary lists the same, in the same order.
fn columns(config: &Config) -> Vec<(String, Option<String>)> {
    let mut columns: Vec<(String, Option<String>)> = vec![("url".into(), None)];
    for (name, spec) in &config.fields {
        if spec.fields.is_empty() {
            columns.push((name.clone(), None));
        } else {
            for sub in spec.fields.keys() {
                columns.push((name.clone(), Some(sub.clone())));
            }
        }
    }
    columns
}

fn column_name((name, sub): &(String, Option<String>)) -> String {
    match sub {
        Some(sub) => format!("{name}.{sub}"),
        None => name.clone(),
    }
}

// Every field quoted: a spreadsheet that splits on `;` (French locales) then still sees
// one cell where a value holds a `;`, and so no cell that starts in the middle of a value.
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new())
}

/// The words of the data dictionary, in the site's language (French unless `en`).
struct DictionaryWords {
    header: [&'static str; 4],
    url: (&'static str, &'static str),
    text: &'static str,
    date: &'static str,
    integer: &'static str,
    number: &'static str,
    boolean: &'static str,
    email: &'static str,
    web: &'static str,
    vocabulary: &'static str,
    open: &'static str,
    pairs: &'static str,
    several: &'static str,
    required: &'static str,
    range: fn(&str, &str) -> String,
}

const FRENCH: DictionaryWords = DictionaryWords {
    header: ["colonne", "type", "description", "valeurs permises"],
    url: (
        "texte (adresse web)",
        "Adresse de la page de l’étude de cas sur le site.",
    ),
    text: "texte",
    date: "date (AAAA-MM-JJ)",
    integer: "nombre entier",
    number: "nombre",
    boolean: "booléen (true ou false)",
    email: "texte (adresse courriel)",
    web: "texte (adresse web)",
    vocabulary: "texte (valeur d’une liste contrôlée)",
    open: "texte (valeur d’une liste ouverte : d’autres valeurs sont possibles)",
    pairs: "texte (paires « nom: valeur » séparées par des virgules)",
    several: " ; plusieurs valeurs séparées par « | »",
    required: "Obligatoire.",
    range: |min, max| format!("de {min} à {max}"),
};

const ENGLISH: DictionaryWords = DictionaryWords {
    header: ["column", "type", "description", "allowed values"],
    url: (
        "text (web address)",
        "Address of the case study’s page on the site.",
    ),
    text: "text",
    date: "date (YYYY-MM-DD)",
    integer: "integer",
    number: "number",
    boolean: "boolean (true or false)",
    email: "text (email address)",
    web: "text (web address)",
    vocabulary: "text (value of a controlled vocabulary)",
    open: "text (value of an open vocabulary: other values are possible)",
    pairs: "text (`name: value` pairs separated by commas)",
    several: "; several values separated by ` | `",
    required: "Required.",
    range: |min, max| format!("from {min} to {max}"),
};

/// `data/dictionnaire.csv`: one row per column of `data/case-studies.csv`, in its order,
/// with the column's type, its description (the field's help) and its allowed values.
pub fn dictionary(site: &Site) -> Vec<u8> {
    let config = &site.config;
    let lang = config.config.language.as_str();
    let words = if lang == "en" { &ENGLISH } else { &FRENCH };
    let mut writer = csv_writer();
    let _ = writer.write_record(words.header);
    for column in columns(&config.config) {
        let (name, sub) = &column;
        let row = match config.config.fields.get(name) {
            None => [
                column_name(&column),
                words.url.0.to_string(),
                words.url.1.to_string(),
                String::new(),
            ],
            Some(parent) => {
                let spec = sub
                    .as_ref()
                    .and_then(|sub| parent.fields.get(sub))
                    .unwrap_or(parent);
                let mut kind = match spec.kind {
                    FieldType::String => words.text,
                    FieldType::Date => words.date,
                    FieldType::Integer => words.integer,
                    FieldType::Number => words.number,
                    FieldType::Bool => words.boolean,
                    FieldType::Email => words.email,
                    FieldType::Url => words.web,
                    FieldType::Vocabulary if spec.open => words.open,
                    FieldType::Vocabulary => words.vocabulary,
                    FieldType::Object => words.pairs,
                }
                .to_string();
                // A list, or a sub-field of a list of objects: one value per object.
                if parent.list || spec.list {
                    kind.push_str(words.several);
                }
                let help = if spec.help.is_empty() {
                    &parent.help
                } else {
                    &spec.help
                };
                // A required sub-field is required only where its object is given.
                let required = spec.required && (sub.is_none() || parent.required);
                let description = match (required, help.is_empty()) {
                    (true, true) => words.required.to_string(),
                    (true, false) => format!("{help} {}", words.required),
                    (false, _) => help.clone(),
                };
                [
                    column_name(&column),
                    kind,
                    description,
                    allowed_values(site, spec, words),
                ]
            }
        };
        let _ = writer.write_record(row.map(neutralise_formula));
    }
    writer.into_inner().unwrap_or_default()
}

/// What a cell of the column may hold: a vocabulary's labels as the CSV writes them, a
/// number's range, `true | false`.
fn allowed_values(site: &Site, spec: &FieldSpec, words: &DictionaryWords) -> String {
    let lang = site.config.config.language.as_str();
    match spec.kind {
        FieldType::Vocabulary => spec
            .vocabulary
            .as_deref()
            .and_then(|name| site.config.vocabulary(name))
            .map(|vocabulary| {
                vocabulary
                    .terms
                    .iter()
                    .map(|term| term.label(lang))
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .unwrap_or_default(),
        FieldType::Integer => {
            let (min, max) = spec.integer_bounds();
            (words.range)(
                &crate::format::number(min as f64, lang),
                &crate::format::number(max as f64, lang),
            )
        }
        FieldType::Number => {
            let (min, max) = spec.number_bounds();
            (words.range)(
                &crate::format::number(min, lang),
                &crate::format::number(max, lang),
            )
        }
        FieldType::Bool => "true | false".into(),
        _ => String::new(),
    }
}

/// A cell that a spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+…`, `-…`,
/// or one of those after a tab or carriage return) gets a leading `'`, which spreadsheets
/// take as "this is text", as OWASP advises for CSV injection. Numbers stay as they are
/// (a longitude of -71.2 is no formula). The JSON export keeps the values unchanged.
fn neutralise_formula(text: String) -> String {
    let starts_formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if starts_formula && !is_plain_number(&text) {
        format!("'{text}")
    } else {
        text
    }
}

/// `-71.2`, `+3`, `1e6`: a decimal number with an optional sign and exponent.
fn is_plain_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction) && exponent.is_none_or(digits)
}

fn cell(value: &Field, sub: Option<&str>) -> String {
    let parts: Vec<String> = match value {
        Field::List(items) => items
            .iter()
            .map(|v| cell(v, sub))
            .filter(|s| !s.is_empty())
            .collect(),
        Field::Null => Vec::new(),
        Field::Object(object) => match sub {
            Some(sub) => object.get(sub).map(|v| cell(v, None)).into_iter().collect(),
            None => match value.label() {
                Some(label) => vec![label],
                None => vec![
                    object
                        .iter()
                        .map(|(k, v)| format!("{k}: {}", cell(v, None)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ],
            },
        },
        other => other.label().into_iter().collect(),
    };
    parts.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paths_name_the_files_in_their_order() {
        assert_eq!(FILES.map(|(path, _)| path), PATHS);
    }

    #[test]
    fn csv_formula_injection_is_neutralised() {
        for formula in [
            "=HYPERLINK(\"https://x.example\")",
            "+1+1",
            "-1+1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(neutralise_formula(formula.into()), format!("'{formula}"));
        }
        for safe in ["Gaspé", "-71.2", "+3", "15000", "1e6", "a=b", "", "'=déjà"] {
            assert_eq!(neutralise_formula(safe.into()), safe);
        }
    }
}
