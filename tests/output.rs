//! The output folder: Passerelle deletes or replaces only what it wrote, updates the folder
//! in place (unchanged files keep their bytes, inode and mtime), and a failed, concurrent or
//! killed build never leaves a damaged site.

mod common;

use common::{passerelle, snapshot};
use std::path::Path;

fn build(root: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    passerelle(&args)
}

/// The site's own files (config and content), to prove a refused build touched none.
fn sources(root: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (path, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The files of an output folder, bytes only (see `common::snapshot`).
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(dir)
        .into_iter()
        .map(|(p, f)| (p, f.bytes))
        .collect()
}

fn case_study(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2024-03-01\nsummary: Résumé de {title}.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [logement]\n---\n{body}\n"
    )
}

#[test]
fn output_that_is_holds_or_lies_in_the_sources_is_refused() {
    let site = common::example_site_copy();
    let root = site.path();
    for folder in ["templates", "static", "themes/default"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        std::fs::write(root.join(folder).join("garder.txt"), "à garder").unwrap();
    }
    let foreign = root.join("autre");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mes notes").unwrap();
    let before = sources(root);
    let parent = root.parent().unwrap().to_str().unwrap().to_string();
    for output in [
        root.to_str().unwrap().to_string(),
        root.join(".").to_str().unwrap().to_string(),
        parent,
        root.join("content").to_str().unwrap().to_string(),
        root.join("content/etudes-de-cas/sortie")
            .to_str()
            .unwrap()
            .to_string(),
        root.join("templates").to_str().unwrap().to_string(),
        root.join("static/public").to_str().unwrap().to_string(),
        root.join("themes/default/public")
            .to_str()
            .unwrap()
            .to_string(),
        foreign.to_str().unwrap().to_string(),
        root.join("config.yaml").to_str().unwrap().to_string(),
    ] {
        let (code, stdout, stderr) = build(root, &["--output", &output]);
        assert_eq!(code, 2, "--output {output} was accepted\n{stdout}{stderr}");
        assert!(stderr.contains("refusing to build into"), "{stderr}");
        assert!(stderr.contains("--output public"), "{stderr}");
        assert_eq!(sources(root), before, "--output {output} changed the site");
    }
    // The default output, and an empty folder, are fine.
    std::fs::create_dir_all(root.join("vide")).unwrap();
    for extra in [
        &[][..],
        &["--output", root.join("vide").to_str().unwrap()][..],
    ] {
        let (code, _, stderr) = build(root, extra);
        assert_eq!(code, 0, "{stderr}");
    }
}

