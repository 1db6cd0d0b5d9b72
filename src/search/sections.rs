//! Sections of a document for sub-results: where each heading of the body starts, so that a
//! result can link to the part of a case study that matches (`url#id`), as Pagefind's
//! sub-results do. `index.rs` gives each section its telling words and an excerpt;
//! `shard.rs` writes them into the document shards (fetched for the results shown only, so
//! the bytes of a query grow with the results it shows, not with the collection);
//! `static/search.js` (`subResults`) ranks them for a query.

use super::encode::put_doc_set;
use crate::markdown::TocEntry;

/// Most sections kept per document: a case study's plan (context, approach, results,
/// lessons, sources) has five or six, with a few subsections. Past that, the deepest
/// levels join their parent section, so that one long document does not weigh on every
/// query that shows it.
pub const MAX_SECTIONS: usize = 10;
/// Most words recorded per section: its most telling ones (rare in the site, frequent in
/// the section). A query word outside them still finds its section through the heading
/// and the excerpt. Sections cost every query for each result it shows, times the
/// documents that share its shard: on the benchmark corpus (5.5 sections a case study),
/// 24 words of 11 bits and excerpts of 160 characters added 19 KB to a query of 10
/// results (35 → 54 KB for one word), too close to the 60 KB budget; 16 words of 10 bits
/// and 120 characters cost about a third less.
pub const SECTION_WORDS: usize = 16;
/// Bits of a word's hash in a section's set: 2^10 values for at most 16 words is a false
/// match for under 2 % of the words, at under a byte a word.
pub const SECTION_HASH_BITS: u32 = 10;
/// Longest section excerpt, in characters.
pub const SECTION_EXCERPT_MAX: usize = 120;

/// A heading of the body, kept as the start of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Byte offset in the body's text where the heading's line starts.
    pub start: usize,
    pub title: String,
    pub id: String,
}

/// A section as the index records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub id: String,
    /// The section's most telling sentence, shortened (empty when it has no sentence).
    pub excerpt: String,
    /// Hashes ([`word_hash`], all 32 bits) of the section's telling words.
    pub words: Vec<u32>,
    /// The document's excerpt sentences that are in this section, by number.
    pub passages: Vec<u32>,
}

/// Where the headings of `toc` start in `text` (the body's plain text, where each heading
/// is a line of its own, in order). A heading not found as a line (its text differs from
/// its title, as a Setext heading written over two lines does) starts no section: its text
/// stays in the section before. At most [`MAX_SECTIONS`], see there.
pub fn heads(text: &str, toc: &[TocEntry]) -> Vec<Head> {
    let mut found = Vec::new();
    let mut from = 0;
    for entry in toc {
        if entry.title.is_empty() || entry.id.is_empty() {
            continue;
        }
        let mut search = from;
        while let Some(at) = text.get(search..).and_then(|rest| rest.find(&entry.title)) {
            let start = search + at;
            let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
            // Only blanks may come before the title on its line: a heading is a line.
            if text[line_start..start].trim().is_empty() {
                found.push((
                    entry.level,
                    Head {
                        start: line_start,
                        title: entry.title.clone(),
                        id: entry.id.clone(),
                    },
                ));
                from = start + entry.title.len();
                break;
            }
            search = start + entry.title.len();
        }
    }
    // The levels kept: from the top, while they fit (the first of the top level if even
    // it does not).
    let mut levels: Vec<u8> = found.iter().map(|(level, _)| *level).collect();
    levels.sort_unstable();
    levels.dedup();
    let mut deepest = levels.first().copied().unwrap_or(0);
    for &level in &levels {
        if found.iter().filter(|(l, _)| *l <= level).count() <= MAX_SECTIONS {
            deepest = level;
        } else {
            break;
        }
    }
    found
        .into_iter()
        .filter(|(level, _)| *level <= deepest)
        .map(|(_, head)| head)
        .take(MAX_SECTIONS)
        .collect()
}

/// The section a byte offset of the body is in: an index into `heads`, or `None` before
/// the first heading.
pub fn section_of(heads: &[Head], offset: usize) -> Option<usize> {
    heads.partition_point(|h| h.start <= offset).checked_sub(1)
}

