//! What counts as a word, for the index and for the browser.
//!
//! The browser cannot run the Snowball stemmer, so the work is split in two:
//!
//! - [`tokens`] folds and splits text (case, accents, ligatures, typographic apostrophes and
//!   spaces, French elisions). `static/search.js` implements exactly the same steps, and
//!   `tests/search.rs` runs both on the same inputs and requires identical output.
//! - [`Stemmers::key`] stems a word at build time. The index ships the vocabulary of folded
//!   words with the key of each, so the browser looks a folded query word up instead of
//!   stemming it: builder and browser agree by construction.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use std::sync::{PoisonError, RwLock};
use unicode_normalization::UnicodeNormalization;

/// Words that are dropped when they stand before an apostrophe: `l'accueil` → `accueil`.
pub const ELISIONS: &[&str] = &[
    "l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu",
];

/// One word of a text: its folded form and where it sits in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lowercase, without accents: `réfugiées` → `refugiees`.
    pub folded: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
}

pub use crate::text::fold_char;

/// A word found by [`for_each_token`], lent to the callback: the folded form lives in a
/// buffer reused for the next word, so splitting a text allocates nothing per word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRef<'t> {
    pub folded: &'t str,
    pub start: usize,
    pub end: usize,
}

impl TokenRef<'_> {
    pub fn to_token(self) -> Token {
        Token {
            folded: self.folded.to_string(),
            start: self.start,
            end: self.end,
        }
    }
}

/// Splits `text` into folded words: runs of letters and digits after folding. A word in
/// [`ELISIONS`] directly followed by an apostrophe and a letter or digit is dropped.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for_each_token(text, |token| out.push(token.to_token()));
    out
}

