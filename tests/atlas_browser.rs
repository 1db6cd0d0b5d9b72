//! The region map and the statistics page in headless Chromium, on a desktop and on a phone:
//! no horizontal scrolling, the pictures inside the screen, and a screenshot of each page
//! for a person to look at (under Cargo's target tmp folder, `atlas-screenshots/`).

mod common;

use headless_chrome::Tab;
use headless_chrome::protocol::cdp::{Emulation, Page};

const PAGES: &[&str] = &["/", "/statistiques/", "/regions/"];
const WIDTHS: &[u32] = &[1280, 375];

fn open(tab: &Tab, url: &str) {
    tab.navigate_to(url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("main").unwrap();
}

fn number(tab: &Tab, script: &str) -> f64 {
    let value = tab.evaluate(script, false).unwrap().value;
    value
        .and_then(|v| v.as_f64())
        .unwrap_or_else(|| panic!("{script} gave no number"))
}

/// The whole page as a PNG: the viewport stretched to the page's height first.
fn screenshot(tab: &Tab, width: u32) -> Vec<u8> {
    let height = number(tab, "document.documentElement.scrollHeight") as u32;
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height: height.clamp(1, 16_000),
        device_scale_factor: 1.0,
        mobile: width < 500,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
    tab.capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap()
}

#[test]
fn home_and_statistics_pages_do_not_overflow_at_1280_and_375_px() {
    let Some(browser) = common::browser::launch() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let (code, _, err) = common::passerelle(&[
        "build",
        "--root",
        common::repo_root().to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let base = common::static_server(public);
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("atlas-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let tab = browser.new_tab().unwrap();
    let mut problems = Vec::new();
    for &width in WIDTHS {
        for page in PAGES {
            common::browser::set_width(&tab, width);
            open(&tab, &format!("{base}{page}"));
            let scroll = number(&tab, "document.documentElement.scrollWidth");
            let inner = number(&tab, "window.innerWidth");
            if scroll > inner {
                problems.push(format!(
                    "{page} at {width} px: scrollWidth {scroll} > innerWidth {inner}"
                ));
            }
            // Every picture (map, charts) is drawn, and inside the screen.
            let pictures = tab
                .evaluate(
                    "JSON.stringify([...document.querySelectorAll('svg.region-map-svg, svg.chart-svg')].map(s => { const r = s.getBoundingClientRect(); return [r.left, r.right, r.width, r.height]; }))",
                    false,
                )
                .unwrap()
                .value
                .unwrap();
            let pictures: Vec<[f64; 4]> = serde_json::from_str(pictures.as_str().unwrap()).unwrap();
            if *page != "/statistiques/" {
                assert_eq!(pictures.len(), 1, "{page}: one map");
            } else {
                assert!(pictures.len() >= 6, "{page}: {} charts", pictures.len());
            }
            for [left, right, w, h] in pictures {
                if left < 0.0 || right > inner + 0.5 || w < 100.0 || h < 50.0 {
                    problems.push(format!(
                        "{page} at {width} px: a picture at {left}..{right} ({w}×{h})"
                    ));
                }
            }
            let name = match page.trim_matches('/') {
                "" => "accueil".to_string(),
                slug => slug.replace('/', "-"),
            };
            std::fs::write(
                shots.join(format!("{name}-{width}.png")),
                screenshot(&tab, width),
            )
            .unwrap();
            // And the first picture with what goes with it (legend, list, table), up close.
            let detail = "JSON.stringify((() => { const r = document.querySelector('.region-map, .chart').getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.width, r.height]; })())";
            let value = tab.evaluate(detail, false).unwrap().value.unwrap();
            let [x, y, w, h]: [f64; 4] = serde_json::from_str(value.as_str().unwrap()).unwrap();
            let clip = Page::Viewport {
                x,
                y,
                width: w.max(1.0),
                height: h.max(1.0),
                scale: 1.0,
            };
            let png = tab
                .capture_screenshot(
                    Page::CaptureScreenshotFormatOption::Png,
                    None,
                    Some(clip),
                    true,
                )
                .unwrap();
            std::fs::write(shots.join(format!("{name}-{width}-detail.png")), png).unwrap();
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
