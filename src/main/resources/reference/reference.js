// Starts Swagger UI on the relay's own description. A file, not an inline script: the page's
// Content-Security-Policy allows only this origin's scripts.
window.addEventListener('DOMContentLoaded', () => {
  window.ui = SwaggerUIBundle({
    url: '/v1/openapi.json',
    dom_id: '#reference',
    deepLinking: true,
    // No call to the public validator service: nothing on this page leaves the relay's origin.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
  });
});
