/* wbagentur — progressive enhancements. No inline scripts (CSP script-src 'self'). */
(function () {
  "use strict";

  function focusable(element) {
    return element && document.contains(element) && !element.closest("[hidden]") &&
      element !== document.body;
  }

  function fragmentTarget() {
    if (window.location.hash.length < 2) { return null; }
    try {
      return document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    } catch (e) {
      return null;
    }
  }

  // After a page load keyboard and screen-reader users start at what the page has to say,
  // not at <body>: the error summary of a form that was sent back; else the part of the
  // page a save redirected to (/faelle/1#verlauf: the timeline with the new entry; made
  // focusable, because Chromium drops the focus when it scrolls to an unfocusable
  // fragment); else the message of what was just done ("Die Notiz wurde gespeichert.").
  document.addEventListener("DOMContentLoaded", function () {
    var fragment = fragmentTarget();
    if (fragment && !fragment.hasAttribute("tabindex")) {
      fragment.setAttribute("tabindex", "-1");
    }
    var target = document.querySelector("[data-error-summary]") || fragment ||
      document.querySelector("[data-flash]");
    if (target) { target.focus({ preventScroll: target !== fragment }); }
  });

  // Session timeout warning (WCAG 2.2.1): warn before the server's idle timeout and
  // let the user extend the session without losing what they typed. Runs on every
  // signed-in page (the box is in base.html); without the box there is nothing to do.
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var url = body.getAttribute("data-session-url");
    var box = document.getElementById("session-warning");
    if (!url || !box) { return; }
    var timeout = parseInt(body.getAttribute("data-session-timeout"), 10) * 1000;
    var lead = parseInt(body.getAttribute("data-session-warn"), 10) * 1000;
    var remaining = box.querySelector("[data-session-remaining]");
    var button = box.querySelector("[data-session-extend]");
    var token = body.getAttribute("data-csrf");
    var deadline, warnTimer, tick, previous;

    function schedule() {
      deadline = Date.now() + timeout;
      clearTimeout(warnTimer);
      clearInterval(tick);
      box.hidden = true;
      warnTimer = setTimeout(showWarning, Math.max(0, timeout - lead));
    }
    function showWarning() {
      previous = document.activeElement;
      box.hidden = false;
      update();
      tick = setInterval(update, 1000);
      button.focus();
    }
    function restoreFocus() {
      // Back where the user was; else to the main content, never to <body>.
      var target = focusable(previous) ? previous : document.getElementById("inhalt");
      if (target) { target.focus(); }
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
        if (response.ok) {
          schedule();
          restoreFocus();
        } else { window.location.href = body.getAttribute("data-login-url"); }
      });
    });
    schedule();
  });
})();
