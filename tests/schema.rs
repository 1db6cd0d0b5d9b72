//! Open data with its schema, and the front matter's schema: what Passerelle publishes and
//! prints is checked with an independent validator (the `jsonschema` crate), on the example
//! site and on a generated corpus.

mod common;

use serde_json::Value as Json;
use std::path::Path;

/// The schema, itself valid draft 2020-12, compiled.
fn validator(schema: &Json) -> jsonschema::Validator {
    if let Err(err) = jsonschema::draft202012::meta::validate(schema) {
        panic!("not a valid draft 2020-12 schema: {err}");
    }
    jsonschema::draft202012::new(schema).expect("schema compiles")
}

/// Every place where `instance` breaks `schema`, for failure messages.
fn errors(validator: &jsonschema::Validator, instance: &Json) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn json_file(files: &std::collections::BTreeMap<String, Vec<u8>>, path: &str) -> Json {
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in output"));
    serde_json::from_slice(bytes).expect("valid JSON")
}

/// A corpus made by the benchmarks' generator (deterministic), or `None` without Python.
fn generated_corpus(count: usize) -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = common::repo_root().join("bench/gen_corpus.py");
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg(count.to_string())
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => Some(dir),
        _ => {
            eprintln!("python3 could not run bench/gen_corpus.py: the generated corpus is skipped");
            None
        }
    }
}

/// Builds `root` in memory and checks its export against the schema published beside it.
fn export_validates(root: &Path) -> usize {
    let files = common::build_in_memory(root, None);
    let schema = json_file(&files, "data/case-studies.schema.json");
    let export = json_file(&files, "data/case-studies.json");
    let validator = validator(&schema);
    let found = errors(&validator, &export);
    assert!(found.is_empty(), "{}: {found:#?}", root.display());
    export["case_studies"].as_array().map_or(0, Vec::len)
}

#[test]
fn the_export_validates_against_its_schema_for_the_example_site_and_a_generated_corpus() {
    assert!(export_validates(&common::repo_root()) > 0);
    if let Some(corpus) = generated_corpus(300) {
        assert_eq!(export_validates(corpus.path()), 300);
    }
}

/// A change made to the first case study of an export.
type Tamper = dyn Fn(&mut Json);

#[test]
fn a_tampered_export_fails_its_schema() {
    let files = common::build_in_memory(&common::repo_root(), None);
    let schema = json_file(&files, "data/case-studies.schema.json");
    let export = json_file(&files, "data/case-studies.json");
    let validator = validator(&schema);
    let tamper = |change: &dyn Fn(&mut Json)| {
        let mut copy = export.clone();
        change(&mut copy["case_studies"][0]);
        errors(&validator, &copy)
    };
    let cases: [(&str, &Tamper); 7] = [
        ("a region outside the vocabulary", &|r| {
            r["region"][0]["id"] = "atlantide".into()
        }),
        ("a label that is not the term's", &|r| {
            r["region"][0]["label"] = "Estrie".into();
            r["region"][0]["id"] = "montreal".into();
        }),
        ("a population as text", &|r| {
            r["population"] = "15 000".into()
        }),
        ("a negative population", &|r| r["population"] = (-5).into()),
        ("a date in another format", &|r| {
            r["date"] = "01/03/2024".into()
        }),
        ("a field left out", &|r| {
            r.as_object_mut().unwrap().remove("themes");
        }),
        ("a field the schema does not have", &|r| {
            r["couleur"] = "bleu".into()
        }),
    ];
    for (what, change) in cases {
        assert!(!tamper(change).is_empty(), "{what} passed the schema");
    }
    let mut copy = export.clone();
    copy["count"] = "many".into();
    assert!(!errors(&validator, &copy).is_empty());
}

