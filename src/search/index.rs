//! The inverted index, in memory: every case study read into weighted fields, every word
//! reduced to its key (the folded stem), and for each key the case studies that hold it with
//! a quantized BM25F impact. `shard.rs` cuts it into files.
//!
//! Documents are numbered in the site's order (newest first), so a number is also a rank for
//! browsing and a year is a run of consecutive numbers. The content pages (about,
//! methodology) come after the case studies: found by words like them, but in no facet.

use super::encode::{get_varint, put_varint};
use super::sections::{self, Head, SECTION_EXCERPT_MAX, SECTION_WORDS, Section};
use super::tokenize::{KeyCache, TokenRef, for_each_token, is_stop_word};
use crate::config::{FieldSpec, FieldType};
use crate::model::{Field as FieldValue, Item, Site};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The parts of a case study, from the most to the least telling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title = 0,
    Summary = 1,
    /// Controlled vocabularies and taxonomies: themes, region, municipality, target groups…
    Labels = 2,
    /// Other short text fields: partners, outcomes, lessons, tags, MRC…
    Other = 3,
    Body = 4,
}

pub const FIELDS: usize = 5;
/// BM25F weight of one occurrence in each field.
const WEIGHTS: [f32; FIELDS] = [8.0, 4.0, 3.0, 1.5, 1.0];
/// BM25F length normalisation of each field (0: none).
const LENGTH_NORMALISATION: [f32; FIELDS] = [0.5, 0.5, 0.0, 0.5, 0.75];
/// BM25 term-frequency saturation.
const K1: f32 = 2.0;
/// Impacts are stored as levels 1..=LEVELS (4 bits of precision is plenty for ranking).
pub const LEVELS: u8 = 15;
/// A common key keeps fewer distinct levels: a level step is worth `idf / levels` of score,
/// and a key keeps just enough levels for that step to be at most `MAX_LEVEL_STEP` (the
/// step of a key in 5 % of the documents at full precision), and at least `MIN_LEVELS`,
/// which still tell a title from a summary from a label from the body. The level of each
/// posting is most of a common key's bytes (`accueil`, in 92 % of the case studies: 3.2 of
/// its 4.9 bits a posting), and such a key weighs little in a score: fewer levels cut the
/// bytes that grow with the collection where ranking loses least.
const MAX_LEVEL_STEP: f32 = 0.2;
const MIN_LEVELS: u8 = 4;
/// Longer words (URLs, hashes) are not worth a vocabulary entry.
const MAX_WORD_BYTES: usize = 40;
/// Case studies analysed together, each group with its own caches; also the unit of
/// parallelism.
const CHUNK: usize = 256;
/// Chunks read in parallel before their words join the site's vocabulary (see
/// [`build_with`]).
const WAVE: usize = 16;
/// Body text kept per case study for result excerpts, in characters (besides the summary).
const PASSAGE_BUDGET: usize = 360;
/// The same for a content page. Pages are few (about, methodology) and long, and a query
/// word is often deep in them (a table of the themes, a list of sources): without more of
/// their text, the result would show no match. Bytes are spent only when a page is shown,
/// whatever the size of the collection.
const PAGE_PASSAGE_BUDGET: usize = 4_000;
/// Longest single excerpt sentence, in characters.
const PASSAGE_MAX: usize = 240;

/// A key (folded stem) and where it occurs.
#[derive(Debug, Clone)]
pub struct Key {
    pub text: String,
    /// By document.
    pub postings: Vec<Posting>,
}

/// One document that holds a key, with the key's impact level in it, in 4 bytes: as a
/// `(u32, u8)` it took 8, and at 100,000 case studies every posting together was 265 MB.
/// Documents are numbered below 2^28 (268 million), levels 1..=[`LEVELS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting(u32);

impl Posting {
    const LEVEL_BITS: u32 = 4;

    pub fn new(doc: u32, level: u8) -> Self {
        Posting(doc << Self::LEVEL_BITS | u32::from(level) & ((1 << Self::LEVEL_BITS) - 1))
    }

    pub fn doc(self) -> u32 {
        self.0 >> Self::LEVEL_BITS
    }

    pub fn level(self) -> u8 {
        (self.0 & ((1 << Self::LEVEL_BITS) - 1)) as u8
    }
}

/// A folded word as it appears in the text, and the keys it stands for (usually one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub folded: String,
    /// Indexes into [`Index::keys`].
    pub keys: Vec<u32>,
    /// A function word ("des", "la"): a query ignores it when it has other words.
    pub stop: bool,
}

#[derive(Debug, Clone)]
pub struct Index {
    /// Case studies and content pages.
    pub doc_count: usize,
    /// Documents `0..case_studies` are the case studies; the rest are content pages.
    pub case_studies: usize,
    /// Sorted by text.
    pub keys: Vec<Key>,
    /// Sorted by folded form.
    pub words: Vec<Word>,
}

/// What a document's entry in the search results shows besides its fields, made while the
/// index is built and handed over at once (see [`build_with`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Excerpts {
    /// The body sentences kept for excerpts, in reading order.
    pub passages: Vec<String>,
    /// The sections its headings start, for sub-results.
    pub sections: Vec<Section>,
}

impl Index {
    /// The key of a folded word, if the word occurs in the site.
    pub fn word(&self, folded: &str) -> Option<&Word> {
        self.words
            .binary_search_by(|w| w.folded.as_str().cmp(folded))
            .ok()
            .map(|i| &self.words[i])
    }

    pub fn key(&self, text: &str) -> Option<&Key> {
        self.keys
            .binary_search_by(|k| k.text.as_str().cmp(text))
            .ok()
            .map(|i| &self.keys[i])
    }
}

/// The text of one case study, field by field, borrowed from the site model.
struct Source<'a> {
    lang: &'a str,
    fields: [Vec<&'a str>; FIELDS],
}

