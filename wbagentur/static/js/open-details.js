/* A link to a collapsed form (<details id="…">) opens it and puts the keyboard focus in
   its first field: "Notiz", "Wiedervorlage", "Abschließen" on the case page and "Einwilligung
   erfassen" in the referral form are one click away. Also on arrival with such a fragment. */
(function () {
  "use strict";

  function openTarget(id) {
    var target = id ? document.getElementById(id) : null;
    if (!target || target.tagName !== "DETAILS") { return false; }
    target.open = true;
    var field = target.querySelector("input:not([type=hidden]), select, textarea, button");
    if (field) { field.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) { return; }
    if (openTarget(decodeURIComponent(link.getAttribute("href").slice(1)))) {
      history.replaceState(null, "", link.getAttribute("href"));
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (window.location.hash.length > 1) {
      openTarget(decodeURIComponent(window.location.hash.slice(1)));
    }
  });
})();
