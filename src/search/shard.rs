//! Cuts the index into the files a browser fetches, so that one query downloads a few small
//! files whatever the size of the site. All paths are relative to `search/`.
//!
//! - `manifest.json` (fixed name, the entry point): document count (`docs`, of which the
//!   first `caseStudies` are case studies and the rest content pages), function words, facet
//!   definitions, the list of vocabulary shards: `[first prefix, last prefix, file]`,
//!   where a prefix is the first two characters of a folded word, the document shard
//!   folders, `sectionBits`, the bits of a section word's hash (`sections.rs`), and
//!   `hidden`, per language, the documents its search page leaves out (the other versions
//!   of a translated document, see [`hidden_by_language`]).
//! - `v/<prefix>.<hash>.json`, vocabulary shards. Every word of a prefix is in one shard, so
//!   exact, prefix and typo matching read one file:
//!   `{"files": [postings or head file…], "keys": [[file, offset, df, head file, head
//!     offset]…], "words": [folded word…], "refs": [key or [keys]…]}` (`refs[i]` is the key
//!   of `words[i]`; postings and heads end where their content says).
//! - `p/<hash>.bin`, postings: the keys of consecutive vocabulary entries packed together.
//!   One key: its documents, then which of them have each impact level (see
//!   [`encode_postings`]; doc sets as in `encode.rs`). Read when a query has several keys.
//! - `h/<hash>.bin`, heads, packed the same way: one key's best [`HEAD_DOCS`] documents in
//!   rank order and its facet counts (see [`encode_head`]). A query of one key reads its
//!   head only, whose size does not depend on how many documents hold the key.
//! - `d/<hash>/<n>.json`, document shards: [`DOCS_PER_SHARD`] consecutive documents, each
//!   `[title, url, municipality, summary, [excerpt sentences], [facet values], [section…]]`
//!   and, for a content page (documents from `caseStudies` on), an eighth item `"page"`.
//!   Facet values are numbered across facets in manifest order (region, year, themes… come
//!   from there). A section is `[heading, anchor id, excerpt, words, passages?]`:
//!   `excerpt` is a sentence, or the number of the excerpt sentence it is; `words` the
//!   section's telling words, hashed (see `sections.rs`), as a base64 document set;
//!   `passages`, when present, the numbers of the excerpt sentences in the section. Fetched only for the
//!   results shown. Shard `n` is in folder `docShards.dirs[n / group]`, named by the hash of
//!   the `group` shards it holds.
//! - `f/<facet>.<hash>.bin`, one per facet: for each value of the manifest, in order, a doc
//!   set. Fetched to filter by that facet, or to count facets over a set of documents that
//!   no single key describes (several words); see `static/search-page.js` for when.
//!
//! Everything but the manifest is named by a hash of its content, so files can be cached
//! forever and two builds of the same site are identical byte for byte. Where one file ends
//! and the next begins depends only on the entries near the cut (see [`ends_after`]), and
//! document shards are grouped in folders of their own, so that editing one case study
//! renames the few files that hold it, not every file after it.

