// kaohe.js - the pages' one script (served from /static/kaohe.js: no
// inline script under the Content-Security-Policy).  On the entry form
// (#entry, src/web/web_form.c) it saves each item by itself as it is
// filled (PUT to the JSON entry API with the item's version and the CSRF
// token), keeps a draft of what was typed in localStorage (per user,
// year, unit and phase) until the server has it, keeps the session alive
// while someone types and warns before it expires.  Every text it shows
// comes from the page (#form-text, rendered from the message catalogue).
// Without this script the form still works: 保存全部 posts every item.
// On a department's grid (#dept-form, the second part below) each
// unit's item saves by itself through the same API.
(function () {
  'use strict';
  var form = document.getElementById('entry');
  var textEl = document.getElementById('form-text');
  if (!form || !textEl || form.getAttribute('data-write') !== '1') return;
  var T = JSON.parse(textEl.textContent);
  var D = form.dataset;
  var csrf = form.elements.csrf.value;
  var key = 'kaohe:draft:' + D.user + ':' + D.year + ':' + D.unit + ':' + D.phase;
  var api = '/api/v1/years/' + D.year;
  var idle = parseInt(D.idle, 10) * 1000;
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.item[data-item]'));
  var busy = 0, expired = false, lastMark = Date.now(), typed = false;

  function fmt(s) {
    var a = Array.prototype.slice.call(arguments, 1), i = 0;
    return s.replace(/%(\d\$)?s/g, function (m, pos) {
      return pos ? a[parseInt(pos, 10) - 1] : a[i++];
    });
  }
  function enc(s) { return encodeURIComponent(s); }
  function entryUrl(item) {
    return api + '/entries/' + enc(D.unit) + '/' + enc(item) + '/' + D.phase;
  }

  // ---- the draft ---------------------------------------------------------
  function loadDraft() {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function storeDraft(d) {
    try {
      if (Object.keys(d).length) localStorage.setItem(key, JSON.stringify(d));
      else localStorage.removeItem(key);
    } catch (e) { /* private mode: the server still gets every save */ }
  }
  function fields(sec) {
    var item = sec.dataset.item;
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name.slice(-item.length - 1) === '.' + item &&
        el.type !== 'hidden' && sec.contains(el);
    });
  }
  function snapshot(sec) {
    var s = {};
    fields(sec).forEach(function (el) {
      if (el.type === 'radio') { if (!(el.name in s)) s[el.name] = ''; if (el.checked) s[el.name] = el.value; }
      else s[el.name] = el.value;
    });
    return s;
  }
  function apply(sec, snap) {
    fields(sec).forEach(function (el) {
      if (!(el.name in snap)) return;
      if (el.type === 'radio') el.checked = snap[el.name] === el.value;
      else el.value = snap[el.name];
    });
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  // ---- what the page shows ------------------------------------------------
  function beijingNow() {
    var d = new Date(Date.now() + 8 * 3600 * 1000);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getUTCHours()) + ':' + two(d.getUTCMinutes());
  }
  function status(sec, cls, text) {
    var p = document.getElementById('status-' + sec.dataset.item);
    if (p) { p.className = 'status ' + cls; p.textContent = text; }
    sec.classList.remove('saved', 'empty', 'error', 'draft');
    sec.classList.add(cls);
  }
  function clearErrors(sec) {
    sec.querySelectorAll('.field-error').forEach(function (x) { x.remove(); });
    sec.querySelectorAll('.field.invalid').forEach(function (x) { x.classList.remove('invalid'); });
    var it = document.getElementById('err-' + sec.dataset.item);
    if (it) it.textContent = '';
  }
  function fieldError(sec, path, text) {
    var m = /inputs\.([^.]+)$/.exec(path || '');
    var div = null;
    if (m) sec.querySelectorAll('.field[data-input]').forEach(function (f) {
      if (f.dataset.input === m[1]) div = f;
    });
    var item = sec.dataset.item;
    var label = div ? div.dataset.label : sec.querySelector('.field.note').dataset.label;
    var pre = fmt(T.pre, '"' + D.unit + '"', '"' + item + '"', '');
    if (text.indexOf(pre) === 0) text = text.slice(pre.length);
    var msg = fmt(T.field, item, label, text);
    if (div) {
      var span = document.createElement('span');
      span.className = 'field-error';
      span.setAttribute('role', 'alert');
      span.textContent = msg;
      div.appendChild(span);
      div.classList.add('invalid');
    } else {
      var it = document.getElementById('err-' + item);
      it.textContent = (it.textContent ? it.textContent + ' ' : '') + msg;
    }
  }
  function itemError(sec, text) {
    var it = document.getElementById('err-' + sec.dataset.item);
    if (it) it.textContent = text;
  }
  function progress() {
    var filled = 0, total = 0, missing = document.getElementById('missing');
    var links = [];
    sections.forEach(function (sec) {
      var sc = sec.querySelector('.score');
      total += sc ? Math.round(parseFloat(sc.textContent) * 100) || 0 : 0;
      if (sec.dataset.version !== '0') filled++;
      else links.push(sec.dataset.item);
    });
    document.getElementById('filled-n').textContent = filled;
    document.getElementById('total').textContent = String(total / 100);
    if (!missing) return;
    while (missing.childNodes.length > 1) missing.removeChild(missing.lastChild);
    links.forEach(function (id) {
      var a = document.createElement('a');
      a.href = '#item-' + id;
      a.textContent = id;
      missing.appendChild(document.createTextNode(' '));
      missing.appendChild(a);
    });
    missing.hidden = links.length === 0;
  }
  function banner(text, link) {
    var b = document.getElementById('session-msg');
    if (!b) {
      b = document.createElement('p');
      b.id = 'session-msg';
      b.className = 'msg error';
      b.setAttribute('role', 'alert');
      document.getElementById('form-progress').appendChild(b);
    }
    b.textContent = text || '';
    b.hidden = !text;
    if (link) {
      var a = document.createElement('a');
      a.href = '/login?next=' + enc(location.pathname) + '&expired=1';
      a.id = 'relogin';
      a.textContent = link;
      b.appendChild(document.createTextNode(' '));
      b.appendChild(a);
    }
  }
  function note(text) {
    var p = document.getElementById('autosave');
    if (p) p.textContent = text;
  }
  function setExpired() {
    expired = true;
    banner(T.expired, T.login);
  }

  // ---- saving -------------------------------------------------------------
  function request(method, url, body) {
    var h = { 'X-CSRF-Token': csrf };
    if (body) h['Content-Type'] = 'application/json';
    return fetch(url, { method: method, credentials: 'same-origin', headers: h,
      body: body ? JSON.stringify(body) : undefined });
  }
  function payload(sec) {
    var inputs = {}, note = '';
    var cut = sec.dataset.item.length + 1;
    fields(sec).forEach(function (el) {
      if (el.tagName === 'TEXTAREA') { note = el.value; return; }
      if (el.name.indexOf('in_') !== 0) return;
      var k = el.name.slice(3, -cut);
      if (el.type === 'radio') { if (!(k in inputs)) inputs[k] = null; if (el.checked) inputs[k] = el.value; }
      else inputs[k] = el.value === '' ? null : el.value.trim();
    });
    return { inputs: inputs, note: note };
  }
  function setVersion(sec, v) {
    sec.dataset.version = String(v);
    var h = form.elements['version.' + sec.dataset.item];
    if (h) h.value = String(v);
  }
  function score(sec) {
    request('GET', entryUrl(sec.dataset.item)).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (j) {
      var sc = sec.querySelector('.score');
      if (j && sc) { sc.textContent = j.score; progress(); }
    }).catch(function () {});
  }
  function save(sec, version) {
    if (expired) return Promise.resolve();
    if (sec._busy) { sec._again = true; return sec._busy; }
    var snap = snapshot(sec), body = payload(sec);
    body.version = parseInt(version === undefined ? sec.dataset.version : version, 10);
    status(sec, 'draft', T.saving);
    busy++;
    sec._busy = request('PUT', entryUrl(sec.dataset.item), body).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        clearErrors(sec);
        if (r.ok) {
          setVersion(sec, j.version);
          status(sec, 'saved', fmt(T.saved, beijingNow()));
          var d = loadDraft();
          var dr = d[sec.dataset.item];
          if (dr && same(dr.fields, snap)) delete d[sec.dataset.item];
          else if (dr) dr.base = String(j.version);   // typed on since
          storeDraft(d);
          if (!Object.keys(d).length) note('');
          score(sec);
        } else if (r.status === 401 || (r.status === 403 && j.error === 'csrf')) {
          setExpired();
          status(sec, 'draft', T.draft);
        } else if (r.status === 409) {
          status(sec, 'error', T.error);
          itemError(sec, T.conflict);
          // the next change of this item replaces theirs, knowingly
          request('GET', entryUrl(sec.dataset.item)).then(function (g) {
            return g.ok ? g.json() : null;
          }).then(function (c) { if (c) setVersion(sec, c.version); }).catch(function () {});
        } else {
          status(sec, 'error', T.error);
          (j.errors || []).forEach(function (x) { fieldError(sec, x.path, x.message_zh || x.message); });
          if (!(j.errors || []).length) itemError(sec, T.error);
        }
      });
    }).catch(function () {
      status(sec, 'draft', T.draft);
      itemError(sec, T.offline);
    }).then(function () {
      busy--;
      sec._busy = null;
      progress();
      if (sec._again) { sec._again = false; return save(sec); }
    });
    return sec._busy;
  }
  function remember(sec) {
    var d = loadDraft(), item = sec.dataset.item;
    d[item] = { base: (d[item] && d[item].base) || sec.dataset.version, fields: snapshot(sec) };
    storeDraft(d);
    status(sec, 'draft', T.draft);
  }

  sections.forEach(function (sec) {
    function later() {
      clearTimeout(sec._timer);
      sec._timer = setTimeout(function () { sec._timer = null; save(sec); }, 800);
    }
    sec.addEventListener('input', function (ev) {
      if (!ev.target.form || ev.target.form !== form) return;
      typed = true;
      remember(sec);
      later();
    });
    sec.addEventListener('change', function (ev) {
      if (!ev.target.form || ev.target.form !== form) return;
      typed = true;
      remember(sec);
      clearTimeout(sec._timer);
      save(sec);
    });
  });

  // 保存全部 with the script: the versions the script saved, after the
  // saves in flight, so that the post does not conflict with them.
  form.addEventListener('submit', function (ev) {
    if (expired) { ev.preventDefault(); setExpired(); return; }
    // the post carries every value: no item saves itself behind it
    sections.forEach(function (s) { clearTimeout(s._timer); s._timer = null; });
    if (busy) {
      ev.preventDefault();
      // the button that submitted keeps its formaction, name and value
      // (a questionnaire decision posts to its own route: web_source.c)
      var by = ev.submitter;
      Promise.all(sections.map(function (s) { return s._busy; })).then(function () {
        if (by && form.requestSubmit) form.requestSubmit(by); else form.submit();
      });
    }
  });

  // ---- the draft back after a reload, a crash or a new login --------------
  (function restore() {
    var d = loadDraft(), changed = false, any = false;
    sections.forEach(function (sec) {
      var item = sec.dataset.item, dr = d[item];
      if (!dr) return;
      if (same(dr.fields, snapshot(sec))) { delete d[item]; changed = true; return; }
      apply(sec, dr.fields);
      any = true;
      status(sec, 'draft', T.draft);
      // saved on the version it was typed on: a change since is a conflict
      save(sec, dr.base);
    });
    if (changed) storeDraft(d);
    if (any) note(T.restored);
  })();

  // ---- the session: kept alive while someone types, a warning first ------
  function keepalive() {
    lastMark = Date.now();
    typed = false;
    request('POST', '/api/v1/keepalive').then(function (r) {
      if (r.status === 401 || r.status === 403) setExpired();
      else if (r.ok && !expired) banner('');
    }).catch(function () {});
  }
  document.addEventListener('click', function () { if (!expired && Date.now() - lastMark > idle / 4) keepalive(); });
  setInterval(function () {
    if (expired) return;
    var since = Date.now() - lastMark;
    if (typed && since > Math.min(idle / 4, 60000)) { keepalive(); return; }
    var left = idle - since;
    if (left <= -2000) setExpired();   // the server's mark is a little later
    else if (left < Math.min(120000, idle / 3)) banner(T.expiring);
  }, Math.min(5000, idle / 8));
  keepalive();   // the server's idle clock starts from this mark

  // ---- the item's score as it is filled (the preview API) ---------------
  sections.forEach(function (sec) {
    function preview() {
      var b = payload(sec), inputs = {};
      Object.keys(b.inputs).forEach(function (k) { if (b.inputs[k] !== null) inputs[k] = b.inputs[k]; });
      request('POST', api + '/preview/' + enc(D.unit) + '/' + enc(sec.dataset.item) + '/' + D.phase,
        { inputs: inputs }).then(function (r) {
        return r.json().then(function (j) {
          var s = sec.querySelector('.score');
          if (r.ok && s) { s.textContent = j.score; s.classList.remove('invalid'); progress(); }
          else if (s) s.classList.add('invalid');
        });
      }).catch(function () {});
    }
    sec.addEventListener('change', preview);
  });
})();

