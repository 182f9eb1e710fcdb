// gnlc site: search every member, place, concept and vocabulary term by its English or Thai
// name, offline. The index (search.json, generated with the site) is fetched from the site
// itself on first use; nothing else is requested.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!form || !input || !list) { return; }
  var lang = document.documentElement.lang || "en";
  var other = lang === "th" ? "en" : "th";
  var entries = null;

  function fold(text) {
    // Case and Latin accents do not matter; Thai marks are letters and stay.
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function load() {
    if (entries) { return Promise.resolve(entries); }
    return fetch(form.dataset.index).then(function (response) {
      return response.json();
    }).then(function (data) {
      entries = data.map(function (e) {
        e.keys = [e.en, e.th].concat(e.alt || []).map(fold);
        return e;
      });
      return entries;
    });
  }

  function item(entry) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = entry.p + ".html";
    var name = entry[lang] || entry.en;
    link.textContent = name;
    if (!entry[lang]) { link.lang = "en"; }
    li.appendChild(link);
    var second = entry[other];
    if (second && second !== name) {
      var span = document.createElement("span");
      span.className = "other-name";
      span.lang = other;
      span.textContent = " · " + second;
      li.appendChild(span);
    }
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = " (" + (form.dataset["kind" + entry.k] || entry.k) + ")";
    li.appendChild(kind);
    return li;
  }

  function run() {
    var query = fold(input.value);
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    load().then(function (all) {
      var found = all.filter(function (e) {
        return e.keys.some(function (k) { return k.indexOf(query) !== -1; });
      });
      found.slice(0, 100).forEach(function (e) { list.appendChild(item(e)); });
      status.textContent = found.length + " " + form.dataset.results;
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  input.addEventListener("input", run);
  form.hidden = false;
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(); }
}());