use super::encode::{content_hash, hashed_name, put_doc_set, put_varint, short_hash};
use super::facets::Facet;
use super::index::{Excerpts, Index, LEVELS, Posting};
use super::sections::{SECTION_HASH_BITS, Section, base64, encode_words};
use super::tokenize::STOP_WORDS;
use crate::model::{Field, Item, Site};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// Raw size a vocabulary shard grows to on average before a prefix ends it, and the most it
/// may hold (one prefix larger than that is a shard alone).
const VOCAB_SHARD_BYTES: usize = 12 * 1024;
const VOCAB_SHARD_MAX: usize = 2 * VOCAB_SHARD_BYTES;
/// Raw size of a postings file on average, and at most. A query word fetches the whole file
/// its key is in: the other keys there are the price of fewer files. A key of
/// `POSTINGS_ALONE` bytes or more has a file to itself, so a common word, whose postings
/// are large already, brings nothing else (at 10,000 case studies `accueil` came with 18 KB
/// of its neighbours' postings, three times its own).
const POSTINGS_FILE_BYTES: usize = 8 * 1024;
const POSTINGS_FILE_MAX: usize = 2 * POSTINGS_FILE_BYTES;
const POSTINGS_ALONE: usize = POSTINGS_FILE_BYTES / 4;
/// Heads are about 300 bytes each (most of it facet counts), and a one-word query reads one
/// head file: files of four heads or so keep that near what the head costs (at 4 KB, the
/// neighbours' heads cost a one-word query more than the postings they spare, at 10,000).
const HEAD_FILE_BYTES: usize = 1024;
const HEAD_FILE_MAX: usize = 2 * HEAD_FILE_BYTES;
/// Documents in a key's head: two pages of results, so that a one-word query and its "more"
/// read the head only.
pub const HEAD_DOCS: usize = 20;
/// Documents per document shard. A query fetches one shard per result shown, so this, not
/// the size of the site, sets what result details cost: the number stays the same at any
/// size so that bytes per query do not grow with the collection.
pub const DOCS_PER_SHARD: usize = 4;
/// Most folders of document shards: the manifest lists them all (13 bytes each).
const MAX_SHARD_GROUPS: usize = 256;
/// Format version, checked by the browser.
pub const VERSION: u32 = 3;

/// Takes each file of the index as it is made: its path under `search/` and its bytes.
/// Handed over one by one rather than returned together: at 100,000 case studies, the
/// document shards alone are 160 MB.
pub type Put<'p> = dyn FnMut(String, Vec<u8>) + 'p;

