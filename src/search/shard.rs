//! Cuts the index into the files a browser fetches, so that one query downloads a few small
//! files whatever the size of the site. All paths are relative to `search/`.
//!
//! - `manifest.json` (fixed name, the entry point): document count, function words, facet
//!   definitions, and the list of vocabulary shards: `[first prefix, last prefix, file]`,
//!   where a prefix is the first two characters of a folded word.
//! - `v/<prefix>.<hash>.json`, vocabulary shards. Every word of a prefix is in one shard, so
//!   exact, prefix and typo matching read one file:
//!   `{"files": [postings file…], "keys": [[file, offset, length, df]…],
//!     "words": [folded word…], "refs": [key or [keys]…]}` (`refs[i]` is the key of `words[i]`).
//! - `p/<hash>.bin`, postings: the keys of consecutive vocabulary entries packed together.
//!   One key: `df, level count, (level, doc set)…` from the highest level down (doc sets as
//!   in `encode.rs`), then its facet counts (see [`encode_postings`]).
//! - `d.<hash>/<n>.json`, document shards: `docShards.size` consecutive documents, each
//!   `[title, url, municipality, summary, [excerpt sentences], [facet values]]` (facet values
//!   numbered across facets in manifest order: region, year, themes… come from there);
//!   fetched only for the results shown.
//! - `f.<hash>.bin`, facets: for each facet and value of the manifest, in order, a doc set.
//!
//! Everything but the manifest is named by a hash of its content, so files can be cached
//! forever and two builds of the same site are identical byte for byte.

use super::encode::{content_hash, hashed_name, put_doc_set, put_varint, short_hash};
use super::facets::Facet;
use super::index::{Index, LEVELS};
use super::tokenize::STOP_WORDS;
use crate::model::{Item, Site, value_label};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// Raw size a vocabulary shard grows to before the next prefix starts a new one.
const VOCAB_SHARD_BYTES: usize = 12 * 1024;
/// Raw size a postings file grows to before the next key starts a new one.
const POSTINGS_FILE_BYTES: usize = 12 * 1024;
/// Documents per document shard. Results fetch one shard per result shown, so small shards
/// save bytes, but every file costs the build (and the upload) a file-system entry: four
/// documents (~1.5 KB gzip'd) is where the bytes per query stay far below Pagefind's while
/// a site of 10,000 case studies gets 2,500 files, not 5,000. Large sites get larger shards
/// to keep the file count well below static hosts' limits (at most about `MAX_DOC_SHARDS`
/// files: 17 documents a shard at 100,000).
const MIN_DOCS_PER_SHARD: usize = 4;
const MAX_DOC_SHARDS: usize = 6000;
/// Format version, checked by the browser.
pub const VERSION: u32 = 1;

