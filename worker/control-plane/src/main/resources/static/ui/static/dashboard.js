// otaflow dashboard: live updates over server-sent events, nothing else. No polling: the server pushes each change.
(function () {
  var body = document.body;
  var url = body.getAttribute('data-events');
  var live = document.getElementById('live');
  if (!url || !window.EventSource || !live) { return; }
  var liveUrl = body.getAttribute('data-live');
  var refreshing = null;

  // Replaces the element whose id the fragment's root carries, if this page shows it.
  function swap(html) {
    var template = document.createElement('template');
    template.innerHTML = html.trim();
    var fresh = template.content.firstElementChild;
    var old = fresh && fresh.id ? document.getElementById(fresh.id) : null;
    if (old) { old.replaceWith(fresh); }
    return old !== null;
  }

  // A rollout's page also shows its robots and timeline: fetched again, at most once a second.
  function refreshRobots() {
    if (!liveUrl || refreshing) { return; }
    refreshing = setTimeout(function () {
      fetch(liveUrl, {credentials: 'same-origin'}).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        refreshing = null;
        if (html) { swap(html); }
      }, function () { refreshing = null; });
    }, 1000);
  }

  var source = new EventSource(url);
  source.addEventListener('rollout', function (event) {
    if (swap(event.data)) { refreshRobots(); }
  });
  source.addEventListener('fleet', function (event) { swap(event.data); });
  // Away for too long to catch up change by change: the page as it is now.
  source.addEventListener('reload', function () { window.location.reload(); });
  source.onopen = function () { live.textContent = 'Live'; };
  source.onerror = function () {
    live.textContent = source.readyState === EventSource.CLOSED
      ? 'Live updates stopped: reload the page' : 'Reconnecting…';
  };
}());
