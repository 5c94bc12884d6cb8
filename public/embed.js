/*! certportal embed script, v1 (see the README, "Embed in your help centre").
 *
 *   <div id="certportal"></div>
 *   <script src="https://PORTAL/embed/v1.js" integrity="sha384-…" crossorigin="anonymous"></script>
 *   <script>CertPortal.mount('#certportal', {site: 'NAME', lang: 'nb', onEvent: function (e) {}})</script>
 *
 * The link e-mail points at this page with the token in its fragment. The script takes the
 * token and removes it from the address bar and the history at once, checks with the portal
 * that this page's origin is the site's, frames the collect page, and hands the token over by
 * postMessage once the frame says it is ready: never in the frame's URL. It then sizes the
 * frame to its content and passes the frame's events ({v: 1, type, ...}) to onEvent. None of
 * them holds the token, a code, a password or the file.
 */
(function () {
  'use strict';
  var VERSION = 1;
  // Where the portal is: written in by the portal as it serves the script (not read from
  // document.currentScript, which an element on the host page could shadow).
  var base = '__CERTPORTAL_BASE_URL__';
  var portal = '';
  try {
    portal = new URL(base).origin;
  } catch (e) {
    portal = '';
  }
  // The fragment is read at once, before the host page's own code can copy it elsewhere.
  var pending = takeToken();

  // A link token is 32 random bytes in unpadded base64url: 43 characters. Any other fragment
  // is the host page's own (an anchor) and is left alone.
  function takeToken() {
    var token = location.hash.replace(/^#/, '');
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return '';
    history.replaceState(history.state, '', location.pathname + location.search);
    return token;
  }

  // Only the fields the portal's messages have: an unknown one is not passed on.
  function copy(data) {
    var event = { v: VERSION, type: data.type };
    ['name', 'height', 'fingerprint', 'code'].forEach(function (key) {
      if (typeof data[key] === 'string' || typeof data[key] === 'number') event[key] = data[key];
    });
    return event;
  }

  function mount(target, options) {
    options = options || {};
    var onEvent = typeof options.onEvent === 'function' ? options.onEvent : function () {};
    function tell(event) {
      try {
        onEvent(event);
      } catch (error) {
        // The host's handler failing must not stop the flow; the console still shows it.
        setTimeout(function () {
          throw error;
        });
      }
    }
    function fail(code) {
      tell({ v: VERSION, type: 'error', code: code });
    }
    var element = typeof target === 'string' ? document.querySelector(target) : target;
    var site = String(options.site || '');
    var token = pending;
    pending = '';
    if (!element) return fail('MOUNT_TARGET_MISSING');
    if (!portal) return fail('PORTAL_UNKNOWN');
    if (!/^[a-z0-9-]{2,40}$/.test(site)) return fail('SITE_UNKNOWN');
    fetch(base + '/api/embed/sites/' + site, { credentials: 'omit' })
      .then(function (response) {
        if (!response.ok) throw new Error('SITE_UNKNOWN');
        return response.json();
      })
      .then(function (info) {
        // The portal would refuse to be framed here anyway (its CSP names the site's origin);
        // this says why, rather than leaving an empty frame.
        if (info.origin !== location.origin) throw new Error('ORIGIN_NOT_REGISTERED');
        frame(element, info, token, options, tell);
      })
      .catch(function (error) {
        fail(/^[A-Z_]+$/.test(error.message) ? error.message : 'PORTAL_UNREACHABLE');
      });
  }

  function frame(element, info, token, options, tell) {
    var iframe = document.createElement('iframe');
    var query = '?site=' + encodeURIComponent(info.name);
    if (options.lang) query += '&lang=' + encodeURIComponent(options.lang);
    iframe.src = base + '/collect' + query;
    iframe.title = options.title || 'Collect your client certificate';
    iframe.allow = 'clipboard-write';
    iframe.style.display = 'block';
    iframe.style.width = '100%';
    iframe.style.border = '0';
    iframe.style.height = '320px';
    window.addEventListener('message', function (event) {
      if (event.source !== iframe.contentWindow || event.origin !== portal) return;
      var data = event.data;
      if (!data || data.v !== VERSION || typeof data.type !== 'string') return;
      if (data.type === 'ready') {
        // Once: a frame that loads again (it cannot be navigated from outside) gets nothing.
        iframe.contentWindow.postMessage({ v: VERSION, type: 'token', token: token }, portal);
        token = '';
      } else if (data.type === 'resize' && typeof data.height === 'number' && data.height > 0) {
        iframe.style.height = Math.ceil(data.height) + 'px';
      }
      tell(copy(data));
    });
    element.textContent = '';
    element.appendChild(iframe);
  }

  window.CertPortal = { version: VERSION, mount: mount };
})();
