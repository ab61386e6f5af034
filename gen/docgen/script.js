// Search: hide the cards and contents entries that do not contain every
// word typed; "/" focuses the box, Escape clears it.
(function () {
  var input = document.getElementById("search");
  var cards = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
  var texts = cards.map(function (c) { return (c.getAttribute("data-search") + " " + c.textContent).toLowerCase(); });
  var navItems = Array.prototype.slice.call(document.querySelectorAll(".side li[data-target]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("h3.group"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("main section[id]:not(.intro)"));
  var nomatch = document.getElementById("nomatch");
  var intro = document.querySelector("main .intro");
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = {};
    var any = false;
    cards.forEach(function (c, i) {
      var ok = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      c.hidden = !ok;
      if (ok) { any = true; if (c.id) shown[c.id] = true; }
    });
    navItems.forEach(function (li) { li.hidden = words.length > 0 && !shown[li.getAttribute("data-target")]; });
    groups.forEach(function (g) {
      var el = g.nextElementSibling, visible = false;
      while (el && el.tagName === "ARTICLE") { if (!el.hidden) visible = true; el = el.nextElementSibling; }
      g.hidden = !visible;
    });
    sections.forEach(function (s) { s.hidden = words.length > 0 && !s.querySelector("article:not([hidden])"); });
    nomatch.hidden = any || words.length === 0;
    intro.hidden = words.length > 0; // bring the results up
  }
  input.addEventListener("input", apply);
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== input) { e.preventDefault(); input.focus(); }
    if (e.key === "Escape" && document.activeElement === input) { input.value = ""; apply(); }
  });
  if (window.matchMedia("(max-width: 860px)").matches) {
    document.getElementById("toc").open = false;
  }
})();
