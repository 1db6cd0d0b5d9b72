//! Stage 3: Markdown bodies to HTML, with heading anchors, a table of contents, relative links
//! to other `.md` files rewritten to page URLs, and raw HTML sanitised unless trusted.

use crate::diagnostic::Diagnostic;
use crate::text::slugify;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// A heading listed in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A Markdown body turned into HTML, with what later stages need from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedBody {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Text without markup, for search and summaries.
    pub text: String,
}

/// Where links may point: content files (`etudes-de-cas/a.md` → `etudes-de-cas/a/`) and
/// other files copied from `content/`.
#[derive(Debug, Default, Clone)]
pub struct LinkTargets {
    pub pages: HashMap<String, String>,
    pub assets: HashSet<String>,
}

/// Settings shared by every body of one build.
pub struct MarkdownRenderer {
    sanitizer: Option<ammonia::Builder<'static>>,
    base_path: String,
}

impl MarkdownRenderer {
    pub fn new(trust_html: bool, base_path: &str) -> Self {
        let sanitizer = (!trust_html).then(sanitizer);
        MarkdownRenderer {
            sanitizer,
            base_path: base_path.to_string(),
        }
    }

    /// Renders one body. `content_path` is the document's path under `content/`, used to
    /// resolve relative links; `first_line` is the file line where the body starts.
    pub fn render(
        &self,
        body: &str,
        file: &str,
        content_path: &str,
        first_line: usize,
        targets: &LinkTargets,
        problems: &mut Vec<Diagnostic>,
    ) -> RenderedBody {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let position = |offset: usize| {
            let line = line_starts.partition_point(|&start| start <= offset);
            let column = body[line_starts[line - 1]..offset].chars().count() + 1;
            (first_line + line - 1, column)
        };

        let mut events: Vec<Event> = Vec::new();
        let mut toc = Vec::new();
        let mut text = String::new();
        let mut used_ids: HashSet<String> = HashSet::new();
        let mut heading: Option<(HeadingLevel, Option<CowStr>, usize)> = None;
        let mut heading_text = String::new();
        let mut has_raw_html = false;

        for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    heading = Some((level, id, events.len()));
                    heading_text.clear();
                    // Placeholder, replaced when the heading ends and its id is known.
                    events.push(Event::Html(CowStr::Borrowed("")));
                }
                Event::End(TagEnd::Heading(level)) => {
                    let Some((_, explicit_id, start)) = heading.take() else {
                        continue;
                    };
                    let base = explicit_id
                        .map(|id| slugify(&id))
                        .filter(|id| !id.is_empty())
                        .unwrap_or_else(|| slugify(&heading_text));
                    let id = unique_id(
                        if base.is_empty() {
                            "section".into()
                        } else {
                            base
                        },
                        &mut used_ids,
                    );
                    let n = level as u8;
                    events[start] = Event::Html(format!("<h{n} id=\"{id}\">").into());
                    events.push(Event::Html(format!("</h{n}>\n").into()));
                    toc.push(TocEntry {
                        level: n,
                        id,
                        title: heading_text.trim().to_string(),
                    });
                    text.push('\n');
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.resolve_link(
                        &dest_url,
                        link_type,
                        content_path,
                        targets,
                        || position(range.start),
                        file,
                        problems,
                    );
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.resolve_link(
                        &dest_url,
                        link_type,
                        content_path,
                        targets,
                        || position(range.start),
                        file,
                        problems,
                    );
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
                Event::Text(ref t) | Event::Code(ref t) => {
                    if heading.is_some() {
                        heading_text.push_str(t);
                    }
                    text.push_str(t);
                    events.push(event);
                }
                Event::SoftBreak | Event::HardBreak => {
                    text.push(' ');
                    events.push(event);
                }
                Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                    text.push('\n');
                    events.push(event);
                }
                Event::Html(_) | Event::InlineHtml(_) => {
                    has_raw_html = true;
                    events.push(event);
                }
                other => events.push(other),
            }
        }

        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        // Without raw HTML, pulldown-cmark's output is already safe (text is escaped and
        // link schemes are checked in `resolve_link`), so the costly HTML parse is skipped.
        if let Some(sanitizer) = self.sanitizer.as_ref().filter(|_| has_raw_html) {
            html = sanitizer.clean(&html).to_string();
        }
        RenderedBody { html, toc, text }
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_link<'a>(
        &self,
        dest: &CowStr<'a>,
        link_type: LinkType,
        content_path: &str,
        targets: &LinkTargets,
        position: impl Fn() -> (usize, usize),
        file: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> CowStr<'a> {
        if self.sanitizer.is_some() && has_unsafe_scheme(dest) {
            return CowStr::Borrowed("#");
        }
        if matches!(link_type, LinkType::Email | LinkType::Autolink) || !is_relative(dest) {
            return dest.clone();
        }
        let (path_part, fragment) = match dest.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (dest.as_ref(), None),
        };
        if path_part.is_empty() {
            return dest.clone();
        }
        let decoded = percent_encoding::percent_decode_str(path_part).decode_utf8_lossy();
        let resolved = resolve_relative(content_path, &decoded);
        let with_fragment = |url: String| -> CowStr<'a> {
            match fragment {
                Some(f) => format!("{url}#{f}").into(),
                None => url.into(),
            }
        };
        if let Some(resolved) = &resolved {
            if let Some(url_path) = targets.pages.get(resolved) {
                return with_fragment(format!("{}{}", self.base_path, url_path));
            }
            if targets.assets.contains(resolved) {
                return with_fragment(format!("{}{}", self.base_path, encode_path(resolved)));
            }
        }
        let (line, column) = position();
        let shown = resolved.unwrap_or_else(|| decoded.to_string());
        let is_page = path_part.ends_with(".md");
        problems.push(
            Diagnostic::error(file, format!("link to a missing file `content/{shown}`"))
                .at(line, column)
                .field("link")
                .hint(if is_page {
                    "check the file name (links are relative to this file's folder), or remove the link"
                } else {
                    "put the file under content/ next to this page, or fix the path"
                }),
        );
        dest.clone()
    }
}

