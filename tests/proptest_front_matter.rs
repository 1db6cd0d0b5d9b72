//! No input makes Passerelle panic: random front matter (keys of the schema and their
//! French aliases, dates of every shape, numbers YAML reads in odd ways, lists, nested
//! fields, unicode, quotes, broken indentation) and random Markdown bodies go through
//! validation alone, then through the whole pipeline in memory.
//!
//! Deterministic: the seed is fixed unless `PROPTEST_RNG_SEED` is set; `PROPTEST_CASES`
//! runs more cases locally (e.g. `PROPTEST_CASES=5000 cargo test --test proptest_front_matter`).
//! A failure prints the shrunk input; rerun with the seed it reports.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// A YAML value as text: a scalar already spelled, a `[a, b]` list, a block list, or
/// nested fields.
#[derive(Debug, Clone)]
enum Val {
    Scalar(String),
    Flow(Vec<String>),
    Block(Vec<Val>),
    Map(Vec<(String, Val)>),
}

impl Val {
    fn render(&self, key: &str, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Val::Scalar(text) => out.push_str(&format!("{pad}{key}: {text}\n")),
            Val::Flow(items) => out.push_str(&format!("{pad}{key}: [{}]\n", items.join(", "))),
            Val::Block(items) => {
                out.push_str(&format!("{pad}{key}:\n"));
                for item in items {
                    match item {
                        Val::Map(fields) => {
                            let mut first = true;
                            for (k, v) in fields {
                                let mut nested = String::new();
                                v.render(k, indent + 4, &mut nested);
                                if first {
                                    // `  - key: value`: the item's first field on the dash line.
                                    let text = nested.get(indent + 4..).unwrap_or_default();
                                    out.push_str(&format!("{pad}  - {text}"));
                                    first = false;
                                } else {
                                    out.push_str(&nested);
                                }
                            }
                            if first {
                                out.push_str(&format!("{pad}  - {{}}\n"));
                            }
                        }
                        Val::Scalar(text) => out.push_str(&format!("{pad}  - {text}\n")),
                        other => {
                            let mut nested = String::new();
                            other.render("x", indent + 4, &mut nested);
                            out.push_str(&format!("{pad}  -\n{nested}"));
                        }
                    }
                }
            }
            Val::Map(fields) => {
                out.push_str(&format!("{pad}{key}:\n"));
                for (k, v) in fields {
                    v.render(k, indent + 2, out);
                }
            }
        }
    }
}

/// Text as an author may write it: plain, double- or single-quoted, with odd characters.
fn words() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "Accueil des familles",
            "Francisation en milieu de travail",
            "L’intégration à Gaspé",
            "Résumé : une initiative",
            "Un « projet » pilote",
            "Sherbrooke",
            "Montréal",
            "Estrie",
            "PAC",
            "immigration@ville.example",
            "https://example.org/rapport.pdf",
        ])
        .prop_map(str::to_string),
        2 => "[a-zA-Zéèàçôî0-9 ’'\\-]{0,30}",
        1 => any::<String>().prop_map(|s| s.chars().take(40).collect()),
        1 => "[\\[\\]{}:#&*!|>%@`\",'-]{1,12}",
    ]
    .boxed()
}

fn scalar_text() -> BoxedStrategy<String> {
    (words(), 0..4u8)
        .prop_map(|(text, quoting)| match quoting {
            0 => format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")),
            1 => format!("'{}'", text.replace('\'', "''")),
            _ => text.replace('\n', " "),
        })
        .boxed()
}

/// Dates of random shape: valid, one-digit parts, other separators, timestamps, trailing
/// text, impossible days, numbers.
fn date_text() -> BoxedStrategy<String> {
    // Month and day with zero, one or two digits (`2025-1-20`, `2025-01-020`).
    let part = |range: std::ops::RangeInclusive<u32>| {
        (range, 0..3usize).prop_map(|(n, width)| match width {
            0 => n.to_string(),
            1 => format!("{n:02}"),
            _ => format!("{n:03}"),
        })
    };
    prop_oneof![
        2 => (1990..2030u32, 1..=12u32, 1..=28u32)
            .prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        3 => (0..30000u32, part(0..=13), part(0..=32), prop::sample::select(vec!["-", "-", "/", ".", " "]))
            .prop_map(|(y, m, d, sep)| format!("{y}{sep}{m}{sep}{d}")),
        1 => ("[0-9]{1,5}", "[0-9]{0,3}", "[0-9]{0,3}", prop::sample::select(vec!["-", "/", ""]))
            .prop_map(|(y, m, d, sep)| format!("{y}{sep}{m}{sep}{d}")),
        2 => (1990..2030u32, 0..=13u32, 0..=32u32, prop::sample::select(vec![
            "", "T10:00", "T10:00:00Z", " 10:00:00 -5", "t25:61", " lol", "x", "T", " é", "\u{301}",
        ]))
            .prop_map(|(y, m, d, tail)| format!("{y}-{m:02}-{d:02}{tail}")),
        1 => scalar_text(),
    ]
    .boxed()
}

