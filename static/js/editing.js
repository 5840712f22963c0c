// The article editor: the live preview of each section, the Move buttons in
// place, opening a folded section a link points into, and a warning before
// leaving with unsaved changes. Without this script the preview shows the
// section as last saved, and the Move buttons save the draft and reload.
(function () {
  "use strict";

  var PAUSE_MS = 600;

  function group() {
    return document.querySelector("[data-preview-url]");
  }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function refresh(row) {
    var box = row.querySelector(".section-preview__body");
    var body = row.querySelector("textarea[name$='-body']");
    var heading = row.querySelector("input[name$='-heading']");
    if (!box || !body) {
      return;
    }
    if (row.previewRequest) {
      row.previewRequest.abort();
    }
    var request = new AbortController();
    row.previewRequest = request;
    var data = new FormData();
    data.append("body", body.value);
    data.append("heading", heading ? heading.value : "");
    fetch(group().dataset.previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(body.form) },
      signal: request.signal,
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("preview " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        // Rendered and sanitised by the server's own pipeline, the one that saves.
        box.innerHTML = html;
        box.parentNode.classList.remove("section-preview--stale");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          box.parentNode.classList.add("section-preview--stale");
        }
      });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!group() || !field.matches("textarea[name$='-body'], input[name$='-heading']")) {
      return;
    }
    var row = field.closest(".inline-related");
    if (!row) {
      return;
    }
    row.querySelector(".section-preview").classList.add("section-preview--stale");
    clearTimeout(row.previewTimer);
    row.previewTimer = setTimeout(function () {
      refresh(row);
    }, PAUSE_MS);
  });

  function rows(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll(".inline-related.has_original"));
  }

  function moveRow(row, there, button) {
    var fieldset = row.parentNode;
    var all = rows(fieldset);
    var here = all.indexOf(row);
    var status = fieldset.querySelector(".move-status");
    var name = row.querySelector(".inline_label").textContent.trim();
    if (there === here) {
      status.textContent = "“" + name + "” is already at place " + (here + 1) + ".";
      return;
    }
    if (there < 0 || there >= all.length) {
      status.textContent = "“" + name + "” is already " + (there < 0 ? "first." : "last.");
      return;
    }
    if (there < here) {
      fieldset.insertBefore(row, all[there]);
    } else {
      fieldset.insertBefore(row, all[there].nextSibling);
    }
    // The same numbering django-admin-sortable2 gives after a drag.
    rows(fieldset).forEach(function (each, index) {
      var position = each.querySelector("input._reorder_");
      if (position) {
        position.value = String(index + 1);
      }
    });
    button.focus();
    status.textContent =
      "Moved “" + name + "” to place " + (there + 1) + " of " + all.length + ". Save the draft to keep the order.";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".move-buttons button[data-step], .move-buttons .move-to-button");
    if (!button) {
      return;
    }
    event.preventDefault();
    var row = button.closest(".inline-related");
    var there;
    if (button.dataset.step) {
      there = rows(row.parentNode).indexOf(row) + Number(button.dataset.step);
    } else {
      var wanted = parseInt(row.querySelector("input.move-to").value, 10);
      var count = rows(row.parentNode).length;
      there = Math.min(Math.max(isNaN(wanted) ? 1 : wanted, 1), count) - 1;
    }
    moveRow(row, there, button);
  });

  // A link to a section or a field inside a folded section opens it first.
  function reveal(target) {
    var fold = target && target.closest("details.section-fold");
    if (fold) {
      fold.open = true;
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".section-outline a[href^='#'], .error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    reveal(target);
    history.pushState(null, "", link.hash);
    if (target.matches("input, textarea, select")) {
      target.focus();
    } else {
      target.scrollIntoView();
    }
  });

  // What the form holds, as it would be posted; the position boxes beside
  // Move to position are not part of the draft.
  function formState(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (!/-move-to$/.test(name)) {
        pairs.push(name + "=" + value);
      }
    });
    return pairs.join("&");
  }

  function orderOf(fieldset) {
    return rows(fieldset)
      .map(function (row) {
        return row.id;
      })
      .join(" ");
  }

  // With this script a reorder lives only in the form until Save draft: say
  // so, keep the outline and the position boxes in the new order.
  function watchOrder(fieldset) {
    var loaded = orderOf(fieldset);
    var notice = fieldset.querySelector(".order-notice");
    var outline = fieldset.querySelector(".section-outline ol");
    new MutationObserver(function () {
      var unsaved = orderOf(fieldset) !== loaded;
      notice.textContent = unsaved ? "Order not saved yet: Save draft keeps it." : "";
      notice.classList.toggle("order-notice--unsaved", unsaved);
      rows(fieldset).forEach(function (row, index) {
        var heading = row.querySelector("h3[id^='section-']");
        var item = heading && outline.querySelector("li[data-key='" + heading.id.slice("section-".length) + "']");
        if (item) {
          outline.appendChild(item);
        }
        var box = row.querySelector("input.move-to");
        if (box) {
          box.value = String(index + 1);
        }
      });
    }).observe(fieldset, { childList: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sections = group();
    if (!sections) {
      return;
    }
    var form = sections.closest("form");
    Array.prototype.forEach.call(document.querySelectorAll(".move-note"), function (note) {
      note.textContent = "A move here is kept when you save the draft.";
    });
    watchOrder(sections.querySelector("fieldset"));
    if (location.hash) {
      reveal(document.getElementById(decodeURIComponent(location.hash.slice(1))));
    }
    // A refused save left the editor's work only on this page.
    var refused = Boolean(document.querySelector(".errornote"));
    var loaded = formState(form);
    var submitting = false;
    form.addEventListener("submit", function () {
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && (refused || formState(form) !== loaded)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
