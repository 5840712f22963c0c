/*
 * The moderation queue in the admin, enhanced. The Approve, Reject and Spam
 * buttons act in place, without a reload, and offer Undo for as long as the
 * server allows it; single-key shortcuts (j, k, a, r, s, u, as in WordPress)
 * work while focus is in the list and can be turned off. Without this file
 * every button is a plain form submission and works the same.
 */
(function () {
  "use strict";

  var SHORTCUTS_OFF = "ta1.moderation.shortcuts-off";
  var KEYS = { a: "approved", r: "rejected", s: "spam" };

  function storedOff() {
    try {
      return window.localStorage.getItem(SHORTCUTS_OFF) === "1";
    } catch (error) {
      return false;
    }
  }

  function store(off) {
    try {
      if (off) {
        window.localStorage.setItem(SHORTCUTS_OFF, "1");
      } else {
        window.localStorage.removeItem(SHORTCUTS_OFF);
      }
    } catch (error) {
      // Private browsing may refuse storage; the toggle still works for this page.
    }
  }

  function pendingText(count) {
    return count ? count + " comment" + (count === 1 ? "" : "s") + " awaiting moderation" : "No comments awaiting moderation";
  }

  function updateBadges(count) {
    document.querySelectorAll("[data-pending-badge]").forEach(function (badge) {
      badge.setAttribute("data-count", String(count));
      badge.textContent = pendingText(count);
    });
  }

  function updateCounts(counts) {
    document.querySelectorAll("[data-status-count]").forEach(function (count) {
      count.textContent = String(counts[count.getAttribute("data-status-count")]);
    });
  }

  function start() {
    var queue = document.getElementById("result_list");
    var form = document.getElementById("changelist-form");
    if (!queue || !form || !queue.querySelector("[data-queue-entry]")) {
      return;
    }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var announcer = document.querySelector("[data-queue-announce]");
    var keys = document.querySelector("[data-queue-keys]");
    var toggle = keys && keys.querySelector("[data-queue-keys-toggle]");
    var undoable = [];

    function announce(text) {
      // Emptied first so that the same words twice are announced twice.
      announcer.textContent = "";
      window.setTimeout(function () {
        announcer.textContent = text;
      }, 50);
    }

    function post(url, fields) {
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token);
      Object.keys(fields).forEach(function (name) {
        body.append(name, fields[name]);
      });
      return window
        .fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(
            function (data) {
              if (!response.ok) {
                throw new Error(data.error || "The server refused.");
              }
              return data;
            },
            function () {
              throw new Error("The server answered " + response.status + ". Reload the page and try again.");
            }
          );
        });
    }

    function entries() {
      return Array.prototype.slice.call(queue.querySelectorAll("[data-queue-entry]"));
    }

    function currentEntry() {
      var row = document.activeElement && document.activeElement.closest("#result_list tr");
      return row ? row.querySelector("[data-queue-entry]") : null;
    }

    function outcome(entry, text) {
      var element = entry.querySelector("[data-queue-outcome]");
      element.textContent = text;
      element.hidden = false;
      return element;
    }

    function show(entry, data) {
      var label = entry.querySelector("[data-queue-status-label]");
      label.textContent = data.status_label;
      label.className = label.className.replace(/\bstatus-\w+/, "status-" + data.status);
      entry.setAttribute("data-status", data.status);
      entry.classList.toggle("queue-entry--decided", data.status !== "pending");
      entry.querySelectorAll("[data-decision]").forEach(function (button) {
        button.disabled = button.getAttribute("data-decision") === data.status;
      });
      updateBadges(data.pending_count);
      updateCounts(data.status_counts);
    }

    function forget(record) {
      undoable = undoable.filter(function (other) {
        return other !== record;
      });
      if (record.button.parentNode) {
        record.button.parentNode.removeChild(record.button);
      }
      window.clearTimeout(record.timer);
    }

    function offerUndo(entry, data) {
      var record = { entry: entry, decision: data.decision, url: data.undo_url };
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button queue-entry__undo";
      button.textContent = "Undo";
      button.addEventListener("click", function () {
        undo(record);
      });
      record.button = button;
      record.timer = window.setTimeout(function () {
        forget(record);
      }, data.undo_seconds * 1000);
      outcome(entry, data.message + " ").appendChild(button);
      undoable.push(record);
    }

    function decide(entry, status) {
      var button = entry && entry.querySelector("[data-decision='" + status + "']");
      if (!button || button.disabled || entry.getAttribute("aria-busy") === "true") {
        return;
      }
      entry.setAttribute("aria-busy", "true");
      post(button.formAction, { to: status })
        .then(function (data) {
          undoable.filter(function (record) {
            return record.entry === entry;
          }).forEach(forget);
          show(entry, data);
          if (data.decision) {
            offerUndo(entry, data);
            announce(data.message + " Press u to undo.");
          } else {
            outcome(entry, data.message);
            announce(data.message);
          }
        })
        .catch(function (error) {
          outcome(entry, error.message);
          announce(error.message);
        })
        .then(function () {
          entry.removeAttribute("aria-busy");
          // The pressed button is now disabled and would drop focus to the page.
          if (!entry.contains(document.activeElement) || document.activeElement.disabled) {
            entry.focus();
          }
        });
    }

    function undo(record) {
      var entry = record.entry;
      post(record.url, { decision: record.decision })
        .then(function (data) {
          forget(record);
          show(entry, data);
          outcome(entry, data.message);
          announce(data.message);
        })
        .catch(function (error) {
          forget(record);
          outcome(entry, error.message);
          announce(error.message);
        })
        .then(function () {
          if (!entry.contains(document.activeElement)) {
            entry.focus();
          }
        });
    }

    function move(step) {
      var all = entries();
      var index = all.indexOf(currentEntry());
      var next = all[index === -1 ? 0 : Math.min(all.length - 1, Math.max(0, index + step))];
      next.focus();
      next.scrollIntoView({ block: "nearest" });
    }

    function typing(target) {
      return (
        target.isContentEditable ||
        target.matches("textarea, select, input:not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button])")
      );
    }

    queue.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-decision]");
      if (!button) {
        return;
      }
      event.preventDefault();
      decide(button.closest("[data-queue-entry]"), button.getAttribute("data-decision"));
    });

    queue.addEventListener("keydown", function (event) {
      if ((toggle && !toggle.checked) || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
        return;
      }
      var key = event.key;
      if (key === "j" || key === "k") {
        move(key === "j" ? 1 : -1);
      } else if (KEYS[key]) {
        decide(currentEntry(), KEYS[key]);
      } else if (key === "u" && undoable.length) {
        undo(undoable[undoable.length - 1]);
      } else {
        return;
      }
      event.preventDefault();
    });

    if (keys) {
      keys.hidden = false;
      toggle.checked = !storedOff();
      toggle.addEventListener("change", function () {
        store(!toggle.checked);
        announce(toggle.checked ? "Keyboard shortcuts on." : "Keyboard shortcuts off.");
      });
      queue.setAttribute("aria-describedby", "queue-keys-hint");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
