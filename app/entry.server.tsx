import { PassThrough } from "node:stream";
import type { EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { reportError } from "./lib/errors.server";
import { addDocumentResponseHeaders } from "./shopify.server";

/** The request id server.mjs gives every request (it overwrites any the client sent). */
export const REQUEST_ID_HEADER = "x-request-id";

/** Remix's errors (loaders, actions, rendering) take the one error path (ADR 0013). */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  reportError(error, { requestId: request.headers.get(REQUEST_ID_HEADER), method: request.method, path: new URL(request.url).pathname });
};

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // Shopify's headers for embedded documents (frame-ancestors CSP for the shop's admin).
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        reportError(error, { requestId: request.headers.get(REQUEST_ID_HEADER), method: request.method, path: new URL(request.url).pathname });
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

// The process entry (server.mjs) reaches the app's server-side modules through the
// Remix build's entry module: boot validation and the background worker.
export { boot } from "./jobs/boot.server";
// The pixel's hot path, mounted directly by server.mjs (ADR 0010); the Remix route stays for `remix vite:dev`.
export { ingestProxyRequest } from "./controllers/proxy.server";
// The webhook acknowledgement, mounted the same way (ADR 0013): no Express, no Remix router.
export { acceptWebhookBytes, webhookRouteOf } from "./controllers/webhooks.server";
// The error path of server.mjs's Express middleware.
export { reportError, genericErrorBody } from "./lib/errors.server";
