//! Related practices: for each case study, the few other case studies most like it, from
//! the taxonomy terms they share (themes, target groups, region… whatever the site's
//! taxonomies are) and the words of their titles and summaries.
//!
//! A feature (a term, or a stemmed word) weighs its inverse frequency, `ln(n / df)`: sharing
//! a rare target group says more than sharing the year. Not quadratic: candidates come from
//! an inverted index (feature → case studies), and a feature that many case studies carry
//! (a region or a theme at 10,000 case studies) offers as candidates only the `WINDOW` case
//! studies nearest in the site's order (by date) instead of all of them. The best few
//! candidates are then scored exactly. Each step runs in a fixed order, ties are broken by
//! URL, so two builds give the same lists.
//!
//! Only what cards show is read (terms, title, summary, language, translation key), all of
//! it covered by the meta fingerprint: an edit of a body alone keeps every list, which is
//! what lets the preview keep its assembled site in place after such an edit. The body is
//! left out on purpose for that reason; the summary is the author's own digest of it.

use super::Item;
use crate::search::tokenize::{Stemmers, for_each_token, is_stop_word};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

/// Most related practices a page links.
pub const MAX: usize = 5;
/// Fewest it links when the site has that many other case studies in its language.
pub const MIN: usize = 3;
/// Candidates a common feature offers: its case studies nearest in the site's order. At
/// 10,000 case studies a theme has about a thousand; scanning every posting of every
/// feature would cost ~10⁸ additions, and 10⁹ at 100,000.
const WINDOW: usize = 256;
/// Words of an item's title and summary kept as features: its rarest ones that another
/// case study also has.
const WORDS: usize = 12;
/// Features kept per item in all, the heaviest: a case study listing 10,000 municipalities
/// must not cost 10,000 postings.
const FEATURES: usize = 48;
/// Candidates scored exactly, the best by their windowed score.
const SHORTLIST: usize = 16;
/// A word counts half a term: a word of a summary says less than a chosen theme.
const WORD_WEIGHT: f32 = 0.5;
/// Links past the third are kept only with at least this part of the best score.
const KEEP_RATIO: f32 = 0.5;
/// How far in the site's order fillers are looked for.
const FILL_REACH: usize = 4 * WINDOW;
/// Stands for "a word" where a feature names its taxonomy.
const WORD: u32 = u32::MAX;

static STEMMERS: LazyLock<Stemmers> = LazyLock::new(Stemmers::default);

