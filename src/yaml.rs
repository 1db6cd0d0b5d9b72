//! The YAML that authors write (front matter, `config.yaml`): parsed with bounded nesting,
//! and located, since the values serde_yaml returns carry no positions.
//!
//! Both `config` and `validate` read author YAML; what they share (the nesting limit, the
//! duplicate-key position, finding a field's line) lives here so that a config error and a
//! front matter error are located the same way.

use crate::messages::{self, Msg};
use serde::de::DeserializeOwned;

/// Deepest nesting of lists and fields accepted. Real front matter nests three levels
/// (`funding` → item → `amount`) and `config.yaml` five; serde_yaml stops at 128, but only
/// after its parser has read the whole text, which takes 39 s for 100,000 `[`. The text is
/// measured first, in one linear pass, and refused past this depth.
pub const MAX_NESTING: usize = 32;

/// A YAML problem, located in the file (1-based line and column; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    /// The field concerned, when known (`funding[2].program`).
    pub field: String,
    pub kind: YamlErrorKind,
    pub message: Msg,
    /// `None` when the caller's general advice fits best.
    pub hint: Option<Msg>,
}

/// What a YAML problem is, for the caller to say it in its own terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not YAML, too deep, or not of the shape the caller reads (`message` is the reason).
    Syntax,
    /// A key written twice (`message` is complete).
    Duplicate,
}

/// Parses `text`, whose first line is line `first_line` of its file.
pub fn parse<T: DeserializeOwned>(text: &str, first_line: usize) -> Result<T, YamlError> {
    if let Some((line, column)) = too_deep(text) {
        return Err(YamlError {
            line: first_line + line - 1,
            column,
            field: String::new(),
            kind: YamlErrorKind::Syntax,
            message: messages::YAML_TOO_DEEP.with("max", MAX_NESTING),
            hint: Some(messages::HINT_YAML_TOO_DEEP.msg()),
        });
    }
    serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = message(&err);
        if let Some(duplicate) = duplicate_key(text, first_line, &message, line, column) {
            return duplicate;
        }
        let hint = if message.contains("repetition limit") {
            Some(messages::HINT_YAML_ALIASES.msg())
        } else if message.contains("recursion limit") {
            Some(messages::HINT_YAML_RECURSION.msg())
        } else {
            None
        };
        YamlError {
            line: first_line + line - 1,
            column,
            field: String::new(),
            kind: YamlErrorKind::Syntax,
            // serde_yaml speaks English only: its words are kept, and said to be its own.
            message: messages::YAML_PARSER.with("reason", message),
            hint,
        }
    })
}

/// serde_yaml's message without its own " at line X column Y" (the position is printed
/// separately).
fn message(err: &serde_yaml::Error) -> String {
    let message = err.to_string();
    match message.split_once(" at line ") {
        Some((text, _)) => text.to_string(),
        None => message,
    }
}

/// serde_yaml reports a repeated key at the start of its mapping (line 2 for the front
/// matter) as `PATH: duplicate entry with key "name"` or ``PATH: duplicate field `name` ``. Finds the repeated key's own line,
/// and the first occurrence's, among the keys of that mapping.
fn duplicate_key(
    text: &str,
    first_line: usize,
    message: &str,
    line: usize,
    column: usize,
) -> Option<YamlError> {
    // The first from a `Mapping` (front matter), the second from a struct (config.yaml).
    let (path, key) = match message.split_once("duplicate entry with key ") {
        Some((path, key)) => (path, unquote_key(key)?),
        None => {
            let (path, key) = message.split_once("duplicate field `")?;
            (path, key.strip_suffix('`')?.to_string())
        }
    };
    let found = mapping_keys(text, line, column, &key);
    let [(first, _), (again, again_column), ..] = found.as_slice() else {
        return None;
    };
    let path = one_based_indexes(path.trim_end_matches(": ").trim());
    let field = if path.is_empty() {
        key.clone()
    } else {
        format!("{path}.{key}")
    };
    Some(YamlError {
        line: first_line + again - 1,
        column: *again_column,
        field,
        kind: YamlErrorKind::Duplicate,
        message: messages::WRITTEN_TWICE
            .with("key", &key)
            .with("line", first_line + first - 1),
        hint: Some(messages::HINT_WRITTEN_TWICE.with("key", &key)),
    })
}

