//! What the `/proposer/` page knows of the case-study schema: a JSON description of every
//! field (name, type, required, list, help, example, vocabulary terms, bounds, sub-fields)
//! that `static/proposer.js` builds its form from and checks an entry against.
//!
//! The form must say what `passerelle check` would say of the file it writes. Rather than a
//! second copy of the build's messages, each field's message templates are *asked of the
//! validator*: a small front matter with a marker value is validated, and the message the
//! build gives, written from the message catalog (`crate::messages`) in the page's
//! language, is kept with the marker turned into `{value}`. A message changed or translated
//! in the catalog therefore changes in the form too.

use crate::config::{FieldSpec, FieldType, SiteConfig};
use crate::load::Document;
use crate::messages::Lang;
use crate::text::match_key;
use indexmap::IndexMap;
use serde_json::{Map, Value as Json, json};
use serde_yaml::Value as Yaml;

/// Stands for the author's value in a probe: text no vocabulary, date or address accepts.
const MARKER: &str = "PASSERELLE-MARKER-VALUE";
/// A number below any field's range (bounds are within ±(2^53 − 1)), written so that the
/// validator prints it back as written.
const BELOW_ANY_RANGE: i64 = -9_007_199_254_741_001;
/// A fraction, for the message of an integer field given one.
const FRACTION: f64 = 0.125;

/// The UI string of a key in the page's language (`field_region`, `field_funding_amount`,
/// `lang_fr`…), or `None` when the theme has none (the form then shows the name).
pub(super) type Labeller<'l> = dyn Fn(&str) -> Option<String> + 'l;

/// The description of the case-study `fields` of `site`, labels in `lang`.
pub(super) fn form_description(
    site: &SiteConfig,
    fields: &IndexMap<String, FieldSpec>,
    lang: &str,
    label: &Labeller,
) -> Json {
    json!({
        "lang": lang,
        // Between a field and its message, as the build writes it (`region : …` in French).
        "colon": Lang::parse(lang).unwrap_or(Lang::En).words().colon,
        "section": site.config.case_studies.section,
        "contact": site.config.contact,
        "fields": describe_fields(site, lang, label, fields, &[]),
    })
}

/// The description of `fields`, found at `parents` (names of the object fields above them).
fn describe_fields(
    site: &SiteConfig,
    lang: &str,
    label: &Labeller,
    fields: &IndexMap<String, FieldSpec>,
    parents: &[&str],
) -> Vec<Json> {
    fields
        .iter()
        .map(|(name, spec)| {
            let mut path = parents.to_vec();
            path.push(name);
            describe_field(site, lang, label, spec, &path)
        })
        .collect()
}

fn describe_field(
    site: &SiteConfig,
    lang: &str,
    label: &Labeller,
    spec: &FieldSpec,
    path: &[&str],
) -> Json {
    let name = path.last().copied().unwrap_or_default();
    let vocabulary = spec
        .vocabulary
        .as_deref()
        .filter(|_| spec.kind == FieldType::Vocabulary)
        .and_then(|name| site.vocabulary(name))
        .map(|vocabulary| {
            (vocabulary.terms.iter())
                .map(|term| {
                    let mut spellings = vec![term.id.clone(), term.fr.clone(), term.en.clone()];
                    spellings.extend(term.code.iter().cloned());
                    spellings.extend(term.aliases.iter().cloned());
                    let mut keys: Vec<String> = spellings.iter().map(|s| match_key(s)).collect();
                    keys.sort();
                    keys.dedup();
                    json!({
                        "id": term.id,
                        "code": term.code,
                        "label": term.label(lang),
                        "aliases": term.aliases,
                        "keys": keys,
                    })
                })
                .collect::<Vec<_>>()
        });
    let (min, max) = match spec.kind {
        FieldType::Integer => {
            let (min, max) = spec.integer_bounds();
            (Json::from(min), Json::from(max))
        }
        FieldType::Number => {
            let (min, max) = spec.number_bounds();
            (Json::from(min), Json::from(max))
        }
        _ => (Json::Null, Json::Null),
    };
    json!({
        "name": name,
        "label": label(&format!("field_{}", path.join("_"))).unwrap_or_else(|| name.to_string()),
        "choices": choices(spec, path, label),
        "default": default(spec, path, lang),
        "type": spec.kind.name(),
        "required": spec.required,
        "list": spec.list,
        "open": spec.open,
        "help": spec.help,
        "example": spec.example.as_ref().map(example_text),
        "aliases": spec.aliases,
        "vocabulary": vocabulary,
        "min": min,
        "max": max,
        "fields": describe_fields(site, lang, label, &spec.fields, path),
        "messages": messages(site, spec, path, lang),
    })
}

