// Chapter lists seek their video instead of opening the file; the playing chapter is marked.
"use strict";
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.seek");
  if (!link) return;
  const video = document.getElementById(link.dataset.target);
  if (!video) return; // no inline video (fast build): follow the media-fragment link
  event.preventDefault();
  video.currentTime = Number(link.dataset.seek);
  video.play().catch(() => {}); // autoplay rules may refuse; the reader presses play
});

for (const list of document.querySelectorAll("ol.chapter-list")) {
  const links = [...list.querySelectorAll("a.seek")];
  const video = links.length ? document.getElementById(links[0].dataset.target) : null;
  if (!video) continue;
  video.addEventListener("timeupdate", () => {
    let current = links[0];
    for (const link of links) if (Number(link.dataset.seek) <= video.currentTime + 0.05) current = link;
    for (const link of links) {
      // "time": the current point of a timeline. An empty aria-current reads as false to assistive technology.
      if (link === current) link.setAttribute("aria-current", "time");
      else link.removeAttribute("aria-current");
    }
  });
}
