//! A seeded random walk of author edits under `passerelle serve`: after each edit, the
//! preview serves, byte for byte, what a fresh `passerelle build` of the same folder writes
//! (and nothing else), or, when the build fails, the last good site with the build's errors
//! over every page.
//!
//! The site is the example site (its 14 case studies, 2 pages, their links to each other),
//! two generated case studies, an image, and the default theme copied into `themes/` twice
//! (`default`, overriding the built-in one file by file, and `atelier`, a theme of its own),
//! so templates, style sheets and UI strings can be edited.
//!
//! Replay a seed: `PASSERELLE_EDIT_SEED=1234 cargo test --test serve_random` (several:
//! `1,2,3`); longer walks: `PASSERELLE_EDIT_STEPS=100`.

// Walks that once found preview bugs, replayed on every run (`walks_that_found_bugs`):
// 1. A rebuild that failed after the pages open in a browser were rendered had already
//    served them, and they stayed wrong once the site was fixed (seed 7 step 28, seed 12
//    step 11, seed 923155065 step 7).
// 2. A save that broke the site within half a second of a good one: the exports and search
//    index of that good site were never made (seed 11 step 6).
// 3. A save that broke the site while those were made: publishing them removed the error
//    overlay (seed 11 step 6, depending on timing).
// 4. A template error on the page open in a browser stopped the run there: the overlay showed
//    that page's error only, where the build reported all 17 (seed 479440803 step 7).
// 5. A build failing after a change of `base_url` moved the served site to the new base,
//    where nothing was served (seed 59729547 step 12: the failed build served the pages
//    left by the build cut short before it, at the base of the failed configuration).

mod common;

use common::preview::{Events, Preview, fragment_text, strip_injection, url_of};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Always walked, so that CI runs at least one known sequence.
const DEFAULT_SEED: u64 = 20_260_901;
/// Edits per walk. A step costs about a second: the preview makes the exports and the
/// search index half a second after the last save, and the comparison waits for them.
const STEPS: usize = 12;
/// How long the preview may take to show one edit (or its errors).
const PATIENCE: Duration = Duration::from_secs(20);

const CASES: &str = "content/etudes-de-cas";

#[test]
fn preview_equals_a_full_build_after_every_edit_default_seed() {
    for seed in seeds_from_env().unwrap_or_else(|| vec![DEFAULT_SEED]) {
        walk(seed, steps());
    }
}

#[test]
fn preview_equals_a_full_build_after_every_edit_fresh_seed_1() {
    if seeds_from_env().is_none() {
        walk(fresh_seed(1), steps());
    }
}

#[test]
fn preview_equals_a_full_build_after_every_edit_fresh_seed_2() {
    if seeds_from_env().is_none() {
        walk(fresh_seed(2), steps());
    }
}

#[test]
fn preview_equals_a_full_build_after_every_edit_walks_that_found_bugs() {
    if seeds_from_env().is_none() {
        for (seed, steps) in [
            (7, 28),
            (12, 11),
            (923_155_065, 7),
            (11, 6),
            (479_440_803, 8),
            (59_729_547, 12),
        ] {
            walk_with(seed, steps, &KINDS[..FIRST_KINDS]);
        }
    }
}

/// `PASSERELLE_EDIT_SEED`: one seed or several, comma-separated, decimal or `0x` hex.
fn seeds_from_env() -> Option<Vec<u64>> {
    let value = std::env::var("PASSERELLE_EDIT_SEED").ok()?;
    let seeds = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let parsed = match s.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => s.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("PASSERELLE_EDIT_SEED: `{s}` is not a number"))
        })
        .collect();
    Some(seeds)
}

fn steps() -> usize {
    std::env::var("PASSERELLE_EDIT_STEPS")
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("PASSERELLE_EDIT_STEPS: `{v}` is not a number"))
        })
        .unwrap_or(STEPS)
}

/// A seed new at every run (the clock, mixed), so CI explores new walks; printed on failure.
fn fresh_seed(slot: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    Rng(nanos ^ slot.wrapping_mul(0x9E37_79B9_7F4A_7C15)).next() % 1_000_000_000
}

/// SplitMix64: small, fast, and the same sequence on every platform for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `items`, which must not be empty.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `count` distinct items, in the list's order.
    fn some<'a>(&mut self, items: &[&'a str], count: usize) -> Vec<&'a str> {
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < count.min(items.len()) {
            let index = self.below(items.len());
            if !chosen.contains(&index) {
                chosen.push(index);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|i| items[i]).collect()
    }
}

