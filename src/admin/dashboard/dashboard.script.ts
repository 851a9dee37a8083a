/**
 * The dashboard's browser script, plain ES2020 with no build step. It reads the admin API with the token
 * from sessionStorage and builds the page with textContent only (job errors are data, never markup).
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var TOKEN_KEY = 'whats-workers.admin-token';
  var REFRESH_MS = 15000;
  var RUN_NOW_WAIT_S = 2;
  var $ = function (id) { return document.getElementById(id); };
  var timer = null;

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function showLogin(message) {
    $('content').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
  }

  function api(path, options) {
    options = options || {};
    var headers = { Authorization: 'Bearer ' + token() };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, {
      method: options.method || 'GET',
      headers: headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }).then(function (response) {
      if (response.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin('The token was refused.');
        throw new Error('unauthorized');
      }
      return response.json().then(function (body) {
        if (!response.ok && response.status !== 409) throw new Error(body.message || response.statusText);
        return body;
      });
    });
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '—' : String(text);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  // in the browser's timezone, named: the schedules beside them read in SCHEDULER_TIMEZONE
  function when(iso) { return iso ? new Date(iso).toLocaleString(undefined, { timeZoneName: 'short' }) : '—'; }

  function button(label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', function () {
      b.disabled = true;
      onClick().then(refresh, function (error) { alert(error.message); }).finally(function () { b.disabled = false; });
    });
    return b;
  }

  function renderJobs(jobs) {
    var body = $('jobs').tBodies[0];
    body.replaceChildren();
    jobs.forEach(function (job) {
      var row = document.createElement('tr');
      row.dataset.job = job.name;
      row.dataset.paused = String(job.paused);
      cell(row, job.name);
      var last = job.last_run;
      var status = cell(row, last ? last.status : 'never run', last ? 'status-' + last.status : '');
      if (job.paused) {
        var badge = document.createElement('span');
        badge.className = 'paused';
        badge.textContent = 'paused';
        status.appendChild(badge);
      }
      cell(row, last ? when(last.started_at) : null);
      cell(row, last && last.duration_ms !== null ? (last.duration_ms / 1000).toFixed(1) + ' s' : null);
      cell(row, job.paused ? 'paused' : when(job.next_run_at));
      cell(row, job.schedule);
      var actions = cell(row, '');
      var name = encodeURIComponent(job.name);
      actions.appendChild(job.paused
        ? button('Resume', function () { return api('/admin/jobs/' + name + '/resume', { method: 'POST' }); })
        : button('Pause', function () { return api('/admin/jobs/' + name + '/pause', { method: 'POST' }); }));
      // a run refused because one is still going leaves only a skipped row, which this page does not list:
      // wait the moment the refusal takes, and say it
      actions.appendChild(button('Run now', function () {
        return api('/admin/jobs/' + name + '/run?wait=' + RUN_NOW_WAIT_S, { method: 'POST' }).then(function (answer) {
          if (answer.status === 'skipped') throw new Error(job.name + ' was not run: ' + answer.error);
        });
      }));
      body.appendChild(row);
    });
  }

  function renderChart(id, points, key) {
    var svg = $(id);
    var ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    var max = Math.max(1, Math.max.apply(null, points.map(function (p) { return p[key]; })));
    var width = 480 / Math.max(points.length, 1);
    points.forEach(function (point, i) {
      var height = (point[key] / max) * 110;
      var bar = document.createElementNS(ns, 'rect');
      bar.setAttribute('x', String(i * width + 1));
      bar.setAttribute('y', String(120 - height));
      bar.setAttribute('width', String(Math.max(width - 2, 1)));
      bar.setAttribute('height', String(height));
      bar.setAttribute('fill', '#3867d6');
      var title = document.createElementNS(ns, 'title');
      title.textContent = new Date(point.hour).toLocaleString() + ': ' + point[key];
      bar.appendChild(title);
      svg.appendChild(bar);
    });
    svg.dataset.max = String(max);
  }

  function renderFailures(failures) {
    var body = $('failures').tBodies[0];
    body.replaceChildren();
    failures.forEach(function (run) {
      var row = document.createElement('tr');
      cell(row, when(run.started_at));
      cell(row, run.job_name);
      cell(row, run.status, 'status-' + run.status);
      cell(row, run.error, 'error');
      body.appendChild(row);
    });
  }

  // the table is rebuilt on every refresh (each 15 s): what the operator ticked for re-drive stays ticked
  function checkedDeadLetters() {
    return Array.prototype.map.call(
      document.querySelectorAll('#dead-letters input:checked'),
      function (input) { return input.value; });
  }

  function renderDeadLetters(page) {
    var body = $('dead-letters').tBodies[0];
    var checked = checkedDeadLetters();
    body.replaceChildren();
    $('dead-total').textContent = '(' + page.total + ')';
    page.items.forEach(function (message) {
      var row = document.createElement('tr');
      var pick = document.createElement('input');
      pick.type = 'checkbox';
      pick.value = message.id;
      pick.checked = checked.indexOf(message.id) !== -1;
      cell(row, '').appendChild(pick);
      cell(row, message.id);
      cell(row, message.tipo);
      cell(row, message.tentativas + '/' + message.max_tentativas);
      cell(row, message.erro, 'error');
      cell(row, when(message.updated_at));
      body.appendChild(row);
    });
  }

  function refresh() {
    if (!token()) return showLogin();
    return Promise.all([
      api('/admin/jobs'),
      api('/admin/stats/hourly'),
      api('/admin/stats/failures'),
      api('/admin/dead-letters?per_page=50'),
    ]).then(function (answers) {
      $('login').hidden = true;
      $('content').hidden = false;
      renderJobs(answers[0].jobs);
      renderChart('chart-queue', answers[1].hours, 'queue_size');
      renderChart('chart-sent', answers[1].hours, 'sent');
      renderFailures(answers[2].failures);
      renderDeadLetters(answers[3]);
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    }).catch(function (error) {
      if (error.message !== 'unauthorized') $('updated').textContent = 'refresh failed: ' + error.message;
    });
  }

  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    refresh();
  });

  $('redrive').addEventListener('click', function () {
    var ids = checkedDeadLetters();
    if (!ids.length) return;
    api('/admin/dead-letters/redrive', { method: 'POST', body: { ids: ids } }).then(function (result) {
      $('redrive-result').textContent = result.redriven + ' re-driven';
      return refresh();
    }, function (error) { $('redrive-result').textContent = error.message; });
  });

  refresh();
  timer = setInterval(refresh, REFRESH_MS);
  window.addEventListener('beforeunload', function () { clearInterval(timer); });
})();
`;
