//! Pictures drawn at build time as inline SVG, with no script and nothing from another host:
//! the schematic map of Quebec's administrative regions and horizontal bar charts.
//!
//! Plain functions from numbers to markup. What the numbers are (which taxonomy, which
//! funding field) and the words around them (UI strings) are the context's business; every
//! text given here is escaped here.

use crate::text::match_key;
use std::fmt::Write;

/// One of Quebec's 17 administrative regions: official code, name, and tile on the
/// schematic map as `[column, row, width, height]` in half cells, so that Montréal and Laval
/// can be small tiles in the south-west.
struct QuebecRegion {
    code: u8,
    name: &'static str,
    tile: [u16; 4],
}

/// The tiles are placed roughly where the regions are: Nord-du-Québec across the top, the
/// north shore (Outaouais to Côte-Nord) in the middle row, the south shore and Estrie below,
/// Gaspésie at the east end. A cartogram, not a map: every region gets a readable tile.
const QUEBEC_REGIONS: [QuebecRegion; 17] = [
    region(1, "Bas-Saint-Laurent", [10, 4, 4, 2]),
    region(2, "Saguenay–Lac-Saint-Jean", [4, 2, 6, 2]),
    region(3, "Capitale-Nationale", [8, 4, 2, 2]),
    region(4, "Mauricie", [6, 4, 2, 2]),
    region(5, "Estrie", [6, 8, 2, 2]),
    region(6, "Montréal", [2, 7, 2, 1]),
    region(7, "Outaouais", [0, 4, 2, 4]),
    region(8, "Abitibi-Témiscamingue", [0, 2, 4, 2]),
    region(9, "Côte-Nord", [10, 2, 6, 2]),
    region(10, "Nord-du-Québec", [0, 0, 12, 2]),
    region(11, "Gaspésie–Îles-de-la-Madeleine", [14, 4, 2, 2]),
    region(12, "Chaudière-Appalaches", [8, 6, 2, 4]),
    region(13, "Laval", [2, 6, 2, 1]),
    region(14, "Lanaudière", [4, 4, 2, 2]),
    region(15, "Laurentides", [2, 4, 2, 2]),
    region(16, "Montérégie", [4, 6, 2, 4]),
    region(17, "Centre-du-Québec", [6, 6, 2, 2]),
];

const fn region(code: u8, name: &'static str, tile: [u16; 4]) -> QuebecRegion {
    QuebecRegion { code, name, tile }
}

/// SVG units of a half cell of the map's grid (16 × 10 half cells).
const HALF_CELL: u16 = 32;
const MAP_WIDTH: u16 = 16 * HALF_CELL;
const MAP_HEIGHT: u16 = 10 * HALF_CELL;

/// One term of a vocabulary, as `quebec_regions` reads it.
pub(super) struct VocabularyEntry<'a> {
    pub(super) code: Option<&'a str>,
    /// Its id, labels and aliases: any of them may name the region.
    pub(super) names: Vec<&'a str>,
}

/// For each term of a vocabulary, the Quebec region it is (an index for `region_code` and
/// `region_map`), when the vocabulary is Quebec's administrative regions: every term names a
/// different region, by name or by its code 01–17. `None` for any other vocabulary, so a
/// site about other places gets no map rather than a wrong one.
///
/// A code alone is trusted only when the vocabulary is the full list of 17 codes, or when
/// names confirm at least half of the terms: a vocabulary of French départements also has
/// codes 01 to 17.
pub(super) fn quebec_regions(vocabulary: &[VocabularyEntry]) -> Option<Vec<usize>> {
    if vocabulary.is_empty() || vocabulary.len() > QUEBEC_REGIONS.len() {
        return None;
    }
    let by_name = |entry: &VocabularyEntry| {
        entry.names.iter().find_map(|name| {
            let key = match_key(name);
            QUEBEC_REGIONS
                .iter()
                .position(|region| match_key(region.name) == key)
        })
    };
    let by_code = |entry: &VocabularyEntry| {
        let code: u8 = entry.code?.trim().parse().ok()?;
        QUEBEC_REGIONS.iter().position(|region| region.code == code)
    };
    let mut found = Vec::with_capacity(vocabulary.len());
    let mut named = 0;
    for entry in vocabulary {
        let index = match by_name(entry) {
            Some(index) => {
                named += 1;
                index
            }
            None => by_code(entry)?,
        };
        if found.contains(&index) {
            return None;
        }
        found.push(index);
    }
    let all_codes = found.len() == QUEBEC_REGIONS.len();
    (all_codes || named * 2 >= found.len()).then_some(found)
}

