// make serve's page: a person chooses backends, scenarios and threads, the
// program runs in a Worker (as for the driver) with a progress bar, and the
// records, checked by the server as they came, are offered as a download
// named for the platform detected here. The page's URL carries the token and
// the platform (bench/browser/serve.js sends the browser to the page that
// detects it first).
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  // The platform rides on every URL (post.js): detect it once, reload with it.
  var params = new URLSearchParams(location.search);
  if (!params.get('platform')) {
    var ua = navigator.userAgent;
    params.set('platform', /Firefox\//.test(ua) ? 'firefox' : /Edg\//.test(ua) ? 'edge' :
                           /Chrome\//.test(ua) ? 'chrome' : /Safari\//.test(ua) ? 'safari' : 'browser');
    location.replace(location.pathname + '?' + params.toString());
    return;
  }
  var platform = poolbenchPost.platform;
  var status = $('status');

  // Runs the program with args in a fresh Worker; onLine(stream, text) for
  // each output line; resolves to the exit code.
  function program(args, onLine) {
    return new Promise(function (resolve) {
      var w = new Worker(poolbenchPost.withToken('host_worker.js'));
      w.onmessage = function (e) {
        var d = e.data || {};
        if (d.type === 'exit') { w.terminate(); resolve({code: d.code, error: d.error}); }
        else if (d.type === 'out' || d.type === 'err') onLine(d.type, String(d.text));
      };
      w.onerror = function (e) { e.preventDefault(); w.terminate(); resolve({code: 1, error: e.message}); };
      w.postMessage({args: args, program: 'poolbench.js',
                     page: {browser: navigator.userAgent, performance_now_step_us: null,
                            main_thread_atomics_wait: false}});
    });
  }

  // `poolbench list`: "backends:" then "scenarios:" sections of "  name  text".
  function parseList(lines) {
    var out = {backends: [], scenarios: []}, section = null;
    lines.forEach(function (l) {
      if (/^backends:/.test(l)) section = 'backends';
      else if (/^scenarios:/.test(l)) section = 'scenarios';
      else if (section && /^  \S/.test(l)) {
        var m = /^  (\S+)\s+(.*)$/.exec(l);
        if (m) out[section].push({name: m[1], text: m[2]});
      }
    });
    return out;
  }

  function checkboxes(box, items, checked) {
    items.forEach(function (it) {
      var label = document.createElement('label');
      var input = document.createElement('input');
      input.type = 'checkbox';
      input.value = it.name;
      input.checked = checked(it.name);
      label.title = it.text; // textContent/title: the names are shown, never parsed as HTML
      label.appendChild(input);
      label.appendChild(document.createTextNode(' ' + it.name));
      box.appendChild(label);
    });
  }

  function chosen(box) {
    return Array.prototype.filter.call(box.querySelectorAll('input'), function (i) { return i.checked; })
      .map(function (i) { return i.value; });
  }

  function post(path) {
    return poolbenchPost.async(path, '').then(function (r) {
      return r.text().then(function (t) { if (!r.ok) throw new Error(t); return t; });
    });
  }

  $('platform').textContent = 'Detected: ' + platform + ' (' + navigator.userAgent + '), ' +
    navigator.hardwareConcurrency + ' logical cores, cross-origin isolated: ' + self.crossOriginIsolated;
  if (!self.crossOriginIsolated) {
    status.textContent = 'this page is not cross-origin isolated: WebAssembly threads cannot run here';
    return;
  }
  $('threads').value = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));
  var lines = [];
  program(['list'], function (stream, text) { if (stream === 'out') lines.push(text); }).then(function (end) {
    var list = parseList(lines);
    if (end.code !== 0 || !list.backends.length) {
      status.textContent = 'poolbench list failed (exit ' + end.code + ')';
      return;
    }
    checkboxes($('backends'), list.backends, function () { return true; });
    checkboxes($('scenarios'), list.scenarios.filter(function (s) { return s.name !== 'pingpong'; }),
               function (n) { return n === 'forkjoin' || n === 'dispatch' || n === 'latency'; });
    $('run').disabled = false;
    status.textContent = 'ready';
  });

  $('run').onclick = function () {
    var backends = chosen($('backends')), scenarios = chosen($('scenarios'));
    if (!backends.length || !scenarios.length) {
      status.textContent = 'choose at least one backend and one scenario';
      return;
    }
    var args = ['run', '--backend', backends.join(','), '--scenario', scenarios.join(','),
                '--threads', String($('threads').value), '--out', 'browser'];
    if ($('quick').checked) args.push('--quick');
    $('run').disabled = true;
    $('download').hidden = true;
    $('progress').value = 0;
    post('/session?platform=' + platform).then(function () {
      status.textContent = 'running ' + args.join(' ');
      return program(args, function (stream, text) {
        var m = /^\[\s*(\d+)\/(\d+)\]/.exec(text);
        if (m) { $('progress').max = +m[2]; $('progress').value = +m[1] - 1; }
        if (stream === 'err') status.textContent = text;
      });
    }).then(function (end) {
      $('progress').value = $('progress').max;
      return fetch(poolbenchPost.withToken('/records')).then(function (r) { return r.blob(); })
        .then(function (blob) {
          var a = $('download');
          a.href = URL.createObjectURL(blob);
          a.download = platform + '.ndjson';
          a.textContent = 'Download ' + platform + '.ndjson';
          a.hidden = false;
          status.textContent = 'exit ' + end.code + (end.error ? ': ' + end.error : '') + ': done';
        });
    }).catch(function (e) {
      status.textContent = 'failed: ' + e.message;
    }).then(function () { $('run').disabled = false; });
  };
})();
