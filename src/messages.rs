//! One catalog for every message Passerelle shows an author: each kind of problem has a
//! stable code (`P0114`), its texts in French and English with named arguments, and an
//! explanation with a real example (`passerelle explain P0114`).
//!
//! A diagnostic keeps the catalog text and its arguments, not a finished sentence, and is
//! written out in the author's language only where it is shown (terminal, preview overlay,
//! JSON, GitHub annotations, the /proposer/ form): the stage that finds a problem does not
//! need to know who reads it, and `config.yaml`'s own errors (found before its `language`
//! is known) are translated like any other.

mod catalog;

pub use catalog::*;

use std::fmt;
use std::path::Path;

/// The languages messages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

/// The environment variable with which an author picks the messages' language.
pub const LANG_VARIABLE: &str = "PASSERELLE_LANG";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// `fr`, `FR`, `fr_CA.UTF-8`, `en-US`…: the language of the first two letters, when it
    /// is one of ours.
    pub fn parse(text: &str) -> Option<Lang> {
        let head = text.trim().get(..2)?.to_ascii_lowercase();
        let rest = text.trim().get(2..).unwrap_or_default();
        if !(rest.is_empty() || rest.starts_with(['_', '-', '.', '@'])) {
            return None;
        }
        match head.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the messages for the site in `root`: `PASSERELLE_LANG` when it names
    /// `fr` or `en`; else French when config.yaml's `language` is French, English for any
    /// other; and only when there is no readable config.yaml, the system's `LANG` (its first
    /// two letters, if `fr` or `en`), else English. `LANG` comes last on purpose: the same
    /// site gives the same messages on every machine, in tests and in CI.
    pub fn for_site(root: &Path) -> Lang {
        let variable = |name: &str| std::env::var(name).ok();
        Lang::choose(
            variable(LANG_VARIABLE).as_deref(),
            site_language(root).as_deref(),
            variable("LANG").as_deref(),
        )
    }

    /// [`Lang::for_site`] from what it reads: the variable, the site's `language` (`None`
    /// when config.yaml cannot be read) and `LANG`.
    pub fn choose(asked: Option<&str>, site: Option<&str>, system: Option<&str>) -> Lang {
        if let Some(lang) = asked.and_then(Lang::parse) {
            return lang;
        }
        match site {
            Some(site) => match Lang::parse(site) {
                Some(Lang::Fr) => Lang::Fr,
                _ => Lang::En,
            },
            None => system.and_then(Lang::parse).unwrap_or(Lang::En),
        }
    }
}

/// config.yaml's `language`, read leniently: a config with other errors still says which
/// language its author writes in. `None` when there is no config.yaml or it is not YAML.
fn site_language(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).ok()?;
    let value: serde_yaml::Value = crate::yaml::parse(&text, 1).ok()?;
    match value.get("language") {
        Some(serde_yaml::Value::String(language)) => Some(language.clone()),
        // No `language:`: the default one, that of config.yaml's own default.
        _ => Some(crate::config::default_language()),
    }
}

/// One text of the catalog, in both languages. `{name}` marks an argument.
#[derive(Debug, PartialEq, Eq)]
pub struct Text {
    /// Its name in the catalog (the constant's name), for tests and messages about it.
    pub id: &'static str,
    /// The kind of problem it states, for a diagnostic's message; `None` for hints and the
    /// pieces that other texts are made of.
    pub code: Option<Code>,
    pub en: &'static str,
    pub fr: &'static str,
}

impl Text {
    pub fn template(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }

    /// The text with no argument.
    pub fn msg(&'static self) -> Msg {
        Msg {
            text: self,
            args: Vec::new(),
        }
    }

    /// The text with one argument.
    pub fn with(&'static self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.msg().with(name, value)
    }

    /// The names of the arguments of a template, in order of appearance (`{{` is a `{`).
    pub fn arguments(template: &str) -> Vec<&str> {
        pieces(template)
            .into_iter()
            .filter_map(|piece| match piece {
                Piece::Argument(name) => Some(name),
                Piece::Literal(_) => None,
            })
            .collect()
    }
}

