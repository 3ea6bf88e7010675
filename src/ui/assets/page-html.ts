/** The page: a table of the fleet and a log pane. Its script (page-script.ts) fills both; nothing inline. */
export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wso2-supervisor</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header>
<h1>wso2-supervisor</h1>
<span id="connection">connecting…</span>
</header>
<p id="problem" hidden></p>
<table id="fleet">
<thead><tr>
<th>Instance</th><th>Product</th><th>Offset</th><th>State</th><th>Detail</th><th>Health</th>
<th>Restarts</th><th>Uptime</th><th>CPU</th><th>Memory</th><th>URLs</th><th>Actions</th>
</tr></thead>
<tbody></tbody>
</table>
<section id="log">
<h2>Log <span id="log-name">(click an instance)</span></h2>
<pre id="log-lines"></pre>
</section>
</body>
</html>
`;
