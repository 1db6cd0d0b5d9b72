//! The error overlay: the build's diagnostics, as the terminal prints them, shown over every
//! page while the last build failed. Made here, escaped here; the browser script only
//! inserts it.

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::messages::Lang;

/// Id of the overlay element; the live-reload script finds it by this id.
pub(crate) const OVERLAY_ID: &str = "passerelle-overlay";

/// The overlay as an HTML fragment (a `role="alertdialog"` element with its own styles),
/// its frame and its lines in `lang`, the terminal's language.
pub(crate) fn html(diagnostics: &Diagnostics, lang: Lang) -> String {
    let errors = diagnostics.error_count();
    let frame = Frame::of(lang);
    let mut out = String::with_capacity(2048);
    out.push_str(&format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alertdialog\" aria-modal=\"false\" \
         aria-labelledby=\"{OVERLAY_ID}-title\" aria-describedby=\"{OVERLAY_ID}-summary\" \
         tabindex=\"-1\" lang=\"{}\">",
        lang.code()
    ));
    out.push_str(STYLE);
    let title = if errors > 1 {
        frame.title_many
    } else {
        frame.title_one
    };
    out.push_str(&format!(
        "<h2 id=\"{OVERLAY_ID}-title\">{}</h2>",
        escape(&title.replace("{errors}", &errors.to_string()))
    ));
    out.push_str(&format!(
        "<p id=\"{OVERLAY_ID}-summary\">{}</p>",
        escape(frame.summary)
    ));
    out.push_str("<ol>");
    for diagnostic in diagnostics.shown() {
        item(&diagnostic, lang, &mut out);
    }
    out.push_str("</ol>");
    out.push_str(&format!(
        "<p><button type=\"button\" data-passerelle-close>{}</button></p></div>",
        escape(frame.close)
    ));
    out
}

/// The overlay's own words around the diagnostics.
struct Frame {
    title_one: &'static str,
    title_many: &'static str,
    summary: &'static str,
    close: &'static str,
}

impl Frame {
    fn of(lang: Lang) -> Frame {
        match lang {
            Lang::Fr => Frame {
                title_one: "Le site n’a pas pu être reconstruit ({errors} erreur)",
                title_many: "Le site n’a pas pu être reconstruit ({errors} erreurs)",
                summary: "La dernière version correcte reste affichée. Corrigez le fichier et \
                          enregistrez\u{a0}: cette page se mettra à jour d’elle-même.",
                close: "Masquer (Échap)",
            },
            Lang::En => Frame {
                title_one: "The site could not be rebuilt ({errors} error)",
                title_many: "The site could not be rebuilt ({errors} errors)",
                summary: "The last good version stays on screen. Fix the file and save: this \
                          page will update by itself.",
                close: "Hide (Esc)",
            },
        }
    }
}

fn item(diagnostic: &Diagnostic, lang: Lang, out: &mut String) {
    let class = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // The line is the terminal's line; the location is set apart so it stands out.
    let line = diagnostic.render(lang);
    let location = diagnostic.location();
    let rest = line.strip_prefix(&location).unwrap_or(&line);
    out.push_str(&format!(
        "<li class=\"{class}\"><code>{}</code>{}</li>",
        escape(&location),
        escape(rest)
    ));
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
        let html = html(&diagnostics, Lang::En);
        assert!(html.contains("role=\"alertdialog\""));
        assert!(html.contains("<code>content/a.md:4:9</code>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("did you mean `Estrie`?"));
    }

    #[test]
    fn the_overlay_speaks_the_terminals_language() {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(
            Diagnostic::error(
                "content/a.md",
                crate::messages::UNKNOWN_VALUE.with("value", "Estri"),
            )
            .at(4, 9)
            .field("region"),
        );
        for lang in Lang::ALL {
            let html = html(&diagnostics, lang);
            assert!(
                html.contains(&format!("lang=\"{}\"", lang.code())),
                "{html}"
            );
            let line = diagnostics
                .report_in(lang)
                .lines()
                .next()
                .unwrap()
                .to_string();
            let rest = line.strip_prefix("content/a.md:4:9").unwrap();
            assert!(html.contains(&escape(rest)), "{html}");
        }
        let french = html(&diagnostics, Lang::Fr);
        assert!(french.contains("Le site n’a pas pu être reconstruit (1 erreur)"));
        assert!(french.contains("valeur inconnue"));
        let english = html(&diagnostics, Lang::En);
        assert!(english.contains("The site could not be rebuilt (1 error)"));
        assert!(english.contains("Hide (Esc)") && english.contains("unknown value `Estri`"));
    }
}