/// The key as written in serde_yaml's message: `"name"` (Rust debug quoting), `` `true` ``
/// or a number. Keys with escapes other than `\"` and `\\` are not looked for.
fn unquote_key(shown: &str) -> Option<String> {
    let shown = shown.trim();
    if let Some(inner) = shown.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        let mut key = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some(escaped @ ('"' | '\\')) => key.push(escaped),
                    _ => return None,
                }
            } else {
                key.push(c);
            }
        }
        return Some(key);
    }
    if let Some(inner) = shown.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        return Some(inner.to_string());
    }
    (!shown.is_empty()).then(|| shown.to_string())
}

/// serde_yaml counts list items from 0 (`funding[1]`); our messages count from 1, like
/// authors do (`funding[2]`).
fn one_based_indexes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut number: Option<String> = None;
    for c in path.chars() {
        match (&mut number, c) {
            (None, '[') => {
                out.push('[');
                number = Some(String::new());
            }
            (Some(digits), ']') => {
                match digits.parse::<usize>() {
                    Ok(n) => out.push_str(&(n + 1).to_string()),
                    Err(_) => out.push_str(digits),
                }
                out.push(']');
                number = None;
            }
            (Some(digits), c) => digits.push(c),
            (None, c) => out.push(c),
        }
    }
    if let Some(digits) = number {
        out.push_str(&digits);
    }
    out
}

/// Positions (1-based line and column in `text`) of `key` among the keys of the mapping
/// that starts at `line`:`column`, in order; the first two are enough.
fn mapping_keys(text: &str, line: usize, column: usize, key: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.get(line.wrapping_sub(1)) else {
        return Vec::new();
    };
    let key_column = column.saturating_sub(1);
    let mut start_chars = start.chars().skip(key_column).peekable();
    if start_chars.peek() == Some(&'{') {
        return flow_mapping_keys(&lines, line - 1, key_column, key);
    }
    let mut found = Vec::new();
    if key_at(&start_chars.collect::<String>(), key) {
        found.push((line, column));
    }
    for (index, text) in lines.iter().enumerate().skip(line) {
        let trimmed = text.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = text.chars().take_while(|&c| c == ' ').count();
        if indent < key_column {
            break;
        }
        if indent == key_column && key_at(trimmed, key) {
            found.push((index + 1, indent + 1));
            if found.len() == 2 {
                break;
            }
        }
    }
    found
}

/// Keys of a `{a: 1, b: 2}` mapping starting at `lines[line]`, char `column`.
fn flow_mapping_keys(lines: &[&str], line: usize, column: usize, key: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut expect_key = false;
    for (index, text) in lines.iter().enumerate().skip(line) {
        let chars: Vec<char> = text.chars().collect();
        let from = if index == line { column } else { 0 };
        for at in from..chars.len() {
            let c = chars[at];
            if let Some(q) = quote {
                if c == q {
                    quote = None;
                }
                continue;
            }
            if expect_key && !c.is_whitespace() {
                expect_key = false;
                if depth == 1 {
                    // Enough of the text for the key, its quotes and the colon: copying the
                    // rest of a long line for every key would be quadratic.
                    let rest: String = chars.iter().skip(at).take(key.len() + 64).collect();
                    if key_at(&rest, key) {
                        found.push((index + 1, at + 1));
                        if found.len() == 2 {
                            return found;
                        }
                    }
                }
            }
            match c {
                '"' | '\'' => quote = Some(c),
                '{' | '[' => {
                    depth += 1;
                    expect_key = c == '{';
                }
                '}' | ']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return found;
                    }
                }
                ',' => expect_key = depth == 1,
                _ => {}
            }
        }
    }
    found
}