// What the edits write. Region names come in the spellings authors use (codes, no accents,
// hyphens for en dashes), which the site prints under one canonical label.
const REGIONS: [&str; 12] = [
    "Estrie",
    "\"05\"",
    "Montérégie",
    "monteregie",
    "Gaspesie-Iles-de-la-Madeleine",
    "\"11\"",
    "Saguenay–Lac-Saint-Jean",
    "Laval",
    "\"17\"",
    "Bas-Saint-Laurent",
    "Côte-Nord",
    "Capitale-Nationale",
];
const THEMES: [&str; 10] = [
    "francisation",
    "logement",
    "intégration",
    "rétention",
    "employabilité",
    "accueil et établissement",
    "participation citoyenne",
    "relations interculturelles",
    "concertation et mobilisation",
    "éducation",
];
const MUNICIPALITIES: [&str; 6] = [
    "Sherbrooke",
    "Rimouski",
    "Gaspé",
    "Drummondville",
    "Saint-Exemple-des-Monts",
    "Lac-Fictif",
];
const WORDS: [&str; 24] = [
    "accueil",
    "francisation",
    "travailleurs",
    "région",
    "familles",
    "logement",
    "municipalité",
    "emploi",
    "intégration",
    "partenaires",
    "bénévoles",
    "école",
    "été",
    "réfugiés",
    "concertation",
    "quartier",
    "élus",
    "entreprises",
    "mobilité",
    "rétention",
    "œuvre",
    "l’équipe",
    "d’accueil",
    "jumelage",
];
/// UI strings that pages show (themes/<theme>/i18n/fr.yaml).
const I18N_KEYS: [&str; 8] = [
    "home",
    "case_studies",
    "featured",
    "recent",
    "browse",
    "see_all",
    "published_on",
    "reading_time",
];
/// Template edits: the template, a line of it after which to insert, and what to insert
/// (`{n}` is a number new at each edit). Some use the context in new ways.
const TEMPLATE_EDITS: [(&str, &str, &str); 7] = [
    (
        "partials/card.html",
        "<p class=\"card-summary\">",
        "<p class=\"card-rev\">Fiche {n} · {{ item.title | length }}</p>\n",
    ),
    (
        "case_study.html",
        "<p class=\"kicker\">",
        "<p class=\"rev\">Révision {n} du {{ page.date }}</p>\n",
    ),
    (
        "base.html",
        "<footer class=\"site-footer\">",
        "<p class=\"rev\">Gabarit {n}</p>\n",
    ),
    (
        "index.html",
        "<h2 id=\"recentes\">",
        "<p>{{ recent | length }} récentes, version {n}</p>\n",
    ),
    (
        "term.html",
        "<h1>{{ term.label }}</h1>",
        "<p class=\"rev\">{{ term.count }} ({n})</p>\n",
    ),
    (
        "page.html",
        "<h1>{{ page.title }}</h1>",
        "<p class=\"rev\">Page {n}</p>\n",
    ),
    (
        "atom.xml",
        "<generator>Passerelle</generator>",
        "  <rights>Révision {n}</rights>\n",
    ),
];
/// Template text that does not parse.
const BROKEN_TEMPLATE: [&str; 3] = [
    "{% if %}\n",
    "{{ page.title | filtre_inconnu }}\n",
    "{% endfor %}\n",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut text: Vec<&str> = (0..words).map(|_| *rng.pick(&WORDS)).collect();
    text.insert(0, "Les");
    let mut sentence = text.join(" ");
    sentence.push('.');
    sentence
}

fn title(rng: &mut Rng) -> String {
    let word = rng.pick(&WORDS);
    let town = rng.pick(&MUNICIPALITIES);
    let number = rng.below(100);
    let title = match rng.below(3) {
        0 => format!("{word} à {town} : bilan {number}"),
        1 => format!("Cas illustratif {number} — {word} et {}", rng.pick(&WORDS)),
        _ => format!("En région, édition {number} : {word}"),
    };
    let mut chars = title.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn date(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        2019 + rng.below(8),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

fn regions(rng: &mut Rng) -> String {
    let count = 1 + rng.below(2);
    let chosen = rng.some(&REGIONS, count);
    if chosen.len() == 1 && rng.chance(50) {
        chosen[0].to_string()
    } else {
        format!("[{}]", chosen.join(", "))
    }
}

fn themes(rng: &mut Rng) -> String {
    let count = 1 + rng.below(3);
    format!("[{}]", rng.some(&THEMES, count).join(", "))
}

/// A new case study's text; `link` is a case study it points to.
fn case_study(rng: &mut Rng, link: Option<&str>) -> String {
    let mut text = format!(
        "---\ntitle: \"{}\"\ndate: {}\nsummary: \"{}\"\nmunicipality: {}\nregion: {}\nthemes: {}\n",
        title(rng),
        date(rng),
        sentence(rng, 8),
        rng.pick(&MUNICIPALITIES),
        regions(rng),
        themes(rng),
    );
    if rng.chance(30) {
        text.push_str("featured: true\n");
    }
    text.push_str("---\n\n");
    // Three headings or more make a table of contents.
    for _ in 0..rng.below(5) {
        text.push_str(&format!("## {}\n\n{}\n\n", title(rng), sentence(rng, 12)));
    }
    text.push_str(&sentence(rng, 20));
    text.push('\n');
    if let Some(target) = link {
        text.push_str(&format!("\nVoir aussi [la fiche voisine]({target}).\n"));
    }
    text
}

fn svg(rng: &mut Rng, script: bool) -> String {
    let colour = rng.next() % 0x100_0000;
    let active = if script {
        "<script>alert(1)</script>"
    } else {
        ""
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">{active}<rect width=\"40\" height=\"20\" fill=\"#{colour:06x}\"/></svg>\n"
    )
}

/// Sets (or with `None` removes) a top-level `key: value` line of a YAML text, between
/// lines `from..to`; `keys` are the key and its aliases, as authors write them. A missing
/// key is added at `to`.
fn set_line(lines: &mut Vec<String>, from: usize, to: usize, keys: &[&str], value: Option<&str>) {
    let found = (from..to).find(|&i| keys.iter().any(|k| lines[i].starts_with(&format!("{k}:"))));
    match (found, value) {
        (Some(i), Some(value)) => {
            let key = lines[i].split(':').next().unwrap_or(keys[0]).to_string();
            lines[i] = format!("{key}: {value}\n");
        }
        (Some(i), None) => {
            lines.remove(i);
        }
        (None, Some(value)) => lines.insert(to, format!("{}: {value}\n", keys[0])),
        (None, None) => {}
    }
}

/// `text` with a front matter field set or removed (the text as it was if it has none).
fn set_field(text: &str, keys: &[&str], value: Option<&str>) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return text.to_string();
    }
    let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---") else {
        return text.to_string();
    };
    set_line(&mut lines, 1, end + 1, keys, value);
    lines.concat()
}

