//! Command line: parse arguments, call the library, print problems, set the exit code.

use clap::{Parser, Subcommand, ValueEnum};
use passerelle::diagnostic::{Diagnostics, counted};
use passerelle::messages::{self, Code, Lang};
use passerelle::{BuildOptions, root_or_current};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Prints a line on stdout; a closed pipe (`passerelle check | head`) is not an error
/// worth a panic, so write failures are ignored.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

// Building allocates many small strings and values from several threads at once; mimalloc
// is markedly faster than the system allocator at that. Built without transparent huge pages
// (Cargo feature `no_thp`): each 2 MB page is zeroed whole on first touch, and at 10,000 case
// studies that cost more system time and 8 % more peak memory than it saved (35 % at 1,000).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Passerelle: turns a folder of Markdown case studies into a searchable static site.
#[derive(Parser)]
#[command(name = "passerelle", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder. Only files whose bytes changed are written and
    /// only files an earlier build wrote are removed; nothing changes unless the build
    /// succeeds. A folder Passerelle did not write is refused unless it is empty.
    Build {
        /// Site folder (holds config.yaml and content/). Defaults to the current folder.
        #[arg(long)]
        root: Option<PathBuf>,
        /// Output folder. Defaults to <root>/public.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Address the site is served from, e.g. https://example.org/pratiques/ (overrides config.yaml).
        #[arg(long)]
        base_url: Option<String>,
        /// Include case studies and pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Check everything a build checks (front matter, links, templates, images) without writing
    /// a page: only the image cache (`.passerelle-cache/`) a later build reuses.
    ///
    /// Exit codes: 0 when there is no error (warnings allowed), 1 when there are errors, 2
    /// when the check itself could not run.
    Check {
        /// Site folder. Defaults to the current folder.
        #[arg(long)]
        root: Option<PathBuf>,
        /// Also check drafts.
        #[arg(long)]
        drafts: bool,
        /// How problems are printed: `text` (one line each on stderr), `json` (one JSON
        /// array of every problem on stdout: file, line, column, field, severity, message,
        /// hint; `null` when unknown) or `github` (GitHub Actions annotations on stdout, so
        /// a pull request shows each problem on its line).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the JSON Schema (draft 2020-12) of a case study's front matter, made from the
    /// schema in config.yaml: every field with its type, its aliases and its help, and each
    /// vocabulary's ids, codes, labels and aliases. For editors (e.g. the YAML extension of
    /// VS Code) and other tools.
    Schema {
        /// Site folder. Defaults to the current folder.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Explain a problem's code (the `P0114` of `error[P0114]`): what it means, why it
    /// matters, how to fix it, with an example that gives it and the same example fixed.
    /// Without a code, list every code with one line each.
    ///
    /// Messages are in French when the site's `language` is French, in English otherwise;
    /// set PASSERELLE_LANG=fr or PASSERELLE_LANG=en to choose.
    Explain {
        /// The code, e.g. P0114 (or its name, e.g. date-format).
        code: Option<String>,
        /// Site folder, for its language. Defaults to the current folder.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Create a case study from the schema's template, dated today.
    New {
        /// Title of the initiative; the file name is made from it ("Été à Gaspé" → ete-a-gaspe.md).
        title: String,
        /// Site folder. Defaults to the current folder.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Create a new site (config.yaml, an example case study, an about page) in an empty folder.
    Init {
        /// Folder to create.
        dir: PathBuf,
    },
    #[cfg(feature = "serve")]
    /// Preview the site: build it in memory, serve it, and rebuild what changes whenever a file
    /// is saved; open pages reload by themselves and show build errors over the page.
    ///
    /// The preview answers only requests addressed to it: its `Host` must be localhost (or a
    /// name under .localhost) or an IP address, with the server's port, or a name given with
    /// --allow-host. Other names get 403: a web page cannot read the preview, drafts included,
    /// by making its own name point to this computer (DNS rebinding).
    ///
    /// Exit codes: 0 when stopped with Ctrl-C, 3 when the port is already in use, 2 for other
    /// errors (including a server that can no longer accept connections).
    Serve {
        /// Site folder. Defaults to the current folder.
        #[arg(long)]
        root: Option<PathBuf>,
        /// Port to listen on; 0 picks a free port (the address is printed).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything other than 127.0.0.1 or ::1 lets other computers
        /// read the preview, drafts included.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Also answer requests addressed to this host name (e.g. the computer's name on the
        /// network, with --bind 0.0.0.0). Repeat for several names.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_hosts: Vec<String>,
        /// Open the site in the default browser once it is built.
        #[arg(long)]
        open: bool,
        /// Include case studies and pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
}

/// How `check` prints its problems.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One line per problem on stderr.
    Text,
    /// One JSON array of every problem on stdout.
    Json,
    /// GitHub Actions annotations on stdout.
    Github,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let today = chrono::Local::now().date_naive();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => {
            let root = root_or_current(root);
            let output = output.unwrap_or_else(|| root.join("public"));
            let lang = Lang::for_site(&root);
            let options = BuildOptions {
                root,
                base_url,
                drafts,
            };
            let started = Instant::now();
            let waiting = || {
                eprintln!(
                    "Another build is writing into {}; waiting for it to finish…",
                    output.display()
                )
            };
            match passerelle::build_to_dir(&options, &output, waiting)? {
                Ok((built, files)) => {
                    print_diagnostics(&built.diagnostics, lang);
                    say!(
                        "Built {} and {} into {} in {} ms: {} written, {} removed, {} unchanged",
                        counted(built.site.case_studies.len(), "case study", "case studies"),
                        counted(built.site.pages.len(), "page", "pages"),
                        output.display(),
                        started.elapsed().as_millis(),
                        counted(files.written, "file", "files"),
                        files.removed,
                        files.unchanged,
                    );
                    // The process ends here: let the system reclaim the site's memory at
                    // once instead of freeing its allocations one by one (~0.1 s at 10,000).
                    std::mem::forget(built);
                    Ok(ExitCode::SUCCESS)
                }
                Err(diagnostics) => {
                    print_diagnostics(&diagnostics, lang);
                    let failed =
                        messages::BUILD_FAILED.with("output", output.display().to_string());
                    eprintln!("{}", failed.render(lang));
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Check {
            root,
            drafts,
            format,
        } => {
            // GitHub places an annotation by its path from the repository's root, which is
            // the current folder in a workflow: the site's folder from there.
            let prefix = root.as_deref().map_or_else(String::new, github_prefix);
            let root = root_or_current(root);
            let lang = Lang::for_site(&root);
            let options = BuildOptions {
                drafts,
                ..BuildOptions::new(root)
            };
            let (diagnostics, summary) = match passerelle::check(&options) {
                Ok(mut built) => {
                    let case_studies = built.site.case_studies.len();
                    let pages = built.site.pages.len();
                    let summary = messages::NO_ERRORS
                        .with(
                            "case_studies",
                            messages::counted(
                                case_studies,
                                &messages::CASE_STUDIES_ONE,
                                &messages::CASE_STUDIES_MANY,
                            ),
                        )
                        .with(
                            "pages",
                            messages::counted(pages, &messages::PAGES_ONE, &messages::PAGES_MANY),
                        )
                        .render(lang);
                    let diagnostics = std::mem::take(&mut built.diagnostics);
                    std::mem::forget(built); // As for `build`: the process ends here.
                    (diagnostics, Some(summary))
                }
                Err(diagnostics) => (diagnostics, None),
            };
            match format {
                Format::Text => {
                    print_diagnostics(&diagnostics, lang);
                    if let Some(summary) = &summary {
                        say!("{summary}");
                    }
                }
                // Nothing else on stdout: it is one JSON document.
                Format::Json => say!("{}", diagnostics.to_json_in(lang)),
                // The log shows each command as an annotation: the text report would repeat it.
                Format::Github => {
                    let report = diagnostics.github_report_in(&prefix, lang);
                    let _ = std::io::stdout().write_all(report.as_bytes());
                    match &summary {
                        Some(summary) => say!("{summary}"),
                        None => say!("{}", diagnostics.summary(lang)),
                    }
                }
            }
            Ok(if summary.is_some() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Explain { code, root } => {
            let lang = Lang::for_site(&root_or_current(root));
            Ok(explain(code.as_deref(), lang))
        }
        Command::Schema { root } => {
            let root = root_or_current(root);
            let site = match passerelle::config::load(&root) {
                Ok(site) => site,
                Err(errors) => {
                    let mut diagnostics = Diagnostics::new();
                    diagnostics.extend(errors);
                    print_diagnostics(&diagnostics, Lang::for_site(&root));
                    return Ok(ExitCode::FAILURE);
                }
            };
            let schema = passerelle::schema::front_matter(&site);
            say!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::New { title, root } => {
            let root = root_or_current(root);
            let site = match passerelle::config::load(&root) {
                Ok(site) => site,
                Err(errors) => {
                    let mut diagnostics = Diagnostics::new();
                    diagnostics.extend(errors);
                    print_diagnostics(&diagnostics, Lang::for_site(&root));
                    return Ok(ExitCode::FAILURE);
                }
            };
            let path = passerelle::scaffold::new_case_study(&root, &site, &title, today)?;
            say!("Created {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            passerelle::scaffold::init_site(&dir, today)?;
            // Built without the preview server, the next step is a build.
            let next = if cfg!(feature = "serve") {
                "Preview it with: passerelle serve"
            } else {
                "Build it with: passerelle build"
            };
            say!(
                "Created a new site in {0}, with {1} to check it and publish it on GitHub Pages (see the README, \"Publier\"). {next} --root {0}",
                dir.display(),
                passerelle::scaffold::GITHUB_WORKFLOW_PATH,
            );
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "serve")]
        Command::Serve {
            root,
            port,
            bind,
            allow_hosts,
            open,
            drafts,
        } => {
            // The server keeps nothing on disk: stopping is exiting, after a word.
            ctrlc::set_handler(|| {
                let mut stdout = std::io::stdout();
                let _ = writeln!(stdout, "Stopped.");
                let _ = stdout.flush();
                std::process::exit(0);
            })?;
            let options = passerelle::serve::ServeOptions {
                root: root_or_current(root),
                bind,
                port,
                drafts,
                open,
                allowed_hosts: allow_hosts,
            };
            match passerelle::serve::serve(options) {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(err @ passerelle::serve::ServeError::PortInUse { .. }) => {
                    eprintln!("error: {err}");
                    Ok(ExitCode::from(3))
                }
                Err(err) => Err(err.into()),
            }
        }
    }
}

/// The site's folder as GitHub names files: relative to the current folder (the repository's
/// root in a workflow), `/`-separated, empty for the current folder itself.
fn github_prefix(root: &std::path::Path) -> String {
    let current = std::env::current_dir().ok();
    let relative = current
        .as_deref()
        .and_then(|current| root.strip_prefix(current).ok())
        .unwrap_or(root);
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/").replace("//", "/")
}

/// Problems go to stderr, in `lang`; a closed pipe is not an error worth a panic.
fn print_diagnostics(diagnostics: &Diagnostics, lang: Lang) {
    if diagnostics.is_empty() {
        return;
    }
    let _ = std::io::stderr().write_all(diagnostics.report_in(lang).as_bytes());
}

/// `passerelle explain [CODE]`: the explanation of a code, or the list of codes.
fn explain(code: Option<&str>, lang: Lang) -> ExitCode {
    let Some(written) = code else {
        let mut out = String::new();
        for code in Code::ALL {
            let entry = code.entry();
            out.push_str(&format!(
                "{}  {:<22} {}\n",
                entry.id,
                entry.name,
                entry.summary(lang)
            ));
        }
        let _ = std::io::stdout().write_all(out.as_bytes());
        return ExitCode::SUCCESS;
    };
    match Code::parse(written) {
        Some(code) => {
            let _ = std::io::stdout().write_all(code.explain(lang).as_bytes());
            ExitCode::SUCCESS
        }
        None => {
            let shown: String = written
                .chars()
                .take(40)
                .flat_map(char::escape_debug)
                .collect();
            let message = match lang {
                Lang::Fr => format!(
                    "erreur\u{a0}: code inconnu «\u{a0}{shown}\u{a0}». Les codes s’écrivent comme P0114\u{a0}; chaque problème signalé donne le sien entre crochets (erreur[P0114]), et `passerelle explain` sans code les liste tous."
                ),
                Lang::En => format!(
                    "error: unknown code `{shown}`. Codes are written like P0114; each problem reported shows its own in brackets (error[P0114]), and `passerelle explain` with no code lists them all."
                ),
            };
            let _ = writeln!(std::io::stderr(), "{message}");
            ExitCode::from(2)
        }
    }
}
