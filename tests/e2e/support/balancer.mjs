// A load balancer in front of several chorusd, as a deployment has one (deploy/README.md): each
// new TCP connection goes to the first backend whose /readyz answers 200 at that moment, so a
// draining chorusd (503) gets no new connections while the ones it has carry on. WebSockets are
// connections of their own, so a client that reconnects reaches a ready node.
import net from 'node:net';

export class Balancer {
  #server;
  #sockets = new Set();

  // `backends` are Chorusd objects (support/chorusd.mjs), in order of preference.
  static async start(backends) {
    const balancer = new Balancer(backends);
    await new Promise((resolve, reject) => {
      balancer.#server.once('error', reject);
      balancer.#server.listen(0, '127.0.0.1', resolve);
    });
    return balancer;
  }

  constructor(backends) {
    this.backends = backends;
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.#server.address().port}`;
  }

  // Stops listening and cuts every connection through it.
  async close() {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  async #readyBackend() {
    for (const backend of this.backends) {
      try {
        const response = await fetch(`${backend.baseUrl}/readyz`);
        if (response.ok) return backend;
      } catch {
        // Not answering: not ready.
      }
    }
    return null;
  }

  async #accept(socket) {
    socket.pause();
    this.#track(socket);
    const backend = await this.#readyBackend();
    if (!backend || socket.destroyed) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(backend.httpPort, '127.0.0.1');
    this.#track(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
    socket.resume();
  }

  #track(socket) {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }
}
