/* Small behaviours the templates ask for with data-* attributes (the Content-Security-Policy runs no inline
   handlers such as onclick="…"):
   - data-autosubmit on a form field: submit its form when it changes;
   - data-confirm="question" on a button or link: ask before going on;
   - data-print on a button: print the page;
   - data-select-on-focus on a field: select its text when it gets the focus (a URL to copy);
   - data-select-all="name" on a checkbox: tick or clear every checkbox of that name in the same form. */
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
}());
