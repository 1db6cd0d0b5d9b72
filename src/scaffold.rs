//! `passerelle new` and `passerelle init`: files an author starts from.

use crate::config::{FieldSpec, FieldType, SiteConfig};
use crate::text::slugify;
use anyhow::{Context as _, Result, bail};
use serde_yaml::Value as Yaml;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The example site's configuration, used as the starting point of `init`.
const DEFAULT_CONFIG: &str = include_str!("../config.yaml");

/// Creates `content/<section>/<slug>.md` with today's date and every schema field, the
/// optional ones commented out, marked as a draft. Returns the new file's path.
pub fn new_case_study(
    root: &Path,
    site: &SiteConfig,
    title: &str,
    today: chrono::NaiveDate,
) -> Result<PathBuf> {
    let slug = slugify(title);
    if slug.is_empty() {
        bail!(
            "the title `{title}` has no letters or digits to make a file name from; choose another title"
        );
    }
    let dir = root.join("content").join(&site.config.case_studies.section);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        bail!(
            "{} already exists; choose another title or edit that file",
            path.display()
        );
    }
    let text = case_study_template(site, title, today);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// The front matter template: required fields filled or ready to fill, optional ones
/// commented, each after its help line.
///
/// Written so that uncommenting any one line (removing its first `#`, as editors do) keeps
/// valid front matter: every field holds on one line, lists and objects in YAML's flow style
/// (`partners: [Organisme d’accueil local]`; a block list's `- item` lines, uncommented one
/// at a time, made a string of the first), and help lines start with `##`, so that they stay
/// comments. Each example is a valid value of its field.
pub fn case_study_template(site: &SiteConfig, title: &str, today: chrono::NaiveDate) -> String {
    let mut out = String::from("---\n");
    for (name, spec) in &site.config.fields {
        for line in spec.help.lines() {
            let _ = writeln!(out, "## {line}");
        }
        let value = match name.as_str() {
            "title" => flow_scalar(title),
            "date" => today.format("%Y-%m-%d").to_string(),
            "lang" => flow_scalar(&site.config.language),
            // Like `hugo new`: unpublished until the author says it is ready.
            "draft" => "true".into(),
            _ => flow(&example_value(site, spec)),
        };
        let prefix = if spec.required || matches!(name.as_str(), "title" | "date" | "draft") {
            ""
        } else {
            "# "
        };
        let _ = writeln!(out, "{prefix}{}: {value}", flow_scalar(name));
    }
    out.push_str("---\n\n");
    out.push_str("## Contexte\n\nDécrivez la situation de départ : le milieu, les besoins, les personnes concernées.\n\n");
    out.push_str("## Démarche\n\nQui a fait quoi, avec quels partenaires et quels moyens.\n\n");
    out.push_str("## Résultats\n\nCe qui a changé, chiffres à l’appui lorsque possible.\n\n");
    out.push_str("## Leçons apprises\n\nCe que vous referiez, et ce que vous feriez autrement.\n");
    out
}

/// The field's `example` from the configuration, or a valid value of its type: the first
/// term of its vocabulary, an address of the `.example` domain, an empty text.
fn example_value(site: &SiteConfig, spec: &FieldSpec) -> Yaml {
    if let Some(example) = &spec.example {
        return example.clone();
    }
    let single = match spec.kind {
        FieldType::Vocabulary => spec
            .vocabulary
            .as_deref()
            .and_then(|v| site.vocabulary(v))
            .and_then(|v| v.terms.first())
            .map_or(Yaml::Null, |t| t.label(&site.config.language).into()),
        FieldType::Date => "2024-01-31".into(),
        FieldType::Integer | FieldType::Number => 0.into(),
        FieldType::Bool => false.into(),
        FieldType::Email => "accueil@municipalite.example".into(),
        FieldType::Url => "https://municipalite.example/".into(),
        // An empty text reads as "nothing yet", except where one is required.
        FieldType::String if spec.required => "…".into(),
        FieldType::String if spec.list => return Yaml::Sequence(Vec::new()),
        FieldType::String => "".into(),
        FieldType::Object => Yaml::Mapping(
            spec.fields
                .iter()
                .map(|(name, sub)| (name.as_str().into(), example_value(site, sub)))
                .collect(),
        ),
    };
    if spec.list {
        Yaml::Sequence(vec![single])
    } else {
        single
    }
}

