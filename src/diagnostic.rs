//! Problems found in a site, collected across the whole build and reported together.
//!
//! Every stage pushes `Diagnostic`s instead of stopping at the first one, so an author fixes
//! all their mistakes in one pass. The same text is printed in the terminal and shown in the
//! preview server's overlay, in the author's language: a diagnostic keeps its message as a
//! text of the catalog (`crate::messages`) with its arguments and its stable code, and is
//! written out in French or English only where it is shown.
//!
//! One way to report: a stage takes `problems: &mut Vec<Diagnostic>` and pushes to it,
//! returning what it could make anyway; only a stage that has nothing to give without its
//! input (the configuration) returns `Result<_, Vec<Diagnostic>>`. The engine gathers
//! them, in the order of the stages, into one `Diagnostics`.

use crate::messages::{self, Code, Lang, Msg, Text};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// Write errors with one cause shown one by one before the rest are summarised.
const WRITE_ERRORS_SHOWN: usize = 3;
/// Problems shown for one file: a list of 20,000 bad values, or a page of 100,000 broken
/// links, makes one line each, which no author reads; the rest are counted in one line.
const SHOWN_PER_FILE: usize = 50;

/// How bad a problem is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What a diagnostic says: a text of the catalog with its arguments (written in the
/// reader's language where it is shown), or free text for what has no catalog text yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Catalog(Msg),
    Free(String),
}

impl Message {
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Message::Catalog(msg) => msg.render(lang),
            Message::Free(text) => text.clone(),
        }
    }
}

impl From<Msg> for Message {
    fn from(msg: Msg) -> Self {
        Message::Catalog(msg)
    }
}

impl From<&'static Text> for Message {
    fn from(text: &'static Text) -> Self {
        Message::Catalog(text.msg())
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message::Free(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Message::Free(text.to_string())
    }
}

/// One problem, located as precisely as the stage that found it can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The kind of problem (`P0114`), when it has one: stable, and explained by
    /// `passerelle explain`. Set from the message's catalog text, or with [`Diagnostic::code`].
    pub code: Option<Code>,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// The front matter field (or other element) concerned, empty when none.
    pub field: String,
    /// What is wrong, in English (as tests and code read it; see [`Diagnostic::message_in`]).
    pub message: String,
    /// What to do about it, in English (see [`Diagnostic::hint_in`]).
    pub hint: String,
    /// The catalog texts of the message and the hint, to write them in another language.
    /// Boxed: a `Diagnostic` travels in `Result`s, and stays small when it has none.
    #[serde(skip)]
    texts: Option<Box<Texts>>,
}

/// A diagnostic's catalog texts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Texts {
    message: Option<Msg>,
    hint: Option<Msg>,
}

