(function () {
  "use strict";
  // Rows are built with textContent only: nothing from a document is ever parsed as HTML.
  var rows = JSON.parse(document.getElementById("index-data").textContent);
  var PAGE = 500;
  var tbody = document.querySelector("#docs tbody");
  var q = document.getElementById("q"), status = document.getElementById("status"), rule = document.getElementById("rule");
  var more = document.getElementById("more"), shown = document.getElementById("shown"), empty = document.getElementById("empty");
  var sortKey = "", sortDir = 1, limit = PAGE, filtered = rows;
  rows.forEach(function (r) {
    r._text = [r.id, r.o, r.t, r.p, r.m].join("\n").toLowerCase();
  });

  function matches(r, text, st, ru) {
    if (ru && r.r.indexOf(ru) < 0) return false;
    if (st === "ok" && r.s !== "ok") return false;
    if (st === "failed" && r.s !== "failed") return false;
    if (st === "errors" && !(r.e > 0)) return false;
    if (st === "warnings" && !(r.w > 0)) return false;
    if (st === "clean" && (r.s !== "ok" || r.e > 0 || r.w > 0)) return false;
    if (st === "nosource" && r.src === "ok") return false;
    return !text || r._text.indexOf(text) >= 0;
  }
  function cmp(a, b) {
    var x = a[sortKey], y = b[sortKey];
    if (Array.isArray(x)) { x = x.length; y = y.length; }
    if (x === null || x === undefined) x = "";
    if (y === null || y === undefined) y = "";
    if (typeof x === "number" && typeof y === "number") return (x - y) * sortDir;
    return String(x).localeCompare(String(y), "zh") * sortDir;
  }
  function cell(tr, text, cls, title) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    if (title) td.title = title;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function render() {
    var frag = document.createDocumentFragment();
    filtered.slice(0, limit).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.className = r.s === "failed" ? "failed" : (r.e ? "has-err" : (r.w ? "has-warn" : ""));
      var td = document.createElement("td"), a = document.createElement("a");
      a.href = r.h;
      a.textContent = r.id;
      td.appendChild(a);
      if (r.t && r.t !== r.id) { var t = document.createElement("div"); t.className = "title"; t.textContent = r.t; td.appendChild(t); }
      tr.appendChild(td);
      cell(tr, r.o || "");
      cell(tr, r.y === null ? "" : String(r.y), "n");
      cell(tr, r.s === "failed" ? "failed · " + r.x : (r.src === "ok" ? "ok" : "ok · source " + r.src), "st");
      cell(tr, r.f);
      cell(tr, String(r.e), "n" + (r.e ? " e" : ""));
      cell(tr, String(r.w), "n" + (r.w ? " w" : ""));
      var rtd = cell(tr, "", "rl");
      r.r.forEach(function (x) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "rl-chip"; b.textContent = x; b.setAttribute("data-rule", x);
        rtd.appendChild(b);
      });
      cell(tr, r.m || "", "note", r.m || "");
      frag.appendChild(tr);
    });
    tbody.textContent = "";
    tbody.appendChild(frag);
    var n = Math.min(limit, filtered.length);
    shown.textContent = "showing " + n + " of " + filtered.length + " matching · " + rows.length + " in all";
    more.hidden = filtered.length <= limit;
    more.textContent = "show " + Math.min(PAGE, filtered.length - limit) + " more";
    empty.hidden = filtered.length > 0;
    document.querySelectorAll("#docs th").forEach(function (th) {
      th.classList.toggle("asc", th.getAttribute("data-sort") === sortKey && sortDir > 0);
      th.classList.toggle("desc", th.getAttribute("data-sort") === sortKey && sortDir < 0);
    });
  }
  function apply(keepLimit) {
    var text = q.value.trim().toLowerCase(), st = status.value, ru = rule.value;
    filtered = rows.filter(function (r) { return matches(r, text, st, ru); });
    if (sortKey) filtered.sort(cmp);
    if (!keepLimit) limit = PAGE;
    var h = [];
    if (q.value) h.push("q=" + encodeURIComponent(q.value));
    if (st) h.push("status=" + st);
    if (ru) h.push("rule=" + encodeURIComponent(ru));
    if (sortKey) h.push("sort=" + sortKey + (sortDir < 0 ? ":desc" : ""));
    history.replaceState(null, "", h.length ? "#" + h.join("&") : location.pathname);
    render();
  }
  function fromHash() {
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("="), k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));
      if (k === "q") q.value = v;
      if (k === "status") status.value = v;
      if (k === "rule") rule.value = v;
      if (k === "sort") { sortKey = v.split(":")[0]; sortDir = /:desc$/.test(v) ? -1 : 1; }
    });
  }

  var timer = null;
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { apply(false); }, 120); });
  status.addEventListener("change", function () { apply(false); });
  rule.addEventListener("change", function () { apply(false); });
  more.addEventListener("click", function () { limit += PAGE; render(); });
  document.getElementById("reset").addEventListener("click", function () {
    q.value = ""; status.value = ""; rule.value = ""; sortKey = ""; sortDir = 1; apply(false);
  });
  document.querySelectorAll("#docs th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      var k = th.getAttribute("data-sort");
      if (sortKey === k) sortDir = -sortDir; else { sortKey = k; sortDir = th.classList.contains("n") ? -1 : 1; }
      apply(true);
    });
  });
  document.addEventListener("click", function (e) {
    var chip = e.target.closest("[data-rule]");
    if (chip) { rule.value = chip.getAttribute("data-rule"); apply(false); return; }
    var st = e.target.closest("[data-status]");
    if (st) { status.value = st.getAttribute("data-status"); apply(false); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== q) { e.preventDefault(); q.focus(); }
  });
  fromHash();
  apply(false);
})();