#[test]
fn the_data_dictionary_has_one_row_per_csv_column_in_order() {
    let check = |root: &Path| {
        let files = common::build_in_memory(root, None);
        let mut csv = csv::Reader::from_reader(&files["data/case-studies.csv"][..]);
        let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let mut dictionary = csv::Reader::from_reader(&files["data/dictionnaire.csv"][..]);
        assert_eq!(
            dictionary.headers().unwrap().iter().collect::<Vec<_>>(),
            ["colonne", "type", "description", "valeurs permises"]
        );
        let rows: Vec<csv::StringRecord> = dictionary.records().map(Result::unwrap).collect();
        let columns: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
        assert_eq!(columns, header);
        rows
    };
    let rows = check(&common::repo_root());
    let row = |column: &str| rows.iter().find(|r| &r[0] == column).unwrap().clone();
    let region = row("region");
    assert!(region[1].contains("liste contrôlée"), "{region:?}");
    assert!(region[2].contains("Région administrative"), "{region:?}");
    assert!(
        region[3].contains("Gaspésie–Îles-de-la-Madeleine | Chaudière-Appalaches"),
        "{region:?}"
    );
    assert!(row("population")[3].contains("de 0 à 10"));
    assert!(row("funding.amount")[1].contains("plusieurs valeurs"));
    if let Some(corpus) = generated_corpus(20) {
        check(corpus.path());
    }
}

/// The front matter of a Markdown file as JSON (what an editor validates).
fn front_matter(text: &str) -> Json {
    let rest = text.strip_prefix("---\n").expect("front matter");
    let (yaml, _) = rest.split_once("\n---").expect("closed front matter");
    serde_yaml::from_str(yaml).expect("YAML")
}

fn front_matter_validator(root: &Path) -> jsonschema::Validator {
    let (code, stdout, stderr) = common::passerelle(&["schema", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let schema: Json = serde_json::from_str(&stdout).expect("the schema is JSON");
    validator(&schema)
}

#[test]
fn every_case_study_the_build_accepts_validates_against_the_front_matter_schema() {
    let mut roots = vec![(common::repo_root(), None)];
    if let Some(corpus) = generated_corpus(100) {
        roots.push((corpus.path().to_path_buf(), Some(corpus)));
    }
    for (root, _keep) in &roots {
        let validator = front_matter_validator(root);
        let dir = root.join("content/etudes-de-cas");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") || path.ends_with("_index.md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let found = errors(&validator, &front_matter(&text));
            assert!(found.is_empty(), "{}: {found:#?}", path.display());
            seen += 1;
        }
        assert!(seen > 0);
    }
}

/// A case study with `lines` as its front matter, its verdict by the build, and by the schema.
fn both_verdicts(validator: &jsonschema::Validator, lines: &str) -> (bool, bool, String) {
    let text = format!("---\n{lines}---\nLe texte.\n");
    let site = common::site_with_case_studies(&[("cas.md", &text)]);
    let (code, _, stderr) = common::passerelle(&["check", "--root", site.path().to_str().unwrap()]);
    let by_schema = errors(validator, &front_matter(&text));
    (
        code == 0,
        by_schema.is_empty(),
        format!("{stderr}\n{by_schema:#?}"),
    )
}

#[test]
fn the_front_matter_schema_accepts_what_the_build_accepts_and_refuses_what_it_refuses() {
    let validator = front_matter_validator(&common::repo_root());
    let base = "date: 2024-03-01\nsummary: Un accueil.\nmunicipality: Sherbrooke\n";
    let accepted = [
        // French names, other case and accents, values by code, label or other spelling.
        "titre: Accueil\ndate: 2024-03-01\nrésumé: Un accueil.\nmunicipalités: [Sherbrooke, Magog]\nrégion: 05\nthèmes: [Accueil et etablissement]\n",
        "Title: Accueil\ndate: 2024-03-01\nRESUME: Un accueil.\nville: Sherbrooke\nRegions: [estrie, GASPESIE-ILES-DE-LA-MADELEINE, \"11\", 13]\nthemes: francisation\n",
        "title: Accueil\ndate: 2024-03-01T10:00:00-05:00\nsummary: Un accueil.\nmunicipality: Sherbrooke\nregion: Bas Saint Laurent\nthemes: [logement]\nstatut: En-Cours\npopulation: 15000\nfinancement:\n  - {programme: Un programme à nous, montant: 1500.5, début: 2024-01-01}\ncourriel: accueil@ville.example\nsources:\n  - {titre: Rapport, url: https://ville.example/rapport}\nlangue: FR\nbrouillon: false\nunknown_field: ignored with a warning\n",
    ];
    for lines in accepted {
        let (build, schema, output) = both_verdicts(&validator, lines);
        assert!(build, "the build refused\n{lines}\n{output}");
        assert!(schema, "the schema refused\n{lines}\n{output}");
    }
    let refused = [
        format!("{base}region: Estri\nthemes: [logement]\n"),
        format!("title: T\n{base}themes: [logement]\n"),
        format!("title: T\n{base}region: Estrie\nthemes: []\n"),
        format!("title: T\ntitre: T\n{base}region: Estrie\nthemes: [logement]\n"),
        format!("title: T\n{base}region: Estrie\nthemes: [logement]\npopulation: -3\n"),
        format!("title: T\n{base}region: Estrie\nthemes: [logement]\ncontact: personne\n"),
        format!("title: T\n{base}region: Estrie\nthemes: [logement]\nlang: de\n"),
        format!("title: T\n{base}region: Estrie\nthemes: [logement]\nstatus: [en cours]\n"),
        format!("title: T\n{base}region: Estrie\nthemes: [logement]\nsources:\n  - {{url: https://a.example}}\n"),
        "title: T\ndate: 2025-1-20\nsummary: S\nmunicipality: M\nregion: Estrie\nthemes: [logement]\n".to_string(),
        "title: \"  \"\ndate: 2024-03-01\nsummary: S\nmunicipality: M\nregion: Estrie\nthemes: [logement]\n".to_string(),
    ];
    for lines in &refused {
        let (build, schema, output) = both_verdicts(&validator, lines);
        assert!(!build, "the build accepted\n{lines}\n{output}");
        assert!(!schema, "the schema accepted\n{lines}\n{output}");
    }
}

/// A small deterministic generator (xorshift), so that a failing case is its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// Mostly the first of `items` (a valid value), else one of the others.
    fn mostly<'a>(&mut self, items: &[&'a str]) -> &'a str {
        if self.chance(85) {
            items[0]
        } else {
            self.pick(items)
        }
    }
}