impl Diagnostic {
    /// An error: `message` is a catalog text (`messages::DATE.with("found", …)`), whose
    /// code the diagnostic takes, or free text.
    pub fn error(file: impl Into<String>, message: impl Into<Message>) -> Self {
        let (code, message, texts) = match message.into() {
            Message::Catalog(msg) => (
                msg.code(),
                msg.render(Lang::En),
                Some(Box::new(Texts {
                    message: Some(msg),
                    hint: None,
                })),
            ),
            Message::Free(text) => (None, text, None),
        };
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.into(),
            line: 0,
            column: 0,
            field: String::new(),
            message,
            hint: String::new(),
            texts,
        }
    }

    /// An output file that could not be written.
    pub fn cannot_write(path: impl Into<String>, err: &std::io::Error) -> Self {
        Diagnostic::error(path, messages::CANNOT_WRITE.with("reason", err.to_string()))
            .hint(&messages::HINT_CANNOT_WRITE)
    }

    pub fn warning(file: impl Into<String>, message: impl Into<Message>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    pub fn hint(mut self, hint: impl Into<Message>) -> Self {
        let (hint, text) = match hint.into() {
            Message::Catalog(msg) => (msg.render(Lang::En), Some(msg)),
            Message::Free(text) => (text, None),
        };
        self.hint = hint;
        match (&mut self.texts, text) {
            (Some(texts), text) => texts.hint = text,
            (None, Some(text)) => {
                self.texts = Some(Box::new(Texts {
                    message: None,
                    hint: Some(text),
                }))
            }
            (None, None) => {}
        }
        self
    }

    /// Gives a problem stated in free text its code.
    pub fn code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// What is wrong, written in `lang`.
    pub fn message_in(&self, lang: Lang) -> String {
        match self.texts.as_ref().and_then(|t| t.message.as_ref()) {
            Some(msg) => msg.render(lang),
            None => self.message.clone(),
        }
    }

    /// What to do, written in `lang` (empty when there is no hint).
    pub fn hint_in(&self, lang: Lang) -> String {
        match self.texts.as_ref().and_then(|t| t.hint.as_ref()) {
            Some(msg) => msg.render(lang),
            None => self.hint.clone(),
        }
    }

    /// The catalog text of the message, when it has one.
    pub fn text(&self) -> Option<&'static Text> {
        let msg = self.texts.as_ref()?.message.as_ref()?;
        Some(msg.text)
    }

    /// The value given to argument `name` of the message, as written.
    fn argument(&self, name: &str) -> Option<String> {
        let msg = self.texts.as_ref()?.message.as_ref()?;
        msg.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, arg)| match arg {
                messages::Arg::Plain(text) => text.clone(),
                messages::Arg::Number(n) => n.to_string(),
                messages::Arg::Msg(msg) => msg.render(Lang::En),
            })
    }

    /// `error[P0114]` / `erreur[P0114]`, or without the code when there is none.
    pub fn label(&self, lang: Lang) -> String {
        let words = lang.words();
        let severity = match self.severity {
            Severity::Error => words.error,
            Severity::Warning => words.warning,
        };
        match self.code {
            Some(code) => format!("{severity}[{}]", code.id()),
            None => severity.to_string(),
        }
    }

    /// The line of the terminal report, in `lang`:
    /// `path:line:column: error[P0114]: field: message — help: hint` (in French,
    /// `erreur[P0114] : champ : message — aide : indice`). The location is written the
    /// same in both languages: editors and CI tools read it.
    pub fn render(&self, lang: Lang) -> String {
        let words = lang.words();
        let mut out = self.location();
        out.push_str(": ");
        out.push_str(&self.label(lang));
        out.push_str(words.colon);
        if !self.field.is_empty() {
            out.push_str(&self.field);
            out.push_str(words.colon);
        }
        out.push_str(&self.message_in(lang));
        let hint = self.hint_in(lang);
        if !hint.is_empty() {
            out.push_str(words.help);
            out.push_str(&hint);
        }
        out
    }

    /// `file:line:column`, as far as they are known.
    pub fn location(&self) -> String {
        let mut location = self.file.clone();
        if self.line > 0 {
            location.push_str(&format!(":{}", self.line));
            if self.column > 0 {
                location.push_str(&format!(":{}", self.column));
            }
        }
        location
    }
}

impl Diagnostic {
    /// The problem as a JSON object: `file`, `line`, `column` (`null` when unknown),
    /// `field`, `hint` (`null` when empty), `severity`, `code` (`null` when none) and
    /// `message`, the texts in `lang`.
    pub fn to_json_in(&self, lang: Lang) -> serde_json::Value {
        let known = |n: usize| (n > 0).then_some(n);
        let given = |s: String| (!s.is_empty()).then_some(s);
        serde_json::json!({
            "file": self.file,
            "line": known(self.line),
            "column": known(self.column).filter(|_| self.line > 0),
            "field": given(self.field.clone()),
            "severity": self.severity,
            "code": self.code.map(Code::id),
            "message": self.message_in(lang),
            "hint": given(self.hint_in(lang)),
        })
    }

    /// [`Diagnostic::to_json_in`] in English.
    pub fn to_json(&self) -> serde_json::Value {
        self.to_json_in(Lang::En)
    }

    /// [`Diagnostic::to_github_in`] in English.
    pub fn to_github(&self, prefix: &str) -> String {
        self.to_github_in(prefix, Lang::En)
    }