fn field<'a>(text: &'a str, keys: &[&str]) -> Option<&'a str> {
    let end = text.find("\n---")?;
    text[..end].lines().find_map(|line| {
        keys.iter().find_map(|k| {
            line.strip_prefix(k)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(str::trim)
        })
    })
}

/// `text` with a top-level setting of config.yaml set or removed.
fn set_setting(text: &str, key: &str, value: Option<&str>) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let end = lines.len();
    set_line(&mut lines, 0, end, &[key], None);
    if let Some(value) = value {
        // New settings go after the site's own settings, before the schema.
        let to = lines
            .iter()
            .position(|l| l.starts_with("case_studies:"))
            .unwrap_or(lines.len());
        lines.insert(to, format!("{key}: {value}\n"));
    }
    lines.concat()
}

/// Files as they were before an edit, to put back (`None`: the file did not exist).
type Undo = Vec<(String, Option<Vec<u8>>)>;

/// The site folder being edited, and what the walk remembers of it.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// For new file names that never collide.
    counter: usize,
}

impl Site {
    fn create(rng: &mut Rng) -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("site");
        let repo = common::repo_root();
        common::copy_dir(&repo.join("content"), &root.join("content"));
        std::fs::copy(repo.join("config.yaml"), root.join("config.yaml")).expect("config");
        for theme in ["default", "atelier"] {
            common::copy_dir(
                &repo.join("themes/default"),
                &root.join("themes").join(theme),
            );
        }
        let mut site = Site {
            _dir: dir,
            root,
            counter: 0,
        };
        let mut ignored = Undo::new();
        if rng.chance(50) {
            let config = set_setting(&site.read("config.yaml"), "theme", Some("atelier"));
            site.write("config.yaml", config.as_bytes(), rng, &mut ignored);
        }
        let image = svg(rng, false);
        site.write(
            &format!("{CASES}/plan-quartier.svg"),
            image.as_bytes(),
            rng,
            &mut ignored,
        );
        let mut text = case_study(rng, Some("umq-mifi-partenariat.md"));
        text.push_str("\n![Plan du quartier](plan-quartier.svg)\n");
        site.write(
            &format!("{CASES}/jumelage-interculturel.md"),
            text.as_bytes(),
            rng,
            &mut ignored,
        );
        let text = case_study(rng, Some("jumelage-interculturel.md"));
        site.write(
            &format!("{CASES}/cafe-rencontre-rimouski.md"),
            text.as_bytes(),
            rng,
            &mut ignored,
        );
        site
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|err| panic!("read {relative}: {err}"))
    }

    fn bytes(&self, relative: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(relative)).ok()
    }

    /// Writes a file, in place or as many editors save (a temporary file renamed over it).
    fn write(&mut self, relative: &str, bytes: &[u8], rng: &mut Rng, undo: &mut Undo) {
        undo.push((relative.to_string(), self.bytes(relative)));
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        if rng.chance(25) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("f");
            let temporary = path.with_file_name(format!(".{name}.swp"));
            std::fs::write(&temporary, bytes).expect("write a temporary file");
            std::fs::rename(&temporary, &path).expect("rename it into place");
        } else {
            std::fs::write(&path, bytes).unwrap_or_else(|err| panic!("write {relative}: {err}"));
        }
    }

    fn remove(&mut self, relative: &str, undo: &mut Undo) {
        undo.push((relative.to_string(), self.bytes(relative)));
        std::fs::remove_file(self.path(relative))
            .unwrap_or_else(|err| panic!("remove {relative}: {err}"));
    }

    fn rename(&mut self, from: &str, to: &str, undo: &mut Undo) {
        undo.push((from.to_string(), self.bytes(from)));
        undo.push((to.to_string(), self.bytes(to)));
        std::fs::rename(self.path(from), self.path(to))
            .unwrap_or_else(|err| panic!("rename {from} to {to}: {err}"));
    }

    /// Puts back what `undo` recorded, last change first.
    fn restore(&mut self, undo: &Undo, rng: &mut Rng, record: &mut Undo) {
        for (relative, bytes) in undo.iter().rev() {
            match bytes {
                Some(bytes) => self.write(relative, bytes, rng, record),
                None if self.exists(relative) => self.remove(relative, record),
                None => {}
            }
        }
    }

    fn next_number(&mut self) -> usize {
        self.counter += 1;
        self.counter
    }

    /// The case studies' file names, sorted (the walk must not depend on directory order).
    fn case_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path(CASES))
            .expect("case studies folder")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".md") && !name.starts_with('.'))
            .collect();
        names.sort();
        names
    }

    /// Every Markdown file (case studies and pages), as paths from the site folder.
    fn markdown_files(&self) -> Vec<String> {
        let mut files: Vec<String> = self
            .case_files()
            .into_iter()
            .map(|name| format!("{CASES}/{name}"))
            .collect();
        for page in ["content/a-propos.md", "content/methodologie.md"] {
            if self.exists(page) {
                files.push(page.to_string());
            }
        }
        files
    }

    /// The files that mention case study `name` (links to it).
    fn linking_to(&self, name: &str) -> Vec<String> {
        self.markdown_files()
            .into_iter()
            .filter(|file| !file.ends_with(&format!("/{name}")) && self.read(file).contains(name))
            .collect()
    }

    /// The active theme's folder, as config.yaml names it.
    fn theme_dir(&self) -> String {
        let config = self.read("config.yaml");
        let name = config
            .lines()
            .find_map(|l| l.strip_prefix("theme:"))
            .map_or("default", str::trim);
        format!("themes/{name}")
    }

    /// Where the site lives in URLs (`base_url` in config.yaml).
    fn base_path(&self) -> String {
        let config = self.read("config.yaml");
        config
            .lines()
            .find_map(|l| l.strip_prefix("base_url:"))
            .map_or("/", str::trim)
            .to_string()
    }

    /// A fresh `passerelle build` into an empty folder: its files (Passerelle's own
    /// `.passerelle/` left out), or its report when it fails.
    fn full_build(&self) -> Result<BTreeMap<String, Vec<u8>>, String> {
        let out = tempfile::tempdir().expect("tempdir");
        let output = out.path().join("public");
        let (code, stdout, stderr) = common::passerelle(&[
            "build",
            "--root",
            self.root.to_str().expect("UTF-8 temp path"),
            "--output",
            output.to_str().expect("UTF-8 temp path"),
        ]);
        if code != 0 {
            return Err(format!("{stderr}{stdout}"));
        }
        Ok(common::snapshot(&output)
            .into_iter()
            .map(|(path, state)| (path, state.bytes))
            .collect())
    }
}

