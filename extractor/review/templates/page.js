(function () {
  "use strict";
  // Data from the document and the model reach the page only through textContent and .value, never as HTML.
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var source = document.getElementById("source");
  var left = document.getElementById("left");
  var findings = Array.prototype.slice.call(document.querySelectorAll("li.finding"));
  var current = null, currentFinding = -1;

  // The source text with its marks, built as DOM nodes: text only ever becomes text nodes. Marks that cross
  // are split (closed and reopened) so they nest; every piece keeps its key.
  function pageOf(pos) {  // 1-based page of a JavaScript offset, from the pages' first offsets
    var lo = 0, hi = data.pages.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (u16(data.pages[mid]) <= pos) lo = mid + 1; else hi = mid; }
    return Math.max(lo, 1);
  }
  function u16(pos) {  // a code-point offset (the record's) as a JavaScript string offset
    var n = 0;
    while (n < data.astral.length && data.astral[n] < pos) n++;
    return pos + n;
  }
  function allMarks() {
    var marks = data.marks.slice(), sev = { error: " err", warning: " warn" };
    Object.keys(data.cells).forEach(function (t) {
      Object.keys(data.cells[t]).forEach(function (r) {
        Object.keys(data.cells[t][r]).forEach(function (c) {
          var cell = data.cells[t][r][c], k = t + "." + r + "." + c;
          if (cell[2] !== null) marks.push([cell[2], cell[3], k, "c" + (sev[data.worst[k]] || "")]);
        });
      });
    });
    marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    if (!data.astral.length) return marks;
    return marks.map(function (m) { return [u16(m[0]), u16(m[1]), m[2], m[3]]; });
  }
  function renderText() {
    var pre = document.getElementById("text");
    if (!pre || data.text === null) return;
    var text = data.text, starts = {}, at = {}, bounds = [0, text.length];
    allMarks().forEach(function (m) { (starts[m[0]] = starts[m[0]] || []).push(m); bounds.push(m[0], m[1]); });
    data.anchors.forEach(function (a) { var p = u16(a[0]); (at[p] = at[p] || []).push(a); bounds.push(p); });
    bounds.sort(function (a, b) { return a - b; });
    bounds = bounds.filter(function (b, i) { return i === 0 || b !== bounds[i - 1]; });
    var root = document.createDocumentFragment(), stack = [], prev = 0;
    function parent() { return stack.length ? stack[stack.length - 1].el : root; }
    function open(m) {
      var el = document.createElement("mark");
      el.className = m[3];
      el.setAttribute("data-k", m[2]);
      if (data.pages.length) el.setAttribute("data-p", String(pageOf(m[0])));
      parent().appendChild(el);
      stack.push({ m: m, el: el });
    }
    bounds.forEach(function (pos) {
      if (pos > prev) { parent().appendChild(document.createTextNode(text.slice(prev, pos))); prev = pos; }
      var ending = -1;
      for (var i = 0; i < stack.length; i++) if (stack[i].m[1] <= pos) { ending = i; break; }
      if (ending >= 0) {
        var reopen = stack.slice(ending).map(function (e) { return e.m; }).filter(function (m) { return m[1] > pos; });
        reopen.sort(function (a, b) { return b[1] - a[1]; });
        stack.length = ending;
        reopen.forEach(open);
      }
      (at[pos] || []).forEach(function (a) {
        var span = document.createElement("span");
        if (a[1] === "pg") { span.className = "pg"; span.textContent = "第 " + a[2] + " 页"; }
        else { span.className = "sec"; span.id = "sec-" + a[2]; }
        parent().appendChild(span);
      });
      (starts[pos] || []).forEach(open);
    });
    pre.appendChild(root);
  }
  renderText();

  function cellOf(k) {
    var p = k.split("."), t = data.cells[p[0]], row = t && t[p[1]], c = row && row[p[2]];
    var lab = data.labels[p[0]];
    if (!lab) return null;
    var extra = (c && c[4]) || {}, inFindings = 0;
    data.findings.forEach(function (f) { if (f.indexOf(k) >= 0) inFindings++; });
    return {
      l: lab.t + " " + (lab.r[p[1]] || p[1]) + " · " + (lab.c[p[2]] || p[2]),
      v: c ? c[0] : null, r: c ? c[1] : null, s: c && c[2] !== null ? [c[2], c[3]] : null,
      u: extra.u, c: extra.c, f: inFindings, read: !!c
    };
  }

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
    var cell = /^table\d\./.test(k) ? cellOf(k) : null, item = data.items[k];
    var mark = source.querySelector('mark[data-k="' + CSS.escape(k) + '"]');
    var page = mark && mark.getAttribute("data-p");
    if (cell) {
      var parts = [];
      if (page) parts.push(["第 " + page + " 页", "pg-tag"]);
      parts.push([k + " = " + num(cell.v)]);
      if (!cell.read) parts.push(["  ·  row not read: see the findings"]);
      else {
        parts.push(["  ·  printed “" + cell.r + "”" + (cell.u ? " " + cell.u : "")]);
        parts.push(cell.s ? ["  ·  chars " + cell.s[0] + "–" + cell.s[1]] : ["  ·  filled by the model, not located in the source (L2)"]);
      }
      if (cell.c) parts.push(["  ·  corrected from " + num(cell.c.from) + (cell.c.note ? ": " + cell.c.note : "")]);
      if (cell.f) parts.push(["  ·  in " + cell.f + " finding(s)"]);
      inspect(cell.l, parts, cell);
    } else if (item) {
      var g = item[1] === "none" ? "not found in the source text (G1)" : (item[1] === "fuzzy" ? "aligned fuzzily: the source's text is shown" : "");
      inspect(item[0], [page ? ["第 " + page + " 页", "pg-tag"] : null, [g]], null);
    }
    if (from !== source) reveal(firstIn(source, [k]), source);
    if (from !== left) reveal(firstIn(left, [k]), left);
  }

  function selectFinding(i, from) {
    clear();
    current = null;
    currentFinding = i;
    var keys = data.findings[i], li = findings[i];
    li.classList.add("on");
    keys.forEach(function (k) { byKey(k).forEach(function (e) { e.classList.add("fsel"); }); });
    byKey("f" + i).forEach(function (e) { e.classList.add("sel"); });
    var target = firstIn(source, ["f" + i].concat(keys));
    var page = target && target.getAttribute("data-p");
    var rule = li.querySelector(".rule").textContent, msg = li.querySelector(".msg").textContent;
    inspect(rule + " · " + li.querySelector(".fname").textContent, [page ? ["第 " + page + " 页", "pg-tag"] : null, [msg]], null);
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
    if (!current || !cellOf(current)) return;
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
