/* The citizen portal: map pin with the district's name, subject hints, urgent notice.
   Everything here is an enhancement: the form works without it (address text, plain radios). */
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  if (!form) { return; }
  var userPicked = false;

  function checkedSubject() { return form.querySelector("input[name=subject]:checked"); }

  function showUrgent() {
    var notice = document.getElementById("urgent-notice");
    var chosen = checkedSubject();
    if (notice) { notice.hidden = !(chosen && chosen.dataset.urgent); }
    // The chosen subject's extra questions are shown (and sent); the others' are not.
    form.querySelectorAll("[data-questions-for]").forEach(function (set) {
      var mine = !!chosen && set.getAttribute("data-questions-for") === chosen.value;
      set.hidden = !mine;
      set.disabled = !mine;
    });
  }

  function pick(code) {
    var input = document.getElementById("subject-" + code);
    if (!input) { return; }
    input.checked = true;
    var group = input.closest("details");
    if (group) { group.open = true; }
    showUrgent();
    askNearby();
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "subject") { userPicked = true; showUrgent(); askNearby(); }
    if (event.target.name === "address") { askNearby(); }
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-subject]");
    if (button) { userPicked = true; pick(button.dataset.pickSubject); return; }
    var follow = event.target.closest("[data-follow]");
    if (follow) {
      document.getElementById("id_follow").value = follow.dataset.follow;
      form.querySelectorAll("[data-follow]").forEach(function (b) {
        b.classList.toggle("active", b === follow);
      });
      var note = document.getElementById("follow-note");
      if (note) { note.hidden = false; }
    }
  });

  // The subject filter: the citizen's own words («چاله», «سگ ولگرد») narrow the groups to
  // the subjects the server's search finds by their names and synonyms.
  var filterBox = document.getElementById("subject-filter-box");
  var filter = document.getElementById("subject-filter");
  if (filterBox && filter && window.fetch) {
    filterBox.hidden = false;
    var none = document.getElementById("subject-filter-none");
    var groups = form.querySelectorAll("details.subject-group");
    var filterTimer = null, filterSeq = 0;
    var show = function (codes) {
      groups.forEach(function (group) {
        var any = false;
        group.querySelectorAll("input[name=subject]").forEach(function (input) {
          var visible = codes === null || codes.indexOf(input.value) >= 0;
          var label = group.querySelector("label[for='" + input.id + "']");
          input.hidden = !visible;
          if (label) { label.hidden = !visible; }
          any = any || visible;
        });
        group.hidden = !any;
        if (codes !== null) { group.open = any; }
      });
      none.hidden = codes === null || codes.length > 0;
    };
    filter.addEventListener("input", function () {
      clearTimeout(filterTimer);
      var text = filter.value.trim();
      if (!text) { show(null); return; }
      filterTimer = setTimeout(function () {
        var mine = ++filterSeq;
        fetch(filter.dataset.source + "?q=" + encodeURIComponent(text), {headers: {Accept: "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (data) { if (mine === filterSeq) { show(data.codes || []); } })
          .catch(function () { show(null); });
      }, 200);
    });
  }

  // A sure suggestion is chosen for the citizen until they choose for themselves.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "suggestions") { return; }
    var box = event.target.querySelector("[data-confident]");
    if (box && box.dataset.confident && !userPicked) { pick(box.dataset.confident); }
  });

  function askNearby() {
    var chosen = checkedSubject();
    var lat = document.getElementById("id_lat").value;
    var lon = document.getElementById("id_lon").value;
    // Without a pin, the address says where (the server looks it up in the gazetteer).
    var address = document.getElementById("id_address").value.trim();
    if (!chosen || (!(lat && lon) && !address) || !window.htmx) { return; }
    window.htmx.ajax("POST", form.dataset.nearbyUrl, {
      target: "#nearby", swap: "innerHTML",
      values: {subject: chosen.value, lat: lat, lon: lon, address: address,
               description: document.getElementById("id_description").value,
               csrfmiddlewaretoken: form.querySelector("[name=csrfmiddlewaretoken]").value}
    });
  }

  showUrgent();

  // The map: district outlines always, over the street map (or a tile server's tiles).
  var el = document.getElementById("portal-map");
  if (!el || !window.L) { return; }
  var L = window.L;
  var lang = el.dataset.lang || "fa";
  var center = (el.dataset.center || "").split(",").map(Number);
  var map = L.map(el, {attributionControl: !!el.dataset.tiles, zoomSnap: 0.25});
  if (center.length === 2 && !isNaN(center[0])) {
    map.setView(center, Number(el.dataset.zoom) || 12);
  } else {
    map.setView([0, 0], 2);
  }
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {maxZoom: 19, attribution: el.dataset.attribution || ""}).addTo(map);
  } else if (el.dataset.streetsUrl && window.open137StreetMap) {
    // No tile server: the streets and their names come from the city's gazetteer.
    window.open137StreetMap(map, {url: el.dataset.streetsUrl, lang: lang});
  }
  var icon = L.icon({
    iconUrl: el.dataset.marker, iconRetinaUrl: el.dataset.marker2x, shadowUrl: el.dataset.shadow,
    iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], shadowSize: [41, 41]
  });
  var marker = null;
  var nameBox = document.getElementById("district-name");

  fetch(el.dataset.districtsUrl, {credentials: "same-origin"})
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: {color: "#0d6efd", weight: 1.5, fillOpacity: 0.06},
        onEachFeature: function (feature, l) {
          l.bindTooltip(feature.properties[lang] || feature.properties.fa, {sticky: true});
          l.on("click", function (e) { place(e.latlng); });
        }
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), {padding: [8, 8], animate: false}); }
      var lat = document.getElementById("id_lat").value;
      var lon = document.getElementById("id_lon").value;
      if (lat && lon) { place(L.latLng(Number(lat), Number(lon))); }
    })
    .catch(function () { /* the address field still works */ });

  map.on("click", function (e) { place(e.latlng); });
  // A place chosen in the address type-ahead (address.js) sets the pin, and so the district.
  el.addEventListener("place:pick", function (e) {
    var here = L.latLng(e.detail.lat, e.detail.lon);
    map.setView(here, Math.max(map.getZoom(), 16), {animate: false});
    place(here);
  });

  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, {icon: icon}).addTo(map); }
    document.getElementById("id_lat").value = latlng.lat.toFixed(6);
    document.getElementById("id_lon").value = latlng.lng.toFixed(6);
    var url = el.dataset.locateUrl + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6);
    fetch(url, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        nameBox.textContent = data.name || data.message || data.error || "";
        nameBox.dataset.code = data.code || "";
        nameBox.classList.toggle("text-warning-emphasis", !data.code);
      })
      .catch(function () { nameBox.textContent = ""; });
    askNearby();
  }

  var locate = document.getElementById("locate-me");
  if (locate && navigator.geolocation && window.isSecureContext) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
        map.setView(here, 16);
        place(here);
      });
    });
  }
}());
