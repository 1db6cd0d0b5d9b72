//! schema.org JSON-LD for case study pages.
//!
//! Which field is the city, the audience or the funding is said by the schema (`json_ld:` on
//! a field of config.yaml, resolved in `config::JsonLdFields`); here is only what each role
//! becomes. A site whose schema gives no field a role gets no such property: the JSON-LD is
//! thinner (title, summary, date), never wrong.

use crate::config::{GrantFields, JsonLdFields};
use crate::model::{Field, Fields, Item};
use serde_json::{Value as Json, json};

/// schema.org JSON-LD for a case study: an Article about a Project, funding as Grants.
/// Serialised with `<`, `>` and `&` escaped so no value can close the `<script>` element.
/// `fields` are the item's, labelled in its language (`Global::fields_in`).
pub(super) fn json_ld(
    item: &Item,
    fields: &Fields,
    roles: &JsonLdFields,
    permalink: &str,
    license: &str,
) -> String {
    // The labels of the values of the fields `names`, in order.
    let labels = |names: &[String]| -> Vec<String> {
        let mut labels = Vec::new();
        for name in names {
            let values = fields.get(name).map(Field::values).unwrap_or_default();
            labels.extend(values.iter().filter_map(Field::label));
        }
        labels
    };
    let mut places: Vec<Json> = labels(&roles.cities)
        .into_iter()
        .map(|name| json!({"@type": "City", "name": name}))
        .collect();
    places.extend(
        labels(&roles.areas)
            .into_iter()
            .map(|name| json!({"@type": "AdministrativeArea", "name": name})),
    );
    places.extend(
        labels(&roles.regions)
            .into_iter()
            .map(|name| json!({"@type": "AdministrativeArea", "name": name, "containedInPlace": {"@type": "AdministrativeArea", "name": "Québec"}})),
    );
    let grants: Vec<Json> = roles
        .funding
        .iter()
        .flat_map(|grant_fields| {
            let grants = (fields.get(&grant_fields.field)).map_or(&[][..], Field::values);
            grants
                .iter()
                .filter_map(Field::as_object)
                .map(|grant| self::grant(grant, grant_fields))
        })
        .collect();
    let mut project = json!({
        "@type": "Project",
        "name": item.entry.title,
        "description": item.entry.summary,
        "spatialCoverage": places,
        "audience": labels(&roles.audience).into_iter().map(|a| json!({"@type": "Audience", "audienceType": a})).collect::<Vec<_>>(),
        "keywords": labels(&roles.keywords),
    });
    if !grants.is_empty() {
        project["funding"] = Json::Array(grants);
    }
    let partners = labels(&roles.members);
    if !partners.is_empty() {
        project["member"] = partners
            .into_iter()
            .map(|p| json!({"@type": "Organization", "name": p}))
            .collect();
    }
    if let Some(period_fields) = &roles.period
        && let Some(period) = fields.get(&period_fields.field)
    {
        let date = |name: &Option<String>| name.as_ref().and_then(|n| period.get(n)?.as_str());
        if let Some(start) = date(&period_fields.start) {
            project["startDate"] = start.into();
        }
        if let Some(end) = date(&period_fields.end) {
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

/// One funding object as a `Grant`, its parts read from the sub-fields of their roles.
fn grant(grant: &Fields, roles: &GrantFields) -> Json {
    let part = |name: &Option<String>| name.as_ref().and_then(|n| grant.get(n));
    let mut object = json!({"@type": "Grant"});
    if let Some(program) = part(&roles.name).and_then(Field::label) {
        object["name"] = program.into();
    }
    if let Some(funder) = part(&roles.funder).and_then(Field::label) {
        object["funder"] = json!({"@type": "Organization", "name": funder});
    }
    if let Some(amount) = part(&roles.amount).filter(|a| a.is_number()) {
        let currency = part(&roles.currency)
            .and_then(Field::label)
            .unwrap_or_else(|| "CAD".into());
        object["amount"] =
            json!({"@type": "MonetaryAmount", "value": amount, "currency": currency});
    }
    object
}
