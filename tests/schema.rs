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
