//! schema.org JSON-LD for case study pages.
//!
//! The schema fields it reads (`municipality`, `mrc`, `region`, `target_groups`, `themes`,
//! `partners`, `funding`, `period`) are named here rather than in config.yaml: a site whose
//! schema names them otherwise gets a thinner JSON-LD (title, summary, date), not an error.

use crate::model::{Item, value_label};
use serde_json::{Value as Json, json};

/// schema.org JSON-LD for a case study: an Article about a Project, funding as Grants.
/// Serialised with `<`, `>` and `&` escaped so no value can close the `<script>` element.
pub(super) fn json_ld(item: &Item, permalink: &str, license: &str) -> String {
    let fields = &item.fields;
    let labels = |name: &str| -> Vec<String> {
        match fields.get(name) {
            Some(Json::Array(values)) => values.iter().filter_map(value_label).collect(),
            Some(value) => value_label(value).into_iter().collect(),
            None => Vec::new(),
        }
    };
    let mut places: Vec<Json> = labels("municipality")
        .into_iter()
        .map(|name| json!({"@type": "City", "name": name}))
        .collect();
    places.extend(
        labels("mrc")
            .into_iter()
            .map(|name| json!({"@type": "AdministrativeArea", "name": name})),
    );
    places.extend(
        labels("region")
            .into_iter()
            .map(|name| json!({"@type": "AdministrativeArea", "name": name, "containedInPlace": {"@type": "AdministrativeArea", "name": "Québec"}})),
    );
    let grants: Vec<Json> = match fields.get("funding") {
        Some(Json::Array(items)) => items
            .iter()
            .map(|grant| {
                let mut object = json!({"@type": "Grant"});
                if let Some(program) = grant.get("program").and_then(value_label) {
                    object["name"] = program.into();
                }
                if let Some(funder) = grant.get("funder").and_then(value_label) {
                    object["funder"] = json!({"@type": "Organization", "name": funder});
                }
                if let Some(amount) = grant.get("amount").filter(|a| a.is_number()) {
                    let currency = grant
                        .get("currency")
                        .and_then(Json::as_str)
                        .unwrap_or("CAD");
                    object["amount"] =
                        json!({"@type": "MonetaryAmount", "value": amount, "currency": currency});
                }
                object
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut project = json!({
        "@type": "Project",
        "name": item.entry.title,
        "description": item.entry.summary,
        "spatialCoverage": places,
        "audience": labels("target_groups").into_iter().map(|a| json!({"@type": "Audience", "audienceType": a})).collect::<Vec<_>>(),
        "keywords": labels("themes"),
    });
    if !grants.is_empty() {
        project["funding"] = Json::Array(grants);
    }
    let partners = labels("partners");
    if !partners.is_empty() {
        project["member"] = partners
            .into_iter()
            .map(|p| json!({"@type": "Organization", "name": p}))
            .collect();
    }
    if let Some(period) = fields.get("period") {
        if let Some(start) = period.get("start").and_then(Json::as_str) {
            project["startDate"] = start.into();
        }
        if let Some(end) = period.get("end").and_then(Json::as_str) {
            project["endDate"] = end.into();
        }
    }
    let article = json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": item.entry.title,
        "description": item.entry.summary,
        "datePublished": item.entry.date.map(|d| d.to_string()),
        "inLanguage": item.entry.lang,
        "url": permalink,
        "license": license,
        "about": project,
    });
    serde_json::to_string(&article)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