/// The values a text field may take, when the build accepts only some: the top-level `lang`
/// picks the interface strings and labels, so `validate.rs` accepts only the languages the
/// site has them for. The form offers these in a menu.
fn choices(spec: &FieldSpec, path: &[&str], label: &Labeller) -> Option<Vec<Json>> {
    (path == ["lang"] && spec.kind == FieldType::String && !spec.list).then(|| {
        (crate::config::LANGUAGES.iter())
            .map(|lang| {
                let name = label(&format!("lang_{lang}")).unwrap_or_else(|| lang.to_string());
                json!({"id": lang, "label": name})
            })
            .collect()
    })
}

/// The value the form starts with: the `lang` menu starts at the page's language, since an
/// author on the English page most likely writes in English (and one on the French page in
/// French). Only a language the menu offers; otherwise the menu starts at "choose".
fn default(spec: &FieldSpec, path: &[&str], lang: &str) -> Option<&'static str> {
    let menu = path == ["lang"] && spec.kind == FieldType::String && !spec.list;
    (crate::config::LANGUAGES.iter().copied()).find(|offered| menu && *offered == lang)
}

/// An example as an author would type it in one box: a list's items joined by commas.
fn example_text(example: &Yaml) -> String {
    match example {
        Yaml::String(text) => text.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Sequence(items) => (items.iter())
            .map(example_text)
            .collect::<Vec<_>>()
            .join(", "),
        Yaml::Tagged(tagged) => example_text(&tagged.value),
        Yaml::Null | Yaml::Mapping(_) => String::new(),
    }
}

/// The build's messages for the rules the field is checked by, `{value}` standing for what
/// the author wrote. A rule the validator does not answer as expected is left out (the form
/// then does not check it rather than say something the build would not).
fn messages(site: &SiteConfig, spec: &FieldSpec, path: &[&str], lang: &str) -> Map<String, Json> {
    // The page's language; a page in another language gets the English messages, as a
    // site in another language does in the terminal.
    let lang = Lang::parse(lang).unwrap_or(Lang::En);
    let mut messages = Map::new();
    let mut ask = |rule: &str, value: Option<Yaml>, written: &str| {
        if let Some(message) = probe(site, path, value, written, lang) {
            messages.insert(rule.into(), message.into());
        }
    };
    if spec.required {
        ask("required", None, "");
    }
    let marker = || Some(Yaml::String(MARKER.into()));
    match spec.kind {
        FieldType::Date => ask("date", marker(), MARKER),
        FieldType::Email => ask("email", marker(), MARKER),
        FieldType::Url => ask("url", marker(), MARKER),
        FieldType::Vocabulary if spec.open => {
            ask("empty", Some(Yaml::String("***".into())), "");
        }
        FieldType::Vocabulary => ask("unknown", marker(), MARKER),
        FieldType::Integer | FieldType::Number => {
            ask("not_number", marker(), MARKER);
            if spec.kind == FieldType::Integer {
                let fraction = Yaml::Number(FRACTION.into());
                ask("not_whole", Some(fraction), &FRACTION.to_string());
            }
            let below = BELOW_ANY_RANGE.to_string();
            ask("range", Some(Yaml::Number(BELOW_ANY_RANGE.into())), &below);
        }
        // A text is refused only by a rule of its own (`lang`): asked with the marker.
        FieldType::String => ask("invalid", marker(), MARKER),
        FieldType::Bool | FieldType::Object => {}
    }
    messages
}

/// The message the validator gives for the field at `path` holding `value` (missing when
/// `None`), written in `lang`, with `written` (how the value reads in the message) turned
/// into `{value}`.
fn probe(
    site: &SiteConfig,
    path: &[&str],
    value: Option<Yaml>,
    written: &str,
    lang: Lang,
) -> Option<String> {
    let (&name, parents) = path.split_last()?;
    // The innermost mapping: the field, or nothing for a missing one.
    let mut node = serde_yaml::Mapping::new();
    if let Some(value) = value {
        node.insert(Yaml::String(name.into()), value);
    }
    let mut node = Yaml::Mapping(node);
    // Wrapped in its parents, each a one-item list when the parent takes a list.
    let mut fields = &site.config.fields;
    let mut specs = Vec::new();
    for parent in parents {
        let spec = fields.get(*parent)?;
        specs.push(spec);
        fields = &spec.fields;
    }
    for (parent, spec) in parents.iter().zip(&specs).rev() {
        let wrapped = if spec.list {
            Yaml::Sequence(vec![node])
        } else {
            node
        };
        let mut mapping = serde_yaml::Mapping::new();
        mapping.insert(Yaml::String((*parent).into()), wrapped);
        node = Yaml::Mapping(mapping);
    }
    let front_matter = serde_yaml::to_string(&node).ok()?;
    let section = &site.config.case_studies.section;
    let document = Document {
        file: format!("content/{section}/probe.md"),
        content_path: format!("{section}/probe.md"),
        front_matter,
        front_matter_line: 2,
        body: String::new(),
        body_line: 3,
    };
    let mut problems = Vec::new();
    crate::validate::validate(site, document, &mut problems);
    // The problem of this field: its label is the path, list items numbered from 1.
    let label = (parents.iter().zip(&specs))
        .map(|(parent, spec)| {
            if spec.list {
                format!("{parent}[1]")
            } else {
                parent.to_string()
            }
        })
        .chain(std::iter::once(name.to_string()))
        .collect::<Vec<_>>()
        .join(".");
    let problem = problems.iter().find(|p| p.is_error() && p.field == label)?;
    let message = problem.message_in(lang);
    if written.is_empty() {
        return Some(message);
    }
    // A rule whose message does not show the value is not one this probe understood.
    message
        .contains(written)
        .then(|| message.replace(written, "{value}"))
}

