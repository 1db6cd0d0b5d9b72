//! `<img>` tags written as raw HTML in a Markdown body. They are published as written (not
//! resized: only Markdown images are), but one without `alt` is the same problem for a
//! screen reader as a Markdown image without text (WCAG 1.1.1), so the body's renderer asks
//! this scanner where they are.
//!
//! pulldown-cmark hands an HTML block over line by line, so a tag may span several pieces:
//! the scanner keeps an unfinished tag until its `>`. Only ASCII bytes (`<`, `>`, quotes,
//! spaces, `=`) are looked for, so every cut falls on a character boundary.

/// A tag longer than this is not followed further (no `<img>` needs more; a stray `<img`
/// before a long text would otherwise be kept whole).
const MAX_TAG_BYTES: usize = 8 * 1024;

/// Finds the `<img>` tags without an `alt` attribute in raw HTML fed in source order.
#[derive(Debug, Default)]
pub struct RawImages {
    /// An `<img` tag not closed yet: its source offset and its text so far.
    open: Option<(usize, String)>,
}

impl RawImages {
    /// Reads one piece of raw HTML, which starts at byte `at` of the body, and returns the
    /// source offset (of its `<`) of each tag ended in it that has no `alt` (`alt=""`, an
    /// image marked decorative, has one).
    pub fn feed(&mut self, at: usize, html: &str) -> Vec<usize> {
        let mut found = Vec::new();
        let mut from = 0;
        if let Some((start, mut tag)) = self.open.take() {
            let before = tag.len();
            tag.push_str(html);
            match tag_end(&tag) {
                Some(end) => {
                    if !has_alt(tag.get(..end).unwrap_or_default()) {
                        found.push(start);
                    }
                    from = end + 1 - before;
                }
                None => {
                    if tag.len() <= MAX_TAG_BYTES {
                        self.open = Some((start, tag));
                    }
                    return found;
                }
            }
        }
        let bytes = html.as_bytes();
        while let Some(start) = next_img(bytes, from) {
            let rest = html.get(start..).unwrap_or_default();
            match tag_end(rest) {
                Some(end) => {
                    if !has_alt(rest.get(..end).unwrap_or_default()) {
                        found.push(at + start);
                    }
                    from = start + end + 1;
                }
                None => {
                    self.open = Some((at + start, rest.to_string()));
                    break;
                }
            }
        }
        found
    }
}

/// The offset of the next `<img` tag from `from`: `<img` in any case, then a space, `/`,
/// `>` or the end of the piece (`<imgs>` is another element).
fn next_img(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(found) = memchr::memchr(b'<', bytes.get(at..)?) {
        let start = at + found;
        let name = bytes.get(start + 1..start + 4);
        let after = bytes.get(start + 4).copied();
        if name.is_some_and(|n| n.eq_ignore_ascii_case(b"img"))
            && after.is_none_or(|b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// The offset of the `>` that ends the tag starting `tag`, outside quoted values.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in tag.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

/// Whether a tag's text (`<img …`, without its `>`) has an `alt` attribute, empty or not.
fn has_alt(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    // Past `<img`.
    let mut i = 4;
    let skip = |i: &mut usize, while_: &dyn Fn(u8) -> bool| {
        while bytes.get(*i).copied().is_some_and(while_) {
            *i += 1;
        }
    };
    loop {
        skip(&mut i, &|b| b.is_ascii_whitespace() || b == b'/');
        let name_start = i;
        skip(&mut i, &|b| {
            !(b.is_ascii_whitespace() || b == b'/' || b == b'=')
        });
        if i == name_start {
            return false;
        }
        if bytes
            .get(name_start..i)
            .is_some_and(|name| name.eq_ignore_ascii_case(b"alt"))
        {
            return true;
        }
        skip(&mut i, &|b| b.is_ascii_whitespace());
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        skip(&mut i, &|b| b.is_ascii_whitespace());
        match bytes.get(i).copied() {
            Some(q @ (b'"' | b'\'')) => {
                i += 1;
                skip(&mut i, &|b| b != q);
                i += 1;
            }
            _ => skip(&mut i, &|b| !b.is_ascii_whitespace()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn without_alt(pieces: &[(usize, &str)]) -> Vec<usize> {
        let mut scan = RawImages::default();
        pieces
            .iter()
            .flat_map(|(at, html)| scan.feed(*at, html))
            .collect()
    }

    #[test]
    fn img_tags_without_alt_are_found_with_their_offsets() {
        assert_eq!(without_alt(&[(10, "<p><img src=\"a.png\"></p>")]), [13]);
        assert_eq!(without_alt(&[(0, "<IMG SRC=a.png/>")]), [0]);
        assert!(without_alt(&[(0, "<img src=\"a.png\" alt=\"Une gare\">")]).is_empty());
        // `alt=""`: decorative on purpose.
        assert!(without_alt(&[(0, "<img alt src=a.png>")]).is_empty());
        assert!(without_alt(&[(0, "<img src='a.png' ALT=''>")]).is_empty());
        // An `alt` inside another attribute's value is not one.
        assert_eq!(
            without_alt(&[(0, "<img title=\"alt=x > y\" src=a.png>")]),
            [0]
        );
        assert_eq!(without_alt(&[(0, "<img data-alt=\"x\">")]), [0]);
        // Other elements.
        assert!(without_alt(&[(0, "<imgs> <i>img</i> <image>")]).is_empty());
        assert_eq!(
            without_alt(&[(0, "<img src=a.png> <img src=b.png alt=B> <img>")]),
            [0, 38]
        );
    }

    #[test]
    fn a_tag_over_several_pieces_is_read_whole() {
        assert_eq!(
            without_alt(&[
                (0, "<div>\n"),
                (6, "<img\n"),
                (11, "  src=\"a.png\">\n"),
                (27, "</div>\n")
            ]),
            [6]
        );
        assert!(without_alt(&[(0, "<img src=\"a.png\"\n"), (18, "  alt=\"A\">")]).is_empty());
        // A `>` in a quoted value that spans pieces.
        assert_eq!(
            without_alt(&[(0, "<img title=\"a\n"), (14, "> b\" src=x>"), (25, "<img>")]),
            [0, 25]
        );
        // Never closed: nothing said, nothing kept past the limit.
        let long = "x".repeat(MAX_TAG_BYTES + 1);
        let mut scan = RawImages::default();
        assert!(scan.feed(0, "<img src=a.png").is_empty());
        assert!(scan.feed(14, &long).is_empty());
        assert!(scan.open.is_none());
    }

    #[test]
    fn any_text_is_scanned_without_panicking() {
        for text in [
            "<",
            "<i",
            "<img",
            "<img ",
            "<img a=",
            "<img a=\"",
            "é<img é=é>",
            "<img\u{a0}>",
        ] {
            let mut scan = RawImages::default();
            scan.feed(0, text);
            scan.feed(text.len(), text);
        }
    }
}
