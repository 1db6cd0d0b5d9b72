//! Stage 3: Markdown bodies to HTML, with heading anchors, a table of contents, relative links
//! to other `.md` files rewritten to page URLs, and raw HTML sanitised unless trusted.

use crate::diagnostic::Diagnostic;
use crate::images::{self, ImageTable};
use crate::messages;
use crate::text::slugify;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

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
    /// The responsive images the body shows or links to: (content path, line, column). The
    /// HTML names their copies, so the fingerprints that cover it cover these too.
    pub images: Vec<(String, usize, usize)>,
}

/// Where links may point: content files (`etudes-de-cas/a.md` → `etudes-de-cas/a/`) and
/// other files copied from `content/`.
#[derive(Debug, Default, Clone)]
pub struct LinkTargets {
    pub pages: HashMap<String, String>,
    pub assets: HashSet<String>,
    /// Markdown files that exist but make no page because of their own errors (unreadable,
    /// not UTF-8, invalid front matter): links to them are not reported a second time.
    pub failed: HashSet<String>,
    /// The raster images under `content/`, planned as responsive images (`crate::images`).
    pub images: Arc<ImageTable>,
}

/// An image that is no responsive picture (an SVG, a GIF, another site's) as pulldown-cmark
/// writes it, escaped its way (`<img src="…" alt="…" />`), but lazy: it is not the page's
/// first image.
fn lazy_img(events: Vec<Event<'_>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    match html.strip_suffix(" />") {
        Some(tag) => format!("{tag} loading=\"lazy\" decoding=\"async\" />"),
        None => html,
    }
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
    /// resolve relative links; `first_line` is the file line where the body starts;
    /// `images_above` is how many images the page shows above the body (a case study's
    /// cover): only a page's first image is eager, so with one above, every body image is
    /// lazy.
    ///
    /// Memory stays proportional to the body: events stream from the parser into the HTML
    /// (only a heading's own events wait for its end, which gives its id), and the inputs
    /// whose HTML would be out of proportion to their size are refused before parsing (see
    /// `check_limits`): a 16 MB table used to take 4.2 GB.
    // One argument more than clippy's default: each says where the body is or what the page
    // around it holds, and a struct for them would only be built to be taken apart here.
    #[expect(clippy::too_many_arguments)]
    pub fn render(
        &self,
        body: &str,
        file: &str,
        content_path: &str,
        first_line: usize,
        images_above: usize,
        targets: &LinkTargets,
        problems: &mut Vec<Diagnostic>,
    ) -> RenderedBody {
        if let Err(problem) = check_limits(body, file, first_line) {
            problems.push(*problem);
            return RenderedBody::default();
        }
        // CommonMark: "the Unicode character U+0000 must be replaced with U+FFFD". Done on
        // the source so that the HTML, the table of contents and the search text agree; one
        // character for one keeps every line and column of the messages.
        let body: Cow<str> = if body.contains('\0') {
            Cow::Owned(body.replace('\0', "\u{FFFD}"))
        } else {
            Cow::Borrowed(body)
        };
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES;
        let mut events = BodyEvents {
            parser: Parser::new_ext(&body, options).into_offset_iter(),
            renderer: self,
            targets,
            content_path,
            file,
            positions: Positions::new(&body, first_line),
            problems,
            toc: Vec::new(),
            text: String::new(),
            used_ids: TEMPLATE_IDS.iter().map(|id| id.to_string()).collect(),
            footnote_ids: HashMap::new(),
            heading: None,
            ready: VecDeque::new(),
            offset: 0,
            raw_html_at: None,
            raw_images: images::RawImages::default(),
            image: None,
            images_shown: images_above,
            image_uses: Vec::new(),
        };
        let mut html = String::with_capacity(body.len() * 3 / 2);
        let written = pulldown_cmark::html::write_html_fmt(
            CappedWriter {
                out: &mut html,
                limit: MAX_HTML_BYTES,
            },
            events.by_ref(),
        );
        if written.is_err() {
            let (line, column) = events.positions.at(events.offset);
            events.problems.push(
                Diagnostic::error(
                    file,
                    messages::HTML_TOO_LARGE.with("limit", MAX_HTML_BYTES >> 20),
                )
                .at(line, column)
                .hint(&messages::HINT_HTML_TOO_LARGE),
            );
            return RenderedBody::default();
        }
        let BodyEvents {
            toc,
            text,
            raw_html_at,
            positions,
            problems,
            image_uses: images,
            ..
        } = events;
        // Without raw HTML, pulldown-cmark's output is already safe (text is escaped and
        // link schemes are checked in `resolve_link`), so the costly HTML parse is skipped.
        if let (Some(sanitizer), Some(at)) = (self.sanitizer.as_ref(), raw_html_at) {
            // The sanitiser builds a tree of the whole page: about 200 bytes per tag.
            let tags = memchr::memchr_iter(b'<', html.as_bytes()).count();
            if tags > MAX_SANITIZED_TAGS {
                let (line, column) = positions.at(at);
                problems.push(
                    Diagnostic::error(
                        file,
                        messages::TOO_MANY_TAGS.with("limit", MAX_SANITIZED_TAGS),
                    )
                    .at(line, column)
                    .hint(&messages::HINT_TOO_MANY_TAGS),
                );
                return RenderedBody::default();
            }
            html = sanitizer.clean(&html).to_string();
        }
        RenderedBody {
            html,
            toc,
            text,
            images,
        }
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
        // The path ends at the query or the fragment (`a-propos.md?x=1#equipe`); both are
        // kept, after the page's URL.
        let (path_part, suffix) = dest.split_at(dest.find(['?', '#']).unwrap_or(dest.len()));
        if path_part.is_empty() {
            return dest.clone();
        }
        let decoded = percent_encoding::percent_decode_str(path_part).decode_utf8_lossy();
        let resolved = resolve_relative(content_path, &decoded);
        if let Some(resolved) = &resolved {
            if let Some(url_path) = targets.pages.get(resolved) {
                return format!("{}{url_path}{suffix}", self.base_path).into();
            }
            if targets.assets.contains(resolved) {
                return format!("{}{}{suffix}", self.base_path, encode_path(resolved)).into();
            }
            if targets.failed.contains(resolved) {
                // That file's own error is reported, and fails the build: a second error
                // here would only send the author looking for a file that is there.
                return dest.clone();
            }
        }
        let (line, column) = position();
        let shown = resolved.unwrap_or_else(|| decoded.to_string());
        let is_page = decoded.ends_with(".md");
        problems.push(
            Diagnostic::error(file, messages::MISSING_LINK.with("path", shown))
                .at(line, column)
                .field("link")
                .hint(if is_page {
                    &messages::HINT_MISSING_PAGE
                } else {
                    &messages::HINT_MISSING_FILE
                }),
        );
        dest.clone()
    }
}