/// What an author does in one save.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Body,
    Title,
    /// The summary: cards, feeds and related practices (made from its words) change.
    Summary,
    /// The partners: the page and the exports change, the item keeps its place.
    Partners,
    Region,
    Themes,
    Date,
    Draft,
    Featured,
    Add,
    Delete,
    Rename,
    Link,
    Template,
    Stylesheet,
    Strings,
    Config,
    Asset,
}

/// How often each edit is chosen.
const KINDS: [(Kind, usize); 18] = [
    (Kind::Body, 4),
    (Kind::Title, 3),
    (Kind::Region, 2),
    (Kind::Themes, 2),
    (Kind::Date, 2),
    (Kind::Draft, 2),
    (Kind::Featured, 2),
    (Kind::Add, 2),
    (Kind::Delete, 1),
    (Kind::Rename, 2),
    (Kind::Link, 2),
    (Kind::Template, 3),
    (Kind::Stylesheet, 1),
    (Kind::Strings, 2),
    (Kind::Config, 2),
    (Kind::Asset, 1),
    // Added later: walks recorded before them replay with the kinds above only.
    (Kind::Summary, 2),
    (Kind::Partners, 2),
];

/// The kinds of edits a walk recorded before `Kind::Summary` was added chose from.
const FIRST_KINDS: usize = 16;

fn pick_kind(rng: &mut Rng, kinds: &[(Kind, usize)]) -> Kind {
    let total: usize = kinds.iter().map(|(_, w)| w).sum();
    let mut n = rng.below(total);
    for &(kind, weight) in kinds {
        if n < weight {
            return kind;
        }
        n -= weight;
    }
    Kind::Body
}

/// The last edits left the site broken; what will fix it.
struct Broken {
    /// Every change since the last good build, to put back.
    undo: Undo,
    /// A case study renamed while others link to it: (old name, new name). Authors fix
    /// that by changing the links, which is tried first.
    renamed: Option<(String, String)>,
    /// Steps since the site broke.
    steps: usize,
}

/// One edit made: what it was (for the report), and how to put it back.
struct Made {
    what: String,
    undo: Undo,
    renamed: Option<(String, String)>,
    /// Edits saved one after the other without waiting: the preview may build any state
    /// in between.
    saves: usize,
}

