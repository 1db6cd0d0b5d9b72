//! `passerelle new` and `passerelle init`: files an author starts from.

use crate::config::{FieldSpec, FieldType, SiteConfig};
use crate::text::slugify;
use crate::yaml::{flow, flow_scalar};
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

/// Where `init` writes the GitHub Actions workflow, from the site's folder.
pub const GITHUB_WORKFLOW_PATH: &str = ".github/workflows/passerelle.yml";

/// A GitHub Actions workflow for a site's repository: on every push and pull request it
/// checks the site (problems shown on their lines as annotations) and builds it; on a push
/// to the default branch it publishes the build on GitHub Pages, under the address Pages
/// gives (`https://owner.github.io/repository/`, or the custom domain).
///
/// It gets Passerelle by building it: from the repository itself when it holds Passerelle's
/// source (as Passerelle's own repository, the example site, does), else with `cargo install
/// --git` from the address in the repository variable `PASSERELLE_GIT` or, failing that, the
/// line marked below, which the author fills in (see the README, "Publier").
pub const GITHUB_WORKFLOW: &str = r#"# Made by `passerelle init`. Checks and builds the site on every push and pull request, and
# publishes it on GitHub Pages on every push to the default branch.
#
# Before the first run:
# 1. Settings → Pages → Source: "GitHub Actions".
# 2. Say where Passerelle's source is: set the repository variable PASSERELLE_GIT
#    (Settings → Secrets and variables → Actions → Variables), or replace the address on
#    the PASSERELLE_GIT line below. PASSERELLE_REF (optional) picks a tag or branch.
name: Passerelle

on:
  push:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

env:
  # ⚠ To fill in: the Git address of Passerelle's source code.
  PASSERELLE_GIT: ${{ vars.PASSERELLE_GIT || 'https://github.com/OWNER/passerelle' }}
  PASSERELLE_REF: ${{ vars.PASSERELLE_REF || 'HEAD' }}

jobs:
  build:
    name: Check and build
    runs-on: ubuntu-latest
    steps:
      - name: Check out the site
        uses: actions/checkout@v5

      - name: Find Passerelle's version
        id: version
        shell: bash
        run: |
          set -euo pipefail
          if [ -f Cargo.toml ] && grep -q '^name = "passerelle"' Cargo.toml; then
            # This repository holds Passerelle's source: build that.
            echo "source=here" >> "$GITHUB_OUTPUT"
            echo "key=passerelle-here-${{ hashFiles('Cargo.lock', 'Cargo.toml', 'build.rs', 'src/**', 'themes/**') }}" >> "$GITHUB_OUTPUT"
            exit 0
          fi
          if [ "$PASSERELLE_GIT" = "https://github.com/OWNER/passerelle" ]; then
            echo "::error title=Passerelle::Say where Passerelle's source is: set the repository variable PASSERELLE_GIT, or fill in PASSERELLE_GIT in .github/workflows/passerelle.yml"
            exit 1
          fi
          rev=$(git ls-remote "$PASSERELLE_GIT" "$PASSERELLE_REF" | head -n 1 | cut -f 1)
          if [ -z "$rev" ]; then
            echo "::error title=Passerelle::No '$PASSERELLE_REF' at $PASSERELLE_GIT: check PASSERELLE_GIT and PASSERELLE_REF"
            exit 1
          fi
          echo "source=git" >> "$GITHUB_OUTPUT"
          echo "rev=$rev" >> "$GITHUB_OUTPUT"
          echo "key=passerelle-git-$rev" >> "$GITHUB_OUTPUT"

      - name: Reuse Passerelle if built before
        id: cache
        uses: actions/cache@v4
        with:
          path: ~/.passerelle
          key: ${{ runner.os }}-${{ steps.version.outputs.key }}

      - name: Install Passerelle
        if: steps.cache.outputs.cache-hit != 'true'
        shell: bash
        run: |
          set -euo pipefail
          # Without the preview server: the workflow only checks and builds.
          if [ "${{ steps.version.outputs.source }}" = here ]; then
            cargo install --locked --no-default-features --root ~/.passerelle --path .
          else
            cargo install --locked --no-default-features --root ~/.passerelle               --git "$PASSERELLE_GIT" --rev "${{ steps.version.outputs.rev }}" passerelle
          fi

      - name: Put Passerelle on the PATH
        shell: bash
        run: echo "$HOME/.passerelle/bin" >> "$GITHUB_PATH"

      - name: Check the site
        run: passerelle check --format github

      - name: Configure GitHub Pages
        id: pages
        if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
        uses: actions/configure-pages@v5

      - name: Build the site
        shell: bash
        env:
          # The address Pages serves the site from (with the repository's sub-path); `/`
          # for the builds of branches and pull requests, which are not published.
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: passerelle build --base-url "${BASE_URL:-/}"

      - name: Upload the site for GitHub Pages
        if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
        uses: actions/upload-pages-artifact@v4
        with:
          path: public

  deploy:
    name: Publish on GitHub Pages
    needs: build
    if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    # One deployment at a time; a newer one waits for the one under way.
    concurrency:
      group: pages
      cancel-in-progress: false
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"#;

/// Creates a new site in `dir`: config.yaml, one example case study, an about page and
/// the GitHub Actions workflow that checks, builds and publishes it.
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
    let workflow = dir.join(GITHUB_WORKFLOW_PATH);
    if let Some(parent) = workflow.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&workflow, GITHUB_WORKFLOW)
        .with_context(|| format!("cannot write {}", workflow.display()))?;
    let ignore = dir.join(".gitignore");
    std::fs::write(&ignore, GITIGNORE)
        .with_context(|| format!("cannot write {}", ignore.display()))?;
    Ok(())
}

/// What a new site keeps out of git: what Passerelle makes, never what authors write.
const GITIGNORE: &str = concat!(
    "# Made by `passerelle build`.\n/public/\n",
    "# Resized images kept between builds (see the README, \"Images\"); safe to delete.\n/",
    ".passerelle-cache/\n",
);

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

    #[test]
    fn init_keeps_the_output_and_the_image_cache_out_of_git() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        init_site(&site, today()).unwrap();
        let ignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
        let lines: Vec<&str> = ignore.lines().collect();
        assert!(lines.contains(&"/public/"), "{ignore}");
        let cache = crate::images::CACHE_DIR.split('/').next().unwrap();
        assert!(lines.contains(&format!("/{cache}/").as_str()), "{ignore}");
    }
}