/// Largest Markdown body rendered, in bytes. The parser keeps a tree of the whole body
/// (up to about 50 bytes per byte of dense markup), so this bounds a page's memory.
pub const MAX_BODY_BYTES: usize = 8 << 20;
/// Most table cells in one body. Rows shorter than their header are filled with empty
/// cells, so a few kilobytes of short rows under a wide header make hundreds of thousands of
/// cells; counted before parsing, since the parser builds them all before the first event.
pub const MAX_TABLE_CELLS: usize = 100_000;
/// Largest HTML made from one body: escaping and table markup make it grow (a `&` is
/// written `&amp;`), and pulldown-cmark already bounds the expansion of link references.
pub const MAX_HTML_BYTES: usize = 32 << 20;
/// Most HTML tags in a page whose raw HTML is sanitised: the sanitiser parses the whole page
/// into a tree (8 MB of dense Markdown with one `<b>` took 1.7 GB and 50 s). A table of
/// 10,000 rows and 5 columns has 120,000.
pub const MAX_SANITIZED_TAGS: usize = 400_000;

/// Ids the default theme's templates give their own elements: the skip link's target, the
/// headings of the case study and home pages, the search widgets. A content heading never
/// takes one of them (a heading "Contenu" gets `contenu-2`), so that links and
/// `aria-labelledby` keep pointing at the template's element. A test in `render` scans the
/// templates, so the list cannot drift from them.
pub const TEMPLATE_IDS: &[&str] = &[
    "contenu",
    "fiche",
    "toc-title",
    "resultats",
    "lecons",
    "sources-titre",
    "vedette",
    "recentes",
    "parcourir",
    "q",
    "search-form",
    "search-q",
    "search-ui",
    "search-filters",
    "search-facets",
    "search-clear",
    "search-results-section",
    "search-results-title",
    "search-status",
    "search-results",
    "search-more",
    // statistics.html: each chart's section and heading (computed, these are the defaults).
    "chart",
    "chart-titre",
    "cite-title",
    "related-title",
    // proposer.html: the proposal form and what static/proposer.js fills in.
    "propose-errors",
    "propose-errors-title",
    "propose-errors-list",
    "propose-form",
    "propose-fields",
    "propose-body",
    "propose-body-help",
    "propose-result",
    "propose-result-title",
    "propose-output",
    "propose-download",
    "propose-copy",
    "propose-mailto",
    "propose-status",
    "propose-schema",
];

