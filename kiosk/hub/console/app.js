/*
 * Guichet Kiosk: the mediators' phone console (served by the hub under /console/).
 *
 * This file owns the whole page: logging in and out (the token lives in sessionStorage
 * only), the live queue of help calls (a GET /help-requests snapshot, then the WebSocket
 * stream, with reconnection, back-off and resync), the actions on a call (claim, give
 * back, hand over, accept or decline a hand-over, finish with an outcome, note, workshop
 * sign-up), the alerts (sound, vibration, system notifications shown by sw.js, screen
 * wake lock), the presence selector, the FR/EN switch and the "My day" view.
 *
 * Rules kept throughout:
 * - no user-visible text here: every string comes from strings.json (built by the hub
 *   from kiosk/i18n/mediator/<lang>.yaml) through t(); the HTML holds data-i18n keys;
 * - text from the hub is only ever written with textContent (never innerHTML);
 * - every browser feature that may be missing (Notification, service worker, vibrate,
 *   wake lock, <dialog>) is optional: without it the console still works.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------------
  // Settings

  const TOKEN_KEY = "guichet.console.token"; // sessionStorage only
  const LANG_KEY = "guichet.console.lang"; // localStorage: "fr" or "en"
  const OUTCOMES = ["helped", "sent-to-counter", "workshop", "left", "other"];
  const LEVELS = ["initiation", "perfectionnement", "outils-budgetaires"];
  const PRESENCE_ORDER = { available: 0, busy: 1, break: 2, offline: 3 };
  const SESSION_ENDED = 4401; // stream close code: log in again
  const BACKOFF_FIRST_MS = 1000;
  const BACKOFF_MAX_MS = 10000;
  const STABLE_STREAM_MS = 5000; // a stream open this long resets the back-off
  const RESYNC_AFTER_HIDDEN_MS = 30000; // a phone asleep longer may hold a dead socket
  const REQUEST_TIMEOUT_MS = 15000;
  const WORKSHOP_DAYS_AHEAD = 60;
  const TOAST_MS = 6000;
  const FLASH_MS = 3000;
  const VIBRATION = [200, 100, 200];
  const VIBRATION_URGENT = [400, 150, 400, 150, 400];
  const SOUNDS = { chime: { file: "sounds/chime.wav", volume: 0.8 },
                   alert: { file: "sounds/alert.wav", volume: 1.0 } };

  const API = apiBase();

  const state = {
    lang: "fr",
    strings: {},
    token: null,
    me: null, // {name, role, state} from GET /me; state kept to what I chose
    requests: new Map(), // id -> request (queued or claimed only)
    removed: new Map(), // id -> time of the change that removed it (late answers)
    cards: new Map(), // id -> card element
    lastSeq: 0,
    synced: false, // a first snapshot was read in this session
    people: new Map(), // name -> presence entry
    availableCount: null, // null while unknown
    ws: null,
    wsOpenedAt: 0,
    backoff: BACKOFF_FIRST_MS,
    reconnectTimer: 0,
    syncGeneration: 0,
    connection: "connecting", // connecting | online | offline
    hiddenAt: 0,
    clockOffset: 0, // hub clock minus this phone's clock (ms), when they differ much
    view: "queue",
    day: null, // last GET /me/day answer
    dayTimer: 0,
    audioUnlocked: false,
    alertsTapped: false, // "enable alerts" was tapped on this page
    sounds: {},
    wakeLock: null,
    wakeLockPending: false,
    sheet: null, // {name, id, opener, ...} of the open sheet
    workshop: null, // the workshop sign-up form's state
    toastTimer: 0,
  };

  // ---------------------------------------------------------------------------------
  // Small helpers

  function $(id) {
    return document.getElementById(id);
  }

  /** An element with attributes ("text" sets textContent) and children. */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      const value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.append(child);
    });
    return node;
  }

  /**
   * Set a text and hide the element when it is empty; a live region (role or aria-live)
   * stays in place, empty (style.css collapses it), so that its next text is read.
   */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
    if (!node.hasAttribute("role") && !node.hasAttribute("aria-live")) node.hidden = !text;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function pad2(n) {
    return String(n).padStart(2, "0");
  }

  function now() {
    return Date.now() + state.clockOffset;
  }

  function timeOf(iso) {
    const ms = Date.parse(iso || "");
    return Number.isNaN(ms) ? 0 : ms;
  }

  function locale() {
    return state.lang === "en" ? "en-GB" : "fr-FR";
  }

  function myName() {
    return state.me ? state.me.name : null;
  }

  function storageGet(storage, key) {
    try {
      return window[storage].getItem(key);
    } catch (err) {
      return null;
    }
  }

  function storageSet(storage, key, value) {
    try {
      if (value === null) window[storage].removeItem(key);
      else window[storage].setItem(key, value);
    } catch (err) {
      /* private mode or storage full: the page still works for this visit */
    }
  }

  /** The API's base path: "/api/v1" next to the folder that serves this page. */
  function apiBase() {
    const path = location.pathname;
    const at = path.lastIndexOf("/console");
    return (at >= 0 ? path.slice(0, at) : "") + "/api/v1";
  }

  // ---------------------------------------------------------------------------------
  // Strings: t(key, params) over strings.json (Python format style placeholders)

  const FIELD = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}/g;

  /** CLDR categories for whole numbers: French 0 and 1 are "one", English 1 only. */
  function pluralCategory(n) {
    const value = Math.abs(Number(n));
    if (state.lang === "fr") return Math.floor(value) <= 1 ? "one" : "other";
    return value === 1 ? "one" : "other";
  }

  function has(key) {
    return Object.prototype.hasOwnProperty.call(state.strings, key);
  }

  function t(key, params) {
    const values = params || {};
    let text = has(key) ? state.strings[key] : undefined;
    if (text && typeof text === "object") {
      text = text[pluralCategory(values.n)] || text.other;
    }
    if (typeof text !== "string") {
      console.warn("no UI string", key);
      return key; // visible, so a missing string is noticed, never a blank
    }
    return format(text, values);
  }

  function format(text, values) {
    return text.replace(FIELD, function (whole, name, spec) {
      if (whole === "{{") return "{";
      if (whole === "}}") return "}";
      if (!Object.prototype.hasOwnProperty.call(values, name)) return whole;
      return formatValue(values[name], spec || "");
    });
  }

  /** The format specs the catalogs use: "", "d", "2d", "02d". */
  function formatValue(value, spec) {
    const number = /^(0?)(\d*)d$/.exec(spec);
    if (!number) return value === null || value === undefined ? "" : String(value);
    const text = String(Math.trunc(Number(value) || 0));
    const width = Number(number[2] || 0);
    return text.padStart(width, number[1] === "0" ? "0" : " ");
  }

  function languageName(code) {
    return has("languages." + code) ? t("languages." + code) : String(code || "");
  }

  function levelName(level) {
    return has("levels." + level) ? t("levels." + level) : String(level || "?");
  }

  async function fetchStrings(lang) {
    const response = await fetch("strings.json?lang=" + encodeURIComponent(lang),
                                 { cache: "no-cache" });
    if (!response.ok) throw new Error("strings " + response.status);
    const data = await response.json();
    if (!data || typeof data !== "object") throw new Error("strings: not an object");
    return data;
  }

  /** Strings at start-up, tried again (1, 2, 4 ... 10 s) while the hub does not answer. */
  async function loadFirstStrings(lang) {
    let wait = BACKOFF_FIRST_MS;
    for (;;) {
      try {
        return await fetchStrings(lang);
      } catch (err) {
        await new Promise(function (resolve) { setTimeout(resolve, wait); });
        wait = Math.min(wait * 2, BACKOFF_MAX_MS);
      }
    }
  }

  /** Fill every data-i18n (text), data-i18n-aria (aria-label) under root. */
  function applyStrings(root) {
    root.querySelectorAll("[data-i18n]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    root.querySelectorAll("[data-i18n-aria]").forEach(function (node) {
      node.setAttribute("aria-label", t(node.getAttribute("data-i18n-aria")));
    });
  }

  function initialLanguage() {
    const saved = storageGet("localStorage", LANG_KEY);
    if (saved === "fr" || saved === "en") return saved;
    const browser = String(navigator.language || "").toLowerCase();
    return browser.startsWith("en") ? "en" : "fr";
  }

  function setDocumentLanguage() {
    document.documentElement.lang = state.lang;
    const other = state.lang === "fr" ? "en" : "fr";
    document.querySelectorAll("[data-lang-toggle]").forEach(function (button) {
      button.setAttribute("lang", other); // its label names the other language
    });
  }

  async function switchLanguage() {
    const next = state.lang === "fr" ? "en" : "fr";
    let strings;
    try {
      strings = await fetchStrings(next);
    } catch (err) {
      toast(t("queue.unreachable"), "error");
      return;
    }
    state.lang = next;
    state.strings = strings;
    storageSet("localStorage", LANG_KEY, next);
    setDocumentLanguage();
    applyStrings(document);
    renderAll();
  }

  // ---------------------------------------------------------------------------------
  // The hub's API

  /**
   * One API call: {status, data}; status 0 when the hub cannot be reached. A 401 on an
   * authenticated call ends the session (unless options.auth is false).
   */
  async function api(method, path, body, options) {
    const opts = options || {};
    const token = opts.token !== undefined ? opts.token : state.token;
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const init = { method: method, headers: headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (opts.keepalive) init.keepalive = true;
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    if (controller) init.signal = controller.signal;
    const timer = controller ? setTimeout(function () { controller.abort(); },
                                          REQUEST_TIMEOUT_MS) : 0;
    let response;
    let data = null;
    try {
      response = await fetch(API + path, init);
      noteHubClock(response);
      try {
        data = await response.json();
      } catch (err) {
        data = null;
      }
    } catch (err) {
      return { status: 0, data: null };
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401 && opts.auth !== false && token && token === state.token) {
      sessionEnded();
    }
    return { status: response.status, data: data };
  }

  /** Waiting times count from the hub's clock when the phone's is far off. */
  function noteHubClock(response) {
    const header = response.headers.get("Date");
    const hub = header ? Date.parse(header) : NaN;
    if (Number.isNaN(hub)) return;
    const offset = hub - Date.now();
    state.clockOffset = Math.abs(offset) > 5000 ? offset : 0;
  }

  /** The hub's words in an error answer ({"detail": "..."} or a list of them). */
  function hubWords(payload) {
    const detail = payload && typeof payload === "object" ? payload.detail : payload;
    if (Array.isArray(detail)) {
      return detail.map(function (d) {
        return d && typeof d === "object" ? String(d.msg || "").replace(/^Value error, /, "")
                                          : String(d);
      }).join("; ");
    }
    return detail === null || detail === undefined ? "" : String(detail);
  }

  /** The sentence for a failed action on a call. */
  function actionError(result, action) {
    switch (result.status) {
      case 0: return t("queue.unreachable");
      case 403: return t("phone.errors.forbidden");
      case 404: return t("queue.gone");
      case 409:
        if (action === "claim" || action === "accept") return t("queue.conflict");
        return t("phone.errors.refused", { detail: hubWords(result.data) || result.status });
      default:
        return t("phone.errors.refused", { detail: hubWords(result.data) || result.status });
    }
  }

  // ---------------------------------------------------------------------------------
  // Logging in and out

  async function onLoginSubmit(event) {
    event.preventDefault();
    unlockAudio(); // the tap on "log in" is a user gesture: sounds may play later
    const username = $("username").value.trim();
    const password = $("password").value;
    if (!username || !password) {
      (username ? $("password") : $("username")).focus();
      return;
    }
    const submit = $("login-submit");
    submit.disabled = true;
    showLoginMessage("", "");
    const result = await api("POST", "/auth/login", { username: username, password: password },
                             { auth: false, token: null });
    submit.disabled = false;
    if (result.status === 200 && result.data && result.data.token) {
      $("password").value = "";
      state.token = String(result.data.token);
      storageSet("sessionStorage", TOKEN_KEY, state.token);
      startSession();
    } else if (result.status === 401) {
      showLoginMessage(t("login.wrong"), "error");
      $("password").select();
    } else if (result.status === 429) {
      showLoginMessage(t("login.locked"), "error");
    } else if (result.status === 0) {
      showLoginMessage(t("login.unreachable"), "error");
    } else {
      showLoginMessage(t("phone.errors.refused",
                         { detail: hubWords(result.data) || result.status }), "error");
    }
  }

  function showLoginMessage(text, kind) {
    const node = $("login-message");
    node.dataset.kind = kind || "";
    setText(node, text);
  }

  function showLogin(messageKey) {
    $("app-view").hidden = true;
    $("login-view").hidden = false;
    showLoginMessage(messageKey ? t(messageKey) : "", messageKey ? "info" : "");
    $("username").focus();
  }

  function startSession() {
    state.me = null;
    state.synced = false;
    state.backoff = BACKOFF_FIRST_MS;
    state.connection = "connecting";
    $("login-view").hidden = true;
    $("app-view").hidden = false;
    showView("queue");
    renderAll();
    updateAlertsControls();
    updateWakeLock();
    resync();
  }

  /** Forget everything of the session on this page (token, calls, stream, timers). */
  function stopSession() {
    state.token = null;
    storageSet("sessionStorage", TOKEN_KEY, null);
    state.syncGeneration += 1; // answers still on their way are dropped
    clearTimeout(state.reconnectTimer);
    closeStream();
    closeSheet();
    state.me = null;
    state.requests.clear();
    state.removed.clear();
    state.cards.forEach(function (card) { card.remove(); });
    state.cards.clear();
    state.people.clear();
    state.availableCount = null;
    state.lastSeq = 0;
    state.day = null;
    state.synced = false;
    updateWakeLock();
  }

  function logout() {
    const token = state.token;
    stopSession();
    showLogin(null);
    if (token) {
      // told to the hub without waiting: the phone forgets the token anyway
      api("POST", "/auth/logout", undefined, { token: token, auth: false, keepalive: true });
    }
  }

  /** The hub refused the token (401, close 4401): back to the login with a word. */
  function sessionEnded() {
    if (!state.token) return;
    stopSession();
    showLogin("login.ended");
  }

  // ---------------------------------------------------------------------------------
  // Snapshot, stream, reconnection

  /** Read the calls (and me, and the presence), then follow the stream from that seq. */
  async function resync() {
    clearTimeout(state.reconnectTimer);
    if (!state.token) return;
    const generation = ++state.syncGeneration;
    const current = function () { return generation === state.syncGeneration && state.token; };
    if (!state.me) {
      const me = await api("GET", "/me");
      if (!current()) return;
      if (me.status === 403) {
        stopSession();
        showLogin("phone.errors.forbidden");
        return;
      }
      if (me.status !== 200 || !me.data) return retryLater();
      state.me = me.data;
      renderMe();
    }
    const answers = await Promise.all([api("GET", "/presence"),
                                       api("GET", "/help-requests?status=queued,claimed")]);
    if (!current()) return;
    const presence = answers[0];
    const list = answers[1];
    if (list.status !== 200 || !list.data || !Array.isArray(list.data.items)) {
      return retryLater();
    }
    if (presence.status === 200 && presence.data) setPeople(presence.data);
    const fresh = replaceRequests(list.data.items);
    state.lastSeq = typeof list.data.seq === "number" ? list.data.seq : state.lastSeq;
    if (state.synced) alertMissed(fresh);
    state.synced = true;
    renderQueue();
    renderPresence();
    if (state.view === "day") loadMyDay();
    openStream(typeof list.data.seq === "number" ? list.data.seq : null);
  }

  function retryLater() {
    if (!state.token) return; // a 401 already ended the session
    setConnection("offline");
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (!state.token) return;
    clearTimeout(state.reconnectTimer);
    const delay = state.backoff;
    state.backoff = Math.min(state.backoff * 2, BACKOFF_MAX_MS);
    state.reconnectTimer = setTimeout(resync, delay);
  }

  /** Reconnect at once (network back, page shown again). */
  function reconnectNow() {
    if (!state.token) return;
    closeStream();
    state.backoff = BACKOFF_FIRST_MS;
    resync();
  }

  function streamUrl(since) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = since === null ? "" : "?since=" + encodeURIComponent(String(since));
    return scheme + "//" + location.host + API + "/stream" + query;
  }

  function openStream(since) {
    closeStream();
    let socket;
    try {
      // the token travels as a subprotocol, never in the URL
      socket = new WebSocket(streamUrl(since), ["guichet", state.token]);
    } catch (err) {
      retryLater();
      return;
    }
    state.ws = socket;
    socket.onopen = function () {
      if (socket !== state.ws) return;
      state.wsOpenedAt = Date.now();
      setConnection("online");
    };
    socket.onmessage = function (event) {
      if (socket === state.ws) onStreamMessage(event.data);
    };
    socket.onerror = function () { /* a close event follows */ };
    socket.onclose = function (event) {
      if (socket !== state.ws) return;
      state.ws = null;
      onStreamClosed(event);
    };
  }

  /** Close the stream without reacting to its close event. */
  function closeStream() {
    const socket = state.ws;
    state.ws = null;
    state.wsOpenedAt = 0;
    if (socket) {
      try {
        socket.close(1000);
      } catch (err) {
        /* already closed */
      }
    }
  }

  function onStreamClosed(event) {
    if (event.code === SESSION_ENDED) {
      sessionEnded();
      return;
    }
    if (state.wsOpenedAt && Date.now() - state.wsOpenedAt >= STABLE_STREAM_MS) {
      state.backoff = BACKOFF_FIRST_MS;
    }
    state.wsOpenedAt = 0;
    setConnection("offline");
    scheduleReconnect();
  }

  function onStreamMessage(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (err) {
      return;
    }
    if (!message || typeof message !== "object") return;
    if (typeof message.seq === "number") {
      if (message.seq <= state.lastSeq) return; // seen already (replay, snapshot)
      state.lastSeq = message.seq;
    }
    const type = String(message.type || "");
    if (type.startsWith("help.") && message.request && message.request.id) {
      onHelpMessage(type, message.request);
    } else if (type === "presence.changed" && message.person) {
      applyPerson(message.person);
      renderPresence();
    } else if (type.startsWith("workshop.") && state.workshop && !state.workshop.registration) {
      loadWorkshops(); // a workshop changed or was cancelled under the open sign-up sheet
    }
    // kiosk.heartbeat and flow.published change nothing on this page
  }

  function onHelpMessage(type, incoming) {
    const before = state.requests.get(incoming.id) || null;
    const request = before ? Object.assign({}, before, incoming) : incoming;
    storeRequest(request);
    renderQueue();
    tellAboutChange(type, before, request);
    if (!isOfferToMe(request) && request.status !== "queued") clearNotification(request.id);
    if (type === "help.created" && request.status === "queued") {
      alertFor(request, "new");
    } else if (type === "help.realerted" && request.status === "queued") {
      alertFor(request, "urgent");
    } else if (type === "help.handover" && isOfferToMe(request)) {
      alertFor(request, "handover");
    }
    if (state.view === "day" && type === "help.resolved" && request.claimed_by === myName()) {
      scheduleDayReload();
    }
  }

  /** A word to me about my hand-over's answer. */
  function tellAboutChange(type, before, request) {
    const me = myName();
    if (!before || before.claimed_by !== me || !before.handover_to) return;
    if (type === "help.accepted") {
      toast(t("phone.handover.accepted", { name: before.handover_to }), "info");
    } else if (type === "help.declined") {
      toast(t("phone.handover.declined", { name: before.handover_to }), "info");
    }
  }

  function setConnection(connection) {
    state.connection = connection;
    renderConnection();
  }

  // ---------------------------------------------------------------------------------
  // The calls

  function isOpen(request) {
    return request.status === "queued" || request.status === "claimed";
  }

  function isMine(request) {
    return request.status === "claimed" && request.claimed_by === myName();
  }

  function isOfferToMe(request) {
    return request.status === "claimed" && !!request.handover_to &&
      request.handover_to === myName() && request.claimed_by !== myName();
  }

  function holdsCall() {
    for (const request of state.requests.values()) {
      if (isMine(request)) return true;
    }
    return false;
  }

  /** Keep a call from the stream (always newer) or remove it once closed. */
  function storeRequest(request) {
    if (isOpen(request)) {
      state.requests.set(request.id, request);
      state.removed.delete(request.id);
    } else {
      state.requests.delete(request.id);
      state.removed.set(request.id, timeOf(request.updated_at));
    }
  }

  /** Keep a call from an action's answer, unless the stream told of a later change. */
  function storeAnswer(request) {
    if (!request || !request.id) return;
    const known = state.requests.get(request.id);
    const stamp = timeOf(request.updated_at);
    if (known && timeOf(known.updated_at) > stamp) return;
    if (!known && state.removed.has(request.id) && state.removed.get(request.id) >= stamp &&
        isOpen(request)) {
      return;
    }
    storeRequest(request);
  }

  /** A snapshot replaces every call; answers the calls not known before (queued, or
   * offered to me), to alert about after a reconnection. */
  function replaceRequests(items) {
    const fresh = [];
    const known = state.requests;
    state.requests = new Map();
    state.removed.clear();
    items.forEach(function (request) {
      if (!request || !request.id || !isOpen(request)) return;
      if (request.status === "queued" && !known.has(request.id)) fresh.push(request);
      if (isOfferToMe(request) && !(known.get(request.id) || {}).handover_to) fresh.push(request);
      state.requests.set(request.id, request);
    });
    return fresh;
  }

  function compareRequests(a, b) {
    const rank = function (r) { return r.status === "queued" ? 0 : 1; };
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (a.status === "queued") {
      const front = (Number(b.front) || 0) - (Number(a.front) || 0);
      if (front) return front;
      return timeOf(a.created_at) - timeOf(b.created_at);
    }
    const mine = function (r) { return isMine(r) ? 0 : 1; };
    if (mine(a) !== mine(b)) return mine(a) - mine(b);
    return timeOf(a.claimed_at || a.created_at) - timeOf(b.claimed_at || b.created_at);
  }

  /** Flow, step and step text in the console's language (see the contract). */
  function titles(request) {
    const own = state.lang === "en" && request.language === "en";
    const pick = function (customer, french) { return (own && customer) || french || ""; };
    if (!request.flow_id) return { flow: "", step: "", text: "" };
    return {
      flow: pick(request.flow_title, request.flow_title_fr) || request.flow_id,
      step: request.step_id ? pick(request.step_title, request.step_title_fr) || request.step_id
                            : "",
      text: request.step_id ? pick(request.step_text, request.step_text_fr) : "",
    };
  }

  function whereText(request) {
    const names = titles(request);
    if (!names.flow) return t("queue.nowhere");
    return names.step ? t("queue.where", { flow: names.flow, step: names.step }) : names.flow;
  }

  function kindText(request) {
    return request.kind === "workshop"
      ? t("queue.kind_workshop", { level: levelName(request.level) })
      : t("queue.kind_help");
  }

  function kioskText(request) {
    return t("queue.kiosk", { kiosk: request.kiosk_id || "" });
  }

  function waitingText(request) {
    const seconds = Math.max(0, Math.floor((now() - timeOf(request.created_at)) / 1000));
    return t("queue.waiting", { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
  }

  // ---------------------------------------------------------------------------------
  // Cards

  function createCard(request) {
    const id = request.id;
    const parts = {
      banner: el("p", { className: "card-banner", hidden: true }),
      urgent: el("p", { className: "card-urgent", hidden: true }),
      kiosk: el("h3", { className: "card-kiosk" }),
      kind: el("p", { className: "card-kind" }),
      language: el("p", { className: "card-language" }),
      where: el("p", { className: "card-where" }),
      stepText: el("p", { className: "card-step-text", hidden: true }),
      waiting: el("p", { className: "card-waiting" }),
      claimed: el("p", { className: "card-claimed", hidden: true }),
      pending: el("p", { className: "card-pending", hidden: true }),
    };
    const buttons = {};
    const actions = el("div", { className: "card-actions" });
    [["claim", "queue.claim", "btn btn-primary"],
     ["accept", "phone.handover.accept", "btn btn-primary"],
     ["decline", "phone.handover.decline", "btn"],
     ["release", "queue.release", "btn"],
     ["handover", "phone.handover.button", "btn"],
     ["resolve", "queue.resolve", "btn btn-primary"],
     ["register", "queue.register", "btn"]].forEach(function (spec) {
      const button = el("button", { type: "button", className: spec[2], "data-action": spec[0],
                                    "data-i18n": spec[1], hidden: true });
      buttons[spec[0]] = button;
      actions.append(button);
    });
    const noteId = "note-" + id;
    const note = el("textarea", { id: noteId, className: "input", rows: 2, maxlength: 2000,
                                  "aria-describedby": noteId + "-hint" });
    note.addEventListener("blur", function () { saveNote(id, false); });
    buttons.note = el("button", { type: "button", className: "btn", "data-action": "note",
                                  "data-i18n": "phone.note.save" });
    const noteBox = el("div", { className: "card-note field", hidden: true }, [
      el("label", { for: noteId, "data-i18n": "queue.note" }),
      note,
      el("p", { id: noteId + "-hint", className: "hint", "data-i18n": "phone.note.hint" }),
      buttons.note,
    ]);
    const card = el("li", { className: "card", "data-request-id": id }, [
      parts.banner, parts.urgent, parts.kiosk, parts.kind, parts.language, parts.where,
      parts.stepText, parts.waiting, parts.claimed, parts.pending, actions, noteBox,
    ]);
    card.guichet = { parts: parts, buttons: buttons, note: note, noteBox: noteBox,
                     savedNote: null, savingNote: false };
    applyStrings(card);
    return card;
  }

  function updateCard(card, request) {
    const view = card.guichet;
    const parts = view.parts;
    const buttons = view.buttons;
    const mine = isMine(request);
    const offer = isOfferToMe(request);
    const urgent = request.status === "queued" && !!request.realerted_at;
    card.dataset.state = offer ? "offer" : urgent ? "urgent"
      : request.status === "queued" ? "queued" : mine ? "mine" : "claimed";
    setText(parts.banner, offer ? t("phone.handover.offered", { name: request.claimed_by }) : "");
    setText(parts.urgent, urgent ? t("queue.urgent") : "");
    setText(parts.kiosk, kioskText(request));
    setText(parts.kind, kindText(request));
    setText(parts.language, t("phone.customer_language",
                              { language: languageName(request.language || "fr") }));
    setText(parts.where, whereText(request));
    setText(parts.stepText, titles(request).text);
    setText(parts.waiting, waitingText(request));
    setText(parts.claimed, request.status === "claimed" && !offer
      ? t("queue.claimed_by", { name: request.claimed_by || "" }) : "");
    setText(parts.pending, mine && request.handover_to
      ? t("phone.handover.waiting", { name: request.handover_to }) : "");
    show(buttons.claim, request.status === "queued");
    show(buttons.accept, offer);
    show(buttons.decline, offer);
    show(buttons.release, mine);
    show(buttons.handover, mine && !request.handover_to);
    show(buttons.resolve, mine);
    show(buttons.register, mine);
    show(view.noteBox, mine);
    updateNoteField(view, request);
  }

  /** Show the hub's note unless the mediator is typing a different one. */
  function updateNoteField(view, request) {
    const hubNote = request.note || "";
    const typing = document.activeElement === view.note ||
      view.note.value !== (view.savedNote || "");
    if (view.savedNote === null || !typing) {
      view.note.value = hubNote;
    }
    view.savedNote = hubNote;
  }

  /** Put the cards in order in their lists (offers to me on top), keeping focus. */
  function renderQueue() {
    const focused = document.activeElement;
    const all = Array.from(state.requests.values());
    const offers = all.filter(isOfferToMe).sort(function (a, b) {
      return timeOf(a.handover_at) - timeOf(b.handover_at);
    });
    const rest = all.filter(function (r) { return !isOfferToMe(r); }).sort(compareRequests);
    let lostFocus = false;
    state.cards.forEach(function (card, id) {
      if (state.requests.has(id)) return;
      if (card.contains(focused)) lostFocus = true;
      card.remove();
      state.cards.delete(id);
    });
    placeCards($("offers"), offers);
    placeCards($("queue"), rest);
    if (lostFocus) $("queue-title").focus({ preventScroll: true });
    else if (focused && focused !== document.activeElement && focused.isConnected) {
      focused.focus({ preventScroll: true });
    }
    const queued = all.filter(function (r) { return r.status === "queued"; }).length;
    $("queue-title").textContent = t("queue.title", { count: queued });
    $("tab-queue-count").textContent = queued ? String(queued) : "";
    show($("queue-empty"), all.length === 0);
    show($("offers"), offers.length > 0);
    renderPresence();
    checkOpenSheet();
  }

  function placeCards(list, requests) {
    requests.forEach(function (request, index) {
      let card = state.cards.get(request.id);
      if (!card) {
        card = createCard(request);
        state.cards.set(request.id, card);
      }
      updateCard(card, request);
      const here = list.children[index] || null;
      if (here !== card) list.insertBefore(card, here);
    });
  }

  /** Every second: the waiting times. */
  function tick() {
    if (!state.token) return;
    state.cards.forEach(function (card, id) {
      const request = state.requests.get(id);
      if (request) setText(card.guichet.parts.waiting, waitingText(request));
    });
  }

  function flashCard(id) {
    const card = state.cards.get(id);
    if (!card) return;
    card.classList.remove("flash");
    void card.offsetWidth; // restart the animation
    card.classList.add("flash");
    setTimeout(function () { card.classList.remove("flash"); }, FLASH_MS);
  }

  function onCardClick(event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const card = button.closest("[data-request-id]");
    const request = card ? state.requests.get(card.getAttribute("data-request-id")) : null;
    if (!request) return;
    switch (button.dataset.action) {
      case "claim": runAction(request, "claim", undefined, button); break;
      case "release": runAction(request, "release", undefined, button); break;
      case "accept": runAction(request, "accept", undefined, button); break;
      case "decline": runAction(request, "decline", undefined, button); break;
      case "handover": openHandover(request, button); break;
      case "resolve": openResolve(request, button); break;
      case "register": openWorkshop(request, button); break;
      case "note": saveNote(request.id, true); break;
      default: break;
    }
  }

  /**
   * POST /help-requests/{id}/{action}; the answer updates the card at once (the stream
   * says the same a moment later). Errors go to the toast unless options.quiet.
   */
  async function runAction(request, action, body, button, options) {
    const opts = options || {};
    if (button) button.disabled = true;
    const result = await api("POST", "/help-requests/" + encodeURIComponent(request.id) + "/" +
                             action, body);
    if (button) button.disabled = false;
    if (!state.token) return result;
    if (result.status === 200 && result.data) {
      storeAnswer(result.data);
      renderQueue();
      restoreFocus(button, request.id);
      if (action === "accept" || action === "decline") clearNotification(request.id);
      return result;
    }
    if (result.status === 404) {
      storeRequest(Object.assign({}, request, { status: "cancelled" }));
      renderQueue();
    } else if (result.status === 409) {
      refreshRequest(request.id);
    }
    restoreFocus(button, request.id);
    if (!opts.quiet && result.status !== 401) toast(actionError(result, action), "error");
    return result;
  }

  /**
   * A button that was disabled during its request (or hidden by the answer) loses the
   * focus: give it to the card's next action, or to the list's title.
   */
  function restoreFocus(button, id) {
    const active = document.activeElement;
    if (!button || (active && active !== document.body && active !== button)) return;
    if (button.isConnected && !button.hidden && !button.closest("[hidden]")) {
      button.focus({ preventScroll: true });
      return;
    }
    if (!state.sheet) focusCard(state.cards.get(id));
  }

  /** Focus a card's first action (or the list's title when the card is gone). */
  function focusCard(card) {
    const next = card && card.isConnected && !card.closest("[hidden]")
      ? card.querySelector(".card-actions button:not([hidden])") : null;
    if (next) next.focus({ preventScroll: true });
    else if (state.token && state.view === "queue") $("queue-title").focus({ preventScroll: true });
  }

  /** Read one call again (after a conflict): the card shows the truth. */
  async function refreshRequest(id) {
    const result = await api("GET", "/help-requests/" + encodeURIComponent(id));
    if (result.status === 200 && result.data) {
      storeAnswer(result.data);
      renderQueue();
    }
  }

  /** Save the note of a call I hold (on blur, or with the button: then say so). */
  async function saveNote(id, fromButton) {
    const card = state.cards.get(id);
    const request = state.requests.get(id);
    if (!card || !request || !isMine(request)) return;
    const view = card.guichet;
    const note = view.note.value.trim();
    if (view.savingNote) return;
    if (note === (request.note || "").trim()) {
      if (fromButton) toast(t("phone.note.saved"), "info");
      return;
    }
    view.savingNote = true;
    view.buttons.note.disabled = true;
    const result = await api("POST", "/help-requests/" + encodeURIComponent(id) + "/note",
                             { note: note });
    view.savingNote = false;
    view.buttons.note.disabled = false;
    if (!state.token) return;
    if (result.status === 200 && result.data) {
      view.savedNote = null; // take the hub's text as it is now
      storeAnswer(result.data);
      renderQueue();
      toast(t("phone.note.saved"), "info");
    } else if (result.status !== 401) {
      toast(actionError(result, "note"), "error");
    }
  }

  // ---------------------------------------------------------------------------------
  // Presence

  function setPeople(data) {
    state.people.clear();
    (Array.isArray(data.items) ? data.items : []).forEach(function (person) {
      if (person && person.name) state.people.set(person.name, person);
    });
    const mine = state.people.get(myName());
    if (mine) keepMyChoice(mine.state);
    state.availableCount = typeof data.available === "number" ? data.available : countAvailable();
  }

  function applyPerson(person) {
    if (!person || !person.name) return;
    state.people.set(person.name, person);
    if (person.name === myName()) keepMyChoice(person.state);
    state.availableCount = countAvailable();
  }

  /** My own choice (available or on a break): "busy" and "offline" are the hub's view. */
  function keepMyChoice(hubState) {
    if (state.me && (hubState === "available" || hubState === "break")) state.me.state = hubState;
  }

  function countAvailable() {
    let count = 0;
    state.people.forEach(function (person) {
      if (person.on_duty !== false && person.state === "available") count += 1;
    });
    return count;
  }

  /** What my selector shows: busy while I hold a call, else my choice. */
  function myState() {
    if (holdsCall()) return "busy";
    return state.me && state.me.state === "break" ? "break" : "available";
  }

  async function onPresenceChange() {
    const select = $("presence");
    const wanted = select.value;
    if (wanted !== "available" && wanted !== "break") {
      renderPresence();
      return;
    }
    select.disabled = true;
    const result = await api("PUT", "/presence", { state: wanted });
    select.disabled = false;
    if (!state.token) return;
    if (result.status === 200 && result.data) {
      if (state.me) state.me.state = wanted;
      applyPerson(Object.assign({ name: myName() }, result.data));
    } else if (result.status !== 401) {
      toast(t("phone.presence.failed"), "error");
    }
    renderPresence();
  }

  function renderPresence() {
    const select = $("presence");
    const current = myState();
    if (select.value !== current) select.value = current;
    select.dataset.state = current;
    show($("nobody-available"), !!state.token && state.availableCount === 0);
    updateWakeLock();
  }

  function renderMe() {
    $("me-name").textContent = myName() || "";
  }

  function renderConnection() {
    const node = $("connection");
    node.dataset.state = state.connection;
    node.textContent = t("phone.connection." + state.connection);
  }

  // ---------------------------------------------------------------------------------
  // Alerts: sound, vibration, system notification, screen wake lock

  /** Alert me when I am available, or everyone when nobody is. */
  function shouldAlert() {
    return myState() === "available" || state.availableCount === 0;
  }

  function alertFor(request, kind) {
    const kiosk = kioskText(request);
    const texts = {
      new: [t("phone.announce.new", { kiosk: kiosk, kind: kindText(request) }),
            t("phone.notify.new")],
      urgent: [t("phone.announce.urgent", { kiosk: kiosk, kind: kindText(request) }),
               t("phone.notify.urgent")],
      handover: [t("phone.handover.offered", { name: request.claimed_by || "" }),
                 t("phone.handover.offered", { name: request.claimed_by || "" })],
    }[kind];
    announce(texts[0]);
    flashCard(request.id);
    if (kind !== "handover" && !shouldAlert()) return;
    playSound(kind === "urgent" ? "alert" : "chime");
    vibrate(kind === "urgent" ? VIBRATION_URGENT : VIBRATION);
    notify(texts[1], t("phone.notify.body", { kiosk: kiosk, where: whereText(request) }),
           request.id, kind !== "new");
  }

  /** After a reconnection: one alert for the calls that came meanwhile. */
  function alertMissed(fresh) {
    if (!fresh.length) return;
    const offer = fresh.find(isOfferToMe);
    if (offer) alertFor(offer, "handover");
    else alertFor(fresh[0], fresh.some(function (r) { return r.realerted_at; }) ? "urgent" : "new");
  }

  function announce(text) {
    const node = $("announcer");
    node.textContent = "";
    setTimeout(function () { node.textContent = text; }, 50); // the same text again is read
  }

  function sound(name) {
    if (!(name in state.sounds)) {
      try {
        const audio = new Audio(SOUNDS[name].file);
        audio.preload = "auto";
        state.sounds[name] = audio;
      } catch (err) {
        state.sounds[name] = null;
      }
    }
    return state.sounds[name];
  }

  function playSound(name) {
    const audio = sound(name);
    if (!audio) return;
    try {
      audio.pause();
      audio.currentTime = 0;
      audio.muted = false;
      audio.volume = SOUNDS[name].volume;
      const playing = audio.play();
      if (playing && playing.catch) playing.catch(function () { /* not allowed yet */ });
    } catch (err) {
      /* no audio on this device */
    }
  }

  /** Play each sound once, muted, inside a user gesture: later alerts may then sound. */
  function unlockAudio() {
    if (state.audioUnlocked) return;
    Object.keys(SOUNDS).forEach(function (name) {
      const audio = sound(name);
      if (!audio) return;
      try {
        audio.muted = true;
        const playing = audio.play();
        const done = function () {
          audio.pause();
          audio.currentTime = 0;
          audio.muted = false;
        };
        if (playing && playing.then) {
          playing.then(function () {
            done();
            state.audioUnlocked = true;
            updateAlertsControls();
          }, function () { audio.muted = false; });
        } else {
          done();
          state.audioUnlocked = true;
        }
      } catch (err) {
        audio.muted = false;
      }
    });
    updateAlertsControls();
  }

  function vibrate(pattern) {
    if (typeof navigator.vibrate !== "function") return;
    try {
      navigator.vibrate(pattern);
    } catch (err) {
      /* not allowed: the sound and the card still tell */
    }
  }

  function notificationsPossible() {
    return window.isSecureContext === true && "Notification" in window &&
      "serviceWorker" in navigator;
  }

  function registerServiceWorker() {
    if (!notificationsPossible()) return;
    navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(function () {
      /* no service worker: no system notification, the rest works */
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      const data = event.data || {};
      if (data.type === "show-request" && data.id) showRequest(String(data.id));
    });
  }

  async function registration() {
    try {
      return (await navigator.serviceWorker.getRegistration()) || null;
    } catch (err) {
      return null;
    }
  }

  async function notify(title, body, id, important) {
    if (!notificationsPossible() || Notification.permission !== "granted") return;
    const options = { body: body, tag: "guichet-" + id, renotify: true, lang: state.lang,
                      requireInteraction: !!important, data: { id: id } };
    const reg = await registration();
    try {
      if (reg) await reg.showNotification(title, options);
    } catch (err) {
      /* the page's own alert (sound, card) is enough */
    }
  }

  async function clearNotification(id) {
    if (!notificationsPossible() || Notification.permission !== "granted") return;
    const reg = await registration();
    if (!reg || typeof reg.getNotifications !== "function") return;
    try {
      (await reg.getNotifications({ tag: "guichet-" + id })).forEach(function (n) { n.close(); });
    } catch (err) {
      /* nothing to close */
    }
  }

  function askNotificationPermission() {
    return new Promise(function (resolve) {
      try {
        const asked = Notification.requestPermission(resolve); // old Safari: a callback
        if (asked && asked.then) asked.then(resolve, function () { resolve("default"); });
      } catch (err) {
        resolve("default");
      }
    });
  }

  /** The "enable alerts" button: a user gesture for sound, notifications, wake lock. */
  async function enableAlerts() {
    state.alertsTapped = true;
    unlockAudio();
    updateWakeLock();
    if (notificationsPossible() && Notification.permission === "default") {
      await askNotificationPermission();
    }
    updateAlertsControls();
    if ($("enable-alerts").hidden) $("tab-queue").focus({ preventScroll: true });
  }

  function notificationState() {
    if (!notificationsPossible()) return "unsupported";
    return Notification.permission; // granted | denied | default
  }

  /** The button stays until tapped once, and while sound or permission still lack. */
  function updateAlertsControls() {
    const permission = notificationState();
    const needed = !state.alertsTapped || !state.audioUnlocked || permission === "default";
    show($("enable-alerts"), !!state.token && needed);
    const key = permission === "granted" ? (state.audioUnlocked ? "phone.alerts.enabled" : "")
      : permission === "denied" ? "phone.alerts.denied"
      : permission === "unsupported" && state.audioUnlocked ? "phone.alerts.unsupported" : "";
    setText($("alerts-status"), key ? t(key) : "");
  }

  /** Keep the screen on while logged in, shown, and available or busy. */
  async function updateWakeLock() {
    const wanted = !!state.token && document.visibilityState === "visible" &&
      myState() !== "break";
    if (!("wakeLock" in navigator)) return;
    if (wanted && !state.wakeLock && !state.wakeLockPending) {
      state.wakeLockPending = true;
      try {
        const lock = await navigator.wakeLock.request("screen");
        state.wakeLock = lock;
        lock.addEventListener("release", function () {
          if (state.wakeLock === lock) state.wakeLock = null;
        });
      } catch (err) {
        state.wakeLock = null; // refused (battery saver...): the console still works
      }
      state.wakeLockPending = false;
      if (!state.token || myState() === "break") updateWakeLock();
    } else if (!wanted && state.wakeLock) {
      const lock = state.wakeLock;
      state.wakeLock = null;
      try {
        await lock.release();
      } catch (err) {
        /* released already */
      }
    }
  }

  /** A tap on a notification: show that call. */
  function showRequest(id) {
    showView("queue");
    const card = state.cards.get(id);
    if (!card) return;
    card.scrollIntoView({ block: "center" });
    const button = card.querySelector("button[data-action]:not([hidden])");
    if (button) button.focus({ preventScroll: true });
  }

  // ---------------------------------------------------------------------------------
  // Messages

  function toast(text, kind) {
    const node = $("toast");
    clearTimeout(state.toastTimer);
    node.dataset.kind = kind || "info";
    node.textContent = text;
    state.toastTimer = setTimeout(function () { node.textContent = ""; }, TOAST_MS);
  }

  // ---------------------------------------------------------------------------------
  // Sheets (<dialog>; a plain open attribute where showModal is missing)

  function openSheet(name, info) {
    closeSheet();
    const dialog = $(name);
    state.sheet = Object.assign({ name: name, opener: document.activeElement }, info || {});
    if (typeof dialog.showModal === "function") {
      try {
        dialog.showModal();
      } catch (err) {
        dialog.setAttribute("open", "");
      }
    } else {
      dialog.setAttribute("open", "");
    }
    const first = dialog.querySelector("h2");
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  }

  function closeSheet() {
    const sheet = state.sheet;
    if (!sheet) return;
    state.sheet = null;
    state.workshop = null;
    const dialog = $(sheet.name);
    if (dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
    const opener = sheet.opener;
    if (opener && opener.isConnected && !opener.closest("[hidden]")) {
      opener.focus({ preventScroll: true });
    } else {
      // the button is hidden now (or the call is gone): its card's next action, or the list
      focusCard(opener && opener.closest ? opener.closest("[data-request-id]") : null);
    }
  }

  /** A sheet about a call I no longer hold closes (taken back, cancelled...). */
  function checkOpenSheet() {
    const sheet = state.sheet;
    if (!sheet || !sheet.id || sheet.busy || sheet.name === "workshop-sheet") return;
    const request = state.requests.get(sheet.id);
    if (!request || !isMine(request)) {
      closeSheet();
      toast(t("queue.gone"), "info");
    }
  }

  function bindSheet(dialog) {
    dialog.addEventListener("close", function () {
      if (state.sheet && state.sheet.name === dialog.id) closeSheet();
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) closeSheet(); // a tap on the backdrop
      if (event.target.closest("[data-close-sheet]")) closeSheet();
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && typeof dialog.showModal !== "function") closeSheet();
    });
  }

  // -- hand-over ----------------------------------------------------------------------

  async function openHandover(request, opener) {
    openSheet("handover-sheet", { id: request.id, opener: opener });
    const list = $("handover-list");
    list.replaceChildren();
    setText($("handover-message"), t("phone.loading"));
    const result = await api("GET", "/presence");
    if (!state.sheet || state.sheet.name !== "handover-sheet") return;
    if (result.status === 200 && result.data) {
      setPeople(result.data);
      renderPresence();
    } else if (result.status !== 401) {
      setText($("handover-message"), actionError(result, "presence"));
      return;
    }
    renderColleagues();
  }

  function presenceRank(presence) {
    return Object.prototype.hasOwnProperty.call(PRESENCE_ORDER, presence)
      ? PRESENCE_ORDER[presence] : Object.keys(PRESENCE_ORDER).length;
  }

  function colleagueState(person) {
    return person.on_duty === false ? "offline" : String(person.state || "offline");
  }

  function renderColleagues() {
    const list = $("handover-list");
    const me = myName();
    const people = Array.from(state.people.values()).filter(function (p) {
      return p.name !== me;
    }).sort(function (a, b) {
      const order = presenceRank(colleagueState(a)) - presenceRank(colleagueState(b));
      return order || String(a.name).localeCompare(String(b.name), locale());
    });
    list.replaceChildren();
    people.forEach(function (person) {
      const presence = colleagueState(person);
      const stateLabel = has("phone.presence." + presence) ? t("phone.presence." + presence)
                                                           : presence;
      const button = el("button", {
        type: "button", className: "btn colleague", "data-colleague": person.name,
        "data-state": presence, disabled: presence === "offline",
        "aria-label": t("phone.handover.colleague", { name: person.name, state: stateLabel }),
      }, [el("span", { className: "colleague-name", text: person.name }),
          el("span", { className: "colleague-state", text: stateLabel })]);
      list.append(el("li", {}, [button]));
    });
    setText($("handover-message"), people.length ? "" : t("phone.handover.nobody"));
  }

  async function onColleagueClick(event) {
    const button = event.target.closest("button[data-colleague]");
    if (!button || !state.sheet || state.sheet.name !== "handover-sheet") return;
    const request = state.requests.get(state.sheet.id);
    if (!request) return;
    const name = button.getAttribute("data-colleague");
    const sheet = state.sheet;
    sheet.busy = true;
    const result = await runAction(request, "handover", { to: name }, button, { quiet: true });
    sheet.busy = false;
    if (!state.token) return;
    if (result.status === 200) {
      closeSheet();
      toast(t("phone.handover.waiting", { name: name }), "info");
    } else if (result.status !== 401) {
      const detail = result.status === 409 || result.status === 422
        ? t("phone.handover.impossible", { detail: hubWords(result.data) || result.status })
        : actionError(result, "handover");
      if (state.sheet) setText($("handover-message"), detail);
      else toast(detail, "error");
    }
  }

  // -- finishing a call ---------------------------------------------------------------

  function openResolve(request, opener) {
    const card = state.cards.get(request.id);
    openSheet("resolve-sheet", { id: request.id, opener: opener, outcome: null });
    document.querySelectorAll("#resolve-sheet [data-outcome]").forEach(function (button) {
      button.setAttribute("aria-pressed", "false");
    });
    $("resolve-note").value = card ? card.guichet.note.value : request.note || "";
    setText($("resolve-message"), "");
  }

  function onOutcomeClick(event) {
    const button = event.target.closest("button[data-outcome]");
    if (!button || !state.sheet || state.sheet.name !== "resolve-sheet") return;
    state.sheet.outcome = button.getAttribute("data-outcome");
    document.querySelectorAll("#resolve-sheet [data-outcome]").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
    setText($("resolve-message"), "");
  }

  async function onResolveConfirm() {
    const sheet = state.sheet;
    if (!sheet || sheet.name !== "resolve-sheet") return;
    if (OUTCOMES.indexOf(sheet.outcome) < 0) {
      setText($("resolve-message"), t("phone.resolve.choose"));
      document.querySelector("#resolve-sheet [data-outcome]").focus();
      return;
    }
    const request = state.requests.get(sheet.id);
    if (!request) {
      closeSheet();
      return;
    }
    const body = { outcome: sheet.outcome };
    const note = $("resolve-note").value.trim();
    if (note) body.note = note;
    sheet.busy = true;
    const result = await runAction(request, "resolve", body, $("resolve-confirm"),
                                   { quiet: true });
    sheet.busy = false;
    if (!state.token) return;
    if (result.status === 200) {
      closeSheet();
      toast(t("phone.resolve.done"), "info");
      if (state.view === "day") scheduleDayReload();
    } else if (result.status !== 401) {
      if (state.sheet) setText($("resolve-message"), actionError(result, "resolve"));
      else toast(actionError(result, "resolve"), "error");
    }
  }

  // -- workshop sign-up ---------------------------------------------------------------

  function localDate(date) {
    return date.getFullYear() + "-" + pad2(date.getMonth() + 1) + "-" + pad2(date.getDate());
  }

  /** "jeudi 12 mars à 14:00": the session's own clock time, as the hub wrote it. */
  function whenText(start) {
    const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(String(start || ""));
    if (!parts) return String(start || "");
    const wall = new Date(Date.UTC(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]),
                                   Number(parts[4]), Number(parts[5])));
    try {
      return wall.toLocaleString(locale(), { weekday: "long", day: "numeric", month: "long",
                                             hour: "2-digit", minute: "2-digit",
                                             timeZone: "UTC" });
    } catch (err) {
      return String(start);
    }
  }

  function openWorkshop(request, opener) {
    openSheet("workshop-sheet", { id: request.id, opener: opener });
    const form = { id: request.id, workshops: [], next: null, registration: null,
                   chosen: null, generation: 0 };
    state.workshop = form;
    const level = $("ws-level");
    level.value = LEVELS.indexOf(request.level) >= 0 ? request.level : LEVELS[0];
    ["ws-first-name", "ws-phone", "ws-email"].forEach(function (id) { $(id).value = ""; });
    $("ws-consent").checked = false;
    setWorkshopLocked(false);
    show($("ws-submit"), true);
    show($("ws-finish"), false);
    show($("ws-take-next"), false);
    setText($("ws-message"), "");
    loadWorkshops();
  }

  async function loadWorkshops() {
    const form = state.workshop;
    if (!form) return;
    const generation = ++form.generation;
    const level = $("ws-level").value;
    const today = new Date();
    const last = new Date(today.getTime() + WORKSHOP_DAYS_AHEAD * 86400000);
    form.workshops = [];
    fillWorkshops(null);
    setText($("ws-list-status"), t("workshop.loading"));
    const result = await api("GET", "/workshops?active=1&level=" + encodeURIComponent(level) +
                             "&from=" + localDate(today) + "&to=" + localDate(last));
    if (state.workshop !== form || generation !== form.generation) return; // changed meanwhile
    if (result.status !== 200 || !result.data) {
      setText($("ws-list-status"), "");
      workshopSaid(result);
      return;
    }
    const moment = now();
    form.workshops = (Array.isArray(result.data.items) ? result.data.items : [])
      .filter(function (w) { return timeOf(w.start) > moment && !w.cancelled; });
    fillWorkshops(null);
    setText($("ws-list-status"), form.workshops.length ? "" : t("workshop.none"));
  }

  /** List the sessions; select `pick` (an id), else the first with a free seat. */
  function fillWorkshops(pick) {
    const form = state.workshop;
    const list = $("ws-sessions");
    list.replaceChildren();
    if (!form) return;
    let chosen = false;
    form.workshops.forEach(function (workshop) {
      const full = Number(workshop.seats_left) <= 0;
      const values = { when: whenText(workshop.start), title: workshop.title || "",
                       place: workshop.place || t("workshop.no_place"),
                       left: workshop.seats_left };
      const input = el("input", { type: "radio", name: "ws-session", value: workshop.id,
                                  id: "ws-session-" + workshop.id, disabled: full });
      if (!chosen && !full && (pick === null || workshop.id === pick)) {
        input.checked = true;
        chosen = true;
      }
      list.append(el("li", {}, [el("label", { className: "choice-line",
                                              for: "ws-session-" + workshop.id }, [
        input,
        el("span", { text: t(full ? "workshop.item_full" : "workshop.item", values) }),
      ])]));
    });
    if (form.registration) setWorkshopLocked(true);
    updateWorkshopSubmit();
  }

  function selectedWorkshop() {
    const form = state.workshop;
    const input = document.querySelector("#ws-sessions input[name='ws-session']:checked");
    if (!form || !input || input.disabled) return null;
    return form.workshops.find(function (w) { return String(w.id) === input.value; }) || null;
  }

  /** "Sign up" works only with a session, a first name and the person's consent. */
  function updateWorkshopSubmit() {
    const form = state.workshop;
    $("ws-submit").disabled = !(form && !form.registration && selectedWorkshop() &&
      $("ws-first-name").value.trim() && $("ws-consent").checked);
  }

  function setWorkshopLocked(locked) {
    ["ws-level", "ws-first-name", "ws-phone", "ws-email", "ws-consent"].forEach(function (id) {
      $(id).disabled = locked;
    });
    document.querySelectorAll("#ws-sessions input").forEach(function (input) {
      if (locked) input.disabled = true;
    });
  }

  async function onWorkshopSubmit() {
    const form = state.workshop;
    const workshop = selectedWorkshop();
    if (!form || !workshop || !$("ws-consent").checked) return;
    const body = {
      first_name: $("ws-first-name").value.trim(),
      phone: $("ws-phone").value.trim() || null,
      email: $("ws-email").value.trim() || null,
      consent: true,
      help_request_id: form.id,
    };
    $("ws-submit").disabled = true;
    show($("ws-take-next"), false);
    setText($("ws-message"), t("workshop.working"));
    const result = await api("POST", "/workshops/" + encodeURIComponent(workshop.id) +
                             "/registrations", body);
    if (state.workshop !== form) return;
    if (result.status === 201 && result.data) {
      form.registration = result.data;
      form.chosen = workshop;
      setText($("ws-message"), t("workshop.done", { name: result.data.first_name || body.first_name,
                                                    when: whenText(workshop.start) }));
      setWorkshopLocked(true);
      show($("ws-submit"), false);
      show($("ws-finish"), true);
      $("ws-finish").focus();
    } else if (result.status === 409 && result.data) {
      workshopFull(workshop, result.data.next || null);
    } else {
      workshopSaid(result);
    }
    updateWorkshopSubmit();
  }

  /** The session is full: mark it so, and offer the next one of the level. */
  function workshopFull(workshop, following) {
    const form = state.workshop;
    form.workshops.forEach(function (w) {
      if (w.id === workshop.id) w.seats_left = 0;
    });
    form.next = following;
    fillWorkshops(-1);
    if (!following) {
      setText($("ws-message"), t("workshop.full") + " " + t("workshop.no_next"));
      return;
    }
    setText($("ws-message"), t("workshop.full") + " " +
            t("workshop.next", { when: whenText(following.start), title: following.title || "" }));
    show($("ws-take-next"), true);
  }

  function onTakeNext() {
    const form = state.workshop;
    if (!form || !form.next) return;
    const following = form.next;
    if (!form.workshops.some(function (w) { return w.id === following.id; })) {
      form.workshops.push(following);
      form.workshops.sort(function (a, b) { return timeOf(a.start) - timeOf(b.start); });
    }
    fillWorkshops(following.id);
    show($("ws-take-next"), false);
    setText($("ws-message"), t("workshop.next_chosen", { when: whenText(following.start) }));
    $("ws-submit").focus();
  }

  function workshopSaid(result) {
    if (result.status === 401) return;
    if (result.status === 0) setText($("ws-message"), t("workshop.unreachable"));
    else if (result.status === 422) {
      setText($("ws-message"), t("workshop.invalid", { detail: hubWords(result.data) }));
    } else {
      setText($("ws-message"), t("workshop.failed",
                                 { detail: hubWords(result.data) || result.status }));
    }
  }

  /** After signing up: finish the call with the outcome "workshop". */
  async function onWorkshopFinish() {
    const form = state.workshop;
    if (!form || !form.chosen) return;
    const request = state.requests.get(form.id);
    if (!request) {
      setText($("ws-message"), t("queue.gone"));
      return;
    }
    const note = t("workshop.note", { title: form.chosen.title || "",
                                      when: whenText(form.chosen.start) });
    const result = await runAction(request, "resolve", { outcome: "workshop", note: note },
                                   $("ws-finish"), { quiet: true });
    if (!state.token) return;
    if (result.status === 200) {
      closeSheet();
      toast(t("phone.resolve.done"), "info");
    } else if (result.status !== 401 && state.workshop === form) {
      setText($("ws-message"), actionError(result, "resolve"));
    }
  }

  // ---------------------------------------------------------------------------------
  // My day

  function showView(view) {
    state.view = view;
    $("queue-view").hidden = view !== "queue";
    $("my-day").hidden = view !== "day";
    $("tab-queue").setAttribute("aria-pressed", String(view === "queue"));
    $("tab-day").setAttribute("aria-pressed", String(view === "day"));
  }

  function onTab(view) {
    showView(view);
    if (view === "day") {
      loadMyDay();
      $("day-title").focus({ preventScroll: true });
    } else {
      $("queue-title").focus({ preventScroll: true });
    }
  }

  function scheduleDayReload() {
    clearTimeout(state.dayTimer);
    state.dayTimer = setTimeout(loadMyDay, 1000);
  }

  async function loadMyDay() {
    if (!state.token) return;
    setText($("day-status"), t("phone.loading"));
    const result = await api("GET", "/me/day");
    if (!state.token) return;
    if (result.status !== 200 || !result.data) {
      if (result.status !== 401) setText($("day-status"), t("phone.day.failed"));
      return;
    }
    state.day = result.data;
    setText($("day-status"), "");
    renderMyDay();
  }

  function renderMyDay() {
    const day = state.day;
    if (!day) return;
    const items = Array.isArray(day.items) ? day.items : [];
    const count = typeof day.count === "number" ? day.count : items.length;
    $("day-count").textContent = count ? t("phone.day.count", { n: count }) : t("phone.day.none");
    renderChart(Array.isArray(day.per_hour) ? day.per_hour : []);
    const list = $("day-list");
    list.replaceChildren();
    items.forEach(function (request) {
      list.append(dayItem(request));
    });
  }

  /** One bar per hour, from the first hour with a call to the last (plain CSS). */
  function renderChart(perHour) {
    const chart = $("day-chart");
    chart.replaceChildren();
    const counts = new Map();
    perHour.forEach(function (entry) {
      if (entry && typeof entry.hour === "number") counts.set(entry.hour, Number(entry.count) || 0);
    });
    const hours = Array.from(counts.keys());
    show($("day-chart-title"), hours.length > 0);
    show(chart, hours.length > 0);
    if (!hours.length) return;
    const first = Math.min.apply(null, hours);
    const last = Math.max.apply(null, hours);
    const most = Math.max(1, Math.max.apply(null, Array.from(counts.values())));
    for (let hour = first; hour <= last; hour += 1) {
      const n = counts.get(hour) || 0;
      const bar = el("span", { className: "bar" });
      bar.style.width = Math.round((n / most) * 100) + "%";
      chart.append(el("li", {}, [
        el("span", { className: "chart-hour", "aria-hidden": "true",
                     text: t("phone.day.hour", { hour: hour }) }),
        el("span", { className: "bar-track", "aria-hidden": "true" }, [bar]),
        el("span", { className: "chart-count", "aria-hidden": "true", text: String(n) }),
        el("span", { className: "vh", text: t("phone.day.hour_count", { hour: hour, n: n }) }),
      ]));
    }
  }

  function clockText(iso) {
    const ms = timeOf(iso);
    if (!ms) return "";
    try {
      return new Date(ms).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
    } catch (err) {
      return "";
    }
  }

  function outcomeText(request) {
    if (request.outcome && has("outcomes." + request.outcome)) {
      return t("outcomes." + request.outcome);
    }
    if (request.status === "claimed" && request.claimed_by === myName()) return t("phone.day.open");
    if (request.status === "cancelled") return t("phone.day.cancelled");
    return t("phone.day.given_back");
  }

  function dayItem(request) {
    const time = request.time || clockText(request.claimed_at || request.created_at); // office time
    return el("li", { className: "day-item", "data-request-id": request.id }, [
      el("p", { className: "day-head",
                text: t("phone.day.item", { time: time, kiosk: kioskText(request) }) }),
      el("p", { text: whereText(request) }),
      el("p", { className: "day-outcome", text: outcomeText(request) }),
      request.note ? el("p", { className: "day-note", text: request.note }) : null,
    ]);
  }

  // ---------------------------------------------------------------------------------
  // The page

  function renderAll() {
    renderMe();
    renderConnection();
    renderQueue();
    renderPresence();
    updateAlertsControls();
    if (state.day) renderMyDay();
    if (state.sheet && state.sheet.name === "handover-sheet") renderColleagues();
    if (state.workshop) {
      const chosen = selectedWorkshop();
      fillWorkshops(chosen ? chosen.id : -1);
    }
  }

  function bindEvents() {
    $("login-form").addEventListener("submit", onLoginSubmit);
    document.querySelectorAll("[data-lang-toggle]").forEach(function (button) {
      button.addEventListener("click", switchLanguage);
    });
    $("logout").addEventListener("click", logout);
    $("presence").addEventListener("change", onPresenceChange);
    $("enable-alerts").addEventListener("click", enableAlerts);
    $("tab-queue").addEventListener("click", function () { onTab("queue"); });
    $("tab-day").addEventListener("click", function () { onTab("day"); });
    $("day-refresh").addEventListener("click", loadMyDay);
    $("offers").addEventListener("click", onCardClick);
    $("queue").addEventListener("click", onCardClick);
    $("handover-list").addEventListener("click", onColleagueClick);
    $("resolve-sheet").addEventListener("click", onOutcomeClick);
    $("resolve-confirm").addEventListener("click", onResolveConfirm);
    $("ws-level").addEventListener("change", loadWorkshops);
    $("ws-sessions").addEventListener("change", updateWorkshopSubmit);
    $("ws-first-name").addEventListener("input", updateWorkshopSubmit);
    $("ws-consent").addEventListener("change", updateWorkshopSubmit);
    $("ws-submit").addEventListener("click", onWorkshopSubmit);
    $("ws-take-next").addEventListener("click", onTakeNext);
    $("ws-finish").addEventListener("click", onWorkshopFinish);
    document.querySelectorAll("dialog.sheet").forEach(bindSheet);
    // any first tap may unlock the sounds (browsers need a user gesture)
    document.addEventListener("pointerdown", unlockAudio, { passive: true });
    document.addEventListener("keydown", unlockAudio);
    document.addEventListener("visibilitychange", onVisibilityChange);
    window.addEventListener("online", reconnectNow);
  }

  function onVisibilityChange() {
    if (document.visibilityState === "hidden") {
      state.hiddenAt = Date.now();
      return;
    }
    updateWakeLock(); // the lock is lost while hidden
    updateAlertsControls();
    if (!state.token) return;
    const away = state.hiddenAt ? Date.now() - state.hiddenAt : 0;
    state.hiddenAt = 0;
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN || away > RESYNC_AFTER_HIDDEN_MS) {
      reconnectNow();
    }
  }

  async function start() {
    state.lang = initialLanguage();
    setDocumentLanguage();
    bindEvents();
    registerServiceWorker();
    state.strings = await loadFirstStrings(state.lang);
    applyStrings(document);
    $("page-loading").hidden = true;
    setInterval(tick, 1000);
    state.token = storageGet("sessionStorage", TOKEN_KEY);
    if (state.token) startSession();
    else showLogin(null);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
