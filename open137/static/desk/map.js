/* Desk maps: district outlines always, the street map (or tiles, when configured), a point
   to show or pick.
   Settings come from a json_script block named by the map element's data-map attribute. */
(function () {
  "use strict";

  function where(form) {
    if (form) { form.dispatchEvent(new CustomEvent("desk:where-changed", { bubbles: true })); }
  }

  function init(element) {
    var config = JSON.parse(document.getElementById(element.getAttribute("data-map")).textContent);
    var map = L.map(element, { keyboard: false, attributionControl: Boolean(config.tiles) });
    map.setView(config.point || config.center, config.point ? 15 : config.zoom, { animate: false });
    element.deskMap = map;
    // Cards and fonts settle after the map is drawn; keep its size in step with its box.
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize(); }).observe(element);
    }
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    } else if (config.streets && window.open137StreetMap) {
      // No tile server: the streets and their names come from the city's gazetteer.
      window.open137StreetMap(map, { url: config.streets, lang: document.documentElement.lang });
    }
    var marker = null;
    function show(lat, lon) {
      if (marker) { marker.setLatLng([lat, lon]); return; }
      marker = L.circleMarker([lat, lon], { radius: 9, color: "#dc3545", weight: 3,
                                            fillOpacity: 0.6 }).addTo(map);
    }
    fetch(config.districts, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var outlines = L.geoJSON(data, {
          style: { color: "#0d6efd", weight: 1.5, fillOpacity: 0.05 },
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(feature.properties.name, { sticky: true });
          }
        }).addTo(map);
        // Chromium lets the keyboard stop on every outline; the form's fields come first.
        element.querySelectorAll("path, [tabindex]").forEach(function (el) {
          el.setAttribute("tabindex", "-1");
        });
        if (!config.point && outlines.getBounds().isValid()) { map.fitBounds(outlines.getBounds()); }
        if (marker) { marker.bringToFront(); }
        element.setAttribute("data-ready", "true");
      });
    if (config.point) { show(config.point[0], config.point[1]); }
    // The map is for the mouse: keep its buttons out of the keyboard's way through the form.
    element.querySelectorAll("a, button").forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    if (!config.pick) { return; }

    var latInput = document.getElementById(element.getAttribute("data-lat-input"));
    var lonInput = document.getElementById(element.getAttribute("data-lon-input"));
    var select = document.getElementById(element.getAttribute("data-district-select"));
    var place = document.getElementById(element.getAttribute("data-place"));
    var form = latInput && latInput.form;
    if (latInput && latInput.value && lonInput.value) {
      show(parseFloat(latInput.value), parseFloat(lonInput.value));
    }
    // A place chosen in the address type-ahead (address.js) is picked like a click.
    element.addEventListener("place:pick", function (event) {
      pick({ lat: event.detail.lat, lng: event.detail.lon });
      map.setView([event.detail.lat, event.detail.lon], Math.max(map.getZoom(), 15),
                  { animate: false });
    });
    map.on("click", function (event) { pick(event.latlng); });
    function pick(latlng) {
      var lat = Number(latlng.lat).toFixed(6), lon = Number(latlng.lng).toFixed(6);
      show(lat, lon);
      latInput.value = lat;
      lonInput.value = lon;
      var url = config.locate + "?lat=" + encodeURIComponent(lat) + "&lon=" + encodeURIComponent(lon);
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.district) {
            if (select) { select.value = String(data.district.id); }
            if (place) { place.textContent = data.district.name; }
          } else {
            if (select) { select.value = ""; }
            if (place) { place.textContent = data.message || data.error || ""; }
          }
          where(form);
        });
    }
    if (select) { select.addEventListener("change", function () { where(form); }); }
  }

  document.querySelectorAll("[data-map]").forEach(init);
})();
