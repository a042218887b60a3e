/*
 * Guichet Kiosk: the phone console's service worker (scope /console/).
 *
 * It owns two things only: showing system notifications (the page calls
 * registration.showNotification) and, on a tap on one, bringing the console to the front
 * and telling it which call to show. It caches nothing and answers no fetch: the console
 * always talks to the hub live.
 */
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting(); // a new version takes over at once (it holds no state)
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("notificationclick", function (event) {
  const id = event.notification.data && event.notification.data.id;
  event.notification.close();
  event.waitUntil(focusConsole(id));
});

/** Focus an open console (the first one in scope) or open one; then show the call. */
async function focusConsole(id) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const scope = self.registration.scope;
  const open = windows.find(function (client) { return client.url.startsWith(scope); });
  if (open) {
    try {
      await open.focus();
    } catch (err) {
      /* the browser may refuse; the message still goes */
    }
    if (id) open.postMessage({ type: "show-request", id: String(id) });
    return;
  }
  if (self.clients.openWindow) await self.clients.openWindow(scope);
}
