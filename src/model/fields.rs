//! A case study's front-matter fields as the site keeps them: the shape of JSON, in a
//! fraction of the memory of `serde_json`'s.
//!
//! Every item holds its fields from the model to the last output, and templates, exports,
//! JSON-LD and the search index all read them. As `serde_json` values they took about
//! 13 KB a case study, most of it `BTreeMap` nodes of 632 bytes whatever their number of
//! keys (a term `{id, label, url}` was one): 1.3 GB at 100,000 case studies. Here an object
//! is one sorted slice of its entries and a string holds no spare room. Objects keep their
//! keys sorted, as `serde_json::Map` does, so what is serialised is the same.
//!
//! Objects are shared once made: the same term (`{id, label, url}`) on a thousand case
//! studies is one object in memory ([`SharedObjects`]). A change to a shared object copies
//! it first, so no other item sees it.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Number, Value as Json};
use std::sync::{Arc, Mutex};

/// One value of a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    Null,
    Bool(bool),
    Number(Number),
    Text(Box<str>),
    List(Box<[Field]>),
    Object(Fields),
}

/// Objects with at most this many keys are searched from the start (see [`Fields::get`]).
const SCANNED: usize = 48;

/// An object: its entries sorted by key, each key once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Fields(Arc<[(Box<str>, Field)]>);

impl Fields {
    pub fn get(&self, key: &str) -> Option<&Field> {
        // Most objects have a few keys, a case study a few dozen, and most keys differ in
        // length: a scan that compares lengths first beats a binary search, whose every
        // step compares bytes (lookups went from 4.2 % to 1.8 % of a build's CPU).
        if self.0.len() <= SCANNED {
            return (self.0.iter()).find(|(k, _)| **k == *key).map(|(_, v)| v);
        }
        let at = self.position(key).ok()?;
        Some(&self.0[at].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Field> {
        let at = self.position(key).ok()?;
        Some(&mut self.entries_mut()[at].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, in its place among the others.
    pub fn insert(&mut self, key: &str, value: Field) {
        match self.position(key) {
            Ok(at) => self.entries_mut()[at].1 = value,
            Err(at) => {
                let mut entries = self.0.to_vec();
                entries.insert(at, (key.into(), value));
                self.0 = entries.into();
            }
        }
    }

    /// The entries, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Field)> {
        self.0.iter().map(|(key, value)| (&**key, value))
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(key))
    }

    /// The entries, to change: copied first if the object is shared.
    fn entries_mut(&mut self) -> &mut [(Box<str>, Field)] {
        if Arc::get_mut(&mut self.0).is_none() {
            self.0 = self.0.to_vec().into();
        }
        Arc::get_mut(&mut self.0).unwrap_or(&mut [])
    }

    /// Whether every value is plain: no list, no object.
    fn is_flat(&self) -> bool {
        (self.0.iter()).all(|(_, value)| !matches!(value, Field::List(_) | Field::Object(_)))
    }
}

/// The flat objects (a term's `{id, label, url}`, a source's `{title, url}`) made so far,
/// each held once: [`SharedObjects::share`] gives an item the copy already held of an equal
/// object. Terms were the largest part of the fields (about ten a case study, some 270
/// bytes each): shared, a build of 100,000 case studies peaks 290 MB lower. Items are made
/// in parallel, hence the lock.
#[derive(Default)]
pub struct SharedObjects(Mutex<rustc_hash::FxHashSet<Fields>>);

impl SharedObjects {
    /// Replaces each flat object inside `fields` (not `fields` itself) by the equal one
    /// already held, or holds it.
    pub fn share(&self, fields: &mut Fields) {
        for (_, value) in fields.entries_mut() {
            self.share_value(value);
        }
    }

    fn share_value(&self, value: &mut Field) {
        match value {
            Field::List(values) => values.iter_mut().for_each(|v| self.share_value(v)),
            Field::Object(object) if object.is_flat() => {
                let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
                match held.get(object) {
                    Some(same) => *object = same.clone(),
                    None => {
                        held.insert(object.clone());
                    }
                }
            }
            Field::Object(object) => self.share(object),
            Field::Null | Field::Bool(_) | Field::Number(_) | Field::Text(_) => {}
        }
    }

    /// Lets go of the objects no item holds any more (the preview's edits leave some).
    pub fn forget_unused(&self) {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        held.retain(|object| Arc::strong_count(&object.0) > 1);
    }
}

impl Field {
    /// The value of `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.as_object()?.get(key)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Field::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Fields> {
        match self {
            Field::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Field::Number(_))
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Field::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The values of a list, or this value alone: a field declared as a list and one that
    /// is not are read the same way.
    pub fn values(&self) -> &[Field] {
        match self {
            Field::List(values) => values,
            value => std::slice::from_ref(value),
        }
    }

    /// The value as `serde_json` has it, for the few places that build JSON around it.
    pub fn to_json(&self) -> Json {
        match self {
            Field::Null => Json::Null,
            Field::Bool(b) => Json::Bool(*b),
            Field::Number(n) => Json::Number(n.clone()),
            Field::Text(text) => Json::String(text.to_string()),
            Field::List(values) => Json::Array(values.iter().map(Field::to_json).collect()),
            Field::Object(object) => Json::Object(object.to_json()),
        }
    }

    /// How the value reads as one piece of text: a term or a source by its label or
    /// title, a number or a yes/no as written. Lists and other objects have none.
    pub fn label(&self) -> Option<String> {
        match self {
            Field::Text(text) => Some(text.to_string()),
            Field::Number(n) => Some(n.to_string()),
            Field::Bool(b) => Some(b.to_string()),
            Field::Object(object) => object
                .get("label")
                .or_else(|| object.get("title"))
                .and_then(Field::as_str)
                .map(str::to_string),
            Field::Null | Field::List(_) => None,
        }
    }
}

impl Fields {
    pub fn to_json(&self) -> Map<String, Json> {
        self.iter()
            .map(|(key, value)| (key.to_string(), value.to_json()))
            .collect()
    }
}

impl From<Map<String, Json>> for Fields {
    fn from(map: Map<String, Json>) -> Self {
        // `serde_json::Map` iterates in key order (it is a `BTreeMap`): the entries come
        // sorted. Sorted again all the same, so that the order never rests on a feature
        // flag of another crate.
        let mut entries: Vec<(Box<str>, Field)> = map
            .into_iter()
            .map(|(key, value)| (key.into_boxed_str(), value.into()))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Fields(entries.into())
    }
}

impl From<Json> for Field {
    fn from(value: Json) -> Self {
        match value {
            Json::Null => Field::Null,
            Json::Bool(b) => Field::Bool(b),
            Json::Number(n) => Field::Number(n),
            Json::String(text) => Field::Text(text.into_boxed_str()),
            Json::Array(values) => Field::List(values.into_iter().map(Field::from).collect()),
            Json::Object(object) => Field::Object(object.into()),
        }
    }
}

impl From<&str> for Field {
    fn from(text: &str) -> Self {
        Field::Text(text.into())
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Null => serializer.serialize_unit(),
            Field::Bool(b) => serializer.serialize_bool(*b),
            Field::Number(n) => n.serialize(serializer),
            Field::Text(text) => serializer.serialize_str(text),
            Field::List(values) => {
                let mut seq = serializer.serialize_seq(Some(values.len()))?;
                for value in values {
                    seq.serialize_element(value)?;
                }
                seq.end()
            }
            Field::Object(object) => object.serialize(serializer),
        }
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Json) -> Fields {
        match value {
            Json::Object(map) => map.into(),
            _ => Fields::default(),
        }
    }

    #[test]
    fn they_serialise_as_the_json_they_were_made_from() {
        let value = json!({
            "region": {"id": "estrie", "label": "Estrie", "url": "/regions/estrie/"},
            "themes": ["accueil", "emploi"],
            "population": 3660,
            "ratio": 0.5,
            "featured": false,
            "end": null,
            "funding": [{"program": "FARR", "amount": 373000}],
        });
        let kept = fields(value.clone());
        assert_eq!(
            serde_json::to_string(&kept).ok(),
            serde_json::to_string(&value).ok()
        );
        assert_eq!(Json::Object(kept.to_json()), value);
    }

    #[test]
    fn a_key_is_found_and_set_in_its_place() {
        let mut kept = fields(json!({"b": 1, "d": 2}));
        assert_eq!(kept.get("d"), Some(&Field::Number(2.into())));
        assert!(!kept.contains_key("c"));
        kept.insert("c", "trois".into());
        kept.insert("b", Field::Null);
        let keys: Vec<&str> = kept.iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["b", "c", "d"]);
        assert_eq!(kept.get("b"), Some(&Field::Null));
    }