/// The text of a document, its body's text unpacked in `body`; `case_study` says whether its
/// fields follow the site's schema (a content page has a title, a summary and a body only).
fn source<'a>(site: &'a Site, item: &'a Item, body: &'a str, case_study: bool) -> Source<'a> {
    let mut fields: [Vec<&str>; FIELDS] = Default::default();
    fields[Field::Title as usize].push(&item.entry.title);
    fields[Field::Summary as usize].push(&item.entry.summary);
    fields[Field::Body as usize].push(body);
    if !case_study {
        return Source {
            lang: &item.entry.lang,
            fields,
        };
    }
    let config = &site.config.config;
    // A taxonomy may name a sub-field (`funding.program`): its top field holds labels.
    let is_taxonomy =
        |name: &str| (config.taxonomies.iter()).any(|t| t.field.split('.').next() == Some(name));
    for (name, spec) in &config.fields {
        if matches!(
            name.as_str(),
            "title" | "summary" | "lang" | "translation_key"
        ) {
            continue;
        }
        let Some(value) = item.fields.get(name) else {
            continue;
        };
        let field = if is_taxonomy(name) {
            Field::Labels
        } else {
            Field::Other
        };
        collect_text(value, spec, field, &mut fields);
    }
    Source {
        lang: &item.entry.lang,
        fields,
    }
}

/// Walks a field value according to its spec, collecting the text worth searching.
fn collect_text<'a>(
    value: &'a FieldValue,
    spec: &FieldSpec,
    field: Field,
    out: &mut [Vec<&'a str>; FIELDS],
) {
    match value {
        FieldValue::List(items) => {
            for item in items {
                collect_text(item, spec, field, out);
            }
        }
        _ => match spec.kind {
            FieldType::Vocabulary => {
                if let Some(label) = value.get("label").and_then(FieldValue::as_str) {
                    out[Field::Labels as usize].push(label);
                }
            }
            FieldType::String => {
                let text = value
                    .as_str()
                    .or_else(|| value.get("label").and_then(FieldValue::as_str));
                if let Some(text) = text {
                    out[field as usize].push(text);
                }
            }
            FieldType::Object => {
                for (name, sub) in &spec.fields {
                    if let Some(inner) = value.get(name) {
                        collect_text(inner, sub, field, out);
                    }
                }
            }
            _ => {}
        },
    }
}

/// Strings numbered in the order they are first seen.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    items: Vec<String>,
}

impl Interner {
    fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.items.len() as u32;
        self.ids.insert(text.to_string(), id);
        self.items.push(text.to_string());
        id
    }
}

/// The words of the site, gathered from its chunks as they are read: each key numbered in
/// the order it is first seen, until [`Vocabulary::number`] sorts them.
#[derive(Default)]
struct Vocabulary {
    keys: HashMap<String, u32>,
    /// Folded word → the first-seen numbers of its keys.
    surfaces: HashMap<String, Vec<u32>>,
}

impl Vocabulary {
    /// Adds a chunk's words; returns the first-seen number of each of its chunk-local keys.
    fn add(&mut self, chunk: &ChunkOutput) -> Vec<u32> {
        let numbers: Vec<u32> = (chunk.keys.iter())
            .map(|key| match self.keys.get(key.as_str()) {
                Some(&number) => number,
                None => {
                    let number = self.keys.len() as u32;
                    self.keys.insert(key.clone(), number);
                    number
                }
            })
            .collect();
        for &(surface, key) in &chunk.pairs {
            let Some(surface) = chunk.surfaces.get(surface as usize) else {
                continue;
            };
            let Some(&key) = numbers.get(key as usize) else {
                continue;
            };
            let keys = match self.surfaces.get_mut(surface.as_str()) {
                Some(keys) => keys,
                None => self.surfaces.entry(surface.clone()).or_default(),
            };
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        numbers
    }

    /// The keys' texts sorted, the words sorted with their keys, and for each first-seen
    /// number the key's place in the sorted texts.
    fn number(self) -> (Vec<String>, Vec<Word>, Vec<u32>) {
        let mut keys: Vec<(String, u32)> = self.keys.into_iter().collect();
        keys.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut final_numbers = vec![0u32; keys.len()];
        for (rank, (_, first_seen)) in keys.iter().enumerate() {
            final_numbers[*first_seen as usize] = rank as u32;
        }
        let key_texts = keys.into_iter().map(|(text, _)| text).collect();
        let mut words: Vec<Word> = (self.surfaces.into_iter())
            .map(|(folded, keys)| {
                let mut keys: Vec<u32> = keys.iter().map(|&k| final_numbers[k as usize]).collect();
                keys.sort_unstable();
                Word {
                    stop: is_stop_word(&folded),
                    folded,
                    keys,
                }
            })
            .collect();
        words.par_sort_unstable_by(|a, b| a.folded.cmp(&b.folded));
        (key_texts, words, final_numbers)
    }
}

/// A body sentence: its byte range and the terms in it (as a range of
/// `Analysis::sentence_terms`).
struct Sentence {
    start: u32,
    end: u32,
    keys_end: u32,
}

/// One document read: its keys with per-field counts, field lengths, and body sentences.
struct Analysis {
    /// (chunk-local key, occurrences per field), by key.
    terms: Vec<(u32, [u8; FIELDS])>,
    lengths: [u32; FIELDS],
    sentences: Vec<Sentence>,
    /// The distinct terms of each sentence, as positions in `terms`, in order.
    sentence_terms: Vec<u32>,
}

/// An analysis as it waits for every other document to be read (document frequencies and
/// average lengths are known only then): its numbers as varints, keys and term positions
/// as gaps. About a third of the size of an `Analysis` (whose terms take 12 bytes each, and
/// sentence terms 4): at 100,000 case studies, every analysis held at once was over 700 MB.
struct StoredAnalysis {
    bytes: Box<[u8]>,
}

impl Analysis {
    fn store(&self) -> StoredAnalysis {
        let mut out = Vec::with_capacity(self.terms.len() * 3 + self.sentence_terms.len() * 2);
        for length in self.lengths {
            put_varint(&mut out, u64::from(length));
        }
        put_varint(&mut out, self.terms.len() as u64);
        let mut previous = 0u32;
        for (key, counts) in &self.terms {
            // Wrapping gaps: exact whatever the order (keys are sorted, so gaps are small).
            put_varint(&mut out, u64::from(key.wrapping_sub(previous)));
            previous = *key;
            // Which fields the term is in (most terms: the body only), then those counts.
            let fields = (counts.iter().enumerate()).fold(0u8, |mask, (field, &count)| {
                mask | (u8::from(count > 0) << field)
            });
            out.push(fields);
            out.extend(counts.iter().filter(|&&count| count > 0));
        }
        put_varint(&mut out, self.sentences.len() as u64);
        let mut terms_start = 0u32;
        for sentence in &self.sentences {
            put_varint(&mut out, u64::from(sentence.start));
            put_varint(
                &mut out,
                u64::from(sentence.end.wrapping_sub(sentence.start)),
            );
            let terms = (self
                .sentence_terms
                .get(terms_start as usize..sentence.keys_end as usize))
            .unwrap_or_default();
            put_varint(&mut out, terms.len() as u64);
            let mut previous = 0u32;
            for &term in terms {
                put_varint(&mut out, u64::from(term.wrapping_sub(previous)));
                previous = term;
            }
            terms_start = sentence.keys_end;
        }
        StoredAnalysis {
            bytes: out.into_boxed_slice(),
        }
    }
}

impl StoredAnalysis {
    /// The analysis as it was stored. Only `store` wrote these bytes: a short read, which
    /// would be a bug, reads zeros rather than failing the build.
    fn load(&self) -> Analysis {
        let mut read = Reader {
            bytes: &self.bytes,
            at: 0,
        };
        let mut lengths = [0u32; FIELDS];
        for length in &mut lengths {
            *length = read.number();
        }
        let count = read.count();
        let mut terms = Vec::with_capacity(count);
        let mut key = 0u32;
        for _ in 0..count {
            key = key.wrapping_add(read.number());
            let fields = read.byte();
            let mut counts = [0u8; FIELDS];
            for (field, count) in counts.iter_mut().enumerate() {
                if fields & (1 << field) != 0 {
                    *count = read.byte();
                }
            }
            terms.push((key, counts));
        }
        let count = read.count();
        let mut sentences = Vec::with_capacity(count);
        let mut sentence_terms = Vec::new();
        for _ in 0..count {
            let start = read.number();
            let end = start.wrapping_add(read.number());
            let mut term = 0u32;
            for _ in 0..read.count() {
                term = term.wrapping_add(read.number());
                sentence_terms.push(term);
            }
            sentences.push(Sentence {
                start,
                end,
                keys_end: sentence_terms.len() as u32,
            });
        }
        Analysis {
            terms,
            lengths,
            sentences,
            sentence_terms,
        }
    }
}

/// Reads what `Analysis::store` wrote; past the end, zeros (see `StoredAnalysis::load`).
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn number(&mut self) -> u32 {
        get_varint(self.bytes, &mut self.at).unwrap_or_default() as u32
    }

