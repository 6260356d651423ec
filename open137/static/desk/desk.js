/* The desk's small behaviours shared by every page; no inline scripts (strict CSP). */
(function () {
  "use strict";

  // Letters and digits folded the way the server folds them for search.
  var FOLD = { "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0622": "\u0627",
               "\u0623": "\u0627", "\u0625": "\u0627", "\u0629": "\u0647", "\u200c": " " };
  function fold(text) {
    return (text || "").toLowerCase().replace(/[\u064a\u0649\u0643\u0622\u0623\u0625\u0629\u200c]/g,
      function (c) { return FOLD[c]; }).replace(/[\u06f0-\u06f9]/g, function (d) {
      return String(d.charCodeAt(0) - 0x06f0); }).replace(/[\u0660-\u0669]/g, function (d) {
      return String(d.charCodeAt(0) - 0x0660); }).replace(/\s+/g, " ").trim();
  }
  window.open137Fold = fold;

  // <input data-filter-select="id">: typing hides the options of that select that do not match.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-filter-select]")) { return; }
    var select = document.getElementById(input.getAttribute("data-filter-select"));
    if (!select) { return; }
    var words = fold(input.value).split(" ").filter(Boolean);
    var firstShown = null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) { return; }
      var text = fold(option.textContent);
      var show = words.every(function (w) { return text.indexOf(w) !== -1; });
      option.hidden = !show;
      if (show && !firstShown) { firstShown = option; }
    });
    if (firstShown && (select.selectedIndex <= 0 || select.options[select.selectedIndex].hidden)) {
      select.value = firstShown.value;
    }
  });

  // <input type=checkbox data-check-all="name">: ticks every checkbox with that name.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-check-all]")) { return; }
    var form = box.form || document;
    form.querySelectorAll("input[type=checkbox][name='" + box.getAttribute("data-check-all") + "']")
      .forEach(function (other) { other.checked = box.checked; });
  });

  // A form sent back with errors: start at the first field to correct.
  var invalid = document.querySelector("form .is-invalid");
  if (invalid && invalid.focus) { invalid.focus(); }

  // Ctrl+Enter (or Cmd+Enter) submits a form marked data-ctrl-enter, from any of its fields.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
    var form = event.target.closest && event.target.closest("form[data-ctrl-enter]");
    if (!form) { return; }
    event.preventDefault();
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  });
})();
