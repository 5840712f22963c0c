/*
 * The moderation queue in the admin, enhanced. The Approve, Reject and Spam
 * buttons act in place, without a reload: focus moves on to the next
 * undecided comment, and the decided one folds to one line (name, new
 * status, Undo) until its undo window closes, when it leaves the list.
 * Single-key shortcuts (j, k, a, r, s, u, as in WordPress) work anywhere on
 * the page except while typing in a field, and can be turned off; with no
 * comment focused, a decision key acts on the first undecided one. Without
 * this file every button is a plain form submission and works the same.
 *
 * Another script that decides on an entry itself (the inline reply's
 * "Approve and reply") tells this one with an event on the document:
 *
 *   document.dispatchEvent(new CustomEvent("ta1:queue-decided", {
 *     detail: { entry: <the [data-queue-entry] element>,
 *               data: <the JSON the decide address answered> },
 *   }));
 *
 * and the entry is then treated exactly as if its button had been pressed:
 * status label, counts and badge updated, folded with its Undo, focus on the
 * next undecided comment, all announced.
 */
(function () {
  "use strict";

  var SHORTCUTS_OFF = "ta1.moderation.shortcuts-off";
  var KEYS = { a: "approved", r: "rejected", s: "spam" };

  // What the queue's scripts share: queue-reply.js, loaded after this file, uses it too.
  var shared = (window.ta1Queue = {
    announce: function (announcer, text) {
      // Emptied first so that the same words twice are announced twice.
      announcer.textContent = "";
      window.setTimeout(function () {
        announcer.textContent = text;
      }, 50);
    },
    post: function (url, token, fields) {
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
    },
  });

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
      shared.announce(announcer, text);
    }

    function post(url, fields) {
      return shared.post(url, token, fields);
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
      element.textContent = "";
      var words = document.createElement("span");
      words.className = "queue-entry__outcome-text";
      words.textContent = text;
      element.appendChild(words);
      element.hidden = false;
      return element;
    }

    function nameOf(entry) {
      return entry.querySelector(".queue-entry__title").textContent.trim();
    }

    function undecided(entry) {
      return !entry.classList.contains("queue-entry--folded");
    }

    // The first undecided entry after this one (or from the top), else none.
    function nextUndecided(entry) {
      var all = entries();
      var index = all.indexOf(entry);
      var rest = all.slice(index + 1).concat(all.slice(0, index + 1));
      return rest.filter(undecided)[0] || null;
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

    // Its undo window closed: the decided entry leaves the list.
    function leave(record) {
      var row = record.entry.closest("tr");
      var hadFocus = row.contains(document.activeElement);
      forget(record);
      row.parentNode.removeChild(row);
      if (hadFocus) {
        var next = nextUndecided(null);
        if (next) {
          next.focus();
        }
      }
    }

    function offerUndo(entry, data) {
      var record = { entry: entry, decision: data.decision, url: data.undo_url };
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button queue-entry__undo";
      button.textContent = "Undo";
      var whose = document.createElement("span");
      whose.className = "visually-hidden";
      whose.textContent = " the decision on the comment by " + nameOf(entry);
      button.appendChild(whose);
      button.addEventListener("click", function () {
        undo(record);
      });
      record.button = button;
      record.timer = window.setTimeout(function () {
        leave(record);
      }, data.undo_seconds * 1000);
      outcome(entry, data.message + " ").appendChild(button);
      undoable.push(record);
    }

    function moveOn(entry, said) {
      var next = nextUndecided(entry);
      if (next) {
        next.focus();
        next.scrollIntoView({ block: "nearest" });
        announce(said + " Next: the comment by " + nameOf(next) + ".");
      } else {
        entry.focus();
        announce(said + " No undecided comments left on this page.");
      }
    }

    // A decision made, by a button, a key or another script: fold the
    // entry to one line with its Undo, and move on to the next undecided.
    function decided(entry, data) {
      undoable
        .filter(function (record) {
          return record.entry === entry;
        })
        .forEach(forget);
      show(entry, data);
      entry.classList.add("queue-entry--folded");
      if (data.decision) {
        offerUndo(entry, data);
        moveOn(entry, data.message + " Press u to undo.");
      } else {
        outcome(entry, data.message);
        moveOn(entry, data.message);
      }
    }

    function decide(entry, status) {
      var button = entry && entry.querySelector("[data-decision='" + status + "']");
      if (!button || button.disabled || entry.getAttribute("aria-busy") === "true") {
        return;
      }
      entry.setAttribute("aria-busy", "true");
      post(button.formAction, { to: status })
        .then(
          function (data) {
            entry.removeAttribute("aria-busy");
            decided(entry, data);
          },
          function (error) {
            entry.removeAttribute("aria-busy");
            outcome(entry, error.message);
            announce(error.message);
            // The pressed button may now be disabled and would drop focus to the page.
            if (!entry.contains(document.activeElement) || document.activeElement.disabled) {
              entry.focus();
            }
          }
        );
    }

    function undo(record) {
      var entry = record.entry;
      post(record.url, { decision: record.decision })
        .then(function (data) {
          forget(record);
          show(entry, data);
          entry.classList.remove("queue-entry--folded");
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

    document.addEventListener("ta1:queue-decided", function (event) {
      if (queue.contains(event.detail.entry)) {
        decided(event.detail.entry, event.detail.data);
      }
    });

    // On the whole document, so that no Tab is needed to reach the list first.
    document.addEventListener("keydown", function (event) {
      if ((toggle && !toggle.checked) || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
        return;
      }
      var key = event.key;
      if (key === "j" || key === "k") {
        move(key === "j" ? 1 : -1);
      } else if (KEYS[key]) {
        // With no comment focused, the one a moderator sees first: the top undecided one.
        decide(currentEntry() || nextUndecided(null), KEYS[key]);
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