    /// A number of items that follow, each at least a byte: never more than the bytes.
    fn count(&mut self) -> usize {
        (self.number() as usize).min(self.bytes.len())
    }

    fn byte(&mut self) -> u8 {
        let byte = self.bytes.get(self.at).copied().unwrap_or_default();
        self.at += 1;
        byte
    }
}

/// What a chunk of documents produced, with chunk-local numbering.
struct ChunkOutput {
    surfaces: Vec<String>,
    keys: Vec<String>,
    /// (surface, key) pairs seen.
    pairs: Vec<(u32, u32)>,
    docs: Vec<StoredAnalysis>,
    /// Per chunk-local key, the documents of the chunk that hold it.
    df: Vec<u32>,
    /// Per field, the sum of the documents' lengths.
    lengths: [u64; FIELDS],
}

struct ChunkState<'a> {
    stemmers: &'a KeyCache,
    /// Word as written → (surface, key), one cache per stemmer language.
    cache: [HashMap<&'a str, (u32, u32)>; 2],
    surfaces: Interner,
    keys: Interner,
    pairs: Vec<(u32, u32)>,
    counts: Vec<[u8; FIELDS]>,
    touched: Vec<u32>,
    /// Chunk-local key → its position in the current document's terms.
    positions: Vec<u32>,
}

impl<'a> ChunkState<'a> {
    fn new(stemmers: &'a KeyCache) -> Self {
        ChunkState {
            stemmers,
            cache: Default::default(),
            surfaces: Interner::default(),
            keys: Interner::default(),
            pairs: Vec::new(),
            counts: Vec::new(),
            touched: Vec::new(),
            positions: Vec::new(),
        }
    }

    /// The chunk-local key of a token of `text`, or `None` for a word too long to index.
    fn key_of(&mut self, text: &'a str, token: &TokenRef<'_>, lang: &str) -> Option<u32> {
        if token.folded.len() > MAX_WORD_BYTES {
            return None;
        }
        let original = &text[token.start..token.end];
        let slot = usize::from(lang == "en");
        if let Some(&(_, key)) = self.cache[slot].get(original) {
            return Some(key);
        }
        let surface = self.surfaces.intern(token.folded);
        let keys = &mut self.keys;
        let key = (self.stemmers).with_key(original, token.folded, lang, |key| keys.intern(key));
        self.pairs.push((surface, key));
        self.cache[slot].insert(original, (surface, key));
        Some(key)
    }

    fn count(&mut self, key: u32, field: usize) {
        let key = key as usize;
        if key >= self.counts.len() {
            self.counts.resize(key + 1, [0; FIELDS]);
        }
        if self.counts[key] == [0; FIELDS] {
            self.touched.push(key as u32);
        }
        self.counts[key][field] = self.counts[key][field].saturating_add(1);
    }

