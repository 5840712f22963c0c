/*
 * Reply as the site, and Approve and reply, in place in the moderation
 * queue: the entry's reply link opens a small form under the comment, sent
 * without leaving the queue to the reply page's own address, which checks it
 * exactly as it checks that page. Without this file the link opens the page.
 *
 * After an Approve and reply the queue's decision script hears of it through
 * a "ta1:queue-decided" event carrying the entry and the same answer a
 * decision gets, and shows the entry and the counts as decided. How to post
 * and announce is that script's too (window.ta1Queue): it is loaded first.
 */
(function () {
  "use strict";

  function start() {
    var queue = document.getElementById("result_list");
    var changelist = document.getElementById("changelist-form");
    if (!queue || !changelist || !queue.querySelector("template[data-queue-reply-form]")) {
      return;
    }
    var token = changelist.querySelector("input[name=csrfmiddlewaretoken]").value;
    var announcer = document.querySelector("[data-queue-announce]");

    function announce(text) {
      window.ta1Queue.announce(announcer, text);
    }

    function send(url, fields) {
      return window.ta1Queue.post(url, token, fields);
    }

    function close(form, link) {
      form.parentNode.removeChild(form);
      link.focus();
    }

    function refuse(form, text) {
      var error = form.querySelector("[data-queue-reply-error]");
      var body = form.querySelector("textarea");
      error.textContent = text;
      error.hidden = false;
      body.setAttribute("aria-invalid", "true");
      body.setAttribute("aria-describedby", error.id + " " + form.querySelector(".queue-reply__help").id);
      body.focus();
      announce(text);
    }

    function published(entry, form, link, data) {
      var template = entry.querySelector("template[data-queue-reply-form]");
      var done = document.createElement("p");
      var see = document.createElement("a");
      done.className = "queue-reply__done";
      see.href = data.reply_url;
      see.textContent = "See the reply on the page";
      done.appendChild(document.createTextNode(data.message + " "));
      done.appendChild(see);
      form.parentNode.replaceChild(done, form);
      see.focus();
      announce(data.message);
      if (data.status) {
        link.firstChild.nodeValue = template.getAttribute("data-link-label");
        document.dispatchEvent(new CustomEvent("ta1:queue-decided", { detail: { entry: entry, data: data } }));
      }
    }

    function open(entry, link) {
      var template = entry.querySelector("template[data-queue-reply-form]");
      var form = entry.querySelector("[data-queue-reply]");
      if (!form) {
        form = template.content.firstElementChild.cloneNode(true);
        var done = entry.querySelector(".queue-reply__done");
        if (done) {
          done.parentNode.removeChild(done);
        }
        (link.closest(".queue-entry__actions") || link).insertAdjacentElement("afterend", form);
        wire(entry, form, link, template.getAttribute("data-url"));
      }
      form.querySelector("textarea").focus();
    }

    function wire(entry, form, link, url) {
      var button = form.querySelector("[data-queue-reply-send]");
      var body = form.querySelector("textarea");
      // Decided when the form opens: the comment may have been approved in the queue meanwhile.
      var action = entry.getAttribute("data-status") === "approved" ? "reply" : "approve-and-reply";
      if (action === "approve-and-reply") {
        button.textContent = button.getAttribute("data-approve-label");
      }
      // The admin's actions script takes any change in the list for an
      // unsaved edit and would warn of it before the next bulk action.
      body.addEventListener("change", function (event) {
        event.stopPropagation();
      });
      form.querySelector("[data-queue-reply-cancel]").addEventListener("click", function () {
        close(form, link);
      });
      button.addEventListener("click", function () {
        if (form.getAttribute("aria-busy") === "true") {
          return;
        }
        form.setAttribute("aria-busy", "true");
        send(url, { body: body.value, action: action })
          .then(function (data) {
            published(entry, form, link, data);
          })
          .catch(function (error) {
            refuse(form, error.message);
          })
          .then(function () {
            form.removeAttribute("aria-busy");
          });
      });
    }

    queue.addEventListener("click", function (event) {
      var link = event.target.closest(".queue-entry__reply");
      var entry = link && link.closest("[data-queue-entry]");
      if (!entry || !entry.querySelector("template[data-queue-reply-form]")) {
        return;
      }
      event.preventDefault();
      open(entry, link);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
