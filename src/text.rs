//! Text folding shared by vocabulary matching, slugs and search.
//!
//! One folding function for all three, so that "Gaspésie–Îles-de-la-Madeleine", "11" lookups,
//! URL slugs and search terms agree on what counts as "the same word".

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lowercases, removes accents (NFD then drop combining marks), expands ligatures
/// and maps typographic variants (apostrophes, dashes, non-breaking spaces) to ASCII ones.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Appends the folded form of one character to `out`. Folding character by character gives
/// the same result as folding a whole string, since combining marks are dropped rather than
/// reordered; the search tokenizer relies on it to fold while it splits.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() && c != '`' {
        out.push(c.to_ascii_lowercase());
        return;
    }
    decompose_canonical(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        match d {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '´' => out.push('\''),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{00A0}' | '\u{202F}' | '\u{2007}' | '\u{2009}' => out.push(' '),
            _ => out.extend(d.to_lowercase()),
        }
    });
}

/// The key used to compare vocabulary values: folded, with every run of
/// non-alphanumeric characters (spaces, dashes, apostrophes) removed.
/// "Gaspésie–Îles-de-la-Madeleine" and "gaspesie iles de la madeleine" share one key.
pub fn match_key(input: &str) -> String {
    fold(input)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A URL slug: folded, ASCII letters and digits, words joined by single hyphens.
/// "Été à Gaspé" → "ete-a-gaspe". Returns an empty string when nothing is left.
pub fn slugify(input: &str) -> String {
    let mut slug = String::with_capacity(input.len());
    let mut pending_dash = false;
    for c in fold(input).chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c);
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Levenshtein-based suggestion: the candidate closest to `input`, if it is close enough
/// to be a plausible typo (used for "did you mean" hints).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let key = match_key(input);
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let score = strsim::normalized_levenshtein(&key, &match_key(candidate));
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.filter(|(_, score)| *score >= 0.5).map(|(c, _)| c)
}

/// Text for HTML or XML (SVG) content and quoted attribute values. Control characters that
/// XML 1.0 forbids become U+FFFD, so that an inline SVG always parses.
pub(crate) fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_folds_accents_and_spaces() {
        assert_eq!(slugify("Été à Gaspé"), "ete-a-gaspe");
        assert_eq!(
            slugify("  L’accueil — des réfugiés!  "),
            "l-accueil-des-refugies"
        );
        assert_eq!(slugify("Œuvre"), "oeuvre");
        assert_eq!(slugify("***"), "");
    }

    #[test]
    fn match_key_ignores_case_accents_and_dashes() {
        assert_eq!(
            match_key("Gaspésie–Îles-de-la-Madeleine"),
            match_key("gaspesie-iles-de-la-madeleine")
        );
        assert_eq!(
            match_key("Saguenay-Lac-Saint-Jean"),
            match_key("Saguenay–Lac-Saint-Jean")
        );
    }

    #[test]
    fn closest_suggests_typos_only() {
        let fields = ["target_groups", "themes", "title"];
        assert_eq!(closest("target_group", fields), Some("target_groups"));
        assert_eq!(closest("zzzzzzzz", fields), None);
    }
}
