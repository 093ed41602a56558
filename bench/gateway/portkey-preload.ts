// Preloaded into Portkey's open-source gateway (node --import) for the gateway benchmark.
//
// 1. Loopback only: its start-server.js takes a port but no host and would listen on every
//    interface; the benchmark's servers listen on 127.0.0.1 only. A listen() given a port
//    and no host gets 127.0.0.1; nothing else changes.
// 2. Streaming on Node 24: @portkey-ai/gateway 1.15.2 relays a stream as
//    `new Response(stream, upstreamResponse)` and then appends its x-portkey-* headers. With
//    @hono/node-server's Response that reuses the upstream fetch() answer's Headers, whose
//    guard is "immutable", so every streamed call fails with "TypeError: immutable" and
//    {"status":"failure","message":"Something went wrong"} (Portkey-AI/gateway issues 1389 and
//    1550). The fix their pull requests propose is to copy the headers; here fetch() answers
//    with a copy whose headers are mutable (same status, headers and body stream). It costs
//    Portkey one extra Response object per call, and changes nothing else.
import { Server } from 'node:net';

type Listen = (...args: unknown[]) => Server;
const listen = Server.prototype.listen as unknown as Listen;

Server.prototype.listen = function (this: Server, ...args: unknown[]): Server {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    return listen.call(this, args[0], '127.0.0.1', args[1]);
  }
  return listen.apply(this, args);
} as Server['listen'];

const NativeResponse = globalThis.Response;
const nativeFetch = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const answer = await nativeFetch(input, init);
  return new NativeResponse(answer.body, {
    status: answer.status,
    statusText: answer.statusText,
    headers: new Headers(answer.headers),
  });
};