/// Whether `text` starts with the mapping key `key` (plain or quoted) followed by `:`.
fn key_at(text: &str, key: &str) -> bool {
    let (quote, rest) = match text.chars().next() {
        Some(q @ ('"' | '\'')) => (Some(q), text.get(1..).unwrap_or_default()),
        _ => (None, text),
    };
    let Some(mut rest) = rest.strip_prefix(key) else {
        return false;
    };
    if let Some(q) = quote {
        match rest.strip_prefix(q) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest.trim_start_matches([' ', '\t']).starts_with(':')
}

/// The first place (1-based line and column) where `text` nests deeper than
/// [`MAX_NESTING`], counting indentation levels, `- ` items opened on one line and flow
/// `[`/`{`. Linear in the text. It may count a bracket inside plain text (`a: b [c`) as
/// nesting: that errs on the safe side, at a depth no real front matter reaches.
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
    if depth_bound(text) <= MAX_NESTING {
        return None;
    }
    let mut indents: Vec<usize> = Vec::new();
    // Open `[`/`{`, and the block depth of the line that opened the first one.
    let mut flow = 0usize;
    let mut flow_base = 0usize;
    let mut quote: Option<char> = None;
    // Indentation of the line that opened a `|` or `>` block scalar: deeper lines are text.
    let mut block_scalar: Option<usize> = None;
    // One buffer for every line: this runs on every front matter of the site.
    let mut chars: Vec<char> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        chars.clear();
        chars.extend(line.chars());
        let indent = chars.iter().take_while(|&&c| c == ' ').count();
        let continuing = flow > 0 || quote.is_some();
        let mut depth = indents.len();
        if !continuing {
            let blank = chars.get(indent).is_none_or(|&c| c == '#');
            if let Some(parent) = block_scalar {
                if blank || indent > parent {
                    continue;
                }
                block_scalar = None;
            }
            if blank {
                continue;
            }
            while indents.last().is_some_and(|&top| top > indent) {
                indents.pop();
            }
            if indents.last().is_none_or(|&top| top < indent) {
                indents.push(indent);
            }
            depth = indents.len();
        }
        // Only item and key indicators seen so far on this line (`- - ` nests twice).
        let mut line_start = !continuing;
        let mut previous: Option<char> = None;
        let mut after_space = true;
        let mut escaped = false;
        let mut at = indent.min(chars.len());
        if continuing {
            at = 0;
        }
        while at < chars.len() {
            let c = chars[at];
            let next = chars.get(at + 1).copied();
            at += 1;
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if q == '"' && c == '\\' {
                    escaped = true;
                } else if c == q {
                    if q == '\'' && next == Some('\'') {
                        at += 1;
                    } else {
                        quote = None;
                    }
                }
                previous = Some(c);
                after_space = false;
                continue;
            }
            if c == ' ' || c == '\t' {
                after_space = true;
                continue;
            }
            let token_start = after_space || matches!(previous, Some('[' | '{' | ','));
            let value_start =
                previous.is_none() || matches!(previous, Some('-' | ':' | '?' | '[' | '{' | ','));
            let indicator =
                flow == 0 && line_start && matches!(c, '-' | '?') && next.is_none_or(|n| n == ' ');
            line_start = indicator;
            match c {
                '#' if after_space => break,
                _ if indicator => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Some((index + 1, at));
                    }
                }
                '"' | '\'' if token_start && value_start => quote = Some(c),
                '[' | '{' if flow > 0 || (token_start && value_start) => {
                    if flow == 0 {
                        flow_base = depth;
                    }
                    flow += 1;
                    if flow_base + flow > MAX_NESTING {
                        return Some((index + 1, at));
                    }
                }
                ']' | '}' if flow > 0 => flow -= 1,
                _ => {}
            }
            previous = Some(c);
            after_space = false;
        }
        if depth > MAX_NESTING {
            return Some((index + 1, indent + 1));
        }
        if flow == 0 && quote.is_none() && opens_block_scalar(line) {
            block_scalar = Some(indent);
        }
    }
    None
}

/// A depth [`too_deep`] cannot exceed, found in one quick pass over the bytes: every level
/// it counts is an indentation (at most the widest indentation plus one), a `-` or `?`
/// followed by a space or the end of a line, or a `[` or `{`. Front matter is far below
/// the limit, so the exact reading (a tenth of validation's CPU) is done only past it.
fn depth_bound(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut widest = 0;
    let mut indent = Some(0);
    let mut openings = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'\n' => {
                indent = Some(0);
                continue;
            }
            b' ' => {
                if let Some(spaces) = &mut indent {
                    *spaces += 1;
                    widest = widest.max(*spaces);
                }
                continue;
            }
            b'[' | b'{' => openings += 1,
            b'-' | b'?' if matches!(bytes.get(at + 1), None | Some(b' ' | b'\n' | b'\r')) => {
                openings += 1;
            }
            _ => {}
        }
        indent = None;
    }
    widest + 1 + openings
}

/// Whether a line ends with a block scalar header (`key: |`, `- >-`, `text: |2`).
fn opens_block_scalar(line: &str) -> bool {
    let content = match line.split_once(" #") {
        Some((before, _)) => before,
        None => line,
    };
    let Some(last) = content.split_whitespace().last() else {
        return false;
    };
    let mut header = last.chars();
    matches!(header.next(), Some('|' | '>')) && header.all(|c| matches!(c, '-' | '+' | '1'..='9'))
}

