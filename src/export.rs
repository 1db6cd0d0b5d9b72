//! Open data: the whole collection as JSON and as UTF-8 CSV, one row per case study.
//!
//! Both are written straight from the model, without building a second copy of it: at
//! 10,000 case studies the copy would double the build's memory.

use crate::model::{Item, Site, value_label};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::Value as Json;
use std::borrow::Cow;

pub const JSON_PATH: &str = "data/case-studies.json";
pub const CSV_PATH: &str = "data/case-studies.csv";

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
        map.serialize_entry("title", &config.title)?;
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
struct WithoutTermUrls<'a>(&'a Json);

impl Serialize for WithoutTermUrls<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&WithoutTermUrls(item))?;
                }
                seq.end()
            }
            Json::Object(object) => {
                let is_term = object.contains_key("id");
                let mut map = serializer.serialize_map(None)?;
                for (key, value) in object {
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
fn field_value<'a>(item: &'a Item, name: &str) -> Cow<'a, Json> {
    match name {
        "title" => Cow::Owned(item.entry.title.clone().into()),
        "summary" => Cow::Owned(item.entry.summary.clone().into()),
        "date" => Cow::Owned(item.entry.date.map(|d| d.to_string()).into()),
        _ => item
            .fields
            .get(name)
            .map_or(Cow::Owned(Json::Null), Cow::Borrowed),
    }
}

/// One column per field (a sub-field of a list of objects gets its own column, such as
/// `funding.amount`); several values in a cell are separated by ` | `.
pub fn to_csv(site: &Site) -> Vec<u8> {
    let mut columns: Vec<(String, Option<String>)> = vec![("url".into(), None)];
    for (name, spec) in &site.config.config.fields {
        if spec.fields.is_empty() {
            columns.push((name.clone(), None));
        } else {
            for sub in spec.fields.keys() {
                columns.push((name.clone(), Some(sub.clone())));
            }
        }
    }
    // Every field quoted: a spreadsheet that splits on `;` (French locales) then still sees
    // one cell where a value holds a `;`, and so no cell that starts in the middle of a value.
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    let header: Vec<String> = columns
        .iter()
        .map(|(name, sub)| match sub {
            Some(sub) => format!("{name}.{sub}"),
            None => name.clone(),
        })
        .collect();
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

fn cell(value: &Json, sub: Option<&str>) -> String {
    let parts: Vec<String> = match value {
        Json::Array(items) => items
            .iter()
            .map(|v| cell(v, sub))
            .filter(|s| !s.is_empty())
            .collect(),
        Json::Null => Vec::new(),
        Json::Object(object) => match sub {
            Some(sub) => object.get(sub).map(|v| cell(v, None)).into_iter().collect(),
            None => match value_label(value) {
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
        other => value_label(other).into_iter().collect(),
    };
    parts.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

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
