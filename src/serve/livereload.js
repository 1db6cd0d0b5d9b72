// Passerelle preview: reloads this page when its file changes, swaps style sheets without a
// reload, and shows build errors over the page. Injected by `passerelle serve` only; never
// part of a built site.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.EventSource) return;
  var page = script.getAttribute("data-path");
  var generation = Number(script.getAttribute("data-generation"));
  var instance = script.getAttribute("data-instance");
  var overlayId = "passerelle-overlay";
  var scrollKey = "passerelle:scroll:" + location.pathname + location.search;
  var reloadExtensions = /\.(js|mjs|png|jpe?g|gif|webp|avif|svg|ico|woff2?|ttf|otf|mp4|webm|mp3|pdf)$/i;

  // Put the page back where the reader was before the reload.
  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved) {
      sessionStorage.removeItem(scrollKey);
      var position = JSON.parse(saved);
      var restore = function () { window.scrollTo(position[0], position[1]); };
      restore();
      document.addEventListener("DOMContentLoaded", restore);
      window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be disabled */ }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) { /* reload anyway */ }
    location.reload();
  }

  function hideOverlay() {
    var old = document.getElementById(overlayId);
    if (old) old.parentNode.removeChild(old);
  }

  function showOverlay(html) {
    hideOverlay();
    var holder = document.createElement("div");
    holder.innerHTML = html; // made and escaped by the server
    var overlay = holder.firstElementChild;
    if (!overlay) return;
    document.body.appendChild(overlay);
    wireOverlay(overlay);
    overlay.focus();
  }

  function wireOverlay(overlay) {
    var button = overlay.querySelector("[data-passerelle-close]");
    if (button) button.addEventListener("click", hideOverlay);
    overlay.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hideOverlay();
    });
  }

  // Style sheets: load the new version beside the old one, then drop the old one.
  function swapStyles(paths, version) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin || paths.indexOf(url.pathname) < 0) continue;
      url.searchParams.set("passerelle", String(version));
      var fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", (function (old) {
        return function () { if (old.parentNode) old.parentNode.removeChild(old); };
      })(link));
      link.parentNode.insertBefore(fresh, link.nextSibling);
    }
  }

  var existing = document.getElementById(overlayId);
  if (existing) {
    wireOverlay(existing);
    existing.focus();
  }

  function connect() {
    var source = new EventSource(script.getAttribute("data-events") +
      "?path=" + encodeURIComponent(page) + "&generation=" + generation);

    // The browser reconnects by itself after a network error, but not after a refusal (503
    // when too many pages are open on the preview): try again a little later.
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });

    source.addEventListener("hello", function (event) {
      var data = JSON.parse(event.data);
      if (data.instance !== instance || data.stale) return reload();
      if (data.overlay) showOverlay(data.overlay); else hideOverlay();
    });

    source.addEventListener("errors", function (event) {
      showOverlay(JSON.parse(event.data).overlay);
    });

    source.addEventListener("build", function (event) {
      var data = JSON.parse(event.data);
      // Files may change while the site is broken (exports made later): the errors stay.
      if (data.overlay) showOverlay(data.overlay); else hideOverlay();
      var touched = data.changed.concat(data.removed);
      if (touched.indexOf(page) >= 0) return reload();
      var styles = [];
      for (var i = 0; i < data.changed.length; i++) {
        var path = data.changed[i];
        if (reloadExtensions.test(path)) return reload();
        if (/\.css$/i.test(path)) styles.push(data.base + path);
      }
      if (styles.length) swapStyles(styles, data.generation);
    });
  }

  connect();
})();
