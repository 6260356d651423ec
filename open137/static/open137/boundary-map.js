/* The admin's boundary editor: the polygon in the GeoJSON box, drawn on a map over the
   other districts, with its corners editable; every change is written back into the box,
   which is what the form sends. Settings come from the map element's data-config. */
(function () {
  "use strict";

  // The polygon inside what is in the box: a geometry, a Feature or a collection of one.
  function polygonOf(text) {
    var value;
    try { value = JSON.parse(text); } catch (e) { return null; }
    if (value && value.type === "FeatureCollection" && value.features && value.features.length === 1) {
      value = value.features[0];
    }
    if (value && value.type === "Feature") { value = value.geometry; }
    if (value && (value.type === "Polygon" || value.type === "MultiPolygon")) { return value; }
    return null;
  }

  function init(box) {
    var textarea = document.getElementById(box.getAttribute("data-boundary"));
    var element = box.querySelector(".boundary-map");
    var config = JSON.parse(element.getAttribute("data-config"));
    var map = L.map(element, { attributionControl: Boolean(config.tiles) });
    map.setView([config.center[0], config.center[1]], config.zoom, { animate: false });
    element.boundaryMap = map;
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.attribution || "", maxZoom: 19 }).addTo(map);
    }
    if (config.language === "fa") { map.pm.setLang("fa"); }
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
      drawCircle: false, drawText: false, editMode: false, dragMode: false, cutPolygon: false,
      removalMode: false, rotateMode: false
    });
    var shape = null;

    function write() {
      textarea.value = JSON.stringify(shape.toGeoJSON(6).geometry);
      box.classList.add("boundary-changed");
    }

    function editable(layer) {
      shape = layer;
      shape.setStyle({ color: "#d63384", weight: 3, fillOpacity: 0.15 });
      shape.pm.enable({ allowSelfIntersection: false });
      shape.on("pm:edit", write);
      element.boundaryShape = shape;
    }

    function draw(fit) {
      if (shape) { map.removeLayer(shape); shape = null; }
      var geometry = polygonOf(textarea.value);
      if (!geometry) { return; }
      var layer = L.geoJSON(geometry).getLayers()[0];
      layer.addTo(map);
      editable(layer);
      if (fit) { map.fitBounds(layer.getBounds(), { padding: [20, 20], animate: false }); }
    }

    map.on("pm:create", function (event) {
      if (shape) { map.removeLayer(shape); }
      editable(event.layer);
      write();
    });
    textarea.addEventListener("change", function () { draw(true); });
    draw(true);

    fetch(config.outlines, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var others = L.geoJSON(data, {
          filter: function (feature) { return feature.properties.code !== config.code; },
          style: { color: "#0d6efd", weight: 1.5, fillOpacity: 0.04 },
          interactive: false,
          pmIgnore: true
        }).addTo(map);
        others.bringToBack();
        if (!shape && others.getLayers().length) {
          map.fitBounds(others.getBounds(), { animate: false });
        }
      });
  }

  // The admin loads form scripts in the page's head, before the form exists.
  function start() { document.querySelectorAll(".boundary-editor").forEach(init); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