/// The official two-digit code of a region found by `quebec_regions`: `05`.
pub(super) fn region_code(region: usize) -> String {
    QUEBEC_REGIONS
        .get(region)
        .map(|r| format!("{:02}", r.code))
        .unwrap_or_default()
}

/// One region on the map.
pub(super) struct MapRegion<'a> {
    /// Index from `quebec_regions`.
    pub(super) region: usize,
    /// Its term page; `None` when no case study has the region (there is no page to link).
    pub(super) url: Option<&'a str>,
    pub(super) count: usize,
    /// Tooltip and name: « Estrie : 3 études de cas ».
    pub(super) title: &'a str,
    /// The count as printed on the tile (« 1 234 »).
    pub(super) count_text: &'a str,
}

/// A range of counts shaded alike on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CountClass {
    pub(super) min: usize,
    pub(super) max: usize,
    /// Fill of the tiles, and text colour readable on it (4.5:1 at least).
    pub(super) fill: &'static str,
    pub(super) ink: &'static str,
}

/// Light to dark; white text from the fourth. The lightest tiles are told from the page by
/// their outline (`MAP_STROKE`, over 3:1), not by their fill.
const SHADES: [(&str, &str); 5] = [
    ("#f3f5f8", "#1b1f24"),
    ("#d4e4f4", "#1b1f24"),
    ("#93bde4", "#1b1f24"),
    ("#2f6db0", "#ffffff"),
    ("#0b3f70", "#ffffff"),
];
const MAP_STROKE: &str = "#073761";

/// The shading classes for counts up to `max`: 0 apart (when `with_zero`), then at most four
/// ranges of equal width, the highest always the darkest.
pub(super) fn count_classes(max: usize, with_zero: bool) -> Vec<CountClass> {
    let mut classes = Vec::new();
    if with_zero || max == 0 {
        classes.push(CountClass {
            min: 0,
            max: 0,
            fill: SHADES[0].0,
            ink: SHADES[0].1,
        });
    }
    if max == 0 {
        return classes;
    }
    let width = max.div_ceil(4);
    let ranges = max.div_ceil(width);
    for i in 0..ranges {
        let (fill, ink) = SHADES[SHADES.len() - ranges + i];
        classes.push(CountClass {
            min: i * width + 1,
            max: ((i + 1) * width).min(max),
            fill,
            ink,
        });
    }
    classes
}

fn class_of(classes: &[CountClass], count: usize) -> Option<&CountClass> {
    classes.iter().find(|c| (c.min..=c.max).contains(&count))
}

/// The map of `regions`, shaded by `classes`, with `label` as its tooltip: each region a
/// rectangle with its code and count, inside a link to its page when it has one.
///
/// Hidden from assistive technology (`aria-hidden`), its links out of the tab order
/// (`tabindex="-1"`): the list that goes with the map carries the same links and counts, so
/// keyboard and screen reader users meet each once. (Named as one `role="img"`, the map would
/// be an image holding links, which axe-core refuses as nested interactive content.)
pub(super) fn region_map(regions: &[MapRegion], classes: &[CountClass], label: &str) -> String {
    let mut svg = String::with_capacity(512 + 400 * regions.len());
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="region-map-svg" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" width="{MAP_WIDTH}" height="{MAP_HEIGHT}" aria-hidden="true" focusable="false"><title>{}</title>"#,
        escape(label),
    );
    for map_region in regions {
        let Some(region) = QUEBEC_REGIONS.get(map_region.region) else {
            continue;
        };
        let [column, row, width, height] = region.tile.map(|v| v * HALF_CELL);
        let (fill, ink) =
            class_of(classes, map_region.count).map_or(SHADES[0], |c| (c.fill, c.ink));
        let title = escape(map_region.title);
        match map_region.url {
            Some(url) => {
                let _ = write!(
                    svg,
                    r#"<a href="{}" tabindex="-1" class="region-tile" data-code="{:02}"><title>{title}</title>"#,
                    escape(url),
                    region.code
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r#"<g class="region-tile" data-code="{:02}"><title>{title}</title>"#,
                    region.code
                );
            }
        }
        // A gap of 2 units on every side, so neighbouring tiles read as separate shapes.
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{fill}" stroke="{MAP_STROKE}"/>"#,
            column + 2,
            row + 2,
            width - 4,
            height - 4,
        );
        let count = escape(map_region.count_text);
        if height >= 2 * HALF_CELL {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" font-size="12" fill="{ink}">{:02}</text><text x="{}" y="{}" font-size="20" font-weight="700" text-anchor="middle" fill="{ink}">{count}</text>"#,
                column + 8,
                row + 17,
                region.code,
                column + width / 2,
                row + height / 2 + 12,
            );
        } else {
            // Half-height tiles (Montréal, Laval): code and count on one line.
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" font-size="12" fill="{ink}">{:02}</text><text x="{}" y="{}" font-size="14" font-weight="700" text-anchor="end" fill="{ink}">{count}</text>"#,
                column + 8,
                row + height / 2 + 4,
                region.code,
                column + width - 8,
                row + height / 2 + 5,
            );
        }
        svg.push_str(if map_region.url.is_some() {
            "</a>"
        } else {
            "</g>"
        });
    }
    svg.push_str("</svg>");
    svg
}