/// `value` as JSON safe inside `<script type="application/json">`: `<` is escaped, so
/// that no `</script>` or `<!--` in a help text or label can end the element early.
pub(super) fn script_json(value: &Json) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_site() -> SiteConfig {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::config::load(root).expect("the example config")
    }

    fn field<'j>(fields: &'j Json, name: &str) -> &'j Json {
        (fields.as_array().expect("a list of fields").iter())
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    }

    #[test]
    fn the_form_description_lists_every_field_with_the_build_messages() {
        let site = example_site();
        let labels = |key: &str| (key == "field_title").then(|| "Titre".to_string());
        let description = form_description(&site, &site.config.fields, "fr", &labels);
        assert_eq!(description["colon"], "\u{a0}: ");
        let fields = &description["fields"];
        let names: Vec<&str> = (fields.as_array().unwrap().iter())
            .filter_map(|f| f["name"].as_str())
            .collect();
        let declared: Vec<&str> = site.config.fields.keys().map(String::as_str).collect();
        assert_eq!(names, declared);

        let title = field(fields, "title");
        assert_eq!(title["label"], "Titre");
        assert_eq!(title["required"], true);
        assert_eq!(title["messages"]["required"], "champ obligatoire absent");
        assert_eq!(field(fields, "mrc")["label"], "mrc");

        let region = field(fields, "region");
        assert_eq!(region["list"], true);
        assert_eq!(
            region["messages"]["unknown"],
            "valeur inconnue\u{a0}: «\u{a0}{value}\u{a0}»"
        );
        let terms = region["vocabulary"].as_array().unwrap();
        assert_eq!(terms.len(), 17);
        let gaspesie = terms.iter().find(|t| t["code"] == "11").unwrap();
        assert_eq!(gaspesie["label"], "Gaspésie–Îles-de-la-Madeleine");
        assert!(
            (gaspesie["keys"].as_array().unwrap().iter()).any(|k| k == "gaspesieilesdelamadeleine")
        );

        let date = field(fields, "date");
        assert_eq!(
            date["messages"]["date"],
            "date attendue au format AAAA-MM-JJ, trouvé «\u{a0}{value}\u{a0}»"
        );
        let population = field(fields, "population");
        assert_eq!(population["min"], 0);
        assert_eq!(
            population["messages"]["range"],
            "nombre entier de 0 à 10\u{a0}000\u{a0}000\u{a0}000 attendu, trouvé «\u{a0}{value}\u{a0}»"
        );
        assert_eq!(
            population["messages"]["not_whole"],
            "attendu\u{a0}: un nombre entier (en chiffres, p. ex. 15000)\u{a0}; trouvé\u{a0}: le nombre {value}"
        );

        // Sub-fields, with their own messages found inside a list of objects.
        let sources = field(fields, "sources");
        let source_title = field(&sources["fields"], "title");
        assert_eq!(
            source_title["messages"]["required"],
            "champ obligatoire absent"
        );
        let funding = field(fields, "funding");
        let amount = field(&funding["fields"], "amount");
        assert!(
            (amount["messages"]["range"].as_str().unwrap())
                .starts_with("nombre de 0 à 1\u{a0}000\u{a0}000\u{a0}000\u{a0}000")
        );
        let program = field(&funding["fields"], "program");
        assert_eq!(program["open"], true);
        assert_eq!(program["messages"]["empty"], "est vide");
        let lang = field(fields, "lang");
        assert_eq!(lang["choices"][0]["id"], "fr");
        assert_eq!(
            lang["messages"]["invalid"],
            "langue non prise en charge\u{a0}: «\u{a0}{value}\u{a0}»"
        );
        assert!(title["choices"].is_null() && title["messages"].get("invalid").is_none());
        let lat = field(&field(fields, "coordinates")["fields"], "lat");
        // The English page has the English messages, from the same catalog.
        let english = form_description(&site, &site.config.fields, "en", &labels);
        assert_eq!(
            field(&english["fields"], "title")["messages"]["required"],
            "required field is missing"
        );
        assert_eq!(
            field(&english["fields"], "region")["messages"]["unknown"],
            "unknown value `{value}`"
        );
        assert_eq!(lat["max"], 90.0);
    }

    #[test]
    fn script_json_cannot_end_its_script_element() {
        let text = script_json(&json!({"help": "</script><!-- & >"}));
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back["help"], "</script><!-- & >");
    }
}