#[test]
fn rebuild_without_change_writes_nothing() {
    let site = common::example_site_copy();
    let (code, first, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(first.contains("0 removed, 0 unchanged"), "{first}");
    let public = site.path().join("public");
    let before = snapshot(&public);
    let (code, again, stderr) = build(site.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(again.contains(": 0 files written, 0 removed,"), "{again}");
    assert_eq!(
        snapshot(&public),
        before,
        "a rebuild with no change touched files"
    );
}

#[test]
fn rebuild_rewrites_only_what_changed_removes_what_is_gone_and_keeps_others_files() {
    let site = common::site_with_case_studies(&[
        ("une.md", &case_study("Une", "Premier texte.")),
        ("deux.md", &case_study("Deux", "Second texte.")),
    ]);
    let root = site.path();
    assert_eq!(build(root, &[]).0, 0);
    let public = root.join("public");
    std::fs::write(public.join("CNAME"), "pratiques.example.org").unwrap();
    std::fs::create_dir_all(public.join("etudes-de-cas/deux/notes")).unwrap();
    std::fs::write(public.join("etudes-de-cas/deux/notes/moi.txt"), "à moi").unwrap();
    let before = snapshot(&public);

    std::fs::write(
        root.join("content/etudes-de-cas/une.md"),
        case_study("Une", "Premier texte, corrigé."),
    )
    .unwrap();
    let (code, stdout, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    let after = snapshot(&public);
    let page = "etudes-de-cas/une/index.html";
    assert_ne!(after[page].bytes, before[page].bytes);
    let untouched = [
        "etudes-de-cas/deux/index.html",
        "404.html",
        "static/style.css",
        "CNAME",
    ];
    for file in untouched {
        assert_eq!(after[file], before[file], "{file} was rewritten\n{stdout}");
    }

    std::fs::remove_file(root.join("content/etudes-de-cas/deux.md")).unwrap();
    let (code, stdout, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !public.join("etudes-de-cas/deux/index.html").exists(),
        "{stdout}"
    );
    assert!(!stdout.contains(" 0 removed"), "{stdout}");
    // What the author put there stays, with the folder that holds it.
    assert_eq!(
        std::fs::read_to_string(public.join("CNAME")).unwrap(),
        "pratiques.example.org"
    );
    assert!(public.join("etudes-de-cas/deux/notes/moi.txt").exists());

    // The folder now holds exactly what a fresh build makes, plus the author's files.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("public");
    assert_eq!(build(root, &["--output", fresh_out.to_str().unwrap()]).0, 0);
    let mut updated = contents(&public);
    updated.retain(|(path, _)| path != "CNAME" && !path.contains("notes/"));
    let made = contents(&fresh_out);
    assert_eq!(updated, made);
}

#[test]
fn a_file_in_the_way_that_passerelle_did_not_write_is_an_error_not_overwritten() {
    let site = common::site_with_case_studies(&[("une.md", &case_study("Une", "Texte."))]);
    let root = site.path();
    assert_eq!(build(root, &[]).0, 0);
    let mine = root.join("public/etudes-de-cas/deux/index.html");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, "ma page").unwrap();
    std::fs::write(
        root.join("content/etudes-de-cas/deux.md"),
        case_study("Deux", "x"),
    )
    .unwrap();
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("etudes-de-cas/deux/index.html"), "{stderr}");
    assert!(
        stderr.contains("un fichier est déjà là et Passerelle ne l’a pas écrit"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "ma page");
}

#[test]
fn concurrent_builds_into_one_output_all_complete() {
    let files: Vec<(String, String)> = (0..60)
        .map(|n| {
            (
                format!("cas-{n}.md"),
                case_study(&format!("Cas {n}"), &"Texte. ".repeat(200)),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = common::site_with_case_studies(&borrowed);
    let root = site.path().to_path_buf();
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("public");
    assert_eq!(
        build(&root, &["--output", fresh_out.to_str().unwrap()]).0,
        0
    );
    let expected = contents(&fresh_out);
    for attempt in 0..4 {
        let public = root.join("public");
        let _ = std::fs::remove_dir_all(&public);
        let builds: Vec<_> = (0..3)
            .map(|_| {
                let root = root.clone();
                std::thread::spawn(move || build(&root, &[]))
            })
            .collect();
        for handle in builds {
            let (code, stdout, stderr) = handle.join().unwrap();
            assert_eq!(code, 0, "attempt {attempt}: {stdout}{stderr}");
        }
        let got = contents(&public);
        assert!(
            got == expected,
            "attempt {attempt}: the site is incomplete or differs"
        );
    }
}

#[cfg(unix)]
#[test]
fn read_only_output_fails_once_clearly_and_leaves_nothing_behind() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let site = common::site_with_case_studies(&[("une.md", &case_study("Une", "Texte."))]);
    let root = site.path();
    let public = root.join("public");
    std::fs::create_dir_all(&public).unwrap();
    // Root ignores permissions: the build then runs as `nobody`, who may read the site but
    // not write into the output.
    let as_root = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o555)).unwrap();
    for attempt in 0..2 {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"));
        command.args(["build", "--root", root.to_str().unwrap()]);
        if as_root {
            command.uid(65534).gid(65534);
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "attempt {attempt}: {stderr}");
        assert!(stderr.contains("cannot write into"), "{stderr}");
        assert!(stderr.contains("permissions"), "{stderr}");
        assert_eq!(
            std::fs::read_dir(&public).unwrap().count(),
            0,
            "something was left in public/"
        );
        let siblings: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            siblings.iter().all(|name| !name.starts_with('.')),
            "left behind: {siblings:?}"
        );
    }
    std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn killed_build_leaves_every_file_old_or_new_and_the_next_build_repairs_it() {
    let make = |version: &str| -> Vec<(String, String)> {
        (0..150)
            .map(|n| {
                let body = format!("Version {version}. {}", "Un texte assez long. ".repeat(300));
                (
                    format!("cas-{n}.md"),
                    case_study(&format!("Cas {n}"), &body),
                )
            })
            .collect()
    };
    let old = make("ancienne");
    let new = make("nouvelle");
    let borrowed = |files: &[(String, String)]| -> Vec<(String, String)> { files.to_vec() };
    let site = common::site_with_case_studies(&[]);
    let root = site.path();
    let dir = root.join("content/etudes-de-cas");
    let write_all = |files: &[(String, String)]| {
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    };
    let expected_for = |files: &[(String, String)]| {
        write_all(&borrowed(files));
        let out = tempfile::tempdir().unwrap();
        let public = out.path().join("public");
        assert_eq!(build(root, &["--output", public.to_str().unwrap()]).0, 0);
        snapshot(&public)
    };
    let old_files = expected_for(&old);
    let new_files = expected_for(&new);
    let public = root.join("public");
    // How long the build that gets killed takes when left alone (old output, new content):
    // kills are spread over it, most near its end, where the files are moved into place.
    let _ = std::fs::remove_dir_all(&public);
    write_all(&old);
    assert_eq!(build(root, &[]).0, 0);
    write_all(&new);
    // Debug builds pause after each file moved when asked, so that the moving phase, a few
    // milliseconds otherwise, is most of the build and the kills land in it.
    let slow_commit = || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"));
        command
            .args(["build", "--root", root.to_str().unwrap()])
            .env("PASSERELLE_TEST_SLOW_COMMIT_MS", "10")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command
    };
    let started = std::time::Instant::now();
    assert!(slow_commit().status().unwrap().success());
    let whole = started.elapsed().as_millis() as u64;
    let mut mixed = 0;
    for percent in [10, 40, 55, 70, 80, 90, 95, 99, 101] {
        let delay_ms = whole * percent / 100;
        let _ = std::fs::remove_dir_all(&public);
        write_all(&old);
        assert_eq!(build(root, &[]).0, 0);
        write_all(&new);
        let mut child = slow_commit().spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (mut some_old, mut some_new) = (false, false);
        for (path, file) in snapshot(&public) {
            let is_old = old_files.get(&path).is_some_and(|f| f.bytes == file.bytes);
            let is_new = new_files.get(&path).is_some_and(|f| f.bytes == file.bytes);
            some_old |= is_old && !is_new;
            some_new |= is_new && !is_old;
            assert!(
                is_old || is_new,
                "after a kill at {delay_ms} ms, {path} is neither old nor new"
            );
        }
        mixed += usize::from(some_old && some_new);
        let (code, _, stderr) = build(root, &[]);
        assert_eq!(
            code, 0,
            "the build after a kill at {delay_ms} ms failed: {stderr}"
        );
        let repaired = contents(&public);
        let wanted: Vec<(String, Vec<u8>)> = new_files
            .iter()
            .map(|(p, f)| (p.clone(), f.bytes.clone()))
            .collect();
        assert!(
            repaired == wanted,
            "the build after a kill at {delay_ms} ms did not repair the site"
        );
    }
    eprintln!("{mixed} of 9 kills stopped the build while it moved files ({whole} ms build)");
    assert!(
        mixed > 0,
        "no kill landed while files were moved into place"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_reported_and_never_published() {
    use std::os::unix::fs::symlink;
    let site = common::site_with_case_studies(&[("une.md", &case_study("Une", "Texte."))]);
    let root = site.path();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET-OUTSIDE").unwrap();
    symlink("/etc/passwd", root.join("content/passwd.txt")).unwrap();
    symlink("/proc/self/environ", root.join("content/environ.txt")).unwrap();
    symlink(outside.path(), root.join("content/dossier")).unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    symlink(
        outside.path().join("secret.txt"),
        root.join("static/theme.css"),
    )
    .unwrap();
    // A link that stays inside the site is an ordinary file.
    std::fs::write(root.join("content/etudes-de-cas/plan.pdf"), "%PDF-1.4").unwrap();
    symlink("etudes-de-cas/plan.pdf", root.join("content/plan.pdf")).unwrap();

    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 1, "{stderr}");
    for file in [
        "content/passwd.txt",
        "content/environ.txt",
        "content/dossier",
        "static/theme.css",
    ] {
        assert!(
            stderr.contains(&format!(
                "{file}: erreur[P0120]\u{a0}: ce lien symbolique mène hors du dossier du site"
            )),
            "{file} not reported:\n{stderr}"
        );
    }
    assert!(!stderr.contains("content/plan.pdf"), "{stderr}");
    assert!(!root.join("public/passwd.txt").exists());

    for link in [
        "content/passwd.txt",
        "content/environ.txt",
        "content/dossier",
        "static/theme.css",
    ] {
        std::fs::remove_file(root.join(link)).unwrap();
    }
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read(root.join("public/plan.pdf")).unwrap(),
        b"%PDF-1.4"
    );
}

/// A small file system of its own, unmounted when dropped; `None` (with the reason printed)
/// where this process may not mount one.
struct TinyDisk(tempfile::TempDir);

impl TinyDisk {
    fn mount(size: &str) -> Option<TinyDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !mounted {
            eprintln!("skipped: cannot mount a small tmpfs here (needs root or CAP_SYS_ADMIN)");
            return None;
        }
        Some(TinyDisk(dir))
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[test]
fn full_disk_is_reported_in_a_few_lines_and_leaves_nothing_behind() {
    let Some(disk) = TinyDisk::mount("256k") else {
        return;
    };
    let site = common::example_site_copy();
    let public = disk.0.path().join("public");
    let (code, stdout, stderr) = build(site.path(), &["--output", public.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let write_errors = stderr
        .lines()
        .filter(|l| l.contains("écriture impossible"))
        .count();
    assert!(
        write_errors <= 4,
        "{write_errors} lines about writing:\n{stderr}"
    );
    assert!(
        stderr.contains("autres fichiers pour la même raison (No space left on device"),
        "{stderr}"
    );
    assert!(stderr.contains("l’espace libre sur le disque"), "{stderr}");
    assert!(
        !public.exists(),
        "a failed first build left {}",
        public.display()
    );
}