/// Makes one edit of `kind`, or `None` when there is nothing to make it on. Edits that
/// break the site (a bad region, a template that does not parse, a link to a renamed
/// file…) are made only when `may_break`.
fn edit(kind: Kind, site: &mut Site, rng: &mut Rng, may_break: bool) -> Option<Made> {
    let mut undo = Undo::new();
    let mut renamed = None;
    let cases = site.case_files();
    if cases.is_empty() {
        return None;
    }
    let case = format!("{CASES}/{}", rng.pick(&cases));
    let n = site.next_number();
    let what = match kind {
        Kind::Body => {
            let files = site.markdown_files();
            let file = rng.pick(&files).clone();
            let text = site.read(&file);
            let (new, how) = match rng.below(5) {
                0 | 1 => (
                    format!("{text}\n{}\n", sentence(rng, 15)),
                    "a paragraph added",
                ),
                2 | 3 => (
                    format!("{text}\n## {}\n\n{}\n", title(rng), sentence(rng, 10)),
                    "a section added",
                ),
                _ => match text.trim_end().rsplit_once("\n\n") {
                    Some((kept, _)) if kept.contains("\n---") && kept.len() > 200 => {
                        (format!("{kept}\n"), "its last paragraph removed")
                    }
                    _ => (format!("{text}Une ligne de plus.\n"), "a line added"),
                },
            };
            site.write(&file, new.as_bytes(), rng, &mut undo);
            format!("body of {file}: {how}")
        }
        Kind::Title => {
            let files = site.markdown_files();
            let file = rng.pick(&files).clone();
            let value = format!("\"{}\"", title(rng));
            let text = set_field(&site.read(&file), &["title", "titre"], Some(&value));
            site.write(&file, text.as_bytes(), rng, &mut undo);
            format!("title of {file} → {value}")
        }
        Kind::Summary => {
            let value = format!(
                "\"{} : {} et {}.\"",
                title(rng),
                rng.pick(&WORDS),
                rng.pick(&WORDS)
            );
            let keys = ["summary", "résumé", "resume", "description"];
            let text = set_field(&site.read(&case), &keys, Some(&value));
            site.write(&case, text.as_bytes(), rng, &mut undo);
            format!("summary of {case} → {value}")
        }
        Kind::Partners => {
            let value = format!(
                "[\"Organisme {} de {}\"]",
                rng.below(100),
                rng.pick(&MUNICIPALITIES)
            );
            let keys = ["partners", "partenaires"];
            let text = set_field(&site.read(&case), &keys, Some(&value));
            site.write(&case, text.as_bytes(), rng, &mut undo);
            format!("partners of {case} → {value}")
        }
        Kind::Region => {
            let value = if may_break && rng.chance(15) {
                "Estri".to_string()
            } else {
                regions(rng)
            };
            let keys = ["region", "région", "régions", "regions"];
            let text = set_field(&site.read(&case), &keys, Some(&value));
            site.write(&case, text.as_bytes(), rng, &mut undo);
            format!("region of {case} → {value}")
        }
        Kind::Themes => {
            let value = themes(rng);
            let keys = ["themes", "thèmes", "theme", "thème"];
            let text = set_field(&site.read(&case), &keys, Some(&value));
            site.write(&case, text.as_bytes(), rng, &mut undo);
            format!("themes of {case} → {value}")
        }
        Kind::Date => {
            let value = date(rng);
            let text = set_field(&site.read(&case), &["date"], Some(&value));
            site.write(&case, text.as_bytes(), rng, &mut undo);
            format!("date of {case} → {value}")
        }
        Kind::Draft | Kind::Featured => {
            let keys: &[&str] = if kind == Kind::Draft {
                &["draft", "brouillon"]
            } else {
                &["featured", "en vedette", "vedette"]
            };
            let text = site.read(&case);
            let on = field(&text, keys) == Some("true");
            let value = match (on, rng.chance(50)) {
                (false, _) => Some("true"),
                (true, true) => Some("false"),
                (true, false) => None,
            };
            let text = set_field(&text, keys, value);
            site.write(&case, text.as_bytes(), rng, &mut undo);
            format!(
                "{} of {case} → {}",
                keys[0],
                value.unwrap_or("(line removed)")
            )
        }
        Kind::Add => {
            let name = if rng.chance(25) {
                format!("étude-d-été-{n}.md")
            } else {
                format!("nouvelle-etude-{n}.md")
            };
            let link = rng
                .chance(40)
                .then(|| rng.pick(&cases).clone())
                .filter(|target| !target.contains(' '));
            let text = case_study(rng, link.as_deref());
            let file = format!("{CASES}/{name}");
            site.write(&file, text.as_bytes(), rng, &mut undo);
            format!("new case study {file}")
        }
        Kind::Delete => {
            // A file others link to stays: deleting it breaks them, which renames test.
            let free: Vec<&String> = cases
                .iter()
                .filter(|name| site.linking_to(name).is_empty())
                .collect();
            if free.is_empty() {
                return None;
            }
            let file = format!("{CASES}/{}", rng.pick(&free));
            site.remove(&file, &mut undo);
            format!("deleted {file}")
        }
        Kind::Rename => {
            let from_name = rng.pick(&cases).clone();
            let to_name = match rng.below(4) {
                0 => format!("Étude renommée {n}.md"),
                _ => format!("etude-renommee-{n}.md"),
            };
            let linking = site.linking_to(&from_name);
            // Links follow the file in the same save (an editor's rename refactoring), or
            // are left broken, to be fixed by a later edit.
            let relink = !linking.is_empty() && (!may_break || rng.chance(40));
            if relink && to_name.contains(' ') {
                return None;
            }
            site.rename(
                &format!("{CASES}/{from_name}"),
                &format!("{CASES}/{to_name}"),
                &mut undo,
            );
            if relink {
                for file in &linking {
                    let text = site.read(file).replace(&from_name, &to_name);
                    site.write(file, text.as_bytes(), rng, &mut undo);
                }
            } else if !linking.is_empty() {
                renamed = Some((from_name.clone(), to_name.clone()));
            }
            format!(
                "renamed {CASES}/{from_name} to {to_name}{}",
                match (linking.is_empty(), relink) {
                    (true, _) => String::new(),
                    (false, true) => format!(" and the links of {}", linking.join(", ")),
                    (false, false) => format!(", leaving the links of {}", linking.join(", ")),
                }
            )
        }
        Kind::Link => {
            let files = site.markdown_files();
            let from = rng.pick(&files).clone();
            let targets: Vec<&String> = cases
                .iter()
                .filter(|name| !name.contains(' ') && !from.ends_with(&format!("/{name}")))
                .collect();
            let missing = format!("inexistante-{n}.md");
            let target = if may_break && rng.chance(10) {
                &missing
            } else if targets.is_empty() {
                return None;
            } else {
                rng.pick(&targets)
            };
            let prefix = if from.starts_with(CASES) {
                ""
            } else {
                "etudes-de-cas/"
            };
            let link = format!("Voir aussi [une autre fiche]({prefix}{target}).");
            let text = site.read(&from);
            let (text, how) = match text.lines().find(|l| l.starts_with("Voir aussi [")) {
                Some(old) => (text.replacen(old, &link, 1), "changed"),
                None => (format!("{text}\n{link}\n"), "added"),
            };
            site.write(&from, text.as_bytes(), rng, &mut undo);
            format!("link in {from} to {prefix}{target} {how}")
        }
        Kind::Template => {
            let theme = site.theme_dir();
            let (name, anchor, snippet) = rng.pick(&TEMPLATE_EDITS);
            let file = format!("{theme}/templates/{name}");
            if rng.chance(10) && site.exists(&file) {
                // Without it, the built-in template is used again (or, for a theme of its
                // own, the site breaks).
                if !may_break && !theme.ends_with("/default") {
                    return None;
                }
                site.remove(&file, &mut undo);
                format!("removed {file}")
            } else {
                let text = site.bytes(&file).map_or_else(
                    || {
                        std::fs::read_to_string(
                            common::repo_root()
                                .join("themes/default/templates")
                                .join(name),
                        )
                        .expect("built-in template")
                    },
                    |bytes| String::from_utf8(bytes).expect("UTF-8 template"),
                );
                let insert = if may_break && rng.chance(12) {
                    rng.pick(&BROKEN_TEMPLATE).to_string()
                } else {
                    snippet.replace("{n}", &n.to_string())
                };
                let at = text
                    .find(anchor)
                    .and_then(|i| text[i..].find('\n').map(|j| i + j + 1))
                    .unwrap_or(text.len());
                let text = format!("{}{insert}{}", &text[..at], &text[at..]);
                site.write(&file, text.as_bytes(), rng, &mut undo);
                format!("{file}: inserted {:?}", insert.trim_end())
            }
        }
        Kind::Stylesheet => {
            let theme = site.theme_dir();
            let rule = format!(".rev-{n} {{ color: #{:06x}; }}\n", rng.next() % 0x100_0000);
            match rng.below(6) {
                // The site's own static/ overrides the theme's file.
                0 if site.exists("static/style.css") => {
                    site.remove("static/style.css", &mut undo);
                    "removed static/style.css (the theme's is used again)".to_string()
                }
                0 => {
                    let theme_css = site.read(&format!("{theme}/static/style.css"));
                    let text = format!("{theme_css}{rule}");
                    site.write("static/style.css", text.as_bytes(), rng, &mut undo);
                    "static/style.css written over the theme's".to_string()
                }
                1 => {
                    let file = format!("{theme}/static/print.css");
                    let text = format!("{}{rule}", site.read(&file));
                    site.write(&file, text.as_bytes(), rng, &mut undo);
                    format!("{file}: {}", rule.trim_end())
                }
                _ => {
                    let file = format!("{theme}/static/style.css");
                    let text = format!("{}{rule}", site.read(&file));
                    site.write(&file, text.as_bytes(), rng, &mut undo);
                    format!("{file}: {}", rule.trim_end())
                }
            }
        }
        Kind::Strings => {
            let file = format!("{}/i18n/fr.yaml", site.theme_dir());
            let key = rng.pick(&I18N_KEYS);
            let value = if may_break && rng.chance(10) {
                "\"guillemet jamais fermé".to_string()
            } else {
                format!("\"{} {n}\"", rng.pick(&WORDS))
            };
            let mut lines: Vec<String> = site
                .read(&file)
                .split_inclusive('\n')
                .map(str::to_string)
                .collect();
            let end = lines.len();
            set_line(&mut lines, 0, end, &[key], Some(&value));
            site.write(&file, lines.concat().as_bytes(), rng, &mut undo);
            format!("{file}: {key} → {value}")
        }
        Kind::Config => {
            let config = site.read("config.yaml");
            let (key, value) = match rng.below(20) {
                0..=6 => ("title", Some(format!("\"{}\"", title(rng)))),
                7..=8 => ("description", Some(format!("\"{}\"", sentence(rng, 10)))),
                9..=13 => ("paginate", Some((1 + rng.below(13)).to_string())),
                14 if may_break => ("paginate", Some("0".to_string())),
                14..=16 => {
                    let base = if site.base_path() == "/" {
                        "/pratiques/"
                    } else {
                        "/"
                    };
                    ("base_url", Some(base.to_string()))
                }
                _ if site.theme_dir() == "themes/atelier" => ("theme", None),
                _ => ("theme", Some("atelier".to_string())),
            };
            let text = set_setting(&config, key, value.as_deref());
            if text == config {
                return None;
            }
            site.write("config.yaml", text.as_bytes(), rng, &mut undo);
            format!(
                "config.yaml: {key} → {}",
                value.as_deref().unwrap_or("(line removed)")
            )
        }
        Kind::Asset => {
            let file = format!("{CASES}/plan-quartier.svg");
            let script = may_break && rng.chance(20);
            let image = svg(rng, script);
            site.write(&file, image.as_bytes(), rng, &mut undo);
            format!(
                "{file} redrawn{}",
                if script { " with a script in it" } else { "" }
            )
        }
    };
    let changed = undo
        .iter()
        .any(|(file, before)| site.bytes(file) != *before);
    changed.then_some(Made {
        what,
        undo,
        renamed,
        saves: 1,
    })
}

