//! Facets: the taxonomies a reader can narrow a search by. Every taxonomy over a controlled
//! vocabulary (region, themes, target groups, status, funding program) and the year are
//! facets; free-text taxonomies (municipality: thousands of values) are searched as text.

use crate::config::{FieldSpec, FieldType, TaxonomyGroup};
use crate::model::Site;
use crate::text::fold;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    /// The taxonomy's name: `region`, `themes`, `target_groups`, `funding`, `year`. The UI
    /// titles a facet with the `taxonomy_<name>` string.
    pub name: String,
    /// URL parameter: the field's name, or its shortest ASCII alias when shorter
    /// (`themes` → `theme`, `target_groups` → `public`).
    pub param: String,
    /// Every other name accepted in a URL (field path, aliases, taxonomy slug), folded.
    pub aliases: Vec<String>,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    pub id: String,
    pub label: String,
    /// Its label in the site's other languages where it differs: (lang, label).
    pub labels: Vec<(String, String)>,
    /// The term's page, for readers without JavaScript.
    pub url: String,
    /// Document numbers (indexes into `Site::case_studies`), sorted.
    pub docs: Vec<u32>,
}

pub fn facets(site: &Site) -> Vec<Facet> {
    let config = &site.config.config;
    let mut out = Vec::new();
    for (taxonomy, taxonomy_config) in site.taxonomies.iter().zip(&config.taxonomies) {
        let by_year = taxonomy_config.group == Some(TaxonomyGroup::Year);
        let path: Vec<&str> = taxonomy.field.split('.').collect();
        let spec = field_spec(&config.fields, &path);
        let controlled = spec.is_some_and(|s| s.kind == FieldType::Vocabulary);
        if !by_year && !controlled {
            continue;
        }
        let last = *path.last().unwrap_or(&"");
        let mut names: Vec<String> = vec![if by_year {
            taxonomy.name.clone()
        } else {
            last.to_string()
        }];
        if let Some(spec) = spec {
            names.extend(spec.aliases.iter().cloned());
        }
        let param = names
            .iter()
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .min_by_key(|n| n.len())
            .cloned()
            .unwrap_or_else(|| taxonomy.name.clone());
        let mut aliases: BTreeSet<String> = names.iter().map(|n| fold(n)).collect();
        aliases.insert(fold(&taxonomy.name));
        aliases.insert(fold(&taxonomy.field));
        aliases.insert(fold(&taxonomy.slug));
        if by_year {
            aliases.insert("annee".into());
        }
        aliases.remove(&param);
        let values = taxonomy
            .terms
            .iter()
            .map(|term| FacetValue {
                id: term.id.clone(),
                label: term.label.clone(),
                labels: term.labels.clone(),
                url: term.url.clone(),
                docs: term.items.iter().map(|&i| i as u32).collect(),
            })
            .collect();
        out.push(Facet {
            name: taxonomy.name.clone(),
            param,
            aliases: aliases.into_iter().collect(),
            values,
        });
    }
    out
}

fn field_spec<'a>(
    fields: &'a indexmap::IndexMap<String, FieldSpec>,
    path: &[&str],
) -> Option<&'a FieldSpec> {
    let (first, rest) = path.split_first()?;
    let spec = fields.get(*first)?;
    if rest.is_empty() {
        Some(spec)
    } else {
        field_spec(&spec.fields, rest)
    }
}
