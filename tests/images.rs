//! Responsive images: the copies a build publishes, their cache across builds, and what an
//! author is told about images (missing alt text, missing or corrupt files).

mod common;

use common::{passerelle, select, site_with_case_studies, snapshot};
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use std::io::Cursor;
use std::path::Path;

/// A noisy gradient, so that it compresses like a photo, in `format`.
fn photo(width: u32, height: u32, seed: u32, format: ImageFormat) -> Vec<u8> {
    let image = if format == ImageFormat::Png {
        DynamicImage::ImageRgba8(RgbaImage::from_fn(width, height, |x, y| {
            let noise = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed) % 32;
            image::Rgba([
                (x * 255 / width) as u8,
                (y * 255 / height) as u8,
                noise as u8 * 8,
                200,
            ])
        }))
    } else {
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
            let noise = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed) % 32;
            image::Rgb([
                (x * 255 / width) as u8,
                (y * 255 / height) as u8,
                noise as u8 * 8,
            ])
        }))
    };
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .expect("encode a test image");
    out.into_inner()
}

const FRONT: &str = "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n";

/// A site with one case study `a.md` (front matter lines `extra`, then `body`) and the
/// given files next to it.
fn site(extra: &str, body: &str, files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let text = format!("{FRONT}{extra}---\n{body}");
    let site = site_with_case_studies(&[("a.md", &text)]);
    for (name, bytes) in files {
        std::fs::write(site.path().join("content/etudes-de-cas").join(name), bytes).unwrap();
    }
    site
}