    fn analyse(&mut self, source: &Source<'a>) -> Analysis {
        let mut lengths = [0u32; FIELDS];
        let mut sentences = Vec::new();
        let mut sentence_keys = Vec::new();
        for (field, texts) in source.fields.iter().enumerate() {
            for &text in texts {
                if field == Field::Body as usize {
                    for (start, end) in sentence_ranges(text) {
                        let first_key = sentence_keys.len();
                        let sentence = &text[start..end];
                        for_each_token(sentence, |token| {
                            lengths[field] += 1;
                            if let Some(key) = self.key_of(sentence, &token, source.lang) {
                                self.count(key, field);
                                sentence_keys.push(key);
                            }
                        });
                        let keys = &mut sentence_keys[first_key..];
                        keys.sort_unstable();
                        let distinct = dedup_in_place(keys);
                        sentence_keys.truncate(first_key + distinct);
                        sentences.push(Sentence {
                            start: start as u32,
                            end: end as u32,
                            keys_end: sentence_keys.len() as u32,
                        });
                    }
                } else {
                    for_each_token(text, |token| {
                        lengths[field] += 1;
                        if let Some(key) = self.key_of(text, &token, source.lang) {
                            self.count(key, field);
                        }
                    });
                }
            }
        }
        self.touched.sort_unstable();
        let terms: Vec<(u32, [u8; FIELDS])> = self
            .touched
            .drain(..)
            .map(|key| {
                let counts = std::mem::take(&mut self.counts[key as usize]);
                (key, counts)
            })
            .collect();
        // Sentence keys become positions in `terms` (same order: both are sorted by key), so
        // choosing excerpts indexes arrays instead of searching.
        self.positions.resize(self.counts.len(), 0);
        for (position, (key, _)) in terms.iter().enumerate() {
            self.positions[*key as usize] = position as u32;
        }
        for key in &mut sentence_keys {
            *key = self.positions[*key as usize];
        }
        // Kept until every document is read: without their spare room (sentence keys were
        // pushed before duplicates went) they take a third less.
        sentence_keys.shrink_to_fit();
        sentences.shrink_to_fit();
        Analysis {
            terms,
            lengths,
            sentences,
            sentence_terms: sentence_keys,
        }
    }
}

/// Removes consecutive duplicates from a sorted slice; returns the new length.
fn dedup_in_place(keys: &mut [u32]) -> usize {
    let mut write = 0;
    for read in 0..keys.len() {
        if write == 0 || keys[read] != keys[write - 1] {
            keys[write] = keys[read];
            write += 1;
        }
    }
    write
}

/// Byte ranges of the sentences of a text: lines, cut after `.`, `!`, `?` or `…` followed by
/// a space. Blank sentences are skipped.
pub fn sentence_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut push = |start: usize, end: usize| {
        let piece = &text[start..end];
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let lead = piece.len() - piece.trim_start().len();
            ranges.push((start + lead, start + lead + trimmed.len()));
        }
    };
    // Every byte that can end a sentence is ASCII or the last byte of `…` (E2 80 A6), and
    // UTF-8 never has those bytes inside another character, so the candidates are found
    // with memchr (vectorised): bodies are long and cut points rare.
    let bytes = text.as_bytes();
    let mut candidates: Vec<usize> = memchr::memchr3_iter(b'\n', b'.', b'?', bytes).collect();
    candidates.extend(memchr::memchr2_iter(b'!', 0xA6, bytes));
    candidates.sort_unstable();
    let mut start = 0;
    for offset in candidates {
        let ends_sentence = match bytes[offset] {
            b'\n' => {
                push(start, offset);
                start = offset + 1;
                continue;
            }
            0xA6 => offset >= 2 && bytes[offset - 2..offset] == [0xE2, 0x80],
            _ => true,
        };
        if ends_sentence
            && text[offset + 1..]
                .chars()
                .next()
                .is_some_and(char::is_whitespace)
        {
            push(start, offset + 1);
            start = offset + 1;
        }
    }
    push(start, text.len());
    ranges
}

/// The analyses of the last index's chunks of documents, by what each was made from: the
/// preview keeps them, so that after a save only the chunk holding the edited document is
/// read again (reading every body was most of the index's time: ~0.6 of a second of CPU at
/// 10,000 case studies, spent after each save beside the author's next one).
#[derive(Default)]
pub struct Analyses {
    chunks: HashMap<u64, Arc<ChunkOutput>>,
}

/// Reads every case study and content page of the site into an index, and their excerpts.
#[cfg(test)]
pub fn build(site: &Site) -> (Index, Vec<Excerpts>) {
    let mut excerpts = Vec::new();
    let index = build_with(site, 0, None, &mut |document| excerpts.push(document));
    (index, excerpts)
}

/// What the analysis of the chunk starting at document `first` is made from: the
/// configuration (`config_key`: which fields are searched, and how) and each document's
/// content and kind.
fn chunk_key(config_key: u64, items: &[&Item], first: usize, case_studies: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = crate::model::StableHasher::default();
    config_key.hash(&mut hasher);
    for (number, item) in (first..).zip(items) {
        (item.fingerprint.full, number < case_studies).hash(&mut hasher);
    }
    hasher.finish()
}

