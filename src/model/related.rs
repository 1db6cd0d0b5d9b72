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
//! the site's order (date, title, file), so two builds give the same lists.
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
const MAX: usize = 5;
/// Fewest it links when the site has that many other case studies in its language.
const MIN: usize = 3;
/// Candidates a common feature offers: its case studies nearest in the site's order. At
/// 10,000 case studies a theme has about a thousand; scanning every posting of every
/// feature would cost ~10⁸ additions, and 10⁹ at 100,000. 256 took 558 ms at 10,000 on
/// two busy cores, 64 took 249 ms: the shortlist is scored on all features anyway.
const WINDOW: usize = 64;
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
/// No translation key.
const NONE: u32 = u32::MAX;
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
    let indexed = started.elapsed();
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
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        eprintln!(
            "timings: related practices: {:.1} ms for {} case studies ({} threads; index {:.1} ms)",
            ms(started.elapsed()),
            items.len(),
            rayon::current_num_threads(),
            ms(indexed),
        );
    }
    lists
}

/// The inverted index of the items' features, with their weights.
struct Index {
    /// Feature → the items that have it, in the site's order.
    postings: Vec<Vec<u32>>,
    weights: Vec<f32>,
    /// Item → its heaviest features (see `FEATURES`), by feature number.
    features: Vec<Vec<u32>>,
    /// Item → its language and translation key, as numbers (`NONE`: no key).
    links: Vec<(u32, u32)>,
}

/// One thread's working memory: a score per item, and the items scored so far.
struct Scratch {
    scores: Vec<f32>,
    touched: Vec<u32>,
}

