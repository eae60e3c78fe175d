/**
 * `GET /atlassian-connect/all.js`: a small stand-in for Connect's JavaScript API. It runs inside the app's
 * iframe (another origin) and asks the host page through postMessage, accepting answers only from the host origin.
 * Calls: AP.context.getToken(cb?), AP.context.getContext(cb?), AP.resize(width?, height?), AP.sizeToParent().
 * The iframe also resizes itself to its content, as the real all.js does.
 */
import { scriptJson } from "./html";

export function apShimScript(hostOrigin: string): string {
  return `(function () {
  "use strict";
  var HOST_ORIGIN = ${scriptJson(hostOrigin)};
  var pending = {};
  var seq = 0;
  var autoResize = true; // off once the app asks to fill its parent
  function call(method, args) {
    return new Promise(function (resolve, reject) {
      var id = ++seq;
      pending[id] = { resolve: resolve, reject: reject };
      window.parent.postMessage({ apSim: 1, id: id, method: method, args: args || [] }, HOST_ORIGIN);
    });
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== HOST_ORIGIN || event.source !== window.parent) return;
    var msg = event.data;
    if (!msg || msg.apSimReply !== 1 || !pending[msg.id]) return;
    var p = pending[msg.id];
    delete pending[msg.id];
    if (msg.error) p.reject(new Error(msg.error)); else p.resolve(msg.result);
  });
  function withCallback(promise, cb) {
    if (typeof cb === "function") promise.then(function (v) { cb(v); }, function () { cb(undefined); });
    return promise;
  }
  // The body's content, not <html>: CSS resets often pin html and body at 100% of the iframe.
  function contentHeight() {
    return Math.ceil(document.body ? document.body.scrollHeight : document.documentElement.scrollHeight);
  }
  window.AP = {
    context: {
      getToken: function (cb) { return withCallback(call("getToken"), cb); },
      getContext: function (cb) { return withCallback(call("getContext"), cb); }
    },
    resize: function (width, height) { return call("resize", [width || "100%", height || contentHeight() + "px"]); },
    sizeToParent: function () { autoResize = false; return call("sizeToParent"); }
  };
  if (typeof ResizeObserver === "function") {
    var last = 0;
    var observe = function () {
      var observer = new ResizeObserver(function () {
        var h = contentHeight();
        if (autoResize && h !== last) { last = h; window.AP.resize("100%", h + "px"); }
      });
      // The body may be pinned at 100% too; its children grow with the content.
      [document.body].concat(Array.prototype.slice.call(document.body.children)).forEach(function (el) { observer.observe(el); });
    };
    if (document.body) observe(); else document.addEventListener("DOMContentLoaded", observe);
  }
})();
`;
}
