//! The sitemap: every URL of the site in `sitemap.xml`, or past the protocol's limits an
//! index at `sitemap.xml` that lists parts `sitemap-1.xml`, `sitemap-2.xml`…
//!
//! sitemaps.org allows 50,000 URLs and 50 MB (uncompressed) per file, and search engines
//! refuse larger files: at 100,000 case studies one file held 100,166 URLs.

use super::inputs::Shared;
use serde::Serialize;

/// What one sitemap file may hold.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limit {
    pub(super) urls: usize,
    pub(super) bytes: usize,
}

/// The sitemaps.org protocol's limit.
pub(super) const LIMIT: Limit = Limit {
    urls: 50_000,
    bytes: 50 * 1024 * 1024,
};

/// Bytes of a sitemap beside its entries: the XML declaration and the `urlset` element, with
/// room to spare for a theme's own comments.
const FILE_OVERHEAD: usize = 1024;
/// Bytes of an entry beside its `loc` and `lastmod` values: the tags, indent and newline.
const URL_OVERHEAD: usize = 64;

/// One URL of the sitemap, as the template sees it (`entry.loc`, `entry.lastmod`); hashed as
/// it is into the key of the file that shows it (see `PageInputs`).
#[derive(Debug, Serialize, Hash)]
pub(super) struct SitemapUrl {
    pub(super) loc: String,
    pub(super) lastmod: Option<String>,
    /// Its versions in every language, itself included, as Google reads them from a
    /// sitemap (`xhtml:link rel="alternate" hreflang`); empty when it has no other.
    pub(super) alternates: Vec<Alternate>,
}

/// One language version of a sitemap URL.
#[derive(Debug, Serialize, Hash)]
pub(super) struct Alternate {
    pub(super) lang: String,
    pub(super) href: String,
}

/// Bytes of an alternate beside its values: `<xhtml:link rel="alternate" hreflang="" href=""/>`.
const ALTERNATE_OVERHEAD: usize = 64;

impl SitemapUrl {
    /// An upper bound of the entry's size in the file: Tera escapes `&<>"'` into entities
    /// of at most six bytes.
    fn size(&self) -> usize {
        let escaped =
            |text: &str| text.len() + 5 * text.bytes().filter(|b| b"&<>\"'".contains(b)).count();
        let alternates: usize = (self.alternates.iter())
            .map(|a| ALTERNATE_OVERHEAD + escaped(&a.lang) + escaped(&a.href))
            .sum();
        URL_OVERHEAD + escaped(&self.loc) + self.lastmod.as_deref().map_or(0, escaped) + alternates
    }
}

/// One sitemap file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SitemapFile {
    /// `sitemap.xml` with every URL of the site: within the limit, as it always was.
    Whole,
    /// `sitemap.xml` as a `sitemapindex` of `parts` files.
    Index { parts: usize },
    /// `sitemap-<number>.xml` (from 1): the site's URLs `start..end`.
    Part {
        number: usize,
        start: usize,
        end: usize,
    },
}

impl SitemapFile {
    pub(super) fn path(self) -> String {
        match self {
            SitemapFile::Whole | SitemapFile::Index { .. } => "sitemap.xml".into(),
            SitemapFile::Part { number, .. } => part_path(number),
        }
    }

    pub(super) fn template(self) -> &'static str {
        match self {
            SitemapFile::Whole | SitemapFile::Part { .. } => "sitemap.xml",
            SitemapFile::Index { .. } => "sitemap_index.xml",
        }
    }
}

fn part_path(number: usize) -> String {
    format!("sitemap-{number}.xml")
}