/// The stemmed, folded words of a title and summary that may make two case studies alike:
/// no function words, no numbers (the year is a taxonomy), no one- or two-letter words;
/// sorted, without duplicates. Computed once per item, when it is rendered.
pub(super) fn text_keys(title: &str, summary: &str, lang: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for text in [title, summary] {
        for_each_token(text, |token| {
            let folded = token.folded;
            if folded.chars().count() < 3
                || is_stop_word(folded)
                || folded.bytes().all(|b| b.is_ascii_digit())
            {
                return;
            }
            let original = text.get(token.start..token.end).unwrap_or(folded);
            keys.push(STEMMERS.key(original, folded, lang));
        });
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// For each case study (in the site's order), the indexes of its related practices, most
/// similar first: `MIN` to `MAX` of them when there are enough others in its language,
/// never itself nor one of its translations.
pub(super) fn related(items: &[Arc<Item>]) -> Vec<Vec<usize>> {
    let started = Instant::now();
    let index = Index::new(items);
    let lists: Vec<Vec<usize>> = (0..items.len())
        .into_par_iter()
        .with_min_len(64)
        .map_init(
            || Scratch {
                scores: vec![0.0; items.len()],
                touched: Vec::new(),
            },
            |scratch, i| index.related_to(i, scratch),
        )
        .collect();
    if std::env::var_os("PASSERELLE_TIMINGS").is_some_and(|v| v == "1") {
        eprintln!(
            "timings: related practices: {:.1} ms for {} case studies ({} threads)",
            started.elapsed().as_secs_f64() * 1000.0,
            items.len(),
            rayon::current_num_threads()
        );
    }
    lists
}

/// The inverted index of the items' features, with their weights.
struct Index<'a> {
    items: &'a [Arc<Item>],
    /// Feature → the items that have it, in the site's order.
    postings: Vec<Vec<u32>>,
    weights: Vec<f32>,
    /// Item → its heaviest features (see `FEATURES`), by feature number.
    features: Vec<Vec<u32>>,
}

/// One thread's working memory: a score per item, and the items scored so far.
struct Scratch {
    scores: Vec<f32>,
    touched: Vec<u32>,
}

impl<'a> Index<'a> {
    fn new(items: &'a [Arc<Item>]) -> Self {
        let mut numbers: FxHashMap<(u32, &str), u32> = FxHashMap::default();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut is_word: Vec<bool> = Vec::new();
        let mut features: Vec<Vec<u32>> = Vec::with_capacity(items.len());
        for (at, item) in items.iter().enumerate() {
            let at = at as u32;
            let terms =
                (item.terms.iter()).map(|(taxonomy, id, _)| (*taxonomy as u32, id.as_str()));
            let words = item.related_words.iter().map(|w| (WORD, w.as_str()));
            let mut own = Vec::with_capacity(item.terms.len() + item.related_words.len());
            for key in terms.chain(words) {
                let number = *numbers.entry(key).or_insert_with(|| {
                    postings.push(Vec::new());
                    is_word.push(key.0 == WORD);
                    (postings.len() - 1) as u32
                });
                let posting = &mut postings[number as usize];
                // A term listed twice by one item counts once.
                if posting.last() != Some(&at) {
                    posting.push(at);
                    own.push(number);
                }
            }
            features.push(own);
        }
        let n = items.len() as f32;
        let weights: Vec<f32> = (postings.iter().zip(&is_word))
            .map(|(posting, &word)| {
                // A feature of one item alone relates nothing; one of all of them neither.
                let df = posting.len() as f32;
                let idf = if posting.len() < 2 {
                    0.0
                } else {
                    (n / df).ln()
                };
                if word { idf * WORD_WEIGHT } else { idf }
            })
            .collect();
        let heaviest = |a: &u32, b: &u32| {
            (weights[*b as usize].total_cmp(&weights[*a as usize])).then(a.cmp(b))
        };
        features.par_iter_mut().for_each(|own| {
            own.retain(|&f| weights[f as usize] > 0.0);
            own.sort_unstable_by(heaviest);
            let mut words = 0;
            own.retain(|&f| {
                let word = is_word[f as usize];
                words += usize::from(word);
                !word || words <= WORDS
            });
            own.truncate(FEATURES);
            own.sort_unstable();
        });
        Index {
            items,
            postings,
            weights,
            features,
        }
    }

    /// Whether `other` may be linked from `item`: same language, not a translation of it.
    fn may_link(&self, item: usize, other: usize) -> bool {
        let (a, b) = (&self.items[item].entry, &self.items[other].entry);
        item != other
            && a.lang == b.lang
            && (a.translation_key.is_none() || a.translation_key != b.translation_key)
    }

    /// Better first: higher score, then the URL.
    fn rank(&self, a: (usize, f32), b: (usize, f32)) -> Ordering {
        (b.1.total_cmp(&a.1)).then_with(|| self.items[a.0].url.cmp(&self.items[b.0].url))
    }

    /// The summed weights of the features two items share.
    fn score(&self, a: usize, b: usize) -> f32 {
        let (a, b) = (&self.features[a], &self.features[b]);
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while let (Some(&fa), Some(&fb)) = (a.get(i), b.get(j)) {
            match fa.cmp(&fb) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    sum += self.weights[fa as usize];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    fn related_to(&self, item: usize, scratch: &mut Scratch) -> Vec<usize> {
        let Scratch { scores, touched } = scratch;
        let at = item as u32;
        for &feature in &self.features[item] {
            let weight = self.weights[feature as usize];
            let posting = &self.postings[feature as usize];
            let near = if posting.len() <= WINDOW {
                posting.as_slice()
            } else {
                let position = posting.binary_search(&at).unwrap_or_else(|p| p);
                let start = position
                    .saturating_sub(WINDOW / 2)
                    .min(posting.len() - WINDOW);
                &posting[start..start + WINDOW]
            };
            for &other in near {
                let score = &mut scores[other as usize];
                if *score == 0.0 {
                    touched.push(other);
                }
                *score += weight;
            }
        }
        let mut candidates: Vec<(usize, f32)> = (touched.iter())
            .map(|&other| other as usize)
            .filter(|&other| self.may_link(item, other))
            .map(|other| (other, scores[other]))
            .collect();
        for &other in touched.iter() {
            scores[other as usize] = 0.0;
        }
        touched.clear();
        if candidates.len() > SHORTLIST {
            candidates.select_nth_unstable_by(SHORTLIST - 1, |a, b| self.rank(*a, *b));
            candidates.truncate(SHORTLIST);
        }
        // The windowed scores left out the far part of common features: score the shortlist
        // on all the features kept.
        for candidate in &mut candidates {
            candidate.1 = self.score(item, candidate.0);
        }
        candidates.sort_unstable_by(|a, b| self.rank(*a, *b));
        let best = candidates.first().map_or(0.0, |c| c.1);
        let mut chosen: Vec<usize> = (candidates.iter().enumerate())
            .take_while(|(rank, (_, score))| {
                *rank < MAX && *score > 0.0 && (*rank < MIN || *score >= best * KEEP_RATIO)
            })
            .map(|(_, (other, _))| *other)
            .collect();
        // Too few alike: the nearest in the site's order (by date) fill up to `MIN`, looked
        // for no further than `FILL_REACH` (an item alone in its language would otherwise
        // scan the whole site).
        let mut distance = 1;
        while chosen.len() < MIN && distance <= FILL_REACH {
            let before = item.checked_sub(distance);
            let after = Some(item + distance).filter(|&a| a < self.items.len());
            if before.is_none() && after.is_none() {
                break;
            }
            for other in [before, after].into_iter().flatten() {
                if chosen.len() < MIN && self.may_link(item, other) && !chosen.contains(&other) {
                    chosen.push(other);
                }
            }
            distance += 1;
        }
        chosen
    }
}