/// Refuses, before parsing, a body whose tree or HTML would be out of proportion to what an
/// author can mean: larger than `MAX_BODY_BYTES`, or with tables of more than
/// `MAX_TABLE_CELLS` cells.
fn check_limits(body: &str, file: &str, first_line: usize) -> Result<(), Box<Diagnostic>> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Box::new(
            Diagnostic::error(
                file,
                messages::TEXT_TOO_LARGE
                    .with(
                        "size",
                        format!("{:.1}", body.len() as f64 / f64::from(1 << 20)),
                    )
                    .with("limit", MAX_BODY_BYTES >> 20),
            )
            .at(first_line, 1)
            .hint(&messages::HINT_TEXT_TOO_LARGE),
        ));
    }
    if let Some(line) = table_over_limit(body, MAX_TABLE_CELLS) {
        return Err(Box::new(
            Diagnostic::error(
                file,
                messages::TOO_MANY_CELLS.with("limit", MAX_TABLE_CELLS),
            )
            .at(first_line + line, 1)
            .hint(&messages::HINT_TOO_MANY_CELLS),
        ));
    }
    Ok(())
}

/// The 0-based line of the table that takes the cells of a body's tables past `limit`.
///
/// A line scan that follows GFM's table rules closely enough to count at least as many cells
/// as the parser makes: a line with a `|` followed by a delimiter row (`|---|:-:|`) starts a
/// table; each following line up to a blank one is a row of at least the table's width.
/// Quote markers and indentation are skipped (tables in quotes and lists count too); lines
/// in fenced code blocks are not tables.
fn table_over_limit(body: &str, limit: usize) -> Option<usize> {
    let mut total = 0usize;
    let mut fence: Option<(char, usize)> = None;
    let mut table: Option<(usize, usize)> = None; // (columns, first line)
    let mut previous: Option<&str> = None;
    for (index, line) in body.lines().enumerate() {
        let line = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        if let Some((mark, length)) = fence {
            let rest = line.trim_start_matches(mark);
            if line.len() - rest.len() >= length && rest.trim().is_empty() {
                fence = None;
            }
            continue;
        }
        if let Some(mark) = ['`', '~']
            .into_iter()
            .find(|&m| line.starts_with([m, m, m]))
        {
            let length = line.len() - line.trim_start_matches(mark).len();
            fence = Some((mark, length));
            (table, previous) = (None, None);
            continue;
        }
        if line.trim().is_empty() {
            (table, previous) = (None, None);
            continue;
        }
        match (table, previous) {
            (Some((columns, _)), _) => total = total.saturating_add(columns.max(cells(line))),
            (None, Some(header)) if header.contains('|') && is_delimiter_row(line) => {
                let columns = cells(line);
                table = Some((columns, index - 1));
                total = total.saturating_add(columns.max(cells(header)));
            }
            _ => {}
        }
        if total > limit {
            return table.map(|(_, first)| first);
        }
        previous = Some(line);
    }
    None
}

/// `|:--|--:|` or `--- | ---`: only dashes, colons, pipes and blanks, with a dash.
fn is_delimiter_row(line: &str) -> bool {
    line.contains('-')
        && line
            .chars()
            .all(|c| matches!(c, '-' | ':' | '|' | ' ' | '\t'))
}

/// The cells of a table line, counting every `|` (escaped ones too: an upper bound).
fn cells(line: &str) -> usize {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    line.matches('|').count() + 1
}

/// Where a byte offset of the body is in its file, as (line, column); the line starts are
/// found when the first problem needs them. Problems come in source order, so the column is
/// counted on from the last one found on the same line: counting from the line's start each
/// time made a long line of broken links quadratic.
struct Positions<'b> {
    body: &'b str,
    first_line: usize,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    /// (offset, column) of the last position found.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'b> Positions<'b> {
    fn new(body: &'b str, first_line: usize) -> Self {
        Positions {
            body,
            first_line,
            line_starts: std::cell::OnceCell::new(),
            last: std::cell::Cell::new((0, 1)),
        }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.body.as_bytes()).map(|i| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&start| start <= offset).max(1);
        let line_start = starts[line - 1];
        let (last_offset, last_column) = self.last.get();
        let (from, column) = if (line_start..=offset).contains(&last_offset) {
            (last_offset, last_column)
        } else {
            (line_start, 1)
        };
        let column = column
            + self
                .body
                .get(from..offset)
                .map_or(0, |between| between.chars().count());
        self.last.set((offset, column));
        (self.first_line + line - 1, column)
    }
}