/// Reads every case study and content page of the site into an index. `config_key` digests
/// the configuration. With `analyses` (the preview), chunks that did not change since they
/// were kept are not read again, and this index's are kept in their place; without (a
/// build), each chunk's analyses are dropped as soon as its postings and excerpts are made,
/// so that the index never holds every document's analysis beside every posting (at 100,000
/// case studies, each is most of a gigabyte). Each document's [`Excerpts`] go to
/// `excerpts` as soon as its chunk is done, in document order, rather than into the index
/// (all of them together were 22 MB at 10,000 case studies).
pub fn build_with(
    site: &Site,
    config_key: u64,
    analyses: Option<&mut Analyses>,
    excerpts: &mut dyn FnMut(Excerpts),
) -> Index {
    let stemmers = KeyCache::default();
    let case_studies = site.case_studies.len();
    let items: Vec<&Item> = site.items().collect();
    let mut analyses = analyses;
    let kept = (analyses.as_mut())
        .map(|a| std::mem::take(&mut a.chunks))
        .unwrap_or_default();
    let read_chunk = |number: usize| -> (u64, Arc<ChunkOutput>) {
        let first = number * CHUNK;
        let chunk_items = &items[first..(first + CHUNK).min(items.len())];
        let key = chunk_key(config_key, chunk_items, first, case_studies);
        if let Some(analysis) = kept.get(&key) {
            return (key, Arc::clone(analysis));
        }
        // Unpacked a chunk at a time: all of them at once would hold every body's text.
        let bodies: Vec<String> = chunk_items.iter().map(|i| i.body.text()).collect();
        let sources: Vec<Source> = (first..)
            .zip(chunk_items.iter().zip(&bodies))
            .map(|(number, (item, body))| source(site, item, body, number < case_studies))
            .collect();
        let mut state = ChunkState::new(&stemmers);
        let mut df = Vec::new();
        let mut lengths = [0u64; FIELDS];
        let docs = (sources.iter())
            .map(|source| {
                let doc = state.analyse(source);
                for (total, length) in lengths.iter_mut().zip(doc.lengths) {
                    *total += u64::from(length);
                }
                for (key, _) in &doc.terms {
                    let key = *key as usize;
                    if key >= df.len() {
                        df.resize(key + 1, 0);
                    }
                    df[key] += 1;
                }
                doc.store()
            })
            .collect();
        let analysis = ChunkOutput {
            surfaces: state.surfaces.items,
            keys: state.keys.items,
            pairs: state.pairs,
            docs,
            df,
            lengths,
        };
        (key, Arc::new(analysis))
    };
    // Chunks are read a wave at a time, and each wave's words are numbered in the site's
    // vocabulary as soon as it is read. A build then drops the chunk's own copy of its
    // words; the preview keeps them with the chunk, for the next run. (Numbered after the
    // last chunk, every chunk's words were held together: a build of 100,000 case studies
    // peaked 115 MB higher.)
    let keep_words = analyses.is_some();
    let chunk_numbers: Vec<usize> = (0..items.len().div_ceil(CHUNK)).collect();
    let mut vocabulary = Vocabulary::default();
    let mut chunks: Vec<(u64, Arc<ChunkOutput>)> = Vec::with_capacity(chunk_numbers.len());
    let mut key_maps: Vec<Vec<u32>> = Vec::with_capacity(chunk_numbers.len());
    for wave in chunk_numbers.chunks(WAVE) {
        let read: Vec<(u64, Arc<ChunkOutput>)> = wave.par_iter().map(|&n| read_chunk(n)).collect();
        for (key, mut chunk) in read {
            key_maps.push(vocabulary.add(&chunk));
            if !keep_words && let Some(chunk) = Arc::get_mut(&mut chunk) {
                chunk.surfaces = Vec::new();
                chunk.keys = Vec::new();
                chunk.pairs = Vec::new();
            }
            chunks.push((key, chunk));
        }
    }
    drop(kept);
    if let Some(analyses) = analyses {
        analyses.chunks = (chunks.iter())
            .map(|(key, analysis)| (*key, Arc::clone(analysis)))
            .collect();
    }
    let chunks: Vec<Arc<ChunkOutput>> = chunks.into_iter().map(|(_, a)| a).collect();
    // Global numbering: keys sorted by text.
    let (key_texts, words, final_numbers) = vocabulary.number();
    for map in &mut key_maps {
        for key in map.iter_mut() {
            *key = final_numbers[*key as usize];
        }
    }

    let doc_count = items.len();
    let mut lengths = [0u64; FIELDS];
    let mut df = vec![0u32; key_texts.len()];
    for (chunk, map) in chunks.iter().zip(&key_maps) {
        for (total, length) in lengths.iter_mut().zip(chunk.lengths) {
            *total += length;
        }
        for (key, n) in chunk.df.iter().enumerate() {
            df[map[key] as usize] += n;
        }
    }
    let average = lengths.map(|total| (total as f32 / doc_count.max(1) as f32).max(1.0));

    // Excerpts need to know which keys are rare: choose them once every count is known.
    let stop_keys: Vec<bool> = {
        let mut stop = vec![true; key_texts.len()];
        for word in &words {
            if !word.stop {
                for &key in &word.keys {
                    stop[key as usize] = false;
                }
            }
        }
        stop
    };
    let idf: Vec<f32> = df
        .iter()
        .zip(&stop_keys)
        .map(|(&n, &stop)| {
            if stop {
                0.0
            } else {
                idf(doc_count, n as usize)
            }
        })
        .collect();
    let key_hashes = key_hashes(&words, key_texts.len());

    // Then a chunk at a time, in document order: its postings (so each list is sorted), its
    // excerpts and sections, and then the chunk goes (unless the preview keeps it).
    let mut postings: Vec<Vec<Posting>> =
        df.iter().map(|&n| Vec::with_capacity(n as usize)).collect();
    for ((number, chunk), map) in chunks.into_iter().enumerate().zip(key_maps) {
        let first = number * CHUNK;
        let made: Vec<DocumentMade> = (chunk.docs.par_iter())
            .zip(&items[first..first + chunk.docs.len()])
            .enumerate()
            .map(|(offset, (stored, item))| {
                let doc = &stored.load();
                let impacts = (doc.terms.iter())
                    .map(|(key, counts)| {
                        let level = impact(counts, &doc.lengths, &average);
                        (map[*key as usize], level)
                    })
                    .collect();
                let body = &item.body.text();
                let heads = sections::heads(body, &item.body.toc);
                let budget = if first + offset < case_studies {
                    PASSAGE_BUDGET
                } else {
                    PAGE_PASSAGE_BUDGET
                };
                let chosen = choose_passages(doc, &map, body, &idf, budget);
                let mut doc_sections = choose_sections(doc, &map, body, &heads, &idf, &key_hashes);
                // Which excerpt sentences each section holds: the browser looks for the
                // query's words in them too, and may show one under the section.
                for (number, (_, start)) in chosen.iter().enumerate() {
                    if let Some(section) = sections::section_of(&heads, *start) {
                        doc_sections[section].passages.push(number as u32);
                    }
                }
                let passages = chosen.into_iter().map(|(text, _)| text).collect();
                let document = Excerpts {
                    passages,
                    sections: doc_sections,
                };
                (impacts, document)
            })
            .collect();
        drop(chunk);
        for (offset, (impacts, document)) in made.into_iter().enumerate() {
            let number = (first + offset) as u32;
            for (key, level) in impacts {
                postings[key as usize].push(Posting::new(number, level));
            }
            excerpts(document);
        }
    }

    let keys = key_texts
        .into_iter()
        .zip(postings)
        .zip(&df)
        .map(|((text, mut postings), &n)| {
            let kept = levels_kept(self::idf(doc_count, n as usize));
            for posting in &mut postings {
                *posting = Posting::new(posting.doc(), coarsen(posting.level(), kept));
            }
            Key { text, postings }
        })
        .collect();
    Index {
        doc_count,
        case_studies,
        keys,
        words,
    }
}

