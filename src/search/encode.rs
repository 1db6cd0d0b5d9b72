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
const RICE: u8 = 3;
const COMPLEMENT: u8 = 4;

/// Appends a sorted set of distinct document numbers in whichever of five forms is
/// smallest:
///
/// - gaps: `0, count, first, (next - previous - 1)…` as bytes, for very small sets;
/// - bitmap: `1, first_byte, byte_count, bytes…` (bit `d % 8` of byte `d / 8 - first_byte`),
///   for dense sets, so a set never takes much more than one bit per document;
/// - runs: `2, run_count, (start - previous_end, length - 1)…`, for sets of consecutive
///   numbers (a year, when documents are sorted by date);
/// - Rice: `3, count, k, bits…`: the same gaps as `gaps`, each as its quotient by 2^k in
///   unary (that many 1 bits, then a 0) and its remainder in k bits, bits filled from the
///   low bit of each byte. Within a few percent of the entropy of a random set, where
///   gzip leaves byte-sized gaps at about one and a half times it;
/// - complement: `4, first, last - first, set…`: the numbers from `first` to `last` that
///   are *not* in the set, counted from `first`, as a set in one of the other forms, for
///   sets holding most numbers of their range (a common word, in 92 % of the documents:
///   the other forms cost a bit a document, this about the entropy, half of that).
pub fn put_doc_set(out: &mut Vec<u8>, docs: &[u32]) {
    let plain = plain_doc_set(docs);
    if let (Some(&first), Some(&last)) = (docs.first(), docs.last())
        && docs.len() > 16
        && (docs.len() as u64) * 2 > u64::from(last - first) + 1
    {
        let mut absent = Vec::with_capacity((last - first) as usize + 1 - docs.len());
        let mut present = docs.iter().peekable();
        for n in first..=last {
            if present.peek() == Some(&&n) {
                present.next();
            } else {
                absent.push(n - first);
            }
        }
        let mut complement = vec![COMPLEMENT];
        put_varint(&mut complement, u64::from(first));
        put_varint(&mut complement, u64::from(last - first));
        complement.extend_from_slice(&plain_doc_set(&absent));
        if complement.len() < plain.len() {
            out.extend_from_slice(&complement);
            return;
        }
    }
    out.extend_from_slice(&plain);
}

/// The smallest of the forms other than the complement.
fn plain_doc_set(docs: &[u32]) -> Vec<u8> {
    debug_assert!(docs.windows(2).all(|w| w[0] < w[1]));
    let mut out = Vec::new();
    let gaps = encode_gaps(docs);
    let runs = encode_runs(docs);
    let rice = encode_rice(docs);
    let bitmap_len = match (docs.first(), docs.last()) {
        (Some(first), Some(last)) => (last / 8 - first / 8 + 1) as usize + 6,
        _ => usize::MAX,
    };
    let smallest = gaps.len().min(runs.len()).min(rice.len());
    if bitmap_len < smallest {
        let first_byte = docs[0] / 8;
        let byte_count = docs[docs.len() - 1] / 8 - first_byte + 1;
        out.push(BITMAP);
        put_varint(&mut out, u64::from(first_byte));
        put_varint(&mut out, u64::from(byte_count));
        let start = out.len();
        out.resize(start + byte_count as usize, 0);
        for &doc in docs {
            out[start + (doc / 8 - first_byte) as usize] |= 1 << (doc % 8);
        }
    } else if runs.len() == smallest {
        out.extend_from_slice(&runs);
    } else if rice.len() == smallest && rice.len() < gaps.len() {
        out.extend_from_slice(&rice);
    } else {
        out.extend_from_slice(&gaps);
    }
    out
}

/// The gaps between documents: the first document, then `next - previous - 1`.
fn gaps_of(docs: &[u32]) -> impl Iterator<Item = u32> + '_ {
    docs.iter().scan(None, |previous: &mut Option<u32>, &doc| {
        let gap = match *previous {
            None => doc,
            Some(p) => doc - p - 1,
        };
        *previous = Some(doc);
        Some(gap)
    })
}

fn encode_rice(docs: &[u32]) -> Vec<u8> {
    let mut out = vec![RICE];
    put_varint(&mut out, docs.len() as u64);
    if docs.is_empty() {
        out.push(0);
        return out;
    }
    // The best k is near log2(mean gap); try its neighbours too.
    let total: u64 = gaps_of(docs).map(u64::from).sum();
    let mean = total / docs.len() as u64;
    let guess = 64 - mean.leading_zeros();
    let bits = |k: u32| -> u64 {
        gaps_of(docs)
            .map(|g| u64::from(g >> k) + 1 + u64::from(k))
            .sum()
    };
    let k = (guess.saturating_sub(2)..=guess + 1)
        .min_by_key(|&k| (bits(k), k))
        .unwrap_or(0);
    out.push(k as u8);
    let mut writer = BitWriter { out, bit: 0 };
    for gap in gaps_of(docs) {
        for _ in 0..gap >> k {
            writer.push(true);
        }
        writer.push(false);
        for b in 0..k {
            writer.push(gap >> b & 1 == 1);
        }
    }
    writer.out
}

