/* wbagentur — progressive enhancements. No inline scripts (CSP script-src 'self'). */
(function () {
  "use strict";

  // Move focus to the error summary so keyboard and screen-reader users hear it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });

  // Session timeout warning (WCAG 2.2.1): warn before the server's idle timeout and
  // let the user extend the session without losing what they typed.
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var url = body.getAttribute("data-session-url");
    if (!url) { return; }
    var timeout = parseInt(body.getAttribute("data-session-timeout"), 10) * 1000;
    var lead = parseInt(body.getAttribute("data-session-warn"), 10) * 1000;
    var box = document.getElementById("session-warning");
    var remaining = box.querySelector("[data-session-remaining]");
    var button = box.querySelector("[data-session-extend]");
    var token = body.getAttribute("data-csrf");
    var deadline, warnTimer, tick;

    function schedule() {
      deadline = Date.now() + timeout;
      clearTimeout(warnTimer);
      clearInterval(tick);
      box.hidden = true;
      warnTimer = setTimeout(showWarning, Math.max(0, timeout - lead));
    }
    function showWarning() {
      box.hidden = false;
      update();
      tick = setInterval(update, 1000);
      button.focus();
    }
    function update() {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var lang = document.documentElement.lang;
      remaining.textContent = lang === "en"
        ? "About " + seconds + " seconds left."
        : "Noch etwa " + seconds + " Sekunden.";
      if (seconds <= 0) {
        clearInterval(tick);
        window.location.href = body.getAttribute("data-login-url");
      }
    }
    button.addEventListener("click", function () {
      fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        credentials: "same-origin"
      }).then(function (response) {
        if (response.ok) { schedule(); }
        else { window.location.href = body.getAttribute("data-login-url"); }
      });
    });
    schedule();
  });
})();
