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
//!
//! A title or summary edit changes a few words: the preview then updates the index and
//! recomputes only the lists those words can change (`Related::update`), to the same lists
//! a fresh computation gives. That is why every order here is by the features' hashes,
//! never by the order in which features were first met: an updated index numbers a new
//! word last, a fresh one where it first appears.

use super::Item;
use crate::search::tokenize::{KeyCache, for_each_token, is_stop_word};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cmp::Ordering;
use std::sync::Arc;
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

/// A feature's identity: a hash of its taxonomy (or `WORD`) and its text. Two features
/// with one hash are taken as one, which at 64 bits only ever makes two case studies a
/// little more alike.
fn feature_hash(kind: u32, text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), u64::from(kind))
}

/// The stemmed, folded words of a title and summary that may make two case studies alike:
/// no function words, no numbers (the year is a taxonomy), no one- or two-letter words.
fn stems(title: &str, summary: &str, lang: &str, stemmers: &KeyCache) -> Vec<String> {
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
            keys.push(stemmers.with_key(original, folded, lang, str::to_string));
        });
    }
    keys
}

/// The features of `stems`, as hashes: sorted, without duplicates. Computed once per
/// item, when it is rendered; `stemmers` is shared by the items, which have many words in
/// common.
pub(super) fn text_keys(title: &str, summary: &str, lang: &str, stemmers: &KeyCache) -> Vec<u64> {
    let mut keys: Vec<u64> = (stems(title, summary, lang, stemmers).iter())
        .map(|stem| feature_hash(WORD, stem))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// For each case study (in the site's order), the indexes of its related practices, and
/// what it takes to update them when words change.
#[derive(Debug, Clone, Default)]
pub struct Related {
    /// Item → its related practices, most similar first: `MIN` to `MAX` of them when
    /// there are enough others in its language, never itself nor one of its translations.
    lists: Vec<Vec<usize>>,
    /// Item → the candidates its list was chosen from: a list changes only if its
    /// item's features, or those of one of these, change.
    shortlists: Vec<Vec<u32>>,
    index: Index,
}

impl Related {
    /// The related practices of the case study at `index` in the site's order.
    pub fn of(&self, index: usize) -> &[usize] {
        self.lists.get(index).map_or(&[], Vec::as_slice)
    }

    /// After the title or summary of the case studies at `changed` changed (the items
    /// are `items`, the site's, in the same order and with the same terms as before):
    /// updates the index and the lists those words can change. Returns how many lists were
    /// recomputed.
    pub(super) fn update(&mut self, items: &[Arc<Item>], changed: &[usize]) -> usize {
        let started = Instant::now();
        let index = &mut self.index;
        // Feature → the edited items that gained or lost it.
        let mut moved: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for &at in changed {
            let Some(item) = items.get(at) else { continue };
            for feature in index.set_words(at, &item.related_words) {
                moved.entry(feature).or_default().push(at);
            }
        }
        let weights_before: Vec<(u32, f32)> = (moved.keys())
            .map(|&f| (f, index.weights[f as usize]))
            .collect();
        index.weigh(moved.keys().copied());
        // A feature that weighs differently changes the kept features and the scores of
        // every item that has it; one that weighs the same shifts only the windows near
        // the edited items in its posting (and one that weighs nothing, none: no item keeps
        // it).
        let mut touched: FxHashSet<usize> = changed.iter().copied().collect();
        for (feature, before) in weights_before {
            let posting = &index.postings[feature as usize];
            let after = index.weights[feature as usize];
            if after.to_bits() != before.to_bits() {
                touched.extend(posting.iter().map(|&i| i as usize));
            } else if after > 0.0 {
                touched.extend(index.near(feature, &moved[&feature]));
            }
        }
        let mut kept_changed: FxHashSet<u32> = FxHashSet::default();
        for &at in &touched {
            let kept = index.kept(&index.all[at]);
            if kept != index.features[at] {
                index.features[at] = kept;
                kept_changed.insert(at as u32);
            }
        }
        // Everyone else's candidates and windowed scores stand (their features, their
        // weights and postings did not change); only their exact scores with a candidate
        // whose features changed may.
        let mut redo: Vec<usize> = touched.into_iter().collect();
        redo.extend(
            (self.shortlists.iter().enumerate()).filter_map(|(at, shortlist)| {
                shortlist
                    .iter()
                    .any(|c| kept_changed.contains(c))
                    .then_some(at)
            }),
        );
        redo.sort_unstable();
        redo.dedup();
        let index = &self.index;
        let redone: Vec<(Vec<usize>, Vec<u32>)> = (redo.par_iter())
            .with_min_len(64)
            .map_init(
                || Scratch::new(items.len()),
                |s, &at| index.related_to(at, s),
            )
            .collect();
        for (&at, (list, shortlist)) in redo.iter().zip(redone) {
            self.lists[at] = list;
            self.shortlists[at] = shortlist;
        }
        timing(&format!(
            "related practices updated: {:.1} ms, {} of {} lists recomputed",
            started.elapsed().as_secs_f64() * 1000.0,
            redo.len(),
            items.len()
        ));
        redo.len()
    }
}

/// Prints a line to stderr when `PASSERELLE_TIMINGS=1` (the bench reads it).
fn timing(line: &str) {
    if std::env::var_os("PASSERELLE_TIMINGS").is_some_and(|v| v == "1") {
        eprintln!("timings: {line}");
    }
}

/// The related practices of `items`, in the site's order.
pub(super) fn related(items: &[Arc<Item>]) -> Related {
    let started = Instant::now();
    let index = Index::new(items);
    let indexed = started.elapsed();
    let (lists, shortlists) = (0..items.len())
        .into_par_iter()
        .with_min_len(64)
        .map_init(|| Scratch::new(items.len()), |s, i| index.related_to(i, s))
        .unzip();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    timing(&format!(
        "related practices: {:.1} ms for {} case studies ({} threads; index {:.1} ms)",
        ms(started.elapsed()),
        items.len(),
        rayon::current_num_threads(),
        ms(indexed),
    ));
    Related {
        lists,
        shortlists,
        index,
    }
}

/// The inverted index of the items' features, with their weights. Features are numbered
/// as met; every order between features is by hash (see the module's comment).
#[derive(Debug, Clone, Default)]
struct Index {
    numbers: FxHashMap<u64, u32>,
    /// Feature → its hash.
    hashes: Vec<u64>,
    is_word: Vec<bool>,
    /// Feature → the items that have it, in the site's order.
    postings: Vec<Vec<u32>>,
    weights: Vec<f32>,
    /// Item → all its features, terms first, without duplicates.
    all: Vec<Vec<u32>>,
    /// Item → its heaviest features (see `FEATURES`), in hash order.
    features: Vec<Vec<u32>>,
    /// Item → its language and translation key, as numbers (`NONE`: no key).
    links: Vec<(u32, u32)>,
}

/// One thread's working memory: a score per item, and the items scored so far.
struct Scratch {
    scores: Vec<f32>,
    touched: Vec<u32>,
}

impl Scratch {
    fn new(items: usize) -> Self {
        Scratch {
            scores: vec![0.0; items],
            touched: Vec::new(),
        }
    }
}

impl Index {
    fn new(items: &[Arc<Item>]) -> Self {
        let mut index = Index {
            all: Vec::with_capacity(items.len()),
            ..Index::default()
        };
        for (at, item) in items.iter().enumerate() {
            let terms = (item.terms.iter())
                .map(|(taxonomy, id, _)| feature_hash(*taxonomy as u32, id))
                .collect::<Vec<_>>();
            let own: Vec<u32> = (terms.iter().map(|&h| (h, false)))
                .chain(item.related_words.iter().map(|&h| (h, true)))
                .map(|(hash, word)| index.number(hash, word))
                .collect();
            index.all.push(Vec::new());
            index.attach(at, own);
        }
        let features = 0..index.postings.len() as u32;
        index.weigh(features);
        index.features = (index.all.par_iter()).map(|all| index.kept(all)).collect();
        index.links = link_numbers(items);
        index
    }

    /// The number of a feature, a new one if it was never met.
    fn number(&mut self, hash: u64, word: bool) -> u32 {
        let next = self.postings.len() as u32;
        let number = *self.numbers.entry(hash).or_insert(next);
        if number == next {
            self.hashes.push(hash);
            self.is_word.push(word);
            self.postings.push(Vec::new());
            self.weights.push(0.0);
        }
        number
    }

    /// Gives item `at` the features `own` (duplicates dropped): its postings and `all`.
    fn attach(&mut self, at: usize, mut own: Vec<u32>) {
        let mut seen = FxHashSet::default();
        own.retain(|&f| seen.insert(f));
        for &feature in &own {
            let posting = &mut self.postings[feature as usize];
            if let Err(place) = posting.binary_search(&(at as u32)) {
                posting.insert(place, at as u32);
            }
        }
        self.all[at] = own;
    }

    /// Replaces the words of item `at` by `words`; returns the features it gained or lost.
    fn set_words(&mut self, at: usize, words: &[u64]) -> Vec<u32> {
        let Some(old) = self.all.get(at).cloned() else {
            return Vec::new();
        };
        let mut own: Vec<u32> = (old.iter().copied())
            .filter(|&f| !self.is_word[f as usize])
            .collect();
        own.extend(words.iter().map(|&hash| self.number(hash, true)));
        let new: FxHashSet<u32> = own.iter().copied().collect();
        let lost: Vec<u32> = (old.iter().copied()).filter(|f| !new.contains(f)).collect();
        for &feature in &lost {
            let posting = &mut self.postings[feature as usize];
            if let Ok(place) = posting.binary_search(&(at as u32)) {
                posting.remove(place);
            }
        }
        let old: FxHashSet<u32> = old.into_iter().collect();
        let mut moved: Vec<u32> = (own.iter().copied()).filter(|f| !old.contains(f)).collect();
        self.attach(at, own);
        moved.extend(lost);
        moved
    }

    /// Weighs `features` from their postings: inverse frequency, halved for words. The
    /// frequency counts by quarter octaves (`ln(n / df)` to within 9 %): one case study more
    /// or less with a common word then changes no weight, so an edit that adds the word
    /// leaves the lists of the thousand others that have it as they are.
    fn weigh(&mut self, features: impl IntoIterator<Item = u32>) {
        let n = self.all.len();
        for feature in features {
            let feature = feature as usize;
            let df = self.postings[feature].len();
            // A feature of one item alone relates nothing; one of all of them neither.
            let quarter_octaves = |count: usize| ((count as f64).log2() * 4.0).round();
            let idf = if df < 2 {
                0.0
            } else {
                let octaves = (quarter_octaves(n) - quarter_octaves(df)).max(0.0) / 4.0;
                (octaves * std::f64::consts::LN_2) as f32
            };
            self.weights[feature] = if self.is_word[feature] {
                idf * WORD_WEIGHT
            } else {
                idf
            };
        }
    }

    /// The items of `feature`'s posting whose window may have changed when the items
    /// `edited` joined or left it: those near them in the posting, and the last ones (the
    /// window stops at the end); all of them when the posting is about a window long.
    fn near(&self, feature: u32, edited: &[usize]) -> Vec<usize> {
        let posting = &self.postings[feature as usize];
        let margin = WINDOW + 1 + edited.len();
        let mut near: Vec<usize> = Vec::new();
        let mut add = |range: std::ops::Range<usize>| {
            near.extend(posting[range].iter().map(|&i| i as usize));
        };
        if posting.len() <= margin {
            add(0..posting.len());
            return near;
        }
        for &at in edited {
            let place = posting.binary_search(&(at as u32)).unwrap_or_else(|p| p);
            add(place.saturating_sub(margin)..(place + margin).min(posting.len()));
        }
        add(posting.len() - margin..posting.len());
        near
    }

    /// The features of `all` kept for scoring: weighing something, the heaviest (ties by
    /// hash), at most `WORDS` words and `FEATURES` in all; in hash order.
    fn kept(&self, all: &[u32]) -> Vec<u32> {
        let hash = |f: u32| self.hashes[f as usize];
        let weight = |f: u32| self.weights[f as usize];
        let mut own: Vec<u32> = all.iter().copied().filter(|&f| weight(f) > 0.0).collect();
        own.sort_unstable_by(|&a, &b| {
            (weight(b).total_cmp(&weight(a))).then(hash(a).cmp(&hash(b)))
        });
        let mut words = 0;
        own.retain(|&f| {
            let word = self.is_word[f as usize];
            words += usize::from(word);
            !word || words <= WORDS
        });
        own.truncate(FEATURES);
        own.sort_unstable_by_key(|&f| hash(f));
        own
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

    /// The summed weights of the features two items share, in hash order.
    fn score(&self, a: usize, b: usize) -> f32 {
        let (a, b) = (&self.features[a], &self.features[b]);
        let hash = |f: u32| self.hashes[f as usize];
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while let (Some(&fa), Some(&fb)) = (a.get(i), b.get(j)) {
            match hash(fa).cmp(&hash(fb)) {
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

    /// The related practices of `item`, and the shortlist they were chosen from.
    fn related_to(&self, item: usize, scratch: &mut Scratch) -> (Vec<usize>, Vec<u32>) {
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
        let shortlist = candidates.iter().map(|c| c.0 as u32).collect();
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
        (chosen, shortlist)
    }
}

/// Item → its language and translation key, as numbers (`NONE`: no key).
fn link_numbers<'a>(items: &'a [Arc<Item>]) -> Vec<(u32, u32)> {
    let mut names: FxHashMap<&str, u32> = FxHashMap::default();
    let mut number = |name: &'a str| -> u32 {
        let next = names.len() as u32;
        *names.entry(name).or_insert(next)
    };
    (items.iter())
        .map(|item| {
            let entry = &item.entry;
            let lang = number(&entry.lang);
            let key = entry.translation_key.as_deref().map_or(NONE, &mut number);
            (lang, key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
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
            related_words: text_keys(&entry.title, &entry.summary, lang, &KeyCache::default()),
            folded_title: String::new(),
            terms: (terms.iter())
                .map(|(t, id)| (*t, id.clone(), id.clone()))
                .collect(),
            url: format!("/etudes-de-cas/{n:06}/"),
            entry,
            body: Default::default(),
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
        let mut keys = stems(
            "Accueil des réfugiées",
            "Les réfugiés accueillis en 2024 à Gaspé",
            "fr",
            &KeyCache::default(),
        );
        keys.sort_unstable();
        keys.dedup();
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
        let lists = related(&items).lists;
        check_lists(&items, &lists);
        assert_eq!(lists, related(&items).lists);
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
        let lists = related(&items).lists;
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
        check_lists(&items, &related(&items).lists);
    }

    /// The preview updates the lists after title or summary edits: they must be exactly
    /// those a fresh computation gives, edit after edit, for words rare and common, gained
    /// and lost, in lists windowed or not.
    #[test]
    fn lists_updated_after_word_edits_equal_fresh_ones() {
        let mut items: Vec<Arc<Item>> = (0..24 * WINDOW)
            .map(|i| {
                let terms = [(0, format!("t{}", i % 3)), (1, format!("r{}", i % 17))];
                let title = format!("Initiative mot{} groupe{}", i % 5, i % 23);
                item(i, "fr", &terms, &title)
            })
            .collect();
        let mut related = super::related(&items);
        let titles = [
            "Initiative mot1 singulier",
            "Initiative",
            "mot2 mot3 mot4 rare groupe7",
            "Initiative mot1 singulier rare",
            "Autre chose entièrement",
            "Initiative mot0 groupe3",
        ];
        let mut redone = 0;
        const STEPS: usize = 30;
        let mut seed = 7_u64;
        for step in 0..STEPS {
            // A small deterministic generator: which items, which titles.
            let mut edited = Vec::new();
            for _ in 0..1 + step % 3 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = (seed >> 33) as usize % items.len();
                let title = titles[(seed >> 20) as usize % titles.len()];
                let old = &items[at];
                let terms: Vec<(usize, String)> = old
                    .terms
                    .iter()
                    .map(|(t, id, _)| (*t, id.clone()))
                    .collect();
                items[at] = item(at, "fr", &terms, title);
                edited.push(at);
            }
            edited.sort_unstable();
            edited.dedup();
            redone += related.update(&items, &edited);
            let fresh = super::related(&items);
            assert_eq!(related.lists, fresh.lists, "step {step}, edited {edited:?}");
            assert_eq!(related.shortlists, fresh.shortlists, "step {step}");
        }
        // Not every list each time: an edit's words reach some case studies, not all.
        assert!(
            redone < STEPS * items.len() / 2,
            "{redone} lists recomputed in {STEPS} edits"
        );
    }
}
