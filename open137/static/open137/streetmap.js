/* The city's street map without a tile server: streets, neighbourhoods and landmarks from
   the gazetteer, fetched as GeoJSON by tile from open137 itself (/places/tiles/z/x/y.json)
   and drawn by Leaflet, names written along the streets in the page's language.
   Used by every map when the deployment names no MAP_TILE_URL:
     open137StreetMap(map, {url: "/places/tiles/{z}/{x}/{y}.json", lang: "fa"}) */
(function () {
  "use strict";
  var CITY = 11, STREET = 14, CELL = 15;  // as places/streetmap.py
  var FONT = "12px Vazirmatn, Tahoma, sans-serif";
  var SPACING = 420;  // pixels between two labels of one street

  // One data tile covers four screen tiles: a view needs a handful of requests.
  function dataZoom(zoom) { return Math.min(Math.max(Math.floor(zoom) - 1, 0), CELL); }
  function band(dz) { return dz < CITY ? 0 : (dz < STREET ? 1 : 2); }

  function width(zoom, main) {
    if (zoom >= 17) { return main ? 12 : 9; }
    if (zoom >= 16) { return main ? 9 : 6; }
    if (zoom >= 15) { return main ? 7 : 4; }
    if (zoom >= 14) { return main ? 5 : 2.5; }
    return main ? 3 : 1.5;
  }

  // Names are stored with Latin digits; the Persian map writes them in Persian ones.
  function shown(text, lang) {
    return String(lang || "").indexOf("fa") === 0 ? String(text).replace(/[0-9]/g, function (d) {
      return "۰۱۲۳۴۵۶۷۸۹"[Number(d)]; }) : String(text);
  }

  var measure = null;
  function textWidth(text, font) {
    if (!measure) { measure = document.createElement("canvas").getContext("2d"); }
    measure.font = font;
    return measure.measureText(text).width;
  }

  window.open137StreetMap = function (map, options) {
    var L = window.L;
    if (!L || !options || !options.url) { return null; }
    var container = map.getContainer();
    container.classList.add("street-map");
    container.setAttribute("data-streets", "loading");
    ["streetCasing", "streetFill", "streetLabels"].forEach(function (name, i) {
      var pane = map.createPane(name);
      pane.style.zIndex = String([330, 340, 450][i]);
      pane.style.pointerEvents = "none";
    });
    var casingRenderer = L.svg({ pane: "streetCasing", padding: 0.5 });
    var fillRenderer = L.svg({ pane: "streetFill", padding: 0.5 });
    var lines = L.layerGroup().addTo(map);
    var labels = L.layerGroup().addTo(map);
    var features = {}, fetched = {}, pending = 0, shownBand = -1, timer = null;

    function reset() {
      lines.clearLayers();
      labels.clearLayers();
      features = {};
      fetched = {};
    }

    function draw(feature) {
      var p = feature.properties, item = { feature: feature, layers: [] };
      var g = feature.geometry;
      if (g.type === "MultiLineString" || g.type === "LineString") {
        var latlngs = (g.type === "LineString" ? [g.coordinates] : g.coordinates).map(function (line) {
          return line.map(function (c) { return [c[1], c[0]]; });
        });
        var w = width(map.getZoom(), p.main);
        var casing = L.polyline(latlngs, { renderer: casingRenderer, interactive: false,
          color: p.main ? "#d6b26a" : "#cfc8bd", weight: w + 2, lineCap: "round", lineJoin: "round" });
        var fill = L.polyline(latlngs, { renderer: fillRenderer, interactive: false,
          color: p.main ? "#fde8a6" : "#ffffff", weight: w, lineCap: "round", lineJoin: "round" });
        lines.addLayer(casing);
        lines.addLayer(fill);
        item.layers = [casing, fill];
        item.latlngs = latlngs;
      }
      features[feature.id] = item;
    }

    function restyle() {
      var zoom = map.getZoom();
      Object.keys(features).forEach(function (id) {
        var item = features[id];
        if (item.layers.length) {
          var w = width(zoom, item.feature.properties.main);
          item.layers[0].setStyle({ weight: w + 2 });
          item.layers[1].setStyle({ weight: w });
        }
      });
    }

    function label(point, text, className, angle) {
      var span = document.createElement("span");
      span.className = "street-map-label " + className;
      span.textContent = text;
      span.style.transform = "translate(-50%, -50%) rotate(" + (angle || 0).toFixed(1) + "deg)";
      var marker = L.marker(map.layerPointToLatLng(point), {
        pane: "streetLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ html: span, className: "street-map-anchor", iconSize: [0, 0] })
      });
      labels.addLayer(marker);
    }

    // A box (screen pixels) for a label of width w and height h turned by angle degrees.
    function box(point, w, h, angle) {
      var a = angle * Math.PI / 180, c = Math.abs(Math.cos(a)), s = Math.abs(Math.sin(a));
      var bw = (w * c + h * s) / 2 + 3, bh = (w * s + h * c) / 2 + 3;
      return [point.x - bw, point.y - bh, point.x + bw, point.y + bh];
    }
    function overlaps(b, taken) {
      for (var i = 0; i < taken.length; i++) {
        var t = taken[i];
        if (b[0] < t[2] && b[2] > t[0] && b[1] < t[3] && b[3] > t[1]) { return true; }
      }
      return false;
    }

    // The point at distance d along a path of layer points.
    function along(points, lengths, d) {
      for (var i = 1; i < points.length; i++) {
        if (lengths[i] >= d) {
          var t = (d - lengths[i - 1]) / ((lengths[i] - lengths[i - 1]) || 1);
          return L.point(points[i - 1].x + (points[i].x - points[i - 1].x) * t,
                         points[i - 1].y + (points[i].y - points[i - 1].y) * t);
        }
      }
      return points[points.length - 1];
    }

    function relabel() {
      timer = null;
      labels.clearLayers();
      var zoom = map.getZoom();
      var size = map.getSize(), origin = map.containerPointToLayerPoint([0, 0]);
      var view = [origin.x, origin.y, origin.x + size.x, origin.y + size.y];
      var taken = [], placed = 0;
      var items = Object.keys(features).map(function (id) { return features[id]; });
      var rank = { neighbourhood: 0, street: 1, landmark: 2 };
      items.sort(function (a, b) {
        var pa = a.feature.properties, pb = b.feature.properties;
        return (rank[pa.kind] - rank[pb.kind]) || ((pb.main ? 1 : 0) - (pa.main ? 1 : 0)) ||
          (a.feature.id - b.feature.id);
      });
      items.forEach(function (item) {
        var p = item.feature.properties, text = p.name && shown(p.name, options.lang);
        if (!text) { return; }
        if (p.kind === "neighbourhood" || p.kind === "landmark") {
          if (p.kind === "landmark" && zoom < 15) { return; }
          var c = item.feature.geometry.coordinates;
          var at = map.latLngToLayerPoint([c[1], c[0]]);
          var font = p.kind === "neighbourhood" ? "bold 14px Vazirmatn, Tahoma, sans-serif" : "11px Vazirmatn, Tahoma, sans-serif";
          var b = box(at, textWidth(text, font), 16, 0);
          if (b[0] < view[0] || b[2] > view[2] || b[1] < view[1] || b[3] > view[3] || overlaps(b, taken)) { return; }
          taken.push(b);
          label(at, text, p.kind === "neighbourhood" ? "street-map-area" : "street-map-landmark", 0);
          placed++;
          return;
        }
        if (!item.latlngs || (zoom < 15 && !p.main)) { return; }
        var w = textWidth(text, FONT);
        item.latlngs.forEach(function (line) {
          var points = line.map(function (ll) { return map.latLngToLayerPoint(ll); });
          var lengths = [0];
          for (var i = 1; i < points.length; i++) {
            lengths.push(lengths[i - 1] + points[i].distanceTo(points[i - 1]));
          }
          var total = lengths[lengths.length - 1];
          if (total < w + 16) { return; }
          var spots = total < 2 * SPACING ? [total / 2] : [];
          for (var d = SPACING / 2; total >= 2 * SPACING && d < total - w / 2; d += SPACING) { spots.push(d); }
          spots.forEach(function (d) {
            var a = along(points, lengths, Math.max(d - w / 2, 0));
            var z = along(points, lengths, Math.min(d + w / 2, total));
            if (a.distanceTo(z) < w * 0.9) { return; }  // too curved here to write along
            var mid = along(points, lengths, d);
            var angle = Math.atan2(z.y - a.y, z.x - a.x) * 180 / Math.PI;
            if (angle > 90) { angle -= 180; } else if (angle < -90) { angle += 180; }
            var b = box(mid, w, 14, angle);
            if (b[0] < view[0] || b[2] > view[2] || b[1] < view[1] || b[3] > view[3] || overlaps(b, taken)) { return; }
            taken.push(b);
            label(mid, text, p.main ? "street-map-street street-map-main" : "street-map-street", angle);
            placed++;
          });
        });
      });
      container.setAttribute("data-street-labels", String(placed));
      if (!pending) { container.setAttribute("data-streets", "ready"); }
    }

    function later() {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(relabel, 30);
    }

    function load() {
      var dz = dataZoom(map.getZoom()), now = band(dz);
      if (now !== shownBand) { reset(); shownBand = now; }
      if (now === 0) { later(); return; }
      var bounds = map.getPixelBounds(), scale = map.getZoomScale(dz, map.getZoom());
      var n = Math.pow(2, dz), size = 256;
      var x0 = Math.max(Math.floor(bounds.min.x * scale / size), 0);
      var x1 = Math.min(Math.floor(bounds.max.x * scale / size), n - 1);
      var y0 = Math.max(Math.floor(bounds.min.y * scale / size), 0);
      var y1 = Math.min(Math.floor(bounds.max.y * scale / size), n - 1);
      var wanted = [];
      for (var x = x0; x <= x1; x++) {
        for (var y = y0; y <= y1; y++) {
          var key = dz + "/" + x + "/" + y;
          if (!fetched[key]) { fetched[key] = true; wanted.push([dz, x, y]); }
        }
      }
      if (!wanted.length) { later(); return; }
      container.setAttribute("data-streets", "loading");
      wanted.forEach(function (t) {
        pending++;
        var url = options.url.replace("{z}", t[0]).replace("{x}", t[1]).replace("{y}", t[2]) +
          "?lang=" + encodeURIComponent(options.lang || "fa");
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
          .then(function (response) {
            // A tile refused for now (too many asked at once) is asked again on the next move.
            if (response.status === 429) { delete fetched[t.join("/")]; }
            return response.ok ? response.json() : { features: [] };
          })
          .then(function (data) {
            if (shownBand !== band(t[0])) { return; }
            (data.features || []).forEach(function (f) { if (!features[f.id]) { draw(f); } });
          })
          .catch(function () { delete fetched[t.join("/")]; })
          .then(function () { pending--; later(); });
      });
    }

    map.on("zoomend", restyle);
    map.on("moveend zoomend", load);
    map.whenReady(load);
    return { reload: function () { reset(); shownBand = -1; load(); } };
  };
})();