/// `text` as an author might type it: letters in either case, accents dropped or not,
/// spaces and dashes swapped; sometimes a letter lost (a typo).
fn respell(rng: &mut Rng, text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match rng.below(10) {
            0 => out.extend(c.to_uppercase()),
            1 => out.push_str(&passerelle::text::fold(&c.to_string())),
            2 if c == ' ' || c == '-' => out.push_str(rng.pick(&["-", " ", " – ", "_"])),
            _ => out.push(c),
        }
    }
    if rng.chance(2) && out.chars().count() > 1 {
        let at = rng.below(out.chars().count());
        out = out
            .chars()
            .enumerate()
            .filter(|(i, _)| *i != at)
            .map(|(_, c)| c)
            .collect();
    }
    out
}

/// A YAML scalar: quoted (a JSON string is a YAML double-quoted scalar) or, when YAML
/// reads it back as the same text, sometimes plain.
fn scalar(rng: &mut Rng, text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_alphanumeric() || " -–_'’".contains(c))
        && !text.starts_with(['-', ' ', '\''])
        && !text.ends_with(' ')
        && !text.is_empty();
    if plain && rng.chance(50) {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap()
    }
}

/// A random case study's front matter: every field under one of its names, respelled;
/// values from the vocabularies (by id, code or label, respelled) or from their edges.
fn random_front_matter(rng: &mut Rng, site: &passerelle::config::SiteConfig) -> String {
    let config = &site.config;
    let spellings = |vocabulary: &str| -> Vec<String> {
        let terms = &site.vocabulary(vocabulary).unwrap().terms;
        terms
            .iter()
            .flat_map(|t| {
                [Some(&t.id), Some(&t.fr), Some(&t.en), t.code.as_ref()]
                    .into_iter()
                    .flatten()
                    .chain(&t.aliases)
                    .cloned()
            })
            .chain(["Atlantide".to_string()])
            .collect()
    };
    let mut out = String::new();
    for (name, spec) in &config.fields {
        let keep = if spec.required { 97 } else { 40 };
        if !rng.chance(keep) {
            continue;
        }
        let names: Vec<&str> = std::iter::once(name.as_str())
            .chain(spec.aliases.iter().map(String::as_str))
            .collect();
        let name_written = rng.pick(&names);
        let key = respell(rng, name_written);
        let value = match name.as_str() {
            "date" => rng
                .mostly(&[
                    "2024-03-01",
                    "2019-12-31",
                    "2024-1-05",
                    "05/01/2024",
                    "2024-03-01T10:00:00Z",
                    "demain",
                ])
                .to_string(),
            "population" => rng
                .mostly(&["15000", "0", "-3", "10000000001", "quinze", "1500.5"])
                .to_string(),
            "contact" => rng
                .mostly(&["accueil@ville.example", "personne", "a@b"])
                .to_string(),
            "lang" => rng.mostly(&["fr", "EN", "de", "Fr"]).to_string(),
            "draft" | "featured" => rng.mostly(&["false", "true", "oui"]).to_string(),
            "region" | "themes" | "target_groups" | "status" => {
                let all = spellings(spec.vocabulary.as_deref().unwrap());
                let words: Vec<&str> = all.iter().map(String::as_str).collect();
                let count = if spec.list { 1 + rng.below(3) } else { 1 };
                let values: Vec<String> = (0..count)
                    .map(|_| {
                        let word = rng.pick(&words);
                        let picked = respell(rng, word);
                        // A code, sometimes written as a YAML number.
                        match picked.parse::<u32>() {
                            Ok(n) if rng.chance(50) && !picked.starts_with('0') => n.to_string(),
                            _ => scalar(rng, &picked),
                        }
                    })
                    .collect();
                if spec.list && (count > 1 || rng.chance(50)) {
                    format!("[{}]", values.join(", "))
                } else {
                    values.join(", ")
                }
            }
            "title" | "summary" => {
                let text = rng.mostly(&["Accueil des familles", "  ", "Été 2024"]);
                scalar(rng, text)
            }
            _ => match spec.kind {
                passerelle::config::FieldType::String if spec.list => {
                    format!("[{}]", scalar(rng, "Sherbrooke"))
                }
                passerelle::config::FieldType::String => scalar(rng, "texte"),
                _ => continue,
            },
        };
        out.push_str(&format!("{}: {value}\n", scalar(rng, &key)));
    }
    out
}

