// The API's documentation page: Swagger UI reading /api/v1/openapi.json (no inline script, so
// the page keeps the site's Content-Security-Policy).
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true });
})();
