//! Paginated lists: which items a page shows, its URL, the window of page links.

use super::ListOf;
use super::context::Global;
use super::inputs::Shared;

impl Global<'_> {
    pub(super) fn per_page(&self) -> usize {
        self.config.config.paginate.max(1)
    }

    /// Pages of a list of `len` items (one when it is empty).
    pub(super) fn total_pages(&self, len: usize) -> usize {
        len.div_ceil(self.per_page()).max(1)
    }

    /// The slice of a list's `len` items shown on page `page`.
    pub(super) fn page_range(&self, len: usize, page: usize) -> (usize, usize) {
        let start = (page.saturating_sub(1) * self.per_page()).min(len);
        (start, (start + self.per_page()).min(len))
    }
}

impl Shared<'_> {
    pub(super) fn total_pages(&self, lang: usize, list: ListOf) -> usize {
        self.global.total_pages(self.list_items(lang, list).len())
    }

    pub(super) fn page_url(&self, lang: usize, list: ListOf, page: usize) -> String {
        page_url(self.list_url(lang, list), page)
    }
}

/// Pages of the list whose first page is at `url`: `url`, `url/page/2/`, …
pub(super) fn page_url(url: &str, page: usize) -> String {
    if page == 1 {
        url.to_string()
    } else {
        format!("{url}page/{page}/")
    }
}

/// Page numbers to link from page `current`: the first, the last, and two on each side of
/// the current one; `None` marks a gap. Keeps list pages small when there are thousands.
pub(super) fn page_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut numbers = Vec::new();
    let mut previous = 0;
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near {
            if n > previous + 1 {
                numbers.push(None);
            }
            numbers.push(Some(n));
            previous = n;
        }
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_links_a_window_around_the_current_page() {
        let shown = |current, total| -> Vec<Option<usize>> { page_window(current, total) };
        assert_eq!(shown(1, 1), [Some(1)]);
        assert_eq!(shown(1, 3), [Some(1), Some(2), Some(3)]);
        assert_eq!(
            shown(10, 100),
            [
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(100)
            ]
        );
    }
}
