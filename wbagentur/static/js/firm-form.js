/* Firm form: suggest the district from the postcode (progressive enhancement; the
   form works without it, and the district select stays the field of record). */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-firm-form]");
    if (!form) { return; }
    var postcode = form.querySelector("[data-postcode]");
    var district = form.querySelector("select[name='district_key']");
    var announce = form.querySelector("[data-district-announce]");
    var url = form.getAttribute("data-suggest-url");
    var template = form.getAttribute("data-suggest-message") || "{name}";
    if (!postcode || !district || !url) { return; }
    var lastAsked = null;

    function suggest() {
      var value = postcode.value.trim();
      if (!/^\d{5}$/.test(value) || value === lastAsked) { return; }
      lastAsked = value;
      fetch(url + "?plz=" + encodeURIComponent(value), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : {};
      }).then(function (data) {
        if (!data || !data.district_key) { return; }
        var option = district.querySelector("option[value='" + data.district_key + "']");
        if (!option) { return; }
        district.value = data.district_key;
        if (announce) { announce.textContent = template.replace("{name}", data.district_name); }
      }).catch(function () { /* no suggestion; the user picks the district */ });
    }

    postcode.addEventListener("change", suggest);
    postcode.addEventListener("input", suggest);
  });
})();