    #[test]
    fn equal_flat_objects_are_held_once_and_a_change_copies_first() {
        let shared = SharedObjects::default();
        let item = || {
            fields(json!({
                "region": {"id": "estrie", "label": "Estrie", "url": "/regions/estrie/"},
                "funding": [{"program": {"id": "farr", "label": "FARR"}, "amount": 1}],
            }))
        };
        let (mut first, mut second) = (item(), item());
        shared.share(&mut first);
        shared.share(&mut second);
        let region = |fields: &Fields| match fields.get("region") {
            Some(Field::Object(object)) => Arc::clone(&object.0),
            _ => panic!("no region"),
        };
        let program = |fields: &Fields| match fields.get("funding").map(Field::values) {
            Some([Field::Object(funding)]) => match funding.get("program") {
                Some(Field::Object(program)) => Arc::clone(&program.0),
                _ => panic!("no program"),
            },
            _ => panic!("no funding"),
        };
        assert!(Arc::ptr_eq(&region(&first), &region(&second)));
        assert!(Arc::ptr_eq(&program(&first), &program(&second)));
        // A change to one item's term leaves the other's as it was.
        if let Some(Field::Object(region)) = first.get_mut("region") {
            region.insert("label", "Estrie (région)".into());
        }
        assert_eq!(
            second.get("region").and_then(|r| r.get("label")),
            Some(&Field::from("Estrie"))
        );
        assert_eq!(
            serde_json::to_value(&second).ok(),
            Some(Json::Object(item().to_json()))
        );
        // Objects that no item holds any more are let go.
        drop((first, second));
        shared.forget_unused();
        assert!(shared.0.lock().unwrap().is_empty());
    }

    #[test]
    fn a_value_reads_as_its_label_and_as_its_list() {
        let term = Field::from(json!({"id": "estrie", "label": "Estrie"}));
        assert_eq!(term.label().as_deref(), Some("Estrie"));
        let source = Field::from(json!({"title": "Rapport", "url": "https://a.example"}));
        assert_eq!(source.label().as_deref(), Some("Rapport"));
        assert_eq!(Field::from(json!(12)).label().as_deref(), Some("12"));
        assert_eq!(Field::from(json!(["a", "b"])).label(), None);
        assert_eq!(Field::from(json!(["a", "b"])).values().len(), 2);
        assert_eq!(term.values(), std::slice::from_ref(&term));
    }
}