/// A part of a template: text as it is, or the name of an argument.
enum Piece<'t> {
    Literal(&'t str),
    Argument(&'t str),
}

/// A template cut at its arguments: `{name}` is an argument, `{{` and `}}` are braces.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find(['{', '}']) {
        let (before, from) = rest.split_at(start);
        if !before.is_empty() {
            out.push(Piece::Literal(before));
        }
        if let Some(after) = from.strip_prefix("{{") {
            out.push(Piece::Literal("{"));
            rest = after;
        } else if let Some(after) = from.strip_prefix("}}") {
            out.push(Piece::Literal("}"));
            rest = after;
        } else if let Some(after) = from.strip_prefix('{')
            && let Some((name, after)) = after.split_once('}')
        {
            out.push(Piece::Argument(name));
            rest = after;
        } else {
            // A lone brace: shown as written (a test keeps the catalog free of them).
            let (brace, after) = from.split_at(1);
            out.push(Piece::Literal(brace));
            rest = after;
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest));
    }
    out
}

/// French typography for a catalog text: a no-break space (U+00A0) before `:` `;` `!` `?`
/// and inside « », so that a line never breaks before them. Applied to the templates only,
/// never to what the author wrote.
pub fn french_spacing(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            (' ', Some(':' | ';' | '!' | '?' | '»')) => out.push('\u{a0}'),
            ('«', Some(' ')) => {
                chars.next();
                out.push_str("«\u{a0}");
            }
            _ => out.push(c),
        }
    }
    out
}

/// A value given to a text.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Shown as it is: what the author wrote, a file name, a system's error.
    Plain(String),
    /// A number, written as the language writes numbers (`10 000` / `10,000`).
    Number(f64),
    /// Another text of the catalog, in the same language.
    Msg(Box<Msg>),
}

impl PartialEq for Arg {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Arg::Plain(a), Arg::Plain(b)) => a == b,
            (Arg::Number(a), Arg::Number(b)) => a.to_bits() == b.to_bits(),
            (Arg::Msg(a), Arg::Msg(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Arg {}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Plain(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Plain(value.to_string())
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Plain(value.clone())
    }
}

impl From<Msg> for Arg {
    fn from(value: Msg) -> Self {
        Arg::Msg(Box::new(value))
    }
}

macro_rules! plain_from_display {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Self {
                Arg::Plain(value.to_string())
            }
        }
    )*};
}
plain_from_display!(usize, u32, u64, i32, i64, char);

