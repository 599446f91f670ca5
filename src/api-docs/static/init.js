// Starts Swagger UI on /api/openapi.json. A console session (cookie) needs its CSRF token on unsafe requests:
// it is read from the lianxin_csrf cookie, as the console itself does.
(function () {
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)lianxin_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : undefined;
  }
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    tryItOutEnabled: false,
    // Collapsed tags: the document has 160+ operations; each tag opens on a click (and filter finds one).
    docExpansion: 'none',
    filter: true,
    requestInterceptor: function (req) {
      var method = (req.method || 'GET').toUpperCase();
      var token = csrfToken();
      if (token && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') req.headers['X-CSRF-Token'] = token;
      return req;
    },
  });
})();
