//! Text the model keeps compressed: the HTML and the plain text of every body.
//!
//! They were the largest part of the site in memory (175 MB of 600 at 10,000 case studies,
//! ten times that at 100,000), yet each is read a few times only: the HTML when its page is
//! rendered, the text when the search index analyses it. LZ4 packs French prose and its
//! markup to about a third, and unpacks a body in microseconds.

use std::fmt;

/// A string stored LZ4-compressed, its length in front.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Packed {
    bytes: Box<[u8]>,
}

impl Packed {
    pub fn new(text: &str) -> Self {
        if text.is_empty() {
            return Packed::default();
        }
        Packed {
            bytes: lz4_flex::block::compress_prepend_size(text.as_bytes()).into_boxed_slice(),
        }
    }

    /// The text, unpacked.
    pub fn unpack(&self) -> String {
        if self.bytes.is_empty() {
            return String::new();
        }
        // Only `new` wrote these bytes, from a `&str`: neither step can fail short of a
        // bug, and an empty text is then the safe answer (a page without its body).
        lz4_flex::block::decompress_size_prepended(&self.bytes)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    /// Bytes held in memory.
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }
}

impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Packed({} bytes: {:?})",
            self.packed_len(),
            self.unpack()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_text_unpacks_to_itself() {
        let body =
            "<p>Accueil des personnes immigrantes à Sherbrooke : « jumelage » interculturel.</p>\n"
                .repeat(40);
        for text in ["", "a", "é", body.as_str()] {
            assert_eq!(Packed::new(text).unpack(), text);
        }
        assert!(Packed::new(&body).packed_len() < body.len() / 3);
    }
}
