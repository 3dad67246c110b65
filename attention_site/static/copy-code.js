// A copy button on each highlighted code block (div.highlight pre): it copies the block's text.
// attention_site/copy_code.py adds this script, with the button's words in the page's language
// (data-copy, data-copied, data-failed), to the pages that hold code only.
"use strict";
(() => {
  const words = document.currentScript.dataset;

  function addButton(pre) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = words.copy;
    button.setAttribute("aria-live", "polite"); // "copied" is announced where it appears
    let reset;
    button.addEventListener("click", () => {
      const done = (text) => {
        button.textContent = text;
        clearTimeout(reset);
        reset = setTimeout(() => (button.textContent = words.copy), 2000);
      };
      navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(
        () => done(words.copied),
        () => done(words.failed), // no clipboard (a page opened as a file, a denied permission)
      );
    });
    pre.parentElement.append(button);
  }

  document.querySelectorAll("div.highlight pre").forEach(addButton);
})();
