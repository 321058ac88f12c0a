(function () {
  "use strict";
  // Data from the document and the model reach the page only through textContent and .value, never as HTML.
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var source = document.getElementById("source");
  var left = document.getElementById("left");
  var findings = Array.prototype.slice.call(document.querySelectorAll("li.finding"));
  var current = null, currentFinding = -1;

  function byKey(k) {
    return document.querySelectorAll('[data-k="' + CSS.escape(k) + '"]');
  }
  function clear() {
    document.querySelectorAll(".sel, .fsel").forEach(function (e) { e.classList.remove("sel", "fsel"); });
    findings.forEach(function (e) { e.classList.remove("on"); });
  }
  function num(v) { return v === null || v === undefined ? "blank" : String(v); }
  function reveal(el, pane) {
    // Scroll only the pane that holds el, centring it; no smooth scrolling, so the view is settled at once.
    if (!el || !pane || !pane.contains(el)) return;
    var r = el.getBoundingClientRect(), p = pane.getBoundingClientRect();
    pane.scrollTop += (r.top - p.top) - (p.height / 2) + (r.height / 2);
  }
  function firstIn(pane, keys) {
    for (var i = 0; i < keys.length; i++) {
      var hit = pane.querySelector('[data-k="' + CSS.escape(keys[i]) + '"]');
      if (hit) return hit;
    }
    return null;
  }
  function line(parent, text, cls) {
    var span = document.createElement("span");
    if (cls) span.className = cls;
    span.textContent = text;
    parent.appendChild(span);
    return span;
  }
  function inspect(title, parts, cell) {
    document.getElementById("insp-empty").hidden = true;
    document.getElementById("insp-body").hidden = false;
    document.getElementById("insp-title").textContent = title;
    var detail = document.getElementById("insp-detail");
    detail.textContent = "";
    parts.forEach(function (p) { if (p) line(detail, p[0], p[1]); });
    var form = document.getElementById("corr-form");
    form.hidden = !cell;
    if (cell) {
      document.getElementById("corr-value").value = cell.v === null || cell.v === undefined ? "" : String(cell.v);
      document.getElementById("corr-note").value = "";
    }
  }

  function selectKey(k, from) {
    clear();
    current = k;
    var els = byKey(k);
    els.forEach(function (e) { e.classList.add("sel"); });
    var cell = data.cells[k], item = data.items[k];
    if (cell) {
      var parts = [];
      if (cell.p) parts.push(["第 " + cell.p + " 页", "pg-tag"]);
      parts.push([k + " = " + num(cell.v)]);
      if (cell.r !== null && cell.r !== undefined) parts.push(["  ·  printed “" + cell.r + "”" + (cell.u ? " " + cell.u : "")]);
      parts.push(cell.s ? ["  ·  chars " + cell.s[0] + "–" + cell.s[1]] : ["  ·  not located in the source (model-filled or row not read)"]);
      if (cell.c) parts.push(["  ·  corrected from " + num(cell.c.from) + (cell.c.note ? ": " + cell.c.note : "")]);
      if (cell.f && cell.f.length) parts.push(["  ·  in " + cell.f.length + " finding(s)"]);
      inspect(cell.l, parts, cell);
    } else if (item) {
      inspect(item.l, [[item.g === "none" ? "not found in the source text (G1)" : (item.g === "fuzzy" ? "aligned fuzzily: the source's text is shown" : "")]], null);
    }
    if (from !== source) reveal(firstIn(source, [k]), source);
    if (from !== left) reveal(firstIn(left, [k]), left);
  }

  function selectFinding(i, from) {
    clear();
    current = null;
    currentFinding = i;
    var f = data.findings[i], li = findings[i];
    li.classList.add("on");
    f.k.forEach(function (k) { byKey(k).forEach(function (e) { e.classList.add("fsel"); }); });
    byKey("f" + i).forEach(function (e) { e.classList.add("sel"); });
    var rule = li.querySelector(".rule").textContent, msg = li.querySelector(".msg").textContent;
    inspect(rule + " · " + li.querySelector(".fname").textContent,
            [f.p ? ["第 " + f.p + " 页", "pg-tag"] : null, [msg]], null);
    var target = firstIn(source, ["f" + i].concat(f.k));
    reveal(target, source);
    if (from !== left) reveal(li, left);
  }

  document.addEventListener("click", function (e) {
    if (e.target.closest("#inspector, #corrections, a, button, input, textarea")) return;
    var fi = e.target.closest("li.finding");
    if (fi && !e.target.closest(".term[data-k]")) { selectFinding(findings.indexOf(fi), left); return; }
    var el = e.target.closest("[data-k]");
    if (!el) return;
    var k = el.getAttribute("data-k");
    if (/^f\d+$/.test(k)) { selectFinding(+k.slice(1), source); return; }
    if (k.indexOf("overview.") === 0 && el.tagName === "MARK") {
      var inner = e.target.closest("mark:not(.n-overview)");
      if (!inner) return; // a click on plain overview text selects nothing
    }
    selectKey(k, source.contains(el) ? source : left);
  });
  document.addEventListener("keydown", function (e) {
    if (e.target.closest && e.target.closest("input, textarea")) return;
    if (e.key === "Enter" && e.target.getAttribute && e.target.getAttribute("data-k")) { e.target.click(); return; }
    if (e.key === "Enter" && e.target.classList && e.target.classList.contains("finding")) { e.target.click(); return; }
    if ((e.key === "n" || e.key === "p") && findings.length) {
      var next = e.key === "n" ? currentFinding + 1 : currentFinding - 1;
      selectFinding((next + findings.length) % findings.length, null);
    }
    if (e.key === "[" || e.key === "]") {
      var a = document.getElementById(e.key === "[" ? "prev" : "next");
      if (a) location.href = a.href;
    }
  });

  // Corrections: kept in this browser (localStorage, per document) until copied into a CSV file.
  var store = "extractor-corrections:" + data.doc;
  var lines = [];
  try { lines = JSON.parse(localStorage.getItem(store) || "[]"); } catch (err) { lines = []; }
  function csv(v) { v = String(v); return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }
  function show() {
    var box = document.getElementById("corr-lines");
    if (!box) return;
    box.value = lines.join("\n");
    document.getElementById("corr-count").textContent = String(lines.length);
    try { localStorage.setItem(store, JSON.stringify(lines)); } catch (err) { /* private mode: kept until reload */ }
  }
  var form = document.getElementById("corr-form");
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!current || !data.cells[current]) return;
    var value = document.getElementById("corr-value").value.trim();
    var note = document.getElementById("corr-note").value.trim();
    var prefix = [csv(data.doc), csv(current)].join(",") + ",";
    lines = lines.filter(function (l) { return l.indexOf(prefix) !== 0; });
    lines.push(prefix + [csv(value), csv(note)].join(","));
    show();
    document.getElementById("corr-status").textContent = "added " + current;
  });
  var copy = document.getElementById("corr-copy");
  if (copy) copy.addEventListener("click", function () {
    var box = document.getElementById("corr-lines"), status = document.getElementById("corr-status");
    var text = box.value + (box.value ? "\n" : "");
    function done() { status.textContent = "copied " + lines.length + " line(s)"; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { box.select(); document.execCommand("copy"); done(); });
    } else { box.select(); document.execCommand("copy"); done(); }
  });
  var clearBtn = document.getElementById("corr-clear");
  if (clearBtn) clearBtn.addEventListener("click", function () { lines = []; show(); });
  show();
})();