/// A site as built, and where it is served from.
#[derive(Clone)]
struct Built {
    files: BTreeMap<String, Vec<u8>>,
    base: String,
}

/// One walk: a site, its preview, and the edits so far (printed if anything fails).
struct Walk {
    seed: u64,
    steps: usize,
    log: Vec<String>,
    /// Set once the failure has been reported, so that `Drop` does not report it again.
    reported: bool,
}

impl Walk {
    /// Records an edit (also printed as it happens, seen with `--nocapture`).
    fn note(&mut self, line: String) {
        eprintln!("[seed {}] {line}", self.seed);
        self.log.push(line);
    }

    /// Fails the test with the seed, the step, the edits so far and how to replay them.
    fn fail(&mut self, step: usize, message: &str) -> ! {
        self.reported = true;
        panic!("{}", self.context(step, message));
    }

    fn context(&self, step: usize, message: &str) -> String {
        let mut replay = format!("PASSERELLE_EDIT_SEED={}", self.seed);
        if self.steps != STEPS {
            replay.push_str(&format!(" PASSERELLE_EDIT_STEPS={}", self.steps));
        }
        format!(
            "seed {seed}, step {step} of {steps}: {message}\n\nedits so far:\n{edits}\n\nreplay: {replay} cargo test --test serve_random\n",
            seed = self.seed,
            steps = self.steps,
            edits = self.log.join("\n"),
        )
    }
}

impl Drop for Walk {
    /// A panic outside the checks (a file that cannot be written…) still says how to replay.
    fn drop(&mut self) {
        if std::thread::panicking() && !self.reported {
            eprintln!(
                "{}",
                self.context(self.log.len(), "panicked (see the message above)")
            );
        }
    }
}

fn walk(seed: u64, steps: usize) {
    walk_with(seed, steps, &KINDS);
}

