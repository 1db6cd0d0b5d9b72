//! Open data: the whole collection as JSON and as UTF-8 CSV, one row per case study.

use crate::model::Site;
use crate::render::value_label;
use serde_json::{Map, Value as Json, json};

pub const JSON_PATH: &str = "data/case-studies.json";
pub const CSV_PATH: &str = "data/case-studies.csv";

/// `{license, count, case_studies: [...]}` with every field in canonical form.
pub fn to_json(site: &Site) -> Vec<u8> {
    let case_studies: Vec<Json> = site
        .case_studies
        .iter()
        .map(|item| {
            let mut object = Map::new();
            object.insert("url".into(), item.url.clone().into());
            for name in site.config.config.fields.keys() {
                let value = match name.as_str() {
                    "title" => item.entry.title.clone().into(),
                    "summary" => item.entry.summary.clone().into(),
                    "date" => item.entry.date.map(|d| d.to_string()).into(),
                    _ => item.fields.get(name).cloned().unwrap_or(Json::Null),
                };
                object.insert(name.clone(), strip_urls(value));
            }
            Json::Object(object)
        })
        .collect();
    let document = json!({
        "title": site.config.config.title,
        "license": site.config.config.license,
        "count": case_studies.len(),
        "case_studies": case_studies,
    });
    serde_json::to_vec_pretty(&document).unwrap_or_default()
}

/// Term objects carry the page URL of the term for templates; the data export keeps
/// id, code and labels only.
fn strip_urls(value: Json) -> Json {
    match value {
        Json::Array(items) => Json::Array(items.into_iter().map(strip_urls).collect()),
        Json::Object(mut object) => {
            if object.contains_key("id") {
                object.remove("url");
            }
            Json::Object(object.into_iter().map(|(k, v)| (k, strip_urls(v))).collect())
        }
        other => other,
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
    let mut writer = csv::Writer::from_writer(Vec::new());
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
        let row: Vec<String> = columns
            .iter()
            .map(|(name, sub)| {
                let value = match name.as_str() {
                    "url" => Json::String(item.url.clone()),
                    "title" => item.entry.title.clone().into(),
                    "summary" => item.entry.summary.clone().into(),
                    "date" => item.entry.date.map(|d| d.to_string()).into(),
                    _ => item.fields.get(name).cloned().unwrap_or(Json::Null),
                };
                cell(&value, sub.as_deref())
            })
            .collect();
        let _ = writer.write_record(&row);
    }
    writer.into_inner().unwrap_or_default()
}

fn cell(value: &Json, sub: Option<&str>) -> String {
    let parts: Vec<String> = match value {
        Json::Array(items) => items.iter().map(|v| cell(v, sub)).filter(|s| !s.is_empty()).collect(),
        Json::Null => Vec::new(),
        Json::Object(object) => match sub {
            Some(sub) => object.get(sub).map(|v| cell(v, None)).into_iter().collect(),
            None => match value_label(value) {
                Some(label) => vec![label],
                None => vec![object
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", cell(v, None)))
                    .collect::<Vec<_>>()
                    .join(", ")],
            },
        },
        other => value_label(other).into_iter().collect(),
    };
    parts.join(" | ")
}