/// What the index takes of one document once its chunk is done: its postings as (key,
/// impact), and its excerpts.
type DocumentMade = (Vec<(u32, u8)>, Excerpts);

/// Per key, the [`sections::word_hash`] of its first folded word (in sorted order) for each
/// two-character prefix its words have, usually one. The browser knows a query word's key
/// by the words of the vocabulary shard of its prefix, and hashes the first of them that
/// share the key: the same word as here.
fn key_hashes(words: &[Word], key_count: usize) -> Vec<Vec<u32>> {
    let mut hashes: Vec<Vec<u32>> = vec![Vec::new(); key_count];
    let mut last_prefix: Vec<&str> = vec![""; key_count];
    for word in words {
        let prefix = super::shard::prefix(&word.folded);
        for &key in &word.keys {
            let key = key as usize;
            // Words are sorted, so the words of one prefix come together and its first is
            // the smallest.
            if hashes[key].is_empty() || last_prefix[key] != prefix {
                hashes[key].push(sections::word_hash(&word.folded));
                last_prefix[key] = prefix;
            }
        }
    }
    hashes
}

/// The sections of a document: for each heading kept (see [`sections::heads`]), its most
/// telling words (rare in the site, frequent in the section and not elsewhere in the body;
/// at most [`SECTION_WORDS`]) and its most telling sentence as an excerpt.
fn choose_sections(
    doc: &Analysis,
    map: &[u32],
    body: &str,
    heads: &[Head],
    idf: &[f32],
    key_hashes: &[Vec<u32>],
) -> Vec<Section> {
    if heads.is_empty() {
        return Vec::new();
    }
    // Per section: (term position, sentences holding it), and the best sentence. Sentences
    // come in order, so each section's are consecutive: their terms are counted in one
    // array, emptied into the section's list when the next section starts. (A map per
    // section was half of this function's time.)
    let mut counts: Vec<Vec<(u32, u32)>> = vec![Vec::new(); heads.len()];
    let mut counting = vec![0u32; doc.terms.len()];
    let mut counted: Vec<u32> = Vec::new();
    let mut current: Option<usize> = None;
    let mut best: Vec<Option<(usize, f32)>> = vec![None; heads.len()];
    // Sentences holding each term in the whole body, the text before the first heading too.
    let mut in_body = vec![0u32; doc.terms.len()];
    let mut terms_start = 0usize;
    for (index, sentence) in doc.sentences.iter().enumerate() {
        let terms = &doc.sentence_terms[terms_start..sentence.keys_end as usize];
        terms_start = sentence.keys_end as usize;
        for &term in terms {
            in_body[term as usize] += 1;
        }
        let Some(section) = sections::section_of(heads, sentence.start as usize) else {
            continue;
        };
        if current != Some(section) {
            debug_assert!(
                current.is_none_or(|c| c < section),
                "sections come in order"
            );
            if let Some(done) = current {
                take_counts(&mut counting, &mut counted, &mut counts[done]);
            }
            current = Some(section);
        }
        let mut gain = 0.0;
        for &term in terms {
            let n = &mut counting[term as usize];
            if *n == 0 {
                counted.push(term);
            }
            *n += 1;
            gain += idf[map[doc.terms[term as usize].0 as usize] as usize];
        }
        // The heading's own line is shown as the sub-result's title already.
        if sentence.start as usize == heads[section].start {
            continue;
        }
        let text = body
            .get(sentence.start as usize..sentence.end as usize)
            .unwrap_or_default();
        let score = gain / (text.chars().count().max(40) as f32).sqrt();
        if score > 0.0 && best[section].is_none_or(|(_, s)| score > s) {
            best[section] = Some((index, score));
        }
    }
    if let Some(done) = current {
        take_counts(&mut counting, &mut counted, &mut counts[done]);
    }
    heads
        .iter()
        .zip(counts)
        .zip(best)
        .map(|((head, counts), best)| {
            let mut telling: Vec<(f32, u32)> = counts
                .into_iter()
                .filter_map(|(term, n)| {
                    let key = map[doc.terms[term as usize].0 as usize];
                    let weight = idf[key as usize];
                    // A word spread over every section tells none of them apart: the share
                    // of its sentences that are in this section ranks the words that do.
                    let share = n as f32 / in_body[term as usize].max(1) as f32;
                    (weight > 0.0).then(|| (weight * share * (1.0 + (n as f32).ln()), key))
                })
                .collect();
            // Best first; ties by key (a total order, so the choice is always the same). Only
            // the first `SECTION_WORDS` are kept: those are found first, then sorted.
            let rank = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if telling.len() > SECTION_WORDS {
                telling.select_nth_unstable_by(SECTION_WORDS, rank);
                telling.truncate(SECTION_WORDS);
            }
            telling.sort_by(rank);
            let words = telling
                .iter()
                .flat_map(|&(_, key)| key_hashes[key as usize].iter().copied())
                .collect();
            let excerpt = best
                .and_then(|(index, _)| {
                    let s = &doc.sentences[index];
                    body.get(s.start as usize..s.end as usize)
                })
                .map(|text| shorten(text, SECTION_EXCERPT_MAX))
                .unwrap_or_default();
            Section {
                title: head.title.clone(),
                id: head.id.clone(),
                excerpt,
                words,
                passages: Vec::new(),
            }
        })
        .collect()
}

/// Moves the counts of the terms in `counted` from `counting` to `list`, leaving both empty.
fn take_counts(counting: &mut [u32], counted: &mut Vec<u32>, list: &mut Vec<(u32, u32)>) {
    list.extend(
        (counted.drain(..)).map(|term| (term, std::mem::take(&mut counting[term as usize]))),
    );
}

/// How many distinct impact levels a key of that idf keeps (see [`MAX_LEVEL_STEP`]).
pub fn levels_kept(idf: f32) -> u8 {
    ((idf / MAX_LEVEL_STEP).ceil().min(f32::from(LEVELS)) as u8).clamp(MIN_LEVELS, LEVELS)
}