/// Builds with `PASSERELLE_TIMINGS=1`: (exit code, stdout + stderr).
fn build(root: &Path, extra: &[&str]) -> (i32, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(["build", "--root", root.to_str().unwrap()])
        .args(extra)
        .env("PASSERELLE_TIMINGS", "1")
        .output()
        .expect("run passerelle");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

/// "images: N encoded, M from cache" → (N, M).
fn counts(output: &str) -> (usize, usize) {
    let line = output
        .lines()
        .find(|line| line.starts_with("images: "))
        .unwrap_or_else(|| panic!("no images line in\n{output}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

fn page(root: &Path) -> scraper::Html {
    let path = root.join("public/etudes-de-cas/a/index.html");
    scraper::Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

/// The pixel size of a published file, from its URL (`/etudes-de-cas/x.webp`).
fn size_of(root: &Path, url: &str) -> (u32, u32) {
    let path = root.join("public").join(url.trim_start_matches('/'));
    let bytes = std::fs::read(&path).unwrap_or_else(|_| panic!("{url} was not published"));
    let image = image::load_from_memory(&bytes).expect("a published image decodes");
    (image.width(), image.height())
}

/// (URL, width descriptor) of each candidate of a `srcset`.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|candidate| {
            let (url, width) = candidate.rsplit_once(' ').expect("url and width");
            (
                url.to_string(),
                width.trim_end_matches('w').parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn srcset_widths_exist_with_their_pixel_widths_and_are_never_upscaled() {
    let site = site(
        "",
        "![Une grande photo de la gare](grande.jpg)\n\nTexte.\n\n![Un logo](petit.png)\n",
        &[
            ("grande.jpg", photo(2000, 1500, 1, ImageFormat::Jpeg)),
            ("petit.png", photo(700, 500, 2, ImageFormat::Png)),
        ],
    );
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    let document = page(site.path());
    let pictures = select(&document, ".body picture");
    assert_eq!(pictures.len(), 2, "{}", document.html());
    for (picture, (source_width, wanted, fallback)) in pictures.iter().zip([
        (2000, vec![480, 960, 1600], "image/jpeg"),
        (700, vec![480, 700], "image/png"),
    ]) {
        let fragment = scraper::Html::parse_fragment(&picture.html());
        let source = &select(&fragment, "source")[0];
        assert_eq!(source.attr("type"), Some("image/webp"));
        let img = &select(&fragment, "img")[0];
        for srcset in [source.attr("srcset").unwrap(), img.attr("srcset").unwrap()] {
            let found = candidates(srcset);
            let widths: Vec<u32> = found.iter().map(|(_, w)| *w).collect();
            assert_eq!(widths, wanted, "{srcset}");
            for (url, width) in found {
                let (actual, _) = size_of(site.path(), &url);
                assert_eq!(actual, width, "{url}");
                assert!(actual <= source_width, "{url} is wider than its source");
            }
        }
        // The `<img>` is the widest fallback copy, with its own size: no layout shift.
        let src = img.attr("src").unwrap();
        let (width, height) = size_of(site.path(), src);
        assert_eq!(img.attr("width"), Some(width.to_string().as_str()));
        assert_eq!(img.attr("height"), Some(height.to_string().as_str()));
        let kind = image::guess_format(
            &std::fs::read(site.path().join("public").join(src.trim_start_matches('/'))).unwrap(),
        )
        .unwrap();
        assert_eq!(kind.to_mime_type(), fallback, "{src}");
        assert!(img.attr("sizes").is_some());
    }
    // The first image is on screen when the page opens; the others load lazily.
    let imgs = select(&document, ".body picture img");
    assert_eq!(imgs[0].attr("loading"), None);
    assert_eq!(imgs[1].attr("loading"), Some("lazy"));
    assert_eq!(imgs[1].attr("decoding"), Some("async"));
    assert_eq!(imgs[0].attr("alt"), Some("Une grande photo de la gare"));
    // The originals are not published unless asked.
    let folder = site.path().join("public/etudes-de-cas");
    assert!(!folder.join("grande.jpg").exists());
    assert!(!folder.join("petit.png").exists());
    let config = site.path().join("config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\nimages:\n  keep_original: true\n")).unwrap();
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    assert!(folder.join("grande.jpg").exists());
}

#[test]
fn a_warm_rebuild_encodes_zero_images_and_an_edited_image_is_encoded_again() {
    let site = site(
        "",
        "![Une photo](photo.jpg)\n\n![Une autre](autre.jpg)\n",
        &[
            ("photo.jpg", photo(2000, 1500, 3, ImageFormat::Jpeg)),
            ("autre.jpg", photo(700, 500, 4, ImageFormat::Jpeg)),
        ],
    );
    // 3 widths × 2 formats, and 2 widths × 2 formats.
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    assert_eq!(counts(&output), (10, 0), "{output}");
    assert!(site.path().join(".passerelle-cache/images").is_dir());
    let public = site.path().join("public");
    let before = snapshot(&public);

    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    assert_eq!(counts(&output), (0, 10), "{output}");
    assert_eq!(
        snapshot(&public),
        before,
        "a warm rebuild changed the output"
    );

    // The cache holds only Passerelle's files, named by their key, and no temporary file.
    for entry in std::fs::read_dir(site.path().join(".passerelle-cache/images")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let (stem, ext) = name.split_once('.').unwrap();
        assert!(
            stem.len() == 16 && stem.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}"
        );
        assert!(["webp", "jpg", "png"].contains(&ext), "{name}");
    }

    std::fs::write(
        site.path().join("content/etudes-de-cas/photo.jpg"),
        photo(1000, 800, 5, ImageFormat::Jpeg),
    )
    .unwrap();
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    // 480, 960 and 1,000 px, in two formats; the other image comes from the cache.
    assert_eq!(counts(&output), (6, 4), "{output}");
    let document = page(site.path());
    let img = &select(&document, ".body picture img")[0];
    assert_eq!(img.attr("width"), Some("1000"));
    assert_eq!(img.attr("height"), Some("800"));
    // The copies of the old image are gone from the output.
    let published: Vec<String> = std::fs::read_dir(public.join("etudes-de-cas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("photo-"))
        .collect();
    assert_eq!(published.len(), 6, "{published:?}");
    assert!(!published.iter().any(|name| name.starts_with("photo-1600")));
}

#[test]
fn a_missing_alt_is_one_warning_with_file_line_and_a_decorative_image_none() {
    let body =
        "Texte.\n\n![](photo.jpg)\n\n![](photo.jpg \"décorative\")\n\n![Le plan](photo.jpg)\n";
    let site = site(
        "",
        body,
        &[("photo.jpg", photo(600, 400, 6, ImageFormat::Jpeg))],
    );
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    let warnings: Vec<&str> = output
        .lines()
        .filter(|l| l.contains("WCAG 1.1.1"))
        .collect();
    assert_eq!(warnings.len(), 1, "{output}");
    // `---`, six fields, `---`: the body's third line is line 11.
    assert!(
        warnings[0].starts_with("content/etudes-de-cas/a.md:11:1: avertissement[P0305]"),
        "{}",
        warnings[0]
    );
    let document = page(site.path());
    let imgs = select(&document, ".body picture img");
    assert_eq!(imgs.len(), 3);
    assert_eq!(imgs[1].attr("alt"), Some(""));
    assert_eq!(
        imgs[1].attr("title"),
        None,
        "the decorative mark is no tooltip"
    );
}

#[test]
fn a_corrupt_image_is_an_error_naming_it_and_the_last_good_output_stands() {
    let site = site(
        "",
        "![Une photo](photo.jpg)\n",
        &[("photo.jpg", photo(800, 600, 7, ImageFormat::Jpeg))],
    );
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    let public = site.path().join("public");
    let before = snapshot(&public);
    let file = site.path().join("content/etudes-de-cas/photo.jpg");
    let good = photo(900, 600, 8, ImageFormat::Png);
    for (what, bytes) in [
        ("garbage", b"this is no photo at all".repeat(20)),
        // A PNG whose header reads but whose pixels are cut off: found while decoding.
        ("truncated", good[..good.len() / 3].to_vec()),
    ] {
        std::fs::write(&file, &bytes).unwrap();
        let (code, output) = build(site.path(), &[]);
        assert_eq!(code, 1, "{what}: {output}");
        assert!(!output.contains("panicked"), "{what}: {output}");
        assert!(
            output.contains("content/etudes-de-cas/a.md:9:1: erreur[P0307]")
                && output.contains("content/etudes-de-cas/photo.jpg"),
            "{what}: {output}"
        );
        assert_eq!(
            snapshot(&public),
            before,
            "{what}: the last good output changed"
        );
    }
}

#[test]
fn a_cover_image_shows_on_cards_and_as_open_graph_image() {
    let site = site(
        "image: couverture.jpg\n",
        "Texte.\n",
        &[("couverture.jpg", photo(1200, 800, 9, ImageFormat::Jpeg))],
    );
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    // No image_alt: one warning, on the `image:` line (line 8).
    let warnings: Vec<&str> = output.lines().filter(|l| l.contains("image_alt")).collect();
    assert_eq!(warnings.len(), 1, "{output}");
    assert!(
        warnings[0].starts_with("content/etudes-de-cas/a.md:8:1: avertissement[P0305]"),
        "{output}"
    );
    let document = page(site.path());
    let cover = select(&document, ".case-study header picture img");
    assert_eq!(cover.len(), 1, "{}", document.html());
    assert_eq!(
        cover[0].attr("loading"),
        None,
        "the cover is above the fold"
    );
    // A root-relative base URL has no host: Open Graph wants absolute URLs, so no image.
    assert!(select(&document, "meta[property='og:image']").is_empty());
    assert_eq!(
        select(&document, "meta[property='og:title']")[0].attr("content"),
        Some("Accueil des familles")
    );
    let home = site.path().join("public/etudes-de-cas/index.html");
    let list = scraper::Html::parse_document(&std::fs::read_to_string(home).unwrap());
    let card = select(&list, ".card picture img");
    assert_eq!(card.len(), 1, "{}", list.html());
    assert_eq!(card[0].attr("loading"), Some("lazy"));

    let text = std::fs::read_to_string(site.path().join("content/etudes-de-cas/a.md")).unwrap();
    std::fs::write(
        site.path().join("content/etudes-de-cas/a.md"),
        text.replace(
            "image: couverture.jpg\n",
            "image: couverture.jpg\nimage_alt: La gare de Sherbrooke\n",
        ),
    )
    .unwrap();
    let (code, output) = build(
        site.path(),
        &["--base-url", "https://example.org/pratiques/"],
    );
    assert_eq!(code, 0, "{output}");
    assert!(!output.contains("image_alt"), "{output}");
    let document = page(site.path());
    let og = select(&document, "meta[property='og:image']");
    let url = og[0].attr("content").unwrap();
    assert!(
        url.starts_with("https://example.org/pratiques/etudes-de-cas/couverture-"),
        "{url}"
    );
    assert_eq!(
        select(&document, "meta[name='twitter:card']")[0].attr("content"),
        Some("summary_large_image")
    );
    assert_eq!(
        select(&document, "meta[property='og:image:alt']")[0].attr("content"),
        Some("La gare de Sherbrooke")
    );
}

#[test]
fn a_missing_image_lists_the_images_of_its_folder() {
    let site = site(
        "",
        "![Le plan](plan-quartir.jpg)\n",
        &[("plan-quartier.jpg", photo(300, 200, 10, ImageFormat::Jpeg))],
    );
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("content/etudes-de-cas/a.md:9:1: erreur[P0304]")
            && output.contains("content/etudes-de-cas/plan-quartir.jpg"),
        "{output}"
    );
    assert!(output.contains("`plan-quartier.jpg`"), "{output}");
    // `check` says the same.
    let (code, _, stderr) = passerelle(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("[P0304]") && stderr.contains("plan-quartir.jpg"),
        "{stderr}"
    );
}

/// The preview re-renders a page only when its key changes: an image's copies are named by
/// their key, so an edited image changes the pages that show it, body and cover.
#[cfg(feature = "serve")]
#[test]
fn the_preview_shows_an_edited_image_on_its_page_and_card() {
    use std::time::{Duration, Instant};
    let site = site(
        "image: photo.jpg\nimage_alt: La gare\n",
        "![Une photo](photo.jpg)\n",
        &[("photo.jpg", photo(900, 600, 11, ImageFormat::Jpeg))],
    );
    let preview = common::preview::Preview::start(site.path(), &[]);
    let srcs = |path: &str, css: &str| -> Vec<String> {
        let reply = preview.get(path).expect("the page");
        let (body, _) = common::preview::strip_injection(&reply.body);
        let document = scraper::Html::parse_document(&String::from_utf8_lossy(&body));
        select(&document, css)
            .iter()
            .filter_map(|img| img.attr("src").map(str::to_string))
            .collect()
    };
    let before = srcs("/etudes-de-cas/a/", "picture img");
    assert_eq!(before.len(), 2, "cover and body image: {before:?}");
    std::fs::write(
        site.path().join("content/etudes-de-cas/photo.jpg"),
        photo(700, 500, 12, ImageFormat::Jpeg),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let after = loop {
        let now = srcs("/etudes-de-cas/a/", "picture img");
        if now.iter().all(|src| !before.contains(src)) {
            break now;
        }
        assert!(Instant::now() < deadline, "the page still shows {now:?}");
        std::thread::sleep(Duration::from_millis(200));
    };
    for src in &after {
        let reply = preview.get(src).expect("the new copy");
        assert_eq!(reply.status, 200, "{src}");
        let image = image::load_from_memory(&reply.body).expect("a JPEG");
        assert_eq!((image.width(), image.height()), (700, 500), "{src}");
    }
    let cards = srcs("/etudes-de-cas/", ".card picture img");
    assert_eq!(cards, after[..1], "the card shows the new cover");
}

/// The `loading` of every image of the case study's page, in page order (`None`: eager).
fn loadings(document: &scraper::Html) -> Vec<(Option<String>, Option<String>)> {
    select(document, "main img")
        .iter()
        .map(|img| {
            let attr = |name| img.attr(name).map(str::to_string);
            (attr("loading"), attr("decoding"))
        })
        .collect()
}

#[test]
fn under_a_cover_the_first_body_image_is_lazy_too() {
    let lazy = (Some("lazy".to_string()), Some("async".to_string()));
    let site = site(
        "image: couverture.jpg\nimage_alt: La gare\n",
        "Texte.\n\n![Le marché](marche.jpg)\n\n![Le port](port.png)\n\n![Le plan « A&B »](plan.svg)\n",
        &[
            ("couverture.jpg", photo(700, 400, 1, ImageFormat::Jpeg)),
            ("marche.jpg", photo(600, 400, 2, ImageFormat::Jpeg)),
            ("port.png", photo(500, 300, 3, ImageFormat::Png)),
            ("plan.svg", SVG.as_bytes().to_vec()),
        ],
    );
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    let document = page(site.path());
    // The cover is the page's first image, and its only eager one.
    assert_eq!(
        loadings(&document),
        [(None, None), lazy.clone(), lazy.clone(), lazy.clone()],
        "{}",
        document.html()
    );

    // Without the cover, the first body image is the page's first image: eager again.
    let path = site.path().join("content/etudes-de-cas/a.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("image: couverture.jpg\n", "")).unwrap();
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    let document = page(site.path());
    assert_eq!(
        loadings(&document),
        [(None, None), lazy.clone(), lazy],
        "{}",
        document.html()
    );
    // The SVG, copied as it is, keeps its text and address, escaped as Markdown writes them.
    let svg = select(&document, "main img[src$='plan.svg']");
    assert_eq!(svg.len(), 1, "{}", document.html());
    assert_eq!(svg[0].attr("alt"), Some("Le plan « A&B »"));
    assert!(site.path().join("public/etudes-de-cas/plan.svg").exists());
}

/// A small drawing, published as it is.
const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#;

#[test]
fn an_img_in_raw_html_without_alt_is_a_warning_with_file_line_and_is_published_as_written() {
    // Body lines start at line 9: the tags are on lines 11, 13 (inline), 15 to 17 (a tag
    // over two lines of an HTML block) and 19 (decorative, `alt=""`).
    let body = "Texte.\n\n<p><img src=\"photo.jpg\"></p>\n\nUn plan <img src=\"photo.jpg\" alt=\"Le plan\"> et <img src=\"photo.jpg\">.\n\n<div>\n<img\n  src=\"photo.jpg\">\n</div>\n\n<img src=\"photo.jpg\" alt=\"\">\n\n`<img src=\"code.jpg\">` is code.\n";
    let site = site(
        "",
        body,
        &[("photo.jpg", photo(600, 400, 7, ImageFormat::Jpeg))],
    );
    let (code, output) = build(site.path(), &[]);
    assert_eq!(code, 0, "{output}");
    let warnings: Vec<&str> = (output.lines())
        .filter(|l| l.contains("WCAG 1.1.1"))
        .collect();
    let places: Vec<&str> = (warnings.iter())
        .map(|w| w.split(": ").next().unwrap_or_default())
        .collect();
    assert_eq!(
        places,
        [
            "content/etudes-de-cas/a.md:11:4",
            "content/etudes-de-cas/a.md:13:48",
            "content/etudes-de-cas/a.md:16:1",
        ],
        "{output}"
    );
    assert!(
        warnings[0].contains("avertissement[P0305]"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("alt=\"\""), "{}", warnings[0]);
    // Published as written (sanitised), not as a <picture>.
    let document = page(site.path());
    assert!(select(&document, ".body picture").is_empty());
    assert_eq!(select(&document, ".body img").len(), 5);
}