/// One bar of a chart.
pub(super) struct Bar<'a> {
    pub(super) label: &'a str,
    /// Length from 0 to 1 (see `fractions`).
    pub(super) fraction: f64,
    /// The value as printed at the end of the bar (« 643 000 $ »).
    pub(super) value: &'a str,
    /// Tooltip: « Estrie : 3 ».
    pub(super) title: &'a str,
}

/// Each value over the largest, for bar lengths; all 0 when none is above 0.
pub(super) fn fractions(values: &[f64]) -> Vec<f64> {
    let max = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    values
        .iter()
        .map(|&v| {
            if max > 0.0 && v.is_finite() {
                (v / max).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect()
}

const CHART_WIDTH: u32 = 360;
/// Room at the right of the longest bar for its value.
const VALUE_ROOM: u32 = 110;
const ROW_HEIGHT: u32 = 40;
/// Labels longer than this many characters are cut (with « … »): SVG text does not wrap,
/// and at 14 units a line of 360 holds about 48 characters. The full label is in the bar's title
/// and in the table beside the chart.
const LABEL_CHARS: usize = 46;
const BAR_FILL: &str = "#0b4f8a";
const INK: &str = "#1b1f24";

/// A horizontal bar chart: each bar under its label, its value after it. An
/// `<svg role="img">` named by the element whose id is `labelled_by` (the chart's heading).
pub(super) fn bar_chart(bars: &[Bar], labelled_by: &str) -> String {
    let height = ROW_HEIGHT * bars.len() as u32 + 8;
    let mut svg = String::with_capacity(256 + 320 * bars.len());
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {CHART_WIDTH} {height}" width="{CHART_WIDTH}" height="{height}" role="img" aria-labelledby="{}">"#,
        escape(labelled_by)
    );
    let room = f64::from(CHART_WIDTH - VALUE_ROOM);
    for (i, bar) in bars.iter().enumerate() {
        let top = ROW_HEIGHT * i as u32 + 4;
        let fraction = if bar.fraction.is_finite() {
            bar.fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Whole units; a value above 0 gets at least a sliver, so it is not read as 0.
        let mut length = (fraction * room).round();
        if fraction > 0.0 {
            length = length.max(2.0);
        }
        let _ = write!(
            svg,
            r#"<g><title>{}</title><text x="0" y="{}" font-size="14" fill="{INK}">{}</text>"#,
            escape(bar.title),
            top + 14,
            escape(&shorten(bar.label, LABEL_CHARS)),
        );
        if length > 0.0 {
            let _ = write!(
                svg,
                r#"<rect x="0" y="{}" width="{length}" height="14" fill="{BAR_FILL}"/>"#,
                top + 20,
            );
        }
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="14" fill="{INK}">{}</text></g>"#,
            length + 6.0,
            top + 32,
            escape(bar.value),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// `text` cut to `max` characters (not bytes), « … » included.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.truncate(short.trim_end().len());
    short.push('…');
    short
}

/// See `escape_markup`.
use crate::text::escape_markup as escape;

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(code: Option<&'a str>, names: &[&'a str]) -> VocabularyEntry<'a> {
        VocabularyEntry {
            code,
            names: names.to_vec(),
        }
    }

    #[test]
    fn the_seventeen_regions_are_found_by_name_or_code() {
        let by_name: Vec<_> = QUEBEC_REGIONS
            .iter()
            .map(|r| entry(None, &[r.name]))
            .collect();
        assert_eq!(quebec_regions(&by_name), Some((0..17).collect()));
        let codes: Vec<String> = (1..=17).map(|c| format!("{c:02}")).collect();
        let by_code: Vec<_> = codes
            .iter()
            .rev()
            .map(|c| entry(Some(c), &["Région"]))
            .collect();
        assert_eq!(quebec_regions(&by_code), Some((0..17).rev().collect()));
        // Spelled without accents or dashes, a few of them only.
        let some = [
            entry(None, &["gaspesie iles de la madeleine"]),
            entry(Some("05"), &["estrie"]),
        ];
        assert_eq!(quebec_regions(&some), Some(vec![10, 4]));
    }

    #[test]
    fn another_vocabulary_gets_no_map() {
        let departements = [
            entry(Some("01"), &["Ain"]),
            entry(Some("02"), &["Aisne"]),
            entry(Some("03"), &["Allier"]),
        ];
        assert_eq!(quebec_regions(&departements), None);
        let provinces = [entry(None, &["Ontario"]), entry(None, &["Estrie"])];
        assert_eq!(quebec_regions(&provinces), None);
        let twice = [entry(None, &["Estrie"]), entry(Some("05"), &["Cantons"])];
        assert_eq!(quebec_regions(&twice), None);
        assert_eq!(quebec_regions(&[]), None);
    }

    #[test]
    fn count_classes_cover_every_count_once_darkest_last() {
        for max in 0..60 {
            let classes = count_classes(max, true);
            assert!(classes.len() <= 5, "{max}: {classes:?}");
            for count in 0..=max {
                let n = classes
                    .iter()
                    .filter(|c| (c.min..=c.max).contains(&count))
                    .count();
                assert_eq!(n, 1, "{max}: count {count} in {n} classes");
            }
            if max > 0 {
                assert_eq!(classes.last().map(|c| c.fill), Some(SHADES[4].0));
                assert_eq!(classes.last().map(|c| c.max), Some(max));
            }
        }
        let classes = count_classes(3, false);
        let ranges: Vec<_> = classes.iter().map(|c| (c.min, c.max)).collect();
        assert_eq!(ranges, [(1, 1), (2, 2), (3, 3)]);
    }

    #[test]
    fn tiles_do_not_overlap_and_fit_the_map() {
        let mut cells = vec![None; 16 * 10];
        for region in &QUEBEC_REGIONS {
            let [x, y, w, h] = region.tile;
            assert!(x + w <= 16 && y + h <= 10, "{}", region.name);
            for cy in y..y + h {
                for cx in x..x + w {
                    let cell = &mut cells[usize::from(cy * 16 + cx)];
                    assert!(cell.is_none(), "{} overlaps {cell:?}", region.name);
                    *cell = Some(region.name);
                }
            }
        }
    }

    #[test]
    fn the_map_is_well_formed_svg_with_one_shape_per_region() {
        let titles: Vec<String> = (0..17)
            .map(|i| format!("Région {i} : <{i}> & co"))
            .collect();
        let counts: Vec<String> = (0..17).map(|i| i.to_string()).collect();
        let regions: Vec<MapRegion> = (0..17)
            .map(|i| MapRegion {
                region: i,
                url: (i > 0).then_some("/regions/x/?a=1&b=\"2\""),
                count: i,
                title: &titles[i],
                count_text: &counts[i],
            })
            .collect();
        let svg = region_map(&regions, &count_classes(16, true), "Carte <des> régions");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("aria-hidden"), Some("true"));
        let links: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        assert_eq!(links.len(), 16);
        assert!(
            links
                .iter()
                .all(|a| a.attribute("href") == Some("/regions/x/?a=1&b=\"2\""))
        );
        assert_eq!(
            doc.descendants().filter(|n| n.has_tag_name("rect")).count(),
            17
        );
        let first_title = doc
            .descendants()
            .filter(|n| n.has_tag_name("title"))
            .nth(1)
            .and_then(|t| t.text());
        assert_eq!(first_title, Some("Région 0 : <0> & co"));
    }

    #[test]
    fn bar_charts_are_well_formed_svg_with_one_bar_per_value_above_zero() {
        let values = [3.0, 0.0, 1.5, f64::NAN];
        let fractions = fractions(&values);
        assert_eq!(fractions, [1.0, 0.0, 0.5, 0.0]);
        let long = "x".repeat(100);
        let labels = ["a & b", "zéro", long.as_str(), "nan"];
        let bars: Vec<Bar> = labels
            .iter()
            .zip(&fractions)
            .map(|(label, &fraction)| Bar {
                label,
                fraction,
                value: "1\u{a0}234\u{a0}$",
                title: label,
            })
            .collect();
        let svg = bar_chart(&bars, "titre");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        assert_eq!(
            doc.root_element().attribute("aria-labelledby"),
            Some("titre")
        );
        assert_eq!(
            doc.descendants().filter(|n| n.has_tag_name("rect")).count(),
            2
        );
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(texts[0], "a & b");
        assert_eq!(texts[4].chars().count(), LABEL_CHARS);
        assert!(texts[4].ends_with('…'));
    }
}
