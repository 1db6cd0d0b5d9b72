//! Search: the index the build writes under `search/`, queried through the same JavaScript
//! the search page runs (`themes/default/static/search.js`, under `node`), and the French
//! word handling that the builder and the browser must share.
//!
//! `node` is required: outside CI a test without it is skipped with a printed reason.

mod common;

use passerelle::search::tokenize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

// ---------------------------------------------------------------------------------------
// Helpers

fn node() -> Option<PathBuf> {
    let found = ["/usr/bin/node", "/usr/local/bin/node"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .or_else(|| {
            Command::new("node")
                .arg("--version")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| PathBuf::from("node"))
        });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("node is required in CI to run the search engine: apt-get install -y nodejs");
        }
        eprintln!("SKIPPED: node not found (apt-get install -y nodejs)");
    }
    found
}

/// Runs tests/js/search-cli.js with a JSON input.
fn run_js(node: &Path, args: &[&str], input: &Value) -> Value {
    let script = common::repo_root().join("tests/js/search-cli.js");
    let mut child = Command::new(node)
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let bytes = serde_json::to_vec(input).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let output = child.wait_with_output().expect("node runs");
    writer.join().unwrap().unwrap();
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("node prints JSON")
}

/// A built site on disk.
struct Built {
    _dir: tempfile::TempDir,
    public: PathBuf,
}

fn build(root: &Path, base_url: Option<&str>) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    let mut options = passerelle::BuildOptions::new(root);
    options.base_url = base_url.map(str::to_string);
    match passerelle::build_to_dir(&options, &public, || {}).expect("output folder") {
        Ok(_) => {}
        Err(diagnostics) => panic!("build failed:\n{}", diagnostics.report()),
    }
    Built { _dir: dir, public }
}

fn example() -> Built {
    let site = common::example_site_copy();
    build(site.path(), None)
}

/// Runs queries through the browser engine; each answer has `fetched` (files loaded).
fn search(node: &Path, site: &Built, queries: Value) -> Vec<Value> {
    let answers = run_js(node, &["search", site.public.to_str().unwrap()], &queries);
    answers.as_array().unwrap().clone()
}

fn one(node: &Path, site: &Built, q: &str) -> Value {
    search(node, site, json!([{ "q": q }])).remove(0)
}

/// `field` of every object in the JSON array `list`.
fn each<'a>(list: &'a Value, field: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    list.as_array()
        .unwrap()
        .iter()
        .map(move |item| &item[field])
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn urls(answer: &Value) -> Vec<String> {
    each(&answer["results"], "url")
        .map(|url| url.as_str().unwrap().to_string())
        .collect()
}

/// The highlighted words of every result (title, excerpt, tags), folded.
fn marked(answer: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for result in answer["results"].as_array().unwrap() {
        for parts in ["titleParts", "excerptParts", "tagsParts"] {
            for part in result[parts].as_array().unwrap() {
                if part["mark"] == true {
                    out.push(passerelle::text::fold(part["text"].as_str().unwrap()));
                }
            }
        }
    }
    out
}

/// Whether some result shows `text` (title or tags), compared folded.
fn shows(answer: &Value, text: &str) -> bool {
    let wanted = passerelle::text::fold(text);
    answer["results"].as_array().unwrap().iter().any(|r| {
        let title = passerelle::text::fold(r["title"].as_str().unwrap_or_default());
        let tags = passerelle::text::fold(r["tags"].as_str().unwrap_or_default());
        title.contains(&wanted) || tags.contains(&wanted)
    })
}

/// A site made of the repository's config.yaml and the given case studies:
/// (file stem, extra front matter lines, body).
fn site_with(docs: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::repo_root().join("config.yaml"),
        dir.path().join("config.yaml"),
    )
    .unwrap();
    let folder = dir.path().join("content/etudes-de-cas");
    std::fs::create_dir_all(&folder).unwrap();
    for (i, (stem, front, body)) in docs.iter().enumerate() {
        let has = |key: &str| front.lines().any(|l| l.starts_with(key));
        let mut text = String::from("---\n");
        text.push_str(front);
        text.push('\n');
        if !has("title:") {
            text.push_str(&format!("title: \"Étude {stem}\"\n"));
        }
        if !has("summary:") {
            text.push_str("summary: \"Une initiative municipale.\"\n");
        }
        if !has("date:") {
            text.push_str(&format!("date: 2024-01-{:02}\n", i + 1));
        }
        if !has("municipality:") {
            text.push_str("municipality: Sherbrooke\n");
        }
        if !has("region:") {
            text.push_str("region: Estrie\n");
        }
        if !has("themes:") {
            text.push_str("themes: [logement]\n");
        }
        text.push_str("---\n\n");
        text.push_str(body);
        text.push('\n');
        std::fs::write(folder.join(format!("{stem}.md")), text).unwrap();
    }
    dir
}

// ---------------------------------------------------------------------------------------
// The builder and the browser see the same words

/// Rust tokens with offsets in code points, as the JS harness reports them.
fn rust_tokens(text: &str) -> Value {
    let tokens: Vec<Value> = tokenize::tokens(text)
        .into_iter()
        .map(|t| {
            json!({
                "folded": t.folded,
                "start": text[..t.start].chars().count(),
                "end": text[..t.end].chars().count(),
            })
        })
        .collect();
    Value::Array(tokens)
}

fn assert_same_tokens(node: &Path, inputs: &[String]) {
    let js = run_js(node, &["tokens"], &json!(inputs));
    for (input, js_tokens) in inputs.iter().zip(js.as_array().unwrap()) {
        assert_eq!(
            &rust_tokens(input),
            js_tokens,
            "Rust and JS split {input:?} differently"
        );
    }
}

