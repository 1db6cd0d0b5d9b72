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
    assert!(stdout.contains("No errors"), "{stdout}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn help_documents_every_command_and_flag() {
    let (_, stdout, _) = common::passerelle(&["--help"]);
    for command in ["build", "check", "new", "init"] {
        assert!(stdout.contains(command), "{stdout}");
    }
    let (_, stdout, _) = common::passerelle(&["build", "--help"]);
    for flag in ["--root", "--output", "--base-url", "--drafts"] {
        assert!(stdout.contains(flag), "{stdout}");
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
