// Drag a card onto another column of the pipeline board: the card's own move form (which works
// without JavaScript) is filled in and submitted, so htmx swaps the board with the answer.
(() => {
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest?.("[data-card]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.accountId);
  });
  document.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    document.querySelectorAll(".drop-over").forEach((el) => el.classList.remove("drop-over"));
    dragged = null;
  });
  document.addEventListener("dragover", (event) => {
    const column = event.target.closest?.("[data-drop-stage]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("drop-over");
  });
  document.addEventListener("dragleave", (event) => {
    const column = event.target.closest?.("[data-drop-stage]");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-over");
  });
  document.addEventListener("drop", (event) => {
    const column = event.target.closest?.("[data-drop-stage]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("drop-over");
    const stage = column.dataset.dropStage;
    if (dragged.dataset.stage === stage) return;
    const form = dragged.querySelector("form.move-form");
    form.querySelector("select[name=to]").value = stage;
    form.requestSubmit();
  });
})();
