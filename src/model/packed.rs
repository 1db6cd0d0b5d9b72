//! Text the model keeps compressed: the HTML and the plain text of every body.
//!
//! They were the largest part of the site in memory (175 MB of 600 at 10,000 case studies,
//! ten times that at 100,000), yet each is read a few times only: the HTML when its page is
//! rendered, the text when the search index analyses it. LZ4 packs French prose and its
//! markup to about a third, and unpacks a body in microseconds.
//!
//! The two are packed as one block, the text after the HTML: the text repeats the words of
//! the HTML, and LZ4 finds them there, so the text costs little more than its markup left
//! out (about 5.3 KB a case study of the bench instead of 9.0 KB packed apart: 370 MB at
//! 100,000). Reading the text then unpacks the HTML too, a few microseconds more.

use std::fmt;

/// Two strings stored LZ4-compressed together, the length of both in front.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Packed {
    bytes: Box<[u8]>,
    /// Where the second string starts in the unpacked bytes.
    split: usize,
}

impl Packed {
    pub fn new(first: &str, second: &str) -> Self {
        if first.is_empty() && second.is_empty() {
            return Packed::default();
        }
        let mut both = String::with_capacity(first.len() + second.len());
        both.push_str(first);
        both.push_str(second);
        Packed {
            bytes: lz4_flex::block::compress_prepend_size(both.as_bytes()).into_boxed_slice(),
            split: first.len(),
        }
    }

    /// The first string, unpacked.
    pub fn first(&self) -> String {
        let mut both = self.unpack();
        both.truncate(self.split);
        checked(both)
    }

    /// The second string, unpacked.
    pub fn second(&self) -> String {
        let mut both = self.unpack();
        checked(both.split_off(self.split.min(both.len())))
    }

    /// Both strings' bytes, one after the other. Each is checked as UTF-8 on its own when
    /// it is taken out: checking only the half that is read is half the work (the check
    /// was 3 % of a build's CPU).
    fn unpack(&self) -> Vec<u8> {
        if self.bytes.is_empty() {
            return Vec::new();
        }
        // Only `new` wrote these bytes, from two `&str`: this cannot fail short of a bug,
        // and an empty text is then the safe answer (a page without its body).
        lz4_flex::block::decompress_size_prepended(&self.bytes).unwrap_or_default()
    }

    /// Bytes held in memory.
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }
}

/// `bytes` as a string; empty if they are not UTF-8 (a half cut inside a character).
fn checked(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Packed({} bytes: {:?}, {:?})",
            self.packed_len(),
            self.first(),
            self.second()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_strings_unpack_to_themselves() {
        let text = "Accueil des personnes immigrantes à Sherbrooke : « jumelage » interculturel.\n"
            .repeat(40);
        let html = text
            .lines()
            .map(|line| format!("<p>{line}</p>\n"))
            .collect::<String>();
        for (first, second) in [("", ""), ("a", ""), ("", "é"), ("é", "è"), (&html, &text)] {
            let packed = Packed::new(first, second);
            assert_eq!(
                (packed.first(), packed.second()),
                (first.into(), second.into())
            );
        }
        let packed = Packed::new(&html, &text);
        assert!(packed.packed_len() < html.len() / 3);
    }
}
