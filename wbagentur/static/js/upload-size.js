// A file larger than the server accepts is refused before it is sent (issue #15): the
// error appears at the file field, like the server's own answer, and the typed form stays.
(function () {
  "use strict";
  document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    var message = form.getAttribute("data-too-large");
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files || !input.files.length || input.files[0].size <= max) {
        return;
      }
      event.preventDefault();
      var id = input.id + "-error";
      var error = document.getElementById(id);
      if (!error) {
        error = document.createElement("div");
        error.id = id;
        error.className = "invalid-feedback d-block";
        error.setAttribute("role", "alert");
        input.parentNode.appendChild(error);
      }
      error.textContent = message;
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(id) < 0) {
        described.push(id);
        input.setAttribute("aria-describedby", described.join(" "));
      }
      input.focus();
    });
  });
})();
