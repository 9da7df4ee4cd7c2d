// toolcat search: filters the index in assets/search-index.js as you type. Results are
// built with DOM methods and textContent only: nothing from the index is parsed as HTML.
(function () {
  "use strict";
  var index = window.TOOLCAT_SEARCH || [];
  var q = document.getElementById("q");
  var category = document.getElementById("category");
  var risk = document.getElementById("risk");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  if (!q || !results) { return; }
  var MAX = 100;
  var lower = index.map(function (t) {
    return (t[0] + " " + t[1] + " " + t[4]).toLowerCase();
  });

  function badge(kind, value) {
    var span = document.createElement("span");
    span.className = "badge " + kind + "-" + value;
    span.textContent = value;
    return span;
  }

  function run() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var c = category.value, r = risk.value;
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (!words.length && !c && !r) {
      status.textContent = index.length + " tools. Type a word, or pick a category or risk.";
      return;
    }
    var shown = 0, found = 0;
    for (var i = 0; i < index.length; i++) {
      var t = index[i];
      if (c && t[2] !== c) { continue; }
      if (r && t[3] !== r) { continue; }
      var hay = lower[i], ok = true;
      for (var w = 0; w < words.length; w++) {
        if (hay.indexOf(words[w]) < 0) { ok = false; break; }
      }
      if (!ok) { continue; }
      found++;
      if (shown >= MAX) { continue; }
      shown++;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "../" + t[5];
      var code = document.createElement("code");
      code.textContent = t[0];
      a.appendChild(code);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" " + t[1] + " "));
      li.appendChild(badge("cat", t[2]));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(badge("risk", t[3]));
      var p = document.createElement("p");
      p.textContent = t[4];
      li.appendChild(p);
      results.appendChild(li);
    }
    status.textContent = found === 0 ? "No tool matches." :
      found + (found === 1 ? " tool matches" : " tools match") +
      (found > shown ? "; the first " + shown + " are listed." : ".");
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { q.value = params.get("q"); }
  var form = document.getElementById("search-form");
  if (form) { form.addEventListener("submit", function (e) { e.preventDefault(); run(); }); }
  q.addEventListener("input", run);
  category.addEventListener("change", run);
  risk.addEventListener("change", run);
  run();
})();
