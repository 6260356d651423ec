/* The intake form: a keyboard-first subject combobox (type, arrows, Enter), suggested
   subjects from the server, and a nudge to the duplicate finder when the subject changes. */
(function () {
  "use strict";
  var input = document.getElementById("subject-search");
  if (!input) { return; }
  var form = input.form;
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var code = document.getElementById(input.getAttribute("data-code-input"));
  var source = input.getAttribute("data-source");

  var questions = document.getElementById("subject-questions");

  // The chosen subject's extra questions (the taxi's plate, the bus line...) from the server.
  function askQuestions() {
    if (!questions) { return; }
    if (!code.value) { questions.textContent = ""; return; }
    fetch(questions.getAttribute("data-source") + "?subject=" + encodeURIComponent(code.value),
          { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { questions.innerHTML = html; });
  }

  function changed() {
    askQuestions();
    form.dispatchEvent(new CustomEvent("desk:where-changed", { bubbles: true }));
  }

  // Without a pin, the typed address says where: duplicates are looked up by place.
  var address = document.getElementById("id_address");
  if (address) { address.addEventListener("change", changed); }

  function nextField() {
    var fields = Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0 && el.offsetParent !== null;
    });
    var next = fields[fields.indexOf(input) + 1];
    if (next) { next.focus(); }
  }

  window.open137Combobox(input, list, {
    delay: 150,
    searchOnArrow: true,
    url: function (query) { return query ? source + "?q=" + encodeURIComponent(query) : ""; },
    results: function (data) { return data.results; },
    onInput: function () { code.value = ""; },
    fill: function (li, item) {
      li.setAttribute("data-code", item.code);
      if (item.matched) {
        // The caller's word that found it («چاله»), so the operator sees why it is offered.
        var word = document.createElement("span");
        word.className = "badge text-bg-light border me-1 ms-1";
        word.textContent = item.matched;
        li.appendChild(word);
      }
      var name = document.createElement("span");
      name.textContent = item.name;
      li.appendChild(name);
      var detail = document.createElement("small");
      detail.className = "text-body-secondary ms-2 me-2";
      detail.textContent = [item.other, item.group].filter(Boolean).join(" · ");
      li.appendChild(detail);
    },
    choose: function (item) {
      code.value = item.code;
      input.value = item.name;
      input.classList.remove("is-invalid");
      changed();
      nextField();
    },
    // Enter picks: the highlighted subject, else the first; typed faster than the server
    // answers, the first of the answer. It never submits the form from here.
    enter: function (event, box) {
      event.preventDefault();
      if (box.busy()) {
        box.searchThen(function () { if (box.items().length) { box.choose(0); } });
      } else if (box.items().length) {
        box.choose(box.active() >= 0 ? box.active() : 0);
      } else if (code.value) {
        nextField();
      }
    }
  });

  // Suggested subjects beside the form (an htmx fragment): a click picks one.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pick-subject]");
    if (!button) { return; }
    code.value = button.getAttribute("data-pick-subject");
    input.value = button.getAttribute("data-name");
    input.classList.remove("is-invalid");
    changed();
  });
})();
