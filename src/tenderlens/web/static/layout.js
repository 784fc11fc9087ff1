// Phone layout: the facets fold behind a button (CSS shows the button below 760 px).
(function () {
  "use strict";
  var button = document.querySelector(".facets-toggle");
  var facets = document.getElementById("facets");
  if (!button || !facets) return;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    facets.classList.toggle("open", open);
  });
})();