fn number_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => (0..100_000i64).prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| n.to_string()),
        1 => prop::sample::select(vec![
            "-1", ".nan", ".inf", "-.inf", "1e300", "9223372036854775807", "18446744073709551616",
            "0x1F", "0o17", "1_000", "15 000", "643 000 $", "1.5e3", "-0", "+12", "~", "null",
        ])
        .prop_map(str::to_string),
    ]
    .boxed()
}

fn vocabulary_text(values: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(values).prop_map(str::to_string),
        1 => scalar_text(),
    ]
    .boxed()
}

const REGIONS: &[&str] = &[
    "Estrie",
    "05",
    "Montréal",
    "Gaspesie-Iles-de-la-Madeleine",
    "11",
    "Laval",
    "Estri",
    "99",
];
const THEMES: &[&str] = &[
    "francisation",
    "logement",
    "accueil et établissement",
    "intégration",
    "logment",
];
const PROGRAMS: &[&str] = &[
    "PAC",
    "FARR",
    "PASI",
    "Mobilisation-Diversité",
    "Autre programme",
];

fn list_of(item: BoxedStrategy<String>) -> impl Strategy<Value = Val> {
    list_sized(item, 0)
}

/// A flow list, a block list or a single value; at least `min` items.
fn list_sized(item: BoxedStrategy<String>, min: usize) -> impl Strategy<Value = Val> {
    prop_oneof![
        3 => prop::collection::vec(item.clone(), min..4).prop_map(Val::Flow),
        2 => prop::collection::vec(item.clone().prop_map(Val::Scalar), min..4).prop_map(Val::Block),
        1 => item.prop_map(Val::Scalar),
    ]
}

fn funding_item() -> impl Strategy<Value = Val> {
    (
        prop::sample::select(vec!["program", "programme"]),
        vocabulary_text(PROGRAMS),
        prop::option::of(number_text()),
        prop::option::of(date_text()),
        prop::option::of(date_text()),
        prop::option::of(scalar_text()),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(program_key, program, amount, start, end, funder, repeat)| {
                let mut fields = vec![(program_key.to_string(), Val::Scalar(program))];
                if let Some(amount) = amount {
                    fields.push(("amount".into(), Val::Scalar(amount)));
                }
                if let Some(start) = start {
                    fields.push(("début".into(), Val::Scalar(start)));
                }
                if let Some(end) = end {
                    fields.push(("end".into(), Val::Scalar(end)));
                }
                if let Some(funder) = funder {
                    fields.push(("funder".into(), Val::Scalar(funder)));
                }
                if repeat {
                    // A duplicate key inside a list item.
                    fields.push(("program".into(), Val::Scalar("PAC".into())));
                }
                Val::Map(fields)
            },
        )
}

