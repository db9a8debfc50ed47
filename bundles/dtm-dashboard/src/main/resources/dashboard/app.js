/*
 * DTM dashboard: reads the node's REST API (/api/v1) with the API key pasted at sign-in, kept in
 * sessionStorage (this tab only), and redraws every 5 seconds. No framework, no external file.
 */
(function () {
  "use strict";

  var API = "/api/v1";
  var REFRESH_MS = 5000;
  var KEY_STORE = "dtm.apiKey";
  var SVG_NS = "http://www.w3.org/2000/svg";

  var state = { key: null, timer: null, search: "", searchTimer: null, refreshing: false, devicesAsked: 0 };

  function $(id) { return document.getElementById(id); }

  /* ---------- API ---------- */

  /** An answer other than 2xx, with what the problem document said. */
  function ApiError(status, title, detail) {
    this.status = status;
    this.title = title || ("HTTP " + status);
    this.detail = detail || "";
  }

  function api(path, options) {
    options = options || {};
    var headers = { "Accept": "application/json", "Authorization": "Bearer " + state.key };
    return fetch(API + path, { method: options.method || "GET", headers: headers, cache: "no-store",
      credentials: "omit" })
      .then(function (r) {
        if (r.status === 204) { return null; }
        return r.text().then(function (text) {
          var body = null;
          try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
          if (!r.ok) {
            throw new ApiError(r.status, body && body.title, body && body.detail);
          }
          return body;
        });
      }, function (e) {
        throw new ApiError(0, "Node unreachable", "cannot reach " + location.host + ": " + e.message);
      });
  }

  /** The message an operator should see for an API error. */
  function explain(err, what) {
    if (!(err instanceof ApiError)) { return what + ": " + err; }
    if (err.status === 401) {
      return "The API key was refused: it is unknown, revoked or expired. Paste a valid key "
        + "(apikey:list on the node's console shows the keys).";
    }
    if (err.status === 403) {
      return "This API key's role may not " + what + ". Sign in with an admin key (apikey:create --role admin).";
    }
    if (err.status === 0) { return err.detail; }
    return "Could not " + what + ": " + err.title + (err.detail ? " (" + err.detail + ")" : "");
  }

  /* ---------- formatting ---------- */

  var intFmt = new Intl.NumberFormat("en-US");

  function num(v) { return v === null || v === undefined || isNaN(v) ? "\u2013" : intFmt.format(v); }

  function pct(ratio) { return ratio === null || ratio === undefined || isNaN(ratio) ? "\u2013"
    : (ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 2 : 1) + " %"; }

  function ms(v) {
    if (v === null || v === undefined || isNaN(v)) { return "\u2013"; }
    return v < 10 ? v.toFixed(2) + " ms" : v < 1000 ? v.toFixed(0) + " ms" : (v / 1000).toFixed(2) + " s";
  }

  function when(value) {
    if (!value) { return "\u2013"; }
    var d = new Date(value);
    if (isNaN(d.getTime())) { return String(value); }
    var age = (Date.now() - d.getTime()) / 1000;
    if (age >= 0 && age < 90) { return Math.round(age) + " s ago"; }
    if (age >= 0 && age < 5400) { return Math.round(age / 60) + " min ago"; }
    return d.toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function two(n) { return ("0" + n).slice(-2); }

  function clock(t, seconds) {
    var d = new Date(t);
    return two(d.getHours()) + ":" + two(d.getMinutes()) + (seconds ? ":" + two(d.getSeconds()) : "");
  }

  /** Utilisation as a ratio 0..1, computed from the counts when the API gives none. */
  function utilisation(p) {
    if (typeof p.utilisation === "number") { return p.utilisation > 1 ? p.utilisation / 100 : p.utilisation; }
    var usable = (p.capacity || 0);
    return usable > 0 ? ((p.bound || 0) + (p.locked || 0)) / usable : 0;
  }

  function level(ratio) { return ratio >= 0.9 ? "bad" : ratio >= 0.7 ? "warn" : ""; }

  function badgeClass(s) {
    s = String(s || "").toLowerCase();
    if (s === "active" || s === "up" || s === "established" || s === "enabled" || s === "bound") { return "ok"; }
    if (s === "draining" || s === "degraded" || s === "renewing" || s === "establishing" || s === "locked") {
      return "warn";
    }
    if (s === "down" || s === "disabled" || s === "idle") { return "bad"; }
    return "info";
  }

  /* ---------- DOM helpers ---------- */

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { e.textContent = attrs[k]; } else if (k === "className") { e.className = attrs[k]; }
        else { e.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) { if (c) { e.appendChild(c); } });
    return e;
  }

  function td(text, className) { return el("td", { text: text, className: className || "" }); }

  function badge(text) { return el("span", { className: "badge " + badgeClass(text), text: String(text) }); }

  function fill(tbody, rows, columns, emptyText) {
    tbody.replaceChildren.apply(tbody, rows.length ? rows
      : [el("tr", null, [el("td", { className: "empty-row", colspan: String(columns), text: emptyText })])]);
  }

  function setBanner(message, bad) {
    var b = $("banner");
    b.textContent = message || "";
    b.className = "banner" + (bad ? " bad" : "");
    b.hidden = !message;
  }

  /* ---------- rendering ---------- */

  function renderOverview(o) {
    $("node-name").textContent = "node " + (o.node && o.node.id ? o.node.id : o.node || "?");
    var nodes = o.nodes || [];
    var active = nodes.filter(function (n) { return String(n.state).toUpperCase() === "ACTIVE"; }).length;
    $("kpi-nodes").textContent = nodes.length ? active + " / " + nodes.length : "\u2013";
    var leases = o.leases || {};
    $("kpi-bound").textContent = num(leases.bound);
    $("kpi-locked").textContent = num(leases.locked);
    renderPools(o.pools || []);
    renderNodes(nodes);
    renderAgent(o.agent);
  }

  function renderPools(pools) {
    var capacity = 0, used = 0;
    var rows = pools.map(function (p) {
      var u = utilisation(p);
      capacity += p.capacity || 0;
      used += (p.bound || 0) + (p.locked || 0);
      var bar = el("div", { className: "bar " + level(u) }, [el("span")]);
      bar.firstChild.style.width = Math.min(100, u * 100).toFixed(2) + "%";
      var cell = el("td", null, [el("div", { className: "util" },
        [bar, el("span", { className: "util-value", text: pct(u) })])]);
      var tr = el("tr", { "data-pool": p.name }, [
        el("td", null, [el("strong", { text: p.name })]), td(p.prefix, "mono"), cell,
        td(num(p.bound), "num"), td(num(p.locked), "num"), td(num(p.quarantined), "num"),
        td(num(p.free), "num"), td(num(p.capacity), "num")]);
      return tr;
    });
    fill($("pools").tBodies[0], rows, 8, "No address pool is defined (pool:create on the console, or POST /api/v1/pools).");
    $("pools-summary").textContent = pools.length + (pools.length === 1 ? " pool, " : " pools, ")
      + num(capacity) + " addresses";
    $("kpi-util").textContent = capacity > 0 ? pct(used / capacity) : "\u2013";
  }

  function renderNodes(nodes) {
    var rows = nodes.map(function (n) {
      var s = String(n.state || "unknown").toLowerCase();
      var name = el("td", { className: "nowrap" }, [el("strong", { text: n.id })]);
      if (n.leader) { name.appendChild(el("span", { className: "leader", text: "leader" })); }
      var action = null;
      if (s === "active" || s === "draining") {
        action = el("button", { type: "button", className: "small", text: s === "active" ? "Drain" : "Undrain" });
        action.addEventListener("click", function () { drain(n.id, s === "active"); });
      }
      return el("tr", { "data-node": n.id }, [name, el("td", null, [badge(s)]), td(n.site || "\u2013"),
        td(num(n.leasesServed), "num"), td(when(n.lastSeen)), el("td", { className: "num" }, [action])]);
    });
    fill($("nodes").tBodies[0], rows, 6, "No node has registered.");
    $("nodes-summary").textContent = nodes.length + (nodes.length === 1 ? " node" : " nodes");
  }

  function drain(node, on, force) {
    var verb = on ? "drain" : "undrain";
    if (on && !force && !window.confirm("Drain node " + node + "? It takes no new devices until undrained.")) { return; }
    api("/nodes/" + encodeURIComponent(node) + "/" + verb + (force ? "?force=true" : ""), { method: "POST" })
      .then(function () { setBanner(""); refresh(); }, function (err) {
        if (on && !force && err instanceof ApiError && err.status === 409
            && window.confirm(err.detail + "\n\nDrain node " + node + " anyway?")) {
          drain(node, true, true);
          return;
        }
        handleError(err, verb + " node " + node);
      });
  }

  /** The agent's tunnel and links from the overview; null when no agent runs on this node. */
  function renderAgent(agent) {
    var empty = $("agent-empty");
    var table = $("links");
    if (!agent) {
      empty.textContent = "No agent runs on this node: its links show on the dashboard of a node with dtm-agent.";
      empty.hidden = false;
      table.hidden = true;
      $("tunnel-summary").textContent = "";
      return;
    }
    empty.hidden = true;
    table.hidden = false;
    var tunnel = agent.tunnel;
    var rows = (agent.links || []).map(function (l) {
      var loss = typeof l.lossPercent === "number" ? l.lossPercent / 100 : null;
      return el("tr", { "data-link": l.id }, [el("td", null, [el("strong", { text: l.id })]), td(l.kind || "\u2013"),
        el("td", null, [badge(l.enabled === false ? "disabled" : (l.state || "unknown"))]),
        td(ms(l.rttMs), "num"), td(pct(loss), "num"), td(num(l.copies), "num"),
        td(num(l.datagramsSent), "num"), td(num(l.datagramsReceived), "num")]);
    });
    fill(table.tBodies[0], rows, 8, "The agent has no link.");
    if (tunnel) {
      var s = String(tunnel.state || "").toLowerCase();
      var addr = tunnel.address ? tunnel.address + (tunnel.prefixLength ? "/" + tunnel.prefixLength : "") : "";
      $("tunnel-summary").textContent = "tunnel " + s + (addr ? ", " + addr : "")
        + (tunnel.server ? " via " + tunnel.server : "");
    }
  }

  function renderDevices(page) {
    var items = (page && page.items) || [];
    var rows = items.map(function (d) {
      var disabled = d.disabled === true;
      return el("tr", { "data-device": d.id }, [el("td", { className: "mono", text: d.id }),
        el("td", null, [badge(disabled ? "disabled" : "enabled")]), td(when(d.enrolledAt)),
        td(d.selfEnrolled ? "its router (enrolment key)" : "operator"),
        td(d.reenrolUntil ? when(d.reenrolUntil) : "\u2013")]);
    });
    fill($("devices").tBodies[0], rows, 5, state.search ? "No device id contains \u201c" + state.search + "\u201d."
      : "No device is enrolled.");
    $("devices-summary").textContent = items.length ? "Showing " + items.length + " device"
      + (items.length === 1 ? "" : "s") + (page.next ? " (more: refine the search)" : "") : "";
  }

  /* ---------- charts (inline SVG) ---------- */

  /** The smallest step of 1, 2, 2.5 or 5 times a power of ten with 4 steps covering v (whole steps for counts). */
  function niceStep(v, whole) {
    var raw = v > 0 ? v / 4 : 0.25;
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      var step = steps[i] * p;
      if (step >= raw && (!whole || step >= 1 && step === Math.round(step))) { return step; }
    }
    return whole ? Math.max(1, Math.ceil(raw)) : 10 * p;
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  /** Draws series [{key, color, label}] of samples [{t, ...}] into the SVG element; "empty" is said when no sample has a value. */
  function lineChart(target, samples, series, format, whole, empty) {
    var w = target.clientWidth || 600, h = target.clientHeight || 200;
    var left = 48, right = 12, top = 10, bottom = 24;
    target.setAttribute("viewBox", "0 0 " + w + " " + h);
    var nodes = [];
    var pts = samples.filter(function (s) { return typeof s.t === "number"; });
    var any = pts.some(function (s) { return series.some(function (se) { return typeof s[se.key] === "number"; }); });
    if (pts.length < 2 || !any) {
      var note = svg("text", { x: w / 2, y: h / 2, "text-anchor": "middle", "class": "no-data" });
      note.textContent = pts.length < 2 ? "Collecting samples (one every 10 s)\u2026" : empty || "No data in this period.";
      target.replaceChildren(note);
      return;
    }
    var t0 = pts[0].t, t1 = pts[pts.length - 1].t;
    var max = 0;
    pts.forEach(function (s) { series.forEach(function (se) { var v = s[se.key]; if (v > max) { max = v; } }); });
    var step = niceStep(max, whole);
    max = step * 4;
    var x = function (t) { return left + (w - left - right) * (t - t0) / Math.max(1, t1 - t0); };
    var y = function (v) { return top + (h - top - bottom) * (1 - v / max); };
    for (var i = 0; i <= 4; i++) {
      var v = step * i, yy = y(v);
      nodes.push(svg("line", { x1: left, x2: w - right, y1: yy, y2: yy, "class": "grid-line" }));
      var label = svg("text", { x: left - 6, y: yy + 4, "text-anchor": "end", "class": "axis-label" });
      label.textContent = format(v);
      nodes.push(label);
    }
    var ticks = 5;
    for (var k = 0; k <= ticks; k++) {
      var t = t0 + (t1 - t0) * k / ticks;
      var tl = svg("text", { x: x(t), y: h - 6, "text-anchor": k === 0 ? "start" : k === ticks ? "end" : "middle",
        "class": "axis-label" });
      tl.textContent = clock(t, t1 - t0 < 600000);
      nodes.push(tl);
    }
    series.forEach(function (se) {
      var d = "", started = false;
      pts.forEach(function (s) {
        var v = s[se.key];
        if (typeof v !== "number" || isNaN(v)) { started = false; return; }
        d += (started ? "L" : "M") + x(s.t).toFixed(1) + "," + y(v).toFixed(1);
        started = true;
      });
      if (se.area && d) {
        nodes.push(svg("path", { d: d + "L" + x(t1).toFixed(1) + "," + y(0) + "L" + x(t0).toFixed(1) + "," + y(0) + "Z",
          "class": "area", fill: se.color }));
      }
      nodes.push(svg("path", { d: d, "class": "series", stroke: se.color }));
      pts.forEach(function (s, i) { // a value without a neighbour makes no line: a dot
        var v = s[se.key], before = pts[i - 1], after = pts[i + 1];
        if (typeof v === "number" && !(before && typeof before[se.key] === "number")
            && !(after && typeof after[se.key] === "number")) {
          nodes.push(svg("circle", { cx: x(s.t).toFixed(1), cy: y(v).toFixed(1), r: 3, fill: se.color }));
        }
      });
    });
    target.replaceChildren.apply(target, nodes);
  }

  function renderTimeline(samples) {
    samples = Array.isArray(samples) ? samples : (samples && samples.samples) || [];
    lineChart($("leases-chart"), samples, [
      { key: "bound", color: "#2563eb", area: true }, { key: "locked", color: "#f59e0b" }], num, true);
    // establishment latency: the server's ESTABLISH handling and, on a node with an agent, the agent's
    // time from request sent to tunnel established
    var agent = samples.some(function (x) { return typeof x.agentEstablishments === "number"; });
    var latency = [{ key: "establishP50Ms", color: "#0d9488" }, { key: "establishP99Ms", color: "#9333ea" }];
    if (agent) {
      latency.push({ key: "agentEstablishP50Ms", color: "#ea580c" }, { key: "agentEstablishP99Ms", color: "#be123c" });
    }
    lineChart($("latency-chart"), samples, latency, num, false, "No establishments in this period.");
    $("latency-agent-legend").hidden = !agent;
    $("kpi-latency").textContent = latest(samples, "establishP50Ms", "establishP99Ms");
    $("kpi-latency-sub").textContent = agent
      ? "server \u00b7 agent " + latest(samples, "agentEstablishP50Ms", "agentEstablishP99Ms")
      : "server, latest 10 s";
  }

  /** "p50 / p99" of the latest sample that has them, or a dash. */
  function latest(samples, p50, p99) {
    var recent = samples.filter(function (x) { return typeof x[p50] === "number"; }).pop();
    return recent ? ms(recent[p50]) + " / " + ms(recent[p99]) : "\u2013";
  }

  /* ---------- refresh loop ---------- */

  function handleError(err, what) {
    if (err instanceof ApiError && err.status === 401) {
      signOut(explain(err, what));
      return;
    }
    setBanner(explain(err, what), err instanceof ApiError && err.status !== 403);
    var r = $("refresh-state");
    r.textContent = "not updated: " + (err.title || err);
    r.className = "refresh stale";
  }

  /** Loads the devices for the search now; an answer overtaken by a later request is dropped. */
  function loadDevices() {
    var asked = ++state.devicesAsked;
    var q = state.search ? "?limit=50&search=" + encodeURIComponent(state.search) : "?limit=50";
    return api("/devices" + q).then(function (page) {
      if (asked === state.devicesAsked) { renderDevices(page); }
    });
  }

  function refresh() {
    if (!state.key || state.refreshing) { return Promise.resolve(); }
    state.refreshing = true;
    clearTimeout(state.timer);
    return Promise.all([api("/overview"), api("/timeline"), loadDevices()])
      .then(function (r) {
        renderOverview(r[0]);
        renderTimeline(r[1]);
        setBanner("");
        var s = $("refresh-state");
        s.textContent = "updated " + clock(Date.now(), true) + " \u00b7 every 5 s";
        s.className = "refresh live";
      }, function (err) { handleError(err, "read the node's state"); })
      .then(function () {
        state.refreshing = false;
        if (state.key) { state.timer = setTimeout(refresh, REFRESH_MS); }
      });
  }

  /* ---------- sign in / out ---------- */

  function showDashboard() {
    $("login-view").hidden = true;
    $("dashboard-view").hidden = false;
    $("session-info").hidden = false;
  }

  function signOut(message) {
    clearTimeout(state.timer);
    state.key = null;
    sessionStorage.removeItem(KEY_STORE);
    $("dashboard-view").hidden = true;
    $("session-info").hidden = true;
    $("login-view").hidden = false;
    var e = $("login-error");
    e.textContent = message || "";
    e.hidden = !message;
    $("api-key").value = "";
    $("api-key").focus();
  }

  function signIn(key) {
    state.key = key;
    var button = $("sign-in");
    button.disabled = true;
    return api("/overview").then(function () {
      sessionStorage.setItem(KEY_STORE, key);
      $("login-error").hidden = true;
      showDashboard();
      return refresh();
    }, function (err) {
      state.key = null;
      var e = $("login-error");
      e.textContent = explain(err, "read the dashboard's data");
      e.hidden = false;
    }).then(function () { button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("login-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var key = $("api-key").value.trim();
      if (key) { signIn(key); }
    });
    $("sign-out").addEventListener("click", function () { signOut(""); });
    $("device-search").addEventListener("input", function (ev) {
      clearTimeout(state.searchTimer);
      state.searchTimer = setTimeout(function () {
        state.search = ev.target.value.trim();
        loadDevices().catch(function (err) { handleError(err, "search devices"); });
      }, 250);
    });
    var saved = sessionStorage.getItem(KEY_STORE);
    if (saved) {
      state.key = saved;
      showDashboard();
      refresh();
    } else {
      signOut("");
    }
  });
}());