/// A path inside a YAML document: `funding[1].amount`.
#[derive(Debug, Clone)]
pub enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `funding[2].amount`: keys joined by dots, list items counted from 1.
pub fn path_label(path: &[Segment]) -> String {
    let mut label = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !label.is_empty() {
                    label.push('.');
                }
                label.push_str(key);
            }
            Segment::Index(i) => label.push_str(&format!("[{}]", i + 1)),
        }
    }
    label
}

/// Finds where a field sits in YAML text, since YAML values carry no positions.
/// Works on the indentation structure: a top-level key, the n-th `- ` item under it, a key
/// inside that item, and optionally the column of a given value text.
pub struct Locator<'a> {
    lines: Vec<&'a str>,
    /// Line of the file where the text starts.
    pub first_line: usize,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str, first_line: usize) -> Self {
        Locator {
            lines: text.lines().collect(),
            first_line,
        }
    }

    fn key_line(&self, key: &str, from: usize, to: usize, indent: Option<usize>) -> Option<usize> {
        (from..to).find(|&i| {
            let line = self.lines[i];
            if indent.is_some_and(|want| indent_of(line) != want) {
                return false;
            }
            key_at(line.trim_start_matches([' ', '-']), key)
        })
    }

    fn block_end(&self, start: usize, indent: usize) -> usize {
        (start + 1..self.lines.len())
            .find(|&i| {
                let line = self.lines[i];
                let trimmed = line.trim_start();
                let blank_or_comment = trimmed.is_empty() || trimmed.starts_with('#');
                let deeper = indent_of(line) > indent;
                // A top-level key's block list may start at column 0 (`- item`).
                let top_level_item = indent == 0 && trimmed.starts_with("- ");
                !(blank_or_comment || deeper || top_level_item)
            })
            .unwrap_or(self.lines.len())
    }

    /// 1-based (line, column) in the file.
    pub fn locate(&self, path: &[Segment], needle: Option<&str>) -> (usize, usize) {
        let mut line = None;
        let mut from = 0;
        let mut to = self.lines.len();
        let mut indent = Some(0);
        for segment in path {
            match segment {
                Segment::Key(key) => {
                    let Some(found) = self.key_line(key, from, to, indent) else {
                        break;
                    };
                    line = Some(found);
                    to = self.block_end(found, indent_of(self.lines[found]));
                    from = found;
                    indent = None;
                }
                Segment::Index(index) => {
                    let items: Vec<usize> = (from + 1..to)
                        .filter(|&i| self.lines[i].trim_start().starts_with('-'))
                        .collect();
                    if let Some(&item) = items.get(*index) {
                        let next = items.get(index + 1).copied().unwrap_or(to);
                        line = Some(item);
                        from = item;
                        to = next;
                    }
                }
            }
        }
        let Some(line) = line else {
            return (self.first_line, 1);
        };
        if let Some(needle) = needle.filter(|n| !n.is_empty()) {
            for i in line..to.max(line + 1).min(self.lines.len()) {
                if let Some((before, _)) = self.lines[i].split_once(needle) {
                    return (self.first_line + i, before.chars().count() + 1);
                }
            }
        }
        let text = self.lines[line];
        let column = text.len() - text.trim_start_matches([' ', '-']).len() + 1;
        (self.first_line + line, column)
    }
}

/// A YAML value on one line, in flow style: `[a, b]`, `{program: PAC, amount: 0}`.
pub(crate) fn flow(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::Null => "null".into(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(text) => flow_scalar(text),
        serde_yaml::Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        serde_yaml::Value::Mapping(mapping) => {
            let pairs: Vec<String> = mapping
                .iter()
                .map(|(key, value)| format!("{}: {}", flow(key), flow(value)))
                .collect();
            format!("{{{}}}", pairs.join(", "))
        }
        serde_yaml::Value::Tagged(tagged) => flow(&tagged.value),
    }
}