/// One `key: value` entry of a case study's front matter.
fn entry() -> impl Strategy<Value = (String, Val)> {
    let key = |names: &'static [&'static str]| prop::sample::select(names).prop_map(str::to_string);
    prop_oneof![
        (
            key(&["title", "titre", "Title"]),
            scalar_text().prop_map(Val::Scalar)
        ),
        (key(&["date"]), date_text().prop_map(Val::Scalar)),
        (
            key(&["summary", "résumé", "resume"]),
            scalar_text().prop_map(Val::Scalar)
        ),
        (
            key(&["municipality", "municipalités", "ville"]),
            list_of(scalar_text())
        ),
        (
            key(&["region", "région", "régions"]),
            list_of(vocabulary_text(REGIONS))
        ),
        (key(&["themes", "thèmes"]), list_of(vocabulary_text(THEMES))),
        (key(&["population"]), number_text().prop_map(Val::Scalar)),
        (
            key(&["funding", "financement"]),
            prop_oneof![
                3 => prop::collection::vec(funding_item(), 0..3).prop_map(Val::Block),
                1 => funding_item(),
                1 => scalar_text().prop_map(Val::Scalar),
            ]
        ),
        (
            key(&["period", "période"]),
            (date_text(), date_text()).prop_map(|(start, end)| Val::Map(vec![
                ("start".into(), Val::Scalar(start)),
                ("fin".into(), Val::Scalar(end)),
            ]))
        ),
        (
            key(&["coordinates"]),
            (number_text(), number_text()).prop_map(|(lat, lon)| Val::Map(vec![
                ("lat".into(), Val::Scalar(lat)),
                ("lng".into(), Val::Scalar(lon)),
            ]))
        ),
        (
            key(&["status", "statut"]),
            vocabulary_text(&["en cours", "terminé", "pérennisé", "fini"]).prop_map(Val::Scalar)
        ),
        (
            key(&["lang", "langue"]),
            vocabulary_text(&["fr", "en", "EN", "de", ""]).prop_map(Val::Scalar)
        ),
        (
            key(&["translation_key"]),
            vocabulary_text(&["cas-1", "cas-2"]).prop_map(Val::Scalar)
        ),
        (
            key(&["draft", "featured"]),
            vocabulary_text(&["false", "true", "oui"]).prop_map(Val::Scalar)
        ),
        (
            key(&["contact", "courriel"]),
            scalar_text().prop_map(Val::Scalar)
        ),
        (
            key(&["tags", "partenaires", "outcomes", "leçons"]),
            list_of(scalar_text())
        ),
        (
            key(&["sources"]),
            prop::collection::vec((scalar_text(), scalar_text()), 0..3).prop_map(|items| {
                Val::Block(
                    items
                        .into_iter()
                        .map(|(title, url)| {
                            Val::Map(vec![
                                ("title".into(), Val::Scalar(title)),
                                ("url".into(), Val::Scalar(url)),
                            ])
                        })
                        .collect(),
                )
            })
        ),
        // Unknown keys, odd keys.
        (
            "[a-z_é]{1,12}|\"[^\"\\\\]{0,8}\"|[0-9]{1,3}",
            scalar_text().prop_map(Val::Scalar)
        ),
    ]
}

/// Text that is valid YAML and a valid value: quoted, with accents, brackets and colons.
fn careful_text() -> BoxedStrategy<String> {
    prop_oneof![
        words().prop_filter("no quote or backslash", |w| !w.contains(['"', '\\'])
            && !w.chars().any(char::is_control)
            && !w.trim().is_empty()),
        "[a-zA-Zéèàçôî0-9 ’'«»:#\\[\\]{}\\-]{1,30}"
            .prop_filter("not blank", |w| !w.trim().is_empty()),
    ]
    .prop_map(|w| format!("\"{w}\""))
    .boxed()
}

fn careful_date() -> BoxedStrategy<String> {
    prop_oneof![
        4 => (1990..2030u32, 1..=12u32, 1..=28u32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        1 => (1990..2030u32, 1..=12u32, 1..=28u32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}T10:30:00Z")),
    ]
    .boxed()
}

/// An optional field with a value the schema accepts.
fn careful_entry() -> impl Strategy<Value = (String, Val)> {
    let key = |names: &'static [&'static str]| prop::sample::select(names).prop_map(str::to_string);
    let pick = |values: &'static [&'static str]| {
        prop::sample::select(values)
            .prop_map(str::to_string)
            .boxed()
    };
    prop_oneof![
        (
            key(&["mrc", "partenaires", "tags", "outcomes", "leçons"]),
            list_of(careful_text())
        ),
        (
            key(&["population"]),
            (0..3_000_000i64).prop_map(|n| Val::Scalar(n.to_string()))
        ),
        (
            key(&["target_groups", "publics"]),
            list_of(pick(&[
                "familles",
                "jeunes",
                "personnes immigrantes",
                "aînés"
            ]))
        ),
        (
            key(&["status"]),
            pick(&["en cours", "terminé", "planifié"]).prop_map(Val::Scalar)
        ),
        (
            key(&["lang"]),
            pick(&["fr", "en", "EN"]).prop_map(Val::Scalar)
        ),
        (
            key(&["translation_key"]),
            pick(&["cas-1", "cas-2"]).prop_map(Val::Scalar)
        ),
        (
            key(&["featured"]),
            pick(&["true", "false"]).prop_map(Val::Scalar)
        ),
        (
            key(&["contact"]),
            Just(Val::Scalar("immigration@ville.example".into()))
        ),
        (
            key(&["funding", "financement"]),
            prop::collection::vec(
                (
                    pick(PROGRAMS),
                    0..5_000_000u32,
                    careful_date(),
                    careful_date(),
                    careful_text()
                )
                    .prop_map(|(program, amount, start, end, funder)| Val::Map(
                        vec![
                            ("program".into(), Val::Scalar(program)),
                            ("amount".into(), Val::Scalar(amount.to_string())),
                            ("start".into(), Val::Scalar(start)),
                            ("end".into(), Val::Scalar(end)),
                            ("funder".into(), Val::Scalar(funder)),
                        ]
                    )),
                1..3
            )
            .prop_map(Val::Block)
        ),
        (
            key(&["period"]),
            (careful_date(), careful_date()).prop_map(|(start, end)| Val::Map(vec![
                ("start".into(), Val::Scalar(start)),
                ("end".into(), Val::Scalar(end)),
            ]))
        ),
        (
            key(&["coordinates"]),
            (-90.0..90.0f64, -180.0..180.0f64).prop_map(|(lat, lon)| Val::Map(vec![
                ("lat".into(), Val::Scalar(format!("{lat:.4}"))),
                ("lon".into(), Val::Scalar(format!("{lon:.4}"))),
            ]))
        ),
        (
            key(&["sources"]),
            careful_text().prop_map(|title| Val::Block(vec![Val::Map(vec![
                ("title".into(), Val::Scalar(title)),
                (
                    "url".into(),
                    Val::Scalar("https://example.org/rapport.pdf".into())
                ),
            ])]))
        ),
    ]
}

