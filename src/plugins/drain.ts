import type { Socket } from 'node:net';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** True once draining began: readiness fails and connections close after their answer. */
    isDraining(): boolean;
    /**
     * Starts draining while still accepting: readiness answers 503 so load balancers move
     * traffic away, and every answer closes its connection. `close()` does it too.
     */
    beginDrain(): void;
  }
}

/**
 * Graceful drain. `close()` stops the listener and closes idle keep-alive connections, which
 * leaves two kinds that would hold shutdown open until a timeout:
 * - a connection busy at that moment stays open after its answer, so answers written while
 *   draining say `Connection: close`;
 * - a connection that never sent a byte (browsers open them speculatively) does not count as
 *   idle to Node, so it is closed here.
 */
const drain: FastifyPluginCallback = (app, _options, done) => {
  let draining = false;
  const connections = new Set<Socket>();

  app.server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });

  app.decorate('isDraining', () => draining);
  app.decorate('beginDrain', () => {
    draining = true;
  });
  app.addHook('preClose', (hookDone) => {
    draining = true;
    // Only once the listener stops: before that a new connection may not have sent its request yet.
    for (const socket of connections) if (socket.bytesRead === 0) socket.destroy();
    hookDone();
  });
  // At send time, so requests that were already in flight when draining began close too.
  app.addHook('onSend', (_request, reply, payload, next) => {
    if (draining) reply.header('connection', 'close');
    next(null, payload);
  });
  done();
};

export default fp(drain, { name: 'drain' });