    /// The problem as a GitHub Actions workflow command:
    /// `::error file=…,line=…,col=…,title=…::message — hint`. `prefix` is the site's
    /// folder from the repository's root (`""` when the site is the repository), since
    /// GitHub places an annotation by its path in the repository.
    pub fn to_github_in(&self, prefix: &str, lang: Lang) -> String {
        let command = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = if prefix.is_empty() {
            self.file.clone()
        } else {
            format!("{}/{}", prefix.trim_end_matches('/'), self.file)
        };
        let mut properties = vec![format!("file={}", github_property(&file))];
        if self.line > 0 {
            properties.push(format!("line={}", self.line));
            if self.column > 0 {
                properties.push(format!("col={}", self.column));
            }
        }
        let mut title = match self.code {
            Some(code) => format!("passerelle {}", code.id()),
            None => "passerelle".to_string(),
        };
        if !self.field.is_empty() {
            title.push_str(": ");
            title.push_str(&self.field);
        }
        properties.push(format!("title={}", github_property(&title)));
        let mut message = self.message_in(lang);
        let hint = self.hint_in(lang);
        if !hint.is_empty() {
            message.push_str(" — ");
            message.push_str(&hint);
        }
        format!(
            "::{command} {}::{}",
            properties.join(","),
            github_data(&message)
        )
    }
}

