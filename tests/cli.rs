//! The commands authors type: new, init, check, build, --help.

mod common;

#[test]
fn new_creates_a_dated_case_study_with_a_clean_slug_and_every_field() {
    let site = common::example_site_copy();
    let root = site.path().to_str().unwrap();
    let (code, stdout, stderr) = common::passerelle(&["new", "Été à Gaspé", "--root", root]);
    assert_eq!(code, 0, "{stderr}");
    let path = site.path().join("content/etudes-de-cas/ete-a-gaspe.md");
    assert!(stdout.contains("ete-a-gaspe.md"), "{stdout}");
    let text = std::fs::read_to_string(&path).unwrap();
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert!(text.contains(&format!("date: {today}")), "{text}");
    assert!(text.contains("title: Été à Gaspé"), "{text}");
    let config: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(site.path().join("config.yaml")).unwrap())
            .unwrap();
    for (name, _) in config["fields"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        assert!(text.contains(&format!("{name}:")), "template lacks {name}");
    }
    // Help lines are in French.
    assert!(text.contains("# Région administrative"), "{text}");
    // Running it again does not overwrite the file.
    let (code, _, stderr) = common::passerelle(&["new", "Été à Gaspé", "--root", root]);
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists"), "{stderr}");
}

#[test]
fn a_new_case_study_is_a_valid_draft_until_published() {
    let site = common::example_site_copy();
    let root = site.path().to_str().unwrap();
    common::passerelle(&["new", "Cafés-rencontres interculturels", "--root", root]);
    let path = site
        .path()
        .join("content/etudes-de-cas/cafes-rencontres-interculturels.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\ndraft: true\n"), "{text}");
    let (code, _, stderr) = common::passerelle(&["build", "--root", root]);
    assert_eq!(code, 0, "the template is valid as generated: {stderr}");
    assert!(
        !site
            .path()
            .join("public/etudes-de-cas/cafes-rencontres-interculturels")
            .exists()
    );
    let (code, _, stderr) = common::passerelle(&["build", "--drafts", "--root", root]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        site.path()
            .join("public/etudes-de-cas/cafes-rencontres-interculturels/index.html")
            .exists()
    );
}