/// The build and the schema agree on random front matter: every file the build accepts
/// validates, and (the generator avoiding what JSON Schema cannot say: a field written twice
/// under two names, an impossible day) every file it refuses does not.
#[test]
fn the_build_and_the_front_matter_schema_agree_on_random_front_matter() {
    let root = common::repo_root();
    let validator = front_matter_validator(&root);
    let site = passerelle::config::load(&root).expect("example config");
    let (mut accepted, mut refused) = (0, 0);
    for seed in 1..=600_u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let front_matter = random_front_matter(&mut rng, &site);
        let document = passerelle::load::Document {
            file: "content/etudes-de-cas/cas.md".into(),
            content_path: "etudes-de-cas/cas.md".into(),
            front_matter: front_matter.clone(),
            front_matter_line: 2,
            body: "Texte.\n".into(),
            body_line: front_matter.lines().count() + 3,
        };
        let mut problems = Vec::new();
        let entry = passerelle::validate::validate(&site, document, &mut problems);
        let by_build = entry.is_some() && !problems.iter().any(|p| p.is_error());
        let json: Json = match serde_yaml::from_str(&front_matter) {
            Ok(json) => json,
            Err(err) => {
                panic!("seed {seed}: the generator wrote bad YAML ({err}):\n{front_matter}")
            }
        };
        let by_schema = errors(&validator, &json);
        let report: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            by_build,
            by_schema.is_empty(),
            "seed {seed}:\n{front_matter}\nbuild: {report:#?}\nschema: {by_schema:#?}"
        );
        if by_build {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        accepted > 50 && refused > 50,
        "{accepted} accepted, {refused} refused"
    );
}