/// A heading being read: its events wait until its end, which gives its text and so its id.
struct PendingHeading<'a> {
    level: HeadingLevel,
    explicit_id: Option<CowStr<'a>>,
    events: Vec<Event<'a>>,
    text: String,
}

/// The parser's events with links resolved and headings given ids, collecting the table of
/// contents and the plain text on the way. Streams: only a heading's events are held back.
struct BodyEvents<'a, 'r> {
    parser: pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>,
    renderer: &'r MarkdownRenderer,
    targets: &'r LinkTargets,
    content_path: &'r str,
    file: &'r str,
    positions: Positions<'a>,
    problems: &'r mut Vec<Diagnostic>,
    toc: Vec<TocEntry>,
    text: String,
    used_ids: HashSet<String>,
    /// Footnote label → id.
    footnote_ids: HashMap<String, String>,
    heading: Option<PendingHeading<'a>>,
    /// Events ready to hand out (a finished heading's).
    ready: VecDeque<Event<'a>>,
    /// Source offset of the last event read, to locate a problem found while writing.
    offset: usize,
    /// Source offset of the first raw HTML, which must be sanitised.
    raw_html_at: Option<usize>,
    /// The `<img>` tags of raw HTML, for their missing alt text.
    raw_images: images::RawImages,
    /// An image being read: its events wait until its end, which gives its alt text.
    image: Option<PendingImage<'a>>,
    /// Images the page shows before this point, the cover above the body included: the
    /// page's first is not lazy.
    images_shown: usize,
    /// Responsive images shown or linked to (see `RenderedBody::images`).
    image_uses: Vec<(String, usize, usize)>,
}

/// A Markdown image being read (`![alt](photo.jpg "title")`).
struct PendingImage<'a> {
    start: usize,
    title: CowStr<'a>,
    /// Its path under `content/`, when it is one of the site's raster images.
    resolved: Option<String>,
    alt: String,
    /// Its events as the parser gave them, to write it as is when it is no raster image.
    events: Vec<Event<'a>>,
    /// Images nested in its alt text (`![a ![b](x)](y)`), whose text is part of it.
    depth: usize,
}

impl<'a> Iterator for BodyEvents<'a, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            let (event, range) = self.parser.next()?;
            self.offset = range.start;
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    self.heading = Some(PendingHeading {
                        level,
                        explicit_id: id,
                        events: Vec::new(),
                        text: String::new(),
                    });
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(heading) = self.heading.take() {
                        self.finish_heading(heading);
                    }
                }
                event => {
                    let event = self.transform(event, range.start);
                    let Some(event) = self.through_image(event, range.start) else {
                        continue;
                    };
                    match &mut self.heading {
                        Some(heading) => heading.events.push(event),
                        None => return Some(event),
                    }
                }
            }
        }
    }
}

