//! What may be published of the files under `content/` that are not Markdown.
//!
//! Most (images, PDFs) are copied as they are. Files a browser runs as a document (HTML,
//! XHTML, XML, SVG) can carry scripts that would run with the site's origin, which
//! `trust_html: false` promises never to publish: HTML and XML files are refused, and an SVG
//! image is published only when it holds no script, event handler, script link or embedded
//! document.

use crate::diagnostic::Diagnostic;
use crate::messages;

/// Extensions a browser opens as an HTML or XML document.
const DOCUMENT_EXTENSIONS: [&str; 10] = [
    "html", "htm", "xhtml", "xht", "shtml", "xml", "xsl", "xslt", "mht", "mhtml",
];

/// Elements that run code or embed another document.
const ACTIVE_ELEMENTS: [&str; 9] = [
    "script",
    "foreignobject",
    "iframe",
    "frame",
    "embed",
    "object",
    "handler",
    "listener",
    "base",
];

/// Checks one file of `content/` (`file` is its path for messages) before it is copied.
#[expect(
    clippy::result_large_err,
    reason = "a Diagnostic is 128 bytes since it keeps its catalog texts; made once per problem"
)]
pub fn check(file: &str, bytes: &[u8], trust_html: bool) -> Result<(), Diagnostic> {
    if trust_html {
        return Ok(());
    }
    let extension = file
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    let refuse =
        |message: messages::Msg| Diagnostic::error(file, message).hint(&messages::HINT_ACTIVE_FILE);
    if DOCUMENT_EXTENSIONS.contains(&extension.as_str()) || extension == "svgz" {
        return Err(refuse(
            messages::ACTIVE_DOCUMENT.with("extension", extension),
        ));
    }
    if extension != "svg" {
        return Ok(());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| refuse(messages::SVG_NOT_UTF8.msg()))?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options).map_err(|err| {
        let position = err.pos();
        refuse(messages::SVG_UNREADABLE.with("reason", err.to_string()))
            .at(position.row as usize, position.col as usize)
    })?;
    for node in document.descendants() {
        if let Some(reason) = active_content(&node) {
            let position = document.text_pos_at(node.range().start);
            return Err(refuse(messages::SVG_HOLDS.with("what", reason))
                .at(position.row as usize, position.col as usize));
        }
    }
    Ok(())
}

/// What in `node` could run a script, if anything.
fn active_content(node: &roxmltree::Node) -> Option<messages::Msg> {
    if node.is_pi() {
        // `<?xml-stylesheet?>` can load an XSLT program.
        return Some(messages::SVG_PROCESSING_INSTRUCTION.msg());
    }
    if !node.is_element() {
        return None;
    }
    let name = node.tag_name().name().to_ascii_lowercase();
    if ACTIVE_ELEMENTS.contains(&name.as_str()) {
        return Some(messages::SVG_ELEMENT.with("name", node.tag_name().name()));
    }
    if name == "style" {
        let css: String = node.descendants().filter_map(|n| n.text()).collect();
        if is_active_css(&css) {
            return Some(messages::SVG_STYLE_SHEET.msg());
        }
    }
    // Animations can set a link or an event handler to a script: `<set attributeName="href"
    // to="javascript:…">`.
    if matches!(
        name.as_str(),
        "set" | "animate" | "animatemotion" | "animatetransform"
    ) {
        let target = node
            .attribute("attributeName")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if target.ends_with("href") || target.starts_with("on") {
            return Some(messages::SVG_ANIMATION.with("target", target));
        }
    }
    for attribute in node.attributes() {
        let name = attribute.name().to_ascii_lowercase();
        let value = attribute.value();
        if name.starts_with("on") {
            return Some(messages::SVG_EVENT_HANDLER.with("name", attribute.name()));
        }
        if name == "style" && is_active_css(value) {
            return Some(messages::SVG_STYLE.msg());
        }
        if matches!(
            name.as_str(),
            "href" | "src" | "action" | "formaction" | "data"
        ) && is_script_link(value)
        {
            return Some(messages::SVG_SCRIPT_LINK.with("name", attribute.name()));
        }
    }
    None
}

/// Whether a link runs code or opens a document: any scheme but the web's, mail, phone and
/// raster images. The parser has already decoded entities; browsers also ignore blanks and
/// control characters inside the scheme, so they are ignored here too.
fn is_script_link(value: &str) -> bool {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let Some((scheme, rest)) = compact.split_once(':') else {
        return false;
    };
    if !scheme
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        || scheme.contains('/')
    {
        return false;
    }
    match scheme {
        "http" | "https" | "mailto" | "tel" => false,
        "data" => !["image/png", "image/jpeg", "image/gif", "image/webp"]
            .iter()
            .any(|kind| rest.starts_with(kind)),
        _ => true,
    }
}

fn is_active_css(css: &str) -> bool {
    let compact: String = css
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "javascript:",
        "expression(",
        "-moz-binding",
        "behavior:",
        "@import",
    ]
    .iter()
    .any(|needle| compact.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(body: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{body}</svg>"#
        )
    }

    #[test]
    fn plain_svg_images_and_other_files_are_published() {
        let plain = svg(
            r##"<title>Logo</title><rect width="10" height="10" fill="#036"/><a href="https://example.org/"><text>x</text></a><use xlink:href="#r"/>"##,
        );
        assert!(check("content/logo.svg", plain.as_bytes(), false).is_ok());
        assert!(check("content/photo.jpg", b"\xff\xd8", false).is_ok());
        assert!(check("content/a.pdf", b"%PDF<script>", false).is_ok());
    }

    #[test]
    fn scripts_in_svg_images_are_refused_with_their_line() {
        for body in [
            "<script>alert(1)</script>",
            r#"<rect onload="alert(1)"/>"#,
            r#"<a href="javascript:alert(1)"><text>x</text></a>"#,
            r#"<a xlink:href="jav&#x61;script:alert(1)"><text>x</text></a>"#,
            r#"<a href=" java&#9;script:alert(1)"><text>x</text></a>"#,
            r#"<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>"#,
            r#"<a><set attributeName="href" to="javascript:alert(1)"/></a>"#,
            r#"<image href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>"#,
            r#"<style>@import url(https://evil.example/x.css);</style>"#,
            r#"<SCRIPT>alert(1)</SCRIPT>"#,
        ] {
            let text = format!("\n{}", svg(body));
            let err = check("content/a.svg", text.as_bytes(), false)
                .expect_err(&format!("accepted: {body}"));
            assert_eq!(err.line, 2, "{body}: {err}");
            assert!(err.hint.contains("trust_html"), "{err}");
        }
        let with_pi = format!("<?xml-stylesheet href=\"x.xsl\"?>{}", svg(""));
        assert!(check("content/a.svg", with_pi.as_bytes(), false).is_err());
    }

    #[test]
    fn html_and_xml_documents_need_trust() {
        for file in [
            "content/a.html",
            "content/b.HTM",
            "content/c.xhtml",
            "content/d.xml",
        ] {
            let err = check(file, b"<p>x</p>", false).expect_err(file);
            assert!(err.message.contains("trust_html"), "{err}");
            assert!(check(file, b"<script>x</script>", true).is_ok());
        }
        assert!(check("content/a.svg", b"<svg><script/></svg>", true).is_ok());
    }
}