/// A case study the schema accepts, with optional fields: so that many cases go on to
/// rendering, where the values reach templates, the search index and the exports.
fn careful_front_matter() -> impl Strategy<Value = String> {
    (
        careful_text(),
        careful_date(),
        careful_text(),
        list_sized(careful_text(), 1),
        list_sized(
            prop::sample::select(&REGIONS[..6])
                .prop_map(str::to_string)
                .boxed(),
            1,
        ),
        list_sized(
            prop::sample::select(&THEMES[..4])
                .prop_map(str::to_string)
                .boxed(),
            1,
        ),
        prop::collection::btree_map(0..11usize, careful_entry(), 0..6),
    )
        .prop_map(
            |(title, date, summary, municipality, region, themes, extras)| {
                let mut text = String::new();
                Val::Scalar(title).render("titre", 0, &mut text);
                Val::Scalar(date).render("date", 0, &mut text);
                Val::Scalar(summary).render("résumé", 0, &mut text);
                municipality.render("municipality", 0, &mut text);
                region.render("region", 0, &mut text);
                themes.render("thèmes", 0, &mut text);
                let mut seen = std::collections::HashSet::new();
                for (key, value) in extras.into_values() {
                    // One line per field: a duplicate is the wild generator's business.
                    if seen.insert(key.clone()) {
                        value.render(&key, 0, &mut text);
                    }
                }
                text
            },
        )
}

/// Front matter text: mostly well-formed entries (so that many cases reach rendering),
/// sometimes a raw broken line.
fn wild_front_matter() -> impl Strategy<Value = String> {
    let valid_core = date_text().prop_map(|date| {
        format!(
            "title: Cas\ndate: {date}\nsummary: Résumé.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [francisation]\n"
        )
    });
    let raw_line = prop_oneof![
        Just("  mal: indenté".to_string()),
        Just("\tavec: tabulation".to_string()),
        Just("- élément perdu".to_string()),
        Just("clé sans valeur".to_string()),
        Just("ancre: &a [1, 2]\nref: *a".to_string()),
        Just("bloc: |\n  [[[[ texte\n   {{{{".to_string()),
        "[\\[\\]{}:\\- a-z\"']{1,30}",
    ];
    (
        prop::option::weighted(0.7, valid_core),
        prop::collection::vec(entry(), 0..8),
        prop::option::weighted(0.2, raw_line),
    )
        .prop_map(|(core, entries, raw)| {
            let mut text = core.unwrap_or_default();
            // A later duplicate of a core key is one of the cases under test.
            for (key, value) in &entries {
                value.render(key, 0, &mut text);
            }
            if let Some(raw) = raw {
                text.push_str(&raw);
                text.push('\n');
            }
            text
        })
}

/// Case-study front matter: a third accepted by the schema, the rest anything.
fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![1 => careful_front_matter(), 2 => wild_front_matter()]
}

/// A content page's front matter: its few fields, or anything.
fn page_front_matter() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (careful_text(), prop::option::of(careful_date()), prop::option::of(-5..5i64))
            .prop_map(|(title, date, weight)| {
                let mut text = format!("title: {title}\n");
                if let Some(date) = date {
                    text.push_str(&format!("date: {date}\n"));
                }
                if let Some(weight) = weight {
                    text.push_str(&format!("weight: {weight}\n"));
                }
                text
            }),
        1 => wild_front_matter(),
    ]
}

