// Draws a line's network with Cytoscape.js when it is served; the page's tables say the same
// without JavaScript. The data comes from a JSON script element (no inline script: CSP).
(function () {
  "use strict";
  function draw() {
    var container = document.getElementById("line-network");
    if (!container || typeof window.cytoscape !== "function") { return; }
    var data = document.getElementById(container.getAttribute("data-elements-id"));
    if (!data) { return; }
    var elements = JSON.parse(data.textContent);
    container.classList.add("crossline-network--drawn");
    window.cytoscape({
      container: container,
      elements: elements.nodes.concat(elements.edges),
      layout: { name: "cose", animate: false },
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 10, "background-color": "#505a5f" } },
        { selector: "node[kind = 'line']", style: { "background-color": "#d4351c", "width": 30, "height": 30 } },
        { selector: "node[kind = 'person']", style: { "background-color": "#1d70b8" } },
        { selector: "node[kind = 'location']", style: { "background-color": "#00703c", "shape": "square" } },
        { selector: "node[kind = 'vehicle']", style: { "background-color": "#f47738", "shape": "diamond" } },
        { selector: "edge", style: { "width": 1, "line-color": "#b1b4b6" } }
      ]
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
