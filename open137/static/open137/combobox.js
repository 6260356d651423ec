/* One keyboard-first type-ahead (an ARIA combobox over a listbox), shared by the desk's
   subject field and every address field: type, arrows, Enter, Escape, or the mouse.

   open137Combobox(input, list, options) wires an <input role=combobox> to its <ul
   role=listbox>. The options say what differs between fields:
     url(query)      the address to ask for a query, or "" to ask nothing (too short);
     results(data)   the list of items in the server's answer;
     fill(li, item)  what an option shows;
     choose(item)    what choosing one does (the list is closed already);
     delay           milliseconds of quiet typing before asking (default 200);
     onInput()       called on every keystroke, before the search waits;
     searchOnArrow   ArrowDown on an empty list asks at once;
     enter(event, box)  Enter's own rule; without it Enter picks the highlighted option
                     and otherwise does what the form does.
   The returned box lets `enter` ask: items(), active(), choose(i), busy(), and
   searchThen(f), which asks now and calls f once the answer is shown. */
(function () {
  "use strict";

  window.open137Combobox = function (input, list, options) {
    var items = [], active = -1, timer = null, seq = 0, loading = false, whenLoaded = null;

    function render() {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.className = "list-group-item list-group-item-action py-1" + (i === active ? " active" : "");
        li.setAttribute("data-index", String(i));
        options.fill(li, item);
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

    function choose(i) {
      var item = items[i];
      if (!item) { return; }
      close();
      options.choose(item);
    }

    function settled() {
      loading = false;
      var then = whenLoaded;
      whenLoaded = null;
      if (then) { then(); }
    }

    function search() {
      if (timer) { clearTimeout(timer); }
      timer = null;
      var mine = ++seq;
      var url = options.url(input.value.trim());
      if (!url) { loading = false; whenLoaded = null; close(); return; }
      loading = true;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (data) {
          if (mine !== seq) { return; }
          items = options.results(data) || [];
          active = -1;
          render();
          settled();
        })
        .catch(function () { if (mine === seq) { close(); settled(); } });
    }

    var box = {
      items: function () { return items; },
      active: function () { return active; },
      choose: choose,
      busy: function () { return Boolean(timer || loading); },
      searchThen: function (then) { whenLoaded = then; search(); }
    };

    input.addEventListener("input", function () {
      if (options.onInput) { options.onInput(); }
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(search, options.delay || 200);
    });

    input.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "ArrowDown") {
        if (!items.length) {
          if (options.searchOnArrow) { event.preventDefault(); search(); }
          return;
        }
        event.preventDefault();
        active = Math.min(active + 1, items.length - 1);
        render();
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        active = Math.max(active - 1, 0);
        render();
      } else if (event.key === "Enter") {
        if (options.enter) {
          options.enter(event, box);
        } else if (items.length && active >= 0) {
          event.preventDefault();  // Enter picks the highlighted option; it never submits here
          choose(active);
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

    return box;
  };
})();