/// A Markdown body from realistic pieces, with hostile ones among them.
fn body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("## Contexte\n".to_string()),
        Just("### Démarche {#demarche}\n".to_string()),
        Just("- un\n- deux\n  - trois\n".to_string()),
        Just("1. premier\n2. second\n".to_string()),
        Just("> Une citation\n> sur deux lignes\n".to_string()),
        Just("```rust\nfn main() {}\n```\n".to_string()),
        Just("| a | b |\n|---|:-:|\n| 1 | 2 |\n".to_string()),
        Just("[un autre cas](autre.md) et [l’accueil](../etudes-de-cas/autre.md)\n".to_string()),
        Just("[site](https://example.org) ![image](image.png \"titre\")\n".to_string()),
        Just("<div class=\"x\">html</div><script>alert(1)</script>\n".to_string()),
        Just("**gras** _italique_ `code` ~~barré~~\n".to_string()),
        Just("Note[^1].\n\n[^1]: La note.\n".to_string()),
        Just("{{ page.title }} {% if true %}{% endif %} {# c #}\n".to_string()),
        Just("&amp; &#0; &nbsp; \u{0} \u{202F}\n".to_string()),
        Just("---\n".to_string()),
        Just("[lien]: <autre.md>\n[lien]\n".to_string()),
        "[a-zA-Zéàç ’'#*_`\\[\\]()<>|\\-\n]{0,60}",
        any::<String>().prop_map(|s| s.chars().take(60).collect()),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|pieces| pieces.join("\n"))
}

fn config() -> Config {
    let mut config = Config::with_cases(
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
    );
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x5041_5353);
    }
    config.failure_persistence = None;
    config
}

fn document(front_matter: &str, body: &str) -> String {
    format!("---\n{front_matter}---\n{body}")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn validation_never_panics(front_matter in front_matter(), body in body()) {
        let site = passerelle::config::parse(include_str!("../config.yaml")).expect("example config");
        for content_path in ["etudes-de-cas/cas.md", "a-propos.md"] {
            let document = passerelle::load::Document {
                file: format!("content/{content_path}"),
                content_path: content_path.into(),
                front_matter: front_matter.clone(),
                front_matter_line: 2,
                body: body.clone(),
                body_line: front_matter.lines().count() + 3,
            };
            let mut problems = Vec::new();
            let entry = passerelle::validate::validate(&site, document, &mut problems);
            // Every problem is located: a file and a line.
            for problem in &problems {
                prop_assert!(problem.line > 0, "unlocated: {problem}");
            }
            prop_assert!(entry.is_some() || problems.iter().any(|p| p.is_error()));
        }
    }
}

proptest! {
    // A build compiles the theme's templates: fewer cases, several documents each.
    #![proptest_config(Config { cases: config().cases.div_ceil(8), ..config() })]

    #[test]
    fn the_whole_pipeline_never_panics(
        documents in prop::collection::vec(
            (prop_oneof![6 => careful_front_matter(), 1 => wild_front_matter()], body()),
            1..4,
        ),
        page in (page_front_matter(), body()),
    ) {
        let files: Vec<(String, String)> = documents
            .iter()
            .enumerate()
            .map(|(i, (front_matter, body))| (format!("cas-{i}.md"), document(front_matter, body)))
            .collect();
        let named: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let site = common::site_with_case_studies(&named);
        // The links of `body()` resolve from both folders: `autre.md`, `image.png` and
        // `../etudes-de-cas/autre.md`.
        let content = site.path().join("content");
        std::fs::create_dir_all(content.join("guide")).unwrap();
        std::fs::write(content.join("guide/a-propos.md"), document(&page.0, &page.1)).unwrap();
        std::fs::write(content.join("guide/autre.md"), document("title: Autre page\n", "Texte.")).unwrap();
        std::fs::write(content.join("etudes-de-cas/autre.md"), document("title: Autre\ndate: 2024-01-01\nsummary: s\nmunicipality: M\nregion: Estrie\nthemes: [logement]\n", "Texte.")).unwrap();
        for folder in ["guide", "etudes-de-cas"] {
            std::fs::write(content.join(folder).join("image.png"), b"\x89PNG").unwrap();
        }
        let options = passerelle::BuildOptions::new(site.path());
        let sink = passerelle::output::MemorySink::default();
        match passerelle::build(&options, &sink) {
            Ok(_) => prop_assert!(sink.into_files().contains_key("index.html")),
            Err(diagnostics) => {
                prop_assert!(diagnostics.has_errors());
                for problem in diagnostics.sorted() {
                    prop_assert!(!problem.file.is_empty(), "no file: {problem}");
                }
            }
        }
    }
}
