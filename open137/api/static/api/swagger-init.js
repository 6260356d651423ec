// Starts Swagger UI on the API schema. Kept out of the page so that a strict
// Content-Security-Policy (script-src 'self') allows it.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No online validator: the centre's network may be closed, and nothing loads from
    // another host.
    validatorUrl: null,
  });
})();