/// A level in 1..=LEVELS moved to the nearest of `kept` evenly spaced levels at or above
/// its bucket, so that the browser reads every key on the same scale.
fn coarsen(level: u8, kept: u8) -> u8 {
    if kept >= LEVELS {
        return level;
    }
    let (levels, kept) = (u32::from(LEVELS), u32::from(kept));
    let bucket = (u32::from(level) * kept).div_ceil(levels);
    ((bucket * levels + kept / 2) / kept) as u8
}

/// Inverse document frequency, as in BM25 (always positive).
pub fn idf(doc_count: usize, df: usize) -> f32 {
    let n = doc_count as f32;
    let df = df as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// BM25F: occurrences weighted by field and normalised by field length, then saturated and
/// quantized to 1..=LEVELS. The browser multiplies the level by the key's idf.
fn impact(counts: &[u8; FIELDS], lengths: &[u32; FIELDS], average: &[f32; FIELDS]) -> u8 {
    let mut weighted = 0f32;
    for field in 0..FIELDS {
        if counts[field] == 0 {
            continue;
        }
        let b = LENGTH_NORMALISATION[field];
        let norm = 1.0 - b + b * lengths[field] as f32 / average[field];
        weighted += WEIGHTS[field] * f32::from(counts[field]) / norm;
    }
    let saturated = weighted / (K1 + weighted);
    ((saturated * f32::from(LEVELS)).ceil() as u8).clamp(1, LEVELS)
}

/// The body sentences shown as excerpts: chosen greedily to cover the document's rarest
/// words not already in its title or summary, within `budget` characters
/// ([`PASSAGE_BUDGET`], [`PAGE_PASSAGE_BUDGET`]), and returned in reading order, each with
/// the byte offset in the body where its sentence starts.
fn choose_passages(
    doc: &Analysis,
    map: &[u32],
    body: &str,
    idf: &[f32],
    budget: usize,
) -> Vec<(String, usize)> {
    // What each of the document's terms would add to the excerpts: its idf, or nothing once
    // the title, the summary or a chosen sentence shows it.
    let mut gains: Vec<f32> = doc
        .terms
        .iter()
        .map(|(key, counts)| {
            if counts[Field::Title as usize] > 0 || counts[Field::Summary as usize] > 0 {
                0.0
            } else {
                idf[map[*key as usize] as usize]
            }
        })
        .collect();
    let mut chosen: Vec<usize> = Vec::new();
    let mut used = 0;
    let mut terms_start = 0usize;
    // (length in characters, first term, end of terms) of each sentence.
    let ranges: Vec<(usize, usize, usize)> = doc
        .sentences
        .iter()
        .map(|s| {
            let length = body[s.start as usize..s.end as usize].chars().count();
            let range = (length.min(PASSAGE_MAX), terms_start, s.keys_end as usize);
            terms_start = s.keys_end as usize;
            range
        })
        .collect();
    loop {
        let mut best: Option<(usize, f32)> = None;
        for (index, &(length, first, last)) in ranges.iter().enumerate() {
            if chosen.contains(&index) {
                continue;
            }
            if used > 0 && used + length > budget {
                continue;
            }
            let gain: f32 = doc.sentence_terms[first..last]
                .iter()
                .map(|&term| gains[term as usize])
                .sum();
            let score = gain / (length.max(40) as f32).sqrt();
            if score > 0.0 && best.is_none_or(|(_, s)| score > s) {
                best = Some((index, score));
            }
        }
        let Some((index, _)) = best else { break };
        let (length, first, last) = ranges[index];
        used += length;
        for &term in &doc.sentence_terms[first..last] {
            gains[term as usize] = 0.0;
        }
        chosen.push(index);
        if used >= budget {
            break;
        }
    }
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|index| {
            let sentence = &doc.sentences[index];
            let text = shorten(
                &body[sentence.start as usize..sentence.end as usize],
                PASSAGE_MAX,
            );
            (text, sentence.start as usize)
        })
        .collect()
}

