/* An address field's type-ahead over the city's gazetteer (GET /api/v1/places): type,
   arrows, Enter. Choosing a place sets the address text and the point: a map named by
   data-pick-map gets a "place:pick" event (it sets its pin, and so the district), else the
   inputs named by data-lat-input and data-lon-input are filled in; in a referral the unit
   of the place's district (data-unit-select, data-department) is chosen. A typed address
   never chosen is placed on receipt. Used by the desk's intake, the supervisor's
   referrals and the portal; the keyboard and the list are combobox.js's. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "fa";

  function digits(text) {
    return lang.indexOf("fa") === 0 ? String(text).replace(/[0-9]/g, function (d) {
      return "۰۱۲۳۴۵۶۷۸۹"[Number(d)]; }) : String(text);
  }

  // A field's settings are on its box (data-address-combobox) or on the input itself
  // (data-places-source, for a form Django renders: the list is made here).
  function setting(box, input, name, fallback) {
    return input.getAttribute(name) || box.getAttribute(name) || fallback;
  }

  var fields = [];
  document.querySelectorAll("[data-address-combobox]").forEach(function (box) {
    var input = box.querySelector("input[role=combobox]");
    if (input) { fields.push([box, input]); }
  });
  document.querySelectorAll("input[data-places-source]").forEach(function (input) {
    var box = input.parentElement;
    box.classList.add("combobox");
    if (!document.getElementById(input.getAttribute("aria-controls"))) {
      var made = document.createElement("ul");
      made.id = input.getAttribute("aria-controls");
      made.setAttribute("role", "listbox");
      made.className = "list-group combobox-list shadow";
      made.hidden = true;
      input.insertAdjacentElement("afterend", made);
    }
    fields.push([box, input]);
  });

  fields.forEach(function (pair) {
    var box = pair[0], input = pair[1];
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var mapElement = document.getElementById(setting(box, input, "data-pick-map", ""));
    var latInput = document.getElementById(setting(box, input, "data-lat-input", "id_lat"));
    var lonInput = document.getElementById(setting(box, input, "data-lon-input", "id_lon"));
    // A referral: the unit of the chosen place's district for the request's department.
    var unitSelect = document.getElementById(setting(box, input, "data-unit-select", ""));
    var department = setting(box, input, "data-department", "");
    var source = setting(box, input, "data-places-source", "") || box.getAttribute("data-source");

    window.open137Combobox(input, list, {
      url: function (query) {
        return query.length < 2 ? "" : source + "?limit=6&q=" + encodeURIComponent(query);
      },
      results: function (data) { return data.places; },
      fill: function (li, item) {
        var name = document.createElement("span");
        name.textContent = digits(item.name);
        li.appendChild(name);
        var detail = document.createElement("small");
        detail.className = "text-body-secondary ms-2 me-2";
        detail.textContent = digits([item.neighbourhood, item.district_name].filter(Boolean).join(" · "));
        li.appendChild(detail);
      },
      choose: function (item) {
        input.value = item.address || item.name;
        if (mapElement) {
          mapElement.dispatchEvent(new CustomEvent("place:pick", { detail: { lat: item.lat, lon: item.lon } }));
        } else if (latInput && lonInput) {
          latInput.value = item.lat.toFixed(6);
          lonInput.value = item.lon.toFixed(6);
          latInput.dispatchEvent(new Event("change", { bubbles: true }));
        }
        if (unitSelect && department && item.district_code) {
          // A <select> holds its options; a type-ahead field names them in its <datalist>.
          var options = unitSelect.list || unitSelect;
          var option = options.querySelector("option[data-code='" + item.district_code + "/" + department + "']");
          if (option) {
            unitSelect.value = option.value;
            unitSelect.dispatchEvent(new Event("change", { bubbles: true }));
          }
        }
        box.dispatchEvent(new CustomEvent("place:chosen", { bubbles: true, detail: item }));
      }
    });
  });
})();
