/*! Passerelle search engine: queries the static index under search/ (see src/search/).
 *
 * API for theme authors (this script defines window.passerelle; it needs no other script):
 *
 *   passerelle.search(query, filters?, options?) → Promise<{
 *     query, words, total, allWords, unknown, results, facets }>
 *
 *   query    text as typed: "accueil des réfugiés". Case, accents, elisions (l', d', qu'…)
 *            and function words do not matter; the last word also matches as a prefix
 *            ("franci" → francisation); a word of 5 letters or more with no match tolerates
 *            one typo. A word that matches nothing makes the whole result empty.
 *   filters  { region: ["estrie"], theme: ["francisation"] }: facet parameter (or any of its
 *            aliases) → vocabulary ids. Values of one facet are alternatives (OR); facets
 *            combine (AND). With an empty query, filters alone browse the collection.
 *   options  { offset: 0, limit: 10, facets: true }: which results to return with their
 *            details; facets: false loads only the facet files that the filters need (the
 *            counts that others would give are null), to show results first and counts a
 *            moment later, or only when the reader turns to the filters: counting facets
 *            over several words' documents reads one file per facet, whose size grows with
 *            the collection, where the rest of a query does not.
 *
 *   total     number of matching case studies (all of them, not only those returned).
 *   allWords  how many of them contain every word of the query (they are ranked first).
 *   unknown   query words that match nothing, as written.
 *   results   [{ id, url, kind, title, municipality, region, year, summary, tags, facets,
 *                score, matched, excerpt, excerptParts, titleParts, tagsParts, sections }]
 *                for [offset, offset + limit), best first. `kind` is "case_study" or "page"
 *                (a content page: about, methodology; found by its words, never by a
 *                facet, and counted in no facet). `facets` maps each facet's name to the
 *                document's labels ({ region: ["Estrie"], themes: [...] }); `tags` joins
 *                the themes and target groups. `excerpt` is HTML: the text is escaped,
 *                matched words are in <mark>. `excerptParts`, `titleParts` and `tagsParts`
 *                are [{ text, mark }] for building DOM nodes without HTML. `sections`, the
 *                sub-results: up to 3 sections of the document that hold query words, best
 *                first, [{ title, id, url (the document's url + "#" + id), titleParts,
 *                excerptParts, score }].
 *   facets    [{ name, param, values: [{ id, label, url, count, selected }] }]; counts follow
 *             the query and the other facets' filters.
 *
 *   passerelle.configure({ index: "/search/", fetch })  where the index is (default: search/
 *            next to static/ of the page's site) and how to fetch it.
 *   passerelle.prefetch(query) → Promise  loads the files a query will need (vocabulary and
 *            postings) without ranking: call it on each keystroke, search after a pause.
 *   passerelle.tokenize(text) → [{ folded, start, end }]  the words of a text, as the index
 *            sees them (offsets in UTF-16 code units).
 */
