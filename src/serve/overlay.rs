//! The error overlay: the build's diagnostics, as the terminal prints them, shown over every
//! page while the last build failed. Made here, escaped here; the browser script only
//! inserts it.

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};

/// Id of the overlay element; the live-reload script finds it by this id.
pub(crate) const OVERLAY_ID: &str = "passerelle-overlay";

/// The overlay as an HTML fragment (a `role="alertdialog"` element with its own styles).
pub(crate) fn html(diagnostics: &Diagnostics) -> String {
    let errors = diagnostics.error_count();
    let mut out = String::with_capacity(2048);
    out.push_str(&format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alertdialog\" aria-modal=\"false\" \
         aria-labelledby=\"{OVERLAY_ID}-title\" aria-describedby=\"{OVERLAY_ID}-summary\" \
         tabindex=\"-1\" lang=\"fr\">"
    ));
    out.push_str(STYLE);
    out.push_str(&format!(
        "<h2 id=\"{OVERLAY_ID}-title\">Le site n’a pas pu être reconstruit ({errors} erreur{})</h2>",
        if errors > 1 { "s" } else { "" }
    ));
    out.push_str(&format!(
        "<p id=\"{OVERLAY_ID}-summary\">La dernière version correcte reste affichée. \
         Corrigez le fichier et enregistrez : cette page se mettra à jour d’elle-même.</p>"
    ));
    out.push_str("<ol>");
    for diagnostic in diagnostics.shown() {
        item(&diagnostic, &mut out);
    }
    out.push_str("</ol>");
    out.push_str(
        "<p><button type=\"button\" data-passerelle-close>Masquer (Échap)</button></p></div>",
    );
    out
}

fn item(diagnostic: &Diagnostic, out: &mut String) {
    let class = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // The line is the terminal's line; the location is set apart so it stands out.
    let line = diagnostic.to_string();
    let location = location(diagnostic);
    let rest = line.strip_prefix(&location).unwrap_or(&line);
    out.push_str(&format!(
        "<li class=\"{class}\"><code>{}</code>{}</li>",
        escape(&location),
        escape(rest)
    ));
}

/// `file:line:column`, as the terminal report starts.
fn location(diagnostic: &Diagnostic) -> String {
    let mut location = diagnostic.file.clone();
    if diagnostic.line > 0 {
        location.push_str(&format!(":{}", diagnostic.line));
        if diagnostic.column > 0 {
            location.push_str(&format!(":{}", diagnostic.column));
        }
    }
    location
}

/// See `escape_markup`.
pub(crate) use crate::text::escape_markup as escape;

const STYLE: &str = "<style>\
#passerelle-overlay{position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;\
margin:0;padding:1rem 1.5rem;background:#fff;color:#1a1a1a;border-top:6px solid #b00020;\
box-shadow:0 -4px 24px rgba(0,0,0,.35);font:16px/1.5 system-ui,sans-serif;text-align:left}\
#passerelle-overlay:focus{outline:3px solid #0b57d0;outline-offset:-3px}\
#passerelle-overlay h2{margin:0 0 .25rem;font-size:1.25rem;color:#b00020}\
#passerelle-overlay ol{margin:.5rem 0;padding-left:1.5rem}\
#passerelle-overlay li{margin:.35rem 0;white-space:pre-wrap;overflow-wrap:anywhere}\
#passerelle-overlay li.warning{color:#5c4400}\
#passerelle-overlay code{font:600 .95em ui-monospace,monospace;background:#f3f3f3;padding:0 .2em}\
#passerelle-overlay button{font:inherit;padding:.25rem .75rem;cursor:pointer}\
</style>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_escapes_messages_and_shows_locations() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(
            Diagnostic::error("content/a.md", "unknown region `<script>`")
                .at(4, 9)
                .field("region")
                .hint("did you mean `Estrie`?"),
        );
        let html = html(&diagnostics);
        assert!(html.contains("role=\"alertdialog\""));
        assert!(html.contains("<code>content/a.md:4:9</code>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("did you mean `Estrie`?"));
    }
}