impl<'a> BodyEvents<'a, '_> {
    fn transform(&mut self, event: Event<'a>, start: usize) -> Event<'a> {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                dest_url: self.resolve(&dest_url, link_type, start),
                link_type,
                title,
                id,
            }),
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some(heading) = &mut self.heading {
                    heading.text.push_str(t);
                }
                self.text.push_str(t);
                event
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text.push(' ');
                event
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                self.text.push('\n');
                event
            }
            Event::Html(ref html) | Event::InlineHtml(ref html) => {
                self.raw_html_at.get_or_insert(start);
                // An `<img>` in raw HTML is published as written, but needs its text too.
                for at in self.raw_images.feed(start, html) {
                    let (line, column) = self.positions.at(at);
                    self.problems.push(
                        Diagnostic::warning(self.file, &messages::IMAGE_NO_ALT)
                            .at(line, column)
                            .field("alt")
                            .hint(&messages::HINT_RAW_IMAGE_NO_ALT),
                    );
                }
                event
            }
            // The writer makes a footnote's label its id: `[^contenu]` would take the
            // template's `contenu`. Footnotes get ids of their own, from the same set.
            Event::FootnoteReference(label) => Event::FootnoteReference(self.footnote_id(&label)),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                Event::Start(Tag::FootnoteDefinition(self.footnote_id(&label)))
            }
            other => other,
        }
    }

    /// `note-<label>`, unique among the page's ids, the same for a footnote's references
    /// and its definition.
    fn footnote_id(&mut self, label: &str) -> CowStr<'a> {
        if let Some(id) = self.footnote_ids.get(label) {
            return id.clone().into();
        }
        let id = unique_id(
            format!("note-{}", slugify(label))
                .trim_end_matches('-')
                .to_string(),
            &mut self.used_ids,
        );
        self.footnote_ids.insert(label.to_string(), id.clone());
        id.into()
    }

    /// Holds back an image's events until its end, then writes it (`finish_image`).
    /// Returns the events that go on as they are.
    fn through_image(&mut self, event: Event<'a>, start: usize) -> Option<Event<'a>> {
        if let Some(image) = &mut self.image {
            match &event {
                Event::Start(Tag::Image { .. }) => image.depth += 1,
                Event::End(TagEnd::Image) if image.depth > 0 => image.depth -= 1,
                Event::End(TagEnd::Image) => {
                    image.events.push(event);
                    if let Some(image) = self.image.take() {
                        self.finish_image(image);
                    }
                    return None;
                }
                Event::Text(text) | Event::Code(text) => image.alt.push_str(text),
                Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
                _ => {}
            }
            image.events.push(event);
            return None;
        }
        let Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) = event
        else {
            return Some(event);
        };
        let (dest_url, resolved) = self.resolve_image(&dest_url, link_type, start);
        self.image = Some(PendingImage {
            start,
            title: title.clone(),
            resolved,
            alt: String::new(),
            events: vec![Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })],
            depth: 0,
        });
        None
    }

    /// Writes an image: a raster image of the site as a responsive `<picture>`, any other
    /// as Markdown writes it. An image with no alt text is a warning (WCAG 1.1.1), unless
    /// its title marks it decorative.
    fn finish_image(&mut self, image: PendingImage<'a>) {
        let PendingImage {
            start,
            title,
            resolved,
            alt,
            mut events,
            depth: _,
        } = image;
        let (line, column) = self.positions.at(start);
        let decorative = images::is_decorative_title(&title);
        let alt = alt.trim();
        if alt.is_empty() && !decorative {
            self.problems.push(
                Diagnostic::warning(self.file, &messages::IMAGE_NO_ALT)
                    .at(line, column)
                    .field("alt")
                    .hint(&messages::HINT_IMAGE_NO_ALT),
            );
        }
        let eager = self.images_shown == 0;
        self.images_shown += 1;
        let table = Arc::clone(&self.targets.images);
        let picture = resolved.as_ref().and_then(|path| table.pictures.get(path));
        let written: Vec<Event<'a>> = match (resolved.as_ref(), picture) {
            (Some(path), Some(Ok(picture))) => {
                if let Some(warning) = table.size_warning(picture, self.file) {
                    self.problems.push(warning.at(line, column));
                }
                self.image_uses.push((path.clone(), line, column));
                let title = (!decorative).then_some(&*title);
                let alt = if decorative { "" } else { alt };
                let html = picture.html(alt, title, images::BODY_SIZES, eager);
                vec![Event::InlineHtml(html.into())]
            }
            (Some(path), Some(Err(err))) => {
                self.problems
                    .push(images::unreadable(self.file, path, err).at(line, column));
                events
            }
            _ => {
                // A decorative SVG or GIF: `alt=""` already, and no "décorative" tooltip.
                if decorative
                    && let Some(Event::Start(Tag::Image { title, .. })) = events.first_mut()
                {
                    *title = CowStr::Borrowed("");
                }
                if eager {
                    events
                } else {
                    vec![Event::InlineHtml(lazy_img(events).into())]
                }
            }
        };
        match &mut self.heading {
            Some(heading) => heading.events.extend(written),
            None => self.ready.extend(written),
        }
    }

    /// An image's URL, and its path under `content/` when it is one of the site's raster
    /// images. A missing image is an error that lists the images of its folder.
    fn resolve_image(
        &mut self,
        dest: &CowStr<'a>,
        link_type: LinkType,
        start: usize,
    ) -> (CowStr<'a>, Option<String>) {
        if let Some(resolved) = self.content_target(dest) {
            let targets = self.targets;
            if targets.images.pictures.contains_key(&resolved) {
                return (dest.clone(), Some(resolved));
            }
            let known = targets.assets.contains(&resolved)
                || targets.pages.contains_key(&resolved)
                || targets.failed.contains(&resolved);
            if !known {
                let (line, column) = self.positions.at(start);
                self.problems.push(
                    Diagnostic::error(
                        self.file,
                        messages::IMAGE_MISSING.with("path", format!("content/{resolved}")),
                    )
                    .at(line, column)
                    .field("image")
                    .hint(images::missing_image_hint(&resolved, &targets.assets)),
                );
                return (dest.clone(), None);
            }
        }
        (self.resolve(dest, link_type, start), None)
    }

    /// The path under `content/` a relative link names (query and fragment left out), if
    /// it stays under `content/`.
    fn content_target(&self, dest: &str) -> Option<String> {
        if has_unsafe_scheme(dest) || !is_relative(dest) {
            return None;
        }
        let path_part = &dest[..dest.find(['?', '#']).unwrap_or(dest.len())];
        if path_part.is_empty() {
            return None;
        }
        let decoded = percent_encoding::percent_decode_str(path_part).decode_utf8_lossy();
        resolve_relative(self.content_path, &decoded)
    }

    fn resolve(&mut self, dest: &CowStr<'a>, link_type: LinkType, start: usize) -> CowStr<'a> {
        // A link to a raster image whose original is not published goes to its widest copy.
        if !self.targets.images.keep_original
            && !self.targets.images.pictures.is_empty()
            && let Some(resolved) = self.content_target(dest)
            && let Some(Ok(picture)) = self.targets.images.pictures.get(&resolved)
        {
            let (line, column) = self.positions.at(start);
            let url = picture.largest().url.clone();
            self.image_uses.push((resolved, line, column));
            return url.into();
        }
        let positions = &self.positions;
        self.renderer.resolve_link(
            dest,
            link_type,
            self.content_path,
            self.targets,
            || positions.at(start),
            self.file,
            self.problems,
        )
    }

    fn finish_heading(&mut self, heading: PendingHeading<'a>) {
        let PendingHeading {
            level,
            explicit_id,
            events,
            text,
        } = heading;
        let base = explicit_id
            .map(|id| slugify(&id))
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| slugify(&text));
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let id = unique_id(base, &mut self.used_ids);
        let n = level as u8;
        self.ready
            .push_back(Event::Html(format!("<h{n} id=\"{id}\">").into()));
        self.ready.extend(events);
        self.ready
            .push_back(Event::Html(format!("</h{n}>\n").into()));
        self.toc.push(TocEntry {
            level: n,
            id,
            title: text.trim().to_string(),
        });
        self.text.push('\n');
    }
}