/// A string as a YAML scalar that reads back as the same string inside `[…]` or `{…}` too:
/// plain when YAML allows it (`Gaspé`, `Organisme d’accueil local`), else double-quoted.
pub(crate) fn flow_scalar(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_yaml::Value;

    #[test]
    fn locator_finds_nested_items() {
        let text = "title: A\nfunding:\n  - program: PAC\n    amount: 5\n  - program: X\n    amount: beaucoup\nthemes: [a, zzz]\n";
        let locator = Locator::new(text, 2);
        assert_eq!(locator.locate(&[Segment::Key("title")], None), (2, 1));
        assert_eq!(
            locator.locate(
                &[
                    Segment::Key("funding"),
                    Segment::Index(1),
                    Segment::Key("amount")
                ],
                Some("beaucoup")
            ),
            (7, 13)
        );
        assert_eq!(
            locator.locate(&[Segment::Key("themes"), Segment::Index(1)], Some("zzz")),
            (8, 13)
        );
    }

    #[test]
    fn duplicate_key_is_reported_at_its_own_line() {
        let text = "title: A\ndate: 2024-01-01\nsummary: s\ntitle: B\n";
        let err = parse::<Value>(text, 2).unwrap_err();
        assert_eq!((err.line, err.column), (5, 1), "{err:?}");
        assert_eq!(err.field, "title");
        assert!(
            err.message.to_string().contains("first on line 2"),
            "{err:?}"
        );
    }

    #[test]
    fn duplicate_key_in_a_list_item_and_in_a_flow_mapping() {
        let text = "funding:\n  - program: PAC\n  - program: FARR\n    amount: 5\n    program: X\n";
        let err = parse::<Value>(text, 1).unwrap_err();
        assert_eq!((err.line, err.column), (5, 5), "{err:?}");
        assert_eq!(err.field, "funding[2].program");
        assert!(
            err.message.to_string().contains("first on line 3"),
            "{err:?}"
        );

        let text = "title: A\nperiod: {start: 2024-01-01, \"start\": 2024-02-01}\n";
        let err = parse::<Value>(text, 1).unwrap_err();
        assert_eq!((err.line, err.column), (2, 29), "{err:?}");
        assert!(
            err.message.to_string().contains("first on line 2"),
            "{err:?}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        for text in [
            format!("title: {}", "[".repeat(100_000)),
            format!("title: {}", "{a: ".repeat(100_000)),
            format!("{}x", "- ".repeat(100_000)),
            (0..100)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect(),
        ] {
            let started = std::time::Instant::now();
            let err = parse::<Value>(&text, 1).unwrap_err();
            assert!(
                err.message.to_string().contains("nested more than"),
                "{err:?}"
            );
            assert!(started.elapsed().as_secs() < 1);
        }
    }

    #[test]
    fn the_quick_bound_never_hides_a_text_just_past_the_limit() {
        // Indentation levels, then `- ` items, then `[`: the depth is their sum plus one
        // for the last line, and every split of it must be judged as the full reading does.
        for depth in MAX_NESTING - 2..=MAX_NESTING + 2 {
            for levels in [0, 1, depth / 3, depth - 1] {
                for items in [0, 1, (depth - 1 - levels) / 2] {
                    let Some(brackets) = (depth - 1 - levels).checked_sub(items) else {
                        continue;
                    };
                    let mut text: String = (0..levels)
                        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                        .collect();
                    text.push_str(&" ".repeat(levels));
                    text.push_str(&"- ".repeat(items));
                    text.push_str(&format!(
                        "{}1{}\n",
                        "[".repeat(brackets),
                        "]".repeat(brackets)
                    ));
                    assert_eq!(
                        too_deep(&text).is_some(),
                        depth > MAX_NESTING,
                        "depth {depth}: {levels} levels, {items} items, {brackets} brackets"
                    );
                }
            }
        }
    }

    #[test]
    fn ordinary_yaml_is_not_counted_as_deep() {
        let text = concat!(
            "title: \"L’accueil [pilote] de {Sherbrooke}\"\n",
            "summary: Un texte [entre crochets] et d'autres {accolades}\n",
            "body: |\n",
            "  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
            "                                          deep text\n",
            "funding:\n",
            "  - {program: PAC, amount: 5, dates: [2024-01-01, 2024-12-31]}\n",
            "  - program: 'l''[école'\n",
            "    amount: 6\n",
        );
        assert_eq!(too_deep(text), None);
        assert!(parse::<Value>(text, 1).is_ok());
        let config = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.yaml"))
            .expect("config.yaml");
        assert_eq!(too_deep(&config), None);
        let nested = format!(
            "a: {}1{}",
            "[".repeat(MAX_NESTING - 1),
            "]".repeat(MAX_NESTING - 1)
        );
        assert_eq!(too_deep(&nested), None);
    }
}
