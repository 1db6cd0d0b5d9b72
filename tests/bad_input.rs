//! One folder per way to fail under tests/bad_input/: each holds a site's `content/` (and,
//! when the failure is about them, its own `config.yaml` or `templates/`) and an
//! `expected.txt` whose lines must all appear in the build's output.
//! The build must exit with code 1 and leave the previous output untouched.

mod common;

use std::path::Path;

fn run_case(case: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    // A previous good build that must survive the failed one, made by a real build of a
    // good site in the same folder; then the fixture's files replace the good ones.
    let site = common::site_with_case_studies(&[("bonne.md", common::GOOD_CASE_STUDY)]);
    let (code, stdout, stderr) =
        common::passerelle(&["build", "--root", site.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{name}: the good build failed\n{stdout}{stderr}");
    let public = site.path().join("public");
    let before = common::snapshot(&public);
    std::fs::remove_dir_all(site.path().join("content")).unwrap();
    common::copy_dir(case, site.path());

    let (code, stdout, stderr) =
        common::passerelle(&["build", "--root", site.path().to_str().unwrap()]);
    let output = format!("{stdout}{stderr}");
    if code != 1 {
        failures.push(format!("{name}: exit code {code}, expected 1\n{output}"));
    }
    let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        if !output.contains(line) {
            failures.push(format!(
                "{name}: output lacks\n    {line}\n  output was:\n{output}"
            ));
        }
    }
    if !output.contains("public n’a pas été modifié") {
        failures.push(format!(
            "{name}: no reassurance that public/ is unchanged\n{output}"
        ));
    }
    if common::snapshot(&public) != before {
        failures.push(format!(
            "{name}: the previous public/ was changed (a file's bytes, inode or mtime, or the list of files)"
        ));
    }
    // `check` reports the same problems and writes nothing.
    let (check_code, _, check_err) =
        common::passerelle(&["check", "--root", site.path().to_str().unwrap()]);
    if check_code != 1 {
        failures.push(format!("{name}: check exit code {check_code}, expected 1"));
    }
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        if !check_err.contains(line) {
            failures.push(format!("{name}: check output lacks {line}"));
        }
    }
    failures
}

#[test]
fn every_bad_input_fails_with_its_message_and_keeps_the_last_good_site() {
    let root = common::fixture("bad_input");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "expected the bad_input fixtures");
    let failures: Vec<String> = cases.iter().flat_map(|case| run_case(case)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_not_followed_forever() {
    let site = common::example_site_copy();
    std::os::unix::fs::symlink("..", site.path().join("content/etudes-de-cas/boucle")).unwrap();
    let (code, _, stderr) = common::passerelle(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("content/etudes-de-cas/boucle"), "{stderr}");
    assert!(
        stderr.contains("mène à l’un de ses propres dossiers parents"),
        "{stderr}"
    );
}

#[test]
fn huge_and_deeply_nested_bodies_build_without_panicking() {
    let site = common::example_site_copy();
    let front = "---\ntitle: Gros\ndate: 2024-01-01\nsummary: s\nmunicipality: M\nregion: Estrie\nthemes: [logement]\n---\n";
    let big = format!(
        "{front}{}",
        "Un mot de plus dans ce texte très long. ".repeat(130_000)
    );
    std::fs::write(site.path().join("content/etudes-de-cas/gros.md"), big).unwrap();
    let deep = format!(
        "{front}{} profond\n\n{}liste\n\n{}x{}\n\n{}\n",
        ">".repeat(5000),
        "- ".repeat(5000),
        "<div>".repeat(5000),
        "</div>".repeat(5000),
        "[".repeat(5000)
    );
    std::fs::write(site.path().join("content/etudes-de-cas/profond.md"), deep).unwrap();
    let (code, _, stderr) = common::passerelle(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn unreadable_markdown_file_adds_no_link_errors() {
    let valid = "---\ntitle: T\ndate: 2024-01-01\nsummary: s\nmunicipality: M\nregion: Estrie\nthemes: [logement]\n---\n\nTexte.\n";
    let linking = valid.replace(
        "Texte.",
        "Voir [illisible](illisible.md), [invalide](invalide.md?x=1#y) et [absent](absent.md).",
    );
    let site = common::site_with_case_studies(&[
        ("a.md", &linking),
        ("illisible.md", valid),
        ("invalide.md", "---\ntitle: [\n---\n"),
    ]);
    let unreadable = site.path().join("content/etudes-de-cas/illisible.md");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    // Root reads any file whatever its mode: make it fail to load another way.
    if std::fs::read(&unreadable).is_ok() {
        std::fs::write(&unreadable, b"---\ntitle: \xff\n---\n").unwrap();
    }
    let (code, _, stderr) = common::passerelle(&["check", "--root", site.path().to_str().unwrap()]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o644));
    }
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.matches("content/etudes-de-cas/illisible.md").count(),
        1,
        "the unreadable file is reported once:\n{stderr}"
    );
    assert!(
        stderr.contains("content/etudes-de-cas/invalide.md:"),
        "{stderr}"
    );
    let missing: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("lien vers un fichier absent"))
        .collect();
    assert_eq!(
        missing.len(),
        1,
        "only the absent file is missing:\n{stderr}"
    );
    assert!(missing[0].contains("absent.md"), "{stderr}");
}