/// Makes the index's files into `put`, the manifest last. `doc_values`: as
/// [`doc_values`] made them for the index's documents; `doc_shards`: what
/// [`DocShards::finish`] returned. The index goes as its files are made: its postings once
/// written.
pub fn files(
    site: &Site,
    index: Index,
    facets: &[Facet],
    doc_values: &[Vec<u32>],
    doc_shards: Json,
    put: &mut Put<'_>,
) {
    let postings = postings_files(&index, facets, doc_values, put);
    let vocab = vocab_files(&index, &postings, put);
    drop(postings);
    let facet_files = facet_files(facets, put);
    let manifest = json!({
        "version": VERSION,
        "docs": index.doc_count,
        "caseStudies": index.case_studies,
        "sectionBits": SECTION_HASH_BITS,
        "levels": LEVELS,
        "headDocs": HEAD_DOCS,
        "language": site.config.config.language,
        // The others are served under `/<lang>/`: a result's language is read from its URL.
        "languages": site.config.config.languages,
        "hidden": hidden_by_language(site),
        "stopWords": STOP_WORDS,
        "vocab": vocab,
        "docShards": doc_shards,
        "facets": {
            "list": facets.iter().zip(&facet_files).map(|(f, file)| json!({
                "name": f.name,
                "param": f.param,
                "aliases": f.aliases,
                "file": file,
                "values": f.values.iter().map(|v| {
                    let mut value = json!({
                        "id": v.id, "label": v.label, "url": v.url, "count": v.docs.len(),
                    });
                    // Only the labels that differ, so a site in one language pays nothing.
                    if !v.labels.is_empty() {
                        value["labels"] = (v.labels.iter())
                            .map(|(lang, label)| (lang.clone(), Json::from(label.as_str())))
                            .collect::<serde_json::Map<_, _>>()
                            .into();
                    }
                    value
                }).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        },
    });
    put("manifest.json".into(), to_json(&manifest));
}

/// For each language of the site, the documents its search page leaves out, so that a
/// translated case study (or page) is one result: the version in the page's language, else
/// the default language's, as the lists show it. Each is a base64 document set
/// (`put_doc_set`); a language that leaves out nothing has none, so a site without
/// translations pays nothing. Documents are numbered as in `doc_files`.
pub fn hidden_by_language(site: &Site) -> serde_json::Map<String, Json> {
    let config = &site.config.config;
    let has = |item: &Item, lang: &str| item.translations.iter().any(|(l, _)| l == lang);
    let mut hidden = serde_json::Map::new();
    for lang in &config.languages {
        let docs: Vec<u32> = (site.items().zip(0u32..))
            .filter(|(item, _)| {
                let own = item.entry.lang.as_str();
                own != lang
                    && (has(item, lang) || (own != config.language && has(item, &config.language)))
            })
            .map(|(_, doc)| doc)
            .collect();
        if !docs.is_empty() {
            let mut bytes = Vec::new();
            put_doc_set(&mut bytes, &docs);
            hidden.insert(lang.clone(), Json::from(base64(&bytes)));
        }
    }
    hidden
}

/// Document shards per folder: about the square root of their number, so that the list in
/// the manifest and the files one edit renames stay small together (50 of each at 10,000
/// case studies, 159 at 100,000), and at most [`MAX_SHARD_GROUPS`] folders.
pub fn shards_per_group(shard_count: usize) -> usize {
    let root = (shard_count as f64).sqrt().ceil() as usize;
    root.max(shard_count.div_ceil(MAX_SHARD_GROUPS)).max(1)
}

fn to_json(value: &Json) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON values serialise")
}

/// Whether a file should end after an entry named `name` of `size` bytes, so that files
/// hold `target` bytes on average. The chance is `size / target`, decided by a hash of the
/// name: a cut depends on that entry alone, so adding, removing or resizing an entry moves
/// no cut elsewhere and renames only the file it is in (packing to a fixed size would move
/// every later cut, and rename every later file, for one word added).
fn ends_after(name: &str, size: usize, target: usize) -> bool {
    // FNV's low bits mix poorly on short names: finish with SplitMix64's mixer.
    let mut h = content_hash(name.as_bytes());
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    // h / 2^64 < size / target, in integers: (h >> 32) * target < size << 32.
    u128::from(h >> 32) * (target as u128) < (size as u128) << 32
}

/// Where a blob is: (file number, offset).
struct Located {
    file: u32,
    offset: u32,
}

/// Where each key's postings and head are, and the names of the files they are in.
struct Packed {
    names: Vec<String>,
    postings: Vec<Located>,
    heads: Vec<Located>,
}

/// Each document's facet values, numbered across facets in manifest order, sorted.
pub fn doc_values(doc_count: usize, facets: &[Facet]) -> Vec<Vec<u32>> {
    let mut doc_values: Vec<Vec<u32>> = vec![Vec::new(); doc_count];
    for (number, value) in facets.iter().flat_map(|f| &f.values).enumerate() {
        for &doc in &value.docs {
            doc_values[doc as usize].push(number as u32);
        }
    }
    doc_values
}

/// Packs the keys' postings, in key order, into files of about `POSTINGS_FILE_BYTES`, and
/// their heads into files of about `HEAD_FILE_BYTES`.
fn postings_files(
    index: &Index,
    facets: &[Facet],
    doc_values: &[Vec<u32>],
    put: &mut Put<'_>,
) -> Packed {
    use rayon::prelude::*;
    let value_count: usize = facets.iter().map(|f| f.values.len()).sum();
    let (bodies, heads): (Vec<Vec<u8>>, Vec<Vec<u8>>) = index
        .keys
        .par_iter()
        .map(|key| {
            let mut counts = vec![0u32; value_count];
            for doc in key.postings.iter().map(|p| p.doc()) {
                for &value in &doc_values[doc as usize] {
                    counts[value as usize] += 1;
                }
            }
            (
                encode_postings(&key.postings),
                encode_head(&key.postings, &counts),
            )
        })
        .unzip();
    let texts: Vec<&str> = index.keys.iter().map(|k| k.text.as_str()).collect();
    let mut names = Vec::new();
    let postings = pack(
        "p/",
        &texts,
        bodies,
        (POSTINGS_FILE_BYTES, POSTINGS_FILE_MAX, POSTINGS_ALONE),
        &mut names,
        put,
    );
    let heads = pack(
        "h/",
        &texts,
        heads,
        (HEAD_FILE_BYTES, HEAD_FILE_MAX, usize::MAX),
        &mut names,
        put,
    );
    Packed {
        names,
        postings,
        heads,
    }
}

/// Packs blobs, in order, into files named `<folder><hash>.bin` of about `target` bytes, at
/// most `max`, a blob of `alone` bytes or more in a file of its own; cuts where
/// [`ends_after`] says. Appends the names to `names`; returns where each blob is.
fn pack(
    folder: &str,
    texts: &[&str],
    blobs: Vec<Vec<u8>>,
    (target, max, alone): (usize, usize, usize),
    names: &mut Vec<String>,
    put: &mut Put<'_>,
) -> Vec<Located> {
    let mut located = Vec::with_capacity(blobs.len());
    let mut current: Vec<u8> = Vec::new();
    let mut flush = |current: &mut Vec<u8>, names: &mut Vec<String>| {
        if !current.is_empty() {
            let name = format!("{folder}{}.bin", short_hash(current));
            put(name.clone(), std::mem::take(current));
            names.push(name);
        }
    };
    for (text, blob) in texts.iter().zip(blobs) {
        let by_itself = blob.len() >= alone;
        if !current.is_empty() && (by_itself || current.len() + blob.len() > max) {
            flush(&mut current, names);
        }
        located.push(Located {
            file: names.len() as u32,
            offset: current.len() as u32,
        });
        current.extend_from_slice(&blob);
        if by_itself || ends_after(text, blob.len(), target) {
            flush(&mut current, names);
        }
    }
    flush(&mut current, names);
    located
}

/// One key's head: its best [`HEAD_DOCS`] documents, `count, (level, document)…` in rank
/// order (highest level first, then the site's order), then how many of its documents have
/// each facet value (`count, (value gap, n)…` for the values present; values numbered
/// across facets in manifest order). With it a query of that one key shows its first two
/// pages of results and its facet counts whatever the number of documents that hold it:
/// the total is its df, which the vocabulary gives.
pub fn encode_head(postings: &[Posting], facet_counts: &[u32]) -> Vec<u8> {
    let mut best: Vec<(u32, u8)> = postings.iter().map(|p| (p.doc(), p.level())).collect();
    best.sort_by_key(|&(doc, level)| (std::cmp::Reverse(level), doc));
    best.truncate(HEAD_DOCS);
    let mut out = Vec::new();
    put_varint(&mut out, best.len() as u64);
    for (doc, level) in best {
        out.push(level);
        put_varint(&mut out, u64::from(doc));
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

/// One key's postings: df, the number of impact levels, the key's documents as one doc
/// set, then each level: its byte and which of the documents not yet given a level have it,
/// as a set of positions among them; the last level, the most common, takes the documents
/// left and costs nothing. Levels come from the rarest to the most common, so each set is
/// sparse where it can be. Coding each level's documents among those left, rather than
/// among all documents, costs about the entropy of the levels: a third less than a set per
/// level over the whole collection for a key in most documents.
pub fn encode_postings(postings: &[Posting]) -> Vec<u8> {
    let mut by_level: BTreeMap<u8, Vec<u32>> = BTreeMap::new();
    for posting in postings {
        by_level
            .entry(posting.level())
            .or_default()
            .push(posting.doc());
    }
    let mut levels: Vec<(u8, Vec<u32>)> = by_level.into_iter().collect();
    levels.sort_by_key(|(level, docs)| (docs.len(), std::cmp::Reverse(*level)));
    let mut out = Vec::new();
    put_varint(&mut out, postings.len() as u64);
    put_varint(&mut out, levels.len() as u64);
    let mut left: Vec<u32> = postings.iter().map(|p| p.doc()).collect();
    put_doc_set(&mut out, &left);
    let last = levels.len().saturating_sub(1);
    for (i, (level, docs)) in levels.iter().enumerate() {
        out.push(*level);
        if i == last {
            break;
        }
        // Both lists are sorted: one walk finds the positions and what is left after.
        let mut positions = Vec::with_capacity(docs.len());
        let mut rest = Vec::with_capacity(left.len() - docs.len());
        let mut wanted = docs.iter().peekable();
        for (position, &doc) in left.iter().enumerate() {
            if wanted.peek() == Some(&&doc) {
                wanted.next();
                positions.push(position as u32);
            } else {
                rest.push(doc);
            }
        }
        put_doc_set(&mut out, &positions);
        left = rest;
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
fn vocab_files(index: &Index, packed: &Packed, put: &mut Put<'_>) -> Vec<Json> {
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
    // Whole prefixes per shard, cut where `ends_after` says (see there why).
    let mut shards: Vec<Json> = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, (prefix, range)) in groups.iter().enumerate() {
        let group_size = estimate(range);
        if i > start && size + group_size > VOCAB_SHARD_MAX {
            shards.push(vocab_shard_file(index, &groups[start..i], packed, put));
            start = i;
            size = 0;
        }
        size += group_size;
        if ends_after(prefix, group_size, VOCAB_SHARD_BYTES) || i + 1 == groups.len() {
            shards.push(vocab_shard_file(index, &groups[start..=i], packed, put));
            start = i + 1;
            size = 0;
        }
    }
    shards
}

/// Writes the vocabulary shard of consecutive prefix groups; returns its manifest entry.
fn vocab_shard_file(
    index: &Index,
    groups: &[(&str, std::ops::Range<usize>)],
    packed: &Packed,
    put: &mut Put<'_>,
) -> Json {
    let (first, last) = (groups[0].0, groups[groups.len() - 1].0);
    let words = groups[0].1.start..groups[groups.len() - 1].1.end;
    let bytes = vocab_shard(index, words, packed);
    let name = format!("v/{}", hashed_name(&file_safe(first), &bytes, "json"));
    put(name.clone(), bytes);
    json!([first, last, name])
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

fn vocab_shard(index: &Index, words: std::ops::Range<usize>, packed: &Packed) -> Vec<u8> {
    let words = &index.words[words];
    let mut key_slots: BTreeMap<u32, usize> = BTreeMap::new();
    for word in words {
        for &key in &word.keys {
            key_slots.insert(key, 0);
        }
    }
    let mut file_slots: BTreeMap<u32, usize> = BTreeMap::new();
    for key in key_slots.keys() {
        file_slots.insert(packed.postings[*key as usize].file, 0);
        file_slots.insert(packed.heads[*key as usize].file, 0);
    }
    let files: Vec<&str> = file_slots
        .keys()
        .map(|&f| packed.names[f as usize].as_str())
        .collect();
    for (slot, value) in file_slots.values_mut().enumerate() {
        *value = slot;
    }
    let mut keys = Vec::new();
    for (slot, (key, value)) in key_slots.iter_mut().enumerate() {
        *value = slot;
        let (at, head) = (
            &packed.postings[*key as usize],
            &packed.heads[*key as usize],
        );
        keys.push(json!([
            file_slots[&at.file],
            at.offset,
            index.keys[*key as usize].postings.len(),
            file_slots[&head.file],
            head.offset,
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
    let values = item
        .fields
        .get(field)
        .map(Field::values)
        .unwrap_or_default();
    let labels: Vec<String> = values.iter().filter_map(Field::label).collect();
    labels.join(", ")
}

/// Writes the document shards as the index hands over each document's excerpts, in
/// order: [`DOCS_PER_SHARD`] documents a shard, in folders of [`shards_per_group`] shards
/// named by a hash of what they hold. A folder is written as soon as its last document
/// comes, so that no more than one folder's documents wait (all of them together were 22 MB
/// at 10,000 case studies). An edit to one case study renames one folder: the other
/// shards keep their names and bytes, so a deploy uploads one folder, not the whole index.
pub struct DocShards<'s> {
    base: &'s str,
    /// Case studies, then content pages: document `n` is `items[n]`.
    items: Vec<&'s Item>,
    case_studies: usize,
    doc_values: &'s [Vec<u32>],
    per_group: usize,
    /// The next document's number.
    next: usize,
    /// The documents of the shard being filled, and the shards of the folder being filled.
    shard: Vec<Json>,
    group: Vec<Vec<u8>>,
    /// The number of the folder's first shard.
    group_first: usize,
    dirs: Vec<String>,
}

impl<'s> DocShards<'s> {
    /// `doc_values`: each document's facet values (see [`doc_values`]).
    pub fn new(site: &'s Site, doc_values: &'s [Vec<u32>]) -> Self {
        let items: Vec<&Item> = site.items().collect();
        let per_group = shards_per_group(items.len().div_ceil(DOCS_PER_SHARD));
        DocShards {
            base: site.base_path.as_str(),
            items,
            case_studies: site.case_studies.len(),
            doc_values,
            per_group,
            next: 0,
            shard: Vec::with_capacity(DOCS_PER_SHARD),
            group: Vec::with_capacity(per_group),
            group_first: 0,
            dirs: Vec::new(),
        }
    }

    /// Takes the next document's excerpts. Documents beyond the site's are ignored.
    pub fn push(&mut self, excerpts: Excerpts, put: &mut Put<'_>) {
        let number = self.next;
        let Some(item) = self.items.get(number) else {
            return;
        };
        self.next += 1;
        let Excerpts { passages, sections } = excerpts;
        let sections: Vec<Json> = (sections.iter())
            .map(|section| section_json(section, &passages))
            .collect();
        let mut doc = vec![
            json!(item.entry.title),
            json!(item.url.strip_prefix(self.base).unwrap_or(&item.url)),
            json!(labels(item, "municipality")),
            json!(item.entry.summary),
            json!(passages),
            json!(self.doc_values.get(number)),
            json!(sections),
        ];
        if number >= self.case_studies {
            doc.push(json!("page"));
        }
        self.shard.push(Json::Array(doc));
        if self.shard.len() == DOCS_PER_SHARD {
            self.end_shard();
            if self.group.len() == self.per_group {
                self.end_group(put);
            }
        }
    }

    fn end_shard(&mut self) {
        if !self.shard.is_empty() {
            let docs = std::mem::take(&mut self.shard);
            self.group.push(to_json(&Json::Array(docs)));
        }
    }

    fn end_group(&mut self, put: &mut Put<'_>) {
        if self.group.is_empty() {
            return;
        }
        // The folder's name covers the shards' numbers too: the same documents at other
        // positions are other files.
        let mut all = (self.group_first as u64).to_le_bytes().to_vec();
        for shard in &self.group {
            all.extend_from_slice(&content_hash(shard).to_le_bytes());
        }
        let dir = format!("d/{}/", short_hash(&all));
        for bytes in std::mem::take(&mut self.group) {
            put(format!("{dir}{}.json", self.group_first), bytes);
            self.group_first += 1;
        }
        self.dirs.push(dir);
    }

    /// Writes what is left and returns the manifest's `docShards`: `{"size": documents a
    /// shard, "group": shards a folder, "dirs": [folder…]}`.
    pub fn finish(mut self, put: &mut Put<'_>) -> Json {
        self.end_shard();
        self.end_group(put);
        json!({"size": DOCS_PER_SHARD, "group": self.per_group, "dirs": self.dirs})
    }
}

/// A section of a document's shard entry: title, anchor, excerpt, telling words and the
/// excerpt sentences it holds. An excerpt that is one of the document's excerpt sentences
/// already is sent once, as its position.
fn section_json(section: &Section, passages: &[String]) -> Json {
    let excerpt = match passages.iter().position(|p| *p == section.excerpt) {
        Some(at) => json!(at),
        None => json!(section.excerpt),
    };
    let mut entry = vec![
        json!(section.title),
        json!(section.id),
        excerpt,
        json!(encode_words(&section.words)),
    ];
    if !section.passages.is_empty() {
        entry.push(json!(section.passages));
    }
    Json::Array(entry)
}

/// One file per facet: its values' document sets, in manifest order. Returns the names.
fn facet_files(facets: &[Facet], put: &mut Put<'_>) -> Vec<String> {
    facets
        .iter()
        .map(|facet| {
            let mut bytes = Vec::new();
            for value in &facet.values {
                put_doc_set(&mut bytes, &value.docs);
            }
            let name = format!("f/{}", hashed_name(&file_safe(&facet.param), &bytes, "bin"));
            put(name.clone(), bytes);
            name
        })
        .collect()
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
    fn postings_code_each_level_among_the_documents_left() {
        let postings = [(1, 3), (4, 15), (9, 3), (12, 7), (20, 3)].map(|(d, l)| Posting::new(d, l));
        let bytes = encode_postings(&postings);
        let mut at = 0;
        assert_eq!(get_varint(&bytes, &mut at), Some(5));
        assert_eq!(get_varint(&bytes, &mut at), Some(3));
        let mut left = get_doc_set(&bytes, &mut at).unwrap();
        assert_eq!(left, [1, 4, 9, 12, 20]);
        let mut levels = Vec::new();
        for i in 0..3 {
            let level = bytes[at];
            at += 1;
            if i == 2 {
                levels.push((level, left.clone()));
                break;
            }
            let positions = get_doc_set(&bytes, &mut at).unwrap();
            let docs: Vec<u32> = positions.iter().map(|&p| left[p as usize]).collect();
            left.retain(|d| !docs.contains(d));
            levels.push((level, docs));
        }
        // The rarest first (ties: the higher level first); the most common level is implied.
        assert_eq!(levels, [(15, vec![4]), (7, vec![12]), (3, vec![1, 9, 20])]);
        assert_eq!(at, bytes.len());
    }

    #[test]
    fn a_head_holds_the_best_documents_in_rank_order_and_the_facet_counts() {
        let mut postings: Vec<Posting> = [(1, 3), (4, 15), (9, 3), (12, 7), (20, 15)]
            .map(|(d, l)| Posting::new(d, l))
            .to_vec();
        postings.extend((100..200).map(|d| Posting::new(d, 1)));
        let bytes = encode_head(&postings, &[0, 2, 0, 0, 4]);
        let mut at = 0;
        assert_eq!(get_varint(&bytes, &mut at), Some(HEAD_DOCS as u64));
        let mut best = Vec::new();
        for _ in 0..HEAD_DOCS {
            let level = bytes[at];
            at += 1;
            best.push((get_varint(&bytes, &mut at).unwrap() as u32, level));
        }
        assert_eq!(
            best[..6],
            [(4, 15), (20, 15), (12, 7), (1, 3), (9, 3), (100, 1)]
        );
        assert_eq!(best[HEAD_DOCS - 1], (114, 1));
        let counts: Vec<u64> = (0..5).map_while(|_| get_varint(&bytes, &mut at)).collect();
        assert_eq!(
            counts,
            [2, 1, 2, 2, 4],
            "two values: #1 (2 docs), #4 (gap 2, 4 docs)"
        );
        assert_eq!(at, bytes.len());
        // A head costs the same whatever the number of documents of the key.
        let many: Vec<Posting> = (0..50_000)
            .map(|d| Posting::new(d * 2, 1 + (d % 4) as u8 * 4))
            .collect();
        assert!(encode_head(&many, &[]).len() <= 1 + HEAD_DOCS * 4 + 1);
    }

    #[test]
    fn a_common_key_costs_about_the_entropy_of_its_levels() {
        // 9,000 of 10,000 documents, levels in thirds: before, one set per level over all
        // documents cost about 1.5 times this.
        let postings: Vec<Posting> = (0..10_000u32)
            .filter(|d| d % 10 != 0)
            .map(|d| {
                Posting::new(
                    d,
                    [8, 11, 15][(d.wrapping_mul(2_654_435_761) >> 7) as usize % 3],
                )
            })
            .collect();
        let bytes = encode_postings(&postings);
        let entropy = (10_000.0 * 0.469 + 9_000.0 * 3f64.log2()) / 8.0;
        assert!(
            (bytes.len() as f64) < 1.1 * entropy,
            "{} bytes, entropy {entropy:.0}",
            bytes.len()
        );
    }

    #[test]
    fn a_large_key_has_its_postings_file_to_itself() {
        // Before, `accueil` (5.5 KB of postings at 10,000 case studies) shared a 24 KB file
        // with its neighbours, and a query for it fetched them all.
        use crate::search::index::Key;
        let key = |text: &str, docs: u32, step: u32| Key {
            text: text.to_string(),
            postings: (0..docs)
                .map(|d| Posting::new(d * step, 1 + (d % 15) as u8))
                .collect(),
        };
        let mut keys: Vec<Key> = (0..400).map(|i| key(&format!("a{i:03}"), 3, 97)).collect();
        keys.insert(200, key("a199z", 4_000, 2));
        let index = Index {
            doc_count: 10_000,
            case_studies: 10_000,
            keys,
            words: Vec::new(),
        };
        let mut files = BTreeMap::new();
        let doc_values = vec![Vec::new(); index.doc_count];
        let mut put = |name, bytes| {
            files.insert(name, bytes);
        };
        let packed = postings_files(&index, &[], &doc_values, &mut put);
        let (names, located) = (&packed.names, &packed.postings);
        let big = &located[200];
        let file = &files[&names[big.file as usize]];
        assert!(file.len() >= POSTINGS_ALONE, "{}", file.len());
        assert_eq!(big.offset, 0);
        assert!(located[199].file != big.file && located[201].file != big.file);
        // The small keys share files, none larger than the most a file may hold.
        assert!(names.len() < 100, "{} files", names.len());
        assert!(
            files
                .iter()
                .all(|(name, f)| f.len() <= POSTINGS_FILE_MAX || *name == names[big.file as usize])
        );
    }

    #[test]
    fn shard_folders_grow_as_the_square_root_and_stay_few() {
        assert_eq!(shards_per_group(0), 1);
        assert_eq!(shards_per_group(1), 1);
        assert_eq!(shards_per_group(2_500), 50);
        assert_eq!(shards_per_group(25_000), 159);
        for shards in [1usize, 7, 2_500, 25_000, 250_000, 10_000_000] {
            assert!(shards.div_ceil(shards_per_group(shards)) <= MAX_SHARD_GROUPS);
        }
    }

    #[test]
    fn cuts_are_chosen_by_each_entry_alone_at_the_target_rate() {
        // About size / target of the entries end a file, whatever their neighbours.
        let names: Vec<String> = (0..20_000).map(|i| format!("mot{i}")).collect();
        let cuts = names
            .iter()
            .filter(|n| ends_after(n, 1024, 8 * 1024))
            .count();
        assert!(
            (2_200..2_800).contains(&cuts),
            "{cuts} cuts, expected about 2,500"
        );
        assert!(names.iter().all(|n| ends_after(n, 9 * 1024, 8 * 1024)));
        assert!(names.iter().all(|n| !ends_after(n, 0, 8 * 1024)));
    }
}
