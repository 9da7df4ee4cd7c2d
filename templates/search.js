// toolcat search. assets/search-index.js lists the shards of the index (by word prefix);
// for a query, the word whose shards weigh least is looked up, and its shards are loaded
// as scripts one part at a time (so search works from file:// too), showing results after
// each. Results are built with DOM methods and textContent only: nothing from the index
// is parsed as HTML.
(function () {
  "use strict";
  var meta = window.TOOLCAT_SEARCH || { tools: 0, shards: [] };
  var q = document.getElementById("q");
  var category = document.getElementById("category");
  var risk = document.getElementById("risk");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var more = document.getElementById("more");
  if (!q || !results) { return; }
  var MAX = 100;
  // Bytes of index loaded without asking; the page and the index come first.
  var BUDGET = 2 * 1024 * 1024 - 64 * 1024;
  var BASE = "../assets/search/";
  var loaded = {};   // "name-part" -> rows
  var pending = {};  // "name-part" -> [callbacks]
  var generation = 0;

  window.TOOLCAT_SHARD = function (key, part, rows) {
    for (var i = 0; i < meta.shards.length; i++) {
      var s = meta.shards[i];
      if (s[0] === key) { loaded[s[4] + "-" + part] = rows; }
    }
  };

  function load(file, done) {
    if (loaded[file]) { done(true); return; }
    if (pending[file]) { pending[file].push(done); return; }
    pending[file] = [done];
    var script = document.createElement("script");
    var finish = function (ok) {
      var waiting = pending[file] || [];
      delete pending[file];
      for (var i = 0; i < waiting.length; i++) { waiting[i](ok && !!loaded[file]); }
    };
    script.onload = function () { finish(true); };
    script.onerror = function () { finish(false); };
    script.src = BASE + file + ".js";
    document.head.appendChild(script);
  }

  // The words the index files tools under: split at anything not a letter or digit,
  // lowercased (the index also splits camelCase, which lowercased input cannot show).
  function indexWords(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // The shard parts that hold every tool with an indexed word starting with w.
  function partsFor(w) {
    var files = [], bytes = 0;
    for (var i = 0; i < meta.shards.length; i++) {
      var s = meta.shards[i], key = s[0], leaf = s[1] === 1;
      var hit = key.indexOf(w) === 0 || (leaf && w.indexOf(key) === 0);
      if (!hit) { continue; }
      bytes += s[3];
      for (var p = 0; p < s[2]; p++) { files.push({ file: s[4] + "-" + p, bytes: s[3] / s[2] }); }
    }
    return { files: files, bytes: bytes };
  }

  function badge(kind, value) {
    var span = document.createElement("span");
    span.className = "badge " + kind + "-" + value;
    span.textContent = value;
    return span;
  }

  function show(state) {
    while (results.firstChild) { results.removeChild(results.firstChild); }
    var seen = {}, shown = 0, found = 0;
    for (var f = 0; f < state.done; f++) {
      var rows = loaded[state.files[f].file] || [];
      for (var i = 0; i < rows.length; i++) {
        var t = rows[i];
        if (seen[t[5]]) { continue; }
        if (state.c && t[2] !== state.c) { continue; }
        if (state.r && t[3] !== state.r) { continue; }
        var hay = (t[0] + " " + t[1] + " " + t[4]).toLowerCase(), ok = true;
        for (var w = 0; w < state.terms.length; w++) {
          if (hay.indexOf(state.terms[w]) < 0) { ok = false; break; }
        }
        if (!ok) { continue; }
        seen[t[5]] = true;
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
    }
    var rest = state.files.length - state.done;
    var text = found === 0 ? (rest > 0 || state.loading ? "Searching…" : "No tool matches.") :
      found + (found === 1 ? " tool matches" : " tools match") +
      (found > shown ? "; the first " + shown + " are listed." : ".");
    if (rest > 0 && !state.loading) { text += " Part of the index is not searched yet."; }
    status.textContent = text;
    if (more) { more.hidden = !(rest > 0 && !state.loading); }
  }

  // Load parts of the current query's shards until the budget is spent, then stop.
  function pump(state, budget) {
    if (state.generation !== generation) { return; }
    if (state.done >= state.files.length) {
      state.loading = false;
      show(state);
      return;
    }
    var next = state.files[state.done];
    // Stop before the part that would take the loaded bytes past the budget (the first
    // part always loads: no part is larger than the budget).
    if (next.bytes > budget && state.loadedAny) {
      state.loading = false;
      show(state);
      return;
    }
    state.loading = true;
    load(next.file, function (ok) {
      if (state.generation !== generation) { return; }
      if (!ok) {
        state.loading = false;
        status.textContent = "Part of the search index could not be loaded.";
        return;
      }
      state.done++;
      state.loadedAny = true;
      show(state);
      pump(state, budget - next.bytes);
    });
  }

  var current = null;

  function run() {
    generation++;
    var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (more) { more.hidden = true; }
    var words = indexWords(q.value);
    if (!words.length) {
      current = null;
      status.textContent = meta.tools + " tools. Type a word of a tool's or server's name.";
      return;
    }
    // The word whose shards weigh least narrows the search most.
    var best = null;
    for (var i = 0; i < words.length; i++) {
      var parts = partsFor(words[i]);
      if (!best || parts.bytes < best.bytes) { best = parts; }
    }
    current = {
      generation: generation, files: best.files, done: 0, loading: false,
      terms: terms, c: category.value, r: risk.value,
    };
    pump(current, BUDGET);
  }

  function refilter() {
    if (!current) { run(); return; }
    current.c = category.value;
    current.r = risk.value;
    show(current);
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { q.value = params.get("q"); }
  var form = document.getElementById("search-form");
  if (form) { form.addEventListener("submit", function (e) { e.preventDefault(); run(); }); }
  if (more) {
    more.addEventListener("click", function () {
      if (current) { current.loadedAny = false; pump(current, BUDGET); }
    });
  }
  q.addEventListener("input", run);
  category.addEventListener("change", refilter);
  risk.addEventListener("change", refilter);
  run();
})();
