// Small progressive enhancements: auto-submit filters, saved products and "For you", and the drag-and-drop
// photo search.
(function () {
  "use strict";
  // {ok, json} of an API call: the API answers JSON for errors too ({"detail": "..."}).
  // A failure a shopper can do nothing about but try again says so, in words: the browser's and the parser's own
  // ("TypeError: Failed to fetch", "Unexpected token 'I', "Internal S"... is not valid JSON") were shown, with
  // advice to clear the saved products (a shopper trial with the network off and a server error).
  var UNREACHABLE = "The shop could not be reached. Check your connection and try again";
  var SERVER_TROUBLE = "The shop could not answer just now. Try again in a moment";
  // The path the server is reached under behind a reverse proxy ("/recs"; "" at the site's root), which the
  // page says (base.html): every address asked for or linked to here starts with it.
  var ROOT = document.documentElement.getAttribute("data-root") || "";
  // Sold-out products shown, as this page's address says (include_sold_out=true, stop 68): the lists asked of the
  // API show them too, and the links to products keep it.
  var SOLD_OUT = /[?&]include_sold_out=true(&|$)/.test(location.search);
  function kept(url) {
    return SOLD_OUT ? url + (url.indexOf("?") < 0 ? "?" : "&") + "include_sold_out=true" : url;
  }
  function fetchJson(url, options) {
    return fetch(url, options).then(function (r) {
      return r.json().then(function (j) {
        return { ok: r.ok, json: j, retry: r.status >= 500 };
      }, function () {
        // A proxy's page, not the API's: worth trying again after a server error only (a 413 for a large photo
        // offered Try again, which could never work: a code review).
        if (r.status >= 500) return { ok: false, json: { detail: SERVER_TROUBLE }, retry: true };
        return { ok: false, retry: false, json: { detail: r.status === 413 ?
          "This photo is larger than the shop accepts: choose a smaller one" :
          "The shop could not take this request (HTTP " + r.status + ")" } };
      });
    }, function (e) {
      if (e && e.name === "AbortError") throw e;
      var lost = new Error(UNREACHABLE);
      lost.retry = true;
      throw lost;
    });
  }
  // What went wrong with a request, for the page: a 5xx's detail is the operator's, not a shopper's.
  function trouble(res, fallback) {
    var said = res.json && typeof res.json.detail === "string" ? res.json.detail : fallback;     // not a 422's list
    var e = new Error(res.retry ? SERVER_TROUBLE : said);
    e.retry = res.retry;
    return e;
  }
  // Empty fields stay out of the address (/?gender=Men, not /?q=&gender=Men&masterCategory=&...), but for
  // "searched", which says a search was typed here under filters chosen for no words (the server keeps the
  // filters of an address without it: left out, Colour: Black stayed under a "red dress" typed on
  // /?baseColour=Black, a shopper's re-trial).
  // "searched" goes only with a filter chosen, the one thing the server reads it for; "closest" only with the
  // words it was asked for: typed over, "/?q=red+kurta&searched=gift+for+my+dad" and "/?searched=watch" (an
  // emptied box) carried the last search into an address a shopper may share (a shopper's trial, stop 64).
  function submitClean(form) {
    var q = form.querySelector("input[name=q]");
    var filtered = Array.prototype.some.call(form.querySelectorAll("select[name]"), function (s) { return s.value; });
    form.querySelectorAll("input[name], select[name]").forEach(function (el) {
      // Blank counts as empty: spaces alone sent "/?q=+++", the whole catalogue under an address of a search (a
      // shopper's trial, stop 66).
      if (el.name === "searched" ? !filtered : el.name === "closest" ? !q || el.value !== q.value.trim() : !el.value.trim())
        el.disabled = true;
    });
    showSearching(true);
    form.submit();
  }
  // A search or filter under way, shown on the page: on a slow connection the last results stood as they were for
  // seconds after Enter, as if it had not been taken (a shopper's trial on a throttled network, stop 66). Put back
  // on pageshow, for a page Back brings back as it was left.
  function showSearching(on) {
    var grid = document.getElementById("grid"), count = document.getElementById("count");
    if (grid) grid.classList.toggle("loading", on);
    if (!count) return;
    if (on && !count.hasAttribute("data-said")) {
      count.setAttribute("data-said", count.textContent);
      count.textContent = "Searching…";
    } else if (!on && count.hasAttribute("data-said")) {
      count.textContent = count.getAttribute("data-said");
      count.removeAttribute("data-said");
    }
  }
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function (e) { e.preventDefault(); submitClean(form); });
  });
  // Back may restore the page as it was left (fields switched off for a clean address, a value chosen
  // but not yet shown): put every field back to what this page was served with.
  window.addEventListener("pageshow", function () {
    showSearching(false);
    document.querySelectorAll("form.filters input[name]").forEach(function (el) {
      el.disabled = false;
      el.value = el.defaultValue;
    });
    document.querySelectorAll("form.filters select[name]").forEach(function (sel) {
      sel.disabled = false;
      var served = Array.prototype.find.call(sel.options, function (o) { return o.defaultSelected; });
      sel.value = served ? served.value : "";
      sel.dispatchEvent(new Event("fashionrec:reset"));
    });
  });
  // A pointer choice applies at once; with the keyboard, arrow keys only move through the options and
  // Enter (or Search) applies the value shown, so a keyboard user reaches every value without a page load
  // per step. Leaving the list applied it too, which took a Tab meant to move on for a choice (an
  // accessibility audit): a value left so is marked as not applied yet.
  document.documentElement.classList.add("js");
  // A product page opened from catalogue or photo results links back to them (words, filters and page).
  // The results are remembered for the tab, so the link stays on the product pages reached from there
  // through similar items or a look (a shopper trial: it was gone one click later, two Backs away).
  var back = document.getElementById("back");
  var RESULTS = "fashionrec-results";
  if (back && document.referrer) {
    try {
      var from = new URL(document.referrer);
      var results = null, direct = false;
      // The photo search page too: it shows its last results again from the session.
      // The page's path within the app (null: not this app's), as the server's routes read it.
      var fromPath = from.pathname === ROOT ? "/" : from.pathname.indexOf(ROOT + "/") === 0 ?
        from.pathname.slice(ROOT.length) : null;
      // "For you" too: a product opened there had no link back, and one reached from it through similar items
      // linked "Back to results" to a search made before it (a shopper's trial, stop 74).
      if (from.origin === location.origin && (fromPath === "/" || fromPath === "/upload" || fromPath === "/for-you")) {
        // "#results": the photo search page shows its last results again when asked so (below).
        results = fromPath === "/upload" ? ROOT + "/upload#results" : from.pathname + from.search;
        sessionStorage.setItem(RESULTS, results);
        direct = true;
      } else if (from.origin === location.origin && fromPath && fromPath.indexOf("/item/") === 0) {
        results = sessionStorage.getItem(RESULTS);
        // Opened from that product's look (its card clicked there, kept below): back to that product, whose own
        // link still leads to the results. It skipped the product whose look it was (stop 68's shopper trial).
        var opened = (sessionStorage.getItem("fashionrec-opened:" + from.pathname + from.search) || "").split(" ");
        if (opened[0] === "outfit" && opened[1] === location.pathname.split("/").pop()) {
          results = from.pathname + from.search + "#outfit";
          direct = true;
          back.querySelector("a").textContent = "\u2190 Back to the look";
        }
      }
      if (results) {
        var link = back.querySelector("a");
        var toForYou = new URL(results, location.href).pathname === ROOT + "/for-you";
        if (toForYou) link.textContent = "\u2190 Back to For you";
        // "#results": the page puts its list back where it was left (below), two products on too. (Not "For
        // you": its picks are put together by this script, and it opens at them.)
        link.href = results.indexOf("#") < 0 && !toForYou ? results + "#results" : results;
        back.hidden = false;
        // Straight from the results, the link is the browser's Back, which keeps the place in the list: it
        // opened the results anew at the top, and Back then led to this page again (a phone shopper's trial).
        if (direct && history.length > 1) {
          link.addEventListener("click", function (e) {
            if (e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;   // a new tab: the address
            e.preventDefault();
            history.back();
          });
        }
      }
    } catch (e) { /* an unreadable referrer or no storage: no link */ }
  }
  // Each list's place, kept as it is left, for "Back to results" from a product reached through another
  // (it opened the list at the top, a phone shopper's re-trial; straight from the list it is Back itself).
  var placeKey = "fashionrec-place:" + location.pathname + location.search;
  function keepPlace() {
    window.addEventListener("pagehide", function () {
      try { sessionStorage.setItem(placeKey, String(window.scrollY)); } catch (e) { /* not kept */ }
    });
  }
  function backInPlace() {
    if (location.hash !== "#results") return;
    try {
      var kept = sessionStorage.getItem(placeKey);
      var y = Number(kept);
      if (kept !== null && y >= 0) {
        window.scrollTo(0, y);
        // Again once laid out in full: the last rows of a list may not be there yet.
        window.addEventListener("load", function () { window.scrollTo(0, y); });
      } else {
        // Opened in a new tab, without the place it was left at: at the results' heading (the address
        // loses "#results" below before the browser would scroll to it, a shopper's re-trial).
        var heading = document.getElementById("results");
        if (heading) heading.scrollIntoView();
      }
    } catch (e) { /* from the top */ }
    history.replaceState(history.state, "", location.pathname + location.search);
  }
  if (document.getElementById("grid")) { keepPlace(); backInPlace(); }
  // On a phone the filters fold behind a button (the CSS shows it there only): the search box and the
  // first products fit the first screen. Open when the page came from a filter choice.
  var filterForm = document.getElementById("filters");
  var toggle = filterForm && filterForm.querySelector(".filter-toggle");
  var refocus = null, reopen = null;
  try {
    refocus = sessionStorage.getItem("fashionrec-filter-focus");
    reopen = sessionStorage.getItem("fashionrec-filters-open");
    sessionStorage.removeItem("fashionrec-filter-focus");
    sessionStorage.removeItem("fashionrec-filters-open");
  } catch (e) { /* storage off: focus starts at the top and the filters fold, as without this */ }
  // How this page was reached: Back or Forward ("back_forward"), a link, a reload.
  var navigation = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  // The product a shopper opened from a list, its card focused again on coming Back: the place on the screen
  // came back, but the keyboard's went to the top of the page (a shopper's trial); on a product page too, whose
  // lists hold one product more than once (its similar items, other colours and look: kept by list).
  var openedKey = "fashionrec-opened:" + location.pathname + location.search;
  document.addEventListener("click", function (e) {
    var opened = e.target.closest && e.target.closest(".grid[id] a.card");
    if (!opened) return;
    var place = opened.closest(".grid").id + " " + opened.getAttribute("data-id");
    try { sessionStorage.setItem(openedKey, place); } catch (err) { /* not kept */ }
  });
  try {
    var was = navigation && navigation.type === "back_forward" && (sessionStorage.getItem(openedKey) || "").split(" ");
    var listEl = was && was.length === 2 && document.getElementById(was[0]);
    var openedCard = listEl && listEl.querySelector('a.card[data-id="' + was[1] + '"]');
    if (openedCard) openedCard.focus({ preventScroll: true });
  } catch (e) { /* focus starts at the top, as without this */ }
  // Each page's last state, so that Back to a page whose filters were open opens them (they folded).
  var foldKey = "fashionrec-folded:" + location.pathname + location.search;
  function fold(folded) {
    filterForm.classList.toggle("folded", folded);
    toggle.setAttribute("aria-expanded", String(!folded));
    try { sessionStorage.setItem(foldKey, folded ? "1" : "0"); } catch (e) { /* not kept */ }
  }
  if (toggle) {
    var was = null;
    try {
      if (navigation && navigation.type === "back_forward") was = sessionStorage.getItem(foldKey);
    } catch (e) { /* none */ }
    // Open again after a filter choice (the next one is often a second filter), folded on a new search.
    fold(was !== null ? was === "1" : !(refocus || reopen));
    toggle.addEventListener("click", function () { fold(!filterForm.classList.contains("folded")); });
  }
  // A keyboard user who chose a value carries on from that filter after the page loads, not from the top.
  var again = refocus && filterForm && filterForm.querySelector('select[name="' + refocus + '"]');
  if (again) again.focus();
  // A value stepped to with the arrow keys (or a letter) on the closed list changes at once, its change event
  // coming while that key is handled; one chosen in the opened list (Enter, Space, a click) or with the mouse
  // comes on its own. The first is not applied yet; the second is a choice.
  function stepper(sel) {
    var stepping = false;
    sel.addEventListener("keydown", function (e) {
      if (e.key === "Enter") return;
      stepping = true;
      setTimeout(function () { stepping = false; }, 0);
    });
    return function () { return stepping; };
  }
  // The "On sale" box (stop 77) applies on ticking it, as a filter's list does on choosing.
  document.querySelectorAll("input[type=checkbox][data-autosubmit]").forEach(function (box) {
    box.addEventListener("change", function () {
      try { sessionStorage.setItem("fashionrec-filters-open", "1"); } catch (e) { /* storage off */ }
      submitClean(box.form);
    });
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    var byKey = false, applied = sel.value, stepped = stepper(sel), name = sel.getAttribute("aria-label");
    Array.prototype.forEach.call(sel.options, function (o) { o.setAttribute("data-text", o.text); });
    // A value not applied yet shows the filter's name with it ("Apparel (96)" alone lost it, an audit) and
    // says what applies it.
    function showPending() {
      var pending = sel.value !== applied;
      sel.classList.toggle("pending", pending);
      Array.prototype.forEach.call(sel.options, function (o) { o.text = o.getAttribute("data-text"); });
      var shown = sel.options[sel.selectedIndex];
      if (pending && shown && shown.text.indexOf(name + ":") !== 0) shown.text = name + ": " + shown.text;
      sel.setAttribute("aria-describedby", pending ? "filter-pending" : "filter-help");
    }
    function apply() {
      showPending();        // nothing pending once a value is chosen, the applied one included
      if (sel.value !== applied) {
        applied = sel.value;
        try {
          sessionStorage.setItem("fashionrec-filters-open", "1");
          if (byKey) sessionStorage.setItem("fashionrec-filter-focus", sel.name);
        } catch (e) { /* storage off */ }
        submitClean(sel.form);
      }
    }
    sel.addEventListener("keydown", function (e) {
      byKey = true;
      if (e.key === "Enter") { e.preventDefault(); applied = null; apply(); }
    });
    sel.addEventListener("pointerdown", function () { byKey = false; });
    sel.addEventListener("change", function () {
      if (stepped()) showPending();
      else apply();
    });
    sel.addEventListener("fashionrec:reset", function () {
      applied = sel.value;
      byKey = false;
      showPending();
    });
  });

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // Results saved before display_name existed (sessionStorage) still have a name.
  function cardName(it) { return it.display_name || it.productDisplayName || ("Item " + it.id); }
  var SEP = '<span class="visually-hidden">, </span>';
  // "1,299" or "499.50", as the server's cards write a price (vocabulary.price_said); in the shop's currency where
  // it has one: "₹1,299", a longer code and a space ("Rs. 1,299").
  function priceSaid(p, currency) {
    // To the cent first, as the server (Python's round): 1299.999 was "1,300.00" here, "1,300" there. A half cent
    // exactly (an amount in eighths, 12.125) to the even cent, as round does; toFixed takes it up.
    var halfCent = Number.isInteger(p * 8) && Math.abs((p * 100) % 1) === 0.5;
    p = halfCent ? 2 * Math.round(p * 50) / 100 : Number(p.toFixed(2));
    var whole = p === Math.floor(p);
    var n = p.toLocaleString("en-US", {minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: whole ? 0 : 2});
    return !currency ? n : currency.length === 1 ? currency + n : currency + " " + n;
  }
  // A product on sale (stop 76): its regular price struck through and the share off, as the page's own cards
  // (_macros.html's sale; the share rounded as regular_prices.percent_off, at least 1).
  function saleSaid(it) {
    if (it.on_sale !== true || typeof it.regular_price !== "number") return "";
    var off = Math.max(1, Math.round(100 * (it.regular_price - it.price) / it.regular_price));
    return ' <s class="was"><span class="visually-hidden">was </span>' + esc(priceSaid(it.regular_price, it.currency)) +
      '</s> <span class="off">-' + off + '%</span>';
  }
  function card(rec, saveButton) {
    var it = rec.item;
    var save = saveButton === false ? "" :
      '<button type="button" class="card-like" data-card-like="' + it.id + '" aria-pressed="false" aria-label="Save ' +
      esc(cardName(it)) + '" hidden>♡</button>';
    // A grid's item (role=list on the grids), or its wrapper's where it has one (the Saved row's, with its Remove).
    var item = saveButton === false ? "" : ' role="listitem"';
    return '<div class="card-wrap"' + item + '><a class="card" href="' + kept(ROOT + '/item/' + it.id) + '" data-id="' + it.id + '">' +
      '<div class="thumb"><img src="' + esc(it.image_url) + '?max=240" alt="" loading="lazy" width="60" height="80"></div>' +
      '<div class="card-body"><div class="name" title="' + esc(cardName(it)) + '">' +
      esc(cardName(it)) + '</div>' + SEP +     // commas for a screen reader, as the page's own cards have
      '<div class="meta">' + esc(it.articleType || "") + (it.baseColour ? " · " + esc(it.baseColour) : "") + '</div>' +
      // A shop's price, where its catalogue has one (stop 64), as the page's own cards show it.
      (typeof it.price === "number" ? SEP + '<div class="price">Price ' + esc(priceSaid(it.price, it.currency)) + saleSaid(it) + '</div>' : "") +
      // A saved product since sold out (stop 67): still listed among the saved ones, said.
      (it.sold_out === true ? SEP + '<div class="sold-out">Sold out</div>' : "") +
      (rec.reason ? SEP + '<div class="reason" title="' + esc(rec.reason) + '">' + esc(rec.card_reason || rec.reason) +
        '</div>' : "") +
      '</div></a>' + save + '</div>';
  }

  // Saved products live in this browser only (localStorage): no account, nothing sent until "For you".
  var LIKED = "fashionrec-liked";
  function likedIds() {
    try { return JSON.parse(localStorage.getItem(LIKED) || "[]"); } catch (e) { return []; }
  }
  // Whether a saved id (a number, or the shop's own spelling a front end of its own saved: a Handle, "0039386") is
  // one an answer lists as gone: by its number in ``numbers`` (unknown, skipped) or as written in ``written``
  // (unknown_as_written). By the numbers alone a removed product's Handle stayed in the list, and the page said
  // "Based on 2 saved products" over the picks for 1 (stop 74).
  function listedGone(x, numbers, written) {
    var digits = typeof x === "string" && /^[0-9]+$/.test(x);
    return numbers.indexOf(digits ? Number(x) : x) >= 0 || (written || []).indexOf(String(x)) >= 0;
  }
  function saveLiked(ids) {
    try { localStorage.setItem(LIKED, JSON.stringify(ids)); } catch (e) { /* storage off: nothing kept */ }
    showSavedCount();
  }
  // How many products are saved, beside "For you" in the header: a shopper who had saved three saw no sign of
  // them on any other page (a shopper's trial, stop 64). Saved in another tab: counted here too.
  function showSavedCount() {
    var link = document.querySelector('header nav a[href="' + ROOT + '/for-you"]');
    if (!link) return;
    var ids = likedIds(), n = Array.isArray(ids) ? ids.length : 0;
    var badge = link.querySelector(".saved-count");
    if (!n) { if (badge) badge.remove(); return; }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "saved-count";
      link.appendChild(badge);
    }
    // Heard as "For you (3 saved)", seen as a small count.
    badge.innerHTML = '<span aria-hidden="true">' + n + '</span><span class="visually-hidden">(' + n + " saved)</span>";
  }
  showSavedCount();
  window.addEventListener("storage", function (e) { if (e.key === LIKED || e.key === null) showSavedCount(); });
  // Products opened in this browser, newest first, kept the same way: while nothing is saved, "For you" picks
  // for them (it was built from saved products only, and empty until a ♡; a shopper trial).
  var VIEWED = "fashionrec-viewed", VIEWED_KEPT = 24, VIEWED_PICKED_FOR = 10;
  function viewedIds() {
    try {
      var ids = JSON.parse(localStorage.getItem(VIEWED) || "[]");
      return Array.isArray(ids) ? ids.filter(function (x) { return Number.isInteger(x) && x >= 0; }) : [];
    } catch (e) { return []; }
  }
  function saveViewed(ids) {
    try { localStorage.setItem(VIEWED, JSON.stringify(ids)); } catch (e) { /* storage off: nothing kept */ }
  }
  // A product card's ♡ saves it without opening it (shown only where scripts run, as saving needs them).
  function markSaved(root) {
    var ids = likedIds();
    (root || document).querySelectorAll("button[data-card-like]").forEach(function (btn) {
      var on = ids.indexOf(Number(btn.getAttribute("data-card-like"))) >= 0;
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      btn.textContent = on ? "♥" : "♡";
      btn.hidden = false;
    });
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button[data-card-like]");
    if (!btn) return;
    var id = Number(btn.getAttribute("data-card-like"));
    var ids = likedIds().filter(function (x) { return x !== id; });
    if (ids.length === likedIds().length) ids.unshift(id);
    saveLiked(ids.slice(0, 200));    // the API takes up to 200 liked ids
    markSaved();
    // On "For you", the picks shown were worked out before this change: say so, with a button that works
    // them out again (it was "reload the page"), rather than keep "Based on 2 saved products" beside three.
    picksStatus();
    if (savedChanged) savedChanged();
  });
  var savedChanged = null;    // on "For you": shows the Saved row again after a card's ♡
  // On "For you": what the picks shown are for, and whether the products saved since make them stale (the
  // same ones again, one saved then taken back, do not).
  function picksStatus() {
    var status = document.getElementById("foryou-status"), shownFor = status && status.getAttribute("data-based-on");
    var viewedFor = status && status.getAttribute("data-viewed");
    if (viewedFor) {
      // Picks for the products viewed: one saved since is what they should be for, at a press.
      var saved = likedIds().length;
      document.getElementById("foryou-update").hidden = !saved;
      status.textContent = saved ? "You now have " + saved + " saved product" + (saved === 1 ? "" : "s") +
        "; these picks are for the products you viewed. Press \u201cUpdate the picks\u201d to base them on what you " +
        "have saved." : "Based on the " + (viewedFor === "1" ? "product" : viewedFor + " products") + " you viewed " +
        "most recently. Save products with ♡ to choose what the picks are for.";
      return;
    }
    if (!shownFor) return;
    var stale = status.getAttribute("data-ids") !== likedIds().slice().sort().join(",");
    document.getElementById("foryou-update").hidden = !stale;
    // Plain words ("these picks are for 1 of them: Update the picks, above them" puzzled a shopper).
    var now = likedIds().length;
    status.textContent = stale ? "You now have " + now + " saved product" + (now === 1 ? "" : "s") +
      "; these picks are for the " + (shownFor === "1" ? "one" : shownFor) + " saved before. Press " +
      "\u201cUpdate the picks\u201d to base them on what you have saved now." :
      "Based on " + shownFor + " saved product" + (shownFor === "1" ? "" : "s") + ".";
  }
  markSaved();
  var likeShown = [];     // each product page's Save button's redraw, for refreshSaved
  document.querySelectorAll("button[data-like]").forEach(function (btn) {
    var id = Number(btn.getAttribute("data-like"));
    // Only a product's page has this button: it was viewed.
    saveViewed([id].concat(viewedIds().filter(function (x) { return x !== id; })).slice(0, VIEWED_KEPT));
    // Its state in aria-pressed; its name is the text shown, "Saved" (a shopper read "♥ Save" as not saved yet):
    // one name "Save" under that text failed label-in-name (WCAG 2.5.3), which outweighs the state said twice.
    var heart = btn.querySelector(".heart");
    var text = btn.querySelector(".like-text");
    function show() {
      var on = likedIds().indexOf(id) >= 0;
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      if (heart) heart.textContent = on ? "♥" : "♡";
      if (text) text.textContent = on ? "Saved" : "Save";
    }
    btn.addEventListener("click", function () {
      var ids = likedIds().filter(function (x) { return x !== id; });
      if (ids.length === likedIds().length) ids.unshift(id);
      saveLiked(ids.slice(0, 200));    // the API takes up to 200 liked ids
      show();
    });
    likeShown.push(show);
    show();
  });
  // A page the browser brings back from its back-forward cache runs no script again: its hearts and the header's
  // count would stay as they were left, with a product saved or removed on another page since (a shopper's
  // trial, stop 64). Drawn again from what is saved now, as on "For you" its Saved row and what its picks are for.
  function refreshSaved() {
    showSavedCount();
    markSaved();
    likeShown.forEach(function (show) { show(); });
    picksStatus();
    if (savedChanged) savedChanged();
  }
  window.addEventListener("pageshow", function (e) { if (e.persisted) refreshSaved(); });

  // A name of thousands of characters made a product page's heading thousands of pixels tall (a data analyst's
  // trial): six lines of it, and a button for the rest where it is cut at the page's width now (it stayed after
  // a phone turned wide, where nothing was cut any more: a shopper's trial). A screen reader reads it whole.
  var heading = document.querySelector(".product h1");
  if (heading) {
    var whole = null;
    var cut = function () {
      if (!heading.classList.contains("clamped")) return;
      var over = heading.scrollHeight > heading.clientHeight + 1;
      if (over && !whole) {
        whole = document.createElement("button");
        whole.type = "button";
        whole.className = "whole-name";
        whole.textContent = "Show the whole name";
        whole.addEventListener("click", function () {
          heading.classList.remove("clamped");
          heading.tabIndex = -1;     // the button goes: keyboard focus stays where it was, on the name
          heading.focus();
          whole.remove();
          whole = null;
        });
        heading.insertAdjacentElement("afterend", whole);
      } else if (!over && whole) {
        whole.remove();
        whole = null;
      }
    };
    heading.classList.add("clamped");
    cut();
    var queued = false;
    window.addEventListener("resize", function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; cut(); });
    });
  }

  var picks = document.getElementById("foryou-picks");
  if (picks) {
    var status = document.getElementById("foryou-status"), box = document.getElementById("foryou");
    var problem = document.getElementById("foryou-error"), update = document.getElementById("foryou-update");
    var savedBox = document.getElementById("foryou-saved"), savedPart = document.getElementById("foryou-saved-part");
    var heading = document.getElementById("foryou-picks-heading"), toSaved = document.getElementById("foryou-to-saved");
    var viewedPart = document.getElementById("foryou-viewed-part");
    var viewedBox = document.getElementById("foryou-viewed");
    var retry = document.getElementById("foryou-retry"), browse = document.getElementById("foryou-browse");
    // "Browse the catalogue" is the way on from an empty or cleared list: shown only where no picks are (it stood
    // above them too, one line more before them on a phone; stop 72).
    function showPicks(on) {
      box.hidden = !on;
      browse.hidden = on;
    }
    retry.addEventListener("click", function () {
      problem.hidden = true;
      load();
    });
    // A load that failed, said: on the way (the network, the server) with Try again and ``kept`` after it;
    // otherwise what could not be loaded, and the API's reason where it is more than that.
    function sayFailure(e, what, kept) {
      var msg = String(e && e.message || e);
      problem.textContent = e && e.retry ? msg + "." + (kept || "") :
        "Could not load " + what + (msg.indexOf("could not load") === 0 ? "" : ": " + msg) + ".";
      problem.hidden = false;
      retry.hidden = !(e && e.retry);
    }
    var loads = 0;        // only the newest load may fill the page
    var views = 0;        // only the newest request for the viewed products may fill their row (or keep them)
    var rows = 0;         // only the newest request for the saved products may fill the Saved row
    document.getElementById("foryou-clear").addEventListener("click", function () {
      var n = likedIds().length;
      if (n > 1 && !window.confirm("Remove all " + n + " saved products?")) return;
      saveLiked([]);
      ++loads;
      showPicks(false);
      update.hidden = true;
      problem.hidden = true;        // an earlier "... was removed" no longer describes the page
      status.textContent = "Saved products cleared.";
      status.removeAttribute("data-based-on");
      status.removeAttribute("data-viewed");
      status.focus();               // the button went with its section: focus fell to the page (an audit)
      // Products viewed: the picks are for them now, as on a first visit (the page stayed empty until a
      // reload; a shopper re-trial).
      if (viewedIds().length) load();
    });
    // The saved products and the picks for them, worked out again in place after a change (the page was
    // reloaded to drop one, and a pick saved asked for a reload).
    function load() {
      var mine = ++loads, ids = likedIds();
      update.hidden = true;
      retry.hidden = true;
      // Said while they load: the empty page's "Save products you like" stood for seconds on a slow
      // connection, as if the saved ones were gone (a shopper trial).
      if (ids.length) {
        status.textContent = "Loading your picks for " + ids.length + " saved product" + (ids.length === 1 ? "" : "s") +
          "…";
      }
      var viewed = showViewed();
      if (!ids.length) {
        if (status.hasAttribute("data-based-on")) {     // the last one removed
          status.textContent = "No saved products left.";
          status.removeAttribute("data-based-on");
          showPicks(false);
        }
        return viewed.then(function (seen) { return pickForViewed(mine, seen); });
      }
      // The saved products first: one the catalogue no longer has is dropped from the list, not a dead end.
      var row = ++rows;      // a heart's own refresh of the Saved row after this one wins over it (a review)
      return fetchJson(ROOT + "/api/items?skip_unknown=true&ids=" + ids.join(","))
        .then(function (saved) {
          if (mine !== loads) return null;
          if (!saved.ok) throw trouble(saved, "could not load the saved products");
          var gone = saved.json.unknown || [];
          if (gone.length) {
            ids = ids.filter(function (x) { return !listedGone(x, gone, saved.json.unknown_as_written); });
            saveLiked(ids);
            problem.textContent = gone.length + " saved product" + (gone.length === 1 ? " is" : "s are") +
              " no longer in the catalogue and " + (gone.length === 1 ? "was" : "were") + " removed from the list.";
            problem.hidden = false;
          }
          showPicks(true);
          if (!ids.length) {
            status.textContent = "No saved products left.";
            status.removeAttribute("data-based-on");
            showPicks(false);
            return viewed.then(function (seen) { return pickForViewed(mine, seen); });
          }
          // The picks are for the saved products the shop shows: one it hides since is kept in the list, not
          // picked for (the API answers it as one it lacks, stop 77; every saved one hidden was "could not load
          // picks").
          var shown = shownToShoppers(saved.json.items).map(function (it) { return it.id; });
          if (!shown.length) {
            status.textContent = (ids.length === 1 ? "Your saved product is" : "Your " + ids.length +
              " saved products are") + " not in the shop at the moment; picks for " + (ids.length === 1 ? "it" :
              "them") + " come back when the shop shows " + (ids.length === 1 ? "it" : "them") + " again.";
            status.removeAttribute("data-based-on");
            showPicks(false);
            return viewed.then(function (seen) { return pickForViewed(mine, seen); });
          }
          savedPart.hidden = toSaved.hidden = false;
          if (row === rows) showSaved(shownToShoppers(saved.json.items));
          // skip_unknown: a product removed since the list above was fetched is no dead end (a code review).
          return fetchJson(picksUrl(shown)).then(function (res) {
            if (mine !== loads) return;
            if (!res.ok) throw trouble(res, "could not load picks");
            // What the picks are for, once they are shown: set before, a failed update said "Based on 2 saved
            // products" over the picks for 1 (a code review).
            status.setAttribute("data-based-on", String(shown.length));
            status.setAttribute("data-ids", ids.slice().sort().join(","));
            status.removeAttribute("data-viewed");
            heading.textContent = "Picked for your saved products";
            picks.innerHTML = res.json.results.map(card).join("");
            markSaved(picks);
            picksStatus();      // "Based on N", or stale already where one was saved while these loaded
          });
        })
        .catch(function (e) {
          if (mine !== loads) return;
          // The saved list is kept whatever failed: it is in this browser, and trying again loads it.
          sayFailure(e, "your picks", " Your " + ids.length + " saved product" + (ids.length === 1 ? " is" : "s are") +
            " kept.");
          // Not "Loading…" beside the failure (it stayed after a Try again that failed, a code review).
          if (status.hasAttribute("data-based-on")) picksStatus();
          else status.textContent = "You have " + ids.length + " saved product" + (ids.length === 1 ? "" : "s") + ".";
          showPicks(savedBox.children.length > 0);     // no empty "Saved" heading where none could be shown
        });
    }
    // The Recently viewed row; resolves to the ids of those the catalogue still has, newest first (one it no
    // longer has leaves the list: a page seen once is no one's data to keep).
    // A product the shop hid since it was saved or viewed (stop 74): the API answers it, for the shop, but its page
    // is a 404 for shoppers, so it has no card here; it stays in the list, back once the shop shows it again.
    function shownToShoppers(items) {
      return items.filter(function (it) { return it.hidden !== true; });
    }

    function showViewed() {
      var mine = ++views, ids = viewedIds();
      if (!ids.length) {
        viewedPart.hidden = true;
        return Promise.resolve([]);
      }
      return fetchJson(ROOT + "/api/items?skip_unknown=true&ids=" + ids.join(",")).then(function (res) {
        // Cleared (or asked again) while this was on its way: it must not bring them back (a review).
        if (mine !== views) return [];
        if (!res.ok) throw trouble(res, "could not load the products viewed");
        var gone = res.json.unknown || [];
        if (gone.length) saveViewed(ids.filter(function (x) { return !listedGone(x, gone, res.json.unknown_as_written); }));
        var items = shownToShoppers(res.json.items);
        viewedBox.innerHTML = items.map(function (it) { return card({ item: it, reason: "" }); }).join("");
        markSaved(viewedBox);
        viewedPart.hidden = !items.length;
        return items.map(function (it) { return it.id; });
      }).catch(function (e) {
        viewedPart.hidden = true;       // a row of history, not worth an error where picks for saved ones say theirs
        // With nothing saved, they are what the page is for: said, with Try again where it may help (nothing
        // was, a code review).
        if (mine === views && !likedIds().length) sayFailure(e, "the products you viewed");
        return [];
      });
    }
    // The picks for ``liked`` by GET, not POST (stop 73): the browser keeps the answer with its ETag and asks
    // again with If-None-Match, so Back and reload are a 304 the server answers without working the picks out.
    function picksUrl(liked) {
      return ROOT + "/api/recommend/profile?ids=" + liked.join(",") + "&k=24&skip_unknown=true&include_sold_out=" +
        SOLD_OUT;
    }
    // With nothing saved, picks for the products viewed most recently.
    function pickForViewed(mine, seen) {
      var basis = seen.slice(0, VIEWED_PICKED_FOR);
      // A product saved meanwhile does not stop them: the page then offers to base the picks on it.
      if (mine !== loads || !basis.length) return null;
      return fetchJson(picksUrl(basis)).then(function (res) {
        if (mine !== loads || !viewedIds().length) return;      // another load, or the list cleared since
        if (!res.ok) throw trouble(res, "could not load picks");
        var used = basis.length - (res.json.skipped || []).length;
        status.removeAttribute("data-based-on");
        status.setAttribute("data-viewed", String(used));
        heading.textContent = "Picked for products you viewed";
        savedPart.hidden = toSaved.hidden = true;
        showPicks(true);
        picks.innerHTML = res.json.results.map(card).join("");
        markSaved(picks);
        picksStatus();
      }).catch(function (e) {
        if (mine !== loads) return;
        sayFailure(e, "picks for the products you viewed");
      });
    }
    document.getElementById("foryou-viewed-clear").addEventListener("click", function () {
      ++views;
      saveViewed([]);
      viewedPart.hidden = true;
      if (status.hasAttribute("data-viewed")) {     // the picks were for them
        ++loads;
        showPicks(false);
        update.hidden = true;
        status.removeAttribute("data-viewed");
        status.textContent = "Recently viewed products cleared.";
      } else {
        status.textContent += " Recently viewed products cleared.";
      }
      status.focus();               // the button went with its section
    });
    function showSaved(items) {
      // The row already shows these, in this order: left as it is, so that a removed card's note and Undo stay
      // where it was and focus stays on them (the row was drawn anew after each removal).
      var shown = Array.prototype.map.call(savedBox.querySelectorAll(".saved-item:not(.removed) .card"),
        function (c) { return Number(c.getAttribute("data-id")); });
      if (shown.join(",") === items.map(function (it) { return it.id; }).join(",")) return;
      var focused = savedBox.contains(document.activeElement);
      savedBox.innerHTML = items.map(function (it) {
        return '<div class="saved-item" role="listitem">' + card({ item: it, reason: "" }, false) +
          '<button type="button" class="unsave" data-unsave="' + it.id + '" aria-label="Remove ' +
          esc(cardName(it)) + ' from saved products">Remove</button></div>';
      }).join("");
      // Focus was on a card or an Undo drawn over: not lost to the page, kept in the row.
      if (focused) document.getElementById("foryou-saved-heading").focus({ preventScroll: true });
    }
    // A pick saved (or a saved one's ♡ taken back) joins (or leaves) the Saved row at once, so that the row
    // agrees with "You have 4 saved products" (it kept 3 until the picks were updated, a shopper re-trial);
    // the picks themselves wait for "Update the picks".
    savedChanged = function () {
      var mine = ++rows, ids = likedIds();
      if (!ids.length) { savedBox.innerHTML = ""; return; }
      fetchJson(ROOT + "/api/items?skip_unknown=true&ids=" + ids.join(",")).then(function (saved) {
        if (mine === rows && saved.ok) showSaved(saved.json.items);
      }).catch(function () { /* the row stays as it was; "Update the picks" loads it again */ });
    };
    // One product off the list: the picks are worked out again for the rest. Its card gives way to a note with
    // Undo in the same place, which takes focus, and the removal is said through a live region: focus (and so the
    // screen) went to the status line at the top, so that on a phone removing three meant scrolling back down to
    // the Saved row three times (a shopper's trial, stop 64).
    savedBox.addEventListener("click", function (e) {
      var btn = e.target.closest("button[data-unsave]");
      if (!btn) return;
      var gone = Number(btn.getAttribute("data-unsave"));
      var item = btn.closest(".saved-item"), name = item.querySelector(".name");
      var named = name ? name.textContent : "A product";
      var at = likedIds().indexOf(gone);
      saveLiked(likedIds().filter(function (x) { return x !== gone; }));
      if (!likedIds().length) {
        // The last one: the Saved row goes with it, so the note and Undo are said at the top, where focus goes.
        status.textContent = "Working out the picks again…";
        status.focus();
        problem.textContent = named + " was removed from your saved products. ";
        problem.appendChild(undoButton(gone, at, null));
        problem.hidden = false;
        item.remove();
        load();
        return;
      }
      var note = document.createElement("div");
      note.className = "saved-item removed notice";
      note.setAttribute("role", "listitem");
      note.setAttribute("data-removed", String(gone));
      var text = document.createElement("p");
      text.textContent = named + " was removed.";
      note.appendChild(text);
      var undo = undoButton(gone, at, item);
      undo.setAttribute("aria-label", "Undo: save " + named + " again");
      note.appendChild(undo);
      item.replaceWith(note);
      undo.focus({ preventScroll: true });
      said.textContent = named + " was removed from your saved products. Undo is where it was.";
      load();
    });
    // A visually hidden live region: what a removal did, heard without focus going to it.
    var said = document.createElement("p");
    said.className = "visually-hidden";
    said.setAttribute("aria-live", "polite");
    said.id = "foryou-said";
    savedPart.appendChild(said);
    // Undo of one removal: back where it was in the list (a shopper trial: one tap too many lost a saved product);
    // ``item``, the card taken out, goes back in the note's place with focus on its Remove, where there is one.
    function undoButton(gone, at, item) {
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "undo";
      if (!item) undo.id = "foryou-undo";
      undo.textContent = "Undo";
      undo.addEventListener("click", function () {
        var ids = likedIds();
        if (ids.indexOf(gone) < 0) ids.splice(Math.max(0, Math.min(at, ids.length)), 0, gone);
        saveLiked(ids.slice(0, 200));
        var note = undo.closest(".removed");
        if (item && note && note.parentNode === savedBox) {
          note.replaceWith(item);
          item.querySelector("button[data-unsave]").focus({ preventScroll: true });
          said.textContent = (item.querySelector(".name") || {}).textContent + " is saved again.";
        } else {
          problem.hidden = true;
          status.textContent = "Working out the picks again…";
          status.focus();
        }
        load();
      });
      return undo;
    }
    update.addEventListener("click", function () {
      status.textContent = "Working out the picks again…";
      status.focus();
      problem.hidden = true;
      load();
    });
    load();
  }

  var drop = document.getElementById("drop");
  if (!drop) return;
  var input = document.getElementById("file");
  var preview = document.getElementById("preview");
  var errorBox = document.getElementById("upload-error");
  // A search that failed on the way (the network, the server) is tried again with the same photo, which stays
  // shown: it went, and "Upload failed: TypeError: Failed to fetch" was all that was left (a shopper trial).
  var retryBox = document.getElementById("upload-retry");
  var lastSent = null;
  retryBox.querySelector("button").addEventListener("click", function () {
    if (lastSent) send(lastSent.file, lastSent.refining);
  });
  var result = document.getElementById("upload-result");
  var said = document.getElementById("upload-status");
  // A photo the browser cannot draw (a TIFF in Chromium) showed as an empty frame above its results (a shopper
  // trial): said instead.
  var previewNote = document.getElementById("preview-note");
  var cannotShow = previewNote.textContent;
  preview.addEventListener("error", function () {
    // Not beside a refusal: "it is searched all the same" under "over the limit of 10 MB" (a shopper's trial).
    if (!preview.getAttribute("src") || !errorBox.hidden) return;
    preview.hidden = true;
    previewNote.hidden = false;
  });
  preview.addEventListener("load", function () { previewNote.hidden = true; fitTurned(); });
  // Turned a quarter by CSS, the preview's box keeps the photo's width and height: margins for the height the
  // turned picture takes, so that it stays inside the drop area whatever its shape (a fixed margin fitted 4:3).
  function fitTurned() {
    var gain = preview.classList.contains("turned") ? Math.max(0, (preview.width - preview.height) / 2) : 0;
    preview.style.margin = gain ? gain + "px 0" : "";
  }

  // The error shown, tied to the file chooser (its description, and invalid where the photo was refused), so that a
  // screen reader coming back to the chooser hears why the last photo was not searched, not only once in passing.
  function tieError(shown, refused) {
    input.setAttribute("aria-describedby", shown ? "upload-error drop-hint" : "drop-hint");
    if (refused) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  function showError(msg) {
    // The API's messages also tell an operator which setting to change; a shopper needs only the first part.
    msg = String(msg).replace(/\s*\(set FASHIONREC_[A-Z_]+[^)]*\)/g, "");
    // A sentence, as the rest of the page writes them ("the uploaded file ... is empty; send a JPEG"); not a
    // file's name at its start.
    if (/^[a-z][^\s._]*\s/.test(msg)) msg = msg.charAt(0).toUpperCase() + msg.slice(1);
    if (!/[.!?)]$/.test(msg)) msg += ".";
    errorBox.textContent = msg;
    errorBox.hidden = false;
    tieError(true, true);
    retryBox.hidden = true;     // a refusal is not mended by sending the photo again
    said.textContent = "";
    preview.hidden = true;      // the refused photo is not what any results belong to
    previewNote.hidden = true;
    result.hidden = true;
  }
  function showRetry(msg) {
    errorBox.textContent = msg + ".";
    errorBox.hidden = false;
    tieError(true, false);      // the photo is not at fault: the way to the shop is
    retryBox.hidden = false;
    said.textContent = "";
  }
  var latest = 0;        // only the newest upload may fill the page
  var inflight = null;
  var labels = { articleType: "Type", baseColour: "Colour", gender: "Gender", usage: "Usage",
    season: "Season", subCategory: "Group", masterCategory: "Category" };
  // The three levels side by side, the type first (Group and Category came last, apart from it, a shopper's trial).
  var order = ["articleType", "subCategory", "masterCategory", "baseColour", "gender", "usage", "season"];
  var UNSURE = 0.5;      // calibrated type probability below which the results come with a warning
  // Below this a label is a guess, not what the model sees ("Type: Shoe Laces 6%" on a turned shirt):
  // the chip says "not sure", with the guesses in its title.
  var GUESS = 0.2;
  var WEARERS = { Men: "men's", Women: "women's", Boys: "boys'", Girls: "girls'", Unisex: "unisex" };
  function render(json, previewSrc) {
    if (previewSrc) { preview.src = previewSrc; preview.hidden = false; }
    var chips = order.filter(function (h) { return json.predicted[h]; }).map(function (h) {
      var top = json.predicted[h][0];
      var head = '<span class="chip" data-head="' + h + '"';
      if (h === "baseColour" && json.greyscale) {     // a guess whatever its probability: no colour to see
        return head + ' title="The photo is black and white">' + esc(labels[h]) + ': <b>not seen</b></span>';
      }
      // A group or category under one half is a guess: among many small types ("Type: Handbags 27%" beside
      // "Category: Personal Care 42%" contradicted each other, a shopper's trial), or between the groups the
      // catalogue files a sure type under (Wristbands: 60% and 40%).
      if (top.prob < (h === "subCategory" || h === "masterCategory" ? UNSURE : GUESS)) {
        var guesses = json.predicted[h].map(function (p) { return p.label + " " + Math.round(p.prob * 100) + "%"; });
        return head + ' title="' + esc("Guesses: " + guesses.join(", ")) + '">' + esc(labels[h] || h) +
          ': <b>not sure</b></span>';
      }
      return head + '>' + esc(labels[h] || h) + ': <b>' + esc(top.label) +
        '</b> <span>' + Math.round(top.prob * 100) + '%</span></span>';
    });
    document.getElementById("predicted").innerHTML = chips.join("");
    // A photo as wide as tall or wider that looked turned on its side was read turned upright (an EXIF orientation lost
    // on the way): the preview shows it as it was read.
    preview.classList.toggle("turned", !!json.turned);
    preview.style.transform = json.turned ? "rotate(" + json.turned + "deg)" : "";
    fitTurned();
    document.getElementById("turned-note").hidden = !json.turned;
    document.getElementById("grey-note").hidden = !json.greyscale;
    guessesFirst(json.predicted);
    // Not "choose a colour" with one chosen (a shopper's trial read it under Colour: Green).
    var colourChosen = refine.querySelector("select[name=baseColour]");
    document.getElementById("grey-choose").hidden = !!(colourChosen && colourChosen.value);
    // The photo of a catalogue product: the results are matched to that product's own labels, whatever the model
    // reads (a heel's photo read "Flip Flops 77%" listed heels, said "Looks alike" and the model unsure; a review).
    var sameAs = json.same_as === undefined || json.same_as === null ? null : json.same_as;
    var sameRec = sameAs === null ? null : json.results.filter(function (r) { return r.id === sameAs; })[0];
    var sameLink = document.getElementById("same-link");
    // Narrowed to another colour, the product is not among the results: its name as the search before said it
    // (the note changing its words moved the page under the shopper's choice).
    // Else "a product": the note goes on "in the shop" ("the photo of a product in the shop in the shop" for a sold-out
    // product's photo, a shopper's trial of stop 70).
    var sameName = sameAs === null ? "" : sameRec ? cardName(sameRec.item) :
      sameLink.getAttribute("data-id") === String(sameAs) ? sameLink.textContent : "a product";
    document.getElementById("same-note").hidden = sameAs === null;
    if (sameAs !== null) {
      sameLink.href = kept(ROOT + "/item/" + sameAs);
      sameLink.textContent = sameName;
      sameLink.setAttribute("data-id", String(sameAs));
    }
    var type = json.predicted.articleType && json.predicted.articleType[0];
    var unsure = document.getElementById("unsure");
    // Unsure of the type, or a photo unlike any product in the catalogue (noise, a scene, a product lost in
    // its background), which can still get a confident label.
    // Unlike every product and no type the model will name: what is closest to a landscape or a room is noise
    // (12 women's briefs, a shopper's trial), shown when asked for, or when the shopper narrows the search.
    // Unsure, not only "not sure": a landscape was "Briefs 22%", another "Pendant 53%" (a re-trial).
    // Named at the group level is named too: waist-up crops of shirts and tops read "Shirts 43%" beside "Group:
    // Topwear 57%" and were held back (10 of 16, a shopper's trial); landscapes, rooms and drawn scenes had their
    // groups at 0.11-0.41, but for one scene of six (docs/history.md, "Stop 45").
    var group = json.predicted.subCategory && json.predicted.subCategory[0];
    var named = (type && type.prob >= UNSURE) || (group && group.prob >= UNSURE);
    var lost = !!json.unfamiliar && !named && json.results.length > 0 && !refineQuery() && !json.shownAnyway;
    unsure.hidden = lost || sameAs !== null || !((type && type.prob < UNSURE) || json.unfamiliar);
    document.getElementById("unsure-model").hidden = !!json.unfamiliar;
    document.getElementById("unsure-photo").hidden = !json.unfamiliar;
    var similar = document.getElementById("upload-similar");
    // Focus on a result that is replaced would fall to the page: the results' heading takes it (an audit).
    var hadFocus = similar.contains(document.activeElement);
    // The photo's own product by that name: its card said "Same type, colour and gender", a reason for another
    // product, under the note that the photo is this one's (a shopper's trial).
    similar.innerHTML = json.results.map(function (r) {
      return card(r.id === sameAs ? Object.assign({}, r, { card_reason: "Your photo's product",
                                                           reason: "The product your photo is the photo of" }) : r);
    }).join("");
    similar.hidden = lost;
    document.getElementById("lost").hidden = !lost;
    // Nor what the model makes of it: "Gender: Women 89%, Usage: Casual 92%" beside "does not look like a product
    // photo" read as a product's labels (a re-trial); shown with the results, when asked for.
    // Nor for a catalogue product's own photo: the note names the product, whose labels rank the results, and
    // the model's reading beside it ("Colour: Green 38%" for a yellow kurta) contradicted it (a shopper's trial).
    seen(!lost && sameAs === null);
    // The first new result where there is one: on the heading, the next Tab went back up to the choices, and a
    // keyboard shopper leaving a choice for the results came back there each time (a shopper's trial).
    if (hadFocus) ((!lost && similar.querySelector("a")) || document.getElementById("similar-heading")).focus();
    markSaved(document.getElementById("upload-similar"));
    document.getElementById("refine-empty").hidden = json.results.length > 0;
    // The look of the photo's own product, else of the closest result; none while the results are held back.
    var closest = lost ? null : wearersFirst(json.results, json.predicted.gender);
    var lead = sameAs !== null ? { id: sameAs, name: sameName } :
      closest ? { id: closest.id, name: cardName(closest.item), wearer: closest === json.results[0] ? null :
                  closest.item.gender } : null;
    showLook(lead, sameAs !== null);
    result.hidden = false;
    var n = json.results.length;
    var narrowed = [];
    refine.querySelectorAll("select").forEach(function (r) {
      if (r.value) narrowed.push((labels[r.name] || r.name) + ": " + r.value);
    });
    said.textContent = (lost ? "This photo does not look like a product photo; its closest products are not shown" :
      n ? n + " similar item" + (n === 1 ? "" : "s") + " found" : "Nothing like this photo found") +
      (narrowed.length ? " (" + narrowed.join(", ") + ")" : "") +
      (sameAs !== null ? "; this is the photo of " + sameName + " in the shop" : !lost && type && type.prob >= GUESS ?
        "; the model sees " + type.label : "") + "." +
      (json.turned ? " The photo was read turned upright." : "") +
      (json.greyscale ? " The photo is black and white, so the results are not matched by colour." : "") +
      // innerText, not textContent: that held both of the notice's openings, the hidden one too, run together
      // ("... unsure what this photo showsThis photo looks unlike ...", a shopper's trial of stop 65).
      (unsure.hidden ? "" : " " + unsure.innerText);
  }
  // "Complete the look" for the photo (a product page's, asked of the API): a shopper with a photo of a shirt
  // found no look on this page (a shopper's trial, stop 68). Only the newest answer fills it, as the results.
  var lookBox = document.getElementById("photo-look");
  var lookAsked = 0;
  // The closest result for the wearer the model reads more likely than not, else the closest: a man's jeans on a
  // bedspread, read "Men 61%", got the look of "ADIDAS Women Blue Track Pants", the first result (a shopper's trial,
  // stop 73).
  function wearersFirst(results, genders) {
    var wearer = genders && genders[0];
    var theirs = wearer && wearer.prob >= 0.5 ? results.filter(function (r) {
      return r.item.gender === wearer.label || r.item.gender === "Unisex";
    }) : [];
    return theirs[0] || results[0] || null;
  }
  function showLook(lead, own) {
    var mine = ++lookAsked;
    if (!lead) { lookBox.hidden = true; return; }
    // With the page's sold-out choice, as its results are asked (stop 68: the look left them out under it).
    fetchJson(ROOT + "/api/items/" + lead.id + "/outfit?k=4" + (SOLD_OUT ? "&include_sold_out=true" : "")).then(function (res) {
      if (mine !== lookAsked) return;
      var recs = res.ok && res.json.results ? res.json.results : [];
      var anchor = document.getElementById("look-anchor");
      anchor.href = kept(ROOT + "/item/" + lead.id);
      anchor.textContent = lead.name;
      document.getElementById("look-why").textContent = own ? "your photo's product" : lead.wearer ?
        "the " + (WEARERS[lead.wearer] || lead.wearer.toLowerCase() + "'s") + " product closest to your photo" :
        "the product closest to your photo";
      var grid = document.getElementById("upload-look");
      grid.innerHTML = recs.map(function (r) { return card(r); }).join("");
      markSaved(grid);
      lookBox.hidden = recs.length === 0;     // a product with no look (a gift card): no empty heading
    }).catch(function () { if (mine === lookAsked) lookBox.hidden = true; });
  }
  function seen(shown) {
    document.getElementById("predicted").hidden = !shown;
    document.getElementById("predicted-heading").hidden = !shown;
  }
  document.getElementById("show-anyway").addEventListener("click", function () {
    document.getElementById("lost").hidden = true;
    seen(true);
    var similar = document.getElementById("upload-similar");
    similar.hidden = false;
    // Shown now, with the warning that goes with them, on the screen and for a screen reader (a re-trial).
    var unsure = document.getElementById("unsure");
    unsure.hidden = false;
    var n = similar.querySelectorAll(".card").length;
    said.textContent = n + " closest item" + (n === 1 ? "" : "s") + " shown. " + unsure.innerText;
    var firstCard = similar.querySelector(".card");
    if (firstCard) showLook({ id: Number(firstCard.getAttribute("data-id")),
                              name: firstCard.querySelector(".name").textContent }, false);
    document.getElementById("similar-heading").focus();
    // Kept for Back: the results come back shown (they were hidden again, a review).
    try {
      var kept = JSON.parse(sessionStorage.getItem("fashionrec-upload") || "null");
      if (kept && kept.json) {
        kept.json.shownAnyway = true;
        sessionStorage.setItem("fashionrec-upload", JSON.stringify(kept));
      }
    } catch (e) { /* storage full or off */ }
  });
  var KEPT_SIDE = 640;
  function thumbnail(img) {
    // A small copy of the photo, so the results can be shown again after Back.
    if (!img.complete || !img.naturalWidth) return null;
    try {
      var c = document.createElement("canvas"), scale = Math.min(1, KEPT_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
      c.width = Math.max(1, Math.round(img.naturalWidth * scale));
      c.height = Math.max(1, Math.round(img.naturalHeight * scale));
      c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
      return c.toDataURL("image/jpeg", 0.85);
    } catch (e) { return null; }
  }
  // The photo of the results shown, for narrowing them ("like this, but in red") without choosing it again.
  // After Back, which restores the results but not the file, it is the saved copy of the photo (up to
  // KEPT_SIDE pixels a side: at 240, narrowing after Back gave 3 of 8 results other than before, a phone
  // shopper's re-trial): the choices stayed hidden there before.
  var shown = null;
  var refine = document.getElementById("refine");
  // Each list's values as the page gives them (alphabetical), its first option ("Any") apart.
  var refineValues = {};
  refine.querySelectorAll("select").forEach(function (s) {
    refineValues[s.name] = Array.prototype.slice.call(s.options, 1).map(function (o) { return o.value; });
  });
  // The model's guesses for the photo (GUESS and up, 3 at most) head each list, in their own group, then every
  // value: a shop's 93 types alphabetically put "Formal Shoes" 29th under a shoe photo, after Bangle and Bath Robe,
  // to scroll to on a phone (a shopper's trial, stop 67). The choice made stays chosen.
  function guessesFirst(predicted) {
    refine.querySelectorAll("select").forEach(function (s) {
      var all = refineValues[s.name] || [];
      var guesses = (predicted[s.name] || []).filter(function (p) {
        return p.prob >= GUESS && all.indexOf(p.label) >= 0;
      }).map(function (p) { return p.label; });
      function options(values) {
        return values.map(function (v) { return "<option>" + esc(v) + "</option>"; }).join("");
      }
      var rest = all.filter(function (v) { return guesses.indexOf(v) < 0; });
      var value = s.value;
      s.innerHTML = s.options[0].outerHTML + (guesses.length ?
        '<optgroup label="The model\u2019s guesses">' + options(guesses) + "</optgroup>" +
        (rest.length ? '<optgroup label="All">' + options(rest) + "</optgroup>" : "") : options(all));
      s.value = value;
    });
  }
  function refineQuery() {
    var q = "";
    refine.querySelectorAll("select").forEach(function (s) {
      if (s.value) q += "&" + encodeURIComponent(s.name) + "=" + encodeURIComponent(s.value);
    });
    return q;
  }
  // A choice searches at once; a value stepped to with the arrow keys waits for Enter or for leaving the list:
  // each arrow key sent a search of its own (three for three presses, an accessibility audit).
  refine.querySelectorAll("select").forEach(function (sel) {
    var stepped = stepper(sel);
    function narrow(again) {
      // data-asked: the value the results shown were searched with (send sets it)
      if (shown && (again || sel.value !== (sel.getAttribute("data-asked") || ""))) send(shown, true);
    }
    sel.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); narrow(true); }
    });
    // A value stepped to and not searched yet looks it, as the catalogue's filters do (a shopper saw
    // "Backpacks" chosen over dress results, with nothing to say it was not applied).
    sel.addEventListener("change", function () { if (!stepped()) narrow(false); else pendingRefine(sel); });
    sel.addEventListener("blur", function () { narrow(false); });
  });
  function pendingRefine(sel) {
    var pending = sel.value !== (sel.getAttribute("data-asked") || "");
    sel.classList.toggle("pending", pending);
    if (pending) sel.setAttribute("aria-describedby", "refine-pending");
    else sel.removeAttribute("aria-describedby");
  }
  // A phone's photo (12 megapixels, 2-5 MB, some over the upload limit) is brought down to SEND_SIDE pixels a
  // side before it is sent: the model sees 60x80 and the backdrop is found at 240x320, so nothing it uses is
  // lost, and a 4032x3024 photo took 1-2 s to send and read, and each refinement sent it again (a phone
  // shopper's trial). One the browser cannot read (HEIC in most) goes as it is, and the server says why.
  var SEND_SIDE = 1600, SMALL_ENOUGH = 1536 * 1024;
  // The pixels of a greyscale file, a JPEG (one component in its frame header) or a PNG (colour type 0 or 4); 0
  // for any other. One goes as it is where it fits the limits, since the canvas sends colour and the server would
  // no longer see that the photo has no colour to read. The first 256 kB hold the frame header after a phone's EXIF.
  function greyPixels(file) {
    if (!file.slice || typeof file.slice(0, 1).arrayBuffer !== "function") return Promise.resolve(0);
    return file.slice(0, 262144).arrayBuffer().then(function (buf) {
      var b = new Uint8Array(buf);
      var word = function (at) { return (b[at] << 8 | b[at + 1]) >>> 0; };
      if (b.length > 25 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
        return b[25] === 0 || b[25] === 4 ? (word(16) * 65536 + word(18)) * (word(20) * 65536 + word(22)) : 0;
      }
      if (b[0] !== 0xff || b[1] !== 0xd8) return 0;
      for (var at = 2; at + 9 < b.length && b[at] === 0xff;) {
        var marker = b[at + 1];
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return b[at + 9] === 1 ? word(at + 5) * word(at + 7) : 0;
        }
        at += 2 + word(at + 2);
      }
      return 0;
    }).catch(function () { return 0; });
  }
  function smaller(file) {
    if (typeof createImageBitmap !== "function" || !/^image\/(jpeg|png|webp|bmp)$/.test(file.type)) {
      return Promise.resolve(file);
    }
    var maxBytes = Number(drop.getAttribute("data-max-bytes"));
    var maxPixels = Number(drop.getAttribute("data-max-pixels"));
    return greyPixels(file).then(function (pixels) {
      // Over the pixel limit it is made smaller, in colour: an 8000x6000 grey PNG was refused (a code review). The
      // server reads a JPEG up to 64 times over it at an eighth of its sides, so such a JPEG still goes as it is.
      var limit = maxPixels * (file.type === "image/jpeg" ? 64 : 1);
      var fits = pixels > 0 && (!maxBytes || file.size <= maxBytes) && (!maxPixels || pixels <= limit);
      return fits ? file : shrunk(file);
    });
  }
  function shrunk(file) {
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
      var scale = Math.min(1, SEND_SIDE / Math.max(bmp.width, bmp.height));
      if (scale === 1 && file.size <= SMALL_ENOUGH) { if (bmp.close) bmp.close(); return file; }
      var c = document.createElement("canvas");
      c.width = Math.max(1, Math.round(bmp.width * scale));
      c.height = Math.max(1, Math.round(bmp.height * scale));
      var g = c.getContext("2d");
      g.fillStyle = "#fff";          // transparent pixels are white, as the server reads them
      g.fillRect(0, 0, c.width, c.height);
      g.imageSmoothingQuality = "high";
      g.drawImage(bmp, 0, 0, c.width, c.height);
      if (bmp.close) bmp.close();
      return new Promise(function (resolve) {
        c.toBlob(function (blob) {
          resolve(blob && blob.size < file.size ?
            new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.92);
      });
    }).catch(function () { return file; });
  }
  function send(file, refining) {
    if (!file) return;
    lastSent = { file: file, refining: refining };
    retryBox.hidden = true;
    if (!refining) refine.querySelectorAll("select").forEach(function (s) { s.value = ""; });
    refine.querySelectorAll("select").forEach(function (s) { s.setAttribute("data-asked", s.value); pendingRefine(s); });
    var maxBytes = Number(drop.getAttribute("data-max-bytes"));
    var mine = ++latest;
    // A new photo's results are not the ones saved; narrowed ones replace them when they come (a product
    // opened before they do keeps "Back to results" to those shown).
    if (!refining) {
      try { sessionStorage.removeItem("fashionrec-upload"); } catch (e) { /* storage off */ }
    }
    if (inflight) inflight.abort();
    inflight = null;
    errorBox.hidden = true;
    tieError(false, false);
    if (!refining) {
      // A new photo: nothing shown belongs to it yet. Narrowing keeps the page as it is (and where it is
      // scrolled) until the new results replace the old.
      result.hidden = true;
      preview.classList.remove("turned");
      preview.style.transform = "";
      preview.style.margin = "";
      previewNote.hidden = true;
      previewNote.textContent = cannotShow;
      refine.querySelectorAll("select").forEach(function (s) { s.disabled = false; });
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    }
    // A refinement's search shows by the results it replaces (the photo's box is off the screen by then, a
    // phone shopper's re-trial); the box's "Searching…" line only for a new photo: shown for a refinement too, it
    // grew the box above the results and moved the page (stop 66).
    if (refining) refine.classList.add("loading");
    else drop.classList.add("loading");
    said.textContent = "Searching…";
    (refining ? Promise.resolve(file) : smaller(file)).then(function (small) {
      if (mine !== latest) return null;
      if (maxBytes && small.size > maxBytes) {
        // Said before uploading every byte of it.
        drop.classList.remove("loading");
        refine.classList.remove("loading");
        showError("This photo is " + (small.size / 1048576).toFixed(1) + " MB, over the limit of " +
          drop.getAttribute("data-max-mb") + " MB: choose a smaller one.");
        return null;
      }
      inflight = typeof AbortController === "function" ? new AbortController() : null;
      var body = new FormData();
      body.append("file", small);
      return fetchJson(ROOT + "/api/search/image?k=12" + refineQuery() + (SOLD_OUT ? "&include_sold_out=true" : ""), { method: "POST", body: body,
                                                                   signal: inflight && inflight.signal })
      .then(function (res) {
        if (mine !== latest) return;
        if (res.retry) { showRetry(SERVER_TROUBLE); return; }
        if (!res.ok) { showError(res.json.detail || "The photo could not be used."); return; }
        shown = small;
        refine.hidden = false;
        render(res.json);
        // On a phone the photo fills the first screen: bring the answer into view, from what the model sees
        // (scrolled to the results, a shopper saw perfumes for a T-shirt's screenshot and not why, and the
        // greyscale note cut in half: a trial), or the first note where that is not shown (scroll-margin keeps
        // it below the sticky header).
        if (!refining && window.matchMedia("(max-width: 700px)").matches) {
          var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
          var first = ["predicted-heading", "turned-note", "same-note", "grey-note", "unsure", "similar-heading"]
            .map(function (id) { return document.getElementById(id); })
            .filter(function (el) { return !el.hidden; })[0];
          first.scrollIntoView({ behavior: reduced ? "auto" : "smooth", block: "start" });
        }
        try {
          var chosen = {};
          refine.querySelectorAll("select").forEach(function (s) { chosen[s.name] = s.value; });
          sessionStorage.setItem("fashionrec-upload", JSON.stringify({ json: res.json, preview: thumbnail(preview),
                                                                        refine: chosen }));
        } catch (e) { /* storage full or off: Back just shows the empty page */ }
      })
      .catch(function (e) {
        if (mine !== latest || (e && e.name === "AbortError")) return;
        if (e && e.retry) showRetry(e.message);
        else showError("The photo could not be searched: " + String(e && e.message || e));
      })
      .finally(function () {
        if (mine === latest) { drop.classList.remove("loading"); refine.classList.remove("loading"); }
      });
    });
  }
  input.addEventListener("change", function () {
    send(input.files[0]);
    input.value = "";  // choosing the same file again (say, after an error) must upload it again
  });
  // Back (or Forward) to this page, a reload, or a product page's "Back to results" (#results), shows the last
  // results again; a fresh visit starts empty. A reload emptied the page, photo and results gone without a word
  // (a phone's pull to refresh; a shopper's trial, stop 77).
  keepPlace();
  if ((navigation && (navigation.type === "back_forward" || navigation.type === "reload"))
      || location.hash === "#results") {
    try {
      var saved = JSON.parse(sessionStorage.getItem("fashionrec-upload") || "null");
      if (!saved && location.hash === "#results") {
        // A "Back to results" link opened in another tab, which has none of this tab's searches: said, rather
        // than an empty page (a shopper's re-trial).
        history.replaceState(history.state, "", location.pathname);
        showError("The photo search from before is kept in the tab it was made in only: choose the photo again");
      }
      if (saved && saved.json) {
        // The choices before the results: narrowed results are not held back as a lost photo's.
        refine.querySelectorAll("select").forEach(function (s) { s.value = (saved.refine || {})[s.name] || ""; });
        render(saved.json, saved.preview);
        backInPlace();
        if (saved.preview && typeof fetch === "function") {
          fetch(saved.preview).then(function (r) { return r.blob(); }).then(function (blob) {
            shown = new File([blob], "photo.jpg", { type: "image/jpeg" });
            refine.querySelectorAll("select").forEach(function (s) {
              s.value = (saved.refine || {})[s.name] || "";
              s.setAttribute("data-asked", s.value);
            });
            refine.hidden = false;
          }).catch(function () { /* the choices stay hidden */ });
        } else if (!saved.preview) {
          // A photo the browser cannot draw (a TIFF) leaves no copy to search again: its results come back with
          // the choices they were narrowed by, shown but fixed, and how to change them (they came back with no
          // photo, no note and no choices, a regression pass).
          previewNote.textContent = "This browser cannot show this photo, nor keep a copy of it to narrow the " +
            "results again: choose it again to change the choices below.";
          previewNote.hidden = false;
          refine.querySelectorAll("select").forEach(function (s) {
            s.value = (saved.refine || {})[s.name] || "";
            s.disabled = true;
          });
          refine.hidden = false;
        }
      }
    } catch (e) { /* nothing saved */ }
  }
  ["dragenter", "dragover"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) send(e.dataTransfer.files[0]);
    // A photo dragged from another tab brings its address, not its file: nothing happened (a shopper trial).
    else showError("Only a photo file can be searched, not a web address or text: save the photo, then drop or " +
                   "choose the file.");
  });
})();
