/* Oversight charts (Chart.js) and the district map (Leaflet).
   Data comes from <script type="application/json"> blocks written by json_script. */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function formatter(persian) {
    var locale = persian ? "fa-IR" : "en-US";
    return function (value, kind) {
      if (value === null || value === undefined) { return "—"; }
      if (kind === "share") {
        return (value * 100).toLocaleString(locale, { maximumFractionDigits: 1 }) + (persian ? "٪" : "%");
      }
      if (kind === "score" || kind === "hours") {
        return value.toLocaleString(locale, { maximumFractionDigits: 1 });
      }
      return value.toLocaleString(locale);
    };
  }

  // A long label («بیش از ۳۰ روز», "over 30 days") on two lines instead of cut short.
  function twoLines(label) {
    if (typeof label !== "string" || label.length <= 10 || label.indexOf(" ") < 0) { return label; }
    var words = label.split(" ");
    var half = Math.ceil(words.length / 2);
    return [words.slice(0, half).join(" "), words.slice(half).join(" ")];
  }

  function charts(data) {
    if (!data || typeof Chart === "undefined") { return; }
    var fmt = formatter(data.persian);
    Chart.defaults.font.family = "Vazirmatn, system-ui, sans-serif";
    var common = function (percent) {
      return {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // Room at both ends, so that the first and last labels are not cut at the edge.
        layout: { padding: { left: 24, right: 24 } },
        locale: data.persian ? "fa-IR" : "en-US",
        plugins: {
          legend: { rtl: data.persian, labels: { boxWidth: 12 } },
          tooltip: {
            rtl: data.persian,
            callbacks: {
              label: function (ctx) {
                var v = ctx.parsed.y;
                var text = v === null ? "—" : v.toLocaleString(data.persian ? "fa-IR" : "en-US") + (percent ? (data.persian ? "٪" : "%") : "");
                return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + text;
              }
            }
          }
        },
        scales: {
          // Time runs the way the page reads: right to left in Persian.
          x: {
            reverse: data.persian,
            ticks: {
              autoSkip: true, maxRotation: 0,
              callback: function (value) { return twoLines(this.getLabelForValue(value)); }
            }
          },
          y: {
            position: data.persian ? "right" : "left",
            beginAtZero: true,
            suggestedMax: percent ? 100 : undefined,
            ticks: { precision: 0, callback: function (v) { return fmt(v, "count"); } }
          }
        }
      };
    };

    var volume = document.getElementById("volume-chart");
    if (volume) {
      var volumeOptions = common(false);
      volumeOptions.plugins.legend.display = false;
      new Chart(volume, {
        type: "bar",
        data: { labels: data.labels, datasets: [{ label: data.text.volume, data: data.volume, backgroundColor: "#0d6efd" }] },
        options: volumeOptions
      });
    }
    var compliance = document.getElementById("compliance-chart");
    if (compliance) {
      new Chart(compliance, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: data.text.first, data: data.first, borderColor: "#198754", backgroundColor: "#198754", spanGaps: true, tension: 0.2 },
            { label: data.text.result, data: data.result, borderColor: "#fd7e14", backgroundColor: "#fd7e14", spanGaps: true, tension: 0.2 }
          ]
        },
        options: common(true)
      });
    }
    var backlog = document.getElementById("backlog-chart");
    if (backlog) {
      var backlogOptions = common(false);
      backlogOptions.plugins.legend.display = false;
      backlogOptions.onClick = function (event, elements) {
        if (elements.length) {
          var link = data.backlog.links[elements[0].index];
          if (link) { window.location.href = link; }
        }
      };
      new Chart(backlog, {
        type: "bar",
        data: {
          labels: data.backlog.labels,
          datasets: [{ label: data.text.backlog, data: data.backlog.values,
                       backgroundColor: ["#20c997", "#0dcaf0", "#ffc107", "#fd7e14", "#dc3545"] }]
        },
        options: backlogOptions
      });
    }
  }

  // From red (worse) through yellow to green (better).
  function colour(t) {
    var hue = Math.round(120 * Math.max(0, Math.min(1, t)));
    return "hsl(" + hue + ", 70%, 45%)";
  }

  // The outlines come from their own address (cached by the browser, one per configuration
  // version); each district's figures come with the page. They meet by district code.
  function districtMap(data) {
    var el = document.getElementById("district-map");
    if (!el || !data || typeof L === "undefined") { return; }
    if (!data.outlines) { drawMap(el, data); return; }
    fetch(data.outlines, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("outlines: " + response.status); }
        return response.json();
      })
      .then(function (outlines) {
        var shapes = {};
        outlines.features.forEach(function (f) { shapes[f.properties.code] = f.geometry; });
        data.features = data.features.filter(function (f) {
          return shapes[f.properties.code];
        }).map(function (f) {
          f.geometry = shapes[f.properties.code];
          return f;
        });
        drawMap(el, data);
      })
      .catch(function () { drawMap(el, data); });
  }

  function drawMap(el, data) {
    var select = document.getElementById("map-figure");
    var fmt = formatter(data.persian);
    var map = L.map(el, { attributionControl: Boolean(data.tiles), zoomSnap: 0.25 });
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 19 }).addTo(map);
    } else if (data.streets && window.open137StreetMap) {
      window.open137StreetMap(map, { url: data.streets, lang: document.documentElement.lang });
    }
    var figure = data.figures[0];
    var range = function () {
      var values = data.features.map(function (f) { return f.properties.values[figure.key]; })
        .filter(function (v) { return v !== null && v !== undefined; });
      return values.length ? [Math.min.apply(null, values), Math.max.apply(null, values)] : [0, 0];
    };
    var bounds = range();
    var style = function (feature) {
      var v = feature.properties.values[figure.key];
      var fill = "#adb5bd";
      if (v !== null && v !== undefined) {
        var t = bounds[1] > bounds[0] ? (v - bounds[0]) / (bounds[1] - bounds[0]) : 1;
        fill = colour(figure.better ? t : 1 - t);
      }
      // At street zoom the streets show through the district's colour.
      return { color: "#343a40", weight: 1, fillColor: fill,
               fillOpacity: map.getZoom() >= 14 ? 0.25 : 0.65 };
    };
    var layer = L.geoJSON({ type: "FeatureCollection", features: data.features }, {
      style: style,
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(function () {
          var p = feature.properties;
          var span = document.createElement("span");
          span.textContent = p.name + ": " + fmt(p.values[figure.key], figure.kind);
          return span;
        }, { sticky: true });
        if (feature.properties.link) {
          shape.on("click", function () { window.location.href = feature.properties.link; });
        }
      }
    }).addTo(map);
    map.on("zoomend", function () { layer.setStyle(style); });
    if (layer.getBounds().isValid()) {
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    } else if (data.center && data.center.length === 2) {
      map.setView(data.center, data.zoom || 12);
    }
    var legend = document.getElementById("map-legend");
    var redraw = function () {
      bounds = range();
      layer.setStyle(style);
      if (legend) {
        legend.textContent = figure.label + ": " + fmt(bounds[0], figure.kind) + " … " + fmt(bounds[1], figure.kind);
      }
    };
    if (select) {
      data.figures.forEach(function (f) {
        var option = document.createElement("option");
        option.value = f.key;
        option.textContent = f.label;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        figure = data.figures.filter(function (f) { return f.key === select.value; })[0] || data.figures[0];
        redraw();
      });
    }
    redraw();
  }

  document.addEventListener("DOMContentLoaded", function () {
    charts(readJSON("chart-data"));
    districtMap(readJSON("map-data"));
  });
})();
