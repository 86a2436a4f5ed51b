// The top bar's search box as an ARIA combobox: htmx fills #search-popup with the grouped
// results (role=listbox, options are links); arrow keys move the active option, Enter opens
// it (or, with none active, submits the form to the full results page), Escape closes.
(function () {
  "use strict";

  function parts() {
    var input = document.getElementById("global-search");
    var popup = document.getElementById("search-popup");
    return input && popup ? { input: input, popup: popup } : null;
  }

  function options(popup) {
    return Array.prototype.slice.call(popup.querySelectorAll("[role=option]"));
  }

  function setActive(p, index) {
    var opts = options(p.popup);
    opts.forEach(function (opt, i) {
      opt.setAttribute("aria-selected", i === index ? "true" : "false");
      opt.classList.toggle("active", i === index);
    });
    if (index >= 0 && opts[index]) {
      p.input.setAttribute("aria-activedescendant", opts[index].id);
      opts[index].scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function activeIndex(p) {
    return options(p.popup).findIndex(function (opt) {
      return opt.getAttribute("aria-selected") === "true";
    });
  }

  function close(p) {
    p.popup.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  document.addEventListener("keydown", function (event) {
    var p = parts();
    if (!p || event.target !== p.input) return;
    var opts = options(p.popup);
    var current = activeIndex(p);
    if (event.key === "ArrowDown" && opts.length) {
      event.preventDefault();
      setActive(p, (current + 1) % opts.length);
    } else if (event.key === "ArrowUp" && opts.length) {
      event.preventDefault();
      setActive(p, current <= 0 ? opts.length - 1 : current - 1);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      window.location.assign(opts[current].href);
    } else if (event.key === "Escape") {
      close(p);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var p = parts();
    if (!p || event.target !== p.popup) return;
    var has = options(p.popup).length > 0 || p.popup.textContent.trim() !== "";
    p.input.setAttribute("aria-expanded", has ? "true" : "false");
  });

  document.addEventListener("click", function (event) {
    var p = parts();
    if (p && !p.input.form.contains(event.target)) close(p);
  });
})();