/// The index as files: path under `search/` → bytes.
pub fn files(site: &Site, index: &Index, facets: &[Facet]) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let doc_values = doc_values(index.doc_count, facets);
    let postings = postings_files(index, facets, &doc_values, &mut files);
    let vocab = vocab_files(index, &postings, &mut files);
    let docs_per_shard = docs_per_shard(index.doc_count);
    let docs_dir = doc_files(site, index, &doc_values, docs_per_shard, &mut files);
    let facets_file = facet_file(facets, &mut files);
    let manifest = json!({
        "version": VERSION,
        "docs": index.doc_count,
        "levels": LEVELS,
        "language": site.config.config.language,
        "stopWords": STOP_WORDS,
        "vocab": vocab,
        "docShards": {"dir": docs_dir, "size": docs_per_shard},
        "facets": {
            "file": facets_file,
            "list": facets.iter().map(|f| json!({
                "name": f.name,
                "param": f.param,
                "aliases": f.aliases,
                "values": f.values.iter().map(|v| json!({
                    "id": v.id, "label": v.label, "url": v.url, "count": v.docs.len(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        },
    });
    files.insert("manifest.json".into(), to_json(&manifest));
    files
}

pub fn docs_per_shard(doc_count: usize) -> usize {
    doc_count.div_ceil(MAX_DOC_SHARDS).max(MIN_DOCS_PER_SHARD)
}

fn to_json(value: &Json) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON values serialise")
}

/// Where each key's postings are: (file name, offset, length).
struct Located {
    file: u32,
    offset: u32,
    length: u32,
}

/// Packs the keys' postings, in key order, into files of about `POSTINGS_FILE_BYTES`.
/// Returns the file names and where each key is.
/// Each document's facet values, numbered across facets in manifest order, sorted.
fn doc_values(doc_count: usize, facets: &[Facet]) -> Vec<Vec<u32>> {
    let mut doc_values: Vec<Vec<u32>> = vec![Vec::new(); doc_count];
    for (number, value) in facets.iter().flat_map(|f| &f.values).enumerate() {
        for &doc in &value.docs {
            doc_values[doc as usize].push(number as u32);
        }
    }
    doc_values
}

fn postings_files(
    index: &Index,
    facets: &[Facet],
    doc_values: &[Vec<u32>],
    files: &mut BTreeMap<String, Vec<u8>>,
) -> (Vec<String>, Vec<Located>) {
    use rayon::prelude::*;
    let value_count: usize = facets.iter().map(|f| f.values.len()).sum();
    let blobs: Vec<Vec<u8>> = index
        .keys
        .par_iter()
        .map(|key| {
            let mut counts = vec![0u32; value_count];
            for &(doc, _) in &key.postings {
                for &value in &doc_values[doc as usize] {
                    counts[value as usize] += 1;
                }
            }
            encode_postings(&key.postings, &counts)
        })
        .collect();
    let mut names = Vec::new();
    let mut located = Vec::with_capacity(index.keys.len());
    let mut current: Vec<u8> = Vec::new();
    let mut flush = |current: &mut Vec<u8>, names: &mut Vec<String>| {
        if !current.is_empty() {
            let name = format!("p/{}.bin", short_hash(current));
            files.insert(name.clone(), std::mem::take(current));
            names.push(name);
        }
    };
    for blob in blobs {
        if !current.is_empty() && current.len() + blob.len() > POSTINGS_FILE_BYTES {
            flush(&mut current, &mut names);
        }
        located.push(Located {
            file: names.len() as u32,
            offset: current.len() as u32,
            length: blob.len() as u32,
        });
        current.extend_from_slice(&blob);
    }
    flush(&mut current, &mut names);
    (names, located)
}

/// One key's postings: df, then the documents of each impact level, highest first, then how
/// many of its documents have each facet value (`count, (value gap, n)…` for the values
/// present; values numbered across facets in manifest order). With those counts a one-word
/// query shows its facets without loading the facet file.
pub fn encode_postings(postings: &[(u32, u8)], facet_counts: &[u32]) -> Vec<u8> {
    let mut by_level: BTreeMap<std::cmp::Reverse<u8>, Vec<u32>> = BTreeMap::new();
    for &(doc, level) in postings {
        by_level
            .entry(std::cmp::Reverse(level))
            .or_default()
            .push(doc);
    }
    let mut out = Vec::new();
    put_varint(&mut out, postings.len() as u64);
    put_varint(&mut out, by_level.len() as u64);
    for (level, docs) in by_level {
        out.push(level.0);
        put_doc_set(&mut out, &docs);
    }
    let present: Vec<(usize, u32)> = facet_counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(value, n)| (value, *n))
        .collect();
    put_varint(&mut out, present.len() as u64);
    let mut next = 0;
    for (value, n) in present {
        put_varint(&mut out, (value - next) as u64);
        put_varint(&mut out, u64::from(n));
        next = value + 1;
    }
    out
}

/// The shard prefix of a folded word: its first two characters.
pub fn prefix(folded: &str) -> &str {
    match folded.char_indices().nth(2) {
        Some((at, _)) => &folded[..at],
        None => folded,
    }
}

/// Groups the vocabulary by prefix into shards of about `VOCAB_SHARD_BYTES`; returns the
/// manifest's shard list.
fn vocab_files(
    index: &Index,
    (postings_names, located): &(Vec<String>, Vec<Located>),
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Vec<Json> {
    // Words by prefix, in order (words are sorted, so prefixes come in order).
    let mut groups: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    for (i, word) in index.words.iter().enumerate() {
        let p = prefix(&word.folded);
        match groups.last_mut() {
            Some((last, range)) if *last == p => range.end = i + 1,
            _ => groups.push((p, i..i + 1)),
        }
    }
    let estimate = |range: &std::ops::Range<usize>| -> usize {
        index.words[range.clone()]
            .iter()
            .map(|w| w.folded.len() + 12 * w.keys.len() + 4)
            .sum()
    };
    let mut shards: Vec<Json> = Vec::new();
    let mut start = 0;
    while start < groups.len() {
        let mut end = start + 1;
        let mut size = estimate(&groups[start].1);
        while end < groups.len() && size + estimate(&groups[end].1) <= VOCAB_SHARD_BYTES {
            size += estimate(&groups[end].1);
            end += 1;
        }
        let first = groups[start].0;
        let last = groups[end - 1].0;
        let words = groups[start].1.start..groups[end - 1].1.end;
        let bytes = vocab_shard(index, words, postings_names, located);
        let name = format!("v/{}", hashed_name(&file_safe(first), &bytes, "json"));
        files.insert(name.clone(), bytes);
        shards.push(json!([first, last, name]));
        start = end;
    }
    shards
}

/// A prefix as a file name: ASCII letters and digits kept, anything else hex-escaped.
fn file_safe(prefix: &str) -> String {
    let mut out = String::new();
    for c in prefix.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}", c as u32));
        }
    }
    out
}

fn vocab_shard(
    index: &Index,
    words: std::ops::Range<usize>,
    postings_names: &[String],
    located: &[Located],
) -> Vec<u8> {
    let words = &index.words[words];
    let mut key_slots: BTreeMap<u32, usize> = BTreeMap::new();
    for word in words {
        for &key in &word.keys {
            key_slots.insert(key, 0);
        }
    }
    let mut file_slots: BTreeMap<u32, usize> = BTreeMap::new();
    for key in key_slots.keys() {
        file_slots.insert(located[*key as usize].file, 0);
    }
    let files: Vec<&str> = file_slots
        .keys()
        .map(|&f| postings_names[f as usize].as_str())
        .collect();
    for (slot, value) in file_slots.values_mut().enumerate() {
        *value = slot;
    }
    let mut keys = Vec::new();
    for (slot, (key, value)) in key_slots.iter_mut().enumerate() {
        *value = slot;
        let at = &located[*key as usize];
        keys.push(json!([
            file_slots[&at.file],
            at.offset,
            at.length,
            index.keys[*key as usize].postings.len()
        ]));
    }
    let refs: Vec<Json> = words
        .iter()
        .map(|w| match w.keys.as_slice() {
            [one] => json!(key_slots[one]),
            many => json!(many.iter().map(|k| key_slots[k]).collect::<Vec<_>>()),
        })
        .collect();
    to_json(&json!({
        "files": files,
        "keys": keys,
        "words": words.iter().map(|w| w.folded.as_str()).collect::<Vec<_>>(),
        "refs": refs,
    }))
}

/// The labels of a field's values, joined: "Sherbrooke, Magog".
fn labels(item: &Item, field: &str) -> String {
    match item.fields.get(field) {
        Some(Json::Array(values)) => values
            .iter()
            .filter_map(value_label)
            .collect::<Vec<_>>()
            .join(", "),
        Some(value) => value_label(value).unwrap_or_default(),
        None => String::new(),
    }
}

/// Writes the document shards into a folder named by the hash of them all; returns the
/// folder's name.
fn doc_files(
    site: &Site,
    index: &Index,
    doc_values: &[Vec<u32>],
    per_shard: usize,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> String {
    let base = site.base_path.as_str();
    let shards: Vec<Vec<u8>> = site
        .case_studies
        .chunks(per_shard)
        .enumerate()
        .map(|(shard, items)| {
            let docs: Vec<Json> = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let number = shard * per_shard + i;
                    json!([
                        item.entry.title,
                        item.url.strip_prefix(base).unwrap_or(&item.url),
                        labels(item, "municipality"),
                        item.entry.summary,
                        index.passages[number],
                        doc_values[number],
                    ])
                })
                .collect();
            to_json(&Json::Array(docs))
        })
        .collect();
    let mut all = Vec::new();
    for shard in &shards {
        all.extend_from_slice(&content_hash(shard).to_le_bytes());
    }
    let dir = format!("d.{}/", short_hash(&all));
    for (number, bytes) in shards.into_iter().enumerate() {
        files.insert(format!("{dir}{number}.json"), bytes);
    }
    dir
}

fn facet_file(facets: &[Facet], files: &mut BTreeMap<String, Vec<u8>>) -> String {
    let mut bytes = Vec::new();
    for facet in facets {
        for value in &facet.values {
            put_doc_set(&mut bytes, &value.docs);
        }
    }
    let name = hashed_name("f", &bytes, "bin");
    files.insert(name.clone(), bytes);
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::encode::{get_doc_set, get_varint};

    #[test]
    fn prefixes_are_two_characters() {
        assert_eq!(prefix("accueil"), "ac");
        assert_eq!(prefix("a"), "a");
        assert_eq!(prefix("etudiants"), "et");
    }

    #[test]
    fn postings_list_levels_from_highest() {
        let bytes = encode_postings(&[(1, 3), (4, 15), (9, 3), (12, 7)], &[0, 2, 0, 0, 4]);
        let mut at = 0;
        assert_eq!(get_varint(&bytes, &mut at), Some(4));
        assert_eq!(get_varint(&bytes, &mut at), Some(3));
        let mut levels = Vec::new();
        for _ in 0..3 {
            let level = bytes[at];
            at += 1;
            levels.push((level, get_doc_set(&bytes, &mut at).unwrap()));
        }
        assert_eq!(levels, [(15, vec![4]), (7, vec![12]), (3, vec![1, 9])]);
        let counts: Vec<u64> = (0..5).map_while(|_| get_varint(&bytes, &mut at)).collect();
        assert_eq!(
            counts,
            [2, 1, 2, 2, 4],
            "two values: #1 (2 docs), #4 (gap 2, 4 docs)"
        );
        assert_eq!(at, bytes.len());
    }

    #[test]
    fn shard_size_keeps_file_count_bounded() {
        assert_eq!(docs_per_shard(14), MIN_DOCS_PER_SHARD);
        assert!(100_000usize.div_ceil(docs_per_shard(100_000)) <= MAX_DOC_SHARDS);
    }
}
