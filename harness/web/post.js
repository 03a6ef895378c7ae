// How every page and worker of a browser run posts to the local server
// (bench/browser/server.js). The server takes a POST only with the run's
// token, which each document and worker finds in its own URL (?token=): the
// driver puts it in the page's, and each worker is started from a URL that
// carries it on (poolbenchPost.withToken). A classic script: loaded with
// <script>, importScripts() or a module's `import './post.js'` alike.
// The run's platform (the browser the driver launched) rides along the same
// way, so every worker's records name it.
(function (g) {
  'use strict';
  var params = new URLSearchParams(g.location.search);
  var token = params.get('token') || '';
  var platform = /^(chrome|firefox|safari|edge|browser)$/.test(params.get('platform')) ?
      params.get('platform') : 'chrome';
  var TYPE = 'text/plain;charset=UTF-8'; // the one body type the server takes

  function withToken(url) {
    return url + (url.indexOf('?') < 0 ? '?' : '&') + 'token=' + encodeURIComponent(token) +
           '&platform=' + platform;
  }

  g.poolbenchPost = {
    withToken: withToken,
    platform: platform,
    // Blocks until the server has the body (allowed off a page's main thread);
    // returns {ok, why}: why is the server's one-line reason for a refusal.
    sync: function (path, body) {
      try {
        var x = new XMLHttpRequest();
        x.open('POST', withToken(path), false);
        x.setRequestHeader('Content-Type', TYPE);
        x.send(body || '');
        return {ok: x.status === 200, why: 'HTTP ' + x.status + ': ' + x.responseText};
      } catch (e) {
        return {ok: false, why: String(e && e.message || e)};
      }
    },
    async: function (path, body) {
      return fetch(withToken(path), {method: 'POST', headers: {'Content-Type': TYPE}, body: body || ''});
    }
  };
})(self);
