/*! Passerelle search page: the form of templates/search.html driven by passerelle.search()
 * (static/search.js). The page's state lives in its URL (?q=…&region=estrie&theme=…), so a
 * search can be bookmarked and shared, and Back returns to the previous one. */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var engine = window.passerelle;
  if (!form || !engine || !engine.search) return;

  var input = document.getElementById("search-q");
  var ui = document.getElementById("search-ui");
  var filtersBox = document.getElementById("search-filters");
  var facetsBox = document.getElementById("search-facets");
  var clearButton = document.getElementById("search-clear");
  var section = document.getElementById("search-results-section");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var moreButton = document.getElementById("search-more");
  var strings = form.dataset;
  var lang = document.documentElement.lang || "fr";
  var PAGE = 10;
  var MIN_LENGTH = 2;
  var DEBOUNCE_MS = 150;

  var manifest = null;
  var current = null; // { q, filters } shown
  // Facet counts for several words (or a word read as a prefix of several) read one file per
  // facet, and those grow with the collection: 355 KB at 100,000 case studies, more than
  // three times what the rest of such a query costs. So the page counts them only once the reader
  // turns to the filters (opens them, points at them, tabs into them or ticks one), and from
  // then on for every query; until then those counts are left blank. One word counts from
  // its own postings, and browsing from the manifest, at no cost: those always show.
  var countsWanted = false;
  var deferred = null; // { q, filters } of the query shown, while its counts wait for the reader
  var shown = 0;
  var total = 0;
  var sequence = 0;
  var timer = 0;

  ui.hidden = false;

  function format(template, count) {
    return String(template || "").replace("{count}", Number(count).toLocaleString(lang));
  }

  // ----- State <-> URL and controls ------------------------------------------------------

  /** Reads { q, filters } from the URL; facet parameters may use any alias. */
  function stateFromUrl() {
    var params = new URLSearchParams(window.location.search);
    var wanted = {};
    params.forEach(function (value, name) {
      if (name === "q" || !manifest) return;
      var facet = manifest.facetByName.get(engine.fold(name));
      if (facet) (wanted[facet.param] = wanted[facet.param] || []).push(value);
    });
    return { q: params.get("q") || "", filters: normal(wanted) };
  }

  /** Filters in the manifest's order of facets and values, unknown ones dropped, so that
   * two equal states compare equal. */
  function normal(filters) {
    var out = {};
    manifest.facets.list.forEach(function (facet) {
      var wanted = filters[facet.param] || [];
      var ids = facet.values.filter(function (v) { return wanted.indexOf(v.id) >= 0; }).map(function (v) { return v.id; });
      if (ids.length) out[facet.param] = ids;
    });
    return out;
  }

  function stateFromControls() {
    var filters = {};
    facetsBox.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
      (filters[box.name] = filters[box.name] || []).push(box.value);
    });
    return { q: input.value, filters: normal(filters) };
  }

  function urlFor(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    manifest.facets.list.forEach(function (facet) {
      (state.filters[facet.param] || []).forEach(function (id) { params.append(facet.param, id); });
    });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "") + window.location.hash;
  }

  function showState(state) {
    input.value = state.q;
    facetsBox.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.checked = (state.filters[box.name] || []).indexOf(box.value) >= 0;
    });
  }

  function same(a, b) {
    return a && b && a.q.trim() === b.q.trim() && JSON.stringify(a.filters) === JSON.stringify(b.filters);
  }

  function hasFilters(state) {
    return Object.keys(state.filters).some(function (k) { return state.filters[k].length > 0; });
  }

  // ----- Facets -------------------------------------------------------------------------

  function buildFacets() {
    manifest.facets.list.forEach(function (facet) {
      var fieldset = document.createElement("fieldset");
      fieldset.className = "facet";
      fieldset.dataset.facet = facet.param;
      var legend = document.createElement("legend");
      legend.textContent = strings["legend" + camel(facet.name)] || facet.name;
      fieldset.appendChild(legend);
      var ul = document.createElement("ul");
      facet.values.forEach(function (value) {
        var li = document.createElement("li");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.name = facet.param;
        box.value = value.id;
        box.id = "facet-" + facet.param + "-" + value.id;
        var label = document.createElement("label");
        label.htmlFor = box.id;
        // In the page's language when the index has the label in it.
        var text = (value.labels && value.labels[lang]) || value.label;
        label.appendChild(document.createTextNode(text + " "));
        var count = document.createElement("span");
        count.className = "facet-count";
        label.appendChild(count);
        li.appendChild(box);
        li.appendChild(label);
        ul.appendChild(li);
      });
      fieldset.appendChild(ul);
      facetsBox.appendChild(fieldset);
    });
  }

  function camel(name) {
    return name.split(/[_-]/).map(function (part) {
      return part.charAt(0).toUpperCase() + part.slice(1);
    }).join("");
  }

  function showFacets(facets) {
    facets.forEach(function (facet) {
      facet.values.forEach(function (value) {
        var box = document.getElementById("facet-" + facet.param + "-" + value.id);
        if (!box) return;
        var count = box.parentNode.querySelector(".facet-count");
        count.textContent = value.count == null ? "" : "(" + Number(value.count).toLocaleString(lang) + ")";
        box.parentNode.classList.toggle("facet-empty", value.count === 0 && !value.selected);
      });
    });
  }

  // ----- Results ------------------------------------------------------------------------

  function appendParts(parent, parts) {
    parts.forEach(function (part) {
      if (part.mark) {
        var mark = document.createElement("mark");
        mark.textContent = part.text;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(part.text));
      }
    });
  }

  function resultItem(result) {
    var li = document.createElement("li");
    li.className = "search-result";
    var h3 = document.createElement("h3");
    h3.className = "search-result-title";
    var a = document.createElement("a");
    a.href = result.url;
    appendParts(a, result.titleParts);
    h3.appendChild(a);
    if (result.lang && result.lang !== lang) {
      // A case study with no version in the page's language, shown in its own (its title
      // read in French by a screen reader on the English page).
      li.lang = result.lang;
      a.hreflang = result.lang;
    }
    if (result.kind === "page") {
      // A content page (about, methodology), not a case study: said in the heading, so
      // that a screen reader reads it with the title.
      li.classList.add("search-result-page");
      var badge = document.createElement("span");
      badge.className = "search-result-kind";
      badge.textContent = strings.kindPage;
      h3.appendChild(document.createTextNode(" "));
      h3.appendChild(badge);
    }
    li.appendChild(h3);
    var facts = [result.municipality, result.region, result.year].filter(function (x) {
      return x !== null && x !== undefined && x !== "";
    });
    if (facts.length) {
      var meta = document.createElement("p");
      meta.className = "search-result-meta";
      meta.textContent = facts.join(" · ");
      li.appendChild(meta);
    }
    var excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    appendParts(excerpt, result.excerptParts);
    li.appendChild(excerpt);
    if (result.tags) {
      var tags = document.createElement("p");
      tags.className = "search-result-tags";
      appendParts(tags, result.tagsParts);
      li.appendChild(tags);
    }
    if (result.sections && result.sections.length) li.appendChild(subResults(result));
    return li;
  }

  /** The sections of a result that match the query, each linking to its heading. */
  function subResults(result) {
    var ul = document.createElement("ul");
    ul.className = "search-result-sections";
    ul.setAttribute("aria-label", String(strings.sections || "").replace("{title}", result.title));
    result.sections.forEach(function (section) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = section.url;
      appendParts(a, section.titleParts);
      li.appendChild(a);
      if (section.excerptParts.length) {
        var p = document.createElement("p");
        p.className = "search-result-section-excerpt";
        appendParts(p, section.excerptParts);
        li.appendChild(p);
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function statusText(answer, state) {
    if (answer.unknown.length > 0) return String(strings.unknown).replace("{word}", answer.unknown[0]);
    // Words may find content pages too, unless a filter narrows to case studies: then the
    // count is of results, not of case studies.
    var hits = manifest.caseStudies < manifest.docs && answer.words.length > 0 && !hasFilters(state);
    if (answer.total === 0) return hits ? strings.hitsNone : strings.none;
    var text = answer.total === 1
      ? (hits ? strings.hitsOne : strings.one)
      : format(hits ? strings.hitsMany : strings.many, answer.total);
    if (answer.words.length > 1 && answer.allWords < answer.total) {
      text += " " + format(strings.allWords, answer.allWords);
    }
    return text;
  }

  function run(state, history) {
    var mine = ++sequence;
    deferred = null;
    var started = performance.now();
    section.dataset.state = "loading";
    var q = state.q.trim().length >= MIN_LENGTH ? state.q : "";
    // Results first; facet counts that need the facet files follow in a second pass, or wait
    // for the reader (see countsWanted).
    return engine.search(q, state.filters, { offset: 0, limit: PAGE, facets: false }).then(function (answer) {
      if (mine !== sequence) return;
      var countsLater = answer.facets.some(function (f) {
        return f.values.some(function (v) { return v.count === null; });
      });
      if (countsLater && (countsWanted || hasFilters(state))) {
        countsWanted = true;
        countFacets(q, state.filters, mine);
      } else if (countsLater) {
        deferred = { q: q, filters: state.filters };
        section.dataset.counts = "deferred";
      } else {
        section.dataset.counts = "ready";
      }
      if (history === "push" && !same(state, stateFromUrl())) {
        window.history.pushState(null, "", urlFor(state));
      } else if (history === "replace") {
        window.history.replaceState(null, "", urlFor(state));
      }
      current = state;
      total = answer.total;
      list.replaceChildren.apply(list, answer.results.map(resultItem));
      shown = answer.results.length;
      moreButton.hidden = shown >= total;
      showFacets(answer.facets);
      clearButton.hidden = !hasFilters(state);
      status.textContent = statusText(answer, state);
      section.dataset.query = q;
      section.dataset.total = String(answer.total);
      section.dataset.ms = (performance.now() - started).toFixed(1);
      section.dataset.shownAt = performance.now().toFixed(1);
      section.dataset.state = "ready";
    }, failed(mine));
  }

  /** Second pass: the facet counts of a query whose results are shown. */
  function countFacets(q, filters, mine) {
    section.dataset.counts = "loading";
    engine.search(q, filters, { limit: 0 }).then(function (counted) {
      if (mine !== sequence) return;
      showFacets(counted.facets);
      section.dataset.counts = "ready";
    }, failed(mine));
  }

  /** The reader turned to the filters: count the facets now, and for every query from now. */
  function wantCounts() {
    countsWanted = true;
    var waiting = deferred;
    deferred = null;
    // `deferred` belongs to the query shown: a newer one clears it when it starts.
    if (waiting) countFacets(waiting.q, waiting.filters, sequence);
  }

  function failed(mine) {
    return function (err) {
      if (mine !== sequence) return;
      status.textContent = strings.unavailable;
      section.dataset.state = "error";
      if (window.console) window.console.error(err);
    };
  }

  function more() {
    // The same query: a newer one makes this page of results moot, but this page does not
    // make the counts being loaded moot.
    var mine = sequence;
    var q = current.q.trim().length >= MIN_LENGTH ? current.q : "";
    moreButton.disabled = true;
    engine.search(q, current.filters, { offset: shown, limit: PAGE, facets: false }).then(function (answer) {
      moreButton.disabled = false;
      if (mine !== sequence) return;
      var items = answer.results.map(resultItem);
      items.forEach(function (item) { list.appendChild(item); });
      shown += items.length;
      moreButton.hidden = shown >= total;
      if (items.length) items[0].querySelector("a").focus();
    }, function (err) {
      moreButton.disabled = false;
      failed(mine)(err);
    });
  }

  // ----- Events -------------------------------------------------------------------------

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var length = input.value.trim().length;
    if (length > 0 && length < MIN_LENGTH) return;
    // Fetch the words' files during the typing pause; the search then finds them there.
    if (length >= MIN_LENGTH) engine.prefetch(input.value);
    timer = window.setTimeout(function () {
      var state = stateFromControls();
      if (!same(state, current)) run(state, "replace");
    }, DEBOUNCE_MS);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    run(stateFromControls(), "push");
  });

  facetsBox.addEventListener("change", function () {
    window.clearTimeout(timer);
    countsWanted = true;
    run(stateFromControls(), "push");
  });

  clearButton.addEventListener("click", function () {
    facetsBox.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) { box.checked = false; });
    run(stateFromControls(), "push");
    input.focus();
  });

  moreButton.addEventListener("click", more);

  // Signs that the reader turns to the filters. Not `toggle`: the page itself opens them on
  // wide screens, and that is no sign.
  filtersBox.querySelector("summary").addEventListener("click", wantCounts);
  filtersBox.addEventListener("pointerenter", wantCounts);
  filtersBox.addEventListener("focusin", wantCounts);

  window.addEventListener("popstate", function () {
    var state = stateFromUrl();
    showState(state);
    run(state, null);
  });

  status.textContent = strings.loading;
  engine.manifest().then(function (m) {
    manifest = m;
    buildFacets();
    var state = stateFromUrl();
    showState(state);
    // Filters are folded away on narrow screens unless the URL already uses them.
    if (hasFilters(state) || window.matchMedia("(min-width: 48rem)").matches) filtersBox.open = true;
    return run(state, null);
  }).catch(failed(sequence));
})();