/// Appends bits to a byte vector, from the low bit of each byte.
struct BitWriter {
    out: Vec<u8>,
    bit: u8,
}

impl BitWriter {
    fn push(&mut self, one: bool) {
        if self.bit == 0 {
            self.out.push(0);
        }
        if one {
            *self.out.last_mut().expect("a byte was pushed") |= 1 << self.bit;
        }
        self.bit = (self.bit + 1) % 8;
    }
}

fn encode_gaps(docs: &[u32]) -> Vec<u8> {
    let mut out = vec![GAPS];
    put_varint(&mut out, docs.len() as u64);
    for gap in gaps_of(docs) {
        put_varint(&mut out, u64::from(gap));
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

/// Appends the document a gap (as from [`gaps_of`]) leads to after the last one of `docs`.
fn push_gap(docs: &mut Vec<u32>, gap: u32) {
    let doc = docs.last().map_or(gap, |&previous| previous + gap + 1);
    docs.push(doc);
}

/// Reads a set written by [`put_doc_set`] (the index's tests use it; the browser has its own).
pub fn get_doc_set(bytes: &[u8], at: &mut usize) -> Option<Vec<u32>> {
    let kind = *bytes.get(*at)?;
    *at += 1;
    let mut docs = Vec::new();
    match kind {
        GAPS => {
            let count = get_varint(bytes, at)?;
            for _ in 0..count {
                push_gap(&mut docs, get_varint(bytes, at)? as u32);
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
        RICE => {
            let count = get_varint(bytes, at)?;
            let k = u32::from(*bytes.get(*at)?);
            *at += 1;
            let mut bit = *at * 8;
            let mut read = || -> Option<bool> {
                let byte = *bytes.get(bit / 8)?;
                let one = byte >> (bit % 8) & 1 == 1;
                bit += 1;
                Some(one)
            };
            for _ in 0..count {
                let mut quotient = 0u32;
                while read()? {
                    quotient += 1;
                }
                let mut remainder = 0u32;
                for b in 0..k {
                    remainder |= u32::from(read()?) << b;
                }
                push_gap(&mut docs, (quotient << k) | remainder);
            }
            *at = bit.div_ceil(8);
        }
        COMPLEMENT => {
            let first = get_varint(bytes, at)? as u32;
            let span = get_varint(bytes, at)? as u32;
            if bytes.get(*at) == Some(&COMPLEMENT) {
                return None;
            }
            let absent = get_doc_set(bytes, at)?;
            let mut absent = absent.iter().peekable();
            for offset in 0..=span {
                if absent.peek() == Some(&&offset) {
                    absent.next();
                } else {
                    docs.push(first + offset);
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

    /// A reproducible pseudo-random set: each document kept with probability `p`.
    fn random_set(n: u32, p: f64, seed: u64) -> Vec<u32> {
        let mut state = seed;
        (0..n)
            .filter(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((state >> 33) as f64 / (1u64 << 31) as f64) < p
            })
            .collect()
    }

    #[test]
    fn doc_sets_round_trip_in_each_form() {
        let sparse: Vec<u32> = vec![3, 900, 70_000];
        let dense: Vec<u32> = (0..5000).filter(|d| d % 3 != 0).collect();
        let runs: Vec<u32> = (100..2000).chain(5000..9000).collect();
        let scattered = random_set(100_000, 0.05, 7);
        // A dense set costs a bit per document as a bitmap or as Rice codes with k = 0 (the
        // same bits, in effect): either may be chosen.
        for (docs, kinds) in [
            (&sparse, [GAPS, GAPS]),
            (&dense, [BITMAP, RICE]),
            (&runs, [RUNS, RUNS]),
            (&scattered, [RICE, RICE]),
        ] {
            let mut out = Vec::new();
            put_doc_set(&mut out, docs);
            assert!(kinds.contains(&out[0]), "{} for {:?}", out[0], &docs[..3]);
            let mut at = 0;
            assert_eq!(get_doc_set(&out, &mut at).as_ref(), Some(docs));
            assert_eq!(at, out.len());
        }
        let mut out = Vec::new();
        put_doc_set(&mut out, &[]);
        assert_eq!(get_doc_set(&out, &mut 0), Some(vec![]));
    }

    #[test]
    fn random_sets_cost_close_to_their_entropy() {
        // Dense sets too (a word in most documents): they are written as their complement.
        for (p, seed) in [
            (0.01, 1),
            (0.05, 2),
            (0.15, 3),
            (0.3, 4),
            (0.9, 5),
            (0.97, 6),
        ] {
            let docs = random_set(100_000, p, seed);
            let mut out = Vec::new();
            put_doc_set(&mut out, &docs);
            let entropy_bytes = 100_000.0 * -(p * p.log2() + (1.0 - p) * (1.0 - p).log2()) / 8.0;
            let ratio = out.len() as f64 / entropy_bytes;
            assert!(
                ratio < 1.12,
                "p = {p}: {} bytes, {ratio:.2} × entropy",
                out.len()
            );
            assert_eq!(get_doc_set(&out, &mut 0).as_ref(), Some(&docs));
        }
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