impl Index {
    fn new<'a>(items: &'a [Arc<Item>]) -> Self {
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
        let mut names: FxHashMap<&str, u32> = FxHashMap::default();
        let mut number = |name: &'a str| {
            let next = names.len() as u32;
            *names.entry(name).or_insert(next)
        };
        let links = (items.iter())
            .map(|item| {
                let entry = &item.entry;
                let lang = number(&entry.lang);
                let key = entry.translation_key.as_deref().map_or(NONE, &mut number);
                (lang, key)
            })
            .collect();
        Index {
            postings,
            weights,
            features,
            links,
        }
    }

    /// Whether `other` may be linked from `item`: same language, not a translation of it.
    fn may_link(&self, item: usize, other: usize) -> bool {
        let (a, b) = (&self.links[item], &self.links[other]);
        item != other && a.0 == b.0 && (a.1 == NONE || a.1 != b.1)
    }

    /// Better first: higher score, then earlier in the site's order (a stable order: date,
    /// title, file), which costs less than comparing URLs for the many ties.
    fn rank(a: (usize, f32), b: (usize, f32)) -> Ordering {
        (b.1.total_cmp(&a.1)).then(a.0.cmp(&b.0))
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
        // The best `SHORTLIST` in one pass, without collecting the thousands of candidates a
        // case study may have at 10,000: most lose to the last one kept at the first
        // comparison. (Collecting and selecting, with ties broken by URL, took 36 ms at 1,000
        // case studies; this, 18.)
        let mut candidates: Vec<(usize, f32)> = Vec::with_capacity(SHORTLIST + 1);
        for &other in touched.iter() {
            let other = other as usize;
            let candidate = (other, std::mem::take(&mut scores[other]));
            if !self.may_link(item, other)
                || candidates.len() == SHORTLIST
                    && candidates
                        .last()
                        .is_some_and(|&last| Self::rank(candidate, last) != Ordering::Less)
            {
                continue;
            }
            let at = candidates.partition_point(|&c| Self::rank(c, candidate) == Ordering::Less);
            candidates.insert(at, candidate);
            candidates.truncate(SHORTLIST);
        }
        touched.clear();
        // The windowed scores left out the far part of common features: score the shortlist
        // on all the features kept.
        for candidate in &mut candidates {
            candidate.1 = self.score(item, candidate.0);
        }
        candidates.sort_unstable_by(|a, b| Self::rank(*a, *b));
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
            let after = Some(item + distance).filter(|&a| a < self.links.len());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::RenderedBody;
    use crate::model::Fingerprint;
    use crate::validate::{Entry, EntryKind};

    /// A case study `n` with these (taxonomy, term) pairs and this title.
    fn item(n: usize, lang: &str, terms: &[(usize, String)], title: &str) -> Arc<Item> {
        let entry = Entry {
            kind: EntryKind::CaseStudy,
            file: format!("content/etudes-de-cas/{n}.md"),
            content_path: format!("etudes-de-cas/{n}.md"),
            url_path: format!("etudes-de-cas/{n:06}/"),
            title: title.to_string(),
            date: None,
            summary: String::new(),
            draft: false,
            featured: false,
            lang: lang.to_string(),
            translation_key: None,
            weight: 0,
            fields: Default::default(),
            body: String::new(),
            body_line: 1,
        };
        Arc::new(Item {
            related_words: text_keys(&entry.title, &entry.summary, lang),
            folded_title: String::new(),
            terms: (terms.iter())
                .map(|(t, id)| (*t, id.clone(), id.clone()))
                .collect(),
            url: format!("/etudes-de-cas/{n:06}/"),
            entry,
            body: RenderedBody::default(),
            fields: Default::default(),
            translations: Vec::new(),
            fingerprint: Fingerprint::default(),
        })
    }

    /// `n` case studies, nine in ten sharing one term (one all share would weigh nothing),
    /// each with one of 17 regions and one of 5 words.
    fn corpus(n: usize) -> Vec<Arc<Item>> {
        (0..n)
            .map(|i| {
                let common = if i % 10 == 0 { "autre" } else { "presque-tous" };
                let terms = [(0, common.to_string()), (1, format!("r{}", i % 17))];
                item(i, "fr", &terms, &format!("Projet mot{}", i % 5))
            })
            .collect()
    }

    fn check_lists(items: &[Arc<Item>], lists: &[Vec<usize>]) {
        assert_eq!(lists.len(), items.len());
        for (i, list) in lists.iter().enumerate() {
            assert!((MIN..=MAX).contains(&list.len()), "{i}: {list:?}");
            assert!(!list.contains(&i), "{i} links itself: {list:?}");
            let mut unique = list.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), list.len(), "{i}: {list:?}");
        }
    }

    #[test]
    fn words_are_stemmed_folded_and_without_function_words_or_numbers() {
        let keys = text_keys(
            "Accueil des réfugiées",
            "Les réfugiés accueillis en 2024 à Gaspé",
            "fr",
        );
        assert_eq!(
            keys.iter().filter(|k| *k == "refugi").count(),
            1,
            "{keys:?}"
        );
        for left_out in ["des", "les", "en", "2024", "a"] {
            assert!(
                !keys.iter().any(|k| k == left_out),
                "{left_out} kept: {keys:?}"
            );
        }
        assert!(keys.iter().any(|k| k == "gasp" || k == "gaspe"), "{keys:?}");
    }

    /// A term every case study carries, and regions past `WINDOW` case studies each, go
    /// through the windowed path: the lists must stay whole, bounded and the same each time.
    #[test]
    fn common_terms_past_the_window_give_bounded_deterministic_lists() {
        let items = corpus(3 * WINDOW * 17 / 10);
        let index = Index::new(&items);
        let longest = index.postings.iter().map(Vec::len).max().unwrap_or(0);
        assert!(longest > WINDOW, "no posting is windowed");
        let lists = related(&items);
        check_lists(&items, &lists);
        assert_eq!(lists, related(&items));
        // Alike first: the best link shares the region and the word.
        for (i, list) in lists.iter().enumerate().step_by(97) {
            let best = list[0];
            assert_eq!(best % 17, i % 17, "{i}: {list:?}");
            assert_eq!(best % 5, i % 5, "{i}: {list:?}");
        }
    }

    #[test]
    fn a_case_study_alone_in_its_language_links_nothing() {
        let mut items = corpus(2 * FILL_REACH);
        let at = items.len() / 2;
        items[at] = item(at, "en", &[(0, "tous".to_string())], "Projet mot1");
        let lists = related(&items);
        assert!(lists[at].is_empty(), "{:?}", lists[at]);
        assert!(lists.iter().all(|list| !list.contains(&at)));
    }

    /// A case study listing 10,000 municipalities: its features are capped, so neither its
    /// own list nor those of the case studies that share some of them scan them all.
    #[test]
    fn a_case_study_with_thousands_of_terms_keeps_only_its_heaviest_features() {
        let mut items = corpus(200);
        let many: Vec<(usize, String)> = (0..10_000).map(|m| (2, format!("m{m}"))).collect();
        items.push(item(200, "fr", &many, "Projet régional"));
        for (i, slot) in items.iter_mut().enumerate().take(50) {
            *slot = item(i, "fr", &[(2, format!("m{i}")), (1, "r1".into())], "Projet");
        }
        let index = Index::new(&items);
        assert!(index.features.iter().all(|f| f.len() <= FEATURES));
        check_lists(&items, &related(&items));
    }
}
