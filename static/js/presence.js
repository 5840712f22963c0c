// Who else has this article's editor open: the notice the page was rendered
// with, asked again every few seconds while the page is open. Asking also
// tells the server this page is still open. Without this script the notice
// is as it was when the page loaded. The admin loads scripts in the head,
// before the page this one looks for.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var notice = document.querySelector(".presence-notice[data-presence-url]");
  if (!notice) {
    return;
  }
  var field = document.querySelector("input[name=csrfmiddlewaretoken]");

  function show(lines) {
    notice.replaceChildren.apply(
      notice,
      lines.map(function (line) {
        var paragraph = document.createElement("p");
        paragraph.textContent = line;
        return paragraph;
      })
    );
    notice.classList.toggle("presence-notice--empty", lines.length === 0);
  }

  function ask() {
    fetch(notice.dataset.presenceUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": field ? field.value : "" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("presence " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        show(answer.others);
      })
      // The notice keeps what it last said; the next poll tries again.
      .catch(function () {});
  }

  setInterval(ask, Number(notice.dataset.pollSeconds) * 1000);
});