/// A walk choosing its edits among `kinds`.
fn walk_with(seed: u64, steps: usize, kinds: &[(Kind, usize)]) {
    eprintln!("serve_random: seed {seed}, {steps} steps");
    let mut walk = Walk {
        seed,
        steps,
        log: Vec::new(),
        reported: false,
    };
    let mut rng = Rng(seed);
    let mut site = Site::create(&mut rng);
    let first = site.full_build().unwrap_or_else(|report| {
        walk.fail(0, &format!("the starting site fails to build:\n{report}"))
    });
    let mut good = Built {
        files: first,
        base: site.base_path(),
    };
    let preview = Preview::start(&site.root, &[]);
    // The page a browser has open, which the preview renders first.
    let open = [
        "index.html",
        "etudes-de-cas/index.html",
        "etudes-de-cas/umq-mifi-partenariat/index.html",
        "regions/estrie/index.html",
    ];
    let page = *rng.pick(&open);
    let mut events = preview.events(page);
    walk.note(format!("  0. a browser shows {page}"));
    if let Err(message) = served_equals(&preview, &good, &good) {
        walk.fail(
            0,
            &format!("the first build is not served as built: {message}"),
        );
    }
    let mut broken: Option<Broken> = None;
    // Whether the preview's last good site is `good`. Not after a burst of saves that ends
    // broken: the preview may have built a good state in between, and keep that one.
    let mut good_known = true;
    for step in 1..=steps {
        let before = events.drain();
        let made = make_step(&mut site, &mut rng, &mut broken, kinds);
        walk.note(format!("{step:3}. {}", made.what));
        match site.full_build() {
            Ok(files) => {
                broken = None;
                good_known = true;
                let built = Built {
                    files,
                    base: site.base_path(),
                };
                // Sometimes the next save comes as soon as the pages are served, while the
                // exports and the search index are still to be made (an author saving
                // again within a second): they are then checked after the next edit.
                let hurried = step < steps && rng.chance(15);
                let checked = wait_for(&mut events, "build", before).and_then(|()| {
                    if hurried {
                        Ok(())
                    } else {
                        served_equals(&preview, &built, &good)
                    }
                });
                if let Err(message) = checked {
                    walk.fail(step, &message);
                }
                if hurried {
                    walk.note(
                        "     (next edit saved at once, without waiting for the preview to settle)"
                            .into(),
                    );
                }
                good = built;
            }
            Err(report) => {
                walk.note(format!(
                    "     (the build fails: {})",
                    report.lines().next().unwrap_or_default()
                ));
                let broken = broken.get_or_insert_with(|| Broken {
                    undo: Undo::new(),
                    renamed: None,
                    steps: 0,
                });
                broken.undo.extend(made.undo);
                broken.renamed = broken.renamed.take().or(made.renamed);
                broken.steps += 1;
                good_known &= made.saves == 1;
                let last_good = good_known.then_some(&good);
                if let Err(message) = wait_for(&mut events, "errors", before)
                    .and_then(|()| serves_errors(&preview, last_good, &good.base, &report))
                {
                    walk.fail(step, &message);
                }
            }
        }
    }
}

/// The edits of one step: a repair of a broken site (sometimes delayed, with other edits in
/// between, as an author who saves twice before fixing), one edit, or a burst of edits
/// saved together.
fn make_step(
    site: &mut Site,
    rng: &mut Rng,
    broken: &mut Option<Broken>,
    kinds: &[(Kind, usize)],
) -> Made {
    if let Some(state) = broken
        && (state.steps >= 3 || rng.chance(50))
    {
        let mut undo = Undo::new();
        let what = match state.renamed.take() {
            Some((old, new)) => {
                for file in site.linking_to(&old) {
                    let text = site.read(&file).replace(&old, &new);
                    site.write(&file, text.as_bytes(), rng, &mut undo);
                }
                format!("repair: links to {old} changed to {new}")
            }
            None => {
                let recorded = std::mem::take(&mut state.undo);
                site.restore(&recorded, rng, &mut undo);
                "repair: every file changed since the last good build put back".to_string()
            }
        };
        return Made {
            what,
            undo,
            renamed: None,
            saves: 1,
        };
    }
    let may_break = broken.is_none();
    let count = if rng.chance(15) { 2 + rng.below(2) } else { 1 };
    let mut made: Vec<Made> = Vec::new();
    while made.len() < count {
        if let Some(one) = edit(
            pick_kind(rng, kinds),
            site,
            rng,
            may_break && made.is_empty(),
        ) {
            made.push(one);
        }
    }
    if made.len() == 1 {
        return made.remove(0);
    }
    Made {
        what: format!(
            "saved together: {}",
            made.iter()
                .map(|m| m.what.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        renamed: made.iter().find_map(|m| m.renamed.clone()),
        saves: made.len(),
        undo: made.into_iter().flat_map(|m| m.undo).collect(),
    }
}

/// Waits for an event `name` newer than generation `after`: the preview has taken the edit
/// in (events of other names may come first, as a rename seen half-done).
fn wait_for(events: &mut Events, name: &str, after: u64) -> Result<(), String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match events.next_before(deadline) {
            Some(event) if event.name == name && event.generation() > after => return Ok(()),
            Some(_) => {}
            None => {
                return Err(format!(
                    "no `{name}` event within {PATIENCE:?} (the preview did not take the edit in)"
                ));
            }
        }
    }
}

