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
  var items = [], active = -1, timer = null, seq = 0, loading = false, pickWhenLoaded = false;

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

  function render() {
    list.textContent = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "subject-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.className = "list-group-item list-group-item-action py-1" + (i === active ? " active" : "");
      li.setAttribute("data-index", String(i));
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
      list.appendChild(li);
    });
    var open = items.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (active >= 0 && list.children[active]) {
      input.setAttribute("aria-activedescendant", list.children[active].id);
      list.children[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() { items = []; active = -1; render(); }

  function nextField() {
    var fields = Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0 && el.offsetParent !== null;
    });
    var next = fields[fields.indexOf(input) + 1];
    if (next) { next.focus(); }
  }

  function choose(i) {
    var item = items[i];
    if (!item) { return; }
    code.value = item.code;
    input.value = item.name;
    input.classList.remove("is-invalid");
    close();
    changed();
    nextField();
  }

  function search() {
    timer = null;
    var query = input.value.trim();
    var mine = ++seq;
    if (!query) { loading = false; pickWhenLoaded = false; close(); return; }
    loading = true;
    fetch(source + "?q=" + encodeURIComponent(query), { credentials: "same-origin",
                                                        headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== seq) { return; }
        loading = false;
        items = data.results || [];
        active = -1;
        render();
        if (pickWhenLoaded) {
          pickWhenLoaded = false;
          if (items.length) { choose(0); }
        }
      });
  }

  input.addEventListener("input", function () {
    code.value = "";
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(search, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey) { return; }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!items.length) { search(); return; }
      active = Math.min(active + 1, items.length - 1);
      render();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      active = Math.max(active - 1, 0);
      render();
    } else if (event.key === "Enter") {
      // Enter picks; it never submits the form from here.
      event.preventDefault();
      if (timer || loading) {
        if (timer) { clearTimeout(timer); }
        pickWhenLoaded = true;
        search();
      } else if (items.length) {
        choose(active >= 0 ? active : 0);
      } else if (code.value) {
        nextField();
      }
    } else if (event.key === "Escape") {
      close();
    }
  });

  input.addEventListener("blur", function () { setTimeout(close, 150); });

  list.addEventListener("mousedown", function (event) {
    var option = event.target.closest("[data-index]");
    if (!option) { return; }
    event.preventDefault();
    choose(parseInt(option.getAttribute("data-index"), 10));
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