/// The hash of a folded word for section sets: 32-bit FNV-1a of its UTF-8 bytes, finished
/// with MurmurHash3's mixer (FNV's high bits, which a set keeps, mix poorly on short words).
/// `static/search.js` `wordHash` is the same function.
pub fn word_hash(folded: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &byte in folded.as_bytes() {
        h ^= u32::from(byte);
        h = h.wrapping_mul(0x0100_0193);
    }
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// A section's words as the browser reads them: each hash cut to [`SECTION_HASH_BITS`],
/// as a sorted set (`encode.rs` `put_doc_set`), in base64 (the document shards are JSON).
pub fn encode_words(hashes: &[u32]) -> String {
    let mut values: Vec<u32> = hashes
        .iter()
        .map(|h| h >> (32 - SECTION_HASH_BITS))
        .collect();
    values.sort_unstable();
    values.dedup();
    if values.is_empty() {
        return String::new();
    }
    let mut bytes = Vec::new();
    put_doc_set(&mut bytes, &values);
    base64(&bytes)
}

/// Standard base64 with padding, which `atob` reads.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::encode::get_doc_set;

    fn toc(entries: &[(u8, &str, &str)]) -> Vec<TocEntry> {
        entries
            .iter()
            .map(|&(level, id, title)| TocEntry {
                level,
                id: id.into(),
                title: title.into(),
            })
            .collect()
    }

    #[test]
    fn headings_start_sections_at_their_line() {
        let text = "Intro sur le contexte.\nContexte\nLe contexte ici.\nDémarche\nOn a fait.\n";
        let found = heads(
            text,
            &toc(&[(2, "contexte", "Contexte"), (2, "demarche", "Démarche")]),
        );
        assert_eq!(found.len(), 2);
        // "contexte" inside the intro sentence is not the heading: the heading is a line.
        assert_eq!(
            &text[found[0].start..],
            "Contexte\nLe contexte ici.\nDémarche\nOn a fait.\n"
        );
        assert!(text[found[1].start..].starts_with("Démarche\nOn a fait."));
        assert_eq!(section_of(&found, 0), None);
        assert_eq!(section_of(&found, found[0].start), Some(0));
        assert_eq!(section_of(&found, text.len() - 1), Some(1));
    }

    #[test]
    fn a_heading_not_found_as_a_line_starts_no_section() {
        let text = "Titre sur\ndeux lignes\nTexte.\n";
        assert!(heads(text, &toc(&[(2, "t", "Titre sur deux lignes")])).is_empty());
    }

    #[test]
    fn many_headings_keep_the_top_levels() {
        let mut entries = Vec::new();
        let mut text = String::new();
        for i in 0..6 {
            entries.push((2u8, format!("h{i}"), format!("Partie {i}")));
            text.push_str(&format!("Partie {i}\nTexte.\n"));
            for j in 0..3 {
                entries.push((3u8, format!("h{i}-{j}"), format!("Sous-partie {i}.{j}")));
                text.push_str(&format!("Sous-partie {i}.{j}\nTexte.\n"));
            }
        }
        let entries: Vec<(u8, &str, &str)> = entries
            .iter()
            .map(|(l, id, t)| (*l, id.as_str(), t.as_str()))
            .collect();
        let found = heads(&text, &toc(&entries));
        assert_eq!(
            found.len(),
            6,
            "the level-3 headings would make 24 sections"
        );
        assert!(found.iter().all(|h| h.title.starts_with("Partie")));
        // Even the top level is cut to MAX_SECTIONS.
        let many: Vec<(u8, String, String)> = (0..30)
            .map(|i| (2, format!("p{i}"), format!("Point {i:02}")))
            .collect();
        let text: String = many
            .iter()
            .map(|(_, _, t)| format!("{t}\nTexte.\n"))
            .collect();
        let entries: Vec<(u8, &str, &str)> = many
            .iter()
            .map(|(l, id, t)| (*l, id.as_str(), t.as_str()))
            .collect();
        assert_eq!(heads(&text, &toc(&entries)).len(), MAX_SECTIONS);
    }

    #[test]
    fn word_sets_decode_to_the_cut_hashes() {
        let hashes: Vec<u32> = ["francisation", "logement", "refugies"]
            .iter()
            .map(|w| word_hash(w))
            .collect();
        let encoded = encode_words(&hashes);
        let bytes = unbase64(&encoded);
        let mut at = 0;
        let mut values = get_doc_set(&bytes, &mut at).unwrap();
        let mut expected: Vec<u32> = hashes
            .iter()
            .map(|h| h >> (32 - SECTION_HASH_BITS))
            .collect();
        expected.sort_unstable();
        values.sort_unstable();
        assert_eq!(values, expected);
        assert_eq!(encode_words(&[]), "");
        assert_ne!(word_hash("a"), word_hash("b"));
    }

    fn unbase64(text: &str) -> Vec<u8> {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for c in text.bytes().filter(|&c| c != b'=') {
            let v = alphabet.iter().position(|&a| a == c).unwrap() as u32;
            bits = (bits << 6) | v;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
            }
        }
        out
    }
}