/// Polls until the preview serves exactly `built` (pages, feeds, exports, search index:
/// the last two are made a little later), without the error overlay; then checks every
/// page under its file name too, and that what `previous` had and `built` has not is gone.
fn served_equals(preview: &Preview, built: &Built, previous: &Built) -> Result<(), String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match differences(preview, built, false) {
            Ok(()) => break,
            Err(message) if Instant::now() > deadline => {
                return Err(format!(
                    "the preview differs from a fresh full build after {PATIENCE:?}:\n{message}"
                ));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    for (path, bytes) in &built.files {
        if !path.ends_with("index.html") {
            continue;
        }
        let target = url_of(&built.base, path, true);
        let reply = preview.get(&target)?;
        let (page, _) = strip_injection(&reply.body);
        if reply.status != 200 || page != *bytes {
            return Err(format!(
                "{target} (status {}) is not {path} as built, though {} is",
                reply.status,
                url_of(&built.base, path, false)
            ));
        }
    }
    for path in previous.files.keys() {
        if built.files.contains_key(path) {
            continue;
        }
        for as_file in [false, true] {
            let target = url_of(&built.base, path, as_file);
            let reply = preview.get(&target)?;
            if reply.status != 404 {
                return Err(format!(
                    "{target} answers {} but the build no longer has {path}",
                    reply.status
                ));
            }
        }
    }
    Ok(())
}

/// What the preview serves that differs from `built`: the file list, then each file's
/// status and bytes (HTML without what `serve` inserts), and whether the overlay is shown.
fn differences(preview: &Preview, built: &Built, overlay: bool) -> Result<(), String> {
    let mut problems = Vec::new();
    let list = preview.get("/__passerelle/files")?;
    if list.status == 200 {
        let served: Vec<String> = serde_json::from_slice(&list.body)
            .map_err(|err| format!("/__passerelle/files is not a list: {err}"))?;
        let missing: Vec<&String> = built
            .files
            .keys()
            .filter(|path| !served.contains(path))
            .collect();
        let extra: Vec<&String> = served
            .iter()
            .filter(|path| !built.files.contains_key(*path))
            .collect();
        if !missing.is_empty() {
            problems.push(format!("not served: {missing:?}"));
        }
        if !extra.is_empty() {
            problems.push(format!("served but not built: {extra:?}"));
        }
    }
    for (path, bytes) in &built.files {
        let target = url_of(&built.base, path, false);
        let reply = preview.get(&target)?;
        let (body, shown) = if path.ends_with(".html") {
            strip_injection(&reply.body)
        } else {
            (reply.body.clone(), None)
        };
        if reply.status != 200 {
            problems.push(format!("{target}: status {}", reply.status));
        } else if body != *bytes {
            problems.push(format!(
                "{target}: served bytes differ from the build's {path} ({} bytes served, {} built){}",
                body.len(),
                bytes.len(),
                first_difference(&body, bytes)
            ));
        } else if path.ends_with(".html") && shown.is_some() != overlay {
            problems.push(format!(
                "{target}: the error overlay is {}",
                if overlay { "missing" } else { "still shown" }
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let count = problems.len();
    problems.truncate(8);
    Err(format!("{} ({count} problems)", problems.join("\n")))
}

/// Where two texts part, with a little of each, for the failure message.
fn first_difference(served: &[u8], built: &[u8]) -> String {
    let at = served
        .iter()
        .zip(built)
        .position(|(a, b)| a != b)
        .unwrap_or(served.len().min(built.len()));
    let around = |bytes: &[u8]| {
        let start = at.saturating_sub(60);
        let end = (at + 100).min(bytes.len());
        String::from_utf8_lossy(&bytes[start.min(end)..end]).into_owned()
    };
    format!(
        "; from byte {at}, served: {:?}, built: {:?}",
        around(served),
        around(built)
    )
}

/// After a failed build: the preview keeps serving the last good site (when it is known),
/// with an overlay that shows the build's diagnostics as the terminal prints them.
fn serves_errors(
    preview: &Preview,
    good: Option<&Built>,
    base: &str,
    report: &str,
) -> Result<(), String> {
    let diagnostics: Vec<&str> = report
        .lines()
        .filter(|l| l.contains(": erreur[") || l.contains(": avertissement["))
        .collect();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let same = good.map_or(Ok(()), |good| differences(preview, good, true));
        let checked = same.and_then(|()| {
            // Any page shows the overlay, the site's 404 page too (if `base` moved).
            let home = preview.get(&url_of(base, "index.html", false))?;
            let (_, overlay) = strip_injection(&home.body);
            let text = fragment_text(&overlay.unwrap_or_default());
            match diagnostics.iter().find(|d| !text.contains(**d)) {
                Some(line) => Err(format!(
                    "the overlay does not show `{line}` (the build's report:\n{report})\noverlay text: {text}"
                )),
                None => Ok(()),
            }
        });
        match checked {
            Ok(()) => return Ok(()),
            Err(message) if Instant::now() > deadline => {
                return Err(format!(
                    "after a failed build, the preview does not serve the last good site with the errors:\n{message}"
                ));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// The edits' own helpers, on the front matter and settings authors write.
#[test]
fn fields_and_settings_are_set_where_authors_wrote_them() {
    let text = "---\ntitre: \"Un\"\nrégion: Estrie\nsources:\n  - title: x\n---\ntitle: corps\n";
    let text = set_field(text, &["title", "titre"], Some("\"Deux\""));
    assert_eq!(
        text,
        "---\ntitre: \"Deux\"\nrégion: Estrie\nsources:\n  - title: x\n---\ntitle: corps\n"
    );
    let text = set_field(&text, &["draft"], Some("true"));
    assert!(text.contains("  - title: x\ndraft: true\n---\n"), "{text}");
    assert_eq!(field(&text, &["draft"]), Some("true"));
    let text = set_field(&text, &["draft"], None);
    assert!(!text.contains("draft"), "{text}");
    let config = "title: A\npaginate: 12\ncase_studies:\n  title: x\n";
    assert_eq!(
        set_setting(config, "paginate", Some("3")),
        "title: A\npaginate: 3\ncase_studies:\n  title: x\n"
    );
    assert_eq!(
        set_setting(config, "title", None),
        "paginate: 12\ncase_studies:\n  title: x\n"
    );
}
