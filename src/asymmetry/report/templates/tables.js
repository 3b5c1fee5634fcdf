// Sortable, filterable tables and chart drawing for the asymmetry report and
// dashboard. No dependency but plotly.js, loaded before this script.
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.cells[index];
    var raw = cell.getAttribute("data-value");
    var text = raw !== null ? raw : cell.textContent.trim();
    var number = parseFloat(text);
    return raw !== null && !isNaN(number) ? number : text.toLowerCase();
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var a = cellValue(x, index), b = cellValue(y, index);
      if (a === b) { return 0; }
      if (typeof a === "number" && typeof b !== "number") { return -1; }
      if (typeof b === "number" && typeof a !== "number") { return 1; }
      return (a < b ? -1 : 1) * (ascending ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function filterTable(table) {
    var controls = document.querySelectorAll('[data-filter-for="' + table.id + '"]');
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var show = true;
      Array.prototype.forEach.call(controls, function (control) {
        var key = control.getAttribute("data-filter");
        if (control.type === "checkbox") {
          if (control.checked && row.getAttribute("data-" + key) !== "1") { show = false; }
        } else if (control.value && row.getAttribute("data-" + key) !== control.value) {
          show = false;
        }
      });
      row.hidden = !show;
    });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener("click", function () { sortBy(table, index, th); });
    });
  });
  document.querySelectorAll("[data-filter-for]").forEach(function (control) {
    var table = document.getElementById(control.getAttribute("data-filter-for"));
    control.addEventListener("change", function () { filterTable(table); });
  });
  document.querySelectorAll("div.chart[data-figure]").forEach(function (div) {
    var spec = JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
    window.Plotly.newPlot(div, spec.data, spec.layout, {
      displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"]
    });
  });
})();
