// Document view: clicking a fact scrolls to its page and marks its quote in the
// text (and on the page image where OCR word boxes exist). Offsets from the
// server count Unicode code points; the DOM counts UTF-16 units, so convert.
(function () {
  "use strict";
  var boxes = JSON.parse(document.getElementById("word-boxes").textContent);
  var clickedAt = 0;

  // The DOM position of a code-point offset into the text of `container` (which may hold query marks).
  function position(container, offset) {
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT), node, last = null, left = offset;
    while ((node = walker.nextNode())) {
      last = node;
      var points = Array.from(node.data);
      if (left <= points.length) return [node, points.slice(0, left).join("").length];
      left -= points.length;
    }
    return last ? [last, last.data.length] : [container, 0];
  }

  function clearMarks() {
    document.querySelectorAll("mark.fact-hl").forEach(function (m) {
      var parent = m.parentNode;
      while (m.firstChild) parent.insertBefore(m.firstChild, m);
      parent.removeChild(m);
      parent.normalize();
    });
    document.querySelectorAll(".word-box").forEach(function (b) { b.remove(); });
    document.querySelectorAll("button.fact.active").forEach(function (b) { b.classList.remove("active"); });
  }

  function markText(pageEl, start, end) {
    var textEl = pageEl.querySelector(".page-text");
    if (!textEl.firstChild) return null;
    var range = document.createRange(), a = position(textEl, start), b = position(textEl, end);
    range.setStart(a[0], a[1]);
    range.setEnd(b[0], b[1]);
    var mark = document.createElement("mark");
    mark.className = "fact-hl";
    mark.appendChild(range.extractContents());  // works across query marks, unlike surroundContents
    range.insertNode(mark);
    return mark;
  }

  function markImage(pageEl, n, start, end) {
    var fig = pageEl.querySelector(".page-image");
    var words = boxes[String(n)] || [];
    if (!fig) return;
    words.forEach(function (w) {
      // [start, end, x0, y0, x1, y1]: span in the page text, box as fractions of the image
      if (w[1] <= start || w[0] >= end) return;
      var b = document.createElement("div");
      b.className = "word-box";
      b.style.left = (w[2] * 100) + "%";
      b.style.top = (w[3] * 100) + "%";
      b.style.width = ((w[4] - w[2]) * 100) + "%";
      b.style.height = ((w[5] - w[3]) * 100) + "%";
      fig.appendChild(b);
    });
  }

  document.querySelectorAll("button.fact").forEach(function (btn) {
    btn.addEventListener("click", function () {
      clickedAt = Date.now();
      clearMarks();
      var n = btn.dataset.page, start = +btn.dataset.start, end = +btn.dataset.end;
      var pageEl = document.getElementById("page-" + n);
      if (!pageEl) return;
      btn.classList.add("active");
      var mark = markText(pageEl, start, end);
      markImage(pageEl, n, start, end);
      history.replaceState(null, "", "#page-" + n);
      (mark || pageEl).scrollIntoView({ block: "center" });
    });
  });

  // An image the server withholds (personal identifiers it cannot mask there) leaves the text alone.
  document.querySelectorAll(".page-image img").forEach(function (img) {
    img.addEventListener("error", function () {
      var note = document.createElement("p");
      note.className = "muted";
      note.textContent = document.getElementById("pages").dataset.noImage;
      img.replaceWith(note);
    });
  });

  // Page images arrive after the text is laid out and push it down: keep a quote just clicked in view.
  document.querySelectorAll(".page-image img").forEach(function (img) {
    img.addEventListener("load", function () {
      var mark = document.querySelector("mark.fact-hl");
      if (mark && Date.now() - clickedAt < 3000) mark.scrollIntoView({ block: "center" });
    });
  });

  // Next and previous hit of the query within the document, across all its pages.
  var hits = Array.prototype.slice.call(document.querySelectorAll(".page-text mark.q"));
  var counter = document.getElementById("hit-position");
  var current = -1;
  function goTo(i) {
    if (!hits.length) return;
    if (current >= 0) hits[current].classList.remove("current");
    current = (i + hits.length) % hits.length;
    hits[current].classList.add("current");
    hits[current].scrollIntoView({ block: "center" });
    counter.textContent = counter.dataset.template.replace("{i}", current + 1).replace("{n}", hits.length);
  }
  var next = document.getElementById("next-hit"), prev = document.getElementById("prev-hit");
  if (next) next.addEventListener("click", function () { goTo(current + 1); });
  if (prev) prev.addEventListener("click", function () { goTo(current - 1); });
})();
