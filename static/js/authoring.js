// Authoring pages, only improved by this script (everything works without it):
// a live lesson preview, rendered by the server with the sanitiser learners get, and a
// confirmation before a delete button is pressed.
"use strict";

(function () {
  const area = document.querySelector("textarea[data-preview]");
  if (area && area.dataset.previewUrl) {
    const target = document.getElementById(area.dataset.preview);
    const section = target && target.closest("section");
    const token = area.form.querySelector("input[name=csrf_token]");
    let timer = null;
    area.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(async function () {
        const body = new URLSearchParams({ csrf_token: token.value, body: area.value });
        try {
          const response = await fetch(area.dataset.previewUrl, {
            method: "POST",
            body: body,
            credentials: "same-origin",
          });
          if (!response.ok) return;
          // The server's HTML has been through the same allow-list as a lesson page.
          target.innerHTML = await response.text();
          if (section) section.hidden = false;
        } catch (error) {
          // Offline or signed out: the Preview button still works.
        }
      }, 400);
    });
  }

  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
})();