#[test]
fn init_creates_a_site_that_builds_with_the_builtin_theme() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("mon-site");
    let (code, _, stderr) = common::passerelle(&["init", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !site.join("themes").exists(),
        "the theme is built into the binary"
    );
    let (code, _, stderr) = common::passerelle(&["build", "--root", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(home.contains("role=\"search\""));
    assert!(site.join("public/a-propos/index.html").exists());
    // init refuses to write into a folder that has files.
    let (code, _, stderr) = common::passerelle(&["init", site.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not empty"), "{stderr}");
}

#[test]
fn check_writes_nothing() {
    let site = common::example_site_copy();
    let (code, stdout, stderr) =
        common::passerelle(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Aucune erreur dans "), "{stdout}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn help_documents_every_command_and_flag() {
    let (_, stdout, _) = common::passerelle(&["--help"]);
    for command in ["build", "check", "schema", "new", "init"] {
        assert!(stdout.contains(command), "{stdout}");
    }
    let (_, stdout, _) = common::passerelle(&["build", "--help"]);
    for flag in ["--root", "--output", "--base-url", "--drafts"] {
        assert!(stdout.contains(flag), "{stdout}");
    }
    let (_, stdout, _) = common::passerelle(&["check", "--help"]);
    for format in ["--format", "json", "github"] {
        assert!(stdout.contains(format), "{stdout}");
    }
}

#[test]
fn a_missing_config_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = common::passerelle(&["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("config.yaml") && stderr.contains("passerelle init"),
        "{stderr}"
    );
}

/// A site holding one fixture of tests/bad_input (its content, and its config.yaml or
/// templates when it has them), as the bad_input harness lays it out.
fn bad_input_site(case: &std::path::Path) -> tempfile::TempDir {
    let site = common::site_with_case_studies(&[]);
    std::fs::remove_dir_all(site.path().join("content")).unwrap();
    common::copy_dir(case, site.path());
    site
}

/// `path:line:column: erreur[P0114] : champ : message — aide : indice`, rebuilt from one
/// JSON diagnostic (the example site is French: the text and the JSON are both French).
fn text_line(d: &serde_json::Value) -> String {
    let mut line = d["file"].as_str().unwrap().to_string();
    if let Some(n) = d["line"].as_u64() {
        line.push_str(&format!(":{n}"));
        if let Some(c) = d["column"].as_u64() {
            line.push_str(&format!(":{c}"));
        }
    }
    let severity = match d["severity"].as_str().unwrap() {
        "error" => "erreur",
        "warning" => "avertissement",
        other => panic!("severity {other}"),
    };
    line.push_str(&format!(": {severity}"));
    if let Some(code) = d["code"].as_str() {
        line.push_str(&format!("[{code}]"));
    }
    line.push_str("\u{a0}: ");
    if let Some(field) = d["field"].as_str() {
        line.push_str(&format!("{field}\u{a0}: "));
    }
    line.push_str(d["message"].as_str().unwrap());
    if let Some(hint) = d["hint"].as_str() {
        line.push_str(&format!(" — aide\u{a0}: {hint}"));
    }
    line
}

#[test]
fn check_format_json_matches_the_text_report_line_for_line() {
    let mut compared = 0;
    let mut cases: Vec<_> = std::fs::read_dir(common::fixture("bad_input"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = bad_input_site(&case);
        let root = site.path().to_str().unwrap();
        let (code, text_out, text_err) = common::passerelle(&["check", "--root", root]);
        let (json_code, json_out, json_err) =
            common::passerelle(&["check", "--root", root, "--format", "json"]);
        assert_eq!(
            code, json_code,
            "{name}: the exit code depends on the format"
        );
        assert!(
            json_err.is_empty(),
            "{name}: stderr in json format: {json_err}"
        );
        let json: serde_json::Value = serde_json::from_str(&json_out)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}):\n{json_out}"));
        let items = json.as_array().expect("an array");
        for d in items {
            for key in [
                "file", "line", "column", "field", "severity", "code", "message", "hint",
            ] {
                assert!(d.get(key).is_some(), "{name}: no `{key}` in {d}");
            }
        }
        let mut lines: Vec<&str> = text_err.lines().collect();
        // The text ends with its count; stdout has only the "no errors" line.
        assert!(
            lines.pop().is_some_and(|l| l.ends_with("avertissement(s)")),
            "{name}"
        );
        assert!(!text_out.contains("erreur"), "{name}");
        if lines
            .iter()
            .any(|l| l.contains("de ce fichier ne sont pas affichés"))
        {
            // The text shows 50 problems per file; the JSON lists every one.
            assert!(items.len() > lines.len(), "{name}");
            continue;
        }
        let rebuilt: Vec<String> = items.iter().map(text_line).collect();
        assert_eq!(rebuilt, lines, "{name}");
        compared += 1;
    }
    assert!(compared > 30, "only {compared} fixtures compared");
}

#[test]
fn check_format_github_escapes_percent_newlines_and_property_separators() {
    let text = "---\ntitle: Accueil\ndate: 2024-03-01\nsummary: S\nmunicipality: Sherbrooke\nregion: \"100% Estrie\\nou presque\"\nthemes: [logement]\n---\nTexte.\n";
    let site = common::site_with_case_studies(&[("a,b.md", text)]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["check", "--format", "github"])
        .current_dir(site.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    // One line per problem: the newline and `%` of the value are escaped, as are the `,`
    // of the file name and the `:` of the title.
    let (properties, message) = lines[0]
        .split_once("::")
        .and_then(|(_, rest)| rest.split_once("::"))
        .unwrap();
    assert!(
        properties.starts_with("error file=content/etudes-de-cas/a%2Cb.md,line=6,col="),
        "{properties}"
    );
    assert!(
        properties.ends_with(",title=passerelle P0116%3A region"),
        "{properties}"
    );
    assert!(
        message.starts_with(
            "valeur inconnue\u{a0}: «\u{a0}100%25 Estrie%0Aou presque\u{a0}» — valeurs acceptées\u{a0}: 01 Bas-Saint-Laurent, "
        ),
        "{message}"
    );
    assert_eq!(lines[1], "1 erreur(s), 0 avertissement(s)");
    // From the repository's root, a site in a sub-folder is named by its path there.
    let folder = site.path().file_name().unwrap().to_str().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["check", "--format", "github", "--root", folder])
        .current_dir(site.path().parent().unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!(
            "::error file={folder}/content/etudes-de-cas/a%2Cb.md,line=6,"
        )),
        "{stdout}"
    );
}

#[test]
fn init_writes_a_github_pages_workflow_that_checks_builds_and_deploys() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("mon-site");
    let (code, stdout, stderr) = common::passerelle(&["init", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(".github/workflows/passerelle.yml"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(site.join(".github/workflows/passerelle.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).expect("the workflow is YAML");
    for event in ["push", "pull_request"] {
        assert!(workflow["on"].get(event).is_some(), "no `{event}` trigger");
    }
    let steps = workflow["jobs"]["build"]["steps"].as_sequence().unwrap();
    let named = |name: &str| {
        steps
            .iter()
            .find(|s| s["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no step `{name}`"))
    };
    assert_eq!(
        named("Check the site")["run"].as_str(),
        Some("passerelle check --format github")
    );
    assert_eq!(
        named("Configure GitHub Pages")["uses"].as_str(),
        Some("actions/configure-pages@v5")
    );
    let build = named("Build the site");
    assert!(
        build["run"]
            .as_str()
            .unwrap()
            .contains("passerelle build --base-url")
    );
    assert_eq!(
        build["env"]["BASE_URL"].as_str(),
        Some("${{ steps.pages.outputs.base_url }}")
    );
    let upload = named("Upload the site for GitHub Pages");
    assert!(
        upload["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/upload-pages-artifact@")
    );
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    assert!(
        named("Install Passerelle")["run"]
            .as_str()
            .unwrap()
            .contains("cargo install")
    );
    // Publishing only from the default branch, with the rights Pages needs.
    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert!(deploy["if"].as_str().unwrap().contains("default_branch"));
    assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));
    let deploy_step = &deploy["steps"][0];
    assert!(
        deploy_step["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/deploy-pages@")
    );
    // The site the workflow checks is valid as made (check and build do not care about
    // the .github folder).
    let (code, _, stderr) = common::passerelle(&["check", "--root", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
}

/// The workflow's shell steps parse, and the step that finds Passerelle builds it from the
/// repository when the repository holds its source, and otherwise stops with an annotation
/// saying what to fill in, as long as nobody has.
#[test]
fn the_workflow_scripts_parse_and_say_what_to_fill_in() {
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(passerelle::scaffold::GITHUB_WORKFLOW).unwrap();
    // `${{ … }}` is replaced by GitHub before the shell runs.
    let expand = |script: &str, values: &[(&str, &str)]| {
        let mut out = String::new();
        let mut rest = script;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start + 2;
            let expression = rest[start + 3..end - 2].trim();
            let value = values
                .iter()
                .find(|(name, _)| expression.starts_with(name))
                .map_or("x", |(_, value)| value);
            out.push_str(value);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    };
    let steps = workflow["jobs"]["build"]["steps"].as_sequence().unwrap();
    for step in steps {
        if let Some(script) = step["run"].as_str() {
            let status = std::process::Command::new("bash")
                .args(["-n", "-c", &expand(script, &[])])
                .status()
                .unwrap();
            assert!(status.success(), "does not parse:\n{script}");
        }
    }
    let find = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("version"))
        .and_then(|s| s["run"].as_str())
        .unwrap();
    let run_in = |dir: &std::path::Path, git: &str| {
        let output_file = dir.join("github-output");
        let output = std::process::Command::new("bash")
            .args(["-c", &expand(find, &[("hashFiles", "h")])])
            .current_dir(dir)
            .env("GITHUB_OUTPUT", &output_file)
            .env("PASSERELLE_GIT", git)
            .env("PASSERELLE_REF", "HEAD")
            .output()
            .unwrap();
        let written = std::fs::read_to_string(&output_file).unwrap_or_default();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            written,
        )
    };
    let site = tempfile::tempdir().unwrap();
    let (ok, stdout, _) = run_in(site.path(), "https://github.com/OWNER/passerelle");
    assert!(!ok);
    assert!(
        stdout.starts_with("::error title=Passerelle::") && stdout.contains("PASSERELLE_GIT"),
        "{stdout}"
    );
    // Passerelle's own repository (the example site) builds its own copy.
    let own = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::repo_root().join("Cargo.toml"),
        own.path().join("Cargo.toml"),
    )
    .unwrap();
    let (ok, _, written) = run_in(own.path(), "https://github.com/OWNER/passerelle");
    assert!(ok);
    assert!(written.contains("source=here\n"), "{written}");
    assert!(written.contains("key=passerelle-here-h\n"), "{written}");
}
