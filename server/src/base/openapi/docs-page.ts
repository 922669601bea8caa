import { CSRF_COOKIE, CSRF_HEADER } from '@gongjian/shared';

/**
 * The Swagger UI page. Everything it loads comes from our own origin and it has no inline
 * script or style, so its CSP allows scripts and styles from 'self' only (Swagger UI sets styles
 * through the CSSOM, which CSP allows).
 */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>API · 群团共建项目看板</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/swagger-ui-init.js"></script>
  </body>
</html>
`;

/**
 * Starts Swagger UI on the document. "Try it out" sends the session cookie (same origin) and,
 * on requests that change something, copies the CSRF cookie into its header as the web app does.
 */
export const DOCS_INIT_JS = `'use strict';
window.addEventListener('load', function () {
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\\s*)${CSRF_COOKIE}=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : undefined;
  }
  window.ui = window.SwaggerUIBundle({
    url: '/api/docs/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    requestInterceptor: function (request) {
      var method = (request.method || 'GET').toUpperCase();
      var token = csrfToken();
      if (token && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') request.headers['${CSRF_HEADER}'] = token;
      return request;
    },
  });
});
`;