/// A text of the catalog with its arguments: a message not yet written in a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub text: &'static Text,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The message written in `lang`. An argument the template names but was not given
    /// stays as `{name}` (a test checks that none is missing).
    pub fn render(&self, lang: Lang) -> String {
        let template = match lang {
            Lang::Fr => french_spacing(self.text.fr),
            Lang::En => self.text.en.to_string(),
        };
        let mut out = String::with_capacity(template.len() + 32);
        for piece in pieces(&template) {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Argument(name) => match self.args.iter().find(|(n, _)| *n == name) {
                    Some((_, Arg::Plain(value))) => out.push_str(value),
                    Some((_, Arg::Number(n))) => {
                        out.push_str(&crate::format::number(*n, lang.code()))
                    }
                    Some((_, Arg::Msg(msg))) => out.push_str(&msg.render(lang)),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    pub fn code(&self) -> Option<Code> {
        self.text.code
    }
}

/// "1 case study" / "3 études de cas": `one` or `many` with `count`.
pub fn counted(count: usize, one: &'static Text, many: &'static Text) -> Msg {
    let text = if count == 1 { one } else { many };
    text.with("count", count)
}

impl fmt::Display for Msg {
    /// In English, as the code and its tests read messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Words of the report around the messages, in each language.
pub struct Words {
    pub error: &'static str,
    pub warning: &'static str,
    /// Between the severity and the field, and the field and the message: `: ` / ` : `.
    pub colon: &'static str,
    /// Before the hint.
    pub help: &'static str,
}

impl Lang {
    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &Words {
                error: "error",
                warning: "warning",
                colon: ": ",
                help: " — help: ",
            },
            // French puts a no-break space before `:` (U+00A0 everywhere in our texts).
            Lang::Fr => &Words {
                error: "erreur",
                warning: "avertissement",
                colon: "\u{a0}: ",
                help: " — aide\u{a0}: ",
            },
        }
    }
}

/// What a code stands for, for `passerelle explain`.
#[derive(Debug)]
pub struct CodeEntry {
    /// `P0114`: never changed, never reused.
    pub id: &'static str,
    /// A short name that says what the code is about (`date-format`).
    pub name: &'static str,
    /// One line for the list of codes, `[fr, en]`.
    pub summary: [&'static str; 2],
    /// What it means, why it matters, how to fix it, `[fr, en]`.
    pub text: [&'static str; 2],
    pub example: Option<Example>,
}

impl serde::Serialize for Code {
    /// As its id, `"P0114"`: what tools match on.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// A file that gives the problem, and the same file fixed. For `config.yaml`, the lines are
/// merged into the site's configuration (mappings key by key, a list replacing the list);
/// any other file is written whole.
#[derive(Debug)]
pub struct Example {
    pub file: &'static str,
    pub bad: &'static str,
    pub fixed: &'static str,
}

impl CodeEntry {
    fn index(lang: Lang) -> usize {
        match lang {
            Lang::Fr => 0,
            Lang::En => 1,
        }
    }

    /// The one-line summary, written in `lang`.
    pub fn summary(&self, lang: Lang) -> String {
        typeset(self.summary[Self::index(lang)], lang)
    }

    /// The explanation, written in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        typeset(self.text[Self::index(lang)], lang)
    }
}

impl Code {
    /// `P0114`.
    pub fn id(self) -> &'static str {
        self.entry().id
    }

    /// The code written `P0114` or `p0114` (or `0114`), if it exists.
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim();
        Code::ALL.iter().copied().find(|code| {
            let id = code.id();
            text.eq_ignore_ascii_case(id)
                || id.get(1..) == Some(text)
                || text.eq_ignore_ascii_case(code.entry().name)
        })
    }

    /// What `passerelle explain CODE` prints.
    pub fn explain(self, lang: Lang) -> String {
        let e = self.entry();
        let colon = lang.words().colon;
        let mut out = format!(
            "{} ({}){colon}{}\n\n{}\n",
            e.id,
            e.name,
            e.summary(lang),
            wrap(&e.text(lang), EXPLAIN_WIDTH)
        );
        if let Some(example) = &e.example {
            let (bad, fixed, merged) = match lang {
                Lang::Fr => (
                    "Exemple qui donne ce problème",
                    "Corrigé",
                    " (à fusionner dans la configuration ; une liste y remplace celle du même nom)",
                ),
                Lang::En => (
                    "Example that gives this problem",
                    "Fixed",
                    " (merged into the configuration; a list replaces the one of the same name)",
                ),
            };
            let merged = if example.file == crate::config::CONFIG_FILE {
                merged
            } else {
                ""
            };
            let colon = colon.trim_end();
            let empty = match lang {
                Lang::Fr => "(fichier vide)",
                Lang::En => "(empty file)",
            };
            let shown = |text: &str| indent(if text.is_empty() { empty } else { text });
            out.push_str(&format!(
                "\n{bad}, {}{merged}{colon}\n\n{}\n{fixed}{colon}\n\n{}",
                example.file,
                shown(example.bad),
                shown(example.fixed)
            ));
        }
        out
    }
}

/// A catalog text as written in `lang` (French spacing in French).
fn typeset(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => french_spacing(text),
        Lang::En => text.to_string(),
    }
}

/// Columns of an explanation's text, as `rustc --explain` keeps them readable.
const EXPLAIN_WIDTH: usize = 90;

/// `text` broken into lines of at most `width` characters, at plain spaces only: a
/// no-break space keeps `erreur :` or `« valeur »` together.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width + 1);
    let mut column = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        if column > 0 && column + 1 + len > width {
            out.push('\n');
            column = 0;
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}
