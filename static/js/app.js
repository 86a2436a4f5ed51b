// Small behaviours a browser cannot do with HTML alone. Everything works without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // Keep the selected tab in step with the panel an htmx swap just filled.
  const panel = event.detail.target;
  if (panel && panel.id === "account-tab") {
    const key = panel.querySelector("[data-tab-key]")?.dataset.tabKey;
    document.querySelectorAll(".tabs [data-tab]").forEach((tab) => {
      tab.setAttribute("aria-selected", tab.dataset.tab === key ? "true" : "false");
    });
  }
});
// Validation answers (422), conflicts (409) and refusals carry a fragment meant to be shown in place.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 422 || status === 409 || status === 403 || status === 404 || status === 429) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// After an in-row decision the row shows its outcome; focus moves to the next waiting row (or
// stays on the outcome when none is left), never to the top of the page.
document.addEventListener("htmx:afterSettle", () => {
  const decided = document.querySelector("tr[data-just-decided]");
  if (!decided) return;
  decided.removeAttribute("data-just-decided");
  let next = decided.nextElementSibling;
  while (next && !next.matches("tr[data-waiting]")) next = next.nextElementSibling;
  const target = next ? next.querySelector("a") : decided.querySelector("[tabindex]");
  if (target) target.focus();
});
