/* global window, document */
// The /webchat page's script (served as a file: the page's CSP forbids inline scripts).
// Starts Microsoft's Web Chat on atiende's Direct Line (or Azure's), in the browser's language. The
// visitor's token is kept for the tab, so a reload goes on with the same conversation; Web
// Chat's Direct Line client renews it before it expires.
(function () {
  'use strict';
  var KEY = 'atiende.webchat';
  var root = document.getElementById('webchat');
  // Azure's Direct Line when the server names one (its token comes from this server, which
  // keeps the secret); atiende's own otherwise.
  var base = root.dataset.directLine || window.location.origin + '/v3/directline';
  var tokenUrl = root.dataset.tokenUrl || base + '/tokens/generate';
  var locale = navigator.language || 'es';

  function post(url, token) {
    var headers = token ? { authorization: 'Bearer ' + token } : {};
    return fetch(url, { method: 'POST', headers: headers }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    });
  }

  function session() {
    var kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    } catch {
      kept = null;
    }
    var fresh = function () {
      return post(tokenUrl);
    };
    var start =
      kept && kept.token
        ? post(base + '/tokens/refresh', kept.token).then(function (renewed) {
            return {
              token: renewed.token,
              userId: kept.userId,
              conversationId: kept.conversationId,
            };
          }, fresh)
        : fresh();
    return start.then(function (visitor) {
      sessionStorage.setItem(KEY, JSON.stringify(visitor));
      return visitor;
    });
  }

  session().then(
    function (visitor) {
      var directLine = window.WebChat.createDirectLine({
        domain: base,
        token: visitor.token,
        conversationId: visitor.conversationId,
      });
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          userID: visitor.userId,
          locale: locale,
          styleOptions: { hideUploadButton: false, suggestedActionLayout: 'flow' },
        },
        root,
      );
      document.querySelector('#webchat').dataset.ready = 'true';
    },
    function () {
      root.textContent = root.dataset.failed;
    },
  );
})();