/// Schemes that run code or embed documents when followed; the same list ammonia rejects.
fn has_unsafe_scheme(dest: &str) -> bool {
    let compact: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    match compact.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            !matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        _ => false,
    }
}

fn is_relative(dest: &str) -> bool {
    !(dest.is_empty()
        || dest.starts_with('/')
        || dest.starts_with('#')
        || dest.starts_with("//")
        || dest.contains("://")
        || dest.starts_with("mailto:")
        || dest.starts_with("tel:")
        || dest.starts_with("data:")
        || dest.starts_with("javascript:"))
}

/// `etudes-de-cas/a.md` + `../a-propos.md` → `a-propos.md`; `None` if it climbs above content/.
fn resolve_relative(from: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
        .replace("%2E", ".")
        .replace("%2D", "-")
        .replace("%5F", "_")
}

fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 1;
    while !used.insert(id.clone()) {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// The HTML sanitiser: ammonia's safe defaults (no script, no event handlers, no
/// `javascript:` URLs, no iframes), plus what our own Markdown output needs.
fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        .add_generic_attributes(["id"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
        .add_allowed_classes("div", ["footnote-definition"])
        .link_rel(Some("noopener noreferrer"))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("th" | "td", "style") => matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            )
            .then_some(Cow::Borrowed(value)),
            ("input", "type") => (value == "checkbox").then_some(Cow::Borrowed(value)),
            _ => Some(Cow::Borrowed(value)),
        });
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str, trust: bool) -> (RenderedBody, Vec<Diagnostic>) {
        let mut targets = LinkTargets::default();
        targets
            .pages
            .insert("cas/autre.md".into(), "cas/autre/".into());
        targets
            .pages
            .insert("a-propos.md".into(), "a-propos/".into());
        let mut problems = Vec::new();
        let rendered = MarkdownRenderer::new(trust, "/base/").render(
            body,
            "content/cas/a.md",
            "cas/a.md",
            10,
            &targets,
            &mut problems,
        );
        (rendered, problems)
    }

    #[test]
    fn headings_get_unique_anchors_and_toc() {
        let (out, _) = render("## Leçons apprises\n\n## Leçons apprises\n", false);
        assert!(
            out.html.contains("<h2 id=\"lecons-apprises\">"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<h2 id=\"lecons-apprises-2\">"));
        assert_eq!(out.toc.len(), 2);
        assert_eq!(out.toc[0].title, "Leçons apprises");
    }

    #[test]
    fn relative_md_links_become_page_urls() {
        let (out, problems) = render("[x](autre.md#volet) [y](../a-propos.md)", false);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            out.html.contains("href=\"/base/cas/autre/#volet\""),
            "{}",
            out.html
        );
        assert!(out.html.contains("href=\"/base/a-propos/\""));
    }

    #[test]
    fn missing_link_target_is_located() {
        let (_, problems) = render("Texte\n\nVoir [ici](absent.md).", false);
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].column), (12, 6));
        assert!(problems[0].message.contains("content/cas/absent.md"));
    }

    #[test]
    fn raw_html_is_sanitised_unless_trusted() {
        let body = "<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">lien</a>\n\n<iframe src=\"https://x.example\"></iframe>";
        let (out, _) = render(body, false);
        assert!(!out.html.contains("<script"));
        assert!(!out.html.contains("javascript:"));
        assert!(!out.html.contains("onclick"));
        assert!(!out.html.contains("<iframe"));
        let (trusted, _) = render(body, true);
        assert!(trusted.html.contains("<script>"));
    }

    #[test]
    fn markdown_links_with_script_schemes_are_neutralised() {
        let (out, _) = render(
            "[a](javascript:alert(1)) [b]( JaVaScRiPt:alert(2)) [c](data:text/html,x) [d](https://ok.example) [e](mailto:a@b.example)",
            false,
        );
        assert!(
            !out.html.to_lowercase().contains("javascript"),
            "{}",
            out.html
        );
        assert!(!out.html.contains("data:"), "{}", out.html);
        assert!(out.html.contains("https://ok.example"));
        assert!(out.html.contains("mailto:a@b.example"));
    }

    #[test]
    fn tables_footnotes_tasks_survive_sanitising() {
        let body = "| a | b |\n|:--|--:|\n| 1 | 2 |\n\nTexte[^1]\n\n[^1]: Note.\n\n- [x] fait\n- [ ] à faire\n\n~~barré~~";
        let (out, _) = render(body, false);
        assert!(out.html.contains("<table>"));
        assert!(out.html.contains("style=\"text-align: left\""));
        assert!(out.html.contains("class=\"footnote-reference\""));
        assert!(out.html.contains("type=\"checkbox\""));
        assert!(out.html.contains("<del>"));
    }
}
