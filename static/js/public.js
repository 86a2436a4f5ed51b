// The client's proposal page: the print button (no inline handlers: the CSP forbids them), and
// tables that scroll sideways on a phone made reachable by keyboard.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

function focusableScrollers() {
  document.querySelectorAll(".proposal-doc .doc-table").forEach((box) => {
    if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  });
}
document.addEventListener("DOMContentLoaded", focusableScrollers);
window.addEventListener("resize", focusableScrollers);
