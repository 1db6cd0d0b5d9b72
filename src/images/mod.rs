//! Responsive images: each JPEG, PNG or WebP file under `content/` that a page uses (a
//! Markdown image, a link to it, or a case study's cover `image:`) is published as resized
//! copies (`images.widths`, never wider than the source) in WebP and in a fallback format
//! (JPEG, or PNG for an image with an alpha channel), shown in a `<picture>` with `srcset`,
//! `sizes`, `width` and `height`. SVG and GIF files are copied as they are, like any file.
//!
//! The stage has two halves, so that pages never wait for pixels:
//! - `Images::update` reads each image's header when its bytes change (format, size, EXIF
//!   orientation) and plans its copies: their widths, heights and file names, which name
//!   the encoding key (`Variant::key`). Pages are rendered from these plans; an edited image
//!   gets new file names, so the pages that show it get new keys and are rendered again.
//! - `publish` makes the copies the site uses, in parallel, through a cache of Passerelle's
//!   own at the site root (`.passerelle-cache/images/`, see `encode`): a rebuild encodes
//!   only the copies whose key it has never made.

mod encode;
mod raw;

pub use encode::{CACHE_DIR, Stats};
pub use raw::RawImages;

use crate::config::ImagesConfig;
use crate::diagnostic::Diagnostic;
use crate::load::CONTENT_DIR;
use crate::markdown::resolve_relative;
use crate::messages::{self, Msg};
use crate::text::{escape_markup, fold};
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// Extensions of the files published as responsive images.
const RASTER_EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "webp"];

/// Bumped whenever the decoding, resizing or encoding changes what bytes a key stands for,
/// so that the cache is not trusted across such a change. Names the crates' versions too.
const ENCODER_VERSION: &str = "passerelle-images-1 image-0.25 fast_image_resize-6 libwebp-0.9";

/// The widest image decoded, in pixels (WebP cannot be wider than 16,383): a small file
/// can claim a huge size, which would take gigabytes to decode.
const MAX_DIMENSION: u32 = 16_383;

/// `sizes` of an image in the text of a page: the text column (`--measure` in the
/// default theme's style sheet, about 40rem), the screen less its margins on a phone.
pub const BODY_SIZES: &str = "(min-width: 44rem) 40rem, calc(100vw - 2rem)";
/// `sizes` of a cover image on a card: the cards' grid has columns of about 23rem.
pub const CARD_SIZES: &str = "(min-width: 44rem) 23rem, calc(100vw - 2rem)";

/// A published file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Webp,
    Jpeg,
    Png,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }
}

/// One resized copy of an image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// Output path: `etudes-de-cas/photo-480.3f9a0c1d22e4.webp`.
    pub path: String,
    /// Its URL, base path included and percent-encoded.
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// What the bytes are made from (source digest, size, format, quality, encoder): the
    /// name of the file in the cache, and part of the output file's name.
    pub key: u64,
}

/// What a page needs to show one image, planned from its header.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Picture {
    /// The source's path under `content/`.
    pub content_path: String,
    /// The source's size once turned upright (EXIF orientation), in pixels.
    pub width: u32,
    pub height: u32,
    /// Size of the source file in bytes.
    pub bytes: u64,
    /// WebP copies, narrowest first.
    pub webp: Vec<Variant>,
    /// JPEG or PNG copies, the same widths.
    pub fallback: Vec<Variant>,
}

impl Picture {
    /// The widest fallback copy: the `<img>`'s `src`, `width` and `height`.
    pub fn largest(&self) -> &Variant {
        // `plan` makes at least one width.
        self.fallback
            .last()
            .expect("a picture has at least one copy")
    }

    fn variants(&self) -> impl Iterator<Item = &Variant> {
        self.webp.iter().chain(&self.fallback)
    }

