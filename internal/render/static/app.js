// Progressive enhancement only: every form works without this file.
// The add-card form checks the number (Luhn), expiry and CVC before it is
// sent, and groups the digits as the customer types.
(function () {
  "use strict";
  function luhn(d) {
    var sum = 0, alt = false;
    for (var i = d.length - 1; i >= 0; i--) {
      var n = d.charCodeAt(i) - 48;
      if (alt) { n *= 2; if (n > 9) n -= 9; }
      sum += n; alt = !alt;
    }
    return d.length >= 12 && sum % 10 === 0;
  }
  function expiryOK(v) {
    var m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(v);
    if (!m) return false;
    var mon = +m[1], yr = +m[2];
    if (yr < 100) yr += 2000;
    if (mon < 1 || mon > 12) return false;
    var now = new Date();
    return yr > now.getFullYear() || (yr === now.getFullYear() && mon >= now.getMonth() + 1);
  }
  document.querySelectorAll("form[data-card-form]").forEach(function (f) {
    var num = f.querySelector("[name=number]"), exp = f.querySelector("[name=exp]"),
        cvc = f.querySelector("[name=cvc]"), err = f.querySelector("[data-card-error]");
    num.addEventListener("input", function () {
      var d = num.value.replace(/\D/g, "").slice(0, 19);
      num.value = d.replace(/(\d{4})(?=\d)/g, "$1 ");
    });
    f.addEventListener("submit", function (e) {
      var d = num.value.replace(/\D/g, "");
      var bad = [[num, luhn(d)], [exp, expiryOK(exp.value)], [cvc, /^\d{3,4}$/.test(cvc.value.trim())]];
      var first = null;
      bad.forEach(function (b) {
        b[0].setAttribute("aria-invalid", b[1] ? "false" : "true");
        if (!b[1] && !first) first = b[0];
      });
      if (first) {
        e.preventDefault();
        err.hidden = false;
        first.focus();
      }
    });
  });
})();