/// Writes HTML until `limit` bytes, then fails, which stops the writing.
struct CappedWriter<'s> {
    out: &'s mut String,
    limit: usize,
}

impl std::fmt::Write for CappedWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.out.len() + s.len() > self.limit {
            return Err(std::fmt::Error);
        }
        self.out.push_str(s);
        Ok(())
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
/// Links and images (`images::cover_target`) are resolved the same way.
pub(crate) fn resolve_relative(from: &str, target: &str) -> Option<String> {
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

/// A path under `content/` as a URL path: each segment percent-encoded.
pub fn encode_path(path: &str) -> String {
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
        .add_tags(["input", "picture", "source"])
        .add_generic_attributes(["id"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        // Responsive images (`crate::images`), which a page with raw HTML is cleaned with.
        .add_tag_attributes("img", ["srcset", "sizes", "loading", "decoding"])
        .add_tag_attributes("source", ["type", "srcset", "sizes"])
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
            // ammonia checks `src`, not the URLs of a `srcset`.
            (_, "srcset") => (!value.split(',').any(|candidate| {
                has_unsafe_scheme(candidate.split_whitespace().next().unwrap_or_default())
            }))
            .then_some(Cow::Borrowed(value)),
            // Raw HTML may not take an id the templates use either.
            (_, "id") => (!TEMPLATE_IDS.contains(&value)).then_some(Cow::Borrowed(value)),
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
            0,
            &targets,
            &mut problems,
        );
        (rendered, problems)
    }

    /// A plan for `cas/photo.jpg`, 2,000 × 1,000 pixels, as `crate::images` makes it.
    fn with_photo() -> LinkTargets {
        use crate::images::{Format, Picture, Variant};
        let variant = |width: u32, format: Format| Variant {
            path: format!("cas/photo-{width}.{}", format.extension()),
            url: format!("/base/cas/photo-{width}.{}", format.extension()),
            width,
            height: width / 2,
            format,
            key: u64::from(width),
        };
        let picture = Picture {
            content_path: "cas/photo.jpg".into(),
            width: 2000,
            height: 1000,
            bytes: 6_000_000,
            webp: [480, 960].map(|w| variant(w, Format::Webp)).into(),
            fallback: [480, 960].map(|w| variant(w, Format::Jpeg)).into(),
        };
        let mut table = ImageTable {
            warn_bytes: 5_000_000,
            ..ImageTable::default()
        };
        table
            .pictures
            .insert("cas/photo.jpg".into(), Ok(Arc::new(picture)));
        table
            .pictures
            .insert("cas/casse.jpg".into(), Err("not an image".into()));
        LinkTargets {
            images: Arc::new(table),
            ..LinkTargets::default()
        }
    }

    fn render_with(body: &str, targets: &LinkTargets) -> (RenderedBody, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let rendered = MarkdownRenderer::new(false, "/base/").render(
            body,
            "content/cas/a.md",
            "cas/a.md",
            10,
            0,
            targets,
            &mut problems,
        );
        (rendered, problems)
    }

    #[test]
    fn pictures_survive_the_sanitiser_of_a_page_with_raw_html() {
        let targets = with_photo();
        let body = "<b>gras</b>\n\n![La gare](photo.jpg)\n\n![Encore](photo.jpg)\n";
        let (out, problems) = render_with(body, &targets);
        let document = scraper::Html::parse_fragment(&out.html);
        let img = scraper::Selector::parse("picture > img").unwrap();
        let source = scraper::Selector::parse("picture > source[type='image/webp']").unwrap();
        let imgs: Vec<_> = document.select(&img).collect();
        assert_eq!(imgs.len(), 2, "{}", out.html);
        assert_eq!(document.select(&source).count(), 2, "{}", out.html);
        let first = imgs[0].value();
        assert_eq!(first.attr("src"), Some("/base/cas/photo-960.jpg"));
        assert_eq!(first.attr("width"), Some("960"));
        assert_eq!(first.attr("height"), Some("480"));
        assert!(first.attr("srcset").unwrap().contains("480w"));
        assert_eq!(first.attr("loading"), None);
        assert_eq!(imgs[1].value().attr("loading"), Some("lazy"));
        assert_eq!(imgs[1].value().attr("decoding"), Some("async"));
        // Over 5 MB: one warning per place that shows it.
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].message.contains("6.0 MB"), "{problems:?}");
        assert_eq!(out.images.len(), 2);
        assert_eq!((out.images[0].1, out.images[0].2), (12, 1));
    }

    #[test]
    fn a_link_to_a_photo_goes_to_its_widest_copy_and_a_corrupt_one_is_an_error() {
        let targets = with_photo();
        let (out, problems) = render_with("[la photo](photo.jpg) ![Cassée](casse.jpg)", &targets);
        assert!(
            out.html.contains("href=\"/base/cas/photo-960.jpg\""),
            "{}",
            out.html
        );
        assert_eq!(out.images, [("cas/photo.jpg".to_string(), 10, 1)]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].is_error());
        assert!(
            problems[0].message.contains("content/cas/casse.jpg"),
            "{}",
            problems[0]
        );
        assert_eq!((problems[0].line, problems[0].column), (10, 23));
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
        let (_, problems) = render("[é](a.md) [è](b.md)\n\n- [ê](c.md)\n", false);
        let found: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(found, [(10, 1), (10, 11), (12, 3)]);
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

    #[test]
    fn link_with_query_or_fragment_is_not_a_missing_file() {
        let (out, problems) = render(
            "[a](../a-propos.md?x=1) [b](../a-propos.md#equipe) [c](autre.md?x=1&y=2#volet) [d](autre.md#x?y)",
            false,
        );
        assert!(problems.is_empty(), "{problems:?}");
        for href in [
            "/base/a-propos/?x=1",
            "/base/a-propos/#equipe",
            "/base/cas/autre/?x=1&amp;y=2#volet",
            "/base/cas/autre/#x?y",
        ] {
            assert!(
                out.html.contains(&format!("href=\"{href}\"")),
                "{href}: {}",
                out.html
            );
        }
        let (_, problems) = render("[a](absent.md?x=1#y)", false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("`content/cas/absent.md`"));
    }

    #[test]
    fn link_to_a_file_that_failed_to_load_is_not_reported_again() {
        let mut targets = LinkTargets::default();
        targets.failed.insert("cas/illisible.md".into());
        let mut problems = Vec::new();
        MarkdownRenderer::new(false, "/").render(
            "[x](illisible.md) [y](absent.md)",
            "content/cas/a.md",
            "cas/a.md",
            1,
            0,
            &targets,
            &mut problems,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("absent.md"));
    }

    #[test]
    fn nul_bytes_become_replacement_characters() {
        let (out, _) = render("## Ti\0tre\n\nTe\0xte `co\0de` <b>ra\0w</b>\n", false);
        assert!(!out.html.contains('\0'), "{:?}", out.html);
        assert!(!out.text.contains('\0'));
        assert!(out.html.contains("Te\u{FFFD}xte"), "{}", out.html);
        assert!(out.html.contains("co\u{FFFD}de"), "{}", out.html);
        assert_eq!(out.toc[0].title, "Ti\u{FFFD}tre");
    }

    #[test]
    fn heading_ids_never_take_a_template_id() {
        let mut body = String::new();
        for id in TEMPLATE_IDS {
            body.push_str(&format!("## {id}\n\n"));
        }
        body.push_str("## Section {#contenu}\n\nTexte[^contenu].\n\n[^contenu]: Note.\n\n<div id=\"fiche\">x</div>\n");
        let (out, _) = render(&body, false);
        let ids: Vec<&str> = out.toc.iter().map(|entry| entry.id.as_str()).collect();
        for id in &ids {
            assert!(!TEMPLATE_IDS.contains(id), "{id} in {ids:?}");
        }
        assert_eq!(ids[0], "contenu-2");
        let document = scraper::Html::parse_fragment(&out.html);
        let selector = scraper::Selector::parse("[id]").unwrap();
        let mut seen = HashSet::new();
        for element in document.select(&selector) {
            let id = element.value().id().unwrap_or_default();
            assert!(!TEMPLATE_IDS.contains(&id), "{id}: {}", out.html);
            assert!(seen.insert(id.to_string()), "duplicate {id}: {}", out.html);
        }
        assert!(out.html.contains("href=\"#note-contenu\""), "{}", out.html);
    }

    #[test]
    fn huge_body_is_refused_with_the_limit() {
        let body = "mot ".repeat(MAX_BODY_BYTES / 4 + 1);
        let (out, problems) = render(&body, false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (10, 1));
        assert!(
            problems[0].message.contains("the limit is 8 MB"),
            "{}",
            problems[0].message
        );
        assert!(out.html.is_empty());
    }

    #[test]
    fn huge_markdown_table_is_refused_before_parsing() {
        // One long table, as in the report: 16 MB took 4.2 GB.
        let mut long = String::from("Avant\n\n| a | b | c |\n|---|---|---|\n");
        for i in 0..40_000 {
            long.push_str(&format!("| {i} | x | y |\n"));
        }
        let (_, problems) = render(&long, false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 12, "the table's first line");
        assert!(
            problems[0].message.contains("100000 cells"),
            "{}",
            problems[0].message
        );

        // Short rows under a wide header: each row is filled to the header's width, so a
        // few kilobytes would make millions of cells, table after table.
        let wide = format!(
            "|{}\n|{}\n{}\n",
            "a|".repeat(512),
            "-|".repeat(512),
            "x\n".repeat(512)
        );
        let bomb = wide.repeat(20);
        assert!(bomb.len() < 70_000);
        let (out, problems) = render(&bomb, false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(out.html.is_empty());

        // Tables in code blocks are text, and a large real table still renders.
        let fenced = format!("```\n{bomb}```\n");
        let (out, problems) = render(&fenced, false);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!out.html.contains("<table"));
        let mut big = String::from("| a | b | c | d | e |\n|---|---|---|---|---|\n");
        for i in 0..10_000 {
            big.push_str(&format!("| {i} | b | c | d | e |\n"));
        }
        let (out, problems) = render(&big, false);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(out.html.matches("<td>").count(), 50_000);
    }

    #[test]
    fn html_that_outgrows_its_source_is_refused() {
        // Under the body limit, but each `&` is written `&amp;`.
        let body = "&".repeat(7 << 20);
        let (out, problems) = render(&body, false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].message.contains("32 MB"),
            "{}",
            problems[0].message
        );
        assert!(out.html.is_empty());
    }

    #[test]
    fn raw_html_in_a_huge_page_is_refused_not_sanitised() {
        let body = format!("Texte\n\n<b>gras</b>\n\n{}", "*a* _b_ ".repeat(110_000));
        let (out, problems) = render(&body, false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (12, 1));
        assert!(out.html.is_empty());
        // Trusted, it is not parsed again, and the same page without raw HTML renders.
        assert!(render(&body, true).1.is_empty());
        assert!(
            render(&body.replace("<b>gras</b>", "**gras**"), false)
                .1
                .is_empty()
        );
    }
}
