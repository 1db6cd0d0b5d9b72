/* « Citer cette étude de cas » : the date of consultation is the reader's, so it is filled
   here, in their browser, never at build time (a build would bake its own date into every
   page, and two builds would differ). A site built without an absolute base URL cites the
   address the page is read at. Without JavaScript the placeholder text stays, for the
   reader to complete. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "fr";
  var today = new Date().toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric" });
  document.querySelectorAll(".cite-accessed").forEach(function (element) {
    element.textContent = today;
  });
  document.querySelectorAll(".citation-url").forEach(function (element) {
    if (!/^https?:/.test(element.textContent)) {
      element.textContent = location.href.split("#")[0];
    }
  });
})();
