// The article editor: the live preview of each section, and Move up /
// Move down in place. Without this script both still work: the preview shows
// the section as last saved, and the Move buttons save the draft and reload.
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

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".move-buttons button[data-step]");
    if (!button) {
      return;
    }
    var row = button.closest(".inline-related");
    var fieldset = row.parentNode;
    var all = rows(fieldset);
    var here = all.indexOf(row);
    var there = here + Number(button.dataset.step);
    event.preventDefault();
    var status = fieldset.querySelector(".move-status");
    var name = row.querySelector(".inline_label").textContent.trim();
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
  });
})();
