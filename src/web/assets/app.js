// smart-agents web: live updates pushed by the server (Server-Sent Events). No polling: the
// page only listens, and the browser reconnects by itself when the stream drops.
"use strict";
(function () {
  var body = document.body;
  var page = body.getAttribute("data-page");
  var taskId = body.getAttribute("data-task");
  var live = document.getElementById("live");
  var logFrom = body.getAttribute("data-log");
  var url = "/events" + (taskId ? "?task=" + encodeURIComponent(taskId) + (logFrom ? "&from=" + logFrom : "") : "");
  var source = new EventSource(url);
  source.onopen = function () { live.textContent = "live"; };
  source.onerror = function () { live.textContent = "reconnecting…"; };
  source.addEventListener("task", function (e) {
    var change;
    try { change = JSON.parse(e.data); } catch (err) { return; }
    if (page === "list") { onList(change); } else if (change.id === taskId) { onTask(change); }
  });

  // New lines of the task's log, appended as they are written; the page keeps the last 500.
  source.addEventListener("log", function (e) {
    var log = document.querySelector("#log pre");
    if (!log) { return; }
    log.textContent += e.data + (e.data.endsWith("\n") ? "" : "\n");
    var lines = log.textContent.split("\n");
    if (lines.length > 501) { log.textContent = lines.slice(lines.length - 501).join("\n"); }
  });

  function fill(root, change) {
    set(root, "state", change.state, "state s-" + change.state);
    set(root, "eta", change.eta);
    set(root, "step", change.detail);
    set(root, "description", change.description);
    var bar = root.querySelector('[data-f="progress"]');
    if (bar) {
      if (change.progress === null || change.progress === undefined) { bar.removeAttribute("value"); }
      else { bar.value = Math.max(0, Math.min(100, change.progress)); }
      bar.setAttribute("data-value", bar.getAttribute("value") || "");
    }
  }

  function set(root, field, text, className) {
    var el = root.querySelector('[data-f="' + field + '"]');
    if (!el) { return; }
    el.textContent = text || "";
    if (className) { el.className = className; }
  }

  function onList(change) {
    var item = document.getElementById("t-" + change.id);
    if (!item) {
      item = card(change.id);
      var list = document.getElementById("tasks");
      list.insertBefore(item, list.firstChild);
      var empty = document.getElementById("empty");
      if (empty) { empty.remove(); }
    }
    fill(item, change);
  }

  // The shape pages.rs gives a task in the list.
  function card(id) {
    var li = document.createElement("li");
    li.className = "task"; li.id = "t-" + id; li.setAttribute("data-id", id);
    var a = document.createElement("a"); a.href = "/tasks/" + encodeURIComponent(id);
    var top = document.createElement("div"); top.className = "top";
    top.appendChild(span("state", "state")); top.appendChild(span("id", null, id)); top.appendChild(span("eta", "eta"));
    a.appendChild(top);
    a.appendChild(div("desc", "description"));
    var bar = document.createElement("progress"); bar.max = 100; bar.setAttribute("data-f", "progress");
    a.appendChild(bar);
    a.appendChild(div("step", "step"));
    li.appendChild(a);
    return li;
  }

  function span(cls, field, text) {
    var s = document.createElement("span"); s.className = cls;
    if (field) { s.setAttribute("data-f", field); }
    if (text) { s.textContent = text; }
    return s;
  }

  function div(cls, field) {
    var d = document.createElement("div"); d.className = cls; d.setAttribute("data-f", field);
    return d;
  }

  // A page read after the task ended already shows its end: it is never read again.
  var wasFinished = body.getAttribute("data-finished") === "1";
  function onTask(change) {
    fill(document.querySelector("main"), change);
    // A question appeared or was answered elsewhere: read the page again for its form.
    if (!change.finished && change.needs !== !!document.getElementById("answer")) {
      source.close();
      location.reload();
      return;
    }
    if (change.finished) {
      var cancel = document.getElementById("cancel");
      if (cancel) { cancel.remove(); }
      // Once, when it ends: the page is read again for its result and last log lines.
      if (!wasFinished) {
        wasFinished = true;
        source.close();
        location.reload();
      }
    }
  }
})();
