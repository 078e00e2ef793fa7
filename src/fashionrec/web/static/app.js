// Small progressive enhancements: auto-submit filters, and the drag-and-drop photo search.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  var drop = document.getElementById("drop");
  if (!drop) return;
  var input = document.getElementById("file");
  var preview = document.getElementById("preview");
  var errorBox = document.getElementById("upload-error");
  var result = document.getElementById("upload-result");

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function card(rec) {
    var it = rec.item;
    return '<a class="card" href="/item/' + it.id + '" data-id="' + it.id + '">' +
      '<div class="thumb"><img src="' + esc(it.image_url) + '" alt="" loading="lazy" width="60" height="80"></div>' +
      '<div class="card-body"><div class="name">' + esc(it.productDisplayName || ("Item " + it.id)) + '</div>' +
      '<div class="meta">' + esc(it.articleType || "") + (it.baseColour ? " · " + esc(it.baseColour) : "") + '</div>' +
      '<div class="reason">' + esc(rec.reason) + '</div></div></a>';
  }
  function showError(msg) {
    errorBox.textContent = msg;
    errorBox.hidden = false;
    result.hidden = true;
  }
  function send(file) {
    if (!file) return;
    errorBox.hidden = true;
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    drop.classList.add("loading");
    var body = new FormData();
    body.append("file", file);
    fetch("/api/search/image?k=12", { method: "POST", body: body })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, json: j }; }); })
      .then(function (res) {
        if (!res.ok) { showError(res.json.detail || "The photo could not be used."); return; }
        var labels = { articleType: "Type", baseColour: "Colour", gender: "Gender", usage: "Usage",
          season: "Season", subCategory: "Group", masterCategory: "Category" };
        var order = ["articleType", "baseColour", "gender", "usage", "season", "subCategory", "masterCategory"];
        var chips = order.filter(function (h) { return res.json.predicted[h]; }).map(function (h) {
          var top = res.json.predicted[h][0];
          return '<span class="chip" data-head="' + h + '">' + esc(labels[h] || h) + ': <b>' + esc(top.label) +
            '</b> <span>' + Math.round(top.prob * 100) + '%</span></span>';
        });
        document.getElementById("predicted").innerHTML = chips.join("");
        document.getElementById("upload-similar").innerHTML = res.json.results.map(card).join("");
        result.hidden = false;
      })
      .catch(function (e) { showError("Upload failed: " + e); })
      .finally(function () { drop.classList.remove("loading"); });
  }
  input.addEventListener("change", function () { send(input.files[0]); });
  ["dragenter", "dragover"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) send(e.dataTransfer.files[0]);
  });
})();
