/* Passerelle — the proposal form (proposer.html): from the schema's description that the
   build embeds (render/propose.rs), a form that checks an entry with the build's rules and
   messages and writes the case study's Markdown file. Nothing is sent anywhere: the page
   makes no request, and the file leaves it only by download, copy or the author's mail.

   Sections, each the twin of a Rust file:
   - text: fold, matchKey, slugify            ↔ src/text.rs
   - yaml: quote, fileText                    ↔ what src/yaml.rs reads back
   - check: checkEntry and the value rules    ↔ src/validate.rs (messages asked of it)
   - form: controls from the description, errors shown, the file offered */
(function (global) {
  "use strict";

  /* ---- text (src/text.rs) ---- */

  /** Lowercase, accents removed, ligatures expanded, typographic variants made ASCII. */
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .replace(/[œŒ]/g, "oe")
      .replace(/[æÆ]/g, "ae")
      .replace(/ß/g, "ss")
      .replace(/[\u2019\u2018\u02BC`´]/g, "'")
      .replace(/[\u2010-\u2015\u2212]/g, "-")
      .replace(/[\u00A0\u202F\u2007\u2009]/g, " ")
      .toLowerCase();
  }

  /** How vocabulary values are compared: folded, letters and digits only. */
  function matchKey(text) {
    return fold(text).replace(/[^\p{L}\p{N}]/gu, "");
  }

  /** A URL slug, as file names become addresses: « Été à Gaspé » → ete-a-gaspe. */
  function slugify(text) {
    return fold(text).split(/[^a-z0-9]+/).filter(Boolean).join("-");
  }

  /** At most 60 characters, with … when cut (validate.rs `shorten`, for dates). */
  function shorten(text) {
    const chars = Array.from(text);
    return chars.length > 60 ? chars.slice(0, 60).join("") + "…" : text;
  }

  /** The first 60 characters (validate.rs `describe`, for other values). */
  function head(text) {
    return Array.from(text).slice(0, 60).join("");
  }

  /* ---- yaml ---- */

  /** `text` as a double-quoted YAML scalar: read back as exactly `text`, whatever it holds
      (`: `, `#`, quotes, a leading `-`, `yes`, digits, accents, line breaks). */
  function quote(text) {
    let out = '"';
    for (const ch of text) {
      const code = ch.codePointAt(0);
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\r") out += "\\r";
      else if (code >= 0xd800 && code <= 0xdfff) out += "\uFFFD"; // a lone surrogate
      else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 ||
        code === 0x2029 || code === 0xfeff || code === 0xfffe || code === 0xffff) {
        out += "\\u" + code.toString(16).padStart(4, "0");
      } else out += ch;
    }
    return out + '"';
  }

  /** A field name as a YAML key: plain when it is a simple word, quoted otherwise. */
  function key(name) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : quote(name);
  }

  /** YAML lines of an object (`[name, node]` pairs), `indent` spaces deep. A node is a
      scalar's YAML text, `{list: [...]}` or `{object: [...]}`. */
  function objectLines(pairs, indent) {
    const pad = " ".repeat(indent);
    const lines = [];
    for (const [name, node] of pairs) {
      if (typeof node === "string") {
        lines.push(pad + key(name) + ": " + node);
      } else if (node.list) {
        lines.push(pad + key(name) + ":");
        for (const item of node.list) {
          if (typeof item === "string") {
            lines.push(pad + "  - " + item);
          } else {
            const inner = objectLines(item.object, indent + 4);
            inner[0] = pad + "  - " + inner[0].slice(indent + 4);
            lines.push(...inner);
          }
        }
      } else {
        lines.push(pad + key(name) + ":");
        lines.push(...objectLines(node.object, indent + 2));
      }
    }
    return lines;
  }

  /** The Markdown file: front matter of the checked fields, then the body. */
  function fileText(pairs, body) {
    const text = body.replace(/\r\n?/g, "\n").trim();
    return "---\n" + objectLines(pairs, 0).join("\n") + "\n---\n" + (text ? "\n" + text + "\n" : "");
  }

  /* ---- check (src/validate.rs) ---- */

  function fill(template, value) {
    return template.split("{value}").join(value);
  }

  const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

  function isEmail(text) {
    const at = text.indexOf("@");
    if (at < 0) return false;
    const local = text.slice(0, at);
    const domain = text.slice(at + 1);
    return local !== "" && domain.includes(".") && !domain.startsWith(".") &&
      !domain.endsWith(".") && !/\s/.test(text);
  }

  function isUrl(text) {
    return /^https?:\/\//.test(text) && text.length > "https://".length && !/\s/.test(text);
  }

  function isDate(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!match) return false;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day;
  }

  /** The term of a vocabulary that `text` names (id, code, label or alias), if any. */
  function term(vocabulary, text) {
    const wanted = matchKey(text);
    return vocabulary.find((t) => t.keys.includes(wanted));
  }

  /** One value of `field`: its YAML text, or `null` after adding the problem to `errors`.
      `text` is trimmed and not empty. */
  function checkValue(field, text, at, label, errors) {
    const problem = (rule, value) => {
      const template = field.messages[rule];
      errors.push({ at, label, message: template ? fill(template, value) : rule });
      return null;
    };
    switch (field.type) {
      case "date":
        return isDate(text) ? quote(text) : problem("date", shorten(text));
      case "integer":
      case "number": {
        // Spaces between thousands (« 15 000 ») are the form's convenience: it writes digits.
        const digits = text.replace(/[\s\u00A0\u202F]/g, "");
        if (!NUMBER.test(digits)) return problem("not_number", head(text));
        const number = Number(digits);
        if (!Number.isFinite(number)) return problem("not_number", head(text));
        if (field.type === "integer" && !Number.isInteger(number)) {
          return problem("not_whole", String(number));
        }
        if (number < field.min || number > field.max) return problem("range", String(number));
        return String(number);
      }
      case "email":
        return isEmail(text) ? quote(text) : problem("email", head(text));
      case "url":
        return isUrl(text) ? quote(text) : problem("url", head(text));
      case "vocabulary": {
        if (!field.vocabulary) return quote(text);
        const found = term(field.vocabulary, text);
        if (found) return quote(found.label);
        if (field.open) return slugify(text) ? quote(text) : problem("empty", "");
        return problem("unknown", text);
      }
      case "bool":
        return text === "true" ? "true" : null;
      default:
        if (field.choices && !field.choices.some((c) => c.id === text.toLowerCase())) {
          return problem("invalid", text);
        }
        return quote(text);
    }
  }

  /** Whether a raw value holds anything to write. */
  function given(raw) {
    if (raw === undefined || raw === null || raw === false) return false;
    if (typeof raw === "string") return raw.trim() !== "";
    if (Array.isArray(raw)) return raw.some(given);
    if (typeof raw === "object") return Object.values(raw).some(given);
    return raw === true;
  }

  /** Checks the raw values of `fields` (name → text, `true`, array or object, as the form
      holds them). Returns `{pairs, errors}`: what to write, in the schema's order, and each
      problem with its place in the raw values (`at`) and its field as the build names it
      (`label`, list items numbered from 1 as they are written). */
  function checkEntry(fields, raws, at, prefix) {
    at = at || [];
    prefix = prefix || "";
    const pairs = [];
    const errors = [];
    for (const field of fields) {
      const raw = raws[field.name];
      const here = at.concat([field.name]);
      const label = prefix + field.name;
      if (!given(raw)) {
        if (field.required && field.messages.required) {
          errors.push({ at: here, label, message: field.messages.required });
        }
        continue;
      }
      const one = (value, where, name) => {
        if (field.type === "object") {
          const inner = checkEntry(field.fields, value, where, name + ".");
          errors.push(...inner.errors);
          return inner.pairs.length ? { object: inner.pairs } : null;
        }
        if (value === true) return "true";
        return checkValue(field, String(value).trim(), where, name, errors);
      };
      if (field.list) {
        const items = Array.isArray(raw) ? raw : [raw];
        const list = [];
        items.forEach((item, index) => {
          if (!given(item)) return;
          const node = one(item, here.concat([index]), label + "[" + (list.length + 1) + "]");
          list.push(node);
        });
        if (list.every((node) => node !== null)) pairs.push([field.name, { list }]);
      } else {
        const node = one(raw, here, label);
        if (node !== null) pairs.push([field.name, node]);
      }
    }
    return { pairs, errors };
  }

  /* ---- form ---- */

  /** Creates an element with attributes and children (text or elements). */
  function h(tag, attributes, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined) el.append(child);
    }
    return el;
  }

  /** The field's label with its visible and spoken mark when required. */
  function labelText(field, ui) {
    const parts = [field.label];
    if (field.required) {
      parts.push(" ", h("span", { class: "propose-mark", "aria-hidden": "true" }, "*"),
        h("span", { class: "visually-hidden" }, " (" + ui.required + ")"));
    }
    return parts;
  }

  function helpText(field, ui) {
    const help = field.help || "";
    const example = field.example && !help.includes(field.example)
      ? ui.example.replace("{example}", field.example) : "";
    return [help, example].filter(Boolean).join(" ");
  }

  /**
   * The controls of one field, with `read(at)` giving its raw value, found at `at` in the
   * entry. Reading also fills `controls`: a raw value's place (`at` joined by "/") → the
   * control and the error slot that show its problems.
   */
  function buildField(field, id, ui, controls) {
    const helpId = id + "-help";
    const errorId = id + "-error";
    const help = helpText(field, ui);
    const helpEl = help ? h("p", { class: "propose-help", id: helpId }, help) : null;
    const slot = h("div", { class: "propose-error", id: errorId, hidden: true });
    const describedBy = help ? helpId : null;
    const place = (where, el) => controls.set(where.join("/"), { el, slot, errorId, helpId: describedBy });

    const vocabulary = field.type === "vocabulary" && field.vocabulary && !field.open;
    if (vocabulary && field.list) {
      const boxes = field.vocabulary.map((t, index) => {
        const box = h("input", { type: "checkbox", id: id + "-" + index, value: t.id, name: id });
        return { box, row: h("div", { class: "propose-choice" }, box, h("label", { for: id + "-" + index }, t.label)) };
      });
      const set = h("fieldset", { class: "propose-field propose-choices", id, "aria-describedby": describedBy },
        h("legend", {}, ...labelText(field, ui)), helpEl, slot, ...boxes.map((b) => b.row));
      return {
        el: set,
        read(at) {
          const checked = boxes.filter((b) => b.box.checked);
          // A problem of the n-th checked value is shown at its box.
          checked.forEach((b, index) => place(at.concat([index]), b.box));
          place(at, boxes.length ? boxes[0].box : set);
          return checked.map((b) => b.box.value);
        },
      };
    }
    if (field.list) {
      const items = h("div", { class: "propose-items" });
      const rows = [];
      const add = () => {
        const index = rows.length ? rows[rows.length - 1].index + 1 : 0;
        const itemLabel = ui.item.replace("{label}", field.label).replace("{number}", String(rows.length + 1));
        const inner = buildItem(field, id + "-" + index, itemLabel, ui, controls);
        const remove = h("button", { type: "button", class: "propose-remove" }, ui.remove);
        remove.setAttribute("aria-label", ui.remove + " — " + itemLabel);
        const row = { index, inner, el: h("div", { class: "propose-item" }, inner.el, remove) };
        remove.addEventListener("click", () => {
          rows.splice(rows.indexOf(row), 1);
          row.el.remove();
          addButton.focus();
        });
        rows.push(row);
        items.append(row.el);
        return row;
      };
      const addButton = h("button", { type: "button", class: "propose-add" }, ui.add + " — " + field.label);
      addButton.addEventListener("click", () => {
        const row = add();
        const first = row.el.querySelector("input, select, textarea");
        if (first) first.focus();
      });
      add();
      const set = h("fieldset", { class: "propose-field propose-list", id, "aria-describedby": describedBy },
        h("legend", {}, ...labelText(field, ui)), helpEl, slot, items, addButton);
      return {
        el: set,
        read(at) {
          place(at, addButton);
          return rows.map((row, index) => row.inner.read(at.concat([index])));
        },
      };
    }
    if (field.type === "object") {
      const inner = buildObject(field.fields, id, ui, controls);
      const set = h("fieldset", { class: "propose-field propose-object", id, "aria-describedby": describedBy },
        h("legend", {}, ...labelText(field, ui)), helpEl, slot, ...inner.els);
      return {
        el: set,
        read(at) {
          place(at, set);
          return inner.read(at);
        },
      };
    }
    const { input: control, extra } = scalarControl(field, id, ui);
    if (describedBy) control.setAttribute("aria-describedby", describedBy);
    const wrapper = field.type === "bool"
      ? h("div", { class: "propose-field propose-bool" }, control, h("label", { for: id }, ...labelText(field, ui)), helpEl, slot)
      : h("div", { class: "propose-field" }, h("label", { for: id }, ...labelText(field, ui)), helpEl, control, extra, slot);
    return {
      el: wrapper,
      read(at) {
        place(at, control);
        return field.type === "bool" ? control.checked : control.value;
      },
    };
  }

  /** One item of a list: a scalar control, or the sub-fields of an object. */
  function buildItem(field, id, itemLabel, ui, controls) {
    if (field.type === "object") {
      const inner = buildObject(field.fields, id, ui, controls);
      return {
        el: h("fieldset", { class: "propose-object" }, h("legend", {}, itemLabel), ...inner.els),
        read: (at) => inner.read(at),
      };
    }
    const { input: control, extra } = scalarControl(field, id, ui);
    const slot = h("div", { class: "propose-error", id: id + "-error", hidden: true });
    return {
      el: h("div", { class: "propose-item-field" }, h("label", { for: id, class: "visually-hidden" }, itemLabel), control, extra, slot),
      read(at) {
        controls.set(at.join("/"), { el: control, slot, errorId: id + "-error", helpId: null });
        return control.value;
      },
    };
  }

  function buildObject(fields, id, ui, controls) {
    const built = fields.map((sub) => ({ sub, built: buildField(sub, id + "-" + slugify(sub.name), ui, controls) }));
    return {
      els: built.map((entry) => entry.built.el),
      read(at) {
        const raw = {};
        for (const entry of built) raw[entry.sub.name] = entry.built.read(at.concat([entry.sub.name]));
        return raw;
      },
    };
  }

  /** The input, select or checkbox of one value, and what goes with it (the list of
      suggestions of an open vocabulary). */
  function scalarControl(field, id, ui) {
    const input = scalarInput(field, id, ui);
    if (field.type !== "vocabulary" || !field.vocabulary || !field.open) return { input, extra: null };
    const terms = h("datalist", { id: id + "-terms" }, ...field.vocabulary.map((t) => h("option", { value: t.label })));
    input.setAttribute("list", id + "-terms");
    return { input, extra: terms };
  }

  function scalarInput(field, id, ui) {
    const required = field.required ? "true" : null;
    if (field.choices) {
      // The page's language is preselected (`default`, render/propose.rs); "choose" stays
      // first so that an author can leave the field out.
      return h("select", { id, name: id, "aria-required": required },
        h("option", { value: "" }, ui.choose),
        ...field.choices.map((c) => h("option", { value: c.id, selected: c.id === field.default }, c.label)));
    }
    if (field.type === "vocabulary" && field.vocabulary && !field.open) {
      return h("select", { id, name: id, "aria-required": required },
        h("option", { value: "" }, ui.choose),
        ...field.vocabulary.map((t) => h("option", { value: t.id }, t.label)));
    }
    if (field.type === "bool") return h("input", { type: "checkbox", id, name: id });
    const attributes = { id, name: id, "aria-required": required, autocomplete: "off" };
    switch (field.type) {
      case "date": attributes.type = "date"; break;
      case "email": attributes.type = "email"; break;
      case "url": attributes.type = "url"; break;
      case "integer": attributes.type = "text"; attributes.inputmode = "numeric"; break;
      case "number": attributes.type = "text"; attributes.inputmode = "decimal"; break;
      default: attributes.type = "text";
    }
    return h("input", attributes);
  }

  /** The fields' controls at the top of the form. */
  function buildForm(description, ui, container) {
    const controls = new Map();
    const built = description.fields.map((field) => {
      const entry = { field, built: buildField(field, "f-" + slugify(field.name), ui, controls) };
      container.append(entry.built.el);
      return entry;
    });
    return {
      controls,
      read() {
        controls.clear();
        const raws = {};
        for (const entry of built) raws[entry.field.name] = entry.built.read([entry.field.name]);
        return raws;
      },
    };
  }

  function clearErrors(form, summary) {
    for (const slot of form.querySelectorAll(".propose-error")) {
      slot.hidden = true;
      slot.textContent = "";
    }
    for (const el of form.querySelectorAll("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
      const ids = (el.getAttribute("aria-describedby") || "").split(" ")
        .filter((x) => x && !x.endsWith("-error"));
      if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
      else el.removeAttribute("aria-describedby");
    }
    summary.hidden = true;
  }

  /** Shows each problem beside its control and in the summary, which takes the focus. */
  function showErrors(errors, controls, ui, summary) {
    const list = summary.querySelector("#propose-errors-list");
    list.textContent = "";
    for (const error of errors) {
      // Written as the build writes it: field, the language's colon, the build's message.
      const text = error.label + ui.colon + error.message;
      const place = controls.get(error.at.join("/")) ||
        controls.get(error.at.slice(0, -1).join("/")) || null;
      const item = h("li", {});
      if (place) {
        const control = place.el.matches("input, select, textarea")
          ? place.el : place.el.querySelector("input, select, textarea, button") || place.el;
        if (!control.id) control.id = place.errorId.replace(/-error$/, "-control");
        control.setAttribute("aria-invalid", "true");
        const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (!ids.includes(place.errorId)) ids.push(place.errorId);
        control.setAttribute("aria-describedby", ids.join(" "));
        place.slot.append(h("p", { class: "propose-error-message", "data-message": text }, text));
        place.slot.hidden = false;
        item.append(h("a", { href: "#" + control.id, "data-message": text }, text));
      } else {
        item.append(h("span", { "data-message": text }, text));
      }
      list.append(item);
    }
    summary.querySelector("#propose-errors-title").textContent = errors.length === 1
      ? ui.errorsOne : ui.errorsMany.replace("{count}", String(errors.length));
    summary.hidden = false;
    summary.focus();
  }

  /** The file offered: shown, downloadable, copyable and, with a contact, mailable. */
  function showFile(text, title, ui, result) {
    const output = result.querySelector("#propose-output");
    output.value = text;
    const name = (slugify(title) || "etude-de-cas") + ".md";
    result.dataset.fileName = name;
    const mail = result.querySelector("#propose-mailto");
    if (mail) {
      const subject = ui.mailSubject.replace("{title}", title);
      mail.href = "mailto:" + mail.dataset.contact + "?subject=" + encodeURIComponent(subject) +
        "&body=" + encodeURIComponent(text);
    }
    result.hidden = false;
    result.focus();
  }

  function download(text, name) {
    const url = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
    const link = h("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function copy(output, status, ui) {
    const done = () => { status.textContent = ui.copied; };
    const fallback = () => {
      output.select();
      try {
        status.textContent = document.execCommand("copy") ? ui.copied : ui.copyFailed;
      } catch (_) {
        status.textContent = ui.copyFailed;
      }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(output.value).then(done, fallback);
    } else fallback();
  }

  function start() {
    const form = document.getElementById("propose-form");
    const data = document.getElementById("propose-schema");
    if (!form || !data) return;
    const description = JSON.parse(data.textContent);
    const d = form.dataset;
    const ui = {
      colon: description.colon || ": ",
      required: d.required, choose: d.choose, add: d.add, remove: d.remove, item: d.item,
      example: d.example || "{example}", errorsOne: d.errorsOne, errorsMany: d.errorsMany,
      copied: d.copied, copyFailed: d.copyFailed, mailSubject: d.mailSubject,
    };
    const summary = document.getElementById("propose-errors");
    const result = document.getElementById("propose-result");
    const built = buildForm(description, ui, document.getElementById("propose-fields"));
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form, summary);
      const raws = built.read();
      const checked = checkEntry(description.fields, raws);
      if (checked.errors.length) {
        result.hidden = true;
        showErrors(checked.errors, built.controls, ui, summary);
        return;
      }
      const title = typeof raws.title === "string" ? raws.title.trim() : "";
      showFile(fileText(checked.pairs, document.getElementById("propose-body").value), title, ui, result);
    });
    const output = result.querySelector("#propose-output");
    const status = result.querySelector("#propose-status");
    result.querySelector("#propose-download").addEventListener("click", () =>
      download(output.value, result.dataset.fileName || "etude-de-cas.md"));
    result.querySelector("#propose-copy").addEventListener("click", () => copy(output, status, ui));
  }

  const api = { fold, matchKey, slugify, quote, fileText, checkEntry };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    global.PasserellePropose = api;
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window === "undefined" ? globalThis : window);