#[test]
fn rust_and_browser_split_french_text_identically() {
    let Some(node) = node() else { return };
    let inputs: Vec<String> = [
        "L’accueil des réfugiés en Estrie",
        "l'accueil d'immigrants qu'il jusqu’ici lorsqu'on puisqu'elle s’établir c'est n’a m’a t'a j’ai",
        "aujourd'hui presqu’île l' accueil l’ qu’",
        "ÉTUDIANTS INTERNATIONAUX À SAINT-JÉRÔME ÇA ÎLE ŒUVRE ÆTHER Ÿ",
        "cœur, sœur et œuvre ; Straße",
        "60\u{a0}000\u{a0}$ et 12\u{202f}% ; 2024–2025 — COVID-19",
        "Gaspésie–Îles-de-la-Madeleine, Saguenay—Lac-Saint-Jean, Rivière-du-Loup",
        "re\u{301}fugie\u{301}es (accents décomposés) e\u{300}\u{301}",
        "« guillemets » “anglais” ‘simples’ `code` ´aigu´ ʼmodifierʼ",
        "Ⅻ ½ ² ٣ 𝟘 ｆｕｌｌ",
        "İstanbul Σίσυφος ПРИВЕТ Ǆemal ﬁn ǅ",
        "emoji 🇨🇦👍🏽 et 漢字 et עברית",
        "tab\tnew\nline\r\nend",
        "",
        "   ",
        "'''l'''",
        "Rue Saint-Jean-Baptiste, J1H 5N4 — 819 555-0101 (poste 2)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_same_tokens(&node, &inputs);
}

#[test]
fn rust_and_browser_fold_every_character_identically() {
    let Some(node) = node() else { return };
    // Every code point of the scripts a Quebec site meets (Latin, punctuation, Greek,
    // Cyrillic, Arabic, Hebrew, letter-like symbols, ligatures, full-width forms), in runs of
    // 40 separated by a letter so each run also exercises word splitting.
    let ranges = [
        0x20u32..0x250,
        0x250..0x2B0,
        0x2B0..0x370,
        0x370..0x530,
        0x590..0x700,
        0x1E00..0x2000,
        0x2000..0x2100,
        0x2100..0x2200,
        0xFB00..0xFB50,
        0xFF00..0xFFF0,
    ];
    // Code points that node's Unicode tables (older than Rust's) do not know yet are left
    // out: text written today cannot contain them.
    let all: Vec<u32> = ranges.iter().flat_map(|r| r.clone()).collect();
    let unknown: Vec<u32> =
        serde_json::from_value(run_js(&node, &["unassigned"], &json!(all))).unwrap();
    let mut inputs = Vec::new();
    for range in ranges {
        let chars: Vec<char> = range
            .filter(|cp| unknown.binary_search(cp).is_err())
            .filter_map(char::from_u32)
            .collect();
        for chunk in chars.chunks(40) {
            let mut text = String::new();
            for c in chunk {
                text.push(*c);
                text.push('x');
            }
            inputs.push(text);
        }
    }
    assert_same_tokens(&node, &inputs);
}

// ---------------------------------------------------------------------------------------
// What a reader finds on the example site

#[test]
fn accents_do_not_matter() {
    let Some(node) = node() else { return };
    let site = example();
    let answer = one(&node, &site, "integration");
    assert!(shows(&answer, "intégration"), "{answer:#}");
    assert!(
        marked(&answer).iter().any(|m| m == "integration"),
        "{:?}",
        marked(&answer)
    );
    assert_eq!(urls(&answer), urls(&one(&node, &site, "INTÉGRATION")));
}

#[test]
fn inflections_meet_in_one_stem() {
    let Some(node) = node() else { return };
    let site = example();
    for q in ["réfugiés", "refugiee", "réfugiée", "Refugies"] {
        let answer = one(&node, &site, q);
        assert!(shows(&answer, "personnes réfugiées"), "{q}: {answer:#}");
    }
    let answer = one(&node, &site, "etudiant");
    assert!(shows(&answer, "étudiants internationaux"), "{answer:#}");
    assert!(
        marked(&answer).iter().any(|m| m == "etudiants"),
        "{:?}",
        marked(&answer)
    );
}

#[test]
fn elisions_are_ignored_with_either_apostrophe() {
    let Some(node) = node() else { return };
    let site = example();
    let plain = one(&node, &site, "accueil");
    assert!(plain["total"].as_u64().unwrap() > 0);
    for q in ["l'accueil", "l’accueil", "L’ACCUEIL", "d'accueil"] {
        let answer = one(&node, &site, q);
        assert_eq!(answer["words"], json!(["accueil"]), "{q}");
        assert_eq!(urls(&answer), urls(&plain), "{q}");
    }
}

#[test]
fn the_last_word_matches_as_a_prefix() {
    let Some(node) = node() else { return };
    let site = example();
    let answer = one(&node, &site, "franci");
    assert!(shows(&answer, "francisation"), "{answer:#}");
    assert!(marked(&answer).iter().any(|m| m == "francisation"));
}

#[test]
fn one_typo_in_a_long_word_still_finds_it() {
    let Some(node) = node() else { return };
    let site = example();
    for q in [
        "francisaton",
        "fracnisation",
        "francisatoin",
        "francizsation",
    ] {
        let answer = one(&node, &site, q);
        assert!(shows(&answer, "francisation"), "{q}: {answer:#}");
    }
    // Four letters is too short to guess: "lgement" finds logement, "lgmt" nothing.
    assert!(one(&node, &site, "lgement")["total"].as_u64().unwrap() > 0);
    assert_eq!(one(&node, &site, "lgmt")["total"], 0);
}

#[test]
fn a_word_that_matches_nothing_returns_nothing() {
    let Some(node) = node() else { return };
    let site = example();
    for q in ["xqzvbw", "francisation xqzvbw", "zzzzzzzzzz accueil"] {
        let answer = one(&node, &site, q);
        assert_eq!(answer["total"], 0, "{q}");
        assert_eq!(answer["results"], json!([]), "{q}");
        assert_eq!(answer["unknown"].as_array().unwrap().len(), 1, "{q}");
    }
}

#[test]
fn function_words_are_ignored_when_other_words_remain() {
    let Some(node) = node() else { return };
    let site = example();
    let answer = one(&node, &site, "accueil des réfugiés");
    assert_eq!(answer["words"], json!(["accueil", "refugies"]));
    assert_eq!(urls(&answer), urls(&one(&node, &site, "accueil réfugiés")));
}

#[test]
fn documents_with_every_word_rank_first() {
    let Some(node) = node() else { return };
    let site = example();
    let answer = search(
        &node,
        &site,
        json!([{ "q": "accueil réfugiés", "options": { "limit": 100 } }]),
    )
    .remove(0);
    let matched: Vec<u64> = each(&answer["results"], "matched")
        .map(|m| m.as_u64().unwrap())
        .collect();
    let all_words = answer["allWords"].as_u64().unwrap() as usize;
    assert!(all_words >= 1, "{answer:#}");
    assert!(
        matched.len() > all_words,
        "some documents hold only one word: {matched:?}"
    );
    assert!(matched[..all_words].iter().all(|&m| m == 2), "{matched:?}");
    assert!(matched[all_words..].iter().all(|&m| m == 1), "{matched:?}");
}

// ---------------------------------------------------------------------------------------
// Ranking, on sites made for the purpose

#[test]
fn title_outranks_summary_outranks_labels_outranks_body() {
    let Some(node) = node() else { return };
    let filler = "Une démarche concertée avec les partenaires du milieu. ".repeat(20);
    let dir = site_with(&[
        (
            "corps",
            "",
            &format!("{filler} Le patrimoine bâti du village. {filler}"),
        ),
        ("etiquettes", "tags: [patrimoine]", &filler),
        (
            "resume",
            "summary: \"Mettre en valeur le patrimoine local.\"",
            &filler,
        ),
        ("titre", "title: \"Le patrimoine en partage\"", &filler),
    ]);
    let site = build(dir.path(), None);
    let answer = one(&node, &site, "patrimoine");
    let order: Vec<String> = urls(&answer)
        .iter()
        .map(|u| {
            u.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(order, ["titre", "resume", "etiquettes", "corps"]);
}

#[test]
fn typo_matches_rank_below_exact_and_prefix_matches() {
    let Some(node) = node() else { return };
    let dir = site_with(&[
        (
            "jumele",
            "",
            "Chaque famille est jumelée avec des bénévoles.",
        ),
        ("jumelage", "", "Un jumelage entre familles et bénévoles."),
    ]);
    let site = build(dir.path(), None);
    // "jumela" is the start of "jumelage" and one letter away from "jumelé".
    let answer = one(&node, &site, "jumela");
    let order = urls(&answer);
    assert_eq!(order.len(), 2, "{answer:#}");
    assert!(
        order[0].contains("/jumelage/") && order[1].contains("/jumele/"),
        "{order:?}"
    );
}

#[test]
fn excerpts_escape_text_and_mark_the_words() {
    let Some(node) = node() else { return };
    let dir = site_with(&[(
        "echappe",
        "summary: \"Tom & Jerry <b>accueillent</b> des \\\"réfugiés\\\" <script>alert(1)</script>\"",
        "Rien d’autre.",
    )]);
    let site = build(dir.path(), None);
    let answer = one(&node, &site, "refugies");
    let excerpt = answer["results"][0]["excerpt"].as_str().unwrap();
    assert!(excerpt.contains("Tom &amp; Jerry &lt;b&gt;"), "{excerpt}");
    assert!(
        excerpt.contains("&quot;<mark>réfugiés</mark>&quot;"),
        "{excerpt}"
    );
    assert!(
        !excerpt.contains("<script") && !excerpt.contains("<b>"),
        "{excerpt}"
    );
}

// ---------------------------------------------------------------------------------------
// Facets

fn facet<'a>(answer: &'a Value, param: &str) -> &'a Vec<Value> {
    answer["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["param"] == param)
        .unwrap_or_else(|| panic!("no facet {param}"))["values"]
        .as_array()
        .unwrap()
}

fn count(answer: &Value, param: &str, id: &str) -> u64 {
    facet(answer, param)
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no value {id} in {param}"))["count"]
        .as_u64()
        .unwrap()
}

#[test]
fn facets_are_the_controlled_vocabularies_and_the_year() {
    let Some(node) = node() else { return };
    let site = example();
    let answer = one(&node, &site, "");
    let params: Vec<&str> = each(&answer["facets"], "param")
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        ["region", "theme", "public", "status", "program", "year"]
    );
}

#[test]
fn facet_counts_follow_the_query_and_the_other_filters() {
    let Some(node) = node() else { return };
    let site = example();
    let answers = search(
        &node,
        &site,
        json!([
            { "q": "accueil" },
            { "q": "accueil", "filters": { "region": ["estrie"] } },
            { "q": "accueil", "filters": { "region": ["estrie", "montreal"], "theme": ["integration"] } },
        ]),
    );
    let (all, estrie, both) = (&answers[0], &answers[1], &answers[2]);
    let in_estrie = count(all, "region", "estrie");
    assert!(in_estrie > 0);
    assert_eq!(estrie["total"].as_u64().unwrap(), in_estrie);
    // A facet's own selection does not change its counts; the other facets' do.
    assert_eq!(
        facet(estrie, "region"),
        &facet(all, "region")
            .iter()
            .map(|v| {
                let mut v = v.clone();
                v["selected"] = json!(v["id"] == "estrie");
                v
            })
            .collect::<Vec<_>>()
    );
    let theme_total: u64 = facet(estrie, "theme")
        .iter()
        .map(|v| v["count"].as_u64().unwrap())
        .sum();
    let theme_all: u64 = facet(all, "theme")
        .iter()
        .map(|v| v["count"].as_u64().unwrap())
        .sum();
    assert!(theme_total < theme_all);
    for result in estrie["results"].as_array().unwrap() {
        assert!(
            result["region"].as_str().unwrap().contains("Estrie"),
            "{result:#}"
        );
    }
    // Values of one facet are alternatives; facets combine.
    assert_eq!(
        both["total"].as_u64().unwrap(),
        count(both, "theme", "integration").min(both["total"].as_u64().unwrap())
    );
    assert!(
        both["total"].as_u64().unwrap()
            <= count(all, "region", "estrie") + count(all, "region", "montreal")
    );
}

/// Words of the built site whose completions all share their key (so that as a query they
/// stand for one key), found in more than one case study, most frequent first.
///
/// Words that the content pages may hold are left out: a filter leaves pages out, so a
/// filter that keeps every case study would change such a word's total.
fn single_key_words(site: &Built, how_many: usize) -> Vec<String> {
    let mut pages = String::new();
    for page in ["a-propos.md", "methodologie.md"] {
        let text = std::fs::read_to_string(common::repo_root().join("content").join(page));
        pages.push_str(&passerelle::text::fold(&text.unwrap()));
    }
    let in_pages = |word: &str| {
        let stem: String = word.chars().take(5).collect();
        pages.contains(&stem)
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(site.public.join("search/v")).unwrap() {
        let shard = read_json(&entry.unwrap().path());
        let words: Vec<&str> = shard["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        let refs = shard["refs"].as_array().unwrap();
        for (i, word) in words.iter().enumerate() {
            let Some(key) = refs[i].as_u64() else {
                continue;
            };
            let df = shard["keys"][key as usize][2].as_u64().unwrap();
            let alone = words
                .iter()
                .enumerate()
                .filter(|(_, w)| w.starts_with(word))
                .all(|(j, _)| refs[j].as_u64() == Some(key));
            if alone
                && word.len() >= 5
                && df > 1
                && !tokenize::is_stop_word(word)
                && !in_pages(word)
            {
                found.push((df, word.to_string()));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().take(how_many).map(|(_, w)| w).collect()
}

#[test]
fn one_word_counts_facets_without_the_facet_file() {
    let Some(node) = node() else { return };
    let site = example();
    let manifest = read_json(&site.public.join("search/manifest.json"));
    let years: Vec<Value> = each(&manifest["facets"]["list"][5]["values"], "id")
        .cloned()
        .collect();
    let words = single_key_words(&site, 3);
    assert_eq!(words.len(), 3, "{words:?}");
    for q in &words {
        let q = q.as_str();
        // Selecting every year filters nothing but makes the engine count from the facet files.
        let answers = search(
            &node,
            &site,
            json!([{ "q": q }, { "q": q, "filters": { "year": years } }]),
        );
        let (own, computed) = (&answers[0], &answers[1]);
        assert_eq!(own["total"], computed["total"], "{q}");
        let counts = |a: &Value| -> Vec<Value> {
            each(&a["facets"], "values")
                .flat_map(|values| each(values, "count").cloned())
                .collect()
        };
        assert_eq!(counts(own), counts(computed), "{q}");
        let fetched = |a: &Value| {
            each(&a["fetched"], "path").any(|p| p.as_str().unwrap().starts_with("search/f/"))
        };
        assert!(!fetched(own) && fetched(computed), "{q}");
    }
}

#[test]
fn one_word_reads_its_head_not_its_postings() {
    // Before, a one-word query read the word's whole postings, whose size grows with the
    // number of case studies holding it (21 KB for `francisation` at 100,000). Its head holds
    // its first two pages of results and its counts, and ranks them as the postings would.
    let Some(node) = node() else { return };
    let site = example();
    let manifest = read_json(&site.public.join("search/manifest.json"));
    let years: Vec<Value> = each(&manifest["facets"]["list"][5]["values"], "id")
        .cloned()
        .collect();
    let paths = |a: &Value, prefix: &str| -> usize {
        each(&a["fetched"], "path")
            .filter(|p| p.as_str().unwrap().starts_with(prefix))
            .count()
    };
    for q in single_key_words(&site, 3) {
        let page = |offset: u64, filters: &Value| json!({ "q": q, "filters": filters, "options": { "offset": offset, "limit": 5 } });
        let all_years = json!({ "year": years });
        let answers = search(
            &node,
            &site,
            json!([
                page(0, &json!({})),
                page(0, &all_years),
                page(5, &json!({})),
                page(5, &all_years),
                { "q": q, "options": { "offset": 20 } },
            ]),
        );
        for (head, postings) in [(&answers[0], &answers[1]), (&answers[2], &answers[3])] {
            assert_eq!(paths(head, "search/h/"), 1, "{q}: {:?}", head["fetched"]);
            assert_eq!(paths(head, "search/p/"), 0, "{q}: {:?}", head["fetched"]);
            assert_eq!(paths(postings, "search/p/"), 1, "{q}");
            for field in ["total", "allWords", "results"] {
                assert_eq!(head[field], postings[field], "{q}: {field}");
            }
        }
        // Past the head, the postings are read.
        assert_eq!(paths(&answers[4], "search/p/"), 1, "{q}");
        assert_eq!(answers[4]["total"], answers[0]["total"], "{q}");
    }
}

#[test]
fn facets_alone_browse_the_collection_newest_first() {
    let Some(node) = node() else { return };
    let site = example();
    let answers = search(
        &node,
        &site,
        json!([
            { "q": "", "filters": { "theme": ["francisation"] }, "options": { "limit": 100 } },
            { "q": "", "filters": { "thème": "francisation" } },
            { "q": "", "options": { "limit": 100 } },
        ]),
    );
    let manifest = read_json(&site.public.join("search/manifest.json"));
    let expected = manifest["facets"]["list"][1]["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "francisation")
        .unwrap()["count"]
        .clone();
    assert_eq!(answers[0]["total"], expected);
    assert_eq!(
        answers[1]["total"], expected,
        "aliases and single values are accepted"
    );
    let ids: Vec<u64> = each(&answers[0]["results"], "id")
        .map(|id| id.as_u64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "site order, newest first: {ids:?}"
    );
    // Browsing is the case studies: content pages come up by their words only.
    assert_eq!(
        answers[2]["total"].as_u64().unwrap(),
        manifest["caseStudies"].as_u64().unwrap()
    );
}

#[test]
fn several_words_show_results_without_any_facet_file() {
    // The facet files grow with the collection (355 KB at 100,000 case studies):
    // results must not wait for them, and a query that only ranks must not fetch them.
    let Some(node) = node() else { return };
    let site = example();
    let answers = search(
        &node,
        &site,
        json!([
            { "q": "accueil réfugiés", "options": { "facets": false } },
            { "q": "accueil réfugiés" },
        ]),
    );
    let (quick, counted) = (&answers[0], &answers[1]);
    let facet_files = |a: &Value| -> Vec<String> {
        each(&a["fetched"], "path")
            .map(|p| p.as_str().unwrap().to_string())
            .filter(|p| p.starts_with("search/f/"))
            .collect()
    };
    assert_eq!(facet_files(quick), Vec::<String>::new());
    assert_eq!(quick["total"], counted["total"]);
    assert_eq!(quick["results"], counted["results"]);
    assert!(
        each(&quick["facets"], "values")
            .flat_map(|values| each(values, "count"))
            .all(Value::is_null),
        "{:#}",
        quick["facets"]
    );
    // Counting reads one file per facet, each once.
    assert_eq!(facet_files(counted).len(), 6, "{:?}", facet_files(counted));
    assert!(count(counted, "region", "estrie") > 0);
}

#[test]
fn a_filter_fetches_the_file_of_its_facet_only() {
    let Some(node) = node() else { return };
    let site = example();
    let answers = search(
        &node,
        &site,
        json!([
            { "q": "accueil réfugiés", "filters": { "region": ["estrie"] }, "options": { "facets": false } },
            { "q": "accueil réfugiés", "filters": { "region": ["estrie"] } },
        ]),
    );
    let fetched: Vec<&str> = each(&answers[0]["fetched"], "path")
        .map(|p| p.as_str().unwrap())
        .filter(|p| p.starts_with("search/f/"))
        .collect();
    assert_eq!(fetched.len(), 1, "{fetched:?}");
    assert!(fetched[0].starts_with("search/f/region."), "{fetched:?}");
    assert_eq!(answers[0]["total"], answers[1]["total"]);
    assert_eq!(answers[0]["results"], answers[1]["results"]);
    // The region's own counts come with its file; the other facets' need theirs.
    assert_eq!(facet(&answers[0], "region"), facet(&answers[1], "region"));
    assert!(
        facet(&answers[0], "theme")
            .iter()
            .all(|v| v["count"].is_null())
    );
}

// ---------------------------------------------------------------------------------------
// The files
#[test]
fn editing_one_case_study_renames_few_index_files() {
    // Before: the document shards were in one folder named by a hash of them all, and the
    // postings and vocabulary files were filled to a fixed size in order, so one word added
    // to one case study renamed every document shard and every file after the new word.
    let syllables = [
        "ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi", "zo",
    ];
    let mut words = Vec::new();
    for a in syllables {
        for b in syllables {
            for c in syllables {
                words.push(format!("{a}{b}{c}"));
            }
        }
    }
    let mut state = 7u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let count = 300;
    let stems: Vec<String> = (0..count).map(|i| format!("etude-{i:03}")).collect();
    let fronts: Vec<String> = (0..count)
        .map(|i| format!("date: 2024-{:02}-{:02}", i / 28 + 1, i % 28 + 1))
        .collect();
    let bodies: Vec<String> = (0..count)
        .map(|_| {
            let picked: Vec<&str> = (0..150)
                .map(|_| words[next() % words.len()].as_str())
                .collect();
            format!("{}.", picked.join(" "))
        })
        .collect();
    let docs: Vec<(&str, &str, &str)> = (0..count)
        .map(|i| (stems[i].as_str(), fronts[i].as_str(), bodies[i].as_str()))
        .collect();
    let dir = site_with(&docs);
    let index = || -> BTreeMap<String, Vec<u8>> {
        common::build_in_memory(dir.path(), None)
            .into_iter()
            .filter(|(p, _)| p.starts_with("search/"))
            .collect()
    };
    let renamed =
        |before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>, prefix: &str| {
            for (path, bytes) in before {
                if path != "search/manifest.json" && after.get(path).is_some_and(|b| b != bytes) {
                    panic!("{path} kept its name but not its bytes");
                }
            }
            let old: Vec<&String> = before.keys().filter(|p| p.starts_with(prefix)).collect();
            let gone = old.iter().filter(|p| !after.contains_key(**p)).count();
            (gone, old.len())
        };
    let edited = dir.path().join("content/etudes-de-cas/etude-150.md");
    let edit = |from: &str, to: &str| {
        let text = std::fs::read_to_string(&edited).unwrap();
        assert!(text.contains(from));
        std::fs::write(&edited, text.replacen(from, to, 1)).unwrap();
    };
    let first = index();
    let manifest: Value = serde_json::from_slice(&first["search/manifest.json"]).unwrap();
    let group = manifest["docShards"]["group"].as_u64().unwrap() as usize;

    // A word added to one case study's body renames the folder of its document shard only.
    // (Its postings change too, and they are spread over every postings file: the body's
    // length weighs each of its words.)
    edit(&bodies[150], &format!("{} abacule", bodies[150]));
    let second = index();
    let (gone, total) = renamed(&first, &second, "search/d/");
    assert!(total > 4 * group, "{total} shards, {group} a folder");
    assert!(
        (1..=group).contains(&gone),
        "{gone} of {total} document shards renamed"
    );

    // A word that sorts before every other, added to a title, renames the few files that
    // hold that title's words, not every file after the new word.
    edit(
        "title: \"Étude etude-150\"",
        "title: \"Étude abacule etude-150\"",
    );
    let third = index();
    let (gone, total) = renamed(&second, &third, "search/d/");
    assert!(
        (1..=group).contains(&gone),
        "{gone} of {total} document shards renamed"
    );
    for prefix in ["search/p/", "search/v/"] {
        let (gone, total) = renamed(&second, &third, prefix);
        assert!(total >= 5, "{prefix}: {total} files");
        assert!(
            (1..=3).contains(&gone),
            "{prefix}: {gone} of {total} files renamed"
        );
    }
}

#[test]
fn two_builds_write_identical_index_files() {
    let site = common::example_site_copy();
    let index = |files: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        files
            .into_iter()
            .filter(|(p, _)| p.starts_with("search/"))
            .collect()
    };
    let first = index(common::build_in_memory(site.path(), None));
    let second = index(common::build_in_memory(site.path(), None));
    assert!(first.contains_key("search/manifest.json"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert!(first == second, "index files differ between two builds");
}

#[test]
fn index_files_are_named_by_their_content() {
    use passerelle::search::encode::{content_hash, short_hash};
    let site = common::example_site_copy();
    let files = common::build_in_memory(site.path(), None);
    // Document shards: a folder is named by its first shard's number and its shards' hashes.
    let mut folders: BTreeMap<&str, Vec<(u64, &Vec<u8>)>> = BTreeMap::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.starts_with("search/")) {
        if path == "search/manifest.json" {
            continue;
        }
        if let Some(rest) = path.strip_prefix("search/d/") {
            let (folder, file) = rest.split_once('/').unwrap();
            let number = file.strip_suffix(".json").unwrap().parse().unwrap();
            folders.entry(folder).or_default().push((number, bytes));
            continue;
        }
        let hash = short_hash(bytes);
        assert!(
            path.contains(&hash),
            "{path} is not named by its content hash {hash}"
        );
    }
    assert!(!folders.is_empty());
    for (folder, mut shards) in folders {
        shards.sort();
        let mut all = shards[0].0.to_le_bytes().to_vec();
        for (_, bytes) in &shards {
            all.extend_from_slice(&content_hash(bytes).to_le_bytes());
        }
        assert_eq!(folder, short_hash(&all), "folder of shard {}", shards[0].0);
    }
}

#[test]
fn a_query_fetches_only_what_it_needs() {
    let Some(node) = node() else { return };
    let site = example();
    let answer = one(&node, &site, "accueil réfugiés");
    let fetched: Vec<&str> = each(&answer["fetched"], "path")
        .map(|p| p.as_str().unwrap())
        .collect();
    let count = |prefix: &str| fetched.iter().filter(|p| p.starts_with(prefix)).count();
    assert_eq!(count("search/manifest.json"), 1);
    assert!(count("search/v/") <= 2, "{fetched:?}");
    assert!(count("search/p/") <= 2, "{fetched:?}");
    assert!(count("search/d/") <= 10, "{fetched:?}");
    assert_eq!(
        count("search/f/"),
        6,
        "several words count every facet: {fetched:?}"
    );
    assert_eq!(
        fetched.len(),
        fetched
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        "no file twice"
    );
}

#[test]
fn a_page_open_across_a_rebuild_reloads_the_manifest() {
    let Some(node) = node() else { return };
    let dir = common::example_site_copy();
    let before = build(dir.path(), None);
    std::fs::write(
        dir.path().join("content/etudes-de-cas/nouvelle.md"),
        "---\ntitle: \"Un nouvel accueil\"\ndate: 2099-01-01\nsummary: \"Accueil.\"\n\
         municipality: Gaspé\nregion: \"11\"\nthemes: [logement]\n---\n\nAccueil.\n",
    )
    .unwrap();
    let after = build(dir.path(), None);
    // The first query loads the manifest but no facet file; the second needs the region's, and
    // the one the old manifest names is gone from the new build.
    let word = single_key_words(&before, 1).remove(0);
    let gaspesie = json!({ "region": ["gaspesie-iles-de-la-madeleine"] });
    let answers = run_js(
        &node,
        &["sequence"],
        &json!([
            { "q": word, "site": before.public },
            { "q": "accueil", "filters": gaspesie, "site": after.public },
        ]),
    );
    let fresh = search(
        &node,
        &after,
        json!([{ "q": "accueil", "filters": gaspesie }]),
    )
    .remove(0);
    assert_eq!(answers[1]["total"], fresh["total"]);
    assert_eq!(answers[1]["results"], fresh["results"]);
    assert!(shows(&answers[1], "Un nouvel accueil"), "{:#}", answers[1]);
}

#[test]
fn search_page_loads_its_scripts_under_the_base_path() {
    let site = common::example_site_copy();
    let files = common::build_in_memory(site.path(), Some("https://example.org/pratiques/"));
    let page = common::html(&files, "recherche/index.html");
    let scripts: Vec<(String, bool)> = common::select(&page, "script[src]")
        .into_iter()
        .map(|s| {
            (
                s.value().attr("src").unwrap().to_string(),
                s.value().attr("defer").is_some(),
            )
        })
        .collect();
    assert_eq!(
        scripts,
        [
            ("/pratiques/static/search.js".to_string(), true),
            ("/pratiques/static/search-page.js".to_string(), true)
        ]
    );
    let index = common::select(&page, "script[data-passerelle-index]");
    assert_eq!(
        index[0].value().attr("data-passerelle-index"),
        Some("/pratiques/search/")
    );
    for other in ["index.html", "etudes-de-cas/index.html"] {
        let html = common::html(&files, other);
        assert!(
            common::select(&html, "script[src]").is_empty(),
            "{other} loads scripts"
        );
    }
    assert!(files.contains_key("static/search.js") && files.contains_key("search/manifest.json"));
}

#[test]
fn result_links_follow_the_base_path() {
    let Some(node) = node() else { return };
    let dir = common::example_site_copy();
    let site = build(dir.path(), Some("https://example.org/pratiques/"));
    // The engine takes the site's root from where the index is: /search/ here, as the files
    // are read from disk; the URLs stored are relative to the site root.
    let answer = one(&node, &site, "accueil");
    for url in urls(&answer) {
        assert!(
            url.starts_with("/etudes-de-cas/") || url == "/a-propos/" || url == "/methodologie/",
            "{url}"
        );
    }
    let page = common::html(
        &common::build_in_memory(dir.path(), Some("https://example.org/pratiques/")),
        "recherche/index.html",
    );
    let form = &common::select(&page, "form#search-form")[0];
    assert_eq!(form.value().attr("action"), Some("/pratiques/recherche/"));
}

#[test]
fn without_javascript_the_search_page_links_the_taxonomies() {
    let site = common::example_site_copy();
    let files = common::build_in_memory(site.path(), None);
    let page = common::html(&files, "recherche/index.html");
    let noscript = common::select(&page, "noscript");
    assert_eq!(noscript.len(), 1);
    // With scripting on, the parser keeps <noscript> content as raw text: parse it apart.
    let inner: String = noscript[0].text().collect();
    let fragment = scraper::Html::parse_fragment(&inner);
    let text = fragment.root_element().text().collect::<String>();
    assert!(text.contains("JavaScript"), "{text}");
    let links: Vec<String> = common::select(&fragment, "a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    for target in ["/regions/", "/themes/", "/publics/"] {
        assert!(
            links.iter().any(|l| l == target),
            "{target} not in {links:?}"
        );
        assert!(files.contains_key(&format!("{}index.html", target.trim_start_matches('/'))));
    }
    // The results area is announced to screen readers.
    assert_eq!(
        common::select(&page, "#search-status[role=status][aria-live=polite]").len(),
        1
    );
}

#[test]
fn home_page_form_submits_q_to_the_search_page() {
    let site = common::example_site_copy();
    let files = common::build_in_memory(site.path(), None);
    let home = common::html(&files, "index.html");
    let form = &common::select(&home, "form[role=search]")[0];
    assert_eq!(form.value().attr("action"), Some("/recherche/"));
    assert_eq!(form.value().attr("method"), Some("get"));
    assert_eq!(
        common::select(&home, "form[role=search] input[name=q]").len(),
        1
    );
}

// ---------------------------------------------------------------------------------------
// Benchmark helper

/// The index stage alone, on a site given by `PASSERELLE_SEARCH_SITE` (bench/search.sh):
/// prints `index_seconds`, `index_peak_kb` (peak memory of the process while indexing, the
/// site model included), `model_kb` (memory before indexing), files and bytes.
#[test]
#[ignore = "benchmark helper: run by bench/search.sh"]
fn index_stage_timing() {
    let Some(root) = std::env::var_os("PASSERELLE_SEARCH_SITE") else {
        eprintln!("set PASSERELLE_SEARCH_SITE to a site folder");
        return;
    };
    let options = passerelle::BuildOptions::new(PathBuf::from(root));
    let built = match passerelle::check(&options) {
        Ok(built) => built,
        Err(diagnostics) => panic!("build failed:\n{}", diagnostics.report()),
    };
    let before = vm_kb("VmRSS");
    // Reset the peak so that VmHWM measures the index stage only.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    // Counted as they come, as a build hands each file to the output and keeps none.
    let (mut files, mut bytes) = (0usize, 0usize);
    passerelle::search::index_files(&built.site, 0, None, &mut |_, file| {
        files += 1;
        bytes += file.len();
    });
    let seconds = started.elapsed().as_secs_f64();
    println!("index_seconds {seconds:.3}");
    println!("index_peak_kb {}", vm_kb("VmHWM"));
    println!("model_kb {before}");
    println!("index_files {files}");
    println!("index_bytes {bytes}");
}

fn vm_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Sub-results and content pages

/// The built page a result URL (site-relative) points to, as text.
fn page_html(site: &Built, url: &str) -> String {
    let path = url
        .split('#')
        .next()
        .unwrap_or_default()
        .trim_start_matches('/');
    std::fs::read_to_string(site.public.join(path).join("index.html"))
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

#[test]
fn rust_and_browser_hash_section_words_identically() {
    let Some(node) = node() else { return };
    let words = [
        "francisation",
        "refugies",
        "oeuvre",
        "ete",
        "a",
        "mot-compose",
        "年",
    ];
    let browser = run_js(&node, &["hashes"], &json!(words));
    let rust: Vec<u32> = words
        .iter()
        .map(|w| passerelle::search::sections::word_hash(w))
        .collect();
    assert_eq!(browser, json!(rust));
}

#[test]
fn a_query_lands_on_the_section_that_holds_its_words() {
    let Some(node) = node() else { return };
    // `xylophones` is in the third section only, at the end of a sentence longer than any
    // excerpt keeps: no excerpt shows it, and the section is found by its recorded words.
    let long = format!("{}et des xylophones.", "Des familles, ".repeat(18));
    let body = format!(
        "## Contexte\n\nLa ville accueille des familles depuis longtemps.\n\n\
        ## Jumelage avec des bénévoles\n\nDes bénévoles accompagnent les familles au marché.\n\n\
        ## Résultats obtenus\n\n{long}\n"
    );
    let root = site_with(&[
        ("sections", "", &body),
        (
            "autre",
            "",
            "## Contexte\n\nUne autre ville accueille des familles.\n",
        ),
    ]);
    let site = build(root.path(), None);
    let answer = one(&node, &site, "xylophones");
    let first = &answer["results"][0];
    assert_eq!(first["url"], "/etudes-de-cas/sections/", "{answer}");
    let sections = first["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 1, "{sections:?}");
    let id = sections[0]["id"].as_str().unwrap();
    assert_eq!(sections[0]["title"], "Résultats obtenus");
    assert_eq!(sections[0]["url"], format!("/etudes-de-cas/sections/#{id}"));
    let excerpt: String = each(&sections[0]["excerptParts"], "text")
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(!excerpt.contains("xylophones"), "{excerpt}");
    // The anchor is a heading of the target page.
    let html = page_html(&site, "/etudes-de-cas/sections/");
    assert!(
        html.contains(&format!("id=\"{id}\">Résultats obtenus<")),
        "no #{id}"
    );

    // A word in a heading ranks its section first, and is marked there.
    let answer = one(&node, &site, "bénévoles");
    let sections = answer["results"][0]["sections"].as_array().unwrap();
    assert_eq!(
        sections[0]["title"], "Jumelage avec des bénévoles",
        "{sections:?}"
    );
    assert!(
        sections[0]["titleParts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["mark"] == true && p["text"] == "bénévoles")
    );
    // A word in no section's text (the title only) shows no sub-result.
    let answer = one(&node, &site, "étude sections");
    assert_eq!(answer["results"][0]["sections"], json!([]), "{answer}");
}

#[test]
fn content_pages_are_found_and_marked_as_pages() {
    let Some(node) = node() else { return };
    let site = example();
    // Words of the about page's text only.
    let answer = one(&node, &site, "témoin cookie");
    let about = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["url"] == "/a-propos/")
        .unwrap_or_else(|| panic!("the about page is not found: {answer}"));
    assert_eq!(about["kind"], "page");
    assert_eq!(about["title"], "À propos de Passerelle");
    // Its sections lead to its headings.
    let section = &about["sections"][0];
    let id = section["id"].as_str().unwrap();
    assert!(page_html(&site, "/a-propos/").contains(&format!("id=\"{id}\"")));
    // Case studies are marked as such, and pages rank with them.
    let answer = one(&node, &site, "francisation");
    for result in answer["results"].as_array().unwrap() {
        // English case studies are under `/en/`.
        let url = result["url"].as_str().unwrap();
        let case_study = url
            .strip_prefix("/en")
            .unwrap_or(url)
            .starts_with("/etudes-de-cas/");
        let kind = if case_study { "case_study" } else { "page" };
        assert_eq!(result["kind"], kind, "{result}");
    }
    let answer = one(&node, &site, "méthodologie");
    assert!(
        each(&answer["results"], "kind").any(|k| k == "page"),
        "{answer}"
    );
}

#[test]
fn facet_filters_exclude_content_pages_and_pages_count_in_no_facet() {
    let Some(node) = node() else { return };
    let site = example();
    let manifest = read_json(&site.public.join("search/manifest.json"));
    let case_studies = manifest["caseStudies"].as_u64().unwrap();
    assert!(manifest["docs"].as_u64().unwrap() > case_studies);
    let answers = search(
        &node,
        &site,
        json!([
            { "q": "témoin" },
            { "q": "témoin cookie" },
            { "q": "cas", "filters": { "region": ["estrie"] } },
            { "q": "" },
            { "q": "cas" },
        ]),
    );
    // Words of pages only: results, but every facet count is 0.
    for answer in &answers[..2] {
        assert!(answer["total"].as_u64().unwrap() >= 1, "{answer}");
        assert!(each(&answer["results"], "kind").all(|k| k == "page"));
        for f in answer["facets"].as_array().unwrap() {
            for value in f["values"].as_array().unwrap() {
                assert_eq!(value["count"], 0, "{} {}", f["param"], value["id"]);
            }
        }
    }
    // A filter keeps case studies only; browsing is the case studies.
    assert!(answers[2]["total"].as_u64().unwrap() >= 1);
    assert!(each(&answers[2]["results"], "kind").all(|k| k == "case_study"));
    assert_eq!(answers[3]["total"].as_u64().unwrap(), case_studies);
    assert!(each(&answers[3]["results"], "kind").all(|k| k == "case_study"));
    // The same word unfiltered does find pages ("Cas illustratifs" is a heading of both).
    assert!(
        answers[4]["total"].as_u64().unwrap() > answers[2]["total"].as_u64().unwrap(),
        "{}",
        answers[4]
    );
}
