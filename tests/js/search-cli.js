#!/usr/bin/env node
// Runs the browser's search engine (themes/default/static/search.js) under node, for the
// Rust tests and the benchmark. Reads a JSON array on stdin, writes a JSON array on stdout.
//
//   node tests/js/search-cli.js tokens            ["text", …]  →  [[{folded, start, end}…]…]
//       start/end are counted in Unicode code points (Rust counts bytes, JS UTF-16 units).
//   node tests/js/search-cli.js unassigned        [code point…]  →  those node's Unicode
//       tables do not know (node's Unicode version may be older than Rust's).
//   node tests/js/search-cli.js hashes            ["folded word", …]  →  [section hash…]
//   node tests/js/search-cli.js search SITE_DIR   [{q, filters, options}…]  →  [answer…]
//       answers as passerelle.search() gives them, plus `fetched`: the index files the
//       query loaded (each query starts with an empty cache), with their size and gzip size.
//   node tests/js/search-cli.js sequence          [{q, filters, options, site?}…]  →  [answer…]
//       one engine, caches kept between queries; `site` switches the folder read from.
"use strict";

const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const engine = require(path.join(__dirname, "..", "..", "themes", "default", "static", "search.js"));

function codePointOffset(text, utf16) {
  return Array.from(text.slice(0, utf16)).length;
}

function tokens(inputs) {
  return inputs.map((text) =>
    engine.tokenize(text).map((t) => ({
      folded: t.folded,
      start: codePointOffset(text, t.start),
      end: codePointOffset(text, t.end),
    })),
  );
}

async function search(siteDir, queries) {
  const answers = [];
  for (const query of queries) {
    const fetched = [];
    engine.configure({
      index: "http://site.invalid/search/",
      fetch: async (url) => {
        const relative = decodeURIComponent(new URL(url).pathname).replace(/^\//, "");
        const file = path.join(siteDir, relative);
        let bytes;
        try {
          bytes = fs.readFileSync(file);
        } catch (err) {
          return { ok: false, status: 404 };
        }
        fetched.push({ path: relative, bytes: bytes.length, gzip: zlib.gzipSync(bytes).length });
        return {
          ok: true,
          status: 200,
          json: async () => JSON.parse(bytes.toString("utf8")),
          arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
        };
      },
    });
    const answer = await engine.search(query.q || "", query.filters || {}, query.options || {});
    answer.fetched = fetched;
    answers.push(answer);
  }
  return answers;
}

// One engine for all queries (its caches kept); a query with `site` first switches the
// folder the files are read from, as a host does when a new build is published.
async function sequence(queries) {
  let siteDir = null;
  engine.configure({
    index: "http://site.invalid/search/",
    fetch: async (url) => {
      const relative = decodeURIComponent(new URL(url).pathname).replace(/^\//, "");
      let bytes;
      try {
        bytes = fs.readFileSync(path.join(siteDir, relative));
      } catch (err) {
        return { ok: false, status: 404 };
      }
      return {
        ok: true,
        status: 200,
        json: async () => JSON.parse(bytes.toString("utf8")),
        arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      };
    },
  });
  const answers = [];
  for (const query of queries) {
    if (query.site) siteDir = query.site;
    answers.push(await engine.search(query.q || "", query.filters || {}, query.options || {}));
  }
  return answers;
}

async function main() {
  const [command, siteDir] = process.argv.slice(2);
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  let output;
  if (command === "tokens") output = tokens(input);
  else if (command === "unassigned") output = input.filter((cp) => /^\p{Cn}$/u.test(String.fromCodePoint(cp)));
  else if (command === "hashes") output = input.map((word) => engine.wordHash(word));
  else if (command === "search") output = await search(siteDir, input);
  else if (command === "sequence") output = await sequence(input);
  else throw new Error("usage: search-cli.js tokens | search SITE_DIR");
  process.stdout.write(JSON.stringify(output));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
