/*
 * The comment form, enhanced: a live character count (after the GOV.UK
 * character-count pattern), a submit button that cannot be pressed twice,
 * focus moved to the error summary, and an error taken away as soon as its
 * field is fixed. The form works fully without this file;
 * the server is the authority on every rule.
 */
(function () {
  "use strict";

  // The same rule as comments/text.py: CRLF and lone CR count as one newline,
  // surrounding whitespace is not counted, and length is in code points so an
  // emoji counts as one.
  function commentLength(value) {
    return Array.from(value.replace(/\r\n?/g, "\n").trim()).length;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function remainingMessage(count, limit) {
    var left = limit - count;
    return left >= 0
      ? "You have " + plural(left, "character") + " remaining"
      : "You have " + plural(-left, "character") + " too many";
  }

  function enhanceCounter(counter) {
    var field = document.getElementById(counter.getAttribute("data-char-count-for"));
    var status = document.getElementById(field.id + "_status");
    var limit = parseInt(counter.getAttribute("data-char-limit"), 10);
    // Warn once the reader is within a tenth of the limit.
    var nearFrom = Math.floor(limit * 0.9);
    var announceTimer;

    function update() {
      var count = commentLength(field.value);
      // The owner's wording, and over the limit, visibly, by how much.
      counter.textContent =
        count + " / " + limit + " characters" + (count > limit ? ", " + plural(count - limit, "character") + " too many" : "");
      counter.classList.toggle("char-count--near", count >= nearFrom && count <= limit);
      counter.classList.toggle("char-count--over", count > limit);
      field.classList.toggle("is-over-limit", count > limit);
    }

    function announce() {
      status.textContent = remainingMessage(commentLength(field.value), limit);
    }

    field.addEventListener("input", function () {
      update();
      // Announce only once typing pauses, not on every keystroke.
      window.clearTimeout(announceTimer);
      announceTimer = window.setTimeout(announce, 1000);
    });
    counter.hidden = false;
    update();
  }

  function guardSubmit(form) {
    var button = form.querySelector("button[type=submit]");
    var label = button.textContent;
    form.addEventListener("submit", function (event) {
      if (button.disabled) {
        event.preventDefault();
        return;
      }
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
      button.textContent = button.getAttribute("data-sending-label") || label;
    });
    // Coming back with the browser's Back button restores the page as it was
    // left, button disabled; make it usable again.
    window.addEventListener("pageshow", function () {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
      button.textContent = label;
    });
  }

  function enhanceErrorSummary(summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      event.preventDefault();
      var label = document.querySelector("label[for='" + target.id + "']");
      (label || target).scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  // something@something.something: the least the server's check asks of an address.
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

  // For each field, the kinds of error (their codes, on the error message)
  // the browser can tell for certain are fixed, and the test that tells it:
  // the server's own checks. Any other error stays until the server has
  // seen the change; and the browser never adds one.
  function fixes(field) {
    if (field.name === "name") {
      return { codes: ["required"], test: function (value) { return value.trim() !== ""; } };
    }
    if (field.name === "email") {
      return { codes: ["required", "invalid"], test: function (value) { return EMAIL.test(value.trim()); } };
    }
    var counter = document.querySelector("[data-char-count-for='" + field.id + "']");
    if (field.name === "body" && counter) {
      var limit = parseInt(counter.getAttribute("data-char-limit"), 10);
      return {
        codes: ["required", "max_length"],
        test: function (value) {
          var count = commentLength(value);
          return count > 0 && count <= limit;
        },
      };
    }
    return null;
  }

  function clearError(field, error) {
    error.remove();
    field.removeAttribute("aria-invalid");
    var describedBy = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== error.id;
    });
    if (describedBy.length) {
      field.setAttribute("aria-describedby", describedBy.join(" "));
    } else {
      field.removeAttribute("aria-describedby");
    }
    var wrapper = document.getElementById("div_" + field.id);
    if (wrapper) {
      wrapper.classList.remove("field--error");
    }
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.querySelectorAll("a[href='#" + field.id + "']").forEach(function (link) {
      link.closest("li").remove();
    });
    if (!summary.querySelector("li")) {
      summary.remove();
    }
  }

  function clearWhenFixed(error) {
    var field = document.getElementById(error.id.replace(/_error$/, ""));
    var fix = field && fixes(field);
    var codes = error.getAttribute("data-error-codes").split(" ");
    if (!fix || !codes.every(function (code) { return fix.codes.indexOf(code) !== -1; })) {
      return;
    }
    field.addEventListener("input", function check() {
      if (fix.test(field.value)) {
        field.removeEventListener("input", check);
        clearError(field, error);
      }
    });
  }

  document.querySelectorAll("form.comment-form [data-error-codes]").forEach(clearWhenFixed);
  document.querySelectorAll("[data-char-count-for]").forEach(enhanceCounter);
  document.querySelectorAll("form.comment-form").forEach(guardSubmit);
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    enhanceErrorSummary(summary);
  }
  // A message for this reader (after sending a comment) is read out first.
  var message = document.querySelector("[data-focus-on-load]");
  if (message && !summary) {
    message.focus();
  }
})();
