/* The report's print button (no inline scripts: the page's policy forbids them). */
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
