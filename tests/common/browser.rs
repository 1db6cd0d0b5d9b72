//! Headless Chromium for end-to-end tests (Debian's `chromium`).
//!
//! In CI (`CI=true`) a missing browser fails the test; elsewhere the test is skipped with a
//! printed reason.

use headless_chrome::{Browser, LaunchOptions};
use std::ffi::OsStr;
use std::path::PathBuf;

fn chromium_path() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Starts headless Chromium, or returns `None` (after printing why) when it is not
/// installed outside CI.
pub fn launch() -> Option<Browser> {
    let Some(path) = chromium_path() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is required in CI: apt-get install -y chromium");
        }
        eprintln!("SKIPPED: chromium not found (apt-get install -y chromium)");
        return None;
    };
    let user_data = tempfile::tempdir().expect("tempdir").keep();
    let args: Vec<&OsStr> = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .user_data_dir(Some(user_data))
        .args(args)
        .idle_browser_timeout(std::time::Duration::from_secs(120))
        .build()
        .expect("launch options");
    Some(Browser::new(options).expect("start chromium"))
}

/// Emulates a screen `width` CSS pixels wide (a phone below 500), for reflow checks.
pub fn set_width(tab: &headless_chrome::Tab, width: u32) {
    use headless_chrome::protocol::cdp::Emulation;
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height: 720,
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
    .expect("emulate screen width");
}

/// axe-core's source, from `npm install --prefix tests/a11y`; in CI its absence fails the
/// test, elsewhere the test is skipped with a printed reason.
pub fn axe_source() -> Option<String> {
    let path = super::repo_root().join("tests/a11y/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("axe-core is required in CI: npm install --prefix tests/a11y")
        }
        Err(_) => {
            eprintln!("SKIPPED: axe-core not installed (npm install --prefix tests/a11y)");
            None
        }
    }
}