/// [`tokens`] without collecting: calls `emit` for each word, in order.
pub fn for_each_token(text: &str, mut emit: impl FnMut(TokenRef<'_>)) {
    let mut splitter = Splitter::default();
    let mut folded = String::new();
    let bytes = text.as_bytes();
    let mut offset = 0;
    while offset < bytes.len() {
        let byte = bytes[offset];
        // The common cases skip `fold_char`, which lowercases every ASCII character but the
        // backtick: a run of ASCII letters and digits is taken whole...
        if byte.is_ascii_alphanumeric() {
            let run = bytes[offset..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len(), |length| offset + length);
            splitter.letters(&text[offset..run], offset, &mut emit);
            offset = run;
            continue;
        }
        // ...and other ASCII characters (spaces, punctuation) stand for themselves.
        if byte.is_ascii() && byte != b'`' {
            splitter.step(char::from(byte), offset, offset + 1, &mut emit);
            offset += 1;
            continue;
        }
        let Some(c) = text[offset..].chars().next() else {
            break;
        };
        let char_end = offset + c.len_utf8();
        folded.clear();
        fold_char(c, &mut folded);
        for f in folded.chars() {
            splitter.step(f, offset, char_end, &mut emit);
        }
        // A combining mark folds to nothing: it stays inside the current word.
        if folded.is_empty() && !splitter.current.is_empty() {
            splitter.end = char_end;
        }
        offset = char_end;
    }
    splitter.finish(&mut emit);
}

/// The state of [`for_each_token`] between two folded characters.
#[derive(Default)]
struct Splitter {
    /// The word being read and its byte range.
    current: String,
    start: usize,
    end: usize,
    /// A finished word waiting to see whether an apostrophe and a letter follow (elision).
    pending: String,
    pending_range: Option<(usize, usize)>,
    after_apostrophe: bool,
}

impl Splitter {
    /// Takes one folded character `f` of the original character at `offset..char_end`.
    fn step(
        &mut self,
        f: char,
        offset: usize,
        char_end: usize,
        emit: &mut impl FnMut(TokenRef<'_>),
    ) {
        if f.is_alphanumeric() {
            if let Some((start, end)) = self.pending_range.take() {
                let elided = self.after_apostrophe && ELISIONS.contains(&self.pending.as_str());
                if !elided {
                    emit(TokenRef {
                        folded: &self.pending,
                        start,
                        end,
                    });
                }
            }
            self.after_apostrophe = false;
            if self.current.is_empty() {
                self.start = offset;
            }
            self.current.push(f);
            self.end = char_end;
        } else if !self.current.is_empty() {
            self.emit_pending(emit);
            std::mem::swap(&mut self.pending, &mut self.current);
            self.current.clear();
            self.pending_range = Some((self.start, self.end));
            self.after_apostrophe = f == '\'';
        } else {
            self.after_apostrophe = false;
        }
    }

    /// Takes a run of ASCII letters and digits starting at `offset`: the same as a `step` for
    /// each of its characters, lowercased.
    fn letters(&mut self, run: &str, offset: usize, emit: &mut impl FnMut(TokenRef<'_>)) {
        let mut chars = run.chars();
        if let Some(first) = chars.next() {
            self.step(first.to_ascii_lowercase(), offset, offset + 1, emit);
        }
        self.current.extend(chars.map(|c| c.to_ascii_lowercase()));
        self.end = offset + run.len();
    }

    fn emit_pending(&mut self, emit: &mut impl FnMut(TokenRef<'_>)) {
        if let Some((start, end)) = self.pending_range.take() {
            emit(TokenRef {
                folded: &self.pending,
                start,
                end,
            });
        }
    }

    fn finish(mut self, emit: &mut impl FnMut(TokenRef<'_>)) {
        self.emit_pending(emit);
        if !self.current.is_empty() {
            emit(TokenRef {
                folded: &self.current,
                start: self.start,
                end: self.end,
            });
        }
    }
}

/// The folded words of a text, without positions.
pub fn words(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.folded).collect()
}

/// Snowball stemmers by language; French for anything else.
pub struct Stemmers {
    french: Stemmer,
    english: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers {
            french: Stemmer::create(Algorithm::French),
            english: Stemmer::create(Algorithm::English),
        }
    }
}

impl Stemmers {
    /// The index key of a word: the stem of its lowercase form, folded. The stemmer sees the
    /// accents (Snowball French needs them: `réfugiées` and `réfugiés` both give `réfugi`);
    /// the key does not, so every spelling of a word meets in one key.
    /// `original` is the word as written in the text (one token's range).
    pub fn key(&self, original: &str, folded: &str, lang: &str) -> String {
        if folded.bytes().all(|b| b.is_ascii_digit()) {
            return folded.to_string();
        }
        // ASCII is its own normal form, and lowercases byte by byte.
        let lower: String = if original.is_ascii() {
            original.to_ascii_lowercase()
        } else {
            original.nfc().flat_map(char::to_lowercase).collect()
        };
        let stemmer = if lang == "en" {
            &self.english
        } else {
            &self.french
        };
        let stem = stemmer.stem(&lower);
        let mut key = String::with_capacity(stem.len());
        for c in stem.chars() {
            fold_char(c, &mut key);
        }
        // Keep only what the tokenizer would keep, so a key is always a run of word characters.
        key.retain(char::is_alphanumeric);
        if key.is_empty() {
            folded.to_string()
        } else {
            key
        }
    }
}

/// [`Stemmers`] that remember the keys they made, for one index build: a word met in many
/// documents is stemmed once. The documents are read in chunks, each on its own thread with
/// its own map of the words it met, and before this every chunk stemmed its words again
/// (stemming was 4 % of a build's CPU at 10,000 case studies).
#[derive(Default)]
pub struct KeyCache {
    stemmers: Stemmers,
    /// Word as written → its key, French then English (see [`Stemmers::key`]).
    made: [RwLock<FxHashMap<Box<str>, Box<str>>>; 2],
}

impl KeyCache {
    /// Gives [`Stemmers::key`] of the word to `use_key`.
    pub fn with_key<R>(
        &self,
        original: &str,
        folded: &str,
        lang: &str,
        use_key: impl FnOnce(&str) -> R,
    ) -> R {
        let made = &self.made[usize::from(lang == "en")];
        // A poisoned lock only means another thread panicked between two inserts: every
        // key in the map is whole.
        if let Some(key) = made
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(original)
        {
            return use_key(key);
        }
        let key = self.stemmers.key(original, folded, lang);
        let result = use_key(&key);
        (made.write().unwrap_or_else(PoisonError::into_inner))
            .insert(original.into(), key.into_boxed_str());
        result
    }
}

/// French function words (Snowball's list, folded). They are indexed, but a query ignores them
/// when it has other words: "accueil des réfugiés" searches for `accueil` and `réfugiés`.
pub const STOP_WORDS: &[&str] = &[
    "a", "ai", "aie", "aient", "aies", "ait", "as", "au", "aura", "aurai", "auraient", "aurais",
    "aurait", "auras", "aurez", "auriez", "aurions", "aurons", "auront", "aux", "avaient", "avais",
    "avait", "avec", "avez", "aviez", "avions", "avons", "ayant", "ayez", "ayons", "c", "ce",
    "ceci", "cela", "ces", "cet", "cette", "d", "dans", "de", "des", "du", "elle", "en", "es",
    "est", "et", "etaient", "etais", "etait", "etant", "ete", "etee", "etees", "etes", "etiez",
    "etions", "eu", "eue", "eues", "eurent", "eus", "eusse", "eussent", "eusses", "eussiez",
    "eussions", "eut", "eux", "furent", "fus", "fusse", "fussent", "fusses", "fussiez", "fussions",
    "fut", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma",
    "mais", "me", "meme", "mes", "moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "ont",
    "ou", "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "sera", "serai", "seraient",
    "serais", "serait", "seras", "serez", "seriez", "serions", "serons", "seront", "ses", "soi",
    "soient", "sois", "soit", "sommes", "son", "sont", "soyez", "soyons", "suis", "sur", "t", "ta",
    "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
];

/// Whether a folded word is a function word.
pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.binary_search(&folded).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    #[test]
    fn fold_char_matches_text_fold() {
        let samples = [
            "Gaspésie–Îles-de-la-Madeleine",
            "ŒUVRE Æther straße",
            "L’accueil\u{a0}des réfugiés\u{202f}!",
            "e\u{301}le\u{300}ve",
            "İstanbul ǅ ﬁ ½ Ⅻ",
        ];
        for sample in samples {
            let mut folded = String::new();
            for c in sample.chars() {
                fold_char(c, &mut folded);
            }
            assert_eq!(folded, fold(sample), "{sample}");
        }
        for code in (0u32..0x3000).chain(0xA000..0xD7FF).chain(0xF900..0x10000) {
            if let Some(c) = char::from_u32(code) {
                let mut folded = String::new();
                fold_char(c, &mut folded);
                assert_eq!(folded, fold(&c.to_string()), "U+{code:04X}");
            }
        }
    }

    #[test]
    fn splits_on_punctuation_spaces_and_hyphens() {
        assert_eq!(
            words("Saint-Jean-sur-Richelieu, 2024 : 60\u{a0}000\u{202f}$"),
            ["saint", "jean", "sur", "richelieu", "2024", "60", "000"]
        );
        assert_eq!(words("COVID-19 — Québec"), ["covid", "19", "quebec"]);
        assert_eq!(words("  "), Vec::<String>::new());
    }

    #[test]
    fn folds_case_accents_and_ligatures() {
        assert_eq!(
            words("ÉTUDIANTS Intégration cœur"),
            ["etudiants", "integration", "coeur"]
        );
        // Decomposed accents (as some editors save them) give the same words.
        assert_eq!(words("e\u{301}le\u{300}ve"), ["eleve"]);
    }

    #[test]
    fn strips_elisions_with_either_apostrophe() {
        assert_eq!(words("l'accueil d’immigrants"), ["accueil", "immigrants"]);
        assert_eq!(
            words("qu'il jusqu’ici lorsqu'on puisqu'elle s'établir c'est n'a m'a t'a j'ai"),
            [
                "il", "ici", "on", "elle", "etablir", "est", "a", "a", "a", "ai"
            ]
        );
        // Not an elision: not in the list, or no word after the apostrophe.
        assert_eq!(words("aujourd'hui"), ["aujourd", "hui"]);
        assert_eq!(words("l' accueil"), ["l", "accueil"]);
        assert_eq!(words("presqu'île"), ["presqu", "ile"]);
    }

    #[test]
    fn tokens_point_into_the_original_text() {
        let text = "L’Œuvre d’accueil";
        let found = tokens(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].folded, "oeuvre");
        assert_eq!(&text[found[0].start..found[0].end], "Œuvre");
        assert_eq!(&text[found[1].start..found[1].end], "accueil");
        let decomposed = "re\u{301}fugie\u{301}s";
        let found = tokens(decomposed);
        assert_eq!(&decomposed[found[0].start..found[0].end], decomposed);
    }

    #[test]
    fn keys_join_inflections_and_spellings() {
        let stemmers = Stemmers::default();
        let key = |w: &str| {
            let t = &tokens(w)[0];
            stemmers.key(&w[t.start..t.end], &t.folded, "fr")
        };
        assert_eq!(key("réfugiés"), key("réfugiées"));
        assert_eq!(key("réfugiés"), "refugi");
        assert_eq!(key("intégration"), key("Integration"));
        assert_eq!(key("étudiants"), key("étudiant"));
        assert_eq!(key("francisation"), key("franciser"));
        assert_eq!(key("2024"), "2024");
        assert_eq!(key("Œuvres"), "oeuvr");
    }

    #[test]
    fn stop_words_are_sorted_and_folded() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        for word in STOP_WORDS {
            assert_eq!(fold(word), *word);
        }
        assert!(is_stop_word("des"));
        assert!(!is_stop_word("accueil"));
    }
}
