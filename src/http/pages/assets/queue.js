// The queue page's live updates: every 5 seconds it asks the page's JSON (the same audited queue read the page
// itself makes) and, when the server says the queue changed, shows the part the server rendered. No rule of the
// queue lives here; without this script the page works the same, one reload at a time.
(function () {
  'use strict';
  var live = document.getElementById('ko-live');
  var status = document.getElementById('ko-status');
  if (!live || !status || !window.fetch) return;
  var url = live.getAttribute('data-poll');
  var version = live.getAttribute('data-version');
  var failures = 0;
  var EVERY_MS = 5000;

  function show(data) {
    failures = 0;
    if (data.version === version) return;
    version = data.version;
    // Keep the keyboard where it was: the swapped-in part has the same ids for the same callbacks.
    var focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.id : '';
    live.innerHTML = data.html;
    if (status.textContent !== data.status) status.textContent = data.status;
    if (focused) {
      var again = document.getElementById(focused);
      if (again) again.focus();
    }
  }

  function poll() {
    if (document.hidden) {
      setTimeout(poll, EVERY_MS);
      return;
    }
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        // Signed out (or the session ended): the page itself takes the nurse to sign in.
        if (res.status === 401) {
          window.location.reload();
          return null;
        }
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (data) {
        if (data) show(data);
      })
      .catch(function () {
        failures += 1;
        if (failures === 3) status.textContent = live.getAttribute('data-offline');
      })
      .then(function () {
        setTimeout(poll, EVERY_MS);
      });
  }

  setTimeout(poll, EVERY_MS);
})();