    /// `a-480.webp 480w, a-960.webp 960w`.
    fn srcset(variants: &[Variant]) -> String {
        variants
            .iter()
            .map(|v| format!("{} {}w", v.url, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The `<picture>` element. `eager`: the first image of a page, likely on screen when
    /// it opens, is neither lazy nor decoded asynchronously (both delay what the reader
    /// sees first); the others load as the reader scrolls to them.
    pub fn html(&self, alt: &str, title: Option<&str>, sizes: &str, eager: bool) -> String {
        let img = self.largest();
        let title = title
            .filter(|t| !t.is_empty())
            .map(|t| format!(" title=\"{}\"", escape_markup(t)))
            .unwrap_or_default();
        let loading = if eager {
            ""
        } else {
            " loading=\"lazy\" decoding=\"async\""
        };
        format!(
            "<picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\"><img src=\"{src}\" srcset=\"{srcset}\" sizes=\"{sizes}\" width=\"{width}\" height=\"{height}\" alt=\"{alt}\"{title}{loading}></picture>",
            webp = Picture::srcset(&self.webp),
            src = img.url,
            srcset = Picture::srcset(&self.fallback),
            width = img.width,
            height = img.height,
            alt = escape_markup(alt),
        )
    }

    /// What templates see of a cover image (`page.cover`, `item.cover`): the sources of a
    /// `<picture>` and the `<img>`'s attributes.
    fn template_value(&self, alt: &str) -> Json {
        let img = self.largest();
        json!({
            "src": img.url,
            "width": img.width,
            "height": img.height,
            "type": img.format.mime(),
            "srcset": Picture::srcset(&self.fallback),
            "webp_srcset": Picture::srcset(&self.webp),
            "alt": alt,
        })
    }
}

/// The images of the site as pages see them: each raster file's plan, or why it cannot be
/// read. Shared with the Markdown renderer through `LinkTargets`.
#[derive(Debug, Default, Clone)]
pub struct ImageTable {
    pub pictures: HashMap<String, Result<Arc<Picture>, String>>,
    /// `images.keep_original`: links to an image then go to the original file.
    pub keep_original: bool,
    /// `images.warn_size_mb`, in bytes.
    pub warn_bytes: u64,
}

impl ImageTable {
    /// A warning when the source file of `picture` is over the size threshold.
    pub fn size_warning(&self, picture: &Picture, file: &str) -> Option<Diagnostic> {
        (picture.bytes > self.warn_bytes).then(|| {
            Diagnostic::warning(
                file,
                messages::IMAGE_LARGE
                    .with("path", format!("{CONTENT_DIR}/{}", picture.content_path))
                    .with("size", megabytes(picture.bytes))
                    .with("limit", megabytes(self.warn_bytes)),
            )
            .field("image")
            .hint(&messages::HINT_IMAGE_LARGE)
        })
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// Whether a file is published as a responsive image (by its extension: a file that is not
/// what its name says is reported when it is read).
pub fn is_raster(content_path: &str) -> bool {
    content_path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| RASTER_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Whether an image title marks the image as decorative on purpose (`![](a.jpg
/// "décorative")`): it then gets `alt=""`, and no warning for its missing text.
pub fn is_decorative_title(title: &str) -> bool {
    matches!(fold(title.trim()).as_str(), "decorative" | "decoratif")
}

/// The images' plans, kept between runs of the engine: each is planned again only when its
/// bytes or the `images:` settings change.
#[derive(Default)]
pub struct Images {
    settings: Option<(ImagesConfig, String)>,
    /// Content path → (digest of the bytes as the engine read them, plan).
    plans: BTreeMap<String, (u64, Result<Arc<Picture>, String>)>,
    table: Arc<ImageTable>,
}

impl Images {
    /// Plans the raster files among `assets` (content path, bytes and digest, or `None`
    /// when unreadable: the engine reports that). Returns the content paths whose plan
    /// changed, appeared or went: the pages that show them must be rendered again.
    pub fn update<'a>(
        &mut self,
        assets: impl Iterator<Item = (&'a str, Option<(&'a [u8], u64)>)>,
        settings: &ImagesConfig,
        base_path: &str,
    ) -> BTreeSet<String> {
        let same_settings = self
            .settings
            .as_ref()
            .is_some_and(|(s, b)| s == settings && b == base_path);
        if !same_settings {
            self.settings = Some((settings.clone(), base_path.to_string()));
        }
        let mut old = std::mem::take(&mut self.plans);
        let mut changed = BTreeSet::new();
        let mut to_plan = Vec::new();
        for (path, bytes) in assets {
            if !is_raster(path) {
                continue;
            }
            let Some((bytes, digest)) = bytes else {
                continue;
            };
            match old.remove(path) {
                Some((old_digest, plan)) if same_settings && old_digest == digest => {
                    self.plans.insert(path.to_string(), (digest, plan));
                }
                _ => to_plan.push((path, bytes, digest)),
            }
        }
        changed.extend(old.into_keys());
        use rayon::prelude::*;
        let planned: Vec<(String, u64, Result<Arc<Picture>, String>)> = to_plan
            .into_par_iter()
            .map(|(path, bytes, digest)| {
                let plan = plan(path, bytes, settings, base_path).map(Arc::new);
                (path.to_string(), digest, plan)
            })
            .collect();
        for (path, digest, plan) in planned {
            changed.insert(path.clone());
            self.plans.insert(path, (digest, plan));
        }
        if !changed.is_empty() || !same_settings {
            self.table = Arc::new(ImageTable {
                pictures: (self.plans.iter())
                    .map(|(path, (_, plan))| (path.clone(), plan.clone()))
                    .collect(),
                keep_original: settings.keep_original,
                warn_bytes: (settings.warn_size_mb * 1_000_000.0) as u64,
            });
        }
        changed
    }

    /// The plans, for the Markdown renderer.
    pub fn table(&self) -> Arc<ImageTable> {
        Arc::clone(&self.table)
    }
}

/// Reads the header of one image and plans its copies.
fn plan(
    content_path: &str,
    bytes: &[u8],
    settings: &ImagesConfig,
    base_path: &str,
) -> Result<Picture, String> {
    let header = encode::probe(bytes)?;
    let digest = xxhash_rust::xxh3::xxh3_128(bytes);
    let (dir, stem) = match content_path.rsplit_once('/') {
        Some((dir, name)) => (format!("{dir}/"), name),
        None => (String::new(), content_path),
    };
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem);
    let fallback_format = if header.alpha {
        Format::Png
    } else {
        Format::Jpeg
    };
    let variant = |width: u32, format: Format| {
        // Rounded, and never 0 for a very wide, very short image.
        let height = ((u64::from(width) * u64::from(header.height) + u64::from(header.width) / 2)
            / u64::from(header.width))
        .max(1) as u32;
        let key = variant_key(digest, width, height, format, settings.quality);
        let path = format!(
            "{dir}{stem}-{width}.{:012x}.{}",
            key >> 16,
            format.extension()
        );
        Variant {
            url: format!("{base_path}{}", crate::markdown::encode_path(&path)),
            path,
            width,
            height,
            format,
            key,
        }
    };
    let widths = widths(header.width, &settings.widths);
    Ok(Picture {
        content_path: content_path.to_string(),
        width: header.width,
        height: header.height,
        bytes: bytes.len() as u64,
        webp: widths.iter().map(|&w| variant(w, Format::Webp)).collect(),
        fallback: widths
            .iter()
            .map(|&w| variant(w, fallback_format))
            .collect(),
    })
}

/// The widths made of an image `source` pixels wide: each wanted width narrower than the
/// source, and the source's own width when some wanted width is not narrower (an image
/// 1,000 px wide gets 480, 960 and 1,000; never a copy wider than its source).
fn widths(source: u32, wanted: &[u32]) -> Vec<u32> {
    let mut widths: Vec<u32> = wanted.iter().copied().filter(|&w| w < source).collect();
    if wanted.iter().any(|&w| w >= source) || widths.is_empty() {
        widths.push(source);
    }
    widths.sort_unstable();
    widths.dedup();
    widths
}

fn variant_key(digest: u128, width: u32, height: u32, format: Format, quality: u8) -> u64 {
    let mut input = Vec::with_capacity(64);
    input.extend_from_slice(&digest.to_le_bytes());
    input.extend_from_slice(&width.to_le_bytes());
    input.extend_from_slice(&height.to_le_bytes());
    input.extend_from_slice(format.extension().as_bytes());
    input.push(quality);
    input.extend_from_slice(ENCODER_VERSION.as_bytes());
    xxhash_rust::xxh3::xxh3_64(&input)
}

/// Key under which a case study's cover is given to templates (`page.cover`,
/// `item.cover`), beside the author's `image` and `image_alt`.
pub const COVER_KEY: &str = "cover";

/// Looks up the cover image a case study names in `image:` and puts what templates need
/// of it in its fields under `cover` (its key is then part of the item's fingerprint, so
/// the pages and cards that show it are rendered again when it changes). Returns the
/// problems: a missing or unreadable file, a missing `image_alt`, a file over the size
/// threshold. `root` is the site's folder, to locate the field in the file when there is a
/// problem to report.
pub fn attach_cover(
    entry: &mut crate::validate::Entry,
    config: &crate::config::Config,
    table: &ImageTable,
    assets: &HashSet<String>,
    base_path: &str,
    root: &Path,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let Some(Json::String(source)) = entry.fields.get("image") else {
        return problems;
    };
    let source = source.trim().to_string();
    let alt = match entry.fields.get("image_alt") {
        Some(Json::String(alt)) => Some(alt.trim().to_string()),
        _ => None,
    };
    let at = |key: &str| {
        let aliases = config.fields.get(key).map(|spec| spec.aliases.as_slice());
        let keys = std::iter::once(key).chain(aliases.into_iter().flatten().map(String::as_str));
        field_position(root, &entry.file, keys)
    };
    if source.contains("://") || source.starts_with("//") || source.contains(':') {
        let (line, column) = at("image");
        problems.push(
            Diagnostic::error(
                &entry.file,
                messages::COVER_EXTERNAL.with("source", source.as_str()),
            )
            .at(line, column)
            .field("image")
            .hint(&messages::HINT_COVER_EXTERNAL),
        );
        return problems;
    }
    let decoded = percent_encoding::percent_decode_str(&source).decode_utf8_lossy();
    let resolved = cover_target(&entry.content_path, &decoded);
    let cover = match resolved
        .as_ref()
        .map(|path| (path, table.pictures.get(path)))
    {
        Some((_, Some(Ok(picture)))) => {
            if let Some(warning) = table.size_warning(picture, &entry.file) {
                let (line, column) = at("image");
                problems.push(warning.at(line, column));
            }
            Some(picture.template_value(alt.as_deref().unwrap_or_default()))
        }
        Some((path, Some(Err(err)))) => {
            let (line, column) = at("image");
            problems.push(unreadable(&entry.file, path, err).at(line, column));
            None
        }
        // An SVG or a GIF, copied as it is.
        Some((path, None)) if assets.contains(path) => Some(json!({
            "src": format!("{base_path}{}", crate::markdown::encode_path(path)),
            "alt": alt.as_deref().unwrap_or_default(),
        })),
        _ => {
            let (line, column) = at("image");
            let shown = resolved.unwrap_or_else(|| decoded.to_string());
            problems.push(
                Diagnostic::error(
                    &entry.file,
                    messages::COVER_MISSING.with("path", format!("{CONTENT_DIR}/{shown}")),
                )
                .at(line, column)
                .field("image")
                .hint(missing_image_hint(&shown, assets)),
            );
            None
        }
    };
    if cover.is_some() && alt.as_deref().is_none_or(str::is_empty) {
        let (line, column) = at("image");
        problems.push(
            Diagnostic::warning(&entry.file, &messages::COVER_NO_ALT)
                .at(line, column)
                .field("image_alt")
                .hint(&messages::HINT_COVER_NO_ALT),
        );
    }
    if let Some(cover) = cover {
        entry.fields.insert(COVER_KEY.to_string(), cover);
    }
    problems
}

/// Whether a case study's cover names one of `moved` (content paths whose plan changed):
/// its item must then be rendered again.
pub fn cover_names_any(fields: &serde_json::Map<String, Json>, moved: &BTreeSet<String>) -> bool {
    let Some(Json::String(source)) = fields.get("image") else {
        return false;
    };
    moved.iter().any(|path| {
        let name = path.rsplit('/').next().unwrap_or(path);
        source.contains(name) || source.contains('%')
    })
}

/// The error for a page that shows an image that cannot be read.
pub fn unreadable(file: &str, content_path: &str, err: &str) -> Diagnostic {
    Diagnostic::error(
        file,
        messages::IMAGE_UNREADABLE
            .with("path", format!("{CONTENT_DIR}/{content_path}"))
            .with("reason", err),
    )
    .field("image")
    .hint(&messages::HINT_IMAGE_UNREADABLE)
}

/// What to say of a missing image: the images that are in its folder, closest name first.
pub fn missing_image_hint(missing: &str, assets: &HashSet<String>) -> Msg {
    let (dir, name) = missing.rsplit_once('/').unwrap_or(("", missing));
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut nearby: Vec<(f64, &str)> = assets
        .iter()
        .filter_map(|path| path.strip_prefix(&prefix))
        .filter(|rest| !rest.contains('/'))
        .filter(|rest| {
            is_raster(rest)
                || rest
                    .rsplit_once('.')
                    .is_some_and(|(_, e)| matches!(e.to_ascii_lowercase().as_str(), "svg" | "gif"))
        })
        .map(|rest| (strsim::jaro_winkler(&fold(name), &fold(rest)), rest))
        .collect();
    nearby.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let folder = format!("{CONTENT_DIR}/{prefix}");
    if nearby.is_empty() {
        return messages::HINT_IMAGE_FOLDER_EMPTY.with("folder", folder);
    }
    let names: Vec<String> = nearby
        .iter()
        .take(5)
        .map(|(_, name)| format!("`{name}`"))
        .collect();
    messages::HINT_IMAGE_NEARBY
        .with("folder", folder)
        .with("names", names.join(", "))
}

/// Where the first of `keys` (a field's name and aliases) is in the front matter of `file`
/// (under `root`), for a problem found after validation, which keeps no positions: the
/// file is read again, only then. The first line when none is found.
fn field_position<'k>(
    root: &Path,
    file: &str,
    keys: impl Iterator<Item = &'k str>,
) -> (usize, usize) {
    let Ok(text) = std::fs::read_to_string(root.join(file)) else {
        return (1, 1);
    };
    let Some(rest) = text.strip_prefix("---") else {
        return (1, 1);
    };
    // The text after the opening `---`, whose first line is the file's first.
    let locator = crate::yaml::Locator::new(rest, 1);
    for key in keys {
        let found = locator.locate(&[crate::yaml::Segment::Key(key)], None);
        if found != (1, 1) {
            return found;
        }
    }
    (1, 1)
}

/// The images the site's pages use, with the pages and places that show each.
pub struct Uses {
    /// Content path → (file of the page, line, column; 0 for a cover).
    by_image: BTreeMap<String, Vec<(String, usize, usize)>>,
}

impl Uses {
    /// The images shown by the bodies and covers of `items`.
    pub fn of<'a>(items: impl Iterator<Item = &'a crate::model::Item>) -> Self {
        let mut by_image: BTreeMap<String, Vec<(String, usize, usize)>> = BTreeMap::new();
        for item in items {
            for (path, line, column) in &item.body.images {
                let at = (item.entry.file.clone(), *line, *column);
                by_image.entry(path.clone()).or_default().push(at);
            }
            if let Some(path) = cover_path(&item.entry.content_path, &item.fields) {
                let at = (item.entry.file.clone(), 0, 0);
                by_image.entry(path).or_default().push(at);
            }
        }
        Uses { by_image }
    }

    pub fn contains(&self, content_path: &str) -> bool {
        self.by_image.contains_key(content_path)
    }
}

/// The content path of a case study's cover, when `attach_cover` found it.
fn cover_path(content_path: &str, fields: &crate::model::Fields) -> Option<String> {
    fields.get(COVER_KEY)?;
    let source = fields.get("image")?.as_str()?;
    let decoded = percent_encoding::percent_decode_str(source.trim()).decode_utf8_lossy();
    cover_target(content_path, &decoded)
}

/// The content path a cover names: relative to the case study's folder, or to `content/`
/// when it starts with `/`.
fn cover_target(content_path: &str, source: &str) -> Option<String> {
    match source.strip_prefix('/') {
        Some(from_root) => resolve_relative("", from_root),
        None => resolve_relative(content_path, source),
    }
}

/// Makes the copies of every used image into `sink` (through the cache in `root`; `source`
/// gives an image's bytes), skipping those whose output already has their key (`keys`).
/// Images that cannot be decoded are errors on the pages that show them.
pub fn publish(
    table: &ImageTable,
    uses: &Uses,
    root: &Path,
    source: &(dyn Fn(&str) -> Option<Arc<Vec<u8>>> + Sync),
    keys: &dyn Fn(&str) -> Option<u64>,
    sink: &dyn crate::output::Sink,
    quality: u8,
) -> Published {
    let mut jobs: Vec<(&Picture, Vec<&Variant>)> = Vec::new();
    let mut new_keys = Vec::new();
    let mut unchanged = 0;
    for path in uses.by_image.keys() {
        let Some(Ok(picture)) = table.pictures.get(path) else {
            continue;
        };
        let missing: Vec<&Variant> = picture
            .variants()
            .filter(|v| keys(&v.path) != Some(v.key))
            .collect();
        unchanged += picture.variants().count() - missing.len();
        if !missing.is_empty() {
            jobs.push((picture, missing));
        }
        new_keys.extend(picture.variants().map(|v| (v.path.clone(), v.key)));
    }
    let cache = encode::Cache::new(root);
    let (mut stats, failed, mut problems) = encode::make_all(&jobs, &cache, quality, source, sink);
    stats.unchanged = unchanged;
    for (content_path, err) in failed {
        if let Some(Ok(picture)) = table.pictures.get(&content_path) {
            new_keys.retain(|(path, _)| !picture.variants().any(|v| v.path == *path));
        }
        for (file, line, column) in uses.by_image.get(&content_path).into_iter().flatten() {
            let problem = unreadable(file, &content_path, &err);
            problems.push(if *line == 0 {
                problem
            } else {
                problem.at(*line, *column)
            });
        }
    }
    if std::env::var_os("PASSERELLE_TIMINGS").is_some_and(|v| v == "1") {
        eprintln!("{}", stats.summary());
    }
    Published {
        stats,
        keys: new_keys,
        problems,
    }
}

/// What `publish` made.
pub struct Published {
    pub stats: Stats,
    /// Output path → key of every copy of the used images (the outputs the site has).
    pub keys: Vec<(String, u64)>,
    pub problems: Vec<Diagnostic>,
}

/// Whether the original of a used raster image is left out of the output: its copies
/// stand for it, unless `images.keep_original`.
pub fn replaces_original(table: &ImageTable, uses: &Uses, content_path: &str) -> bool {
    !table.keep_original
        && matches!(table.pictures.get(content_path), Some(Ok(_)))
        && uses.contains(content_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_never_wider_than_the_source() {
        let wanted = [480, 960, 1600];
        assert_eq!(widths(2000, &wanted), [480, 960, 1600]);
        assert_eq!(widths(1000, &wanted), [480, 960, 1000]);
        assert_eq!(widths(1600, &wanted), [480, 960, 1600]);
        assert_eq!(widths(300, &wanted), [300]);
        assert_eq!(widths(480, &wanted), [480]);
    }

    #[test]
    fn a_cover_is_relative_to_its_case_study_or_to_content() {
        let at = "etudes-de-cas/a.md";
        assert_eq!(
            cover_target(at, "photo.jpg").as_deref(),
            Some("etudes-de-cas/photo.jpg")
        );
        assert_eq!(
            cover_target(at, "../img/p.png").as_deref(),
            Some("img/p.png")
        );
        assert_eq!(cover_target(at, "/img/p.png").as_deref(), Some("img/p.png"));
        assert_eq!(cover_target(at, "../../p.png"), None);
    }

    #[test]
    fn decorative_titles_in_french_or_english() {
        for title in ["décorative", "Decorative", " décoratif "] {
            assert!(is_decorative_title(title), "{title}");
        }
        assert!(!is_decorative_title("Une photo"));
    }

    #[test]
    fn missing_image_hint_lists_the_closest_images_of_the_folder() {
        let assets: HashSet<String> = [
            "cas/photo-gare.jpg",
            "cas/plan.svg",
            "cas/a.pdf",
            "autre/photo.jpg",
        ]
        .map(String::from)
        .into();
        let hint = missing_image_hint("cas/photo-gar.jpg", &assets).to_string();
        assert!(hint.contains("`photo-gare.jpg`, `plan.svg`"), "{hint}");
        assert!(!hint.contains("a.pdf") && !hint.contains("autre"), "{hint}");
        let empty = missing_image_hint("vide/x.jpg", &assets).to_string();
        assert!(empty.contains("holds no image"), "{empty}");
    }
}
