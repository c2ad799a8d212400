// The staff dashboard: draws the figures of /api/v1/metrics/, then fetches them again
// every few seconds. Rates and charts come from the difference between two fetches.
"use strict";

(function () {
  const HISTORY = 60; // points kept per chart
  const body = document.body;
  const metricsUrl = body.dataset.metricsUrl;
  const refreshSeconds = Number(body.dataset.refreshSeconds) || 5;
  const history = { rps: [], endpoints: new Map() };
  let previous = null;

  const byId = (id) => document.getElementById(id);
  const number = (value) => (value === null || value === undefined ? "–" : Number(value).toLocaleString("en"));
  const ms = (value) => (value === null || value === undefined ? "–" : Number(value).toFixed(1));
  const megabytes = (bytes) => (bytes ? `${(bytes / 1048576).toFixed(0)} MB` : "–");

  function setText(id, text) {
    byId(id).textContent = text;
  }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function remember(series, value) {
    series.push(value);
    if (series.length > HISTORY) series.shift();
  }

  // A small line chart of the last values, as inline SVG.
  function sparkline(values, width = 120, height = 24) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    if (values.length > 1) {
      const top = Math.max(...values) || 1;
      const step = width / (values.length - 1);
      const y = (v) => (height - 1 - (v / top) * (height - 2)).toFixed(1);
      const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v)}`);
      const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      line.setAttribute("points", points.join(" "));
      svg.appendChild(line);
    }
    return svg;
  }

  function fillTable(id, rows, columns, emptyText) {
    const tbody = byId(id).querySelector("tbody");
    tbody.replaceChildren();
    if (!rows.length) {
      const cell = element("td", emptyText, "empty");
      cell.colSpan = columns;
      tbody.appendChild(element("tr")).appendChild(cell);
      return;
    }
    for (const cells of rows) {
      const tr = element("tr");
      for (const cell of cells) tr.appendChild(cell);
      tbody.appendChild(tr);
    }
  }

  function renderUsers(users) {
    setText("users-total", number(users.total_users));
    setText("users-active", number(users.active_users));
    setText("users-inactive", number(users.inactive_users));
    setText("users-new", number(users.new_today));
    const list = byId("users-by-role");
    list.replaceChildren();
    const top = Math.max(1, ...Object.values(users.by_role));
    for (const [role, count] of Object.entries(users.by_role)) {
      const bar = element("span", undefined, "bar");
      bar.style.width = `${Math.max(1, (100 * count) / top)}%`;
      const li = element("li");
      li.append(element("span", role), element("span"), element("span", number(count), "n"));
      li.children[1].appendChild(bar);
      list.appendChild(li);
    }
  }

  // A percentile of the requests between two readings, from the growth of each latency
  // bucket (as Prometheus's histogram_quantile does it); null when none came.
  function windowPercentile(bounds, before, after, quantile) {
    const counts = after.map((count, i) => count - (before ? before[i] || 0 : 0));
    const total = counts[counts.length - 1];
    if (!total) return null;
    const rank = quantile * total;
    let lowerBound = 0;
    let lowerCount = 0;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] >= rank) {
        if (bounds[i] === null) return lowerBound;
        const share = counts[i] > lowerCount ? (rank - lowerCount) / (counts[i] - lowerCount) : 1;
        return lowerBound + (bounds[i] - lowerBound) * share;
      }
      lowerBound = bounds[i];
      lowerCount = counts[i];
    }
    return null;
  }

  function renderRequests(figures, seconds) {
    const endpoints = figures.requests.endpoints;
    const bounds = figures.requests.bucket_bounds_ms;
    const before = new Map();
    if (previous) for (const e of previous.requests.endpoints) before.set(`${e.method} ${e.route}`, e);
    let rps = null;
    if (seconds > 0) {
      rps = (figures.requests.total - previous.requests.total) / seconds;
      remember(history.rps, rps);
    }
    setText("rps", rps === null ? "…" : rps.toFixed(1));
    byId("rps-chart").replaceChildren(sparkline(history.rps, 200, 36));
    setText("requests-total", number(figures.requests.total));

    const rows = endpoints.map((e) => {
      const key = `${e.method} ${e.route}`;
      if (!history.endpoints.has(key)) history.endpoints.set(key, { rps: [], p95: [] });
      const series = history.endpoints.get(key);
      const earlier = before.get(key);
      if (seconds > 0) {
        remember(series.rps, (e.count - (earlier ? earlier.count : 0)) / seconds);
        remember(series.p95, windowPercentile(bounds, earlier && earlier.buckets, e.buckets, 0.95) || 0);
      }
      const rate = element("td");
      rate.appendChild(sparkline(series.rps));
      const p95 = element("td");
      p95.appendChild(sparkline(series.p95));
      return [
        element("td", key, "path"),
        element("td", number(e.count), "n"),
        rate,
        element("td", number(e.errors), "n"),
        element("td", ms(e.p50_ms), "n"),
        element("td", ms(e.p95_ms), "n"),
        element("td", ms(e.p99_ms), "n"),
        p95,
      ];
    });
    fillTable("endpoints", rows, 8, "No requests yet.");
  }

  function renderImports(imports) {
    const rows = imports.recent.map((job) => {
      const bar = element("progress");
      bar.max = 1;
      bar.value = job.progress;
      bar.title = `${Math.round(job.progress * 100)}%`;
      const progress = element("td");
      progress.append(bar, ` ${number(job.processed)} / ${number(job.total)}`);
      return [
        element("td", `#${job.id}`),
        element("td", job.file, "path"),
        element("td", job.status),
        progress,
        element("td", number(job.created), "n"),
        element("td", number(job.updated), "n"),
        element("td", number(job.failed), "n"),
      ];
    });
    fillTable("imports", rows, 7, "No imports yet.");
  }

  function renderSlowest(slowest) {
    const rows = slowest.map((r) => [
      element("td", ms(r.seconds * 1000), "n"),
      element("td", `${r.method} ${r.path}`, "path"),
      element("td", r.status, "n"),
      element("td", r.request_id),
      element("td", new Date(r.at * 1000).toLocaleTimeString("en-GB")),
    ]);
    fillTable("slowest", rows, 5, "No requests in the last five minutes.");
  }

  function render(figures) {
    const seconds = previous ? (Date.parse(figures.generated_at) - Date.parse(previous.generated_at)) / 1000 : 0;
    renderUsers(figures.users);
    renderRequests(figures, seconds);
    const cache = figures.cache;
    setText("cache-ratio", cache.hit_ratio === null ? "–" : `${(cache.hit_ratio * 100).toFixed(1)}%`);
    setText("cache-hits", number(cache.hits));
    setText("cache-misses", number(cache.misses));
    setText("cache-backend", cache.available ? cache.backend : `${cache.backend} (unavailable)`);
    const queues = figures.celery.queues;
    const list = byId("queues");
    list.replaceChildren();
    if (queues === null) {
      setText("queue-depth", figures.celery.eager ? "in-process" : "unknown");
    } else {
      setText("queue-depth", number(Object.values(queues).reduce((a, b) => a + b, 0)));
      for (const [name, length] of Object.entries(queues)) list.appendChild(element("li", `${name}: ${number(length)}`));
    }
    setText("workers-rss", megabytes(figures.process.workers_rss_bytes));
    const workers = figures.process.workers;
    setText("workers", `${workers} worker${workers === 1 ? "" : "s"}`);
    setText("queries-per-request", figures.database.queries_per_request);
    setText("load", figures.system.load_average ? figures.system.load_average.join(" ") : "–");
    setText("cpus", number(figures.system.cpus));
    renderImports(figures.imports);
    renderSlowest(figures.slowest_requests);
    setText("updated", new Date(figures.generated_at).toLocaleTimeString("en-GB"));
    previous = figures;
  }

  async function refresh() {
    try {
      const response = await fetch(metricsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
      render(await response.json());
      setText("problem", "");
    } catch (error) {
      setText("problem", `Could not refresh: ${error.message}`);
      console.error(error);
    }
  }

  render(JSON.parse(byId("initial-figures").textContent));
  setInterval(refresh, refreshSeconds * 1000);
})();