/// A YAML value on one line, in flow style: `[a, b]`, `{program: PAC, amount: 0}`.
fn flow(value: &Yaml) -> String {
    match value {
        Yaml::Null => "null".into(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::String(text) => flow_scalar(text),
        Yaml::Sequence(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        Yaml::Mapping(mapping) => {
            let pairs: Vec<String> = mapping
                .iter()
                .map(|(key, value)| format!("{}: {}", flow(key), flow(value)))
                .collect();
            format!("{{{}}}", pairs.join(", "))
        }
        Yaml::Tagged(tagged) => flow(&tagged.value),
    }
}

/// A string as a YAML scalar that reads back as the same string inside `[…]` or `{…}` too:
/// plain when YAML allows it (`Gaspé`, `Organisme d’accueil local`), else double-quoted.
fn flow_scalar(text: &str) -> String {
    let block = serde_yaml::to_string(text).map(|s| s.trim_end().to_string());
    let plain = block.as_deref().is_ok_and(|b| b == text)
        && !text.contains([',', '[', ']', '{', '}', '#', '\n'])
        && !text.ends_with(':');
    if plain {
        text.to_string()
    } else {
        // A JSON string is a valid YAML double-quoted scalar.
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
    }
}

/// Creates a new site in `dir`: config.yaml, one example case study and an about page.
pub fn init_site(dir: &Path, today: chrono::NaiveDate) -> Result<()> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty; choose a new folder name so no file is overwritten",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir.join("content"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(dir.join("config.yaml"), DEFAULT_CONFIG)?;
    let site = crate::config::parse(DEFAULT_CONFIG)
        .map_err(|e| anyhow::anyhow!("built-in configuration is invalid: {e:?}"))?;
    let path = new_case_study(dir, &site, "Mon initiative d’accueil", today)?;
    // The example is meant to be seen: publish it.
    let text = std::fs::read_to_string(&path)?.replacen("draft: true", "draft: false", 1);
    std::fs::write(&path, text)?;
    std::fs::write(
        dir.join("content").join("a-propos.md"),
        "---\ntitle: À propos\nsummary: Qui publie ce site et pourquoi.\n---\n\nCe site rassemble des pratiques municipales d’accueil et d’intégration des personnes immigrantes.\n",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_site() -> SiteConfig {
        crate::config::parse(DEFAULT_CONFIG).expect("built-in configuration")
    }

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2025, 3, 15).expect("a date")
    }

    /// Checks a site holding `config.yaml` and one case study, drafts included.
    fn check(case_study: &str) -> Result<(), String> {
        let site = tempfile::tempdir().map_err(|e| e.to_string())?;
        std::fs::write(site.path().join("config.yaml"), DEFAULT_CONFIG)
            .map_err(|e| e.to_string())?;
        let dir = site.path().join("content/etudes-de-cas");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("nouveau.md"), case_study).map_err(|e| e.to_string())?;
        let mut options = crate::BuildOptions::new(site.path());
        options.drafts = true;
        crate::check(&options).map(|_| ()).map_err(|d| d.report())
    }

    /// Removes a line's first `#` and the space after it, as an editor's "uncomment" does.
    fn uncomment(line: &str) -> String {
        let rest = line.strip_prefix('#').unwrap_or(line);
        rest.strip_prefix(' ').unwrap_or(rest).to_string()
    }

    #[test]
    fn new_case_study_stays_valid_when_any_line_is_uncommented() {
        let text = case_study_template(&default_site(), "Accueil: l’essentiel, [2025]", today());
        check(&text).expect("the template as written");
        let lines: Vec<&str> = text.lines().collect();
        let closing = lines
            .iter()
            .skip(1)
            .position(|l| *l == "---")
            .expect("front matter end")
            + 1;
        let mut commented = 0;
        for (index, line) in lines.iter().enumerate().take(closing).skip(1) {
            if !line.starts_with('#') {
                continue;
            }
            commented += 1;
            let mut changed = lines.clone();
            let uncommented = uncomment(line);
            changed[index] = &uncommented;
            let changed = changed.join("\n") + "\n";
            if let Err(report) = check(&changed) {
                panic!("uncommenting `{line}` breaks the file:\n{report}");
            }
        }
        assert!(
            commented > 30,
            "help lines and optional fields: {commented}"
        );
        // All at once, too.
        let all: Vec<String> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if i > 0 && i < closing {
                    uncomment(l)
                } else {
                    l.to_string()
                }
            })
            .collect();
        check(&(all.join("\n") + "\n")).expect("every line uncommented");
    }

    #[test]
    fn new_case_study_lists_uncomment_into_lists() {
        let text = case_study_template(&default_site(), "Projet", today());
        let line = text
            .lines()
            .find(|l| l.starts_with("# partners:"))
            .expect("a partners line");
        let yaml: Yaml = serde_yaml::from_str(&uncomment(line)).expect("YAML");
        assert_eq!(
            yaml["partners"],
            Yaml::Sequence(vec!["Organisme d’accueil local".into()])
        );
    }

    #[test]
    fn new_case_study_examples_agree_with_each_other() {
        // The place examples come from config.yaml and must describe one place: Gaspé is in
        // the MRC of La Côte-de-Gaspé, in Gaspésie–Îles-de-la-Madeleine, and has about
        // 15,000 inhabitants (it was suggested with `region: Estrie`).
        let text = case_study_template(&default_site(), "Projet", today());
        for line in [
            "municipality: Gaspé",
            "region: Gaspésie–Îles-de-la-Madeleine",
            "# mrc: La Côte-de-Gaspé",
            "# population: 15000",
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
        }
    }

    #[test]
    fn flow_scalars_read_back_as_written() {
        for text in [
            "Gaspé",
            "a, b",
            "[x]",
            "{y}",
            "a: b",
            "# c",
            "true",
            "15000",
            "d’accueil",
            "ligne\nsuivante",
            "fin:",
            "",
        ] {
            let yaml: Yaml =
                serde_yaml::from_str(&format!("k: [{}]", flow_scalar(text))).expect(text);
            assert_eq!(yaml["k"][0], Yaml::String(text.into()), "{text}");
        }
    }
}