// ---- a department's grid (#dept-form, src/web/web_dept.c) ----------------
// Each unit's item saves by itself when one of its cells changes: its
// values and note go to the JSON entry API (GET for the version, then
// PUT); a refusal shows beside the cell with the typed values kept, a
// save clears it.  Without this script 保存 posts the whole grid.
(function () {
  'use strict';
  var form = document.getElementById('dept-form');
  if (!form || !window.fetch) return;
  var csrf = form.elements.csrf.value;
  var api = '/api/v1/years/' + form.dataset.year + '/entries/';
  function enc(s) { return encodeURIComponent(s); }
  function group(unit, item) {
    return Array.prototype.filter.call(form.elements, function (el) {
      var p = el.name ? el.name.split('*') : [];
      return p[1] === unit && p[2] === item && (p[0] === 'v' || p[0] === 'n');
    });
  }
  function show(unit, item, els, text, ok) {
    var id = 'grid-err-' + unit + '-' + item;
    var old = document.getElementById(id);
    if (old) old.remove();
    var td = els[els.length - 1].closest('td');
    td.querySelectorAll('.grid-saved').forEach(function (x) { x.remove(); });
    var s = document.createElement('span');
    if (ok) { s.className = 'grid-saved'; }
    else { s.className = 'field-error'; s.id = id; s.setAttribute('role', 'alert'); }
    s.textContent = text;
    td.appendChild(s);
  }
  function save(unit, item) {
    var els = group(unit, item), inputs = {}, note = null, url = api + enc(unit) + '/' + enc(item) + '/inspection';
    els.forEach(function (el) {
      var p = el.name.split('*');
      if (p[0] === 'n') note = el.value;
      else if (el.value !== '') inputs[p[3]] = el.value.trim();
    });
    var h = { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
    fetch(url, { credentials: 'same-origin', headers: h }).then(function (r) {
      return r.ok ? r.json() : { version: 0 };
    }).then(function (cur) {
      return fetch(url, { method: 'PUT', credentials: 'same-origin', headers: h,
        body: JSON.stringify({ inputs: inputs, note: note, version: cur.version }) });
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.ok) { show(unit, item, els, form.dataset.saved, true); return; }
        var m = (j.errors || []).map(function (x) { return x.message_zh || x.message; }).join('；');
        show(unit, item, els, m || form.dataset.error, false);
      });
    }).catch(function () { show(unit, item, els, form.dataset.error, false); });
  }
  form.addEventListener('change', function (ev) {
    var p = ev.target.name ? ev.target.name.split('*') : [];
    if ((p[0] === 'v' || p[0] === 'n') && p.length >= 3) save(p[1], p[2]);
  });
})();

// Tables marked class="cards" become one card per row on a phone
// (kaohe.css): each cell is named by its column's head (data-label), and
// the table is marked "labelled" so the card layout applies only with
// the names in place; without this script the table stays a table.
(function () {
  'use strict';
  Array.prototype.forEach.call(document.querySelectorAll('table.cards'), function (t) {
    var heads = Array.prototype.map.call(t.querySelectorAll('thead th'), function (th) {
      return th.textContent.replace(/[\u2191\u2193]/g, '').trim();   // no sort arrow
    });
    Array.prototype.forEach.call(t.querySelectorAll('tbody tr:not(.empty)'), function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.children, function (cell) {
        if (heads[col] && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', heads[col]);
        col += cell.colSpan || 1;
      });
    });
    t.classList.add('labelled');
  });
})();
