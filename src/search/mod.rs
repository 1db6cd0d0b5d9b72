//! Stage 6: the search index, written as static files under `search/` and read by
//! `static/search.js` in the browser. No server: a query fetches a few small files.
//!
//! - `tokenize`: what a word is (folding, elisions) and its key (Snowball stem, folded).
//! - `index`: the case studies and content pages read into an inverted index with BM25F
//!   impacts.
//! - `sections`: where a document's headings start, for results that link to a section.
//! - `facets`: the taxonomies readers narrow results by.
//! - `shard`: the index cut into content-hashed files; the file formats are described there.
//! - `encode`: the integer and document-set encodings shared with the browser.

pub mod encode;
pub mod facets;
pub mod index;
pub mod sections;
pub mod shard;
pub mod tokenize;

pub use index::Analyses;

use crate::model::Site;

/// Folder of the index in the output, relative to the site root.
pub const INDEX_DIR: &str = "search/";

/// Makes every file of the search index into `put`, one at a time: its path relative to
/// the site root and its bytes. `analyses`: what the preview keeps between runs (see
/// `index::build_with`); a build passes `None`.
pub fn index_files(
    site: &Site,
    config_key: u64,
    analyses: Option<&mut Analyses>,
    put: &mut shard::Put<'_>,
) {
    let put = &mut |path: String, bytes| put(format!("{INDEX_DIR}{path}"), bytes);
    let facets = facets::facets(site);
    let doc_values = shard::doc_values(site.items().count(), &facets);
    // Each document's shard is made as soon as the index has read it.
    let mut doc_shards = shard::DocShards::new(site, &doc_values);
    let index = index::build_with(site, config_key, analyses, &mut |excerpts| {
        doc_shards.push(excerpts, put)
    });
    let doc_shards = doc_shards.finish(put);
    shard::files(site, index, &facets, &doc_values, doc_shards, put);
}