/// The message of a workflow command: GitHub reads `%`, CR and LF as escapes and line ends,
/// so an author's "100 %" or a value holding a newline must be escaped to show as written.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property of a workflow command (`file=`, `title=`): `,` ends a property and `:` the
/// property list, so they are escaped as well as what the message escapes.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl fmt::Display for Diagnostic {
    /// The report's line in English (see [`Diagnostic::render`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// All problems of one build.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// A full disk or a read-only folder fails every file the same way: show the first few
    /// of each cause, then one line for the rest, instead of thousands of identical lines.
    pub fn summarise_write_errors(&mut self) {
        let mut by_cause: std::collections::BTreeMap<String, Vec<Diagnostic>> = Default::default();
        let mut kept = Vec::with_capacity(self.items.len());
        for item in self.items.drain(..) {
            match item.text() {
                Some(text) if std::ptr::eq(text, &messages::CANNOT_WRITE) => {
                    let cause = item.argument("reason").unwrap_or_default();
                    by_cause.entry(cause).or_default().push(item)
                }
                _ => kept.push(item),
            }
        }
        for (cause, mut failed) in by_cause {
            failed.sort_by(|a, b| a.file.cmp(&b.file));
            let more = failed.len().saturating_sub(WRITE_ERRORS_SHOWN);
            kept.extend(failed.into_iter().take(WRITE_ERRORS_SHOWN));
            if more > 0 {
                let files = if more == 1 {
                    &messages::FILE_ONE
                } else {
                    &messages::FILE_MANY
                };
                kept.push(
                    Diagnostic::error(
                        "output",
                        messages::CANNOT_WRITE_MORE
                            .with("count", more)
                            .with("files", files.msg())
                            .with("reason", cause),
                    )
                    .hint(&messages::HINT_CANNOT_WRITE),
                );
            }
        }
        self.items = kept;
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Errors as reported: the same problem found by several parallel jobs (a broken card
    /// partial, once per case study) counts once, as it prints once.
    pub fn error_count(&self) -> usize {
        self.sorted().into_iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.sorted().len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then position, then message, field and hint, so the report reads
    /// file by file and does not depend on the order in which parallel stages finished.
    /// (Without the hint, the errors of one template, which differ only by the page named
    /// in their hint, kept that order, and past `SHOWN_PER_FILE` the terminal and the
    /// preview's overlay showed different ones.)
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| {
            (
                &a.file, a.line, a.column, a.severity, &a.message, &a.field, &a.hint,
            )
                .cmp(&(
                    &b.file, b.line, b.column, b.severity, &b.message, &b.field, &b.hint,
                ))
        });
        items.dedup();
        items
    }

    /// The problems as shown to the author (terminal and preview overlay): sorted, at most
    /// `SHOWN_PER_FILE` for one file, then one line counting the others of that file.
    pub fn shown(&self) -> Vec<Diagnostic> {
        let mut shown = Vec::new();
        let sorted = self.sorted();
        for group in sorted.chunk_by(|a, b| a.file == b.file) {
            shown.extend(group.iter().take(SHOWN_PER_FILE).map(|d| (*d).clone()));
            let hidden = &group[group.len().min(SHOWN_PER_FILE)..];
            if let Some(first) = hidden.first() {
                let errors = hidden.iter().filter(|d| d.is_error()).count();
                let what = if errors > 0 {
                    &messages::MORE_PROBLEMS
                } else {
                    &messages::MORE_WARNINGS
                };
                let line = Diagnostic::error(first.file.clone(), what.with("count", hidden.len()))
                    .hint(&messages::HINT_MORE);
                shown.push(if errors > 0 {
                    line
                } else {
                    Diagnostic {
                        severity: Severity::Warning,
                        ..line
                    }
                });
            }
        }
        shown
    }

    /// Every problem (deduplicated and sorted as in the report, but none left out: tools
    /// filter for themselves) as one JSON array of [`Diagnostic::to_json`] objects.
    pub fn to_json_in(&self, lang: Lang) -> String {
        let items: Vec<serde_json::Value> =
            self.sorted().iter().map(|d| d.to_json_in(lang)).collect();
        serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
    }

    /// The problems as GitHub Actions workflow commands, one per line of the text report
    /// (see [`Diagnostic::to_github`] for `prefix`).
    pub fn github_report_in(&self, prefix: &str, lang: Lang) -> String {
        let mut out = String::new();
        for diagnostic in self.shown() {
            out.push_str(&diagnostic.to_github_in(prefix, lang));
            out.push('\n');
        }
        out
    }

    /// [`Diagnostics::to_json_in`] in English.
    pub fn to_json(&self) -> String {
        self.to_json_in(Lang::En)
    }

    /// [`Diagnostics::github_report_in`] in English.
    pub fn github_report(&self, prefix: &str) -> String {
        self.github_report_in(prefix, Lang::En)
    }

    /// [`Diagnostics::report_in`] in English (for tests and logs; what authors read is
    /// written in their language, see [`Lang::for_site`]).
    pub fn report(&self) -> String {
        self.report_in(Lang::En)
    }

    /// `2 error(s), 1 warning(s)`, in `lang`.
    pub fn summary(&self, lang: Lang) -> String {
        messages::SUMMARY
            .with("errors", self.error_count())
            .with("warnings", self.warning_count())
            .render(lang)
    }

    /// The report as printed in the terminal, in `lang`: one line per problem, then a
    /// summary line.
    pub fn report_in(&self, lang: Lang) -> String {
        let mut out = String::new();
        for diagnostic in self.shown() {
            out.push_str(&diagnostic.render(lang));
            out.push('\n');
        }
        if !self.is_empty() {
            out.push_str(&self.summary(lang));
            out.push('\n');
        }
        out
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, other: I) {
        self.items.extend(other);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A path relative to `root`, with `/` separators, for messages and URLs.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A count with its noun for terminal messages: "1 page", "2 pages".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_location_field_and_hint() {
        let d = Diagnostic::error("content/a.md", "unknown region `Estri`")
            .at(4, 9)
            .field("region")
            .hint("did you mean `Estrie`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:4:9: error: region: unknown region `Estri` — help: did you mean `Estrie`?"
        );
    }

    #[test]
    fn a_full_disk_is_summarised_not_listed_file_by_file() {
        let mut all = Diagnostics::new();
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        for n in 0..500 {
            all.push(Diagnostic::cannot_write(
                format!("p{n:03}/index.html"),
                &full,
            ));
        }
        all.push(Diagnostic::error("content/a.md", "other"));
        all.summarise_write_errors();
        let report = all.report();
        assert_eq!(
            report.lines().count(),
            1 + WRITE_ERRORS_SHOWN + 1 + 1,
            "{report}"
        );
        assert!(
            report.contains("497 more files for the same reason"),
            "{report}"
        );
        assert!(report.contains("content/a.md"), "{report}");
    }

    #[test]
    fn many_problems_in_one_file_are_counted_not_listed() {
        let mut all = Diagnostics::new();
        for n in 1..=20_000 {
            all.push(Diagnostic::error("content/a.md", format!("bad value {n}")).at(n, 1));
        }
        all.push(Diagnostic::error("content/b.md", "other").at(1, 1));
        let report = all.report();
        assert_eq!(
            report.lines().count(),
            SHOWN_PER_FILE + 1 + 1 + 1,
            "{report}"
        );
        assert!(
            report.contains(
                "content/a.md: error[P0901]: 19950 more problems in this file are not shown"
            ),
            "{report}"
        );
        assert!(
            report.contains("content/b.md:1:1: error: other"),
            "{report}"
        );
        assert!(
            report.ends_with("20001 error(s), 0 warning(s)\n"),
            "{report}"
        );
    }

    #[test]
    fn github_commands_escape_percent_newlines_and_property_separators() {
        let d = Diagnostic::error("content/a,b:c.md", "100% sure\nsecond line\r")
            .at(3, 7)
            .field("funding.amount")
            .hint("write 50%");
        assert_eq!(
            d.to_github("site"),
            "::error file=site/content/a%2Cb%3Ac.md,line=3,col=7,title=passerelle%3A funding.amount::100%25 sure%0Asecond line%0D — write 50%25"
        );
        let w = Diagnostic::warning("config.yaml", "x");
        assert_eq!(
            w.to_github(""),
            "::warning file=config.yaml,title=passerelle::x"
        );
    }

    #[test]
    fn json_has_every_field_with_null_for_what_is_unknown() {
        let d = Diagnostic::error("content/a.md", "bad").at(2, 0);
        let json = d.to_json();
        assert_eq!(json["file"], "content/a.md");
        assert_eq!(json["line"], 2);
        assert!(json["column"].is_null() && json["field"].is_null() && json["hint"].is_null());
        assert_eq!(json["severity"], "error");
        assert!(json["code"].is_null());
    }

    #[test]
    fn a_catalog_message_carries_its_code_and_is_written_in_the_readers_language() {
        let d = Diagnostic::error("content/a.md", messages::DATE.with("found", "mars 2022"))
            .at(7, 7)
            .field("date")
            .hint(&messages::HINT_DATE_FORMAT);
        assert_eq!(d.code, Some(Code::DateFormat));
        assert_eq!(
            d.render(Lang::En),
            "content/a.md:7:7: error[P0114]: date: expected a date as YYYY-MM-DD, found `mars 2022` — help: write the date as year-month-day, e.g. 2022-03-15"
        );
        assert_eq!(
            d.render(Lang::Fr),
            "content/a.md:7:7: erreur[P0114]\u{a0}: date\u{a0}: date attendue au format AAAA-MM-JJ, trouvé «\u{a0}mars 2022\u{a0}» — aide\u{a0}: écrivez la date sous la forme année-mois-jour, p. ex. 2022-03-15"
        );
        let json = d.to_json_in(Lang::Fr);
        assert_eq!(json["code"], "P0114");
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .starts_with("date attendue")
        );
        assert!(d.to_github("").contains("title=passerelle P0114%3A date::"));
    }

    #[test]
    fn report_is_sorted_by_file_then_line() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::error("b.md", "two").at(1, 1));
        all.push(Diagnostic::error("a.md", "late").at(9, 1));
        all.push(Diagnostic::warning("a.md", "early").at(2, 1));
        let report = all.report();
        let lines: Vec<&str> = report.lines().collect();
        assert!(lines[0].starts_with("a.md:2:1"));
        assert!(lines[1].starts_with("a.md:9:1"));
        assert!(lines[2].starts_with("b.md:1:1"));
        assert_eq!(lines[3], "2 error(s), 1 warning(s)");
    }
}