(function (global) {
  "use strict";

  // ---------------------------------------------------------------------------------------
  // Words. This is src/search/tokenize.rs, step for step; tests/search.rs runs both on the
  // same inputs and requires identical output.

  var ELISIONS = { l: 1, d: 1, qu: 1, j: 1, n: 1, s: 1, c: 1, m: 1, t: 1, jusqu: 1, lorsqu: 1, puisqu: 1 };
  var WORD_CHAR = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u;
  var MARK = /^\p{M}$/u;
  var foldCache = new Map();

  /** The folded form of one character (a code point): text::fold in Rust. */
  function foldChar(c) {
    var code = c.codePointAt(0);
    if (code < 0x80 && c !== "`") {
      return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : c;
    }
    var cached = foldCache.get(c);
    if (cached !== undefined) return cached;
    var out = "";
    for (var d of c.normalize("NFD")) {
      if (MARK.test(d)) continue;
      var dc = d.codePointAt(0);
      if (d === "œ" || d === "Œ") out += "oe";
      else if (d === "æ" || d === "Æ") out += "ae";
      else if (d === "ß") out += "ss";
      else if (dc === 0x2019 || dc === 0x2018 || dc === 0x02bc || d === "`" || dc === 0xb4) out += "'";
      else if ((dc >= 0x2010 && dc <= 0x2015) || dc === 0x2212) out += "-";
      else if (dc === 0xa0 || dc === 0x202f || dc === 0x2007 || dc === 0x2009) out += " ";
      else out += d.toLowerCase();
    }
    foldCache.set(c, out);
    return out;
  }

  /** Lowercase, without accents, ligatures expanded: "Œuvre été" → "oeuvre ete". */
  function fold(text) {
    var out = "";
    for (var c of text) out += foldChar(c);
    return out;
  }

  /** The words of a text: [{ folded, start, end }], offsets in UTF-16 code units. */
  function tokenize(text) {
    var out = [];
    var current = "";
    var start = 0;
    var end = 0;
    var pending = null;
    var afterApostrophe = false;
    var offset = 0;
    for (var c of text) {
      var folded = foldChar(c);
      for (var f of folded) {
        if (WORD_CHAR.test(f)) {
          if (pending !== null) {
            if (!(afterApostrophe && ELISIONS[pending.folded] === 1)) out.push(pending);
            pending = null;
          }
          afterApostrophe = false;
          if (current === "") start = offset;
          current += f;
          end = offset + c.length;
        } else if (current !== "") {
          if (pending !== null) out.push(pending);
          pending = { folded: current, start: start, end: end };
          current = "";
          afterApostrophe = f === "'";
        } else {
          afterApostrophe = false;
        }
      }
      if (folded === "" && current !== "") end = offset + c.length;
      offset += c.length;
    }
    if (pending !== null) out.push(pending);
    if (current !== "") out.push({ folded: current, start: start, end: end });
    return out;
  }

  /** Compares strings by code point, as Rust sorts them (UTF-16 order differs above U+FFFF). */
  function compare(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i);
      var y = b.charCodeAt(i);
      if (x !== y) {
        if (x >= 0xd800 && x <= 0xdfff && !(y >= 0xd800 && y <= 0xdfff) && y >= 0xe000) return 1;
        if (y >= 0xd800 && y <= 0xdfff && !(x >= 0xd800 && x <= 0xdfff) && x >= 0xe000) return -1;
        return x < y ? -1 : 1;
      }
    }
    return a.length - b.length;
  }

  /** The first two characters of a word: the vocabulary shard key. */
  function prefixOf(word) {
    var chars = Array.from(word);
    return chars.slice(0, 2).join("");
  }

  /** Whether a and b differ by at most one insertion, deletion, substitution or swap of
   * neighbours (Damerau–Levenshtein distance ≤ 1). */
  function withinOneEdit(a, b) {
    var la = a.length;
    var lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (i === la && i === lb) return true;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // ---------------------------------------------------------------------------------------
  // Index files. Formats: src/search/shard.rs.

  var settings = { index: null, fetch: null };
  var cache = new Map();
  var scriptSrc = global.document && global.document.currentScript ? global.document.currentScript.src : null;

  function indexUrl() {
    if (settings.index) return settings.index;
    var script = global.document && global.document.querySelector("script[data-passerelle-index]");
    if (script) return new URL(script.getAttribute("data-passerelle-index"), global.location.href).href;
    if (scriptSrc) return new URL("../search/", scriptSrc).href;
    return new URL("search/", global.location.href).href;
  }

  /** Set after a file named in the manifest was missing: the manifest is then fetched
   * again past the HTTP cache (a host may cache it for minutes after a rebuild). */
  var revalidate = false;

  function load(path, kind) {
    var url = new URL(path, indexUrl()).href;
    var hit = cache.get(url);
    if (hit) return hit;
    var fetcher = settings.fetch || global.fetch.bind(global);
    var init = revalidate && path === "manifest.json" ? { cache: "no-cache" } : undefined;
    var promise = fetcher(url, init).then(function (response) {
      if (!response.ok) {
        var error = new Error("passerelle search: cannot load " + url + " (" + response.status + ")");
        error.stale = response.status === 404 && path !== "manifest.json";
        throw error;
      }
      return kind === "json" ? response.json() : response.arrayBuffer().then(function (b) { return new Uint8Array(b); });
    });
    promise.catch(function () { cache.delete(url); });
    cache.set(url, promise);
    return promise;
  }

  var manifestPromise = null;
  function manifest() {
    if (!manifestPromise) {
      manifestPromise = load("manifest.json", "json").then(function (m) {
        if (m.version !== 3) throw new Error("passerelle search: unsupported index version " + m.version);
        m.stopSet = new Set(m.stopWords);
        m.facetByName = new Map();
        var offset = 0;
        m.valueAt = [];
        m.facets.list.forEach(function (facet, i) {
          facet.index = i;
          facet.offset = offset;
          offset += facet.values.length;
          facet.values.forEach(function (value) { m.valueAt.push({ facet: facet, value: value }); });
          m.facetByName.set(facet.param, facet);
          facet.aliases.forEach(function (a) { if (!m.facetByName.has(a)) m.facetByName.set(a, facet); });
        });
        return m;
      });
      manifestPromise.catch(function () { manifestPromise = null; });
    }
    return manifestPromise;
  }

  /** The vocabulary shards whose prefix range contains `prefix` (one), or every shard
   * holding words that start with the character `first` (for typos). */
  function shardsFor(m, prefix, first) {
    return m.vocab.filter(function (entry) {
      if (first !== undefined) {
        return compare(Array.from(entry[0])[0], first) <= 0 && compare(first, Array.from(entry[1])[0]) <= 0;
      }
      return compare(entry[0], prefix) <= 0 && compare(prefix, entry[1]) <= 0;
    });
  }

  function shard(entry) {
    return load(entry[2], "json");
  }

  /** Index of the first word ≥ `word` in a shard. */
  function lowerBound(words, word) {
    var lo = 0;
    var hi = words.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (compare(words[mid], word) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function refsOf(s, i) {
    var r = s.refs[i];
    return typeof r === "number" ? [r] : r;
  }

  function readVarint(bytes, at) {
    var value = 0;
    var scale = 1;
    for (;;) {
      var b = bytes[at.i++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  }

  /** Calls visit(doc) for each document of a set written by encode.rs put_doc_set. */
  function readDocSet(bytes, at, visit) {
    var kind = bytes[at.i++];
    var count, doc, k;
    if (kind === 0) {
      count = readVarint(bytes, at);
      doc = -1;
      for (k = 0; k < count; k++) {
        doc += readVarint(bytes, at) + 1;
        visit(doc);
      }
    } else if (kind === 1) {
      var firstByte = readVarint(bytes, at);
      var byteCount = readVarint(bytes, at);
      for (k = 0; k < byteCount; k++) {
        var b = bytes[at.i + k];
        if (b === 0) continue;
        for (var bit = 0; bit < 8; bit++) if (b & (1 << bit)) visit((firstByte + k) * 8 + bit);
      }
      at.i += byteCount;
    } else if (kind === 3) {
      // Rice-coded gaps: quotient in unary (1s then a 0), remainder in k bits, low bit first.
      count = readVarint(bytes, at);
      var k = bytes[at.i++];
      var bitAt = at.i * 8;
      doc = -1;
      for (var e = 0; e < count; e++) {
        var quotient = 0;
        while ((bytes[bitAt >>> 3] >>> (bitAt & 7)) & 1) {
          quotient++;
          bitAt++;
        }
        bitAt++;
        var remainder = 0;
        for (var b2 = 0; b2 < k; b2++) {
          remainder |= ((bytes[bitAt >>> 3] >>> (bitAt & 7)) & 1) << b2;
          bitAt++;
        }
        doc += quotient * (1 << k) + remainder + 1;
        visit(doc);
      }
      at.i = (bitAt + 7) >>> 3;
    } else if (kind === 2) {
      count = readVarint(bytes, at);
      var end = 0;
      for (k = 0; k < count; k++) {
        var first = end + readVarint(bytes, at);
        end = first + readVarint(bytes, at) + 1;
        for (doc = first; doc < end; doc++) visit(doc);
      }
    } else if (kind === 4) {
      // Complement: every number from `from` to `from + span` but the set that follows.
      var from = readVarint(bytes, at);
      var span = readVarint(bytes, at);
      if (bytes[at.i] === 4) throw new Error("passerelle search: bad document set");
      var absent = [];
      readDocSet(bytes, at, function (d) { absent.push(d); });
      var next = 0;
      for (k = 0; k <= span; k++) {
        if (next < absent.length && absent[next] === k) next++;
        else visit(from + k);
      }
    } else {
      throw new Error("passerelle search: bad document set");
    }
  }

  /** A key's postings: { df, levels: [{ level, docs }] }. The key's documents come first;
   * each level then says which of the documents left have it, by position among them, and
   * the last level takes the rest (see shard.rs encode_postings). */
  function postings(s, keySlot) {
    var key = s.keys[keySlot];
    return load(s.files[key[0]], "bin").then(function (bytes) {
      var at = { i: key[1] };
      var df = readVarint(bytes, at);
      var levelCount = readVarint(bytes, at);
      var left = [];
      readDocSet(bytes, at, function (d) { left.push(d); });
      var levels = [];
      for (var l = 0; l < levelCount; l++) {
        var level = bytes[at.i++];
        if (l === levelCount - 1) {
          levels.push({ level: level, docs: left });
          break;
        }
        var docs = [];
        var taken = new Uint8Array(left.length);
        readDocSet(bytes, at, function (p) {
          docs.push(left[p]);
          taken[p] = 1;
        });
        var rest = [];
        for (var r = 0; r < left.length; r++) if (!taken[r]) rest.push(left[r]);
        levels.push({ level: level, docs: docs });
        left = rest;
      }
      return { df: df, levels: levels };
    });
  }

  /** A key's head (shard.rs encode_head): { df, levels, counts }, `levels` holding its best
   * documents only, `counts` how many of all its documents have each facet value (values
   * numbered across facets in manifest order). */
  function head(s, keySlot) {
    var key = s.keys[keySlot];
    return load(s.files[key[3]], "bin").then(function (bytes) {
      var at = { i: key[4] };
      var count = readVarint(bytes, at);
      var levels = [];
      for (var d = 0; d < count; d++) {
        var level = bytes[at.i++];
        var doc = readVarint(bytes, at);
        var last = levels[levels.length - 1];
        if (last && last.level === level) last.docs.push(doc);
        else levels.push({ level: level, docs: [doc] });
      }
      var counts = new Map();
      var present = readVarint(bytes, at);
      var value = 0;
      for (var c = 0; c < present; c++) {
        value += readVarint(bytes, at);
        counts.set(value, readVarint(bytes, at));
        value++;
      }
      return { df: key[2], levels: levels, counts: counts };
    });
  }

  /** One facet's values: a bitset (Uint32Array) of each value's documents, decoded once
   * per manifest. */
  function facetSets(m, f) {
    var facet = m.facets.list[f];
    if (!facet.setsPromise) {
      facet.setsPromise = load(facet.file, "bin").then(function (bytes) {
        var words = (m.docs + 31) >>> 5;
        var at = { i: 0 };
        return facet.values.map(function () {
          var set = new Uint32Array(words);
          readDocSet(bytes, at, function (d) { set[d >>> 5] |= 1 << (d & 31); });
          return set;
        });
      });
      facet.setsPromise.catch(function () { facet.setsPromise = null; });
    }
    return facet.setsPromise;
  }

  // ---------------------------------------------------------------------------------------
  // Queries.

  /** Weight of a match found by prefix or despite a typo, relative to the word itself. */
  var PREFIX_WEIGHT = 0.8;
  var TYPO_WEIGHT = 0.5;
  /** Most keys a prefix or a typo expands to (the most frequent are kept). */
  var MAX_EXPANSIONS = 12;
  var TYPO_MIN_LENGTH = 5;

  /** Finds what one query word stands for: [{ shard, slot, weight }] and the folded words
   * that match it (for highlighting). */
  function resolveWord(m, word, isLast) {
    var entries = shardsFor(m, prefixOf(word));
    var loading = entries.length ? Promise.all(entries.map(shard)) : Promise.resolve([]);
    return loading.then(function (shards) {
      var found = { word: word, candidates: [], stop: m.stopSet.has(word), surfaces: new Set() };
      var seen = new Map();
      function add(s, slot, weight, typo) {
        var id = s.files[s.keys[slot][0]] + "#" + s.keys[slot][1];
        var before = seen.get(id);
        if (before) {
          if (weight > before.weight) before.weight = weight;
          before.typo = before.typo && typo;
          return;
        }
        var c = { shard: s, slot: slot, weight: weight, typo: typo, id: id, df: s.keys[slot][2], hashes: [] };
        seen.set(id, c);
        found.candidates.push(c);
      }
      var exact = false;
      shards.forEach(function (s) {
        var i = lowerBound(s.words, word);
        if (i < s.words.length && s.words[i] === word) {
          exact = true;
          refsOf(s, i).forEach(function (slot) { add(s, slot, 1, false); });
        }
      });
      if ((!exact || isLast) && Array.from(word).length >= 2) {
        var completions = [];
        shards.forEach(function (s) {
          for (var i = lowerBound(s.words, word); i < s.words.length && s.words[i].startsWith(word); i++) {
            if (s.words[i] === word) continue;
            refsOf(s, i).forEach(function (slot) { completions.push({ s: s, slot: slot }); });
          }
        });
        completions
          .sort(function (a, b) { return b.s.keys[b.slot][2] - a.s.keys[a.slot][2]; })
          .slice(0, MAX_EXPANSIONS * 4)
          .forEach(function (c) {
            if (found.candidates.length < MAX_EXPANSIONS + 1) add(c.s, c.slot, PREFIX_WEIGHT, false);
          });
      }
      // A word that is not in the vocabulary may be misspelt: words one edit away match too,
      // ranked below exact and prefix matches.
      var result = exact || Array.from(word).length < TYPO_MIN_LENGTH
        ? Promise.resolve(found)
        : typoCandidates(m, word, found, add);
      return result.then(function () {
        collectSurfaces(found, shards);
        return found;
      });
    });
  }

  /** Adds the words one edit away from `word` (the first letter kept: typos there are rare,
   * and keeping it bounds the vocabulary to read). */
  function typoCandidates(m, word, found, add) {
    var first = Array.from(word)[0];
    var entries = shardsFor(m, null, first);
    return Promise.all(entries.map(shard)).then(function (shards) {
      var close = [];
      shards.forEach(function (s) {
        for (var i = lowerBound(s.words, first); i < s.words.length && s.words[i].startsWith(first); i++) {
          if (withinOneEdit(word, s.words[i])) {
            refsOf(s, i).forEach(function (slot) { close.push({ s: s, slot: slot }); });
          }
        }
      });
      close
        .sort(function (a, b) { return b.s.keys[b.slot][2] - a.s.keys[a.slot][2]; })
        .slice(0, MAX_EXPANSIONS)
        .forEach(function (c) { add(c.s, c.slot, TYPO_WEIGHT, true); });
      found.typoShards = shards;
    });
  }

  /** Every folded word of the loaded shards that shares a key with the query word; and for
   * each candidate key, the hash of its first word of each prefix, which is how a section
   * names its words (index.rs key_hashes). */
  function collectSurfaces(found, shards) {
    var byId = new Map(found.candidates.map(function (c) { return [c.id, c]; }));
    var all = shards.concat(found.typoShards || []);
    var hashed = new Set();
    all.forEach(function (s) {
      var slots = new Map();
      s.keys.forEach(function (key, slot) {
        var c = byId.get(s.files[key[0]] + "#" + key[1]);
        if (c) slots.set(slot, c);
      });
      if (!slots.size) return;
      s.words.forEach(function (w, i) {
        refsOf(s, i).forEach(function (slot) {
          var c = slots.get(slot);
          if (!c) return;
          found.surfaces.add(w);
          // Words are sorted: the first of a prefix seen is its smallest.
          var seen = c.id + "#" + prefixOf(w);
          if (!hashed.has(seen)) {
            hashed.add(seen);
            c.hashes.push(wordHash(w));
          }
        });
      });
    });
  }

  var encoder = typeof TextEncoder !== "undefined" ? new TextEncoder() : null;

  /** A folded word's hash for section sets: sections.rs word_hash (32-bit FNV-1a of the
   * UTF-8 bytes, then MurmurHash3's mixer). */
  function wordHash(word) {
    var bytes = encoder ? encoder.encode(word) : unescape(encodeURIComponent(word)).split("").map(function (c) { return c.charCodeAt(0); });
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }

  function idf(n, df) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Normalises filters: facet parameter or alias (any case or accents) → set of value
   * indexes. Unknown facets and values are ignored. */
  function normaliseFilters(m, filters) {
    var out = new Map();
    Object.keys(filters || {}).forEach(function (name) {
      var facet = m.facetByName.get(fold(name));
      if (!facet) return;
      var wanted = filters[name];
      if (!Array.isArray(wanted)) wanted = wanted == null ? [] : [wanted];
      wanted.forEach(function (id) {
        var index = facet.values.findIndex(function (v) { return v.id === String(id); });
        if (index < 0) return;
        if (!out.has(facet.index)) out.set(facet.index, new Set());
        out.get(facet.index).add(index);
      });
    });
    return out;
  }

  function search(query, filters, options) {
    return runSearch(query, filters, options).catch(function (error) {
      if (!error || !error.stale || revalidate) throw error;
      // The site was rebuilt since the manifest was cached: reload it once and retry.
      revalidate = true;
      reset();
      return runSearch(query, filters, options);
    });
  }

  /** Loads what `query` will need from the vocabulary and the postings, without ranking:
   * the search page calls it on each keystroke, so that the search that follows the typing
   * pause finds those files already there. */
  function prefetch(query) {
    return manifest().then(function (m) {
      var words = [];
      tokenize(String(query || "")).forEach(function (t) {
        if (words.indexOf(t.folded) < 0) words.push(t.folded);
      });
      return Promise.all(words.map(function (w, i) {
        return resolveWord(m, w, i === words.length - 1);
      })).then(function (resolved) {
        var useful = resolved.filter(function (r) { return !r.stop; });
        if (useful.length === 0) useful = resolved;
        var one = oneKey(useful) && !hiddenFor(m, pageLang());
        return Promise.all(useful.map(function (r) {
          return Promise.all(r.candidates.map(function (c) {
            var key = c.shard.keys[c.slot];
            return load(c.shard.files[one ? key[3] : key[0]], "bin");
          }));
        }));
      });
    }).then(function () { return undefined; }, function () { return undefined; });
  }

  /** Whether the query stands for one key: its head then gives the counts, and the first
   * results unless filters or a page past the head need all its documents. */
  function oneKey(useful) {
    return useful.length === 1 && useful[0].candidates.length === 1;
  }

  /** The language of the page searching: `options.lang`, else the document's (none under
   * node, where nothing is left out unless asked). */
  function pageLang(options) {
    if (options && options.lang) return String(options.lang);
    return typeof document !== "undefined" && document.documentElement
      ? document.documentElement.lang : "";
  }

  /** The documents a page in `lang` leaves out, as a bitset, or null when none: the other
   * versions of a translated document, so that it is one result, in the page's language
   * when it has a version in it (the manifest's `hidden`, shard.rs hidden_by_language). */
  function hiddenFor(m, lang) {
    var encoded = m.hidden && m.hidden[lang];
    if (!encoded) return null;
    m.hiddenSets = m.hiddenSets || {};
    if (!m.hiddenSets[lang]) {
      var set = new Uint32Array((m.docs + 31) >>> 5);
      var binary = global.atob(encoded);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      readDocSet(bytes, { i: 0 }, function (d) { set[d >>> 5] |= 1 << (d & 31); });
      m.hiddenSets[lang] = set;
    }
    return m.hiddenSets[lang];
  }

  function runSearch(query, filters, options) {
    var started = now();
    options = options || {};
    var offset = Math.max(0, options.offset | 0);
    var limit = options.limit == null ? 10 : Math.max(0, options.limit | 0);
    return manifest().then(function (m) {
      var selected = normaliseFilters(m, filters);
      var text = String(query || "");
      var words = [];
      var written = {};
      tokenize(text).forEach(function (t) {
        if (words.indexOf(t.folded) < 0) {
          words.push(t.folded);
          written[t.folded] = text.slice(t.start, t.end);
        }
      });
      var endsWithSpace = /\s$/.test(String(query || ""));
      return Promise.all(words.map(function (w, i) {
        return resolveWord(m, w, i === words.length - 1 && !endsWithSpace);
      })).then(function (resolved) {
        var useful = resolved.filter(function (r) { return !r.stop; });
        if (useful.length === 0) useful = resolved;
        var unknown = useful
          .filter(function (r) { return r.candidates.length === 0; })
          .map(function (r) { return written[r.word]; });
        // A facet's file is needed to filter by it, and every facet's to count facets over
        // several keys' documents or within filters; one key carries its own counts, and
        // browsing everything uses the manifest's.
        // A key's head and the manifest count every version of a translated document:
        // with some left out, the counts and ranks come from the postings and facet files.
        var hidden = hiddenFor(m, pageLang(options));
        var single = unknown.length === 0 && oneKey(useful) && !hidden;
        var browseAll = useful.length === 0 && selected.size === 0 && !hidden;
        var countAll = options.facets !== false && unknown.length === 0 && (selected.size > 0 || (!single && !browseAll));
        var sets = [];
        var jobs = [Promise.all(m.facets.list.map(function (facet, f) {
          if (!countAll && !selected.has(f)) return null;
          return facetSets(m, f).then(function (s) { sets[f] = s; });
        }))];
        // One key: its head holds its counts, and its first results unless filters or a
        // page past the head need every document; then the postings too.
        var headOf = null;
        if (single) {
          var only = useful[0].candidates[0];
          jobs.push(head(only.shard, only.slot).then(function (h) { headOf = h; }));
        }
        var fromHead = single && selected.size === 0 && offset + limit <= m.headDocs;
        if (unknown.length === 0) {
          useful.forEach(function (r) {
            r.candidates.forEach(function (c) {
              if (!fromHead) jobs.push(postings(c.shard, c.slot).then(function (p) { c.postings = p; }));
            });
          });
        }
        return Promise.all(jobs).then(function () {
          var counted = null;
          var total = null;
          if (fromHead) {
            // The head ranks as the postings would; the total is the key's df.
            useful[0].candidates[0].postings = headOf;
            total = headOf.df;
          }
          if (selected.size === 0) {
            if (single) counted = headOf.counts;
            else if (browseAll) counted = "manifest";
          }
          return answer(m, query, useful, unknown, selected, sets, counted, offset, limit, started, total, hidden);
        });
      });
    });
  }

  function now() {
    return global.performance && global.performance.now ? global.performance.now() : Date.now();
  }

  function popcount(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }

  /** How many documents two bitsets share. */
  function countBoth(a, b) {
    var total = 0;
    for (var i = 0; i < a.length; i++) {
      var x = a[i] & b[i];
      if (x !== 0) total += popcount(x);
    }
    return total;
  }

  /** Ranks, filters and counts. `sets`: per facet, its values' bitsets when loaded; `counted`:
   * facet counts known without them (a key's counts, or "manifest" for the whole site);
   * `hidden`: the documents the page's language leaves out (hiddenFor), or null. */
  function answer(m, query, words, unknown, selected, sets, counted, offset, limit, started, known, hidden) {
    var n = m.docs;
    var size = (n + 31) >>> 5;
    var levels = m.levels;
    var score = new Float64Array(n);
    var matched = new Uint8Array(n);
    var typos = new Uint8Array(n);
    var browse = words.length === 0;
    // The documents the words match (every document when browsing), as a list and a bitset.
    var matchedDocs = [];
    var match = new Uint32Array(size);
    if (unknown.length > 0) {
      // A word that matches nothing: no results.
    } else if (browse) {
      // Browsing is the collection: content pages come up by their words only.
      for (var d = 0; d < m.caseStudies; d++) match[d >>> 5] |= 1 << (d & 31);
    } else {
      var best = new Float64Array(n);
      // kind[doc]: 1 when the word matched the document exactly or by prefix, 2 by a typo.
      var kind = new Uint8Array(n);
      var touched = [];
      for (var w = 0; w < words.length; w++) {
        touched.length = 0;
        var candidates = words[w].candidates;
        for (var c = 0; c < candidates.length; c++) {
          var candidate = candidates[c];
          var weight = candidate.weight * idf(n, candidate.postings.df) / levels;
          var k = candidate.typo ? 2 : 1;
          var postingLevels = candidate.postings.levels;
          for (var l = 0; l < postingLevels.length; l++) {
            var s = weight * postingLevels[l].level;
            var docs = postingLevels[l].docs;
            for (var i = 0; i < docs.length; i++) {
              var doc = docs[i];
              if (kind[doc] === 0) {
                touched.push(doc);
                kind[doc] = k;
              } else if (k < kind[doc]) {
                kind[doc] = k;
              }
              if (s > best[doc]) best[doc] = s;
            }
          }
        }
        for (var t = 0; t < touched.length; t++) {
          var hit = touched[t];
          score[hit] += best[hit];
          if (kind[hit] === 2) typos[hit]++;
          best[hit] = 0;
          kind[hit] = 0;
          if (matched[hit]++ === 0) {
            matchedDocs.push(hit);
            match[hit >>> 5] |= 1 << (hit & 31);
          }
        }
      }
    }

    // The other versions of translated documents are no match: one result per document.
    if (hidden) for (var h = 0; h < size; h++) match[h] &= ~hidden[h];

    // Filters: values of one facet are alternatives, facets combine. A facet's counts ignore
    // its own selection, so that its other values show what choosing them would give.
    var facetCount = m.facets.list.length;
    var allowed = [];
    selected.forEach(function (values, f) {
      var set = new Uint32Array(size);
      values.forEach(function (v) {
        var value = sets[f][v];
        for (var i = 0; i < size; i++) set[i] |= value[i];
      });
      allowed[f] = set;
    });
    function passing(except) {
      var out = match.slice();
      for (var f = 0; f < facetCount; f++) {
        if (f === except || !allowed[f]) continue;
        for (var i = 0; i < size; i++) out[i] &= allowed[f][i];
      }
      return out;
    }
    var pass = selected.size > 0 ? passing(-1) : match;
    var counts = m.facets.list.map(function (facet, g) {
      if (!sets[g]) return null;
      var base = allowed[g] ? passing(g) : pass;
      return sets[g].map(function (value) { return countBoth(base, value); });
    });
    var total = countBoth(pass, pass);
    // Ranked from a head: only its documents were seen, but every document has the word.
    if (known !== null && known !== undefined) total = known;

    // The page asked for: the best `offset + limit` documents, in order (browsing: the site's
    // order, newest first).
    var wanted = offset + limit;
    var top = [];
    var allWords = 0;
    if (browse) {
      allWords = total;
      for (var b = 0; b < n && top.length < wanted; b++) {
        if (pass[b >>> 5] & (1 << (b & 31))) top.push(b);
      }
    } else {
      var before = function (a, z) {
        return matched[a] - matched[z] || typos[z] - typos[a] || score[a] - score[z] || z - a;
      };
      for (var r = 0; r < matchedDocs.length; r++) {
        var candidateDoc = matchedDocs[r];
        if (!(pass[candidateDoc >>> 5] & (1 << (candidateDoc & 31)))) continue;
        if (matched[candidateDoc] === words.length) allWords++;
        if (wanted === 0) continue;
        if (top.length < wanted) {
          top.push(candidateDoc);
          if (top.length === wanted) top.sort(function (a, z) { return before(z, a); });
        } else if (before(candidateDoc, top[wanted - 1]) > 0) {
          // Insert in order, dropping the last: `wanted` is small (a page or a few).
          var at = wanted - 1;
          while (at > 0 && before(candidateDoc, top[at - 1]) > 0) {
            top[at] = top[at - 1];
            at--;
          }
          top[at] = candidateDoc;
        }
      }
      if (top.length < wanted) top.sort(function (a, z) { return before(z, a); });
    }
    if (known !== null && known !== undefined) allWords = known;

    var countOf = function (facet, f, value, v) {
      if (counted === "manifest") return value.count;
      if (counted) return counted.get(facet.offset + v) || 0;
      if (counts[f]) return counts[f][v];
      if (unknown.length > 0) return 0;
      return null;
    };
    var facets = m.facets.list.map(function (facet, f) {
      var chosen = selected.get(f);
      return {
        name: facet.name,
        param: facet.param,
        values: facet.values.map(function (value, v) {
          return {
            id: value.id,
            label: labelOf(value),
            url: value.url,
            count: countOf(facet, f, value, v),
            selected: !!(chosen && chosen.has(v)),
          };
        }),
      };
    });
    var page = top.slice(offset, offset + limit);
    var surfaces = words.map(function (w) { return w.surfaces; });
    return details(m, page, surfaces, words).then(function (docs) {
      var out = {
        query: String(query || ""),
        words: words.map(function (w) { return w.word; }),
        total: total,
        allWords: allWords,
        unknown: unknown,
        results: docs.map(function (doc, i) {
          var id = page[i];
          doc.id = id;
          doc.score = score[id];
          doc.matched = matched[id];
          return doc;
        }),
        facets: facets,
      };
      out.milliseconds = now() - started;
      return out;
    });
  }

  /** Fetches the document shards of the results shown and builds their details. */
  function details(m, docs, surfaces, words) {
    var size = m.docShards.size;
    var root = siteRoot();
    return Promise.all(docs.map(function (doc) {
      var shardNumber = Math.floor(doc / size);
      var dir = m.docShards.dirs[Math.floor(shardNumber / m.docShards.group)];
      return load(dir + shardNumber + ".json", "json").then(function (shardDocs) {
        // [title, url, municipality, summary, [excerpt sentences], [facet values],
        //  [sections], "page" for a content page]
        var d = shardDocs[doc % size];
        var byFacet = {};
        d[5].forEach(function (number) {
          var hit = m.valueAt[number];
          (byFacet[hit.facet.name] = byFacet[hit.facet.name] || []).push(labelOf(hit.value));
        });
        var year = byFacet.year ? Number(byFacet.year[0]) : null;
        var tags = (byFacet.themes || []).concat(byFacet.target_groups || []).join(", ");
        // The section excerpts are sentences of the body too: more chances to show a match.
        var sentences = (d[4] || []).concat((d[6] || []).map(function (section) {
          return typeof section[2] === "string" ? section[2] : "";
        }).filter(Boolean));
        var excerptParts = excerpt(d[3], sentences, surfaces);
        var url = root + d[1];
        return {
          url: url,
          lang: languageOf(m, d[1]),
          kind: d[7] === "page" ? "page" : "case_study",
          sections: subResults(m, d[6] || [], d[4] || [], url, words || [], surfaces),
          title: d[0],
          titleParts: highlight(d[0], surfaces).parts,
          municipality: d[2],
          region: (byFacet.region || []).join(", "),
          year: isNaN(year) ? byFacet.year[0] : year,
          summary: d[3],
          tags: tags,
          tagsParts: highlight(tags, surfaces).parts,
          facets: byFacet,
          excerptParts: excerptParts,
          excerpt: toHtml(excerptParts),
        };
      });
    }));
  }

  // ---------------------------------------------------------------------------------------
  // Sub-results: the sections of a result that match the query (sections.rs).

  /** Most sections shown under a result. */
  var MAX_SUB_RESULTS = 3;
  /** A word in a section's heading counts this much more than one in its text. */
  var HEADING_WEIGHT = 1.5;
  var SECTION_EXCERPT_LENGTH = 120;

  /** The sections of a document that hold query words, best first: [{ title, id, url,
   * titleParts, excerptParts, score }]. A section holds a word when the word's key is among
   * its telling words (hashed), or the word is in its heading or excerpt. */
  function subResults(m, sections, passages, url, words, surfaces) {
    if (!sections.length || !words.length) return [];
    var bits = m.sectionBits;
    var weights = words.map(function (w) {
      var best = 0;
      w.candidates.forEach(function (c) {
        var v = c.weight * idf(m.docs, c.df);
        if (v > best) best = v;
      });
      return best;
    });
    var found = [];
    sections.forEach(function (section, order) {
      var set = sectionWords(section[3]);
      // The section's excerpt, or the excerpt sentence of the section that holds the most
      // query words.
      var text = typeof section[2] === "number" ? passages[section[2]] || "" : section[2];
      var inText = wordsIn(text, surfaces);
      (section[4] || []).forEach(function (number) {
        var sentence = passages[number];
        if (sentence === undefined || sentence === text) return;
        var hits = wordsIn(sentence, surfaces);
        if (hits.size > inText.size) {
          text = sentence;
          inText = hits;
        }
      });
      var heading = wordsIn(section[0], surfaces);
      var score = 0;
      words.forEach(function (w, i) {
        var hit = 0;
        if (heading.has(i)) hit = HEADING_WEIGHT;
        else if (inText.has(i)) hit = 1;
        else {
          for (var c = 0; c < w.candidates.length && !hit; c++) {
            var hashes = w.candidates[c].hashes;
            for (var h = 0; h < hashes.length; h++) {
              if (set.has(hashes[h] >>> (32 - bits))) {
                hit = 1;
                break;
              }
            }
          }
        }
        score += hit * weights[i];
      });
      if (score > 0) {
        found.push({
          title: section[0],
          id: section[1],
          url: url + "#" + section[1],
          titleParts: highlight(section[0], surfaces).parts,
          excerptParts: text ? trim(highlight(text, surfaces).parts, SECTION_EXCERPT_LENGTH) : [],
          score: score,
          order: order,
        });
      }
    });
    found.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return found.slice(0, MAX_SUB_RESULTS).map(function (s) {
      delete s.order;
      return s;
    });
  }

  /** Which query words (their indexes) a text holds. */
  function wordsIn(text, surfaces) {
    var hits = new Set();
    tokenize(text || "").forEach(function (t) {
      for (var w = 0; w < surfaces.length; w++) if (surfaces[w].has(t.folded)) hits.add(w);
    });
    return hits;
  }

  /** A section's telling words: the base64 set of their cut hashes. */
  function sectionWords(encoded) {
    var set = new Set();
    if (!encoded) return set;
    var binary = global.atob(encoded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    readDocSet(bytes, { i: 0 }, function (v) { set.add(v); });
    return set;
  }

  function siteRoot() {
    return new URL("../", indexUrl()).pathname;
  }

  /** A facet value's label in the page's language (the index's `labels`), else the site's. */
  function labelOf(value) {
    var lang = typeof document !== "undefined" && document.documentElement
      ? document.documentElement.lang : "";
    return (value.labels && value.labels[lang]) || value.label;
  }

  /** The language of the page at `path` (from the site's root): the site serves each
   * language but the first under `<lang>/`. */
  function languageOf(m, path) {
    var first = String(path).split("/")[0];
    var others = (m.languages || []).slice(1);
    return others.indexOf(first) >= 0 ? first : m.language;
  }

  // ---------------------------------------------------------------------------------------
  // Excerpts.

  var EXCERPT_LENGTH = 220;

  /** Splits `text` into [{ text, mark }] parts, marking the words of the query. Returns the
   * parts and how many distinct query words the text holds. */
  function highlight(text, surfaces) {
    var parts = [];
    var hits = new Set();
    var at = 0;
    tokenize(text).forEach(function (t) {
      for (var w = 0; w < surfaces.length; w++) {
        if (surfaces[w].has(t.folded)) {
          hits.add(w);
          if (t.start > at) parts.push({ text: text.slice(at, t.start), mark: false });
          parts.push({ text: text.slice(t.start, t.end), mark: true });
          at = t.end;
          break;
        }
      }
    });
    if (at < text.length) parts.push({ text: text.slice(at), mark: false });
    return { parts: parts, hits: hits.size };
  }

  /** The passage (summary or kept body sentence) holding the most query words, cut to
   * about EXCERPT_LENGTH characters around the first match. */
  function excerpt(summary, passages, surfaces) {
    var best = null;
    [summary].concat(passages || []).forEach(function (text) {
      var h = highlight(text, surfaces);
      if (!best || h.hits > best.hits) best = h;
    });
    return trim(best.parts, EXCERPT_LENGTH);
  }

  function trim(parts, max) {
    var total = parts.reduce(function (n, p) { return n + p.text.length; }, 0);
    if (total <= max) return parts;
    var firstMark = 0;
    var seen = 0;
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].mark) {
        firstMark = seen;
        break;
      }
      seen += parts[i].text.length;
    }
    var start = Math.max(0, Math.min(firstMark - 60, total - max));
    var end = start + max;
    var out = [];
    var pos = 0;
    parts.forEach(function (p) {
      var a = Math.max(start, pos);
      var b = Math.min(end, pos + p.text.length);
      if (a < b) {
        var text = p.text.slice(a - pos, b - pos);
        if (!p.mark) {
          if (a === start && start > 0) text = text.replace(/^\S*\s/, "");
          if (b === end && end < total) text = text.replace(/\s\S*$/, "");
        }
        out.push({ text: text, mark: p.mark });
      }
      pos += p.text.length;
    });
    if (start > 0) out.unshift({ text: "… ", mark: false });
    if (end < total) out.push({ text: " …", mark: false });
    return out;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function toHtml(parts) {
    return parts.map(function (p) {
      return p.mark ? "<mark>" + escapeHtml(p.text) + "</mark>" : escapeHtml(p.text);
    }).join("");
  }

  function reset() {
    cache.clear();
    manifestPromise = null;
  }

  function configure(options) {
    if (options.index !== undefined) settings.index = options.index;
    if (options.fetch !== undefined) settings.fetch = options.fetch;
    revalidate = false;
    reset();
  }

  var api = {
    search: search,
    prefetch: prefetch,
    configure: configure,
    tokenize: tokenize,
    fold: fold,
    manifest: manifest,
    escapeHtml: escapeHtml,
    withinOneEdit: withinOneEdit,
    wordHash: wordHash,
  };
  global.passerelle = Object.assign(global.passerelle || {}, api);
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
