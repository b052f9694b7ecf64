() => {
  // A card's buttons name their action by a class "b-n-<index>" (Gradio's sanitiser drops data-* attributes):
  // the index goes to a hidden textbox and a hidden button sends it, so the server looks the action up.
  document.addEventListener("click", (ev) => {
    const button = ev.target.closest("button.b-act");
    if (!button) { return; }
    const match = Array.from(button.classList).map((c) => /^b-n-(\d+)$/.exec(c)).find(Boolean);
    const box = document.querySelector("#b-action textarea, #b-action input");
    const send = document.querySelector("#b-action-send");
    if (!match || !box || !send) { return; }
    box.value = match[1];
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => send.click(), 30);
  });
  // Inside a shop's iframe: tell embed.js how tall the widget is, so the frame fits it (no inner scrollbar).
  if (window.parent !== window) {
    let last = 0;
    const report = () => {
      // the blocks' own column: the containers around it stretch to the frame, so measuring them would only grow
      const root = document.querySelector("main.contain > *") || document.body;
      const height = Math.ceil(root.getBoundingClientRect().bottom + window.scrollY + 16);
      if (Math.abs(height - last) > 2) {
        last = height;
        window.parent.postMessage({ because: "resize", height: height }, "*");
      }
    };
    new ResizeObserver(report).observe(document.body);
    setInterval(report, 1000);
  }
}
