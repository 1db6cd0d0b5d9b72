//! Byte encodings shared with `static/search.js`: variable-length integers, sets of
//! document numbers, and content-hashed file names.
//!
//! Every binary file of the index is a sequence of unsigned LEB128 integers and raw bytes;
//! the format of each file is described where it is written (`shard.rs`).

/// Appends `value` as an unsigned LEB128 integer (7 bits a byte, low bits first).
pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads an unsigned LEB128 integer at `*at`, advancing it. `None` at the end of the input.
pub fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// How a set of document numbers is written; the first byte of an encoded set.
const GAPS: u8 = 0;
const BITMAP: u8 = 1;
const RUNS: u8 = 2;

/// Appends a sorted set of distinct document numbers in whichever of three forms is
/// smallest:
///
/// - gaps: `0, count, first, (next - previous - 1)…`, for sparse sets;
/// - bitmap: `1, first_byte, byte_count, bytes…` (bit `d % 8` of byte `d / 8 - first_byte`),
///   for dense sets, so a set never takes much more than one bit per document;
/// - runs: `2, run_count, (start - previous_end, length - 1)…`, for sets of consecutive
///   numbers (a year, when documents are sorted by date).
pub fn put_doc_set(out: &mut Vec<u8>, docs: &[u32]) {
    debug_assert!(docs.windows(2).all(|w| w[0] < w[1]));
    let gaps = encode_gaps(docs);
    let runs = encode_runs(docs);
    let bitmap_len = match (docs.first(), docs.last()) {
        (Some(first), Some(last)) => (last / 8 - first / 8 + 1) as usize + 6,
        _ => usize::MAX,
    };
    if bitmap_len < gaps.len() && bitmap_len < runs.len() {
        let first_byte = docs[0] / 8;
        let byte_count = docs[docs.len() - 1] / 8 - first_byte + 1;
        out.push(BITMAP);
        put_varint(out, u64::from(first_byte));
        put_varint(out, u64::from(byte_count));
        let start = out.len();
        out.resize(start + byte_count as usize, 0);
        for &doc in docs {
            out[start + (doc / 8 - first_byte) as usize] |= 1 << (doc % 8);
        }
    } else if runs.len() < gaps.len() {
        out.extend_from_slice(&runs);
    } else {
        out.extend_from_slice(&gaps);
    }
}

fn encode_gaps(docs: &[u32]) -> Vec<u8> {
    let mut out = vec![GAPS];
    put_varint(&mut out, docs.len() as u64);
    let mut previous: Option<u32> = None;
    for &doc in docs {
        let value = match previous {
            None => doc,
            Some(p) => doc - p - 1,
        };
        put_varint(&mut out, u64::from(value));
        previous = Some(doc);
    }
    out
}

fn encode_runs(docs: &[u32]) -> Vec<u8> {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &doc in docs {
        match runs.last_mut() {
            Some((start, length)) if *start + *length == doc => *length += 1,
            _ => runs.push((doc, 1)),
        }
    }
    let mut out = vec![RUNS];
    put_varint(&mut out, runs.len() as u64);
    let mut previous_end = 0;
    for (start, length) in runs {
        put_varint(&mut out, u64::from(start - previous_end));
        put_varint(&mut out, u64::from(length - 1));
        previous_end = start + length;
    }
    out
}

/// Reads a set written by [`put_doc_set`] (the index's tests use it; the browser has its own).
pub fn get_doc_set(bytes: &[u8], at: &mut usize) -> Option<Vec<u32>> {
    let kind = *bytes.get(*at)?;
    *at += 1;
    let mut docs = Vec::new();
    match kind {
        GAPS => {
            let count = get_varint(bytes, at)?;
            let mut previous: Option<u32> = None;
            for _ in 0..count {
                let value = get_varint(bytes, at)? as u32;
                let doc = match previous {
                    None => value,
                    Some(p) => p + value + 1,
                };
                docs.push(doc);
                previous = Some(doc);
            }
        }
        BITMAP => {
            let first_byte = get_varint(bytes, at)? as u32;
            let byte_count = get_varint(bytes, at)? as usize;
            let slice = bytes.get(*at..*at + byte_count)?;
            *at += byte_count;
            for (i, &byte) in slice.iter().enumerate() {
                for bit in 0..8 {
                    if byte & (1 << bit) != 0 {
                        docs.push((first_byte + i as u32) * 8 + bit);
                    }
                }
            }
        }
        RUNS => {
            let count = get_varint(bytes, at)?;
            let mut previous_end = 0u32;
            for _ in 0..count {
                let start = previous_end + get_varint(bytes, at)? as u32;
                let length = get_varint(bytes, at)? as u32 + 1;
                docs.extend(start..start + length);
                previous_end = start + length;
            }
        }
        _ => return None,
    }
    Some(docs)
}

/// 64-bit FNV-1a: a stable, dependency-free content hash for file names (not for security).
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// 10 hex digits of the content hash: short names, and collisions are out of reach for the
/// few thousand files of an index.
pub fn short_hash(bytes: &[u8]) -> String {
    format!("{:010x}", content_hash(bytes) >> 24)
}

/// `stem` + `.` + [`short_hash`] + `.` + `extension`.
pub fn hashed_name(stem: &str, bytes: &[u8], extension: &str) -> String {
    format!("{stem}.{}.{extension}", short_hash(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        let values = [0u64, 1, 127, 128, 300, 16_383, 16_384, u32::MAX as u64];
        for v in values {
            put_varint(&mut out, v);
        }
        let mut at = 0;
        for v in values {
            assert_eq!(get_varint(&out, &mut at), Some(v));
        }
        assert_eq!(get_varint(&out, &mut at), None);
    }

    #[test]
    fn doc_sets_round_trip_in_each_form() {
        let sparse: Vec<u32> = vec![3, 900, 70_000];
        let dense: Vec<u32> = (0..5000).filter(|d| d % 3 != 0).collect();
        let runs: Vec<u32> = (100..2000).chain(5000..9000).collect();
        for (docs, kind) in [(&sparse, GAPS), (&dense, BITMAP), (&runs, RUNS)] {
            let mut out = Vec::new();
            put_doc_set(&mut out, docs);
            assert_eq!(out[0], kind);
            let mut at = 0;
            assert_eq!(get_doc_set(&out, &mut at).as_ref(), Some(docs));
            assert_eq!(at, out.len());
        }
        let mut out = Vec::new();
        put_doc_set(&mut out, &[]);
        assert_eq!(get_doc_set(&out, &mut 0), Some(vec![]));
    }

    #[test]
    fn dense_sets_cost_about_one_bit_per_document() {
        let docs: Vec<u32> = (0..80_000).filter(|d| d % 2 == 0).collect();
        let mut out = Vec::new();
        put_doc_set(&mut out, &docs);
        assert!(out.len() <= 80_000 / 8 + 8, "{}", out.len());
    }

    #[test]
    fn hashed_names_depend_on_content_only() {
        assert_eq!(
            hashed_name("v", b"abc", "json"),
            hashed_name("v", b"abc", "json")
        );
        assert_ne!(
            hashed_name("v", b"abc", "json"),
            hashed_name("v", b"abd", "json")
        );
        assert_eq!(
            hashed_name("v", b"", "bin").len(),
            "v.".len() + 10 + ".bin".len()
        );
    }
}
