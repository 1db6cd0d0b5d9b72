//! `passerelle new` and `passerelle init`: files an author starts from.

use crate::config::{FieldSpec, FieldType, SiteConfig};
use crate::text::slugify;
use anyhow::{Context as _, Result, bail};
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

fn yaml_string(text: &str) -> String {
    serde_yaml::to_string(text)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| format!("{text:?}"))
}

/// The front matter template: required fields filled or ready to fill, optional ones
/// commented, each with its help line.
pub fn case_study_template(site: &SiteConfig, title: &str, today: chrono::NaiveDate) -> String {
    let mut out = String::from("---\n");
    for (name, spec) in &site.config.fields {
        if !spec.help.is_empty() {
            let _ = writeln!(out, "# {}", spec.help);
        }
        let value = match name.as_str() {
            "title" => yaml_string(title),
            "date" => today.format("%Y-%m-%d").to_string(),
            "lang" => site.config.language.clone(),
            // Like `hugo new`: unpublished until the author says it is ready.
            "draft" => "true".into(),
            _ => example_value(site, spec),
        };
        let prefix = if spec.required || matches!(name.as_str(), "title" | "date" | "draft") {
            ""
        } else {
            "# "
        };
        let rendered = format!("{name}: {value}");
        for line in rendered.lines() {
            let _ = writeln!(out, "{prefix}{line}");
        }
    }
    out.push_str("---\n\n");
    out.push_str("## Contexte\n\nDécrivez la situation de départ : le milieu, les besoins, les personnes concernées.\n\n");
    out.push_str("## Démarche\n\nQui a fait quoi, avec quels partenaires et quels moyens.\n\n");
    out.push_str("## Résultats\n\nCe qui a changé, chiffres à l’appui lorsque possible.\n\n");
    out.push_str("## Leçons apprises\n\nCe que vous referiez, et ce que vous feriez autrement.\n");
    out
}

fn example_value(site: &SiteConfig, spec: &FieldSpec) -> String {
    if let Some(example) = &spec.example {
        let yaml = serde_yaml::to_string(example).unwrap_or_default();
        let yaml = yaml.trim_end();
        return if yaml.contains('\n') {
            format!("\n{}", indent(yaml))
        } else {
            yaml.to_string()
        };
    }
    let single = match spec.kind {
        FieldType::Vocabulary => spec
            .vocabulary
            .as_deref()
            .and_then(|v| site.vocabulary(v))
            .and_then(|v| v.terms.first())
            .map(|t| yaml_string(t.label(&site.config.language)))
            .unwrap_or_default(),
        FieldType::Date => "2024-01-31".into(),
        FieldType::Integer | FieldType::Number => "0".into(),
        FieldType::Bool => "false".into(),
        FieldType::Email => "accueil@municipalite.example".into(),
        FieldType::Url => "https://".into(),
        FieldType::String => "\"\"".into(),
        FieldType::Object => {
            let fields: Vec<String> = spec
                .fields
                .iter()
                .map(|(name, sub)| format!("{name}: {}", example_value(site, sub)))
                .collect();
            return if spec.list {
                format!("\n  - {}", fields.join("\n    "))
            } else {
                format!("\n  {}", fields.join("\n  "))
            };
        }
    };
    if spec.list {
        format!("[{single}]")
    } else {
        single
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
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
