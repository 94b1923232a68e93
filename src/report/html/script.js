// Sorting and filtering of the target table. The table is complete without this script;
// the state lives in the address (#outcome=fail&sort=article) so a view can be shared.
(function () {
  "use strict";
  var table = document.getElementById("target-table");
  var form = document.getElementById("controls");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filters = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var sorter = form.querySelector("select[data-sort]");
  var count = document.getElementById("shown-count");
  var keys = {
    urgency: ["urgency"],
    article: ["article", "outcomeRank", "urgency"],
    attribute: ["attributeRank", "outcomeRank", "urgency"],
    rule: ["rule"]
  };

  function value(row, key) {
    var v = row.dataset[key] || "";
    return key === "rule" ? v : (v === "" ? Infinity : Number(v));
  }

  function apply(remember) {
    var order = keys[sorter.value] || keys.urgency;
    rows.sort(function (a, b) {
      for (var i = 0; i < order.length; i++) {
        var x = value(a, order[i]), y = value(b, order[i]);
        if (x < y) { return -1; }
        if (x > y) { return 1; }
      }
      return 0;
    });
    var shown = 0;
    rows.forEach(function (row) {
      var keep = filters.every(function (f) {
        return f.value === "" || row.dataset[f.dataset.filter] === f.value;
      });
      row.hidden = !keep;
      if (keep) { shown++; }
      body.appendChild(row);
    });
    count.textContent = count.dataset.label + " " + shown + " / " + rows.length;
    var state = filters.filter(function (f) { return f.value !== ""; })
      .map(function (f) { return f.dataset.filter + "=" + encodeURIComponent(f.value); });
    if (sorter.value !== "urgency") { state.push("sort=" + sorter.value); }
    if (!remember) { return; }
    try { history.replaceState(null, "", state.length ? "#" + state.join("&") : location.pathname); } catch (e) { /* file: URLs in some browsers */ }
  }

  location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var kv = pair.split("="), name = kv[0], v = decodeURIComponent(kv[1] || "");
    var select = name === "sort" ? sorter : form.querySelector('select[data-filter="' + name + '"]');
    if (select && Array.prototype.some.call(select.options, function (o) { return o.value === v; })) {
      select.value = v;
    }
  });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply(false);
  document.documentElement.setAttribute("data-js", "ready");
}());
