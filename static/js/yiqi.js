/* Small behaviours the templates ask for with data-* attributes (the Content-Security-Policy runs no inline
   handlers such as onclick="…"):
   - data-autosubmit on a form field: submit its form when it changes;
   - data-confirm="question" on a button or link: ask before going on;
   - data-print on a button: print the page;
   - data-select-on-focus on a field: select its text when it gets the focus (a URL to copy);
   - data-select-all="name" on a checkbox: tick or clear every checkbox of that name in the same form.
   And for every page:
   - tables with column headers stack as cards on phones (yiqi.css .table-stacked): each cell gets its column's
     name in data-label, also in tables htmx swaps in later;
   - a table wrapper that scrolls sideways can be reached with the keyboard (tabindex), so nobody is stuck;
   - after a form comes back with errors, the first invalid field has the focus;
   - the service worker (<meta name="service-worker">) is registered: the installable web app, offline page. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) { field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit(); }
    var all = event.target.closest("[data-select-all]");
    if (all && all.form) {
      Array.prototype.forEach.call(all.form.elements, function (box) {
        if (box.type === "checkbox" && box.name === all.dataset.selectAll) { box.checked = all.checked; }
      });
    }
  });
  document.addEventListener("click", function (event) {
    var asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.dataset.confirm)) { event.preventDefault(); return; }
    if (event.target.closest("[data-print]")) { window.print(); }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) { event.target.select(); }
  });

  function text(cell) { return cell.textContent.replace(/\s+/g, " ").trim(); }

  function stackTables(root) {
    root.querySelectorAll("table.table:not(.table-keep)").forEach(function (table) {
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head || !table.closest("main")) { return; }
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (cell) {
        for (var i = 0; i < cell.colSpan; i += 1) { labels.push(text(cell)); }
      });
      table.classList.add("table-stacked");
      Array.prototype.forEach.call(table.tBodies, labelRows(labels));
      if (table.tFoot) { labelRows(labels)(table.tFoot); }
    });
  }

  function labelRows(labels) {
    return function (section) {
      Array.prototype.forEach.call(section.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan === 1 && labels[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan;
        });
      });
    };
  }

  function reachScrollers(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) { box.setAttribute("tabindex", "0"); }
      else if (box.getAttribute("tabindex") === "0") { box.removeAttribute("tabindex"); }
    });
  }

  function focusFirstInvalid() {
    var field = document.querySelector("main .is-invalid, main [aria-invalid='true']");
    if (!field) { return; }
    if (!field.matches("input, select, textarea, button")) { field = field.querySelector("input, select, textarea"); }
    if (field) { field.focus({ preventScroll: true }); field.scrollIntoView({ block: "center" }); }
  }

  stackTables(document);
  reachScrollers(document);
  focusFirstInvalid();
  document.body.addEventListener("htmx:afterSettle", function (event) {
    stackTables(event.target);
    reachScrollers(document);
  });
  var resizing;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () { reachScrollers(document); }, 150);
  });

  var worker = document.querySelector("meta[name='service-worker']");
  if (worker && "serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(worker.content, { scope: "/" }).catch(function () { /* the site works without */ });
  }
}());