/// The sitemap files for `urls`: one whole file when they fit in `limit`; otherwise an index
/// and parts, filled in order, each within `limit`.
pub(super) fn plan(urls: &[SitemapUrl], limit: Limit) -> Vec<SitemapFile> {
    let room = limit.bytes.saturating_sub(FILE_OVERHEAD);
    let total: usize = urls.iter().map(SitemapUrl::size).sum();
    if urls.len() <= limit.urls && total <= room {
        return vec![SitemapFile::Whole];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (index, url) in urls.iter().enumerate() {
        let size = url.size();
        // A part holds at least one URL, so that an oversized one cannot stop the split.
        if index > start && (index - start == limit.urls || bytes + size > room) {
            parts.push((start, index));
            start = index;
            bytes = 0;
        }
        bytes += size;
    }
    parts.push((start, urls.len()));
    let mut files = vec![SitemapFile::Index { parts: parts.len() }];
    files.extend(
        parts
            .into_iter()
            .enumerate()
            .map(|(n, (start, end))| SitemapFile::Part {
                number: n + 1,
                start,
                end,
            }),
    );
    files
}

impl Shared<'_> {
    /// Every URL of the site, in the sitemap's order: the home pages, case studies and pages,
    /// then in each language the list of all case studies, the statistics, the proposal
    /// form, taxonomies with their terms; each with its versions in the other languages.
    /// Made once per build.
    pub(super) fn sitemap_urls(&self) -> &[SitemapUrl] {
        self.sitemap.get_or_init(|| {
            let site = self.site;
            let base = &site.base_path;
            // `versions`: (lang, URL) of the page in every language, itself included.
            let url = |url: &str, lastmod: Option<String>, versions: Vec<(&str, String)>| {
                let alternates = if versions.len() > 1 {
                    (versions.into_iter())
                        .map(|(lang, url)| Alternate {
                            lang: lang.to_string(),
                            href: self.global.permalink(&url),
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                SitemapUrl {
                    loc: self.global.permalink(url),
                    lastmod,
                    alternates,
                }
            };
            let homes: Vec<(&str, String)> = (self.langs.iter())
                .map(|view| (view.code, format!("{base}{}", view.path)))
                .collect();
            // A page every language has, at `path` from a language's home.
            let everywhere = |path: &str| -> Vec<(&str, String)> {
                (homes.iter())
                    .map(|(lang, home)| (*lang, format!("{home}{path}")))
                    .collect()
            };
            let mut urls: Vec<SitemapUrl> = (homes.iter())
                .map(|(_, home)| url(home, None, everywhere("")))
                .collect();
            for item in site.items() {
                let mut versions = vec![(item.entry.lang.as_str(), item.url.clone())];
                versions.extend(
                    (item.translations.iter()).map(|(lang, url)| (lang.as_str(), url.clone())),
                );
                let lastmod = item.entry.date.map(|d| d.to_string());
                urls.push(url(&item.url, lastmod, versions));
            }
            let section = &site.config.config.case_studies.section;
            for (lang, view) in self.langs.iter().enumerate() {
                let home = format!("{base}{}", view.path);
                for path in [
                    format!("{section}/"),
                    super::STATISTICS_PATH.to_string(),
                    super::PROPOSE_PATH.to_string(),
                ] {
                    urls.push(url(&format!("{home}{path}"), None, everywhere(&path)));
                }
                for (t, taxonomy) in view.taxonomies.iter().enumerate() {
                    let path = format!("{}/", taxonomy.slug);
                    urls.push(url(&taxonomy.url, None, everywhere(&path)));
                    for (k, term) in taxonomy.terms.iter().enumerate() {
                        let list = super::ListOf::Term {
                            taxonomy: t,
                            term: k,
                        };
                        let mut versions = vec![(view.code, term.url.clone())];
                        versions.extend(self.list_alternates(lang, list, 1));
                        urls.push(url(&term.url, None, versions));
                    }
                }
            }
            urls
        })
    }

    /// The absolute URLs of the parts an index lists.
    pub(super) fn sitemap_parts(&self, parts: usize) -> Vec<SitemapUrl> {
        (1..=parts)
            .map(|number| SitemapUrl {
                loc: (self.global).permalink(&format!(
                    "{}{}",
                    self.site.base_path,
                    part_path(number)
                )),
                lastmod: None,
                alternates: Vec::new(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::MemorySink;
    use crate::render::Renderer;

    fn urls(count: usize) -> Vec<SitemapUrl> {
        (0..count)
            .map(|n| SitemapUrl {
                loc: format!("https://example.org/{n}/"),
                lastmod: None,
                alternates: Vec::new(),
            })
            .collect()
    }

    const THREE: Limit = Limit {
        urls: 3,
        bytes: LIMIT.bytes,
    };

    #[test]
    fn a_sitemap_within_the_limit_is_one_file() {
        assert_eq!(plan(&urls(3), THREE), [SitemapFile::Whole]);
        assert_eq!(plan(&[], THREE), [SitemapFile::Whole]);
    }

    #[test]
    fn a_sitemap_past_the_url_limit_is_split_in_order() {
        let files = plan(&urls(7), THREE);
        assert_eq!(
            files,
            [
                SitemapFile::Index { parts: 3 },
                SitemapFile::Part {
                    number: 1,
                    start: 0,
                    end: 3
                },
                SitemapFile::Part {
                    number: 2,
                    start: 3,
                    end: 6
                },
                SitemapFile::Part {
                    number: 3,
                    start: 6,
                    end: 7
                },
            ]
        );
    }

    #[test]
    fn a_sitemap_past_the_byte_limit_is_split() {
        let urls = urls(10);
        let size = urls[0].size();
        // Room for two entries per file, whatever the URL count allows.
        let limit = Limit {
            urls: 1000,
            bytes: FILE_OVERHEAD + 2 * size + 1,
        };
        let files = plan(&urls, limit);
        assert_eq!(files[0], SitemapFile::Index { parts: 5 });
        for file in &files[1..] {
            let SitemapFile::Part { start, end, .. } = *file else {
                panic!("{file:?}");
            };
            assert_eq!(end - start, 2);
        }
    }

    /// The example site's sitemap rendered with room for three URLs a file, parsed.
    #[test]
    fn past_the_limit_sitemap_xml_is_an_index_of_parts() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut options = crate::BuildOptions::new(root);
        options.base_url = Some("https://example.org/pratiques/".into());
        let (site, theme, templates) = crate::render::built_for_tests(&options);
        let renderer = Renderer::new(&site, &theme, &templates);
        let jobs = renderer.jobs_within(THREE);
        let sink = MemorySink::default();
        let mut problems = Vec::new();
        renderer.render(jobs.iter().collect(), &sink, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let files = sink.into_files();
        let every_url: Vec<String> = renderer
            .shared
            .sitemap_urls()
            .iter()
            .map(|u| u.loc.clone())
            .collect();
        assert!(
            every_url.len() > 3 * 3,
            "too few URLs to test: {every_url:?}"
        );

        let text = |path: &str| String::from_utf8(files[path].clone()).unwrap();
        let locs = |xml: &str, root: &str, entry: &str| -> Vec<String> {
            let document = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}"));
            let top = document.root_element();
            assert_eq!(top.tag_name().name(), root);
            assert_eq!(
                top.tag_name().namespace(),
                Some("http://www.sitemaps.org/schemas/sitemap/0.9")
            );
            top.children()
                .filter(|n| n.has_tag_name(entry))
                .map(|n| {
                    let loc = n.children().find(|c| c.has_tag_name("loc")).unwrap();
                    loc.text().unwrap().to_string()
                })
                .collect()
        };
        let index = locs(&text("sitemap.xml"), "sitemapindex", "sitemap");
        let parts = every_url.len().div_ceil(3);
        let expected: Vec<String> = (1..=parts)
            .map(|n| format!("https://example.org/pratiques/sitemap-{n}.xml"))
            .collect();
        assert_eq!(index, expected);
        let mut listed = Vec::new();
        for n in 1..=parts {
            let part = locs(&text(&format!("sitemap-{n}.xml")), "urlset", "url");
            assert!(!part.is_empty() && part.len() <= 3, "part {n}: {part:?}");
            listed.extend(part);
        }
        assert_eq!(listed, every_url);
        assert!(!files.contains_key(&format!("sitemap-{}.xml", parts + 1)));
        let robots = text("robots.txt");
        assert!(robots.contains("Sitemap: https://example.org/pratiques/sitemap.xml"));

        // Each part is a job of its own, with a key made from its URLs: planned again, the
        // keys are the same, and no two parts share one.
        let keys = |jobs: &[crate::render::PageJob]| -> Vec<(String, u64)> {
            jobs.iter()
                .filter(|j| j.path.starts_with("sitemap"))
                .map(|j| (j.path.clone(), j.key))
                .collect()
        };
        let first = keys(&jobs);
        assert_eq!(first.len(), parts + 1);
        assert_eq!(first, keys(&renderer.jobs_within(THREE)));
        let distinct: std::collections::BTreeSet<u64> = first.iter().map(|(_, k)| *k).collect();
        assert_eq!(distinct.len(), first.len());
    }
}