/// Cuts `text` to at most `max` characters at a word boundary, marking the cut with `…`.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(at) if at > max / 2 => &cut[..at],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_lines_and_final_punctuation() {
        // `æ` ends with the byte A6, like `…`: it must not cut a sentence.
        let text = "Premier point. Deuxième ! Vrai ?\nLigne suivante… fin\n\n  Dernière ex æquo";
        let pieces: Vec<&str> = sentence_ranges(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            pieces,
            [
                "Premier point.",
                "Deuxième !",
                "Vrai ?",
                "Ligne suivante…",
                "fin",
                "Dernière ex æquo"
            ]
        );
        // A decimal point is not the end of a sentence.
        assert_eq!(sentence_ranges("Hausse de 3.5 % en 2024").len(), 1);
    }

    #[test]
    fn a_stored_analysis_loads_as_it_was() {
        let stemmers = KeyCache::default();
        let body = "Le jumelage interculturel réunit 40 familles. Les familles immigrantes \
                    apprennent le français ! Le jumelage continue en 2025.";
        let source = Source {
            lang: "fr",
            fields: [
                vec!["Jumelage à Sherbrooke"],
                vec!["Des familles jumelées"],
                vec!["Estrie"],
                vec![],
                vec![body],
            ],
        };
        let mut state = ChunkState::new(&stemmers);
        state.analyse(&source);
        let doc = state.analyse(&source);
        let loaded = doc.store().load();
        assert_eq!(loaded.terms, doc.terms);
        assert_eq!(loaded.lengths, doc.lengths);
        assert_eq!(loaded.sentence_terms, doc.sentence_terms);
        let ranges = |a: &Analysis| -> Vec<(u32, u32, u32)> {
            (a.sentences.iter())
                .map(|s| (s.start, s.end, s.keys_end))
                .collect()
        };
        assert_eq!(ranges(&loaded), ranges(&doc));
        assert_eq!(ranges(&doc).len(), 3);
        // A truncated store reads as far as it goes, and never panics.
        let mut cut = doc.store();
        cut.bytes = cut.bytes[..cut.bytes.len() / 2].into();
        assert!(cut.load().terms.len() <= doc.terms.len());
    }

    #[test]
    fn impact_ranks_title_above_body_and_saturates() {
        let average = [8.0, 30.0, 10.0, 20.0, 800.0];
        let lengths = [8, 30, 10, 20, 800];
        let title = impact(&[1, 0, 0, 0, 0], &lengths, &average);
        let summary = impact(&[0, 1, 0, 0, 0], &lengths, &average);
        let label = impact(&[0, 0, 1, 0, 0], &lengths, &average);
        let body = impact(&[0, 0, 0, 0, 1], &lengths, &average);
        let body_many = impact(&[0, 0, 0, 0, 40], &lengths, &average);
        assert!(
            title > summary && summary > label && label > body,
            "{title} {summary} {label} {body}"
        );
        assert!(body_many > body && body_many <= LEVELS);
        assert!(body >= 1);
    }

    /// The preview reuses the analyses of the chunks a save left alone: the index must be
    /// the one a fresh build makes, and the untouched chunk must not be read again.
    #[test]
    fn an_index_built_from_kept_analyses_equals_a_fresh_one() {
        let options = crate::BuildOptions::new(env!("CARGO_MANIFEST_DIR"));
        let built = crate::check(&options).unwrap_or_else(|d| panic!("{}", d.report()));
        let mut site = built.site;
        // Enough case studies for three chunks.
        let originals = site.case_studies.clone();
        while site.case_studies.len() < 2 * CHUNK + 10 {
            site.case_studies.extend(originals.iter().cloned());
        }
        let mut analyses = Analyses::default();
        let build = |site: &Site, analyses: Option<&mut Analyses>| {
            let mut excerpts = Vec::new();
            let index = build_with(site, 7, analyses, &mut |document| excerpts.push(document));
            (index, excerpts)
        };
        build(&site, Some(&mut analyses));
        let items: Vec<&Item> = site.case_studies[..CHUNK].iter().map(|i| &**i).collect();
        let first_key = chunk_key(7, &items, 0, site.case_studies.len());
        drop(items);
        let first_chunk = |analyses: &Analyses| Arc::clone(&analyses.chunks[&first_key]);
        let before = first_chunk(&analyses);
        // A body edit in the second chunk.
        let mut edited = (*site.case_studies[CHUNK + 3]).clone();
        let text = edited.body.text() + " Une phrase ajoutée sur la francisation des aînés.";
        edited.body.packed = crate::model::Packed::new(&edited.body.html(), &text);
        edited.fingerprint.full ^= 1;
        site.case_studies[CHUNK + 3] = Arc::new(edited);
        let kept = build(&site, Some(&mut analyses));
        assert!(
            Arc::ptr_eq(&before, &first_chunk(&analyses)),
            "first chunk read again"
        );
        let fresh = build(&site, None);
        assert_eq!(format!("{kept:?}"), format!("{fresh:?}"));
        assert!(
            kept.0.word("aines").is_some(),
            "the edit is not in the index"
        );
    }

    #[test]
    fn example_site_index_is_consistent() {
        let options = crate::BuildOptions::new(env!("CARGO_MANIFEST_DIR"));
        let built = crate::check(&options).unwrap_or_else(|d| panic!("{}", d.report()));
        let (index, excerpts) = build(&built.site);
        assert_eq!(index.case_studies, built.site.case_studies.len());
        assert_eq!(
            index.doc_count,
            built.site.case_studies.len() + built.site.pages.len()
        );
        assert!(index.words.windows(2).all(|w| w[0].folded < w[1].folded));
        assert!(index.keys.windows(2).all(|k| k[0].text < k[1].text));
        for key in &index.keys {
            assert!(!key.postings.is_empty(), "{}", key.text);
            assert!(
                key.postings.windows(2).all(|p| p[0].doc() < p[1].doc()),
                "{}",
                key.text
            );
            assert!(key.postings.iter().all(|posting| {
                (posting.doc() as usize) < index.doc_count
                    && (1..=LEVELS).contains(&posting.level())
            }));
        }
        // Inflections share a key; function words are flagged.
        let key = |w: &str| {
            index
                .word(w)
                .unwrap_or_else(|| panic!("{w} not indexed"))
                .keys
                .clone()
        };
        assert_eq!(key("accueil"), key("accueillir"));
        assert_eq!(index.keys[key("refugiees")[0] as usize].text, "refugi");
        assert!(index.word("des").unwrap().stop && !index.word("accueil").unwrap().stop);
        // Excerpt sentences come from the body, within the budget.
        assert_eq!(excerpts.len(), index.doc_count);
        for (item, excerpts) in built.site.case_studies.iter().zip(&excerpts) {
            let passages = &excerpts.passages;
            let length: usize = passages.iter().map(|p| p.chars().count()).sum();
            assert!(length <= PASSAGE_BUDGET + PASSAGE_MAX, "{length}");
            for passage in passages {
                let start = passage.trim_end_matches('…');
                assert!(item.body.text().contains(start.trim_end()), "{passage}");
            }
        }
        assert!(excerpts.iter().any(|e| !e.passages.is_empty()));
    }

    #[test]
    fn common_keys_keep_fewer_levels_in_the_same_order() {
        // In 92 % of 10,000 documents (`accueil`), in 50 % (`francisation`), in 5 %, in 1.
        assert_eq!(levels_kept(idf(10_000, 9_160)), MIN_LEVELS);
        assert_eq!(levels_kept(idf(10_000, 5_041)), MIN_LEVELS);
        assert_eq!(levels_kept(idf(10_000, 500)), LEVELS);
        assert_eq!(levels_kept(idf(10_000, 1)), LEVELS);
        for kept in MIN_LEVELS..=LEVELS {
            let levels: Vec<u8> = (1..=LEVELS).map(|l| coarsen(l, kept)).collect();
            assert!(
                levels.windows(2).all(|w| w[0] <= w[1]),
                "{kept}: {levels:?}"
            );
            assert!(levels.iter().all(|l| (1..=LEVELS).contains(l)));
            let mut distinct = levels.clone();
            distinct.dedup();
            assert_eq!(distinct.len(), usize::from(kept), "{levels:?}");
            assert_eq!(levels[usize::from(LEVELS) - 1], LEVELS);
        }
        assert_eq!(coarsen(7, LEVELS), 7);
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("court", 10), "court");
        assert_eq!(shorten("un deux trois quatre", 12), "un deux…");
    }
}
