//! The message catalog: every code and text in French and English with the same arguments,
//! every `passerelle explain` example real (its bad file gives exactly its code, its fixed
//! file passes), and the language chosen as the README says (the site's language, or
//! `PASSERELLE_LANG`), the same in the text report, the JSON and the overlay.

mod common;

use passerelle::messages::{ALL_TEXTS, Code, Lang, Text};
use serde_yaml::Value as Yaml;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// `passerelle ARGS`, with `PASSERELLE_LANG` set to `lang` (or removed).
fn passerelle_in(lang: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_passerelle"));
    command.args(args).env_remove("PASSERELLE_LANG");
    if let Some(lang) = lang {
        command.env("PASSERELLE_LANG", lang);
    }
    let output = command.output().expect("run passerelle");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_text_has_both_languages_with_the_same_arguments() {
    let mut ids = BTreeSet::new();
    for text in ALL_TEXTS {
        assert!(ids.insert(text.id), "{} twice", text.id);
        assert!(!text.en.trim().is_empty(), "{}: no English", text.id);
        assert!(!text.fr.trim().is_empty(), "{}: no French", text.id);
        let en: BTreeSet<&str> = Text::arguments(text.en).into_iter().collect();
        let fr: BTreeSet<&str> = Text::arguments(text.fr).into_iter().collect();
        assert_eq!(
            en, fr,
            "{}: the languages take different arguments",
            text.id
        );
        for template in [text.en, text.fr] {
            // Braces are arguments or doubled: a lone one is a typo.
            let mut rest = template.replace("{{", "").replace("}}", "");
            for name in Text::arguments(template) {
                rest = rest.replace(&format!("{{{name}}}"), "");
            }
            assert!(
                !rest.contains(['{', '}']),
                "{}: lone brace in {template}",
                text.id
            );
        }
        // The no-break spaces are put in when the text is written, one kind everywhere.
        assert!(
            !text.fr.contains(['\u{a0}', '\u{202f}']),
            "{}: write plain spaces in the catalog",
            text.id
        );
    }
}

#[test]
fn every_code_is_unique_explained_in_both_languages_and_used() {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for &code in Code::ALL {
        let entry = code.entry();
        assert!(ids.insert(entry.id), "{} twice", entry.id);
        assert!(names.insert(entry.name), "{} twice", entry.name);
        let digits = entry.id.strip_prefix('P').unwrap_or_default();
        assert!(
            digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            entry.id
        );
        for lang in Lang::ALL {
            assert!(!entry.summary(lang).is_empty(), "{}", entry.id);
            assert!(entry.text(lang).len() > 40, "{}: explain it", entry.id);
        }
        assert!(
            ALL_TEXTS.iter().any(|text| text.code == Some(code)),
            "{}: no message has this code",
            entry.id
        );
        assert_eq!(Code::parse(entry.id), Some(code));
        assert_eq!(Code::parse(&entry.id.to_lowercase()), Some(code));
        assert_eq!(Code::parse(entry.name), Some(code));
    }
}

#[test]
fn french_texts_use_french_typography() {
    let msg = passerelle::messages::UNKNOWN_VALUE.with("value", "Estri : x");
    let french = msg.render(Lang::Fr);
    // No-break spaces before `:` and inside « », but what the author wrote stays as written.
    assert_eq!(french, "valeur inconnue\u{a0}: «\u{a0}Estri : x\u{a0}»");
    assert_eq!(msg.render(Lang::En), "unknown value `Estri : x`");
    for text in ALL_TEXTS {
        let written = passerelle::messages::french_spacing(text.fr);
        for bad in [" :", " ;", " ?", " !", "« ", " »"] {
            assert!(!written.contains(bad), "{}: `{bad}` in {written}", text.id);
        }
    }
}

/// A site with the example configuration and one good case study, then the example's file:
/// written whole, or for config.yaml merged into the configuration.
fn site_with(file: &str, text: &str) -> tempfile::TempDir {
    let site = common::site_with_case_studies(&[("bonne.md", common::GOOD_CASE_STUDY)]);
    let path = site.path().join(file);
    if file == "config.yaml" {
        let mut config: Yaml =
            serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let lines: Yaml = serde_yaml::from_str(text).unwrap();
        merge(&mut config, lines);
        std::fs::write(&path, serde_yaml::to_string(&config).unwrap()).unwrap();
    } else {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    site
}

/// `lines` merged into `into`: mappings key by key, anything else replaced.
fn merge(into: &mut Yaml, lines: Yaml) {
    match (into, lines) {
        (Yaml::Mapping(into), Yaml::Mapping(lines)) => {
            for (key, value) in lines {
                match into.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (into, lines) => *into = lines,
    }
}

/// The codes `passerelle check` reports for the site in `root`, with the JSON report.
fn codes(root: &Path) -> (BTreeSet<String>, String) {
    let (_, stdout, stderr) = passerelle_in(
        None,
        &[
            "check",
            "--root",
            root.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}{stderr}"));
    let codes = (json.as_array().unwrap().iter())
        .map(|d| d["code"].as_str().unwrap_or("no code").to_string())
        .collect();
    (codes, stdout)
}

#[test]
fn every_explain_example_gives_exactly_its_code_and_its_fix_passes() {
    let mut failures = Vec::new();
    let mut examples = 0;
    for &code in Code::ALL {
        let entry = code.entry();
        let Some(example) = &entry.example else {
            continue;
        };
        examples += 1;
        let bad = site_with(example.file, example.bad);
        let (found, report) = codes(bad.path());
        if found != BTreeSet::from([entry.id.to_string()]) {
            failures.push(format!(
                "{}: the bad example gives {found:?}\n{report}",
                entry.id
            ));
        }
        let fixed = site_with(example.file, example.fixed);
        let (found, report) = codes(fixed.path());
        if !found.is_empty() {
            failures.push(format!(
                "{}: the fixed example gives {found:?}\n{report}",
                entry.id
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(examples >= 25, "only {examples} codes have an example");
}

#[test]
fn explain_prints_the_code_in_the_sites_language_with_its_example() {
    let site = common::site_with_case_studies(&[]);
    let root = site.path().to_str().unwrap();
    let (code, stdout, _) = passerelle_in(None, &["explain", "P0114", "--root", root]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("P0114 (date-format)\u{a0}: "),
        "{stdout}"
    );
    assert!(stdout.contains("année-mois-jour"), "{stdout}");
    assert!(stdout.contains("    date: mars 2024"), "{stdout}");
    assert!(stdout.contains("Corrigé\u{a0}:"), "{stdout}");
    let (_, english, _) = passerelle_in(Some("en"), &["explain", "date-format", "--root", root]);
    assert!(english.starts_with("P0114 (date-format): "), "{english}");
    assert!(
        english.contains("year-month-day") && english.contains("Fixed:"),
        "{english}"
    );

    let (code, stdout, _) = passerelle_in(None, &["explain", "--root", root]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), Code::ALL.len(), "{stdout}");
    assert!(
        (stdout.lines())
            .any(|l| l.starts_with("P0116  unknown-value") && l.contains("vocabulaire")),
        "{stdout}"
    );

    let (code, stdout, stderr) = passerelle_in(Some("en"), &["explain", "E0308", "--root", root]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("unknown code `E0308`") && stderr.contains("`passerelle explain`"),
        "{stderr}"
    );
}

/// A French site with one bad date.
fn site_with_a_bad_date() -> tempfile::TempDir {
    let text = common::GOOD_CASE_STUDY.replace("date: 2024-03-01", "date: mars 2022");
    common::site_with_case_studies(&[("a.md", &text)])
}

#[test]
fn passerelle_lang_en_on_the_french_site_gives_english_everywhere() {
    let site = site_with_a_bad_date();
    let root = site.path().to_str().unwrap();
    let (code, _, french) = passerelle_in(None, &["check", "--root", root]);
    assert_eq!(code, 1);
    assert!(
        french.contains(
            "a.md:3:7: erreur[P0114]\u{a0}: date\u{a0}: date attendue au format AAAA-MM-JJ, trouvé «\u{a0}mars 2022\u{a0}» — aide\u{a0}: écrivez la date"
        ),
        "{french}"
    );
    assert!(
        french.ends_with("1 erreur(s), 0 avertissement(s)\n"),
        "{french}"
    );

    let (code, _, english) = passerelle_in(Some("en"), &["check", "--root", root]);
    assert_eq!(code, 1);
    assert!(
        english.contains(
            "a.md:3:7: error[P0114]: date: expected a date as YYYY-MM-DD, found `mars 2022` — help: write the date as year-month-day"
        ),
        "{english}"
    );
    assert!(english.ends_with("1 error(s), 0 warning(s)\n"), "{english}");
    let (_, json, _) = passerelle_in(Some("en"), &["check", "--root", root, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json[0]["code"], "P0114");
    assert!(
        json[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("expected a date")
    );
    let (_, github, _) =
        passerelle_in(Some("en"), &["check", "--root", root, "--format", "github"]);
    assert!(
        github.contains("title=passerelle P0114%3A date::expected a date"),
        "{github}"
    );

    // A site in English speaks English, unless asked for French; an unknown value is ignored.
    let config = site.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("\nlanguage: fr\n", "\nlanguage: en\n"),
    )
    .unwrap();
    let (_, _, english) = passerelle_in(Some("de"), &["check", "--root", root]);
    assert!(
        english.contains("error[P0114]: date: expected a date"),
        "{english}"
    );
    let (_, _, french) = passerelle_in(Some("fr_CA.UTF-8"), &["check", "--root", root]);
    assert!(
        french.contains("erreur[P0114]\u{a0}: date\u{a0}: date attendue"),
        "{french}"
    );
}

#[test]
fn the_language_is_the_variable_then_the_site_then_only_without_a_config_lang() {
    assert_eq!(
        Lang::choose(Some("en"), Some("fr"), Some("fr_CA")),
        Lang::En
    );
    assert_eq!(Lang::choose(Some("FR"), Some("en"), None), Lang::Fr);
    assert_eq!(
        Lang::choose(None, Some("fr"), Some("en_US.UTF-8")),
        Lang::Fr
    );
    // The site's language decides, whatever the machine's: the same report everywhere.
    assert_eq!(
        Lang::choose(None, Some("en"), Some("fr_CA.UTF-8")),
        Lang::En
    );
    assert_eq!(
        Lang::choose(None, Some("es"), Some("fr_CA.UTF-8")),
        Lang::En
    );
    assert_eq!(Lang::choose(Some("xx"), Some("fr"), None), Lang::Fr);
    // No readable config.yaml: the system's language, if it is one of ours.
    assert_eq!(Lang::choose(None, None, Some("fr_CA.UTF-8")), Lang::Fr);
    assert_eq!(Lang::choose(None, None, Some("de_DE.UTF-8")), Lang::En);
    assert_eq!(Lang::choose(None, None, Some("C")), Lang::En);
    assert_eq!(Lang::choose(None, None, None), Lang::En);
    assert_eq!(Lang::parse("french"), None);

    // A config.yaml with other errors still gives its language.
    let site = common::site_with_case_studies(&[]);
    let config = site.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\npaginer: 3\n")).unwrap();
    assert_eq!(Lang::for_site(site.path()), Lang::Fr);
    let (_, _, stderr) = passerelle_in(None, &["check", "--root", site.path().to_str().unwrap()]);
    assert!(
        stderr.contains("erreur[P0202]\u{a0}: réglage inconnu\u{a0}: `paginer`"),
        "{stderr}"
    );
}
