/* Leaflet's own words (zoom buttons, the attribution's prefix) in the page's language.
   Loaded right after leaflet.js; the translated words come on this script's element. */
(function () {
  "use strict";
  var words = document.currentScript && document.currentScript.dataset;
  if (!words || typeof L === "undefined") { return; }
  L.Control.Zoom.prototype.options.zoomInTitle = words.zoomIn;
  L.Control.Zoom.prototype.options.zoomOutTitle = words.zoomOut;
  var link = document.createElement("a");
  link.href = "https://leafletjs.com";
  link.title = words.library;
  link.textContent = "Leaflet";
  link.setAttribute("translate", "no");
  L.Control.Attribution.prototype.options.prefix = link.outerHTML;
})();
