// puppeteer-core's WebDriver BiDi connect begins with `session.new`, which
// the socket of a session already made over WebDriver's HTTP (a Selenium
// Grid's /session/<id>/se/bidi, asked for with `webSocketUrl: true`)
// refuses: the browser holds one session, and it exists. This transport
// answers `session.new` itself with that session, and `session.end` too
// (whoever made the session deletes it over HTTP); every other message
// goes through unchanged.
'use strict';

// The session id in a session socket's URL (ws://H:P/session/<id>[/se/bidi]),
// or null for another endpoint (Firefox's own ws://H:P/session makes one).
function sessionOf(url) {
  const m = /^wss?:\/\/[^/]+(?:\/.*)?\/session\/([^/?#]+)(?:\/se\/bidi)?\/?$/.exec(url);
  return m ? decodeURIComponent(m[1]) : null;
}

// A puppeteer ConnectionTransport over the socket at url, for the session
// `sessionId` whose capabilities puppeteer is told (browserName and
// browserVersion: what browser.version() gives).
async function sessionTransport(url, sessionId, capabilities) {
  const {NodeWebSocketTransport} = require('puppeteer-core/internal/node/NodeWebSocketTransport.js');
  const socket = await NodeWebSocketTransport.create(url);
  const transport = {
    onmessage: null,
    onclose: null,
    send(message) {
      let m = null;
      try {
        m = JSON.parse(message);
      } catch (e) {
        // not ours to judge: the browser answers it
      }
      if (m && (m.method === 'session.new' || m.method === 'session.end')) {
        const result = m.method === 'session.new' ? {sessionId, capabilities} : {};
        const reply = JSON.stringify({type: 'success', id: m.id, result});
        setImmediate(() => { if (transport.onmessage) transport.onmessage(reply); });
        return;
      }
      socket.send(message);
    },
    close() { socket.close(); },
  };
  socket.onmessage = (data) => { if (transport.onmessage) transport.onmessage(data); };
  socket.onclose = () => { if (transport.onclose) transport.onclose(); };
  return transport;
}

module.exports = {sessionOf, sessionTransport};
