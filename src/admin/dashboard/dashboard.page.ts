/**
 * The dashboard's HTML. Static: it holds no data and no secret; the script asks the admin API for
 * everything with the token the operator types once (kept in sessionStorage for the tab's life).
 * The script is a separate file because helmet's Content-Security-Policy forbids inline scripts.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>whats-workers dashboard</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
  header { background: #1d2330; color: #fff; padding: 10px 20px; display: flex; justify-content: space-between; }
  main { padding: 16px 20px; display: grid; gap: 16px; }
  section { background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px #0002; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e4e6eb; vertical-align: top; }
  .status-success { color: #137333; } .status-error, .status-timeout { color: #b3261e; } .status-running { color: #8a5a00; }
  .paused { background: #fde7c0; border-radius: 3px; padding: 0 4px; margin-left: 4px; }
  .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  svg { width: 100%; height: 120px; background: #fafbfc; }
  .error { color: #b3261e; white-space: pre-wrap; word-break: break-word; }
  #login { max-width: 420px; }
  [hidden] { display: none !important; }
  button { cursor: pointer; }
</style>
</head>
<body>
<header><strong>whats-workers</strong><span id="updated"></span></header>
<main>
  <section id="login" hidden>
    <h2>Admin token</h2>
    <form id="login-form">
      <input id="token" type="password" autocomplete="current-password" placeholder="ADMIN_TOKEN" size="40" required>
      <button type="submit">Open</button>
    </form>
    <p id="login-error" class="error"></p>
  </section>
  <div id="content" hidden>
    <section>
      <h2>Jobs</h2>
      <table id="jobs"><thead><tr><th>job</th><th>status</th><th>last run</th><th>duration</th><th>next run</th><th>schedule</th><th></th></tr></thead><tbody></tbody></table>
    </section>
    <section class="charts">
      <div><h2>Queue size per hour (24 h, estimated)</h2><svg id="chart-queue" viewBox="0 0 480 120" preserveAspectRatio="none"></svg></div>
      <div><h2>Messages sent per hour (24 h)</h2><svg id="chart-sent" viewBox="0 0 480 120" preserveAspectRatio="none"></svg></div>
    </section>
    <section>
      <h2>Recent failures (24 h)</h2>
      <table id="failures"><thead><tr><th>when</th><th>job</th><th>status</th><th>error</th></tr></thead><tbody></tbody></table>
    </section>
    <section>
      <h2>Dead letters <span id="dead-total"></span></h2>
      <table id="dead-letters"><thead><tr><th></th><th>id</th><th>tipo</th><th>attempts</th><th>error</th><th>updated</th></tr></thead><tbody></tbody></table>
      <button id="redrive" type="button">Re-drive selected</button> <span id="redrive-result"></span>
    </section>
  </div>
</main>
<script src="/admin/dashboard/app.js"></script>
</body>
</html>
`;
